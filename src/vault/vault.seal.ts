import { hmacSha256, newKey, open, randomId, seal, type RandomPool } from '../lib/crypto.ts';
import { DEK_VERSION, type IndexScope, type PreparedSubject, type SealedSubject } from './vault.types.ts';

/** The blind-index key of each scope (derived from the keyring's index root). */
export type IndexKeys = Readonly<Record<IndexScope, Buffer>>;
export const INDEX_SCOPES: readonly IndexScope[] = ['name', 'name_folded', 'phone', 'email'];

/** Associated data of a field: binds the ciphertext to its subject, field and data-key version. */
export function fieldAad(token: string, field: string, dekVersion: number): Buffer {
  return Buffer.from(`cloak/field/v1|${token}|${field}|${dekVersion}`, 'utf8');
}

/** The context a data key is wrapped under: it can only be unwrapped for its own subject. */
export function dekContext(token: string): string {
  return `subject:${token}`;
}

/** HMAC-SHA256 of a normalized value under its scope's key. */
export function blindIndex(keys: IndexKeys, scope: IndexScope, normalized: string): Buffer {
  return hmacSha256(keys[scope], normalized);
}

/**
 * Encrypts a prepared subject: a fresh token and data key, each field under AES-256-GCM
 * with its own random nonce, and the blind indexes. Runs on the main thread for single
 * writes and in worker threads for bulk ones.
 */
export function sealSubject(p: PreparedSubject, keys: IndexKeys, pool: RandomPool): SealedSubject {
  const token = randomId('sub', pool);
  const dek = newKey(pool);
  const fields = p.fields.map((f) => ({
    field: f.field,
    sealed: seal(dek, Buffer.from(f.value, 'utf8'), fieldAad(token, f.field, DEK_VERSION), pool.nonce()),
    mask: f.mask,
  }));
  const index = p.fields.flatMap((f) =>
    f.index.map((i) => ({ scope: i.scope, hash: blindIndex(keys, i.scope, i.normalized) })),
  );
  return { token, kind: p.kind, externalId: p.externalId, dek, fields, index };
}

/** Decrypts one field with its subject's data key. */
export function openField(dek: Buffer, token: string, field: string, dekVersion: number, sealed: Uint8Array): string {
  return open(dek, sealed, fieldAad(token, field, dekVersion)).toString('utf8');
}
