/**
 * Documents: files received by uploads (streamed, size-limited, checked by content, signed) and
 * the document store that keeps their bytes (a folder, or an S3-compatible bucket). Which document
 * a file fulfils is the onboarding module's business. Other modules use it through this file only.
 */
export { type Documents, type ReceivedFile, type UploadRules, configuredStore, createDocuments } from './documents.service.ts';
export type { StoredFile } from './documents.domain.ts';
export { type DocumentStore, contentKey } from './documents.store.ts';
export { filesystemStore } from './documents.fs-store.ts';
export { s3Store } from './documents.s3-store.ts';
export { SNIFF_BYTES, fileNameOf, sniffMediaType } from './documents.content.ts';
export { documentsErrors } from './documents.errors.ts';
