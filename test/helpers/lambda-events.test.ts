import t from 'tap';
import { createHash } from 'node:crypto';
import type {
  ALBEvent,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  KinesisStreamEvent,
  LambdaFunctionURLEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
  S3Event,
  SNSEvent,
  SQSEvent,
} from 'aws-lambda';
import {
  ACCOUNT_ID,
  DEFAULT_SOURCE_IP,
  REGION,
  alb,
  apiGatewayV1,
  apiGatewayV2,
  cognitoPreAuthentication,
  cognitoPreSignUp,
  decodeQueryComponent,
  dynamodb,
  eventBridge,
  functionUrl,
  kinesis,
  lambdaContext,
  matchRouteTemplate,
  s3,
  sns,
  snsEnvelopeInSqsBody,
  sqs,
  sqsMessageAttributesMd5,
  toAttributeMap,
  toAttributeValue,
} from './lambda-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** Parses a raw query string the way the v2 payload groups it: decoded, repeated keys comma-joined. */
function groupRaw(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split('&').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const k = decodeQueryComponent(eq < 0 ? part : part.slice(0, eq));
    const v = decodeQueryComponent(eq < 0 ? '' : part.slice(eq + 1));
    out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  }
  return out;
}

t.test('apiGatewayV1', async (t) => {
  const event: APIGatewayProxyEvent = apiGatewayV1({
    method: 'POST',
    path: '/orders/42',
    resource: '/orders/{id}',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Tag': ['a', 'b'] },
    query: { q: "1' OR '1'='1", tag: ['x', 'y'] },
    cookies: { session: 'abc', theme: 'dark' },
    body: 'name=value',
    sourceIp: '203.0.113.7',
  });

  t.equal(event.httpMethod, 'POST');
  t.equal(event.resource, '/orders/{id}');
  t.same(event.pathParameters, { id: '42' });
  t.equal(event.body, 'name=value');
  t.equal(event.isBase64Encoded, false);

  t.test('headers keep the case sent and agree with multiValueHeaders', async (t) => {
    t.equal(event.headers['Content-Type'], 'application/x-www-form-urlencoded');
    t.equal(event.headers['content-type'], undefined);
    t.ok(event.headers['User-Agent']);
    t.same(Object.keys(event.headers).sort(), Object.keys(event.multiValueHeaders).sort());
    for (const [name, value] of Object.entries(event.headers)) {
      const all = event.multiValueHeaders[name];
      t.ok(all && all.length > 0, name);
      t.equal(value, all![all!.length - 1], `${name} is the last value`);
    }
    t.same(event.multiValueHeaders['X-Tag'], ['a', 'b']);
    t.equal(event.headers['X-Tag'], 'b');
    t.equal(event.headers['Cookie'], 'session=abc; theme=dark');
    t.equal(event.headers['Content-Length'], '10');
    t.equal(event.headers['Host'], event.requestContext.domainName);
  });

  t.test('query fields agree and are decoded', async (t) => {
    t.same(event.multiValueQueryStringParameters, { q: ["1' OR '1'='1"], tag: ['x', 'y'] });
    t.same(event.queryStringParameters, { q: "1' OR '1'='1", tag: 'y' });
  });

  t.test('requestContext', async (t) => {
    const rc = event.requestContext;
    t.equal(rc.accountId, ACCOUNT_ID);
    t.equal(rc.resourcePath, '/orders/{id}');
    t.equal(rc.httpMethod, 'POST');
    t.equal(rc.stage, 'prod');
    t.equal(rc.path, '/prod/orders/42');
    t.match(rc.requestId, UUID);
    t.match(rc.domainName, new RegExp(`^${rc.apiId}\\.execute-api\\.${REGION}\\.amazonaws\\.com$`));
    t.match(rc.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    t.ok(Math.abs(rc.requestTimeEpoch - Date.now()) < 5000);
    t.equal(rc.identity.sourceIp, '203.0.113.7');
    t.equal(rc.identity.userAgent, event.headers['User-Agent']);
    t.equal(event.headers['X-Forwarded-For'], '203.0.113.7');
  });

  t.test('defaults, removal and case-insensitive overrides', async (t) => {
    const e = apiGatewayV1({ headers: { 'user-agent': 'sqlmap/1.7', Accept: undefined } });
    t.equal(e.httpMethod, 'GET');
    t.equal(e.body, null);
    t.equal(e.queryStringParameters, null);
    t.equal(e.multiValueQueryStringParameters, null);
    t.equal(e.headers['User-Agent'], undefined);
    t.equal(e.headers['user-agent'], 'sqlmap/1.7');
    t.equal(e.headers['Accept'], undefined);
    t.equal(e.multiValueHeaders['Accept'], undefined);
    t.equal(e.requestContext.identity.userAgent, 'sqlmap/1.7');
    t.equal(e.requestContext.identity.sourceIp, DEFAULT_SOURCE_IP);
    t.equal(e.headers['Content-Type'], undefined);
    t.equal(e.stageVariables, null);
  });

  t.test('path without resource; client X-Forwarded-For; bytes body', async (t) => {
    const e = apiGatewayV1({
      path: '/search',
      clientForwardedFor: '10.0.0.1',
      body: Buffer.from('<script>alert(1)</script>'),
    });
    t.equal(e.resource, '/search');
    t.equal(e.pathParameters, null);
    t.equal(e.headers['X-Forwarded-For'], `10.0.0.1, ${DEFAULT_SOURCE_IP}`);
    t.equal(e.isBase64Encoded, true);
    t.equal(Buffer.from(e.body!, 'base64').toString(), '<script>alert(1)</script>');
    t.equal(e.headers['Content-Length'], '25');
  });

  t.test('fresh objects every call', async (t) => {
    const a = apiGatewayV1();
    const b = apiGatewayV1();
    t.not(a.requestContext.requestId, b.requestContext.requestId);
    a.headers['Accept'] = 'mutated';
    t.equal(b.headers['Accept'], 'application/json');
  });
});

t.test('matchRouteTemplate', async (t) => {
  t.same(matchRouteTemplate('/orders/{id}', '/orders/42'), { id: '42' });
  t.same(matchRouteTemplate('/files/{proxy+}', '/files/a/b/../c'), { proxy: 'a/b/../c' });
  t.same(matchRouteTemplate('/orders/{id}/items/{item}', '/orders/1/items/2'), { id: '1', item: '2' });
  t.equal(matchRouteTemplate('/orders/{id}', '/users/42'), undefined);
  t.equal(matchRouteTemplate('/orders/{id}', '/orders/42/extra'), undefined);
  t.equal(matchRouteTemplate('/health', '/health'), undefined);
});

t.test('apiGatewayV2', async (t) => {
  const event: APIGatewayProxyEventV2 = apiGatewayV2({
    method: 'POST',
    path: '/orders/42',
    headers: { 'Content-Type': 'application/json', 'X-Tag': ['a', 'b'] },
    query: { q: 'a b&c', tag: ['x', 'y'] },
    cookies: ['session=abc', 'theme=dark'],
    body: '{"item":"book"}',
    sourceIp: '203.0.113.9',
  });

  t.equal(event.version, '2.0');
  t.equal(event.routeKey, 'POST /orders/42');
  t.equal(event.rawPath, '/orders/42');
  t.equal(event.body, '{"item":"book"}');
  t.equal(event.isBase64Encoded, false);
  t.same(event.cookies, ['session=abc', 'theme=dark']);

  t.test('rawQueryString matches queryStringParameters', async (t) => {
    t.equal(event.rawQueryString, 'q=a%20b%26c&tag=x&tag=y');
    t.same(event.queryStringParameters, { q: 'a b&c', tag: 'x,y' });
    t.same(groupRaw(event.rawQueryString), event.queryStringParameters);
  });

  t.test('headers are lower-cased, repeats comma-joined, no cookie header', async (t) => {
    for (const name of Object.keys(event.headers)) t.equal(name, name.toLowerCase());
    t.equal(event.headers['content-type'], 'application/json');
    t.equal(event.headers['x-tag'], 'a,b');
    t.equal(event.headers['cookie'], undefined);
    t.equal(event.headers['x-forwarded-for'], '203.0.113.9');
  });

  t.test('requestContext', async (t) => {
    const rc = event.requestContext;
    t.equal(rc.http.method, 'POST');
    t.equal(rc.http.path, '/orders/42');
    t.equal(rc.http.protocol, 'HTTP/1.1');
    t.equal(rc.http.sourceIp, '203.0.113.9');
    t.equal(rc.http.userAgent, event.headers['user-agent']);
    t.equal(rc.routeKey, event.routeKey);
    t.equal(rc.stage, '$default');
    t.equal(rc.accountId, ACCOUNT_ID);
    t.equal(rc.domainName, `${rc.apiId}.execute-api.${REGION}.amazonaws.com`);
    t.equal(rc.domainPrefix, rc.apiId);
    t.match(rc.requestId, /^[A-Za-z0-9]{15}=$/);
    t.match(rc.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    t.ok(Math.abs(rc.timeEpoch - Date.now()) < 5000);
  });

  t.test('route template gives pathParameters', async (t) => {
    const e = apiGatewayV2({ method: 'GET', route: '/orders/{id}', path: '/orders/..%2Fetc' });
    t.equal(e.routeKey, 'GET /orders/{id}');
    t.same(e.pathParameters, { id: '..%2Fetc' });
    const d = apiGatewayV2();
    t.equal(d.routeKey, 'GET /orders/{id}');
    t.same(d.pathParameters, { id: '42' });
  });

  t.test('absent optional fields and a Cookie header moved to cookies', async (t) => {
    const e = apiGatewayV2({ path: '/health', headers: { Cookie: 'a=1; b=2' } });
    t.equal(e.body, undefined);
    t.notOk('body' in e);
    t.equal(e.queryStringParameters, undefined);
    t.equal(e.rawQueryString, '');
    t.equal(e.pathParameters, undefined);
    t.same(e.cookies, ['a=1', 'b=2']);
    t.equal(e.headers['cookie'], undefined);
  });

  t.test('rawQueryString given verbatim', async (t) => {
    const e = apiGatewayV2({ rawQueryString: 'id=1%27%20OR%201=1&id=2&flag' });
    t.equal(e.rawQueryString, 'id=1%27%20OR%201=1&id=2&flag');
    t.same(e.queryStringParameters, { id: "1' OR 1=1,2", flag: '' });
    t.same(groupRaw(e.rawQueryString), e.queryStringParameters);
  });
});

t.test('functionUrl', async (t) => {
  const event: LambdaFunctionURLEvent = functionUrl({
    path: '/webhook',
    query: { a: ['1', '2'] },
    body: Buffer.from('{"x":1}'),
    cookies: { sid: 'z' },
  });
  const rc = event.requestContext;
  t.equal(event.routeKey, '$default');
  t.equal(rc.routeKey, '$default');
  t.equal(rc.stage, '$default');
  t.match(rc.domainName, /^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/);
  t.equal(rc.domainName, `${rc.apiId}.lambda-url.${REGION}.on.aws`);
  t.equal(rc.domainPrefix, rc.apiId);
  t.equal(rc.accountId, 'anonymous');
  t.match(rc.requestId, UUID);
  t.equal(event.headers['host'], rc.domainName);
  t.ok(event.headers['x-amzn-tls-version']);
  t.equal(event.pathParameters, undefined);
  t.equal(event.isBase64Encoded, true);
  t.equal(Buffer.from(event.body!, 'base64').toString(), '{"x":1}');
  t.same(event.cookies, ['sid=z']);
  t.same(groupRaw(event.rawQueryString), event.queryStringParameters);
  t.same(event.queryStringParameters, { a: '1,2' });
  t.equal(functionUrl({ urlId: 'abcdefghijklmnopqrstuvwxyz012345' }).requestContext.domainName,
    'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws');
});

t.test('alb', async (t) => {
  const tg = /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/[a-z0-9-]+\/[0-9a-f]{16}$/;

  t.test('single-value', async (t) => {
    const event: ALBEvent = alb({
      query: { q: 'a b', tag: ['x', 'y'] },
      headers: { 'X-Tag': ['1', '2'] },
      cookies: { sid: 'abc' },
      sourceIp: '203.0.113.50',
      clientForwardedFor: '127.0.0.1',
    });
    t.match(event.requestContext.elb.targetGroupArn, tg);
    t.equal(event.httpMethod, 'GET');
    t.equal(event.path, '/orders/42');
    t.equal(event.body, '');
    t.equal(event.isBase64Encoded, false);
    t.equal(event.multiValueHeaders, undefined);
    t.equal(event.multiValueQueryStringParameters, undefined);
    t.same(event.queryStringParameters, { q: 'a%20b', tag: 'y' });
    const headers = event.headers!;
    for (const name of Object.keys(headers)) t.equal(name, name.toLowerCase());
    t.equal(headers['x-tag'], '2');
    t.equal(headers['cookie'], 'sid=abc');
    t.equal(headers['x-forwarded-for'], '127.0.0.1, 203.0.113.50');
    t.ok(headers['x-forwarded-for']!.endsWith('203.0.113.50'));
    t.match(headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  t.test('multi-value', async (t) => {
    const event: ALBEvent = alb({
      multiValue: true,
      method: 'POST',
      rawQueryString: 'redirect=https%3A%2F%2Fevil.example&redirect=%2Fhome',
      headers: { 'X-Tag': ['1', '2'] },
      body: 'a=1',
    });
    t.equal(event.headers, undefined);
    t.equal(event.queryStringParameters, undefined);
    t.same(event.multiValueQueryStringParameters, { redirect: ['https%3A%2F%2Fevil.example', '%2Fhome'] });
    t.same(event.multiValueHeaders!['x-tag'], ['1', '2']);
    t.same(event.multiValueHeaders!['x-forwarded-for'], [DEFAULT_SOURCE_IP]);
    t.equal(event.body, 'a=1');
    t.same(event.multiValueHeaders!['content-length'], ['3']);
  });

  t.test('no query gives empty objects', async (t) => {
    t.same(alb().queryStringParameters, {});
    t.same(alb({ multiValue: true }).multiValueQueryStringParameters, {});
  });
});

t.test('sqs', async (t) => {
  t.test('standard queue', async (t) => {
    const event: SQSEvent = sqs([
      { body: '{"orderId":1}', messageAttributes: { origin: 'web' } },
      { body: 'plain', messageId: '059f36b4-87a3-44ab-83d2-661975830a7d' },
    ]);
    t.equal(event.Records.length, 2);
    const [a, b] = event.Records;
    for (const r of event.Records) {
      t.equal(r.eventSource, 'aws:sqs');
      t.equal(r.eventSourceARN, `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:orders-queue`);
      t.equal(r.awsRegion, REGION);
      t.equal(r.md5OfBody, md5(r.body));
      t.match(r.receiptHandle, /^AQEB[A-Za-z0-9+/=]{100,}$/);
      t.equal(r.attributes.ApproximateReceiveCount, '1');
      t.match(r.attributes.SentTimestamp, /^\d{13}$/);
      t.equal(r.attributes.MessageGroupId, undefined);
      t.equal(r.attributes.SequenceNumber, undefined);
    }
    t.match(a!.messageId, UUID);
    t.equal(b!.messageId, '059f36b4-87a3-44ab-83d2-661975830a7d');
    t.same(a!.messageAttributes['origin'], {
      stringValue: 'web',
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    });
    t.match(a!.md5OfMessageAttributes, /^[0-9a-f]{32}$/);
    t.equal(a!.md5OfMessageAttributes, sqsMessageAttributesMd5(a!.messageAttributes));
    t.equal(b!.md5OfMessageAttributes, undefined);
    t.same(b!.messageAttributes, {});
  });

  t.test('FIFO queue', async (t) => {
    const event = sqs([{ body: 'one' }, { body: 'two', messageGroupId: 'customer-7' }], { fifo: true });
    const seqs = event.Records.map((r) => BigInt(r.attributes.SequenceNumber!));
    t.ok(seqs[1]! > seqs[0]!, 'sequence numbers increase');
    for (const r of event.Records) {
      t.ok(r.eventSourceARN.endsWith('.fifo'));
      t.match(r.attributes.SequenceNumber, /^\d{20}$/);
      t.ok(r.attributes.MessageDeduplicationId);
    }
    t.equal(event.Records[0]!.attributes.MessageGroupId, 'orders');
    t.equal(event.Records[1]!.attributes.MessageGroupId, 'customer-7');
    t.equal(sqs([{ body: 'x' }], { fifo: true, queueName: 'jobs.fifo' }).Records[0]!.eventSourceARN,
      `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:jobs.fifo`);
  });

  t.test('message attributes MD5 is order-independent and type-sensitive', async (t) => {
    const x = sqsMessageAttributesMd5({ a: { dataType: 'String', stringValue: '1' }, b: { dataType: 'Number', stringValue: '2' } });
    const y = sqsMessageAttributesMd5({ b: { dataType: 'Number', stringValue: '2' }, a: { dataType: 'String', stringValue: '1' } });
    const z = sqsMessageAttributesMd5({ a: { dataType: 'String', stringValue: '1' }, b: { dataType: 'String', stringValue: '2' } });
    t.equal(x, y);
    t.not(x, z);
  });
});

t.test('sns and the SNS envelope in SQS', async (t) => {
  const event: SNSEvent = sns([{ message: '{"a":1}', subject: 'Order', messageAttributes: { kind: 'order' } }, { message: 'x' }]);
  const [a, b] = event.Records;
  t.equal(a!.EventSource, 'aws:sns');
  t.equal(a!.EventVersion, '1.0');
  t.equal(a!.Sns.Type, 'Notification');
  t.equal(a!.Sns.Message, '{"a":1}');
  t.equal(a!.Sns.Subject, 'Order');
  t.same(a!.Sns.MessageAttributes, { kind: { Type: 'String', Value: 'order' } });
  t.equal(a!.Sns.TopicArn, `arn:aws:sns:${REGION}:${ACCOUNT_ID}:orders-topic`);
  t.ok(a!.EventSubscriptionArn.startsWith(`${a!.Sns.TopicArn}:`));
  t.match(a!.Sns.MessageId, UUID);
  t.match(a!.Sns.SigningCertUrl, /^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
  t.notOk('Subject' in b!.Sns);

  const body = snsEnvelopeInSqsBody('<img src=x onerror=alert(1)>', { subject: 's', messageAttributes: { k: 'v' } });
  t.match(body, /^\{\n {2}"Type" : "Notification",\n/);
  const parsed = JSON.parse(body) as Record<string, unknown>;
  t.equal(parsed['Type'], 'Notification');
  t.equal(parsed['Message'], '<img src=x onerror=alert(1)>');
  t.equal(parsed['Subject'], 's');
  t.ok(parsed['SigningCertURL']);
  t.ok(parsed['UnsubscribeURL']);
  t.same(parsed['MessageAttributes'], { k: { Type: 'String', Value: 'v' } });
  t.notOk('Subject' in (JSON.parse(snsEnvelopeInSqsBody('m')) as object));

  const wrapped = sqs([{ body }]);
  t.equal(JSON.parse(wrapped.Records[0]!.body).Message, '<img src=x onerror=alert(1)>');
});

t.test('s3', async (t) => {
  const event: S3Event = s3([
    { key: 'uploads/my file+v2 (1).txt' },
    { key: '../../etc/passwd', bucket: 'other-bucket', sourceIp: '203.0.113.77' },
    { key: 'naïve/résumé.pdf' },
  ]);
  const [a, b, c] = event.Records;
  t.equal(a!.s3.object.key, 'uploads%2Fmy+file%2Bv2+(1).txt');
  t.equal(b!.s3.object.key, '..%2F..%2Fetc%2Fpasswd');
  t.equal(c!.s3.object.key, 'na%C3%AFve%2Fr%C3%A9sum%C3%A9.pdf');
  for (const [i, key] of ['uploads/my file+v2 (1).txt', '../../etc/passwd', 'naïve/résumé.pdf'].entries()) {
    const r = event.Records[i]!;
    t.equal(decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), key, 'key decodes back');
    t.notMatch(r.s3.object.key, / /);
    t.equal(r.eventSource, 'aws:s3');
    t.equal(r.awsRegion, REGION);
    t.equal(r.s3.bucket.arn, `arn:aws:s3:::${r.s3.bucket.name}`);
    t.match(r.s3.object.eTag, /^[0-9a-f]{32}$/);
    t.match(r.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
  t.equal(a!.s3.bucket.name, 'example-orders-uploads');
  t.equal(b!.s3.bucket.name, 'other-bucket');
  t.equal(b!.requestParameters.sourceIPAddress, '203.0.113.77');
  t.equal(a!.requestParameters.sourceIPAddress, DEFAULT_SOURCE_IP);
  t.equal(a!.eventName, 'ObjectCreated:Put');
});

t.test('eventBridge', async (t) => {
  const detail = { orderId: 'o-1', note: { $where: 'sleep(1000)' } };
  const event: EventBridgeEvent<string, unknown> = eventBridge(detail, { source: 'com.example.shop', detailType: 'Order Created' });
  t.equal(event.version, '0');
  t.match(event.id, UUID);
  t.equal(event.source, 'com.example.shop');
  t.equal(event['detail-type'], 'Order Created');
  t.equal(event.account, ACCOUNT_ID);
  t.equal(event.region, REGION);
  t.match(event.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  t.same(event.resources, []);
  t.same(event.detail, detail);
  t.not(event.detail, detail, 'detail is a copy');
  const d = eventBridge('x');
  t.equal(d.source, 'com.example.orders');
  t.equal(d['detail-type'], 'Order Placed');
});

t.test('toAttributeValue', async (t) => {
  t.same(toAttributeValue('s'), { S: 's' });
  t.same(toAttributeValue(1.5), { N: '1.5' });
  t.same(toAttributeValue(10n), { N: '10' });
  t.same(toAttributeValue(true), { BOOL: true });
  t.same(toAttributeValue(null), { NULL: true });
  t.same(toAttributeValue(['a', 1]), { L: [{ S: 'a' }, { N: '1' }] });
  t.same(toAttributeValue(new Set(['a', 'b'])), { SS: ['a', 'b'] });
  t.same(toAttributeValue(new Set([1, 2])), { NS: ['1', '2'] });
  t.same(toAttributeValue(Buffer.from('hi')), { B: 'aGk=' });
  t.same(toAttributeValue({ a: { b: [null] }, skip: undefined }), { M: { a: { M: { b: { L: [{ NULL: true }] } } } } });
  t.same(toAttributeMap({ id: 'x', n: 2 }), { id: { S: 'x' }, n: { N: '2' } });
  t.throws(() => toAttributeValue(() => 1));
});

t.test('dynamodb', async (t) => {
  const keys = toAttributeMap({ pk: 'ORDER#1' });
  const event: DynamoDBStreamEvent = dynamodb([
    { keys, newImage: toAttributeMap({ note: "'; DROP TABLE x;--" }) },
    { keys, newImage: toAttributeMap({ note: 'b' }), oldImage: toAttributeMap({ note: 'a' }) },
    { keys, oldImage: toAttributeMap({ note: 'b' }), sequenceNumber: '999' },
  ]);
  const [ins, mod, rem] = event.Records;
  t.equal(ins!.eventName, 'INSERT');
  t.equal(mod!.eventName, 'MODIFY');
  t.equal(rem!.eventName, 'REMOVE');
  for (const r of event.Records) {
    t.equal(r.eventSource, 'aws:dynamodb');
    t.equal(r.awsRegion, REGION);
    t.match(r.eventSourceARN, /^arn:aws:dynamodb:us-east-1:123456789012:table\/Orders\/stream\/\d{4}-\d{2}-\d{2}T[\d:.]+$/);
    t.same(r.dynamodb!.Keys, keys);
    t.equal(r.dynamodb!.StreamViewType, 'NEW_AND_OLD_IMAGES');
    t.ok(r.dynamodb!.SizeBytes! > 0);
  }
  t.same(ins!.dynamodb!.NewImage, { pk: { S: 'ORDER#1' }, note: { S: "'; DROP TABLE x;--" } });
  t.equal(ins!.dynamodb!.OldImage, undefined);
  t.same(mod!.dynamodb!.OldImage, { pk: { S: 'ORDER#1' }, note: { S: 'a' } });
  t.equal(rem!.dynamodb!.NewImage, undefined);
  t.equal(rem!.dynamodb!.SequenceNumber, '999');
  t.ok(BigInt(mod!.dynamodb!.SequenceNumber!) > BigInt(ins!.dynamodb!.SequenceNumber!));
  t.not(ins!.dynamodb!.Keys, keys, 'keys are copied');
});

t.test('kinesis', async (t) => {
  const event: KinesisStreamEvent = kinesis([
    { data: '{"cmd":"; rm -rf /"}', partitionKey: 'user-1' },
    { data: 'héllo ✓' },
    { data: new Uint8Array([0, 255, 1]), sequenceNumber: '49650000000000000000000000000000000000000000000000000001' },
  ]);
  const [a, b, c] = event.Records;
  t.equal(Buffer.from(a!.kinesis.data, 'base64').toString('utf8'), '{"cmd":"; rm -rf /"}');
  t.equal(Buffer.from(b!.kinesis.data, 'base64').toString('utf8'), 'héllo ✓');
  t.same([...Buffer.from(c!.kinesis.data, 'base64')], [0, 255, 1]);
  t.equal(a!.kinesis.partitionKey, 'user-1');
  t.match(b!.kinesis.partitionKey, UUID);
  t.ok(BigInt(b!.kinesis.sequenceNumber) > BigInt(a!.kinesis.sequenceNumber));
  t.equal(c!.kinesis.sequenceNumber, '49650000000000000000000000000000000000000000000000000001');
  for (const r of event.Records) {
    t.equal(r.eventSource, 'aws:kinesis');
    t.equal(r.eventName, 'aws:kinesis:record');
    t.equal(r.kinesis.kinesisSchemaVersion, '1.0');
    t.match(r.eventID, /^shardId-\d{12}:\d+$/);
    t.ok(r.eventID.endsWith(`:${r.kinesis.sequenceNumber}`));
    t.equal(r.eventSourceARN, `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/orders-stream`);
    t.match(r.invokeIdentityArn, /^arn:aws:iam::123456789012:role\//);
    t.ok(r.kinesis.approximateArrivalTimestamp < Date.now() / 1000 + 1);
    t.ok(r.kinesis.approximateArrivalTimestamp > Date.now() / 1000 - 60, 'seconds, not milliseconds');
  }
});

t.test('cognito', async (t) => {
  const signUp: PreSignUpTriggerEvent = cognitoPreSignUp(
    { email: 'a@example.com', name: '<script>x</script>' },
    { validationData: { captcha: 'tok' }, clientMetadata: { ref: 'ad' } },
  );
  t.equal(signUp.triggerSource, 'PreSignUp_SignUp');
  t.equal(signUp.version, '1');
  t.equal(signUp.region, REGION);
  t.match(signUp.userPoolId, /^us-east-1_[A-Za-z0-9]{9}$/);
  t.match(signUp.callerContext.clientId, /^[a-z0-9]{26}$/);
  t.same(signUp.request.userAttributes, { email: 'a@example.com', name: '<script>x</script>' });
  t.same(signUp.request.validationData, { captcha: 'tok' });
  t.same(signUp.request.clientMetadata, { ref: 'ad' });
  t.same(signUp.response, { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  const bare = cognitoPreSignUp({ email: 'b@example.com' }, { userName: 'bob', triggerSource: 'PreSignUp_AdminCreateUser' });
  t.notOk('validationData' in bare.request);
  t.equal(bare.userName, 'bob');
  t.equal(bare.triggerSource, 'PreSignUp_AdminCreateUser');

  const auth: PreAuthenticationTriggerEvent = cognitoPreAuthentication({ email: 'a@example.com' }, { validationData: { ip: '1.2.3.4' } });
  t.equal(auth.triggerSource, 'PreAuthentication_Authentication');
  t.equal(auth.request.userAttributes['email'], 'a@example.com');
  t.match(auth.request.userAttributes['sub'], UUID);
  t.equal(auth.request.userAttributes['cognito:user_status'], 'CONFIRMED');
  t.same(auth.request.validationData, { ip: '1.2.3.4' });
  t.same(auth.response, {});
});

t.test('lambdaContext', async (t) => {
  const a: Context = lambdaContext();
  const b = lambdaContext();
  t.equal(a.memoryLimitInMB, '1024');
  t.equal(a.functionName, 'orders-api');
  t.equal(a.functionVersion, '$LATEST');
  t.equal(a.invokedFunctionArn, `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:orders-api`);
  t.equal(a.logGroupName, '/aws/lambda/orders-api');
  t.match(a.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  t.match(a.awsRequestId, UUID);
  t.not(a.awsRequestId, b.awsRequestId);
  t.equal(a.callbackWaitsForEmptyEventLoop, true);
  a.done();
  a.fail('x');
  a.succeed('ok');

  const c = lambdaContext({ functionName: 'checkout', functionVersion: '7', timeoutMs: 1000 });
  t.equal(c.invokedFunctionArn, `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:checkout:7`);
  t.equal(c.logGroupName, '/aws/lambda/checkout');
  t.match(c.logStreamName, /\[7\][0-9a-f]{32}$/);
  const first = c.getRemainingTimeInMillis();
  t.ok(first <= 1000 && first > 900);
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.ok(c.getRemainingTimeInMillis() < first, 'counts down');
  t.equal(lambdaContext({ timeoutMs: 0 }).getRemainingTimeInMillis(), 0);
  t.equal(lambdaContext({ memoryLimitInMB: '128' }).memoryLimitInMB, '128');
});
