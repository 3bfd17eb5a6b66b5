import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Incident } from './incidents.ts';

// The trace's lists are readonly, and the routes' type provider knows no readonly array: such a
// list is declared with its readonly type (its JSON schema is the same array).
const readonlyArray = <T extends TSchema>(items: T, options?: { description: string }) =>
  Type.Unsafe<readonly Static<T>[]>(Type.Array(items, options));

/** Where a leaked file's trace is: waiting, being read, traced, or could not be traced. */
export const TraceStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('tracing'),
  Type.Literal('done'),
  Type.Literal('failed'),
]);
export type TraceStatus = Static<typeof TraceStatus>;

/** A leaked file under investigation. */
export const TraceInvestigation = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'the uploaded file name, without its path' }),
  bytes: Type.Number(),
  sha256: Type.String({ description: 'SHA-256 of the file as received (evidence)' }),
  status: TraceStatus,
  progress: Type.Number({ description: 'share of the file read, 0 to 1' }),
  rowsRead: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()], {
    description: 'why a failed file could not be traced (what is wrong with it, never its content)',
  }),
  uploadedBy: Type.String(),
  uploadedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  purgedAt: Type.Union([Type.String(), Type.Null()], {
    description:
      'when the retention period (CLOAK_TRACE_KEEP_DAYS) removed the file; its record, SHA-256 and report stay',
  }),
});
export type TraceInvestigation = Static<typeof TraceInvestigation>;

/** GET /v1/traces: leak investigations, newest first. */
export const TraceInvestigationList = Type.Object({ investigations: Type.Array(TraceInvestigation) });
export type TraceInvestigationList = Static<typeof TraceInvestigationList>;

/** POST /v1/traces: the file's name (its bytes are the body). */
export const TraceUploadQuery = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 255, description: 'the file name, for the report' })) },
  { additionalProperties: false },
);
export type TraceUploadQuery = Static<typeof TraceUploadQuery>;

/** An investigation's id in the path. */
export const TraceParams = Type.Object({ id: Type.String() });
export type TraceParams = Static<typeof TraceParams>;

/** A kind of personal data a leaked file's column holds. */
export const TraceCategory = Type.Union([
  Type.Literal('phone'),
  Type.Literal('email'),
  Type.Literal('name'),
  Type.Literal('address'),
  Type.Literal('tracking'),
]);
export type TraceCategory = Static<typeof TraceCategory>;

/** What a column of the leaked file was taken to hold, and how sure that is. */
export const TraceColumn = Type.Object({
  index: Type.Number(),
  header: Type.Optional(Type.String({ description: 'absent when the file has no header row' })),
  category: TraceCategory,
  confidence: Type.Number(),
});
export type TraceColumn = Static<typeof TraceColumn>;

/**
 * A likely source of a leak. `coverage`: the share of the leaked customers whose data it had;
 * `precision`: the share of what it had that is in the leak; `score` combines them.
 */
export const TraceSource = Type.Object({
  kind: Type.Union([Type.Literal('device'), Type.Literal('staff'), Type.Literal('export')]),
  id: Type.String(),
  coverage: Type.Number(),
  precision: Type.Number(),
  score: Type.Number(),
  evidence: Type.String(),
});
export type TraceSource = Static<typeof TraceSource>;

/** A traced file's report, as the API gives it: the affected list is long, so only its first entries and its size. */
export const TraceReportSummary = Type.Object({
  file: Type.Object({
    format: Type.String(),
    encoding: Type.String(),
    delimiter: Type.Optional(Type.String()),
    bytes: Type.Number(),
  }),
  columns: readonlyArray(TraceColumn),
  rowsRead: Type.Number(),
  rowsSkipped: Type.Number(),
  rowsMatched: Type.Number(),
  affected: Type.Array(Type.String(), {
    description: 'the vault tokens of the customers found in the file (the first 1,000)',
  }),
  affectedCount: Type.Number({ description: 'how many customers were found in the file' }),
  categories: Type.Record(Type.String(), Type.Number(), {
    description: 'data categories present in the file (phone, email, name, address, tracking) → non-empty values',
  }),
  matchedBy: Type.Record(Type.String(), Type.Number(), {
    description: 'rows matched by each kind of identifier (phone, email, tracking)',
  }),
  sources: Type.Array(TraceSource, { description: 'who could have leaked it, best first' }),
  canaryHits: Type.Array(Type.Object({ token: Type.String(), channel: Type.String(), detail: Type.String() }), {
    description: 'canary customers found in the file: each names the one channel it was planted in',
  }),
});
export type TraceReportSummary = Static<typeof TraceReportSummary>;

/** GET /v1/traces/{id}: an investigation, and its report once traced. */
export const TraceDetail = Type.Intersect([
  TraceInvestigation,
  Type.Object({ report: Type.Union([TraceReportSummary, Type.Null()]) }),
]);
export type TraceDetail = Static<typeof TraceDetail>;

/** GET /v1/traces/{id}/affected: every affected customer (vault tokens), one per line. */
export const TraceAffectedText = Type.String({ description: 'vault tokens, one per line' });
export type TraceAffectedText = Static<typeof TraceAffectedText>;

/** GET /v1/traces/{id}/report.html: the report as a self-contained HTML page. */
export const TraceReportHtml = Type.String({ description: 'text/html' });
export type TraceReportHtml = Static<typeof TraceReportHtml>;

/** DELETE /v1/traces/{id}: no content. */
export const TraceDeleted = Type.Null();
export type TraceDeleted = Static<typeof TraceDeleted>;

/** POST /v1/traces/{id}/incident: the incident to open from a traced file. */
export const TraceIncidentBody = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 200 }),
    where: Type.String({ minLength: 1, maxLength: 200 }),
    measures: Type.String({ minLength: 1, maxLength: 4000 }),
    discoveredAt: Type.Optional(Type.String()),
    highRisk: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TraceIncidentBody = Static<typeof TraceIncidentBody>;

/** POST /v1/traces/{id}/incident: the incident opened, as `GET /v1/incidents/{id}` answers it. */
export const TraceIncident = Incident;
export type TraceIncident = Incident;
