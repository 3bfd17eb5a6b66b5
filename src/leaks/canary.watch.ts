import type { EventBus } from '../bus/bus.ts';
import type { Logger } from '../lib/log.ts';
import type { Alert } from '../detect/engine.ts';
import type { CanaryService } from '../canaries/canary.service.ts';

/**
 * Live: anyone shown or reading a canary customer's data has touched something that exists
 * only in one channel (an export's file, a scanner's manifest, a team's closed work). That is
 * a high alert on them, naming the channel, filed like detection's alerts (so a device is
 * restricted and a person's grants suspended). A refused reveal is a touch too: the attempt
 * shows the customer was sought.
 */
export function watchCanaries(deps: {
  bus: Pick<EventBus, 'subscribe'>;
  canaries: Pick<CanaryService, 'channelOf'>;
  file: (a: Alert) => void;
  log: Logger;
}): () => void {
  return deps.bus.subscribe(async (e) => {
    // Cloak's own work (the export placing its canaries) is not a touch.
    if ((e.type !== 'reveal' && e.type !== 'lookup') || !e.customer || e.actor.startsWith('system:')) return;
    if (e.type === 'lookup' && e.result !== 'ok') return;
    const c = await deps.canaries.channelOf(e.customer);
    if (!c) return;
    const team = c.channel.startsWith('team:');
    // A team canary is meant to show masked in the team's lists: the platform reading its masks
    // to draw them is the placement working, not a touch. Revealing one is.
    if (team && e.type === 'lookup' && e.actor.startsWith('service:')) return;
    const what =
      e.type === 'lookup'
        ? 'read'
        : e.result === 'denied'
          ? `tried to see the ${e.field} of`
          : `was shown the ${e.field} of`;
    deps.log.warn({ actor: e.actor, channel: c.channel }, 'leaks: a canary was touched');
    deps.file({
      at: e.at,
      actor: e.actor,
      rule: 'canary-touched',
      severity: 'high',
      score: 0.99,
      summary: team
        ? `${e.actor} ${what} a canary customer that exists only in ${c.channel} (${c.detail}): closed work nobody has a reason to open`
        : `${e.actor} ${what} a canary customer that exists only in ${c.channel} (${c.detail}): that copy has reached them`,
      evidence: [
        {
          type: e.type,
          at: e.at,
          customer: e.customer,
          channel: c.channel,
          ...(e.type === 'reveal' ? { field: e.field, result: e.result } : {}),
        },
      ],
    });
  });
}
