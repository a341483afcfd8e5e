/**
 * The securities master: every bill by CUSIP, with its issues.
 *
 * Real bills come from auctions.csv. Where the data has no auction (issues after 2024-08-13,
 * except those of January 2026), the master adds the bills Treasury's weekly schedule would have
 * issued (tbill-math.md section 7): 4-, 8- and 17-week bills issued on Tuesdays; 6-, 13- and
 * 26-week bills on Thursdays; a 52-week bill every fourth Thursday, on the cycle of the real
 * 52-week bills. An issue date that is not a business day moves to the next one; so does a
 * maturity date, which otherwise is the scheduled issue day plus the term.
 *
 * A scheduled bill that matures on the same day as a bill already known on the same weekday cycle
 * is a reopening and shares its CUSIP, as Treasury does (a 13-week bill reopens the 26-week bill
 * issued 13 weeks earlier; the 4- and 8-week bills reopen the 17-week ones). Other scheduled bills
 * get a synthetic CUSIP: `912797`, two characters, and the CUSIP check digit. Synthetic CUSIPs are
 * drawn in a fixed order that skips every CUSIP of the data, so the same data always gives the
 * same CUSIPs. Scheduled issues run through SYNTHETIC_ISSUE_DATE_MAX.
 */
import { assert } from '../../platform/assert.ts';
import { addDays, daysBetween, weekday } from '../../platform/clock.ts';
import type { MarketCalendar } from './calendar.ts';
import { CUSIP_ISSUE_CHARS, withCheckDigit } from './cusip.ts';
import type { AuctionRow } from './market.data.ts';
import type { BillIssue, MasterSecurity } from './market.types.ts';

/** Last issue date of the TreasuryDirect export in auctions.csv; the schedule fills in after it. */
export const REAL_ISSUES_THROUGH = '2024-08-13';
/** Last scheduled (synthetic) issue date: the master covers any clock up to the end of this year. */
export const SYNTHETIC_ISSUE_DATE_MAX = '2031-12-31';
/** The issuer prefix of synthetic CUSIPs (Treasury's current bill prefix). */
export const SYNTHETIC_CUSIP_PREFIX = '912797';

/** How many issues of a term `latestIssue` looks back past matured ones. */
const LOOKBACK_ISSUES_MAX = 8;

type Cycle = 'tuesday' | 'thursday';

/** The weekly schedule of regular bills (tbill-math.md section 7). */
export const WEEKLY_SCHEDULE: readonly { term: string; weeks: number; cycle: Cycle; everyWeeks: number }[] = [
  { term: '4-Week', weeks: 4, cycle: 'tuesday', everyWeeks: 1 },
  { term: '8-Week', weeks: 8, cycle: 'tuesday', everyWeeks: 1 },
  { term: '17-Week', weeks: 17, cycle: 'tuesday', everyWeeks: 1 },
  { term: '6-Week', weeks: 6, cycle: 'thursday', everyWeeks: 1 },
  { term: '13-Week', weeks: 13, cycle: 'thursday', everyWeeks: 1 },
  { term: '26-Week', weeks: 26, cycle: 'thursday', everyWeeks: 1 },
  { term: '52-Week', weeks: 52, cycle: 'thursday', everyWeeks: 4 },
];

const CYCLE_WEEKDAY: Record<Cycle, number> = { tuesday: 2, thursday: 4 };

/** The weekday cycle of a real bill's term; the 42-day CMB was the 6-week bill before 2025. */
const CYCLE_OF_TERM: ReadonlyMap<string, Cycle> = new Map([
  ...WEEKLY_SCHEDULE.map((s) => [s.term, s.cycle] as const),
  ['42-Day', 'thursday'],
]);

function realIssue(row: AuctionRow): BillIssue {
  return {
    cusip: row.cusip,
    term: row.term,
    auctionDate: row.auctionDate,
    issueDate: row.issueDate,
    maturityDate: row.maturityDate,
    days: row.days,
    synthetic: false,
    pricePer100: row.pricePer100,
    discountRate: row.highDiscountRate ?? row.discountRateRecovered,
    investmentRate: row.highInvestmentRate,
  };
}

/** The synthetic CUSIP codes in the order they are handed out: `ZZ`, `ZY`, ... `00`. */
function* syntheticCusips(taken: ReadonlySet<string>): Generator<string> {
  const chars = [...CUSIP_ISSUE_CHARS].reverse();
  for (const first of chars) {
    for (const second of chars) {
      const cusip = withCheckDigit(`${SYNTHETIC_CUSIP_PREFIX}${first}${second}`);
      if (!taken.has(cusip)) yield cusip;
    }
  }
}

/** The weekday `day` (0-6) on or before `date`. */
function weekdayOnOrBefore(date: string, day: number): string {
  return addDays(date, -((weekday(date) - day + 7) % 7));
}

function byIssueDate(a: BillIssue, b: BillIssue): number {
  return a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.days - b.days;
}

/** The securities master, built once from the auctions and the calendar; read-only afterwards. */
export class SecuritiesMaster {
  readonly #byCusip = new Map<string, MasterSecurity>();
  /** Issues of each offered term ("13-Week"), oldest first. */
  readonly #issuesByTerm = new Map<string, BillIssue[]>();
  /** All securities, earliest maturity first (ties by CUSIP). */
  readonly #byMaturity: MasterSecurity[];
  /** Last scheduled issue date actually generated. */
  readonly horizon: string;

  constructor(auctions: readonly AuctionRow[], calendar: MarketCalendar) {
    const issues = auctions.map(realIssue);
    issues.sort(byIssueDate);
    const realCusips = new Set(issues.map((issue) => issue.cusip));
    const realSlots = new Set(issues.map((issue) => `${issue.term}|${issue.issueDate}`));

    // Known maturities per weekday cycle, for reopenings.
    const cusipByMaturity = new Map<string, string>();
    for (const issue of issues) {
      const cycle = CYCLE_OF_TERM.get(issue.term);
      const key = `${cycle}|${issue.maturityDate}`;
      if (cycle && !cusipByMaturity.has(key)) cusipByMaturity.set(key, issue.cusip);
    }

    const fresh = syntheticCusips(realCusips);
    let horizon = REAL_ISSUES_THROUGH;
    for (const slot of scheduleSlots(issues)) {
      const issueDate = calendar.onOrAfter(slot.nominalIssueDate);
      if (realSlots.has(`${slot.term}|${issueDate}`)) continue;
      const maturityDate = calendar.onOrAfter(addDays(slot.nominalIssueDate, slot.weeks * 7));
      const key = `${slot.cycle}|${maturityDate}`;
      let cusip = cusipByMaturity.get(key);
      if (cusip === undefined) {
        const next = fresh.next();
        assert(!next.done, 'synthetic CUSIP codes exhausted; lower SYNTHETIC_ISSUE_DATE_MAX');
        cusip = next.value;
        cusipByMaturity.set(key, cusip);
      }
      issues.push({
        cusip,
        term: slot.term,
        auctionDate: undefined,
        issueDate,
        maturityDate,
        days: daysBetween(issueDate, maturityDate),
        synthetic: true,
        pricePer100: undefined,
        discountRate: undefined,
        investmentRate: undefined,
      });
      if (issueDate > horizon) horizon = issueDate;
    }
    this.horizon = horizon;

    issues.sort(byIssueDate);
    const grouped = new Map<string, BillIssue[]>();
    for (const issue of issues) {
      const list = grouped.get(issue.cusip);
      if (list) list.push(issue);
      else grouped.set(issue.cusip, [issue]);
      const ofTerm = this.#issuesByTerm.get(issue.term);
      if (ofTerm) ofTerm.push(issue);
      else this.#issuesByTerm.set(issue.term, [issue]);
    }
    for (const [cusip, list] of grouped) {
      const original = list[0]!;
      assert(list.every((issue) => issue.maturityDate === original.maturityDate), `CUSIP ${cusip} has two maturity dates`);
      this.#byCusip.set(cusip, {
        cusip,
        term: original.term,
        issueDate: original.issueDate,
        maturityDate: original.maturityDate,
        synthetic: list.every((issue) => issue.synthetic),
        issues: list,
      });
    }
    this.#byMaturity = [...this.#byCusip.values()].sort((a, b) =>
      a.maturityDate < b.maturityDate ? -1 : a.maturityDate > b.maturityDate ? 1 : a.cusip < b.cusip ? -1 : 1);
  }

  /** The bill with this CUSIP, or undefined. */
  get(cusip: string): MasterSecurity | undefined {
    return this.#byCusip.get(cusip);
  }

  /** Every bill, earliest maturity first. */
  all(): readonly MasterSecurity[] {
    return this.#byMaturity;
  }

  /**
   * The issue of `term` ("13-Week") with the latest issue date on or before `date` among bills
   * still outstanding on `date` (maturity after it); undefined when there is none.
   */
  latestIssue(term: string, date: string): BillIssue | undefined {
    const list = this.#issuesByTerm.get(term) ?? [];
    // Binary search for the last issue with issueDate <= date.
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (list[middle]!.issueDate <= date) low = middle + 1;
      else high = middle;
    }
    for (let i = low - 1; i >= 0; i--) {
      const issue = list[i]!;
      if (issue.maturityDate > date) return issue;
      // Issues of one term run the same days give or take a holiday, so once a few of the latest
      // have matured, the earlier ones have too.
      if (low - i >= LOOKBACK_ISSUES_MAX) return undefined;
    }
    return undefined;
  }

  /**
   * The bill issued on or before `issuedBy` with the earliest maturity on or after
   * `maturityFrom` (ties by CUSIP); undefined when there is none.
   */
  nearestMaturity(maturityFrom: string, issuedBy: string): MasterSecurity | undefined {
    const list = this.#byMaturity;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (list[middle]!.maturityDate < maturityFrom) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < list.length; i++) {
      if (list[i]!.issueDate <= issuedBy) return list[i];
    }
    return undefined;
  }
}

/** The slots of the weekly schedule after REAL_ISSUES_THROUGH, in issue order. */
function scheduleSlots(realIssues: readonly BillIssue[]): { term: string; weeks: number; cycle: Cycle; nominalIssueDate: string }[] {
  // The 52-week cycle follows the last real 52-week bill issued before the schedule starts.
  const anchor52 = realIssues.findLast((issue) => issue.term === '52-Week' && issue.issueDate <= REAL_ISSUES_THROUGH);
  assert(anchor52 !== undefined, 'auctions.csv has no 52-week bill to align the schedule with');
  const anchorThursday = weekdayOnOrBefore(anchor52.issueDate, CYCLE_WEEKDAY.thursday);

  const slots: { term: string; weeks: number; cycle: Cycle; nominalIssueDate: string }[] = [];
  for (const entry of WEEKLY_SCHEDULE) {
    const first = addDays(weekdayOnOrBefore(REAL_ISSUES_THROUGH, CYCLE_WEEKDAY[entry.cycle]), 7);
    for (let date = first; date <= SYNTHETIC_ISSUE_DATE_MAX; date = addDays(date, 7)) {
      if (entry.everyWeeks > 1 && (daysBetween(anchorThursday, date) / 7) % entry.everyWeeks !== 0) continue;
      slots.push({ ...entry, nominalIssueDate: date });
    }
  }
  // Issue order, longer terms first on a day, so the order (and so the CUSIPs) never depends on
  // the table above.
  return slots.sort((a, b) =>
    a.nominalIssueDate < b.nominalIssueDate ? -1 : a.nominalIssueDate > b.nominalIssueDate ? 1 : b.weeks - a.weeks);
}
