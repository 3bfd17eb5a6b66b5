import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateWorld } from './world.ts';
import { lines, run } from '../../test/replay.ts';

// Detection's replay over a simulated world: here, beside the simulator, so detection never
// imports the simulator (src/detect/replay.test.ts holds the replay's other tests).

describe('replay follows the contract', () => {
  test('lines in any order give the same alerts as sorted ones, with event-time `at` and the input actor ids', async () => {
    const w = simulateWorld({ days: 2, stations: 4, seed: 7, attacks: ['harvesting-scanner', 'break-glass-abuse'] });
    const sorted = await run(lines(w.events));
    const shuffled = [...w.events];
    let x = 42;
    for (let i = shuffled.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const j = x % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    // Also through the external sort, in runs of 5,000 lines.
    const unsorted = await run(lines(shuffled), { runLines: 5000 });
    assert.ok(sorted.alerts.length > 0);
    assert.deepEqual(unsorted.alerts, sorted.alerts);
    assert.equal(unsorted.events, w.events.length);
    for (const a of sorted.alerts) {
      assert.ok(
        w.events.some((e) => (('actor' in e && e.actor === a.actor) || false) && e.at === a.at),
        `alert at ${a.at} is the time of one of ${a.actor}'s events`,
      );
      assert.ok(a.score >= 0 && a.score <= 1 && a.evidence.length > 0 && a.summary.length > 0);
    }
    assert.deepEqual(new Set(sorted.alerts.map((a) => a.actor)), new Set(w.truth.map((t) => t.actor)));
  });
});
