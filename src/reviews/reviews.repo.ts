import type { Kysely } from 'kysely';
import type { ReviewsTables, ReviewTable } from './reviews.tables.ts';

/** The reviews capability's table: the marketplace's reviews and their moderation status. */
export function createReviewsRepo(db: Kysely<ReviewsTables>) {
  return {
    /** One review by its id. */
    getReview: (id: string) => db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Stores a new review; false if its id is already taken (one statement: two writers cannot both win). */
    async insertReview(r: ReviewTable): Promise<boolean> {
      const ins = await db
        .insertInto('reviews')
        .values(r)
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(ins.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    /** Sets a review's status (`visible`, `hidden` or `deleted`). */
    setStatus: (id: string, status: string) => db.updateTable('reviews').set({ status }).where('id', '=', id).execute(),
  };
}
export type ReviewsRepo = ReturnType<typeof createReviewsRepo>;
