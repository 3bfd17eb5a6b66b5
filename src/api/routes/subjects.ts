import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { VaultService } from '../../vault/vault.service.ts';
import type { Metrics } from '../metrics.ts';
import { actorOf, requireScope } from '../auth.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import { ErrorResponse } from './shared.ts';
import {
  SubjectBatch,
  SubjectBatchResult,
  SubjectCreate,
  SubjectCreated,
  SubjectErased,
  SubjectLookup,
  SubjectLookupResult,
  SubjectMasked,
  SubjectParams,
} from '../contract/subjects.ts';

export type SubjectRoutesDeps = {
  vault: Pick<VaultService, 'createSubjects' | 'lookup' | 'getMasked' | 'erase'>;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  audit: Pick<AuditLog, 'append'>;
  metrics: Metrics;
  maxBatch: number;
};

/** Subjects: create (one, batch), read masked, look up by blind index, erase. */
export const subjectRoutes: FastifyPluginAsyncTypebox<SubjectRoutesDeps> = async (
  app,
  { vault, apiKeys, audit, metrics, maxBatch },
) => {
  const platform = requireScope(apiKeys, 'platform');
  const security = [{ bearer: [] }];

  app.post(
    '/v1/subjects',
    {
      preHandler: platform,
      schema: {
        tags: ['subjects'],
        summary: 'Create a subject',
        security,
        body: SubjectCreate,
        response: { 200: SubjectCreated, 201: SubjectCreated, 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const [r] = await vault.createSubjects([req.body as SubjectCreate], () => '');
      if (r!.created) metrics.subjectsCreated.inc();
      return reply.status(r!.created ? 201 : 200).send(r!);
    },
  );

  app.post(
    '/v1/subjects/batch',
    {
      preHandler: platform,
      schema: {
        tags: ['subjects'],
        summary: `Create up to ${maxBatch} subjects, all or none`,
        description:
          'If any item is bad nothing is stored and every problem is listed by its path (/subjects/3/fields/phone).',
        security,
        body: SubjectBatch(maxBatch),
        response: { 200: SubjectBatchResult, 400: ErrorResponse },
      },
    },
    async (req) => {
      const results = await vault.createSubjects(req.body.subjects as SubjectCreate[]);
      metrics.subjectsCreated.inc(results.filter((r) => r.created).length);
      return { results };
    },
  );

  app.post(
    '/v1/subjects/lookup',
    {
      preHandler: platform,
      schema: {
        tags: ['subjects'],
        summary: 'Find subjects by name, phone or e-mail (tokens only)',
        security,
        body: SubjectLookup,
        response: { 200: SubjectLookupResult, 400: ErrorResponse },
      },
    },
    async (req) => {
      const { field, value, exact, region } = req.body;
      const tokens = await vault.lookup(field, value, { exact, region: region as never }, actorOf(req));
      metrics.lookups.inc({ field });
      return { tokens };
    },
  );

  app.get(
    '/v1/subjects/:token',
    {
      preHandler: platform,
      schema: {
        tags: ['subjects'],
        summary: 'Read a subject, masked',
        security,
        params: SubjectParams,
        response: { 200: SubjectMasked, 404: ErrorResponse },
      },
    },
    async (req) => vault.getMasked(req.params.token, actorOf(req)),
  );

  app.delete(
    '/v1/subjects/:token',
    {
      preHandler: requireScope(apiKeys, 'erase'),
      schema: {
        tags: ['subjects'],
        summary: 'Erase a subject (crypto-shredding: its data key is destroyed)',
        security,
        params: SubjectParams,
        response: { 200: SubjectErased, 404: ErrorResponse },
      },
    },
    async (req) => {
      const r = await vault.erase(req.params.token);
      // Who erased whom, and when, in the tamper-evident log (the token stays; the data is gone).
      // Appended after the erase commits: a crash between the two leaves the erase unlogged,
      // and the caller, who had no answer, asks again (an erase repeats harmlessly and logs then).
      await audit.append([
        { kind: 'erase', actor: actorOf(req).actor, subject: r.token, result: 'ok', data: { erasedAt: r.erasedAt } },
      ]);
      metrics.erasures.inc();
      return r;
    },
  );
};
