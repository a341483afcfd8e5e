import type { Queryable, Tx } from '../../platform/db/index.ts';
import { isUuid } from '../../platform/ids.ts';
import type { StoredFile } from './documents.domain.ts';

/** SQL of the documents module: document_files. Every statement filters on partner_id. */

interface FileRow {
  id: string;
  partner_id: string;
  sha256: string;
  size_bytes: string | number;
  content_type: StoredFile['contentType'];
  file_name: string;
  created_at: Date;
}

function toFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    partnerId: row.partner_id,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    contentType: row.content_type,
    fileName: row.file_name,
    createdAt: row.created_at,
  };
}

/** Records a stored file. */
export async function insertFile(tx: Tx, file: StoredFile): Promise<void> {
  await tx.query(
    `INSERT INTO document_files (id, partner_id, sha256, size_bytes, content_type, file_name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [file.id, file.partnerId, file.sha256, file.sizeBytes, file.contentType, file.fileName, file.createdAt],
  );
}

/** One file of the tenant, or undefined (also for an id that is not a UUID). */
export async function selectFile(q: Queryable, partnerId: string, fileId: string): Promise<StoredFile | undefined> {
  if (!isUuid(fileId)) return undefined;
  const rows = await q.query<FileRow>('SELECT * FROM document_files WHERE partner_id = $1 AND id = $2', [partnerId, fileId]);
  return rows[0] ? toFile(rows[0]) : undefined;
}
