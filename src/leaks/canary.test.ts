import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearValues } from '../../test/clear.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { runCloak } from '../../test/cli.ts';
import { decodeEntry } from '../audit/entry.ts';
import { InvalidInput } from '../lib/errors.ts';
import { createPeople } from '../lib/people.ts';

const dir = mkdtempSync(join(tmpdir(), 'cloak-canary-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const people = createPeople(6060);

for (const d of DIALECTS) {
  describe(`team canaries and canary calls (${d.name})`, () => {
    const h = appOn(d.fresh);
    const signIn = async (id: string, role: string, team?: string) =>
      h.app.staff.authenticate((await h.app.staff.create({ id, role, team }, 'system')).token);
    const openCases = async () => {
      await h.app.detection.idle();
      return h.app.cases.list({ status: 'open' });
    };

    test('planting: closed work of the team members, an audit entry without values; bad input plants nothing', async () => {
      const app = h.app;
      await signIn('u-agent', 'support', 'support');
      await signIn('u-mod', 'moderator', 'support');
      await signIn('s-seller', 'seller', 'support');
      await signIn('u-other', 'support', 'vn-north');
      const r = await app.teamCanaries.plant({ team: 'support', count: 4 }, 'staff:u-admin');
      assert.equal(r.channel, 'team:support');
      assert.equal(r.tokens.length, 4);
      const listed = await app.canaries.list();
      assert.deepEqual(listed.map((c) => c.token).sort(), [...r.tokens].sort());
      assert.ok(listed.every((c) => c.channel === 'team:support' && /team support/.test(c.detail)));
      // Each is closed work of one member (never the seller, never another team), by turns.
      const work = await app.store.db.selectFrom('explanations').selectAll().where('subject', 'in', r.tokens).execute();
      assert.equal(work.length, 4);
      assert.ok(work.every((w) => w.status === 'closed' && w.closed_at !== null));
      assert.deepEqual([...new Set(work.map((w) => w.staff_id))].sort(), ['u-agent', 'u-mod']);
      for (const w of work) assert.equal(w.kind, w.staff_id === 'u-mod' ? 'moderation' : 'ticket');
      // The planting is in the log: channel, count, members, a hash of the tokens; no token, no value.
      const rows = await app.store.db.selectFrom('audit_entries').selectAll().where('kind', '=', 'canary').execute();
      assert.equal(rows.length, 1);
      const entry = decodeEntry(Buffer.from(rows[0]!.body))!;
      assert.equal(entry.actor, 'staff:u-admin');
      assert.equal(entry.channel, 'team:support');
      assert.equal(entry.count, 4);
      assert.deepEqual(entry.staff, ['u-agent', 'u-mod']);
      assert.match(String(entry.tokens_sha256), /^[0-9a-f]{64}$/);
      const body = Buffer.from(rows[0]!.body).toString();
      for (const t of r.tokens) assert.ok(!body.includes(t));
      for (const t of r.tokens)
        for (const v of [await clearValues(app)(t, 'phone'), await clearValues(app)(t, 'email')])
          assert.ok(!body.includes(v));

      // Bad input: a clear error, and nothing planted.
      for (const [req, path] of [
        [{ team: 'nobody-here' }, '/team'],
        [{ team: 'bad/team' }, '/team'],
        [{ team: 'support', count: 0 }, '/count'],
        [{ team: 'support', count: 11 }, '/count'],
        [{ team: 'support', count: 1.5 }, '/count'],
      ] as const) {
        await assert.rejects(
          app.teamCanaries.plant(req, 'staff:u-admin'),
          (e: unknown) => e instanceof InvalidInput && e.details.some((x) => x.path === path),
        );
      }
      await signIn('s-alone', 'seller', 'sellers-only');
      await assert.rejects(app.teamCanaries.plant({ team: 'sellers-only' }, 'staff:u-admin'), InvalidInput);
      assert.equal((await app.canaries.list()).length, 4);
    });

    test("a support agent's refused reveal of a team canary is a touch naming the team; the platform drawing its masks is not", async () => {
      const app = h.app;
      const [token] = await app.canaries.ofChannel('team:support');
      const agent = await app.staff.authenticate(
        (await app.staff.create({ id: 'u-agent2', role: 'support', team: 'support' }, 'system')).token,
      );
      // The platform shows the team's history, masked: no alert on it.
      await app.vault.getMasked(token!, { actor: 'service:key_platform' });
      await assert.rejects(
        app.reveals.reveal(agent, { subject: token!, field: 'phone', purpose: 'ticket_followup' }),
        /refused|no policy/,
      );
      const cases = await openCases();
      assert.equal(
        cases.some((c) => c.actor === 'service:key_platform'),
        false,
        'drawing masks is not a touch',
      );
      const touched = cases.find((c) => c.actor === 'staff:u-agent2');
      const alert = touched?.alerts.find((a) => a.rule === 'canary-touched');
      assert.ok(alert, JSON.stringify(cases.map((c) => [c.actor, c.alerts.map((a) => a.rule)])));
      assert.equal(alert.severity, 'high');
      assert.match(alert.summary, /tried to see the phone of a canary customer that exists only in team:support/);
      assert.equal((alert.evidence[0] as { result?: string }).result, 'denied');
    });

    test('a traced file with a team canary names the staff member shown it, first; one nobody was shown names the team', async () => {
      const app = h.app;
      const [unseen, seen] = await app.canaries.ofChannel('team:support');
      const night = await signIn('u-night', 'support', 'support');
      const shown = await app.reveals.reveal(night, {
        subject: seen!,
        field: 'phone',
        purpose: 'fraud_check',
        breakGlass: { justification: 'caller says this account was taken over tonight' },
      });
      assert.equal(shown.result, 'break_glass');
      const real = Array.from({ length: 6 }, (_, i) => people.person(i));
      await app.vault.createSubjects(
        real.map((p, i) => ({ externalId: `real-${d.name}-${i}`, fields: { name: p.name, phone: p.phone } })),
      );
      const file = join(dir, `leak-${d.name}.csv`);
      writeFileSync(file, `phone\n${[shown.value, ...real.map((p) => p.phone)].join('\n')}\n`);
      const report = await app.tracer.trace(file);
      assert.deepEqual(
        report.canaryHits.map((c) => c.channel),
        ['team:support'],
      );
      assert.equal(report.affected.includes(seen!), false, 'a canary is nobody');
      assert.equal(report.sources[0]!.kind, 'staff', JSON.stringify(report.sources));
      assert.equal(report.sources[0]!.id, 'u-night');
      assert.equal(report.sources[0]!.score, 1);
      assert.match(
        report.sources[0]!.evidence,
        /^canary: was shown a customer planted only in team support's closed work/,
      );
      // The one nobody was shown (u-agent2 was refused): the team is the channel, nobody is proven.
      const other = join(dir, `leak2-${d.name}.csv`);
      writeFileSync(
        other,
        `phone\n${[await clearValues(app)(unseen!, 'phone'), people.person(0).phone, people.person(1).phone].join('\n')}\n`,
      );
      const r2 = await app.tracer.trace(other);
      assert.deepEqual(
        r2.canaryHits.map((c) => [c.token, c.channel]),
        [[unseen, 'team:support']],
      );
      assert.equal(
        r2.sources.some((s) => s.score === 1),
        false,
        JSON.stringify(r2.sources),
      );
    });

    test("a call to a canary's number files canary-called naming the channel; other numbers nothing; bad input a clear error", async () => {
      const app = h.app;
      const [token] = await app.canaries.ofChannel('team:support');
      const phone = await clearValues(app)(token!, 'phone');
      const before = (await openCases()).length;
      // A real customer's number, an unknown one, and the canary's from a withheld caller id.
      const real = (
        await app.vault.createSubjects([
          { externalId: `called-${d.name}`, fields: { name: people.person(30).name, phone: people.person(30).phone } },
        ])
      )[0]!;
      await app.canaryCalls.inbound({ to: people.person(30).phone, from: '+84 912 000 111' });
      await app.canaryCalls.inbound({ to: '+84 912 999 888' });
      assert.equal((await openCases()).length, before, 'calls to other numbers file nothing');
      assert.ok(real.token);
      // National form, from a caller twice: one case for that caller, who is a keyed hash.
      const national = `0${phone.slice(3)}`;
      await app.canaryCalls.inbound({ to: national, from: '0912 000 111', at: '2026-03-02T08:00:00Z' });
      await app.canaryCalls.inbound({ to: phone, from: '+84912000111' });
      await app.canaryCalls.inbound({ to: phone, from: 'anonymous' });
      const cases = (await openCases()).filter((c) => c.alerts.some((a) => a.rule === 'canary-called'));
      assert.deepEqual(
        cases.map((c) => c.actor).sort(),
        [cases.find((c) => c.actor !== 'phone:unknown')!.actor, 'phone:unknown'].sort(),
      );
      const caller = cases.find((c) => c.actor !== 'phone:unknown')!;
      assert.match(caller.actor, /^phone:[0-9a-f]{16}$/);
      assert.equal(caller.alerts.length, 2);
      assert.equal(caller.alerts[0]!.at, '2026-03-02T08:00:00.000Z');
      assert.match(
        caller.summary,
        /called the number of a canary customer that exists only in team:support \(closed work in the history of team support\)/,
      );
      assert.deepEqual(caller.actions, [], 'nothing to restrict: a caller is no device or staff member');
      const text = JSON.stringify(cases);
      for (const needle of [phone.slice(-7), '912000111', '0912 000 111'])
        assert.ok(!text.includes(needle), `${needle} in an alert`);
      assert.match(cases.find((c) => c.actor === 'phone:unknown')!.summary, /^an unknown caller called/);
      // Bad input: a clear error naming the field, and nothing filed.
      const n = (await openCases()).length;
      for (const [call, path] of [
        [{ to: 'not a number' }, '/to'],
        [{ to: '' }, '/to'],
        [{ to: '12' }, '/to'],
        [{ to: phone, at: 'yesterday' }, '/at'],
        [{} as { to: string }, '/to'],
      ] as const) {
        await assert.rejects(
          app.canaryCalls.inbound(call),
          (e: unknown) =>
            e instanceof InvalidInput && e.details.some((x) => x.path === path) && !e.message.includes(phone.slice(-7)),
        );
      }
      assert.equal((await openCases()).length, n);
    });

    test('the CLI plants team canaries and lists them', async () => {
      await h.app.staff.create({ id: 'u-cli', role: 'support', team: 'returns desk' }, 'system');
      const planted = await runCloak(['canaries', 'plant', '--team', 'returns desk', '--count', '3'], h.db.env);
      assert.equal(planted.code, 0, planted.stderr);
      assert.match(planted.stdout, /channel: team:returns desk/);
      const tokens = [...planted.stdout.matchAll(/token: +(sub_[a-z2-9]{26})/g)].map((m) => m[1]!);
      assert.equal(tokens.length, 3);
      assert.deepEqual((await h.app.canaries.ofChannel('team:returns desk')).sort(), [...tokens].sort());
      const list = await runCloak(['canaries', 'list'], h.db.env);
      assert.equal(list.code, 0, list.stderr);
      for (const t of tokens) assert.match(list.stdout, new RegExp(`${t}  team:returns desk`));
      const bad = await runCloak(['canaries', 'plant', '--team', 'returns desk', '--count', 'lots'], h.db.env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /cannot be planted/);
      assert.equal((await h.app.canaries.ofChannel('team:returns desk')).length, 3);
    });
  });
}
