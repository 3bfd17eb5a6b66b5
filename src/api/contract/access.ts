import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';
import { StaffRole } from './shared.ts';

const Id = Type.String({ pattern: ID_PATTERNS.external });
const Token = Type.String({ pattern: ID_PATTERNS.subject, description: 'A subject token' });
const Code = (examples: string[]) => Type.String({ pattern: ID_PATTERNS.code, examples });
const Field = Type.String({ pattern: ID_PATTERNS.field, examples: ['email'] });
const StringOrNull = Type.Union([Type.String(), Type.Null()]);

// A role as read back from storage. Members added before STAFF_ROLES was closed may hold a role
// outside it: answered as null with the stored text in `unknownRole`, so such a member is still
// listed and does not make the whole answer fail (the serializer refuses a value outside an enum).
const StoredRole = Type.Union([StaffRole, Type.Null()], {
  description: 'one of the staff roles, or null when the stored role is none of them (see unknownRole)',
});
const UnknownRole = Type.Optional(
  Type.String({
    description:
      'the role as stored, when it is none of the staff roles: a member added before the set was closed, whom GET /v1/me and every route that asks for roles refuse',
  }),
);

/** `:id` of a staff member, an explanation or a review (an id chosen by the platform). */
export const AccessIdParams = Type.Object({ id: Id });
export type AccessIdParams = Static<typeof AccessIdParams>;

/** POST /v1/staff: a staff member to add. */
export const NewStaff = Type.Object(
  {
    id: Id,
    role: StaffRole,
    team: Type.Optional(Type.String()),
    station: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type NewStaff = Static<typeof NewStaff>;

const staffFields = {
  id: Type.String(),
  team: StringOrNull,
  station: StringOrNull,
  createdAt: Type.String(),
  disabledAt: StringOrNull,
};

/** A staff member as listed (GET /v1/staff); a role outside the staff roles is flagged, not sent as `role`. */
export const StaffMember = Type.Object({ ...staffFields, role: StoredRole, unknownRole: UnknownRole });
export type StaffMember = Static<typeof StaffMember>;

/** POST /v1/staff (201): the member added, with their sign-in token (shown once). */
export const StaffCreated = Type.Object({ ...staffFields, role: StaffRole, token: Type.String() });
export type StaffCreated = Static<typeof StaffCreated>;

/** GET /v1/staff: every staff member. */
export const StaffList = Type.Object({ staff: Type.Array(StaffMember) });
export type StaffList = Static<typeof StaffList>;

/** POST /v1/explanations: a ticket, moderation case or assignment linking a staff member to a customer. */
export const NewExplanation = Type.Object(
  {
    kind: Type.Union([Type.Literal('ticket'), Type.Literal('moderation'), Type.Literal('assignment')]),
    id: Id,
    staff: Id,
    subject: Token,
    until: Type.Optional(Type.String({ description: 'ISO 8601 end of the period (default: until closed)' })),
  },
  { additionalProperties: false },
);
export type NewExplanation = Static<typeof NewExplanation>;

/** A ticket, moderation case or assignment, as recorded. */
export const Explanation = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  staff: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  openedAt: Type.String(),
  expiresAt: StringOrNull,
  closedAt: StringOrNull,
});
export type Explanation = Static<typeof Explanation>;

/** POST /v1/reviews: a review a customer posted. */
export const NewReview = Type.Object(
  {
    id: Id,
    reviewer: Token,
    seller: Id,
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    product: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type NewReview = Static<typeof NewReview>;

/** A review as staff see it: `reviewer` is absent for moderators and sellers. */
export const Review = Type.Object({
  id: Type.String(),
  seller: Type.String(),
  rating: Type.Number(),
  product: StringOrNull,
  status: Type.String(),
  createdAt: Type.String(),
  reviewer: Type.Optional(Type.String()),
});
export type Review = Static<typeof Review>;

/** POST /v1/reviews/{id}/moderation: delete, hide or restore, with a reason code. */
export const ReviewModeration = Type.Object(
  {
    action: Type.Union([Type.Literal('delete'), Type.Literal('hide'), Type.Literal('restore')]),
    reason: Type.Optional(Code(['spam', 'abusive', 'off_topic'])),
  },
  { additionalProperties: false },
);
export type ReviewModeration = Static<typeof ReviewModeration>;

/** POST /v1/reveal: one field of a customer, for a purpose, with an explanation or a break-glass justification. */
export const RevealRequest = Type.Object(
  {
    subject: Token,
    field: Field,
    purpose: Code(['ticket_followup', 'delivery_problem', 'fraud_check']),
    explanation: Type.Optional(Id),
    breakGlass: Type.Optional(
      Type.Object({ justification: Type.String({ minLength: 20, maxLength: 2000 }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type RevealRequest = Static<typeof RevealRequest>;

/** POST /v1/reveal: the value in clear, how it was allowed, and the audit log entry that records it. */
export const RevealResult = Type.Object({
  value: Type.String(),
  result: Type.String(),
  policies: Type.Array(Type.String()),
  auditIndex: Type.Number(),
});
export type RevealResult = Static<typeof RevealResult>;

/** POST /v1/grants: a time-boxed grant asked for (a second person approves). */
export const GrantRequest = Type.Object(
  {
    subject: Token,
    fields: Type.Array(Field, { minItems: 1 }),
    purpose: Code(['fraud_check']),
    minutes: Type.Integer({ minimum: 1, maximum: 480 }),
    reason: Type.String({ minLength: 10, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type GrantRequest = Static<typeof GrantRequest>;

/** A just-in-time grant. */
export const Grant = Type.Object({
  id: Type.String(),
  requester: Type.String(),
  subject: Type.String(),
  fields: Type.Array(Type.String()),
  purpose: Type.String(),
  minutes: Type.Number(),
  status: Type.String(),
  approver: StringOrNull,
  requestedAt: Type.String(),
  expiresAt: StringOrNull,
});
export type Grant = Static<typeof Grant>;

/** `:id` of a grant. */
export const GrantParams = Type.Object({ id: Type.String() });
export type GrantParams = Static<typeof GrantParams>;

/** GET /v1/grants: which grants. */
export const GrantListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')])),
  },
  { additionalProperties: false },
);
export type GrantListQuery = Static<typeof GrantListQuery>;

/** GET /v1/grants. */
export const GrantList = Type.Object({ grants: Type.Array(Grant) });
export type GrantList = Static<typeof GrantList>;

/** A break-glass reveal and its sign-off; `role` is the revealer's then (flagged as for staff members). */
export const BreakGlass = Type.Object({
  auditIndex: Type.Number(),
  actor: Type.String(),
  role: StoredRole,
  unknownRole: UnknownRole,
  subject: Type.String(),
  field: Type.String(),
  purpose: Type.String(),
  justification: Type.String(),
  at: Type.String(),
  reviewedBy: StringOrNull,
  reviewedAt: StringOrNull,
});
export type BreakGlass = Static<typeof BreakGlass>;

/** GET /v1/break-glass: `all=true` for those signed off too. */
export const BreakGlassQuery = Type.Object(
  { all: Type.Optional(Type.Literal('true')) },
  { additionalProperties: false },
);
export type BreakGlassQuery = Static<typeof BreakGlassQuery>;

/** GET /v1/break-glass. */
export const BreakGlassList = Type.Object({ breakGlass: Type.Array(BreakGlass) });
export type BreakGlassList = Static<typeof BreakGlassList>;

/** `:index` of a break-glass reveal: its audit log index. */
export const BreakGlassParams = Type.Object({ index: Type.String({ pattern: '^[0-9]{1,15}$' }) });
export type BreakGlassParams = Static<typeof BreakGlassParams>;

/** POST /v1/break-glass/{index}/sign-off: the reviewer's note. */
export const BreakGlassSignOff = Type.Object(
  { note: Type.String({ minLength: 5, maxLength: 2000 }) },
  { additionalProperties: false },
);
export type BreakGlassSignOff = Static<typeof BreakGlassSignOff>;

/** POST /v1/exports: a bulk export asked for (a second person approves; Cloak writes the CSV). */
export const ExportRequest = Type.Object(
  {
    dataset: Type.Union([Type.Literal('customers'), Type.Literal('sales')]),
    fields: Type.Optional(
      Type.Array(Field, { description: 'customers: the fields to export (masked unless listed in clear)' }),
    ),
    clear: Type.Optional(Type.Array(Field)),
    recipient: Type.String({ minLength: 1, maxLength: 100, description: 'who receives the file' }),
    purpose: Code(['monthly_report']),
  },
  { additionalProperties: false },
);
export type ExportRequest = Static<typeof ExportRequest>;

/** An export request and, once written, its rows and the file's SHA-256. */
export const ExportJob = Type.Object({
  id: Type.String(),
  requester: Type.String(),
  dataset: Type.String(),
  fields: Type.Array(Type.String()),
  clear: Type.Array(Type.String()),
  recipient: Type.String(),
  purpose: Type.String(),
  status: Type.String(),
  approver: StringOrNull,
  rows: Type.Union([Type.Number(), Type.Null()]),
  sha256: StringOrNull,
  requestedAt: Type.String(),
  decidedAt: StringOrNull,
});
export type ExportJob = Static<typeof ExportJob>;

/** `:id` of an export. */
export const ExportParams = Type.Object({ id: Type.String() });
export type ExportParams = Static<typeof ExportParams>;

/** GET /v1/exports: which exports. */
export const ExportListQuery = Type.Object(
  { status: Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' })) },
  { additionalProperties: false },
);
export type ExportListQuery = Static<typeof ExportListQuery>;

/** GET /v1/exports. */
export const ExportList = Type.Object({ exports: Type.Array(ExportJob) });
export type ExportList = Static<typeof ExportList>;
