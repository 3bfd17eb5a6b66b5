/*
 * Verifies a Cloak audit-log entry where it is read (in the browser, or in Node for tests),
 * with WebCrypto only and without trusting the server that sent it:
 *
 *   leaf hash    SHA-256(0x00 ‖ entry bytes)                                  (RFC 9162 §2.1.1)
 *   inclusion    the audit path walked to a root                              (RFC 9162 §2.1.3.2)
 *   checkpoint   origin, tree size, base64 root hash, extension lines         (c2sp.org/tlog-checkpoint)
 *   signature    Ed25519 over the note text, key by name and 4-byte key ID    (c2sp.org/signed-note)
 *   key          name+hex(key ID)+base64(0x01 ‖ 32-byte public key)           (signed-note verifier key)
 *
 * Written from those specifications, sharing no code with the server's signer (src/audit/):
 * a bug there must not be able to hide here. No DOM types and no Node types, so the browser
 * bundle and Node's test runner both use this very file. Conformance tests with the published
 * vectors: test/verify-web.test.ts.
 */

/** The part of WebCrypto used here (the browser's, or Node's `globalThis.crypto.subtle`). */
type Subtle = {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: { name: string },
    extractable: boolean,
    usages: string[],
  ): Promise<unknown>;
  verify(algorithm: { name: string }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
};
const subtle = (): Subtle => {
  const s = (globalThis as unknown as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (!s) throw new VerifyError('unsupported', 'this browser has no WebCrypto (a secure context is needed)');
  return s;
};

/** Why a verification failed: a stable code (the page words it in its language) and a plain message. */
export type Reason =
  | 'unsupported'
  | 'bad-key'
  | 'malformed-note'
  | 'unknown-key'
  | 'bad-signature'
  | 'malformed-checkpoint'
  | 'wrong-origin'
  | 'size-mismatch'
  | 'bad-proof'
  | 'root-mismatch'
  | 'index-mismatch';

export class VerifyError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/**
 * Strict standard base64 (RFC 4648 §4): padded, no white space, and canonical (unused bits
 * zero), so that one byte string has exactly one text. Undefined when `s` is not that.
 */
export function fromBase64(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i += 4) {
    const n = [0, 1, 2, 3].reduce((acc, k) => (acc << 6) | (s[i + k] === '=' ? 0 : B64_INDEX.get(s[i + k]!)!), 0);
    bytes.push((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }
  const out = Uint8Array.from(bytes.slice(0, bytes.length - pad));
  // Canonical: the bits the padding leaves unused must be zero.
  if (pad > 0 && toBase64(out) !== s) return undefined;
  return out;
}

/** Standard base64 with padding. */
export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s +=
      B64[(n >> 18) & 63]! +
      B64[(n >> 12) & 63]! +
      (i + 1 < b.length ? B64[(n >> 6) & 63]! : '=') +
      (i + 2 < b.length ? B64[n & 63]! : '=');
  }
  return s;
}

export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function fromHex(s: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new Error('not hex');
  return Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

// ---------------------------------------------------------------------------------------------
// RFC 9162 Merkle tree

/** The leaf hash of an entry: SHA-256(0x00 ‖ entry). */
export const leafHash = (entry: Uint8Array): Promise<Uint8Array> => sha256(concat(Uint8Array.of(0), entry));

/** An interior node: SHA-256(0x01 ‖ left ‖ right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> =>
  sha256(concat(Uint8Array.of(1), left, right));

function whole(n: number | bigint, what: string): bigint {
  if (typeof n === 'bigint') {
    if (n < 0n || n >= 2n ** 64n) throw new VerifyError('bad-proof', `${what} is out of range`);
    return n;
  }
  if (!Number.isSafeInteger(n) || n < 0) throw new VerifyError('bad-proof', `${what} is not a whole number`);
  return BigInt(n);
}

/**
 * The root that an inclusion proof of `leaf` at `index` in a tree of `size` leads to, by the
 * algorithm of RFC 9162 §2.1.3.2 (sizes as BigInt: no 32-bit bit operators). Throws
 * VerifyError('bad-proof') when the proof cannot be a proof for this index and size.
 */
export async function rootFromInclusionProof(
  index: number | bigint,
  size: number | bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  const leafIndex = whole(index, 'the index');
  const treeSize = whole(size, 'the tree size');
  if (leafIndex >= treeSize)
    throw new VerifyError('bad-proof', `index ${leafIndex} is not inside a tree of ${treeSize}`);
  if (leaf.length !== 32) throw new VerifyError('bad-proof', 'a leaf hash is 32 bytes');
  let fn = leafIndex;
  let sn = treeSize - 1n;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32) throw new VerifyError('bad-proof', 'every hash of the proof is 32 bytes');
    if (sn === 0n) throw new VerifyError('bad-proof', 'the proof is longer than the path to the root');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else r = await nodeHash(r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new VerifyError('bad-proof', 'the proof is shorter than the path to the root');
  return r;
}

/** Whether `proof` proves `leaf` at `index` in the tree of `size` whose root is `root`. */
export async function verifyInclusion(
  index: number | bigint,
  size: number | bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  try {
    return equalBytes(await rootFromInclusionProof(index, size, leaf, proof), root);
  } catch (e) {
    if (e instanceof VerifyError && e.reason === 'bad-proof') return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// C2SP signed notes, verifier keys, checkpoints

/** A key name: non-empty, no Unicode white space, no '+'. */
const validName = (name: string): boolean => name.length > 0 && !/[\s+\u0085\u180e]/u.test(name);

export type VerifierKey = {
  readonly name: string;
  /** The 4-byte key ID, as a number and as the 8 hex digits of the key text. */
  readonly id: number;
  readonly idHex: string;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** SHA-256 of the public key, 16 bytes in groups of 4 hex digits: what a person compares. */
  readonly fingerprint: string;
  /** The key text as given. */
  readonly text: string;
};

async function keyIdOf(name: string, algAndKey: Uint8Array): Promise<number> {
  const h = await sha256(concat(utf8(`${name}\n`), algAndKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

/**
 * Parses a verifier key `name+hex(key ID)+base64(0x01 ‖ public key)`: splits at the first two
 * '+' (the base64 part may hold more), and checks the name, the algorithm byte (0x01,
 * Ed25519), the key length and that the key ID is the one the name and key give.
 */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const text = vkey.trim();
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw new VerifyError('bad-key', 'a verifier key reads name+keyid+key');
  const name = text.slice(0, a);
  const idHex = text.slice(a + 1, b);
  const raw = fromBase64(text.slice(b + 1));
  if (!validName(name)) throw new VerifyError('bad-key', 'the key name is empty or holds a space or a +');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new VerifyError('bad-key', 'the key ID is not 8 hex digits');
  if (!raw) throw new VerifyError('bad-key', 'the key is not base64');
  if (raw.length !== 33 || raw[0] !== 0x01)
    throw new VerifyError('bad-key', 'not an Ed25519 key (type 0x01, 32 bytes)');
  const id = await keyIdOf(name, raw);
  if (id !== Number.parseInt(idHex, 16)) throw new VerifyError('bad-key', 'the key ID does not match the name and key');
  const publicKey = raw.slice(1);
  const fp = toHex((await sha256(publicKey)).slice(0, 16));
  return { name, id, idHex, publicKey, fingerprint: fp.match(/..../g)!.join(' '), text };
}

export type OpenedNote = {
  readonly text: string;
  readonly sigs: readonly string[];
  readonly unverifiedSigs: readonly string[];
};
const MAX_SIGNATURES = 100;

/**
 * Opens a signed note (c2sp.org/signed-note) with the known keys: checks its form, verifies
 * every signature by a known key (name and key ID both matching), ignores others, and
 * requires at least one verified signature. Throws VerifyError: 'malformed-note',
 * 'bad-signature' (a known key's signature does not verify), 'unknown-key' (no signature by
 * a known key; the error then carries the signers' names in `unverifiedSigs`).
 */
export async function openNote(input: string | Uint8Array, known: readonly VerifierKey[]): Promise<OpenedNote> {
  let msg: string;
  try {
    msg = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw new VerifyError('malformed-note', 'the note is not valid UTF-8');
  }
  const malformed = (why: string) => new VerifyError('malformed-note', `the signed note is malformed: ${why}`);
  // Valid UTF-8 (a JS string can hold lone surrogates) with no control character but newline.
  if (/[\u0000-\u0009\u000b-\u001f]/.test(msg)) throw malformed('a control character');
  if (/[\ud800-\udfff]/.test(msg.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) throw malformed('not valid UTF-8');
  // The text ends at the last blank line; it includes its final newline.
  const blank = msg.lastIndexOf('\n\n');
  if (blank < 0) throw malformed('no blank line before the signatures');
  const text = msg.slice(0, blank + 1);
  const lines = msg.slice(blank + 2);
  if (lines === '' || !lines.endsWith('\n'))
    throw malformed('no signature line, or the last does not end with a newline');
  const verified: string[] = [];
  const unverified: string[] = [];
  const seenVerified = new Set<string>();
  const seenUnverified = new Set<string>();
  const textBytes = utf8(text);
  const all = lines.slice(0, -1).split('\n');
  for (const [n, line] of all.entries()) {
    if (n >= MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
    if (!line.startsWith('\u2014 ')) throw malformed('a signature line starts with an em dash and a space');
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const sig64 = sp < 0 ? '' : rest.slice(sp + 1);
    const sig = fromBase64(sig64);
    if (!validName(name) || sig64 === '' || !sig || sig.length < 5)
      throw malformed('a signature line reads "— name base64"');
    const id = ((sig[0]! << 24) | (sig[1]! << 16) | (sig[2]! << 8) | sig[3]!) >>> 0;
    const key = known.find((k) => k.name === name && k.id === id);
    if (!key) {
      if (!seenUnverified.has(rest)) {
        seenUnverified.add(rest);
        unverified.push(name);
      }
      continue;
    }
    const tag = `${name}\u0000${id}`;
    if (seenVerified.has(tag)) continue;
    seenVerified.add(tag);
    let ok = false;
    try {
      const k = await subtle().importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
      ok = await subtle().verify({ name: 'Ed25519' }, k, sig.slice(4), textBytes);
    } catch (e) {
      if (e instanceof VerifyError) throw e;
      ok = false;
    }
    if (!ok)
      throw new VerifyError(
        'bad-signature',
        `the signature by ${name} does not verify: the note was altered or signed by another key`,
      );
    verified.push(name);
  }
  if (verified.length === 0) {
    throw Object.assign(
      new VerifyError('unknown-key', `no signature by a known key (signed by: ${unverified.join(', ') || 'nobody'})`),
      { unverifiedSigs: unverified },
    );
  }
  return { text, sigs: verified, unverifiedSigs: unverified };
}

export type Checkpoint = {
  readonly origin: string;
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly extensions: readonly string[];
};

/**
 * Reads a checkpoint body (c2sp.org/tlog-checkpoint), strictly: a non-empty origin line, the
 * tree size in decimal without leading zeros (below 2^64), the 32-byte root hash in base64,
 * then non-empty extension lines, each line ending with a newline.
 */
export function parseCheckpoint(body: string): Checkpoint {
  const bad = (why: string) => new VerifyError('malformed-checkpoint', `the checkpoint is malformed: ${why}`);
  if (!body.endsWith('\n')) throw bad('it does not end with a newline');
  const [origin, sizeText, rootText, ...extensions] = body.slice(0, -1).split('\n');
  if (origin === undefined || sizeText === undefined || rootText === undefined)
    throw bad('it needs an origin, a size and a root hash');
  if (origin === '') throw bad('the origin is empty');
  if (!/^(?:0|[1-9][0-9]{0,19})$/.test(sizeText) || BigInt(sizeText) >= 2n ** 64n)
    throw bad('the size is not a 64-bit decimal number');
  const root = fromBase64(rootText);
  if (!root || root.length !== 32) throw bad('the root hash is not 32 bytes of base64');
  if (extensions.some((e) => e === '')) throw bad('an extension line is empty');
  return { origin, size: BigInt(sizeText), root, extensions };
}

// ---------------------------------------------------------------------------------------------
// All together

export type EntryProof = {
  /** The entry's exact bytes (its leaf is their hash). */
  readonly entry?: Uint8Array | undefined;
  /**
   * Instead of `entry`, its leaf hash: an access report gives only that for an entry written
   * before salts (its bytes name the staff member). Then only its place in the log is proven.
   */
  readonly leaf?: Uint8Array | undefined;
  readonly index: number | bigint;
  /** The tree size the proof is for: must be the checkpoint's. */
  readonly size: number | bigint;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint (a signed note). */
  readonly note: string;
  /** The verifier key to trust (best pinned, not fetched from the server being checked). */
  readonly vkey: string;
  /** The log's origin; by default the key's name (Cloak signs as its origin). */
  readonly origin?: string;
};

export type Verified = { readonly checkpoint: Checkpoint; readonly key: VerifierKey; readonly leafHash: Uint8Array };

/**
 * Verifies that `entry` is entry `index` of the log whose checkpoint `note` is signed by
 * `vkey`: the signature, the checkpoint, the leaf hash, the proof up to the checkpoint's root.
 * A Cloak entry holds its own index (`"i"`), which must be `index` too. Resolves with what
 * was verified, or throws VerifyError saying what failed.
 * @example const v = await verifyEntry({ entry, index: 42, size: 100, proof, note, vkey }); v.checkpoint.size
 */
export async function verifyEntry(p: EntryProof): Promise<Verified> {
  const key = await parseVerifierKey(p.vkey);
  const opened = await openNote(p.note, [key]);
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== (p.origin ?? key.name))
    throw new VerifyError(
      'wrong-origin',
      `the checkpoint is of the log "${checkpoint.origin}", not "${p.origin ?? key.name}"`,
    );
  const size = whole(p.size, 'the tree size');
  if (checkpoint.size !== size)
    throw new VerifyError(
      'size-mismatch',
      `the proof is for a tree of ${size} entries, the checkpoint for ${checkpoint.size}`,
    );
  const index = whole(p.index, 'the index');
  let inside: unknown;
  if (!p.entry && !(p.leaf && p.leaf.length === 32))
    throw new VerifyError('bad-proof', 'neither the entry nor its 32-byte leaf hash was given');
  try {
    inside = p.entry
      ? (JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(p.entry)) as { i?: unknown }).i
      : undefined;
  } catch {
    inside = undefined;
  }
  if (typeof inside === 'number' && BigInt(inside) !== index)
    throw new VerifyError('index-mismatch', `the entry says it is entry ${inside}, not ${index}`);
  const leaf = p.entry ? await leafHash(p.entry) : p.leaf!;
  const root = await rootFromInclusionProof(index, size, leaf, p.proof);
  if (!equalBytes(root, checkpoint.root))
    throw new VerifyError(
      'root-mismatch',
      "the proof does not lead to the checkpoint's root: the entry, its index or the proof was altered",
    );
  return { checkpoint, key, leafHash: leaf };
}
