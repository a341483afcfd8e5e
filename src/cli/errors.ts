/**
 * How a `pocketbook` command fails, and its exit status:
 *   0  done;
 *   1  the work failed (server unreachable or refusing, database unavailable): `CliFailure`;
 *   2  the command line or the environment is wrong (unknown option, missing argument, an amount
 *      with more than 2 decimals, a malformed setting): `UsageError`.
 * The entry point (main.ts) prints the message on one line of stderr, never a stack trace.
 */

/** Exit status of a command line that cannot be run as written. */
export const EXIT_USAGE = 2;
/** Exit status of work that could not be done. */
export const EXIT_FAILURE = 1;

/** The command line is wrong: the message says what to write instead (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The work could not be done (exit 1): the message names what failed and why. */
export class CliFailure extends Error {
  override name = 'CliFailure';
}
