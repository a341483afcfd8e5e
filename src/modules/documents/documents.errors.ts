import { DomainError } from '../../platform/errors.ts';

const MIB = 1024 * 1024;

/**
 * The documents module's coded errors. Field names are the upload's, in domain terms
 * (`contentType`, `contentLength`, `contentDisposition`, `file`); each route maps them to the
 * headers and body of its wire.
 */
export const documentsErrors = {
  /** 413: the declared or received size is over the document type's limit. */
  tooLarge: (limitBytes: number, what: string) =>
    new DomainError('documents.too_large', 'too_large', `File is larger than the ${limitBytes / MIB} MB allowed for ${what}`),
  /** 422: no `content-length` (Jiko requires it). */
  lengthRequired: () =>
    new DomainError('documents.length_required', 'invalid', 'Field required', [{ field: ['contentLength'], msg: 'Field required', type: 'missing' }]),
  /** 422: a media type other than PDF, JPEG or PNG. */
  unsupportedType: (contentType: string) => {
    const msg = `Input should be 'application/pdf', 'image/jpeg' or 'image/png' (got '${contentType.slice(0, 100)}')`;
    return new DomainError('documents.unsupported_type', 'invalid', msg, [{ field: ['contentType'], msg, type: 'enum' }]);
  },
  /** 422: the bytes are not what they claim (a renamed executable, a PNG sent as a PDF). */
  contentMismatch: (declared: string, found: string | undefined) => {
    const msg = found
      ? `File content is ${found}, not the ${declared} its content-type says`
      : `File content is not a PDF, JPEG or PNG (content-type says ${declared})`;
    return new DomainError('documents.content_mismatch', 'invalid', msg, [{ field: ['file'], msg, type: 'value_error' }]);
  },
  /** 422: an empty body. */
  empty: () => new DomainError('documents.empty', 'invalid', 'File is empty', [{ field: ['file'], msg: 'File is empty', type: 'missing' }]),
  /** 422: `content-disposition` names no file where one is required, or a malformed or over-long name. */
  fileName: (missing: boolean) => {
    const msg = missing ? 'Field required: content-disposition must name the file (attachment; filename="scan.pdf")' : 'content-disposition does not name a valid file name';
    return new DomainError('documents.file_name', 'invalid', msg, [{ field: ['contentDisposition'], msg, type: missing ? 'missing' : 'value_error' }]);
  },
  /** 401: the body read is not the one the request's signature covers. */
  signatureInvalid: () => new DomainError('documents.signature_invalid', 'unauthorized', 'Invalid request signature'),
};
