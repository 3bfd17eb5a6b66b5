/**
 * What the audit log records. Entries hold tokens, staff ids, field names, purposes and
 * keyed hashes, never personal data in clear: the log is served to outside verifiers.
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

/** An entry as stored and proven: its index, time, and the exact bytes that are its leaf. */
export type AuditEntry = { readonly index: number; readonly at: string; readonly body: Buffer };

const HEADER = ['v', 'i', 'at', 'kind', 'actor', 'subject', 'result'] as const;
/** An entry bundle gives each entry a 16-bit length (c2sp.org/tlog-tiles). */
export const MAX_ENTRY_BYTES = 65535;

/**
 * The bytes of entry `index`: JSON with the header keys first and the data keys sorted, so
 * the same record always gives the same leaf. The index is inside, so a row moved to another
 * place no longer matches its own content.
 */
export function encodeEntry(index: number, at: string, r: AuditRecord): Buffer {
  const obj: Record<string, unknown> = { v: 1, i: index, at, kind: r.kind, actor: r.actor };
  if (r.subject !== undefined) obj.subject = r.subject;
  if (r.result !== undefined) obj.result = r.result;
  for (const k of Object.keys(r.data ?? {}).sort()) {
    if ((HEADER as readonly string[]).includes(k)) throw new Error(`audit data key "${k}" clashes with the entry header`);
    const v = r.data![k];
    if (v !== undefined) obj[k] = v;
  }
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  if (body.length > MAX_ENTRY_BYTES) throw new Error('an audit entry is larger than 65535 bytes');
  return body;
}

/** Reads an entry's JSON back (for reports and verification); undefined when it is not an entry. */
export function decodeEntry(body: Uint8Array): (Record<string, unknown> & { i: number; at: string; kind: string; actor: string }) | undefined {
  try {
    const o = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || typeof o.i !== 'number' || typeof o.at !== 'string' || typeof o.kind !== 'string' || typeof o.actor !== 'string') return undefined;
    return o as Record<string, unknown> & { i: number; at: string; kind: string; actor: string };
  } catch {
    return undefined;
  }
}
