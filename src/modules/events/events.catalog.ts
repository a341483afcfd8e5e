/**
 * The event catalog: every event type pocketbook knows, with the object it is about, whether
 * Jiko documents it (and in which API) or it is a pocketbook extension, whether a pocketbook flow
 * emits it yet, and the TypeBox schema of its payload. `emitEvent` is typed and checked from it;
 * docs/EVENTS.md (`npm run docs:events`) and the OpenAPI `webhooks` section are generated from it.
 *
 * Jiko's types keep Jiko's names and payload fields (from its Partner API of 2024 and today's
 * Customer and Partner APIs); pocketbook's own follow the same dotted style. Payloads carry ids,
 * not copies of objects.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

/** The API in which Jiko documents a type. */
export type JikoApi = 'partner' | 'customer';

/** Sections of the generated docs, in their order. */
export const EVENT_GROUPS = [
  'Applications',
  'Incoming ACH',
  'Outgoing ACH',
  'Wires',
  'On-us transfers',
  'Pockets',
  'Trades',
  'Card status',
  'Card transactions',
] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

/** One entry of the catalog. */
export interface EventDefinition<S extends TSchema = TSchema, O extends string = string> {
  /** The object the event is about; `object_id` and `sequence` count per object. */
  readonly objectType: O;
  readonly group: EventGroup;
  /** Where Jiko documents the type; empty for a pocketbook extension. */
  readonly jiko: readonly JikoApi[];
  /** True when a pocketbook flow emits it today; the others are accepted and can be triggered. */
  readonly emitted: boolean;
  readonly payload: S;
  /** One line: when the event happens. */
  readonly description: string;
}

function define<S extends TSchema, const O extends string>(definition: EventDefinition<S, O>): EventDefinition<S, O> {
  return definition;
}

const id = (description: string) => Type.String({ format: 'uuid', description });
const strict = { additionalProperties: false } as const;

const ApplicationPayload = Type.Object({
  application_id: id('The application'),
  customer_id: Type.Optional(id('The customer the approval created (pocketbook addition; approved only)')),
}, strict);
const AchPayload = Type.Object({ jiko_account_id: id('The pocket the money came into or left') }, strict);
const WirePayload = Type.Object({ jiko_account_id: id('The pocket'), wire_id: id('The wire') }, strict);
const NocPayload = Type.Object({
  counterparty_id: id('The counterparty whose bank account was corrected'),
  transfer_id: id('The ACH origination the notification answered'),
  change_code: Type.Union([Type.Literal('C01'), Type.Literal('C02'), Type.Literal('C03')], { description: 'C01 account number, C02 routing number, C03 both' }),
}, strict);
const OnUsPayload = Type.Object({
  on_us_id: id('The on-us transfer'),
  origin_account_id: id('The pocket the money leaves'),
  destination_account_id: id('The pocket the money goes to'),
}, strict);
const OnUsReceivedPayload = Type.Object({
  on_us_id: id('The on-us transfer'),
  transaction_activity_id: id('The credit in the receiving pocket (a bank transaction)'),
  receiving_pocket_id: id('The pocket that received the money'),
}, strict);
const PocketPayload = Type.Object({ pocket_id: id('The pocket') }, strict);
const TradePayload = Type.Object({
  trade_id: id('The trade'),
  pocket_id: id('The pocket that traded'),
  cusip: Type.String({ pattern: '^[0-9A-Z]{9}$', description: 'The bill traded' }),
}, strict);
const CardStatusPayload = Type.Object({
  card_id: id('The card'),
  status: Type.Union(
    [Type.Literal('OPEN'), Type.Literal('LOCKED'), Type.Literal('CLOSED'), Type.Literal('NOT_ACTIVATED'), Type.Literal('FROZEN')],
    { description: 'The card status now' },
  ),
}, strict);
const CardCreatedPayload = Type.Object({
  card_id: id('The card'),
  account_id: id('The pocket the card draws on'),
  type: Type.Union([Type.Literal('VIRTUAL'), Type.Literal('PHYSICAL')]),
  status: Type.Union([Type.Literal('OPEN'), Type.Literal('NOT_ACTIVATED')], { description: 'OPEN (virtual) or NOT_ACTIVATED (physical)' }),
}, strict);
const CardOrderPayload = Type.Object({
  card_order_id: id('The physical card order'),
  account_id: id('The pocket the card will draw on'),
  status: Type.Union([Type.Literal('INITIAL'), Type.Literal('CARD_CREATED'), Type.Literal('ORDERED'), Type.Literal('RECEIVED')], { description: 'The order status now' }),
  card_id: Type.Optional(id('The card made for the order (from CARD_CREATED on)')),
}, strict);
const CardTransactionPayload = Type.Object({
  card_id: id('The card'),
  amount: Type.Integer({ description: 'Amount in cents' }),
  account_id: id('The pocket the card draws on'),
}, strict);

const partner: readonly JikoApi[] = ['partner'];
const customer: readonly JikoApi[] = ['customer'];
const both: readonly JikoApi[] = ['partner', 'customer'];
const extension: readonly JikoApi[] = [];

/** The catalog, in the order GET /api/v1/events/types/ lists the types. */
export const EVENT_CATALOG = {
  'application.approved': define({ objectType: 'Application', group: 'Applications', jiko: partner, emitted: true, payload: ApplicationPayload,
    description: 'KYC approved the application and the customer now exists' }),
  'application.rejected': define({ objectType: 'Application', group: 'Applications', jiko: partner, emitted: true, payload: ApplicationPayload,
    description: 'KYC turned the application down' }),
  'application.manual_review': define({ objectType: 'Application', group: 'Applications', jiko: partner, emitted: true, payload: ApplicationPayload,
    description: 'The application waits for a person to look at it' }),
  'application.documents_needed': define({ objectType: 'Application', group: 'Applications', jiko: partner, emitted: true, payload: ApplicationPayload,
    description: 'Identity documents must be uploaded before a decision' }),
  'transfers.ach.in.success': define({ objectType: 'Transaction', group: 'Incoming ACH', jiko: partner, emitted: true, payload: AchPayload,
    description: 'Money reached a pocket by ACH: a credit through its portal (sandbox funding included), or a pulled debit that settled' }),
  'transfers.ach.in.rejected': define({ objectType: 'Transaction', group: 'Incoming ACH', jiko: partner, emitted: true, payload: AchPayload,
    description: 'Incoming ACH money was refused or returned: a credit sent to a closed portal (R02), or a pulled debit returned by the bank' }),
  'transfers.on-us.processing': define({ objectType: 'OnUsTransfer', group: 'On-us transfers', jiko: both, emitted: true, payload: OnUsPayload,
    description: 'The transfer was accepted and is being carried out (bills being sold)' }),
  'transfers.on-us.success': define({ objectType: 'OnUsTransfer', group: 'On-us transfers', jiko: both, emitted: true, payload: OnUsPayload,
    description: 'The money has moved between the two pockets' }),
  'transfers.on-us.rejected': define({ objectType: 'OnUsTransfer', group: 'On-us transfers', jiko: both, emitted: true, payload: OnUsPayload,
    description: 'The transfer failed, for example for lack of funds' }),
  'transfers.on-us.received': define({ objectType: 'OnUsTransfer', group: 'On-us transfers', jiko: customer, emitted: true, payload: OnUsReceivedPayload,
    description: 'The destination pocket was credited; addressed to the receiving side' }),
  'pocket.status.open': define({ objectType: 'Pocket', group: 'Pockets', jiko: extension, emitted: true, payload: PocketPayload,
    description: 'A pocket became OPEN and can take money' }),
  'pocket.status.closed': define({ objectType: 'Pocket', group: 'Pockets', jiko: extension, emitted: true, payload: PocketPayload,
    description: 'A pocket was closed' }),
  'trade.buy': define({ objectType: 'Trade', group: 'Trades', jiko: extension, emitted: true, payload: TradePayload,
    description: 'The pocket bought a bill' }),
  'trade.sell': define({ objectType: 'Trade', group: 'Trades', jiko: extension, emitted: true, payload: TradePayload,
    description: 'The pocket sold a bill to pay out or move money' }),
  'trade.maturity': define({ objectType: 'Trade', group: 'Trades', jiko: extension, emitted: true, payload: TradePayload,
    description: 'A bill the pocket held matured and paid its face value' }),
  'transfers.ach.out.sent': define({ objectType: 'AchTransfer', group: 'Outgoing ACH', jiko: partner, emitted: true, payload: AchPayload,
    description: 'An outgoing ACH left in a file to the network' }),
  'transfers.ach.out.success': define({ objectType: 'AchTransfer', group: 'Outgoing ACH', jiko: partner, emitted: true, payload: AchPayload,
    description: 'An outgoing ACH settled' }),
  'transfers.ach.out.rejected': define({ objectType: 'AchTransfer', group: 'Outgoing ACH', jiko: partner, emitted: true, payload: AchPayload,
    description: 'An outgoing ACH was refused or returned' }),
  'counterparties.noc.received': define({ objectType: 'Counterparty', group: 'Outgoing ACH', jiko: extension, emitted: true, payload: NocPayload,
    description: 'The bank of an ACH entry sent a notification of change; the counterparty now carries the corrected account data' }),
  'transfers.wire.out.processing': define({ objectType: 'Wire', group: 'Wires', jiko: both, emitted: true, payload: WirePayload,
    description: 'An outgoing wire was accepted and is on its way' }),
  'transfers.wire.out.success': define({ objectType: 'Wire', group: 'Wires', jiko: both, emitted: true, payload: WirePayload,
    description: 'An outgoing wire was completed' }),
  'transfers.wire.out.rejected': define({ objectType: 'Wire', group: 'Wires', jiko: both, emitted: true, payload: WirePayload,
    description: 'An outgoing wire failed or came back' }),
  'transfers.wire.in.success': define({ objectType: 'Wire', group: 'Wires', jiko: customer, emitted: true, payload: WirePayload,
    description: 'An incoming wire was credited to a pocket (payload assumed to be that of outgoing wires)' }),
  'transfers.wire.in.rejected': define({ objectType: 'Wire', group: 'Wires', jiko: customer, emitted: true, payload: WirePayload,
    description: 'An incoming wire arrived but was sent back (payload assumed to be that of outgoing wires)' }),
  'card.created': define({ objectType: 'Card', group: 'Card status', jiko: extension, emitted: true, payload: CardCreatedPayload,
    description: 'A card was issued: a virtual card (OPEN) or the physical card of an order (NOT_ACTIVATED)' }),
  'card.order.updated': define({ objectType: 'CardOrder', group: 'Card status', jiko: extension, emitted: true, payload: CardOrderPayload,
    description: 'A physical card order was placed or moved on (INITIAL, CARD_CREATED, ORDERED, RECEIVED)' }),
  'card.status.open': define({ objectType: 'Card', group: 'Card status', jiko: partner, emitted: true, payload: CardStatusPayload,
    description: 'A card became usable' }),
  'card.status.locked': define({ objectType: 'Card', group: 'Card status', jiko: partner, emitted: true, payload: CardStatusPayload,
    description: 'A card was locked' }),
  'card.status.frozen': define({ objectType: 'Card', group: 'Card status', jiko: partner, emitted: false, payload: CardStatusPayload,
    description: 'A card was frozen' }),
  'card.status.closed': define({ objectType: 'Card', group: 'Card status', jiko: partner, emitted: true, payload: CardStatusPayload,
    description: 'A card was closed for good' }),
  'card.transaction.approved': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: partner, emitted: true, payload: CardTransactionPayload,
    description: 'A card payment was authorized and its amount held (also an approved incremental authorization: amount is the increment)' }),
  'card.transaction.rejected': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: partner, emitted: true, payload: CardTransactionPayload,
    description: 'A card payment was declined; nothing was held or sold' }),
  'card.transaction.on_hold': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: partner, emitted: false, payload: CardTransactionPayload,
    description: 'A card payment is held pending review' }),
  'card.transaction.reversed': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: partner, emitted: true, payload: CardTransactionPayload,
    description: 'The merchant reversed all or part of an authorization; amount is what was released' }),
  'card.transaction.settled': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: extension, emitted: true, payload: CardTransactionPayload,
    description: "A card payment cleared at the network's settlement (or was force posted) and left the pocket; amount is what posted" }),
  'card.transaction.expired': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: extension, emitted: true, payload: CardTransactionPayload,
    description: 'An authorization was never captured and its hold was released after 7 days' }),
  'card.transaction.refunded': define({ objectType: 'CardTransaction', group: 'Card transactions', jiko: extension, emitted: true, payload: CardTransactionPayload,
    description: 'A merchant refund was credited to the pocket' }),
} as const;

type Catalog = typeof EVENT_CATALOG;

/** A type a subscription may list and a flow may emit. */
export type EventType = keyof Catalog;

/** The payload of events of type `T`, as the catalog's schema says. */
export type EventPayload<T extends EventType> = Static<Catalog[T]['payload']>;

/** The object type of events of type `T`. */
export type EventObjectType<T extends EventType> = Catalog[T]['objectType'];

/** Every known type, in catalog order. */
export const EVENT_TYPES: readonly EventType[] = Object.keys(EVENT_CATALOG) as EventType[];

const KNOWN = new Set<string>(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}

/** The catalog entry of `type`. */
/**
 * True when Jiko's Partner API does not document `type`: a pocketbook extension on the Partner
 * door (pocketbook's own types, and types Jiko documents only in its Customer API, such as
 * `transfers.on-us.received`). Subscriptions match types by exact name, so an extension reaches
 * only the subscriptions that name it.
 */
export function isPartnerExtension(type: EventType): boolean {
  return !EVENT_CATALOG[type].jiko.includes('partner');
}

export function eventDefinition(type: EventType): EventDefinition {
  return EVENT_CATALOG[type];
}

const validators = new Map<EventType, Validator>();

/**
 * Why `payload` does not fit the catalog's schema of `type` (the first problem, with its JSON
 * path), or undefined when it fits. Each schema is compiled once, on first use.
 */
export function payloadProblem(type: EventType, payload: unknown): string | undefined {
  let validator = validators.get(type);
  if (!validator) {
    validator = Compile(EVENT_CATALOG[type].payload);
    validators.set(type, validator);
  }
  if (validator.Check(payload)) return undefined;
  const [first] = validator.Errors(payload);
  return first ? `${first.instancePath || '/'} ${first.message}` : 'does not match its schema';
}
