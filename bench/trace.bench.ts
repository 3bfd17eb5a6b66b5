/**
 * Leak tracing's cost against merely reading the file: a leaked CSV of `--rows N` rows
 * (default 1,000,000; `npm run bench -- trace --rows 10000000`, or BENCH_TRACE_ROWS) is traced
 * against a vault of as many customers (`cloak trace`'s path: read, classify, normalize,
 * blind-index, match in bulk, rank sources), and parsed alone, in the same run, on the same
 * file. The vault is filled first through `vault.importBatch`, as `cloak import` does (slow
 * at this size: printed as context, not timed in the figures). With BENCH_TRACE_DIR set, the
 * vault and the file are kept in that folder and reused by the next run of the same size.
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/lib/config.ts';
import { createPeople, rng, type Person } from '../src/lib/people.ts';
import { openLeak } from '../src/leaks/read.ts';
import { pipeline } from '../src/lib/pipeline.ts';
import type { ImportItem } from '../src/vault/vault.service.ts';
import { envCount, say, bench } from './report.ts';

const BATCH = 2000;
const SEED = 6060;
/** Share of the leaked rows that are the vault's customers (the rest are strangers). */
const KNOWN = 0.9;

/** `--rows N` after the bench's name, else BENCH_TRACE_ROWS, else 1M. */
function rowsAsked(): number {
  const i = process.argv.indexOf('--rows');
  if (i < 0) return envCount('BENCH_TRACE_ROWS', 1_000_000);
  process.env['BENCH_TRACE_ROWS'] = process.argv[i + 1] ?? '';
  return envCount('BENCH_TRACE_ROWS', 1_000_000);
}

/** The same number as a leaker would have written it: local, international, spaced, or pre-2018 11 digits. */
function asLeaked(phone: string, r: number): string {
  const national = phone.replace(/^\+84/, '0');
  if (r < 0.4) return national;
  if (r < 0.6) return phone.replace(/^\+84(\d{2})(\d{3})(\d{4})$/, '+84 $1 $2 $3');
  if (r < 0.8) return phone.replace(/^\+/, '');
  return national.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3');
}

async function writeLeak(
  path: string,
  people: ReturnType<typeof createPeople>,
  rows: number,
  subjects: number,
): Promise<void> {
  const out = createWriteStream(path);
  const random = rng(SEED);
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  out.write('Họ tên,Số điện thoại,Email,Địa chỉ,Ngày đặt hàng,Tổng tiền\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    // Known customers picked at random from the vault; strangers are people past its end.
    const p: Person = random() < KNOWN ? people.person(Math.floor(random() * subjects)) : people.person(subjects + i);
    const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 300 * 86_400_000)).toISOString();
    buf += `${q(p.name)},${asLeaked(p.phone, random())},${p.email},${q(p.address)},${day},${Math.floor(random() * 5_000) * 1000}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** Fills the vault through the import path and writes the leaked file. */
async function fill(
  app: App,
  people: ReturnType<typeof createPeople>,
  subjects: number,
  file: string,
  rows: number,
): Promise<void> {
  const t0 = performance.now();
  const p = pipeline(2);
  for (let first = 0; first < subjects; first += BATCH) {
    const items: ImportItem[] = [];
    for (let i = first; i < Math.min(subjects, first + BATCH); i++) {
      const x = people.person(i);
      items.push({
        line: i + 1,
        input: {
          kind: 'customer',
          externalId: x.externalId,
          fields: { name: x.name, phone: x.phone, email: x.email, address: x.address },
        },
      });
    }
    await p.push(async () => {
      const r = await app.vault.importBatch(items);
      if (r.created !== items.length) throw new Error(`import created ${r.created} of ${items.length}`);
    });
  }
  await p.drain();
  const importS = (performance.now() - t0) / 1000;
  say(
    `# trace: vault of ${subjects} customers filled in ${importS.toFixed(0)} s (${Math.round(subjects / importS)} records/s, untimed setup)`,
  );

  await writeLeak(file, people, rows, subjects);
  say(`# trace: leaked file ${(statSync(file).size / 1e6).toFixed(0)} MB`);
}

export async function run(): Promise<void> {
  const rows = rowsAsked();
  const subjects = rows;
  const kept = process.env['BENCH_TRACE_DIR'];
  const dir = kept ? join(kept, String(rows)) : mkdtempSync(join(tmpdir(), 'cloak-bench-trace-'));
  const ready = join(dir, 'ready');
  const reuse = kept !== undefined && existsSync(ready) && readFileSync(ready, 'utf8') === String(rows);
  if (kept && !reuse) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  let app: App | undefined;
  try {
    app = await createApp(loadConfig({ CLOAK_DATA_DIR: dir, CLOAK_LOG_LEVEL: 'warn' }));
    say(
      `# trace: ${rows} leaked rows (${KNOWN * 100}% the vault's customers) against ${subjects} customers, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, node ${process.version}`,
    );
    const people = createPeople(SEED);
    const file = join(dir, 'leak.csv');
    if (reuse) say(`# trace: reusing the vault and the file in ${dir}`);
    else await fill(app, people, subjects, file, rows);
    if (kept && !reuse) writeFileSync(ready, String(rows));

    // Parse alone: what reading the same file costs with the tracer's reader.
    const parse = async () => {
      const t = performance.now();
      let n = 0;
      for await (const r of (await openLeak(file)).rows()) n += r.length > 0 ? 1 : 0;
      if (n !== rows) throw new Error(`parsed ${n} rows of ${rows}`);
      return (performance.now() - t) / 1000;
    };
    const trace = async () => {
      const t = performance.now();
      const r = await app!.tracer.trace(file, { actor: 'operator:bench' });
      const s = (performance.now() - t) / 1000;
      if (r.rowsRead !== rows) throw new Error(`traced ${r.rowsRead} rows of ${rows}`);
      // Every known row must match (by phone or e-mail): a fast trace that misses is no figure.
      if (r.rowsMatched < rows * KNOWN * 0.98)
        throw new Error(`matched only ${r.rowsMatched} of about ${Math.round(rows * KNOWN)} known rows`);
      return { s, r };
    };
    // Parse, trace, parse: the parse figure is the mean of the runs either side of the trace.
    const p1 = await parse();
    const { s: traceS, r } = await trace();
    const p2 = await parse();
    const parseS = (p1 + p2) / 2;
    say(
      `# trace: ${r.rowsMatched} rows matched (${r.matchedBy.phone ?? 0} by phone, ${r.matchedBy.email ?? 0} by e-mail), ${r.affected.length} customers affected, ${r.sources.length} sources; columns ${r.columns.map((c) => c.category).join(', ')}`,
    );
    say(`# trace: traced in ${traceS.toFixed(1)} s, parsed in ${p1.toFixed(1)} s and ${p2.toFixed(1)} s`);
    bench('trace.rows_per_s', Math.round(rows / traceS).toString(), 'rows/s');
    bench('trace.parse_per_s', Math.round(rows / parseS).toString(), 'rows/s');
    bench('trace.ratio', (parseS / traceS).toFixed(2), 'x');
  } finally {
    await app?.close();
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}
