/**
 * The sandbox demo: on the first start of an empty database, the sandbox partner gets a customer
 * with pockets of several maturities, funded and carried through a year of real Treasury rates by
 * the test clock, so the API has history to show at once. Everything goes through the public
 * Partner API with the typed client (`pocketbook/client`: signed requests, typed paths and bodies),
 * exactly as an integrator would do it; `main.ts` runs it in-process over `app.inject()`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PocketbookClient, paths } from '../client/index.ts';

/** Where the demo's history starts, when its mid-year transfer happens, and where it ends (2024 has real auction CUSIPs and daily rates). */
export interface DemoSpan {
  /** ISO 8601 instants, in this order. */
  readonly start: string;
  readonly transferAt: string;
  readonly end: string;
}

/** The demo's year. */
export const DEMO_SPAN: DemoSpan = { start: '2024-01-02T15:00:00Z', transferAt: '2024-06-14T15:00:00Z', end: '2024-12-31T21:00:00Z' };

/** The body of POST /api/v2/customers/{customer_id}/pockets/. */
type NewPocket = NonNullable<paths['/api/v2/customers/{customer_id}/pockets/']['post']['requestBody']>['content']['application/json'];

export interface DemoPocket {
  readonly name: string;
  readonly strategy: NewPocket['deposit_strategy_id'];
  /** Deposits: amount in cents (each below the sandbox fund limit) and how many. */
  readonly amountCents: number;
  readonly count: number;
}

export const DEMO_POCKETS: readonly DemoPocket[] = [
  { name: 'Everyday cash', strategy: 'UST-4W', amountCents: 2_500_000, count: 2 },
  { name: 'Tax reserve', strategy: 'UST-13W', amountCents: 4_000_000, count: 3 },
  { name: 'Rainy day', strategy: 'UST-26W', amountCents: 4_999_999, count: 4 },
  { name: 'Long horizon', strategy: 'UST-52W', amountCents: 4_500_000, count: 2 },
];

/** Cents moved from the tax reserve to everyday cash at `transferAt`. */
export const TOP_UP_CENTS = 1_234_567;

export interface DemoSummary {
  readonly customerId: string;
  /** Each pocket with its total value at the end (Jiko's `formatted`, e.g. `$51,234.56`). */
  readonly pockets: { id: string; name: string; strategy: string; totalValue: string }[];
  /** The tenant clock at the end (ISO 8601). */
  readonly clock: string;
}

/** The data of a successful (2xx) call. @throws Error naming the call, its status and the error body otherwise. */
function must<T>(label: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new Error(`demo seed: ${label} failed: ${result.response.status} ${JSON.stringify(result.error ?? null)}`);
  return result.data as T;
}

/** How long the seed waits for a new pocket to open (it opens asynchronously, within seconds). */
const POCKET_OPEN_WAIT_MS = 30_000;
const POCKET_OPEN_POLL_MS = 50;

/**
 * Waits until the pocket is OPEN, as an integrator would (polling GET; the server's job worker
 * opens it `POCKETBOOK_POCKET_OPEN_DELAY_MS` after creation).
 * @throws Error when it is not open within POCKET_OPEN_WAIT_MS.
 */
async function untilOpen(client: PocketbookClient, pocketId: string, label: string): Promise<void> {
  const deadline = performance.now() + POCKET_OPEN_WAIT_MS;
  for (;;) {
    const pocket = must(
      `get pocket ${label}`,
      await client.GET('/api/v2/pockets/{pocket_id}/', { params: { path: { pocket_id: pocketId }, query: { 'omit[]': ['portfolio'] } } }),
    );
    if (pocket.status === 'OPEN') return;
    if (performance.now() > deadline) throw new Error(`demo seed: pocket ${label} is still ${pocket.status} after ${POCKET_OPEN_WAIT_MS} ms (is the job worker running?)`);
    await sleep(POCKET_OPEN_POLL_MS);
  }
}

/** An approved customer (Ada Treasury), who consented to the current agreements at `at`. */
async function demoCustomer(client: PocketbookClient, at: string): Promise<string> {
  const agreements = must('agreements', await client.GET('/api/v1/agreements'));
  const application = must(
    'create application',
    await client.POST('/api/v1/applications', {
      body: {
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
        agreement_consent: { version: agreements.version, timestamp: at },
        address: { street_address: '1 Liberty Plaza', city: 'New York', state: 'NY', postal_code: '10006', country: 'US' },
        phone_number: '+12125550100',
        citizenship_country: 'US',
      },
    }),
  );
  const decided = must('apply', await client.POST('/api/v1/applications/{application_id}/apply', { params: { path: { application_id: application.id } } }));
  if (!decided.customer_id) throw new Error(`demo seed: application ended ${decided.status}`);
  return decided.customer_id;
}

/**
 * Seeds the demo into the partner behind `client` (whose tenant must have no customers yet): sets
 * the tenant clock to `span.start`, opens and funds the pockets, moves cash between two of them at
 * `span.transferAt`, and advances the clock to `span.end` (all the year's maturities and
 * reinvestments run on the way).
 * @returns what was created, for the start-up message.
 * @throws Error when any API call fails (the message names the call, its status and body).
 */
export async function seedDemo(client: PocketbookClient, span: DemoSpan = DEMO_SPAN): Promise<DemoSummary> {
  must('set clock', await client.POST('/api/v1/sandbox/clock', { body: { now: span.start } }));
  const customerId = await demoCustomer(client, span.start);

  const created: { id: string; name: string; strategy: string }[] = [];
  for (const pocket of DEMO_POCKETS) {
    const body = must(
      `create pocket ${pocket.name}`,
      await client.POST('/api/v2/customers/{customer_id}/pockets/', {
        params: { path: { customer_id: customerId } },
        body: { pocket_name: pocket.name, deposit_strategy_id: pocket.strategy, reinvestment_strategy_id: pocket.strategy },
      }),
    );
    created.push({ id: body.id, name: pocket.name, strategy: pocket.strategy });
    await untilOpen(client, body.id, pocket.name);
    must(`fund ${pocket.name}`, await client.POST('/api/v1/sandbox/fund', { body: { account_id: body.id, amount_usdc: pocket.amountCents, count: pocket.count } }));
  }

  // Mid-year, move some cash between pockets so the history has transfers and sales too.
  must('advance clock', await client.POST('/api/v1/sandbox/clock/advance', { body: { to: span.transferAt } }));
  const [everyday, taxReserve] = created;
  if (everyday && taxReserve) {
    must(
      'internal reallocation',
      await client.POST('/api/v1/transfers/on-us', {
        body: {
          type: 'INTERNAL_REALLOCATION',
          from_account: { id: taxReserve.id, type: 'JIKO_ACCOUNT' },
          to_account: { id: everyday.id, type: 'JIKO_ACCOUNT' },
          amount: { type: 'REQUESTED_AMOUNT', amount_usdc: TOP_UP_CENTS },
          description: 'Quarterly top-up',
        },
      }),
    );
  }
  const clock = must('advance clock', await client.POST('/api/v1/sandbox/clock/advance', { body: { to: span.end } }));

  const pockets = [];
  for (const pocket of created) {
    const body = must(`get pocket ${pocket.name}`, await client.GET('/api/v2/pockets/{pocket_id}/', { params: { path: { pocket_id: pocket.id } } }));
    if (!body.portfolio) throw new Error(`demo seed: pocket ${pocket.name} came without its portfolio`);
    pockets.push({ ...pocket, totalValue: body.portfolio.total_value.formatted });
  }
  return { customerId, pockets, clock: clock.now };
}
