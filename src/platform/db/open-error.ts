/** Why the database could not be opened at boot. */
export type OpenProblem =
  | 'data_dir_in_use' // another live process holds the embedded data folder
  | 'data_dir_unusable' // the data folder cannot be created or written
  | 'server_unreachable' // no PostgreSQL server answered at the URL's host and port
  | 'server_refused' // the server refused the user (no such role, wrong password, pg_hba)
  | 'no_database' // the server has no database of that name
  | 'server_error'; // any other answer of the server to the connection attempt

/**
 * The database cannot be opened, for a reason outside the code: the message is one line that names
 * the problem (which folder, or which host, user and database; never a password) and the fix, fit
 * to print as it is. `cause` holds the underlying error.
 */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
  readonly problem: OpenProblem;

  constructor(problem: OpenProblem, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.problem = problem;
  }
}

/** The `code` of a Node system error (`EACCES`), or undefined. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
