import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mad, median, poissonTail, quantile } from './stats.fns.ts';

// The Poisson tail by its definition, term by term in plain arithmetic: 1 − Σ_{k<n} e^−λ λ^k / k!.
function byDefinition(n: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let cdf = 0;
  for (let k = 0; k < n; k++) {
    cdf += term;
    term *= lambda / (k + 1);
  }
  return 1 - cdf;
}

test('the Poisson tail agrees with its definition where plain arithmetic is exact enough', () => {
  for (const lambda of [0.05, 0.5, 1, 2.5, 7, 20, 60]) {
    for (let n = 1; n <= 120; n++) {
      const want = byDefinition(n, lambda);
      if (want < 1e-9) continue; // 1 − cdf loses its digits there; the cases below check the small tails
      const got = poissonTail(n, lambda);
      assert.ok(Math.abs(got - want) <= 1e-9 + 1e-6 * want, `P(X ≥ ${n}) for λ = ${lambda}: ${got} vs ${want}`);
    }
  }
});

test('small tails keep their digits: P(X ≥ n) ≈ P(X = n) when λ ≪ n', () => {
  // For λ = 0.2 and n = 8 the first term dominates: e^−0.2 · 0.2^8 / 8! ≈ 5.2e-11, the rest ≈ 0.2/9 of it.
  const first = (Math.exp(-0.2) * 0.2 ** 8) / 40320;
  const got = poissonTail(8, 0.2);
  assert.ok(got > first && got < first * 1.03, String(got));
  // Far out the tail is still positive and falls with n.
  assert.ok(poissonTail(150, 3) > 0 && poissonTail(150, 3) < poissonTail(100, 3));
  // Large counts and large means stay finite and sensible.
  assert.ok(Math.abs(poissonTail(10_000, 10_000) - 0.5) < 0.01);
  assert.ok(poissonTail(12_000, 10_000) < 1e-40);
});

test('edges: nothing counted is certain, nothing expected makes any count impossible', () => {
  assert.equal(poissonTail(0, 3), 1);
  assert.equal(poissonTail(1, 0), 0);
  assert.ok(Math.abs(poissonTail(1, 2) - (1 - Math.exp(-2))) < 1e-12);
});

test('robust statistics: one outlier does not move the median or the MAD much', () => {
  assert.equal(median([1, 9, 3]), 3);
  assert.equal(median([]), undefined);
  assert.equal(quantile([5, 1, 4, 2, 3], 0), 1);
  assert.equal(quantile([5, 1, 4, 2, 3], 1), 5);
  const calm = [10, 11, 9, 10, 12, 10, 9, 11];
  assert.equal(median([...calm, 10_000]), median(calm));
  assert.ok(mad([...calm, 10_000])! < 3);
});
