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
import { ID_PATTERNS } from '../../lib/ids.ts';

const Id = Type.String({ pattern: ID_PATTERNS.external });
const Token = Type.String({ pattern: ID_PATTERNS.subject, description: 'A subject token' });
const Code = (examples: string[]) => Type.String({ pattern: ID_PATTERNS.code, examples });
const Field = Type.String({ pattern: ID_PATTERNS.field, examples: ['email'] });
const StaffOut = Type.Object({
  id: Type.String(),
  role: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  station: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  disabledAt: Type.Union([Type.String(), Type.Null()]),
});
const ExplanationOut = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  staff: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  openedAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});
const ReviewOut = Type.Object({
  id: Type.String(),
  seller: Type.String(),
  rating: Type.Number(),
  product: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  createdAt: Type.String(),
  reviewer: Type.Optional(Type.String()),
});
const GrantOut = Type.Object({
  id: Type.String(),
  requester: Type.String(),
  subject: Type.String(),
  fields: Type.Array(Type.String()),
  purpose: Type.String(),
  minutes: Type.Number(),
  status: Type.String(),
  approver: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});
const BreakGlassOut = Type.Object({
  auditIndex: Type.Number(),
  actor: Type.String(),
  role: Type.String(),
  subject: Type.String(),
  field: Type.String(),
  purpose: Type.String(),
  justification: Type.String(),
  at: Type.String(),
  reviewedBy: Type.Union([Type.String(), Type.Null()]),
  reviewedAt: Type.Union([Type.String(), Type.Null()]),
});
const ExportOut = Type.Object({
  id: Type.String(),
  requester: Type.String(),
  dataset: Type.String(),
  fields: Type.Array(Type.String()),
  clear: Type.Array(Type.String()),
  recipient: Type.String(),
  purpose: Type.String(),
  status: Type.String(),
  approver: Type.Union([Type.String(), Type.Null()]),
  rows: Type.Union([Type.Number(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.String(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});
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
        body: Type.Object(
          {
            id: Id,
            role: Type.String({ examples: ['support'] }),
            team: Type.Optional(Type.String()),
            station: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Composite([StaffOut, Type.Object({ token: Type.String() })]), ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await d.staff.create(req.body, actorOf(req).actor)),
  );
  app.get(
    '/v1/staff',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary: 'List staff members',
        security: key,
        response: { 200: Type.Object({ staff: Type.Array(StaffOut) }) },
      },
    },
    async () => ({
      staff: await d.staff.list(),
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
        params: Type.Object({ id: Id }),
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
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('ticket'), Type.Literal('moderation'), Type.Literal('assignment')]),
            id: Id,
            staff: Id,
            subject: Token,
            until: Type.Optional(Type.String({ description: 'ISO 8601 end of the period (default: until closed)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ExplanationOut, ...errors },
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
        params: Type.Object({ id: Id }),
        response: { 200: ExplanationOut, ...errors },
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
        params: Type.Object({ id: Id }),
        response: { 200: ExplanationOut, ...errors },
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
        body: Type.Object(
          {
            id: Id,
            reviewer: Token,
            seller: Id,
            rating: Type.Integer({ minimum: 1, maximum: 5 }),
            product: Type.Optional(Id),
          },
          { additionalProperties: false },
        ),
        response: { 201: ReviewOut, ...errors },
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
        params: Type.Object({ id: Id }),
        response: { 200: ReviewOut, ...errors },
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
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            action: Type.Union([Type.Literal('delete'), Type.Literal('hide'), Type.Literal('restore')]),
            reason: Type.Optional(Code(['spam', 'abusive', 'off_topic'])),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReviewOut, ...errors },
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
        body: Type.Object(
          {
            subject: Token,
            field: Field,
            purpose: Code(['ticket_followup', 'delivery_problem', 'fraud_check']),
            explanation: Type.Optional(Id),
            breakGlass: Type.Optional(
              Type.Object(
                { justification: Type.String({ minLength: 20, maxLength: 2000 }) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            value: Type.String(),
            result: Type.String(),
            policies: Type.Array(Type.String()),
            auditIndex: Type.Number(),
          }),
          ...errors,
        },
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
        body: Type.Object(
          {
            subject: Token,
            fields: Type.Array(Field, { minItems: 1 }),
            purpose: Code(['fraud_check']),
            minutes: Type.Integer({ minimum: 1, maximum: 480 }),
            reason: Type.String({ minLength: 10, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: GrantOut, ...errors },
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
          params: Type.Object({ id: Type.String() }),
          response: { 200: GrantOut, ...errors },
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
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ grants: Type.Array(GrantOut) }) },
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
        querystring: Type.Object({ all: Type.Optional(Type.Literal('true')) }, { additionalProperties: false }),
        response: { 200: Type.Object({ breakGlass: Type.Array(BreakGlassOut) }) },
      },
    },
    async (req) => ({ breakGlass: await d.reveals.breakGlass({ pending: req.query.all !== 'true' }) }),
  );
  app.post(
    '/v1/break-glass/:index/sign-off',
    {
      preHandler: approver,
      schema: {
        tags: ['reveal'],
        summary: 'Sign a break-glass reveal off after review',
        security: staffAuth,
        params: Type.Object({ index: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
        body: Type.Object({ note: Type.String({ minLength: 5, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: BreakGlassOut, ...errors },
      },
    },
    async (req) => d.reveals.signOff(staffOf(req), Number(req.params.index), req.body.note),
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
        body: Type.Object(
          {
            dataset: Type.Union([Type.Literal('customers'), Type.Literal('sales')]),
            fields: Type.Optional(
              Type.Array(Field, { description: 'customers: the fields to export (masked unless listed in clear)' }),
            ),
            clear: Type.Optional(Type.Array(Field)),
            recipient: Type.String({ minLength: 1, maxLength: 100, description: 'who receives the file' }),
            purpose: Code(['monthly_report']),
          },
          { additionalProperties: false },
        ),
        response: { 201: ExportOut, ...errors },
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
          params: Type.Object({ id: Type.String() }),
          response: { 200: ExportOut, ...errors },
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
        querystring: Type.Object(
          { status: Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ exports: Type.Array(ExportOut) }) },
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
        params: Type.Object({ id: Type.String() }),
        response: { 200: ExportOut, ...errors },
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
        params: Type.Object({ id: Type.String() }),
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
