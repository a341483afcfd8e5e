/**
 * The wire rail: outgoing wires to LINKED wire and international_wire counterparties on Fedwire's
 * hours, with a fee per wire, and their messages: an outgoing wire as an ISO 20022 pacs.008.001.08,
 * its return as a pacs.004.001.10, both pure functions of a typed description (docs/WIRES.md).
 */
export {
  CHARGE_BEARERS,
  type ChargeBearer,
  type WireAccount,
  type WireAgent,
  type WireParty,
  type WirePostalAddress,
  WIRE_CURRENCY,
  formatAmount,
  isValidIban,
  newYorkDateTime,
} from './iso20022.domain.ts';
export { END_TO_END_ID_NOT_PROVIDED, type OutgoingWire, PACS008_NAMESPACE, PACS008_VERSION, buildPacs008 } from './pacs008.ts';
export { PACS004_NAMESPACE, PACS004_VERSION, WIRE_RETURN_REASONS, type WireReturn, type WireReturnReason, buildPacs004 } from './pacs004.ts';
export { WireErrors, WireMessageErrors } from './wire.errors.ts';
export {
  WIRE_CREATED_BY_LENGTH_MAX,
  WIRE_CUTOFF_HOURS,
  WIRE_DESCRIPTION_LENGTH_MAX,
  WIRE_SEND_AT_MINUTES,
  WIRE_SETTLE_AT_MINUTES,
  type Wire,
  type WireDirection,
  type WireStatus,
  wireDate,
} from './wire.domain.ts';
export type { WireFilter } from './wire.repo.ts';
export { WIRE_SCENARIO_REJECT_REASON, type WireScenarioSource, type WireScenarioWire } from './wire.scenarios.ts';
export { type IncomingWireInput, type OutgoingWireInput, WIRES_PER_RUN_MAX, type WireRail, createWireRail } from './wire.service.ts';
