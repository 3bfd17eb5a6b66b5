import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../lib/clock.ts';
import { windowAt, type Limit, type RateBudgets } from '../lib/ratelimit.ts';
import type { Database } from './schema.ts';

/**
 * Rate budgets in the `rate_budgets` table: one row per key and fixed window. A take is one
 * conditional upsert (`INSERT … ON CONFLICT DO UPDATE SET used = used + 1 WHERE used < n
 * RETURNING`), so of concurrent takes on PostgreSQL or SQLite exactly the budget passes;
 * a refused take writes nothing. Windows two lengths old are dropped now and then.
 * @example const budgets = createRateBudgets(db, clock); await budgets.take('export:s-1', { limit: 3, windowMs: 86_400_000 });
 */
export function createRateBudgets(db: Kysely<Database> | Transaction<Database>, clock: Clock): RateBudgets {
  let takes = 0;
  async function state(key: string, l: Limit) {
    const w = windowAt(clock.now().getTime(), l.windowMs);
    const rows = await db.selectFrom('rate_budgets').select(['window_start', 'used']).where('key', '=', key).where('window_start', 'in', [w.previous, w.start]).execute();
    const of = (start: number) => Number(rows.find((r) => Number(r.window_start) === start)?.used ?? 0);
    return { w, carried: w.carried(of(w.previous)), current: of(w.start) };
  }
  return {
    async take(key, l) {
      if (++takes % 1000 === 0) await db.deleteFrom('rate_budgets').where('expires_at', '<', clock.now().getTime()).execute();
      // The window before is closed (no take writes to it any more), so its weight is read
      // first; the current window is checked and counted in one statement.
      const { w, carried } = await state(key, l);
      const left = l.limit - carried;
      if (left <= 0) return false;
      const r = await db
        .insertInto('rate_budgets')
        .values({ key, window_start: w.start, used: 1, expires_at: w.start + 2 * l.windowMs })
        .onConflict((oc) =>
          oc
            .columns(['key', 'window_start'])
            .doUpdateSet((eb) => ({ used: eb('rate_budgets.used', '+', 1) }))
            .where('rate_budgets.used', '<', left),
        )
        .returning('used')
        .executeTakeFirst();
      return r !== undefined;
    },
    async used(key, l) {
      const { carried, current } = await state(key, l);
      return carried + current;
    },
  };
}
