import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasScope, type ApiKeyService, type Principal, type Scope } from '../access/apikey.service.ts';
import { Forbidden, Unauthorized } from '../lib/errors.ts';
import type { StaffAuthenticator, StaffPrincipal } from '../access/staff.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    staff?: StaffPrincipal;
  }
}

/**
 * A preHandler that signs a staff member in from their bearer token (`cst.…`), optionally
 * requiring one of `roles`.
 * @example app.post('/v1/reveal', { preHandler: requireStaff(staff) }, handler)
 */
export function requireStaff(auth: StaffAuthenticator, roles?: readonly string[]) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) throw new Unauthorized('send a staff token as "Authorization: Bearer cst.…"');
    const s = await auth.authenticate(m[1]!);
    if (roles && !roles.includes(s.role)) throw new Forbidden(`this needs one of the roles ${roles.join(', ')}`);
    req.staff = s;
  };
}

/** The signed-in staff member (after requireStaff). */
export function staffOf(req: FastifyRequest): StaffPrincipal {
  if (!req.staff) throw new Unauthorized('no staff member is signed in');
  return req.staff;
}

/**
 * A preHandler that checks the bearer API key and its scope.
 * @example app.get('/v1/x', { preHandler: requireScope(apiKeys, 'platform') }, handler)
 */
export function requireScope(apiKeys: Pick<ApiKeyService, 'verify'>, scope: Scope) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) throw new Unauthorized('send an API key as "Authorization: Bearer ck_…"');
    const p = await apiKeys.verify(m[1]!);
    if (!hasScope(p, scope)) throw new Forbidden(`this API key lacks the "${scope}" scope`);
    req.principal = p;
  };
}

/**
 * A preHandler for operators' endpoints open to both: a staff token (`cst.…`) of one of
 * `roles`, or an API key holding `scope`.
 * @example app.post('/v1/canaries', { preHandler: requireStaffOrScope(staff, ['admin'], apiKeys, 'admin') }, handler)
 */
export function requireStaffOrScope(auth: StaffAuthenticator, roles: readonly string[], apiKeys: Pick<ApiKeyService, 'verify'>, scope: Scope) {
  const asStaff = requireStaff(auth, roles);
  const asKey = requireScope(apiKeys, scope);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization;
    return typeof h === 'string' && /^Bearer\s+cst\./i.test(h) ? asStaff(req, reply) : asKey(req, reply);
  };
}

/** The actor of the current request, for events (`service:key_…`, or `staff:…` after requireStaffOrScope). */
export function actorOf(req: FastifyRequest): { actor: string } {
  return { actor: req.principal?.actor ?? req.staff?.actor ?? 'anonymous' };
}
