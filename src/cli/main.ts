import { Command, CommanderError } from 'commander';
import { isCloakError } from '../lib/errors.ts';
import { apiKeysCommand } from './apikeys.ts';
import type { CliEnv } from './context.ts';
import { importCommand } from './import.ts';
import { keysCommand } from './keys.ts';
import { labelCommand } from './label.ts';
import { stdio, type Output } from './output.ts';
import { serveCommand } from './serve.ts';
import { staffCommand } from './staff.ts';
import { auditCommand } from './audit.ts';
import { detectCommands, traceCommand } from './detect.ts';
import { canariesCommand } from './canaries.ts';

/**
 * The `cloak` command. Returns the exit code: 0 done, 1 done with problems (e.g. bad rows),
 * 2 could not run (bad usage, bad configuration, database unavailable).
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Output = stdio,
): Promise<number> {
  const cli: CliEnv = { env, io, exitCode: 0 };
  const program = new Command('cloak')
    .description(
      "Cloak keeps customers' personal data encrypted, tokenized, masked and erasable.\nConfiguration comes from CLOAK_* environment variables (see README).",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  serveCommand(program, cli);
  importCommand(program, cli);
  keysCommand(program, cli);
  apiKeysCommand(program, cli);
  labelCommand(program, cli);
  staffCommand(program, cli);
  auditCommand(program, cli);
  detectCommands(program, cli);
  traceCommand(program, cli);
  canariesCommand(program, cli);
  try {
    await program.parseAsync(argv as string[]);
    return cli.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isCloakError(e)) {
      io.err(`error: ${e.message}`);
      return 2;
    }
    // Not one of ours: its message may quote input, so only its kind is shown.
    io.err(
      `error: unexpected ${(e as Error)?.name ?? 'failure'}${(e as { code?: string })?.code ? ` (${(e as { code?: string }).code})` : ''}; run with CLOAK_LOG_LEVEL=debug and see the logs`,
    );
    return 2;
  }
}
