import { DomainError, invalid, notFound } from '../../platform/http/index.ts';

/** The coded outcomes of the events module; platform/http maps kinds to statuses and bodies. */
export const eventsErrors = {
  subscriptionNotFound: () => notFound('subscriptions.not_found'),
  eventNotFound: () => notFound('events.not_found'),
  unknownEventType: (loc: (string | number)[], type: string) =>
    invalid(loc, `unknown event type "${type.slice(0, 100)}"`, 'enum', 'subscriptions.unknown_event_type'),
  urlInvalid: (loc: (string | number)[], why: string) => invalid(loc, why, 'url_parsing', 'subscriptions.url_invalid'),
  urlRefused: (loc: (string | number)[], why: string) => invalid(loc, why, 'value_error', 'subscriptions.url_refused'),
  payloadTooLarge: (loc: (string | number)[], bytesMax: number) =>
    invalid(loc, `must serialize to at most ${bytesMax} bytes`, 'value_error', 'events.payload_too_large'),
  eventIdTaken: () =>
    new DomainError('events.id_taken', 'conflict', 'event_id is already used; replay a stored event with POST /api/v1/events/{event_id}/redeliver/'),
  subscriptionDisabled: () => new DomainError('subscriptions.disabled', 'conflict', 'the subscription is disabled'),
  subscriptionNotListening: (type: string) =>
    invalid(['body', 'subscription_id'], `the subscription does not list the event type "${type}"`, 'value_error', 'subscriptions.type_not_listed'),
} as const;
