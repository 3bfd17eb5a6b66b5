#!/usr/bin/env node
// Runs every *.test.ts under src/, test/ and e2e/ with node's own test runner (through tsx).
// Node 20's runner does not expand globs itself, hence this list. Extra arguments are
// passed on: `npm test -- src/vault` runs only the files under that path.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ensureChromium, usesBrowser } from './chromium.mjs';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = ['src', 'test', 'e2e']
  .filter((d) => existsSync(d))
  .flatMap((d) => readdirSync(d, { recursive: true }).map((f) => join(d, String(f))))
  .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)))
  .sort();
if (files.length === 0) {
  process.stderr.write('no test files matched\n');
  process.exit(1);
}
// The browser tests need Debian's Chromium: installed here when missing (as root), else a
// clear stop before any test runs.
if (files.some((f) => usesBrowser(readFileSync(f, 'utf8')))) {
  try {
    ensureChromium();
  } catch (e) {
    process.stderr.write(`npm test: ${e.message}\n`);
    process.exit(1);
  }
}
// Tests that run `cloak` as a command run the compiled dist/: rebuilt first, so no test ever
// runs a stale build (incremental: a second of work when nothing changed).
const build = spawnSync(
  process.execPath,
  [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { stdio: 'inherit' },
);
if (build.status !== 0) {
  process.stderr.write('npm test: the build of dist/ failed (tsc -p tsconfig.build.json)\n');
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], {
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
