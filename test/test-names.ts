import { readFileSync } from 'node:fs';

/** One `test(…)`, `it(…)`, `describe(…)` or `suite(…)` found in a test file, by its literal name. */
export type Declared = {
  /** The name as written between the quotes (escapes resolved; a template's `${…}` kept as written). */
  readonly name: string;
  /** Whether the name is a template literal with `${…}` parts (they match anything). */
  readonly template: boolean;
  readonly line: number;
};

const CALL = /(?<![.\w$])(?:test|it|describe|suite)(?:\.(?:only|skip|todo))?\(\s*/g;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

/**
 * Every test and suite of a test file whose name is a string literal (single, double or
 * backtick quotes). Names computed from variables are not declarations one can cite, so they
 * are left out.
 * @example declaredTests(readFileSync('e2e/story-a.test.ts', 'utf8'))
 */
export function declaredTests(source: string): Declared[] {
  const out: Declared[] = [];
  for (const m of source.matchAll(CALL)) {
    let i = m.index + m[0].length;
    const quote = source[i];
    if (quote !== "'" && quote !== '"' && quote !== '`') continue;
    let name = '';
    let template = false;
    let closed = false;
    for (i += 1; i < source.length; i += 1) {
      const c = source[i]!;
      if (c === '\\') {
        const n = source[i + 1] ?? '';
        name += ESCAPES[n] ?? n;
        i += 1;
      } else if (c === quote) {
        closed = true;
        break;
      } else if (quote === '`' && c === '$' && source[i + 1] === '{') {
        // Keep the placeholder whole, braces balanced.
        let depth = 0;
        const start = i;
        for (; i < source.length; i += 1) {
          if (source[i] === '{') depth += 1;
          else if (source[i] === '}' && --depth === 0) break;
        }
        name += source.slice(start, i + 1);
        template = true;
      } else if (quote !== '`' && c === '\n') {
        break;
      } else {
        name += c;
      }
    }
    if (closed) out.push({ name, template, line: source.slice(0, m.index).split('\n').length });
  }
  return out;
}

/** Whether `cited` is the name of `d`: equal, or, for a template, equal with each `${…}` standing for any text. */
export function names(d: Declared, cited: string): boolean {
  if (!d.template) return d.name === cited;
  const parts = d.name.split(/\$\{[^}]*\}/u).map((p) => p.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`, 'su').test(cited);
}

/** The declarations of the test file at `path`. */
export function declaredIn(path: string): Declared[] {
  return declaredTests(readFileSync(path, 'utf8'));
}
