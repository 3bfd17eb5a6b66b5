import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { CaseService } from '../../detect/cases.service.ts';
import { DUTY_ROLES } from '../../access/duties.fns.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import {
  Case,
  CaseAssignBody,
  CaseCommentBody,
  CaseList,
  CaseListQuery,
  CaseParams,
  CaseResolveBody,
} from '../contract/cases.ts';

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
  app.get(
    '/v1/cases',
    {
      preHandler: analyst,
      schema: {
        tags: ['detection'],
        summary: 'Cases (alerts grouped by actor), newest first',
        security,
        querystring: CaseListQuery,
        response: { 200: CaseList, ...errors },
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
        params: CaseParams,
        response: { 200: Case, ...errors },
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
        params: CaseParams,
        body: CaseAssignBody,
        response: { 200: Case, ...errors },
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
        params: CaseParams,
        body: CaseCommentBody,
        response: { 200: Case, ...errors },
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
        params: CaseParams,
        body: CaseResolveBody,
        response: { 200: Case, ...errors },
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
        params: CaseParams,
        response: { 200: Case, ...errors },
      },
    },
    async (req) => cases.undo(req.params.id, staffOf(req)),
  );
};
