import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffAuthenticator } from '../../access/staff.service.ts';
import type { PolicySetInfo } from '../../access/policy.service.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import type { ReportService } from '../../audit/report.service.ts';
import { parseTilePath } from '../../audit/tiles.fns.ts';
import { leafHash } from '../../audit/merkle.ts';
import { NotFound, Unauthorized } from '../../lib/errors.ts';
import { actorOf, requireScope, requireStaffOrScope } from '../auth.ts';
import { DASHBOARD_ROLES } from './dashboard.ts';
import { ErrorResponse } from './shared.ts';
import { mayReadKind } from './explorer.ts';
import { decodeEntry } from '../../audit/entry.ts';
import {
  AccessReport,
  AccessReportParams,
  AccessReportToken,
  AuditEntry,
  AuditEntryParams,
  AuditEntryQuery,
  ConsistencyProof,
  ConsistencyProofQuery,
  InclusionProof,
  InclusionProofQuery,
  PolicyInfo,
} from '../contract/audit.ts';

const b64 = (h: Buffer) => h.toString('base64');

export type AuditRoutesDeps = {
  apiKeys: Pick<ApiKeyService, 'verify'>;
  /** Dashboard staff read entries and their proofs too (the access explorer). */
  staff: StaffAuthenticator;
  audit: AuditLog;
  reports: ReportService;
  policies: { info(): PolicySetInfo; reload(actor: string): Promise<PolicySetInfo> };
};

/**
 * The audit log, read-only: the c2sp.org/tlog-tiles view under /log/ (checkpoint and hash
 * tiles public, so witnesses can follow; entry bundles need an `audit` key, since entries
 * hold customer tokens and staff ids), proofs, the customers' access reports, and policies.
 * Entries are served in their public form (entry.ts); staff reading one entry get its stored
 * form too, which opens its commitments.
 */
export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesDeps> = async (
  app,
  { apiKeys, staff, audit, reports, policies },
) => {
  const auditor = requireScope(apiKeys, 'audit');
  const reader = requireStaffOrScope(staff, DASHBOARD_ROLES, apiKeys, 'audit');
  const admin = requireScope(apiKeys, 'admin');
  const platform = requireScope(apiKeys, 'platform');
  const key = [{ bearer: [] }];

  app.get(
    '/log/checkpoint',
    { schema: { tags: ['audit'], summary: 'The latest signed checkpoint (c2sp.org/tlog-checkpoint)' } },
    async (_req, reply) => {
      const cp = await audit.latest();
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(cp.note);
    },
  );
  app.get(
    '/log/key',
    { schema: { tags: ['audit'], summary: "The verifier key of the log's checkpoints (c2sp.org/signed-note)" } },
    async (_req, reply) => reply.type('text/plain; charset=utf-8').send(`${audit.verifierKey}\n`),
  );
  app.get(
    '/log/tile/*',
    {
      schema: { tags: ['audit'], summary: 'Hash tiles (public) and entry bundles (audit key) per c2sp.org/tlog-tiles' },
    },
    async (req, reply) => {
      const ref = parseTilePath((req.params as { '*': string })['*']);
      if (!ref) throw new NotFound('not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]');
      let body: Buffer | undefined;
      if (ref.level === 'entries') {
        await auditor(req, reply);
        body = await audit.entries(ref.index, ref.width);
      } else body = await audit.tile(ref.level, ref.index, ref.width);
      if (!body) throw new NotFound('this tile does not exist (yet) at this width');
      // A tile of a given width never changes (a wider one has another path).
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(body);
    },
  );

  app.get(
    '/v1/audit/entries/:index',
    {
      preHandler: reader,
      schema: {
        tags: ['audit'],
        summary:
          'One log entry and its inclusion proof against the latest checkpoint (or the tree of `size`: the checkpoint a verifier holds)',
        security: [...key, { staffToken: [] }],
        params: AuditEntryParams,
        querystring: AuditEntryQuery,
        response: {
          200: AuditEntry,
          400: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req) => {
      const p = await audit.inclusion(
        Number(req.params.index),
        req.query.size === undefined ? undefined : Number(req.query.size),
      );
      if (!mayReadKind(req, decodeEntry(p.stored)?.kind ?? ''))
        throw new NotFound(`entry ${p.index} is not in the log`);
      return { index: p.index, size: p.size, entry: b64(p.entry), stored: b64(p.stored), proof: p.proof.map(b64) };
    },
  );
  app.get(
    '/v1/audit/proofs/inclusion',
    {
      preHandler: reader,
      schema: {
        tags: ['audit'],
        summary: 'Inclusion proof of an entry in the tree of a given size',
        security: [...key, { staffToken: [] }],
        querystring: InclusionProofQuery,
        response: {
          200: InclusionProof,
          400: ErrorResponse,
        },
      },
    },
    async (req) => {
      const p = await audit.inclusion(
        Number(req.query.index),
        req.query.size === undefined ? undefined : Number(req.query.size),
      );
      return { index: p.index, size: p.size, leafHash: b64(leafHash(p.entry)), proof: p.proof.map(b64) };
    },
  );
  app.get(
    '/v1/audit/proofs/consistency',
    {
      preHandler: auditor,
      schema: {
        tags: ['audit'],
        summary: 'Consistency proof between two sizes of the log',
        security: key,
        querystring: ConsistencyProofQuery,
        response: { 200: ConsistencyProof, 400: ErrorResponse },
      },
    },
    async (req) => {
      const p = await audit.consistency(Number(req.query.from), Number(req.query.to));
      return { from: p.from, to: p.to, proof: p.proof.map(b64) };
    },
  );

  app.get(
    '/v1/policies',
    {
      preHandler: admin,
      schema: { tags: ['audit'], summary: 'The policies in force', security: key, response: { 200: PolicyInfo } },
    },
    async () => policies.info(),
  );
  app.post(
    '/v1/policies/reload',
    // An admin API key, or an admin signed in to the dashboard (the policies page).
    {
      preHandler: requireStaffOrScope(staff, ['admin'], apiKeys, 'admin'),
      schema: {
        tags: ['audit'],
        summary: 'Reload the policy files: a broken file is refused with its errors and the policies in force stay',
        security: [...key, { staffToken: [] }],
        response: { 200: PolicyInfo, 400: ErrorResponse },
      },
    },
    async (req) => policies.reload(actorOf(req).actor),
  );

  app.post(
    '/v1/subjects/:token/report-tokens',
    {
      preHandler: platform,
      schema: {
        tags: ['subjects'],
        summary: "Issue a short-lived customer token that opens this customer's access report",
        security: key,
        params: AccessReportParams,
        response: { 201: AccessReportToken, 404: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await reports.issueToken(req.params.token)),
  );
  app.get(
    '/v1/subjects/:token/access-report',
    {
      schema: {
        tags: ['subjects'],
        summary:
          'For the customer: every access to their data (when, which role, which field, why: reveals, and leak traces that matched them), each with an inclusion proof against the signed checkpoint',
        description:
          'Each entry is given in its public form: the role, field and purpose in clear, the staff member, device or key and any ticket or other internal reference only as a salted commitment that the customer cannot open. Entries written before salts name the staff member: for those only the leaf hash is given.',
        security: [{ customerToken: [] }],
        params: AccessReportParams,
        response: {
          200: AccessReport,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req, reply) => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m) throw new Unauthorized('send the customer token as "Authorization: Bearer cct.…"');
      reports.check(req.params.token, m[1]!);
      reply.header('cache-control', 'no-store');
      return reports.report(req.params.token);
    },
  );
};
