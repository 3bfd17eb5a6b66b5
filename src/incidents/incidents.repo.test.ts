import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../../test/dialects.ts';
import { outcomes, raceOn } from '../../test/race.ts';
import { Conflict } from '../lib/errors.ts';
import { tablesOf } from '../store/db.ts';
import { createIncidentsRepo } from './incidents.repo.ts';
import { createIncidentService } from './incidents.service.ts';
import { createNoticeService } from './notices.service.ts';
import type { IncidentTable } from './incidents.tables.ts';

// What the incidents repository decides once under concurrent calls, on both dialects: a
// notice sending claimed by one officer, a "was I affected?" challenge's tries counted up to
// their limit, its code used once, and each deadline of an incident met once, none lost when
// several are met at once (a compare-and-set of the list), and each text approved once when
// several officers approve it at once. On PostgreSQL each call has a connection of its own
// (test/race.ts), as on many nodes.

const WIDTH = 24;

for (const d of DIALECTS) {
  describe(`the incidents repository under concurrent calls, on ${d.name}`, () => {
    const r = raceOn(d.fresh, WIDTH);
    const repo = () => createIncidentsRepo(tablesOf(r.db));
    const overlapped = (overlap: number | undefined) => {
      if (r.dialect === 'postgres') assert.ok(overlap! >= WIDTH / 2, `only ${overlap} calls ran at once`);
    };
    const check = (id: string, expiresAt = '2999-01-01T00:00:00.000Z') => ({
      id,
      kind: 'phone',
      identifier: Buffer.from('sealed'),
      code_hash: Buffer.alloc(32, 7),
      attempts: 0,
      expires_at: expiresAt,
    });
    const attemptsOf = async (id: string) =>
      (await r.db.selectFrom('affected_checks').select('attempts').where('id', '=', id).executeTakeFirst())?.attempts;
    const deadline = (i: number) => ({
      jurisdiction: 'VN',
      kind: 'regulator',
      to: 'the regulator',
      law: `law ${i}`,
      due: '2026-03-04T00:00:00.000Z',
      rule: '72 hours',
      met: null,
    });
    const incident = (id: string, deadlines: number): IncidentTable => ({
      id,
      title: 'a race',
      where_: 'a test',
      discovered_at: '2026-03-01T00:00:00.000Z',
      occurred_at: null,
      subjects: '["sub_x"]',
      categories: '["phone"]',
      jurisdictions: '{"VN":1}',
      high_risk: 0,
      deadlines: JSON.stringify(Array.from({ length: deadlines }, (_, i) => deadline(i))),
      measures: 'contained',
      opened_by: 'staff:opener',
      opened_at: '2026-03-01T00:00:00.000Z',
    });

    test("an incident's notices are claimed for sending by exactly one of many officers at once", async () => {
      const incident = 'inc_race_send';
      const calls = Array.from(
        { length: WIDTH },
        (_, i) => () =>
          repo().claimSend({
            id: `${incident}:notices`,
            incident,
            langs: '{}',
            sent: 0,
            unreachable: 0,
            sent_by: `staff:officer-${i}`,
            sent_at: '2026-03-01T00:00:00.000Z',
          }),
      );
      const { settled, overlap } = await r.race(calls);
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 1, 'one claim wins');
      overlapped(overlap);
      const sends = await repo().sendsOf(incident);
      assert.equal(sends.length, 1);
      assert.equal(sends[0]!.sent_by, `staff:officer-${values.indexOf(true)}`, 'the row is the winner’s');
    });

    test("a challenge's tries, counted at once, stop at the limit", async () => {
      await repo().insertCheck(check('chk_race_tries'));
      const now = '2026-03-01T00:00:00.000Z';
      const { settled, overlap } = await r.race(
        Array.from({ length: WIDTH }, () => () => repo().countAttempt('chk_race_tries', 5, now)),
      );
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter((v) => v !== undefined).length, 5, 'five tries allowed, no more');
      overlapped(overlap);
      assert.equal(await attemptsOf('chk_race_tries'), 5);
      // An expired challenge counts no try, however many come at once.
      await repo().insertCheck(check('chk_race_expired', '2026-02-01T00:00:00.000Z'));
      const late = outcomes(
        (await r.race(Array.from({ length: WIDTH }, () => () => repo().countAttempt('chk_race_expired', 5, now))))
          .settled,
      );
      assert.deepEqual([late.errors, late.values.filter((v) => v !== undefined)], [[], []]);
      assert.equal(await attemptsOf('chk_race_expired'), 0);
    });

    test("a challenge's code is used once, however many use it at once", async () => {
      await repo().insertCheck(check('chk_race_use'));
      const { settled, overlap } = await r.race(
        Array.from({ length: WIDTH }, () => () => repo().useCheck('chk_race_use')),
      );
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 1, 'one use wins');
      overlapped(overlap);
      assert.equal(await attemptsOf('chk_race_use'), undefined, 'the challenge is gone');
    });

    test('tries and uses of one challenge at once: the code is used at most once, the tries stay within the limit', async () => {
      await repo().insertCheck(check('chk_race_mixed'));
      const now = '2026-03-01T00:00:00.000Z';
      // As the service does: a try is counted, then a right code uses the challenge.
      const tryAndUse = async () =>
        (await repo().countAttempt('chk_race_mixed', 3, now)) ? repo().useCheck('chk_race_mixed') : false;
      const { settled, overlap } = await r.race(Array.from({ length: WIDTH }, () => tryAndUse));
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 1, 'used once');
      overlapped(overlap);
      assert.equal(await attemptsOf('chk_race_mixed'), undefined);
    });

    test("an incident's deadlines are replaced by one of many changes made at once from the same list", async () => {
      const row = incident('inc_race_cas', 2);
      await repo().insertIncident(row);
      const nexts = Array.from({ length: WIDTH }, (_, i) =>
        JSON.stringify([{ ...deadline(0), met: `2026-03-02T00:00:${String(i).padStart(2, '0')}.000Z` }, deadline(1)]),
      );
      const { settled, overlap } = await r.race(
        nexts.map((next) => () => repo().replaceDeadlines(row.id, row.deadlines, next)),
      );
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 1, 'one change wins');
      overlapped(overlap);
      assert.equal((await repo().getIncident(row.id))?.deadlines, nexts[values.indexOf(true)]);
    });

    test('officers meeting deadlines at once: each deadline is met once, and none is lost', async () => {
      const logged: unknown[] = [];
      const incidents = createIncidentService({
        repo: repo(),
        clock: { now: () => new Date() },
        audit: {
          append: async (entries) => {
            logged.push(...entries);
            return [];
          },
        },
        vault: { getMasked: async () => Promise.reject(new Error('not used')) },
        dpo: 'dpo@example.com',
      });
      const row = incident('inc_race_meet', 3);
      await repo().insertIncident(row);
      // Eight officers on each of the three deadlines, all at once.
      const calls = Array.from({ length: WIDTH }, (_, i) => () => incidents.meet(row.id, i % 3, `staff:officer-${i}`));
      const { settled, overlap } = await r.race(calls);
      const { values, errors } = outcomes(settled);
      assert.equal(values.length, 3, 'one meeting of each deadline');
      assert.equal(errors.length, WIDTH - 3);
      for (const e of errors) assert.ok(e instanceof Conflict && /already met/.test(e.message), String(e));
      overlapped(overlap);
      const met = (await incidents.get(row.id)).deadlines.map((x) => x.met);
      assert.ok(
        met.every((m) => m !== null),
        `every deadline met: ${JSON.stringify(met)}`,
      );
      assert.equal(logged.length, 3, 'each meeting is logged once');
      await assert.rejects(incidents.meet(row.id, 0, 'staff:late'), Conflict);
    });

    test('officers approving one text at once: one approves it, the others are told it was approved meanwhile', async () => {
      const logged: unknown[] = [];
      const audit = {
        append: async (entries: readonly unknown[]) => {
          logged.push(...entries);
          return [];
        },
      };
      const clock = { now: () => new Date() };
      const unused = () => Promise.reject(new Error('not used'));
      const incidents = createIncidentService({
        repo: repo(),
        clock,
        audit,
        vault: { getMasked: unused },
        dpo: 'dpo@example.com',
      });
      type Deps = Parameters<typeof createNoticeService>[0];
      const notices = createNoticeService({
        repo: repo(),
        clock,
        audit,
        incidents,
        vault: { getMasked: unused },
        clear: {} as Deps['clear'], // approving decrypts nothing
        sender: { send: unused },
      });
      const row = incident('inc_race_approve', 1);
      await repo().insertIncident(row);
      const approvals = () =>
        r.db.selectFrom('incident_approvals').selectAll().where('incident', '=', row.id).execute();
      const approveAtOnce = async () => {
        const officers = Array.from({ length: WIDTH }, (_, i) => `staff:officer-${i}`);
        const { settled, overlap } = await r.race(
          officers.map((o) => () => notices.approve(row.id, 'report', 'en', o)),
        );
        const { values, errors } = outcomes(settled);
        assert.equal(values.length, 1, `one approval: ${errors.filter((e) => !(e instanceof Conflict)).join('; ')}`);
        overlapped(overlap);
        const winner = values[0]!.approvedBy!;
        assert.equal(errors.length, WIDTH - 1);
        for (const e of errors)
          assert.ok(
            e instanceof Conflict &&
              new RegExp(`(already approved|approved meanwhile) by ${winner} at `).test(e.message),
            `${String(e)} (approved by ${winner})`,
          );
        const stored = await approvals();
        assert.deepEqual(
          stored.map((a) => [a.doc, a.lang, a.text_sha256, a.approved_by]),
          [['report', 'en', values[0]!.sha256, winner]],
          'one approval row, the winner’s, of the text as it reads',
        );
      };

      // The first approval of the text.
      await approveAtOnce();
      assert.equal(logged.length, 1, 'the approval is logged once');
      // The text changed since (here, its approval is of another hash): re-approved once too.
      await r.db
        .updateTable('incident_approvals')
        .set({ text_sha256: 'an older text' })
        .where('incident', '=', row.id)
        .execute();
      await approveAtOnce();
      assert.equal(logged.length, 2, 'the re-approval is logged once');
      // Afterwards, as before: the same text again is a Conflict that names who approved it.
      await assert.rejects(notices.approve(row.id, 'report', 'en', 'staff:late'), /already approved by staff:officer-/);
      assert.equal(logged.length, 2);
    });
  });
}
