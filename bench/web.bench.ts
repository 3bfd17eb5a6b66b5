/**
 * The dashboard's first page, as a newcomer gets it: Cloak started with the demo on a fresh
 * data directory (`serve --demo`'s path: demo staff, simulated traffic through the API), and
 * once alerts exist, the signed-in Overview opened cold in headless Chromium (a new browser
 * context each run: nothing cached). Figures:
 *  - `web.initial_js_gzip_kb`: the JavaScript the first page needs, gzip-compressed here with
 *    zlib (the server may send it uncompressed): every script response received before the
 *    Overview showed data (`[data-ready=overview]`). Goal ≤ 250 KB.
 *  - `web.overview_ready_ms`: from navigation to the Overview showing data, median of
 *    BENCH_WEB_RUNS cold loads (default 7). Goal ≤ 1,500 ms.
 * Also printed: how long the demo took to raise its first alert. Needs `npm run build:web`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { chromium, type Response } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { startServer } from '../src/api/start.ts';
import { serveDemo } from '../src/sim/demo.ts';
import { loadConfig } from '../src/lib/config.ts';
import { bench, envCount, percentile, say } from './report.ts';

/** As test/browser.ts (not imported: it registers node:test hooks). */
const CHROMIUM = process.env['CLOAK_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Where the dashboard keeps the signed-in token (web/src/api.ts). */
const SESSION_KEY = 'cloak.staff';

export async function run(): Promise<void> {
  const runs = envCount('BENCH_WEB_RUNS', 7);
  if (!existsSync(new URL('../web/dist/index.html', import.meta.url)))
    throw new Error('web/dist is missing: run `npm run build:web` first');
  const dir = mkdtempSync(join(tmpdir(), 'cloak-bench-web-'));
  const app = await createApp(
    loadConfig({
      CLOAK_DATA_DIR: dir,
      CLOAK_PORT: '0',
      CLOAK_HOST: '127.0.0.1',
      CLOAK_LOG_LEVEL: 'silent',
      CLOAK_REWRAP_INTERVAL_SECONDS: '0',
    }),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const t0 = performance.now();
    const started = await startServer(app, { demo: serveDemo });
    const token = started.demo?.signIns.find((s) => s.id === 'demo-analyst')?.token;
    if (!token) throw new Error('the demo start printed no analyst sign-in');
    const url = started.url;
    say(`# Cloak with the demo started in ${((performance.now() - t0) / 1000).toFixed(1)} s (${url})`);

    // The demo's traffic until the first alert shows on the overview's API.
    let alerts = 0;
    while (alerts === 0) {
      if (performance.now() - t0 > 120_000) throw new Error('no alert within 2 minutes of the demo start');
      await new Promise((r) => setTimeout(r, 500));
      const o = (await (
        await fetch(`${url}/v1/dashboard/overview`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { alerts: Record<string, number[]> };
      alerts = Object.values(o.alerts)
        .flat()
        .reduce((a, b) => a + b, 0);
    }
    say(
      `# first alert on the overview ${((performance.now() - t0) / 1000).toFixed(1)} s after the start (the demo traffic keeps running during the loads below)`,
    );

    const times: number[] = [];
    const sizes: { raw: number; gzip: number; files: number; after: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
      await ctx.addInitScript(([k, v]) => sessionStorage.setItem(k!, v!), [SESSION_KEY, token]);
      const page = await ctx.newPage();
      const scripts: Promise<{ raw: number; gzip: number; ready: boolean }>[] = [];
      let ready = false;
      page.on('response', (r: Response) => {
        const isScript = r.request().resourceType() === 'script' || new URL(r.url()).pathname.endsWith('.js');
        if (!isScript) return;
        const before = !ready;
        scripts.push(
          r.body().then(
            (b) => ({ raw: b.length, gzip: gzipSync(b).length, ready: before }),
            () => ({ raw: 0, gzip: 0, ready: before }),
          ),
        );
      });
      const start = performance.now();
      await page.goto(`${url}/`);
      await page.locator('[data-ready=overview]').waitFor({ timeout: 30_000 });
      ready = true;
      times.push(performance.now() - start);
      // What loads after (the lazily loaded chart), counted apart.
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const got = await Promise.all(scripts);
      const first = got.filter((s) => s.ready);
      sizes.push({
        raw: first.reduce((a, s) => a + s.raw, 0),
        gzip: first.reduce((a, s) => a + s.gzip, 0),
        files: first.length,
        after: got.length - first.length,
      });
      await ctx.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const s = sizes[sizes.length - 1]!;
    bench('web.initial_js_gzip_kb', (s.gzip / 1024).toFixed(1), 'KB');
    say(
      `# ${s.files} script(s), ${(s.raw / 1024).toFixed(1)} KB uncompressed, before the overview showed data; ${s.after} more after it (lazily loaded); goal ≤ 250 KB gzip`,
    );
    bench('web.overview_ready_ms', percentile(sorted, 0.5).toFixed(0), 'ms');
    say(
      `# ${runs} cold loads (new browser context each, signed in): min ${sorted[0]!.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms, all ${times.map((t) => t.toFixed(0)).join(', ')}; goal ≤ 1,500 ms`,
    );
    await started.close();
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
