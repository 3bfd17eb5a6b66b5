import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { hmacSha256, randomId } from '../lib/crypto.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, RateLimited } from '../lib/errors.ts';
import type { AccessRepo } from './access.repo.ts';
import type { BreakGlassTable, GrantTable } from './access.tables.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { ClearReader } from '../vault/clear.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { ExplanationService } from './explanations.service.ts';
import type { PolicyService } from './policy.service.ts';
import type { StaffPrincipal } from './staff.service.ts';
import { assertMay, DUTY_ROLES } from './duties.fns.ts';
import type { StaffRole } from './roles.ts';
import type { RateBudgets } from '../lib/ratelimit.ts';

export type RevealRequest = {
  readonly subject: string;
  readonly field: string;
  /** Why, as a code (ticket_followup, delivery_problem, fraud_check, …): it is logged and shown to the customer. */
  readonly purpose: string;
  /** The ticket, moderation case or assignment that explains the reveal. */
  readonly explanation?: string | undefined;
  /** Break-glass: a written justification (20-2000 characters); the reveal is flagged for review. */
  readonly breakGlass?: { readonly justification: string } | undefined;
};
export type RevealResult = {
  readonly value: string;
  readonly result: 'ok' | 'break_glass';
  /** The policies that allowed it. */
  readonly policies: string[];
  /** Where the reveal is in the audit log. */
  readonly auditIndex: number;
};
/** What policy makes of a reveal request: allow or deny, the deciding policies, and the facts it weighed. */
export type RevealVerdict = {
  readonly kind: string;
  readonly decision: 'allow' | 'deny';
  readonly result: 'ok' | 'break_glass' | 'denied';
  readonly policies: string[];
  /** Why a denial: the hourly quota, or the policies (none of them permits it, or one forbids it). */
  readonly reason: 'quota' | 'policy' | undefined;
  readonly quota: { readonly used: number; readonly limit: number };
  readonly explanation: { readonly kind: string; readonly held: boolean };
  /** The just-in-time grant that allowed it, if one did. */
  readonly grant: string | undefined;
};
export type Grant = {
  readonly id: string;
  readonly requester: string;
  readonly subject: string;
  readonly fields: string[];
  readonly purpose: string;
  readonly minutes: number;
  readonly status: string;
  readonly approver: string | null;
  readonly requestedAt: string;
  readonly expiresAt: string | null;
};
export type BreakGlass = {
  readonly auditIndex: number;
  readonly actor: string;
  readonly role: string;
  readonly subject: string;
  readonly field: string;
  readonly purpose: string;
  readonly justification: string;
  readonly at: string;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
};

export const PURPOSE = /^[a-z][a-z0-9_]{1,39}$/;
const FIELD = /^[a-z][a-z0-9_]{0,31}$/;
/** Roles that approve grants and sign off break-glass reveals (never their own). */
export const APPROVERS: StaffRole[] = [...DUTY_ROLES.approve];
const MAX_GRANT_MINUTES = 8 * 60;

/** Parses `support=60,*=30` into a quota lookup. */
export function parseQuotas(text: string): (role: string) => number {
  const m = new Map(
    text
      .split(',')
      .map((p) => p.split('=') as [string, string])
      .map(([r, n]) => [r, Number(n)]),
  );
  return (role) => m.get(role) ?? m.get('*') ?? 0;
}

const grantView = (g: GrantTable): Grant => ({
  id: g.id,
  requester: g.requester,
  subject: g.subject,
  fields: JSON.parse(g.fields) as string[],
  purpose: g.purpose,
  minutes: g.minutes,
  status: g.status,
  approver: g.approver,
  requestedAt: g.requested_at,
  expiresAt: g.expires_at,
});
const bgView = (b: BreakGlassTable): BreakGlass => ({
  auditIndex: Number(b.audit_index),
  actor: b.actor,
  role: b.role,
  subject: b.subject,
  field: b.field,
  purpose: b.purpose,
  justification: b.justification,
  at: b.at,
  reviewedBy: b.reviewed_by,
  reviewedAt: b.reviewed_at,
});

export type RevealDeps = {
  /** Grants and break-glass reveals, through access's repository (the service holds no query of its own). */
  repo: Pick<
    AccessRepo,
    | 'approvedGrantsFor'
    | 'insertBreakGlass'
    | 'insertGrant'
    | 'getGrant'
    | 'decideGrant'
    | 'listGrants'
    | 'suspendLiveGrants'
    | 'restoreSuspendedGrants'
    | 'listBreakGlass'
    | 'getBreakGlass'
    | 'signOffBreakGlass'
  >;
  vault: Pick<VaultService, 'kindOf' | 'exists'>;
  /** Clear values: a reveal shows the staff member the value itself, once policy allows it and the log holds it. */
  clear: Pick<ClearReader, 'DANGEROUS_decryptField'>;
  policy: Pick<PolicyService, 'decide'>;
  audit: Pick<AuditLog, 'append'>;
  explanations: Pick<ExplanationService, 'facts'>;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  /** Reveals a staff member may make in an hour, by role. */
  quota: (role: string) => number;
  /**
   * The hourly quota, shared by every node in the database and taken atomically: of
   * concurrent reveals exactly the quota passes.
   */
  budgets: RateBudgets;
  /** Keys the hash of a break-glass justification in the log (the text itself stays in the database). */
  justificationKey: Buffer;
};

/**
 * Shows one field of a customer in clear to a staff member, if the Cedar policies allow it
 * for the stated purpose and explanation. Every decision, allowed or not, is appended to the
 * audit log, and an allowed value is decrypted only after its entry is committed. Also
 * just-in-time grants (asked by one, approved by another) and break-glass reviews.
 * @example const { value } = await reveals.reveal(agent, { subject, field: 'email', purpose: 'ticket_followup', explanation: 'T-1' });
 */
export function createRevealService(deps: RevealDeps) {
  const { repo, clock, budgets } = deps;
  const quotaOf = (who: StaffPrincipal) => ({
    key: `reveal:${who.actor}`,
    limit: { limit: deps.quota(who.role), windowMs: 3_600_000 },
  });

  function check(req: RevealRequest): void {
    const details = [
      ...(typeof req.subject === 'string' && req.subject.length > 0
        ? []
        : [{ path: '/subject', problem: 'a subject token is needed' }]),
      ...(typeof req.field === 'string' && FIELD.test(req.field)
        ? []
        : [{ path: '/field', problem: 'must be a field name such as phone, email, name, address' }]),
      ...(typeof req.purpose === 'string' && PURPOSE.test(req.purpose)
        ? []
        : [
            {
              path: '/purpose',
              problem: 'must be a purpose code of 2-40 lower-case letters, digits or _, e.g. ticket_followup',
            },
          ]),
      ...(req.breakGlass === undefined ||
      (typeof req.breakGlass.justification === 'string' &&
        req.breakGlass.justification.trim().length >= 20 &&
        req.breakGlass.justification.length <= 2000)
        ? []
        : [
            {
              path: '/breakGlass/justification',
              problem: 'break-glass needs a written justification of 20-2000 characters',
            },
          ]),
    ];
    if (details.length) throw new InvalidInput('the reveal request is not valid', details);
  }

  async function activeGrant(
    staff: string,
    subject: string,
    field: string,
    purpose: string,
  ): Promise<string | undefined> {
    const now = clock.now().toISOString();
    const rows = await repo.approvedGrantsFor(staff, subject, purpose, now);
    return rows.find((g) => (JSON.parse(g.fields) as string[]).includes(field))?.id;
  }

  async function record(
    who: StaffPrincipal,
    req: RevealRequest,
    result: string,
    policies: readonly string[],
    extra: Record<string, string | null> = {},
  ) {
    const [entry] = await deps.audit.append([
      {
        kind: 'reveal',
        actor: who.actor,
        subject: req.subject,
        result,
        data: {
          role: who.role,
          field: req.field,
          purpose: req.purpose,
          explanation: req.explanation ?? null,
          policy: [...policies],
          ...extra,
        },
      },
    ]);
    await deps.bus.publish({
      type: 'reveal',
      at: entry!.at,
      actor: who.actor,
      customer: req.subject,
      field: req.field,
      result: result === 'break_glass' ? 'break_glass' : result === 'ok' ? 'ok' : 'denied',
      purpose: req.purpose,
      ...(req.explanation ? { ticket: req.explanation } : {}),
    });
    return entry!;
  }

  /**
   * The decision a reveal would get now, by the one path both the reveal and its dry run take:
   * the hourly quota, the explanation's facts, a grant when nothing else allows it, Cedar, and
   * break-glass last. Decides only: logs nothing, decrypts nothing.
   */
  async function evaluate(who: StaffPrincipal, req: RevealRequest): Promise<RevealVerdict> {
    // Another customer's unknown or erased token is NotFound; nothing to log about nobody.
    const kind = await deps.vault.kindOf(req.subject);
    const q = quotaOf(who);
    const limit = q.limit.limit;
    const used = await budgets.used(q.key, q.limit);
    const explanationNone = { kind: 'none', held: false };
    if (used >= limit)
      return {
        kind,
        decision: 'deny',
        result: 'denied',
        policies: [],
        reason: 'quota',
        quota: { used, limit },
        explanation: explanationNone,
        grant: undefined,
      };
    const explanation = await deps.explanations.facts(req.explanation, who.id, req.subject);
    let grant: string | undefined;
    const ask = (breakGlass: boolean) =>
      deps.policy.decide({
        principal: { type: 'Staff', id: who.id, attrs: { role: who.role, team: who.team } },
        action: 'reveal',
        resource: { type: 'Subject', id: req.subject, attrs: { kind } },
        context: {
          field: req.field,
          purpose: req.purpose,
          explanation: { kind: explanation.kind, held: explanation.held },
          grant: grant !== undefined,
          break_glass: breakGlass,
        },
      });
    let d = ask(false);
    // A grant is looked up only when the explanation alone does not allow the reveal.
    if (d.decision === 'deny') {
      grant = await activeGrant(who.id, req.subject, req.field, req.purpose);
      if (grant) d = ask(false);
    }
    // Break-glass only when nothing else allows it: a reveal the ticket covers is not flagged.
    let result: 'ok' | 'break_glass' = 'ok';
    if (d.decision === 'deny' && req.breakGlass) {
      const bg = ask(true);
      if (bg.decision === 'allow') {
        d = bg;
        result = 'break_glass';
      } else if (bg.policies.length > 0) d = bg;
    }
    return {
      kind,
      decision: d.decision,
      result: d.decision === 'deny' ? 'denied' : result,
      policies: [...d.policies],
      reason: d.decision === 'deny' ? 'policy' : undefined,
      quota: { used, limit },
      explanation: { kind: explanation.kind, held: explanation.held },
      grant,
    };
  }

  return {
    async reveal(who: StaffPrincipal, req: RevealRequest): Promise<RevealResult> {
      check(req);
      const v = await evaluate(who, req);
      const overQuota = async () => {
        await record(who, req, 'denied', [], { reason: 'quota' });
        return new RateLimited(`reveal quota reached: ${v.quota.limit} an hour for the ${who.role} role`);
      };
      if (v.reason === 'quota') throw await overQuota();
      const { kind, grant, decision, policies } = v;
      const d = { decision, policies };
      if (d.decision === 'deny') {
        await record(who, req, 'denied', d.policies);
        throw new Forbidden(
          d.policies.length
            ? `the reveal was refused by policy ${d.policies.join(', ')}`
            : `no policy allows a ${who.role} to see this ${kind}'s ${req.field} for ${req.purpose}${req.explanation ? ' with this explanation' : ' without an explanation'}`,
          [{ path: '/policy', problem: d.policies.length ? d.policies.join(', ') : 'no policy permits it' }],
        );
      }
      // Allowed: one of the quota is used now, checked and counted in one step (the count
      // read above may be stale by now, with other reveals of this person in flight).
      const q = quotaOf(who);
      if (!(await budgets.take(q.key, q.limit))) throw await overQuota();
      const result: 'ok' | 'break_glass' = v.result === 'break_glass' ? 'break_glass' : 'ok';
      const justification = req.breakGlass?.justification.trim();
      const entry = await record(who, req, result, d.policies, {
        ...(grant ? { grant } : {}),
        ...(result === 'break_glass'
          ? { justification: hmacSha256(deps.justificationKey, justification!).toString('hex') }
          : {}),
      });
      if (result === 'break_glass') {
        await repo.insertBreakGlass({
          audit_index: entry.index,
          actor: who.actor,
          role: who.role,
          subject: req.subject,
          field: req.field,
          purpose: req.purpose,
          justification: justification!,
          at: entry.at,
          reviewed_by: null,
          reviewed_at: null,
          review_note: null,
        });
      }
      // Only now, with the reveal committed to the log, does the value leave the vault.
      const value = await deps.clear.DANGEROUS_decryptField(req.subject, req.field);
      return { value, result, policies: [...d.policies], auditIndex: entry.index };
    },

    /**
     * What a reveal by `who` would get now, by the same path as `reveal` (quota, explanation,
     * grant, Cedar, break-glass), without revealing, decrypting or logging anything: the
     * caller records the dry run itself.
     */
    async dryRun(who: StaffPrincipal, req: RevealRequest): Promise<RevealVerdict> {
      check(req);
      return evaluate(who, req);
    },

    /** Asks for a just-in-time grant; a second staff member must approve it. */
    async requestGrant(
      who: StaffPrincipal,
      req: { subject: string; fields: readonly string[]; purpose: string; minutes: number; reason: string },
    ): Promise<Grant> {
      const details = [
        ...(Array.isArray(req.fields) && req.fields.length > 0 && req.fields.every((f) => FIELD.test(f))
          ? []
          : [{ path: '/fields', problem: 'one or more field names' }]),
        ...(PURPOSE.test(req.purpose) ? [] : [{ path: '/purpose', problem: 'a purpose code' }]),
        ...(Number.isInteger(req.minutes) && req.minutes >= 1 && req.minutes <= MAX_GRANT_MINUTES
          ? []
          : [{ path: '/minutes', problem: `from 1 to ${MAX_GRANT_MINUTES}` }]),
        ...(typeof req.reason === 'string' && req.reason.trim().length >= 10 && req.reason.length <= 2000
          ? []
          : [{ path: '/reason', problem: 'a written reason of 10-2000 characters' }]),
      ];
      if (details.length) throw new InvalidInput('the grant request is not valid', details);
      if (!(await deps.vault.exists(req.subject))) throw new NotFound('no subject has this token');
      const g: GrantTable = {
        id: randomId('grant'),
        requester: who.id,
        subject: req.subject,
        fields: JSON.stringify([...new Set(req.fields)]),
        purpose: req.purpose,
        reason: req.reason.trim(),
        minutes: req.minutes,
        status: 'pending',
        approver: null,
        requested_at: clock.now().toISOString(),
        decided_at: null,
        expires_at: null,
      };
      await repo.insertGrant(g);
      await deps.audit.append([
        {
          kind: 'grant',
          actor: who.actor,
          subject: g.subject,
          result: 'requested',
          data: {
            grant: g.id,
            fields: JSON.parse(g.fields) as string[],
            purpose: g.purpose,
            minutes: g.minutes,
            role: who.role,
            reason: hmacSha256(deps.justificationKey, g.reason).toString('hex'),
          },
        },
      ]);
      return grantView(g);
    },

    /** Approves or refuses a grant: by an approver who is not its requester. */
    async decideGrant(who: StaffPrincipal, id: string, approve: boolean): Promise<Grant> {
      const g = await repo.getGrant(id);
      if (!g) throw new NotFound('no grant has this id');
      assertMay(who, { on: 'grant', action: approve ? 'approve' : 'refuse', holder: g.requester });
      if (g.status !== 'pending')
        throw new Conflict(`this grant was already ${g.status}`, [{ path: '/id', problem: g.status }]);
      const now = clock.now();
      const set = approve
        ? {
            status: 'approved',
            approver: who.id,
            decided_at: now.toISOString(),
            expires_at: new Date(now.getTime() + g.minutes * 60_000).toISOString(),
          }
        : { status: 'refused', approver: who.id, decided_at: now.toISOString() };
      // One conditional update decides it: of two deciders at once, one wins.
      if (!(await repo.decideGrant(id, set)))
        throw new Conflict('this grant was decided meanwhile', [{ path: '/id', problem: 'already decided' }]);
      await deps.audit.append([
        {
          kind: 'grant',
          actor: who.actor,
          subject: g.subject,
          result: set.status,
          data: { grant: id, requester: g.requester, until: 'expires_at' in set ? set.expires_at : null },
        },
      ]);
      return grantView({ ...g, ...set });
    },

    async grants(filter: { status?: string | undefined }): Promise<Grant[]> {
      return (await repo.listGrants(filter.status)).map(grantView);
    },

    /** Suspends every grant of a staff member still in force (detection's response); returns their ids. */
    async suspendGrants(staffId: string): Promise<string[]> {
      return repo.suspendLiveGrants(staffId, clock.now().toISOString());
    },

    /** Puts suspended grants back in force (an admin undoing a response); returns those restored. */
    async restoreGrants(ids: readonly string[]): Promise<string[]> {
      return repo.restoreSuspendedGrants(ids);
    },

    /** Break-glass reveals; by default those still waiting for a reviewer. */
    async breakGlass(filter: { pending?: boolean }): Promise<BreakGlass[]> {
      return (await repo.listBreakGlass(filter.pending !== false)).map(bgView);
    },

    /** A reviewer (not the one who broke the glass) signs a break-glass reveal off. */
    async signOff(who: StaffPrincipal, auditIndex: number, note: string): Promise<BreakGlass> {
      const b = await repo.getBreakGlass(auditIndex);
      if (!b) throw new NotFound('no break-glass reveal has this audit index');
      assertMay(who, { on: 'break_glass', action: 'sign_off', user: b.actor });
      if (typeof note !== 'string' || note.trim().length < 5 || note.length > 2000)
        throw new InvalidInput('a sign-off needs a note of 5-2000 characters', [
          { path: '/note', problem: 'too short or too long' },
        ]);
      const now = clock.now().toISOString();
      // One conditional update signs it off: of two reviewers at once, one wins.
      if (
        !(await repo.signOffBreakGlass(auditIndex, { reviewed_by: who.id, reviewed_at: now, review_note: note.trim() }))
      )
        throw new Conflict('this break-glass reveal was already signed off', [
          { path: '/auditIndex', problem: 'already signed off' },
        ]);
      await deps.audit.append([
        {
          kind: 'break_glass_review',
          actor: who.actor,
          subject: b.subject,
          result: 'signed_off',
          data: { reveal: auditIndex, note: hmacSha256(deps.justificationKey, note.trim()).toString('hex') },
        },
      ]);
      return bgView({ ...b, reviewed_by: who.id, reviewed_at: now, review_note: note.trim() });
    },
  };
}
export type RevealService = ReturnType<typeof createRevealService>;
