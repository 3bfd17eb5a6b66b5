/**
 * Screenshots of every dashboard page in English and Vietnamese (and the overview in Chinese),
 * taken in Debian's headless Chromium on the demo world, into docs/screenshots/:
 * `npm run screenshots`. The world is the one `npm start` makes (demo customers, staff and
 * simulated live traffic), plus one leaked file traced, an incident opened from it, and a
 * customer token for the customer's own page.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { startServer } from '../src/api/start.ts';
import { serveDemo } from '../src/sim/demo.ts';
import { loadConfig } from '../src/lib/config.ts';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'cloak-shots-'));
const app = await createApp(loadConfig({ CLOAK_DATA_DIR: dir, CLOAK_PORT: '0', CLOAK_LOG_LEVEL: 'error' }));
const started = await startServer(app, { demo: serveDemo });
const url = started.url;
const token = (id: string) => started.demo!.signIns.find((s) => s.id === id)!.token;
const call = async (method: string, path: string, bearer: string, body?: unknown, raw?: string) => {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(raw !== undefined ? { 'content-type': 'text/csv' } : body ? { 'content-type': 'application/json' } : {}),
    },
    body: raw ?? (body ? JSON.stringify(body) : undefined),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
};

try {
  const admin = token('demo-admin');
  // Wait for the simulated traffic to raise alerts and for detection to restrict a device.
  for (let i = 0; i < 120; i++) {
    const cases = (await call('GET', '/v1/cases', admin)).cases as { actor: string }[];
    if (cases.some((c) => c.actor.startsWith('device:')) && cases.length >= 2) break;
    await sleep(2000);
  }
  const cases = (await call('GET', '/v1/cases', admin)).cases as { id: string; actor: string }[];
  const deviceCase = cases.find((c) => c.actor.startsWith('device:')) ?? cases[0]!;
  // A leaked file of made-up customers, traced; an incident opened from it.
  const made = await call('POST', '/v1/subjects/batch', started.firstAdminKey!, {
    subjects: Array.from({ length: 8 }, (_, i) => ({
      externalId: `shot-${i}`,
      fields: { name: `Khách Mẫu ${i}`, phone: `0912 555 ${String(100 + i)}`, email: `khach.mau${i}@example.vn` },
    })),
  });
  const csv = `Họ tên,Số điện thoại,Email\n${Array.from({ length: 8 }, (_, i) => `Khách Mẫu ${i},0912555${100 + i},khach.mau${i}@example.vn`).join('\n')}\n`;
  const inv = await call('POST', '/v1/traces?name=khach-hang-ban.csv', admin, undefined, csv);
  for (let i = 0; i < 100 && (await call('GET', `/v1/traces/${inv.id}`, admin)).status !== 'done'; i++)
    await sleep(200);
  const incident = await call('POST', `/v1/traces/${inv.id}/incident`, admin, {
    title: 'Customer list offered for sale',
    where: 'a forum post',
    measures: 'Exports suspended; the file taken down.',
  });
  const customer = (made.results as { token: string }[])[0]!.token;
  await call('POST', '/v1/reveal', token('demo-admin'), {
    subject: customer,
    field: 'phone',
    purpose: 'fraud_check',
    breakGlass: { justification: 'customer called about a suspicious delivery; verifying the number' },
  }).catch(() => undefined);
  const report = await call('POST', `/v1/subjects/${customer}/report-tokens`, started.firstAdminKey!);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(OUT, { recursive: true });
  const pages: [string, string, string][] = [
    ['overview', '/', 'overview'],
    ['alerts', '/alerts', 'alerts'],
    ['entity', `/entity/${deviceCase.actor.replace(':', '/')}`, 'entity'],
    ['cases', '/cases', 'cases'],
    ['case', `/cases/${deviceCase.id}`, 'case'],
    ['access', '/access', 'access'],
    ['devices', '/devices', 'devices'],
    ['leaks', '/leaks', 'leaks'],
    ['leak', `/leaks/${inv.id}`, 'leak'],
    ['incidents', '/incidents', 'incidents'],
    ['incident', `/incidents/${incident.id}`, 'incident'],
    ['policies', '/policies', 'policies'],
  ];
  const shoot = async (page: Page, name: string, lang: string) => {
    await sleep(400);
    await page.screenshot({ path: join(OUT, `${name}.${lang}.png`), fullPage: true });
    process.stdout.write(`docs/screenshots/${name}.${lang}.png\n`);
  };
  for (const lang of ['en', 'vi', 'zh'] as const) {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      locale: { en: 'en-GB', vi: 'vi-VN', zh: 'zh-CN' }[lang],
    });
    await ctx.addInitScript((l: string) => localStorage.setItem('cloak.lang', l), lang);
    const page = await ctx.newPage();
    await page.goto(`${url}/`);
    await shoot(page, 'sign-in', lang);
    await page.locator('#token').fill(admin);
    await page.locator('form button[type=submit]').click();
    await page.locator('header.top').waitFor();
    for (const [name, path, ready] of lang === 'zh'
      ? pages.filter((p) => p[0] === 'overview' || p[0] === 'incident')
      : pages) {
      await page.goto(`${url}/#${path}`);
      await page.locator(`[data-ready=${ready}]`).first().waitFor({ timeout: 20_000 });
      if (name === 'access') {
        await page.locator('#q-kind').fill('reveal');
        await page.locator('form[role=search] button[type=submit]').click();
        const first = page.locator('button.details-button').first();
        await first.waitFor();
        await first.click();
        await page.locator('button.verify-button').first().click();
        await page.locator('[data-verified]').first().waitFor();
      }
      await shoot(page, name, lang);
    }
    if (lang !== 'zh') {
      const cpage = await ctx.newPage();
      await cpage.goto(`${url}/#/customer?token=${encodeURIComponent(report.token)}&subject=${customer}`);
      await cpage.locator('[data-ready=customer]').waitFor({ timeout: 20_000 });
      await cpage
        .locator('.customer-accesses [data-verified]')
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(() => undefined);
      await shoot(cpage, 'customer', lang);
    }
    await ctx.close();
  }
  await browser.close();
} finally {
  await started.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
