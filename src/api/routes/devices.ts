import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { DevicesService } from '../../devices/devices.service.ts';
import { verifyDeviceRequest } from '../../devices/httpsig.ts';
import type { Clock } from '../../lib/clock.ts';
import { MAX_SCAN_BATCH, type WaybillService } from '../../waybill/waybill.service.ts';
import type { ContactService } from '../../waybill/contact.service.ts';
import { actorOf, requireStaffOrScope, staffOf } from '../auth.ts';
import { assertMay, DUTY_ROLES } from '../../access/duties.fns.ts';
import type { StaffAuthenticator } from '../../access/staff.service.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import { InvalidInput, RateLimited } from '../../lib/errors.ts';
import { ErrorResponse } from './shared.ts';
import {
  Device,
  DeviceActivity,
  DeviceActivityQuery,
  DeviceBuildAllow,
  DeviceBuildAllowed,
  DeviceBuildReport,
  DeviceEnroll,
  DeviceList,
  DeviceListQuery,
  DeviceManifest,
  DeviceParams,
  DeviceParcelView,
  DeviceScanBatch,
  DeviceScanResult,
  DeviceStatusChange,
  EnrollmentCode,
  EnrollmentCodeRequest,
  RelayBinding,
  RelayCall,
  Station,
  StationCreate,
  StationList,
} from '../contract/devices.ts';
import { ParcelParams } from '../contract/parcels.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    deviceId?: string;
  }
}

export type DeviceRoutesDeps = {
  devices: DevicesService;
  waybill: Pick<WaybillService, 'ingestScans' | 'readForDevice' | 'recentScans' | 'manifest' | 'lastScans'>;
  contact: Pick<ContactService, 'courierView' | 'bindRelay' | 'call'>;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  clock: Clock;
  maxSkewSeconds: number;
  staff: StaffAuthenticator;
  audit: Pick<AuditLog, 'append'>;
};

/**
 * Stations and devices (admin), enrollment (the one-time code is the credential), and the
 * device gateway: every `/v1/device/…` request must carry an RFC 9421 signature.
 */
export const deviceRoutes: FastifyPluginAsyncTypebox<DeviceRoutesDeps> = async (
  app,
  { devices, waybill, contact, apiKeys, clock, maxSkewSeconds, staff, audit },
) => {
  // Changes: an admin API key, or dashboard staff who run the fleet (admins, supervisors).
  const admin = requireStaffOrScope(staff, ['admin', 'supervisor'], apiKeys, 'admin');
  // Reading the fleet: analysts too (they investigate devices; they do not change them).
  const reader = requireStaffOrScope(staff, ['admin', 'supervisor', 'analyst'], apiKeys, 'admin');
  const security: Record<string, string[]>[] = [{ bearer: [] }, { staffToken: [] }];
  const nonces = devices.nonceStore();
  const signedDevice = async (req: FastifyRequest) => {
    // Only JSON bodies are kept as received; any other body could not be checked against its digest.
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && req.rawBody === undefined)
      throw new InvalidInput('device requests send their body as application/json');
    const { keyid } = await verifyDeviceRequest(
      { method: req.method, url: req.url, headers: req.headers as Record<string, string>, body: req.rawBody },
      { keyOf: devices.keyOf, nonces, now: clock.now(), maxSkewSeconds },
    );
    req.deviceId = keyid;
    // A restricted (quarantined) device keeps working, slowly: five requests in five seconds.
    const d = await devices.get(keyid);
    if (d.status === 'restricted' && !(await devices.takeRestrictedBudget(keyid)))
      throw new RateLimited('this device is restricted to one request a second');
  };
  const signed = [{ httpSignature: [] }];

  app.post(
    '/v1/stations',
    {
      preHandler: admin,
      schema: {
        tags: ['devices'],
        summary: 'Create a station',
        security,
        body: StationCreate,
        response: { 201: Station, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await devices.createStation(req.body)),
  );
  app.get(
    '/v1/stations',
    {
      preHandler: reader,
      schema: {
        tags: ['devices'],
        summary: 'List stations',
        security,
        response: { 200: StationList },
      },
    },
    async () => ({
      stations: await devices.listStations(),
    }),
  );
  app.post(
    '/v1/stations/:id/enrollment-codes',
    {
      preHandler: admin,
      schema: {
        tags: ['devices'],
        summary: 'Issue a one-time enrollment code for a device of this station (shown once)',
        security,
        params: DeviceParams,
        body: EnrollmentCodeRequest,
        response: { 201: EnrollmentCode, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const c = await devices.issueEnrollmentCode({
        station: req.params.id,
        kind: req.body.kind,
        ttlMinutes: req.body.ttlMinutes,
      });
      // Who issued a code, for which station and kind, until when: never the code.
      await audit.append([
        {
          kind: 'device',
          actor: actorOf(req).actor,
          result: 'enrollment_code',
          data: { station: c.station, device_kind: c.kind, expires: c.expiresAt },
        },
      ]);
      return reply.status(201).send(c);
    },
  );
  app.post(
    '/v1/devices/enroll',
    {
      schema: {
        tags: ['devices'],
        summary: 'Enroll a device: its one-time code, the Ed25519 public key it generated, its build',
        description: 'No API key: the code is the credential. The device id returned is the keyid of its signatures.',
        body: DeviceEnroll,
        response: { 201: Device, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await devices.enroll(req.body)),
  );
  app.get(
    '/v1/devices/:id/activity',
    {
      preHandler: reader,
      schema: {
        tags: ['devices'],
        summary: 'A device’s recent scans and reads (allowed and refused), newest first',
        security,
        params: DeviceParams,
        querystring: DeviceActivityQuery,
        response: { 200: DeviceActivity, 404: ErrorResponse },
      },
    },
    async (req) => {
      const limit = req.query.limit ? Number(req.query.limit) : 100;
      const [reads, scans] = await Promise.all([
        devices.activity(req.params.id, limit),
        waybill.recentScans(req.params.id, limit),
      ]);
      const merged = [
        ...reads,
        ...scans.map((s) => ({
          at: s.at,
          action: `scan ${s.step}`,
          parcel: s.parcel,
          result: 'ok',
          station: s.station,
        })),
      ];
      return { activity: merged.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit) };
    },
  );
  app.get(
    '/v1/devices',
    {
      preHandler: reader,
      schema: {
        tags: ['devices'],
        summary: 'List devices, with the time of each one’s latest scan or read',
        security,
        querystring: DeviceListQuery,
        response: { 200: DeviceList },
      },
    },
    async (req) => {
      // Two grouped queries for the whole fleet, not one per device.
      const [list, reads, scans] = await Promise.all([
        devices.list(req.query.station),
        devices.lastActivity(),
        waybill.lastScans(),
      ]);
      const latest = (id: string) =>
        [reads.get(id), scans.get(id)]
          .filter((x): x is string => x !== undefined)
          .sort()
          .pop() ?? null;
      return { devices: list.map((d) => ({ ...d, lastActivity: latest(d.id) })) };
    },
  );
  // Who may set which status is one rule (src/access/duties.fns.ts), the same as the entity
  // page's: analysts quarantine (restricted, revoked), admins and supervisors also release.
  const statusSetter = requireStaffOrScope(staff, DUTY_ROLES.quarantine, apiKeys, 'admin');
  app.post(
    '/v1/devices/:id/status',
    {
      preHandler: statusSetter,
      schema: {
        tags: ['devices'],
        summary:
          'Quarantine or release a device: restricted (routing only), revoked (every request refused), active (admins, supervisors, admin keys)',
        security,
        params: DeviceParams,
        body: DeviceStatusChange,
        response: { 200: Device, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      assertMay(req.principal ? { actor: req.principal.actor, scopes: req.principal.scopes } : staffOf(req), {
        on: 'device',
        action: req.body.status,
      });
      const before = await devices.get(req.params.id);
      const d = await devices.setStatus(req.params.id, req.body.status);
      // The device event records the change itself (actor system); this records who made it.
      await audit.append([
        {
          kind: 'device',
          actor: actorOf(req).actor,
          result: 'status_set',
          data: { device: d.id, station: d.station, from: before.status, status: d.status },
        },
      ]);
      return d;
    },
  );
  app.post(
    '/v1/device-builds',
    {
      preHandler: admin,
      schema: {
        tags: ['devices'],
        summary: 'Allow a software build',
        security,
        body: DeviceBuildAllow,
        response: { 204: DeviceBuildAllowed },
      },
    },
    async (req, reply) => {
      await devices.allowBuild(req.body.build, req.body.note);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/device/me',
    {
      preHandler: signedDevice,
      schema: {
        tags: ['device gateway'],
        summary: 'The calling device, as Cloak knows it (signed request)',
        security: signed,
        response: { 200: Device, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => devices.get(req.deviceId!),
  );
  app.post(
    '/v1/device/build',
    {
      preHandler: signedDevice,
      schema: {
        tags: ['device gateway'],
        summary: 'Report the build the device now runs (signed request)',
        security: signed,
        body: DeviceBuildReport,
        response: { 200: Device, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => devices.reportBuild(req.deviceId!, req.body.build),
  );

  const caller = async (req: FastifyRequest) => {
    const d = await devices.get(req.deviceId!);
    return { id: d.id, station: d.station, kind: d.kind, status: d.status };
  };
  app.post(
    '/v1/device/scans',
    {
      preHandler: signedDevice,
      // A batch of 1,000 scans is about 60 KB; one signature covers it all.
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['device gateway'],
        summary: `A signed batch of scans (up to ${MAX_SCAN_BATCH}) at the device's station`,
        security: signed,
        body: DeviceScanBatch(MAX_SCAN_BATCH),
        response: {
          200: DeviceScanResult,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (req) => waybill.ingestScans(await caller(req), req.body.scans),
  );
  app.get(
    '/v1/device/manifest',
    {
      preHandler: signedDevice,
      schema: {
        tags: ['device gateway'],
        summary: 'A scanner’s manifest: parcels coming to or leaving its station (routing data only)',
        security: signed,
        response: {
          200: DeviceManifest,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req) => ({ parcels: await waybill.manifest(await caller(req)) }),
  );
  app.get(
    '/v1/device/parcels/:tracking',
    {
      preHandler: signedDevice,
      schema: {
        tags: ['device gateway'],
        summary: 'What this device may read of a parcel',
        description:
          'A scanner: routing data (sort code, next hop, status) for parcels in its station’s flow. A courier app: for parcels assigned to it today, the masked name, the delivery address (revealed for the delivery, and recorded) and its relay number. Anything else: 404, recorded.',
        security: signed,
        params: ParcelParams,
        response: {
          200: DeviceParcelView,
          404: ErrorResponse,
        },
      },
    },
    async (req) => {
      const c = await caller(req);
      return c.kind === 'courier_app'
        ? contact.courierView(c, req.params.tracking)
        : waybill.readForDevice(c, req.params.tracking);
    },
  );
  app.post(
    '/v1/device/parcels/:tracking/relay',
    {
      preHandler: signedDevice,
      schema: {
        tags: ['device gateway'],
        summary: 'A courier app asks for the virtual number to call the customer of a parcel assigned to it',
        security: signed,
        params: ParcelParams,
        response: {
          200: RelayBinding,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req) => contact.bindRelay(await caller(req), req.params.tracking),
  );
  app.post(
    '/v1/device/parcels/:tracking/call',
    {
      preHandler: signedDevice,
      schema: {
        tags: ['device gateway'],
        summary:
          'Connect the courier to the customer through its relay binding (the customer’s number never reaches the app)',
        security: signed,
        params: ParcelParams,
        response: {
          200: RelayCall,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req) => contact.call(await caller(req), req.params.tracking),
  );
};
