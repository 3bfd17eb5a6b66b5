import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { IndexScope, SealedSubject } from './vault.types.ts';

type Db = Kysely<Database> | Transaction<Database>;
const CHUNK = 500;

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export type DataKeyRow = { readonly token: string; readonly dekVersion: number; readonly kekVersion: number; readonly wrapped: Buffer };

/**
 * The vault's tables and nothing else: subjects, their sealed fields and masks, blind
 * indexes, and (apart, in the key store) the wrapped data keys. Every method takes an
 * optional transaction.
 */
export function createVaultRepo(db: Kysely<Database>) {
  return {
    transaction: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => db.transaction().execute(fn),

    /** Stores wrapped data keys (in the key store, its own transaction: written before the data). */
    async insertDataKeys(rows: readonly DataKeyRow[], createdAt: string, tx: Db = db): Promise<void> {
      for (const c of chunks(rows)) {
        await tx
          .insertInto('cloak_keys.vault_data_keys')
          .values(c.map((r) => ({ token: r.token, dek_version: r.dekVersion, kek_version: r.kekVersion, wrapped: r.wrapped, created_at: createdAt })))
          .execute();
      }
    },

    /** Stores sealed subjects with their fields and indexes (call inside one transaction). */
    async insertSubjects(subjects: readonly SealedSubject[], createdAt: string, dekVersion: number, tx: Db = db): Promise<void> {
      for (const c of chunks(subjects)) {
        await tx
          .insertInto('vault_subjects')
          .values(c.map((s) => ({ token: s.token, kind: s.kind, external_id: s.externalId, dek_version: dekVersion, created_at: createdAt, erased_at: null })))
          .execute();
      }
      const fields = subjects.flatMap((s) => s.fields.map((f) => ({ token: s.token, field: f.field, sealed: f.sealed, mask: f.mask })));
      for (const c of chunks(fields)) await tx.insertInto('vault_fields').values(c).execute();
      const index = subjects.flatMap((s) => s.index.map((i) => ({ scope: i.scope, hash: i.hash, token: s.token })));
      for (const c of chunks(index)) await tx.insertInto('vault_index').values(c).execute();
    },

    /** Tokens of the subjects of `kind` that already have these external ids. */
    async tokensByExternalId(kind: string, externalIds: readonly string[], tx: Db = db): Promise<Map<string, string>> {
      const found = new Map<string, string>();
      for (const c of chunks(externalIds)) {
        const rows = await tx.selectFrom('vault_subjects').select(['external_id', 'token']).where('kind', '=', kind).where('external_id', 'in', c).execute();
        for (const r of rows) found.set(r.external_id!, r.token);
      }
      return found;
    },

    async getSubject(token: string, tx: Db = db) {
      return tx.selectFrom('vault_subjects').selectAll().where('token', '=', token).executeTakeFirst();
    },

    async getMasks(token: string, tx: Db = db): Promise<{ field: string; mask: string }[]> {
      return tx.selectFrom('vault_fields').select(['field', 'mask']).where('token', '=', token).orderBy('field').execute();
    },

    async getSealedField(token: string, field: string, tx: Db = db) {
      return tx.selectFrom('vault_fields').select(['sealed']).where('token', '=', token).where('field', '=', field).executeTakeFirst();
    },

    async getDataKey(token: string, tx: Db = db): Promise<DataKeyRow | undefined> {
      const r = await tx.selectFrom('cloak_keys.vault_data_keys').selectAll().where('token', '=', token).executeTakeFirst();
      return r && { token: r.token, dekVersion: r.dek_version, kekVersion: r.kek_version, wrapped: r.wrapped };
    },

    /** Tokens of live subjects whose blind index in `scope` equals `hash`. */
    async findByIndex(scope: IndexScope, hash: Buffer, limit: number, tx: Db = db): Promise<string[]> {
      const rows = await tx
        .selectFrom('vault_index')
        .innerJoin('vault_subjects', 'vault_subjects.token', 'vault_index.token')
        .select('vault_index.token')
        .where('vault_index.scope', '=', scope)
        .where('vault_index.hash', '=', hash)
        .where('vault_subjects.erased_at', 'is', null)
        .orderBy('vault_index.token')
        .limit(limit)
        .execute();
      return rows.map((r) => r.token);
    },

    /** Destroys a subject's wrapped data key: the crypto-shred. */
    async deleteDataKey(token: string, tx: Db = db): Promise<boolean> {
      const r = await tx.deleteFrom('cloak_keys.vault_data_keys').where('token', '=', token).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    /** Removes what is left of an erased subject (ciphertexts, masks, indexes) and marks it erased. */
    async eraseSubjectData(token: string, erasedAt: string, tx: Db = db): Promise<void> {
      await tx.deleteFrom('vault_fields').where('token', '=', token).execute();
      await tx.deleteFrom('vault_index').where('token', '=', token).execute();
      await tx.updateTable('vault_subjects').set({ erased_at: erasedAt }).where('token', '=', token).where('erased_at', 'is', null).execute();
    },

    /** Data keys still wrapped under another KEK version than `active`. */
    async keysNotUnder(active: number, limit: number, tx: Db = db): Promise<DataKeyRow[]> {
      const rows = await tx.selectFrom('cloak_keys.vault_data_keys').selectAll().where('kek_version', '!=', active).orderBy('token').limit(limit).execute();
      return rows.map((r) => ({ token: r.token, dekVersion: r.dek_version, kekVersion: r.kek_version, wrapped: r.wrapped }));
    },

    /** Replaces a wrapped key, only if it is still wrapped under `fromVersion` (another rewrapper may have won). */
    async replaceWrapped(token: string, fromVersion: number, toVersion: number, wrapped: Buffer, tx: Db = db): Promise<boolean> {
      const r = await tx
        .updateTable('cloak_keys.vault_data_keys')
        .set({ kek_version: toVersion, wrapped })
        .where('token', '=', token)
        .where('kek_version', '=', fromVersion)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async countKeysByVersion(tx: Db = db): Promise<Map<number, number>> {
      const rows = await tx
        .selectFrom('cloak_keys.vault_data_keys')
        .select(['kek_version', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy('kek_version')
        .execute();
      return new Map(rows.map((r) => [r.kek_version, Number(r.n)]));
    },

    /**
     * Deletes data keys whose subject was never written (a crash between the key store's
     * commit and the data's), once older than `before` so a write in flight is left alone.
     */
    async deleteOrphanKeys(before: string, tx: Db = db): Promise<number> {
      const r = await tx
        .deleteFrom('cloak_keys.vault_data_keys')
        .where('created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('vault_subjects').select('vault_subjects.token').whereRef('vault_subjects.token', '=', 'cloak_keys.vault_data_keys.token'))),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async countSubjects(tx: Db = db): Promise<number> {
      const r = await tx.selectFrom('vault_subjects').select((eb) => eb.fn.countAll<string | number>().as('n')).where('erased_at', 'is', null).executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type VaultRepo = ReturnType<typeof createVaultRepo>;
