import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { bundleEntryUrl } from '../bundled.ts';
import { CHANNEL_NAME, type Db, type DeferredStatement, type NotificationHandler, type Subscription, type Tx, type TxOptions, serial } from './db.ts';

/**
 * The embedded database on a worker thread of its own. PGlite is PostgreSQL compiled to
 * WebAssembly and runs on the thread that opened it. Opened on the server's main thread, its start
 * (about half a second on the 2-core machine) waits for the application's modules to load, or they
 * for it; here the worker starts PostgreSQL while the main thread loads the application
 * (docs/PERFORMANCE.md, P4).
 *
 * Once open, each statement is handed over and waited for, as a call into the engine on the main
 * thread is: the request goes as a message, and the threads wake each other through a shared
 * memory word (Atomics.wait and notify) rather than through their event loops. A hand-over costs
 * about 25 µs when the worker is awake, and 100-150 µs on the 2-core virtual machine when it has
 * gone to sleep between statements. The statements a transaction issues in one turn of the event
 * loop go in one hand-over. Even so, sequential on-us transfers in-process run at about 0.7 times
 * their rate on the main thread (P5). One hand-over is out at a time; statements outside a
 * transaction wait on this side for the open transaction to end (as PGlite's own do), so the worker
 * always answers at once. A statement that takes longer than SYNC_WAIT_MS is waited for without
 * holding the event loop (Atomics.waitAsync), so that a thread that died is noticed.
 */

/**
 * A request to the worker. A hand-over carries the requests issued in one turn of the event loop, in
 * order; each gets its outcome (ThreadAnswer).
 */
export type ThreadRequest =
  | { readonly op: 'query'; readonly sql: string; readonly params?: readonly unknown[] | undefined }
  | { readonly op: 'exec'; readonly sql: string }
  /**
   * Writes `writes` (deferred, in order), then runs `sql` in the open transaction; without `sql`, a
   * flush. `begin`: the transaction's first request, which opens it first (with these options).
   */
  | { readonly op: 'txQuery'; readonly begin?: TxBegin | undefined; readonly writes: readonly DeferredStatement[]; readonly sql?: string; readonly params?: readonly unknown[] | undefined }
  /** Writes `writes`, then commits (`commit`) or rolls back the open transaction (opened first when `begin`). */
  | { readonly op: 'end'; readonly begin?: TxBegin | undefined; readonly commit: boolean; readonly writes: readonly DeferredStatement[] }
  /** LISTEN (answered once it has taken effect). */
  | { readonly op: 'listen'; readonly subscription: number; readonly channel: string }
  | { readonly op: 'unlisten'; readonly subscription: number }
  | { readonly op: 'close' };

/** The options of a transaction's first request, which opens it. */
export interface TxBegin {
  readonly options?: TxOptions | undefined;
}

/** An error as it crosses threads: its name, message and own fields (SQLSTATE `code`, `constraint`, `detail`). */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly fields: Record<string, string | number>;
}

/** A notification that arrived during a request, for subscription `subscription`. */
export interface ThreadNotification {
  readonly subscription: number;
  readonly payload: string;
}

/** The outcome of one request: its value or its error. */
export interface ThreadOutcome {
  readonly value?: unknown;
  readonly error?: ThreadError;
}

/** The answer to one hand-over: each request's outcome, in order, and the notifications that arrived meanwhile. */
export interface ThreadAnswer {
  readonly outcomes: readonly ThreadOutcome[];
  readonly notifications: readonly ThreadNotification[];
}

/** What the worker gets: the folder, the request port and the shared words (THREAD_WORD). */
export interface ThreadData {
  readonly dataDir: string | undefined;
  /** Fill the (empty) folder from the migrated template first (seedFromPgliteTemplate). */
  readonly seed: boolean;
  readonly port: MessagePort;
  readonly words: SharedArrayBuffer;
}

/** Indexes of the shared Int32 words: a request is waiting (1) or not (0); an answer likewise. */
export const THREAD_WORD = { request: 0, answer: 1 } as const;

/**
 * Milliseconds the main thread waits for an answer with its event loop held (a statement's time);
 * past that, it waits without holding it.
 */
const SYNC_WAIT_MS = 50;

/** `error` made cloneable: own string and number fields kept (PGlite's DatabaseError carries SQLSTATE and the constraint so). */
export function threadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { name: error.name, message: error.message, fields };
}

/** The Error a ThreadError stands for, raised on this thread (its stack is this thread's). */
function raised(error: ThreadError): Error {
  const made = Object.assign(new Error(error.message), error.fields);
  made.name = error.name;
  return made;
}

/** The worker's script: the bundle's entry, or the TypeScript source when Node runs TypeScript itself. */
function workerScript(): URL | undefined {
  const bundled = bundleEntryUrl('pglite-worker');
  if (bundled) return bundled;
  return process.features.typescript ? new URL('./pglite-worker.ts', import.meta.url) : undefined;
}

/** True when `openPgliteThread` can start its worker in this process (bundle, or Node's own TypeScript). */
export function pgliteThreadAvailable(): boolean {
  return workerScript() !== undefined;
}

/**
 * Opens the embedded database in folder `dataDir` (in memory when undefined) on a worker thread
 * (see above). The caller has locked the folder. `seed`: the folder is empty, and the worker fills
 * it from the migrated template first, on its own event loop. Statements, transactions and notifications behave
 * as `openPglite`'s.
 * @throws Error when no worker script can be had (pgliteThreadAvailable) or PGlite cannot open
 *   the folder (the worker's error, raised here).
 */
export async function openPgliteThread(dataDir: string | undefined, options: { readonly seed?: boolean } = {}): Promise<Db> {
  const script = workerScript();
  if (!script) throw new Error('the embedded database thread needs the bundle or a Node.js that runs TypeScript');
  const words = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const { port1: port, port2: workerPort } = new MessageChannel();
  const data: ThreadData = { dataDir, seed: options.seed === true, port: workerPort, words: words.buffer as SharedArrayBuffer };
  const worker = new Worker(script, { workerData: data, transferList: [workerPort] });
  const handlers = new Map<number, { handler: NotificationHandler; live: boolean }>();
  let failure: Error | undefined;
  let stopped!: (error: Error) => void;
  const stopping = new Promise<never>((_, reject) => (stopped = reject));
  stopping.catch(() => undefined);
  const fail = (error: Error) => {
    failure ??= error;
    stopped(failure);
  };
  worker.on('error', (error) => fail(new Error(`the embedded database stopped: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`the embedded database stopped (its thread exited with code ${code})`)));
  const opened = new Promise<ThreadError | undefined>((resolve) => worker.once('message', (message: { error?: ThreadError }) => resolve(message.error)));
  const openError = await Promise.race([opened, stopping]).catch((error: Error) => threadError(error));
  if (openError) {
    await worker.terminate();
    throw raised(openError);
  }

  /** Hands `requests` over and waits for their answer (see above). */
  const handOver = async (requests: readonly ThreadRequest[]): Promise<ThreadAnswer> => {
    if (failure) throw failure;
    port.postMessage(requests);
    Atomics.store(words, THREAD_WORD.request, 1);
    Atomics.notify(words, THREAD_WORD.request);
    if (Atomics.wait(words, THREAD_WORD.answer, 0, SYNC_WAIT_MS) === 'timed-out') {
      const waiting = Atomics.waitAsync(words, THREAD_WORD.answer, 0);
      if (waiting.async) await Promise.race([waiting.value, stopping]);
    }
    Atomics.store(words, THREAD_WORD.answer, 0);
    const answer = receiveMessageOnPort(port)?.message as ThreadAnswer | undefined;
    if (!answer) throw new Error('the embedded database stopped: a request went unanswered');
    return answer;
  };
  /** Requests issued and not yet handed over, with their callers. */
  let waiting: { request: ThreadRequest; resolve(value: unknown): void; reject(error: Error): void }[] = [];
  let sending = false;
  /**
   * Hands over what is waiting, one hand-over at a time; requests issued in the same turn of the
   * event loop (a transaction's `Promise.all`) go together.
   */
  const send = async () => {
    sending = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      let answer: ThreadAnswer;
      try {
        answer = await handOver(batch.map((entry) => entry.request));
      } catch (error) {
        for (const entry of batch) entry.reject(error as Error);
        continue;
      }
      for (const { subscription, payload } of answer.notifications) handlers.get(subscription)?.handler.onNotify(payload);
      batch.forEach((entry, i) => {
        const outcome = answer.outcomes[i];
        if (outcome?.error) entry.reject(raised(outcome.error));
        else entry.resolve(outcome?.value);
      });
    }
    sending = false;
  };
  const call = <T>(request: ThreadRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ request, resolve: resolve as (value: unknown) => void, reject });
      if (!sending) {
        sending = true;
        queueMicrotask(() => void send());
      }
    });
  // A transaction holds this from begin to end; a statement outside one waits for it.
  const exclusive = serial();
  let nextSubscription = 0;

  return {
    kind: 'pglite',
    query: <Row>(sql: string, params?: readonly unknown[]) => exclusive(() => call<Row[]>({ op: 'query', sql, params })),
    exec: (sql: string) => exclusive(() => call<void>({ op: 'exec', sql })),
    tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T> {
      return exclusive(async () => {
        // The first request opens the transaction: a BEGIN costs no hand-over of its own.
        let begin: TxBegin | undefined = { options };
        const opening = () => {
          const first = begin;
          begin = undefined;
          return first;
        };
        let pending: DeferredStatement[] = [];
        const take = () => {
          const taken = pending;
          pending = [];
          return taken;
        };
        const query = <Row>(sql: string, params?: readonly unknown[]) => call<Row[]>({ op: 'txQuery', begin: opening(), writes: take(), sql, params });
        const handle: Tx = {
          alone: true,
          defer(sql, params, deferOptions) {
            pending.push({ sql, params: params ?? [], rows: deferOptions?.rows });
          },
          query,
          gather: (sql, params) => query(sql, params),
          flush: async () => {
            if (pending.length > 0) await call<void>({ op: 'txQuery', begin: opening(), writes: take() });
          },
        };
        let value: T;
        try {
          value = await fn(handle);
        } catch (error) {
          // Nothing to roll back when nothing was sent.
          if (!begin) await call<void>({ op: 'end', commit: false, writes: [] }).catch(() => undefined);
          throw error;
        }
        await call<void>({ op: 'end', begin: opening(), commit: true, writes: take() });
        return value;
      });
    },
    listen(channel: string, handler: NotificationHandler): Subscription {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`listen: not a channel name: ${channel}`);
      const subscription = nextSubscription++;
      const entry = { handler, live: false };
      handlers.set(subscription, entry);
      // PGlite's LISTEN waits for an open transaction to end, as here.
      const listening = exclusive(() => call<void>({ op: 'listen', subscription, channel })).then(
        () => {
          if (!handlers.has(subscription)) return;
          entry.live = true;
          handler.onReset();
        },
        () => undefined,
      );
      return {
        get live() {
          return entry.live;
        },
        async close() {
          handlers.delete(subscription);
          entry.live = false;
          await listening;
          if (!failure) await exclusive(() => call<void>({ op: 'unlisten', subscription })).catch(() => undefined);
        },
      };
    },
    async close() {
      if (failure) return;
      await exclusive(() => call<void>({ op: 'close' }));
      failure = new Error('the embedded database is closed');
      await worker.terminate();
    },
  };
}
