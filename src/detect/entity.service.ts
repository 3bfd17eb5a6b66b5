import { decodeEntry } from '../audit/entry.ts';
import type { AuditLog } from '../audit/log.service.ts';
import { actorOfStaff, type StaffService } from '../access/staff.service.ts';
import type { RevealService } from '../access/reveal.service.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { Device } from '../devices/devices.types.ts';
import type { WaybillService } from '../waybill/waybill.service.ts';
import type { Clock } from '../lib/clock.ts';
import { Conflict, InvalidInput } from '../lib/errors.ts';
import { assertMay } from '../access/duties.fns.ts';
import type { By, CaseService } from './cases.service.ts';
import type { Evidence, Severity } from './engine.ts';
import type { LiveDetection } from './live.ts';

/** One thing an entity did. `explained`: true or false as judged, null when it is not an access (a scan, a grant…) or was not judged. */
export type TimelineItem = {
  readonly at: string;
  readonly kind: string;
  readonly result: string | null;
  /** A customer's vault token, never a clear value. */
  readonly subject: string | null;
  readonly parcel: string | null;
  readonly field: string | null;
  readonly purpose: string | null;
  /** The ticket, moderation case or assignment the access carried. */
  readonly explanation: string | null;
  readonly explained: boolean | null;
  /** How the verdict was reached: the detection engine's own, or the explanation the entry carried. */
  readonly judgedBy: 'engine' | 'entry' | null;
  readonly auditIndex: number | null;
};
export type Entity = {
  readonly kind: 'staff' | 'device';
  readonly id: string;
  readonly actor: string;
  readonly staff: {
    readonly role: string;
    readonly team: string | null;
    readonly station: string | null;
    readonly disabledAt: string | null;
    readonly grantsInForce: number;
  } | null;
  readonly device: Device | null;
  /** Each alert's score, oldest first, and the highest per hour (`YYYY-MM-DDTHH`) for the chart. */
  readonly risk: {
    readonly points: { at: string; score: number; rule: string; severity: Severity; case: string }[];
    readonly hours: string[];
    readonly scores: number[];
  };
  readonly timeline: TimelineItem[];
  readonly evidence: {
    readonly case: string;
    readonly rule: string;
    readonly severity: Severity;
    readonly at: string;
    readonly summary: string;
    readonly items: readonly Evidence[];
  }[];
  readonly cases: {
    readonly id: string;
    readonly status: string;
    readonly severity: Severity;
    readonly incident: string | null;
  }[];
};

export type EntityDeps = {
  cases: Pick<CaseService, 'ofActor'>;
  audit: Pick<AuditLog, 'recentOfActor' | 'append'>;
  staff: Pick<StaffService, 'get'>;
  reveals: Pick<RevealService, 'grants' | 'suspendGrants'>;
  devices: Pick<DevicesService, 'get' | 'activity' | 'setStatus'>;
  waybill: Pick<WaybillService, 'recentScans'>;
  detection: Pick<LiveDetection, 'verdicts'>;
  clock: Clock;
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * What an analyst reads about one staff member or device: its risk over time (its alerts'
 * scores), its recent actions with the explained ones marked, and the evidence of its alerts;
 * and what they may do about it (restrict or revoke a device, suspend a person's grants),
 * each in the audit log under the analyst's name. Customers appear as tokens only.
 */
export function createEntityService(deps: EntityDeps) {
  const { clock } = deps;

  async function alertsOf(actor: string) {
    const cases = await deps.cases.ofActor(actor);
    const points = cases
      .flatMap((c) =>
        c.alerts.map((a) => ({ at: a.at, score: a.score, rule: a.rule, severity: a.severity, case: c.id })),
      )
      .sort((a, b) => a.at.localeCompare(b.at));
    // Every hour from the first alert (at most a week back, at least a day) to now, so the
    // chart shows quiet hours as 0 rather than joining distant alerts.
    const byHour = new Map<string, number>();
    const now = clock.now().getTime();
    const first = points.length ? Date.parse(points[0]!.at) : now;
    const from = Math.max(Math.min(first, now - DAY_MS), now - 7 * DAY_MS);
    for (let t = Math.floor(from / HOUR_MS) * HOUR_MS; t <= now; t += HOUR_MS)
      byHour.set(new Date(t).toISOString().slice(0, 13), 0);
    for (const p of points)
      if (byHour.has(p.at.slice(0, 13)))
        byHour.set(p.at.slice(0, 13), Math.max(byHour.get(p.at.slice(0, 13))!, p.score));
    const evidence = cases
      .flatMap((c) =>
        c.alerts.map((a) => ({
          case: c.id,
          rule: a.rule,
          severity: a.severity,
          at: a.at,
          summary: a.summary,
          items: a.evidence,
        })),
      )
      .sort((a, b) => b.at.localeCompare(a.at));
    return {
      risk: { points, hours: [...byHour.keys()], scores: [...byHour.values()] },
      evidence,
      cases: cases.map((c) => ({ id: c.id, status: c.status, severity: c.severity, incident: c.incident })),
    };
  }

  async function staffEntity(id: string): Promise<Entity> {
    const s = await deps.staff.get(id);
    const actor = actorOfStaff(s);
    const [entries, grants, alerts] = await Promise.all([
      deps.audit.recentOfActor(actor, 200),
      deps.reveals.grants({ status: 'approved' }),
      alertsOf(actor),
    ]);
    const verdicts = deps.detection.verdicts(actor);
    const now = clock.now().toISOString();
    const timeline = entries.map((row): TimelineItem => {
      const e = decodeEntry(row.body) ?? { i: row.idx, at: row.at, kind: row.kind, actor: row.actor };
      const explanation =
        str(e.explanation) ?? str(e.ticket) ?? str(e.assignment) ?? (e.kind === 'moderation' ? str(e.case) : null);
      const subject = str(e.subject);
      // The engine's own verdict when it judged this access (same actor, time and customer).
      const v = verdicts.find((x) => x.at === row.at && (x.customer ?? null) === subject);
      const access = ['reveal', 'moderation', 'export', 'lookup'].includes(row.kind);
      return {
        at: row.at,
        kind: row.kind,
        result: str(e.result),
        subject,
        parcel: str(e.parcel),
        field: str(e.field) ?? (Array.isArray(e.fields) && typeof e.fields[0] === 'string' ? e.fields[0] : null),
        purpose: str(e.purpose),
        explanation,
        explained: v ? v.explained : access ? explanation !== null : null,
        judgedBy: v ? 'engine' : access ? 'entry' : null,
        auditIndex: row.idx,
      };
    });
    return {
      kind: 'staff',
      id,
      actor,
      staff: {
        role: s.role,
        team: s.team,
        station: s.station,
        disabledAt: s.disabledAt,
        grantsInForce: grants.filter((g) => g.requester === id && (g.expiresAt ?? '') > now).length,
      },
      device: null,
      timeline,
      ...alerts,
    };
  }

  async function deviceEntity(id: string): Promise<Entity> {
    const device = await deps.devices.get(id);
    const actor = `device:${id}`;
    const [reads, scans, alerts] = await Promise.all([
      deps.devices.activity(id, 200),
      deps.waybill.recentScans(id, 200),
      alertsOf(actor),
    ]);
    const verdicts = deps.detection.verdicts(actor);
    const timeline: TimelineItem[] = [
      ...reads.map((r): TimelineItem => {
        const v = verdicts.find((x) => x.at === r.at && (x.parcel ?? null) === r.parcel);
        return {
          at: r.at,
          kind: 'read',
          result: r.result,
          subject: null,
          parcel: r.parcel,
          field: r.action.replace(/^read\s*/, '') || null,
          purpose: null,
          explanation: null,
          explained: v ? v.explained : null,
          judgedBy: v ? 'engine' : null,
          auditIndex: null,
        };
      }),
      // A scan is itself what explains the reads of that parcel.
      ...scans.map((s): TimelineItem => ({
        at: s.at,
        kind: 'scan',
        result: s.step,
        subject: null,
        parcel: s.parcel,
        field: null,
        purpose: null,
        explanation: s.station,
        explained: true,
        judgedBy: null,
        auditIndex: null,
      })),
    ].sort((a, b) => b.at.localeCompare(a.at));
    return { kind: 'device', id, actor, staff: null, device, timeline: timeline.slice(0, 200), ...alerts };
  }

  return {
    /** A staff member or a device, as the entity page shows it. */
    async get(kind: string, id: string): Promise<Entity> {
      if (kind === 'staff') return staffEntity(id);
      if (kind === 'device') return deviceEntity(id);
      throw new InvalidInput('an entity is a staff member or a device', [
        { path: '/kind', problem: 'staff or device' },
      ]);
    },

    /** Restricts or revokes a device by an analyst's decision; in the audit log with who, from what, and the case if one is open. */
    async quarantine(id: string, status: string, by: By): Promise<Device> {
      if (status !== 'restricted' && status !== 'revoked')
        throw new InvalidInput('a device is restricted or revoked from here (an admin puts it back in service)', [
          { path: '/status', problem: 'restricted or revoked' },
        ]);
      // The same rule as POST /v1/devices/{id}/status (src/access/duties.fns.ts).
      assertMay(typeof by === 'string' ? { actor: by } : by, { on: 'device', action: status });
      const before = await deps.devices.get(id);
      if (before.status === status)
        throw new Conflict(`this device is already ${status}`, [{ path: '/status', problem: 'unchanged' }]);
      const open = (await deps.cases.ofActor(`device:${id}`)).find((c) => c.status === 'open');
      await deps.audit.append([
        {
          kind: 'device',
          actor: typeof by === 'string' ? by : by.actor,
          result: status,
          data: { device: id, from: before.status, case: open?.id ?? null },
        },
      ]);
      return deps.devices.setStatus(id, status);
    },

    /** Suspends every grant of a staff member still in force; in the audit log when any was. */
    async suspendGrants(id: string, by: By): Promise<{ grants: string[] }> {
      const s = await deps.staff.get(id);
      assertMay(typeof by === 'string' ? { actor: by } : by, { on: 'grant', action: 'suspend', holder: id });
      const grants = await deps.reveals.suspendGrants(id);
      if (grants.length) {
        const open = (await deps.cases.ofActor(actorOfStaff(s))).find((c) => c.status === 'open');
        await deps.audit.append([
          {
            kind: 'response',
            actor: typeof by === 'string' ? by : by.actor,
            result: 'grants_suspended',
            data: { staff: id, grants, case: open?.id ?? null },
          },
        ]);
      }
      return { grants };
    },
  };
}
export type EntityService = ReturnType<typeof createEntityService>;
