import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { enrollOverHttp } from '../test/devices.ts';

/**
 * A request that clashes with the current state of what it names (a grant already decided, a
 * break-glass reveal already signed off, an export already refused, a case already resolved,
 * a device already revoked) is 409 `conflict`, with a message saying what happened, and
 * changes nothing; malformed input stays 400 `invalid_input`.
 */
describe('state clashes are 409 conflict', () => {
  const s = serverOn();
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, text, json: text ? JSON.parse(text) : undefined };
  };
  const clash = (
    r: { status: number; text: string; json: { error: { code: string; message: string } } },
    message: RegExp,
  ) => {
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'conflict');
    assert.match(r.json.error.message, message);
  };
  const staff: Record<string, string> = {};
  let subject = '';

  test('setup: staff and a customer', async () => {
    for (const [id, role] of [
      ['c-agent', 'support'],
      ['c-boss', 'supervisor'],
      ['c-boss2', 'supervisor'],
      ['c-ana', 'analyst'],
    ] as const) {
      const r = await call('POST', '/v1/staff', s.admin, { id, role, team: 'vn-north' });
      assert.equal(r.status, 201, r.text);
      staff[id] = r.json.token;
    }
    subject = (
      await call('POST', '/v1/subjects', s.admin, {
        externalId: 'clash-1',
        fields: { name: 'Lê Thị Xung', phone: '0912 765 000', email: 'xung@example.vn' },
      })
    ).json.token;
  });

  test('a grant approved, then refused: 409, and it stays approved', async () => {
    const g = await call('POST', '/v1/grants', staff['c-agent']!, {
      subject,
      fields: ['email'],
      purpose: 'fraud_check',
      minutes: 30,
      reason: 'chargeback investigation #77',
    });
    assert.equal(g.status, 201, g.text);
    assert.equal((await call('POST', `/v1/grants/${g.json.id}/approve`, staff['c-boss']!)).status, 200);
    clash(await call('POST', `/v1/grants/${g.json.id}/refuse`, staff['c-boss2']!), /^this grant was already approved$/);
    const grants = (await call('GET', '/v1/grants', staff['c-boss']!)).json.grants as { id: string; status: string }[];
    assert.equal(grants.find((x) => x.id === g.json.id)!.status, 'approved');
  });

  test('a break-glass reveal signed off twice: 409 the second time', async () => {
    const r = await call('POST', '/v1/reveal', staff['c-agent']!, {
      subject,
      field: 'phone',
      purpose: 'fraud_check',
      breakGlass: { justification: 'customer reports account takeover, needs callback now' },
    });
    assert.equal(r.status, 200, r.text);
    const path = `/v1/break-glass/${r.json.auditIndex}/sign-off`;
    assert.equal((await call('POST', path, staff['c-boss']!, { note: 'checked: legitimate' })).status, 200);
    clash(await call('POST', path, staff['c-boss2']!, { note: 'checked again' }), /already signed off/);
  });

  test('an export refused, then approved: 409, and there is no file to download', async () => {
    const e = await call('POST', '/v1/exports', staff['c-agent']!, {
      dataset: 'sales',
      recipient: 'finance',
      purpose: 'monthly_report',
    });
    assert.equal(e.status, 201, e.text);
    assert.equal((await call('POST', `/v1/exports/${e.json.id}/refuse`, staff['c-boss']!)).status, 200);
    clash(
      await call('POST', `/v1/exports/${e.json.id}/approve`, staff['c-boss2']!),
      /^this export was already refused$/,
    );
    clash(
      await call('GET', `/v1/exports/${e.json.id}/file`, staff['c-agent']!),
      /^this export is refused, not written$/,
    );
  });

  test('a case resolved twice, and one escalated with no customer in its evidence: 409; a bad classification stays 400', async () => {
    const c = await s.app.cases.record({
      at: '2026-11-29T10:00:00.000Z',
      actor: 'staff:c-agent',
      rule: 'unusual-export',
      severity: 'low',
      score: 0.5,
      summary: 'unusual-export by staff:c-agent',
      evidence: [],
    });
    const bad = await call('POST', `/v1/cases/${c.id}/resolve`, staff['c-ana']!, { resolution: 'maybe' });
    assert.deepEqual([bad.status, bad.json.error.code], [400, 'invalid_input']);
    clash(
      await call('POST', `/v1/cases/${c.id}/escalate`, staff['c-ana']!, {
        title: 'Nothing',
        where: 'x',
        measures: 'y',
      }),
      /no customer is named/,
    );
    assert.equal(
      (await call('POST', `/v1/cases/${c.id}/resolve`, staff['c-ana']!, { resolution: 'benign' })).status,
      200,
    );
    clash(
      await call('POST', `/v1/cases/${c.id}/resolve`, staff['c-ana']!, { resolution: 'true_positive' }),
      /^this case is already resolved$/,
    );
    assert.equal((await call('GET', `/v1/cases/${c.id}`, staff['c-ana']!)).json.resolution, 'benign');
  });

  test('a device revoked twice from its entity page: 409 the second time', async () => {
    assert.equal(
      (await call('POST', '/v1/stations', s.admin, { id: 'clash-hub', name: 'Clash hub', kind: 'hub' })).status,
      201,
    );
    const d = await enrollOverHttp(s.url, s.admin, 'clash-hub', 'e'.repeat(64));
    const path = `/v1/entities/device/${d.id}/status`;
    assert.equal((await call('POST', path, staff['c-ana']!, { status: 'revoked' })).status, 200);
    clash(await call('POST', path, staff['c-ana']!, { status: 'revoked' }), /^this device is already revoked$/);
  });
});
