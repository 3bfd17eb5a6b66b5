import { sql, type Kysely } from 'kysely';
import type { Clock } from '../lib/clock.ts';
import { windowAt, type Limit, type RateBudgets } from '../lib/ratelimit.ts';
import type { StoreTables } from './store.tables.ts';

/**
 * Rate budgets in the `rate_budgets` table: one row per key and fixed window. A take is one
 * statement, a conditional upsert (`INSERT … SELECT … WHERE left > 0 ON CONFLICT DO UPDATE
 * SET used = used + 1 WHERE used < left RETURNING`, `left` being the limit less what the
 * window before still weighs), so of concurrent takes on PostgreSQL or SQLite exactly the
 * budget passes; a refused take writes nothing. Windows two lengths old are dropped now and then.
 * @example const budgets = createRateBudgets(db, clock); await budgets.take('export:s-1', { limit: 3, windowMs: 86_400_000 });
 */
export function createRateBudgets(db: Kysely<StoreTables>, clock: Clock): RateBudgets {
  let takes = 0;
  async function state(key: string, l: Limit) {
    const w = windowAt(clock.now().getTime(), l.windowMs);
    const rows = await db
      .selectFrom('rate_budgets')
      .select(['window_start', 'used'])
      .where('key', '=', key)
      .where('window_start', 'in', [w.previous, w.start])
      .execute();
    const of = (start: number) => Number(rows.find((r) => Number(r.window_start) === start)?.used ?? 0);
    return { w, carried: w.carried(of(w.previous)), current: of(w.start) };
  }
  return {
    async take(key, l) {
      const nowMs = clock.now().getTime();
      if (++takes % 1000 === 0) await db.deleteFrom('rate_budgets').where('expires_at', '<', nowMs).execute();
      const w = windowAt(nowMs, l.windowMs);
      // What the window before still weighs (its part that overlaps the last window length),
      // in integers as `windowAt` computes it; then the current window is checked and
      // counted, both in one statement.
      const overlap = w.start + l.windowMs - nowMs;
      const carried = sql`coalesce((select cast(cast(p.used as bigint) * cast(${overlap} as bigint) / cast(${l.windowMs} as bigint) as integer) from rate_budgets p where p."key" = ${key} and p.window_start = cast(${w.previous} as bigint)), 0)`;
      const r = await sql<{ used: number }>`insert into rate_budgets ("key", window_start, used, expires_at)
        select cast(${key} as text), cast(${w.start} as bigint), 1, cast(${w.start + 2 * l.windowMs} as bigint) where ${carried} < cast(${l.limit} as integer)
        on conflict ("key", window_start) do update set used = rate_budgets.used + 1 where rate_budgets.used + ${carried} < cast(${l.limit} as integer)
        returning used`.execute(db);
      return r.rows.length > 0;
    },
    async used(key, l) {
      const { carried, current } = await state(key, l);
      return carried + current;
    },
  };
}
