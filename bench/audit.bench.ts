/**
 * The audit log's cost. (1) Appends: single-entry appends arriving concurrently (as reveals
 * do), group-committed, with checkpoints signed every second, against inserting the same
 * entry bytes into a plain table in the same batches, in one run on one SQLite database.
 * (2) Inclusion proofs from the stored tiles in a log of `BENCH_AUDIT_ENTRIES` entries
 * (default 1,000,000). (3) A whole reveal over HTTP-less service calls: policy, quota, audit
 * append and decryption, against decrypting the field alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../src/app.ts';
import { clearValues } from '../test/clear.ts';
import { loadConfig } from '../src/lib/config.ts';
import { encodeEntry, type AuditRecord } from '../src/audit/entry.ts';
import { verifyInclusion, leafHash } from '../src/audit/merkle.ts';
import { envCount, percentile, say, bench } from './report.ts';

const APPENDS = 100_000;
const IN_FLIGHT = 2000;
const PROOFS = 2000;
const REVEALS = 2000;
const AGENTS = 100;
const PLAIN = 'bench_plain_log';

const record = (i: number): AuditRecord => ({
  kind: 'reveal',
  actor: `staff:u-${i % 500}`,
  subject: `sub_${(i * 7919) % 1_000_003}`.padEnd(30, 'x'),
  result: i % 13 ? 'ok' : 'denied',
  data: {
    role: 'support',
    field: i % 2 ? 'email' : 'phone',
    purpose: 'ticket_followup',
    explanation: `T-${i % 10_000}`,
    policy: ['support-open-ticket'],
  },
});

/** Keeps `inFlight` single-record appends outstanding until `total` are done. */
async function concurrentAppends(app: App, from: number, total: number, inFlight: number): Promise<void> {
  let next = from;
  const end = from + total;
  const worker = async () => {
    while (next < end) await app.audit.append([record(next++)]);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

export async function run(): Promise<void> {
  const entries = envCount('BENCH_AUDIT_ENTRIES', 1_000_000, 1000);
  const dir = mkdtempSync(join(tmpdir(), 'cloak-bench-audit-'));
  let app: App | undefined;
  try {
    app = await createApp(loadConfig({ CLOAK_DATA_DIR: dir, CLOAK_LOG_LEVEL: 'warn', CLOAK_CRYPTO_WORKERS: '0' }));
    say(
      `# audit bench: ${APPENDS} concurrent single-entry appends (${IN_FLIGHT} in flight), proofs at ${entries} entries, ${REVEALS} reveals; load ${loadavg()[0]!.toFixed(2)}`,
    );

    // 1. Appends with checkpoints (the timer signs one each second) vs plain inserts of the same bytes.
    const db = app.store.db.withTables<{ [PLAIN]: { idx: number; body: Buffer } }>();
    await db.schema
      .createTable(PLAIN)
      .addColumn('idx', 'integer', (c) => c.primaryKey())
      .addColumn('body', 'blob', (c) => c.notNull())
      .execute();
    await concurrentAppends(app, 0, 5000, IN_FLIGHT); // warm: statements, JIT, the first checkpoint
    const cps0 = (await app.auditRepo.checkpoints()).length;
    let t = performance.now();
    await concurrentAppends(app, 5000, APPENDS, IN_FLIGHT);
    const auditMs = performance.now() - t;
    const cps = (await app.auditRepo.checkpoints()).length - cps0;
    const at = new Date().toISOString();
    t = performance.now();
    // The baseline writes the same entry bytes in transactions as large as group commit can
    // make them (all the appends in flight): the most favourable case for it.
    const plainBatch = IN_FLIGHT;
    for (let i = 0; i < APPENDS; i += plainBatch) {
      const rows = Array.from(
        { length: Math.min(plainBatch, APPENDS - i) },
        (_, j) => [i + j, encodeEntry(i + j, at, record(i + j))] as const,
      );
      await app.store.db
        .transaction()
        .execute((tx) => app!.store.insertRows(tx, PLAIN as never, ['idx', 'body'] as never, rows));
    }
    const plainMs = performance.now() - t;
    const perS = APPENDS / (auditMs / 1000);
    bench('audit.append_per_s', perS.toFixed(0), 'entries/s');
    bench('audit.append.plain_per_s', (APPENDS / (plainMs / 1000)).toFixed(0), 'rows/s');
    bench('audit.append.ratio', (plainMs / auditMs).toFixed(2), 'x');
    say(
      `# appends: ${cps} checkpoints signed while appending (${(cps / (auditMs / 1000)).toFixed(1)}/s); plain inserts in batches of ${plainBatch}`,
    );

    // 2. Inclusion proofs at `entries`.
    const head = (await app.audit.head()).size;
    t = performance.now();
    const BULK = 20_000;
    for (let i = head; i < entries; i += BULK)
      await app.audit.append(Array.from({ length: Math.min(BULK, entries - i) }, (_, j) => record(i + j)));
    const fillS = (performance.now() - t) / 1000;
    bench('audit.append_bulk_per_s', ((entries - head) / fillS).toFixed(0), 'entries/s');
    say(
      `# filled the log to ${entries} entries in ${fillS.toFixed(1)} s (appends of ${BULK} entries, as a stream consumer makes them; checkpoints on)`,
    );
    const cp = await app.audit.checkpoint();
    const times: number[] = [];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    for (let k = 0; k < PROOFS + 200; k++) {
      const index = Math.floor(rand() * cp.size);
      const s = performance.now();
      const p = await app.audit.inclusion(index, cp.size);
      const ms = performance.now() - s;
      if (k >= 200) times.push(ms);
      if (k % 97 === 0 && !verifyInclusion(index, cp.size, leafHash(p.entry), p.proof, cp.root))
        throw new Error(`proof of ${index} does not verify`);
    }
    times.sort((a, b) => a - b);
    bench('audit.inclusion_proof.p50_ms', percentile(times, 0.5).toFixed(3), 'ms');
    bench('audit.inclusion_proof.p99_ms', percentile(times, 0.99).toFixed(3), 'ms');

    // 3. Reveals: policy + quota + explanation + grant + audit append + decryption, vs
    // decryption alone. A support desk: 100 agents, each with an open ticket, taking turns
    // (each stays under the default quota of 60 an hour, as real agents do).
    const [c] = await app.vault.createSubjects([
      {
        kind: 'customer',
        externalId: 'bench-1',
        fields: { name: 'Nguyễn Văn Bench', phone: '0912 000 111', email: 'bench@example.vn' },
      },
    ]);
    const agents = [];
    for (let a = 0; a < AGENTS; a++) {
      agents.push(
        await app.staff.authenticate(
          (await app.staff.create({ id: `bench-agent-${a}`, role: 'support' }, 'system')).token,
        ),
      );
      await app.explanations.open(
        { kind: 'ticket', id: `T-bench-${a}`, staff: `bench-agent-${a}`, subject: c!.token },
        'system',
      );
    }
    const decryptField = clearValues(app);
    const revealMs: number[] = [];
    const decryptMs: number[] = [];
    for (let k = 0; k < REVEALS + 200; k++) {
      let s = performance.now();
      await app.reveals.reveal(agents[k % AGENTS]!, {
        subject: c!.token,
        field: 'email',
        purpose: 'ticket_followup',
        explanation: `T-bench-${k % AGENTS}`,
      });
      if (k >= 200) revealMs.push(performance.now() - s);
      s = performance.now();
      await decryptField(c!.token, 'email');
      if (k >= 200) decryptMs.push(performance.now() - s);
    }
    revealMs.sort((a, b) => a - b);
    decryptMs.sort((a, b) => a - b);
    bench('audit.reveal.p50_ms', percentile(revealMs, 0.5).toFixed(3), 'ms');
    bench('audit.reveal.p99_ms', percentile(revealMs, 0.99).toFixed(3), 'ms');
    bench('audit.reveal.decrypt_only.p50_ms', percentile(decryptMs, 0.5).toFixed(3), 'ms');
    bench('audit.reveal.ratio', (percentile(revealMs, 0.5) / percentile(decryptMs, 0.5)).toFixed(2), 'x');
    say(
      `# reveals: ${REVEALS} in a row by ${AGENTS} agents with open tickets, taking turns, in a log of ${(await app.audit.head()).size} entries`,
    );
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
