import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { specifiersOf } from './layers.ts';

// The API's contract (src/api/contract/) is pure, so the dashboard can import it: its files
// import typebox, each other, and the pure lists of roles and ids, nothing else.
const DIR = 'src/api/contract';
const PURE = ['src/access/roles.ts', 'src/lib/ids.ts'];

/** What a contract file may not import, as `file imports spec` lines. */
export function impureImports(files: readonly { path: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const f of files)
    for (const spec of specifiersOf(f.path, f.text)) {
      if (spec === '@sinclair/typebox') continue;
      const to = spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(f.path), spec)) : undefined;
      if (to && (to.startsWith(`${DIR}/`) || PURE.includes(to))) continue;
      out.push(`${f.path} imports ${spec}`);
    }
  return out;
}

const read = (path: string) => ({ path, text: readFileSync(path, 'utf8') });

test('the contract imports only typebox, itself and the pure roles and ids', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => read(`${DIR}/${f}`));
  assert.ok(files.some((f) => f.path.endsWith('/index.ts')));
  assert.deepEqual(impureImports([...files, ...PURE.map(read)]), []);
});

test('the rule refuses a capability, node: and fastify, and accepts the allowed', () => {
  const f = (text: string) => [{ path: `${DIR}/x.ts`, text }];
  assert.deepEqual(impureImports(f("import { Type } from '@sinclair/typebox'; import './shared.ts';")), []);
  assert.deepEqual(impureImports(f("import { STAFF_ROLES } from '../../access/roles.ts';")), []);
  assert.deepEqual(impureImports(f("import { ID_PATTERNS } from '../../lib/ids.ts';")), []);
  for (const spec of [
    '../../access/staff.service.ts',
    'node:fs',
    'fastify',
    '../routes/shared.ts',
    '../../lib/errors.ts',
  ])
    assert.deepEqual(impureImports(f(`import x from '${spec}';`)), [`${DIR}/x.ts imports ${spec}`]);
});
