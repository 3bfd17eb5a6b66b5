import type { Command } from 'commander';
import type { CountryCode } from 'libphonenumber-js/max';
import { InvalidInput } from '../lib/errors.ts';
import { withVault, type CliEnv } from './context.ts';
import { progress } from './output.ts';

function parseMap(pairs: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs.flatMap((p) => p.split(','))) {
    const m = /^([a-z][a-z0-9_]*)=(.+)$/.exec(pair.trim());
    if (!m) throw new InvalidInput(`--map takes field=column pairs (e.g. name=full_name,phone=tel); got "${pair}"`);
    map[m[1]!] = m[2]!;
  }
  return map;
}

export function importCommand(program: Command, env: CliEnv): void {
  program
    .command('import')
    .description('Import subjects from a CSV or NDJSON file (streamed, in batches, idempotent on the external id)')
    .argument('<file>', 'the file to import (.csv, .tsv with --delimiter, .ndjson / .jsonl)')
    .option('--format <format>', 'csv or ndjson (default: from the file name)')
    .option(
      '--map <pairs...>',
      'field=column pairs, e.g. name=full_name,phone=tel (default: columns named name, phone, email, address)',
    )
    .option('--id-column <column>', 'column holding the external id (default: external_id, externalId or id)')
    .option('--kind <kind>', 'kind of every subject in the file (default: its kind column, else customer)')
    .option('--delimiter <char>', 'CSV delimiter (use "\\t" for tab)', ',')
    .option('--batch <n>', 'rows per batch (each written whole or not at all)', '1000')
    .option('--strict', 'import nothing if any row is bad (the file is checked first)')
    .addHelpText(
      'after',
      '\nExit codes: 0 all rows imported or already there; 1 some rows are bad (listed with line numbers); 2 the command could not run.',
    )
    .action(
      async (
        file: string,
        o: {
          format?: string;
          map?: string[];
          idColumn?: string;
          kind?: string;
          delimiter: string;
          batch: string;
          strict?: boolean;
        },
      ) => {
        const { describeColumns, importFile } = await import('../vault/import.ts');
        await withVault(env, async (vault, config) => {
          const bar = progress(env.io, 'import');
          const report = await importFile(vault, file, {
            format: o.format as never,
            map: o.map ? parseMap(o.map) : undefined,
            idColumn: o.idColumn,
            kind: o.kind,
            delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter,
            batchSize: Math.max(1, Number.parseInt(o.batch, 10) || 1000),
            strict: o.strict,
            region: config.defaultRegion as CountryCode,
            onProgress: (p) =>
              bar.update(
                p.totalBytes ? p.bytesRead / p.totalBytes : 1,
                `${p.rows} rows${p.phase === 'check' ? ' checked' : ''}`,
              ),
          });
          bar.stop();
          for (const b of report.bad)
            for (const e of b.errors) env.io.err(`line ${b.line}: ${e.path ? `${e.path} ` : ''}${e.problem}`);
          if (report.ignoredColumns.length)
            env.io.err(`ignored columns (not mapped to a field): ${describeColumns(report.ignoredColumns)}`);
          if (!report.imported)
            env.io.out(`strict: ${report.bad.length} bad row(s) of ${report.rows}; nothing imported`);
          else
            env.io.out(
              `${report.rows} rows: ${report.created} created, ${report.existing} already there, ${report.bad.length} bad`,
            );
          env.exitCode = report.bad.length > 0 ? 1 : 0;
        });
      },
    );
}
