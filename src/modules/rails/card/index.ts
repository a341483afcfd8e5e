/**
 * The card issuer: the sandbox card swipe's network messages (authorization, incremental,
 * reversal, refund, force post) decided at once against the card, the pocket's cash and bills and
 * the velocity limits; holds on the pocket as pending ledger entries, bills sold when cash is
 * short; the network's settlement and the expiry of uncaptured holds as a scheduler task.
 * docs/CARDS.md "Authorization and settlement".
 */
export {
  CARD_MESSAGE_KINDS,
  type CardAuthorizationStatus,
  type CardLimits,
  type CardMessageKind,
  DECLINE_REASONS,
  type DeclineReason,
  HOLD_DAYS,
  decide,
} from './card.domain.ts';
export { CardRailErrors } from './card.errors.ts';
export { type CardAuthorization } from './card.repo.ts';
export { type CardRail, SANDBOX_MCC, SANDBOX_MERCHANT, type SwipeInput, type SwipeResult, createCardRail } from './card.service.ts';
export { CARD_SETTLEMENT_MINUTES } from './card.tasks.ts';
