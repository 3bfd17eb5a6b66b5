import { randomInt } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import type { CanariesRepo } from './canaries.repo.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { createPeople, type Person } from '../lib/people.ts';

export type Canary = { readonly token: string; readonly fields: Readonly<Record<string, string>> };

/**
 * Canary customers: synthetic people whose phone numbers (from a pool the company owns) reach
 * no one else, with e-mail addresses at common domains (configurable) and external ids shaped
 * like real customers', so no column tells one apart in an export. Each is planted in one
 * channel, and stored in the vault like any customer, so staff cannot tell it from a real
 * one; which channel it belongs to is known only here. No parcel is ever made for one.
 * @example const [c] = await canaries.plant('export:exp_…', 'to partner-x', 2);
 */
/** Canary e-mail domains by default: the common ones customers use (a domain listed twice is picked twice as often). */
export const DEFAULT_CANARY_EMAIL_DOMAINS = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'yahoo.com',
  'yahoo.com.vn',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
];

/**
 * An id of the same shape as `like`: each digit another random digit (a leading non-zero one
 * stays non-zero), each letter another random letter of the same case, every other character
 * kept; a leading run of letters before a separator (`CRM-`, `p42-`) is kept as it is.
 * @example sameShape('CRM-00417') // 'CRM-93051'
 */
export function sameShape(like: string, keepLetterPrefix = true): string {
  const prefix = keepLetterPrefix ? (/^[A-Za-z]+(?=[^A-Za-z])/.exec(like)?.[0] ?? '') : '';
  const rest = [...like.slice(prefix.length)].map((ch) => {
    if (/[0-9]/.test(ch)) return String(randomInt(0, 10));
    if (/[a-z]/.test(ch)) return String.fromCharCode(97 + randomInt(0, 26));
    if (/[A-Z]/.test(ch)) return String.fromCharCode(65 + randomInt(0, 26));
    return ch;
  });
  // Keep a leading digit non-zero where it was, so the number's length reads the same.
  if (/^[1-9]/.test(like.slice(prefix.length)) && rest[0] === '0') rest[0] = String(randomInt(1, 10));
  return prefix + rest.join('');
}

/**
 * A Vietnamese number written in one of the compact ways customers write theirs (`0…`, `+84…`;
 * the same number to the vault); others as given. Not with spaces or dots: a headerless file
 * whose first line is written so reads as a header line to the tracer.
 */
function writtenAsPeopleDo(e164: string): string {
  if (!e164.startsWith('+84') || e164.length !== 12) return e164;
  const n = e164.slice(3);
  const ways = [`0${n}`, `0${n}`, `+84${n}`];
  return ways[randomInt(0, ways.length)]!;
}

export function createCanaryService(deps: {
  repo: Pick<CanariesRepo, 'allCanaries' | 'insertCanaries' | 'tokensOfChannel' | 'newestFirst' | 'among'>;
  vault: Pick<VaultService, 'createSubjects' | 'recentExternalIds'>;
  clock: Clock;
  phonePrefix: string;
  emailDomains?: readonly string[] | undefined;
}) {
  const { repo } = deps;
  // Every canary's channel, in memory for the live watch (a few per export: small), re-read
  // now and then so canaries planted by another node are known here too.
  let known: Map<string, { channel: string; detail: string }> | undefined;
  let loadedAt = 0;
  async function all(): Promise<Map<string, { channel: string; detail: string }>> {
    if (!known || deps.clock.now().getTime() - loadedAt > 60_000) {
      known = new Map((await repo.allCanaries()).map((r) => [r.token, { channel: r.channel, detail: r.detail }]));
      loadedAt = deps.clock.now().getTime();
    }
    return known;
  }
  return {
    /** The channel of a canary, or undefined for a real customer (from memory: for every event). */
    async channelOf(token: string): Promise<{ channel: string; detail: string } | undefined> {
      return (await all()).get(token);
    },

    /**
     * Makes `count` canaries for `channel` and returns them with their clear values (to place in
     * the channel). Each looks like a real customer in every column: an e-mail at one of the
     * configured common domains, and an external id of the shape real customers' ids have.
     */
    async plant(channel: string, detail: string, count: number): Promise<Canary[]> {
      const people = createPeople(randomInt(1, 2 ** 31));
      const domains = deps.emailDomains?.length ? deps.emailDomains : DEFAULT_CANARY_EMAIL_DOMAINS;
      // People of the country the numbers are in (a Chinese name with a Vietnamese number, or a
      // numeric qq.com name at another domain, would stand out).
      const country = deps.phonePrefix.startsWith('+86') ? 'CN' : deps.phonePrefix.startsWith('+84') ? 'VN' : undefined;
      const chosen: Person[] = [];
      for (let i = 0; chosen.length < count && i < count * 50; i++) {
        const p = people.person(i);
        if (!country || p.country === country) chosen.push(p);
      }
      for (let i = count * 50; chosen.length < count; i++) chosen.push(people.person(i));
      const made = chosen.map((p) => {
        const local = p.email.split('@')[0]!;
        const e164 = `${deps.phonePrefix}${String(randomInt(0, 10 ** (12 - deps.phonePrefix.length))).padStart(12 - deps.phonePrefix.length, '0')}`;
        const fields = {
          name: p.name,
          phone: writtenAsPeopleDo(e164),
          email: `${local}@${domains[randomInt(0, domains.length)]}`,
          address: p.address,
        };
        return fields;
      });
      // External ids shaped like the latest real customers' (a canary without one would stand out).
      const real = await deps.vault.recentExternalIds('customer', 50);
      const idLike = () =>
        real.length ? sameShape(real[randomInt(0, real.length)]!) : String(randomInt(10_000_000, 100_000_000));
      const created: { token: string }[] = [];
      for (const fields of made) {
        // An id already taken would name the real customer (imports are idempotent on it): draw again.
        for (let i = 0; ; i++) {
          const [c] = await deps.vault.createSubjects([
            { kind: 'customer', externalId: i < 20 ? idLike() : undefined, fields },
          ]);
          if (c!.created) {
            created.push(c!);
            break;
          }
        }
      }
      const now = deps.clock.now().toISOString();
      await repo.insertCanaries(created.map((c) => ({ token: c.token, channel, detail, created_at: now })));
      for (const c of created) known?.set(c.token, { channel, detail });
      return created.map((c, i) => ({ token: c.token, fields: made[i]! }));
    },

    /** The canaries planted in one channel (e.g. `device:<id>`). */
    async ofChannel(channel: string): Promise<string[]> {
      return repo.tokensOfChannel(channel);
    },

    /** Every canary, newest first: token, channel and detail (never its values). */
    async list(): Promise<{ token: string; channel: string; detail: string; createdAt: string }[]> {
      return (await repo.newestFirst()).map((r) => ({
        token: r.token,
        channel: r.channel,
        detail: r.detail,
        createdAt: r.created_at,
      }));
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
      for (const r of await repo.among(tokens)) out.set(r.token, { channel: r.channel, detail: r.detail });
      return out;
    },
  };
}
export type CanaryService = ReturnType<typeof createCanaryService>;
