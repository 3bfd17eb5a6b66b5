/**
 * Runs benchmarks: `npm run bench` runs every `bench/<name>.bench.ts`, `npm run bench -- vault`
 * only that one. Each bench module exports `run()`, which prints `BENCH <name> <value> <unit>`
 * lines (the figures) and `# …` lines (context). Benchmarks print numbers; they assert nothing
 * about time.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const SUFFIX = '.bench.ts';
const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();

const asked = process.argv[2];
if (asked !== undefined && !available.includes(asked)) {
  process.stderr.write(`unknown benchmark "${asked}"; available: ${available.join(', ') || '(none)'}\n`);
  process.exit(2);
}

for (const name of asked === undefined ? available : [asked]) {
  const mod = (await import(pathToFileURL(join(dir, name + SUFFIX)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    process.stderr.write(`bench/${name}${SUFFIX} does not export run()\n`);
    process.exit(2);
  }
  try {
    await mod.run();
  } catch (e) {
    process.stderr.write(`benchmark ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}
