import type { Command } from 'commander';
import { wholeNumber } from './args.ts';
import { InvalidInput } from '../lib/errors.ts';
import { withApp, type CliEnv } from './context.ts';
import { operator } from './operator.ts';

const b64 = (h: Buffer) => h.toString('base64');

export function auditCommand(program: Command, cli: CliEnv): void {
  const a = program.command('audit').description('The tamper-evident audit log: verify it, its checkpoints, proofs');
  a.command('verify')
    .description(
      'Recompute the whole tree from storage, check every checkpoint signature and each checkpoint against the next; name the first bad entry (exit 1 if any)',
    )
    .option('--key <vkey>', "the log's verifier key, as published (default: derived from this keyring)")
    .option('--json', 'print the report as JSON')
    .action(async (o: { key?: string; json?: boolean }) => {
      // The log alone: no service is built and no background work starts (and none is loaded).
      const [{ parseVerifierKey }, { verifyLog }, { openAuditAlone }, { loadConfig }] = await Promise.all([
        import('../audit/note.ts'),
        import('../audit/verify.ts'),
        import('../app.base.ts'),
        import('../lib/config.ts'),
      ]);
      const log = await openAuditAlone(loadConfig({ CLOAK_LOG_LEVEL: 'warn', ...cli.env }));
      try {
        let verifier;
        try {
          verifier = parseVerifierKey(o.key ?? log.verifierKey);
        } catch {
          throw new InvalidInput('--key is not a verifier key (name+id+base64 key, as GET /log/key prints it)');
        }
        const r = await verifyLog(log.repo, verifier);
        if (o.json) cli.io.out(JSON.stringify(r));
        else {
          cli.io.out(
            `audit log ${verifier.name}: ${r.entries} entries, ${r.checkpoints} signed checkpoints${r.latest !== undefined ? ` (latest at size ${r.latest})` : ''}`,
          );
          if (r.ok)
            cli.io.out('OK: every entry is in place, every checkpoint is validly signed and consistent with the next');
          else {
            const first = r.problems[0]!;
            cli.io.out(
              `TAMPERED: ${first.index !== undefined ? `first bad entry ${first.index}: ` : ''}${first.reason}`,
            );
            for (const p of r.problems.slice(1)) cli.io.out(`  also: ${p.reason}`);
          }
        }
        if (!r.ok) cli.exitCode = 1;
      } finally {
        await log.close();
      }
    });
  a.command('checkpoint')
    .description('Print the latest signed checkpoint (signing one first if the log grew)')
    .action(async () => {
      await withApp(cli, async (app) => {
        cli.io.out((await app.audit.latest()).note.trimEnd());
      });
    });
  a.command('key')
    .description("Print the verifier key of the log's checkpoints (give it to witnesses and verifiers)")
    .action(async () => {
      await withApp(cli, async (app) => cli.io.out(app.audit.verifierKey));
    });
  a.command('inclusion')
    .description('Print the inclusion proof of an entry (JSON)')
    .argument('<index>', 'the entry index')
    .option('--size <size>', 'the tree size (default: the latest checkpoint)')
    .action(async (index: string, o: { size?: string }) => {
      await withApp(cli, async (app) => {
        const p = await app.audit.inclusion(
          wholeNumber('index', index),
          o.size === undefined ? undefined : wholeNumber('--size', o.size),
        );
        cli.io.out(JSON.stringify({ index: p.index, size: p.size, entry: b64(p.entry), proof: p.proof.map(b64) }));
      });
    });
  a.command('consistency')
    .description('Print the consistency proof between two sizes of the log (JSON)')
    .argument('<from>', 'the older size')
    .argument('<to>', 'the newer size')
    .action(async (from: string, to: string) => {
      await withApp(cli, async (app) => {
        const p = await app.audit.consistency(wholeNumber('from', from), wholeNumber('to', to));
        cli.io.out(JSON.stringify({ from: p.from, to: p.to, proof: p.proof.map(b64) }));
      });
    });

  const p = program.command('policies').description('The Cedar policies that decide reveals and exports');
  p.command('check')
    .description('Parse and validate a policy folder against its schema without loading it (exit 1 if broken)')
    .argument('[dir]', 'the folder (default: CLOAK_POLICIES_DIR or the shipped policies)')
    .action(async (dir: string | undefined) => {
      const [{ loadConfig }, { createPolicyService }, { createLogger }] = await Promise.all([
        import('../lib/config.ts'),
        import('../access/policy.service.ts'),
        import('../lib/log.ts'),
      ]);
      const config = loadConfig({ CLOAK_LOG_LEVEL: 'silent', ...cli.env });
      try {
        const s = createPolicyService({ dir: dir ?? config.policiesDir, log: createLogger('silent') });
        cli.io.out(`OK: ${s.info().policies.length} policies (${s.info().policies.join(', ')})`);
      } catch (e) {
        if (!(e instanceof InvalidInput)) throw e;
        cli.io.out('BROKEN: the policies would be refused');
        for (const d of e.details) cli.io.out(`  ${d.path}: ${d.problem}`);
        cli.exitCode = 1;
      }
    });
  p.command('show')
    .description('Show the policies a start would load')
    .action(async () => {
      await withApp(cli, async (app) => {
        const i = app.policy.info();
        cli.io.out(`hash ${i.hash}`);
        for (const id of i.policies) cli.io.out(`  ${id}`);
      });
    });
}
