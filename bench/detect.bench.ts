/**
 * The detection engine's cost: replaying a simulated world's NDJSON (checking every line,
 * sorting by time, running the engine) against merely reading and parsing the same file, in
 * the same run. `BENCH_DETECT_DAYS` sets the world's size (default 4 days, 8 stations).
 * `detect.heap_mb_per_million_events`: the replay's peak heap above the heap it started from
 * (sampled every 10 ms, after a full collection when the process runs with --expose-gc),
 * per million events replayed.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { simulateWorld } from '../src/sim/world.ts';
import { replay } from '../src/detect/replay.ts';
import { bench, envCount, say } from './report.ts';

/** The highest heapUsed seen while `work` runs, above the heap before it (bytes). */
async function peakHeapAbove(work: () => Promise<unknown>): Promise<number> {
  globalThis.gc?.();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(sample);
  }
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return peak - start;
}

export async function run(): Promise<void> {
  const days = envCount('BENCH_DETECT_DAYS', 4);
  const dir = mkdtempSync(join(tmpdir(), 'cloak-bench-detect-'));
  try {
    const file = join(dir, 'world.ndjson');
    const w = simulateWorld({ days, stations: 8, seed: 77 });
    const out = createWriteStream(file);
    for (const e of w.events) if (!out.write(`${JSON.stringify(e)}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'close');
    const n = w.events.length;
    say(
      `# detect bench: ${n} events (${(statSync(file).size / 1e6).toFixed(0)} MB), ${days} simulated days; load ${loadavg()[0]!.toFixed(2)}`,
    );
    const parse = async () => {
      let k = 0;
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
        if (JSON.parse(line)) k++;
      return k;
    };
    const full = async () => (await replay(createReadStream(file))).events;
    // Warm both once, then alternate, keeping the best of three of each (the machine is noisy).
    await parse();
    await full();
    let bestParse = Infinity;
    let bestReplay = Infinity;
    let alerts = 0;
    for (let i = 0; i < 3; i++) {
      let t = performance.now();
      if ((await parse()) !== n) throw new Error('parse lost lines');
      bestParse = Math.min(bestParse, performance.now() - t);
      t = performance.now();
      const s = await replay(createReadStream(file));
      bestReplay = Math.min(bestReplay, performance.now() - t);
      alerts = s.alerts;
    }
    const heap = await peakHeapAbove(() => replay(createReadStream(file)));
    bench('detect.heap_mb_per_million_events', (heap / 1e6 / (n / 1e6)).toFixed(1), 'MB');
    say(
      `# heap: peak ${(heap / 1e6).toFixed(0)} MB above the start over ${n} events${globalThis.gc ? '' : ' (no --expose-gc: the start is not collected)'}`,
    );
    bench('detect.replay_per_s', (n / (bestReplay / 1000)).toFixed(0), 'events/s');
    bench('detect.parse_per_s', (n / (bestParse / 1000)).toFixed(0), 'events/s');
    bench('detect.replay.ratio', (bestParse / bestReplay).toFixed(2), 'x');
    say(`# replay: ${alerts} alerts; best of 3 each`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
