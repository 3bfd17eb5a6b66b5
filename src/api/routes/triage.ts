import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { CaseService } from '../../detect/cases.service.ts';
import type { EntityService } from '../../detect/entity.service.ts';
import { escalateCase } from '../../detect/escalate.ts';
import type { IncidentService } from '../../incidents/incidents.service.ts';
import type { WaybillService } from '../../waybill/waybill.service.ts';
import { DUTY_ROLES } from '../../access/duties.fns.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import type { StaffRole } from '../../access/roles.ts';
import {
  AlertList,
  AlertQuery,
  CaseBulkBody,
  CaseBulkResult,
  CaseEscalateBody,
  CaseEscalation,
  Entity,
  EntityDeviceStatus,
  EntityDeviceStatusBody,
  EntityGrantsSuspended,
  EntityIdParams,
  EntityParams,
} from '../contract/triage.ts';
import { CaseParams } from '../contract/cases.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
export type TriageDeps = {
  staff: StaffService;
  cases: CaseService;
  entities: EntityService;
  incidents: Pick<IncidentService, 'open'>;
  waybill: Pick<WaybillService, 'recipientsOf'>;
};

/**
 * The analyst's triage: the alert queue (filtered by the server), bulk assign and close,
 * escalation of a case to an incident, and the entity page of a staff member or a device
 * with its actions (restrict or revoke a device, suspend grants). Every change is audited.
 */
export const triageRoutes: FastifyPluginAsyncTypebox<TriageDeps> = async (app, d) => {
  // Who may act on a case, a device or a grant, and never on their own: src/access/duties.fns.ts.
  const analyst = requireStaff(d.staff, DUTY_ROLES.triage);
  // Analysts escalate what they found; the incident is then the privacy officer's.
  const escalator = requireStaff(d.staff, DUTY_ROLES.escalate);
  const security = [{ staffToken: [] }];
  app.get(
    '/v1/alerts',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'Alerts (one row per alert of every case), newest first, filtered',
        security,
        querystring: AlertQuery,
        response: { 200: AlertList, ...errors },
      },
    },
    async (req) => {
      const alerts = await d.cases.alerts(req.query);
      // The rules to filter by: those of every alert, whatever the filter.
      const all =
        req.query.rule || req.query.severity || req.query.status || req.query.actor ? await d.cases.alerts({}) : alerts;
      return { alerts, rules: [...new Set(all.map((a) => a.rule))].sort() };
    },
  );
  app.post(
    '/v1/cases/bulk',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'Assign or close several cases: all or nothing (each error names the case by its place in ids)',
        security,
        body: CaseBulkBody,
        response: { 200: CaseBulkResult, ...errors },
      },
    },
    async (req) => ({ cases: await d.cases.bulk(req.body, staffOf(req)) }),
  );
  app.post(
    '/v1/cases/:id/escalate',
    {
      preHandler: escalator,
      schema: {
        tags: ['detection', 'incidents'],
        summary:
          "Escalate a case to an incident: its scope is the customers and categories in the case's evidence; the case is linked to it",
        security,
        params: CaseParams,
        body: CaseEscalateBody,
        response: { 201: CaseEscalation, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await escalateCase(
            { cases: d.cases, incidents: d.incidents, waybill: d.waybill },
            req.params.id,
            req.body,
            staffOf(req),
          ),
        ),
  );
  app.get(
    '/v1/entities/:kind/:id',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary:
          'A staff member or a device: risk over time, recent actions (explained ones marked), evidence of its alerts',
        security,
        params: EntityParams,
        response: { 200: Entity, ...errors },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const e = await d.entities.get(req.params.kind, req.params.id);
      // Every member's role was checked against STAFF_ROLES when they were added.
      return { ...e, staff: e.staff && { ...e.staff, role: e.staff.role as StaffRole } };
    },
  );
  app.post(
    '/v1/entities/device/:id/status',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection', 'devices'],
        summary: "Restrict or revoke a device (audited under the analyst's name)",
        security,
        params: EntityIdParams,
        body: EntityDeviceStatusBody,
        response: { 200: EntityDeviceStatus, ...errors },
      },
    },
    async (req) => d.entities.quarantine(req.params.id, req.body.status, staffOf(req)),
  );
  app.post(
    '/v1/entities/staff/:id/suspend-grants',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection', 'reveal'],
        summary: "Suspend a staff member's grants in force (audited)",
        security,
        params: EntityIdParams,
        response: { 200: EntityGrantsSuspended, ...errors },
      },
    },
    async (req) => d.entities.suspendGrants(req.params.id, staffOf(req)),
  );
};
