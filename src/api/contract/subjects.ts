import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';

/** A subject token: `sub_` and 26 base-32 letters. */
export const SubjectToken = Type.String({
  pattern: ID_PATTERNS.subject,
  description: 'A subject token, as returned at creation',
  examples: ['sub_k3vd56ybwkez2qs5bs3dbizuky'],
});
export type SubjectToken = Static<typeof SubjectToken>;

/** An address: one line, or its parts. */
export const SubjectAddress = Type.Union([
  Type.String({
    description: 'One line, most specific part first: "12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh"',
  }),
  Type.Object(
    {
      street: Type.Optional(Type.String()),
      ward: Type.Optional(Type.String()),
      district: Type.Optional(Type.String()),
      province: Type.String(),
      country: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
]);
export type SubjectAddress = Static<typeof SubjectAddress>;

/** A subject's fields as the platform sends them, in clear (stored encrypted). */
export const SubjectFields = Type.Object(
  {
    name: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    address: Type.Optional(SubjectAddress),
  },
  {
    additionalProperties: Type.String(),
    description:
      'Typed fields name, phone, email, address; any other lower-case name is a free-form text field. Values are encrypted; only masks come back.',
    examples: [
      {
        name: 'Nguyễn Văn An',
        phone: '0912 345 678',
        email: 'an.nguyen@example.vn',
        address: '12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh',
      },
    ],
  },
);
export type SubjectFields = Static<typeof SubjectFields>;

/** POST /v1/subjects (and each item of a batch): a subject to create. */
export const SubjectCreate = Type.Object(
  {
    kind: Type.Optional(
      Type.String({ description: 'customer (default), recipient, reviewer, …', examples: ['customer'] }),
    ),
    externalId: Type.Optional(
      Type.String({
        description: "The platform's own id: creating the same kind and externalId again returns the existing subject",
      }),
    ),
    fields: SubjectFields,
  },
  { additionalProperties: false },
);
export type SubjectCreate = Static<typeof SubjectCreate>;

/** A subject's masked values, by field. */
export const SubjectMasks = Type.Record(Type.String(), Type.String(), {
  description: 'Masked values, by field',
  examples: [{ name: 'N. V. A.', phone: '+84 ••••••678' }],
});
export type SubjectMasks = Static<typeof SubjectMasks>;

/** A subject created (or found again by its kind and externalId): its token and masks. */
export const SubjectCreated = Type.Object({
  token: Type.String(),
  created: Type.Boolean(),
  externalId: Type.Union([Type.String(), Type.Null()]),
  fields: SubjectMasks,
});
export type SubjectCreated = Static<typeof SubjectCreated>;

/** GET /v1/subjects/:token: a subject, masked. */
export const SubjectMasked = Type.Object({
  token: Type.String(),
  kind: Type.String(),
  externalId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  fields: SubjectMasks,
});
export type SubjectMasked = Static<typeof SubjectMasked>;

/** POST /v1/subjects/lookup: the field and value to look up by blind index. */
export const SubjectLookup = Type.Object(
  {
    field: Type.Union([Type.Literal('name'), Type.Literal('phone'), Type.Literal('email')]),
    value: Type.String({ description: 'Sent in the body, never in the URL, so it stays out of access logs' }),
    exact: Type.Optional(
      Type.Boolean({ description: 'names only: match case-insensitively but with diacritics (default: without)' }),
    ),
    region: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description: 'phones only: region for numbers without a country code (default: the server setting)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SubjectLookup = Static<typeof SubjectLookup>;

/**
 * POST /v1/subjects/batch: up to `max` subjects, all or none (the server's setting, passed in by
 * the route).
 */
export const SubjectBatch = (max: number) =>
  Type.Object({ subjects: Type.Array(SubjectCreate, { minItems: 1, maxItems: max }) }, { additionalProperties: false });
export type SubjectBatch = Static<ReturnType<typeof SubjectBatch>>;

/** POST /v1/subjects/batch: each subject's result, in the order sent. */
export const SubjectBatchResult = Type.Object({ results: Type.Array(SubjectCreated) });
export type SubjectBatchResult = Static<typeof SubjectBatchResult>;

/** POST /v1/subjects/lookup: the tokens of the subjects found (never their values). */
export const SubjectLookupResult = Type.Object({ tokens: Type.Array(Type.String()) });
export type SubjectLookupResult = Static<typeof SubjectLookupResult>;

/** The path of the routes about one subject: its token. */
export const SubjectParams = Type.Object({ token: SubjectToken });
export type SubjectParams = Static<typeof SubjectParams>;

/** DELETE /v1/subjects/:token: the subject erased, and when. */
export const SubjectErased = Type.Object({ token: Type.String(), erasedAt: Type.String() });
export type SubjectErased = Static<typeof SubjectErased>;
