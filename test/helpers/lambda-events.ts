/**
 * Builders for real-shaped AWS Lambda events, for tests.
 *
 * Each builder returns a fresh, fully populated event typed with `@types/aws-lambda`, with realistic
 * service-side fields (ARNs, request ids, trace ids, timestamps) in account 123456789012, region
 * us-east-1. Options override the untrusted parts: the parts an attacker controls and the adapter must
 * inspect. The shapes were written from the documented event formats; no sample files were copied.
 *
 * Conventions the builders keep, because the adapter depends on them:
 * - API Gateway REST (v1): headers keep the case they were sent in; `headers` holds the last value of a
 *   repeated header and `multiValueHeaders` all of them; query values arrive decoded; cookies travel in
 *   the `Cookie` header.
 * - HTTP API (v2) and Function URLs: header names are lower-cased, repeated headers and repeated query
 *   keys are comma-joined, cookies are moved out of the headers into `cookies: string[]`.
 * - ALB: header names are lower-cased; `headers`/`queryStringParameters` or `multiValueHeaders`/
 *   `multiValueQueryStringParameters` (never both), query keys and values still URL-encoded; no body is
 *   an empty string.
 * - Services append the peer address to `X-Forwarded-For`, so the rightmost entry is `sourceIp`.
 * - Paths are placed verbatim: pass them as the service delivers them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  ALBEvent,
  APIGatewayEventDefaultAuthorizerContext,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  AttributeValue,
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  KinesisStreamEvent,
  KinesisStreamRecord,
  LambdaFunctionURLEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
  S3Event,
  S3EventRecord,
  SNSEvent,
  SNSEventRecord,
  SNSMessageAttribute,
  SNSMessageAttributes,
  SQSEvent,
  SQSMessageAttribute,
  SQSMessageAttributes,
  SQSRecord,
  StreamRecord,
} from 'aws-lambda';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';
/** A public-looking client address (TEST-NET-2, RFC 5737). */
export const DEFAULT_SOURCE_IP = '198.51.100.23';
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

// ---------------------------------------------------------------------------------------------------
// Small generators
// ---------------------------------------------------------------------------------------------------

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** A random decimal string of `length` digits without a leading zero. */
function digits(length: number): string {
  return String(1 + (randomBytes(1)[0]! % 9)) + randomFrom('0123456789', length - 1);
}

function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `28/Nov/2025:12:44:05 +0000`, the API Gateway request time format. */
function apiGatewayTime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
  );
}

/** ISO 8601 without milliseconds, as EventBridge writes `time`. */
function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An X-Ray trace header as load balancers and API Gateway add it. */
function traceHeader(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${hex(24)}`;
}

/** API Gateway's short request id (`extendedRequestId` on REST, `requestId` on HTTP APIs). */
function shortRequestId(): string {
  return randomBytes(11).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

// ---------------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------------

/** Header overrides: a value list means a repeated header; `undefined` removes a default header. */
export type HeaderInput = Record<string, string | readonly string[] | undefined>;
/** Query input with plain (decoded) values; a value list means a repeated key. */
export type QueryInput = Record<string, string | readonly string[]>;
/** Cookies as `{ name: value }` or as `name=value` strings, sent as-is. */
export type CookieInput = Record<string, string> | readonly string[];

type HeaderList = Array<[name: string, values: string[]]>;
type Pairs = Array<[key: string, value: string]>;

/** Options shared by every HTTP-shaped builder. All of it is client-controlled. */
export interface HttpEventOptions {
  /** Default `POST` when a body is given, otherwise `GET`. */
  method?: string;
  /** Request path, placed verbatim. Default `/orders/42`. */
  path?: string;
  /** Merged over the builder's default headers, matched case-insensitively. */
  headers?: HeaderInput;
  /** Query parameters with plain values; the builder encodes them where the service keeps encoding. */
  query?: QueryInput;
  /** The query string exactly as sent (without `?`); wins over `query`. */
  rawQueryString?: string;
  cookies?: CookieInput;
  /**
   * The body as the service delivers it. A string is placed verbatim (already base64 if you also pass
   * `isBase64Encoded: true`); bytes are base64-encoded and `isBase64Encoded` defaults to true.
   */
  body?: string | Uint8Array | null;
  isBase64Encoded?: boolean;
  /** The peer address the service sees. Default {@link DEFAULT_SOURCE_IP}. */
  sourceIp?: string;
  /** An `X-Forwarded-For` value the client itself sent; the service appends `sourceIp` to it. */
  clientForwardedFor?: string;
  /** Default {@link DEFAULT_USER_AGENT}. Also settable through `headers['User-Agent']`. */
  userAgent?: string;
}

function toList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

function mergeHeaders(defaults: HeaderList, overrides: HeaderInput | undefined): HeaderList {
  const out: HeaderList = defaults.map(([name, values]) => [name, [...values]]);
  for (const [name, value] of Object.entries(overrides ?? {})) {
    const index = out.findIndex(([existing]) => existing.toLowerCase() === name.toLowerCase());
    if (value === undefined) {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = [name, toList(value)];
    } else {
      out.push([name, toList(value)]);
    }
  }
  return out;
}

function findHeader(list: HeaderList, name: string): string[] | undefined {
  const lower = name.toLowerCase();
  return list.find(([n]) => n.toLowerCase() === lower)?.[1];
}

function cookieStrings(cookies: CookieInput | undefined): string[] {
  if (cookies === undefined) return [];
  if (Array.isArray(cookies)) return [...(cookies as readonly string[])];
  return Object.entries(cookies as Record<string, string>).map(([k, v]) => `${k}=${v}`);
}

function encodeQuery(query: QueryInput): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const v of toList(value)) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
  }
  return parts.join('&');
}

/** Splits a raw query string into pairs, keeping the encoding. */
function splitRawQuery(raw: string): Pairs {
  const pairs: Pairs = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}

/** Form-style decoding (`+` is a space); malformed escapes are left as they are. */
export function decodeQueryComponent(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function rawQueryOf(opts: HttpEventOptions): string {
  if (opts.rawQueryString !== undefined) return opts.rawQueryString;
  return opts.query === undefined ? '' : encodeQuery(opts.query);
}

function decodedPairs(raw: string): Pairs {
  return splitRawQuery(raw).map(([k, v]) => [decodeQueryComponent(k), decodeQueryComponent(v)]);
}

function groupPairs(pairs: Pairs): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const list = grouped.get(k);
    if (list) list.push(v);
    else grouped.set(k, [v]);
  }
  return grouped;
}

function lastValues(grouped: Map<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of grouped) out[k] = values[values.length - 1]!;
  return out;
}

function allValues(grouped: Map<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, values] of grouped) out[k] = [...values];
  return out;
}

function commaJoined(grouped: Map<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of grouped) out[k] = values.join(',');
  return out;
}

/**
 * Matches a route template (`/orders/{id}`, `/files/{proxy+}`) against a path and returns the path
 * parameters (segments as they appear in the path), or undefined when nothing is captured.
 */
export function matchRouteTemplate(template: string, path: string): Record<string, string> | undefined {
  const tSegs = template.split('/');
  const pSegs = path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < tSegs.length; i++) {
    const seg = tSegs[i]!;
    const m = /^\{([^{}+]+)(\+)?\}$/.exec(seg);
    if (m) {
      const name = m[1]!;
      if (m[2]) {
        if (i >= pSegs.length) return undefined;
        params[name] = pSegs.slice(i).join('/');
        return params;
      }
      const value = pSegs[i];
      if (value === undefined || value === '') return undefined;
      params[name] = value;
    } else if (seg !== pSegs[i]) {
      return undefined;
    }
  }
  if (pSegs.length !== tSegs.length) return undefined;
  return Object.keys(params).length > 0 ? params : undefined;
}

interface ResolvedHttp {
  method: string;
  path: string;
  body: string | null;
  isBase64Encoded: boolean;
  sourceIp: string;
  now: number;
}

function resolveHttp(opts: HttpEventOptions): ResolvedHttp {
  let body: string | null = null;
  let isBase64Encoded = opts.isBase64Encoded ?? false;
  if (opts.body instanceof Uint8Array) {
    body = Buffer.from(opts.body).toString('base64');
    isBase64Encoded = opts.isBase64Encoded ?? true;
  } else if (typeof opts.body === 'string') {
    body = opts.body;
  }
  return {
    method: opts.method ?? (body === null ? 'GET' : 'POST'),
    path: opts.path ?? '/orders/42',
    body,
    isBase64Encoded,
    sourceIp: opts.sourceIp ?? DEFAULT_SOURCE_IP,
    now: Date.now(),
  };
}

/** The headers a client and the service add, before the caller's overrides. */
function defaultHttpHeaders(
  r: ResolvedHttp,
  opts: HttpEventOptions,
  host: string,
  cookieHeader: boolean,
): HeaderList {
  const list: HeaderList = [
    ['Accept', ['application/json']],
    ['Accept-Encoding', ['gzip, deflate, br']],
  ];
  if (r.body !== null) {
    const bytes = r.isBase64Encoded ? Buffer.from(r.body, 'base64').length : Buffer.byteLength(r.body);
    list.push(['Content-Length', [String(bytes)]]);
    if (r.body !== '') list.push(['Content-Type', ['application/json']]);
  }
  const cookies = cookieStrings(opts.cookies);
  if (cookieHeader && cookies.length > 0) list.push(['Cookie', [cookies.join('; ')]]);
  const xff = opts.clientForwardedFor === undefined ? r.sourceIp : `${opts.clientForwardedFor}, ${r.sourceIp}`;
  list.push(
    ['Host', [host]],
    ['User-Agent', [opts.userAgent ?? DEFAULT_USER_AGENT]],
    ['X-Amzn-Trace-Id', [traceHeader(r.now)]],
    ['X-Forwarded-For', [xff]],
    ['X-Forwarded-Port', ['443']],
    ['X-Forwarded-Proto', ['https']],
  );
  return list;
}

// ---------------------------------------------------------------------------------------------------
// API Gateway REST API (payload 1.0)
// ---------------------------------------------------------------------------------------------------

export interface ApiGatewayV1Options extends HttpEventOptions {
  /** Resource template, e.g. `/orders/{id}`. Default `/orders/{id}`, or the path when a path is given. */
  resource?: string;
  /** Default: matched from `resource` and `path`; null when nothing is captured. */
  pathParameters?: Record<string, string> | null;
  stage?: string;
  stageVariables?: Record<string, string> | null;
  /** `requestContext.authorizer`. Default undefined (no authorizer). */
  authorizer?: APIGatewayEventDefaultAuthorizerContext;
}

/** An API Gateway REST API proxy event (regional endpoint, payload format 1.0). */
export function apiGatewayV1(opts: ApiGatewayV1Options = {}): APIGatewayProxyEvent {
  const r = resolveHttp(opts);
  const resource = opts.resource ?? (opts.path === undefined ? '/orders/{id}' : r.path);
  const stage = opts.stage ?? 'prod';
  const apiId = randomFrom(LOWER_ALNUM, 10);
  const domainName = `${apiId}.execute-api.${REGION}.amazonaws.com`;

  const headerList = mergeHeaders(defaultHttpHeaders(r, opts, domainName, true), opts.headers);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of headerList) {
    headers[name] = values[values.length - 1]!;
    multiValueHeaders[name] = [...values];
  }

  const query = groupPairs(decodedPairs(rawQueryOf(opts)));
  const pathParameters =
    opts.pathParameters !== undefined ? opts.pathParameters : (matchRouteTemplate(resource, r.path) ?? null);
  const userAgent = findHeader(headerList, 'user-agent');

  return {
    resource,
    path: r.path,
    httpMethod: r.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.size > 0 ? lastValues(query) : null,
    multiValueQueryStringParameters: query.size > 0 ? allValues(query) : null,
    pathParameters: pathParameters === null ? null : { ...pathParameters },
    stageVariables: opts.stageVariables === undefined || opts.stageVariables === null ? null : { ...opts.stageVariables },
    requestContext: {
      resourceId: randomFrom(LOWER_ALNUM, 6),
      resourcePath: resource,
      httpMethod: r.method,
      extendedRequestId: shortRequestId(),
      requestTime: apiGatewayTime(r.now),
      path: `/${stage}${r.path}`,
      accountId: ACCOUNT_ID,
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: apiId,
      requestTimeEpoch: r.now,
      requestId: randomUUID(),
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: r.sourceIp,
        user: null,
        userAgent: userAgent === undefined ? null : userAgent[userAgent.length - 1]!,
        userArn: null,
      },
      domainName,
      apiId,
      authorizer: opts.authorizer === undefined || opts.authorizer === null ? opts.authorizer : clone(opts.authorizer),
    },
    body: r.body,
    isBase64Encoded: r.isBase64Encoded,
  };
}

// ---------------------------------------------------------------------------------------------------
// API Gateway HTTP API (payload 2.0) and Lambda Function URLs
// ---------------------------------------------------------------------------------------------------

export interface ApiGatewayV2Options extends HttpEventOptions {
  /** Route template, e.g. `/orders/{id}`. Default `/orders/{id}`, or the path when a path is given. */
  route?: string;
  /** Default `${method} ${route}`. Pass `$default` for the catch-all route. */
  routeKey?: string;
  /** Default: matched from the route and `rawPath`; absent when nothing is captured. */
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
}

interface V2Shape {
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
  apiId: string;
  domainName: string;
  accountId: string;
  requestId: string;
  extraHeaders: HeaderList;
  stageVariables: Record<string, string> | undefined;
}

function buildV2(opts: HttpEventOptions, r: ResolvedHttp, shape: V2Shape): APIGatewayProxyEventV2 {
  const merged = mergeHeaders(
    [...defaultHttpHeaders(r, opts, shape.domainName, false), ...shape.extraHeaders],
    opts.headers,
  );
  // HTTP APIs and Function URLs take cookies out of the headers into their own array.
  const cookies = cookieStrings(opts.cookies);
  const headers: Record<string, string> = {};
  for (const [name, values] of merged) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      for (const v of values) cookies.push(...v.split(/;\s*/).filter((c) => c !== ''));
      continue;
    }
    headers[lower] = headers[lower] === undefined ? values.join(',') : `${headers[lower]},${values.join(',')}`;
  }

  const rawQueryString = rawQueryOf(opts);
  const query = groupPairs(decodedPairs(rawQueryString));

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: shape.routeKey,
    rawPath: r.path,
    rawQueryString,
    headers,
    requestContext: {
      accountId: shape.accountId,
      apiId: shape.apiId,
      domainName: shape.domainName,
      domainPrefix: shape.apiId,
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: r.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: shape.requestId,
      routeKey: shape.routeKey,
      stage: '$default',
      time: apiGatewayTime(r.now),
      timeEpoch: r.now,
    },
    isBase64Encoded: r.isBase64Encoded,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (query.size > 0) event.queryStringParameters = commaJoined(query);
  if (shape.pathParameters !== undefined) event.pathParameters = { ...shape.pathParameters };
  if (shape.stageVariables !== undefined) event.stageVariables = { ...shape.stageVariables };
  if (r.body !== null) event.body = r.body;
  return event;
}

/** An API Gateway HTTP API event (payload format 2.0, `$default` stage). */
export function apiGatewayV2(opts: ApiGatewayV2Options = {}): APIGatewayProxyEventV2 {
  const r = resolveHttp(opts);
  const route = opts.route ?? (opts.path === undefined ? '/orders/{id}' : r.path);
  const routeKey = opts.routeKey ?? `${r.method} ${route}`;
  const template = routeKey === '$default' ? undefined : routeKey.slice(routeKey.indexOf(' ') + 1);
  const apiId = randomFrom(LOWER_ALNUM, 10);
  return buildV2(opts, r, {
    routeKey,
    pathParameters:
      opts.pathParameters ?? (template === undefined ? undefined : matchRouteTemplate(template, r.path)),
    apiId,
    domainName: `${apiId}.execute-api.${REGION}.amazonaws.com`,
    accountId: ACCOUNT_ID,
    requestId: shortRequestId(),
    extraHeaders: [],
    stageVariables: opts.stageVariables,
  });
}

export interface FunctionUrlOptions extends HttpEventOptions {
  /** The 32-character URL id (the first label of the domain). Random by default. */
  urlId?: string;
}

/** A Lambda Function URL event (auth type NONE): the v2 shape with routeKey `$default`. */
export function functionUrl(opts: FunctionUrlOptions = {}): LambdaFunctionURLEvent {
  const r = resolveHttp(opts);
  const urlId = opts.urlId ?? randomFrom(LOWER_ALNUM, 32);
  return buildV2(opts, r, {
    routeKey: '$default',
    pathParameters: undefined,
    apiId: urlId,
    domainName: `${urlId}.lambda-url.${REGION}.on.aws`,
    // Function URLs with auth type NONE report an anonymous caller account.
    accountId: 'anonymous',
    requestId: randomUUID(),
    extraHeaders: [
      ['X-Amzn-Tls-Cipher-Suite', ['TLS_AES_128_GCM_SHA256']],
      ['X-Amzn-Tls-Version', ['TLSv1.3']],
    ],
    stageVariables: undefined,
  });
}

// ---------------------------------------------------------------------------------------------------
// Application Load Balancer
// ---------------------------------------------------------------------------------------------------

export interface AlbOptions extends HttpEventOptions {
  /** The target group's `lambda.multi_value_headers.enabled` setting. Default false. */
  multiValue?: boolean;
  targetGroupName?: string;
}

/** An Application Load Balancer target event. Query keys and values stay URL-encoded. */
export function alb(opts: AlbOptions = {}): ALBEvent {
  const r = resolveHttp(opts);
  const targetGroupName = opts.targetGroupName ?? 'orders-lambda-tg';
  const host = `orders-alb-${digits(10)}.${REGION}.elb.amazonaws.com`;
  const headerList = mergeHeaders(defaultHttpHeaders(r, opts, host, true), opts.headers).map(
    ([name, values]): [string, string[]] => [name.toLowerCase(), values],
  );
  const headers = groupPairs(headerList.flatMap(([name, values]) => values.map((v): [string, string] => [name, v])));
  const query = groupPairs(splitRawQuery(rawQueryOf(opts)));

  const event: ALBEvent = {
    requestContext: {
      elb: {
        targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT_ID}:targetgroup/${targetGroupName}/${hex(16)}`,
      },
    },
    httpMethod: r.method,
    path: r.path,
    body: r.body ?? '',
    isBase64Encoded: r.isBase64Encoded,
  };
  if (opts.multiValue === true) {
    event.multiValueQueryStringParameters = allValues(query);
    event.multiValueHeaders = allValues(headers);
  } else {
    event.queryStringParameters = lastValues(query);
    event.headers = lastValues(headers);
  }
  return event;
}

// ---------------------------------------------------------------------------------------------------
// SQS and SNS
// ---------------------------------------------------------------------------------------------------

export interface SqsRecordInput {
  body: string;
  /** A string is a `String` attribute; pass a full attribute for `Number` or `Binary` (base64). */
  messageAttributes?: Record<string, string | SQSMessageAttribute>;
  messageId?: string;
  /** FIFO only. Default `orders`. */
  messageGroupId?: string;
  /** FIFO only. Default: the SHA-256 of the body (content-based deduplication). */
  messageDeduplicationId?: string;
}

export interface SqsOptions {
  fifo?: boolean;
  /** Default `orders-queue`, with `.fifo` appended for FIFO queues. */
  queueName?: string;
}

function sqsAttributes(input: Record<string, string | SQSMessageAttribute> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    out[name] =
      typeof value === 'string'
        ? { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' }
        : { stringListValues: [], binaryListValues: [], ...clone(value) };
  }
  return out;
}

/** MD5 of message attributes as SQS computes it (sorted, length-prefixed name, type, transport, value). */
export function sqsMessageAttributesMd5(attributes: SQSMessageAttributes): string {
  const chunks: Buffer[] = [];
  const lengthPrefixed = (bytes: Buffer): void => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    chunks.push(len, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attr = attributes[name]!;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attr.dataType, 'utf8'));
    if (attr.dataType.startsWith('Binary')) {
      chunks.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attr.binaryValue ?? '', 'base64'));
    } else {
      chunks.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attr.stringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(chunks));
}

/** An SQS batch. FIFO records carry MessageGroupId, MessageDeduplicationId and increasing SequenceNumbers. */
export function sqs(records: SqsRecordInput[], opts: SqsOptions = {}): SQSEvent {
  const fifo = opts.fifo ?? false;
  const baseName = opts.queueName ?? 'orders-queue';
  const queueName = fifo && !baseName.endsWith('.fifo') ? `${baseName}.fifo` : baseName;
  const sent = Date.now() - 120;
  let sequence = BigInt(digits(20));
  const senderId = 'AROA4XMPLE7QF2VZN3KDL:orders-producer';

  return {
    Records: records.map((input, i): SQSRecord => {
      const messageAttributes = sqsAttributes(input.messageAttributes);
      const record: SQSRecord = {
        messageId: input.messageId ?? randomUUID(),
        receiptHandle: `AQEB${randomBytes(240).toString('base64')}`,
        body: input.body,
        attributes: {
          ApproximateReceiveCount: '1',
          AWSTraceHeader: `${traceHeader(sent)};Parent=${hex(16)};Sampled=0`,
          SentTimestamp: String(sent + i),
          SenderId: senderId,
          ApproximateFirstReceiveTimestamp: String(sent + i + 37),
        },
        messageAttributes,
        md5OfBody: md5Hex(input.body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`,
        awsRegion: REGION,
      };
      if (Object.keys(messageAttributes).length > 0) {
        record.md5OfMessageAttributes = sqsMessageAttributesMd5(messageAttributes);
      }
      if (fifo) {
        sequence += 1n;
        record.attributes.SequenceNumber = sequence.toString();
        record.attributes.MessageGroupId = input.messageGroupId ?? 'orders';
        record.attributes.MessageDeduplicationId =
          input.messageDeduplicationId ?? createHash('sha256').update(input.body).digest('hex');
      }
      return record;
    }),
  };
}

export interface SnsRecordInput {
  message: string;
  subject?: string;
  /** A string is a `String` attribute. */
  messageAttributes?: Record<string, string | SNSMessageAttribute>;
}

export interface SnsEnvelopeOptions {
  subject?: string;
  messageAttributes?: Record<string, string | SNSMessageAttribute>;
  topicName?: string;
}

const DEFAULT_TOPIC = 'orders-topic';

function snsAttributes(input: Record<string, string | SNSMessageAttribute> | undefined): SNSMessageAttributes {
  const out: SNSMessageAttributes = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    out[name] = typeof value === 'string' ? { Type: 'String', Value: value } : { ...value };
  }
  return out;
}

function snsCommon(topicName: string): {
  topicArn: string;
  subscriptionArn: string;
  signature: string;
  signingCertUrl: string;
  unsubscribeUrl: string;
} {
  const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${topicName}`;
  const subscriptionArn = `${topicArn}:${randomUUID()}`;
  return {
    topicArn,
    subscriptionArn,
    signature: randomBytes(256).toString('base64'),
    signingCertUrl: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-${hex(32)}.pem`,
    unsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
  };
}

/** An SNS notification batch as Lambda receives it (one record per invocation in practice). */
export function sns(records: SnsRecordInput[]): SNSEvent {
  const common = snsCommon(DEFAULT_TOPIC);
  return {
    Records: records.map((input): SNSEventRecord => {
      const record: SNSEventRecord = {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: common.subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: common.topicArn,
          Message: input.message,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: common.signature,
          SigningCertUrl: common.signingCertUrl,
          UnsubscribeUrl: common.unsubscribeUrl,
          MessageAttributes: snsAttributes(input.messageAttributes),
        },
      };
      if (input.subject !== undefined) record.Sns.Subject = input.subject;
      return record;
    }),
  };
}

/**
 * The JSON document SNS writes into an SQS message body for a subscribed queue (raw message delivery
 * off). SNS formats it with two-space indentation and `"Key" : value` separators, and spells the URL
 * fields `SigningCertURL` / `UnsubscribeURL` (unlike the Lambda SNS event).
 */
export function snsEnvelopeInSqsBody(message: string, opts: SnsEnvelopeOptions = {}): string {
  const common = snsCommon(opts.topicName ?? DEFAULT_TOPIC);
  const fields: Array<[string, unknown]> = [
    ['Type', 'Notification'],
    ['MessageId', randomUUID()],
    ['TopicArn', common.topicArn],
  ];
  if (opts.subject !== undefined) fields.push(['Subject', opts.subject]);
  fields.push(
    ['Message', message],
    ['Timestamp', new Date().toISOString()],
    ['SignatureVersion', '1'],
    ['Signature', common.signature],
    ['SigningCertURL', common.signingCertUrl],
    ['UnsubscribeURL', common.unsubscribeUrl],
  );
  const lines = fields.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  const attrs = snsAttributes(opts.messageAttributes);
  const attrNames = Object.keys(attrs);
  if (attrNames.length > 0) {
    const inner = attrNames.map((n) => `    ${JSON.stringify(n)} : ${JSON.stringify(attrs[n])}`);
    lines.push(`  "MessageAttributes" : {\n${inner.join(',\n')}\n  }`);
  }
  return `{\n${lines.join(',\n')}\n}`;
}

// ---------------------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------------------

export interface S3RecordInput {
  /** The raw object key; the builder URL-encodes it as S3 notifications do. */
  key: string;
  bucket?: string;
  sourceIp?: string;
  /** Default `ObjectCreated:Put`. */
  eventName?: string;
  size?: number;
}

/** Encodes an object key the way S3 event notifications do: encodeURIComponent, spaces as `+`. */
export function s3EncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+');
}

/** An S3 event notification batch. */
export function s3(records: S3RecordInput[]): S3Event {
  const now = Date.now();
  return {
    Records: records.map((input, i): S3EventRecord => {
      const bucket = input.bucket ?? 'example-orders-uploads';
      return {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: new Date(now + i).toISOString(),
        eventName: input.eventName ?? 'ObjectCreated:Put',
        userIdentity: { principalId: `AWS:AROA4XMPLE7QF2VZN3KDL:uploader-${hex(8)}` },
        requestParameters: { sourceIPAddress: input.sourceIp ?? DEFAULT_SOURCE_IP },
        responseElements: {
          'x-amz-request-id': hex(16).toUpperCase(),
          'x-amz-id-2': randomBytes(56).toString('base64'),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'orders-upload-notification',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'A2XMPL7QF2VZN3' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: s3EncodeKey(input.key),
            size: input.size ?? 2048,
            eTag: hex(32),
            sequencer: hex(18).toUpperCase(),
          },
        },
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------------

export interface EventBridgeOptions {
  /** Default `com.example.orders`. */
  source?: string;
  /** Default `Order Placed`. */
  detailType?: string;
  resources?: string[];
}

/** An EventBridge event delivered to a rule target. */
export function eventBridge(detail: unknown, opts: EventBridgeOptions = {}): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': opts.detailType ?? 'Order Placed',
    source: opts.source ?? 'com.example.orders',
    account: ACCOUNT_ID,
    time: isoSeconds(Date.now()),
    region: REGION,
    resources: [...(opts.resources ?? [])],
    detail: clone(detail),
  };
}

// ---------------------------------------------------------------------------------------------------
// DynamoDB Streams
// ---------------------------------------------------------------------------------------------------

/**
 * Converts a plain JS value to a DynamoDB AttributeValue: string → S, number/bigint → N, boolean →
 * BOOL, null/undefined → NULL, array → L, Set<string> → SS, Set<number> → NS, bytes → B (base64),
 * object → M (undefined members are skipped).
 */
export function toAttributeValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  if (value instanceof Set) {
    const items = [...value];
    if (items.every((v) => typeof v === 'number' || typeof v === 'bigint')) return { NS: items.map(String) };
    return { SS: items.map(String) };
  }
  if (typeof value === 'object') return { M: toAttributeMap(value as Record<string, unknown>) };
  throw new TypeError(`cannot convert ${typeof value} to a DynamoDB AttributeValue`);
}

/** Converts a plain object to an item (`Record<string, AttributeValue>`). */
export function toAttributeMap(item: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) {
    if (v !== undefined) out[k] = toAttributeValue(v);
  }
  return out;
}

export interface DynamoDbRecordInput {
  keys: Record<string, AttributeValue>;
  newImage?: Record<string, AttributeValue>;
  oldImage?: Record<string, AttributeValue>;
  sequenceNumber?: string;
}

export interface DynamoDbOptions {
  /** Default `Orders`. */
  tableName?: string;
}

/**
 * A DynamoDB Streams batch (view type NEW_AND_OLD_IMAGES). eventName follows the images: new only is
 * INSERT, both is MODIFY, old only is REMOVE. Key attributes are added to the images, as in real items.
 */
export function dynamodb(records: DynamoDbRecordInput[], opts: DynamoDbOptions = {}): DynamoDBStreamEvent {
  const tableName = opts.tableName ?? 'Orders';
  const nowSec = Math.floor(Date.now() / 1000);
  const streamLabel = new Date((nowSec - 86400 * 30) * 1000).toISOString().replace(/Z$/, '');
  const eventSourceARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${tableName}/stream/${streamLabel}`;
  let sequence = BigInt(digits(27));

  return {
    Records: records.map((input): DynamoDBRecord => {
      sequence += BigInt(100 + (randomBytes(1)[0]! % 100));
      const keys = clone(input.keys);
      const newImage = input.newImage === undefined ? undefined : { ...clone(keys), ...clone(input.newImage) };
      const oldImage = input.oldImage === undefined ? undefined : { ...clone(keys), ...clone(input.oldImage) };
      const eventName = newImage && oldImage ? 'MODIFY' : oldImage ? 'REMOVE' : 'INSERT';
      const stream: StreamRecord = {
        ApproximateCreationDateTime: nowSec,
        Keys: keys,
        SequenceNumber: input.sequenceNumber ?? sequence.toString(),
        SizeBytes: Buffer.byteLength(JSON.stringify({ keys, newImage, oldImage })),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      };
      if (newImage) stream.NewImage = newImage;
      if (oldImage) stream.OldImage = oldImage;
      return {
        eventID: hex(32),
        eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: REGION,
        dynamodb: stream,
        eventSourceARN,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Kinesis Data Streams
// ---------------------------------------------------------------------------------------------------

export interface KinesisRecordInput {
  /** Plain text (UTF-8) or bytes; the builder base64-encodes it. */
  data: string | Uint8Array;
  partitionKey?: string;
  sequenceNumber?: string;
}

export interface KinesisOptions {
  /** Default `orders-stream`. */
  streamName?: string;
}

/** A Kinesis Data Streams batch from one shard; sequence numbers increase within the batch. */
export function kinesis(records: KinesisRecordInput[], opts: KinesisOptions = {}): KinesisStreamEvent {
  const streamName = opts.streamName ?? 'orders-stream';
  const shardId = `shardId-${String(randomBytes(1)[0]! % 8).padStart(12, '0')}`;
  const arrival = Date.now() - 250;
  let sequence = BigInt(digits(56));

  return {
    Records: records.map((input, i): KinesisStreamRecord => {
      sequence += BigInt(1 + (randomBytes(2).readUInt16BE() << 4));
      const sequenceNumber = input.sequenceNumber ?? sequence.toString();
      const bytes = typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : Buffer.from(input.data);
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: input.partitionKey ?? randomUUID(),
          sequenceNumber,
          data: bytes.toString('base64'),
          approximateArrivalTimestamp: (arrival + i * 3) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${ACCOUNT_ID}:role/orders-stream-consumer-role`,
        awsRegion: REGION,
        eventSourceARN: `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/${streamName}`,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Cognito user pool triggers
// ---------------------------------------------------------------------------------------------------

export interface CognitoTriggerOptions {
  validationData?: Record<string, string>;
  clientMetadata?: Record<string, string>;
  /** Default: a UUID (pools that sign users in by email alias use a generated username). */
  userName?: string;
}

export interface CognitoPreSignUpOptions extends CognitoTriggerOptions {
  triggerSource?: PreSignUpTriggerEvent['triggerSource'];
}

export interface CognitoPreAuthenticationOptions extends CognitoTriggerOptions {
  userNotFound?: boolean;
}

function cognitoBase(userName: string | undefined): {
  version: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
} {
  return {
    version: '1',
    region: REGION,
    userPoolId: `${REGION}_${randomFrom(MIXED_ALNUM, 9)}`,
    userName: userName ?? randomUUID(),
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: randomFrom(LOWER_ALNUM, 26) },
  };
}

/** A Cognito Pre sign-up trigger. `userAttributes` is what the client submitted. */
export function cognitoPreSignUp(
  userAttributes: Record<string, string>,
  opts: CognitoPreSignUpOptions = {},
): PreSignUpTriggerEvent {
  const request: PreSignUpTriggerEvent['request'] = { userAttributes: { ...userAttributes } };
  if (opts.validationData !== undefined) request.validationData = { ...opts.validationData };
  if (opts.clientMetadata !== undefined) request.clientMetadata = { ...opts.clientMetadata };
  return {
    ...cognitoBase(opts.userName),
    triggerSource: opts.triggerSource ?? 'PreSignUp_SignUp',
    request,
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

/**
 * A Cognito Pre authentication trigger. The stored user's `sub` and `cognito:user_status` are added
 * unless given.
 */
export function cognitoPreAuthentication(
  userAttributes: Record<string, string>,
  opts: CognitoPreAuthenticationOptions = {},
): PreAuthenticationTriggerEvent {
  const request: PreAuthenticationTriggerEvent['request'] = {
    userAttributes: { sub: randomUUID(), 'cognito:user_status': 'CONFIRMED', ...userAttributes },
  };
  if (opts.userNotFound !== undefined) request.userNotFound = opts.userNotFound;
  if (opts.validationData !== undefined) request.validationData = { ...opts.validationData };
  if (opts.clientMetadata !== undefined) request.clientMetadata = { ...opts.clientMetadata };
  return {
    ...cognitoBase(opts.userName),
    triggerSource: 'PreAuthentication_Authentication',
    request,
    response: {},
  };
}

// ---------------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------------

export interface LambdaContextOverrides extends Partial<Context> {
  /** Function timeout; getRemainingTimeInMillis counts down from now + timeoutMs. Default 30000. */
  timeoutMs?: number;
}

/**
 * A full Lambda Context. ARN, log group and log stream follow `functionName`/`functionVersion` unless
 * overridden; `awsRequestId` is a fresh UUID per call.
 */
export function lambdaContext(overrides: LambdaContextOverrides = {}): Context {
  const { timeoutMs = 30_000, ...rest } = overrides;
  const functionName = rest.functionName ?? 'orders-api';
  const functionVersion = rest.functionVersion ?? '$LATEST';
  const qualifier = functionVersion === '$LATEST' ? '' : `:${functionVersion}`;
  const now = new Date();
  const deadline = now.getTime() + timeoutMs;
  const day = `${now.getUTCFullYear()}/${pad2(now.getUTCMonth() + 1)}/${pad2(now.getUTCDate())}`;
  const noop = (): void => {};
  return {
    callbackWaitsForEmptyEventLoop: true,
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}${qualifier}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[${functionVersion}]${hex(32)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
    ...rest,
    functionName,
    functionVersion,
  };
}
