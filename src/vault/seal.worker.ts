import { parentPort, workerData } from 'node:worker_threads';
import { RandomPool } from '../lib/crypto.ts';
import { packBatch, sealBatch } from './seal.batch.ts';
import type { IndexKeys } from './vault.seal.ts';
import type { SubjectInput } from './vault.types.ts';
import type { CountryCode } from 'libphonenumber-js/max';

/** A sealing worker: validates, normalizes and encrypts batches handed to it by the pool. */
const { keys, region } = workerData as { keys: Record<string, Uint8Array>; region: CountryCode };
const indexKeys = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Buffer.from(v)])) as unknown as IndexKeys;
const pool = new RandomPool();

parentPort!.on('message', (msg: { id: number; items: SubjectInput[] }) => {
  try {
    const packed = packBatch(sealBatch(msg.items, indexKeys, region, pool));
    parentPort!.postMessage({ id: msg.id, packed }, [packed.bytes]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, failed: (e as Error).name });
  }
});
