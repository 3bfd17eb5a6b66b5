import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { CaseService } from '../../detect/cases.service.ts';
import { DUTY_ROLES } from '../../access/duties.fns.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { ID_PATTERNS } from '../../lib/ids.ts';

const CaseOut = Type.Object({
  id: Type.String(),
  actor: Type.String(),
  severity: Type.String(),
  score: Type.Number(),
  summary: Type.String(),
  alerts: Type.Array(
    Type.Any({ description: 'alerts as replay writes them: at, actor, rule, severity, score, summary, evidence' }),
  ),
  actions: Type.Array(
    Type.Any({ description: 'automatic responses: device_status or grants_suspended, with when they were undone' }),
  ),
  comments: Type.Array(Type.Object({ by: Type.String(), at: Type.String(), text: Type.String() })),
  status: Type.String(),
  assignee: Type.Union([Type.String(), Type.Null()]),
  resolution: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: "the analyst's reason for closing it" }),
  incident: Type.Union([Type.String(), Type.Null()], { description: 'the incident it was escalated to' }),
  openedAt: Type.String(),
  updatedAt: Type.String(),
});
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/** Detection cases, for analysts: list, read, assign, comment, resolve; admins undo automatic responses. */
export const caseRoutes: FastifyPluginAsyncTypebox<{ staff: StaffService; cases: CaseService }> = async (
  app,
  { staff, cases },
) => {
  // Who may act on a case, and never on their own: src/access/duties.fns.ts.
  const analyst = requireStaff(staff, DUTY_ROLES.triage);
  const admin = requireStaff(staff, DUTY_ROLES.undo);
  const security = [{ staffToken: [] }];
  const Params = Type.Object({ id: Type.String() });
  app.get(
    '/v1/cases',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'Cases (alerts grouped by actor), newest first',
        security,
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ cases: Type.Array(CaseOut) }), ...errors },
      },
    },
    async (req) => ({ cases: await cases.list(req.query) }),
  );
  app.get(
    '/v1/cases/:id',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'A case with its alerts, evidence, automatic actions and comments',
        security,
        params: Params,
        response: { 200: CaseOut, ...errors },
      },
    },
    async (req) => cases.get(req.params.id),
  );
  app.post(
    '/v1/cases/:id/assign',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'Assign a case',
        security,
        params: Params,
        body: Type.Object({ assignee: Type.String({ pattern: ID_PATTERNS.staff }) }, { additionalProperties: false }),
        response: { 200: CaseOut, ...errors },
      },
    },
    async (req) => cases.assign(req.params.id, req.body.assignee, staffOf(req)),
  );
  app.post(
    '/v1/cases/:id/comments',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'Comment on a case',
        security,
        params: Params,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
        response: { 200: CaseOut, ...errors },
      },
    },
    async (req) => cases.comment(req.params.id, req.body.text, staffOf(req)),
  );
  app.post(
    '/v1/cases/:id/resolve',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary:
          'Resolve a case as a true positive, benign or false positive, with an optional reason (its keyed hash goes to the audit log)',
        security,
        params: Params,
        body: Type.Object(
          {
            resolution: Type.Union([
              Type.Literal('true_positive'),
              Type.Literal('benign'),
              Type.Literal('false_positive'),
            ]),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: CaseOut, ...errors },
      },
    },
    async (req) => cases.resolve(req.params.id, req.body.resolution, staffOf(req), req.body.reason),
  );
  app.post(
    '/v1/cases/:id/undo',
    {
      preHandler: admin,
      schema: {
        tags: ['detection'],
        summary: "Undo the case's automatic responses (device back to its status, grants back in force)",
        security,
        params: Params,
        response: { 200: CaseOut, ...errors },
      },
    },
    async (req) => cases.undo(req.params.id, staffOf(req)),
  );
};
