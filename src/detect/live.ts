import type { Logger } from 'pino';
import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { createEngine, type AccessVerdict, type Alert } from './engine.ts';
import type { CaseService } from './cases.service.ts';

const VERDICTS_PER_ACTOR = 500;
const VERDICT_ACTORS = 5000;

/**
 * The engine on the live server: fed from the event bus, its alerts filed as cases (and
 * responded to) one after another, off the request path. A timer judges accesses whose
 * grace ran out while traffic was quiet. Built idle: only `start()` (a serving node's
 * `app.start()`) subscribes it and starts its timer; alerts raised outside the engine (a
 * canary touched) are filed either way.
 * @example const d = createLiveDetection({ bus, cases, clock, log }); d.start(); …; await d.idle(); d.stop();
 */
export function createLiveDetection(deps: {
  bus: Pick<EventBus, 'subscribe'>;
  cases: Pick<CaseService, 'record'>;
  clock: Clock;
  log: Logger;
  tickMs?: number;
}) {
  // The engine's verdict on each recent access (explained or not), kept per actor for the
  // entity page: its timeline marks what the engine itself judged, not a second opinion.
  const verdicts = new Map<string, AccessVerdict[]>();
  const engine = createEngine({
    onAccess: (v) => {
      const list = verdicts.get(v.actor) ?? [];
      list.push(v);
      if (list.length > VERDICTS_PER_ACTOR) list.splice(0, list.length - VERDICTS_PER_ACTOR);
      verdicts.delete(v.actor);
      verdicts.set(v.actor, list);
      // The least recently active actors go first: memory stays bounded.
      if (verdicts.size > VERDICT_ACTORS) verdicts.delete(verdicts.keys().next().value!);
    },
  });
  let queue: Promise<unknown> = Promise.resolve();
  const file = (alerts: readonly Alert[]) => {
    for (const a of alerts) {
      deps.log.warn({ actor: a.actor, rule: a.rule, severity: a.severity }, 'detect: alert');
      queue = queue
        .then(() => deps.cases.record(a))
        .catch((err: unknown) => deps.log.error({ err }, 'detect: could not file an alert'));
    }
  };
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    start(): void {
      if (unsubscribe) return;
      unsubscribe = deps.bus.subscribe((e) => file(engine.ingest(e)));
      timer = setInterval(() => file(engine.advance(deps.clock.now().getTime())), deps.tickMs ?? 30_000);
      timer.unref();
      deps.log.info('detect: live detection started');
    },
    /** True between `start()` and `stop()`. */
    running: (): boolean => unsubscribe !== undefined,
    /** The engine's verdicts on this actor's recent accesses (since this start), oldest first. */
    verdicts: (actor: string): readonly AccessVerdict[] => verdicts.get(actor) ?? [],
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
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
export type LiveDetection = ReturnType<typeof createLiveDetection>;
