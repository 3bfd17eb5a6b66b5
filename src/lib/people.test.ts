import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPeople } from './people.ts';

test('a person depends only on the seed and the index', () => {
  const a = createPeople(7);
  const b = createPeople(7);
  const forward = [0, 1, 2, 999].map((i) => a.person(i));
  const backward = [999, 2, 1, 0].map((i) => b.person(i)).reverse();
  assert.deepEqual(forward, backward);
  assert.notDeepEqual(createPeople(8).person(0), a.person(0));
});

test('both countries appear, Chinese people being a small minority', () => {
  const people = createPeople(7);
  const cn = Array.from({ length: 2000 }, (_, i) => people.person(i)).filter((p) => p.country === 'CN').length;
  assert.ok(cn > 40 && cn < 200, `${cn} of 2,000 are Chinese`);
});
