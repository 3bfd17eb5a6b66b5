import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { Logger } from 'pino';
import { sha256 } from '../lib/crypto.ts';
import { InvalidInput } from '../lib/errors.ts';

export type CedarValue = string | number | boolean | readonly CedarValue[] | { readonly [k: string]: CedarValue };
export type PolicyRequest = {
  readonly principal: {
    readonly type: string;
    readonly id: string;
    readonly attrs: Readonly<Record<string, CedarValue>>;
  };
  readonly action: string;
  readonly resource: {
    readonly type: string;
    readonly id: string;
    readonly attrs?: Readonly<Record<string, CedarValue>>;
  };
  readonly context: Readonly<Record<string, CedarValue>>;
};
/** allow or deny, and the @id of every policy that decided (none: nothing permitted it). */
export type Decision = { readonly decision: 'allow' | 'deny'; readonly policies: readonly string[] };
export type PolicySetInfo = {
  readonly version: number;
  readonly hash: string;
  readonly files: string[];
  readonly policies: string[];
  readonly loadedAt: string;
};
/** A policy in force as written: its @id, its file, the comment lines just above it, its text. */
export type PolicySource = {
  readonly id: string;
  readonly file: string;
  readonly comment: string;
  readonly text: string;
};

/** The `//` comment lines right above `offset` in `text`, without the slashes. */
function commentAbove(text: string, offset: number): string {
  const lines = text.slice(0, offset).split('\n');
  lines.pop();
  const out: string[] = [];
  for (let l = lines.pop(); l !== undefined && /^\s*\/\//.test(l); l = lines.pop())
    out.unshift(l.replace(/^\s*\/\/\s?/, ''));
  return out.join('\n');
}

const SCHEMA_FILE = 'schema.cedarschema';

/** Line and column of a character offset, for error messages an operator can act on. */
function where(text: string, offset: number | undefined): string {
  if (offset === undefined) return '';
  const before = text.slice(0, offset).split('\n');
  return `:${before.length}:${before[before.length - 1]!.length + 1}`;
}
const describe = (e: cedar.DetailedError) =>
  [e.message, ...(e.sourceLocations ?? []).map((l) => l.label).filter(Boolean), e.help].filter(Boolean).join('; ');

/**
 * Cedar policies read from a folder (`*.cedar` and `schema.cedarschema`), validated against
 * the schema and parsed once; decisions use the parsed set (parsing per request costs 3x).
 * `reload` swaps in a new set only if every file parses and validates: otherwise it throws
 * the errors (file:line:column) and the set in force stays.
 * @example const p = createPolicyService({ dir: './policies', log }); p.decide({ … }).decision
 */
export function createPolicyService(deps: { dir: string; log: Logger; now?: () => Date }) {
  let current: PolicySetInfo | undefined;
  let version = 0;

  let sources: PolicySource[] = [];

  function read(): {
    schema: string;
    policies: Record<string, string>;
    files: string[];
    hash: string;
    sources: PolicySource[];
  } {
    let names: string[];
    try {
      names = readdirSync(deps.dir)
        .filter((f) => f.endsWith('.cedar'))
        .sort();
    } catch (e) {
      throw new InvalidInput(
        `cannot read the policies folder ${deps.dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        [{ path: deps.dir, problem: 'unreadable' }],
      );
    }
    if (names.length === 0)
      throw new InvalidInput(`no .cedar policy files in ${deps.dir}`, [{ path: deps.dir, problem: 'no policies' }]);
    let schema: string;
    try {
      schema = readFileSync(join(deps.dir, SCHEMA_FILE), 'utf8');
    } catch {
      throw new InvalidInput(`the policies folder has no ${SCHEMA_FILE}`, [
        { path: join(deps.dir, SCHEMA_FILE), problem: 'missing' },
      ]);
    }
    const schemaCheck = cedar.checkParseSchema(schema);
    if (schemaCheck.type === 'failure') {
      const details = schemaCheck.errors.map((e) => ({
        path: `${SCHEMA_FILE}${where(schema, e.sourceLocations?.[0]?.start)}`,
        problem: describe(e),
      }));
      throw new InvalidInput(
        `the policy schema is broken: ${details.map((d) => `${d.path}: ${d.problem}`).join('; ')}`,
        details,
      );
    }
    const policies: Record<string, string> = {};
    const origin = new Map<string, string>();
    const details: { path: string; problem: string }[] = [];
    const texts: string[] = [schema];
    const found: PolicySource[] = [];
    for (const name of names) {
      const text = readFileSync(join(deps.dir, name), 'utf8');
      texts.push(name, text);
      const parts = cedar.policySetTextToParts(text);
      if (parts.type === 'failure') {
        for (const e of parts.errors)
          details.push({ path: `${name}${where(text, e.sourceLocations?.[0]?.start)}`, problem: describe(e) });
        continue;
      }
      parts.policies.forEach((p, i) => {
        const json = cedar.policyToJson(p);
        const id = json.type === 'success' ? json.json.annotations?.id : undefined;
        if (!id)
          details.push({
            path: `${name}#${i + 1}`,
            problem: 'every policy needs an @id("…") annotation, so decisions can name it',
          });
        else if (policies[id] !== undefined)
          details.push({ path: `${name}#${i + 1}`, problem: `@id("${id}") is already used in ${origin.get(id)}` });
        else {
          policies[id] = p;
          origin.set(id, name);
          const at = text.indexOf(p);
          found.push({ id, file: name, comment: at >= 0 ? commentAbove(text, at) : '', text: p });
        }
      });
      if (parts.policy_templates.length > 0) details.push({ path: name, problem: 'templates are not used by Cloak' });
    }
    if (details.length === 0) {
      const v = cedar.validate({
        schema,
        policies: { staticPolicies: policies },
        validationSettings: { mode: 'strict' },
      });
      if (v.type === 'failure') for (const e of v.errors) details.push({ path: SCHEMA_FILE, problem: describe(e) });
      else
        for (const e of v.validationErrors)
          details.push({ path: `${origin.get(e.policyId)} @id("${e.policyId}")`, problem: describe(e.error) });
    }
    if (details.length > 0)
      throw new InvalidInput(
        `the policies were not loaded: ${details.map((d) => `${d.path}: ${d.problem}`).join('; ')}`,
        details,
      );
    return { schema, policies, files: names, hash: sha256(texts.join('\0')).toString('hex'), sources: found };
  }

  /** Loads the folder; on any error throws and keeps the set in force. */
  function reload(): PolicySetInfo {
    const next = read();
    const v = version + 1;
    const ok = [
      cedar.preparseSchema(`schema-${v}`, next.schema),
      cedar.preparsePolicySet(`set-${v}`, { staticPolicies: next.policies }),
    ];
    const failed = ok.find((r) => r.type === 'failure');
    if (failed && failed.type === 'failure')
      throw new InvalidInput(`the policies were not loaded: ${failed.errors.map(describe).join('; ')}`, [
        { path: deps.dir, problem: 'cedar refused the set' },
      ]);
    version = v;
    sources = next.sources;
    current = {
      version: v,
      hash: next.hash,
      files: next.files,
      policies: Object.keys(next.policies),
      loadedAt: (deps.now?.() ?? new Date()).toISOString(),
    };
    deps.log.info({ policies: current.policies.length, hash: current.hash.slice(0, 16) }, 'policies loaded');
    return current;
  }

  reload();

  return {
    reload,
    /** The set in force. */
    info: (): PolicySetInfo => current!,
    /** The policies in force as written (ids, files, comments, text), for people to read. */
    sources: (): readonly PolicySource[] => sources,
    /** Decides one request with the set in force; a request that does not fit the schema is denied. */
    decide(req: PolicyRequest): Decision {
      const uid = (type: string, id: string) => ({ type, id });
      const entities = [
        {
          uid: uid(req.principal.type, req.principal.id),
          attrs: req.principal.attrs as Record<string, cedar.CedarValueJson>,
          parents: [],
        },
        {
          uid: uid(req.resource.type, req.resource.id),
          attrs: (req.resource.attrs ?? {}) as Record<string, cedar.CedarValueJson>,
          parents: [],
        },
      ];
      const r = cedar.statefulIsAuthorized({
        principal: uid(req.principal.type, req.principal.id),
        action: uid('Action', req.action),
        resource: uid(req.resource.type, req.resource.id),
        context: req.context as Record<string, cedar.CedarValueJson>,
        entities,
        preparsedSchemaName: `schema-${version}`,
        preparsedPolicySetId: `set-${version}`,
        validateRequest: true,
      });
      if (r.type === 'failure') {
        deps.log.error({ errors: r.errors.map((e) => e.message) }, 'policy: a request did not fit the schema; denied');
        return { decision: 'deny', policies: [] };
      }
      return { decision: r.response.decision, policies: r.response.diagnostics.reason };
    },
  };
}
export type PolicyService = ReturnType<typeof createPolicyService>;
