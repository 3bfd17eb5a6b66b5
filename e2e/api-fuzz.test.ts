import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { freshPostgres, freshSqlite } from '../test/dialects.ts';
import { CALLERS, readMatrix, type Caller } from '../test/authz-table.ts';
import { seed, sendAs, serverOnDb, type Fixtures, type Sent } from '../test/callers.ts';
import { fillPath, mutatedArb, NASTY_STRINGS, operations, validArb, deep, type Operation } from '../test/openapi.ts';
import { createEmbeddedOutbox } from '../src/incidents/outbox.ts';

/**
 * Fuzzing driven by the OpenAPI document: every route gets requests built from its own
 * schemas (path, query and body), valid and mutated (wrong types, missing or extra fields,
 * huge, unicode, NUL, deeply nested, out-of-range numbers, bad ids, bodies that are not
 * JSON), sent with a credential the route accepts so its handler runs. Every answer must be
 * below 500 and, when 4xx, the closed error shape; the canary customers planted first (their
 * names, phones in several spellings, e-mails, addresses) must never come back in a body or
 * a header, nor reach any log line, even when the fuzzer sends their values itself.
 */

// Values that exist nowhere else: if one shows up in an answer or a log line, it came from the vault or from a request echoed.
const CANARIES = [
  {
    name: 'Zebulon Quixotrelle',
    phone: '0398 761 245',
    email: 'zebulon.quixotrelle@example.vn',
    address: '77 Đường Quixbarrow, Phường Tân Định, Quận 1, TP. Hồ Chí Minh',
  },
  {
    name: 'Nguyễn Thị Vạnquynhh',
    phone: '+84 397 612 458',
    email: 'vanquynhh.canary@example.vn',
    address: { street: '12 Ngõ Wrenfallow', ward: 'Phường Hàng Bạc', district: 'Quận Hoàn Kiếm', province: 'Hà Nội' },
  },
  {
    name: 'Yusufa Plimbertonne',
    phone: '(039) 761-2459',
    email: 'Plimbertonne.Y@Example.VN',
    address: '5 Hẻm Grondleworth, Quận 3, TP. Hồ Chí Minh',
  },
  {
    name: 'Đặng Văn Xòecrumb',
    phone: '0397.612.460',
    email: 'xoecrumb+leak@example.vn',
    address: '9 Phố Thistlemoor, Quận Ba Đình, Hà Nội',
  },
];
/** What must never appear: each value, and its distinctive parts, in the spellings a leak would use. */
const NEEDLES = [
  'Quixotrelle',
  'Zebulon',
  '398761245',
  '398 761 245',
  '0398 761 245',
  'zebulon.quixotrelle',
  'Quixbarrow',
  'Vạnquynhh',
  'Vanquynhh',
  'vanquynhh.canary',
  '397612458',
  '397 612 458',
  'Wrenfallow',
  'Plimbertonne',
  'Yusufa',
  '397612459',
  '761-2459',
  'Grondleworth',
  'Xòecrumb',
  'Xoecrumb',
  'xoecrumb+leak',
  '397612460',
  '0397.612.460',
  'Thistlemoor',
];
const NEEDLES_LOWER = NEEDLES.map((n) => n.toLowerCase());
// The canaries' values as a fuzzer would send them back: in PII fields, as field names, as identifiers.
const CANARY_STRINGS = CANARIES.flatMap((c) => [
  c.name,
  c.phone,
  c.email,
  typeof c.address === 'string' ? c.address : c.address.street,
]).concat(['+84398761245', '84397612459', '0397612460', 'ZEBULON.QUIXOTRELLE@EXAMPLE.VN']);

// Runs a route: bounded so both databases fit in about two minutes; CLOAK_FUZZ_RUNS=200 (and CLOAK_FUZZ_SEED, CLOAK_FUZZ_DB=sqlite|postgres) to dig deeper.
const RUNS_BY_DB = { sqlite: 30, postgres: 12 } as const;

/** The credential each route is fuzzed with: the first of these the matrix allows. */
const PREFERRED: readonly Caller[] = [
  'key:admin',
  'staff:admin',
  'staff:supervisor',
  'staff:analyst',
  'staff:privacy',
  'staff:investigator',
  'device:scanner',
  'device:courier_app',
  'customer',
  'none',
];

/** Routes whose values are personal data: the fuzzer also sends the canaries' own values there. */
function canaryBody(key: string): fc.Arbitrary<unknown> | undefined {
  const v = fc.constantFrom(...CANARY_STRINGS);
  switch (key) {
    case 'POST /v1/subjects':
      return fc.record({
        fields: fc.oneof(
          fc.record({ name: v, phone: v, email: v, address: v }, { requiredKeys: [] }),
          fc.tuple(v, v).map(([k, x]) => ({ [k]: x })),
          fc.tuple(v, v).map(([a, b]) => ({ phone: a, notes: b })),
        ),
      });
    case 'POST /v1/subjects/batch':
      return fc
        .array(fc.record({ fields: fc.record({ phone: v, email: v, name: v }, { requiredKeys: [] }) }), {
          minLength: 1,
          maxLength: 3,
        })
        .map((subjects) => ({ subjects }));
    case 'POST /v1/subjects/lookup':
      return fc.record(
        { field: fc.constantFrom('name', 'phone', 'email'), value: v, exact: fc.boolean() },
        { requiredKeys: ['field', 'value'] },
      );
    case 'POST /v1/affected/start':
      return fc.record({ identifier: v });
    case 'POST /v1/telephony/inbound':
      return fc.record({ to: v, from: v }, { requiredKeys: ['to'] });
    case 'POST /v1/policies/dry-run':
      return fc.record({ staff: v, subject: v, field: fc.constant('phone'), purpose: v });
    default:
      return undefined;
  }
}

/** Bodies that are not the JSON the route wants, with the content-type they claim. */
const rawBodyArb: fc.Arbitrary<{ type: string; data: string }> = fc.oneof(
  fc
    .constantFrom(
      '',
      '{',
      '{"a":',
      'null',
      '[]',
      '"x"',
      '1e999',
      '\u0000',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{}}}',
      '{"a":1,"a":2}',
      '['.repeat(100_000) + ']'.repeat(100_000),
      '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
      `"${'x'.repeat(2_000_000)}"`,
    )
    .map((data) => ({ type: 'application/json', data })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/xml',
        'text/csv',
      ),
      fc.string({ unit: 'binary', maxLength: 200 }),
    )
    .map(([type, data]) => ({ type, data })),
  fc
    .constantFrom(...CANARY_STRINGS)
    .map((c) => ({ type: 'text/csv', data: `name,phone,email\n${c},${CANARIES[0]!.phone},${CANARIES[0]!.email}\n` })),
);

type FuzzReq = {
  params: Record<string, string>;
  query: [string, string][];
  body: { type: string; data: string } | undefined;
};

for (const [dialect, fresh] of [
  ['sqlite', freshSqlite],
  ['postgres', freshPostgres],
] as const)
  describe(
    `API fuzzing from the OpenAPI document (${dialect})`,
    { skip: process.env.CLOAK_FUZZ_DB !== undefined && process.env.CLOAK_FUZZ_DB !== dialect },
    () => {
      const RUNS = Number(process.env.CLOAK_FUZZ_RUNS ?? RUNS_BY_DB[dialect]);
      const logs: string[] = [];
      const outbox = createEmbeddedOutbox();
      const s = serverOnDb(
        fresh,
        { CLOAK_LOG_LEVEL: 'trace' },
        { messages: outbox, logDestination: { write: (l: string) => void logs.push(l) } },
      );
      let ops: Operation[] = [];
      let f: Fixtures;
      let canaryTokens: string[] = [];
      const matrix = readMatrix();
      before(async () => {
        ops = await operations(s.url);
        f = await seed(s);
        // The canaries go into the vault through the API, as a platform would put them there.
        for (const [i, c] of CANARIES.entries()) {
          const r = await fetch(`${s.url}/v1/subjects`, {
            method: 'POST',
            headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' },
            body: JSON.stringify({ externalId: `canary-${i}`, fields: c }),
          });
          const text = await r.text();
          assert.equal(r.status, 201, text);
          canaryTokens.push((JSON.parse(text) as { token: string }).token);
        }
        // And through the staff's work: a ticket on one, a parcel to another.
        await fetch(`${s.url}/v1/explanations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'ticket', id: 'tkt-canary', staff: 'support', subject: canaryTokens[0] }),
        });
        const p = await s.app.waybill.createParcel({
          recipient: canaryTokens[1]!,
          origin: f.stationA,
          destination: f.stationB,
        });
        parcelOfCanary = p.tracking;
      });
      let parcelOfCanary = '';

      const callerFor = (op: Operation): Caller | undefined => {
        const row = matrix.find((r) => r.route === op.key);
        if (!row) return undefined;
        return (
          PREFERRED.find((c) => row.expect.get(c) === 'allow') ??
          CALLERS.find((c) => row.expect.get(c) === 'allow' || row.expect.get(c) === 'policy')
        );
      };

      /** Ids that exist, per path parameter (never the ones whose change would stop the fuzzing: callers' own staff, keys and devices). */
      const pool = (op: Operation, name: string): string[] => {
        const reading = op.method === 'GET';
        switch (name) {
          case 'token':
            return [f.subjectB, f.subjectErase, ...(reading ? canaryTokens : [])];
          case 'tracking':
            return [f.tracking, parcelOfCanary];
          case 'index':
            return ['0', '1', '2'];
          case 'id':
            if (op.key === 'POST /v1/staff/{id}/disable') return [f.throwawayStaff];
            if (op.key === 'DELETE /v1/api-keys/{id}') return [f.throwawayKey];
            return [
              f.spareDevice,
              f.stationA,
              f.explanation,
              f.review,
              f.grant,
              f.exportId,
              f.incident,
              'support',
              'courier',
            ];
          default:
            return [];
        }
      };

      const reqArb = (op: Operation): fc.Arbitrary<FuzzReq> => {
        const paramArbs: Record<string, fc.Arbitrary<string>> = {};
        for (const p of op.params.filter((x) => x.in === 'path')) {
          const known = pool(op, p.name);
          paramArbs[p.name] = fc.oneof(
            {
              weight: 3,
              arbitrary: known.length
                ? fc.constantFrom(...known)
                : (validArb(p.schema).map(String) as fc.Arbitrary<string>),
            },
            { weight: 2, arbitrary: validArb(p.schema).map(String) },
            { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS.filter((x) => x.length < 3000)) },
          );
        }
        const queryParams = op.params.filter((x) => x.in === 'query');
        const validQuery = fc.record(
          Object.fromEntries(queryParams.map((p) => [p.name, validArb(p.schema).map(String)])),
          { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) },
        );
        const queryArb: fc.Arbitrary<[string, string][]> = fc.oneof(
          { weight: 3, arbitrary: validQuery.map((q) => Object.entries(q) as [string, string][]) },
          {
            weight: 2,
            arbitrary: fc
              .tuple(
                validQuery,
                fc.option(fc.constantFrom(...queryParams.map((p) => p.name), 'extra', '__proto__'), { nil: undefined }),
                fc.constantFrom(...NASTY_STRINGS.filter((x) => x.length < 3000)),
                fc.boolean(),
              )
              .map(([q, k, v, twice]) => {
                const e = Object.entries(q) as [string, string][];
                if (k !== undefined) e.push([k, v]);
                if (twice && e.length) e.push(e[0]!);
                return e;
              }),
          },
        );
        const json = (a: fc.Arbitrary<unknown>) =>
          a.map((v) => (v === undefined ? undefined : { type: 'application/json', data: JSON.stringify(v) }));
        const pii = canaryBody(op.key);
        const bodyArb: fc.Arbitrary<FuzzReq['body']> =
          op.method === 'GET'
            ? fc.constant(undefined)
            : op.body
              ? fc.oneof(
                  { weight: 3, arbitrary: json(validArb(op.body)) },
                  { weight: 4, arbitrary: json(mutatedArb(op.body)) },
                  { weight: 1, arbitrary: rawBodyArb },
                  ...(pii ? [{ weight: 3, arbitrary: json(pii) }] : []),
                )
              : fc.oneof(
                  { weight: 2, arbitrary: fc.constant(undefined) },
                  { weight: 1, arbitrary: rawBodyArb },
                  { weight: 1, arbitrary: json(mutatedArb({ type: 'object' })) },
                );
        return fc.record({ params: fc.record(paramArbs), query: queryArb, body: bodyArb });
      };

      const problems: string[] = [];
      const leaks = (where: string, text: string) => {
        const lower = text.toLowerCase();
        const hit = NEEDLES_LOWER.findIndex((n) => lower.includes(n));
        return hit < 0 ? undefined : `${where} holds the canary value "${NEEDLES[hit]}"`;
      };
      const check = (op: Operation, req: FuzzReq, path: string, r: Sent): string | undefined => {
        if (r.status >= 500) return `answered ${r.status}: ${r.text.slice(0, 200)}`;
        const inBody = leaks('the body', r.text) ?? leaks('a header', JSON.stringify([...r.headers.entries()]));
        if (inBody) return inBody;
        if (r.status >= 400) {
          let b: unknown;
          try {
            b = JSON.parse(r.text);
          } catch {
            return `a ${r.status} whose body is not JSON: ${r.text.slice(0, 100)}`;
          }
          const e = (b as { error?: Record<string, unknown> }).error;
          const shape =
            b !== null &&
            typeof b === 'object' &&
            Object.keys(b).join() === 'error' &&
            e !== undefined &&
            Object.keys(e).sort().join() === 'code,details,message,requestId' &&
            typeof e.code === 'string' &&
            /^[a-z_]+$/.test(e.code) &&
            typeof e.message === 'string' &&
            e.message.length > 0 &&
            typeof e.requestId === 'string' &&
            Array.isArray(e.details) &&
            (e.details as unknown[]).every(
              (d) => d !== null && typeof d === 'object' && typeof (d as { problem?: unknown }).problem === 'string',
            );
          if (!shape)
            return `a ${r.status} without the closed error shape {error:{code,message,details,requestId}}: ${r.text.slice(0, 200)}`;
        }
        void op;
        void req;
        void path;
        return undefined;
      };

      test('no route answers 5xx, every 4xx has the closed error shape, and no canary value is ever answered', async () => {
        let sent = 0;
        const t0 = Date.now();
        for (const op of ops) {
          const caller = callerFor(op);
          if (!caller) continue;
          const out = await fc.check(
            fc.asyncProperty(reqArb(op), async (req) => {
              let path = fillPath(op.path, req.params);
              if (op.path.includes('{*}')) path = `/log/tile/${req.params['*'] ?? ''}`;
              if (req.query.length) path += `?${new URLSearchParams(req.query)}`;
              const what = `${op.method} ${path.slice(0, 200)} as ${caller} with ${req.body ? `${req.body.type} ${req.body.data.slice(0, 200)}` : 'no body'}`;
              let r: Sent;
              try {
                r = await sendAs(s.url, f, caller, op.method, path, req.body);
              } catch (e) {
                throw new Error(`${what}: no answer (${String(e)})`);
              }
              sent++;
              if (process.env.CLOAK_FUZZ_STATS) console.log(`STAT ${op.key} ${r.status}`);
              const wrong = check(op, req, path, r);
              if (wrong) throw new Error(`${what}: ${wrong}`);
            }),
            { numRuns: RUNS, endOnFailure: true, seed: Number(process.env.CLOAK_FUZZ_SEED ?? 20261203) },
          );
          if (out.failed)
            problems.push(
              `${op.key}: ${out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)}`,
            );
        }
        console.log(
          `api fuzz: ${ops.length} routes, ${sent} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s (${RUNS} runs a route)`,
        );
        assert.deepEqual(problems, [], `${problems.length} routes misbehaved`);
      });

      // What the fuzzing found, pinned down so it stays fixed whatever the seed.
      test('a malformed or over-long URL gets the closed error shape, without the path quoted back', async () => {
        for (const [path, status] of [
          [`/v1/subjects/%%${CANARIES[0]!.phone.replace(/ /g, '')}`, 400],
          [`/v1/parcels/${'398761245'.repeat(20)}`, 414],
          ['/log/tile/%zz', 400],
        ] as const) {
          const r = await sendAs(s.url, f, 'key:admin', 'GET', path);
          assert.equal(r.status, status, path);
          assert.equal(
            check(ops[0]!, { params: {}, query: [], body: undefined }, path, r),
            undefined,
            `${path}: ${r.text}`,
          );
        }
      });

      test('a NUL character in a path, a query or a JSON body is a 400 naming where, on either database (PostgreSQL answered 500)', async () => {
        const cases: [Caller, string, string, unknown][] = [
          ['staff:admin', 'GET', '/v1/exports/%00', undefined],
          ['staff:admin', 'GET', '/v1/incidents/a%00b', undefined],
          ['key:admin', 'GET', '/v1/devices?station=%00', undefined],
          ['key:admin', 'POST', '/v1/subjects', { externalId: '\u0000', fields: { name: 'x' } }],
          ['key:admin', 'POST', '/v1/subjects', { fields: { name: 'x', 'no\u0000te': 'y' } }],
          ['device:scanner', 'POST', '/v1/device/scans', { scans: [{ parcel: 'a\u0000b', step: 'arrived' }] }],
          ['staff:admin', 'POST', '/v1/cases/bulk', { ids: ['a\u0000b'], action: 'close', classification: 'benign' }],
        ];
        for (const [caller, method, path, body] of cases) {
          const r = await sendAs(
            s.url,
            f,
            caller,
            method,
            path,
            body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(body) },
          );
          assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
          assert.equal(check(ops[0]!, { params: {}, query: [], body: undefined }, path, r), undefined, r.text);
          assert.match(r.text, /U\+0000/);
        }
      });

      test('a leaked file sent as JSON or text is traced like any other, and no body at all is refused (both used to hang the request)', async () => {
        for (const [type, data] of [
          ['application/json', '[{"phone":"0912000123"}]'],
          ['application/json', 'null'],
          ['application/json; charset=utf-16', '{}'],
          ['text/plain', 'phone\n0912000123\n'],
        ] as const) {
          const r = await sendAs(
            s.url,
            f,
            'staff:investigator',
            'POST',
            '/v1/traces?name=leak.json',
            { type, data },
            5000,
          );
          assert.equal(r.status, 202, `${type} ${data}: ${r.text}`);
          assert.equal((JSON.parse(r.text) as { bytes: number }).bytes, Buffer.byteLength(data));
        }
        const none = await sendAs(s.url, f, 'staff:investigator', 'POST', '/v1/traces', undefined, 5000);
        assert.equal(none.status, 400, `no body at all: ${none.text}`);
      });

      test('the server is still up, and no log line holds a canary value', async () => {
        const r = await fetch(`${s.url}/health`);
        assert.equal(r.status, 200);
        assert.ok(logs.length > 100, `the server's log was captured (${logs.length} lines)`);
        const bad = logs.map((l) => leaks('a log line', l)).filter((x) => x !== undefined);
        const lines = logs.filter((l) => leaks('', l) !== undefined).slice(0, 3);
        assert.deepEqual(bad.slice(0, 5), [], `log lines with canary values, e.g. ${lines.join('\n').slice(0, 1500)}`);
      });

      // Last, since it shows a canary on purpose: the needles do match the canaries as the vault holds them.
      test('the detector sees a canary value when one really is shown (a break-glass reveal)', async () => {
        const body = {
          subject: canaryTokens[0],
          field: 'phone',
          purpose: 'fraud_check',
          breakGlass: { justification: 'the fuzz suite proves its detector sees a shown value' },
        };
        const r = await sendAs(s.url, f, 'staff:admin', 'POST', '/v1/reveal', {
          type: 'application/json',
          data: JSON.stringify(body),
        });
        assert.equal(r.status, 200, r.text);
        assert.match(leaks('the body', r.text) ?? '', /canary value "398761245"/);
      });
    },
  );
