/**
 * Uploads as a Jiko client sends them: the file's raw bytes as the body, with content-type,
 * content-length and content-disposition, signed over the key, the pathname and the bytes.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import type { PartnerClient } from '../../src/seed/inject-client.ts';

/** The first bytes of each accepted type, and of a Windows executable (MZ). */
export const MAGIC = {
  pdf: Buffer.from('%PDF-1.7\n'),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  exe: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]),
} as const;

/** A small file of `kind` (its magic bytes, then `size` bytes of content). */
export function fileOf(kind: keyof typeof MAGIC, size = 2048, seed = 'pocketbook'): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = (seed.charCodeAt(i % seed.length) + i) & 0xff;
  return Buffer.concat([MAGIC[kind], body]);
}

/** base64 HMAC-SHA256 of key + pathname (UTF-8) then the bytes: the signature of an upload. */
export function signUpload(sharedSecret: string, key: string, pathname: string, bytes: Buffer): string {
  return createHmac('sha256', sharedSecret).update(key + pathname, 'utf8').update(bytes).digest('base64');
}

export interface UploadOptions {
  readonly contentType?: string;
  /** The file name for content-disposition; null sends no content-disposition. */
  readonly fileName?: string | null;
  readonly idempotencyKey?: string;
  /** Sign these bytes instead of the body (a forged signature). */
  readonly signedBytes?: Buffer;
  /** Send no x-jiko-signature, as Jiko's clients send uploads. */
  readonly unsigned?: boolean;
  readonly headers?: Record<string, string>;
}

/** POSTs `bytes` to an upload route as `client`. */
export function upload(client: PartnerClient, url: string, bytes: Buffer, options: UploadOptions = {}): Promise<LightMyRequestResponse> {
  const key = options.idempotencyKey ?? randomUUID();
  const headers: Record<string, string> = {
    authorization: `Bearer ${client.token}`,
    'x-jiko-idempotency': key,
    ...(options.unsigned ? {} : { 'x-jiko-signature': signUpload(client.sharedSecret, key, url.split('?')[0]!, options.signedBytes ?? bytes) }),
    'content-type': options.contentType ?? 'application/pdf',
    ...(options.fileName === null ? {} : { 'content-disposition': `attachment; filename="${options.fileName ?? 'scan.pdf'}"` }),
    ...options.headers,
  };
  return client.app.inject({ method: 'POST', url, payload: bytes, headers });
}

/** POSTs a streamed body that counts the bytes pulled from it (`pulled()`), with the headers given. */
export function uploadStream(client: PartnerClient, url: string, stream: Readable, headers: Record<string, string>): Promise<LightMyRequestResponse> {
  const key = randomUUID();
  return client.app.inject({
    method: 'POST',
    url,
    payload: stream,
    headers: { authorization: `Bearer ${client.token}`, 'x-jiko-idempotency': key, 'x-jiko-signature': 'not-checked-before-the-end', ...headers },
  });
}
