/**
 * Tenant clocks kept in the process (modules/tenancy): a kept clock costs no statement, and no
 * request sees a clock older than the last change it could know of: this process's own writes at
 * once when they commit, a rolled-back write never, another process's change (here a statement
 * sent straight to the database) once its notification arrives; and, on PostgreSQL, nothing is kept
 * while the listening connection is lost, and keeping resumes when it is back.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { type Tenancy, createTenancy } from '../src/modules/tenancy/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { countingDb } from '../src/platform/db/counting.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const counted = () => countingDb({ ...t.db, close: async () => undefined });

/** Reads the tenant's clock until `ready` holds or `ms` pass; returns the last clock read. */
async function clockWhen(tenancy: Tenancy, tenantId: string, ready: (now: Date) => boolean, ms = 3_000) {
  const until = Date.now() + ms;
  for (;;) {
    const { now } = await tenancy.clock(tenantId);
    if (ready(now) || Date.now() > until) return now;
    await sleep(10);
  }
}

const year = (now: Date) => now.getUTCFullYear();

test('a kept clock costs no statement; a change by another process is seen once notified', async () => {
  const db = counted();
  const tenancy = createTenancy({ db, wallClock: systemClock });
  const { partnerId } = await newPartner(t);
  await tenancy.setNow(t.db, partnerId, new Date('2024-03-04T16:00:00Z'));
  // Kept once the listener is live and the write's notification has arrived.
  assert.equal(year(await clockWhen(tenancy, partnerId, (now) => year(now) === 2024)), 2024);
  await sleep(50);
  await tenancy.clock(partnerId);
  db.resetCount();
  for (let i = 0; i < 5; i++) assert.equal(year((await tenancy.clock(partnerId)).now), 2024);
  assert.equal(db.count().statements, 0, db.recentStatements().join('\n'));

  // Another process moves the clock: a statement of its own, notified at its commit.
  await t.db.query(`UPDATE tenant_clocks SET clock_offset_ms = clock_offset_ms + $2::bigint WHERE partner_id = $1`, [partnerId, 366 * 86_400_000]);
  assert.equal(year(await clockWhen(tenancy, partnerId, (now) => year(now) === 2025)), 2025);
});

test("this process's own clock moves are seen as they commit, and a rolled-back one never", async () => {
  const tenancy = createTenancy({ db: counted(), wallClock: systemClock });
  const { partnerId } = await newPartner(t);
  await tenancy.setNow(t.db, partnerId, new Date('2024-03-04T16:00:00Z'));
  await clockWhen(tenancy, partnerId, (now) => year(now) === 2024);
  await tenancy.clock(partnerId);

  let previous = 2024;
  for (const [instant, expected] of [['2026-05-01T12:00:00Z', 2026], ['2027-05-01T12:00:00Z', 2027]] as const) {
    await t.db.tx(async (tx) => {
      await tenancy.setNow(tx, partnerId, new Date(instant));
      await tx.flush();
      // Not committed yet: outside its transaction (where another reader can run), the clock before it.
      if (!tx.alone) assert.equal(year((await tenancy.clock(partnerId)).now), previous);
    });
    assert.equal(year((await tenancy.clock(partnerId)).now), expected, 'seen as soon as it commits');
    previous = expected;
  }

  await assert.rejects(
    t.db.tx(async (tx) => {
      await tenancy.setNow(tx, partnerId, new Date('2030-01-01T12:00:00Z'));
      await tx.flush();
      throw new Error('roll back');
    }),
    /roll back/,
  );
  for (let i = 0; i < 3; i++) assert.equal(year((await tenancy.clock(partnerId)).now), 2027);
});

test('on PostgreSQL, nothing is kept while the listening connection is lost, and keeping resumes', async (context) => {
  if (t.db.kind !== 'postgres') {
    context.skip('the embedded database has no connection to lose');
    return;
  }
  const db = counted();
  const tenancy = createTenancy({ db, wallClock: systemClock });
  const { partnerId } = await newPartner(t);
  await tenancy.setNow(t.db, partnerId, new Date('2024-03-04T16:00:00Z'));
  await clockWhen(tenancy, partnerId, (now) => year(now) === 2024);
  await sleep(50);
  await tenancy.clock(partnerId);

  // Every listening connection of this database is ended, as a restart of the server would.
  await t.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`);
  // A change while the listener may be down: seen at once, as nothing is kept meanwhile.
  await t.db.query(`UPDATE tenant_clocks SET clock_offset_ms = clock_offset_ms + $2::bigint WHERE partner_id = $1`, [partnerId, 366 * 86_400_000]);
  assert.equal(year(await clockWhen(tenancy, partnerId, (now) => year(now) === 2025)), 2025);

  // Back and live: a kept clock again costs no statement.
  const until = Date.now() + 5_000;
  let statements = -1;
  while (Date.now() < until) {
    await tenancy.clock(partnerId);
    db.resetCount();
    await tenancy.clock(partnerId);
    statements = db.count().statements;
    if (statements === 0) break;
    await sleep(50);
  }
  assert.equal(statements, 0, 'kept again once the listener is back');
});
