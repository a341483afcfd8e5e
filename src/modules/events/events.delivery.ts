/**
 * Webhook delivery as a job kind of platform/jobs. Each (event, subscription) pair is a
 * `webhook_deliveries` row, created with the event, plus one job that points at it. A run loads
 * the delivery, makes one signed HTTP call, and records the attempt, the delivery's new state and
 * the job's outcome in one transaction under the job's lease: an attempt is recorded once, and a
 * run that lost its lease records nothing. Retries follow the subscription's retry policy
 * (events.domain.ts), on wall-clock time. The queue's claims keep one tenant's slow or dead
 * endpoint from delaying any other tenant's deliveries.
 */
import type { AppDeps } from '../../deps.ts';
import type { Job, JobKind, JobOutcome, JobRun } from '../../platform/jobs/index.ts';
import { exponentialBackoff } from '../../platform/jobs/index.ts';
import {
  WEBHOOK_ATTEMPTS_MAX,
  WEBHOOK_RECORD_MARGIN_MS,
  WEBHOOK_RETRY_DELAY_MS_MAX,
  nextAttemptAt,
  toEnvelope,
} from './events.domain.ts';
import * as repo from './events.repo.ts';
import { type WebhookResult, sendWebhook } from './webhook.sender.ts';
import { type TargetPolicy, targetPolicy } from './webhook.target.ts';

/** The payload of a delivery job. */
export interface DeliveryJobPayload {
  readonly delivery_id: string;
}

interface DeliveryEnv {
  readonly deps: AppDeps;
  readonly policy: TargetPolicy;
  readonly tenantNow: TenantNow;
}

/** The tenant's clock now (tenancy's, passed in by the composition root). */
export type TenantNow = (tenantId: string) => Promise<Date>;

/** Thrown inside the recording transaction when the job's lease was lost: nothing is recorded. */
class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/**
 * The job kind that delivers webhooks. Runs are bounded by config.webhooks.timeoutMs plus
 * WEBHOOK_RECORD_MARGIN_MS; a run that fails before or after the call (database away) is tried
 * again after config.webhooks.retryBaseMs, doubling.
 */
export function webhookDeliveryKind(deps: AppDeps, tenantNow: TenantNow): JobKind<DeliveryJobPayload> {
  const env: DeliveryEnv = { deps, policy: targetPolicy(deps.config), tenantNow };
  return {
    maxAttempts: WEBHOOK_ATTEMPTS_MAX,
    timeoutMs: deps.config.webhooks.timeoutMs + WEBHOOK_RECORD_MARGIN_MS,
    backoff: exponentialBackoff({ baseMs: deps.config.webhooks.retryBaseMs, capMs: WEBHOOK_RETRY_DELAY_MS_MAX }),
    run: (job, run) => deliver(env, job, run),
  };
}

async function deliver(env: DeliveryEnv, job: Job<DeliveryJobPayload>, run: JobRun): Promise<JobOutcome | void> {
  const { db, wallClock, config } = env.deps;
  const delivery = await repo.findDeliveryToSend(db, job.tenantId, job.payload.delivery_id);
  // Cancelled, or already settled by an earlier run whose job outcome was lost: nothing to send.
  if (!delivery || delivery.status !== 'pending') return { status: 'done' };
  const subscription = delivery.subscription;
  if (subscription.deleted || subscription.status !== 'enabled') {
    await db.tx(async (tx) => {
      await repo.cancelDelivery(tx, delivery.partner_id, delivery.id);
      if (!(await run.settle(tx, { status: 'done' }))) throw new LeaseLost('the delivery job was claimed again');
    });
    return;
  }
  const calledAt = wallClock.now();
  const result = await sendWebhook({
    url: subscription.url,
    sharedSecret: subscription.shared_secret,
    messageId: delivery.event.id,
    body: JSON.stringify(toEnvelope(delivery.event)),
    sentAt: calledAt,
    timeoutMs: config.webhooks.timeoutMs,
    policy: env.policy,
  });
  const attemptNumber = delivery.attempt_count + 1;
  const retryAt = result.success || job.attempt >= job.maxAttempts
    ? undefined
    : nextAttemptAt(config.webhooks, subscription.retry_policy, {
        attemptNumber,
        responseCode: result.responseCode,
        firstAttemptAt: delivery.first_attempt_at ?? calledAt,
        now: wallClock.now(),
      });
  // Read before the transaction: the embedded database runs one statement stream at a time.
  const goneAt = result.responseCode === 410 ? await env.tenantNow(delivery.partner_id) : undefined;
  await db.tx(async (tx) => {
    await repo.recordAttempt(tx, delivery, { attemptNumber, calledAt, ...attemptOf(result) }, deliveryOutcome(result, retryAt));
    // 410 Gone: the receiver says this endpoint will never take events again.
    if (goneAt) {
      await repo.disableGoneSubscription(tx, delivery.partner_id, subscription.id, goneAt);
    }
    if (!(await run.settle(tx, jobOutcome(result, retryAt)))) throw new LeaseLost('the delivery job was claimed again');
  });
}

function attemptOf(result: WebhookResult) {
  return { success: result.success, responseCode: result.responseCode, responseMessage: result.responseMessage, durationMs: result.durationMs };
}

function deliveryOutcome(result: WebhookResult, retryAt: Date | undefined): repo.DeliveryOutcome {
  if (result.success) return { status: 'succeeded' };
  return retryAt ? { status: 'pending', nextAttemptAt: retryAt } : { status: 'failed' };
}

function jobOutcome(result: WebhookResult, retryAt: Date | undefined): JobOutcome {
  if (result.success) return { status: 'done' };
  const error = `HTTP ${result.responseCode || 'no response'}: ${result.responseMessage}`;
  return retryAt ? { status: 'retry', at: retryAt, error } : { status: 'failed', error };
}
