/**
 * Hostile and odd inputs on Azure Functions and GCP that went uninspected (each case failed before
 * its fix): a blob with one stray byte, a CloudEvent with both `data` and `data_base64`, a query
 * string past the GCP query parser's pair limit. Azure runs real InvocationContexts, GCP the real
 * functions-framework server over HTTP on loopback. What was probed and found sound is in
 * hostile-events.test.ts's style there; this file holds the regressions.
 */
import t from 'tap';
import { connect, type AddressInfo } from 'node:net';
import type { InvocationContext } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect as protectAzure, RequestBlockedError, type SecurityEvent } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import { invocationContext } from '../helpers/azure-events';

type Any = any;

const ATTACK = "1' UNION SELECT password FROM users--";
const b64 = (s: string): string => Buffer.from(s).toString('base64');

interface Outcome {
  threw: unknown;
  called: number;
  logs: SecurityEvent[];
}

async function azure(input: unknown, context: InvocationContext): Promise<Outcome> {
  const logs: SecurityEvent[] = [];
  let called = 0;
  const h = protectAzure(
    async () => {
      called++;
    },
    { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false, denialOfWallet: false },
  );
  let threw: unknown;
  try {
    await h(input, context);
  } catch (err) {
    threw = err;
  }
  return { threw, called, logs };
}

async function gcpCall(...args: unknown[]): Promise<Outcome> {
  const logs: SecurityEvent[] = [];
  let called = 0;
  const h = protectGcp(((..._a: unknown[]) => void called++) as Any, { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false, denialOfWallet: false });
  let threw: unknown;
  try {
    await (h as Any)(...args);
  } catch (err) {
    threw = err;
  }
  return { threw, called, logs };
}

const blocked = (o: Outcome, where: string): boolean => o.called === 0 && o.logs.some((l) => l.action === 'block' && l.where === where);

t.test('Azure blob: text with a stray byte is inspected, binary content still is not', async (t) => {
  // The blob was inspected only when its first 8 KB decoded as strict UTF-8 with no NUL: one Latin-1
  // letter (a spreadsheet's CSV export) or one byte the uploader put in front left all of it unread.
  const ctx = (): InvocationContext => invocationContext({ type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' }, { blobTrigger: 'uploads/a.csv', name: 'a.csv' });
  const attacks: Array<[string, Buffer]> = [
    ['a Latin-1 CSV', Buffer.from(`name,note\r\nJos\u00e9,${ATTACK}\r\n`, 'latin1')],
    ['a NUL in front', Buffer.concat([Buffer.from([0]), Buffer.from(ATTACK)])],
    ['a 0xFF in front', Buffer.concat([Buffer.from([0xff]), Buffer.from(ATTACK)])],
    ['a NUL after', Buffer.concat([Buffer.from(ATTACK), Buffer.from([0])])],
    ['a few odd bytes in a long text', Buffer.concat([Buffer.from('a,b\r\n'.repeat(400)), Buffer.from([0xe9, 0, 0xfe]), Buffer.from(ATTACK)])],
  ];
  for (const [what, bytes] of attacks) {
    const o = await azure(bytes, ctx());
    t.ok(o.threw instanceof RequestBlockedError, `${what}: blocked (${String(o.threw)})`);
    t.ok(blocked(o, 'payload'), `${what}: found in the payload`);
  }
  const clean = await azure(Buffer.from('name,city\r\nJos\u00e9,M\u00e1laga\r\n', 'latin1'), ctx());
  t.equal(clean.threw, undefined, 'a clean Latin-1 CSV runs the handler');
  t.equal(clean.called, 1);
  // Binary data with a text run inside is still not read as text (an image's bytes).
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), Buffer.from(ATTACK), Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 128) & 0xff))]);
  const image = await azure(jpeg, ctx());
  t.equal(image.threw, undefined, 'an image with a text run: not inspected as text');
  t.equal(image.called, 1);
});

t.test('Azure Cosmos DB: a document that throws when read fails alone, the batch is still inspected', async (t) => {
  // Stripping the system properties read every document up front: one getter that throws (a batch
  // built in code) failed the whole batch's normalization, and the attack beside it reached the
  // handler. A Service Bus or Event Hubs batch already failed that message alone.
  const throwing = (): object => ({
    get x(): never {
      throw new Error('getter');
    },
  });
  for (const type of ['cosmosDBTrigger', 'serviceBusTrigger']) {
    const o = await azure([throwing(), { id: 'd2', note: ATTACK }], invocationContext({ type, name: 'docs', cardinality: 'many' }));
    t.ok(o.threw instanceof RequestBlockedError, `${type}: blocked (${String(o.threw)})`);
    t.ok(blocked(o, 'payload[1].note'), `${type}: the attack in the second document is found`);
    t.equal(o.logs.filter((l) => l.action === 'error').length, 1, `${type}: the failure is logged once`);
    const clean = await azure([throwing(), { id: 'd2', note: 'hello' }], invocationContext({ type, name: 'docs', cardinality: 'many' }));
    t.equal(clean.called, 1, `${type}: fail open on a clean batch, the handler ran`);
  }
});

t.test('CloudEvents: data_base64 beside data (or not a string) is inspected', async (t) => {
  // `data` was read when present and `data_base64` skipped as data by the attribute read: an event
  // with both, or with a data_base64 that is not a string, carried it to the handler unread.
  const shapes: Array<[string, Record<string, unknown>, string]> = [
    ['both', { data: {}, data_base64: b64(ATTACK) }, 'data_base64'],
    ['data null', { data: null, data_base64: b64(ATTACK) }, 'data_base64'],
    ['data_base64 an object', { data_base64: { x: ATTACK } }, 'data_base64.x'],
    ['data_base64 an array beside data', { data: 1, data_base64: [ATTACK] }, 'data_base64[0]'],
  ];
  for (const [what, members, where] of shapes) {
    const ce = { specversion: '1.0', id: '1', source: '/s', type: 'com.example.t', ...members };
    const g = await gcpCall(ce);
    t.ok(blocked(g, where), `GCP ${what}: dropped, found at ${where} (${g.logs.map((l) => l.where).join(' ')})`);
    const pubsub = { ...ce, type: 'google.cloud.pubsub.topic.v1.messagePublished', data: { message: { data: b64('x') } } };
    t.ok(blocked(await gcpCall(pubsub), where), `GCP Pub/Sub ${what}: dropped, found at ${where}`);
    const a = await azure(ce, invocationContext({ type: 'eventGridTrigger', name: 'event' }));
    t.ok(a.threw instanceof RequestBlockedError && blocked(a, `payload.${where}`), `Azure Event Grid ${what}: blocked at payload.${where}`);
  }
  const clean = { specversion: '1.0', id: '1', source: '/s', type: 'com.example.t', data: { a: 1 }, data_base64: b64('{"note":"hello"}') };
  t.equal((await gcpCall(clean)).called, 1, 'GCP: a clean event with both runs the handler');
  t.equal((await azure(clean, invocationContext({ type: 'eventGridTrigger', name: 'event' }))).called, 1, 'Azure: a clean event with both runs the handler');
});

t.test('GCP Storage and Firestore: envelope members a forged event carries are inspected', async (t) => {
  // Storage: only the name, metadata and the uploader's fields were read, by name; Firestore JSON:
  // only each document's name and the plain reading of its fields. Whoever may invoke the function
  // sends the whole envelope (as for Pub/Sub, where every member was already read).
  const ce = (type: string, data: unknown): Record<string, unknown> => ({ specversion: '1.0', id: '1', source: '//x.googleapis.com/p', type, data });
  const STORAGE = 'google.cloud.storage.object.v1.finalized';
  const FIRESTORE = 'google.cloud.firestore.document.v1.written';
  const doc = (fields: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'projects/p/databases/(default)/documents/u/a', fields, ...extra });
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['storage bucket', ce(STORAGE, { name: 'a.txt', bucket: `../${ATTACK}` }), 'data.bucket'],
    ['storage mediaLink', ce(STORAGE, { name: 'a.txt', bucket: 'b', mediaLink: `https://x/${ATTACK}` }), 'data.mediaLink'],
    ['storage nested member', ce(STORAGE, { name: 'a.txt', customerEncryption: { keySha256: ATTACK } }), 'data.customerEncryption.keySha256'],
    ['firestore updateMask', ce(FIRESTORE, { value: doc({}), updateMask: { fieldPaths: [ATTACK] } }), 'data.updateMask.fieldPaths[0]'],
    ['firestore document member', ce(FIRESTORE, { value: doc({}, { note: ATTACK }) }), 'data.value.note'],
    ['firestore fields an array', ce(FIRESTORE, { value: doc([ATTACK]) }), 'data.value.fields[0]'],
    ['firestore two value kinds', ce(FIRESTORE, { value: doc({ age: { stringValue: 'x', integerValue: ATTACK } }) }), 'data.value.fields.age.integerValue'],
    ['firestore arrayValue.values a string', ce(FIRESTORE, { value: doc({ l: { arrayValue: { values: ATTACK } } }) }), 'data.value.fields.l.arrayValue.values'],
    ['firestore mapValue.fields an array', ce(FIRESTORE, { oldValue: doc({ m: { mapValue: { fields: [ATTACK] } } }) }), 'data.oldValue.fields.m.mapValue.fields[0]'],
  ];
  for (const [what, event, where] of cases) {
    const o = await gcpCall(event);
    t.ok(blocked(o, where), `${what}: dropped, found at ${where} (${o.logs.map((l) => l.where).join(' ')})`);
  }
  // A real storage event and a real Firestore JSON event stay clean at every paranoia level.
  const name = 'folder/My Report (final).pdf';
  const realStorage = ce(STORAGE, {
    kind: 'storage#object',
    id: `uploads/${name}/1714557600123456`,
    selfLink: `https://www.googleapis.com/storage/v1/b/uploads/o/${encodeURIComponent(name)}`,
    name,
    bucket: 'uploads',
    generation: '1714557600123456',
    metageneration: '1',
    contentType: 'application/pdf',
    timeCreated: '2026-05-01T10:00:00.123Z',
    updated: '2026-05-01T10:00:00.123Z',
    storageClass: 'STANDARD',
    size: '12345',
    md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/uploads/o/${encodeURIComponent(name)}?generation=1714557600123456&alt=media`,
    crc32c: 'AAAAAA==',
    etag: 'CKih16GjycICEAE=',
  });
  const realFirestore = ce(FIRESTORE, {
    value: doc(
      { comment: { stringValue: 'hello' }, tags: { arrayValue: {} }, address: { mapValue: {} }, n: { integerValue: '4' } },
      { createTime: '2026-05-01T10:00:00.123456Z', updateTime: '2026-05-01T10:00:00.123456Z' },
    ),
    updateMask: { fieldPaths: ['comment', 'address.city'] },
  });
  for (const paranoia of [1, 2, 3] as const) {
    for (const [what, event] of [
      ['storage', realStorage],
      ['firestore', realFirestore],
    ] as const) {
      const logs: SecurityEvent[] = [];
      let called = 0;
      const h = protectGcp(((..._a: unknown[]) => void called++) as Any, { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false, denialOfWallet: false, paranoia });
      await (h as Any)(event);
      t.equal(called, 1, `a real ${what} event, paranoia ${paranoia}: the handler ran (${logs.map((l) => `${l.rule}@${l.where}`).join(' ')})`);
    }
  }
});

function rawRequest(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = connect(port, '127.0.0.1', () => s.end(bytes));
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', () => undefined);
  });
}

function request(method: string, target: string, headers: Array<[string, string]>, body = ''): Buffer {
  let head = `${method} ${target} HTTP/1.1\r\nhost: fn.example\r\nconnection: close\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from(`${head}content-length: ${b.length}\r\n\r\n`, 'latin1'), b]);
}

t.test('GCP over HTTP: the pairs past the query parser limit, and structured CloudEvents with both data members', async (t) => {
  const logs: SecurityEvent[] = [];
  let called = 0;
  const opts = { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false as const, denialOfWallet: false as const };
  functions.http(
    'hostile-azure-gcp-http',
    protectGcp((_req: Any, res: Any) => {
      called++;
      res.status(200).send('ok');
    }, opts),
  );
  functions.cloudEvent(
    'hostile-azure-gcp-ce',
    protectGcp(() => void called++, opts),
  );
  const servers = [getTestServer('hostile-azure-gcp-http'), getTestServer('hostile-azure-gcp-ce')];
  for (const s of servers) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.teardown(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));
  const [httpPort, cePort] = servers.map((s) => (s.address() as AddressInfo).port) as [number, number];
  const pairs = (n: number): string => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&');
  const q = encodeURIComponent(ATTACK);
  // Express 5 parses the query with querystring.parse (maxKeys 1000): what follows the thousandth
  // `&` was in no source, and a handler reading `req.url` got it.
  const cases: Array<[string, number, Buffer, number]> = [
    ['attack after 1,000 pairs', httpPort, request('GET', `/?${pairs(1000)}&zz=${q}`, []), 403],
    ['attack after 1,000 empty pairs', httpPort, request('GET', `/?${'&'.repeat(1000)}zz=${q}`, []), 403],
    ['attack as the 1,000th pair (the parser keeps it)', httpPort, request('GET', `/?${pairs(999)}&zz=${q}`, []), 403],
    ['1,100 clean pairs', httpPort, request('GET', `/?${pairs(1100)}`, []), 200],
    // Binary mode makes every `ce-*` header an attribute: `ce-data_base64` beside the body's data.
    ['binary, a ce-data_base64 header', cePort, request('POST', '/', [['ce-specversion', '1.0'], ['ce-id', '1'], ['ce-source', '//x'], ['ce-type', 't'], ['ce-data_base64', b64(ATTACK)], ['content-type', 'application/json']], '{}'), 204],
    ['structured, data and data_base64', cePort, request('POST', '/', [['content-type', 'application/cloudevents+json']], JSON.stringify({ specversion: '1.0', id: '1', source: '/s', type: 't', data: {}, data_base64: b64(ATTACK) })), 204],
  ];
  for (const [what, port, bytes, status] of cases) {
    logs.length = 0;
    called = 0;
    const out = await rawRequest(port, bytes);
    await new Promise((resolve) => setTimeout(resolve, 5));
    t.equal(out.slice(9, 12), String(status), `${what}: ${status}`);
    t.same(
      logs.filter((l) => l.action === 'error'),
      [],
      `${what}: no library failure`,
    );
    if (status !== 200) t.equal(called, 0, `${what}: the handler did not run (${logs.map((l) => `${l.rule}@${l.where}`).join(' ')})`);
    else t.equal(called, 1, `${what}: the handler ran`);
  }
});
