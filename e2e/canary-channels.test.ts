import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clearValues } from '../test/clear.ts';
import { serverOn } from '../test/dialects.ts';

/**
 * The two canary channels through the HTTP API: canaries planted in a staff team's work
 * (`POST/GET /v1/canaries`), and the telephony provider's inbound-call webhook, where a call to
 * a canary's number is an alert. Nothing a caller learns, and nothing in a log line, a response
 * or an alert, holds a canary's number or e-mail, or a caller's number.
 */
describe('canary channels over HTTP: team canaries and calls to canary numbers', () => {
  const logLines: string[] = [];
  const s = serverOn({ CLOAK_LOG_LEVEL: 'trace' }, { logDestination: { write: (l: string) => void logLines.push(l) } });
  const bodies: string[] = [];
  const sent: string[] = [];
  const CALLER = '+84 912 555 014';
  const needles: string[] = ['912555014', '912 555 014', '2555014'];

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    sent.push(JSON.stringify(body ?? null));
    bodies.push(text);
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  }
  const openCases = async () => {
    await s.app.detection.idle();
    return s.app.cases.list({ status: 'open' });
  };

  test('admins plant team canaries (staff token or admin key) and list them; anyone else, or bad input, is refused and plants nothing', async () => {
    const staff: Record<string, string> = {};
    for (const [id, role, team] of [
      ['u-admin', 'admin', 'ops'],
      ['u-agent', 'support', 'support'],
      ['u-agent-b', 'support', 'support'],
    ] as const) {
      const r = await call('POST', '/v1/staff', s.admin, { id, role, team });
      assert.equal(r.status, 201, r.text);
      staff[id] = r.json.token;
    }
    let r = await call('POST', '/v1/canaries', staff['u-admin'], { channel: 'team', team: 'support', count: 2 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.channel, 'team:support');
    assert.equal(r.json.tokens.length, 2);
    r = await call('POST', '/v1/canaries', s.admin, { channel: 'team', team: 'support' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.tokens.length, 2, 'two by default');
    const list = await call('GET', '/v1/canaries', staff['u-admin']);
    assert.equal(list.status, 200);
    assert.equal(list.json.canaries.length, 4);
    assert.ok(
      list.json.canaries.every(
        (c: { channel: string; detail: string; createdAt: string; token: string }) =>
          c.channel === 'team:support' && /^sub_/.test(c.token) && c.createdAt && c.detail,
      ),
    );
    assert.deepEqual(Object.keys(list.json.canaries[0]).sort(), ['channel', 'createdAt', 'detail', 'token']);
    // Their values, to look for later in logs, responses and alerts.
    for (const c of list.json.canaries as { token: string }[]) {
      const phone = await clearValues(s.app)(c.token, 'phone');
      const email = await clearValues(s.app)(c.token, 'email');
      needles.push(phone, phone.slice(3), `0${phone.slice(3)}`, email, email.split('@')[0]!);
    }

    const platform = (await call('POST', '/v1/api-keys', s.admin, { name: 'order-system', scopes: ['platform'] })).json
      .secret as string;
    for (const [token, body, status] of [
      [staff['u-agent'], { channel: 'team', team: 'support' }, 403],
      [platform, { channel: 'team', team: 'support' }, 403],
      [undefined, { channel: 'team', team: 'support' }, 401],
      [s.admin, { channel: 'export', team: 'support' }, 400],
      [s.admin, { channel: 'team' }, 400],
      [s.admin, { channel: 'team', team: 'support', count: 11 }, 400],
      [s.admin, { channel: 'team', team: 'support', count: 0 }, 400],
      [s.admin, { channel: 'team', team: 'support', extra: 1 }, 400],
      [s.admin, { channel: 'team', team: 'no such team' }, 400],
    ] as const) {
      const bad = await call('POST', '/v1/canaries', token, body);
      assert.equal(bad.status, status, `${JSON.stringify(body)}: ${bad.text}`);
      assert.equal(typeof bad.json.error.message, 'string');
    }
    assert.equal((await call('GET', '/v1/canaries', staff['u-agent'])).status, 403);
    assert.equal(
      (await call('GET', '/v1/canaries', s.admin)).json.canaries.length,
      4,
      'refused requests planted nothing',
    );

    // A support agent of the team tries to reveal one from the team's history: refused, and alerted.
    const target = list.json.canaries[0].token as string;
    r = await call('POST', '/v1/reveal', staff['u-agent'], {
      subject: target,
      field: 'email',
      purpose: 'ticket_followup',
    });
    assert.equal(r.status, 403, r.text);
    const touched = (await openCases()).find((c) => c.actor === 'staff:u-agent');
    assert.ok(
      touched?.alerts.some((a) => a.rule === 'canary-touched' && /exists only in team:support/.test(a.summary)),
      JSON.stringify(touched),
    );
  });

  test('the inbound-call webhook: a canary’s number files canary-called naming its channel; other numbers nothing; the same answer every time', async () => {
    const tel = (await call('POST', '/v1/api-keys', s.admin, { name: 'carrier', scopes: ['telephony'] })).json
      .secret as string;
    const [canary] = (await s.app.canaries.list()).filter((c) => c.channel === 'team:support');
    const canaryPhone = await clearValues(s.app)(canary!.token, 'phone');
    const real = await call('POST', '/v1/subjects', s.admin, {
      kind: 'customer',
      externalId: 'cust-called',
      fields: { name: 'Phan Thị Callee', phone: '0903 214 365' },
    });
    assert.equal(real.status, 201);
    needles.push('903214365', '0903 214 365', 'Callee');
    const before = await openCases();

    const toReal = await call('POST', '/v1/telephony/inbound', tel, { to: '0903 214 365', from: CALLER });
    const toNobody = await call('POST', '/v1/telephony/inbound', tel, { to: '+84 908 765 432', from: CALLER });
    assert.deepEqual(
      (await openCases()).map((c) => c.id),
      before.map((c) => c.id),
      'calls to other numbers file nothing',
    );
    const toCanary = await call('POST', '/v1/telephony/inbound', tel, {
      to: canaryPhone,
      from: CALLER,
      at: '2026-03-02T09:15:00+07:00',
    });
    for (const x of [toReal, toNobody, toCanary]) {
      assert.equal(x.status, 202);
      assert.equal(x.text, '{"received":true}');
    }
    const called = (await openCases()).filter((c) => c.alerts.some((a) => a.rule === 'canary-called'));
    assert.equal(called.length, 1);
    const alert = called[0]!.alerts[0]!;
    assert.match(called[0]!.actor, /^phone:[0-9a-f]{16}$/);
    assert.equal(alert.severity, 'high');
    assert.equal(alert.at, '2026-03-02T02:15:00.000Z');
    assert.match(alert.summary, /exists only in team:support/);
    assert.deepEqual(
      alert.evidence.map((e) => [e.type, e.channel, e.customer]),
      [['call', 'team:support', canary!.token]],
    );

    // Bad input and wrong keys: a clear 4xx, and nothing filed.
    const platform = (await call('POST', '/v1/api-keys', s.admin, { name: 'desk', scopes: ['platform'] })).json
      .secret as string;
    const n = (await openCases()).length;
    for (const [key, body, status, path] of [
      [tel, { from: CALLER }, 400, '/body/to'],
      [tel, { to: 'call me maybe', from: CALLER }, 400, '/to'],
      [tel, { to: '+84 1', from: CALLER }, 400, '/to'],
      [tel, { to: 84391234567 }, 400, '/body/to'],
      [tel, { to: canaryPhone, at: 'soon' }, 400, '/at'],
      [tel, { to: canaryPhone, callSid: 'CA123' }, 400, '/body'],
      [platform, { to: canaryPhone, from: CALLER }, 403, undefined],
      [undefined, { to: canaryPhone, from: CALLER }, 401, undefined],
    ] as const) {
      const bad = await call('POST', '/v1/telephony/inbound', key, body);
      assert.equal(bad.status, status, `${JSON.stringify(body)}: ${bad.text}`);
      if (path)
        assert.ok(
          bad.json.error.details.some((d: { path: string }) => d.path === path),
          bad.text,
        );
    }
    assert.equal((await openCases()).length, n, 'refused calls filed nothing');
  });

  test('no canary number or e-mail, and no caller number, in any log line, response or alert', async () => {
    const cases = JSON.stringify(await s.app.cases.list({}));
    assert.ok(logLines.length > 50, 'the logs were captured');
    assert.ok(
      logLines.some((l) => l.includes('a canary number was called')),
      'the call was logged (without numbers)',
    );
    assert.ok(needles.length > 20);
    assert.ok(
      needles.filter((x) => sent.join('\n').includes(x)).length >= 4,
      'the needles do find the numbers: they are in what was sent',
    );
    for (const [name, hay] of [
      ['logs', logLines.join('\n')],
      ['responses', bodies.join('\n')],
      ['alerts', cases],
    ] as const) {
      assert.deepEqual(
        needles.filter((x) => hay.includes(x)),
        [],
        `in the ${name}`,
      );
    }
  });
});
