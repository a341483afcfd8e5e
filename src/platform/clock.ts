/**
 * Time. The wall clock is the only place that reads the machine's time; everything else takes an
 * instant from a tenant clock (wall time plus the tenant's offset, set through the sandbox clock).
 */

/** Source of real time; tests may pass a fixed or manual one. */
export interface WallClock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: WallClock = {
  now: () => new Date(Date.now()),
};

/** A wall clock that stands still until moved; for tests. */
export class ManualClock implements WallClock {
  #ms: number;
  constructor(start: Date) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(instant: Date): void {
    this.#ms = instant.getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Tenant time: wall time shifted by the tenant's clock offset in milliseconds. */
export function tenantNow(wall: WallClock, offsetMs: bigint | number): Date {
  return new Date(wall.now().getTime() + Number(offsetMs));
}

/** The time zone of the US bond market, in which business dates are counted. */
export const MARKET_TIME_ZONE = 'America/New_York';

const dateInZone = new Intl.DateTimeFormat('en-CA', {
  timeZone: MARKET_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * New York's dates by UTC hour. Since 1970 (the zone's rules: IANA tz database, America/New_York)
 * its offset from UTC is a whole number of hours and changes on the hour, so all instants of one
 * UTC hour share one New York date. Intl's format costs tens of microseconds; a transfer asks
 * several times.
 */
const marketDateByHour = new Map<number, string>();
const MARKET_DATES_KEPT_MAX = 512;
const HOUR_MS = 3_600_000;

/** The calendar date (YYYY-MM-DD) of `instant` in New York. */
export function marketDate(instant: Date): string {
  const ms = instant.getTime();
  if (!(ms >= 0)) return dateInZone.format(instant);
  const hour = Math.floor(ms / HOUR_MS);
  let date = marketDateByHour.get(hour);
  if (date === undefined) {
    date = dateInZone.format(instant);
    if (marketDateByHour.size >= MARKET_DATES_KEPT_MAX) marketDateByHour.clear();
    marketDateByHour.set(hour, date);
  }
  return date;
}

/** A calendar date YYYY-MM-DD plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Day of week of a YYYY-MM-DD date: 0 Sunday .. 6 Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Days of each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for a real calendar date written YYYY-MM-DD (proleptic Gregorian calendar). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!);
}

/** New York date and hour of an instant (one formatter for the process: building one is costly). */
const MARKET_HOUR_FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: MARKET_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
});

/**
 * The instant at which the New York calendar date `date` begins, plus `hours` hours of New York
 * time (e.g. 16 for the 4 pm close). Handles daylight saving by probing the zone's offset.
 */
export function marketInstant(date: string, hours = 0): Date {
  const key = `${date} ${hours}`;
  let ms = marketInstantMs.get(key);
  if (ms === undefined) {
    ms = probeMarketInstant(date, hours).getTime();
    if (marketInstantMs.size >= MARKET_DATES_KEPT_MAX) marketInstantMs.clear();
    marketInstantMs.set(key, ms);
  }
  return new Date(ms);
}

/**
 * marketInstant's answers by date and hours: the scheduler asks for every task of every business
 * day it looks at, and each probe formats up to two instants with Intl.
 */
const marketInstantMs = new Map<string, number>();

function probeMarketInstant(date: string, hours: number): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + hours * 3_600_000;
  // New York is UTC-5 or UTC-4; find the offset that maps back to the wanted local time.
  for (const offsetHours of [5, 4]) {
    const candidate = new Date(guess + offsetHours * 3_600_000);
    const local = MARKET_HOUR_FORMAT.formatToParts(candidate);
    const part = (type: string) => local.find((p) => p.type === type)?.value;
    const localDate = `${part('year')}-${part('month')}-${part('day')}`;
    if (localDate === addDays(date, Math.floor(hours / 24)) && Number(part('hour')) === hours % 24) return candidate;
  }
  return new Date(guess + 5 * 3_600_000);
}
