/*
 * What the law asks after a breach, by the affected people's jurisdiction, and the texts Cloak
 * drafts. The rules as written here (a person must check them against the current texts):
 *  - Vietnam, Personal Data Protection Law (in force 2026-01-01; before it Decree 13/2023,
 *    art. 23): notify the personal data protection agency of the Ministry of Public Security
 *    (A05) within 72 hours of discovering the breach.
 *  - European Union, GDPR art. 33: notify the supervisory authority without undue delay and,
 *    where feasible, within 72 hours of becoming aware; art. 34: tell the data subjects without
 *    undue delay when the breach is likely to result in a high risk to them.
 *  - China, PIPL art. 57: take remedial measures immediately and notify the personal
 *    information protection authorities and the individuals concerned.
 */

export type Jurisdiction = 'VN' | 'EU' | 'CN' | 'other';
export type Deadline = {
  readonly jurisdiction: Jurisdiction;
  readonly kind: 'regulator' | 'individuals';
  readonly to: string;
  readonly law: string;
  readonly due: string;
  readonly rule: string;
};
export type Lang = 'vi' | 'en' | 'zh';
export const LANGS: readonly Lang[] = ['vi', 'en', 'zh'];

const EU_CALLING_CODES = new Set([
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '43',
  '45',
  '46',
  '48',
  '49',
  '351',
  '352',
  '353',
  '356',
  '357',
  '358',
  '359',
  '370',
  '371',
  '372',
  '385',
  '386',
  '420',
  '421',
]);

/**
 * The jurisdiction of a customer from the country calling code kept in their phone mask
 * (`+84 ••••678`). A customer with no phone on record (a reviewer known by e-mail only) counts
 * in Vietnam, where the company is established and processes their data, so Vietnam's law
 * applies to them; a number from a country with no rule encoded here is `other`.
 */
export function jurisdictionOfPhoneMask(mask: string | undefined): Jurisdiction {
  if (mask === undefined || mask === '') return 'VN';
  const m = /^\+(\d{1,3})\s/.exec(mask);
  if (!m) return 'other';
  if (m[1] === '84') return 'VN';
  if (m[1] === '86') return 'CN';
  return EU_CALLING_CODES.has(m[1]!) ? 'EU' : 'other';
}

const HOUR = 3_600_000;
/**
 * The deadlines that follow from a breach discovered at `discoveredAt` touching people of these
 * jurisdictions. `highRisk` (GDPR art. 34) adds the notice to individuals in the EU.
 */
export function deadlinesFor(
  jurisdictions: ReadonlySet<Jurisdiction>,
  discoveredAt: Date,
  highRisk: boolean,
): Deadline[] {
  const at = (h: number) => new Date(discoveredAt.getTime() + h * HOUR).toISOString();
  const out: Deadline[] = [];
  if (jurisdictions.has('VN'))
    out.push({
      jurisdiction: 'VN',
      kind: 'regulator',
      to: 'Ministry of Public Security, personal data protection agency (A05)',
      law: 'Vietnam Personal Data Protection Law',
      due: at(72),
      rule: '72 hours from discovery',
    });
  if (jurisdictions.has('EU')) {
    out.push({
      jurisdiction: 'EU',
      kind: 'regulator',
      to: 'the competent supervisory authority',
      law: 'GDPR art. 33',
      due: at(72),
      rule: 'without undue delay, within 72 hours of becoming aware',
    });
    if (highRisk)
      out.push({
        jurisdiction: 'EU',
        kind: 'individuals',
        to: 'the affected individuals',
        law: 'GDPR art. 34',
        due: at(72),
        rule: 'without undue delay (high risk); tracked at 72 hours',
      });
  }
  if (jurisdictions.has('CN')) {
    out.push({
      jurisdiction: 'CN',
      kind: 'regulator',
      to: 'the personal information protection authorities',
      law: 'PIPL art. 57',
      due: at(0),
      rule: 'immediately',
    });
    out.push({
      jurisdiction: 'CN',
      kind: 'individuals',
      to: 'the affected individuals',
      law: 'PIPL art. 57',
      due: at(0),
      rule: 'immediately',
    });
  }
  return out.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
}

export type ReportFacts = {
  readonly id: string;
  readonly title: string;
  readonly discoveredAt: string;
  readonly occurredAt: string | null;
  readonly where: string;
  readonly subjects: number;
  readonly byJurisdiction: Readonly<Partial<Record<Jurisdiction, number>>>;
  readonly categories: readonly string[];
  readonly measures: string;
  readonly dpo: string;
};

const CATEGORY_NAMES: Record<Lang, Record<string, string>> = {
  vi: { phone: 'số điện thoại', email: 'địa chỉ e-mail', name: 'họ tên', address: 'địa chỉ', tracking: 'mã vận đơn' },
  en: {
    phone: 'phone numbers',
    email: 'e-mail addresses',
    name: 'names',
    address: 'addresses',
    tracking: 'tracking numbers',
  },
  zh: { phone: '电话号码', email: '电子邮件地址', name: '姓名', address: '地址', tracking: '运单号' },
};
const cats = (lang: Lang, c: readonly string[]) =>
  c.map((x) => CATEGORY_NAMES[lang][x] ?? x).join(lang === 'zh' ? '、' : ', ');
/** What the exposed categories make likely, for the report and the notice. */
function consequences(lang: Lang, c: readonly string[]): string {
  const scam = c.includes('phone') || c.includes('email');
  const parcel = c.includes('tracking') || c.includes('address');
  return {
    vi:
      [
        scam ? 'cuộc gọi, tin nhắn hoặc e-mail lừa đảo mạo danh công ty' : '',
        parcel ? 'lừa đảo viện dẫn mã vận đơn hoặc địa chỉ giao hàng thật' : '',
      ]
        .filter(Boolean)
        .join('; ') || 'rủi ro thấp',
    en:
      [
        scam ? 'scam calls, messages or e-mails impersonating the company' : '',
        parcel ? 'fraud quoting a real tracking number or delivery address' : '',
      ]
        .filter(Boolean)
        .join('; ') || 'low risk',
    zh:
      [scam ? '冒充本公司的诈骗电话、短信或电子邮件' : '', parcel ? '引用真实运单号或收货地址的诈骗' : '']
        .filter(Boolean)
        .join('；') || '风险较低',
  }[lang];
}

/** The report to the regulator: what happened, when and where, categories and counts, likely consequences, measures, the DPO. */
export function regulatorReport(f: ReportFacts, lang: Lang): string {
  const order: Jurisdiction[] = ['VN', 'EU', 'CN', 'other'];
  const j = order
    .filter((k) => f.byJurisdiction[k])
    .map((k) => `${k}: ${f.byJurisdiction[k]}`)
    .join(', ');
  const t = {
    vi: [
      `BÁO CÁO VI PHẠM DỮ LIỆU CÁ NHÂN — ${f.id}`,
      `Sự việc: ${f.title}`,
      `Thời điểm phát hiện: ${f.discoveredAt}${f.occurredAt ? `; thời điểm xảy ra (ước tính): ${f.occurredAt}` : ''}`,
      `Nơi xảy ra: ${f.where}`,
      `Số chủ thể dữ liệu bị ảnh hưởng: ${f.subjects} (${j})`,
      `Loại dữ liệu: ${cats('vi', f.categories)}`,
      `Hậu quả có thể xảy ra: ${consequences('vi', f.categories)}`,
      `Biện pháp đã thực hiện: ${f.measures}`,
      `Người phụ trách bảo vệ dữ liệu: ${f.dpo}`,
    ],
    en: [
      `PERSONAL DATA BREACH REPORT — ${f.id}`,
      `What happened: ${f.title}`,
      `Discovered: ${f.discoveredAt}${f.occurredAt ? `; occurred (estimated): ${f.occurredAt}` : ''}`,
      `Where: ${f.where}`,
      `Data subjects affected: ${f.subjects} (${j})`,
      `Categories of data: ${cats('en', f.categories)}`,
      `Likely consequences: ${consequences('en', f.categories)}`,
      `Measures taken: ${f.measures}`,
      `Data protection officer: ${f.dpo}`,
    ],
    zh: [
      `个人信息泄露报告 — ${f.id}`,
      `事件：${f.title}`,
      `发现时间：${f.discoveredAt}${f.occurredAt ? `；发生时间（估计）：${f.occurredAt}` : ''}`,
      `发生地点：${f.where}`,
      `受影响的个人：${f.subjects}（${j}）`,
      `涉及的个人信息种类：${cats('zh', f.categories)}`,
      `可能造成的危害：${consequences('zh', f.categories)}`,
      `已采取的补救措施：${f.measures}`,
      `个人信息保护负责人：${f.dpo}`,
    ],
  }[lang];
  return `${t.join('\n')}\n`;
}

/** The notice to an affected customer: what of theirs was exposed, what to expect, what to do, whom to ask. */
export function customerNotice(f: ReportFacts, lang: Lang): string {
  const t = {
    vi: [
      'Thông báo về sự cố dữ liệu cá nhân',
      `Ngày ${f.discoveredAt.slice(0, 10)}, chúng tôi phát hiện một sự cố làm lộ ${cats('vi', f.categories)} của quý khách.`,
      `Quý khách có thể gặp: ${consequences('vi', f.categories)}.`,
      'Chúng tôi không bao giờ yêu cầu mật khẩu, mã OTP hay chuyển tiền qua điện thoại. Hãy gác máy và gọi lại số tổng đài chính thức nếu có nghi ngờ.',
      `Biện pháp chúng tôi đã thực hiện: ${f.measures}`,
      `Liên hệ: ${f.dpo}`,
    ],
    en: [
      'Notice of a personal data incident',
      `On ${f.discoveredAt.slice(0, 10)} we found an incident that exposed your ${cats('en', f.categories)}.`,
      `You may receive: ${consequences('en', f.categories)}.`,
      'We never ask for passwords, one-time codes or payments by phone. If in doubt, hang up and call our official number.',
      `What we have done: ${f.measures}`,
      `Contact: ${f.dpo}`,
    ],
    zh: [
      '个人信息安全事件通知',
      `我们于${f.discoveredAt.slice(0, 10)}发现一起事件，您的${cats('zh', f.categories)}可能已被泄露。`,
      `您可能会遇到：${consequences('zh', f.categories)}。`,
      '我们绝不会通过电话索要密码、验证码或要求转账。如有疑问，请挂断电话并拨打我们的官方客服号码。',
      `我们已采取的措施：${f.measures}`,
      `联系方式：${f.dpo}`,
    ],
  }[lang];
  return `${t.join('\n')}\n`;
}

/** Why a notification is or is not owed; the dashboard words each in the reader's language. */
export type NotifyReason =
  | 'vn_regulator_72h'
  | 'vn_individuals_not_required'
  | 'gdpr33_regulator'
  | 'gdpr34_high_risk'
  | 'gdpr34_not_high_risk'
  | 'pipl57_immediately'
  | 'no_rule';
export type NotifyItem = {
  readonly jurisdiction: Jurisdiction;
  readonly audience: 'regulator' | 'individuals';
  /** Whether the law as encoded here requires this notification. */
  readonly notify: boolean;
  readonly law: string;
  readonly reason: NotifyReason;
  /** The same reasoning in English, for the API and the log. */
  readonly rationale: string;
};
export type NotifyDecision = {
  readonly items: NotifyItem[];
  /** Whether individuals must be told in at least one jurisdiction. */
  readonly individuals: boolean;
  readonly regulators: string[];
  /** What makes the risk high (or not): the exposed categories that weigh. */
  readonly risk: {
    readonly high: boolean;
    readonly contact: string[];
    readonly identity: string[];
    readonly setByHand: boolean;
  };
};

/**
 * Whom to notify after a breach, and why: per jurisdiction of the affected people, the
 * regulator and the individuals, with the rule that decides. A pure function of the incident's
 * scope, so the decision shown is the one the deadlines follow.
 * @example notifyDecision({ byJurisdiction: { EU: 3 }, categories: ['phone', 'name'], highRisk: true }).individuals // true
 */
export function notifyDecision(f: {
  readonly byJurisdiction: Readonly<Partial<Record<Jurisdiction, number>>>;
  readonly categories: readonly string[];
  readonly highRisk: boolean;
}): NotifyDecision {
  const contact = f.categories.filter((c) => c === 'phone' || c === 'email');
  const identity = f.categories.filter((c) => c === 'name' || c === 'address');
  const derived = contact.length > 0 && identity.length > 0;
  const exposed = [...contact, ...identity].join(', ') || f.categories.join(', ') || 'no category recorded';
  const riskWhy = f.highRisk
    ? derived
      ? `high risk: ${contact.join(' and ')} exposed with ${identity.join(' and ')} (targeted scams)`
      : 'high risk, as assessed by the officer who opened the incident'
    : `no high risk found: ${exposed} exposed without the combination that enables targeted scams`;
  const items: NotifyItem[] = [];
  const count = (j: Jurisdiction) => f.byJurisdiction[j] ?? 0;
  if (count('VN') > 0) {
    items.push({
      jurisdiction: 'VN',
      audience: 'regulator',
      notify: true,
      law: 'Vietnam Personal Data Protection Law',
      reason: 'vn_regulator_72h',
      rationale: `${count('VN')} people in Vietnam: notify the A05 agency of the Ministry of Public Security within 72 hours of discovery`,
    });
    items.push({
      jurisdiction: 'VN',
      audience: 'individuals',
      notify: false,
      law: 'Vietnam Personal Data Protection Law',
      reason: 'vn_individuals_not_required',
      rationale:
        'the rule encoded here sets no deadline to tell the people; telling them is still advised when phones are exposed',
    });
  }
  if (count('EU') > 0) {
    items.push({
      jurisdiction: 'EU',
      audience: 'regulator',
      notify: true,
      law: 'GDPR art. 33',
      reason: 'gdpr33_regulator',
      rationale: `${count('EU')} people in the EU: personal data was exposed, so the supervisory authority is told within 72 hours`,
    });
    items.push({
      jurisdiction: 'EU',
      audience: 'individuals',
      notify: f.highRisk,
      law: 'GDPR art. 34',
      reason: f.highRisk ? 'gdpr34_high_risk' : 'gdpr34_not_high_risk',
      rationale: `GDPR art. 34: ${riskWhy}`,
    });
  }
  if (count('CN') > 0) {
    items.push({
      jurisdiction: 'CN',
      audience: 'regulator',
      notify: true,
      law: 'PIPL art. 57',
      reason: 'pipl57_immediately',
      rationale: `${count('CN')} people in China: PIPL art. 57, notify the authorities immediately`,
    });
    items.push({
      jurisdiction: 'CN',
      audience: 'individuals',
      notify: true,
      law: 'PIPL art. 57',
      reason: 'pipl57_immediately',
      rationale: 'PIPL art. 57: notify the individuals immediately',
    });
  }
  if (count('other') > 0)
    items.push({
      jurisdiction: 'other',
      audience: 'regulator',
      notify: false,
      law: '—',
      reason: 'no_rule',
      rationale: `${count('other')} people whose jurisdiction has no rule encoded here: a person must decide`,
    });
  return {
    items,
    individuals: items.some((i) => i.audience === 'individuals' && i.notify),
    regulators: items.filter((i) => i.audience === 'regulator' && i.notify).map((i) => i.jurisdiction),
    risk: { high: f.highRisk, contact, identity, setByHand: f.highRisk !== derived },
  };
}

/** The language a notice is sent in, from the customer's jurisdiction. */
export const noticeLangOf = (j: Jurisdiction): Lang => (j === 'VN' ? 'vi' : j === 'CN' ? 'zh' : 'en');
