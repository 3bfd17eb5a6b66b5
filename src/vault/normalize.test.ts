import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  foldedNameIndexForm,
  hasCjk,
  nameIndexForm,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  phoneLookupForm,
} from './normalize.ts';

const RUNS = { numRuns: 300 };

/**
 * Vietnamese mobile numbers as carriers hand them out: a 0 trunk prefix, a 3-digit
 * prefix, 7 digits. libphonenumber's metadata does not list 0890x-0895x nor 0992x as
 * assigned, so those blocks are left out (the simulator does the same).
 */
const VN_PREFIXES = [
  ...['090', '091', '092', '093', '094', '095', '096', '097', '098', '099'],
  ...['070', '076', '077', '078', '079'],
  ...['081', '082', '083', '084', '085', '086', '087', '088', '089'],
  ...['032', '033', '034', '035', '036', '037', '038', '039'],
];
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** The national significant number (9 digits, no trunk 0) of a valid Vietnamese mobile. */
const vnMobileNsn = fc
  .tuple(fc.constantFrom(...VN_PREFIXES), digits(7))
  .filter(([p, rest]) => !(p === '089' && rest[0]! < '6') && !(p === '099' && rest[0] === '2'))
  .map(([p, rest]) => p.slice(1) + rest);

/** One way a person may write that number: a lead, then separators anywhere between digits. */
const vnWritten = vnMobileNsn.chain((nsn) =>
  fc
    .record({
      lead: fc.constantFrom('0', '+84', '+84 ', '84', '84 ', '(+84) ', '0084', '+84 (0) '),
      seps: fc.array(fc.constantFrom('', '', ' ', '.', '-'), { minLength: nsn.length, maxLength: nsn.length }),
      pad: fc.constantFrom('', ' ', '  ', '\t'),
    })
    .map(({ lead, seps, pad }) => ({
      nsn,
      written: pad + lead + [...nsn].map((d, i) => (i === 0 ? d : seps[i]! + d)).join('') + pad,
    })),
);

/** Problems must never quote what was given: plant a character no problem text holds. */
const CANARY = '\u2603';

describe('normalizePhone', () => {
  test('Vietnamese numbers written four ways all give the same E.164', () => {
    for (const raw of [
      '0912 345 678',
      '+84 912 345 678',
      '84912345678',
      '(+84) 91-234-5678',
      '0912.345.678',
      '0912345678',
    ]) {
      const r = normalizePhone(raw, 'VN');
      assert.ok(r.ok, `${raw} should be accepted`);
      assert.equal(r.value.e164, '+84912345678', raw);
      assert.equal(r.value.countryCallingCode, '84', raw);
      assert.equal(r.value.nationalNumber, '912345678', raw);
    }
  });

  test('Chinese mobiles: with a country code in any region, without one in region CN', () => {
    const intl = normalizePhone('+86 138 0013 8000', 'VN');
    assert.ok(intl.ok);
    assert.deepEqual(intl.value, { e164: '+8613800138000', countryCallingCode: '86', nationalNumber: '13800138000' });
    const local = normalizePhone('13800138000', 'CN');
    assert.ok(local.ok);
    assert.equal(local.value.e164, '+8613800138000');
  });

  test('the region only applies to numbers without a country code', () => {
    const inCn = normalizePhone('+84 912 345 678', 'CN');
    assert.ok(inCn.ok);
    assert.equal(inCn.value.e164, '+84912345678');
    // A Chinese mobile written nationally is not a Vietnamese number.
    assert.equal(normalizePhone('13800138000', 'VN').ok, false);
  });

  test('junk, too short, too long and empty are refused with a problem that does not quote them', () => {
    for (const raw of [
      '',
      '   ',
      'abc',
      '12',
      '0912',
      '0123456789',
      '+84 912 345 6789',
      'not a phone',
      '1'.repeat(41),
      `${CANARY}0912`,
      `0912 ${CANARY}${CANARY}`,
    ]) {
      const r = normalizePhone(raw, 'VN');
      assert.equal(r.ok, false, `${JSON.stringify(raw)} should be refused`);
      assert.ok(r.problem.length > 0);
      if (raw.trim().length > 0)
        assert.ok(!r.problem.includes(raw.trim()), `problem quotes ${JSON.stringify(raw)}: ${r.problem}`);
      assert.ok(!r.problem.includes(CANARY));
    }
    const empty = normalizePhone('  ', 'VN');
    assert.ok(!empty.ok);
    assert.match(empty.problem, /empty/);
  });

  test('property: any formatting of a valid Vietnamese mobile normalizes to the same E.164', () => {
    fc.assert(
      fc.property(vnWritten, ({ nsn, written }) => {
        const r = normalizePhone(written, 'VN');
        assert.ok(r.ok, `${JSON.stringify(written)} refused: ${r.ok ? '' : r.problem}`);
        assert.equal(r.value.e164, `+84${nsn}`);
        assert.equal(r.value.countryCallingCode, '84');
        assert.equal(r.value.nationalNumber, nsn);
      }),
      RUNS,
    );
  });

  test('property: normalizing is idempotent (the E.164 output normalizes to itself, in any region)', () => {
    fc.assert(
      fc.property(
        vnWritten,
        fc.constantFrom('VN', 'CN', 'US', 'GB') as fc.Arbitrary<'VN' | 'CN' | 'US' | 'GB'>,
        ({ written }, region) => {
          const once = normalizePhone(written, 'VN');
          assert.ok(once.ok);
          const twice = normalizePhone(once.value.e164, region);
          assert.ok(twice.ok);
          assert.deepEqual(twice.value, once.value);
        },
      ),
      RUNS,
    );
  });

  test('property: a refusal never quotes the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.boolean(), (s, front) => {
        const raw = front ? CANARY + s : s + CANARY;
        const r = normalizePhone(raw, 'VN');
        if (!r.ok) assert.ok(!r.problem.includes(CANARY), r.problem);
      }),
      RUNS,
    );
  });
});

describe('phoneLookupForm (the lookup shortcut for Vietnamese mobiles)', () => {
  // Every number of the shortcut's shape (valid, unassigned or not a number at all), written
  // every way a file might: where libphonenumber gives an E.164 the shortcut gives the same,
  // and where libphonenumber refuses, the shortcut's form is no number the vault could hold.
  const shaped = fc.tuple(
    fc.constantFrom(...'3579'.split('')),
    digits(8),
    fc.constantFrom('0', '84', '+84', '+84 ', '0 '),
    fc.constantFrom('', ' ', '.', '-'),
  );
  test('property: agrees with normalizePhone on every written form of the shape, in regions VN and CN', () => {
    fc.assert(
      fc.property(shaped, fc.constantFrom('VN', 'CN'), ([first, rest, prefix, sep], region) => {
        const nsn = first + rest;
        const written = `${prefix}${nsn.slice(0, 2)}${sep}${nsn.slice(2, 5)}${sep}${nsn.slice(5)}`;
        const slow = normalizePhone(written, region as 'VN');
        const fast = phoneLookupForm(written, region as 'VN');
        if (slow.ok) assert.equal(fast, slow.value.e164, written);
        else if (fast !== undefined)
          assert.equal(normalizePhone(fast, 'VN').ok, false, `${written} -> ${fast} is a number the vault could hold`);
      }),
      { numRuns: 3000 },
    );
  });
  test('other numbers go the long way', () => {
    assert.equal(phoneLookupForm('+86 138 0013 8000', 'VN'), '+8613800138000');
    assert.equal(phoneLookupForm('13800138000', 'CN'), '+8613800138000');
    assert.equal(phoneLookupForm('not a phone', 'VN'), undefined);
  });
});

describe('normalizeEmail', () => {
  test('trims, keeps the display form and lower-cases the indexed form', () => {
    const r = normalizeEmail('  An.Nguyen@Example.VN \n');
    assert.ok(r.ok);
    assert.deepEqual(r.value, { display: 'An.Nguyen@Example.VN', indexed: 'an.nguyen@example.vn' });
  });

  test('invalid addresses are refused without echoing them', () => {
    const bad = [
      '',
      '   ',
      'an.nguyen',
      'an.nguyen@',
      '@example.vn',
      'an@example',
      'an nguyen@example.vn',
      'an@@example.vn',
      'a@b@example.vn',
      'an@example.v',
      `${'x'.repeat(65)}@example.vn`,
      `a@${'x'.repeat(250)}.vn`,
    ];
    for (const raw of bad) {
      const r = normalizeEmail(raw);
      assert.equal(r.ok, false, `${JSON.stringify(raw)} should be refused`);
      if (raw.trim().length > 0) assert.ok(!r.problem.includes(raw.trim()), r.problem);
    }
    const planted = normalizeEmail(`${CANARY}secret-but-no-at`);
    assert.ok(!planted.ok);
    assert.ok(!planted.problem.includes(CANARY));
    assert.ok(!planted.problem.includes('secret'));
  });

  test('property: a valid address, in any case and padding, indexes as its lower-cased trimmed self', () => {
    const email = fc.emailAddress().filter((e) => e.length <= 254);
    fc.assert(
      fc.property(fc.mixedCase(email), fc.constantFrom('', ' ', '\t', ' \n '), (e, pad) => {
        const r = normalizeEmail(pad + e + pad);
        assert.ok(r.ok, `${e} refused`);
        assert.equal(r.value.display, e);
        assert.equal(r.value.indexed, e.toLowerCase());
        // The same address in another case meets the same index entry, and re-normalizing changes nothing.
        const again = normalizeEmail(e.toUpperCase());
        assert.ok(again.ok);
        assert.equal(again.value.indexed, r.value.indexed);
        const idem = normalizeEmail(r.value.indexed);
        assert.ok(idem.ok);
        assert.equal(idem.value.indexed, r.value.indexed);
      }),
      RUNS,
    );
  });

  test('property: anything without an @ is refused, without echoing it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }).map((s) => CANARY + s.replace(/@/g, '')),
        (raw) => {
          const r = normalizeEmail(raw);
          assert.ok(!r.ok);
          assert.ok(!r.problem.includes(CANARY));
        },
      ),
      RUNS,
    );
  });
});

describe('normalizeName', () => {
  test('returns NFC with white space collapsed', () => {
    const nfd = '  Nguyễn \t Văn\n An  '.normalize('NFD');
    const r = normalizeName(nfd);
    assert.ok(r.ok);
    assert.equal(r.value, 'Nguyễn Văn An'.normalize('NFC'));
    assert.equal(r.value, r.value.normalize('NFC'));
  });

  test('refuses empty, control characters and over-long names without echoing them', () => {
    for (const raw of ['', '  \t ', `An${CANARY}\u0000`, `An${CANARY}\u200b`, `${CANARY}${'a'.repeat(301)}`]) {
      const r = normalizeName(raw);
      assert.equal(r.ok, false, JSON.stringify(raw));
      assert.ok(!r.problem.includes(CANARY));
    }
    assert.ok(normalizeName('a'.repeat(300)).ok);
  });

  test('keeps Chinese names as written', () => {
    const r = normalizeName(' 王小明 ');
    assert.ok(r.ok);
    assert.equal(r.value, '王小明');
  });
});

describe('name index forms', () => {
  test('the folded form drops diacritics and case, so both spellings meet', () => {
    assert.equal(foldedNameIndexForm('Nguyễn Văn An'), 'nguyen van an');
    assert.equal(foldedNameIndexForm('nguyen van an'), 'nguyen van an');
    assert.equal(foldedNameIndexForm('NGUYỄN  VĂN   AN'), 'nguyen van an');
    assert.equal(foldedNameIndexForm('Nguyễn Văn An'.normalize('NFD')), 'nguyen van an');
  });

  test('đ and Đ fold to d (they have no decomposition)', () => {
    assert.equal(foldedNameIndexForm('Đức'), 'duc');
    assert.equal(foldedNameIndexForm('đức'), 'duc');
    assert.equal(foldedNameIndexForm('Nguyễn Văn Đức'), 'nguyen van duc');
  });

  test('the exact form keeps diacritics but not case', () => {
    assert.equal(nameIndexForm('Nguyễn Văn An'), 'nguyễn văn an');
    assert.equal(nameIndexForm('NGUYỄN  VĂN AN '), 'nguyễn văn an');
    assert.notEqual(nameIndexForm('Nguyễn Văn An'), nameIndexForm('Nguyen Van An'));
    assert.equal(nameIndexForm('王小明'), '王小明');
  });

  test('property: NFD and NFC input give the same index forms', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        assert.equal(nameIndexForm(s.normalize('NFD')), nameIndexForm(s.normalize('NFC')));
        assert.equal(foldedNameIndexForm(s.normalize('NFD')), foldedNameIndexForm(s.normalize('NFC')));
      }),
      RUNS,
    );
  });

  test('property: NFD and NFC Vietnamese names give the same index forms', () => {
    const letters = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ'];
    const word = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 8 }).map((w) => w.join(''));
    fc.assert(
      fc.property(fc.array(fc.mixedCase(word), { minLength: 1, maxLength: 4 }), (words) => {
        const s = words.join(' ');
        assert.equal(nameIndexForm(s.normalize('NFD')), nameIndexForm(s.normalize('NFC')));
        assert.equal(foldedNameIndexForm(s.normalize('NFD')), foldedNameIndexForm(s.normalize('NFC')));
        // Folding leaves no marks and no đ: plain a-z and spaces.
        assert.match(foldedNameIndexForm(s), /^[a-z ]+$/);
        // Any case meets the same entries.
        assert.equal(nameIndexForm(s.toUpperCase()), nameIndexForm(s.toLowerCase()));
        assert.equal(foldedNameIndexForm(s.toUpperCase()), foldedNameIndexForm(s));
      }),
      RUNS,
    );
  });

  test('property: index forms are idempotent and blind to runs of white space', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((w) => !/\s/u.test(w)),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom(' ', '  ', '\t', ' \n '),
        (words, gap) => {
          const single = words.join(' ');
          const spread = gap + words.join(gap) + gap;
          assert.equal(nameIndexForm(spread), nameIndexForm(single));
          assert.equal(foldedNameIndexForm(spread), foldedNameIndexForm(single));
          assert.equal(nameIndexForm(nameIndexForm(single)), nameIndexForm(single));
          assert.equal(foldedNameIndexForm(foldedNameIndexForm(single)), foldedNameIndexForm(single));
        },
      ),
      RUNS,
    );
  });
});

describe('hasCjk', () => {
  test('tells Chinese text from Vietnamese and Latin', () => {
    assert.equal(hasCjk('王小明'), true);
    assert.equal(hasCjk('广东省深圳市'), true);
    assert.equal(hasCjk('Wang 小明'), true);
    assert.equal(hasCjk('Nguyễn Văn An'), false);
    assert.equal(hasCjk(''), false);
  });
});

test('a phone is the whole string: no number picked out of text, no extension silently dropped', () => {
  assert.equal(normalizePhone('call me at 0912345678 please', 'VN').ok, false);
  const ext = normalizePhone('0912345678 ext. 12', 'VN');
  assert.equal(ext.ok, false);
  assert.match((ext as { problem: string }).problem, /only digits/);
  assert.equal(normalizePhone('0912345678', 'VN').ok, true);
});
