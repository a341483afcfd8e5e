/**
 * `pocketbook <command>`: the operator's command line.
 *   partners create --username U --password P --shared-secret S
 *   tbill --rate <discount %> | --price <price per 100> --issue <date> --maturity <date>
 *   worker
 */

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  partners: async () => (await import('./partners.ts')).partnersCommand,
  tbill: async () => (await import('./tbill.ts')).tbillCommand,
  worker: async () => (await import('./worker.ts')).workerCommand,
};

const USAGE = `usage: pocketbook <command> [options]

commands:
  partners create --username U --password P --shared-secret S   add a partner tenant
  tbill --rate D --issue YYYY-MM-DD --maturity YYYY-MM-DD        price a bill from its discount rate
  tbill --price P --issue YYYY-MM-DD --maturity YYYY-MM-DD       discount and investment rate of a price
  worker                                                         run the background worker alone
`;

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}


run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
