import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasScope, type ApiKeyService, type Principal, type Scope } from '../access/apikey.service.ts';
import { Forbidden, Unauthorized } from '../lib/errors.ts';
import type { StaffAuthenticator, StaffPrincipal } from '../access/staff.service.ts';
import type { StaffRole } from '../access/roles.ts';
import type { KeyObject } from 'node:crypto';
import { createVerifier, httpbis } from 'http-message-signatures';
import { parseDictionary } from 'structured-headers';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    staff?: StaffPrincipal;
  }
}

/**
 * Authentication runs before any body is read. Every hook made here is marked as an
 * authenticator; `buildApi` moves an authenticator found in a route's `preHandler` to its
 * `onRequest` (which runs before the body is parsed; `preValidation` and `preHandler` run
 * after), and refuses to start if a route that declares `security` and takes a body has none.
 * So a caller without a valid credential (and, where the role is fixed, without the role)
 * is answered before a byte of their body is read.
 */
const AUTHENTICATES = Symbol.for('cloak.authenticates');

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

function authenticator(hook: Hook): Hook {
  return Object.assign(hook, { [AUTHENTICATES]: true });
}

/** Whether a route hook is one of the authenticators made here. */
export function isAuthenticator(hook: unknown): boolean {
  return typeof hook === 'function' && (hook as unknown as Record<symbol, unknown>)[AUTHENTICATES] === true;
}

/**
 * An authenticator (run on request, before the body) that signs a staff member in from
 * their bearer token (`cst.…`), optionally requiring one of `roles`.
 * @example app.post('/v1/reveal', { onRequest: requireStaff(staff) }, handler)
 */
export function requireStaff(auth: StaffAuthenticator, roles?: readonly StaffRole[]) {
  return authenticator(async (req: FastifyRequest, _reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) throw new Unauthorized('send a staff token as "Authorization: Bearer cst.…"');
    const s = await auth.authenticate(m[1]!);
    if (roles && !(roles as readonly string[]).includes(s.role))
      throw new Forbidden(`this needs one of the roles ${roles.join(', ')}`);
    req.staff = s;
  });
}

/** The signed-in staff member (after requireStaff). */
export function staffOf(req: FastifyRequest): StaffPrincipal {
  if (!req.staff) throw new Unauthorized('no staff member is signed in');
  return req.staff;
}

/**
 * An authenticator (run on request, before the body) that checks the bearer API key and its scope.
 * @example app.get('/v1/x', { onRequest: requireScope(apiKeys, 'platform') }, handler)
 */
export function requireScope(apiKeys: Pick<ApiKeyService, 'verify'>, scope: Scope) {
  return authenticator(async (req: FastifyRequest, _reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) throw new Unauthorized('send an API key as "Authorization: Bearer ck_…"');
    const p = await apiKeys.verify(m[1]!);
    if (!hasScope(p, scope)) throw new Forbidden(`this API key lacks the "${scope}" scope`);
    req.principal = p;
  });
}

/**
 * An authenticator (run on request, before the body) for operators' endpoints open to both:
 * a staff token (`cst.…`) of one of `roles`, or an API key holding `scope`.
 * @example app.post('/v1/canaries', { onRequest: requireStaffOrScope(staff, ['admin'], apiKeys, 'admin') }, handler)
 */
export function requireStaffOrScope(
  auth: StaffAuthenticator,
  roles: readonly StaffRole[],
  apiKeys: Pick<ApiKeyService, 'verify'>,
  scope: Scope,
) {
  const asStaff = requireStaff(auth, roles);
  const asKey = requireScope(apiKeys, scope);
  return authenticator(async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization;
    return typeof h === 'string' && /^Bearer\s+cst\./i.test(h) ? asStaff(req, reply) : asKey(req, reply);
  });
}

/** The actor of the current request, for events (`service:key_…`, or `staff:…` after requireStaffOrScope). */
export function actorOf(req: FastifyRequest): { actor: string } {
  return { actor: req.principal?.actor ?? req.staff?.actor ?? 'anonymous' };
}

const hasBody = (req: FastifyRequest) =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/**
 * The device gateway's authenticator before the body: the request carries one RFC 9421
 * signature (Signature-Input and Signature) by the key of an enrolled device, checked here,
 * when a body is coming, over the request's method, path and headers (the signature covers
 * the Content-Digest header, not the body itself). Once the small body is read the route verifies the rest
 * (the components and parameters required, the body against its digest, the clock, the
 * nonce, revocation: src/devices/httpsig.ts), so whoever holds no device key is refused
 * before a byte of their body is read.
 */
export function requireSignedRequest(keyOf: (keyid: string) => Promise<{ publicKey: KeyObject } | undefined>) {
  return authenticator(async (req: FastifyRequest, _reply: FastifyReply) => {
    const input = req.headers['signature-input'];
    if (typeof input !== 'string' || typeof req.headers.signature !== 'string')
      throw new Unauthorized('the request is not signed (Signature-Input and Signature headers, RFC 9421)');
    let keyid: unknown;
    try {
      const entries = [...parseDictionary(input)];
      if (entries.length !== 1) throw new Error('count');
      const [, [, params]] = entries[0]!;
      keyid = params.get('keyid');
    } catch {
      throw new Unauthorized('Signature-Input must hold exactly one well-formed signature');
    }
    const id = typeof keyid === 'string' ? keyid : undefined;
    const key = id === undefined ? undefined : await keyOf(id);
    if (!key) throw new Unauthorized('the signing key is not known');
    // Without a body the route verifies everything at once, right away: no need to do it twice.
    if (!hasBody(req)) return;
    // As the verifier does: a path-only URL gets a fixed authority, never the Host header.
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
    let ok: boolean | null;
    try {
      ok = await httpbis.verifyMessage(
        {
          keyLookup: async (p) =>
            p.keyid === id ? { id, algs: ['ed25519'], verify: createVerifier(key.publicKey, 'ed25519') } : null,
          all: true,
          notAfter: Number.MAX_SAFE_INTEGER,
        },
        { method: req.method, url: `http://device.invalid${req.url.startsWith('/') ? '' : '/'}${req.url}`, headers },
      );
    } catch {
      ok = false;
    }
    if (ok !== true) throw new Unauthorized('the signature does not verify');
  });
}
