/**
 * A token bucket per key: `perSecond` tokens refill each second, up to `burst`. In memory,
 * one process: enough for quarantined devices on one node (a shared store comes with
 * several API nodes).
 * @example const b = tokenBucket(1, 5); if (!b.take(deviceId, Date.now())) throw new RateLimited('…');
 */
export function tokenBucket(perSecond: number, burst: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string, nowMs: number): boolean {
      const b = buckets.get(key) ?? { tokens: burst, at: nowMs };
      b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
      b.at = nowMs;
      buckets.set(key, b);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
