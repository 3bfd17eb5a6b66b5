import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import { isStaffRole, type StaffRole } from '../../access/roles.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import type { CaseService } from '../../detect/cases.service.ts';
import type { DevicesService } from '../../devices/devices.service.ts';
import type { IncidentService } from '../../incidents/incidents.service.ts';
import type { Clock } from '../../lib/clock.ts';
import { Forbidden } from '../../lib/errors.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { Me, Overview } from '../contract/dashboard.ts';

/** Staff roles that use the dashboard, and what each may open (the server checks each call; the menu only follows). */
export const DASHBOARD_ROLES = [
  'analyst',
  'investigator',
  'privacy',
  'admin',
  'supervisor',
] as const satisfies readonly StaffRole[];

const HOURS = 24;
const errors = { 401: ErrorResponse, 403: ErrorResponse };

/**
 * What the dashboard's shell and overview need: who is signed in, and the overview's figures
 * (alerts by severity per hour, reveals per hour by outcome, devices by state, open incidents
 * with their deadlines), counts only.
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{
  staff: StaffService;
  audit: Pick<AuditLog, 'countByHour'>;
  cases: Pick<CaseService, 'list'>;
  devices: Pick<DevicesService, 'list'>;
  incidents: Pick<IncidentService, 'list'>;
  clock: Clock;
}> = async (app, { staff, audit, cases, devices, incidents, clock }) => {
  const security = [{ staffToken: [] }];
  app.get(
    '/v1/me',
    {
      preHandler: requireStaff(staff),
      schema: {
        tags: ['access'],
        summary: 'The signed-in staff member (id, role, team)',
        security,
        response: { 200: Me, ...errors },
      },
    },
    async (req) => {
      const s = staffOf(req);
      // Members added before STAFF_ROLES was closed may hold another role: told so (not a 500
      // from the serializer), as no page of the dashboard is open to such a role anyway.
      if (!isStaffRole(s.role))
        throw new Forbidden('your stored role is none of the staff roles Cloak knows: ask an operator');
      return { id: s.id, role: s.role, team: s.team };
    },
  );

  app.get(
    '/v1/dashboard/overview',
    {
      preHandler: requireStaff(staff, DASHBOARD_ROLES),
      schema: {
        tags: ['detection'],
        summary:
          'The overview: the last 24 hours of alerts (by severity) and reveals (by outcome) per hour, devices by state, open incidents and their deadlines',
        security,
        response: {
          200: Overview,
          ...errors,
        },
      },
    },
    async () => {
      const now = clock.now();
      const first = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (HOURS - 1) * 3_600_000);
      const hours = Array.from({ length: HOURS }, (_, i) =>
        new Date(first.getTime() + i * 3_600_000).toISOString().slice(0, 13),
      );
      const slot = new Map(hours.map((h, i) => [h, i]));
      const series = (keys: readonly string[]) =>
        Object.fromEntries(keys.map((k) => [k, hours.map(() => 0)])) as Record<string, number[]>;

      const alerts = series(['high', 'medium', 'low']);
      const openCases: Record<string, number> = {};
      for (const c of await cases.list({})) {
        if (c.status === 'open') openCases[c.severity] = (openCases[c.severity] ?? 0) + 1;
        for (const a of c.alerts as { at?: string; severity?: string }[]) {
          const i = typeof a.at === 'string' ? slot.get(a.at.slice(0, 13)) : undefined;
          if (i === undefined || typeof a.severity !== 'string') continue;
          (alerts[a.severity] ??= hours.map(() => 0))[i]!++;
        }
      }
      const reveals = series(['allowed', 'refused', 'break_glass']);
      const outcome: Record<string, string> = { ok: 'allowed', denied: 'refused', break_glass: 'break_glass' };
      for (const r of await audit.countByHour('reveal', first.toISOString())) {
        const i = slot.get(r.hour);
        const k = outcome[r.result];
        if (i !== undefined && k) reveals[k]![i]! += r.n;
      }
      const byState: Record<string, number> = {};
      for (const d of await devices.list()) byState[d.status] = (byState[d.status] ?? 0) + 1;
      const open = (await incidents.list())
        .filter((x) => x.deadlines.some((d) => !d.met))
        .map((x) => ({
          id: x.id,
          title: x.title,
          subjects: x.subjects,
          deadlines: x.deadlines.map((d) => ({ jurisdiction: d.jurisdiction, kind: d.kind, due: d.due, met: d.met })),
        }));
      return { now: now.toISOString(), hours, alerts, reveals, openCases, devices: byState, incidents: open };
    },
  );
};
