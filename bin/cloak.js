#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run as they are (no build step),
// then hands over to the CLI. Worker threads inherit the loader through execArgv.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
