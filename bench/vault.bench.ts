/**
 * The vault's cost against doing nothing: bulk import of 4-field customers through
 * `vault.importBatch` (validation, normalization, AES-GCM per field, blind indexes, wrapped
 * data keys, in the app's crypto workers) against inserting the same records as plaintext
 * rows, in one run on one SQLite database; then the latency of reading masks and decrypting
 * one field. `BENCH_VAULT_RECORDS` sets how many records are imported (default 100,000).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createApp, type App } from '../src/app.ts';
import { clearValues } from '../test/clear.ts';
import { loadConfig } from '../src/lib/config.ts';
import { createPeople, rng, type Person } from '../src/lib/people.ts';
import { normalizePhone } from '../src/vault/normalize.ts';
import type { ImportItem } from '../src/vault/vault.service.ts';
import { pipeline } from '../src/lib/pipeline.ts';
import { envCount, percentile, say, bench } from './report.ts';

const BATCH = 1000;
/** Batches per timed round (each side imports a round, then the other side does). */
const ROUND = 10;
const CALLS = 2000;
const WARM_CALLS = 200;
const SEED = 2024;
const PLAIN = 'bench_plain_customers';

type PlainRow = { external_id: string; name: string; phone: string; email: string; address: string };

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export async function run(): Promise<void> {
  const records = envCount('BENCH_VAULT_RECORDS', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'cloak-bench-'));
  let app: App | undefined;
  try {
    // The default configuration, as `cloak import` runs it (crypto workers: cores - 1).
    app = await createApp(loadConfig({ CLOAK_DATA_DIR: dir, CLOAK_LOG_LEVEL: 'warn' }));
    const workers = app.config.cryptoWorkers;
    const db = app.store.db.withTables<{ [PLAIN]: PlainRow }>();
    // Same file, same connection, no migration: a table as an application without the vault
    // would have it, keyed by its external id as the vault's (kind, external_id) index is.
    await db.schema
      .createTable(PLAIN)
      .addColumn('external_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .execute();
    const pragma = async (p: string) => Object.values((await sql.raw(`pragma ${p}`).execute(db)).rows[0] as object)[0];
    const syncMode = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(await pragma('synchronous'))];
    say(
      `# vault: ${records} records in batches of ${BATCH} (+1 warm-up batch each side), ${workers} crypto workers, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, node ${process.version}`,
    );
    say(
      `# vault: sqlite ${app.store.location} (journal ${String(await pragma('journal_mode'))}, synchronous ${syncMode}; data keys in the attached keys.db)`,
    );

    // All input is built before any timing: generating people is not what is measured.
    const people = createPeople(SEED);
    const all: Person[] = Array.from({ length: records + BATCH }, (_, i) => people.person(i));
    const byExternalId = new Map(all.map((p) => [p.externalId, p]));
    const toItem = (p: Person, line: number): ImportItem => ({
      line,
      input: {
        kind: 'customer',
        externalId: p.externalId,
        fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
      },
    });
    const toRow = (p: Person): PlainRow => ({
      external_id: p.externalId,
      name: p.name,
      phone: p.phone,
      email: p.email,
      address: p.address,
    });
    const batches = chunk(all, BATCH).map((ps, b) => ({
      items: ps.map((p, k) => toItem(p, b * BATCH + k + 1)),
      rows: ps.map(toRow),
    }));

    const vault = app.vault;
    async function protectedBatch(items: readonly ImportItem[]): Promise<number> {
      const t0 = performance.now();
      const out = await vault.importBatch(items);
      const ms = performance.now() - t0;
      if (out.created !== items.length) {
        const first = out.bad[0];
        throw new Error(
          `import created ${out.created} of ${items.length} (existing ${out.existing}, bad ${out.bad.length}${first ? `, e.g. line ${first.line}: ${JSON.stringify(first.errors)}` : ''})`,
        );
      }
      return ms;
    }
    async function plaintextBatch(rows: readonly PlainRow[]): Promise<number> {
      const t0 = performance.now();
      await db.transaction().execute((trx) => trx.insertInto(PLAIN).values(rows).execute());
      return performance.now() - t0;
    }

    // Fairness: the first batch of each side runs untimed (JIT, prepared statements, worker
    // start-up, first pages of each table). The timed batches then go in rounds of ROUND
    // batches, protected and plaintext taking turns to go first, so both sides see the same
    // file size, cache state, machine noise and share of WAL checkpoints. The protected side
    // keeps two batches in flight as `cloak import` does (one sealed in the workers while the
    // other is written); the plaintext side has nothing to overlap and inserts one after the
    // other. Each side's figure is its records over the sum of its rounds' wall times.
    const [warm, ...timed] = batches;
    await protectedBatch(warm!.items);
    await plaintextBatch(warm!.rows);
    const protectedTimes: number[] = [];
    const plaintextTimes: number[] = [];
    const protectedRound = async (round: typeof timed) => {
      const t0 = performance.now();
      const p = pipeline(2);
      for (const b of round) await p.push(async () => void (await protectedBatch(b.items)));
      await p.drain();
      protectedTimes.push(performance.now() - t0);
    };
    const plaintextRound = async (round: typeof timed) => {
      const t0 = performance.now();
      for (const b of round) await plaintextBatch(b.rows);
      plaintextTimes.push(performance.now() - t0);
    };
    const rounds = chunk(timed, ROUND);
    for (const [k, round] of rounds.entries()) {
      if (k % 2 === 0) {
        await protectedRound(round);
        await plaintextRound(round);
      } else {
        await plaintextRound(round);
        await protectedRound(round);
      }
    }
    const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
    const [protectedMs, plaintextMs] = [sum(protectedTimes), sum(plaintextTimes)];
    const protectedPerS = (records / protectedMs) * 1000;
    const plaintextPerS = (records / plaintextMs) * 1000;
    // Context: how the rate moves as the tables grow (first and last tenth of the batches).
    const rate = (ms: number, n: number) => Math.round((n / ms) * 1000);
    const firstN = rounds[0]!.reduce((n, b) => n + b.rows.length, 0);
    const lastN = rounds[rounds.length - 1]!.reduce((n, b) => n + b.rows.length, 0);
    say(
      `# vault.import: first/last round of ${ROUND} batches: protected ${rate(protectedTimes[0]!, firstN)} / ${rate(protectedTimes[protectedTimes.length - 1]!, lastN)} records/s, plaintext ${rate(plaintextTimes[0]!, firstN)} / ${rate(plaintextTimes[plaintextTimes.length - 1]!, lastN)} records/s`,
    );
    const counted = await db
      .selectFrom(PLAIN)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const subjects = (await vault.keyStatus()).subjects;
    if (Number(counted.n) !== records + BATCH || subjects !== records + BATCH)
      throw new Error(
        `expected ${records + BATCH} rows each side, found ${counted.n} plaintext and ${subjects} subjects`,
      );
    const mb = (f: string) => (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0) / 1e6;
    say(
      `# vault.import: protected ${(protectedMs / 1000).toFixed(2)} s, plaintext ${(plaintextMs / 1000).toFixed(2)} s (timed batches only, plaintext ${(protectedMs / plaintextMs).toFixed(1)}x faster); cloak.db ${mb('cloak.db').toFixed(0)} MB (+${mb('cloak.db-wal').toFixed(0)} MB WAL), keys.db ${mb('keys.db').toFixed(0)} MB`,
    );
    bench('vault.import.protected_per_s', Math.round(protectedPerS).toString(), 'records/s');
    bench('vault.import.plaintext_per_s', Math.round(plaintextPerS).toString(), 'records/s');
    bench('vault.import.ratio', (protectedPerS / plaintextPerS).toFixed(2), 'x');

    // Reads: random tokens among all imported subjects, one call at a time.
    const tokens = await db.selectFrom('vault_subjects').select(['token', 'external_id']).execute();
    const r = rng(SEED);
    const randomSubject = () => tokens[Math.floor(r() * tokens.length)]!;
    const ctx = { actor: 'service:bench' };
    const decryptField = clearValues(app);
    for (let i = 0; i < WARM_CALLS; i++) {
      // The warm-up also checks what the timed calls return.
      const s = randomSubject();
      const person = byExternalId.get(s.external_id!)!;
      const masked = await vault.getMasked(s.token, ctx);
      if (Object.keys(masked.fields).length !== 4)
        throw new Error(`subject ${s.token} has ${Object.keys(masked.fields).length} masked fields, not 4`);
      const phone = normalizePhone(person.phone, 'VN');
      if (!phone.ok || (await decryptField(s.token, 'phone')) !== phone.value.e164)
        throw new Error(`the phone of ${s.token} does not decrypt to what was imported`);
    }
    const latencies = async (call: (token: string) => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const token = randomSubject().token;
        const t0 = performance.now();
        await call(token);
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b);
    };
    const masked = await latencies((t) => vault.getMasked(t, ctx));
    const decrypt = await latencies((t) => decryptField(t, 'phone'));
    for (const [name, ms] of [
      ['read_masked', masked],
      ['decrypt_field', decrypt],
    ] as const) {
      say(
        `# vault.${name}: ${CALLS} calls after ${WARM_CALLS} warm-up, p50 ${percentile(ms, 0.5).toFixed(3)} ms, p99 ${percentile(ms, 0.99).toFixed(3)} ms, max ${ms[ms.length - 1]!.toFixed(3)} ms`,
      );
    }
    bench('vault.read_masked.p99_ms', percentile(masked, 0.99).toFixed(3), 'ms');
    bench('vault.decrypt_field.p99_ms', percentile(decrypt, 0.99).toFixed(3), 'ms');
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
