/**
 * The event types a subscription may list, with the object each one is about. Jiko's names where
 * Jiko has the event; pocketbook's own in the same dotted style. docs/EVENTS.md describes every
 * type and its payload.
 */

/** Types pocketbook emits today or will emit as the matching flows land. */
const EMITTED = [
  'application.approved',
  'application.rejected',
  'application.manual_review',
  'application.documents_needed',
  'transfers.ach.in.success',
  'transfers.ach.in.rejected',
  'transfers.on-us.processing',
  'transfers.on-us.success',
  'transfers.on-us.rejected',
  'transfers.on-us.received',
  'pocket.status.open',
  'pocket.status.closed',
  'trade.buy',
  'trade.sell',
  'trade.maturity',
] as const;

/**
 * Jiko types that no pocketbook flow emits yet (cards, outgoing ACH and wires). They are listed so
 * that a Jiko client's subscriptions are accepted unchanged and the sandbox trigger can send them.
 */
const RESERVED = [
  'transfers.ach.out.sent',
  'transfers.ach.out.success',
  'transfers.ach.out.rejected',
  'transfers.wire.out.processing',
  'transfers.wire.out.success',
  'transfers.wire.out.rejected',
  'card.status.open',
  'card.status.locked',
  'card.status.frozen',
  'card.status.closed',
  'card.transaction.approved',
  'card.transaction.rejected',
  'card.transaction.on_hold',
  'card.transaction.reversed',
] as const;

export type EventType = (typeof EMITTED)[number] | (typeof RESERVED)[number];

/** Every known type, in the order GET /api/v1/events/types/ lists them. */
export const EVENT_TYPES: readonly EventType[] = [...EMITTED, ...RESERVED];

const KNOWN = new Set<string>(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}
