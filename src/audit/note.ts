import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as edSign,
  verify as edVerify,
  type KeyObject,
} from 'node:crypto';

/*
 * C2SP signed notes (Ed25519, signature type 0x01) and tlog checkpoints, the format the
 * audit log's checkpoints are published in so outside verifiers and witnesses can follow
 * it. Written by hand: there is no maintained npm implementation; behaviour follows the
 * reference implementation (golang.org/x/mod/sumdb/note) and is tested against its vectors.
 */

const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 '; // em dash and a space
const MAX_SIGNATURES = 100;

export class NoteError extends Error {
  constructor(
    readonly kind: 'malformed' | 'invalid signature' | 'no verifiable signatures' | 'bad key',
    message?: string,
  ) {
    super(message ?? kind);
    this.name = 'NoteError';
  }
}

/** Strict standard base64 (Node's decoder accepts anything, so check the text first). */
function b64(s: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const out = Buffer.from(s, 'base64');
  return out.toString('base64') === s ? out : undefined;
}

/** A key name: non-empty, no white space, no '+'. */
export function isValidName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** key id = first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export function keyId(name: string, algAndKey: Buffer): number {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), algAndKey]))
    .digest()
    .readUInt32BE(0);
}

/** Splits at the first `sep`: the base64 part of a key may itself contain '+'. */
function chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

export type NoteVerifier = { readonly name: string; readonly id: number; readonly key: KeyObject };
export type NoteSigner = NoteVerifier & { readonly privateKey: KeyObject };

/** Parses a verifier key `name+hex(id)+base64(0x01 ‖ key)`. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, rest] = chop(vkey, '+');
  const [hex, key64] = chop(rest, '+');
  const raw = b64(key64);
  if (!/^[0-9a-f]{8}$/.test(hex) || !raw || raw.length === 0 || !isValidName(name))
    throw new NoteError('bad key', 'malformed verifier key');
  if (Number.parseInt(hex, 16) !== keyId(name, raw))
    throw new NoteError('bad key', 'verifier key id does not match its key');
  if (raw[0] !== ALG_ED25519 || raw.length !== 33) throw new NoteError('bad key', 'unknown key algorithm or length');
  return {
    name,
    id: keyId(name, raw),
    key: createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') },
      format: 'jwk',
    }),
  };
}

/** Parses a signer key `PRIVATE+KEY+name+hex(id)+base64(0x01 ‖ seed)`. */
export function parseSignerKey(skey: string): NoteSigner {
  const m = /^PRIVATE\+KEY\+(.+)$/.exec(skey);
  if (!m) throw new NoteError('bad key', 'malformed signer key');
  const [name, rest] = chop(m[1]!, '+');
  const [hex, key64] = chop(rest, '+');
  const raw = b64(key64);
  if (!/^[0-9a-f]{8}$/.test(hex) || !raw || raw.length !== 33 || raw[0] !== ALG_ED25519 || !isValidName(name))
    throw new NoteError('bad key', 'malformed signer key');
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  const id = keyId(name, Buffer.concat([Buffer.of(ALG_ED25519), pub]));
  if (Number.parseInt(hex, 16) !== id) throw new NoteError('bad key', 'signer key id does not match its key');
  return { name, id, key: createPublicKey(privateKey), privateKey };
}

/** The verifier key string of a signer (what witnesses and verifiers are given). */
export function verifierKeyOf(s: NoteVerifier): string {
  const pub = Buffer.from(s.key.export({ format: 'jwk' }).x!, 'base64url');
  return `${s.name}+${s.id.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.of(ALG_ED25519), pub]).toString('base64')}`;
}

/** Signs a note text (which must end with a newline) with one or more signers. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n') || text.includes('\n\n'))
    throw new NoteError('malformed', 'a note text ends with a newline and has no blank line');
  const lines = signers.map((s) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.id);
    return `${SIG_PREFIX}${s.name} ${Buffer.concat([id, edSign(null, Buffer.from(text, 'utf8'), s.privateKey)]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

export type OpenedNote = {
  readonly text: string;
  readonly sigs: readonly string[];
  readonly unverifiedSigs: readonly string[];
};

/**
 * Opens a signed note: checks its shape and every signature by a known key. Throws
 * NoteError('malformed' | 'invalid signature' | 'no verifiable signatures'); the last one
 * carries the note's unverified signers in `opened`.
 */
export function openNote(input: string | Uint8Array, known: readonly NoteVerifier[]): OpenedNote {
  // Valid UTF-8 with no control characters but newlines.
  let msg: string;
  try {
    msg = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw new NoteError('malformed');
  }
  if (
    /[\u0000-\u0009\u000b-\u001f]/.test(msg) ||
    /[\uD800-\uDFFF]/.test(msg.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))
  )
    throw new NoteError('malformed');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed');
  const text = msg.slice(0, split + 1);
  let sigs = msg.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith('\n')) throw new NoteError('malformed');
  const verified: string[] = [];
  const unverified: string[] = [];
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  let count = 0;
  while (sigs.length > 0) {
    const i = sigs.indexOf('\n');
    let line = sigs.slice(0, i);
    sigs = sigs.slice(i + 1);
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError('malformed');
    line = line.slice(SIG_PREFIX.length);
    const [name, sig64] = chop(line, ' ');
    const sig = b64(sig64);
    if (!sig || !isValidName(name) || sig64 === '' || sig.length < 5) throw new NoteError('malformed');
    if (++count > MAX_SIGNATURES) throw new NoteError('malformed', 'too many signatures');
    const id = sig.readUInt32BE(0);
    const v = known.find((k) => k.name === name && k.id === id);
    if (!v) {
      if (!seenUnverified.has(line)) {
        seenUnverified.add(line);
        unverified.push(name);
      }
      continue;
    }
    const key = `${name}\u0000${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!edVerify(null, Buffer.from(text, 'utf8'), v.key, sig.subarray(4))) throw new NoteError('invalid signature');
    verified.push(name);
  }
  const opened = { text, sigs: verified, unverifiedSigs: unverified };
  if (verified.length === 0) throw Object.assign(new NoteError('no verifiable signatures'), { opened });
  return opened;
}

export type Checkpoint = {
  readonly origin: string;
  readonly size: bigint;
  readonly rootHash: Buffer;
  readonly extensions: readonly string[];
};

/** The body of a tlog checkpoint: origin, size, base64 root hash, then extension lines. */
export function formatCheckpoint(c: Checkpoint): string {
  return `${c.origin}\n${c.size.toString()}\n${c.rootHash.toString('base64')}\n${c.extensions.map((e) => `${e}\n`).join('')}`;
}

/**
 * Parses a checkpoint body under a strict reading of c2sp.org/tlog-checkpoint: a non-empty
 * origin (equal to `expectOrigin` when given), a decimal size without leading zeros that
 * fits 64 bits, a 32-byte root hash, non-empty extension lines, and a final newline.
 */
export function parseCheckpoint(body: string, expectOrigin?: string): Checkpoint {
  if (!body.endsWith('\n')) throw new NoteError('malformed', 'a checkpoint ends with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('malformed', 'a checkpoint has an origin, a size and a root hash');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '' || (expectOrigin !== undefined && origin !== expectOrigin))
    throw new NoteError('malformed', 'wrong or empty origin');
  if (!/^(0|[1-9][0-9]{0,19})$/.test(sizeText) || BigInt(sizeText) >= 2n ** 64n)
    throw new NoteError('malformed', 'the size is not a 64-bit decimal number');
  const rootHash = b64(rootText);
  if (!rootHash || rootHash.length !== 32) throw new NoteError('malformed', 'the root hash is not 32 bytes of base64');
  if (extensions.some((e) => e === '')) throw new NoteError('malformed', 'extension lines must not be empty');
  return { origin, size: BigInt(sizeText), rootHash, extensions };
}

/**
 * A signer for `name` from a 32-byte Ed25519 seed (the log derives its seed from the
 * keyring, so the checkpoint key is made at first start with the rest and never stored apart).
 */
export function signerFromSeed(name: string, seed: Buffer): NoteSigner {
  if (seed.length !== 32 || !isValidName(name))
    throw new NoteError('bad key', 'a signer needs a valid name and a 32-byte seed');
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  const id = keyId(name, Buffer.concat([Buffer.of(ALG_ED25519), pub]));
  return { name, id, key: createPublicKey(privateKey), privateKey };
}
