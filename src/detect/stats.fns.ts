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

/** ln(k!) for whole k ≥ 0: a table up to 256, Stirling's series beyond (error < 1e-12). */
const LN_FACT: number[] = [0];
for (let k = 1; k <= 256; k++) LN_FACT.push(LN_FACT[k - 1]! + Math.log(k));
function lnFactorial(k: number): number {
  if (k <= 256) return LN_FACT[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

/**
 * P(X ≥ n) for X ~ Poisson(λ), in log space so large n stay finite. Well above the mean
 * (n > λ + 5√λ + 1: the tail is small) it is summed upward from P(n), whose terms shrink at
 * least geometrically; otherwise it is 1 − P(X < n) from the n lower terms.
 * @example poissonTail(8, 0.2) < 1e-9
 */
export function poissonTail(n: number, lambda: number): number {
  if (n <= 0) return 1;
  if (lambda <= 0) return 0;
  const logLambda = Math.log(lambda);
  if (n > lambda + 5 * Math.sqrt(lambda) + 1) {
    let lt = n * logLambda - lambda - lnFactorial(n);
    let tail = 0;
    for (let k = n; ; k++) {
      const term = Math.exp(lt);
      tail += term;
      if (term <= tail * 1e-12) break;
      lt += logLambda - Math.log(k + 1);
    }
    return Math.min(1, tail);
  }
  let logTerm = -lambda;
  let cdf = Math.exp(logTerm);
  for (let k = 1; k < n; k++) {
    logTerm += logLambda - Math.log(k);
    cdf += Math.exp(logTerm);
  }
  return Math.max(0, 1 - cdf);
}
