import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { Conflict, InvalidInput, NotFound } from '../lib/errors.ts';
import type { ExplanationTable } from './access.tables.ts';
import type { AccessRepo } from './access.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { STAFF_ID } from './staff.service.ts';

export const EXPLANATION_KINDS = ['ticket', 'moderation', 'assignment'] as const;
export type ExplanationKind = (typeof EXPLANATION_KINDS)[number];
export type Explanation = {
  readonly id: string;
  readonly kind: ExplanationKind;
  readonly staff: string;
  readonly subject: string;
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
  readonly expiresAt: string | null;
  readonly closedAt: string | null;
};
/** What a reveal's policy is told about the explanation named in the request. */
export type ExplanationFacts = { readonly kind: string; readonly held: boolean };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const view = (r: ExplanationTable): Explanation => ({
  id: r.id,
  kind: r.kind as ExplanationKind,
  staff: r.staff_id,
  subject: r.subject,
  status: r.status as 'open' | 'closed',
  openedAt: r.opened_at,
  expiresAt: r.expires_at,
  closedAt: r.closed_at,
});

/**
 * The platform's explanations: a support ticket, a review-moderation case or a courier
 * assignment links a staff member to a customer for a period. Reveals name one; policy is
 * told whether the revealing staff member holds it, open, for that customer, now. Tickets are
 * published as `ticket` events; all changes are in the audit log.
 * @example await explanations.open({ kind: 'ticket', id: 'T-1', staff: 'u-17', subject: token }, 'service:key_…')
 */
export function createExplanationService(deps: {
  repo: Pick<AccessRepo, 'insertExplanation' | 'closeExplanation' | 'getExplanation' | 'recentClosedExplanations'>;
  clock: Clock;
  bus: Pick<EventBus, 'publish'>;
  audit: Pick<AuditLog, 'append'>;
  vault: Pick<VaultService, 'exists'>;
  staff: { get(id: string): Promise<unknown> };
}) {
  const { repo, clock } = deps;

  async function publishTicket(e: Explanation): Promise<void> {
    if (e.kind === 'ticket')
      await deps.bus.publish({
        type: 'ticket',
        at: clock.now().toISOString(),
        id: e.id,
        customer: e.subject,
        assignee: e.staff,
        status: e.status,
      });
  }

  return {
    async open(
      req: { kind: string; id: string; staff: string; subject: string; until?: string | undefined },
      by: string,
    ): Promise<Explanation> {
      const details = [
        ...((EXPLANATION_KINDS as readonly string[]).includes(req.kind)
          ? []
          : [{ path: '/kind', problem: `must be one of ${EXPLANATION_KINDS.join(', ')}` }]),
        ...(ID.test(req.id) ? [] : [{ path: '/id', problem: 'must be 1-64 letters, digits or _ . : -' }]),
        ...(STAFF_ID.test(req.staff) ? [] : [{ path: '/staff', problem: 'not a staff id' }]),
        ...(req.until === undefined ||
        (!Number.isNaN(Date.parse(req.until)) && Date.parse(req.until) > clock.now().getTime())
          ? []
          : [{ path: '/until', problem: 'must be an ISO 8601 time in the future' }]),
      ];
      if (details.length) throw new InvalidInput('the explanation is not valid', details);
      await deps.staff.get(req.staff).catch(() => {
        throw new InvalidInput('no staff member has this id', [{ path: '/staff', problem: 'unknown staff member' }]);
      });
      if (!(await deps.vault.exists(req.subject)))
        throw new InvalidInput('no subject has this token', [{ path: '/subject', problem: 'unknown token' }]);
      const now = clock.now().toISOString();
      const row: ExplanationTable = {
        id: req.id,
        kind: req.kind,
        staff_id: req.staff,
        subject: req.subject,
        status: 'open',
        opened_at: now,
        expires_at: req.until ? new Date(req.until).toISOString() : null,
        closed_at: null,
      };
      if (!(await repo.insertExplanation(row))) throw new Conflict(`an explanation with id ${req.id} already exists`);
      const e = view(row);
      await deps.audit.append([
        {
          kind: 'explanation',
          actor: by,
          subject: e.subject,
          result: 'open',
          data: { explanation: e.id, type: e.kind, staff: e.staff, until: e.expiresAt },
        },
      ]);
      await publishTicket(e);
      return e;
    },

    async close(id: string, by: string): Promise<Explanation> {
      const now = clock.now().toISOString();
      if (!(await repo.closeExplanation(id, now))) throw new NotFound('no open explanation has this id');
      const e = view((await repo.getExplanation(id))!);
      await deps.audit.append([
        {
          kind: 'explanation',
          actor: by,
          subject: e.subject,
          result: 'closed',
          data: { explanation: e.id, type: e.kind, staff: e.staff },
        },
      ]);
      await publishTicket(e);
      return e;
    },

    async get(id: string): Promise<Explanation> {
      const r = await repo.getExplanation(id);
      if (!r) throw new NotFound('no explanation has this id');
      return view(r);
    },

    /**
     * What policy is told about explanation `id` for a reveal by `staff` of `subject`: its
     * kind, and whether it is held (theirs, for this subject, open, not past its end). An id
     * that does not exist, or belongs to someone else, reads as kind "none".
     */
    async facts(id: string | undefined, staff: string, subject: string): Promise<ExplanationFacts> {
      if (!id) return { kind: 'none', held: false };
      const r = await repo.getExplanation(id);
      if (!r || r.staff_id !== staff) return { kind: 'none', held: false };
      const now = clock.now().toISOString();
      return {
        kind: r.kind,
        held: r.subject === subject && r.status === 'open' && (r.expires_at === null || r.expires_at > now),
      };
    },

    /** The latest `limit` closed explanations of `kind`, latest opened first: what real closed work looks like. */
    async recentClosed(
      kind: ExplanationKind,
      limit: number,
    ): Promise<{ id: string; staff: string; openedAt: string; closedAt: string | null }[]> {
      const rows = await repo.recentClosedExplanations(kind, limit);
      return rows.map((r) => ({ id: r.id, staff: r.staff_id, openedAt: r.opened_at, closedAt: r.closed_at }));
    },

    /**
     * Files past work, already closed, linking `staff` to `subject`: no event, no audit entry
     * (team canaries append the entries real work leaves themselves, as its filer). False,
     * and nothing written, when the id is taken.
     */
    async fileClosed(e: {
      id: string;
      kind: ExplanationKind;
      staff: string;
      subject: string;
      openedAt: string;
      closedAt: string;
    }): Promise<boolean> {
      return repo.insertExplanation({
        id: e.id,
        kind: e.kind,
        staff_id: e.staff,
        subject: e.subject,
        status: 'closed',
        opened_at: e.openedAt,
        expires_at: null,
        closed_at: e.closedAt,
      });
    },
  };
}
export type ExplanationService = ReturnType<typeof createExplanationService>;
