import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv, type CsvError } from 'csv-parse';
import type { CountryCode } from 'libphonenumber-js/max';
import { InvalidInput, type ErrorDetail } from '../lib/errors.ts';
import { prepareSubject } from './vault.fns.ts';
import type { ImportItem, ImportOutcome, VaultService } from './vault.service.ts';
import type { SubjectInput } from './vault.types.ts';

export type ImportFormat = 'csv' | 'ndjson';

export type ImportOptions = {
  readonly format?: ImportFormat;
  /** Subject field → column (or NDJSON key), e.g. `{ name: 'full_name', phone: 'tel' }`. */
  readonly map?: Readonly<Record<string, string>>;
  /** Column holding the external id (default: the first of external_id, externalId, id). */
  readonly idColumn?: string;
  readonly kind?: string;
  readonly delimiter?: string;
  /** Import nothing when any row is bad (the file is read twice: first to check, then to import). */
  readonly strict?: boolean;
  readonly batchSize?: number;
  /** Default phone region, for the strict pre-check (the vault applies its own when storing). */
  readonly region: CountryCode;
  readonly onProgress?: (p: ImportProgress) => void;
};

export type ImportProgress = { readonly bytesRead: number; readonly totalBytes: number; readonly rows: number; readonly phase: 'check' | 'import' };
export type BadRow = { readonly line: number; readonly errors: readonly ErrorDetail[] };
export type ImportReport = { readonly rows: number; readonly created: number; readonly existing: number; readonly bad: readonly BadRow[]; readonly ignoredColumns: readonly string[]; readonly imported: boolean };

type Row = { readonly line: number; readonly input?: SubjectInput; readonly errors?: readonly ErrorDetail[] };

const ID_COLUMNS = ['external_id', 'externalId', 'id'];
const DEFAULT_FIELDS = ['name', 'phone', 'email', 'address'];

/** Guesses the format from the file name. */
export function formatOf(file: string, given?: string): ImportFormat {
  const f = given ?? (/\.(nd)?jsonl?$/i.test(file) ? 'ndjson' : 'csv');
  if (f !== 'csv' && f !== 'ndjson') throw new InvalidInput(`unknown format "${f}"; use csv or ndjson`, [{ path: '--format', problem: 'must be csv or ndjson' }]);
  return f;
}

/**
 * Turns a record (column → value) into a subject input with the mapping. Columns the
 * mapping does not use are collected in `ignored`.
 */
function toInput(rec: Record<string, unknown>, opts: ImportOptions, ignored: Set<string>): SubjectInput {
  const map: Record<string, string> = { ...Object.fromEntries(DEFAULT_FIELDS.map((f) => [f, f])), ...opts.map };
  const idCol = opts.idColumn ?? ID_COLUMNS.find((c) => c in rec);
  const used = new Set([...Object.values(map), ...(idCol ? [idCol] : []), 'kind', 'fields']);
  const fields: Record<string, unknown> = {};
  // An NDJSON line may already carry a `fields` object; the mapping then reads from it too.
  const src = typeof rec.fields === 'object' && rec.fields !== null ? { ...rec, ...(rec.fields as Record<string, unknown>) } : rec;
  for (const [field, col] of Object.entries(map)) {
    const v = src[col];
    if (v !== undefined && v !== null && v !== '') fields[field] = v;
  }
  for (const k of Object.keys(rec)) if (!used.has(k)) ignored.add(k);
  const id = idCol ? rec[idCol] : undefined;
  return { kind: opts.kind ?? (typeof rec.kind === 'string' ? rec.kind : 'customer'), externalId: id === undefined || id === null ? undefined : String(id), fields };
}

async function* csvRows(file: string, opts: ImportOptions, ignored: Set<string>, count: { bytes: number }): AsyncGenerator<Row> {
  const skipped: Row[] = [];
  const parser = parseCsv({
    bom: true,
    delimiter: opts.delimiter ?? ',',
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    // The raw text is never kept: it is customer data.
    on_skip: (err: CsvError | undefined) => {
      skipped.push({ line: (err as { lines?: number } | undefined)?.lines ?? 0, errors: [{ problem: `is not valid CSV (${err?.code ?? 'parse error'})` }] });
      return undefined;
    },
  });
  const stream = createReadStream(file);
  stream.on('data', (c) => (count.bytes += c.length));
  stream.pipe(parser);
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!;
    if (!header) {
      header = record.map((h) => h.trim());
      if (header.length === 0 || header.every((h) => h === '')) throw new InvalidInput(`${file}: the first line must be a header naming the columns`);
      continue;
    }
    if (record.length !== header.length) {
      yield { line: info.lines, errors: [{ problem: `has ${record.length} columns where the header has ${header.length}` }] };
      continue;
    }
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] = record[i]!));
    yield { line: info.lines, input: toInput(rec, opts, ignored) };
  }
  while (skipped.length) yield skipped.shift()!;
}

async function* ndjsonRows(file: string, opts: ImportOptions, ignored: Set<string>, count: { bytes: number }): AsyncGenerator<Row> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  stream.on('data', (c) => (count.bytes += Buffer.byteLength(c as string)));
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch {
      yield { line, errors: [{ problem: 'is not valid JSON' }] };
      continue;
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      yield { line, errors: [{ problem: 'is not a JSON object' }] };
      continue;
    }
    yield { line, input: toInput(rec as Record<string, unknown>, opts, ignored) };
  }
}

function rowsOf(file: string, opts: ImportOptions, ignored: Set<string>, count: { bytes: number }): AsyncGenerator<Row> {
  return formatOf(file, opts.format) === 'ndjson' ? ndjsonRows(file, opts, ignored, count) : csvRows(file, opts, ignored, count);
}

/** The strict pre-check: every row validated, external ids checked for repeats; nothing written. */
async function check(file: string, opts: ImportOptions, totalBytes: number): Promise<{ rows: number; bad: BadRow[] }> {
  const count = { bytes: 0 };
  const bad: BadRow[] = [];
  const seen = new Map<string, number>();
  let rows = 0;
  for await (const r of rowsOf(file, opts, new Set(), count)) {
    rows++;
    if (r.errors) bad.push({ line: r.line, errors: r.errors });
    else {
      const errors: ErrorDetail[] = [];
      const p = prepareSubject(r.input!, opts.region);
      if (!p.ok) errors.push(...p.errors);
      const id = r.input!.externalId;
      if (!id) errors.push({ path: 'externalId', problem: 'is missing (imports are idempotent on the external id)' });
      else {
        const key = `${r.input!.kind}\u0000${id}`;
        const first = seen.get(key);
        if (first !== undefined) errors.push({ path: 'externalId', problem: `repeats the external id of line ${first}` });
        else seen.set(key, r.line);
      }
      if (errors.length) bad.push({ line: r.line, errors });
    }
    if (rows % 1000 === 0) opts.onProgress?.({ bytesRead: count.bytes, totalBytes, rows, phase: 'check' });
  }
  return { rows, bad };
}

/**
 * Imports a CSV or NDJSON file of any size, streaming, in batches: each batch is written
 * whole or not at all, so a killed import leaves no half-written subject, and a re-run
 * (idempotent on external ids) completes it without duplicates. Bad rows are reported with
 * their line numbers and the good ones imported, unless `strict` is set.
 * @example await importFile(vault, 'customers.csv', { region: 'VN', map: { name: 'full_name' } })
 */
export async function importFile(vault: Pick<VaultService, 'importBatch' | 'sweepOrphanKeys'>, file: string, opts: ImportOptions): Promise<ImportReport> {
  let totalBytes: number;
  try {
    totalBytes = statSync(file).size;
  } catch (e) {
    throw new InvalidInput(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, [{ path: file, problem: 'cannot be read' }]);
  }
  formatOf(file, opts.format);
  if (opts.strict) {
    const c = await check(file, opts, totalBytes);
    if (c.bad.length > 0) return { rows: c.rows, created: 0, existing: 0, bad: c.bad, ignoredColumns: [], imported: false };
  }
  // Keys of batches a killed import wrote without their subjects.
  await vault.sweepOrphanKeys(10 * 60_000);
  const batchSize = opts.batchSize ?? 1000;
  const ignored = new Set<string>();
  const count = { bytes: 0 };
  const bad: BadRow[] = [];
  let created = 0;
  let existing = 0;
  let rows = 0;
  let batch: ImportItem[] = [];
  // One batch is written while the next is parsed; batches stay in file order.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = (items: ImportItem[]) => {
    const prev = inFlight;
    inFlight = prev.then(async () => {
      const o: ImportOutcome = await vault.importBatch(items);
      created += o.created;
      existing += o.existing;
      bad.push(...o.bad);
      opts.onProgress?.({ bytesRead: count.bytes, totalBytes, rows, phase: 'import' });
    });
    return prev;
  };
  for await (const r of rowsOf(file, opts, ignored, count)) {
    rows++;
    if (r.errors) bad.push({ line: r.line, errors: r.errors });
    else batch.push({ line: r.line, input: r.input! });
    if (batch.length >= batchSize) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length) await flush(batch);
  await inFlight;
  bad.sort((a, b) => a.line - b.line);
  opts.onProgress?.({ bytesRead: totalBytes, totalBytes, rows, phase: 'import' });
  return { rows, created, existing, bad, ignoredColumns: [...ignored].sort(), imported: true };
}
