import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { IncidentService } from '../../incidents/incidents.service.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import {
  AffectedAnswer,
  AffectedChallenge,
  AffectedStartBody,
  AffectedVerifyBody,
  Incident,
  IncidentDeadlineParams,
  IncidentLangQuery,
  IncidentList,
  IncidentOpenBody,
  IncidentParams,
} from '../contract/incidents.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Incidents, for privacy officers: open (from a trace's affected list, or by hand), deadlines, the regulator report and customer notices. */
export const incidentRoutes: FastifyPluginAsyncTypebox<{ staff: StaffService; incidents: IncidentService }> = async (
  app,
  { staff, incidents },
) => {
  const officer = requireStaff(staff, ['privacy', 'admin', 'supervisor']);
  const security = [{ staffToken: [] }];
  app.post(
    '/v1/incidents',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary: 'Open an incident: scope, discovery time; the deadlines follow from where the affected people are',
        security,
        body: IncidentOpenBody,
        response: { 201: Incident, ...errors },
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
        response: { 200: IncidentList },
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
        params: IncidentParams,
        response: { 200: Incident, ...errors },
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
        params: IncidentDeadlineParams,
        response: { 200: Incident, ...errors, 409: ErrorResponse },
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
          params: IncidentParams,
          querystring: IncidentLangQuery,
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
        body: AffectedStartBody,
        response: {
          202: AffectedChallenge,
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
        body: AffectedVerifyBody,
        response: {
          200: AffectedAnswer,
          400: ErrorResponse,
        },
      },
    },
    async (req, reply) =>
      reply.header('cache-control', 'no-store').send(await affected.verify(req.body.challenge, req.body.code)),
  );
};
