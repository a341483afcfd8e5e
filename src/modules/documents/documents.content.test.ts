import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileNameOf, sniffMediaType } from './documents.content.ts';

describe('documents content', () => {
  test('the media type comes from the magic bytes, not the name', () => {
    assert.equal(sniffMediaType(Buffer.from('%PDF-1.4\n')), 'application/pdf');
    assert.equal(sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 0, 0, 0])), 'image/jpeg');
    assert.equal(sniffMediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'image/png');
    // An executable (MZ), a ZIP, text, a PNG signature cut short, and nothing at all.
    for (const bytes of [[0x4d, 0x5a, 0x90, 0], [0x50, 0x4b, 0x03, 0x04], [0x25, 0x50, 0x44, 0x46], [0x89, 0x50, 0x4e, 0x47], []]) {
      assert.equal(sniffMediaType(Buffer.from(bytes)), undefined, JSON.stringify(bytes));
    }
  });

  test('the file name of content-disposition: quoted, token or RFC 5987; folders dropped; malformed refused', () => {
    assert.equal(fileNameOf(undefined), '');
    assert.equal(fileNameOf('attachment'), '');
    assert.equal(fileNameOf('attachment; filename="scan 1.pdf"'), 'scan 1.pdf');
    assert.equal(fileNameOf('attachment; filename=scan.pdf'), 'scan.pdf');
    assert.equal(fileNameOf('attachment; filename="a\\"b.pdf"'), 'a"b.pdf');
    assert.equal(fileNameOf('attachment; filename="x.pdf"; filename*=UTF-8\'\'%C3%A9t%C3%A9.pdf'), 'été.pdf');
    assert.equal(fileNameOf('attachment; filename="C:\\\\Users\\\\ada\\\\id.png"'), 'id.png');
    assert.equal(fileNameOf('attachment; filename="../../etc/passwd"'), 'passwd');
    assert.equal(fileNameOf("attachment; filename*=latin1''x.pdf"), undefined);
    assert.equal(fileNameOf("attachment; filename*=UTF-8''%E0%A4%A.pdf"), undefined);
    assert.equal(fileNameOf('attachment; filename="a\u0000b.pdf"'), undefined);
    assert.equal(fileNameOf(`attachment; filename="${'a'.repeat(256)}"`), undefined);
  });
});
