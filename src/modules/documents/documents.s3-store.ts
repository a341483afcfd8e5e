import { createReadStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { DocumentsS3Config } from '../../config.ts';
import type { DocumentStore } from './documents.store.ts';

/**
 * The S3-compatible document store (AWS S3, MinIO, R2, ...), through AWS's maintained client: one
 * object per file at `<prefix><partner id>/<sha256>`. An upload is staged in `stagingDir` (a
 * local folder) while it arrives and is checked, then sent with one PutObject, which S3 makes
 * visible whole or not at all.
 */
export function s3Store(config: DocumentsS3Config, stagingDir: string): DocumentStore {
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    // Checksums only where S3 requires them: the SDK's default sends bodies aws-chunked with a
    // trailing checksum, which many S3-compatible servers store as is.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  const objectKey = (key: string) => config.prefix + key;
  return {
    kind: 's3',
    async incomingDir() {
      const dir = join(stagingDir, '.incoming');
      await mkdir(dir, { recursive: true });
      return dir;
    },
    async put(key, tempPath, file) {
      try {
        if (!(await present(client, config.bucket, objectKey(key)))) {
          await client.send(new PutObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Body: createReadStream(tempPath),
            ContentLength: file.sizeBytes,
            ContentType: file.contentType,
          }));
        }
      } finally {
        await unlink(tempPath).catch(() => undefined);
      }
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}

async function present(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
}
