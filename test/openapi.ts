import fc from 'fast-check';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import type { KeyObject } from 'node:crypto';

/**
 * The routes the server publishes in its OpenAPI document (GET /docs/json), and fast-check
 * arbitraries built from their JSON schemas: the authorization matrix and the fuzz suite both
 * walk the document, so a route added to the server is a route they test.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  examples?: unknown[];
};

export type Param = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: JsonSchema };

export type Operation = {
  /** `GET /v1/subjects/{token}`: the method and the path as the document writes it. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly params: readonly Param[];
  /** The JSON body's schema, if the route takes one. */
  readonly body: JsonSchema | undefined;
  readonly security: readonly Record<string, string[]>[] | undefined;
};

/** Every operation of the server at `url`, from the OpenAPI document it serves. */
export async function operations(url: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${url}/docs/json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Param[];
          requestBody?: { content?: Record<string, { schema: JsonSchema }> };
          security?: Record<string, string[]>[];
        }
      >
    >;
  };
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      out.push({
        key: `${method} ${path}`,
        method,
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        security: op.security,
      });
    }
  }
  return out;
}

/** `/v1/x/{id}/y` with `{id}` replaced (URI-encoded) from `values`; `{*}` takes the value of `*`. */
export function fillPath(path: string, values: Record<string, string>): string {
  // A lone surrogate cannot be percent-encoded: it is sent as U+FFFD, as a browser would.
  const enc = (v: string) =>
    encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === '*' ? (values['*'] ?? '') : enc(values[name] ?? 'x'),
  );
}

const MAX_ARRAY = 4;

/**
 * An arbitrary of values that satisfy `s` (as far as JSON schema can say: patterns by
 * fc.stringMatching, lengths, bounds, enums, required and optional properties).
 */
export function validArb(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s) return fc.constant(undefined);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf ?? s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf)!.map((x) => validArb(x, depth)));
  if (s.allOf)
    return validArb(
      Object.assign({}, ...s.allOf.map((x) => ({ ...x, properties: { ...x.properties } }))) as JsonSchema,
      depth,
    );
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 24, Math.max(min, 24));
      if (s.pattern)
        return fc
          .stringMatching(new RegExp(s.pattern))
          .filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
      // Valid by the schema, and still what handlers choke on: NUL, lone surrogates, injections.
      const nasty = NASTY_STRINGS.filter((v) => v.length >= min && v.length <= (s.maxLength ?? 3000));
      const plain = fc.string({ minLength: min, maxLength: max, unit: 'grapheme' });
      return nasty.length
        ? fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: fc.constantFrom(...nasty) })
        : plain;
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validArb(s.items, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? MAX_ARRAY, MAX_ARRAY)),
      });
    case 'object':
    case undefined: {
      if (!s.properties && !s.additionalProperties && type === undefined) return fc.anything({ maxDepth: 1 });
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const keys = Object.keys(props);
      const rec = fc.record(Object.fromEntries(keys.map((k) => [k, validArb(props[k], depth + 1)])), {
        requiredKeys: keys.filter((k) => required.has(k)),
      });
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const extra = fc.dictionary(
          fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/).filter((k) => !(k in props)),
          validArb(s.additionalProperties, depth + 1),
          { maxKeys: 2 },
        );
        return fc.tuple(rec, extra).map(([a, b]) => ({ ...b, ...a }));
      }
      return rec;
    }
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

/** One value that satisfies `s`, the same for the same seed. */
export function validSample(s: JsonSchema | undefined, seed = 1): unknown {
  return fc.sample(validArb(s), { numRuns: 1, seed })[0];
}

/** Strings an attacker tries: empty, huge, NUL, unicode of every kind, injections, bad ids. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'x'.repeat(70_000),
  '🙂'.repeat(2000),
  'e\u0301',
  '\u202eevil',
  '\ud800',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  "' or 1=1 --",
  '"; drop table subjects; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'sub_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  'sub_' + 'z'.repeat(200),
  'dev_',
  'key_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  '-1',
  '0',
  '1e400',
  '9'.repeat(40),
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '\r\nX-Injected: 1',
  'ＡＢＣ',
  'İ',
];

/** Numbers out of every range: negative, huge, fractional, unsafe, zero. */
export const NASTY_NUMBERS: readonly number[] = [
  -1,
  0,
  -0,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  -(2 ** 63),
  1e-300,
];

/** A value nested `n` deep, arrays within objects. */
export function deep(n: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

/** Any JSON value, nastier than fc.json(): the pools above, nesting, wrong types. */
export const wrongValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_STRINGS),
  fc.constantFrom<unknown>(...NASTY_NUMBERS),
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    [],
    {},
    [null],
    { '': '' },
    { __proto__: { admin: true } },
    { constructor: { prototype: { x: 1 } } },
  ),
  fc.constant(deep(200)),
  fc.constant(deep(1000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/**
 * A value `s` mostly accepts with one thing wrong: a required property dropped, an extra one
 * added, a leaf replaced by a wrong value, or the whole replaced. Objects and arrays recurse.
 */
export function mutatedArb(s: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const valid = validArb(s);
  return fc.oneof(
    { weight: 1, arbitrary: wrongValueArb },
    {
      weight: 4,
      arbitrary: fc
        .tuple(valid, fc.nat(), wrongValueArb, fc.constantFrom('drop', 'extra', 'replace', 'replace', 'replace'))
        .map(([v, pick, wrong, how]) => mutate(v, pick, wrong, how)),
    },
  );
}

function mutate(v: unknown, pick: number, wrong: unknown, how: string): unknown {
  // Paths to every node, then one chosen by `pick`.
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach((c, i) => (nodes.push({ parent: x, key: i }), walk(c)));
    else if (x && typeof x === 'object')
      for (const [k, c] of Object.entries(x)) (nodes.push({ parent: x as Record<string, unknown>, key: k }), walk(c));
  };
  const copy = v === undefined ? undefined : structuredClone(v);
  walk(copy);
  if (how === 'extra' && copy && typeof copy === 'object' && !Array.isArray(copy)) {
    (copy as Record<string, unknown>)[`x${pick % 7}`] = wrong;
    return copy;
  }
  if (nodes.length === 0) return wrong;
  const n = nodes[pick % nodes.length]!;
  if (how === 'drop') {
    if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
    else delete n.parent[n.key as string];
  } else (n.parent as Record<string | number, unknown>)[n.key] = wrong;
  return copy;
}

/** A device's signed request (RFC 9421, as the gateway checks it): the whole response. */
export async function signedFetch(
  url: string,
  d: { id: string; key: KeyObject },
  method: string,
  path: string,
  body?: string,
  signal?: AbortSignal,
): Promise<Response> {
  const raw = Buffer.from(body ?? '');
  const base = {
    method,
    url: path,
    headers: { host: new URL(url).host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: raw,
  };
  const headers = { ...base.headers, ...(await signDeviceRequest(base, { keyid: d.id, privateKey: d.key })) };
  return fetch(`${url}${path}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' || body === undefined ? undefined : new Uint8Array(raw),
    signal,
  });
}
