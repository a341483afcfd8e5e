/**
 * Webhook subscriptions: create, list, get, update, delete, with their rules (known event types,
 * a callable URL, a long enough shared secret, a bounded retry policy). Each operation takes the
 * RequestContext of the call and opens its own transaction.
 */
import type { Db } from '../../platform/db/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { type CursorList, type PageRequest, cursorList, invalid } from '../../platform/http/index.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { type EventType, isEventType } from './events.catalog.ts';
import { type RetryPolicy, WEBHOOK_ATTEMPTS_MAX, checkTimeIdKey } from './events.domain.ts';
import { eventsErrors } from './events.errors.ts';
import * as repo from './events.repo.ts';
import { type TargetPolicy, targetProblem, urlProblem } from './webhook.target.ts';

/** Bounds of what a subscription may hold. */
export const SUBSCRIPTION_URL_CHARS_MAX = 2083;
export const SHARED_SECRET_CHARS_MIN = 16;
export const SHARED_SECRET_CHARS_MAX = 512;
export const SUBSCRIPTION_DESCRIPTION_CHARS_MAX = 1000;
export const SUBSCRIPTIONS_PER_PARTNER_MAX = 100;
/** Retry policy bounds. */
const RETRY_INTERVAL_SECONDS_MAX = 24 * 3600;
const BACKOFF_COEFFICIENT_MAX = 10;
const RETRY_STATUS_CODES_MAX = 50;

/** What the subscription operations need. */
export interface SubscriptionsEnv {
  readonly db: Db;
  readonly policy: TargetPolicy;
}

/** A subscription as the API shows it: everything but the shared secret. */
export interface Subscription {
  readonly id: string;
  readonly url: string;
  readonly events: string[];
  readonly description: string;
  readonly status: repo.SubscriptionStatus;
  readonly retryPolicy: RetryPolicy | null;
  readonly timeCreated: Date;
  readonly updatedAt: Date;
}

export interface CreateSubscriptionInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | undefined;
  readonly sharedSecret: string;
  readonly retryPolicy?: RetryPolicy | null | undefined;
}

export interface UpdateSubscriptionInput {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly sharedSecret?: string | undefined;
  readonly status?: repo.SubscriptionStatus | undefined;
  readonly retryPolicy?: RetryPolicy | null | undefined;
}

function toSubscription(row: repo.SubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    status: row.status,
    retryPolicy: row.retry_policy,
    timeCreated: row.time_created,
    updatedAt: row.updated_at,
  };
}

/** Known event types, each once, in the order given. @throws 422 for an unknown or missing one. */
function checkEventTypes(events: readonly string[]): EventType[] {
  if (events.length === 0) throw invalid(['events'], 'List should have at least 1 item after validation', 'too_short');
  const unique: EventType[] = [];
  events.forEach((type, index) => {
    if (!isEventType(type)) throw eventsErrors.unknownEventType(['events', index], type);
    if (!unique.includes(type)) unique.push(type);
  });
  return unique;
}

function checkSharedSecret(secret: string): void {
  // The message never includes the secret itself.
  if (secret.length < SHARED_SECRET_CHARS_MIN) {
    throw invalid(['shared_secret'], `String should have at least ${SHARED_SECRET_CHARS_MIN} characters`, 'string_too_short');
  }
  if (secret.length > SHARED_SECRET_CHARS_MAX) {
    throw invalid(['shared_secret'], `String should have at most ${SHARED_SECRET_CHARS_MAX} characters`, 'string_too_long');
  }
}

function checkDescription(description: string): void {
  if (description.length > SUBSCRIPTION_DESCRIPTION_CHARS_MAX) {
    throw invalid(['description'], `String should have at most ${SUBSCRIPTION_DESCRIPTION_CHARS_MAX} characters`, 'string_too_long');
  }
}

/** @throws 422 for a retry policy outside its bounds. @returns the policy with only its known fields. */
function checkRetryPolicy(policy: RetryPolicy | null): RetryPolicy | null {
  if (policy === null) return null;
  const at = (field: string) => ['retry_policy', field];
  const wholeIn = (field: keyof RetryPolicy, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw invalid(at(field), `must be a whole number from ${min} to ${max}`, 'value_error');
    }
  };
  wholeIn('maximum_attempts', policy.maximum_attempts, 0, WEBHOOK_ATTEMPTS_MAX);
  wholeIn('initial_interval_seconds', policy.initial_interval_seconds, 1, RETRY_INTERVAL_SECONDS_MAX);
  wholeIn('maximum_interval_seconds', policy.maximum_interval_seconds, 1, RETRY_INTERVAL_SECONDS_MAX);
  const coefficient = policy.backoff_coefficient;
  if (coefficient !== undefined && (!Number.isFinite(coefficient) || coefficient < 1 || coefficient > BACKOFF_COEFFICIENT_MAX)) {
    throw invalid(at('backoff_coefficient'), `must be from 1 to ${BACKOFF_COEFFICIENT_MAX}`, 'value_error');
  }
  const codes = policy.retry_on_status_codes;
  if (codes !== undefined) {
    if (codes.length > RETRY_STATUS_CODES_MAX) throw invalid(at('retry_on_status_codes'), `at most ${RETRY_STATUS_CODES_MAX} codes`, 'too_long');
    codes.forEach((code, index) => {
      if (!Number.isInteger(code) || code < 100 || code > 599) {
        throw invalid(['retry_policy', 'retry_on_status_codes', index], 'must be an HTTP status from 100 to 599', 'value_error');
      }
    });
  }
  // Stored with only the known fields, in Jiko's names.
  return {
    ...(codes !== undefined ? { retry_on_status_codes: [...codes] } : {}),
    ...(coefficient !== undefined ? { backoff_coefficient: coefficient } : {}),
    ...(policy.maximum_attempts !== undefined ? { maximum_attempts: policy.maximum_attempts } : {}),
    ...(policy.initial_interval_seconds !== undefined ? { initial_interval_seconds: policy.initial_interval_seconds } : {}),
    ...(policy.maximum_interval_seconds !== undefined ? { maximum_interval_seconds: policy.maximum_interval_seconds } : {}),
  };
}

/** @throws 422 when the URL is malformed or points where pocketbook may not call. */
async function checkUrl(policy: TargetPolicy, url: string): Promise<void> {
  if (url.length > SUBSCRIPTION_URL_CHARS_MAX) {
    throw invalid(['url'], `URL should have at most ${SUBSCRIPTION_URL_CHARS_MAX} characters`, 'url_too_long');
  }
  const problem = urlProblem(url);
  if (problem) throw eventsErrors.urlInvalid(['url'], `url ${problem}`);
  const refused = await targetProblem(policy, url);
  if (refused) throw eventsErrors.urlRefused(['url'], `url ${refused}`);
}

function requireSubscriptionId(id: string): void {
  if (!isUuid(id)) throw eventsErrors.subscriptionNotFound();
}

/**
 * Creates an enabled subscription of the calling tenant.
 * @throws 422 for a field out of bounds, an unknown event type, a URL refused, or a tenant at
 * SUBSCRIPTIONS_PER_PARTNER_MAX.
 */
export async function createSubscription(env: SubscriptionsEnv, ctx: RequestContext, input: CreateSubscriptionInput): Promise<Subscription> {
  const events = checkEventTypes(input.events);
  checkSharedSecret(input.sharedSecret);
  const description = input.description ?? '';
  checkDescription(description);
  const retryPolicy = checkRetryPolicy(input.retryPolicy ?? null);
  await checkUrl(env.policy, input.url);
  const row: repo.SubscriptionRow = {
    id: newId(),
    partner_id: ctx.tenantId,
    url: input.url,
    events,
    description,
    shared_secret: input.sharedSecret,
    status: 'enabled',
    retry_policy: retryPolicy,
    disabled_reason: null,
    time_created: ctx.now,
    updated_at: ctx.now,
  };
  await env.db.tx(async (tx) => {
    if ((await repo.countSubscriptions(tx, ctx.tenantId)) >= SUBSCRIPTIONS_PER_PARTNER_MAX) {
      throw invalid([], `a partner may have at most ${SUBSCRIPTIONS_PER_PARTNER_MAX} subscriptions`, 'value_error', 'subscriptions.limit_reached');
    }
    await repo.insertSubscription(tx, row);
  });
  return toSubscription(row);
}

/** One page of the tenant's subscriptions, newest first. */
export async function listSubscriptions(env: SubscriptionsEnv, ctx: RequestContext, page: PageRequest): Promise<CursorList<Subscription>> {
  checkTimeIdKey(page);
  const rows = await repo.listSubscriptions(env.db, ctx.tenantId, page);
  return cursorList(page, rows, (row) => [row.time_created.toISOString(), row.id], toSubscription);
}

/** @throws 404 for an id this tenant does not own. */
export async function getSubscription(env: SubscriptionsEnv, ctx: RequestContext, id: string): Promise<Subscription> {
  requireSubscriptionId(id);
  const row = await repo.findSubscription(env.db, ctx.tenantId, id);
  if (!row) throw eventsErrors.subscriptionNotFound();
  return toSubscription(row);
}

/**
 * Changes the given fields. Disabling cancels the pending deliveries; enabling again does not
 * bring them back (replay them with redeliverAfter).
 * @throws 404 for an id this tenant does not own; 422 for a field out of bounds.
 */
export async function updateSubscription(env: SubscriptionsEnv, ctx: RequestContext, id: string, input: UpdateSubscriptionInput): Promise<Subscription> {
  requireSubscriptionId(id);
  const events = input.events === undefined ? undefined : checkEventTypes(input.events);
  if (input.sharedSecret !== undefined) checkSharedSecret(input.sharedSecret);
  if (input.description !== undefined) checkDescription(input.description);
  const retryPolicy = input.retryPolicy === undefined ? undefined : checkRetryPolicy(input.retryPolicy);
  if (input.url !== undefined) await checkUrl(env.policy, input.url);
  return env.db.tx(async (tx) => {
    const current = await repo.findSubscription(tx, ctx.tenantId, id, true);
    if (!current) throw eventsErrors.subscriptionNotFound();
    const status = input.status ?? current.status;
    const next: repo.SubscriptionRow = {
      ...current,
      url: input.url ?? current.url,
      events: events ?? current.events,
      description: input.description ?? current.description,
      shared_secret: input.sharedSecret ?? current.shared_secret,
      status,
      retry_policy: retryPolicy === undefined ? current.retry_policy : retryPolicy,
      disabled_reason: status === 'enabled' ? null : current.disabled_reason,
      updated_at: ctx.now,
    };
    await repo.updateSubscription(tx, next);
    if (status === 'disabled') await repo.cancelPendingDeliveries(tx, ctx.tenantId, id);
    return toSubscription(next);
  });
}

/** Deletes the subscription and cancels its pending deliveries. @throws 404. */
export async function deleteSubscription(env: SubscriptionsEnv, ctx: RequestContext, id: string): Promise<void> {
  requireSubscriptionId(id);
  await env.db.tx(async (tx) => {
    const current = await repo.findSubscription(tx, ctx.tenantId, id, true);
    if (!current) throw eventsErrors.subscriptionNotFound();
    await repo.deleteSubscription(tx, ctx.tenantId, id, ctx.now);
    await repo.cancelPendingDeliveries(tx, ctx.tenantId, id);
  });
}
