import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { rfcLeafHash, rfcRoot, rfcVerifyConsistency, rfcVerifyInclusion } from '../../test/rfc9162.ts';
import { openNote, parseCheckpoint, parseVerifierKey, signNote, formatCheckpoint, signerFromSeed } from './note.ts';
import { verifyLog } from './verify.ts';
import { parseTilePath, encodeIndex } from './tiles.fns.ts';
import type { App } from '../app.ts';
import { publicOf } from './entry.ts';

const rec = (i: number) => ({
  kind: 'reveal',
  actor: `staff:u-${i % 7}`,
  subject: `sub_${i % 13}`,
  result: 'ok',
  data: { field: 'email', purpose: 'ticket' },
});

/** Appends n records in batches of various sizes, concurrently, like a busy server. */
async function fill(app: App, n: number): Promise<void> {
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < n;) {
    const k = Math.min(n - i, 1 + (i % 97));
    jobs.push(app.audit.append(Array.from({ length: k }, (_, j) => rec(i + j))));
    i += k;
  }
  await Promise.all(jobs);
}

/** The entries' public forms: the bytes their leaves hash. */
const bodies = async (app: App) =>
  (await app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((r) => publicOf(r.body));

for (const d of DIALECTS) {
  describe(`audit log on ${d.name}`, () => {
    const h = appOn(d.fresh);

    test('entries get consecutive indexes; roots, checkpoints and proofs check out with an independent RFC 9162 verifier', async () => {
      const app = h.app;
      const [a, b] = await Promise.all([app.audit.append([rec(0)]), app.audit.append([rec(1), rec(2)])]);
      assert.deepEqual([...a!, ...b!].map((e) => e.index).sort(), [0, 1, 2]);
      await fill(app, 1100 - 3);
      const all = await bodies(app);
      assert.equal(all.length, 1100);
      const cp = await app.audit.latest();
      assert.equal(cp.size, 1100);
      assert.ok(cp.root.equals(rfcRoot(all)), 'the signed root is MTH of the stored entries');
      const opened = openNote(cp.note, [parseVerifierKey(app.audit.verifierKey)]);
      const parsed = parseCheckpoint(opened.text, 'cloak.local/audit');
      assert.equal(parsed.size, 1100n);
      for (const i of [0, 1, 255, 256, 257, 511, 512, 1024, 1099]) {
        const p = await app.audit.inclusion(i);
        assert.ok(rfcVerifyInclusion(i, 1100, rfcLeafHash(p.entry), p.proof, cp.root), `inclusion of ${i}`);
        assert.ok(!rfcVerifyInclusion((i + 1) % 1100, 1100, rfcLeafHash(p.entry), p.proof, cp.root));
      }
      for (const [m, n] of [
        [1, 1100],
        [255, 256],
        [256, 1100],
        [700, 1025],
        [1099, 1100],
      ] as const) {
        const p = await app.audit.consistency(m, n);
        assert.ok(
          rfcVerifyConsistency(m, n, rfcRoot(all.slice(0, m)), rfcRoot(all.slice(0, n)), p.proof),
          `consistency ${m}→${n}`,
        );
      }
      assert.ok((await app.audit.rootAt(777)).equals(rfcRoot(all.slice(0, 777))));
      await assert.rejects(app.audit.inclusion(1100), /no inclusion proof/);
      await assert.rejects(app.audit.consistency(5, 1101), /no consistency proof/);
      // Tiles: the full level-0 tiles are the leaf hashes; partial ones their prefix.
      const t0 = await app.audit.tile(0, 0, 256);
      assert.ok(t0!.equals(Buffer.concat(all.slice(0, 256).map(rfcLeafHash))));
      assert.equal((await app.audit.tile(0, 4, 76))!.length, 76 * 32);
      assert.equal(await app.audit.tile(0, 4, 256), undefined, 'tile 4 is not full yet');
      assert.equal(await app.audit.tile(0, 4, 77), undefined, 'not that wide yet');
      const t1 = await app.audit.tile(1, 0, 4);
      assert.ok(t1!.subarray(0, 32).equals(rfcRoot(all.slice(0, 256))));
      const bundle = await app.audit.entries(0, 2);
      assert.equal(bundle!.readUInt16BE(0), all[0]!.length);
      assert.deepEqual(parseTilePath('0/x001/234.p/7'), { level: 0, index: 1234, width: 7 });
      assert.equal(encodeIndex(1234067), 'x001/x234/067');
      assert.equal(parseTilePath('0/x000/234'), undefined);
      assert.equal(parseTilePath('64/000'), undefined);
      assert.equal(parseTilePath('0/001.p/256'), undefined);
      const report = await verifyLog(app.auditRepo, parseVerifierKey(app.audit.verifierKey));
      assert.deepEqual(
        { ok: report.ok, entries: report.entries, problems: report.problems },
        { ok: true, entries: 1100, problems: [] },
      );
    });

    test('appends awaited one after another never stall (a record queued as the writer finishes is still written)', async () => {
      const app = h.app;
      const start = (await app.audit.head()).size;
      for (let i = 0; i < 30; i++) {
        const [e] = await app.audit.append([rec(i)]);
        assert.equal(e!.index, start + i);
      }
    });

    test('cloak audit verify finds every kind of tampering with the stored rows and names the first bad entry', async () => {
      const app = h.app;
      const verifier = parseVerifierKey(app.audit.verifierKey);
      const db = app.store.db;
      const check = async () => verifyLog(app.auditRepo, verifier);
      const restore = async (rows: { idx: number | string; body: Buffer }[]) => {
        for (const r of rows)
          await db.updateTable('audit_entries').set({ body: r.body, idx: r.idx }).where('idx', '=', r.idx).execute();
      };
      const row = async (i: number) =>
        await db.selectFrom('audit_entries').selectAll().where('idx', '=', i).executeTakeFirstOrThrow();

      // Edit: one byte of entry 300's content.
      const r300 = await row(300);
      const edited = Buffer.from(r300.body.toString().replace('"email"', '"phone"'));
      await db.updateTable('audit_entries').set({ body: edited }).where('idx', '=', 300).execute();
      let rep = await check();
      assert.equal(rep.ok, false);
      assert.equal(rep.problems[0]!.index, 300, JSON.stringify(rep.problems));
      // Even with its tile hash rewritten to match, the signed root still catches it.
      const tile = await db
        .selectFrom('audit_tiles')
        .selectAll()
        .where('level', '=', 0)
        .where('idx', '=', 1)
        .executeTakeFirstOrThrow();
      const forged = Buffer.from(tile.hashes);
      rfcLeafHash(publicOf(edited)).copy(forged, (300 - 256) * 32);
      await db.updateTable('audit_tiles').set({ hashes: forged }).where('level', '=', 0).where('idx', '=', 1).execute();
      rep = await check();
      assert.equal(rep.ok, false);
      assert.ok(rep.problems[0]!.index! <= 300, JSON.stringify(rep.problems));
      await db
        .updateTable('audit_tiles')
        .set({ hashes: Buffer.from(tile.hashes) })
        .where('level', '=', 0)
        .where('idx', '=', 1)
        .execute();
      await restore([r300]);
      assert.equal((await check()).ok, true);

      // Delete entry 10.
      const r10 = await row(10);
      await db.deleteFrom('audit_entries').where('idx', '=', 10).execute();
      rep = await check();
      assert.equal(rep.problems[0]!.index, 10, JSON.stringify(rep.problems));
      await db.insertInto('audit_entries').values(r10).execute();

      // Reorder: swap the contents of entries 20 and 21.
      const [r20, r21] = [await row(20), await row(21)];
      await db
        .updateTable('audit_entries')
        .set({ body: r21.body, at: r21.at, kind: r21.kind, actor: r21.actor, subject: r21.subject, result: r21.result })
        .where('idx', '=', 20)
        .execute();
      await db
        .updateTable('audit_entries')
        .set({ body: r20.body, at: r20.at, kind: r20.kind, actor: r20.actor, subject: r20.subject, result: r20.result })
        .where('idx', '=', 21)
        .execute();
      rep = await check();
      assert.equal(rep.problems[0]!.index, 20, JSON.stringify(rep.problems));
      await db
        .updateTable('audit_entries')
        .set({ body: r20.body, subject: r20.subject, actor: r20.actor })
        .where('idx', '=', 20)
        .execute();
      await db
        .updateTable('audit_entries')
        .set({ body: r21.body, subject: r21.subject, actor: r21.actor })
        .where('idx', '=', 21)
        .execute();
      assert.equal((await check()).ok, true);

      // Delete one entry and renumber the rest down, so no gap shows.
      const before = await db.selectFrom('audit_entries').selectAll().where('idx', '>=', 1000).orderBy('idx').execute();
      await db.deleteFrom('audit_entries').where('idx', '=', 1000).execute();
      await db
        .updateTable('audit_entries')
        .set({ idx: sql`idx - 1` })
        .where('idx', '>', 1000)
        .execute();
      rep = await check();
      assert.equal(rep.problems[0]!.index, 1000, JSON.stringify(rep.problems));
      await db.deleteFrom('audit_entries').where('idx', '>=', 1000).execute();
      await db.insertInto('audit_entries').values(before).execute();
      assert.equal((await check()).ok, true);

      // Truncate: the last 50 entries gone (and the head moved back to hide it).
      const tail = await db.selectFrom('audit_entries').selectAll().where('idx', '>=', 1050).execute();
      await db.deleteFrom('audit_entries').where('idx', '>=', 1050).execute();
      rep = await check();
      assert.equal(rep.problems[0]!.index, 1050, JSON.stringify(rep.problems));
      assert.match(rep.problems[0]!.reason, /deleted/);
      await db.insertInto('audit_entries').values(tail).execute();
      assert.equal((await check()).ok, true);

      // A checkpoint signed by another key (same origin) is rejected.
      const { privateKey } = generateKeyPairSync('ed25519');
      const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
      const other = signerFromSeed('cloak.local/audit', seed);
      const root = await app.audit.rootAt(1100);
      await db.deleteFrom('audit_checkpoints').where('size', '=', 1100).execute();
      await db
        .insertInto('audit_checkpoints')
        .values({
          size: 1100,
          root,
          note: signNote(
            formatCheckpoint({ origin: 'cloak.local/audit', size: 1100n, rootHash: root, extensions: [] }),
            [other],
          ),
          at: new Date().toISOString(),
        })
        .execute();
      rep = await check();
      assert.equal(rep.ok, false);
      assert.match(rep.problems.map((p) => p.reason).join('\n'), /checkpoint of size 1100 is not validly signed/);
    });
  });
}
