import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { declaredIn, declaredTests, names } from './test-names.ts';

// docs/threat-model.md cites tests as `path` › “name”. Every citation must name a test file
// that exists and a test (or suite) of exactly that name in it, so the document cannot cite
// a test that was renamed, moved or never written.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DOC = 'docs/threat-model.md';
const CITATION = /`((?:src|e2e|test)\/[^`\s]+\.test\.ts)` › “([^”]+)”/gu;
const STRIDE = [
  'Spoofing',
  'Tampering',
  'Repudiation',
  'Information disclosure',
  'Denial of service',
  'Elevation of privilege',
  'Gaps',
];

type Citation = { readonly file: string; readonly name: string; readonly section: string };

function citations(markdown: string): Citation[] {
  const out: Citation[] = [];
  let section = '(before the first section)';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    for (const m of line.matchAll(CITATION)) out.push({ file: m[1]!, name: m[2]!, section });
  }
  return out;
}

/** Why a citation is wrong, or null when it names a real test. */
function problem(c: Pick<Citation, 'file' | 'name'>, root = ROOT): string | null {
  const path = `${root}${c.file}`;
  if (!existsSync(path)) return `${c.file} does not exist`;
  const declared = declaredIn(path);
  if (!declared.some((d) => names(d, c.name))) return `${c.file} has no test or suite named “${c.name}”`;
  return null;
}

const doc = readFileSync(`${ROOT}${DOC}`, 'utf8');
const cited = citations(doc);

test('every test the threat model cites exists, by file and exact name', () => {
  const wrong = cited
    .map((c) => [c, problem(c)] as const)
    .filter(([, p]) => p !== null)
    .map(([c, p]) => `${c.section}: ${p}`);
  assert.deepEqual(wrong, []);
});

test('the threat model cites tests in every capability section and has all six STRIDE headings and Gaps in each', () => {
  const sections = doc
    .split(/^## /mu)
    .slice(1)
    .filter((s) => /^\d+\. /u.test(s));
  assert.ok(
    sections.length >= 12,
    `expected the 12 numbered sections (capabilities, shells, platform), found ${sections.length}`,
  );
  for (const s of sections) {
    const title = s.split('\n')[0]!;
    for (const h of STRIDE) assert.ok(new RegExp(`^### ${h}$`, 'mu').test(s), `${title}: no "### ${h}" heading`);
    assert.ok(citations(`## ${s}`).length > 0, `${title}: cites no test`);
  }
  // A document that lost its citations (a changed quoting style, say) would pass the first test vacuously.
  assert.ok(cited.length >= 150, `only ${cited.length} citations were found: has the citation format changed?`);
  // Every › starts a citation: one written with other quotes would otherwise be skipped, unchecked.
  const malformed = doc.split('\n').filter((l) => (l.match(/›/gu) ?? []).length !== [...l.matchAll(CITATION)].length);
  assert.deepEqual(malformed, [], 'a line holds a › that is not part of a `path` › “name” citation');
});

test('the checker itself refuses a missing file, a missing name, and a name that only occurs outside a test declaration', () => {
  assert.match(problem({ file: 'e2e/no-such.test.ts', name: 'anything' })!, /does not exist/);
  assert.match(
    problem({ file: 'e2e/story-a.test.ts', name: 'a scanner that was never tested' })!,
    /has no test or suite named/,
  );
  // A comment or an assertion message is not a test name.
  assert.match(
    problem({ file: 'e2e/web-access.test.ts', name: 'the token is taken out of the address bar' })!,
    /has no test or suite named/,
  );
  // A prefix of a real name is not its name.
  assert.match(
    problem({ file: 'e2e/story-a.test.ts', name: 'everything the scanner obtained' })!,
    /has no test or suite named/,
  );
  assert.equal(
    problem({
      file: 'e2e/story-a.test.ts',
      name: 'everything the scanner obtained holds no recipient’s name, phone, e-mail or address',
    }),
    null,
  );
});

test('test declarations are read with their quotes, escapes and template parts', () => {
  const src = [
    "test('it\\'s single', () => {});",
    'describe("double \\"quoted\\"", () => {});',
    'it(`templated ${d.name} on ${x}`, async () => {});',
    'assert.ok(PATTERN.test("not a declaration"));',
    'test.skip(`plain backticks`, () => {});',
  ].join('\n');
  const d = declaredTests(src);
  assert.deepEqual(
    d.map((x) => x.name),
    ["it's single", 'double "quoted"', 'templated ${d.name} on ${x}', 'plain backticks'],
  );
  assert.ok(names(d[2]!, 'templated SQLite on 3'));
  assert.ok(!names(d[2]!, 'templated  on 3'), 'a placeholder stands for some text, not none');
  assert.ok(!names(d[0]!, "it's single too"));
});
