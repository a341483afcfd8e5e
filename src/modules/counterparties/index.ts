/**
 * Counterparties: the outside accounts (ach, wire, international_wire) and other pockets (on_us)
 * a tenant's pockets move money to and from, the checks of their identifiers, and their
 * verification (pre_verified, Plaid's sandbox, micro-deposits). Money moves only to a LINKED one.
 */
export * from './counterparties.domain.ts';
export { CounterpartyErrors } from './counterparties.errors.ts';
export type { MicroDepositScenarioSource } from './counterparties.scenarios.ts';
export type { MicroDeposits } from './counterparties.repo.ts';
export type { AddressInput, BankAccountCorrection, CounterpartyNameInput, NewCounterpartyInput } from './counterparties.input.ts';
export {
  type CounterpartiesScheduler,
  type CounterpartiesService,
  type CounterpartyChange,
  type CounterpartyListFilter,
  type PlaidLinkResult,
  type PlaidLinkTokenInput,
  PLAID_LINK_TOKEN_TTL_MS,
  PLAID_SANDBOX_ROUTING_NUMBER,
  createCounterpartiesService,
} from './counterparties.service.ts';
