import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, measureGates } from './evaluate.ts';
import { SECOND_FAMILIES } from './second/world.ts';
import { THIRD_FAMILIES } from './third/world.ts';

describe('the quality report over the three generators', () => {
  test('first generator: every attack family found, no benign actor alerted, benign access explained', () => {
    const r = evaluate('first', [9001, 9002], { days: 3, stations: 5 });
    for (const f of r.families) assert.equal(f.recall, 1, `${f.family}: ${f.detected}/${f.attackers}`);
    assert.ok(r.actorPrecision >= 0.9, `precision ${r.actorPrecision}: ${r.falseActors.join(', ')}`);
    assert.ok(r.benignExplained >= 0.95);
    assert.ok(
      r.medianMinutesToDetect !== null && r.medianMinutesToDetect <= 60,
      `median minutes to detect ${r.medianMinutesToDetect}`,
    );
  });

  test('second generator (written apart from the engine): every family reported by variant, and the stories’ families found', () => {
    const r = evaluate('second', [9101], { days: 6, stations: 8 });
    assert.deepEqual(
      new Set(r.families.map((f) => f.family)),
      new Set(r.families.map((f) => f.family).filter((f) => (SECOND_FAMILIES as readonly string[]).includes(f))),
    );
    for (const f of r.families)
      assert.equal(
        Object.values(f.byVariant).reduce((a, v) => a + v.attackers, 0),
        f.attackers,
      );
    // A floor against regressions, not the goal (the goal and its measurement are in docs/detection).
    for (const family of ['harvesting-scanner', 'data-seller', 'review-broker'])
      assert.equal(r.families.find((f) => f.family === family)?.recall, 1, family);
    assert.ok(r.actorPrecision >= 0.5, `precision ${r.actorPrecision}: ${r.falseActors.join(', ')}`);
    assert.ok(r.benignExplained >= 0.98);
    assert.ok(r.benignResponded <= 0.01, 'with no gates shipped, no automatic response reaches a benign actor');
  });

  test('third generator (written apart from the engine and from the other two): every family it plants is scored by variant', () => {
    const r = evaluate('third', [9201], { days: 6, stations: 8 });
    assert.deepEqual(new Set(r.families.map((f) => f.family)), new Set(THIRD_FAMILIES));
    for (const f of r.families)
      assert.equal(
        Object.values(f.byVariant).reduce((a, v) => a + v.attackers, 0),
        f.attackers,
      );
    // A floor against regressions, not the goal (the goal and its measurement are in docs/detection).
    for (const family of ['data-seller', 'review-broker', 'own-station-sweep'])
      assert.equal(r.families.find((f) => f.family === family)?.recall, 1, family);
    assert.ok(r.benignExplained >= 0.98);
    assert.ok(r.benignResponded <= 0.01);
  });

  test('response gates: a rule gets one only at a score where its alerts were right 95% of the time', () => {
    const mk = (scores: [number, boolean][]) =>
      ({
        rules: { r: { alerts: scores.length, onAttackers: scores.filter(([, b]) => b).length, scores } },
      }) as unknown as Parameters<typeof measureGates>[0][number];
    const good = mk([
      [0.5, false],
      [0.6, false],
      ...Array.from({ length: 20 }, (_, i) => [0.8 + i / 100, true] as [number, boolean]),
    ]);
    // From 0.6 up, 20 of 21 were right (0.95); from 0.5, 20 of 22 (0.91).
    assert.deepEqual(measureGates([good]), { r: 0.6 });
    const bad = mk(Array.from({ length: 20 }, (_, i) => [0.9, i % 2 === 0] as [number, boolean]));
    assert.deepEqual(measureGates([good, bad]), {}, 'a rule imprecise on one generator gets no gate');
  });
});
