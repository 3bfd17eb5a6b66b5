import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../store/db.ts';
import type { Database } from '../store/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type EntryRow = { readonly idx: number; readonly at: string; readonly kind: string; readonly actor: string; readonly subject: string | null; readonly result: string | null; readonly body: Buffer };
export type CheckpointRow = { readonly size: number; readonly root: Buffer; readonly note: string; readonly at: string };

const toEntry = (r: Database['audit_entries']): EntryRow => ({ ...r, idx: Number(r.idx), body: Buffer.from(r.body) });
const toCheckpoint = (r: Database['audit_checkpoints']): CheckpointRow => ({ ...r, size: Number(r.size), root: Buffer.from(r.root) });

/** The audit log's tables, and nothing else. */
export function createAuditRepo(store: Pick<Store, 'db' | 'insertRows'>) {
  const { db } = store;
  return {
    transaction: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => db.transaction().execute(fn),

    /** Takes the log's write lock (the head row) for the rest of the transaction, and reads the head. */
    async lockHead(tx: Transaction<Database>): Promise<{ size: number; root: Buffer }> {
      // A write first: SQLite takes its write lock here, PostgreSQL locks the row until commit.
      await tx.updateTable('audit_head').set({ id: sql<number>`id` }).where('id', '=', 1).execute();
      const h = await tx.selectFrom('audit_head').select(['size', 'root']).where('id', '=', 1).executeTakeFirstOrThrow();
      return { size: Number(h.size), root: Buffer.from(h.root) };
    },

    async head(d: Db = db): Promise<{ size: number; root: Buffer }> {
      const h = await d.selectFrom('audit_head').select(['size', 'root']).where('id', '=', 1).executeTakeFirstOrThrow();
      return { size: Number(h.size), root: Buffer.from(h.root) };
    },

    async setHead(tx: Transaction<Database>, size: number, root: Buffer): Promise<void> {
      await tx.updateTable('audit_head').set({ size, root }).where('id', '=', 1).execute();
    },

    async insertEntries(tx: Transaction<Database>, rows: readonly EntryRow[]): Promise<void> {
      await store.insertRows(
        tx,
        'audit_entries',
        ['idx', 'at', 'kind', 'actor', 'subject', 'result', 'body'],
        rows.map((r) => [r.idx, r.at, r.kind, r.actor, r.subject, r.result, r.body]),
      );
    },

    async putTiles(tx: Transaction<Database>, tiles: readonly { level: number; idx: number; hashes: Buffer }[]): Promise<void> {
      for (const t of tiles) {
        await tx
          .insertInto('audit_tiles')
          .values(t)
          .onConflict((oc) => oc.columns(['level', 'idx']).doUpdateSet({ hashes: (eb) => eb.ref('excluded.hashes') }))
          .execute();
      }
    },

    async tile(level: number, idx: number, d: Db = db): Promise<Buffer | undefined> {
      const r = await d.selectFrom('audit_tiles').select('hashes').where('level', '=', level).where('idx', '=', idx).executeTakeFirst();
      return r ? Buffer.from(r.hashes) : undefined;
    },

    async tiles(keys: readonly { level: number; idx: number }[]): Promise<Map<string, Buffer>> {
      const out = new Map<string, Buffer>();
      if (keys.length === 0) return out;
      const rows = await db
        .selectFrom('audit_tiles')
        .select(['level', 'idx', 'hashes'])
        .where((eb) => eb.or(keys.map((k) => eb.and([eb('level', '=', k.level), eb('idx', '=', k.idx)]))))
        .execute();
      for (const r of rows) out.set(`${r.level}/${Number(r.idx)}`, Buffer.from(r.hashes));
      return out;
    },

    /** Entries with from ≤ idx < to, in order (at most `limit`). */
    async entries(from: number, to: number, limit = 100_000): Promise<EntryRow[]> {
      const rows = await db.selectFrom('audit_entries').selectAll().where('idx', '>=', from).where('idx', '<', to).orderBy('idx').limit(limit).execute();
      return rows.map(toEntry);
    },

    async entry(idx: number): Promise<EntryRow | undefined> {
      const r = await db.selectFrom('audit_entries').selectAll().where('idx', '=', idx).executeTakeFirst();
      return r ? toEntry(r) : undefined;
    },

    async entriesOfSubject(subject: string, kinds: readonly string[]): Promise<EntryRow[]> {
      const rows = await db.selectFrom('audit_entries').selectAll().where('subject', '=', subject).where('kind', 'in', kinds).orderBy('idx').execute();
      return rows.map(toEntry);
    },

    /** How many entries of `kind` by `actor` with one of `results` since `since`. */
    async countByActor(actor: string, kind: string, results: readonly string[], since: string): Promise<number> {
      const r = await db
        .selectFrom('audit_entries')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('actor', '=', actor)
        .where('kind', '=', kind)
        .where('at', '>=', since)
        .where('result', 'in', results)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async latestCheckpoint(): Promise<CheckpointRow | undefined> {
      const r = await db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
      return r ? toCheckpoint(r) : undefined;
    },

    async checkpoints(): Promise<CheckpointRow[]> {
      return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('size').execute()).map(toCheckpoint);
    },

    async checkpointAt(size: number): Promise<CheckpointRow | undefined> {
      const r = await db.selectFrom('audit_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
      return r ? toCheckpoint(r) : undefined;
    },

    /** Records a checkpoint; another node having signed the same size first is fine. */
    async putCheckpoint(c: CheckpointRow): Promise<void> {
      await db.insertInto('audit_checkpoints').values(c).onConflict((oc) => oc.column('size').doNothing()).execute();
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
