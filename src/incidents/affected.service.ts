import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import { constantTimeEqual, hmacSha256, open, randomId, seal } from '../lib/crypto.ts';
import { InvalidInput, RateLimited } from '../lib/errors.ts';
import type { Limit, RateBudgets } from '../lib/ratelimit.ts';
import type { IncidentsRepo } from './incidents.repo.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { normalizeEmail, normalizePhone } from '../vault/normalize.ts';
import type { MessageSender } from './outbox.ts';

const CODE_MINUTES = 10;
const MAX_ATTEMPTS = 5;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[a-z]{2,24}$/i;
const HOUR = 3_600_000;
const PER_IDENTIFIER: Limit = { limit: 3, windowMs: HOUR };
const PER_CLIENT: Limit = { limit: 20, windowMs: HOUR };

export type AffectedAnswer = {
  readonly affected: boolean;
  readonly incidents: { readonly discoveredAt: string; readonly categories: string[]; readonly advice: string }[];
};

/**
 * "Was I affected?", for customers, built so that it cannot be used to find out who is a
 * customer or a victim: the answer comes only after the person proves they own the phone
 * number or e-mail address with a one-time code sent to it. Before that, every identifier is
 * treated alike (nothing is looked up, so answers match in shape and time); starts are
 * limited per identifier and per client; identifiers are kept sealed and never logged.
 */
export function createAffectedService(deps: {
  repo: Pick<IncidentsRepo, 'insertCheck' | 'countAttempt' | 'useCheck'>;
  clock: Clock;
  vault: Pick<VaultService, 'matchValues'>;
  incidents: { containing(tokens: readonly string[]): Promise<{ discoveredAt: string; categories: string[] }[]> };
  sender: MessageSender;
  key: Buffer;
  region: string;
  /** Limits of starts, in the database and taken atomically: they hold across nodes, restarts and concurrent starts. */
  budgets: RateBudgets;
}) {
  const { budgets } = deps;
  const aad = Buffer.from('cloak/affected-check/v1');

  /** The identifier's canonical form and kind, or a clear error (the value is never echoed). */
  function canonical(raw: string): { kind: 'phone' | 'email'; value: string } {
    const v = typeof raw === 'string' ? raw.trim() : '';
    // The vault's own normaliser (NFC, trimmed; lower-cased as it indexes): one address
    // however it is spelt (NFC or NFD, any case) is one identifier with one budget.
    const e = normalizeEmail(v);
    if (e.ok && EMAIL.test(e.value.indexed)) return { kind: 'email', value: e.value.indexed };
    const p = normalizePhone(v, deps.region as 'VN');
    if (p.ok) return { kind: 'phone', value: p.value.e164 };
    throw new InvalidInput('give a phone number or an e-mail address', [
      { path: '/identifier', problem: 'not a phone number or e-mail address' },
    ]);
  }

  return {
    /** Sends a one-time code to the identifier; answers the same whoever it belongs to. */
    async start(identifier: string, client: string): Promise<{ challenge: string; expiresAt: string }> {
      const id = canonical(identifier);
      const now = deps.clock.now();
      if (!(await budgets.take(`affected:client:${client}`, PER_CLIENT)))
        throw new RateLimited('too many checks from here; try again in an hour');
      if (!(await budgets.take(`affected:id:${hmacSha256(deps.key, id.value).toString('hex')}`, PER_IDENTIFIER)))
        throw new RateLimited('too many checks for this identifier; try again in an hour');
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const challenge = randomId('chk');
      const expiresAt = new Date(now.getTime() + CODE_MINUTES * 60_000).toISOString();
      const nonce = randomBytes(12);
      await deps.repo.insertCheck({
        id: challenge,
        kind: id.kind,
        identifier: seal(deps.key, Buffer.from(id.value), aad, nonce),
        code_hash: hmacSha256(deps.key, `${challenge}|${code}`),
        attempts: 0,
        expires_at: expiresAt,
      });
      await deps.sender.send(
        id.value,
        `Cloak: your code is ${code}. It expires in ${CODE_MINUTES} minutes. Nobody from the company will ask you for it.`,
      );
      return { challenge, expiresAt };
    },

    /** With the right code, whether that identifier was in an incident, which data, what to do. */
    async verify(challenge: string, code: string): Promise<AffectedAnswer> {
      const wrong = () =>
        new InvalidInput('the code is wrong or has expired; ask for a new one', [
          { path: '/code', problem: 'wrong or expired' },
        ]);
      // An attempt is counted before the code is compared, in one statement that also checks
      // the limit and the expiry: of concurrent guesses only the attempts left are compared.
      const r =
        typeof challenge === 'string'
          ? await deps.repo.countAttempt(challenge, MAX_ATTEMPTS, deps.clock.now().toISOString())
          : undefined;
      if (!r) throw wrong();
      if (
        typeof code !== 'string' ||
        !constantTimeEqual(hmacSha256(deps.key, `${challenge}|${code}`), Buffer.from(r.code_hash))
      )
        throw wrong();
      // Once used, gone: of concurrent uses of the right code only the one that deletes it answers.
      if (!(await deps.repo.useCheck(challenge))) throw wrong();
      const value = open(deps.key, r.identifier, aad).toString();
      const tokens = [...(await deps.vault.matchValues(r.kind as 'phone' | 'email', [value])).values()].flat();
      const found = tokens.length ? await deps.incidents.containing(tokens) : [];
      return {
        affected: found.length > 0,
        incidents: found.map((i) => ({
          discoveredAt: i.discoveredAt,
          categories: i.categories,
          advice:
            i.categories.includes('tracking') || i.categories.includes('phone')
              ? 'Expect scam calls or messages that quote a real tracking number or order: we never ask for codes, passwords or payments by phone. Hang up and call our official number.'
              : 'Be wary of messages that use your details to seem genuine; we never ask for codes, passwords or payments.',
        })),
      };
    },
  };
}
export type AffectedService = ReturnType<typeof createAffectedService>;
