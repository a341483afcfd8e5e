import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ISO_COUNTRY_CODES, isCountryCode } from './countries.ts';
import { ageInYears, normalisePhoneNumber, sandboxDecision } from './onboarding.domain.ts';

describe('onboarding domain', () => {
  test('age counts whole years; a 29 February birthday falls on 1 March in common years', () => {
    assert.equal(ageInYears('2000-06-15', '2018-06-14'), 17);
    assert.equal(ageInYears('2000-06-15', '2018-06-15'), 18);
    assert.equal(ageInYears('2000-02-29', '2018-02-28'), 17);
    assert.equal(ageInYears('2000-02-29', '2018-03-01'), 18);
    assert.equal(ageInYears('2000-02-29', '2020-02-29'), 20);
  });

  test('phone numbers: E.164 as is, US national forms to +1, the rest refused', () => {
    assert.equal(normalisePhoneNumber('+14155550123'), '+14155550123');
    assert.equal(normalisePhoneNumber('(415) 555-0123'), '+14155550123');
    assert.equal(normalisePhoneNumber('1-415-555-0123'), '+14155550123');
    assert.equal(normalisePhoneNumber('+33 1 23 45 67 89'), '+33123456789');
    for (const bad of ['', '123', '+0123456', '+1 015 555 0123', '555-0123', 'phone', '+1234567890123456']) {
      assert.equal(normalisePhoneNumber(bad), undefined, bad);
    }
  });

  test('the sandbox decision follows the last name, in any case', () => {
    assert.equal(sandboxDecision('Smith').status, 'APPROVED');
    assert.equal(sandboxDecision('Reject').status, 'REJECTED');
    assert.equal(sandboxDecision(' review ').status, 'MANUAL_REVIEW');
    assert.deepEqual(sandboxDecision('DOCUMENTS'), { status: 'DOCUMENTS_NEEDED', documentTypes: ['ID_FRONT', 'ID_BACK', 'SELFIE'] });
  });

  test('country codes are the 249 assigned alpha-2 codes, upper case', () => {
    assert.equal(ISO_COUNTRY_CODES.size, 249);
    assert.ok(isCountryCode('US') && isCountryCode('FR') && isCountryCode('SS'));
    for (const bad of ['us', 'USA', 'XX', 'UK', 'EU', '']) assert.equal(isCountryCode(bad), false, bad);
  });
});
