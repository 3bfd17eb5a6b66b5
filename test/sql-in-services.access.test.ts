import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Services keep SQL out of their own code: every query of access is in src/access/access.repo.ts,
// typed on its own tables. Each capability's check is a file of its own (sql-in-services.<cap>.test.ts).

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SQL = ['.selectFrom(', '.insertInto(', '.updateTable(', '.deleteFrom(', 'sql`', '.transaction('];

/** Each service file of `folder` (under src/) and the SQL markers it holds. */
function sqlIn(folder: string): { file: string; found: string[] }[] {
  return readdirSync(`${ROOT}src/${folder}`)
    .filter((f) => f.endsWith('.service.ts'))
    .sort()
    .map((f) => {
      const text = readFileSync(`${ROOT}src/${folder}/${f}`, 'utf8');
      return { file: `src/${folder}/${f}`, found: SQL.filter((s) => text.includes(s)) };
    });
}

test('access: no service builds a query; they go through access.repo.ts', () => {
  const files = sqlIn('access');
  assert.ok(files.length >= 5, 'the access services are found');
  assert.deepEqual(
    files.filter((f) => f.found.length > 0),
    [],
  );
});
