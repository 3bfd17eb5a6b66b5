import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FIELD_NAME, KIND, lookupForms, prepareSubject, type Prepared } from './vault.fns.ts';
import type { SubjectInput } from './vault.types.ts';
import { createPeople } from '../lib/people.ts';

const RUNS = { numRuns: 300 };

/** A string no problem text holds: if a value were quoted, it would show. */
const CANARY = 'Zq7canaryXw';

function ok(p: Prepared) {
  assert.ok(p.ok, p.ok ? '' : JSON.stringify(p.errors));
  return p.subject;
}
function errors(p: Prepared) {
  assert.ok(!p.ok, 'should have been refused');
  return p.errors;
}
function field(p: Prepared, name: string) {
  const f = ok(p).fields.find((x) => x.field === name);
  assert.ok(f, `no field ${name}`);
  return f;
}
/** Lets a test send what a client may send, not what the type allows. */
const raw = (x: unknown) => x as SubjectInput;

describe('prepareSubject', () => {
  test('normalizes, masks and indexes the typed fields', () => {
    const p = prepareSubject(
      {
        kind: 'customer',
        externalId: 'crm-42',
        fields: {
          name: '  Nguyễn  Văn An '.normalize('NFD'),
          phone: '0912 345 678',
          email: ' An.Nguyen@Example.VN ',
          address: '12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh, Việt Nam',
        },
      },
      'VN',
    );
    const s = ok(p);
    assert.equal(s.kind, 'customer');
    assert.equal(s.externalId, 'crm-42');
    assert.deepEqual(field(p, 'name'), {
      field: 'name',
      value: 'Nguyễn Văn An',
      mask: 'N. V. A.',
      index: [
        { scope: 'name', normalized: 'nguyễn văn an' },
        { scope: 'name_folded', normalized: 'nguyen van an' },
      ],
    });
    assert.deepEqual(field(p, 'phone'), {
      field: 'phone',
      value: '+84912345678',
      mask: '+84 ••••••678',
      index: [{ scope: 'phone', normalized: '+84912345678' }],
    });
    assert.deepEqual(field(p, 'email'), {
      field: 'email',
      value: 'An.Nguyen@Example.VN',
      mask: 'A•••@Example.VN',
      index: [{ scope: 'email', normalized: 'an.nguyen@example.vn' }],
    });
    assert.deepEqual(field(p, 'address'), {
      field: 'address',
      value: '12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh, Việt Nam',
      mask: 'Quận 1, TP. Hồ Chí Minh',
      index: [],
    });
  });

  test('kind defaults to customer and externalId to null', () => {
    const s = ok(prepareSubject({ fields: { phone: '+8613800138000' } }, 'VN'));
    assert.equal(s.kind, 'customer');
    assert.equal(s.externalId, null);
  });

  test('phones without a country code are read in the region given', () => {
    assert.equal(field(prepareSubject({ fields: { phone: '13800138000' } }, 'CN'), 'phone').value, '+8613800138000');
    assert.deepEqual(
      errors(prepareSubject({ fields: { phone: '13800138000' } }, 'VN')).map((e) => e.path),
      ['/fields/phone'],
    );
  });

  test('a Chinese subject', () => {
    const p = prepareSubject(
      { fields: { name: '王小明', phone: '+86 138 0013 8000', address: '广东省深圳市南山区科技园科苑路15号' } },
      'VN',
    );
    assert.equal(field(p, 'name').mask, '王••');
    assert.equal(field(p, 'phone').mask, '+86 ••••••••000');
    assert.equal(field(p, 'address').mask, '南山区, 深圳市, 广东省');
  });

  test('unknown free-form field names are accepted, masked "•••" and not indexed', () => {
    const f = field(prepareSubject({ fields: { note: '  leave at the door  ', phone: '0912345678' } }, 'VN'), 'note');
    assert.deepEqual(f, { field: 'note', value: '  leave at the door  ', mask: '•••', index: [] });
    assert.equal(field(prepareSubject({ fields: { note: 'Cafe\u0301' } }, 'VN'), 'note').value, 'Café');
  });

  test('an address given as an object is joined street first and masked to district and province', () => {
    const p = prepareSubject({ fields: { address: { district: ' Quận 1 ', province: 'TP. Hồ Chí Minh' } } }, 'VN');
    assert.deepEqual(field(p, 'address'), {
      field: 'address',
      value: 'Quận 1, TP. Hồ Chí Minh',
      mask: 'Quận 1, TP. Hồ Chí Minh',
      index: [],
    });
    const full = field(
      prepareSubject(
        {
          fields: {
            address: {
              street: '12 Lê Lợi',
              ward: 'Phường Bến Thành',
              district: 'Quận 1',
              province: 'TP. Hồ Chí Minh',
              country: 'Việt Nam',
            },
          },
        },
        'VN',
      ),
      'address',
    );
    assert.equal(full.value, '12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh, Việt Nam');
    assert.equal(full.mask, 'Quận 1, TP. Hồ Chí Minh');
    const cn = field(
      prepareSubject(
        { fields: { address: { street: '科技园科苑路15号', district: '南山区', province: '广东省' } } },
        'VN',
      ),
      'address',
    );
    assert.equal(cn.mask, '南山区, 广东省');
  });

  test('an address object needs a province, and string parts', () => {
    for (const address of [
      { district: 'Quận 1' },
      { district: 'Quận 1', province: '  ' },
      { province: 'Hà Nội', district: 1 },
      { province: null },
    ]) {
      assert.deepEqual(
        errors(prepareSubject(raw({ fields: { address } }), 'VN')).map((e) => e.path),
        ['/fields/address'],
        JSON.stringify(address),
      );
    }
    assert.match(
      errors(prepareSubject(raw({ fields: { address: { district: 'Quận 1' } } }), 'VN'))[0]!.problem,
      /province/,
    );
    for (const address of [['Quận 1', 'Hà Nội'], 42, true, '   ']) {
      assert.deepEqual(
        errors(prepareSubject(raw({ fields: { address } }), 'VN')).map((e) => e.path),
        ['/fields/address'],
        JSON.stringify(address),
      );
    }
  });

  test('problems carry a JSON pointer, with the prefix given', () => {
    const e = errors(prepareSubject({ fields: { phone: 'nope', email: 'nope' } }, 'VN', '/subjects/3'));
    assert.deepEqual(e.map((x) => x.path).sort(), ['/subjects/3/fields/email', '/subjects/3/fields/phone']);
    for (const x of e) assert.ok(x.problem.length > 0);
    assert.deepEqual(
      errors(prepareSubject({ fields: { name: ' ' } }, 'VN')).map((x) => x.path),
      ['/fields/name'],
    );
  });

  test('a bad field name is reported at /fields and never echoed (whatever was typed there may be personal data)', () => {
    const e = errors(
      prepareSubject(
        raw({ fields: { [`${CANARY}_Name`]: 'x', [`a/${CANARY.toLowerCase()}`]: 'y', phone: '0912345678' } }),
        'VN',
        '/subjects/0',
      ),
    );
    assert.deepEqual(
      e.map((x) => x.path),
      ['/subjects/0/fields', '/subjects/0/fields'],
    );
    const text = JSON.stringify(e);
    assert.ok(!text.toLowerCase().includes(CANARY.toLowerCase()), text);
  });

  test('bad field names, non-string values, bad kind and bad externalId are refused, each at its path', () => {
    const e = errors(
      prepareSubject(
        raw({
          kind: 'Customer!',
          externalId: 'has space',
          fields: {
            Phone: '0912345678',
            '1st': 'x',
            _x: 'x',
            ['a'.repeat(41)]: 'x',
            age: 42,
            tags: ['a'],
            meta: { a: 1 },
            phone: '0912345678',
          },
        }),
        'VN',
      ),
    );
    // One problem per bad name, all at /fields (names are not echoed); values at their field.
    assert.deepEqual(
      e.map((x) => x.path).sort(),
      [
        '/externalId',
        '/fields',
        '/fields',
        '/fields',
        '/fields',
        '/fields/age',
        '/fields/meta',
        '/fields/tags',
        '/kind',
      ].sort(),
    );
    for (const kind of ['', 'a', 'A', 'x'.repeat(33), '1abc', 'with space', 7]) {
      assert.deepEqual(
        errors(prepareSubject(raw({ kind, fields: { phone: '0912345678' } }), 'VN')).map((x) => x.path),
        ['/kind'],
        String(kind),
      );
    }
    for (const externalId of ['', 'a b', 'x'.repeat(129), 'tab\there', 'ümlaut', 42, {}]) {
      assert.deepEqual(
        errors(prepareSubject(raw({ externalId, fields: { phone: '0912345678' } }), 'VN')).map((x) => x.path),
        ['/externalId'],
        String(externalId),
      );
    }
    assert.equal(
      ok(prepareSubject({ externalId: 'x'.repeat(128), fields: { phone: '0912345678' } }, 'VN')).externalId,
      'x'.repeat(128),
    );
    assert.equal(ok(prepareSubject(raw({ externalId: null, fields: { phone: '0912345678' } }), 'VN')).externalId, null);
  });

  test('fields must be a non-empty object of at most 32 fields', () => {
    for (const fields of [{}, null, undefined, [], 'phone', 42]) {
      assert.deepEqual(
        errors(prepareSubject(raw({ fields }), 'VN')).map((x) => x.path),
        ['/fields'],
        JSON.stringify(fields),
      );
    }
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`f${i}`, 'x']));
    assert.deepEqual(
      errors(prepareSubject({ fields: many }, 'VN')).map((x) => x.path),
      ['/fields'],
    );
    assert.equal(
      ok(prepareSubject({ fields: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, 'x'])) }, 'VN'))
        .fields.length,
      32,
    );
  });

  test('null fields are left out, but a subject of only null fields is as empty as {}', () => {
    const s = ok(prepareSubject(raw({ fields: { phone: '0912345678', email: null, note: undefined } }), 'VN'));
    assert.deepEqual(
      s.fields.map((f) => f.field),
      ['phone'],
    );
    assert.deepEqual(
      errors(prepareSubject(raw({ fields: { phone: null, email: undefined } }), 'VN')).map((x) => x.path),
      ['/fields'],
    );
  });

  test('a non-object input is refused at the prefix given', () => {
    assert.deepEqual(errors(prepareSubject(raw(null), 'VN')), [{ path: '/', problem: 'must be an object' }]);
    assert.deepEqual(
      errors(prepareSubject(raw('x'), 'VN', '/subjects/2')).map((x) => x.path),
      ['/subjects/2'],
    );
  });

  test('over-long values are refused', () => {
    assert.deepEqual(
      errors(prepareSubject({ fields: { note: 'x'.repeat(2001) } }, 'VN')).map((x) => x.path),
      ['/fields/note'],
    );
    assert.deepEqual(
      errors(prepareSubject({ fields: { address: 'x'.repeat(2001) } }, 'VN')).map((x) => x.path),
      ['/fields/address'],
    );
    assert.deepEqual(
      errors(prepareSubject({ fields: { note: '   ' } }, 'VN')).map((x) => x.path),
      ['/fields/note'],
    );
    ok(prepareSubject({ fields: { note: 'x'.repeat(2000) } }, 'VN'));
  });

  test('no problem ever quotes a value: a canary planted in every bad value appears nowhere', () => {
    const p = prepareSubject(
      raw({
        kind: `${CANARY}kind`,
        externalId: `${CANARY} id`,
        fields: {
          phone: `${CANARY}-0912`,
          email: `${CANARY} at example`,
          name: `${CANARY}\u0000`,
          address: { street: CANARY, district: CANARY },
          note: `${CANARY}${'x'.repeat(2001)}`,
          other: [CANARY],
          nested: { x: CANARY },
          number: 0xcafe,
        },
      }),
      'VN',
      '/subjects/0',
    );
    const e = errors(p);
    assert.equal(e.length, 10);
    const text = JSON.stringify(e);
    assert.ok(!text.includes(CANARY), text);
    assert.ok(!text.includes(String(0xcafe)), text);
  });

  test('property: a refused typed value never appears in the problems', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('phone', 'email', 'name', 'address'),
        fc.string({ maxLength: 40 }),
        fc.boolean(),
        (name, junk, front) => {
          const value = front ? `${CANARY}${junk}\u0001` : `${junk}\u0001${CANARY}`;
          const p = prepareSubject({ fields: { [name]: value } }, 'VN', '/subjects/9');
          if (p.ok) return; // an address or a phone may be read out of the text: nothing to check
          const text = JSON.stringify(p.errors);
          assert.ok(!text.includes(CANARY), text);
          for (const x of p.errors) assert.ok(x.path!.startsWith('/subjects/9/fields/'), x.path);
        },
      ),
      RUNS,
    );
  });

  test('property: every accepted field has a mask that is not its value (typed fields)', () => {
    const vn = fc
      .tuple(
        fc.constantFrom('90', '91', '98', '86', '70', '32', '39'),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }),
      )
      .map(([p, d]) => `0${p}${d.join('')}`);
    fc.assert(
      fc.property(
        vn,
        fc.emailAddress().filter((e) => e.length <= 254),
        (phone, email) => {
          const s = ok(prepareSubject({ fields: { phone, email, name: 'Trần Thị Bình' } }, 'VN'));
          for (const f of s.fields) {
            assert.notEqual(f.mask, f.value, f.field);
            assert.ok(f.index.length > 0, f.field);
          }
        },
      ),
      RUNS,
    );
  });

  test('FIELD_NAME and KIND are the documented shapes', () => {
    assert.ok(FIELD_NAME.test('a') && FIELD_NAME.test('delivery_note2') && FIELD_NAME.test('a'.repeat(40)));
    assert.ok(
      !FIELD_NAME.test('A') && !FIELD_NAME.test('a'.repeat(41)) && !FIELD_NAME.test('a-b') && !FIELD_NAME.test(''),
    );
    assert.ok(KIND.test('customer') && KIND.test('ab') && KIND.test('a'.repeat(32)));
    assert.ok(!KIND.test('a') && !KIND.test('a'.repeat(33)) && !KIND.test('Customer'));
  });
});

describe('lookupForms', () => {
  test('a phone is looked up by its E.164, whatever its writing', () => {
    for (const v of ['0912 345 678', '+84 912 345 678', '(+84) 91-234-5678']) {
      assert.deepEqual(lookupForms('phone', v, 'VN', false), { ok: true, scope: 'phone', normalized: '+84912345678' });
    }
    assert.deepEqual(lookupForms('phone', '13800138000', 'CN', false), {
      ok: true,
      scope: 'phone',
      normalized: '+8613800138000',
    });
  });

  test('an e-mail is looked up lower-cased', () => {
    assert.deepEqual(lookupForms('email', ' An.Nguyen@Example.VN', 'VN', false), {
      ok: true,
      scope: 'email',
      normalized: 'an.nguyen@example.vn',
    });
  });

  test('a name is looked up without diacritics unless exact is asked for', () => {
    assert.deepEqual(lookupForms('name', 'nguyen van an', 'VN', false), {
      ok: true,
      scope: 'name_folded',
      normalized: 'nguyen van an',
    });
    assert.deepEqual(lookupForms('name', 'Nguyễn Văn An', 'VN', false), {
      ok: true,
      scope: 'name_folded',
      normalized: 'nguyen van an',
    });
    assert.deepEqual(lookupForms('name', 'NGUYỄN VĂN AN', 'VN', true), {
      ok: true,
      scope: 'name',
      normalized: 'nguyễn văn an',
    });
  });

  test('finds what prepareSubject indexed', () => {
    const p = ok(
      prepareSubject({ fields: { name: 'Lê Thị Đào', phone: '+84 912 345 678', email: 'Dao.Le@Example.VN' } }, 'VN'),
    );
    const entries = p.fields.flatMap((f) => f.index);
    for (const [fieldName, value, exact] of [
      ['name', 'le thi dao', false],
      ['name', 'lê thị đào', true],
      ['phone', '0912345678', false],
      ['email', 'dao.le@example.vn', false],
    ] as const) {
      const l = lookupForms(fieldName, value, 'VN', exact);
      assert.ok(l.ok);
      assert.ok(
        entries.some((e) => e.scope === l.scope && e.normalized === l.normalized),
        `${fieldName} ${value}`,
      );
    }
  });

  test('refuses bad values and fields that are not indexed, without quoting them', () => {
    for (const [f, v] of [
      ['phone', `${CANARY}12`],
      ['email', `${CANARY}`],
      ['name', ` ${'\u0000'}${CANARY}`],
      ['address', `${CANARY} Quận 1, Hà Nội`],
      ['note', CANARY],
    ] as const) {
      const l = lookupForms(f, v, 'VN', false);
      assert.equal(l.ok, false, f);
      if (!l.ok) assert.ok(!l.problem.includes(CANARY));
    }
    const note = lookupForms('note', 'x', 'VN', false);
    assert.ok(!note.ok);
    assert.match(note.problem, /not an indexed field/);
  });
});

test('an address given in parts is masked from its district and province only, never equal to the stored value', () => {
  const p = prepareSubject({ fields: { address: { street: '12 Lê Lợi', province: 'Hà Nội' } } }, 'VN');
  assert.ok(p.ok);
  const a = p.subject.fields.find((f) => f.field === 'address')!;
  assert.equal(a.mask, 'Hà Nội');
  assert.notEqual(a.mask, a.value);
  const q = prepareSubject(
    {
      fields: {
        address: { street: '7 Hai Bà Trưng', ward: 'Phường Tân Định', district: 'Quận 1', province: 'TP. Hồ Chí Minh' },
      },
    },
    'VN',
  );
  assert.ok(q.ok);
  assert.equal(q.subject.fields[0]!.mask, 'Quận 1, TP. Hồ Chí Minh');
});

// The fake people of lib/people.ts (demos, canaries, the simulator) must be customers the vault takes.
test('1,000 generated people all pass the vault validation (region VN)', () => {
  const people = createPeople(7);
  for (let i = 0; i < 1000; i++) {
    const p = people.person(i);
    const r = prepareSubject(
      {
        kind: 'customer',
        externalId: p.externalId,
        fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
      },
      'VN',
    );
    assert.ok(r.ok, `person ${i} (${p.country}) is refused: ${r.ok ? '' : JSON.stringify(r.errors)}`);
  }
});
