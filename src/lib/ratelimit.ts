/**
 * A limit: at most `limit` uses per `windowMs`. Budgets count uses in fixed windows and
 * estimate the sliding one (the window before weighs by how much of it still overlaps the
 * last `windowMs`), so a burst at the end of one window and the start of the next cannot
 * pass twice the limit.
 */
export type Limit = { readonly limit: number; readonly windowMs: number };

/**
 * Budgets in a store every node shares (the database), so limits hold across nodes and
 * restarts and under concurrent requests. `take` checks and uses in one atomic step; a
 * refused take changes nothing.
 * @example if (!(await budgets.take(`reveal:${actor}`, { limit: 20, windowMs: 3_600_000 }))) throw new RateLimited('…');
 */
export type RateBudgets = {
  /** Uses one of `key`'s budget if one is left: true if used, false (nothing changed) if not. */
  take(key: string, limit: Limit): Promise<boolean>;
  /** How much of `key`'s budget counts as used now (what `take` weighs), without using any. */
  used(key: string, limit: Limit): Promise<number>;
};

/** The fixed window `nowMs` falls in, and the part of the one before that still counts. */
export function windowAt(
  nowMs: number,
  windowMs: number,
): { readonly start: number; readonly previous: number; readonly carried: (previousUsed: number) => number } {
  const start = Math.floor(nowMs / windowMs) * windowMs;
  // In integers (as the database computes it too): the window before times the part of it
  // that still overlaps the last `windowMs`, rounded down.
  const overlap = start + windowMs - nowMs;
  return { start, previous: start - windowMs, carried: (n) => Math.floor((n * overlap) / windowMs) };
}
