import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  folderCycles,
  folderGraph,
  foreignTables,
  layerProblems,
  readGraph,
  resolveSpecifier,
  rootImports,
  specifiersOf,
  upwardImports,
  type Edge,
} from './layers.ts';

// The layer rules of docs/CONVENTIONS.md, enforced on src/'s import graph: (a) no circle
// between folders, and the composition root imported only by api, cli and tests; (b) arrows
// point down; (c) a folder reads only its own repositories and tables. Each rule is first
// shown to fire on a small graph, then the real tree is held to all of them.

const ROOT = fileURLToPath(new URL('../', import.meta.url)).replace(/\\/gu, '/');
const edges = (...pairs: readonly (readonly [string, string])[]): Edge[] => pairs.map(([from, to]) => ({ from, to }));

describe('reading imports', () => {
  test('every kind of import is read: static, type-only, re-exports, require, dynamic and import types', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "import './side-effect.ts';",
      "export { c } from './c.ts';",
      "export type { D } from './d.ts';",
      "export * from './e.ts';",
      "import f = require('./f.ts');",
      "const g = await import('./g.ts');",
      "type H = import('./h.ts').H;",
      "import { readFileSync } from 'node:fs';",
      'const s = \'import x from "./not-an-import.ts"\';',
    ].join('\n');
    assert.deepEqual(specifiersOf('x.ts', text), [
      './a.ts',
      '../b/b.ts',
      './side-effect.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      './f.ts',
      './g.ts',
      './h.ts',
      'node:fs',
    ]);
  });

  test('relative specifiers resolve from the importing file; packages are not files', () => {
    const files = new Set(['src/vault/vault.service.ts', 'src/lib/errors.ts', 'src/lib/index.ts']);
    const exists = (p: string) => files.has(p);
    assert.equal(
      resolveSpecifier('src/access/x.ts', '../vault/vault.service.ts', exists),
      'src/vault/vault.service.ts',
    );
    assert.equal(resolveSpecifier('src/access/x.ts', '../lib/errors.js', exists), 'src/lib/errors.ts');
    assert.equal(resolveSpecifier('src/access/x.ts', '../lib/errors', exists), 'src/lib/errors.ts');
    assert.equal(resolveSpecifier('src/access/x.ts', '../lib', exists), 'src/lib/index.ts');
    assert.equal(resolveSpecifier('src/api/web.ts', '../../web/src/x.ts', exists), 'web/src/x.ts');
    assert.equal(resolveSpecifier('src/access/x.ts', 'kysely', exists), undefined);
    assert.equal(resolveSpecifier('src/access/x.ts', 'node:fs', exists), undefined);
  });
});

describe('(a) no circle between folders; the composition root imported only from above', () => {
  test('a circle of three folders is named, with a file import for each of its arrows', () => {
    const g = edges(
      ['src/access/export.service.ts', 'src/leaks/canary.service.ts'],
      ['src/leaks/canary.watch.ts', 'src/detect/engine.ts'],
      ['src/detect/cases.service.ts', 'src/access/reveal.service.ts'],
      ['src/detect/cases.service.ts', 'src/lib/errors.ts'],
    );
    const found = folderCycles(g);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /src\/access → src\/leaks → src\/detect → src\/access/u);
    assert.match(found[0]!, /src\/access\/export\.service\.ts imports src\/leaks\/canary\.service\.ts/u);
    assert.match(found[0]!, /src\/leaks\/canary\.watch\.ts imports src\/detect\/engine\.ts/u);
    assert.match(found[0]!, /src\/detect\/cases\.service\.ts imports src\/access\/reveal\.service\.ts/u);
    assert.doesNotMatch(found[0]!, /lib/u);
  });

  test('two folders importing each other (a test file counts), and two separate circles, are each found', () => {
    const g = edges(
      ['src/vault/vault.service.ts', 'src/lib/crypto.ts'],
      ['src/lib/people.test.ts', 'src/vault/vault.fns.ts'],
      ['src/waybill/waybill.service.ts', 'src/devices/devices.service.ts'],
      ['src/devices/devices.service.ts', 'src/waybill/label.ts'],
    );
    const found = folderCycles(g);
    assert.equal(found.length, 2, found.join('\n'));
    assert.ok(found.some((m) => m.includes('src/lib/people.test.ts imports src/vault/vault.fns.ts')));
    assert.ok(found.some((m) => /src\/devices → src\/waybill → src\/devices/u.test(m)));
  });

  test('imports within a folder, chains that point one way, and the composition root are no circle', () => {
    const g = edges(
      ['src/leaks/trace.service.ts', 'src/leaks/read.ts'],
      ['src/leaks/read.ts', 'src/leaks/trace.service.ts'],
      ['src/leaks/trace.service.ts', 'src/canaries/canary.service.ts'],
      ['src/access/export.service.ts', 'src/canaries/canary.service.ts'],
      ['src/canaries/canary.service.ts', 'src/vault/vault.service.ts'],
      ['src/app.ts', 'src/leaks/trace.service.ts'],
      ['src/vault/vault.service.test.ts', 'src/app.ts'],
    );
    assert.deepEqual(folderCycles(g), []);
  });

  test('a capability or the base importing src/app.ts is refused; api, cli, root files and tests may', () => {
    const g = edges(
      ['src/detect/live.ts', 'src/app.ts'],
      ['src/lib/config.ts', 'src/app.base.ts'],
      ['src/api/server.ts', 'src/app.ts'],
      ['src/cli/context.ts', 'src/app.ts'],
      ['src/app.ts', 'src/app.base.ts'],
      ['src/audit/verify.test.ts', 'src/app.ts'],
    );
    const found = rootImports(g);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0]!, /^src\/detect\/live\.ts imports src\/app\.ts: the composition root/u);
    assert.match(found[1]!, /^src\/lib\/config\.ts imports src\/app\.base\.ts/u);
  });
});

describe('(b) arrows point down', () => {
  test('a capability importing src/api, src/cli, src/sim or web/ is refused, naming the file', () => {
    const g = edges(
      ['src/leaks/canary.service.ts', 'src/sim/people.ts'],
      ['src/detect/replay.test.ts', 'src/sim/world.ts'],
      ['src/vault/vault.service.ts', 'src/api/errors.ts'],
      ['src/audit/report.service.ts', 'src/cli/output.ts'],
      ['src/incidents/notices.service.ts', 'web/src/contract.ts'],
    );
    const found = upwardImports(g);
    assert.equal(found.length, 5, found.join('\n'));
    assert.match(found[0]!, /^src\/leaks\/canary\.service\.ts imports src\/sim\/people\.ts: capability src\/leaks/u);
    assert.match(found[1]!, /src\/detect\/replay\.test\.ts/u);
    assert.match(found[4]!, /the dashboard \(web\/\)/u);
  });

  test('the base importing a capability, an entry point or a root file is refused', () => {
    const g = edges(
      ['src/lib/people.test.ts', 'src/vault/vault.fns.ts'],
      ['src/store/db.ts', 'src/audit/log.repo.ts'],
      ['src/bus/bus.ts', 'src/api/server.ts'],
      ['src/store/migrations.ts', 'src/app.ts'],
      ['src/store/db.ts', 'src/lib/errors.ts'],
      ['src/bus/events.ts', 'src/store/schema.ts'],
    );
    const found = upwardImports(g);
    assert.equal(found.length, 4, found.join('\n'));
    assert.ok(found.every((m) => m.includes('is the base (lib, store, bus)')));
  });

  test('only src/sim and src/cli import the simulator; capabilities import one another and the base', () => {
    const g = edges(
      ['src/api/start.ts', 'src/sim/demo.ts'],
      ['src/cli/detect.ts', 'src/sim/evaluate.ts'],
      ['src/sim/evaluate.ts', 'src/detect/engine.ts'],
      ['src/sim/world.ts', 'src/lib/people.ts'],
      ['src/access/export.service.ts', 'src/canaries/canary.service.ts'],
      ['src/api/routes/access.ts', 'src/reviews/reviews.service.ts'],
      ['src/cli/serve.ts', 'src/api/start.ts'],
    );
    const found = upwardImports(g);
    assert.deepEqual(found, [
      "src/api/start.ts imports src/sim/demo.ts: only src/sim and src/cli's commands import the simulator (src/sim)",
    ]);
  });
});

describe('(c) a folder reads only its own tables', () => {
  test("another folder's *.repo.ts, *.tables.ts or schema.ts is refused; its own, and the composition root, are not", () => {
    const g = edges(
      ['src/detect/entity.service.test.ts', 'src/audit/log.repo.ts'],
      ['src/leaks/trace.service.ts', 'src/vault/vault.tables.ts'],
      ['src/api/routes/audit.ts', 'src/incidents/schema.ts'],
      ['src/audit/log.service.ts', 'src/audit/log.repo.ts'],
      ['src/vault/vault.service.ts', 'src/vault/vault.tables.ts'],
      ['src/app.ts', 'src/devices/devices.repo.ts'],
      ['src/access/reveal.service.ts', 'src/audit/log.service.ts'],
      ['src/vault/vault.repo.ts', 'src/store/db.ts'],
    );
    const found = foreignTables(g);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(
      found[0]!,
      /^src\/detect\/entity\.service\.test\.ts imports src\/audit\/log\.repo\.ts: src\/detect reaches the tables of src\/audit/u,
    );
    assert.match(found[1]!, /src\/vault\/vault\.tables\.ts/u);
    assert.match(found[2]!, /src\/incidents\/schema\.ts/u);
  });

  test("another folder's migrations are refused; its own, and the root's list of them, are not", () => {
    const g = edges(
      ['src/leaks/investigations.service.ts', 'src/vault/migrations/0001_vault.ts'],
      ['src/access/migrations/0001_vault.ts', 'src/store/migrate.ts'],
      ['src/vault/migrations/0001_vault.ts', 'src/vault/vault.tables.ts'],
      ['src/tables.ts', 'src/audit/migrations/0009_access_audit.ts'],
    );
    const found = foreignTables(g);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^src\/leaks\/investigations\.service\.ts imports src\/vault\/migrations\/0001_vault\.ts/u);
  });

  test("no table file is shared: the store's tables and a schema.ts are refused to a capability, the whole Database (src/tables.ts) too", () => {
    const g = edges(
      ['src/access/staff.service.ts', 'src/store/schema.ts'],
      ['src/access/reveal.service.ts', 'src/store/store.tables.ts'],
      ['src/detect/cases.service.ts', 'src/tables.ts'],
      ['src/store/budgets.ts', 'src/store/store.tables.ts'],
    );
    const found = layerProblems(g);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found[0]!, /^src\/detect\/cases\.service\.ts imports src\/tables\.ts: the composition root/u);
    assert.match(
      found[1]!,
      /^src\/access\/staff\.service\.ts imports src\/store\/schema\.ts: src\/access reaches the tables of src\/store/u,
    );
    assert.match(found[2]!, /^src\/access\/reveal\.service\.ts imports src\/store\/store\.tables\.ts/u);
  });
});

describe('the real tree', () => {
  const graph = readGraph(ROOT);

  test('the import graph of src/ is read whole', () => {
    // Known arrows of every kind: a static import, an `import type`, a dynamic import().
    const has = (from: string, to: string) => graph.some((e) => e.from === from && e.to === to);
    assert.ok(graph.length > 500, `only ${graph.length} imports read`);
    assert.ok(has('src/app.ts', 'src/vault/vault.service.ts'));
    assert.ok(has('src/access/export.service.ts', 'src/canaries/canary.service.ts'));
    assert.ok(has('src/cli/serve.ts', 'src/api/start.ts'));
    assert.ok(folderGraph(graph).size >= 14, [...folderGraph(graph).keys()].join(', '));
  });

  test('src/ keeps every layer rule: no folder circle, arrows down, only its own tables', () => {
    const problems = layerProblems(graph);
    assert.ok(problems.length === 0, `the layers of src/ are broken:\n  ${problems.join('\n  ')}`);
  });
});
