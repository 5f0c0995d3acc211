/**
 * Warm overhead of `protect()` on AWS Lambda: a bare handler against the protected one on an API Gateway
 * HTTP API (v2) event with a 1 KB JSON body, 10 headers and 3 query parameters. Prints microseconds per
 * invocation (median of alternating rounds) and the ratio. Run: `npm run bench`.
 */
import type { Context } from 'aws-lambda';
import { protect } from 'serverless-rasp/aws-lambda';
import * as ev from '../test/helpers/lambda-events';
import { loadLibddwaf, type LibddwafRequest } from './peers/libddwaf';
import { machine, median, timeRounds } from './util';

export function typicalEvent(): ReturnType<typeof ev.apiGatewayV2> {
  const items = Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${1000 + i}`, name: `Cotton T-shirt, size ${['S', 'M', 'L'][i % 3]}`, qty: i + 1, price: 19.99 }));
  const body = JSON.stringify({ customer: { name: "Jane O'Neil", email: 'jane@example.com' }, note: 'Leave it at the door, please.', items });
  return ev.apiGatewayV2({
    routeKey: 'POST /orders',
    path: '/orders',
    method: 'POST',
    body: body.padEnd(1024, ' '),
    query: { page: '2', sort: 'price', q: 'summer sale' },
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/plain, */*',
      'accept-language': 'en-US,en;q=0.9',
      'accept-encoding': 'gzip, deflate, br',
      authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl',
      origin: 'https://shop.example.com',
      referer: 'https://shop.example.com/cart?step=2',
      'x-request-id': '3f1c2a9e-5b7d-4c1e-9a2b-7d6e5f4c3b2a',
    },
  });
}

async function main(): Promise<void> {
  const event = typicalEvent();
  const context: Context = ev.lambdaContext();
  const bare = async (e: typeof event) => ({ statusCode: 200, body: e.rawPath });
  const wrapped = protect(bare, { log: false });
  const check = (await wrapped(event, context)) as { statusCode: number };
  if (check.statusCode !== 200) throw new Error('the typical event was blocked: the benchmark would measure the wrong path');

  const { a: bareUs, b: protUs } = await timeRounds(
    (n) => async () => {
      for (let i = 0; i < n; i++) await bare(event);
    },
    (n) => async () => {
      for (let i = 0; i < n; i++) await wrapped(event, context);
    },
  );
  const b = median(bareUs);
  const p = median(protUs);

  // libddwaf on the same request data (what dd-trace's Lambda integration hands it), against the
  // whole protect() path: our figure includes normalizing the event, theirs only the WAF run.
  const waf = loadLibddwaf();
  const ddReq: LibddwafRequest = {
    query: event.queryStringParameters ?? {},
    headers: Object.fromEntries(Object.entries(event.headers).filter(([k]) => k !== 'cookie')),
    cookies: {},
    body: JSON.parse(event.body ?? '{}') as unknown,
    uri: `${event.rawPath}?${event.rawQueryString}`,
    method: event.requestContext.http.method,
    ip: event.requestContext.http.sourceIp,
  };
  if (waf.run(ddReq).length > 0) throw new Error('libddwaf flags the typical event: the comparison would be unfair');
  const { a: ddUs, b: protUs2 } = await timeRounds(
    (n) => () => {
      for (let i = 0; i < n; i++) {
        // Like dd-trace, the body is parsed per request; include it so both sides parse JSON once.
        waf.run({ ...ddReq, body: JSON.parse(event.body ?? '{}') as unknown });
      }
    },
    (n) => async () => {
      for (let i = 0; i < n; i++) await wrapped(event, context);
    },
    { iterations: 500 },
  );
  const d = median(ddUs);
  const p2 = median(protUs2);
  console.log(`# Lambda warm overhead (${machine()})`);
  console.log(`event: API Gateway v2, ${Buffer.byteLength(event.body ?? '')} B JSON body, ${Object.keys(event.headers).length} headers, 3 query parameters`);
  console.log('| handler | µs / invocation (median) | ratio to bare |');
  console.log('|---|---:|---:|');
  console.log(`| bare | ${b.toFixed(2)} | 1.00 |`);
  console.log(`| protect() | ${p.toFixed(2)} | ${(p / b).toFixed(2)} |`);
  console.log(`| libddwaf ${waf.version} (${waf.rules} rules), WAF run only | ${d.toFixed(2)} | ${(d / b).toFixed(2)} |`);
  console.log(`added by protect(): ${(p - b).toFixed(2)} µs per invocation`);
  console.log(`protect() time / libddwaf time (same rounds): ${(p2 / d).toFixed(3)} (libddwaf is ${(d / p2).toFixed(1)}x protect())`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
