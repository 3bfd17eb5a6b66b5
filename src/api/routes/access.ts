import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffService } from '../../access/staff.service.ts';
import type { ExplanationService } from '../../access/explanations.service.ts';
import type { ReviewService } from '../../reviews/reviews.service.ts';
import { APPROVERS, type RevealService } from '../../access/reveal.service.ts';
import type { ExportService } from '../../access/export.service.ts';
import { actorOf, requireScope, requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { isStaffRole } from '../../access/roles.ts';
import {
  AccessIdParams,
  BreakGlass,
  BreakGlassList,
  BreakGlassParams,
  BreakGlassQuery,
  BreakGlassSignOff,
  ExportJob,
  ExportList,
  ExportListQuery,
  ExportParams,
  ExportRequest,
  Explanation,
  Grant,
  GrantList,
  GrantListQuery,
  GrantParams,
  GrantRequest,
  NewExplanation,
  NewReview,
  NewStaff,
  RevealRequest,
  RevealResult,
  Review,
  ReviewModeration,
  StaffCreated,
  StaffList,
} from '../contract/access.ts';

// A role stored before STAFF_ROLES was closed (older members, and the break-glass reveals they
// made) is answered as null with the stored text in `unknownRole`: one such row must neither
// vanish from a listing nor fail it (the serializer refuses a value outside the role enum).
function storedRole<T extends { readonly role: string }>({ role, ...rest }: T) {
  return isStaffRole(role) ? { ...rest, role } : { ...rest, role: null, unknownRole: role };
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  429: ErrorResponse,
};

export type AccessRoutesDeps = {
  apiKeys: Pick<ApiKeyService, 'verify'>;
  staff: StaffService;
  explanations: ExplanationService;
  reviews: ReviewService;
  reveals: RevealService;
  exports: ExportService;
};

/** Staff, the platform's explanations, reviews and moderation, reveals, grants, break-glass and exports. */
export const accessRoutes: FastifyPluginAsyncTypebox<AccessRoutesDeps> = async (app, d) => {
  const admin = requireScope(d.apiKeys, 'admin');
  const platform = requireScope(d.apiKeys, 'platform');
  const signedIn = requireStaff(d.staff);
  const approver = requireStaff(d.staff, APPROVERS);
  const key = [{ bearer: [] }];
  const staffAuth = [{ staffToken: [] }];

  // Staff (operators, with an admin API key).
  app.post(
    '/v1/staff',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary: 'Add a staff member (the sign-in token is shown once)',
        security: key,
        body: NewStaff,
        response: { 201: StaffCreated, ...errors },
      },
    },
    async (req, reply) => {
      const s = await d.staff.create(req.body, actorOf(req).actor);
      // The role is the one asked for: the body's schema and the service both refuse any other.
      return reply.status(201).send({ ...s, role: req.body.role });
    },
  );
  app.get(
    '/v1/staff',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary: 'List staff members',
        security: key,
        response: { 200: StaffList },
      },
    },
    async () => ({
      staff: (await d.staff.list()).map(storedRole),
    }),
  );
  app.post(
    '/v1/staff/:id/disable',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary: 'Disable a staff member (their token stops working)',
        security: key,
        params: AccessIdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await d.staff.disable(req.params.id, actorOf(req).actor);
      return reply.status(204).send(null);
    },
  );

  // Explanations (the platform, with a platform API key).
  app.post(
    '/v1/explanations',
    {
      preHandler: platform,
      schema: {
        tags: ['staff'],
        summary: 'Record a ticket, moderation case or assignment linking a staff member to a customer',
        security: key,
        body: NewExplanation,
        response: { 201: Explanation, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await d.explanations.open(req.body, actorOf(req).actor)),
  );
  app.post(
    '/v1/explanations/:id/close',
    {
      preHandler: platform,
      schema: {
        tags: ['staff'],
        summary: 'Close a ticket, case or assignment',
        security: key,
        params: AccessIdParams,
        response: { 200: Explanation, ...errors },
      },
    },
    async (req) => d.explanations.close(req.params.id, actorOf(req).actor),
  );
  app.get(
    '/v1/explanations/:id',
    {
      preHandler: platform,
      schema: {
        tags: ['staff'],
        summary: 'Read a ticket, case or assignment',
        security: key,
        params: AccessIdParams,
        response: { 200: Explanation, ...errors },
      },
    },
    async (req) => d.explanations.get(req.params.id),
  );

  // Reviews.
  app.post(
    '/v1/reviews',
    {
      preHandler: platform,
      schema: {
        tags: ['reviews'],
        summary: 'Record a review a customer posted',
        security: key,
        body: NewReview,
        response: { 201: Review, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await d.reviews.create(req.body)),
  );
  app.get(
    '/v1/reviews/:id',
    {
      preHandler: signedIn,
      schema: {
        tags: ['reviews'],
        summary: 'Read a review (moderators and sellers never see who wrote it)',
        security: staffAuth,
        params: AccessIdParams,
        response: { 200: Review, ...errors },
      },
    },
    async (req) => d.reviews.get(req.params.id, staffOf(req)),
  );
  app.post(
    '/v1/reviews/:id/moderation',
    {
      preHandler: signedIn,
      schema: {
        tags: ['reviews'],
        summary: 'Delete, hide or restore a review (recorded in the audit log)',
        security: staffAuth,
        params: AccessIdParams,
        body: ReviewModeration,
        response: { 200: Review, ...errors },
      },
    },
    async (req) => d.reviews.moderate(staffOf(req), req.params.id, req.body),
  );

  // Reveal.
  app.post(
    '/v1/reveal',
    {
      preHandler: signedIn,
      schema: {
        tags: ['reveal'],
        summary:
          'Show one field of a customer in clear, if policy allows it for the stated purpose (logged before it is returned)',
        security: staffAuth,
        body: RevealRequest,
        response: { 200: RevealResult, ...errors },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return d.reveals.reveal(staffOf(req), req.body);
    },
  );

  // Just-in-time grants.
  app.post(
    '/v1/grants',
    {
      preHandler: signedIn,
      schema: {
        tags: ['reveal'],
        summary: 'Ask for a time-boxed grant to see fields of a customer for a purpose (a second person approves)',
        security: staffAuth,
        body: GrantRequest,
        response: { 201: Grant, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await d.reveals.requestGrant(staffOf(req), req.body)),
  );
  for (const [verb, approve] of [
    ['approve', true],
    ['refuse', false],
  ] as const) {
    app.post(
      `/v1/grants/:id/${verb}`,
      {
        preHandler: approver,
        schema: {
          tags: ['reveal'],
          summary: `${verb === 'approve' ? 'Approve' : 'Refuse'} a grant (not one's own)`,
          security: staffAuth,
          params: GrantParams,
          response: { 200: Grant, ...errors },
        },
      },
      async (req) => d.reveals.decideGrant(staffOf(req), req.params.id, approve),
    );
  }
  app.get(
    '/v1/grants',
    {
      preHandler: approver,
      schema: {
        tags: ['reveal'],
        summary: 'List grants',
        security: staffAuth,
        querystring: GrantListQuery,
        response: { 200: GrantList },
      },
    },
    async (req) => ({ grants: await d.reveals.grants(req.query) }),
  );

  // Break-glass review.
  app.get(
    '/v1/break-glass',
    {
      preHandler: approver,
      schema: {
        tags: ['reveal'],
        summary: 'Break-glass reveals (by default those not yet signed off)',
        security: staffAuth,
        querystring: BreakGlassQuery,
        response: { 200: BreakGlassList },
      },
    },
    async (req) => ({
      breakGlass: (await d.reveals.breakGlass({ pending: req.query.all !== 'true' })).map(storedRole),
    }),
  );
  app.post(
    '/v1/break-glass/:index/sign-off',
    {
      preHandler: approver,
      schema: {
        tags: ['reveal'],
        summary: 'Sign a break-glass reveal off after review',
        security: staffAuth,
        params: BreakGlassParams,
        body: BreakGlassSignOff,
        response: { 200: BreakGlass, ...errors },
      },
    },
    async (req) => storedRole(await d.reveals.signOff(staffOf(req), Number(req.params.index), req.body.note)),
  );

  // Exports.
  app.post(
    '/v1/exports',
    {
      preHandler: signedIn,
      schema: {
        tags: ['exports'],
        summary: 'Ask for a bulk export of customer or sales data (a second person approves; Cloak writes the CSV)',
        security: staffAuth,
        body: ExportRequest,
        response: { 201: ExportJob, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await d.exports.request(staffOf(req), req.body)),
  );
  for (const [verb, approve] of [
    ['approve', true],
    ['refuse', false],
  ] as const) {
    app.post(
      `/v1/exports/:id/${verb}`,
      {
        preHandler: approver,
        schema: {
          tags: ['exports'],
          summary: `${verb === 'approve' ? 'Approve (and write)' : 'Refuse'} an export (not one's own)`,
          security: staffAuth,
          params: ExportParams,
          response: { 200: ExportJob, ...errors },
        },
      },
      async (req) => d.exports.decide(staffOf(req), req.params.id, approve),
    );
  }
  app.get(
    '/v1/exports',
    {
      preHandler: approver,
      schema: {
        tags: ['exports'],
        summary: 'List exports',
        security: staffAuth,
        querystring: ExportListQuery,
        response: { 200: ExportList },
      },
    },
    async (req) => ({ exports: await d.exports.list(req.query) }),
  );
  app.get(
    '/v1/exports/:id',
    {
      preHandler: signedIn,
      schema: {
        tags: ['exports'],
        summary: 'Read an export request',
        security: staffAuth,
        params: ExportParams,
        response: { 200: ExportJob, ...errors },
      },
    },
    async (req) => d.exports.get(staffOf(req), req.params.id),
  );
  app.get(
    '/v1/exports/:id/file',
    {
      preHandler: signedIn,
      schema: {
        tags: ['exports'],
        summary: 'Download a written export (its requester only; logged)',
        security: staffAuth,
        params: ExportParams,
      },
    },
    async (req, reply) => {
      const f = await d.exports.file(staffOf(req), req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${f.name}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(f.path));
    },
  );
};
