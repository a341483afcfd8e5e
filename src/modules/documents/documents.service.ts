import { createHash } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppDeps } from '../../deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { type StreamedUpload, UPLOAD_MEDIA_TYPES, type UploadMediaType } from '../../platform/http/streamed-upload.ts';
import { newId } from '../../platform/ids.ts';
import { SNIFF_BYTES, fileNameOf, sniffMediaType } from './documents.content.ts';
import type { StoredFile } from './documents.domain.ts';
import { documentsErrors } from './documents.errors.ts';
import { filesystemStore } from './documents.fs-store.ts';
import * as repo from './documents.repo.ts';
import { s3Store } from './documents.s3-store.ts';
import { type DocumentStore, contentKey } from './documents.store.ts';

/** What one upload may be. */
export interface UploadRules {
  /** Most bytes the file may have (DOCUMENT_BYTES_MAX, or DOCUMENT_ID_IMAGE_BYTES_MAX for ID images). */
  readonly sizeBytesMax: number;
  /** What the limit is for, named in the 413 message (`ID_FRONT`). */
  readonly limitFor: string;
  /** `content-disposition` must name the file (Jiko's business upload requires it). */
  readonly fileNameRequired: boolean;
}

/** A file received whole, checked and put in the store; `record` then writes its row. */
export interface ReceivedFile {
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly contentType: UploadMediaType;
  readonly fileName: string;
}

/** Uploads: receiving files from a streamed body into the document store, and their records. */
export interface Documents {
  readonly store: DocumentStore;
  /**
   * Reads an upload's body into the store, stopping at the first byte that breaks a rule:
   * 1. before reading: the declared type is PDF, JPEG or PNG (422), `content-length` is there (422)
   *    and within `rules.sizeBytesMax` (413), the file name is well formed (and given, when
   *    required) (422);
   * 2. while reading, chunk by chunk into a staging file: the size stays within the limit (413),
   *    and the first bytes are the declared type's signature (422: a renamed `.exe` stops there);
   * 3. at the end: the body is not empty (422) and the request's signature covers exactly these
   *    bytes (401); only then is the file put in the store (atomically, content-addressed).
   * Nothing is stored when a rule fails (the staging file is removed).
   * @throws DomainError as above.
   */
  receive(ctx: RequestContext, upload: StreamedUpload, rules: UploadRules): Promise<ReceivedFile>;
  /** Records a received file in the caller's transaction. @returns the file with its new id. */
  record(tx: Tx, ctx: RequestContext, file: ReceivedFile): Promise<StoredFile>;
  /** A file of the tenant, or undefined. */
  file(q: Queryable, partnerId: string, fileId: string): Promise<StoredFile | undefined>;
  /** The stored bytes of a file of the tenant, or undefined. */
  bytes(partnerId: string, fileId: string): Promise<Buffer | undefined>;
}

function isUploadMediaType(value: string): value is UploadMediaType {
  return (UPLOAD_MEDIA_TYPES as readonly string[]).includes(value);
}

/** The store the configuration names: its S3 bucket when one is set, else its folder. */
export function configuredStore(deps: AppDeps): DocumentStore {
  const { documents } = deps.config;
  return documents.s3 ? s3Store(documents.s3, documents.dir) : filesystemStore(documents.dir);
}

/** Builds the documents service on the app's database and the configured store (or `store`). */
export function createDocuments(deps: AppDeps, store: DocumentStore = configuredStore(deps)): Documents {
  const { db } = deps;

  /** Checks what the headers declare, before a byte is read. @returns the file name. */
  function precheck(upload: StreamedUpload, rules: UploadRules): { contentType: UploadMediaType; fileName: string } {
    const contentType = upload.contentType;
    if (!isUploadMediaType(contentType)) throw documentsErrors.unsupportedType(contentType);
    if (upload.declaredBytes === undefined) throw documentsErrors.lengthRequired();
    if (upload.declaredBytes > rules.sizeBytesMax) throw documentsErrors.tooLarge(rules.sizeBytesMax, rules.limitFor);
    const fileName = fileNameOf(upload.contentDisposition);
    if (fileName === undefined) throw documentsErrors.fileName(false);
    if (rules.fileNameRequired && fileName === '') throw documentsErrors.fileName(true);
    return { contentType, fileName };
  }

  /** Streams the body into `handle`, checking size and content as it goes. */
  async function copy(upload: StreamedUpload, handle: FileHandle, contentType: UploadMediaType, rules: UploadRules) {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let head = Buffer.alloc(0);
    const checkHead = () => {
      const found = sniffMediaType(head);
      if (found !== contentType) throw documentsErrors.contentMismatch(contentType, found);
    };
    for await (const chunk of upload.chunks()) {
      sizeBytes += chunk.length;
      if (sizeBytes > rules.sizeBytesMax) throw documentsErrors.tooLarge(rules.sizeBytesMax, rules.limitFor);
      if (head.length < SNIFF_BYTES) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        if (head.length === SNIFF_BYTES) checkHead();
      }
      hash.update(chunk);
      await handle.write(chunk);
    }
    if (sizeBytes === 0) throw documentsErrors.empty();
    if (head.length < SNIFF_BYTES) checkHead();
    return { sha256: hash.digest('hex'), sizeBytes };
  }

  return {
    store,

    async receive(ctx, upload, rules) {
      const { contentType, fileName } = precheck(upload, rules);
      const tempPath = join(await store.incomingDir(), `${newId()}.part`);
      const handle = await open(tempPath, 'wx');
      let stored = false;
      try {
        const { sha256, sizeBytes } = await copy(upload, handle, contentType, rules);
        if (!upload.signatureHolds()) throw documentsErrors.signatureInvalid();
        await handle.sync();
        await handle.close();
        await store.put(contentKey(ctx.tenantId, sha256), tempPath, { contentType, sizeBytes });
        stored = true;
        return { sha256, sizeBytes, contentType, fileName };
      } finally {
        await handle.close().catch(() => undefined);
        if (!stored) await unlink(tempPath).catch(() => undefined);
      }
    },

    async record(tx, ctx, file) {
      const stored: StoredFile = { id: newId(), partnerId: ctx.tenantId, ...file, createdAt: ctx.now };
      await repo.insertFile(tx, stored);
      return stored;
    },

    file: (q, partnerId, fileId) => repo.selectFile(q, partnerId, fileId),

    async bytes(partnerId, fileId) {
      const file = await repo.selectFile(db, partnerId, fileId);
      return file ? store.get(contentKey(partnerId, file.sha256)) : undefined;
    },
  };
}
