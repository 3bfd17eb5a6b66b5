import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../../test/dialects.ts';
import { outcomes, raceOn } from '../../test/race.ts';
import { tablesOf } from '../store/db.ts';
import { createLeaksRepo } from './leaks.repo.ts';
import type { LeakTraceTable } from './leaks.tables.ts';

// What the leaks repository decides under concurrent calls, on both dialects: the upload
// quota (taken by one conditional upsert in the upload's transaction) and giving an upload's
// bytes back exactly once, whether its file is purged, its record deleted, or both at once;
// and the claim on a trace (one node at a time, a stale lease taken over once, the old
// holder fenced off).
// On PostgreSQL each call has a connection of its own (test/race.ts), as on many nodes.

const WIDTH = 24;
let n = 0;
const upload = (uploader: string, bytes: number, status = 'queued'): LeakTraceTable => ({
  id: `inv_race_${++n}`,
  name: 'dump.csv',
  bytes,
  sha256: '0'.repeat(64),
  status,
  error: null,
  report: null,
  uploaded_by: uploader,
  purged_at: null,
  uploaded_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  finished_at: null,
  claimed_by: null,
  lease_until: null,
});
/** Times for claims: a lease taken at T0 for two minutes, and a moment after it ended. */
const T0 = '2026-03-01T10:00:00.000Z';
const LEASED = '2026-03-01T10:02:00.000Z';
const LATER = '2026-03-01T10:05:00.000Z';

for (const d of DIALECTS) {
  describe(`the leaks repository under concurrent calls, on ${d.name}`, () => {
    const r = raceOn(d.fresh, WIDTH);
    const repo = () => createLeaksRepo(tablesOf(r.db));
    const tracesOf = async (uploader: string) =>
      (await repo().recentTraces(1000)).filter((t) => t.uploaded_by === uploader);
    /** On PostgreSQL, that the calls really ran at once, each on a connection of its own. */
    const overlapped = (overlap: number | undefined) => {
      if (r.dialect === 'postgres') assert.ok(overlap! >= WIDTH / 2, `only ${overlap} calls ran at once`);
    };

    test('of uploads at once against the quota, exactly those that fit pass, for each uploader apart', async () => {
      // Two uploaders new to the quota table, interleaved: the first upsert of each races too.
      const calls = Array.from({ length: WIDTH }, (_, i) => {
        const row = upload(i % 2 ? 'staff:quota-b' : 'staff:quota-a', 1000);
        return () => repo().recordUpload(row, 5000);
      });
      const { settled, overlap } = await r.race(calls);
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 10, 'five uploads of 1000 bytes each within 5000');
      overlapped(overlap);
      for (const who of ['staff:quota-a', 'staff:quota-b']) {
        assert.equal(await repo().heldBy(who), 5000, who);
        // A refused upload left no row: the rows are exactly the bytes held.
        const rows = await tracesOf(who);
        assert.equal(rows.length, 5, who);
        assert.equal(
          rows.reduce((s, t) => s + Number(t.bytes), 0),
          5000,
          who,
        );
      }
    });

    test('uploads of different sizes at once never take the quota past its bound', async () => {
      const sizes = Array.from({ length: WIDTH }, (_, i) => 100 * (1 + (i % 7)));
      const rows = sizes.map((b) => upload('staff:quota-mixed', b));
      const { settled, overlap } = await r.race(rows.map((row) => () => repo().recordUpload(row, 3000)));
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      overlapped(overlap);
      const passed = rows.filter((_, i) => values[i]);
      const held = await repo().heldBy('staff:quota-mixed');
      assert.ok(held <= 3000, `${held} bytes held`);
      assert.equal(
        held,
        passed.reduce((s, t) => s + Number(t.bytes), 0),
      );
      assert.deepEqual((await tracesOf('staff:quota-mixed')).map((t) => t.id).sort(), passed.map((t) => t.id).sort());
      // Full up to less than the smallest upload: no refusal was for room that was there.
      assert.ok(held > 3000 - 100 * 7, `${held} bytes held: an upload that fitted was refused`);
    });

    test('a file purged by many nodes at once is purged once and gives its bytes back once', async () => {
      const who = 'staff:purge';
      const [a, b] = [upload(who, 700, 'done'), upload(who, 300, 'done')];
      assert.ok(await repo().recordUpload(a, 10_000));
      assert.ok(await repo().recordUpload(b, 10_000));
      const at = '2026-02-01T00:00:00.000Z';
      const { settled, overlap } = await r.race(
        Array.from({ length: WIDTH }, () => () => repo().purgeTrace({ id: a.id, bytes: 700, uploaded_by: who }, at)),
      );
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 1, 'one purge wins');
      overlapped(overlap);
      assert.equal(await repo().heldBy(who), 300);
      assert.equal((await repo().getTrace(a.id))?.purged_at, at);
      assert.equal((await repo().getTrace(b.id))?.purged_at, null);
    });

    test('deletes and purges of the same uploads at once give each upload’s bytes back exactly once', async () => {
      const who = 'staff:delete';
      const rows = Array.from({ length: 4 }, (_, i) => upload(who, 100 * (i + 1), 'done'));
      for (const row of rows) assert.ok(await repo().recordUpload(row, 10_000));
      const at = '2026-02-01T00:00:00.000Z';
      // For each upload, three deletes and three purges, all at once.
      const calls = rows.flatMap((row): (() => Promise<unknown>)[] => [
        ...Array.from({ length: 3 }, () => () => repo().deleteTrace(row.id, who)),
        ...Array.from(
          { length: 3 },
          () => () => repo().purgeTrace({ id: row.id, bytes: Number(row.bytes), uploaded_by: who }, at),
        ),
      ]);
      const { settled, overlap } = await r.race(calls);
      assert.deepEqual(outcomes(settled).errors, []);
      overlapped(overlap);
      assert.equal(await repo().heldBy(who), 0, 'every byte given back once: not kept, not given back twice');
      assert.deepEqual(await tracesOf(who), []);
      // The room is there again, and only once.
      const again = Array.from({ length: WIDTH }, () => upload(who, 1000));
      const took = outcomes((await r.race(again.map((row) => () => repo().recordUpload(row, 1000)))).settled);
      assert.equal(took.values.filter(Boolean).length, 1);
      assert.equal(await repo().heldBy(who), 1000);
    });

    test('of many nodes claiming one queued trace at once, exactly one wins and holds it', async () => {
      const row = upload('staff:claim', 10);
      assert.ok(await repo().recordUpload(row, 10_000));
      const owners = Array.from({ length: WIDTH }, (_, i) => `node-${i}`);
      const { settled, overlap } = await r.race(owners.map((o) => () => repo().claimTrace(row.id, o, T0, LEASED)));
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      assert.equal(values.filter(Boolean).length, 1, 'one claim wins');
      overlapped(overlap);
      const t = await repo().getTrace(row.id);
      assert.equal(t?.status, 'tracing');
      assert.equal(t?.claimed_by, owners[values.indexOf(true)]);
      assert.equal(t?.lease_until, LEASED);
      // While the lease holds, nobody else can claim it, even the same moment again.
      const again = await r.race(owners.map((o) => () => repo().claimTrace(row.id, o, T0, LEASED)));
      assert.deepEqual(outcomes(again.settled).values.filter(Boolean), []);
    });

    test('a stale claim (its lease ended), or one left by a version without leases, is taken over by exactly one node', async () => {
      const stale = upload('staff:claim', 10);
      const unleased = upload('staff:claim', 10, 'tracing');
      for (const row of [stale, unleased]) assert.ok(await repo().recordUpload(row, 10_000));
      assert.ok(await repo().claimTrace(stale.id, 'node-dead', T0, LEASED));
      for (const row of [stale, unleased]) {
        const owners = Array.from({ length: WIDTH }, (_, i) => `node-${row.id}-${i}`);
        const until = '2026-03-01T10:07:00.000Z';
        const { settled, overlap } = await r.race(owners.map((o) => () => repo().claimTrace(row.id, o, LATER, until)));
        const { values, errors } = outcomes(settled);
        assert.deepEqual(errors, []);
        assert.equal(values.filter(Boolean).length, 1, `one takeover of ${row.id}`);
        overlapped(overlap);
        const t = await repo().getTrace(row.id);
        assert.equal(t?.claimed_by, owners[values.indexOf(true)]);
        assert.equal(t?.lease_until, until);
      }
    });

    test('after a takeover the old holder can neither renew nor finish, and the row keeps the new holder’s result', async () => {
      const row = upload('staff:claim', 10);
      assert.ok(await repo().recordUpload(row, 10_000));
      assert.ok(await repo().claimTrace(row.id, 'node-old', T0, LEASED));
      assert.ok(await repo().renewClaim(row.id, 'node-old', LEASED), 'renewed while its own');
      assert.ok(await repo().claimTrace(row.id, 'node-new', LATER, '2026-03-01T10:07:00.000Z'));
      assert.equal(await repo().renewClaim(row.id, 'node-old', '2026-03-01T10:09:00.000Z'), false);
      assert.ok(await repo().renewClaim(row.id, 'node-new', '2026-03-01T10:08:00.000Z'));
      // Both finish at once, several times over: only the new holder's one end is written.
      const end = (who: string) => ({ status: 'done' as const, report: `{"by":"${who}"}`, finished_at: LATER });
      const calls = Array.from(
        { length: WIDTH },
        (_, i) => () =>
          i % 2
            ? repo().finishTrace(row.id, 'node-old', end('old'))
            : repo().finishTrace(row.id, 'node-new', end('new')),
      );
      const { settled, overlap } = await r.race(calls);
      const { values, errors } = outcomes(settled);
      assert.deepEqual(errors, []);
      overlapped(overlap);
      assert.equal(values.filter(Boolean).length, 1, 'one end written');
      assert.equal(values.findIndex(Boolean) % 2, 0, 'by the new holder');
      const failed = { status: 'failed' as const, error: 'late', finished_at: LATER };
      assert.equal(await repo().finishTrace(row.id, 'node-old', failed), false);
      assert.equal(await repo().renewClaim(row.id, 'node-old', '2026-03-01T10:09:00.000Z'), false);
      const t = await repo().getTrace(row.id);
      assert.equal(t?.status, 'done');
      assert.equal(t?.report, '{"by":"new"}');
      assert.equal(t?.error, null);
      assert.equal(t?.claimed_by, 'node-new');
    });
  });
}
