import { DomainError, invalid, notFound } from '../../../platform/errors.ts';

/**
 * The card issuer's coded refusals of a swipe request itself (a decline is an outcome, not an
 * error). Field paths are the service's input names (`['authorizationId']`).
 */
export const CardRailErrors = {
  cardNotFound: () => notFound('cards.card_not_found'),
  authorizationNotFound: () => notFound('cards.authorization_not_found'),
  authorizationRequired: (kind: string) =>
    invalid(['authorizationId'], `a ${kind} names the authorization it refers to`, 'missing', 'cards.authorization_required'),
  authorizationNotAllowed: (kind: string) =>
    invalid(['authorizationId'], `a ${kind} refers to no authorization`, 'value_error', 'cards.authorization_not_allowed'),
  otherCard: () => invalid(['authorizationId'], 'the authorization is of another card', 'value_error', 'cards.authorization_other_card'),
  notPending: (status: string) =>
    new DomainError('cards.authorization_not_pending', 'conflict', `the authorization is ${status}, not PENDING: nothing is held`),
  settlementOnlyForAuthorization: () =>
    invalid(['settlementAmountCents'], 'only an authorization takes a settlement amount', 'value_error', 'cards.settlement_amount_not_allowed'),
  captureOnlyForAuthorization: () => invalid(['capture'], 'only an authorization takes capture', 'value_error', 'cards.capture_not_allowed'),
} as const;
