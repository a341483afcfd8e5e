import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from 'typebox/value';
import type { BankTransactionRecord, TradeRecord } from '../../modules/pockets/index.ts';
import {
  TradeV1Schema,
  TradeV2Schema,
  TransactionV1Schema,
  TransactionV2Schema,
  orderOf,
  tradeFilterOf,
  tradeV1Json,
  tradeV2Json,
  transactionFilterV1Of,
  transactionFilterV2Of,
  transactionV1Json,
  transactionV2Json,
} from './activity.mappers.ts';

const POCKET = '11111111-1111-4111-8111-111111111111';
const PORTAL = '22222222-2222-4222-8222-222222222222';
const ENTRY = '33333333-3333-4333-8333-333333333333';
const TRANSFER = '44444444-4444-4444-8444-444444444444';

const buy: TradeRecord = {
  id: '55555555-5555-4555-8555-555555555555',
  pocketId: POCKET,
  customerId: null,
  activity: 'BUY',
  cusip: '912797KJ5',
  description: 'US T-Bill',
  maturityDate: '2024-04-02',
  quantity: 99n,
  pricePer100: '99.588556',
  notionalCents: 985_927n,
  yieldToMaturity: '0.0536',
  tradeDatetime: new Date('2024-03-05T15:00:00.000Z'),
  bookDate: '2024-03-05',
  settlementDate: '2024-03-06',
  status: 'BOOKED',
};

const ach: BankTransactionRecord = {
  id: '66666666-6666-4666-8666-666666666666',
  ledgerEntryId: ENTRY,
  pocketId: POCKET,
  customerId: null,
  type: 'ACH',
  direction: 'CREDIT',
  amountCents: 1_000_000n,
  description: 'ACH Electronic Credit',
  title: 'From SANDBOX',
  status: 'SETTLED',
  timeBooked: new Date('2024-03-05T15:00:00.000Z'),
  timeSettled: new Date('2024-03-05T15:00:00.000Z'),
  portalId: PORTAL,
  achCompanyName: 'SANDBOX',
  achTraceNumber: '099900011234567',
  onUs: null,
};

const onUsDebit: BankTransactionRecord = {
  ...ach,
  id: '77777777-7777-4777-8777-777777777777',
  type: 'ON_US',
  direction: 'DEBIT',
  amountCents: 2_500n,
  status: 'BOOKED',
  timeSettled: null,
  portalId: null,
  achCompanyName: null,
  achTraceNumber: null,
  onUs: { onUsTransferId: TRANSFER, transferType: 'INTERNAL_REALLOCATION', source: null, target: 'rent' },
};

describe('activity JSON', () => {
  test('a v2 trade: Money notional, decimal strings, settled_date only once settled', () => {
    const json = tradeV2Json(buy);
    assert.deepEqual(json, {
      id: buy.id,
      trade_datetime: '2024-03-05T15:00:00.000Z',
      book_date: '2024-03-05',
      settled_date: null,
      status: 'BOOKED',
      pocket_id: POCKET,
      activity: 'BUY',
      cusip: '912797KJ5',
      description: 'US T-Bill',
      notional: { value: 985_927, currency: 'USD', formatted: '$9,859.27' },
      quantity: 99,
      price: '99.588556',
      maturity_date: '2024-04-02',
      yield_to_maturity: '0.0536',
      tradable_id: '912797KJ5',
      object_type: 'Trade',
    });
    assert.ok(Value.Check(TradeV2Schema, json));
    const settled = tradeV2Json({ ...buy, status: 'SETTLED' });
    assert.equal(settled.settled_date, '2024-03-06');
    const maturity = tradeV2Json({ ...buy, activity: 'MATURITY', yieldToMaturity: null, pricePer100: '100' });
    assert.equal(maturity.yield_to_maturity, '0');
    assert.ok(Value.Check(TradeV2Schema, maturity));
  });

  test('a v1 trade: jiko_account_id, is_settled, no settled_date until settled', () => {
    const booked = tradeV1Json(buy);
    assert.equal(booked.jiko_account_id, POCKET);
    assert.equal(booked.is_settled, false);
    assert.ok(!('settled_date' in booked));
    assert.ok(!('pocket_id' in booked) && !('status' in booked));
    assert.ok(Value.Check(TradeV1Schema, booked));
    const settled = tradeV1Json({ ...buy, status: 'SETTLED' });
    assert.equal(settled.is_settled, true);
    assert.equal(settled.settled_date, '2024-03-06');
    assert.ok(Value.Check(TradeV1Schema, settled));
  });

  test('a v2 transaction carries the details of its type', () => {
    const credit = transactionV2Json(ach);
    assert.deepEqual(credit, {
      id: ach.id,
      transaction_id: ENTRY,
      description: 'ACH Electronic Credit',
      amount: { value: 1_000_000, currency: 'USD', formatted: '$10,000.00' },
      time_booked: '2024-03-05T15:00:00.000Z',
      time_settled: '2024-03-05T15:00:00.000Z',
      status: 'SETTLED',
      title: 'From SANDBOX',
      direction: 'CREDIT',
      pocket_id: POCKET,
      object_type: 'Transaction',
      type: 'ACH',
      company_name: 'SANDBOX',
      trace_number: '099900011234567',
      portal_id: PORTAL,
    });
    assert.ok(Value.Check(TransactionV2Schema, credit));
    const debit = transactionV2Json(onUsDebit);
    assert.equal(debit.type, 'ON_US');
    assert.equal((debit as { on_us_transfer_id?: string }).on_us_transfer_id, TRANSFER);
    assert.equal(debit.amount.value, 2_500, 'v2 amounts are positive; direction says DEBIT');
    assert.equal(debit.time_settled, null);
    assert.ok(!('company_name' in debit));
    assert.ok(Value.Check(TransactionV2Schema, debit));
  });

  test('a v1 transaction: PENDING/COMPLETED, signed amount, details by type', () => {
    const credit = transactionV1Json(ach);
    assert.deepEqual(credit, {
      id: ach.id,
      jiko_account_id: POCKET,
      amount: { value: 1_000_000, currency: 'USD', formatted: '$10,000.00' },
      timestamp: '2024-03-05T15:00:00.000Z',
      status: 'COMPLETED',
      details: {
        transaction_type: 'ACH',
        title: 'From SANDBOX',
        transaction_type_title: 'ACH Electronic Credit',
        ach_transaction: { company_name: 'SANDBOX', trace_number: '099900011234567', portal_id: PORTAL },
      },
      object_type: 'Transaction',
    });
    assert.ok(Value.Check(TransactionV1Schema, credit));
    const debit = transactionV1Json(onUsDebit);
    assert.equal(debit.status, 'PENDING');
    assert.deepEqual(debit.amount, { value: -2_500, currency: 'USD', formatted: '-$25.00' });
    assert.deepEqual(debit.details.on_us_transaction, { on_us_transfer_id: TRANSFER, on_us_transfer_type: 'INTERNAL_REALLOCATION', target: 'rent' });
    assert.ok(Value.Check(TransactionV1Schema, debit));
  });

  test('queries become filters', () => {
    assert.equal(orderOf({}), 'desc');
    assert.equal(orderOf({ order: 'asc' }), 'asc');
    const trades = tradeFilterOf({ 'pocket_id[]': [POCKET], book_date_from: '2024-03-01', settlement_date_to: '2024-03-31', trade_datetime_from: '2024-03-05' });
    assert.deepEqual(trades.pocketIds, [POCKET]);
    assert.deepEqual(trades.bookDate, { from: '2024-03-01', to: undefined });
    assert.deepEqual(trades.settlementDate, { from: undefined, to: '2024-03-31' });
    assert.equal(trades.tradeDatetime?.from?.toISOString(), '2024-03-05T05:00:00.000Z');
    assert.deepEqual(tradeFilterOf({ 'account[]': [POCKET] }).pocketIds, [POCKET]);

    const v2 = transactionFilterV2Of({ 'pocket[]': [POCKET], 'filter[type]': ['ACH'], direction: 'DEBIT', amount_from: 100, amount_to: 200, 'filter[portal]': [PORTAL] });
    assert.deepEqual(v2.pocketIds, [POCKET]);
    assert.deepEqual(v2.types, ['ACH']);
    assert.equal(v2.direction, 'DEBIT');
    assert.deepEqual(v2.amountCents, { from: 100n, to: 200n });
    assert.deepEqual(v2.portalIds, [PORTAL]);

    const v1 = transactionFilterV1Of({ 'account[]': [POCKET], 'filter[types]': ['ON_US'], timestamp_to: '2024-03-05T00:00:00Z' });
    assert.deepEqual(v1.pocketIds, [POCKET]);
    assert.deepEqual(v1.types, ['ON_US']);
    assert.equal(v1.timeBooked?.to?.toISOString(), '2024-03-05T00:00:00.000Z');
  });
});
