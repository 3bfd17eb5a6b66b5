/**
 * The tables of leak tracing: uploaded files being traced and the bytes each uploader holds.
 * Read and written through leaks.repo.ts only (by investigations.service.ts). Times are ISO-8601
 * UTC text in both dialects (sortable, and read back the same from SQLite and PostgreSQL); bytes
 * are Buffers.
 */
export interface LeaksTables {
  leak_traces: LeakTraceTable;
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
  /** The node tracing it (random per service instance), while or since it held the claim. */
  claimed_by: string | null;
  /** When that node's claim ends unless renewed: after it, another node may take the trace over. */
  lease_until: string | null;
}
