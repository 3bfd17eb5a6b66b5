import type { Command } from 'commander';
import type { CliEnv } from './context.ts';

export function serveCommand(program: Command, cli: CliEnv): void {
  program
    .command('serve')
    .description('Run the HTTP API (with Swagger UI at /docs) until interrupted')
    .option(
      '--demo',
      'plant demo customers and staff (fake, deterministic), print demo sign-ins, and drive simulated traffic through the API',
    )
    .option('--port <port>', 'TCP port (overrides CLOAK_PORT)')
    .option('--host <host>', 'listen address (overrides CLOAK_HOST)')
    .action(async (o: { demo?: boolean; port?: string; host?: string }) => {
      // The demo's traffic would bury the banner under a line a request: warnings (alerts among them) only, unless asked.
      const quiet = o.demo && !cli.env.CLOAK_LOG_LEVEL ? { logLevel: 'warn' } : {};
      // The demo is the simulator's (src/sim/demo.ts), handed to the start: the API never imports the simulator.
      const [{ createApp }, { startServer }, { loadConfig }, demo] = await Promise.all([
        import('../app.ts'),
        import('../api/start.ts'),
        import('../lib/config.ts'),
        o.demo ? import('../sim/demo.ts').then((m) => m.serveDemo) : undefined,
      ]);
      const app = await createApp(loadConfig(cli.env, { port: o.port, host: o.host, ...quiet }));
      let started;
      try {
        started = await startServer(app, { demo });
      } catch (e) {
        await app.close();
        throw e;
      }
      const where =
        app.store.dialect === 'sqlite' ? `SQLite at ${app.store.location}` : `PostgreSQL at ${app.store.location}`;
      cli.io.out('');
      cli.io.out(`Cloak is running on ${where}`);
      cli.io.out(`  API:  ${started.url}`);
      cli.io.out(`  Docs: ${started.url}/docs`);
      if (started.demoCreated) cli.io.out(`  Demo: ${started.demoCreated} fake customers planted`);
      if (started.firstAdminKey) {
        cli.io.out(`  Admin API key (shown once; Cloak keeps only its hash): ${started.firstAdminKey}`);
        cli.io.out(`  Try:  curl -H "Authorization: Bearer ${started.firstAdminKey}" ${started.url}/v1/keys`);
      }
      if (started.demo) {
        const d = started.demo;
        const agent = d.signIns.find((x) => x.id === 'demo-agent');
        cli.io.out(`  Dashboard: ${started.url}/`);
        for (const x of d.signIns.filter((x) => x.id !== 'demo-agent'))
          cli.io.out(`    sign in as ${x.id.padEnd(17)} (${x.role}) with ${x.token}`);
        cli.io.out('    (demo sign-ins: fresh tokens on every demo start; the old ones stop working)');
        cli.io.out(
          '  Simulated traffic (stations, scanners, couriers, support, and attackers) is running through the API:',
        );
        cli.io.out('    the first alerts reach the Overview within a minute');
        if (agent) {
          cli.io.out(`  Try a reveal as the demo support agent (ticket ${d.ticket} is open for ${d.customer}):`);
          cli.io.out(
            `    curl -H "Authorization: Bearer ${agent.token}" -H "content-type: application/json" -d '{"subject":"${d.customer}","field":"phone","purpose":"ticket_followup","explanation":"${d.ticket}"}' ${started.url}/v1/reveal`,
          );
        }
        cli.io.out(`  The audit log: ${started.url}/log/checkpoint; check it with "cloak audit verify"`);
      } else
        cli.io.out(`  Dashboard: ${started.url}/ (sign in with a staff token: "cloak staff add ID --role analyst")`);
      if (app.firstStart)
        cli.io.out(`  Keys: created ${app.config.keyringFile} (mode 0600); back it up apart from the data`);
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
