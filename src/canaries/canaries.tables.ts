/**
 * The tables of canaries: which subjects are canaries, and where each was planted. Written by
 * canaries.repo.ts only. Times are ISO-8601 UTC text in both dialects (sortable, and read back
 * the same from SQLite and PostgreSQL); bytes are Buffers.
 */
export interface CanariesTables {
  /** A canary subject and the channel it was planted in (`export:<id>`, …). */
  canaries: { token: string; channel: string; detail: string; created_at: string };
}
