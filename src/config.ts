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

/**
 * The sandbox partner's built-in credentials (POCKETBOOK_PARTNER_USERNAME, _PASSWORD and
 * _SHARED_SECRET when unset): public, so that a fresh sandbox works out of the box.
 */
export const SANDBOX_PARTNER_DEFAULTS = {
  username: 'sandbox',
  password: 'sandbox-password',
  sharedSecret: 'sandbox-shared-secret-0123456789',
} as const;

export interface Config {
  /** `sandbox` (default) enables test clocks, sandbox endpoints and the seeded sandbox partner. */
  readonly mode: Mode;
  readonly host: string;
  readonly port: number;
  /** PostgreSQL server URL; when absent the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /**
   * How long boot waits for a PostgreSQL server that does not answer yet (refused, starting up),
   * in milliseconds (POCKETBOOK_DATABASE_WAIT_MS, default 15 000; 0: one attempt). A server that
   * answers and refuses (user, password, database) fails boot at once.
   */
  readonly databaseWaitMs: number;
  /** Folder of the embedded database (POCKETBOOK_DATA_DIR, default `./.pocketbook`). */
  readonly dataDir: string;
  /** Where uploaded documents are kept (docs/DOCUMENTS.md). */
  readonly documents: DocumentsConfig;
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
  /**
   * The server's embedded database runs on a worker thread of its own (POCKETBOOK_PGLITE_THREAD,
   * default true): a warm start answers about a quarter sooner, and each statement costs a
   * hand-over between threads (about 0.1 ms on a 2-core virtual machine; docs/PERFORMANCE.md).
   * false: on the main thread.
   */
  readonly pgliteThread: boolean;
  /**
   * Where no autovacuum daemon runs (the embedded database, a server with autovacuum off), how
   * often the background work ANALYZEs the tables whose statistics are out of date, in
   * milliseconds (POCKETBOOK_ANALYZE_INTERVAL_MS, default 5 000; 0: never). See
   * platform/db/statistics.ts.
   */
  readonly analyzeIntervalMs: number;
  /**
   * How long a new customer pocket stays PENDING before it opens, in wall-clock milliseconds
   * (POCKETBOOK_POCKET_OPEN_DELAY_MS; default 1 000 in sandbox mode, as Jiko's pockets open
   * asynchronously within seconds; 0: open in the creating request). The job queue opens it, so
   * a delay needs a running worker (the server's, or `pocketbook worker`).
   */
  readonly pocketOpenDelayMs: number;
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
  /**
   * The fee of each outgoing wire, in cents, posted to the tenant's fee income when the wire
   * settles (POCKETBOOK_WIRE_FEE_CENTS, 0..WIRE_FEE_CENTS_MAX; default 2 500, i.e. $25, in sandbox
   * mode, 0 in production; docs/WIRES.md).
   */
  readonly wireFeeCents: bigint;
  /** Where the card data key and the PIN key come from (docs/CARDS.md "Keys"). */
  readonly cards: CardsConfig;
  /**
   * Velocity limits of every card, checked by the issuer's authorization decision (docs/CARDS.md):
   * the largest single payment (POCKETBOOK_CARD_TRANSACTION_CENTS_MAX, default 1 000 000, i.e.
   * $10,000), the most approved per card per New York day (POCKETBOOK_CARD_DAY_CENTS_MAX, default
   * 2 500 000, $25,000) and the most payments per card per day (POCKETBOOK_CARD_DAY_COUNT_MAX, 50).
   */
  readonly cardLimits: { readonly transactionCentsMax: bigint; readonly dayCentsMax: bigint; readonly dayCountMax: number };
  /**
   * Send a zero-dollar prenote ahead of the first ACH entry to each counterparty, in the same file
   * (POCKETBOOK_ACH_PRENOTES, default false; docs/ACH.md "Prenotes").
   */
  readonly achPrenotes: boolean;
}

/**
 * The card keys: the AES-256 data key that encrypts PANs, CVVs and PINs at rest, and the RSA
 * private key whose public half (`set_pin`, GET /api/v1/public-keys) clients encrypt PINs with.
 */
export interface CardsConfig {
  /** POCKETBOOK_CARD_DATA_KEY: 32 bytes, base64. */
  readonly dataKey: Buffer | undefined;
  /** POCKETBOOK_CARD_PIN_PRIVATE_KEY: an RSA private key, PEM (PKCS#8 or PKCS#1; a literal `\n` may stand for a line break). */
  readonly pinPrivateKeyPem: string | undefined;
  /**
   * When the two keys are not configured: in sandbox mode, the key file generated on first use
   * (POCKETBOOK_CARD_KEY_FILE, default `<dataDir>/card-keys.json`: random keys of this data folder,
   * never shared with anything else); in production none, and card endpoints answer 503.
   */
  readonly keyFile: string | undefined;
}

function cardsConfig(env: NodeJS.ProcessEnv, dataDir: string, sandbox: boolean): CardsConfig {
  const rawKey = env.POCKETBOOK_CARD_DATA_KEY;
  const pem = env.POCKETBOOK_CARD_PIN_PRIVATE_KEY?.replaceAll('\\n', '\n');
  if (Boolean(rawKey) !== Boolean(pem)) throw new ConfigError('POCKETBOOK_CARD_DATA_KEY and POCKETBOOK_CARD_PIN_PRIVATE_KEY go together');
  let dataKey: Buffer | undefined;
  if (rawKey) {
    dataKey = Buffer.from(rawKey, 'base64');
    if (dataKey.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(rawKey)) throw new ConfigError('POCKETBOOK_CARD_DATA_KEY must be 32 bytes, base64');
  }
  if (pem && !pem.includes('PRIVATE KEY-----')) throw new ConfigError('POCKETBOOK_CARD_PIN_PRIVATE_KEY must be a PEM private key');
  const keyFile = sandbox && !rawKey ? env.POCKETBOOK_CARD_KEY_FILE || `${dataDir.replace(/\/+$/, '')}/card-keys.json` : undefined;
  return { dataKey, pinPrivateKeyPem: pem || undefined, keyFile };
}

/** The highest fee per wire the configuration accepts: $1,000, in cents. */
export const WIRE_FEE_CENTS_MAX = 100_000;

/** The document store: a folder, or an S3-compatible bucket when one is named. */
export interface DocumentsConfig {
  /**
   * Folder of the filesystem store (POCKETBOOK_DOCUMENTS_DIR, default `<dataDir>/documents`, also
   * on PostgreSQL); with S3, uploads are staged there before they are sent.
   */
  readonly dir: string;
  /** Set when POCKETBOOK_DOCUMENTS_S3_BUCKET is: files go to that bucket instead of `dir`. */
  readonly s3: DocumentsS3Config | undefined;
}

/** An S3-compatible bucket (AWS S3, MinIO, R2, ...). */
export interface DocumentsS3Config {
  readonly bucket: string;
  /** POCKETBOOK_DOCUMENTS_S3_ENDPOINT: a non-AWS server's URL; unset for AWS. */
  readonly endpoint: string | undefined;
  /** POCKETBOOK_DOCUMENTS_S3_REGION, default us-east-1. */
  readonly region: string;
  /** POCKETBOOK_DOCUMENTS_S3_PREFIX: prepended to every key (`pocketbook/`), default none. */
  readonly prefix: string;
  /** Path-style URLs (`endpoint/bucket/key`), as most S3-compatible servers want; default true with an endpoint. */
  readonly forcePathStyle: boolean;
  /**
   * POCKETBOOK_DOCUMENTS_S3_ACCESS_KEY_ID and _SECRET_ACCESS_KEY; when unset the AWS SDK's own
   * chain is used (AWS_ACCESS_KEY_ID, profiles, instance roles).
   */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

function documents(env: NodeJS.ProcessEnv, dataDir: string): DocumentsConfig {
  const bucket = env.POCKETBOOK_DOCUMENTS_S3_BUCKET;
  const endpoint = env.POCKETBOOK_DOCUMENTS_S3_ENDPOINT || undefined;
  const accessKeyId = env.POCKETBOOK_DOCUMENTS_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.POCKETBOOK_DOCUMENTS_S3_SECRET_ACCESS_KEY;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError('POCKETBOOK_DOCUMENTS_S3_ACCESS_KEY_ID and POCKETBOOK_DOCUMENTS_S3_SECRET_ACCESS_KEY go together');
  }
  return {
    dir: env.POCKETBOOK_DOCUMENTS_DIR || `${dataDir.replace(/\/+$/, '')}/documents`,
    s3: bucket
      ? {
          bucket,
          endpoint,
          region: env.POCKETBOOK_DOCUMENTS_S3_REGION || 'us-east-1',
          prefix: env.POCKETBOOK_DOCUMENTS_S3_PREFIX ?? '',
          forcePathStyle: bool(env, 'POCKETBOOK_DOCUMENTS_S3_PATH_STYLE', endpoint !== undefined),
          credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
        }
      : undefined,
  };
}

/** Thrown for an environment variable that does not parse; boot stops with its message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number.parseInt(raw, 10);
  if (value < min) throw new ConfigError(`${name} must be at least ${min}, got ${value}`);
  if (value > max) throw new ConfigError(`${name} must be at most ${max}, got ${value}`);
  return value;
}

/**
 * DATABASE_URL as given, or undefined when unset. Its value is never echoed (it may hold a password).
 * @throws ConfigError unless it is a postgres:// or postgresql:// URL, a socket: URL or a socket folder.
 */
function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DATABASE_URL;
  if (!raw) return undefined;
  if (/^(postgres|postgresql|socket):/i.test(raw) || raw.startsWith('/')) return raw;
  throw new ConfigError('DATABASE_URL must be a PostgreSQL URL, postgres://user:password@host:5432/database');
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
    databaseUrl: databaseUrl(env),
    databaseWaitMs: int(env, 'POCKETBOOK_DATABASE_WAIT_MS', 15_000),
    dataDir: env.POCKETBOOK_DATA_DIR || './.pocketbook',
    documents: documents(env, env.POCKETBOOK_DATA_DIR || './.pocketbook'),
    sandboxPartner: {
      username: env.POCKETBOOK_PARTNER_USERNAME || SANDBOX_PARTNER_DEFAULTS.username,
      password: env.POCKETBOOK_PARTNER_PASSWORD || SANDBOX_PARTNER_DEFAULTS.password,
      sharedSecret: env.POCKETBOOK_PARTNER_SHARED_SECRET || SANDBOX_PARTNER_DEFAULTS.sharedSecret,
    },
    seedDemo: bool(env, 'POCKETBOOK_SEED_DEMO', sandbox),
    spreadBps: int(env, 'POCKETBOOK_SPREAD_BPS', sandbox ? 0 : 2),
    tokenTtlMinutes: int(env, 'POCKETBOOK_TOKEN_TTL_MINUTES', 60, 1),
    rateLimitPerMinute: int(env, 'POCKETBOOK_RATE_LIMIT_PER_MINUTE', 600, 1),
    passwordHashLn: int(env, 'POCKETBOOK_PASSWORD_HASH_LN', 15, 10),
    runWorker: bool(env, 'POCKETBOOK_RUN_WORKER', true),
    pgliteThread: bool(env, 'POCKETBOOK_PGLITE_THREAD', true),
    analyzeIntervalMs: int(env, 'POCKETBOOK_ANALYZE_INTERVAL_MS', 5_000, 0),
    pocketOpenDelayMs: int(env, 'POCKETBOOK_POCKET_OPEN_DELAY_MS', sandbox ? 1000 : 0, 0),
    webhooks: {
      retryBaseMs: int(env, 'POCKETBOOK_WEBHOOK_RETRY_BASE_MS', 30_000, 1),
      retryWindowMs: int(env, 'POCKETBOOK_WEBHOOK_RETRY_WINDOW_MS', 3 * 24 * 3600 * 1000, 1),
      timeoutMs: int(env, 'POCKETBOOK_WEBHOOK_TIMEOUT_MS', 15_000, 1),
      allowPrivateTargets: bool(env, 'POCKETBOOK_WEBHOOK_ALLOW_PRIVATE', sandbox),
      pollIntervalMs: int(env, 'POCKETBOOK_WORKER_POLL_MS', 1000, 10),
    },
    logLevel: env.LOG_LEVEL || 'info',
    faults: faults(env.POCKETBOOK_FAULTS, mode),
    wireFeeCents: BigInt(int(env, 'POCKETBOOK_WIRE_FEE_CENTS', sandbox ? 2_500 : 0, 0, WIRE_FEE_CENTS_MAX)),
    cards: cardsConfig(env, env.POCKETBOOK_DATA_DIR || './.pocketbook', sandbox),
    cardLimits: {
      transactionCentsMax: BigInt(int(env, 'POCKETBOOK_CARD_TRANSACTION_CENTS_MAX', 1_000_000, 1)),
      dayCentsMax: BigInt(int(env, 'POCKETBOOK_CARD_DAY_CENTS_MAX', 2_500_000, 1)),
      dayCountMax: int(env, 'POCKETBOOK_CARD_DAY_COUNT_MAX', 50, 1),
    },
    achPrenotes: bool(env, 'POCKETBOOK_ACH_PRENOTES', false),
  };
}
