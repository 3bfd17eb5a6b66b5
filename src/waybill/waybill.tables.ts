/**
 * The tables of the waybill: parcels, their scans and courier assignments, and the relay numbers
 * bound to them. Written by waybill.repo.ts only. Times are ISO-8601 UTC text in both dialects
 * (sortable, and read back the same from SQLite and PostgreSQL); bytes are Buffers.
 */
export interface WaybillTables {
  parcels: ParcelTable;
  parcel_scans: ParcelScanTable;
  parcel_assignments: { tracking: string; courier: string; day: string; assigned_at: string };
  relay_bindings: RelayBindingTable;
  relay_leases: { number: string; binding_id: string; claimed_at: string };
}

/** A parcel: its tracking number and route; the recipient and sender are vault tokens. */
export interface ParcelTable {
  tracking: string;
  recipient: string;
  sender: string | null;
  origin: string;
  destination: string;
  sort_code: string;
  /** `created`, or the step of its latest scan (`inbound`, `sort`, `outbound`, `delivered`). */
  status: string;
  /** Time of the scan that set the status: an older scan arriving late never moves it back. */
  last_scan_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ParcelScanTable {
  tracking: string;
  at: string;
  step: string;
  station: string;
  device: string;
}

/** A virtual number bound to (courier, recipient, parcel) until delivery plus a grace period. */
export interface RelayBindingTable {
  id: string;
  number: string;
  tracking: string;
  courier: string;
  /** Vault token of the recipient; the real phone is read only to connect a call. */
  recipient: string;
  created_at: string;
  expires_at: string;
}
