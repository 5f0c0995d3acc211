import t from 'tap';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { decodePayload } from '../../src/body';

const doc = { note: "x' UNION SELECT password FROM users --", n: 1 };
const json = Buffer.from(JSON.stringify(doc));

t.test('a compressed body is inflated as the application will read it', async (t) => {
  const cases: Array<[string, Buffer]> = [
    ['gzip', gzipSync(json)],
    ['x-gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['deflate', deflateRawSync(json)], // raw deflate, which some clients send and body-parser accepts
    ['br', brotliCompressSync(json)],
    ['GZIP ', gzipSync(json)],
    ['gzip, br', brotliCompressSync(gzipSync(json))], // br applied last, undone first
    ['identity, gzip', gzipSync(json)],
  ];
  for (const [coding, bytes] of cases) {
    t.same(decodePayload(bytes, 'body', 'application/json', false, coding).value, doc, `${coding} as bytes`);
    t.same(decodePayload(bytes.toString('base64'), 'body', 'application/json', true, coding).value, doc, `${coding} as base64`);
  }
  // Without a Content-Encoding the same bytes are not inflated (the platform already did, or nobody will).
  t.type(decodePayload(gzipSync(json), 'body', 'application/json', false).value, 'string');
  t.same(decodePayload(json, 'body', 'application/json', false, 'identity').value, doc, 'identity: read as is');
});

t.test('bad, unknown and oversized codings give a clear result', async (t) => {
  const bad = decodePayload(Buffer.from('not gzip at all'), 'body', 'text/plain', false, 'gzip');
  t.equal(bad.problem, 'invalid-encoding');
  t.equal(bad.value, 'not gzip at all', 'inspected as received');
  const truncated = gzipSync(json).subarray(0, 20);
  t.equal(decodePayload(truncated, 'body', 'application/json', false, 'gzip').problem, 'invalid-encoding');
  const zstd = decodePayload(json, 'body', 'application/json', false, 'zstd');
  t.equal(zstd.problem, 'unsupported-encoding');
  t.same(zstd.value, doc, 'an unknown coding: the bytes are still read');
  t.equal(decodePayload(json, 'body', 'application/json', false, 'gzip, gzip, gzip, gzip').problem, 'unsupported-encoding', 'more layers than any client sends');
  // A decompression bomb: 64 MiB of zeros gzip to ~64 KiB; inflated only up to the limit.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  t.ok(bomb.length < 100_000);
  const r = decodePayload(bomb, 'body', 'application/json', false, 'gzip', 1024 * 1024);
  t.equal(r.inflatesBeyond, 1024 * 1024);
  t.equal(r.value, undefined);
  const small = decodePayload(gzipSync(json), 'body', 'application/json', false, 'gzip', json.length);
  t.same(small.value, doc, 'exactly at the limit is fine');
  t.equal(decodePayload(gzipSync(json), 'body', 'application/json', false, 'gzip', json.length - 1).inflatesBeyond, json.length - 1);
});

t.test('a body in a declared non-UTF-8 charset is also read in that charset', async (t) => {
  const ct = 'application/json; charset=utf-7';
  const r = decodePayload('{"q":"x+ACc- OR +ACc-1+ACc-=+ACc-1"}', 'body', ct, false);
  t.same(r.value, { q: 'x+ACc- OR +ACc-1+ACc-=+ACc-1' }, 'the UTF-8 reading first');
  t.same(r.alts, [{ segment: '#charset', value: { q: "x' OR '1'='1" } }], 'and the UTF-7 reading');
  const u16 = Buffer.from(JSON.stringify({ q: '<script>alert(1)</script>' }), 'utf16le');
  t.same(decodePayload(u16, 'body', 'application/json; charset="UTF-16LE"', false).alts?.find((a) => a.segment === '#charset')?.value, { q: '<script>alert(1)</script>' });
  t.same(decodePayload(u16.toString('base64'), 'body', 'application/json; charset=utf-16le', true).alts?.find((a) => a.segment === '#charset')?.value, { q: '<script>alert(1)</script>' }, 'base64 bytes');
  t.equal(decodePayload('{"q":"plain"}', 'body', 'application/json; charset=utf-7', false).alts, undefined, 'the same text both ways: read once');
  t.equal(decodePayload('{"q":"x+ACc-"}', 'body', 'application/json; charset=utf-8', false).alts, undefined, 'UTF-8 declared: read once');
  t.equal(decodePayload('{"q":"x+ACc-"}', 'body', 'application/json', false).alts, undefined, 'no charset: read once');
  t.equal(decodePayload('q=x%2BACc-', 'body', 'text/plain; charset=utf-7', false).alts, undefined, 'no + in it: nothing else to read');
  t.same(decodePayload('x+ACc- OR 1=1', 'body', 'text/plain; charset=utf-7', false).alts?.find((a) => a.segment === '#charset')?.value, "x' OR 1=1");
  // After inflation too.
  const { gzipSync } = await import('node:zlib');
  t.same(decodePayload(gzipSync(u16), 'body', 'application/json; charset=utf-16le', false, 'gzip').alts?.find((a) => a.segment === '#charset')?.value, { q: '<script>alert(1)</script>' });
});

t.test('text formats: the readings a CSV, YAML or JSON-lines reader makes, and whether they cover the text', async (t) => {
  t.same(decodePayload('\ufeff{"q":"x"}', 'body', 'application/json', false), { value: { q: 'x' } }, 'a byte order mark is stripped as body-parser does');
  t.same(decodePayload('\ufeff{"q":"x"}', 'body', undefined, false).value, { q: 'x' }, 'also without a content type');
  const lines = decodePayload('{"a":1}\n{"b":2}\n', 'body', 'application/x-ndjson', false);
  t.same(lines, { value: '{"a":1}\n{"b":2}\n', alts: [{ segment: '#lines', value: [{ a: 1 }, { b: 2 }] }], textCovered: true }, 'the text stays the value (schemas), the documents are read');
  const notLines = decodePayload('{"a":1}\n{"b":', 'body', 'application/x-ndjson', false);
  t.equal(notLines.textCovered, undefined, 'a line that does not parse: the text is read whole too');
  t.same(notLines.alts, [{ segment: '#strings', value: ['a', 'b'] }]);
  t.same(decodePayload('a,b\n"x ""y""",z\n', 'body', 'text/csv', false).alts, [{ segment: '#csv', value: [['a', 'b'], ['x "y"', 'z']] }]);
  t.equal(decodePayload('k: v\n', 'body', 'application/yaml', false).textCovered, true);
  t.equal(decodePayload('plain words', 'body', 'text/plain', false).alts, undefined, 'plain text: one reading');
  t.equal(decodePayload('{"a":1}', 'body', 'application/json', false).alts, undefined, 'valid JSON: one reading');
});

t.test('multipart parameters are read as busboy reads them', async (t) => {
  const mp = (disposition: string): string => `--b\r\nContent-Disposition: form-data; ${disposition}\r\n\r\nhi\r\n--b--\r\n`;
  const files = (disposition: string): unknown => (decodePayload(mp(disposition), 'body', 'multipart/form-data; boundary=b', false).value as Record<string, unknown>)['(files)'];
  t.same(files('name="f"; filename="a;b.txt"'), [{ filename: 'a;b.txt', content: 'hi' }], 'a ; inside quotes does not end the name');
  // Undici (`request.formData()`) ends the name at the first quote and keeps the backslash: read too.
  t.same(files('name="f"; filename="say \\"hi\\".txt"'), [{ filename: 'say "hi".txt', content: 'hi', 'filename#raw': 'say \\' }], 'escaped quotes');
  t.same(files("name=\"f\"; filename*=UTF-8''%2E%2E%2Fetc%2Fpasswd"), [{ filename: '../etc/passwd', content: 'hi' }], 'the extended form, decoded');
  t.same(files("name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''b%3B.txt"), [{ filename: 'a.txt', content: 'hi', 'filename*': 'b;.txt' }], 'both forms, when they differ');
  t.same(decodePayload(mp('name="x;y"'), 'body', 'multipart/form-data; boundary="b"', false).value, { 'x;y': 'hi' }, 'a quoted boundary and field name');
});
