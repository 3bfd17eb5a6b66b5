import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { decodeEntry } from './entry.ts';

/** The access explorer's search of the log, on both databases: filters combined, newest first, pages, data matched exactly. */
for (const d of DIALECTS) {
  describe(`audit search on ${d.name}`, () => {
    const h = appOn(d.fresh);

    test('by actor, subject, kind, time and data (purpose, device), newest first, page by page', async () => {
      const log = h.app.audit;
      const base = (await log.head()).size;
      await log.append(
        Array.from({ length: 60 }, (_, i) => ({
          kind: i % 5 === 0 ? 'device' : 'reveal',
          actor: i % 5 === 0 ? 'system' : `staff:u-${i % 3}`,
          subject: i % 5 === 0 ? undefined : `sub_${i % 4}`,
          result: i % 2 ? 'ok' : 'denied',
          data:
            i % 5 === 0
              ? { device: `dev_${i % 2}`, status: 'revoked' }
              : {
                  field: 'phone',
                  purpose: i % 7 === 0 ? 'fraud_check' : 'ticket_followup',
                  explanation: 'purpose:"fraud_check"',
                },
        })),
      );
      const all = await log.search({ limit: 1000 });
      const mine = all.filter((r) => r.idx >= base);
      assert.equal(mine.length, 60);
      assert.deepEqual(
        all.map((r) => r.idx),
        [...all.map((r) => r.idx)].sort((a, b) => b - a),
        'newest first',
      );

      const want = (p: (e: Record<string, unknown>) => boolean) =>
        mine.filter((r) => p(decodeEntry(r.body)!)).map((r) => r.idx);
      const got = async (f: Parameters<typeof log.search>[0]) =>
        (await log.search(f)).filter((r) => r.idx >= base).map((r) => r.idx);
      assert.deepEqual(
        await got({ actor: 'staff:u-1', limit: 1000 }),
        want((e) => e.actor === 'staff:u-1'),
      );
      assert.deepEqual(
        await got({ subject: 'sub_2', kind: 'reveal', limit: 1000 }),
        want((e) => e.subject === 'sub_2' && e.kind === 'reveal'),
      );
      // The purpose in the data, not the same words elsewhere in the entry (the explanation holds them, quoted).
      assert.deepEqual(
        await got({ contains: [Buffer.from('"purpose":"fraud_check"')], limit: 1000 }),
        want((e) => e.purpose === 'fraud_check'),
      );
      assert.ok((await got({ contains: [Buffer.from('"purpose":"fraud_check"')], limit: 1000 })).length > 0);
      assert.deepEqual(
        await got({ kind: 'device', contains: [Buffer.from('"device":"dev_1"')], limit: 1000 }),
        want((e) => e.device === 'dev_1'),
      );
      assert.deepEqual(
        await got({ actor: 'staff:u-0', contains: [Buffer.from('"purpose":"ticket_followup"')], limit: 1000 }),
        want((e) => e.actor === 'staff:u-0' && e.purpose === 'ticket_followup'),
      );
      // Time: everything was appended now; an interval in the past holds none of it.
      assert.deepEqual(await got({ to: '2000-01-01T00:00:00.000Z', limit: 1000 }), []);
      assert.equal((await got({ from: '2000-01-01T00:00:00.000Z', limit: 1000 })).length, 60);
      // Pages, across entries of several times (a kind is listed by time, then index).
      await new Promise((r) => setTimeout(r, 5));
      await log.append(
        Array.from({ length: 6 }, (_, i) => ({
          kind: 'reveal',
          actor: 'staff:u-9',
          subject: 'sub_9',
          result: 'ok',
          data: { field: 'email', purpose: `later_${i}` },
        })),
      );
      const p1 = await log.search({ kind: 'reveal', limit: 10 });
      const p2 = await log.search({ kind: 'reveal', limit: 10, before: p1.at(-1)!.idx });
      assert.equal(p2[0]!.idx < p1.at(-1)!.idx, true);
      const both = [...p1, ...p2];
      assert.deepEqual(
        both.map((r) => r.idx),
        (await log.search({ kind: 'reveal', limit: 20 })).map((r) => r.idx),
      );
      assert.deepEqual(
        both.slice(0, 6).map((r) => decodeEntry(r.body)!.purpose),
        ['later_5', 'later_4', 'later_3', 'later_2', 'later_1', 'later_0'],
      );
      assert.equal(new Set(both.map((r) => r.idx)).size, 20);
      const p3 = await log.search({ kind: 'reveal', limit: 1000, before: p2.at(-1)!.idx });
      assert.equal(
        p3.length + 20,
        (await log.search({ kind: 'reveal', limit: 1000 })).length,
        'every entry once, over the pages',
      );
    });
  });
}
