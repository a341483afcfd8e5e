import { ConfigError, loadConfig } from './config.ts';
import type { AppDeps } from './deps.ts';
import { migrate, openDatabase } from './platform/db/index.ts';
import { systemClock } from './platform/clock.ts';

/**
 * The composition root: config -> database -> migrations -> services -> app -> listen.
 * Stops cleanly on SIGINT/SIGTERM (closes the server, then the database).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // The database opens (the embedded one compiles its WebAssembly off the main thread) while the
  // application's modules load.
  const opening = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  opening.catch(() => undefined);
  const [{ buildApp }, { createServices }, { seedDemo }, { loginClient }] = await Promise.all([
    import('./app.ts'),
    import('./services.ts'),
    import('./seed/demo.ts'),
    import('./seed/inject-client.ts'),
  ]);
  const db = await opening;
  await migrate(db);
  const deps: AppDeps = { config, db, wallClock: systemClock };
  const services = await createServices(deps);
  const app = await buildApp(deps, services, { logger: true });

  const banner: string[] = [];
  if (config.mode === 'sandbox') {
    const partner = await services.auth.ensureSandboxPartner();
    banner.push(
      'sandbox partner credentials:',
      `  username       ${partner.username}`,
      `  password       ${partner.password}`,
      `  shared secret  ${partner.sharedSecret}`,
    );
    if (partner.created && config.seedDemo) {
      console.log('first start: seeding the sandbox demo (a year of 2024 history on real Treasury rates)...');
      const client = await loginClient(app, partner.id, partner.username, partner.password, partner.sharedSecret);
      const demo = await seedDemo(app, client);
      banner.push(
        '',
        `demo seeded (set POCKETBOOK_SEED_DEMO=false to skip): customer ${demo.customerId}`,
        ...demo.pockets.map((pocket) => `  pocket ${pocket.id}  ${pocket.strategy.padEnd(8)} ${pocket.name.padEnd(14)} ${pocket.totalValue}`),
        `  the sandbox clock reads ${demo.clock}; move it with POST /api/v1/sandbox/clock/advance/`,
      );
    }
  }
  const background = config.runWorker ? [services.events.startWorker(), services.scheduler.start()] : [];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    for (const worker of background) await worker.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(`\npocketbook ${config.mode} listening on http://${config.host}:${config.port} (database: ${where})`);
  if (banner.length > 0) console.log(banner.join('\n'));
  console.log(`API reference: http://${config.host}:${config.port}/docs\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
