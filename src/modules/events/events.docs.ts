/**
 * Documents generated from the event catalog: docs/EVENTS.md (`npm run docs:events`, checked by a
 * test) and the OpenAPI 3.1 `webhooks` section. The prose around the catalog's tables lives here,
 * so the page never drifts from the code.
 */
import { type TSchema, Type } from 'typebox';
import { EVENT_CATALOG, EVENT_GROUPS, EVENT_TYPES, type EventDefinition, type EventType, type JikoApi } from './events.catalog.ts';

/** The part of a JSON schema the docs read. */
interface SchemaJson {
  type?: string;
  format?: string;
  description?: string;
  pattern?: string;
  anyOf?: { const?: unknown }[];
  properties?: Record<string, SchemaJson>;
  required?: string[];
}

/** A plain JSON copy of a TypeBox schema (what OpenAPI and the docs read). */
function json(schema: TSchema): SchemaJson & Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as SchemaJson & Record<string, unknown>;
}

function jikoText(apis: readonly JikoApi[]): string {
  if (apis.length === 0) return 'pocketbook extension';
  if (apis.length === 2) return 'Partner and Customer APIs';
  return apis[0] === 'partner' ? 'Partner API' : 'Customer API (a pocketbook extension on the Partner API)';
}

function fieldType(field: SchemaJson): string {
  if (field.anyOf) return `one of ${field.anyOf.map((member) => `\`${String(member.const)}\``).join(', ')}`;
  if (field.format === 'uuid') return 'uuid';
  if (field.pattern === '^[0-9A-Z]{9}$') return 'CUSIP (9 characters)';
  return field.type ?? 'any';
}

/** `field` (type), ... of a payload schema, for a table cell. */
function fieldList(schema: SchemaJson): string {
  const required = new Set(schema.required ?? []);
  return Object.keys(schema.properties ?? {})
    .map((name) => `\`${name}\`${required.has(name) ? '' : ' (optional)'}`)
    .join(', ');
}

function fieldTable(schema: SchemaJson, types: readonly string[]): string[] {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([name, field]) =>
    `| \`${name}\` | ${fieldType(field)} | ${required.has(name) ? 'yes' : 'no'} | ${field.description ?? ''} |`);
  return [`Payload of ${types.map((type) => `\`${type}\``).join(', ')}:`, '', '| field | type | required | meaning |', '|---|---|---|---|', ...rows, ''];
}

function groupSection(group: string, entries: readonly [EventType, EventDefinition][]): string[] {
  const objects = [...new Set(entries.map(([, definition]) => definition.objectType))].join(', ');
  const lines = [`### ${group} (object: ${objects})`, '', '| type | Jiko | emitted | when | payload |', '|---|---|---|---|---|'];
  for (const [type, definition] of entries) {
    const emitted = definition.emitted ? 'yes' : 'not yet';
    lines.push(`| \`${type}\` | ${jikoText(definition.jiko)} | ${emitted} | ${definition.description} | ${fieldList(json(definition.payload))} |`);
  }
  lines.push('');
  // One field table per distinct payload schema of the group.
  const bySchema = new Map<string, EventType[]>();
  for (const [type, definition] of entries) {
    const key = JSON.stringify(definition.payload);
    bySchema.set(key, [...(bySchema.get(key) ?? []), type]);
  }
  for (const [key, types] of bySchema) lines.push(...fieldTable(JSON.parse(key) as SchemaJson, types));
  return lines;
}

/** The catalog's tables, one section per group, in catalog order within a group. */
function catalogSections(): string[] {
  const lines: string[] = [];
  for (const group of EVENT_GROUPS) {
    const entries = EVENT_TYPES.filter((type) => EVENT_CATALOG[type].group === group).map((type): [EventType, EventDefinition] => [type, EVENT_CATALOG[type]]);
    if (entries.length > 0) lines.push(...groupSection(group, entries));
  }
  return lines;
}

/** docs/EVENTS.md, generated from the catalog. */
export function renderEventsMarkdown(): string {
  const extensions = EVENT_TYPES.filter((type) => EVENT_CATALOG[type].jiko.length === 0);
  const notYet = EVENT_TYPES.filter((type) => !EVENT_CATALOG[type].emitted);
  return [
    PAGE_HEAD,
    '## Event types',
    '',
    `pocketbook knows ${EVENT_TYPES.length} event types; \`GET /api/v1/events/types/\` lists them in this order.`,
    'Types that Jiko documents keep Jiko\'s names and payload fields; the column "Jiko" says in which of',
    `its APIs. The ${extensions.length} pocketbook extensions (${extensions.map((type) => `\`${type}\``).join(', ')})`,
    'follow the same dotted style. On the Partner API every type Jiko\'s Partner API does not document (the',
    'extensions and the Customer API\'s types) is marked `pocketbook_extension: true` by',
    '`GET /api/v1/events/types/`; subscriptions match types by exact name, so such a type reaches only the',
    'subscriptions that name it. Types marked "not yet" are accepted in subscriptions (so a Jiko',
    'client\'s subscriptions work unchanged) and can be sent with the sandbox trigger, but no pocketbook',
    `flow emits them yet (${notYet.length} of them). Account ids in payloads are pocket ids (Jiko calls pockets`,
    '"Jiko accounts").',
    '',
    ...catalogSections(),
    PAGE_TAIL,
  ].join('\n');
}

const SIGNATURE_HEADERS = [
  {
    name: 'x-jiko-signature',
    in: 'header',
    required: true,
    description: 'Jiko\'s signature: base64 of HMAC-SHA256 of the raw body, keyed with the UTF-8 bytes of the shared secret',
    schema: { type: 'string' },
  },
  { name: 'webhook-id', in: 'header', required: true, description: 'The event id; the same on every retry and replay', schema: { type: 'string', format: 'uuid' } },
  { name: 'webhook-timestamp', in: 'header', required: true, description: 'Unix seconds of the call (wall clock)', schema: { type: 'string' } },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description: 'v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>" keyed with the UTF-8 bytes of the shared secret>',
    schema: { type: 'string' },
  },
];

/** The envelope of events of `type`, with the catalog's payload schema. */
function envelopeSchema(type: EventType): Record<string, unknown> {
  const uuid = (description: string) => Type.String({ format: 'uuid', description });
  return json(Type.Object({
    event_id: uuid('Unique id of the event; also the webhook-id header'),
    event_type: Type.Literal(type),
    timestamp: Type.String({ format: 'date-time', description: "When the change happened, on the tenant's clock" }),
    payload: EVENT_CATALOG[type].payload,
    customer_id: Type.Optional(uuid('The customer concerned, when there is one')),
    object_id: uuid(`The ${EVENT_CATALOG[type].objectType} the event is about`),
    sequence: Type.Integer({ minimum: 1, description: 'Order of the events of object_id: 1, 2, ...' }),
  }));
}

/**
 * The OpenAPI 3.1 `webhooks` object: one entry per catalog type (a POST to the subscriber's URL)
 * with the signature headers and the envelope around the type's payload schema. Plain JSON.
 */
export function eventWebhooksOpenApi(): Record<string, unknown> {
  const webhooks: Record<string, unknown> = {};
  for (const type of EVENT_TYPES) {
    const definition = EVENT_CATALOG[type];
    webhooks[type] = {
      post: {
        operationId: `webhook_${type.replace(/[^a-zA-Z0-9]+/g, '_')}`,
        summary: definition.description,
        description: `Event about a ${definition.objectType}; ${jikoText(definition.jiko)}${definition.emitted ? '' : '; not emitted by pocketbook yet'}. See docs/EVENTS.md.`,
        tags: ['Webhooks'],
        'x-jiko-apis': [...definition.jiko],
        parameters: SIGNATURE_HEADERS,
        requestBody: { required: true, content: { 'application/json': { schema: envelopeSchema(type) } } },
        responses: {
          '2XX': { description: 'Acknowledged; anything else (or no answer in time) is retried' },
          '410': { description: 'Gone: pocketbook disables the subscription' },
        },
      },
    };
  }
  return webhooks;
}

const GENERATED_NOTE = '<!-- Generated from src/modules/events/events.catalog.ts by `npm run docs:events`. Edit the catalog (or the prose in events.docs.ts), not this file. -->';

const PAGE_HEAD = `${GENERATED_NOTE}
# Events

Whenever something an integrator cares about changes (an application is decided, money arrives, a
pocket opens, a bill is bought or matures), pocketbook records an **event**. Events are what
webhooks deliver (see [WEBHOOKS.md](WEBHOOKS.md)) and what \`GET /api/v1/events/\` lists. Every type,
its object and its payload schema live in one typed catalog (\`src/modules/events/events.catalog.ts\`),
from which this page and the \`webhooks\` section of the OpenAPI document are generated.

## Guarantees

- **Written with the change.** A flow records its events with \`emitEvent(tx, ...)\` or
  \`emitEvents(tx, [...])\` inside the same database transaction as the change itself. If the change
  commits, the events exist; if it rolls back, there are no events and nothing is ever sent. The
  webhook deliveries of each event (one per enabled subscription listening to its type) and their
  delivery jobs are created in that same transaction too.
- **Ordered per object.** Each event is about one object (an application, a pocket, a transfer, a
  trade) and carries \`sequence\`: 1 for the first event about that object, then 2, 3, ... with no
  gaps. Deliveries may arrive out of order (retries, parallel workers); a receiver that cares orders
  the events of one \`object_id\` by \`sequence\`. The number comes from a per-object counter row that
  the emitting transaction locks until it ends, so two concurrent transactions about the same object
  take consecutive numbers instead of the same one. An object made in the emitting transaction (a
  new transfer, a new trade) needs no counter for its first events: no other transaction can see it
  yet, so they are numbered from 1, and a later transaction about it starts the counter from its
  last event.
- **Checked against the catalog.** An unknown type, or a payload that does not match its type's
  schema, is a programmer error: an assertion fails and the transaction rolls back.
- **Timestamps are the tenant's clock.** \`timestamp\` is the time of the change on the tenant's
  clock: the real time in production, the test clock in sandbox mode (so a clock advanced to a
  maturity date stamps the maturity with that date). Webhook retries, by contrast, always run on
  real time.

## The envelope

Every event has the same JSON shape, both as a webhook body and as \`event\` in the events list:

\`\`\`json
{
  "event_id": "5f0c8a8e-6c8a-4c6b-9d0e-0a2b7c1d9e11",
  "event_type": "transfers.on-us.success",
  "timestamp": "2025-03-03T15:04:05.123Z",
  "payload": {
    "on_us_id": "b7d1e0f2-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    "origin_account_id": "0d9a3c1e-7b2f-4e8d-9c6a-5f4e3d2c1b0a",
    "destination_account_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
  },
  "customer_id": "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
  "object_id": "b7d1e0f2-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
  "sequence": 2
}
\`\`\`

| field | meaning |
|---|---|
| \`event_id\` | Unique id of the event. A retried or replayed delivery carries the same id (and the same \`webhook-id\` header), so receivers can drop duplicates. |
| \`event_type\` | One of the types below. |
| \`timestamp\` | When the change happened, on the tenant's clock (ISO 8601, UTC). |
| \`payload\` | The ids of the objects concerned (fields per type below); fetch the objects through the API for their details. |
| \`customer_id\` | The customer concerned, when there is one; absent otherwise. |
| \`object_id\` | The object this event is about: the object whose \`sequence\` this is. |
| \`sequence\` | 1, 2, 3, ... for the events of \`object_id\`. |

The first five fields are Jiko's; \`object_id\` and \`sequence\` are pocketbook's additions, which a
Jiko client simply ignores.
`;

const PAGE_TAIL = `## Listing events

\`GET /api/v1/events/\` returns a \`CursorList\` of \`PartnerEvent\`, newest first:

\`\`\`json
{
  "event": { "event_id": "...", "event_type": "trade.buy", "timestamp": "...", "payload": {}, "object_id": "...", "sequence": 1 },
  "delivery_attempts": [
    { "delivery_attempt_id": "...", "subscription_id": "...", "success": false, "response_code": 503, "response_message": "busy", "called_at": "..." },
    { "delivery_attempt_id": "...", "subscription_id": "...", "success": true, "response_code": 200, "response_message": "", "called_at": "..." }
  ],
  "object_type": "PartnerEvent"
}
\`\`\`

Query parameters: \`subscription_id\` (only events sent to that subscription, with only its
attempts), \`after\` (only events whose \`timestamp\` is later), \`cursor\` and \`limit\` (1 to 100,
default 30). Attempts are listed oldest first, at most the latest 100 per event. \`response_code\` is
0 when no HTTP response came back (connection refused, timeout, refused address), and
\`response_message\` holds the start of the response body (or what went wrong).

A tenant only ever sees its own events and subscriptions; another tenant's ids are "not found".

## Replaying events

- \`POST /api/v1/events/{event_id}/redeliver/\` sends one event again: with body
  \`{"subscription_id": "..."}\` to that subscription (which must be enabled and list the event's
  type), without a body to every enabled subscription listening to its type.
- \`POST /api/v1/events/redeliver/\` with \`{"subscription_id": "...", "after": "<date-time>"}\` sends
  that subscription every event of the tenant whose \`timestamp\` is later than \`after\` and whose
  type it lists, oldest first (at most 10,000 per call; \`after\` absent means all events).

Both answer **202 Accepted** with \`{"count": n}\`, the number of deliveries scheduled; the worker
sends them as usual (signed, retried, recorded). A disabled subscription gets 409.

## Sandbox trigger

\`POST /api/v1/sandbox/webhook/\` (sandbox mode, bearer token only) takes Jiko's event body
\`{event_id?, timestamp?, event_type, payload}\`, records it as a test event of the tenant and sends it
to every enabled subscription listening to \`event_type\`, exactly like a real event. It answers
**202** with \`{"event_id": "...", "count": n}\`. \`event_id\` defaults to a new id and \`timestamp\` to
the tenant's clock; an \`event_id\` the tenant already used is refused with 409 (replay a stored event with the
redeliver endpoint instead). The payload is sent as given (it is not checked against the catalog, so
a receiver can be tested with odd payloads). Test events appear in the events list like any other,
each being its own object with \`sequence\` 1.

## For pocketbook developers

Record events from a flow inside the flow's transaction. \`emitEvent\` is typed from the catalog: the
payload's fields follow \`eventType\`.

\`\`\`ts
import { emitEvent, emitEvents } from '../events/index.ts';

await db.tx(async (tx) => {
  // ... the change itself ...
  await emitEvent(tx, {
    partnerId: ctx.tenantId,
    eventType: 'pocket.status.open',
    objectId: pocket.id, // objectType may be given; it must be the catalog's (Pocket)
    customerId: pocket.customerId,
    payload: { pocket_id: pocket.id },
    occurredAt: ctx.now, // the tenant's clock
  });
  // Many events at once: one SQL statement whatever their number, sent with the transaction's next
  // statement or its COMMIT (no round trip of its own). Events of one object are numbered in
  // array order.
  await emitEvents(tx, trades.map((trade) => ({ partnerId: ctx.tenantId, eventType: 'trade.buy', ... })));
});
\`\`\`

To add a type, add it to \`EVENT_CATALOG\` in \`src/modules/events/events.catalog.ts\` (object type,
Jiko's API or none, payload schema, one line of description) and run \`npm run docs:events\`; a test
fails while this page is out of date. Payloads hold ids, not copies of objects, and stay small
(under 255 KiB).
`;
