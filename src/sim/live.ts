import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CloakEvent } from '../bus/events.ts';
import { signDeviceRequest } from '../devices/httpsig.ts';
import { createPeople } from '../lib/people.ts';

/*
 * `cloak simulate --live`: a simulated world driven through a running Cloak's real API, at a
 * chosen rate, instead of written to a file. Each event becomes what the platform, a device
 * or a staff member would really send: stations and devices are enrolled with their own
 * keys, customers created in the vault, parcels created, scans and reads signed by the
 * devices, tickets and reviews recorded by the platform, reveals and moderation made with
 * staff tokens, exports asked for and approved by a second person. Cloak stamps its own
 * times, so the world's clock is compressed to the pace of the run. Attacks are sent like
 * everything else; what Cloak refuses is counted, not retried.
 */

export type LiveOptions = {
  readonly url: string;
  /** An admin API key of that Cloak. */
  readonly adminKey: string;
  /** Events a second (0: as fast as the server answers). */
  readonly rate: number;
  readonly seed: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the run before the next event (the one in flight is finished). */
  readonly signal?: AbortSignal;
  /**
   * A fresh sign-in token for a simulated staff member Cloak already has (a second run on the
   * same Cloak: creating them again is refused), e.g. from `staff.newToken`.
   */
  readonly existingStaff?: (id: string) => Promise<string | undefined>;
  /** Devices an earlier run on the same Cloak enrolled (world id → their Cloak id and key): used, not enrolled again. */
  readonly knownDevices?: ReadonlyMap<string, LiveDevice>;
  /** Told of each device this run enrolls, so a later run can use it (`knownDevices`). */
  readonly onEnrolled?: (worldId: string, device: LiveDevice) => void;
};
/** A simulated device as Cloak enrolled it: its id there and the key that signs its requests. */
export type LiveDevice = {
  readonly id: string;
  readonly key: KeyObject;
  readonly kind: string;
  readonly station: string;
};
export type LiveResult = {
  sent: number;
  skipped: number;
  byStatus: Record<string, number>;
  /** The world's device ids and the ids Cloak gave them at enrollment. */
  devices: Record<string, string>;
};

type Device = { id: string; key: KeyObject; kind: string; station: string };

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/** Drives `events` (sorted by time) through Cloak's API. */
export async function driveLive(events: readonly CloakEvent[], opts: LiveOptions): Promise<LiveResult> {
  const base = opts.url.replace(/\/$/, '');
  const host = new URL(base).host;
  const people = createPeople(opts.seed);
  const result: LiveResult = { sent: 0, skipped: 0, byStatus: {}, devices: {} };
  const stations = new Set<string>();
  const devices = new Map<string, Device>(opts.knownDevices ?? []);
  const staffTokens = new Map<string, string>();
  const staffRoles = new Map<string, string>();
  const subjects = new Map<string, string>();
  const parcels = new Map<string, string>();
  const tally = (what: string, status: number) => {
    const k = `${what} ${status}`;
    result.byStatus[k] = (result.byStatus[k] ?? 0) + 1;
  };

  async function call(
    what: string,
    method: string,
    path: string,
    body?: unknown,
    token = opts.adminKey,
  ): Promise<{ status: number; json: any }> {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    tally(what, r.status);
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  }
  async function signed(
    what: string,
    d: Device,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: any }> {
    const raw = Buffer.from(body === undefined ? '' : JSON.stringify(body));
    const req = {
      method,
      url: path,
      headers: { host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw,
    };
    const headers = { ...req.headers, ...(await signDeviceRequest(req, { keyid: d.id, privateKey: d.key })) };
    const r = await fetch(`${base}${path}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : new Uint8Array(raw),
    });
    const text = await r.text();
    tally(what, r.status);
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  }
  async function station(id: string): Promise<void> {
    if (stations.has(id)) return;
    stations.add(id);
    await call('station', 'POST', '/v1/stations', { id, name: id, kind: id.startsWith('hub') ? 'hub' : 'delivery' });
  }
  async function subject(customer: string, kind = 'customer'): Promise<string | undefined> {
    const known = subjects.get(customer);
    if (known) return known;
    const p = people.person(Number(customer.replace(/\D/g, '')) || subjects.size);
    const r = await call('subject', 'POST', '/v1/subjects', {
      kind,
      externalId: `sim-${customer}`,
      fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
    });
    if (r.status >= 300) return undefined;
    subjects.set(customer, r.json.token);
    return r.json.token as string;
  }
  async function staff(id: string, role: string, team?: string): Promise<string | undefined> {
    if (staffTokens.has(id)) return staffTokens.get(id);
    const r = await call('staff', 'POST', '/v1/staff', { id: `sim-${id}`, role, ...(team ? { team } : {}) });
    const token =
      r.status === 201
        ? (r.json.token as string)
        : r.status === 409
          ? await opts.existingStaff?.(`sim-${id}`)
          : undefined;
    if (!token) return undefined;
    staffTokens.set(id, token);
    staffRoles.set(id, role);
    return token;
  }
  const approver = await staff('approver', 'supervisor');
  // The world's courier c-… works through its courier app ca-c-… (the simulator's own naming).
  const courierDevice = (courier: string) => devices.get(`ca-${courier}`);
  const actorId = (actor: string) => actor.slice(actor.indexOf(':') + 1);

  const t0 = Date.now();
  for (const [i, e] of events.entries()) {
    if (opts.signal?.aborted) break;
    if (opts.rate > 0) {
      const due = t0 + (i / opts.rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now(), opts.signal);
      if (opts.signal?.aborted) break;
    }
    opts.onProgress?.(i + 1, events.length);
    let sent = true;
    switch (e.type) {
      case 'staff':
        await staff(e.id, e.role, e.team);
        break;
      case 'device': {
        const known = devices.get(e.id);
        if (known) await signed('device build', known, 'POST', '/v1/device/build', { build: sha(e.build) });
        else {
          await station(e.station);
          const code = await call('enrollment code', 'POST', `/v1/stations/${e.station}/enrollment-codes`, {
            kind: e.kind ?? 'scanner',
          });
          const k = generateKeyPairSync('ed25519');
          const publicKey = Buffer.from(k.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
          const r = await fetch(`${base}/v1/devices/enroll`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: code.json.code, publicKey, build: sha(e.build) }),
          });
          tally('enroll', r.status);
          if (r.ok) {
            const id = (await r.json()).id as string;
            const d = { id, key: k.privateKey, kind: e.kind ?? 'scanner', station: e.station };
            devices.set(e.id, d);
            opts.onEnrolled?.(e.id, d);
            result.devices[e.id] = id;
          }
        }
        break;
      }
      case 'parcel': {
        await station(e.station);
        if (e.origin) await station(e.origin);
        const token = await subject(e.customer);
        if (!token) break;
        const r = await call('parcel', 'POST', '/v1/parcels', {
          recipient: token,
          origin: e.origin ?? e.station,
          destination: e.destination ?? e.station,
        });
        if (r.status === 201) parcels.set(e.parcel, r.json.tracking);
        break;
      }
      case 'scan': {
        const d = devices.get(e.device);
        const tracking = parcels.get(e.parcel);
        if (!d || !tracking) sent = false;
        else await signed('scan', d, 'POST', '/v1/device/scans', { scans: [{ parcel: tracking, step: e.step }] });
        break;
      }
      case 'assignment': {
        const d = courierDevice(e.courier);
        const tracking = parcels.get(e.parcel);
        if (!d || !tracking) sent = false;
        else await call('assignment', 'POST', `/v1/parcels/${tracking}/assignment`, { courier: d.id });
        break;
      }
      case 'lookup': {
        const who = actorId(e.actor);
        const d = e.actor.startsWith('device:') ? devices.get(who) : courierDevice(who);
        // A parcel the world never created (a mistyped number) is read under a number Cloak never issued.
        const tracking = e.parcel ? (parcels.get(e.parcel) ?? 'CK000000000VN') : undefined;
        // Reads of a parcel go through the device gateway; a staff member's read of a customer's
        // masked record is the platform's business and has no call of its own here.
        if (d && tracking) await signed('device read', d, 'GET', `/v1/device/parcels/${tracking}`);
        else sent = false;
        break;
      }
      case 'ticket': {
        const token = await subject(e.customer);
        if (!token) break;
        if (e.status === 'open')
          await call('ticket', 'POST', '/v1/explanations', {
            kind: 'ticket',
            id: e.id,
            staff: `sim-${e.assignee}`,
            subject: token,
          });
        else await call('ticket close', 'POST', `/v1/explanations/${e.id}/close`);
        break;
      }
      case 'reveal': {
        const token = staffTokens.get(actorId(e.actor));
        const subjectToken = await subject(e.customer);
        if (!token || !subjectToken) {
          sent = false;
          break;
        }
        await call(
          'reveal',
          'POST',
          '/v1/reveal',
          {
            subject: subjectToken,
            field: e.field,
            purpose: (e.purpose ?? 'ticket_followup').replace(/[^a-z0-9_]/g, '_'),
            ...(e.ticket ? { explanation: e.ticket } : {}),
            ...(e.result === 'break_glass'
              ? { breakGlass: { justification: 'simulated: urgent case reported by phone, needs contact now' } }
              : {}),
          },
          token,
        );
        break;
      }
      case 'review': {
        const token = await subject(e.customer, 'reviewer');
        if (token)
          await call('review', 'POST', '/v1/reviews', {
            id: e.id,
            reviewer: token,
            seller: e.seller,
            rating: e.rating,
            ...(e.product ? { product: e.product } : {}),
          });
        break;
      }
      case 'moderation': {
        const token = staffTokens.get(actorId(e.actor));
        if (!token) sent = false;
        else
          await call(
            'moderation',
            'POST',
            `/v1/reviews/${e.review}/moderation`,
            { action: e.action, ...(e.reason ? { reason: e.reason } : {}) },
            token,
          );
        break;
      }
      case 'export': {
        const token = staffTokens.get(actorId(e.actor));
        if (!token || !approver) {
          sent = false;
          break;
        }
        const r = await call(
          'export',
          'POST',
          '/v1/exports',
          {
            dataset: e.dataset === 'customers' ? 'customers' : 'sales',
            recipient: (e.recipient ?? 'unnamed').slice(0, 100),
            purpose: 'report',
          },
          token,
        );
        if (r.status === 201)
          await call('export approval', 'POST', `/v1/exports/${r.json.id}/approve`, undefined, approver);
        break;
      }
      default:
        sent = false;
    }
    if (sent) result.sent++;
    else result.skipped++;
  }
  return result;
}
