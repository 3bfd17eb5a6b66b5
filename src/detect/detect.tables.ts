/**
 * The tables of detection: its cases. Written by detect.repo.ts only. Times are ISO-8601 UTC
 * text in both dialects (sortable, and read back the same from SQLite and PostgreSQL); bytes are
 * Buffers.
 */
export interface DetectTables {
  cases: CaseTable;
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
