import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { AppDeps } from './deps.ts';
import { migrate, openDatabase } from './platform/db/index.ts';
import { systemClock } from './platform/clock.ts';
import { createServices } from './services.ts';

/**
 * The composition root: config -> database -> migrations -> services -> app -> listen.
 * Stops cleanly on SIGINT/SIGTERM (closes the server, then the database).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(db);
  const deps: AppDeps = { config, db, wallClock: systemClock };
  const services = await createServices(deps);
  const app = await buildApp(deps, services, { logger: true });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(`\npocketbook ${config.mode} listening on http://${config.host}:${config.port} (database: ${where})`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
