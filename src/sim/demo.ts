import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createPrivateKey } from 'node:crypto';
import type { Logger } from 'pino';
import type { CloakEvent } from '../bus/events.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { driveLive, type LiveDevice, type LiveResult } from './live.ts';
import { createPeople } from '../lib/people.ts';
import { simulateWorld } from './world.ts';

/** How many fake customers a demo start plants. */
export const DEMO_CUSTOMERS = 200;

/** The demo's staff: one sign-in for each dashboard role, and a support agent to try a reveal with. */
export const DEMO_STAFF = [
  { id: 'demo-analyst', role: 'analyst' },
  { id: 'demo-investigator', role: 'investigator' },
  { id: 'demo-privacy', role: 'privacy' },
  { id: 'demo-admin', role: 'admin' },
  { id: 'demo-agent', role: 'support' },
] as const;
const DEMO_TICKET = 'DEMO-T1';

/**
 * Plants fake customers (deterministic, seed 2026) so a newcomer has something to look up.
 * Idempotent on their external ids: a second start adds nothing.
 * @example await seedDemo(app.vault) // { created: 200 }
 */
export async function seedDemo(
  vault: Pick<VaultService, 'importBatch'>,
  count = DEMO_CUSTOMERS,
): Promise<{ created: number }> {
  const people = createPeople(2026);
  const items = Array.from({ length: count }, (_, i) => {
    const p = people.person(i);
    return {
      line: i + 1,
      input: {
        kind: 'customer',
        externalId: `demo-${p.externalId}`,
        fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
      },
    };
  });
  const r = await vault.importBatch(items);
  return { created: r.created };
}

export type DemoSignIn = { readonly id: string; readonly role: string; readonly token: string };
export type DemoStaff = { readonly signIns: readonly DemoSignIn[]; readonly customer: string; readonly ticket: string };

/**
 * The demo's staff (DEMO_STAFF), made on the first demo start, each with a fresh sign-in token
 * on every demo start (tokens are kept hashed, so a restart can only print new ones; issuing
 * one is audited). Demo accounts only: nobody else's token is touched. The support agent gets
 * an open ticket for the first demo customer, so a reveal can be tried at once.
 * @example const { signIns } = await seedDemoStaff(app); // [{ id: 'demo-analyst', role: 'analyst', token: 'cst.…' }, …]
 */
export async function seedDemoStaff(deps: {
  staff: {
    list(): Promise<{ id: string; disabledAt: string | null }[]>;
    create(req: { id: string; role: string; team?: string }, by: string): Promise<{ token: string }>;
    newToken(id: string, by: string): Promise<{ token: string }>;
  };
  explanations: {
    open(req: { kind: string; id: string; staff: string; subject: string }, by: string): Promise<unknown>;
  };
  vault: { page(cursor: number, limit: number, kind?: string): Promise<{ rows: { token: string }[] }> };
}): Promise<DemoStaff | undefined> {
  const first = (await deps.vault.page(0, 1, 'customer')).rows[0];
  if (!first) return undefined;
  const known = new Map((await deps.staff.list()).map((s) => [s.id, s]));
  const signIns: DemoSignIn[] = [];
  for (const s of DEMO_STAFF) {
    const had = known.get(s.id);
    // A demo account an operator disabled stays disabled.
    if (had?.disabledAt) continue;
    const { token } = had
      ? await deps.staff.newToken(s.id, 'system:demo')
      : await deps.staff.create({ id: s.id, role: s.role, team: 'demo' }, 'system:demo');
    if (!had && s.id === 'demo-agent')
      await deps.explanations.open(
        { kind: 'ticket', id: DEMO_TICKET, staff: s.id, subject: first.token },
        'system:demo',
      );
    signIns.push({ id: s.id, role: s.role, token });
  }
  return { signIns, customer: first.token, ticket: DEMO_TICKET };
}

/** The demo world's seed (the same world on every start). */
export const DEMO_SEED = 7;
/** Events a second the demo traffic sends: light on a small machine, and a few minutes long. */
export const DEMO_RATE = 8;
/** Benign events sent before the first attack, so the attackers work in a world that runs. */
const LEAD = 60;
/** At most this many events per attacker: enough to be caught, not enough to drown the rest. */
const ATTACK_CAP = 25;

/**
 * The demo's world, ordered for a newcomer: a small network (two stations, one day, every
 * attack family planted), its stations, devices and staff first, then the ordinary traffic
 * with the attackers' first moves interleaved early (one attack event after every second
 * ordinary one, the attackers in turn). Cloak stamps its own times, so only the order
 * matters: the first alerts (break-glass abuse, an unusual export, unexplained reveals) come
 * seconds after the attacks start; the harvesting devices' after their reads' two-minute grace.
 * Also returns the builds the honest fleet runs (as devices report them: SHA-256 hex), for
 * the build allow-list; the harvesting scanner's odd build stays off it.
 * @example const { events, fleetBuilds } = demoEvents(); // ~1,100 events, 2 builds
 */
export function demoEvents(seed = DEMO_SEED): { events: CloakEvent[]; fleetBuilds: string[] } {
  const w = simulateWorld({ days: 1, stations: 2, seed, parcelsPerStation: 25 });
  const t0 = Date.parse('2026-03-02T00:00:00Z');
  const attackers = new Set(w.truth.map((t) => t.actor));
  const actorOf = (e: CloakEvent): string | undefined =>
    e.type === 'device' ? `device:${e.id}` : 'actor' in e ? (e as { actor: string }).actor : undefined;
  const setup: CloakEvent[] = [];
  const benign: CloakEvent[] = [];
  const byAttacker = new Map<string, CloakEvent[]>();
  for (const e of w.events) {
    const actor = actorOf(e);
    if (Date.parse(e.at) < t0) setup.push(e);
    else if (actor && attackers.has(actor)) {
      const xs = byAttacker.get(actor) ?? byAttacker.set(actor, []).get(actor)!;
      if (xs.length < ATTACK_CAP) xs.push(e);
    } else benign.push(e);
  }
  const attacks: CloakEvent[] = [];
  for (let i = 0; i < ATTACK_CAP; i++) for (const xs of byAttacker.values()) if (xs[i]) attacks.push(xs[i]!);
  const out = [...setup, ...benign.slice(0, LEAD)];
  let a = 0;
  for (const [i, e] of benign.slice(LEAD).entries()) {
    out.push(e);
    if (i % 2 === 1 && a < attacks.length) out.push(attacks[a++]!);
  }
  out.push(...attacks.slice(a));
  const fleetBuilds = new Set(
    w.events.flatMap((e) =>
      e.type === 'device' && !attackers.has(`device:${e.id}`)
        ? [createHash('sha256').update(e.build).digest('hex')]
        : [],
    ),
  );
  return { events: out, fleetBuilds: [...fleetBuilds] };
}

/**
 * The demo's simulated devices, kept in `<dir>/demo-devices.json` (mode 0600: their private
 * keys, which sign their requests) so that a restart drives the same fleet instead of
 * enrolling another. Demo devices only; a real device's key never leaves the device.
 */
function demoDevices(dir: string): {
  knownDevices: Map<string, LiveDevice>;
  onEnrolled: (worldId: string, d: LiveDevice) => void;
} {
  const file = join(dir, 'demo-devices.json');
  type Saved = Record<string, { id: string; key: string; kind: string; station: string }>;
  const saved: Saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Saved) : {};
  const knownDevices = new Map(Object.entries(saved).map(([w, d]) => [w, { ...d, key: createPrivateKey(d.key) }]));
  return {
    knownDevices,
    onEnrolled(worldId, d) {
      saved[worldId] = {
        id: d.id,
        key: d.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
        kind: d.kind,
        station: d.station,
      };
      writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
    },
  };
}

/**
 * Demo traffic in the background of `serve --demo`: the demo world driven through the running
 * Cloak's real API (the simulator's live mode) with an API key made for it and revoked when it
 * stops. `stop()` ends it after the request in flight; `done` settles when it has ended.
 * @example const t = startDemoTraffic({ url, apiKeys: app.apiKeys, staff: app.staff, log: app.log }); …; await t.stop();
 */
export function startDemoTraffic(deps: {
  url: string;
  apiKeys: {
    create(req: { name: string; scopes: readonly string[]; by?: string }): Promise<{ id: string; secret: string }>;
    list(): Promise<{ id: string; name: string; revokedAt: string | null }[]>;
    revoke(id: string, by?: string): Promise<void>;
  };
  staff: { newToken(id: string, by: string): Promise<{ token: string }> };
  log: Pick<Logger, 'info' | 'error'>;
  rate?: number;
  /** The data folder: the simulated devices' keys are kept there, so a restart uses the same devices. */
  dir?: string;
}): { readonly done: Promise<LiveResult | undefined>; stop(): Promise<void> } {
  const abort = new AbortController();
  const done = (async () => {
    // A key left by a run that did not stop cleanly is revoked first.
    for (const k of await deps.apiKeys.list())
      if (k.name === 'demo-traffic' && !k.revokedAt) await deps.apiKeys.revoke(k.id, 'system:demo');
    const key = await deps.apiKeys.create({ name: 'demo-traffic', scopes: ['admin'], by: 'system:demo' });
    try {
      const { events, fleetBuilds } = demoEvents();
      // The fleet's builds are known good; a scanner reporting another one is worth a look.
      for (const build of fleetBuilds) {
        const r = await fetch(`${deps.url}/v1/device-builds`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ build, note: 'demo fleet build' }),
        });
        if (!r.ok) throw new Error(`allowing the demo fleet's build answered ${r.status}`);
      }
      deps.log.info({ events: events.length }, 'demo: simulated traffic started');
      const r = await driveLive(events, {
        url: deps.url,
        adminKey: key.secret,
        rate: deps.rate ?? DEMO_RATE,
        seed: DEMO_SEED,
        signal: abort.signal,
        existingStaff: async (id) => (await deps.staff.newToken(id, 'system:demo')).token,
        ...(deps.dir ? demoDevices(deps.dir) : {}),
      });
      deps.log.info(
        { sent: r.sent, skipped: r.skipped, stopped: abort.signal.aborted },
        'demo: simulated traffic ended',
      );
      return r;
    } finally {
      await deps.apiKeys.revoke(key.id, 'system:demo');
    }
  })().catch((err: unknown) => {
    // The server stopping under a request in flight is not worth a report.
    if (!abort.signal.aborted) deps.log.error({ err }, 'demo: simulated traffic failed');
    return undefined;
  });
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/**
 * The demo of `serve --demo`, for `startServer(app, { demo: serveDemo })` (src/api/start.ts):
 * the demo customers and staff before the API listens, the demo traffic once it runs.
 * @example const started = await startServer(app, { demo: serveDemo }); started.demo?.signIns;
 */
export const serveDemo = {
  async seed(
    app: Parameters<typeof seedDemoStaff>[0] & { vault: Pick<VaultService, 'importBatch'> },
  ): Promise<{ created: number; staff: DemoStaff | undefined }> {
    const { created } = await seedDemo(app.vault);
    return { created, staff: await seedDemoStaff(app) };
  },
  traffic(
    app: Pick<Parameters<typeof startDemoTraffic>[0], 'apiKeys' | 'staff' | 'log'> & {
      config: { readonly dataDir: string };
    },
    url: string,
  ) {
    return startDemoTraffic({ url, apiKeys: app.apiKeys, staff: app.staff, log: app.log, dir: app.config.dataDir });
  },
};
