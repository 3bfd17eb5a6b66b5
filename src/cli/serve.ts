import type { Command } from 'commander';
import { createApp } from '../app.ts';
import { startServer } from '../api/start.ts';
import { loadConfig } from '../lib/config.ts';
import type { CliEnv } from './context.ts';

export function serveCommand(program: Command, cli: CliEnv): void {
  program
    .command('serve')
    .description('Run the HTTP API (with Swagger UI at /docs) until interrupted')
    .option('--demo', 'plant demo customers (fake, deterministic) on start')
    .option('--port <port>', 'TCP port (overrides CLOAK_PORT)')
    .option('--host <host>', 'listen address (overrides CLOAK_HOST)')
    .action(async (o: { demo?: boolean; port?: string; host?: string }) => {
      const app = await createApp(loadConfig(cli.env, { port: o.port, host: o.host }));
      let started;
      try {
        started = await startServer(app, { demo: o.demo });
      } catch (e) {
        await app.close();
        throw e;
      }
      const where = app.store.dialect === 'sqlite' ? `SQLite at ${app.store.location}` : `PostgreSQL at ${app.store.location}`;
      cli.io.out('');
      cli.io.out(`Cloak is running on ${where}`);
      cli.io.out(`  API:  ${started.url}`);
      cli.io.out(`  Docs: ${started.url}/docs`);
      if (started.demoCreated) cli.io.out(`  Demo: ${started.demoCreated} fake customers planted`);
      if (started.firstAdminKey) {
        cli.io.out(`  Admin API key (shown once; Cloak keeps only its hash): ${started.firstAdminKey}`);
        cli.io.out(`  Try:  curl -H "Authorization: Bearer ${started.firstAdminKey}" ${started.url}/v1/keys`);
      }
      if (started.demoAgent) {
        cli.io.out(`  Demo support agent (token shown once): ${started.demoAgent.agentToken}`);
        cli.io.out(`  Try a reveal (ticket ${started.demoAgent.ticket} is open for ${started.demoAgent.customer}):`);
        cli.io.out(
          `    curl -H "Authorization: Bearer ${started.demoAgent.agentToken}" -H "content-type: application/json" -d '{"subject":"${started.demoAgent.customer}","field":"phone","purpose":"ticket_followup","explanation":"${started.demoAgent.ticket}"}' ${started.url}/v1/reveal`,
        );
        cli.io.out(`  The audit log: ${started.url}/log/checkpoint; check it with "cloak audit verify"`);
      }
      if (app.firstStart) cli.io.out(`  Keys: created ${app.config.keyringFile} (mode 0600); back it up apart from the data`);
      cli.io.out('');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await started.close();
      await app.close();
    });
}
