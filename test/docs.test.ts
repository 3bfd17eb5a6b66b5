import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The READMEs and docs say what is, in words a newcomer can follow: no issue numbers, no
// "capability 8", "page 2" or "story A" defined elsewhere, no promised NATS adapter. And the
// README gets a newcomer going: what the tests need and the layout come right after the
// quick start, and the layout lists the src/ folders there are.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** docs/CONVENTIONS.md is a copy of the team's conventions, kept as it was given. */
const KEPT_AS_GIVEN = new Set(['docs/CONVENTIONS.md']);
/** The threat model cites tests by exact name (test/threat-model.test.ts checks it); a title is quoted, not written here. */
const CITATION = /`((?:src|e2e|test)\/[^`\s]+\.test\.ts)` › “([^”]+)”/gu;

const STALE: readonly (readonly [string, RegExp])[] = [
  ['an issue number', /\bissues? #?\d+|(?<![\w&])#\d{1,4}\b/giu],
  ['a numbered capability', /\bcapabilit(?:y|ies) \d+/giu],
  ['a numbered page', /\bpages? \d+\b/giu],
  ['a lettered story', /\bstor(?:y|ies) [AB]\b/giu],
  ['a NATS adapter', /\bNATS\b|\bJetStream\b/giu],
];

/** Each stale reference in `markdown`, as "line N: what (the text)". */
function staleReferences(markdown: string): string[] {
  const out: string[] = [];
  markdown.split('\n').forEach((raw, i) => {
    const line = raw.replace(CITATION, '');
    for (const [what, re] of STALE) for (const m of line.matchAll(re)) out.push(`line ${i + 1}: ${what} (${m[0]})`);
  });
  return out;
}

/** What is wrong with the README's top: the order of its first sections, and its Layout against the folders under src/. */
function layoutProblems(readme: string, srcDirs: readonly string[]): string[] {
  const lines = readme.split('\n');
  const at = (heading: string) => lines.findIndex((l) => l.trim() === `## ${heading}`);
  const out: string[] = [];
  const layout = at('Layout');
  if (layout < 0) return ['no "## Layout" heading'];
  if (layout + 1 > 120) out.push(`"## Layout" is on line ${layout + 1}, past line 120`);
  const order = ['Quick start', 'What the tests need', 'Layout'].map((h) => [h, at(h)] as const);
  for (const [h, i] of order) if (i < 0) out.push(`no "## ${h}" heading`);
  if (order.every(([, i]) => i >= 0) && !order.every(([, i], k) => k === 0 || i > order[k - 1]![1]))
    out.push('the sections are not in the order Quick start, What the tests need, Layout');
  const end = lines.findIndex((l, i) => i > layout && l.startsWith('## '));
  const section = lines.slice(layout + 1, end < 0 ? undefined : end);
  // The tree: `src/` at the margin, each folder under it indented as `  name/`.
  const start = section.findIndex((l) => l.trimEnd() === 'src/');
  if (start < 0) return [...out, 'the Layout has no src/ tree'];
  const listed: string[] = [];
  for (const l of section.slice(start + 1)) {
    const m = /^ {2,}([\w.-]+)(\/?)\s/u.exec(`${l} `);
    if (!m) break;
    if (m[2] === '/') listed.push(m[1]!);
  }
  for (const d of srcDirs) if (!listed.includes(d)) out.push(`src/${d} is not in the Layout`);
  for (const d of listed) if (!srcDirs.includes(d)) out.push(`the Layout lists src/${d}, which does not exist`);
  return out;
}

function markdownFiles(): string[] {
  const under = (dir: string) =>
    readdirSync(join(ROOT, dir), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(dir, f));
  return ['README.md', ...under('src').filter((f) => f.endsWith('README.md')), ...under('docs')].filter(
    (f) => !KEPT_AS_GIVEN.has(f),
  );
}

const srcDirs = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('no README or doc cites an issue number, a numbered capability or page, a lettered story or a NATS adapter', () => {
  const files = markdownFiles();
  assert.ok(
    files.includes('docs/threat-model.md') && files.includes('src/vault/README.md'),
    `read only ${files.join(', ')}`,
  );
  const found = files.flatMap((f) => staleReferences(readFileSync(join(ROOT, f), 'utf8')).map((p) => `${f} ${p}`));
  assert.deepEqual(found, []);
});

test('the README says what the tests need and lays out every src/ folder before line 120, and points to the design documents', () => {
  assert.ok(srcDirs.length >= 10, `src/ has only ${srcDirs.length} folders`);
  assert.deepEqual(layoutProblems(readme, srcDirs), []);
  for (const doc of ['docs/CONVENTIONS.md', 'docs/threat-model.md', 'docs/tamper-campaign.md']) {
    assert.ok(readme.includes(`\`${doc}\``), `the README does not point to ${doc}`);
    assert.ok(existsSync(join(ROOT, doc)), `${doc} does not exist`);
  }
});

test('the checkers catch what they are for', () => {
  const bad = [
    'Leak tracing (capability 8), see issue 6 and #13.',
    'The alert queue (page 2) shows story A; stories A and B are in the brief.',
    'A NATS JetStream adapter implements it at scale.',
  ].join('\n');
  assert.deepEqual(
    staleReferences(bad).map((p) => p.replace(/ \(.*\)$/u, '')),
    [
      'line 1: an issue number',
      'line 1: an issue number',
      'line 1: a numbered capability',
      'line 2: a numbered page',
      'line 2: a lettered story',
      'line 2: a lettered story',
      'line 3: a NATS adapter',
      'line 3: a NATS adapter',
    ],
  );
  // A cited test title is quoted, not written: it may say what the test file calls it.
  assert.deepEqual(
    staleReferences('| x | y | `e2e/story-a.test.ts` › “story A: an infected scanner harvests what it can” |'),
    [],
  );
  assert.deepEqual(staleReferences('PKCS#8, an entity &#39; and the first two pages are fine'), []);

  const good = [
    '# Cloak',
    '## Quick start',
    '## What the tests need',
    '## Layout',
    '```',
    'src/',
    '  lib/   x',
    '  vault/ y',
    '  app.ts z',
    'web/',
    '```',
    '## More',
  ].join('\n');
  assert.deepEqual(layoutProblems(good, ['lib', 'vault']), []);
  assert.deepEqual(layoutProblems(good, ['lib', 'vault', 'bus']), ['src/bus is not in the Layout']);
  assert.deepEqual(layoutProblems(good, ['lib']), ['the Layout lists src/vault, which does not exist']);
  const late = good.replace('## Layout', `${'filler\n'.repeat(120)}## Layout`);
  assert.deepEqual(layoutProblems(late, ['lib', 'vault']), ['"## Layout" is on line 124, past line 120']);
  const swapped = good.replace('## What the tests need', '## Other').replace('## More', '## What the tests need');
  assert.deepEqual(layoutProblems(swapped, ['lib', 'vault']), [
    'the sections are not in the order Quick start, What the tests need, Layout',
  ]);
  assert.deepEqual(layoutProblems('# Cloak\n## Quick start\n', []), ['no "## Layout" heading']);
});
