import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../lib/config.ts';
import { parseVerifierKey } from './note.ts';
import { verifyLog } from './verify.ts';

/**
 * What `verifyLog` reports of rows changed in ways the recomputed tree alone does not show
 * (found by the tamper campaign, scripts/tamper.ts): each edit is undone after its check.
 */
for (const d of DIALECTS) {
  describe(`verifyLog on ${d.name}: storage the tree does not hash`, () => {
    const h = appOn(d.fresh);
    const db = () => h.app.store.db;
    const verify = () => verifyLog(h.app.auditRepo, parseVerifierKey(h.app.audit.verifierKey));
    const expectBad = async (reason: RegExp) => {
      const r = await verify();
      assert.equal(r.ok, false, 'reported');
      assert.ok(
        r.problems.some((p) => reason.test(p.reason)),
        r.problems.map((p) => p.reason).join('; '),
      );
    };
    const expectGood = async () => assert.deepEqual((await verify()).problems, []);

    before(async () => {
      for (let i = 0; i < 3; i++) {
        await h.app.audit.append(
          Array.from({ length: 100 }, (_, j) => ({
            kind: 'reveal',
            actor: `staff:u-${j % 3}`,
            subject: `tok_${j}`,
            result: 'ok',
            data: { field: 'phone', purpose: 'delivery', rows: j },
          })),
        );
        await h.app.audit.checkpoint();
      }
    });

    test('an entry rewritten as other bytes of the same JSON value (a space, a \\u escape, 1.0)', async () => {
      const [row] = await sql<{ body: Uint8Array }>`select body from audit_entries where idx = 42`
        .execute(db())
        .then((r) => r.rows);
      const body = Buffer.from(row!.body);
      for (const edited of [
        body.toString().replace(',"kind"', ', "kind"'),
        body.toString().replace('"delivery"', '"\\u0064elivery"'),
        body.toString().replace('"rows":42', '"rows":42.0'),
      ]) {
        assert.notEqual(edited, body.toString());
        await sql`update audit_entries set body = ${Buffer.from(edited)} where idx = 42`.execute(db());
        await expectBad(/entry 42 was rewritten: its stored bytes are not the ones Cloak writes/);
      }
      await sql`update audit_entries set body = ${body} where idx = 42`.execute(db());
      await expectGood();
    });

    test('an entry whose body is stored as text, the same bytes (SQLite keeps the type it is given)', async () => {
      if (d.name !== 'sqlite') return; // PostgreSQL's bytea column cannot hold text.
      await sql`update audit_entries set body = cast(body as text) where idx = 7`.execute(db());
      await expectBad(/entry 7 is stored as text where Cloak writes bytes/);
      await sql`update audit_entries set body = cast(body as blob) where idx = 7`.execute(db());
      await expectGood();
    });

    test('a row stored at a negative index', async () => {
      await sql`insert into audit_entries (idx, at, kind, actor, subject, result, body, leaf) select -5, at, kind, actor, subject, result, body, leaf from audit_entries where idx = 7`.execute(
        db(),
      );
      await expectBad(/a row with index -5 is stored/);
      await sql`delete from audit_entries where idx = -5`.execute(db());
      await expectGood();
    });

    test('a level-1 tile changed, deleted or moved, and a tile the log does not have', async () => {
      const [t] = await sql<{ hashes: Uint8Array }>`select hashes from audit_tiles where level = 1 and idx = 0`
        .execute(db())
        .then((r) => r.rows);
      const hashes = Buffer.from(t!.hashes);
      const flipped = Buffer.from(hashes);
      flipped[5]! ^= 1;
      await sql`update audit_tiles set hashes = ${flipped} where level = 1 and idx = 0`.execute(db());
      await expectBad(/the stored hash tile 1\/0 does not match the entries/);
      await sql`update audit_tiles set level = 2 where level = 1 and idx = 0`.execute(db());
      await expectBad(/the hash tile 1\/0 is missing/);
      await sql`update audit_tiles set level = 1, hashes = ${hashes} where level = 2 and idx = 0`.execute(db());
      await expectGood();
      await sql`insert into audit_tiles (level, idx, hashes) values (0, 7, ${Buffer.alloc(64, 1)})`.execute(db());
      await expectBad(/a hash tile 0\/7 is stored that the log of 300 entries does not have/);
      await sql`delete from audit_tiles where level = 0 and idx = 7`.execute(db());
      await expectGood();
    });

    test('the head row deleted, or a second one added', async () => {
      const [head] = await sql<{
        size: number;
        root: Uint8Array;
        signed_size: number;
      }>`select size, root, signed_size from audit_head where id = 1`
        .execute(db())
        .then((r) => r.rows);
      await sql`insert into audit_head (id, size, root) values (2, 301, ${Buffer.alloc(32)})`.execute(db());
      await expectBad(/the head table holds 2 rows \(id 1, id 2\), not the one row of id 1/);
      await sql`delete from audit_head`.execute(db());
      await expectBad(/the head table holds 0 rows \(none\)/);
      await sql`insert into audit_head (id, size, root, signed_size) values (1, ${head!.size}, ${Buffer.from(head!.root)}, ${head!.signed_size})`.execute(
        db(),
      );
      await expectGood();
    });

    test('a deleted checkpoint is seen: the oldest and a middle one by the next one signed, the newest by the head', async () => {
      const all = await sql<{
        size: number;
        root: Uint8Array;
        note: string;
        at: string;
      }>`select * from audit_checkpoints order by size`
        .execute(db())
        .then((r) => r.rows);
      assert.equal(all.length, 3);
      const put = (c: (typeof all)[number]) =>
        sql`insert into audit_checkpoints (size, root, note, at) values (${c.size}, ${Buffer.from(c.root)}, ${c.note}, ${c.at})`.execute(
          db(),
        );
      await sql`delete from audit_checkpoints where size = 100`.execute(db());
      await expectBad(
        /checkpoint 200 was signed as the log's first|checkpoint 200 was signed after checkpoint 100, which is missing: a checkpoint was deleted/,
      );
      await put(all[0]!);
      await sql`delete from audit_checkpoints where size = 200`.execute(db());
      await expectBad(/checkpoint 300 was signed after checkpoint 200, which is missing: a checkpoint was deleted/);
      await put(all[1]!);
      await sql`delete from audit_checkpoints where size = 300`.execute(db());
      await expectBad(
        /the stored head names checkpoint 300 as the latest signed, and it is missing: a checkpoint was deleted/,
      );
      await put(all[2]!);
      await expectGood();
    });

    test("the head's record of the latest checkpoint changed", async () => {
      for (const v of [null, 200, 301]) {
        await sql`update audit_head set signed_size = ${v} where id = 1`.execute(db());
        await expectBad(
          /the stored head names (no checkpoint|checkpoint 200) as the latest, but checkpoint 300 is stored|names checkpoint 301 as the latest signed, and it is missing/,
        );
      }
      await sql`update audit_head set signed_size = ${300} where id = 1`.execute(db());
      await expectGood();
    });

    test("a checkpoint's time moved within its neighbours, or into the future, differs from the time it signed", async () => {
      const [c] = await sql<{ at: string }>`select at from audit_checkpoints where size = 200`
        .execute(db())
        .then((r) => r.rows);
      for (const delta of [7, 365 * 86_400_000]) {
        const moved = new Date(Date.parse(c!.at) + delta).toISOString();
        await sql`update audit_checkpoints set at = ${moved} where size = 200`.execute(db());
        await expectBad(
          new RegExp(
            `checkpoint 200's signing time in its row \\(${moved.replace(/\./g, '\\.')}\\) is not the one it signed`,
          ),
        );
      }
      await sql`update audit_checkpoints set at = ${c!.at} where size = 200`.execute(db());
      await expectGood();
    });

    test('a checkpoint signed with a time ahead of the verifier is reported, and a signed time is the row time', async () => {
      const r = await verifyLog(h.app.auditRepo, parseVerifierKey(h.app.audit.verifierKey), Date.now() - 86_400_000);
      assert.ok(
        r.problems.some((p) => /checkpoint 300's signing time .* is in the future/.test(p.reason)),
        r.problems.map((p) => p.reason).join('; '),
      );
      const notes = await sql<{
        note: string;
        at: string;
        size: number;
      }>`select note, at, size from audit_checkpoints order by size`
        .execute(db())
        .then((r) => r.rows);
      assert.match(notes[0]!.note, new RegExp(`\\ncloak-signed-at ${notes[0]!.at.replace(/\./g, '\\.')}\\n\\n`));
      assert.doesNotMatch(notes[0]!.note, /cloak-previous-size/);
      assert.match(notes[1]!.note, /\ncloak-previous-size 100\ncloak-signed-at /);
    });

    test("a checkpoint's signing time that is not a time, or before what it signs", async () => {
      const [c] = await sql<{ at: string }>`select at from audit_checkpoints where size = 200`
        .execute(db())
        .then((r) => r.rows);
      await sql`update audit_checkpoints set at = ${'yesterday'} where size = 200`.execute(db());
      await expectBad(/checkpoint of size 200 has a signing time that is not a time/);
      await sql`update audit_checkpoints set at = ${'2001-01-01T00:00:00.000Z'} where size = 200`.execute(db());
      await expectBad(
        /checkpoint 200's signing time 2001-01-01T00:00:00.000Z is before (checkpoint 100's|its last entry's)/,
      );
      await sql`update audit_checkpoints set at = ${c!.at} where size = 200`.execute(db());
      await expectGood();
    });
  });

  describe(`the audit log on ${d.name}: a process that appended nothing signs nothing`, () => {
    test('closing it (as cloak audit verify does) after its timer ran signs no checkpoint of a moved head', async () => {
      const tdb = await d.fresh();
      try {
        const writer = await createApp(loadConfig(tdb.env));
        await writer.audit.append([{ kind: 'staff', actor: 'system', data: { staff: 'u-1' } }]);
        await writer.close();
        const raw = await createApp(loadConfig(tdb.env));
        await sql`update audit_head set size = 6 where id = 1`.execute(raw.store.db);
        await raw.close();
        const reader = await createApp(loadConfig({ ...tdb.env, CLOAK_AUDIT_CHECKPOINT_MS: '50' }));
        await new Promise((r) => setTimeout(r, 200));
        await reader.close();
        const check = await createApp(loadConfig(tdb.env));
        const sizes = (await check.auditRepo.checkpoints()).map((c) => c.size);
        await check.close();
        assert.deepEqual(sizes, [1], 'only the writer signed, at its own size');
      } finally {
        await tdb.drop();
      }
    });
  });
}
