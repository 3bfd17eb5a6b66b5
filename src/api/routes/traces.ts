import { errorCodes } from 'fastify';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StaffService } from '../../access/staff.service.ts';
import type { InvestigationService } from '../../leaks/investigations.service.ts';
import { renderTraceHtml } from '../../leaks/report.html.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { Readable } from 'node:stream';
import { InvalidInput } from '../../lib/errors.ts';
import {
  TraceAffectedText,
  TraceDeleted,
  TraceDetail,
  TraceIncident,
  TraceIncidentBody,
  TraceInvestigation,
  TraceInvestigationList,
  TraceParams,
  TraceReportHtml,
  TraceUploadQuery,
} from '../contract/traces.ts';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
};

/**
 * Leak investigations, for investigators, analysts, privacy officers and admins: upload a
 * leaked file (the raw bytes as the body), watch its trace's progress, read the report as JSON
 * or HTML, open an incident from it.
 */
export const traceRoutes: FastifyPluginAsyncTypebox<{
  staff: StaffService;
  investigations: InvestigationService;
  maxBytes: number;
}> = async (app, { staff, investigations, maxBytes }) => {
  const investigator = requireStaff(staff, ['investigator', 'analyst', 'privacy', 'admin', 'supervisor']);
  const officer = requireStaff(staff, ['privacy', 'admin', 'supervisor']);
  const security = [{ staffToken: [] }];
  // The upload is the only route that takes a large body, in a context of its own: whatever
  // its content type (JSON and text too), the body is the file, handed on as a stream to be
  // written to disk (never buffered or parsed here), and only once the investigator is
  // authenticated (on request, before the body: see auth.ts). Its size is counted as it
  // streams; a declared length over the limit is refused before a byte is read.
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', { bodyLimit: maxBytes }, (req, payload, done) => {
      if (Number(req.headers['content-length'] ?? 0) > maxBytes)
        return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
      done(null, payload);
    });
    upload.withTypeProvider<TypeBoxTypeProvider>().post(
      '/v1/traces',
      {
        onRequest: investigator,
        bodyLimit: maxBytes,
        schema: {
          tags: ['leaks'],
          summary:
            'Upload a leaked file to trace (CSV/TSV, NDJSON, JSON, SQL dump, XLSX): its bytes are the body; 202, then follow its progress',
          security,
          querystring: TraceUploadQuery,
          response: { 202: TraceInvestigation, ...errors },
        },
      },
      async (req, reply) => {
        // No body at all reaches no parser: there is no stream to read (it used to wait forever).
        if (!(req.body instanceof Readable))
          throw new InvalidInput('the upload is empty', [{ path: '/body', problem: 'empty file' }]);
        return reply.status(202).send(
          await investigations.receive(req.body, {
            name: req.query.name,
            actor: staffOf(req).actor,
            declared: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']),
          }),
        );
      },
    );
  });
  app.get(
    '/v1/traces',
    {
      preHandler: investigator,
      schema: {
        tags: ['leaks'],
        summary: 'Leak investigations, newest first',
        security,
        response: { 200: TraceInvestigationList, ...errors },
      },
    },
    async () => ({
      investigations: await investigations.list(),
    }),
  );
  app.get(
    '/v1/traces/:id',
    {
      preHandler: investigator,
      schema: {
        tags: ['leaks'],
        summary:
          'An investigation: its progress, and once traced its report (columns, rows, the first 1,000 affected tokens and their count, categories, canaries, ranked sources with evidence)',
        security,
        params: TraceParams,
        response: { 200: TraceDetail, ...errors },
      },
    },
    async (req) => investigations.get(req.params.id),
  );
  app.get(
    '/v1/traces/:id/affected',
    {
      preHandler: investigator,
      schema: {
        tags: ['leaks'],
        summary: 'Every affected customer (vault tokens), one per line',
        security,
        params: TraceParams,
        response: { 200: TraceAffectedText, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send((await investigations.report(req.params.id)).report.affected.join('\n') + '\n'),
  );
  app.get(
    '/v1/traces/:id/report.html',
    {
      preHandler: investigator,
      schema: {
        tags: ['leaks'],
        summary: 'The report as a readable, self-contained HTML page',
        security,
        params: TraceParams,
        response: { 200: TraceReportHtml, ...errors },
      },
    },
    async (req, reply) => {
      const { investigation, report } = await investigations.report(req.params.id);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(
          renderTraceHtml(report, {
            name: investigation.name,
            sha256: investigation.sha256,
            tracedAt: investigation.finishedAt ?? investigation.uploadedAt,
          }),
        );
    },
  );
  app.post(
    '/v1/traces/:id/incident',
    {
      preHandler: officer,
      schema: {
        tags: ['leaks'],
        summary:
          'Open an incident from a traced file: its affected customers and data categories; discovered when the file was uploaded unless said',
        security,
        params: TraceParams,
        body: TraceIncidentBody,
        response: { 201: TraceIncident, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await investigations.openIncident(req.params.id, req.body, staffOf(req).actor)),
  );
  app.delete(
    '/v1/traces/:id',
    {
      preHandler: officer,
      schema: {
        tags: ['leaks'],
        summary: 'Delete an uploaded file (the evidence) and its report',
        security,
        params: TraceParams,
        response: { 204: TraceDeleted, ...errors },
      },
    },
    async (req, reply) => {
      await investigations.remove(req.params.id);
      return reply.status(204).send(null);
    },
  );
};
