import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge, readMatrix } from './authz-table.ts';

const table = (rows: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-'));
  const file = join(dir, 'm.md');
  writeFileSync(file, `# m\n\n## Routes\n\n| route | request | allowed | notes |\n|---|---|---|---|\n${rows}\n`);
  try {
    return readMatrix(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('the matrix table: groups, a caller named on its own wins over its group, everyone else is denied', () => {
  const [a, b] = table('| `GET /x` | | staff:*:404 staff:analyst key:admin | |\n| `GET /y` | `/y?z=1` | anyone | |');
  assert.equal(a!.expect.get('staff:analyst'), 'allow');
  assert.equal(a!.expect.get('staff:support'), '404');
  assert.equal(a!.expect.get('key:admin'), 'allow');
  assert.equal(a!.expect.get('key:platform'), 'deny');
  assert.equal(a!.expect.get('none'), 'deny');
  assert.equal(b!.request, '/y?z=1');
  assert.equal(b!.expect.get('bad:malformed'), 'allow');
  // The order of the tokens does not matter.
  assert.equal(table('| `GET /x` | | staff:analyst staff:*? | |')[0]!.expect.get('staff:analyst'), 'allow');
  assert.throws(() => table('| `GET /x` | | staff:analysts | |'), /unknown caller "staff:analysts"/);
});

test('the outcomes: a 2xx or a 400 where the table says denied is wrong, a 403 where it says allowed is wrong', () => {
  assert.equal(judge('deny', 401), undefined);
  assert.equal(judge('deny', 403), undefined);
  assert.ok(judge('deny', 200));
  assert.ok(judge('deny', 400));
  assert.ok(judge('deny', 404));
  assert.ok(judge('allow', 403));
  assert.equal(judge('allow', 404), undefined);
  assert.equal(judge('policy', 403), undefined);
  assert.ok(judge('policy', 401));
  assert.ok(judge('404', 200));
  assert.ok(judge('allow', 500));
});
