#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/ (built from src/ by `npm install` through its
// prepare step, and by `npm run build`; `npm test` rebuilds it before any test spawns it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('cloak: the compiled code (dist/) is missing: run `npm run build` (npm install does it)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
