/**
 * Requests carried out together (src/platform/together.ts): concurrent requests of one key that
 * wait for a transaction in flight share the next one, never two that conflict; when one of them
 * fails, each is carried out again alone, and gets its own outcome. Through the API: concurrent
 * on-us transfers of a tenant take fewer transactions than transfers, and each is answered,
 * recorded and replayed as if it had run alone, on a sound ledger.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Db, Tx } from '../src/platform/db/index.ts';
import { TOGETHER_IN_FLIGHT_MAX, TOGETHER_SIZE_MAX, together } from '../src/platform/together.ts';
import { countedApp } from './support/app.ts';
import { acquireTestDatabase, releaseTestDatabase } from './support/db.ts';
import { assertSound, createCustomer, createPocket, fund } from './support/fixtures.ts';

let db: Db;
before(async () => {
  db = await acquireTestDatabase();
});
after(() => {
  releaseTestDatabase();
});

/** Occupies every transaction slot of `key` until `release` is called; `started` once all are taken. */
function occupy(runner: ReturnType<typeof together<string>>, key: string): { release(): void; started: Promise<unknown>; done: Promise<unknown> } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  // A blocker runs alone; each one's `alone` is called once its transaction has started.
  const entered: Promise<void>[] = [];
  const done = Promise.all(
    Array.from({ length: TOGETHER_IN_FLIGHT_MAX }, (_, i) => {
      let enter!: () => void;
      entered.push(new Promise<void>((resolve) => (enter = resolve)));
      return runner.run(key, `${i}-blocker`, async () => 'unused', () => {
        enter();
        return gate.then(() => 'blocker');
      });
    }),
  );
  return { release, started: Promise.all(entered), done };
}

test('waiting requests share the next transaction, never two that conflict, and commit together', async () => {
  const table = `together_${randomUUID().replaceAll('-', '')}`;
  await db.query(`CREATE TABLE ${table} (item text PRIMARY KEY)`);
  try {
    // Items conflict when they start with the same letter.
    const runner = together<string>(db, (a, b) => a[0] === b[0]);
    const key = randomUUID();
    const held = occupy(runner, key);
    await held.started;
    const seen = new Map<string, Tx>();
    const inGroup = (item: string) => async (tx: Tx) => {
      seen.set(item, tx);
      tx.defer(`INSERT INTO ${table} (item) SELECT x FROM jsonb_array_elements_text($1::jsonb) AS x`, [JSON.stringify([item])], { rows: [0] });
      return `group:${item}`;
    };
    const outcomes = ['a1', 'b1', 'a2', 'c1'].map((item) => runner.run(key, item, inGroup(item), async () => `alone:${item}`));
    held.release();
    await held.done;
    assert.deepEqual(await Promise.all(outcomes), ['group:a1', 'group:b1', 'alone:a2', 'group:c1']);
    // a1, b1 and c1 shared one transaction; a2, which conflicts with a1, came after, alone.
    assert.equal(seen.get('a1'), seen.get('b1'));
    assert.equal(seen.get('a1'), seen.get('c1'));
    assert.equal(seen.has('a2'), false);
    const rows = await db.query<{ item: string }>(`SELECT item FROM ${table} ORDER BY item`);
    assert.deepEqual(rows.map((row) => row.item), ['a1', 'b1', 'c1']);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
});

test('with a transaction in flight, the next waits for as many companions as it carries, or a few milliseconds', async () => {
  // The order of transactions alone is under test: each `tx` is a fresh object that runs its
  // function, so that a transaction held open never blocks the next (the embedded database runs
  // one at a time).
  const fake = { tx: async <T>(fn: (tx: Tx) => Promise<T>) => fn({} as Tx) } as unknown as Db;
  const runner = together<string>(fake, () => false);
  const key = randomUUID();
  const seen = new Map<string, Tx>();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const inGroup = (item: string, wait?: Promise<void>) => async (tx: Tx) => {
    seen.set(item, tx);
    await wait;
    return item;
  };
  const alone = (item: string) => async () => `alone:${item}`;
  const held = occupy(runner, key);
  await held.started;
  // Three wait behind the blockers, then take one transaction, held open by the gate.
  const carried = ['g1', 'g2', 'g3'].map((item) => runner.run(key, item, inGroup(item, gate), alone(item)));
  held.release();
  await held.done;
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  while (seen.size < 3) await settle();
  await settle();
  assert.ok(TOGETHER_IN_FLIGHT_MAX >= 2 && TOGETHER_SIZE_MAX >= 3);
  // A slot is free. The first two newcomers wait for a third: three in flight, three to start.
  const companions = ['y1', 'y2', 'y3'].map((item) => runner.run(key, item, inGroup(item), alone(item)));
  assert.deepEqual(await Promise.all(companions), ['y1', 'y2', 'y3']);
  assert.equal(seen.get('y1'), seen.get('y2'));
  assert.equal(seen.get('y1'), seen.get('y3'));
  // One newcomer alone does not wait for the transaction in flight (still held) to end: a timer
  // starts it.
  assert.equal(await runner.run(key, 'w1', inGroup('w1'), alone('w1')), 'alone:w1');
  open();
  assert.deepEqual(await Promise.all(carried), ['g1', 'g2', 'g3']);
});

test('when one request of a transaction fails, nothing of it stays, and each is carried out alone', async () => {
  const table = `together_${randomUUID().replaceAll('-', '')}`;
  await db.query(`CREATE TABLE ${table} (item text PRIMARY KEY)`);
  try {
    const runner = together<string>(db, () => false);
    const key = randomUUID();
    const held = occupy(runner, key);
    await held.started;
    const write = (tx: Tx, item: string) => tx.defer(`INSERT INTO ${table} (item) VALUES ($1)`, [item]);
    const inGroup = (item: string) => async (tx: Tx) => {
      write(tx, `group:${item}`);
      if (item === 'bad') throw new Error('refused in company');
      return `group:${item}`;
    };
    const alone = (item: string) => () =>
      db.tx(async (tx) => {
        if (item === 'bad') throw new Error('refused alone');
        write(tx, `alone:${item}`);
        return `alone:${item}`;
      });
    const outcomes = ['x', 'bad', 'y'].map((item) => runner.run(key, item, inGroup(item), alone(item)).catch((error: Error) => error.message));
    held.release();
    await held.done;
    assert.deepEqual(await Promise.all(outcomes), ['alone:x', 'refused alone', 'alone:y']);
    const rows = await db.query<{ item: string }>(`SELECT item FROM ${table} ORDER BY item`);
    assert.deepEqual(rows.map((row) => row.item), ['alone:x', 'alone:y']);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
});

test('concurrent on-us transfers of a tenant: fewer transactions than transfers, each answered, recorded and replayed as alone, one refused alone', async () => {
  const { counted, client, close } = await countedApp(db, '2024-03-04T16:00:00Z');
  try {
    const customerId = await createCustomer(client);
    const otherCustomer = await createCustomer(client);
    const pairs: { from: string; to: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const from = await createPocket(client, customerId, 'UST-4W', `From ${i}`);
      const to = await createPocket(client, customerId, 'UST-4W', `To ${i}`);
      await fund(client, from, 1_000_000);
      pairs.push({ from, to });
    }
    const stranger = await createPocket(client, otherCustomer, 'UST-4W', 'Another customer');
    const body = (from: string, to: string, cents: number) => ({
      type: 'INTERNAL_REALLOCATION',
      from_account: { id: from, type: 'JIKO_ACCOUNT' },
      to_account: { id: to, type: 'JIKO_ACCOUNT' },
      amount: { type: 'REQUESTED_AMOUNT', amount_usdc: cents },
    });
    const transfer = (from: string, to: string, cents: number) => ({ key: randomUUID(), body: body(from, to, cents) });
    const send = (batch: readonly { key: string; body: unknown }[]) => Promise.all(batch.map((r) => client.post('/api/v1/transfers/on-us/', r.body, { idempotencyKey: r.key })));
    const sent: { key: string; body: unknown; response: string }[] = [];
    // Six transfers. On PostgreSQL the first two are held in flight (their source pockets locked
    // by a transaction of the test's own) while the other four arrive, so those four wait and share
    // the next transactions: fewer transactions than transfers. The embedded database runs one
    // transaction at a time, and its transfers run as they come.
    const batch = pairs.map(({ from, to }, i) => transfer(from, to, 10_000 + i));
    counted.resetCount();
    let responses: Awaited<ReturnType<typeof send>>;
    if (db.kind === 'postgres') {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const held = new Promise<void>((resolve) => (locked = resolve));
      const holder = db.tx(async (tx) => {
        await tx.query('SELECT 1 FROM pockets WHERE id = ANY($1::uuid[]) FOR UPDATE', [[pairs[0]!.from, pairs[1]!.from]]);
        locked();
        await gate;
      });
      await held;
      const first = send(batch.slice(0, 2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rest = send(batch.slice(2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await holder;
      responses = [...(await first), ...(await rest)];
    } else {
      responses = await send(batch);
    }
    const commits = counted.recentStatements().filter((sql) => sql === 'COMMIT').length;
    responses.forEach((response, i) => {
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().status, 'COMPLETED');
      assert.equal(response.json().transfer.amount.value, 10_000 + i);
      sent.push({ ...batch[i]!, response: response.body });
    });
    if (db.kind === 'postgres') assert.ok(commits < pairs.length, `${commits} transactions for ${pairs.length} transfers`);
    // Five transfers and one refused (pockets of two customers), at once: each its own outcome.
    const mixed = [...pairs.slice(1).map(({ from, to }) => transfer(to, from, 700)), transfer(pairs[0]!.to, stranger, 500)];
    const answers = await send(mixed);
    answers.slice(0, -1).forEach((response, i) => {
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().status, 'COMPLETED');
      sent.push({ ...mixed[i]!, response: response.body });
    });
    assert.equal(answers.at(-1)!.statusCode, 422, answers.at(-1)!.body);
    // Each transfer was recorded with its own response: a retry replays it.
    for (const r of sent) {
      const again = await client.post('/api/v1/transfers/on-us/', r.body, { idempotencyKey: r.key });
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, r.response);
    }
    const moved = await counted.query<{ n: string }>(`SELECT count(*)::text AS n FROM on_us_transfers WHERE partner_id = $1`, [client.partnerId]);
    assert.equal(moved[0]?.n, String(sent.length));
    await assertSound(counted, client.partnerId);
  } finally {
    await close();
  }
});
