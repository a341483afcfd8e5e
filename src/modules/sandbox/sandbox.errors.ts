import { invalid, notFound } from '../../platform/errors.ts';

/** The coded outcomes of the sandbox: test clock and funding. Field paths are the service's input names. */
export const SandboxErrors = {
  pocketNotFound: () => notFound('pockets.not_found'),
  /** A portal that is not the pocket's (unknown, another tenant's or another pocket's). */
  portalNotFound: () => notFound('portals.not_found'),
  pocketNotOpen: () => invalid(['pocket'], 'pocket is not open', 'value_error', 'pockets.not_open'),
  /** Setting the clock back while the tenant has customers (their activity is booked at later instants). */
  backward: () =>
    invalid(['now'], 'must not be earlier than the clock once the tenant has customers', 'value_error', 'clock.backward'),
  notForward: (field: 'to' | 'days') => invalid([field], 'must be later than the clock', 'value_error', 'clock.not_forward'),
  tooFar: (field: 'now' | 'to' | 'days', daysMax: number) =>
    invalid([field], `moves the clock more than ${daysMax} days at once; move it in steps`, 'value_error', 'clock.too_far'),
  /** An instant whose New York date is outside the market data (MarketCoverage, both ends inclusive). */
  outOfRange: (field: 'now' | 'to' | 'days', from: string, through: string) =>
    invalid(
      [field],
      `the clock must stay within the dates the market data covers: New York dates ${from} through ${through}`,
      'value_error',
      'clock.out_of_range',
    ),
  oneOf: () => invalid([], 'give exactly one of to or days', 'value_error', 'clock.to_or_days'),
} as const;
