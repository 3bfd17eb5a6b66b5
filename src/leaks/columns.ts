import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isTrackingNumber } from '../waybill/waybill.fns.ts';

/*
 * Which columns of a leaked file hold what. Leaks come with headers in Vietnamese, Chinese or
 * English, or none; the header is a hint and the values decide: a column is a phone column
 * when most of its sampled values are valid phone numbers (libphonenumber-js, Vietnamese and
 * Chinese numbers and international ones), an e-mail column when most are addresses, and so
 * on. Names and addresses have no checksum, so for them the header must say so, or (names) the
 * values must look like names of people.
 */

export const CATEGORIES = ['phone', 'email', 'name', 'address', 'tracking'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Header words, lower-cased and without diacritics, in English, Vietnamese and Chinese. */
const HEADER_WORDS: Record<Category, readonly string[]> = {
  phone: [
    'phone',
    'mobile',
    'tel',
    'telephone',
    'cell',
    'sdt',
    'so dien thoai',
    'dien thoai',
    'di dong',
    '电话',
    '手机',
    '手机号',
    '联系电话',
    '电话号码',
  ],
  email: ['email', 'e-mail', 'mail', 'thu dien tu', '邮箱', '电子邮件', '邮件'],
  name: [
    'name',
    'full name',
    'fullname',
    'customer',
    'recipient',
    'ho ten',
    'ho va ten',
    'ten',
    'khach hang',
    'nguoi nhan',
    '姓名',
    '名字',
    '收件人',
    '客户',
  ],
  address: ['address', 'addr', 'street', 'dia chi', 'noi nhan', '地址', '收货地址', '详细地址'],
  tracking: [
    'tracking',
    'tracking number',
    'waybill',
    'awb',
    'shipment',
    'ma van don',
    'van don',
    'ma don',
    '运单号',
    '快递单号',
    '单号',
  ],
};

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .trim();

/** What a header suggests, if anything. */
export function categoryOfHeader(header: string): Category | undefined {
  const h = fold(header);
  if (!h) return undefined;
  for (const c of CATEGORIES)
    if (
      HEADER_WORDS[c].some((w) => h === w || h.split(' ').includes(w) || (/[\u4e00-\u9fff]/.test(w) && h.includes(w)))
    )
      return c;
  return undefined;
}

const EMAIL = /^[^\s@<>()"',;]{1,64}@[^\s@<>()"',;]{1,255}\.[a-z]{2,24}$/i;
/** Old 11-digit Vietnamese mobile prefixes and what they became in 2018 (016x → 03x, 0120–0129 → 07x/08x, 0186/0188 → 056/058, 0199 → 059). */
const VN_OLD_PREFIXES: Record<string, string> = {
  '0162': '032',
  '0163': '033',
  '0164': '034',
  '0165': '035',
  '0166': '036',
  '0167': '037',
  '0168': '038',
  '0169': '039',
  '0120': '070',
  '0121': '079',
  '0122': '077',
  '0126': '076',
  '0128': '078',
  '0123': '083',
  '0124': '084',
  '0125': '085',
  '0127': '081',
  '0129': '082',
  '0186': '056',
  '0188': '058',
  '0199': '059',
};

/** Today's form of a phone number written the old Vietnamese 11-digit way (0168 xxx xxxx → 038 xxx xxxx); others as given. */
export function modernizeVietnamesePhone(raw: string): string {
  const digits = raw.replace(/[\s.()-]/g, '');
  const m = /^(?:\+?84|0)(1\d{2})(\d{7})$/.exec(digits);
  if (!m) return raw;
  const now = VN_OLD_PREFIXES[`0${m[1]}`];
  return now ? `${now}${m[2]}` : raw;
}

/** Whether a value is a phone number (Vietnam and China assumed for numbers without a country code). */
export function isPhone(v: string): boolean {
  const s = v.trim();
  if (s.length < 6 || s.length > 24 || !/^[+\d][\d\s.()-]+$/.test(s)) return false;
  const m = modernizeVietnamesePhone(s);
  return ['VN', 'CN'].some((r) => parsePhoneNumberFromString(m, r as 'VN')?.isValid() === true);
}
export const isEmail = (v: string) => EMAIL.test(v.trim());
/** A person's name: two to six words of letters (any script), or two to four Chinese characters. */
export const looksLikeName = (v: string) =>
  /^(\p{L}[\p{L}'.-]*)(\s+\p{L}[\p{L}'.-]*){1,5}$/u.test(v.trim()) || /^[\u4e00-\u9fff]{2,4}$/.test(v.trim());

export type ColumnGuess = {
  readonly index: number;
  readonly header: string | undefined;
  readonly category: Category;
  readonly confidence: number;
};

/**
 * Classifies columns from their header and a sample of rows. A value test wins over the
 * header; the header alone decides only for names and addresses.
 * @example classifyColumns(['SĐT', 'Họ tên'], [['0912 345 678', 'Nguyễn Văn An']]) // phone, name
 */
export function classifyColumns(
  headers: readonly string[] | undefined,
  sample: readonly (readonly string[])[],
): ColumnGuess[] {
  const width = Math.max(headers?.length ?? 0, ...sample.map((r) => r.length));
  const out: ColumnGuess[] = [];
  for (let i = 0; i < width; i++) {
    const values = sample.map((r) => (r[i] ?? '').trim()).filter((v) => v !== '');
    const header = headers?.[i];
    const hinted = header === undefined ? undefined : categoryOfHeader(header);
    const share = (test: (v: string) => boolean) => (values.length ? values.filter(test).length / values.length : 0);
    const scores: [Category, number][] = [
      ['email', share(isEmail)],
      ['tracking', share((v) => isTrackingNumber(v.toUpperCase()))],
      ['phone', share(isPhone)],
    ];
    const [best, score] = scores.sort((a, b) => b[1] - a[1])[0]!;
    if (score >= 0.6) out.push({ index: i, header, category: best, confidence: score });
    else if (hinted === 'address' || (hinted === 'name' && share(looksLikeName) >= 0.5))
      out.push({ index: i, header, category: hinted, confidence: 0.5 });
    else if (!hinted && values.length >= 5 && share(looksLikeName) >= 0.8 && values.some((v) => /[^\x00-\x7f]/.test(v)))
      out.push({ index: i, header, category: 'name', confidence: 0.4 });
  }
  return out;
}
