/**
 * Earnings by period against an oracle kept by the test itself: the pocket's value read through
 * the API at the end of each day, and the money the test moved, by New York date. Earnings of a
 * period = value at its end - value before it - net money in over it (docs/ENGINE.md "Valuation
 * and earnings"), for open, emptied and closed pockets, asked on business days, weekends and
 * holidays, and for ranges that end before today.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EarningsPeriod } from '../src/modules/pockets/index.ts';
import { partnerContext } from '../src/platform/context.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, reallocate } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

// ---- a calendar of its own for May to July 2024 (New York, EDT) ----

/** Bond-market holidays of the weeks these tests run in (data/market/holidays.csv). */
const HOLIDAYS = new Set(['2024-05-27', '2024-06-19', '2024-07-04']);

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function isBusinessDay(date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !HOLIDAYS.has(date);
}

function onOrBefore(date: string): string {
  let d = date;
  while (!isBusinessDay(d)) d = addDays(d, -1);
  return d;
}

/** An instant of a New York date between March and November (EDT, UTC-4). */
function at(date: string, time: string): string {
  return new Date(`${date}T${time}-04:00`).toISOString();
}

// ---- the oracle ----

/** What the test knows of a pocket: its first day, end-of-day values it saw, money it moved. */
class Book {
  readonly values = new Map<string, bigint>();
  readonly flows: { date: string; cents: bigint }[] = [];
  readonly start: string;
  constructor(start: string) {
    this.start = start;
  }

  /** Value at the end of a business day the test saw (0 before the pocket). */
  valueAt(date: string): bigint {
    if (date < this.start) return 0n;
    const value = this.values.get(date);
    assert.notEqual(value, undefined, `no value seen for ${date}`);
    return value!;
  }

  /** Net money in after `base` through `end`, New York dates. */
  flowsIn(base: string, end: string): bigint {
    return this.flows.filter((f) => f.date > base && f.date <= end).reduce((sum, f) => sum + f.cents, 0n);
  }

  /**
   * Earnings from `from` through `to` asked on `today`, whose value now is `live`: the end is the
   * last business day on or before `to` (the live value when that is today), the base the last
   * business day before the period.
   */
  expected(from: string, to: string, today: string, live: bigint): bigint {
    const start = from < this.start ? this.start : from;
    const end = onOrBefore(to < today ? to : today);
    const base = onOrBefore(addDays(start, -1));
    if (end <= base) return 0n;
    const endValue = end === today ? live : this.valueAt(end);
    return endValue - this.valueAt(base) - this.flowsIn(base, end);
  }
}

async function earnings(client: PartnerClient, pocketId: string, query: string): Promise<bigint> {
  const response = await client.get(`/api/v2/pockets/${pocketId}/earnings/?${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return BigInt((response.json() as { earnings: { value: number } }).earnings.value);
}

/** Live total values of the tenant's pockets, by id. */
async function liveValues(client: PartnerClient): Promise<Map<string, bigint>> {
  const response = await client.get('/api/v2/pockets/?limit=100');
  assert.equal(response.statusCode, 200, response.body);
  const items = (response.json() as { items: { id: string; portfolio: { total_value: { value: number } } }[] }).items;
  return new Map(items.map((p) => [p.id, BigInt(p.portfolio.total_value.value)] as const));
}

async function close(client: PartnerClient, pocketId: string): Promise<void> {
  const response = await client.patch(`/api/v2/pockets/${pocketId}/`, { status: 'CLOSED', closure_reason: 'Customer request' });
  assert.equal(response.statusCode, 200, response.body);
}

describe('earnings of an emptied pocket', () => {
  // Funded on Tuesday 2024-05-21 with $10,000 and emptied by a full withdrawal, then closed (or
  // not). Asked on later weekends, holidays and business days, every period that covers the
  // withdrawal's business day earns what the pocket earned: what left it minus what came in.
  const variants = [
    { name: 'withdrawn and closed on a Saturday', withdrawOn: '2024-05-25', closeOn: '2024-05-25' },
    { name: 'withdrawn on a Saturday, left open', withdrawOn: '2024-05-25', closeOn: undefined },
    { name: 'withdrawn and closed on a business day', withdrawOn: '2024-05-24', closeOn: '2024-05-24' },
    { name: 'withdrawn and closed on a holiday', withdrawOn: '2024-05-27', closeOn: '2024-05-27' },
  ];
  for (const variant of variants) {
    test(variant.name, async () => {
      const client = await newPartner(t);
      await client.setClock(at('2024-05-21', '10:00:00'));
      const customerId = await createCustomer(client);
      const pocket = await createPocket(client, customerId, 'UST-4W');
      const other = await createPocket(client, customerId, 'UST-13W');
      await fund(client, pocket, 1_000_000);
      // Friday's value: what the pocket holds at 14:00 that day, unless it is emptied that day.
      await client.advanceClock({ to: at('2024-05-24', '14:00:00') });
      const valueFriday = variant.withdrawOn > '2024-05-24' ? (await liveValues(client)).get(pocket)! : 0n;
      await client.advanceClock({ to: at(variant.withdrawOn, '15:00:00') });
      const earned = (await reallocate(client, pocket, other, { type: 'FULL_WITHDRAWAL' })) - 1_000_000n;
      assert.ok(earned > 0n, `earned ${earned}`);

      // Business days, weekends and holidays (Memorial Day, Juneteenth) after the withdrawal.
      const days = ['2024-05-24', '2024-05-25', '2024-05-27', '2024-05-28', '2024-06-01', '2024-06-19', '2024-07-06'];
      for (const day of days.filter((d) => d >= variant.withdrawOn)) {
        if (day > variant.withdrawOn) await client.advanceClock({ to: at(day, '16:00:00') });
        if (day === variant.closeOn) await close(client, pocket);
        const portfolio = (await client.get(`/api/v2/pockets/${pocket}/`)).json().portfolio;
        assert.equal(BigInt(portfolio.all_time_earnings.value), earned);
        // Until the withdrawal's business day is over, periods end on the Friday before it.
        const whole = onOrBefore(day) >= variant.withdrawOn ? earned : valueFriday - 1_000_000n;
        const got = {
          allTime: await earnings(client, pocket, 'period=all-time'),
          ytd: await earnings(client, pocket, 'period=ytd'),
          mtd: await earnings(client, pocket, 'period=mtd'),
          range: await earnings(client, pocket, `period=range&date_from=2024-05-01&date_to=${day}`),
        };
        // The months after the withdrawal's earn nothing.
        const mtd = day.slice(0, 7) === '2024-05' ? whole : 0n;
        assert.deepEqual(got, { allTime: whole, ytd: whole, mtd, range: whole }, `asked on ${day}`);
      }
      // Ranges that end before today (2024-07-06): before the withdrawal, over it, after it.
      const beforeWithdrawal = variant.withdrawOn > '2024-05-24' ? valueFriday - 1_000_000n : earned;
      assert.equal(await earnings(client, pocket, 'period=range&date_from=2024-05-21&date_to=2024-05-24'), beforeWithdrawal);
      assert.equal(await earnings(client, pocket, 'period=range&date_from=2024-05-21&date_to=2024-05-31'), earned);
      assert.equal(await earnings(client, pocket, 'period=range&date_from=2024-05-01&date_to=2024-06-30'), earned);
      assert.equal(await earnings(client, pocket, 'period=range&date_from=2024-06-03&date_to=2024-07-05'), 0n);
      await assertSound(t.db, client.partnerId);
    });
  }
});

describe('earnings = change in value - net money in', () => {
  test('for every day and several periods ending on it, open, emptied and closed pockets', async () => {
    const first = '2024-05-13';
    const last = '2024-06-08';
    const client = await newPartner(t);
    await client.setClock(at(first, '09:00:00'));
    const customerId = await createCustomer(client);
    const ids = {
      weekly: await createPocket(client, customerId, 'UST-1W'),
      month: await createPocket(client, customerId, 'UST-4W'),
      quarter: await createPocket(client, customerId, 'UST-13W'),
      sink: await createPocket(client, customerId, 'UST-4W'),
    };
    const books = new Map(Object.values(ids).map((id) => [id, new Book(first)] as const));
    const closed = new Set<string>();
    const deposit = async (date: string, id: string, cents: number) => {
      await fund(client, id, cents);
      books.get(id)!.flows.push({ date, cents: BigInt(cents) });
    };
    const move = async (date: string, from: string, to: string, amount: Record<string, unknown>) => {
      const cents = await reallocate(client, from, to, amount);
      books.get(from)!.flows.push({ date, cents: -cents });
      books.get(to)!.flows.push({ date, cents });
    };
    // What happens at 15:00 New York on some days: deposits on business days and weekends,
    // partial and full withdrawals (which sell bills) on business days, a weekend and a holiday, a
    // close on a weekend, a pocket emptied on a business day and funded again on a Saturday.
    // The weekly pocket's bills mature every week.
    const actions: Record<string, () => Promise<void>> = {
      '2024-05-13': async () => {
        await deposit('2024-05-13', ids.weekly, 500_000);
        await deposit('2024-05-13', ids.month, 1_000_000);
        await deposit('2024-05-13', ids.quarter, 800_000);
      },
      '2024-05-18': () => deposit('2024-05-18', ids.weekly, 200_000),
      '2024-05-21': () => move('2024-05-21', ids.weekly, ids.sink, { type: 'REQUESTED_AMOUNT', amount_usdc: 150_000 }),
      '2024-05-25': async () => {
        await move('2024-05-25', ids.month, ids.sink, { type: 'FULL_WITHDRAWAL' });
        await close(client, ids.month);
        closed.add(ids.month);
      },
      '2024-05-27': () => move('2024-05-27', ids.quarter, ids.sink, { type: 'REQUESTED_AMOUNT', amount_usdc: 100_000 }),
      '2024-05-29': () => move('2024-05-29', ids.quarter, ids.sink, { type: 'FULL_WITHDRAWAL' }),
      '2024-06-01': () => deposit('2024-06-01', ids.quarter, 300_000),
      '2024-06-05': () => move('2024-06-05', ids.sink, ids.weekly, { type: 'REQUESTED_AMOUNT', amount_usdc: 250_000 }),
    };

    // Thousands of questions: asked of the service (the HTTP door is covered above).
    const ask = async (id: string, period: EarningsPeriod, range: { dateFrom?: string; dateTo?: string } = {}) => {
      const ctx = partnerContext(client.partnerId, (await t.services.tenancy.clock(client.partnerId)).now);
      return (await t.services.pockets.earnings(ctx, id, { period, ...range })).earningsCents;
    };
    let checks = 0;
    for (let day = first; day <= last; day = addDays(day, 1)) {
      const act = actions[day];
      if (act) {
        await client.advanceClock({ to: at(day, '15:00:00') });
        await act();
      }
      // At 23:30, before the end-of-day run: the day's live values are its end-of-day values.
      await client.advanceClock({ to: at(day, '23:30:00') });
      const live = await liveValues(client);
      const monday = addDays(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7));
      for (const [id, book] of books) {
        const value = live.get(id)!;
        if (closed.has(id)) assert.equal(value, 0n);
        if (isBusinessDay(day)) book.values.set(day, value);
        const periods: [EarningsPeriod, string, { dateFrom?: string; dateTo?: string }][] = [
          ['all-time', book.start, {}],
          ['mtd', `${day.slice(0, 7)}-01`, {}],
          ['wtd', monday, {}],
          ['range', addDays(day, -3), { dateFrom: addDays(day, -3), dateTo: day }],
        ];
        for (const [period, from, range] of periods) {
          assert.equal(await ask(id, period, range), book.expected(from, day, day, value), `${period} from ${from} asked on ${day}`);
          checks++;
        }
      }
    }
    // Ranges that end before today, asked on the last day (a Saturday).
    for (let day = first; day < last; day = addDays(day, 1)) {
      for (const [id, book] of books) {
        const from = addDays(day, -6);
        assert.equal(await ask(id, 'range', { dateFrom: from, dateTo: day }), book.expected(from, day, last, 0n), `${from}..${day} asked on ${last}`);
        checks++;
      }
    }
    assert.ok(checks > 500, `${checks} checks`);
    await assertSound(t.db, client.partnerId);
  });
});
