/**
 * Azure and GCP trigger fields read in the form their consumer reads them (session 20 red team): a
 * gzip blob inflated, a blob name binding the worker JSON-parsed, a legacy Pub/Sub message's short
 * base64 `data`, Firestore `bytes` values. Each attack case failed before its fix. Azure runs through
 * the real worker conversion (test/helpers/azure-worker.ts), GCP through the real functions-framework
 * server on loopback. The `todo` cases are gaps that need an engine change (described there).
 */
import { invokeAsWorker } from '../helpers/azure-worker';
import t from 'tap';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { protect as protectAzure, RequestBlockedError, type SecurityEvent } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import { protect as protectLambda } from '../../adapters/aws-lambda/index';
import * as lambdaEvents from '../helpers/lambda-events';
import { createEngine } from '../../src/engine';
import { documentEventFromJson, documentEventFromProtobuf } from '../../adapters/gcp-functions/firestore';
import { prng } from '../helpers/prng';
import { entry, len, pstr } from '../helpers/protobuf';
import { ATTACKS, b64 } from '../helpers/carriers';

type Any = any;


interface Outcome {
  ran: boolean;
  err: unknown;
  logs: SecurityEvent[];
}

const quiet = { sinks: false, denialOfWallet: false } as const;

async function azureBlob(content: Uint8Array, metadata: Record<string, unknown>): Promise<Outcome> {
  const logs: SecurityEvent[] = [];
  let ran = false;
  const h = protectAzure(
    async () => {
      ran = true;
    },
    { ...quiet, log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent) },
  );
  let err: unknown;
  try {
    await invokeAsWorker('storageBlob', { path: 'uploads/{name}', connection: 'Storage' }, h, content, metadata);
  } catch (e) {
    err = e;
  }
  return { ran, err, logs };
}

const blocked = (o: Outcome): boolean => !o.ran && o.err instanceof RequestBlockedError;

t.test('Azure blob: gzip content is read inflated, as its consumer reads it', async (t) => {
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    const o = await azureBlob(gzipSync(Buffer.from(`id,note\r\n1,${attack}\r\n`)), { BlobTrigger: 'uploads/export.csv.gz', Name: 'export.csv.gz' });
    t.ok(blocked(o), `${cls}: blocked`);
    t.ok(o.logs.some((l) => l.action === 'block' && l.where === 'payload'), `${cls}: found in the payload`);
  }
  // Also when the uploader declared it (`Content-Encoding: gzip`, the SDK hands the bytes over as stored).
  const declared = await azureBlob(gzipSync(Buffer.from(JSON.stringify({ q: ATTACKS.sqli }))), {
    BlobTrigger: 'uploads/site/app.json',
    Name: 'site/app.json',
    Properties: { ContentEncoding: 'gzip', ContentType: 'application/json', ContentLength: 60 },
  });
  t.ok(blocked(declared), 'a blob stored with Content-Encoding: gzip');

  const clean = await azureBlob(gzipSync(Buffer.from('id,city,note\r\n1,M\u00e1laga,"open 9-17, closed Sundays"\r\n'.repeat(50))), { BlobTrigger: 'uploads/a.csv.gz', Name: 'a.csv.gz' });
  t.ok(clean.ran && clean.err === undefined, 'a clean gzip CSV reaches the handler');
  const noise = await azureBlob(gzipSync(randomBytes(4096)), { BlobTrigger: 'uploads/random.bin.gz', Name: 'random.bin.gz' });
  t.ok(noise.ran && noise.err === undefined, 'gzip of random bytes is binary: not read, the handler runs');
  // A bomb is a limits finding, not an inflate past the byte limit.
  const bomb = await azureBlob(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x41)), { BlobTrigger: 'uploads/bomb.gz', Name: 'bomb.gz' });
  t.ok(!bomb.ran, 'a gzip bomb does not reach the handler');
  t.ok(bomb.logs.some((l) => (l.findings ?? []).some((f: Any) => f.rule === 'limits.bytes')), 'a gzip bomb is a limits.bytes finding');
});

t.test('Azure blob: a name binding the worker JSON-parsed is inspected whatever its type', async (t) => {
  // fromRpcTypedData parses a string binding value that is JSON: a blob named `["…"]` gives `name`
  // as an array (`${name}` joins it back), `{…}` an object.
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    for (const name of [JSON.stringify([attack]), JSON.stringify({ q: attack })]) {
      const o = await azureBlob(Buffer.from('x'), { BlobTrigger: 'uploads/a', Name: name });
      t.ok(blocked(o), `${cls} in ${name[0]}…: blocked`);
      t.ok(o.logs.some((l) => l.action === 'block' && (l.where ?? '').startsWith('triggerMetadata.name')), `${cls} in ${name[0]}…: found in the binding`);
    }
  }
  const clean = await azureBlob(Buffer.from('x'), { BlobTrigger: 'uploads/2026/report.pdf', Name: '2026/report.pdf', Uri: 'https://acct.blob.core.windows.net/uploads/2026/report.pdf', Properties: { ContentLength: 1, ETag: '"0x8D"' }, Metadata: { owner: 'jane' } });
  t.ok(clean.ran && clean.err === undefined, 'an ordinary blob reaches the handler');
});

t.test('Azure: every sender-controlled field of every trigger, each attack class, through the worker', async (t) => {
  // The coverage table of the session-20 red team, pinned: a field a sender writes, in the form the
  // worker hands it to the handler. Left out: the engine gaps below (short base64 inside a JSON
  // member, a form-encoded member), and platform fields (DeadLetterSource, the blob's Uri).
  const gz = (s: string): Buffer => gzipSync(Buffer.from(s));
  const enc = encodeURIComponent;
  const Q = { queueName: 'q', connection: 'Storage' };
  const SB = { queueName: 'q', connection: 'ServiceBus' };
  const SBM = { ...SB, cardinality: 'many' };
  const EH = { eventHubName: 'h', connection: 'EventHub' };
  const EHM = { ...EH, cardinality: 'many' };
  const BLOB = { path: 'uploads/{name}', connection: 'Storage' };
  const COSMOS = { connection: 'Cosmos', databaseName: 'd', containerName: 'c', createLeaseContainerIfNotExists: true };
  const egBlob = (name: string, extra: Record<string, unknown> = {}) => ({
    id: '831e1650-001e-001b-66ab-eeb76e069631',
    topic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/acct',
    subject: `/blobServices/default/containers/uploads/blobs/${name}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: '2026-05-01T10:00:00.123Z',
    data: { api: 'PutBlob', clientRequestId: '6d79dbfb-0e37-4fc4-981f-442c9ca65760', eTag: '0x8D4BCC2E4835CD0', contentType: 'text/csv', contentLength: 524, blobType: 'BlockBlob', url: `https://acct.blob.core.windows.net/uploads/${enc(name)}`, sequencer: '0000000000000442', ...extra },
    dataVersion: '',
    metadataVersion: '1',
  });
  const custom = (extra: Record<string, unknown>) => ({ id: '1', subject: 'orders/1', eventType: 'Contoso.Order', eventTime: '2026-05-01T10:00:00Z', dataVersion: '1', data: {}, ...extra });
  type Kind = Parameters<typeof invokeAsWorker>[0];
  const CASES: Array<[string, (a: string) => [Kind, Record<string, unknown>, unknown, Record<string, unknown>]]> = [
    ['queue: text', (a) => ['storageQueue', Q, a, {}]],
    ['queue: JSON', (a) => ['storageQueue', Q, JSON.stringify({ note: a }), {}]],
    ['queue: base64 gzip', (a) => ['storageQueue', Q, gz(a).toString('base64'), {}]],
    ['service bus: body', (a) => ['serviceBusQueue', SB, a, {}]],
    ['service bus: bytes', (a) => ['serviceBusQueue', SB, Buffer.from(a), {}]],
    ['service bus: gzip bytes', (a) => ['serviceBusQueue', SB, gz(a), {}]],
    ['service bus: ApplicationProperties', (a) => ['serviceBusQueue', SB, 'hi', { ApplicationProperties: { note: a } }]],
    ['service bus: UserProperties', (a) => ['serviceBusQueue', SB, 'hi', { UserProperties: { note: a } }]],
    ...(['Subject', 'Label', 'CorrelationId', 'MessageId', 'ReplyTo', 'To', 'SessionId', 'ContentType', 'PartitionKey'].map((k) => [`service bus: ${k}`, (a: string) => ['serviceBusQueue', SB, 'hi', { [k]: a }]]) as Array<[string, (a: string) => [Kind, Record<string, unknown>, unknown, Record<string, unknown>]]>),
    ['service bus batch: body[1]', (a) => ['serviceBusQueue', SBM, ['ok', a], {}]],
    ['service bus batch: ApplicationPropertiesArray[1]', (a) => ['serviceBusQueue', SBM, ['ok', 'ok'], { ApplicationPropertiesArray: [{}, { note: a }] }]],
    ['service bus batch: SubjectArray[1]', (a) => ['serviceBusQueue', SBM, ['ok', 'ok'], { SubjectArray: ['x', a] }]],
    ['event hubs: body', (a) => ['eventHub', EH, a, {}]],
    ['event hubs: gzip bytes', (a) => ['eventHub', EH, gz(a), {}]],
    ['event hubs: Properties', (a) => ['eventHub', EH, 'hi', { Properties: { note: a } }]],
    ['event hubs: SystemProperties', (a) => ['eventHub', EH, 'hi', { SystemProperties: { 'message-id': a } }]],
    ['event hubs: PartitionKey', (a) => ['eventHub', EH, 'hi', { PartitionKey: a }]],
    ['event hubs batch: body[1]', (a) => ['eventHub', EHM, ['ok', a], {}]],
    ['event hubs batch: gzip bytes[1]', (a) => ['eventHub', EHM, [Buffer.from('ok'), gz(a)], {}]],
    ['event hubs batch: PropertiesArray[1]', (a) => ['eventHub', EHM, ['ok', 'ok'], { PropertiesArray: [{}, { note: a }] }]],
    ['event hubs batch: SystemPropertiesArray[1]', (a) => ['eventHub', EHM, ['ok', 'ok'], { SystemPropertiesArray: [{}, { 'correlation-id': a }] }]],
    ['event hubs batch: PartitionKeyArray[1]', (a) => ['eventHub', EHM, ['ok', 'ok'], { PartitionKeyArray: ['p', a] }]],
    ['event grid blob: subject', (a) => ['eventGrid', {}, egBlob(`in/${a}.csv`), {}]],
    ['event grid blob: data.url (encoded)', (a) => ['eventGrid', {}, egBlob('x.csv', { url: `https://acct.blob.core.windows.net/uploads/${enc(a)}.csv` }), {}]],
    ['event grid blob: data.clientRequestId', (a) => ['eventGrid', {}, egBlob('x.csv', { clientRequestId: a }), {}]],
    ['event grid custom: data', (a) => ['eventGrid', {}, custom({ data: { note: a } }), {}]],
    ['event grid custom: data string', (a) => ['eventGrid', {}, custom({ data: a }), {}]],
    ['event grid custom: eventType', (a) => ['eventGrid', {}, custom({ eventType: a }), {}]],
    ['event grid CloudEvent: data_base64', (a) => ['eventGrid', {}, { specversion: '1.0', id: '1', source: '/x', type: 't', data_base64: b64(a) }, {}]],
    ['event grid CloudEvent: data_base64 gzip', (a) => ['eventGrid', {}, { specversion: '1.0', id: '1', source: '/x', type: 't', data_base64: b64(gz(a)) }, {}]],
    ['event grid CloudEvent: extension', (a) => ['eventGrid', {}, { specversion: '1.0', id: '1', source: '/x', type: 't', tenant: a, data: {} }, {}]],
    ['blob: text content', (a) => ['storageBlob', BLOB, Buffer.from(`id,note\r\n1,${a}\r\n`), { BlobTrigger: 'uploads/a.csv', Name: 'a.csv' }]],
    ['blob: gzip content', (a) => ['storageBlob', BLOB, gz(`id,note\r\n1,${a}\r\n`), { BlobTrigger: 'uploads/a.csv.gz', Name: 'a.csv.gz' }]],
    ['blob: name', (a) => ['storageBlob', BLOB, Buffer.from('x'), { BlobTrigger: `uploads/${a}`, Name: a, Uri: `https://acct.blob.core.windows.net/uploads/${enc(a)}` }]],
    ['blob: name parsed as JSON', (a) => ['storageBlob', BLOB, Buffer.from('x'), { BlobTrigger: `uploads/${JSON.stringify({ q: a })}`, Name: JSON.stringify({ q: a }) }]],
    ['blob: Metadata', (a) => ['storageBlob', BLOB, Buffer.from('x'), { BlobTrigger: 'uploads/a', Metadata: { note: a } }]],
    ['blob: Metadata (URL-encoded)', (a) => ['storageBlob', BLOB, Buffer.from('x'), { BlobTrigger: 'uploads/a', Metadata: { note: enc(a) } }]],
    ['blob: Properties.ContentDisposition', (a) => ['storageBlob', BLOB, Buffer.from('x'), { BlobTrigger: 'uploads/a', Properties: { ContentDisposition: `attachment; filename="${a}"`, ContentLength: 1 } }]],
    ['cosmos: document field', (a) => ['cosmosDB', COSMOS, [{ id: '1', note: 'x' }, { id: '2', note: a, _rid: 'r', _ts: 1 }], {}]],
    ['cosmos: document id', (a) => ['cosmosDB', COSMOS, [{ id: a }], {}]],
  ];
  const passed: string[] = [];
  for (const [field, build] of CASES) {
    for (const [cls, attack] of Object.entries(ATTACKS)) {
      const [kind, options, data, metadata] = build(attack);
      let ran = false;
      let err: unknown;
      const h = protectAzure(
        async () => {
          ran = true;
        },
        { ...quiet, log: false },
      );
      try {
        await invokeAsWorker(kind, options, h, data, metadata);
      } catch (e) {
        err = e;
      }
      if (ran || !(err instanceof RequestBlockedError)) passed.push(`${field} / ${cls}`);
    }
  }
  t.same(passed, [], `${CASES.length} fields x ${Object.keys(ATTACKS).length} attacks: every one blocked`);
});

// ---- GCP ----

type Gcp = { url: string; close: () => Promise<void> };
// The framework's own server for any signature type: legacy event functions are registered by the
// framework's loader, not by a public call, so its server module is loaded by path (the package's
// exports do not list it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getServer } = require(join(dirname(require.resolve('@google-cloud/functions-framework')), 'server.js')) as { getServer: (fn: unknown, o: unknown) => Any };
const serverOptions = (signatureType: string): Any => ({ signatureType, enableExecutionId: false, timeoutMilliseconds: 0, port: '0', target: '', sourceLocation: '', printHelp: false, ignoredRoutes: null });

async function serve(fn: unknown, signatureType: string): Promise<Gcp> {
  const server = getServer(fn as Any, serverOptions(signatureType));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A protected function served by the real framework; `calls` counts handler runs, `logs` the events. */
async function gcpFunction(t: Any, signatureType: 'event' | 'cloudevent', callback = false) {
  const state = { calls: 0, logs: [] as SecurityEvent[] };
  const opts = { ...quiet, log: (l: string) => state.logs.push(JSON.parse(l) as SecurityEvent) };
  const fn = callback
    ? protectGcp(((_d: unknown, _c: unknown, cb: () => void) => {
        state.calls++;
        cb();
      }) as Any, opts)
    : protectGcp((async () => {
        state.calls++;
      }) as Any, opts);
  const srv = await serve(fn, signatureType);
  t.teardown(srv.close);
  const post = async (headers: Record<string, string>, body: unknown): Promise<number> => {
    state.calls = 0;
    state.logs.length = 0;
    const r = await fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body instanceof Uint8Array ? body : JSON.stringify(body) });
    await r.text();
    return r.status;
  };
  return { state, post };
}

const PUBSUB_CE = {
  'ce-specversion': '1.0',
  'ce-id': '1234567890',
  'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
  'ce-source': '//pubsub.googleapis.com/projects/shop/topics/orders',
  'ce-time': '2026-05-01T10:00:00.123Z',
};
const pubsubBody = (data: string, attributes: Record<string, string> = { origin: 'checkout' }) => ({
  message: { data, attributes, messageId: '1234567890', publishTime: '2026-05-01T10:00:00.123Z' },
  subscription: 'projects/shop/subscriptions/orders-fn',
});

t.test('GCP legacy event function: a Pub/Sub message\'s data is read decoded, however short', async (t) => {
  const plain = await gcpFunction(t, 'event');
  const withCallback = await gcpFunction(t, 'event', true);
  const shapes: Array<[string, (a: string) => [Record<string, string>, unknown]]> = [
    // functions-framework converts the Pub/Sub CloudEvent to (data, context): data is the message.
    ['converted from a CloudEvent', (a) => [PUBSUB_CE, pubsubBody(b64(a))]],
    [
      'a legacy event with @type',
      (a) => [
        {},
        {
          context: { eventId: '1', timestamp: '2026-05-01T10:00:00.123Z', eventType: 'google.pubsub.topic.publish', resource: { service: 'pubsub.googleapis.com', name: 'projects/shop/topics/orders', type: 'type.googleapis.com/google.pubsub.v1.PubsubMessage' } },
          data: { '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage', data: b64(a), attributes: {} },
        },
      ],
    ],
    ['a flat legacy event', (a) => [{}, { eventId: '1', timestamp: '2026-05-01T10:00:00.123Z', eventType: 'providers/cloud.pubsub/eventTypes/topic.publish', resource: 'projects/shop/topics/orders', data: { data: b64(a) } }]],
    ['a message without a Pub/Sub context', (a) => [{}, { context: { eventId: '1', eventType: 'custom' }, data: { data: b64(a), attributes: { k: 'v' } } }]],
    // Posted by whoever may invoke the function, without `attributes` (the handler decodes data.data
    // all the same): the shape test required it, so these passed (review rA).
    ['a message without attributes or context', (a) => [{}, { data: { data: b64(a) } }]],
    ['a message without attributes, with Pub/Sub fields', (a) => [{}, { context: { eventId: '1' }, data: { data: b64(a), messageId: '1', publishTime: '2026-05-01T10:00:00.123Z' } }]],
  ];
  for (const [shape, build] of shapes) {
    for (const [cls, attack] of Object.entries(ATTACKS)) {
      const [headers, body] = build(attack);
      for (const [form, fn] of [['async', plain], ['callback', withCallback]] as const) {
        const status = await fn.post(headers, body);
        t.equal(fn.state.calls, 0, `${shape}, ${form}, ${cls}: the handler did not run (status ${status})`);
        t.ok(fn.state.logs.some((l) => l.action === 'block' && (l.where ?? '').startsWith('data.data')), `${shape}, ${form}, ${cls}: found in data.data`);
      }
    }
  }
  // Clean messages, and an event whose `data` is text beside attributes (not base64): no protocol finding.
  for (const [headers, body] of [
    [PUBSUB_CE, pubsubBody(b64(JSON.stringify({ orderId: 'A-1001', total: 12.5 })))],
    [PUBSUB_CE, pubsubBody(b64('ok'))],
    [{}, { context: { eventId: '1', eventType: 'custom' }, data: { data: 'plain text, not base64!', attributes: { k: 'v' } } }],
  ] as Array<[Record<string, string>, unknown]>) {
    await plain.post(headers, body);
    t.equal(plain.state.calls, 1, 'a clean event reaches the handler');
    t.same(plain.state.logs, [], 'and logs nothing');
  }
});

t.test('GCP HTTP: a Pub/Sub push body without a subscription still has its data read decoded', async (t) => {
  const state = { calls: 0, logs: [] as SecurityEvent[] };
  const fn = protectGcp(((_req: Any, res: Any) => {
    state.calls++;
    res.status(204).send('');
  }) as Any, { ...quiet, log: (l: string) => state.logs.push(JSON.parse(l) as SecurityEvent) });
  const srv = await serve(fn, 'http');
  t.teardown(srv.close);
  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<number> => {
    state.calls = 0;
    state.logs.length = 0;
    const r = await fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await r.text();
    return r.status;
  };
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    for (const body of [{ message: { data: b64(attack) } }, { message: { data: b64(attack), attributes: {} }, subscription: 'orders' }]) {
      const status = await post(body);
      t.equal(status, 403, `${cls}, ${JSON.stringify(Object.keys(body))}: 403`);
      t.equal(state.calls, 0, `${cls}: the handler did not run`);
      t.ok(state.logs.some((l) => (l.where ?? '').startsWith('body.message.data')), `${cls}: found in body.message.data`);
    }
  }
  // A real push (the engine reads its envelope; not read twice) and JSON APIs with their own message.data.
  await post({ message: { data: b64('$(id)'), messageId: '1' }, subscription: 'projects/shop/subscriptions/push' });
  t.equal(state.logs.filter((l) => l.action === 'block').length, 1, 'a real push envelope is blocked once');
  t.equal((state.logs[0]?.findings ?? []).filter((f: Any) => String(f.path).startsWith('body.message.data')).length, 1, 'with one finding for its data');
  for (const body of [{ message: { data: 'Hello, see you at 5' } }, { message: { data: 'test' } }, { message: { data: b64('{"orderId":"A-1"}') } }]) {
    await post(body);
    t.equal(state.calls, 1, `${JSON.stringify(body)} reaches the handler`);
    t.same(state.logs, [], 'and logs nothing');
  }
});

t.test('GCP: every sender-controlled field of the CloudEvent and legacy event types, each attack class, through the framework', async (t) => {
  // The GCP half of the coverage table, pinned (engine gaps left out, as for Azure).
  const ce = await gcpFunction(t, 'cloudevent');
  const ceCallback = await gcpFunction(t, 'cloudevent', true);
  const legacy = await gcpFunction(t, 'event');
  const enc = encodeURIComponent;
  const gz = (s: string): string => b64(gzipSync(Buffer.from(s)));
  const hdr = (type: string, source: string, extra: Record<string, string> = {}) => ({ 'ce-specversion': '1.0', 'ce-id': '1234', 'ce-type': type, 'ce-source': source, 'ce-time': '2026-05-01T10:00:00.123Z', ...extra });
  const PS = hdr('google.cloud.pubsub.topic.v1.messagePublished', '//pubsub.googleapis.com/projects/p/topics/t');
  const GCS_TYPE = 'google.cloud.storage.object.v1.finalized';
  const GCS_SRC = '//storage.googleapis.com/projects/_/buckets/bkt';
  const AUDIT = hdr('google.cloud.audit.log.v1.written', '//cloudaudit.googleapis.com/projects/p/logs/x');
  const object = (name: string, extra: Record<string, unknown> = {}) => ({
    kind: 'storage#object', id: `bkt/${name}/1714557600123456`, selfLink: `https://www.googleapis.com/storage/v1/b/bkt/o/${enc(name)}`, name, bucket: 'bkt', generation: '1714557600123456', metageneration: '1',
    contentType: 'text/csv', timeCreated: '2026-05-01T10:00:00.123Z', updated: '2026-05-01T10:00:00.123Z', storageClass: 'STANDARD', size: '524', md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/bkt/o/${enc(name)}?generation=1714557600123456&alt=media`, crc32c: 'AAAAAA==', etag: 'CPjb7Yyh5oUDEAE=', ...extra,
  });
  const audit = (extra: Record<string, unknown>) => ({
    protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', status: {}, authenticationInfo: { principalEmail: 'u@example.com' }, requestMetadata: { callerIp: '203.0.113.7', callerSuppliedUserAgent: 'curl/8' }, serviceName: 'storage.googleapis.com', methodName: 'storage.objects.create', resourceName: 'projects/_/buckets/bkt/objects/a.csv', ...extra },
    insertId: 'x', resource: { type: 'gcs_bucket', labels: { bucket_name: 'bkt' } }, timestamp: '2026-05-01T10:00:00.123Z', severity: 'INFO', logName: 'projects/p/logs/cloudaudit.googleapis.com%2Fdata_access',
  });
  type Fn = typeof ce;
  const CASES: Array<[string, Fn, (a: string) => [Record<string, string>, unknown]]> = [
    ['pubsub: message.data', ce, (a) => [PS, pubsubBody(b64(a))]],
    ['pubsub: message.data (callback)', ceCallback, (a) => [PS, pubsubBody(b64(a))]],
    ['pubsub: message.data JSON', ce, (a) => [PS, pubsubBody(b64(JSON.stringify({ note: a })))]],
    ['pubsub: message.data gzip', ce, (a) => [PS, pubsubBody(gz(a))]],
    ['pubsub: message.attributes', ce, (a) => [PS, pubsubBody(b64('{}'), { note: a })]],
    ['pubsub: message.orderingKey', ce, (a) => [PS, { ...pubsubBody(b64('{}')), message: { ...pubsubBody(b64('{}')).message, orderingKey: a } }]],
    ['pubsub: no subscription', ce, (a) => [PS, { message: { data: b64(a) } }]],
    ['pubsub: ce-subject', ce, (a) => [{ ...PS, 'ce-subject': a }, pubsubBody(b64('{}'))]],
    ['pubsub: structured mode', ce, (a) => [{ 'content-type': 'application/cloudevents+json' }, { specversion: '1.0', id: '1', type: PS['ce-type'], source: PS['ce-source'], data: pubsubBody(b64(a)) }]],
    ['storage: data.name', ce, (a) => [hdr(GCS_TYPE, GCS_SRC, { 'ce-subject': 'objects/in' }), object(`in/${a}`)]],
    ['storage: data.metadata', ce, (a) => [hdr(GCS_TYPE, GCS_SRC), object('a', { metadata: { note: a } })]],
    ['storage: data.mediaLink (encoded)', ce, (a) => [hdr(GCS_TYPE, GCS_SRC), object('a', { mediaLink: `https://storage.googleapis.com/download/storage/v1/b/bkt/o/${enc(a)}?alt=media` })]],
    ['storage: data.contentDisposition', ce, (a) => [hdr(GCS_TYPE, GCS_SRC), object('a', { contentDisposition: `attachment; filename="${a}"` })]],
    ['storage: data.contentType', ce, (a) => [hdr(GCS_TYPE, GCS_SRC), object('a', { contentType: a })]],
    ['audit: protoPayload.resourceName', ce, (a) => [AUDIT, audit({ resourceName: `projects/_/buckets/bkt/objects/${a}` })]],
    ['audit: protoPayload.resourceName (encoded)', ce, (a) => [AUDIT, audit({ resourceName: `projects/_/buckets/bkt/objects/${enc(a)}` })]],
    ['audit: protoPayload.methodName', ce, (a) => [AUDIT, audit({ methodName: a })]],
    ['audit: protoPayload.request', ce, (a) => [AUDIT, audit({ request: { '@type': 'x', name: a } })]],
    ['audit: callerSuppliedUserAgent', ce, (a) => [AUDIT, audit({ requestMetadata: { callerSuppliedUserAgent: a } })]],
    ['cloudevent: data_base64', ce, (a) => [{ 'content-type': 'application/cloudevents+json' }, { specversion: '1.0', id: '1', type: 'x.y', source: '/s', data_base64: b64(a) }]],
    ['cloudevent: extension header', ce, (a) => [hdr('x.y', '/s', { 'ce-tenant': a }), {}]],
    ['legacy pubsub: data.data', legacy, (a) => [PS, pubsubBody(b64(a))]],
    ['legacy pubsub: data.data gzip', legacy, (a) => [PS, pubsubBody(gz(a))]],
    ['legacy pubsub: data.attributes', legacy, (a) => [PS, pubsubBody(b64('{}'), { k: a })]],
    ['legacy storage: data.name', legacy, (a) => [hdr(GCS_TYPE, GCS_SRC, { 'ce-subject': 'objects/x' }), object(a)]],
    ['legacy storage: data.mediaLink', legacy, (a) => [hdr(GCS_TYPE, GCS_SRC, { 'ce-subject': 'objects/a' }), object('a', { mediaLink: `https://storage.googleapis.com/download/storage/v1/b/bkt/o/${enc(a)}?alt=media` })]],
    ['legacy storage: context.resource', legacy, (a) => [hdr(GCS_TYPE, GCS_SRC, { 'ce-subject': `objects/${a}` }), object('a')]],
    ['legacy: data', legacy, (a) => [{}, { context: { eventId: '1', eventType: 'x' }, data: { note: a } }]],
  ];
  const passed: string[] = [];
  for (const [field, fn, build] of CASES) {
    for (const [cls, attack] of Object.entries(ATTACKS)) {
      const [headers, body] = build(attack);
      const status = await fn.post(headers, body);
      if (fn.state.calls !== 0 || !fn.state.logs.some((l) => l.action === 'block')) passed.push(`${field} / ${cls} (status ${status})`);
    }
  }
  t.same(passed, [], `${CASES.length} fields x ${Object.keys(ATTACKS).length} attacks: every one blocked`);
});

/** An entry whose value comes before its key: the wire format allows either order. */
const entryValueFirst = (key: string, value: Buffer): Buffer => Buffer.concat([len(2, value), pstr(1, key)]);
const DOC = 'projects/shop/databases/(default)/documents/users/alice';
const FIRESTORE_CE = {
  'ce-specversion': '1.0',
  'ce-id': 'f-1',
  'ce-type': 'google.cloud.firestore.document.v1.written',
  'ce-source': '//firestore.googleapis.com/projects/shop/databases/(default)',
  'ce-subject': 'documents/users/alice',
  'ce-time': '2026-05-01T10:00:00.123Z',
};

t.test('GCP Firestore: bytes values are read decoded (protobuf and JSON documents)', async (t) => {
  const fn = await gcpFunction(t, 'cloudevent');
  const proto = (bytes: Buffer): Buffer =>
    len(
      1,
      Buffer.concat([
        pstr(1, DOC),
        len(2, entry('name', pstr(17, 'Alice'))),
        len(2, entryValueFirst('avatar', len(18, bytes))),
        len(2, entry('tags', len(9, Buffer.concat([len(1, pstr(17, 'a')), len(1, len(18, bytes))])))),
      ]),
    );
  const json = (bytes: Buffer) => ({ value: { name: DOC, fields: { name: { stringValue: 'Alice' }, nested: { mapValue: { fields: { avatar: { bytesValue: b64(bytes) } } } } } } });
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    await fn.post({ ...FIRESTORE_CE, 'content-type': 'application/protobuf' }, proto(Buffer.from(attack)));
    t.equal(fn.state.calls, 0, `protobuf, ${cls}: the handler did not run`);
    const wheres = fn.state.logs.filter((l) => l.action === 'block').flatMap((l) => (l.findings ?? []).map((f: Any) => String(f.path)));
    t.ok(wheres.some((w) => w.startsWith('data.value.fields.avatar')), `protobuf, ${cls}: found in avatar (${wheres.join(', ')})`);
    t.ok(wheres.some((w) => w.startsWith('data.value.fields.tags[1]')), `protobuf, ${cls}: found in tags[1]`);
    await fn.post(FIRESTORE_CE, json(Buffer.from(attack)));
    t.equal(fn.state.calls, 0, `JSON, ${cls}: the handler did not run`);
    t.ok(fn.state.logs.some((l) => l.action === 'block' && (l.where ?? '').startsWith('data.value.fields.nested.avatar')), `JSON, ${cls}: found in nested.avatar`);
  }
  // A legacy event function gets the JSON encoding (typed values) of the same document.
  const legacy = await gcpFunction(t, 'event');
  const legacyEvent = (bytes: Buffer) => ({
    context: { eventId: 'f-1', timestamp: '2026-05-01T10:00:00.123Z', eventType: 'providers/cloud.firestore/eventTypes/document.write', resource: DOC },
    data: { ...json(bytes), oldValue: { name: DOC, fields: { avatar: { bytesValue: b64('ok') } } } },
  });
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    await legacy.post({}, legacyEvent(Buffer.from(attack)));
    t.equal(legacy.state.calls, 0, `legacy, ${cls}: the handler did not run`);
    // Long ones where the walk of the typed JSON reads them (`…avatar.bytesValue["#base64"]`), short
    // ones as bytes (`data.value.fields.nested.avatar`).
    t.ok(legacy.state.logs.some((l) => l.action === 'block' && (l.findings ?? []).some((f: Any) => String(f.path).startsWith('data.value.fields.nested') && String(f.path).includes('avatar'))), `legacy, ${cls}: found in nested…avatar`);
  }
  await legacy.post({}, legacyEvent(Buffer.from('Alice')));
  t.equal(legacy.state.calls, 1, 'a clean legacy document reaches the handler');
  // A forged JSON document: bytes that are not base64, of the wrong type, and many of them.
  const forged = { value: { name: DOC, fields: { a: { bytesValue: '%%%' }, b: { bytesValue: 42 }, c: { arrayValue: { values: Array.from({ length: 3000 }, () => ({ bytesValue: b64('hi') })) } } } } };
  const status = await fn.post(FIRESTORE_CE, forged);
  t.ok(status < 500 && fn.state.calls === 1, `a forged document with odd bytes values is read, not a crash (status ${status})`);
  // An image in a bytes field, and short text.
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)]);
  for (const bytes of [png, Buffer.from('hi'), Buffer.from('Alice Smith')]) {
    await fn.post({ ...FIRESTORE_CE, 'content-type': 'application/protobuf' }, proto(bytes));
    t.equal(fn.state.calls, 1, 'a clean protobuf document reaches the handler');
    await fn.post(FIRESTORE_CE, json(bytes));
    t.equal(fn.state.calls, 1, 'a clean JSON document reaches the handler');
  }
});

// A forged protobuf document repeating a map key: `a` first a short bytes value, then a map whose
// `b` is a short bytes value. A protobuf reader keeps the last entry (the handler reads a.b), but
// bytesTree kept the first entry's Buffer and hung `b` on it (isObj takes a Buffer for an object),
// where the walk never reads: the short payload in a.b passed (its base64 is under 16 characters).
t.test('GCP Firestore: a repeated key whose last value is a map of short bytes is read (protobuf)', async (t) => {
  const fn = await gcpFunction(t, 'cloudevent');
  const doc = (first: Buffer, attack: string): Buffer =>
    len(1, Buffer.concat([pstr(1, DOC), len(2, entry('a', first)), len(2, entry('a', len(6, len(1, entry('b', len(18, Buffer.from(attack)))))))]));
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    for (const [what, first] of [['bytes', len(18, Buffer.from('ok'))], ['a string', pstr(17, 'ok')]] as const) {
      await fn.post({ ...FIRESTORE_CE, 'content-type': 'application/protobuf' }, doc(first, attack));
      t.equal(fn.state.calls, 0, `${cls}, first a ${what}: the handler did not run`);
    }
  }
  await fn.post({ ...FIRESTORE_CE, 'content-type': 'application/protobuf' }, doc(len(18, Buffer.from('ok')), 'Alice'));
  t.equal(fn.state.calls, 1, 'a clean document of the same shape reaches the handler');
});

// A push body without `subscription` whose data is base64 the handler's Buffer.from(data, 'base64')
// reads, but not padded standard base64: unpadded (`JChpZCk`), URL-safe, broken into lines.
// envelope.ts took only padded standard base64 without a subscription (with one, its decoder takes
// all of these), so `{"message":{"data":"JChpZCk"}}` ($(id)) passed where `JChpZCk=` was blocked.
t.test('a push body without subscription: base64 unpadded, URL-safe or in lines is read (real Lambda protect)', async (t) => {
  const wrapped = protectLambda(async () => ({ statusCode: 200, body: 'ok' }), { ...quiet, log: false });
  const status = async (data: string): Promise<number> => {
    const event = lambdaEvents.apiGatewayV2({ method: 'POST', body: JSON.stringify({ message: { data } }), headers: { 'content-type': 'application/json' } });
    return ((await wrapped(event as Any, lambdaEvents.lambdaContext({ functionName: 'push' }) as Any)) as Any).statusCode;
  };
  const forms = (s: string): string[] => {
    const std = b64(s);
    const bare = std.replace(/=+$/, '');
    return [bare, bare.replace(/\+/g, '-').replace(/\//g, '_'), `${std.slice(0, 4)}\n${std.slice(4)}`];
  };
  for (const [cls, attack] of Object.entries(ATTACKS)) {
    for (const data of forms(attack)) {
      t.equal(Buffer.from(data, 'base64').toString(), attack, `${JSON.stringify(data)} is what the handler decodes`);
      t.equal(await status(data), 403, `${cls}: ${JSON.stringify(data)} blocked`);
    }
  }
  for (const data of ['hello', 'hello world', 'test', 'abc', 'user_42', 'order-2026-05', 'ok!']) t.equal(await status(data), 200, `${JSON.stringify(data)} allowed`);
});

t.test('Firestore decoders: protobuf and JSON encodings of the same seeded documents read alike, bytes listed alike', async (t) => {
  // The protobuf reader (key and value in either order, a value repeated: the last kept) against the
  // JSON reader of the same document, as a reference: the plain fields and the short bytes values
  // listed must be the same. Planting a first-value-wins map entry or dropping the bytes of array
  // items makes it fail.
  const r = prng(20);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const words = ['a', 'name', "x' OR 1=1", '$(id)', '\u00e9', '', 'k', '__proto__'];
  type Spec = { proto: Buffer; json: unknown };
  const value = (d: number): Spec => {
    switch (Math.floor(r() * (d > 3 ? 4 : 6))) {
      case 0: {
        const w = pick(words);
        return { proto: pstr(17, w), json: { stringValue: w } };
      }
      case 1: {
        const b = Buffer.from(Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256)));
        return { proto: len(18, b), json: { bytesValue: b64(b) } };
      }
      case 2: {
        const n = Math.floor(r() * 100);
        return { proto: Buffer.from([16, n]), json: { integerValue: String(n) } };
      }
      case 3: {
        const b = r() < 0.5;
        return { proto: Buffer.from([8, b ? 1 : 0]), json: { booleanValue: b } };
      }
      case 4: {
        const m = map(d + 1, 1);
        return { proto: len(6, m.proto), json: { mapValue: { fields: m.json } } };
      }
      default: {
        const items = Array.from({ length: Math.floor(r() * 4) }, () => value(d + 1));
        return { proto: len(9, Buffer.concat(items.map((i) => len(1, i.proto)))), json: { arrayValue: { values: items.map((i) => i.json) } } };
      }
    }
  };
  const map = (d: number, no: number): { proto: Buffer; json: Record<string, unknown> } => {
    const json: Record<string, unknown> = Object.create(null);
    const parts: Buffer[] = [];
    // Distinct keys: a key repeated across entries is not something JSON can say.
    const keys = words.filter(() => r() < 0.5);
    for (const key of keys) {
      const v = value(d);
      const order = r();
      // Value before key, or an earlier value the reader must drop (the last one counts).
      const body = order < 0.2 ? Buffer.concat([len(2, v.proto), pstr(1, key)]) : order < 0.4 ? Buffer.concat([pstr(1, key), len(2, value(d).proto), len(2, v.proto)]) : Buffer.concat([pstr(1, key), len(2, v.proto)]);
      parts.push(len(no, body));
      json[key] = v.json;
    }
    return { proto: Buffer.concat(parts), json };
  };
  let listed = 0;
  for (let i = 0; i < 3000; i++) {
    const m = map(0, 2);
    const fromProto = documentEventFromProtobuf(len(1, Buffer.concat([pstr(1, DOC), m.proto])));
    const fromJson = documentEventFromJson({ value: { name: DOC, fields: m.json } });
    // Bytes in the order each reader meets them (wire order, key order): compared as sets.
    const sorted = (b: unknown[] | undefined) => (b ?? []).map((x) => JSON.stringify(x)).sort().join('\n');
    const same = JSON.stringify(fromProto?.value?.fields) === JSON.stringify(fromJson?.value?.fields) && sorted(fromProto?.value?.bytes) === sorted(fromJson?.value?.bytes);
    if (!same) {
      t.fail(`document ${i} reads differently: ${JSON.stringify(fromProto?.value)} vs ${JSON.stringify(fromJson?.value)}`);
      return;
    }
    listed += fromProto?.value?.bytes.length ?? 0;
  }
  t.ok(listed > 1000, `short bytes values listed (${listed})`);
});

// ---- Gaps that need an engine change (src/engine.ts, src/envelope.ts, src/body.ts) ----

t.test('engine gaps (two todo)', async (t) => {
  const engine = createEngine({ log: false } as Any);
  const verdict = (sources: Any[]) => engine.inspect({ sources }).action;
  // A JSON member holding base64 of a short payload: the walk reads base64 text from 16 characters
  // (BASE64_TEXT_MIN), so `JChpZCk=` ($(id)) and `MSBPUiAxPTE=` (1 OR 1=1) in `{"payload": …}` pass
  // in every message and body; a consumer that decodes the member reads the attack.
  t.equal(verdict([{ kind: 'record', path: 'payload', value: JSON.stringify({ payload: b64('$(id)') }), decoding: 'auto' }]), 'block', 'short base64 in a JSON member', {
    todo: 'engine: BASE64_TEXT_MIN keeps short base64 members unread',
  });
  // A Pub/Sub push body without `subscription` (posted straight to a public push endpoint): the
  // handler still decodes `message.data`. envelope.ts recognized the envelope only with it; now also
  // when `data` has base64's shape, on every provider (the GCP adapter's own reading of it is gone).
  t.equal(verdict([{ kind: 'body', path: 'body', value: JSON.stringify({ message: { data: b64('$(id)') } }), decoding: 'body', contentType: 'application/json' }]), 'block', 'push body without subscription');
  t.equal(verdict([{ kind: 'body', path: 'body', value: JSON.stringify({ message: { data: 'hello world' } }), decoding: 'body', contentType: 'application/json' }]), 'allow', 'a JSON API’s own message.data text is not read as base64');
  t.equal(verdict([{ kind: 'body', path: 'body', value: JSON.stringify({ message: { data: 'test' } }), decoding: 'body', contentType: 'application/json' }]), 'allow', 'a word of base64’s shape decodes to nothing readable');
  // A whole message in base64 under 16 characters (a Storage queue with messageEncoding none, a blob
  // of base64 text): body.ts reads a whole payload as base64 only from its length threshold.
  t.equal(verdict([{ kind: 'record', path: 'payload', value: b64('$(id)'), decoding: 'auto' }]), 'block', 'a short base64 message', {
    todo: 'engine: body.ts whole-payload base64 threshold',
  });
  // A form-encoded member (`+` for spaces), as S3 keys are: percent escapes beside a `+` are read
  // both ways (decodeURIComponent's and a form reader's), engine.ts.
  t.equal(verdict([{ kind: 'record', path: 'payload', value: { key: '1%27+UNION+SELECT+password+FROM+users--' } }]), 'block', 'a form-encoded member');
});
