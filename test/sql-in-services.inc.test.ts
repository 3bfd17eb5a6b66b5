import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { posix } from 'node:path';

// Services keep SQL out of their own code: every query of a capability is in its repository
// (`<cap>.repo.ts`), typed on its own tables. Checked here for incidents and leaks: every
// `*.service.ts` of their folders, and the other service factories living there.

const ROOT = fileURLToPath(new URL('../', import.meta.url)).replace(/\\/gu, '/');
/** What building or running a query looks like in a file. */
const SQL = [
  /\.selectFrom\(/u,
  /\.insertInto\(/u,
  /\.updateTable\(/u,
  /\.deleteFrom\(/u,
  /\bsql`/u,
  /\.transaction\(/u,
];
const FOLDERS = ['src/incidents', 'src/leaks'];
/** Service factories of those folders whose file is not named `.service.ts`. */
const EXTRA = ['src/leaks/canary.team.ts'];

const servicesOf = (folder: string) =>
  (readdirSync(posix.join(ROOT, folder), { recursive: true }) as string[])
    .map((f) => posix.join(folder, String(f).split('\\').join('/')))
    .filter((f) => f.endsWith('.service.ts'));

test('the patterns catch queries: the repositories are where the queries are', () => {
  for (const f of ['src/incidents/incidents.repo.ts', 'src/leaks/leaks.repo.ts']) {
    const text = readFileSync(posix.join(ROOT, f), 'utf8');
    assert.ok(SQL.filter((re) => re.test(text)).length >= 4, `${f} shows no query`);
  }
  assert.ok(SQL.some((re) => re.test("await db.selectFrom('incidents')")));
  assert.ok(SQL.some((re) => re.test('await sql`update trace_quotas`.execute(trx)')));
});

test('the services of incidents and leaks hold no query of their own: their repositories do', () => {
  const files = [...FOLDERS.flatMap(servicesOf), ...EXTRA].sort();
  // The check must look at files, not pass on an empty list.
  for (const f of [
    'src/incidents/incidents.service.ts',
    'src/incidents/notices.service.ts',
    'src/incidents/affected.service.ts',
    'src/leaks/investigations.service.ts',
  ])
    assert.ok(files.includes(f), `${f} is not checked`);
  const found = files.flatMap((f) => {
    const text = readFileSync(posix.join(ROOT, f), 'utf8');
    return SQL.filter((re) => re.test(text)).map((re) => `${f}: ${re.source}`);
  });
  assert.deepEqual(found, [], 'move these queries into the capability’s repository');
});
