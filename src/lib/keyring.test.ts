import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conflict, InvalidInput } from './errors.ts';
import { OpenFailed, newKey } from './crypto.ts';
import {
  KeyVersionUnknown,
  blindIndexKey,
  createLocalKms,
  loadKeyring,
  retireKeyVersion,
  rotateKeyring,
  type KeyringSource,
} from './keyring.ts';

const root = mkdtempSync(join(tmpdir(), 'cloak-keyring-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A keyring file path in a folder of its own (which does not exist yet). */
const fresh = (): KeyringSource => ({ file: join(root, `k${n++}`, 'keyring.json') });
const mode = (path: string) => statSync(path).mode & 0o777;

const b64 = () => newKey().toString('base64');
function inlineRing(over: Record<string, unknown> = {}) {
  return JSON.stringify({
    format: 'cloak-keyring/1',
    active: 1,
    keks: [{ version: 1, key: b64(), createdAt: '2026-01-01T00:00:00.000Z' }],
    indexRoot: b64(),
    ...over,
  });
}

describe('loadKeyring', () => {
  test('creates the file with mode 0600 (its folder 0700) at first start, then reads it back', () => {
    const src = fresh();
    const first = loadKeyring(src);
    assert.equal(first.created, true);
    assert.equal(mode(src.file), 0o600);
    assert.equal(mode(join(src.file, '..')), 0o700);
    assert.equal(first.ring.active, 1);
    assert.deepEqual([...first.ring.keks.keys()], [1]);
    assert.equal(first.ring.keks.get(1)!.length, 32);
    assert.equal(first.ring.indexRoot.length, 32);
    assert.ok(Object.isFrozen(first.ring));

    const second = loadKeyring(src);
    assert.equal(second.created, false);
    assert.deepEqual(second.ring.keks.get(1), first.ring.keks.get(1));
    assert.deepEqual(second.ring.indexRoot, first.ring.indexRoot);
  });

  test('two keyrings created apart have different keys', () => {
    const a = loadKeyring(fresh()).ring;
    const b = loadKeyring(fresh()).ring;
    assert.notDeepEqual(a.keks.get(1), b.keks.get(1));
    assert.notDeepEqual(a.indexRoot, b.indexRoot);
    assert.notDeepEqual(a.keks.get(1), a.indexRoot);
  });

  test('refuses a key file other users can read, naming chmod 600', () => {
    const src = fresh();
    loadKeyring(src);
    for (const loose of [0o644, 0o640, 0o604]) {
      chmodSync(src.file, loose);
      assert.throws(
        () => loadKeyring(src),
        (e: unknown) => e instanceof InvalidInput && /chmod 600/.test(e.message) && e.message.includes(src.file),
      );
    }
    chmodSync(src.file, 0o600);
    assert.equal(loadKeyring(src).created, false);
  });

  test('refuses a malformed keyring without quoting its keys', () => {
    const src = fresh();
    loadKeyring(src);
    const good = JSON.parse(readFileSync(src.file, 'utf8'));
    const secret = good.keks[0].key as string;
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      [JSON.stringify({ ...good, format: 'other' }), /malformed/],
      [JSON.stringify({ ...good, active: 2 }), /active version 2/],
      [JSON.stringify({ ...good, keks: [...good.keks, good.keks[0]] }), /twice/],
      [JSON.stringify({ ...good, keks: [{ ...good.keks[0], key: secret.slice(0, 20) }] }), /32 bytes/],
      [JSON.stringify({ ...good, keks: [] }), /malformed/],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(src.file, text, { mode: 0o600 });
      assert.throws(
        () => loadKeyring(src),
        (e: unknown) => {
          assert.ok(e instanceof InvalidInput, String(e));
          assert.match(e.message, problem);
          const shown = e.message + JSON.stringify(e.details);
          assert.ok(!shown.includes(secret) && !shown.includes(secret.slice(0, 20)), shown);
          assert.ok(!shown.includes(good.indexRoot), shown);
          return true;
        },
      );
    }
  });

  test('reads a keyring given whole in CLOAK_KEYRING, never touching the file', () => {
    const src = { file: join(root, 'never', 'keyring.json'), inline: inlineRing() };
    const { ring, created } = loadKeyring(src);
    assert.equal(created, false);
    assert.equal(ring.active, 1);
    assert.throws(() => statSync(src.file), /ENOENT/);
    assert.throws(
      () => loadKeyring({ file: src.file, inline: '{' }),
      (e: unknown) => e instanceof InvalidInput && e.message.startsWith('CLOAK_KEYRING'),
    );
  });
});

describe('rotate and retire', () => {
  test('rotate adds a version, makes it active, keeps the older ones and the index root, and keeps mode 0600', () => {
    const src = fresh();
    const before = loadKeyring(src).ring;
    assert.equal(rotateKeyring(src), 2);
    const after2 = loadKeyring(src).ring;
    assert.equal(after2.active, 2);
    assert.deepEqual([...after2.keks.keys()].sort(), [1, 2]);
    assert.deepEqual(after2.keks.get(1), before.keks.get(1));
    assert.notDeepEqual(after2.keks.get(2), before.keks.get(1));
    assert.deepEqual(after2.indexRoot, before.indexRoot);
    assert.equal(mode(src.file), 0o600);
    assert.equal(rotateKeyring(src), 3);
    assert.equal(loadKeyring(src).ring.active, 3);
  });

  test('rotation leaves the blind-index keys unchanged', () => {
    const src = fresh();
    const before = blindIndexKey(loadKeyring(src).ring, 'phone');
    rotateKeyring(src);
    assert.deepEqual(blindIndexKey(loadKeyring(src).ring, 'phone'), before);
    assert.notDeepEqual(blindIndexKey(loadKeyring(src).ring, 'email'), before);
  });

  test('retire refuses the active version and unknown versions, and removes an old one', () => {
    const src = fresh();
    loadKeyring(src);
    assert.throws(
      () => retireKeyVersion(src, 1),
      (e: unknown) => e instanceof Conflict && /active/.test(e.message),
    );
    rotateKeyring(src);
    assert.throws(() => retireKeyVersion(src, 2), Conflict);
    assert.throws(() => retireKeyVersion(src, 7), InvalidInput);
    retireKeyVersion(src, 1);
    const ring = loadKeyring(src).ring;
    assert.deepEqual([...ring.keks.keys()], [2]);
    assert.equal(ring.active, 2);
    assert.equal(mode(src.file), 0o600);
  });

  test('refuses to edit a key file other users can read', () => {
    const src = fresh();
    loadKeyring(src);
    chmodSync(src.file, 0o644);
    assert.throws(() => rotateKeyring(src), InvalidInput);
    chmodSync(src.file, 0o600);
    assert.equal(loadKeyring(src).ring.active, 1);
  });

  test('a keyring from CLOAK_KEYRING cannot be rotated or retired here (Conflict)', () => {
    const src = { file: join(root, 'inline', 'keyring.json'), inline: inlineRing() };
    assert.throws(
      () => rotateKeyring(src),
      (e: unknown) => e instanceof Conflict && /CLOAK_KEYRING/.test(e.message),
    );
    assert.throws(() => retireKeyVersion(src, 1), Conflict);
    assert.throws(() => statSync(src.file), /ENOENT/);
  });
});

describe('createLocalKms', () => {
  test('wrap then unwrap gives the data key back', async () => {
    const kms = createLocalKms(fresh());
    const keys = [newKey(), newKey(), newKey()];
    const wrapped = await kms.wrapMany(keys.map((key, i) => ({ key, context: `sub_${i}` })));
    assert.equal(wrapped.length, 3);
    for (const [i, w] of wrapped.entries()) {
      assert.equal(w.kekVersion, 1);
      assert.ok(!w.wrapped.includes(keys[i]!), 'the data key shows in clear');
      assert.deepEqual(await kms.unwrap(w, `sub_${i}`), keys[i]);
    }
    assert.equal(kms.activeVersion(), 1);
    assert.deepEqual(kms.versions(), [1]);
  });

  test('unwrap under another context, or from another keyring, fails', async () => {
    const kms = createLocalKms(fresh());
    const [w] = await kms.wrapMany([{ key: newKey(), context: 'sub_a' }]);
    await assert.rejects(kms.unwrap(w!, 'sub_b'), OpenFailed);
    await assert.rejects(kms.unwrap({ ...w!, kekVersion: 2 }, 'sub_a'), KeyVersionUnknown);
    const other = createLocalKms(fresh());
    await assert.rejects(other.unwrap(w!, 'sub_a'), OpenFailed);
  });

  test('refuses to wrap something that is not a 32-byte key', async () => {
    const kms = createLocalKms(fresh());
    await assert.rejects(kms.wrapMany([{ key: Buffer.alloc(16), context: 'sub_a' }]));
  });

  test('reload() picks up a rotation done through another handle; old wraps still open', async () => {
    const src = fresh();
    const kms = createLocalKms(src);
    const dek = newKey();
    const [old] = await kms.wrapMany([{ key: dek, context: 'sub_a' }]);
    assert.equal(rotateKeyring({ file: src.file }), 2);
    assert.equal(kms.activeVersion(), 1, 'no reload yet');
    kms.reload();
    assert.equal(kms.activeVersion(), 2);
    assert.deepEqual(kms.versions(), [1, 2]);
    const [neu] = await kms.wrapMany([{ key: dek, context: 'sub_a' }]);
    assert.equal(neu!.kekVersion, 2);
    assert.deepEqual(await kms.unwrap(neu!, 'sub_a'), dek);
    assert.deepEqual(await kms.unwrap(old!, 'sub_a'), dek);
  });

  test('after a retire and reload, keys wrapped under the retired version are unreadable', async () => {
    const src = fresh();
    const kms = createLocalKms(src);
    const [w] = await kms.wrapMany([{ key: newKey(), context: 'sub_a' }]);
    rotateKeyring(src);
    retireKeyVersion(src, 1);
    kms.reload();
    assert.deepEqual(kms.versions(), [2]);
    await assert.rejects(kms.unwrap(w!, 'sub_a'), (e: unknown) => e instanceof KeyVersionUnknown && e.version === 1);
  });

  test('works from CLOAK_KEYRING, where reload() is a no-op', async () => {
    const src = { file: join(root, 'inline2', 'keyring.json'), inline: inlineRing() };
    const kms = createLocalKms(src);
    const dek = newKey();
    const [w] = await kms.wrapMany([{ key: dek, context: 'sub_a' }]);
    kms.reload();
    assert.deepEqual(await kms.unwrap(w!, 'sub_a'), dek);
  });

  test('wraps bind the version: a wrap relabelled with another version does not open', async () => {
    const src = fresh();
    const kms = createLocalKms(src);
    rotateKeyring(src);
    kms.reload();
    const [w] = await kms.wrapMany([{ key: newKey(), context: 'sub_a' }]);
    await assert.rejects(kms.unwrap({ ...w!, kekVersion: 1 }, 'sub_a'), OpenFailed);
  });
});

describe('blindIndexKey', () => {
  test('is derived from the index root, one key per scope', () => {
    const ring = loadKeyring(fresh()).ring;
    assert.equal(blindIndexKey(ring, 'phone').length, 32);
    assert.deepEqual(blindIndexKey(ring, 'phone'), blindIndexKey(ring, 'phone'));
    assert.notDeepEqual(blindIndexKey(ring, 'phone'), blindIndexKey(ring, 'name'));
    assert.notDeepEqual(blindIndexKey(ring, 'phone'), ring.indexRoot);
    assert.notDeepEqual(blindIndexKey(ring, 'phone'), blindIndexKey(loadKeyring(fresh()).ring, 'phone'));
  });
});

test('a key edit while another holds the lock is refused, and the keyring is left as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-keylock-'));
  try {
    const file = join(dir, 'keyring.json');
    loadKeyring({ file });
    writeFileSync(`${file}.lock`, '');
    assert.throws(
      () => rotateKeyring({ file }),
      (e: unknown) => e instanceof Conflict && /another key operation/.test((e as Error).message),
    );
    assert.equal(loadKeyring({ file }).ring.active, 1);
    rmSync(`${file}.lock`);
    assert.equal(rotateKeyring({ file }), 2);
    assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
