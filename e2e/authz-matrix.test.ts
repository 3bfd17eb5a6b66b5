import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { serverOn } from '../test/dialects.ts';
import { CALLERS, judge, readMatrix, type MatrixRow } from '../test/authz-table.ts';
import { seed, sendAs, type Fixtures } from '../test/callers.ts';
import { fillPath, operations, validSample, type Operation } from '../test/openapi.ts';

/**
 * The authorization matrix: every route the OpenAPI document lists × every kind of caller,
 * against the expectations written in test/authz-matrix.md. A 2xx where the table says
 * denied, a refusal where it says allowed, a route without a row or a row without a route:
 * each fails, naming the route, the caller and the table's line.
 */

type Req = {
  params?: (f: Fixtures) => Record<string, string>;
  query?: (f: Fixtures) => Record<string, string>;
  /** A JSON body (or a function making a fresh one per request). */
  body?: (f: Fixtures, s: { app: import('../src/app.ts').App }) => unknown;
  /** A body that is not JSON. */
  raw?: { type: string; data: string };
};

const json =
  <T>(v: T) =>
  () =>
    v;

/**
 * What each route is sent: ids that exist (so handlers get past their lookups), valid bodies
 * (so a refusal is the authorization's, not the validation's). A route not named here gets
 * its required parameters and body sampled from its schema.
 */
const REQUESTS: Record<string, Req> = {
  'POST /v1/subjects': { body: json({ fields: { name: 'Matrix Person' } }) },
  'POST /v1/subjects/batch': { body: json({ subjects: [{ fields: { name: 'Matrix Batch' } }] }) },
  'POST /v1/subjects/lookup': { body: json({ field: 'name', value: 'Matrix Customer' }) },
  'DELETE /v1/subjects/{token}': { params: (f) => ({ token: f.subjectErase }) },
  'POST /v1/api-keys': { body: json({ name: 'matrix-made', scopes: ['platform'] }) },
  'DELETE /v1/api-keys/{id}': { params: (f) => ({ id: f.throwawayKey }) },
  'POST /v1/api-keys/{id}/rotate': { params: (f) => ({ id: f.throwawayKey }) },
  'POST /v1/stations': { body: json({ id: 'st-made', name: 'Made', kind: 'hub' }) },
  'POST /v1/stations/{id}/enrollment-codes': { params: (f) => ({ id: f.stationA }), body: json({ kind: 'scanner' }) },
  'POST /v1/devices/enroll': {
    body: async (f, s) => ({
      code: (await s.app.devices.issueEnrollmentCode({ station: f.stationA, kind: 'scanner' })).code,
      publicKey: Buffer.from(
        generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!,
        'base64url',
      ).toString('base64'),
      build: 'e'.repeat(64),
    }),
  },
  'GET /v1/devices/{id}/activity': { params: (f) => ({ id: f.spareDevice }) },
  'POST /v1/devices/{id}/status': { params: (f) => ({ id: f.spareDevice }), body: json({ status: 'active' }) },
  'POST /v1/device-builds': { body: json({ build: 'a'.repeat(64), note: 'matrix' }) },
  'POST /v1/device/build': { body: json({ build: 'e'.repeat(64) }) },
  'POST /v1/device/scans': { body: (f) => ({ scans: [{ parcel: f.tracking, step: 'arrived' }] }) },
  'POST /v1/staff': { body: json({ id: 'matrix-made', role: 'support' }) },
  'POST /v1/staff/{id}/disable': { params: (f) => ({ id: f.throwawayStaff }) },
  'POST /v1/staff/{id}/token': { params: (f) => ({ id: f.throwawayStaff }) },
  'POST /v1/staff/{id}/token/revoke': { params: (f) => ({ id: f.throwawayStaff }) },
  'POST /v1/explanations': { body: (f) => ({ kind: 'ticket', id: 'tkt-made', staff: 'support', subject: f.subjectA }) },
  'POST /v1/explanations/{id}/close': { params: (f) => ({ id: f.explanation }) },
  'GET /v1/explanations/{id}': { params: (f) => ({ id: f.explanation }) },
  'POST /v1/reviews': { body: (f) => ({ id: 'rev-made', reviewer: f.subjectB, seller: 'seller', rating: 5 }) },
  'GET /v1/reviews/{id}': { params: (f) => ({ id: f.review }) },
  'POST /v1/reviews/{id}/moderation': {
    params: (f) => ({ id: f.review }),
    body: json({ action: 'hide', reason: 'spam' }),
  },
  'POST /v1/reveal': { body: (f) => ({ subject: f.subjectA, field: 'phone', purpose: 'ticket_followup' }) },
  'POST /v1/grants': {
    body: (f) => ({
      subject: f.subjectA,
      fields: ['phone'],
      purpose: 'fraud_check',
      minutes: 5,
      reason: 'matrix: asking for a grant',
    }),
  },
  'POST /v1/grants/{id}/approve': { params: (f) => ({ id: f.grant }) },
  'POST /v1/grants/{id}/refuse': { params: (f) => ({ id: f.grant }) },
  'POST /v1/break-glass/{index}/sign-off': {
    params: json({ index: '0' }),
    body: json({ note: 'reviewed by the matrix' }),
  },
  'POST /v1/exports': { body: json({ dataset: 'sales', recipient: 'matrix', purpose: 'monthly_report' }) },
  'POST /v1/exports/{id}/approve': { params: (f) => ({ id: f.exportId }) },
  'POST /v1/exports/{id}/refuse': { params: (f) => ({ id: f.exportId }) },
  'GET /v1/exports/{id}': { params: (f) => ({ id: f.exportId }) },
  'GET /v1/exports/{id}/file': { params: (f) => ({ id: f.exportId }) },
  'GET /v1/audit/entries/{index}': { params: json({ index: '0' }) },
  'GET /v1/audit/proofs/inclusion': { query: json({ index: '0' }) },
  'GET /v1/audit/proofs/consistency': { query: json({ from: '1', to: '2' }) },
  'GET /v1/subjects/{token}/access-report': {},
  'POST /v1/cases/{id}/assign': { body: json({ assignee: 'analyst' }) },
  'POST /v1/cases/{id}/comments': { body: json({ text: 'matrix' }) },
  'POST /v1/cases/{id}/resolve': { body: json({ resolution: 'benign' }) },
  'POST /v1/cases/bulk': { body: json({ ids: ['case-none'], action: 'assign', assignee: 'analyst' }) },
  'POST /v1/cases/{id}/escalate': { body: json({ title: 'matrix', where: 'matrix', measures: 'none' }) },
  'GET /v1/entities/{kind}/{id}': { params: json({ kind: 'staff', id: 'support' }) },
  'POST /v1/entities/device/{id}/status': {
    params: (f) => ({ id: f.spareDevice }),
    body: json({ status: 'restricted' }),
  },
  'POST /v1/entities/staff/{id}/suspend-grants': { params: json({ id: 'courier' }) },
  'POST /v1/incidents': {
    body: (f) => ({
      title: 'matrix',
      where: 'matrix',
      subjects: [f.subjectA],
      categories: ['phone'],
      measures: 'none',
    }),
  },
  'GET /v1/incidents/{id}': { params: (f) => ({ id: f.incident }) },
  'POST /v1/incidents/{id}/deadlines/{index}/met': { params: (f) => ({ id: f.incident, index: '0' }) },
  'GET /v1/incidents/{id}/report': { params: (f) => ({ id: f.incident }), query: json({ lang: 'en' }) },
  'GET /v1/incidents/{id}/notice': { params: (f) => ({ id: f.incident }), query: json({ lang: 'en' }) },
  'GET /v1/incidents/{id}/documents': { params: (f) => ({ id: f.incident }) },
  'POST /v1/incidents/{id}/documents/{doc}/{lang}/approve': {
    params: (f) => ({ id: f.incident, doc: 'report', lang: 'en' }),
  },
  'POST /v1/incidents/{id}/notices/send': { params: (f) => ({ id: f.incident }), body: json({ lang: 'en' }) },
  'POST /v1/affected/start': { body: json({ identifier: '0912 000 777' }) },
  'POST /v1/affected/verify': { body: json({ challenge: 'none', code: '000000' }) },
  'POST /v1/parcels': { body: (f) => ({ recipient: f.subjectA, origin: f.stationA, destination: f.stationB }) },
  'POST /v1/parcels/{tracking}/assignment': { body: (f) => ({ courier: f.courierApp.id }) },
  'GET /v1/parcels/{tracking}/label': { query: json({ format: 'zpl' }) },
  'POST /v1/canaries': { body: json({ channel: 'team', team: 'matrix', count: 1 }) },
  'POST /v1/telephony/inbound': { body: json({ to: '+84391234567' }) },
  'POST /v1/traces': {
    query: json({ name: 'matrix.csv' }),
    raw: { type: 'text/csv', data: 'name,phone\nSomeone,0912000999\n' },
  },
  'POST /v1/traces/{id}/incident': { body: json({ title: 'matrix', where: 'matrix', measures: 'none' }) },
  'POST /v1/policies/dry-run': {
    body: (f) => ({ staff: 'support', subject: f.subjectA, field: 'phone', purpose: 'ticket_followup' }),
  },
};

/** The path parameters every route gets unless REQUESTS says otherwise. */
const defaults = (f: Fixtures): Record<string, string> => ({
  token: f.subjectA,
  tracking: f.tracking,
  id: 'none-such',
  index: '0',
  kind: 'staff',
  doc: 'report',
  lang: 'en',
});

async function requestOf(
  op: Operation,
  row: MatrixRow,
  f: Fixtures,
  s: { app: import('../src/app.ts').App },
): Promise<{ path: string; body?: { type: string; data: string } }> {
  const r = REQUESTS[op.key] ?? {};
  let path = row.request ?? fillPath(op.path, { ...defaults(f), ...r.params?.(f) });
  const query: Record<string, string> = { ...r.query?.(f) };
  for (const p of op.params)
    if (p.in === 'query' && p.required && query[p.name] === undefined) query[p.name] = String(validSample(p.schema));
  if (Object.keys(query).length) path += `?${new URLSearchParams(query)}`;
  if (r.raw) return { path, body: r.raw };
  const body = r.body ? await r.body(f, s) : op.body ? validSample(op.body) : undefined;
  return { path, body: body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(body) } };
}

describe('authorization matrix (routes of the OpenAPI document × callers)', () => {
  const s = serverOn();
  let ops: Operation[] = [];
  let f: Fixtures;
  const rows = readMatrix();
  before(async () => {
    ops = await operations(s.url);
    f = await seed(s);
  });

  test('every route in the document has a row in test/authz-matrix.md, and every row a route', () => {
    const documented = new Set(ops.map((o) => o.key));
    const tabled = new Set(rows.map((r) => r.route));
    assert.ok(ops.length > 50, `the document lists ${ops.length} routes`);
    assert.deepEqual(
      [...documented].filter((k) => !tabled.has(k)),
      [],
      'routes in the OpenAPI document without a row in test/authz-matrix.md: add one',
    );
    assert.deepEqual(
      [...tabled].filter((k) => !documented.has(k)),
      [],
      'rows in test/authz-matrix.md for routes the server no longer has: remove them',
    );
    const dup = rows.map((r) => `${r.route} ${r.request ?? ''}`).filter((k, i, a) => a.indexOf(k) !== i);
    assert.deepEqual(dup, [], 'rows given twice');
  });

  test("each route's security in the document names the credentials the table lets in", () => {
    const scheme = (c: string): string | undefined =>
      c.startsWith('key:')
        ? 'bearer'
        : c.startsWith('staff:')
          ? 'staffToken'
          : c.startsWith('device:')
            ? 'httpSignature'
            : c === 'customer'
              ? 'customerToken'
              : undefined;
    const wrong: string[] = [];
    for (const op of ops) {
      const mine = rows.filter((r) => r.route === op.key);
      if (mine.length === 0) continue;
      const open = mine.some((r) => r.expect.get('none') !== 'deny');
      const declared = new Set((op.security ?? []).flatMap((x) => Object.keys(x)));
      const needed = new Set(
        mine
          .flatMap((r) =>
            CALLERS.filter((c) => r.expect.get(c) === 'allow' || r.expect.get(c) === 'policy').map(scheme),
          )
          .filter((x): x is string => x !== undefined),
      );
      if (open) continue; // public routes (the tile route's entry bundles too) declare nothing
      for (const n of needed)
        if (!declared.has(n))
          wrong.push(
            `${op.key}: the table lets ${n} in, the document declares ${[...declared].join(', ') || 'nothing'}`,
          );
      for (const d of declared)
        if (!needed.has(d)) wrong.push(`${op.key}: the document declares ${d}, the table lets no such caller in`);
    }
    assert.deepEqual(wrong, []);
  });

  test('every caller gets what the table says on every route', async () => {
    const byKey = new Map(ops.map((o) => [o.key, o]));
    const failures: string[] = [];
    let cells = 0;
    const t0 = Date.now();
    for (const row of rows) {
      const op = byKey.get(row.route);
      if (!op) continue;
      for (const caller of CALLERS) {
        const req = await requestOf(op, row, f, s);
        const r = await sendAs(s.url, f, caller, op.method, req.path, req.body);
        cells++;
        const e = row.expect.get(caller)!;
        const wrong = judge(e, r.status);
        if (process.env.MATRIX_DUMP)
          console.log(`DUMP ${e} ${r.status} ${row.route}${row.request ? ` (${row.request})` : ''} ${caller}`);
        if (wrong)
          failures.push(
            `${row.route}${row.request ? ` (${row.request})` : ''} as ${caller}: ${r.status}, the table (line ${row.line}) says ${wrong}; ${r.text.slice(0, 160)}`,
          );
      }
    }
    const ms = Date.now() - t0;
    console.log(
      `authz matrix: ${rows.length} rows (${ops.length} routes) × ${CALLERS.length} callers = ${cells} requests in ${(ms / 1000).toFixed(1)} s`,
    );
    assert.deepEqual(failures, [], `${failures.length} of ${cells} cells differ from test/authz-matrix.md`);
  });
});
