import type { Kysely } from 'kysely';
import { constantTimeEqual, randomId, sha256 } from '../lib/crypto.ts';
import { InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Database } from '../store/schema.ts';
import type { AuditLog } from '../audit/log.service.ts';
import { randomBytes } from 'node:crypto';

/** What a key may do: `platform` creates, reads and looks up subjects; `erase` erases them; `audit` reads the log's entries; `telephony` (the telephony provider) reports inbound calls; `admin` may do everything. */
export const SCOPES = ['platform', 'erase', 'audit', 'telephony', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export type ApiKeyInfo = { readonly id: string; readonly name: string; readonly scopes: Scope[]; readonly createdAt: string; readonly revokedAt: string | null };
/** A caller whose key checked out. `actor` is its id in events (`service:key_…`). */
export type Principal = { readonly keyId: string; readonly scopes: readonly Scope[]; readonly actor: string };

// ck_<id>_<secret>: the id finds the row, the secret (256 bits, stored only as its SHA-256;
// a slow hash adds nothing to a random 256-bit secret) proves possession.
const KEY_FORMAT = /^ck_(key_[a-z2-9]{26})_([A-Za-z0-9_-]{43})$/;

/**
 * API keys with scopes, presented as bearer tokens. The secret is shown once, at creation.
 * @example const { secret } = await apiKeys.create({ name: 'order-system', scopes: ['platform'] });
 */
export function createApiKeyService(deps: { db: Kysely<Database>; clock: Clock; audit: Pick<AuditLog, 'append'> }) {
  const { db, clock } = deps;
  return {
    async create(req: { name: string; scopes: readonly string[]; by?: string }): Promise<ApiKeyInfo & { secret: string }> {
      const name = typeof req.name === 'string' ? req.name.trim() : '';
      if (!/^[\w .:@/-]{1,80}$/u.test(name)) throw new InvalidInput('a key needs a name of 1-80 letters, digits, spaces or . _ : @ / -', [{ path: '/name', problem: 'bad name' }]);
      const scopes = [...new Set(req.scopes)];
      const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (scopes.length === 0 || unknown.length > 0)
        throw new InvalidInput(`scopes must be chosen from ${SCOPES.join(', ')}`, [{ path: '/scopes', problem: unknown.length ? `unknown scope(s): ${unknown.join(', ')}` : 'at least one scope is needed' }]);
      const id = randomId('key');
      const secret = randomBytes(32).toString('base64url');
      const createdAt = clock.now().toISOString();
      await db.insertInto('api_keys').values({ id, name, scopes: JSON.stringify(scopes), secret_hash: sha256(secret), created_at: createdAt, revoked_at: null }).execute();
      await deps.audit.append([{ kind: 'api_key', actor: req.by ?? 'system', result: 'created', data: { key: id, scopes } }]);
      return { id, name, scopes: scopes as Scope[], createdAt, revokedAt: null, secret: `ck_${id}_${secret}` };
    },

    /** Checks a presented key; the error never says which part was wrong. */
    async verify(presented: string): Promise<Principal> {
      const m = KEY_FORMAT.exec(presented);
      const row = m ? await db.selectFrom('api_keys').selectAll().where('id', '=', m[1]!).executeTakeFirst() : undefined;
      if (!m || !row || row.revoked_at || !constantTimeEqual(sha256(m[2]!), Buffer.from(row.secret_hash))) {
        throw new Unauthorized('the API key is missing, malformed, unknown or revoked');
      }
      return { keyId: row.id, scopes: JSON.parse(row.scopes) as Scope[], actor: `service:${row.id}` };
    },

    async list(): Promise<ApiKeyInfo[]> {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, scopes: JSON.parse(r.scopes) as Scope[], createdAt: r.created_at, revokedAt: r.revoked_at }));
    },

    async revoke(id: string, by = 'system'): Promise<void> {
      const r = await db.updateTable('api_keys').set({ revoked_at: clock.now().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new NotFound('no active API key has this id');
      await deps.audit.append([{ kind: 'api_key', actor: by, result: 'revoked', data: { key: id } }]);
    },

    async count(): Promise<number> {
      const r = await db.selectFrom('api_keys').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** True when `p` holds `scope` (admin holds every scope). */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(scope);
}
