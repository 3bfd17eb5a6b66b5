import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidInput } from '../lib/errors.ts';
import { withApp, type CliEnv } from './context.ts';

export function labelCommand(program: Command, cli: CliEnv): void {
  program
    .command('label')
    .description('Render the privacy waybill of a parcel (masks only) as ZPL, PDF or PNG, 100 × 150 mm')
    .argument('<tracking>', 'the tracking number, e.g. CK473126555VN')
    .option('--format <format>', 'zpl, pdf or png', 'pdf')
    .option('--out <file>', 'write to this file (default: <tracking>.<format>; "-" for standard output)')
    .action(async (tracking: string, o: { format: string; out?: string }) => {
      if (!['zpl', 'pdf', 'png'].includes(o.format))
        throw new InvalidInput(`--format must be zpl, pdf or png, not "${o.format}"`);
      await withApp(cli, async (app) => {
        const model = await app.waybill.label(tracking, { actor: 'cli:label' });
        const { labelPdf, labelPng, labelZpl } = await import('../waybill/label.ts');
        const data =
          o.format === 'zpl'
            ? Buffer.from(labelZpl(model))
            : o.format === 'png'
              ? labelPng(model)
              : await labelPdf(model);
        if (o.out === '-') process.stdout.write(data);
        else {
          const file = o.out ?? `${tracking}.${o.format}`;
          writeFileSync(file, data);
          cli.io.out(`wrote ${file} (${data.length} bytes)`);
        }
      });
    });
}
