// The attacker's campaign against Cloak's audit log (spec: docs/tamper-attacker.md).
//   node --import tsx scripts/attacker/attack.ts --db sqlite|postgres [--only id,id] [--json OUT]
// Builds a real log through the CLI and the HTTP API only, checks `cloak audit verify` passes on it,
// then for each attack: restores the pristine copy, changes it with raw SQL, runs `cloak audit verify`
// in its own process and records detected (exit ≠ 0 and a line starting `TAMPERED:`) or missed.
// Written without reading src/audit, scripts/tamper* or e2e/tamper.test.ts.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { attacks } from './attacks.ts';
import { openRaw } from './db.ts';
import { learnTileRule, publicForms, readLog } from './log.ts';
import { leafHash } from './tree.ts';

const BIN = fileURLToPath(new URL('../../bin/cloak.js', import.meta.url));
type Run = { code: number | null; out: string };

function cloak(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, out }));
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** Builds a real log: staff, API keys, explanations and reveals, in waves so that several checkpoints are signed. */
async function buildLog(env: Record<string, string>, waves: number[]): Promise<void> {
  const made = await cloak(['api-keys', 'create', '--name', 'attacker-campaign', '--scopes', 'admin'], env);
  const key = /secret:\s+(\S+)/.exec(made.out)?.[1];
  if (!key) throw new Error(`api-keys create: ${made.out}`);
  if ((await cloak(['staff', 'add', 'op-admin', '--role', 'admin'], env)).code !== 0) throw new Error('staff add');
  const port = await freePort();
  const server = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 1200) throw new Error('cloak serve did not start in 120 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const post = async (path: string, body: unknown, auth = key) => {
      const r = await fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, string>;
    };
    for (const [w, n] of waves.entries()) {
      // a few reveals on tickets (each: a staff member, an explanation entry, a reveal entry) ...
      for (let i = 0; i < 4; i++) {
        const s = await post('/v1/staff', { id: `sup-${w}-${i}`, role: 'support' });
        const sub = await post('/v1/subjects', {
          externalId: `cust-${w}-${i}`,
          fields: { name: `Nguyen Van ${w}${i}`, phone: `09123${String(w * 10 + i).padStart(5, '0')}` },
        });
        await post('/v1/explanations', {
          kind: 'ticket',
          id: `T-${w}-${i}`,
          staff: `sup-${w}-${i}`,
          subject: sub.token,
        });
        await post(
          '/v1/reveal',
          { subject: sub.token, field: 'phone', purpose: 'ticket_followup', explanation: `T-${w}-${i}` },
          s.token,
        );
      }
      // ... then many staff created at once (one entry each).
      for (let i = 0; i < n; i += 10)
        await Promise.all(
          Array.from({ length: Math.min(10, n - i) }, (_, j) =>
            post('/v1/staff', { id: `bulk-${w}-${i + j}`, role: 'courier' }),
          ),
        );
      await new Promise((r) => setTimeout(r, 1500)); // let a checkpoint be signed
    }
    // Every entry's public form, as an auditor with an `audit` key reads it.
    for (let i = 0; ; i += 10) {
      const got = await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const r = await fetch(`${url}/v1/audit/entries/${i + j}`, { headers: { authorization: `Bearer ${key}` } });
          if (r.status === 404 || r.status === 400) return false;
          if (!r.ok) throw new Error(`entry ${i + j}: ${r.status}`);
          publicForms.set(i + j, Buffer.from(((await r.json()) as { entry: string }).entry, 'base64').toString('utf8'));
          return true;
        }),
      );
      if (got.includes(false)) break;
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('close', r));
  }
  await cloak(['audit', 'checkpoint'], env);
}

export type Outcome = {
  id: string;
  what: string;
  outOfScope?: string;
  verdict: 'detected' | 'missed' | 'out-of-scope';
  detail: string;
  sql: string[];
};

export async function campaign(opts: {
  db: 'sqlite' | 'postgres';
  only?: string[];
  waves?: number[];
}): Promise<{ outcomes: Outcome[]; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-attacker-'));
  const env: Record<string, string> = {
    CLOAK_DATA_DIR: dir,
    CLOAK_LOG_LEVEL: 'warn',
    CLOAK_CRYPTO_WORKERS: '0',
    CLOAK_REWRAP_INTERVAL_SECONDS: '0',
  };
  const admin = process.env.CLOAK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cloak_attacker_${process.pid}`;
  const pgUrl = (db: string) => {
    const u = new URL(admin);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const adminQuery = async (q: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  const dbFile = join(dir, 'cloak.db');
  const where = opts.db === 'sqlite' ? dbFile : pgUrl(`${name}_w`);
  if (opts.db === 'postgres') {
    await adminQuery(`DROP DATABASE IF EXISTS ${name}_w`);
    await adminQuery(`CREATE DATABASE ${name}_w`);
    env.CLOAK_DATABASE_URL = where;
  }
  const restore = async () => {
    if (opts.db === 'sqlite') {
      for (const ext of ['-wal', '-shm']) rmSync(dbFile + ext, { force: true });
      copyFileSync(`${dbFile}.pristine`, dbFile);
    } else {
      await adminQuery(`DROP DATABASE IF EXISTS ${name}_w WITH (FORCE)`);
      await adminQuery(`CREATE DATABASE ${name}_w TEMPLATE ${name}_p`);
    }
  };
  const outcomes: Outcome[] = [];
  try {
    await buildLog(env, opts.waves ?? [40, 230, 20, 300, 30]);
    // The pristine copy.
    if (opts.db === 'sqlite') {
      const raw = await openRaw('sqlite', dbFile);
      await raw.all('PRAGMA wal_checkpoint(TRUNCATE)');
      await raw.close();
      copyFileSync(dbFile, `${dbFile}.pristine`);
    } else {
      await adminQuery(`DROP DATABASE IF EXISTS ${name}_p`);
      await adminQuery(`CREATE DATABASE ${name}_p TEMPLATE ${name}_w`);
    }
    {
      const raw = await openRaw(opts.db, where);
      const log = await readLog(raw);
      learnTileRule(log);
      for (const e of log.entries)
        if (!leafHash(Buffer.from(publicForms.get(e.idx) ?? '', 'utf8')).equals(e.leaf))
          throw new Error(`entry ${e.idx}: the leaf is not the hash of its public form`);
      await raw.close();
      const v = await cloak(['audit', 'verify'], env);
      if (v.code !== 0) throw new Error(`verify fails on the pristine log: ${v.out}`);
      console.log(
        `# pristine log: ${log.entries.length} entries, ${log.checkpoints.length} checkpoints, tiles ${[...log.tiles.keys()].join(' ')}; verify: ${v.out.trim().split('\n').pop()}`,
      );
    }
    for (const a of attacks.filter(
      (a) => (!opts.only || opts.only.includes(a.id)) && (!a.sqliteOnly || opts.db === 'sqlite'),
    )) {
      await restore();
      const raw = await openRaw(opts.db, where);
      let sql: string[] = [];
      try {
        const log = await readLog(raw);
        await a.run(raw, log);
        sql = raw.log;
      } finally {
        await raw.close();
      }
      const v = await cloak(['audit', 'verify'], env);
      const line = v.out.split('\n').find((l) => l.startsWith('TAMPERED:'));
      const caught = v.code !== 0 && line !== undefined;
      const detail = caught ? line! : `exit ${v.code}: ${v.out.trim().split('\n').slice(-3).join(' | ')}`;
      const verdict = a.outOfScope && !caught ? 'out-of-scope' : caught ? 'detected' : 'missed';
      outcomes.push({ id: a.id, what: a.what, outOfScope: a.outOfScope, verdict, detail, sql });
      console.log(`${verdict.padEnd(12)} ${a.id.padEnd(44)} ${detail.slice(0, 160)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (opts.db === 'postgres') {
      await adminQuery(`DROP DATABASE IF EXISTS ${name}_w WITH (FORCE)`).catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS ${name}_p WITH (FORCE)`).catch(() => {});
    }
  }
  const count = (v: string) => outcomes.filter((o) => o.verdict === v).length;
  const inScope = outcomes.filter((o) => !o.outOfScope);
  const summary = `ATTACK db=${opts.db} attacks=${inScope.length} detected=${inScope.filter((o) => o.verdict === 'detected').length} missed=${count('missed')} out_of_scope=${outcomes.length - inScope.length}`;
  return { outcomes, summary };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { db: { type: 'string', default: 'sqlite' }, only: { type: 'string' }, json: { type: 'string' } },
  });
  if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db sqlite|postgres');
  const { outcomes, summary } = await campaign({ db: values.db, only: values.only?.split(',') });
  console.log('\n| attack | verdict | verify said |\n|---|---|---|');
  for (const o of outcomes)
    console.log(`| \`${o.id}\` | ${o.verdict} | ${o.detail.replace(/\|/g, '\\|').slice(0, 200)} |`);
  for (const o of outcomes.filter((o) => o.verdict === 'missed'))
    console.log(`\nMISS ${o.id}: ${o.what}\n  SQL:\n    ${o.sql.join(';\n    ')}\n  verify: ${o.detail}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ summary, outcomes }, null, 2));
  console.log(summary);
  void existsSync;
  process.exitCode = outcomes.some((o) => o.verdict === 'missed') ? 1 : 0;
}
