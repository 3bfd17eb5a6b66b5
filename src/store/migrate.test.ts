import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { composeMigrations, kyselyMigrations, type Dialect, type MigrationPart } from './migrate.ts';

const ran: string[] = [];
const part = (name: string, owner: string): MigrationPart => ({
  name,
  async up(_db: Kysely<any>, dialect: Dialect) {
    ran.push(`${name}/${owner}/${dialect}`);
  },
});

test('parts of one name become one migration that runs them in the order given, with the dialect', async () => {
  const all = composeMigrations([part('0001_a', 'vault'), part('0001_a', 'access'), part('0002_b', 'store')]);
  assert.deepEqual(
    all.map((m) => [m.name, m.parts.length]),
    [
      ['0001_a', 2],
      ['0002_b', 1],
    ],
  );
  ran.length = 0;
  const k = kyselyMigrations(all, 'postgres');
  assert.deepEqual(Object.keys(k), ['0001_a', '0002_b']);
  await k['0001_a']!.up({} as Kysely<any>);
  assert.deepEqual(ran, ['0001_a/vault/postgres', '0001_a/access/postgres']);
});

test('names out of order, a name given again after another, and a part given twice are refused', () => {
  assert.throws(() => composeMigrations([part('0002_b', 'x'), part('0001_a', 'y')]), /comes after 0002_b/);
  assert.throws(
    () => composeMigrations([part('0001_a', 'x'), part('0002_b', 'y'), part('0001_a', 'z')]),
    /comes after 0002_b/,
  );
  const p = part('0001_a', 'x');
  assert.throws(() => composeMigrations([p, p]), /given twice/);
});
