/**
 * The `pocketbook` command and the server's output, as a developer meets them in a terminal, on
 * real processes: one server for the whole file (`src/main.ts` at its default log level, sandbox
 * mode, no demo seed), and the command run as `node bin/pocketbook.mjs ...` against it, with only
 * POCKETBOOK_URL set (the credentials are the sandbox partner's built-in ones).
 *   - `--help`, `--version`, and `--help` on every subcommand;
 *   - `clock get|set|advance`, `fund <pocket> 15.00` (and `15.001` refused, exit 2),
 *     `events trigger <type>`; each checked on the server through the API;
 *   - `listen --forward-to`: a delivery reaches this test's receiver signed with the printed secret
 *     (x-jiko-signature and Standard Webhooks), and SIGINT removes the subscription;
 *   - the server's start-up banner (once, after it listens), no per-request log lines at the
 *     default level, JSON logs when stdout is not a terminal; in-process, an unexpected error is
 *     logged with its reason and tenant, refusals only at debug, and pretty lines on request.
 * Spawning costs about a second of CPU each: independent commands run concurrently.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { Webhook } from 'standardwebhooks';
import { buildApp } from '../src/app.ts';
import { connect, connectionOf } from '../src/cli/http.ts';
import { cliProgram } from '../src/cli/program.ts';
import { SANDBOX_PARTNER_DEFAULTS } from '../src/config.ts';
import { PartnerClient } from '../src/seed/inject-client.ts';
import { sharedEngineFlags } from '../scripts/fault-restart.ts';
import { startTestServices } from './support/app.ts';
import { applicationRequest } from './support/fixtures.ts';
import { scratchFolder } from './support/db.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'pocketbook.mjs');
/** A CLI command must be done within this; the server must print its banner within SERVER_BOOT_MS_MAX. */
const COMMAND_MS_MAX = 30_000;
const SERVER_BOOT_MS_MAX = 60_000;
/** How long a delivery may take to reach the listener (the server's worker polls every 50 ms here). */
const DELIVERY_MS_MAX = 15_000;

const scratch = scratchFolder('pocketbook-cli-');
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A child process whose output is collected; `waitFor` resolves when a pattern shows. */
interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv, command = process.execPath): Running {
  const child = spawn(command, [...(command === process.execPath ? sharedEngineFlags() : []), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    wake();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      wake();
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern);
          if (match) done(() => resolve(match));
          else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`exited before ${pattern}:\n${stdout}${stderr}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${ms} ms:\n${stdout}${stderr}`))), ms);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The file's server; `ready` resolves with the status of GET /health sent as soon as the banner showed. */
let server: { readonly baseUrl: string; readonly process: Running; readonly ready: Promise<number> };

/** Runs `pocketbook <args>` against the file's server until it exits. */
async function cli(...args: string[]): Promise<Finished> {
  const running = run([BIN, ...args], cliEnv());
  const timer = setTimeout(() => running.child.kill('SIGKILL'), COMMAND_MS_MAX);
  const code = await running.exited;
  clearTimeout(timer);
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** The CLI's environment: the server's URL only (no credentials: the built-in sandbox ones). */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, POCKETBOOK_URL: server.baseUrl };
  for (const name of ['POCKETBOOK_USERNAME', 'POCKETBOOK_PASSWORD', 'POCKETBOOK_SHARED_SECRET']) delete env[name];
  return env;
}

/** The API as the sandbox partner, for setting up and checking what the commands did. */
const api = () => connect(connectionOf({ url: server.baseUrl }));

before(async () => {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    POCKETBOOK_DATA_DIR: join(scratch, 'data'),
    HOST: '127.0.0.1',
    PORT: String(port),
    POCKETBOOK_MODE: 'sandbox',
    POCKETBOOK_SEED_DEMO: 'false',
    POCKETBOOK_POCKET_OPEN_DELAY_MS: '0',
    POCKETBOOK_RATE_LIMIT_PER_MINUTE: '1000000',
    POCKETBOOK_WORKER_POLL_MS: '50',
    POCKETBOOK_FAULTS: '',
    POCKETBOOK_PARTNER_USERNAME: '',
    POCKETBOOK_PARTNER_PASSWORD: '',
    POCKETBOOK_PARTNER_SHARED_SECRET: '',
    // The default level.
    LOG_LEVEL: '',
  };
  // The server boots while the tests that do not need it run; the others await `ready`.
  const booting = run(['scripts/start.mjs'], env);
  const baseUrl = `http://127.0.0.1:${port}`;
  const ready = booting.waitFor(/API reference/, SERVER_BOOT_MS_MAX).then(async () => (await fetch(`${baseUrl}/health`)).status);
  server = { baseUrl, process: booting, ready };
  server.ready.catch(() => undefined);
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

/** JSON lines written to a stream, parsed. */
function collect(stream: PassThrough): { lines(): Record<string, unknown>[]; text(): string } {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { lines: () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>), text: () => text };
}

describe('server logs (in-process)', () => {
  test('an unexpected error is logged at error with its reason and tenant; refusals and requests only at debug; pretty lines on request', async () => {
    const t = await startTestServices();
    try {
      const failing = { ...t.services, sandbox: { ...t.services.sandbox, getClock: () => { throw new Error('clock exploded'); } } };
      const deps = { ...t.deps, config: { ...t.deps.config, logLevel: 'debug' } };
      const jsonStream = new PassThrough();
      const json = collect(jsonStream);
      const prettyStream = new PassThrough();
      const pretty = collect(prettyStream);
      const [jsonApp, prettyApp] = await Promise.all([
        buildApp(deps, failing, { logger: true, logStream: jsonStream }),
        buildApp({ ...t.deps, config: { ...t.deps.config, logLevel: 'info' } }, failing, { logger: true, logStream: prettyStream, prettyLogs: true }),
      ]);
      try {
        const username = `cli-logs-${randomUUID()}`;
        const partner = await t.services.auth.createPartner({ username, password: 'cli-logs-password', sharedSecret: 'cli-logs-shared-secret-0123456789', isSandbox: true });
        for (const app of [jsonApp, prettyApp]) {
          const login = await app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password: 'cli-logs-password' } });
          const client = new PartnerClient(app, partner.id, username, 'cli-logs-shared-secret-0123456789', (login.json() as { token: string }).token);
          assert.equal((await client.get('/api/v1/sandbox/clock/')).statusCode, 500);
          assert.equal((await client.get(`/api/v2/pockets/${randomUUID()}/`)).statusCode, 404);
        }
        await sleep(50);
        const lines = json.lines();
        const errors = lines.filter((line) => (line.level as number) >= 40);
        assert.equal(errors.length, 1, JSON.stringify(errors));
        assert.equal(errors[0]!.tenant, partner.id);
        assert.equal((errors[0]!.err as { message: string }).message, 'clock exploded');
        // Every other line of a request is at debug, the refusal with its reason.
        assert.deepEqual(lines.filter((line) => line.level === 30 && line.reqId !== undefined), []);
        const refusal = lines.find((line) => line.statusCode === 404);
        assert.equal(refusal?.level, 20);
        assert.equal(refusal?.tenant, partner.id);
        assert.match(String(refusal?.detail), /Not Found/);

        assert.match(pretty.text(), /ERROR.*unhandled error/);
        assert.match(pretty.text(), /clock exploded/);
        assert.match(pretty.text(), new RegExp(`tenant: "${partner.id}"`));
        assert.equal(pretty.text().split('\n').some((line) => line.startsWith('{')), false, pretty.text());
      } finally {
        await Promise.all([jsonApp.close(), prettyApp.close()]);
      }
    } finally {
      await t.close();
    }
  });
});

describe('help and version', () => {
  test('--help lists the commands, --version prints the package version, a subcommand has its own --help; bin/ runs on the PATH node', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    // bin/pocketbook.mjs through its shebang, with node_modules/.bin off the PATH: the node a fresh clone finds.
    const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules')).join(delimiter);
    const systemNode = path.split(delimiter).some((dir) => existsSync(join(dir, 'node')));
    const onPath = systemNode ? run(['--version'], { ...cliEnv(), PATH: path }, BIN) : undefined;
    const [help, printedVersion, fundHelp] = await Promise.all([cli('--help'), cli('--version'), cli('fund', '--help')]);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['partners', 'tbill', 'worker', 'clock', 'fund', 'events', 'listen']) assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    assert.match(help.stdout, /POCKETBOOK_URL/);
    assert.deepEqual(printedVersion, { code: 0, stdout: `${version}\n`, stderr: '' });
    assert.equal(fundHelp.code, 0, fundHelp.stderr);
    assert.match(fundHelp.stdout, /^Usage: pocketbook fund \[options\] <pocket> <amount>$/m);
    assert.match(fundHelp.stdout, /--url <url>.*\n.*POCKETBOOK_URL/);
    if (onPath) {
      assert.equal(await onPath.exited, 0, onPath.stderr());
      assert.equal(onPath.stdout(), `${version}\n`);
    }
  });

  test('every command and subcommand answers --help with its usage, exit 0', async () => {
    const paths: string[][] = [];
    const walk = (command: ReturnType<typeof cliProgram>, path: string[]) => {
      for (const sub of command.commands) {
        if (sub.name() === 'help') continue;
        paths.push([...path, sub.name()]);
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(cliProgram({ code: 0, command: '' }), []);
    assert.ok(paths.length >= 11, `only ${paths.length} commands`);
    for (const path of paths) {
      let out = '';
      const program = cliProgram({ code: 0, command: '' }, { stdout: (text) => (out += text), stderr: (text) => (out += text) });
      const error = await program.parseAsync([...path, '--help'], { from: 'user' }).then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof CommanderError && error.exitCode === 0, `${path.join(' ')} --help: ${String(error)}`);
      assert.match(out, new RegExp(`^Usage: pocketbook ${path.join(' ')}\\b`, 'm'), path.join(' '));
      assert.ok(out.split('\n')[2]!.length > 10, `${path.join(' ')} has no description:\n${out}`);
    }
  });
});

/** The clock's instant and business date, as `--json` prints them. */
interface ClockJson {
  readonly now: string;
  readonly business_date: string;
}

/** Milliseconds from `from` to `to` (ISO instants). */
const msBetween = (from: string, to: string) => new Date(to).getTime() - new Date(from).getTime();

describe('the sandbox from a terminal', () => {
  test('clock set, get, advance by days and to an instant', async () => {
    await server.ready;
    // 2024-03-01 is a Friday; three days on is Monday 2024-03-04, a business day.
    const set = await cli('clock', 'set', '2024-03-01T15:00:00Z');
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^2024-03-01T15:00:0\d\.\d{3}Z {2}business date 2024-03-01\n$/);

    const get = await cli('clock', '--json');
    assert.equal(get.code, 0, get.stderr);
    const read = JSON.parse(get.stdout) as ClockJson;
    // Tenant time runs on with the wall clock from the instant set.
    assert.ok(msBetween('2024-03-01T15:00:00Z', read.now) >= 0 && msBetween('2024-03-01T15:00:00Z', read.now) < COMMAND_MS_MAX * 2, read.now);
    assert.equal(read.business_date, '2024-03-01');

    const byDays = await cli('clock', 'advance', '3', '--json');
    assert.equal(byDays.code, 0, byDays.stderr);
    const advanced = JSON.parse(byDays.stdout) as ClockJson;
    assert.equal(msBetween(read.now, advanced.now) >= 3 * 86_400_000, true, `${read.now} -> ${advanced.now}`);
    assert.equal(advanced.business_date, '2024-03-04');

    const [toInstant, both] = await Promise.all([cli('clock', 'advance', '--to', '2024-03-05T16:00:00Z'), cli('clock', 'advance', '2', '--to', '2024-03-09T16:00:00Z')]);
    assert.equal(toInstant.code, 0, toInstant.stderr);
    assert.match(toInstant.stdout, /^2024-03-05T16:00:0\d\.\d{3}Z {2}business date 2024-03-05\n$/);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);

    const clock = (await api().call('GET', '/api/v1/sandbox/clock/')).body as ClockJson;
    assert.equal(clock.business_date, '2024-03-05');
    assert.ok(msBetween('2024-03-05T16:00:00Z', clock.now) >= 0, clock.now);
  });

  test('fund a pocket with 15.00 (and refuse 15.001 with exit 2), trigger an event', async () => {
    await server.ready;
    const partner = api();
    const application = (await partner.call('POST', '/api/v1/applications/', applicationRequest())).body as { id: string };
    const applied = (await partner.call('POST', `/api/v1/applications/${application.id}/apply/`, {})).body as { customer_id: string };
    const pocket = (await partner.call('POST', `/api/v2/customers/${applied.customer_id}/pockets/`, { pocket_name: 'cli', deposit_strategy_id: 'UST-4W' })).body as { id: string };

    const [funded, tooPrecise, triggered, badForward] = await Promise.all([
      cli('fund', pocket.id, '15.00'),
      cli('fund', pocket.id, '15.001'),
      cli('events', 'trigger', 'application.approved', '--json', '--payload', JSON.stringify({ application_id: application.id })),
      cli('listen', '--forward-to', 'ftp://127.0.0.1/webhooks'),
    ]);
    assert.equal(funded.code, 0, funded.stderr);
    assert.match(funded.stdout, new RegExp(`^funded pocket ${pocket.id}: 1 ACH credit of \\$15\\.00 \\(1500 cents each\\)`));
    assert.equal(tooPrecise.code, 2);
    assert.match(tooPrecise.stderr, /amount "15\.001" has more than 2 decimals/);
    assert.equal(tooPrecise.stdout, '');
    assert.equal(badForward.code, 2);
    assert.match(badForward.stderr, /--forward-to "ftp:\/\/127\.0\.0\.1\/webhooks" must be an http or https URL/);

    // One credit of exactly 1500 cents: the refused amount changed nothing.
    const transactions = (await partner.call('GET', `/api/v2/pockets/${pocket.id}/transactions/`)).body as { items: { type: string; direction: string; amount: { value: number } }[] };
    assert.deepEqual(transactions.items.map((item) => [item.type, item.direction, item.amount.value]), [['ACH', 'CREDIT', 1500]]);

    assert.equal(triggered.code, 0, triggered.stderr);
    const answer = JSON.parse(triggered.stdout) as { event_id: string; count: number };
    const events = (await partner.call('GET', '/api/v1/events/')).body as { items: { event: { event_id: string; event_type: string; payload: unknown } }[] };
    const recorded = events.items.find((item) => item.event.event_id === answer.event_id);
    assert.deepEqual(recorded?.event.event_type, 'application.approved');
    assert.deepEqual(recorded?.event.payload, { application_id: application.id });
  });
});

/** A local app's webhook endpoint: keeps what it receives, answers 200. */
async function startReceiver(): Promise<{ url: string; received: { headers: IncomingHttpHeaders; body: string }[]; server: Server }> {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, received, server };
}

describe('pocketbook listen', () => {
  test('forwards a delivery signed with the printed secret, and removes its subscription on SIGINT', async () => {
    await server.ready;
    const receiver = await startReceiver();
    try {
      const listener = run([BIN, 'listen', '--forward-to', receiver.url], cliEnv());
      await listener.waitFor(/^ready: forwarding events to /m, COMMAND_MS_MAX);
      const secret = listener.stderr().match(/^webhook signing secret: (\S+)/m)?.[1];
      const [, subscriptionId, delivered] = listener.stderr().match(/^pocketbook listen: subscription (\S+) on .* delivered to (\S+)$/m) ?? [];
      assert.ok(secret && subscriptionId && delivered, listener.stderr());

      const partner = api();
      const types = ((await partner.call('GET', '/api/v1/events/types/')).body as { items: { event: string }[] }).items.map((item) => item.event);
      const listed = (await partner.call('GET', '/api/v1/subscriptions/')).body as { items: { id: string; url: string; events: string[] }[] };
      const subscription = listed.items.find((item) => item.id === subscriptionId);
      assert.deepEqual(subscription && { url: subscription.url, events: [...subscription.events].sort() }, { url: delivered, events: [...types].sort() });

      // A request to the listener that the subscription did not sign is refused, and not forwarded.
      const forged = await fetch(delivered, { method: 'POST', body: '{"event_id":"forged"}', headers: { 'content-type': 'application/json', 'x-jiko-signature': 'AAAA' } });
      assert.equal(forged.status, 401);

      const triggered = await cli('events', 'trigger', 'transfers.ach.in.success', '--json', '--payload', JSON.stringify({ jiko_account_id: randomUUID() }));
      assert.equal(triggered.code, 0, triggered.stderr);
      const { event_id: eventId, count } = JSON.parse(triggered.stdout) as { event_id: string; count: number };
      assert.ok(count >= 1, `no delivery scheduled: ${triggered.stdout}`);
      await listener.waitFor(new RegExp(`<-- \\[200\\] POST ${receiver.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*event ${eventId}`), DELIVERY_MS_MAX);

      const forwards = receiver.received.filter((item) => (JSON.parse(item.body) as { event_id: string }).event_id === eventId);
      assert.equal(forwards.length, 1, `forwards: ${JSON.stringify(receiver.received)}`);
      const [forward] = forwards;
      // Jiko's receiver check: base64(HMAC-SHA256(secret as UTF-8, raw body)).
      assert.equal(forward!.headers['x-jiko-signature'], createHmac('sha256', Buffer.from(secret, 'utf8')).update(forward!.body, 'utf8').digest('base64'));
      // The Standard Webhooks check, with the same secret.
      assert.doesNotThrow(() => new Webhook(Buffer.from(secret, 'utf8').toString('base64')).verify(forward!.body, forward!.headers as Record<string, string>));
      assert.equal((JSON.parse(forward!.body) as { event_type: string }).event_type, 'transfers.ach.in.success');
      assert.match(listener.stdout(), new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ {2}--> transfers\\.ach\\.in\\.success {2}event ${eventId} {2}object ${eventId}$`, 'm'));

      listener.child.kill('SIGINT');
      assert.equal(await listener.exited, 0, listener.stderr());
      assert.match(listener.stderr(), new RegExp(`^subscription ${subscriptionId} removed$`, 'm'));
      const remaining = (await partner.call('GET', '/api/v1/subscriptions/')).body as { items: { id: string }[] };
      assert.equal(remaining.items.some((item) => item.id === subscriptionId), false, 'the subscription outlived the listener');
    } finally {
      receiver.server.close();
    }
  });
});

describe("the server's output", () => {
  test('one banner once it listens, no per-request lines at the default level, JSON logs off a terminal', async () => {
    assert.equal(await server.ready, 200, 'the banner came before the server listened');
    const output = server.process.stdout() + server.process.stderr();
    const [before, ...rest] = output.split(/^pocketbook sandbox listening on /m);
    assert.equal(rest.length, 1, `banners:\n${output}`);
    const banner = rest[0]!;
    assert.match(banner, new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')} `));
    assert.match(banner, new RegExp(`^API reference: ${server.baseUrl.replace(/\./g, '\\.')}/docs$`, 'm'));
    assert.match(banner, new RegExp(`^ {2}password {7}${SANDBOX_PARTNER_DEFAULTS.password}$`, 'm'));
    assert.match(banner, new RegExp(`^ {2}shared secret {2}${SANDBOX_PARTNER_DEFAULTS.sharedSecret}$`, 'm'));
    assert.doesNotMatch(before ?? '', /\S/, `output before the banner:\n${before}`);
    // The commands above made dozens of requests, some refused.
    assert.doesNotMatch(output, /incoming request|request completed|Server listening at/);

    server.process.child.kill('SIGTERM');
    assert.equal(await server.process.exited, 0);
    const logLines = server.process.stdout().split('\n').filter((line) => line.startsWith('{'));
    const stopping = logLines.map((line) => JSON.parse(line) as { level: number; msg: string; signal?: string }).find((line) => line.msg === 'stopping');
    assert.deepEqual(stopping && { level: stopping.level, signal: stopping.signal }, { level: 30, signal: 'SIGTERM' });
  });
});
