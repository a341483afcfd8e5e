/**
 * One typed, validated configuration, read from the environment once at boot (never at import
 * time). Every setting has a default that gives a working sandbox on a fresh machine.
 */

export type Mode = 'sandbox' | 'production';

/** Where the sandbox can be told to crash (see Config.faults). */
export type FaultPoint = 'before-commit' | 'after-commit';
/** A fault point, or `by-header`: each keyed request names its own in `x-pocketbook-fault`. */
export type FaultSetting = FaultPoint | 'by-header';

function faults(value: string | undefined, mode: Mode): FaultSetting[] {
  if (!value) return [];
  if (mode !== 'sandbox') throw new ConfigError('POCKETBOOK_FAULTS is for sandbox mode only');
  const points = value.split(',').map((p) => p.trim());
  for (const point of points) {
    if (point !== 'before-commit' && point !== 'after-commit' && point !== 'by-header') throw new ConfigError(`POCKETBOOK_FAULTS: unknown fault point ${point}`);
  }
  return points as FaultSetting[];
}

export interface Config {
  /** `sandbox` (default) enables test clocks, sandbox endpoints and the seeded sandbox partner. */
  readonly mode: Mode;
  readonly host: string;
  readonly port: number;
  /** PostgreSQL server URL; when absent the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database (POCKETBOOK_DATA_DIR, default `./.pocketbook`). */
  readonly dataDir: string;
  readonly sandboxPartner: {
    readonly username: string;
    readonly password: string;
    readonly sharedSecret: string;
  };
  /** Seed the demo customer and pockets on an empty database (POCKETBOOK_SEED_DEMO). */
  readonly seedDemo: boolean;
  /** Bid/ask spread around the mid discount rate, in basis points of discount rate. */
  readonly spreadBps: number;
  /** Bearer token lifetime (Jiko documents 60 minutes). */
  readonly tokenTtlMinutes: number;
  /**
   * log2 of scrypt's cost N for new password hashes (POCKETBOOK_PASSWORD_HASH_LN, 10..20, default
   * 15). Stored hashes carry their own cost, so changing it never breaks them; tests lower it.
   */
  readonly passwordHashLn: number;
  /** Requests per minute per partner before 429. */
  readonly rateLimitPerMinute: number;
  /** Run the webhook delivery worker inside the server process. */
  readonly runWorker: boolean;
  readonly webhooks: {
    /** Base delay of the exponential backoff, in milliseconds. */
    readonly retryBaseMs: number;
    /** Total retry window; attempts stop after it (about three days by default). */
    readonly retryWindowMs: number;
    readonly timeoutMs: number;
    /** Allow private, loopback and link-local webhook targets outside sandbox mode. */
    readonly allowPrivateTargets: boolean;
    /** How often an idle worker looks for work, in milliseconds. */
    readonly pollIntervalMs: number;
  };
  readonly logLevel: string;
  /**
   * Sandbox fault injection for crash tests (POCKETBOOK_FAULTS, comma-separated; refused outside
   * sandbox mode): `before-commit` kills the process inside a keyed change's transaction, after its
   * idempotency record is written but before commit; `after-commit` kills it after commit, before
   * the response goes out; `by-header` lets each keyed request name its point in `x-pocketbook-fault`.
   */
  readonly faults: readonly FaultSetting[];
}

/** Thrown for an environment variable that does not parse; boot stops with its message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number.parseInt(raw, 10);
  if (value < min) throw new ConfigError(`${name} must be at least ${min}, got ${value}`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/**
 * Reads the configuration from `env` (usually `process.env`).
 * @throws ConfigError when a variable is present but malformed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = (env.POCKETBOOK_MODE ?? 'sandbox') as Mode;
  if (mode !== 'sandbox' && mode !== 'production') {
    throw new ConfigError(`POCKETBOOK_MODE must be sandbox or production, got "${mode}"`);
  }
  const sandbox = mode === 'sandbox';
  return {
    mode,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.POCKETBOOK_DATA_DIR || './.pocketbook',
    sandboxPartner: {
      username: env.POCKETBOOK_PARTNER_USERNAME || 'sandbox',
      password: env.POCKETBOOK_PARTNER_PASSWORD || 'sandbox-password',
      sharedSecret: env.POCKETBOOK_PARTNER_SHARED_SECRET || 'sandbox-shared-secret-0123456789',
    },
    seedDemo: bool(env, 'POCKETBOOK_SEED_DEMO', sandbox),
    spreadBps: int(env, 'POCKETBOOK_SPREAD_BPS', sandbox ? 0 : 2),
    tokenTtlMinutes: int(env, 'POCKETBOOK_TOKEN_TTL_MINUTES', 60, 1),
    rateLimitPerMinute: int(env, 'POCKETBOOK_RATE_LIMIT_PER_MINUTE', 600, 1),
    passwordHashLn: int(env, 'POCKETBOOK_PASSWORD_HASH_LN', 15, 10),
    runWorker: bool(env, 'POCKETBOOK_RUN_WORKER', true),
    webhooks: {
      retryBaseMs: int(env, 'POCKETBOOK_WEBHOOK_RETRY_BASE_MS', 30_000, 1),
      retryWindowMs: int(env, 'POCKETBOOK_WEBHOOK_RETRY_WINDOW_MS', 3 * 24 * 3600 * 1000, 1),
      timeoutMs: int(env, 'POCKETBOOK_WEBHOOK_TIMEOUT_MS', 15_000, 1),
      allowPrivateTargets: bool(env, 'POCKETBOOK_WEBHOOK_ALLOW_PRIVATE', sandbox),
      pollIntervalMs: int(env, 'POCKETBOOK_WORKER_POLL_MS', 1000, 10),
    },
    logLevel: env.LOG_LEVEL || 'info',
    faults: faults(env.POCKETBOOK_FAULTS, mode),
  };
}
