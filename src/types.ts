/**
 * The engine's vocabulary: the request model adapters build, the findings detectors produce and the
 * verdict the engine returns. Everything here is provider-agnostic plain data.
 */

/** Attack and policy classes a finding can belong to. */
export type AttackClass =
  | 'sqli'
  | 'nosqli'
  | 'shell'
  | 'path-traversal'
  | 'ssrf'
  | 'xss'
  | 'code-injection'
  | 'prototype-pollution'
  | 'deserialization'
  | 'ssti'
  | 'ldap'
  | 'xxe'
  | 'jndi'
  | 'crlf'
  | 'ssi'
  | 'schema'
  | 'limits'
  | 'protocol'
  | 'rate'
  | 'custom';

/** The injection classes with a detector behind them (every class a user can switch off). */
export type DetectorClass = Exclude<AttackClass, 'schema' | 'limits' | 'protocol' | 'rate' | 'custom'>;

/** How sure a detector is. Paranoia level 1 acts on `high`, 2 adds `medium`, 3 adds `low`. */
export type Confidence = 'high' | 'medium' | 'low';

/** Where in the event an untrusted value came from. */
export type SourceKind =
  | 'query'
  | 'header'
  | 'cookie'
  | 'path'
  | 'body'
  | 'record'
  | 'event'
  | 'metadata';

/**
 * One detector's answer for one string: what rule fired and why. Detectors are pure functions from a
 * string (or an object key) to a Detection or `undefined`; the engine adds class, source and path.
 */
export interface Detection {
  /** Stable rule id, `<class>.<name>`, e.g. `sqli.tautology`. Used in exclusions and logs. */
  rule: string;
  /** One sentence a human can triage from. Never echoes more than a short token of the input. */
  reason: string;
  confidence: Confidence;
}

/** A pure string detector. Must be linear in `value.length` and must never throw. */
export type StringDetector = (value: string) => Detection | undefined;

/**
 * A pure object-key detector. `parentKey` is the key of the enclosing object (or undefined at the
 * top level), which is what `constructor.prototype` pollution needs.
 */
export type KeyDetector = (key: string, parentKey: string | undefined) => Detection | undefined;

/** How the engine should turn a raw source value into something to walk. */
export type Decoding =
  /** Walk the value as given (objects, arrays, strings). */
  | 'none'
  /** A body string: parse by content type (JSON, form-urlencoded, text). */
  | 'body'
  /** A record payload string: JSON if it parses as JSON, otherwise text. */
  | 'auto';

/** One place of untrusted input in an event. */
export interface InputSource {
  kind: SourceKind;
  /** JSON path prefix for findings, e.g. `query`, `body`, `s3.object.key`, `records[3].body`. */
  path: string;
  value: unknown;
  decoding?: Decoding;
  /** For `decoding: 'body'`: the request's content type, if any. */
  contentType?: string | undefined;
  /**
   * For a body: the request's Content-Encoding (`gzip`, `deflate`, `br`, or a list), when the body is
   * still compressed as the handler receives it. The engine inflates it as the application's body
   * parser would, within the byte limit. Leave it unset when the platform already inflated the body.
   */
  contentEncoding?: string | undefined;
  /** The string value is base64 (API Gateway `isBase64Encoded`, Kinesis `data`). */
  base64?: boolean;
  /** This source is the payload that `schema` / `schemas` validate (the HTTP body or a record). */
  validate?: boolean;
  /**
   * `value` is what `JSON.parse` returned, untouched since: no cycles, no accessors, no inherited
   * keys but those of the built-in prototypes. The walk then skips its cycle bookkeeping, as it does
   * for the JSON it parses itself (~0.5 µs of a 1 KB order body on GCP). Set it only when that holds:
   * a cycle in a value marked so is walked to the depth limit and reported there.
   */
  parsed?: boolean;
  /**
   * The values repeat across invocations as header values do (an event envelope's attributes: the
   * same `source`, `type`, `specversion` on every event): values found clean are remembered across
   * invocations in the engine's bounded clean set, as headers, path and query values are, and not
   * read again. Leave it unset for payloads, which vary and would only churn the set.
   */
  repeats?: boolean;
}

/** The engine's request model: everything an adapter knows about one invocation or one record. */
export interface InspectionRequest {
  /** `aws`, `azure`, `gcp` or a custom adapter name; only used in logs. */
  provider?: string;
  /** Trigger kind, e.g. `apigw-v2`, `sqs`, `s3`, `direct`. */
  trigger?: string;
  /** HTTP method, upper case. */
  method?: string | undefined;
  /** Route key as the user writes it in `schemas`, e.g. `POST /orders` or `POST /orders/{id}`. */
  route?: string | undefined;
  /** Concrete request path, e.g. `/orders/42`. Also matched against `schemas` keys. */
  path?: string | undefined;
  /** Caller IP when the platform supplies a trustworthy one. */
  ip?: string | undefined;
  sources: InputSource[];
}

/** A decision-relevant observation about one value. */
export interface Finding {
  rule: string;
  class: AttackClass;
  confidence: Confidence;
  source: SourceKind;
  /** Where the value was, e.g. `body.items[2].name`, `headers.user-agent`, `records[3].body.customer`. */
  path: string;
  reason: string;
  /** A short, redacted, truncated excerpt of the offending value, for logs. Never a secret. */
  snippet?: string;
}

export type Action = 'allow' | 'monitor' | 'block';

export interface Verdict {
  action: Action;
  /**
   * The HTTP status an adapter should answer with when `action` is `block`: 400 when only schema
   * findings block, 413 when only size limits do (`limits.bytes`, `limits.strings`, `limits.gzip`), 403
   * otherwise.
   */
  status: number;
  findings: Finding[];
  /** Time spent inspecting, in microseconds. */
  micros: number;
}
