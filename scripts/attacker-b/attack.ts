// An independent tamper campaign against Cloak's audit log, written without reading src/audit/,
// the author's campaign or its verifier (spec: docs/tamper-attacker-b.md).
//
//   node --import tsx scripts/attacker-b/attack.ts --db sqlite|postgres [--only name,name] [--quick] [--keep]
//
// It builds a real log through the CLI and the HTTP API only, checks `cloak audit verify` passes on
// the pristine copy, then for each attack: restores the pristine copy, applies raw SQL computed
// from the published hashing (RFC 9162, c2sp.org/tlog-tiles), runs `cloak audit verify` as its own
// process and records whether it exited non-zero with a `TAMPERED:` line.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/cloak.js');
const PG_ADMIN = process.env.CLOAK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// ---------- the published hashing ----------
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const leafHash = (body: Buffer) => sha(Buffer.from([0]), body);
const nodeHash = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
/** RFC 9162 MTH over leaf hashes. */
export function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
type Tile = { level: number; idx: number; hashes: Buffer };
/** Tiles as stored: level 0 full tiles only; higher levels full and partial (checked against the pristine copy). */
export function buildTiles(leaves: Buffer[]): Tile[] {
  const out: Tile[] = [];
  let hashes = leaves;
  for (let level = 0; hashes.length > 0; level++) {
    const full = Math.floor(hashes.length / 256);
    for (let t = 0; t < full; t++)
      out.push({ level, idx: t, hashes: Buffer.concat(hashes.slice(t * 256, t * 256 + 256)) });
    const rest = hashes.length % 256;
    if (rest > 0 && level > 0) out.push({ level, idx: full, hashes: Buffer.concat(hashes.slice(full * 256)) });
    const next: Buffer[] = [];
    for (let t = 0; t < full; t++) next.push(mth(hashes.slice(t * 256, t * 256 + 256)));
    hashes = next;
  }
  return out;
}

// ---------- a tiny SQL surface over both databases ----------
type Row = Record<string, any>;
interface Conn {
  all(q: string, p?: unknown[]): Promise<Row[]>;
  run(q: string, p?: unknown[]): Promise<void>;
  close(): Promise<void>;
}
function sqliteConn(file: string): Conn {
  const db = new Database(file);
  return {
    all: async (q, p = []) => db.prepare(q).all(...(p as any[])) as Row[],
    run: async (q, p = []) => void db.prepare(q).run(...(p as any[])),
    close: async () => void db.close(),
  };
}
async function pgConn(url: string): Promise<Conn> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const conv = (q: string) => {
    let n = 0;
    return q.replace(/\?/g, () => `$${++n}`);
  };
  return {
    all: async (q, p = []) => (await c.query(conv(q), p as any[])).rows,
    run: async (q, p = []) => void (await c.query(conv(q), p as any[])),
    close: () => c.end(),
  };
}

type Entry = {
  idx: number;
  at: string;
  kind: string;
  actor: string;
  subject: string | null;
  result: string | null;
  body: Buffer;
  leaf: Buffer;
  nonce?: string;
};
/** The public form as the API serves it: the stored form with its salt replaced by the entry's nonce (learnt from the API). */
export const publicForm = (body: Buffer, nonce: string | undefined) =>
  nonce === undefined
    ? body
    : Buffer.from(body.toString('utf8').replace(/"salt":"[^"]*"/, `"nonce":"${nonce}"`), 'utf8');
const leafOf = (e: { body: Buffer; nonce?: string }) => leafHash(publicForm(e.body, e.nonce));
type Checkpoint = { size: number; root: Buffer; note: string; at: string };
type State = { entries: Entry[]; tiles: Tile[]; head: Row[]; checkpoints: Checkpoint[] };

async function load(c: Conn): Promise<State> {
  const entries = (await c.all('select * from audit_entries order by idx')).map((r) => ({
    ...r,
    idx: Number(r.idx),
  })) as Entry[];
  const tiles = (await c.all('select * from audit_tiles order by level, idx')).map((r) => ({
    level: Number(r.level),
    idx: Number(r.idx),
    hashes: r.hashes,
  }));
  const head = await c.all('select * from audit_head');
  const checkpoints = (await c.all('select * from audit_checkpoints order by size')).map((r) => ({
    ...r,
    size: Number(r.size),
  })) as Checkpoint[];
  return { entries, tiles, head, checkpoints };
}

// ---------- recording the SQL each attack runs ----------
class Tx {
  log: string[] = [];
  constructor(readonly c: Conn) {}
  async run(q: string, p: unknown[] = []) {
    const shown = p.map((v) => (Buffer.isBuffer(v) ? `x'${v.toString('hex').slice(0, 16)}…'` : JSON.stringify(v)));
    this.log.push(`${q}${p.length ? `  -- [${shown.join(', ')}]` : ''}`);
    await this.c.run(q, p);
  }
}

const INSERT =
  'insert into audit_entries (idx, at, kind, actor, subject, result, body, leaf) values (?, ?, ?, ?, ?, ?, ?, ?)';
/** Rewrites the whole log coherently: entries (with leaves and index columns), every tile, the head's size and root. */
async function rewrite(tx: Tx, entries: Entry[], opts: { signedSize?: number | null; keepLeaf?: boolean } = {}) {
  const leaves = entries.map((e) => (opts.keepLeaf ? e.leaf : leafOf(e)));
  await tx.run('delete from audit_entries');
  for (const [i, e] of entries.entries())
    await tx.run(INSERT, [e.idx, e.at, e.kind, e.actor, e.subject, e.result, e.body, leaves[i]!]);
  await tx.run('delete from audit_tiles');
  for (const t of buildTiles(leaves))
    await tx.run('insert into audit_tiles (level, idx, hashes) values (?, ?, ?)', [t.level, t.idx, t.hashes]);
  await tx.run('update audit_head set size = ?, root = ?', [entries.length, mth(leaves)]);
  if (opts.signedSize !== undefined) await tx.run('update audit_head set signed_size = ?', [opts.signedSize]);
}

/** Edits a JSON body's fields, keeping the key order; returns new bytes. */
function editBody(body: Buffer, edit: (o: any) => void): Buffer {
  const o = JSON.parse(body.toString('utf8'));
  edit(o);
  return Buffer.from(JSON.stringify(o), 'utf8');
}
const clone = (es: Entry[]) => es.map((e) => ({ ...e }));
/** Renumbers entries 0..n-1, rewriting each body's "i" to its new index. */
const renumber = (es: Entry[]): Entry[] =>
  es.map((e, i) => ({ ...e, idx: i, body: editBody(e.body, (o) => (o.i = i)) }));

// ---------- the attacks ----------
type Attack = { name: string; what: string; outOfScope: boolean; apply: (tx: Tx, s: State) => Promise<void> };
const mid = (s: State) => Math.floor(s.entries.length / 3); // inside the first full tile
const late = (s: State) => s.entries.length - 3; // inside the last, filling tile

export function attacks(): Attack[] {
  const A: Attack[] = [];
  const add = (name: string, what: string, apply: Attack['apply'], outOfScope = false) =>
    A.push({ name, what, apply, outOfScope });
  const nobody = 'operator:nobody';

  // Edits of one entry.
  add(
    'edit.body-only',
    'change the actor inside one entry body (and its actor column), nothing else',
    async (tx, s) => {
      const e = s.entries[mid(s)]!;
      await tx.run('update audit_entries set body = ?, actor = ? where idx = ?', [
        editBody(e.body, (o) => (o.actor = nobody)),
        nobody,
        e.idx,
      ]);
    },
  );
  add(
    'edit.body+leaf',
    'edit one entry body and recompute its leaf column; tiles and head untouched',
    async (tx, s) => {
      const e = s.entries[mid(s)]!;
      const body = editBody(e.body, (o) => (o.actor = nobody));
      await tx.run('update audit_entries set body = ?, actor = ?, leaf = ? where idx = ?', [
        body,
        nobody,
        leafOf({ body, nonce: e.nonce }),
        e.idx,
      ]);
    },
  );
  for (const [where, pick] of [
    ['mid', mid],
    ['late', late],
  ] as const)
    add(
      `edit.coordinated.${where}`,
      `edit entry (${where}) body+columns, recompute leaf, tiles, head root`,
      async (tx, s) => {
        const es = clone(s.entries);
        const e = es[pick(s)]!;
        e.body = editBody(e.body, (o) => (o.actor = nobody));
        e.actor = nobody;
        await rewrite(tx, es);
      },
    );
  add('edit.coordinated.at', "move an entry's time (body and column), leaf, tiles, head recomputed", async (tx, s) => {
    const es = clone(s.entries);
    const e = es[mid(s)]!;
    const at = new Date(Date.parse(e.at) - 3600_000).toISOString();
    e.body = editBody(e.body, (o) => (o.at = at));
    e.at = at;
    await rewrite(tx, es);
  });
  add(
    'edit.coordinated.result',
    "flip an entry's result (created->refused) in body and column, full recompute",
    async (tx, s) => {
      const es = clone(s.entries);
      const e = es.find((x) => x.result === 'created' && x.idx > 5)!;
      e.body = editBody(e.body, (o) => (o.result = 'refused'));
      e.result = 'refused';
      await rewrite(tx, es);
    },
  );

  // Re-encodings: the same JSON meaning (or a parser-dependent one) in other bytes.
  const reenc = (label: string, f: (b: string) => string) => {
    const changed = (e: Entry) => {
      const b = f(e.body.toString('utf8'));
      if (b === e.body.toString('utf8')) throw new Error(`${label}: the re-encoding changes nothing`);
      return Buffer.from(b, 'utf8');
    };
    add(`reencode.${label}.raw`, `re-encode one body (${label}); leaf/tiles/head untouched`, async (tx, s) => {
      const e = s.entries[mid(s)]!;
      await tx.run('update audit_entries set body = ? where idx = ?', [changed(e), e.idx]);
    });
    add(
      `reencode.${label}.coordinated`,
      `re-encode one body (${label}), leaf, tiles, head recomputed`,
      async (tx, s) => {
        const es = clone(s.entries);
        const e = es[late(s)]!;
        e.body = changed(e);
        await rewrite(tx, es);
      },
    );
  };
  reenc('whitespace', (b) => JSON.stringify(JSON.parse(b), null, 1));
  reenc('unicode-escape', (b) =>
    b.replace(/"actor":"(.)/, (_, c: string) => `"actor":"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  reenc('escape-in-time', (b) => b.replace(/"at":"(\d+)-/, '"at":"$1\\u002d'));
  reenc('escaped-key', (b) => b.replace('"actor":', '"\\u0061ctor":'));
  reenc('key-order', (b) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(b)).reverse())));
  reenc('duplicate-key', (b) => b.replace(/}$/, `,"actor":"${nobody}"}`));
  reenc('number-form', (b) => b.replace(/^\{"v":2,/, '{"v":2.0,'));
  reenc('trailing-newline', (b) => `${b}\n`);

  // Index columns only (body, leaf, tree intact).
  const column = (col: string, value: (e: Entry) => unknown, what: string) =>
    add(`columns.${col}`, what, async (tx, s) => {
      const e = s.entries[mid(s)]!;
      await tx.run(`update audit_entries set ${col} = ? where idx = ?`, [value(e), e.idx]);
    });
  column('actor', () => nobody, 'actor index column changed, body intact (hides the entry from actor search)');
  column('kind', () => 'policy', 'kind index column changed, body intact');
  column('at', (e) => new Date(Date.parse(e.at) - 86400_000).toISOString(), 'at index column moved a day back');
  column('subject', () => 'sub_forged', 'subject index column set (attributes the entry to a customer)');
  column('result', () => 'refused', 'result index column changed, body intact');
  add('columns.leaf', "leaf column of one entry replaced by another entry's leaf", async (tx, s) => {
    await tx.run('update audit_entries set leaf = ? where idx = ?', [s.entries[0]!.leaf, s.entries[late(s)]!.idx]);
  });
  add(
    'columns.leaf+tiles+head',
    'leaf column of a late entry replaced, tiles and head root recomputed from leaf columns',
    async (tx, s) => {
      const es = clone(s.entries);
      es[late(s)]!.leaf = sha(Buffer.from('forged'));
      await rewrite(tx, es, { keepLeaf: true });
    },
  );

  // Deletions and reorders with the tree rebuilt.
  add(
    'delete.rebuilt',
    'delete one entry, renumber the rest (rewriting "i"), rebuild leaves, tiles, head',
    async (tx, s) => {
      const es = clone(s.entries);
      es.splice(mid(s), 1);
      await rewrite(tx, renumber(es));
    },
  );
  add(
    'delete.no-renumber',
    "delete one entry, keep the others' indexes, rebuild the tree over what remains",
    async (tx, s) => {
      const es = clone(s.entries);
      es.splice(mid(s), 1);
      await rewrite(tx, es);
    },
  );
  add(
    'delete.newest.rebuilt',
    'delete the newest entry with tiles and head moved back (checkpoints kept)',
    async (tx, s) => {
      await rewrite(tx, clone(s.entries).slice(0, -1));
    },
  );
  add(
    'reorder.swap.rebuilt',
    'swap two entries (bodies renumbered to their new places), rebuild tree',
    async (tx, s) => {
      const es = clone(s.entries);
      const i = mid(s);
      [es[i]!, es[i + 1]!] = [es[i + 1]!, es[i]!];
      await rewrite(tx, renumber(es));
    },
  );
  add('reorder.swap.raw', 'swap two rows (bodies keep their "i"), rebuild tiles and head', async (tx, s) => {
    const es = clone(s.entries);
    const i = mid(s);
    const [a, b] = [es[i]!, es[i + 1]!];
    es[i] = { ...b, idx: a.idx };
    es[i + 1] = { ...a, idx: b.idx };
    await rewrite(tx, es);
  });
  add('renumber.shift', "shift every entry's idx by one (bodies unchanged)", async (tx, s) => {
    await tx.run('delete from audit_entries');
    for (const e of s.entries)
      await tx.run(INSERT, [e.idx + 1, e.at, e.kind, e.actor, e.subject, e.result, e.body, e.leaf]);
  });

  // Rows outside the tree.
  const forgedRow = async (tx: Tx, s: State, i: number, subject: string | null) => {
    const e = s.entries[s.entries.length - 1]!;
    const body = editBody(e.body, (o) => {
      o.i = i;
      if (subject) o.subject = subject;
    });
    await tx.run(INSERT, [
      i,
      e.at,
      e.kind,
      e.actor,
      subject ?? e.subject,
      e.result,
      body,
      leafOf({ body, nonce: e.nonce }),
    ]);
  };
  add('row.negative-index', 'insert a coherent-looking entry at idx -1 naming a customer (outside the tree)', (tx, s) =>
    forgedRow(tx, s, -1, 'sub_forged'),
  );
  add('row.beyond-head', 'append an entry at idx=size without moving the head', (tx, s) =>
    forgedRow(tx, s, s.entries.length, null),
  );
  add('row.far-beyond-head', 'insert an entry at idx=size+1000 (a gap), head unchanged', (tx, s) =>
    forgedRow(tx, s, s.entries.length + 1000, null),
  );
  add(
    'append.forged.with-head',
    'forged entry appended with head and tiles updated (control)',
    async (tx, s) => {
      const es = clone(s.entries);
      const e = es[es.length - 1]!;
      const n = es.length;
      const at = new Date().toISOString();
      es.push({ ...e, idx: n, at, body: editBody(e.body, (o) => ((o.i = n), (o.at = at))) });
      await rewrite(tx, es);
    },
    true,
  );

  // Tiles.
  add('tile.level0.flip', 'flip one byte of the full level-0 tile', async (tx, s) => {
    const t = s.tiles.find((x) => x.level === 0)!;
    const h = Buffer.from(t.hashes);
    h[40] = (h[40] ?? 0) ^ 1;
    await tx.run('update audit_tiles set hashes = ? where level = 0 and idx = ?', [h, t.idx]);
  });
  add('tile.extra-partial', 'add a level-0 partial tile row with wrong hashes for the filling tile', async (tx, s) => {
    const full = Math.floor(s.entries.length / 256);
    await tx.run('insert into audit_tiles (level, idx, hashes) values (0, ?, ?)', [
      full,
      Buffer.alloc(32 * (s.entries.length % 256), 7),
    ]);
  });
  add('tile.extra-level', 'add a tile row at a level the tree does not have (level 5)', async (tx) => {
    await tx.run('insert into audit_tiles (level, idx, hashes) values (5, 0, ?)', [Buffer.alloc(32, 9)]);
  });
  add(
    'tile.level1.corrupt',
    'replace the level-1 tile hash (the root of the first full level-0 tile)',
    async (tx, s) => {
      const t = s.tiles.find((x) => x.level === 1);
      if (!t) throw new Error('no level-1 tile');
      await tx.run('update audit_tiles set hashes = ? where level = 1 and idx = ?', [sha(Buffer.from('x')), t.idx]);
    },
  );

  // Head.
  add('head.root', 'head root replaced by the root of the previous checkpoint', async (tx, s) => {
    await tx.run('update audit_head set root = ?', [s.checkpoints[s.checkpoints.length - 2]!.root]);
  });
  add(
    'head.signed-size-back',
    'head signed_size moved to an earlier checkpoint (all checkpoints kept)',
    async (tx, s) => {
      await tx.run('update audit_head set signed_size = ?', [s.checkpoints[s.checkpoints.length - 2]!.size]);
    },
  );
  add('head.signed-size-null', 'head signed_size set to NULL (all checkpoints kept)', async (tx) => {
    await tx.run('update audit_head set signed_size = null');
  });
  add('head.duplicate', 'a second head row', async (tx, s) => {
    const h = s.head[0]!;
    await tx.run('insert into audit_head (id, size, root, signed_size) values (2, ?, ?, ?)', [
      h.size,
      h.root,
      h.signed_size,
    ]);
  });

  // Rollbacks to an earlier consistent state.
  const to = (s: State) => s.checkpoints[Math.floor(s.checkpoints.length / 2)]!;
  add(
    'rollback.keep-checkpoints',
    'entries, tiles, head back to a middle checkpoint; checkpoints and signed_size kept',
    async (tx, s) => {
      await rewrite(tx, clone(s.entries).slice(0, to(s).size));
    },
  );
  add(
    'rollback.keep-checkpoints.signed-size',
    'rollback; all checkpoints kept; head signed_size = rollback size',
    async (tx, s) => {
      await rewrite(tx, clone(s.entries).slice(0, to(s).size), { signedSize: to(s).size });
    },
  );
  add(
    'rollback.drop-later.keep-signed-size',
    'rollback; later checkpoints deleted; signed_size left at the latest',
    async (tx, s) => {
      await rewrite(tx, clone(s.entries).slice(0, to(s).size));
      await tx.run('delete from audit_checkpoints where size > ?', [to(s).size]);
    },
  );
  add(
    'rollback.drop-later.signed-size-null',
    'rollback; later checkpoints deleted; head signed_size NULL',
    async (tx, s) => {
      await rewrite(tx, clone(s.entries).slice(0, to(s).size), { signedSize: null });
      await tx.run('delete from audit_checkpoints where size > ?', [to(s).size]);
    },
  );
  add(
    'rollback.full',
    'rollback; later checkpoints deleted; head signed_size = rollback size',
    async (tx, s) => {
      await rewrite(tx, clone(s.entries).slice(0, to(s).size), { signedSize: to(s).size });
      await tx.run('delete from audit_checkpoints where size > ?', [to(s).size]);
    },
    true,
  );
  add(
    'rollback.full.fork',
    'full rollback, then the later entries minus one re-appended (a fork: one entry erased) with head',
    async (tx, s) => {
      const cp = to(s);
      const tail = clone(s.entries).slice(cp.size + 1);
      await rewrite(tx, renumber([...clone(s.entries).slice(0, cp.size), ...tail]), { signedSize: cp.size });
      await tx.run('delete from audit_checkpoints where size > ?', [cp.size]);
    },
    true,
  );
  add(
    'rollback.empty',
    'the whole log emptied: entries, tiles, checkpoints, head reset to size 0',
    async (tx) => {
      await tx.run('delete from audit_entries');
      await tx.run('delete from audit_tiles');
      await tx.run('delete from audit_checkpoints');
      await tx.run('update audit_head set size = 0, root = ?, signed_size = null', [sha()]);
    },
    true,
  );

  // Checkpoints.
  add(
    'checkpoint.splice-root',
    "full-recompute edit, then every later checkpoint row's root set to the rebuilt tree's",
    async (tx, s) => {
      const es = clone(s.entries);
      const e = es[mid(s)]!;
      e.body = editBody(e.body, (o) => (o.actor = nobody));
      e.actor = nobody;
      await rewrite(tx, es);
      const leaves = es.map((x) => leafOf(x));
      for (const cp of s.checkpoints.filter((c) => c.size > e.idx))
        await tx.run('update audit_checkpoints set root = ? where size = ?', [mth(leaves.slice(0, cp.size)), cp.size]);
    },
  );
  add('checkpoint.swap-notes', 'swap the notes of two checkpoint rows', async (tx, s) => {
    const [a, b] = [s.checkpoints[1]!, s.checkpoints[2]!];
    await tx.run('update audit_checkpoints set note = ? where size = ?', [b.note, a.size]);
    await tx.run('update audit_checkpoints set note = ? where size = ?', [a.note, b.size]);
  });
  add('checkpoint.swap-at', 'swap the at columns of two checkpoint rows', async (tx, s) => {
    const [a, b] = [s.checkpoints[1]!, s.checkpoints[2]!];
    await tx.run('update audit_checkpoints set at = ? where size = ?', [b.at, a.size]);
    await tx.run('update audit_checkpoints set at = ? where size = ?', [a.at, b.size]);
  });
  const freeSize = (s: State, above: number) =>
    [...Array(s.entries.length).keys()].find((n) => n > above && !s.checkpoints.some((c) => c.size === n))!;
  add(
    'checkpoint.size-column',
    'a checkpoint row re-keyed to a size never signed (note, root unchanged)',
    async (tx, s) => {
      const a = s.checkpoints[s.checkpoints.length - 4]!;
      await tx.run('update audit_checkpoints set size = ? where size = ?', [freeSize(s, a.size), a.size]);
    },
  );
  add(
    'checkpoint.duplicate-row',
    'a copy of a genuine checkpoint row at a size that was never signed',
    async (tx, s) => {
      const a = s.checkpoints[1]!;
      await tx.run('insert into audit_checkpoints (size, root, note, at) values (?, ?, ?, ?)', [
        freeSize(s, a.size),
        a.root,
        a.note,
        a.at,
      ]);
    },
  );
  add('checkpoint.delete-middle', 'delete a middle checkpoint row', async (tx, s) => {
    await tx.run('delete from audit_checkpoints where size = ?', [
      s.checkpoints[Math.floor(s.checkpoints.length / 2)]!.size,
    ]);
  });
  add('checkpoint.note-crlf', 'a checkpoint note re-encoded with CRLF line ends', async (tx, s) => {
    const a = s.checkpoints[1]!;
    await tx.run('update audit_checkpoints set note = ? where size = ?', [a.note.replace(/\n/g, '\r\n'), a.size]);
  });
  add('checkpoint.note-no-signature', 'a checkpoint note with its signature line removed', async (tx, s) => {
    const a = s.checkpoints[1]!;
    await tx.run('update audit_checkpoints set note = ? where size = ?', [a.note.split('\n\n')[0] + '\n\n', a.size]);
  });
  add(
    'checkpoints.delete-all+edit',
    'every checkpoint deleted, head signed_size NULL, then one entry edited with leaf, tiles, head recomputed',
    async (tx, s) => {
      await tx.run('delete from audit_checkpoints');
      await tx.run('update audit_head set signed_size = null');
      const es = clone(s.entries);
      const e = es[mid(s)]!;
      e.body = editBody(e.body, (o) => (o.actor = nobody));
      e.actor = nobody;
      await rewrite(tx, es);
    },
    true,
  );
  add(
    'checkpoint.delete-newest+head',
    'delete the newest checkpoint and move head signed_size to the one before (control)',
    async (tx, s) => {
      await tx.run('delete from audit_checkpoints where size = ?', [s.checkpoints[s.checkpoints.length - 1]!.size]);
      await tx.run('update audit_head set signed_size = ?', [s.checkpoints[s.checkpoints.length - 2]!.size]);
    },
    true,
  );
  return A;
}

// ---------- building the real log through Cloak's public surface ----------
function cli(env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
function mustCli(env: NodeJS.ProcessEnv, args: string[]) {
  const r = cli(env, args);
  if (r.code !== 0) throw new Error(`cloak ${args.join(' ')} failed (${r.code}): ${r.out}`);
  return r.out;
}
/** Runs `cloak serve` on a random port for the time of `f`. */
async function withServer<T>(env: NodeJS.ProcessEnv, f: (base: string) => Promise<T>): Promise<T> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let srvOut = '';
  srv.stdout.on('data', (d) => (srvOut += d));
  srv.stderr.on('data', (d) => (srvOut += d));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {}
      if (i > 300) throw new Error(`serve did not start: ${srvOut}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await f(base);
  } finally {
    srv.kill('SIGINT');
    await new Promise((r) => srv.once('exit', r));
  }
}
async function buildLog(env: NodeJS.ProcessEnv, dir: string, httpEntries: number) {
  const csv = join(dir, 'in.csv');
  writeFileSync(
    csv,
    'id,name,phone,email\nc1,Nguyen Van An,0912345678,an@example.vn\nc2,Tran Thi Binh,0912345679,binh@example.vn\n',
  );
  mustCli(env, ['import', csv, '--id-column', 'id']);
  mustCli(env, ['staff', 'add', 'alice', '--role', 'analyst']);
  mustCli(env, ['staff', 'add', 'bob', '--role', 'admin']);
  const key = /ck_key_\S+/.exec(
    mustCli(env, ['api-keys', 'create', '--name', 'attacker-build', '--scopes', 'admin,audit']),
  )![0];
  mustCli(env, ['staff', 'token', 'alice']);
  // Enough entries for a full level-0 tile and a level-1 tile: through the HTTP API.
  await withServer(env, async (base) => {
    for (let i = 0; i < httpEntries; i++) {
      const r = await fetch(`${base}/v1/staff`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `s${i}`, role: 'support', team: 'support' }),
      });
      if (r.status !== 201) throw new Error(`POST /v1/staff: ${r.status} ${await r.text()}`);
      if (i % 40 === 39) await new Promise((r) => setTimeout(r, 1200)); // checkpoints signed along the way
    }
    await new Promise((r) => setTimeout(r, 1500));
  });
  mustCli(env, ['staff', 'revoke-token', 'alice']);
  mustCli(env, ['staff', 'disable', 'bob']);
  mustCli(env, ['audit', 'checkpoint']);
  return key;
}
/** Each entry's public form, read through the audit API with an audit-scoped key. */
async function publicForms(env: NodeJS.ProcessEnv, key: string, n: number) {
  return withServer(env, async (base) => {
    const out = new Map<number, { nonce?: string; pub: Buffer }>();
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${base}/v1/audit/entries/${i}`, { headers: { authorization: `Bearer ${key}` } });
      if (r.status !== 200) throw new Error(`GET /v1/audit/entries/${i}: ${r.status}`);
      const pub = Buffer.from(((await r.json()) as { entry: string }).entry, 'base64');
      out.set(i, { nonce: JSON.parse(pub.toString('utf8')).nonce, pub });
    }
    return out;
  });
}

// ---------- the campaign ----------
type Result = {
  name: string;
  what: string;
  outOfScope: boolean;
  detected: boolean;
  code: number;
  line: string;
  sql: string[];
  out: string;
};

export async function campaign(
  db: 'sqlite' | 'postgres',
  only: string[] | null,
  keep = false,
  httpEntries = 300,
): Promise<Result[]> {
  const work = mkdtempSync(join(tmpdir(), 'cloak-attacker-'));
  const dataDir = join(work, 'data');
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CLOAK_LOG_LEVEL: 'error',
    CLOAK_DATA_DIR: dataDir,
    CLOAK_AUDIT_ORIGIN: 'attacker.test/audit',
  };
  delete baseEnv.CLOAK_DATABASE_URL;
  const pgName = `cloak_attacker_b_${process.pid}`;
  const pgUrl = (name: string) => PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
  const admin = db === 'postgres' ? await pgConn(PG_ADMIN) : null;
  const created: string[] = [];
  const results: Result[] = [];
  const open = async (where: string): Promise<Conn> =>
    admin ? pgConn(pgUrl(where)) : sqliteConn(join(where, 'cloak.db'));
  try {
    if (admin) {
      await admin.run(`create database ${pgName}`);
      created.push(pgName);
      baseEnv.CLOAK_DATABASE_URL = pgUrl(pgName);
    }
    const t0 = Date.now();
    const key = await buildLog(baseEnv, work, httpEntries);
    const home = admin ? pgName : dataDir;
    let c = await open(home);
    const n0 = (await load(c)).entries.length;
    await c.close();
    const pubs = await publicForms(baseEnv, key, n0);
    c = await open(home);
    const s = await load(c);
    await c.close();
    // Sanity: my model of the stored log reproduces the pristine copy exactly.
    const problems: string[] = [];
    if (s.entries.length !== n0) problems.push('reading entries through the API appended entries');
    for (const e of s.entries) {
      e.nonce = pubs.get(e.idx)?.nonce;
      if (!publicForm(e.body, e.nonce).equals(pubs.get(e.idx)!.pub))
        problems.push(`entry ${e.idx}: public form is not stored form with salt->nonce`);
    }
    const leaves = s.entries.map((e) => leafOf(e));
    if (s.entries.some((e, i) => e.idx !== i || !e.leaf.equals(leaves[i]!)))
      problems.push('leaf column is not SHA-256(0x00||public form)');
    if (!mth(leaves).equals(s.head[0]!.root)) problems.push('head root is not MTH of the leaves');
    const mine = buildTiles(leaves);
    if (!(
      mine.length === s.tiles.length &&
      mine.every(
        (t, i) => t.level === s.tiles[i]!.level && t.idx === s.tiles[i]!.idx && t.hashes.equals(s.tiles[i]!.hashes),
      )
    ))
      problems.push('tiles differ from my model');
    for (const cp of s.checkpoints)
      if (!mth(leaves.slice(0, cp.size)).equals(cp.root)) problems.push(`checkpoint ${cp.size} root`);
    if (problems.length) throw new Error(`model mismatch: ${problems.join('; ')}`);
    const verify = (env: NodeJS.ProcessEnv) => cli(env, ['audit', 'verify']);
    const pristine = verify(baseEnv);
    if (pristine.code !== 0) throw new Error(`verify fails on the pristine log: ${pristine.out}`);
    console.log(
      `# db=${db} built in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${s.entries.length} entries, ${s.tiles.length} tiles, ${s.checkpoints.length} checkpoints; pristine verify exit 0`,
    );
    if (!admin) cpSync(dataDir, join(work, 'pristine'), { recursive: true });
    let n = 0;
    for (const a of attacks()) {
      if (only && !only.includes(a.name)) continue;
      n++;
      let env: NodeJS.ProcessEnv;
      let copy: string;
      if (admin) {
        copy = `${pgName}_a${n}`;
        await admin.run(`create database ${copy} template ${pgName}`);
        created.push(copy);
        env = { ...baseEnv, CLOAK_DATABASE_URL: pgUrl(copy) };
      } else {
        copy = join(work, `a${n}`);
        cpSync(join(work, 'pristine'), copy, { recursive: true }); // keyring included: the same log key
        env = { ...baseEnv, CLOAK_DATA_DIR: copy };
      }
      const conn = await open(copy);
      const tx = new Tx(conn);
      try {
        await a.apply(tx, s);
      } finally {
        await conn.close();
      }
      const r = verify(env);
      const line: string = r.out.split('\n').find((l) => l.startsWith('TAMPERED:')) ?? '';
      const detected = r.code !== 0 && line !== '';
      const said = line || (r.out.trim().split('\n').slice(-1)[0] ?? '');
      results.push({
        name: a.name,
        what: a.what,
        outOfScope: a.outOfScope,
        detected,
        code: r.code,
        line: said,
        sql: tx.log,
        out: r.out,
      });
      console.log(
        `${detected ? 'DETECTED' : a.outOfScope ? 'OUT-OF-SCOPE' : 'MISSED  '} ${a.name.padEnd(44)} exit=${r.code} ${said}`,
      );
      if (admin) {
        await admin.run(`drop database ${copy}`);
        created.splice(created.indexOf(copy), 1);
      } else rmSync(copy, { recursive: true, force: true });
    }
  } finally {
    if (admin) {
      for (const d of created.reverse()) await admin.run(`drop database if exists ${d}`).catch(() => {});
      await admin.close();
    }
    if (!keep) rmSync(work, { recursive: true, force: true });
    else console.log(`# kept ${work}`);
  }
  return results;
}

export function report(db: string, results: Result[]): string {
  const inScope = results.filter((r) => !r.outOfScope);
  const missed = inScope.filter((r) => !r.detected);
  const lines = [
    `ATTACK db=${db} attacks=${inScope.length} detected=${inScope.length - missed.length} missed=${missed.length} out_of_scope=${results.length - inScope.length}`,
    '',
    '| attack | scope | result | verify said |',
    '|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.outOfScope ? 'out' : 'in'} | ${r.detected ? 'detected' : r.outOfScope ? 'not detected' : '**MISSED**'} (exit ${r.code}) | ${r.line.replace(/\|/g, '\\|')} |`,
    ),
  ];
  for (const r of results.filter((x) => !x.detected)) {
    lines.push(
      '',
      `${r.outOfScope ? 'Out of scope, not detected' : 'MISS'}: ${r.name} (${r.what})`,
      `SQL (${r.sql.length} statements):`,
    );
    for (const q of r.sql.slice(0, 8)) lines.push(`  ${q}`);
    if (r.sql.length > 8) lines.push(`  … ${r.sql.length - 8} more`);
    lines.push(`verify (exit ${r.code}):`, r.out.trim().replace(/^/gm, '  '));
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const db = args[args.indexOf('--db') + 1]!;
  if (db !== 'sqlite' && db !== 'postgres')
    throw new Error('usage: attack.ts --db sqlite|postgres [--only a,b] [--keep]');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : null;
  const results = await campaign(db, only, args.includes('--keep'));
  console.log(report(db, results));
  process.exitCode = results.some((r) => !r.outOfScope && !r.detected) ? 1 : 0;
}
