/**
 * Lambda events to the engine's request model. Shapes are told apart by duck typing on the fields each
 * trigger always carries; anything unrecognized is inspected as a whole, never skipped.
 */
import { decodeCharset } from '../../src/charset';
import { flatCopy, forwardedEntries, nullRecord, parseCookieHeader, parseForm, pathSegments, percentDecode } from '../../src/decode';
import { appendSegment, formatPath } from '../../src/paths';
import type { InputSource, InspectionRequest } from '../../src/types';
import { membersExcept } from '../shared/cloudevent';

type Obj = Record<string, unknown>;

export type HttpTrigger = 'apigw-v1' | 'apigw-v2' | 'function-url' | 'alb' | 'vpc-lattice';
export type BatchTrigger = 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'firehose' | 'cloudwatch-logs';
export type EventTrigger = 'sns' | 's3' | 'eventbridge' | 'cognito' | 'ses' | 'appsync' | 'direct';

/**
 * How a batch answers for a blocked record. `items`: in `batchItemFailures` (SQS, Kinesis,
 * DynamoDB). `firehose`: a `ProcessingFailed` result record. `throw`: the whole invocation fails with
 * RequestBlockedError, as an event trigger's block does, because there is no per-record answer the
 * wrapper can rely on (Kafka, CloudWatch Logs; see the README's per-trigger table).
 */
export type BatchAnswer = 'items' | 'firehose' | 'throw';

export interface BatchRecord {
  /**
   * `batchItemFailures[].itemIdentifier` (items), the `recordId` (firehose), or a name for the record
   * (throw: `topic-partition@offset`, a log event's id).
   */
  id: string;
  request: InspectionRequest;
}

export type Normalized =
  | { kind: 'http'; trigger: HttpTrigger; request: InspectionRequest; multiValue: boolean }
  | { kind: 'batch'; trigger: BatchTrigger; records: BatchRecord[]; ordered: boolean; answer: BatchAnswer }
  | { kind: 'event'; trigger: EventTrigger; request: InspectionRequest };

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The HTTP method in upper case: `method.toUpperCase()`, without the call when there is nothing to
 * change (printable ASCII without a lower-case letter: `POST`, `GET`, as every platform sends them).
 * The call was a quarter of normalizeV2's own time on the bench's typical event (ICU's case mapping
 * even for four ASCII letters); anything else still goes through it (`ß`, `ﬀ` change length).
 */
function upperMethod(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c > 126 || (c >= 97 && c <= 122)) return v.toUpperCase();
  }
  return v;
}

/**
 * Headers AWS itself sets on the way in (not the caller): not inspected, they only cost time and
 * some carry structured values (trace ids) that look odd to detectors.
 */
const PLATFORM_HEADERS = new Set([
  'x-amzn-trace-id',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-amz-cf-id',
  'via',
  'cloudfront-forwarded-proto',
  'cloudfront-is-desktop-viewer',
  'cloudfront-is-mobile-viewer',
  'cloudfront-is-smarttv-viewer',
  'cloudfront-is-tablet-viewer',
  'cloudfront-viewer-country',
  'content-length',
]);

interface HttpParts {
  headers: Record<string, string | string[]>;
  cookies: Record<string, string>;
  contentType: string | undefined;
  /** Content-Encoding: API Gateway and ALB pass a compressed body through (base64); the app inflates it. */
  contentEncoding: string | undefined;
  /**
   * Header and cookie entries that are not strings (an array, an object, a number: a hand-built or
   * replayed event, a test harness, a proxy integration in front): the handler reads them as they
   * are, so they are inspected as they are (see `oddValue`). Undefined for every event API Gateway
   * or ALB sends.
   */
  odd: Obj | undefined;
}

/**
 * Keeps a value of an unexpected type where a string was expected, for the walk. Such a value was
 * skipped before (`headers: { q: ["' OR 1=1--"] }`, a numeric key's sibling, `body` as an object in
 * an SQS record), silently, against the rule that what is not recognized is inspected whole. Only
 * reached off the platforms' own shapes: nothing per request on a real event.
 */
function oddValue(bag: Obj | undefined, key: string, value: unknown): Obj | undefined {
  if (value === undefined || value === null) return bag;
  const out = bag ?? (Object.create(null) as Obj);
  out[key] = value;
  return out;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** What addHeader does with a header, by its lower-cased name (see headerName). */
const H_PLAIN = 0;
const H_COOKIE = 1;
const H_CONTENT_TYPE = 2;
const H_CONTENT_ENCODING = 3;
const H_PLATFORM = 4;

/**
 * Raw header name → its lower-cased form and what it is (H_*), for the names met so far. The same
 * dozen names come with every request to a function: one Map lookup replaces a toLowerCase call (a
 * call into the runtime's case mapping even for a name already lower-case), a Set lookup and up to
 * three string compares per header (~0.1 µs of the bench's typical event, 10 headers). Bounded: past
 * NAME_CACHE_MAX names (a caller sending random header names) the rest are worked out per request,
 * as before, and not kept.
 */
const NAME_CACHE_MAX = 512;
/** Longest name kept (at most NAME_CACHE_MAX × this many characters held). */
const NAME_CACHE_LENGTH = 64;
const nameCache = new Map<string, { lower: string; what: number }>();

function headerName(rawName: string): { lower: string; what: number } {
  let e = nameCache.get(rawName);
  if (e !== undefined) return e;
  const lower = rawName.toLowerCase();
  const what =
    lower === 'cookie'
      ? H_COOKIE
      : PLATFORM_HEADERS.has(lower)
        ? H_PLATFORM
        : lower === 'content-type'
          ? H_CONTENT_TYPE
          : lower === 'content-encoding'
            ? H_CONTENT_ENCODING
            : H_PLAIN;
  e = { lower, what };
  if (nameCache.size < NAME_CACHE_MAX && rawName.length <= NAME_CACHE_LENGTH) nameCache.set(rawName, e);
  return e;
}

/**
 * One header into `parts` (lower-cased name; `Cookie` split into cookies; repeats folded). `fresh`:
 * the caller knows no header of that lower-cased name was added before (see headerParts), so the
 * lookup for a repeat is skipped: a keyed load that misses costs as much as the store after it.
 * Returns whether the name was not already lower-case.
 */
function addHeader(parts: HttpParts, rawName: string, value: string, fresh: boolean): boolean {
  const h = headerName(rawName);
  const name = h.lower;
  const what = h.what;
  if (what === H_COOKIE) {
    parseCookieHeader(value, parts.cookies);
  } else if (what === H_CONTENT_TYPE) parts.contentType = value;
  else if (what === H_CONTENT_ENCODING) parts.contentEncoding = value;
  // content-type and content-encoding are kept as headers too; cookies and the platform's are not.
  if (what !== H_COOKIE && what !== H_PLATFORM) {
    const headers = parts.headers;
    const folded = name !== rawName;
    const prev = fresh && !folded ? undefined : headers[name];
    if (prev === undefined) headers[name] = value;
    else if (Array.isArray(prev)) {
      if (!prev.includes(value)) prev.push(value);
    } else if (prev !== value) headers[name] = [prev, value];
  }
  return name !== rawName;
}

/**
 * Lower-cases header names, folds multi-value headers, and lifts cookies out of `Cookie`. Own
 * enumerable names in order, as Object.entries gives them, without its array of pairs per call.
 */
function headerParts(single: unknown, multi: unknown, cookieList?: unknown): HttpParts {
  const parts: HttpParts = {
    headers: nullRecord<string | string[]>(),
    cookies: nullRecord<string>(),
    contentType: undefined,
    contentEncoding: undefined,
    odd: undefined,
  };
  const multiSeen = isObj(multi);
  if (multiSeen) {
    for (const k in multi) {
      if (!hasOwn.call(multi, k)) continue;
      const vs = multi[k];
      if (Array.isArray(vs)) {
        for (const v of vs) {
          if (typeof v === 'string') addHeader(parts, k, v, false);
          else parts.odd = oddValue(parts.odd, k, v);
        }
      } else parts.odd = oddValue(parts.odd, k, vs);
    }
  }
  if (isObj(single)) {
    // The single map's own names are distinct: while every name so far was already lower-case (as
    // API Gateway v2 and Function URLs send them) and nothing came from the multi-value map, a name
    // that is itself lower-case cannot have been added before. A folded one (`Accept` beside
    // `accept`) turns that off for the rest.
    let fresh = !multiSeen;
    for (const k in single) {
      if (!hasOwn.call(single, k)) continue;
      const v = single[k];
      if (typeof v === 'string') {
        if (addHeader(parts, k, v, fresh)) fresh = false;
      } else parts.odd = oddValue(parts.odd, k, v);
    }
  }
  if (Array.isArray(cookieList)) {
    for (let i = 0; i < cookieList.length; i++) {
      const c: unknown = cookieList[i];
      if (typeof c === 'string') parseCookieHeader(c, parts.cookies);
      else parts.odd = oddValue(parts.odd, `cookies[${i}]`, c);
    }
  }
  return parts;
}

/**
 * Query parameters as name → value or values; `urlEncoded` for ALB, which passes them raw. Values
 * that are not strings go to `odd` (inspected as they are, see `oddValue`).
 */
function queryParts(single: unknown, multi: unknown, urlEncoded: boolean, odd?: { bag: Obj | undefined }): Record<string, string | string[]> {
  const out = nullRecord<string | string[]>();
  const dec = (s: string): string => (urlEncoded ? percentDecode(s, true) : s);
  if (isObj(multi)) {
    for (const [k, vs] of Object.entries(multi)) {
      if (Array.isArray(vs)) {
        out[dec(k)] = vs.filter((v): v is string => typeof v === 'string').map(dec);
        if (odd !== undefined) for (const v of vs) if (typeof v !== 'string') odd.bag = oddValue(odd.bag, k, v);
      } else if (odd !== undefined) odd.bag = oddValue(odd.bag, k, vs);
    }
    // API Gateway's two maps agree (the single map holds each key's last value); a value only the
    // single map holds (a hand-built or replayed event) is what `event.queryStringParameters.q`
    // reads, and was skipped. One compare per key on a real event.
    if (isObj(single)) addMapValues(out, single, odd);
    return out;
  }
  if (isObj(single)) {
    for (const [k, v] of Object.entries(single)) {
      if (typeof v === 'string') out[dec(k)] = dec(v);
      else if (odd !== undefined) odd.bag = oddValue(odd.bag, k, v);
    }
  }
  return out;
}

/**
 * The values of API Gateway v2's parsed query map that the raw query string's reading does not hold:
 * the map joins a repeated key's values with commas (`?q=select 1&q=2 from users` is `select 1,2
 * from users` in `event.queryStringParameters.q`, what the handler reads). Added as one more value of
 * the key; nothing is added (one compare per key) when the map holds what the raw string does.
 */
function addMapValues(query: Record<string, string | string[]>, map: Obj, odd?: { bag: Obj | undefined }): void {
  // Own enumerable names in Object.entries' order, without its array of pairs per request.
  for (const k in map) {
    if (!hasOwn.call(map, k)) continue;
    const v = map[k];
    if (typeof v !== 'string') {
      if (odd !== undefined) odd.bag = oddValue(odd.bag, k, v);
      continue;
    }
    const have = query[k];
    if (have === undefined) query[k] = v;
    else if (Array.isArray(have)) {
      if (!have.includes(v)) have.push(v);
    } else if (have !== v) query[k] = [have, v];
  }
}

/** The rightmost X-Forwarded-For entry: the one the load balancer appended, not the caller's claim. */
function rightmostForwardedFor(h: string | string[] | undefined): string | undefined {
  const v = Array.isArray(h) ? h[h.length - 1] : h;
  if (v === undefined) return undefined;
  const parts = v.split(',');
  const last = parts[parts.length - 1]?.trim();
  return last ? last : undefined;
}

/**
 * The last raw path httpSources read, decoded and split: a function is called on a few routes, and
 * `/orders` comes again and again (~70 ns a request: the decode's search and the split's array and
 * slices). The segments array is shared by the requests of that path: read-only (the engine and the
 * sink checks only read their sources).
 */
let lastRawPath: string | undefined;
let lastDecodedPath = '';
let lastSegments: readonly string[] = [];

/**
 * `oddQuery`: query values that are not strings, and a path or raw query string that is not one
 * (see `oddValue`); undefined on every real event.
 */
function httpSources(
  parts: HttpParts,
  query: Record<string, string | string[]>,
  pathParams: unknown,
  rawPath: string | undefined,
  body: unknown,
  base64: boolean,
  oddQuery: Obj | undefined,
): InputSource[] {
  const sources: InputSource[] = [
    { kind: 'query', path: 'query', value: query },
    { kind: 'header', path: 'headers', value: parts.headers },
    { kind: 'cookie', path: 'cookies', value: parts.cookies },
  ];
  if (parts.odd !== undefined) sources.push({ kind: 'header', path: 'headers', value: parts.odd });
  if (oddQuery !== undefined) sources.push({ kind: 'query', path: 'query', value: oddQuery });
  // Each hop on its own: a handler takes the client from `xff.split(',')[0]`, which the caller writes.
  const xff = parts.headers['x-forwarded-for'];
  const hops = typeof xff === 'string' ? forwardedEntries(xff) : undefined;
  if (hops !== undefined) sources.push({ kind: 'header', path: 'headers', value: { 'x-forwarded-for': hops } });
  // Not only an object: whatever a hand-built event holds there is what the handler reads (see oddValue).
  if (pathParams !== undefined && pathParams !== null) sources.push({ kind: 'path', path: 'pathParameters', value: pathParams });
  // The path can carry traversal that path parameters do not show. Decoded once, as the router and
  // the application read it: `%2F` in a path is ordinary encoding, not an evasion; a second layer
  // (`%252F`) still reaches the detectors as `%2F`, and the engine decodes that too.
  if (rawPath !== undefined) {
    if (rawPath !== lastRawPath) {
      lastDecodedPath = percentDecode(rawPath);
      // Frozen: shared by every request of this path, no reader may change it for the next one. Flat
      // copies (flatCopy): a segment of 13 characters or more (an id, a UUID, a slug) was a view into
      // the path, compared in the runtime with its clean-front copy on every request of the path.
      lastSegments = Object.freeze(pathSegments(rawPath).map(flatCopy));
      lastRawPath = rawPath;
    }
    sources.push({ kind: 'path', path: 'path', value: lastDecodedPath });
    // Each segment on its own too: behind a `$default` or `{proxy+}` route the function routes
    // itself, and a segment is a value its code uses alone, as a path parameter is.
    if (lastSegments.length > 0) sources.push({ kind: 'path', path: 'pathSegments', value: lastSegments });
  }
  sources.push({ kind: 'body', path: 'body', value: body, decoding: 'body', contentType: parts.contentType, contentEncoding: parts.contentEncoding, base64, validate: true });
  return sources;
}

/** Token claims that name the deployment (its issuer URL, often an internal host; its client id), not the caller. */
const PLATFORM_CLAIMS: ReadonlySet<string> = new Set(['iss', 'aud']);

function callerClaims(claims: Obj): Obj {
  const out: Obj = Object.create(null) as Obj;
  for (const k in claims) if (hasOwn.call(claims, k) && !PLATFORM_CLAIMS.has(k)) out[k] = claims[k];
  return out;
}

/**
 * What an authorizer passes to the function: a Cognito or JWT authorizer's token claims, and a Lambda
 * authorizer's context. The user writes many of those claims (`name`, `nickname`, `custom:*`
 * attributes: a user pool lets a signed-in user update their own attributes, and an identity
 * provider's profile fields come through federation as they are), and a handler reads them as trusted
 * identity (`claims['custom:tenant']` into a query, a key, a path). Read as the AppSync identity is:
 * without the issuer and audience, and without API Gateway's own `integrationLatency`. REST APIs
 * put the claims under `authorizer.claims` and a Lambda authorizer's context flat in `authorizer`;
 * HTTP APIs under `authorizer.jwt.claims` and `authorizer.lambda`. IAM authorization (`authorizer.iam`)
 * is AWS's verified identity, not read. Costs one check per request without an authorizer.
 */
function authorizerSources(authorizer: unknown, sources: InputSource[]): void {
  if (!isObj(authorizer)) return;
  const base = 'requestContext.authorizer';
  const jwt = authorizer.jwt;
  if (isObj(jwt)) {
    if (isObj(jwt.claims)) sources.push({ kind: 'metadata', path: `${base}.jwt.claims`, value: callerClaims(jwt.claims) });
    if (isObj(authorizer.lambda)) sources.push({ kind: 'metadata', path: `${base}.lambda`, value: authorizer.lambda });
    return;
  }
  if (isObj(authorizer.lambda)) {
    sources.push({ kind: 'metadata', path: `${base}.lambda`, value: authorizer.lambda });
    return;
  }
  if (isObj(authorizer.iam)) return;
  const out: Obj = Object.create(null) as Obj;
  let any = false;
  for (const k in authorizer) {
    if (!hasOwn.call(authorizer, k) || k === 'integrationLatency') continue;
    const v = authorizer[k];
    out[k] = k === 'claims' && isObj(v) ? callerClaims(v) : v;
    any = true;
  }
  if (any) sources.push({ kind: 'metadata', path: base, value: out });
}

function normalizeV1(e: Obj): Normalized {
  const rc = isObj(e.requestContext) ? e.requestContext : {};
  const identity = isObj(rc.identity) ? rc.identity : {};
  const parts = headerParts(e.headers, e.multiValueHeaders);
  const method = upperMethod(e.httpMethod);
  const resource = str(e.resource);
  const odd = { bag: oddValue(undefined, 'path', typeof e.path === 'string' ? undefined : e.path) };
  const query = queryParts(e.queryStringParameters, e.multiValueQueryStringParameters, false, odd);
  const sources = httpSources(parts, query, e.pathParameters, str(e.path), e.body, e.isBase64Encoded === true, odd.bag);
  authorizerSources(rc.authorizer, sources);
  return {
    kind: 'http',
    trigger: 'apigw-v1',
    multiValue: false,
    request: {
      provider: 'aws',
      trigger: 'apigw-v1',
      method,
      route: method && resource ? `${method} ${resource}` : undefined,
      path: str(e.path),
      ip: str(identity.sourceIp),
      sources,
    },
  };
}

/**
 * The last domain name normalizeV2 read, and whether it is a Function URL's: a function is reached
 * through one or two domains, so the search for `.lambda-url.` in the name (~45 characters) becomes
 * a string compare on every invocation but the first (it was the largest line of normalizeV2's own
 * time on the bench's typical event).
 */
let lastDomain: string | undefined;
let lastFunctionUrl = false;

function functionUrl(domain: string): boolean {
  if (domain !== lastDomain) {
    lastFunctionUrl = domain.includes('.lambda-url.');
    lastDomain = domain;
  }
  return lastFunctionUrl;
}

/**
 * The last raw query string normalizeV2 read, and its reading: frozen, values as flat copies
 * (flatCopy). A function's query strings repeat (`page=2&sort=price`, a listing's filters), and each
 * request parsed its own (~0.2 µs for the bench's three parameters: the pairs' searches, the record,
 * the names' internalization) into values that were views into the raw string when 13 characters or
 * longer, which the clean front and addMapValues then compared in the runtime. A repeat whose parsed
 * map adds nothing (mapAddsNothing: every real API Gateway event) gets the kept reading, shared
 * across requests: read-only, as lastSegments. Bounded: one entry, of a query string of at most
 * QUERY_CACHE_MAX characters.
 */
const QUERY_CACHE_MAX = 2048;
let lastRawQuery: string | undefined;
let lastQuery: Record<string, string | string[]> = nullRecord<string | string[]>();

/**
 * Whether addMapValues(query, map, odd) would change nothing: every value of `map` is a string that
 * `query` holds under its key (what addMapValues checks before each write).
 */
function mapAddsNothing(query: Record<string, string | string[]>, map: Obj): boolean {
  for (const k in map) {
    if (!hasOwn.call(map, k)) continue;
    const v = map[k];
    if (typeof v !== 'string') return false;
    const have = query[k];
    if (have === undefined || (Array.isArray(have) ? !have.includes(v) : have !== v)) return false;
  }
  return true;
}

/** parseForm(rawQuery) with the parsed map's values added (addMapValues), kept for a repeat. */
function v2Query(rawQuery: string, map: unknown, odd: { bag: Obj | undefined }): Record<string, string | string[]> {
  const withMap = isObj(map);
  if (rawQuery === lastRawQuery && (!withMap || mapAddsNothing(lastQuery, map))) return lastQuery;
  const query = parseForm(rawQuery);
  if (rawQuery.length <= QUERY_CACHE_MAX && (!withMap || mapAddsNothing(query, map))) {
    for (const k in query) {
      const v = query[k]!;
      query[k] = Array.isArray(v) ? Object.freeze(v.map(flatCopy)) as string[] : flatCopy(v);
    }
    lastRawQuery = rawQuery;
    lastQuery = Object.freeze(query);
    return query;
  }
  if (withMap) addMapValues(query, map, odd);
  return query;
}

function normalizeV2(e: Obj, rc: Obj): Normalized {
  const http = isObj(rc.http) ? rc.http : {};
  const trigger = functionUrl(str(rc.domainName) ?? '') ? 'function-url' : 'apigw-v2';
  const parts = headerParts(e.headers, undefined, e.cookies);
  const routeKey = str(e.routeKey);
  const rawQuery = str(e.rawQueryString);
  // rawQueryString keeps repeated keys apart and keys verbatim (`user[$ne]`); the parsed map joins them.
  const odd = { bag: undefined as Obj | undefined };
  if (typeof e.rawPath !== 'string') odd.bag = oddValue(odd.bag, 'rawPath', e.rawPath);
  if (typeof e.rawQueryString !== 'string') odd.bag = oddValue(odd.bag, 'rawQueryString', e.rawQueryString);
  const query = rawQuery !== undefined ? v2Query(rawQuery, e.queryStringParameters, odd) : queryParts(e.queryStringParameters, undefined, false, odd);
  const sources = httpSources(parts, query, e.pathParameters, str(e.rawPath), e.body, e.isBase64Encoded === true, odd.bag);
  authorizerSources(rc.authorizer, sources);
  return {
    kind: 'http',
    trigger,
    multiValue: false,
    request: {
      provider: 'aws',
      trigger,
      method: upperMethod(http.method),
      route: routeKey && routeKey !== '$default' ? routeKey : undefined,
      path: str(e.rawPath) ?? str(http.path),
      ip: str(http.sourceIp),
      sources,
    },
  };
}

function normalizeAlb(e: Obj): Normalized {
  const multiValue = isObj(e.multiValueHeaders);
  const parts = headerParts(e.headers, e.multiValueHeaders);
  const odd = { bag: oddValue(undefined, 'path', typeof e.path === 'string' ? undefined : e.path) };
  const query = queryParts(e.queryStringParameters, e.multiValueQueryStringParameters, true, odd);
  return {
    kind: 'http',
    trigger: 'alb',
    multiValue,
    request: {
      provider: 'aws',
      trigger: 'alb',
      method: upperMethod(e.httpMethod),
      path: str(e.path),
      ip: rightmostForwardedFor(parts.headers['x-forwarded-for']),
      sources: httpSources(parts, query, undefined, str(e.path), e.body, e.isBase64Encoded === true, odd.bag),
    },
  };
}

/**
 * The members each VPC Lattice event structure's HTTP reading covers, by version: only those are
 * left out of the walk of the rest (normalizeLattice). One set for both versions left the other
 * version's names unread: `{ method, raw_path, path: "1' UNION SELECT…" }` (a direct invocation of
 * v1's shape; its handler reads `event.path`) reached the handler, where the same event without
 * `raw_path` was walked whole and blocked. `method` and the base64 flag are left out only when they
 * hold what Lattice puts there (latticeOwn).
 */
const LATTICE_V1_READ: ReadonlySet<string> = new Set(['raw_path', 'headers', 'query_string_parameters', 'body']);
const LATTICE_V2_READ: ReadonlySet<string> = new Set(['version', 'path', 'headers', 'queryStringParameters', 'body']);
/**
 * Members of a v2 `requestContext` that Lattice sets: the ARNs, region and time. Any other member
 * (none on a real event) is read, and so is `identity`: Lattice verified who called, but the caller
 * chose parts of it (`sessionName` is the RoleSessionName of its AssumeRole, `x509SubjectCn` and
 * the `x509San*` names come from its certificate request where the CA copies them, as ACM PCA and
 * most internal CAs do), a handler reads them to name a tenant or a workload, and a direct
 * invocation that borrows the v2 shape could put anything there (`{ identity: { principal:
 * "1' or '1'='1" } }` reached the handler). Real identities (ARNs, `AWS_IAM`, SSO session names,
 * SPIFFE URIs) make no finding at paranoia 1 or 2.
 */
const LATTICE_CONTEXT: ReadonlySet<string> = new Set(['serviceNetworkArn', 'serviceArn', 'targetGroupArn', 'region', 'timeEpoch']);

/** Whether `e[k]` is a member the HTTP reading of a Lattice event covers, and in the form Lattice sends it. */
function latticeOwn(e: Obj, k: string, v2: boolean): boolean {
  if ((v2 ? LATTICE_V2_READ : LATTICE_V1_READ).has(k)) return true;
  const v = e[k];
  if (k === (v2 ? 'isBase64Encoded' : 'is_base64_encoded')) return typeof v === 'boolean';
  // An HTTP method is a token of letters (`GET`); anything else is read as it is.
  if (k === 'method') return typeof v === 'string' && v.length <= 16 && isLetters(v);
  return false;
}

function isLetters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/**
 * A header or query map of a Lattice event split by value type: v2 sends arrays (`{ q: ['1'] }`), v1
 * strings, and hand-built or older-tooling events of either version the other form. Read as one
 * kind only, the other kind of value was kept as an odd value, as it is: without the content type of
 * a string `content-type` (the body then read as text, not as the form it is), the cookies of a
 * string `cookie`, or the form decoding of a string query value.
 */
function splitByType(map: unknown): { single: Obj | undefined; multi: Obj | undefined } {
  if (!isObj(map)) return { single: map as Obj | undefined, multi: undefined };
  let single: Obj | undefined;
  let multi: Obj | undefined;
  for (const k in map) {
    if (!hasOwn.call(map, k)) continue;
    const v = map[k];
    if (Array.isArray(v)) (multi ??= Object.create(null) as Obj)[k] = v;
    else (single ??= Object.create(null) as Obj)[k] = v;
  }
  return { single, multi };
}

/**
 * A VPC Lattice request (event structure v1: `raw_path`, `query_string_parameters`,
 * `is_base64_encoded`; v2: `version: '2.0'`, `path`, headers and query values as arrays, a
 * `requestContext` naming the service network). Both were walked as a direct invocation, where a
 * base64 body was read decoded only from 16 characters (`JChpZCk=`, `$(id)`, passed) and a form body
 * as text (`q=1'+UNION+SELECT+…`, whose `+` the handler's form parser makes spaces, passed): now as
 * the HTTP request it is, read as API Gateway's are. The query is read from the raw target (after
 * `?`) as a form reader reads it, and from the parsed map as it is and form-decoded (whether Lattice
 * decodes it is not documented; both readings are what a handler may get). Members the HTTP reading
 * of this version does not cover (none on a real event) are read as they are, so the shape hides
 * nothing of a direct invocation that borrows it. Answered as ALB is (statusDescription, single-value
 * headers).
 */
function normalizeLattice(e: Obj, v2: boolean): Normalized {
  const h = splitByType(e.headers);
  const parts = headerParts(h.single, h.multi);
  const odd = { bag: undefined as Obj | undefined };
  const target = str(v2 ? e.path : e.raw_path);
  const q = target === undefined ? -1 : target.indexOf('?');
  const rawPath = target === undefined || q === -1 ? target : target.slice(0, q);
  const query = target !== undefined && q !== -1 ? parseForm(target.slice(q + 1)) : nullRecord<string | string[]>();
  const qm = splitByType(v2 ? e.queryStringParameters : e.query_string_parameters);
  const map = queryParts(qm.single, qm.multi, false, odd);
  for (const k in map) {
    const vs = map[k]!;
    for (const v of Array.isArray(vs) ? vs : [vs]) {
      addMapValues(query, { [k]: v });
      const decoded = percentDecode(v, true);
      if (decoded !== v) addMapValues(query, { [k]: decoded });
    }
  }
  const body = e.body;
  const base64 = (v2 ? e.isBase64Encoded : e.is_base64_encoded) === true;
  const sources = httpSources(parts, query, undefined, rawPath, body, base64, odd.bag);
  let rest: Obj | undefined;
  for (const k in e) {
    if (!hasOwn.call(e, k) || latticeOwn(e, k, v2)) continue;
    if (v2 && k === 'requestContext' && isObj(e.requestContext)) {
      // Lattice's own members left out; the object itself is not a source when nothing else is there.
      const rc = e.requestContext;
      for (const c in rc) {
        if (!hasOwn.call(rc, c) || LATTICE_CONTEXT.has(c)) continue;
        const sub = ((rest ??= Object.create(null) as Obj).requestContext ??= Object.create(null) as Obj) as Obj;
        sub[c] = rc[c];
      }
      continue;
    }
    (rest ??= Object.create(null) as Obj)[k] = e[k];
  }
  if (rest !== undefined) sources.push({ kind: 'event', path: 'event', value: rest });
  const method = upperMethod(e.method);
  return {
    kind: 'http',
    trigger: 'vpc-lattice',
    multiValue: false,
    request: {
      provider: 'aws',
      trigger: 'vpc-lattice',
      method,
      path: rawPath,
      ip: rightmostForwardedFor(parts.headers['x-forwarded-for']),
      sources,
    },
  };
}

/**
 * A VPC Lattice request, v1 (`raw_path`, and the headers and base64 flag every v1 event carries) or
 * v2 (`version: '2.0'`, headers, and a service network context). A shape short of those is walked
 * whole as a direct invocation (and blocked by a thrown error, not a 403 answer its caller does not
 * expect): `{ method, raw_path }` alone is a plausible payload of a user's own.
 */
function latticeVersion(e: Obj, rc: Obj | undefined): 1 | 2 | undefined {
  if (typeof e.method !== 'string' || !isObj(e.headers)) return undefined;
  if (typeof e.raw_path === 'string' && typeof e.is_base64_encoded === 'boolean' && rc === undefined) return 1;
  if (e.version === '2.0' && rc !== undefined && typeof e.path === 'string' && (typeof rc.serviceNetworkArn === 'string' || typeof rc.targetGroupArn === 'string' || typeof rc.serviceArn === 'string')) return 2;
  return undefined;
}

/**
 * Binary attributes (`B`, `BS`) met while unmarshalling, with where they are: the stream carries
 * their bytes in base64, and a consumer that stores compressed JSON or text there reads it decoded.
 */
interface Binaries {
  segs: Array<string | number>;
  found: Array<{ segs: Array<string | number>; value: string }>;
}

/**
 * Every binary attribute is read decoded. A cap (16 per image, once) skipped the rest silently: 16
 * padding attributes, then `|id` or `admin'--` in the 17th, whose base64 is too short for the walk
 * to try decoding it. The work is bounded by the stream record's size (an item is at most 400 KB),
 * and each decoded value counts against `limits.maxStrings` like any string, so thousands of tiny
 * attributes end in a `limits.strings` finding, not in a skip.
 */
function keepBinary(bin: Binaries | undefined, value: unknown, index?: number): void {
  if (bin === undefined || typeof value !== 'string' || value.length === 0) return;
  bin.found.push({ segs: index === undefined ? [...bin.segs] : [...bin.segs, index], value });
}

/** DynamoDB AttributeValue maps to plain values, so schemas and paths see `customer`, not `customer.S`. */
export function unmarshall(av: unknown, depth = 0, bin?: Binaries): unknown {
  if (!isObj(av) || depth > 64) return av;
  const keys = Object.keys(av);
  if (keys.length !== 1) return av;
  const t = keys[0]!;
  const v = av[t];
  switch (t) {
    case 'B':
      keepBinary(bin, v);
      return v;
    case 'BS':
      if (bin !== undefined && Array.isArray(v)) v.forEach((x, i) => keepBinary(bin, x, i));
      return v;
    case 'S':
    case 'N':
    case 'BOOL':
    case 'SS':
    case 'NS':
      return v;
    case 'NULL':
      return null;
    case 'L':
      if (!Array.isArray(v)) return v;
      if (bin === undefined) return v.map((x) => unmarshall(x, depth + 1));
      return v.map((x, i) => {
        bin.segs.push(i);
        const out = unmarshall(x, depth + 1, bin);
        bin.segs.pop();
        return out;
      });
    case 'M':
      return isObj(v) ? unmarshallMap(v, depth + 1, bin) : v;
    default:
      return av;
  }
}

function unmarshallMap(m: Obj, depth = 0, bin?: Binaries): Obj {
  const out: Obj = Object.create(null) as Obj;
  for (const [k, v] of Object.entries(m)) {
    bin?.segs.push(k);
    out[k] = unmarshall(v, depth, bin);
    bin?.segs.pop();
  }
  return out;
}

/** An image as plain values, and its binary attributes as sources of their own, read decoded. */
function imageSources(image: Obj, path: string, validate: boolean): InputSource[] {
  const bin: Binaries = { segs: [], found: [] };
  const sources: InputSource[] = [{ kind: 'record', path, value: unmarshallMap(image, 0, bin), ...(validate ? { validate: true } : {}) }];
  for (const b of bin.found) sources.push({ kind: 'record', path: formatPath(path, b.segs), value: b.value, base64: true, decoding: 'auto' });
  return sources;
}

/**
 * `Binary` message attributes, base64 in the event: SNS's (`{ Type: 'Binary', Value }`) and SQS's
 * (`{ binaryValue }`). Read decoded too (as text, or by their text runs when binary; see the engine's
 * payload reading), as a subscriber or consumer that decodes them will. At most 10 per message (both
 * services' own limit).
 */
function binaryAttributes(attrs: unknown, base: string, field: 'Value' | 'binaryValue'): InputSource[] {
  if (!isObj(attrs)) return [];
  const out: InputSource[] = [];
  for (const [name, a] of Object.entries(attrs)) {
    if (out.length >= 10) break;
    if (!isObj(a) || (field === 'Value' && a.Type !== 'Binary')) continue;
    const v = a[field];
    if (typeof v === 'string' && v.length > 0) out.push({ kind: 'metadata', path: appendSegment(appendSegment(base, name), field), value: v, base64: true, decoding: 'auto' });
  }
  return out;
}

/**
 * An S3 event notification delivered as a message (S3 → SQS, S3 → SNS → SQS or Lambda): its object
 * keys are URL-encoded with `+` for spaces, and the consumer decodes them, as for a direct S3
 * trigger. The walk reads the message's JSON as it is (`%27+OR+1%3D1`, which the decoding pass turns
 * into `'+OR+1=1`); the decoded keys are read here. Recognised by what the consumer reads
 * (`Records[].s3.object.key`), not by `eventSource`: a consumer never checks that field, so a message
 * written to the queue by anyone but S3 (without it, or with a JSON-escaped `aws\u003as3`) left its
 * keys read only raw, where `1%27+UNION+SELECT+…` is no SQL. An SNS envelope's `Message` is read the
 * same way when the envelope was not recognised as one (no `TopicArn` or `Type`: the consumer that
 * unwraps it reads `Message` alone). Costs mayNameS3 on other JSON objects, nothing on other
 * messages: only text that starts (after JSON's whitespace) with `{` can parse as an object.
 */
function s3KeySources(message: unknown, base: string, nested = true): InputSource[] {
  if (typeof message !== 'string' || !startsJsonObject(message) || !mayNameS3(message)) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(message);
  } catch {
    return [];
  }
  if (!isObj(doc)) return [];
  const out: InputSource[] = [];
  if (Array.isArray(doc.Records)) {
    doc.Records.forEach((r: unknown, i: number) => {
      const key = isObj(r) && isObj(r.s3) && isObj(r.s3.object) ? str(r.s3.object.key) : undefined;
      if (key === undefined) return;
      const decoded = percentDecode(key, true);
      if (decoded !== key) out.push({ kind: 'record', path: `${base}.Records[${i}].s3.object.key`, value: decoded });
    });
  }
  // One level only: an envelope in an envelope is nothing a consumer unwraps.
  if (nested && typeof doc.Message === 'string') out.push(...s3KeySources(doc.Message, `${base}.Message`, false));
  return out;
}

/**
 * Whether JSON text `s` may hold the name `s3`: `s3"` (`s3\"` inside a `Message` string), or either
 * letter as an escape (`\u0073`, `\u0033`: a letter or digit has no other escape in JSON). Searched
 * from the `3`s, which an order or a message has few of: on the bench's 1 KB order about what the
 * `aws:s3"` search before it cost (~0.3-0.4 µs on a loaded machine), where a search for `s3"` stops
 * at every `s` (two to three times that) and one for `\u` alone would parse every message a Python
 * producer wrote with its non-ASCII escaped. Linear: one native search per `3`.
 */
function mayNameS3(s: string): boolean {
  for (let i = s.indexOf('3', 1); i !== -1; i = s.indexOf('3', i + 1)) {
    if (s.charCodeAt(i - 1) !== 115) continue;
    const next = s.charCodeAt(i + 1);
    if (next === 34 || next === 92) return true;
  }
  return s.includes('\\u0033') || s.includes('\\u0073');
}

/** Whether `s` starts with `{` after JSON's whitespace (space, tab, LF, CR): else JSON.parse gives no object. */
function startsJsonObject(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) return true;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
}

function recordRequest(trigger: string, sources: InputSource[]): InspectionRequest {
  return { provider: 'aws', trigger, sources };
}

/**
 * One record of a batch, built by `build`. A record that throws when read (a getter or a Proxy: an
 * event built in code; JSON makes none) becomes a request holding the record itself: the engine's
 * walk then fails on that record alone (logged once; allowed, or blocked under failClosed) and the
 * batch's other records are still inspected. Thrown out of the batch's normalization, it left the
 * whole batch uninspected, an attack in the record next to it included. Its id is read on its own
 * (`idKey`, when the record carries one at its top level) so a failure report still names it.
 */
function batchRecord(trigger: string, r: Obj, i: number, idKey: string | undefined, build: () => BatchRecord): BatchRecord {
  try {
    return build();
  } catch {
    let id: string | undefined;
    try {
      id = idKey === undefined ? undefined : str(r[idKey]);
    } catch {
      // The id's own getter throws too: the record's index names it.
    }
    return { id: id ?? String(i), request: recordRequest(trigger, [{ kind: 'record', path: `records[${i}]`, value: r }]) };
  }
}

/** An SQS body may be an SNS envelope (SNS → SQS fan-out): then the payload is its `Message`. */
function sqsSources(r: Obj, base: string): InputSource[] {
  const body = str(r.body);
  const sources: InputSource[] = [];
  let envelope: Obj | undefined;
  // `TopicArn"` first: the same answer (the quoted name ends with it), but a JSON body has a quote
  // before every key and string, and the search for a pattern that starts with one stops at each
  // (~0.46 µs on a 1 KB order, against ~0.08 µs for the pattern that starts with `T`; ~0.6 µs at
  // worst, a body of `T`s). The exact name is searched only in a body that has the shorter one.
  if (body !== undefined && body.startsWith('{') && body.includes('TopicArn"') && body.includes('"TopicArn"')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (isObj(parsed) && parsed.Type === 'Notification' && typeof parsed.Message === 'string') envelope = parsed;
    } catch {
      envelope = undefined;
    }
  }
  if (envelope) {
    sources.push({ kind: 'record', path: `${base}.body.Message`, value: envelope.Message, decoding: 'auto', validate: true });
    sources.push(...s3KeySources(envelope.Message, `${base}.body.Message`));
    sources.push({ kind: 'metadata', path: `${base}.body.Subject`, value: envelope.Subject });
    sources.push({ kind: 'metadata', path: `${base}.body.MessageAttributes`, value: envelope.MessageAttributes });
    sources.push(...binaryAttributes(envelope.MessageAttributes, `${base}.body.MessageAttributes`, 'Value'));
  } else {
    // A body that is not a string (a hand-built or replayed record) is read as it is, not skipped.
    sources.push({ kind: 'record', path: `${base}.body`, value: body ?? r.body, decoding: 'auto', validate: true });
    sources.push(...s3KeySources(body, `${base}.body`));
  }
  sources.push({ kind: 'metadata', path: `${base}.messageAttributes`, value: r.messageAttributes });
  sources.push(...binaryAttributes(r.messageAttributes, `${base}.messageAttributes`, 'binaryValue'));
  // A FIFO queue's group and deduplication ids are strings the sender chooses (any printable ASCII,
  // up to 128 characters), and the group id is often the customer, tenant or order the messages are
  // about, which the consumer looks up by it. The other system `attributes` are the queue's (sent
  // timestamp, receive count, the sender's account id). Two short strings per FIFO record.
  const attrs = isObj(r.attributes) ? r.attributes : undefined;
  if (attrs !== undefined) {
    for (const k of SQS_SENDER_ATTRIBUTES) {
      const v = attrs[k];
      if (v !== undefined && v !== null) sources.push({ kind: 'metadata', path: `${base}.attributes.${k}`, value: v });
    }
  }
  return sources;
}

/** The system attributes of an SQS record that its sender sets (see sqsSources). */
const SQS_SENDER_ATTRIBUTES = ['MessageGroupId', 'MessageDeduplicationId'] as const;

function normalizeRecords(records: unknown[]): Normalized | undefined {
  const first = records[0];
  if (!isObj(first)) return undefined;
  const source = str(first.eventSource) ?? str(first.EventSource);
  // An index loop, not `every`: `every` and `map` skip the holes of a sparse array (`Records: [a, , b]`,
  // never JSON, but a hand-built event), so a hole passed this check and became a missing record
  // that the batch loop read `.request` of (a TypeError out of protect()). A hole is a record of
  // the wrong shape: the event is walked whole as a direct invocation.
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!isObj(r) || (str(r.eventSource) ?? str(r.EventSource)) !== source) return undefined;
  }
  switch (source) {
    case 'aws:sqs': {
      const arn = str(first.eventSourceARN) ?? '';
      return {
        kind: 'batch',
        trigger: 'sqs',
        answer: 'items',
        ordered: arn.endsWith('.fifo'),
        records: (records as Obj[]).map((r, i) => batchRecord('sqs', r, i, 'messageId', () => ({ id: str(r.messageId) ?? String(i), request: recordRequest('sqs', sqsSources(r, `records[${i}]`)) }))),
      };
    }
    case 'aws:kinesis':
      return {
        kind: 'batch',
        trigger: 'kinesis',
        answer: 'items',
        ordered: true,
        records: (records as Obj[]).map((r, i) =>
          batchRecord('kinesis', r, i, undefined, () => {
            const k = isObj(r.kinesis) ? r.kinesis : {};
            return {
              id: str(k.sequenceNumber) ?? String(i),
              request: recordRequest('kinesis', [
                { kind: 'record', path: `records[${i}].kinesis.data`, value: k.data, decoding: 'auto', base64: true, validate: true },
                { kind: 'metadata', path: `records[${i}].kinesis.partitionKey`, value: k.partitionKey },
              ]),
            };
          }),
        ),
      };
    case 'aws:dynamodb':
      return {
        kind: 'batch',
        trigger: 'dynamodb',
        answer: 'items',
        ordered: true,
        records: (records as Obj[]).map((r, i) =>
          batchRecord('dynamodb', r, i, undefined, () => {
            const d = isObj(r.dynamodb) ? r.dynamodb : {};
            const base = `records[${i}].dynamodb`;
            const sources: InputSource[] = [];
            if (isObj(d.NewImage)) sources.push(...imageSources(d.NewImage, `${base}.NewImage`, true));
            if (isObj(d.OldImage)) sources.push(...imageSources(d.OldImage, `${base}.OldImage`, false));
            if (isObj(d.Keys)) sources.push(...imageSources(d.Keys, `${base}.Keys`, false));
            return { id: str(d.SequenceNumber) ?? String(i), request: recordRequest('dynamodb', sources) };
          }),
        ),
      };
    case 'aws:sns':
      return {
        kind: 'event',
        trigger: 'sns',
        request: recordRequest(
          'sns',
          (records as Obj[]).flatMap((r, i): InputSource[] => {
            const s = isObj(r.Sns) ? r.Sns : {};
            return [
              { kind: 'record', path: `records[${i}].Sns.Message`, value: s.Message, decoding: 'auto', validate: true },
              ...s3KeySources(s.Message, `records[${i}].Sns.Message`),
              { kind: 'metadata', path: `records[${i}].Sns.Subject`, value: s.Subject },
              { kind: 'metadata', path: `records[${i}].Sns.MessageAttributes`, value: s.MessageAttributes },
              ...binaryAttributes(s.MessageAttributes, `records[${i}].Sns.MessageAttributes`, 'Value'),
            ];
          }),
        ),
      };
    case 'aws:s3':
      return {
        kind: 'event',
        trigger: 's3',
        request: recordRequest(
          's3',
          (records as Obj[]).map((r, i): InputSource => {
            const s3 = isObj(r.s3) ? r.s3 : {};
            const object = isObj(s3.object) ? s3.object : {};
            const key = str(object.key);
            // S3 event keys are URL-encoded with '+' for spaces; the application decodes them.
            // A key that is not a string (not S3's own event) is read as it is, not skipped.
            return { kind: 'record', path: `records[${i}].s3.object.key`, value: key === undefined ? object.key : percentDecode(key, true) };
          }),
        ),
      };
    case 'aws:ses':
      return { kind: 'event', trigger: 'ses', request: recordRequest('ses', (records as Obj[]).flatMap((r, i) => sesSources(r, i))) };
    default:
      return undefined;
  }
}

/** Headers `commonHeaders` already holds (inspected there, under the name the handler reads). */
const SES_COMMON = new Set(['from', 'to', 'cc', 'bcc', 'sender', 'reply-to', 'subject', 'date', 'message-id', 'return-path']);
/**
 * Headers the mail servers on the way add (trace, authentication results, signatures): long,
 * structured, and not what a handler acts on.
 */
const SES_TRANSPORT =
  /^(?:received|x-received|received-spf|authentication-results|dkim-signature|domainkey-signature|x-google-dkim-signature|arc-[a-z-]+|x-ses-[a-z0-9-]+|x-amz-[a-z0-9-]+|x-gm-message-state|x-google-smtp-source)$/;

/**
 * An SES receipt: the sender writes the headers (`commonHeaders` and the rest of `headers[]`) and the
 * envelope sender (`source`). The message body is not in the event (an S3 action stores it).
 */
function sesSources(r: Obj, i: number): InputSource[] {
  const ses = isObj(r.ses) ? r.ses : {};
  const mail = isObj(ses.mail) ? ses.mail : {};
  const base = `records[${i}].ses.mail`;
  const sources: InputSource[] = [
    { kind: 'header', path: `${base}.commonHeaders`, value: mail.commonHeaders },
    { kind: 'metadata', path: `${base}.source`, value: mail.source },
  ];
  const common = mail.commonHeaders;
  if (isObj(common)) for (const k of Object.keys(common)) mimeSources(common[k], appendSegment(`${base}.commonHeaders`, k), sources);
  if (Array.isArray(mail.headers)) {
    mail.headers.forEach((h: unknown, j: number) => {
      if (!isObj(h)) return;
      const name = str(h.name)?.toLowerCase();
      if (name !== undefined && (SES_COMMON.has(name) || SES_TRANSPORT.test(name))) return;
      sources.push({ kind: 'header', path: `${base}.headers[${j}].value`, value: h.value });
      mimeSources(h.value, `${base}.headers[${j}].value`, sources);
    });
  }
  return sources;
}

/** How much of a header value is read for encoded-words: mail headers are short (SES truncates them). */
const MIME_WORDS_MAX = 16384;
/** An encoded-word's charset name is a short token; a longer run before `?` is not one. */
const MIME_CHARSET_MAX = 40;
/**
 * Charset labels TextDecoder may be asked about per header value, past the ones already known (kept
 * below): a label it does not know costs a thrown error (~5-12 µs), and a value of 16 KB holds ~1,200
 * words of distinct made-up labels (`=?a1?B?QQ==?=`): ~35-100 ms per value before this bound, with
 * the decoders of the real labels dropped on the way (the cache was cleared every 16 labels). Past
 * the bound an unknown label is read as UTF-8, as the fallback reads it anyway; the labels whose
 * reading of ASCII differs from UTF-8's (UTF-16, UTF-32, UTF-7) never ask TextDecoder (knownCharset).
 */
const MIME_LABEL_TRIES = 8;

/**
 * TextDecoders by normalized charset label. Only labels TextDecoder accepts are kept, and there are a
 * few hundred of those (WHATWG's list; names are trimmed and lower-cased first): kept for the
 * process, at most MIME_DECODERS_MAX. Labels it refused are remembered apart, at most as many
 * (cleared when full), so a repeated made-up label costs one lookup.
 */
const MIME_DECODERS_MAX = 256;
const mimeDecoders = new Map<string, InstanceType<typeof TextDecoder>>();
const mimeRefused = new Set<string>();
let utf8Decoder: InstanceType<typeof TextDecoder> | undefined;

/** `UTF-8*en` (RFC 2231's language suffix) is `utf-8`; surrounding blanks dropped, as TextDecoder drops them. */
function charsetKey(label: string): string {
  const star = label.indexOf('*');
  return (star === -1 ? label : label.slice(0, star)).trim().toLowerCase();
}

/**
 * The charsets a mail parser decodes that TextDecoder does not, or not as the parser does, decoded
 * here; undefined for any other. Read wrongly, each hid the whole payload: UTF-7 (`+ACc- OR 1+AD0-1`
 * for `' OR 1=1`) and UTF-32 are not in TextDecoder (iconv-lite, behind mailparser, and Python's
 * codecs decode both), and UTF-16 or UTF-32 without a byte order mark is read in the order whose
 * text looks like text, as iconv-lite guesses it (TextDecoder's `utf-16` is always little-endian:
 * big-endian `' OR 1=1` read as CJK). Python reads a mark-less one little-endian: the guess differs
 * only when the little-endian reading is not text.
 */
function knownCharset(bytes: Uint8Array, key: string): string | undefined {
  switch (key) {
    case 'utf-7':
    case 'utf7':
    case 'unicode-1-1-utf-7':
    case 'csunicode11utf7':
      return decodeCharset(bytes, 'utf-7');
    case 'utf-16le':
    case 'utf16le':
    case 'ucs-2':
    case 'ucs2':
    case 'unicodefeff':
    case 'csunicode':
    case 'iso-10646-ucs-2':
      return unitsText(bytes, 2, false);
    case 'utf-16be':
    case 'utf16be':
    case 'unicodefffe':
      return unitsText(bytes, 2, true);
    case 'utf-16':
    case 'utf16':
    case 'unicode':
      return unitsText(bytes, 2, bigEndianGuess(bytes, 2));
    case 'utf-32le':
    case 'utf32le':
      return unitsText(bytes, 4, false);
    case 'utf-32be':
    case 'utf32be':
      return unitsText(bytes, 4, true);
    case 'utf-32':
    case 'utf32':
    case 'ucs-4':
    case 'ucs4':
    case 'iso-10646-ucs-4':
      return unitsText(bytes, 4, bigEndianGuess(bytes, 4));
    default:
      return undefined;
  }
}

/** Byte order of mark-less UTF-16/32: a mark decides; else the order with more ASCII units (ties: little-endian). */
function bigEndianGuess(b: Uint8Array, w: 2 | 4): boolean {
  if (w === 2 && b.length >= 2) {
    if (b[0] === 0xfe && b[1] === 0xff) return true;
    if (b[0] === 0xff && b[1] === 0xfe) return false;
  }
  if (w === 4 && b.length >= 4) {
    if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return true;
    if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return false;
  }
  let le = 0;
  let be = 0;
  for (let i = 0; i + w <= b.length; i += w) {
    let hiZero = true;
    for (let k = 1; k < w; k++) if (b[i + k] !== 0) hiZero = false;
    let loZero = true;
    for (let k = 0; k < w - 1; k++) if (b[i + k] !== 0) loZero = false;
    if (hiZero && b[i] !== 0 && b[i]! < 128) le++;
    if (loZero && b[i + w - 1] !== 0 && b[i + w - 1]! < 128) be++;
  }
  return be > le;
}

/** UTF-16 (w = 2) or UTF-32 (w = 4) units to text; a byte order mark dropped; invalid code points U+FFFD. */
function unitsText(b: Uint8Array, w: 2 | 4, bigEndian: boolean): string {
  let out = '';
  for (let i = 0; i + w <= b.length; i += w) {
    let u = 0;
    for (let k = 0; k < w; k++) u = u * 256 + b[bigEndian ? i + k : i + w - 1 - k]!;
    if (i === 0 && u === 0xfeff) continue;
    if (w === 2) out += String.fromCharCode(u);
    else out += u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff) ? '\ufffd' : String.fromCodePoint(u);
  }
  return out;
}

/** `tries`: how many more labels TextDecoder may be asked about for this header value. */
function mimeCharset(bytes: Uint8Array, label: string, tries: { left: number }): string {
  const key = charsetKey(label);
  let d = mimeDecoders.get(key);
  if (d === undefined) {
    const known = knownCharset(bytes, key);
    if (known !== undefined) return known;
    if (!mimeRefused.has(key) && tries.left > 0) {
      tries.left--;
      try {
        d = new TextDecoder(key);
        if (mimeDecoders.size < MIME_DECODERS_MAX) mimeDecoders.set(key, d);
      } catch {
        // A label TextDecoder does not know: read as UTF-8, as a lenient mail parser falls back.
        if (mimeRefused.size >= MIME_DECODERS_MAX) mimeRefused.clear();
        mimeRefused.add(key);
      }
    }
    d ??= utf8Decoder ??= new TextDecoder();
  }
  return d.decode(bytes);
}

/** RFC 2047's Q encoding: `_` a space, `=XX` a byte, other characters themselves (UTF-8 when not ASCII). */
function qBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 95) out.push(32);
    else if (c === 61 && hexByte(text, i + 1) >= 0) {
      out.push(hexByte(text, i + 1));
      i += 2;
    } else if (c < 128) out.push(c);
    else for (const b of Buffer.from(text[i]!)) out.push(b);
  }
  return Uint8Array.from(out);
}

function hexByte(s: string, at: number): number {
  if (at + 1 >= s.length) return -1;
  const h = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  const a = h(s.charCodeAt(at));
  const b = h(s.charCodeAt(at + 1));
  return a < 0 || b < 0 ? -1 : a * 16 + b;
}

/** One encoded-word of a header value: where it starts and ends, its charset label, B or Q, its encoded text. */
interface MimeWord {
  at: number;
  end: number;
  label: string;
  key: string;
  b: boolean;
  text: string;
}

/**
 * The encoded-words of a header value, in order. No regular expression: one pass with bounded
 * lookups (the charset's `?` within MIME_CHARSET_MAX characters, then the word's end), over at most
 * MIME_WORDS_MAX characters, so linear in the value.
 */
function mimeWordList(value: string, n: number): MimeWord[] {
  const words: MimeWord[] = [];
  let at = value.indexOf('=?');
  while (at !== -1 && at + 2 < n) {
    let q1 = -1;
    const stop = at + 2 + MIME_CHARSET_MAX < n ? at + 2 + MIME_CHARSET_MAX : n;
    for (let i = at + 2; i < stop; i++) {
      if (value.charCodeAt(i) === 63 /* ? */) {
        q1 = i;
        break;
      }
    }
    const enc = q1 === -1 ? 0 : value.charCodeAt(q1 + 1) | 0x20;
    if (q1 === -1 || q1 === at + 2 || (enc !== 98 && enc !== 113) || value.charCodeAt(q1 + 2) !== 63) {
      at = value.indexOf('=?', at + 2);
      continue;
    }
    const end = value.indexOf('?=', q1 + 3);
    if (end === -1 || end + 2 > n) break;
    const label = value.slice(at + 2, q1);
    words.push({ at, end: end + 2, label, key: charsetKey(label), b: enc === 98, text: value.slice(q1 + 3, end) });
    at = value.indexOf('=?', end + 2);
  }
  return words;
}

const wordBytes = (w: MimeWord, text: string): Uint8Array => (w.b ? Buffer.from(text, 'base64') : qBytes(text));

/**
 * Whether joining the encoded text of words[i..j) gives the bytes that joining their decoded bytes
 * gives: every word but the last ends on a whole unit (B: a multiple of 4 characters, no padding; Q:
 * no `=` or `=X` cut short at its end). Encoders split that way, so the second decoding is skipped
 * for every subject they write.
 */
function splitsAlike(words: readonly MimeWord[], i: number, j: number): boolean {
  for (let k = i; k < j - 1; k++) {
    const w = words[k]!;
    const t = w.text;
    if (w.b) {
      if (t.length % 4 !== 0 || t.charCodeAt(t.length - 1) === 61) return false;
    } else if (t.charCodeAt(t.length - 1) === 61 || t.charCodeAt(t.length - 2) === 61) return false;
  }
  return true;
}

/**
 * A mail header value with its RFC 2047 encoded-words decoded (`=?UTF-8?B?…?=`, `=?iso-8859-1?Q?…?=`),
 * as mail parsers hand it to the code; undefined when it holds none. SES passes header values as
 * sent, so a subject, a display name or any other header written as an encoded-word reached the
 * detectors only as base64 or `=XX` escapes: every attack class passed in a Subject of
 * `=?UTF-8?B?MScgVU5JT04gU0VMRUNU…?=`. Whitespace between two adjacent encoded-words is dropped, as
 * the RFC says.
 *
 * Adjacent words of one charset are read two ways, as the parsers join them, and both readings are
 * returned when they differ:
 * - their bytes joined, then decoded (Python's email package; a character split over two words is
 *   whole again);
 * - their encoded text joined, then decoded, for words of the same encoding (libmime, behind Node's
 *   mailparser, joins `=?UTF-8?B?Jy?= =?UTF-8?B?BPUiAxPTEtLQ==?=` into `JyBPUiAxPTEtLQ==`: `' OR
 *   1=1--`, where each word alone decodes to `'` and noise). Read word by word only, all six attack
 *   classes split that way passed.
 */
export function mimeWordReadings(value: string): string[] | undefined {
  if (value.indexOf('=?') === -1) return undefined;
  const n = value.length < MIME_WORDS_MAX ? value.length : MIME_WORDS_MAX;
  const words = mimeWordList(value, n);
  if (words.length === 0) return undefined;
  const tries = { left: MIME_LABEL_TRIES };
  let joinedBytes = '';
  let joinedText = '';
  let last = 0;
  for (let i = 0; i < words.length; ) {
    const first = words[i]!;
    const between = value.slice(last, first.at);
    if (!(i > 0 && between.trim() === '')) {
      joinedBytes += between;
      joinedText += between;
    }
    // The run: the following words of the same charset with only blanks before each.
    let j = i + 1;
    while (j < words.length && words[j]!.key === first.key && value.slice(words[j - 1]!.end, words[j]!.at).trim() === '') j++;
    if (j === i + 1) {
      const text = mimeCharset(wordBytes(first, first.text), first.label, tries);
      joinedBytes += text;
      joinedText += text;
    } else {
      const parts: Uint8Array[] = [];
      for (let k = i; k < j; k++) parts.push(wordBytes(words[k]!, words[k]!.text));
      const text = mimeCharset(Buffer.concat(parts), first.label, tries);
      joinedBytes += text;
      if (splitsAlike(words, i, j)) {
        joinedText += text;
        last = words[j - 1]!.end;
        i = j;
        continue;
      }
      for (let k = i; k < j; ) {
        let m = k + 1;
        let text = words[k]!.text;
        while (m < j && words[m]!.b === words[k]!.b) text += words[m++]!.text;
        joinedText += mimeCharset(wordBytes(words[k]!, text), first.label, tries);
        k = m;
      }
    }
    last = words[j - 1]!.end;
    i = j;
  }
  const tail = value.slice(last, n);
  return joinedText === joinedBytes ? [joinedBytes + tail] : [joinedBytes + tail, joinedText + tail];
}

/** The first reading of mimeWordReadings (adjacent words' bytes joined); undefined without encoded-words. */
export function decodeMimeWords(value: string): string | undefined {
  return mimeWordReadings(value)?.[0];
}

/**
 * Encoded-word readings of an SES receipt's header values (mimeWordReadings), each at its value's
 * path with a `#mime` segment: `records[0].ses.mail.commonHeaders.subject["#mime"]`, and
 * `#mime-joined` for libmime's reading when it differs. Only values holding `=?` cost more than a
 * search.
 */
function mimeSources(value: unknown, path: string, out: InputSource[]): void {
  if (typeof value === 'string') {
    const d = mimeWordReadings(value);
    if (d === undefined) return;
    out.push({ kind: 'header', path: appendSegment(path, '#mime'), value: d[0] });
    if (d.length > 1) out.push({ kind: 'header', path: appendSegment(path, '#mime-joined'), value: d[1] });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && i < 100; i++) mimeSources(value[i], `${path}[${i}]`, out);
  }
}

/** Kafka header values are byte arrays (`[{ name: [104, 105] }]`): the UTF-8 text a consumer reads. */
function kafkaHeaders(headers: unknown): unknown {
  if (!Array.isArray(headers)) return headers;
  return headers.map((h: unknown) => {
    if (!isObj(h)) return h;
    const out: Obj = Object.create(null) as Obj;
    for (const [k, v] of Object.entries(h)) {
      out[k] = Array.isArray(v) && v.every((b) => typeof b === 'number') ? Buffer.from(v as number[]).toString('utf8') : v;
    }
    return out;
  });
}

/**
 * Amazon MSK (`aws:kafka`) and self-managed Kafka (`SelfManagedKafka`): `records` maps
 * `topic-partition` to that partition's records; `value` and `key` are base64, header values bytes.
 */
function normalizeKafka(e: Obj): Normalized {
  const records: BatchRecord[] = [];
  const partitions = isObj(e.records) ? e.records : {};
  for (const [tp, list] of Object.entries(partitions)) {
    if (!Array.isArray(list)) {
      records.push({ id: tp, request: recordRequest('kafka', [{ kind: 'record', path: formatPath('records', [tp]), value: list }]) });
      continue;
    }
    list.forEach((r: unknown, i: number) => {
      const base = formatPath('records', [tp, i]);
      if (!isObj(r)) {
        records.push({ id: `${tp}@${i}`, request: recordRequest('kafka', [{ kind: 'record', path: base, value: r }]) });
        return;
      }
      const offset = typeof r.offset === 'number' || typeof r.offset === 'string' ? String(r.offset) : `#${i}`;
      records.push({
        id: `${tp}@${offset}`,
        request: recordRequest('kafka', [
          { kind: 'record', path: `${base}.value`, value: r.value, decoding: 'auto', base64: true, validate: true },
          { kind: 'metadata', path: `${base}.key`, value: r.key, decoding: 'auto', base64: true },
          { kind: 'metadata', path: `${base}.headers`, value: kafkaHeaders(r.headers) },
        ]),
      });
    });
  }
  // Ordered within a partition, but the answer is all or nothing (`throw`): nothing to stop early.
  return { kind: 'batch', trigger: 'kafka', answer: 'throw', ordered: false, records };
}

/** Kinesis Data Firehose transformation: `records[].data` is base64; `recordId` names the answer. */
function normalizeFirehose(list: unknown[]): Normalized {
  return {
    kind: 'batch',
    trigger: 'firehose',
    answer: 'firehose',
    ordered: false,
    // Array.from, not map: a hole in a sparse `records` becomes a record of its own (read as
    // undefined) rather than a missing entry the batch loop would read `.request` of.
    records: Array.from(list, (r, i): BatchRecord => {
      const base = `records[${i}]`;
      if (!isObj(r)) return { id: String(i), request: recordRequest('firehose', [{ kind: 'record', path: base, value: r }]) };
      const sources: InputSource[] = [{ kind: 'record', path: `${base}.data`, value: r.data, decoding: 'auto', base64: true, validate: true }];
      // Present when the delivery stream reads a Kinesis data stream: the producer chose it.
      if (isObj(r.kinesisRecordMetadata)) sources.push({ kind: 'metadata', path: `${base}.kinesisRecordMetadata.partitionKey`, value: r.kinesisRecordMetadata.partitionKey });
      return { id: str(r.recordId) ?? String(i), request: recordRequest('firehose', sources) };
    }),
  };
}

/**
 * A CloudWatch Logs subscription: `awslogs.data` is base64 of gzip of JSON whose `logEvents[].message`
 * are the log lines. The engine inflates it (the gzip coding, bounded by `limits.maxBytes` like a
 * compressed HTTP body: a bomb is a `limits.bytes` finding), parses the JSON and reads every message,
 * so findings name `awslogs.data.logEvents[3].message`. A subscription cannot answer per log event:
 * a block fails the invocation.
 */
function normalizeCloudWatchLogs(awslogs: Obj): Normalized {
  const data = awslogs.data;
  const source: InputSource =
    typeof data === 'string'
      ? { kind: 'record', path: 'awslogs.data', value: data, base64: true, contentEncoding: 'gzip', decoding: 'auto' }
      : { kind: 'record', path: 'awslogs', value: awslogs };
  return {
    kind: 'batch',
    trigger: 'cloudwatch-logs',
    answer: 'throw',
    ordered: false,
    records: [{ id: 'awslogs.data', request: recordRequest('cloudwatch-logs', [source]) }],
  };
}

/**
 * The identity fields a caller can influence: the user name and the token's claims (user attributes),
 * without the issuer and audience (the deployment's own URLs, often internal ones) and the platform's
 * IAM fields.
 */
function appSyncIdentity(id: Obj): Obj {
  const out: Obj = Object.create(null) as Obj;
  if (id.username !== undefined) out.username = id.username;
  if (isObj(id.claims)) {
    const claims: Obj = Object.create(null) as Obj;
    for (const [k, v] of Object.entries(id.claims)) if (k !== 'iss' && k !== 'aud') claims[k] = v;
    out.claims = claims;
  }
  if (id.resolverContext !== undefined) out.resolverContext = id.resolverContext;
  return out;
}

/**
 * An AppSync direct Lambda resolver: the GraphQL field's `arguments` are the caller's input; the
 * request headers, the identity's claims, and the parent's `source` and a pipeline's `prev.result`
 * (data read back from a store, where stored input comes back) are inspected too. `route` is
 * `Type.field` (`Mutation.createOrder`), for exclusions.
 */
function normalizeAppSync(e: Obj, info: Obj): Normalized {
  const req = isObj(e.request) ? e.request : {};
  const parts = headerParts(req.headers, undefined);
  const identity = isObj(e.identity) ? e.identity : undefined;
  const sources: InputSource[] = [
    { kind: 'body', path: 'arguments', value: e.arguments, validate: true },
    { kind: 'header', path: 'request.headers', value: parts.headers },
    { kind: 'cookie', path: 'request.headers.cookie', value: parts.cookies },
  ];
  if (identity) sources.push({ kind: 'metadata', path: 'identity', value: appSyncIdentity(identity) });
  if (e.source !== undefined && e.source !== null) sources.push({ kind: 'record', path: 'source', value: e.source });
  if (isObj(e.prev)) sources.push({ kind: 'record', path: 'prev.result', value: e.prev.result });
  // The operation's variables: the caller's, and not only those of this field (an operation's other
  // fields use theirs; a handler reads `info.variables` to see the whole request). They were unread:
  // `{"v": "1' OR 1=1--"}` reached the handler whenever the field's own arguments did not hold it.
  if (info.variables !== undefined && info.variables !== null) sources.push({ kind: 'body', path: 'info.variables', value: info.variables });
  const ips = identity && Array.isArray(identity.sourceIp) ? identity.sourceIp : [];
  return {
    kind: 'event',
    trigger: 'appsync',
    request: {
      provider: 'aws',
      trigger: 'appsync',
      route: `${str(info.parentTypeName)}.${str(info.fieldName)}`,
      ip: str(ips[0]),
      sources,
    },
  };
}

/**
 * A RabbitMQ message's header values given as bytes (`{ bytes: [104, 105] }`), as the UTF-8 text the
 * consumer reads; undefined when none is.
 */
function rabbitHeaderText(m: unknown): Obj | undefined {
  const props = isObj(m) ? m.basicProperties : undefined;
  const headers = isObj(props) ? props.headers : undefined;
  if (!isObj(headers)) return undefined;
  let text: Obj | undefined;
  for (const name in headers) {
    const h = headers[name];
    if (!hasOwn.call(headers, name) || !isObj(h) || !Array.isArray(h.bytes) || !h.bytes.every((b) => typeof b === 'number')) continue;
    (text ??= Object.create(null) as Obj)[name] = Buffer.from(h.bytes as number[]).toString('utf8');
  }
  return text;
}

/**
 * Amazon MQ for RabbitMQ (`aws:rmq`): a text header value arrives as its bytes, which the whole-event
 * walk sees as numbers; the consumer reads the UTF-8 text (rabbitHeaderText). Each message's decoded
 * headers are a source of their own, at the path of the header in the event; its `data`, base64, is
 * read decoded too (base64Field). Costs two property reads on every other direct event.
 */
function rabbitHeaderSources(event: Obj): InputSource[] {
  if (event.eventSource !== 'aws:rmq' || !isObj(event.rmqMessagesByQueue)) return [];
  const out: InputSource[] = [];
  const byQueue = event.rmqMessagesByQueue;
  for (const queue in byQueue) {
    const list = byQueue[queue];
    if (!hasOwn.call(byQueue, queue) || !Array.isArray(list)) continue;
    list.forEach((m: unknown, i: number) => {
      const text = rabbitHeaderText(m);
      if (text !== undefined) out.push({ kind: 'metadata', path: formatPath('event.rmqMessagesByQueue', [queue, i, 'basicProperties', 'headers']), value: text });
      if (isObj(m)) out.push(...base64Field(m.data, formatPath('event.rmqMessagesByQueue', [queue, i, 'data'])));
    });
  }
  return out;
}

/**
 * A base64 field the consumer always decodes, as a source read decoded (`base64: true`): the whole
 * event's walk reads base64 text in a member only from 16 characters (BASE64_TEXT_MIN: shorter base64
 * is mostly ids and hashes), so a short payload in such a field (`JChpZCk=`, `$(id)`; `MSBPUiAxPTE=`,
 * `1 OR 1=1`) went unread decoded. The engine skips it when the walk read the same string decoded.
 */
function base64Field(v: unknown, path: string): InputSource[] {
  return typeof v === 'string' && v.length > 0 ? [{ kind: 'record', path, value: v, decoding: 'auto', base64: true }] : [];
}

/**
 * Fields of events read whole (direct invocations and the shapes without a reading of their own) that
 * their consumer decodes, read decoded besides the walk. Amazon MQ: ActiveMQ's `messages[].data`
 * (`aws:mq`) and RabbitMQ's (`aws:rmq`, in rabbitHeaderSources) are base64 of the message body. An API
 * Gateway WebSocket message (`requestContext.connectionId`, no HTTP method) with a binary frame has
 * `isBase64Encoded: true` and its `body` in base64. S3 Batch Operations (`invocationSchemaVersion`,
 * `tasks[]`): each task's `s3Key` is URL-encoded with `+` for spaces (an inventory manifest's
 * encoding), which the function decodes (`unquote_plus`) before it names the object. Costs a few
 * property reads per direct event; the sources only for those shapes.
 */
function directSources(event: Obj): InputSource[] {
  const out = rabbitHeaderSources(event);
  if (event.eventSource === 'aws:mq' && Array.isArray(event.messages)) {
    const list = event.messages;
    for (let i = 0; i < list.length; i++) {
      const m: unknown = list[i];
      if (isObj(m)) out.push(...base64Field(m.data, `event.messages[${i}].data`));
    }
  }
  const rc = event.requestContext;
  if (event.isBase64Encoded === true && isObj(rc) && typeof rc.connectionId === 'string' && typeof event.body === 'string') {
    out.push({ kind: 'body', path: 'event.body', value: event.body, decoding: 'auto', base64: true });
  }
  if (typeof event.invocationSchemaVersion === 'string' && Array.isArray(event.tasks)) {
    const tasks = event.tasks;
    for (let i = 0; i < tasks.length; i++) {
      const task: unknown = tasks[i];
      const key = isObj(task) ? str(task.s3Key) : undefined;
      if (key === undefined) continue;
      const decoded = percentDecode(key, true);
      if (decoded !== key) out.push({ kind: 'record', path: `event.tasks[${i}].s3Key`, value: decoded });
    }
  }
  return out;
}

/** At most this many records of an EventBridge Pipes batch get their decoded readings (a pipe's batch is at most 10,000). */
const PIPE_RECORDS_MAX = 10000;

/**
 * An EventBridge Pipes batch delivered to a Lambda target or enrichment: a bare array of the source's
 * records (no `Records` wrapper), each with its `eventSource`, flattened for Kinesis (`data` at the
 * top) and Kafka (`value`, `key`, `headers`). Walked whole as a direct invocation, where base64 read
 * decoded only from 16 characters and byte arrays read as numbers: a short payload in Kinesis `data`,
 * a Kafka value or key, a DynamoDB `B` attribute, Amazon MQ `data` or an SQS `binaryValue` passed, and
 * so did any text in a Kafka or RabbitMQ header's bytes. Each record gets here the readings its own
 * trigger gives it (SQS: sqsSources; DynamoDB: imageSources), at `event[i]…`. The walk of the whole
 * array still runs. Only arrays whose first element names a known source cost more than that check.
 */
function pipeSources(list: unknown[]): InputSource[] {
  const first: unknown = list[0];
  if (!isObj(first)) return [];
  const out: InputSource[] = [];
  const n = list.length < PIPE_RECORDS_MAX ? list.length : PIPE_RECORDS_MAX;
  for (let i = 0; i < n; i++) {
    const r: unknown = list[i];
    if (!isObj(r)) continue;
    const base = `event[${i}]`;
    switch (str(r.eventSource)) {
      case 'aws:kinesis':
        out.push(...base64Field(r.data, `${base}.data`));
        break;
      case 'aws:kafka':
      case 'SelfManagedKafka':
        out.push(...base64Field(r.value, `${base}.value`), ...base64Field(r.key, `${base}.key`));
        if (Array.isArray(r.headers)) out.push({ kind: 'metadata', path: `${base}.headers`, value: kafkaHeaders(r.headers) });
        break;
      case 'aws:dynamodb': {
        const d = isObj(r.dynamodb) ? r.dynamodb : undefined;
        if (d === undefined) break;
        for (const k of ['NewImage', 'OldImage', 'Keys'] as const) {
          const image = d[k];
          // Its binary attributes decoded (imageSources' sources after the first, the unmarshalled
          // image, whose plain values the walk reads already).
          if (isObj(image)) out.push(...imageSources(image, `${base}.dynamodb.${k}`, false).slice(1));
        }
        break;
      }
      case 'aws:amq':
      case 'aws:mq':
        out.push(...base64Field(r.data, `${base}.data`));
        break;
      case 'aws:rmq': {
        out.push(...base64Field(r.data, `${base}.data`));
        const text = rabbitHeaderText(r);
        if (text !== undefined) out.push({ kind: 'metadata', path: `${base}.basicProperties.headers`, value: text });
        break;
      }
      case 'aws:sqs':
        out.push(...sqsSources(r, base));
        break;
      default:
        break;
    }
  }
  return out;
}

export function normalize(event: unknown): Normalized {
  if (isObj(event)) {
    const rc = isObj(event.requestContext) ? event.requestContext : undefined;
    if (rc && event.version === '2.0' && isObj(rc.http)) return normalizeV2(event, rc);
    if (rc && isObj(rc.elb)) return normalizeAlb(event);
    if (rc && typeof event.httpMethod === 'string') return normalizeV1(event);
    const lattice = latticeVersion(event, rc);
    if (lattice !== undefined) return normalizeLattice(event, lattice === 2);
    if (Array.isArray(event.Records) && event.Records.length > 0) {
      const n = normalizeRecords(event.Records);
      if (n) return n;
    }
    if ((event.eventSource === 'aws:kafka' || event.eventSource === 'SelfManagedKafka') && isObj(event.records)) return normalizeKafka(event);
    if (typeof event.deliveryStreamArn === 'string' && Array.isArray(event.records)) return normalizeFirehose(event.records);
    if (isObj(event.awslogs)) return normalizeCloudWatchLogs(event.awslogs);
    const info = event.info;
    if (isObj(info) && typeof info.fieldName === 'string' && typeof info.parentTypeName === 'string' && 'arguments' in event) {
      return normalizeAppSync(event, info);
    }
    if (typeof event['detail-type'] === 'string' && 'detail' in event && typeof event.source === 'string') {
      // Every member beside `detail`: PutEvents callers set `source`, `detail-type` and `resources`
      // (any strings, not checked to be ARNs), and whoever may invoke the function directly sends
      // this shape with any other member too (`id`, `time`, one of its own), which the handler reads
      // all the same. Paths are the member's name (`resources[0]`, `detail-type`). Cost: the
      // envelope's six other short strings.
      const meta = membersExcept(event, 'detail');
      const sources: InputSource[] = [{ kind: 'record', path: 'detail', value: event.detail, decoding: 'auto', validate: true }];
      if (meta !== undefined) sources.push({ kind: 'metadata', path: '', value: meta, repeats: true });
      return { kind: 'event', trigger: 'eventbridge', request: recordRequest('eventbridge', sources) };
    }
    if (typeof event.triggerSource === 'string' && typeof event.userPoolId === 'string') {
      // `userName` is what the user typed at sign-up (a user pool allows any letters, marks, symbols,
      // numbers and punctuation in it: `admin'--`, `<svg/onload=…>`), outside `request`; a trigger
      // that migrates users, sends messages or writes a profile row uses it as it is.
      const sources: InputSource[] = [{ kind: 'record', path: 'request', value: event.request }];
      // Any type, not only a string: a userName of another shape (not Cognito's own) is read as it is.
      if (event.userName !== undefined && event.userName !== null) sources.push({ kind: 'metadata', path: 'userName', value: event.userName });
      return { kind: 'event', trigger: 'cognito', request: recordRequest('cognito', sources) };
    }
  }
  // Direct invoke or an unknown trigger: the whole event is untrusted.
  const sources: InputSource[] = [{ kind: 'event', path: 'event', value: event, validate: true }];
  if (isObj(event)) sources.push(...directSources(event));
  else if (Array.isArray(event) && event.length > 0) sources.push(...pipeSources(event));
  return { kind: 'event', trigger: 'direct', request: recordRequest('direct', sources) };
}
