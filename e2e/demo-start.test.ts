import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freshSqlite, type TestDb } from '../test/dialects.ts';
import { CLOAK_BIN } from '../test/cli.ts';
import { browserOn, pageErrors, signIn } from '../test/browser.ts';
import { demoEvents } from '../src/sim/demo.ts';

/** Starts `cloak serve --demo` as `npm start` does, in its own process, and reads its banner. */
async function startDemo(dataDir: string) {
  const child = spawn(process.execPath, [CLOAK_BIN, 'serve', '--demo', '--port', '0'], {
    env: { ...process.env, CLOAK_DATA_DIR: dataDir, CLOAK_LOG_LEVEL: 'error', CLOAK_CRYPTO_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  // The banner ends with the audit log's line.
  while (!/The audit log:/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`cloak serve --demo did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const banner = Date.now();
  const signIn = (id: string) => new RegExp(`sign in as ${id} +\\(\\w+\\) with (cst\\.\\S+)`).exec(out)?.[1];
  return {
    banner,
    out: () => out,
    dashboard: /Dashboard: (http:\/\/\S+)\//.exec(out)?.[1],
    analyst: signIn('demo-analyst'),
    admin: /Admin API key[^:]*: (ck_\S+)/.exec(out)?.[1],
    /** Stops it as a person would, with Ctrl-C, and returns its exit code. */
    interrupt: async () => (child.kill('SIGINT'), exited),
    kill: () => child.kill('SIGKILL'),
  };
}

type Overview = { alerts: Record<string, number[]>; devices: Record<string, number> };
const alertCount = (o: Overview) =>
  Object.values(o.alerts)
    .flat()
    .reduce((a, b) => a + b, 0);
const get = async <T>(url: string, token: string): Promise<{ status: number; json: T }> => {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, json: (await r.json()) as T };
};

/**
 * The first minutes, as a newcomer lives them: `npm start` (`cloak serve --demo`) on an empty
 * data directory prints the dashboard's address and demo sign-ins, drives simulated traffic
 * with attackers through the real API, and the first alerts reach the Overview within a
 * minute. Ctrl-C stops it cleanly; a restart prints fresh sign-ins and plants nothing twice.
 */
describe('the demo start', () => {
  let db: TestDb;
  const b = browserOn();
  before(async () => {
    db = await freshSqlite();
  });
  after(async () => {
    await db.drop();
  });

  test(
    'prints a sign-in, alerts reach the Overview within a minute, Ctrl-C exits 0; a restart prints a fresh sign-in and duplicates nothing',
    { timeout: 150_000 },
    async (t) => {
      const spawned = Date.now();
      const s = await startDemo(db.dataDir);
      let firstAnalyst: string;
      let admin: string;
      try {
        assert.match(s.dashboard ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, s.out());
        assert.ok(s.analyst, `a demo analyst sign-in is printed:\n${s.out()}`);
        assert.ok(s.admin, 'the first start prints an admin key');
        for (const id of ['demo-investigator', 'demo-privacy', 'demo-admin'])
          assert.match(s.out(), new RegExp(`sign in as ${id} `));
        firstAnalyst = s.analyst!;
        admin = s.admin!;
        const url = s.dashboard!;

        // The Overview's API, as the dashboard polls it, until the first alert.
        let seen: Overview | undefined;
        while (Date.now() - s.banner < 60_000) {
          const o = await get<Overview>(`${url}/v1/dashboard/overview`, firstAnalyst);
          assert.equal(o.status, 200);
          if (alertCount(o.json) > 0) {
            seen = o.json;
            break;
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
        const afterBanner = Date.now() - s.banner;
        t.diagnostic(
          `first alert on the overview ${(afterBanner / 1000).toFixed(1)} s after the banner, ${((Date.now() - spawned) / 1000).toFixed(1)} s after the command`,
        );
        assert.ok(seen, `no alert within 60 s of the start:\n${s.out()}`);
        assert.ok((seen.devices['active'] ?? 0) > 0, 'the simulated devices are enrolled');

        // The same, in the browser: sign in with the printed token, the overview shows the alerts.
        const page = await b.page('en');
        const t0 = Date.now();
        await signIn(page, url, firstAnalyst);
        await page.locator('[data-ready=overview]').waitFor();
        t.diagnostic(`the signed-in overview showed data ${Date.now() - t0} ms after opening the page`);
        const totals = await page.locator('section[aria-labelledby=h-alerts] table.totals tbody td').allInnerTexts();
        assert.ok(
          totals.map(Number).reduce((a, n) => a + n, 0) > 0,
          `the overview's alert totals: ${totals.join(', ')}`,
        );
        assert.ok(
          (await page.locator('section[aria-labelledby=h-alerts] .chart').count()) > 0,
          'the alert chart is drawn',
        );
        assert.deepEqual(pageErrors(page), [], 'no console error, no CSP violation');
      } catch (e) {
        s.kill();
        throw e;
      }
      assert.equal(await s.interrupt(), 0, 'Ctrl-C stops the server and its traffic cleanly');

      // A second start on the same data directory.
      const again = await startDemo(db.dataDir);
      try {
        const url = again.dashboard!;
        assert.ok(again.analyst && again.analyst !== firstAnalyst, 'a fresh demo sign-in is printed');
        assert.equal(again.admin, undefined, 'the admin key is printed only on the first start');
        assert.equal((await get(`${url}/v1/me`, firstAnalyst)).status, 401, 'the old demo token stopped working');
        const me = await get<{ id: string; role: string }>(`${url}/v1/me`, again.analyst!);
        assert.deepEqual([me.status, me.json.id, me.json.role], [200, 'demo-analyst', 'analyst']);
        assert.equal((await get(`${url}/v1/dashboard/overview`, again.analyst!)).status, 200);
      } catch (e) {
        again.kill();
        throw e;
      }
      assert.equal(await again.interrupt(), 0);

      // Nothing planted twice: offline, with the admin key of the first start.
      const third = await startPlainCheck(db.dataDir, admin);
      const demoStaff = third.staff.filter((x) => x.startsWith('demo-'));
      assert.deepEqual(demoStaff, ['demo-admin', 'demo-agent', 'demo-analyst', 'demo-investigator', 'demo-privacy']);
      assert.equal(third.stations, 4, 'the demo world has 2 hubs and 2 stations');
      const worldDevices = new Set(demoEvents().events.flatMap((e) => (e.type === 'device' ? [e.id] : [])));
      assert.equal(
        third.devices,
        worldDevices.size,
        'the second start drove the same simulated devices, enrolling none again',
      );
      const { events } = demoEvents();
      const customers = new Set(
        events.flatMap((e) => ('customer' in e && typeof e.customer === 'string' ? [e.customer] : [])),
      );
      const trafficKeys = third.keys.filter((k) => k.name === 'demo-traffic');
      assert.equal(trafficKeys.length, 2, 'one API key for the traffic of each demo start');
      assert.ok(
        trafficKeys.every((k) => k.revokedAt),
        'revoked when the traffic stopped',
      );
      assert.ok(
        third.subjects >= 200 && third.subjects <= 200 + customers.size,
        `${third.subjects} subjects: 200 demo customers and at most the world's ${customers.size}`,
      );
    },
  );
});

/** `cloak serve` without --demo: no demo traffic, no sign-ins printed; reads staff, stations and subjects with the admin key. */
async function startPlainCheck(dataDir: string, admin: string) {
  const child = spawn(process.execPath, [CLOAK_BIN, 'serve', '--port', '0'], {
    env: { ...process.env, CLOAK_DATA_DIR: dataDir, CLOAK_LOG_LEVEL: 'error', CLOAK_CRYPTO_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!/Dashboard: /.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`cloak serve did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.doesNotMatch(out, /sign in as|cst\./, 'no demo sign-in without --demo');
    const url = /API: +(\S+)/.exec(out)![1]!;
    const staff = (await get<{ staff: { id: string }[] }>(`${url}/v1/staff`, admin)).json.staff.map((x) => x.id);
    const stations = (await get<{ stations: unknown[] }>(`${url}/v1/stations`, admin)).json.stations.length;
    const devices = (await get<{ devices: unknown[] }>(`${url}/v1/devices`, admin)).json.devices.length;
    const subjects = (await get<{ subjects: number }>(`${url}/v1/keys`, admin)).json.subjects;
    const keys =
      (await get<{ keys: { name: string; revokedAt: string | null }[] }>(`${url}/v1/api-keys`, admin)).json.keys ?? [];
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(
      (await get<{ subjects: number }>(`${url}/v1/keys`, admin)).json.subjects,
      subjects,
      'no traffic without --demo',
    );
    return { staff, stations, devices, subjects, keys };
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  }
}
