/**
 * The sandbox demo: on the first start of an empty database, the sandbox partner gets a customer
 * with pockets of several maturities, funded and carried through a year of real Treasury rates by
 * the test clock, so the API has history to show at once. Everything goes through the public
 * Partner API (signed requests via `app.inject()`), exactly as an integrator would do it.
 */
import type { FastifyInstance } from 'fastify';
import type { PartnerClient } from './inject-client.ts';

/** Where the demo's history starts and ends (2024 has real auction CUSIPs and daily rates). */
export const DEMO_START = '2024-01-02T15:00:00Z';
export const DEMO_END = '2024-12-31T21:00:00Z';

interface DemoPocket {
  readonly name: string;
  readonly strategy: string;
  /** Deposits: amount in cents (each below the sandbox fund limit) and how many. */
  readonly amountCents: number;
  readonly count: number;
}

const DEMO_POCKETS: readonly DemoPocket[] = [
  { name: 'Everyday cash', strategy: 'UST-4W', amountCents: 2_500_000, count: 2 },
  { name: 'Tax reserve', strategy: 'UST-13W', amountCents: 4_000_000, count: 3 },
  { name: 'Rainy day', strategy: 'UST-26W', amountCents: 4_999_999, count: 4 },
  { name: 'Long horizon', strategy: 'UST-52W', amountCents: 4_500_000, count: 2 },
];

export interface DemoSummary {
  readonly customerId: string;
  readonly pockets: { id: string; name: string; strategy: string; totalValue: string }[];
  readonly clock: string;
}

async function expectOk<T>(label: string, response: { statusCode: number; body: string; json(): unknown }): Promise<T> {
  if (response.statusCode >= 300) throw new Error(`demo seed: ${label} failed: ${response.statusCode} ${response.body}`);
  return (response.body ? response.json() : undefined) as T;
}

/**
 * Seeds the demo into the partner behind `client` (whose tenant must have no customers yet).
 * @returns what was created, for the start-up message.
 * @throws Error when any API call fails (the message names the call).
 */
export async function seedDemo(_app: FastifyInstance, client: PartnerClient): Promise<DemoSummary> {
  await client.setClock(DEMO_START);
  const agreements = await expectOk<{ version: string }>('agreements', await client.get('/api/v1/agreements/'));
  const application = await expectOk<{ id: string }>(
    'create application',
    await client.post('/api/v1/applications/', {
      identification_number: '123456789',
      identification_type: 'SSN',
      name: { first_name: 'Ada', last_name: 'Treasury' },
      email: 'ada@example.com',
      date_of_birth: '1985-06-15',
      investment_profile: {
        employment_status: 'EMPLOYED',
        income: 'BETWEEN_100K_AND_250K',
        net_worth: 'BETWEEN_200K_AND_1M',
        occupation: 'Engineer',
      },
      agreement_consent: { version: agreements.version, timestamp: DEMO_START },
      address: { street_address: '1 Liberty Plaza', city: 'New York', state: 'NY', postal_code: '10006', country: 'US' },
      phone_number: '+12125550100',
      citizenship_country: 'US',
    }),
  );
  const decided = await expectOk<{ customer_id: string | null; status: string }>(
    'apply',
    await client.post(`/api/v1/applications/${application.id}/apply/`, {}),
  );
  if (!decided.customer_id) throw new Error(`demo seed: application ended ${decided.status}`);
  const customerId = decided.customer_id;

  const created: { id: string; name: string; strategy: string }[] = [];
  for (const pocket of DEMO_POCKETS) {
    const body = await expectOk<{ id: string }>(
      `create pocket ${pocket.name}`,
      await client.post(`/api/v2/customers/${customerId}/pockets/`, {
        pocket_name: pocket.name,
        deposit_strategy_id: pocket.strategy,
        reinvestment_strategy_id: pocket.strategy,
      }),
    );
    created.push({ id: body.id, name: pocket.name, strategy: pocket.strategy });
    await expectOk(
      `fund ${pocket.name}`,
      await client.post('/api/v1/sandbox/fund/', { account_id: body.id, amount_usdc: pocket.amountCents, count: pocket.count }, { unsigned: true }),
    );
  }

  // Mid-year, move some cash between pockets so the history has transfers and sales too.
  await client.advanceClock({ to: '2024-06-14T15:00:00Z' });
  const [everyday, taxReserve] = created;
  if (everyday && taxReserve) {
    await expectOk(
      'internal reallocation',
      await client.post('/api/v1/transfers/on-us', {
        type: 'INTERNAL_REALLOCATION',
        from_account: { id: taxReserve.id, type: 'JIKO_ACCOUNT' },
        to_account: { id: everyday.id, type: 'JIKO_ACCOUNT' },
        amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 1_234_567 },
        description: 'Quarterly top-up',
      }),
    );
  }
  const clock = await client.advanceClock({ to: DEMO_END });

  const pockets = [];
  for (const pocket of created) {
    const body = await expectOk<{ portfolio: { total_value: { formatted: string } } }>(
      `get pocket ${pocket.name}`,
      await client.get(`/api/v2/pockets/${pocket.id}/`),
    );
    pockets.push({ ...pocket, totalValue: body.portfolio.total_value.formatted });
  }
  return { customerId, pockets, clock: clock.now };
}
