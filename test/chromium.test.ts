import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { APT_INSTALL, DEFAULT_CHROMIUM, ensureChromium, usesBrowser } from '../scripts/chromium.mjs';

/**
 * On a fresh Debian machine `npm test` brings the browser its dashboard tests need: Debian's
 * chromium package, installed with apt-get when run as root (as .ci/run does), never a
 * downloaded browser; without root or apt-get it stops before any test with a message naming
 * the package.
 */
describe('npm test brings Debian’s Chromium when it is missing', () => {
  const fake = (o: {
    present?: string[];
    uid?: number;
    apt?: boolean;
    installs?: boolean;
    env?: Record<string, string>;
  }) => {
    const present = new Set(o.present ?? []);
    const ran: string[] = [];
    const said: string[] = [];
    const opts = {
      env: o.env ?? {},
      exists: (p: string) => present.has(p),
      uid: o.uid ?? 0,
      hasAptGet: () => o.apt ?? true,
      run: (cmd: string) => {
        ran.push(cmd);
        if (o.installs ?? true) present.add(DEFAULT_CHROMIUM);
        return o.installs ?? true;
      },
      say: (l: string) => void said.push(l),
    };
    return { opts, ran, said };
  };

  test('present: nothing is installed', () => {
    const f = fake({ present: [DEFAULT_CHROMIUM] });
    assert.equal(ensureChromium(f.opts), 'present');
    assert.deepEqual([f.ran, f.said], [[], []]);
  });

  test('missing, as root with apt-get: Debian’s package is installed, with one line saying so', () => {
    const f = fake({});
    assert.equal(ensureChromium(f.opts), 'installed');
    assert.deepEqual(f.ran, [APT_INSTALL]);
    assert.match(APT_INSTALL, /apt-get install -y -qq chromium$/);
    assert.equal(f.said.length, 1);
    assert.match(f.said[0]!, /installing Debian's chromium package/);
  });

  test('missing, not root or no apt-get: a clear stop naming the package, nothing run', () => {
    for (const f of [fake({ uid: 1000 }), fake({ apt: false })]) {
      assert.throws(() => ensureChromium(f.opts), /Debian's "chromium" package .*apt-get install chromium/);
      assert.deepEqual(f.ran, []);
    }
  });

  test('an install that fails, or a CLOAK_TEST_CHROMIUM that does not exist, stops with the reason', () => {
    assert.throws(
      () => ensureChromium(fake({ installs: false }).opts),
      /installing Debian's "chromium" package failed/,
    );
    const f = fake({ env: { CLOAK_TEST_CHROMIUM: '/opt/nowhere/chrome' } });
    assert.throws(() => ensureChromium(f.opts), /CLOAK_TEST_CHROMIUM is \/opt\/nowhere\/chrome, which does not exist/);
    assert.deepEqual(f.ran, [], 'installing would not make that path exist');
  });

  test('only a run with browser tests needs it; the test command stops before running any test', () => {
    assert.equal(usesBrowser("import { browserOn } from '../test/browser.ts';"), true);
    assert.equal(usesBrowser("import { serverOn } from '../test/dialects.ts';"), false);
    const r = spawnSync(process.execPath, ['scripts/test.mjs', 'e2e/docs-headers.test.ts'], {
      env: { ...process.env, CLOAK_TEST_CHROMIUM: '/nonexistent/chromium' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /CLOAK_TEST_CHROMIUM is \/nonexistent\/chromium, which does not exist/);
    assert.doesNotMatch(r.stdout, /# tests/, 'no test ran');
  });
});
