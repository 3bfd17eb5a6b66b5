import type { App } from '../app.ts';
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
