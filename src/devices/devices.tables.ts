/**
 * The tables of devices: stations, enrollment codes, devices, known builds, what devices asked
 * for, and the nonces of signed requests. Written by devices.repo.ts only. Times are ISO-8601 UTC
 * text in both dialects (sortable, and read back the same from SQLite and PostgreSQL); bytes are
 * Buffers.
 */
export interface DevicesTables {
  stations: StationTable;
  device_enrollment_codes: EnrollmentCodeTable;
  devices: DeviceTable;
  device_builds: { build: string; note: string; added_at: string };
  device_activity: { device: string; at: string; action: string; parcel: string | null; result: string };
  device_nonces: { keyid: string; nonce: string; expires_at: number };
}

export interface StationTable {
  id: string;
  name: string;
  /** `hub` or `delivery`. */
  kind: string;
  created_at: string;
}

/** One-time codes an admin issues for a station; only their SHA-256 is kept. */
export interface EnrollmentCodeTable {
  code_hash: Buffer;
  station_id: string;
  /** `scanner` or `courier_app`. */
  kind: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface DeviceTable {
  id: string;
  station_id: string;
  kind: string;
  /** Raw 32-byte Ed25519 public key. */
  public_key: Buffer;
  /** Hash of the software build it last reported. */
  build: string;
  /** `active`, `restricted` or `revoked`. */
  status: string;
  enrolled_at: string;
  status_at: string;
}
