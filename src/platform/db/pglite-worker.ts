// The embedded database's worker thread (pglite-thread.ts): opens PGlite on the folder it is given,
// says so on parentPort, then runs the main thread's hand-overs (requests, in order) one at a
// time, sleeping on the shared request word between them.
import { readFile } from 'node:fs/promises';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { Db, DeferredStatement, Subscription, Tx, TxOptions } from './db.ts';
import { THREAD_WORD, type ThreadAnswer, type ThreadData, type ThreadNotification, type ThreadOutcome, type ThreadRequest, threadError } from './pglite-thread.ts';

/** The transaction the main thread holds open: its handle, and how to end it. */
interface OpenTx {
  readonly handle: Tx;
  /** Ends the transaction's function: commit when true, roll back when false. */
  end(commit: boolean): void;
  /** The transaction's outcome (settles after the end). */
  readonly done: Promise<unknown>;
}

/** Thrown inside a transaction's function to roll it back at the main thread's asking. */
const ROLLBACK = Symbol('rollback');

/** Begins a transaction on `db` and resolves with it once BEGIN has run (rejects when it could not). */
function begin(db: Db, options: TxOptions | undefined): Promise<OpenTx> {
  let end!: (commit: boolean) => void;
  const ended = new Promise<boolean>((resolve) => (end = resolve));
  return new Promise<OpenTx>((resolve, reject) => {
    const done = db.tx(async (handle) => {
      resolve({ handle, end, done });
      if (!(await ended)) throw ROLLBACK;
    }, options);
    done.catch(reject);
  });
}

/** Defers `writes` on `tx`, in order (they go with its next statement, or its commit). */
function deferAll(tx: Tx, writes: readonly DeferredStatement[]): void {
  for (const { sql, params, rows } of writes) tx.defer(sql, params, rows ? { rows } : undefined);
}

/** Serves requests on `db` until the main thread asks to close it. */
async function serve(db: Db, { port, words }: ThreadData): Promise<void> {
  const signals = new Int32Array(words);
  const subscriptions = new Map<number, Subscription>();
  let notifications: ThreadNotification[] = [];
  let open: OpenTx | undefined;

  const handle = async (request: ThreadRequest): Promise<unknown> => {
    switch (request.op) {
      case 'query':
        return db.query(request.sql, request.params);
      case 'exec':
        return db.exec(request.sql);
      case 'txQuery': {
        if (request.begin) open = await begin(db, request.begin.options);
        if (!open) throw new Error('no open transaction');
        deferAll(open.handle, request.writes);
        return request.sql === undefined ? open.handle.flush() : open.handle.query(request.sql, request.params);
      }
      case 'end': {
        if (request.begin) open = await begin(db, request.begin.options);
        const ending = open;
        open = undefined;
        if (!ending) throw new Error('no open transaction');
        if (request.commit) deferAll(ending.handle, request.writes);
        ending.end(request.commit);
        await ending.done.catch((error: unknown) => {
          if (error !== ROLLBACK || request.commit) throw error;
        });
        return undefined;
      }
      case 'listen': {
        const { subscription, channel } = request;
        await new Promise<void>((resolve) => {
          subscriptions.set(subscription, db.listen(channel, { onNotify: (payload) => notifications.push({ subscription, payload }), onReset: resolve }));
        });
        return undefined;
      }
      case 'unlisten': {
        const subscription = subscriptions.get(request.subscription);
        subscriptions.delete(request.subscription);
        return subscription?.close();
      }
      case 'close':
        return db.close();
    }
  };

  for (;;) {
    Atomics.wait(signals, THREAD_WORD.request, 0);
    Atomics.store(signals, THREAD_WORD.request, 0);
    const requests = receiveMessageOnPort(port)?.message as readonly ThreadRequest[] | undefined;
    if (!requests) continue;
    const outcomes: ThreadOutcome[] = [];
    for (const request of requests) {
      try {
        outcomes.push({ value: await handle(request) });
      } catch (error) {
        outcomes.push({ error: threadError(error) });
      }
    }
    const answer: ThreadAnswer = { outcomes, notifications };
    notifications = [];
    port.postMessage(answer);
    Atomics.store(signals, THREAD_WORD.answer, 1);
    Atomics.notify(signals, THREAD_WORD.answer);
    if (requests.some((request) => request.op === 'close')) return port.close();
  }
}

/**
 * Opens the database: PostgreSQL's WebAssembly is read and compiled (on V8's background threads)
 * while an empty folder is filled from the template and PGlite's JavaScript loads, where PGlite
 * would start on it only after reading its file system bundle.
 */
async function open(data: ThreadData): Promise<Db> {
  const compiling = readFile(new URL(import.meta.resolve('@electric-sql/pglite/pglite.wasm'))).then((bytes) => WebAssembly.compile(bytes));
  compiling.catch(() => undefined);
  if (data.seed && data.dataDir) await (await import('./pglite-template.ts')).seedFromPgliteTemplate(data.dataDir);
  const { openPglite } = await import('./pglite.ts');
  return openPglite(data.dataDir, { wasmModule: await compiling });
}

const data = workerData as ThreadData;
open(data).then(
  (db) => {
    parentPort!.postMessage({});
    return serve(db, data);
  },
  (error: unknown) => parentPort!.postMessage({ error: threadError(error) }),
);
