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
  if (opts.workers <= 0) return { seal: inline, close: async () => undefined };
  const worker = new URL('./seal.worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  // The worker is TypeScript; Node 20 workers do not inherit the tsx loader, so a small
  // bootstrap registers it before importing the worker module.
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
  // Started on first use: a CLI command that never seals in bulk never pays for them.
  let workers: Worker[] = [];
  const start = () => {
    workers = Array.from({ length: opts.workers }, () => new Worker(bootstrap, { eval: true, workerData: { keys: opts.keys, region: opts.region } }));
    for (const w of workers) listen(w);
  };
  const pending = new Map<number, { resolve: (o: SealOutcome[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let turn = 0;
  function listen(w: Worker) {
    w.on('message', (m: { id: number; packed?: PackedBatch; failed?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.packed) p.resolve(unpackBatch(m.packed));
      else p.reject(new Error(`sealing worker failed (${m.failed ?? 'unknown'})`));
    });
    w.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  function run(items: readonly SubjectInput[]): Promise<SealOutcome[]> {
    const id = nextId++;
    const w = workers[turn++ % workers.length]!;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ id, items });
    });
  }
  return {
    async seal(items) {
      if (items.length < INLINE_BELOW) return inline(items);
      if (workers.length === 0) start();
      const slices: Promise<SealOutcome[]>[] = [];
      for (let i = 0; i < items.length; i += SLICE) slices.push(run(items.slice(i, i + SLICE)));
      return (await Promise.all(slices)).flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
