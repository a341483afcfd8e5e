import { DomainError, invalid, notFound } from '../../../platform/errors.ts';

/** The coded outcomes of portals. Field paths are the service's input names. */
export const PortalErrors = {
  /** Unknown, another tenant's, or another pocket's portal. */
  notFound: () => notFound('portals.not_found'),
  pocketNotFound: () => notFound('pockets.not_found'),
  /** Closing a closed portal (Jiko answers 412), or asking a closed portal's funding instructions. */
  closed: () => new DomainError('portals.closed', 'precondition', 'Portal is already closed'),
  /** A pocket that is closed takes no new portal. */
  pocketClosed: () => invalid(['pocket'], 'pocket is closed', 'value_error', 'pockets.closed'),
  /** A status other than CLOSED (the only status a portal can be given). */
  badStatus: () => invalid(['status'], 'CLOSED is the only status a portal can be given', 'enum', 'portals.bad_status'),
  /** A cursor we did not make. */
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'portals.cursor_invalid'),
  nameRequired: () => invalid(['name'], 'give a name or status CLOSED', 'missing', 'portals.name_or_status'),
} as const;
