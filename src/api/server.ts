import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { randomId } from '../lib/crypto.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { App } from '../app.ts';
import { errorHandler, type ErrorBody } from './errors.ts';
import { isAuthenticator, requireSignedRequest } from './auth.ts';
import { InvalidInput } from '../lib/errors.ts';
import { createMetrics } from './metrics.ts';
import { adminRoutes } from './routes/admin.ts';
import { accessRoutes } from './routes/access.ts';
import { auditRoutes } from './routes/audit.ts';
import { explorerRoutes } from './routes/explorer.ts';
import { caseRoutes } from './routes/cases.ts';
import { triageRoutes } from './routes/triage.ts';
import { affectedRoutes, incidentRoutes } from './routes/incidents.ts';
import { traceRoutes } from './routes/traces.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { operationsRoutes } from './routes/operations.ts';
import { dashboardWeb, DOCS_HEADERS } from './web.ts';
import { deviceRoutes } from './routes/devices.ts';
import { parcelRoutes } from './routes/parcels.ts';
import { subjectRoutes } from './routes/subjects.ts';
import { canaryRoutes } from './routes/canaries.ts';
import { telephonyRoutes } from './routes/telephony.ts';

/**
 * The HTTP API: a thin shell over the services. OpenAPI 3.1 at /docs/json, Swagger UI at
 * /docs. Every endpoint but /health (and the docs) needs a bearer API key.
 * @example const api = await buildApi(app); await api.listen({ port: 8080 });
 */
export async function buildApi(
  app: Pick<
    App,
    | 'vault'
    | 'apiKeys'
    | 'devices'
    | 'waybill'
    | 'contact'
    | 'clock'
    | 'log'
    | 'store'
    | 'config'
    | 'staff'
    | 'explanations'
    | 'reviews'
    | 'reveals'
    | 'exports'
    | 'audit'
    | 'reports'
    | 'policy'
    | 'reloadPolicies'
    | 'cases'
    | 'entities'
    | 'incidents'
    | 'affected'
    | 'canaries'
    | 'teamCanaries'
    | 'canaryCalls'
    | 'investigations'
    | 'notices'
  >,
) {
  const metrics = createMetrics();
  // Only the method, the route pattern and the id of a request are logged: not its URL (a
  // client may put a phone number in a path by mistake), headers or body. Lookups send
  // values in the body precisely to keep them out of URLs.
  const reqSerializer = (r: { method: string; id: string; routeOptions?: { url?: string } }) => ({
    method: r.method,
    route: r.routeOptions?.url ?? 'unmatched',
    id: r.id,
  });
  const log = app.log.child({}, { serializers: { req: reqSerializer } });
  const api = Fastify({
    loggerInstance: log,
    // Small by default: only the trace upload takes more, streamed to disk (routes/traces.ts).
    bodyLimit: app.config.bodyMaxBytes,
    genReqId: () => randomId('req').slice(0, 16),
    // The client's address (per-client limits) is taken from X-Forwarded-For only when the
    // request comes through one of the configured proxies; anyone else's header is ignored.
    trustProxy: app.config.trustedProxies.length > 0 ? [...app.config.trustedProxies] : false,
    // Strict: an unknown property or a number where a string belongs is an error, not
    // something silently dropped or converted; and every problem is reported at once.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // A malformed %-escape or an over-long path parameter is refused by the router before any
    // route: answered in the same closed shape, never with the path quoted back.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
  }).withTypeProvider<TypeBoxTypeProvider>();
  api.setErrorHandler(errorHandler);
  // JSON bodies are kept as received too: a device's signature covers their digest.
  const parseJson = api.getDefaultJsonParser('error', 'error');
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    parseJson(req, body as Buffer & string, done);
  });
  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `no such route for ${req.method}; the API is described at /docs`,
        details: [],
        requestId: req.id,
      },
    } satisfies ErrorBody);
  api.setNotFoundHandler(notFound);

  // Nothing is read before it is allowed. A route's authenticator (src/api/auth.ts) runs on
  // request, before the body is parsed: one written as a preHandler is moved to onRequest
  // here; device-gateway routes (security httpSignature) get their signature verified there
  // too (it covers the Content-Digest header; the body is checked against it once read); and
  // a route that declares security and takes a body without an authenticator stops the start.
  // An unknown route is answered 404 before its body too. Only the routes the OpenAPI
  // document shows without security read a body unauthenticated, within bodyMaxBytes.
  const signedRequest = requireSignedRequest(app.devices.keyOf);
  const publicBodyMs = app.config.publicBodySeconds * 1000;
  const bodyDeadline = async (req: FastifyRequest, reply: FastifyReply) => {
    const timer = setTimeout(() => {
      if (req.raw.complete || reply.sent) return;
      void reply
        .code(408)
        .header('connection', 'close')
        .send({
          error: {
            code: 'request_timeout',
            message: `the request body did not arrive within ${app.config.publicBodySeconds} s; send it whole, at once`,
            details: [],
            requestId: req.id,
          },
        } satisfies ErrorBody);
    }, publicBodyMs);
    timer.unref();
    req.raw.once('end', () => clearTimeout(timer));
    reply.raw.once('close', () => clearTimeout(timer));
  };
  api.addHook('onRoute', (route) => {
    const pre = [route.preHandler ?? []].flat();
    const onRequest = [route.onRequest ?? []].flat();
    const security = (route.schema as { security?: Record<string, unknown>[] } | undefined)?.security ?? [];
    const auth = pre.filter(isAuthenticator);
    if (security.some((s) => 'httpSignature' in s) && !onRequest.includes(signedRequest)) auth.unshift(signedRequest);
    if (auth.length > 0) {
      route.preHandler = pre.filter((h) => !isAuthenticator(h));
      route.onRequest = [...auth, ...onRequest];
    }
    const takesBody = [route.method].flat().some((m) => m !== 'GET' && m !== 'HEAD');
    // Open to anyone, so the body is read unauthenticated: it must arrive whole within
    // CLOAK_PUBLIC_BODY_SECONDS, or a caller dribbling bytes would hold the connection forever.
    if (takesBody && security.length === 0) route.onRequest = [bodyDeadline, ...[route.onRequest ?? []].flat()];
    if (takesBody && security.length > 0 && ![route.onRequest ?? []].flat().some(isAuthenticator)) {
      throw new Error(
        `${String(route.method)} ${route.url} declares security but would read its body before authenticating: give it an authenticator from src/api/auth.ts`,
      );
    }
  });
  api.addHook('onRequest', async (req, reply) => {
    if (req.is404) return notFound(req, reply);
  });
  // A request answered before its body was read (refused, unknown, too large) does not get
  // to send the rest: the connection is closed after the answer instead of drained.
  api.addHook('onSend', async (req, reply) => {
    if (!req.raw.complete) reply.header('connection', 'close');
  });
  // PostgreSQL's text cannot hold U+0000 (SQLite's can): a NUL anywhere in the path, the query
  // or a JSON body is refused here, the same on both databases, instead of failing deep in a
  // query as a 500 (after the route's checks, before its handler; an upload's bytes are not parsed).
  api.addHook('preValidation', async (req) => {
    const where = (
      [
        ['params', req.params],
        ['querystring', req.query],
        ['body', req.body],
      ] as const
    ).find(([, v]) => holdsNul(v))?.[0];
    if (where)
      throw new InvalidInput(`the request's ${where} holds the NUL character (U+0000), which no field accepts`, [
        { path: `/${where}`, problem: 'contains U+0000' },
      ]);
  });
  api.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  await api.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cloak API',
        version: '0.1.0',
        description:
          'Customers’ personal data, encrypted per field, handed out as tokens and masks. Authorize with the admin API key printed at first start (Bearer ck_…).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key: ck_key_…_…' },
          staffToken: { type: 'http', scheme: 'bearer', description: 'A staff sign-in token: cst.<staff id>.<secret>' },
          customerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'A short-lived customer token issued by the platform: cct.<expiry>.<mac>',
          },
          httpSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'Signature',
            description:
              'RFC 9421 Ed25519 signature over @method, @path, @query and content-digest, with created, nonce and keyid (the device id)',
          },
        },
      },
      tags: [
        { name: 'subjects', description: 'Customers, recipients, reviewers: create, read masked, look up, erase' },
        { name: 'admin', description: 'API keys, key rotation status, metrics' },
        { name: 'parcels', description: 'Parcels between stations, for vault tokens' },
        { name: 'devices', description: 'Stations, enrollment, device registry, quarantine' },
        { name: 'device gateway', description: 'Requests signed by enrolled devices' },
        {
          name: 'staff',
          description: 'Staff members, and the tickets, moderation cases and assignments that explain their access',
        },
        { name: 'reveal', description: 'Showing a field in clear by policy; just-in-time grants; break-glass review' },
        { name: 'reviews', description: 'Reviews and their moderation' },
        { name: 'exports', description: 'Two-person bulk exports, written by Cloak' },
        { name: 'detection', description: 'Cases opened by detection, their evidence and automatic responses' },
        {
          name: 'leaks',
          description:
            'Canary customers planted per channel (exports, scanners, staff teams), to catch and trace whoever touches or leaks them',
        },
        {
          name: 'telephony',
          description: 'Webhooks of the telephony provider: inbound calls (a call to a canary’s number is an alert)',
        },
        { name: 'incidents', description: 'Breaches: scope, legal deadlines, regulator report and customer notices' },
        { name: 'audit', description: 'The tamper-evident log: checkpoints, tiles, proofs; policies' },
        { name: 'health', description: 'Liveness' },
      ],
    },
  });
  await api.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
  // Swagger UI is on the dashboard's origin: every answer under /docs (page, assets, the
  // document, its 404s) carries a strict CSP, no framing and no sniffing.
  api.addHook('onSend', async (req, reply) => {
    if (req.url === '/docs' || req.url.startsWith('/docs/') || req.url.startsWith('/docs?'))
      reply.headers(DOCS_HEADERS);
  });

  api.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Is Cloak up, and on which database',
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' as const, database: app.store.dialect }),
  );
  await api.register(subjectRoutes, {
    vault: app.vault,
    apiKeys: app.apiKeys,
    audit: app.audit,
    metrics,
    maxBatch: app.config.maxBatch,
  });
  await api.register(adminRoutes, { vault: app.vault, apiKeys: app.apiKeys, metrics, staff: app.staff });
  await api.register(deviceRoutes, {
    devices: app.devices,
    waybill: app.waybill,
    contact: app.contact,
    apiKeys: app.apiKeys,
    clock: app.clock,
    maxSkewSeconds: app.config.deviceMaxSkewSeconds,
    staff: app.staff,
    audit: app.audit,
  });
  await api.register(accessRoutes, {
    apiKeys: app.apiKeys,
    staff: app.staff,
    explanations: app.explanations,
    reviews: app.reviews,
    reveals: app.reveals,
    exports: app.exports,
  });
  await api.register(auditRoutes, {
    apiKeys: app.apiKeys,
    staff: app.staff,
    audit: app.audit,
    reports: app.reports,
    policies: { info: () => app.policy.info(), reload: (actor) => app.reloadPolicies(actor) },
  });
  await api.register(explorerRoutes, { staff: app.staff, apiKeys: app.apiKeys, audit: app.audit });
  await api.register(caseRoutes, { staff: app.staff, cases: app.cases });
  await api.register(triageRoutes, {
    staff: app.staff,
    cases: app.cases,
    entities: app.entities,
    incidents: app.incidents,
    waybill: app.waybill,
  });
  await api.register(incidentRoutes, { staff: app.staff, incidents: app.incidents });
  await api.register(affectedRoutes, { affected: app.affected });
  await api.register(parcelRoutes, { waybill: app.waybill, contact: app.contact, apiKeys: app.apiKeys });
  await api.register(canaryRoutes, {
    apiKeys: app.apiKeys,
    staff: app.staff,
    canaries: app.canaries,
    teamCanaries: app.teamCanaries,
  });
  await api.register(telephonyRoutes, { apiKeys: app.apiKeys, canaryCalls: app.canaryCalls });
  await api.register(traceRoutes, {
    staff: app.staff,
    investigations: app.investigations,
    maxBytes: app.config.traceMaxBytes,
  });
  await api.register(operationsRoutes, {
    staff: app.staff,
    notices: app.notices,
    policy: app.policy,
    reveals: app.reveals,
    audit: app.audit,
  });
  await api.register(dashboardRoutes, {
    staff: app.staff,
    audit: app.audit,
    cases: app.cases,
    devices: app.devices,
    incidents: app.incidents,
    clock: app.clock,
  });
  await api.register(dashboardWeb);
  return api;
}

/** Whether a parsed value (params, query, JSON body; not an upload's stream) holds U+0000 in a string or a key; walked without recursion, however deep it nests. */
function holdsNul(value: unknown): boolean {
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) todo.push(x);
    } else if (
      v !== null &&
      typeof v === 'object' &&
      typeof (v as { pipe?: unknown }).pipe !== 'function' &&
      !ArrayBuffer.isView(v)
    ) {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        todo.push(x);
      }
    }
  }
  return false;
}
