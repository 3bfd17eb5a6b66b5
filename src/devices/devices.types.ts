export const DEVICE_KINDS = ['scanner', 'courier_app'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export const DEVICE_STATUSES = ['active', 'restricted', 'revoked'] as const;
/** `restricted`: rate-limited, routing data only; `revoked`: every request refused. */
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
export const STATION_KINDS = ['hub', 'delivery'] as const;
export type StationKind = (typeof STATION_KINDS)[number];

export type Station = {
  readonly id: string;
  readonly name: string;
  readonly kind: StationKind;
  readonly createdAt: string;
};

/** A device as an admin sees it. Its key id in signatures is its `id`. */
export type Device = {
  readonly id: string;
  readonly station: string;
  readonly kind: DeviceKind;
  readonly build: string;
  /** Whether its build is on the allow-list. */
  readonly buildKnown: boolean;
  readonly status: DeviceStatus;
  readonly enrolledAt: string;
  readonly statusAt: string;
};
