import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { freshSqlite, type TestDb } from '../test/dialects.ts';
import { CLOAK_BIN } from '../test/cli.ts';

/** Starts `cloak serve` as `npm start` does, waits for its banner, and returns what it printed. */
async function serve(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [CLOAK_BIN, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!/Docs: (\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`cloak serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100)); // the rest of the banner
  return {
    out: () => out,
    api: /API: +(\S+)/.exec(out)![1]!,
    docs: /Docs: +(\S+)/.exec(out)![1]!,
    key: /Admin API key[^:]*: (ck_\S+)/.exec(out)?.[1],
    stop: async () => (child.kill('SIGTERM'), exited),
  };
}

describe('first start on an empty data directory', () => {
  let db: TestDb;
  before(async () => {
    db = await freshSqlite();
  });
  after(async () => {
    await db.drop();
  });

  test(
    'creates the keys, prints the API and docs addresses and a working admin key; a second start creates none',
    { timeout: 60_000 },
    async () => {
      const env = { CLOAK_DATA_DIR: db.dataDir, CLOAK_PORT: '0', CLOAK_LOG_LEVEL: 'warn' };
      const s = await serve(env, ['--demo']);
      try {
        assert.match(s.api, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(s.docs, `${s.api}/docs`);
        assert.ok(s.key, 'an admin API key is printed');
        assert.equal(statSync(join(db.dataDir, 'keyring.json')).mode & 0o777, 0o600);
        const keys = await fetch(`${s.api}/v1/keys`, { headers: { authorization: `Bearer ${s.key}` } });
        assert.equal(keys.status, 200);
        assert.equal((await keys.json()).subjects, 200, 'demo customers planted');
        const docs = await fetch(s.docs);
        assert.equal(docs.status, 200);
        assert.match(await docs.text(), /swagger/i);
        const spec = await (await fetch(`${s.docs}/json`)).json();
        assert.equal(spec.openapi, '3.1.0');
        assert.ok(spec.paths['/v1/subjects/lookup']);
        assert.equal((await fetch(`${s.api}/v1/keys`)).status, 401, 'no key, no answer');
      } finally {
        assert.equal(await s.stop(), 0, 'stops cleanly on SIGTERM');
      }
      const again = await serve(env, ['--demo']);
      try {
        assert.equal(again.key, undefined, 'the admin key is printed only on the first start');
        assert.doesNotMatch(again.out(), /Demo:/);
      } finally {
        await again.stop();
      }
    },
  );

  test('a bad setting stops the start and names it', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [CLOAK_BIN, 'serve'], {
      env: { ...process.env, CLOAK_DATA_DIR: db.dataDir, CLOAK_PORT: 'eighty' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CLOAK_PORT/);
  });
});
