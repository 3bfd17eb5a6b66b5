// An independent RFC 9162 (Certificate Transparency Version 2.0) Merkle tree verifier, SHA-256 only.
//
// Why this file exists: the project's own Merkle code (src/audit/merkle.ts) is checked against
// this verifier, so this one shares no code with it. It was written from the RFC text alone
// (RFC 9162 section 2.1, read in draft-ietf-trans-rfc6962-bis-42, the text published as the RFC),
// never from src/audit/merkle.ts, and it imports nothing from src/. Keep it that way: a fix made
// to one must not be copied into the other, or the cross-check stops meaning anything.
//
// What follows which section:
//   rfcLeafHash, rfcNodeHash   2.1.1  MTH({d[0]}) = HASH(0x00 || d[0]);  HASH(0x01 || left || right)
//   rfcRoot                    2.1.1  MTH({}) = HASH();  for n > 1, k = the largest power of two
//                                     smaller than n, MTH(D_n) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//   rfcVerifyInclusion         2.1.3.2 "Verifying an Inclusion Proof" (fn / sn / r), steps 1-5
//   rfcVerifyConsistency       2.1.4.2 "Verifying Consistency between Two Tree Heads" (fn / sn / fr / sr),
//                                     steps 1-7, including step 2 "If first is an exact power of 2,
//                                     then prepend first_hash to the consistency_path array"
//
// Conventions the RFC leaves to the implementation, chosen here:
//   - Nothing throws: every malformed input (negative, fractional or unsafe integer sizes, a hash
//     that is not HASH_SIZE = 32 bytes, ...) makes the verifier return false.
//   - Tree sizes and indices are handled as BigInt inside, and "right-shift" / "LSB" are done with
//     division and remainder by 2n, so nothing goes through JavaScript's 32-bit bitwise operators
//     and sizes beyond 2^31 (up to Number.MAX_SAFE_INTEGER) are exact.
//   - Consistency with first == second: 2.1.4.2 only covers 0 < first < second. For first == second
//     the proof 2.1.4.1 generates is SUBPROOF(m, D_m, true) = {}, so the proof must be empty and the
//     two tree heads must be equal. Equal is byte equality of whatever was given: no 32-byte length
//     check is made in that branch. That matches transparency-dev/merkle (its probe
//     "sizes-are-equal-one-and-proof-is-empty" has two equal 12-byte roots and must be accepted);
//     the RFC itself says nothing about the length there.
//   - Consistency with first == 0 is rejected, even 0 -> 0: the RFC's algorithm requires
//     0 < first, and 2.1.4.1 defines PROOF(m, D_n) only for 0 < m < n (transparency-dev/merkle
//     rejects it too).
import { createHash } from 'node:crypto';

/** HASH_SIZE for SHA-256. */
const HASH_SIZE = 32;

function sha256(...parts: readonly Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** RFC 9162 2.1.1: the hash of a one-entry list (a leaf hash), HASH(0x00 || entry). */
export function rfcLeafHash(entry: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, entry);
}

/** RFC 9162 2.1.1: an interior node, HASH(0x01 || l || r). */
export function rfcNodeHash(l: Uint8Array, r: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, l, r);
}

/** RFC 9162 2.1.1: the Merkle Tree Hash MTH(D_n) of the entries, by its recursive definition. */
export function rfcRoot(entries: readonly Uint8Array[]): Buffer {
  return mth(entries, 0, entries.length);
}

/** MTH(D[lo:hi]). */
function mth(entries: readonly Uint8Array[], lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 0) return sha256(); // MTH({}) = HASH()
  if (n === 1) return rfcLeafHash(entries[lo]!);
  let k = 1; // the largest power of two smaller than n (k < n <= 2k)
  while (k * 2 < n) k *= 2;
  return rfcNodeHash(mth(entries, lo, lo + k), mth(entries, lo + k, hi));
}

/**
 * RFC 9162 2.1.3.2: does `proof` (the inclusion_path) prove that `leafHash` (the "hash") is the leaf
 * at `leafIndex` in the tree of `treeSize` entries whose head is `root`? Never throws.
 */
export function rfcVerifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(leafIndex) || !isSize(treeSize)) return false;
  if (!isHash(leafHash) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;

  // 1. If leaf_index is greater than or equal to tree_size then fail the proof verification.
  if (leafIndex >= treeSize) return false;
  // 2. Set fn to leaf_index and sn to tree_size - 1.
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  // 3. Set r to hash.
  let r: Buffer = Buffer.from(leafHash);
  // 4. For each value p in the inclusion_path array:
  for (const p of proof) {
    //    If sn is 0, stop the iteration and fail the proof verification.
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      //  If LSB(fn) is set, or if fn is equal to sn, then:
      //    1. Set r to HASH(0x01 || p || r)
      r = rfcNodeHash(p, r);
      //    2. If LSB(fn) is not set, then right-shift both fn and sn equally
      //       until either LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      //  Otherwise: Set r to HASH(0x01 || r || p)
      r = rfcNodeHash(r, p);
    }
    //    Finally, right-shift both fn and sn one time.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. If sn is equal to 0, and r and the root_hash are equal, the log has proven the inclusion of hash.
  return sn === 0n && bytesEqual(r, root);
}

/**
 * RFC 9162 2.1.4.2: does `proof` (the consistency_path) prove that the tree of `size1` entries with
 * head `root1` is a prefix of the tree of `size2` entries with head `root2`? Never throws.
 */
export function rfcVerifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSize(size1) || !isSize(size2)) return false;
  // The algorithm is stated for 0 < first < second; see the header for the two edge cases.
  if (size1 === 0 || size1 > size2) return false;
  if (!Array.isArray(proof)) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;

  const first = BigInt(size1);
  const second = BigInt(size2);
  // 1. If consistency_path is an empty array, stop and fail the proof verification.
  if (proof.length === 0) return false;
  // 2. If first is an exact power of 2, then prepend first_hash to the consistency_path array.
  const path: readonly Uint8Array[] = isPowerOfTwo(first) ? [root1, ...proof] : proof;
  // 3. Set fn to first - 1 and sn to second - 1.
  let fn = first - 1n;
  let sn = second - 1n;
  // 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. Set both fr and sr to the first value in the consistency_path array.
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  // 6. For each subsequent value c in the consistency_path array:
  for (const c of path.slice(1)) {
    //    If sn is 0, stop the iteration and fail the proof verification.
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      //  If LSB(fn) is set, or if fn is equal to sn, then:
      //    1. Set fr to HASH(0x01 || c || fr); set sr to HASH(0x01 || c || sr)
      fr = rfcNodeHash(c, fr);
      sr = rfcNodeHash(c, sr);
      //    2. If LSB(fn) is not set, then right-shift both fn and sn equally
      //       until either LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      //  Otherwise: Set sr to HASH(0x01 || sr || c)
      sr = rfcNodeHash(sr, c);
    }
    //    Finally, right-shift both fn and sn one time.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 7. Verify that fr equals first_hash, that sr equals second_hash and that sn is 0.
  return bytesEqual(fr, root1) && bytesEqual(sr, root2) && sn === 0n;
}

/** A tree size or leaf index: a non-negative integer that a JavaScript number holds exactly. */
function isSize(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}

function isHash(x: Uint8Array): boolean {
  return x instanceof Uint8Array && x.length === HASH_SIZE;
}

/** LSB(x): is the least significant bit set? */
function lsb(x: bigint): boolean {
  return x % 2n === 1n;
}

/** Right-shift once (x is never negative here). */
function shr(x: bigint): bigint {
  return x / 2n;
}

function isPowerOfTwo(x: bigint): boolean {
  if (x <= 0n) return false;
  while (x % 2n === 0n) x /= 2n;
  return x === 1n;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
