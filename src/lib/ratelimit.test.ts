import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowAt } from './ratelimit.ts';

test('the window before weighs by how much of it still overlaps the last window length', () => {
  const hour = 3_600_000;
  const w = windowAt(10 * hour + hour / 4, hour);
  assert.deepEqual([w.start, w.previous], [10 * hour, 9 * hour]);
  assert.equal(w.carried(20), 15, 'three quarters of the hour before still count');
  assert.equal(windowAt(10 * hour, hour).carried(20), 20, 'at the start of a window all of the one before counts');
  assert.equal(windowAt(11 * hour - 1, hour).carried(20), 0);
});
