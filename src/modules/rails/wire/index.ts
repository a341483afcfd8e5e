/**
 * The wire rail's messages: an outgoing wire as an ISO 20022 pacs.008.001.08, its return as a
 * pacs.004.001.10, both pure functions of a typed description (docs/WIRES.md). The wire endpoints,
 * Fedwire hours and fees are not built yet.
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
export { WireMessageErrors } from './wire.errors.ts';
