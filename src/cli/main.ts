/**
 * `pocketbook <command>`: the entry point of the command line (bin/pocketbook.mjs, `npm run
 * pocketbook --`). The commands are declared in program.ts; `pocketbook --help` lists them.
 * Exit status: 0 done, 1 the work failed, 2 the command line is wrong (see errors.ts). Errors are
 * one line on stderr, without a stack trace.
 */
import { CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors.ts';
import { type Outcome, cliProgram } from './program.ts';

/** Runs the command line `argv` (without node and the script); resolves with the exit status. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const outcome: Outcome = { code: 0, command: '' };
  try {
    await cliProgram(outcome).parseAsync([...argv], { from: 'user' });
    return outcome.code;
  } catch (error) {
    // Commander has printed its own message (or the help, or the version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof UsageError) {
      process.stderr.write(`pocketbook ${outcome.command}: ${error.message}\n(pocketbook ${outcome.command} --help shows the usage)\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
