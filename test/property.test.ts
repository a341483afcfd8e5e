/**
 * Property test: random deposits, on-us transfers, card payments, ACH pulls, pushes and returns,
 * outgoing wires and clock moves on one customer's pockets. After every step the ledger balances
 * and sums to zero, no cash or lot is negative, each pocket's total value is its cash plus the
 * marks of its bills, money in flight (ACH, wires) equals the sum of the pending entries, and no
 * money is created or lost: what the pockets hold minus what they earned equals what came in.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { checkLedgerInvariants } from '../src/modules/ledger/index.ts';
import { checkMovementInvariants } from '../src/modules/movements/index.ts';
import { checkPortfolioInvariants } from '../src/modules/portfolio/index.ts';
import { partnerContext } from '../src/platform/context.ts';
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
  | { kind: 'advance'; days: number }
  | { kind: 'swipe'; pocket: number; amountCents: number; capture: boolean; settlePercent: number }
  | { kind: 'refund'; pocket: number; amountCents: number }
  | { kind: 'ach'; pocket: number; direction: 'DEBIT' | 'CREDIT'; amountCents: number }
  | { kind: 'achReturn'; code: 'R01' | 'R03' | 'R10' }
  | { kind: 'wire'; pocket: number; amountCents: number };

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
  fc.record({
    kind: fc.constant('swipe' as const), pocket: fc.nat(2), amountCents: fc.integer({ min: 1, max: 1_200_000 }), capture: fc.boolean(),
    settlePercent: fc.integer({ min: 50, max: 150 }),
  }),
  fc.record({ kind: fc.constant('refund' as const), pocket: fc.nat(2), amountCents: fc.integer({ min: 1, max: 500_000 }) }),
  fc.record({
    kind: fc.constant('ach' as const), pocket: fc.nat(2), direction: fc.constantFrom('DEBIT' as const, 'CREDIT' as const),
    amountCents: fc.integer({ min: 1, max: 3_000_000 }),
  }),
  fc.record({ kind: fc.constant('achReturn' as const), code: fc.constantFrom('R01' as const, 'R03' as const, 'R10' as const) }),
  fc.record({ kind: fc.constant('wire' as const), pocket: fc.nat(2), amountCents: fc.integer({ min: 1, max: 2_000_000 }) }),
);

/**
 * Net cents ACH originations and wires moved into the tenant's pockets once settled, from the
 * rails' own records (not the bank transactions): a settled pull in, a settled push out, a
 * returned push back (net 0), a returned pull taken back but for its receivable; a settled wire
 * out with its fee, a wire returned after it was sent keeps only its fee out, an incoming wire in.
 */
async function railNetInCents(partnerId: string): Promise<number> {
  const [ach] = await t.db.query<{ net: string }>(
    `SELECT coalesce(sum(CASE
        WHEN direction = 'DEBIT' AND status = 'PROCESSED' THEN amount_cents
        WHEN direction = 'DEBIT' AND status = 'REJECTED' THEN receivable_cents
        WHEN direction = 'CREDIT' AND status = 'PROCESSED' THEN -amount_cents
        ELSE 0 END), 0)::text AS net FROM ach_originations WHERE partner_id = $1`,
    [partnerId],
  );
  const [wires] = await t.db.query<{ net: string }>(
    `SELECT coalesce(sum(CASE
        WHEN direction = 'INCOMING' AND status = 'COMPLETED' THEN amount_cents
        WHEN direction = 'OUTGOING' AND status = 'COMPLETED' THEN -(amount_cents + fee_cents)
        WHEN direction = 'OUTGOING' AND status = 'REJECTED' AND sent_at IS NOT NULL THEN -fee_cents
        ELSE 0 END), 0)::text AS net FROM wires WHERE partner_id = $1`,
    [partnerId],
  );
  return Number(ach!.net) + Number(wires!.net);
}

/** A client's RSA key for the cards' encrypted details (the tests never read them). */
const cardKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** Net cents card payments took out of the tenant's pockets: what settled less what was refunded. */
async function cardNetOutCents(partnerId: string): Promise<number> {
  const rows = await t.db.query<{ net: string }>(
    `SELECT coalesce(sum(CASE WHEN kind = 'refund' THEN -settled_cents ELSE settled_cents END), 0)::text AS net
       FROM card_authorizations WHERE partner_id = $1 AND status = 'SETTLED'`,
    [partnerId],
  );
  return Number(rows[0]!.net);
}

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
      const cardCtx = partnerContext(client.partnerId, (await t.services.tenancy.clock(client.partnerId)).now);
      const cards: string[] = [];
      for (const id of pockets) cards.push((await t.services.cards.createVirtual(cardCtx, id, cardKeyPem)).cardId);
      let fundedCents = 0;
      const counterparty = async (body: Record<string, unknown>) => {
        const response = await client.post(`/api/v2/customers/${customerId}/counterparties/`, { ...body, verification_method: 'pre_verified' });
        assert.equal(response.statusCode, 201, response.body);
        return response.json().id as string;
      };
      const achCounterparty = await counterparty({
        type: 'ach', counterparty_name: { type: 'business', business_name: 'Hopper Ledger Corp.' }, routing_number: '021000021', account_number: '123456789',
      });
      const wireCounterparty = await counterparty({
        type: 'wire', counterparty_name: { type: 'business', business_name: 'Hopper Ledger Corp.' }, routing_number: '021000021', identifier: '987654321',
        address: { street_address: '1 Main Street', city: 'Springfield', postal_code: '07081', state: 'NJ', country: 'US' },
      });

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
        } else if (s.kind === 'swipe' || s.kind === 'refund') {
          const body = s.kind === 'refund'
            ? { card_id: cards[s.pocket], amount_usdc: s.amountCents, type: 'refund' }
            : { card_id: cards[s.pocket], amount_usdc: s.amountCents, capture: s.capture, settlement_amount_usdc: Math.max(1, Math.floor((s.amountCents * s.settlePercent) / 100)) };
          const response = await client.post('/api/v1/sandbox/card-swipe', body);
          assert.equal(response.statusCode, 202, response.body);
          if (response.json().status === 'DECLINED') {
            const afterDecline = await Promise.all(pockets.map((id) => getPortfolio(client, id)));
            assert.deepEqual(afterDecline.map((p) => [p.cash.value, p.securities]), before.map((p) => [p.cash.value, p.securities]), 'a declined swipe moves nothing');
          }
        } else if (s.kind === 'ach') {
          const response = await client.post(`/api/v1/jiko-accounts/${pockets[s.pocket]}/ach-originating`, {
            counterparty_id: achCounterparty, direction: s.direction, amount_usdc: s.amountCents,
          });
          if (response.statusCode === 422) {
            assert.equal(s.direction, 'CREDIT', response.body);
            const afterRefusal = await Promise.all(pockets.map((id) => getPortfolio(client, id)));
            assert.deepEqual(afterRefusal.map((p) => [p.cash.value, p.securities]), before.map((p) => [p.cash.value, p.securities]), 'a refused push moves nothing');
          } else {
            assert.equal(response.statusCode, 200, response.body);
          }
        } else if (s.kind === 'achReturn') {
          const [settled] = await t.db.query<{ id: string }>(
            `SELECT id FROM ach_originations WHERE partner_id = $1 AND status = 'PROCESSED' ORDER BY time_created DESC, id LIMIT 1`, [client.partnerId],
          );
          if (settled) {
            const response = await client.post(`/api/v1/sandbox/ach-originating/${settled.id}/return`, { return_code: s.code }, { unsigned: true });
            assert.ok(response.statusCode === 200 || response.statusCode === 422, response.body);
          }
        } else if (s.kind === 'wire') {
          const response = await client.post(`/api/v1/jiko-accounts/${pockets[s.pocket]}/wires`, { counterparty_id: wireCounterparty, amount_usdc: s.amountCents });
          assert.ok(response.statusCode === 201 || response.statusCode === 422, response.body);
          if (response.statusCode === 422) assert.equal(response.json().detail[0].loc.at(-1), 'amount_usdc', response.body);
        } else {
          await client.advanceClock({ days: s.days });
        }

        assert.deepEqual(await checkLedgerInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        assert.deepEqual(await checkPortfolioInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        assert.deepEqual(await checkMovementInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        assert.deepEqual(await t.services.cardIssuer.checkInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        // Money in flight (ACH originations and micro-entries, wires) equals the sum of the pending entries.
        assert.deepEqual(await t.services.ach.checkInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
        assert.deepEqual(await t.services.wires.checkInvariants(t.db, client.partnerId), [], `run ${run} after ${JSON.stringify(s)}`);
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
        assert.equal(
          principalCents, fundedCents - (await cardNetOutCents(client.partnerId)) + (await railNetInCents(client.partnerId)),
          'money in equals what the pockets hold less what they earned',
        );
      }
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 4), endOnFailure: true },
  );
});
