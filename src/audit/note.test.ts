import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  NoteError,
  formatCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifierKeyOf,
} from './note.ts';

/** C2SP signed-note and tlog-checkpoint vectors (golang/mod sumdb/note, transparency-dev/formats, C2SP), copied with their sources. */
const V = JSON.parse(readFileSync(new URL('../../test/vectors/note-vectors.json', import.meta.url), 'utf8'));

describe('C2SP signed notes against the published vectors', () => {
  test('verifier keys parse, with their key ids; signer keys give the same verifier key', () => {
    for (const k of V.keys) {
      const v = parseVerifierKey(k.vkey);
      assert.equal(verifierKeyOf(v), k.vkey);
      if (k.skey) assert.equal(verifierKeyOf(parseSignerKey(k.skey)), k.vkey);
    }
  });

  test('bad keys, every proper substring and every one-byte change of a key are refused', () => {
    for (const k of V.badKeys) assert.throws(() => parseVerifierKey(k.vkey), NoteError, k.why);
    const good: string = V.badKeysDerived.from;
    for (let i = 0; i < good.length; i++) {
      for (let j = i + 1; j <= good.length; j++)
        if (i !== 0 || j !== good.length)
          assert.throws(() => parseVerifierKey(good.slice(i, j)), NoteError, `substring ${i}..${j}`);
      const changed = good.slice(0, i) + String.fromCharCode(good.charCodeAt(i) + 1) + good.slice(i + 1);
      assert.throws(() => parseVerifierKey(changed), NoteError, `byte ${i} + 1`);
    }
  });

  test('signing gives the reference implementation’s note byte for byte (Ed25519 is deterministic)', () => {
    for (const s of V.signVectors) assert.equal(signNote(s.text, [parseSignerKey(s.skey)]), s.want);
  });

  test('opening notes: verified and unverified signers, duplicates dropped, corrupt and malformed refused', () => {
    for (const n of V.notes) {
      const msg = n.textBase64 ? Buffer.from(n.textBase64, 'base64') : n.text;
      const known = n.verifierKeys.map((k: string) => parseVerifierKey(k));
      if (n.expect.ok) {
        const o = openNote(msg, known);
        assert.deepEqual(o.sigs, n.expect.sigs, n.desc);
        if (n.expect.unverifiedSigs) assert.deepEqual(o.unverifiedSigs, n.expect.unverifiedSigs, n.desc);
        if (n.expect.text) assert.equal(o.text, n.expect.text, n.desc);
      } else {
        assert.throws(
          () => openNote(msg, known),
          (e: unknown) =>
            e instanceof NoteError &&
            e.kind === n.expect.error &&
            (!n.expect.unverifiedSigs ||
              JSON.stringify((e as NoteError & { opened: { unverifiedSigs: string[] } }).opened.unverifiedSigs) ===
                JSON.stringify(n.expect.unverifiedSigs)),
          n.desc,
        );
      }
      if (n.checkpoint) {
        const c = parseCheckpoint(typeof msg === 'string' ? msg.slice(0, msg.lastIndexOf('\n\n') + 1) : '');
        assert.deepEqual(
          { origin: c.origin, size: c.size.toString(), root: c.rootHash.toString('base64') },
          { origin: n.checkpoint.origin, size: n.checkpoint.size, root: n.checkpoint.rootHashBase64 },
        );
      }
    }
  });

  test('checkpoints under the strict C2SP reading', () => {
    for (const c of V.checkpoints) {
      if (c.c2sp.ok) {
        const p = parseCheckpoint(c.text, c.expectOrigin);
        if (c.want?.origin) assert.equal(p.origin, c.want.origin);
        if (c.want?.size) assert.equal(p.size.toString(), c.want.size);
        if (c.want?.rootHashHex) assert.equal(p.rootHash.toString('hex'), c.want.rootHashHex);
        if (c.want?.extensions) assert.deepEqual(p.extensions, c.want.extensions);
        assert.equal(formatCheckpoint(p), c.text, 'formats back to the same body');
      } else {
        assert.throws(() => parseCheckpoint(c.text, c.expectOrigin), NoteError, c.desc);
      }
    }
  });
});
