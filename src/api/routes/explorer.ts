import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffAuthenticator } from '../../access/staff.service.ts';
import { decodeEntry, publicEntry } from '../../audit/entry.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import { InvalidInput } from '../../lib/errors.ts';
import { requireStaffOrScope } from '../auth.ts';
import { DASHBOARD_ROLES } from './dashboard.ts';
import { ErrorResponse } from './shared.ts';
import { AuditSearchPage, AuditSearchQuery } from '../contract/explorer.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Kinds of entry only some staff roles read (a canary planting tells which customers are canaries). */
const RESTRICTED_KINDS: Readonly<Record<string, readonly string[]>> = { canary: ['admin'] };

/** Whether the caller may read entries of `kind`: `audit` API keys all, staff by their role. */
export function mayReadKind(req: FastifyRequest, kind: string): boolean {
  const roles = RESTRICTED_KINDS[kind];
  return !roles || !req.staff || roles.includes(req.staff.role);
}

/** Reads an ISO 8601 time given as a filter into the log's own form (UTC, milliseconds), or says which is wrong. */
function time(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!ISO.test(value) || Number.isNaN(t))
    throw new InvalidInput(`${path.slice(1)} is not a time: give ISO 8601, e.g. 2026-11-29T14:00:00Z`, [
      { path, problem: 'not an ISO 8601 time' },
    ]);
  return new Date(t).toISOString();
}

/**
 * The access explorer's search of the audit log, for the dashboard's staff (and `audit` keys):
 * entries by actor, customer token, purpose, device, kind and time, newest first, each with
 * its exact bytes so the browser can prove it against a signed checkpoint itself (proofs:
 * GET /v1/audit/entries/:index?size=, checkpoint and key: /log/checkpoint, /log/key).
 * Entries hold tokens, staff ids, field names and codes: no personal data in clear.
 */
export const explorerRoutes: FastifyPluginAsyncTypebox<{
  staff: StaffAuthenticator;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  audit: Pick<AuditLog, 'search'>;
}> = async (app, { staff, apiKeys, audit }) => {
  app.get(
    '/v1/audit/search',
    {
      preHandler: requireStaffOrScope(staff, DASHBOARD_ROLES, apiKeys, 'audit'),
      schema: {
        tags: ['audit'],
        summary:
          'Search the audit log: by actor, customer token, purpose, device, kind and time, newest first, with each entry’s exact bytes',
        description:
          'Newest first: by time then index when a kind is given (without a customer), else by index. A kind (with or without an actor) and a customer walk indexes in that order and stop when a page is full; an actor alone reads and sorts all its entries. Purpose and device are matched in the entry bytes of the rows the other filters leave, until a page is full: when they are rare, on a large log, they read back as far as needed (about 0.15 s per 200,000 entries on SQLite); a kind, actor, customer or time range narrows them.',
        security: [{ staffToken: [] }, { bearer: [] }],
        querystring: AuditSearchQuery,
        response: {
          200: AuditSearchPage,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const from = time(q.from, '/from');
      const to = time(q.to, '/to');
      if (from !== undefined && to !== undefined && from >= to)
        throw new InvalidInput('the time range is empty: from must be before to', [
          { path: '/to', problem: 'not after from' },
        ]);
      const limit = q.limit === undefined ? 50 : Number(q.limit);
      // Data keys matched as they are written in an entry: `"key":"value"` (canonical JSON, no spaces).
      const data: [string, string][] = [];
      if (q.purpose !== undefined) data.push(['purpose', q.purpose]);
      if (q.device !== undefined) data.push(['device', q.device]);
      const rows = await audit.search({
        actor: q.actor,
        subject: q.subject,
        kind: q.kind,
        from,
        to,
        before: q.cursor === undefined ? undefined : Number(q.cursor),
        contains: data.map(([k, v]) => Buffer.from(`${JSON.stringify(k)}:${JSON.stringify(v)}`, 'utf8')),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      // The byte match is exact for canonical entries; checked again on the decoded entry.
      // Canary plantings are for the roles that manage canaries only (admins, audit keys).
      const entries = page.filter((r) => {
        if (!mayReadKind(req, r.kind)) return false;
        const e = decodeEntry(r.body);
        return data.every(([k, v]) => e?.[k] === v);
      });
      reply.header('cache-control', 'no-store');
      return {
        entries: entries.map((r) => ({
          index: r.idx,
          at: r.at,
          kind: r.kind,
          actor: r.actor,
          subject: r.subject,
          result: r.result,
          entry: (publicEntry(r.body) ?? r.body).toString('base64'),
          stored: r.body.toString('base64'),
        })),
        next: rows.length > limit ? String(page[page.length - 1]!.idx) : null,
      };
    },
  );
};
