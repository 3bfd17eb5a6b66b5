import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { InvalidInput, Conflict } from './errors.ts';
import { KEY_BYTES, RandomPool, deriveKey, newKey, open, seal } from './crypto.ts';

/**
 * The keyring: versioned key-encryption keys (KEKs) that wrap each subject's data key, and
 * one root from which the blind-index keys are derived (that root never rotates, or every
 * index would have to be rebuilt). Kept in a file created with mode 0600 at first start, or
 * given whole in the environment. Never committed, never logged.
 */
export type Keyring = {
  readonly active: number;
  readonly keks: ReadonlyMap<number, Buffer>;
  readonly indexRoot: Buffer;
};

const b64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64')
  .transform((s) => Buffer.from(s, 'base64'));

const fileSchema = z.object({
  format: z.literal('cloak-keyring/1'),
  active: z.number().int().positive(),
  keks: z.array(z.object({ version: z.number().int().positive(), key: b64Key, createdAt: z.string() })).min(1),
  indexRoot: b64Key,
});
type KeyringFile = z.input<typeof fileSchema>;

function parseKeyring(text: string, where: string): { ring: Keyring; file: KeyringFile } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInput(`${where}: the keyring is not valid JSON`);
  }
  const p = fileSchema.safeParse(json);
  if (!p.success) {
    const details = p.error.issues.map((i) => ({ path: '/' + i.path.join('/'), problem: i.message }));
    throw new InvalidInput(
      `${where}: the keyring is malformed (${details.map((d) => `${d.path}: ${d.problem}`).join('; ')})`,
      details,
    );
  }
  const keks = new Map(p.data.keks.map((k) => [k.version, k.key]));
  if (keks.size !== p.data.keks.length) throw new InvalidInput(`${where}: the keyring lists a key version twice`);
  if (!keks.has(p.data.active))
    throw new InvalidInput(`${where}: the active version ${p.data.active} is not in the keyring`);
  return {
    ring: Object.freeze({ active: p.data.active, keks, indexRoot: p.data.indexRoot }),
    file: json as KeyringFile,
  };
}

function writeAtomically(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

/** Makes a create or rename in `dir` durable (a new key version must not vanish on power loss). */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function newFile(): KeyringFile {
  return {
    format: 'cloak-keyring/1',
    active: 1,
    keks: [{ version: 1, key: newKey().toString('base64'), createdAt: new Date().toISOString() }],
    indexRoot: newKey().toString('base64'),
  };
}

export type KeyringSource = { readonly file: string; readonly inline?: string | undefined };

/**
 * Reads the keyring, creating the file (mode 0600) when there is none. `created` tells the
 * caller that this was a first start.
 */
export function loadKeyring(src: KeyringSource): { ring: Keyring; created: boolean } {
  if (src.inline) return { ring: parseKeyring(src.inline, 'CLOAK_KEYRING').ring, created: false };
  if (!existsSync(src.file)) {
    mkdirSync(dirname(src.file), { recursive: true, mode: 0o700 });
    const text = JSON.stringify(newFile(), null, 2) + '\n';
    // 'wx': two processes starting at once must not both create (and one overwrite) a keyring.
    try {
      const fd = openSync(src.file, 'wx', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      fsyncDir(dirname(src.file));
      return { ring: parseKeyring(text, src.file).ring, created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = statSync(src.file).mode & 0o777;
  if (mode & 0o077) {
    throw new InvalidInput(
      `${src.file}: the key file is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`,
    );
  }
  return { ring: parseKeyring(readFileSync(src.file, 'utf8'), src.file).ring, created: false };
}

function editFile(src: KeyringSource, edit: (f: KeyringFile) => KeyringFile): Keyring {
  if (src.inline) {
    throw new Conflict(
      'the keyring comes from CLOAK_KEYRING; edit that variable (add a version, set "active") and restart',
    );
  }
  // One edit at a time: a retire racing a rotate must not write back a file without the new version.
  const lock = `${src.file}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Conflict(
        `another key operation holds ${lock}; wait for it, or delete that file if no cloak command is running`,
      );
    throw e;
  }
  try {
    loadKeyring(src); // refuses a file with loose permissions or a bad shape before editing it
    const f = JSON.parse(readFileSync(src.file, 'utf8')) as KeyringFile;
    const text = JSON.stringify(edit(f), null, 2) + '\n';
    const { ring } = parseKeyring(text, src.file);
    writeAtomically(src.file, text);
    return ring;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/** Adds a new KEK version and makes it the one new writes use. Returns the new version. */
export function rotateKeyring(src: KeyringSource): number {
  const ring = editFile(src, (f) => {
    const version = Math.max(...f.keks.map((k) => k.version)) + 1;
    return {
      ...f,
      active: version,
      keks: [...f.keks, { version, key: newKey().toString('base64'), createdAt: new Date().toISOString() }],
    };
  });
  return ring.active;
}

/**
 * Deletes a KEK version from the keyring. Once a version is retired, every copy of the key
 * store that still holds data keys wrapped under it (old backups included) is unreadable.
 * The caller must first check that no live data key is wrapped under it.
 */
export function retireKeyVersion(src: KeyringSource, version: number): void {
  editFile(src, (f) => {
    if (f.active === version) throw new Conflict(`version ${version} is the active key; rotate first`);
    if (!f.keks.some((k) => k.version === version)) throw new InvalidInput(`there is no key version ${version}`);
    return { ...f, keks: f.keks.filter((k) => k.version !== version) };
  });
}

export type WrappedKey = { readonly kekVersion: number; readonly wrapped: Buffer };

/**
 * The small KMS interface the vault wraps data keys through. The local implementation
 * below uses the keyring; a cloud KMS (which would also be asked in batches) can take its
 * place without the vault changing.
 */
export interface Kms {
  /** The KEK version new wraps use. */
  activeVersion(): number;
  /** Versions this KMS can unwrap. */
  versions(): readonly number[];
  /** Wraps data keys under the active version; `context` is bound as associated data. */
  wrapMany(items: readonly { key: Buffer; context: string }[]): Promise<WrappedKey[]>;
  unwrap(w: WrappedKey, context: string): Promise<Buffer>;
  /** Picks up versions added by `cloak keys rotate` in another process. */
  reload(): void;
}

/** A Kms backed by the local keyring (file or environment). */
export function createLocalKms(src: KeyringSource, initial?: Keyring): Kms {
  let ring = initial ?? loadKeyring(src).ring;
  let mtime = src.inline ? 0 : statSync(src.file).mtimeMs;
  const pool = new RandomPool();
  const aad = (context: string, version: number) => Buffer.from(`cloak/dek/v1|${context}|${version}`, 'utf8');
  const reload = () => {
    if (src.inline) return;
    const m = statSync(src.file).mtimeMs;
    if (m !== mtime) {
      ring = loadKeyring(src).ring;
      mtime = m;
    }
  };
  return {
    activeVersion: () => ring.active,
    versions: () => [...ring.keks.keys()].sort((a, b) => a - b),
    async wrapMany(items) {
      // A rotation made by another process (the CLI) applies to the very next write; a
      // stat per call costs microseconds against the wraps themselves.
      reload();
      const version = ring.active;
      const kek = ring.keks.get(version)!;
      return items.map(({ key, context }) => {
        if (key.length !== KEY_BYTES) throw new Error('data keys are 32 bytes');
        return { kekVersion: version, wrapped: seal(kek, key, aad(context, version), pool.nonce()) };
      });
    },
    async unwrap(w, context) {
      let kek = ring.keks.get(w.kekVersion);
      if (!kek) {
        reload();
        kek = ring.keks.get(w.kekVersion);
      }
      if (!kek) throw new KeyVersionUnknown(w.kekVersion);
      return open(kek, w.wrapped, aad(context, w.kekVersion));
    },
    reload,
  };
}

/** A data key is wrapped under a KEK version this keyring does not hold (retired, or another keyring). */
export class KeyVersionUnknown extends Error {
  constructor(readonly version: number) {
    super(`no key-encryption key of version ${version} in this keyring`);
    this.name = 'KeyVersionUnknown';
  }
}

/**
 * A public fingerprint of the keyring (of its index root, which never rotates), stored in
 * the database so a start with the wrong key file, or with a fresh one made because the
 * file went missing, is refused before it writes anything under it.
 */
export function keyringFingerprint(ring: Keyring): string {
  return deriveKey(ring.indexRoot, 'cloak/keyring-fingerprint/v1').subarray(0, 16).toString('hex');
}

/** The blind-index key of one scope (for example `phone`), derived from the keyring's index root. */
export function blindIndexKey(ring: Keyring, scope: string): Buffer {
  return deriveKey(ring.indexRoot, `cloak/blind-index/v1/${scope}`);
}
