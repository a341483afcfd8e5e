import { loadCliConfig } from './config.ts';
import { createAuthService } from '../modules/auth/index.ts';
import { systemClock } from '../platform/clock.ts';
import { migrate, openDatabase } from '../platform/db/index.ts';
import { DomainError } from '../platform/http/index.ts';

/** The options of `pocketbook partners create` (commander makes the first three required). */
export interface PartnerOptions {
  readonly username: string;
  readonly password: string;
  readonly sharedSecret: string;
  /** A production partner has no test clock; the default follows POCKETBOOK_MODE. */
  readonly production?: boolean;
}

/**
 * `pocketbook partners create`: adds a partner tenant to the configured database (DATABASE_URL or
 * the embedded one in POCKETBOOK_DATA_DIR) and prints `{"id", "username"}` as JSON.
 * Exit 0 when created; 2 for a usage error, a bad field or a taken username (message on stderr);
 * 1 when the database cannot be opened (its data folder held by another process, the server
 * unreachable: a DatabaseOpenError, one line on stderr).
 */
export async function createPartnerCommand(options: PartnerOptions): Promise<number> {
  const { username, password, sharedSecret } = options;
  const config = loadCliConfig();
  if (!config) return 2;
  // The embedded data folder is locked for this command: while a server holds it, this fails at once
  // naming the server (a write here would be lost under the server's own).
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, holder: 'pocketbook partners create', bootWaitMs: config.databaseWaitMs });
  try {
    await migrate(db);
    const auth = createAuthService({ config, db, wallClock: systemClock });
    const isSandbox = options.production ? false : config.mode === 'sandbox';
    const partner = await auth.createPartner({ username, password, sharedSecret, isSandbox });
    process.stdout.write(`${JSON.stringify({ id: partner.id, username: partner.username })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      const reasons = error.issues?.map((issue) => issue.msg).join('; ') ?? error.message;
      process.stderr.write(`cannot create partner: ${reasons}\n`);
      return 2;
    }
    throw error;
  } finally {
    await db.close();
  }
}
