import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  KEY_BYTES,
  OpenFailed,
  RandomPool,
  constantTimeEqual,
  deriveKey,
  hmacSha256,
  newKey,
  open,
  randomId,
  seal,
  sha256,
} from './crypto.ts';

const RUNS = { numRuns: 200 };
const hex = (s: string) => Buffer.from(s, 'hex');
const key = () => newKey();
const aad = Buffer.from('sub_x|phone|1', 'utf8');

describe('seal / open', () => {
  test('round trip', () => {
    const pool = new RandomPool();
    const k = key();
    const sealed = seal(k, Buffer.from('Nguyễn Văn An', 'utf8'), aad, pool.nonce());
    assert.equal(open(k, sealed, aad).toString('utf8'), 'Nguyễn Văn An');
  });

  test('layout: format byte 0x01, the nonce, the ciphertext, a 16-byte tag', () => {
    const nonce = Buffer.alloc(12, 7);
    const sealed = seal(key(), Buffer.from('hello'), aad, nonce);
    assert.equal(sealed.length, 1 + 12 + 5 + 16);
    assert.equal(sealed[0], 0x01);
    assert.deepEqual(sealed.subarray(1, 13), nonce);
    assert.notDeepEqual(sealed.subarray(13, 18), Buffer.from('hello'));
  });

  test('known answer: AES-256-GCM test case 14 of the GCM specification', () => {
    // K = 0^256, IV = 0^96, P = 0^128, no AAD.
    const sealed = seal(Buffer.alloc(32), Buffer.alloc(16), Buffer.alloc(0), Buffer.alloc(12));
    assert.deepEqual(sealed.subarray(13, 29), hex('cea7403d4d606b6e074ec5d3baf39d18'));
    assert.deepEqual(sealed.subarray(29), hex('d0d1c8a799996bf0265b98b5d48ab919'));
    assert.deepEqual(open(Buffer.alloc(32), sealed, Buffer.alloc(0)), Buffer.alloc(16));
  });

  test('the same plaintext sealed twice gives different ciphertexts', () => {
    const pool = new RandomPool();
    const k = key();
    const pt = Buffer.from('0912345678');
    const a = seal(k, pt, aad, pool.nonce());
    const b = seal(k, pt, aad, pool.nonce());
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(a.subarray(13), b.subarray(13));
    assert.deepEqual(open(k, a, aad), open(k, b, aad));
  });

  test('a nonce that is not 12 bytes is refused', () => {
    assert.throws(() => seal(key(), Buffer.from('x'), aad, Buffer.alloc(11)));
    assert.throws(() => seal(key(), Buffer.from('x'), aad, Buffer.alloc(16)));
  });

  test('wrong aad, wrong key, truncation or an unknown format throw OpenFailed', () => {
    const pool = new RandomPool();
    const k = key();
    const sealed = seal(k, Buffer.from('secret'), aad, pool.nonce());
    assert.throws(() => open(k, sealed, Buffer.from('sub_x|phone|2')), OpenFailed);
    assert.throws(() => open(k, sealed, Buffer.alloc(0)), OpenFailed);
    assert.throws(() => open(key(), sealed, aad), OpenFailed);
    assert.throws(() => open(k, sealed.subarray(0, sealed.length - 1), aad), OpenFailed);
    assert.throws(() => open(k, sealed.subarray(0, 28), aad), OpenFailed);
    assert.throws(() => open(k, Buffer.alloc(0), aad), OpenFailed);
    const other = Buffer.from(sealed);
    other[0] = 0x02;
    assert.throws(() => open(k, other, aad), OpenFailed);
  });

  test('OpenFailed says nothing of the key or the value', () => {
    const k = key();
    const sealed = seal(k, Buffer.from('0912345678'), aad, Buffer.alloc(12, 1));
    assert.throws(
      () => open(k, sealed, Buffer.from('other')),
      (e: unknown) => {
        assert.ok(e instanceof OpenFailed);
        assert.equal(e.name, 'OpenFailed');
        assert.ok(!e.message.includes('0912345678'));
        assert.ok(!e.message.includes(k.toString('hex')) && !e.message.includes(k.toString('base64')));
        return true;
      },
    );
  });

  test('opens a sealed value that is a view into a larger buffer', () => {
    const k = key();
    const sealed = seal(k, Buffer.from('inside'), aad, Buffer.alloc(12, 3));
    const big = Buffer.concat([Buffer.from('prefix'), sealed, Buffer.from('suffix')]);
    const view = new Uint8Array(big.buffer, big.byteOffset + 6, sealed.length);
    assert.equal(open(k, view, aad).toString(), 'inside');
  });

  test('property: round trip for any plaintext and aad', () => {
    const pool = new RandomPool();
    const k = key();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), (pt, ad) => {
        const sealed = seal(k, Buffer.from(pt), Buffer.from(ad), pool.nonce());
        assert.equal(sealed.length, 1 + 12 + pt.length + 16);
        assert.deepEqual(new Uint8Array(open(k, sealed, Buffer.from(ad))), pt);
      }),
      RUNS,
    );
  });

  test('property: flipping any bit anywhere makes open throw OpenFailed', () => {
    const pool = new RandomPool();
    const k = key();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (pt, at, bit) => {
          const sealed = seal(k, Buffer.from(pt), aad, pool.nonce());
          const i = at % sealed.length;
          sealed[i]! ^= 1 << bit;
          assert.throws(() => open(k, sealed, aad), OpenFailed);
        },
      ),
      RUNS,
    );
  });

  test('property: a different aad never opens', () => {
    const k = key();
    const pool = new RandomPool();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.uint8Array({ maxLength: 32 }), (a, b) => {
        fc.pre(!Buffer.from(a).equals(Buffer.from(b)));
        const sealed = seal(k, Buffer.from('x'), Buffer.from(a), pool.nonce());
        assert.throws(() => open(k, sealed, Buffer.from(b)), OpenFailed);
      }),
      RUNS,
    );
  });
});

describe('RandomPool', () => {
  test('never hands out the same nonce twice, across refills', () => {
    const pool = new RandomPool();
    const seen = new Set<string>();
    const n = 20_000; // 240 KB: several 64 KiB refills
    for (let i = 0; i < n; i++) {
      const nonce = pool.nonce();
      assert.equal(nonce.length, 12);
      seen.add(nonce.toString('hex'));
    }
    assert.equal(seen.size, n);
  });

  test('with a small pool (many refills, sizes that do not divide it) nothing repeats', () => {
    const pool = new RandomPool(100);
    const seen = new Set<string>();
    let taken = 0;
    for (let i = 0; i < 5000; i++) {
      for (const size of [12, 7, 32]) {
        seen.add(pool.take(size).toString('hex'));
        taken++;
      }
    }
    assert.equal(seen.size, taken);
  });

  test('what was handed out is never overwritten by later takes or refills', () => {
    const pool = new RandomPool(64);
    const first = pool.nonce();
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) pool.take(12);
    assert.deepEqual(first, copy);
  });

  test('takes larger than the pool are served whole', () => {
    const pool = new RandomPool(16);
    const big = pool.take(100);
    assert.equal(big.length, 100);
    assert.notDeepEqual(big, Buffer.alloc(100));
    assert.equal(pool.take(16).length, 16);
  });
});

describe('keys and ids', () => {
  test('newKey: 32 random bytes, its own buffer, with or without a pool', () => {
    const pool = new RandomPool();
    const a = newKey(pool);
    const b = newKey(pool);
    const c = newKey();
    assert.equal(KEY_BYTES, 32);
    for (const k of [a, b, c]) assert.equal(k.length, 32);
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(a, c);
    // Not a view into the pool's memory, so wiping it touches nothing else.
    assert.notEqual(a.buffer, pool.nonce().buffer);
    const bCopy = Buffer.from(b);
    a.fill(0);
    assert.deepEqual(b, bCopy);
  });

  test('randomId: prefix_ + 26 characters of the read-aloud alphabet, all distinct', () => {
    const pool = new RandomPool();
    const shape = /^sub_[abcdefghijkmnpqrstuvwxyz23456789]{26}$/;
    const seen = new Set<string>();
    const firstChars = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = randomId('sub', i % 2 === 0 ? pool : undefined);
      assert.match(id, shape);
      seen.add(id);
      firstChars.add(id[4]!);
    }
    assert.equal(seen.size, 5000);
    // All 32 letters are used (5000 draws: missing one by chance is ~32·(31/32)^5000, nil).
    assert.equal(firstChars.size, 32);
    for (const c of 'lo01') assert.ok(![...seen].some((id) => id.slice(4).includes(c)));
  });

  test('randomId encodes 128 bits big-endian, 5 bits a character', () => {
    // A pool whose bytes are known: all ones gives '9' (31) for 25 characters, then 3 bits
    // padded with zeros: 0b11100 = 28 = '6'.
    const ones = { take: (n: number) => Buffer.alloc(n, 0xff) } as unknown as RandomPool;
    assert.equal(randomId('t', ones), `t_${'9'.repeat(25)}6`);
    const zeros = { take: (n: number) => Buffer.alloc(n, 0) } as unknown as RandomPool;
    assert.equal(randomId('t', zeros), `t_${'a'.repeat(26)}`);
  });

  test('constantTimeEqual: equal, unequal, different lengths (false, no throw)', () => {
    assert.equal(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc')), true);
    assert.equal(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd')), false);
    assert.equal(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd')), false);
    assert.equal(constantTimeEqual(Buffer.from('abcd'), Buffer.from('abc')), false);
    assert.equal(constantTimeEqual(Buffer.alloc(0), Buffer.alloc(0)), true);
    assert.equal(constantTimeEqual(Buffer.alloc(0), Buffer.from('a')), false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        assert.equal(constantTimeEqual(Buffer.from(a), Buffer.from(b)), Buffer.from(a).equals(Buffer.from(b)));
      }),
      RUNS,
    );
  });
});

describe('hashes and derivation', () => {
  test('sha256 and hmacSha256 known answers (FIPS 180-2, RFC 4231 case 2)', () => {
    assert.equal(sha256('abc').toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?').toString('hex'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    assert.deepEqual(
      hmacSha256(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')),
      hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?'),
    );
  });

  test('deriveKey is HKDF-SHA256 with an empty salt (RFC 5869 case 3), 32 bytes', () => {
    const okm = deriveKey(Buffer.alloc(22, 0x0b), '');
    assert.equal(okm.length, 32);
    assert.equal(okm.toString('hex'), '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d');
  });

  test('deriveKey: deterministic, and separate for each purpose and root', () => {
    const root = newKey();
    assert.deepEqual(deriveKey(root, 'cloak/blind-index/v1/phone'), deriveKey(root, 'cloak/blind-index/v1/phone'));
    assert.notDeepEqual(deriveKey(root, 'cloak/blind-index/v1/phone'), deriveKey(root, 'cloak/blind-index/v1/email'));
    assert.notDeepEqual(
      deriveKey(root, 'cloak/blind-index/v1/phone'),
      deriveKey(newKey(), 'cloak/blind-index/v1/phone'),
    );
  });
});
