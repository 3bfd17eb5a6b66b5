import type { CountryCode } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import { hmacSha256 } from '../lib/crypto.ts';
import { InvalidInput } from '../lib/errors.ts';
import type { Alert } from '../detect/engine.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { normalizePhone } from '../vault/normalize.ts';
import type { CanaryService } from '../canaries/canary.service.ts';

/** An inbound call as the telephony provider reports it. */
export type InboundCall = { readonly to: string; readonly from?: string | undefined; readonly at?: string | undefined };

/**
 * Calls to canary numbers. A canary's phone number (from a block the company owns) reaches
 * no one, and was never given to anybody but the channel it was planted in: a call to it means
 * someone holds a copy of that channel's data. The number called is matched through the
 * vault's blind index (nothing is decrypted); a canary's files a high `canary-called` alert
 * naming its channel, on the caller as `phone:<keyed hash>` (`phone:unknown` when withheld).
 * Neither number is ever logged or put in the alert, and the caller learns nothing: the answer
 * is the same whatever was called.
 * @example await calls.inbound({ to: '+84391234567', from: '+84912345678' });
 */
export function createCanaryCallWatch(deps: {
  vault: Pick<VaultService, 'matchValues'>;
  canaries: Pick<CanaryService, 'which'>;
  file: (a: Alert) => void;
  /** Keys the caller's hash, so the alert groups one caller's calls without holding the number. */
  callerKey: Buffer;
  region: CountryCode;
  clock: Clock;
  log: Logger;
}) {
  return {
    /** Takes one inbound call; InvalidInput (and nothing done) if `to` or `at` is not usable. */
    async inbound(call: InboundCall): Promise<void> {
      const to =
        typeof call.to === 'string'
          ? normalizePhone(call.to, deps.region)
          : ({ ok: false, problem: 'is missing' } as const);
      const at = call.at === undefined ? deps.clock.now() : new Date(Date.parse(call.at));
      const details = [
        ...(to.ok ? [] : [{ path: '/to', problem: to.problem }]),
        ...(call.at === undefined || (typeof call.at === 'string' && !Number.isNaN(at.getTime()))
          ? []
          : [{ path: '/at', problem: 'must be an ISO 8601 time' }]),
      ];
      if (!to.ok || details.length) throw new InvalidInput('the inbound call cannot be read', details);
      const tokens = (await deps.vault.matchValues('phone', [to.value.e164])).get(to.value.e164) ?? [];
      if (tokens.length === 0) return;
      const planted = await deps.canaries.which(tokens);
      if (planted.size === 0) return;
      // Withheld caller ids come as "anonymous", "private" or nothing: an unknown caller.
      const from = typeof call.from === 'string' ? normalizePhone(call.from, deps.region) : undefined;
      const actor = from?.ok
        ? `phone:${hmacSha256(deps.callerKey, from.value.e164).toString('hex').slice(0, 16)}`
        : 'phone:unknown';
      const when = at.toISOString();
      for (const [token, c] of planted) {
        deps.log.warn({ actor, channel: c.channel }, 'leaks: a canary number was called');
        deps.file({
          at: when,
          actor,
          rule: 'canary-called',
          severity: 'high',
          score: 0.99,
          summary: `${actor === 'phone:unknown' ? 'an unknown caller' : actor} called the number of a canary customer that exists only in ${c.channel} (${c.detail}): someone holds a copy of that channel's data`,
          evidence: [{ type: 'call', at: when, customer: token, channel: c.channel }],
        });
      }
    },
  };
}
export type CanaryCallWatch = ReturnType<typeof createCanaryCallWatch>;
