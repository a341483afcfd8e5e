import { DomainError, invalid, notFound } from '../../platform/errors.ts';

/** The coded outcomes of the sandbox: test clock and funding. Field paths are the service's input names. */
export const SandboxErrors = {
  pocketNotFound: () => notFound('pockets.not_found'),
  pocketNotOpen: () => invalid(['pocket'], 'pocket is not open', 'value_error', 'pockets.not_open'),
  backward: () => new DomainError('clock.backward', 'conflict', 'the clock moves only forward once the tenant has customers'),
  notForward: (field: 'to' | 'days') => invalid([field], 'must be later than the clock', 'value_error', 'clock.not_forward'),
  tooFar: (field: 'to' | 'days') => invalid([field], 'moves the clock too far at once', 'value_error', 'clock.too_far'),
  oneOf: () => invalid([], 'give exactly one of to or days', 'value_error', 'clock.to_or_days'),
} as const;
