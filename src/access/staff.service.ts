import { randomBytes } from 'node:crypto';
import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { constantTimeEqual, sha256 } from '../lib/crypto.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import type { StaffTable } from './access.tables.ts';
import type { AccessRepo } from './access.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import { isStaffRole, STAFF_ROLES } from './roles.ts';
import { idRegExp } from '../lib/ids.ts';

export type Staff = {
  readonly id: string;
  readonly role: string;
  readonly team: string | null;
  readonly station: string | null;
  readonly createdAt: string;
  readonly disabledAt: string | null;
  /** When their current sign-in token stops working, and whether it was revoked. */
  readonly tokenExpiresAt?: string | null;
  readonly tokenRevokedAt?: string | null;
};
/** A signed-in staff member. `actor` is their id in events and the audit log: `staff:u-17`, or `seller:s-3` for a seller account. */
export type StaffPrincipal = {
  readonly id: string;
  readonly role: string;
  readonly team: string;
  readonly actor: string;
};

/**
 * How staff sign in: with a Cloak staff token (`cst.…`), the one implementation there is. An
 * OIDC provider would implement this same interface (verify an ID token, map its claims to a
 * staff member).
 */
export interface StaffAuthenticator {
  authenticate(credential: string): Promise<StaffPrincipal>;
}

export const STAFF_ID = idRegExp('staff');
export const TEAM = /^[\w .-]{1,64}$/u;
// cst.<staff id>.<secret>: the id finds the row, the 256-bit secret (kept as SHA-256) proves it.
const TOKEN = /^cst\.([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.([A-Za-z0-9_-]{43})$/;

const view = (r: StaffTable): Staff => ({
  id: r.id,
  role: r.role,
  team: r.team,
  station: r.station,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  tokenExpiresAt: r.token_expires_at ?? null,
  tokenRevokedAt: r.token_revoked_at ?? null,
});
// Compared against when the id is unknown, so a missing id costs the same hashing and compare as a wrong secret.
const DUMMY_HASH = sha256(randomBytes(32));
const HOUR_MS = 3_600_000;

export type StaffDeps = {
  repo: Pick<
    AccessRepo,
    'insertStaff' | 'getStaff' | 'staffExists' | 'listStaff' | 'replaceStaffToken' | 'revokeStaffToken' | 'disableStaff'
  >;
  clock: Clock;
  bus: Pick<EventBus, 'publish'>;
  audit: Pick<AuditLog, 'append'>;
  /** How long a sign-in token lasts from when it is issued (CLOAK_STAFF_TOKEN_HOURS; default 12). */
  tokenHours?: number;
  /** The constant-time compare of the token's hash (tests spy on it). */
  compare?: (a: Buffer, b: Buffer) => boolean;
};
export const actorOfStaff = (s: { id: string; role: string }) => `${s.role === 'seller' ? 'seller' : 'staff'}:${s.id}`;

/**
 * Staff members (support agents, moderators, couriers, analysts, seller accounts …) with a
 * role and a team, and their sign-in tokens. Creating one publishes a `staff` event.
 * A token lasts `tokenHours` from its issue; a new one (`newToken`, the rotation) stops the
 * old one at once, with no overlap; `revokeToken` stops it without disabling the member.
 * Issue, rotation, revocation and each refusal of an expired token are in the audit log.
 * @example const { token } = await staff.create({ id: 'u-17', role: 'support', team: 'vn-south' });
 */
export function createStaffService(deps: StaffDeps) {
  const { repo, clock } = deps;
  const compare = deps.compare ?? constantTimeEqual;
  const lifetimeMs = (deps.tokenHours ?? 12) * HOUR_MS;
  const until = () => new Date(clock.now().getTime() + lifetimeMs).toISOString();
  return {
    /** Adds a staff member; the token is shown once. */
    async create(
      req: { id: string; role: string; team?: string | undefined; station?: string | undefined },
      by: string,
    ): Promise<Staff & { token: string }> {
      const details = [
        ...(typeof req.id === 'string' && STAFF_ID.test(req.id)
          ? []
          : [{ path: '/id', problem: 'must be 1-64 letters, digits, _ or -, starting with a letter or digit' }]),
        ...(isStaffRole(req.role) ? [] : [{ path: '/role', problem: `must be one of ${STAFF_ROLES.join(', ')}` }]),
        ...(req.team === undefined || TEAM.test(req.team)
          ? []
          : [{ path: '/team', problem: 'must be 1-64 letters, digits, spaces, . _ or -' }]),
        ...(req.station === undefined || STAFF_ID.test(req.station)
          ? []
          : [{ path: '/station', problem: 'not a station id' }]),
      ];
      if (details.length) throw new InvalidInput('the staff member is not valid', details);
      const secret = randomBytes(32).toString('base64url');
      const now = clock.now().toISOString();
      const expires = until();
      const row: StaffTable = {
        id: req.id,
        role: req.role,
        team: req.team ?? null,
        station: req.station ?? null,
        token_hash: sha256(secret),
        created_at: now,
        disabled_at: null,
        token_expires_at: expires,
        token_revoked_at: null,
      };
      if (!(await repo.insertStaff(row))) throw new Conflict(`a staff member with id ${req.id} already exists`);
      await deps.audit.append([
        {
          kind: 'staff',
          actor: by,
          result: 'created',
          data: { staff: req.id, role: req.role, team: req.team ?? null, tokenExpiresAt: expires },
        },
      ]);
      await deps.bus.publish({
        type: 'staff',
        at: now,
        id: req.id,
        role: req.role,
        ...(req.team ? { team: req.team } : {}),
        ...(req.station ? { station: req.station } : {}),
      });
      return { ...view(row), token: `cst.${req.id}.${secret}` };
    },

    /**
     * Signs a staff member in from their token. An unknown id does the same hashing and
     * constant-time compare as a known one (against a dummy hash), so timing does not tell
     * which ids exist. Only a caller holding the right secret learns that it expired or was
     * revoked; each refusal of an expired token is in the audit log.
     */
    async authenticate(credential: string): Promise<StaffPrincipal> {
      const m = typeof credential === 'string' ? TOKEN.exec(credential) : null;
      const row = m ? await repo.getStaff(m[1]!) : undefined;
      const matches = compare(sha256(m ? m[2]! : String(credential)), row ? Buffer.from(row.token_hash) : DUMMY_HASH);
      if (!m || !row || !matches || row.disabled_at)
        throw new Unauthorized('the staff token is missing, malformed, unknown or disabled');
      if (row.token_revoked_at)
        throw new Unauthorized('this staff token was revoked: ask an operator for a new one (cloak staff token ID)');
      const now = clock.now().toISOString();
      if (!row.token_expires_at || row.token_expires_at <= now) {
        await deps.audit.append([
          {
            kind: 'staff',
            actor: actorOfStaff(row),
            result: 'token_expired',
            data: { staff: row.id, expiredAt: row.token_expires_at ?? null },
          },
        ]);
        throw new Unauthorized(
          `this staff token expired at ${row.token_expires_at ?? 'an unknown time'}: ask an operator for a new one (cloak staff token ID)`,
        );
      }
      return { id: row.id, role: row.role, team: row.team ?? '', actor: actorOfStaff(row) };
    },

    async get(id: string): Promise<Staff> {
      const row = await repo.getStaff(id);
      if (!row) throw new NotFound('no staff member has this id');
      return view(row);
    },

    async list(): Promise<Staff[]> {
      return (await repo.listStaff()).map(view);
    },

    /**
     * Issues a fresh sign-in token for an active staff member (shown once), for a full
     * lifetime: the rotation. The old one stops working at once (no overlap), a revoked one
     * is replaced. Audited as `staff`/`token_issued`.
     * @example const { token } = await staff.newToken('demo-analyst', 'operator:cli');
     */
    async newToken(id: string, by: string): Promise<{ id: string; token: string; expiresAt: string }> {
      const secret = randomBytes(32).toString('base64url');
      const expiresAt = until();
      const issued = await repo.replaceStaffToken(id, {
        token_hash: sha256(secret),
        token_expires_at: expiresAt,
        token_revoked_at: null,
      });
      if (!issued) throw new NotFound('no active staff member has this id');
      await deps.audit.append([
        { kind: 'staff', actor: by, result: 'token_issued', data: { staff: id, tokenExpiresAt: expiresAt } },
      ]);
      return { id, token: `cst.${id}.${secret}`, expiresAt };
    },

    /**
     * Revokes a staff member's sign-in token: it stops working at once; the member stays
     * (a new token brings them back). Audited as `staff`/`token_revoked`.
     * @example await staff.revokeToken('u-17', 'operator:cli');
     */
    async revokeToken(id: string, by: string): Promise<void> {
      if (!(await repo.revokeStaffToken(id, clock.now().toISOString()))) {
        throw (await repo.staffExists(id))
          ? new Conflict('this staff member’s token is already revoked')
          : new NotFound('no staff member has this id');
      }
      await deps.audit.append([{ kind: 'staff', actor: by, result: 'token_revoked', data: { staff: id } }]);
    },

    /** Disables a staff member: their token stops working at once. */
    async disable(id: string, by: string): Promise<void> {
      if (!(await repo.disableStaff(id, clock.now().toISOString())))
        throw new NotFound('no active staff member has this id');
      await deps.audit.append([{ kind: 'staff', actor: by, result: 'disabled', data: { staff: id } }]);
    },
  };
}
export type StaffService = ReturnType<typeof createStaffService>;
