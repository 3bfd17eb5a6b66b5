import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { serverOn } from '../test/dialects.ts';
import { axeViolations, browserOn, pageErrors, signIn } from '../test/browser.ts';
import { enrollDevice } from '../test/devices.ts';
import { createEmbeddedOutbox } from '../src/incidents/outbox.ts';

/**
 * The operations pages in a real browser, on a real server: the device fleet (filters, an
 * enrollment code shown once, quarantine behind a confirmation), a leaked file uploaded and
 * traced to its victims and source, an incident opened from it with its deadlines, notify
 * decision, texts in three languages, four-eyes approval and the sent log, and the policies
 * with a dry run. Every page is checked with axe and for console errors; the server refuses
 * the wrong roles whatever the pages show.
 */
describe('operations pages: devices, leaks, incidents, policies', () => {
  const outbox = createEmbeddedOutbox();
  const s = serverOn({}, { messages: outbox });
  const b = browserOn();
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return {
      status: r.status,
      text,
      json: text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    };
  };
  const staff = async (id: string, role: string) => {
    const r = await call('POST', '/v1/staff', s.admin, { id, role });
    assert.equal(r.status, 201, r.text);
    return r.json.token as string;
  };
  const audited = async (kind: string) =>
    (await s.app.store.db
      .selectFrom('audit_entries')
      .select(['kind', 'actor', 'subject', 'result'])
      .where('kind', '=', kind)
      .orderBy('idx')
      .execute()) as { actor: string; subject: string | null; result: string | null }[];
  const clean = async (page: Page, what: string) => {
    assert.deepEqual(await axeViolations(page), [], `${what}: no serious or critical accessibility violation`);
    assert.deepEqual(pageErrors(page), [], `${what}: no console error`);
  };
  const tokens = { admin: '', analyst: '', agent: '', dpoA: '', dpoB: '', investigator: '' };

  test('devices: the fleet with filters and last activity, an enrollment code shown once, quarantine through a confirmation (audited)', async () => {
    tokens.admin = await staff('adm-1', 'admin');
    tokens.analyst = await staff('an-1', 'analyst');
    tokens.agent = await staff('ag-1', 'support');
    for (const id of ['hub-a', 'hub-b'])
      assert.equal((await call('POST', '/v1/stations', s.admin, { id, name: `Hub ${id}`, kind: 'hub' })).status, 201);
    assert.equal(
      (await call('POST', '/v1/device-builds', s.admin, { build: 'e'.repeat(64), note: 'release 1' })).status,
      204,
    );
    const d1 = await enrollDevice(s.app, 'hub-a', 'scanner');
    await enrollDevice(s.app, 'hub-a', 'scanner', 'f'.repeat(64));
    const d3 = await enrollDevice(s.app, 'hub-b', 'courier_app');

    const page = await b.page('en');
    await signIn(page, s.url, tokens.admin);
    await page.goto(`${s.url}/#/devices`);
    await page.locator('[data-ready=devices]').waitFor();
    assert.equal(await page.locator('table[data-table=devices] tbody tr').count(), 3);
    await page.locator('select[name=station]').selectOption('hub-b');
    assert.deepEqual(await page.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-device'))), [
      d3.id,
    ]);
    await page.locator('select[name=station]').selectOption('');
    await page.locator('select[name=build]').selectOption('unknown');
    assert.equal(await page.locator('tbody tr').count(), 1, 'one device runs a build not on the allow-list');
    await page.locator('select[name=build]').selectOption('');
    await clean(page, 'devices');

    // An enrollment code, shown once; its issue is audited (never the code).
    await page.locator('form:has(button:text("Create a code")) select').first().selectOption('hub-b');
    await page.getByRole('button', { name: 'Create a code' }).click();
    const code = await page.locator('[data-code] output').innerText();
    assert.match(code, /^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    const issued = (await audited('device')).filter((e) => e.result === 'enrollment_code');
    assert.deepEqual(
      issued.map((e) => e.actor),
      ['staff:adm-1'],
    );
    const bodies = await s.app.store.db
      .selectFrom('audit_entries')
      .select('body')
      .where('kind', '=', 'device')
      .execute();
    assert.ok(
      bodies.every((r) => !Buffer.from(r.body).toString().includes(code)),
      'the code is not in the log',
    );

    // Quarantine: nothing happens until confirmed; then the status changes, with who did it in the log.
    const row = page.locator(`tr[data-device="${d1.id}"]`);
    await row.getByRole('button', { name: 'Quarantine' }).click();
    const dialog = page.getByRole('dialog', { name: `Quarantine device ${d1.id}?` });
    await dialog.waitFor();
    assert.equal(
      (await call('GET', '/v1/devices', tokens.admin)).json.devices.find((d: { id: string }) => d.id === d1.id).status,
      'active',
    );
    await dialog.locator('[data-confirm]').click();
    await row.locator('[data-status=restricted]').waitFor();
    const listed = (await call('GET', '/v1/devices', s.admin)).json.devices as {
      id: string;
      status: string;
      lastActivity: string | null;
    }[];
    assert.equal(
      listed.find((d) => d.id === d1.id)!.status,
      'restricted',
      'the API key still works, and says restricted',
    );
    assert.ok(listed.every((d) => 'lastActivity' in d));
    const set = (await audited('device')).filter((e) => e.result === 'status_set');
    assert.deepEqual(
      set.map((e) => e.actor),
      ['staff:adm-1'],
    );
    await clean(page, 'devices after quarantine');

    // Analysts read the fleet, and change nothing; support agents see none of it.
    assert.equal((await call('GET', '/v1/devices', tokens.analyst)).status, 200);
    assert.equal((await call('POST', `/v1/devices/${d1.id}/status`, tokens.analyst, { status: 'active' })).status, 403);
    assert.equal(
      (await call('POST', '/v1/stations/hub-a/enrollment-codes', tokens.analyst, { kind: 'scanner' })).status,
      403,
    );
    assert.equal((await call('GET', '/v1/devices', tokens.agent)).status, 403);
    assert.equal((await call('GET', '/v1/stations', tokens.agent)).status, 403);
  });

  const people = [
    { name: 'Nguyễn Thị Opsa', phone: '0912 000 201', email: 'ops.a@example.vn' },
    { name: 'Trần Văn Opsb', phone: '0987 000 202', email: 'ops.b@example.vn' },
    { name: 'Anna Opsc', phone: '+49 151 23456789', email: 'ops.c@example.de' },
    { name: 'Jean Opsd', phone: '+33 6 12 34 56 78' },
    { name: '王 Opse', phone: '+86 138 0013 8000', email: 'ops.e@example.cn' },
    { name: '李 Opsf', phone: '+86 139 1234 5678', email: 'ops.f@example.cn' },
  ];
  let customers: string[] = [];
  let incidentId = '';

  test('leaks: a CSV uploaded through the page is traced with its progress shown, to its victims and source; an officer opens an incident from it', async () => {
    const made = await call('POST', '/v1/subjects/batch', s.admin, {
      subjects: people.map((p, i) => ({ externalId: `ops-${i}`, fields: p })),
    });
    assert.equal(made.status, 200, made.text);
    customers = made.json.results.map((r: { token: string }) => r.token);
    // The support agent was shown every one of these phones, each on an open ticket: the likely source.
    for (const [i, t] of customers.entries()) {
      assert.equal(
        (await call('POST', '/v1/explanations', s.admin, { kind: 'ticket', id: `T-${i}`, staff: 'ag-1', subject: t }))
          .status,
        201,
      );
      const r = await call('POST', '/v1/reveal', tokens.agent, {
        subject: t,
        field: 'phone',
        purpose: 'ticket_followup',
        explanation: `T-${i}`,
      });
      assert.equal(r.status, 200, r.text);
    }
    tokens.dpoA = await staff('dpo-a', 'privacy');
    tokens.dpoB = await staff('dpo-b', 'privacy');
    tokens.investigator = await staff('inv-1', 'investigator');

    const csv = `Họ tên,Số điện thoại\n${people.map((p) => `${p.name},${p.phone}`).join('\n')}\nKhông Có Ai,0912 999 999\n`;
    const page = await b.page('en');
    await signIn(page, s.url, tokens.dpoA);
    await page.goto(`${s.url}/#/leaks`);
    await page.locator('[data-ready=leaks]').waitFor();
    await clean(page, 'leaks (empty)');
    await page
      .getByLabel('Leaked file', { exact: true })
      .setInputFiles({ name: 'khach-hang.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and trace' }).click();
    await page.locator('progress[data-progress]').waitFor();
    assert.equal(await page.getByLabel('Trace progress').count(), 1, 'the progress bar is labelled');
    await page.locator('[data-ready=leak][data-status=done]').waitFor();
    assert.equal(await page.locator('progress').getAttribute('value'), '1');
    assert.equal(await page.locator('[data-victims]').getAttribute('data-victims'), '6');
    assert.match(await page.locator('[data-victims]').innerText(), /6 affected customers/);
    assert.equal(await page.locator('[data-rows-read]').getAttribute('data-rows-read'), '7');
    assert.deepEqual(
      (await page.locator('[data-column]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-column')))).sort(),
      ['name', 'phone'],
    );
    const sources = await page
      .locator('tr[data-source]')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-source')));
    assert.equal(sources[0], 'ag-1', `the agent shown every phone ranks first: ${sources.join(', ')}`);
    // Tokens are behind a disclosure; no value from the file is on the page.
    assert.equal(await page.locator('ul.tokens').isVisible(), false);
    const html = await page.content();
    for (const p of people)
      assert.ok(!html.includes(p.phone) && !html.includes(p.name), 'no value from the file on the page');
    await page.locator('[data-html-report]').waitFor();
    await clean(page, 'leak report');

    await page.getByLabel('Title').fill('Customer list for sale on a forum');
    await page.getByLabel('Where it happened').fill('a public forum; hub-a');
    await page.getByLabel('Measures taken').fill('The agent account was suspended; exports paused.');
    await page.getByRole('button', { name: 'Open the incident' }).click();
    incidentId = (await page.locator('[data-incident]').getAttribute('data-incident'))!;
    assert.match(incidentId, /^inc_/);
    await page.locator('[data-incident] a').click();
    await page.locator('[data-ready=incident]').waitFor();

    // An investigator traces but does not open incidents; a support agent does neither.
    const trace = (await call('GET', '/v1/traces', tokens.investigator)).json.investigations[0].id as string;
    assert.equal(
      (
        await call('POST', `/v1/traces/${trace}/incident`, tokens.investigator, {
          title: 'xxx',
          where: 'y',
          measures: 'z',
        })
      ).status,
      403,
    );
    assert.equal((await call('GET', '/v1/traces', tokens.agent)).status, 403);
  });

  test('incidents: deadlines for VN, EU and CN with countdowns, the notify decision and why, three languages, four-eyes approval, then the sent log', async () => {
    const page = await b.page('en');
    await signIn(page, s.url, tokens.dpoA);
    await page.goto(`${s.url}/#/incidents`);
    await page.locator('[data-ready=incidents]').waitFor();
    await clean(page, 'incidents');
    await page.goto(`${s.url}/#/incidents/${incidentId}`);
    await page.locator('[data-ready=incident]').waitFor();
    assert.deepEqual(
      await page.locator('tr[data-deadline]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-deadline'))),
      ['CN/regulator', 'CN/individuals', 'VN/regulator', 'EU/regulator', 'EU/individuals'],
    );
    // Countdowns tick: China's "immediately" is overdue, the 72-hour ones are due in about 3 days.
    const first = await page.locator('tr[data-deadline="EU/regulator"] [data-countdown]').innerText();
    assert.match(first, /^due in (2 d 23|3 d 0) h/);
    assert.match(await page.locator('tr[data-deadline="CN/regulator"] [data-countdown]').innerText(), /^overdue by/);

    // Marking a deadline met, behind a confirmation, with who did it in the log.
    await page.locator('tr[data-deadline="CN/regulator"]').getByRole('button', { name: 'Mark met' }).click();
    await page.getByRole('dialog', { name: 'Mark this deadline met?' }).locator('[data-confirm]').click();
    await page.locator('tr[data-deadline="CN/regulator"]', { hasText: /met \d/ }).waitFor();
    assert.equal(await page.locator('tr[data-deadline="CN/regulator"] [data-countdown]').count(), 0);
    assert.deepEqual(
      (await audited('incident')).filter((e) => e.result === 'deadline_met').map((e) => e.actor),
      ['staff:dpo-a'],
    );

    // Whom to notify, and why.
    const why = (k: string) => page.locator(`tr[data-notify="${k}"]`).innerText();
    assert.match(
      await why('EU/individuals'),
      /required\s+GDPR art\. 34\s+GDPR art\. 34: high risk, phone numbers exposed with names/,
    );
    assert.match(await why('CN/individuals'), /PIPL art\. 57/);
    assert.match(await why('VN/regulator'), /2 people in Vietnam.*72 hours/);
    assert.match(
      await page.locator('[data-decision] > p').innerText(),
      /Regulators to notify: VN, EU, CN\. Individuals must be told: yes\./,
    );

    // The texts in three languages, one tab each.
    for (const [tab, head] of [
      ['Tiếng Việt', /BÁO CÁO VI PHẠM DỮ LIỆU CÁ NHÂN/],
      ['English', /PERSONAL DATA BREACH REPORT/],
      ['中文', /个人信息泄露报告/],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      assert.match(await page.locator('[role=tabpanel] [data-doc=report] pre').innerText(), head);
      assert.match(await page.locator('[role=tabpanel] [data-doc=notice] pre').innerText(), /.+/);
    }
    await clean(page, 'incident');

    // Sending before approval is refused, and says what is missing; the opener may not approve.
    await page.getByRole('button', { name: 'Send the customer notices' }).click();
    let dialog = page.getByRole('dialog', { name: /Send the notices to 6 customers/ });
    await dialog.locator('[data-confirm]').click();
    assert.match(await dialog.getByRole('alert').innerText(), /approve the customer notice in .*vi/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[role=tabpanel] [data-doc=notice]').getByRole('button', { name: 'Approve' }).click();
    dialog = page.getByRole('dialog', { name: 'Approve this text?' });
    await dialog.locator('[data-confirm]').click();
    assert.match(await dialog.getByRole('alert').innerText(), /opened the incident does not approve/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(outbox.sent().length, 0);
    pageErrors(page).length = 0; // the refusals above, on purpose

    // A second officer approves the notice in each language, then sends.
    const pageB = await b.page('en');
    await signIn(pageB, s.url, tokens.dpoB);
    await pageB.goto(`${s.url}/#/incidents/${incidentId}`);
    await pageB.locator('[data-ready=incident]').waitFor();
    for (const tab of ['Tiếng Việt', 'English', '中文']) {
      await pageB.getByRole('tab', { name: tab }).click();
      const notice = pageB.locator('[role=tabpanel] [data-doc=notice]');
      await notice.getByRole('button', { name: 'Approve' }).click();
      await pageB.getByRole('dialog', { name: 'Approve this text?' }).locator('[data-confirm]').click();
      await pageB.locator('[role=tabpanel] [data-doc=notice][data-approved=yes]').waitFor();
      assert.match(await notice.innerText(), /Approved by staff:dpo-b/);
    }
    await pageB.getByRole('button', { name: 'Send the customer notices' }).click();
    await pageB
      .getByRole('dialog', { name: /Send the notices/ })
      .locator('[data-confirm]')
      .click();
    await pageB.locator('tr[data-send]').waitFor();
    assert.equal(await pageB.locator('tr[data-send]').getAttribute('data-send'), '6');
    assert.match(await pageB.locator('tr[data-send]').innerText(), /staff:dpo-b\s+6\s+0\s+vi 2 · en 2 · zh 2/);
    await clean(pageB, 'incident after sending');
    // The same page in Vietnamese and Chinese, the reasons in the reader's language.
    for (const [lang, heading, reason] of [
      ['vi', 'Quyết định thông báo', /GDPR điều 34: rủi ro cao, số điện thoại bị lộ cùng họ tên/],
      ['zh', '通知决定', /GDPR第34条：高风险，电话号码与姓名一同泄露/],
    ] as const) {
      await pageB.locator('header select').selectOption(lang);
      await pageB.locator('#h-decision', { hasText: heading }).waitFor();
      assert.match(await pageB.locator('tr[data-notify="EU/individuals"]').innerText(), reason);
      await clean(pageB, `incident (${lang})`);
    }

    // Each customer got the notice in their jurisdiction's language, by e-mail or else SMS.
    const sent = outbox.sent();
    assert.equal(sent.length, 6);
    const sms = sent.find((m) => !m.to.includes('@'))!;
    assert.match(sms.to, /612345678$/, 'the customer without an e-mail gets an SMS');
    assert.deepEqual(
      sent
        .filter((m) => m !== sms)
        .map((m) => m.to)
        .sort(),
      ['ops.a@example.vn', 'ops.b@example.vn', 'ops.c@example.de', 'ops.e@example.cn', 'ops.f@example.cn'],
    );
    assert.match(sent.find((m) => m.to === 'ops.a@example.vn')!.text, /Thông báo về sự cố dữ liệu cá nhân/);
    assert.match(sent.find((m) => m.to === 'ops.e@example.cn')!.text, /个人信息安全事件通知/);
    assert.match(sms.text, /Notice of a personal data incident/);
    // Once only; everything in the audit log, counts only.
    assert.equal((await call('POST', `/v1/incidents/${incidentId}/notices/send`, tokens.dpoB, {})).status, 409);
    const log = (await audited('incident')).map((e) => `${e.actor} ${e.result}`);
    assert.deepEqual(log.slice(-4), [
      'staff:dpo-b text_approved',
      'staff:dpo-b text_approved',
      'staff:dpo-b text_approved',
      'staff:dpo-b notices_sent',
    ]);
    const bodies = (
      await s.app.store.db.selectFrom('audit_entries').select('body').where('kind', '=', 'incident').execute()
    ).map((r) => Buffer.from(r.body).toString());
    assert.ok(
      bodies.every((x) => !x.includes('@example') && !x.includes('612345678')),
      'no address in the log',
    );

    // Roles, on the server.
    for (const [m, p, body] of [
      ['GET', '/v1/incidents', undefined],
      ['GET', `/v1/incidents/${incidentId}/documents`, undefined],
      ['POST', `/v1/incidents/${incidentId}/documents/report/en/approve`, undefined],
      ['POST', `/v1/incidents/${incidentId}/notices/send`, {}],
    ] as const) {
      assert.equal((await call(m, p, tokens.agent, body)).status, 403, `${m} ${p} (support)`);
      assert.equal((await call(m, p, tokens.investigator, body)).status, 403, `${m} ${p} (investigator)`);
    }
  });

  test('policies: the shipped policies as text, and dry runs that name the deciding policy without revealing', async () => {
    const reviewer = (
      await call('POST', '/v1/subjects', s.admin, {
        kind: 'reviewer',
        externalId: 'rv-ops',
        fields: { name: 'Lưu Reviewer Ops', email: 'reviewer.ops@example.vn' },
      })
    ).json.token as string;
    await staff('mod-1', 'moderator');
    assert.equal(
      (
        await call('POST', '/v1/explanations', s.admin, {
          kind: 'moderation',
          id: 'M-ops',
          staff: 'mod-1',
          subject: reviewer,
        })
      ).status,
      201,
    );
    const reveals = (await audited('reveal')).length;

    const page = await b.page('en');
    await signIn(page, s.url, tokens.admin);
    await page.goto(`${s.url}/#/policies`);
    await page.locator('[data-ready=policies]').waitFor();
    const ids = await page.locator('li[data-policy]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-policy')));
    for (const id of [
      'support-open-ticket',
      'courier-assignment',
      'jit-grant',
      'break-glass',
      'moderators-never-see-reviewers',
      'sellers-relay-only',
    ])
      assert.ok(ids.includes(id), `${id} is listed`);
    assert.match(
      await page.locator('li[data-policy="support-open-ticket"] pre').innerText(),
      /principal\.role == "support"/,
    );
    assert.match(
      await page.locator('li[data-policy="moderators-never-see-reviewers"]').innerText(),
      /Moderators never see who wrote a review/,
    );
    await clean(page, 'policies');

    const ask = async (q: { staff: string; subject: string; field: string; purpose: string; explanation: string }) => {
      await page.getByLabel('Staff id').fill(q.staff);
      await page.getByLabel('Customer token').fill(q.subject);
      await page.getByLabel('Field').selectOption(q.field);
      await page.getByLabel('Purpose').fill(q.purpose);
      await page.getByLabel('Explanation (ticket, case or assignment id)').fill(q.explanation);
      await page.getByRole('button', { name: 'Ask' }).click();
    };
    await ask({ staff: 'mod-1', subject: reviewer, field: 'email', purpose: 'moderation', explanation: 'M-ops' });
    await page.locator('[data-answer=deny]').waitFor();
    assert.equal(await page.locator('[data-answer]').getAttribute('data-policies'), 'moderators-never-see-reviewers');
    assert.deepEqual(
      await page.locator('li[data-deciding=yes]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-policy'))),
      ['moderators-never-see-reviewers'],
    );

    await ask({
      staff: 'ag-1',
      subject: customers[0]!,
      field: 'phone',
      purpose: 'ticket_followup',
      explanation: 'T-0',
    });
    await page.locator('[data-answer=allow]').waitFor();
    assert.equal(await page.locator('[data-answer]').getAttribute('data-policies'), 'support-open-ticket');
    assert.deepEqual(
      await page.locator('li[data-deciding=yes]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-policy'))),
      ['support-open-ticket'],
    );
    assert.match(await page.locator('[data-answer]').innerText(), /ticket, held by them/);
    await clean(page, 'policies after dry runs');
    assert.ok(!(await page.content()).includes('0912'), 'no value on the page');

    // An admin reloads the policies from the page; the reload is in the log under their name.
    await page.getByRole('button', { name: 'Reload the policy files' }).click();
    await page.getByRole('dialog', { name: 'Reload the policies?' }).locator('[data-confirm]').click();
    await page.getByText('Reloaded: version 2.').waitFor();
    assert.deepEqual(
      (await audited('policy')).filter((e) => e.result === 'loaded').map((e) => e.actor),
      ['staff:adm-1'],
    );

    // No reveal happened or was logged; each dry run is, by who asked.
    assert.equal((await audited('reveal')).length, reveals);
    const runs = (await audited('policy')).filter((e) => e.result === 'dry_run');
    assert.deepEqual(
      runs.map((e) => [e.actor, e.subject]),
      [
        ['staff:adm-1', reviewer],
        ['staff:adm-1', customers[0]],
      ],
    );

    // Roles, on the server: support agents and investigators neither read policies nor ask.
    const q = { staff: 'ag-1', subject: customers[0], field: 'phone', purpose: 'ticket_followup', explanation: 'T-0' };
    for (const t of [tokens.agent, tokens.investigator]) {
      assert.equal((await call('GET', '/v1/policies/sources', t)).status, 403);
      assert.equal((await call('POST', '/v1/policies/dry-run', t, q)).status, 403);
    }
    assert.equal(
      (await call('POST', '/v1/policies/reload', tokens.analyst)).status,
      403,
      'analysts read, admins reload',
    );
    assert.equal((await call('POST', '/v1/policies/dry-run', tokens.analyst, q)).json.decision, 'allow');
    assert.equal((await call('POST', '/v1/policies/dry-run', tokens.analyst, { ...q, field: 'nope!' })).status, 400);
  });
});
