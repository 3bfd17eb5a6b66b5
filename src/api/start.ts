import type { App } from '../app.ts';
import { seedDemo, seedDemoStaff, startDemoTraffic, type DemoStaff } from '../sim/demo.ts';
import type { LiveResult } from '../sim/live.ts';
import { buildApi } from './server.ts';

export type Started = {
  readonly url: string;
  /** The admin key created on this start (first start only), to be shown once. */
  readonly firstAdminKey: string | undefined;
  readonly demoCreated: number;
  /** Demo starts: fresh sign-ins for the demo staff (new tokens on every start), and the support agent's open ticket. */
  readonly demo: DemoStaff | undefined;
  /** Demo starts: the simulated traffic's run (settles when it has sent the whole demo world, or was stopped). */
  readonly demoTraffic: Promise<LiveResult | undefined> | undefined;
  close(): Promise<void>;
};

/**
 * Starts the API with its background work: the first admin key on an empty database, demo
 * data, demo sign-ins and simulated live traffic when asked, the sweep of orphan data keys, and
 * the app's own background work (`app.start()`: live detection, investigations left from the
 * last run, the periodic rewrap after a rotation).
 */
export async function startServer(app: App, opts: { demo?: boolean } = {}): Promise<Started> {
  let firstAdminKey: string | undefined;
  if ((await app.apiKeys.count()) === 0)
    firstAdminKey = (await app.apiKeys.create({ name: 'first-admin', scopes: ['admin'] })).secret;
  const demoCreated = opts.demo ? (await seedDemo(app.vault)).created : 0;
  const demo = opts.demo ? await seedDemoStaff(app) : undefined;
  await app.vault.sweepOrphanKeys();
  const api = await buildApi(app);
  const address = await api.listen({ host: app.config.host, port: app.config.port });
  const url = address.replace('://[::1]', '://localhost');
  // Leaked files received before a stop and not yet traced are traced now.
  const { resumed } = await app.start();
  if (resumed > 0) app.log.info({ resumed }, 'leaks: tracing files left from the last run');
  // The demo's simulated traffic, through the real API, in the background.
  const traffic = opts.demo
    ? startDemoTraffic({ url, apiKeys: app.apiKeys, staff: app.staff, log: app.log, dir: app.config.dataDir })
    : undefined;
  app.log.info({ url, database: app.store.dialect }, 'cloak: listening');
  return {
    url,
    firstAdminKey,
    demoCreated,
    demo,
    demoTraffic: traffic?.done,
    async close() {
      await traffic?.stop();
      await api.close();
    },
  };
}
