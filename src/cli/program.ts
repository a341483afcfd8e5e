/**
 * The `pocketbook` command line, declared with commander: every command and subcommand, its
 * arguments, options, environment variables, help text and examples. Each action loads its own
 * code when it runs (`--help` loads nothing else), and reports its exit status in `outcome`.
 *
 *   pocketbook partners create | tbill | worker             on the database (DATABASE_URL or the data folder)
 *   pocketbook clock | fund | events trigger | listen       against a running server (--url, POCKETBOOK_URL)
 *   pocketbook cards encrypt-pin                           a PIN for Set Card PIN, under a server's public key
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { CONNECTION_ENV, type ConnectionFlags, connect, connectionOf } from './http.ts';
import type { Output } from './sandbox.ts';

/** What the actions report back to the entry point. */
export interface Outcome {
  /** The exit status of the action that ran (0 unless it says otherwise). */
  code: number;
  /** The command that ran, e.g. `fund` or `clock advance` (to point at its --help). */
  command: string;
}

/** Where commands write. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The package's version (package.json), for `--version`. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `clock advance`, `fund`: the names of a command and its parents, without the program's. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** Adds the options that say which server and which partner (flags, else environment, else the sandbox's). */
function withConnection(command: Command): Command {
  const group = 'Connection (flag, else environment variable, else default):';
  return command
    .addOption(new Option('--url <url>', 'the pocketbook server').env(CONNECTION_ENV.url.variable).default(CONNECTION_ENV.url.fallback).helpGroup(group))
    .addOption(
      new Option('--username <name>', "the partner's username").env(CONNECTION_ENV.username.variable).default(CONNECTION_ENV.username.fallback).helpGroup(group),
    )
    .addOption(
      new Option('--password <password>', "the partner's password")
        .env(CONNECTION_ENV.password.variable)
        .default(CONNECTION_ENV.password.fallback, "the sandbox partner's built-in one")
        .helpGroup(group),
    )
    .addOption(
      new Option('--shared-secret <secret>', "the partner's shared secret, which signs each request")
        .env(CONNECTION_ENV.sharedSecret.variable)
        .default(CONNECTION_ENV.sharedSecret.fallback, "the sandbox partner's built-in one")
        .helpGroup(group),
    );
}

/** A line-printing Output on stdout. */
function linesTo(io: CliIo): Output {
  return { line: (text) => io.stdout(`${text}\n`) };
}

type ServerAction = (api: ReturnType<typeof connect>, out: Output, sandbox: typeof import('./sandbox.ts')) => Promise<void>;

/** Runs `action` against the server named by `command`'s connection options. */
async function againstServer(io: CliIo, command: Command, action: ServerAction): Promise<void> {
  const api = connect(connectionOf(command.opts<ConnectionFlags>()));
  await action(api, linesTo(io), await import('./sandbox.ts'));
}

function clockCommands(program: Command, io: CliIo, needsServer: (command: Command) => Command): void {
  const clock = program
    .command('clock')
    .description("read or move the sandbox partner's test clock (the tenant's now and business date)")
    .addHelpText('after', '\nExamples:\n  pocketbook clock\n  pocketbook clock set 2024-03-01T15:00:00Z\n  pocketbook clock advance 3\n  pocketbook clock advance --to 2024-06-14T15:00:00Z\n');
  needsServer(clock.command('get', { isDefault: true }).description('print the clock: its instant and business date (the default)'))
    .option('--json', "print the server's Clock JSON")
    .action(async (options: { json?: boolean }, command: Command) =>
      againstServer(io, command, (api, out, sandbox) => sandbox.clockGet(api, out, options.json ?? false)));
  needsServer(
    clock
      .command('set')
      .description('set the clock to an instant: any date the market data covers while the partner has no customers, then forward only')
      .argument('<instant>', 'ISO 8601 with a time zone, e.g. 2024-03-01T15:00:00Z'),
  )
    .option('--json', "print the server's Clock JSON")
    .action(async (at: string, options: { json?: boolean }, command: Command) =>
      againstServer(io, command, (api, out, sandbox) => sandbox.clockSet(api, out, at, options.json ?? false)));
  needsServer(
    clock
      .command('advance')
      .description('move the clock forward by whole days or to an instant, running the due work on the way (maturities, investing, end-of-day values)')
      .argument('[days]', 'whole days of 24 hours'),
  )
    .option('--to <instant>', 'an instant instead of days, ISO 8601 with a time zone')
    .option('--json', "print the server's Clock JSON")
    .action(async (days: string | undefined, options: { to?: string; json?: boolean }, command: Command) =>
      againstServer(io, command, (api, out, sandbox) => sandbox.clockAdvance(api, out, days, options.to, options.json ?? false)));
}

function cardCommands(program: Command, io: CliIo): void {
  const cards = program.command('cards').description('card helpers of the sandbox');
  cards
    .command('encrypt-pin')
    .description("encrypt a card PIN for Set Card PIN (encrypted_pin): RSA-OAEP SHA-256 under the server's set_pin key (GET /api/v1/public-keys), base64")
    .argument('<pin>', 'four digits')
    .addOption(new Option('--url <url>', 'the pocketbook server whose key to use').env(CONNECTION_ENV.url.variable).default(CONNECTION_ENV.url.fallback))
    .option('--key-file <file>', 'a PEM public key to use instead of the server\'s')
    .addHelpText('after', '\nExamples:\n  pocketbook cards encrypt-pin 4821\n  pocketbook cards encrypt-pin 4821 --key-file set_pin.pem\n')
    .action(async (pin: string, options: { url: string; keyFile?: string }) => {
      const { encryptPinCommand } = await import('./cards.ts');
      await encryptPinCommand(io.stdout, pin, { baseUrl: connectionOf({ url: options.url }).baseUrl, keyFile: options.keyFile });
    });
}

function sandboxCommands(program: Command, io: CliIo, needsServer: (command: Command) => Command): void {
  needsServer(
    program
      .command('fund')
      .description("credit a pocket with simulated inbound ACH (POST /api/v1/sandbox/fund/); each credit settles at once and is invested by the pocket's strategy")
      .argument('<pocket>', 'the pocket id')
      .argument('<amount>', 'dollars and cents, e.g. 15.00 (at most 2 decimals)'),
  )
    .option('--count <n>', 'number of credits of <amount> each', '1')
    .option('--company-name <name>', 'the simulated ACH originator (Jiko: FakeCompany)')
    .option('--json', 'print the request that was accepted as JSON')
    .addHelpText('after', '\nExamples:\n  pocketbook fund 3f9c1c5e-6a0e-4b7e-9d43-2f0d5c9f8a11 15.00\n  pocketbook fund 3f9c1c5e-6a0e-4b7e-9d43-2f0d5c9f8a11 2500 --count 4\n')
    .action(async (pocket: string, amount: string, options: { count?: string; companyName?: string; json?: boolean }, command: Command) =>
      againstServer(io, command, (api, out, sandbox) => sandbox.fund(api, out, pocket, amount, { ...options, json: options.json ?? false })));

  const events = program.command('events').description('webhook events of the sandbox');
  needsServer(
    events
      .command('trigger')
      .description('record an event of a type and deliver it to every subscription that lists the type (POST /api/v1/sandbox/webhook/)')
      .argument('<type>', 'an event type, e.g. transfers.ach.in.success (GET /api/v1/events/types/ lists them)'),
  )
    .option('--payload <json>', 'the payload, a JSON object', '{}')
    .option('--json', "print the server's answer (event_id, count) as JSON")
    .addHelpText('after', '\nExample:\n  pocketbook events trigger application.approved --payload \'{"application_id":"5dec8479-7627-463f-83e5-a121dc920fce"}\'\n')
    .action(async (type: string, options: { payload?: string; json?: boolean }, command: Command) =>
      againstServer(io, command, (api, out, sandbox) => sandbox.triggerEvent(api, out, type, { ...options, json: options.json ?? false })));

  needsServer(
    program
      .command('listen')
      .description("receive the server's webhook deliveries here through a temporary subscription, print each, and forward it signed to a local URL; Ctrl-C removes the subscription"),
  )
    .option('--forward-to <url>', 'forward each delivery to this URL (e.g. http://localhost:3000/webhooks)')
    .option('--events <types>', 'comma-separated event types (default: every type)')
    .option('--secret <secret>', 'the signing secret of the subscription and the forwards, 16+ characters (default: generated, printed at start)')
    .option('--json', "print each delivery's body as received instead of a summary line")
    .addHelpText('after', '\nExample:\n  pocketbook listen --forward-to http://localhost:3000/webhooks --events transfers.ach.in.success,pocket.status.open\n')
    .action(async (options: { forwardTo?: string; events?: string; secret?: string; json?: boolean }, command: Command) => {
      const api = connect(connectionOf(command.opts<ConnectionFlags>()));
      const { listen } = await import('./listen.ts');
      await listen(api, { ...options, json: options.json ?? false }, { event: (line) => io.stdout(`${line}\n`), info: (line) => io.stderr(`${line}\n`) });
    });
}

function databaseCommands(program: Command, outcome: Outcome): void {
  const partners = program.command('partners').description('partner tenants, on the database (DATABASE_URL or POCKETBOOK_DATA_DIR)');
  partners
    .command('create')
    .description('add a partner tenant; prints {"id", "username"} as JSON')
    .requiredOption('--username <name>', 'the login name')
    .requiredOption('--password <password>', 'the login password')
    .requiredOption('--shared-secret <secret>', 'the secret that signs its requests and its webhooks')
    .option('--production', 'a production partner (no test clock); the default follows POCKETBOOK_MODE')
    .action(async (options: { username: string; password: string; sharedSecret: string; production?: boolean }) => {
      outcome.code = await (await import('./partners.ts')).createPartnerCommand(options);
    });

  program
    .command('tbill')
    .description('Treasury bill arithmetic: price from a discount rate, or the rates of a price (JSON)')
    .option('--rate <percent>', 'bank discount rate in percent, e.g. 5.290')
    .option('--price <price>', 'price per 100 of face, up to 6 decimals, e.g. 99.588556')
    .option('--issue <date>', 'issue date (or settlement date of a secondary trade), YYYY-MM-DD')
    .option('--maturity <date>', 'maturity date, YYYY-MM-DD')
    .addHelpText('after', '\nExamples:\n  pocketbook tbill --rate 5.290 --issue 2023-11-14 --maturity 2023-12-12\n  pocketbook tbill --price 99.588556 --issue 2023-11-14 --maturity 2023-12-12\n')
    .action(async (options: { rate?: string; price?: string; issue?: string; maturity?: string }) => {
      await (await import('./tbill.ts')).tbillCommand(options);
    });

  program
    .command('worker')
    .description("run the background work without the HTTP server: webhook deliveries and each tenant's due business-day work")
    .option('--once', 'run the jobs due now and exit')
    .action(async (options: { once?: boolean }) => {
      outcome.code = await (await import('./worker.ts')).workerCommand(options);
    });
}

/**
 * The `pocketbook` program. Commander's own exits are turned into exceptions (`exitOverride`):
 * the entry point decides the status (help and version 0, a usage error 2).
 */
export function cliProgram(outcome: Outcome, io: CliIo = PROCESS_IO): Command {
  const program = new Command('pocketbook')
    .description('pocketbook, a banking core in US Treasury bills with a Jiko-compatible Partner API: operate it, and use its sandbox from a terminal')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'print help (each command has its own: pocketbook <command> --help)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', [
      '',
      'Server commands (clock, fund, events, listen) reach the server at --url (POCKETBOOK_URL,',
      'default http://127.0.0.1:8000) as the partner of --username, --password and --shared-secret',
      "(POCKETBOOK_USERNAME, POCKETBOOK_PASSWORD, POCKETBOOK_SHARED_SECRET; default: the sandbox",
      "partner's built-in credentials). The others work on the database (DATABASE_URL, or the",
      'embedded one in POCKETBOOK_DATA_DIR).',
      '',
      'Exit status: 0 done, 1 failed (server unreachable or refusing), 2 wrong command line.',
      '',
    ].join('\n'));
  // Subcommands print a plain help line (the program's mentions each command's own help).
  const subcommandHelp = (command: Command) => command.helpOption('-h, --help', 'print this help');
  program.hook('preAction', (_program, action) => {
    outcome.command = pathOf(action);
  });
  databaseCommands(program, outcome);
  // The connection options come last in each server command's help, after its own options.
  const serverCommands: Command[] = [];
  const needsServer = (command: Command) => {
    serverCommands.push(command);
    return command;
  };
  clockCommands(program, io, needsServer);
  sandboxCommands(program, io, needsServer);
  cardCommands(program, io);
  for (const command of serverCommands) withConnection(command);
  const visit = (command: Command) => {
    for (const sub of command.commands) {
      subcommandHelp(sub);
      visit(sub);
    }
  };
  visit(program);
  return program;
}
