import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { VaultService } from '../../vault/vault.service.ts';
import type { Metrics } from '../metrics.ts';
import { actorOf, requireScope } from '../auth.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import { ErrorResponse } from './shared.ts';
import { ID_PATTERNS } from '../../lib/ids.ts';

const Token = Type.String({
  pattern: ID_PATTERNS.subject,
  description: 'A subject token, as returned at creation',
  examples: ['sub_k3vd56ybwkez2qs5bs3dbizuky'],
});
const Address = Type.Union([
  Type.String({
    description: 'One line, most specific part first: "12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh"',
  }),
  Type.Object(
    {
      street: Type.Optional(Type.String()),
      ward: Type.Optional(Type.String()),
      district: Type.Optional(Type.String()),
      province: Type.String(),
      country: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
]);
const Fields = Type.Object(
  {
    name: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    address: Type.Optional(Address),
  },
  {
    additionalProperties: Type.String(),
    description:
      'Typed fields name, phone, email, address; any other lower-case name is a free-form text field. Values are encrypted; only masks come back.',
    examples: [
      {
        name: 'Nguyễn Văn An',
        phone: '0912 345 678',
        email: 'an.nguyen@example.vn',
        address: '12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh',
      },
    ],
  },
);
const SubjectIn = Type.Object(
  {
    kind: Type.Optional(
      Type.String({ description: 'customer (default), recipient, reviewer, …', examples: ['customer'] }),
    ),
    externalId: Type.Optional(
      Type.String({
        description: "The platform's own id: creating the same kind and externalId again returns the existing subject",
      }),
    ),
    fields: Fields,
  },
  { additionalProperties: false },
);
const Masks = Type.Record(Type.String(), Type.String(), {
  description: 'Masked values, by field',
  examples: [{ name: 'N. V. A.', phone: '+84 ••••••678' }],
});
const Created = Type.Object({
  token: Type.String(),
  created: Type.Boolean(),
  externalId: Type.Union([Type.String(), Type.Null()]),
  fields: Masks,
});
const Masked = Type.Object({
  token: Type.String(),
  kind: Type.String(),
  externalId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  fields: Masks,
});
const LookupIn = Type.Object(
  {
    field: Type.Union([Type.Literal('name'), Type.Literal('phone'), Type.Literal('email')]),
    value: Type.String({ description: 'Sent in the body, never in the URL, so it stays out of access logs' }),
    exact: Type.Optional(
      Type.Boolean({ description: 'names only: match case-insensitively but with diacritics (default: without)' }),
    ),
    region: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description: 'phones only: region for numbers without a country code (default: the server setting)',
      }),
    ),
  },
  { additionalProperties: false },
);

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
        body: SubjectIn,
        response: { 200: Created, 201: Created, 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const [r] = await vault.createSubjects([req.body as Static<typeof SubjectIn>], () => '');
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
        body: Type.Object(
          { subjects: Type.Array(SubjectIn, { minItems: 1, maxItems: maxBatch }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ results: Type.Array(Created) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const results = await vault.createSubjects(req.body.subjects as Static<typeof SubjectIn>[]);
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
        body: LookupIn,
        response: { 200: Type.Object({ tokens: Type.Array(Type.String()) }), 400: ErrorResponse },
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
        params: Type.Object({ token: Token }),
        response: { 200: Masked, 404: ErrorResponse },
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
        params: Type.Object({ token: Token }),
        response: { 200: Type.Object({ token: Type.String(), erasedAt: Type.String() }), 404: ErrorResponse },
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
