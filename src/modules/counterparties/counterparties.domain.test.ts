import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  IBAN_LENGTHS,
  bicProblem,
  ibanMod97,
  ibanProblem,
  linkStatus,
  microDepositAmounts,
  microDepositsMatch,
  movementProblem,
  nameOnAccount,
  normalizeIban,
  routingNumberProblem,
} from './counterparties.domain.ts';

describe('ABA routing numbers', () => {
  test('published routing numbers pass the check digit', () => {
    // JPMorgan Chase (New York), the Federal Reserve Bank of Boston, Bank of America (California).
    for (const rtn of ['021000021', '011000015', '121000358']) assert.equal(routingNumberProblem(rtn), undefined, rtn);
  });

  test('a wrong check digit or shape is named', () => {
    assert.equal(routingNumberProblem('021000022'), 'routing number fails the ABA check digit');
    assert.equal(routingNumberProblem('02100002'), 'routing number must be 9 digits');
    assert.equal(routingNumberProblem('02100002A'), 'routing number must be 9 digits');
  });
});

describe('IBANs (ISO 13616)', () => {
  test('published example IBANs pass', () => {
    // The standard's and the national banks' examples (UK, Germany, France, Netherlands, Belgium, Norway).
    for (const iban of ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'NO9386011117947']) {
      assert.equal(ibanProblem(iban), undefined, iban);
      assert.equal(ibanMod97(iban), 1, iban);
      assert.equal(iban.length, IBAN_LENGTHS[iban.slice(0, 2)]);
    }
  });

  test('the printed form is normalized', () => {
    assert.equal(normalizeIban('gb82 west 1234 5698 7654 32'), 'GB82WEST12345698765432');
  });

  test('a changed digit, a wrong length or a country without IBANs is refused', () => {
    assert.equal(ibanProblem('GB82WEST12345698765433'), 'IBAN fails the ISO 13616 check digits');
    assert.equal(ibanProblem('GB28WEST12345698765432'), 'IBAN fails the ISO 13616 check digits');
    assert.equal(ibanProblem('GB82WEST1234569876543'), 'an IBAN of GB has 22 characters');
    assert.equal(ibanProblem('US64SVBKUS6S3300958879'), 'US does not issue IBANs');
    assert.match(ibanProblem('GB82-WEST')!, /country code, two check digits/);
  });
});

describe('BICs (ISO 9362)', () => {
  test('eight- and eleven-character BICs pass', () => {
    for (const bic of ['DEUTDEFF', 'DEUTDEFF500', 'NEDSZAJJXXX', 'BANYBRRJ', 'CHASUS33']) assert.equal(bicProblem(bic), undefined, bic);
  });

  test('a wrong shape or a country that does not exist is refused', () => {
    assert.match(bicProblem('DEUT1EFF')!, /4 letters/);
    assert.match(bicProblem('DEUTDEF')!, /4 letters/);
    assert.match(bicProblem('DEUTDEFF50')!, /4 letters/);
    assert.equal(bicProblem('DEUTXXFF'), 'BIC country XX is not an ISO 3166 country');
  });
});

describe('verification', () => {
  test('micro-deposit amounts are two credits under $1', () => {
    for (let i = 0; i < 200; i++) {
      for (const cents of microDepositAmounts()) assert.ok(cents >= 1n && cents <= 99n, String(cents));
    }
  });

  test('confirmed amounts match in either order, and only the ones sent', () => {
    assert.ok(microDepositsMatch([12n, 34n], [34n, 12n]));
    assert.ok(microDepositsMatch([7n, 7n], [7n, 7n]));
    assert.ok(!microDepositsMatch([12n, 34n], [12n, 35n]));
    assert.ok(!microDepositsMatch([12n, 12n], [12n, 34n]));
  });

  test('link status follows the verification', () => {
    assert.equal(linkStatus('IN_PROGRESS'), 'PENDING');
    assert.equal(linkStatus('VERIFIED'), 'LINKED');
    assert.equal(linkStatus('FAILED'), 'UNLINKED');
  });

  test('the name on the account', () => {
    assert.equal(nameOnAccount({ type: 'business', business_name: 'Hopper Ledger Corp.' }), 'Hopper Ledger Corp.');
    assert.equal(nameOnAccount({ type: 'individual', first_name: 'Ada', last_name: 'Lovelace' }), 'Ada Lovelace');
  });
});

describe('which counterparties money may move with', () => {
  test('a LINKED counterparty on its own rail', () => {
    assert.equal(movementProblem({ type: 'ach', status: 'LINKED' }, 'ach'), undefined);
    assert.equal(movementProblem({ type: 'wire', status: 'LINKED' }, 'wire'), undefined);
    assert.equal(movementProblem({ type: 'international_wire', status: 'LINKED' }, 'wire'), undefined);
  });

  test('not before it is linked, never after it is unlinked, and not on another rail', () => {
    assert.match(movementProblem({ type: 'ach', status: 'PENDING' }, 'ach')!, /PENDING/);
    assert.match(movementProblem({ type: 'ach', status: 'UNLINKED' }, 'ach')!, /UNLINKED/);
    assert.match(movementProblem({ type: 'ach', status: 'LINKED' }, 'wire')!, /cannot be paid by wire/);
    assert.match(movementProblem({ type: 'on_us', status: 'LINKED' }, 'ach')!, /cannot be paid by ach/);
  });
});
