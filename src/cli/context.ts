import type { App } from '../app.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { Config } from '../lib/config.ts';
import type { loadConfig } from '../lib/config.ts';
import type { Output } from './output.ts';

/** What every command runs with: its environment, where it prints, and its exit code. */
export type CliEnv = { env: NodeJS.ProcessEnv; io: Output; exitCode: number };

/** Builds the app for one command and always closes it. */
export async function withApp<T>(
  cli: CliEnv,
  fn: (app: App) => Promise<T>,
  overrides: Parameters<typeof loadConfig>[1] = {},
): Promise<T> {
  // Loaded here, not at the top: `cloak --help` and usage errors never load the service.
  const [{ createApp }, { loadConfig }] = await Promise.all([import('../app.ts'), import('../lib/config.ts')]);
  const app = await createApp(loadConfig({ CLOAK_LOG_LEVEL: 'warn', ...cli.env }, overrides));
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/**
 * Opens the vault alone for one command (`cloak import`) and always closes it: no other service,
 * no policy engine, no background work; a one-row import starts in a fraction of a second.
 */
export async function withVault<T>(cli: CliEnv, fn: (vault: VaultService, config: Config) => Promise<T>): Promise<T> {
  const [{ openVaultAlone }, { loadConfig }, { createLogger }, { systemClock }] = await Promise.all([
    import('../app.base.ts'),
    import('../lib/config.ts'),
    import('../lib/log.ts'),
    import('../lib/clock.ts'),
  ]);
  const config = loadConfig({ CLOAK_LOG_LEVEL: 'warn', ...cli.env });
  const opened = await openVaultAlone(config, createLogger(config.logLevel), systemClock);
  try {
    return await fn(opened.vault, config);
  } finally {
    await opened.close();
  }
}
