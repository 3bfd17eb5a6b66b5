import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { CloakEvent, EventType } from '../bus/events.ts';
import { createEngine, type Alert, type Engine } from './engine.ts';

/*
 * `cloak replay`, as docs/contracts/replay-events.md says: NDJSON in any order, each line
 * checked (valid JSON, a known type, its required fields, an ISO 8601 time), bad lines
 * reported with their number and skipped (or, with strict, the run stopped before anything
 * is ingested), the rest sorted by time (stable for equal times) and run through the engine.
 * Files larger than memory are sorted in runs of RUN_LINES written to a temporary folder and
 * merged, so memory stays bounded whatever the file's size.
 *
 * Input already in time order (what Cloak writes) need not wait for the sort: each line goes
 * through an engine as soon as it is checked, and its alerts are held until the end. The text
 * read is kept as the chunks it came in (far cheaper to hold than parsed events, and spilled to
 * runs like the rest), so that if a line comes out of order that engine is dropped and the lines
 * read so far are split and checked again into the sort: the result is the same either way.
 *
 * Lines are split as readline splits them with crlfDelay Infinity (which this did before):
 * \n, \r\n and a lone \r end a line, a \r\n split across chunks is one ending, a last line
 * without an ending counts if it is not empty, and bytes of an unfinished character at the very
 * end are dropped. Splitting whole chunks costs far less than readline's line-by-line iterator.
 */

const REQUIRED: Record<EventType, readonly string[]> = {
  staff: ['id', 'role'],
  device: ['id', 'station', 'build'],
  parcel: ['parcel', 'customer', 'station'],
  scan: ['device', 'parcel', 'station', 'step'],
  assignment: ['parcel', 'courier'],
  lookup: ['actor', 'result'],
  reveal: ['actor', 'customer', 'field', 'result'],
  ticket: ['id', 'customer', 'assignee', 'status'],
  review: ['id', 'customer', 'seller', 'rating'],
  moderation: ['actor', 'review', 'action'],
  export: ['actor', 'dataset', 'rows'],
  login: ['actor', 'result'],
};
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ACTOR = /^[a-z_]+:\S+$/;
const RUN_LINES = 200_000;
const LINE_END = /\r\n|\n|\r/;
/** Alerts held back while the input may yet turn out to be out of order (past this many, it is sorted the usual way). */
const HELD_ALERTS = 10_000;

export type BadLine = { readonly line: number; readonly reason: string };
export type ReplaySummary = { lines: number; events: number; bad: number; alerts: number; badLines: BadLine[] };

const digits = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
};
/**
 * An ISO 8601 time in ms, or NaN. The canonical form (`2026-03-02T08:00:00.000Z`, what Cloak
 * writes) is read field by field, which is several times cheaper than the pattern and
 * `Date.parse`; anything else (an offset, fewer digits, a field out of range) takes them.
 */
function timeOf(at: string): number {
  if (
    at.length === 24 &&
    at.charCodeAt(4) === 45 && // -
    at.charCodeAt(7) === 45 &&
    at.charCodeAt(10) === 84 && // T
    at.charCodeAt(13) === 58 && // :
    at.charCodeAt(16) === 58 &&
    at.charCodeAt(19) === 46 && // .
    at.charCodeAt(23) === 90 // Z
  ) {
    const y = digits(at, 0, 4);
    const mo = digits(at, 5, 7);
    const d = digits(at, 8, 10);
    const h = digits(at, 11, 13);
    const mi = digits(at, 14, 16);
    const s = digits(at, 17, 19);
    const ms = digits(at, 20, 23);
    // Date.parse takes day 31 of any month as Date.UTC does (rolling over); years under 1000 are left to it.
    if (y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59)
      if (s >= 0 && s <= 59 && ms >= 0) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  }
  return ISO.test(at) ? Date.parse(at) : Number.NaN;
}

/** Checks one line against the contract; returns the event (with `at` normalized to UTC) or why not. */
export function parseLine(text: string): { event: CloakEvent; t: number } | { reason: string } {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { reason: 'not a JSON object' };
  const rec = o as Record<string, unknown>;
  if (typeof rec.type !== 'string' || !(rec.type in REQUIRED))
    return { reason: typeof rec.type === 'string' ? `unknown type "${rec.type.slice(0, 40)}"` : 'no "type"' };
  const t = typeof rec.at === 'string' ? timeOf(rec.at) : Number.NaN;
  if (Number.isNaN(t)) return { reason: 'missing or invalid "at" (an ISO 8601 UTC timestamp)' };
  let missing: string[] | undefined;
  for (const f of REQUIRED[rec.type as EventType])
    if (rec[f] === undefined || rec[f] === null || rec[f] === '') (missing ??= []).push(f);
  if (missing)
    return {
      reason: `${rec.type} lacks required field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
    };
  if (rec.actor !== undefined && (typeof rec.actor !== 'string' || !ACTOR.test(rec.actor)))
    return { reason: '"actor" must be written kind:id' };
  if (rec.type === 'review' && typeof rec.rating !== 'number') return { reason: 'review "rating" must be a number' };
  if (rec.type === 'export' && typeof rec.rows !== 'number') return { reason: 'export "rows" must be a number' };
  // Already in the canonical UTC form (what Cloak writes) it is kept; otherwise normalized.
  const at = rec.at as string;
  if (!(at.length === 24 && at.endsWith('Z'))) rec.at = new Date(t).toISOString();
  return { event: rec as unknown as CloakEvent, t };
}

/** A checked line waiting to be sorted: its time, line number, and the event (in memory) or its text (read back from a run on disk). */
type Item = { t: number; n: number; e?: CloakEvent; text?: string };
const byTime = (a: Item, b: Item) => a.t - b.t || a.n - b.n;

/**
 * Reads lines from a file synchronously, a megabyte at a time. The merge holds one of these
 * per run: readline's async iterators read ahead without limit while the merge is busy, and
 * with dozens of runs that held whole files in memory.
 */
class LineReader {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(1 << 20);
  private lines: string[] = [];
  private at = 0;
  private rest = '';
  private done = false;
  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }
  next(): string | undefined {
    while (this.at >= this.lines.length) {
      if (this.done) return undefined;
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      if (n === 0) {
        this.done = true;
        closeSync(this.fd);
        this.lines = this.rest ? [this.rest] : [];
        this.rest = '';
      } else {
        const parts = (this.rest + this.buf.toString('utf8', 0, n)).split('\n');
        this.rest = parts.pop()!;
        this.lines = parts;
      }
      this.at = 0;
    }
    return this.lines[this.at++];
  }
}

/** A min-heap merge of sorted run files. */
function* merge(files: readonly string[], inMemory: readonly Item[] = []): Generator<Item> {
  const readers: { next(): string | Item | undefined }[] = files.map((f) => new LineReader(f));
  let k = 0;
  readers.push({ next: () => inMemory[k++] });
  const heap: { item: Item; src: number }[] = [];
  const push = (x: { item: Item; src: number }) => {
    heap.push(x);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (byTime(heap[p]!.item, heap[i]!.item) <= 0) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && byTime(heap[l]!.item, heap[m]!.item) < 0) m = l;
        if (r < heap.length && byTime(heap[r]!.item, heap[m]!.item) < 0) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  const next = (src: number) => {
    const line = readers[src]!.next();
    if (line === undefined || line === '') return;
    if (typeof line !== 'string') return push({ item: line, src });
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    push({ item: { t: Number(line.slice(0, a)), n: Number(line.slice(a + 1, b)), text: line.slice(b + 1) }, src });
  };
  for (let i = 0; i < readers.length; i++) next(i);
  while (heap.length > 0) {
    const top = pop();
    yield top.item;
    next(top.src);
  }
}

/**
 * Replays NDJSON events through a new engine; calls `onAlert` for each alert, in event time.
 * @example const s = await replay(createReadStream('day.ndjson'), { onAlert: (a) => out.write(JSON.stringify(a) + '\n') });
 */
export async function replay(
  input: Readable,
  opts: { strict?: boolean; onAlert?: (a: Alert) => void; onBadLine?: (b: BadLine) => void; runLines?: number } = {},
): Promise<ReplaySummary> {
  const runLines = opts.runLines ?? RUN_LINES;
  const summary: ReplaySummary = { lines: 0, events: 0, bad: 0, alerts: 0, badLines: [] };
  const dir = mkdtempSync(join(tmpdir(), 'cloak-replay-'));
  const runs: string[] = [];
  let buffer: Item[] = [];
  // Synchronous on purpose: while a run is written, no more lines pile up behind it.
  const flush = () => {
    buffer.sort(byTime);
    const file = join(dir, `run-${runs.length}.tsv`);
    writeFileSync(file, buffer.map((it) => `${it.t}\t${it.n}\t${JSON.stringify(it.e)}`).join('\n') + '\n');
    runs.push(file);
    buffer = [];
  };
  /**
   * The fast path while the input is in time order (undefined once it is not): its engine, the
   * text read since line `from` began (as decoded chunks), and how many good lines it holds.
   */
  let inOrder:
    | { engine: Engine; lastT: number; events: number; alerts: Alert[]; pieces: string[]; from: number; good: number }
    | undefined = {
    engine: createEngine(),
    lastT: Number.NEGATIVE_INFINITY,
    events: 0,
    alerts: [],
    pieces: [],
    from: 1,
    good: 0,
  };
  /** The good lines among those held up to line `last`, checked again (they were good once) into items for the sort. */
  const heldItems = (o: NonNullable<typeof inOrder>, last: number): Item[] => {
    const texts = o.pieces.join('').split(LINE_END);
    const items: Item[] = [];
    for (let n = o.from; n <= last; n++) {
      const text = texts[n - o.from]!;
      if (text.trim() === '') continue;
      const r = parseLine(text);
      if ('event' in r) items.push({ t: r.t, n, e: r.event });
    }
    return items;
  };
  /** Takes one line; false when a strict run must stop. */
  const line = (text: string): boolean => {
    const n = ++summary.lines;
    if (text.trim() === '') return true;
    const r = parseLine(text);
    if ('reason' in r) {
      summary.bad++;
      const b = { line: n, reason: r.reason };
      if (summary.badLines.length < 1000) summary.badLines.push(b);
      opts.onBadLine?.(b);
      return !opts.strict;
    }
    if (inOrder && r.t >= inOrder.lastT && inOrder.alerts.length < HELD_ALERTS) {
      inOrder.lastT = r.t;
      inOrder.events++;
      inOrder.good++;
      for (const a of inOrder.engine.ingest(r.event, r.t)) inOrder.alerts.push(a);
      return true;
    }
    if (inOrder) {
      // Out of order (or too many alerts to hold): sorted the usual way, from the start.
      buffer = heldItems(inOrder, n - 1);
      inOrder = undefined;
      if (buffer.length >= runLines) flush();
    }
    // The parsed event is kept until its run goes to disk (as JSON, its time already in UTC).
    buffer.push({ t: r.t, n, e: r.event });
    if (buffer.length >= runLines) flush();
    return true;
  };
  try {
    const decoder = new StringDecoder('utf8');
    /** The unfinished last line, and whether the text so far ended with \r (a \n next is its \r\n). */
    let rest = '';
    let sawReturn = false;
    for await (const chunk of input) {
      let text = decoder.write(chunk as Buffer | string);
      if (sawReturn) {
        if (inOrder && text === '') {
          // Held text ending in \r that a later \n would join: leave the fast path while it splits as read.
          buffer = heldItems(inOrder, summary.lines);
          inOrder = undefined;
          if (buffer.length >= runLines) flush();
        }
        if (text.charCodeAt(0) === 10) text = text.slice(1);
        sawReturn = false;
      }
      if (text === '') continue;
      inOrder?.pieces.push(text);
      const parts = (rest + text).split(LINE_END);
      sawReturn = text.endsWith('\r');
      rest = parts.pop()!;
      for (const l of parts) if (!line(l)) return summary;
      if (inOrder && inOrder.good >= runLines) {
        // Held lines go to disk as a sorted run, as they would have; the unfinished line stays held.
        buffer = heldItems(inOrder, summary.lines);
        flush();
        inOrder.pieces = rest ? [rest] : [];
        inOrder.from = summary.lines + 1;
        inOrder.good = 0;
      }
    }
    if (rest.length > 0 && !line(rest)) return summary;
    if (inOrder) {
      summary.events = inOrder.events;
      for (const a of [...inOrder.alerts, ...inOrder.engine.flush()]) {
        summary.alerts++;
        opts.onAlert?.(a);
      }
      return summary;
    }
    const engine = createEngine();
    const run = (it: Item) => {
      summary.events++;
      // Checked on the way in; from a run on disk, parsed again, with its time in UTC.
      let e = it.e;
      if (!e) {
        e = JSON.parse(it.text!) as CloakEvent;
      }
      for (const a of engine.ingest(e, it.t)) {
        summary.alerts++;
        opts.onAlert?.(a);
      }
    };
    if (runs.length === 0) {
      buffer.sort(byTime);
      for (const it of buffer) run(it);
    } else {
      // The last, partial run stays in memory (already parsed) and joins the merge as is.
      buffer.sort(byTime);
      for (const it of merge(runs, buffer)) run(it);
    }
    for (const a of engine.flush()) {
      summary.alerts++;
      opts.onAlert?.(a);
    }
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
