/**
 * The delivery worker: claims due deliveries, calls the subscribers, records every attempt and
 * schedules retries. Any number of workers (in one process or many, on PostgreSQL) share the work:
 * a delivery is claimed by one worker at a time (FOR UPDATE SKIP LOCKED plus a lease), and each
 * attempt number is recorded once (unique per delivery).
 */
import type { AppDeps } from '../../deps.ts';
import { WEBHOOK_CLAIM_BATCH_MAX } from '../../platform/limits.ts';
import { readTenantNow } from '../../platform/tenant-clock.ts';
import { WEBHOOK_LEASE_MARGIN_MS, nextAttemptAt, toEnvelope } from './events.domain.ts';
import * as repo from './events.repo.ts';
import { sendWebhook } from './webhook.sender.ts';
import { targetPolicy } from './webhook.target.ts';

export interface WorkerHandle {
  /** Stops after the current round of deliveries has been recorded. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** Told about a round that failed (database down, ...); the worker carries on. Default: stderr. */
  readonly onError?: (error: unknown) => void;
}

export function createDeliveryWorker(deps: AppDeps) {
  const { db, wallClock, config } = deps;
  const policy = targetPolicy(config);

  async function deliver(delivery: repo.ClaimedDelivery): Promise<void> {
    const subscription = delivery.subscription;
    if (subscription.deleted || subscription.status !== 'enabled') {
      await db.tx((tx) => repo.settleDelivery(tx, delivery, { status: 'cancelled' }));
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
      policy,
    });
    const retryAt = result.success
      ? undefined
      : nextAttemptAt(config.webhooks, subscription.retry_policy, {
          attemptNumber: delivery.attempt_count,
          responseCode: result.responseCode,
          firstAttemptAt: delivery.first_attempt_at,
          now: wallClock.now(),
        });
    const outcome: repo.DeliveryOutcome = result.success
      ? { status: 'succeeded' }
      : retryAt
        ? { status: 'pending', nextAttemptAt: retryAt }
        : { status: 'failed' };
    await db.tx(async (tx) => {
      await repo.insertAttempt(tx, delivery, {
        success: result.success,
        responseCode: result.responseCode,
        responseMessage: result.responseMessage,
        calledAt,
        durationMs: result.durationMs,
      });
      await repo.settleDelivery(tx, delivery, outcome);
      // 410 Gone: the receiver says this endpoint will never take events again.
      if (result.responseCode === 410) {
        const tenantNow = await readTenantNow(tx, wallClock, delivery.partner_id);
        await repo.disableGoneSubscription(tx, delivery.partner_id, subscription.id, tenantNow);
      }
    });
  }

  /**
   * Delivers what is due now: one batch of at most WEBHOOK_CLAIM_BATCH_MAX deliveries, called in
   * parallel, each bounded by config.webhooks.timeoutMs.
   * @returns how many deliveries were handled (attempted or cancelled); 0 when nothing was due.
   */
  async function runOnce(): Promise<number> {
    const now = wallClock.now();
    const leaseUntil = new Date(now.getTime() + config.webhooks.timeoutMs + WEBHOOK_LEASE_MARGIN_MS);
    const claimed = await db.tx((tx) => repo.claimDueDeliveries(tx, now, leaseUntil, WEBHOOK_CLAIM_BATCH_MAX));
    // A delivery whose recording fails stays claimed until its lease ends, then is tried again.
    const results = await Promise.allSettled(claimed.map(deliver));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    return claimed.length;
  }

  /**
   * Runs `runOnce` in a loop until stopped, waiting config.webhooks.pollIntervalMs whenever
   * nothing was due.
   */
  function startWorker(options: WorkerOptions = {}): WorkerHandle {
    const onError = options.onError ?? ((error: unknown) => process.stderr.write(`webhook worker: ${error instanceof Error ? error.stack : String(error)}\n`));
    let stopped = false;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
    const loop = (async () => {
      while (!stopped) {
        let handled = 0;
        try {
          handled = await runOnce();
        } catch (error) {
          onError(error);
        }
        if (handled === 0 && !stopped) await pause(config.webhooks.pollIntervalMs);
      }
    })();
    return {
      async stop() {
        stopped = true;
        wake?.();
        await loop;
      },
    };
  }

  return { runOnce, startWorker };
}
