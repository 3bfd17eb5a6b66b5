import { hash } from 'node:crypto';
import { HASH_BYTES, nodeHash, rootOf } from './merkle.ts';

/*
 * c2sp.org/tlog-tiles: the tree's hashes cut into tiles of 256 hashes. A tile at level L holds
 * the hashes of the tree's nodes at height 8·L (level 0: leaf hashes), index N: nodes
 * 256·N … 256·N+255. Only complete nodes are in tiles; a tile still filling is served as a
 * partial tile `.p/W` of its first W hashes.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** The root of a perfect subtree over `hashes` (a power-of-two count of same-height hashes). */
export function perfectRoot(hashes: readonly Buffer[]): Buffer {
  let level = hashes.slice();
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    level = up;
  }
  return level[0]!;
}

const pair = Buffer.alloc(1 + 2 * HASH_BYTES);
/**
 * The root of the perfect subtree over `count` hashes (a power of two) stored back to back in
 * `blob` from hash `first`: the same as perfectRoot, hashing in one scratch buffer, because
 * proofs do this for hundreds of hashes and a Buffer per hash kept the collector busy.
 */
export function perfectRootOfBlob(blob: Buffer, first: number, count: number): Buffer {
  if (count === 1) return Buffer.from(blob.subarray(first * HASH_BYTES, (first + 1) * HASH_BYTES));
  const work = Buffer.from(blob.subarray(first * HASH_BYTES, (first + count) * HASH_BYTES));
  pair[0] = 1;
  for (let n = count; n > 1; n /= 2) {
    for (let i = 0; i < n / 2; i++) {
      work.copy(pair, 1, 2 * i * HASH_BYTES, (2 * i + 2) * HASH_BYTES);
      hash('sha256', pair, 'buffer').copy(work, i * HASH_BYTES);
    }
  }
  return work.subarray(0, HASH_BYTES);
}

/** Splits a tile's concatenated hashes into 32-byte hashes (views into `blob`, not copies). */
export function splitHashes(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o + HASH_BYTES <= blob.length; o += HASH_BYTES) out.push(blob.subarray(o, o + HASH_BYTES));
  return out;
}

/** How many hashes the tile (level, index) holds in a tree of `size` leaves (0 when none). */
export function tileWidth(size: number, level: number, index: number): number {
  const nodes = Math.floor(size / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

/**
 * The root of a tree of `size` leaves from its right edge: `edge[L]` holds the hashes of the
 * tile still filling at level L (floor(size / 256^L) mod 256 of them). Their perfect
 * subtrees, left to right, folded from the right, are MTH(D[size]).
 */
export function rootFromEdge(edge: readonly (readonly Buffer[])[], memo?: Map<string, Buffer>): Buffer {
  const pieces: Buffer[] = [];
  for (let L = edge.length - 1; L >= 0; L--) {
    const hashes = edge[L]!;
    let at = 0;
    for (let bit = TILE_WIDTH / 2; bit >= 1; bit /= 2) {
      if (hashes.length - at >= bit) {
        // A complete piece never changes while its tile fills: `memo` (keyed by level, start
        // and width; cleared by the caller when a tile completes) saves rehashing it.
        const key = `${L}:${at}:${bit}`;
        let root = bit === 1 ? hashes[at]! : memo?.get(key);
        if (!root) {
          root = perfectRoot(hashes.slice(at, at + bit));
          memo?.set(key, root);
        }
        pieces.push(root);
        at += bit;
      }
    }
  }
  if (pieces.length === 0) return rootOf([]);
  let acc = pieces[pieces.length - 1]!;
  for (let i = pieces.length - 2; i >= 0; i--) acc = nodeHash(pieces[i]!, acc);
  return acc;
}

/** Encodes a tile index as tlog-tiles path elements: 1234067 → `x001/x234/067`. */
export function encodeIndex(n: number): string {
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

export type TileRef = { readonly level: number | 'entries'; readonly index: number; readonly width: number };

/**
 * Parses what follows `tile/` in a tlog-tiles path (`0/x001/234`, `entries/005.p/17`);
 * undefined for anything that is not exactly a tile path.
 */
export function parseTilePath(path: string): TileRef | undefined {
  const m = /^(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return undefined;
  const level = m[1] === 'entries' ? ('entries' as const) : Number(m[1]);
  if (level !== 'entries' && level > 63) return undefined;
  const groups = [
    ...(m[2] ?? '')
      .split('/')
      .filter(Boolean)
      .map((g) => g.slice(1)),
    m[3]!,
  ];
  // No leading zero groups: an index has exactly one spelling.
  if (groups.length > 1 && groups[0] === '000') return undefined;
  const index = groups.reduce((acc, g) => acc * 1000 + Number(g), 0);
  const width = m[4] === undefined ? TILE_WIDTH : Number(m[4]);
  if (width >= TILE_WIDTH || !Number.isSafeInteger(index))
    return m[4] === undefined && Number.isSafeInteger(index) ? { level, index, width } : undefined;
  return { level, index, width };
}

/** An entry bundle: each entry as a big-endian uint16 length and its bytes. */
export function entryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(e.length);
    parts.push(len, Buffer.from(e));
  }
  return Buffer.concat(parts);
}
