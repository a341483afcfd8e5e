import { DomainError, invalid, notFound } from '../../platform/errors.ts';

/**
 * The coded outcomes of counterparties. Field paths are the service's input names
 * (`routingNumber`, `counterpartyName`), which each door maps to its wire locations.
 */
export const CounterpartyErrors = {
  /** Unknown id, or another tenant's (or another customer's on a customer path): the same 404. */
  notFound: () => notFound('counterparties.not_found'),
  customerNotFound: () => notFound('counterparties.customer_not_found'),
  required: (field: readonly string[], type: string) =>
    invalid(field, `field required for a counterparty of type ${type}`, 'missing', 'counterparties.field_required'),
  notUsed: (field: readonly string[], type: string) =>
    invalid(field, `field not used by a counterparty of type ${type}`, 'extra_forbidden', 'counterparties.field_not_used'),
  identifier: (field: readonly string[], msg: string) => invalid(field, msg, 'value_error', 'counterparties.invalid_identifier'),
  unknownNetworkAddress: () =>
    invalid(['accountNumber'], 'no pocket of this partner has this Jiko network address', 'value_error', 'counterparties.unknown_network_address'),
  verificationMethod: (method: string, type: string) =>
    invalid(['verificationMethod'], `verification method ${method} is not available for a counterparty of type ${type}`, 'enum', 'counterparties.verification_method'),
  statusNotSupported: () => invalid(['status'], 'only UNLINKED can be requested, and unlinking is final', 'enum', 'counterparties.status_not_supported'),
  notMicroDeposits: () =>
    invalid([], 'this counterparty is not verified by micro-deposits', 'value_error', 'counterparties.not_micro_deposits'),
  notPlaidManual: () =>
    invalid([], 'this counterparty does not wait for a Plaid manual verification', 'value_error', 'counterparties.not_plaid_manual'),
  verificationClosed: (status: string) =>
    invalid([], `verification is over: the counterparty is ${status}`, 'value_error', 'counterparties.verification_closed'),
  /** The micro-deposits have not gone out in an ACH file yet (the window of 12:00 New York time sends them): nothing to confirm. */
  microDepositsNotSent: () =>
    new DomainError(
      'counterparties.micro_deposits_not_sent', 'conflict',
      'the micro-deposits have not been sent yet: they go out in the next ACH window (12:00 New York time, business days); confirm the amounts once they reach the account',
    ),
  notLinked: (msg: string) => invalid(['counterpartyId'], msg, 'value_error', 'counterparties.not_linked'),
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'counterparties.cursor_invalid'),
  plaidToken: () =>
    invalid(['publicToken'], 'not a Plaid sandbox public token (public-sandbox-...)', 'value_error', 'counterparties.plaid_token'),
  plaidClientTarget: () =>
    invalid(['redirectUri'], 'redirect_uri and android_package_name are mutually exclusive', 'value_error', 'counterparties.plaid_client_target'),
} as const;
