import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsvSync, type CsvError } from 'csv-parse/sync';
import type { CountryCode } from 'libphonenumber-js/max';
import { InvalidInput, type ErrorDetail } from '../lib/errors.ts';
import { pipeline } from '../lib/pipeline.ts';
import { DEFAULT_KIND, externalKey, prepareSubject } from './vault.fns.ts';
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

export type ImportProgress = {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
  readonly phase: 'check' | 'import';
};
export type BadRow = { readonly line: number; readonly errors: readonly ErrorDetail[] };
export type ImportReport = {
  readonly rows: number;
  readonly created: number;
  readonly existing: number;
  readonly bad: readonly BadRow[];
  readonly ignoredColumns: readonly string[];
  readonly imported: boolean;
};

type Row = { readonly line: number; readonly input?: SubjectInput; readonly errors?: readonly ErrorDetail[] };

const ID_COLUMNS = ['external_id', 'externalId', 'id'];
const DEFAULT_FIELDS = ['name', 'phone', 'email', 'address'];

/** Guesses the format from the file name. */
export function formatOf(file: string, given?: string): ImportFormat {
  const f = given ?? (/\.(nd)?jsonl?$/i.test(file) ? 'ndjson' : 'csv');
  if (f !== 'csv' && f !== 'ndjson')
    throw new InvalidInput(`unknown format "${f}"; use csv or ndjson`, [
      { path: '--format', problem: 'must be csv or ndjson' },
    ]);
  return f;
}

/**
 * Turns a record (column → value) into a subject input with the mapping. Columns the
 * mapping does not use are collected in `ignored`.
 */
function toInput(rec: Record<string, unknown>, opts: ImportOptions, ignored: Set<string>): SubjectInput {
  const idCol = opts.idColumn ?? ID_COLUMNS.find((c) => c in rec);
  const id = idCol ? rec[idCol] : undefined;
  const kind = opts.kind ?? (typeof rec.kind === 'string' ? rec.kind : DEFAULT_KIND);
  const externalId = id === undefined || id === null ? undefined : String(id);
  // An NDJSON line in the API's shape carries its own `fields` object: taken whole, free-form
  // fields included, so nothing in it is dropped without a word.
  if (typeof rec.fields === 'object' && rec.fields !== null && !Array.isArray(rec.fields)) {
    for (const k of Object.keys(rec)) if (k !== idCol && k !== 'kind' && k !== 'fields') ignored.add(k);
    return { kind, externalId, fields: rec.fields as Record<string, unknown> };
  }
  const map = columnMap(opts);
  const used = new Set([...Object.values(map), ...(idCol ? [idCol] : []), 'kind']);
  const fields: Record<string, unknown> = {};
  for (const [field, col] of Object.entries(map)) {
    const v = rec[col];
    if (v !== undefined && v !== null && v !== '') fields[field] = v;
  }
  for (const k of Object.keys(rec)) if (!used.has(k)) ignored.add(k);
  return { kind, externalId, fields };
}

/** Subject field → column: the typed fields by their own names, then the given mapping. */
function columnMap(opts: ImportOptions): Record<string, string> {
  return { ...Object.fromEntries(DEFAULT_FIELDS.map((f) => [f, f])), ...opts.map };
}

/**
 * Column names as the report may show them: a name that does not look like one (a first
 * row of data taken for a header, say) may be a customer's data, so only their number shows.
 */
export function describeColumns(names: readonly string[]): string {
  const plain = names.filter((n) => /^[A-Za-z_][A-Za-z0-9_ .-]{0,40}$/.test(n) && !/\d{4}/.test(n));
  const other = names.length - plain.length;
  return [...plain, ...(other > 0 ? [`${other} more whose names are not shown`] : [])].join(', ');
}

/** A quoted CSV field may hold line breaks, but a record longer than this is a quote never closed. */
const MAX_RECORD_LINES = 50;

/**
 * CSV records with the line each starts on. Lines are gathered until their quotes balance
 * and then parsed alone, so one broken row (an unclosed or stray quote) is reported by its
 * line and the rest of the file still reads: csv-parse's own recovery skips what follows.
 */
export async function* csvRecords(
  file: string,
  delimiter: string,
  count: { bytes: number },
): AsyncGenerator<{ line: number; record?: string[]; problem?: string }> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  stream.on('data', (c) => (count.bytes += Buffer.byteLength(c as string)));
  let pending: { line: number; text: string }[] = [];
  let quotes = 0;
  let lineNo = 0;
  const parseOne = (first: number, text: string) => {
    // A line without quotes is split as it is (what csv-parse would do, at a tenth of the
    // cost of starting a parser per line); quoted ones go to csv-parse.
    if (first !== 1 && !text.includes('"')) return { line: first, record: text.split(delimiter) };
    try {
      const recs = parseCsvSync(text, { delimiter, relax_column_count: true, bom: first === 1 }) as string[][];
      if (recs.length !== 1) return { line: first, problem: 'is not valid CSV' };
      return { line: first, record: recs[0]! };
    } catch (e) {
      return { line: first, problem: `is not valid CSV (${(e as CsvError).code ?? 'parse error'})` };
    }
  };
  const countQuotes = (t: string) => {
    let n = 0;
    for (let i = t.indexOf('"'); i !== -1; i = t.indexOf('"', i + 1)) n++;
    return n;
  };
  const queue: { line: number; text: string }[] = [];
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  for (;;) {
    let next = queue.shift();
    if (!next) {
      const r = await lines.next();
      if (r.done) break;
      next = { line: ++lineNo, text: r.value };
    }
    if (pending.length === 0 && next.text.trim() === '') continue;
    pending.push(next);
    quotes += countQuotes(next.text);
    if (quotes % 2 === 0) {
      yield parseOne(pending[0]!.line, pending.map((p) => p.text).join('\n'));
      pending = [];
      quotes = 0;
    } else if (pending.length >= MAX_RECORD_LINES) {
      // Its quote never closes: report the first line, read again from the one after it.
      yield { line: pending[0]!.line, problem: 'has a quote that is never closed' };
      queue.unshift(...pending.slice(1));
      pending = [];
      quotes = 0;
    }
  }
  if (pending.length) {
    yield { line: pending[0]!.line, problem: 'has a quote that is never closed' };
    // The lines after it may still be whole records.
    for (const p of pending.slice(1))
      if (p.text.trim() !== '' && countQuotes(p.text) % 2 === 0) yield parseOne(p.line, p.text);
  }
}

async function* csvRows(
  file: string,
  opts: ImportOptions,
  ignored: Set<string>,
  count: { bytes: number },
): AsyncGenerator<Row> {
  let header: string[] | undefined;
  for await (const r of csvRecords(file, opts.delimiter ?? ',', count)) {
    if (!r.record) {
      if (!header)
        throw new InvalidInput(
          `${file}: the first line must be a header naming the columns (line ${r.line} ${r.problem})`,
        );
      yield { line: r.line, errors: [{ problem: r.problem! }] };
      continue;
    }
    if (!header) {
      header = r.record.map((h) => h.trim());
      // A file without a header would have its first customer read as column names.
      const known = new Set([
        ...Object.values(columnMap(opts)),
        ...ID_COLUMNS,
        ...(opts.idColumn ? [opts.idColumn] : []),
      ]);
      if (!header.some((h) => known.has(h))) {
        throw new InvalidInput(
          `${file}: the first line must be a header naming the columns; none of its ${header.length} names is an id column (external_id, id, or --id-column) or a mapped field (name, phone, email, address, or --map)`,
        );
      }
      continue;
    }
    if (r.record.length !== header.length) {
      yield {
        line: r.line,
        errors: [{ problem: `has ${r.record.length} columns where the header has ${header.length}` }],
      };
      continue;
    }
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] = r.record![i]!));
    yield { line: r.line, input: toInput(rec, opts, ignored) };
  }
}

async function* ndjsonRows(
  file: string,
  opts: ImportOptions,
  ignored: Set<string>,
  count: { bytes: number },
): AsyncGenerator<Row> {
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

function rowsOf(
  file: string,
  opts: ImportOptions,
  ignored: Set<string>,
  count: { bytes: number },
): AsyncGenerator<Row> {
  return formatOf(file, opts.format) === 'ndjson'
    ? ndjsonRows(file, opts, ignored, count)
    : csvRows(file, opts, ignored, count);
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
        const key = externalKey(r.input!)!;
        const first = seen.get(key);
        if (first !== undefined)
          errors.push({ path: 'externalId', problem: `repeats the external id of line ${first}` });
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
export async function importFile(
  vault: Pick<VaultService, 'importBatch' | 'sweepOrphanKeys'>,
  file: string,
  opts: ImportOptions,
): Promise<ImportReport> {
  let totalBytes: number;
  try {
    totalBytes = statSync(file).size;
  } catch (e) {
    throw new InvalidInput(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, [
      { path: file, problem: 'cannot be read' },
    ]);
  }
  formatOf(file, opts.format);
  if (opts.strict) {
    const c = await check(file, opts, totalBytes);
    if (c.bad.length > 0)
      return { rows: c.rows, created: 0, existing: 0, bad: c.bad, ignoredColumns: [], imported: false };
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
  // Two batches in flight: one is sealed in the worker threads while the other is written,
  // and the file is parsed meanwhile. Each batch is still written whole or not at all.
  const inFlight = pipeline(2);
  const flush = (items: ImportItem[]) =>
    inFlight.push(async () => {
      const o: ImportOutcome = await vault.importBatch(items);
      created += o.created;
      existing += o.existing;
      bad.push(...o.bad);
      opts.onProgress?.({ bytesRead: count.bytes, totalBytes, rows, phase: 'import' });
    });
  try {
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
  } catch (e) {
    // The batch still in flight finishes (or fails) before the error is reported.
    await inFlight.drain().catch(() => undefined);
    throw e;
  }
  await inFlight.drain();
  bad.sort((a, b) => a.line - b.line);
  opts.onProgress?.({ bytesRead: totalBytes, totalBytes, rows, phase: 'import' });
  return { rows, created, existing, bad, ignoredColumns: [...ignored].sort(), imported: true };
}
