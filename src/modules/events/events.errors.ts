import { DomainError, invalid, notFound } from '../../platform/errors.ts';

/** The coded outcomes of the events module; platform/http maps kinds to statuses and bodies. */
export const eventsErrors = {
  subscriptionNotFound: () => notFound('subscriptions.not_found'),
  eventNotFound: () => notFound('events.not_found'),
  unknownEventType: (field: (string | number)[], type: string) =>
    invalid(field, `unknown event type "${type.slice(0, 100)}"`, 'enum', 'subscriptions.unknown_event_type'),
  urlInvalid: (field: (string | number)[], why: string) => invalid(field, why, 'url_parsing', 'subscriptions.url_invalid'),
  urlRefused: (field: (string | number)[], why: string) => invalid(field, why, 'value_error', 'subscriptions.url_refused'),
  payloadTooLarge: (field: (string | number)[], bytesMax: number) =>
    invalid(field, `must serialize to at most ${bytesMax} bytes`, 'value_error', 'events.payload_too_large'),
  eventIdTaken: () =>
    new DomainError('events.id_taken', 'conflict', 'event_id is already used; replay a stored event with POST /api/v1/events/{event_id}/redeliver/'),
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'events.cursor_invalid'),
  subscriptionDisabled: () => new DomainError('subscriptions.disabled', 'conflict', 'the subscription is disabled'),
  subscriptionNotListening: (type: string) =>
    invalid(['subscription_id'], `the subscription does not list the event type "${type}"`, 'value_error', 'subscriptions.type_not_listed'),
} as const;
