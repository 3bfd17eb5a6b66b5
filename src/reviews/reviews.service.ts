import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../lib/errors.ts';
import type { ReviewTable } from './reviews.tables.ts';
import type { ReviewsRepo } from './reviews.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { StaffPrincipal } from '../access/staff.service.ts';
import { STAFF_ROLES, type StaffRole } from '../access/roles.ts';

export const MODERATION_ACTIONS = ['delete', 'hide', 'restore'] as const;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** Roles that act on reviews. */
const MODERATORS = ['moderator', 'admin'];

/**
 * The staff roles that see who wrote a review: every role but moderators and sellers, named, so
 * a role the server does not know (a member stored before roles were a closed set) sees nobody.
 * A caller that is not staff (the platform's key) sees the reviewer, as it wrote the review.
 */
export const SEE_REVIEWER: readonly StaffRole[] = STAFF_ROLES.filter((r) => r !== 'moderator' && r !== 'seller');

/** A review as staff see it. The reviewer's token is left out for moderators and sellers: they never learn who wrote it. */
export type ReviewView = {
  readonly id: string;
  readonly seller: string;
  readonly rating: number;
  readonly product: string | null;
  readonly status: string;
  readonly createdAt: string;
  readonly reviewer?: string;
};

/**
 * Reviews posted by customers (published as `review` events) and moderation of them: every
 * delete, hide or restore is recorded in the audit log with its reason and published as a
 * `moderation` event, so deletions bought by a seller leave a trail.
 */
export function createReviewService(deps: {
  repo: Pick<ReviewsRepo, 'getReview' | 'insertReview' | 'setStatus'>;
  clock: Clock;
  bus: Pick<EventBus, 'publish'>;
  audit: Pick<AuditLog, 'append'>;
  vault: Pick<VaultService, 'exists'>;
}) {
  const { repo, clock } = deps;
  const view = (r: ReviewTable, who?: StaffPrincipal): ReviewView => ({
    id: r.id,
    seller: r.seller,
    rating: r.rating,
    product: r.product,
    status: r.status,
    createdAt: r.created_at,
    ...(!who || (SEE_REVIEWER as readonly string[]).includes(who.role) ? { reviewer: r.reviewer } : {}),
  });
  async function row(id: string): Promise<ReviewTable> {
    const r = await repo.getReview(id);
    if (!r) throw new NotFound('no review has this id');
    return r;
  }

  return {
    async create(req: {
      id: string;
      reviewer: string;
      seller: string;
      rating: number;
      product?: string | undefined;
    }): Promise<ReviewView> {
      const details = [
        ...(ID.test(req.id) ? [] : [{ path: '/id', problem: 'must be 1-64 letters, digits or _ . : -' }]),
        ...(ID.test(req.seller) ? [] : [{ path: '/seller', problem: 'must be a seller id' }]),
        ...(Number.isInteger(req.rating) && req.rating >= 1 && req.rating <= 5
          ? []
          : [{ path: '/rating', problem: 'must be a whole number from 1 to 5' }]),
        ...(req.product === undefined || ID.test(req.product)
          ? []
          : [{ path: '/product', problem: 'must be a product id' }]),
      ];
      if (details.length) throw new InvalidInput('the review is not valid', details);
      if (!(await deps.vault.exists(req.reviewer)))
        throw new InvalidInput('no subject has this token', [{ path: '/reviewer', problem: 'unknown token' }]);
      const now = clock.now().toISOString();
      const r: ReviewTable = {
        id: req.id,
        reviewer: req.reviewer,
        seller: req.seller,
        rating: req.rating,
        product: req.product ?? null,
        status: 'visible',
        created_at: now,
      };
      if (!(await repo.insertReview(r))) throw new Conflict(`a review with id ${req.id} already exists`);
      await deps.bus.publish({
        type: 'review',
        at: now,
        id: r.id,
        customer: r.reviewer,
        seller: r.seller,
        rating: r.rating,
        ...(r.product ? { product: r.product } : {}),
      });
      return view(r);
    },

    async get(id: string, who: StaffPrincipal): Promise<ReviewView> {
      const r = await row(id);
      // A seller sees its own reviews only; another's is NotFound, not Forbidden.
      if (who.role === 'seller' && r.seller !== who.id) throw new NotFound('no review has this id');
      return view(r, who);
    },

    async moderate(
      who: StaffPrincipal,
      id: string,
      req: { action: string; reason?: string | undefined },
    ): Promise<ReviewView> {
      if (!MODERATORS.includes(who.role))
        throw new Forbidden(`only ${MODERATORS.join(' and ')} staff moderate reviews`);
      if (!(MODERATION_ACTIONS as readonly string[]).includes(req.action))
        throw new InvalidInput(`action must be one of ${MODERATION_ACTIONS.join(', ')}`, [
          { path: '/action', problem: 'unknown action' },
        ]);
      // A reason is a code (spam, abusive, off_topic, …), not free text: the log holds no prose that could name someone.
      if (req.reason !== undefined && !/^[a-z][a-z_]{1,39}$/.test(req.reason))
        throw new InvalidInput('a reason is a code of 2-40 lower-case letters or _, e.g. spam, abusive, off_topic', [
          { path: '/reason', problem: 'bad reason code' },
        ]);
      const r = await row(id);
      const status = req.action === 'delete' ? 'deleted' : req.action === 'hide' ? 'hidden' : 'visible';
      await repo.setStatus(id, status);
      const now = clock.now().toISOString();
      await deps.audit.append([
        {
          kind: 'moderation',
          actor: who.actor,
          subject: r.reviewer,
          result: req.action,
          data: { review: id, seller: r.seller, rating: r.rating, reason: req.reason ?? null, role: who.role },
        },
      ]);
      await deps.bus.publish({
        type: 'moderation',
        at: now,
        actor: who.actor,
        review: id,
        action: req.action as 'delete',
        ...(req.reason ? { reason: req.reason } : {}),
      });
      return view({ ...r, status }, who);
    },
  };
}
export type ReviewService = ReturnType<typeof createReviewService>;
