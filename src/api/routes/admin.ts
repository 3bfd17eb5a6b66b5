import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffService } from '../../access/staff.service.ts';
import type { VaultService } from '../../vault/vault.service.ts';
import type { Metrics } from '../metrics.ts';
import { actorOf, requireScope } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import {
  ApiKeyList,
  ApiKeyParams,
  ApiKeyRotateQuery,
  ApiKeyWithSecret,
  KeyEncryptionStatus,
  NewApiKey,
  RewrapResult,
  StaffTokenIssued,
  StaffTokenParams,
} from '../contract/admin.ts';

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
        body: NewApiKey,
        response: { 201: ApiKeyWithSecret, 400: ErrorResponse },
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
        response: { 200: ApiKeyList },
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
        params: ApiKeyParams,
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
        params: ApiKeyParams,
        querystring: ApiKeyRotateQuery,
        response: {
          200: ApiKeyWithSecret,
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

  app.post(
    '/v1/staff/:id/token',
    {
      preHandler: admin,
      schema: {
        tags: ['staff'],
        summary:
          'Issue a staff member a fresh sign-in token (shown once; CLOAK_STAFF_TOKEN_HOURS long): the old one stops working at once',
        security,
        params: StaffTokenParams,
        response: {
          201: StaffTokenIssued,
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
        params: StaffTokenParams,
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
        response: { 200: KeyEncryptionStatus },
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
        response: { 200: RewrapResult },
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
