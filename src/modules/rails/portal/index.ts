/**
 * Portals: the routing and account numbers through which a pocket receives ACH and wires (one is
 * made with each pocket), and the ABA rules behind them.
 */
export {
  PORTAL_ACCOUNT_NUMBER_DIGITS,
  PORTAL_ROUTING_NUMBER,
  type Portal,
  abaCheckDigit,
  isValidRoutingNumber,
  newAchTraceNumber,
  newPortalAccountNumber,
} from './portal.domain.ts';
export { createPortal, listPortals } from './portal.repo.ts';
