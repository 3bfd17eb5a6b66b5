import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './app.ts';
import { building, createDisposers } from './app.base.ts';
import { loadConfig } from './lib/config.ts';
import { Conflict } from './lib/errors.ts';
import { clearValues } from '../test/clear.ts';
import { DIALECTS } from '../test/dialects.ts';

for (const d of DIALECTS) {
  describe(`the keyring a database belongs to, on ${d.name}`, () => {
    test('a start whose key file went missing is refused, and the stray new key file removed; the right file starts again', async () => {
      const db = await d.fresh();
      try {
        const app = await createApp(loadConfig(db.env));
        const [s] = await app.vault.createSubjects([{ externalId: 'k-1', fields: { phone: '0912 000 999' } }]);
        const file = app.config.keyringFile;
        await app.close();
        renameSync(file, `${file}.moved`);
        await assert.rejects(
          createApp(loadConfig(db.env)),
          (e: unknown) =>
            e instanceof Conflict &&
            /does not belong to this database/.test(e.message) &&
            !/[A-Za-z0-9+/]{43}=/.test(e.message),
        );
        assert.equal(existsSync(file), false, 'the key file made by the refused start is gone');
        renameSync(`${file}.moved`, file);
        const back = await createApp(loadConfig(db.env));
        assert.equal(await clearValues(back)(s!.token, 'phone'), '+84912000999');
        await back.close();
      } finally {
        await db.drop();
      }
    });

    test("another database's key file is refused", async () => {
      const [a, b] = [await d.fresh(), await d.fresh()];
      try {
        await (await createApp(loadConfig(a.env))).close();
        await (await createApp(loadConfig(b.env))).close();
        writeFileSync(`${a.dataDir}/keyring.json`, readFileSync(`${b.dataDir}/keyring.json`), { mode: 0o600 });
        await assert.rejects(createApp(loadConfig(a.env)), Conflict);
      } finally {
        await a.drop();
        await b.drop();
      }
    });
  });
}

for (const d of DIALECTS) {
  test(`a start that fails half-way (a broken policy file) closes what it opened (its database connections among them), on ${d.name}`, async () => {
    const db = await d.fresh();
    const policies = mkdtempSync(join(tmpdir(), 'cloak-policies-'));
    try {
      cpSync('policies', policies, { recursive: true });
      // Settle what a first start opens once for the process (the keyring, the dialect's driver).
      await (await createApp(loadConfig(db.env))).close();
      await new Promise((r) => setTimeout(r, 100));
      const before = process.getActiveResourcesInfo().sort();
      writeFileSync(join(policies, 'broken.cedar'), 'permit(principal, action, resource) when { ;');
      await assert.rejects(
        createApp(loadConfig({ ...db.env, CLOAK_POLICIES_DIR: policies, CLOAK_CRYPTO_WORKERS: '2' })),
        /broken\.cedar/,
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(process.getActiveResourcesInfo().sort(), before, 'what the failed start opened is closed');
    } finally {
      rmSync(policies, { recursive: true, force: true });
      await db.drop();
    }
  });
}

test('the disposer stack closes newest first, runs every step when one fails, and throws the first error', async () => {
  const order: string[] = [];
  const d = createDisposers();
  d.push(() => void order.push('store'));
  d.push(() => {
    order.push('sealer');
    throw new Error('sealer would not close');
  });
  d.push(async () => void order.push('audit'));
  await assert.rejects(d.close(), /sealer would not close/);
  assert.deepEqual(order, ['audit', 'sealer', 'store']);
  await d.close();
  assert.deepEqual(order, ['audit', 'sealer', 'store'], 'a second close closes nothing twice');
});

test('a build that throws closes what it opened before the error goes on', async () => {
  const closed: string[] = [];
  await assert.rejects(
    building(async (d) => {
      d.push(() => void closed.push('store'));
      d.push(() => void closed.push('workers'));
      throw new Error('the policies do not parse');
    }),
    /the policies do not parse/,
  );
  assert.deepEqual(closed, ['workers', 'store']);
});
