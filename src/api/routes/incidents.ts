import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { IncidentService } from '../../incidents/incidents.service.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { ID_PATTERNS } from '../../lib/ids.ts';

const Deadline = Type.Object({
  jurisdiction: Type.String(),
  kind: Type.String(),
  to: Type.String(),
  law: Type.String(),
  due: Type.String(),
  rule: Type.String(),
  met: Type.Union([Type.String(), Type.Null()]),
});
const IncidentOut = Type.Object({
  id: Type.String(),
  title: Type.String(),
  where: Type.String(),
  discoveredAt: Type.String(),
  occurredAt: Type.Union([Type.String(), Type.Null()]),
  subjects: Type.Number(),
  categories: Type.Array(Type.String()),
  jurisdictions: Type.Record(Type.String(), Type.Number()),
  highRisk: Type.Boolean(),
  deadlines: Type.Array(Deadline),
  measures: Type.String(),
  openedAt: Type.String(),
});
const Lang = Type.Object(
  { lang: Type.Union([Type.Literal('vi'), Type.Literal('en'), Type.Literal('zh')]) },
  { additionalProperties: false },
);
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Incidents, for privacy officers: open (from a trace's affected list, or by hand), deadlines, the regulator report and customer notices. */
export const incidentRoutes: FastifyPluginAsyncTypebox<{ staff: StaffService; incidents: IncidentService }> = async (
  app,
  { staff, incidents },
) => {
  const officer = requireStaff(staff, ['privacy', 'admin', 'supervisor']);
  const security = [{ staffToken: [] }];
  const Params = Type.Object({ id: Type.String() });
  app.post(
    '/v1/incidents',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary: 'Open an incident: scope, discovery time; the deadlines follow from where the affected people are',
        security,
        body: Type.Object(
          {
            title: Type.String({ minLength: 3, maxLength: 200 }),
            where: Type.String({ minLength: 1, maxLength: 200 }),
            discoveredAt: Type.Optional(Type.String()),
            occurredAt: Type.Optional(Type.String()),
            subjects: Type.Array(Type.String({ pattern: ID_PATTERNS.subject }), { minItems: 1, maxItems: 10_000_000 }),
            categories: Type.Array(Type.String({ pattern: '^[a-z]{2,20}$' })),
            measures: Type.String({ minLength: 1, maxLength: 4000 }),
            highRisk: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: IncidentOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await incidents.open(req.body, staffOf(req).actor)),
  );
  app.get(
    '/v1/incidents',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first',
        security,
        response: { 200: Type.Object({ incidents: Type.Array(IncidentOut) }) },
      },
    },
    async () => ({ incidents: await incidents.list() }),
  );
  app.get(
    '/v1/incidents/:id',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary: 'An incident and its deadlines',
        security,
        params: Params,
        response: { 200: IncidentOut, ...errors },
      },
    },
    async (req) => incidents.get(req.params.id),
  );
  app.post(
    '/v1/incidents/:id/deadlines/:index/met',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary: 'Record that a deadline was met',
        security,
        params: Type.Object({ id: Type.String(), index: Type.String({ pattern: '^[0-9]{1,3}$' }) }),
        response: { 200: IncidentOut, ...errors },
      },
    },
    async (req) => incidents.meet(req.params.id, Number(req.params.index), staffOf(req).actor),
  );
  for (const [what, make] of [
    ['report', incidents.report],
    ['notice', incidents.notice],
  ] as const) {
    app.get(
      `/v1/incidents/:id/${what}`,
      {
        preHandler: officer,
        schema: {
          tags: ['incidents'],
          summary: what === 'report' ? 'The regulator report (vi, en or zh)' : 'The customer notice (vi, en or zh)',
          security,
          params: Params,
          querystring: Lang,
        },
      },
      async (req, reply) => reply.type('text/plain; charset=utf-8').send(await make(req.params.id, req.query.lang)),
    );
  }
};

/** "Was I affected?", for customers: no key; a one-time code proves the identifier is theirs before anything is said. */
export const affectedRoutes: FastifyPluginAsyncTypebox<{
  affected: import('../../incidents/affected.service.ts').AffectedService;
}> = async (app, { affected }) => {
  app.post(
    '/v1/affected/start',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Send a one-time code to a phone number or e-mail address (the same answer for anyone)',
        body: Type.Object(
          {
            identifier: Type.String({
              minLength: 3,
              maxLength: 254,
              description: 'a phone number or e-mail address, in the body, never the URL',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ challenge: Type.String(), expiresAt: Type.String() }),
          400: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (req, reply) =>
      reply
        .status(202)
        .header('cache-control', 'no-store')
        .send(await affected.start(req.body.identifier, req.ip)),
  );
  app.post(
    '/v1/affected/verify',
    {
      schema: {
        tags: ['incidents'],
        summary: 'With the code: whether that identifier was part of an incident, which data, and what to do',
        body: Type.Object(
          { challenge: Type.String({ maxLength: 64 }), code: Type.String({ pattern: '^[0-9]{6}$' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            affected: Type.Boolean(),
            incidents: Type.Array(
              Type.Object({
                discoveredAt: Type.String(),
                categories: Type.Array(Type.String()),
                advice: Type.String(),
              }),
            ),
          }),
          400: ErrorResponse,
        },
      },
    },
    async (req, reply) =>
      reply.header('cache-control', 'no-store').send(await affected.verify(req.body.challenge, req.body.code)),
  );
};
