import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { DIALECTS, type TestDb } from '../test/dialects.ts';
import { runCloak } from '../test/cli.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/lib/config.ts';
import { formatCheckpoint, signNote, signerFromSeed } from '../src/audit/note.ts';
import { publicOf } from '../src/audit/entry.ts';

/**
 * Rows of the stored log edited, deleted, reordered or
 * truncated directly in the database (not through Cloak) are caught by `cloak audit verify`,
 * run as an operator would, which names the first bad entry; a checkpoint signed by another
 * key is rejected. On SQLite and on PostgreSQL.
 */
type Sql = {
  run(q: string, ...p: unknown[]): Promise<void>;
  rows(q: string, ...p: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

function rawSql(db: TestDb): Sql {
  if (db.dialect === 'sqlite') {
    const c = new BetterSqlite3(join(db.dataDir, 'cloak.db'));
    return {
      run: async (q, ...p) => void c.prepare(q).run(...p),
      rows: async (q, ...p) => c.prepare(q).all(...p) as Record<string, unknown>[],
      close: async () => {
        c.close();
      },
    };
  }
  const c = new pg.Client({ connectionString: db.databaseUrl });
  const ready = c.connect();
  // $1, $2 … for PostgreSQL: the same queries are written with ? here.
  const q = (s: string) =>
    s.replace(
      /\?/g,
      (
        (n) => () =>
          `$${++n}`
      )(0),
    );
  return {
    run: async (s, ...p) => {
      await ready;
      await c.query(q(s), p);
    },
    rows: async (s, ...p) => {
      await ready;
      return (await c.query(q(s), p)).rows;
    },
    close: () => c.end(),
  };
}

for (const d of DIALECTS) {
  describe(`cloak audit verify on ${d.name}`, () => {
    let db: TestDb;
    let sql: Sql;
    const verify = async () => runCloak(['audit', 'verify'], db.env);
    const expectBad = async (index: number, reason: RegExp) => {
      const r = await verify();
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`TAMPERED: first bad entry ${index}: `));
      assert.match(r.stdout, reason);
    };
    const expectGood = async () => {
      const r = await verify();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /: 700 entries, \d+ signed checkpoints \(latest at size 700\)\nOK: /);
    };

    before(async () => {
      db = await d.fresh();
      const app = await createApp(loadConfig({ ...db.env, CLOAK_AUDIT_CHECKPOINT_MS: '50' }));
      // Several checkpoints along the way, as a server signs them while entries arrive.
      for (let i = 0; i < 7; i++) {
        await app.audit.append(
          Array.from({ length: 100 }, (_, j) => ({
            kind: 'reveal',
            actor: `staff:u-${j % 5}`,
            subject: `sub_${(i * 100 + j) % 17}`,
            result: j % 9 ? 'ok' : 'denied',
            data: { field: 'phone', purpose: 'ticket_followup', role: 'support' },
          })),
        );
        await app.audit.checkpoint();
      }
      await app.close();
      sql = rawSql(db);
    });
    after(async () => {
      await sql?.close();
      await db?.drop();
    });

    test('an untouched log verifies', expectGood);

    test('an edited entry is named, even when its recorded hash and its hash tile are rewritten to match', async () => {
      const [row] = await sql.rows('select body, leaf from audit_entries where idx = ?', 432);
      const body = Buffer.from(row!.body as Uint8Array);
      const edited = Buffer.from(body.toString().replace('"denied"', '"ok"').replace('"phone"', '"email"'));
      await sql.run('update audit_entries set body = ? where idx = ?', edited, 432);
      await expectBad(432, /entry 432 was changed after it was written/);
      // A careful attacker also rewrites the recorded hash and the tile: the signed root still says no.
      // Its leaf is the hash of its public form (the stored bytes with commitments, src/audit/entry.ts).
      const newLeaf = createHash('sha256').update(Buffer.of(0)).update(publicOf(edited)).digest();
      const [tile] = await sql.rows('select hashes from audit_tiles where level = 0 and idx = 1');
      const forged = Buffer.from(tile!.hashes as Uint8Array);
      newLeaf.copy(forged, (432 - 256) * 32);
      await sql.run('update audit_entries set leaf = ? where idx = ?', newLeaf, 432);
      await sql.run('update audit_tiles set hashes = ? where level = 0 and idx = 1', forged);
      const r = await verify();
      assert.equal(r.code, 1);
      assert.match(
        r.stdout,
        /TAMPERED: first bad entry (\d+): the entries do not reproduce the root of checkpoint 500/,
      );
      assert.ok(Number(/first bad entry (\d+)/.exec(r.stdout)![1]) <= 432);
      await sql.run(
        'update audit_tiles set hashes = ? where level = 0 and idx = 1',
        Buffer.from(tile!.hashes as Uint8Array),
      );
      await sql.run(
        'update audit_entries set body = ?, leaf = ? where idx = ?',
        body,
        Buffer.from(row!.leaf as Uint8Array),
        432,
      );
      await expectGood();
    });

    test('a deleted entry is named, with or without renumbering the rest', async () => {
      const rows = await sql.rows('select * from audit_entries where idx >= ? order by idx', 250);
      await sql.run('delete from audit_entries where idx = ?', 250);
      await expectBad(250, /entry 250 is missing/);
      // In two steps, as PostgreSQL checks the key row by row.
      await sql.run('update audit_entries set idx = -idx where idx > ?', 250);
      await sql.run('update audit_entries set idx = -idx - 1 where idx < 0');
      await expectBad(250, /holds the content of entry 251/);
      await sql.run('delete from audit_entries where idx >= ?', 250);
      for (const r of rows)
        await sql.run(
          'insert into audit_entries (idx, at, kind, actor, subject, result, body, leaf) values (?, ?, ?, ?, ?, ?, ?, ?)',
          r.idx,
          r.at,
          r.kind,
          r.actor,
          r.subject,
          r.result,
          r.body,
          r.leaf,
        );
      await expectGood();
    });

    test('reordered entries are named', async () => {
      const [a] = await sql.rows('select * from audit_entries where idx = ?', 77);
      const [b] = await sql.rows('select * from audit_entries where idx = ?', 78);
      await sql.run('update audit_entries set idx = ? where idx = ?', -1, 77);
      await sql.run('update audit_entries set idx = ? where idx = ?', 77, 78);
      await sql.run('update audit_entries set idx = ? where idx = ?', 78, -1);
      await expectBad(77, /holds the content of entry 78/);
      await sql.run('delete from audit_entries where idx in (77, 78)');
      for (const r of [a!, b!])
        await sql.run(
          'insert into audit_entries (idx, at, kind, actor, subject, result, body, leaf) values (?, ?, ?, ?, ?, ?, ?, ?)',
          r.idx,
          r.at,
          r.kind,
          r.actor,
          r.subject,
          r.result,
          r.body,
          r.leaf,
        );
      await expectGood();
    });

    test('a truncated log is named at the first missing entry, even with its head moved back', async () => {
      const tail = await sql.rows('select * from audit_entries where idx >= ?', 640);
      const [head] = await sql.rows('select size, root from audit_head where id = 1');
      await sql.run('delete from audit_entries where idx >= ?', 640);
      await sql.run('update audit_head set size = ? where id = 1', 640);
      await expectBad(640, /holds 640 entries but checkpoint 700 was signed: entries from 640 were deleted/);
      for (const r of tail)
        await sql.run(
          'insert into audit_entries (idx, at, kind, actor, subject, result, body, leaf) values (?, ?, ?, ?, ?, ?, ?, ?)',
          r.idx,
          r.at,
          r.kind,
          r.actor,
          r.subject,
          r.result,
          r.body,
          r.leaf,
        );
      await sql.run('update audit_head set size = ?, root = ? where id = 1', head!.size, head!.root);
      await expectGood();
    });

    test('a checkpoint signed by another key is rejected', async () => {
      const [cp] = await sql.rows('select * from audit_checkpoints where size = ?', 700);
      const seed = Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }).d!, 'base64url');
      const forged = signNote(
        formatCheckpoint({
          origin: 'cloak.local/audit',
          size: 700n,
          rootHash: Buffer.from(cp!.root as Uint8Array),
          extensions: [],
        }),
        [signerFromSeed('cloak.local/audit', seed)],
      );
      await sql.run('update audit_checkpoints set note = ? where size = ?', forged, 700);
      const r = await verify();
      assert.equal(r.code, 1);
      assert.match(r.stdout, /TAMPERED: checkpoint of size 700 is not validly signed by cloak\.local\/audit/);
      await sql.run('update audit_checkpoints set note = ? where size = ?', cp!.note, 700);
      await expectGood();
    });
  });
}
