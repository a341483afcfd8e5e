/**
 * Builds the benchmark's data through the public Partner API only (signed requests, sandbox
 * endpoints), so that it keeps working while the engine's modules move.
 */
import { type JikoClient, expectStatus } from './jiko.ts';

/**
 * The instant the benchmark's tenants start at: a Monday of 2024 at 11:00 in New York, a bond
 * market business day inside the shipped market data, so funding buys bills at once and the
 * following 28 days hold maturities, reinvestments and business days.
 */
export const BENCH_CLOCK_START = '2024-03-04T16:00:00Z';

/** Deposit strategy of every benchmark pocket: 4-week bills mature inside a 28-day advance. */
export const BENCH_STRATEGY = 'UST-4W';

/** Sets the tenant's test clock (allowed while the tenant has no customers). */
export async function setClock(client: JikoClient, now: string): Promise<void> {
  expectStatus('set clock', await client.sandbox('POST', '/api/v1/sandbox/clock/', { now }), 200);
}

/** Advances the tenant's test clock by whole days; returns the new clock. */
export async function advanceClock(client: JikoClient, days: number): Promise<{ now: string; business_date: string }> {
  return expectStatus('advance clock', await client.sandbox('POST', '/api/v1/sandbox/clock/advance/', { days }), 200) as { now: string; business_date: string };
}

/** Opens an individual customer through an application that the sandbox approves. */
export async function createCustomer(client: JikoClient, n: number): Promise<string> {
  const agreements = expectStatus('agreements', await client.signed('GET', '/api/v1/agreements/'), 200) as { version: string };
  const application = expectStatus(
    'create application',
    await client.signed('POST', '/api/v1/applications/', {
      identification_number: String(100_000_000 + n),
      identification_type: 'SSN',
      name: { first_name: 'Bench', last_name: `Customer${n}` },
      email: `bench-${n}@example.com`,
      date_of_birth: '1980-01-01',
      investment_profile: {
        employment_status: 'EMPLOYED',
        income: 'BETWEEN_100K_AND_250K',
        net_worth: 'BETWEEN_200K_AND_1M',
        occupation: 'Engineer',
      },
      agreement_consent: { version: agreements.version, timestamp: BENCH_CLOCK_START },
      address: { street_address: '1 Liberty Plaza', city: 'New York', state: 'NY', postal_code: '10006', country: 'US' },
      phone_number: '+12125550100',
      citizenship_country: 'US',
    }),
    201,
  ) as { id: string };
  const decided = expectStatus('apply', await client.signed('POST', `/api/v1/applications/${application.id}/apply/`, {}), 200) as {
    customer_id: string | null;
    status: string;
  };
  if (!decided.customer_id) throw new Error(`bench customer ${n}: application ended ${decided.status}`);
  return decided.customer_id;
}

/** Creates an open pocket for `customerId`; returns its id. */
export async function createPocket(client: JikoClient, customerId: string, name: string, strategy = BENCH_STRATEGY): Promise<string> {
  const body = { pocket_name: name, deposit_strategy_id: strategy, reinvestment_strategy_id: strategy };
  const created = expectStatus('create pocket', await client.signed('POST', `/api/v2/customers/${customerId}/pockets/`, body), 201) as { id: string };
  return created.id;
}

/** Sandbox funding: `count` simulated ACH credits of `amountCents` each (each below $50,000). */
export async function fundPocket(client: JikoClient, pocketId: string, amountCents: number, count = 1): Promise<void> {
  expectStatus('fund', await client.sandbox('POST', '/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: amountCents, count }), 202);
}

/** The on-us INTERNAL_REALLOCATION request body the benchmark sends. */
export function reallocationBody(fromPocketId: string, toPocketId: string, amountCents: number) {
  return {
    type: 'INTERNAL_REALLOCATION',
    from_account: { id: fromPocketId, type: 'JIKO_ACCOUNT' },
    to_account: { id: toPocketId, type: 'JIKO_ACCOUNT' },
    amount: { type: 'REQUESTED_AMOUNT', amount_usdc: amountCents },
  };
}

export const ON_US_PATH = '/api/v1/transfers/on-us/';

/** One signed, idempotent on-us transfer; returns its status (COMPLETED expected). */
export async function transfer(client: JikoClient, fromPocketId: string, toPocketId: string, amountCents: number): Promise<string> {
  const response = await client.signed('POST', ON_US_PATH, reallocationBody(fromPocketId, toPocketId, amountCents));
  return (expectStatus('on-us transfer', response, 201) as { status: string }).status;
}

/** Runs `fn` over `items` with at most `concurrency` at once; results in order. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** Pockets between two progress reports of `seedPockets`. */
export const SEED_PROGRESS_EVERY = 1_000;

export interface SeededPocket {
  readonly customerId: string;
  readonly pocketId: string;
}

/**
 * Creates `customers` customers with `pocketsPerCustomer` pockets each, every pocket funded with one
 * credit of `fundCents`, `concurrency` requests at a time. Returns the pockets, customer by customer.
 */
export async function seedPockets(
  client: JikoClient,
  options: {
    customers: number;
    pocketsPerCustomer: number;
    fundCents: number;
    fundCount?: number;
    concurrency: number;
    firstCustomer?: number;
    /** Called after every SEED_PROGRESS_EVERY pockets with how many are done. */
    onProgress?: (done: number) => void;
  },
): Promise<SeededPocket[][]> {
  const numbers = Array.from({ length: options.customers }, (_, i) => (options.firstCustomer ?? 0) + i);
  const customerIds = await inPool(numbers, options.concurrency, (n) => createCustomer(client, n));
  const jobs = customerIds.flatMap((customerId) => Array.from({ length: options.pocketsPerCustomer }, (_, i) => ({ customerId, i })));
  let done = 0;
  const pockets = await inPool(jobs, options.concurrency, async ({ customerId, i }) => {
    const pocketId = await createPocket(client, customerId, `Bench ${i}`);
    await fundPocket(client, pocketId, options.fundCents, options.fundCount ?? 1);
    done += 1;
    if (done % SEED_PROGRESS_EVERY === 0) options.onProgress?.(done);
    return { customerId, pocketId };
  });
  return customerIds.map((customerId) => pockets.filter((pocket) => pocket.customerId === customerId));
}
