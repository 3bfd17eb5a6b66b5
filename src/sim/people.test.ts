import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareSubject } from '../vault/vault.fns.ts';
import { createPeople } from './people.ts';

test('1,000 generated people all pass the vault validation (region VN)', () => {
  const people = createPeople(7);
  for (let i = 0; i < 1000; i++) {
    const p = people.person(i);
    const r = prepareSubject(
      {
        kind: 'customer',
        externalId: p.externalId,
        fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
      },
      'VN',
    );
    assert.ok(r.ok, `person ${i} (${p.country}) is refused: ${r.ok ? '' : JSON.stringify(r.errors)}`);
  }
});

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
