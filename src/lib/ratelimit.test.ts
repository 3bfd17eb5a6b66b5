import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenBucket } from './ratelimit.ts';

test('a burst passes, then one a second; keys are apart', () => {
  const b = tokenBucket(1, 3);
  const t0 = 1_000_000;
  assert.deepEqual([1, 2, 3, 4].map(() => b.take('a', t0)), [true, true, true, false]);
  assert.equal(b.take('b', t0), true, 'another key has its own bucket');
  assert.equal(b.take('a', t0 + 500), false);
  assert.equal(b.take('a', t0 + 1000), true);
  assert.equal(b.take('a', t0 + 1000), false);
  assert.deepEqual([1, 2, 3, 4].map(() => b.take('a', t0 + 60_000)), [true, true, true, false], 'refills up to the burst only');
});
