/**
 * The cards' cryptography, all with Node's crypto (docs/CARDS.md "Keys and formats"):
 * - card data at rest: AES-256-GCM under the card data key, the card id and field name bound as
 *   additional data (a ciphertext cannot be moved to another card or field);
 * - PAN fingerprints: HMAC-SHA-256 under a key derived from the data key (HKDF-SHA-256);
 * - card details for a client: RSA-OAEP with SHA-256 under the client's single-use public key;
 * - PINs from a client: RSA-OAEP with SHA-256 under the `set_pin` key pair, whose public half
 *   GET /api/v1/public-keys serves.
 * The sandbox's keys are generated once per data folder into a key file; production takes them from
 * the configuration. Plaintext card data never leaves this module's callers but encrypted.
 */
import { constants, createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, generateKeyPair, hkdfSync, type KeyObject, privateDecrypt, publicEncrypt, randomBytes, randomInt } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { CARD_PIN_LENGTH } from './cards.domain.ts';
import { CardErrors } from './cards.errors.ts';

/** Bytes of the AES-256 card data key. */
export const CARD_DATA_KEY_BYTES = 32;
/** Modulus of the sandbox's generated `set_pin` RSA key, in bits. */
export const PIN_KEY_BITS = 3072;
/** Smallest and largest RSA modulus accepted for a client's public key, in bits (Jiko asks for 4096). */
export const CLIENT_KEY_BITS_MIN = 2048;
export const CLIENT_KEY_BITS_MAX = 8192;
const ENVELOPE_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where the card keys come from (Config.cards). */
export interface CardKeySource {
  /** The AES-256 data key (32 bytes), when configured. */
  readonly dataKey: Buffer | undefined;
  /** The `set_pin` RSA private key in PEM (PKCS#8 or PKCS#1), when configured. */
  readonly pinPrivateKeyPem: string | undefined;
  /** The sandbox's key file, generated on first use, when keys are not configured; undefined: none (production). */
  readonly keyFile: string | undefined;
}

/** The keys the cards module works with. */
export interface CardKeys {
  readonly dataKey: Buffer;
  readonly fingerprintKey: Buffer;
  readonly pinPrivateKey: KeyObject;
  /** The `set_pin` public key, SPKI PEM, as GET /api/v1/public-keys serves it. */
  readonly pinPublicKeyPem: string;
}

function keysOf(dataKey: Buffer, pinPrivateKeyPem: string): CardKeys {
  if (dataKey.length !== CARD_DATA_KEY_BYTES) throw new Error(`the card data key must be ${CARD_DATA_KEY_BYTES} bytes`);
  const pinPrivateKey = createPrivateKey(pinPrivateKeyPem);
  if (pinPrivateKey.asymmetricKeyType !== 'rsa') throw new Error('the set_pin key must be an RSA key');
  const pinPublicKeyPem = createPublicKey(pinPrivateKey).export({ type: 'spki', format: 'pem' }).toString();
  const fingerprintKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'pocketbook card PAN fingerprint v1', 32));
  return { dataKey, fingerprintKey, pinPrivateKey, pinPublicKeyPem };
}

/** The key file's JSON. */
interface KeyFile {
  readonly version: 1;
  readonly data_key: string;
  readonly set_pin_private_key: string;
}

/**
 * Reads the sandbox key file, or generates it (a random data key and a fresh RSA key pair),
 * written owner-only and atomically: a concurrent process that wins the race is read instead.
 */
async function sandboxKeyFile(path: string): Promise<KeyFile> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: PIN_KEY_BITS });
  const file: KeyFile = {
    version: 1,
    data_key: randomBytes(CARD_DATA_KEY_BYTES).toString('base64'),
    set_pin_private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  await mkdir(dirname(path), { recursive: true });
  const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(staged, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
  try {
    await link(staged, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(staged);
  }
  return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
}

/**
 * The card keys of `source`: the configured ones, else the sandbox key file's, else undefined
 * (production without keys: card endpoints answer 503 `cards.keys_not_configured`).
 */
export async function loadCardKeys(source: CardKeySource): Promise<CardKeys | undefined> {
  if (source.dataKey && source.pinPrivateKeyPem) return keysOf(source.dataKey, source.pinPrivateKeyPem);
  if (!source.keyFile) return undefined;
  const file = await sandboxKeyFile(source.keyFile);
  return keysOf(Buffer.from(file.data_key, 'base64'), file.set_pin_private_key);
}

/** `count` random decimal digits (crypto-strong). */
export function randomDigits(count: number): string {
  let digits = '';
  for (let i = 0; i < count; i += 1) digits += String(randomInt(10));
  return digits;
}

/** Encrypts `plaintext` for storage: `v1:` + base64url(IV ‖ ciphertext ‖ GCM tag), bound to `context`. */
export function seal(keys: CardKeys, context: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.dataKey, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${ENVELOPE_VERSION}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** Decrypts what `seal` made for the same `context`. @throws Error when it was altered, moved, or sealed under another key. */
export function unseal(keys: CardKeys, context: string, envelope: string): string {
  const [version, data] = envelope.split(':');
  if (version !== ENVELOPE_VERSION || !data) throw new Error('unknown card data envelope');
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keys.dataKey, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** The PAN's fingerprint: hex HMAC-SHA-256 under the fingerprint key. */
export function panFingerprint(keys: CardKeys, pan: string): string {
  return createHmac('sha256', keys.fingerprintKey).update(pan, 'utf8').digest('hex');
}

/**
 * A client's public key from Jiko's `public_key` (PEM, PKCS#1 `RSA PUBLIC KEY` or SPKI `PUBLIC KEY`).
 * @throws DomainError invalid `cards.public_key_invalid` for anything else, or a modulus outside
 *   CLIENT_KEY_BITS_MIN..CLIENT_KEY_BITS_MAX.
 */
export function clientPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw CardErrors.publicKeyInvalid('it does not parse');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa') throw CardErrors.publicKeyInvalid('not an RSA key');
  if (bits < CLIENT_KEY_BITS_MIN || bits > CLIENT_KEY_BITS_MAX) throw CardErrors.publicKeyInvalid(`${CLIENT_KEY_BITS_MIN} to ${CLIENT_KEY_BITS_MAX} bits`);
  return key;
}

/** `plaintext` encrypted for the holder of `key`: base64 of RSA-OAEP (SHA-256, MGF1-SHA-256). */
export function encryptFor(key: KeyObject, plaintext: string): string {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(plaintext, 'utf8')).toString('base64');
}

/**
 * The PIN inside Jiko's `encrypted_pin`: base64 of RSA-OAEP (SHA-256) of the PIN's ASCII digits
 * under the `set_pin` public key.
 * @throws DomainError invalid `cards.pin_not_encrypted` for plain digits, another key's or another
 *   padding's ciphertext, or a plaintext that is not CARD_PIN_LENGTH digits.
 */
export function decryptPin(keys: CardKeys, encryptedPin: string): string {
  const bytes = (keys.pinPrivateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encryptedPin) || Buffer.from(encryptedPin, 'base64').length !== bytes) throw CardErrors.pinNotEncrypted();
  let pin: string;
  try {
    pin = privateDecrypt({ key: keys.pinPrivateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(encryptedPin, 'base64')).toString('utf8');
  } catch {
    throw CardErrors.pinNotEncrypted();
  }
  if (!new RegExp(`^\\d{${CARD_PIN_LENGTH}}$`).test(pin)) throw CardErrors.pinNotEncrypted();
  return pin;
}

/**
 * A PIN encrypted as `encrypted_pin` wants it, under the PEM public key a server serves: what a
 * client (and the `pocketbook cards encrypt-pin` helper) does.
 * @throws RangeError when `pin` is not CARD_PIN_LENGTH digits.
 */
export function encryptPin(publicKeyPem: string, pin: string): string {
  if (!new RegExp(`^\\d{${CARD_PIN_LENGTH}}$`).test(pin)) throw new RangeError(`a PIN is ${CARD_PIN_LENGTH} digits`);
  return encryptFor(createPublicKey(publicKeyPem), pin);
}
