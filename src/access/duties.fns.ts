import { Forbidden } from '../lib/errors.ts';
import type { StaffRole } from './roles.ts';

/**
 * Separation of duties, in one place: who may act on a detection case, a just-in-time grant,
 * a break-glass sign-off, an export approval and a device's status. Pure functions; every
 * service that performs one of these actions asks `assertMay` before it changes anything.
 *
 * The two rules:
 * - never the person concerned: the case's suspect, the grant's holder, who broke the glass,
 *   the export's requester never act on their own matter (nor is a case assigned to its
 *   suspect, nor a response undone by the one whose grants it suspended);
 * - never one person alone where two are required: a grant, an export and a break-glass
 *   reveal are each decided by a second person with an approver role.
 */

/** Who acts: their actor id as in the audit log (`staff:u-17`, `seller:s-3`, `service:key_…`), their staff role, or an API key's scopes. */
export type Caller = {
  readonly actor: string;
  readonly role?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
};

/** Which roles may take each kind of action (an API key never acts on cases, grants or exports). */
export const DUTY_ROLES = {
  /** Read, assign, comment on and close a case. */
  triage: ['analyst', 'admin', 'supervisor'],
  /** Escalate a case to an incident (the incident is then the privacy officer's). */
  escalate: ['analyst', 'privacy', 'admin', 'supervisor'],
  /** Undo a case's automatic responses (a device back in its status, grants back in force). */
  undo: ['admin', 'supervisor'],
  /** Approve or refuse grants and exports, sign off break-glass reveals: the second person. */
  approve: ['admin', 'supervisor'],
  /** Quarantine: restrict or revoke a device, suspend a person's grants. */
  quarantine: ['analyst', 'admin', 'supervisor'],
  /** Put a device back in service. */
  release: ['admin', 'supervisor'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type DutyRole = keyof typeof DUTY_ROLES;

export type CaseAction = 'assign' | 'comment' | 'close' | 'undo' | 'escalate';
/** One action on one matter, with the people it concerns. Suspects and holders may be actor ids (`staff:u-17`) or staff ids (`u-17`). */
export type Duty =
  | {
      readonly on: 'case';
      readonly action: CaseAction;
      readonly suspect: string;
      readonly assignee?: string | undefined;
      readonly grantHolders?: readonly string[] | undefined;
    }
  | { readonly on: 'grant'; readonly action: 'approve' | 'refuse' | 'suspend' | 'restore'; readonly holder: string }
  | { readonly on: 'break_glass'; readonly action: 'sign_off'; readonly user: string }
  | { readonly on: 'export'; readonly action: 'approve' | 'refuse'; readonly requester: string }
  | { readonly on: 'device'; readonly action: 'restricted' | 'revoked' | 'active' };

/** The person behind an actor or staff id (`staff:u-17` and `u-17` are both `u-17`); null for a device, a service or the system. */
export function personOf(actorOrId: string): string | null {
  const m = /^(staff|seller):(.+)$/.exec(actorOrId);
  if (m) return m[2]!;
  return actorOrId.includes(':') ? null : actorOrId;
}
const same = (a: string, b: string): boolean => {
  const p = personOf(a);
  return p !== null && p === personOf(b);
};

const CASE_ROLE: Record<CaseAction, DutyRole> = {
  assign: 'triage',
  comment: 'triage',
  close: 'triage',
  escalate: 'escalate',
  undo: 'undo',
};
function roleOf(d: Duty): DutyRole {
  switch (d.on) {
    case 'case':
      return CASE_ROLE[d.action];
    case 'grant':
      return d.action === 'suspend' ? 'quarantine' : d.action === 'restore' ? 'undo' : 'approve';
    case 'break_glass':
    case 'export':
      return 'approve';
    case 'device':
      return d.action === 'active' ? 'release' : 'quarantine';
  }
}
const WHAT: Record<Duty['on'], string> = {
  case: 'a case',
  grant: 'a grant',
  break_glass: 'a break-glass reveal',
  export: 'an export',
  device: 'a device',
};
const CASE_VERB: Record<CaseAction, string> = {
  assign: 'assigning a case',
  comment: 'commenting on a case',
  close: 'closing a case',
  undo: "undoing a case's automatic responses",
  escalate: 'escalating a case',
};
function roleRefusal(d: Duty, roles: readonly string[]): string {
  const or = roles.join(' or ');
  switch (d.on) {
    case 'grant':
      return d.action === 'approve' || d.action === 'refuse'
        ? `grants are decided by ${or} staff`
        : `${d.action === 'suspend' ? 'suspending' : 'restoring'} grants needs one of the roles ${roles.join(', ')}`;
    case 'break_glass':
      return `break-glass reveals are signed off by ${or} staff`;
    case 'export':
      return `exports are approved by ${or} staff`;
    case 'case':
      return `${CASE_VERB[d.action]} needs one of the roles ${roles.join(', ')}`;
    case 'device':
      return `${d.action === 'active' ? 'putting a device back in service' : `setting a device ${d.action}`} needs one of the roles ${roles.join(', ')}`;
  }
}

/**
 * Why `who` may not take `duty`, or null when they may. A caller given without a role (a
 * service called with the actor only, its route having checked the role) is judged on the
 * person rules alone; an API key acts only on devices, and only with the `admin` scope.
 * @example refusal({ actor: 'staff:an-1', role: 'analyst' }, { on: 'case', action: 'close', suspect: 'staff:an-1' }) // 'you are the suspect of this case: …'
 */
export function refusal(who: Caller, duty: Duty): string | null {
  const roles: readonly string[] = DUTY_ROLES[roleOf(duty)];
  if (who.scopes !== undefined) {
    if (duty.on !== 'device') return `an API key does not act on ${WHAT[duty.on]}: a staff member does`;
    if (!who.scopes.includes('admin')) return 'changing a device’s status needs an API key with the admin scope';
  } else if (who.role !== undefined && !roles.includes(who.role)) {
    return roleRefusal(duty, roles);
  }
  switch (duty.on) {
    case 'case':
      if (same(who.actor, duty.suspect)) return 'you are the suspect of this case: another analyst handles it';
      if (duty.assignee !== undefined && same(duty.assignee, duty.suspect))
        return 'a case is not assigned to its own suspect';
      if (duty.grantHolders?.some((h) => same(who.actor, h)))
        return 'these are your own grants: someone else puts them back in force';
      return null;
    case 'grant':
      if (same(who.actor, duty.holder))
        return duty.action === 'approve' || duty.action === 'refuse'
          ? 'a grant is decided by a second person, not its requester'
          : `a grant is ${duty.action === 'suspend' ? 'suspended' : 'restored'} by someone else than its holder`;
      return null;
    case 'break_glass':
      if (same(who.actor, duty.user)) return 'a break-glass reveal is signed off by someone else than who made it';
      return null;
    case 'export':
      if (same(who.actor, duty.requester)) return 'an export is approved by a second person, not its requester';
      return null;
    case 'device':
      return null;
  }
}

/**
 * Throws `Forbidden` (with the reason) unless `who` may take `duty`; call it before changing anything.
 * @example assertMay(staffOf(req), { on: 'export', action: 'approve', requester: job.requester });
 */
export function assertMay(who: Caller, duty: Duty): void {
  const why = refusal(who, duty);
  if (why !== null) throw new Forbidden(why, [{ path: '/by', problem: 'separation of duties' }]);
}
