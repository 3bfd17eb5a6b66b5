import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Normalizers: the canonical form a value is indexed (and stored) under, so that the same
 * person written two ways finds the same blind index. Pure functions, fed by outsiders:
 * property-tested in normalize.test.ts.
 */

export type Normalized<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export type NormalizedPhone = {
  readonly e164: string;
  readonly countryCallingCode: string;
  readonly nationalNumber: string;
};

/**
 * A phone number in E.164, validated against libphonenumber's full ("max") metadata.
 * Numbers without a country code are read in `region` (Vietnam by default).
 * @example normalizePhone('0912 345 678', 'VN') // { ok: true, value: { e164: '+84912345678', ... } }
 */
export function normalizePhone(raw: string, region: CountryCode): Normalized<NormalizedPhone> {
  const s = raw.trim();
  if (s.length === 0) return { ok: false, problem: 'is empty' };
  if (s.length > 40) return { ok: false, problem: 'is too long for a phone number' };
  // The whole string must be the number: libphonenumber would otherwise pick a number out
  // of a sentence (or drop an extension) and store something other than what was written.
  if (/[^\d\s+().\-/]/u.test(s)) return { ok: false, problem: 'may hold only digits, spaces and + ( ) - . /' };
  const p = parsePhoneNumberFromString(s, region);
  if (!p || !p.isValid())
    return {
      ok: false,
      problem: `is not a valid phone number (numbers without a country code are read in region ${region})`,
    };
  return {
    ok: true,
    value: { e164: p.number, countryCallingCode: p.countryCallingCode, nationalNumber: p.nationalNumber },
  };
}

/** A Vietnamese mobile number in one of its usual written shapes: 0…, 84…, +84…, spaced, dotted or dashed. */
const VN_MOBILE = /^(?:\+?84|0)((?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7})$/;

/**
 * The E.164 form a lookup of `raw` would search for, by a shortcut for the common shape of
 * Vietnamese mobile numbers (libphonenumber takes about 5 µs a number; tracing a leak of ten
 * million rows reads ten million). Only for lookups: a string of this shape that
 * libphonenumber would refuse is no stored number, so it matches nothing either way (the
 * test compares both on every shape). Anything else goes to `normalizePhone`.
 * @example phoneLookupForm('0912 345 678', 'VN') // '+84912345678'
 */
export function phoneLookupForm(raw: string, region: CountryCode): string | undefined {
  const m = VN_MOBILE.exec(raw.replace(/[\s.\-]/g, ''));
  if (m && (region === 'VN' || raw.trimStart().startsWith('+'))) return `+84${m[1]}`;
  const p = normalizePhone(raw, region);
  return p.ok ? p.value.e164 : undefined;
}

// Deliberately loose: RFC 5322 allows far more than mail systems accept, and a stricter
// pattern would refuse real customers. One @, no spaces, a dotted domain.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/u;

/**
 * An e-mail trimmed; the indexed form is lower-cased.
 * @example normalizeEmail(' An.Nguyen@Example.VN ') // { ok: true, value: { display: 'An.Nguyen@Example.VN', indexed: 'an.nguyen@example.vn' } }
 */
export function normalizeEmail(raw: string): Normalized<{ readonly display: string; readonly indexed: string }> {
  const s = raw.trim().normalize('NFC');
  if (s.length === 0) return { ok: false, problem: 'is empty' };
  if (s.length > 254) return { ok: false, problem: 'is longer than 254 characters' };
  if (!EMAIL.test(s))
    return { ok: false, problem: 'is not an e-mail address (expected one @ and a dotted domain, no spaces)' };
  return { ok: true, value: { display: s, indexed: s.toLowerCase() } };
}

/** A name in Unicode NFC with its white space collapsed. */
export function normalizeName(raw: string): Normalized<string> {
  const s = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (s.length === 0) return { ok: false, problem: 'is empty' };
  if (s.length > 300) return { ok: false, problem: 'is longer than 300 characters' };
  if (/[\p{Cc}\p{Cf}]/u.test(s)) return { ok: false, problem: 'contains control characters' };
  return { ok: true, value: s };
}

/** The exact name index: NFC, case folded. */
export function nameIndexForm(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/**
 * The diacritics-free name index, so "Nguyễn Văn An" and "nguyen van an" meet.
 * Vietnamese đ/Đ is a letter of its own, not d with a mark, so it is mapped by hand.
 * @example foldedNameIndexForm('Nguyễn Văn Đức') // 'nguyen van duc'
 */
export function foldedNameIndexForm(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}

/** True when the text holds CJK ideographs (Chinese names and addresses are written without spaces). */
export function hasCjk(s: string): boolean {
  return /\p{Script=Han}/u.test(s);
}
