import type { UploadMediaType } from '../../platform/http/streamed-upload.ts';

/** A file received by an upload and kept in the document store. */
export interface StoredFile {
  readonly id: string;
  readonly partnerId: string;
  /** Hex SHA-256 of the bytes: the file's content address. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Checked against the bytes (`sniffMediaType`). */
  readonly contentType: UploadMediaType;
  /** From `content-disposition`; '' when none was given. */
  readonly fileName: string;
  /** Tenant clock time. */
  readonly createdAt: Date;
}
