import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSealer } from './seal.pool.ts';
import type { IndexKeys } from './vault.seal.ts';

const keys = {
  name: randomBytes(32),
  name_folded: randomBytes(32),
  phone: randomBytes(32),
  email: randomBytes(32),
} as IndexKeys;
const items = Array.from({ length: 100 }, (_, i) => ({
  externalId: `w-${i}`,
  fields: { phone: `0912 345 ${String(i).padStart(3, '0')}`, name: 'Lê Văn An' },
}));

test('worker sealing gives the same shapes as inline sealing, in order', async () => {
  const sealer = createSealer({ keys, region: 'VN', workers: 2 });
  try {
    const out = await sealer.seal(items);
    assert.equal(out.length, 100);
    out.forEach((o, i) => {
      assert.ok(o.ok);
      assert.equal(o.sealed.externalId, `w-${i}`);
      assert.equal(o.sealed.dek.length, 32);
      assert.equal(o.sealed.index.length, 3);
    });
  } finally {
    await sealer.close();
  }
});

test('a worker that dies fails only the batches it held, and is replaced for the next ones', async () => {
  const sealer = createSealer({ keys, region: 'VN', workers: 1 });
  try {
    await sealer.seal(items);
    // Big enough that the worker is still on it when it is killed (sealing takes ~70 µs a subject).
    const big = Array.from({ length: 20 }, () => items).flat();
    const held = sealer.seal(big);
    await sealer.threads()[0]!.terminate();
    await assert.rejects(held, /exited/);
    const again = await sealer.seal(items);
    assert.equal(again.filter((o) => o.ok).length, 100);
  } finally {
    await sealer.close();
  }
});
