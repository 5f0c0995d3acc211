/**
 * Red team round 4 (session 21): carriers whose consumer reads a field in a form the adapters did not
 * read, through the real protect() of each provider. Each attack case reached the handler before its
 * fix (block mode, paranoia 1) while the same text in an HTTP query value was blocked:
 * - Lambda: Amazon MQ `data` (ActiveMQ and RabbitMQ, base64), an API Gateway WebSocket binary frame
 *   (`isBase64Encoded`), an SQS FIFO message's `MessageGroupId`/`MessageDeduplicationId`, SES header
 *   values written as RFC 2047 encoded-words, AppSync `info.variables`, S3 Batch Operations `s3Key`
 *   (URL-encoded, `+` for spaces), VPC Lattice requests (v1 and v2: now HTTP triggers), EventBridge
 *   Pipes batches (bare arrays of Kinesis, Kafka, DynamoDB, MQ and SQS records).
 * - Azure: the RabbitMQ trigger's basic properties and routing key (through the real worker
 *   conversion), IoT Hub telemetry routed to Event Grid (`data.body`, base64).
 * Short payloads matter here: base64 of `$(id)` or `1 OR 1=1` is under the 16 characters from which
 * the walk of a whole event reads base64 text in a member.
 */
import { invokeAsWorker } from '../helpers/azure-worker';
import t from 'tap';
import { decodeMimeWords } from '../../adapters/aws-lambda/normalize';
import { protect as protectAzure, RequestBlockedError } from '../../adapters/azure-functions/index';
import { ATTACKS, b64, runLambda, unblocked, type Run } from '../helpers/carriers';

type Any = any;

const quiet = { sinks: false, denialOfWallet: false } as const;

/** One invocation of a protected Lambda handler (batch handlers answer with no failures). */
const lambda = (event: unknown): Promise<Run> => runLambda(event, 'round4', true);

const stopped = (r: Run): boolean => !r.ran || r.result?.statusCode === 403 || (r.result?.batchItemFailures?.length ?? 0) > 0;
const clean = (r: Run): boolean => r.ran && r.err === undefined && r.wheres.length === 0 && (r.result?.statusCode ?? 200) === 200;

// ---- Lambda event shapes (written from the documented formats) ----

const activeMq = (data: string) => ({
  eventSource: 'aws:mq',
  eventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:orders:b-9bcfa592-423a-4942-879d-eb284b418fc8',
  messages: [
    { messageID: 'ID:b-1-1', messageType: 'jms/text-message', deliveryMode: 1, redelivered: false, destination: { physicalName: 'orders' }, data: b64('{"orderId":"A-1"}'), timestamp: 1777629600000, brokerInTime: 1777629600000, brokerOutTime: 1777629600001, properties: { index: '1' } },
    { messageID: 'ID:b-1-2', messageType: 'jms/text-message', deliveryMode: 1, redelivered: false, destination: { physicalName: 'orders' }, data, timestamp: 1777629600000, brokerInTime: 1777629600000, brokerOutTime: 1777629600001 },
  ],
});
const rabbitMq = (data: string) => ({
  eventSource: 'aws:rmq',
  eventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:rabbit:b-2',
  rmqMessagesByQueue: { 'orders::/': [{ basicProperties: { contentType: 'text/plain', headers: {}, deliveryMode: 1, priority: 0 }, redelivered: false, data }] },
});
const webSocket = (body: string, isBase64Encoded: boolean) => ({
  requestContext: { routeKey: '$default', messageId: 'Kx9Zsd=', eventType: 'MESSAGE', extendedRequestId: 'Kx9Zsd=', requestTime: '01/May/2026:10:00:00 +0000', messageDirection: 'IN', stage: 'prod', connectedAt: 1777629500000, requestTimeEpoch: 1777629600000, identity: { sourceIp: '198.51.100.23' }, requestId: 'Kx9Zsd=', domainName: 'abc123.execute-api.us-east-1.amazonaws.com', connectionId: 'Kx9ZscAAoAMCJ8w=', apiId: 'abc123' },
  body,
  isBase64Encoded,
});
const fifo = (attributes: Record<string, string>) => ({
  Records: [
    {
      messageId: '7b0a5d2e-1c4f-4e7a-9a53-2d1f0c7e9b11',
      receiptHandle: 'AQEB',
      body: '{"orderId":"A-1"}',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1777629600000', SequenceNumber: '18876543210987654321', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1777629600001', MessageGroupId: 'customer-42', MessageDeduplicationId: 'a1b2c3', ...attributes },
      messageAttributes: {},
      md5OfBody: '0',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders.fifo',
      awsRegion: 'us-east-1',
    },
  ],
});
const ses = (subject: string, extra: Array<{ name: string; value: string }> = []) => ({
  Records: [
    {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: {
        mail: {
          timestamp: '2026-05-01T10:00:00.000Z',
          source: 'jane@example.com',
          messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
          destination: ['support@example.org'],
          headersTruncated: false,
          headers: [
            { name: 'Received', value: 'from mail.example.com by inbound-smtp.us-east-1.amazonaws.com' },
            { name: 'From', value: 'Jane Doe <jane@example.com>' },
            { name: 'Subject', value: subject },
            ...extra,
          ],
          commonHeaders: { returnPath: 'jane@example.com', from: ['Jane Doe <jane@example.com>'], date: 'Fri, 1 May 2026 10:00:00 +0000', to: ['support@example.org'], messageId: '<a1@example.com>', subject },
        },
        receipt: { timestamp: '2026-05-01T10:00:00.000Z', processingTimeMillis: 300, recipients: ['support@example.org'], spamVerdict: { status: 'PASS' }, virusVerdict: { status: 'PASS' }, spfVerdict: { status: 'PASS' }, dkimVerdict: { status: 'PASS' }, dmarcVerdict: { status: 'PASS' }, action: { type: 'Lambda', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mail', invocationType: 'Event' } },
      },
    },
  ],
});
const bWord = (s: string): string => `=?UTF-8?B?${b64(s)}?=`;
const qWord = (s: string): string => `=?utf-8?Q?${[...Buffer.from(s)].map((b) => (b === 32 ? '_' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;
const appSync = (variables: Record<string, unknown>) => ({
  arguments: { id: 'A-1' },
  identity: null,
  source: null,
  request: { headers: { 'content-type': 'application/json' }, domainName: null },
  prev: null,
  info: { fieldName: 'order', parentTypeName: 'Query', variables, selectionSetList: ['id'], selectionSetGraphQL: '{ id }' },
  stash: {},
});
const batchOps = (s3Key: string) => ({
  invocationSchemaVersion: '1.0',
  invocationId: 'YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo',
  job: { id: 'f3cc4f60-61f6-4a2b-8a21-d07600c373ce' },
  tasks: [{ taskId: 'dGFza2lkZ29lc2hlcmUK', s3Key, s3VersionId: '1', s3BucketArn: 'arn:aws:s3:::reports' }],
});
/** `encodeURIComponent` with `+` for spaces, as an S3 inventory manifest writes keys. */
const plusEncoded = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
const lattice1 = (o: Record<string, unknown>) => ({ raw_path: '/orders', method: 'GET', headers: { 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '10.0.1.17' }, query_string_parameters: {}, body: '', is_base64_encoded: false, ...o });
const lattice2 = (o: Record<string, unknown>) => ({
  version: '2.0',
  path: '/orders',
  method: 'GET',
  headers: { 'user-agent': ['curl/8.5.0'], 'x-forwarded-for': ['10.0.1.17'] },
  queryStringParameters: {},
  body: '',
  isBase64Encoded: false,
  requestContext: {
    serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0bf3f2882e9cc805a',
    serviceArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0a40eebed65f8d69c',
    targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-6d0ecf831eec9f09',
    identity: { sourceVpcArn: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0b8276c84697e7339', type: 'AWS_IAM', principal: 'arn:aws:iam::123456789012:role/caller' },
    region: 'us-east-1',
    timeEpoch: '1777629600000000',
  },
  ...o,
});

t.test('Lambda: every carrier of this round, each attack class, through the real protect()', async (t) => {
  const CASES: Array<[string, (a: string) => unknown, string]> = [
    ['ActiveMQ: messages[].data', (a) => activeMq(b64(a)), 'event.messages[1].data'],
    ['RabbitMQ: data', (a) => rabbitMq(b64(a)), 'event.rmqMessagesByQueue["orders::/"][0].data'],
    ['WebSocket: binary frame', (a) => webSocket(b64(a), true), 'event.body'],
    ['SQS FIFO: MessageGroupId', (a) => fifo({ MessageGroupId: a }), 'records[0].attributes.MessageGroupId'],
    ['SQS FIFO: MessageDeduplicationId', (a) => fifo({ MessageDeduplicationId: a }), 'records[0].attributes.MessageDeduplicationId'],
    ['SES: Subject, B encoded-word', (a) => ses(bWord(a)), 'records[0].ses.mail.commonHeaders.subject["#mime"]'],
    ['SES: Subject, Q encoded-word', (a) => ses(qWord(a)), 'records[0].ses.mail.commonHeaders.subject["#mime"]'],
    ['SES: another header, B encoded-word', (a) => ses('Hello', [{ name: 'X-Ticket', value: bWord(a) }]), 'records[0].ses.mail.headers[3].value["#mime"]'],
    ['SES: a header split over two encoded-words', (a) => ses('Hello', [{ name: 'Comments', value: `${bWord(a.slice(0, 3))} ${bWord(a.slice(3))}` }]), 'records[0].ses.mail.headers[3].value["#mime"]'],
    ['AppSync: info.variables', (a) => appSync({ id: 'A-1', note: a }), 'info.variables'],
    ['S3 Batch Operations: s3Key', (a) => batchOps(plusEncoded(a)), 'event.tasks[0].s3Key'],
    ['VPC Lattice v1: query in raw_path', (a) => lattice1({ raw_path: `/orders?q=${plusEncoded(a)}` }), 'query'],
    ['VPC Lattice v1: base64 body', (a) => lattice1({ method: 'POST', body: b64(a), is_base64_encoded: true }), 'body'],
    ['VPC Lattice v1: form body', (a) => lattice1({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `q=${plusEncoded(a)}` }), 'body'],
    ['VPC Lattice v2: query map', (a) => lattice2({ queryStringParameters: { q: [plusEncoded(a)] } }), 'query'],
    ['VPC Lattice v2: base64 body', (a) => lattice2({ method: 'POST', body: b64(a), isBase64Encoded: true }), 'body'],
    ['VPC Lattice v2: base64 form body', (a) => lattice2({ method: 'POST', headers: { 'content-type': ['application/x-www-form-urlencoded'] }, body: b64(`q=${plusEncoded(a)}`), isBase64Encoded: true }), 'body'],
  ];
  const passed = await unblocked(CASES, lambda, stopped);
  t.same(passed, [], `${CASES.length} carriers x ${Object.keys(ATTACKS).length} attacks: each blocked where it sits`);
});

// EventBridge Pipes with a Lambda target: a bare array of the source's records (Kinesis flattened).
const pipeKinesis = (data: string) => [
  { eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: 'shardId-000000000000:4959', eventName: 'aws:kinesis:record', invokeIdentityArn: 'arn:aws:iam::123456789012:role/pipe', awsRegion: 'us-east-1', eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders', kinesisSchemaVersion: '1.0', partitionKey: 'p-1', sequenceNumber: '4959', data: b64('{"orderId":"A-1"}'), approximateArrivalTimestamp: 1777629600.1 },
  { eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: 'shardId-000000000000:4960', eventName: 'aws:kinesis:record', invokeIdentityArn: 'arn:aws:iam::123456789012:role/pipe', awsRegion: 'us-east-1', eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders', kinesisSchemaVersion: '1.0', partitionKey: 'p-1', sequenceNumber: '4960', data, approximateArrivalTimestamp: 1777629600.2 },
];
const pipeKafka = (o: Record<string, unknown>) => [{ eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/1', eventSourceKey: 'orders-0', topic: 'orders', partition: 0, offset: 15, timestamp: 1777629600000, timestampType: 'CREATE_TIME', key: b64('order-7'), value: b64('{"q":1}'), headers: [], bootstrapServers: 'b-1.c.kafka.us-east-1.amazonaws.com:9098', ...o }];
const pipeDynamo = (bytes: string) => [{ eventID: 'e1', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', dynamodb: { Keys: { id: { S: 'A-1' } }, NewImage: { id: { S: 'A-1' }, blob: { B: bytes } }, SequenceNumber: '111', SizeBytes: 26, StreamViewType: 'NEW_IMAGE' }, eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-05-01T00:00:00.000' }];
const pipeMq = (o: Record<string, unknown>) => [{ eventSource: 'aws:rmq', eventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:rabbit:b-2', eventSourceKey: 'orders::/', basicProperties: { contentType: 'text/plain', headers: {} }, redelivered: false, data: b64('hi'), ...o }];
const pipeSqs = (binaryValue: string) => [{ messageId: '1f0c', receiptHandle: 'AQEB', body: 'hello', attributes: { ApproximateReceiveCount: '1' }, messageAttributes: { blob: { binaryValue, stringListValues: [], binaryListValues: [], dataType: 'Binary' } }, md5OfBody: '0', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders', awsRegion: 'us-east-1' }];

t.test('Lambda: EventBridge Pipes batches, each record read as its own trigger reads it', async (t) => {
  const CASES: Array<[string, (a: string) => unknown, string]> = [
    ['Kinesis data', (a) => pipeKinesis(b64(a)), 'event[1].data'],
    ['Kafka value', (a) => pipeKafka({ value: b64(a) }), 'event[0].value'],
    ['Kafka key', (a) => pipeKafka({ key: b64(a) }), 'event[0].key'],
    ['Kafka header bytes', (a) => pipeKafka({ headers: [{ tenant: [...Buffer.from(a)] }] }), 'event[0].headers'],
    ['DynamoDB B attribute', (a) => pipeDynamo(b64(a)), 'event[0].dynamodb.NewImage.blob'],
    ['ActiveMQ data', (a) => [{ eventSource: 'aws:amq', eventSourceArn: 'arn', messageID: 'ID:1', messageType: 'jms/text-message', destination: { physicalName: 'orders' }, data: b64(a) }], 'event[0].data'],
    ['RabbitMQ data', (a) => pipeMq({ data: b64(a) }), 'event[0].data'],
    ['RabbitMQ header bytes', (a) => pipeMq({ basicProperties: { headers: { tenant: { bytes: [...Buffer.from(a)] } } } }), 'event[0].basicProperties.headers'],
    ['SQS binary attribute', (a) => pipeSqs(b64(a)), 'event[0].messageAttributes.blob.binaryValue'],
  ];
  const passed = await unblocked(CASES, lambda, stopped);
  t.same(passed, [], `${CASES.length} fields x ${Object.keys(ATTACKS).length} attacks: each blocked where it sits`);
  for (const [name, event] of [
    ['Kinesis', pipeKinesis(b64('{"orderId":"A-2","total":12.5}'))],
    ['Kafka', pipeKafka({ headers: [{ 'content-type': [...Buffer.from('application/json')] }] })],
    ['DynamoDB', pipeDynamo(b64('\u0000\u0001binary'))],
    ['RabbitMQ', pipeMq({ basicProperties: { headers: { trace: { bytes: [...Buffer.from('abc-123')] } } } })],
    ['SQS', pipeSqs(b64('ok'))],
    ['an array of numbers', [1, 2, 3]],
  ] as Array<[string, unknown]>) {
    const r = await lambda(event);
    t.ok(clean(r), `${name}: a clean batch reaches the handler (${r.wheres.join(', ')})`);
  }
});

t.test('Lambda: VPC Lattice is answered as an HTTP request (403, the handler not called)', async (t) => {
  for (const event of [lattice1({ raw_path: '/orders?q=1%27+OR+1%3D1--' }), lattice2({ path: '/orders/..%2F..%2F..%2Fetc%2Fpasswd' })]) {
    const r = await lambda(event);
    t.notOk(r.ran, 'the handler did not run');
    t.equal(r.result?.statusCode, 403, '403');
    t.equal(r.result?.statusDescription, '403 Forbidden', 'with a status description');
    t.same(JSON.parse(r.result.body).error, 'blocked', 'and the blocked body');
  }
  // A member a direct invocation adds to Lattice's shape is still read.
  const r = await lambda(lattice1({ payload: { cmd: ';cat /etc/passwd' } }));
  t.ok(stopped(r) && r.wheres.some((w) => w.startsWith('event.payload')), 'a member beside the request is read');
});

t.test('Lambda: clean events of the same shapes reach the handler without a finding', async (t) => {
  const CLEAN: Array<[string, unknown]> = [
    ['ActiveMQ', activeMq(b64('{"orderId":"A-2","qty":1}'))],
    ['ActiveMQ, short text', activeMq(b64('ok'))],
    ['RabbitMQ', rabbitMq(b64('hello'))],
    ['WebSocket binary', webSocket(b64('ping'), true)],
    ['WebSocket text', webSocket('{"action":"send","msg":"hi there"}', false)],
    ['SQS FIFO', fifo({ MessageGroupId: 'tenant:acme/eu-west', MessageDeduplicationId: '9f86d081884c7d659a2feaa0c55ad015' })],
    ['SES, encoded subject', ses(bWord('Grüße aus Köln – Rechnung Nr. 4711'))],
    ['SES, Q-encoded name', ses('Hello', [{ name: 'X-Original-From', value: `${qWord("O'Brien, José")} <jose@example.com>` }])],
    ['SES, an encoded-word in Latin-1', ses('=?ISO-8859-1?Q?Caf=E9_cr=E8me?=')],
    ['AppSync', appSync({ id: 'A-1', note: 'leave at the door, please' })],
    ['S3 Batch Operations', batchOps(plusEncoded('reports/2026 Q1/summary (final).pdf'))],
    ['VPC Lattice v1', lattice1({ raw_path: '/orders?page=2&sort=price+desc', query_string_parameters: { page: '2', sort: 'price desc' } })],
    ['VPC Lattice v1 POST', lattice1({ method: 'POST', headers: { 'content-type': 'application/json' }, body: b64('{"sku":"AB-12","qty":2}'), is_base64_encoded: true })],
    ['VPC Lattice v2', lattice2({ queryStringParameters: { q: ['tom+%26+jerry'] } })],
  ];
  for (const [name, event] of CLEAN) {
    const r = await lambda(event);
    t.ok(clean(r), `${name}: allowed (${r.wheres.join(', ')})`);
  }
});

t.test('decodeMimeWords: RFC 2047 encoded-words as a mail parser reads them, bounded', async (t) => {
  t.equal(decodeMimeWords('plain subject'), undefined, 'no encoded-word: nothing');
  t.equal(decodeMimeWords('=?UTF-8?B?SGVsbG8=?= world'), 'Hello world');
  t.equal(decodeMimeWords('=?UTF-8?B?SGVs?= =?UTF-8?B?bG8=?='), 'Hello', 'blanks between adjacent words dropped');
  t.equal(decodeMimeWords('a =?utf-8?q?caf=C3=A9_au_lait?= b'), 'a café au lait b', 'Q: _ a space, =XX bytes');
  t.equal(decodeMimeWords('=?iso-8859-1?Q?Caf=E9?='), 'Café', 'a declared charset');
  t.equal(decodeMimeWords('=?x-unknown*en?B?SGk=?='), 'Hi', 'an unknown charset read as UTF-8');
  t.equal(decodeMimeWords('=?UTF-8?X?abc?= =? ?= =?'), undefined, 'malformed words are left alone');
  // Linear: many starts without a charset end, many words; the result is bounded by the value.
  const starts = '=?'.repeat(50_000);
  t.equal(decodeMimeWords(starts), undefined, '100,000 characters of =? starts');
  const many = '=?UTF-8?B?YQ==?= '.repeat(5_000);
  const d = decodeMimeWords(many);
  t.ok(d !== undefined && d.length <= 16384 && d.startsWith('aaaa'), `many words: read up to the bound (${d?.length})`);
});

// ---- Azure ----

async function azure(kind: Parameters<typeof invokeAsWorker>[0], options: Record<string, unknown>, data: unknown, metadata: Record<string, unknown>): Promise<{ ran: boolean; err: unknown; wheres: string[] }> {
  const wheres: string[] = [];
  let ran = false;
  let err: unknown;
  const h = protectAzure(
    async () => {
      ran = true;
    },
    { ...quiet, log: (l: string) => {
      const o = JSON.parse(l) as Any;
      if (o.action === 'block') for (const f of o.findings ?? []) wheres.push(String(f.path));
    } },
  );
  try {
    await invokeAsWorker(kind, options, h, data, metadata);
  } catch (e) {
    err = e;
  }
  return { ran, err, wheres };
}

const RABBIT = { trigger: { type: 'rabbitMQTrigger', name: 'message', queueName: 'orders', connectionStringSetting: 'RabbitMQConnection' } };
const iotTelemetry = (body: string) => ({
  id: '9af86784-8d40-fe2g-8b2a-bab65e106785',
  topic: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB',
  subject: 'devices/thermostat-7',
  eventType: 'Microsoft.Devices.DeviceTelemetry',
  eventTime: '2026-05-01T10:00:00.123Z',
  data: {
    properties: { alert: 'none' },
    systemProperties: { 'iothub-content-type': 'text/plain', 'iothub-content-encoding': 'utf-8', 'iothub-connection-device-id': 'thermostat-7', 'iothub-connection-auth-method': '{"scope":"device","type":"sas"}', 'iothub-enqueuedtime': '2026-05-01T10:00:00.100Z', 'iothub-message-source': 'Telemetry' },
    body,
  },
  dataVersion: '',
  metadataVersion: '1',
});

t.test('Azure: RabbitMQ basic properties and routing key, IoT Hub telemetry body, through the worker', async (t) => {
  const CASES: Array<[string, (a: string) => [Parameters<typeof invokeAsWorker>[0], Record<string, unknown>, unknown, Record<string, unknown>], string]> = [
    ['RabbitMQ: a header (text)', (a) => ['generic', RABBIT, 'hi', { BasicProperties: { Headers: { Tenant: a }, DeliveryMode: 2 } }], 'triggerMetadata.basicProperties.headers.tenant'],
    ['RabbitMQ: a header (bytes, base64)', (a) => ['generic', RABBIT, 'hi', { BasicProperties: { Headers: { Tenant: b64(a) } } }], 'triggerMetadata.basicProperties.headers.tenant["#base64"]'],
    ['RabbitMQ: CorrelationId', (a) => ['generic', RABBIT, 'hi', { BasicProperties: { CorrelationId: a } }], 'triggerMetadata.basicProperties.correlationId'],
    ['RabbitMQ: RoutingKey', (a) => ['generic', RABBIT, 'hi', { RoutingKey: a, Exchange: 'orders', DeliveryTag: 7 }], 'triggerMetadata.routingKey'],
    ['IoT Hub telemetry via Event Grid: data.body', (a) => ['eventGrid', {}, iotTelemetry(b64(a)), {}], 'payload.data.body'],
  ];
  const passed: string[] = [];
  for (const [field, build, where] of CASES) {
    for (const [cls, attack] of Object.entries(ATTACKS)) {
      const [kind, options, data, metadata] = build(attack);
      const r = await azure(kind, options, data, metadata);
      if (r.ran || !(r.err instanceof RequestBlockedError)) passed.push(`${field} / ${cls}`);
      else if (!r.wheres.some((w) => w.startsWith(where))) passed.push(`${field} / ${cls}: found at ${r.wheres.join(', ')}, not ${where}`);
    }
  }
  t.same(passed, [], `${CASES.length} fields x ${Object.keys(ATTACKS).length} attacks: each blocked where it sits`);

  for (const [name, kind, options, data, metadata] of [
    ['RabbitMQ', 'generic', RABBIT, '{"orderId":"A-1"}', { BasicProperties: { Headers: { Tenant: 'acme', Trace: b64('abc-123'), Token: 'test' }, CorrelationId: 'c0ffee', ContentType: 'application/json' }, RoutingKey: 'orders.eu.created', Exchange: 'orders', Redelivered: false }],
    ['IoT Hub telemetry', 'eventGrid', {}, iotTelemetry(b64('{"temperature":21.5,"humidity":40}')), {}],
    ['IoT Hub telemetry, short', 'eventGrid', {}, iotTelemetry(b64('ok')), {}],
  ] as Array<[string, Parameters<typeof invokeAsWorker>[0], Record<string, unknown>, unknown, Record<string, unknown>]>) {
    const r = await azure(kind, options, data, metadata);
    t.ok(r.ran && r.err === undefined && r.wheres.length === 0, `${name}: a clean message reaches the handler (${r.wheres.join(', ')})`);
  }
});
