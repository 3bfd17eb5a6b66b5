import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Services keep SQL out of their own code: every query is a method of the capability's
// repository (`<cap>.repo.ts`, typed on its own tables only). This file holds the reviews,
// detect and canaries folders, and the composition root's foundation (src/app.base.ts), to it.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** What building or running a query looks like in code. */
const SQL = [
  /\.selectFrom\(/u,
  /\.insertInto\(/u,
  /\.updateTable\(/u,
  /\.deleteFrom\(/u,
  /\bsql`/u,
  /\.transaction\(/u,
];

/** Each line of `text` that builds or runs a query, as `file:line: text`. */
function queriesIn(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (SQL.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

/** The `*.service.ts` files of one folder of src/ (and its subfolders). */
function servicesOf(folder: string): string[] {
  return readdirSync(`${ROOT}src/${folder}`, { recursive: true })
    .map((f) => `src/${folder}/${String(f).replace(/\\/gu, '/')}`)
    .filter((f) => f.endsWith('.service.ts'))
    .sort();
}

test('the check fires on each kind of query and on nothing else', () => {
  const text = [
    "db.selectFrom('cases')",
    "tx.insertInto('cases')",
    "  .updateTable('cases')",
    "db.deleteFrom('cases')",
    'sql`select 1`.execute(db)',
    'db.transaction().execute(fn)',
    'repo.openCaseOf(actor)',
    "const label = 'a selectFrom of nothing';",
  ].join('\n');
  assert.equal(queriesIn('x.ts', text).length, 6);
  assert.deepEqual(queriesIn('x.ts', 'repo.transaction(fn)'), ['x.ts:1: repo.transaction(fn)']);
});

test('reviews, detect and canaries: services hold no SQL (their repositories do)', () => {
  const files = ['reviews', 'detect', 'canaries'].flatMap(servicesOf);
  assert.ok(files.includes('src/reviews/reviews.service.ts'), files.join(', '));
  const found = files.flatMap((f) => queriesIn(f, readFileSync(`${ROOT}${f}`, 'utf8')));
  assert.deepEqual(found, [], `move these queries into the capability's repository:\n${found.join('\n')}`);
});

test("the composition root's foundation holds no SQL (the store's meta repository does)", () => {
  const found = queriesIn('src/app.base.ts', readFileSync(`${ROOT}src/app.base.ts`, 'utf8'));
  assert.deepEqual(found, [], `move these queries into a repository:\n${found.join('\n')}`);
});
