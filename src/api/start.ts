import type { App } from '../app.ts';
import { buildApi } from './server.ts';

/**
 * What `serve --demo` adds to a start: the simulator's demo (`serveDemo` of src/sim/demo.ts),
 * handed in by the caller, so the API never imports the simulator.
 */
export type DemoRun<Staff, Traffic> = {
  /** Before the API listens: plants the demo's customers (`created`) and staff. */
  seed(app: App): Promise<{ readonly created: number; readonly staff: Staff }>;
  /** Once started: the demo's traffic through the API at `url`, in the background. */
  traffic(app: App, url: string): { readonly done: Promise<Traffic>; stop(): Promise<void> };
};

export type Started<Staff = never, Traffic = never> = {
  readonly url: string;
  /** The admin key created on this start (first start only), to be shown once. */
  readonly firstAdminKey: string | undefined;
  readonly demoCreated: number;
  /** Demo starts: fresh sign-ins for the demo staff (new tokens on every start), and the support agent's open ticket. */
  readonly demo: Staff | undefined;
  /** Demo starts: the simulated traffic's run (settles when it has sent the whole demo world, or was stopped). */
  readonly demoTraffic: Promise<Traffic> | undefined;
  close(): Promise<void>;
};

/**
 * Starts the API with its background work: the first admin key on an empty database, demo
 * data, demo sign-ins and simulated live traffic when asked, the sweep of orphan data keys, and
 * the app's own background work (`app.start()`: live detection, investigations left from the
 * last run, the periodic rewrap after a rotation).
 */
export async function startServer<Staff = never, Traffic = never>(
  app: App,
  opts: { demo?: DemoRun<Staff, Traffic> | undefined } = {},
): Promise<Started<Staff, Traffic>> {
  let firstAdminKey: string | undefined;
  if ((await app.apiKeys.count()) === 0)
    firstAdminKey = (await app.apiKeys.create({ name: 'first-admin', scopes: ['admin'] })).secret;
  const seeded = opts.demo ? await opts.demo.seed(app) : undefined;
  const demoCreated = seeded?.created ?? 0;
  const demo = seeded?.staff;
  await app.vault.sweepOrphanKeys();
  const api = await buildApi(app);
  const address = await api.listen({ host: app.config.host, port: app.config.port });
  const url = address.replace('://[::1]', '://localhost');
  // Leaked files received before a stop and not yet traced are traced now.
  const { resumed } = await app.start();
  if (resumed > 0) app.log.info({ resumed }, 'leaks: tracing files left from the last run');
  // The demo's simulated traffic, through the real API, in the background.
  const traffic = opts.demo?.traffic(app, url);
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
