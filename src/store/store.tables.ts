/**
 * Tables the base owns (written by src/store and the composition root, no capability's):
 * facts about the database itself, and the rate budgets every node shares. Times are
 * ISO-8601 UTC text in both dialects; bytes are Buffers.
 */
export interface StoreTables {
  /** Facts about this database itself, such as which keyring it belongs to (written at start). */
  cloak_meta: { key: string; value: string };
  /** How much of a key's limit one fixed window (start and end in ms since the epoch) has used. */
  rate_budgets: { key: string; window_start: number; used: number; expires_at: number };
}
