import { hasCjk, type NormalizedPhone } from './normalize.ts';

/**
 * Masks: what is shown wherever a value is shown, unless a reveal was allowed. Computed at
 * write time and stored, so showing a mask never decrypts. A mask must not let anyone
 * rebuild the value: initials, a country code and three digits, a domain, a district.
 */

const DOT = '•';

/**
 * A phone keeps its country code and its last 3 digits.
 * @example maskPhone({ e164: '+84912345678', countryCallingCode: '84', nationalNumber: '912345678' }) // '+84 ••••••678'
 */
export function maskPhone(p: NormalizedPhone): string {
  const n = p.nationalNumber;
  return `+${p.countryCallingCode} ${DOT.repeat(Math.max(n.length - 3, 1))}${n.slice(-3)}`;
}

/**
 * A name keeps the initial of each word. A Chinese name (no spaces, ideographs) keeps its
 * first character, the family name, since each ideograph is a word of its own.
 * @example maskName('Nguyễn Văn An') // 'N. V. A.'
 * @example maskName('王小明') // '王••'
 */
export function maskName(name: string): string {
  const words = name.split(' ').filter(Boolean);
  if (words.length === 1 && hasCjk(name)) {
    const chars = [...name];
    return chars[0] + DOT.repeat(chars.length - 1);
  }
  return words.map((w) => `${[...w][0]!.toLocaleUpperCase()}.`).join(' ');
}

/**
 * An e-mail keeps its first letter and its domain.
 * @example maskEmail('an.nguyen@example.vn') // 'a•••@example.vn'
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${[...email][0]}${DOT.repeat(3)}@${email.slice(at + 1)}`;
}

const COUNTRIES = new Set(['viet nam', 'việt nam', 'vietnam', 'vn', 'china', 'cn', '中国', 'trung quốc', 'prc']);

// 省/市, then 市, then 区/县/旗. Each unit is short and holds no other unit's marker and no
// digit, and a 小区/社区 (housing estate, community) is no district, so a street is never
// swept in, even when the address has no district.
const CN_UNITS =
  /^(?:中国)?([^省市区县\d０-９]{2,10}?(?:省|自治区|特别行政区|市))([^省市区县\d０-９]{1,10}?市)?([^省市区县\d０-９]{1,10}?(?<![小社])(?:区|县|旗))?/u;

/**
 * An address keeps its district and province. A one-line address is read as
 * comma-separated parts, most specific first, with a trailing country dropped; a Chinese
 * address by its 省/市 and 区/县 units, commas or not.
 * @example maskAddress('12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh') // 'Quận 1, TP. Hồ Chí Minh'
 * @example maskAddress('广东省深圳市南山区科技园科苑路15号') // '南山区, 深圳市, 广东省'
 */
export function maskAddress(address: string): string {
  if (hasCjk(address)) {
    // Never by its last comma parts: written in Chinese order (province first) those are
    // the street. The parts are read in the order given, then reversed (the order an
    // address given in parts is joined in), by units only.
    const parts = address
      .split(/[,，、]/u)
      .map((p) => p.trim())
      .filter((p) => p !== '' && !COUNTRIES.has(p.toLowerCase()))
      .map((p) => p.replace(/\s+/gu, ''));
    for (const line of [parts.join(''), [...parts].reverse().join('')]) {
      const m = CN_UNITS.exec(line);
      if (m) return [m[3], m[2], m[1]].filter(Boolean).join(', ');
    }
    return DOT.repeat(3);
  }
  const parts = address
    .split(/[,，]/u)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 1 && COUNTRIES.has(parts[parts.length - 1]!.toLowerCase())) parts.pop();
  // Only when something more specific is left out: with two parts, the first is the street.
  if (parts.length >= 3) return `${parts[parts.length - 2]}, ${parts[parts.length - 1]}`;
  if (parts.length === 2) return parts[1]!;
  return DOT.repeat(3);
}

/**
 * The mask of an address given in parts: its district and province, never the street or ward.
 * @example maskAddressParts({ street: '12 Lê Lợi', district: 'Quận 1', province: 'TP. Hồ Chí Minh' }) // 'Quận 1, TP. Hồ Chí Minh'
 */
export function maskAddressParts(a: { readonly district?: string | undefined; readonly province: string }): string {
  return [a.district, a.province]
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.normalize('NFC').trim())
    .join(', ');
}

/** A free-form field shows only that it is set. */
export function maskOther(): string {
  return DOT.repeat(3);
}
