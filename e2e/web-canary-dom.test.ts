import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { serverOn } from '../test/dialects.ts';
import { axeViolations, browserOn, pageErrors, signIn } from '../test/browser.ts';

/**
 * Canary personal data, planted where every page shows its customers (alerts and their
 * evidence, a staff member's timeline, a case, the access explorer, a traced leak, an
 * incident, the customer's own page), must appear in no page's DOM, in English or
 * Vietnamese, except inside the audited reveal flow's `[data-reveal]`. Each page is also
 * checked by axe in both languages.
 */
describe('no clear personal value on any page', () => {
  const s = serverOn();
  const b = browserOn();
  const call = async (method: string, path: string, token: string, body?: unknown, csv?: string) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(csv !== undefined ? { 'content-type': 'text/csv' } : body ? { 'content-type': 'application/json' } : {}),
      },
      body: csv ?? (body ? JSON.stringify(body) : undefined),
    });
    const text = await r.text();
    assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const canaries = Array.from({ length: 4 }, (_, i) => ({
    name: `Chim Hoàng Yến ${'ABCD'[i]}`,
    phone: `0912 77${i} 4${i}1`,
    email: `hoangyen.canary${i}@example.vn`,
    address: `${40 + i} Phố Canary, Phường Hoàng Yến, Hà Nội`,
  }));
  /** Every way a canary value could be written on a page. */
  const needles = canaries.flatMap((c) => [
    c.name,
    c.email,
    c.address,
    c.phone,
    c.phone.replace(/\s/g, ''),
    `+84${c.phone.replace(/\s/g, '').slice(1)}`,
    c.address.split(',')[0]!,
  ]);

  /** The page's HTML without the reveal flow's value: no canary may be in it. */
  async function leaked(page: Page): Promise<string[]> {
    const html = await page.evaluate(() => {
      const clone = document.documentElement.cloneNode(true) as HTMLElement;
      for (const el of clone.querySelectorAll('[data-reveal]')) el.remove();
      return clone.outerHTML;
    });
    return needles.filter((n) => html.includes(n));
  }

  test('every page, in two languages: no canary value outside the reveal flow; no serious accessibility violation', async () => {
    const admin = (await call('POST', '/v1/staff', s.admin, { id: 'adm-1', role: 'admin' })).token as string;
    const agent = (await call('POST', '/v1/staff', s.admin, { id: 'ag-1', role: 'support' })).token as string;
    const made = await call('POST', '/v1/subjects/batch', s.admin, {
      subjects: canaries.map((fields, i) => ({ externalId: `canary-dom-${i}`, fields })),
    });
    const tokens = (made.results as { token: string }[]).map((r) => r.token);
    // An agent breaks the glass on each: alerts, a case, a timeline and log entries about them.
    for (const t of tokens)
      await call('POST', '/v1/reveal', agent, {
        subject: t,
        field: 'phone',
        purpose: 'fraud_check',
        breakGlass: { justification: 'customer on the phone says the parcel never came' },
      });
    await s.app.detection.idle();
    const cases = (await call('GET', '/v1/cases', admin)).cases as { id: string; actor: string }[];
    const caseOfAgent = cases.find((c) => c.actor === 'staff:ag-1');
    assert.ok(caseOfAgent, `detection opened a case on the agent: ${JSON.stringify(cases.map((c) => c.actor))}`);
    // Their values in a leaked file, traced; an incident from it; a customer token.
    const csv = `Họ tên,Số điện thoại,Email,Địa chỉ\n${canaries.map((c) => `${c.name},${c.phone},${c.email},"${c.address}"`).join('\n')}\n`;
    const inv = await call('POST', '/v1/traces?name=dump.csv', admin, undefined, csv);
    for (let i = 0; i < 100 && (await call('GET', `/v1/traces/${inv.id}`, admin)).status !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 100));
    const incident = await call('POST', `/v1/traces/${inv.id}/incident`, admin, {
      title: 'Canary list for sale',
      where: 'a forum',
      measures: 'Taken down.',
    });
    const report = await call('POST', `/v1/subjects/${tokens[0]}/report-tokens`, s.admin);

    const pages: [string, string][] = [
      ['/', 'overview'],
      ['/alerts', 'alerts'],
      ['/entity/staff/ag-1', 'entity'],
      ['/cases', 'cases'],
      [`/cases/${caseOfAgent.id}`, 'case'],
      ['/access', 'access'],
      ['/devices', 'devices'],
      ['/leaks', 'leaks'],
      [`/leaks/${inv.id}`, 'leak'],
      ['/incidents', 'incidents'],
      [`/incidents/${incident.id}`, 'incident'],
      ['/policies', 'policies'],
    ];
    for (const lang of ['en', 'vi'] as const) {
      const page = await b.page(lang);
      await signIn(page, s.url, admin);
      for (const [path, ready] of pages) {
        await page.goto(`${s.url}/#${path}`);
        await page.locator(`[data-ready=${ready}]`).first().waitFor();
        if (ready === 'access') {
          // The explorer showing the canaries' entries, one opened with its proof.
          await page.locator('#q-subject').fill(tokens[0]!);
          await page.locator('form[role=search] button[type=submit]').click();
          await page.locator('button.details-button').first().click();
          await page.locator('button.verify-button').first().click();
          await page.locator('[data-verified=true]').first().waitFor();
        }
        if (ready === 'leak')
          await page
            .getByText(/4 affected customers|4 khách hàng bị ảnh hưởng/)
            .first()
            .waitFor();
        assert.deepEqual(await leaked(page), [], `${path} (${lang})`);
        assert.deepEqual(await axeViolations(page), [], `${path} (${lang})`);
      }
      const customer = await b.page(lang);
      await customer.goto(`${s.url}/#/customer?token=${encodeURIComponent(report.token)}&subject=${tokens[0]}`);
      await customer.locator('[data-ready=customer]').waitFor();
      await customer.locator('.customer-accesses [data-verified=true]').first().waitFor();
      assert.deepEqual(await leaked(customer), [], `customer page (${lang})`);
      assert.deepEqual(await axeViolations(customer), [], `customer page (${lang})`);
      assert.deepEqual(pageErrors(page), [], lang);
      assert.deepEqual(pageErrors(customer), [], lang);
    }

    // The one way a value reaches a page: the reveal flow, audited, inside [data-reveal].
    const page = await b.page('en');
    await signIn(page, s.url, admin);
    await page.goto(`${s.url}/#/cases/${caseOfAgent.id}`);
    await page.locator('[data-ready=case]').waitFor();
    await page
      .locator('.ev-field', { hasText: tokens[1]! })
      .first()
      .getByRole('button', { name: 'Reveal phone' })
      .click();
    const dialog = page.getByRole('dialog', { name: /^Reveal the phone of / });
    await dialog.getByRole('checkbox', { name: /Break the glass/ }).check();
    await dialog
      .locator('textarea[name=justification]')
      .fill(`Checking the number the agent looked up, case ${caseOfAgent.id}`);
    await dialog.getByRole('button', { name: 'Reveal', exact: true }).click();
    await page.locator('[data-reveal]').waitFor();
    assert.equal(await page.locator('[data-reveal]').innerText(), '+84912771411');
    assert.deepEqual(await leaked(page), [], 'the value is nowhere but in [data-reveal]');
    const log = (await call('GET', `/v1/audit/search?subject=${tokens[1]}&actor=staff:adm-1`, admin)).entries as {
      result: string;
    }[];
    assert.ok(
      log.some((e) => e.result === 'break_glass'),
      'the reveal is in the audit log',
    );
  });
});
