/**
 * A CloudEvent's context attributes as the engine reads them (GCP CloudEvent functions, Azure Event
 * Grid in the CloudEvents schema and its own Event Grid schema). Whoever publishes an event sets them
 * (`ce-source`, `ce-type`, `ce-id`, `ce-subject`, `ce-time`, `ce-dataschema`, any extension), in any
 * content mode, and a handler reads them as `ce.source`, `ce.type`…: into a log table, a path, a
 * routing switch that echoes the unknown type. Every top-level member but the data is one.
 */

import type { InputSource } from '../../src/types';

type Obj = Record<string, unknown>;

/**
 * `http://localhost:7071/api/orders` → `/api/orders`, `//firebaseremoteconfig.googleapis.com/projects/p` →
 * `/projects/p`: a URI's scheme and a plain `host[:port]` name the
 * publisher (a dev publisher's `http://localhost:…`, a service on an internal address), where the SSRF
 * check would block every event of that publisher, and no handler fetches a CloudEvent's `source` (the
 * spec makes it an identifier, not a resource). The rest (path, query) is read, and so is the whole
 * value when the authority holds anything but host characters (`http://x'or'1'='1/`). `dataschema`,
 * which a handler may well fetch to validate against, is read whole. Cost: a scan of the authority.
 */
let lastSource = '';
let lastRead = '';

export function publisherSource(s: string): string {
  // A publisher sends the same source on every event: the last answer, for a string compare (the
  // scan and a new sliced string were ~0.2 µs per event).
  if (s === lastSource) return lastRead;
  lastRead = readSource(s);
  lastSource = s;
  return lastRead;
}

function readSource(s: string): string {
  // Google's own sources are network-path references (`//pubsub.googleapis.com/projects/p/topics/t`):
  // their authority names the publishing service the same way.
  const scheme = s.startsWith('https://') ? 8 : s.startsWith('http://') ? 7 : s.startsWith('//') ? 2 : -1;
  if (scheme === -1) return s;
  let i = scheme;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #: the authority ends
    const hostChar =
      (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x3a || c === 0x5b || c === 0x5d;
    if (!hostChar) return s;
  }
  return s.slice(i);
}

function digits(s: string, from: number, n: number): boolean {
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * An RFC 3339 timestamp and nothing else (`2026-05-01T10:00:00.123456Z`, `…+02:00`): digits and fixed
 * separators hold no payload, and an envelope's times are new on every event (`time`, `publishTime`,
 * `eventTime`), so the clean set never answers for them, while the detectors took ~3 µs on each (the
 * colons wake SSRF, path and SQL). Anything else in such a member is read.
 */
export function isTimestamp(s: string): boolean {
  const n = s.length;
  if (n < 20 || n > 35 || !digits(s, 0, 4) || s[4] !== '-' || !digits(s, 5, 2) || s[7] !== '-' || !digits(s, 8, 2)) return false;
  if ((s[10] !== 'T' && s[10] !== 't') || !digits(s, 11, 2) || s[13] !== ':' || !digits(s, 14, 2) || s[16] !== ':' || !digits(s, 17, 2)) return false;
  let i = 19;
  if (s[i] === '.') {
    const from = ++i;
    while (i < n && i - from < 9 && digits(s, i, 1)) i++;
    if (i === from) return false;
  }
  if (i === n - 1) return s[i] === 'Z' || s[i] === 'z';
  return i === n - 6 && (s[i] === '+' || s[i] === '-') && digits(s, i + 1, 2) && s[i + 3] === ':' && digits(s, i + 4, 2);
}

/**
 * The own enumerable members of `o` but `skip` and `skip2` (and those holding null, a number, a
 * boolean or an RFC 3339 timestamp: nothing to read), in a plain object; undefined when none is left. A plain object, not a
 * null-prototype one: V8 keeps that one in dictionary mode, and copying and walking it was ~3x the
 * time (~0.6 µs more per envelope). `__proto__` is defined as an own member, as JSON.parse makes it,
 * so it is walked, not made the copy's prototype.
 */
export function membersExcept(o: Obj, skip: string, skip2?: string): Obj | undefined {
  let out: Obj | undefined;
  for (const k in o) {
    if (k === skip || k === skip2 || !Object.prototype.hasOwnProperty.call(o, k)) continue;
    const v = o[k];
    if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && isTimestamp(v))) continue;
    out ??= {};
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/**
 * Every member of `ce` but its data (`data`, `data_base64`), `source` as publisherSource reads it;
 * undefined when there is none. Own enumerable members only, as a handler's `ce.x` finds them.
 */
export function cloudEventAttributes(ce: Obj): Obj | undefined {
  const out = membersExcept(ce, 'data', 'data_base64');
  if (out !== undefined && typeof out.source === 'string' && Object.prototype.hasOwnProperty.call(out, 'source')) out.source = publisherSource(out.source);
  return out;
}

/**
 * `data_base64` when it is not what is read as the event's data: an event that also has `data` (the
 * spec allows one of the two, but nothing on the way in checks it), or whose `data_base64` is not a
 * string. Every attribute read skips it as data, so whatever it held went uninspected, while a
 * handler written for binary events reads `Buffer.from(ce.data_base64, 'base64')` and never looks at
 * `data`. A maker of the source (the caller gives the path), read as base64 when it is a string,
 * walked otherwise; undefined when there is none (null or absent). Not validated against a schema:
 * `data` is the event's data. Cost: one property read per event.
 */
export function strayData(ce: Obj): ((path: string) => InputSource) | undefined {
  const b = ce.data_base64;
  if (b === undefined || b === null) return undefined;
  return (path) => ({ kind: 'record', path, value: b, decoding: 'auto', base64: typeof b === 'string' });
}
