import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { createEmbeddedOutbox } from '../src/incidents/outbox.ts';

/**
 * "Was I affected?": before the one-time code, a victim's identifier and a stranger's get the
 * same answer; with the code, the victim learns which data and what to do; starts are limited
 * per identifier and per client; no identifier reaches any log line.
 */
describe('was I affected?', () => {
  const logs: string[] = [];
  const outbox = createEmbeddedOutbox();
  const s = serverOn(
    { CLOAK_LOG_LEVEL: 'trace' },
    { messages: outbox, logDestination: { write: (l: string) => void logs.push(l) } },
  );
  const post = async (path: string, body: unknown, ip?: string) => {
    const r = await fetch(`${s.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(ip ? { 'x-test-client': ip } : {}) },
      body: JSON.stringify(body),
    });
    return { status: r.status, json: (await r.json()) as any };
  };
  const codeFor = (to: string) =>
    /code is (\d{6})/.exec(
      outbox
        .sent()
        .filter((m) => m.to === to)
        .at(-1)!.text,
    )![1]!;

  test('nothing is told before the code; the victim then learns what leaked; strangers learn nothing; limits hold; no identifier in the logs', async () => {
    const victim = { phone: '0912 777 001', email: 'victim.canary91@example.vn' };
    const made = await fetch(`${s.url}/v1/subjects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: 'aff-1', fields: { name: 'Lê Thị Victim', ...victim } }),
    });
    const token = ((await made.json()) as { token: string }).token;
    const officer = await s.app.staff.authenticate(
      (await s.app.staff.create({ id: 'dpo', role: 'privacy' }, 'system')).token,
    );
    await s.app.incidents.open(
      {
        title: 'scanner dump',
        where: 'station st-a',
        subjects: [token],
        categories: ['phone', 'tracking'],
        measures: 'scanner revoked',
      },
      officer.actor,
    );

    // Before the code: the same answer, field for field, for a victim and a stranger.
    const a = await post('/v1/affected/start', { identifier: victim.phone });
    const b = await post('/v1/affected/start', { identifier: '0912 777 999' });
    assert.deepEqual([a.status, Object.keys(a.json).sort()], [b.status, Object.keys(b.json).sort()]);
    assert.equal(a.status, 202);
    // A wrong code says the same to both.
    const wa = await post('/v1/affected/verify', { challenge: a.json.challenge, code: '000000' });
    const wb = await post('/v1/affected/verify', { challenge: b.json.challenge, code: '000000' });
    assert.deepEqual([wa.status, wa.json.error.message], [wb.status, wb.json.error.message]);

    // With the code sent to the number: the victim's answer, and the stranger's.
    const va = await post('/v1/affected/verify', { challenge: a.json.challenge, code: codeFor('+84912777001') });
    assert.equal(va.status, 200);
    assert.equal(va.json.affected, true);
    assert.deepEqual(va.json.incidents[0].categories, ['phone', 'tracking']);
    assert.match(va.json.incidents[0].advice, /scam calls .* tracking number/);
    const vb = await post('/v1/affected/verify', { challenge: b.json.challenge, code: codeFor('+84912777999') });
    assert.deepEqual(vb.json, { affected: false, incidents: [] });
    // A code works once.
    assert.equal(
      (await post('/v1/affected/verify', { challenge: a.json.challenge, code: codeFor('+84912777001') })).status,
      400,
    );
    // E-mail works the same way.
    const e = await post('/v1/affected/start', { identifier: victim.email.toUpperCase() });
    assert.equal(
      (await post('/v1/affected/verify', { challenge: e.json.challenge, code: codeFor(victim.email) })).json.affected,
      true,
    );

    // Limits: three starts an hour per identifier (this one has had one)...
    assert.equal((await post('/v1/affected/start', { identifier: victim.phone })).status, 202);
    assert.equal((await post('/v1/affected/start', { identifier: '0912777001' })).status, 202);
    assert.equal(
      (await post('/v1/affected/start', { identifier: '+84 912 777 001' })).status,
      429,
      'the same number, written otherwise',
    );
    // ...and twenty per client.
    let limited = 0;
    for (let i = 0; i < 20; i++)
      if ((await post('/v1/affected/start', { identifier: `0912 778 ${String(100 + i)}` })).status === 429) limited++;
    assert.ok(limited >= 1, 'the client is limited');
    assert.equal((await post('/v1/affected/start', { identifier: 'not an identifier' })).status, 400);

    const all = logs.join('\n');
    for (const v of ['912777001', '912 777 001', '0912 777', 'victim.canary91', 'VICTIM.CANARY91', '912777999'])
      assert.equal(all.includes(v), false, `"${v}" in the logs`);
  });
});
