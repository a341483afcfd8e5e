import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from './deps.ts';
import type { RequestContext } from './platform/context.ts';
import { defaultCompilersOnFirstUse, httpConventions } from './platform/http/index.ts';
import { REQUEST_BODY_BYTES_MAX } from './platform/limits.ts';
import { partnerApi } from './api/partner/index.ts';
import { sandboxApi } from './api/sandbox/index.ts';
import { jikoFrameworkError } from './api/jiko/errors.ts';
import { healthRoutes } from './api/health.routes.ts';
import { apiReference } from './api/docs/index.ts';
import type { Services } from './services.ts';

export interface BuildAppOptions {
  /** Log at config.logLevel (LOG_LEVEL); the server does, tests keep quiet. */
  readonly logger?: boolean;
  /** Human-readable log lines (pino-pretty) instead of JSON lines: the server's choice when stdout is a terminal. */
  readonly prettyLogs?: boolean;
  /** Where log lines go; stdout when absent (tests read them from a stream). */
  readonly logStream?: NodeJS.WritableStream;
}

/** Characters of a refused request's answer kept in its debug line. */
const LOGGED_DETAIL_CHARS_MAX = 500;
/** Fields that may hold card data, wherever they sit in a logged object (one or two levels down). */
const CARD_DATA_LOG_PATHS = ['pan', 'cvv', 'pin', 'encrypted_pin', 'public_key'].flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
/** The levels at which each request gets its log line. */
const REQUEST_LOG_LEVELS: readonly string[] = ['debug', 'trace'];

/**
 * Fastify's request lines, quieter: none when a request arrives, and one at debug when it is
 * answered (method, URL, status, milliseconds, tenant, and for a refusal the answer's body, which
 * says why) instead of two at info. Fastify's other lines (errors while sending) are kept.
 */
class RequestLines extends LogController {
  /** The answers of refused requests, kept by `onSend` for the request's line (at debug only). */
  readonly refusals = new WeakMap<FastifyRequest, string>();
  readonly enabled: boolean;

  constructor(level: string) {
    super();
    this.enabled = REQUEST_LOG_LEVELS.includes(level);
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    if (!this.enabled) return;
    const tenant = (request.ctx as RequestContext | null | undefined)?.tenantId;
    const detail = this.refusals.get(request);
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime), tenant };
    request.log.debug(detail === undefined ? line : { ...line, detail }, `${request.method} ${request.url} ${reply.statusCode}`);
  }

  /** Keeps the body of each refused answer for the request's line. */
  keepRefusals(app: FastifyInstance): void {
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode >= 400 && typeof payload === 'string') this.refusals.set(request, payload.slice(0, LOGGED_DETAIL_CHARS_MAX));
      return payload;
    });
  }
}

/**
 * Fastify's logger: level LOG_LEVEL, JSON lines or pretty ones. Its "Server listening at" line is
 * dropped: main.ts prints the banner once the server listens. Unexpected errors are logged by the
 * error handler (platform/http) with their reason and tenant.
 */
async function loggerOptions(level: string, options: BuildAppOptions) {
  if (!options.logger) return false;
  // pino-pretty is loaded only for a terminal: a server writing JSON lines never pays for it.
  const stream = options.prettyLogs
    ? (await import('pino-pretty')).default({ destination: options.logStream ?? 1, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    : options.logStream;
  return {
    level,
    ...(stream ? { stream } : {}),
    // Card data must never reach a log line (docs/CARDS.md): no route logs bodies, and should an
    // object carrying these fields ever be logged, pino writes [redacted] in their place.
    redact: { paths: CARD_DATA_LOG_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void): void {
        if (typeof args[0] === 'string' && args[0].startsWith('Server listening at ')) return;
        method.apply(this, args);
      },
    },
  };
}

/** pino's logging methods, by level. */
const LOG_LEVEL_METHODS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => undefined;

/**
 * Fastify's logger of one request (`request.log`), made at its first use: the pino child with the
 * request id costs about 5% of the server's CPU of a GET of a pocket (measured with `perf`), and
 * at the default levels almost no request logs anything. A call at a level the logger does not
 * write returns without making it.
 */
const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) => {
  let child: FastifyBaseLogger | undefined;
  const writes = (level: string) => (logger as FastifyBaseLogger & { isLevelEnabled(level: string): boolean }).isLevelEnabled(level);
  return new Proxy(logger, {
    get(_parent, property) {
      if (child === undefined && typeof property === 'string' && LOG_LEVEL_METHODS.has(property) && !writes(property)) return noop;
      const made = (child ??= logger.child(bindings, options));
      const value: unknown = Reflect.get(made, property, made);
      return typeof value === 'function' ? value.bind(made) : value;
    },
  });
};

/**
 * Builds the HTTP application around already-built services; never listens. Tests call
 * `app.inject()` on it; `main.ts` listens.
 */
export async function buildApp(deps: AppDeps, services: Services, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const requestLines = new RequestLines(deps.config.logLevel);
  const app = Fastify({
    logger: await loggerOptions(deps.config.logLevel, options),
    ...(options.logger ? { childLoggerFactory: lazyChildLogger } : {}),
    logController: requestLines,
    bodyLimit: REQUEST_BODY_BYTES_MAX,
    // The router's refusals (undecodable path, over-long parameter) in Jiko's error shape.
    frameworkErrors: jikoFrameworkError,
    routerOptions: { ignoreTrailingSlash: true },
    // Schemas compile on first use, not at boot (src/platform/http/lazy-schemas.ts).
    schemaController: { compilersFactory: defaultCompilersOnFirstUse },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(httpConventions);
  if (options.logger && requestLines.enabled) requestLines.keepRefusals(app);

  // The API reference (/openapi.json, /docs) documents the routes registered after it.
  await app.register(apiReference, { config: deps.config });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => reply.type('application/json').send('"OK"'));
  await app.register(healthRoutes, { db: deps.db });

  const { config, wallClock } = deps;
  // One set of rate-limit counters per app, shared by the Partner and sandbox doors.
  const rateOwner = {};
  const common = { config, wallClock, rateOwner, auth: services.auth, tenancy: services.tenancy, scheduler: services.scheduler, events: services.events };
  await app.register(partnerApi, {
    ...common,
    market: services.market,
    onboarding: services.onboarding,
    business: services.business,
    uploads: services.uploads,
    pockets: services.pockets,
    activity: services.activity,
    onUs: services.onUs,
    ach: services.ach,
    counterparties: services.counterparties,
    portals: services.portals,
    wires: services.wires,
    cards: services.cards,
  });
  if (config.mode === 'sandbox') await app.register(sandboxApi, { ...common, sandbox: services.sandbox, counterparties: services.counterparties, ach: services.ach, wires: services.wires, scenarios: services.scenarios, cardIssuer: services.cardIssuer, cards: services.cards });

  await app.ready();
  return app;
}
