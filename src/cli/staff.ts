import type { Command } from 'commander';
import { withApp, type CliEnv } from './context.ts';
import { operator } from './operator.ts';

export function staffCommand(program: Command, cli: CliEnv): void {
  const s = program
    .command('staff')
    .description('Staff members (support, moderators, couriers, analysts, sellers …) and their sign-in tokens');
  s.command('add')
    .description('Add a staff member and print their sign-in token (shown this once)')
    .argument('<id>', 'the staff id, e.g. u-17')
    .requiredOption('--role <role>', 'support, moderator, courier, seller, analyst, engineer, admin, supervisor, …')
    .option('--team <team>', 'their team')
    .option('--station <station>', 'their station (station operators, couriers)')
    .action(async (id: string, o: { role: string; team?: string; station?: string }) => {
      await withApp(cli, async (app) => {
        const m = await app.staff.create({ id, role: o.role, team: o.team, station: o.station }, operator());
        cli.io.out(`id:    ${m.id}`);
        cli.io.out(`role:  ${m.role}`);
        cli.io.out(`token: ${m.token}`);
        cli.io.err('Hand the token to the staff member now: Cloak keeps only its hash.');
      });
    });
  s.command('token')
    .description(
      'Issue a fresh sign-in token for a staff member (shown this once; CLOAK_STAFF_TOKEN_HOURS long): the rotation; their old token stops working at once',
    )
    .argument('<id>', 'the staff id')
    .action(async (id: string) => {
      await withApp(cli, async (app) => {
        const m = await app.staff.newToken(id, operator());
        cli.io.out(`id:      ${m.id}`);
        cli.io.out(`expires: ${m.expiresAt}`);
        cli.io.out(`token:   ${m.token}`);
        cli.io.err('Hand the token to the staff member now: Cloak keeps only its hash.');
      });
    });
  s.command('revoke-token')
    .description(
      'Revoke a staff member\'s sign-in token at once (they stay; "cloak staff token ID" gives them a new one)',
    )
    .argument('<id>', 'the staff id')
    .action(async (id: string) => {
      await withApp(cli, async (app) => {
        await app.staff.revokeToken(id, operator());
        cli.io.out(`revoked the token of ${id}`);
      });
    });
  s.command('list')
    .description('List staff members')
    .action(async () => {
      await withApp(cli, async (app) => {
        const now = new Date().toISOString();
        const token = (m: { tokenRevokedAt?: string | null; tokenExpiresAt?: string | null }) =>
          m.tokenRevokedAt
            ? 'token revoked'
            : !m.tokenExpiresAt || m.tokenExpiresAt <= now
              ? 'token expired'
              : `token until ${m.tokenExpiresAt}`;
        for (const m of await app.staff.list())
          cli.io.out(
            `${m.id.padEnd(16)} ${m.role.padEnd(12)} ${(m.team ?? '-').padEnd(16)} ${m.disabledAt ? 'disabled' : `active  ${token(m)}`}`,
          );
      });
    });
  s.command('disable')
    .description('Disable a staff member: their token stops working at once')
    .argument('<id>', 'the staff id')
    .action(async (id: string) => {
      await withApp(cli, async (app) => {
        await app.staff.disable(id, operator());
        cli.io.out(`disabled ${id}`);
      });
    });
}
