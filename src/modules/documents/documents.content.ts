import { DOCUMENT_FILE_NAME_CHARS_MAX } from '../../platform/limits.ts';
import type { UploadMediaType } from '../../platform/http/streamed-upload.ts';

/**
 * What an uploaded file is, read from its bytes rather than from what the client says: the
 * signatures ("magic bytes") that open a PDF (`%PDF-`, ISO 32000-1 §7.5.2), a JPEG (SOI marker
 * FF D8 then a marker FF, ITU T.81 §B.1.1.2) and a PNG (the 8-byte signature, RFC 2083 §3.1).
 */
const SIGNATURES: readonly { type: UploadMediaType; bytes: readonly number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/** Bytes of a file's head that `sniffMediaType` needs to decide (the longest signature). */
export const SNIFF_BYTES = 8;

/**
 * The media type the head of a file shows (its first SNIFF_BYTES bytes, or all of a shorter
 * file), or undefined when it is none of PDF, JPEG, PNG (an executable, a ZIP, text).
 */
export function sniffMediaType(head: Uint8Array): UploadMediaType | undefined {
  return SIGNATURES.find((signature) => signature.bytes.every((byte, i) => head[i] === byte))?.type;
}

/**
 * The file name of a `content-disposition` header (RFC 6266): `filename*=UTF-8''<percent-encoded>`
 * wins over `filename="..."` or `filename=token`. Any folder part is dropped (`C:\x\scan.pdf` is
 * `scan.pdf`), and control characters are refused.
 * @returns the name; '' when the header is absent or names no file; undefined when it is malformed
 *   or the name is longer than DOCUMENT_FILE_NAME_CHARS_MAX characters.
 */
export function fileNameOf(contentDisposition: string | undefined): string | undefined {
  if (contentDisposition === undefined || contentDisposition.trim() === '') return '';
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^;]*)/i.exec(contentDisposition);
  const plain = /(?:^|;)\s*filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(contentDisposition);
  let name: string | undefined;
  if (extended) {
    const match = /^UTF-8'[^']*'(.*)$/i.exec(extended[1]!.trim());
    if (!match) return undefined;
    try {
      name = decodeURIComponent(match[1]!);
    } catch {
      return undefined;
    }
  } else if (plain) {
    const raw = plain[1]!.trim();
    name = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  } else {
    return '';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return undefined;
  const base = name.split(/[\\/]/).pop()!.trim();
  return base.length > DOCUMENT_FILE_NAME_CHARS_MAX ? undefined : base;
}
