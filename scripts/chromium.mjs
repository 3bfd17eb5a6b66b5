// The dashboard's browser tests drive Debian's Chromium through playwright-core; no browser is
// ever downloaded. On a fresh machine `npm test` installs Debian's package as .ci/run does
// (as root, with apt-get); otherwise it stops with a message saying what to install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Where test/browser.ts looks for Chromium (CLOAK_TEST_CHROMIUM overrides it). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const APT_INSTALL = 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium';

/** Whether a test file opens a browser. */
export const usesBrowser = (source) => /test\/browser\.ts|playwright-core/.test(source);

/**
 * Makes sure the browser the tests will launch exists. Returns what it did ('present' or
 * 'installed'); throws an Error whose message says what is missing and how to get it.
 * Everything it touches is injectable, for its test.
 */
export function ensureChromium({
  env = process.env,
  exists = existsSync,
  uid = typeof process.getuid === 'function' ? process.getuid() : -1,
  hasAptGet = () => spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0,
  run = (cmd) => spawnSync('sh', ['-c', cmd], { stdio: 'inherit' }).status === 0,
  say = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const chosen = env.CLOAK_TEST_CHROMIUM;
  if (chosen) {
    if (exists(chosen)) return 'present';
    throw new Error(
      `CLOAK_TEST_CHROMIUM is ${chosen}, which does not exist: point it at a Chromium binary, or unset it to use Debian's chromium package at ${DEFAULT_CHROMIUM}`,
    );
  }
  if (exists(DEFAULT_CHROMIUM)) return 'present';
  if (uid !== 0 || !hasAptGet()) {
    throw new Error(
      `the browser tests need Debian's "chromium" package (${DEFAULT_CHROMIUM}), which is not installed: run "apt-get install chromium" as root (npm test does it itself when run as root on Debian), or set CLOAK_TEST_CHROMIUM to a Chromium binary`,
    );
  }
  say(
    `npm test: ${DEFAULT_CHROMIUM} is missing, installing Debian's chromium package for the browser tests (apt-get install chromium)`,
  );
  if (!run(APT_INSTALL) || !exists(DEFAULT_CHROMIUM))
    throw new Error(
      `installing Debian's "chromium" package failed (${APT_INSTALL}); install it by hand, then run npm test again`,
    );
  return 'installed';
}
