/**
 * The tables of reviews: the marketplace's reviews and their moderation. Written by
 * reviews.repo.ts only. Times are ISO-8601 UTC text in both dialects (sortable, and read back
 * the same from SQLite and PostgreSQL); bytes are Buffers.
 */
export interface ReviewsTables {
  reviews: ReviewTable;
}

export interface ReviewTable {
  id: string;
  /** Vault token of the reviewer. */
  reviewer: string;
  seller: string;
  rating: number;
  product: string | null;
  /** `visible`, `hidden` or `deleted`. */
  status: string;
  created_at: string;
}
