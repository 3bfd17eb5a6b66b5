import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { serverOn } from '../test/dialects.ts';
import { axeViolations, browserOn, pageErrors, signIn } from '../test/browser.ts';
import { createEmbeddedOutbox } from '../src/incidents/outbox.ts';

/**
 * Transparency in a real browser: staff search the audit log (the access explorer) and prove entries in
 * the browser against the signed checkpoint, which fails when the server lies; the customer's
 * own page, reached with a customer token and no staff sign-in, lists the accesses
 * to their data with proofs verified in the browser, and runs "was I affected?" end to end.
 */
describe('the access explorer and the customer page', () => {
  const outbox = createEmbeddedOutbox();
  const clock = { skew: 0, now: () => new Date(Date.now() + clock.skew) };
  const s = serverOn({}, { messages: outbox, clock });
  const b = browserOn();
  const CUSTOMER = { name: 'Trần Văn Minh Canary', phone: '0912 555 001', email: 'minh.webaccess@example.vn' };
  const OTHER = { name: 'Phạm Thị Lan', phone: '0912 555 002', email: 'lan.webaccess@example.vn' };
  const w: {
    analyst: string;
    customer: string;
    other: string;
    okIndex: number;
    deniedIndex: number;
    otherIndex: number;
    deviceIndex: number;
  } = {} as never;

  async function call(method: string, path: string, token: string | null, body?: unknown) {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text };
  }
  const staff = async (id: string, role: string) =>
    (await call('POST', '/v1/staff', s.admin, { id, role })).json.token as string;
  const searchFor = async (page: Page, fill: Record<string, string>) => {
    for (const k of ['actor', 'subject', 'purpose', 'device', 'kind'])
      await page.locator(`#q-${k}`).fill(fill[k] ?? '');
    await page.locator('form[role=search] button[type=submit]').click();
    const q = new URLSearchParams(Object.entries(fill)).toString();
    await page.locator(`[data-ready=access][data-query="${q}"]`).waitFor();
    return page.locator('table.audit-results tbody tr[data-index]');
  };

  test('setup through the API: reveals allowed and refused, an incident', async () => {
    w.analyst = await staff('an-1', 'analyst');
    const agent = await staff('u-agent', 'support');
    const other = await staff('u-other', 'support');
    w.customer = (
      await call('POST', '/v1/subjects', s.admin, { kind: 'customer', externalId: 'wa-1', fields: CUSTOMER })
    ).json.token;
    w.other = (
      await call('POST', '/v1/subjects', s.admin, { kind: 'customer', externalId: 'wa-2', fields: OTHER })
    ).json.token;
    assert.equal(
      (
        await call('POST', '/v1/explanations', s.admin, {
          kind: 'ticket',
          id: 'T-1',
          staff: 'u-agent',
          subject: w.customer,
        })
      ).status,
      201,
    );
    let r = await call('POST', '/v1/reveal', agent, {
      subject: w.customer,
      field: 'phone',
      purpose: 'ticket_followup',
      explanation: 'T-1',
    });
    assert.equal(r.status, 200, r.text);
    w.okIndex = r.json.auditIndex;
    r = await call('POST', '/v1/reveal', agent, {
      subject: w.customer,
      field: 'address',
      purpose: 'ticket_followup',
      explanation: 'T-1',
    });
    assert.equal(r.status, 403);
    r = await call('POST', '/v1/reveal', other, { subject: w.other, field: 'phone', purpose: 'fraud_check' });
    assert.equal(r.status, 403);
    // A device status change, as the device service records it (kind device, data.device).
    const [dev] = await s.app.audit.append([
      {
        kind: 'device',
        actor: 'system',
        data: { device: 'dev_webaccess1', station: 'st-a', build: 'b1', device_kind: 'scanner', status: 'revoked' },
      },
    ]);
    w.deviceIndex = dev!.index;
    const dpo = await staff('dpo', 'privacy');
    assert.equal(
      (
        await call('POST', '/v1/incidents', dpo, {
          title: 'scanner dump',
          where: 'station st-a',
          subjects: [w.customer],
          categories: ['phone', 'tracking'],
          measures: 'scanner revoked',
        })
      ).status,
      201,
    );

    // The search API: who may use it, and bad input named.
    const mine = await call('GET', `/v1/audit/search?actor=staff%3Au-agent`, w.analyst);
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.json.entries.map((e: { kind: string; result: string }) => `${e.kind}:${e.result}`),
      ['reveal:denied', 'reveal:ok'],
    );
    w.deniedIndex = mine.json.entries[0].index;
    const fraud = await call('GET', '/v1/audit/search?purpose=fraud_check', w.analyst);
    assert.deepEqual(
      fraud.json.entries.map((e: { subject: string }) => e.subject),
      [w.other],
    );
    w.otherIndex = fraud.json.entries[0].index;
    assert.equal((await call('GET', '/v1/audit/search', agent)).status, 403, 'a support agent does not search the log');
    assert.equal((await call('GET', '/v1/audit/search', null)).status, 401);
    const bad = await call('GET', '/v1/audit/search?from=yesterday&limit=0', w.analyst);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.error.details.map((d: { path: string }) => d.path).sort(), [
      '/querystring/from',
      '/querystring/limit',
    ]);
    const late = await call('GET', '/v1/audit/search?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z', w.analyst);
    assert.equal(late.status, 400);
    assert.equal(late.json.error.details[0].path, '/to');
    // Pages: newest first, no entry twice.
    const p1 = await call('GET', '/v1/audit/search?limit=3', w.analyst);
    const p2 = await call('GET', `/v1/audit/search?limit=3&cursor=${p1.json.next}`, w.analyst);
    const idx = [...p1.json.entries, ...p2.json.entries].map((e: { index: number }) => e.index);
    assert.deepEqual(
      idx,
      [...idx].sort((x, y) => y - x),
    );
    assert.equal(new Set(idx).size, 6);
    // Staff read an entry's proof against a given checkpoint size; the entry bodies hold no personal data.
    const cp = await (await fetch(`${s.url}/log/checkpoint`)).text();
    const size = Number(cp.split('\n')[1]);
    const proof = await call('GET', `/v1/audit/entries/${w.okIndex}?size=${size}`, w.analyst);
    assert.equal(proof.status, 200, proof.text);
    assert.equal(proof.json.size, size);
    assert.equal((await call('GET', `/v1/audit/entries/${w.okIndex}`, agent)).status, 403, 'not for a support agent');
    assert.equal((await call('GET', `/v1/audit/entries/${w.okIndex}`, null)).status, 401);
    assert.equal(
      (await call('GET', `/v1/audit/entries/${w.okIndex}?size=${size + 1000}`, w.analyst)).status,
      400,
      'no proof for a tree the log has not reached',
    );
    const all = await call('GET', '/v1/audit/search?limit=200', w.analyst);
    const bodies = all.json.entries.map((e: { entry: string }) => Buffer.from(e.entry, 'base64').toString()).join('\n');
    for (const v of [...Object.values(CUSTOMER), ...Object.values(OTHER), '912555001', '912555002'])
      assert.equal(bodies.includes(v), false, `"${v}" in an entry`);
  });

  test('staff search by actor, customer token and purpose; Verify succeeds, and fails when the server lies', async () => {
    const page = await b.page('en');
    await signIn(page, s.url, w.analyst);
    await page.goto(`${s.url}/#/access`);
    await page.locator('[data-ready=access]').waitFor();
    await page.locator('[data-fingerprint]').waitFor();

    let rows = await searchFor(page, { actor: 'staff:u-agent' });
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-kind'))), ['reveal', 'reveal']);
    assert.deepEqual(await rows.locator('td:nth-child(4)').allInnerTexts(), ['staff:u-agent', 'staff:u-agent']);

    rows = await searchFor(page, { subject: w.customer });
    const subjects = await rows.locator('td:nth-child(5)').allInnerTexts();
    assert.ok(subjects.length >= 3, 'the explanation and both reveals');
    assert.ok(subjects.every((x) => x === w.customer));
    rows = await searchFor(page, { purpose: 'fraud_check' });
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-index')))), [
      w.otherIndex,
    ]);

    rows = await searchFor(page, { device: 'dev_webaccess1', kind: 'device' });
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-index')))), [
      w.deviceIndex,
    ]);
    assert.match(await rows.first().innerText(), /status: revoked/);
    await page.locator(`button.details-button[data-index="${w.deviceIndex}"]`).click();
    await page.locator(`.entry-details[data-entry="${w.deviceIndex}"] button.verify-button`).click();
    await page.locator(`.entry-details[data-entry="${w.deviceIndex}"] [data-verified="true"]`).waitFor();
    // Bad input: the server's error, saying where.
    await page.locator('#q-kind').fill('Not a kind!');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.locator('[data-error=search]').waitFor();
    assert.match(await page.locator('[data-error=search]').innerText(), /querystring\/kind/);
    pageErrors(page).length = 0; // the refused search's 400, on purpose
    rows = await searchFor(page, { subject: w.customer, kind: 'reveal' });
    assert.equal(await rows.count(), 2);

    // Open the allowed reveal: its fields, its proof, and Verify.
    await page.locator(`button.details-button[data-index="${w.okIndex}"]`).click();
    const details = page.locator(`.entry-details[data-entry="${w.okIndex}"]`);
    await details.locator('dl.proof').waitFor();
    const text = await details.innerText();
    assert.match(text, /ticket_followup/);
    assert.match(text, /Tree size/);
    await details.locator('button.verify-button').click();
    const ok = details.locator('[data-verified]');
    await ok.waitFor();
    assert.equal(await ok.getAttribute('data-verified'), 'true', await ok.innerText());
    assert.match(
      await ok.innerText(),
      /Verified in this browser against checkpoint \d+ signed by \S+ \([0-9a-f]{4}( [0-9a-f]{4}){7}\)/,
    );
    assert.deepEqual(await axeViolations(page), [], 'access explorer with an entry open');

    // The server lies about the checkpoint's root: the signature no longer verifies.
    await page.route('**/log/checkpoint', async (route) => {
      const real = await route.fetch();
      const lines = (await real.text()).split('\n');
      lines[2] = (lines[2]![0] === 'A' ? 'B' : 'A') + lines[2]!.slice(1);
      await route.fulfill({ response: real, body: lines.join('\n') });
    });
    await details.locator('button.verify-button').click();
    await details.locator('[data-verified="false"]').waitFor();
    assert.equal(await details.locator('[data-verified]').getAttribute('data-reason'), 'bad-signature');
    assert.match(await details.locator('[data-verified]').innerText(), /Not verified: .*signature/);
    await page.unroute('**/log/checkpoint');

    // The server lies about the proof.
    await page.route('**/v1/audit/entries/**', async (route) => {
      const real = await route.fetch();
      const p = (await real.json()) as { proof: string[] };
      p.proof[0] = (p.proof[0]![0] === 'A' ? 'B' : 'A') + p.proof[0]!.slice(1);
      await route.fulfill({ response: real, json: p });
    });
    await details.locator('button.verify-button').click();
    await details.locator('[data-verified="false"]').waitFor();
    assert.equal(await details.locator('[data-verified]').getAttribute('data-reason'), 'root-mismatch');
    await page.unroute('**/v1/audit/entries/**');
    await details.locator('button.verify-button').click();
    await details.locator('[data-verified="true"]').waitFor();

    // Vietnamese, and the key can be pinned.
    await page.locator('header select').selectOption('vi');
    await page.locator('h1', { hasText: 'Tra cứu truy cập' }).waitFor();
    await page.getByRole('button', { name: 'Ghim khóa này' }).click();
    await page.locator('[data-key-source=pinned]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'access explorer in Vietnamese');
    assert.deepEqual(pageErrors(page), [], 'no console error, no CSP violation');
  });

  test("the customer's page: accesses and refusals, each verified in the browser; no staff sign-in; bad and expired links", async () => {
    const { token } = (await call('POST', `/v1/subjects/${w.customer}/report-tokens`, s.admin)).json;
    assert.match(token, /^cct\./);
    const page = await b.page('en');
    await page.goto(`${s.url}/#/customer?token=${encodeURIComponent(token)}&subject=${w.customer}`);
    const ready = page.locator('[data-ready=customer]');
    await ready.waitFor();
    assert.equal(await ready.getAttribute('data-accesses'), '1');
    assert.equal(await ready.getAttribute('data-refused'), '1');
    await page.waitForFunction(() => document.querySelectorAll('.customer-accesses [data-verified]').length === 2);
    assert.deepEqual(
      await page
        .locator('.customer-accesses [data-verified]')
        .evaluateAll((es) => es.map((e) => e.getAttribute('data-verified'))),
      ['true', 'true'],
    );
    const text = await page.locator('main').innerText();
    assert.match(text, /support agent/);
    assert.match(text, /phone number/);
    assert.match(text, /ticket_followup/);
    assert.match(text, /Refused/);
    assert.equal(page.url().includes('cct.'), false, 'the token is taken out of the address bar');
    assert.equal(await page.locator('#token').count(), 0, 'no staff sign-in');
    const html = await page.content();
    for (const v of [...Object.values(CUSTOMER), '912555001'])
      assert.equal(html.includes(v), false, `"${v}" in the page`);
    assert.deepEqual(await axeViolations(page), [], 'customer page');
    await page.locator('header select').selectOption('zh');
    await page.locator('h1', { hasText: '您的数据' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'customer page in Chinese');
    assert.deepEqual(pageErrors(page), []);

    // Another customer's token, a forged one, an expired one.
    const bad = await b.page('en');
    await bad.goto(`${s.url}/#/customer?token=${encodeURIComponent(token)}&subject=${w.other}`);
    await bad.locator('[data-error=invalid]').waitFor();
    assert.match(await bad.locator('[data-error]').innerText(), /not valid/);
    clock.skew = -86_400_000;
    const old = (await call('POST', `/v1/subjects/${w.customer}/report-tokens`, s.admin)).json.token;
    clock.skew = 0;
    const expired = await b.page('vi');
    await expired.goto(`${s.url}/#/customer?token=${encodeURIComponent(old)}&subject=${w.customer}`);
    await expired.locator('[data-error=expired]').waitFor();
    assert.match(await expired.locator('[data-error]').innerText(), /đã hết hạn/);
  });

  test('"was I affected?" end to end with the code from the outbox, in two languages', async () => {
    const codeFor = (to: string) =>
      /code is (\d{6})/.exec(
        outbox
          .sent()
          .filter((m) => m.to === to)
          .at(-1)!.text,
      )![1]!;
    const page = await b.page('en');
    await page.goto(`${s.url}/#/customer`);
    await page.locator('[data-step=ask]').waitFor();
    assert.match(await page.locator('main').innerText(), /Open this page from the link in your account/);
    await page.locator('#affected-identifier').fill('not a phone');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /phone number or an e-mail address/);
    pageErrors(page).length = 0; // the refused identifier's 400, on purpose

    await page.locator('#affected-identifier').fill(CUSTOMER.phone);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.locator('[data-step=code]').waitFor();
    assert.equal(await page.locator('#affected-identifier').count(), 0, 'the identifier is not kept on the page');
    await page.locator('#affected-code').fill('000000');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /wrong or has expired/);
    pageErrors(page).length = 0;
    await page.locator('#affected-code').fill(codeFor('+84912555001'));
    await page.getByRole('button', { name: 'Check' }).click();
    await page.locator('[data-affected=true]').waitFor();
    const said = await page.locator('[data-affected]').innerText();
    assert.match(said, /part of 1 incident/);
    assert.match(said, /phone number, tracking numbers/);
    assert.match(said, /scam calls/);
    assert.deepEqual(await axeViolations(page), [], 'affected answer');

    const vi = await b.page('vi');
    await vi.goto(`${s.url}/#/customer`);
    await vi.locator('#affected-identifier').fill('0912 555 999');
    await vi.getByRole('button', { name: 'Gửi mã cho tôi' }).click();
    await vi.locator('#affected-code').fill(codeFor('+84912555999'));
    await vi.getByRole('button', { name: 'Kiểm tra' }).click();
    await vi.locator('[data-affected=false]').waitFor();
    assert.match(await vi.locator('[data-affected]').innerText(), /Không có sự cố nào/);
    assert.deepEqual(pageErrors(vi), []);
  });
});
