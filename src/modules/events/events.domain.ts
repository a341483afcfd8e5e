/**
 * Pure rules of events and webhooks: the envelope a receiver gets, and when a failed delivery is
 * tried again. No I/O here.
 */
import type { PageRequest } from '../../platform/http/index.ts';
import { isUuid } from '../../platform/ids.ts';
import { eventsErrors } from './events.errors.ts';

const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * Checks the boundary key of a page of events or subscriptions: both lists are ordered by
 * (time, id), so the key of a cursor we made is [ISO 8601 UTC time, UUID].
 * @throws DomainError `events.cursor_invalid` (422) for any other key (it would reach SQL as a
 * timestamp or a uuid it is not).
 */
export function checkTimeIdKey(page: PageRequest): void {
  if (page.after === undefined) return;
  const [time, id, ...rest] = page.after;
  const valid = rest.length === 0 && typeof time === 'string' && KEY_TIME.test(time) && !Number.isNaN(Date.parse(time)) && typeof id === 'string' && isUuid(id);
  if (!valid) throw eventsErrors.cursorInvalid();
}

/** Jiko's optional per-subscription retry policy, stored and returned as sent (snake_case). */
export interface RetryPolicy {
  /** Retry only failed calls answered with one of these statuses (no response: always retried). */
  readonly retry_on_status_codes?: number[] | undefined;
  /** Growth factor of the delay between attempts (default 2). */
  readonly backoff_coefficient?: number | undefined;
  /** Total attempts allowed; absent or 0: as many as fit in the retry window. */
  readonly maximum_attempts?: number | undefined;
  /** Delay before the first retry, in seconds (default config.webhooks.retryBaseMs). */
  readonly initial_interval_seconds?: number | undefined;
  /** Longest delay between two attempts, in seconds. */
  readonly maximum_interval_seconds?: number | undefined;
}

/** Attempts per delivery, whatever the policy says. */
export const WEBHOOK_ATTEMPTS_MAX = 50;
/** Longest wait between two attempts when the policy names none (6 hours). */
export const WEBHOOK_RETRY_DELAY_MS_MAX = 6 * 3600 * 1000;
/** The job kind of webhook delivery (platform/jobs); its payload is `{delivery_id}`. */
export const WEBHOOK_JOB_KIND = 'webhook.deliver';
/** Time a delivery job has beyond the HTTP call's timeout to load and record (its job timeout). */
export const WEBHOOK_RECORD_MARGIN_MS = 10_000;

export interface RetrySettings {
  readonly retryBaseMs: number;
  readonly retryWindowMs: number;
}

export interface FailedAttempt {
  /** 1 for the first attempt. */
  readonly attemptNumber: number;
  /** HTTP status, or 0 when no response came. */
  readonly responseCode: number;
  readonly firstAttemptAt: Date;
  readonly now: Date;
}

/**
 * When to try a failed delivery again: exponential backoff from the base delay, capped, within
 * the retry window counted from the first attempt. `undefined` means give up.
 */
export function nextAttemptAt(settings: RetrySettings, policy: RetryPolicy | null, failed: FailedAttempt): Date | undefined {
  if (failed.responseCode === 410) return undefined;
  const codes = policy?.retry_on_status_codes;
  if (failed.responseCode !== 0 && codes && codes.length > 0 && !codes.includes(failed.responseCode)) return undefined;
  const attemptsMax = Math.min(WEBHOOK_ATTEMPTS_MAX, policy?.maximum_attempts || WEBHOOK_ATTEMPTS_MAX);
  if (failed.attemptNumber >= attemptsMax) return undefined;

  const baseMs = policy?.initial_interval_seconds !== undefined ? policy.initial_interval_seconds * 1000 : settings.retryBaseMs;
  const coefficient = policy?.backoff_coefficient ?? 2;
  const capMs = policy?.maximum_interval_seconds !== undefined ? policy.maximum_interval_seconds * 1000 : WEBHOOK_RETRY_DELAY_MS_MAX;
  const delayMs = Math.min(capMs, baseMs * coefficient ** (failed.attemptNumber - 1));
  const next = new Date(failed.now.getTime() + Math.max(0, Math.round(delayMs)));
  if (next.getTime() > failed.firstAttemptAt.getTime() + settings.retryWindowMs) return undefined;
  return next;
}

/** The event as stored, in the shape the repo returns. */
export interface StoredEvent {
  readonly id: string;
  readonly partnerId: string;
  readonly eventType: string;
  readonly objectType: string;
  readonly objectId: string;
  readonly sequence: number;
  readonly customerId: string | null;
  readonly payload: Record<string, unknown>;
  readonly occurredAt: Date;
}

/** The JSON a receiver gets (Jiko's envelope plus `object_id` and `sequence`). */
export interface EventEnvelope {
  event_id: string;
  event_type: string;
  timestamp: string;
  payload: Record<string, unknown>;
  customer_id?: string;
  object_id: string;
  sequence: number;
}

export function toEnvelope(event: StoredEvent): EventEnvelope {
  return {
    event_id: event.id,
    event_type: event.eventType,
    timestamp: event.occurredAt.toISOString(),
    payload: event.payload,
    ...(event.customerId ? { customer_id: event.customerId } : {}),
    object_id: event.objectId,
    sequence: event.sequence,
  };
}
