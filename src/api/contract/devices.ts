import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';

// Unions spelled out (a generic helper loses the literal types in TypeBox's inference).

/** A station's kind: a sorting hub, or a delivery station. */
export const StationKind = Type.Union([Type.Literal('hub'), Type.Literal('delivery')]);
export type StationKind = Static<typeof StationKind>;

/** A device's kind: a station's scanner, or a courier's app. */
export const DeviceKind = Type.Union([Type.Literal('scanner'), Type.Literal('courier_app')]);
export type DeviceKind = Static<typeof DeviceKind>;

/** A device's state: restricted is rate-limited to routing data, revoked is refused everything. */
export const DeviceStatus = Type.Union([Type.Literal('active'), Type.Literal('restricted'), Type.Literal('revoked')]);
export type DeviceStatus = Static<typeof DeviceStatus>;

/** A station, where devices are enrolled. */
export const Station = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: StationKind,
  createdAt: Type.String(),
});
export type Station = Static<typeof Station>;

/** A device as an admin sees it (and as the device sees itself). */
export const Device = Type.Object({
  id: Type.String({ description: 'Also the keyid of its signatures' }),
  station: Type.String(),
  kind: DeviceKind,
  build: Type.String(),
  buildKnown: Type.Boolean({ description: 'false: the build is not on the allow-list' }),
  status: DeviceStatus,
  enrolledAt: Type.String(),
  statusAt: Type.String(),
});
export type Device = Static<typeof Device>;

/** A device in the fleet's list: with the time of its latest activity. */
export const DeviceListed = Type.Intersect([
  Device,
  Type.Object({
    lastActivity: Type.Union([Type.String(), Type.Null()], {
      description: 'its latest scan or gateway read; null if none yet',
    }),
  }),
]);
export type DeviceListed = Static<typeof DeviceListed>;

/** A software build, by its digest. */
export const DeviceBuild = Type.String({
  pattern: ID_PATTERNS.sha256,
  description: 'SHA-256 of the software build, hex',
});
export type DeviceBuild = Static<typeof DeviceBuild>;

/** The path of the routes about one station or one device: its id. */
export const DeviceParams = Type.Object({ id: Type.String() });
export type DeviceParams = Static<typeof DeviceParams>;

/** POST /v1/stations: the station to create. */
export const StationCreate = Type.Object(
  { id: Type.String(), name: Type.String(), kind: StationKind },
  { additionalProperties: false },
);
export type StationCreate = Static<typeof StationCreate>;

/** GET /v1/stations: every station. */
export const StationList = Type.Object({ stations: Type.Array(Station) });
export type StationList = Static<typeof StationList>;

/** POST /v1/stations/:id/enrollment-codes: the kind of device the code enrolls, and how long it lasts. */
export const EnrollmentCodeRequest = Type.Object(
  { kind: DeviceKind, ttlMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080 })) },
  { additionalProperties: false },
);
export type EnrollmentCodeRequest = Static<typeof EnrollmentCodeRequest>;

/** A one-time enrollment code, shown once. */
export const EnrollmentCode = Type.Object({
  code: Type.String(),
  station: Type.String(),
  kind: DeviceKind,
  expiresAt: Type.String(),
});
export type EnrollmentCode = Static<typeof EnrollmentCode>;

/** POST /v1/devices/enroll: the one-time code, the device's public key, its build. */
export const DeviceEnroll = Type.Object(
  {
    code: Type.String(),
    publicKey: Type.String({ description: 'raw 32 bytes in base64, or a PEM' }),
    build: DeviceBuild,
  },
  { additionalProperties: false },
);
export type DeviceEnroll = Static<typeof DeviceEnroll>;

// Query strings are text, and the API coerces nothing: a number is written as digits.
/** GET /v1/devices/:id/activity: how many entries. */
export const DeviceActivityQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d{0,2}|1000)$', description: '1 to 1000 (default 100)' })),
});
export type DeviceActivityQuery = Static<typeof DeviceActivityQuery>;

/** A device's recent scans and reads (allowed and refused), newest first. */
export const DeviceActivity = Type.Object({
  activity: Type.Array(
    Type.Object({
      at: Type.String(),
      action: Type.String(),
      parcel: Type.Union([Type.String(), Type.Null()]),
      result: Type.String(),
      station: Type.Optional(Type.String()),
    }),
  ),
});
export type DeviceActivity = Static<typeof DeviceActivity>;

/** GET /v1/devices: only one station's devices, if given. */
export const DeviceListQuery = Type.Object({ station: Type.Optional(Type.String()) });
export type DeviceListQuery = Static<typeof DeviceListQuery>;

/** GET /v1/devices: the fleet. */
export const DeviceList = Type.Object({ devices: Type.Array(DeviceListed) });
export type DeviceList = Static<typeof DeviceList>;

/** POST /v1/devices/:id/status: the state to set. */
export const DeviceStatusChange = Type.Object({ status: DeviceStatus }, { additionalProperties: false });
export type DeviceStatusChange = Static<typeof DeviceStatusChange>;

/** POST /v1/device-builds: a build to allow, and why. */
export const DeviceBuildAllow = Type.Object(
  { build: DeviceBuild, note: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
);
export type DeviceBuildAllow = Static<typeof DeviceBuildAllow>;

/** POST /v1/device-builds: no content. */
export const DeviceBuildAllowed = Type.Null();
export type DeviceBuildAllowed = Static<typeof DeviceBuildAllowed>;

/** POST /v1/device/build: the build the device now runs. */
export const DeviceBuildReport = Type.Object({ build: DeviceBuild }, { additionalProperties: false });
export type DeviceBuildReport = Static<typeof DeviceBuildReport>;

/**
 * POST /v1/device/scans: a batch of scans at the device's station, up to `max` (the waybill's
 * limit, passed in by the route: the contract cannot import the service that sets it).
 */
export const DeviceScanBatch = (max: number) =>
  Type.Object(
    {
      scans: Type.Array(
        Type.Object(
          { parcel: Type.String(), step: Type.String(), at: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: max },
      ),
    },
    { additionalProperties: false },
  );
export type DeviceScanBatch = Static<ReturnType<typeof DeviceScanBatch>>;

/** How many scans of a batch were accepted, and why each other one was not (by its index). */
export const DeviceScanResult = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), problem: Type.String() })),
});
export type DeviceScanResult = Static<typeof DeviceScanResult>;

/** What a scanner reads of a parcel: routing data only. */
export const ParcelRouting = Type.Object({
  tracking: Type.String(),
  sortCode: Type.String(),
  nextHop: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
});
export type ParcelRouting = Static<typeof ParcelRouting>;

/** GET /v1/device/manifest: parcels coming to or leaving the scanner's station. */
export const DeviceManifest = Type.Object({ parcels: Type.Array(ParcelRouting) });
export type DeviceManifest = Static<typeof DeviceManifest>;

/** A relay binding: the virtual number that reaches a parcel's customer, until when. */
export const RelayBinding = Type.Object({ number: Type.String(), expiresAt: Type.String() });
export type RelayBinding = Static<typeof RelayBinding>;

/** What a courier app reads of a parcel assigned to it today. */
export const CourierParcel = Type.Object({
  tracking: Type.String(),
  status: Type.String(),
  recipient: Type.Object({ name: Type.String(), address: Type.String() }),
  relay: Type.Union([RelayBinding, Type.Null()]),
});
export type CourierParcel = Static<typeof CourierParcel>;

/** GET /v1/device/parcels/:tracking: a scanner's routing view, or a courier app's delivery view. */
export const DeviceParcelView = Type.Union([ParcelRouting, CourierParcel]);
export type DeviceParcelView = Static<typeof DeviceParcelView>;

/** POST /v1/device/parcels/:tracking/call: the call placed, and through which relay. */
export const RelayCall = Type.Object({ callId: Type.String(), via: Type.String() });
export type RelayCall = Static<typeof RelayCall>;
