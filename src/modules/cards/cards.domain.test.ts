import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decryptPin, encryptPin, loadCardKeys, panFingerprint, seal, unseal } from './cards.crypto.ts';
import { expiryOf, isLuhnValid, luhnCheckDigit, panOf, printedExpiry, statusChangeRefusal } from './cards.domain.ts';

test('Luhn: the check digits of known numbers', () => {
  assert.equal(luhnCheckDigit('7992739871'), '3');
  assert.ok(isLuhnValid('79927398713'));
  assert.ok(isLuhnValid('4242424242424242'));
  assert.ok(!isLuhnValid('4242424242424241'));
  assert.ok(!isLuhnValid('4242424'), 'too short for a PAN');
  const pan = panOf('123456789');
  assert.match(pan, /^400000123456789\d$/);
  assert.ok(isLuhnValid(pan));
  assert.throws(() => panOf('12345'), RangeError);
});

test('expiry: the last day of the month four years after the month of issue', () => {
  assert.deepEqual(expiryOf('2024-03-04'), { expiresOn: '2028-03-31', month: 3, year: 2028 });
  assert.equal(expiryOf('2024-12-31').expiresOn, '2028-12-31');
  assert.equal(expiryOf('2024-02-29').expiresOn, '2028-02-29', 'a leap February');
  assert.equal(expiryOf('2025-02-10').expiresOn, '2029-02-28');
  assert.equal(printedExpiry('2028-03-31'), '03/28');
});

test('status changes: CLOSED final, FROZEN the issuer\'s, activation needs the PIN and the card received', () => {
  assert.equal(statusChangeRefusal({ status: 'CLOSED', pinSet: true }, 'OPEN', true), 'closed');
  assert.equal(statusChangeRefusal({ status: 'FROZEN', pinSet: true }, 'OPEN', true), 'frozen');
  assert.equal(statusChangeRefusal({ status: 'NOT_ACTIVATED', pinSet: true }, 'LOCKED', true), 'not_activated');
  assert.equal(statusChangeRefusal({ status: 'NOT_ACTIVATED', pinSet: false }, 'OPEN', true), 'pin_not_set');
  assert.equal(statusChangeRefusal({ status: 'NOT_ACTIVATED', pinSet: true }, 'OPEN', false), 'not_received');
  assert.equal(statusChangeRefusal({ status: 'NOT_ACTIVATED', pinSet: true }, 'OPEN', true), undefined);
  assert.equal(statusChangeRefusal({ status: 'OPEN', pinSet: false }, 'LOCKED', false), undefined);
  assert.equal(statusChangeRefusal({ status: 'LOCKED', pinSet: false }, 'OPEN', false), undefined);
});

test('card data at rest: sealed per card and field, tampering detected; PINs only encrypted', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = (await loadCardKeys({ dataKey: randomBytes(32), pinPrivateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), keyFile: undefined }))!;
  const sealed = seal(keys, 'card-1:pan', '4000001234567899');
  assert.ok(!sealed.includes('4000001234567899'));
  assert.equal(unseal(keys, 'card-1:pan', sealed), '4000001234567899');
  assert.throws(() => unseal(keys, 'card-2:pan', sealed), 'bound to its card');
  const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
  assert.throws(() => unseal(keys, 'card-1:pan', flipped), 'tampering is detected');
  assert.equal(panFingerprint(keys, '4000001234567899'), panFingerprint(keys, '4000001234567899'));
  assert.notEqual(panFingerprint(keys, '4000001234567899'), panFingerprint(keys, '4000001234567881'));

  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.equal(decryptPin(keys, encryptPin(pem, '0042')), '0042');
  assert.throws(() => decryptPin(keys, '0042'), { code: 'cards.pin_not_encrypted' });
  assert.throws(() => decryptPin(keys, Buffer.alloc(256, 1).toString('base64')), { code: 'cards.pin_not_encrypted' });
  assert.throws(() => encryptPin(pem, '12345'), RangeError);
  assert.equal(await loadCardKeys({ dataKey: undefined, pinPrivateKeyPem: undefined, keyFile: undefined }), undefined, 'production without keys has none');
});
