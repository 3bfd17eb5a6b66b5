import type { Command } from 'commander';
import { withApp, type CliEnv } from './context.ts';
import { operator } from './operator.ts';

export function canariesCommand(program: Command, cli: CliEnv): void {
  const c = program
    .command('canaries')
    .description(
      'Canary customers: synthetic people planted in one channel (an export, a scanner, a staff team) to catch and trace whoever touches or leaks them',
    );
  c.command('plant')
    .description(
      "Plant canaries in a staff team's history (closed work of its members in turn); prints their tokens, never their values",
    )
    .requiredOption('--team <team>', 'the staff team, e.g. support')
    .option('--count <n>', 'how many, 1 to 10', '2')
    .action(async (o: { team: string; count: string }) => {
      await withApp(cli, async (app) => {
        const r = await app.teamCanaries.plant(
          { team: o.team, count: /^\d{1,3}$/.test(o.count) ? Number(o.count) : Number.NaN },
          operator(),
        );
        cli.io.out(`channel: ${r.channel}`);
        for (const t of r.tokens) cli.io.out(`token:   ${t}`);
      });
    });
  c.command('list')
    .description('List every canary: token, channel, when planted and where')
    .action(async () => {
      await withApp(cli, async (app) => {
        for (const x of await app.canaries.list())
          cli.io.out(`${x.token}  ${x.channel.padEnd(24)} ${x.createdAt}  ${x.detail}`);
      });
    });
}
