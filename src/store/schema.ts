/**
 * Row shapes of every table, as Kysely sees them. Times are ISO-8601 UTC text in both
 * dialects (sortable, and read back the same from SQLite and PostgreSQL); bytes are Buffers.
 */
/**
 * Subjects are clustered by a sequential internal `id`, never shown outside the vault: rows
 * of one batch land side by side, where clustering by the random token scattered every
 * write over the whole table. The token stays the only public name.
 */
export interface VaultSubjectTable {
  id: number;
  token: string;
  kind: string;
  external_id: string | null;
  dek_version: number;
  created_at: string;
  erased_at: string | null;
}
export interface VaultFieldTable {
  subject_id: number;
  field: string;
  /** format ‖ nonce ‖ AES-256-GCM ciphertext ‖ tag, under the subject's data key. */
  sealed: Buffer;
  /** The masked value, computed at write time so showing it never decrypts. */
  mask: string;
}
export interface VaultIndexTable {
  scope: string;
  /** HMAC-SHA256 of the normalized value under the scope's derived key. */
  hash: Buffer;
  subject_id: number;
}
/** Lives apart from the data: its own SQLite file, or its own PostgreSQL schema. */
export interface VaultDataKeyTable {
  subject_id: number;
  /** The subject's token: the context the key is wrapped under. */
  token: string;
  dek_version: number;
  kek_version: number;
  wrapped: Buffer;
  created_at: string;
}
export interface ApiKeyTable {
  id: string;
  name: string;
  /** JSON array of scope names. */
  scopes: string;
  secret_hash: Buffer;
  created_at: string;
  revoked_at: string | null;
  /** When the current secret stops working (0019). */
  expires_at: string | null;
  /** When the secret was last replaced (0019); null if never. */
  rotated_at: string | null;
}

/** Hands out blocks of sequential ids (one row per sequence), the same way in both dialects. */
export interface IdAllocTable {
  name: string;
  next_id: number;
}

export const KEY_SCHEMA = 'cloak_keys';

export interface Database {
  vault_subjects: VaultSubjectTable;
  vault_fields: VaultFieldTable;
  vault_index: VaultIndexTable;
  'cloak_keys.vault_data_keys': VaultDataKeyTable;
  api_keys: ApiKeyTable;
  id_alloc: IdAllocTable;
  cloak_meta: { key: string; value: string };
  stations: StationTable;
  device_enrollment_codes: EnrollmentCodeTable;
  devices: DeviceTable;
  device_builds: { build: string; note: string; added_at: string };
  parcels: ParcelTable;
  parcel_scans: ParcelScanTable;
  parcel_assignments: { tracking: string; courier: string; day: string; assigned_at: string };
  relay_bindings: RelayBindingTable;
  device_activity: { device: string; at: string; action: string; parcel: string | null; result: string };
  device_nonces: { keyid: string; nonce: string; expires_at: number };
  relay_leases: { number: string; binding_id: string; claimed_at: string };
  staff: StaffTable;
  explanations: ExplanationTable;
  reviews: ReviewTable;
  grants: GrantTable;
  break_glass: BreakGlassTable;
  exports: ExportTable;
  audit_head: { id: number; size: number | string; root: Buffer; signed_size: number | string | null };
  audit_entries: AuditEntryTable;
  audit_tiles: { level: number; idx: number | string; hashes: Buffer };
  audit_checkpoints: { size: number | string; root: Buffer; note: string; at: string };
  cases: CaseTable;
  /** A canary subject and the channel it was planted in (`export:<id>`, …). */
  canaries: { token: string; channel: string; detail: string; created_at: string };
  incidents: IncidentTable;
  affected_checks: {
    id: string;
    kind: string;
    identifier: Buffer;
    code_hash: Buffer;
    attempts: number;
    expires_at: string;
  };
  leak_traces: LeakTraceTable;
  /** An officer's approval of an incident's report or notice in one language, bound to the text's hash. */
  incident_approvals: {
    incident: string;
    doc: string;
    lang: string;
    text_sha256: string;
    approved_by: string;
    approved_at: string;
  };
  /** A sending of an incident's customer notices: `langs` is JSON (language → count); counts only. */
  incident_sends: {
    id: string;
    incident: string;
    langs: string;
    sent: number;
    unreachable: number;
    sent_by: string;
    sent_at: string;
  };
  /** How much of a key's limit one fixed window (start and end in ms since the epoch) has used. */
  rate_budgets: { key: string; window_start: number; used: number; expires_at: number };
  /** Bytes of leak uploads one person holds (files not deleted or purged). */
  trace_quotas: { uploader: string; held: number | string };
}

/** A leaked file uploaded for tracing; `report` is the trace's JSON once done. */
export interface LeakTraceTable {
  id: string;
  name: string;
  bytes: number | string;
  sha256: string;
  /** queued, tracing, done or failed. */
  status: string;
  error: string | null;
  report: string | null;
  uploaded_by: string;
  /** When the retention period removed the file (the record, hash and report stay). */
  purged_at: string | null;
  uploaded_at: string;
  finished_at: string | null;
}

/** A breach being handled; scope and deadlines as JSON. */
export interface IncidentTable {
  id: string;
  title: string;
  where_: string;
  discovered_at: string;
  occurred_at: string | null;
  /** JSON array of vault tokens. */
  subjects: string;
  categories: string;
  /** JSON object: jurisdiction → count of subjects. */
  jurisdictions: string;
  high_risk: number;
  /** JSON array of deadlines, each with `met` once done. */
  deadlines: string;
  measures: string;
  opened_by: string;
  opened_at: string;
}

/** A detection case: one per actor while open; alerts, automatic actions and comments as JSON arrays. */
export interface CaseTable {
  id: string;
  actor: string;
  /** `low`, `medium` or `high`: the highest of its alerts. */
  severity: string;
  score: number;
  summary: string;
  alerts: string;
  actions: string;
  comments: string;
  /** `open` or `resolved`. */
  status: string;
  assignee: string | null;
  /** `true_positive`, `benign` or `false_positive` once resolved. */
  resolution: string | null;
  /** The analyst's reason for closing it (may name people: never copied to the audit log in clear). */
  resolution_reason: string | null;
  /** The incident this case was escalated to. */
  incident: string | null;
  opened_at: string;
  updated_at: string;
}

/** A staff member (couriers and seller accounts included); the sign-in token is kept as its SHA-256. */
export interface StaffTable {
  id: string;
  role: string;
  team: string | null;
  station: string | null;
  token_hash: Buffer;
  created_at: string;
  disabled_at: string | null;
  /** When the current sign-in token stops working (0019). */
  token_expires_at: string | null;
  /** When the current sign-in token was revoked (0019); a new token clears it. */
  token_revoked_at: string | null;
}
/** A ticket, moderation case or assignment: the platform's reason for a staff member to see a customer. */
export interface ExplanationTable {
  id: string;
  /** `ticket`, `moderation` or `assignment`. */
  kind: string;
  staff_id: string;
  /** Vault token of the customer. */
  subject: string;
  /** `open` or `closed`. */
  status: string;
  opened_at: string;
  expires_at: string | null;
  closed_at: string | null;
}
export interface ReviewTable {
  id: string;
  /** Vault token of the reviewer. */
  reviewer: string;
  seller: string;
  rating: number;
  product: string | null;
  /** `visible`, `hidden` or `deleted`. */
  status: string;
  created_at: string;
}
/** A just-in-time grant: asked by one staff member, approved by another, for a time. */
export interface GrantTable {
  id: string;
  requester: string;
  subject: string;
  /** JSON array of field names. */
  fields: string;
  purpose: string;
  reason: string;
  minutes: number;
  /** `pending`, `approved` or `refused`. */
  status: string;
  approver: string | null;
  requested_at: string;
  decided_at: string | null;
  expires_at: string | null;
}
/** A break-glass reveal, listed until a reviewer signs it off. */
export interface BreakGlassTable {
  audit_index: number | string;
  actor: string;
  role: string;
  subject: string;
  field: string;
  purpose: string;
  justification: string;
  at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
}
/** A bulk export: asked by one staff member, approved by another, written by Cloak. */
export interface ExportTable {
  id: string;
  requester: string;
  dataset: string;
  /** JSON array of the columns asked for. */
  fields: string;
  recipient: string;
  purpose: string;
  /** `pending`, `written` or `refused`. */
  status: string;
  approver: string | null;
  rows: number | null;
  file: string | null;
  sha256: string | null;
  requested_at: string;
  decided_at: string | null;
}
/** One audit log entry: `body` is the exact leaf; the other columns are indexes into it. */
export interface AuditEntryTable {
  idx: number | string;
  at: string;
  kind: string;
  actor: string;
  subject: string | null;
  result: string | null;
  body: Buffer;
  /** SHA-256(0x00 ‖ body), the leaf hash. */
  leaf: Buffer;
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
