import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';

// The layers of src/ (docs/CONVENTIONS.md, "The house"), read from the import graph:
// arrows point down, api/cli → capabilities → store/bus → lib, and no circle between folders.
// Pure functions over a list of file-to-file imports, so each rule is tested on small graphs
// (test/layers.test.ts) as well as on the real tree.

/** One import: `from` imports `to`, both paths from the repository's root (`src/vault/vault.service.ts`). */
export type Edge = { readonly from: string; readonly to: string };

/** Folders of src/ that are not capabilities: the entry points and the simulator on top, the base below. */
export const TOP = ['api', 'cli', 'sim'] as const;
export const BASE = ['lib', 'store', 'bus'] as const;
/** Root files (src/app.ts, src/app.base.ts: the composition root) may be imported only from these folders, and by tests. */
export const MAY_IMPORT_ROOT = ['api', 'cli'] as const;
/** The simulator is imported by itself and by the CLI's commands that run it (`simulate`, `evaluate`, `serve --demo`). */
export const MAY_IMPORT_SIM = ['sim', 'cli'] as const;

/** The top-level folder of src/ a path is in; `(root)` for src/*.ts; undefined outside src/. */
export function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return parts.length === 2 ? '(root)' : parts[1];
}

const isTest = (path: string) => path.endsWith('.test.ts');

/** A capability: any folder of src/ that is neither on top (api, cli, sim) nor the base (lib, store, bus). */
export function isCapability(folder: string | undefined): boolean {
  return (
    folder !== undefined &&
    folder !== '(root)' &&
    !(TOP as readonly string[]).includes(folder) &&
    !(BASE as readonly string[]).includes(folder)
  );
}

/**
 * Every module specifier a file names: static imports and re-exports (`import type` and
 * `export … from` included), `import x = require()`, dynamic `import()` and `import('…')` types.
 * @example specifiersOf('a.ts', "import type { A } from './a.ts'; await import('./b.ts');") // ['./a.ts', './b.ts']
 */
export function specifiersOf(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const literal = (n: ts.Node | undefined) => {
    if (n && ts.isStringLiteralLike(n)) out.push(n.text);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) literal(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference))
      literal(n.moduleReference.expression);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) literal(n.arguments[0]);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) literal(n.argument.literal);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/**
 * The file a relative specifier names, from the root (`.js` written for a `.ts` file, or no
 * extension, or a folder's index.ts; the path as written when no such file is there);
 * undefined for a package.
 */
export function resolveSpecifier(from: string, spec: string, exists: (path: string) => boolean): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  const tries = [base, base.replace(/\.(m|c)?js$/u, '.$1ts'), `${base}.ts`, `${base}.tsx`, `${base}/index.ts`];
  return tries.find(exists) ?? base;
}

/** Every import between files of src/ (and from src/ to files outside it), read from the files under `root`/src. */
export function readGraph(root: string): Edge[] {
  const abs = (p: string) => posix.join(root, p);
  const exists = (p: string) => existsSync(abs(p)) && statSync(abs(p)).isFile();
  const files = (readdirSync(abs('src'), { recursive: true }) as string[])
    .map((f) => posix.join('src', String(f).split('\\').join('/')))
    .filter((f) => /\.(m|c)?tsx?$/u.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const edges: Edge[] = [];
  for (const from of files)
    for (const spec of specifiersOf(from, readFileSync(abs(from), 'utf8'))) {
      const to = resolveSpecifier(from, spec, exists);
      if (to && to !== from) edges.push({ from, to });
    }
  return edges;
}

/** Folder-to-folder arrows of src/ (root files and imports within one folder left out), each with the imports behind it. */
export function folderGraph(edges: readonly Edge[]): Map<string, Map<string, Edge[]>> {
  const g = new Map<string, Map<string, Edge[]>>();
  for (const e of edges) {
    const [a, b] = [folderOf(e.from), folderOf(e.to)];
    if (!a || !b || a === b || a === '(root)' || b === '(root)') continue;
    const out = g.get(a) ?? new Map<string, Edge[]>();
    g.set(a, out);
    out.set(b, [...(out.get(b) ?? []), e]);
  }
  return g;
}

const show = (e: Edge) => `${e.from} imports ${e.to}`;

/**
 * Rule (a), folders: each circle between top-level folders of src/, as one message naming the
 * circle and, for each of its arrows, a file import that makes it.
 */
export function folderCycles(edges: readonly Edge[]): string[] {
  const g = folderGraph(edges);
  const next = (a: string) => [...(g.get(a)?.keys() ?? [])].sort();
  // Tarjan's strongly connected components: a component of two or more folders holds a circle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const nodes = [...new Set([...g.keys(), ...[...g.values()].flatMap((m) => [...m.keys()])])].sort();
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        c.push(w);
        if (w === v) break;
      }
      if (c.length > 1) components.push(c.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strong(v);
  return components.map((c) => {
    // The shortest circle through the component's first folder, by breadth-first search within it.
    const start = c[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length && !prev.has(start); i++)
      for (const w of next(queue[i]!).filter((x) => c.includes(x)))
        if (!prev.has(w)) {
          prev.set(w, queue[i]!);
          if (w !== start) queue.push(w);
        }
    const path = [start];
    for (let v = prev.get(start)!; v !== start; v = prev.get(v)!) path.unshift(v);
    path.unshift(start);
    const arrows = path.slice(1).map((b, i) => show(g.get(path[i]!)!.get(b)![0]!));
    return `import cycle between folders ${path.map((f) => `src/${f}`).join(' → ')} (all of ${c.map((f) => `src/${f}`).join(', ')}): ${arrows.join('; ')}`;
  });
}

/** Rule (a), the composition root: src/*.ts is imported only by src/api, src/cli, other root files and tests. */
export function rootImports(edges: readonly Edge[]): string[] {
  return edges
    .filter((e) => folderOf(e.to) === '(root)')
    .filter((e) => {
      const f = folderOf(e.from);
      return f !== '(root)' && !(MAY_IMPORT_ROOT as readonly string[]).includes(f ?? '') && !isTest(e.from);
    })
    .map((e) => `${show(e)}: the composition root (src/*.ts) is imported only by src/api, src/cli and tests`);
}

/**
 * Rule (b), arrows point down: a capability imports no src/api, src/cli, src/sim or web/;
 * the base (lib, store, bus) imports nothing above it; only src/sim and src/cli import the simulator.
 */
export function upwardImports(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const [a, b] = [folderOf(e.from), folderOf(e.to)];
    if (a === undefined || a === b) continue;
    const web = e.to.startsWith('web/');
    if (isCapability(a) && (web || (TOP as readonly string[]).includes(b ?? '')))
      out.push(
        `${show(e)}: capability src/${a} imports ${web ? 'the dashboard (web/)' : `src/${b}`}, which is above it`,
      );
    else if (
      (BASE as readonly string[]).includes(a) &&
      (web || (b !== undefined && !(BASE as readonly string[]).includes(b)))
    )
      out.push(
        `${show(e)}: src/${a} is the base (lib, store, bus) and imports no capability, entry point, root file or web/`,
      );
    else if (b === 'sim' && !(MAY_IMPORT_SIM as readonly string[]).includes(a))
      out.push(`${show(e)}: only src/sim and src/cli's commands import the simulator (src/sim)`);
  }
  return out;
}

/**
 * A file of a folder's storage: `*.repo.ts`, `*.tables.ts`, a folder's own `schema.ts`, or
 * anything in a folder's `migrations/`.
 */
export function isTableFile(path: string): boolean {
  const name = posix.basename(path);
  const parts = path.split('/');
  return (
    name.endsWith('.repo.ts') ||
    name.endsWith('.tables.ts') ||
    (name === 'schema.ts' && parts.length === 3) ||
    (parts.length >= 4 && parts[2] === 'migrations')
  );
}

/**
 * Rule (c), tables: a folder imports only its own repositories, tables and migrations (the
 * composition root all, to wire them; src/tables.ts, the whole `Database`, is a root file).
 */
export function foreignTables(edges: readonly Edge[]): string[] {
  return edges
    .filter((e) => isTableFile(e.to))
    .filter((e) => {
      const [a, b] = [folderOf(e.from), folderOf(e.to)];
      return a !== undefined && a !== '(root)' && a !== b;
    })
    .map(
      (e) =>
        `${show(e)}: src/${folderOf(e.from)} reaches the tables of src/${folderOf(e.to)}; use that folder's service instead`,
    );
}

/** Every broken rule, one message each. */
export function layerProblems(edges: readonly Edge[]): string[] {
  return [...folderCycles(edges), ...rootImports(edges), ...upwardImports(edges), ...foreignTables(edges)];
}

// Rule (d), queries: services hold no SQL. Every query is a method of the capability's
// repository (`<cap>.repo.ts`, typed on its own tables only); the store (src/store/) and
// migrations are the storage itself. Read from the syntax tree, so a comment or a string that
// mentions a query is not one, and `sql<T>`…`` is one.

/** Kysely's query builders: a call of one of these on anything builds a query. */
export const QUERY_BUILDERS = [
  'selectFrom',
  'selectNoFrom',
  'insertInto',
  'replaceInto',
  'updateTable',
  'deleteFrom',
  'mergeInto',
] as const;

/** A repository's unit of work (`repo.transaction(fn)`, `auditRepo.transaction(fn)`): the one `.transaction(` a service may call. */
const REPO_NAME = /(^r|R)epo$/u;

/**
 * True for a file of src/ that may build or run queries: a repository (`*.repo.ts`), a file
 * under a `migrations/` folder, a file of src/store/, or a test.
 */
export function mayHoldQueries(path: string): boolean {
  const parts = path.split('/');
  return (
    path.endsWith('.repo.ts') ||
    isTest(path) ||
    parts.slice(0, -1).includes('migrations') ||
    (parts[0] === 'src' && parts[1] === 'store')
  );
}

/**
 * Each place in one file's `text` that builds or runs a query, as `file:line: text` (the
 * line, trimmed): a query builder called (`db.selectFrom(…)`, see QUERY_BUILDERS), the `sql`
 * template tag or one of its helpers (`sql.raw(…)`), or a transaction opened on anything but a
 * repository (`db.transaction()`, `trx.transaction()`, `store.db.transaction()`).
 * @example queriesIn('a.ts', "await db.selectFrom('grants').execute();") // ["a.ts:1: await db.selectFrom('grants').execute();"]
 */
export function queriesIn(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const found = new Set<number>();
  const at = (n: ts.Node) => found.add(sf.getLineAndCharacterOfPosition(n.getStart(sf)).line);
  const lastName = (e: ts.Expression): string | undefined =>
    ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
  const isSql = (e: ts.Expression) => ts.isIdentifier(e) && e.text === 'sql';
  const visit = (n: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(n) && isSql(n.tag)) at(n);
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const { expression: target, name } = n.expression;
      // The builder's own line: in a chain over several lines, the `.selectFrom(` one.
      if ((QUERY_BUILDERS as readonly string[]).includes(name.text) || isSql(target)) at(name);
      else if (name.text === 'transaction' && !REPO_NAME.test(lastName(target) ?? '')) at(name);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return [...found].sort((a, b) => a - b).map((i) => `${file}:${i + 1}: ${lines[i]!.trim()}`);
}

/** One source file: its path from the repository's root (`src/access/reveal.service.ts`) and its text. */
export type Source = { readonly path: string; readonly text: string };

/**
 * Rule (d) over a tree: each query in a file of src/ that may not hold one (see
 * mayHoldQueries), as `file:line: text`.
 */
export function queriesOutsideRepositories(files: readonly Source[]): string[] {
  return files.filter((f) => !mayHoldQueries(f.path)).flatMap((f) => queriesIn(f.path, f.text));
}

/** Every TypeScript file under `root`/src (declarations left out), sorted, with its text. */
export function readSources(root: string): Source[] {
  return (readdirSync(posix.join(root, 'src'), { recursive: true }) as string[])
    .map((f) => posix.join('src', String(f).split('\\').join('/')))
    .filter((f) => /\.(m|c)?tsx?$/u.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((path) => ({ path, text: readFileSync(posix.join(root, path), 'utf8') }));
}
