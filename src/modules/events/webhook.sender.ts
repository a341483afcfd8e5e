/**
 * One webhook HTTP call: POST the envelope, signed twice (Jiko's `x-jiko-signature` and the
 * Standard Webhooks headers), bounded in time and size, never following redirects. The HMAC key
 * of both is the UTF-8 bytes of the subscription's shared_secret (docs/WEBHOOKS.md shows how a
 * receiver verifies either).
 */
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_BODY_BYTES_MAX, WEBHOOK_RESPONSE_BYTES_MAX } from '../../platform/limits.ts';
import { assert } from '../../platform/assert.ts';
import { type TargetPolicy, guardedLookup, isAddressAllowed, urlHost } from './webhook.target.ts';

// Node's http and https as built-ins, not ES module imports: the first ES import of node:http
// builds its module facade, which reads every export, among them getters that load Node's own
// copy of undici (about 40 ms of a server's start on the 2-core machine, docs/PERFORMANCE.md).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/** Characters of a response body (or error) kept as the attempt's response_message. */
export const RESPONSE_MESSAGE_CHARS_MAX = 1000;

export interface WebhookRequest {
  readonly url: string;
  readonly sharedSecret: string;
  /** `webhook-id`: the event id, the same on every retry so receivers can drop duplicates. */
  readonly messageId: string;
  /** The JSON envelope exactly as sent and signed. */
  readonly body: string;
  /** Wall-clock time of the call (`webhook-timestamp`, seconds). */
  readonly sentAt: Date;
  readonly timeoutMs: number;
  readonly policy: TargetPolicy;
}

export interface WebhookResult {
  readonly success: boolean;
  /** The HTTP status, or 0 when no response came (refused address, network error, timeout). */
  readonly responseCode: number;
  readonly responseMessage: string;
  readonly durationMs: number;
}

/**
 * Jiko's webhook signature of `body`: base64(HMAC-SHA256(key = UTF-8 bytes of the subscription's
 * shared_secret, message = the raw body bytes)), with no timestamp or id in the signed message
 * (Jiko's public webhooks-testing-example, the receiver's `handle_webhook`).
 */
export function jikoWebhookSignature(sharedSecret: string, body: string): string {
  return createHmac('sha256', Buffer.from(sharedSecret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('base64');
}

/**
 * The signature headers of one delivery of `body`: Jiko's `x-jiko-signature`, which a receiver
 * written for Jiko checks, and the three Standard Webhooks headers (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`), which add an id and a timestamp against replays.
 */
export function signatureHeaders(sharedSecret: string, messageId: string, sentAt: Date, body: string): Record<string, string> {
  const signer = new Webhook(Buffer.from(sharedSecret, 'utf8'), { format: 'raw' });
  return {
    'x-jiko-signature': jikoWebhookSignature(sharedSecret, body),
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signer.sign(messageId, sentAt, body),
  };
}

/** Sends one webhook; never throws for what the target does (errors become a failed result). */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const body = Buffer.from(request.body, 'utf8');
  assert(body.length <= WEBHOOK_BODY_BYTES_MAX, 'webhook body over WEBHOOK_BODY_BYTES_MAX');
  const url = new URL(request.url);
  const host = urlHost(url);
  // An IP literal is connected to without a lookup, so it is checked here.
  if (isIP(host) !== 0 && !isAddressAllowed(request.policy, host)) {
    return { success: false, responseCode: 0, responseMessage: 'target address not allowed', durationMs: elapsed() };
  }
  const transport = url.protocol === 'https:' ? https : http;
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': 'pocketbook-webhooks',
    ...signatureHeaders(request.sharedSecret, request.messageId, request.sentAt, request.body),
  };

  return new Promise<WebhookResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...result, durationMs: elapsed() });
    };
    const fail = (message: string) => finish({ success: false, responseCode: 0, responseMessage: message.slice(0, RESPONSE_MESSAGE_CHARS_MAX) });

    // A fresh connection per call (agent false): no pooled socket outlives the check of its address.
    const outgoing = transport.request(url, { method: 'POST', headers, agent: false, lookup: guardedLookup(request.policy) }, (response) => {
      const code = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let received = 0;
      const done = () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_MESSAGE_CHARS_MAX);
        finish({ success: code >= 200 && code < 300, responseCode: code, responseMessage: text });
      };
      response.on('data', (chunk: Buffer) => {
        if (received >= WEBHOOK_RESPONSE_BYTES_MAX) return;
        chunks.push(chunk.subarray(0, WEBHOOK_RESPONSE_BYTES_MAX - received));
        received += chunk.length;
        // Enough read: the rest of a large response is not waited for.
        if (received >= WEBHOOK_RESPONSE_BYTES_MAX) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', () => done());
    });
    const deadline = setTimeout(() => {
      fail(`no response within ${request.timeoutMs} ms`);
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ETARGETREFUSED' ? 'target address not allowed' : `request failed: ${error.code ?? error.message}`);
    });
    outgoing.end(body);
  });
}
