import type { Kysely } from 'kysely';
import type { StoreTables } from './store.tables.ts';

/**
 * Facts about the database itself (`cloak_meta`: one value per key), such as which keyring
 * it belongs to. Read and written at start by the composition root.
 * @example const fp = await createMetaRepo(tablesOf(store.db)).metaValue('keyring_fingerprint');
 */
export function createMetaRepo(db: Kysely<StoreTables>) {
  return {
    /** The value recorded under `key`, or undefined if none is. */
    async metaValue(key: string): Promise<string | undefined> {
      return (await db.selectFrom('cloak_meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    /** Records a value under a key not yet recorded (a second insert of the key fails). */
    insertMeta: (key: string, value: string) => db.insertInto('cloak_meta').values({ key, value }).execute(),
  };
}
export type MetaRepo = ReturnType<typeof createMetaRepo>;
