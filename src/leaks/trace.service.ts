import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { WaybillService } from '../waybill/waybill.service.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { ExportService } from '../access/export.service.ts';
import type { CanaryService } from '../canaries/canary.service.ts';
import { classifyColumns, modernizeVietnamesePhone, type Category, type ColumnGuess } from './columns.ts';
import { openLeak, type LeakFile } from './read.ts';
import { millisOf, watermarkMs, WATERMARK_MIN_ROWS, WATERMARK_MIN_SHARE } from '../lib/watermark.ts';

export type TraceReport = {
  readonly file: {
    readonly format: string;
    readonly encoding: string;
    readonly delimiter?: string | undefined;
    readonly bytes: number;
  };
  readonly columns: readonly ColumnGuess[];
  readonly rowsRead: number;
  readonly rowsSkipped: number;
  readonly rowsMatched: number;
  /** The vault tokens of the customers found in the file. */
  readonly affected: string[];
  /** Data categories present in the file, with how many non-empty values each. */
  readonly categories: Partial<Record<Category, number>>;
  /** Rows matched by each kind of identifier. */
  readonly matchedBy: Partial<Record<'phone' | 'email' | 'tracking', number>>;
  /** Who could have leaked it, best first: how much of the leaked set each one had access to. */
  readonly sources: Source[];
  /** Canary customers found in the file: each names the one channel it was planted in. */
  readonly canaryHits: { readonly token: string; readonly channel: string; readonly detail: string }[];
};
/**
 * A likely source. `coverage`: the share of the leaked customers whose data it had;
 * `precision`: the share of what it had that is in the leak (a source that saw everything
 * explains any leak, and says little). `score` combines them.
 */
export type Source = {
  readonly kind: 'device' | 'staff' | 'export';
  readonly id: string;
  readonly coverage: number;
  readonly precision: number;
  readonly score: number;
  readonly evidence: string;
};

/** Sources that saw fewer than this share of the leaked customers are not listed. */
const MIN_COVERAGE = 0.2;
const MAX_SOURCES = 20;
/** Timestamped rows kept to check watermarks against (a sample is proof enough). */
const MAX_STAMPED = 100_000;

/** Leaked customers on whom sources are judged: all of them up to this, else a random sample. */
const SOURCE_SAMPLE = 20_000;
type Accessor = { kind: Source['kind']; id: string; had: Set<string>; accessed: number; how: string };

/** `n` of `xs` picked at random (partial Fisher–Yates), or all of them. */
function sampleOf<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const a = [...xs];
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(a.length - i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

/** The purpose a trace's entry in an affected customer's access report states. */
export const TRACE_PURPOSE = 'leak_investigation';
/** Per-customer trace entries given to the audit log at once (the log writes up to 20,000 a transaction). */
const TRACE_ENTRIES_PER_APPEND = 10_000;

/** Rows matched against the vault at a time. */
const BATCH = 5000;
/** Rows sampled to classify the columns. */
const SAMPLE = 200;

/**
 * Traces a leaked file against the vault: finds its identifier columns, normalizes the values
 * and matches them by blind index (phones, e-mails) or as tracking numbers, decrypting
 * nothing, and lists the customers it holds. The trace is recorded in the audit log (counts,
 * never values), and for each customer found, an entry of kind `trace` about them (role,
 * field matched, purpose, investigation), which their access report shows. It ranks the likely sources: an export by its watermark or
 * canaries, a device by its canary, then everyone by how much of the leaked set they had read.
 * @example const r = await tracer.trace('/tmp/dump.csv', { onProgress: (f) => … });
 */
export function createTraceService(deps: {
  vault: Pick<VaultService, 'matchValues'>;
  waybill: Pick<WaybillService, 'recipientsOf' | 'parcelsAndScannersOf'>;
  devices: Pick<DevicesService, 'readersOf'>;
  exports: Pick<ExportService, 'list' | 'tokensOf'>;
  audit: Pick<AuditLog, 'append' | 'actorsOfSubjects'>;
  clock: Clock;
  log: Logger;
  /** The key of the exports' watermark (lib/watermark.ts). */
  watermarkKey: Buffer;
  canaries: Pick<CanaryService, 'which'>;
}) {
  /**
   * Everyone with recorded access to the leaked customers: devices that read or scanned their
   * parcels, staff shown their data, exports that held them; each with the share of `sample`
   * it had. A leak of millions is judged on a random sample of SOURCE_SAMPLE customers (the
   * shares are estimated within a percent), in a few bulk queries, not one per customer.
   */
  async function accessors(
    sample: readonly string[],
    leakedCount: number,
    marked: ReadonlySet<string> = new Set(),
    devicesMarked: ReadonlyMap<string, string> = new Map(),
  ): Promise<Accessor[]> {
    const out = new Map<string, Accessor>();
    const add = (kind: Source['kind'], id: string, token: string, how: string) => {
      const k = `${kind}:${id}`;
      const x = out.get(k) ?? out.set(k, { kind, id, had: new Set(), accessed: 0, how }).get(k)!;
      x.had.add(token);
    };
    const { parcels, scanners } = await deps.waybill.parcelsAndScannersOf(sample);
    const readers = await deps.devices.readersOf([...parcels.keys()]);
    for (const r of readers) add('device', r.device, parcels.get(r.parcel)!, 'was given their parcels’ data');
    for (const s of scanners) add('device', s.device, parcels.get(s.tracking)!, 'scanned their parcels');
    for (const e of await deps.audit.actorsOfSubjects(sample, ['reveal'])) {
      if (e.result !== 'ok' && e.result !== 'break_glass') continue;
      const [kind, id] = [e.actor.slice(0, e.actor.indexOf(':')), e.actor.slice(e.actor.indexOf(':') + 1)];
      add(kind === 'device' ? 'device' : 'staff', id, e.subject, 'was shown their data');
    }
    const inSample = new Set(sample);
    for (const x of await deps.exports.list({ status: 'written' })) {
      const held = await deps.exports.tokensOf(x.id);
      if (!held) continue;
      const k = `export:${x.id}`;
      const hit = [...held].filter((t) => inSample.has(t));
      // Its precision: the share of what it held that leaked (estimated from the sample).
      const accessed = Math.max(1, Math.round((held.size * sample.length) / Math.max(1, leakedCount)));
      if (hit.length || marked.has(x.id))
        out.set(k, {
          kind: 'export',
          id: x.id,
          had: new Set(hit),
          accessed,
          how: `exported ${x.dataset} to ${x.recipient} on ${x.decidedAt ?? x.requestedAt} (requested by ${x.requester})`,
        });
    }
    // A device whose own canary is in the file is a source even if it had nothing else.
    for (const id of devicesMarked.keys())
      if (!out.has(`device:${id}`))
        out.set(`device:${id}`, { kind: 'device', id, had: new Set(), accessed: 0, how: 'its manifest' });
    // What each device or staff member had access to in all, to weigh how specific it is.
    for (const x of out.values()) if (x.accessed === 0) x.accessed = x.had.size;
    return [...out.values()];
  }

  /**
   * Exports whose watermark the leak's timestamped rows carry: at least WATERMARK_MIN_ROWS rows
   * and WATERMARK_MIN_SHARE of them, or nothing (see lib/watermark.ts for the odds).
   */
  async function watermarkEvidence(stamped: readonly { tokens: string[]; ms: number }[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (stamped.length < WATERMARK_MIN_ROWS) return out;
    for (const x of await deps.exports.list({ status: 'written' })) {
      const m = stamped.filter((r) => r.tokens.some((t) => watermarkMs(deps.watermarkKey, x.id, t) === r.ms)).length;
      if (m >= WATERMARK_MIN_ROWS && m / stamped.length >= WATERMARK_MIN_SHARE)
        out.set(
          x.id,
          `watermark: ${m} of ${stamped.length} timestamped rows carry this export's mark (by chance: under 10^-${3 * Math.min(m, 100)})`,
        );
    }
    return out;
  }

  function rank(
    sample: readonly string[],
    leakedCount: number,
    found: readonly Accessor[],
    watermarks: ReadonlyMap<string, string>,
    deviceCanaries: ReadonlyMap<string, string> = new Map(),
  ): Source[] {
    const sampled = sample.length < leakedCount;
    return found
      .map((x) => {
        const coverage = sample.length ? x.had.size / sample.length : 0;
        const precision = x.accessed ? Math.min(1, x.had.size / x.accessed) : 0;
        const mark =
          x.kind === 'export' ? watermarks.get(x.id) : x.kind === 'device' ? deviceCanaries.get(x.id) : undefined;
        const count = sampled
          ? `about ${Math.round(coverage * leakedCount)} (from a random sample of ${sample.length})`
          : `${x.had.size}`;
        // A watermark or a canary is proof, not a likelihood: it puts its export first.
        return {
          kind: x.kind,
          id: x.id,
          coverage,
          precision,
          score: mark ? 1 : coverage * (0.6 + 0.4 * precision) * 0.99,
          evidence: `${mark ? `${mark}; ` : ''}${count} of the ${leakedCount} leaked customers: ${x.how}`,
        };
      })
      .filter((x) => x.coverage >= MIN_COVERAGE || x.score === 1)
      .sort((a, b) => b.score - a.score || b.coverage - a.coverage)
      .slice(0, MAX_SOURCES)
      .map((x) => ({
        ...x,
        coverage: Number(x.coverage.toFixed(3)),
        precision: Number(x.precision.toFixed(3)),
        score: Number(x.score.toFixed(3)),
      }));
  }

  return {
    /**
     * Traces the file at `path`. `investigation` and `role` (of the actor who asked) are named in
     * the entry each affected customer's access report shows.
     */
    async trace(
      path: string,
      opts: {
        actor?: string;
        role?: string | undefined;
        investigation?: string | undefined;
        onProgress?: (fraction: number, rows: number) => void;
        /** Stops the trace, rejecting with the signal's reason: checked after each batch and before each audit write. */
        signal?: AbortSignal;
        /** Awaited before each write to the audit log (a caller confirming it may still write: it aborts `signal` if not). */
        beforeWrite?: () => Promise<void>;
      } = {},
    ): Promise<TraceReport> {
      const file: LeakFile = await openLeak(path);
      const rows = file.rows();
      // Classify on a sample, then stream the rest in batches.
      const sample: string[][] = [];
      for (;;) {
        if (sample.length >= SAMPLE) break;
        const r = await rows.next();
        if (r.done) break;
        sample.push(r.value);
      }
      const columns = classifyColumns(file.headers, sample);
      // Columns that carry an export's watermark: a millisecond timestamp, and the token if kept.
      const share = (i: number, re: RegExp) =>
        sample.filter((r) => re.test((r[i] ?? '').trim())).length / Math.max(1, sample.length);
      const width = Math.max(0, ...sample.map((r) => r.length));
      const stampCol = [...Array(width).keys()].find(
        (i) => share(i, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}/) >= 0.6,
      );
      const tokenCol = [...Array(width).keys()].find((i) => share(i, /^sub_[a-z2-9]{26}$/) >= 0.6);
      const stamped: { tokens: string[]; ms: number }[] = [];
      const byCat = (c: Category) => columns.filter((x) => x.category === c).map((x) => x.index);
      const [phones, emails, trackings] = [byCat('phone'), byCat('email'), byCat('tracking')];
      // Each customer found, with the kind of identifier that first matched them.
      const affected = new Map<string, 'phone' | 'email' | 'tracking'>();
      // Non-empty values per column, summed by category at the end.
      const counts = columns.map(() => 0);
      const matchedBy: Partial<Record<'phone' | 'email' | 'tracking', number>> = {};
      let rowsRead = 0;
      let rowsMatched = 0;

      const none = new Map<string, string[]>();
      const cellAt = (r: readonly string[], i: number) => (r[i] ?? '').trim();
      const phoneAt = (r: readonly string[], i: number) => modernizeVietnamesePhone(cellAt(r, i));
      const trackingAt = (r: readonly string[], i: number) => cellAt(r, i).toUpperCase();
      const flush = async (batch: string[][]) => {
        const values = (idx: number[], at: (r: readonly string[], i: number) => string) => {
          const out: string[] = [];
          for (const r of batch)
            for (const i of idx) {
              const v = at(r, i);
              if (v) out.push(v);
            }
          return out;
        };
        const [byPhone, byEmail, byTracking] = await Promise.all([
          phones.length ? deps.vault.matchValues('phone', values(phones, phoneAt), { alsoRegions: ['CN'] }) : none,
          emails.length ? deps.vault.matchValues('email', values(emails, cellAt)) : none,
          trackings.length ? deps.waybill.recipientsOf(values(trackings, trackingAt)) : new Map<string, string>(),
        ]);
        for (const r of batch) {
          let hit = false;
          const rowTokens: string[] = tokenCol !== undefined && r[tokenCol] ? [r[tokenCol]!.trim()] : [];
          const mark = (kind: 'phone' | 'email' | 'tracking', tokens: readonly string[] | undefined) => {
            if (!tokens?.length) return;
            for (const t of tokens) {
              if (!affected.has(t)) affected.set(t, kind);
              rowTokens.push(t);
            }
            matchedBy[kind] = (matchedBy[kind] ?? 0) + 1;
            hit = true;
          };
          for (const i of phones) mark('phone', byPhone.get(phoneAt(r, i)));
          for (const i of emails) mark('email', byEmail.get(cellAt(r, i)));
          for (const i of trackings) {
            const t = byTracking.get(trackingAt(r, i));
            mark('tracking', t ? [t] : undefined);
          }
          for (let c = 0; c < columns.length; c++) if (cellAt(r, columns[c]!.index)) counts[c]!++;
          if (hit) rowsMatched++;
          if (stampCol === undefined || !rowTokens.length || stamped.length >= MAX_STAMPED) continue;
          const ms = millisOf(r[stampCol] ?? '');
          if (ms !== undefined) stamped.push({ tokens: [...new Set(rowTokens)], ms });
        }
        rowsRead += batch.length;
        opts.signal?.throwIfAborted();
        opts.onProgress?.(file.bytes ? Math.min(1, file.stats.bytesRead / file.bytes) : 1, rowsRead);
      };

      let batch: string[][] = sample;
      for await (const r of rows) {
        batch.push(r);
        if (batch.length >= BATCH) {
          await flush(batch);
          batch = [];
        }
      }
      if (batch.length) await flush(batch);
      const categories: Partial<Record<Category, number>> = {};
      columns.forEach((c, i) => {
        if (counts[i]) categories[c.category] = (categories[c.category] ?? 0) + counts[i]!;
      });
      const planted = await deps.canaries.which([...affected.keys()]);
      const deviceCanaries = new Map<string, string>();
      const staffCanaries = new Map<string, string>();
      const canaryHits = [...planted].map(([token, c]) => ({ token, channel: c.channel, detail: c.detail }));
      // Canaries are nobody: they leave the list of affected customers and become evidence.
      const leaked = [...affected.keys()].filter((t) => !planted.has(t)).sort();
      const watermarks = await watermarkEvidence(stamped);
      for (const h of canaryHits) {
        const [kind, id] = [h.channel.slice(0, h.channel.indexOf(':')), h.channel.slice(h.channel.indexOf(':') + 1)];
        if (kind === 'export')
          watermarks.set(
            id,
            `canary: a customer planted only in this export (${h.detail}) is in the file${watermarks.has(id) ? `; ${watermarks.get(id)}` : ''}`,
          );
        if (kind === 'device')
          deviceCanaries.set(
            id,
            `canary: a parcel listed only in this device's ${h.detail.split(' ')[0]} is in the file`,
          );
        // A team canary is in nobody's work: whoever was shown it (audit log) is the source; else the team, in canaryHits.
        if (kind === 'team')
          for (const e of await deps.audit.actorsOfSubjects([h.token], ['reveal']))
            if (
              (e.result === 'ok' || e.result === 'break_glass') &&
              /^(staff|seller):/.test(e.actor) &&
              !staffCanaries.has(e.actor.slice(e.actor.indexOf(':') + 1))
            )
              staffCanaries.set(
                e.actor.slice(e.actor.indexOf(':') + 1),
                `canary: was shown a customer planted only in team ${id}'s closed work, who is in the file`,
              );
      }
      const judged = sampleOf(leaked, SOURCE_SAMPLE);
      const sources =
        leaked.length || watermarks.size || deviceCanaries.size
          ? rank(
              judged,
              leaked.length,
              await accessors(judged, leaked.length, new Set(watermarks.keys()), deviceCanaries),
              watermarks,
              deviceCanaries,
            )
          : [];
      const report: TraceReport = {
        file: { format: file.format, encoding: file.encoding, delimiter: file.delimiter, bytes: file.bytes },
        columns,
        rowsRead,
        rowsSkipped: file.stats.skipped,
        rowsMatched,
        affected: leaked,
        categories,
        matchedBy,
        sources: withCanaryStaff(sources, staffCanaries),
        canaryHits,
      };
      const actor = opts.actor ?? 'system';
      // Nothing is written once the caller may no longer write (another node took the trace over).
      const mayWrite = async () => {
        await opts.beforeWrite?.();
        opts.signal?.throwIfAborted();
      };
      await mayWrite();
      await deps.audit.append([
        {
          kind: 'trace',
          actor,
          result: 'traced',
          data: {
            rows: rowsRead,
            matched: rowsMatched,
            affected: report.affected.length,
            categories: Object.keys(categories),
            investigation: opts.investigation ?? null,
          },
        },
      ]);
      // Each customer found learns of it in their access report: one entry each (the actor a
      // salted commitment there, README of audit), appended in batches the log writes in one
      // transaction each, awaited in turn so a trace of millions holds no more than one in memory.
      const role = opts.role ?? (actor.includes(':') ? actor.slice(0, actor.indexOf(':')) : actor);
      for (let i = 0; i < leaked.length; i += TRACE_ENTRIES_PER_APPEND) {
        await mayWrite();
        await deps.audit.append(
          leaked.slice(i, i + TRACE_ENTRIES_PER_APPEND).map((subject) => ({
            kind: 'trace',
            actor,
            subject,
            result: 'matched',
            data: {
              role,
              field: affected.get(subject)!,
              purpose: TRACE_PURPOSE,
              investigation: opts.investigation ?? null,
            },
          })),
        );
      }
      deps.log.info({ rows: rowsRead, matched: rowsMatched, affected: report.affected.length }, 'leaks: file traced');
      return report;
    },
  };
}
export type TraceService = ReturnType<typeof createTraceService>;

/** Staff shown a team canary that is in the file: proof, not likelihood; first, with whatever else they had. */
function withCanaryStaff(sources: readonly Source[], shown: ReadonlyMap<string, string>): Source[] {
  if (shown.size === 0) return [...sources];
  const marked = [...shown].map(([id, mark]): Source => {
    const had = sources.find((s) => s.kind === 'staff' && s.id === id);
    return had
      ? { ...had, score: 1, evidence: `${mark}; ${had.evidence}` }
      : { kind: 'staff', id, coverage: 0, precision: 0, score: 1, evidence: mark };
  });
  return [...marked, ...sources.filter((s) => !(s.kind === 'staff' && shown.has(s.id)))]
    .sort((a, b) => b.score - a.score || b.coverage - a.coverage)
    .slice(0, MAX_SOURCES);
}
