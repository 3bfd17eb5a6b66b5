import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The clear reader's one function may be named only by the modules src/vault/README.md lists
// under "Who may read clear values". This test scans every .ts/.tsx under src/ and web/src/ and
// compares the files naming it with that list, both ways: a new caller must be listed (with
// why), and a listed module that no longer reads clear values must leave the list.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NAME = /\bDANGEROUS_decryptField\b/u;
const README = 'src/vault/README.md';
const HEADING = '**Who may read clear values**';

/** Every .ts/.tsx file under `dirs` (relative to `root`, `/`-separated), node_modules aside. */
function sourceFiles(root: string, dirs: readonly string[]): string[] {
  return dirs
    .flatMap((d) =>
      readdirSync(join(root, d), { recursive: true }).map((f) => `${d}/${String(f).replaceAll('\\', '/')}`),
    )
    .filter((f) => /\.tsx?$/u.test(f) && !f.split('/').includes('node_modules'))
    .sort();
}

/** The module paths listed (`- \`path\`: why`) under the heading, up to the next heading. */
function listedModules(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(HEADING);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('**') || line.startsWith('#')) break;
    const m = /^- `([^`]+)`: \S/u.exec(line);
    if (m) out.push(m[1]!);
  }
  return out.sort();
}

/** What differs between the files that name the function and the modules listed, as sentences. */
function clearPathProblems(naming: readonly string[], listed: readonly string[]): string[] {
  return [
    ...naming.filter((f) => !listed.includes(f)).map((f) => `${f} names DANGEROUS_decryptField but is not listed`),
    ...listed.filter((f) => !naming.includes(f)).map((f) => `${f} is listed but does not name DANGEROUS_decryptField`),
  ];
}

test('only the modules listed in src/vault/README.md (Who may read clear values) name DANGEROUS_decryptField', () => {
  const files = sourceFiles(ROOT, ['src', 'web/src']);
  assert.ok(files.includes('src/app.ts') && files.some((f) => f.startsWith('web/src/')), `scanned ${files.length}`);
  const naming = files.filter((f) => NAME.test(readFileSync(join(ROOT, f), 'utf8')));
  const listed = listedModules(readFileSync(join(ROOT, README), 'utf8'));
  assert.ok(listed.length >= 2, `${README} lists ${listed.length} modules under ${HEADING}`);
  assert.deepEqual(clearPathProblems(naming, listed), []);
});

test('the clear-path check catches a stray caller and a stale listing', () => {
  const md = [
    '**Who may read clear values**',
    '',
    '- `src/vault/clear.ts`: defines it.',
    '- `src/access/reveal.service.ts`: shows it.',
    '',
    '**Never**',
    '- `src/other.ts`: not in the section.',
  ].join('\n');
  const listed = listedModules(md);
  assert.deepEqual(listed, ['src/access/reveal.service.ts', 'src/vault/clear.ts']);
  assert.deepEqual(clearPathProblems(['src/access/reveal.service.ts', 'src/vault/clear.ts'], listed), []);
  assert.deepEqual(clearPathProblems(['src/access/reveal.service.ts', 'src/stray.ts', 'src/vault/clear.ts'], listed), [
    'src/stray.ts names DANGEROUS_decryptField but is not listed',
  ]);
  assert.deepEqual(clearPathProblems(['src/vault/clear.ts'], listed), [
    'src/access/reveal.service.ts is listed but does not name DANGEROUS_decryptField',
  ]);
  assert.ok(NAME.test('deps.clear.DANGEROUS_decryptField(t, f)') && !NAME.test('deps.vault.decryptField(t, f)'));
});
