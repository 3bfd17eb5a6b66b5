import { after, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
import { join, resolve } from 'node:path';
import { InvalidInput } from './errors.ts';
import { configSchema, loadConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'cloak-config-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function configFile(content: unknown): string {
  const file = join(dir, `config${n++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Asserts that loading fails with InvalidInput whose details name `envVar`; returns the error. */
function refused(env: NodeJS.ProcessEnv, envVar: string, overrides?: Parameters<typeof loadConfig>[1]): InvalidInput {
  let caught: unknown;
  assert.throws(
    () => loadConfig(env, overrides),
    (e: unknown) => {
      caught = e;
      return e instanceof InvalidInput;
    },
  );
  const e = caught as InvalidInput;
  assert.ok(
    e.details.some((d) => d.path === envVar),
    `details do not name ${envVar}: ${JSON.stringify(e.details)}`,
  );
  assert.ok(e.message.includes(envVar), e.message);
  return e;
}

describe('loadConfig', () => {
  test('defaults give a working embedded instance', () => {
    const c = loadConfig({});
    assert.equal(c.dataDir, resolve('./data'));
    assert.equal(c.keyringFile, resolve('./data/keyring.json'));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.keyring, undefined);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8080);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.defaultRegion, 'VN');
    assert.equal(c.rewrapIntervalSeconds, 30);
    assert.equal(c.maxBatch, 1000);
    assert.ok(Number.isInteger(c.cryptoWorkers) && c.cryptoWorkers >= 1 && c.cryptoWorkers <= 64);
  });

  test('the defaults work on a machine with many cores (workers capped at 64)', async () => {
    mock.method(os, 'availableParallelism', () => 192);
    syncBuiltinESMExports();
    try {
      // A fresh copy of the module, so its defaults are computed on this machine.
      const spec = './config.ts?cores=192';
      const fresh = (await import(spec)) as typeof import('./config.ts');
      const c = fresh.loadConfig({});
      assert.equal(c.cryptoWorkers, 64);
      assert.equal(fresh.loadConfig({ CLOAK_CRYPTO_WORKERS: '8' }).cryptoWorkers, 8);
    } finally {
      mock.restoreAll();
      syncBuiltinESMExports();
    }
  });

  test('environment variables override the defaults', () => {
    const c = loadConfig({
      CLOAK_DATA_DIR: join(dir, 'd'),
      CLOAK_DATABASE_URL: 'postgres://cloak@localhost:5432/cloak',
      CLOAK_HOST: '0.0.0.0',
      CLOAK_PORT: '9090',
      CLOAK_LOG_LEVEL: 'debug',
      CLOAK_DEFAULT_REGION: 'CN',
      CLOAK_REWRAP_INTERVAL_SECONDS: '0',
      CLOAK_CRYPTO_WORKERS: '0',
      CLOAK_MAX_BATCH: '50',
    });
    assert.equal(c.dataDir, join(dir, 'd'));
    assert.equal(c.keyringFile, join(dir, 'd', 'keyring.json'));
    assert.equal(c.databaseUrl, 'postgres://cloak@localhost:5432/cloak');
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 9090);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.defaultRegion, 'CN');
    assert.equal(c.rewrapIntervalSeconds, 0);
    assert.equal(c.cryptoWorkers, 0);
    assert.equal(c.maxBatch, 50);
  });

  test('an explicit key file wins over <dataDir>/keyring.json, relative paths are resolved', () => {
    assert.equal(loadConfig({ CLOAK_KEYRING_FILE: 'keys/ring.json' }).keyringFile, resolve('keys/ring.json'));
    assert.equal(loadConfig({ CLOAK_DATA_DIR: 'rel' }).dataDir, resolve('rel'));
  });

  test('empty environment variables count as unset', () => {
    const c = loadConfig({ CLOAK_PORT: '', CLOAK_DEFAULT_REGION: '', CLOAK_LOG_LEVEL: '' });
    assert.equal(c.port, 8080);
    assert.equal(c.defaultRegion, 'VN');
    assert.equal(c.logLevel, 'info');
  });

  test('overrides (from the command line) win over the environment', () => {
    const c = loadConfig({ CLOAK_PORT: '9090' }, { port: 0 });
    assert.equal(c.port, 0);
    assert.equal(loadConfig({ CLOAK_PORT: '9090' }, { port: undefined }).port, 9090);
  });

  test('a bad setting is refused with a message naming its environment variable', () => {
    for (const port of ['abc', '70000', '-1', '80.5']) refused({ CLOAK_PORT: port }, 'CLOAK_PORT');
    refused({ CLOAK_LOG_LEVEL: 'loud' }, 'CLOAK_LOG_LEVEL');
    refused({ CLOAK_MAX_BATCH: '0' }, 'CLOAK_MAX_BATCH');
    refused({ CLOAK_MAX_BATCH: '10001' }, 'CLOAK_MAX_BATCH');
    refused({ CLOAK_CRYPTO_WORKERS: '65' }, 'CLOAK_CRYPTO_WORKERS');
    refused({ CLOAK_REWRAP_INTERVAL_SECONDS: '-5' }, 'CLOAK_REWRAP_INTERVAL_SECONDS');
    refused({ CLOAK_DATABASE_URL: 'mysql://localhost/cloak' }, 'CLOAK_DATABASE_URL');
  });

  test('every problem is reported at once', () => {
    const e = refused({ CLOAK_PORT: 'x', CLOAK_LOG_LEVEL: 'loud' }, 'CLOAK_PORT');
    assert.ok(e.details.some((d) => d.path === 'CLOAK_LOG_LEVEL'));
  });

  test('a bad CLOAK_DEFAULT_REGION is refused', () => {
    for (const region of ['XX', 'Vietnam', 'vn', '84', 'ZZ']) {
      const e = refused({ CLOAK_DEFAULT_REGION: region }, 'CLOAK_DEFAULT_REGION');
      assert.match(e.message, /country code/);
    }
    assert.equal(loadConfig({ CLOAK_DEFAULT_REGION: 'US' }).defaultRegion, 'US');
  });

  test('a bad database URL is refused without echoing it (it may hold a password)', () => {
    const e = refused({ CLOAK_DATABASE_URL: 'mysql://cloak:Hunter2Secret@db/cloak' }, 'CLOAK_DATABASE_URL');
    assert.ok(!(e.message + JSON.stringify(e.details)).includes('Hunter2Secret'));
  });

  test('the config file is merged under the environment (the environment wins)', () => {
    const file = configFile({ port: 7000, host: '10.0.0.1', logLevel: 'warn', defaultRegion: 'CN', maxBatch: 10 });
    const c = loadConfig({ CLOAK_CONFIG_FILE: file, CLOAK_PORT: '7001', CLOAK_LOG_LEVEL: 'error' });
    assert.equal(c.port, 7001);
    assert.equal(c.logLevel, 'error');
    assert.equal(c.host, '10.0.0.1');
    assert.equal(c.defaultRegion, 'CN');
    assert.equal(c.maxBatch, 10);
    assert.equal(c.rewrapIntervalSeconds, 30);
  });

  test('a bad value in the config file names its setting; an unknown key is refused', () => {
    refused({ CLOAK_CONFIG_FILE: configFile({ port: 'high' }) }, 'CLOAK_PORT');
    refused({ CLOAK_CONFIG_FILE: configFile({ defaultRegion: 'XX' }) }, 'CLOAK_DEFAULT_REGION');
    assert.throws(
      () => loadConfig({ CLOAK_CONFIG_FILE: configFile({ prot: 8080 }) }),
      (e: unknown) => e instanceof InvalidInput && /unknown settings: prot/.test(e.message),
    );
  });

  test('an unreadable or malformed config file is refused, naming CLOAK_CONFIG_FILE', () => {
    for (const file of [join(dir, 'missing.json'), configFile('{ not json')]) {
      assert.throws(
        () => loadConfig({ CLOAK_CONFIG_FILE: file }),
        (e: unknown) => e instanceof InvalidInput && e.message.startsWith('CLOAK_CONFIG_FILE'),
      );
    }
  });

  test('a keyring in the environment is never echoed when the config is refused', () => {
    const secret = 'eyJrZXlzIjoiU0VDUkVUIn0SecretRing';
    const e = refused({ CLOAK_KEYRING: secret, CLOAK_PORT: 'x' }, 'CLOAK_PORT');
    assert.ok(!(e.message + JSON.stringify(e.details)).includes(secret));
    assert.equal(loadConfig({ CLOAK_KEYRING: secret }).keyring, secret);
  });

  test('the result is frozen', () => {
    const c = loadConfig({});
    assert.ok(Object.isFrozen(c));
    assert.throws(() => {
      (c as { port: number }).port = 1;
    }, TypeError);
    assert.equal(c.port, 8080);
  });

  test('trusted proxies: none by default; addresses and CIDR ranges, comma-separated; anything else refused by name', () => {
    assert.deepEqual(loadConfig({}).trustedProxies, []);
    assert.deepEqual(loadConfig({ CLOAK_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,fd00::/8,loopback' }).trustedProxies, [
      '10.0.0.0/8',
      '127.0.0.1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/1', '*'])
      refused({ CLOAK_TRUSTED_PROXIES: bad }, 'CLOAK_TRUSTED_PROXIES');
  });

  test('every setting is described by its environment variable', () => {
    for (const [key, s] of Object.entries(configSchema.shape)) {
      assert.match(s.description ?? '', /^CLOAK_[A-Z_]+: \S/, key);
    }
  });
});
