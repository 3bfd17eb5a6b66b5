import { rmSync } from 'node:fs';
import { createAuditRepo, type AuditRepo } from './audit/log.repo.ts';
import { signerFromSeed, verifierKeyOf } from './audit/note.ts';
import type { Config } from './lib/config.ts';
import { deriveKey } from './lib/crypto.ts';
import { Conflict } from './lib/errors.ts';
import { keyringFingerprint, loadKeyring, type Keyring } from './lib/keyring.ts';
import { openStore, type Store } from './store/db.ts';

/*
 * The composition root's foundation (app.ts builds on it): the keyring, the database and the
 * check that they belong together; and the audit log alone on them, for commands that need
 * nothing else (`cloak audit verify` loads no service and starts no background work).
 */

/** The keyring (made at first start) and the store, refused when they do not belong together. */
export async function openKeyedStore(config: Config): Promise<{ ring: Keyring; firstStart: boolean; store: Store }> {
  const { ring, created: firstStart } = loadKeyring({ file: config.keyringFile, inline: config.keyring });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await checkKeyringBelongs(store, ring, firstStart ? config.keyringFile : undefined);
  } catch (e) {
    await store.close();
    throw e;
  }
  return { ring, firstStart, store };
}

/** The checkpoint key is derived from the keyring: made at first start with it, never stored apart. */
export function auditSignerOf(config: Config, ring: Keyring) {
  return signerFromSeed(config.auditOrigin, deriveKey(ring.indexRoot, 'cloak/audit-checkpoint/ed25519/v1'));
}

/** The audit log's tables and its verifier key, and nothing else: what `cloak audit verify` reads. */
export async function openAuditAlone(
  config: Config,
): Promise<{ repo: AuditRepo; verifierKey: string; close(): Promise<void> }> {
  const { ring, store } = await openKeyedStore(config);
  return {
    repo: createAuditRepo(store),
    verifierKey: verifierKeyOf(auditSignerOf(config, ring)),
    close: () => store.close(),
  };
}

/**
 * Refuses a keyring that is not the one this database was written with: a start after the
 * key file went missing would otherwise make a new one and answer every lookup with nothing
 * and every decryption with an error, while writing new data under the wrong keys.
 */
async function checkKeyringBelongs(store: Store, ring: Keyring, createdFile: string | undefined): Promise<void> {
  const fingerprint = keyringFingerprint(ring);
  const row = await store.db
    .selectFrom('cloak_meta')
    .select('value')
    .where('key', '=', 'keyring_fingerprint')
    .executeTakeFirst();
  if (!row) {
    await store.db.insertInto('cloak_meta').values({ key: 'keyring_fingerprint', value: fingerprint }).execute();
    return;
  }
  if (row.value === fingerprint) return;
  // A key file made by this very start is worthless: remove it so nobody backs it up as the real one.
  if (createdFile) rmSync(createdFile, { force: true });
  throw new Conflict(
    `the keyring does not belong to this database (${store.location}): ${createdFile ? 'the key file was missing, so a new one was made; it has been removed' : 'it was made for another database'}. Restore the key file that goes with this database (CLOAK_KEYRING_FILE or CLOAK_KEYRING)`,
  );
}
