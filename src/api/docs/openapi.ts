import type { FastifySchema, RouteOptions } from 'fastify';
import { authErrors, requestSignature } from '../../modules/auth/index.ts';
import { eventWebhooksOpenApi } from '../../modules/events/index.ts';
import { DetailErrorSchema, ValidationErrorSchema, validationIssues } from '../../platform/http/index.ts';
import { toJikoError } from '../jiko/errors.ts';
import type { DocsDoor } from './door.ts';
import { OPERATION_EXAMPLES, type ExampleSet } from './examples.ts';

/**
 * The OpenAPI 3.1 document of the API (served at /openapi.json and behind /docs). @fastify/swagger
 * builds the paths from the route schemas; this file adds what a newcomer needs around them,
 * once for every route of a door rather than in each route file:
 * - the bearer scheme, Jiko's request headers (`x-jiko-idempotency`, `x-jiko-signature`, with a
 *   worked signature) and error responses in Jiko's shapes, per door (see door.ts);
 * - realistic request and response examples (examples.ts);
 * - the server that served the document, and the event catalog's webhooks.
 * Error examples are rendered by the code that renders real errors (authErrors, toJikoError,
 * validationIssues), so they cannot drift from what the server answers.
 */

/** The operation extension that carries a route's door from `markDoor` to `decorateDocument`. */
const DOOR_EXTENSION = 'x-pocketbook-door';

/** The part of an OpenAPI document this file reads and writes. */
interface MediaObject {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface ResponseObject {
  $ref?: string;
  description?: string;
  content?: Record<string, MediaObject>;
  headers?: Record<string, unknown>;
}
interface OperationObject {
  summary?: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: { content?: Record<string, MediaObject> };
  responses?: Record<string, ResponseObject>;
  [extension: string]: unknown;
}
/** An OpenAPI document as @fastify/swagger hands it over (typed loosely: only the parts above are touched). */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, OperationObject>>;
  components?: Record<string, unknown> & { schemas?: Record<string, unknown> };
  servers?: { url: string; description?: string }[];
  [field: string]: unknown;
}

const ref = (section: string, name: string) => ({ $ref: `#/components/${section}/${name}` });
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Signature, worked through

/** Inputs of the worked signature (illustrative values, never a configured secret). */
const WORKED = {
  sharedSecret: 'example-shared-secret-0123456789',
  idempotencyKey: '3b0e1c2a-8f4d-4c6e-9a71-5d2f0b8e6c43',
  pathname: '/api/v1/subscriptions',
  body: '{"url":"https://hooks.example.com/jiko","events":["transfers.on-us.success"],"shared_secret":"whsec-0123456789abcdef"}',
} as const;

function signatureDescription(): string {
  const signature = requestSignature(WORKED.sharedSecret, WORKED.idempotencyKey, WORKED.pathname, WORKED.body);
  return [
    "Jiko's request signature: `base64(HMAC-SHA256(key = the partner's shared secret as UTF-8, message = x-jiko-idempotency + URL pathname + raw body))`.",
    'The pathname is the path exactly as sent, without the query string (`/api/v2/pockets/` for `/api/v2/pockets/?limit=5`); the body is the exact bytes sent, the empty string when there is none. ' +
      'A body that is not `application/json` cannot be signed and is refused (401), except a document upload (a raw PDF, JPEG or PNG body): ' +
      "as in Jiko, an upload may come without this header; one that is sent is checked over the key, the pathname and the file's bytes.",
    `Worked example: the shared secret \`${WORKED.sharedSecret}\`, the key \`${WORKED.idempotencyKey}\`, the pathname \`${WORKED.pathname}\` and the body \`${WORKED.body}\` give the signature \`${signature}\`.`,
    'The /docs page computes it in the browser for every "Try it out" request.',
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Components: security scheme, headers, error responses

function securitySchemes() {
  return {
    HTTPBearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        "A token from `POST /api/v1/login/` (the partner's username and password), sent as `Authorization: Bearer <token>` " +
        'until its `expires` (60 minutes by default). A missing, unknown or expired token is a 401.',
    },
  };
}

function parameters() {
  const key = {
    name: 'x-jiko-idempotency',
    in: 'header',
    schema: { type: 'string', format: 'uuid' },
    example: '0b8f9c3e-5d2a-4e21-9a57-3f1c2b7d8e90',
  };
  return {
    JikoIdempotency: {
      ...key,
      required: true,
      description:
        'A fresh UUID for each request; a retry sends the same one. Within an hour, a repeat of the same request gets the recorded ' +
        'response again (header `idempotent-replayed: true`), a different request with the key gets 422, and a repeat while the first ' +
        'still runs gets 409. The /docs page sends a fresh key on every "Try it out".',
    },
    JikoIdempotencyOptional: {
      ...key,
      required: false,
      description: 'Optional here: when sent, a UUID honoured as on the Partner API (a repeat replays the recorded response).',
    },
    JikoSignature: {
      name: 'x-jiko-signature',
      in: 'header',
      required: true,
      // 32 bytes of HMAC-SHA256 in base64: 43 characters and one '='.
      schema: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
      example: requestSignature(WORKED.sharedSecret, WORKED.idempotencyKey, WORKED.pathname, WORKED.body),
      description: signatureDescription(),
    },
    JikoPartnerId: {
      name: 'x-jiko-partner-id',
      in: 'header',
      required: false,
      schema: { type: 'string', format: 'uuid' },
      description: "Optional: the authenticated partner's own id, as Jiko's client sends it when configured with one; any other value is a 401.",
    },
  };
}

/** Jiko's `{detail}` body of a domain error, rendered as the door renders it. */
const jikoBody = (error: Parameters<typeof toJikoError>[0]) => toJikoError(error, { fields: { idempotencyKey: ['header', 'x-jiko-idempotency'] } }).body;

const RATE_LIMIT_HEADERS = {
  'Retry-After': { description: 'Seconds until the window frees a request', schema: { type: 'integer' } },
  'X-RateLimit-Limit': { description: 'Requests allowed per window (one minute)', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
};

function errorResponses() {
  const detail = ref('schemas', 'JikoDetailError');
  const json = (schema: unknown, examples: Record<string, { summary: string; value: unknown }>) => ({ 'application/json': { schema, examples } });
  return {
    Unauthorized: {
      description: 'Not authenticated: no or a bad bearer token, or (Partner API) a missing or wrong idempotency key or signature.',
      headers: { 'WWW-Authenticate': { description: '`Bearer`, when no token was sent', schema: { type: 'string' } } },
      content: json(detail, {
        tokenMissing: { summary: 'No Authorization header', value: jikoBody(authErrors.tokenMissing()) },
        tokenInvalid: { summary: 'Unknown or expired token', value: jikoBody(authErrors.tokenInvalid()) },
        signatureInvalid: { summary: 'The signature does not match the key, pathname and body', value: jikoBody(authErrors.signatureInvalid()) },
        keyMissing: { summary: 'No x-jiko-idempotency header', value: jikoBody(authErrors.idempotencyKeyMissing()) },
      }),
    },
    NotFound: {
      description: "Not Found: no such object among the partner's own (another partner's ids are not found either).",
      content: json(detail, { notFound: { summary: 'Unknown id', value: { detail: 'Not Found' } } }),
    },
    Conflict: {
      description: 'Conflict: a request with the same x-jiko-idempotency key is still running (retry later with the same key), or the object is not in a state that allows the change.',
      content: json(detail, {
        inProgress: { summary: 'The same key is still running', value: jikoBody(authErrors.idempotencyInProgress()) },
      }),
    },
    ValidationError: {
      description: 'Unprocessable: the input is invalid (each issue names where: `body`, `query`, `path` or `header`, then the field), or the idempotency key was used for a different request.',
      content: json(ref('schemas', 'JikoValidationError'), {
        invalidBody: {
          summary: 'A field missing, another out of range',
          value: {
            detail: validationIssues('body', [
              { keyword: 'required', instancePath: '', params: { missingProperty: 'to_account' } },
              { keyword: 'exclusiveMinimum', instancePath: '/amount/amount_usdc', message: 'must be > 0', params: {} },
            ]),
          },
        },
        keyReused: { summary: 'The key was used for a different request', value: jikoBody(authErrors.idempotencyMismatch()) },
      }),
    },
    TooManyRequests: {
      description: "Too Many Requests: the partner's rate limit (per minute; login is limited per client address).",
      headers: RATE_LIMIT_HEADERS,
      content: json(detail, { rateLimited: { summary: 'Over the limit', value: jikoBody(authErrors.rateLimited(42)) } }),
    },
  };
}

/** Error statuses and their shared response, as `components.responses` names them. */
const ERROR_RESPONSE: Record<string, string> = { 401: 'Unauthorized', 404: 'NotFound', 409: 'Conflict', 422: 'ValidationError', 429: 'TooManyRequests' };

/** The errors every route of a door can answer, whatever the route declares. */
const DOOR_ERRORS: Record<DocsDoor, readonly string[]> = { signed: ['401', '409', '422', '429'], bearer: ['401', '409', '422', '429'], public: [] };

const DOOR_PARAMETERS: Record<DocsDoor, readonly string[]> = {
  signed: ['JikoIdempotency', 'JikoSignature', 'JikoPartnerId'],
  bearer: ['JikoIdempotencyOptional', 'JikoPartnerId'],
  public: [],
};

// ---------------------------------------------------------------------------------------------
// The document

function overview(): string {
  return [
    "pocketbook is an open-source banking core that answers Jiko's Partner API and keeps every dollar of its pockets in US Treasury bills.",
    '## Calling the API',
    "1. `POST /api/v1/login/` with the partner's `username` and `password` gives a bearer `token` and its `expires`.",
    '2. Every other call sends `Authorization: Bearer <token>`. Partner API calls also send `x-jiko-idempotency` (a fresh UUID; a retry reuses it) ' +
      'and `x-jiko-signature`: `base64(HMAC-SHA256(shared secret, x-jiko-idempotency + pathname + raw body))`, worked through on the header below. ' +
      'The sandbox endpoints (`/api/v1/sandbox/...`) need the token only.',
    "3. Errors come in Jiko's shapes: `{\"detail\": \"...\"}` (401, 404 `Not Found`, 409, 429 with `Retry-After`), and 422 " +
      '`{"detail": [{"loc": ["body", "amount", "amount_usdc"], "msg": "...", "type": "..."}]}`.',
    '## Units',
    'Amounts sent are integer cents (`amount_usdc: 150000` is $1,500.00); amounts returned are Money objects `{value, currency, formatted}` in cents. ' +
      'Bill prices are per 100 of face and yields are fractions, both as decimal strings (`"98.732458"`, `"0.0539"`). Bills are named by CUSIP.',
    '## Trying it here',
    'On /docs, enter the partner credentials once (prefilled in sandbox mode): the page logs in and signs every "Try it out" request in the ' +
      'browser with a fresh idempotency key. The shared secret never leaves the page.',
  ].join('\n\n');
}

/** Tags in reading order, each with a line of context. */
const TAGS = [
  { name: 'Security', description: 'Login: username and password for a bearer token.' },
  { name: 'Individuals', description: 'Agreements and individual applications: KYC, which creates the customer.' },
  { name: 'Customers', description: 'Customers made by approved applications.' },
  { name: 'Pockets', description: "A customer's pockets (and the partner's funding pocket), each invested in T-bills by its strategy." },
  { name: 'Portals', description: 'Routing and account numbers through which a pocket receives ACH credits.' },
  { name: 'On-Us Transfers', description: 'Instant book transfers between pockets of the partner.' },
  { name: 'Transactions', description: "Bank transactions of pockets (ACH credits, on-us moves)." },
  { name: 'Trades', description: 'T-bill buys, sells and maturities of pockets.' },
  { name: 'Trading strategies', description: 'The buy-and-hold T-bill strategies and their yields today.' },
  { name: 'Subscriptions', description: 'Webhook subscriptions: which events go to which URL.' },
  { name: 'Events', description: 'Past events with their delivery attempts, and redelivery.' },
  { name: 'Sandbox', description: 'Sandbox mode only: simulated ACH funding, test webhooks and the test clock.' },
  { name: 'Health', description: 'Liveness and readiness.' },
];

/** The static part of the document, for @fastify/swagger's `openapi` option. */
export function openApiBase(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'pocketbook Partner API', version: '0.1.0', description: overview(), license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    tags: TAGS,
    components: { securitySchemes: securitySchemes() },
    // The event catalog's deliveries (OpenAPI 3.1 webhooks).
    webhooks: eventWebhooksOpenApi(),
  };
}

/**
 * @fastify/swagger's `transform`: carries the route's door (`config.docsDoor`, set by the door's
 * `documentDoor` hook) into the operation as an extension for `decorateDocument`.
 */
export function markDoor({ schema, url, route }: { schema: FastifySchema; url: string; route: RouteOptions }): { schema: FastifySchema; url: string } {
  if (!schema) return { schema, url };
  return { schema: { ...schema, [DOOR_EXTENSION]: route.config?.docsDoor ?? 'public' } as FastifySchema, url };
}

/**
 * @fastify/swagger's `transformObject`: adds the shared components, and to each operation its
 * door's headers and error responses (as references), its examples and its 2xx descriptions.
 */
export function decorateDocument(document: OpenApiDocument): OpenApiDocument {
  document.components = {
    ...document.components,
    parameters: parameters(),
    responses: errorResponses(),
    schemas: { ...document.components?.schemas, JikoDetailError: plain(DetailErrorSchema), JikoValidationError: plain(ValidationErrorSchema) },
  };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const door = (operation[DOOR_EXTENSION] ?? 'public') as DocsDoor;
      delete operation[DOOR_EXTENSION];
      operation.parameters = [...DOOR_PARAMETERS[door].map((name) => ref('parameters', name)), ...(operation.parameters ?? [])];
      if (operation.parameters.length === 0) delete operation.parameters;
      operation.responses = documentedResponses(operation.responses ?? {}, door);
      addExamples(operation, OPERATION_EXAMPLES[`${method.toUpperCase()} ${path}`]);
    }
  }
  return document;
}

/** The operation's responses with its door's errors added, every Jiko error status as a shared reference. */
function documentedResponses(declared: Record<string, ResponseObject>, door: DocsDoor): Record<string, ResponseObject> {
  const statuses = [...new Set([...Object.keys(declared), ...DOOR_ERRORS[door]])].sort();
  return Object.fromEntries(
    statuses.map((status) => {
      const shared = ERROR_RESPONSE[status];
      return [status, shared ? ref('responses', shared) : declared[status]!];
    }),
  );
}

/** Puts an operation's examples on its JSON request body and its 2xx response, with the response's description. */
function addExamples(operation: OperationObject, examples: ExampleSet | undefined): void {
  if (!examples) return;
  const body = operation.requestBody?.content?.['application/json'];
  if (body && examples.request) {
    delete body.example;
    body.examples = { ...examples.request };
  }
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (!/^2\d\d$/.test(status)) continue;
    response.description = examples.responseDescription;
    const media = response.content?.['application/json'];
    if (media && examples.response) {
      delete media.example;
      media.examples = { ...examples.response };
    }
  }
}

/** The document naming `url` (`http://host:port` of the request, or `/`) as its server; the document itself is not changed. */
export function withServer(document: OpenApiDocument, url: string): OpenApiDocument {
  return { ...document, servers: [{ url, description: 'This server (the one that served this document)' }] };
}
