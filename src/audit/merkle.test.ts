import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

/** Published vectors (transparency-dev/merkle, golang/mod sumdb/tlog, RFC 9162), copied with their sources into test/vectors. */
const V = JSON.parse(readFileSync(new URL('../../test/vectors/merkle-vectors.json', import.meta.url), 'utf8'));
const hex = (h: string) => Buffer.from(h, 'hex');
const leaves: Buffer[] = V.leaves.map((l: string) => leafHash(hex(l)));

describe('RFC 9162 Merkle trees against the published vectors', () => {
  test('hasher: empty root, leaf and node hashes', () => {
    for (const h of V.hasher) {
      const got = h.emptyRoot
        ? EMPTY_ROOT
        : h.leafHex !== undefined
          ? leafHash(hex(h.leafHex))
          : nodeHash(hex(h.leftHex), hex(h.rightHex));
      assert.equal(got.toString('hex'), h.want, h.desc);
    }
  });

  test('roots of the trees of the first 1 to 8 test leaves', () => {
    for (const r of V.roots) assert.equal(rootOf(leaves.slice(0, r.size)).toString('hex'), r.root, `size ${r.size}`);
  });

  test('inclusion proofs: generated equal to the published ones, and they verify', () => {
    for (const p of V.inclusionProofs) {
      assert.deepEqual(
        inclusionProof(p.index, leaves.slice(0, p.size)).map((b) => b.toString('hex')),
        p.proof,
        `leaf ${p.index} of ${p.size}`,
      );
      assert.equal(
        verifyInclusion(p.index, p.size, leaves[p.index]!, p.proof.map(hex), hex(V.roots[p.size - 1].root)),
        p.expect,
      );
    }
  });

  test('consistency proofs: generated equal to the published ones, and they verify', () => {
    for (const p of V.consistencyProofs) {
      assert.deepEqual(
        consistencyProof(p.size1, leaves.slice(0, p.size2)).map((b) => b.toString('hex')),
        p.proof,
        `${p.size1} → ${p.size2}`,
      );
      assert.equal(
        verifyConsistency(
          p.size1,
          p.size2,
          hex(V.roots[p.size1 - 1].root),
          hex(V.roots[p.size2 - 1].root),
          p.proof.map(hex),
        ),
        p.expect,
      );
    }
  });

  test('every probe of the reference implementation: accepted or rejected as it must be', () => {
    let rejected = 0;
    for (const p of V.probes.inclusion) {
      const ok = verifyInclusion(p.leafIdx, p.treeSize, hex(p.leafHash), p.proof.map(hex), hex(p.root));
      assert.equal(ok, !p.wantErr, `inclusion ${p.file}: ${p.desc}`);
      if (!ok) rejected++;
    }
    for (const p of V.probes.consistency) {
      const ok = verifyConsistency(p.size1, p.size2, hex(p.root1), hex(p.root2), p.proof.map(hex));
      assert.equal(ok, !p.wantErr, `consistency ${p.file}: ${p.desc}`);
      if (!ok) rejected++;
    }
    assert.ok(V.probes.inclusion.length + V.probes.consistency.length > 150 && rejected > 100);
  });

  test('a real Certificate Transparency log (Argon 2020, 961,984,013 leaves): inclusion and consistency', () => {
    const a = V.ctArgon2020;
    const leaf = leafHash(Buffer.from(a.leafInputBase64, 'base64'));
    assert.equal(
      verifyInclusion(Number(a.leafIndex), Number(a.treeSize), leaf, a.auditPath.map(hex), hex(a.rootHash)),
      true,
    );
    assert.equal(
      verifyConsistency(Number(a.oldSize), Number(a.treeSize), hex(a.oldRoot), hex(a.rootHash), a.consistency.map(hex)),
      true,
    );
    const flipped = Buffer.from(leaf);
    flipped[0]! ^= 1;
    assert.equal(
      verifyInclusion(Number(a.leafIndex), Number(a.treeSize), flipped, a.auditPath.map(hex), hex(a.rootHash)),
      false,
    );
  });
});

test('property: for any tree, every generated proof verifies, and fails for another leaf, index or root', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 }),
      fc.nat(),
      fc.nat(),
      (entries, a, b) => {
        const hs = entries.map((e) => leafHash(e));
        const n = hs.length;
        const root = rootOf(hs);
        const i = a % n;
        const proof = inclusionProof(i, hs);
        assert.ok(verifyInclusion(i, n, hs[i]!, proof, root));
        assert.ok(!verifyInclusion(i, n, leafHash(Buffer.from('other')), proof, root));
        if (n > 1) assert.ok(!verifyInclusion((i + 1) % n, n, hs[i]!, proof, root) || hs[(i + 1) % n]!.equals(hs[i]!));
        const m = 1 + (b % n);
        const cp = consistencyProof(m, hs);
        assert.ok(verifyConsistency(m, n, rootOf(hs.slice(0, m)), root, cp));
        if (m < n) assert.ok(!verifyConsistency(m, n, rootOf(hs.slice(0, m)), leafHash(Buffer.from('x')), cp));
      },
    ),
    { numRuns: 300 },
  );
});
