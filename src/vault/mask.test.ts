import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getCountries, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { maskAddress, maskEmail, maskName, maskOther, maskPhone } from './mask.ts';
import { normalizeEmail, normalizeName, normalizePhone, type NormalizedPhone } from './normalize.ts';

const RUNS = { numRuns: 300 };
const DOT = '•';

/**
 * Valid phones from every country libphonenumber knows: its example mobile with the last
 * digits replaced at random, kept when still valid.
 */
const countriesWithExamples = getCountries().filter(
  (c) => (examples as Partial<Record<CountryCode, string>>)[c] !== undefined,
);
const anyValidPhone: fc.Arbitrary<NormalizedPhone> = fc
  .record({
    country: fc.constantFrom(...countriesWithExamples),
    tail: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ country, tail }) => {
    const example = (examples as Record<string, string>)[country]!;
    const k = Math.min(tail.length, example.length - 1);
    const r = normalizePhone(example.slice(0, example.length - k) + tail.slice(0, k).join(''), country);
    return r.ok ? r.value : null;
  })
  .filter((p): p is NormalizedPhone => p !== null);

describe('maskPhone', () => {
  test('keeps the country code and the last 3 digits', () => {
    assert.equal(
      maskPhone({ e164: '+84912345678', countryCallingCode: '84', nationalNumber: '912345678' }),
      '+84 ••••••678',
    );
    const cn = normalizePhone('+86 138 0013 8000', 'VN');
    assert.ok(cn.ok);
    assert.equal(maskPhone(cn.value), '+86 ••••••••000');
  });

  test('property: for any valid phone, the mask is "+<cc> ", dots and the last 3 digits, nothing more', () => {
    fc.assert(
      fc.property(anyValidPhone, (p) => {
        const mask = maskPhone(p);
        const n = p.nationalNumber;
        assert.ok(mask.startsWith(`+${p.countryCallingCode} `), mask);
        const rest = mask.slice(`+${p.countryCallingCode} `.length);
        assert.match(rest, /^•+\d{3}$/u);
        assert.equal(rest.slice(-3), n.slice(-3));
        // No run of 4+ digits anywhere, so no stretch of the national number but its last 3.
        assert.doesNotMatch(mask, /\d{4,}/);
        for (let i = 0; i + 4 <= n.length; i++)
          assert.ok(!mask.includes(n.slice(i, i + 4)), `${mask} shows ${n.slice(i, i + 4)}`);
        assert.notEqual(mask, p.e164);
        // The dots hide the length of what they hide, not more.
        assert.equal([...rest].filter((c) => c === DOT).length, Math.max(n.length - 3, 1));
      }),
      RUNS,
    );
  });
});

describe('maskName', () => {
  test('keeps initials', () => {
    assert.equal(maskName('Nguyễn Văn An'), 'N. V. A.');
    assert.equal(maskName('nguyễn văn an'), 'N. V. A.');
    assert.equal(maskName('Đặng Thị Ánh'), 'Đ. T. Á.');
    assert.equal(maskName('An'), 'A.');
  });

  test('a Chinese name keeps its family name', () => {
    assert.equal(maskName('王小明'), '王••');
    assert.equal(maskName('欧阳娜娜'), '欧•••');
    assert.equal(maskName('李娜'), '李•');
  });

  test('property: the mask of a name of 2+ words is its initials, never the name', () => {
    const letters = [...'abcdeghiklmnopqrstuvxyzăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ'];
    const word = fc.mixedCase(
      fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 10 }).map((w) => w.join('')),
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 5 }), (words) => {
        const n = normalizeName(words.join(' '));
        assert.ok(n.ok);
        const mask = maskName(n.value);
        assert.notEqual(mask, n.value);
        const expected = n.value
          .split(' ')
          .map((w) => `${[...w][0]!.toLocaleUpperCase()}.`)
          .join(' ');
        assert.equal(mask, expected);
        for (const w of n.value.split(' '))
          if ([...w].length >= 2) assert.ok(!mask.toLowerCase().includes(w.toLowerCase()), `${mask} shows ${w}`);
      }),
      RUNS,
    );
  });

  test('property: a Chinese name of 2+ characters shows only its first', () => {
    const han = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c));
    fc.assert(
      fc.property(fc.array(han, { minLength: 2, maxLength: 5 }), (chars) => {
        const name = chars.join('');
        const mask = maskName(name);
        assert.notEqual(mask, name);
        assert.equal(mask, chars[0] + DOT.repeat(chars.length - 1));
      }),
      RUNS,
    );
  });
});

describe('maskEmail', () => {
  test('keeps the first character and the domain', () => {
    assert.equal(maskEmail('an.nguyen@example.vn'), 'a•••@example.vn');
    assert.equal(maskEmail('An.Nguyen@Example.VN'), 'A•••@Example.VN');
    assert.equal(maskEmail('x@example.vn'), 'x•••@example.vn');
  });

  test('property: never the full address; first character, three dots, the domain', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        const e = normalizeEmail(raw);
        fc.pre(e.ok);
        if (!e.ok) return;
        const email = e.value.display;
        const mask = maskEmail(email);
        const at = email.lastIndexOf('@');
        assert.notEqual(mask, email);
        assert.equal(mask, `${email[0]}•••@${email.slice(at + 1)}`);
        const local = email.slice(0, at);
        if (local.length >= 2) assert.ok(!mask.startsWith(local), `${mask} shows the local part`);
      }),
      RUNS,
    );
  });
});

describe('maskAddress', () => {
  test('keeps the last two comma parts: district and province', () => {
    assert.equal(maskAddress('12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh'), 'Quận 1, TP. Hồ Chí Minh');
    assert.equal(maskAddress('5 Kim Mã,Phường Kim Mã,Quận Ba Đình,Hà Nội'), 'Quận Ba Đình, Hà Nội');
  });

  test('two parts may be a street and a city: only the last is shown, never the whole address', () => {
    assert.equal(maskAddress('221B Baker Street, London'), 'London');
    assert.equal(maskAddress('12 Lê Lợi, Hà Nội, Việt Nam'), 'Hà Nội');
    assert.equal(maskAddress('Quận 1, TP. Hồ Chí Minh'), 'TP. Hồ Chí Minh');
  });

  test('drops a trailing country, however it is written', () => {
    for (const country of ['Việt Nam', 'Viet Nam', 'VIETNAM', 'VN', 'vn']) {
      assert.equal(
        maskAddress(`12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh, ${country}`),
        'Quận 1, TP. Hồ Chí Minh',
        country,
      );
    }
    assert.equal(
      maskAddress('12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh, Việt Nam'.normalize('NFC')),
      'Quận 1, TP. Hồ Chí Minh',
    );
  });

  test('one part that cannot be read shows only that it is set', () => {
    assert.equal(maskAddress('12 Lê Lợi Phường Bến Thành Quận 1'), '•••');
    assert.equal(maskAddress('somewhere'), '•••');
  });

  test('a Chinese address keeps its district, city and province, never its street', () => {
    const a = '广东省深圳市南山区科技园科苑路15号';
    const mask = maskAddress(a);
    assert.equal(mask, '南山区, 深圳市, 广东省');
    for (const street of ['科技园', '科苑路', '15号', '15'])
      assert.ok(!mask.includes(street), `${mask} shows ${street}`);
    assert.equal(maskAddress(`中国${a}`), '南山区, 深圳市, 广东省');
    assert.equal(maskAddress('北京市朝阳区建国路88号'), '朝阳区, 北京市');
    assert.equal(maskAddress('上海市浦东新区世纪大道100号'), '浦东新区, 上海市');
    assert.equal(maskAddress('广西壮族自治区南宁市青秀区民族大道100号'), '青秀区, 南宁市, 广西壮族自治区');
  });

  test('a Chinese address written with commas is still read from the province down, never by its last parts', () => {
    // Chinese addresses run from the province to the street, so "the last two parts" would be the street.
    for (const a of [
      '广东省深圳市南山区，科技园科苑路15号',
      '广东省, 深圳市, 南山区, 科技园科苑路15号',
      '中国，广东省，深圳市，南山区，科苑路15号',
      '广东省 深圳市 南山区 科苑路15号',
    ]) {
      const mask = maskAddress(a);
      assert.equal(mask, '南山区, 深圳市, 广东省', a);
    }
  });

  test('a Chinese address given street first (as parts are joined) reads the same', () => {
    for (const a of [
      '科技园科苑路15号, 南山区, 深圳市, 广东省',
      '科苑路15号, 南山区, 深圳市, 广东省, 中国',
      '科苑路15号，南山区，深圳市，广东省，China',
      '科苑路15号, 南山区, 深圳市, 广东省, Trung Quốc',
    ]) {
      assert.equal(maskAddress(a), '南山区, 深圳市, 广东省', a);
    }
    assert.equal(maskAddress('南山区, 广东省'), '南山区, 广东省');
  });

  test('a Chinese address with no province or city to anchor on shows nothing', () => {
    for (const a of ['南山区科技园科苑路15号', '南山区, 科苑路15号', '科苑路15号, 南山区'])
      assert.equal(maskAddress(a), '•••', a);
  });

  test('a Chinese address without a district does not take its street or compound for one', () => {
    for (const [a, expected] of [
      ['广东省深圳市科技园科苑路15号小区', '深圳市, 广东省'],
      ['广东省东莞市长安镇锦厦社区', '东莞市, 广东省'],
      ['广东省深圳市阳光小区3栋201', '深圳市, 广东省'],
      ['广东省东莞市长安镇振安中路123号', '东莞市, 广东省'],
    ] as const) {
      const mask = maskAddress(a);
      assert.equal(mask, expected, a);
      for (const street of ['科苑路', '小区', '社区', '锦厦', '阳光', '振安', '15号', '123号'])
        assert.ok(!mask.includes(street), `${a} -> ${mask}`);
    }
  });

  test('property: a Vietnamese address shows its district and province, never its street or ward', () => {
    const part = (prefix: string) =>
      fc.stringMatching(/^[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8})?$/).map((s) => `${prefix}${s}`);
    fc.assert(
      fc.property(
        fc.record({
          no: fc.integer({ min: 1, max: 999 }),
          street: part(''),
          ward: part('Phường '),
          district: part('Quận '),
          province: part('Tỉnh '),
          country: fc.constantFrom('', ', Việt Nam', ', Vietnam', ', VN'),
          comma: fc.constantFrom(',', ', ', ' , ', '，'),
        }),
        (a) => {
          const line = [`${a.no} ${a.street}`, a.ward, a.district, a.province].join(a.comma) + a.country;
          const mask = maskAddress(line);
          assert.equal(mask, `${a.district}, ${a.province}`);
          assert.notEqual(mask, line);
          // By parts, not by substring: a street named "Eer" is inside a province named "Tỉnh Eeraa".
          const parts = mask.split(', ');
          assert.ok(!parts.some((p) => p.includes(`${a.no} ${a.street}`) || p === a.ward), mask);
        },
      ),
      RUNS,
    );
  });

  test('property: a Chinese address never shows its street, number or compound', () => {
    const places: readonly (readonly [string, string, string])[] = [
      ['广东省', '深圳市', '南山区'],
      ['广东省', '东莞市', ''],
      ['浙江省', '杭州市', '西湖区'],
      ['广西壮族自治区', '南宁市', '青秀区'],
      ['云南省', '昆明市', '五华区'],
      ['北京市', '', '海淀区'],
      ['上海市', '', '浦东新区'],
      ['北京市', '', ''],
    ];
    fc.assert(
      fc.property(
        fc.record({
          place: fc.constantFrom(...places),
          country: fc.constantFrom('', '中国'),
          town: fc.constantFrom('', '长安镇', '西乡街道'),
          road: fc.constantFrom('科苑路', '深南大道', '中山路', '人民路', '解放路', '文三路', '民族大道'),
          no: fc.integer({ min: 1, max: 999 }),
          compound: fc.constantFrom('', '阳光小区', '锦厦社区', '华侨城'),
          building: fc.constantFrom('', '3栋201', '5号楼'),
          sep: fc.constantFrom('', '', ',', '，', ', ', ' '),
          streetFirst: fc.boolean(),
        }),
        (a) => {
          const [province, city, district] = a.place;
          const street = `${a.road}${a.no}号`;
          const units = [a.country, province, city, district, a.town, street, a.compound, a.building].filter(Boolean);
          // Street first only makes sense with commas between the parts.
          if (a.streetFirst && /[,，]/u.test(a.sep)) units.reverse();
          const line = units.join(a.sep);
          const mask = maskAddress(line);
          assert.equal(mask, [district, city, province].filter(Boolean).join(', '), line);
          for (const secret of [a.road, `${a.no}号`, a.compound, a.building, a.town])
            if (secret) assert.ok(!mask.includes(secret), `${line} -> ${mask}`);
        },
      ),
      RUNS,
    );
  });
});

describe('maskOther', () => {
  test('shows only that a value is set', () => {
    assert.equal(maskOther(), '•••');
  });
});
