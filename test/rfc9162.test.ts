// Tests of the independent RFC 9162 verifier in ./rfc9162.ts, and of nothing else: the project's
// own Merkle code is not imported here. The vectors are published ones (transparency-dev/merkle,
// golang/mod sumdb/tlog, RFC 9162); see ./vectors/README.md and the "sources" field of the JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { rfcLeafHash, rfcNodeHash, rfcRoot, rfcVerifyInclusion, rfcVerifyConsistency } from './rfc9162.ts';

interface HasherVector {
  desc: string;
  want: string;
  emptyRoot?: boolean;
  leafHex?: string;
  leftHex?: string;
  rightHex?: string;
}
interface InclusionProof {
  index: number;
  size: number;
  proof: string[];
  expect: boolean;
}
interface ConsistencyProof {
  size1: number;
  size2: number;
  proof: string[];
  expect: boolean;
}
interface InclusionProbe {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}
interface ConsistencyProbe {
  file: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}
interface Vectors {
  hasher: HasherVector[];
  leaves: string[];
  roots: { size: number; root: string }[];
  inclusionProofs: InclusionProof[];
  consistencyProofs: ConsistencyProof[];
  probes: { inclusion: InclusionProbe[]; consistency: ConsistencyProbe[] };
  ctArgon2020: {
    treeSize: number;
    rootHash: string;
    leafIndex: number;
    leafInputBase64: string;
    auditPath: string[];
    oldSize: number;
    oldRoot: string;
    consistency: string[];
    expect: { inclusion: boolean; consistency: boolean };
  };
}

// Note: two inclusion probes ("leafIdx sub @1") carry leafIdx 2^64 - 1, which JSON.parse turns into
// the float 18446744073709551616; the verifier rejects it as not a safe integer, which is the
// outcome the probe wants (the index is out of range either way).
const V = JSON.parse(readFileSync(new URL('./vectors/merkle-vectors.json', import.meta.url), 'utf8')) as Vectors;

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const hexes = (a: readonly string[]): Buffer[] => a.map(hex);
const leaves = V.leaves.map(hex);

function rootOf(size: number): Buffer {
  const r = V.roots.find((x) => x.size === size);
  assert.ok(r, `no published root for size ${size}`);
  return hex(r.root);
}

/** A copy of `b` with byte `i` XORed with `mask`. */
function flipByte(b: Uint8Array, i: number, mask = 0x01): Buffer {
  const c = Buffer.from(b);
  c[i] = (c[i] ?? 0) ^ mask;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Hashes and roots (RFC 9162 2.1.1)

test('hasher vectors: empty tree, leaf hashes, node hash', () => {
  assert.equal(V.hasher.length, 4);
  for (const h of V.hasher) {
    let got: Buffer;
    if (h.emptyRoot) got = rfcRoot([]);
    else if (h.leafHex !== undefined) got = rfcLeafHash(hex(h.leafHex));
    else if (h.leftHex !== undefined && h.rightHex !== undefined) got = rfcNodeHash(hex(h.leftHex), hex(h.rightHex));
    else throw new Error(`unrecognised hasher vector ${h.desc}`);
    assert.equal(got.toString('hex'), h.want, h.desc);
  }
});

test('rfcRoot of the vector leaves equals the published root for every size 1..8', () => {
  assert.equal(V.roots.length, 8);
  for (const { size, root } of V.roots) {
    assert.equal(rfcRoot(leaves.slice(0, size)).toString('hex'), root, `size ${size}`);
  }
  assert.equal(rfcRoot([]).toString('hex'), createHash('sha256').digest('hex'));
  assert.deepEqual(rfcRoot([leaves[3]!]), rfcLeafHash(leaves[3]!));
});

// ---------------------------------------------------------------------------------------------
// Published proofs (transparency-dev/merkle proof/verify_test.go tables)

test('every published inclusion proof verifies', () => {
  assert.equal(V.inclusionProofs.length, 5);
  for (const p of V.inclusionProofs) {
    assert.equal(p.expect, true);
    const ok = rfcVerifyInclusion(p.index, p.size, rfcLeafHash(leaves[p.index]!), hexes(p.proof), rootOf(p.size));
    assert.equal(ok, true, `leaf ${p.index} of ${p.size}`);
  }
});

test('every published consistency proof verifies', () => {
  assert.equal(V.consistencyProofs.length, 5);
  for (const p of V.consistencyProofs) {
    assert.equal(p.expect, true);
    const ok = rfcVerifyConsistency(p.size1, p.size2, rootOf(p.size1), rootOf(p.size2), hexes(p.proof));
    assert.equal(ok, true, `${p.size1} -> ${p.size2}`);
  }
});

test('a real Certificate Transparency log (Argon 2020, 961,984,013 leaves): inclusion and consistency', () => {
  const a = V.ctArgon2020;
  const leafHash = rfcLeafHash(Buffer.from(a.leafInputBase64, 'base64'));
  assert.equal(
    rfcVerifyInclusion(a.leafIndex, a.treeSize, leafHash, hexes(a.auditPath), hex(a.rootHash)),
    a.expect.inclusion,
  );
  assert.equal(
    rfcVerifyConsistency(a.oldSize, a.treeSize, hex(a.oldRoot), hex(a.rootHash), hexes(a.consistency)),
    a.expect.consistency,
  );
  // and the neighbours are not. (A size nudged by one is not always caught: an inclusion proof
  // binds the tree size only as far as the path's shape depends on it, and 10,000 of 961,984,013
  // has the same shape in 961,984,014; the signed tree head is what binds size to root.)
  assert.equal(rfcVerifyInclusion(a.leafIndex + 1, a.treeSize, leafHash, hexes(a.auditPath), hex(a.rootHash)), false);
  assert.equal(rfcVerifyInclusion(a.leafIndex - 1, a.treeSize, leafHash, hexes(a.auditPath), hex(a.rootHash)), false);
  assert.equal(rfcVerifyInclusion(a.leafIndex, a.treeSize * 2, leafHash, hexes(a.auditPath), hex(a.rootHash)), false);
  assert.equal(rfcVerifyInclusion(a.leafIndex, 2 ** 29, leafHash, hexes(a.auditPath), hex(a.rootHash)), false);
  assert.equal(
    rfcVerifyConsistency(a.oldSize + 1, a.treeSize, hex(a.oldRoot), hex(a.rootHash), hexes(a.consistency)),
    false,
  );
  assert.equal(
    rfcVerifyConsistency(a.oldSize - 1, a.treeSize, hex(a.oldRoot), hex(a.rootHash), hexes(a.consistency)),
    false,
  );
  assert.equal(
    rfcVerifyConsistency(a.oldSize, a.treeSize * 2, hex(a.oldRoot), hex(a.rootHash), hexes(a.consistency)),
    false,
  );
  // (a.treeSize - 1 would be accepted: same proof shape, as for inclusion above)
});

// ---------------------------------------------------------------------------------------------
// Probes (transparency-dev/merkle testdata/inclusion/** and testdata/consistency/**)

test('inclusion probes: count', () => {
  assert.equal(V.probes.inclusion.length, 98);
});
for (const p of V.probes.inclusion) {
  test(`inclusion probe ${p.file} (${p.desc}) is ${p.wantErr ? 'rejected' : 'accepted'}`, () => {
    const got = rfcVerifyInclusion(p.leafIdx, p.treeSize, hex(p.leafHash), hexes(p.proof), hex(p.root));
    assert.equal(got, !p.wantErr);
  });
}

test('consistency probes: count', () => {
  assert.equal(V.probes.consistency.length, 98);
});
for (const p of V.probes.consistency) {
  test(`consistency probe ${p.file} (${p.desc}) is ${p.wantErr ? 'rejected' : 'accepted'}`, () => {
    const got = rfcVerifyConsistency(p.size1, p.size2, hex(p.root1), hex(p.root2), hexes(p.proof));
    assert.equal(got, !p.wantErr);
  });
}

// ---------------------------------------------------------------------------------------------
// Mutations of good proofs

test('one-byte mutations of a good inclusion proof, leaf hash or root are rejected', () => {
  let checked = 0;
  for (const p of V.inclusionProofs) {
    const leafHash = rfcLeafHash(leaves[p.index]!);
    const proof = hexes(p.proof);
    const root = rootOf(p.size);
    assert.equal(rfcVerifyInclusion(p.index, p.size, leafHash, proof, root), true);
    for (const pos of [0, 13, 31]) {
      for (const mask of [0x01, 0x80]) {
        for (let j = 0; j < proof.length; j++) {
          const bad = proof.map((e, i) => (i === j ? flipByte(e, pos, mask) : e));
          assert.equal(rfcVerifyInclusion(p.index, p.size, leafHash, bad, root), false, `proof[${j}] byte ${pos}`);
          checked++;
        }
        assert.equal(rfcVerifyInclusion(p.index, p.size, flipByte(leafHash, pos, mask), proof, root), false);
        assert.equal(rfcVerifyInclusion(p.index, p.size, leafHash, proof, flipByte(root, pos, mask)), false);
        checked += 2;
      }
    }
  }
  assert.ok(checked > 50);
});

test('one-byte mutations of a good consistency proof or either root are rejected', () => {
  let checked = 0;
  for (const p of V.consistencyProofs) {
    if (p.size1 === p.size2) continue; // the proof is empty: only the roots can be mutated, below
    const proof = hexes(p.proof);
    const r1 = rootOf(p.size1);
    const r2 = rootOf(p.size2);
    assert.equal(rfcVerifyConsistency(p.size1, p.size2, r1, r2, proof), true);
    for (const pos of [0, 17, 31]) {
      for (const mask of [0x01, 0x40]) {
        for (let j = 0; j < proof.length; j++) {
          const bad = proof.map((e, i) => (i === j ? flipByte(e, pos, mask) : e));
          assert.equal(
            rfcVerifyConsistency(p.size1, p.size2, r1, r2, bad),
            false,
            `${p.size1}->${p.size2} proof[${j}] byte ${pos}`,
          );
          checked++;
        }
        assert.equal(rfcVerifyConsistency(p.size1, p.size2, flipByte(r1, pos, mask), r2, proof), false);
        assert.equal(rfcVerifyConsistency(p.size1, p.size2, r1, flipByte(r2, pos, mask), proof), false);
        checked += 2;
      }
    }
  }
  assert.equal(rfcVerifyConsistency(1, 1, rootOf(1), flipByte(rootOf(1), 5), []), false);
  assert.ok(checked > 50);
});

test('structural damage to good proofs is rejected: dropped, extra, duplicated, reordered elements; wrong index or sizes', () => {
  for (const p of V.inclusionProofs) {
    const leafHash = rfcLeafHash(leaves[p.index]!);
    const proof = hexes(p.proof);
    const root = rootOf(p.size);
    const variants: Buffer[][] = [
      [...proof, root],
      [root, ...proof],
      [...proof, proof[0] ?? root],
    ];
    if (proof.length > 0) variants.push(proof.slice(1), proof.slice(0, -1));
    if (proof.length > 1) variants.push([...proof].reverse());
    for (const v of variants) assert.equal(rfcVerifyInclusion(p.index, p.size, leafHash, v, root), false);
    // Not [p.index, p.size + 1]: e.g. the proof for leaf 1 of 5 also verifies as leaf 1 of 6 (same
    // path shape), which the RFC algorithm cannot see; a signed tree head binds the size to the root.
    for (const [i, n] of [
      [p.index + 1, p.size],
      [p.index - 1, p.size],
      [p.index, p.size * 2],
      [p.index, p.index],
    ] as const) {
      if (i === p.index && n === p.size) continue;
      assert.equal(rfcVerifyInclusion(i, n, leafHash, proof, root), false, `index ${i} size ${n}`);
    }
    // 33- and 31-byte elements
    if (proof.length > 0) {
      const long = proof.map((e, i) => (i === 0 ? Buffer.concat([e, Buffer.of(0)]) : e));
      const short = proof.map((e, i) => (i === 0 ? e.subarray(0, 31) : e));
      assert.equal(rfcVerifyInclusion(p.index, p.size, leafHash, long, root), false);
      assert.equal(rfcVerifyInclusion(p.index, p.size, leafHash, short, root), false);
    }
  }
  for (const p of V.consistencyProofs) {
    if (p.size1 === p.size2) continue;
    const proof = hexes(p.proof);
    const r1 = rootOf(p.size1);
    const r2 = rootOf(p.size2);
    const variants: Buffer[][] = [
      [],
      [...proof, r2],
      [r1, ...proof],
      proof.slice(1),
      proof.slice(0, -1),
      [...proof].reverse(),
    ];
    for (const v of variants) assert.equal(rfcVerifyConsistency(p.size1, p.size2, r1, r2, v), false);
    assert.equal(rfcVerifyConsistency(p.size1, p.size2, r2, r1, proof), false, 'swapped roots');
    assert.equal(rfcVerifyConsistency(p.size2, p.size1, r2, r1, proof), false, 'swapped sizes and roots');
  }
});

test('a path that goes on past the root is rejected ("If sn is 0, stop the iteration and fail")', () => {
  // Without that step, one more element X after a good path would hash r to HASH(0x01 || X || root)
  // with sn still 0 at the end, so a made-up head of that value would be "proven".
  const x = rfcLeafHash(Buffer.from('one level too many'));
  for (const p of V.inclusionProofs) {
    const leafHash = rfcLeafHash(leaves[p.index]!);
    const fakeRoot = rfcNodeHash(x, rootOf(p.size));
    assert.equal(
      rfcVerifyInclusion(p.index, p.size, leafHash, [...hexes(p.proof), x], fakeRoot),
      false,
      `leaf ${p.index} of ${p.size}`,
    );
  }
  for (const p of V.consistencyProofs) {
    if (p.size1 === p.size2 || Number.isInteger(Math.log2(p.size1))) continue; // keep first_hash out of the path
    const fake1 = rfcNodeHash(x, rootOf(p.size1));
    const fake2 = rfcNodeHash(x, rootOf(p.size2));
    assert.equal(
      rfcVerifyConsistency(p.size1, p.size2, fake1, fake2, [...hexes(p.proof), x]),
      false,
      `${p.size1} -> ${p.size2}`,
    );
  }
});

test('malformed arguments are rejected without throwing', () => {
  const h = rfcLeafHash(leaves[0]!);
  const r1 = rootOf(1);
  for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 64]) {
    assert.equal(rfcVerifyInclusion(bad, 1, h, [], r1), false, `index ${bad}`);
    assert.equal(rfcVerifyInclusion(0, bad, h, [], r1), false, `size ${bad}`);
    assert.equal(rfcVerifyConsistency(bad, 1, r1, r1, []), false, `size1 ${bad}`);
    assert.equal(rfcVerifyConsistency(1, bad, r1, r1, []), false, `size2 ${bad}`);
  }
  assert.equal(rfcVerifyInclusion(0, 0, h, [], r1), false);
  assert.equal(rfcVerifyConsistency(0, 0, r1, r1, []), false);
  assert.equal(rfcVerifyConsistency(0, 1, rfcRoot([]), r1, []), false);
  const junk = null as unknown as Uint8Array;
  assert.equal(rfcVerifyInclusion(0, 1, junk, [], r1), false);
  assert.equal(rfcVerifyInclusion(0, 1, h, [junk], r1), false);
  assert.equal(rfcVerifyInclusion(0, 1, h, null as unknown as Uint8Array[], r1), false);
  assert.equal(rfcVerifyConsistency(1, 2, junk, rootOf(2), [junk]), false);
  assert.equal(rfcVerifyConsistency(1, 1, junk, junk, []), false);
});

// ---------------------------------------------------------------------------------------------
// Proofs generated from the RFC's own definitions (2.1.3.1 PATH, 2.1.4.1 PROOF / SUBPROOF).
// The generator is anchored to the published proofs first, then used to check every (m, n) pair
// in small trees and a few trees of more than 2^32 leaves.

/** MTH(D[lo:hi]) for some tree, given as a function so huge trees can be described cheaply. */
type Mth = (lo: bigint, hi: bigint) => Buffer;

function largestPowerOfTwoBelow(n: bigint): bigint {
  let k = 1n;
  while (k * 2n < n) k *= 2n;
  return k;
}

/** RFC 9162 2.1.3.1: PATH(m, D[lo:hi]), m an absolute index in [lo, hi). */
function genPath(mth: Mth, m: bigint, lo: bigint, hi: bigint): Buffer[] {
  const n = hi - lo;
  if (n === 1n) return [];
  const k = largestPowerOfTwoBelow(n);
  return m - lo < k
    ? [...genPath(mth, m, lo, lo + k), mth(lo + k, hi)]
    : [...genPath(mth, m, lo + k, hi), mth(lo, lo + k)];
}

/** RFC 9162 2.1.4.1: SUBPROOF(m, D[lo:hi], b), m a count of leaves from lo. */
function genSubproof(mth: Mth, m: bigint, lo: bigint, hi: bigint, b: boolean): Buffer[] {
  const n = hi - lo;
  if (m === n) return b ? [] : [mth(lo, hi)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k
    ? [...genSubproof(mth, m, lo, lo + k, b), mth(lo + k, hi)]
    : [...genSubproof(mth, m - k, lo + k, hi, false), mth(lo, lo + k)];
}

const genProof = (mth: Mth, m: bigint, n: bigint): Buffer[] => genSubproof(mth, m, 0n, n, true);

function mthOf(entries: readonly Uint8Array[]): Mth {
  return (lo, hi) => rfcRoot(entries.slice(Number(lo), Number(hi)));
}

test('the RFC 2.1.3.1 / 2.1.4.1 generator reproduces the published proofs', () => {
  const mth = mthOf(leaves);
  for (const p of V.inclusionProofs) {
    assert.deepEqual(
      genPath(mth, BigInt(p.index), 0n, BigInt(p.size)).map((b) => b.toString('hex')),
      p.proof,
    );
  }
  for (const p of V.consistencyProofs) {
    if (p.size1 === p.size2) continue;
    assert.deepEqual(
      genProof(mth, BigInt(p.size1), BigInt(p.size2)).map((b) => b.toString('hex')),
      p.proof,
    );
  }
});

test('every inclusion and consistency proof in trees of 1..24 leaves verifies, and only where it belongs', () => {
  const entries = Array.from({ length: 24 }, (_, i) => Buffer.from(`entry ${i}`));
  const mth = mthOf(entries);
  const roots = Array.from({ length: entries.length + 1 }, (_, n) => rfcRoot(entries.slice(0, n)));
  for (let n = 1; n <= entries.length; n++) {
    for (let m = 0; m < n; m++) {
      const proof = genPath(mth, BigInt(m), 0n, BigInt(n));
      const leaf = rfcLeafHash(entries[m]!);
      assert.equal(rfcVerifyInclusion(m, n, leaf, proof, roots[n]!), true, `inclusion ${m} in ${n}`);
      for (let m2 = 0; m2 < n; m2++) {
        if (m2 !== m)
          assert.equal(rfcVerifyInclusion(m2, n, leaf, proof, roots[n]!), false, `inclusion ${m} in ${n} at ${m2}`);
      }
    }
    for (let m = 1; m < n; m++) {
      const proof = genProof(mth, BigInt(m), BigInt(n));
      assert.equal(rfcVerifyConsistency(m, n, roots[m]!, roots[n]!, proof), true, `consistency ${m} -> ${n}`);
      for (let m2 = 1; m2 < n; m2++) {
        if (m2 !== m)
          assert.equal(
            rfcVerifyConsistency(m2, n, roots[m2]!, roots[n]!, proof),
            false,
            `consistency ${m} -> ${n} as ${m2}`,
          );
      }
      if (n + 1 <= entries.length) assert.equal(rfcVerifyConsistency(m, n + 1, roots[m]!, roots[n + 1]!, proof), false);
    }
  }
});

/**
 * A tree of any size whose leaves are all the same entry except one, at index `special`: every
 * subtree not holding it has a hash that depends on its size alone, so MTH(D[lo:hi]) costs
 * O(log n) hashes even for trees of 2^40 leaves.
 */
function oneSpecialLeafTree(special: bigint): { mth: Mth; leafHash: Buffer } {
  const plain = rfcLeafHash(Buffer.from('plain'));
  const leafHash = rfcLeafHash(Buffer.from('special'));
  const uniform = new Map<bigint, Buffer>([[1n, plain]]);
  const u = (n: bigint): Buffer => {
    let h = uniform.get(n);
    if (!h) {
      const k = largestPowerOfTwoBelow(n);
      h = rfcNodeHash(u(k), u(n - k));
      uniform.set(n, h);
    }
    return h;
  };
  const mth: Mth = (lo, hi) => {
    if (special < lo || special >= hi) return u(hi - lo);
    if (hi - lo === 1n) return leafHash;
    const k = largestPowerOfTwoBelow(hi - lo);
    return rfcNodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };
  return { mth, leafHash };
}

test('trees of more than 2^32 leaves: no 32-bit arithmetic', () => {
  const cases: [special: bigint, size: bigint][] = [
    [2n ** 32n + 12345n, 2n ** 34n + 777n],
    [2n ** 31n, 2n ** 31n + 1n],
    [2n ** 33n - 1n, 2n ** 33n],
    [5n, 2n ** 40n + 3n],
    [2n ** 45n + 2n ** 32n + 1n, 2n ** 46n - 1n],
    [BigInt(Number.MAX_SAFE_INTEGER) - 1n, BigInt(Number.MAX_SAFE_INTEGER)],
  ];
  for (const [special, size] of cases) {
    const { mth, leafHash } = oneSpecialLeafTree(special);
    const root = mth(0n, size);
    const path = genPath(mth, special, 0n, size);
    const idx = Number(special);
    const n = Number(size);
    assert.equal(rfcVerifyInclusion(idx, n, leafHash, path, root), true, `inclusion ${special} in ${size}`);
    // the same index modulo 2^32 (what a 32-bit shift would see) must not verify
    const idx32 = Number(special % 2n ** 32n);
    if (idx32 !== idx) assert.equal(rfcVerifyInclusion(idx32, n, leafHash, path, root), false);
    assert.equal(rfcVerifyInclusion(idx, n, leafHash, path, flipByte(root, 7)), false);

    // consistency from a size that holds the special leaf, and from sizes on either side of 2^32
    for (const first of [special + 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, size - 1n]) {
      if (first <= 0n || first >= size) continue;
      const proof = genProof(mth, first, size);
      const r1 = mth(0n, first);
      assert.equal(rfcVerifyConsistency(Number(first), n, r1, root, proof), true, `consistency ${first} -> ${size}`);
      assert.equal(rfcVerifyConsistency(Number(first), n, r1, root, proof.slice(0, -1)), false);
      if (proof.length > 0) {
        assert.equal(
          rfcVerifyConsistency(Number(first), n, r1, root, [flipByte(proof[0]!, 3), ...proof.slice(1)]),
          false,
        );
      }
    }
  }
});
