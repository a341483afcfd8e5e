import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from 'typebox';
import {
  CARD_CLOSURE_REASONS, CARD_STATUSES, type Card, type CardOrder, type Cards, type EncryptedCardDetails,
  NAME_ON_CARD_LENGTH_MAX, SETTABLE_CARD_STATUSES,
} from '../../modules/cards/index.ts';
import { CursorListSchema, CursorQuery, DateString, ErrorResponses, Uuid, pageRequest } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './cards.examples.ts';

/** What the card routes are given. */
export interface CardsRoutesOptions {
  readonly cards: Cards;
}

function documented<T extends TSchema>(schema: T, description: string, example: unknown): T {
  return { ...schema, description, examples: [example] };
}


/** Jiko's CardStatus. */
const CardStatusEnum = Type.Union([Type.Literal('NOT_ACTIVATED'), Type.Literal('OPEN'), Type.Literal('LOCKED'), Type.Literal('CLOSED'), Type.Literal('FROZEN')]);
/** Jiko's PhysicalCardOrderStatus. */
const OrderStatusEnum = Type.Union([Type.Literal('INITIAL'), Type.Literal('CARD_CREATED'), Type.Literal('ORDERED'), Type.Literal('RECEIVED')]);

/** Jiko's State: US states, DC, territories and military postal codes. */
export const US_STATES = [
  'AA', 'AE', 'AP', 'AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DC', 'DE', 'FL', 'GA', 'GU', 'HI', 'IA', 'ID', 'IL', 'IN', 'KS', 'KY', 'LA', 'MA',
  'MD', 'ME', 'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH', 'NJ', 'NM', 'NV', 'NY', 'OH', 'OK', 'OR', 'PA', 'PR', 'RI', 'SC', 'SD', 'TN',
  'TX', 'UT', 'VA', 'VI', 'VT', 'WA', 'WI', 'WV', 'WY',
] as const;

/** A PEM public key, as Jiko's PublicKeyRequest carries it (a 8192-bit key's PEM is under 1,500 characters). */
const PUBLIC_KEY_PEM_LENGTH_MAX = 4096;
/** base64 of an RSA ciphertext of up to 8192 bits is 1,368 characters; more is refused before decrypting. */
const ENCRYPTED_PIN_LENGTH_MAX = 1400;

const PublicKeyBody = Type.Object(
  { public_key: Type.String({ minLength: 1, maxLength: PUBLIC_KEY_PEM_LENGTH_MAX, description: "The client's single-use RSA public key, PEM (PKCS#1 or SPKI), 2048 to 8192 bits" }) },
  { additionalProperties: false, examples: [ex.PUBLIC_KEY_REQUEST] },
);

const encrypted = (what: string) => Type.String({ description: `${what}, encrypted with the request's public_key: base64 of RSA-OAEP with SHA-256` });

/** Jiko's VirtualCardResponse. */
const VirtualCardSchema = Type.Object({
  card_id: Uuid(),
  encrypted_pan: encrypted('The 16-digit PAN'),
  encrypted_cvv: encrypted('The 3-digit CVV'),
  encrypted_expiration: encrypted('The expiry, MM/YY'),
  object_type: Type.Literal('VirtualCardResponse'),
});

/** Jiko's Card, plus `pocket_id` (Jiko 2026-05-07). Never a PAN, CVV or expiry. */
const CardSchema = Type.Object({
  card_id: Uuid(),
  name: Type.String({ description: 'The name on a physical card; "Virtual card" for a virtual one' }),
  status: CardStatusEnum,
  type: Type.Enum(['VIRTUAL', 'PHYSICAL'] as const),
  pocket_id: Uuid('The pocket (Jiko account) the card draws on'),
});

const CardStatusSchema = Type.Object({ card_id: Uuid(), status: CardStatusEnum });

const ShippingAddressSchema = Type.Object(
  {
    street_address: Type.String({ minLength: 1, maxLength: 100 }),
    street_address2: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postal_code: Type.String({ minLength: 1, maxLength: 10 }),
    state: Type.Enum(US_STATES),
    country: Type.Enum(['US', 'USA'] as const),
  },
  { additionalProperties: false },
);

const OrderBody = Type.Object(
  {
    name_on_card: Type.String({ minLength: 1, maxLength: NAME_ON_CARD_LENGTH_MAX, pattern: '\\S', description: `Printed on the card, at most ${NAME_ON_CARD_LENGTH_MAX} characters (Jiko's documented limit)` }),
    shipping_address: ShippingAddressSchema,
  },
  { additionalProperties: false, examples: [ex.ORDER_REQUEST] },
);

/** Jiko's PhysicalCardOrderResponse. */
const OrderSchema = Type.Object({
  card_order_id: Uuid(),
  card_id: Type.Union([Uuid('The card made for the order (from CARD_CREATED on)'), Type.Null()]),
  status: OrderStatusEnum,
  name_on_card: Type.String(),
  shipping_address: Type.Object({
    street_address: Type.String(), street_address2: Type.Union([Type.String(), Type.Null()]), city: Type.String(), postal_code: Type.String(),
    state: Type.String(), country: Type.String(),
  }),
  object_type: Type.Literal('PhysicalCardOrderResponse'),
});

/** Jiko's MinimalPhysicalCardOrderResponse (the list's items). */
const MinimalOrderSchema = Type.Object({
  card_order_id: Uuid(),
  card_id: Type.Union([Uuid(), Type.Null()]),
  status: OrderStatusEnum,
  object_type: Type.Literal('MinimalPhysicalCardOrderResponse'),
});

/** Jiko's VirtualCardResponse JSON. */
function detailsJson(d: EncryptedCardDetails) {
  return {
    card_id: d.cardId, encrypted_pan: d.encryptedPan, encrypted_cvv: d.encryptedCvv, encrypted_expiration: d.encryptedExpiration,
    object_type: 'VirtualCardResponse' as const,
  };
}

/** Jiko's Card JSON: no PAN, CVV or expiry. */
function cardJson(c: Card) {
  return { card_id: c.id, name: c.name, status: c.status, type: c.kind, pocket_id: c.pocketId };
}

function statusJson(c: Card) {
  return { card_id: c.id, status: c.status };
}

/** Jiko's PhysicalCardOrderResponse JSON. */
export function orderJson(o: CardOrder) {
  const a = o.shippingAddress;
  return {
    card_order_id: o.id, card_id: o.cardId, status: o.status, name_on_card: o.nameOnCard,
    shipping_address: { street_address: a.streetAddress, street_address2: a.streetAddress2, city: a.city, postal_code: a.postalCode, state: a.state, country: a.country },
    object_type: 'PhysicalCardOrderResponse' as const,
  };
}

function minimalOrderJson(o: CardOrder) {
  return { card_order_id: o.id, card_id: o.cardId, status: o.status, object_type: 'MinimalPhysicalCardOrderResponse' as const };
}

const tags = ['Cards'];
const security = [{ HTTPBearer: [] }];
const AccountParams = Type.Object({ account_id: Uuid('The pocket (Jiko account)') });
const CardParams = Type.Object({ account_id: Uuid('The pocket (Jiko account)'), card_id: Uuid('The card') });
const NoBody = Type.Null({ description: 'Done; no body' });
const locs = {
  jikoLocs: {
    fields: {
      pocketId: ['path', 'account_id'], cardId: ['path', 'card_id'], publicKey: ['body', 'public_key'], status: ['body', 'status'],
      encryptedPin: ['body', 'encrypted_pin'], closureReason: ['body', 'closure_reason'], lostStolenDate: ['body', 'lost_stolen_date'],
      cursor: ['query', 'cursor'],
    },
  },
};

/** GET /api/v1/public-keys: Jiko's EncryptionKeysResponse, served without authentication. */
export async function publicKeysRoutes(plain: FastifyInstance, options: CardsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/v1/public-keys', {
    schema: {
      tags: ['Security'],
      summary: 'List public keys',
      description:
        'No authentication. `set_pin` is the RSA public key (SPKI PEM) a client encrypts a card PIN with before Set Card PIN: base64 of ' +
        "RSA-OAEP with SHA-256 of the PIN's four ASCII digits (docs/CARDS.md). Empty when the server has no card keys configured.",
      security: [],
      response: { 200: documented(Type.Object({ set_pin: Type.String({ description: 'PEM public key for card PINs' }) }), 'The public keys', ex.PUBLIC_KEYS) },
    },
  }, async () => ({ set_pin: (await options.cards.publicKeys()).setPin }));
}

/**
 * Cards of the Partner API, on Jiko's v1 paths under `/api/v1/jiko-accounts/{account_id}/`:
 * virtual cards, card statuses and PINs, closing, and physical card orders. A card or order of
 * another pocket or tenant is 404.
 */
export async function cardsRoutes(plain: FastifyInstance, options: CardsRoutesOptions): Promise<void> {
  await plain.register(virtualCardRoutes, options);
  await plain.register(cardOrderRoutes, options);
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { cards } = options;

  app.get('/api/v1/jiko-accounts/:account_id/cards', {
    schema: {
      tags, security, params: AccountParams,
      summary: "List a pocket's cards",
      description: 'Virtual and physical, oldest first, without PAN, CVV or expiry. `filter[status]` keeps only those statuses. Up to 100 a page (default 100, as Jiko).',
      querystring: Type.Object({
        'filter[status]': Type.Optional(Type.Array(CardStatusEnum, { maxItems: CARD_STATUSES.length, uniqueItems: true, description: 'Only these statuses' })),
        cursor: CursorQuery.cursor,
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100 })),
      }),
      response: { 200: documented(CursorListSchema(CardSchema), 'A page of cards', ex.cursorList([ex.CARD, ex.PHYSICAL_CARD])), ...ErrorResponses },
    },
    config: locs,
  }, async (request) => {
    const list = await cards.list(request.ctx, request.params.account_id, request.query['filter[status]'] ?? [], pageRequest({ ...request.query, limit: request.query.limit ?? 100 }));
    return { ...list, items: list.items.map(cardJson) };
  });

  app.get('/api/v1/jiko-accounts/:account_id/cards/:card_id/status', {
    schema: {
      tags, security, params: CardParams,
      summary: 'Get card status',
      description: 'OPEN, LOCKED, CLOSED, NOT_ACTIVATED (a physical card before activation) or FROZEN (held by the issuer).',
      response: { 200: documented(CardStatusSchema, 'The card status', ex.STATUS_RESPONSE), ...ErrorResponses },
    },
  }, async (request) => statusJson(await cards.get(request.ctx, request.params.account_id, request.params.card_id)));

  app.patch('/api/v1/jiko-accounts/:account_id/cards/:card_id/status', {
    schema: {
      tags, security, params: CardParams,
      summary: 'Set card status (lock, unlock, activate)',
      description:
        'OPEN or LOCKED, the only statuses a partner sets: LOCKED declines payments until OPEN again. Setting a NOT_ACTIVATED physical ' +
        'card OPEN activates it, once its PIN is set and its order RECEIVED (there is no separate activation call). CLOSED is final ' +
        '(use Close Card) and FROZEN is the issuer\'s: neither can be changed. The same status again changes nothing.',
      body: Type.Object({ status: Type.Optional(Type.Enum(SETTABLE_CARD_STATUSES)) }, { additionalProperties: false, examples: [ex.STATUS_REQUEST, ex.ACTIVATE_REQUEST] }),
      response: { 200: documented(CardStatusSchema, 'The card status now', ex.STATUS_RESPONSE), ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) =>
    sealedReply(request, reply, 200, statusJson)(await cards.setStatus(request.ctx, request.params.account_id, request.params.card_id, request.body.status)),
  );

  app.post('/api/v1/jiko-accounts/:account_id/cards/:card_id/pin', {
    schema: {
      tags, security, params: CardParams,
      summary: 'Set card PIN',
      description:
        'A physical card\'s PIN, before activation (it may be set again until then). Only encrypted: `encrypted_pin` is base64 of ' +
        'RSA-OAEP with SHA-256 of the four ASCII digits under the `set_pin` key of GET /api/v1/public-keys; anything else, plain digits ' +
        'included, is 422. The PIN is kept encrypted and never shown again.',
      body: Type.Object(
        { encrypted_pin: Type.String({ minLength: 1, maxLength: ENCRYPTED_PIN_LENGTH_MAX, writeOnly: true, description: 'The encrypted 4-digit PIN' }) },
        { additionalProperties: false, examples: [ex.PIN_REQUEST] },
      ),
      response: { 200: documented(Type.Object({ success: Type.Boolean() }), 'The PIN is set', ex.PIN_RESPONSE), ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) =>
    sealedReply(request, reply, 200, (r: { success: true }) => r)(await cards.setPin(request.ctx, request.params.account_id, request.params.card_id, request.body.encrypted_pin)),
  );

  app.post('/api/v1/jiko-accounts/:account_id/cards/:card_id/close', {
    schema: {
      tags, security, params: CardParams,
      summary: 'Close card',
      description:
        'Closes a virtual or physical card for good (CLOSED is final; payments are declined from then on). Physical cards need ' +
        '`closure_reason`; LOST and STOLEN also need `lost_stolen_date` (not after today). A virtual card closed without a reason is CANCELED.',
      body: Type.Object(
        {
          closure_reason: Type.Optional(Type.Enum(CARD_CLOSURE_REASONS)),
          lost_stolen_date: Type.Optional(DateString('When the card was lost or stolen (LOST, STOLEN)')),
        },
        { additionalProperties: false, examples: [ex.CLOSE_REQUEST] },
      ),
      response: { 204: NoBody, ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 204, () => undefined);
    await cards.close(request.ctx, request.params.account_id, request.params.card_id, { closureReason: request.body.closure_reason, lostStolenDate: request.body.lost_stolen_date });
    return send(undefined);
  });
}

async function virtualCardRoutes(plain: FastifyInstance, options: CardsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { cards } = options;
  const vTags = ['Cards'];

  app.post('/api/v1/jiko-accounts/:account_id/virtual-cards', {
    schema: {
      tags: vTags, security, params: AccountParams, body: PublicKeyBody,
      summary: 'Create a virtual card',
      description:
        'A new OPEN virtual card on the customer pocket: a 16-digit PAN of the sandbox test BIN 400000 with its Luhn digit, a CVV and an ' +
        'expiry four years out. Its details come back encrypted with `public_key` (RSA-OAEP, SHA-256, base64), never in clear.',
      response: { 201: documented(VirtualCardSchema, 'The card, its details encrypted', ex.VIRTUAL_CARD_RESPONSE), ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) =>
    sealedReply(request, reply, 201, detailsJson)(await cards.createVirtual(request.ctx, request.params.account_id, request.body.public_key)),
  );

  app.post('/api/v1/jiko-accounts/:account_id/virtual-cards/:card_id', {
    schema: {
      tags: vTags, security, params: CardParams, body: PublicKeyBody,
      summary: 'Get a virtual card',
      description:
        "The card's PAN, CVV and expiry (MM/YY), each encrypted with the single-use `public_key` (RSA-OAEP, SHA-256, base64): POST " +
        'because the key travels in the body. Changes nothing. A closed card, or a physical one, is 422.',
      response: { 200: documented(VirtualCardSchema, 'The card, its details encrypted', ex.VIRTUAL_CARD_RESPONSE), ...ErrorResponses },
    },
    config: locs,
  }, async (request) => detailsJson(await cards.reveal(request.ctx, request.params.account_id, request.params.card_id, request.body.public_key)));

  app.delete('/api/v1/jiko-accounts/:account_id/virtual-cards/:card_id', {
    schema: {
      tags: vTags, security, params: CardParams,
      summary: 'Close a virtual card',
      description: 'Closes the virtual card for good (CLOSED, reason CANCELED). A physical card is closed with Close Card instead (422 here).',
      response: { 204: NoBody, ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 204, () => undefined);
    await cards.close(request.ctx, request.params.account_id, request.params.card_id, { closureReason: 'CANCELED' }, 'VIRTUAL');
    return send(undefined);
  });
}

async function cardOrderRoutes(plain: FastifyInstance, options: CardsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { cards } = options;
  const oTags = ['Cards'];

  app.post('/api/v1/jiko-accounts/:account_id/card-orders', {
    schema: {
      tags: oTags, security, params: AccountParams, body: OrderBody,
      summary: 'Order a physical card',
      description:
        'An INITIAL order of a physical card, shipped to a US address. On the tenant\'s clock it moves on at each business day\'s 09:00 ' +
        'run: CARD_CREATED (the card is made, NOT_ACTIVATED), ORDERED a day later, RECEIVED five days after that. The sandbox\'s ' +
        'generate-card makes the card at once.',
      response: { 201: documented(OrderSchema, 'The order', ex.ORDER_RESPONSE), ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) => {
    const body = request.body;
    const a = body.shipping_address;
    const send = sealedReply(request, reply, 201, orderJson);
    return send(await cards.createOrder(request.ctx, request.params.account_id, {
      nameOnCard: body.name_on_card.trim(),
      shippingAddress: { streetAddress: a.street_address, streetAddress2: a.street_address2 ?? null, city: a.city, postalCode: a.postal_code, state: a.state, country: a.country },
    }));
  });

  app.get('/api/v1/jiko-accounts/:account_id/card-orders', {
    schema: {
      tags: oTags, security, params: AccountParams, querystring: Type.Object({ ...CursorQuery }),
      summary: "List a pocket's card orders",
      description: 'Oldest first, each with its status and, from CARD_CREATED on, its card.',
      response: { 200: documented(CursorListSchema(MinimalOrderSchema), 'A page of orders', ex.cursorList([ex.MINIMAL_ORDER])), ...ErrorResponses },
    },
    config: locs,
  }, async (request) => {
    const list = await cards.listOrders(request.ctx, request.params.account_id, pageRequest(request.query));
    return { ...list, items: list.items.map(minimalOrderJson) };
  });

  app.get('/api/v1/jiko-accounts/:account_id/card-orders/:card_order_id', {
    schema: {
      tags: oTags, security, params: Type.Object({ account_id: Uuid('The pocket (Jiko account)'), card_order_id: Uuid('The order') }),
      summary: 'Get a card order',
      description: 'The order, its status (INITIAL, CARD_CREATED, ORDERED, RECEIVED), its card once made, and its shipping address.',
      response: { 200: documented(OrderSchema, 'The order', ex.ORDER_RESPONSE), ...ErrorResponses },
    },
  }, async (request) => orderJson(await cards.getOrder(request.ctx, request.params.account_id, request.params.card_order_id)));
}
