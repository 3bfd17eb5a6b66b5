import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { runCampaign, summaryLine, type CrashHandle } from '../scripts/crash.ts';

/**
 * The crash campaign of scripts/crash.ts, bounded: a real `cloak serve` under mixed load,
 * SIGKILLed and restarted, twice on SQLite and twice on PostgreSQL (at once). The full campaign is
 * `npm run crash`. Every kill but the last must find nothing wrong; before the checks of the
 * last one, the storage is damaged (an acknowledged subject loses a field, another one is
 * deleted, a reveal's audit entry is edited) and the checks must say exactly so: a harness
 * that cannot fail proves nothing.
 */
// Without the CLI importer: at these short runs it never finishes, and its start costs seconds of CPU.
const quick = {
  clients: 3,
  minUpMs: 500,
  maxUpMs: 1500,
  importer: false,
  log: (l: string) => void (process.env.CRASH_LOG && process.stderr.write(`${l}\n`)),
} as const;

/** Runs the damage on the dead server's storage (SQLite: the data file, read-write; PostgreSQL: its database). */
async function damage(
  h: CrashHandle,
  sqlite: (db: BetterSqlite3.Database) => void,
  postgres: (c: pg.Client) => Promise<unknown>,
): Promise<void> {
  if (!h.databaseUrl) {
    const db = new BetterSqlite3(join(h.dataDir, 'cloak.db'));
    try {
      sqlite(db);
    } finally {
      db.close();
    }
  } else {
    const c = new pg.Client({ connectionString: h.databaseUrl });
    await c.connect();
    try {
      await postgres(c);
    } finally {
      await c.end();
    }
  }
}

const idOf = (p: string) => `(select id from vault_subjects where token = ${p})`;

// The two dialects at once: most of a kill is waiting for processes to start.
describe('crash campaign', { concurrency: 2 }, () => {
  for (const [db, kills, seed] of [
    ['sqlite', 2, 11],
    ['postgres', 2, 12],
  ] as const) {
    test(`${db}: ${kills} kills, nothing acknowledged lost, the log verified after each; then damage, and the checks catch it`, async () => {
      let cut = '';
      let gone = '';
      const s = await runCampaign({
        db,
        kills,
        seed,
        ...quick,
        async afterKill(h) {
          if (h.kill < kills) return;
          const subjects = h.acks.flatMap((a) => (a.type === 'subject' && a.fields.length > 1 ? [a.token] : []));
          assert.ok(subjects.length >= 2, 'the load acknowledged subjects');
          [cut, gone] = [subjects[0]!, subjects[1]!];
          await damage(
            h,
            (d) => {
              d.prepare(
                `delete from vault_fields where subject_id = ${idOf('?')} and field = (select min(field) from vault_fields where subject_id = ${idOf('?')})`,
              ).run(cut, cut);
              d.prepare(`delete from vault_index where subject_id = ${idOf('?')}`).run(gone);
              d.prepare(`delete from vault_fields where subject_id = ${idOf('?')}`).run(gone);
              d.prepare('delete from vault_subjects where token = ?').run(gone);
              d.prepare(
                `update audit_entries set body = cast(replace(cast(body as text), '"reveal"', '"reveaL"') as blob) where idx = (select min(idx) from audit_entries where kind = 'reveal')`,
              ).run();
            },
            async (c) => {
              await c.query(
                `delete from vault_fields where subject_id = ${idOf('$1')} and field = (select min(field) from vault_fields where subject_id = ${idOf('$1')})`,
                [cut],
              );
              await c.query(`delete from vault_index where subject_id = ${idOf('$1')}`, [gone]);
              await c.query(`delete from vault_fields where subject_id = ${idOf('$1')}`, [gone]);
              await c.query('delete from vault_subjects where token = $1', [gone]);
              await c.query(
                `update audit_entries set body = convert_to(replace(convert_from(body, 'UTF8'), '"reveal"', '"reveaL"'), 'UTF8') where idx = (select min(idx) from audit_entries where kind = 'reveal')`,
              );
            },
          );
        },
      });
      const clean = s.perKill.slice(0, -1);
      const last = s.perKill.at(-1)!;
      assert.equal(s.perKill.length, kills);
      for (const k of clean)
        assert.deepEqual(
          [k.lost, k.halfWritten, k.verifyFailures, k.inconsistentCheckpoints],
          [0, 0, 0, 0],
          `kill ${k.kill}: ${s.problems.join('\n')}`,
        );
      // Short runs on a busy machine acknowledge a few dozen writes (40 seen at a load average of 15).
      assert.ok(s.acknowledged >= 10, summaryLine(s));
      // The damage, and only the damage.
      assert.ok(
        last.halfWritten >= 1 && last.lost >= 2 && last.verifyFailures === 1,
        `${JSON.stringify(last)}\n${s.problems.join('\n')}`,
      );
      assert.ok(
        s.problems.some((p) => p.startsWith('halfWritten') && p.includes(cut)),
        s.problems.join('\n'),
      );
      assert.ok(
        s.problems.some((p) => p.startsWith('lost') && p.includes(gone) && p.includes('not stored')),
        s.problems.join('\n'),
      );
      assert.ok(
        s.problems.some((p) => p.startsWith('verifyFailures') && p.includes('TAMPERED')),
        s.problems.join('\n'),
      );
      const unrelated = s.problems.filter(
        (p) =>
          !p.includes(cut) &&
          !p.includes(gone) &&
          !p.startsWith('verifyFailures') &&
          !/audit entry \d+ (is not the acknowledged reveal|has no valid inclusion proof)/.test(p),
      );
      assert.deepEqual(unrelated, []);
    });
  }
});
