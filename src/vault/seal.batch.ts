import type { CountryCode } from 'libphonenumber-js/max';
import type { ErrorDetail } from '../lib/errors.ts';
import type { RandomPool } from '../lib/crypto.ts';
import { prepareSubject } from './vault.fns.ts';
import { sealSubject, type IndexKeys } from './vault.seal.ts';
import type { IndexScope, SealedSubject, SubjectInput } from './vault.types.ts';

export type SealOutcome =
  | { readonly ok: true; readonly sealed: SealedSubject }
  | { readonly ok: false; readonly errors: readonly ErrorDetail[] };

/** Validates, normalizes and seals a batch, in order. The same code runs in workers and inline. */
export function sealBatch(
  items: readonly SubjectInput[],
  keys: IndexKeys,
  region: CountryCode,
  pool: RandomPool,
): SealOutcome[] {
  return items.map((item) => {
    const p = prepareSubject(item, region);
    return p.ok ? { ok: true, sealed: sealSubject(p.subject, keys, pool) } : { ok: false, errors: p.errors };
  });
}

/*
 * Packing for the trip between threads. A Buffer from Node's small-buffer pool is a view
 * into an 8 KiB ArrayBuffer that structured cloning would copy whole for every field, so a
 * batch's bytes travel as one transferred ArrayBuffer and come back as views into it.
 */
type Span = readonly [number, number];
type PackedSubject = {
  token: string;
  kind: string;
  externalId: string | null;
  dek: Span;
  fields: { field: string; mask: string; sealed: Span }[];
  index: { scope: IndexScope; hash: Span }[];
};
export type PackedBatch = {
  readonly bytes: ArrayBuffer;
  readonly outcomes: ({ ok: true; sealed: PackedSubject } | { ok: false; errors: readonly ErrorDetail[] })[];
};

export function packBatch(outcomes: readonly SealOutcome[]): PackedBatch {
  const parts: Buffer[] = [];
  let off = 0;
  const span = (b: Buffer): Span => {
    parts.push(b);
    const s: Span = [off, b.length];
    off += b.length;
    return s;
  };
  const packed = outcomes.map((o) => {
    if (!o.ok) return o;
    const s = o.sealed;
    return {
      ok: true as const,
      sealed: {
        token: s.token,
        kind: s.kind,
        externalId: s.externalId,
        dek: span(s.dek),
        fields: s.fields.map((f) => ({ field: f.field, mask: f.mask, sealed: span(f.sealed) })),
        index: s.index.map((i) => ({ scope: i.scope, hash: span(i.hash) })),
      },
    };
  });
  const bytes = new ArrayBuffer(off);
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  for (const o of outcomes) if (o.ok) o.sealed.dek.fill(0); // the clear data key now lives only in `bytes`
  return { bytes, outcomes: packed };
}

export function unpackBatch(b: PackedBatch): SealOutcome[] {
  const view = ([o, n]: Span) => Buffer.from(b.bytes, o, n);
  return b.outcomes.map((o) => {
    if (!o.ok) return o;
    const s = o.sealed;
    return {
      ok: true,
      sealed: {
        token: s.token,
        kind: s.kind,
        externalId: s.externalId,
        dek: view(s.dek),
        fields: s.fields.map((f) => ({ field: f.field, mask: f.mask, sealed: view(f.sealed) })),
        index: s.index.map((i) => ({ scope: i.scope, hash: view(i.hash) })),
      },
    };
  });
}
