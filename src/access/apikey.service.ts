import { constantTimeEqual, randomId, sha256 } from '../lib/crypto.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { ApiKeyTable } from './access.tables.ts';
import type { AccessRepo } from './access.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import { randomBytes } from 'node:crypto';
import { SCOPES, type Scope } from './roles.ts';

/** What a key may do: `platform` creates, reads and looks up subjects; `erase` erases them; `audit` reads the log's entries; `telephony` (the telephony provider) reports inbound calls; `admin` may do everything. */
export { SCOPES, type Scope } from './roles.ts';

export type ApiKeyInfo = {
  readonly id: string;
  readonly name: string;
  readonly scopes: Scope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /** When its current secret stops working; `rotatedAt`: when that secret replaced the one before. */
  readonly expiresAt: string | null;
  readonly rotatedAt: string | null;
};
/** A caller whose key checked out. `actor` is its id in events (`service:key_…`). */
export type Principal = { readonly keyId: string; readonly scopes: readonly Scope[]; readonly actor: string };

// ck_<id>_<secret>: the id finds the row, the secret (256 bits, stored only as its SHA-256;
// a slow hash adds nothing to a random 256-bit secret) proves possession.
const KEY_FORMAT = /^ck_(key_[a-z2-9]{26})_([A-Za-z0-9_-]{43})$/;
// Compared against when the id is unknown, so a missing id costs the same hashing and compare as a wrong secret.
const DUMMY_HASH = sha256(randomBytes(32));
const DAY_MS = 86_400_000;

export type ApiKeyDeps = {
  repo: Pick<
    AccessRepo,
    'insertApiKey' | 'getApiKey' | 'listApiKeys' | 'rotateApiKey' | 'revokeApiKey' | 'countApiKeys'
  >;
  clock: Clock;
  audit: Pick<AuditLog, 'append'>;
  /** The longest (and default) lifetime of a key, in days, from its creation or rotation (CLOAK_API_KEY_DAYS; default 90). */
  maxDays?: number;
  /** The constant-time compare of the secret's hash (tests spy on it). */
  compare?: (a: Buffer, b: Buffer) => boolean;
};
const info = (r: ApiKeyTable): ApiKeyInfo => ({
  id: r.id,
  name: r.name,
  scopes: JSON.parse(r.scopes) as Scope[],
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  expiresAt: r.expires_at ?? null,
  rotatedAt: r.rotated_at ?? null,
});

/**
 * API keys with scopes, presented as bearer tokens. The secret is shown once, at creation
 * and at each rotation. A key lasts `maxDays` (or the fewer days it was created with) from
 * its creation or rotation; rotating gives it a new secret and the old one stops at once (no
 * overlap: deploy the new secret, then rotate again if it leaked on the way). Creation,
 * rotation, revocation and each refusal of an expired key are in the audit log.
 * @example const { secret } = await apiKeys.create({ name: 'order-system', scopes: ['platform'] });
 */
export function createApiKeyService(deps: ApiKeyDeps) {
  const { repo, clock } = deps;
  const compare = deps.compare ?? constantTimeEqual;
  const maxDays = deps.maxDays ?? 90;
  const checkDays = (days: unknown): number => {
    if (days === undefined) return maxDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > maxDays)
      throw new InvalidInput(`a key lasts from 1 to ${maxDays} days (CLOAK_API_KEY_DAYS)`, [
        { path: '/days', problem: `an integer from 1 to ${maxDays}` },
      ]);
    return days;
  };
  return {
    /** Creates a key for `days` (default and most: `maxDays`); its secret is shown once. */
    async create(req: {
      name: string;
      scopes: readonly string[];
      by?: string;
      days?: number | undefined;
    }): Promise<ApiKeyInfo & { secret: string }> {
      const name = typeof req.name === 'string' ? req.name.trim() : '';
      if (!/^[\w .:@/-]{1,80}$/u.test(name))
        throw new InvalidInput('a key needs a name of 1-80 letters, digits, spaces or . _ : @ / -', [
          { path: '/name', problem: 'bad name' },
        ]);
      const scopes = [...new Set(req.scopes)];
      const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (scopes.length === 0 || unknown.length > 0)
        throw new InvalidInput(`scopes must be chosen from ${SCOPES.join(', ')}`, [
          {
            path: '/scopes',
            problem: unknown.length ? `unknown scope(s): ${unknown.join(', ')}` : 'at least one scope is needed',
          },
        ]);
      const days = checkDays(req.days);
      const id = randomId('key');
      const secret = randomBytes(32).toString('base64url');
      const now = clock.now();
      const createdAt = now.toISOString();
      const expiresAt = new Date(now.getTime() + days * DAY_MS).toISOString();
      await repo.insertApiKey({
        id,
        name,
        scopes: JSON.stringify(scopes),
        secret_hash: sha256(secret),
        created_at: createdAt,
        revoked_at: null,
        expires_at: expiresAt,
        rotated_at: null,
      });
      await deps.audit.append([
        { kind: 'api_key', actor: req.by ?? 'system', result: 'created', data: { key: id, scopes, expiresAt } },
      ]);
      return {
        id,
        name,
        scopes: scopes as Scope[],
        createdAt,
        revokedAt: null,
        expiresAt,
        rotatedAt: null,
        secret: `ck_${id}_${secret}`,
      };
    },

    /**
     * Checks a presented key; the error never says which part was wrong. An unknown id does
     * the same hashing and constant-time compare as a known one (against a dummy hash). Only
     * a caller holding the right secret learns that the key expired (refusal audited) or was revoked.
     */
    async verify(presented: string): Promise<Principal> {
      const m = typeof presented === 'string' ? KEY_FORMAT.exec(presented) : null;
      const row = m ? await repo.getApiKey(m[1]!) : undefined;
      const matches = compare(sha256(m ? m[2]! : String(presented)), row ? Buffer.from(row.secret_hash) : DUMMY_HASH);
      if (!m || !row || !matches) throw new Unauthorized('the API key is missing, malformed, unknown or revoked');
      if (row.revoked_at) throw new Unauthorized('the API key is missing, malformed, unknown or revoked');
      if (!row.expires_at || row.expires_at <= clock.now().toISOString()) {
        await deps.audit.append([
          {
            kind: 'api_key',
            actor: `service:${row.id}`,
            result: 'expired',
            data: { key: row.id, expiredAt: row.expires_at ?? null },
          },
        ]);
        throw new Unauthorized(
          `this API key expired at ${row.expires_at ?? 'an unknown time'}: an operator rotates it (cloak api-keys rotate ${row.id}) or creates a new one`,
        );
      }
      return { keyId: row.id, scopes: JSON.parse(row.scopes) as Scope[], actor: `service:${row.id}` };
    },

    async list(): Promise<ApiKeyInfo[]> {
      return (await repo.listApiKeys()).map(info);
    },

    /**
     * Gives an active key a new secret (shown once) for `days` (default: as long as its
     * current secret was given); the old secret stops working at once. Audited as `api_key`/`rotated`.
     * @example const { secret } = await apiKeys.rotate('key_…', 'operator:cli');
     */
    async rotate(
      id: string,
      by = 'system',
      opts: { days?: number | undefined } = {},
    ): Promise<ApiKeyInfo & { secret: string }> {
      const row = await repo.getApiKey(id);
      if (!row || row.revoked_at) throw new NotFound('no active API key has this id');
      const previous = row.expires_at
        ? Math.round((Date.parse(row.expires_at) - Date.parse(row.rotated_at ?? row.created_at)) / DAY_MS)
        : maxDays;
      const days = checkDays(opts.days ?? Math.min(Math.max(previous, 1), maxDays));
      const secret = randomBytes(32).toString('base64url');
      const now = clock.now();
      const set = {
        secret_hash: sha256(secret),
        rotated_at: now.toISOString(),
        expires_at: new Date(now.getTime() + days * DAY_MS).toISOString(),
      };
      // Only from the secret just read: two rotations at once give one winner, the other a Conflict.
      if (!(await repo.rotateApiKey(id, row.secret_hash, set)))
        throw new Conflict('this API key was rotated or revoked meanwhile');
      await deps.audit.append([
        { kind: 'api_key', actor: by, result: 'rotated', data: { key: id, expiresAt: set.expires_at } },
      ]);
      return { ...info({ ...row, ...set }), secret: `ck_${id}_${secret}` };
    },

    async revoke(id: string, by = 'system'): Promise<void> {
      if (!(await repo.revokeApiKey(id, clock.now().toISOString())))
        throw new NotFound('no active API key has this id');
      await deps.audit.append([{ kind: 'api_key', actor: by, result: 'revoked', data: { key: id } }]);
    },

    async count(): Promise<number> {
      return repo.countApiKeys();
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** True when `p` holds `scope` (admin holds every scope). */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(scope);
}
