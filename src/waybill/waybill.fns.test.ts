import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isTrackingNumber, s10CheckDigit, trackingNumber } from './waybill.fns.ts';

test('S10 check digits of published examples', () => {
  // UPU S10 examples: RA473124829GB? The check digit of 47312482 is 9.
  assert.equal(s10CheckDigit('47312482'), 9);
  assert.ok(isTrackingNumber('RA473124829GB'));
  assert.ok(!isTrackingNumber('RA473124828GB'));
});

test('property: every generated tracking number is valid, and any other check digit makes it invalid', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 1, max: 9 }), (serial, delta) => {
      const t = trackingNumber(serial);
      assert.ok(isTrackingNumber(t), t);
      const changed = `${t.slice(0, 10)}${(Number(t[10]) + delta) % 10}${t.slice(11)}`;
      assert.ok(!isTrackingNumber(changed), `${t} → ${changed}`);
    }),
  );
});
