import type { Kysely } from 'kysely';
import type { CanariesTables } from './canaries.tables.ts';

type CanaryRow = CanariesTables['canaries'];

/** The canaries capability's table: which subjects are canaries, and the channel each was planted in. */
export function createCanariesRepo(db: Kysely<CanariesTables>) {
  return {
    /** Every canary (a few per channel: small enough to hold in memory). */
    allCanaries: () => db.selectFrom('canaries').selectAll().execute(),

    /** Records newly planted canaries. */
    insertCanaries: (rows: readonly CanaryRow[]) =>
      db
        .insertInto('canaries')
        .values([...rows])
        .execute(),

    /** The tokens of the canaries planted in one channel. */
    async tokensOfChannel(channel: string): Promise<string[]> {
      return (await db.selectFrom('canaries').select('token').where('channel', '=', channel).execute()).map(
        (r) => r.token,
      );
    },

    /** Every canary, newest first (ties by token). */
    newestFirst: () => db.selectFrom('canaries').selectAll().orderBy('created_at', 'desc').orderBy('token').execute(),

    /** The canaries among these tokens, looked up 500 at a time. */
    async among(tokens: readonly string[]): Promise<CanaryRow[]> {
      const out: CanaryRow[] = [];
      for (let i = 0; i < tokens.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('canaries')
            .selectAll()
            .where('token', 'in', tokens.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
  };
}
export type CanariesRepo = ReturnType<typeof createCanariesRepo>;
