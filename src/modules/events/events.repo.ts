/**
 * SQL of the events module: subscriptions, the event store, deliveries and their attempts.
 * Every statement names the partner, so one tenant never reads another's rows.
 */
import type { Queryable, Tx } from '../../platform/db/index.ts';
import type { PageRequest } from '../../platform/http/index.ts';
import type { RetryPolicy, StoredEvent } from './events.domain.ts';

export type SubscriptionStatus = 'enabled' | 'disabled';

export interface SubscriptionRow {
  id: string;
  partner_id: string;
  url: string;
  events: string[];
  description: string;
  shared_secret: string;
  status: SubscriptionStatus;
  retry_policy: RetryPolicy | null;
  disabled_reason: string | null;
  time_created: Date;
  updated_at: Date;
}

const SUBSCRIPTION_COLUMNS =
  'id, partner_id, url, events, description, shared_secret, status, retry_policy, disabled_reason, time_created, updated_at';

/**
 * Keyset condition and order for a list whose natural order is newest first on (time, id):
 * forward pages go down from the cursor, backward pages go up (cursorList turns them around).
 */
function keyset(page: PageRequest, timeColumn: string, idColumn: string, firstParam: number): { where: string; order: string; params: unknown[] } {
  const direction = page.backward ? 'ASC' : 'DESC';
  const order = `ORDER BY ${timeColumn} ${direction}, ${idColumn} ${direction}`;
  if (!page.after) return { where: 'TRUE', order, params: [] };
  const [time, id] = page.after;
  const op = page.backward ? '>' : '<';
  return {
    where: `(${timeColumn}, ${idColumn}) ${op} ($${firstParam}::timestamptz, $${firstParam + 1}::uuid)`,
    order,
    params: [String(time), String(id)],
  };
}

// ---------------------------------------------------------------- subscriptions

export async function insertSubscription(q: Queryable, row: Omit<SubscriptionRow, 'disabled_reason'>): Promise<void> {
  await q.query(
    `INSERT INTO subscriptions (id, partner_id, url, events, description, shared_secret, status, retry_policy, time_created, updated_at)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8::jsonb, $9, $10)`,
    [row.id, row.partner_id, row.url, row.events, row.description, row.shared_secret, row.status,
      row.retry_policy === null ? null : JSON.stringify(row.retry_policy), row.time_created, row.updated_at],
  );
}

export async function findSubscription(q: Queryable, partnerId: string, id: string, forUpdate = false): Promise<SubscriptionRow | undefined> {
  const rows = await q.query<SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions
      WHERE partner_id = $1 AND id = $2 AND deleted_at IS NULL${forUpdate ? ' FOR UPDATE' : ''}`,
    [partnerId, id],
  );
  return rows[0];
}

/** One page of the tenant's subscriptions, newest first; `limit + 1` rows at most. */
export async function listSubscriptions(q: Queryable, partnerId: string, page: PageRequest): Promise<SubscriptionRow[]> {
  const ks = keyset(page, 'time_created', 'id', 2);
  return q.query<SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions
      WHERE partner_id = $1 AND deleted_at IS NULL AND ${ks.where}
      ${ks.order} LIMIT ${page.limit + 1}`,
    [partnerId, ...ks.params],
  );
}

export async function updateSubscription(q: Queryable, row: SubscriptionRow): Promise<void> {
  await q.query(
    `UPDATE subscriptions
        SET url = $3, events = $4::text[], description = $5, shared_secret = $6, status = $7,
            retry_policy = $8::jsonb, disabled_reason = $9, updated_at = $10
      WHERE partner_id = $1 AND id = $2`,
    [row.partner_id, row.id, row.url, row.events, row.description, row.shared_secret, row.status,
      row.retry_policy === null ? null : JSON.stringify(row.retry_policy), row.disabled_reason, row.updated_at],
  );
}

export async function deleteSubscription(q: Queryable, partnerId: string, id: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE subscriptions SET deleted_at = $3, status = 'disabled', updated_at = $3 WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, at],
  );
}

/** Cancels the subscription's pending deliveries (it was disabled or deleted). */
export async function cancelPendingDeliveries(q: Queryable, partnerId: string, subscriptionId: string): Promise<void> {
  await q.query(
    `UPDATE webhook_deliveries SET status = 'cancelled', claim_token = NULL
      WHERE partner_id = $1 AND subscription_id = $2 AND status = 'pending'`,
    [partnerId, subscriptionId],
  );
}

/** Enabled subscriptions of the tenant that list `eventType`. */
export async function listeningSubscriptionIds(q: Queryable, partnerId: string, eventType: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM subscriptions
      WHERE partner_id = $1 AND deleted_at IS NULL AND status = 'enabled' AND $2 = ANY (events)
      ORDER BY id`,
    [partnerId, eventType],
  );
  return rows.map((row) => row.id);
}

// ---------------------------------------------------------------- events

interface EventRow {
  id: string;
  partner_id: string;
  event_type: string;
  object_type: string;
  object_id: string;
  sequence: number;
  customer_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

const EVENT_COLUMNS = 'e.id, e.partner_id, e.event_type, e.object_type, e.object_id, e.sequence, e.customer_id, e.payload, e.occurred_at';

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    partnerId: row.partner_id,
    eventType: row.event_type,
    objectType: row.object_type,
    objectId: row.object_id,
    sequence: row.sequence,
    customerId: row.customer_id,
    payload: row.payload,
    occurredAt: row.occurred_at,
  };
}

export async function findEvent(q: Queryable, partnerId: string, id: string): Promise<StoredEvent | undefined> {
  const rows = await q.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.partner_id = $1 AND e.id = $2`, [partnerId, id]);
  return rows[0] ? toStoredEvent(rows[0]) : undefined;
}

/** True when any tenant has an event with this id (ids are global primary keys). */
export async function eventIdExists(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query(`SELECT 1 FROM events WHERE id = $1`, [id]);
  return rows.length > 0;
}

export interface EventFilter {
  /** Only events with a delivery to this subscription. */
  readonly subscriptionId?: string | undefined;
  /** Only events whose timestamp is later than this. */
  readonly after?: Date | undefined;
}

/** One page of the tenant's events, newest first; `limit + 1` rows at most. */
export async function listEvents(q: Queryable, partnerId: string, filter: EventFilter, page: PageRequest): Promise<StoredEvent[]> {
  const params: unknown[] = [partnerId];
  const conditions = ['e.partner_id = $1'];
  if (filter.subscriptionId !== undefined) {
    params.push(filter.subscriptionId);
    conditions.push(`EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.partner_id = $1 AND d.event_id = e.id AND d.subscription_id = $${params.length})`);
  }
  if (filter.after !== undefined) {
    params.push(filter.after);
    conditions.push(`e.occurred_at > $${params.length}`);
  }
  const ks = keyset(page, 'e.occurred_at', 'e.id', params.length + 1);
  params.push(...ks.params);
  conditions.push(ks.where);
  const rows = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${conditions.join(' AND ')} ${ks.order} LIMIT ${page.limit + 1}`,
    params,
  );
  return rows.map(toStoredEvent);
}

export interface AttemptRow {
  id: string;
  event_id: string;
  subscription_id: string;
  success: boolean;
  response_code: number;
  response_message: string;
  called_at: Date;
}

/** The latest `perEventMax` attempts of each event, oldest first. */
export async function listAttempts(
  q: Queryable,
  partnerId: string,
  eventIds: readonly string[],
  subscriptionId: string | undefined,
  perEventMax: number,
): Promise<AttemptRow[]> {
  if (eventIds.length === 0) return [];
  return q.query<AttemptRow>(
    `SELECT id, event_id, subscription_id, success, response_code, response_message, called_at FROM (
       SELECT a.*, row_number() OVER (PARTITION BY a.event_id ORDER BY a.called_at DESC, a.attempt_number DESC) AS rank
         FROM webhook_delivery_attempts a
        WHERE a.partner_id = $1 AND a.event_id = ANY ($2::uuid[]) AND ($3::uuid IS NULL OR a.subscription_id = $3::uuid)
     ) ranked
     WHERE rank <= ${perEventMax}
     ORDER BY event_id, called_at, id`,
    [partnerId, eventIds, subscriptionId ?? null],
  );
}

// ---------------------------------------------------------------- deliveries

/** New pending deliveries of one event, one per subscription. @returns how many. */
export async function insertDeliveries(q: Queryable, partnerId: string, eventId: string, subscriptionIds: readonly string[]): Promise<number> {
  if (subscriptionIds.length === 0) return 0;
  const rows = await q.query(
    `INSERT INTO webhook_deliveries (id, partner_id, event_id, subscription_id, status)
     SELECT gen_random_uuid(), $1, $2, s, 'pending' FROM unnest($3::uuid[]) AS s
     RETURNING id`,
    [partnerId, eventId, subscriptionIds],
  );
  return rows.length;
}

/**
 * New pending deliveries to one subscription of the tenant's events later than `after` whose
 * type the subscription lists, oldest first, at most `countMax`. @returns how many.
 */
export async function insertDeliveriesAfter(q: Queryable, partnerId: string, subscriptionId: string, eventTypes: readonly string[], after: Date, countMax: number): Promise<number> {
  const rows = await q.query(
    `INSERT INTO webhook_deliveries (id, partner_id, event_id, subscription_id, status)
     SELECT gen_random_uuid(), $1, picked.id, $2, 'pending' FROM (
       SELECT e.id FROM events e
        WHERE e.partner_id = $1 AND e.occurred_at > $3 AND e.event_type = ANY ($4::text[])
        ORDER BY e.occurred_at, e.id
        LIMIT ${countMax}
     ) picked
     RETURNING id`,
    [partnerId, subscriptionId, after, eventTypes],
  );
  return rows.length;
}

/** A claimed delivery with what the call needs. */
export interface ClaimedDelivery {
  id: string;
  partner_id: string;
  claim_token: string;
  attempt_count: number;
  first_attempt_at: Date;
  event: StoredEvent;
  subscription: SubscriptionRow & { deleted: boolean };
}

/**
 * Claims up to `batchMax` due deliveries: locks them with SKIP LOCKED (rows another worker is
 * claiming are passed over), then moves them past `leaseUntil` and gives them a new claim token,
 * so after commit no other worker sees them as due until the lease runs out.
 */
export async function claimDueDeliveries(tx: Tx, now: Date, leaseUntil: Date, batchMax: number): Promise<ClaimedDelivery[]> {
  const claimed = await tx.query<{ id: string; partner_id: string; event_id: string; subscription_id: string; claim_token: string; attempt_count: number; first_attempt_at: Date }>(
    `WITH due AS (
       SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= $1
        ORDER BY next_attempt_at, created_at
        LIMIT ${batchMax}
        FOR UPDATE SKIP LOCKED
     )
     UPDATE webhook_deliveries d
        SET next_attempt_at = $2, claim_token = gen_random_uuid(), attempt_count = d.attempt_count + 1,
            first_attempt_at = coalesce(d.first_attempt_at, $1)
       FROM due WHERE d.id = due.id
     RETURNING d.id, d.partner_id, d.event_id, d.subscription_id, d.claim_token, d.attempt_count, d.first_attempt_at`,
    [now, leaseUntil],
  );
  if (claimed.length === 0) return [];
  const events = await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = ANY ($1::uuid[])`, [claimed.map((row) => row.event_id)]);
  const subscriptions = await tx.query<SubscriptionRow & { deleted: boolean }>(
    `SELECT ${SUBSCRIPTION_COLUMNS}, deleted_at IS NOT NULL AS deleted FROM subscriptions WHERE id = ANY ($1::uuid[])`,
    [[...new Set(claimed.map((row) => row.subscription_id))]],
  );
  const eventById = new Map(events.map((row) => [row.id, toStoredEvent(row)]));
  const subscriptionById = new Map(subscriptions.map((row) => [row.id, row]));
  return claimed.map((row) => ({
    id: row.id,
    partner_id: row.partner_id,
    claim_token: row.claim_token,
    attempt_count: row.attempt_count,
    first_attempt_at: row.first_attempt_at,
    event: eventById.get(row.event_id)!,
    subscription: subscriptionById.get(row.subscription_id)!,
  }));
}

export type DeliveryOutcome =
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'succeeded' | 'failed' | 'cancelled' };

/**
 * Settles a claimed delivery if the claim is still the current one.
 * @returns false when the claim was lost (its lease ran out and another worker took it).
 */
export async function settleDelivery(tx: Tx, delivery: ClaimedDelivery, outcome: DeliveryOutcome): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE webhook_deliveries
        SET status = $3, next_attempt_at = coalesce($4::timestamptz, next_attempt_at), claim_token = NULL
      WHERE id = $1 AND claim_token = $2
      RETURNING id`,
    [delivery.id, delivery.claim_token, outcome.status, outcome.status === 'pending' ? outcome.nextAttemptAt : null],
  );
  return rows.length === 1;
}

export interface NewAttempt {
  readonly success: boolean;
  readonly responseCode: number;
  readonly responseMessage: string;
  readonly calledAt: Date;
  readonly durationMs: number;
}

/** Records one HTTP call; a second record of the same attempt number is ignored. */
export async function insertAttempt(tx: Tx, delivery: ClaimedDelivery, attempt: NewAttempt): Promise<void> {
  await tx.query(
    `INSERT INTO webhook_delivery_attempts
       (id, partner_id, delivery_id, event_id, subscription_id, attempt_number, success, response_code, response_message, called_at, duration_ms)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (delivery_id, attempt_number) DO NOTHING`,
    [delivery.partner_id, delivery.id, delivery.event.id, delivery.subscription.id, delivery.attempt_count,
      attempt.success, attempt.responseCode, attempt.responseMessage, attempt.calledAt, attempt.durationMs],
  );
}

/** Disables a subscription whose endpoint answered 410 Gone, and cancels what it still had pending. */
export async function disableGoneSubscription(tx: Tx, partnerId: string, subscriptionId: string, at: Date): Promise<void> {
  await tx.query(
    `UPDATE subscriptions SET status = 'disabled', disabled_reason = 'gone', updated_at = $3
      WHERE partner_id = $1 AND id = $2 AND status = 'enabled'`,
    [partnerId, subscriptionId, at],
  );
  await cancelPendingDeliveries(tx, partnerId, subscriptionId);
}
