import { Worker } from 'node:worker_threads';
import type { CountryCode } from 'libphonenumber-js/max';
import { RandomPool } from '../lib/crypto.ts';
import { sealBatch, unpackBatch, type PackedBatch, type SealOutcome } from './seal.batch.ts';
import type { IndexKeys } from './vault.seal.ts';
import type { SubjectInput } from './vault.types.ts';

/** Seals batches of subjects, in worker threads when it has any, inline otherwise. */
export type Sealer = {
  seal(items: readonly SubjectInput[]): Promise<SealOutcome[]>;
  close(): Promise<void>;
  threads(): readonly Worker[];
};

/** Work is cut into slices of this many subjects so both cores stay busy on one batch. */
const SLICE = 250;
/** Below this many subjects the trip to a worker costs more than it saves: seal inline. */
const INLINE_BELOW = 32;

/**
 * A sealer. With `workers` > 0 it spreads slices over that many worker threads (AES-GCM and
 * HMAC calls cost ~5 µs each, mostly per-call overhead, so bulk imports need every core);
 * with 0 it seals on the calling thread.
 */
export function createSealer(opts: { keys: IndexKeys; region: CountryCode; workers: number }): Sealer {
  const pool = new RandomPool();
  const inline = async (items: readonly SubjectInput[]) => sealBatch(items, opts.keys, opts.region, pool);
  if (opts.workers <= 0) return { seal: inline, close: async () => undefined, threads: () => [] };
  // Compiled (dist/, what bin/cloak.js runs) the worker is JavaScript beside this module. Run
  // from the TypeScript sources (tests, benches), Node 20 workers do not inherit the tsx
  // loader, so a small bootstrap registers it before importing the worker module.
  const compiled = import.meta.url.endsWith('.js');
  const worker = new URL(compiled ? './seal.worker.js' : './seal.worker.ts', import.meta.url);
  const start = compiled
    ? () => new Worker(worker, { workerData: { keys: opts.keys, region: opts.region } })
    : () => {
        const tsx = import.meta.resolve('tsx/esm/api');
        const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker.href)}); })`;
        return new Worker(bootstrap, { eval: true, workerData: { keys: opts.keys, region: opts.region } });
      };
  // Started on first use: a CLI command that never seals in bulk never pays for them.
  type Pending = { resolve: (o: SealOutcome[]) => void; reject: (e: Error) => void };
  type Slot = { worker: Worker; pending: Map<number, Pending> };
  let slots: Slot[] = [];
  let nextId = 0;
  let turn = 0;
  let closing = false;
  function spawn(): Slot {
    const slot: Slot = { worker: start(), pending: new Map() };
    slot.worker.on('message', (m: { id: number; packed?: PackedBatch; failed?: string }) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (m.packed) p.resolve(unpackBatch(m.packed));
      else p.reject(new Error(`sealing worker failed (${m.failed ?? 'unknown'})`));
    });
    // A worker that dies fails only its own batches, and is replaced for the next ones.
    const died = (e: Error) => {
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
      if (!closing) slots = slots.map((x) => (x === slot ? spawn() : x));
    };
    slot.worker.on('error', died);
    slot.worker.on('exit', (code) => {
      if (slot.pending.size > 0 || !closing) died(new Error(`sealing worker exited (code ${code})`));
    });
    return slot;
  }
  function run(items: readonly SubjectInput[]): Promise<SealOutcome[]> {
    const id = nextId++;
    const slot = slots[turn++ % slots.length]!;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, items });
    });
  }
  return {
    async seal(items) {
      if (items.length < INLINE_BELOW) return inline(items);
      if (slots.length === 0) slots = Array.from({ length: opts.workers }, spawn);
      const slices: Promise<SealOutcome[]>[] = [];
      for (let i = 0; i < items.length; i += SLICE) slices.push(run(items.slice(i, i + SLICE)));
      return (await Promise.all(slices)).flat();
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
    /** The worker threads now running (for tests of recovery). */
    threads: () => slots.map((s) => s.worker),
  };
}
