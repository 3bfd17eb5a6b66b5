import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../store/db.ts';
import type { AuditTables } from './audit.tables.ts';

type Db = Kysely<AuditTables> | Transaction<AuditTables>;

export type EntryRow = {
  readonly idx: number;
  readonly at: string;
  readonly kind: string;
  readonly actor: string;
  readonly subject: string | null;
  readonly result: string | null;
  readonly body: Buffer;
  readonly leaf: Buffer;
  /**
   * Set on rows read back: true when the body or leaf came back as text: Cloak writes both as bytes, so a text
   * value means the row was retyped behind its back (SQLite keeps whatever type is stored).
   */
  readonly retyped?: boolean;
};
/**
 * What to search the log for: every given filter must hold. `contains` are exact byte strings
 * the entry's body must hold (e.g. `"purpose":"ticket_followup"`, a key and value of its data).
 */
export type EntrySearch = {
  readonly actor?: string | undefined;
  readonly subject?: string | undefined;
  readonly kind?: string | undefined;
  /** at ≥ from, at < to (ISO 8601, UTC). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Only entries with idx < before (the next page of a newest-first listing). */
  readonly before?: number | undefined;
  readonly contains?: readonly Buffer[] | undefined;
  readonly limit: number;
};
export type CheckpointRow = {
  readonly size: number;
  readonly root: Buffer;
  readonly note: string;
  readonly at: string;
};

const toEntry = (r: AuditTables['audit_entries']): EntryRow => ({
  ...r,
  idx: Number(r.idx),
  body: Buffer.from(r.body),
  leaf: Buffer.from(r.leaf),
  retyped: typeof (r.body as unknown) === 'string' || typeof (r.leaf as unknown) === 'string',
});
const toCheckpoint = (r: AuditTables['audit_checkpoints']): CheckpointRow => ({
  ...r,
  size: Number(r.size),
  root: Buffer.from(r.root),
});

/** The audit log's tables, and nothing else. */
export function createAuditRepo(store: Pick<Store<AuditTables>, 'db' | 'insertRows' | 'dialect'>) {
  const { db } = store;
  // The statements of every append and reveal, written once: built through the query
  // builder they allocated ~50 KB a reveal, and the young-generation collections that
  // followed were most of the reveal's 99th percentile.
  const $ = (n: number) => (store.dialect === 'postgres' ? `$${n}` : '?');
  const LOCK_HEAD = 'update audit_head set id = id where id = 1';
  const READ_HEAD = 'select size, root from audit_head where id = 1';
  const SET_HEAD = `update audit_head set size = ${$(1)}, root = ${$(2)} where id = 1`;
  const COUNT = (n: number) =>
    `select count(*) as n from (select idx from audit_entries where actor = ${$(1)} and kind = ${$(2)} and at >= ${$(3)} and result in (${Array.from({ length: n }, (_, i) => $(4 + i)).join(', ')}) limit ${$(4 + n)}) as recent`;
  const headOf = (rows: unknown[]) => {
    const h = rows[0] as { size: number | string; root: Uint8Array };
    return { size: Number(h.size), root: Buffer.from(h.root) };
  };
  /**
   * A hash tile's hashes: as stored, or for a level-0 tile still filling, the leaf hashes of
   * its entries so far. Undefined when it has none.
   */
  async function tile(level: number, idx: number, d: Db = db): Promise<Buffer | undefined> {
    const r = await d
      .selectFrom('audit_tiles')
      .select('hashes')
      .where('level', '=', level)
      .where('idx', '=', idx)
      .executeTakeFirst();
    if (r) return Buffer.from(r.hashes);
    if (level !== 0) return undefined;
    const leaves = await d
      .selectFrom('audit_entries')
      .select(['idx', 'leaf'])
      .where('idx', '>=', idx * 256)
      .where('idx', '<', idx * 256 + 256)
      .orderBy('idx')
      .execute();
    // Only the leaves in place from the tile's start: a gap ends the tile.
    const out: Buffer[] = [];
    for (const l of leaves) {
      if (Number(l.idx) !== idx * 256 + out.length) break;
      out.push(Buffer.from(l.leaf));
    }
    return out.length ? Buffer.concat(out) : undefined;
  }

  return {
    transaction: <T>(fn: (trx: Transaction<AuditTables>) => Promise<T>) => db.transaction().execute(fn),

    /** Takes the log's write lock (the head row) for the rest of the transaction, and reads the head. */
    async lockHead(tx: Transaction<AuditTables>): Promise<{ size: number; root: Buffer }> {
      // A write first: SQLite takes its write lock here, PostgreSQL locks the row until commit.
      await tx.executeQuery(CompiledQuery.raw(LOCK_HEAD, []));
      return headOf((await tx.executeQuery(CompiledQuery.raw(READ_HEAD, []))).rows);
    },

    async head(d: Db = db): Promise<{ size: number; root: Buffer }> {
      return headOf((await d.executeQuery(CompiledQuery.raw(READ_HEAD, []))).rows);
    },

    /**
     * Every row of the head table (verification: there must be exactly one, id 1), with the size
     * of the latest signed checkpoint (null before the first).
     */
    async headRows(): Promise<{ id: number; size: number; root: Buffer; signed: number | null }[]> {
      const rows = await db.selectFrom('audit_head').selectAll().orderBy('id').execute();
      return rows.map((r) => ({
        id: Number(r.id),
        size: Number(r.size),
        root: Buffer.from(r.root),
        signed: r.signed_size === null ? null : Number(r.signed_size),
      }));
    },

    /** Every stored hash tile, by level and index (verification: each must be the tile the tree has there). */
    async storedTiles(): Promise<{ level: number; idx: number; hashes: Buffer }[]> {
      const rows = await db.selectFrom('audit_tiles').selectAll().orderBy('level').orderBy('idx').execute();
      return rows.map((r) => ({ level: Number(r.level), idx: Number(r.idx), hashes: Buffer.from(r.hashes) }));
    },

    async setHead(tx: Transaction<AuditTables>, size: number, root: Buffer): Promise<void> {
      await tx.executeQuery(CompiledQuery.raw(SET_HEAD, [size, root]));
    },

    async insertEntries(tx: Transaction<AuditTables>, rows: readonly EntryRow[]): Promise<void> {
      await store.insertRows(
        tx,
        'audit_entries',
        ['idx', 'at', 'kind', 'actor', 'subject', 'result', 'body', 'leaf'],
        rows.map((r) => [r.idx, r.at, r.kind, r.actor, r.subject, r.result, r.body, r.leaf]),
      );
    },

    async putTiles(
      tx: Transaction<AuditTables>,
      tiles: readonly { level: number; idx: number; hashes: Buffer }[],
    ): Promise<void> {
      for (const t of tiles) {
        await tx
          .insertInto('audit_tiles')
          .values(t)
          .onConflict((oc) => oc.columns(['level', 'idx']).doUpdateSet({ hashes: (eb) => eb.ref('excluded.hashes') }))
          .execute();
      }
    },

    tile,

    /** Several tiles by key (`level/idx`), each by its primary key: an OR of pairs scans the table on SQLite. */
    async tiles(keys: readonly { level: number; idx: number }[]): Promise<Map<string, Buffer>> {
      const out = new Map<string, Buffer>();
      for (const k of keys) {
        const t = await tile(k.level, k.idx);
        if (t) out.set(`${k.level}/${k.idx}`, t);
      }
      return out;
    },

    /** Entries with from ≤ idx < to, in order (at most `limit`). */
    async entries(from: number, to: number, limit = 100_000): Promise<EntryRow[]> {
      const rows = await db
        .selectFrom('audit_entries')
        .selectAll()
        .where('idx', '>=', from)
        .where('idx', '<', to)
        .orderBy('idx')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async entry(idx: number): Promise<EntryRow | undefined> {
      const r = await db.selectFrom('audit_entries').selectAll().where('idx', '=', idx).executeTakeFirst();
      return r ? toEntry(r) : undefined;
    },

    /** Who was given what about many subjects at once (actor and result of their entries of `kinds`), for tracing a leak. */
    async actorsOfSubjects(
      subjects: readonly string[],
      kinds: readonly string[],
    ): Promise<{ subject: string; actor: string; result: string | null }[]> {
      const out: { subject: string; actor: string; result: string | null }[] = [];
      for (let i = 0; i < subjects.length; i += 500) {
        const rows = await db
          .selectFrom('audit_entries')
          .select(['subject', 'actor', 'result'])
          .where('subject', 'in', subjects.slice(i, i + 500))
          .where('kind', 'in', kinds)
          .execute();
        for (const r of rows) out.push({ subject: r.subject!, actor: r.actor, result: r.result });
      }
      return out;
    },

    /** Entries of `kind` since `since`, counted by hour (`YYYY-MM-DDTHH`) and result, for the dashboard. */
    async countByHour(kind: string, since: string): Promise<{ hour: string; result: string; n: number }[]> {
      const rows = await db
        .selectFrom('audit_entries')
        .select((eb) => [
          eb.fn<string>('substr', ['at', eb.val(1), eb.val(13)]).as('hour'),
          'result',
          eb.fn.countAll<number | string>().as('n'),
        ])
        .where('kind', '=', kind)
        .where('at', '>=', since)
        .groupBy(['hour', 'result'])
        .orderBy('hour')
        .execute();
      return rows.map((r) => ({ hour: r.hour, result: r.result ?? '', n: Number(r.n) }));
    },

    /** The latest `limit` entries by one actor, newest first (an entity's timeline). */
    async recentOfActor(actor: string, limit: number): Promise<EntryRow[]> {
      const rows = await db
        .selectFrom('audit_entries')
        .selectAll()
        .where('actor', '=', actor)
        .orderBy('idx', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    /**
     * Entries matching `f`, newest first, each filter on an index: a kind (and an actor) walks
     * (kind, at) or (actor, kind, at) in time order, and so stops at `limit` without sorting;
     * a customer walks (subject, idx); an actor alone reads all its rows and sorts them; no
     * filter, or time alone, walks the table from the newest entry back. `contains` is tested
     * on the rows those leave (a byte search in the body) until `limit` are found: alone, on a
     * large log, it reads back as far as it must to find them.
     * `before` continues a listing after the entry of that index (in the same order).
     */
    async search(f: EntrySearch): Promise<EntryRow[]> {
      // Newest first by time where an index gives that order (the entry index breaks ties), else by index.
      const byTime = f.kind !== undefined && f.subject === undefined;
      let q = db.selectFrom('audit_entries').selectAll();
      if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
      if (f.subject !== undefined) q = q.where('subject', '=', f.subject);
      if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
      if (f.from !== undefined) q = q.where('at', '>=', f.from);
      if (f.to !== undefined) q = q.where('at', '<', f.to);
      if (f.before !== undefined) {
        const before = f.before;
        if (byTime) {
          const last = await db.selectFrom('audit_entries').select('at').where('idx', '=', before).executeTakeFirst();
          if (!last) return [];
          q = q.where('at', '<=', last.at).where((eb) => eb.or([eb('at', '<', last.at), eb('idx', '<', before)]));
        } else q = q.where('idx', '<', before);
      }
      for (const needle of f.contains ?? [])
        q = q.where(
          store.dialect === 'postgres'
            ? sql<boolean>`position(${needle} in body) > 0`
            : sql<boolean>`instr(body, ${needle}) > 0`,
        );
      q = byTime ? q.orderBy('at', 'desc').orderBy('idx', 'desc') : q.orderBy('idx', 'desc');
      return (await q.limit(f.limit).execute()).map(toEntry);
    },

    async entriesOfSubject(subject: string, kinds: readonly string[]): Promise<EntryRow[]> {
      const rows = await db
        .selectFrom('audit_entries')
        .selectAll()
        .where('subject', '=', subject)
        .where('kind', 'in', kinds)
        .orderBy('idx')
        .execute();
      return rows.map(toEntry);
    },

    /**
     * How many entries of `kind` by `actor` with one of `results` since `since`, counting no
     * further than `cap` (a quota check needs to know only whether the limit is reached, and
     * must not slow down as an actor's history grows).
     */
    async countByActor(
      actor: string,
      kind: string,
      results: readonly string[],
      since: string,
      cap = 1_000_000,
    ): Promise<number> {
      const r = await db.executeQuery(CompiledQuery.raw(COUNT(results.length), [actor, kind, since, ...results, cap]));
      return Number((r.rows[0] as { n: number | string }).n);
    },

    async latestCheckpoint(d: Db = db): Promise<CheckpointRow | undefined> {
      const r = await d.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
      return r ? toCheckpoint(r) : undefined;
    },

    async checkpoints(): Promise<CheckpointRow[]> {
      return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('size').execute()).map(toCheckpoint);
    },

    async checkpointAt(size: number): Promise<CheckpointRow | undefined> {
      const r = await db.selectFrom('audit_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
      return r ? toCheckpoint(r) : undefined;
    },

    /**
     * Records a checkpoint and names it the latest in the head row, under the log's write lock
     * (`lockHead` first): checkpoints are signed one at a time across nodes, each naming the one
     * before it.
     */
    async putCheckpoint(tx: Transaction<AuditTables>, c: CheckpointRow): Promise<void> {
      await tx.insertInto('audit_checkpoints').values(c).execute();
      await tx.updateTable('audit_head').set({ signed_size: c.size }).where('id', '=', 1).execute();
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
