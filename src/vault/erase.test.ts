import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createApp, type App } from '../app.ts';
import { loadConfig } from '../lib/config.ts';
import { NotFound } from '../lib/errors.ts';
import { createLocalKms, retireKeyVersion, rotateKeyring } from '../lib/keyring.ts';
import { SQLITE_FILES } from '../store/db.ts';
import { clearValues } from '../../test/clear.ts';
import { DIALECTS, appOn, freshSqlite } from '../../test/dialects.ts';
import { dekContext, fieldAad } from './vault.seal.ts';
import { open } from '../lib/crypto.ts';

const VICTIM = {
  name: 'Phạm Thị Hồng',
  phone: '0933 111 222',
  email: 'hong.pham@example.vn',
  address: '7 Hai Bà Trưng, Phường Tân Định, Quận 1, TP. Hồ Chí Minh',
};

/** Tries every data key the key store still holds on every sealed field given: true if any opens. */
async function anyKeyOpens(app: App, sealed: { token: string; field: string; sealed: Buffer }[]): Promise<boolean> {
  const keys = await app.store.db.selectFrom('cloak_keys.vault_data_keys').selectAll().execute();
  for (const k of keys) {
    const dek = await app.kms.unwrap({ kekVersion: k.kek_version, wrapped: k.wrapped }, dekContext(k.token));
    for (const s of sealed) {
      try {
        open(dek, s.sealed, fieldAad(s.token, s.field, 1));
        return true;
      } catch {
        // expected: this key is not the victim's
      }
    }
  }
  return false;
}

for (const d of DIALECTS) {
  describe(`erase by crypto-shredding on ${d.name}`, () => {
    const h = appOn(d.fresh);

    test('a copy of the data taken before the erase cannot be read with every key that is left', async () => {
      const [victim, other] = await h.app.vault.createSubjects([
        { externalId: 'victim', fields: VICTIM },
        { externalId: 'other', fields: { phone: '0944 555 666' } },
      ]);
      // The backup of the data, taken before the erase: every sealed field of the victim.
      const backup = (
        await h.app.store.db
          .selectFrom('vault_fields')
          .innerJoin('vault_subjects', 'vault_subjects.id', 'vault_fields.subject_id')
          .select(['token', 'field', 'sealed'])
          .where('token', '=', victim!.token)
          .execute()
      ).map((r) => ({ ...r, sealed: Buffer.from(r.sealed) }));
      assert.equal(backup.length, 4);
      assert.equal(await anyKeyOpens(h.app, backup), true, 'before the erase the victim’s key opens the backup');

      await h.app.vault.erase(victim!.token);

      assert.equal(await anyKeyOpens(h.app, backup), false, 'no key left in the key store opens the victim’s fields');
      assert.equal(await clearValues(h.app)(other!.token, 'phone'), '+84944555666', 'other subjects are untouched');
    });
  });
}

describe('erase on SQLite: the key store files themselves', () => {
  const h = appOn(freshSqlite);

  test('a restored copy of the data file, opened with the current key store and keyring, does not give back the erased subject', async () => {
    const [victim, other] = await h.app.vault.createSubjects([
      { externalId: 'v', fields: VICTIM },
      { externalId: 'o', fields: { email: 'someone@example.vn' } },
    ]);
    const wrapped = (
      await h.app.store.db
        .selectFrom('cloak_keys.vault_data_keys')
        .select('wrapped')
        .where('token', '=', victim!.token)
        .executeTakeFirstOrThrow()
    ).wrapped;
    // Back up the data file as an operator would (a consistent copy through SQLite's backup).
    const backupDir = join(h.db.dataDir, 'backup');
    mkdirSync(backupDir);
    const conn = new BetterSqlite3(join(h.db.dataDir, SQLITE_FILES.data), { readonly: true });
    await conn.backup(join(backupDir, SQLITE_FILES.data));
    conn.close();
    const oldKeyStore = join(h.db.dataDir, 'keys-backup.db');
    const kconn = new BetterSqlite3(join(h.db.dataDir, SQLITE_FILES.keys), { readonly: true });
    await kconn.backup(oldKeyStore);
    kconn.close();

    await h.app.vault.erase(victim!.token);

    // The live key store's files no longer hold the wrapped key's bytes (secure_delete, WAL truncated).
    for (const f of [SQLITE_FILES.keys, `${SQLITE_FILES.keys}-wal`]) {
      const p = join(h.db.dataDir, f);
      if (existsSync(p))
        assert.equal(readFileSync(p).indexOf(Buffer.from(wrapped)), -1, `${f} still holds the shredded key`);
    }

    // Restore: the old data file beside today's key store and keyring.
    copyFileSync(join(h.db.dataDir, SQLITE_FILES.keys), join(backupDir, SQLITE_FILES.keys));
    copyFileSync(h.app.config.keyringFile, join(backupDir, 'keyring.json'));
    const restored = await createApp(loadConfig({ ...h.db.env, CLOAK_DATA_DIR: backupDir }));
    try {
      assert.equal(
        (await restored.vault.getMasked(victim!.token, { actor: 'service:test' })).externalId,
        'v',
        'the copy does predate the erase',
      );
      for (const f of ['name', 'phone', 'email', 'address'])
        await assert.rejects(clearValues(restored)(victim!.token, f), NotFound);
      assert.equal(await clearValues(restored)(other!.token, 'email'), 'someone@example.vn');
    } finally {
      await restored.close();
    }

    // An old copy of the key store still holds the wrapped key: retiring the key version it
    // was wrapped under (after rotate + rewrap) makes that copy useless too.
    rotateKeyring({ file: h.app.config.keyringFile });
    await h.app.vault.rewrap();
    retireKeyVersion({ file: h.app.config.keyringFile }, 1);
    const old = new BetterSqlite3(oldKeyStore, { readonly: true });
    const row = old.prepare('select kek_version, wrapped from vault_data_keys where token = ?').get(victim!.token) as {
      kek_version: number;
      wrapped: Buffer;
    };
    old.close();
    assert.equal(row.kek_version, 1);
    const kms = createLocalKms({ file: h.app.config.keyringFile });
    await assert.rejects(
      kms.unwrap({ kekVersion: row.kek_version, wrapped: row.wrapped }, dekContext(victim!.token)),
      /version 1/,
    );
  });

  test('a reader holding the key store log delays the purge, never the erase; the next purge completes it', async () => {
    const [victim] = await h.app.vault.createSubjects([{ externalId: 'held', fields: VICTIM }]);
    const wrapped = (
      await h.app.store.db
        .selectFrom('cloak_keys.vault_data_keys')
        .select('wrapped')
        .where('token', '=', victim!.token)
        .executeTakeFirstOrThrow()
    ).wrapped;
    // Another process reading the key store (a backup, say) keeps a snapshot open.
    const reader = new BetterSqlite3(join(h.db.dataDir, SQLITE_FILES.keys), { readonly: true });
    reader.prepare('begin').run();
    reader.prepare('select count(*) from vault_data_keys').get();
    const done = await h.app.vault.erase(victim!.token);
    assert.ok(done.erasedAt);
    await assert.rejects(clearValues(h.app)(victim!.token, 'phone'), NotFound);
    reader.prepare('commit').run();
    reader.close();
    assert.equal(await h.app.store.purgeDeletedKeys(), true);
    for (const f of [SQLITE_FILES.keys, `${SQLITE_FILES.keys}-wal`]) {
      const p = join(h.db.dataDir, f);
      if (existsSync(p))
        assert.equal(readFileSync(p).indexOf(Buffer.from(wrapped)), -1, `${f} still holds the shredded key`);
    }
  });
});
