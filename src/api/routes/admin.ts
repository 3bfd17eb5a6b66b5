import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SCOPES, type ApiKeyService } from '../../access/apikey.service.ts';
import type { VaultService } from '../../vault/vault.service.ts';
import type { Metrics } from '../metrics.ts';
import { actorOf, requireScope } from '../auth.ts';
import { ErrorResponse } from './shared.ts';

const KeyInfo = Type.Object({ id: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()), createdAt: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]) });

export type AdminRoutesDeps = { vault: Pick<VaultService, 'keyStatus' | 'rewrap'>; apiKeys: ApiKeyService; metrics: Metrics };

/** Operators' endpoints: API keys, key-encryption-key status and rewrap, metrics. All need `admin`. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesDeps> = async (app, { vault, apiKeys, metrics }) => {
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
        body: Type.Object({ name: Type.String({ examples: ['order-system'] }), scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), { minItems: 1 }) }, { additionalProperties: false }),
        response: { 201: Type.Composite([KeyInfo, Type.Object({ secret: Type.String() })]), 400: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await apiKeys.create({ ...req.body, by: actorOf(req).actor })),
  );

  app.get('/v1/api-keys', { preHandler: admin, schema: { tags: ['admin'], summary: 'List API keys (never their secrets)', security, response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }) } } }, async () => ({
    keys: await apiKeys.list(),
  }));

  app.delete(
    '/v1/api-keys/:id',
    { preHandler: admin, schema: { tags: ['admin'], summary: 'Revoke an API key', security, params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 404: ErrorResponse } } },
    async (req, reply) => {
      await apiKeys.revoke(req.params.id, actorOf(req).actor);
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
        response: { 200: Type.Object({ active: Type.Number(), versions: Type.Array(Type.Number()), dataKeysByVersion: Type.Record(Type.String(), Type.Number()), subjects: Type.Number() }) },
      },
    },
    async () => vault.keyStatus(),
  );

  app.post(
    '/v1/keys/rewrap',
    { preHandler: admin, schema: { tags: ['admin'], summary: 'Rewrap every data key under the active key version now', security, response: { 200: Type.Object({ rewrapped: Type.Number(), unreadable: Type.Number() }) } } },
    async () => vault.rewrap(),
  );

  app.get('/metrics', { preHandler: admin, schema: { tags: ['admin'], summary: 'Prometheus metrics (no personal data in any label)', security } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
