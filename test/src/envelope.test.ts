import t from 'tap';
import { gzipSync } from 'node:zlib';
import { decodePayload, payloadText } from '../../src/body';
import { createEngine } from '../../src/engine';
import { encodedFields } from '../../src/envelope';
import type { InputSource } from '../../src/types';
import { noise } from '../helpers/noise';

const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');
const SUB = 'projects/shop/subscriptions/orders-push';

t.test('encodedFields: the envelopes, by shape, strictly', async (t) => {
  t.same(encodedFields({ message: { data: 'aGk=', messageId: '1' }, subscription: SUB }, 10), [{ path: ['message', 'data'], value: 'aGk=' }]);
  t.same(encodedFields({ specversion: '1.0', id: '1', data_base64: 'aGk=' }, 10), [{ path: ['data_base64'], value: 'aGk=' }]);
  t.same(encodedFields({ specversion: '1.0', data: { message: { data: 'aGk=' }, subscription: SUB } }, 10), [{ path: ['data', 'message', 'data'], value: 'aGk=' }]);
  t.same(
    encodedFields([{ specversion: '1.0', data_base64: 'YQ==' }, { specversion: '1.0', data: { x: 1 } }, 7, { specversion: '1.0', data_base64: 'Yg==' }], 10),
    [
      { path: [0, 'data_base64'], value: 'YQ==' },
      { path: [3, 'data_base64'], value: 'Yg==' },
    ],
  );
  t.same(
    encodedFields({ Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: 'm', MessageAttributes: { a: { Type: 'String', Value: 'x' }, b: { Type: 'Binary', Value: 'aGk=' } } }, 10),
    [{ path: ['MessageAttributes', 'b', 'Value'], value: 'aGk=' }],
  );
  // Without Pub/Sub's subscription (a body POSTed straight to a push endpoint, whose handler decodes
  // message.data all the same), when data is base64 as the envelope's decoder takes it (no protocol
  // finding there), padded or not, standard or URL-safe, with line breaks: the handler's
  // Buffer.from(data, 'base64') reads them all alike.
  for (const data of ['aGk=', 'YQ==', 'JChpZCk=', 'ab+/', 'abcd', 'aGk', 'JChpZCk', 'aGk-', 'aGk_', 'JChp\nZCk=', 'MSBPUiAxPTE']) {
    t.same(encodedFields({ message: { data } }, 10), [{ path: ['message', 'data'], value: data }], `no subscription: ${data}`);
    t.same(encodedFields({ message: { data }, subscription: 'orders' }, 10), [{ path: ['message', 'data'], value: data }], `another subscription: ${data}`);
  }
  // Look-alikes of ordinary APIs are not envelopes.
  for (const doc of [
    { message: { data: 'hello' } },
    { message: { data: 'hello world!' } },
    { message: { data: 'aG=k' } },
    { message: { data: 'a===' } },
    { message: { data: 'aGk-!' } },
    { message: { data: 'aGk.' } },
    { message: { data: '==' } },
    { message: { data: 'a Gk=' } },
    { message: { data: '' } },
    { message: { data: 42 }, subscription: SUB },
    { message: { data: '' }, subscription: SUB },
    { data_base64: 'aGk=' },
    { specversion: 1, data_base64: 'aGk=' },
    { Type: 'Notification', TopicArn: 'orders', MessageAttributes: { b: { Type: 'Binary', Value: 'aGk=' } } },
    [{ data_base64: 'aGk=' }, { specversion: '1.0', data_base64: 'aGk=' }],
    [],
    null,
    'text',
    new Uint8Array([1, 2]),
  ]) {
    t.same(encodedFields(doc, 10), [], JSON.stringify(doc) ?? String(doc));
  }
  t.equal(encodedFields(Array.from({ length: 50 }, () => ({ specversion: '1.0', data_base64: 'YQ==' })), 20).length, 20, 'at most `max` fields');
});

t.test('payloadText: text whole, binary by its text runs, noise not at all', async (t) => {
  t.same(payloadText('{"a":"b"}'), { text: '{"a":"b"}' });
  t.same(payloadText('plain words\nand a tab\t'), { text: 'plain words\nand a tab\t' });
  t.same(payloadText('one stray byte \u0000 in a long enough line of text here'), { text: 'one stray byte \u0000 in a long enough line of text here' });
  t.same(payloadText('../../etc/passwd\u0000.png'), { text: '../../etc/passwd\u0000.png' }, 'a NUL before an extension keeps the text whole');
  const junky = `{"name":"${'\ufffd'.repeat(40)}"}`;
  t.same(payloadText(junky), { text: junky }, 'JSON stays JSON whatever bytes its strings hold (JSON.parse keeps them)');
  const proto = Buffer.concat([Buffer.from([0x0a, 7]), Buffer.from('BK-1042'), Buffer.from([0x1a, 17]), Buffer.from('gift wrap, please'), Buffer.from([0x10, 3])]).toString('utf8');
  t.same(payloadText(proto), { runs: ['gift wrap, please'] }, 'protobuf: the string fields long enough to mean something');
  t.equal(payloadText(noise(1, 2048).toString('utf8')), undefined, 'random bytes: nothing to read');
  t.equal(payloadText(gzipSync('{"a":1}'.repeat(50)).toString('utf8')), undefined, 'gzip: nothing to read');
});

t.test('decodePayload: a base64 payload that is binary is not read as text', async (t) => {
  t.same(decodePayload(b64('{"a":1}'), 'auto', undefined, true), { value: { a: 1 } });
  t.same(decodePayload(b64(noise(2, 512)), 'auto', undefined, true), { value: undefined });
  t.same(decodePayload(b64(Buffer.concat([Buffer.from([0, 1, 2, 3, 4, 5, 6]), Buffer.from("x'; DROP TABLE users; --"), Buffer.from([7, 8])])), 'auto', undefined, true), { value: ["x'; DROP TABLE users; --"] });
  t.same(decodePayload(b64(noise(3, 64)), 'none', undefined, true), { value: undefined });
  // Multipart bodies hold binary files: the multipart reader skips them, the fields are still read.
  const mp = Buffer.concat([
    Buffer.from('--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b\r\nContent-Disposition: form-data; name="f"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
    noise(4, 256),
    Buffer.from('\r\n--b--\r\n'),
  ]);
  t.match(decodePayload(b64(mp), 'body', 'multipart/form-data; boundary=b', true).value, { note: 'hello', '(files)': [{ filename: 'a.png' }] });
  // A body in a declared non-UTF-8 charset is text in that charset (UTF-16 is half NULs as UTF-8).
  const utf16 = decodePayload(b64(Buffer.from("name=x' OR '1'='1", 'utf16le')), 'body', 'application/x-www-form-urlencoded; charset=utf-16le', true);
  t.same(utf16.alts?.find((a) => a.segment === '#charset')?.value, { name: "x' OR '1'='1" });
});

t.test('engine: binary records pass, text records are read, envelopes are decoded once', async (t) => {
  const e = createEngine();
  const record = (value: string): InputSource => ({ kind: 'record', path: 'records[0].kinesis.data', value, decoding: 'auto', base64: true });
  for (let i = 0; i < 300; i++) t.equal(e.inspect({ sources: [record(b64(noise(i, 32 + i * 13)))] }).action, 'allow', `random record #${i}`);
  const atk = e.inspect({ sources: [record(b64(Buffer.concat([noise(9, 8).map((b) => b & 0x1f), Buffer.from('../../../../etc/passwd'), Buffer.from([0])])))] });
  t.equal(atk.action, 'block', 'text inside binary is read');
  t.equal(atk.findings[0]?.path, 'records[0].kinesis.data[0]');

  const body = (doc: unknown): InputSource => ({ kind: 'body', path: 'body', value: JSON.stringify(doc), decoding: 'body', contentType: 'application/json' });
  // `eyJ…` is read by the base64-JSON reading of the walk already: one finding, not two.
  const json = e.inspect({ sources: [body({ message: { data: b64(JSON.stringify({ q: "1' OR '1'='1" })) }, subscription: SUB })] });
  t.same(json.findings.map((f) => f.path), ['body.message.data["#base64"].q']);
  const text = e.inspect({ sources: [body({ message: { data: b64("1' OR '1'='1") }, subscription: SUB })] });
  t.same(text.findings.map((f) => f.path), ['body.message.data["#base64"]']);
  // A second envelope inside is not opened as one, but its base64 text is read as any base64 text is.
  const nested = e.inspect({ sources: [body({ message: { data: b64(JSON.stringify({ message: { data: b64('; cat /etc/passwd') }, subscription: SUB })) }, subscription: SUB })] });
  t.same([...new Set(nested.findings.map((f) => f.path))], ['body.message.data["#base64"].message.data["#base64"]']);
  // Records: an Event Grid event a queue delivered, an SNS notification in an SQS body.
  const queued = e.inspect({ sources: [{ kind: 'record', path: 'payload', value: { specversion: '1.0', id: '1', source: '/x', type: 't', data_base64: b64('a.txt && rm -rf /') }, decoding: 'auto' }] });
  t.equal(queued.findings[0]?.path, 'payload.data_base64["#base64"]');
  // Other sources (headers, query) are not envelopes; base64 text in them is read as base64 text.
  const header = e.inspect({ sources: [{ kind: 'header', path: 'headers', value: { 'x-envelope': { message: { data: b64('; cat /etc/passwd') }, subscription: SUB } } }] });
  t.same([...new Set(header.findings.map((f) => f.path))], ['headers.x-envelope.message.data["#base64"]']);
});

t.test('engine: the decoded payload counts against the limits', async (t) => {
  const e = createEngine({ limits: { maxBytes: 10_000 } });
  const v = e.inspect({ sources: [{ kind: 'body', path: 'body', value: JSON.stringify({ message: { data: b64('a'.repeat(6000)) }, subscription: SUB }), decoding: 'body', contentType: 'application/json' }] });
  t.equal(v.findings[0]?.rule, 'limits.bytes');
  // Read decoded by the walk (base64 text) before the envelope's reading: the limit is met there.
  t.equal(v.findings[0]?.path, 'body.message.data["#base64"]');
});

t.test('encodedFields: an SNS document with many attributes still gives every Binary one, up to max', async (t) => {
  const attrs: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) attrs[`s${i}`] = { Type: 'String', Value: `v${i}` };
  attrs.cmd = { Type: 'Binary', Value: 'fGlk' };
  const doc = { Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', MessageAttributes: attrs };
  t.same(encodedFields(doc, 10), [{ path: ['MessageAttributes', 'cmd', 'Value'], value: 'fGlk' }]);
  for (let i = 0; i < 20; i++) attrs[`b${i}`] = { Type: 'Binary', Value: 'aGk=' };
  t.equal(encodedFields(doc, 10).length, 10, 'at most max fields (the engine reports what lies beyond as a limit)');
});
