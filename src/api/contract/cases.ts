import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';

// The services' lists are readonly, and the routes' type provider knows no readonly array: such a
// list is declared with its readonly type here (its JSON schema is the same array; the server's
// check of its items is then left to the service's own type).
const readonlyArray = <T extends TSchema>(items: T) => Type.Unsafe<readonly Static<T>[]>(Type.Array(items));

/** How bad an alert (or a case, its worst alert) is. */
export const AlertSeverity = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);
export type AlertSeverity = Static<typeof AlertSeverity>;

/** Whether a case is still to be dealt with. */
export const CaseStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export type CaseStatus = Static<typeof CaseStatus>;

/** How an analyst closes a case: the alert was right, right but harmless, or wrong (CLASSIFICATIONS of the case service). */
export const CaseClassification = Type.Union([
  Type.Literal('true_positive'),
  Type.Literal('benign'),
  Type.Literal('false_positive'),
]);
export type CaseClassification = Static<typeof CaseClassification>;

/**
 * One event an alert counted, as the engine recorded it: its type and time, and open fields
 * (tokens, tracking numbers, field names; never a clear value).
 */
export const AlertEvidence = Type.Intersect([
  Type.Object({ type: Type.String(), at: Type.String() }),
  Type.Record(Type.String(), Type.Unknown()),
]);
export type AlertEvidence = Static<typeof AlertEvidence>;

/** The evidence of one alert, oldest first. */
export const AlertEvidenceList = readonlyArray(AlertEvidence);
export type AlertEvidenceList = Static<typeof AlertEvidenceList>;

const AlertSaid = Type.Object({ summary: Type.String(), wouldExplain: Type.String() });

/** An alert of a case, as detection raised it. */
export const CaseAlert = Type.Object(
  {
    at: Type.String(),
    actor: Type.String(),
    rule: Type.String(),
    severity: AlertSeverity,
    score: Type.Number(),
    summary: Type.String(),
    evidence: AlertEvidenceList,
    id: Type.Optional(Type.String({ description: 'stable within one run: actor#n' })),
    raisedAt: Type.Optional(
      Type.String({ description: "the event time at which the engine raised it; `at` is the event's" }),
    ),
    compared: Type.Optional(
      Type.Union([
        Type.Literal('peers'),
        Type.Literal('own-past'),
        Type.Literal('peers-and-own-past'),
        Type.Literal('everyone'),
      ]),
    ),
    texts: Type.Optional(
      Type.Object(
        { en: AlertSaid, vi: AlertSaid, zh: AlertSaid },
        { description: 'the summary and what would have explained it, in en, vi and zh' },
      ),
    ),
    response: Type.Optional(
      Type.Union(
        [Type.Literal('none'), Type.Literal('second_approver'), Type.Literal('suspend'), Type.Literal('restrict')],
        { description: 'the automatic response this alert allows' },
      ),
    ),
    responseReason: Type.Optional(Type.String()),
    downgrades: Type.Optional(
      Type.String({ description: 'on a downgrade: the id of the earlier alert now explained' }),
    ),
  },
  { description: 'alerts as replay writes them: at, actor, rule, severity, score, summary, evidence' },
);
export type CaseAlert = Static<typeof CaseAlert>;

/** An automatic response of detection (a device's status changed, or grants suspended), with when it was undone. */
export const CaseAction = Type.Union(
  [
    Type.Object({
      type: Type.Literal('device_status'),
      device: Type.String(),
      from: Type.String(),
      to: Type.String(),
      at: Type.String(),
      undone: Type.Optional(Type.String()),
    }),
    Type.Object({
      type: Type.Literal('grants_suspended'),
      staff: Type.String(),
      grants: readonlyArray(Type.String()),
      at: Type.String(),
      undone: Type.Optional(Type.String()),
    }),
  ],
  { description: 'automatic responses: device_status or grants_suspended, with when they were undone' },
);
export type CaseAction = Static<typeof CaseAction>;

/** An analyst's note on a case. */
export const CaseComment = Type.Object({ by: Type.String(), at: Type.String(), text: Type.String() });
export type CaseComment = Static<typeof CaseComment>;

/** A detection case: the alerts of one actor, what was done automatically, and how analysts dealt with it. */
export const Case = Type.Object({
  id: Type.String(),
  actor: Type.String(),
  severity: AlertSeverity,
  score: Type.Number(),
  summary: Type.String(),
  alerts: Type.Array(CaseAlert),
  actions: Type.Array(CaseAction),
  comments: Type.Array(CaseComment),
  status: CaseStatus,
  assignee: Type.Union([Type.String(), Type.Null()]),
  resolution: Type.Union([CaseClassification, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: "the analyst's reason for closing it" }),
  incident: Type.Union([Type.String(), Type.Null()], { description: 'the incident it was escalated to' }),
  openedAt: Type.String(),
  updatedAt: Type.String(),
});
export type Case = Static<typeof Case>;

/** GET /v1/cases: the filter. */
export const CaseListQuery = Type.Object({ status: Type.Optional(CaseStatus) }, { additionalProperties: false });
export type CaseListQuery = Static<typeof CaseListQuery>;

/** GET /v1/cases: cases, newest first. */
export const CaseList = Type.Object({ cases: Type.Array(Case) });
export type CaseList = Static<typeof CaseList>;

/** A case's id in the path. */
export const CaseParams = Type.Object({ id: Type.String() });
export type CaseParams = Static<typeof CaseParams>;

/** POST /v1/cases/{id}/assign. */
export const CaseAssignBody = Type.Object(
  { assignee: Type.String({ pattern: ID_PATTERNS.staff }) },
  { additionalProperties: false },
);
export type CaseAssignBody = Static<typeof CaseAssignBody>;

/** POST /v1/cases/{id}/comments. */
export const CaseCommentBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
export type CaseCommentBody = Static<typeof CaseCommentBody>;

/** POST /v1/cases/{id}/resolve. */
export const CaseResolveBody = Type.Object(
  { resolution: CaseClassification, reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);
export type CaseResolveBody = Static<typeof CaseResolveBody>;
