/**
 * The tables of the vault: subjects, their sealed fields and blind indexes, the id allocator it
 * draws subject ids from, and the data keys (in the key store's schema). Written by vault.repo.ts
 * only. Times are ISO-8601 UTC text in both dialects (sortable, and read back the same from SQLite
 * and PostgreSQL); bytes are Buffers.
 */
export interface VaultTables {
  vault_subjects: VaultSubjectTable;
  vault_fields: VaultFieldTable;
  vault_index: VaultIndexTable;
  'cloak_keys.vault_data_keys': VaultDataKeyTable;
  id_alloc: IdAllocTable;
}

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

/** Hands out blocks of sequential ids (one row per sequence), the same way in both dialects. */
export interface IdAllocTable {
  name: string;
  next_id: number;
}
