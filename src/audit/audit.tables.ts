/**
 * The tables of the audit log: its entries, full hash tiles, head and signed checkpoints. Written
 * by log.repo.ts only. Times are ISO-8601 UTC text in both dialects (sortable, and read back the
 * same from SQLite and PostgreSQL); bytes are Buffers.
 */
export interface AuditTables {
  audit_head: { id: number; size: number | string; root: Buffer; signed_size: number | string | null };
  audit_entries: AuditEntryTable;
  audit_tiles: { level: number; idx: number | string; hashes: Buffer };
  audit_checkpoints: { size: number | string; root: Buffer; note: string; at: string };
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
