import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.ts';
import type { Database } from '../store/schema.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { createPeople } from '../sim/people.ts';

export type Canary = { readonly token: string; readonly fields: Readonly<Record<string, string>> };

/**
 * Canary customers: synthetic people whose phone numbers (from a pool the company owns) and
 * e-mail addresses (at a domain it controls) reach no one else. Each is planted in one
 * channel, and stored in the vault like any customer, so staff cannot tell it from a real
 * one; which channel it belongs to is known only here. No parcel is ever made for one.
 * @example const [c] = await canaries.plant('export:exp_…', 'to partner-x', 2);
 */
export function createCanaryService(deps: { db: Kysely<Database>; vault: Pick<VaultService, 'createSubjects'>; clock: Clock; phonePrefix: string; emailDomain: string }) {
  const { db } = deps;
  // Every canary's channel, in memory for the live watch (a few per export: small), re-read
  // now and then so canaries planted by another node are known here too.
  let known: Map<string, { channel: string; detail: string }> | undefined;
  let loadedAt = 0;
  async function all(): Promise<Map<string, { channel: string; detail: string }>> {
    if (!known || deps.clock.now().getTime() - loadedAt > 60_000) {
      known = new Map((await db.selectFrom('canaries').selectAll().execute()).map((r) => [r.token, { channel: r.channel, detail: r.detail }]));
      loadedAt = deps.clock.now().getTime();
    }
    return known;
  }
  return {
    /** The channel of a canary, or undefined for a real customer (from memory: for every event). */
    async channelOf(token: string): Promise<{ channel: string; detail: string } | undefined> {
      return (await all()).get(token);
    },

    /** Makes `count` canaries for `channel` and returns them with their clear values (to place in the channel). */
    async plant(channel: string, detail: string, count: number): Promise<Canary[]> {
      const people = createPeople(randomInt(1, 2 ** 31));
      const made = Array.from({ length: count }, (_, i) => {
        const p = people.person(i);
        const local = p.email.split('@')[0]!;
        const fields = { name: p.name, phone: `${deps.phonePrefix}${String(randomInt(0, 10 ** (12 - deps.phonePrefix.length))).padStart(12 - deps.phonePrefix.length, '0')}`, email: `${local}.${randomInt(10, 99)}@${deps.emailDomain}`, address: p.address };
        return fields;
      });
      const created = await deps.vault.createSubjects(made.map((fields) => ({ kind: 'customer', fields })));
      const now = deps.clock.now().toISOString();
      await db.insertInto('canaries').values(created.map((c) => ({ token: c.token, channel, detail, created_at: now }))).execute();
      for (const c of created) known?.set(c.token, { channel, detail });
      return created.map((c, i) => ({ token: c.token, fields: made[i]! }));
    },

    /** The canaries planted in one channel (e.g. `device:<id>`). */
    async ofChannel(channel: string): Promise<string[]> {
      return (await db.selectFrom('canaries').select('token').where('channel', '=', channel).execute()).map((r) => r.token);
    },

    /** Every canary, newest first: token, channel and detail (never its values). */
    async list(): Promise<{ token: string; channel: string; detail: string; createdAt: string }[]> {
      return (await db.selectFrom('canaries').selectAll().orderBy('created_at', 'desc').orderBy('token').execute()).map((r) => ({ token: r.token, channel: r.channel, detail: r.detail, createdAt: r.created_at }));
    },

    /** Which of these tokens are canaries, with their channel. */
    async which(tokens: readonly string[]): Promise<Map<string, { channel: string; detail: string }>> {
      const out = new Map<string, { channel: string; detail: string }>();
      if (tokens.length > 5000) {
        // A traced leak of millions: canaries are a few per channel, so read them all (afresh) and look each token up in memory.
        known = undefined;
        const every = await all();
        for (const t of tokens) {
          const c = every.get(t);
          if (c) out.set(t, c);
        }
        return out;
      }
      for (let i = 0; i < tokens.length; i += 500) for (const r of await db.selectFrom('canaries').selectAll().where('token', 'in', tokens.slice(i, i + 500)).execute()) out.set(r.token, { channel: r.channel, detail: r.detail });
      return out;
    },
  };
}
export type CanaryService = ReturnType<typeof createCanaryService>;
