import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mayHoldQueries, queriesIn, queriesOutsideRepositories, readSources } from './layers.ts';

// Services hold no SQL: every query of a capability is a method of its repository
// (`<cap>.repo.ts`, typed on its own tables only). Checked on the whole of src/: only
// repositories, migrations, the store (src/store/) and tests build or run a query; a service
// may open its repository's unit of work (`repo.transaction(fn)`). The rule is first shown to
// fire on each pattern, then the real tree is held to it.

const ROOT = fileURLToPath(new URL('../', import.meta.url)).replace(/\\/gu, '/');

test('the check fires on each kind of query, on the line it is on, and on nothing else', () => {
  const fires = [
    "db.selectFrom('cases')",
    'db.selectNoFrom((eb) => eb.val(1))',
    "tx.insertInto('cases')",
    "db.replaceInto('cases')",
    "  tx.updateTable('cases')",
    "db.deleteFrom('cases')",
    "db.mergeInto('cases')",
    'sql`select 1`.execute(db)',
    'sql<number>`select 1`.execute(db)',
    "sql.raw('select 1')",
    'db.transaction().execute(fn)',
    'trx.transaction().execute(fn)',
    'store.db.transaction().execute(fn)',
  ];
  for (const line of fires) assert.deepEqual(queriesIn('x.ts', line), [`x.ts:1: ${line.trim()}`], line);
  // A chain over several lines is named by the builder's line.
  assert.deepEqual(queriesIn('x.ts', "const rows = await db\n  .selectFrom('grants')\n  .selectAll()\n  .execute();"), [
    "x.ts:2: .selectFrom('grants')",
  ]);
  const quiet = [
    'repo.transaction(fn)',
    'deps.repo.transaction(fn)',
    'auditRepo.transaction(async (tx) => tx)',
    'repo.openCaseOf(actor)',
    "const label = 'a selectFrom of nothing';",
    'const s = "db.selectFrom(\'x\')";',
    "// db.updateTable('x') was here",
    "import { sql } from 'kysely';",
  ];
  for (const line of quiet) assert.deepEqual(queriesIn('x.ts', line), [], line);
});

test('repositories, migrations, the store and tests may hold queries; nothing else may', () => {
  for (const f of [
    'src/access/access.repo.ts',
    'src/vault/migrations/0001_init.ts',
    'src/store/budgets.ts',
    'src/store/migrations/0002_x.ts',
    'src/access/reveal.service.test.ts',
  ])
    assert.ok(mayHoldQueries(f), f);
  for (const f of [
    'src/access/reveal.service.ts',
    'src/leaks/canary.team.ts',
    'src/app.base.ts',
    'src/api/routes/access.ts',
    'src/access/access.tables.ts',
    'src/migrations.ts',
  ])
    assert.ok(!mayHoldQueries(f), f);
  const files = [
    { path: 'src/a/a.service.ts', text: "await db.selectFrom('a').execute();" },
    { path: 'src/a/a.repo.ts', text: "await db.selectFrom('a').execute();" },
    { path: 'src/a/migrations/0001.ts', text: 'await sql`create table a ()`.execute(db);' },
  ];
  assert.deepEqual(queriesOutsideRepositories(files), ["src/a/a.service.ts:1: await db.selectFrom('a').execute();"]);
});

test('no file of src/ but a repository, a migration, the store or a test builds or runs a query', () => {
  const sources = readSources(ROOT);
  // The check must read the tree, not pass on an empty one.
  const repositories = sources.filter((f) => f.path.endsWith('.repo.ts'));
  const services = sources.filter((f) => f.path.endsWith('.service.ts'));
  assert.ok(repositories.length >= 10, `only ${repositories.length} repositories found`);
  assert.ok(services.length >= 20, `only ${services.length} service files found`);
  for (const r of repositories) assert.ok(queriesIn(r.path, r.text).length > 0, `${r.path} shows no query`);
  const found = queriesOutsideRepositories(sources);
  assert.deepEqual(found, [], `move these queries into the capability's repository:\n${found.join('\n')}`);
});
