/**
 * `pocketbook cards encrypt-pin <pin>`: a card PIN encrypted as Jiko's Set Card PIN wants it
 * (`encrypted_pin`, docs/CARDS.md): base64 of RSA-OAEP with SHA-256 of the four ASCII digits, under
 * the `set_pin` public key the server serves at GET /api/v1/public-keys (no login needed), or
 * under a PEM file given with --key-file.
 */
import { readFile } from 'node:fs/promises';
import { CARD_PIN_LENGTH, encryptPin } from '../modules/cards/index.ts';
import { CliFailure, UsageError } from './errors.ts';
import { REQUEST_TIMEOUT_MS, causeOf } from './http.ts';

/** The `set_pin` key of the server at `baseUrl`. @throws CliFailure when it cannot be had. */
async function servedKey(baseUrl: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/v1/public-keys`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new CliFailure(`cannot reach ${baseUrl}: ${causeOf(error)}`);
  }
  if (!response.ok) throw new CliFailure(`GET ${baseUrl}/api/v1/public-keys answered ${response.status}`);
  const body = (await response.json()) as { set_pin?: unknown };
  if (typeof body.set_pin !== 'string' || body.set_pin === '') throw new CliFailure(`${baseUrl} serves no set_pin key (card keys not configured)`);
  return body.set_pin;
}

/**
 * Prints `pin` encrypted for Set Card PIN, one line.
 * @throws UsageError for a PIN that is not CARD_PIN_LENGTH digits or an unreadable key file;
 *   CliFailure when the server's key cannot be had.
 */
export async function encryptPinCommand(out: (text: string) => void, pin: string, options: { baseUrl: string; keyFile?: string | undefined }): Promise<void> {
  if (!new RegExp(`^\\d{${CARD_PIN_LENGTH}}$`).test(pin)) throw new UsageError(`a PIN is ${CARD_PIN_LENGTH} digits, e.g. 4821`);
  let pem: string;
  if (options.keyFile) {
    try {
      pem = await readFile(options.keyFile, 'utf8');
    } catch (error) {
      throw new UsageError(`--key-file ${options.keyFile}: ${causeOf(error)}`);
    }
  } else {
    pem = await servedKey(options.baseUrl);
  }
  let encrypted: string;
  try {
    encrypted = encryptPin(pem, pin);
  } catch (error) {
    throw new UsageError(`the key is not an RSA public key in PEM: ${causeOf(error)}`);
  }
  out(`${encrypted}\n`);
}
