/**
 * SQL of the events module: subscriptions, the event store, deliveries and their attempts.
 * Every statement names the partner, so one tenant never reads another's rows.
 */
import type { Queryable, Tx } from '../../platform/db/index.ts';
import type { PageRequest } from '../../platform/http/index.ts';
import { enqueueFromSql } from '../../platform/jobs/index.ts';
import { type RetryPolicy, type StoredEvent, WEBHOOK_ATTEMPTS_MAX, WEBHOOK_JOB_KIND } from './events.domain.ts';

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

/** How many subscriptions the tenant has (deleted ones aside). */
export async function countSubscriptions(q: Queryable, partnerId: string): Promise<number> {
  const [row] = await q.query<{ n: bigint }>('SELECT count(*) AS n FROM subscriptions WHERE partner_id = $1 AND deleted_at IS NULL', [partnerId]);
  return Number(row?.n ?? 0n);
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

/** True when the tenant has an event with this id (ids are unique per tenant; another tenant's id is free). */
export async function eventIdExists(q: Queryable, partnerId: string, id: string): Promise<boolean> {
  const rows = await q.query(`SELECT 1 FROM events WHERE partner_id = $1 AND id = $2`, [partnerId, id]);
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

// ---------------------------------------------------------------- recording events

/** One event to insert, checked by the caller; `ord` orders the events of one object in a call. */
export interface EventInsert {
  readonly ord: number;
  readonly id: string;
  readonly partner_id: string;
  readonly event_type: string;
  readonly object_type: string;
  readonly object_id: string;
  readonly customer_id: string | null;
  readonly payload: Record<string, unknown>;
  /** ISO 8601, milliseconds. */
  readonly occurred_at: string;
  readonly is_test: boolean;
  /**
   * True when the object was made in this transaction and no event about it was recorded before:
   * its events are numbered from 1 and it gets no counter row (see INSERT_EVENTS).
   */
  readonly fresh: boolean;
}

/** The CTE that enqueues one webhook job per row of the `deliveries` CTE. */
const ENQUEUE_DELIVERIES = enqueueFromSql({
  from: 'deliveries',
  tenantColumn: 'partner_id',
  payloadSql: "jsonb_build_object('delivery_id', id)",
  kind: WEBHOOK_JOB_KIND,
  maxAttempts: WEBHOOK_ATTEMPTS_MAX,
});

/**
 * One statement that records any number of events, numbered per object in `ord` order:
 * - An object made in this transaction (`fresh`: no event about it can exist yet, and no other
 *   transaction can see it before this one commits) is numbered from 1, without a counter row.
 * - Any other object's counter row is bumped once by its number of events (rows locked in
 *   (partner, object) order and held until the transaction ends, so concurrent writers about one
 *   object number one after the other), and its events numbered from the counter's previous
 *   value. An object without a counter row yet (its first events were fresh) gets one that starts
 *   from its last event; should another transaction make that row meanwhile, the update adds this
 *   call's events to it (the statement's snapshot gives the same last event both times, so the
 *   difference is this call's count).
 * Then the events, one pending delivery per enabled subscription of the tenant that lists the
 * type, and one webhook job per delivery. Yields the number of deliveries.
 */
const INSERT_EVENTS = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
      ord bigint, id uuid, partner_id uuid, event_type text, object_type text, object_id uuid,
      customer_id uuid, payload jsonb, occurred_at timestamptz, is_test boolean, fresh boolean)
  ), per_object AS (
    SELECT partner_id, object_id, count(*)::integer AS n FROM input WHERE NOT fresh GROUP BY partner_id, object_id
  ), counters AS (
    INSERT INTO event_sequences AS c (partner_id, object_id, last_sequence)
    SELECT partner_id, object_id,
           n + coalesce((SELECT max(e.sequence) FROM events e WHERE e.partner_id = p.partner_id AND e.object_id = p.object_id), 0)
      FROM per_object p ORDER BY partner_id, object_id
    ON CONFLICT (partner_id, object_id) DO UPDATE
      SET last_sequence = c.last_sequence + EXCLUDED.last_sequence
          - coalesce((SELECT max(e.sequence) FROM events e WHERE e.partner_id = EXCLUDED.partner_id AND e.object_id = EXCLUDED.object_id), 0)
    RETURNING partner_id, object_id, last_sequence
  ), numbered AS (
    SELECT i.*, coalesce(c.last_sequence - p.n, 0) + row_number() OVER (PARTITION BY i.partner_id, i.object_id ORDER BY i.ord) AS sequence
      FROM input i
      LEFT JOIN per_object p ON p.partner_id = i.partner_id AND p.object_id = i.object_id
      LEFT JOIN counters c ON c.partner_id = i.partner_id AND c.object_id = i.object_id
  ), inserted AS (
    INSERT INTO events (id, partner_id, event_type, object_type, object_id, sequence, customer_id, payload, occurred_at, is_test)
    SELECT id, partner_id, event_type, object_type, object_id, sequence, customer_id, payload, occurred_at, is_test FROM numbered
    RETURNING id
  ), deliveries AS (
    INSERT INTO webhook_deliveries (id, partner_id, event_id, subscription_id, status)
    SELECT gen_random_uuid(), s.partner_id, n.id, s.id, 'pending'
      FROM numbered n
      JOIN subscriptions s ON s.partner_id = n.partner_id AND s.deleted_at IS NULL AND s.status = 'enabled' AND n.event_type = ANY (s.events)
    RETURNING id, partner_id
  ), jobs AS (
    ${ENQUEUE_DELIVERIES}
  )
  SELECT (SELECT count(*) FROM deliveries) AS deliveries`;

/**
 * Records events, their deliveries and delivery jobs with one deferred statement: it travels with
 * the transaction's next statement or its COMMIT, so recording costs no round trip of its own.
 */
export function deferInsertEvents(tx: Tx, events: readonly EventInsert[]): void {
  if (events.length === 0) return;
  tx.defer(INSERT_EVENTS, [JSON.stringify(events)], { rows: [0] });
}

/** Records events like deferInsertEvents, at once. @returns how many deliveries were scheduled. */
export async function insertEvents(tx: Tx, events: readonly EventInsert[]): Promise<number> {
  if (events.length === 0) return 0;
  const [row] = await tx.query<{ deliveries: bigint }>(INSERT_EVENTS, [JSON.stringify(events)]);
  return Number(row?.deliveries ?? 0n);
}

// ---------------------------------------------------------------- deliveries

/** New pending deliveries of one event, one per subscription, each with its job. @returns how many. */
export async function insertDeliveries(q: Queryable, partnerId: string, eventId: string, subscriptionIds: readonly string[]): Promise<number> {
  if (subscriptionIds.length === 0) return 0;
  const [row] = await q.query<{ n: bigint }>(
    `WITH deliveries AS (
       INSERT INTO webhook_deliveries (id, partner_id, event_id, subscription_id, status)
       SELECT gen_random_uuid(), $1, $2, s, 'pending' FROM unnest($3::uuid[]) AS s
       RETURNING id, partner_id
     ), jobs AS (
       ${ENQUEUE_DELIVERIES}
     )
     SELECT count(*) AS n FROM deliveries`,
    [partnerId, eventId, subscriptionIds],
  );
  return Number(row?.n ?? 0n);
}

/**
 * New pending deliveries (with their jobs) to one subscription of the tenant's events later than
 * `after` whose type the subscription lists, oldest first, at most `countMax`. @returns how many.
 */
export async function insertDeliveriesAfter(q: Queryable, partnerId: string, subscriptionId: string, eventTypes: readonly string[], after: Date, countMax: number): Promise<number> {
  const [row] = await q.query<{ n: bigint }>(
    `WITH deliveries AS (
       INSERT INTO webhook_deliveries (id, partner_id, event_id, subscription_id, status)
       SELECT gen_random_uuid(), $1, picked.id, $2, 'pending' FROM (
         SELECT e.id FROM events e
          WHERE e.partner_id = $1 AND e.occurred_at > $3 AND e.event_type = ANY ($4::text[])
          ORDER BY e.occurred_at, e.id
          LIMIT ${countMax}
       ) picked
       RETURNING id, partner_id
     ), jobs AS (
       ${ENQUEUE_DELIVERIES}
     )
     SELECT count(*) AS n FROM deliveries`,
    [partnerId, subscriptionId, after, eventTypes],
  );
  return Number(row?.n ?? 0n);
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

/** What a delivery needs of its subscription. */
export type DeliverySubscription = Pick<SubscriptionRow, 'id' | 'url' | 'shared_secret' | 'status' | 'retry_policy'> & { deleted: boolean };

/** A delivery with what its call needs. */
export interface DeliveryToSend {
  id: string;
  partner_id: string;
  status: DeliveryStatus;
  attempt_count: number;
  first_attempt_at: Date | null;
  event: StoredEvent;
  subscription: DeliverySubscription;
}

/** The delivery, its event and its subscription, in one statement. */
export async function findDeliveryToSend(q: Queryable, partnerId: string, deliveryId: string): Promise<DeliveryToSend | undefined> {
  const [row] = await q.query<EventRow & {
    delivery_id: string; status: DeliveryStatus; attempt_count: number; first_attempt_at: Date | null; subscription: DeliverySubscription;
  }>(
    `SELECT d.id AS delivery_id, d.status, d.attempt_count, d.first_attempt_at, ${EVENT_COLUMNS},
            json_build_object(
              'id', s.id, 'url', s.url, 'shared_secret', s.shared_secret, 'status', s.status,
              'retry_policy', s.retry_policy, 'deleted', s.deleted_at IS NOT NULL
            ) AS subscription
       FROM webhook_deliveries d
       JOIN events e ON e.partner_id = d.partner_id AND e.id = d.event_id
       JOIN subscriptions s ON s.id = d.subscription_id
      WHERE d.partner_id = $1 AND d.id = $2`,
    [partnerId, deliveryId],
  );
  if (!row) return undefined;
  return {
    id: row.delivery_id,
    partner_id: row.partner_id,
    status: row.status,
    attempt_count: row.attempt_count,
    first_attempt_at: row.first_attempt_at,
    event: toStoredEvent(row),
    subscription: row.subscription,
  };
}

export type DeliveryOutcome =
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'succeeded' | 'failed' };

export interface NewAttempt {
  /** 1 for the first call of the delivery. */
  readonly attemptNumber: number;
  readonly success: boolean;
  readonly responseCode: number;
  readonly responseMessage: string;
  readonly calledAt: Date;
  readonly durationMs: number;
}

/**
 * Records one HTTP call of a delivery and its result, in one statement: the attempt (a second
 * record of one attempt number is ignored) and the delivery's new state, unless the delivery was
 * cancelled meanwhile.
 */
export async function recordAttempt(tx: Tx, delivery: DeliveryToSend, attempt: NewAttempt, outcome: DeliveryOutcome): Promise<void> {
  await tx.query(
    `WITH attempt AS (
       INSERT INTO webhook_delivery_attempts
         (id, partner_id, delivery_id, event_id, subscription_id, attempt_number, success, response_code, response_message, called_at, duration_ms)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (delivery_id, attempt_number) DO NOTHING
     )
     UPDATE webhook_deliveries
        SET status = $11, attempt_count = greatest(attempt_count, $5), first_attempt_at = coalesce(first_attempt_at, $9),
            next_attempt_at = coalesce($12::timestamptz, next_attempt_at)
      WHERE partner_id = $1 AND id = $2 AND status = 'pending'`,
    [delivery.partner_id, delivery.id, delivery.event.id, delivery.subscription.id, attempt.attemptNumber,
      attempt.success, attempt.responseCode, attempt.responseMessage, attempt.calledAt, attempt.durationMs,
      outcome.status, outcome.status === 'pending' ? outcome.nextAttemptAt : null],
  );
}

/** Marks one pending delivery cancelled (its subscription went away). */
export async function cancelDelivery(tx: Tx, partnerId: string, deliveryId: string): Promise<void> {
  await tx.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1 AND id = $2 AND status = 'pending'`, [partnerId, deliveryId]);
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
