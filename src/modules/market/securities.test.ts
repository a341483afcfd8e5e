import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, daysBetween, weekday } from '../../platform/clock.ts';
import { MarketCalendar } from './calendar.ts';
import { isValidCusip } from './cusip.ts';
import { readAuctions, readClosures } from './market.data.ts';
import type { BillIssue } from './market.types.ts';
import { SecuritiesMaster, SYNTHETIC_ISSUE_DATE_MAX, WEEKLY_SCHEDULE } from './securities.ts';

const auctions = readAuctions();
const calendar = new MarketCalendar(readClosures());
const master = new SecuritiesMaster(auctions, calendar);
const realCusips = new Set(auctions.map((row) => row.cusip));
const syntheticIssues = master.all().flatMap((security) => security.issues.filter((issue) => issue.synthetic));

function issueOf(term: string, issueDate: string): BillIssue {
  const issue = master.all().flatMap((s) => s.issues).find((i) => i.term === term && i.issueDate === issueDate);
  assert.ok(issue, `no ${term} issued ${issueDate}`);
  return issue;
}

test('every real auction is kept, keyed by CUSIP, reopenings included', () => {
  const count = master.all().reduce((sum, security) => sum + security.issues.filter((i) => !i.synthetic).length, 0);
  assert.equal(count, auctions.length);
  const fh5 = master.get('912797FH5')!;
  assert.deepEqual(fh5.issues.map((i) => `${i.term} ${i.issueDate}`), [
    '52-Week 2023-05-18', '26-Week 2023-11-16', '13-Week 2024-02-15', '42-Day 2024-04-04',
  ]);
  assert.equal(fh5.term, '52-Week');
  assert.equal(fh5.issueDate, '2023-05-18');
  assert.equal(fh5.maturityDate, '2024-05-16');
  assert.equal(fh5.synthetic, false);
  assert.equal(fh5.issues[1]!.discountRate, '5.270');
});

test('synthetic CUSIPs: CUSIP format with a valid check digit, unique, never a CUSIP of the data', () => {
  const synthetic = master.all().filter((security) => security.synthetic);
  assert.ok(synthetic.length > 600, `${synthetic.length} synthetic bills`);
  for (const security of synthetic) {
    assert.match(security.cusip, /^912797[0-9A-Z]{2}[0-9]$/);
    assert.ok(isValidCusip(security.cusip), security.cusip);
    assert.ok(!realCusips.has(security.cusip), `${security.cusip} collides with a real CUSIP`);
  }
  const all = master.all().map((security) => security.cusip);
  assert.equal(new Set(all).size, all.length);
});

test('synthetic CUSIPs are the same on every build', () => {
  const again = new SecuritiesMaster(auctions, calendar);
  const key = (m: SecuritiesMaster) => m.all().map((s) => `${s.cusip} ${s.issues.map((i) => `${i.term}@${i.issueDate}`).join(',')}`);
  assert.deepEqual(key(again), key(master));
});

test('the schedule fills the gap after 2024-08-13 and runs past 2030', () => {
  assert.ok(master.horizon >= '2030-12-31' && master.horizon <= SYNTHETIC_ISSUE_DATE_MAX, master.horizon);
  assert.ok(syntheticIssues.every((issue) => issue.issueDate > '2024-08-13'));
  // No synthetic issue where January 2026 has the real auction...
  assert.equal(syntheticIssues.filter((i) => i.term === '13-Week' && i.issueDate === '2026-01-08').length, 0);
  // ...but one where January's data has none (the 4-week of 2026-01-06 was auctioned in December).
  assert.equal(issueOf('4-Week', '2026-01-06').synthetic, true);
  for (const entry of WEEKLY_SCHEDULE.filter((e) => e.everyWeeks === 1)) {
    const count = [...master.all()].flatMap((s) => s.issues).filter((i) => i.term === entry.term && i.issueDate > '2024-08-13' && i.issueDate <= '2030-12-31').length;
    // Weekly from mid-August 2024 through 2030: 333 or 334 issues per term.
    assert.ok(count >= 333 && count <= 334, `${entry.term}: ${count}`);
  }
});

test('4-, 8- and 17-week bills are issued on Tuesdays, the others on Thursdays (or the next business day)', () => {
  for (const issue of syntheticIssues) {
    const entry = WEEKLY_SCHEDULE.find((e) => e.term === issue.term);
    assert.ok(entry, issue.term);
    const day = entry.cycle === 'tuesday' ? 2 : 4;
    const scheduled = addDays(issue.issueDate, -((weekday(issue.issueDate) - day + 7) % 7));
    assert.equal(calendar.onOrAfter(scheduled), issue.issueDate, `${issue.term} ${issue.issueDate}`);
    assert.equal(calendar.onOrAfter(addDays(scheduled, entry.weeks * 7)), issue.maturityDate, `${issue.term} ${issue.issueDate} maturity`);
    assert.ok(calendar.isBusinessDay(issue.issueDate) && calendar.isBusinessDay(issue.maturityDate));
  }
  // Thanksgiving 2024: the Thursday bills are issued on Friday, and run a day short.
  const thanksgiving = issueOf('13-Week', '2024-11-29');
  assert.equal(thanksgiving.days, 90);
  assert.equal(issueOf('26-Week', '2024-11-29').days, 181);
  // Veterans Day 2025 fell on a Tuesday: the Tuesday bills are issued Wednesday, 27-day 4-week.
  assert.equal(issueOf('4-Week', '2025-11-12').days, 27);
});

test('a synthetic 13-week bill reopens the 26-week bill issued 13 weeks earlier', () => {
  const thirteen = issueOf('13-Week', '2025-03-06');
  const security = master.get(thirteen.cusip)!;
  assert.equal(security.synthetic, true);
  assert.equal(security.term, '26-Week');
  assert.equal(security.issueDate, '2024-12-05');
  assert.deepEqual(security.issues.map((i) => `${i.term} ${i.issueDate}`), ['26-Week 2024-12-05', '13-Week 2025-03-06', '6-Week 2025-04-24']);
  // The 4- and 8-week bills reopen the 17-week one.
  const seventeen = master.get(issueOf('17-Week', '2025-03-04').cusip)!;
  assert.deepEqual(seventeen.issues.map((i) => i.term), ['17-Week', '8-Week', '4-Week']);
});

test('schedule reopenings reuse real CUSIPs on both sides of the gap', () => {
  // The real 52-week 912797MG9 (issued 2024-08-08) is reopened by the 26-week of 2025-02-06.
  assert.equal(issueOf('26-Week', '2025-02-06').cusip, '912797MG9');
  // The real 13-week 912797SL2 of January 2026 was first issued as the 26-week of 2025-10-09.
  const sl2 = master.get('912797SL2')!;
  assert.equal(sl2.term, '26-Week');
  assert.equal(sl2.issueDate, '2025-10-09');
  assert.equal(sl2.synthetic, false);
});

test('52-week bills every fourth Thursday, on the cycle of the real ones', () => {
  const fiftyTwo = master.all().flatMap((s) => s.issues).filter((i) => i.term === '52-Week' && i.issueDate > '2024-08-08');
  for (const issue of fiftyTwo) {
    const scheduled = addDays(issue.issueDate, -((weekday(issue.issueDate) - 4 + 7) % 7));
    assert.equal(daysBetween('2024-08-08', scheduled) % 28, 0, issue.issueDate);
  }
  const january = fiftyTwo.filter((i) => i.issueDate >= '2026-01-01' && i.issueDate <= '2026-02-28');
  assert.deepEqual(january.map((i) => `${i.cusip} ${i.issueDate} ${i.synthetic}`), [
    '912797TM9 2026-01-22 false',
    `${january[1]?.cusip} 2026-02-19 true`,
  ]);
});

/**
 * Real bills Treasury paid on a day the market was closed for trading: the 2-day cash management
 * bill auctioned on 2004-06-08, after the day of mourning for President Reagan had been declared,
 * matured on it (the Fed settled; the market did not trade). The engine pays such a maturity on
 * the next business day.
 */
const REAL_ISSUES_ON_CLOSED_DAYS = new Set(['912795QQ7 2004-06-09 2004-06-11']);

test('every bill, real and synthetic, is issued and matures on a business day', () => {
  const offences: string[] = [];
  let checked = 0;
  for (const security of master.all()) {
    for (const issue of security.issues) {
      checked++;
      const open = calendar.isBusinessDay(issue.issueDate) && calendar.isBusinessDay(issue.maturityDate);
      const key = `${issue.cusip} ${issue.issueDate} ${issue.maturityDate}`;
      if (!open && (issue.synthetic || !REAL_ISSUES_ON_CLOSED_DAYS.has(key))) offences.push(`${key}${issue.synthetic ? ' synthetic' : ''}`);
    }
  }
  assert.deepEqual(offences, []);
  assert.equal(checked, master.all().reduce((sum, security) => sum + security.issues.length, 0));
  assert.ok(checked > auctions.length + 2_000, `${checked} issues`);
});

test('beyond the holiday list the schedule steps over holidays: 4 July 2028, Christmas 2029', () => {
  const issues = master.all().flatMap((security) => security.issues);
  for (const day of ['2028-07-04', '2029-12-25', '2030-04-19', '2031-11-27']) {
    assert.deepEqual(issues.filter((issue) => issue.issueDate === day || issue.maturityDate === day).map((issue) => issue.cusip), [], day);
  }
  // The Tuesday bills of those weeks are issued on Wednesday and run a day short (tbill-math.md 7).
  assert.equal(issueOf('4-Week', '2028-07-05').days, 27);
  assert.equal(issueOf('17-Week', '2029-12-26').days, 118);
  // Thanksgiving 2031: the Thursday bills are issued on Friday.
  assert.equal(issueOf('13-Week', '2031-11-28').days, 90);
});
