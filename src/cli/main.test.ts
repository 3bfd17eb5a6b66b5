import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from './main.ts';

function capture() {
  const lines: string[] = [];
  return {
    lines,
    io: { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l), isTty: false },
  };
}

test('every command answers --help with what it does and exits 0', async () => {
  for (const cmd of [
    [],
    ['serve'],
    ['import'],
    ['keys'],
    ['keys', 'rotate'],
    ['keys', 'rewrap'],
    ['keys', 'status'],
    ['keys', 'retire'],
    ['api-keys'],
    ['api-keys', 'create'],
    ['label'],
    ['canaries'],
    ['canaries', 'plant'],
    ['canaries', 'list'],
  ]) {
    const c = capture();
    const code = await main(['node', 'cloak', ...cmd, '--help'], {}, c.io);
    assert.equal(code, 0, `cloak ${cmd.join(' ')} --help`);
    assert.match(c.lines.join('\n'), /Usage: cloak/, `cloak ${cmd.join(' ')} --help prints its usage`);
  }
});

test('an unknown command or a missing argument exits 2 with a message', async () => {
  const c = capture();
  assert.equal(await main(['node', 'cloak', 'frobnicate'], {}, c.io), 2);
  assert.match(c.lines.join('\n'), /unknown command/);
  const d = capture();
  assert.equal(await main(['node', 'cloak', 'import'], {}, d.io), 2);
  assert.match(d.lines.join('\n'), /missing required argument/);
});
