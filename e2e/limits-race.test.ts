import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { DIALECTS, type TestDb } from '../test/dialects.ts';
import { enrollOverHttp, signedDeviceCall } from '../test/devices.ts';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/lib/config.ts';
import { startServer, type Started } from '../src/api/start.ts';
import { createEmbeddedOutbox } from '../src/incidents/outbox.ts';

/**
 * Every limit, quota and one-time thing holds when the requests come at once, over real HTTP,
 * on SQLite and on PostgreSQL (whose pool of ten connections runs them truly side by side):
 * reveal quotas, export limits, the "was I affected?" limits, attempts and codes, enrollment
 * codes and relay numbers. Budgets live in the database, so a restart does not reset them; the
 * client behind a trusted proxy is the one X-Forwarded-For names, anyone else's header is ignored.
 */
const NUMBERS = ['+84287100901', '+84287100902', '+84287100903', '+84287100904'];
const LIMITS = {
  CLOAK_PORT: '0',
  CLOAK_REVEAL_QUOTAS: 'support=20,*=20',
  CLOAK_EXPORTS_PER_DAY: '3',
  CLOAK_RELAY_NUMBERS: NUMBERS.join(','),
  CLOAK_TRUSTED_PROXIES: '127.0.0.1',
  CLOAK_DEVICE_MAX_SKEW_SECONDS: '3600',
};
// The apps' clock runs at the machine's pace from 30 s into the current UTC hour, so no run
// crosses an hour's or a day's budget window (device signatures are allowed the shift).
const HOUR = 3_600_000;
const SHIFT = Math.floor(Date.now() / HOUR) * HOUR + 30_000 - Date.now();
const clock = { now: () => new Date(Date.now() + SHIFT) };

type Server = { app: App; server: Started; url: string };
async function boot(
  db: TestDb,
  env: Record<string, string>,
  outbox: ReturnType<typeof createEmbeddedOutbox>,
): Promise<Server> {
  const app = await createApp(loadConfig({ ...db.env, ...env }), { messages: outbox, clock });
  const server = await startServer(app);
  return { app, server, url: server.url };
}
async function shut(s: Server | undefined): Promise<void> {
  await s?.server.close();
  await s?.app.close();
}
const json = (token: string | undefined, body: unknown, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
  body: JSON.stringify(body),
});
/** Runs `n` requests at once and counts the answers by status. */
async function atOnce(n: number, one: (i: number) => Promise<Response>): Promise<Record<number, number>> {
  const statuses = await Promise.all(Array.from({ length: n }, async (_, i) => (await one(i)).status));
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

for (const d of DIALECTS) {
  describe(`limits under concurrency on ${d.name}`, () => {
    const outbox = createEmbeddedOutbox();
    let db: TestDb;
    let s: Server | undefined;
    let admin: string;
    let agent: string;
    let subject: string;
    const codeFor = (to: string) =>
      /code is (\d{6})/.exec(
        outbox
          .sent()
          .filter((m) => m.to === to)
          .at(-1)!.text,
      )![1]!;
    const start = (identifier: string, client: string) =>
      fetch(`${s!.url}/v1/affected/start`, json(undefined, { identifier }, { 'x-forwarded-for': client }));
    const verify = (challenge: string, code: string) =>
      fetch(`${s!.url}/v1/affected/verify`, json(undefined, { challenge, code }));

    before(async () => {
      db = await d.fresh();
      s = await boot(db, LIMITS, outbox);
      admin = s.server.firstAdminKey!;
      agent = (await s.app.staff.create({ id: 'agent-1', role: 'support' }, 'system')).token;
      subject = (
        await s.app.vault.createSubjects([
          { externalId: 'race-1', fields: { name: 'Trần Văn Race', phone: '0912 555 001', email: 'race@example.vn' } },
        ])
      )[0]!.token;
    });
    after(async () => {
      await shut(s);
      await db?.drop();
    });

    test('40 break-glass reveals at once against a quota of 20: exactly 20 pass', async () => {
      const body = {
        subject,
        field: 'phone',
        purpose: 'fraud_check',
        breakGlass: { justification: 'a race test of the hourly reveal quota, at once' },
      };
      const got = await atOnce(40, () => fetch(`${s!.url}/v1/reveal`, json(agent, body)));
      assert.deepEqual(got, { 200: 20, 429: 20 });
      assert.equal((await s!.app.reveals.breakGlass({})).length, 20, 'only the reveals that passed are flagged');
    });

    test('10 exports at once against a daily limit of 3: exactly 3 are requested', async () => {
      const got = await atOnce(10, () =>
        fetch(
          `${s!.url}/v1/exports`,
          json(agent, { dataset: 'sales', recipient: 'finance', purpose: 'monthly_report' }),
        ),
      );
      assert.deepEqual(got, { 201: 3, 429: 7 });
      assert.equal((await s!.app.exports.list({})).length, 3);
    });

    test('exports approved and refused at once by two approvers are each decided once', async () => {
      const jobs = await s!.app.exports.list({ status: 'pending' });
      assert.equal(jobs.length, 3);
      const approvers = await Promise.all(
        ['sup-1', 'sup-2'].map(async (id) => (await s!.app.staff.create({ id, role: 'supervisor' }, 'system')).token),
      );
      const decide = (job: string, i: number) =>
        fetch(`${s!.url}/v1/exports/${job}/${i === 0 ? 'approve' : 'refuse'}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${approvers[i]}` },
        });
      const answers = await Promise.all(jobs.map((j) => Promise.all([decide(j.id, 0), decide(j.id, 1)])));
      const after = await s!.app.exports.list({});
      for (const [k, [approve, refuse]] of answers.entries()) {
        assert.deepEqual(
          [approve!.status, refuse!.status].sort(),
          [200, 409],
          'one decision, the other told it was decided meanwhile',
        );
        assert.equal(after.find((j) => j.id === jobs[k]!.id)!.status, approve!.status === 200 ? 'written' : 'refused');
      }
    });

    test('one enrollment code used by 10 devices at once: exactly one is enrolled', async () => {
      await fetch(`${s!.url}/v1/stations`, json(admin, { id: 'race-hub', name: 'Race hub', kind: 'hub' }));
      const { code } = (await (
        await fetch(`${s!.url}/v1/stations/race-hub/enrollment-codes`, json(admin, { kind: 'scanner' }))
      ).json()) as { code: string };
      const got = await atOnce(10, () => {
        const publicKey = Buffer.from(
          generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!,
          'base64url',
        ).toString('base64');
        return fetch(`${s!.url}/v1/devices/enroll`, json(undefined, { code, publicKey, build: 'e'.repeat(64) }));
      });
      assert.equal(got[201] ?? got[200], 1, JSON.stringify(got));
      assert.equal((await s!.app.devices.list('race-hub')).length, 1);
    });

    test('10 starts at once for one identifier (3 an hour): exactly 3', async () => {
      assert.deepEqual(await atOnce(10, (i) => start('0912 555 002', `198.51.100.${i + 1}`)), { 202: 3, 429: 7 });
    });

    test('one address in NFC and in NFD is one identifier with one budget', async () => {
      // "José" composed (NFC) and decomposed (NFD): the same address, the same three.
      const nfc = 'jos\u00e9.race@example.vn';
      const nfd = 'jose\u0301.race@example.vn';
      assert.notEqual(nfc, nfd);
      assert.deepEqual(await atOnce(4, (i) => start(i % 2 ? nfd : nfc.toUpperCase(), `198.51.100.${20 + i}`)), {
        202: 3,
        429: 1,
      });
    });

    test('30 starts at once from one client (20 an hour): exactly 20; behind the trusted proxy another client has its own budget', async () => {
      assert.deepEqual(await atOnce(30, (i) => start(`0912 556 ${String(100 + i)}`, '203.0.113.7')), {
        202: 20,
        429: 10,
      });
      assert.equal((await start('0912 557 001', '203.0.113.8')).status, 202, 'another client behind the proxy');
      assert.equal((await start('0912 557 002', '203.0.113.7')).status, 429);
    });

    test('a one-time code used 10 times at once answers once', async () => {
      const a = (await (await start('0912 555 003', '192.0.2.1')).json()) as { challenge: string };
      const code = codeFor('+84912555003');
      assert.deepEqual(await atOnce(10, () => verify(a.challenge, code)), { 200: 1, 400: 9 });
    });

    test('20 wrong guesses at once use exactly the 5 attempts, and the right code is refused after them', async () => {
      const b = (await (await start('0912 555 004', '192.0.2.2')).json()) as { challenge: string };
      const right = codeFor('+84912555004');
      const wrong = right === '000000' ? '000001' : '000000';
      assert.deepEqual(await atOnce(20, () => verify(b.challenge, wrong)), { 400: 20 });
      const row = await s!.app.store.db
        .selectFrom('affected_checks')
        .select('attempts')
        .where('id', '=', b.challenge)
        .executeTakeFirstOrThrow();
      assert.equal(row.attempts, 5, 'every guess was counted, none past the limit');
      assert.equal(
        (await verify(b.challenge, right)).status,
        400,
        'the right code after the attempts are used is refused',
      );
    });

    test('relay numbers: 10 asks at once for one parcel bind one number; 6 parcels at once for the 3 numbers left get exactly 3', async () => {
      const app = s!.app;
      await app.devices.createStation({ id: 'race-q1', name: 'Race Q1', kind: 'delivery' });
      const key = generateKeyPairSync('ed25519');
      const { code } = await app.devices.issueEnrollmentCode({ station: 'race-q1', kind: 'courier_app' });
      const enrolled = (await (
        await fetch(
          `${s!.url}/v1/devices/enroll`,
          json(undefined, {
            code,
            publicKey: Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
            build: 'e'.repeat(64),
          }),
        )
      ).json()) as { id: string };
      const courier = { id: enrolled.id, key: key.privateKey };
      const parcels: string[] = [];
      for (let i = 0; i < 7; i++) {
        const p = await app.waybill.createParcel({ recipient: subject, origin: 'race-q1', destination: 'race-q1' });
        await app.contact.assign(p.tracking, courier.id);
        parcels.push(p.tracking);
      }
      const relay = (tracking: string) =>
        signedDeviceCall(s!.url, courier, 'POST', `/v1/device/parcels/${tracking}/relay`).then(
          (status) => ({ status }) as Response,
        );
      const bindings = (trackings: string[]) =>
        app.store.db
          .selectFrom('relay_bindings')
          .select(['tracking', 'number'])
          .where('tracking', 'in', trackings)
          .execute();

      assert.deepEqual(await atOnce(10, () => relay(parcels[0]!)), { 200: 10 });
      assert.equal((await bindings([parcels[0]!])).length, 1, 'one binding, one number, for the parcel');

      assert.deepEqual(await atOnce(6, (i) => relay(parcels[i + 1]!)), { 200: 3, 503: 3 });
      const bound = await bindings(parcels);
      assert.equal(bound.length, 4);
      assert.equal(new Set(bound.map((b) => b.number)).size, 4, 'no number bound twice');
    });

    test('a restricted device asking 10 times at once: exactly its 5 in 5 seconds pass', async () => {
      await s!.app.devices.createStation({ id: 'race-q2', name: 'Race Q2', kind: 'delivery' });
      const scanner = await enrollOverHttp(s!.url, admin, 'race-q2', 'e'.repeat(64));
      await s!.app.devices.setStatus(scanner.id, 'restricted');
      // At the start of a 5-second window, so the ten fall in one.
      while (clock.now().getTime() % 5000 > 300) await new Promise((r) => setTimeout(r, 20));
      const got = await atOnce(10, () =>
        signedDeviceCall(s!.url, scanner, 'GET', '/v1/device/me').then((status) => ({ status }) as Response),
      );
      assert.deepEqual(got, { 200: 5, 429: 5 });
    });

    test('a restart keeps the budgets: quotas and limits used before are still used after', async () => {
      await shut(s);
      s = undefined;
      s = await boot(db, LIMITS, outbox);
      const body = {
        subject,
        field: 'phone',
        purpose: 'fraud_check',
        breakGlass: { justification: 'after a restart the quota is still used' },
      };
      assert.equal((await fetch(`${s.url}/v1/reveal`, json(agent, body))).status, 429, 'the reveal quota');
      assert.equal(
        (
          await fetch(
            `${s.url}/v1/exports`,
            json(agent, { dataset: 'sales', recipient: 'finance', purpose: 'monthly_report' }),
          )
        ).status,
        429,
        'the export limit',
      );
      assert.equal((await start('0912 555 002', '198.51.100.99')).status, 429, 'the per-identifier limit');
      assert.equal((await start('0912 558 001', '203.0.113.7')).status, 429, 'the per-client limit');
    });

    test('two nodes on one database share the budgets: 10 starts at once for one identifier, split between them, pass 3 times', async () => {
      const other = await boot(db, LIMITS, outbox);
      try {
        const on = (i: number) => (i % 2 ? other.url : s!.url);
        const got = await atOnce(10, (i) =>
          fetch(
            `${on(i)}/v1/affected/start`,
            json(undefined, { identifier: '0912 561 001' }, { 'x-forwarded-for': `198.51.100.${120 + i}` }),
          ),
        );
        assert.deepEqual(got, { 202: 3, 429: 7 });
        assert.equal(
          (
            await fetch(
              `${other.url}/v1/affected/start`,
              json(undefined, { identifier: '0912 558 002' }, { 'x-forwarded-for': '203.0.113.7' }),
            )
          ).status,
          429,
          'the per-client limit used on the first node',
        );
      } finally {
        await shut(other);
      }
    });
  });
}

describe('X-Forwarded-For from a client that is not a trusted proxy', () => {
  const outbox = createEmbeddedOutbox();
  let db: TestDb;
  let s: Server | undefined;
  before(async () => {
    db = await DIALECTS[0].fresh();
    s = await boot(db, { CLOAK_PORT: '0' }, outbox);
  });
  after(async () => {
    await shut(s);
    await db?.drop();
  });

  test('is ignored: changing it does not buy a new budget', async () => {
    const start = (identifier: string, client: string) =>
      fetch(`${s!.url}/v1/affected/start`, json(undefined, { identifier }, { 'x-forwarded-for': client }));
    const got = await atOnce(25, (i) => start(`0912 559 ${String(100 + i)}`, `203.0.113.${i + 1}`));
    assert.deepEqual(got, { 202: 20, 429: 5 });
  });
});
