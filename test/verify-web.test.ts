// Conformance of the dashboard's in-browser verifier (web/src/verify.ts, WebCrypto only) with the
// published vectors (RFC 9162 Merkle proofs: transparency-dev/merkle, golang/mod sumdb/tlog; C2SP
// signed notes and checkpoints: golang/mod sumdb/note, transparency-dev/formats, C2SP; see
// ./vectors/README.md), then against a live Cloak log, and tampering that must fail.
// The project's own audit code is used only to produce the live log, never to check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, sign as edSign, createHash, randomBytes } from 'node:crypto';
import { appOn, freshSqlite } from './dialects.ts';
import {
  fromBase64,
  fromHex,
  leafHash,
  nodeHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rootFromInclusionProof,
  toBase64,
  toHex,
  verifyEntry,
  verifyInclusion,
  VerifyError,
  type Reason,
} from '../web/src/verify.ts';

const M = JSON.parse(readFileSync(new URL('./vectors/merkle-vectors.json', import.meta.url), 'utf8'));
const N = JSON.parse(readFileSync(new URL('./vectors/note-vectors.json', import.meta.url), 'utf8'));
const hexes = (a: readonly string[]) => a.map(fromHex);
/** A copy of `b` with byte `i` (from the end when negative) XORed with `mask`. */
const flip = (b: Uint8Array, i: number, mask = 0x01): Uint8Array => {
  const c = Uint8Array.from(b);
  const k = i < 0 ? c.length + i : i;
  c[k] = (c[k] ?? 0) ^ mask;
  return c;
};
const reasonOf = async (p: Promise<unknown>): Promise<Reason | 'ok'> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof VerifyError) return e.reason;
    throw e;
  }
};

describe('base64 (strict, canonical)', () => {
  test('agrees with Node for random bytes of every length 0..64; rejects what is not standard padded base64', () => {
    for (let n = 0; n <= 64; n++) {
      const b = randomBytes(n);
      assert.equal(toBase64(b), b.toString('base64'));
      assert.deepEqual(fromBase64(b.toString('base64')), new Uint8Array(b));
    }
    for (const bad of ['A', 'AB', 'ABC', 'AB=C', 'A===', 'AB==CD==', 'QQ', 'QR==', 'Zm9v YmFy', 'Zm9v-_', 'Zm9v\n'])
      assert.equal(fromBase64(bad), undefined, bad);
  });
});

describe('RFC 9162 Merkle inclusion (published vectors)', () => {
  test('hasher vectors: leaf and node hashes', async () => {
    for (const h of M.hasher) {
      if (h.emptyRoot) continue; // the empty tree's root is SHA-256 of nothing: not a leaf or node hash
      const got =
        h.leafHex !== undefined
          ? await leafHash(fromHex(h.leafHex))
          : await nodeHash(fromHex(h.leftHex), fromHex(h.rightHex));
      assert.equal(toHex(got), h.want, h.desc);
    }
  });

  test('the table of inclusion proofs verifies against the published roots; any one-byte change fails', async () => {
    for (const p of M.inclusionProofs) {
      const root = fromHex(M.roots.find((r: { size: number }) => r.size === p.size).root);
      const leaf = await leafHash(fromHex(M.leaves[p.index]));
      assert.equal(
        await verifyInclusion(p.index, p.size, leaf, hexes(p.proof), root),
        p.expect,
        `index ${p.index} size ${p.size}`,
      );
      for (let k = 0; k < p.proof.length; k++) {
        const bad = hexes(p.proof).map((x, j) => (j === k ? flip(x, 7, 0x10) : x));
        assert.equal(await verifyInclusion(p.index, p.size, leaf, bad, root), false);
      }
      const badRoot = flip(root, 31);
      assert.equal(await verifyInclusion(p.index, p.size, leaf, hexes(p.proof), badRoot), false);
    }
  });

  test('the transparency-dev/merkle inclusion probes (98): each accepted or rejected as published', async () => {
    assert.equal(M.probes.inclusion.length, 98);
    for (const p of M.probes.inclusion) {
      // leafIdx 2^64-1 arrives as a float above 2^53: out of range either way, as the probe wants.
      const idx = Number.isSafeInteger(p.leafIdx) ? p.leafIdx : BigInt('18446744073709551615');
      const ok = await verifyInclusion(idx, p.treeSize, fromHex(p.leafHash), hexes(p.proof), fromHex(p.root));
      assert.equal(ok, !p.wantErr, `${p.file}: ${p.desc}`);
    }
  });

  test('a real Certificate Transparency proof (Argon 2020, 961,984,013 leaves)', async () => {
    const a = M.ctArgon2020;
    const leaf = await leafHash(fromBase64(a.leafInputBase64)!);
    assert.equal(
      await verifyInclusion(a.leafIndex, a.treeSize, leaf, hexes(a.auditPath), fromHex(a.rootHash)),
      a.expect.inclusion,
    );
    assert.equal(
      await verifyInclusion(a.leafIndex + 1, a.treeSize, leaf, hexes(a.auditPath), fromHex(a.rootHash)),
      false,
    );
    assert.equal(
      await reasonOf(rootFromInclusionProof(a.leafIndex, a.treeSize, leaf, hexes(a.auditPath).slice(1))),
      'bad-proof',
    );
  });
});

describe('C2SP signed notes and checkpoints (published vectors)', () => {
  test('every published verifier key parses, with its name and key ID', async () => {
    for (const k of N.keys) {
      const v = await parseVerifierKey(k.vkey);
      const [name, id] = k.vkey.split('+');
      assert.equal(v.name, name);
      assert.equal(v.idHex, id);
      assert.equal(v.publicKey.length, 32);
    }
  });

  test('bad keys, every proper substring and every single-byte +1 mutation of a key are rejected', async () => {
    for (const k of N.badKeys) assert.equal(await reasonOf(parseVerifierKey(k.vkey)), 'bad-key', k.why);
    const from: string = N.badKeysDerived.from;
    for (let i = 0; i < from.length; i++)
      for (let j = i + 1; j <= from.length; j++)
        if (j - i < from.length)
          assert.equal(await reasonOf(parseVerifierKey(from.slice(i, j))), 'bad-key', from.slice(i, j));
    for (let i = 0; i < from.length; i++) {
      const m = from.slice(0, i) + String.fromCharCode(from.charCodeAt(i) + 1) + from.slice(i + 1);
      assert.equal(await reasonOf(parseVerifierKey(m)), 'bad-key', m);
    }
  });

  test('the signing vector verifies with its key', async () => {
    for (const s of N.signVectors) {
      const vkey = N.keys.find((k: { skey?: string }) => k.skey === s.skey).vkey;
      const o = await openNote(s.want, [await parseVerifierKey(vkey)]);
      assert.equal(o.text, s.text);
    }
  });

  test('opening notes: verified, unknown, duplicated, corrupt and malformed as published', async () => {
    const map: Record<string, Reason> = {
      malformed: 'malformed-note',
      'invalid signature': 'bad-signature',
      'no verifiable signatures': 'unknown-key',
    };
    for (const n of N.notes) {
      const keys = await Promise.all(n.verifierKeys.map((k: string) => parseVerifierKey(k)));
      const input = n.textBase64 !== undefined ? new Uint8Array(Buffer.from(n.textBase64, 'base64')) : n.text;
      if (n.expect.ok) {
        const o = await openNote(input, keys);
        assert.deepEqual(o.sigs, n.expect.sigs, n.desc);
        assert.deepEqual(o.unverifiedSigs, n.expect.unverifiedSigs, n.desc);
        if (n.expect.text !== undefined) assert.equal(o.text, n.expect.text);
        if (n.checkpoint) {
          const c = parseCheckpoint(o.text);
          assert.equal(c.origin, n.checkpoint.origin);
          assert.equal(c.size, BigInt(n.checkpoint.size));
          assert.equal(toBase64(c.root), n.checkpoint.rootHashBase64);
        }
      } else {
        let err: unknown;
        await openNote(input, keys).catch((e: unknown) => (err = e));
        assert.ok(err instanceof VerifyError, n.desc);
        assert.equal(err.reason, map[n.expect.error], n.desc);
        if (n.expect.unverifiedSigs)
          assert.deepEqual(
            (err as VerifyError & { unverifiedSigs: string[] }).unverifiedSigs,
            n.expect.unverifiedSigs,
            n.desc,
          );
      }
    }
  });

  test('checkpoint bodies: the strict C2SP reading', () => {
    for (const c of N.checkpoints) {
      let got: ReturnType<typeof parseCheckpoint> | undefined;
      try {
        got = parseCheckpoint(c.text);
        if (c.expectOrigin !== undefined && got.origin !== c.expectOrigin) got = undefined;
      } catch (e) {
        assert.ok(e instanceof VerifyError && e.reason === 'malformed-checkpoint');
      }
      assert.equal(got !== undefined, c.c2sp.ok, c.desc);
      if (got && c.want) {
        if (c.want.origin) assert.equal(got.origin, c.want.origin);
        if (c.want.size) assert.equal(got.size, BigInt(c.want.size));
        if (c.want.rootHashHex) assert.equal(toHex(got.root), c.want.rootHashHex);
        if (c.want.extensions) assert.deepEqual(got.extensions, c.want.extensions);
      }
    }
  });
});

describe('against a live Cloak log, and tampering', () => {
  const h = appOn(freshSqlite);

  /** A note text signed by a fresh Ed25519 key, under `name`, with key ID `id` (by default the key's own). */
  function signWithAnotherKey(text: string, name: string, id?: number): { note: string; vkey: string } {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const own = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.of(1), pub]))
      .digest()
      .readUInt32BE(0);
    const idBytes = Buffer.alloc(4);
    idBytes.writeUInt32BE(id ?? own);
    const sig = Buffer.concat([idBytes, edSign(null, Buffer.from(text), privateKey)]).toString('base64');
    return {
      note: `${text}\n\u2014 ${name} ${sig}\n`,
      vkey: `${name}+${own.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.of(1), pub]).toString('base64')}`,
    };
  }

  test('real entries verify against the signed checkpoint; every kind of tampering fails with its reason', async () => {
    const app = h.app;
    const made = await app.audit.append(
      Array.from({ length: 37 }, (_, i) => ({
        kind: i % 3 ? 'reveal' : 'device',
        actor: `staff:u-${i}`,
        subject: `sub_test${i}`,
        result: 'ok',
        data: { purpose: 'ticket_followup', field: 'phone' },
      })),
    );
    const cp = await app.audit.latest();
    const vkey = app.audit.verifierKey;
    for (const e of [made[0]!, made[13]!, made[36]!]) {
      const p = await app.audit.inclusion(e.index, cp.size);
      const input = {
        entry: new Uint8Array(p.entry),
        index: e.index,
        size: cp.size,
        proof: p.proof.map((x) => new Uint8Array(x)),
        note: cp.note,
        vkey,
      };
      const v = await verifyEntry(input);
      assert.equal(v.checkpoint.size, BigInt(cp.size));
      assert.equal(v.key.name, app.audit.origin);
      assert.equal(toBase64(v.checkpoint.root), cp.root.toString('base64'));

      // A flipped byte in the entry.
      const entry = flip(input.entry, -3);
      assert.equal(await reasonOf(verifyEntry({ ...input, entry })), 'root-mismatch');
      // The wrong index (the entry names its own; with that check out of the way, the proof fails).
      assert.equal(await reasonOf(verifyEntry({ ...input, index: e.index + 1 })), 'index-mismatch');
      const unnamed = new TextEncoder().encode(new TextDecoder().decode(input.entry).replace(/"i":\d+/, '"i":"x"'));
      const pu = await app.audit.inclusion(e.index, cp.size);
      assert.equal(
        await reasonOf(verifyEntry({ ...input, entry: unnamed, proof: pu.proof.map((x) => new Uint8Array(x)) })),
        'root-mismatch',
      );
      // An altered proof: a byte, a hash dropped, one added.
      if (input.proof.length > 0) {
        const proof = input.proof.map((x, j) => (j === 0 ? flip(x, 0, 0x80) : x));
        assert.equal(await reasonOf(verifyEntry({ ...input, proof })), 'root-mismatch');
        assert.equal(await reasonOf(verifyEntry({ ...input, proof: input.proof.slice(1) })), 'bad-proof');
      }
      assert.equal(await reasonOf(verifyEntry({ ...input, proof: [...input.proof, new Uint8Array(32)] })), 'bad-proof');
      // Another tree size than the checkpoint's.
      assert.equal(await reasonOf(verifyEntry({ ...input, size: cp.size - 1 })), 'size-mismatch');
    }

    const p = await app.audit.inclusion(13, cp.size);
    const base = {
      entry: new Uint8Array(p.entry),
      index: 13,
      size: cp.size,
      proof: p.proof.map((x) => new Uint8Array(x)),
      note: cp.note,
      vkey,
    };
    const [text] = cp.note.split('\n\n');
    const body = `${text}\n`;
    // An altered root in the checkpoint (signature then fails), or in the note's text re-signed by another key.
    const altered = cp.note.replace(
      cp.root.toString('base64'),
      toBase64(Uint8Array.from(cp.root, (b, i) => (i === 0 ? b ^ 1 : b))),
    );
    assert.equal(await reasonOf(verifyEntry({ ...base, note: altered })), 'bad-signature');
    const forgedRoot = body.replace(cp.root.toString('base64'), Buffer.alloc(32, 7).toString('base64'));
    // Signed by another key under the log's name: an unknown key (its key ID differs)...
    assert.equal(
      await reasonOf(verifyEntry({ ...base, note: signWithAnotherKey(forgedRoot, app.audit.origin).note })),
      'unknown-key',
    );
    // ...or claiming the log's key ID: the signature does not verify.
    const logId = Number.parseInt(vkey.split('+')[1]!, 16);
    assert.equal(
      await reasonOf(verifyEntry({ ...base, note: signWithAnotherKey(body, app.audit.origin, logId).note })),
      'bad-signature',
    );
    // A liar's own key makes its own note verify, and then the root does not match.
    const liar = signWithAnotherKey(forgedRoot, app.audit.origin);
    assert.equal(await reasonOf(verifyEntry({ ...base, note: liar.note, vkey: liar.vkey })), 'root-mismatch');
    // A checkpoint of another log (signed by a key named as this one).
    const other = signWithAnotherKey(body.replace(/^[^\n]+/, 'elsewhere.example/log'), app.audit.origin);
    assert.equal(await reasonOf(verifyEntry({ ...base, note: other.note, vkey: other.vkey })), 'wrong-origin');
    // A malformed key.
    assert.equal(await reasonOf(verifyEntry({ ...base, vkey: vkey.slice(0, -2) })), 'bad-key');
  });
});
