import { posix } from 'node:path';
import { SaxesParser } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidInput } from '../lib/errors.ts';

/*
 * XLSX workbooks, streamed: a ZIP of XML parts. yauzl reads the ZIP by its central directory
 * and fails a part that inflates to more or fewer bytes than it declares; saxes parses each
 * part's XML as it inflates; the little SpreadsheetML between them (relationships, shared
 * strings, cell types, date styles) is read here.
 *
 * Not exceljs's streaming reader (4.4.0, on unzipper 0.10): fuzzed, one damaged file in ten
 * left its promise pending for ever; it turns a character cut between two inflated chunks
 * into U+FFFD (exceljs issues #2063, #2084: 2 Vietnamese names in a 3,000-row sheet came out
 * broken); it writes every worksheet inflated, customer data in clear, to a temporary file
 * when the shared strings come after the sheets in the ZIP (as Excel and exceljs write them);
 * and it trusts a part's declared size, so no size limit can hold. Tests still use its writer.
 */

/**
 * Limits against hostile workbooks. A zip bomb declares, or inflates to, far more than its
 * file: yauzl holds every part to its declared size, so checking declared sizes bounds the
 * work. Sheets are streamed, but the shared-strings table is held whole (cells point into it
 * by index), hence its own cap. Only parts that are read count: images and other parts are
 * never inflated, and a blank bitmap alone compresses past 200:1.
 */
const LIMIT = {
  /** Inflated size of all the parts read. */
  total: 4 * 1024 ** 3,
  /** Inflated over compressed size, for parts over 1 MiB (small parts of repeated markup compress better). */
  ratio: 200,
  ratioFrom: 1 << 20,
  sharedStrings: 256 << 20,
  /** Workbook, relationships, styles. */
  part: 32 << 20,
  entries: 10_000,
  /** XML that saxes must hold whole (one text, tag or comment); Excel's cells stop at 32,767 characters. */
  token: 8 << 20,
  /** A cell's text, gathered from several text nodes. */
  cell: 1 << 20,
  /** Excel's last column, XFD. */
  columns: 16_384,
};

const ZIP_LOCAL_HEADER = 0x04034b50;
/**
 * Whether a file starts like a ZIP archive (an XLSX workbook is one).
 * @example looksLikeZip(Buffer.from('PK\x03\x04')) // true
 */
export const looksLikeZip = (head: Buffer): boolean => head.length >= 4 && head.readUInt32LE(0) === ZIP_LOCAL_HEADER;

export type XlsxRows = {
  /** The first sheet's header row, once `rows()` has read it. */
  readonly headers: string[] | undefined;
  /** Every worksheet's rows, in tab order, each sheet's header row left out. */
  rows(): AsyncGenerator<string[]>;
};

type Ctx = {
  path: string;
  bytes: number;
  zip: ZipFile;
  parts: Map<string, Entry>;
  stats: { skipped: number; bytesRead: number };
  done: number;
  total: number;
};
type Tag = { name: string; attrs: Record<string, string> };
type XmlEvent = { open: Tag } | { close: string } | { text: string };
type Workbook = { sheets: Entry[]; sharedStrings: Entry | undefined; styles: Entry | undefined; date1904: boolean };

const refuse = (path: string, problem: string, message: string) =>
  new InvalidInput(`${path} ${message}`, [{ path, problem }]);
/** A library's message up to its first detail (which may quote the file). */
const brief = (e: unknown) =>
  String((e as Error)?.message ?? e)
    .split(/[:.]\s/)[0]!
    .slice(0, 80);
const localName = (name: string) => name.slice(name.indexOf(':') + 1);
const attr = (t: Tag, suffix: string) =>
  Object.entries(t.attrs).find(([k]) => k === suffix || k.endsWith(`:${suffix}`))?.[1];

/**
 * Opens a ZIP file as an XLSX workbook: checks that it has a workbook part, and that the parts
 * to read stay within the limits above. Throws `InvalidInput` for a damaged ZIP, a ZIP that is
 * not a workbook, or a workbook too large to read.
 * @example const x = await openXlsx('leak.xlsx', size, looksLikeHeader, stats); for await (const r of x.rows()) …
 */
export async function openXlsx(
  path: string,
  bytes: number,
  isHeader: (cells: readonly string[]) => boolean,
  stats: { skipped: number; bytesRead: number },
): Promise<XlsxRows> {
  const probe = await openZip(path, bytes, stats);
  try {
    await describe(probe);
  } finally {
    probe.zip.close();
  }
  let headers: string[] | undefined;
  return {
    get headers() {
      return headers;
    },
    async *rows() {
      const ctx = await openZip(path, bytes, stats);
      try {
        const wb = await describe(ctx);
        const isDate = wb.styles ? await dateStyles(ctx, wb.styles) : () => false;
        const shared = wb.sharedStrings ? await sharedStrings(ctx, wb.sharedStrings) : [];
        let first = true;
        for (const [n, sheet] of wb.sheets.entries()) {
          let sheetFirst = true;
          let order: number[] | undefined;
          for await (const row of sheetRows(ctx, sheet, n + 1, { shared, isDate, date1904: wb.date1904 })) {
            if (row === undefined) {
              stats.skipped++;
              continue;
            }
            if (sheetFirst) {
              sheetFirst = false;
              if (isHeader(row)) {
                const names = row.map((c) => c.trim());
                if (first) headers = names;
                else if (headers) order = placeColumns(headers, names);
                first = false;
                continue;
              }
            }
            first = false;
            yield order ? reorder(row, order) : row;
          }
        }
        stats.bytesRead = bytes;
      } finally {
        ctx.zip.close();
      }
    },
  };
}

function reorder(row: readonly string[], order: readonly number[]): string[] {
  // Cells past the header go after every named column.
  const past = Math.max(...order) + 1 - order.length;
  const out = Array<string>(Math.max(past + row.length, past + order.length)).fill('');
  row.forEach((c, i) => (out[order[i] ?? past + i] = c));
  return out;
}

/** Where a later sheet's columns go under the first sheet's headers: same name, same place; new names after. */
function placeColumns(headers: readonly string[], names: readonly string[]): number[] | undefined {
  const free = new Map<string, number[]>();
  headers.forEach((h, i) => free.set(h.toLowerCase(), [...(free.get(h.toLowerCase()) ?? []), i]));
  let extra = headers.length;
  const order = names.map((n) => free.get(n.toLowerCase())?.shift() ?? extra++);
  return order.every((o, i) => o === i) ? undefined : order;
}

async function openZip(path: string, bytes: number, stats: Ctx['stats']): Promise<Ctx> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    throw refuse(
      path,
      'damaged ZIP',
      `starts like a ZIP file (as XLSX workbooks do) but cannot be opened as one (${brief(e)}): it may be truncated or damaged`,
    );
  }
  try {
    if (zip.entryCount > LIMIT.entries)
      throw refuse(
        path,
        'too many parts',
        `is a ZIP file of ${zip.entryCount} parts, more than an XLSX workbook Cloak reads (${LIMIT.entries})`,
      );
    const parts = new Map<string, Entry>();
    // Part names are case-insensitive (OPC); a name given twice keeps its first part.
    for await (const entry of zip.eachEntry())
      if (!parts.has(entry.fileName.toLowerCase())) parts.set(entry.fileName.toLowerCase(), entry);
    return { path, bytes, zip, parts, stats, done: 0, total: 0 };
  } catch (e) {
    zip.close();
    if (e instanceof InvalidInput) throw e;
    throw refuse(path, 'damaged ZIP', `is a damaged ZIP file (${brief(e)})`);
  }
}

/** Finds the workbook's parts through its relationships (falling back on Excel's usual names). */
async function describe(ctx: Ctx): Promise<Workbook> {
  const root = await relationships(ctx, '_rels/.rels', '');
  const main = root.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  if (main.toLowerCase().endsWith('.bin'))
    throw refuse(
      ctx.path,
      'binary workbook',
      'is an XLSB (binary) workbook, which Cloak does not read: save it as .xlsx or CSV to trace it',
    );
  const book = ctx.parts.get(main.toLowerCase());
  if (!book)
    throw refuse(
      ctx.path,
      'not a workbook',
      'is a ZIP archive but not an XLSX workbook (it has no workbook part); among ZIP files only .xlsx spreadsheets are read',
    );
  const dir = posix.dirname(main);
  const rels = await relationships(ctx, `${dir}/_rels/${posix.basename(main)}.rels`, dir);
  const byId = new Map(rels.map((r) => [r.id, r]));
  const order: string[] = [];
  let date1904 = false;
  await eachEvent(ctx, book, 'the workbook part', LIMIT.part, (e) => {
    if (!('open' in e)) return;
    if (e.open.name === 'workbookPr') date1904 = ['1', 'true'].includes(attr(e.open, 'date1904') ?? '');
    if (e.open.name === 'sheet') {
      const rel = byId.get(attr(e.open, 'id') ?? '');
      if (rel?.type.endsWith('/worksheet')) order.push(rel.target);
    }
  });
  const part = (name: string | undefined) => (name === undefined ? undefined : ctx.parts.get(name.toLowerCase()));
  let sheets = [...new Set(order.map(part).filter((e): e is Entry => e !== undefined))];
  if (!sheets.length) {
    const numbered = /^xl\/worksheets\/sheet(\d+)\.xml$/;
    sheets = [...ctx.parts.entries()]
      .filter(([k]) => numbered.test(k))
      .sort(([a], [b]) => Number(numbered.exec(a)![1]) - Number(numbered.exec(b)![1]))
      .map(([, e]) => e);
  }
  const wb: Workbook = {
    sheets,
    sharedStrings: part(rels.find((r) => r.type.endsWith('/sharedStrings'))?.target ?? 'xl/sharedStrings.xml'),
    styles: part(rels.find((r) => r.type.endsWith('/styles'))?.target ?? 'xl/styles.xml'),
    date1904,
  };
  const read = [...sheets, wb.sharedStrings, wb.styles].filter((e): e is Entry => e !== undefined);
  ctx.total = read.reduce((sum, e) => sum + e.uncompressedSize, 0);
  ctx.done = 0;
  if (ctx.total > LIMIT.total)
    throw refuse(
      ctx.path,
      'too large',
      `is a workbook of ${Math.round(ctx.total / 2 ** 20)} MiB once inflated, more than Cloak reads (${LIMIT.total / 2 ** 30} GiB): split it, or export it as CSV`,
    );
  if (wb.sharedStrings && wb.sharedStrings.uncompressedSize > LIMIT.sharedStrings)
    throw refuse(
      ctx.path,
      'too large',
      `has a shared-strings table of ${Math.round(wb.sharedStrings.uncompressedSize / 2 ** 20)} MiB once inflated, more than Cloak holds (${LIMIT.sharedStrings >> 20} MiB): export it as CSV`,
    );
  for (const e of read) checkRatio(ctx, e);
  return wb;
}

function checkRatio(ctx: Ctx, e: Entry): void {
  if (e.uncompressedSize > LIMIT.ratioFrom && e.uncompressedSize > LIMIT.ratio * Math.max(1, e.compressedSize))
    throw refuse(
      ctx.path,
      'zip bomb',
      `looks like a zip bomb: a part inflates ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times (more than ${LIMIT.ratio}), to ${Math.round(e.uncompressedSize / 2 ** 20)} MiB`,
    );
}

type Rel = { id: string; type: string; target: string };
/** A relationships part, targets resolved against `dir`; none when the part is missing. */
async function relationships(ctx: Ctx, name: string, dir: string): Promise<Rel[]> {
  const entry = ctx.parts.get(name.toLowerCase());
  if (!entry) return [];
  const out: Rel[] = [];
  await eachEvent(ctx, entry, 'a relationships part', LIMIT.part, (e) => {
    if (!('open' in e) || e.open.name !== 'Relationship' || e.open.attrs.TargetMode === 'External') return;
    const target = e.open.attrs.Target ?? '';
    out.push({
      id: e.open.attrs.Id ?? '',
      type: e.open.attrs.Type ?? '',
      target: posix.normalize(target.startsWith('/') ? target : posix.join(dir, target)).replace(/^\/+/, ''),
    });
  });
  return out;
}

/** Excel's built-in date and time formats (14–22, 45–47; 27–36 and 50–58 in Chinese, Japanese and Korean). */
const BUILT_IN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);
/** A number format shows a date when, quoted text, escapes and [colours] aside, it has y m d h or s. */
const isDateFormat = (code: string) => /[ymdhs]/i.test(code.replace(/"[^"]*"|\\.|[_*].|\[[^\]]*\]/g, ''));

/** Which cell styles (indexes into cellXfs) show numbers as dates. */
async function dateStyles(ctx: Ctx, entry: Entry): Promise<(style: number) => boolean> {
  const formats = new Map<number, string>();
  const styles: number[] = [];
  let inCellXfs = false;
  await eachEvent(ctx, entry, 'the styles part', LIMIT.part, (e) => {
    if ('open' in e && e.open.name === 'numFmt')
      formats.set(Number(e.open.attrs.numFmtId), e.open.attrs.formatCode ?? '');
    else if ('open' in e && e.open.name === 'cellXfs') inCellXfs = true;
    else if ('close' in e && e.close === 'cellXfs') inCellXfs = false;
    else if ('open' in e && e.open.name === 'xf' && inCellXfs) styles.push(Number(e.open.attrs.numFmtId ?? 0));
  });
  const dates = styles.map((id) => (formats.has(id) ? isDateFormat(formats.get(id)!) : BUILT_IN_DATES.has(id)));
  return (style) => dates[style] === true;
}

/** The shared-strings table: each entry's text, rich-text runs joined, phonetic guides left out. */
async function sharedStrings(ctx: Ctx, entry: Entry): Promise<string[]> {
  const out: string[] = [];
  let text: string | undefined;
  let inT = false;
  let phonetic = 0;
  await eachEvent(ctx, entry, 'the shared-strings table', LIMIT.sharedStrings, (e) => {
    if ('open' in e) {
      if (e.open.name === 'si') text = '';
      else if (e.open.name === 'rPh') phonetic++;
      else if (e.open.name === 't' && !phonetic) inT = true;
    } else if ('close' in e) {
      if (e.close === 'si' && text !== undefined) {
        out.push(text);
        text = undefined;
      } else if (e.close === 'rPh') phonetic--;
      else if (e.close === 't') inT = false;
    } else if (inT && text !== undefined) text += e.text;
  });
  return out;
}

type CellContext = { shared: readonly string[]; isDate: (style: number) => boolean; date1904: boolean };

/** A sheet's rows as strings; `undefined` for a row that cannot be read (a cell out of Excel's bounds). Empty rows are left out. */
async function* sheetRows(ctx: Ctx, entry: Entry, n: number, cells: CellContext): AsyncGenerator<string[] | undefined> {
  let row: (string | undefined)[] | undefined;
  let bad = false;
  let next = 0;
  let cell: { col: number; type: string | undefined; style: number; text: string } | undefined;
  let collect = false;
  let phonetic = 0;
  const done: (string[] | undefined)[] = [];
  for await (const batch of xmlEvents(ctx, entry, `sheet ${n}`)) {
    for (const e of batch) {
      if ('open' in e) {
        const { name, attrs } = e.open;
        if (name === 'row') [row, bad, next] = [[], false, 0];
        else if (name === 'c' && row) {
          const col = attrs.r === undefined ? next : columnOf(attrs.r);
          if (col === undefined || col >= LIMIT.columns) bad = true;
          cell = { col: col ?? 0, type: attrs.t, style: Number(attrs.s ?? 0), text: '' };
        } else if (name === 'rPh') phonetic++;
        else if ((name === 'v' || (name === 't' && !phonetic)) && cell) collect = true;
      } else if ('close' in e) {
        if (e.close === 'v' || e.close === 't') collect = false;
        else if (e.close === 'rPh') phonetic--;
        else if (e.close === 'c' && row && cell) {
          if (cell.text.length > LIMIT.cell) bad = true;
          if (!bad) row[cell.col] = cellText(cell.type, cell.text, cell.style, cells);
          next = cell.col + 1;
          cell = undefined;
        } else if (e.close === 'row' && row) {
          const values = Array.from(row, (v) => v ?? '');
          if (bad) done.push(undefined);
          else if (values.some((v) => v !== '')) done.push(values);
          row = undefined;
        }
      } else if (collect && cell && cell.text.length <= LIMIT.cell) cell.text += e.text;
    }
    yield* done.splice(0);
  }
}

/** The 0-based column of a cell reference such as `B7`. */
function columnOf(ref: string): number | undefined {
  const m = /^([A-Za-z]{1,3})\d*$/.exec(ref);
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + ch.charCodeAt(0) - 64;
  return col - 1;
}

/** A cell's value as text: numbers in full (no exponent, no ".0"), dates as ISO 8601 with milliseconds. */
function cellText(type: string | undefined, raw: string, style: number, cells: CellContext): string {
  switch (type) {
    case 's':
      return raw.trim() === '' ? '' : (cells.shared[Number(raw)] ?? '');
    case 'inlineStr':
    case 'str':
    case 'e':
      return raw;
    case 'b':
      return raw === '1' ? 'TRUE' : raw === '0' ? 'FALSE' : raw;
    case 'd': {
      // An ISO 8601 date; without a zone it is the sheet's wall clock, read as UTC like serial dates.
      const d = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(raw) || !raw.includes('T') ? raw : `${raw}Z`);
      return Number.isNaN(d.getTime()) ? raw : d.toISOString();
    }
    default: {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) return raw.trim();
      if (cells.isDate(style)) {
        const d = excelDate(n, cells.date1904);
        if (d) return d;
      }
      // Phone numbers stored as numbers (84912345678) must keep every digit.
      return Number.isInteger(n) ? BigInt(n).toString() : String(n);
    }
  }
}

/** An Excel serial date (days since 1899-12-30, or 1904-01-01) as ISO 8601, or undefined out of range. */
function excelDate(serial: number, date1904: boolean): string | undefined {
  // Excel counts a 29 February 1900 that never was: serials before 1 March 1900 are a day short.
  const days = date1904 ? serial + 1462 : serial < 61 ? serial + 1 : serial;
  const d = new Date(Math.round((days - 25569) * 86_400_000));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Every event of a small part, handled in order. */
async function eachEvent(
  ctx: Ctx,
  entry: Entry,
  what: string,
  limit: number,
  on: (e: XmlEvent) => void,
): Promise<void> {
  if (entry.uncompressedSize > limit)
    throw refuse(
      ctx.path,
      'too large',
      `is a workbook too large to read: ${what} declares ${Math.round(entry.uncompressedSize / 2 ** 20)} MiB once inflated, more than Cloak reads (${limit >> 20} MiB)`,
    );
  checkRatio(ctx, entry);
  for await (const batch of xmlEvents(ctx, entry, what)) for (const e of batch) on(e);
}

/** A part's XML events in batches, as it inflates. Any failure is an `InvalidInput` naming the part (never its content). */
async function* xmlEvents(ctx: Ctx, entry: Entry, what: string): AsyncGenerator<XmlEvent[]> {
  const damaged = (why: string) => refuse(ctx.path, 'damaged workbook', `is a damaged workbook: ${what} ${why}`);
  if (!entry.canDecodeFileData())
    throw refuse(
      ctx.path,
      'unsupported workbook',
      `is a workbook Cloak cannot read: ${what} is encrypted or compressed in a way Cloak does not read`,
    );
  const parser = new SaxesParser();
  let batch: XmlEvent[] = [];
  let lastEvent = 0;
  parser.on('opentag', (t) => {
    lastEvent = parser.position;
    batch.push({ open: { name: localName(t.name), attrs: t.attributes } });
  });
  parser.on('closetag', (t) => {
    lastEvent = parser.position;
    batch.push({ close: localName(t.name) });
  });
  parser.on('text', (text) => {
    lastEvent = parser.position;
    batch.push({ text });
  });
  const base = ctx.done;
  let inflated = 0;
  let stream;
  try {
    stream = await ctx.zip.openReadStreamPromise(entry);
  } catch (e) {
    throw damaged(`cannot be found where the ZIP directory says (${brief(e)})`);
  }
  let decoder: TextDecoder | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // XML parts are UTF-8, or UTF-16 with a byte-order mark.
      decoder ??= new TextDecoder(
        chunk[0] === 0xff && chunk[1] === 0xfe
          ? 'utf-16le'
          : chunk[0] === 0xfe && chunk[1] === 0xff
            ? 'utf-16be'
            : 'utf-8',
      );
      inflated += chunk.length;
      // Progress by share of the inflated bytes to read, once `describe` has counted them.
      if (ctx.total)
        ctx.stats.bytesRead = Math.min(
          ctx.bytes,
          Math.max(ctx.stats.bytesRead, Math.round(((base + inflated) / Math.max(1, ctx.total)) * ctx.bytes)),
        );
      parser.write(decoder.decode(chunk, { stream: true }));
      if (parser.position - lastEvent > LIMIT.token)
        throw damaged(`holds a single value or tag of over ${LIMIT.token >> 20} MiB`);
      if (batch.length) yield batch.splice(0);
    }
    parser.write(decoder?.decode() ?? '');
    parser.close();
    if (batch.length) yield batch.splice(0);
  } catch (e) {
    if (e instanceof InvalidInput) throw e;
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === 'string' && err.code.startsWith('Z_')) throw damaged('has corrupt compressed data');
    if (/bytes in the stream/.test(String(err?.message)))
      throw damaged('does not inflate to the size the ZIP declares');
    if (e instanceof RangeError) throw damaged('is too large to read');
    if (err?.code) throw damaged(`cannot be read (${err.code})`);
    throw damaged(`is not well-formed XML (line ${parser.line})`);
  }
  ctx.done = base + entry.uncompressedSize;
}
