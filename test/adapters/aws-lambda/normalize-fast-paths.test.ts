import t from 'tap';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import * as ev from '../../helpers/lambda-events';
import { parseCookieHeader, parseForm, pathSegments, percentDecode } from '../../../src/decode';
import { prng } from '../../helpers/prng';

// normalize's shortcuts (upperMethod, functionUrl in normalize.ts) give what the calls they spare give.

t.test('the method is upper-cased as toUpperCase does, with or without the call', async (t) => {
  for (const m of ['POST', 'post', 'Post', 'gEt', 'DELETE', 'M-SEARCH', 'ß', 'straße', 'ﬀ', 'é', 'GET\u0000', '', 'PATCH ']) {
    const v2 = ev.apiGatewayV2({ method: 'GET', path: '/x' });
    (v2.requestContext.http as { method: string }).method = m;
    const n2 = normalize(v2);
    t.equal(n2.kind === 'http' ? n2.request.method : 'none', m.toUpperCase(), `v2 ${JSON.stringify(m)}`);
    const v1 = ev.apiGatewayV1({ method: 'GET', path: '/x' });
    (v1 as { httpMethod: string }).httpMethod = m;
    const n1 = normalize(v1);
    t.equal(n1.kind === 'http' ? n1.request.method : 'none', m.toUpperCase(), `v1 ${JSON.stringify(m)}`);
  }
});

t.test('the trigger follows the domain of each event, alternating or repeated', async (t) => {
  const url = () => ev.functionUrl({ method: 'GET', path: '/x' });
  const api = () => ev.apiGatewayV2({ method: 'GET', path: '/x' });
  for (const [make, want] of [[url, 'function-url'], [url, 'function-url'], [api, 'apigw-v2'], [url, 'function-url'], [api, 'apigw-v2'], [api, 'apigw-v2']] as const) {
    const n = normalize(make());
    t.equal(n.kind === 'http' ? n.trigger : 'none', want);
  }
});

// The header-name cache (headerName), the repeat lookup skipped while a single map's names are all
// lower-case (addHeader's `fresh`), the last raw path kept (httpSources) and the `TopicArn"` search
// ahead of the quoted name (sqsSources), against slow references of what they replace: names
// lower-cased per header and every repeat looked up, the path decoded and split per request, the
// quoted name searched alone. Seeded generated events, each shape normalized twice (cold and warm caches).

const PLATFORM = new Set(['x-amzn-trace-id', 'x-forwarded-port', 'x-forwarded-proto', 'x-amz-cf-id', 'via', 'cloudfront-forwarded-proto', 'cloudfront-is-desktop-viewer', 'cloudfront-is-mobile-viewer', 'cloudfront-is-smarttv-viewer', 'cloudfront-is-tablet-viewer', 'cloudfront-viewer-country', 'content-length']);

/** addHeader and headerParts before the cache: every name lower-cased, every repeat looked up. */
function referenceHeaders(single: unknown, multi: unknown): { headers: Record<string, unknown>; cookies: Record<string, string>; contentType?: string } {
  const headers: Record<string, unknown> = Object.create(null);
  const cookies: Record<string, string> = Object.create(null);
  let contentType: string | undefined;
  const add = (raw: string, value: string): void => {
    const name = raw.toLowerCase();
    if (name === 'cookie') return void parseCookieHeader(value, cookies);
    if (name === 'content-type') contentType = value;
    if (PLATFORM.has(name)) return;
    const prev = headers[name];
    if (prev === undefined) headers[name] = value;
    else if (Array.isArray(prev)) {
      if (!prev.includes(value)) prev.push(value);
    } else if (prev !== value) headers[name] = [prev, value];
  };
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(multi)) for (const k of Object.keys(multi)) if (Array.isArray(multi[k])) for (const v of multi[k] as unknown[]) if (typeof v === 'string') add(k, v);
  if (isObj(single)) for (const k of Object.keys(single)) if (typeof single[k] === 'string') add(k, single[k] as string);
  return { headers, cookies, contentType };
}

const NAMES = ['accept', 'Accept', 'ACCEPT', 'cookie', 'Cookie', 'content-type', 'Content-Type', 'content-encoding', 'X-Amzn-Trace-Id', 'x-amzn-trace-id', 'Via', 'content-length', 'Content-Length', 'x-forwarded-for', 'X-Forwarded-For', '__proto__', 'constructor', 'toString', 'ß', 'İ', 'K', 'x-custom', 'X-CUSTOM', 'a'.repeat(70), 'A'.repeat(70), ''];
const VALUES = ['a', 'b', "' OR 1=1--", 'x=1; y=2', '1.2.3.4, 5.6.7.8', 'application/json', '%2e%2e/', ''];
const PATHS = ['/orders', '/orders', '/a/b/c', '/a%2Fb/%2e%2e', '/', '', '//x//', '/orders/..%2f..%2fetc', '/%C3%9F/x'];

t.test('header names, repeats and the path read through the caches as the slow references read them', async (t) => {
  const rnd = prng(18);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const map = (arrays: boolean): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    const n = Math.floor(rnd() * 7);
    for (let i = 0; i < n; i++) o[pick(NAMES)] = arrays ? Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(VALUES)) : pick(VALUES);
    return o;
  };
  let checked = 0;
  let mismatches = 0;
  for (let i = 0; i < 1500; i++) {
    const path = pick(PATHS);
    const kind = Math.floor(rnd() * 3);
    const single = map(false);
    const multi = kind !== 0 && rnd() < 0.6 ? map(true) : undefined;
    const event: Record<string, unknown> =
      kind === 0
        ? { version: '2.0', routeKey: 'POST /x', rawPath: path, rawQueryString: '', headers: single, requestContext: { domainName: 'a.execute-api.us-east-1.amazonaws.com', http: { method: 'POST', path, sourceIp: '1.2.3.4' } }, body: '{}' }
        : kind === 1
          ? { httpMethod: 'GET', path, resource: '/x', headers: single, multiValueHeaders: multi, requestContext: { identity: { sourceIp: '1.2.3.4' } } }
          : { httpMethod: 'GET', path, headers: single, multiValueHeaders: multi, requestContext: { elb: { targetGroupArn: 'x' } } };
    const want = referenceHeaders(single, multi);
    for (let pass = 0; pass < 2; pass++) {
      const n = normalize(event);
      if (n.kind !== 'http') throw new Error('not http');
      const src = (p: string) => n.request.sources.filter((s) => s.path === p).map((s) => s.value);
      const body = n.request.sources.find((s) => s.kind === 'body')!;
      const same =
        JSON.stringify(src('headers')[0]) === JSON.stringify(want.headers) &&
        JSON.stringify(src('cookies')[0]) === JSON.stringify(want.cookies) &&
        body.contentType === want.contentType &&
        JSON.stringify(src('path')) === JSON.stringify([percentDecode(path)]) &&
        JSON.stringify(src('pathSegments')) === JSON.stringify(pathSegments(path).length > 0 ? [pathSegments(path)] : []);
      checked++;
      if (!same) mismatches++;
    }
  }
  t.equal(mismatches, 0, `${checked} normalizations`);
});

t.test('an SQS body is read as an SNS envelope exactly when it holds the quoted "TopicArn" and parses as one', async (t) => {
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const FRAGS = ['"TopicArn"', 'TopicArn"', '"TopicArn', 'xTopicArn"', '"Type":"Notification"', '"Message":"hi"', '"Message":1', '{', '}', ',', ':', '"', 'T', 'Arn"'];
  const bodies: string[] = [];
  for (let i = 0; i < 3000; i++) {
    if (rnd() < 0.4) {
      const o: Record<string, unknown> = { Type: pick(['Notification', 'x']), Message: pick(['hi', "' or 1=1", 1]) };
      const arn = pick(['TopicArn', 'xTopicArn', 'TopicArnx', undefined]);
      if (arn !== undefined) o[arn] = 'arn:aws:sns:us-east-1:1:t';
      bodies.push(JSON.stringify(o));
    } else {
      let s = rnd() < 0.8 ? '{' : '';
      for (let j = Math.floor(rnd() * 8); j > 0; j--) s += pick(FRAGS);
      bodies.push(s);
    }
  }
  let mismatches = 0;
  for (const body of bodies) {
    let want = false;
    if (body.startsWith('{') && body.includes('"TopicArn"')) {
      try {
        const p = JSON.parse(body) as Record<string, unknown> | null;
        want = p !== null && typeof p === 'object' && !Array.isArray(p) && p.Type === 'Notification' && typeof p.Message === 'string';
      } catch {
        want = false;
      }
    }
    const n = normalize({ Records: [{ messageId: 'm', body, messageAttributes: {}, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:1:q' }] });
    const got = n.kind === 'batch' && n.records[0]!.request.sources.some((s) => s.path === 'records[0].body.Message');
    if (got !== want) mismatches++;
  }
  t.equal(mismatches, 0, `${bodies.length} bodies`);
});

t.test("a message's S3 keys are read decoded exactly as JSON.parse alone reads them", async (t) => {
  const rnd = prng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  /**
   * s3KeySources without its shortcuts (every message parsed): the paths of the keys it adds, from
   * `Records` and from a `Message` string one level down, whatever `eventSource` says.
   */
  const reference = (message: string, base: string, nested = true): string[] => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return [];
    }
    if (!isObj(doc)) return [];
    const out: string[] = [];
    if (Array.isArray(doc.Records)) {
      doc.Records.forEach((r: unknown, i: number) => {
        const key = isObj(r) && isObj(r.s3) && isObj(r.s3.object) && typeof r.s3.object.key === 'string' ? r.s3.object.key : undefined;
        if (key !== undefined && percentDecode(key, true) !== key) out.push(`${base}.Records[${i}].s3.object.key`);
      });
    }
    if (nested && typeof doc.Message === 'string') out.push(...reference(doc.Message, `${base}.Message`, false));
    return out;
  };
  const LEAD = ['', ' ', '\n\t ', '\r\n', '\u00a0', '\ufeff', 'x', '[', '"'];
  // Names spelled with escapes (`\\u0073`), an S3 record inside a `Message` string (its quotes escaped).
  const FRAGS = ['"aws:s3"', 'aws:s3"', '"aws:s3', 'xaws:s3"', '"Records":[', '{"s3":{"object":{"key":"a%27+b"}}}', '{"\\u0073\\u0033":{"object":{"key":"a%27+b"}}}', '{"s\\u0033":{"object":{"k\\u0065y":"a%27+b"}}}', '{"\\u00733":{"object":{"key":"a%27+b"}}}', 's3', '3', 's', '\\u003', '"Message":', '"{\\"Records\\":[{\\"s3\\":{\\"object\\":{\\"key\\":\\"a+b\\"}}}]}"', ']', '{', '}', ',', ':', '"', 'a'];
  let mismatches = 0;
  let found = 0;
  for (let i = 0; i < 3000; i++) {
    let body: string;
    if (rnd() < 0.5) {
      const recs = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => ({ eventSource: pick(['aws:s3', 'aws:s3x', 'xaws:s3']), s3: { object: { key: pick(['a%27+OR+1%3D1', 'plain', 'a+b']) } } }));
      const r = rnd();
      const doc = r < 0.6 ? { Records: recs } : r < 0.8 ? { Message: JSON.stringify({ Records: recs }) } : recs;
      let text = JSON.stringify(doc);
      // Some names escaped, as any JSON writer may (`"s3"` as `"s\u0033"`).
      if (rnd() < 0.3) text = text.replace(/"(s3|key|Records)"/g, (m, n: string) => (rnd() < 0.5 ? m : `"${n.slice(0, -1)}\\u${n.charCodeAt(n.length - 1).toString(16).padStart(4, '0')}"`));
      body = pick(LEAD) + text + pick(['', ' ', '\n', 'x']);
    } else {
      body = pick(LEAD);
      for (let j = Math.floor(rnd() * 8); j > 0; j--) body += pick(FRAGS);
    }
    const want = reference(body, 'records[0].body');
    found += want.length;
    const n = normalize({ Records: [{ messageId: 'm', body, messageAttributes: {}, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:1:q' }] });
    const got = n.kind === 'batch' ? n.records[0]!.request.sources.filter((s) => s.path.endsWith('.s3.object.key')).map((s) => s.path) : [];
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches++;
  }
  t.ok(found > 150, `${found} decoded keys expected`);
  t.equal(mismatches, 0, '3000 messages');
});

// The kept query reading (v2Query in normalize.ts: the last raw query string's reading, frozen, with
// flat copies of its values, reused while the parsed map adds nothing), against the per-request
// reading it replaces: parseForm, then the parsed map's values added (addMapValues, restated here).
// Seeded events from a small pool of query strings, so that repeats, alternations and first sightings
// all occur; maps that agree, that add a value, a key or a repeat, and odd (non-string) values.

/** addMapValues as normalize.ts had it inline: the reference. */
function referenceQuery(raw: string, map: unknown): { query: Record<string, unknown>; odd: Record<string, unknown> | undefined } {
  const query = parseForm(raw) as Record<string, unknown>;
  let odd: Record<string, unknown> | undefined;
  if (map !== null && typeof map === 'object' && !Array.isArray(map)) {
    for (const k in map as Record<string, unknown>) {
      if (!Object.prototype.hasOwnProperty.call(map, k)) continue;
      const v = (map as Record<string, unknown>)[k];
      if (typeof v !== 'string') {
        if (v !== undefined && v !== null) (odd ??= Object.create(null) as Record<string, unknown>)[k] = v;
        continue;
      }
      const have = query[k];
      if (have === undefined) query[k] = v;
      else if (Array.isArray(have)) {
        if (!have.includes(v)) have.push(v);
      } else if (have !== v) query[k] = [have, v];
    }
  }
  return { query, odd };
}

const QVALUES = ['2', 'price', 'summer+sale', 'summer%20sale', '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'https%3A%2F%2Fshop.example.com%2Fcheckout', 'a'.repeat(13), 'a'.repeat(12), "'+OR+1%3D1--", '', '%E2%82%AC', '%zz', 'x'.repeat(40)];
const QKEYS = ['page', 'sort', 'q', 'redirect_uri', '__proto__', 'constructor', 'user[$ne]', 'a'.repeat(14), 'q%5B%5D', ''];

t.test('the query is read through the kept reading as parseForm and the parsed map read it per request', async (t) => {
  const rnd = prng(20);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const raws: string[] = [];
  for (let i = 0; i < 12; i++) {
    const n = Math.floor(rnd() * 5);
    const parts: string[] = [];
    for (let j = 0; j < n; j++) parts.push(rnd() < 0.1 ? pick(QKEYS) : `${pick(QKEYS)}=${pick(QVALUES)}`);
    raws.push(rnd() < 0.05 ? `${parts.join('&')}&&` : parts.join('&'));
  }
  // Same lengths, other text: a reading kept for one must not answer for the other.
  raws.push('x='.padEnd(3000, 'y'), 'q=summer+sale&id=7c9e6679-7425-40de-944b-e07fc1f90ae7', 'q=winter+sale&id=7c9e6679-7425-40de-944b-e07fc1f90ae8');
  let checked = 0;
  let mismatches = 0;
  let kept = 0;
  for (let i = 0; i < 3000; i++) {
    const raw = pick(raws);
    // The map API Gateway makes (a repeated key's values joined with commas), or one that differs.
    const made: Record<string, unknown> = {};
    const parsed = parseForm(raw);
    for (const k of Object.keys(parsed)) {
      const v = parsed[k]!;
      made[k] = Array.isArray(v) ? v.join(',') : v;
    }
    const r = rnd();
    const map =
      r < 0.5
        ? made
        : r < 0.6
          ? undefined
          : r < 0.7
            ? { ...made, [pick(QKEYS)]: pick(['extra', '2', 'price']) }
            : r < 0.8
              ? { ...made, [pick(QKEYS)]: pick([1, true, null, ['a'], { a: 1 }]) }
              : r < 0.9
                ? Object.fromEntries(Object.keys(made).map((k) => [k, `${String(made[k])}!`]))
                : {};
    const event = { version: '2.0', routeKey: 'GET /x', rawPath: '/x', rawQueryString: raw, queryStringParameters: map, headers: {}, requestContext: { domainName: 'a.execute-api.us-east-1.amazonaws.com', http: { method: 'GET', path: '/x', sourceIp: '1.2.3.4' } } };
    const want = referenceQuery(raw, map);
    const n = normalize(JSON.parse(JSON.stringify(event)) as unknown);
    if (n.kind !== 'http') throw new Error('not http');
    const got = n.request.sources.filter((s) => s.kind === 'query').map((s) => s.value);
    const wantList = want.odd === undefined ? [want.query] : [want.query, want.odd];
    if (Object.isFrozen(got[0])) kept++;
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(wantList)) mismatches++;
  }
  t.equal(mismatches, 0, `${checked} normalizations`);
  t.ok(kept > 500, `the kept reading was used (${kept} times)`);
});
