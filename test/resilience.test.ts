/**
 * The server survives the database going away (PostgreSQL only: it needs DATABASE_URL). The real
 * server runs as a child process on a scratch database, reached through a small TCP relay that the
 * test can cut, so that a whole outage can be staged without touching the shared PostgreSQL server:
 *   - boot waits for a database that comes up late;
 *   - under signed on-us transfers from concurrent clients (retrying with the same idempotency
 *     key), the pool's connections are terminated again and again: the process stays up, readiness
 *     comes back, every acknowledged transfer exists once, every ledger entry balances;
 *   - during an outage `/health` stays "OK", `/health/ready` is 503 and the API answers 503
 *     `{"detail": "Service Unavailable"}`; when the database is back everything works again.
 * `npm run test:faults` (scripts/fault-restart.ts) restarts the PostgreSQL server itself.
 */
import assert from 'node:assert/strict';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DrillClient,
  type ScratchDatabase,
  type ServerProcess,
  adminQuery,
  attempt,
  createScratchDatabase,
  prepareAccounts,
  runLoad,
  startServer,
  statusSummary,
  verifyDrill,
  waitReady,
} from '../scripts/fault-restart.ts';

const adminUrl = process.env.DATABASE_URL;
const skip = adminUrl
  ? false
  : 'PostgreSQL only: set DATABASE_URL to run the resilience drills (they spawn a server on a scratch database)';

/** A TCP relay to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class Relay {
  #up = true;
  #refusedLeft = Number.POSITIVE_INFINITY;
  readonly #pairs = new Set<Socket>();
  readonly #server: Server;

  constructor(target: { host: string; port: number }) {
    this.#server = createServer((inbound) => {
      inbound.on('error', () => inbound.destroy());
      if (!this.#up) {
        if (this.#refusedLeft > 0) {
          this.#refusedLeft--;
          return void inbound.destroy();
        }
        this.#up = true;
      }
      const outbound = connect(target.port, target.host);
      outbound.on('error', () => outbound.destroy());
      for (const [from, to] of [[inbound, outbound], [outbound, inbound]] as const) {
        this.#pairs.add(from);
        from.on('close', () => {
          this.#pairs.delete(from);
          to.destroy();
        });
        from.pipe(to);
      }
    });
  }

  /** Listens on a free port of 127.0.0.1. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    assert.ok(typeof address === 'object' && address);
    return address.port;
  }

  /** Drops the next `count` connection attempts, then lets connections through again. */
  restoreAfterRefused(count: number): void {
    this.#refusedLeft = count;
  }

  /** The database goes away: open connections are cut, new ones dropped at once. */
  cut(): void {
    this.#up = false;
    this.#refusedLeft = Number.POSITIVE_INFINITY;
    for (const socket of this.#pairs) socket.destroy();
  }

  restore(): void {
    this.#up = true;
    this.#refusedLeft = Number.POSITIVE_INFINITY;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('resilience: the server survives the database going away', { skip }, () => {
  let database: ScratchDatabase;
  let relay: Relay;
  let server: ServerProcess;
  let client: DrillClient;
  let pockets: [string, string];

  before(async () => {
    assert.ok(adminUrl);
    database = await createScratchDatabase(adminUrl, 'pocketbook_resilience');
    const direct = new URL(database.url);
    relay = new Relay({ host: direct.hostname, port: Number.parseInt(direct.port || '5432', 10) });
    const relayed = new URL(database.url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(await relay.listen());
    // The database is away when the server starts, and lets it in at its third attempt: boot waits.
    relay.cut();
    relay.restoreAfterRefused(2);
    server = await startServer(relayed.toString());
    client = await DrillClient.login(server);
    ({ pockets } = await prepareAccounts(client));
  });

  after(async () => {
    await server?.stop();
    await relay?.close();
    await database?.drop();
  });

  test('boot waits for a database that comes up late', () => {
    assert.match(server.output(), /waiting up to \d+ ms for the server/);
  });

  test('terminated pool connections under load: up, ready again, every acknowledged transfer once, ledger balanced', async (t) => {
    const terminate = async () => {
      let terminated = 0;
      for (let round = 0; round < 3; round++) {
        await sleep(round === 0 ? 500 : 700);
        const rows = await adminQuery(
          database.url,
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database.name],
        );
        terminated += rows.length;
      }
      return terminated;
    };
    const [load, terminated] = await Promise.all([runLoad(client, pockets, { clients: 4, durationMs: 2_500, graceMs: 2_000 }), terminate()]);
    t.diagnostic(`${load.acknowledged.length} acknowledged, ${load.unacknowledged.length} given up, ${load.retries} retries, statuses ${statusSummary(load.statuses)}, ${terminated} backends terminated`);
    assert.ok(terminated > 0, 'the drill terminated some of the server connections');
    const { problems } = await verifyDrill(server, client, database, pockets, load, 5_000);
    assert.deepEqual(problems, [], `statuses ${statusSummary(load.statuses)}, ${load.retries} retries`);
    assert.ok(load.acknowledged.length > 0, `some transfers were acknowledged (statuses ${statusSummary(load.statuses)})`);
  });

  test('during an outage: /health "OK", /health/ready 503, the API 503 {detail: "Service Unavailable"}; then back', async (t) => {
    relay.cut();
    try {
      const health = await fetch(`${server.baseUrl}/health`);
      assert.equal(health.status, 200);
      assert.equal(await health.json(), 'OK');

      const ready = await fetch(`${server.baseUrl}/health/ready`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'unavailable', database: 'down' });

      const pocket = await attempt(() => client.api.GET('/api/v2/pockets/{pocket_id}/', { params: { path: { pocket_id: pockets[0] } } }));
      assert.equal(pocket.status, 503);
      assert.deepEqual(pocket.body, { detail: 'Service Unavailable' });
      const transfer = await attempt(() =>
        client.api.POST('/api/v1/transfers/on-us', {
          body: {
            type: 'INTERNAL_REALLOCATION',
            from_account: { id: pockets[0], type: 'JIKO_ACCOUNT' },
            to_account: { id: pockets[1], type: 'JIKO_ACCOUNT' },
            amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 100 },
          },
        }),
      );
      assert.equal(transfer.status, 503);
      assert.deepEqual(transfer.body, { detail: 'Service Unavailable' });
      // Long enough for the background loops to fail a pass or two.
      await sleep(1_100);
      assert.ok(server.alive(), 'the server is up during the outage');
    } finally {
      relay.restore();
    }

    const waitedMs = await waitReady(server.baseUrl, 5_000);
    assert.ok(waitedMs !== undefined, '/health/ready is 200 again once the database is back');
    const ready = await fetch(`${server.baseUrl}/health/ready`);
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'up' });
    const { problems } = await verifyDrill(server, client, database, pockets, { acknowledged: [], unacknowledged: [], statuses: new Map(), retries: 0 }, 5_000);
    assert.deepEqual(problems, []);
    const notes = server.output().split('\n').filter((line) => /^(postgres|scheduler)/.test(line));
    t.diagnostic(`server notes: ${notes.length > 0 ? notes.join(' | ') : 'none'}`);
  });
});
