import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rotateKeyring } from '../src/lib/keyring.ts';
import { clearValues } from '../test/clear.ts';
import { serverOn } from '../test/dialects.ts';

describe('a running server after `cloak keys rotate`', () => {
  const s = serverOn({ CLOAK_REWRAP_INTERVAL_SECONDS: '1' });

  test('picks up the new version for new writes and rewraps old data keys in the background, with no downtime', async () => {
    const before = await s.app.vault.createSubjects(
      Array.from({ length: 50 }, (_, i) => ({
        externalId: `r-${i}`,
        fields: { phone: `0912 000 ${String(i).padStart(3, '0')}` },
      })),
    );
    // As another process (the CLI) would: edit the key file, not this app's memory.
    const v2 = rotateKeyring({ file: s.app.config.keyringFile });
    // The very next write uses the new version, before any rewrap has run.
    const [first] = await s.app.vault.createSubjects([
      { externalId: 'right-after-rotation', fields: { phone: '0912 999 998' } },
    ]);
    const kekOf = async (token: string) =>
      (
        await s.app.store.db
          .selectFrom('cloak_keys.vault_data_keys')
          .innerJoin('vault_subjects', 'vault_subjects.id', 'cloak_keys.vault_data_keys.subject_id')
          .select('kek_version')
          .where('vault_subjects.token', '=', token)
          .executeTakeFirstOrThrow()
      ).kek_version;
    assert.equal(await kekOf(first!.token), v2);
    const deadline = Date.now() + 10_000;
    let status = await s.app.vault.keyStatus();
    while (Object.keys(status.dataKeysByVersion).join() !== String(v2) && Date.now() < deadline) {
      // Reads keep being served while the rewrap runs.
      const r = await fetch(`${s.url}/health`);
      assert.equal(r.status, 200);
      await new Promise((r) => setTimeout(r, 200));
      status = await s.app.vault.keyStatus();
    }
    assert.deepEqual(status.dataKeysByVersion, { [String(v2)]: 51 });
    for (const b of before.slice(0, 5)) assert.match(await clearValues(s.app)(b.token, 'phone'), /^\+84912000/);
  });
});
