import { createHash } from 'node:crypto';

/*
 * RFC 9162 (Certificate Transparency 2.0, after RFC 6962) Merkle tree hashing, proofs and
 * their verification, with SHA-256. Written by hand because no maintained npm library
 * implements RFC 9162 proofs; checked against the published vectors of the Go reference
 * implementation (transparency-dev/merkle) and a real CT log proof, in merkle.test.ts.
 * Tree sizes and indexes are JavaScript numbers (exact below 2^53), halved with arithmetic,
 * never with 32-bit bit operators.
 */

export const HASH_BYTES = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT = createHash('sha256').digest();

/** leaf hash = SHA-256(0x00 ‖ entry). */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

/** node hash = SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]): the root of the tree over these leaf hashes. */
export function rootOf(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return Buffer.from(leaves[0]!);
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/**
 * MTH(D[lo:hi]) of some tree: proofs are generated from such a function, so the same
 * recursion serves a list in memory and the log's stored hash tiles.
 */
export type RangeHasher = (lo: number, hi: number) => Buffer;

const fromLeaves =
  (leaves: readonly Uint8Array[]): RangeHasher =>
  (lo, hi) =>
    rootOf(leaves.slice(lo, hi));

/** PATH(m, D[n]): the inclusion proof of leaf `m` (RFC 9162 §2.1.3.1). */
export function inclusionProof(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  return inclusionProofFrom(m, leaves.length, fromLeaves(leaves));
}

/**
 * PATH(m, D[n]) from a range hasher. The RFC's recursion, unrolled: each step keeps the half
 * holding leaf m and proves it with the hash of the other half; the deepest sibling comes first.
 */
export function inclusionProofFrom(m: number, n: number, range: RangeHasher): Buffer[] {
  if (!Number.isInteger(m) || m < 0 || m >= n) throw new RangeError('leaf index outside the tree');
  const out: Buffer[] = [];
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < lo + k) {
      out.push(range(lo + k, hi));
      hi = lo + k;
    } else {
      out.push(range(lo, lo + k));
      lo += k;
    }
  }
  return out.reverse();
}

/** PROOF(m, D[n]): the consistency proof from the tree of the first `m` leaves (RFC 9162 §2.1.4.1). */
export function consistencyProof(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  return consistencyProofFrom(m, leaves.length, fromLeaves(leaves));
}

/** PROOF(m, D[n]) from a range hasher: SUBPROOF(m, D[n], true), unrolled the same way. */
export function consistencyProofFrom(m: number, n: number, range: RangeHasher): Buffer[] {
  if (!Number.isInteger(m) || m < 1 || m > n) throw new RangeError('the old size must be from 1 to the new size');
  const out: Buffer[] = [];
  let lo = 0;
  let hi = n;
  let whole = true;
  while (m !== hi) {
    const k = splitPoint(hi - lo);
    if (m - lo <= k) {
      out.push(range(lo + k, hi));
      hi = lo + k;
    } else {
      out.push(range(lo, lo + k));
      lo += k;
      whole = false;
    }
  }
  if (!whole) out.push(range(lo, hi));
  return out.reverse();
}

const isHash = (h: Uint8Array) => h.length === HASH_BYTES;
const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);
/** Where a verification stands: the node of the leaf (fn) and of the last leaf (sn), level by level. */
type Cursor = { fn: number; sn: number };
const up = (c: Cursor) => {
  c.fn = half(c.fn);
  c.sn = half(c.sn);
};
/** RFC 9162: "right-shift fn and sn equally until either LSB(fn) is set or fn is 0". */
const upPastRightEdge = (c: Cursor) => {
  while (!odd(c.fn) && c.fn !== 0) up(c);
};
// Math.log2 is exact on powers of two, unlike `n & (n - 1)` past 2^31.
const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2): true only if `leaf` is entry `index` of
 * the tree of `size` leaves whose root is `root`.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  const c: Cursor = { fn: index, sn: size - 1 };
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (c.sn === 0) return false;
    if (odd(c.fn) || c.fn === c.sn) {
      r = nodeHash(p, r);
      upPastRightEdge(c);
    } else {
      r = nodeHash(r, p);
    }
    up(c);
  }
  return c.sn === 0 && r.equals(root);
}

/**
 * Verifies a consistency proof (RFC 9162 §2.1.4.2): true only if the tree of `size1` leaves
 * with root `root1` is a prefix of the tree of `size2` leaves with root `root2`. As in the
 * reference implementation, an old size of 0 never verifies, and equal sizes need an empty
 * proof and equal roots.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(Buffer.from(root2));
  if (!isHash(root1) || !isHash(root2) || proof.length === 0 || !proof.every(isHash)) return false;
  let path = [...proof];
  // When the old tree is a complete subtree, its root starts the path.
  if (isPowerOfTwo(size1)) path = [Buffer.from(root1), ...path];
  const c: Cursor = { fn: size1 - 1, sn: size2 - 1 };
  while (odd(c.fn)) up(c);
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const p of path.slice(1)) {
    if (c.sn === 0) return false;
    if (odd(c.fn) || c.fn === c.sn) {
      fr = nodeHash(p, fr);
      sr = nodeHash(p, sr);
      upPastRightEdge(c);
    } else {
      sr = nodeHash(sr, p);
    }
    up(c);
  }
  return c.sn === 0 && fr.equals(root1) && sr.equals(root2);
}
