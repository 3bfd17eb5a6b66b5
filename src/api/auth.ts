import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasScope, type ApiKeyService, type Principal, type Scope } from '../access/apikey.service.ts';
import { Forbidden, Unauthorized } from '../lib/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
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

/** The actor of the current request, for events (`service:key_…`). */
export function actorOf(req: FastifyRequest): { actor: string } {
  return { actor: req.principal?.actor ?? 'anonymous' };
}
