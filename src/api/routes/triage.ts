import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { CaseService } from '../../detect/cases.service.ts';
import { CLASSIFICATIONS } from '../../detect/cases.service.ts';
import type { EntityService } from '../../detect/entity.service.ts';
import { escalateCase } from '../../detect/escalate.ts';
import type { IncidentService } from '../../incidents/incidents.service.ts';
import type { WaybillService } from '../../waybill/waybill.service.ts';
import { DUTY_ROLES } from '../../access/duties.fns.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { ID_PATTERNS } from '../../lib/ids.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const StaffId = Type.String({ pattern: ID_PATTERNS.staff });
const AlertRow = Type.Object({
  case: Type.String(),
  index: Type.Integer({ description: "the alert's place in its case" }),
  at: Type.String(),
  actor: Type.String(),
  rule: Type.String(),
  severity: Type.String(),
  score: Type.Number(),
  summary: Type.String(),
  status: Type.String({ description: "the case's status" }),
  assignee: Type.Union([Type.String(), Type.Null()]),
  classification: Type.Union([Type.String(), Type.Null()]),
});
const Classification = Type.Union(CLASSIFICATIONS.map((c) => Type.Literal(c)));

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
        querystring: Type.Object(
          {
            severity: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')])),
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
            rule: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
            actor: Type.Optional(
              Type.String({ pattern: ID_PATTERNS.actor, description: 'e.g. device:dev_… or staff:u-17' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ alerts: Type.Array(AlertRow), rules: Type.Array(Type.String()) }), ...errors },
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
        body: Type.Object(
          {
            ids: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 1, maxItems: 200 }),
            action: Type.Union([Type.Literal('assign'), Type.Literal('close')]),
            assignee: Type.Optional(StaffId),
            classification: Type.Optional(Classification),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            cases: Type.Array(
              Type.Object({
                id: Type.String(),
                status: Type.String(),
                assignee: Type.Union([Type.String(), Type.Null()]),
                resolution: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errors,
        },
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
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            title: Type.String({ minLength: 3, maxLength: 200 }),
            where: Type.String({ minLength: 1, maxLength: 200 }),
            measures: Type.String({ minLength: 1, maxLength: 4000 }),
            highRisk: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            case: Type.Object({ id: Type.String(), incident: Type.Union([Type.String(), Type.Null()]) }),
            incident: Type.Object({
              id: Type.String(),
              subjects: Type.Number(),
              categories: Type.Array(Type.String()),
              highRisk: Type.Boolean(),
            }),
          }),
          ...errors,
        },
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
        params: Type.Object({
          kind: Type.Union([Type.Literal('staff'), Type.Literal('device')]),
          id: Type.String({ minLength: 1, maxLength: 80 }),
        }),
        response: { 200: Type.Any({ description: 'see Entity in src/detect/entity.service.ts' }), ...errors },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return d.entities.get(req.params.kind, req.params.id);
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
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          { status: Type.Union([Type.Literal('restricted'), Type.Literal('revoked')]) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.String(), status: Type.String() }), ...errors },
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
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ grants: Type.Array(Type.String()) }), ...errors },
      },
    },
    async (req) => d.entities.suspendGrants(req.params.id, staffOf(req)),
  );
};
