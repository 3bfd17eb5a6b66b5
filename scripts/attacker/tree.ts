// RFC 9162 Merkle tree hashing and c2sp.org/tlog-tiles tiles, written from the specs alone
// (leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right), tiles of height 8), for the
// attacker's campaign: it recomputes what an honest log would store after a forged change.
import { createHash } from 'node:crypto';

export const TILE_WIDTH = 256;

export function leafHash(entry: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(entry)
    .digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** MTH(D[n]) over leaf hashes; the empty tree is SHA-256 of nothing. */
export function rootOf(leaves: readonly Buffer[], from = 0, to = leaves.length): Buffer {
  const n = to - from;
  if (n === 0) return createHash('sha256').digest();
  if (n === 1) return leaves[from]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(rootOf(leaves, from, from + k), rootOf(leaves, from + k, to));
}

/**
 * The hash tiles of a tree of these leaves, keyed `level/index`: a tile at level L holds the hashes
 * of the complete subtrees of 256^L leaves. `fullOnlyLevels` levels keep complete tiles only (level 0,
 * whose filling tile is read from the entries); the others keep their partial last tile too.
 */
export function tilesOf(leaves: readonly Buffer[], partialFromLevel: number): Map<string, Buffer> {
  const tiles = new Map<string, Buffer>();
  let nodes: Buffer[] = leaves.slice();
  for (let level = 0; nodes.length > 0; level++) {
    for (let t = 0; t * TILE_WIDTH < nodes.length; t++) {
      const part = nodes.slice(t * TILE_WIDTH, (t + 1) * TILE_WIDTH);
      if (part.length < TILE_WIDTH && level < partialFromLevel) continue;
      tiles.set(`${level}/${t}`, Buffer.concat(part));
    }
    // Up 8 levels: the root of each complete group of 256 nodes.
    const next: Buffer[] = [];
    for (let i = 0; (i + 1) * TILE_WIDTH <= nodes.length; i++)
      next.push(rootOf(nodes, i * TILE_WIDTH, (i + 1) * TILE_WIDTH));
    nodes = next;
  }
  return tiles;
}
