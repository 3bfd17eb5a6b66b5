// Reading the audit tables as they are stored, and writing back a tree rebuilt by the attacker.
import type { Raw } from './db.ts';
import { leafHash, rootOf, tilesOf } from './tree.ts';

export type Entry = {
  idx: number;
  at: string;
  kind: string;
  actor: string;
  subject: string | null;
  result: string | null;
  body: Buffer;
  leaf: Buffer;
};
export type Checkpoint = { size: number; root: Buffer; note: string; at: string };
export type Log = {
  entries: Entry[];
  tiles: Map<string, Buffer>;
  head: { size: number; root: Buffer; signed_size: number | null };
  checkpoints: Checkpoint[];
};

export async function readLog(db: Raw): Promise<Log> {
  const entries = (await db.all('SELECT * FROM audit_entries ORDER BY idx')).map((r) => ({
    ...(r as unknown as Entry),
    idx: Number(r.idx),
  }));
  const tiles = new Map<string, Buffer>();
  for (const r of await db.all('SELECT level, idx, hashes FROM audit_tiles'))
    tiles.set(`${r.level}/${r.idx}`, r.hashes as Buffer);
  const [h] = await db.all('SELECT size, root, signed_size FROM audit_head WHERE id = 1');
  const checkpoints = (await db.all('SELECT size, root, note, at FROM audit_checkpoints ORDER BY size')).map((r) => ({
    ...(r as unknown as Checkpoint),
    size: Number(r.size),
  }));
  return {
    entries,
    tiles,
    head: {
      size: Number(h!.size),
      root: h!.root as Buffer,
      signed_size: h!.signed_size == null ? null : Number(h!.signed_size),
    },
    checkpoints,
  };
}

/** Which tile levels keep their partial last tile, learnt from the pristine log (level 0 never does). */
export let PARTIAL_FROM_LEVEL = 1;
export function learnTileRule(log: Log): void {
  const leaves = log.entries.map((e) => e.leaf);
  for (const p of [1, 99]) {
    const want = tilesOf(leaves, p);
    if (want.size === log.tiles.size && [...want].every(([k, v]) => log.tiles.get(k)?.equals(v))) {
      PARTIAL_FROM_LEVEL = p;
      return;
    }
  }
  throw new Error(`the stored tiles follow neither rule (stored: ${[...log.tiles.keys()].join(',')})`);
}

export const bodyText = (e: Entry) => e.body.toString('utf8');
export const setI = (body: string, i: number) => body.replace(/^\{"v":(\d+),"i":\d+,/, `{"v":$1,"i":${i},`);

/**
 * The public form of each entry (what the Merkle leaf hashes: the stored form with its salt replaced
 * by a nonce and people and references by salted commitments), as an auditor reads it from
 * `GET /v1/audit/entries/{i}`; set once by the campaign from the pristine log.
 */
export const publicForms = new Map<number, string>();
export const pub = (idx: number) => {
  const p = publicForms.get(idx);
  if (p === undefined) throw new Error(`no public form of entry ${idx}`);
  return p;
};

/** Rewrites one entry's stored body, and its leaf as the hash of the public form given, in place. */
export async function writeEntry(
  db: Raw,
  idx: number,
  body: string,
  publicForm: string,
  columns: Partial<Entry> = {},
): Promise<Buffer> {
  const b = Buffer.from(body, 'utf8');
  const leaf = leafHash(Buffer.from(publicForm, 'utf8'));
  const sets = ['body = ?', 'leaf = ?'];
  const params: unknown[] = [b, leaf];
  for (const [k, v] of Object.entries(columns)) {
    sets.push(`${k} = ?`);
    params.push(v);
  }
  await db.run(`UPDATE audit_entries SET ${sets.join(', ')} WHERE idx = ?`, [...params, idx]);
  return leaf;
}

/**
 * Makes tiles and head agree with the leaves now stored (read back in idx order): the coordinated
 * part of an attack. signedSize: leave the head's record of the latest checkpoint as it is unless given.
 */
export async function rebuildTree(db: Raw, signedSize?: number | null): Promise<{ size: number; root: Buffer }> {
  const rows = await db.all('SELECT idx, leaf FROM audit_entries ORDER BY idx');
  const leaves = rows.map((r) => r.leaf as Buffer);
  const tiles = tilesOf(leaves, PARTIAL_FROM_LEVEL);
  await db.run('DELETE FROM audit_tiles');
  for (const [k, v] of tiles) {
    const [level, idx] = k.split('/').map(Number);
    await db.run('INSERT INTO audit_tiles (level, idx, hashes) VALUES (?, ?, ?)', [level, idx, v]);
  }
  const root = rootOf(leaves);
  if (signedSize === undefined)
    await db.run('UPDATE audit_head SET size = ?, root = ? WHERE id = 1', [leaves.length, root]);
  else
    await db.run('UPDATE audit_head SET size = ?, root = ?, signed_size = ? WHERE id = 1', [
      leaves.length,
      root,
      signedSize,
    ]);
  return { size: leaves.length, root };
}

/** The root the tree of the first `size` stored entries has now (from their leaf columns). */
export async function rootAt(db: Raw, size: number): Promise<Buffer> {
  const rows = await db.all('SELECT leaf FROM audit_entries ORDER BY idx');
  return rootOf(rows.slice(0, size).map((r) => r.leaf as Buffer));
}
