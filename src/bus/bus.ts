import type { CloakEvent } from './events.ts';

export type EventHandler = (event: CloakEvent) => void | Promise<void>;

/**
 * The event bus every capability publishes to and detection consumes from. Events travel
 * in process: `createInProcessBus` below is the one Cloak ships.
 */
export interface EventBus {
  /** Publishes after the change it describes is committed. Resolves once handlers have it. */
  publish(event: CloakEvent): Promise<void>;
  /** Calls `handler` for every event published from now on; returns the unsubscribe function. */
  subscribe(handler: EventHandler): () => void;
  close(): Promise<void>;
}

/**
 * An in-process bus: handlers run in order of subscription. A failing handler is reported
 * through `onHandlerError` and does not stop the others or the publisher.
 * @example const bus = createInProcessBus(); bus.subscribe((e) => seen.push(e));
 */
export function createInProcessBus(onHandlerError: (err: unknown) => void = () => undefined): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    async publish(event) {
      for (const h of [...handlers]) {
        try {
          await h(event);
        } catch (err) {
          onHandlerError(err);
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
