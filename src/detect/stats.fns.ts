/*
 * Robust statistics for baselines that one heavy user cannot move: medians, quantiles, the
 * median absolute deviation, and the Poisson tail used to ask "how surprising is this many
 * unexplained accesses, given how many accesses and how often peers leave one unexplained".
 */

/** The q-quantile (0..1) of the values, by nearest rank on a sorted copy; undefined when empty. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** The median; undefined when empty. @example median([1, 9, 3]) === 3 */
export const median = (values: readonly number[]): number | undefined => quantile(values, 0.5);

/** Median absolute deviation, scaled to estimate a standard deviation (×1.4826). */
export function mad(values: readonly number[]): number | undefined {
  const m = median(values);
  if (m === undefined) return undefined;
  return 1.4826 * median(values.map((v) => Math.abs(v - m)))!;
}

/**
 * P(X ≥ n) for X ~ Poisson(λ), computed in log space so large n stay finite.
 * @example poissonTail(8, 0.2) < 1e-9
 */
export function poissonTail(n: number, lambda: number): number {
  if (n <= 0) return 1;
  if (lambda <= 0) return 0;
  // 1 - CDF(n-1) while that is well conditioned; for tiny tails the upper terms are summed.
  let logTerm = -lambda;
  let cdf = Math.exp(logTerm);
  for (let k = 1; k < n; k++) {
    logTerm += Math.log(lambda) - Math.log(k);
    cdf += Math.exp(logTerm);
  }
  if (cdf < 0.999) return Math.max(0, 1 - cdf);
  let tail = 0;
  let lt = logTerm;
  for (let k = n; k < n + 200; k++) {
    lt += Math.log(lambda) - Math.log(k);
    const term = Math.exp(lt);
    tail += term;
    if (term < tail * 1e-12) break;
  }
  return Math.max(0, tail);
}
