/**
 * The fuzz world: the tenant under fuzz, set up through the API with customers, applications,
 * pockets, funding, transfers, a subscription and events, so that ids exist; another tenant
 * whose ids the fuzz tenant must never reach; and a cheap snapshot of a tenant's ledger, taken
 * before and after rejected requests.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Queryable } from '../../../src/platform/db/index.ts';
import { type PartnerClient, type TestApp, newPartner } from '../app.ts';
import { applicationRequest, createCustomer, createPocket, fund } from '../fixtures.ts';
import type { Hints } from './schema.ts';
import { ID_KINDS, type IdKind } from './values.ts';

/** The fuzz tenants' clock at setup: a Tuesday, 11:00 in New York, far from the next day's work. */
export const FUZZ_CLOCK_START = '2024-06-04T15:00:00.000Z';

export interface FuzzTenant {
  readonly client: PartnerClient;
  /** Ids of the tenant's objects by kind; the runner adds the ids of objects the fuzzer creates. */
  readonly ids: Record<IdKind, string[] | undefined>;
}

export interface World {
  readonly t: TestApp;
  readonly own: FuzzTenant;
  readonly other: FuzzTenant;
  readonly hints: Hints;
}

type SetupIds = Record<(typeof ID_KINDS)[number], string[]> & Record<IdKind, string[] | undefined>;

function emptyIds(): SetupIds {
  return Object.fromEntries(ID_KINDS.map((kind) => [kind, []])) as unknown as SetupIds;
}

async function ok(response: Promise<{ statusCode: number; body: string; json(): any }>, status: number[] = [200, 201, 202]): Promise<any> {
  const r = await response;
  assert.ok(status.includes(r.statusCode), `${r.statusCode} ${r.body}`);
  return r.body === '' ? undefined : r.json();
}

function onUs(type: string, from: string, to: string, amountCents: number) {
  return {
    type,
    from_account: { id: from, type: 'JIKO_ACCOUNT' },
    to_account: { id: to, type: 'JIKO_ACCOUNT' },
    amount: { type: 'REQUESTED_AMOUNT', amount_usdc: amountCents },
    ...(type === 'PARTNER_CUSTOMER_FUNDING' ? { source: 'Partner operating account' } : {}),
  };
}

/**
 * A tenant with customers and pockets (the fuzz tenant: two customers, four pockets, two left
 * empty; the other tenant: one of each), its funding pocket, an application still CREATED and one
 * REJECTED (fuzz tenant), funded pockets, on-us transfers, a subscription and the events, bank
 * transactions and portals all this made.
 */
async function populatedTenant(t: TestApp, full: boolean): Promise<FuzzTenant> {
  const client = await newPartner(t);
  await client.setClock(FUZZ_CLOCK_START);
  const ids = emptyIds();
  const customers = full ? [await createCustomer(client), await createCustomer(client)] : [await createCustomer(client)];
  ids.customer.push(...customers);
  if (full) {
    ids.application.push((await ok(client.post('/api/v1/applications', applicationRequest('Lovelace')))).id);
    const rejected = (await ok(client.post('/api/v1/applications', applicationRequest('Reject')))).id as string;
    await ok(client.post(`/api/v1/applications/${rejected}/apply`, {}));
    ids.application.push(rejected);
  }
  const last = customers[customers.length - 1]!;
  const pockets = [await createPocket(client, customers[0]!, 'UST-4W')];
  if (full) pockets.push(await createPocket(client, customers[0]!, 'UST-13W'), await createPocket(client, last, 'UST-1W'), await createPocket(client, last, 'UST-26W'));
  const funding = (await ok(client.get('/api/v2/partner/funding-pocket/'))).id as string;
  ids.pocket.push(...pockets, funding);
  await fund(client, funding, 2_000_000);
  ids.transfer.push((await ok(client.post('/api/v1/transfers/on-us', onUs('PARTNER_CUSTOMER_FUNDING', funding, pockets[0]!, 50_000)))).id);
  if (full) {
    await fund(client, pockets[1]!, 200_000);
    ids.transfer.push((await ok(client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', pockets[0]!, pockets[1]!, 10_000)))).id);
  }
  const subscription = await ok(client.post('/api/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['transfers.on-us.success'], shared_secret: 'fuzz-shared-secret-0123' }));
  ids.subscription.push(subscription.id);
  ids.event.push(...((await ok(client.get('/api/v1/events?limit=100'))).items as { event: { event_id: string } }[]).map((e) => e.event.event_id));
  for (const pocket of pockets.slice(0, 2)) {
    ids.transaction.push(...((await ok(client.get(`/api/v2/pockets/${pocket}/transactions/`))).items as { id: string }[]).map((item) => item.id));
    ids.portal.push(...((await ok(client.get(`/api/v2/pockets/${pocket}/portals/`))).portals as { id: string }[]).map((portal) => portal.id));
  }
  return { client, ids };
}

/** Sets up the fuzz tenant and the other tenant. */
export async function buildWorld(t: TestApp): Promise<World> {
  const own = await populatedTenant(t, true);
  const other = await populatedTenant(t, false);
  const eventTypes = ((await ok(own.client.get('/api/v1/events/types'))).items as { event: string }[]).map((item) => item.event);
  const agreementVersion = (await ok(own.client.get('/api/v1/agreements'))).version as string;
  return { t, own, other, hints: { eventTypes, agreementVersion } };
}

/**
 * What a rejected request must leave as it was: the tenant's ledger entries (by status),
 * postings (count, sum, sum of magnitudes), every account's posted balance and hold, and its
 * on-us transfers. Four small queries scoped to the tenant.
 */
export interface LedgerSnapshot {
  readonly entries: string;
  readonly postings: string;
  readonly accounts: string;
  readonly transfers: string;
}

export async function ledgerSnapshot(db: Queryable, partnerId: string): Promise<LedgerSnapshot> {
  const [row] = await db.query<LedgerSnapshot>(
    `SELECT
       (SELECT count(*)::text || ' entries, ' || count(*) FILTER (WHERE status = 'posted')::text || ' posted, ' || count(*) FILTER (WHERE status = 'pending')::text || ' pending'
          FROM ledger_entries WHERE partner_id = $1) AS entries,
       (SELECT count(*)::text || ' postings, sum ' || coalesce(sum(amount_cents), 0)::text || ', magnitude ' || coalesce(sum(abs(amount_cents)), 0)::text
          FROM ledger_postings WHERE partner_id = $1) AS postings,
       (SELECT coalesce(string_agg(id::text || '=' || balance_cents::text || '/' || pending_debit_cents::text, ',' ORDER BY id), '')
          FROM ledger_accounts WHERE partner_id = $1) AS accounts,
       (SELECT count(*)::text FROM on_us_transfers WHERE partner_id = $1) AS transfers`,
    [partnerId],
  );
  return row!;
}

/** A rejected request, as the ledger watch reports it. */
export interface Rejected {
  readonly index: number;
  readonly operation: string;
  readonly status: number;
}

/**
 * Watches the two tenants' ledgers across rejected requests: `rebase()` after a change that went
 * through (the fuzz tenant's new baseline), `check(rejected)` after some rejected requests. The
 * other tenant's ledger is compared with what it was when the watch began: nothing the fuzz
 * tenant sends may change it.
 */
export class LedgerWatch {
  private readonly db: Queryable;
  private readonly world: Pick<World, 'own' | 'other'>;
  private baseline: LedgerSnapshot;
  private readonly otherBaseline: LedgerSnapshot;

  private constructor(db: Queryable, world: Pick<World, 'own' | 'other'>, baseline: LedgerSnapshot, otherBaseline: LedgerSnapshot) {
    this.db = db;
    this.world = world;
    this.baseline = baseline;
    this.otherBaseline = otherBaseline;
  }

  static async start(db: Queryable, world: Pick<World, 'own' | 'other'>): Promise<LedgerWatch> {
    return new LedgerWatch(db, world, await ledgerSnapshot(db, world.own.client.partnerId), await ledgerSnapshot(db, world.other.client.partnerId));
  }

  async rebase(): Promise<void> {
    this.baseline = await ledgerSnapshot(this.db, this.world.own.client.partnerId);
  }

  /**
   * @returns a sentence for each ledger that changed across `rejected` (the other tenant's only
   * when `withOther`, one query less); then rebases.
   */
  async check(rejected: readonly Rejected[], withOther = true): Promise<string[]> {
    const own = await ledgerSnapshot(this.db, this.world.own.client.partnerId);
    const other = withOther ? await ledgerSnapshot(this.db, this.world.other.client.partnerId) : this.otherBaseline;
    const problems: string[] = [];
    const across = rejected.map((r) => `#${r.index} ${r.operation} -> ${r.status}`).join('; ');
    for (const [who, before, after] of [['fuzz tenant', this.baseline, own], ['other tenant', this.otherBaseline, other]] as const) {
      if (!isDeepStrictEqual(before, after)) problems.push(`the ${who}'s ledger changed across requests that must change nothing (rejected, or reads) ${across}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    }
    this.baseline = own;
    return problems;
  }
}
