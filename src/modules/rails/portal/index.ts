/**
 * Portals: the routing and account numbers through which a pocket receives ACH and wires (one is
 * made with each pocket, more on request; each OPEN until closed for good), their management and
 * funding instructions, and the ABA rules behind them.
 */
export {
  PORTAL_ACCOUNT_NUMBER_DIGITS,
  PORTAL_BANK_NAME,
  PORTAL_NAME_LENGTH_MAX,
  PORTAL_RENAME_LENGTH_MAX,
  PORTAL_ROUTING_NUMBER,
  type FundingInstructions,
  type Portal,
  type PortalStatus,
  abaCheckDigit,
  isValidRoutingNumber,
  newPortalAccountNumber,
} from './portal.domain.ts';
export { PortalErrors } from './portal.errors.ts';
export { createPortal, findPortal, findPortalByAccountNumber, listPortals } from './portal.repo.ts';
export { type PortalChange, type PortalPocket, type PortalPockets, type Portals, createPortals } from './portal.service.ts';
