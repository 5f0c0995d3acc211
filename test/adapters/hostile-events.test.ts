/**
 * Never crash: malformed and hostile events through every adapter's real protect().
 *
 * A seeded fuzzer (deterministic: the same events on every run, bounded to a few seconds) mutates
 * each trigger's real event shape with values no platform sends (null, numbers, arrays where objects
 * go, sparse arrays, getters that throw, Proxies, null-prototype objects, `__proto__` keys, cycles,
 * BigInt, Buffers, Dates, lone surrogates, huge keys, deep nesting) and checks the rule: the handler
 * runs (fail open, one log line) or a native answer comes back (403, a failed record,
 * RequestBlockedError), never another exception out of our code, never an unhandled rejection,
 * never a hang. Values JSON can carry must not make the library fail at all (a failure is an
 * uninspected invocation); an attack placed where an odd type stands must still be reported.
 * Azure runs real `@azure/functions` HttpRequest objects and InvocationContexts; GCP the real
 * functions-framework server over HTTP.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { protect as protectAws, RequestBlockedError, type SecurityEvent } from '../../adapters/aws-lambda/index';
import { protect as protectAzure } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import { HttpRequest, InvocationContext } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import * as ev from '../helpers/lambda-events';
import { prng } from '../helpers/prng';
import { invocationContext as azureContext } from '../helpers/azure-events';
import { appSync, cloudWatchLogs, firehose, kafka } from './aws-lambda/events';

type Any = any;

const ATTACK = "1' UNION SELECT password FROM users--";
const SEED = 0x5eed15;

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
t.teardown(() => void process.off('unhandledRejection', onUnhandled));

function deep(n: number, arrays = false): unknown {
  let o: unknown = ATTACK;
  for (let i = 0; i < n; i++) o = arrays ? [o] : { a: o };
  return o;
}

function cyclic(): unknown {
  const o: Any = { q: ATTACK };
  o.self = o;
  o.list = [o, { back: o }];
  return o;
}

/**
 * Values JSON can carry: the library must not fail on any of them (a failure is an uninspected
 * call). Makers, so that each use gets its own copy (a later mutation must not write into a shared one).
 */
const JSON_MAKERS: Array<() => unknown> = [
  () => null,
  () => 0,
  () => -1.5e308,
  () => true,
  () => '',
  () => ATTACK,
  () => [],
  () => [null],
  () => ({}),
  () => [ATTACK, 1, {}],
  () => [[[[ATTACK]]]],
  () => ({ k: ATTACK }),
  () => ({ [ATTACK]: 'x' }),
  () => JSON.parse(`{"__proto__":{"polluted":"${ATTACK}"},"constructor":{"prototype":{"x":1}}}`),
  () => 'a'.repeat(70_000),
  () => `\ud800${ATTACK}\udfff`,
  () => '\u0000\uffff\ufeff',
  () => ({ ['k'.repeat(100_000)]: ATTACK }),
  () => deep(200),
  () => deep(200, true),
  () => deep(3000),
  () => 'eyJhIjoxfQ==',
  () => '!!!not base64!!!',
  () => 'H4sIAAAAAAAA',
  () => `<?xml version="1.0"?><a>${ATTACK}</a>`,
];

/** Values only code can build (a direct invoke from a test, a wrapper in front): fail open, log once. */
function buildCodeValues(): unknown[] {
  return [
    undefined,
    NaN,
    10n,
    { n: 10n, q: ATTACK },
    Object.assign(Object.create(null), { q: ATTACK }),
    Object.freeze({ q: ATTACK, inner: Object.freeze([ATTACK]) }),
    cyclic(),
    Buffer.from(ATTACK),
    new Uint8Array([0xff, 0xfe, 0x41]),
    new Date(NaN),
    new Date(0),
    Symbol('s'),
  () => ATTACK,
    new Map([['q', ATTACK]]),
    new ArrayBuffer(4),
    // eslint-disable-next-line no-sparse-arrays
    [ATTACK, , ATTACK],
    {
      get boom(): never {
        throw new Error('getter');
      },
    },
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('proxy get');
        },
        ownKeys: () => {
          throw new Error('proxy keys');
        },
        has: () => {
          throw new Error('proxy has');
        },
      },
    ),
    new Proxy([], {
      get: (_t, k) => {
        if (k === 'length') return 1e9;
        throw new Error('array proxy');
      },
    }),
    {
      toString: () => {
        throw new Error('toString');
      },
      [Symbol.toPrimitive]: () => {
        throw new Error('toPrimitive');
      },
    },
  ];
}

// Built once (code values are never mutated into a JSON-only case: see `json` below).
const CODE_VALUES = buildCodeValues();
const codeValues = (): unknown[] => CODE_VALUES;
const jsonValues = (): unknown[] => JSON_MAKERS.map((m) => m());

/** Every own path of an event (objects and arrays), to at most `depth` segments. */
function paths(o: unknown, depth = 6, pre: string[] = [], out: string[][] = []): string[][] {
  if (depth === 0 || o === null || typeof o !== 'object') return out;
  for (const k of Object.keys(o)) {
    out.push([...pre, k]);
    paths((o as Any)[k], depth - 1, [...pre, k], out);
  }
  return out;
}

const DELETE = Symbol('delete');
function setAt(o: Any, p: string[], v: unknown): void {
  let c = o;
  for (let i = 0; i < p.length - 1; i++) c = c[p[i]!];
  if (v === DELETE) delete c[p[p.length - 1]!];
  else c[p[p.length - 1]!] = v;
}

const lambdaBases: Record<string, () => Any> = {
  'apigw-v1': () =>
    ev.apiGatewayV1({ method: 'POST', path: '/orders', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' }, query: { q: 'x' } }),
  'apigw-v1 authorizer': () => {
    const e: Any = ev.apiGatewayV1({ method: 'GET', path: '/orders', query: { q: 'x' } });
    e.requestContext.authorizer = { claims: { sub: 'u1', name: 'Jane', iss: 'https://idp' }, principalId: 'u1', tenant: 't1' };
    return e;
  },
  'apigw-v2': () =>
    ev.apiGatewayV2({ method: 'POST', path: '/orders', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' }, query: { q: 'x' }, cookies: ['a=b'] }),
  'apigw-v2 jwt': () => {
    const e: Any = ev.apiGatewayV2({ method: 'GET', path: '/orders' });
    e.requestContext.authorizer = { jwt: { claims: { sub: 'u1', 'custom:tenant': 't1' }, scopes: ['read'] }, lambda: { tenant: 't1' } };
    return e;
  },
  'function-url': () => ev.functionUrl({ method: 'POST', path: '/orders', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  alb: () => ev.alb({ method: 'POST', path: '/orders', body: 'x', query: { q: 'x' } }),
  'alb multi': () => ev.alb({ method: 'POST', path: '/orders', body: 'x', query: { q: ['x', 'y'] }, multiValue: true } as Any),
  sqs: () => ev.sqs([{ body: JSON.stringify({ a: 1 }), messageAttributes: { t: 'v' } }, { body: 'x' }]),
  'sqs fifo': () => ev.sqs([{ body: 'a' }, { body: 'b' }], { fifo: true }),
  sns: () => ev.sns([{ message: JSON.stringify({ a: 1 }) } as Any]),
  s3: () => ev.s3([{ key: 'uploads/a b.txt' } as Any]),
  eventbridge: () => ev.eventBridge({ a: 1, list: ['x'] }),
  dynamodb: () => ev.dynamodb([{ newImage: { a: 'x', n: 1, l: ['y'] } } as Any]),
  kinesis: () => ev.kinesis([{ data: 'hello' } as Any]),
  kafka: () => kafka({ 'orders-0': [{ value: '{"a":1}', key: 'k', headers: [{ h: 'v' }] }] }),
  firehose: () => firehose([{ data: 'hello' }, { data: 'world' }]),
  'cloudwatch-logs': () => cloudWatchLogs(['a log line']),
  cognito: () => ev.cognitoPreSignUp({} as Any),
  appsync: () => appSync({ arguments: { input: { note: 'x' } } }),
};

interface Outcome {
  threw: unknown;
  value: unknown;
  logs: SecurityEvent[];
  called: number;
  ms: number;
}

const HANG_MS = 3000;

async function runLambda(event: unknown, opts: Record<string, unknown> = {}, callbackStyle = false): Promise<Outcome> {
  const logs: SecurityEvent[] = [];
  let called = 0;
  const user = callbackStyle
    ? (_e: unknown, _c: unknown, cb: (err: unknown, r: unknown) => void) => {
        called++;
        cb(null, { statusCode: 200, body: 'ok' });
      }
    : async () => {
        called++;
        if (opts.defaults === true) existsSync('/tmp/serverless-rasp-none');
        return { statusCode: 200, body: 'ok' };
      };
  // `defaults`: sink checks and denial of wallet on, as a deployment has them (the handler then
  // makes an fs call, so that the sink checks collect the event's inputs); off otherwise (faster).
  const { defaults, ...rest } = opts;
  const base: Record<string, unknown> = defaults === true ? {} : { sinks: false, denialOfWallet: false };
  const h = protectAws(user as Any, { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), ...base, ...rest } as Any);
  const t0 = performance.now();
  let threw: unknown;
  let value: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    value = await Promise.race([
      h(event, ev.lambdaContext() as Context),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('hang')), HANG_MS))),
    ]);
  } catch (err) {
    threw = err;
  } finally {
    clearTimeout(timer);
  }
  return { threw, value, logs, called, ms: performance.now() - t0 };
}

/** A one-line name for a value in assertion messages. */
function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
  if (typeof v === 'string') return `string(${v.length}) ${JSON.stringify(v.slice(0, 24))}`;
  if (v === null || typeof v !== 'object') return String(v);
  try {
    const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
    return `${proto?.constructor?.name ?? 'null-prototype'} ${(JSON.stringify(v) ?? '').slice(0, 32)}`;
  } catch {
    return 'object (not serializable)';
  }
}

/** The rule, for one invocation: a native answer or the handler's, never our exception. */
function checkOutcome(t: Any, o: Outcome, what: string, jsonOnly: boolean, failClosed = false): void {
  if (o.threw !== undefined && !(o.threw instanceof RequestBlockedError)) {
    t.fail(`${what}: an exception escaped: ${String((o.threw as Error)?.stack ?? o.threw).split('\n').slice(0, 3).join(' | ')}`);
  }
  t.ok(o.ms < HANG_MS, `${what}: no hang`);
  const errors = o.logs.filter((l) => l.action === 'error');
  if (jsonOnly) {
    if (errors.length > 0) t.fail(`${what}: the library failed on a JSON value (${errors[0]!.error}): that invocation went uninspected`);
  } else t.ok(errors.length <= 1, `${what}: a failure is logged once`);
  if (errors.length > 0) {
    if (failClosed) t.ok(o.called === 0 && (o.threw instanceof RequestBlockedError || (o.value as Any)?.statusCode === 403), `${what}: failClosed: a failure blocks`);
    else t.equal(o.called, 1, `${what}: fail open: the handler ran`);
  }
}

t.test('AWS Lambda: every trigger, mutated at every path (seeded)', async (t) => {
  const rnd = prng(SEED);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  let runs = 0;
  for (const [name, build] of Object.entries(lambdaBases)) {
    const all = paths(build(), 4);
    // Every path once with a JSON value, then random multi-path mutations with any value.
    for (const p of all) {
      const maker = pick<(() => unknown) | typeof DELETE>([...JSON_MAKERS, DELETE]);
      const v = maker === DELETE ? DELETE : maker();
      const e = build();
      setAt(e, p, v);
      checkOutcome(t, await runLambda(e), `${name} ${p.join('.')}=${v === DELETE ? 'deleted' : describe(v)}`, true);
      runs++;
    }
    for (let i = 0; i < 16; i++) {
      const e = build();
      const ps = all.length === 0 ? [] : [pick(all), pick(all), pick(all)];
      const applied: string[] = [];
      let json = true;
      for (const p of ps) {
        const code = rnd() < 0.5;
        const v = code ? pick(codeValues()) : pick(JSON_MAKERS)();
        json &&= !code;
        try {
          setAt(e, p, v);
          applied.push(`${p.join('.')}=${describe(v)}`);
        } catch {
          // An earlier mutation replaced a parent with a primitive or a Proxy: skip this one.
        }
      }
      const opts = pick<Record<string, unknown>>([{}, { defaults: true }, { failClosed: true }, { mode: 'monitor', defaults: true }, { schema: { type: 'object' } }]);
      const o = await runLambda(e, opts, rnd() < 0.3);
      checkOutcome(t, o, `${name} [${applied.join(', ')}] ${JSON.stringify(opts)}`, json, opts.failClosed === true);
      runs++;
    }
  }
  // Whole events of the wrong type.
  for (const v of jsonValues()) {
    checkOutcome(t, await runLambda(v), `event=${describe(v)}`, true);
    runs++;
  }
  for (const v of codeValues()) {
    checkOutcome(t, await runLambda(v), `event=${describe(v)}`, false);
    runs++;
  }
  t.ok(runs > 500, `${runs} invocations`);
  t.same(unhandled, [], 'no unhandled rejection');
});

t.test('AWS Lambda: a sparse Records array is a record of the wrong shape, not a TypeError', async (t) => {
  // Before: `every` and `map` skipped the hole, so the batch loop read `.request` of a missing record
  // and protect() rejected with "Cannot read properties of undefined (reading 'request')".
  const e: Any = ev.sqs([{ body: 'a' }, { body: 'b' }, { body: ATTACK }]);
  delete e.Records[1];
  const o = await runLambda(e);
  t.ok(o.threw instanceof RequestBlockedError, `a RequestBlockedError, not a TypeError (${String(o.threw)})`);
  t.ok(o.logs.some((l) => l.action === 'block' && l.where === 'event.Records[2].body'), 'the event is walked whole: the attack in the last record is found');
  const clean: Any = ev.sqs([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
  delete clean.Records[1];
  const oc = await runLambda(clean);
  t.equal(oc.threw, undefined, 'a clean sparse batch runs the handler');
  t.equal(oc.called, 1);
  const f: Any = firehose([{ data: 'a' }, { data: ATTACK }]);
  delete f.records[0];
  const of = await runLambda(f);
  t.equal(of.threw, undefined, 'firehose: no exception');
  t.same(
    (of.value as Any).records.map((r: Any) => r.result),
    ['ProcessingFailed'],
    'firehose: the attack record is answered ProcessingFailed',
  );
});

t.test('AWS Lambda: an attack where an odd type stands is inspected, not skipped', async (t) => {
  const cases: Array<[string, () => Any]> = [
    ['v1 header as an array', () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders' }), { multiValueHeaders: null, headers: { 'x-note': [ATTACK] } })],
    ['v1 header as an object', () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders' }), { multiValueHeaders: null, headers: { 'x-note': { v: ATTACK } } })],
    ['v1 multi-value header not an array', () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders' }), { multiValueHeaders: { 'x-note': ATTACK } })],
    [
      'v1 query maps that disagree',
      () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders', query: { q: 'x' } }), { queryStringParameters: { q: ATTACK } }),
    ],
    ['v1 query value as an array', () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders' }), { multiValueQueryStringParameters: null, queryStringParameters: { q: [ATTACK] } })],
    ['v1 path as an array', () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders' }), { path: [ATTACK] })],
    ['v1 pathParameters as an array', () => Object.assign(ev.apiGatewayV1({ method: 'GET', path: '/orders' }), { pathParameters: [ATTACK] })],
    ['v2 rawQueryString as an object', () => Object.assign(ev.apiGatewayV2({ method: 'GET', path: '/orders' }), { rawQueryString: { q: ATTACK } })],
    ['v2 query map value as an array', () => Object.assign(ev.apiGatewayV2({ method: 'GET', path: '/orders', query: { q: 'x' } }), { queryStringParameters: { q: [ATTACK] } })],
    ['v2 cookies entry as an object', () => Object.assign(ev.apiGatewayV2({ method: 'GET', path: '/orders' }), { cookies: [{ sid: ATTACK }] })],
    ['v2 header as a number sibling', () => Object.assign(ev.apiGatewayV2({ method: 'GET', path: '/orders' }), { headers: { n: 5, 'x-note': [ATTACK] } })],
    ['alb multi query not an array', () => Object.assign(ev.alb({ method: 'GET', path: '/orders', multiValue: true } as Any), { multiValueQueryStringParameters: { q: ATTACK } })],
    ['sqs body as an object', () => sqsWith({ note: ATTACK })],
    ['s3 key as an object', () => s3With({ k: ATTACK })],
    ['cognito userName as an array', () => Object.assign(ev.cognitoPreSignUp({} as Any), { userName: [ATTACK] })],
  ];
  for (const [what, build] of cases) {
    const o = await runLambda(build());
    checkOutcome(t, o, what, true);
    t.ok(
      o.logs.some((l) => l.action === 'block' && l.rule === 'sqli.union'),
      `${what}: reported (${o.logs.map((l) => `${l.action}:${l.rule}`).join(' ') || 'nothing'})`,
    );
  }
});

function sqsWith(body: unknown): Any {
  const e: Any = ev.sqs([{ body: 'x' }]);
  e.Records[0].body = body;
  return e;
}

function s3With(key: unknown): Any {
  const e: Any = ev.s3([{ key: 'a.txt' } as Any]);
  e.Records[0].s3.object.key = key;
  return e;
}

t.test('AWS Lambda: a cookie name sent twice has both values inspected', async (t) => {
  // `cookie.parse` (Express's cookie-parser, most Node code) keeps the FIRST value of a repeated
  // name; the normalizer kept the last, so `sid=<payload>; sid=x` went through uninspected.
  for (const cookie of [`sid=${encodeURIComponent(ATTACK)}; sid=x`, `sid=x; sid=${encodeURIComponent(ATTACK)}`]) {
    for (const e of [ev.apiGatewayV1({ method: 'GET', path: '/orders', headers: { cookie } }), ev.apiGatewayV2({ method: 'GET', path: '/orders', headers: { cookie } })]) {
      const o = await runLambda(e);
      t.equal((o.value as Any)?.statusCode, 403, `${cookie.slice(0, 24)}: blocked`);
      t.ok(o.logs[0]?.findings.some((f) => f.source === 'cookie'), 'found in the cookie');
    }
  }
  const o = await runLambda(ev.apiGatewayV2({ method: 'GET', path: '/orders', cookies: ['sid=a', 'sid=a', 'theme=dark'] } as Any));
  t.equal((o.value as Any)?.statusCode, 200, 'a name repeated with the same value is one entry, benign');
});

// -------------------------------------------------------------------------------------------------
// Azure Functions
// -------------------------------------------------------------------------------------------------

async function runAzure(input: unknown, context: InvocationContext): Promise<Outcome> {
  const logs: SecurityEvent[] = [];
  let called = 0;
  const h = protectAzure(
    async () => {
      called++;
      return { status: 200 };
    },
    { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false, denialOfWallet: false },
  );
  const t0 = performance.now();
  let threw: unknown;
  let value: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    value = await Promise.race([h(input, context), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('hang')), HANG_MS)))]);
  } catch (err) {
    threw = err;
  } finally {
    clearTimeout(timer);
  }
  return { threw, value, logs, called, ms: performance.now() - t0 };
}

const AZURE_TRIGGERS = ['queueTrigger', 'serviceBusTrigger', 'eventHubTrigger', 'blobTrigger', 'cosmosDBTrigger', 'eventGridTrigger', 'kafkaTrigger', 'sqlTrigger', 'genericTrigger'];
const HTTP_TRIGGER = { type: 'httpTrigger', name: 'request', methods: ['GET', 'POST'], authLevel: 'anonymous', route: 'orders/{id?}' };

t.test('Azure Functions: hostile payloads and trigger metadata on every trigger', async (t) => {
  const rnd = prng(SEED + 1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  for (const type of AZURE_TRIGGERS) {
    for (const cardinality of ['one', 'many']) {
      for (let i = 0; i < 12; i++) {
        const code = rnd() < 0.5;
        const payload = code ? pick(codeValues()) : pick(JSON_MAKERS)();
        const metaValue = rnd() < 0.5 ? pick(JSON_MAKERS)() : pick(codeValues());
        const meta = rnd() < 0.5 ? { properties: metaValue, metadata: metaValue, headers: metaValue, headersArray: metaValue, keyArray: metaValue, blobTrigger: metaValue } : {};
        const what = `${type}/${cardinality} payload=${describe(payload)} meta=${Object.keys(meta).length ? describe(metaValue) : 'none'}`;
        const o = await runAzure(payload, azureContext({ type, name: 'm', cardinality }, meta));
        checkOutcome(t, o, what, !code && Object.keys(meta).length === 0);
      }
    }
  }
  t.same(unhandled, [], 'no unhandled rejection');
});

t.test('Azure Functions: malformed HTTP requests (real HttpRequest objects)', async (t) => {
  const J = { 'content-type': 'application/json' };
  const inits: Array<[string, Any, boolean]> = [
    ['JSON type, XML body', { method: 'POST', url: 'https://x/api/orders', body: { string: `<a>${ATTACK}</a>` }, headers: J }, true],
    ['JSON nested past the depth limit', { method: 'POST', url: 'https://x/api/orders', body: { string: '['.repeat(5000) + ']'.repeat(5000) }, headers: J }, true],
    ['truncated JSON', { method: 'POST', url: 'https://x/api/orders', body: { string: `{"a":"${ATTACK}",` }, headers: J }, true],
    ['form type, binary body', { method: 'POST', url: 'https://x/api/orders', body: { bytes: Buffer.from([0xff, 0xfe, 0x27, 0, 0x20]) }, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, false],
    ['utf-16 declared, odd byte count', { method: 'POST', url: 'https://x/api/orders', body: { bytes: Buffer.from([0xff, 0xfe, 0x27]) }, headers: { 'content-type': 'application/json; charset=utf-16' } }, false],
    ['unknown charset', { method: 'POST', url: 'https://x/api/orders', body: { string: `{"a":"${ATTACK}"}` }, headers: { 'content-type': 'application/json; charset=x-nope' } }, true],
    ['gzip declared, not gzip', { method: 'POST', url: 'https://x/api/orders', body: { string: `{"a":"${ATTACK}"}` }, headers: { ...J, 'content-encoding': 'gzip' } }, true],
    ['multipart without a boundary', { method: 'POST', url: 'https://x/api/orders', body: { string: ATTACK }, headers: { 'content-type': 'multipart/form-data' } }, true],
    ['lone surrogate in text', { method: 'POST', url: 'https://x/api/orders', body: { string: `\ud800${ATTACK}` }, headers: { 'content-type': 'text/plain' } }, true],
    ['bad percent-escapes', { method: 'GET', url: `https://x/api/orders/%E0%A4%A?q=%ZZ&%=${encodeURIComponent(ATTACK)}` }, true],
    ['__proto__ query keys', { method: 'GET', url: `https://x/api/orders?__proto__=${encodeURIComponent(ATTACK)}&constructor=1` }, true],
    ['very long header name', { method: 'GET', url: 'https://x/api/orders', headers: { [`x-${'a'.repeat(60_000)}`]: ATTACK } }, true],
    ['repeated cookie name, attack first', { method: 'GET', url: 'https://x/api/orders', headers: { cookie: `sid=${encodeURIComponent(ATTACK)}; sid=x` } }, true],
    ['empty body with a JSON type', { method: 'POST', url: 'https://x/api/orders', body: { string: '' }, headers: J }, false],
  ];
  for (const [what, init, attack] of inits) {
    const o = await runAzure(new HttpRequest(init), azureContext(HTTP_TRIGGER));
    checkOutcome(t, o, what, true);
    if (attack) t.equal((o.value as Any)?.status, 403, `${what}: blocked (${o.logs.map((l) => l.rule).join(' ')})`);
  }
  t.same(unhandled, [], 'no unhandled rejection');
});

// -------------------------------------------------------------------------------------------------
// GCP: the real functions-framework server, over a socket (bytes no fetch would send)
// -------------------------------------------------------------------------------------------------

function rawRequest(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = connect(port, '127.0.0.1', () => s.end(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve(`hang ${out}`);
    }, HANG_MS);
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.on('error', () => undefined);
  });
}

function http(method: string, path: string, headers: Array<[string, string]>, body?: string | Buffer): Buffer {
  const b = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  let head = `${method} ${path} HTTP/1.1\r\nhost: fn.example\r\nconnection: close\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  head += `content-length: ${b.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

t.test('GCP: malformed HTTP and CloudEvents through the real framework', async (t) => {
  const logs: SecurityEvent[] = [];
  let called = 0;
  const opts = { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false as const, denialOfWallet: false as const };
  functions.http(
    'hostile-http',
    protectGcp((_req: Any, res: Any) => {
      called++;
      res.status(200).send('ok');
    }, opts),
  );
  functions.cloudEvent(
    'hostile-ce',
    protectGcp(() => {
      called++;
    }, opts),
  );
  const servers = [getTestServer('hostile-http'), getTestServer('hostile-ce')];
  for (const s of servers) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.teardown(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));
  const [httpPort, cePort] = servers.map((s) => (s.address() as AddressInfo).port) as [number, number];
  const J: Array<[string, string]> = [['content-type', 'application/json']];
  const CE: Array<[string, string]> = [['ce-specversion', '1.0'], ['ce-id', '1'], ['ce-source', '//x'], ['ce-type', 't']];
  const ce = (o: unknown): string => JSON.stringify({ specversion: '1.0', id: '1', source: 's', type: 't', ...(o as object) });
  const SCE: Array<[string, string]> = [['content-type', 'application/cloudevents+json']];
  // [what, port, request, must the attack be stopped (not reach the handler)]
  const cases: Array<[string, number, Buffer, boolean]> = [
    ['JSON past the depth limit', httpPort, http('POST', '/', J, '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)), true],
    ['__proto__ and constructor keys', httpPort, http('POST', '/', J, `{"__proto__":{"x":"${ATTACK}"},"constructor":{"prototype":{"y":1}}}`), true],
    ['huge numbers beside an attack', httpPort, http('POST', '/', J, `{"a":1e999999,"b":123456789012345678901234567890,"c":"${ATTACK}"}`), true],
    ['invalid UTF-8 before an attack', httpPort, http('POST', '/', J, Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`${ATTACK}"}`)])), true],
    ['escaped lone surrogate', httpPort, http('POST', '/', J, `{"a":"\\ud800${ATTACK}"}`), true],
    ['UTF-16 JSON', httpPort, http('POST', '/', [['content-type', 'application/json; charset=utf-16']], Buffer.from(`{"a":"${ATTACK}"}`, 'utf16le')), true],
    ['form type, binary body', httpPort, http('POST', '/', [['content-type', 'application/x-www-form-urlencoded']], Buffer.from([0xff, 0, 0x27, 0xfe, 0x26, 0x3d, 0x3d])), false],
    ['multipart without a closing boundary', httpPort, http('POST', '/', [['content-type', 'multipart/form-data; boundary=zz']], `--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n${ATTACK}`), true],
    ['two content types', httpPort, http('POST', '/', [...J, ['content-type', 'text/xml']], `{"a":"${ATTACK}"}`), true],
    ['very long header name', httpPort, http('GET', '/', [[`x-${'a'.repeat(8000)}`, ATTACK]]), true],
    ['header as UTF-8 bytes', httpPort, http('GET', '/', [['x-a', Buffer.from(`\u00e9\u2028${ATTACK}`, 'utf8').toString('latin1')]]), true],
    ['repeated cookie name, attack first', httpPort, http('GET', '/', [['cookie', `sid=${encodeURIComponent(ATTACK)}; sid=x`]]), true],
    ['repeated Cookie headers', httpPort, http('GET', '/', [['cookie', `sid=${encodeURIComponent(ATTACK)}`], ['cookie', 'sid=x']]), true],
    ['nested query keys', httpPort, http('GET', `/?a[b]=1&a=${encodeURIComponent(ATTACK)}&%=%&__proto__=1`, []), true],
    ['absolute-form request target', httpPort, http('GET', `http://evil/${encodeURIComponent(ATTACK)}`, []), true],
    ['binary CloudEvent, XML data', cePort, http('POST', '/', [...CE, ['content-type', 'application/xml']], `<a>${ATTACK}</a>`), true],
    ['binary CloudEvent, octet data', cePort, http('POST', '/', [...CE, ['content-type', 'application/octet-stream']], ATTACK), true],
    ['structured, data_base64 not base64', cePort, http('POST', '/', SCE, ce({ data_base64: `!!${ATTACK}` })), true],
    ['structured, attributes of the wrong types', cePort, http('POST', '/', SCE, JSON.stringify({ specversion: 1, id: {}, source: [], type: null, data: [[[ATTACK]]] })), true],
    ['structured, an array', cePort, http('POST', '/', SCE, JSON.stringify([ATTACK])), true],
    ['legacy Pub/Sub push with data of the wrong type', cePort, http('POST', '/', J, JSON.stringify({ message: { data: { x: ATTACK }, attributes: [ATTACK] }, subscription: 'projects/p/subscriptions/s' })), true],
  ];
  for (const [what, port, bytes, attack] of cases) {
    logs.length = 0;
    called = 0;
    const out = await rawRequest(port, bytes);
    // The framework answers before the handler's promise settles in some paths: let it finish.
    await new Promise((resolve) => setTimeout(resolve, 5));
    t.notOk(out.startsWith('hang'), `${what}: no hang`);
    t.notOk(/^HTTP\/1\.1 5\d\d/.test(out), `${what}: no server error (${out.slice(0, 12)})`);
    const errors = logs.filter((l) => l.action === 'error');
    t.same(errors, [], `${what}: the library did not fail`);
    if (attack) t.equal(called, 0, `${what}: the attack did not reach the handler (${out.slice(9, 12)} ${logs.map((l) => l.rule).join(' ')})`);
  }
  t.same(unhandled, [], 'no unhandled rejection');
});

t.test('sink checks: a value that throws when read does not make the handler own operations throw', async (t) => {
  // The sink checks collect the invocation's inputs lazily, inside the handler's first fs / SQL /
  // fetch call. A getter that throws (or a Proxy) in the event made `fs.existsSync` throw that
  // getter's error in the handler: our bug in the handler's path. Now that source is left out.
  const fs = await import('node:fs');
  const hostile: Array<[string, unknown]> = [
    [
      'getter',
      {
        get boom(): never {
          throw new Error('getter');
        },
      },
    ],
    [
      'Proxy',
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('proxy keys');
          },
        },
      ),
    ],
  ];
  for (const [what, v] of hostile) {
    for (const event of [{ x: v, note: 'x' }, Object.assign(ev.eventBridge({ x: 1 }), { detail: { x: v } })]) {
      const logs: SecurityEvent[] = [];
      let handlerError: unknown;
      const h = protectAws(
        async () => {
          try {
            fs.existsSync('/tmp/serverless-rasp-none');
          } catch (err) {
            handlerError = err;
          }
          return 'done';
        },
        { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), denialOfWallet: false },
      );
      t.equal(await h(event as Any, ev.lambdaContext() as Context), 'done', `${what}: the handler ran`);
      t.equal(handlerError, undefined, `${what}: its fs call did not throw our error`);
      t.equal(logs.filter((l) => l.action === 'error').length, 1, `${what}: one log line for the failure`);
    }
  }
});

/** Body pieces and content types that lie about each other, for the HTTP fuzzers below. */
const BODY_PIECES: Array<() => Buffer> = [
  () => Buffer.from(`{"q":"${ATTACK}","n":[1,{"a":null}]}`),
  () => Buffer.from(`{"q":"${ATTACK}",`),
  () => Buffer.from(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`),
  () => Buffer.from(`q=${encodeURIComponent(ATTACK)}&q=x&a[b][c]=1&%ZZ=%&__proto__[x]=1`),
  () => Buffer.from(`--b\r\nContent-Disposition: form-data; name="f"; filename="a;' OR 1=1--"\r\n\r\n${ATTACK}\r\n--b--\r\n`),
  () => Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
  () => Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  () => Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]),
  () => Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]),
  () => Buffer.from(`\ud800${ATTACK}\udc00`, 'utf16le'),
  () => Buffer.from('+ACc- OR +ACc-1+ACc-=+ACc-1'),
  () => Buffer.from('['.repeat(2000) + ']'.repeat(2000)),
  () => Buffer.from('a'.repeat(20_000)),
  () => Buffer.alloc(0),
  () => Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  () => Buffer.from(Buffer.from(ATTACK).toString('base64')),
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-7',
  'application/json; charset=utf-16',
  'application/json; charset=utf-32be',
  'application/json; charset="bogus"',
  'APPLICATION/VND.API+JSON',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=b',
  'multipart/form-data; boundary=""',
  'multipart/form-data',
  'text/plain; charset=utf-16le',
  'text/xml',
  'application/xml; charset=iso-8859-1',
  'application/octet-stream',
  'application/x-ndjson',
  'text/csv',
  'application/yaml',
  'image/png',
  ';;;',
  'a/b/c; =; x=',
  '',
];

t.test('Azure Functions: seeded HTTP bodies under lying content types (real HttpRequest objects)', async (t) => {
  const rnd = prng(SEED + 2);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  for (let i = 0; i < 60; i++) {
    const body = Buffer.concat([pick(BODY_PIECES)(), rnd() < 0.3 ? pick(BODY_PIECES)() : Buffer.alloc(0)]);
    const type = pick(CONTENT_TYPES);
    const headers: Record<string, string> = { 'x-note': pick(['', 'x', ATTACK, 'a'.repeat(9000), '\u00ff\u00fe']) };
    if (type !== '') headers['content-type'] = type;
    if (rnd() < 0.2) headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'identity, gzip', 'x-unknown']);
    if (rnd() < 0.3) headers.cookie = pick([`a=${encodeURIComponent(ATTACK)}; a=x`, 'junk', '=; ;=;', `__proto__=${encodeURIComponent(ATTACK)}`]);
    const url = `https://x/api/orders/${pick(['1', '%ZZ', encodeURIComponent(ATTACK), '..%2f..%2fetc'])}?${pick(['', 'q=1&q=2', '%=&=%', `a[b]=${encodeURIComponent(ATTACK)}`])}`;
    const what = `#${i} ${type || '(no type)'} ${body.length} bytes`;
    const o = await runAzure(new HttpRequest({ method: 'POST', url, headers, body: { bytes: body } }), azureContext(HTTP_TRIGGER));
    checkOutcome(t, o, what, true);
    const status = (o.value as Any)?.status;
    t.ok(status === 200 || status === 400 || status === 403 || status === 413, `${what}: a native answer (${status})`);
  }
  t.same(unhandled, [], 'no unhandled rejection');
});

t.test('GCP: seeded HTTP bodies under lying content types (the real framework, raw bytes)', async (t) => {
  const rnd = prng(SEED + 3);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const logs: SecurityEvent[] = [];
  functions.http(
    'hostile-http-seeded',
    protectGcp((_req: Any, res: Any) => void res.status(200).send('ok'), { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent) }),
  );
  const server = getTestServer('hostile-http-seeded');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  for (let i = 0; i < 60; i++) {
    const body = Buffer.concat([pick(BODY_PIECES)(), rnd() < 0.3 ? pick(BODY_PIECES)() : Buffer.alloc(0)]);
    const type = pick(CONTENT_TYPES);
    const headers: Array<[string, string]> = [['x-note', pick(['x', ATTACK, 'a'.repeat(9000), '\u00ff\u00fe'])]];
    if (type !== '') headers.push(['content-type', type]);
    if (rnd() < 0.3) headers.push(['cookie', pick([`a=${encodeURIComponent(ATTACK)}; a=x`, 'junk', '=; ;=;', `__proto__=${encodeURIComponent(ATTACK)}`])]);
    const path = `/orders/${pick(['1', encodeURIComponent(ATTACK), '..%2f..%2fetc'])}?${pick(['', 'q=1&q=2', '%=&=%', `a[b]=${encodeURIComponent(ATTACK)}`])}`;
    logs.length = 0;
    const out = await rawRequest(port, http('POST', path, headers, body));
    const what = `#${i} ${type || '(no type)'} ${body.length} bytes`;
    t.notOk(out.startsWith('hang'), `${what}: no hang`);
    t.match(out.slice(0, 12), /^HTTP\/1\.1 (200|204|400|403|413|415)$/, `${what}: a native answer`);
    t.same(
      logs.filter((l) => l.action === 'error').map((l) => l.error),
      [],
      `${what}: the library did not fail`,
    );
  }
  t.same(unhandled, [], 'no unhandled rejection');
});

t.test('AWS Lambda: odd batch results from the handler are merged, not a TypeError of ours', async (t) => {
  // A blocked record plus the handler's own `batchItemFailures` holding `null` (or a bare string):
  // the merge read `.itemIdentifier` of null and the invocation failed with our TypeError.
  const results: unknown[] = [
    { batchItemFailures: [null] },
    { batchItemFailures: ['m-3', { itemIdentifier: 'm-3' }] },
    { batchItemFailures: [{ itemIdentifier: 42 }] },
    { batchItemFailures: 'all' },
    null,
    'ok',
    [1, 2],
  ];
  for (const result of results) {
    const event = ev.sqs([
      { body: 'a', messageId: 'm-1' },
      { body: ATTACK, messageId: 'm-2' },
      { body: 'c', messageId: 'm-3' },
    ]);
    const h = protectAws(async () => result, { log: false, sinks: false, denialOfWallet: false });
    let out: Any;
    let threw: unknown;
    try {
      out = await h(event, ev.lambdaContext() as Context);
    } catch (err) {
      threw = err;
    }
    t.equal(threw, undefined, `${JSON.stringify(result)}: no exception`);
    const ids = (out?.batchItemFailures as unknown[]).map((f) => (f !== null && typeof f === 'object' ? (f as Any).itemIdentifier : f));
    t.ok(ids.includes('m-2'), `${JSON.stringify(result)}: the blocked record is reported (${JSON.stringify(ids)})`);
    if (result !== null && typeof result === 'object' && Array.isArray((result as Any).batchItemFailures)) {
      for (const f of (result as Any).batchItemFailures) {
        const id = f !== null && typeof f === 'object' ? f.itemIdentifier : f;
        t.ok(ids.includes(id), `the handler's entry ${JSON.stringify(f)} is kept`);
      }
    }
  }
});

t.test('Azure Functions: a sparse batch is read message by message, not a TypeError', async (t) => {
  // `payload.map` kept the holes of a sparse batch, and the check loop read `.suffix` of a missing
  // unit: protect() threw a TypeError instead of inspecting the batch.
  for (const type of ['serviceBusTrigger', 'eventHubTrigger', 'cosmosDBTrigger', 'kafkaTrigger', 'genericTrigger']) {
    // eslint-disable-next-line no-sparse-arrays
    const batch = ['x', , ATTACK];
    const o = await runAzure(batch, azureContext({ type, name: 'm', cardinality: 'many' }, {}));
    t.ok(o.threw instanceof RequestBlockedError, `${type}: RequestBlockedError, not a TypeError (${String(o.threw)})`);
    t.ok(o.logs.some((l) => l.action === 'block' && l.where === 'payload[2]'), `${type}: the attack after the hole is found`);
    // eslint-disable-next-line no-sparse-arrays
    const clean = await runAzure(['x', , 'y'], azureContext({ type, name: 'm', cardinality: 'many' }, {}));
    t.equal(clean.threw, undefined, `${type}: a clean sparse batch runs the handler`);
    t.equal(clean.called, 1);
  }
});

t.test('GCP: arguments that throw when read (called in code, not by the framework) fail open', async (t) => {
  // Telling an HTTP call from a CloudEvent or a background event reads the arguments; a Proxy or a
  // getter there threw out of the wrapper before the handler ran.
  const proxy = new Proxy(
    {},
    {
      get: () => {
        throw new Error('proxy get');
      },
    },
  );
  const getter = {
    get specversion(): never {
      throw new Error('getter');
    },
  };
  const calls: Array<[string, (h: Any) => unknown]> = [
    ['CloudEvent that is a Proxy', (h) => h(proxy)],
    ['CloudEvent with a throwing getter', (h) => h(getter, () => undefined)],
    ['background event with a Proxy context', (h) => h({ a: 1 }, proxy)],
    ['background event with a Proxy context, callback', (h) => h({ a: 1 }, proxy, () => undefined)],
  ];
  for (const [what, call] of calls) {
    for (const failClosed of [false, true]) {
      const logs: SecurityEvent[] = [];
      let called = 0;
      const handler = protectGcp(((..._args: unknown[]) => void called++) as Any, {
        log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent),
        sinks: false,
        denialOfWallet: false,
        failClosed,
      });
      let threw: unknown;
      try {
        await call(handler);
      } catch (err) {
        threw = err;
      }
      t.equal(threw, undefined, `${what}${failClosed ? ' (failClosed)' : ''}: nothing thrown`);
      t.equal(called, failClosed ? 0 : 1, failClosed ? 'failClosed: dropped' : 'fail open: the handler ran');
      t.equal(logs.filter((l) => l.action === 'error').length, 1, 'one log line');
    }
  }
});

t.test('Azure Functions: an input that throws when read (built in code) fails open', async (t) => {
  // Telling an HTTP request apart reads `method`, `url`, `headers`: a Proxy input threw out of the
  // wrapper on an HTTP trigger (or one whose context names no trigger).
  const proxy = new Proxy(
    {},
    {
      get: () => {
        throw new Error('proxy get');
      },
    },
  );
  for (const trigger of [HTTP_TRIGGER, {}]) {
    const o = await runAzure(proxy, azureContext(trigger));
    t.equal(o.threw, undefined, `${JSON.stringify(trigger).slice(0, 30)}: nothing thrown`);
    t.equal(o.called, 1, 'fail open: the handler ran');
    t.equal(o.logs.filter((l) => l.action === 'error').length, 1, 'one log line');
  }
});

t.test('AWS Lambda: a batch with a blocked record keeps the event as defined (getters, frozen)', async (t) => {
  // The clean records were handed over as `{ ...event, Records: clean }`: the spread read every
  // property, and a getter that throws (never read by the wrapper otherwise) threw out of it.
  const build = (): Any => ev.sqs([{ body: 'a' }, { body: ATTACK }, { body: 'c' }]);
  const withGetter = build();
  Object.defineProperty(withGetter, 'extra', {
    enumerable: true,
    get: () => {
      throw new Error('extra getter');
    },
  });
  const frozen = Object.freeze(build());
  for (const [what, event] of [
    ['a getter that throws', withGetter],
    ['a frozen event', frozen],
  ] as const) {
    let seen: Any;
    const h = protectAws(
      async (e: Any) => {
        seen = e;
        return {};
      },
      { log: false, sinks: false, denialOfWallet: false },
    );
    let out: Any;
    let threw: unknown;
    try {
      out = await h(event, ev.lambdaContext() as Context);
    } catch (err) {
      threw = err;
    }
    t.equal(threw, undefined, `${what}: nothing thrown`);
    t.equal(seen?.Records.length, 2, `${what}: the handler got the two clean records`);
    t.same(Object.keys(seen ?? {}), Object.keys(event), `${what}: the same properties, in order`);
    t.equal(out?.batchItemFailures.length, 1, `${what}: the blocked record is reported`);
  }
});

t.test('every provider: an attack in bytes nested inside an event is reported, not skipped', async (t) => {
  // A Buffer is what a handler turns into text with `toString()`; the walk skipped every Uint8Array.
  const bytes = (): Buffer => Buffer.from(ATTACK);
  const lambda: Array<[string, Any]> = [
    ['direct invoke', { order: { note: bytes() } }],
    ['EventBridge detail', Object.assign(ev.eventBridge({ x: 1 }), { detail: { x: [bytes()] } })],
    ['EventBridge resources', Object.assign(ev.eventBridge({ x: 1 }), { resources: [bytes()] })],
  ];
  for (const [what, e] of lambda) {
    const o = await runLambda(e);
    checkOutcome(t, o, what, false);
    t.ok(o.called === 0 && o.logs.some((l) => l.action === 'block' && l.rule === 'sqli.union'), `Lambda ${what}: blocked`);
  }
  const azure: Array<[string, unknown, InvocationContext]> = [
    ['generic trigger payload', { order: { note: bytes() } }, azureContext({ type: 'genericTrigger', name: 'm' })],
    ['Service Bus application property', { ok: 1 }, azureContext({ type: 'serviceBusTrigger', name: 'm' }, { applicationProperties: { origin: bytes() } })],
    ['Event Grid data', { id: 'e', subject: 's', eventType: 't', data: { note: bytes() }, dataVersion: '1' }, azureContext({ type: 'eventGridTrigger', name: 'm' })],
  ];
  for (const [what, input, ctx] of azure) {
    const o = await runAzure(input, ctx);
    checkOutcome(t, o, what, false);
    t.ok(o.called === 0 && o.logs.some((l) => l.action === 'block' && l.rule === 'sqli.union'), `Azure ${what}: blocked`);
  }
  const gcp: Array<[string, unknown[]]> = [
    ['CloudEvent data', [{ specversion: '1.0', id: '1', type: 'com.example.x', source: '/s', data: { note: bytes() } }]],
    ['Pub/Sub message member', [{ specversion: '1.0', id: '1', type: 'google.cloud.pubsub.topic.v1.messagePublished', source: '//pubsub.googleapis.com/x', data: { message: { data: '', extra: bytes() } } }]],
    ['background event context', [{ a: 1 }, { eventId: '1', resource: bytes() }]],
  ];
  for (const [what, args] of gcp) {
    const logs: SecurityEvent[] = [];
    let called = 0;
    const h = protectGcp(((..._a: unknown[]) => void called++) as Any, { log: (l: string) => logs.push(JSON.parse(l) as SecurityEvent), sinks: false, denialOfWallet: false });
    await (h as Any)(...args);
    t.ok(called === 0 && logs.some((l) => l.action === 'block' && l.rule === 'sqli.union'), `GCP ${what}: dropped`);
  }
  t.same(unhandled, [], 'no unhandled rejection');
});
