import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { documentsErrors } from '../../modules/documents/index.ts';
import {
  ALL_DOCUMENT_TYPES,
  type BusinessOnboarding,
  BusinessDocumentSchema,
  BusinessDocumentV2Schema,
  type OnboardingUploads,
  UploadDocumentResponseSchema,
} from '../../modules/onboarding/index.ts';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { StreamedUpload, UPLOAD_MEDIA_TYPES } from '../../platform/http/streamed-upload.ts';
import { DOCUMENT_BYTES_MAX } from '../../platform/limits.ts';
import type { JikoLocs } from '../jiko/errors.ts';
import { sealedReply } from '../jiko/sealed.ts';
import { documentJson, documentV2Json } from './business-applications.routes.ts';
import * as ex from './business-applications.examples.ts';

/**
 * Document uploads (Jiko's Upload Document operations): the file's raw bytes are the body
 * (`curl --data-binary @scan.pdf`), described by `content-type` (application/pdf, image/jpeg or
 * image/png), `content-length` and `content-disposition` (the file name). The body is not read
 * before the door has authenticated the request and the route has checked what the headers
 * declare; it is then streamed into the document store, checked as it comes (size, magic bytes)
 * and signed like any other body (see docs/DOCUMENTS.md). An upload refused before its end closes
 * the connection rather than read the rest.
 */
export interface DocumentsRoutesOptions {
  readonly business: BusinessOnboarding;
  readonly uploads: OnboardingUploads;
}

const security = [{ HTTPBearer: [] }];
const detail = (description: string) => Type.Object({ detail: Type.String() }, { description });
const UploadErrors = {
  ...ErrorResponses,
  413: detail('Payload Too Large: the declared or sent size is over the limit of the document type (5 MB for ID_FRONT, ID_BACK, SELFIE, PASSPORT; 50 MB for the others)'),
};
/** Where an upload's domain fields are on the wire. */
const UPLOAD_LOCS: JikoLocs = {
  source: 'body',
  fields: {
    contentType: ['header', 'content-type'],
    contentLength: ['header', 'content-length'],
    contentDisposition: ['header', 'content-disposition'],
    file: ['body'],
    documentType: ['path', 'document_type'],
  },
};
const HOW =
  'Send the file\'s bytes as the body (`curl --data-binary @scan.pdf`) with `content-type` application/pdf, image/jpeg or image/png, `content-length`, and `content-disposition: attachment; filename="scan.pdf"`. ' +
  'The file is checked by its content (a renamed executable is refused, 422) and by size before and while it is read (413: 5 MB for ID images, selfies and passports, 50 MB for the others). ' +
  'The request is signed like any other: the signature covers the key, the pathname and the body\'s bytes as sent.';

function documented<T extends TSchema>(schema: T, description: string, example: unknown): T {
  return { ...schema, description, examples: [example] };
}

/** The request's streamed body; any other body (JSON, none) is refused for its content-type. */
function uploadOf(request: FastifyRequest): StreamedUpload {
  if (request.body instanceof StreamedUpload) return request.body;
  throw documentsErrors.unsupportedType(String(request.headers['content-type'] ?? ''));
}

/**
 * Runs an upload's service call; when it fails before the body was read whole, the connection
 * is closed after the answer so that the rest of the body is never read.
 */
async function receiving<T>(reply: FastifyReply, upload: StreamedUpload, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!upload.fullyRead) void reply.header('connection', 'close');
    throw error;
  }
}

export async function documentsRoutes(plain: FastifyInstance, options: DocumentsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  // Upload bodies are handed over unread; a declared size over every limit is refused at once,
  // before authentication and before a byte is read.
  // A text body is no file either: refused for its type (422), as any other type.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser([...UPLOAD_MEDIA_TYPES], (request, payload, done) => {
    const upload = new StreamedUpload(payload, request.headers);
    if (upload.declaredBytes !== undefined && upload.declaredBytes > DOCUMENT_BYTES_MAX) {
      done(documentsErrors.tooLarge(DOCUMENT_BYTES_MAX, 'any document'), undefined);
      return;
    }
    done(null, upload);
  });

  const businessUpload = (version: 'v1' | 'v2') => ({
    schema: {
      tags: [version === 'v1' ? 'Businesses' : 'Business applications v2'],
      security,
      summary: 'Upload the file of a document request',
      description: `Fulfils a document request of a business application (see its documents list): the request then waits for review (PENDING_REVIEW); the sandbox reviews files at 09:00 New York each business day. A request already APPROVED takes no new file (412). ${HOW}`,
      params: Type.Object({ document_id: Uuid() }),
      response: {
        200: documented(version === 'v1' ? BusinessDocumentSchema : BusinessDocumentV2Schema, 'The document request, waiting for review', version === 'v1' ? ex.UPLOADED_DOCUMENT : ex.documentV2(ex.UPLOADED_DOCUMENT)),
        ...UploadErrors,
        412: detail('Precondition Failed: the document has already been reviewed and approved'),
      },
    },
    config: { jikoLocs: UPLOAD_LOCS },
  });

  app.post('/api/v1/documents/:document_id', businessUpload('v1'), async (request, reply) => {
    const upload = uploadOf(request);
    const document = await receiving(reply, upload, () => options.business.uploadDocument(request.ctx, request.params.document_id, upload));
    return sealedReply(request, reply, 200, documentJson)(document);
  });

  app.post('/api/v2/documents/:document_id/', businessUpload('v2'), async (request, reply) => {
    const upload = uploadOf(request);
    const document = await receiving(reply, upload, () => options.business.uploadDocument(request.ctx, request.params.document_id, upload));
    return sealedReply(request, reply, 200, documentV2Json)(document);
  });

  const uploadResponse = { 200: documented(UploadDocumentResponseSchema, 'The document was received', ex.UPLOAD_RESPONSE), ...UploadErrors };
  app.post('/api/v1/applications/:application_id/documents/:document_type/file', {
    schema: {
      tags: ['Individuals'], security, summary: 'Upload a document to an individual application',
      description: `A file for an individual application, before or after apply: it fulfils the application's request of that type (a DOCUMENTS_NEEDED application is SUBMITTED again once none waits for a file), or is kept as a document of its own; either way it waits for review (PENDING_REVIEW). A decided application, or a type whose request is APPROVED, takes no file (412). ${HOW}`,
      params: Type.Object({ application_id: Uuid(), document_type: Type.Enum(ALL_DOCUMENT_TYPES) }),
      response: { ...uploadResponse, 412: detail('Precondition Failed: the application is decided, or its document of this type is approved') },
    },
    config: { jikoLocs: UPLOAD_LOCS },
  }, async (request, reply) => {
    const upload = uploadOf(request);
    const { application_id: applicationId, document_type: type } = request.params;
    const id = await receiving(reply, upload, () => options.uploads.uploadApplicationDocument(request.ctx, applicationId, type, upload));
    return sealedReply(request, reply, 200, (documentId: string) => ({ success: true, document_id: documentId }))(id);
  });

  app.post('/api/v1/customers/:customer_id/documents/:document_type/file', {
    schema: {
      tags: ['Customers'], security, summary: 'Upload a document to a customer',
      description: `A file for an approved customer, the proof of a change, closure or ACH request. ${HOW}`,
      params: Type.Object({ customer_id: Uuid(), document_type: Type.Enum(ALL_DOCUMENT_TYPES) }),
      response: uploadResponse,
    },
    config: { jikoLocs: UPLOAD_LOCS },
  }, async (request, reply) => {
    const upload = uploadOf(request);
    const { customer_id: customerId, document_type: type } = request.params;
    const id = await receiving(reply, upload, () => options.uploads.uploadCustomerDocument(request.ctx, customerId, type, upload));
    return sealedReply(request, reply, 200, (documentId: string) => ({ success: true, document_id: documentId }))(id);
  });
}
