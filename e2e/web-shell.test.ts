import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { axeViolations, browserOn, pageErrors, signIn } from '../test/browser.ts';
import { DASHBOARD_CSP } from '../src/api/web.ts';

/**
 * The dashboard's shell in a real browser: served at `/` under a strict CSP with no external
 * asset; staff sign in with their token; roles are the server's (a support agent's token is
 * refused by the overview's API, whatever the page shows); three languages.
 */
describe('the dashboard shell', () => {
  const s = serverOn();
  const b = browserOn();
  const staff = async (id: string, role: string) => {
    const r = await fetch(`${s.url}/v1/staff`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, role }),
    });
    return ((await r.json()) as { token: string }).token;
  };

  test('served with a strict CSP; sign-in; the overview in three languages; no serious accessibility violation', async () => {
    const home = await fetch(`${s.url}/`);
    assert.equal(home.status, 200);
    assert.equal(home.headers.get('content-security-policy'), DASHBOARD_CSP);
    const html = await home.text();
    assert.ok(!/<script(?![^>]*\bsrc=)/.test(html), 'no inline script');
    assert.ok(!/(src|href)="(https?:)?\/\//.test(html), 'no external asset');

    const analyst = await staff('an-1', 'analyst');
    const page = await b.page('en');
    await page.goto(`${s.url}/`);
    assert.deepEqual(await axeViolations(page), [], 'sign-in page');
    await page.locator('#token').fill('cst.nobody.wrong');
    await page.locator('form button[type=submit]').click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /not accepted/);
    pageErrors(page).length = 0; // the refused token's 401, on purpose

    await signIn(page, s.url, analyst);
    await page.locator('[data-ready=overview]').waitFor();
    assert.equal(await page.locator('h1').innerText(), 'Overview');
    assert.match(await page.locator('header.top').innerText(), /an-1 \(analyst\)/);
    assert.deepEqual(await axeViolations(page), [], 'overview');

    for (const [lang, title] of [
      ['vi', 'Tổng quan'],
      ['zh', '概览'],
    ] as const) {
      await page.locator('header select').selectOption(lang);
      await page.locator('h1', { hasText: title }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
    }
    assert.deepEqual(pageErrors(page), [], 'no console error, no CSP violation');
  });

  test('roles are enforced by the server: a support agent signs in but gets no overview data', async () => {
    const agent = await staff('sup-9', 'support');
    const r = await fetch(`${s.url}/v1/dashboard/overview`, { headers: { authorization: `Bearer ${agent}` } });
    assert.equal(r.status, 403);
    const page = await b.page('en');
    await signIn(page, s.url, agent);
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /does not give access/);
  });
});
