import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { InvalidInput } from '../lib/errors.ts';
import { createSqlRowReader, looksLikeSql } from './sql.ts';
import { looksLikeZip, openXlsx } from './xlsx.ts';

/*
 * Reading leaked files, whatever shape they come in: delimited text (any of , ; tab |),
 * NDJSON, a JSON array of objects, a SQL dump's INSERT statements, or an XLSX workbook
 * (`xlsx.ts`, found by content, not by name); UTF-8, UTF-16 (by its byte-order mark) or GB18030 (when
 * the bytes are not UTF-8). The file is opened read-only and streamed; a record that cannot be
 * read is counted and skipped, and what cannot be read at all is a clear error.
 */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
export type Format = 'delimited' | 'ndjson' | 'json' | 'sql' | 'xlsx';
export type LeakFile = {
  readonly format: Format;
  readonly encoding: Encoding;
  readonly delimiter?: string;
  /** Column names, when the file has them (a header row, or JSON keys); for XLSX, once `rows()` has begun. */
  readonly headers: string[] | undefined;
  readonly bytes: number;
  /** Every record as cells, in file order. `skipped` counts records that could not be read. */
  rows(): AsyncGenerator<string[]>;
  readonly stats: { skipped: number; bytesRead: number };
};

const HEAD = 64 * 1024;
/** JSON arrays are parsed whole: past this size, use NDJSON or CSV. */
const MAX_JSON_BYTES = 512 * 1024 * 1024;

function sniffEncoding(head: Buffer): { encoding: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  try {
    // The last bytes may cut a character in two: leave them out of the test.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

function sniffDelimiter(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 20);
  let best = ',';
  let bestScore = -1;
  for (const d of [',', ';', '\t', '|']) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const min = Math.min(...counts);
    // Consistent and present on every line beats frequent on some.
    const score = min > 0 ? min * 10 + (counts.every((c) => c === counts[0]) ? 5 : 0) : 0;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/** A decoded text stream of the file (after the byte-order mark), read in 1 MiB chunks. */
async function* decoded(
  path: string,
  encoding: Encoding,
  skip: number,
  stats: { bytesRead: number },
): AsyncGenerator<string> {
  const fd = openSync(path, 'r');
  const dec = new TextDecoder(encoding);
  const buf = Buffer.alloc(1 << 20);
  let pos = skip;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      stats.bytesRead = pos;
      yield dec.decode(buf.subarray(0, n), { stream: true });
    }
    const tail = dec.decode();
    if (tail) yield tail;
  } finally {
    closeSync(fd);
  }
}

/** A header row: every cell a word, none an identifier (5+ digits, or an e-mail's @). */
const looksLikeHeader = (cells: readonly string[]) =>
  cells.length > 0 && cells.every((c) => c.trim() !== '' && !/\d{5,}|@/.test(c));

/** An OLE compound file: a legacy .xls, or an .xlsx saved with a password (encrypted). */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * Opens a leaked file for reading (never for writing): finds its encoding, format, delimiter
 * and headers.
 * @example const f = await openLeak('dump.csv'); for await (const row of f.rows()) …
 */
export async function openLeak(path: string): Promise<LeakFile> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InvalidInput(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, [
      { path, problem: 'unreadable' },
    ]);
  }
  const bytes = fstatSync(fd).size;
  const head = Buffer.alloc(Math.min(HEAD, bytes));
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  if (bytes === 0) throw new InvalidInput(`${path} is empty`, [{ path, problem: 'empty file' }]);
  const stats = { skipped: 0, bytesRead: 0 };
  if (looksLikeZip(head)) {
    const workbook = await openXlsx(path, bytes, looksLikeHeader, stats);
    return {
      format: 'xlsx',
      encoding: 'utf-8',
      get headers() {
        return workbook.headers;
      },
      bytes,
      stats,
      rows: () => workbook.rows(),
    };
  }
  if (head.subarray(0, 8).equals(OLE_MAGIC))
    throw new InvalidInput(
      `${path} is a legacy .xls or a password-protected workbook, which Cloak does not read: save it unprotected as .xlsx or CSV to trace it`,
      [{ path, problem: 'binary' }],
    );
  const { encoding, bom } = sniffEncoding(head);
  const text = new TextDecoder(encoding).decode(head.subarray(bom));
  if (/\u0000/.test(text.slice(0, 4096)))
    throw new InvalidInput(
      `${path} looks like a binary file, not text (of the binary formats only XLSX workbooks are read)`,
      [{ path, problem: 'binary' }],
    );
  const first = text.trimStart()[0];

  if (looksLikeSql(text)) {
    // The column names of the first INSERT, from the head of the file.
    const probe = createSqlRowReader();
    probe.feed(text);
    const headers = probe.headers;
    return {
      format: 'sql',
      encoding,
      headers,
      bytes,
      stats,
      async *rows() {
        const reader = createSqlRowReader();
        for await (const chunk of decoded(path, encoding, bom, stats)) for (const r of reader.feed(chunk)) yield r;
      },
    };
  }

  if (first === '[') {
    if (bytes > MAX_JSON_BYTES)
      throw new InvalidInput(
        `${path} is a JSON array over ${MAX_JSON_BYTES >> 20} MiB: convert it to NDJSON (one object per line) to trace it`,
        [{ path, problem: 'too large for a JSON array' }],
      );
    let whole = '';
    for await (const t of decoded(path, encoding, bom, stats)) whole += t;
    let items: unknown;
    try {
      items = JSON.parse(whole);
    } catch (e) {
      throw new InvalidInput(
        `${path} starts like a JSON array but is not valid JSON (${(e as Error).message.slice(0, 80)})`,
        [{ path, problem: 'invalid JSON' }],
      );
    }
    const list = Array.isArray(items) ? items : [];
    const objects = list.filter(
      (x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x),
    );
    const headers = [...new Set(objects.slice(0, 1000).flatMap((o) => Object.keys(o)))];
    stats.skipped = list.length - objects.length;
    return {
      format: 'json',
      encoding,
      headers: headers.length ? headers : undefined,
      bytes,
      stats,
      async *rows() {
        for (const o of objects) yield headers.map((h) => cell(o[h]));
      },
    };
  }

  if (first === '{') {
    // NDJSON: the keys of the first objects name the columns; later keys are ignored.
    const headers: string[] = [];
    for (const line of text.split(/\r?\n/).slice(0, 200)) {
      try {
        const o = JSON.parse(line) as unknown;
        if (o && typeof o === 'object' && !Array.isArray(o))
          for (const k of Object.keys(o)) if (!headers.includes(k)) headers.push(k);
      } catch {
        // A cut-off last line of the sample, or a bad line: counted when read for real.
      }
    }
    return {
      format: 'ndjson',
      encoding,
      headers,
      bytes,
      stats,
      async *rows() {
        let rest = '';
        for await (const chunk of decoded(path, encoding, bom, stats)) {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop()!;
          for (const l of lines) {
            if (l.trim() === '') continue;
            try {
              const o = JSON.parse(l) as Record<string, unknown>;
              if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('not an object');
              yield headers.map((h) => cell(o[h]));
            } catch {
              stats.skipped++;
            }
          }
        }
        if (rest.trim()) {
          try {
            const o = JSON.parse(rest) as Record<string, unknown>;
            yield headers.map((h) => cell(o[h]));
          } catch {
            stats.skipped++;
          }
        }
      },
    };
  }

  const delimiter = sniffDelimiter(text);
  // The first row is a header when none of its cells is an identifier and it is all words.
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const firstCells = firstLine.split(delimiter).map((c) => c.trim().replace(/^"|"$/g, ''));
  const isHeader = looksLikeHeader(firstCells);
  let headers: string[] | undefined;
  return {
    format: 'delimited',
    encoding,
    delimiter,
    get headers() {
      return headers ?? (isHeader ? firstCells : undefined);
    },
    bytes,
    stats,
    async *rows() {
      // PapaParse (about four times csv-parse's speed here): rows as arrays, quotes as RFC 4180,
      // a stray quote kept as text; its stream takes the decoded text, whatever the encoding.
      const parser = Readable.from(decoded(path, encoding, bom, stats)).pipe(
        Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter, skipEmptyLines: 'greedy' }),
      );
      headers = isHeader ? firstCells : undefined;
      let first = isHeader;
      for await (const r of parser as AsyncIterable<unknown>) {
        if (!Array.isArray(r)) {
          stats.skipped++;
          continue;
        }
        if (first) {
          first = false;
          continue;
        }
        for (let i = 0; i < r.length; i++) r[i] = typeof r[i] === 'string' ? (r[i] as string).trim() : '';
        yield r as string[];
      }
    },
  };
}
