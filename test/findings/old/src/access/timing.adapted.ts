// ADAPTED COPY of the two "a missing … id costs the same work as a wrong secret (finding 11)"
// tests (src/access/apikey.service.test.ts, src/access/staff.service.test.ts) for 559925b
// (finding 11c). Those inject a `compare` spy, an option the fix added; the old services ignore
// it. This copy spies instead on node:crypto's timingSafeEqual itself (patched and synced into
// the ES module bindings), and calls the app's own services, so it runs unchanged on both.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { DIALECTS, appOn } from '../../test/dialects.ts';

const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
const calls: [number, number][] = [];
const real = crypto.timingSafeEqual;
before(() => {
  crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => (
    calls.push([a.byteLength, b.byteLength]),
    real(a, b)
  )) as typeof real;
  syncBuiltinESMExports();
});
after(() => {
  crypto.timingSafeEqual = real;
  syncBuiltinESMExports();
});

describe('a missing id costs the same constant-time compare as a wrong secret (adapted copy)', () => {
  const h = appOn(DIALECTS[0].fresh);

  test('API keys: the compare runs, on 32-byte hashes, whether or not the id exists', async () => {
    const k = await h.app.apiKeys.create({ name: 'timing', scopes: ['platform'] });
    const secret = k.secret.slice(`ck_${k.id}_`.length);
    for (const wrong of [`ck_${k.id}_${'A'.repeat(43)}`, `ck_key_${'a'.repeat(26)}_${secret}`]) {
      calls.length = 0;
      await assert.rejects(h.app.apiKeys.verify(wrong), /missing, malformed, unknown or revoked/);
      assert.deepEqual(calls, [[32, 32]], wrong);
    }
  });

  test('staff tokens: the compare runs, on 32-byte hashes, whether or not the id exists', async () => {
    const { token } = await h.app.staff.create({ id: 'tm-1', role: 'support' }, 'operator:test');
    const secret = token.split('.').pop()!;
    for (const wrong of [`cst.tm-1.${'A'.repeat(43)}`, `cst.nobody-here.${secret}`]) {
      calls.length = 0;
      await assert.rejects(h.app.staff.authenticate(wrong), /missing, malformed, unknown or disabled/);
      assert.deepEqual(calls, [[32, 32]], wrong);
    }
  });
});
