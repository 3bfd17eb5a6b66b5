import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import { InvalidInput, NotFound } from '../lib/errors.ts';
import { chainLines } from './chain.fns.ts';
import { encodeEntryForms, publicEntry, SALT_BYTES, type AuditEntry, type AuditRecord } from './entry.ts';
import type { AuditRepo, CheckpointRow, EntryRow } from './log.repo.ts';
import { consistencyProofFrom, inclusionProofFrom, leafHash, nodeHash, rootOf } from './merkle.ts';
import { formatCheckpoint, signNote, verifierKeyOf, type NoteSigner } from './note.ts';
import {
  entryBundle,
  perfectRoot,
  perfectRootOfBlob,
  rootFromEdge,
  splitHashes,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileWidth,
} from './tiles.fns.ts';

/** A stored entry, as the log's readers get it (the repository's own type, for other capabilities). */
export type { EntryRow };

export type AuditLogDeps = {
  repo: AuditRepo;
  signer: NoteSigner;
  clock: Clock;
  log: Logger;
  /** A checkpoint is signed at least this often while entries arrive. */
  checkpointIntervalMs?: number;
};

export type SignedCheckpoint = { readonly size: number; readonly root: Buffer; readonly note: string };

type Waiter = { records: readonly AuditRecord[]; resolve: (e: AuditEntry[]) => void; reject: (err: unknown) => void };
type Node = { height: number; index: number };

/** Most entries written in one transaction; more wait for the next. */
const MAX_BATCH = 20_000;
/**
 * Full tiles never change, so proofs keep them in memory: every tile above level 0 (one per
 * 65,536 entries), and the most recent of the level-0 tiles, which a random proof rarely
 * meets twice (a larger cache only gave the collector more to walk).
 */
const LEAF_TILE_CACHE = 256;

/**
 * The append-only audit log: an RFC 9162 Merkle tree over the entries, stored as c2sp.org/tlog-tiles
 * hash tiles, with C2SP signed checkpoints. `append` resolves once the entries are committed
 * (concurrent appends share one transaction); a checkpoint follows within the interval.
 * @example const [e] = await audit.append([{ kind: 'reveal', actor: 'staff:u-1', subject: tok, result: 'ok' }]);
 */
export function createAuditLog(deps: AuditLogDeps) {
  const { repo, signer, clock, log } = deps;
  const interval = deps.checkpointIntervalMs ?? 1000;
  const origin = signer.name;
  const queue: Waiter[] = [];
  let draining: Promise<void> | undefined;
  // The right edge of the tree (the hashes of the tile still filling at each level), valid for `edgeSize`.
  let edge: Buffer[][] = [];
  let edgeSize = -1;
  let lastCheckpoint: { size: number; at: number } | undefined;
  // Kept as one Buffer a tile: a quarter of a million small Buffers made the collector pause for tens of ms.
  const tileCache = new Map<string, Buffer>();
  const leafTiles: string[] = [];
  // Roots of the complete pieces of the right edge: they do not change until their tile fills.
  const memo = new Map<string, Buffer>();
  // Started by the first append: a process that only reads the log (`cloak audit verify`)
  // must never sign whatever head it finds.
  let timer: NodeJS.Timeout | undefined;

  async function tick(): Promise<void> {
    try {
      await checkpoint();
    } catch (err) {
      log.error({ err }, 'audit: could not sign a checkpoint');
    }
  }

  async function loadEdge(
    tx: Parameters<Parameters<AuditRepo['transaction']>[0]>[0],
    size: number,
  ): Promise<Buffer[][]> {
    const e: Buffer[][] = [];
    for (let L = 0, count = size; count > 0; L++, count = Math.floor(count / TILE_WIDTH)) {
      const w = count % TILE_WIDTH;
      const blob = w > 0 ? await repo.tile(L, Math.floor(count / TILE_WIDTH), tx) : undefined;
      e[L] = blob ? splitHashes(blob).slice(0, w) : [];
    }
    return e;
  }

  /**
   * Starts the writer unless it runs or is about to. It starts on the next microtask, so that
   * appends made by the callers its last batch just released join one batch instead of the
   * first going alone. Records queued just as it finished (its promise settled but `finally`
   * not yet run) would otherwise wait forever: so `finally` looks again.
   */
  let starting = false;
  function kick(): void {
    if (!timer) {
      timer = setInterval(() => void tick(), interval);
      timer.unref();
    }
    if (draining || starting) return;
    starting = true;
    queueMicrotask(() => {
      starting = false;
      draining = drain().finally(() => {
        draining = undefined;
        if (queue.length > 0) kick();
      });
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch: Waiter[] = [];
      let n = 0;
      while (queue.length > 0 && (n === 0 || n + queue[0]!.records.length <= MAX_BATCH)) {
        const w = queue.shift()!;
        batch.push(w);
        n += w.records.length;
      }
      try {
        const out = await write(batch.flatMap((w) => w.records));
        let o = 0;
        for (const w of batch) {
          w.resolve(out.slice(o, o + w.records.length));
          o += w.records.length;
        }
      } catch (err) {
        // The transaction rolled back: the edge in memory is the committed one, but the memo may
        // hold pieces of what was not committed.
        memo.clear();
        for (const w of batch) w.reject(err);
      }
      if (lastCheckpoint === undefined || clock.now().getTime() - lastCheckpoint.at >= interval) await tick();
    }
  }

  async function write(records: readonly AuditRecord[]): Promise<AuditEntry[]> {
    const at = clock.now().toISOString();
    const result = await repo.transaction(async (tx) => {
      const head = await repo.lockHead(tx);
      // Another node may have appended since: then the edge is read again from its tiles.
      const fresh = head.size !== edgeSize;
      const e = fresh ? await loadEdge(tx, head.size) : edge.map((t) => t.slice());
      if (fresh) memo.clear();
      const dirty = new Map<string, { level: number; idx: number; hashes: Buffer[] }>();
      const rows: EntryRow[] = [];
      let size = head.size;
      // Every entry's own random salt (README: the stored and the public form).
      const salts = randomBytes(SALT_BYTES * records.length);
      for (const [n, r] of records.entries()) {
        const { body, pub } = encodeEntryForms(size, at, r, salts.subarray(n * SALT_BYTES, (n + 1) * SALT_BYTES));
        let h = leafHash(pub);
        rows.push({
          idx: size,
          at,
          kind: r.kind,
          actor: r.actor,
          subject: r.subject ?? null,
          result: r.result ?? null,
          body,
          leaf: h,
        });
        size += 1;
        for (let L = 0, count = size; ; L++, count /= TILE_WIDTH) {
          const tile = (e[L] ??= []);
          tile.push(h);
          const idx = Math.floor((count - 1) / TILE_WIDTH);
          // Level 0 is stored once complete (until then its leaves are the entries' own);
          // higher levels change once per 256 entries below them, and are kept as they fill.
          if (L > 0 || tile.length === TILE_WIDTH) dirty.set(`${L}/${idx}`, { level: L, idx, hashes: tile });
          if (tile.length < TILE_WIDTH) break;
          h = perfectRoot(tile);
          e[L] = [];
          memo.clear();
        }
      }
      const root = rootFromEdge(e, memo);
      await repo.insertEntries(tx, rows);
      await repo.putTiles(
        tx,
        [...dirty.values()].map((t) => ({ level: t.level, idx: t.idx, hashes: Buffer.concat(t.hashes) })),
      );
      await repo.setHead(tx, size, root);
      return { e, size, rows };
    });
    edge = result.e;
    edgeSize = result.size;
    return result.rows.map((r) => ({ index: r.idx, at: r.at, body: r.body }));
  }

  /** Signs a checkpoint of the current tree if it grew since the last one; returns the latest. */
  async function checkpoint(): Promise<SignedCheckpoint> {
    const [head, last] = await Promise.all([repo.head(), repo.latestCheckpoint()]);
    if (last && last.size >= head.size) {
      lastCheckpoint ??= { size: last.size, at: clock.now().getTime() };
      return last;
    }
    // Under the log's write lock: checkpoints are signed one at a time, across nodes too, each
    // naming the one before it (chain.fns.ts).
    const signed = await repo.transaction(async (tx) => {
      const h = await repo.lockHead(tx);
      const l = await repo.latestCheckpoint(tx);
      if (l && l.size >= h.size) return l;
      const at = clock.now().toISOString();
      const extensions = chainLines({ at, previous: l ? l.size : null });
      const note = signNote(formatCheckpoint({ origin, size: BigInt(h.size), rootHash: h.root, extensions }), [signer]);
      const row: CheckpointRow = { size: h.size, root: h.root, note, at };
      await repo.putCheckpoint(tx, row);
      return row;
    });
    lastCheckpoint = { size: signed.size, at: clock.now().getTime() };
    return signed;
  }

  /** Complete tree nodes that make up MTH(D[lo:hi]), largest first (ranges from the proof recursion). */
  function nodesOf(lo: number, hi: number): Node[] {
    const out: Node[] = [];
    while (lo < hi) {
      let k = 1;
      while (lo % (k * 2) === 0 && lo + k * 2 <= hi) k *= 2;
      out.push({ height: Math.log2(k), index: lo / k });
      lo += k;
    }
    return out;
  }
  const tileOf = (n: Node) => {
    const L = Math.floor(n.height / TILE_HEIGHT);
    const span = 2 ** (n.height % TILE_HEIGHT);
    const first = n.index * span;
    return { level: L, idx: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, span };
  };

  /** Runs a proof generator over the stored tiles: first to learn which tiles it needs, then for real. */
  async function fromTiles<T>(generate: (range: (lo: number, hi: number) => Buffer) => T): Promise<T> {
    const needed = new Map<string, { level: number; idx: number }>();
    const zero = Buffer.alloc(32);
    generate((lo, hi) => {
      for (const n of nodesOf(lo, hi)) {
        const t = tileOf(n);
        const key = `${t.level}/${t.idx}`;
        if (!tileCache.has(key)) needed.set(key, t);
      }
      return zero;
    });
    const fetched = await repo.tiles([...needed.values()]);
    for (const [key, blob] of fetched) {
      if (blob.length === TILE_WIDTH * 32) {
        if (key.startsWith('0/')) {
          if (leafTiles.length >= LEAF_TILE_CACHE) tileCache.delete(leafTiles.shift()!);
          leafTiles.push(key);
        }
        tileCache.set(key, blob);
      }
    }
    return generate((lo, hi) => {
      const hashes = nodesOf(lo, hi).map((n) => {
        const t = tileOf(n);
        const tile = tileCache.get(`${t.level}/${t.idx}`) ?? fetched.get(`${t.level}/${t.idx}`);
        if (!tile || tile.length < (t.offset + t.span) * 32)
          throw new Error(`audit: tile ${t.level}/${t.idx} is missing hashes`);
        return perfectRootOfBlob(tile, t.offset, t.span);
      });
      let acc = hashes[hashes.length - 1]!;
      for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
      return acc;
    });
  }

  function checkSizes(a: number, b: number, size: number, what: string): void {
    if (
      !Number.isSafeInteger(a) ||
      !Number.isSafeInteger(b) ||
      a < 0 ||
      b > size ||
      a >= b + (what === 'consistency' ? 1 : 0)
    )
      throw new InvalidInput(`no ${what} proof for these sizes: the log has ${size} entries`, [
        { path: '/', problem: 'out of range' },
      ]);
  }

  return {
    origin,
    /** The verifier key (c2sp.org/signed-note) that checks this log's checkpoints. */
    verifierKey: verifierKeyOf(signer),

    /** Appends records; resolves with their entries once committed. */
    append(records: readonly AuditRecord[]): Promise<AuditEntry[]> {
      if (records.length === 0) return Promise.resolve([]);
      return new Promise<AuditEntry[]>((resolve, reject) => {
        queue.push({ records, resolve, reject });
        kick();
      });
    },

    checkpoint,

    /** The latest signed checkpoint, signing one first if entries were added since. */
    async latest(): Promise<SignedCheckpoint> {
      return checkpoint();
    },

    async head(): Promise<{ size: number; root: Buffer }> {
      return repo.head();
    },

    /**
     * The inclusion proof of entry `index` in the tree of `size` entries (default: the latest
     * checkpoint): `entry` is its public form (the leaf's bytes), `stored` its stored bytes
     * (salt and values in clear: for staff only).
     */
    async inclusion(
      index: number,
      size?: number,
    ): Promise<{ index: number; size: number; entry: Buffer; stored: Buffer; proof: Buffer[] }> {
      const treeSize = size ?? (await checkpoint()).size;
      const head = await repo.head();
      if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize || treeSize > head.size)
        throw new InvalidInput(
          `no inclusion proof of entry ${index} in a tree of ${treeSize}: the log has ${head.size} entries`,
          [{ path: '/index', problem: 'out of range' }],
        );
      const row = await repo.entry(index);
      if (!row) throw new NotFound(`entry ${index} is not in the log`);
      const proof = await fromTiles((range) => inclusionProofFrom(index, treeSize, range));
      return { index, size: treeSize, entry: publicEntry(row.body) ?? row.body, stored: row.body, proof };
    },

    /** The consistency proof between two sizes of the log. */
    async consistency(from: number, to: number): Promise<{ from: number; to: number; proof: Buffer[] }> {
      const head = await repo.head();
      checkSizes(from, to, head.size, 'consistency');
      if (from === 0) return { from, to, proof: [] };
      const proof = await fromTiles((range) => consistencyProofFrom(from, to, range));
      return { from, to, proof };
    },

    /** The root of the tree of `size` entries, from the stored tiles. */
    async rootAt(size: number): Promise<Buffer> {
      const head = await repo.head();
      checkSizes(0, size, head.size, 'root');
      if (size === 0) return rootOf([]);
      return fromTiles((range) => range(0, size));
    },

    /** A hash tile as tlog-tiles serves it; undefined when the log has not that many hashes there yet. */
    async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
      const cp = await repo.latestCheckpoint();
      if (!cp || tileWidth(cp.size, level, index) < width) return undefined;
      const blob = await repo.tile(level, index);
      return blob && blob.length >= width * 32 ? blob.subarray(0, width * 32) : undefined;
    },

    /** An entry bundle (tile/entries/N[.p/W]). */
    async entries(index: number, width: number): Promise<Buffer | undefined> {
      const cp = await repo.latestCheckpoint();
      if (!cp || tileWidth(cp.size, 0, index) < width) return undefined;
      const rows = await repo.entries(index * TILE_WIDTH, index * TILE_WIDTH + width);
      if (rows.length !== width) return undefined;
      return entryBundle(rows.map((r) => publicEntry(r.body) ?? r.body));
    },

    /** Entries matching filters, newest first (the dashboard's access explorer). */
    search: repo.search,

    /** Entries about one customer, of the given kinds. */
    entriesOfSubject: repo.entriesOfSubject,

    /** One actor's latest entries, newest first (an entity's timeline). */
    recentOfActor: repo.recentOfActor,

    /** Entries of a kind since a time, counted by hour and result (the dashboard's charts). */
    countByHour: repo.countByHour,

    /** The actor and result of every entry of `kinds` about these subjects (in bulk: tracing a leak). */
    actorsOfSubjects: repo.actorsOfSubjects,

    /** Counts an actor's entries of a kind and results since a time (quotas). */
    countByActor: repo.countByActor,

    /**
     * Stops the timer and, if this process appended entries, signs a last checkpoint of them.
     * One that appended nothing signs nothing: `cloak audit verify` must not sign a head it
     * has just found tampered with (nor any other command a head it did not write).
     */
    async close(): Promise<void> {
      clearInterval(timer);
      while (draining || starting || queue.length > 0) await (draining ?? new Promise((r) => setImmediate(r)));
      if (edgeSize >= 0)
        await checkpoint().catch((err: unknown) => log.error({ err }, 'audit: could not sign the last checkpoint'));
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
