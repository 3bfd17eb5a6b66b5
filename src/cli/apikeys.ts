import type { Command } from 'commander';
import { withApp, type CliEnv } from './context.ts';
import { operator } from './operator.ts';

/** `--days 30` as a number; anything else is left for the service to refuse by name. */
const days = (v: string | undefined): number | undefined =>
  v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : Number.NaN;

export function apiKeysCommand(program: Command, cli: CliEnv): void {
  const k = program.command('api-keys').description('API keys for the HTTP API (bearer tokens with scopes)');
  k.command('create')
    .description('Create an API key and print its secret (shown this once)')
    .requiredOption('--name <name>', 'who or what uses it, e.g. order-system')
    .option(
      '--scopes <scopes>',
      'comma-separated: platform (create, read, look up), erase, audit (read log entries), telephony (report inbound calls), admin (everything)',
      'platform',
    )
    .option('--days <days>', 'lifetime in days (default and most: CLOAK_API_KEY_DAYS, 90)')
    .action(async (o: { name: string; scopes: string; days?: string }) => {
      await withApp(cli, async (app) => {
        const key = await app.apiKeys.create({
          name: o.name,
          scopes: o.scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          by: operator(),
          days: days(o.days),
        });
        cli.io.out(`id:      ${key.id}`);
        cli.io.out(`scopes:  ${key.scopes.join(', ')}`);
        cli.io.out(`expires: ${key.expiresAt}`);
        cli.io.out(`secret:  ${key.secret}`);
        cli.io.err('Store the secret now: Cloak keeps only its hash.');
      });
    });
  k.command('list')
    .description('List API keys (ids, names, scopes; never secrets)')
    .action(async () => {
      await withApp(cli, async (app) => {
        const now = new Date().toISOString();
        for (const key of await app.apiKeys.list())
          cli.io.out(
            `${key.id}  ${key.scopes.join(',').padEnd(22)} ${key.revokedAt ? 'revoked' : !key.expiresAt || key.expiresAt <= now ? 'expired' : 'active '}  ${(key.expiresAt ?? '-').padEnd(24)}  ${key.name}`,
          );
      });
    });
  k.command('rotate')
    .description(
      'Give an API key a new secret (printed this once) and a new lifetime; the old secret stops working at once',
    )
    .argument('<id>', 'the key id (key_…)')
    .option('--days <days>', 'lifetime in days (default: as long as its current secret was given)')
    .action(async (id: string, o: { days?: string }) => {
      await withApp(cli, async (app) => {
        const key = await app.apiKeys.rotate(id, operator(), { days: days(o.days) });
        cli.io.out(`id:      ${key.id}`);
        cli.io.out(`expires: ${key.expiresAt}`);
        cli.io.out(`secret:  ${key.secret}`);
        cli.io.err('Store the secret now: Cloak keeps only its hash. The old secret no longer works.');
      });
    });
  k.command('revoke')
    .description('Revoke an API key: every request with it is refused from now on')
    .argument('<id>', 'the key id (key_…)')
    .action(async (id: string) => {
      await withApp(cli, async (app) => {
        await app.apiKeys.revoke(id, operator());
        cli.io.out(`revoked ${id}`);
      });
    });
}
