/**
 * The tables of incidents: breaches being handled, "was I affected?" challenges, approvals of
 * their documents and sendings of their notices. Read and written through incidents.repo.ts only
 * (by the services of src/incidents). Times are ISO-8601 UTC text in both dialects (sortable, and
 * read back the same from SQLite and PostgreSQL); bytes are Buffers.
 */
export interface IncidentsTables {
  incidents: IncidentTable;
  affected_checks: {
    id: string;
    kind: string;
    identifier: Buffer;
    code_hash: Buffer;
    attempts: number;
    expires_at: string;
  };
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
