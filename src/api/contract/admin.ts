import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';
import { Scope } from './shared.ts';

/** An API key as listed (never its secret). */
export const ApiKeyInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Scope),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()], { description: 'when its current secret stops working' }),
  rotatedAt: Type.Union([Type.String(), Type.Null()], { description: 'when its secret was last replaced' }),
});
export type ApiKeyInfo = Static<typeof ApiKeyInfo>;

/** POST /v1/api-keys (201) and its rotation: the key with its secret (shown once). */
export const ApiKeyWithSecret = Type.Composite([ApiKeyInfo, Type.Object({ secret: Type.String() })]);
export type ApiKeyWithSecret = Static<typeof ApiKeyWithSecret>;

/** POST /v1/api-keys: a key to create. */
export const NewApiKey = Type.Object(
  {
    name: Type.String({ examples: ['order-system'] }),
    scopes: Type.Array(Scope, { minItems: 1 }),
    days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'lifetime in days (at most CLOAK_API_KEY_DAYS, the default)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type NewApiKey = Static<typeof NewApiKey>;

/** GET /v1/api-keys. */
export const ApiKeyList = Type.Object({ keys: Type.Array(ApiKeyInfo) });
export type ApiKeyList = Static<typeof ApiKeyList>;

/** `:id` of an API key. */
export const ApiKeyParams = Type.Object({ id: Type.String() });
export type ApiKeyParams = Static<typeof ApiKeyParams>;

/** POST /v1/api-keys/{id}/rotate: the new secret's lifetime. */
export const ApiKeyRotateQuery = Type.Object(
  {
    days: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,4}$',
        description: 'lifetime in days (default: as long as its current secret was given; at most CLOAK_API_KEY_DAYS)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApiKeyRotateQuery = Static<typeof ApiKeyRotateQuery>;

/** `:id` of a staff member whose sign-in token is issued or revoked. */
export const StaffTokenParams = Type.Object({ id: Type.String({ pattern: ID_PATTERNS.staff }) });
export type StaffTokenParams = Static<typeof StaffTokenParams>;

/** POST /v1/staff/{id}/token (201): the fresh sign-in token (shown once) and when it stops working. */
export const StaffTokenIssued = Type.Object({ id: Type.String(), token: Type.String(), expiresAt: Type.String() });
export type StaffTokenIssued = Static<typeof StaffTokenIssued>;

/** GET /v1/keys: key-encryption-key versions and how many data keys each wraps. */
export const KeyEncryptionStatus = Type.Object({
  active: Type.Number(),
  versions: Type.Array(Type.Number()),
  dataKeysByVersion: Type.Record(Type.String(), Type.Number()),
  subjects: Type.Number(),
});
export type KeyEncryptionStatus = Static<typeof KeyEncryptionStatus>;

/** POST /v1/keys/rewrap: data keys rewrapped under the active version, and those that could not be read. */
export const RewrapResult = Type.Object({ rewrapped: Type.Number(), unreadable: Type.Number() });
export type RewrapResult = Static<typeof RewrapResult>;
