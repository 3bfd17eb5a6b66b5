import type { CountryCode } from 'libphonenumber-js/max';
import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { InvalidInput, NotFound, type ErrorDetail } from '../lib/errors.ts';
import type { Kms } from '../lib/keyring.ts';
import type { Logger } from '../lib/log.ts';
import type { Store } from '../store/db.ts';
import type { SealOutcome } from './seal.batch.ts';
import type { Sealer } from './seal.pool.ts';
import { DEFAULT_KIND, FIELD_NAME, externalKey, lookupForms, prepareSubject } from './vault.fns.ts';
import type { VaultRepo } from './vault.repo.ts';
import { blindIndex, dekContext, type IndexKeys } from './vault.seal.ts';
import { phoneLookupForm } from './normalize.ts';
import {
  DEK_VERSION,
  type CreateResult,
  type IndexScope,
  type MaskedSubject,
  type SealedSubject,
  type SubjectInput,
} from './vault.types.ts';

export type VaultDeps = {
  repo: VaultRepo;
  store: Pick<Store, 'purgeDeletedKeys'>;
  kms: Kms;
  sealer: Pick<Sealer, 'seal'>;
  indexKeys: IndexKeys;
  region: CountryCode;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  log: Logger;
};

/** Who is asking, as an actor id of the replay contract (`service:key_…`, `staff:u-17`). */
export type Ctx = { readonly actor: string };

/** One line of an import: where it came from, and what it holds. */
export type ImportItem = { readonly line: number; readonly input: SubjectInput };
export type ImportOutcome = {
  readonly created: number;
  readonly existing: number;
  readonly bad: readonly { readonly line: number; readonly errors: readonly ErrorDetail[] }[];
};

const LOOKUP_LIMIT = 100;

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The vault: customers' personal data encrypted field by field under per-subject data keys,
 * handed out as tokens and masks, found by blind index, erased by crypto-shredding.
 * Nothing here returns a clear value: that is `createClearReader` (`clear.ts`), wired apart.
 */
export function createVaultService(deps: VaultDeps) {
  const { repo, kms, sealer, clock, log } = deps;

  /**
   * Seals and stores subjects that passed validation, skipping those whose external id is
   * already known. Keys are committed first, then the data in one transaction: a crash in
   * between leaves only an orphan key (swept later), never a subject without its key.
   */
  async function store(sealed: readonly SealedSubject[]): Promise<Map<SealedSubject, string>> {
    const existing = new Map<SealedSubject, string>();
    if (sealed.length === 0) return existing;
    const wrapped = await kms.wrapMany(sealed.map((s) => ({ key: s.dek, context: dekContext(s.token) })));
    for (const s of sealed) s.dek.fill(0);
    const now = clock.now().toISOString();
    const first = await repo.allocateIds(sealed.length);
    const numbered = sealed.map((s, i) => ({ id: first + i, sealed: s }));
    await repo.insertDataKeys(
      numbered.map(({ id, sealed: s }, i) => ({
        subjectId: id,
        token: s.token,
        dekVersion: DEK_VERSION,
        kekVersion: wrapped[i]!.kekVersion,
        wrapped: wrapped[i]!.wrapped,
      })),
      now,
    );
    try {
      await repo.transaction((trx) => repo.insertSubjects(numbered, now, DEK_VERSION, trx));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Another writer created some of these external ids meanwhile: keep theirs, write the
      // rest (their keys, already stored, become orphans for the sweep).
      await repo.transaction(async (trx) => {
        const fresh: typeof numbered = [];
        for (const [kind, list] of groupByKind(numbered)) {
          const taken = await repo.tokensByExternalId(
            kind,
            list.flatMap((n) => (n.sealed.externalId ? [n.sealed.externalId] : [])),
            trx,
          );
          for (const n of list) {
            const t = n.sealed.externalId ? taken.get(n.sealed.externalId) : undefined;
            if (t) existing.set(n.sealed, t);
            else fresh.push(n);
          }
        }
        await repo.insertSubjects(fresh, now, DEK_VERSION, trx);
      });
    }
    return existing;
  }

  /** Finds which inputs name an external id already stored, by kind. */
  async function known(inputs: readonly SubjectInput[]): Promise<(string | undefined)[]> {
    const byKind = new Map<string, string[]>();
    for (const i of inputs) {
      if (typeof i?.externalId !== 'string') continue;
      const k = typeof i.kind === 'string' ? i.kind : DEFAULT_KIND;
      const ids = byKind.get(k);
      if (ids) ids.push(i.externalId);
      else byKind.set(k, [i.externalId]);
    }
    const found = new Map<string, string>();
    for (const [kind, ids] of byKind)
      for (const [id, t] of await repo.tokensByExternalId(kind, ids))
        found.set(externalKey({ kind, externalId: id, fields: {} })!, t);
    return inputs.map((i) => {
      const key = externalKey(i);
      return key === undefined ? undefined : found.get(key);
    });
  }

  function masksOf(s: SealedSubject): Record<string, string> {
    return Object.fromEntries(s.fields.map((f) => [f.field, f.mask]));
  }

  async function liveSubject(token: string) {
    const s = await repo.getSubject(token);
    // Erased answers exactly as unknown: the answer must not tell that a customer ever existed.
    if (!s || s.erased_at) throw new NotFound('no subject has this token');
    return s;
  }

  return {
    /**
     * Creates subjects, all or none: if any input is bad, nothing is written and every
     * problem is reported with its path (`/subjects/3/fields/phone`, by `itemPath`). An input whose
     * external id is already stored returns the existing token with `created: false`.
     * @example await vault.createSubjects([{ kind: 'customer', externalId: 'c-1', fields: { phone: '0912345678' } }])
     */
    async createSubjects(
      inputs: readonly SubjectInput[],
      itemPath: (n: number) => string = (n) => `/subjects/${n}`,
    ): Promise<CreateResult[]> {
      const dup = new Map<string, number>();
      const errors: ErrorDetail[] = [];
      inputs.forEach((i, n) => {
        const key = externalKey(i);
        if (key === undefined) return;
        const first = dup.get(key);
        if (first !== undefined)
          errors.push({ path: `${itemPath(n)}/externalId`, problem: `repeats the external id of item ${first}` });
        else dup.set(key, n);
      });
      const already = await known(inputs);
      // An input whose external id exists is not stored again, but it is still checked: a
      // bad request is refused whether or not it would have changed anything.
      inputs.forEach((input, n) => {
        if (already[n] === undefined) return;
        const p = prepareSubject(input, deps.region);
        if (!p.ok) errors.push(...p.errors.map((e) => ({ ...e, path: `${itemPath(n)}${e.path ?? ''}` })));
      });
      const todo = inputs.map((input, n) => ({ input, n })).filter(({ n }) => already[n] === undefined);
      const outcomes = await sealer.seal(todo.map((t) => t.input));
      outcomes.forEach((o, k) => {
        if (!o.ok) errors.push(...o.errors.map((e) => ({ ...e, path: `${itemPath(todo[k]!.n)}${e.path ?? ''}` })));
      });
      if (errors.length > 0)
        throw new InvalidInput(`${errors.length} problem(s) in the request; nothing was stored`, errors);
      const sealed = outcomes.map((o) => (o as Extract<SealOutcome, { ok: true }>).sealed);
      const raced = await store(sealed);
      const results: CreateResult[] = inputs.map((i, n) => {
        const t = already[n];
        return {
          token: t ?? '',
          created: false,
          externalId: typeof i.externalId === 'string' ? i.externalId : null,
          fields: {},
        };
      });
      sealed.forEach((s, k) => {
        const n = todo[k]!.n;
        const other = raced.get(s);
        results[n] = {
          token: other ?? s.token,
          created: !other,
          externalId: s.externalId,
          fields: other ? {} : masksOf(s),
        };
      });
      // Existing subjects answer with their stored masks, so a retried create looks like the first.
      for (const r of results) {
        if (r.created) continue;
        const s = await repo.getSubject(r.token);
        if (s)
          Object.assign(
            r.fields as Record<string, string>,
            Object.fromEntries((await repo.getMasks(s.id)).map((m) => [m.field, m.mask])),
          );
      }
      log.info(
        { created: results.filter((r) => r.created).length, existing: results.filter((r) => !r.created).length },
        'vault: subjects written',
      );
      return results;
    },

    /**
     * Imports one batch of a file: unlike `createSubjects`, bad rows are reported and the
     * good ones stored. Idempotent on external ids: a re-run creates only what is missing.
     */
    async importBatch(items: readonly ImportItem[]): Promise<ImportOutcome> {
      const bad: { line: number; errors: ErrorDetail[] }[] = [];
      const firstLine = new Map<string, number>();
      const candidates: ImportItem[] = [];
      for (const it of items) {
        if (typeof it.input.externalId !== 'string' || it.input.externalId === '') {
          bad.push({
            line: it.line,
            errors: [{ path: 'externalId', problem: 'is missing (imports are idempotent on the external id)' }],
          });
          continue;
        }
        const key = externalKey(it.input)!;
        const first = firstLine.get(key);
        if (first !== undefined)
          bad.push({
            line: it.line,
            errors: [{ path: 'externalId', problem: `repeats the external id of line ${first}` }],
          });
        else {
          firstLine.set(key, it.line);
          candidates.push(it);
        }
      }
      const already = await known(candidates.map((c) => c.input));
      const todo = candidates.filter((_, n) => already[n] === undefined);
      const outcomes = await sealer.seal(todo.map((t) => t.input));
      const good: SealedSubject[] = [];
      outcomes.forEach((o, k) =>
        o.ok ? good.push(o.sealed) : bad.push({ line: todo[k]!.line, errors: [...o.errors] }),
      );
      const raced = await store(good);
      bad.sort((a, b) => a.line - b.line);
      return { created: good.length - raced.size, existing: candidates.length - todo.length + raced.size, bad };
    },

    /** Whether a token names a live subject (for other capabilities that store tokens); reads nothing else. */
    async exists(token: string): Promise<boolean> {
      const s = await repo.getSubject(token);
      return s !== undefined && s.erased_at === null;
    },

    /**
     * Live subjects in a stable order, masks only, a page at a time (bulk exports, which are
     * approved, limited and logged by the export service). Pass the returned cursor back.
     */
    async page(
      cursor: number,
      limit: number,
      kind?: string,
    ): Promise<{
      rows: { token: string; kind: string; createdAt: string; fields: Record<string, string> }[];
      cursor: number;
    }> {
      const rows = await repo.pageSubjects(cursor, limit, kind);
      return {
        rows: rows.map((r) => ({ token: r.token, kind: r.kind, createdAt: r.created_at, fields: r.masks })),
        cursor: rows.length ? rows[rows.length - 1]!.id : cursor,
      };
    },

    /**
     * Which subjects a leaked file's values belong to, by blind index: values are normalized
     * like lookups and matched in bulk; nothing is decrypted and nothing is published per value
     * (a trace of a million rows is one operation, recorded by its caller). Returns, for each
     * value that matched, the tokens.
     */
    async matchValues(
      field: 'phone' | 'email' | 'name',
      values: readonly string[],
      opts: { region?: CountryCode; alsoRegions?: readonly CountryCode[] } = {},
    ): Promise<Map<string, string[]>> {
      const region = opts.region ?? deps.region;
      // Each distinct normalized form once, with the values written that way.
      const byForm = new Map<string, string[]>();
      let scope: IndexScope | undefined;
      for (const v of new Set(values)) {
        let form: string | undefined;
        if (field === 'phone') {
          // Leaked files drop the + of international numbers and mix countries: a number
          // that is not one in the region is tried as international, then in `alsoRegions`.
          form = phoneLookupForm(v, region);
          const digits = form === undefined ? v.replace(/[\s.()-]/g, '') : '';
          if (/^\d{10,15}$/.test(digits)) form = phoneLookupForm(`+${digits}`, region);
          for (const r of opts.alsoRegions ?? []) form ??= phoneLookupForm(v, r);
          scope = 'phone';
        } else {
          const f = lookupForms(field, v, region, false);
          if (f.ok) [form, scope] = [f.normalized, f.scope];
        }
        if (form === undefined) continue;
        const vs = byForm.get(form);
        if (vs) vs.push(v);
        else byForm.set(form, [v]);
      }
      const out = new Map<string, string[]>();
      if (!scope || byForm.size === 0) return out;
      const forms = [...byForm.keys()];
      const found = await repo.findEachByIndex(
        scope,
        forms.map((f) => blindIndex(deps.indexKeys, scope, f)),
      );
      forms.forEach((f, i) => {
        if (found[i]!.length) for (const v of byForm.get(f)!) out.set(v, found[i]!);
      });
      return out;
    },

    /**
     * The external ids of the latest `limit` subjects of `kind` that have one (erased ones
     * included), newest first: for canaries, whose ids must look like real customers'.
     */
    async recentExternalIds(kind: string, limit: number): Promise<string[]> {
      return repo.recentExternalIds(kind, limit);
    },

    /** The kind of a live subject (customer, reviewer, …) for policy decisions; NotFound otherwise. Reads nothing else. */
    async kindOf(token: string): Promise<string> {
      return (await liveSubject(token)).kind;
    },

    /** A subject as everyone sees it by default: masks only, no decryption. */
    async getMasked(token: string, ctx: Ctx): Promise<MaskedSubject> {
      const s = await liveSubject(token);
      const masks = await repo.getMasks(s.id);
      const fields = Object.fromEntries(masks.map((m) => [m.field, m.mask]));
      await deps.bus.publish({
        type: 'lookup',
        at: clock.now().toISOString(),
        actor: ctx.actor,
        result: 'ok',
        customer: token,
        fields: Object.keys(fields),
      });
      return { token: s.token, kind: s.kind, externalId: s.external_id, createdAt: s.created_at, fields };
    },

    /**
     * Finds subjects by an indexed field through its blind index: tokens, never values.
     * Names match without diacritics or case unless `exact` is set.
     * @example await vault.lookup('phone', '+84 912 345 678', {}, ctx) // ['sub_…']
     */
    async lookup(
      field: string,
      value: string,
      opts: { exact?: boolean; region?: CountryCode },
      ctx: Ctx,
    ): Promise<string[]> {
      if (typeof value !== 'string')
        throw new InvalidInput('the lookup value must be a string', [{ path: '/value', problem: 'must be a string' }]);
      const f = lookupForms(field, value, opts.region ?? deps.region, opts.exact ?? false);
      if (!f.ok)
        throw new InvalidInput(
          `cannot look up by ${FIELD_NAME.test(field) ? field : 'this field'}: the value ${f.problem}`,
          [{ path: '/value', problem: f.problem }],
        );
      const tokens = await repo.findByIndex(f.scope, blindIndex(deps.indexKeys, f.scope, f.normalized), LOOKUP_LIMIT);
      await deps.bus.publish({
        type: 'lookup',
        at: clock.now().toISOString(),
        actor: ctx.actor,
        result: 'ok',
        fields: [field],
      });
      return tokens;
    },

    /**
     * Erases a subject by destroying its data key, then its ciphertexts, masks and indexes.
     * Idempotent: erasing twice answers as the first time.
     */
    async erase(token: string): Promise<{ token: string; erasedAt: string }> {
      const s = await repo.getSubject(token);
      if (!s) throw new NotFound('no subject has this token');
      if (s.erased_at) return { token, erasedAt: s.erased_at };
      // The key goes first: from the moment it is gone the data is unreadable, even if the
      // process dies before the rest is cleaned (a second erase finishes the job).
      await repo.deleteDataKey(s.id);
      const erasedAt = clock.now().toISOString();
      await repo.transaction((trx) => repo.eraseSubjectData(s.id, erasedAt, trx));
      if (!(await deps.store.purgeDeletedKeys())) {
        log.warn({ token }, 'vault: erased, but a reader holds the key store log; the next erase (or start) purges it');
      }
      log.info({ token }, 'vault: subject erased');
      return { token, erasedAt };
    },

    /**
     * Rewraps data keys still under an older KEK version with the active one. No field value
     * is re-encrypted. Safe to run while serving and from several processes at once.
     */
    async rewrap(
      opts: { batchSize?: number; onProgress?: (done: number) => void } = {},
    ): Promise<{ rewrapped: number; unreadable: number }> {
      kms.reload();
      const active = kms.activeVersion();
      let rewrapped = 0;
      let unreadable = 0;
      for (let after = 0; ;) {
        const rows = await repo.keysNotUnder(active, after, opts.batchSize ?? 500);
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.subjectId;
        const readable: { row: (typeof rows)[number]; dek: Buffer }[] = [];
        for (const row of rows) {
          try {
            readable.push({ row, dek: await kms.unwrap(row, dekContext(row.token)) });
          } catch {
            unreadable++;
          }
        }
        if (readable.length === 0) continue;
        const wrapped = await kms.wrapMany(readable.map((r) => ({ key: r.dek, context: dekContext(r.row.token) })));
        await repo.transaction(async (trx) => {
          for (const [k, r] of readable.entries()) {
            if (
              await repo.replaceWrapped(
                r.row.subjectId,
                r.row.kekVersion,
                wrapped[k]!.kekVersion,
                wrapped[k]!.wrapped,
                trx,
              )
            )
              rewrapped++;
          }
        });
        for (const r of readable) r.dek.fill(0);
        opts.onProgress?.(rewrapped);
      }
      if (rewrapped > 0) log.info({ rewrapped, active }, 'vault: data keys rewrapped');
      if (unreadable > 0) log.warn({ unreadable }, 'vault: data keys under a key version this keyring lacks');
      return { rewrapped, unreadable };
    },

    /** Which KEK versions exist and how many data keys each still wraps. */
    async keyStatus(): Promise<{
      active: number;
      versions: number[];
      dataKeysByVersion: Record<string, number>;
      subjects: number;
    }> {
      kms.reload();
      const counts = await repo.countKeysByVersion();
      return {
        active: kms.activeVersion(),
        versions: [...kms.versions()],
        dataKeysByVersion: Object.fromEntries([...counts].map(([v, n]) => [String(v), n])),
        subjects: await repo.countSubjects(),
      };
    },

    /** Deletes data keys left behind by a crash between writing a key and its subject, and purges deleted keys. */
    async sweepOrphanKeys(olderThanMs = 3_600_000): Promise<number> {
      const n = await repo.deleteOrphanKeys(new Date(clock.now().getTime() - olderThanMs).toISOString());
      if (n > 0) log.info({ keys: n }, 'vault: orphan data keys swept');
      // Also finishes a purge an earlier erase could not complete.
      await deps.store.purgeDeletedKeys();
      return n;
    },
  };
}
export type VaultService = ReturnType<typeof createVaultService>;

function groupByKind<T extends { sealed: SealedSubject }>(list: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const n of list) {
    const g = m.get(n.sealed.kind);
    if (g) g.push(n);
    else m.set(n.sealed.kind, [n]);
  }
  return m;
}
