import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Every kind of caller the matrix sends, in the order it sends them. */
export const CALLERS = [
  'none',
  'key:platform',
  'key:erase',
  'key:audit',
  'key:telephony',
  'key:admin',
  'staff:support',
  'staff:moderator',
  'staff:courier',
  'staff:seller',
  'staff:analyst',
  'staff:investigator',
  'staff:privacy',
  'staff:admin',
  'staff:supervisor',
  'staff:engineer',
  'device:scanner',
  'device:courier_app',
  'customer',
  'customer:other',
  'bad:malformed',
  'bad:disabled-staff',
  'bad:revoked-key',
] as const;
export type Caller = (typeof CALLERS)[number];
export type Expect = 'allow' | 'policy' | '404' | 'deny';
export type MatrixRow = {
  readonly route: string;
  readonly request: string | undefined;
  readonly allowed: string;
  readonly line: number;
  readonly expect: ReadonlyMap<Caller, Expect>;
};

export const MATRIX_FILE = fileURLToPath(new URL('./authz-matrix.md', import.meta.url));

const GROUPS: Record<string, (c: Caller) => boolean> = {
  anyone: () => true,
  'staff:*': (c) => c.startsWith('staff:'),
  'device:*': (c) => c.startsWith('device:'),
};

/**
 * The table of test/authz-matrix.md: one row per route (and request), with each caller's
 * expected outcome. A caller named on its own wins over its group; unnamed callers are denied.
 */
export function readMatrix(file = MATRIX_FILE): MatrixRow[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^## Routes\b/.test(l));
  if (start < 0) throw new Error(`${file}: no "## Routes" section`);
  const rows: MatrixRow[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.startsWith('| `')) continue;
    const cells = l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const [route, request, allowed] = [
      cells[0]!.replace(/`/g, ''),
      cells[1]!.replace(/`/g, '') || undefined,
      cells[2]!,
    ];
    const expect = new Map<Caller, Expect>();
    const given = new Map<Caller, { expect: Expect; specific: boolean }>();
    for (const tok of allowed.split(/\s+/).filter(Boolean)) {
      const m = /^(.*?)(\?|:404)?$/.exec(tok)!;
      const name = m[1]!;
      const e: Expect = m[2] === '?' ? 'policy' : m[2] === ':404' ? '404' : 'allow';
      const group = GROUPS[name];
      if (!group && !(CALLERS as readonly string[]).includes(name))
        throw new Error(
          `${file}:${i + 1}: unknown caller "${name}" (callers: ${CALLERS.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')})`,
        );
      for (const c of CALLERS) {
        if (group ? !group(c) : c !== name) continue;
        const prev = given.get(c);
        if (prev?.specific && group) continue;
        given.set(c, { expect: e, specific: !group });
      }
    }
    for (const c of CALLERS) expect.set(c, given.get(c)?.expect ?? 'deny');
    rows.push({ route, request, allowed, line: i + 1, expect });
  }
  return rows;
}

/** Whether `status` is what `e` expects; else what was expected, in words. */
export function judge(e: Expect, status: number): string | undefined {
  if (status >= 500) return 'no server error';
  if (e === 'allow') return status === 401 || status === 403 ? 'allowed (not 401/403)' : undefined;
  if (e === 'policy') return status === 401 ? 'signed in (not 401)' : undefined;
  if (e === '404') return status === 404 ? undefined : '404';
  return status === 401 || status === 403 ? undefined : 'denied (401/403)';
}
