import { assert } from '../../platform/assert.ts';
import { addDays, weekday } from '../../platform/clock.ts';
import type { BusinessCalendar, StrategyId } from '../market/index.ts';

/**
 * Pure rules of pockets: their states and earnings periods. No I/O. Amounts are bigint cents.
 */

export type PocketStatus = 'PENDING' | 'OPEN' | 'FROZEN' | 'CLOSED';
export type PocketType = 'CUSTOMER' | 'PARTNER_FUNDING';

export interface Pocket {
  readonly id: string;
  readonly partnerId: string;
  readonly customerId: string | null;
  readonly type: PocketType;
  readonly pocketName: string;
  readonly status: PocketStatus;
  readonly depositStrategyId: StrategyId;
  readonly reinvestmentStrategyId: StrategyId | null;
  readonly closureReason: string | null;
  readonly investPending: boolean;
  readonly createdAt: Date;
  readonly closedAt: Date | null;
}

export type EarningsPeriod = 'ytd' | 'mtd' | 'wtd' | 'all-time' | 'range';

/**
 * The business days an earnings request covers: earnings = value at the end of `endDate` minus
 * value at the end of `baseDate` minus net money moved in after `baseDate` through `endDate`.
 * `dateFrom` is the first calendar day of the period as reported (clamped to the pocket's start).
 * Period starts: ytd 1 January, mtd the 1st of the month, wtd the most recent Monday, all-time the
 * pocket's start; the end is today if a business day, else the last business day (or the range's
 * `date_to` on or before that).
 */
export function earningsWindow(
  calendar: BusinessCalendar,
  input: { period: EarningsPeriod; today: string; pocketStart: string; dateFrom?: string | undefined; dateTo?: string | undefined },
): { dateFrom: string; dateTo: string; baseDate: string; endDate: string } {
  const { today, pocketStart } = input;
  let from: string;
  let to = today;
  switch (input.period) {
    case 'ytd':
      from = `${today.slice(0, 4)}-01-01`;
      break;
    case 'mtd':
      from = `${today.slice(0, 7)}-01`;
      break;
    case 'wtd':
      from = addDays(today, -((weekday(today) + 6) % 7));
      break;
    case 'all-time':
      from = pocketStart;
      break;
    case 'range':
      assert(input.dateFrom && input.dateTo, 'range needs both dates');
      from = input.dateFrom;
      to = input.dateTo < today ? input.dateTo : today;
      break;
  }
  if (from < pocketStart) from = pocketStart;
  const endDate = calendar.onOrBefore(to);
  const baseDate = calendar.onOrBefore(addDays(from, -1));
  return { dateFrom: from, dateTo: endDate < from ? from : endDate, baseDate, endDate };
}
