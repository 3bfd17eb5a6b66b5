import { Readable } from 'node:stream';
import { replay } from '../src/detect/replay.ts';
import type { Alert } from '../src/detect/engine.ts';

/** Replay-contract lines as a stream: objects as JSON, strings as they are (for malformed lines). */
export const lines = (xs: readonly unknown[]) =>
  Readable.from(xs.map((x) => `${typeof x === 'string' ? x : JSON.stringify(x)}\n`));

/** Replays `input` and returns the summary with every alert raised. */
export async function run(input: Readable, opts: { strict?: boolean; runLines?: number } = {}) {
  const alerts: Alert[] = [];
  const s = await replay(input, { ...opts, onAlert: (a) => alerts.push(a) });
  return { ...s, alerts };
}
