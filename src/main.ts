import { createServer } from 'node:net';
import { sandboxPartnerBanner } from './banner.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { AppDeps } from './deps.ts';
import { lockDataDir } from './platform/db/data-dir-lock.ts';
import { DatabaseOpenError } from './platform/db/open-error.ts';
import { openDatabase, openingDb } from './platform/db/open.ts';
import { systemClock } from './platform/clock.ts';
import { partnerContext } from './platform/context.ts';
import type { Services } from './services.ts';

/**
 * The composition root: config -> database (opening) -> services -> app -> migrations -> listen.
 * Stops cleanly on SIGINT/SIGTERM (closes the server, then the database).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // The embedded data folder first: a second process on it is told at once who holds it.
  const lock = config.databaseUrl ? undefined : await lockDataDir(config.dataDir, 'pocketbook server');
  // Then the address, before anything is seeded or migrated: a start that cannot listen writes nothing.
  await checkListen(config.host, config.port).catch(async (error: unknown) => {
    await lock?.release();
    throw error;
  });
  // The database opens while the application's modules load and its services and routes are built:
  // the embedded one starts PostgreSQL on a thread of its own (pglite-thread.ts), and statements
  // sent before it is up wait for it (openingDb). PostgreSQL is connected to first: a refusal ends
  // boot at once, and module loading, which blocks the event loop, cannot make its connection
  // attempt time out.
  const opening = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, lock, bootWaitMs: config.databaseWaitMs, thread: config.pgliteThread });
  opening.catch(() => undefined);
  const db = config.databaseUrl ? await opening : openingDb(opening, 'pglite');
  const [{ buildApp }, { createServices }, { prepareMarket }, { migrate, startStatisticsKeeper }] = await Promise.all([
    import('./app.ts'),
    import('./services.ts'),
    import('./modules/market/index.ts'),
    import('./platform/db/index.ts'),
  ]);
  prepareMarket(config.spreadBps);
  const deps: AppDeps = { config, db, wallClock: systemClock };
  // Neither the services nor the routes touch the database while they are built.
  const services = await createServices(deps);
  // Human-readable log lines in a terminal, JSON lines otherwise (a file, a pipe, a log collector).
  const app = await buildApp(deps, services, { logger: true, prettyLogs: process.stdout.isTTY === true });
  await opening;
  await migrate(db);
  // The sandbox partner is found or made now; the check of its password (scrypt) goes on after the
  // start answers (AuthService.ensureSandboxPartner).
  const sandboxPartner = config.mode === 'sandbox' ? services.auth.ensureSandboxPartner() : undefined;
  sandboxPartner?.catch(() => undefined);

  const banner: string[] = [];
  if (sandboxPartner) {
    const partner = await sandboxPartner;
    banner.push(...sandboxPartnerBanner(partner));
    if (partner.created && config.seedDemo) {
      console.log('first start: seeding the sandbox demo (a year of 2024 history on real Treasury rates)...');
      // Loaded only for the demo: a later start, or one without the demo, never pays for them.
      const [{ seedDemo }, { loginClient }] = await Promise.all([import('./seed/demo.ts'), import('./seed/inject-client.ts')]);
      const client = await loginClient(app, partner.id, partner.username, partner.password, partner.sharedSecret);
      // A job worker runs while the demo seeds: the demo's new pockets open through it.
      const seedWorker = services.events.startWorker();
      const demo = await seedDemo(client).finally(() => seedWorker.stop());
      banner.push(
        '',
        `demo seeded (set POCKETBOOK_SEED_DEMO=false to skip): customer ${demo.customerId}`,
        ...demo.pockets.map((pocket) => `  pocket ${pocket.id}  ${pocket.strategy.padEnd(8)} ${pocket.name.padEnd(14)} ${pocket.totalValue}`),
        `  the sandbox clock reads ${demo.clock}; move it with: npx pocketbook clock advance 1`,
      );
    } else if (config.seedDemo) {
      banner.push(...(await demoReminder(services, partner.id)));
    }
  }
  // The job worker and the scheduler start a moment after the server listens (below): their
  // first passes do not hold up its first answers.
  const background: { stop(): Promise<void> }[] = [];
  let backgroundStart: NodeJS.Timeout | undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(backgroundStart);
    app.log.info({ signal }, 'stopping');
    await app.close();
    for (const worker of background) await worker.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
    throw listenFailure(config.host, config.port, error);
  });
  if (config.runWorker) {
    backgroundStart = setTimeout(() => {
      if (stopping) return;
      const statistics = startStatisticsKeeper(db, { intervalMs: config.analyzeIntervalMs, onError: (error) => app.log.warn({ err: error }, 'could not bring planner statistics up to date') });
      background.push(services.events.startWorker(), services.scheduler.start(), statistics);
    }, BACKGROUND_START_DELAY_MS);
  }
  // The banner, in one write, once the server listens.
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const url = `http://${reachableHost(config.host)}:${config.port}`;
  const commandLine = config.mode === 'sandbox' ? ['', `from a terminal (docs/CLI.md): ${url === CLI_DEFAULT_URL ? '' : `POCKETBOOK_URL=${url} `}npx pocketbook clock | fund | events trigger | listen`] : [];
  console.log(['', `pocketbook ${config.mode} listening on ${url} (database: ${where})`, ...banner, ...commandLine, `API reference: ${url}/docs`, ''].join('\n'));
}

/**
 * Milliseconds between the server's first listening and the start of its job worker and scheduler.
 * The embedded database runs one statement at a time, so their first passes (catching up due work)
 * would hold up the first answers: a warm restart answered its first request about 100 ms later
 * on the 2-core machine (docs/PERFORMANCE.md). Due work waits that much longer after a restart.
 */
const BACKGROUND_START_DELAY_MS = 250;

/** Where `pocketbook` looks for the server unless told (POCKETBOOK_URL). */
const CLI_DEFAULT_URL = 'http://127.0.0.1:8000';

/** The host to print in URLs: a wildcard address (0.0.0.0, ::) is reached on this machine as 127.0.0.1. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The banner's lines about the demo on a later start: the customer the first start seeded (the
 * sandbox partner's oldest customer pocket belongs to it), or nothing when there is none.
 */
async function demoReminder(services: Services, partnerId: string): Promise<string[]> {
  const page = { after: undefined, backward: false, limit: DEMO_LOOKUP_POCKETS_MAX };
  const list = await services.pockets.listPockets(partnerContext(partnerId, systemClock.now()), { page, withPortfolio: false });
  const customerId = list.items.find((view) => view.pocket.customerId !== null)?.pocket.customerId;
  if (!customerId) return [];
  return ['', `demo customer ${customerId} (seeded on the first start); its pockets: GET /api/v2/customers/${customerId}/pockets/`];
}

/** Pockets read to find the demo customer: the funding pocket comes first, the demo's next. */
const DEMO_LOOKUP_POCKETS_MAX = 5;

/** The server cannot listen where it was told to; the message names the address and the fix. */
class ListenError extends Error {
  override name = 'ListenError';
}

/** One line for a failed listen on `host:port` (EADDRINUSE, EACCES, EADDRNOTAVAIL, ENOTFOUND). */
function listenFailure(host: string, port: number, error: unknown): ListenError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(`port ${port} on ${host} is already in use: stop the program that listens there (another pocketbook server?), or set PORT to a free port`);
    case 'EACCES':
      return new ListenError(`port ${port} on ${host} needs privileges this user does not have: set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`${host} is not an address of this machine: set HOST to 127.0.0.1, 0.0.0.0 or one of its addresses`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`the host name ${host} does not resolve: set HOST to 127.0.0.1, 0.0.0.0 or one of this machine's addresses`);
    default:
      return new ListenError(`cannot listen on ${host}:${port} (${error instanceof Error ? error.message : String(error)}): check HOST and PORT`);
  }
}

/**
 * Fails unless `host:port` can be listened on now: a probe listens and closes at once.
 * @throws ListenError naming the address and the fix.
 */
async function checkListen(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(listenFailure(host, port, error)));
    probe.listen({ host, port }, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
  } else if (error instanceof DatabaseOpenError || error instanceof ListenError) {
    console.error(`pocketbook cannot start: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
