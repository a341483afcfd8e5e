import { parseArgs } from 'node:util';
import { loadCliConfig } from './config.ts';
import { createAuthService } from '../modules/auth/index.ts';
import { systemClock } from '../platform/clock.ts';
import { migrate, openDatabase } from '../platform/db/index.ts';
import { DomainError } from '../platform/http/index.ts';

const USAGE = 'usage: pocketbook partners create --username U --password P --shared-secret S [--production]\n';

/**
 * `pocketbook partners create`: adds a partner tenant to the configured database (DATABASE_URL or
 * the embedded one in POCKETBOOK_DATA_DIR) and prints `{"id", "username"}` as JSON.
 * Exit 0 when created; 2 for a usage error, a bad field or a taken username (message on stderr).
 */
export async function partnersCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create') {
    process.stderr.write(USAGE);
    return 2;
  }
  let values: { username?: string; password?: string; 'shared-secret'?: string; production?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        username: { type: 'string' },
        password: { type: 'string' },
        'shared-secret': { type: 'string' },
        // A production partner has no test clock; the default follows POCKETBOOK_MODE.
        production: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { username, password, 'shared-secret': sharedSecret } = values;
  if (username === undefined || password === undefined || sharedSecret === undefined) {
    process.stderr.write(`--username, --password and --shared-secret are required\n${USAGE}`);
    return 2;
  }

  const config = loadCliConfig();
  if (!config) return 2;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db);
    const auth = createAuthService({ config, db, wallClock: systemClock });
    const isSandbox = values.production ? false : config.mode === 'sandbox';
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
