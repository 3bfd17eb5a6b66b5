/**
 * Row shapes of every table, as Kysely sees them. Times are ISO-8601 UTC text in both
 * dialects (sortable, and read back the same from SQLite and PostgreSQL); bytes are Buffers.
 */
/**
 * Subjects are clustered by a sequential internal `id`, never shown outside the vault: rows
 * of one batch land side by side, where clustering by the random token scattered every
 * write over the whole table. The token stays the only public name.
 */
export interface VaultSubjectTable {
  id: number;
  token: string;
  kind: string;
  external_id: string | null;
  dek_version: number;
  created_at: string;
  erased_at: string | null;
}
export interface VaultFieldTable {
  subject_id: number;
  field: string;
  /** format ‖ nonce ‖ AES-256-GCM ciphertext ‖ tag, under the subject's data key. */
  sealed: Buffer;
  /** The masked value, computed at write time so showing it never decrypts. */
  mask: string;
}
export interface VaultIndexTable {
  scope: string;
  /** HMAC-SHA256 of the normalized value under the scope's derived key. */
  hash: Buffer;
  subject_id: number;
}
/** Lives apart from the data: its own SQLite file, or its own PostgreSQL schema. */
export interface VaultDataKeyTable {
  subject_id: number;
  /** The subject's token: the context the key is wrapped under. */
  token: string;
  dek_version: number;
  kek_version: number;
  wrapped: Buffer;
  created_at: string;
}
export interface ApiKeyTable {
  id: string;
  name: string;
  /** JSON array of scope names. */
  scopes: string;
  secret_hash: Buffer;
  created_at: string;
  revoked_at: string | null;
}

/** Hands out blocks of sequential ids (one row per sequence), the same way in both dialects. */
export interface IdAllocTable {
  name: string;
  next_id: number;
}

export const KEY_SCHEMA = 'cloak_keys';

export interface Database {
  vault_subjects: VaultSubjectTable;
  vault_fields: VaultFieldTable;
  vault_index: VaultIndexTable;
  'cloak_keys.vault_data_keys': VaultDataKeyTable;
  api_keys: ApiKeyTable;
  id_alloc: IdAllocTable;
  cloak_meta: { key: string; value: string };
}

