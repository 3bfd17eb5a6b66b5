import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { createApp } from './app.ts';
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
