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

/**
 * A sealer. With `workers` > 0 it spreads slices over that many worker threads (AES-GCM and
 * HMAC calls cost ~5 µs each, mostly per-call overhead, so bulk imports need every core);
 * with 0 it seals on the calling thread.
 */
export function createSealer(opts: { keys: IndexKeys; region: CountryCode; workers: number }): Sealer {
  if (opts.workers <= 0) {
    const pool = new RandomPool();
    return { seal: async (items) => sealBatch(items, opts.keys, opts.region, pool), close: async () => undefined };
  }
  const worker = new URL('./seal.worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  // The worker is TypeScript; Node 20 workers do not inherit the tsx loader, so a small
  // bootstrap registers it before importing the worker module.
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
  const workers = Array.from({ length: opts.workers }, () => new Worker(bootstrap, { eval: true, workerData: { keys: opts.keys, region: opts.region } }));
  const pending = new Map<number, { resolve: (o: SealOutcome[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let turn = 0;
  for (const w of workers) {
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
      const slices: Promise<SealOutcome[]>[] = [];
      for (let i = 0; i < items.length; i += SLICE) slices.push(run(items.slice(i, i + SLICE)));
      return (await Promise.all(slices)).flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
