import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { assert } from '../assert.ts';

/** An incremental check of a streamed body's signature: fed every byte, asked once at the end. */
export interface BodySignature {
  update(chunk: Buffer): void;
  holds(): boolean;
}

/** Media types a file upload may be sent as (Jiko takes PDF, JPEG and PNG files). */
export const UPLOAD_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type UploadMediaType = (typeof UPLOAD_MEDIA_TYPES)[number];

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The body of a raw binary upload (`curl --data-binary @file`), handed to the route unread: the
 * content-type parser of the upload routes wraps the request stream in it, so that nothing is read
 * before the door has authenticated the request and the route has checked the declared size. The
 * route then reads it chunk by chunk (`chunks`), and may stop at any byte (too large, not a PDF),
 * leaving the rest unread. A signed door attaches the body's signature (`expectSignature`), fed
 * with every chunk read and checked once the last is in (`signatureHolds`).
 */
export class StreamedUpload {
  /** The media type as declared, lower case, without parameters. */
  readonly contentType: string;
  /** `content-length` as declared; undefined when absent or not a decimal number. */
  readonly declaredBytes: number | undefined;
  /** `content-disposition` as sent (it names the file), or undefined. */
  readonly contentDisposition: string | undefined;
  readonly #stream: Readable;
  #signature: BodySignature | undefined;
  #started = false;
  #ended = false;

  constructor(stream: Readable, headers: IncomingHttpHeaders) {
    this.#stream = stream;
    this.contentType = (single(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const length = single(headers, 'content-length');
    this.declaredBytes = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
    this.contentDisposition = single(headers, 'content-disposition');
  }

  /**
   * What stands for the body in the request's idempotency fingerprint: the headers that describe
   * the file (its bytes cannot be read before a repeat is recognised).
   */
  get fingerprint(): string {
    return `upload\n${this.contentType}\n${this.declaredBytes ?? ''}\n${this.contentDisposition ?? ''}`;
  }

  /** The door's check of the body's signature, fed every chunk `chunks` reads. */
  expectSignature(signature: BodySignature): void {
    assert(!this.#started, 'the signature must be attached before the body is read');
    this.#signature = signature;
  }

  /** True once the last byte has been read. */
  get fullyRead(): boolean {
    return this.#ended;
  }

  /**
   * The body's bytes, chunk by chunk as they arrive (read once). Stopping early leaves the rest
   * unread: the route then closes the connection rather than read it.
   * @throws Error when the client goes away before the end.
   */
  async *chunks(): AsyncGenerator<Buffer> {
    assert(!this.#started, 'an upload body is read once');
    this.#started = true;
    const stream = this.#stream;
    for (;;) {
      let chunk: Buffer | string | null;
      while ((chunk = stream.read() as Buffer | string | null) !== null) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        this.#signature?.update(bytes);
        yield bytes;
      }
      if (stream.readableEnded) break;
      await nextReadable(stream);
    }
    this.#ended = true;
  }

  /** True when the body read is the one signed (or when no signature is expected). */
  signatureHolds(): boolean {
    assert(this.#ended, 'the signature is known once the whole body is read');
    return this.#signature ? this.#signature.holds() : true;
  }
}

/** Resolves when `stream` has data or has ended; rejects when it fails or closes before its end. */
function nextReadable(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onReadable);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onReadable = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => done(stream.readableEnded ? undefined : new Error('the client closed the upload before its end'));
    stream.on('readable', onReadable);
    stream.on('end', onReadable);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
