import { createHash, createPublicKey, randomBytes, sign as edSign, type KeyObject } from 'node:crypto';
import { httpbis, createVerifier, type SigningKey } from 'http-message-signatures';
import { parseDictionary } from 'structured-headers';
import { Forbidden, Unauthorized } from '../lib/errors.ts';
import { constantTimeEqual } from '../lib/crypto.ts';

/**
 * RFC 9421 HTTP Message Signatures for device requests: every request a scanner or courier
 * app sends is signed with its Ed25519 key over method, path, query, content-digest, created, nonce
 * and keyid. The signature base and verification are the http-message-signatures library's
 * (tested against RFC 9421 Appendix B.2.6); Cloak adds the policy: exactly one signature,
 * the components it must cover, the body matching its digest (RFC 9530), the clock skew,
 * single-use nonces, and revoked keys refused.
 */

export type SignedRequest = {
  readonly method: string;
  /** The full URL, or the path with its query (the authority comes from the Host header). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: Buffer | undefined;
};

/** What the verifier needs to know of a device key. */
export type DeviceKey = { readonly keyid: string; readonly publicKey: KeyObject; readonly revoked: boolean };

/** Remembers nonces until their signature could no longer be accepted anyway. */
export type NonceStore = {
  /** Records the nonce; false if it was already used by this key. */
  claim(keyid: string, nonce: string, until: number): boolean | Promise<boolean>;
};

/**
 * The components every device signature must cover. `@query` always (RFC 9421 §2.2.7: `?`
 * when the request has none), so a query cannot be added or changed after signing.
 */
export const REQUIRED_COMPONENTS = ['@method', '@path', '@query', 'content-digest'] as const;
const REQUIRED_PARAMS = ['created', 'nonce', 'keyid'] as const;

/** `sha-256=:…:` of a body (RFC 9530 Content-Digest). */
export function contentDigest(body: Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

function bodyMatchesDigest(header: string, body: Buffer): boolean {
  let dict;
  try {
    dict = parseDictionary(header);
  } catch {
    return false;
  }
  const algs: Record<string, string> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };
  let checked = false;
  for (const [name, [value]] of dict) {
    const alg = algs[name];
    if (!alg) continue; // unknown algorithms are ignored (RFC 9530 §2); one known must match
    if (!(value instanceof ArrayBuffer)) return false;
    if (!constantTimeEqual(Buffer.from(value), createHash(alg).update(body).digest())) return false;
    checked = true;
  }
  return checked;
}

function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * The request in the library's shape. A path-only URL gets a fixed authority, never the
 * Host header: the signature does not cover Host, so a request moved into it (`Host:
 * cloak/v1/device/me#`) could otherwise make the verified path differ from the routed one.
 */
function toMessage(req: SignedRequest) {
  const url = /^https?:\/\//.test(req.url)
    ? req.url
    : `http://device.invalid${req.url.startsWith('/') ? '' : '/'}${req.url}`;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
  return { method: req.method, url, headers };
}

/**
 * Verifies a device request's signature and the policy around it. Resolves to the key id
 * that signed; throws Unauthorized (says what is wrong, never why a key is unknown) or
 * Forbidden for a revoked device.
 * @example const { keyid } = await verifyDeviceRequest(req, { keyOf, nonces, now: new Date(), maxSkewSeconds: 300 });
 */
export async function verifyDeviceRequest(
  req: SignedRequest,
  deps: {
    keyOf: (keyid: string) => Promise<DeviceKey | undefined>;
    nonces: NonceStore;
    now: Date;
    maxSkewSeconds: number;
  },
): Promise<{ keyid: string }> {
  const input = header(req, 'signature-input');
  const sig = header(req, 'signature');
  if (!input || !sig)
    throw new Unauthorized('the request is not signed (Signature-Input and Signature headers, RFC 9421)');
  let inputs;
  try {
    inputs = parseDictionary(input);
    if (parseDictionary(sig).size !== 1) throw new Error('count');
  } catch {
    throw new Unauthorized('Signature and Signature-Input must each hold exactly one well-formed signature');
  }
  if (inputs.size !== 1) throw new Unauthorized('Signature-Input must hold exactly one signature');
  const [, [components, params]] = [...inputs][0]!;
  if (!Array.isArray(components)) throw new Unauthorized('Signature-Input must list its components');
  // A component with parameters (`"content-digest";key="x"`) is another component: it does not count.
  const covered = new Set(components.filter(([, p]) => p.size === 0).map(([c]) => String(c)));
  const missing = REQUIRED_COMPONENTS.filter((c) => !covered.has(c));
  if (missing.length)
    throw new Unauthorized(
      `the signature must cover ${REQUIRED_COMPONENTS.join(', ')}; it lacks ${missing.join(', ')}`,
    );
  const missingParams = REQUIRED_PARAMS.filter((p) => !params.has(p));
  if (missingParams.length)
    throw new Unauthorized(
      `the signature must carry ${REQUIRED_PARAMS.join(', ')}; it lacks ${missingParams.join(', ')}`,
    );
  const keyid = String(params.get('keyid'));
  const nonce = String(params.get('nonce'));
  const created = Number(params.get('created'));
  const now = Math.floor(deps.now.getTime() / 1000);
  if (!Number.isInteger(created) || Math.abs(now - created) > deps.maxSkewSeconds) {
    throw new Unauthorized(
      `the signature's created time is more than ${deps.maxSkewSeconds} s from the server's clock`,
    );
  }
  const digest = header(req, 'content-digest');
  if (!digest || !bodyMatchesDigest(digest, req.body ?? Buffer.alloc(0)))
    throw new Unauthorized('the body does not match its Content-Digest (sha-256 or sha-512)');
  const key = await deps.keyOf(keyid);
  if (!key) throw new Unauthorized('the signing key is not known');
  let ok: boolean | null;
  try {
    ok = await httpbis.verifyMessage(
      {
        keyLookup: async (p) =>
          p.keyid === keyid ? { id: keyid, algs: ['ed25519'], verify: createVerifier(key.publicKey, 'ed25519') } : null,
        all: true,
        // The skew was checked above against the injected clock; here only the signature.
        notAfter: Number.MAX_SAFE_INTEGER,
      },
      toMessage(req),
    );
  } catch {
    ok = false;
  }
  if (ok !== true) throw new Unauthorized('the signature does not verify');
  // Only a device that proved its key learns that it is revoked.
  if (key.revoked) throw new Forbidden('this device is revoked');
  // Claimed only once the signature is good, so nobody can burn a device's nonces.
  if (!(await deps.nonces.claim(keyid, nonce, created + deps.maxSkewSeconds)))
    throw new Unauthorized('this nonce was already used: a replayed request');
  return { keyid };
}

/**
 * Signs a request as a device does: the headers to add (Content-Digest, Signature-Input,
 * Signature). Used by the device simulator and the tests.
 */
export async function signDeviceRequest(
  req: SignedRequest,
  key: { keyid: string; privateKey: KeyObject },
  opts: { created?: Date; nonce?: string } = {},
): Promise<Record<string, string>> {
  const withDigest = {
    ...req,
    headers: { ...req.headers, 'content-digest': contentDigest(req.body ?? Buffer.alloc(0)) },
  };
  const signer: SigningKey = {
    id: key.keyid,
    alg: 'ed25519',
    sign: async (data) => edSign(null, data, key.privateKey),
  };
  const signed = await httpbis.signMessage(
    {
      key: signer,
      name: 'sig',
      fields: [...REQUIRED_COMPONENTS],
      params: ['created', 'nonce', 'keyid', 'alg'],
      paramValues: {
        created: opts.created ?? new Date(),
        nonce: opts.nonce ?? randomBytes(16).toString('base64url'),
        keyid: key.keyid,
      },
    },
    toMessage(withDigest),
  );
  const h = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    'content-digest': withDigest.headers['content-digest'],
    'signature-input': h['signature-input']!,
    signature: h.signature!,
  };
}

/**
 * An in-memory nonce store, for one process that never restarts (tests, tools); the gateway
 * uses the database's (`devices.nonceStore()`). Expired nonces are swept every 1,000 claims.
 */
export function createMemoryNonceStore(now: () => number = () => Math.floor(Date.now() / 1000)): NonceStore {
  const seen = new Map<string, number>();
  let claims = 0;
  return {
    claim(keyid, nonce, until) {
      const t = now();
      if (++claims % 1000 === 0) for (const [k, u] of seen) if (u < t) seen.delete(k);
      const k = `${keyid}\u0000${nonce}`;
      const prev = seen.get(k);
      if (prev !== undefined && prev >= t) return false;
      seen.set(k, until);
      return true;
    },
  };
}

/** A public key from PEM or raw 32 bytes. */
export function ed25519PublicKey(pemOrRaw: string | Buffer): KeyObject {
  if (typeof pemOrRaw === 'string') return createPublicKey(pemOrRaw);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pemOrRaw.toString('base64url') }, format: 'jwk' });
}
