import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import { wholeNumber } from './args.ts';
import { InvalidInput } from '../lib/errors.ts';
import type { Evaluation } from '../sim/evaluate.ts';
import { ATTACK_FAMILIES, GENERATORS, type AttackFamily, type Generator } from '../sim/world.ts';
import { withApp, type CliEnv } from './context.ts';
import { progress } from './output.ts';

/** `1..10`, `3,5,8` or `7`. */
export function parseSeeds(v: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(v);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a || b - a > 1000) throw new InvalidInput(`--seeds ${v}: give a range like 1..10 (at most 1000 seeds)`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (/^\d+(,\d+)*$/.test(v)) return v.split(',').map(Number);
  throw new InvalidInput(`--seeds must be a range like 1..10 or a list like 1,2,3, not "${v}"`);
}

export function detectCommands(program: Command, cli: CliEnv): void {
  program
    .command('simulate')
    .description(
      'Write a simulated world (stations, scanners, couriers, customers, support, moderation, exports, with attacks planted) as replay events, and its ground truth apart',
    )
    .option('--days <n>', 'simulated days', '4')
    .option('--stations <n>', 'delivery stations', '8')
    .option('--seed <n>', 'the same seed gives the same world', '1')
    .option(
      '--attacks <families>',
      `comma-separated, from ${ATTACK_FAMILIES.join(', ')} (default: all; "none" for none)`,
    )
    .option('--out <file>', 'where the events go (NDJSON), or - for standard output')
    .option('--truth <file>', 'where the ground truth goes (default: <out>.truth.json)')
    .option('--live <url>', 'instead of a file, drive the Cloak at this URL through its API')
    .option('--key <apiKey>', 'with --live: an admin API key of that Cloak (or CLOAK_ADMIN_KEY)')
    .option('--rate <n>', 'with --live: events a second (0: as fast as it answers)', '200')
    .option('--parcels <n>', 'parcels a station receives on an ordinary day', '250')
    .action(
      async (o: {
        days: string;
        stations: string;
        seed: string;
        attacks?: string;
        out?: string;
        truth?: string;
        live?: string;
        key?: string;
        rate: string;
        parcels: string;
      }) => {
        if (!o.out && !o.live) throw new InvalidInput('give --out FILE (or - for standard output), or --live URL');
        const attacks =
          o.attacks === undefined ? undefined : o.attacks === 'none' ? [] : o.attacks.split(',').map((a) => a.trim());
        const unknown = (attacks ?? []).filter((a) => !(ATTACK_FAMILIES as readonly string[]).includes(a));
        if (unknown.length)
          throw new InvalidInput(
            `unknown attack famil${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}; choose from ${ATTACK_FAMILIES.join(', ')}`,
          );
        const { simulateWorld } = await import('../sim/world.ts');
        const w = simulateWorld({
          days: wholeNumber('--days', o.days, 1),
          stations: wholeNumber('--stations', o.stations, 1),
          seed: wholeNumber('--seed', o.seed, 0),
          parcelsPerStation: wholeNumber('--parcels', o.parcels, 1),
          ...(attacks ? { attacks: attacks as AttackFamily[] } : {}),
        });
        if (o.live) {
          const key = o.key ?? cli.env.CLOAK_ADMIN_KEY;
          if (!key) throw new InvalidInput('--live needs an admin API key: --key ck_… or CLOAK_ADMIN_KEY');
          if (!/^https?:\/\/\S+$/.test(o.live))
            throw new InvalidInput(
              `--live must be the URL of a running Cloak, e.g. http://127.0.0.1:8080, not "${o.live}"`,
            );
          const bar = progress(cli.io, 'simulate');
          const { driveLive } = await import('../sim/live.ts');
          const r = await driveLive(w.events, {
            url: o.live,
            adminKey: key,
            rate: Number(o.rate),
            seed: Number(o.seed),
            onProgress: (d, t) => bar.update(d / t, `${d}/${t} events`),
          });
          bar.stop();
          cli.io.out(
            `${r.sent} events sent to ${o.live}, ${r.skipped} skipped; answers: ${Object.entries(r.byStatus)
              .sort()
              .map(([k, n]) => `${k}: ${n}`)
              .join(', ')}`,
          );
          if (o.truth)
            writeFileSync(o.truth, `${JSON.stringify({ seed: Number(o.seed), attackers: w.truth }, null, 2)}\n`);
          return;
        }
        const outFile = o.out!;
        const out = outFile === '-' ? process.stdout : createWriteStream(outFile);
        for (const e of w.events) if (!out.write(`${JSON.stringify(e)}\n`)) await once(out, 'drain');
        if (out !== process.stdout) {
          out.end();
          await once(out, 'close');
        }
        const truthFile = o.truth ?? (outFile === '-' ? undefined : `${outFile}.truth.json`);
        if (truthFile)
          writeFileSync(truthFile, `${JSON.stringify({ seed: Number(o.seed), attackers: w.truth }, null, 2)}\n`);
        cli.io.err(
          `${w.events.length} events, ${w.truth.length} attackers${truthFile ? ` (ground truth in ${truthFile})` : ''}`,
        );
      },
    );

  program
    .command('replay')
    .description(
      'Run the detection over a file of events (docs/contracts/replay-events.md) in time order and write its alerts as NDJSON',
    )
    .argument('<file>', 'NDJSON events, in any order, or - for standard input')
    .option('--alerts <file>', 'where the alerts go (default: standard output)')
    .option('--strict', 'stop at the first bad line, before anything is ingested')
    .action(async (file: string, o: { alerts?: string; strict?: boolean }) => {
      const input = file === '-' ? process.stdin : createReadStream(file);
      const opened = file === '-' ? Promise.resolve() : once(input, 'open').then(() => undefined);
      await opened.catch((e: NodeJS.ErrnoException) => {
        throw new InvalidInput(`cannot read ${file} (${e.code ?? 'error'})`);
      });
      const out = o.alerts ? createWriteStream(o.alerts) : process.stdout;
      const pending: string[] = [];
      const { replay } = await import('../detect/replay.ts');
      const summary = await replay(input, {
        strict: o.strict,
        onBadLine: (b) =>
          cli.io.err(`line ${b.line}: ${b.reason}${o.strict ? ' (--strict: stopped, nothing ingested)' : ', skipped'}`),
        onAlert: (a) => pending.push(JSON.stringify(a)),
      });
      for (const l of pending) if (!out.write(`${l}\n`)) await once(out, 'drain');
      if (out !== process.stdout) {
        out.end();
        await once(out, 'close');
      }
      cli.io.err(
        `${summary.lines} lines, ${summary.events} events replayed, ${summary.bad} bad line(s) ${o.strict && summary.bad ? 'stopped the run' : 'skipped'}, ${summary.alerts} alert(s)`,
      );
      if (summary.bad > 0) cli.exitCode = 1;
    });

  program
    .command('evaluate')
    .description(
      'Simulate worlds with any generator (or all three), replay them through the detection, and score it against the ground truth, per attack family',
    )
    .option('--generator <g>', `which world generator: ${GENERATORS.join(', ')}, both (first and second) or all`, 'all')
    .option('--seeds <seeds>', 'a range like 1..10 or a list like 1,2,3', '1..10')
    .option('--days <n>', 'simulated days per world', '4')
    .option('--stations <n>', 'delivery stations per world', '8')
    .option(
      '--gates',
      'also print the response gates these worlds measure (rule → lowest score at precision ≥ 0.95), as JSON',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (o: {
        generator: string;
        seeds: string;
        days: string;
        stations: string;
        gates?: boolean;
        json?: boolean;
      }) => {
        const gens =
          o.generator === 'all' ? [...GENERATORS] : o.generator === 'both' ? ['first', 'second'] : [o.generator];
        const unknown = gens.filter((g) => !(GENERATORS as readonly string[]).includes(g));
        if (unknown.length)
          throw new InvalidInput(`--generator must be ${GENERATORS.join(', ')}, both or all, not "${o.generator}"`);
        const size = { days: wholeNumber('--days', o.days, 1), stations: wholeNumber('--stations', o.stations, 1) };
        const seeds = parseSeeds(o.seeds);
        const { evaluate, measureGates } = await import('../sim/evaluate.ts');
        const results = gens.map((g) => evaluate(g as Generator, seeds, size));
        if (o.json) return cli.io.out(JSON.stringify(results.length === 1 ? results[0] : results));
        for (const r of results) printEvaluation(cli, r, o.seeds);
        if (o.gates) cli.io.out(`gates: ${JSON.stringify(measureGates(results))}`);
      },
    );
}

function printEvaluation(cli: CliEnv, r: Evaluation, seeds: string): void {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  cli.io.out(`generator ${r.generator}, seeds ${seeds}: ${r.events} events, ${r.alertedActors} actors alerted`);
  cli.io.out(
    'family                      attackers  detected  recall  median minutes to detect  variants (detected/attackers)',
  );
  for (const f of r.families)
    cli.io.out(
      `${f.family.padEnd(27)} ${String(f.attackers).padStart(9)} ${String(f.detected).padStart(9)} ${f.recall.toFixed(2).padStart(7)}  ${(f.medianMinutesToDetect === null ? '-' : f.medianMinutesToDetect.toFixed(1)).padStart(24)}  ${Object.entries(
        f.byVariant,
      )
        .map(([v, x]) => `${v} ${x.detected}/${x.attackers}`)
        .join(', ')}`,
    );
  cli.io.out(
    `actor precision: ${r.actorPrecision.toFixed(3)} (${r.falseActors.length} benign actor(s) alerted${r.falseActors.length ? `: ${r.falseActors.slice(0, 10).join(', ')}` : ''})`,
  );
  cli.io.out(
    `median minutes to detect, all families: ${r.medianMinutesToDetect === null ? '-' : r.medianMinutesToDetect.toFixed(1)}`,
  );
  cli.io.out(`benign accesses explained: ${pct(r.benignExplained)} of ${r.benignAccesses}`);
  cli.io.out(`alerts per analyst-day: ${r.alertsPerAnalystDay.toFixed(1)}`);
  cli.io.out(
    `automatic responses would reach ${pct(r.benignResponded)} of ${r.benignActors} benign actors${r.respondedBenign.length ? ` (${r.respondedBenign.slice(0, 5).join(', ')})` : ''}`,
  );
}

/** `cloak trace FILE`: which customers a leaked file holds, the data exposed, canaries, and its likely sources. */
export function traceCommand(program: Command, cli: CliEnv): void {
  program
    .command('trace')
    .description(
      'Read a leaked file (CSV/TSV any delimiter, NDJSON, JSON, SQL dump, XLSX; UTF-8, UTF-16 or GB18030), find its phone, e-mail, name, address and tracking-number columns, and match them against the vault by blind index (nothing is decrypted; the file is only read)',
    )
    .argument('<file>', 'the leaked file')
    .option('--json', 'print the report as JSON')
    .option('--html <out>', 'also write the report as a readable HTML page to <out>')
    .action(async (file: string, o: { json?: boolean; html?: string }) => {
      await withApp(cli, async (app) => {
        const bar = progress(cli.io, 'trace');
        const r = await app.tracer.trace(file, {
          actor: 'operator:cli',
          onProgress: (f, rows) => bar.update(f, `${rows} rows`),
        });
        bar.stop();
        if (o.html) {
          const hash = createHash('sha256');
          await pipeline(createReadStream(file), hash);
          const sha256 = hash.digest('hex');
          const { renderTraceHtml } = await import('../leaks/report.html.ts');
          writeFileSync(
            o.html,
            renderTraceHtml(r, { name: basename(file), sha256, tracedAt: app.clock.now().toISOString() }),
            { mode: 0o600 },
          );
        }
        if (o.json) return cli.io.out(JSON.stringify(r));
        cli.io.out(
          `${file}: ${r.file.format}${r.file.delimiter ? ` (${JSON.stringify(r.file.delimiter)})` : ''}, ${r.file.encoding}, ${r.rowsRead} rows read, ${r.rowsSkipped} unreadable`,
        );
        cli.io.out(
          `columns: ${r.columns.map((c) => `${c.header ?? `#${c.index + 1}`} = ${c.category}`).join(', ') || 'none recognised'}`,
        );
        cli.io.out(
          `rows matching customers: ${r.rowsMatched} (${
            Object.entries(r.matchedBy)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ') || 'none'
          })`,
        );
        cli.io.out(`affected customers: ${r.affected.length}`);
        cli.io.out(
          `data categories exposed: ${
            Object.entries(r.categories)
              .map(([k, n]) => `${k} (${n})`)
              .join(', ') || 'none'
          }`,
        );
        cli.io.out(r.sources.length ? 'likely sources, best first:' : 'no recorded access covers this set');
        for (const [i, x] of r.sources.entries())
          cli.io.out(
            `  ${i + 1}. ${x.kind} ${x.id}: score ${x.score} (coverage ${x.coverage}, precision ${x.precision}); ${x.evidence}`,
          );
        if (r.canaryHits.length) cli.io.out(`canaries in the file: ${r.canaryHits.map((c) => c.channel).join(', ')}`);
        if (o.html) cli.io.out(`HTML report: ${o.html}`);
      });
    });
}
