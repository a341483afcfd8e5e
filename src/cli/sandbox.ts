/**
 * The sandbox from a terminal: the tenant's test clock, simulated ACH funding and test webhook
 * events, through the sandbox endpoints of a running server (Jiko's `/api/v1/sandbox/fund/` and
 * `/api/v1/sandbox/webhook/`, pocketbook's `/api/v1/sandbox/clock/`).
 * Each prints one line for a person, or the server's JSON with `--json`.
 */
import { formatUsd, money } from '../money/index.ts';
import { dollarsToCents } from './amount.ts';
import { UsageError } from './errors.ts';
import type { PocketbookApi } from './http.ts';

/** What a sandbox command prints to. */
export interface Output {
  line(text: string): void;
}

/** The server's Clock object. */
interface ClockJson {
  readonly now: string;
  readonly business_date: string;
}

/** An instant with a time zone, e.g. 2024-03-01T15:00:00Z (the server says the rest). */
function instant(text: string, flag: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(text)) {
    throw new UsageError(`${flag} "${text}" is not an instant: write it like 2024-03-01T15:00:00Z (ISO 8601 with a time zone)`);
  }
  return text;
}

function printClock(out: Output, clock: ClockJson, json: boolean): void {
  out.line(json ? JSON.stringify(clock) : `${clock.now}  business date ${clock.business_date}`);
}

/** `pocketbook clock get`: GET /api/v1/sandbox/clock/. */
export async function clockGet(api: PocketbookApi, out: Output, json: boolean): Promise<void> {
  printClock(out, (await api.call('GET', '/api/v1/sandbox/clock/')).body as ClockJson, json);
}

/**
 * `pocketbook clock set <instant>`: POST /api/v1/sandbox/clock/ (any instant the market data
 * covers while the tenant has no customers, then forward only: the server says so).
 * @throws UsageError when `at` is not an ISO 8601 instant with a time zone.
 */
export async function clockSet(api: PocketbookApi, out: Output, at: string, json: boolean): Promise<void> {
  printClock(out, (await api.call('POST', '/api/v1/sandbox/clock/', { now: instant(at, 'instant') })).body as ClockJson, json);
}

/**
 * `pocketbook clock advance <days>` or `--to <instant>`: POST /api/v1/sandbox/clock/advance/,
 * which runs the due work on the way (maturities, investing, end-of-day values).
 * @throws UsageError for neither or both, days that are not a positive whole number, a bad instant.
 */
export async function clockAdvance(api: PocketbookApi, out: Output, days: string | undefined, to: string | undefined, json: boolean): Promise<void> {
  if ((days === undefined) === (to === undefined)) throw new UsageError('give a number of days or --to <instant>, not both');
  let body: { days: number } | { to: string };
  if (days !== undefined) {
    if (!/^[1-9]\d{0,5}$/.test(days)) throw new UsageError(`days "${days}" must be a whole number of days, 1 or more`);
    body = { days: Number(days) };
  } else {
    body = { to: instant(to!, '--to') };
  }
  printClock(out, (await api.call('POST', '/api/v1/sandbox/clock/advance/', body)).body as ClockJson, json);
}

/**
 * `pocketbook fund <pocket> <amount>`: POST /api/v1/sandbox/fund/ (Jiko's FundPortalRequest),
 * `count` simulated inbound ACH credits of `amount` dollars each, converted to cents exactly.
 * @throws UsageError for an amount that is not dollars and cents (see dollarsToCents) or a bad count.
 */
export async function fund(api: PocketbookApi, out: Output, pocketId: string, amount: string, options: { count?: string; companyName?: string; json: boolean }): Promise<void> {
  const cents = dollarsToCents(amount);
  const count = options.count ?? '1';
  if (!/^[1-9]\d{0,3}$/.test(count)) throw new UsageError(`--count "${count}" must be a whole number, 1 or more`);
  const body = {
    account_id: pocketId,
    // Cents as a JSON number, through the one conversion that checks it is exact.
    amount_usdc: money(cents).value,
    count: Number(count),
    ...(options.companyName !== undefined ? { company_name: options.companyName } : {}),
  };
  const answer = await api.call('POST', '/api/v1/sandbox/fund/', body);
  if (options.json) {
    out.line(JSON.stringify({ status: answer.status, ...body }));
    return;
  }
  const credits = count === '1' ? `1 ACH credit of ${formatUsd(cents)}` : `${count} ACH credits of ${formatUsd(cents)}`;
  out.line(`funded pocket ${pocketId}: ${credits} (${body.amount_usdc} cents each), settled at once`);
}

/**
 * `pocketbook events trigger <type>`: POST /api/v1/sandbox/webhook/, an event of that type with
 * `payload` (a JSON object, `{}` by default), delivered to every subscription that lists the type.
 * @throws UsageError when the payload is not a JSON object.
 */
export async function triggerEvent(api: PocketbookApi, out: Output, eventType: string, options: { payload?: string; json: boolean }): Promise<void> {
  let payload: unknown = {};
  if (options.payload !== undefined) {
    try {
      payload = JSON.parse(options.payload);
    } catch {
      throw new UsageError(`--payload is not JSON: ${options.payload}`);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new UsageError('--payload must be a JSON object, e.g. {"application_id":"..."}');
  }
  const answer = (await api.call('POST', '/api/v1/sandbox/webhook/', { event_type: eventType, payload })).body as { event_id: string; count: number };
  if (options.json) {
    out.line(JSON.stringify(answer));
    return;
  }
  out.line(`triggered ${eventType}: event ${answer.event_id}, ${answer.count} ${answer.count === 1 ? 'delivery' : 'deliveries'} scheduled`);
}
