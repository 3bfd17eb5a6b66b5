import { encodeEntry, publicOf } from '../../src/audit/entry.ts';
import { leafHash, rootOf } from '../../src/audit/merkle.ts';
import { formatCheckpoint, signerFromSeed, signNote } from '../../src/audit/note.ts';
import type { Rng } from './rng.ts';
import type { RawDb, Step } from './store.ts';

export type EntryRow = {
  idx: number;
  at: string;
  kind: string;
  actor: string;
  subject: string | null;
  result: string | null;
  body: Buffer;
  leaf: Buffer;
};
export type TileRow = { level: number; idx: number; hashes: Buffer };
export type CheckpointRow = { size: number; root: Buffer; note: string; at: string };
/** Every row of the four tables the audit log owns, as the pristine copy holds them. */
export type Snapshot = {
  entries: EntryRow[];
  tiles: TileRow[];
  checkpoints: CheckpointRow[];
  head: { id: number; size: number; root: Buffer; signed: number | null }[];
};
/** One tampering: what it is (`kind`), where (`target`, precise enough to replay), and the SQL that does it. */
export type Mutation = { readonly kind: string; readonly target: string; readonly steps: readonly Step[] };

const buf = (v: unknown) => Buffer.from(v as Uint8Array);
export async function readSnapshot(db: RawDb): Promise<Snapshot> {
  const entries = (await db.rows('select * from audit_entries order by idx')).map((r) => ({
    idx: Number(r.idx),
    at: String(r.at),
    kind: String(r.kind),
    actor: String(r.actor),
    subject: (r.subject as string | null) ?? null,
    result: (r.result as string | null) ?? null,
    body: buf(r.body),
    leaf: buf(r.leaf),
  }));
  const tiles = (await db.rows('select * from audit_tiles order by level, idx')).map((r) => ({
    level: Number(r.level),
    idx: Number(r.idx),
    hashes: buf(r.hashes),
  }));
  const checkpoints = (await db.rows('select * from audit_checkpoints order by size')).map((r) => ({
    size: Number(r.size),
    root: buf(r.root),
    note: String(r.note),
    at: String(r.at),
  }));
  const head = (await db.rows('select * from audit_head order by id')).map((r) => ({
    id: Number(r.id),
    size: Number(r.size),
    root: buf(r.root),
    signed: r.signed_size === null ? null : Number(r.signed_size),
  }));
  return { entries, tiles, checkpoints, head };
}

const COLS = 'idx, at, kind, actor, subject, result, body, leaf';
const insertEntry = (e: EntryRow): Step => ({
  q: `insert into audit_entries (${COLS}) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  p: [e.idx, e.at, e.kind, e.actor, e.subject, e.result, e.body, e.leaf],
  changes: 1,
});
const setEntry = (idx: number, col: string, v: unknown): Step => ({
  q: `update audit_entries set ${col} = ? where idx = ?`,
  p: [v, idx],
  changes: 1,
});
const flipBit = (b: Buffer, r: Rng): [Buffer, number] => {
  const out = Buffer.from(b);
  const pos = r.int(out.length);
  out[pos]! ^= 1 << r.int(8);
  return [out, pos];
};
/** A string changed by one character (replaced, inserted or removed), never equal to `s`. */
function editString(s: string, r: Rng): string {
  const pos = r.int(s.length + 1);
  const c = String.fromCharCode(0x21 + r.int(0x5e));
  const op = s.length === 0 ? 1 : r.int(3);
  const out =
    op === 0
      ? s.slice(0, pos) + c + s.slice(pos + 1)
      : op === 1
        ? s.slice(0, pos) + c + s.slice(pos)
        : s.slice(0, Math.min(pos, s.length - 1)) + s.slice(Math.min(pos, s.length - 1) + 1);
  return out === s ? s + c : out;
}
const shiftTime = (t: string, r: Rng) =>
  new Date(
    Date.parse(t) + (r.int(2) ? 1 : -1) * (1 + r.int(r.pick([1000, 86_400_000, 30 * 86_400_000]))),
  ).toISOString();

/** A different value of the same shape (or, now and then, of another type). */
function alter(key: string, v: unknown, r: Rng, size: number): unknown {
  if (r.int(8) === 0)
    return r.pick([null, 0, '', true, ['x'], { a: 1 }].filter((x) => JSON.stringify(x) !== JSON.stringify(v)));
  if (key === 'i') return r.int(2) ? (v as number) + (r.int(2) ? 1 : -1) : r.int(size);
  if (key === 'at' && typeof v === 'string') return shiftTime(v, r);
  if (key === 'salt') return r.bytes(32).toString('base64url');
  if (typeof v === 'string') return editString(v, r);
  if (typeof v === 'number') return r.int(2) ? v + 1 : r.int(1_000_000);
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) return r.int(2) && v.length ? v.slice(1) : [...v, 'x'];
  return 'x';
}

/** The same JSON value written with other bytes: whitespace, a \u escape, an exponent. */
function reencode(body: Buffer, r: Rng): Buffer | undefined {
  const s = body.toString('utf8');
  const way = r.int(3);
  if (way === 0) {
    const commas = [...s.matchAll(/,"/g)].map((m) => m.index!);
    const at = commas.length ? r.pick(commas) + 1 : 1;
    return Buffer.from(s.slice(0, at) + r.pick([' ', '\n', '\t']) + s.slice(at));
  }
  if (way === 1) {
    // A letter inside a string value, written as \u00XX.
    const letters = [...s.matchAll(/:"([a-z])/g)].map((m) => m.index! + 2);
    if (!letters.length) return undefined;
    const at = r.pick(letters);
    return Buffer.from(s.slice(0, at) + `\\u00${s.charCodeAt(at).toString(16)}` + s.slice(at + 1));
  }
  const nums = [...s.matchAll(/:(\d+)[,}]/g)];
  if (!nums.length) return undefined;
  const m = r.pick(nums);
  return Buffer.from(
    s.slice(0, m.index! + 1) + `${m[1]}${r.pick(['.0', 'e0', 'E+0'])}` + s.slice(m.index! + 1 + m[1]!.length),
  );
}

type Gen = (r: Rng, s: Snapshot) => Mutation | undefined;
const pickEntry = (r: Rng, s: Snapshot) => r.pick(s.entries);
const size = (s: Snapshot) => s.entries.length;
const freeIdx = (r: Rng, s: Snapshot) => r.pick([size(s), size(s) + 1 + r.int(1000), -1 - r.int(1000)]);

/**
 * Every kind of mutation, over every table and column the log owns. A generator returns
 * undefined when the draw would write what is already there (a no-op): skipped, not counted.
 */
export const GENERATORS: Record<string, Gen> = {
  'entry.body.bitflip': (r, s) => {
    const e = pickEntry(r, s);
    const [b, pos] = flipBit(e.body, r);
    return {
      kind: 'entry.body.bitflip',
      target: `entry ${e.idx} body byte ${pos}`,
      steps: [setEntry(e.idx, 'body', b)],
    };
  },
  'entry.body.char': (r, s) => {
    const e = pickEntry(r, s);
    const b = Buffer.from(e.body);
    const pos = r.int(b.length);
    const c = 0x20 + r.int(0x5f);
    if (b[pos] === c) return undefined;
    b[pos] = c;
    return {
      kind: 'entry.body.char',
      target: `entry ${e.idx} body byte ${pos} = ${JSON.stringify(String.fromCharCode(c))}`,
      steps: [setEntry(e.idx, 'body', b)],
    };
  },
  'entry.json.value': (r, s) => {
    const e = pickEntry(r, s);
    const o = JSON.parse(e.body.toString()) as Record<string, unknown>;
    const key = r.pick(Object.keys(o));
    const v = alter(key, o[key], r, size(s));
    if (JSON.stringify(v) === JSON.stringify(o[key])) return undefined;
    o[key] = v;
    return {
      kind: 'entry.json.value',
      target: `entry ${e.idx} key ${key}`,
      steps: [setEntry(e.idx, 'body', Buffer.from(JSON.stringify(o)))],
    };
  },
  'entry.json.key': (r, s) => {
    const e = pickEntry(r, s);
    const o = JSON.parse(e.body.toString()) as Record<string, unknown>;
    const keys = Object.keys(o);
    const way = r.pick(['add', 'remove', 'rename', 'reorder'] as const);
    let out: Record<string, unknown>;
    let what: string;
    if (way === 'add') {
      const k = r.pick(['subject', 'result', 'note', 'zz', 'approver', 'v2']);
      if (k in o) return undefined;
      out = { ...o, [k]: 'x' };
      what = `add ${k}`;
    } else if (way === 'remove') {
      const k = r.pick(keys);
      out = { ...o };
      delete out[k];
      what = `remove ${k}`;
    } else if (way === 'rename') {
      const k = r.pick(keys);
      const k2 = `${k}_`;
      out = Object.fromEntries(Object.entries(o).map(([a, b]) => [a === k ? k2 : a, b]));
      what = `rename ${k}`;
    } else {
      const i = r.int(keys.length - 1);
      const order = [...keys];
      [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      out = Object.fromEntries(order.map((k) => [k, o[k]]));
      what = `swap keys ${keys[i]},${keys[i + 1]}`;
    }
    const b = Buffer.from(JSON.stringify(out));
    if (b.equals(e.body)) return undefined;
    return { kind: 'entry.json.key', target: `entry ${e.idx} ${what}`, steps: [setEntry(e.idx, 'body', b)] };
  },
  'entry.json.reencode': (r, s) => {
    const e = pickEntry(r, s);
    const b = reencode(e.body, r);
    if (!b || b.equals(e.body)) return undefined;
    return {
      kind: 'entry.json.reencode',
      target: `entry ${e.idx} body re-encoded as ${JSON.stringify(b.toString().slice(0, 60))}…`,
      steps: [setEntry(e.idx, 'body', b)],
    };
  },
  'entry.column': (r, s) => {
    const e = pickEntry(r, s);
    const col = r.pick(['at', 'kind', 'actor', 'subject', 'result'] as const);
    const cur = e[col];
    const others = [...new Set(s.entries.map((x) => x[col]))].filter((x) => x !== cur);
    const v =
      col === 'at'
        ? shiftTime(cur!, r)
        : r.int(3) === 0 && (col === 'subject' || col === 'result')
          ? null
          : r.int(2) && others.length
            ? r.pick(others)
            : editString(cur ?? '', r);
    if (v === cur) return undefined;
    return { kind: 'entry.column', target: `entry ${e.idx} column ${col}`, steps: [setEntry(e.idx, col, v)] };
  },
  'entry.leaf': (r, s) => {
    const e = pickEntry(r, s);
    const other = r.pick(s.entries).leaf;
    const v = r.int(2) ? flipBit(e.leaf, r)[0] : other;
    if (v.equals(e.leaf)) return undefined;
    return { kind: 'entry.leaf', target: `entry ${e.idx} leaf`, steps: [setEntry(e.idx, 'leaf', v)] };
  },
  'entry.delete': (r, s) => {
    const e = pickEntry(r, s);
    return {
      kind: 'entry.delete',
      target: `entry ${e.idx}`,
      steps: [{ q: 'delete from audit_entries where idx = ?', p: [e.idx], changes: 1 }],
    };
  },
  'entry.renumber': (r, s) => {
    const e = pickEntry(r, s);
    const after = size(s) - 1 - e.idx;
    // Deleted, and every later row moved down one (in two steps: PostgreSQL checks the key row by row).
    return {
      kind: 'entry.renumber',
      target: `entry ${e.idx} deleted, later rows renumbered`,
      steps: [
        { q: 'delete from audit_entries where idx = ?', p: [e.idx], changes: 1 },
        { q: 'update audit_entries set idx = -idx where idx > ?', p: [e.idx], changes: after },
        { q: 'update audit_entries set idx = -idx - 1 where idx < 0', p: [], changes: after },
      ],
    };
  },
  'entry.swap': (r, s) => {
    const a = pickEntry(r, s);
    const b = r.int(2) && a.idx + 1 < size(s) ? s.entries[a.idx + 1]! : pickEntry(r, s);
    if (a.idx === b.idx) return undefined;
    if (r.int(2))
      return {
        kind: 'entry.swap',
        target: `rows ${a.idx} and ${b.idx} swap indexes`,
        steps: [setEntry(a.idx, 'idx', -999_999), setEntry(b.idx, 'idx', a.idx), setEntry(-999_999, 'idx', b.idx)],
      };
    const cols = ['at', 'kind', 'actor', 'subject', 'result', 'body', 'leaf'] as const;
    return {
      kind: 'entry.swap',
      target: `rows ${a.idx} and ${b.idx} swap contents`,
      steps: [...cols.map((c) => setEntry(a.idx, c, b[c])), ...cols.map((c) => setEntry(b.idx, c, a[c]))],
    };
  },
  'entry.duplicate': (r, s) => {
    const e = pickEntry(r, s);
    const idx = freeIdx(r, s);
    return { kind: 'entry.duplicate', target: `entry ${e.idx} copied to ${idx}`, steps: [insertEntry({ ...e, idx })] };
  },
  'entry.forge': (r, s) => {
    // A well-formed entry (its own index, a fresh salt, the right leaf and columns): written at a free index, or over an existing one.
    const over = r.int(2) === 0;
    const idx = over ? pickEntry(r, s).idx : freeIdx(r, s);
    const at = s.entries[Math.max(0, Math.min(size(s) - 1, idx))]!.at;
    const rec = {
      kind: 'reveal',
      actor: 'staff:u-9',
      subject: 'tok_forged',
      result: 'ok',
      data: { field: 'phone', purpose: 'delivery' },
    };
    const body = encodeEntry(idx, at, rec, r.bytes(32));
    const row = {
      idx,
      at,
      kind: rec.kind,
      actor: rec.actor,
      subject: rec.subject,
      result: rec.result,
      body,
      leaf: leafHash(publicOf(body)),
    };
    const steps = over
      ? [{ q: 'delete from audit_entries where idx = ?', p: [idx], changes: 1 }, insertEntry(row)]
      : [insertEntry(row)];
    return { kind: 'entry.forge', target: `forged entry ${over ? 'over' : 'at'} ${idx}`, steps };
  },
  'entry.truncate': (r, s) => {
    const k = r.int(size(s));
    const consistent = r.int(2) === 0;
    const steps: Step[] = [{ q: 'delete from audit_entries where idx >= ?', p: [k], changes: size(s) - k }];
    // The careful version: the head moved back to match, the tiles past it removed.
    if (consistent)
      steps.push(
        {
          q: 'update audit_head set size = ?, root = ? where id = 1',
          p: [k, rootOf(s.entries.slice(0, k).map((e) => e.leaf))],
          changes: 1,
        },
        { q: 'delete from audit_tiles where level = 0 and (idx + 1) * 256 > ?', p: [k] },
      );
    return {
      kind: 'entry.truncate',
      target: `entries from ${k} deleted${consistent ? ', head and tiles moved back' : ''}`,
      steps,
    };
  },
  ...TILE_AND_CHECKPOINT_GENERATORS(),
};

function TILE_AND_CHECKPOINT_GENERATORS(): Record<string, Gen> {
  const setTile = (t: TileRow, h: Buffer): Step => ({
    q: 'update audit_tiles set hashes = ? where level = ? and idx = ?',
    p: [h, t.level, t.idx],
    changes: 1,
  });
  const hasTile = (s: Snapshot, level: number, idx: number) => s.tiles.some((t) => t.level === level && t.idx === idx);
  const setCp = (c: CheckpointRow, col: string, v: unknown): Step => ({
    q: `update audit_checkpoints set ${col} = ? where size = ?`,
    p: [v, c.size],
    changes: 1,
  });
  const freeSize = (r: Rng, s: Snapshot) => {
    for (;;) {
      const n = 1 + r.int(size(s) + 20);
      if (!s.checkpoints.some((c) => c.size === n)) return n;
    }
  };
  const head = (s: Snapshot) => s.head[0]!;
  const setHead = (size: number, root: Buffer): Step => ({
    q: 'update audit_head set size = ?, root = ? where id = 1',
    p: [size, root],
    changes: 1,
  });
  return {
    'tile.bitflip': (r, s) => {
      const t = r.pick(s.tiles);
      const [h, pos] = flipBit(t.hashes, r);
      return { kind: 'tile.bitflip', target: `tile ${t.level}/${t.idx} byte ${pos}`, steps: [setTile(t, h)] };
    },
    'tile.resize': (r, s) => {
      const t = r.pick(s.tiles);
      const h = r.int(2)
        ? t.hashes.subarray(0, t.hashes.length - 1 - r.int(Math.min(64, t.hashes.length)))
        : Buffer.concat([t.hashes, r.bytes(r.pick([1, 31, 32, 64]))]);
      return {
        kind: 'tile.resize',
        target: `tile ${t.level}/${t.idx} from ${t.hashes.length} to ${h.length} bytes`,
        steps: [setTile(t, h)],
      };
    },
    'tile.delete': (r, s) => {
      const t = r.pick(s.tiles);
      return {
        kind: 'tile.delete',
        target: `tile ${t.level}/${t.idx}`,
        steps: [{ q: 'delete from audit_tiles where level = ? and idx = ?', p: [t.level, t.idx], changes: 1 }],
      };
    },
    'tile.bogus': (r, s) => {
      const level = r.pick([0, 0, 1, 2, 3]);
      const idx = r.int(6);
      if (hasTile(s, level, idx)) return undefined;
      const h = r.bytes(32 * (1 + r.int(256)));
      return {
        kind: 'tile.bogus',
        target: `new tile ${level}/${idx} of ${h.length / 32} random hashes`,
        steps: [{ q: 'insert into audit_tiles (level, idx, hashes) values (?, ?, ?)', p: [level, idx, h], changes: 1 }],
      };
    },
    'tile.move': (r, s) => {
      const t = r.pick(s.tiles);
      const level = r.int(2) ? t.level : r.int(3);
      const idx = r.int(6);
      if (hasTile(s, level, idx)) return undefined;
      return {
        kind: 'tile.move',
        target: `tile ${t.level}/${t.idx} moved to ${level}/${idx}`,
        steps: [
          {
            q: 'update audit_tiles set level = ?, idx = ? where level = ? and idx = ?',
            p: [level, idx, t.level, t.idx],
            changes: 1,
          },
        ],
      };
    },
    'tile.swap': (r, s) => {
      const a = r.pick(s.tiles);
      const b = r.pick(s.tiles);
      if (a.hashes.equals(b.hashes)) return undefined;
      return {
        kind: 'tile.swap',
        target: `tiles ${a.level}/${a.idx} and ${b.level}/${b.idx} swap hashes`,
        steps: [setTile(a, b.hashes), setTile(b, a.hashes)],
      };
    },
    'checkpoint.note.char': (r, s) => {
      const c = r.pick(s.checkpoints);
      const pos = r.int(c.note.length);
      const ch = String.fromCharCode(r.pick([0x0a, 0x20, 0x21 + r.int(0x5e)]));
      if (c.note[pos] === ch) return undefined;
      return {
        kind: 'checkpoint.note.char',
        target: `checkpoint ${c.size} note char ${pos} = ${JSON.stringify(ch)}`,
        steps: [setCp(c, 'note', c.note.slice(0, pos) + ch + c.note.slice(pos + 1))],
      };
    },
    'checkpoint.note.signature': (r, s) => {
      const c = r.pick(s.checkpoints);
      const m = /^(— \S+ )(\S+)$/m.exec(c.note)!;
      const [sig, pos] = flipBit(Buffer.from(m[2]!, 'base64'), r);
      return {
        kind: 'checkpoint.note.signature',
        target: `checkpoint ${c.size} signature byte ${pos}`,
        steps: [setCp(c, 'note', c.note.replace(m[0], m[1] + sig.toString('base64')))],
      };
    },
    'checkpoint.note.swap': (r, s) => {
      const a = r.pick(s.checkpoints);
      const b = r.pick(s.checkpoints);
      if (a.size === b.size) return undefined;
      return {
        kind: 'checkpoint.note.swap',
        target: `checkpoint ${a.size} given the (validly signed) note of ${b.size}`,
        steps: [setCp(a, 'note', b.note)],
      };
    },
    'checkpoint.size': (r, s) => {
      const c = r.pick(s.checkpoints);
      return {
        kind: 'checkpoint.size',
        target: `checkpoint ${c.size} row moved to size ${freeSize(r, s)}`,
        steps: [setCp(c, 'size', freeSize(r, s))],
      };
    },
    'checkpoint.root': (r, s) => {
      const c = r.pick(s.checkpoints);
      const v = r.int(2) ? flipBit(c.root, r)[0] : r.pick(s.checkpoints).root;
      if (v.equals(c.root)) return undefined;
      return { kind: 'checkpoint.root', target: `checkpoint ${c.size} root column`, steps: [setCp(c, 'root', v)] };
    },
    'checkpoint.at': (r, s) => {
      const c = r.pick(s.checkpoints);
      const v = r.int(4) === 0 ? r.pick(['', 'yesterday', '2020-13-45T99:00:00Z']) : shiftTime(c.at, r);
      return { kind: 'checkpoint.at', target: `checkpoint ${c.size} at ${c.at} -> ${v}`, steps: [setCp(c, 'at', v)] };
    },
    'checkpoint.delete': (r, s) => {
      const c = r.pick(s.checkpoints);
      return {
        kind: 'checkpoint.delete',
        target: `checkpoint ${c.size}`,
        steps: [{ q: 'delete from audit_checkpoints where size = ?', p: [c.size], changes: 1 }],
      };
    },
    'checkpoint.forge': (r, s) => {
      // Signed by another Ed25519 key under the log's name: over an existing row, or as a new one (with the true root of that size).
      const signer = signerFromSeed('cloak.local/audit', r.bytes(32));
      const over = r.int(2) === 0;
      const n = over ? r.pick(s.checkpoints).size : Math.min(freeSize(r, s), size(s));
      if (!over && s.checkpoints.some((c) => c.size === n)) return undefined;
      const root = rootOf(s.entries.slice(0, n).map((e) => e.leaf));
      const note = signNote(
        formatCheckpoint({ origin: 'cloak.local/audit', size: BigInt(n), rootHash: root, extensions: [] }),
        [signer],
      );
      const at = s.entries[n - 1]!.at;
      const steps: Step[] = over
        ? [{ q: 'update audit_checkpoints set note = ?, root = ? where size = ?', p: [note, root, n], changes: 1 }]
        : [
            {
              q: 'insert into audit_checkpoints (size, root, note, at) values (?, ?, ?, ?)',
              p: [n, root, note, at],
              changes: 1,
            },
          ];
      return {
        kind: 'checkpoint.forge',
        target: `checkpoint ${n} ${over ? 're-signed' : 'inserted'} by another key`,
        steps,
      };
    },
    'head.size': (r, s) => {
      const d = (r.int(2) ? 1 : -1) * (1 + r.int(r.pick([2, 50, 10_000])));
      const n = Math.max(0, head(s).size + d);
      if (n === head(s).size) return undefined;
      return {
        kind: 'head.size',
        target: `head size ${head(s).size} -> ${n} (root kept)`,
        steps: [{ q: 'update audit_head set size = ? where id = 1', p: [n], changes: 1 }],
      };
    },
    'head.root': (r, s) => {
      const [v, pos] = flipBit(head(s).root, r);
      return {
        kind: 'head.root',
        target: `head root byte ${pos}`,
        steps: [{ q: 'update audit_head set root = ? where id = 1', p: [v], changes: 1 }],
      };
    },
    'head.move': (r, s) => {
      // Size and root of a true earlier (or later, forged) tree: a head that is consistent with itself.
      const back = r.int(2) === 0;
      const n = back ? r.int(size(s)) : size(s) + 1 + r.int(300);
      const root = back ? rootOf(s.entries.slice(0, n).map((e) => e.leaf)) : r.bytes(32);
      return {
        kind: 'head.move',
        target: `head moved to size ${n} with ${back ? 'its true' : 'a random'} root`,
        steps: [setHead(n, root)],
      };
    },
    'head.signed': (r, s) => {
      // The head's record of the latest signed checkpoint: none, an earlier one, or one never signed.
      const now = head(s).signed;
      const v = r.pick([null, r.pick(s.checkpoints).size, freeSize(r, s)]);
      if (v === now) return undefined;
      return {
        kind: 'head.signed',
        target: `head names checkpoint ${now} -> ${v} as the latest`,
        steps: [{ q: 'update audit_head set signed_size = ? where id = 1', p: [v], changes: 1 }],
      };
    },
    'head.delete': () => ({
      kind: 'head.delete',
      target: 'the head row',
      steps: [{ q: 'delete from audit_head', p: [], changes: 1 }],
    }),
    'head.extra': (r, s) => {
      const id = r.pick([0, 2, 7]);
      return {
        kind: 'head.extra',
        target: `a second head row, id ${id}`,
        steps: [
          {
            q: 'insert into audit_head (id, size, root) values (?, ?, ?)',
            p: [id, head(s).size + r.int(3), r.bytes(32)],
            changes: 1,
          },
        ],
      };
    },
  };
}

/** `n` mutations drawn from `seed`, kinds in turn at random, no-op draws skipped (and counted). */
export function drawMutations(r: Rng, s: Snapshot, n: number): { mutations: Mutation[]; skipped: Map<string, number> } {
  const kinds = Object.keys(GENERATORS);
  const mutations: Mutation[] = [];
  const skipped = new Map<string, number>();
  while (mutations.length < n) {
    const kind = r.pick(kinds);
    const m = GENERATORS[kind]!(r, s);
    if (m) mutations.push(m);
    else skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
  }
  return { mutations, skipped };
}
