/**
 * Document uploads as Jiko takes them (raw bytes, content-type, content-length,
 * content-disposition) and the document store behind them: limits enforced on the declared size
 * before a byte is read and again while streaming, files checked by content (magic bytes) rather
 * than by their name or header, the signature covering the bytes, nothing kept from a refused
 * upload; one store interface, run against a folder and against a local S3-compatible server
 * (s3rver, started here).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { ConfigError, type DocumentsS3Config, loadConfig } from '../src/config.ts';
import { type DocumentStore, contentKey, filesystemStore, s3Store } from '../src/modules/documents/index.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { applicationRequest } from './support/fixtures.ts';
import { MAGIC, fileOf, upload, uploadStream } from './support/uploads.ts';
import { scratchFolder } from './support/db.ts';

const MB = 1024 * 1024;
const root = scratchFolder('pocketbook-documents-');
const documentsDir = join(root, 'documents');
const BUCKET = 'pocketbook-documents';
let server: S3rver;
let s3: DocumentsS3Config;
let t: TestApp;

before(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(root, 's3rver'), configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = await server.run();
  s3 = {
    bucket: BUCKET, endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', prefix: 'test/', forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  t = await startTestApp({ config: { documents: { dir: documentsDir, s3: undefined } } });
});
after(async () => {
  await t?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A partner with an individual application waiting for ID_FRONT, ID_BACK and SELFIE. */
async function waitingApplication(): Promise<{ client: PartnerClient; url: (type: string) => string }> {
  const client = await newPartner(t);
  await client.setClock('2024-03-04T15:00:00Z');
  const { id } = (await client.post('/api/v1/applications/', applicationRequest('Documents'))).json();
  assert.equal((await client.post(`/api/v1/applications/${id}/apply/`, {})).json().status, 'DOCUMENTS_NEEDED');
  return { client, url: (type) => `/api/v1/applications/${id}/documents/${type}/file` };
}

/** `total` bytes opening with `head`, made as they are read: `pulled()` says how many were. */
function lazyBody(total: number, head: Buffer): { stream: Readable; pulled: () => number } {
  let made = 0;
  const stream = new Readable({
    highWaterMark: 16 * 1024,
    read() {
      if (made >= total) return void this.push(null);
      const size = Math.min(64 * 1024, total - made);
      const chunk = made === 0 ? Buffer.concat([head, Buffer.alloc(size - head.length)]) : Buffer.alloc(size, 7);
      made += size;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => made };
}

async function filesOf(partnerId: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document_files WHERE partner_id = $1', [partnerId]);
  return rows[0]!.n;
}

/** Files left in the store's staging folder (a refused upload leaves none). */
function staged(): string[] {
  try {
    return readdirSync(join(documentsDir, '.incoming'));
  } catch {
    return [];
  }
}

describe('limits', () => {
  test('a 60 MB upload is refused (413) before it is read: no more than a few kilobytes are pulled', async () => {
    const { client } = await waitingApplication();
    const body = lazyBody(60 * MB, MAGIC.pdf);
    const response = await uploadStream(client, `/api/v1/customers/${randomUUID()}/documents/OTHER/file`, body.stream, {
      'content-type': 'application/pdf', 'content-length': String(60 * MB), 'content-disposition': 'attachment; filename="big.pdf"',
    });
    assert.equal(response.statusCode, 413, response.body);
    assert.deepEqual(response.json(), { detail: 'File is larger than the 50 MB allowed for any document' });
    assert.equal(response.headers.connection, 'close');
    assert.ok(body.pulled() < 256 * 1024, `${body.pulled()} bytes pulled`);
  });

  test('an ID image over 5 MB is refused by its declared size, and by its bytes when the declared size lies', async () => {
    const { client, url } = await waitingApplication();
    const declared = lazyBody(6 * MB, MAGIC.jpeg);
    const byHeader = await uploadStream(client, url('ID_FRONT'), declared.stream, { 'content-type': 'image/jpeg', 'content-length': String(6 * MB) });
    assert.equal(byHeader.statusCode, 413, byHeader.body);
    assert.equal(byHeader.json().detail, 'File is larger than the 5 MB allowed for ID_FRONT');
    assert.ok(declared.pulled() < 256 * 1024, `${declared.pulled()} bytes pulled`);

    const lying = lazyBody(8 * MB, MAGIC.jpeg);
    const byBytes = await uploadStream(client, url('ID_FRONT'), lying.stream, { 'content-type': 'image/jpeg', 'content-length': String(MB) });
    assert.equal(byBytes.statusCode, 413, byBytes.body);
    assert.ok(lying.pulled() > 5 * MB && lying.pulled() < 6 * MB, `${lying.pulled()} bytes pulled`);
    assert.equal(await filesOf(client.partnerId), 0);
    assert.deepEqual(staged(), []);

    // A 6 MB statement is fine: only ID images have the 5 MB limit.
    const big = Buffer.concat([MAGIC.pdf, Buffer.alloc(6 * MB)]);
    const customerId = randomUUID();
    assert.equal((await upload(client, `/api/v1/customers/${customerId}/documents/BANK_STATEMENTS_1/file`, big)).statusCode, 404);
  });

  test('content-length is required', async () => {
    const { client, url } = await waitingApplication();
    const response = await uploadStream(client, url('ID_BACK'), Readable.from([MAGIC.jpeg]), { 'content-type': 'image/jpeg' });
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json().detail[0].loc, ['header', 'content-length']);
  });
});

describe('content', () => {
  test('a renamed .exe is refused by its content, whatever its name and content-type say; nothing is kept', async () => {
    const { client, url } = await waitingApplication();
    const exe = fileOf('exe', 300_000);
    const response = await upload(client, url('ID_FRONT'), exe, { contentType: 'image/jpeg', fileName: 'passport.jpg' });
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json().detail, [{ loc: ['body'], msg: 'File content is not a PDF, JPEG or PNG (content-type says image/jpeg)', type: 'value_error' }]);
    const asPdf = await upload(client, url('ID_FRONT'), exe, { contentType: 'application/pdf', fileName: 'scan.pdf' });
    assert.equal(asPdf.statusCode, 422);
    const pngAsPdf = await upload(client, url('ID_FRONT'), fileOf('png'), { contentType: 'application/pdf' });
    assert.equal(pngAsPdf.json().detail[0].msg, 'File content is image/png, not the application/pdf its content-type says');
    assert.equal(await filesOf(client.partnerId), 0);
    assert.deepEqual(staged(), []);
    const documents = (await client.get(url('ID_FRONT').replace(/\/documents\/.*$/, ''))).json().documents;
    assert.deepEqual(documents.map((d: { status: string }) => d.status), ['PENDING_UPLOAD', 'PENDING_UPLOAD', 'PENDING_UPLOAD']);
  });

  test('types other than PDF, JPEG and PNG, an empty body and a JSON body are 422', async () => {
    const { client, url } = await waitingApplication();
    const cases = [
      await upload(client, url('ID_FRONT'), Buffer.from('MZ'), { contentType: 'application/x-msdownload' }),
      await upload(client, url('ID_FRONT'), Buffer.from('hello'), { contentType: 'text/plain' }),
      await upload(client, url('ID_FRONT'), Buffer.alloc(0), { contentType: 'image/png' }),
      await client.post(url('ID_FRONT'), { file: 'base64' }),
    ];
    for (const response of cases) {
      assert.equal(response.statusCode, 422, response.body);
      assert.ok(Array.isArray(response.json().detail), response.body);
    }
  });

  test('the signature covers the bytes: a body other than the one signed is 401, and nothing is kept', async () => {
    const { client, url } = await waitingApplication();
    const file = fileOf('jpeg', 50_000);
    const forged = await upload(client, url('SELFIE'), file, { contentType: 'image/jpeg', signedBytes: fileOf('jpeg', 50_000, 'other') });
    assert.equal(forged.statusCode, 401, forged.body);
    assert.deepEqual(forged.json(), { detail: 'Invalid request signature' });
    assert.equal(await filesOf(client.partnerId), 0);
    const signed = await upload(client, url('SELFIE'), file, { contentType: 'image/jpeg' });
    assert.equal(signed.statusCode, 200, signed.body);
    assert.equal(await filesOf(client.partnerId), 1);
  });

  test('as with Jiko, an upload may come without a signature: the bearer token and the idempotency key suffice', async () => {
    const { client, url } = await waitingApplication();
    const key = randomUUID();
    const unsigned = await upload(client, url('SELFIE'), fileOf('jpeg', 40_000), { contentType: 'image/jpeg', unsigned: true, idempotencyKey: key });
    assert.equal(unsigned.statusCode, 200, unsigned.body);
    assert.equal(await filesOf(client.partnerId), 1);
    const repeat = await upload(client, url('SELFIE'), fileOf('jpeg', 40_000), { contentType: 'image/jpeg', unsigned: true, idempotencyKey: key });
    assert.equal(repeat.headers['idempotent-replayed'], 'true');
    const noKey = await client.app.inject({
      method: 'POST', url: url('SELFIE'), payload: fileOf('jpeg', 1_000),
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'image/jpeg', 'content-disposition': 'attachment; filename="a.jpg"' },
    });
    assert.equal(noKey.statusCode, 401, 'the idempotency key is still required');
    assert.equal(await filesOf(client.partnerId), 1);
  });

  test('a business upload must name its file; folder parts of the name are dropped', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-04T15:00:00Z');
    const application = (await client.post('/api/v1/business-applications/', { name: 'Documents Co', entity_type: 'SOLE_PROPRIETOR' })).json();
    assert.equal(application.status, 'CREATED');
    await t.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO business_documents (id, partner_id, application_id, position, type, status, created_at, updated_at)
         VALUES ($1, $2, $3, 0, 'ADDRESS_VERIFICATION', 'PENDING_UPLOAD', now(), now())`,
        [randomUUID(), client.partnerId, application.id],
      );
    });
    const [document] = (await client.get(`/api/v1/business-applications/${application.id}/documents/`)).json();
    const unnamed = await upload(client, `/api/v1/documents/${document.id}`, fileOf('pdf'), { fileName: null });
    assert.equal(unnamed.statusCode, 422, unnamed.body);
    assert.deepEqual(unnamed.json().detail[0].loc, ['header', 'content-disposition']);
    const named = await upload(client, `/api/v1/documents/${document.id}`, fileOf('pdf'), { headers: { 'content-disposition': "attachment; filename*=UTF-8''C%3A%5Cscans%5Cutility%20bill.pdf" } });
    assert.equal(named.statusCode, 200, named.body);
    assert.equal(named.json().name, 'utility bill.pdf');
  });
});

/** What every document store does: atomic, idempotent, content-addressed puts; gets of what is there. */
async function storeContract(store: DocumentStore): Promise<void> {
  const key = contentKey(randomUUID(), 'ab'.repeat(32));
  const stage = async (bytes: Buffer) => {
    const path = join(await store.incomingDir(), `${randomUUID()}.part`);
    writeFileSync(path, bytes);
    return path;
  };
  assert.equal(await store.get(key), undefined);
  const first = await stage(Buffer.from('%PDF-first'));
  await store.put(key, first, { contentType: 'application/pdf', sizeBytes: 10 });
  assert.deepEqual(await store.get(key), Buffer.from('%PDF-first'));
  assert.ok(!readdirSync(await store.incomingDir()).includes(first.split('/').pop()!), 'the staged file is taken');
  // The same key again leaves the stored file as it was (a key is its content's hash).
  const again = await stage(Buffer.from('%PDF-again'));
  await store.put(key, again, { contentType: 'application/pdf', sizeBytes: 10 });
  assert.deepEqual(await store.get(key), Buffer.from('%PDF-first'));
  assert.deepEqual(readdirSync(await store.incomingDir()), []);
}

describe('document store', () => {
  test('the filesystem store keeps the contract', async () => {
    await storeContract(filesystemStore(join(root, 'fs-store')));
  });

  test('the S3 store keeps the same contract against a local S3-compatible server', async () => {
    await storeContract(s3Store(s3, join(root, 's3-staging')));
  });

  test('with a bucket configured, an upload goes to the bucket, content-addressed', async () => {
    const onS3 = await startTestApp({ config: { documents: { dir: join(root, 's3-app'), s3 } } });
    try {
      const client = await newPartner(onS3);
      await client.setClock('2024-03-04T15:00:00Z');
      const { id } = (await client.post('/api/v1/applications/', applicationRequest('Documents'))).json();
      await client.post(`/api/v1/applications/${id}/apply/`, {});
      const file = fileOf('png', 70_000, 's3');
      const response = await upload(client, `/api/v1/applications/${id}/documents/ID_FRONT/file`, file, { contentType: 'image/png', fileName: 'front.png' });
      assert.equal(response.statusCode, 200, response.body);
      const [row] = await onS3.db.query<{ id: string; sha256: string; size_bytes: string; content_type: string; file_name: string }>(
        'SELECT id, sha256, size_bytes::text, content_type, file_name FROM document_files WHERE partner_id = $1', [client.partnerId],
      );
      assert.deepEqual([row!.size_bytes, row!.content_type, row!.file_name], [String(file.length), 'image/png', 'front.png']);
      const client3 = new S3Client({ endpoint: s3.endpoint!, region: s3.region, forcePathStyle: true, credentials: s3.credentials! });
      const object = await client3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `test/${client.partnerId}/${row!.sha256}` }));
      assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), file);
      assert.deepEqual(await onS3.services.documents.bytes(client.partnerId, row!.id), file);
    } finally {
      await onS3.close();
    }
  });
});

test('the configuration names the store: the data folder by default, a bucket when one is set', () => {
  assert.equal(loadConfig({ POCKETBOOK_DATA_DIR: '/srv/pb/' }).documents.dir, '/srv/pb/documents');
  assert.equal(loadConfig({ POCKETBOOK_DATA_DIR: '/srv/pb', POCKETBOOK_DOCUMENTS_DIR: '/mnt/files' }).documents.dir, '/mnt/files');
  assert.equal(loadConfig({}).documents.s3, undefined);
  assert.deepEqual(loadConfig({ POCKETBOOK_DOCUMENTS_S3_BUCKET: 'b', POCKETBOOK_DOCUMENTS_S3_ENDPOINT: 'http://minio:9000' }).documents.s3, {
    bucket: 'b', endpoint: 'http://minio:9000', region: 'us-east-1', prefix: '', forcePathStyle: true, credentials: undefined,
  });
  assert.throws(() => loadConfig({ POCKETBOOK_DOCUMENTS_S3_BUCKET: 'b', POCKETBOOK_DOCUMENTS_S3_ACCESS_KEY_ID: 'k' }), ConfigError);
});
