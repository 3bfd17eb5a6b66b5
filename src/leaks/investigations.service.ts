import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Clock } from '../lib/clock.ts';
import { randomId } from '../lib/crypto.ts';
import { Conflict, InvalidInput, NotFound, RateLimited } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { LeakTraceTable } from './leaks.tables.ts';
import type { LeaksRepo, TraceEnd } from './leaks.repo.ts';
import type { Incident, IncidentService } from '../incidents/incidents.service.ts';
import type { TraceReport, TraceService } from './trace.service.ts';

export type InvestigationStatus = 'queued' | 'tracing' | 'done' | 'failed';
/** A leaked file under investigation, as the API and the dashboard show it. */
export type Investigation = {
  readonly id: string;
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly status: InvestigationStatus;
  /** 0..1 while tracing (share of the file read), 1 when done. */
  readonly progress: number;
  readonly rowsRead: number;
  readonly error: string | null;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly finishedAt: string | null;
  /** When the retention period removed the file (its record, hash and report stay). */
  readonly purgedAt: string | null;
};

/** What the API returns of a report: the affected list is long, so only its first entries and its size. */
export type ReportSummary = Omit<TraceReport, 'affected'> & {
  readonly affected: string[];
  readonly affectedCount: number;
};
const AFFECTED_SHOWN = 1000;

/** A name for the upload safe to show and store: no path, no control characters, at most 200 characters. */
function cleanName(name: string | undefined): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return base.slice(0, 200) || 'upload';
}

/**
 * How long a node's claim on a trace holds without renewal: a node that died (or stalled) that
 * long is taken over by another. Renewed every RENEW_MS while tracing, so several renewals in a
 * row may fail (a database hiccup) before the claim is lost.
 */
const LEASE_MS = 2 * 60_000;
const RENEW_MS = 30_000;
/** Past a lease's end before another node looks again (clocks of nodes differ a little). */
const RETRY_MARGIN_MS = 1_000;

/** Uploads one person may have streaming at once, per node. */
const UPLOADS_IN_FLIGHT = 2;
const HOUR_MS = 3_600_000;

/**
 * Leak investigations: a leaked file is uploaded (streamed to `<dir>/<id>.upload`, mode 0600,
 * with its SHA-256), traced in the background one file at a time with its progress visible,
 * and its report kept. A file acknowledged is never lost: investigations left queued or
 * half-traced by a stop are traced again at the next start. Each is traced by one node at a
 * time: claimed first (a lease of LEASE_MS, renewed while tracing), looked at again by the
 * others when that lease ends, and a node whose claim was taken over writes nothing more of it
 * (no audit entry, no result: fenced by its node id in every write). Uploads are bounded per person:
 * at most `quotaBytes` held at once (a counter row per uploader, changed by one conditional
 * statement in the transaction that records the upload, so concurrent uploads on any number
 * of nodes cannot pass it together) and two streaming at once per node; a traced file is kept
 * `keepDays` (evidence), then removed, its record, SHA-256 and report kept.
 * @example const inv = await investigations.receive(req.raw, { name: 'dump.csv', actor: 'staff:u-1' });
 */
export function createInvestigationService(deps: {
  repo: LeaksRepo;
  tracer: Pick<TraceService, 'trace'>;
  incidents: Pick<IncidentService, 'open'>;
  dir: string;
  maxBytes: number;
  /** Most bytes of files one person may hold (default: unbounded). */
  quotaBytes?: number;
  /** Days a traced file is kept (default: until deleted). */
  keepDays?: number;
  clock: Clock;
  log: Logger;
  /** The role of an uploader (`staff:<id>`), named in the affected customers' access reports. */
  roleOf?: (actor: string) => Promise<string | undefined>;
}) {
  const { repo } = deps;
  mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
  const fileOf = (id: string) => join(deps.dir, `${id}.upload`);
  const live = new Map<string, { progress: number; rows: number }>();
  const queue: string[] = [];
  let running: Promise<void> | undefined;
  let closed = false;
  const quota = deps.quotaBytes ?? Number.MAX_SAFE_INTEGER;
  const inFlight = new Map<string, number>();
  /** This service's id in the claims it takes (random: two services, even in one process, are two nodes). */
  const node = randomUUID();
  /** Traces another node holds, each to be looked at again when its lease ends. */
  const retries = new Map<string, NodeJS.Timeout>();
  let purgeTimer: NodeJS.Timeout | undefined;

  const overQuota = (h: number) =>
    new RateLimited(
      `you hold ${h} bytes of uploaded leak files and may hold ${quota} (CLOAK_TRACE_QUOTA_BYTES): a privacy officer deleting finished investigations makes room`,
      [{ path: '/body', problem: 'over the upload quota' }],
    );

  /** Removes the files of traced investigations older than the retention period; their records stay. */
  async function purgeExpired(): Promise<number> {
    if (deps.keepDays === undefined) return 0;
    const before = new Date(deps.clock.now().getTime() - deps.keepDays * 24 * HOUR_MS).toISOString();
    const old = await repo.expiredTraces(before);
    let n = 0;
    for (const r of old) {
      const done = await repo.purgeTrace(
        { id: r.id, bytes: Number(r.bytes), uploaded_by: r.uploaded_by },
        deps.clock.now().toISOString(),
      );
      if (!done) continue; // another node purged it
      rmSync(fileOf(r.id), { force: true });
      n++;
    }
    if (n > 0) deps.log.info({ purged: n }, 'leaks: uploaded files past their retention removed');
    return n;
  }

  const view = (r: Omit<LeakTraceTable, 'claimed_by' | 'lease_until'>): Investigation => {
    const l = live.get(r.id);
    const report = r.report ? (JSON.parse(r.report) as TraceReport) : undefined;
    return {
      id: r.id,
      name: r.name,
      bytes: Number(r.bytes),
      sha256: r.sha256,
      status: r.status as InvestigationStatus,
      progress: r.status === 'done' ? 1 : (l?.progress ?? 0),
      rowsRead: report?.rowsRead ?? l?.rows ?? 0,
      error: r.error,
      uploadedBy: r.uploaded_by,
      uploadedAt: r.uploaded_at,
      finishedAt: r.finished_at,
      purgedAt: r.purged_at,
    };
  };

  async function row(id: string): Promise<LeakTraceTable> {
    const r = await repo.getTrace(id);
    if (!r) throw new NotFound('no leak investigation has this id');
    return r;
  }

  /** Queues `id` again once its current lease has ended, unless closed by then. */
  function retryAfterLease(id: string, leaseUntil: string | null): void {
    if (closed || retries.has(id)) return;
    const wait = leaseUntil ? Date.parse(leaseUntil) - deps.clock.now().getTime() : 0;
    const t = setTimeout(
      () => {
        retries.delete(id);
        if (closed) return;
        queue.push(id);
        kick();
      },
      Math.min(Math.max(wait, 0), LEASE_MS) + RETRY_MARGIN_MS,
    );
    t.unref();
    retries.set(id, t);
  }

  async function traceOne(id: string): Promise<void> {
    const r = await repo.getTrace(id);
    if (!r || (r.status !== 'queued' && r.status !== 'tracing')) return;
    const leaseEnd = () => new Date(deps.clock.now().getTime() + LEASE_MS).toISOString();
    // Claimed first, in one statement: of several nodes (or a restarted one and the node that
    // still traces) one traces the file; the others look again when the winner's lease ends,
    // so a trace whose node died is taken over rather than left half-done until a restart.
    if (!(await repo.claimTrace(id, node, deps.clock.now().toISOString(), leaseEnd()))) {
      const now = await repo.getTrace(id);
      if (now?.status === 'tracing') retryAfterLease(id, now.lease_until);
      return;
    }
    const lost = new AbortController();
    /** Extends the claim; a refusal means another node took the trace over, and this one stops writing. */
    const renew = async () => {
      if (lost.signal.aborted) return;
      if (!(await repo.renewClaim(id, node, leaseEnd())))
        lost.abort(new Error('another node took this trace over when its lease ended'));
    };
    // Renewals run one after another (the timer's and those before each audit write).
    let renewing: Promise<void> = Promise.resolve();
    const renewNow = () => {
      const p = renewing.then(renew);
      renewing = p.catch(() => undefined);
      return p;
    };
    const timer = setInterval(
      () =>
        // Not fatal: the next renewal tries again, and the lease outlasts several missed ones.
        void renewNow().catch((err: unknown) =>
          deps.log.warn({ err, investigation: id }, 'leaks: trace claim not renewed'),
        ),
      RENEW_MS,
    );
    timer.unref();
    const lostClaim = () =>
      deps.log.warn(
        { investigation: id },
        'leaks: another node took this trace over (this node held it past its lease); this node writes nothing more of it',
      );
    /** Writes the end only while the claim is still this node's: else the successor's result stands. */
    const finish = async (end: TraceEnd): Promise<boolean> => {
      if (!lost.signal.aborted && (await repo.finishTrace(id, node, end))) return true;
      lostClaim();
      return false;
    };
    live.set(id, { progress: 0, rows: 0 });
    try {
      const role = await deps.roleOf?.(r.uploaded_by).catch(() => undefined);
      const report = await deps.tracer.trace(fileOf(id), {
        actor: r.uploaded_by,
        role,
        investigation: id,
        onProgress: (progress, rows) => live.set(id, { progress, rows }),
        signal: lost.signal,
        // Confirmed just before each audit write, so a node that lost the claim writes no entry.
        beforeWrite: renewNow,
      });
      const wrote = await finish({
        status: 'done',
        report: JSON.stringify(report),
        finished_at: deps.clock.now().toISOString(),
      });
      if (wrote)
        deps.log.info(
          { investigation: id, rows: report.rowsRead, affected: report.affected.length },
          'leaks: investigation traced',
        );
    } catch (e) {
      if (lost.signal.aborted) return lostClaim();
      // The reader's errors say what is wrong with the file, never what is in it.
      const message =
        e instanceof InvalidInput
          ? e.message.replace(fileOf(id), r.name)
          : 'the file could not be traced (see the server log)';
      if (!(e instanceof InvalidInput)) deps.log.error({ err: e, investigation: id }, 'leaks: investigation failed');
      await finish({ status: 'failed', error: message, finished_at: deps.clock.now().toISOString() });
    } finally {
      clearInterval(timer);
      live.delete(id);
    }
  }

  function kick(): void {
    if (running || closed) return;
    running = (async () => {
      while (queue.length && !closed) await traceOne(queue.shift()!);
    })()
      .catch((err: unknown) => deps.log.error({ err }, 'leaks: investigation queue stopped'))
      .finally(() => {
        running = undefined;
        if (queue.length && !closed) kick();
      });
  }

  return {
    /** Queues the investigations a previous run left unfinished (call once at start). */
    async resume(): Promise<number> {
      await purgeExpired();
      if (deps.keepDays !== undefined && !purgeTimer) {
        purgeTimer = setInterval(
          () => void purgeExpired().catch((err: unknown) => deps.log.error({ err }, 'leaks: retention purge failed')),
          HOUR_MS,
        );
        purgeTimer.unref();
      }
      const left = await repo.unfinishedTraces();
      for (const r of left) queue.push(r.id);
      kick();
      return left.length;
    },

    /**
     * Stores an uploaded file (at most `maxBytes`) and queues its trace. The upload is
     * acknowledged only once the whole file is on disk and recorded.
     */
    async receive(
      body: Readable,
      meta: { name?: string | undefined; actor: string; declared?: number | undefined },
    ): Promise<Investigation> {
      const streaming = inFlight.get(meta.actor) ?? 0;
      if (streaming >= UPLOADS_IN_FLIGHT)
        throw new RateLimited(`you have ${streaming} uploads still arriving; send the next when one is done`, [
          { path: '/body', problem: 'too many uploads at once' },
        ]);
      const already = await repo.heldBy(meta.actor);
      if (already + (meta.declared ?? 1) > quota) throw overQuota(already);
      inFlight.set(meta.actor, streaming + 1);
      try {
        return await this.store(body, meta, Math.min(deps.maxBytes, quota - already));
      } finally {
        const n = (inFlight.get(meta.actor) ?? 1) - 1;
        if (n > 0) inFlight.set(meta.actor, n);
        else inFlight.delete(meta.actor);
      }
    },

    /** Streams one upload to disk (at most `limit` bytes), then records it within the uploader's quota. */
    async store(
      body: Readable,
      meta: { name?: string | undefined; actor: string },
      limit: number,
    ): Promise<Investigation> {
      const id = randomId('inv');
      const path = fileOf(id);
      const hash = createHash('sha256');
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > limit)
            return done(
              limit < deps.maxBytes
                ? new RateLimited(
                    `the file would take you past the ${quota} bytes of uploads you may hold (CLOAK_TRACE_QUOTA_BYTES); nothing was kept`,
                    [{ path: '/body', problem: 'over the upload quota' }],
                  )
                : new InvalidInput(
                    `the file is larger than the ${limit} bytes an upload may have (CLOAK_TRACE_MAX_BYTES)`,
                    [{ path: '/body', problem: 'too large' }],
                  ),
            );
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const out = createWriteStream(path, { mode: 0o600, flags: 'wx' });
      try {
        await pipeline(body, count, out);
      } catch (e) {
        // The file may be opened after the stream failed: remove it once it is closed.
        if (!out.closed) await once(out, 'close').catch(() => undefined);
        rmSync(path, { force: true });
        throw e instanceof InvalidInput || e instanceof RateLimited
          ? e
          : new InvalidInput('the upload was cut off before its end; nothing was kept', [
              { path: '/body', problem: 'incomplete upload' },
            ]);
      }
      if (bytes === 0) {
        rmSync(path, { force: true });
        throw new InvalidInput('the upload is empty', [{ path: '/body', problem: 'empty file' }]);
      }
      const now = deps.clock.now().toISOString();
      const r: LeakTraceTable = {
        id,
        name: cleanName(meta.name),
        bytes,
        sha256: hash.digest('hex'),
        status: 'queued',
        error: null,
        report: null,
        uploaded_by: meta.actor,
        uploaded_at: now,
        finished_at: null,
        purged_at: null,
        claimed_by: null,
        lease_until: null,
      };
      // The quota is taken and the upload recorded in one transaction: of concurrent uploads
      // (on any node) only those that fit pass; a refused one leaves no row and no file.
      const recorded = await repo.recordUpload(r, quota);
      if (!recorded) {
        rmSync(path, { force: true });
        throw overQuota(await repo.heldBy(meta.actor));
      }
      deps.log.info({ investigation: id, bytes }, 'leaks: file received for tracing');
      queue.push(id);
      kick();
      return view(r);
    },

    async list(): Promise<Investigation[]> {
      return (await repo.recentTraces(200)).map((r) => view({ ...r, report: null }));
    },

    async get(id: string): Promise<Investigation & { report: ReportSummary | null }> {
      const r = await row(id);
      const report = r.report ? (JSON.parse(r.report) as TraceReport) : null;
      return {
        ...view(r),
        report: report
          ? { ...report, affected: report.affected.slice(0, AFFECTED_SHOWN), affectedCount: report.affected.length }
          : null,
      };
    },

    /** The whole report (every affected token), once traced. */
    async report(id: string): Promise<{ investigation: Investigation; report: TraceReport }> {
      const r = await row(id);
      if (!r.report)
        throw new Conflict(`this investigation is ${r.status}: it has no report${r.status === 'failed' ? '' : ' yet'}`);
      return { investigation: view(r), report: JSON.parse(r.report) as TraceReport };
    },

    /** Opens an incident from a traced file: its affected customers and data categories, discovered now unless said. */
    async openIncident(
      id: string,
      req: {
        title: string;
        where: string;
        measures: string;
        discoveredAt?: string | undefined;
        highRisk?: boolean | undefined;
      },
      by: string,
    ): Promise<Incident> {
      const { investigation, report } = await this.report(id);
      if (report.affected.length === 0)
        throw new Conflict('this file holds no known customer: there is no one to open an incident for');
      const categories = Object.keys(report.categories).filter((c) => /^[a-z]{2,20}$/.test(c));
      return deps.incidents.open(
        { ...req, discoveredAt: req.discoveredAt ?? investigation.uploadedAt, subjects: report.affected, categories },
        by,
      );
    },

    /** Deletes the uploaded file (the evidence) and its record; refused while it is being traced. */
    async remove(id: string): Promise<void> {
      const r = await row(id);
      if (r.status === 'tracing' || r.status === 'queued')
        throw new Conflict('this file is still being traced; delete it when it is done');
      await repo.deleteTrace(id, r.uploaded_by);
      rmSync(fileOf(id), { force: true });
    },

    /** Stops taking work and waits for the file being traced. */
    async close(): Promise<void> {
      closed = true;
      if (purgeTimer) clearInterval(purgeTimer);
      for (const t of retries.values()) clearTimeout(t);
      retries.clear();
      await running;
    },
  };
}
export type InvestigationService = ReturnType<typeof createInvestigationService>;
