import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { TestServer } from './dialects.ts';
import { enrollOverHttp } from './devices.ts';
import { signedFetch } from './openapi.ts';
import type { Caller } from './authz-table.ts';

/** The records a matrix or fuzz run points its requests at: ids that exist, so handlers get past their lookups. */
export type Fixtures = {
  readonly subjectA: string;
  readonly subjectB: string;
  /** A subject only the erase route touches. */
  readonly subjectErase: string;
  readonly stationA: string;
  readonly stationB: string;
  readonly scanner: { id: string; key: KeyObject };
  readonly courierApp: { id: string; key: KeyObject };
  /** A device only the status routes touch. */
  readonly spareDevice: string;
  readonly tracking: string;
  readonly explanation: string;
  readonly review: string;
  readonly grant: string;
  readonly exportId: string;
  readonly incident: string;
  readonly throwawayKey: string;
  readonly throwawayStaff: string;
  readonly tokens: Readonly<Record<string, string>>;
};

export const ROLES = [
  'support',
  'moderator',
  'courier',
  'seller',
  'analyst',
  'investigator',
  'privacy',
  'admin',
  'supervisor',
  'engineer',
] as const;
export const SCOPES = ['platform', 'erase', 'audit', 'telephony'] as const;

/**
 * Seeds a running server with one member per staff role, one key per scope, two devices (a
 * scanner and a courier app, enrolled over HTTP with their own keys), two stations, customers,
 * a parcel assigned to the courier app, a ticket, a review, a pending grant, a pending export,
 * an incident, and the wrong kinds of credential (a disabled member, a revoked key).
 */
export async function seed(s: TestServer, opts: { subjectFields?: Record<string, string> } = {}): Promise<Fixtures> {
  const { app } = s;
  const tokens: Record<string, string> = { 'key:admin': s.admin };
  for (const scope of SCOPES)
    tokens[`key:${scope}`] = (await app.apiKeys.create({ name: `m-${scope}`, scopes: [scope] })).secret;
  for (const role of ROLES)
    tokens[`staff:${role}`] = (await app.staff.create({ id: role, role, team: 'matrix' }, 'system')).token;
  const disabled = await app.staff.create({ id: 'gone-admin', role: 'admin', team: 'matrix' }, 'system');
  await app.staff.disable('gone-admin', 'system');
  tokens['bad:disabled-staff'] = disabled.token;
  const revoked = await app.apiKeys.create({ name: 'm-revoked', scopes: ['admin'] });
  await app.apiKeys.revoke(revoked.id);
  tokens['bad:revoked-key'] = revoked.secret;
  tokens['bad:malformed'] = 'not-a-token';

  const stationA = 'st-m1';
  const stationB = 'st-m2';
  await app.devices.createStation({ id: stationA, name: 'Matrix hub', kind: 'hub' });
  await app.devices.createStation({ id: stationB, name: 'Matrix delivery', kind: 'delivery' });
  const build = 'e'.repeat(64);
  await app.devices.allowBuild(build, 'matrix');
  const scanner = await enrollOverHttp(s.url, s.admin, stationA, build);
  const courierApp = await enrollCourier(s, stationB, build);
  const spare = await enrollOverHttp(s.url, s.admin, stationA, build);

  const mk = async (externalId: string, fields: Record<string, string>) => {
    const r = await fetch(`${s.url}/v1/subjects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId, fields }),
    });
    if (r.status !== 201) throw new Error(`seeding a subject: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  };
  const subjectA = await mk(
    'm-a',
    opts.subjectFields ?? {
      name: 'Matrix Customer',
      phone: '0912 000 001',
      email: 'matrix.a@example.vn',
      address: '1 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
    },
  );
  const subjectB = await mk('m-b', { name: 'Other Customer', phone: '0912 000 002' });
  const subjectErase = await mk('m-e', { name: 'Erased Customer' });
  tokens.customer = (await app.reports.issueToken(subjectA)).token;
  tokens['customer:other'] = (await app.reports.issueToken(subjectB)).token;

  const parcel = await app.waybill.createParcel({ recipient: subjectA, origin: stationA, destination: stationB });
  await app.contact.assign(parcel.tracking, courierApp.id);
  const explanation = (
    await app.explanations.open({ kind: 'ticket', id: 'tkt-m1', staff: 'support', subject: subjectA }, 'system')
  ).id;
  const review = (await app.reviews.create({ id: 'rev-m1', reviewer: subjectB, seller: 'seller', rating: 4 })).id;
  const who = async (role: string) => app.staff.authenticate(tokens[`staff:${role}`]!);
  const grant = (
    await app.reveals.requestGrant(await who('support'), {
      subject: subjectA,
      fields: ['phone'],
      purpose: 'fraud_check',
      minutes: 5,
      reason: 'matrix: a pending grant',
    })
  ).id;
  const exportId = (
    await app.exports.request(await who('analyst'), {
      dataset: 'sales',
      recipient: 'matrix',
      purpose: 'monthly_report',
    })
  ).id;
  const opener = await app.staff.create({ id: 'privacy-opener', role: 'privacy', team: 'matrix' }, 'system');
  const incident = (
    await app.incidents.open(
      { title: 'matrix incident', where: 'matrix', subjects: [subjectA], categories: ['phone'], measures: 'none' },
      `staff:${opener.id}`,
    )
  ).id;
  const throwawayKey = (await app.apiKeys.create({ name: 'm-throwaway', scopes: ['platform'] })).id;
  const throwawayStaff = (await app.staff.create({ id: 'throwaway', role: 'support', team: 'matrix' }, 'system')).id;
  return {
    subjectA,
    subjectB,
    subjectErase,
    stationA,
    stationB,
    scanner,
    courierApp,
    spareDevice: spare.id,
    tracking: parcel.tracking,
    explanation,
    review,
    grant,
    exportId,
    incident,
    throwawayKey,
    throwawayStaff,
    tokens,
  };
}

async function enrollCourier(s: TestServer, station: string, build: string): Promise<{ id: string; key: KeyObject }> {
  const key = generateKeyPairSync('ed25519');
  const { code } = await s.app.devices.issueEnrollmentCode({ station, kind: 'courier_app' });
  const publicKey = Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const d = await s.app.devices.enroll({ code, publicKey, build });
  return { id: d.id, key: key.privateKey };
}

export type Sent = { status: number; headers: Headers; text: string };

/** Sends one request as `caller`: its bearer token, its device signature, or nothing; one that gets no answer in `timeoutMs` throws. */
export async function sendAs(
  url: string,
  f: Fixtures,
  caller: Caller,
  method: string,
  path: string,
  body?: { type: string; data: string },
  timeoutMs = 15_000,
): Promise<Sent> {
  const signal = AbortSignal.timeout(timeoutMs);
  let r: Response;
  if (caller === 'device:scanner' || caller === 'device:courier_app') {
    const d = caller === 'device:scanner' ? f.scanner : f.courierApp;
    if (body && body.type !== 'application/json') {
      r = await fetch(`${url}${path}`, { method, headers: { 'content-type': body.type }, body: body.data, signal });
    } else r = await signedFetch(url, d, method, path, body?.data, signal);
  } else {
    const headers: Record<string, string> = {};
    const token = f.tokens[caller];
    if (caller !== 'none') headers.authorization = `Bearer ${token}`;
    if (body) headers['content-type'] = body.type;
    r = await fetch(`${url}${path}`, { method, headers, body: body?.data, signal });
  }
  return { status: r.status, headers: r.headers, text: await r.text() };
}

export { serverOnDb } from './dialects.ts';
