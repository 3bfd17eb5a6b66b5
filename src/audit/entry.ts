import { createHash, randomBytes } from 'node:crypto';

/**
 * What the audit log records. Entries hold tokens, staff ids, field names, purposes and
 * keyed hashes, never personal data in clear. Each entry has two forms (README): the stored
 * one, with its salt and every value in clear, which only Cloak's database holds; and its
 * public form, the bytes that are hashed into the tree and given to verifiers and customers.
 */
export type AuditValue = string | number | boolean | null | readonly string[];

/** One thing to record. `kind` names it (`reveal`, `export`, `grant`, `break_glass_review`, `policy`, `key`, `device`, `ticket`, `moderation`, `staff`, …). */
export type AuditRecord = {
  readonly kind: string;
  /** Who did it, as in events: `staff:u-17`, `service:key_…`, `device:sc-1`, `system`. */
  readonly actor: string;
  /** The vault token of the customer concerned, if one. */
  readonly subject?: string | undefined;
  /** `ok`, `denied`, `break_glass`, `approved`, … */
  readonly result?: string | undefined;
  readonly data?: Readonly<Record<string, AuditValue | undefined>>;
};

/** An entry as stored: its index, time, and its stored bytes (`publicEntry(body)` are its leaf). */
export type AuditEntry = { readonly index: number; readonly at: string; readonly body: Buffer };

const HEADER = ['v', 'i', 'at', 'kind', 'actor', 'subject', 'result', 'salt', 'nonce'] as const;
/** An entry bundle gives each entry a 16-bit length (c2sp.org/tlog-tiles). */
export const MAX_ENTRY_BYTES = 65535;
/** Bytes of a version-2 entry's salt (256 bits; its public nonce is 128 bits derived from it). */
export const SALT_BYTES = 32;

/**
 * Data keys that name a person or an internal reference (a staff member, a ticket or
 * assignment, a case, grant, export, review or key id). In an entry about a customer (one
 * with a `subject`, which that customer's access report hands over), the public form holds a
 * salted commitment to each of them, and to the actor, instead of the value.
 */
export const PRIVATE_KEYS: ReadonlySet<string> = new Set([
  'explanation',
  'ticket',
  'assignment',
  'staff',
  'requester',
  'approver',
  'assignee',
  'reviewer',
  'suspect',
  'seller',
  'grant',
  'grants',
  'case',
  'export',
  'review',
  'reveal',
  'key',
]);

/** The stored form's object: header keys first, the data keys sorted, the salt last. */
function storedObject(index: number, at: string, r: AuditRecord, salt: Buffer): Record<string, unknown> {
  if (salt.length !== SALT_BYTES) throw new Error(`an audit entry's salt is ${SALT_BYTES} bytes`);
  const obj: Record<string, unknown> = { v: 2, i: index, at, kind: r.kind, actor: r.actor };
  if (r.subject !== undefined) obj.subject = r.subject;
  if (r.result !== undefined) obj.result = r.result;
  for (const k of Object.keys(r.data ?? {}).sort()) {
    if ((HEADER as readonly string[]).includes(k))
      throw new Error(`audit data key "${k}" clashes with the entry header`);
    const v = r.data![k];
    if (v !== undefined) obj[k] = v;
  }
  obj.salt = salt.toString('base64url');
  return obj;
}

const bytesOf = (obj: Record<string, unknown>): Buffer => {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  if (body.length > MAX_ENTRY_BYTES) throw new Error('an audit entry is larger than 65535 bytes');
  return body;
};

/**
 * The stored bytes of entry `index` (version 2): JSON with the header keys first, the data
 * keys sorted and the salt last, so the same record and salt always give the same bytes. The
 * index is inside, so a row moved to another place no longer matches its own content.
 */
export function encodeEntry(index: number, at: string, r: AuditRecord, salt: Buffer = randomBytes(SALT_BYTES)): Buffer {
  return bytesOf(storedObject(index, at, r, salt));
}

/** Both forms of entry `index` at once (the writer's path: the public form without reading the stored one back). */
export function encodeEntryForms(
  index: number,
  at: string,
  r: AuditRecord,
  salt: Buffer,
): { body: Buffer; pub: Buffer } {
  const obj = storedObject(index, at, r, salt);
  return { body: bytesOf(obj), pub: bytesOf(publicObject(obj, salt)) };
}

const h = (salt: Buffer, label: string) => createHash('sha256').update(salt).update(label, 'utf8').digest();
/**
 * The commitment to `value` under field `key` in the entry with this salt:
 * base64url(SHA-256(salt ‖ key ‖ 0x00 ‖ value)). Whoever holds the salt and the value opens
 * it; without the salt (256 random bits) it cannot be confirmed from a guess.
 */
export const commit = (salt: Buffer, key: string, value: string): string =>
  h(salt, `${key}\u0000${value}`).toString('base64url');
/** The 128-bit nonce a version-2 entry's public form carries: SHA-256(salt ‖ "nonce"), first 16 bytes. */
export const nonceOf = (salt: Buffer): string => h(salt, 'nonce').subarray(0, 16).toString('base64url');

/** An actor's public form in an entry about a customer: its kind (`staff`, `device`, `service`) and a commitment, `staff:#…`. */
function publicActor(salt: Buffer, actor: string): string {
  if (actor === 'system' || actor.startsWith('system:')) return actor;
  const colon = actor.indexOf(':');
  return `${colon > 0 ? actor.slice(0, colon) : 'actor'}:#${commit(salt, 'actor', actor)}`;
}

/** The public form's object from the stored form's, key by key in the same order. */
function publicObject(o: Record<string, unknown>, salt: Buffer): Record<string, unknown> {
  const about = typeof o.subject === 'string';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'salt') out.nonce = nonceOf(salt);
    else if (about && k === 'actor' && typeof v === 'string') out.actor = publicActor(salt, v);
    else if (about && PRIVATE_KEYS.has(k) && (typeof v === 'string' || Array.isArray(v)))
      out[k] = `#${commit(salt, k, typeof v === 'string' ? v : JSON.stringify(v))}`;
    else out[k] = v;
  }
  return out;
}

/**
 * The public form of stored entry bytes: the bytes that are its Merkle leaf (leaf =
 * SHA-256(0x00 ‖ public form)), served in entry bundles, proofs and access reports.
 * Version 1 entries (written before salts) are their own public form. In version 2, the salt
 * is replaced by its nonce (so a leaf cannot be confirmed from a guess of the entry), and in
 * an entry about a customer the actor and every PRIVATE_KEYS value by their commitments.
 * Undefined when the bytes are not a readable entry.
 */
export function publicEntry(body: Uint8Array): Buffer | undefined {
  const o = decodeEntry(body);
  if (!o) return undefined;
  if (o.v === 1) return Buffer.from(body);
  if (o.v !== 2 || typeof o.salt !== 'string') return undefined;
  const salt = Buffer.from(o.salt, 'base64url');
  if (salt.length !== SALT_BYTES || salt.toString('base64url') !== o.salt) return undefined;
  const pub = Buffer.from(JSON.stringify(publicObject(o, salt)), 'utf8');
  return pub.length > MAX_ENTRY_BYTES ? undefined : pub;
}

/** The public form of entry bytes written by this log (throws on bytes that are not an entry). */
export function publicOf(body: Uint8Array): Buffer {
  const pub = publicEntry(body);
  if (!pub) throw new Error('not a readable audit entry');
  return pub;
}

/** Reads an entry's JSON back (for reports and verification); undefined when it is not an entry. */
export function decodeEntry(
  body: Uint8Array,
): (Record<string, unknown> & { i: number; at: string; kind: string; actor: string }) | undefined {
  try {
    const o = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof o.i !== 'number' ||
      typeof o.at !== 'string' ||
      typeof o.kind !== 'string' ||
      typeof o.actor !== 'string'
    )
      return undefined;
    return o as Record<string, unknown> & { i: number; at: string; kind: string; actor: string };
  } catch {
    return undefined;
  }
}
