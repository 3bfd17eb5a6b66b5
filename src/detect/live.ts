import type { Logger } from 'pino';
import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { createEngine, type Alert } from './engine.ts';
import type { CaseService } from './cases.service.ts';

/**
 * The engine on the live server: fed from the event bus, its alerts filed as cases (and
 * responded to) one after another, off the request path. A timer judges accesses whose
 * grace ran out while traffic was quiet.
 * @example const d = startLiveDetection({ bus, cases, clock, log }); …; await d.idle(); d.stop();
 */
export function startLiveDetection(deps: { bus: Pick<EventBus, 'subscribe'>; cases: Pick<CaseService, 'record'>; clock: Clock; log: Logger; tickMs?: number }) {
  const engine = createEngine();
  let queue: Promise<unknown> = Promise.resolve();
  const file = (alerts: readonly Alert[]) => {
    for (const a of alerts) {
      deps.log.warn({ actor: a.actor, rule: a.rule, severity: a.severity }, 'detect: alert');
      queue = queue.then(() => deps.cases.record(a)).catch((err: unknown) => deps.log.error({ err }, 'detect: could not file an alert'));
    }
  };
  const unsubscribe = deps.bus.subscribe((e) => file(engine.ingest(e)));
  const timer = setInterval(() => file(engine.advance(deps.clock.now().getTime())), deps.tickMs ?? 30_000);
  timer.unref();
  return {
    /** Files an alert raised outside the engine (a canary touched), in the same order. */
    file: (a: Alert) => file([a]),
    /** Judges what is due now and resolves once every alert so far is filed and answered. */
    async idle(): Promise<void> {
      file(engine.advance(deps.clock.now().getTime()));
      let seen: Promise<unknown>;
      do {
        seen = queue;
        await seen;
      } while (seen !== queue);
    },
    stop(): void {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
export type LiveDetection = ReturnType<typeof startLiveDetection>;
