// ADAPTED COPY of the last case of test/chromium.test.ts for 559925b (finding 12). The other
// cases test scripts/chromium.mjs, which the fix added; this one drives the test command
// itself (node scripts/test.mjs <a browser test>) with Chromium missing, unchanged.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

describe('npm test with Chromium missing (adapted copy)', () => {
  test('the test command stops before running any test, naming what is missing', () => {
    // As `npm test` runs it: without the runner's NODE_TEST_CONTEXT (with it, a nested run skips its files).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ['scripts/test.mjs', 'e2e/docs-headers.test.ts'], {
      env: { ...env, CLOAK_TEST_CHROMIUM: '/nonexistent/chromium' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const launch = /Failed to launch[^\n]*|browserType\.launch[^\n]*/.exec(r.stdout + r.stderr)?.[0];
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /CLOAK_TEST_CHROMIUM is \/nonexistent\/chromium, which does not exist/,
      `no stop before the tests; a browser test said: ${launch}; ${[
        ...r.stdout.matchAll(/# (?:tests|fail|cancelled) \d+/g),
      ]
        .slice(-3)
        .map((m) => m[0])
        .join(', ')}`,
    );
    assert.doesNotMatch(r.stdout, /# tests/, 'no test ran');
  });
});
