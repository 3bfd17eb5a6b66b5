import { createHash } from 'node:crypto';
import { mkdirSync, openSync, closeSync, writeSync, fsyncSync, renameSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { parse as parseCsv } from 'csv-parse/sync';
import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { randomId } from '../lib/crypto.ts';
import { randomInt } from 'node:crypto';
import type { CanaryService } from '../canaries/canary.service.ts';
import { watermarkTime } from '../lib/watermark.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, RateLimited } from '../lib/errors.ts';
import type { ExportTable } from './access.tables.ts';
import type { AccessRepo } from './access.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { ClearReader } from '../vault/clear.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { WaybillService } from '../waybill/waybill.service.ts';
import type { PolicyService } from './policy.service.ts';
import { APPROVERS, PURPOSE } from './reveal.service.ts';
import type { StaffPrincipal } from './staff.service.ts';
import { assertMay } from './duties.fns.ts';
import type { RateBudgets } from '../lib/ratelimit.ts';

export const DATASETS = ['customers', 'sales'] as const;
export type Dataset = (typeof DATASETS)[number];
export type ExportJob = {
  readonly id: string;
  readonly requester: string;
  readonly dataset: Dataset;
  /** Columns; a customer field in `clear` is written in clear, others masked. */
  readonly fields: string[];
  readonly clear: string[];
  readonly recipient: string;
  readonly purpose: string;
  readonly status: 'pending' | 'written' | 'refused';
  readonly approver: string | null;
  readonly rows: number | null;
  readonly sha256: string | null;
  readonly requestedAt: string;
  readonly decidedAt: string | null;
};

const FIELD = /^[a-z][a-z0-9_]{0,31}$/;
const RECIPIENT = /^[\w.@:/ -]{1,100}$/u;
const PAGE = 500;
/**
 * How long a claim ("writing") holds: an approval whose writer has not finished by then died
 * (a crash after the claim), and the export may be approved or refused again. Far above the
 * time to write an export of CLOAK_EXPORT_MAX_ROWS, so a live writer is never overtaken.
 */
export const STALE_CLAIM_MS = 60 * 60_000;

const view = (r: ExportTable): ExportJob => {
  const f = JSON.parse(r.fields) as { fields: string[]; clear: string[] };
  return {
    id: r.id,
    requester: r.requester,
    dataset: r.dataset as Dataset,
    fields: f.fields,
    clear: f.clear,
    recipient: r.recipient,
    purpose: r.purpose,
    status: r.status as ExportJob['status'],
    approver: r.approver,
    rows: r.rows,
    sha256: r.sha256,
    requestedAt: r.requested_at,
    decidedAt: r.decided_at,
  };
};

export type ExportDeps = {
  repo: Pick<
    AccessRepo,
    'getExport' | 'insertExport' | 'decideExport' | 'reopenExport' | 'markExportWritten' | 'listExports'
  >;
  vault: Pick<VaultService, 'page' | 'getMasked'>;
  /** Clear values: an approved export writes the fields it was approved for in clear into its CSV. */
  clear: Pick<ClearReader, 'DANGEROUS_decryptField'>;
  waybill: Pick<WaybillService, 'page'>;
  policy: Pick<PolicyService, 'decide'>;
  audit: Pick<AuditLog, 'append'>;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  /**
   * The daily limit, in the database and taken atomically: of concurrent requests by one
   * person exactly the limit passes, on every node and after a restart.
   */
  budgets: RateBudgets;
  /** Where export files are written (mode 0600). */
  dir: string;
  perDay: number;
  maxRows: number;
  /** Keys the watermark in each row's timestamp (see lib/watermark.ts). */
  watermarkKey: Buffer;
  /** Plants the canary customers each customer export carries for its recipient. */
  canaries: Pick<CanaryService, 'plant' | 'which'>;
};

/** Canary customers planted in each export of customer data. */
const CANARIES_PER_EXPORT = 2;

/**
 * Every row's timestamp carries a keyed watermark of its export (lib/watermark.ts), so a
 * copy found later points back to it.
 *
 * Bulk exports of customer or sales data: asked for by one staff member (policy and a daily
 * limit checked), approved by a second, then written by Cloak itself as CSV (so a later step
 * can watermark every copy), recorded in the audit log with who, what, how many rows and to
 * whom, and published as an `export` event. Only the requester downloads the file.
 */
export function createExportService(deps: ExportDeps) {
  const { repo, clock, budgets } = deps;

  async function get(id: string): Promise<ExportTable> {
    const r = await repo.getExport(id);
    if (!r) throw new NotFound('no export has this id');
    return r;
  }

  /** Writes the dataset to `file`, returning its row count and SHA-256. Clear values are decrypted one by one. */
  async function write(job: ExportJob, file: string): Promise<{ rows: number; sha256: string }> {
    const hash = createHash('sha256');
    const tmp = `${file}.part`;
    const fd = openSync(tmp, 'w', 0o600);
    let rows = 0;
    const put = (records: unknown[][]) => {
      const text = stringify(records);
      hash.update(text);
      writeSync(fd, text);
    };
    try {
      if (job.dataset === 'customers') {
        put([['token', 'kind', 'created_at', ...job.fields]]);
        // This recipient's own canaries, slipped in among the first rows like any customer (with
        // their masks, or values in clear, as the export asks); other exports' canaries left out.
        const planted = await deps.canaries.plant(
          `export:${job.id}`,
          `${job.dataset} to ${job.recipient}`,
          CANARIES_PER_EXPORT,
        );
        const canaryRows: unknown[][] = [];
        for (const c of planted) {
          const m = await deps.vault.getMasked(c.token, { actor: 'system:export' });
          const values = job.fields.map((f) => (job.clear.includes(f) ? (c.fields[f] ?? '') : (m.fields[f] ?? '')));
          // Its time is set where it lands, between its neighbours' (a random one would stand out of order).
          canaryRows.push([c.token, 'customer', '', ...values]);
        }
        for (let cursor = 0; rows < deps.maxRows;) {
          const page = await deps.vault.page(cursor, Math.min(PAGE, deps.maxRows - rows));
          if (page.rows.length === 0) break;
          const out: unknown[][] = [];
          const planted = await deps.canaries.which(page.rows.map((r) => r.token));
          for (const s of page.rows) {
            if (planted.has(s.token)) continue;
            const values = await Promise.all(
              job.fields.map(async (f) =>
                job.clear.includes(f) && s.fields[f] !== undefined
                  ? deps.clear.DANGEROUS_decryptField(s.token, f)
                  : (s.fields[f] ?? ''),
              ),
            );
            out.push([s.token, s.kind, watermarkTime(deps.watermarkKey, job.id, s.token, s.createdAt), ...values]);
          }
          while (canaryRows.length > 0) {
            const at = randomInt(0, out.length + 1);
            const row = canaryRows.pop()!;
            const [before, after] = [
              Date.parse(String(out[at - 1]?.[2] ?? '')),
              Date.parse(String(out[at]?.[2] ?? '')),
            ];
            const [lo, hi] = [
              Number.isNaN(before)
                ? Number.isNaN(after)
                  ? Date.now() - 400 * 86_400_000
                  : after - 86_400_000
                : before,
              Number.isNaN(after) ? (Number.isNaN(before) ? Date.now() - 86_400_000 : before + 86_400_000) : after,
            ];
            row[2] = watermarkTime(
              deps.watermarkKey,
              job.id,
              String(row[0]),
              new Date(Math.min(lo, hi) + randomInt(0, Math.max(1, Math.abs(hi - lo)))).toISOString(),
            );
            out.splice(at, 0, row);
          }
          put(out);
          rows += out.length;
          cursor = page.cursor;
        }
      } else {
        put([['tracking', 'recipient', 'sender', 'origin', 'destination', 'status', 'created_at']]);
        for (let cursor = ''; rows < deps.maxRows;) {
          const page = await deps.waybill.page(cursor, Math.min(PAGE, deps.maxRows - rows));
          if (page.rows.length === 0) break;
          put(
            page.rows.map((p) => [
              p.tracking,
              p.recipient,
              p.sender ?? '',
              p.origin,
              p.destination,
              p.status,
              watermarkTime(deps.watermarkKey, job.id, p.recipient, p.createdAt),
            ]),
          );
          rows += page.rows.length;
          cursor = page.cursor;
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return { rows, sha256: hash.digest('hex') };
  }

  return {
    async request(
      who: StaffPrincipal,
      req: {
        dataset: string;
        fields?: readonly string[] | undefined;
        clear?: readonly string[] | undefined;
        recipient: string;
        purpose: string;
      },
    ): Promise<ExportJob> {
      const fields =
        req.dataset === 'customers' ? [...new Set(req.fields ?? ['name', 'phone', 'email', 'address'])] : [];
      const clear = [...new Set(req.clear ?? [])];
      const details = [
        ...((DATASETS as readonly string[]).includes(req.dataset)
          ? []
          : [{ path: '/dataset', problem: `must be one of ${DATASETS.join(', ')}` }]),
        ...(fields.every((f) => FIELD.test(f)) ? [] : [{ path: '/fields', problem: 'field names only' }]),
        ...(clear.every((f) => fields.includes(f))
          ? []
          : [{ path: '/clear', problem: 'fields in clear must be among the exported customer fields' }]),
        ...(typeof req.recipient === 'string' && RECIPIENT.test(req.recipient)
          ? []
          : [{ path: '/recipient', problem: 'who receives the file: 1-100 letters, digits or . @ : / _ -' }]),
        ...(typeof req.purpose === 'string' && PURPOSE.test(req.purpose)
          ? []
          : [{ path: '/purpose', problem: 'a purpose code, e.g. monthly_report' }]),
      ];
      if (details.length) throw new InvalidInput('the export request is not valid', details);
      const dataset = req.dataset as Dataset;
      const base = {
        kind: 'export',
        actor: who.actor,
        data: { dataset, fields, clear, recipient: req.recipient, purpose: req.purpose, role: who.role },
      };
      const d = deps.policy.decide({
        principal: { type: 'Staff', id: who.id, attrs: { role: who.role, team: who.team } },
        action: 'export',
        resource: { type: 'Dataset', id: dataset },
        context: { clear_fields: clear },
      });
      if (d.decision === 'deny') {
        await deps.audit.append([{ ...base, result: 'denied', data: { ...base.data, policy: [...d.policies] } }]);
        throw new Forbidden(
          `no policy allows a ${who.role} to export ${dataset}${clear.length ? ' with fields in clear' : ''}`,
          [{ path: '/policy', problem: d.policies.join(', ') || 'no policy permits it' }],
        );
      }
      if (!(await budgets.take(`export:${who.id}`, { limit: deps.perDay, windowMs: 86_400_000 }))) {
        await deps.audit.append([{ ...base, result: 'denied', data: { ...base.data, reason: 'rate_limit' } }]);
        throw new RateLimited(`export limit reached: ${deps.perDay} a day per staff member`);
      }
      const row: ExportTable = {
        id: randomId('exp'),
        requester: who.id,
        dataset,
        fields: JSON.stringify({ fields, clear }),
        recipient: req.recipient,
        purpose: req.purpose,
        status: 'pending',
        approver: null,
        rows: null,
        file: null,
        sha256: null,
        requested_at: clock.now().toISOString(),
        decided_at: null,
      };
      await repo.insertExport(row);
      await deps.audit.append([
        { ...base, result: 'requested', data: { ...base.data, export: row.id, policy: [...d.policies] } },
      ]);
      return view(row);
    },

    /** A second person approves (Cloak then writes the file) or refuses an export. */
    async decide(who: StaffPrincipal, id: string, approve: boolean): Promise<ExportJob> {
      const r = await get(id);
      assertMay(who, { on: 'export', action: approve ? 'approve' : 'refuse', requester: r.requester });
      const stale = new Date(clock.now().getTime() - STALE_CLAIM_MS).toISOString();
      // A claim older than STALE_CLAIM_MS is one whose writer died (a crash between the claim and
      // the file): decided again as if pending, or the export would stay "writing" for ever.
      const interrupted = r.status === 'writing' && r.decided_at !== null && r.decided_at < stale;
      if (r.status !== 'pending' && !interrupted)
        throw new Conflict(`this export was already ${r.status}`, [{ path: '/id', problem: r.status }]);
      const job = view(r);
      const now = clock.now().toISOString();
      // What the dead writer left (rows, clear values among them) goes whatever is decided now.
      if (interrupted) rmSync(join(deps.dir, `${id}.csv.part`), { force: true });
      // Decided only while still open (pending, or a dead writer's stale claim), in one statement:
      // of two deciders at once one wins, and one being written by a live approval is not touched.
      const decide = (status: 'refused' | 'writing') => repo.decideExport(id, status, who.id, now, stale);
      if (!approve) {
        if (!(await decide('refused')))
          throw new Conflict('this export was decided meanwhile', [{ path: '/id', problem: 'already decided' }]);
        await deps.audit.append([
          { kind: 'export', actor: who.actor, result: 'refused', data: { export: id, requester: job.requester } },
        ]);
        return { ...job, status: 'refused', approver: who.id, decidedAt: now };
      }
      // Claimed first, so two approvers at once write it once.
      if (!(await decide('writing')))
        throw new Conflict('this export was decided meanwhile', [{ path: '/id', problem: 'already decided' }]);
      mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
      const file = join(deps.dir, `${id}.csv`);
      let out: { rows: number; sha256: string };
      try {
        out = await write(job, file);
      } catch (e) {
        await repo.reopenExport(id);
        throw e;
      }
      // In the log before anyone can download it.
      await deps.audit.append([
        {
          kind: 'export',
          actor: `staff:${job.requester}`,
          result: 'written',
          data: {
            export: id,
            approver: who.id,
            dataset: job.dataset,
            fields: [...job.fields],
            clear: [...job.clear],
            rows: out.rows,
            recipient: job.recipient,
            purpose: job.purpose,
            sha256: out.sha256,
          },
        },
      ]);
      await repo.markExportWritten(id, { rows: out.rows, file, sha256: out.sha256 });
      await deps.bus.publish({
        type: 'export',
        at: clock.now().toISOString(),
        actor: `staff:${job.requester}`,
        dataset: job.dataset,
        rows: out.rows,
        recipient: job.recipient,
        ...(job.fields.length ? { fields: [...job.fields] } : {}),
      });
      return { ...job, status: 'written', approver: who.id, decidedAt: now, rows: out.rows, sha256: out.sha256 };
    },

    async get(who: StaffPrincipal, id: string): Promise<ExportJob> {
      const r = await get(id);
      if (r.requester !== who.id && !(APPROVERS as readonly string[]).includes(who.role))
        throw new NotFound('no export has this id');
      return view(r);
    },

    /**
     * The customers (vault tokens) a written export holds, read back from its file: what a
     * leak tracer compares a leaked set with. Undefined when the file is gone.
     */
    async tokensOf(id: string): Promise<Set<string> | undefined> {
      const r = await get(id);
      if (r.status !== 'written' || !r.file) return undefined;
      let text: string;
      try {
        text = readFileSync(r.file, 'utf8');
      } catch {
        return undefined;
      }
      const rows = parseCsv(text, { relax_column_count: true }) as string[][];
      const col = rows[0]?.indexOf(r.dataset === 'customers' ? 'token' : 'recipient') ?? -1;
      return new Set(
        col < 0
          ? []
          : rows
              .slice(1)
              .map((x) => x[col]!)
              .filter(Boolean),
      );
    },

    async list(filter: { status?: string | undefined }): Promise<ExportJob[]> {
      return (await repo.listExports(filter.status)).map(view);
    },

    /** The written file, for its requester only; each download is logged. */
    async file(who: StaffPrincipal, id: string): Promise<{ path: string; name: string; rows: number }> {
      const r = await get(id);
      if (r.requester !== who.id) throw new NotFound('no export of yours has this id');
      if (r.status !== 'written' || !r.file)
        throw new Conflict(`this export is ${r.status}, not written`, [{ path: '/id', problem: r.status }]);
      await deps.audit.append([
        { kind: 'export', actor: who.actor, result: 'downloaded', data: { export: id, rows: r.rows ?? 0 } },
      ]);
      return { path: r.file, name: `${r.dataset}-${id}.csv`, rows: r.rows ?? 0 };
    },
  };
}
export type ExportService = ReturnType<typeof createExportService>;
