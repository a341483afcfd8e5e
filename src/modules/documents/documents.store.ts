/**
 * Where uploaded files' bytes live, behind one interface: a folder (the default) or an
 * S3-compatible bucket. Files are content-addressed: the key of a file is its tenant and the
 * SHA-256 of its bytes, so storing the same bytes twice stores them once and a stored file never
 * changes. The metadata (name, type, size, who uploaded it) is in the database (document_files).
 */
export interface DocumentStore {
  /** What the store is, for logs and the docs: `filesystem` or `s3`. */
  readonly kind: 'filesystem' | 's3';
  /**
   * A folder where an upload is written while it arrives, before `put` takes it (on the store's
   * own filesystem when it is a folder, so that `put` is an atomic rename).
   */
  incomingDir(): Promise<string>;
  /**
   * Stores the complete, checked file at `tempPath` under `key` and removes `tempPath`. Idempotent:
   * a key already stored is left as it is. Atomic: a reader sees the whole file or nothing.
   * @throws Error when the store cannot be written (the upload then fails with nothing recorded).
   */
  put(key: string, tempPath: string, file: { readonly contentType: string; readonly sizeBytes: number }): Promise<void>;
  /** The bytes stored under `key`, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
}

/** The content address of a tenant's file: `<partner id>/<sha256 hex>`. */
export function contentKey(partnerId: string, sha256: string): string {
  return `${partnerId}/${sha256}`;
}
