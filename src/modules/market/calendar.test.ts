import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, weekday } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import { CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE, MarketCalendar, easterSunday } from './calendar.ts';
import { readClosures, readFredRates, readHolidays } from './market.data.ts';

const closures = readClosures();
const calendar = new MarketCalendar(closures);

function* weekdays(from: string, through: string): Generator<string> {
  for (let day = from; day <= through; day = addDays(day, 1)) {
    if (weekday(day) !== 0 && weekday(day) !== 6) yield day;
  }
}

test('rules plus closures.csv reproduce every settlement closure of holidays.csv (2023-2027), and no other', () => {
  const rows = new Map(readHolidays().map((row) => [row.date, row]));
  let closed = 0;
  for (const day of weekdays('2023-01-01', '2027-12-31')) {
    const row = rows.get(day);
    const expected = row !== undefined && !row.bondSettlementDay;
    assert.equal(calendar.isBusinessDay(day), !expected, `${day} ${row?.name ?? 'ordinary weekday'}`);
    if (!expected) continue;
    closed++;
    // The rule's name is the statute's; holidays.csv sometimes adds the common one.
    const name = calendar.closureName(day)!;
    assert.ok(row.name.includes(name), `${day}: "${name}" vs "${row.name}"`);
  }
  // Every N row was met, so each is a weekday of those years.
  assert.equal(closed, [...rows.values()].filter((row) => !row.bondSettlementDay).length);
});

test('1990 to 2026: a weekday without a published bill rate (FRED H.15) is closed; a closed day has none but some Good Fridays', () => {
  const rates = new Map(readFredRates().map((row) => [row.date, row.dtb3 ?? row.dtb4wk ?? row.dtb1yr]));
  const last = readFredRates().at(-1)!.date;
  const goodFridaysWithRates: string[] = [];
  for (const day of weekdays(CALENDAR_FIRST_DATE, last)) {
    assert.ok(rates.has(day), `FRED has no row for ${day}`);
    const quoted = rates.get(day) !== undefined;
    if (!quoted) assert.equal(calendar.isBusinessDay(day), false, `${day} had no rate but is a business day`);
    else if (!calendar.isBusinessDay(day)) goodFridaysWithRates.push(`${day} ${calendar.closureName(day)}`);
  }
  // The market traded until noon on these Good Fridays (a jobs report), with no settlement.
  assert.ok(goodFridaysWithRates.length > 0 && goodFridaysWithRates.every((entry) => entry.endsWith(' Good Friday')), goodFridaysWithRates.join(', '));
  assert.ok(goodFridaysWithRates.includes('2023-04-07 Good Friday'));
});

test('holidays beyond the holiday list are closed by rule', () => {
  for (const [day, name] of [
    ['2028-07-04', 'Independence Day'],
    ['2029-12-25', 'Christmas Day'],
    ['2030-04-19', 'Good Friday'],
    ['2028-01-17', 'Birthday of Martin Luther King, Jr.'],
    ['2028-10-09', 'Columbus Day'],
    ['2029-11-12', 'Veterans Day (observed)'],
    ['2032-07-05', 'Independence Day (observed)'],
    ['2032-12-24', 'Christmas Day (observed)'],
    ['2033-06-20', 'Juneteenth National Independence Day (observed)'],
    ['2032-06-18', 'Juneteenth National Independence Day (observed)'],
    ['2037-06-19', 'Juneteenth National Independence Day'],
    ['2100-11-25', 'Thanksgiving Day'],
    ['2100-12-24', 'Christmas Day (observed)'],
  ] as const) {
    assert.equal(calendar.isBusinessDay(day), false, day);
    assert.equal(calendar.closureName(day), name, day);
  }
  // A Saturday New Year's Day or Veterans Day closes nothing; Juneteenth before 2022 is no closure.
  for (const day of ['2032-12-31', '2028-11-10', '2021-06-18', '2034-11-10', '2038-12-31']) assert.equal(calendar.isBusinessDay(day), true, day);
});

test('the 1990s: holidays by rule, and the one-off closure for Nixon', () => {
  assert.equal(calendar.closureName('1990-01-15'), 'Birthday of Martin Luther King, Jr.');
  assert.equal(calendar.closureName('1992-07-03'), 'Independence Day (observed)');
  assert.equal(calendar.closureName('1997-03-28'), 'Good Friday');
  assert.equal(calendar.closureName('1999-12-24'), 'Christmas Day (observed)');
  assert.equal(calendar.closureName('1994-04-27'), 'National Day of Mourning for former President Richard Nixon');
  assert.equal(calendar.closureName('1995-01-02'), "New Year's Day (observed)");
  assert.equal(calendar.isBusinessDay('1993-12-31'), true, "New Year's Day 1994 was a Saturday");
  assert.equal(calendar.isBusinessDay('1995-11-10'), true, 'Veterans Day 1995 was a Saturday');
});

test('one-off closures: those of closures.csv only; days of mourning with an early close stay open', () => {
  assert.deepEqual(closures.map((row) => row.date), ['1994-04-27', '2001-09-11', '2001-09-12', '2004-06-11', '2012-10-30', '2018-12-05']);
  for (const row of closures) {
    assert.equal(calendar.closureName(row.date), row.name);
    assert.equal(new MarketCalendar([]).isBusinessDay(row.date), true, `${row.date} is closed by no rule`);
  }
  // Ford (2007-01-02) and Carter (2025-01-09): SIFMA 2 pm close; the market reopened on 2001-09-13.
  for (const day of ['2007-01-02', '2025-01-09', '2001-09-13', '2012-10-29']) assert.equal(calendar.isBusinessDay(day), true, day);
  assert.throws(() => new MarketCalendar([{ date: '2024-11-28', name: 'twice' }]), /already closed by rule/);
  assert.throws(() => new MarketCalendar([{ date: '2024-11-30', name: 'Saturday' }]), /weekend/);
});

test('Easter Sunday by the anonymous Gregorian algorithm', () => {
  // Earliest and latest possible dates (22 March, 25 April) and ordinary years.
  for (const [year, date] of [[1818, '1818-03-22'], [2285, '2285-03-22'], [1943, '1943-04-25'], [2038, '2038-04-25'],
    [2000, '2000-04-23'], [2019, '2019-04-21'], [2024, '2024-03-31'], [2030, '2030-04-21']] as const) {
    assert.equal(easterSunday(year), date, String(year));
  }
});

test('the calendar covers 1990-01-01 to 2100-12-31; outside is a DomainError', () => {
  const outside = (error: unknown) => error instanceof DomainError && error.code === 'market.outside_calendar';
  assert.equal(calendar.isBusinessDay(CALENDAR_FIRST_DATE), false, "New Year's Day 1990");
  assert.equal(calendar.isBusinessDay('1990-01-02'), true);
  assert.equal(calendar.isBusinessDay(CALENDAR_LAST_DATE), true);
  assert.throws(() => calendar.isBusinessDay('1989-12-29'), outside);
  assert.throws(() => calendar.isBusinessDay('2101-01-03'), outside);
  assert.throws(() => calendar.onOrBefore('1990-01-01'), outside);
  assert.throws(() => calendar.nextBusinessDay('2100-12-31'), outside);
  assert.throws(() => calendar.isBusinessDay('2024-02-30'), /not a date/);
});

test('stepping over closures', () => {
  assert.equal(calendar.nextBusinessDay('2024-11-27'), '2024-11-29');
  assert.equal(calendar.previousBusinessDay('2024-12-02'), '2024-11-29');
  assert.equal(calendar.onOrBefore('2024-11-30'), '2024-11-29');
  assert.equal(calendar.onOrBefore('2024-11-29'), '2024-11-29');
  assert.equal(calendar.onOrAfter('2024-11-28'), '2024-11-29');
  assert.equal(calendar.onOrAfter('2026-04-03'), '2026-04-06');
  assert.equal(calendar.previousBusinessDay('2026-04-06'), '2026-04-02');
  assert.equal(calendar.onOrBefore('2024-12-25'), '2024-12-24');
  assert.equal(calendar.onOrAfter('2001-09-11'), '2001-09-13');
  assert.equal(calendar.onOrAfter('2028-07-04'), '2028-07-05');
  assert.equal(calendar.businessDaysBetween('2024-11-27', '2024-12-02'), 2);
  assert.throws(() => calendar.onOrAfter('2024-02-30'), /not a date/);
});
