/**
 * The tables of access: API keys, staff, explanations, grants, break-glass reveals and exports.
 * Written by the services of src/access only. Times are ISO-8601 UTC text in both dialects
 * (sortable, and read back the same from SQLite and PostgreSQL); bytes are Buffers.
 */
export interface AccessTables {
  api_keys: ApiKeyTable;
  staff: StaffTable;
  explanations: ExplanationTable;
  grants: GrantTable;
  break_glass: BreakGlassTable;
  exports: ExportTable;
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
