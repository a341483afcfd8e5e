/**
 * Property test: random deposits, on-us transfers and clock moves on one customer's pockets. After
 * every step the ledger balances and sums to zero, no cash or lot is negative, each pocket's
 * total value is its cash plus the marks of its bills, and no money is created or lost: what the
 * pockets hold minus what they earned equals what came in.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { checkLedgerInvariants } from '../src/modules/ledger/index.ts';
import { checkPortfolioInvariants } from '../src/modules/portfolio/index.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t.close());

type Step =
  | { kind: 'fund'; pocket: number; amountCents: number; count: number }
  | { kind: 'transfer'; from: number; to: number; amountCents: number | 'FULL_WITHDRAWAL' }
  | { kind: 'advance'; days: number };

const POCKETS = ['UST-4W', 'UST-13W', 'UST-26W'] as const;

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('fund' as const), pocket: fc.nat(2), amountCents: fc.integer({ min: 1, max: 4_999_999 }), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    kind: fc.constant('transfer' as const),
    from: fc.nat(2),
    to: fc.nat(2),
    amountCents: fc.oneof(fc.integer({ min: 1, max: 6_000_000 }), fc.constant('FULL_WITHDRAWAL' as const)),
  }),
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 25 }) }),
);

test('random deposits, transfers and clock moves keep every invariant', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), fc.integer({ min: 0, max: 300 }), async (steps, startOffsetDays) => {
      run += 1;
      const client = await newPartner(t);
      const start = new Date(Date.UTC(2024, 0, 2, 15) + startOffsetDays * 86_400_000);
      await client.setClock(start.toISOString());
      const customerId = await createCustomer(client);
      const pockets: string[] = [];
      for (const strategy of POCKETS) pockets.push(await createPocket(client, customerId, strategy));
      let fundedCents = 0;

      for (const s of steps) {
        const before = await Promise.all(pockets.map((id) => getPortfolio(client, id)));
        if (s.kind === 'fund') {
          await fund(client, pockets[s.pocket]!, s.amountCents, s.count);
          fundedCents += s.amountCents * s.count;
        } else if (s.kind === 'transfer') {
          const response = await client.post('/api/v1/transfers/on-us', {
            type: 'INTERNAL_REALLOCATION',
            from_account: { id: pockets[s.from], type: 'JIKO_ACCOUNT' },
            to_account: { id: pockets[s.to], type: 'JIKO_ACCOUNT' },
            amount: s.amountCents === 'FULL_WITHDRAWAL' ? { type: 'FULL_WITHDRAWAL' } : { type: 'REQUESTED_AMOUNT', amount_usdc: s.amountCents },
          });
          if (s.from === s.to) {
            assert.equal(response.statusCode, 422, response.body);
          } else {
            assert.ok(response.statusCode === 200 || response.statusCode === 201, response.body);
            const transfer = response.json() as { status: string; reason?: string };
            if (transfer.status === 'REJECTED') {
              assert.equal(transfer.reason, 'INSUFFICIENT_FUNDS');
              const afterRejection = await Promise.all(pockets.map((id) => getPortfolio(client, id)));
              assert.deepEqual(afterRejection.map((p) => [p.cash.value, p.securities]), before.map((p) => [p.cash.value, p.securities]), 'a rejected transfer moves nothing');
            } else {
              assert.equal(transfer.status, 'COMPLETED');
            }
          }
        } else {
          await client.advanceClock({ days: s.days });
        }

        assert.deepEqual(await checkLedgerInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        assert.deepEqual(await checkPortfolioInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        let principalCents = 0;
        for (const id of pockets) {
          const portfolio = await getPortfolio(client, id);
          assert.ok(portfolio.cash.value >= 0);
          let marks = 0;
          for (const security of portfolio.securities) {
            assert.ok(security.quantity > 0);
            marks += security.market_value.value;
          }
          assert.equal(portfolio.total_value.value, portfolio.cash.value + marks);
          principalCents += portfolio.total_value.value - portfolio.all_time_earnings.value;
        }
        assert.equal(principalCents, fundedCents, 'money in equals what the pockets hold less what they earned');
      }
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 4), endOnFailure: true },
  );
});
