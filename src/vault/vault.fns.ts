import type { CountryCode } from 'libphonenumber-js/max';
import type { ErrorDetail } from '../lib/errors.ts';
import { maskAddress, maskAddressParts, maskEmail, maskName, maskOther, maskPhone } from './mask.ts';
import { foldedNameIndexForm, nameIndexForm, normalizeEmail, normalizeName, normalizePhone } from './normalize.ts';
import type { AddressParts, IndexScope, PreparedField, PreparedSubject, SubjectInput } from './vault.types.ts';

export const KIND = /^[a-z][a-z0-9_]{1,31}$/;
export const FIELD_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const EXTERNAL_ID = /^[\x21-\x7e]{1,128}$/; // printable ASCII, no spaces: an id, not a sentence
const MAX_VALUE = 2000;
const MAX_FIELDS = 32;

/** The kind a subject has when its input names none. */
export const DEFAULT_KIND = 'customer';

/** What identifies a subject across writes: its kind and external id (undefined without one). */
export function externalKey(input: SubjectInput): string | undefined {
  if (typeof input?.externalId !== 'string') return undefined;
  return `${typeof input.kind === 'string' ? input.kind : DEFAULT_KIND}\u0000${input.externalId}`;
}

export type Prepared =
  | { readonly ok: true; readonly subject: PreparedSubject }
  | { readonly ok: false; readonly errors: readonly ErrorDetail[] };

/**
 * Validates and normalizes one subject: each field's value to encrypt, its mask and its
 * blind-index forms. Problems name the field (`/fields/phone`) and never quote the value.
 * @example prepareSubject({ kind: 'customer', fields: { phone: '0912345678' } }, 'VN')
 */
export function prepareSubject(input: SubjectInput, region: CountryCode, at = ''): Prepared {
  const errors: ErrorDetail[] = [];
  const bad = (path: string, problem: string) => errors.push({ path: `${at}${path}`, problem });
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [{ path: at || '/', problem: 'must be an object' }] };
  const kind = input.kind ?? DEFAULT_KIND;
  if (typeof kind !== 'string' || !KIND.test(kind))
    bad('/kind', 'must be 2-32 lower-case letters, digits or _ (e.g. customer, recipient, reviewer)');
  let externalId: string | null = null;
  if (input.externalId !== undefined && input.externalId !== null) {
    if (typeof input.externalId !== 'string' || !EXTERNAL_ID.test(input.externalId))
      bad('/externalId', 'must be 1-128 printable ASCII characters without spaces');
    else externalId = input.externalId;
  }
  const fields: PreparedField[] = [];
  const raw = input.fields;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    bad('/fields', 'must be an object of field names to values');
    return { ok: false, errors };
  }
  const names = Object.keys(raw);
  // A null field is left out, so `{ phone: null }` is as empty as `{}`.
  if (names.every((n) => raw[n] === undefined || raw[n] === null)) bad('/fields', 'must hold at least one field');
  if (names.length > MAX_FIELDS) bad('/fields', `holds more than ${MAX_FIELDS} fields`);
  for (const name of names) {
    const path = `/fields/${name}`;
    if (!FIELD_NAME.test(name)) {
      // The bad name is not echoed: whatever was typed there may be personal data.
      bad('/fields', 'holds a field name that is not 1-40 lower-case letters, digits or _ starting with a letter');
      continue;
    }
    const value = raw[name];
    if (value === undefined || value === null) continue;
    const r =
      name === 'address'
        ? prepareAddress(value)
        : typeof value === 'string'
          ? prepareField(name, value, region)
          : { problem: 'must be a string' };
    if ('problem' in r) bad(path, r.problem);
    else fields.push(r);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, subject: { kind, externalId, fields } };
}

type FieldOrProblem = PreparedField | { readonly problem: string };

function prepareField(field: string, value: string, region: CountryCode): FieldOrProblem {
  if (value.length > MAX_VALUE) return { problem: `is longer than ${MAX_VALUE} characters` };
  switch (field) {
    case 'phone': {
      const p = normalizePhone(value, region);
      if (!p.ok) return p;
      return {
        field,
        value: p.value.e164,
        mask: maskPhone(p.value),
        index: [{ scope: 'phone', normalized: p.value.e164 }],
      };
    }
    case 'email': {
      const e = normalizeEmail(value);
      if (!e.ok) return e;
      return {
        field,
        value: e.value.display,
        mask: maskEmail(e.value.display),
        index: [{ scope: 'email', normalized: e.value.indexed }],
      };
    }
    case 'name': {
      const n = normalizeName(value);
      if (!n.ok) return n;
      const index: { scope: IndexScope; normalized: string }[] = [
        { scope: 'name', normalized: nameIndexForm(n.value) },
        { scope: 'name_folded', normalized: foldedNameIndexForm(n.value) },
      ];
      return { field, value: n.value, mask: maskName(n.value), index };
    }
    default:
      if (value.trim().length === 0) return { problem: 'is empty' };
      return { field, value: value.normalize('NFC'), mask: maskOther(), index: [] };
  }
}

function prepareAddress(value: unknown): FieldOrProblem {
  let line: string;
  let mask: string | undefined;
  if (typeof value === 'string') line = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const a = value as Partial<Record<keyof AddressParts, unknown>>;
    const parts = (['street', 'ward', 'district', 'province', 'country'] as const).map((k) => a[k]);
    if (parts.some((p) => p !== undefined && typeof p !== 'string'))
      return { problem: 'address parts must be strings' };
    if (typeof a.province !== 'string' || a.province.trim() === '')
      return { problem: 'an address given in parts needs a province' };
    line = parts
      .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
      .map((p) => p.normalize('NFC').trim())
      .join(', ');
    // The parts say which is the district and the province: no guessing from the line.
    mask = maskAddressParts({ district: a.district as string | undefined, province: a.province });
  } else return { problem: 'must be a string or an object with street, ward, district, province, country' };
  if (line.length === 0) return { problem: 'is empty' };
  if (line.length > MAX_VALUE) return { problem: `is longer than ${MAX_VALUE} characters` };
  return { field: 'address', value: line, mask: mask ?? maskAddress(line), index: [] };
}

/**
 * The normalized forms a lookup searches for. Names search the diacritics-free index
 * unless `exact` is asked for.
 */
export function lookupForms(
  field: string,
  value: string,
  region: CountryCode,
  exact: boolean,
): { ok: true; scope: IndexScope; normalized: string } | { ok: false; problem: string } {
  switch (field) {
    case 'phone': {
      const p = normalizePhone(value, region);
      return p.ok ? { ok: true, scope: 'phone', normalized: p.value.e164 } : p;
    }
    case 'email': {
      const e = normalizeEmail(value);
      return e.ok ? { ok: true, scope: 'email', normalized: e.value.indexed } : e;
    }
    case 'name': {
      const n = normalizeName(value);
      if (!n.ok) return n;
      return exact
        ? { ok: true, scope: 'name', normalized: nameIndexForm(n.value) }
        : { ok: true, scope: 'name_folded', normalized: foldedNameIndexForm(n.value) };
    }
    default:
      return { ok: false, problem: 'is not an indexed field (name, phone or email)' };
  }
}
