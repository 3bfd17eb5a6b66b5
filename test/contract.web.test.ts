import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';
import { resolveSpecifier } from './layers.ts';

// The dashboard reads every answer of the API through `api<T>(…)` (web/src/api.ts). T must be
// the contract's own type (src/api/contract/), or a view of it (Pick, Omit, Partial, an array,
// an intersection of contract types), or `string` for a text answer: never a type written in
// the dashboard, so a change of the server's answer breaks the dashboard's build.

const CONTRACT = 'src/api/contract/';
const WRAPPERS = new Set(['Pick', 'Omit', 'Partial', 'Readonly', 'NonNullable', 'Array', 'ReadonlyArray']);

type File = { path: string; text: string };

const parse = (f: File) =>
  ts.createSourceFile(
    f.path,
    f.text,
    ts.ScriptTarget.Latest,
    true,
    f.path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );

/**
 * Where a name used in `file` comes from: the contract (true), or not (a message naming why).
 * Follows `import { X } from` and `export { X } from` through the dashboard's own files.
 */
function fromContract(files: Map<string, File>, path: string, name: string, seen = new Set<string>()): true | string {
  if (path.startsWith(CONTRACT)) return true;
  if (seen.has(`${path}#${name}`)) return `${name} is imported in a circle`;
  seen.add(`${path}#${name}`);
  const f = files.get(path);
  if (!f) return `${name} comes from ${path}, which is not the contract`;
  const sf = parse(f);
  for (const s of sf.statements) {
    const clause = ts.isImportDeclaration(s)
      ? s.importClause?.namedBindings
      : ts.isExportDeclaration(s)
        ? s.exportClause
        : undefined;
    const spec = (s as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier;
    if (!clause || !spec || !ts.isStringLiteral(spec) || !(ts.isNamedImports(clause) || ts.isNamedExports(clause)))
      continue;
    for (const el of clause.elements)
      if (el.name.text === name) {
        const to = resolveSpecifier(path, spec.text, (p) => files.has(p) || existsSync(p));
        if (!to) return `${name} comes from the package ${spec.text}, not the contract`;
        return fromContract(files, to, (el.propertyName ?? el.name).text, seen);
      }
  }
  return `${name} is declared in ${path}, not taken from the contract (${CONTRACT})`;
}

/** Why a type argument of `api<T>` is not the contract's, or nothing when it is. */
function problems(files: Map<string, File>, path: string, t: ts.TypeNode): string[] {
  if (t.kind === ts.SyntaxKind.StringKeyword || t.kind === ts.SyntaxKind.VoidKeyword) return [];
  if (ts.isArrayTypeNode(t)) return problems(files, path, t.elementType);
  if (ts.isParenthesizedTypeNode(t)) return problems(files, path, t.type);
  if (ts.isIntersectionTypeNode(t)) return t.types.flatMap((x) => problems(files, path, x));
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) {
    const name = t.typeName.text;
    if (WRAPPERS.has(name)) return problems(files, path, t.typeArguments![0]!);
    const r = fromContract(files, path, name);
    return r === true ? [] : [r];
  }
  if (ts.isIndexedAccessTypeNode(t)) return problems(files, path, t.objectType);
  return [`the answer's type \`${t.getText()}\` is written in the dashboard; name the contract's type instead`];
}

/** Every `api<T>(…)` call of the files whose T is not taken from the contract, as `file:line: why` lines. */
export function untypedCalls(list: readonly File[]): string[] {
  const files = new Map(list.map((f) => [f.path, f]));
  const out: string[] = [];
  for (const f of list) {
    const sf = parse(f);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'api') {
        const line = sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
        const t = n.typeArguments?.[0];
        if (!t) out.push(`${f.path}:${line}: api(…) without a type argument`);
        else for (const p of problems(files, f.path, t)) out.push(`${f.path}:${line}: ${p}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const webFiles = (): File[] =>
  (readdirSync('web/src', { recursive: true }) as string[])
    .map((p) => posix.join('web/src', String(p).split('\\').join('/')))
    .filter((p) => /\.tsx?$/u.test(p) && p !== 'web/src/api.ts')
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));

test("every answer the dashboard reads is typed by the API's contract", () => {
  const files = webFiles();
  assert.ok(files.filter((f) => /\bapi</u.test(f.text)).length >= 10, 'the dashboard calls the API from many files');
  assert.deepEqual(untypedCalls(files), []);
});

test('the rule accepts contract types and their views, and refuses types written in the dashboard', () => {
  const page = (body: string): File => ({ path: 'web/src/pages/P.tsx', text: body });
  const contract = {
    path: `${CONTRACT}index.ts`,
    text: 'export type A = { x: string }; export type B = { y: number };',
  };
  const lib = { path: 'web/src/lib.ts', text: "export type { A as Renamed } from '../../src/api/contract/index.ts';" };
  const ok = [
    "import type { A, B } from '../../../src/api/contract/index.ts'; api<A>('/a'); api<Pick<A, 'x'>>('/a'); api<A & B>('/a'); api<A[]>('/a');",
    "import type { Renamed } from '../lib.ts'; api<Renamed>('/a');",
    "api<string>('/log/key', { text: true });",
  ];
  for (const text of ok) assert.deepEqual(untypedCalls([contract, lib, page(text)]), [], text);
  const bad: [string, RegExp][] = [
    ["type Local = { x: string }; api<Local>('/a');", /Local is declared in web\/src\/pages\/P\.tsx/u],
    ["api<{ value: string }>('/a');", /`\{ value: string \}` is written in the dashboard/u],
    [
      "import type { A } from '../../../src/api/contract/index.ts'; api<A | { z: 1 }>('/a');",
      /written in the dashboard/u,
    ],
    ["api('/a');", /without a type argument/u],
    ["import type { Q } from 'some-package'; api<Q>('/a');", /package some-package/u],
  ];
  for (const [text, why] of bad) {
    const got = untypedCalls([contract, lib, page(text)]);
    assert.equal(got.length, 1, text);
    assert.match(got[0]!, why);
    assert.match(got[0]!, /^web\/src\/pages\/P\.tsx:1: /u);
  }
});
