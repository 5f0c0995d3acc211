/**
 * Caller-written values that travel outside the obvious payload: the claims and context an API
 * Gateway authorizer passes on (user pool attributes a signed-in user edits), a Cognito trigger's
 * `userName`, RabbitMQ header values delivered as bytes, the extension attributes of an Event Grid
 * CloudEvent, and message bytes in UTF-16. Each through the real `protect()` of its adapter, with the
 * path the handler reads. Events written for this project from the documented shapes.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { protect, RequestBlockedError, type SecurityEvent } from '../../adapters/aws-lambda/index';
import { protect as protectAzure } from '../../adapters/azure-functions/index';
import * as ev from '../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../helpers/tables';

type Any = any;

const show = (lines: SecurityEvent[]) => lines.map((l) => `${l.action} ${l.findings.map((f) => `${f.rule}@${f.path}`).join(',')}`);

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

/** Runs one Lambda invocation: whether the handler ran, the answer (or error), the security events. */
async function lambda(event: unknown) {
  const { lines, log } = logs();
  let ran = false;
  const h = protect(async () => {
    ran = true;
    return { statusCode: 200, body: 'ok' };
  }, { log });
  const out = await h(event, ev.lambdaContext()).then(
    (r: Any) => r,
    (e: unknown) => e,
  );
  return { ran, out, lines };
}

/** Claims as a Cognito user pool ID token carries them (REST API: every value a string). */
function poolClaims(extra: Record<string, string>): Record<string, string> {
  return {
    sub: '9f1c3a52-7e0d-4f6b-b2a1-3c8d5e7f9a10',
    'cognito:groups': 'admin,support',
    email_verified: 'true',
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI',
    'cognito:username': "o'brien",
    aud: '4l5k6j7h8g9f0a1b2c3d4e5f6g',
    token_use: 'id',
    auth_time: '1732870000',
    name: "Seán O'Brien; Jr.",
    picture: 'https://lh3.googleusercontent.com/a/ACg8ocK=s96-c',
    exp: 'Sun Nov 29 23:00:00 UTC 2026',
    'custom:roles': '["admin","billing"]',
    email: "o'brien+test@example.com",
    identities: '[{"userId":"1234","providerName":"Google","providerType":"Google","issuer":null,"primary":"true"}]',
    ...extra,
  };
}

type Placement = [name: string, build: (p: string) => Any, path: string];

const AUTHORIZER: Placement[] = [
  [
    'REST API, user pool claims',
    (p) => {
      const e: Any = ev.apiGatewayV1({});
      e.requestContext.authorizer = { claims: poolClaims({ 'custom:tenant': p }) };
      return e;
    },
    'requestContext.authorizer.claims["custom:tenant"]',
  ],
  [
    'REST API, Lambda authorizer context',
    (p) => {
      const e: Any = ev.apiGatewayV1({});
      e.requestContext.authorizer = { principalId: 'user|a1b2c3', integrationLatency: 312, tenantId: p };
      return e;
    },
    'requestContext.authorizer.tenantId',
  ],
  [
    'HTTP API, JWT claims',
    (p) => {
      const e: Any = ev.apiGatewayV2({});
      e.requestContext.authorizer = { jwt: { claims: poolClaims({ nickname: p, scope: 'openid profile email' }), scopes: ['openid'] } };
      return e;
    },
    'requestContext.authorizer.jwt.claims.nickname',
  ],
  [
    'HTTP API, Lambda authorizer context',
    (p) => {
      const e: Any = ev.apiGatewayV2({});
      e.requestContext.authorizer = { lambda: { userId: 'u-42', scopes: ['read', 'write'], tenant: p } };
      return e;
    },
    'requestContext.authorizer.lambda.tenant',
  ],
  [
    'function URL, Lambda authorizer context',
    (p) => {
      const e: Any = ev.functionUrl({});
      e.requestContext.authorizer = { lambda: { org: { name: p } } };
      return e;
    },
    'requestContext.authorizer.lambda.org.name',
  ],
];

t.test('API Gateway authorizer claims and context are inspected, with their paths', async (t) => {
  for (const [name, build, path] of AUTHORIZER) {
    for (const a of ATTACKS) {
      const r = await lambda(build(a.payload));
      t.notOk(r.ran, `${name}: ${a.class} ${a.payload}`);
      t.equal(r.out?.statusCode, 403);
      // A JSON payload's findings name the member inside it (`….tenantId.$ne`).
      t.ok(r.lines[0]?.where?.startsWith(path), `${name}: ${a.class} path ${r.lines[0]?.where}`);
    }
    for (const text of BENIGN) {
      const r = await lambda(build(text));
      t.ok(r.ran && r.lines.length === 0, `${name}: benign "${text}"`);
    }
  }
});

t.test('authorizer: the issuer and audience, API Gateway latency and IAM identities are not read as caller input', async (t) => {
  // An issuer on an internal host (a self-hosted identity provider) is the deployment's, not the caller's.
  const e1: Any = ev.apiGatewayV2({});
  e1.requestContext.authorizer = { jwt: { claims: { sub: 'u1', iss: 'http://10.0.3.7:8080/realms/shop', aud: 'http://localhost:3000' }, scopes: [] } };
  let r = await lambda(e1);
  t.ok(r.ran && r.lines.length === 0, 'JWT issuer and audience');
  const e2: Any = ev.apiGatewayV1({});
  e2.requestContext.authorizer = { claims: { sub: 'u1', iss: 'http://127.0.0.1:9229/pool' } };
  r = await lambda(e2);
  t.ok(r.ran && r.lines.length === 0, 'user pool issuer');
  const e3: Any = ev.apiGatewayV2({});
  e3.requestContext.authorizer = { iam: { accessKey: 'ASIA4XMPLE', accountId: '123456789012', callerId: 'AROA:x', userArn: 'arn:aws:sts::123456789012:assumed-role/r/x', userId: 'AROA:x', cognitoIdentity: null } };
  r = await lambda(e3);
  t.ok(r.ran && r.lines.length === 0, 'IAM authorization');
  // Malformed authorizer members never throw into the handler path.
  for (const a of [null, 5, 'x', [], { jwt: 5 }, { jwt: { claims: 'x' } }, { lambda: null }, { claims: [1, 2] }, { integrationLatency: 3 }]) {
    const e: Any = ev.apiGatewayV1({});
    e.requestContext.authorizer = a;
    r = await lambda(e);
    t.ok(r.ran, `authorizer ${JSON.stringify(a)}`);
  }
});

t.test("Cognito: the trigger's userName is inspected", async (t) => {
  // A user pool accepts letters, marks, symbols, numbers and punctuation in a user name: no spaces.
  for (const p of ["admin'--", "1'OR'1'='1'--", '<svg/onload=alert(1)>', '../../../etc/passwd', '$(id)', 'http://169.254.169.254/latest/meta-data/']) {
    const r = await lambda(ev.cognitoPreSignUp({ email: 'a@example.com' }, { userName: p } as Any));
    t.type(r.out, RequestBlockedError, p);
    t.equal(r.lines[0]?.where, 'userName', `${p}: path`);
    t.equal(r.lines[0]?.trigger, 'cognito');
  }
  for (const p of ["o'brien.sean", '9f1c3a52-7e0d-4f6b-b2a1-3c8d5e7f9a10', 'Google_109876543210987654321', 'rock&roll;fan', 'ann@example.com']) {
    const r = await lambda(ev.cognitoPreSignUp({ email: 'a@example.com' }, { userName: p } as Any));
    t.ok(r.ran && r.lines.length === 0, `benign user name ${p}`);
  }
});

/** An Amazon MQ for RabbitMQ event: text header values arrive as their bytes. */
function rabbit(headers: Record<string, unknown>) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const msg = (h: Record<string, unknown>) => ({
    basicProperties: { contentType: 'application/json', headers: h, deliveryMode: 1, priority: 0, timestamp: 'Nov 29, 2026, 10:00:00 PM' },
    redelivered: false,
    data: b64('{"order":7}'),
  });
  return {
    eventSource: 'aws:rmq',
    eventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:orders:b-9bcfa592-423a-4942-879d-eb284b418fc8',
    rmqMessagesByQueue: { 'orders::/': [msg({ trace: { bytes: [...Buffer.from('abc-123')] }, retries: 2 }), msg(headers)] },
  };
}

t.test('RabbitMQ: header values delivered as bytes are read as their text', async (t) => {
  const bytes = (s: string) => ({ bytes: [...Buffer.from(s, 'utf8')] });
  for (const a of ATTACKS) {
    const r = await lambda(rabbit({ origin: bytes(a.payload) }));
    t.type(r.out, RequestBlockedError, `${a.class} ${a.payload}`);
    const where = r.lines[0]?.where ?? '';
    t.ok(where.startsWith('event.rmqMessagesByQueue["orders::/"][1].basicProperties.headers.origin'), `${a.class}: path ${where}`);
  }
  for (const text of BENIGN) {
    const r = await lambda(rabbit({ origin: bytes(text) }));
    t.ok(r.ran && r.lines.length === 0, `benign "${text}"`);
  }
  for (const junk of [{ a: { bytes: 'x' } }, { b: { bytes: [1, 'x'] } }, { c: null }, { d: 5 }]) {
    const r = await lambda(rabbit(junk));
    t.ok(r.ran, `malformed header ${JSON.stringify(junk)}`);
  }
  const r = await lambda({ eventSource: 'aws:rmq', rmqMessagesByQueue: { q: [null, 5, { basicProperties: 'x' }], r: 5 } });
  t.ok(r.ran, 'malformed messages');
});

t.test('Azure Event Grid: CloudEvents extension attributes are inspected', async (t) => {
  const trigger = { type: 'eventGridTrigger', name: 'event' };
  const run = async (payload: unknown) => {
    const { lines, log } = logs();
    let ran = false;
    const h = protectAzure(async () => {
      ran = true;
    }, { log });
    const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'onOrder', logHandler: () => undefined, options: { trigger: trigger as Any } });
    const err = await h(payload, context).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { ran, err, lines };
  };
  const ce = (extra: Record<string, unknown>) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/shop/providers/Microsoft.EventGrid/topics/orders',
    type: 'Shop.Order.Created',
    time: '2026-11-29T22:00:00Z',
    subject: 'orders/7',
    datacontenttype: 'application/json',
    data: { order: 7 },
    ...extra,
  });
  for (const a of ATTACKS) {
    const r = await run(ce({ tenant: a.payload }));
    t.ok(!r.ran && r.err !== undefined, `${a.class} ${a.payload}`);
    t.ok(r.lines[0]?.where?.startsWith('payload.tenant'), `${a.class}: path ${r.lines[0]?.where}`);
  }
  for (const text of BENIGN) {
    const r = await run(ce({ tenant: text, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }));
    t.ok(r.ran && r.lines.length === 0, `benign "${text}"`);
  }
  // A dev publisher's source on localhost is not input a handler acts on; the Event Grid schema has
  // no extension attributes (its members are Azure's or already read).
  let r = await run(ce({ source: 'http://localhost:7071/orders' }));
  t.ok(r.ran && r.lines.length === 0, 'source');
  r = await run({ id: '1', topic: '/subscriptions/x/resourceGroups/r/providers/Microsoft.EventGrid/topics/t', subject: 'orders/7', eventType: 'Shop.Order.Created', eventTime: '2026-11-29T22:00:00Z', data: {}, dataVersion: '1', metadataVersion: '1' });
  t.ok(r.ran && r.lines.length === 0, 'Event Grid schema');
});

t.test('UTF-16 message payloads are read decoded (Kinesis, Kafka, DynamoDB binary, Event Hubs, blobs)', async (t) => {
  const le = (s: string) => Buffer.from(s, 'utf16le');
  const withBom = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), le(s)]);
  const azureRun = async (payload: unknown, trigger: Record<string, unknown>, triggerMetadata: Record<string, unknown>) => {
    const { lines, log } = logs();
    let ran = false;
    const h = protectAzure(async () => {
      ran = true;
    }, { log });
    const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'consumer', triggerMetadata, logHandler: () => undefined, options: { trigger: trigger as Any } });
    await h(payload, context).catch(() => undefined);
    return { ran, lines };
  };
  const EH = { type: 'eventHubTrigger', name: 'events', eventHubName: 'telemetry', cardinality: 'many', dataType: 'binary' };
  const BLOB = { type: 'blobTrigger', name: 'file', path: 'uploads/{name}', connection: 'Storage' };
  const blobMeta = { blobTrigger: 'uploads/customers.txt', name: 'customers.txt', metadata: {}, properties: { contentType: 'text/plain' } };
  for (const a of ATTACKS) {
    const json = JSON.stringify({ order: 7, note: a.payload });
    let r = await lambda(ev.kinesis([{ data: le(json) }]));
    t.ok(r.out?.batchItemFailures?.length === 1, `Kinesis: ${a.class} ${a.payload}`);
    t.ok(r.lines[0]?.where?.startsWith('records[0].kinesis.data.note'), `Kinesis path ${r.lines[0]?.where}`);
    r = await lambda(ev.dynamodb([{ keys: ev.toAttributeMap({ id: '7' }), newImage: ev.toAttributeMap({ doc: withBom(json) }) }]));
    t.ok(r.lines[0]?.where?.startsWith('records[0].dynamodb.NewImage.doc.note'), `DynamoDB B with a BOM: ${a.class} ${r.lines[0]?.where}`);
    const az = await azureRun([le(json)], EH, { propertiesArray: [{}] });
    t.ok(!az.ran && az.lines[0]?.where?.startsWith('payload[0].note'), `Event Hubs: ${a.class} ${az.lines[0]?.where}`);
    // A spreadsheet's "Unicode text" export (UTF-16LE with a BOM, not JSON) is read as the same
    // text in UTF-8 is: the same findings, at the same path.
    const tsv = `id\tnote\r\n7\t${a.payload}\r\n`;
    const blob = await azureRun(withBom(tsv), BLOB, blobMeta);
    const utf8 = await azureRun(Buffer.from(tsv), BLOB, blobMeta);
    t.same(show(blob.lines), show(utf8.lines), `blob: ${a.class} ${a.payload}`);
    const direct = await azureRun(withBom(a.payload), BLOB, blobMeta);
    t.ok(!direct.ran && direct.lines[0]?.where?.startsWith('payload'), `blob holding only the payload: ${a.class} ${direct.lines[0]?.where}`);
  }
  for (const text of BENIGN) {
    const json = JSON.stringify({ order: 7, note: text });
    const r = await lambda(ev.kinesis([{ data: le(json) }]));
    t.ok(r.ran && r.lines.length === 0, `Kinesis benign "${text}"`);
    const az = await azureRun([le(json)], EH, { propertiesArray: [{}] });
    t.ok(az.ran && az.lines.length === 0, `Event Hubs benign "${text}"`);
    const blob = await azureRun(withBom(`id\tnote\r\n7\t${text}\r\n`), BLOB, blobMeta);
    t.ok(blob.ran && blob.lines.length === 0, `blob benign "${text}"`);
  }
  // 16-bit telemetry whose values sit in printable ASCII (°F) is not read as text.
  for (let k = 0; k < 20; k++) {
    const samples = Buffer.alloc(512);
    for (let i = 0; i < 256; i++) samples.writeInt16LE(40 + k * 3 + Math.round(25 * Math.sin((i + k) / 5)), i * 2);
    const r = await lambda(ev.kinesis([{ data: samples }]));
    t.ok(r.ran && r.lines.length === 0, `telemetry #${k}`);
    const az = await azureRun([samples], EH, { propertiesArray: [{}] });
    t.ok(az.ran && az.lines.length === 0, `Event Hubs telemetry #${k}`);
  }
});

t.test('an unquoted CSV upload or record set is read field by field (values that start a field)', async (t) => {
  const BLOB = { type: 'blobTrigger', name: 'file', path: 'imports/{name}', connection: 'Storage' };
  const meta = { blobTrigger: 'imports/customers.csv', name: 'customers.csv', metadata: {}, properties: { contentType: 'text/csv' } };
  const azureBlob = async (text: string) => {
    const { lines, log } = logs();
    let ran = false;
    const h = protectAzure(async () => {
      ran = true;
    }, { log });
    const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'import', triggerMetadata: meta, logHandler: () => undefined, options: { trigger: BLOB as Any } });
    await h(Buffer.from(text), context).catch(() => undefined);
    return { ran, lines };
  };
  // Attacks a detector recognises at the start of a value, which in the text follow a delimiter.
  for (const p of ["admin'--", 'javascript:alert(1)', '`whoami`']) {
    for (const d of [',', '\t']) {
      const text = `id${d}name${d}note\r\n7${d}Ann${d}${p}\r\n8${d}Bob${d}ok\r\n`;
      const b = await azureBlob(text);
      t.ok(!b.ran && b.lines[0]?.findings.some((f) => f.path === 'payload["#csv"][1][2]'), `blob ${JSON.stringify(d)} ${p}: ${show(b.lines)}`);
      const r = await lambda(ev.kinesis([{ data: text }]));
      t.ok(r.lines[0]?.findings.some((f) => f.path === 'records[0].kinesis.data["#csv"][1][2]'), `Kinesis ${JSON.stringify(d)} ${p}: ${show(r.lines)}`);
    }
  }
  for (const text of BENIGN) {
    if (text.includes(',') || text.includes('\n')) continue;
    const b = await azureBlob(`id,name,note\r\n7,Ann,${text}\r\n8,Bob,ok\r\n`);
    t.ok(b.ran && b.lines.length === 0, `benign "${text}"`);
  }
  for (const text of ['12 Main St, Springfield, IL 62701\r\n4 Elm Rd, Portland, OR 97201\r\n', 'street,city,state\r\n4 Elm Rd,Portland,OR\r\n']) {
    const b = await azureBlob(text);
    t.ok(b.ran && b.lines.length === 0, `benign ${JSON.stringify(text)}`);
  }
});

t.test('DynamoDB: every binary attribute is read decoded, not only the first sixteen', async (t) => {
  const pad: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) pad[`p${i}`] = Buffer.from(`x${i}`);
  // Short values: their base64 (`fGlk`) is too short for the walk to try decoding it on its own.
  for (const p of ['|id', "admin'--", '`id`']) {
    const r = await lambda(ev.dynamodb([{ keys: ev.toAttributeMap({ id: '7' }), newImage: ev.toAttributeMap({ ...pad, cmd: Buffer.from(p) }) }]));
    t.equal(r.lines[0]?.where, 'records[0].dynamodb.NewImage.cmd', p);
    const set = await lambda(ev.dynamodb([{ keys: ev.toAttributeMap({ id: '7' }), newImage: { ...ev.toAttributeMap(pad), tags: { BS: [...Array.from({ length: 20 }, (_, i) => Buffer.from(`t${i}`).toString('base64')), Buffer.from(p).toString('base64')] } } }]));
    t.equal(set.lines[0]?.where, 'records[0].dynamodb.NewImage.tags[20]', `${p} in a binary set`);
  }
  const ok = await lambda(ev.dynamodb([{ keys: ev.toAttributeMap({ id: '7' }), newImage: ev.toAttributeMap({ ...pad, note: Buffer.from("O'Brien & sons") }) }]));
  t.ok(ok.ran && ok.lines.length === 0, 'benign binaries');
  // Thousands of binary attributes: a limits finding, never a silent skip.
  const many: Record<string, unknown> = {};
  for (let i = 0; i < 12_000; i++) many[`b${i}`] = Buffer.from(`v${i}`);
  const r = await lambda(ev.dynamodb([{ keys: ev.toAttributeMap({ id: '7' }), newImage: ev.toAttributeMap(many) }]));
  t.equal(r.lines[0]?.rule, 'limits.strings');
});

t.test('an SNS notification POSTed to an HTTP endpoint: every Binary attribute is read decoded', async (t) => {
  const notification = (attrs: Record<string, unknown>) =>
    JSON.stringify({
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:orders',
      Message: '{"order":7}',
      Timestamp: '2026-11-29T22:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'c2lnbmF0dXJl',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem',
      MessageAttributes: attrs,
    });
  const pad: Record<string, unknown> = {};
  for (let i = 0; i < 70; i++) pad[`a${i}`] = { Type: 'String', Value: `v${i}` };
  const body = (p: string) => notification({ ...pad, cmd: { Type: 'Binary', Value: Buffer.from(p).toString('base64') } });
  for (const p of ['|id', '`id`', "admin'--"]) {
    const r = await lambda(ev.functionUrl({ method: 'POST', body: body(p), headers: { 'Content-Type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' } }));
    t.equal(r.out?.statusCode, 403, p);
    t.ok(r.lines[0]?.findings.some((f) => f.path.startsWith('body.MessageAttributes.cmd.Value')), `${p}: ${show(r.lines)}`);
  }
  const ok = await lambda(ev.functionUrl({ method: 'POST', body: body("O'Brien"), headers: { 'Content-Type': 'text/plain; charset=UTF-8' } }));
  t.ok(ok.ran && ok.lines.length === 0, 'benign');
});

t.test('JSON sent as a form: read as the handler JSON.parses it (Lambda, Azure)', async (t) => {
  const FORM = 'application/x-www-form-urlencoded';
  for (const a of ATTACKS) {
    const body = JSON.stringify({ user: a.payload, n: 1 });
    const r = await lambda(ev.apiGatewayV1({ method: 'POST', body, headers: { 'Content-Type': FORM } }));
    t.equal(r.out?.statusCode, 403, `Lambda ${a.class} ${a.payload}`);
    const az = await azureHttp(body, FORM);
    t.equal(az.status, 403, `Azure ${a.class} ${a.payload}`);
  }
  // Anchored at a value's start: only the JSON reading sees them whole.
  for (const p of ["admin'--", '|id', "1' OR '1'='1' --"]) {
    const r = await lambda(ev.apiGatewayV1({ method: 'POST', body: JSON.stringify({ user: p }), headers: { 'Content-Type': FORM } }));
    t.ok(r.lines[0]?.findings.some((f) => f.path === 'body["#json"].user'), `${p}: ${show(r.lines)}`);
  }
  for (const text of BENIGN) {
    const r = await lambda(ev.apiGatewayV1({ method: 'POST', body: JSON.stringify({ user: text }), headers: { 'Content-Type': FORM } }));
    t.ok(r.ran && r.lines.length === 0, `benign "${text}"`);
  }
});

async function azureHttp(body: string, contentType: string) {
  const h = protectAzure(async () => ({ status: 200 }), { log: false });
  const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'login', logHandler: () => undefined, options: { trigger: { type: 'httpTrigger', name: 'req', route: 'login' } as Any } });
  return (await h(new HttpRequest({ method: 'POST', url: 'https://shop.azurewebsites.net/api/login', headers: { 'content-type': contentType }, body: { string: body } }), context)) as Any;
}

t.test('a form sent as text/plain, JSON or without a type: read as the handler parses it', async (t) => {
  for (const ct of ['text/plain', 'application/json', undefined]) {
    for (const p of ["admin'--", '|id', "1' OR '1'='1' --"]) {
      const r = await lambda(ev.apiGatewayV1({ method: 'POST', body: `user=${encodeURIComponent(p)}&n=1`, headers: { 'Content-Type': ct } }));
      t.equal(r.out?.statusCode, 403, `${ct} ${p}: ${show(r.lines)}`);
    }
    const az = await azureHttp(`user=${encodeURIComponent("admin'--")}&n=1`, ct ?? 'text/plain');
    t.equal(az.status, 403, `Azure ${ct}`);
    for (const text of BENIGN) {
      const r = await lambda(ev.apiGatewayV1({ method: 'POST', body: `user=${encodeURIComponent(text)}&n=1`, headers: { 'Content-Type': ct } }));
      t.ok(r.ran && r.lines.length === 0, `${ct} benign "${text}"`);
    }
  }
});
