import { DomainError } from '../../platform/errors.ts';

/**
 * The coded outcomes of the market module; platform/http maps kinds to statuses and bodies.
 * All are `Error`s, as the MarketService contract promises.
 */
export const marketErrors = {
  /** No bill with this CUSIP in the securities master. */
  unknownSecurity: (cusip: string) =>
    new DomainError('market.unknown_security', 'not_found', `unknown T-bill CUSIP "${cusip.slice(0, 20)}"`),
  /** A quote asked for on or after the bill's maturity date. */
  matured: (cusip: string, maturityDate: string, settlementDate: string) =>
    new DomainError('market.matured', 'invalid', `T-bill ${cusip} matures on ${maturityDate}; it cannot settle on ${settlementDate}`),
  /** A date before the first published bill rate. */
  noRates: (date: string, firstDate: string) =>
    new DomainError('market.no_rates', 'invalid', `no T-bill rates before ${firstDate} (asked for ${date})`),
  /** A date outside the span of the bond-market calendar (a sandbox clock set too far out). */
  outsideCalendar: (date: string, firstDate: string, lastDate: string) =>
    new DomainError('market.outside_calendar', 'invalid', `the bond-market calendar covers ${firstDate} to ${lastDate} (asked for ${date})`),
  /** No bill fits the strategy on that date (before the data, or past the securities master horizon). */
  noBill: (strategy: string, date: string, why: string) =>
    new DomainError('market.no_bill', 'precondition', `no T-bill for ${strategy} on ${date}: ${why}`),
} as const;
