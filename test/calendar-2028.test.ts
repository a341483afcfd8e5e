/**
 * The bond-market calendar beyond the years of the holiday list: on 4 July 2028 (a Tuesday) the
 * market is closed, so the clock's business date is the day before, a deposit waits, and the next
 * morning it buys the 4-week bill issued that Wednesday.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

test('4 July 2028 is no business day: a deposit waits and buys the bill issued on 5 July', async () => {
  const client = await newPartner(t);
  await client.setClock('2028-07-04T15:00:00Z');
  const clock = (await client.get('/api/v1/sandbox/clock/', { unsigned: true })).json();
  assert.equal(clock.business_date, '2028-07-03');

  const customerId = await createCustomer(client);
  const pocket = await createPocket(client, customerId, 'UST-4W');
  await fund(client, pocket, 1_000_000);
  assert.equal((await getPortfolio(client, pocket)).securities.length, 0, 'no trade on a holiday');

  const next = await client.advanceClock({ to: '2028-07-05T15:00:00Z' });
  assert.equal(next.business_date, '2028-07-05');
  const trades = await t.db.query<{ activity: string; book_date: string; maturity_date: string }>(
    'SELECT activity, book_date, maturity_date FROM trades WHERE partner_id = $1 ORDER BY trade_datetime, id',
    [client.partnerId],
  );
  // The Tuesday bills of a week with a Tuesday holiday are issued on Wednesday, 27 days to run.
  assert.deepEqual(trades, [{ activity: 'BUY', book_date: '2028-07-05', maturity_date: '2028-08-01' }]);
  await assertSound(t.db, client.partnerId);
});
