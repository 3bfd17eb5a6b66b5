/** The typed fields every subject may have; any other lower-case name is a free-form field. */
export const TYPED_FIELDS = ['name', 'phone', 'email', 'address'] as const;
export type TypedField = (typeof TYPED_FIELDS)[number];

/** Fields a lookup can search by, each with its blind index. */
export const INDEXED_FIELDS = ['name', 'phone', 'email'] as const;
export type IndexedField = (typeof INDEXED_FIELDS)[number];

/** Blind-index scopes: one per indexed field, plus the diacritics-free name index. */
export type IndexScope = 'name' | 'name_folded' | 'phone' | 'email';

/** An address may be given as one line or in parts. */
export type AddressParts = {
  readonly street?: string;
  readonly ward?: string;
  readonly district?: string;
  readonly province: string;
  readonly country?: string;
};

/** What the platform sends to create a subject. */
export type SubjectInput = {
  readonly kind?: string;
  readonly externalId?: string;
  readonly fields: Readonly<Record<string, unknown>>;
};

/** One field after validation and normalization: the value to encrypt, its mask, its index entries. */
export type PreparedField = {
  readonly field: string;
  readonly value: string;
  readonly mask: string;
  readonly index: readonly { readonly scope: IndexScope; readonly normalized: string }[];
};

export type PreparedSubject = {
  readonly kind: string;
  readonly externalId: string | null;
  readonly fields: readonly PreparedField[];
};

/** A subject encrypted and ready to store; `dek` is its data key in clear, to be wrapped. */
export type SealedSubject = {
  readonly token: string;
  readonly kind: string;
  readonly externalId: string | null;
  readonly dek: Buffer;
  readonly fields: readonly { readonly field: string; readonly sealed: Buffer; readonly mask: string }[];
  readonly index: readonly { readonly scope: IndexScope; readonly hash: Buffer }[];
};

/** A subject as shown everywhere by default: masks only. */
export type MaskedSubject = {
  readonly token: string;
  readonly kind: string;
  readonly externalId: string | null;
  readonly createdAt: string;
  readonly fields: Readonly<Record<string, string>>;
};

/** Outcome of creating one subject: a new token, or the existing one for that external id. */
export type CreateResult = {
  readonly token: string;
  readonly created: boolean;
  readonly externalId: string | null;
  readonly fields: Readonly<Record<string, string>>;
};

/** Version of the per-subject data key; bound into every field's associated data. */
export const DEK_VERSION = 1;
