import type { DestinationStream } from 'pino';
import { createApiKeyService } from './access/apikey.service.ts';
import { createInProcessBus, type EventBus } from './bus/bus.ts';
import type { Config } from './lib/config.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createLocalKms, loadKeyring, blindIndexKey } from './lib/keyring.ts';
import { createLogger } from './lib/log.ts';
import { openStore } from './store/db.ts';
import { createSealer } from './vault/seal.pool.ts';
import { createVaultRepo } from './vault/vault.repo.ts';
import { createVaultService } from './vault/vault.service.ts';
import { INDEX_SCOPES, type IndexKeys } from './vault/vault.seal.ts';
import type { CountryCode } from 'libphonenumber-js/max';

export type AppOptions = {
  /** Where log lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  clock?: Clock;
  bus?: EventBus;
};

/**
 * The composition root: builds every service once and hands each only what it uses.
 * The HTTP API, the CLI and the tests all start from here.
 * @example const app = await createApp(loadConfig(process.env)); ...; await app.close();
 */
export async function createApp(config: Config, opts: AppOptions = {}) {
  const log = createLogger(config.logLevel, opts.logDestination);
  const clock = opts.clock ?? systemClock;
  const { ring, created: firstStart } = loadKeyring({ file: config.keyringFile, inline: config.keyring });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const kms = createLocalKms({ file: config.keyringFile, inline: config.keyring }, ring);
  const indexKeys = Object.fromEntries(INDEX_SCOPES.map((s) => [s, blindIndexKey(ring, s)])) as unknown as IndexKeys;
  const region = config.defaultRegion as CountryCode;
  const sealer = createSealer({ keys: indexKeys, region, workers: config.cryptoWorkers });
  const bus = opts.bus ?? createInProcessBus((err) => log.error({ err }, 'bus: a handler failed'));
  const vault = createVaultService({ repo: createVaultRepo(store), store, kms, sealer, indexKeys, region, bus, clock, log });
  const apiKeys = createApiKeyService({ db: store.db, clock });
  return {
    config,
    log,
    clock,
    store,
    bus,
    vault,
    apiKeys,
    kms,
    /** True when this start created the keyring: a fresh data directory. */
    firstStart,
    async close() {
      await sealer.close();
      await bus.close();
      await store.close();
    },
  };
}
export type App = Awaited<ReturnType<typeof createApp>>;
