import type { Command } from 'commander';
import { Conflict, InvalidInput } from '../lib/errors.ts';
import { retireKeyVersion, rotateKeyring } from '../lib/keyring.ts';
import { withApp, type CliEnv } from './context.ts';
import { progress } from './output.ts';
import { operator } from './operator.ts';

export function keysCommand(program: Command, cli: CliEnv): void {
  const keys = program
    .command('keys')
    .description('Key-encryption keys: rotate, rewrap data keys, status, retire old versions');

  keys
    .command('rotate')
    .description('Make a new key version that new writes use (a running server picks it up within its rewrap interval)')
    .action(async () => {
      await withApp(cli, async (app) => {
        const v = rotateKeyring({ file: app.config.keyringFile, inline: app.config.keyring });
        await app.audit.append([{ kind: 'key', actor: operator(), result: 'rotated', data: { version: v } }]);
        cli.io.out(
          `key version ${v} is now active; run "cloak keys rewrap" (or let the server do it) to rewrap older data keys`,
        );
      });
    });

  keys
    .command('rewrap')
    .description('Rewrap every data key under the active version (no field value is re-encrypted; safe while serving)')
    .action(async () => {
      await withApp(cli, async (app) => {
        const before = await app.vault.keyStatus();
        const todo = Object.entries(before.dataKeysByVersion).reduce(
          (n, [v, c]) => (Number(v) === before.active ? n : n + c),
          0,
        );
        const bar = progress(cli.io, 'rewrap');
        const r = await app.vault.rewrap({
          onProgress: (done) => bar.update(todo ? done / todo : 1, `${done}/${todo} data keys`),
        });
        bar.stop();
        await app.audit.append([
          {
            kind: 'key',
            actor: operator(),
            result: 'rewrapped',
            data: { version: before.active, rewrapped: r.rewrapped, unreadable: r.unreadable },
          },
        ]);
        cli.io.out(`${r.rewrapped} data key(s) rewrapped under version ${before.active}`);
        if (r.unreadable > 0) {
          cli.io.err(`${r.unreadable} data key(s) are wrapped under a version this keyring lacks`);
          cli.exitCode = 1;
        }
      });
    });

  keys
    .command('status')
    .description('Show the key versions and how many data keys each wraps')
    .action(async () => {
      await withApp(cli, async (app) => {
        const s = await app.vault.keyStatus();
        cli.io.out(`active version: ${s.active}`);
        cli.io.out(`versions in keyring: ${s.versions.join(', ')}`);
        for (const [v, n] of Object.entries(s.dataKeysByVersion)) cli.io.out(`data keys under version ${v}: ${n}`);
        cli.io.out(`live subjects: ${s.subjects}`);
      });
    });

  keys
    .command('retire')
    .description(
      'Delete an old key version from the keyring, once no data key is wrapped under it: key-store backups still holding keys under it become unreadable',
    )
    .argument('<version>', 'the key version to delete')
    .action(async (version: string) => {
      await withApp(cli, async (app) => {
        if (!/^[1-9]\d*$/.test(version))
          throw new InvalidInput(
            `"${version}" is not a key version; versions are whole numbers (see cloak keys status)`,
          );
        const v = Number(version);
        const s = await app.vault.keyStatus();
        const left = s.dataKeysByVersion[String(v)] ?? 0;
        if (left > 0)
          throw new Conflict(`${left} data key(s) are still wrapped under version ${v}; run "cloak keys rewrap" first`);
        retireKeyVersion({ file: app.config.keyringFile, inline: app.config.keyring }, v);
        await app.audit.append([{ kind: 'key', actor: operator(), result: 'retired', data: { version: v } }]);
        cli.io.out(`key version ${v} deleted from the keyring`);
      });
    });
}
