import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SCOPES, type ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffService } from '../../access/staff.service.ts';
import type { VaultService } from '../../vault/vault.service.ts';
import type { Metrics } from '../metrics.ts';
import { actorOf, requireScope } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { ID_PATTERNS } from '../../lib/ids.ts';

const KeyInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()], { description: 'when its current secret stops working' }),
  rotatedAt: Type.Union([Type.String(), Type.Null()], { description: 'when its secret was last replaced' }),
});
const Days = Type.Integer({
  minimum: 1,
  maximum: 3650,
  description: 'lifetime in days (at most CLOAK_API_KEY_DAYS, the default)',
});

export type AdminRoutesDeps = {
  vault: Pick<VaultService, 'keyStatus' | 'rewrap'>;
  apiKeys: ApiKeyService;
  metrics: Metrics;
  staff: Pick<StaffService, 'newToken' | 'revokeToken'>;
};

/** Operators' endpoints: API keys (create, rotate, revoke), staff tokens (issue, revoke), key-encryption-key status and rewrap, metrics. All need `admin`. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesDeps> = async (
  app,
  { vault, apiKeys, metrics, staff },
) => {
  const admin = requireScope(apiKeys, 'admin');
  const security = [{ bearer: [] }];

  app.post(
    '/v1/api-keys',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create an API key (its secret is shown once)',
        security,
        body: Type.Object(
          {
            name: Type.String({ examples: ['order-system'] }),
            scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), { minItems: 1 }),
            days: Type.Optional(Days),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Composite([KeyInfo, Type.Object({ secret: Type.String() })]), 400: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await apiKeys.create({ ...req.body, by: actorOf(req).actor })),
  );

  app.get(
    '/v1/api-keys',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'List API keys (never their secrets)',
        security,
        response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }) },
      },
    },
    async () => ({
      keys: await apiKeys.list(),
    }),
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key',
        security,
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await apiKeys.revoke(req.params.id, actorOf(req).actor);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/api-keys/:id/rotate',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Rotate an API key: a new secret (shown once), a new lifetime; the old secret stops working at once',
        security,
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object(
          {
            days: Type.Optional(
              Type.String({
                pattern: '^[0-9]{1,4}$',
                description:
                  'lifetime in days (default: as long as its current secret was given; at most CLOAK_API_KEY_DAYS)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Composite([KeyInfo, Type.Object({ secret: Type.String() })]),
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (req) =>
      apiKeys.rotate(req.params.id, actorOf(req).actor, {
        days: req.query.days === undefined ? undefined : Number(req.query.days),
      }),
  );

  const StaffParams = Type.Object({ id: Type.String({ pattern: ID_PATTERNS.staff }) });
  app.post(
    '/v1/staff/:id/token',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary:
          'Issue a staff member a fresh sign-in token (shown once; CLOAK_STAFF_TOKEN_HOURS long): the old one stops working at once',
        security,
        params: StaffParams,
        response: {
          201: Type.Object({ id: Type.String(), token: Type.String(), expiresAt: Type.String() }),
          404: ErrorResponse,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await staff.newToken(req.params.id, actorOf(req).actor)),
  );
  app.post(
    '/v1/staff/:id/token/revoke',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary: "Revoke a staff member's sign-in token at once (the member stays; a new token brings them back)",
        security,
        params: StaffParams,
        response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      await staff.revokeToken(req.params.id, actorOf(req).actor);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/keys',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Key-encryption-key versions and how many data keys each wraps',
        security,
        response: {
          200: Type.Object({
            active: Type.Number(),
            versions: Type.Array(Type.Number()),
            dataKeysByVersion: Type.Record(Type.String(), Type.Number()),
            subjects: Type.Number(),
          }),
        },
      },
    },
    async () => vault.keyStatus(),
  );

  app.post(
    '/v1/keys/rewrap',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Rewrap every data key under the active key version now',
        security,
        response: { 200: Type.Object({ rewrapped: Type.Number(), unreadable: Type.Number() }) },
      },
    },
    async () => vault.rewrap(),
  );

  app.get(
    '/metrics',
    {
      preHandler: admin,
      schema: { tags: ['admin'], summary: 'Prometheus metrics (no personal data in any label)', security },
    },
    async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
