/**
 * Carriers of message triggers and request parts where a value is encoded, compressed or cut up
 * before the consumer reads it: SQS binary attributes, SNS envelopes' binary attributes, S3 event
 * notifications inside SQS and SNS messages (keys with `+` for spaces), DynamoDB binary attributes,
 * gzip inside Kinesis, SQS, Pub/Sub and queue messages (CloudWatch Logs to Kinesis), JSON encoded
 * twice, form, CSV, YAML and base64 message texts, API Gateway v2's comma-joined query values, the
 * hops of X-Forwarded-For (GCP's `req.ip`), and an Azure body in a declared charset. Each attack must
 * be blocked with a path that names the value, and the same carrier with honest content must pass.
 * Through the real Lambda protect(), real @azure/functions objects, and the real functions-framework.
 */
import t from 'tap';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect, type Finding } from '../../adapters/aws-lambda';
import { protect as protectAzure } from '../../adapters/azure-functions';
import { protect as protectGcp } from '../../adapters/gcp-functions';
import * as ev from '../helpers/lambda-events';

const SQLI = `1")) or 1=1 union select password from users--`;
const SHELL = "a'; cat /etc/passwd; echo '";
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const gz64 = (s: string): string => gzipSync(Buffer.from(s)).toString('base64');
const csvField = (v: string): string => `"${v.replace(/"/g, '""')}"`;
/** How S3 writes an object key into an event notification: URL-encoded, `+` for a space. */
const s3Key = (k: string): string => encodeURIComponent(k).replace(/%20/g, '+').replace(/%2F/g, '/');

const onSecurity = () => {
  const seen: { findings: Finding[]; blocked: boolean } = { findings: [], blocked: false };
  return {
    seen,
    reset: () => {
      seen.findings = [];
      seen.blocked = false;
    },
    options: {
      log: false as const,
      sinks: false as const,
      onSecurityEvent: (e: { findings: Finding[]; action: string }) => {
        seen.findings = e.findings;
        if (e.action === 'block') seen.blocked = true;
      },
    },
  };
};

const show = (fs: Finding[]): string => fs.map((f) => `${f.rule}@${f.path}`).join(', ');

const sqs = (body: string, messageAttributes: Record<string, unknown> = {}) => ({
  Records: [
    {
      messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
      receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1545082649183', SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: '1545082649185' },
      messageAttributes,
      md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:orders',
      awsRegion: 'us-east-2',
    },
  ],
});
const snsNotification = (message: string, attrs: Record<string, unknown> = {}) => ({
  Type: 'Notification',
  MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
  TopicArn: 'arn:aws:sns:us-east-2:123456789012:uploads',
  Subject: null,
  Message: message,
  Timestamp: '2026-05-01T10:00:00.000Z',
  MessageAttributes: attrs,
});
const sns = (message: string) => ({
  Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:aws:sns:us-east-2:123456789012:uploads:1', Sns: { ...snsNotification(message), SignatureVersion: '1' } }],
});
const s3Notification = (key: string): string =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-2',
        eventTime: '2026-05-01T10:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        s3: { s3SchemaVersion: '1.0', configurationId: 'uploads', bucket: { name: 'uploads', arn: 'arn:aws:s3:::uploads' }, object: { key: s3Key(key), size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0A1B2C3D4E5F678901' } },
      },
    ],
  });
const dynamo = (image: Record<string, unknown>) => ({
  Records: [{ eventID: '1', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-2', dynamodb: { Keys: { id: { S: '7' } }, NewImage: { id: { S: '7' }, ...image }, SequenceNumber: '111', SizeBytes: 26, StreamViewType: 'NEW_IMAGE' } }],
});
const kinesis = (data: string) => ({
  Records: [{ eventSource: 'aws:kinesis', eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898', kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'orders', sequenceNumber: '49590338271490256608559692538361571095921575989136588898', data, approximateArrivalTimestamp: 1545084650.987 } }],
});
/** A CloudWatch Logs subscription to a Kinesis stream: each record is gzip of the batch's JSON. */
const logsBatch = (message: string): string =>
  JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/app/orders', logStream: 'i-0a1b', subscriptionFilters: ['all'], logEvents: [{ id: '3719', timestamp: 1714557600000, message }] });
const withQueryMap = (rawQuery: string, map: Record<string, string>) => {
  const e = ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET' }) as unknown as Record<string, unknown>;
  e.rawQueryString = rawQuery;
  e.queryStringParameters = map;
  return e;
};

interface Case {
  name: string;
  attack: unknown;
  /** A prefix of the finding's path that names the value. */
  path: string;
  benign: unknown;
}

const LAMBDA: Case[] = [
  {
    name: 'SQS binary message attribute',
    attack: sqs('{}', { note: { binaryValue: b64(SQLI), stringListValues: [], binaryListValues: [], dataType: 'Binary' } }),
    path: 'records[0].messageAttributes.note.binaryValue',
    benign: sqs('{}', { note: { binaryValue: b64('Leave it at the door, "please"'), stringListValues: [], binaryListValues: [], dataType: 'Binary' } }),
  },
  {
    name: 'SNS binary attribute inside an SQS message',
    attack: sqs(JSON.stringify(snsNotification('{}', { note: { Type: 'Binary', Value: b64(SHELL) } }))),
    path: 'records[0].body.MessageAttributes.note.Value',
    benign: sqs(JSON.stringify(snsNotification('{}', { note: { Type: 'Binary', Value: b64("O'Brien's order; ring twice") } }))),
  },
  {
    name: 'S3 notification in an SQS message (key with + for spaces)',
    attack: sqs(s3Notification(`reports/x' or 1=1 union select password from users--.csv`)),
    path: 'records[0].body.Records[0].s3.object.key',
    benign: sqs(s3Notification("reports/O'Brien's Q1 (final) + notes.csv")),
  },
  {
    name: 'S3 notification through SNS into SQS',
    attack: sqs(JSON.stringify(snsNotification(s3Notification(`in/a'; cat /etc/passwd; echo '.txt`)))),
    path: 'records[0].body.Message.Records[0].s3.object.key',
    benign: sqs(JSON.stringify(snsNotification(s3Notification('in/meeting notes 2026-05-01.txt')))),
  },
  {
    name: 'S3 notification through SNS',
    attack: sns(s3Notification(`in/x' or 1=1 union select password from users--`)),
    path: 'records[0].Sns.Message.Records[0].s3.object.key',
    benign: sns(s3Notification('in/summer photos/beach day.jpg')),
  },
  // A consumer of S3 notifications reads `Records[].s3.object.key` and never checks `eventSource`, so
  // anyone who can write to its queue can send one without that field, or with its name or value
  // JSON-escaped. `1%27+UNION+SELECT+…` read raw is no SQL (the `+` are operators); decoded as the
  // consumer decodes it, it is.
  {
    name: 'S3-shaped message in an SQS queue, without eventSource',
    attack: sqs(s3Notification(`1' UNION SELECT password FROM users--`).replace('"eventSource":"aws:s3",', '')),
    path: 'records[0].body.Records[0].s3.object.key',
    benign: sqs(s3Notification("reports/O'Brien's Q1 (final) + notes.csv").replace('"eventSource":"aws:s3",', '')),
  },
  {
    name: 'S3-shaped message in an SQS queue, eventSource JSON-escaped',
    attack: sqs(s3Notification(`1' UNION SELECT password FROM users--`).replace('"aws:s3"', '"aws\\u003as3"')),
    path: 'records[0].body.Records[0].s3.object.key',
    benign: sqs(s3Notification('in/summer photos/beach day.jpg').replace('"aws:s3"', '"aws\\u003as3"')),
  },
  {
    name: 'S3-shaped message in an SQS queue, every name JSON-escaped',
    attack: sqs(s3Notification(`1' UNION SELECT password FROM users--`).replace(/"(s3|object|key|Records)":/g, (_m, n: string) => `"${[...n].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}":`)),
    path: 'records[0].body.Records[0].s3.object.key',
    benign: sqs(s3Notification('in/summer photos/beach day.jpg').replace(/"(s3|object|key|Records)":/g, (_m, n: string) => `"${[...n].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}":`)),
  },
  {
    name: 'S3 notification in an SNS-shaped envelope without TopicArn or Type, in SQS',
    attack: sqs(JSON.stringify({ Message: s3Notification(`1' UNION SELECT password FROM users--`) })),
    path: 'records[0].body.Message.Records[0].s3.object.key',
    benign: sqs(JSON.stringify({ Message: s3Notification('in/meeting notes 2026-05-01.txt') })),
  },
  {
    name: 'DynamoDB binary attribute (text)',
    attack: dynamo({ note: { B: b64(SQLI) } }),
    path: 'records[0].dynamodb.NewImage.note',
    benign: dynamo({ note: { B: b64('Deliver after 6pm, "side door"') } }),
  },
  {
    name: 'DynamoDB binary attribute (gzip of JSON, in a list)',
    attack: dynamo({ blobs: { L: [{ S: 'x' }, { B: gz64(JSON.stringify({ note: SHELL })) }] } }),
    // Read where the walk meets it (`blobs[1]["#gzip"].note`) or as the attribute's decoded source.
    path: 'records[0].dynamodb.NewImage.blobs[1]',
    benign: dynamo({ blobs: { L: [{ S: 'x' }, { B: gz64(JSON.stringify({ note: "it's fine; really" })) }] } }),
  },
  {
    name: 'Kinesis record from a CloudWatch Logs subscription (gzip)',
    attack: kinesis(gz64(logsBatch(`GET /?q=${SQLI}`))),
    path: 'records[0].kinesis.data.logEvents[0].message',
    benign: kinesis(gz64(logsBatch('GET /orders/7 200 12ms "Mozilla/5.0"'))),
  },
  {
    name: 'SQS body: base64 of gzip of JSON',
    attack: sqs(gz64(JSON.stringify({ note: SQLI }))),
    path: 'records[0].body.note',
    benign: sqs(gz64(JSON.stringify({ note: 'ring twice' }))),
  },
  {
    name: 'SQS body: JSON encoded twice',
    attack: sqs(JSON.stringify(JSON.stringify({ note: SQLI }))),
    path: 'records[0].body.note',
    benign: sqs(JSON.stringify(JSON.stringify({ note: 'He said "fine"' }))),
  },
  {
    name: 'SQS body: a form (API Gateway to SQS integration)',
    attack: sqs(`From=%2B15551234567&Body=${encodeURIComponent(SQLI)}`),
    path: 'records[0].body["#form"].Body',
    benign: sqs(`From=%2B15551234567&Body=${encodeURIComponent("I'll be 10 min late, sorry!")}`),
  },
  {
    name: 'SQS body: CSV',
    attack: sqs(`id,note\n1,${csvField(SQLI)}\n`),
    path: 'records[0].body["#csv"][1][1]',
    benign: sqs(`id,note\n1,${csvField('He said "fine", then left; 5 > 3')}\n`),
  },
  {
    name: 'SQS body: YAML',
    attack: sqs(`note: ${JSON.stringify(SQLI)}\n`),
    path: 'records[0].body["#yaml"][0].note',
    benign: sqs('note: "set `debug` to `true` in \\"config\\""\n'),
  },
  {
    name: 'SQS body: base64 text',
    attack: sqs(b64(SHELL)),
    path: 'records[0].body["#base64"]',
    benign: sqs(b64('Deliver to the back door, please')),
  },
  {
    name: 'API Gateway v2: repeated keys joined in queryStringParameters',
    attack: withQueryMap('q=1%27)) or 1%3D1 union select password&q=passwd from users--', { q: "1')) or 1=1 union select password,passwd from users--" }),
    path: 'query.q',
    benign: withQueryMap('tag=red&tag=blue', { tag: 'red,blue' }),
  },
  {
    name: 'X-Forwarded-For: the caller-written hop',
    attack: ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET', headers: { 'x-forwarded-for': `${SHELL}, 203.0.113.7` } }),
    path: 'headers.x-forwarded-for[0]',
    benign: ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET', headers: { 'x-forwarded-for': '198.51.100.23, 10.0.0.1, 203.0.113.7' } }),
  },
];

t.test('Lambda: attacks in message carriers are blocked where they sit', async (t) => {
  const s = onSecurity();
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), s.options);
  const ctx = ev.lambdaContext({ functionName: 'carriers' });
  const run = async (e: unknown): Promise<boolean> => {
    s.reset();
    try {
      await handler(e as never, ctx);
    } catch (err) {
      if ((err as { code?: string }).code !== 'RASP_ERR_BLOCKED') throw err;
    }
    return s.seen.blocked;
  };
  for (const c of LAMBDA) {
    t.ok(await run(c.attack), `${c.name}: blocked`);
    t.ok(
      s.seen.findings.some((f) => f.path.startsWith(c.path)),
      `${c.name}: a finding at ${c.path} (got ${show(s.seen.findings)})`,
    );
    t.notOk(await run(c.benign), `${c.name}: honest content passes (${show(s.seen.findings)})`);
  }
});

t.test('Lambda: a gzip payload is inflated within the byte limit', async (t) => {
  const s = onSecurity();
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), { ...s.options, limits: { maxBytes: 64 * 1024 } });
  const ctx = ev.lambdaContext({ functionName: 'carriers' });
  s.reset();
  const res = (await handler(kinesis(gz64('a'.repeat(1024 * 1024))) as never, ctx)) as unknown as { batchItemFailures: unknown[] };
  t.equal(res.batchItemFailures.length, 1, 'a bomb is reported');
  t.ok(s.seen.findings.some((f) => f.rule === 'limits.bytes'), show(s.seen.findings));
  // Not gzip after all (H4sI then noise): read as it is, no finding.
  s.reset();
  await handler(sqs('H4sIAAAAAAAAA' + 'x'.repeat(19)) as never, ctx);
  t.same(s.seen.findings, []);
});

t.test('Lambda: a guessed reading never makes a large honest message a limits finding', async (t) => {
  const s = onSecurity();
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), s.options);
  const ctx = ev.lambdaContext({ functionName: 'carriers' });
  // 250 KB of CSV, 30,000 quoted fields (more than maxStrings), and a 250 KB form.
  const rows = Array.from({ length: 10_000 }, (_, i) => `${i},"item ${i}","ok"`).join('\n');
  const form = Array.from({ length: 20_000 }, (_, i) => `k${i}=v${i}`).join('&');
  for (const body of [`id,name,state\n${rows}\n`, form]) {
    s.reset();
    await handler(sqs(body) as never, ctx);
    t.same(s.seen.findings, [], `${body.length} characters pass`);
  }
});

const AZ = 'https://orders-app.azurewebsites.net';

t.test('Azure: a body in a declared charset and the caller-written X-Forwarded-For hop', async (t) => {
  const s = onSecurity();
  const handler = protectAzure(async () => ({ status: 200 }), s.options);
  const ctx = () => new InvocationContext({ invocationId: 'carriers', functionName: 'orders', options: { trigger: { type: 'httpTrigger', name: 'req', route: 'orders' } as never } });
  const utf16 = (note: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ note }), 'utf16le')]);
  const post = (bytes: Buffer) => new HttpRequest({ method: 'POST', url: `${AZ}/api/orders`, headers: { 'content-type': 'application/json; charset=utf-16' }, body: { bytes } });
  let res = (await handler(post(utf16(SQLI)), ctx())) as HttpResponseInit;
  t.equal(res.status, 403, 'UTF-16 JSON: blocked');
  t.ok(s.seen.findings.some((f) => f.path.startsWith('body["#charset"].note')), show(s.seen.findings));
  s.reset();
  let seen: unknown;
  const reader = protectAzure(async (req: HttpRequest) => {
    seen = Buffer.from(await req.arrayBuffer());
    return { status: 200 };
  }, s.options);
  const honest = utf16('Größe "M", bitte');
  res = (await reader(post(honest), ctx())) as HttpResponseInit;
  t.equal(res.status, 200, `UTF-16 JSON: honest content passes (${show(s.seen.findings)})`);
  t.same(seen, honest, 'the handler still reads the exact bytes');

  const get = (xff: string) => new HttpRequest({ method: 'GET', url: `${AZ}/api/orders`, headers: { 'x-forwarded-for': xff } });
  s.reset();
  res = (await handler(get(`${SHELL}, 203.0.113.7:52110`), ctx())) as HttpResponseInit;
  t.equal(res.status, 403, 'X-Forwarded-For hop: blocked');
  t.ok(s.seen.findings.some((f) => f.path.startsWith('headers.x-forwarded-for[0]')), show(s.seen.findings));
  res = (await handler(get('198.51.100.23, 203.0.113.7:52110'), ctx())) as HttpResponseInit;
  t.equal(res.status, 200);
});

t.test('Azure: a multipart file name with backslashes, as request.formData() reads it', async (t) => {
  const s = onSecurity();
  const names: string[] = [];
  const handler = protectAzure(async (req: HttpRequest) => {
    const f = (await req.formData()).get('f') as File;
    names.push(f.name);
    return { status: 200 };
  }, s.options);
  const ctx = () => new InvocationContext({ invocationId: 'mp', functionName: 'upload', options: { trigger: { type: 'httpTrigger', name: 'req', route: 'upload' } as never } });
  const B = 'xYzBoundary';
  const post = (filename: string) =>
    new HttpRequest({
      method: 'POST',
      url: `${AZ}/api/upload`,
      headers: { 'content-type': `multipart/form-data; boundary=${B}` },
      body: { string: `--${B}\r\nContent-Disposition: form-data; name="f"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${B}--\r\n` },
    });
  let res = (await handler(post('..\\..\\..\\windows\\win.ini'), ctx())) as HttpResponseInit;
  t.equal(res.status, 403, 'blocked');
  t.ok(s.seen.findings.some((f) => f.path === 'body["(files)"][0]["filename#raw"]'), show(s.seen.findings));
  s.reset();
  res = (await handler(post('C:\\Users\\jane\\Desktop\\report final.pdf'), ctx())) as HttpResponseInit;
  t.equal(res.status, 200, `honest content passes (${show(s.seen.findings)})`);
  t.same(names, ['C:\\Users\\jane\\Desktop\\report final.pdf'], 'the handler reads the name with its backslashes');
});

t.test('Azure: storage queue messages in gzip, CSV and YAML', async (t) => {
  const s = onSecurity();
  const handler = protectAzure(async () => undefined, s.options);
  const ctx = (text: string) =>
    new InvocationContext({ invocationId: 'q', functionName: 'fulfil', triggerMetadata: { queueTrigger: text, dequeueCount: 1, id: 'x' }, options: { trigger: { type: 'queueTrigger', name: 'item', queueName: 'orders' } as never } });
  const cases: Array<[string, string, string, string]> = [
    ['gzip', gz64(JSON.stringify({ note: SQLI })), 'payload.note', gz64(JSON.stringify({ note: 'ring twice' }))],
    ['CSV', `sku,note\nA-1,${csvField(SHELL)}\n`, 'payload["#csv"][1][1]', `sku,note\nA-1,${csvField('say "hi"; then leave')}\n`],
    ['YAML', `note: '${SHELL.replace(/'/g, "''")}'\n`, 'payload["#yaml"][0].note', "note: 'O''Brien''s order'\n"],
  ];
  for (const [name, attack, path, benign] of cases) {
    s.reset();
    await t.rejects(Promise.resolve(handler(attack, ctx(attack))), { code: 'RASP_ERR_BLOCKED' }, `${name}: blocked`);
    t.ok(s.seen.findings.some((f) => f.path.startsWith(path)), `${name}: ${show(s.seen.findings)}`);
    s.reset();
    await handler(benign, ctx(benign));
    t.notOk(s.seen.blocked, `${name}: honest content passes (${show(s.seen.findings)})`);
  }
});

t.test('GCP: Pub/Sub gzip, JSON encoded twice, CSV; req.ip from X-Forwarded-For (real server)', async (t) => {
  const s = onSecurity();
  let calls = 0;
  const ceName = 'carriers-ce';
  functions.cloudEvent(ceName, protectGcp(async () => void calls++, s.options));
  const httpName = 'carriers-http';
  let ip: string | undefined;
  functions.http(
    httpName,
    protectGcp((req, res) => {
      ip = req.ip;
      res.status(200).send('ok');
    }, s.options),
  );
  const start = async (name: string) => {
    const server = getTestServer(name);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const ceUrl = await start(ceName);
  const pubsub = (data: string) => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': `id-${Math.random()}`,
      'ce-source': '//pubsub.googleapis.com/projects/shop/topics/orders',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
    },
    body: JSON.stringify({ message: { data, attributes: {}, messageId: '1', publishTime: '2026-05-01T10:00:00Z' }, subscription: 'projects/shop/subscriptions/orders' }),
  });
  const cases: Array<[string, string, string, string]> = [
    ['gzip', gz64(JSON.stringify({ note: SQLI })), 'data.message.data.note', gz64(JSON.stringify({ note: 'ring twice' }))],
    ['JSON encoded twice', b64(JSON.stringify(JSON.stringify({ note: SHELL }))), 'data.message.data.note', b64(JSON.stringify(JSON.stringify({ note: 'He said "fine"' })))],
    ['CSV', b64(`id,note\n1,${csvField(SQLI)}\n`), 'data.message.data["#csv"][1][1]', b64(`id,note\n1,${csvField('He said "fine", then left')}\n`)],
  ];
  for (const [name, attack, path, benign] of cases) {
    s.reset();
    const before = calls;
    t.equal((await fetch(ceUrl, pubsub(attack))).status, 204, `${name}: acknowledged`);
    t.ok(s.seen.blocked && calls === before, `${name}: dropped`);
    t.ok(s.seen.findings.some((f) => f.path.startsWith(path)), `${name}: ${show(s.seen.findings)}`);
    s.reset();
    t.equal((await fetch(ceUrl, pubsub(benign))).status, 204);
    t.ok(!s.seen.blocked && calls === before + 1, `${name}: honest content passes (${show(s.seen.findings)})`);
  }

  const httpUrl = await start(httpName);
  s.reset();
  let res = await fetch(`${httpUrl}/orders`, { headers: { 'x-forwarded-for': `${SHELL}, 35.191.0.1` } });
  t.equal(res.status, 403, 'X-Forwarded-For hop: blocked');
  t.ok(s.seen.findings.some((f) => f.path.startsWith('headers.x-forwarded-for[0]')), show(s.seen.findings));
  res = await fetch(`${httpUrl}/orders`, { headers: { 'x-forwarded-for': '198.51.100.23, 35.191.0.1' } });
  t.equal(res.status, 200);
  t.equal(ip, '198.51.100.23', 'req.ip is the leftmost hop, as inspected');
});
