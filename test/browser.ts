import { after, before } from 'node:test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`, which .ci/run does when it is missing); never a downloaded browser. */
export const CHROMIUM = process.env['CLOAK_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * Registers the suite's hooks: one headless Chromium for the suite, closed at the end.
 * `page(lang)` opens a fresh context (its own storage) with the dashboard's language set.
 * @example const b = browserOn(); test('…', async () => { const p = await b.page('en'); await p.goto(url); });
 */
export function browserOn(): { readonly browser: Browser; page(lang?: 'vi' | 'en' | 'zh'): Promise<Page> } {
  const h = { browser: undefined as unknown as Browser, contexts: [] as BrowserContext[] };
  before(async () => {
    h.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    for (const c of h.contexts) await c.close().catch(() => undefined);
    await h.browser?.close();
  });
  return {
    get browser() {
      return h.browser;
    },
    async page(lang = 'en') {
      const ctx = await h.browser.newContext({
        locale: { vi: 'vi-VN', en: 'en-GB', zh: 'zh-CN' }[lang],
        viewport: { width: 1280, height: 900 },
      });
      h.contexts.push(ctx);
      await ctx.addInitScript((l: string) => localStorage.setItem('cloak.lang', l), lang);
      const page = await ctx.newPage();
      // A console error or a CSP violation fails the test that reads `errors`.
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      (page as Page & { errors: string[] }).errors = errors;
      return page;
    },
  };
}

/** The console errors and page errors a page has had (see browserOn). */
export const pageErrors = (p: Page): string[] => (p as Page & { errors?: string[] }).errors ?? [];

/** Signs a staff member in through the dashboard's own sign-in form. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator('#token').fill(token);
  await page.locator('form button[type=submit]').click();
  await page.locator('header.top').waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page (evaluated through the debugging protocol, so the page's CSP still
 * holds) and returns the serious and critical violations, each as "rule: target…".
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}
