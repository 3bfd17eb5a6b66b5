import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';

/** A language the incident's texts are written in. */
export const IncidentLang = Type.Union([Type.Literal('vi'), Type.Literal('en'), Type.Literal('zh')]);
export type IncidentLang = Static<typeof IncidentLang>;

/** Who is told after a breach: the regulator, or the affected people themselves. */
export const IncidentAudience = Type.Union([Type.Literal('regulator'), Type.Literal('individuals')]);
export type IncidentAudience = Static<typeof IncidentAudience>;

/** An incident's id, in the path. */
export const IncidentParams = Type.Object({ id: Type.String() });
export type IncidentParams = Static<typeof IncidentParams>;

/** One notification deadline of an incident: to whom, under which law, when due, and when it was met (null: open). */
export const IncidentDeadline = Type.Object({
  jurisdiction: Type.String(),
  kind: IncidentAudience,
  to: Type.String(),
  law: Type.String(),
  due: Type.String(),
  rule: Type.String(),
  met: Type.Union([Type.String(), Type.Null()]),
});
export type IncidentDeadline = Static<typeof IncidentDeadline>;

/** An incident: its scope (counts, categories, affected people per jurisdiction), measures and deadlines. */
export const Incident = Type.Object({
  id: Type.String(),
  title: Type.String(),
  where: Type.String(),
  discoveredAt: Type.String(),
  occurredAt: Type.Union([Type.String(), Type.Null()]),
  subjects: Type.Number(),
  categories: Type.Array(Type.String()),
  jurisdictions: Type.Record(Type.String(), Type.Number()),
  highRisk: Type.Boolean(),
  deadlines: Type.Array(IncidentDeadline),
  measures: Type.String(),
  openedAt: Type.String(),
});
export type Incident = Static<typeof Incident>;

/** POST /v1/incidents: what happened, where, when, to whom (vault tokens) and what was done. */
export const IncidentOpenBody = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 200 }),
    where: Type.String({ minLength: 1, maxLength: 200 }),
    discoveredAt: Type.Optional(Type.String()),
    occurredAt: Type.Optional(Type.String()),
    subjects: Type.Array(Type.String({ pattern: ID_PATTERNS.subject }), { minItems: 1, maxItems: 10_000_000 }),
    categories: Type.Array(Type.String({ pattern: '^[a-z]{2,20}$' })),
    measures: Type.String({ minLength: 1, maxLength: 4000 }),
    highRisk: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type IncidentOpenBody = Static<typeof IncidentOpenBody>;

/** GET /v1/incidents: the incidents, newest first. */
export const IncidentList = Type.Object({ incidents: Type.Array(Incident) });
export type IncidentList = Static<typeof IncidentList>;

/** POST /v1/incidents/:id/deadlines/:index/met: the incident and the deadline's place in its list. */
export const IncidentDeadlineParams = Type.Object({
  id: Type.String(),
  index: Type.String({ pattern: '^[0-9]{1,3}$' }),
});
export type IncidentDeadlineParams = Static<typeof IncidentDeadlineParams>;

/** GET /v1/incidents/:id/report and /notice: the language of the text. */
export const IncidentLangQuery = Type.Object({ lang: IncidentLang }, { additionalProperties: false });
export type IncidentLangQuery = Static<typeof IncidentLangQuery>;

/** POST /v1/affected/start: the identifier to send a one-time code to. */
export const AffectedStartBody = Type.Object(
  {
    identifier: Type.String({
      minLength: 3,
      maxLength: 254,
      description: 'a phone number or e-mail address, in the body, never the URL',
    }),
  },
  { additionalProperties: false },
);
export type AffectedStartBody = Static<typeof AffectedStartBody>;

/** POST /v1/affected/start: the challenge to answer with the code, and until when. */
export const AffectedChallenge = Type.Object({ challenge: Type.String(), expiresAt: Type.String() });
export type AffectedChallenge = Static<typeof AffectedChallenge>;

/** POST /v1/affected/verify: the challenge and the six-digit code sent. */
export const AffectedVerifyBody = Type.Object(
  { challenge: Type.String({ maxLength: 64 }), code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { additionalProperties: false },
);
export type AffectedVerifyBody = Static<typeof AffectedVerifyBody>;

/** POST /v1/affected/verify: whether the identifier was part of an incident, which data, and what to do. */
export const AffectedAnswer = Type.Object({
  affected: Type.Boolean(),
  incidents: Type.Array(
    Type.Object({
      discoveredAt: Type.String(),
      categories: Type.Array(Type.String()),
      advice: Type.String(),
    }),
  ),
});
export type AffectedAnswer = Static<typeof AffectedAnswer>;
