import { createReadStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DocumentsS3Config } from '../../config.ts';
import type { DocumentStore } from './documents.store.ts';

/** AWS's SDK, loaded on first use: it is large, and a server without a bucket never needs it. */
type S3Sdk = typeof import('@aws-sdk/client-s3');
let sdkLoading: Promise<S3Sdk> | undefined;
function loadSdk(): Promise<S3Sdk> {
  sdkLoading ??= import('@aws-sdk/client-s3');
  return sdkLoading;
}

/**
 * The S3-compatible document store (AWS S3, MinIO, R2, ...), through AWS's maintained client: one
 * object per file at `<prefix><partner id>/<sha256>`. An upload is staged in `stagingDir` (a
 * local folder) while it arrives and is checked, then sent with one PutObject, which S3 makes
 * visible whole or not at all.
 */
export function s3Store(config: DocumentsS3Config, stagingDir: string): DocumentStore {
  let connecting: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;
  const connect = () => {
    connecting ??= loadSdk().then((sdk) => ({ sdk, client: newClient(sdk, config) }));
    return connecting;
  };
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
        const { sdk, client } = await connect();
        if (!(await present(sdk, client, config.bucket, objectKey(key)))) {
          await client.send(new sdk.PutObjectCommand({
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
      const { sdk, client } = await connect();
      try {
        const object = await client.send(new sdk.GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined;
      } catch (error) {
        if (isNotFound(sdk, error)) return undefined;
        throw error;
      }
    },
  };
}

function newClient(sdk: S3Sdk, config: DocumentsS3Config): S3Client {
  return new sdk.S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    // Checksums only where S3 requires them: the SDK's default sends bodies aws-chunked with a
    // trailing checksum, which many S3-compatible servers store as is.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
}

async function present(sdk: S3Sdk, client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(sdk, error)) return false;
    throw error;
  }
}

function isNotFound(sdk: S3Sdk, error: unknown): boolean {
  return error instanceof sdk.S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
}
