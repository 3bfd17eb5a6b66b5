/**
 * Deterministic fake people for demos, benchmarks and the simulator: Vietnamese customers
 * (and about 5% Chinese ones) with realistic names, valid mobile numbers written the many
 * ways people write them, e-mails and addresses. Nobody here is real; the same seed and
 * index always give the same person, whatever order people are asked for in.
 */

/** A fake person, shaped like the fields of a vault subject plus an external id. */
export type Person = {
  readonly externalId: string;
  readonly country: 'VN' | 'CN';
  readonly name: string;
  readonly phone: string;
  readonly email: string;
  readonly address: string;
};

/** A small seeded PRNG (mulberry32): uniform floats in [0, 1). Not for anything secret. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => int(r, 0, 9)).join('');
/** Weighted pick from "item:weight" entries. */
function weighted(r: Rand, xs: readonly (readonly [string, number])[]): string {
  let x = r() * xs.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of xs) if ((x -= w) < 0) return v;
  return xs[xs.length - 1]![0];
}

// Family names with their approximate share of the population (Nguyễn is about 38%).
const VN_FAMILY =
  'Nguyễn:38 Trần:11 Lê:9.5 Phạm:7 Hoàng:4 Huỳnh:4 Phan:4.5 Vũ:3.9 Võ:3.9 Đặng:2.1 Bùi:2 Đỗ:1.4 Hồ:1.3 Ngô:1.3 Dương:1 Lý:0.5 Trương:1 Đinh:0.8 Mai:0.5 Cao:0.4'
    .split(' ')
    .map((e) => e.split(':'))
    .map(([n, w]) => [n!, Number(w)] as const);
const VN_MIDDLE = {
  m: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Thành', 'Hoàng', 'Gia'],
  f: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Kim', 'Bảo', 'Thị Thu', 'Phương'],
};
const VN_GIVEN = {
  m: [
    'An',
    'Bình',
    'Cường',
    'Dũng',
    'Duy',
    'Hải',
    'Hiếu',
    'Hùng',
    'Huy',
    'Khoa',
    'Khánh',
    'Long',
    'Nam',
    'Phúc',
    'Quân',
    'Sơn',
    'Tâm',
    'Thắng',
    'Trung',
    'Tuấn',
    'Việt',
    'Vinh',
  ],
  f: [
    'An',
    'Anh',
    'Chi',
    'Dung',
    'Hà',
    'Hạnh',
    'Hằng',
    'Hương',
    'Lan',
    'Linh',
    'Mai',
    'Ngân',
    'Nhung',
    'Oanh',
    'Phương',
    'Thảo',
    'Trang',
    'Tuyết',
    'Uyên',
    'Vy',
    'Yến',
  ],
};
// Mobile prefixes (Viettel, Vinaphone, MobiFone, Vietnamobile, Gmobile, iTel), then 7 digits.
const VN_MOBILE = [
  '090',
  '091',
  '092',
  '093',
  '094',
  '095',
  '096',
  '097',
  '098',
  '099',
  '070',
  '076',
  '077',
  '078',
  '079',
  '081',
  '082',
  '083',
  '084',
  '085',
  '086',
  '087',
  '088',
  '089',
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
];
const VN_MAIL = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'yahoo.com',
  'yahoo.com.vn',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'fpt.com.vn',
];
const VN_STREETS = [
  'Lê Lợi',
  'Nguyễn Huệ',
  'Trần Hưng Đạo',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Điện Biên Phủ',
  'Cách Mạng Tháng Tám',
  'Nguyễn Trãi',
  'Lê Duẩn',
  'Phan Đình Phùng',
  'Võ Văn Tần',
  'Nguyễn Thị Minh Khai',
  'Hoàng Diệu',
  'Trần Phú',
  'Bạch Đằng',
  'Quang Trung',
  'Nguyễn Văn Cừ',
  'Lê Văn Sỹ',
  'Phạm Văn Đồng',
  'Hùng Vương',
];
// Province: weight, then "district=ward,ward;…" (the pre-2025 three-level units people still write).
const VN_PLACES: readonly (readonly [string, number, string])[] = [
  [
    'TP. Hồ Chí Minh',
    40,
    'Quận 1=Bến Nghé,Bến Thành,Đa Kao,Tân Định;Quận 3=Võ Thị Sáu,9,11;Quận 5=1,7,11;Quận 7=Tân Phong,Tân Phú,Tân Hưng;Quận 10=12,14;Quận Bình Thạnh=17,22,25;Quận Phú Nhuận=7,9;Quận Tân Bình=2,4,13;Quận Gò Vấp=5,10,17',
  ],
  [
    'Hà Nội',
    30,
    'Quận Ba Đình=Điện Biên,Kim Mã,Ngọc Hà;Quận Hoàn Kiếm=Hàng Bài,Hàng Trống,Tràng Tiền;Quận Đống Đa=Láng Hạ,Văn Miếu,Ô Chợ Dừa;Quận Cầu Giấy=Dịch Vọng,Nghĩa Đô,Yên Hòa;Quận Hai Bà Trưng=Bách Khoa,Lê Đại Hành;Quận Thanh Xuân=Khương Trung,Nhân Chính',
  ],
  [
    'Đà Nẵng',
    8,
    'Quận Hải Châu=Thạch Thang,Hòa Cường Bắc,Phước Ninh;Quận Thanh Khê=Chính Gián,Thạc Gián;Quận Sơn Trà=An Hải Bắc,Mân Thái',
  ],
  [
    'Hải Phòng',
    7,
    'Quận Hồng Bàng=Hoàng Văn Thụ,Minh Khai;Quận Lê Chân=An Biên,Cát Dài;Quận Ngô Quyền=Lạch Tray,Máy Chai',
  ],
  ['Cần Thơ', 6, 'Quận Ninh Kiều=An Cư,Tân An,Xuân Khánh;Quận Cái Răng=Lê Bình,Hưng Phú'],
  ['Khánh Hòa', 3, 'TP. Nha Trang=Lộc Thọ,Tân Lập,Vĩnh Hải'],
  ['Đồng Nai', 3, 'TP. Biên Hòa=Tân Phong,Trảng Dài,Quyết Thắng'],
  ['Bình Dương', 3, 'TP. Thủ Dầu Một=Phú Cường,Hiệp Thành,Chánh Nghĩa'],
];
const VN_PROVINCES = VN_PLACES.map(([p, w]) => [p, w] as const);
const VN_DISTRICTS = new Map(
  VN_PLACES.map(([p, , d]) => [p, d.split(';').map((x) => x.split('=') as [string, string])]),
);

// Chinese: family names with pinyin, given-name characters with pinyin, and places.
const CN_FAMILY = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['赵', 'zhao'],
  ['吴', 'wu'],
  ['周', 'zhou'],
] as const;
const CN_GIVEN = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['小', 'xiao'],
  ['明', 'ming'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['华', 'hua'],
  ['红', 'hong'],
] as const;
const CN_MOBILE = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
];
const CN_PLACES = [
  '广东省深圳市南山区',
  '广东省深圳市福田区',
  '广东省广州市天河区',
  '北京市朝阳区',
  '北京市海淀区',
  '上海市浦东新区',
  '上海市徐汇区',
  '浙江省杭州市西湖区',
  '广西壮族自治区南宁市青秀区',
  '云南省昆明市五华区',
];
const CN_STREETS = ['科技园路', '深南大道', '中山路', '人民路', '解放路', '建国路', '长江路', '文三路'];
const CN_MAIL = ['qq.com', '163.com', '126.com', 'gmail.com'];

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase();

function vnMobile(r: Rand): string {
  const pre = pick(r, VN_MOBILE);
  let rest = digits(r, 7);
  // Blocks libphonenumber does not list as assigned: 0992x and 0890x-0895x.
  if ((pre === '099' && rest[0] === '2') || (pre === '089' && rest[0]! < '6'))
    rest = String(int(r, 6, 9)) + rest.slice(1);
  const n = pre.slice(1) + rest; // national number without the trunk 0
  const spaced = `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  return pick(r, [
    `0${spaced}`,
    `0${n}`,
    `0${n}`,
    `+84${n}`,
    `+84 ${spaced}`,
    `0${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`,
    `(+84) ${spaced}`,
  ]);
}

function vietnamese(r: Rand, externalId: string): Person {
  const sex = r() < 0.5 ? 'm' : 'f';
  const family = weighted(r, VN_FAMILY);
  const middle = pick(r, VN_MIDDLE[sex]);
  const given = pick(r, VN_GIVEN[sex]);
  const [f, m, g] = [family, middle, given].map(fold) as [string, string, string];
  const initials = (family + ' ' + middle)
    .split(' ')
    .map((w) => fold(w)[0])
    .join('');
  const local =
    pick(r, [`${g}.${f}`, `${f}${m.replace(/ /g, '')}${g}`, `${g}${initials}`, `${g}_${f}`]) +
    pick(r, ['', String(int(r, 1, 99)), String(int(r, 1970, 2006))]);
  const province = weighted(r, VN_PROVINCES);
  const [district, wards] = pick(r, VN_DISTRICTS.get(province)!);
  const no = r() < 0.2 ? `${int(r, 1, 300)}/${int(r, 1, 40)}` : String(int(r, 1, 450));
  return {
    externalId,
    country: 'VN',
    name: `${family} ${middle} ${given}`,
    phone: vnMobile(r),
    email: `${local}@${pick(r, VN_MAIL)}`,
    address: `${no} ${pick(r, VN_STREETS)}, Phường ${pick(r, wards.split(','))}, ${district}, ${province}`,
  };
}

function chinese(r: Rand, externalId: string): Person {
  const family = pick(r, CN_FAMILY);
  const given = Array.from({ length: r() < 0.6 ? 2 : 1 }, () => pick(r, CN_GIVEN));
  const n = pick(r, CN_MOBILE) + digits(r, 8);
  const pinyin = given.map((c) => c[1]).join('');
  return {
    externalId,
    country: 'CN',
    name: family[0] + given.map((c) => c[0]).join(''),
    phone: pick(r, [`+86${n}`, `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`, `0086 ${n}`]),
    email:
      r() < 0.3 ? `${int(r, 10000, 999999999)}@qq.com` : `${pinyin}.${family[1]}${int(r, 1, 999)}@${pick(r, CN_MAIL)}`,
    address: `${pick(r, CN_PLACES)}${pick(r, CN_STREETS)}${int(r, 1, 999)}号`,
  };
}

/**
 * A deterministic source of fake people: `person(i)` is the same for a given seed and `i`,
 * and independent of which other people were asked for.
 * @example
 * const people = createPeople(42);
 * const p = people.person(0); // { externalId: 'p42-0', country: 'VN', name: 'Lê Thị Trang', phone: '+84948241534', ... }
 * await vault.createSubjects([{ kind: 'customer', externalId: p.externalId, fields: { name: p.name, phone: p.phone, email: p.email, address: p.address } }]);
 */
export function createPeople(seed: number) {
  return {
    person(i: number): Person {
      // Each person gets its own stream, keyed by (seed, i), so access is random-order safe.
      const r = rng(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
      const id = `p${seed}-${i}`;
      return r() < 0.05 ? chinese(r, id) : vietnamese(r, id);
    },
  };
}
