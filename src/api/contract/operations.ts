import { Type, type Static } from '@sinclair/typebox';
import { PolicyInfo } from './audit.ts';
import { IncidentAudience, IncidentLang } from './incidents.ts';
import { StaffRole } from './shared.ts';

/** Which of an incident's texts: the regulator report or the customer notice. */
export const IncidentDocumentKind = Type.Union([Type.Literal('report'), Type.Literal('notice')]);
export type IncidentDocumentKind = Static<typeof IncidentDocumentKind>;

/** An incident's text in one language, its hash, and who approved it (null: not approved as it reads now). */
export const IncidentDocument = Type.Object({
  doc: IncidentDocumentKind,
  lang: IncidentLang,
  text: Type.String(),
  sha256: Type.String(),
  approvedBy: Type.Union([Type.String(), Type.Null()]),
  approvedAt: Type.Union([Type.String(), Type.Null()]),
});
export type IncidentDocument = Static<typeof IncidentDocument>;

/** A sending of an incident's customer notice: how many in each language, sent, unreachable, by whom, when. */
export const NoticeSend = Type.Object({
  id: Type.String(),
  langs: Type.Record(Type.String(), Type.Number()),
  sent: Type.Number(),
  unreachable: Type.Number(),
  by: Type.String(),
  at: Type.String(),
});
export type NoticeSend = Static<typeof NoticeSend>;

/** One line of the notify decision: per jurisdiction and audience, whether to notify, under which law, and why. */
export const IncidentNotifyItem = Type.Object({
  jurisdiction: Type.String(),
  audience: IncidentAudience,
  notify: Type.Boolean(),
  law: Type.String(),
  reason: Type.String(),
  rationale: Type.String(),
});
export type IncidentNotifyItem = Static<typeof IncidentNotifyItem>;

/** Whom to notify after a breach and why, with what makes the risk high (or not). */
export const IncidentNotifyDecision = Type.Object({
  items: Type.Array(IncidentNotifyItem),
  individuals: Type.Boolean(),
  regulators: Type.Array(Type.String()),
  risk: Type.Object({
    high: Type.Boolean(),
    contact: Type.Array(Type.String()),
    identity: Type.Array(Type.String()),
    setByHand: Type.Boolean(),
  }),
});
export type IncidentNotifyDecision = Static<typeof IncidentNotifyDecision>;

/** GET /v1/incidents/:id/documents: the notify decision, the texts with their approvals, the notices' sent log. */
export const IncidentDocuments = Type.Object({
  decision: IncidentNotifyDecision,
  documents: Type.Array(IncidentDocument),
  sends: Type.Array(NoticeSend),
});
export type IncidentDocuments = Static<typeof IncidentDocuments>;

/** POST /v1/incidents/:id/documents/:doc/:lang/approve: the incident, the text and its language. */
export const IncidentDocumentParams = Type.Object({
  id: Type.String(),
  doc: IncidentDocumentKind,
  lang: IncidentLang,
});
export type IncidentDocumentParams = Static<typeof IncidentDocumentParams>;

/** POST /v1/incidents/:id/notices/send: one language for all (default: each customer's jurisdiction's). */
export const NoticeSendBody = Type.Object({ lang: Type.Optional(IncidentLang) }, { additionalProperties: false });
export type NoticeSendBody = Static<typeof NoticeSendBody>;

/** A policy in force as written: its @id, its file, the comment lines above it, its Cedar text. */
export const PolicySource = Type.Object({
  id: Type.String(),
  file: Type.String(),
  comment: Type.String(),
  text: Type.String(),
});
export type PolicySource = Static<typeof PolicySource>;

/** GET /v1/policies/sources: the policy set in force and each policy as written. */
export const PolicySources = Type.Object({ info: PolicyInfo, policies: Type.Array(PolicySource) });
export type PolicySources = Static<typeof PolicySources>;

/** POST /v1/policies/dry-run: whose access, to which customer's field, for which purpose. */
export const PolicyDryRunBody = Type.Object(
  {
    staff: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'the staff id whose access is asked about',
    }),
    subject: Type.String({ minLength: 1, maxLength: 64, description: 'the customer’s vault token' }),
    field: Type.String({ minLength: 1, maxLength: 32 }),
    purpose: Type.String({ minLength: 1, maxLength: 40 }),
    explanation: Type.Optional(Type.String({ maxLength: 64 })),
    breakGlass: Type.Optional(Type.Boolean({ description: 'as if asked with a break-glass justification' })),
  },
  { additionalProperties: false },
);
export type PolicyDryRunBody = Static<typeof PolicyDryRunBody>;

/** POST /v1/policies/dry-run: the decision a reveal would get now, and what weighed in it. */
export const PolicyDryRun = Type.Object({
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  result: Type.String({ description: 'ok, break_glass or denied' }),
  policies: Type.Array(Type.String({ description: 'the @id of each deciding policy' })),
  reason: Type.Union([Type.Literal('quota'), Type.Literal('policy'), Type.Literal('disabled'), Type.Null()]),
  staff: Type.Object({ id: Type.String(), role: StaffRole }),
  kind: Type.String({ description: 'the subject’s kind (customer, reviewer, …)' }),
  explanation: Type.Object({ kind: Type.String(), held: Type.Boolean() }),
  grant: Type.Boolean(),
  quota: Type.Object({ used: Type.Number(), limit: Type.Number() }),
});
export type PolicyDryRun = Static<typeof PolicyDryRun>;
