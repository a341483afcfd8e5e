import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cusipCheckDigit, isValidCusip, withCheckDigit } from './cusip.ts';
import { readAuctions } from './market.data.ts';

test('the check digit of every CUSIP in auctions.csv validates', () => {
  const cusips = new Set(readAuctions().map((row) => row.cusip));
  assert.ok(cusips.size > 1_800, `only ${cusips.size} CUSIPs read`);
  const invalid = [...cusips].filter((cusip) => !isValidCusip(cusip));
  assert.deepEqual(invalid, []);
});

test('check digits of known bills; double-add-double on letters', () => {
  assert.equal(cusipCheckDigit('912797HU'), 4);
  assert.equal(cusipCheckDigit('912796ZN'), 2);
  assert.equal(withCheckDigit('912797KT'), '912797KT3');
  assert.equal(isValidCusip('912797KT3'), true);
  assert.equal(isValidCusip('912797KT4'), false);
  assert.equal(isValidCusip('912797KT'), false);
  assert.equal(isValidCusip('912797kt3'), false);
  assert.throws(() => cusipCheckDigit('912797K'), /8 characters/);
});
