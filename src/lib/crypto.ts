import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
  createHash,
} from 'node:crypto';

/**
 * Crypto primitives, all on node:crypto (OpenSSL). Nothing here invents a mode: AES-256-GCM
 * with a fresh random 96-bit nonce per encryption, HMAC-SHA256, HKDF-SHA256.
 */

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed value: the format, so a later format can be told apart. */
const SEALED_FORMAT = 0x01;

/**
 * Random bytes drawn from a pre-filled pool. `randomBytes(12)` per call costs more than an
 * AES-GCM encryption itself (about 7 µs against 5.5 µs, measured here), so the pool is
 * filled 64 KiB at a time. Each slice is handed out once and the pool is then replaced,
 * never rewound, so no nonce (nor key, nor token) is ever handed out twice.
 */
export class RandomPool {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;
  constructor(private readonly refillBytes = 64 * 1024) {}
  /** `n` fresh random bytes (a view into the pool: copy it if it must outlive a refill's GC). */
  take(n: number): Buffer {
    if (n > this.refillBytes) return randomBytes(n);
    if (this.off + n > this.buf.length) {
      this.buf = randomFillSync(Buffer.allocUnsafe(this.refillBytes));
      this.off = 0;
    }
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  /** A fresh 96-bit GCM nonce. */
  nonce(): Buffer {
    return this.take(NONCE_BYTES);
  }
}

/**
 * Encrypts with AES-256-GCM. Output: format byte ‖ nonce ‖ ciphertext ‖ tag.
 * @example const sealed = seal(key, Buffer.from('hi'), Buffer.from('subject|field|1'), pool.nonce());
 */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer, nonce: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES) throw new Error('nonce must be 12 bytes');
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const body = c.update(plaintext);
  c.final();
  const out = Buffer.allocUnsafe(1 + NONCE_BYTES + body.length + TAG_BYTES);
  out[0] = SEALED_FORMAT;
  nonce.copy(out, 1);
  body.copy(out, 1 + NONCE_BYTES);
  c.getAuthTag().copy(out, 1 + NONCE_BYTES + body.length);
  return out;
}

/** Thrown when a sealed value does not open: wrong key, wrong context, or tampering. */
export class OpenFailed extends Error {
  constructor() {
    super('sealed value does not open under this key and context');
    this.name = 'OpenFailed';
  }
}

/** Decrypts what {@link seal} produced, checking the tag against `aad`. */
export function open(key: Buffer, sealed: Uint8Array, aad: Buffer): Buffer {
  const s = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (s.length < 1 + NONCE_BYTES + TAG_BYTES || s[0] !== SEALED_FORMAT) throw new OpenFailed();
  const d = createDecipheriv('aes-256-gcm', key, s.subarray(1, 1 + NONCE_BYTES));
  d.setAAD(aad);
  d.setAuthTag(s.subarray(s.length - TAG_BYTES));
  try {
    const body = d.update(s.subarray(1 + NONCE_BYTES, s.length - TAG_BYTES));
    d.final();
    return body;
  } catch {
    throw new OpenFailed();
  }
}

/** HMAC-SHA256. */
export function hmacSha256(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** SHA-256. */
export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Derives a 32-byte sub-key for one purpose (HKDF-SHA256, RFC 5869). */
export function deriveKey(root: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), Buffer.from(info, 'utf8'), KEY_BYTES));
}

/** A new random 256-bit key (its own buffer, so it can be wiped). */
export function newKey(pool?: RandomPool): Buffer {
  return pool ? Buffer.from(pool.take(KEY_BYTES)) : randomBytes(KEY_BYTES);
}

/** Compares two secrets in constant time (false, not a throw, on different lengths). */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const B32 = 'abcdefghijkmnpqrstuvwxyz23456789'; // no l, o, 0, 1: easy to read aloud

/**
 * A random identifier: prefix + 26 characters of base32 over 128 random bits. It carries
 * no information about what it names.
 * @example randomId('sub') // 'sub_k3v...'
 */
export function randomId(prefix: string, pool?: RandomPool): string {
  const r = pool ? pool.take(16) : randomBytes(16);
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of r) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return `${prefix}_${out}`;
}
