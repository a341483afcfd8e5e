/**
 * `pocketbook listen`: webhooks on a developer's machine, as `stripe listen` does it. The command
 * starts an HTTP receiver on 127.0.0.1 (a free port), subscribes it (a temporary subscription, to
 * every event type or those of `--events`) on the running server, prints each delivery as it
 * arrives, forwards it to `--forward-to` signed as pocketbook signs deliveries (`x-jiko-signature`
 * and the Standard Webhooks headers, keyed by the secret it prints), prints the forward's status,
 * and removes the subscription when it stops (Ctrl-C, SIGTERM, or an error).
 *
 * The server's webhook worker delivers to the receiver: the server must reach 127.0.0.1 of this
 * machine, and allow loopback targets (sandbox mode does).
 *
 * Output: stdout carries the deliveries (one line each: arrival time, type, event id, object id;
 * with `--json` the body as received) and the forwards' results (on stderr with `--json`, so that
 * stdout stays JSON lines); stderr carries the set-up and tear-down lines.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { signatureHeaders } from '../modules/events/index.ts';
import { systemClock } from '../platform/clock.ts';
import { WEBHOOK_BODY_BYTES_MAX } from '../platform/limits.ts';
import { CliFailure, UsageError } from './errors.ts';
import { type PocketbookApi, causeOf, errorDetail } from './http.ts';

/** One forward to the local app, at most. */
export const FORWARD_TIMEOUT_MS = 10_000;
/** Bytes of a generated signing secret (printed as 32 base64url characters). */
const SECRET_BYTES = 24;
/** The server's rule for a subscription's shared_secret. */
const SECRET_CHARS_MIN = 16;

export interface ListenOptions {
  /** The local endpoint deliveries are forwarded to (http or https); print only when absent. */
  readonly forwardTo?: string;
  /** Comma-separated event types; every type of the server's catalog when absent. */
  readonly events?: string;
  /** The signing secret of the subscription and of the forwards; generated when absent. */
  readonly secret?: string;
  /** Print each delivery's body as received instead of a summary line. */
  readonly json: boolean;
}

/** Where the command writes: `event` for deliveries and forwards, `info` for set-up and tear-down. */
export interface ListenOutput {
  event(line: string): void;
  info(line: string): void;
}

interface Settings {
  readonly forwardTo: URL | undefined;
  readonly events: readonly string[] | undefined;
  readonly secret: string;
}

/** @throws UsageError for a forward target that is not http(s), a short secret, an empty event list. */
function settingsOf(options: ListenOptions): Settings {
  let forwardTo: URL | undefined;
  if (options.forwardTo !== undefined) {
    try {
      forwardTo = new URL(options.forwardTo);
    } catch {
      throw new UsageError(`--forward-to "${options.forwardTo}" is not a URL: write it like http://localhost:3000/webhooks`);
    }
    if (forwardTo.protocol !== 'http:' && forwardTo.protocol !== 'https:') throw new UsageError(`--forward-to "${options.forwardTo}" must be an http or https URL`);
  }
  const events = options.events?.split(',').map((type) => type.trim()).filter((type) => type !== '');
  if (events !== undefined && events.length === 0) throw new UsageError('--events needs at least one event type, e.g. --events transfers.ach.in.success,pocket.status.open');
  const secret = options.secret ?? randomBytes(SECRET_BYTES).toString('base64url');
  if (secret.length < SECRET_CHARS_MIN) throw new UsageError(`--secret must have at least ${SECRET_CHARS_MIN} characters`);
  return { forwardTo, events, secret };
}

/** The instant as `2025-01-02T15:04:05Z` (seconds are enough for a terminal). */
function clockText(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True when `signature` is Jiko's signature of `body` under `secret`. */
function signedBy(secret: string, body: string, signature: string | undefined): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(signatureHeaders(secret, 'check', new Date(0), body)['x-jiko-signature']!, 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Reads a request body of at most WEBHOOK_BODY_BYTES_MAX bytes; undefined when it is longer. */
async function bodyOf(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > WEBHOOK_BODY_BYTES_MAX) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** POSTs `body` to the local endpoint, signed with `secret`; one line with the outcome. */
async function forward(target: URL, secret: string, messageId: string, body: string): Promise<string> {
  const started = performance.now();
  const elapsed = () => `${Math.round(performance.now() - started)} ms`;
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'pocketbook-listen', ...signatureHeaders(secret, messageId, systemClock.now(), body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    return `[${response.status}] POST ${target.href}  ${elapsed()}`;
  } catch (error) {
    return `[failed: ${causeOf(error)}] POST ${target.href}  ${elapsed()}`;
  }
}

/** The receiver's request handler: checks, prints, answers 200, forwards. */
function receiver(settings: Settings, options: ListenOptions, out: ListenOutput) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const body = await bodyOf(request);
    if (body === undefined) {
      response.writeHead(413).end();
      return;
    }
    const signature = request.headers['x-jiko-signature'];
    if (!signedBy(settings.secret, body, typeof signature === 'string' ? signature : undefined)) {
      out.info(`${clockText(systemClock.now())}  refused a request without a valid x-jiko-signature (not from this subscription)`);
      response.writeHead(401).end();
      return;
    }
    let event: { event_id?: string; event_type?: string; object_id?: string } = {};
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      // Signed but not JSON: printed as it came.
    }
    const eventId = event.event_id ?? '?';
    out.event(options.json ? body.trim() : `${clockText(systemClock.now())}  --> ${event.event_type ?? '?'}  event ${eventId}  object ${event.object_id ?? '?'}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    if (!settings.forwardTo) return;
    const messageId = typeof request.headers['webhook-id'] === 'string' ? request.headers['webhook-id'] : eventId;
    const outcome = await forward(settings.forwardTo, settings.secret, messageId, body);
    const line = `${clockText(systemClock.now())}  <-- ${outcome}  event ${eventId}`;
    if (options.json) out.info(line);
    else out.event(line);
  };
}

async function startReceiver(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((request, response) => {
    handler(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Every type of the server's event catalog (GET /api/v1/events/types/). */
async function allEventTypes(api: PocketbookApi): Promise<string[]> {
  const list = (await api.call('GET', '/api/v1/events/types/')).body as { items: { event: string }[] };
  return list.items.map((item) => item.event);
}

/** Resolves with the reason to stop: a signal, or the receiver failing. */
function stopRequested(server: Server): { reason: Promise<string>; dispose(): void } {
  let dispose = () => {};
  const reason = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => resolve(signal);
    const onError = (error: Error) => resolve(`receiver error: ${error.message}`);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    server.once('error', onError);
    dispose = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server.off('error', onError);
    };
  });
  return { reason, dispose: () => dispose() };
}

/**
 * Runs `pocketbook listen` until SIGINT or SIGTERM, then removes its subscription.
 * @throws UsageError for bad options (nothing created); CliFailure when the server refuses or cannot
 *   be reached, after removing what was created.
 */
export async function listen(api: PocketbookApi, options: ListenOptions, out: ListenOutput): Promise<void> {
  const settings = settingsOf(options);
  const server = await startReceiver(receiver(settings, options, out));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const closeReceiver = () => new Promise<void>((resolve) => server.close(() => resolve()));
  // Signals are caught from here on: a Ctrl-C while the subscription is being created still removes it.
  const stop = stopRequested(server);
  let subscriptionId: string;
  let events: readonly string[];
  try {
    events = settings.events ?? (await allEventTypes(api));
    const created = await api.call('POST', '/api/v1/subscriptions/', {
      url,
      events,
      description: `pocketbook listen (pid ${process.pid})`,
      shared_secret: settings.secret,
    });
    subscriptionId = (created.body as { id: string }).id;
  } catch (error) {
    stop.dispose();
    await closeReceiver();
    throw error;
  }

  out.info(`pocketbook listen: subscription ${subscriptionId} on ${api.baseUrl} for ${events.length} event ${events.length === 1 ? 'type' : 'types'}, delivered to ${url}`);
  out.info(`webhook signing secret: ${settings.secret}  (x-jiko-signature: base64 HMAC-SHA256 of the body; Standard Webhooks headers too)`);
  out.info(`ready: ${settings.forwardTo ? `forwarding events to ${settings.forwardTo.href}` : 'printing events (no --forward-to)'}; Ctrl-C to stop and remove the subscription`);
  const reason = await stop.reason;
  stop.dispose();
  // A second Ctrl-C while the subscription is being removed ends the command at once.
  process.once('SIGINT', () => process.exit(130));

  out.info(`stopping (${reason}): removing subscription ${subscriptionId}`);
  server.closeAllConnections();
  const [removal] = await Promise.allSettled([api.call('DELETE', `/api/v1/subscriptions/${subscriptionId}/`), closeReceiver()]);
  if (removal.status === 'rejected') {
    const why = removal.reason instanceof Error ? removal.reason.message : errorDetail(removal.reason);
    throw new CliFailure(`could not remove subscription ${subscriptionId} (${why}): delete it with DELETE /api/v1/subscriptions/${subscriptionId}/`);
  }
  out.info(`subscription ${subscriptionId} removed`);
  if (reason.startsWith('receiver error')) throw new CliFailure(reason);
}
