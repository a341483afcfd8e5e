import type pg from 'pg';
import { exponentialBackoff } from '../backoff.ts';
import { CHANNEL_NAME, type NotificationHandler, type Subscription } from './db.ts';

/** Milliseconds before the listening connection is opened again after a loss, doubling up to LISTENER_RETRY_MAX_MS. */
export const LISTENER_RETRY_MIN_MS = 100;
/** The longest wait between two attempts to open the listening connection again (milliseconds). */
export const LISTENER_RETRY_MAX_MS = 5_000;

interface Listening {
  readonly channel: string;
  readonly handler: NotificationHandler;
  live: boolean;
}

/**
 * The PostgreSQL side of Db.listen: one connection of its own (outside the pool, which would hand
 * it to other work) LISTENs to every channel asked for and passes each notification to the
 * channel's handlers. When the connection is lost, every subscription stops being live and its
 * handler's onReset is called; the connection is opened again (after LISTENER_RETRY_MIN_MS,
 * doubling up to LISTENER_RETRY_MAX_MS while the server does not answer), LISTENs again, and calls
 * onReset once more before the subscriptions are live again (notifications sent meanwhile are lost).
 * A subscription's onReset is also called when it first becomes live.
 * `connect` makes a new, unconnected client.
 */
export function notificationListener(connect: () => pg.Client, warn: (message: string) => void) {
  const subscriptions = new Set<Listening>();
  let client: pg.Client | undefined;
  let opening: Promise<void> | undefined;
  const backoff = exponentialBackoff({ baseMs: LISTENER_RETRY_MIN_MS, capMs: LISTENER_RETRY_MAX_MS });
  /** Failed attempts to open the connection since it was last open. */
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const channels = () => new Set([...subscriptions].map((s) => s.channel));

  function lost(from: pg.Client, error?: unknown): void {
    if (client !== from) return;
    client = undefined;
    if (error !== undefined) warn(`the notification listener lost its connection (${error instanceof Error ? error.message : String(error)}); it reconnects`);
    for (const s of subscriptions) {
      s.live = false;
      s.handler.onReset();
    }
    from.end().catch(() => undefined);
    schedule();
  }

  function schedule(): void {
    if (closed || retry || subscriptions.size === 0) return;
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, backoff(failures));
    retry.unref();
  }

  /** Opens the connection and LISTENs to every channel; on failure, tries again later. */
  function open(): Promise<void> {
    if (client || closed) return Promise.resolve();
    opening ??= (async () => {
      const next = connect();
      next.on('error', (error) => lost(next, error));
      next.on('end', () => lost(next, new Error('connection ended')));
      next.on('notification', (message) => {
        for (const s of subscriptions) if (s.channel === message.channel && s.live) s.handler.onNotify(message.payload ?? '');
      });
      try {
        await next.connect();
        // Channels asked for while this runs are listened to as well, before any is live.
        const listened = new Set<string>();
        for (let pending = [...channels()]; pending.length > 0; pending = [...channels()].filter((c) => !listened.has(c))) {
          for (const channel of pending) {
            await next.query(`LISTEN ${channel}`);
            listened.add(channel);
          }
        }
        if (closed) {
          await next.end();
          return;
        }
        client = next;
        failures = 0;
        for (const s of subscriptions) {
          s.handler.onReset();
          s.live = true;
        }
      } catch {
        next.end().catch(() => undefined);
        schedule();
      }
    })().finally(() => {
      opening = undefined;
    });
    return opening;
  }

  return {
    listen(channel: string, handler: NotificationHandler): Subscription {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`listen: not a channel name: ${channel}`);
      const s: Listening = { channel, handler, live: false };
      const fresh = !channels().has(channel);
      subscriptions.add(s);
      const connected = client;
      if (!connected) {
        void open();
      } else if (fresh) {
        connected.query(`LISTEN ${channel}`).then(
          () => {
            if (client !== connected || !subscriptions.has(s)) return;
            handler.onReset();
            s.live = true;
          },
          (error: unknown) => lost(connected, error),
        );
      } else {
        handler.onReset();
        s.live = true;
      }
      return {
        get live() {
          return s.live;
        },
        async close() {
          s.live = false;
          subscriptions.delete(s);
          if (client && !channels().has(channel)) await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
        },
      };
    },
    async close(): Promise<void> {
      closed = true;
      if (retry) clearTimeout(retry);
      await opening;
      const last = client;
      client = undefined;
      for (const s of subscriptions) s.live = false;
      await last?.end().catch(() => undefined);
    },
  };
}
