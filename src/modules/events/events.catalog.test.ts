import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EVENT_CATALOG, EVENT_GROUPS, EVENT_TYPES, payloadProblem } from './events.catalog.ts';
import { eventWebhooksOpenApi, renderEventsMarkdown } from './events.docs.ts';

test('docs/EVENTS.md is generated from the catalog (run npm run docs:events when this fails)', () => {
  const onDisk = readFileSync(new URL('../../../docs/EVENTS.md', import.meta.url), 'utf8');
  assert.ok(onDisk === renderEventsMarkdown(), 'docs/EVENTS.md is out of date: run npm run docs:events');
});

test('every catalog entry is well formed; pocketbook extensions are exactly its own names', () => {
  assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
  for (const type of EVENT_TYPES) {
    const definition = EVENT_CATALOG[type];
    assert.match(type, /^[a-z]+(\.[a-z_-]+)+$/);
    assert.ok(EVENT_GROUPS.includes(definition.group), type);
    assert.equal(definition.payload.type, 'object', type);
    assert.equal((definition.payload as { additionalProperties?: unknown }).additionalProperties, false, `${type}: payloads list their fields`);
    assert.ok(definition.description.length > 0 && !definition.description.includes('\n'), type);
    const extension = definition.jiko.length === 0;
    // pocketbook's own: pockets, trades, the card issuer's clearing events Jiko does not publish, card issuing and orders,
    // and ACH notifications of change.
    const ours = /^(pocket|trade)\./.test(type) || /^card\.transaction\.(settled|expired|refunded)$/.test(type)
      || /^card\.(created|order\.updated)$/.test(type) || type === 'counterparties.noc.received';
    assert.equal(extension, ours, `${type}: Jiko's or ours`);
  }
});

test('payloads are checked against their schema', () => {
  const id = '0b5b74f5-ad65-4c6d-9170-60fe29794b12';
  assert.equal(payloadProblem('trade.buy', { trade_id: id, pocket_id: id, cusip: '912797KX4' }), undefined);
  assert.match(payloadProblem('trade.buy', { trade_id: id, pocket_id: id })!, /cusip/);
  assert.match(payloadProblem('card.status.open', { card_id: id, status: 'SHINY' })!, /status/);
  assert.equal(payloadProblem('application.approved', { application_id: id }), undefined);
  assert.equal(payloadProblem('application.approved', { application_id: id, customer_id: id }), undefined);
});

test('the OpenAPI webhooks object has one POST per type, with the envelope around its payload schema', () => {
  const webhooks = eventWebhooksOpenApi() as Record<string, { post: { operationId: string; requestBody: { content: { 'application/json': { schema: {
    properties: Record<string, { const?: string }>; required: string[];
  } } } } } }>;
  assert.deepEqual(Object.keys(webhooks), [...EVENT_TYPES]);
  const operationIds = new Set<string>();
  for (const type of EVENT_TYPES) {
    const schema = webhooks[type]!.post.requestBody.content['application/json'].schema;
    assert.equal(schema.properties.event_type!.const, type);
    assert.deepEqual(schema.properties.payload, JSON.parse(JSON.stringify(EVENT_CATALOG[type].payload)));
    assert.deepEqual([...schema.required].sort(), ['event_id', 'event_type', 'object_id', 'payload', 'sequence', 'timestamp']);
    operationIds.add(webhooks[type]!.post.operationId);
  }
  assert.equal(operationIds.size, EVENT_TYPES.length, 'operation ids are unique');
  assert.doesNotThrow(() => JSON.stringify(webhooks));
});
