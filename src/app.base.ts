import { rmSync } from 'node:fs';
import { createAuditRepo, type AuditRepo } from './audit/log.repo.ts';
import { signerFromSeed, verifierKeyOf } from './audit/note.ts';
import type { Config } from './lib/config.ts';
import { deriveKey } from './lib/crypto.ts';
import { Conflict } from './lib/errors.ts';
import { blindIndexKey, createLocalKms, keyringFingerprint, loadKeyring, type Keyring } from './lib/keyring.ts';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import { createInProcessBus, type EventBus } from './bus/bus.ts';
import type { Clock } from './lib/clock.ts';
import { createSealer } from './vault/seal.pool.ts';
import { createVaultRepo } from './vault/vault.repo.ts';
import { createVaultService } from './vault/vault.service.ts';
import { INDEX_SCOPES, type IndexKeys } from './vault/vault.seal.ts';
import { openStore, storeOf, tablesOf, type Store } from './store/db.ts';
import { createMetaRepo } from './store/meta.repo.ts';
import { MIGRATIONS, type Database } from './tables.ts';

/*
 * The composition root's foundation (app.ts builds on it): the keyring, the database and the
 * check that they belong together; the vault on them; and the audit log or the vault alone, for
 * commands that need nothing else (`cloak audit verify` and `cloak import` load no other service,
 * no policy engine, and start no background work).
 */

/** What was opened, closed in reverse order: by `close()`, or at once when a later step fails. */
export type Disposers = {
  /** Registers how to close what was just opened. */
  push(close: () => unknown): void;
  /** Closes everything registered, newest first; every step runs even when one fails (the first error is thrown). */
  close(): Promise<void>;
};

export function createDisposers(): Disposers {
  const stack: (() => unknown)[] = [];
  return {
    push: (close) => void stack.push(close),
    async close() {
      let first: unknown;
      for (let c = stack.pop(); c; c = stack.pop()) {
        try {
          await c();
        } catch (e) {
          first ??= e;
        }
      }
      if (first !== undefined) throw first;
    },
  };
}

/**
 * Runs `build` with a fresh disposer stack: when it throws, whatever it had opened is closed
 * before the error goes on (no worker thread or connection left behind a failed start).
 */
export async function building<T>(build: (d: Disposers) => Promise<T>): Promise<T> {
  const d = createDisposers();
  try {
    return await build(d);
  } catch (e) {
    await d.close().catch(() => undefined);
    throw e;
  }
}

/** The keyring (made at first start) and the store, refused when they do not belong together. */
export async function openKeyedStore(
  config: Config,
): Promise<{ ring: Keyring; firstStart: boolean; store: Store<Database> }> {
  const { ring, created: firstStart } = loadKeyring({ file: config.keyringFile, inline: config.keyring });
  const store = await openStore<Database>({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }, MIGRATIONS);
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

/** The vault on an opened store: its key service, blind-index keys and sealing workers (closed through `d`). */
export function buildVault(
  config: Config,
  deps: { ring: Keyring; store: Store<Database>; bus: Pick<EventBus, 'publish'>; clock: Clock; log: Logger },
  d: Disposers,
) {
  const { ring, store } = deps;
  const kms = createLocalKms({ file: config.keyringFile, inline: config.keyring }, ring);
  const indexKeys = Object.fromEntries(INDEX_SCOPES.map((s) => [s, blindIndexKey(ring, s)])) as unknown as IndexKeys;
  const region = config.defaultRegion as CountryCode;
  const sealer = createSealer({ keys: indexKeys, region, workers: config.cryptoWorkers });
  d.push(() => sealer.close());
  const repo = createVaultRepo(storeOf(store));
  const vault = createVaultService({
    repo,
    store,
    kms,
    sealer,
    indexKeys,
    region,
    bus: deps.bus,
    clock: deps.clock,
    log: deps.log,
  });
  return { kms, indexKeys, region, sealer, repo, vault };
}

/**
 * The vault alone, for `cloak import`: an import publishes no event, so no other service would
 * hear of it; nothing else is built (no policy engine, no detection, no timers).
 */
export async function openVaultAlone(
  config: Config,
  log: Logger,
  clock: Clock,
): Promise<{ vault: ReturnType<typeof createVaultService>; close(): Promise<void> }> {
  return building(async (d) => {
    const { ring, store } = await openKeyedStore(config);
    d.push(() => store.close());
    const bus = createInProcessBus((err) => log.error({ err }, 'bus: a handler failed'));
    d.push(() => bus.close());
    const { vault } = buildVault(config, { ring, store, bus, clock, log }, d);
    return { vault, close: () => d.close() };
  });
}

/** The audit log's tables and its verifier key, and nothing else: what `cloak audit verify` reads. */
export async function openAuditAlone(
  config: Config,
): Promise<{ repo: AuditRepo; verifierKey: string; close(): Promise<void> }> {
  const { ring, store } = await openKeyedStore(config);
  return {
    repo: createAuditRepo(storeOf(store)),
    verifierKey: verifierKeyOf(auditSignerOf(config, ring)),
    close: () => store.close(),
  };
}

/**
 * Refuses a keyring that is not the one this database was written with: a start after the
 * key file went missing would otherwise make a new one and answer every lookup with nothing
 * and every decryption with an error, while writing new data under the wrong keys.
 */
async function checkKeyringBelongs(
  store: Store<Database>,
  ring: Keyring,
  createdFile: string | undefined,
): Promise<void> {
  const fingerprint = keyringFingerprint(ring);
  const meta = createMetaRepo(tablesOf(store.db));
  const recorded = await meta.metaValue('keyring_fingerprint');
  if (recorded === undefined) {
    await meta.insertMeta('keyring_fingerprint', fingerprint);
    return;
  }
  if (recorded === fingerprint) return;
  // A key file made by this very start is worthless: remove it so nobody backs it up as the real one.
  if (createdFile) rmSync(createdFile, { force: true });
  throw new Conflict(
    `the keyring does not belong to this database (${store.location}): ${createdFile ? 'the key file was missing, so a new one was made; it has been removed' : 'it was made for another database'}. Restore the key file that goes with this database (CLOAK_KEYRING_FILE or CLOAK_KEYRING)`,
  );
}
