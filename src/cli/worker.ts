/**
 * `pocketbook worker [--once]`: runs the background work without the HTTP server: the job queue
 * (webhook delivery is one of its kinds) and each tenant's due business-day work (maturities,
 * investing, end-of-day values). On PostgreSQL (DATABASE_URL) any number of worker processes, and
 * servers running their own worker, share the work safely (both claim with FOR UPDATE SKIP
 * LOCKED). `--once` runs the jobs due now (until none is left) and exits.
 */
import { loadCliConfig } from './config.ts';
import type { AppDeps } from '../deps.ts';
import { systemClock } from '../platform/clock.ts';
import { migrate, openDatabase, startStatisticsKeeper } from '../platform/db/index.ts';
import { createServices } from '../services.ts';

/** Runs the worker (see above) until SIGINT/SIGTERM, or once with `once`; returns the exit code. */
export async function workerCommand(options: { readonly once?: boolean }): Promise<number> {
  const once = options.once ?? false;
  const config = loadCliConfig();
  if (!config) return 2;
  // PGlite is a single-process database: the embedded data folder is locked for the worker, so beside
  // a server on the same folder it stops at once, naming the server.
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, holder: 'pocketbook worker', bootWaitMs: config.databaseWaitMs });
  try {
    await migrate(db);
    const deps: AppDeps = { config, db, wallClock: systemClock };
    const { events, scheduler } = await createServices(deps);
    if (once) {
      let total = 0;
      for (let handled = await events.runOnce(); handled > 0; handled = await events.runOnce()) total += handled;
      process.stdout.write(`ran ${total} due jobs (webhook deliveries among them)\n`);
      return 0;
    }
    const statistics = startStatisticsKeeper(db, {
      intervalMs: config.analyzeIntervalMs,
      onError: (error) => process.stderr.write(`could not bring planner statistics up to date: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const workers = [events.startWorker(), scheduler.start(), statistics];
    process.stdout.write(`pocketbook worker running (job queue polled every ${config.webhooks.pollIntervalMs} ms when idle, due work per tenant); stop with Ctrl-C\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    for (const worker of workers) await worker.stop();
    return 0;
  } finally {
    await db.close();
  }
}
