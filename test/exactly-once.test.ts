/**
 * Exactly-once under crashes, against the real server process (`node scripts/start.mjs` as `npm start` runs it,
 * sandbox mode, no demo seed) as a Jiko client meets it: signed on-us transfers over HTTP, retried
 * with the same idempotency key and body. On a scratch PostgreSQL database when DATABASE_URL is
 * set, else on a PGlite data folder (a copy of the migrated test template).
 *   1. A request armed with `x-pocketbook-fault: after-commit` (servers started with
 *      POCKETBOOK_FAULTS=by-header) kills the server after the transfer commits, before the
 *      response: the retry on a restarted server is the replay (201, `idempotent-replayed: true`,
 *      the committed transfer's id), and the money moved once.
 *   2. `x-pocketbook-fault: before-commit` kills it inside the transaction: nothing of the attempt is
 *      left (no transfer, no idempotency record), and the retry runs at once (201, not replayed).
 *   3. Two identical requests with one key at the same moment: one transfer; the other answer is a
 *      409 or the replay. On PostgreSQL also across two server processes on one database (then the
 *      database, not the process's in-flight map, must keep them apart).
 *   4. A repeated `transfer_id` with a fresh key: a different body is a 422 with nothing moved; the
 *      same body returns the existing transfer.
 * Transfers that the idempotency key alone must keep single carry no `transfer_id` (the unique
 * transfer_id would otherwise hide a second run); each request has its own `description`, by which
 * the SQL checks find its rows. Those run where the database can be read: at once on PostgreSQL; on
 * PGlite (one process owns a data folder) on a copy of the folder taken right after each crash,
 * before the next server starts on it, and at the end, after the last server stopped. Money moved
 * is checked twice: exactly in SQL (ledger entries, bank transactions) and through the API (the
 * pockets' values, within a rounding cent of the bills' marks).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import type { FaultPoint } from '../src/config.ts';
import { openPglite } from '../src/platform/db/index.ts';
import { DrillClient, type HttpAnswer, type ScratchDatabase, adminQuery, createScratchDatabase, prepareAccounts } from '../scripts/fault-restart.ts';
import { ensurePgliteTemplate, scratchFolder } from './support/db.ts';
import { type DatabaseTarget, type SpawnedServer, killAllServers, spawnServer } from './support/server-process.ts';

const adminUrl = process.env.DATABASE_URL;
const DATABASE_LABEL = adminUrl ? 'PostgreSQL' : 'PGlite';
const TRANSFER_PATH = '/api/v1/transfers/on-us/';
/** How long a server with a fault point may take to die once the request reached it. */
const CRASH_MS_MAX = 10_000;
/** The retry after a crash before commit must be answered within this (no waiting on a dead lock). */
const RETRY_AFTER_CRASH_MS_MAX = 5_000;
/** How far a pocket's value may be off the amount moved, per transfer, in cents (bills at their mark). */
const MARK_CENTS_TOLERANCE = 2;
/** Rounds of concurrent duplicates (each a fresh key). */
const DUPLICATE_ROUNDS = 3;

/** What can be asked of the database in SQL (counts come back as JavaScript numbers: cast to int). */
interface Inspector {
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** The scratch database of this file, on either driver. */
interface TestDatabase {
  readonly target: DatabaseTarget;
  /**
   * What the database holds at this instant. PostgreSQL: the database itself, any time. PGlite: a
   * copy of the data folder, made before this returns (so a server may start on the folder while
   * the copy opens) and opened in this process as the next server would find the folder: call it
   * only while no server runs.
   */
  inspect(): Promise<Inspector>;
  remove(): Promise<void>;
}

async function scratchPostgres(url: string): Promise<TestDatabase> {
  const database: ScratchDatabase = await createScratchDatabase(url, 'pocketbook_exactly_once');
  return {
    target: { databaseUrl: database.url },
    async inspect() {
      return { query: <Row>(sql: string, params: readonly unknown[] = []) => adminQuery(database.url, sql, [...params]) as Promise<Row[]>, close: async () => undefined };
    },
    remove: () => database.drop(),
  };
}

async function scratchPglite(): Promise<TestDatabase> {
  const template = await ensurePgliteTemplate();
  const root = scratchFolder('pocketbook-exactly-once-');
  const dataDir = join(root, 'data');
  cpSync(template, dataDir, { recursive: true });
  let copies = 0;
  return {
    target: { dataDir },
    inspect() {
      const copy = join(root, `inspect-${++copies}`);
      cpSync(dataDir, copy, { recursive: true });
      return openPglite(copy).then((db) => ({
        query: <Row>(sql: string, params: readonly unknown[] = []) => db.query<Row>(sql, params),
        async close() {
          await db.close();
          rmSync(copy, { recursive: true, force: true });
        },
      }));
    },
    async remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The rows one request left, found by its unique description. */
interface RequestRows {
  readonly transfers: number;
  /** ON_US ledger entries of those transfers. */
  readonly entries: number;
  /** Bank transactions (one debit, one credit per transfer). */
  readonly moves: number;
  /** Cents debited by them (bank transactions), exact. */
  readonly debitedCents: number;
  /** Idempotency records of the request's key. */
  readonly records: number;
}

async function rowsOf(q: Inspector, description: string, key: string): Promise<RequestRows> {
  const [row] = await q.query<RequestRows>(
    `SELECT (SELECT count(*)::int FROM on_us_transfers WHERE description = $1) AS transfers,
            (SELECT count(*)::int FROM ledger_entries e JOIN on_us_transfers t ON e.reference_id = t.id
              WHERE t.description = $1 AND e.entry_type = 'ON_US') AS entries,
            (SELECT count(*)::int FROM bank_transactions b JOIN on_us_transfers t ON b.on_us_transfer_id = t.id
              WHERE t.description = $1) AS moves,
            (SELECT coalesce(sum(b.amount_cents), 0)::int FROM bank_transactions b JOIN on_us_transfers t ON b.on_us_transfer_id = t.id
              WHERE t.description = $1 AND b.direction = 'DEBIT') AS "debitedCents",
            (SELECT count(*)::int FROM idempotency_keys WHERE key = $2::uuid) AS records`,
    [description, key],
  );
  assert.ok(row);
  return row;
}

/** The rows of a request that ran exactly once and moved `amountCents`. */
const once = (amountCents: number): RequestRows => ({ transfers: 1, entries: 1, moves: 2, debitedCents: amountCents, records: 1 });
/** The rows of a request that left nothing. */
const NOTHING: RequestRows = { transfers: 0, entries: 0, moves: 0, debitedCents: 0, records: 0 };

describe(`exactly-once against the real server process (${DATABASE_LABEL})`, () => {
  let database: TestDatabase;
  let server: SpawnedServer;
  let client: DrillClient;
  let pockets: [string, string];
  /** Rows every request of this file must have left at the end: description -> key and rows. */
  const expected = new Map<string, { key: string; rows: RequestRows }>();
  /** Transfers that moved money, over the whole file (the database's ON_US entries must match). */
  let completedTransfers = 0;

  /** The client of `server`, with the current client's session (the bearer token lives in the database: it outlives restarts). */
  const clientOf = (to: SpawnedServer) => client.at(to.baseUrl);

  /** Boot times of the servers, in milliseconds, for the report. */
  const bootsMs: number[] = [];

  /** Starts a server on the database and makes it the one `client` talks to. */
  async function start(): Promise<void> {
    // Every server of this file can be told to crash by a request (x-pocketbook-fault).
    server = await spawnServer(database.target, ['by-header']);
    bootsMs.push(server.bootMs);
    client = clientOf(server);
  }

  /**
   * After a crash: reads what it left (the rows of `description` / `key`, and the ids of its
   * transfers) as the next server finds it, while a normal server starts on the same database.
   */
  async function restartAfterCrash(description: string, key: string): Promise<{ rows: RequestRows; transferIds: string[] }> {
    const [q] = await Promise.all([database.inspect(), start()]);
    try {
      const ids = await q.query<{ id: string }>('SELECT id::text AS id FROM on_us_transfers WHERE description = $1', [description]);
      return { rows: await rowsOf(q, description, key), transferIds: ids.map((row) => row.id) };
    } finally {
      await q.close();
    }
  }

  /** A reallocation of `amountCents` from the first pocket to the second, told apart by its description. */
  function reallocation(amountCents: number, extra: Record<string, unknown> = {}) {
    return {
      type: 'INTERNAL_REALLOCATION',
      from_account: { id: pockets[0], type: 'JIKO_ACCOUNT' },
      to_account: { id: pockets[1], type: 'JIKO_ACCOUNT' },
      amount: { type: 'REQUESTED_AMOUNT', amount_usdc: amountCents },
      description: `exactly-once ${randomUUID()}`,
      ...extra,
    };
  }

  /** The two pockets' total values in cents, through the API. */
  async function values(): Promise<[number, number]> {
    const totals: number[] = [];
    for (const pocket of pockets) {
      const answer = await client.send('GET', `/api/v2/pockets/${pocket}/`, undefined);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      totals.push((answer.body as { portfolio: { total_value: { value: number } } }).portfolio.total_value.value);
    }
    return [totals[0]!, totals[1]!];
  }

  /**
   * The pockets' values moved by `amountCents` from the first to the second once: within
   * MARK_CENTS_TOLERANCE per transfer, since a value is cash plus bills at their mark and a sale or
   * a purchase shifts it by a rounding cent; a second run would be off by the whole amount. (The
   * exact amount moved is checked in SQL: `debitedCents`.)
   */
  function assertMovedOnce(beforeValues: [number, number], afterValues: [number, number], amountCents: number, transfers: number, what: string): void {
    const moved = [beforeValues[0] - afterValues[0], afterValues[1] - beforeValues[1]];
    const off = Math.max(...moved.map((cents) => Math.abs(cents - amountCents)));
    assert.ok(off <= MARK_CENTS_TOLERANCE * transfers, `${what}: the pockets' values moved by ${amountCents} cents once (moved ${moved.join(' / ')}; before ${beforeValues.join(' / ')}, after ${afterValues.join(' / ')})`);
  }

  /** Sends a transfer to a server with a fault point: the connection must die without an answer, and the process with it. */
  async function crash(body: unknown, key: string, point: FaultPoint): Promise<void> {
    const answer = await client.send('POST', TRANSFER_PATH, body, key, { 'x-pocketbook-fault': point });
    assert.equal(answer.status, 0, `no response from a server killed at ${point}: got ${answer.status} ${JSON.stringify(answer.body)}`);
    const died = await Promise.race([server.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), CRASH_MS_MAX).unref())]);
    assert.ok(died, `the server killed itself at ${point}`);
    // Nothing here sends SIGKILL to a server that is not being stopped: the fault point did. (Its
    // log line cannot be relied on: pino writes asynchronously and the kill comes right after.)
    assert.equal(server.child.signalCode, 'SIGKILL', `killed by the fault point: ${server.output()}`);
  }

  /** Checks a request's rows now on PostgreSQL; on PGlite they are checked at the end. */
  async function expectRows(description: string, key: string, rows: RequestRows): Promise<void> {
    expected.set(description, { key, rows });
    if (!adminUrl) return;
    const q = await database.inspect();
    assert.deepEqual(await rowsOf(q, description, key), rows, description);
  }

  before(async () => {
    database = adminUrl ? await scratchPostgres(adminUrl) : await scratchPglite();
    server = await spawnServer(database.target, ['by-header']);
    bootsMs.push(server.bootMs);
    client = await DrillClient.login(server);
    ({ pockets } = await prepareAccounts(client));
  });

  after(async () => {
    await killAllServers();
    await database?.remove();
  });

  test('1. killed between commit and response: the retry is the replay, one transfer, the ledger moved once', async () => {
    const beforeValues = await values();
    const amountCents = 12_345;
    const body = reallocation(amountCents);
    const key = randomUUID();

    await crash(body, key, 'after-commit');
    // The transfer and its record committed before the kill (on PGlite: a SIGKILLed PGlite kept its commit).
    const left = await restartAfterCrash(body.description, key);
    assert.deepEqual(left.rows, once(amountCents), 'the transfer, its ledger entry and its idempotency record committed before the kill');

    const retry = await client.send('POST', TRANSFER_PATH, body, key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.replayed, true, 'the retry is the stored response (idempotent-replayed: true)');
    const replayed = retry.body as { id: string; status: string; transfer: { amount: { value: number }; description: string } };
    assert.equal(replayed.status, 'COMPLETED');
    assert.equal(replayed.transfer.amount.value, amountCents);
    assert.equal(replayed.transfer.description, body.description);
    assert.deepEqual([replayed.id], left.transferIds, 'the replay names the transfer that committed before the kill');

    const stored = await client.send('GET', `${TRANSFER_PATH}${replayed.id}/`, undefined);
    assert.equal(stored.status, 200, 'the replayed id is the committed transfer');
    assert.equal((stored.body as { transfer: { description: string } }).transfer.description, body.description);

    const again = await client.send('POST', TRANSFER_PATH, body, key);
    assert.deepEqual([again.status, again.replayed, again.body], [201, true, retry.body], 'a second retry replays the same bytes');

    assertMovedOnce(beforeValues, await values(), amountCents, 1, 'after-commit crash and two retries');
    completedTransfers += 1;
    await expectRows(body.description, key, once(amountCents));
  });

  test('2. crashed before commit: nothing is left, and the retry runs at once (201, not replayed), once', async (t) => {
    const beforeValues = await values();
    const amountCents = 23_456;
    const body = reallocation(amountCents);
    const key = randomUUID();

    await crash(body, key, 'before-commit');
    const left = await restartAfterCrash(body.description, key);
    assert.deepEqual(left.rows, NOTHING, 'no transfer, ledger entry, bank transaction or idempotency record of the crashed attempt');
    assert.deepEqual(await values(), beforeValues, 'the crashed attempt moved nothing');

    const retryStarted = performance.now();
    const retry = await client.send('POST', TRANSFER_PATH, body, key);
    const retryMs = performance.now() - retryStarted;
    assert.equal(retry.status, 201, `the first retry runs (no 409 for a dead attempt): ${JSON.stringify(retry.body)}`);
    assert.equal(retry.replayed, false, 'the retry ran: there was nothing to replay');
    assert.ok(retryMs < RETRY_AFTER_CRASH_MS_MAX, `the retry was answered in ${Math.round(retryMs)} ms`);
    const created = retry.body as { id: string; status: string; transfer: { description: string } };
    assert.equal(created.status, 'COMPLETED');
    assert.equal(created.transfer.description, body.description);

    const again = await client.send('POST', TRANSFER_PATH, body, key);
    assert.deepEqual([again.status, again.replayed, again.body], [201, true, retry.body], 'a later retry replays it');

    assertMovedOnce(beforeValues, await values(), amountCents, 1, 'before-commit crash and retries');
    completedTransfers += 1;
    await expectRows(body.description, key, once(amountCents));
    t.diagnostic(`${DATABASE_LABEL}: retry after the crash answered in ${Math.round(retryMs)} ms`);
  });

  /**
   * Sends one request twice at the same moment (to `targets[0]` and `targets[1]`), then once more;
   * asserts one run, the other answer a 409 or the replay, and the follow-up the replay.
   */
  async function duplicatePair(targets: readonly [DrillClient, DrillClient], amountCents: number): Promise<string> {
    const body = reallocation(amountCents);
    const key = randomUUID();
    const answers: HttpAnswer[] = await Promise.all(targets.map((to) => to.send('POST', TRANSFER_PATH, body, key)));
    const ran = answers.filter((a) => a.status === 201 && !a.replayed);
    assert.equal(ran.length, 1, `exactly one of the duplicates ran: ${JSON.stringify(answers)}`);
    const other = answers.find((a) => a !== ran[0])!;
    const otherOk = other.status === 409 || (other.status === 201 && other.replayed && JSON.stringify(other.body) === JSON.stringify(ran[0]!.body));
    assert.ok(otherOk, `the duplicate is a 409 or the replay: ${JSON.stringify(other)}`);
    const later = await targets[1].send('POST', TRANSFER_PATH, body, key);
    assert.deepEqual([later.status, later.replayed, later.body], [201, true, ran[0]!.body], 'a later retry replays the one that ran');
    completedTransfers += 1;
    await expectRows(body.description, key, once(amountCents));
    return `${other.status}${other.replayed ? ' replayed' : ''}`;
  }

  test('3. concurrent duplicates (one key, same moment): one transfer, the other a 409 or the replay', async (t) => {
    const beforeValues = await values();
    const amountCents = 3_456;
    const outcomes: string[] = [];
    for (let round = 0; round < DUPLICATE_ROUNDS; round++) outcomes.push(await duplicatePair([client, client], amountCents));
    assertMovedOnce(beforeValues, await values(), DUPLICATE_ROUNDS * amountCents, DUPLICATE_ROUNDS, `${DUPLICATE_ROUNDS} duplicate pairs on one server`);
    t.diagnostic(`one server: the duplicates got ${outcomes.join(', ')}`);
  });

  test('3b. concurrent duplicates across two server processes on one database: one transfer each', { skip: adminUrl ? false : 'PostgreSQL only: a PGlite data folder belongs to one process' }, async (t) => {
    const second = await spawnServer(database.target);
    bootsMs.push(second.bootMs);
    try {
      const beforeValues = await values();
      const amountCents = 4_567;
      const outcomes: string[] = [];
      const pair: [DrillClient, DrillClient] = [client, clientOf(second)];
      for (let round = 0; round < DUPLICATE_ROUNDS; round++) {
        outcomes.push(await duplicatePair(round % 2 === 0 ? pair : [pair[1], pair[0]], amountCents));
      }
      assertMovedOnce(beforeValues, await values(), DUPLICATE_ROUNDS * amountCents, DUPLICATE_ROUNDS, `${DUPLICATE_ROUNDS} duplicate pairs on two servers`);
      t.diagnostic(`two servers: the duplicates got ${outcomes.join(', ')}`);
    } finally {
      await second.stop();
    }
  });

  test('4. a repeated transfer_id with a fresh key: another body is a 422 with nothing moved, the same body the existing transfer', async () => {
    const transferId = randomUUID();
    const body = reallocation(5_678, { transfer_id: transferId });
    const first = await client.send('POST', TRANSFER_PATH, body, randomUUID());
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const created = first.body as { id: string; transfer: { transfer_id: string } };
    assert.equal(created.transfer.transfer_id, transferId);
    completedTransfers += 1;
    const beforeValues = await values();

    const otherKey = randomUUID();
    const other = await client.send('POST', TRANSFER_PATH, { ...body, amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 6_789 } }, otherKey);
    assert.equal(other.status, 422, JSON.stringify(other.body));
    assert.equal(other.replayed, false);
    assert.match(JSON.stringify(other.body), /transfer_id was already used for a different transfer/);
    assert.deepEqual(await values(), beforeValues, 'the refused transfer moved nothing');

    const sameKey = randomUUID();
    const same = await client.send('POST', TRANSFER_PATH, body, sameKey);
    assert.equal(same.status, 201, JSON.stringify(same.body));
    assert.equal(same.replayed, false, 'a fresh key: not a replay, the existing transfer found by transfer_id');
    assert.deepEqual(same.body, first.body, 'the existing transfer comes back as it was');
    assert.deepEqual(await values(), beforeValues, 'the repeat moved nothing');

    const byTransferId = await client.send('GET', `${TRANSFER_PATH}${transferId}/`, undefined);
    assert.equal((byTransferId.body as { id: string }).id, created.id);
    // One transfer for the three requests; the 422 and the repeat each keep their own record.
    await expectRows(body.description, sameKey, once(5_678));
    if (adminUrl) {
      const q = await database.inspect();
      const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1::uuid', [otherKey]);
      assert.equal(row?.n, 1, 'the 422 is recorded for its key (a retry gets the same 422)');
    }
    const again = await client.send('POST', TRANSFER_PATH, { ...body, amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 6_789 } }, otherKey);
    assert.deepEqual([again.status, again.replayed], [422, true], 'the retry of the 422 replays it');
  });

  test('at the end: every request left exactly its rows, the ON_US entries match the transfers, every entry balances', async (t) => {
    await server.stop();
    const q = await database.inspect();
    try {
      for (const [description, { key, rows }] of expected) assert.deepEqual(await rowsOf(q, description, key), rows, description);
      const [totals] = await q.query<{ transfers: number; entries: number; unbalanced: number }>(
        `SELECT (SELECT count(*)::int FROM on_us_transfers) AS transfers,
                (SELECT count(*)::int FROM ledger_entries WHERE entry_type = 'ON_US') AS entries,
                (SELECT count(*)::int FROM (SELECT entry_id FROM ledger_postings GROUP BY entry_id HAVING sum(amount_cents) <> 0 OR count(*) < 2) AS u) AS unbalanced`,
      );
      assert.deepEqual(totals, { transfers: completedTransfers, entries: completedTransfers, unbalanced: 0 });
    } finally {
      await q.close();
    }
    t.diagnostic(`${DATABASE_LABEL}: ${bootsMs.length} server boots of ${bootsMs.map((ms) => Math.round(ms)).join(', ')} ms`);
  });
});
