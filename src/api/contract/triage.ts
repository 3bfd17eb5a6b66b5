import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';
import { StaffRole } from './shared.ts';
import { Device } from './devices.ts';
import { AlertEvidenceList, AlertSeverity, CaseClassification, CaseStatus } from './cases.ts';

/** GET /v1/alerts: the filter (the server filters). */
export const AlertQuery = Type.Object(
  {
    severity: Type.Optional(AlertSeverity),
    status: Type.Optional(CaseStatus),
    rule: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
    actor: Type.Optional(Type.String({ pattern: ID_PATTERNS.actor, description: 'e.g. device:dev_… or staff:u-17' })),
  },
  { additionalProperties: false },
);
export type AlertQuery = Static<typeof AlertQuery>;

/** One alert of a case, as the alert queue lists it. */
export const AlertRow = Type.Object({
  case: Type.String(),
  index: Type.Integer({ description: "the alert's place in its case" }),
  at: Type.String(),
  actor: Type.String(),
  rule: Type.String(),
  severity: AlertSeverity,
  score: Type.Number(),
  summary: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')], { description: "the case's status" }),
  assignee: Type.Union([Type.String(), Type.Null()]),
  classification: Type.Union([CaseClassification, Type.Null()]),
});
export type AlertRow = Static<typeof AlertRow>;

/** GET /v1/alerts: the alerts, newest first, and every rule there is to filter by. */
export const AlertList = Type.Object({ alerts: Type.Array(AlertRow), rules: Type.Array(Type.String()) });
export type AlertList = Static<typeof AlertList>;

/** POST /v1/cases/bulk: assign or close several cases. */
export const CaseBulkBody = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 1, maxItems: 200 }),
    action: Type.Union([Type.Literal('assign'), Type.Literal('close')]),
    assignee: Type.Optional(Type.String({ pattern: ID_PATTERNS.staff })),
    classification: Type.Optional(CaseClassification),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CaseBulkBody = Static<typeof CaseBulkBody>;

/** POST /v1/cases/bulk: each case changed, in the order of ids (its state only). */
export const CaseBulkResult = Type.Object({
  cases: Type.Array(
    Type.Object({
      id: Type.String(),
      status: CaseStatus,
      assignee: Type.Union([Type.String(), Type.Null()]),
      resolution: Type.Union([CaseClassification, Type.Null()]),
    }),
  ),
});
export type CaseBulkResult = Static<typeof CaseBulkResult>;

/** POST /v1/cases/{id}/escalate: the incident to open. */
export const CaseEscalateBody = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 200 }),
    where: Type.String({ minLength: 1, maxLength: 200 }),
    measures: Type.String({ minLength: 1, maxLength: 4000 }),
    highRisk: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CaseEscalateBody = Static<typeof CaseEscalateBody>;

/** POST /v1/cases/{id}/escalate: the case, linked, and the incident opened (its scope only). */
export const CaseEscalation = Type.Object({
  case: Type.Object({ id: Type.String(), incident: Type.Union([Type.String(), Type.Null()]) }),
  incident: Type.Object({
    id: Type.String(),
    subjects: Type.Number(),
    categories: Type.Array(Type.String()),
    highRisk: Type.Boolean(),
  }),
});
export type CaseEscalation = Static<typeof CaseEscalation>;

/** GET /v1/entities/{kind}/{id}: which entity. */
export const EntityParams = Type.Object({
  kind: Type.Union([Type.Literal('staff'), Type.Literal('device')]),
  id: Type.String({ minLength: 1, maxLength: 80 }),
});
export type EntityParams = Static<typeof EntityParams>;

/** A staff member's or a device's id in the path of an action on it. */
export const EntityIdParams = Type.Object({ id: Type.String() });
export type EntityIdParams = Static<typeof EntityIdParams>;

/**
 * One thing an entity did. `explained`: true or false as judged, null when it is not an access
 * (a scan, a grant…) or was not judged.
 */
export const EntityTimelineItem = Type.Object({
  at: Type.String(),
  kind: Type.String(),
  result: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()], { description: "a customer's vault token, never a clear value" }),
  parcel: Type.Union([Type.String(), Type.Null()]),
  field: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  explanation: Type.Union([Type.String(), Type.Null()], {
    description: 'the ticket, moderation case or assignment the access carried',
  }),
  explained: Type.Union([Type.Boolean(), Type.Null()]),
  judgedBy: Type.Union([Type.Literal('engine'), Type.Literal('entry'), Type.Null()], {
    description: "the detection engine's own verdict, or the explanation the entry carried",
  }),
  auditIndex: Type.Union([Type.Number(), Type.Null()]),
});
export type EntityTimelineItem = Static<typeof EntityTimelineItem>;

/** The device an entity page is about, as an admin sees it (every field of a device). */
export const EntityDevice = Device;
export type EntityDevice = Device;

/** A staff member or a device: risk over time, recent actions (explained ones marked), evidence of its alerts. */
export const Entity = Type.Object({
  kind: Type.Union([Type.Literal('staff'), Type.Literal('device')]),
  id: Type.String(),
  actor: Type.String(),
  staff: Type.Union([
    Type.Object({
      role: StaffRole,
      team: Type.Union([Type.String(), Type.Null()]),
      station: Type.Union([Type.String(), Type.Null()]),
      disabledAt: Type.Union([Type.String(), Type.Null()]),
      grantsInForce: Type.Number(),
    }),
    Type.Null(),
  ]),
  device: Type.Union([EntityDevice, Type.Null()]),
  risk: Type.Object(
    {
      points: Type.Array(
        Type.Object({
          at: Type.String(),
          score: Type.Number(),
          rule: Type.String(),
          severity: AlertSeverity,
          case: Type.String(),
        }),
      ),
      hours: Type.Array(Type.String({ description: 'YYYY-MM-DDTHH (UTC), oldest first' })),
      scores: Type.Array(Type.Number()),
    },
    { description: "each alert's score, oldest first, and the highest per hour for the chart" },
  ),
  timeline: Type.Array(EntityTimelineItem),
  evidence: Type.Array(
    Type.Object({
      case: Type.String(),
      rule: Type.String(),
      severity: AlertSeverity,
      at: Type.String(),
      summary: Type.String(),
      items: AlertEvidenceList,
    }),
  ),
  cases: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.String(),
      severity: AlertSeverity,
      incident: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type Entity = Static<typeof Entity>;

/** POST /v1/entities/device/{id}/status: restrict or revoke. */
export const EntityDeviceStatusBody = Type.Object(
  { status: Type.Union([Type.Literal('restricted'), Type.Literal('revoked')]) },
  { additionalProperties: false },
);
export type EntityDeviceStatusBody = Static<typeof EntityDeviceStatusBody>;

/** POST /v1/entities/device/{id}/status: the device's new status. */
export const EntityDeviceStatus = Type.Pick(EntityDevice, ['id', 'status']);
export type EntityDeviceStatus = Static<typeof EntityDeviceStatus>;

/** POST /v1/entities/staff/{id}/suspend-grants: the grants suspended (none when none was in force). */
export const EntityGrantsSuspended = Type.Object({ grants: Type.Array(Type.String()) });
export type EntityGrantsSuspended = Static<typeof EntityGrantsSuspended>;
