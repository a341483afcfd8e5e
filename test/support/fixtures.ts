/**
 * Fixtures that go through the public API: an approved customer, a pocket, a sandbox deposit.
 */
import assert from 'node:assert/strict';
import type { Queryable } from '../../src/platform/db/index.ts';
import { checkLedgerInvariants } from '../../src/modules/ledger/index.ts';
import { checkMovementInvariants } from '../../src/modules/movements/index.ts';
import { checkOnUsInvariants } from '../../src/modules/rails/onus/index.ts';
import { checkPortfolioInvariants } from '../../src/modules/portfolio/index.ts';
import { type ApplicationRequest, CURRENT_AGREEMENTS } from '../../src/modules/onboarding/index.ts';
import type { PartnerClient } from '../../src/seed/inject-client.ts';

/** A valid individual application (Jiko's InternationalApplicationRequest); `lastName` picks the sandbox decision. */
export function applicationRequest(lastName = 'Lovelace', overrides: Record<string, unknown> = {}): ApplicationRequest {
  return {
    identification_number: '123-45-6789',
    identification_type: 'SSN',
    name: { first_name: 'Ada', middle_name: 'King', last_name: lastName },
    email: 'ada@example.com',
    date_of_birth: '1990-12-10',
    investment_profile: { employment_status: 'EMPLOYED', income: 'BETWEEN_100K_AND_250K', net_worth: 'BETWEEN_200K_AND_1M', occupation: 'Engineer' },
    agreement_consent: { version: CURRENT_AGREEMENTS.version, timestamp: '2024-01-01T10:00:00Z' },
    address: { street_address: '1 Main Street', city: 'Springfield', postal_code: '12345', state: 'NJ', country: 'US' },
    phone_number: '+14155550123',
    citizenship_country: 'US',
    ...overrides,
  } as ApplicationRequest;
}

/** Creates and applies an application that the sandbox approves; returns the customer id. */
export async function createCustomer(client: PartnerClient): Promise<string> {
  const created = await client.post('/api/v1/applications/', applicationRequest());
  assert.equal(created.statusCode, 201, created.body);
  const applied = await client.post(`/api/v1/applications/${created.json().id}/apply/`, {});
  assert.equal(applied.statusCode, 200, applied.body);
  const customerId = applied.json().customer_id as string;
  assert.ok(customerId);
  return customerId;
}

/** Creates an OPEN pocket of `strategy` for the customer; returns its id. */
export async function createPocket(client: PartnerClient, customerId: string, strategy: string, name = `${strategy} pocket`): Promise<string> {
  const response = await client.post(`/api/v2/customers/${customerId}/pockets/`, { pocket_name: name, deposit_strategy_id: strategy });
  assert.ok(response.statusCode === 200 || response.statusCode === 201, response.body);
  return response.json().id as string;
}

/** Sandbox inbound ACH credits into a pocket. */
export async function fund(client: PartnerClient, pocketId: string, amountCents: number, count = 1): Promise<void> {
  const response = await client.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: amountCents, count }, { unsigned: true });
  assert.equal(response.statusCode, 202, response.body);
}

export interface MoneyJson {
  value: number;
  currency: string;
  formatted: string;
}

export interface PortfolioJson {
  securities: { cusip: string; quantity: number; market_value: MoneyJson; maturity_date: string; yield_to_maturity: string; bid: string; ask: string }[];
  cash: MoneyJson;
  total_value: MoneyJson;
  all_time_earnings: MoneyJson;
  liquidation_value_t0: MoneyJson;
  liquidation_value_t1: MoneyJson;
}

export async function getPortfolio(client: PartnerClient, pocketId: string): Promise<PortfolioJson> {
  const response = await client.get(`/api/v2/pockets/${pocketId}/`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().portfolio as PortfolioJson;
}

/** Asserts the tenant's ledger, portfolio, bank transaction and on-us transfer invariants (no violations). */
export async function assertSound(db: Queryable, partnerId: string): Promise<void> {
  assert.deepEqual(await checkLedgerInvariants(db, partnerId), []);
  assert.deepEqual(await checkPortfolioInvariants(db, partnerId), []);
  assert.deepEqual(await checkMovementInvariants(db, partnerId), []);
  assert.deepEqual(await checkOnUsInvariants(db, partnerId), []);
}

/** Moves money between two pockets of a customer (INTERNAL_REALLOCATION, COMPLETED); returns the amount moved, in cents. */
export async function reallocate(client: PartnerClient, from: string, to: string, amount: Record<string, unknown>): Promise<bigint> {
  const response = await client.post('/api/v1/transfers/on-us', {
    type: 'INTERNAL_REALLOCATION',
    from_account: { id: from, type: 'JIKO_ACCOUNT' },
    to_account: { id: to, type: 'JIKO_ACCOUNT' },
    amount,
  });
  assert.equal(response.statusCode, 201, response.body);
  assert.equal(response.json().status, 'COMPLETED', response.body);
  return BigInt(response.json().transfer.amount.value as number);
}
