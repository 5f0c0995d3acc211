import t from 'tap';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { decodePayload, utf16Text } from '../../src/body';

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
  // (Form-shaped text under text/plain has its form reading, `#form`; no charset reading.)
  t.equal(decodePayload('q=x%2BACc-', 'body', 'text/plain; charset=utf-7', false).alts?.find((a) => a.segment === '#charset'), undefined, 'no + in it: nothing else to read');
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

t.test('message bytes in UTF-16 are read as their consumer decodes them (utf16Text)', async (t) => {
  const le = (s: string) => Buffer.from(s, 'utf16le');
  const be = (s: string) => Buffer.from(le(s)).swap16();
  const bom = (b: Buffer, mark: number[]) => Buffer.concat([Buffer.from(mark), b]);
  const text = JSON.stringify(doc);
  // With a byte order mark, any text; without one, JSON in either byte order.
  t.equal(utf16Text(bom(le(text), [0xff, 0xfe])), text);
  t.equal(utf16Text(bom(be(text), [0xfe, 0xff])), text);
  t.equal(utf16Text(bom(le('id,note\r\n1,plain text\r\n'), [0xff, 0xfe])), 'id,note\r\n1,plain text\r\n');
  t.equal(utf16Text(le(text)), text);
  t.equal(utf16Text(be(text)), text);
  // As a message payload (raw bytes, or base64 as Kinesis, Kafka and Pub/Sub carry them).
  for (const bytes of [le(text), be(text), bom(le(text), [0xff, 0xfe])]) {
    t.same(decodePayload(bytes, 'auto', undefined, false).value, doc, 'bytes');
    t.same(decodePayload(bytes.toString('base64'), 'auto', undefined, true).value, doc, 'base64');
  }
  // Not UTF-16: BOM-less text that is not JSON, 16-bit samples that sit in printable ASCII (72 °F,
  // 73 °F… are `H\0I\0`), odd lengths, short input, and bytes that are UTF-8 text in the first place.
  t.equal(utf16Text(le('id,note\r\n1,plain text\r\n')), undefined, 'BOM-less plain text');
  const samples = Buffer.alloc(400);
  for (let i = 0; i < 200; i++) samples.writeInt16LE(60 + Math.round(30 * Math.sin(i / 7)), i * 2);
  t.equal(utf16Text(samples), undefined, 'temperature samples');
  t.notSame(decodePayload(samples, 'auto', undefined, false).value, samples.toString('utf16le'), 'samples are not read as text');
  t.equal(utf16Text(Buffer.concat([le(text), Buffer.from([0x41])])), undefined, 'odd length');
  t.equal(utf16Text(le('{}')), undefined, 'too short');
  t.equal(utf16Text(Buffer.from(text)), undefined, 'UTF-8');
  // UTF-32LE's mark starts like UTF-16LE's.
  const u32 = Buffer.alloc(4 + text.length * 4);
  u32.set([0xff, 0xfe, 0, 0]);
  for (let i = 0; i < text.length; i++) u32.writeUInt32LE(text.charCodeAt(i), 4 + i * 4);
  t.equal(utf16Text(u32), text, 'UTF-32LE with its mark');
  // An HTTP body is text by its content type, not sorted like message bytes: unchanged.
  t.type(decodePayload(le(text), 'body', 'application/json', false).value, 'string');
});

t.test('unquoted CSV and TSV messages with a header row are read field by field', async (t) => {
  const csv = (text: string) => decodePayload(text, 'auto', undefined, false).alts?.find((a) => a.segment === '#csv')?.value;
  t.same(csv("id,name,note\r\n7,Ann,admin'--\r\n8,Bob,ok\r\n"), [['id', 'name', 'note'], ['7', 'Ann', "admin'--"], ['8', 'Bob', 'ok']]);
  t.same(csv('order_id\tUnit price\te-mail\n1\t9.50\ta@example.com\n'), [['order_id', 'Unit price', 'e-mail'], ['1', '9.50', 'a@example.com']]);
  t.same(csv('a;b\n1;`id`'), [['a', 'b'], ['1', '`id`']], 'the last line without a line break');
  t.same(csv('a|b\nx|javascript:alert(1)\n'), [['a', 'b'], ['x', 'javascript:alert(1)']]);
  // Not read by fields: no header row (prose, addresses, code, logs, markdown), one line, or rows
  // whose delimiter count differs from the header's.
  for (const text of [
    'Hi team, the export fails since Monday.\nThanks, Ann',
    '12 Main St, Springfield, IL 62701\n4 Elm Rd, Portland, OR 97201\n',
    'SELECT id, name FROM users WHERE id = ?\nUPDATE users SET name = ?, email = ? WHERE id = ?\n',
    '2026-11-29T10:00:00Z,INFO,worker started\n2026-11-29T10:00:01Z,WARN,retrying\n',
    '| name | value |\n|---|---|\n| a | b |\n',
    'exec(cmd, args)\nspawn(cmd, opts)\n',
    'key=value, other=thing\nx=1, y=2\n',
    'id,name\n',
    'id,name',
    'id,name\n1,2,3\n',
    'id,name\n1\n',
    'name ,id\n1,2\n',
  ]) {
    t.equal(csv(text), undefined, JSON.stringify(text));
  }
});

t.test('a JSON document under a form, multipart, CSV or YAML content type is also read as JSON', async (t) => {
  const text = JSON.stringify({ user: "1' OR '1'='1", n: 1 });
  for (const ct of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'multipart/form-data', 'text/csv', 'application/yaml']) {
    const d = decodePayload(text, 'body', ct, false);
    t.same(d.alts?.find((a) => a.segment === '#json')?.value, { user: "1' OR '1'='1", n: 1 }, ct);
  }
  // The form reading stays what a form parser makes of it (schemas see it); JSON-looking text that does
  // not parse, and ordinary forms, get no JSON reading.
  t.same(decodePayload('a=1&b=2', 'body', 'application/x-www-form-urlencoded', false), { value: { a: '1', b: '2' } });
  t.equal(decodePayload('{"a":1', 'body', 'application/x-www-form-urlencoded', false).alts, undefined);
  t.equal(decodePayload('{a=1}', 'body', 'application/x-www-form-urlencoded', false).alts, undefined);
});

t.test('a form-encoded HTTP body under another content type is also read as a form', async (t) => {
  const text = "user=admin'--&n=1";
  for (const ct of ['text/plain', undefined, 'application/octet-stream', 'application/json']) {
    t.same(decodePayload(text, 'body', ct, false).alts?.find((a) => a.segment === '#form')?.value, { user: "admin'--", n: '1' }, String(ct));
  }
  // Prose, JSON, and a declared form (read as a form already) get no second form reading.
  t.equal(decodePayload('a = b and c', 'body', 'text/plain', false).alts, undefined);
  t.equal(decodePayload('{"a":"b=c"}', 'body', 'text/plain', false).alts, undefined);
  t.same(decodePayload('a=1', 'body', 'application/x-www-form-urlencoded', false), { value: { a: '1' } });
  t.equal(decodePayload('=1', 'body', 'text/plain', false).alts, undefined, 'no name before =');
});
