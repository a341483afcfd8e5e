/**
 * The real server as a child process (`node scripts/start.mjs`, as `npm start` runs it) on either database: a
 * PostgreSQL database (DATABASE_URL) or an embedded PGlite data folder (POCKETBOOK_DATA_DIR), in
 * sandbox mode, without the demo seed, on a free port, optionally with sandbox fault injection
 * (POCKETBOOK_FAULTS). Restarting on the same database is spawning again with the same target.
 * The PostgreSQL helpers and the client come from scripts/fault-restart.ts: `DrillClient.login(server)`
 * logs the server's sandbox partner in with the typed client (`pocketbook/client`), which signs every
 * request; `client.api` makes typed calls, `client.at(other.baseUrl)` reaches a restarted server with
 * the same session.
 */
import type { FaultSetting } from '../../src/config.ts';
import { type DrillTarget, type ServerProcess, startServer } from '../../scripts/fault-restart.ts';

/** Where the server keeps its data: one of the two. */
export type DatabaseTarget = DrillTarget;

/** A spawned server (see ServerProcess). */
export type SpawnedServer = ServerProcess;

/** Every process spawned here and not yet exited: `killAllServers` ends them. */
const live = new Set<SpawnedServer>();

// Should the test process end without its `after` hooks (a crash, process.exit), no server outlives it.
process.once('exit', () => {
  for (const server of live) server.child.kill('SIGKILL');
});

/**
 * Spawns the server on `target` and waits until GET /health answers 200; it is killed at the
 * latest by `killAllServers` or when the test process ends.
 * @param faults sandbox crash points (POCKETBOOK_FAULTS), none by default.
 * @param settings more of the server's environment (POCKETBOOK_PGLITE_THREAD=false, say).
 * @throws Error when the process exits or does not answer within the boot limit.
 */
export async function spawnServer(target: DatabaseTarget, faults: readonly FaultSetting[] = [], settings: NodeJS.ProcessEnv = {}): Promise<SpawnedServer> {
  const server = await startServer(target, faults, settings);
  live.add(server);
  void server.exited.then(() => live.delete(server));
  return server;
}

/** Kills every server spawned here that is still running (for `after` hooks). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...live].map((server) => server.kill()));
}
