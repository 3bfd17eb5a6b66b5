import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { WaybillService } from '../waybill/waybill.service.ts';
import { classifyColumns, modernizeVietnamesePhone, type Category, type ColumnGuess } from './columns.ts';
import { openLeak, type LeakFile } from './read.ts';

export type TraceReport = {
  readonly file: { readonly format: string; readonly encoding: string; readonly delimiter?: string | undefined; readonly bytes: number };
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
};

/** Rows matched against the vault at a time. */
const BATCH = 5000;
/** Rows sampled to classify the columns. */
const SAMPLE = 200;

/**
 * Traces a leaked file against the vault: finds its identifier columns, normalizes the values
 * and matches them by blind index (phones, e-mails) or as tracking numbers, decrypting
 * nothing, and lists the customers it holds. The trace is recorded in the audit log (counts,
 * never values). Source ranking, canaries and watermarks come next (issue 6).
 * @example const r = await tracer.trace('/tmp/dump.csv', { onProgress: (f) => … });
 */
export function createTraceService(deps: { vault: Pick<VaultService, 'matchValues'>; waybill: Pick<WaybillService, 'recipientsOf'>; audit: Pick<AuditLog, 'append'>; clock: Clock; log: Logger }) {
  return {
    async trace(path: string, opts: { actor?: string; onProgress?: (fraction: number, rows: number) => void } = {}): Promise<TraceReport> {
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
      const byCat = (c: Category) => columns.filter((x) => x.category === c).map((x) => x.index);
      const [phones, emails, trackings] = [byCat('phone'), byCat('email'), byCat('tracking')];
      const affected = new Set<string>();
      const categories: Partial<Record<Category, number>> = {};
      const matchedBy: Partial<Record<'phone' | 'email' | 'tracking', number>> = {};
      let rowsRead = 0;
      let rowsMatched = 0;

      const flush = async (batch: string[][]) => {
        const values = (idx: number[], f: (v: string) => string = (v) => v) => batch.flatMap((r) => idx.map((i) => (r[i] ?? '').trim()).filter(Boolean).map(f));
        const [byPhone, byEmail, byTracking] = await Promise.all([
          phones.length ? deps.vault.matchValues('phone', values(phones, modernizeVietnamesePhone)) : new Map<string, string[]>(),
          emails.length ? deps.vault.matchValues('email', values(emails)) : new Map<string, string[]>(),
          trackings.length ? deps.waybill.recipientsOf(values(trackings, (v) => v.toUpperCase())) : new Map<string, string>(),
        ]);
        for (const r of batch) {
          let hit = false;
          const mark = (kind: 'phone' | 'email' | 'tracking', tokens: readonly string[] | undefined) => {
            if (!tokens?.length) return;
            for (const t of tokens) affected.add(t);
            matchedBy[kind] = (matchedBy[kind] ?? 0) + 1;
            hit = true;
          };
          for (const i of phones) mark('phone', byPhone.get(modernizeVietnamesePhone((r[i] ?? '').trim())));
          for (const i of emails) mark('email', byEmail.get((r[i] ?? '').trim()));
          for (const i of trackings) {
            const t = byTracking.get((r[i] ?? '').trim().toUpperCase());
            mark('tracking', t ? [t] : undefined);
          }
          for (const c of columns) if ((r[c.index] ?? '').trim()) categories[c.category] = (categories[c.category] ?? 0) + 1;
          if (hit) rowsMatched++;
        }
        rowsRead += batch.length;
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
      const report: TraceReport = {
        file: { format: file.format, encoding: file.encoding, delimiter: file.delimiter, bytes: file.bytes },
        columns,
        rowsRead,
        rowsSkipped: file.stats.skipped,
        rowsMatched,
        affected: [...affected].sort(),
        categories,
        matchedBy,
      };
      await deps.audit.append([{ kind: 'trace', actor: opts.actor ?? 'system', result: 'traced', data: { rows: rowsRead, matched: rowsMatched, affected: report.affected.length, categories: Object.keys(categories) } }]);
      deps.log.info({ rows: rowsRead, matched: rowsMatched, affected: report.affected.length }, 'leaks: file traced');
      return report;
    },
  };
}
export type TraceService = ReturnType<typeof createTraceService>;
