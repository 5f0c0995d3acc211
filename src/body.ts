/**
 * Turning a raw body (or record payload) into the value the application will see: JSON, form fields,
 * multipart fields or text, after base64 when the platform says so. Malformed input is reported as a
 * `protocol` finding and inspected as text, never skipped.
 */
import { decodeCharset, isUtf8Charset } from './charset';
import { base64Bytes, decodeBase64, parseForm, percentDecode } from './decode';
import { csvRows, jsonStringLiterals, ndjsonDocuments, yamlScalars } from './textforms';
import type { Decoding } from './types';

export type BodyProblem = 'invalid-base64' | 'invalid-json' | 'invalid-multipart' | 'invalid-encoding' | 'unsupported-encoding';

export interface DecodedBody {
  value: unknown;
  problem?: BodyProblem;
  /** The body's Content-Encoding inflates to more than the byte limit: it was not inspected. */
  inflatesBeyond?: number;
  /**
   * Other readings of the same body, each walked too under its own path segment: the bytes in the
   * declared non-UTF-8 charset (`#charset`), the values of a CSV, YAML or line-delimited JSON text or
   * the string literals of JSON that does not parse (`#csv`, `#yaml`, `#lines`, `#strings`).
   */
  alts?: Array<{ segment: string; value: unknown }>;
  /**
   * The readings hold every value of the text (CSV fields, YAML scalars, JSON lines that all
   * parse; every character of the text is in one of them): the text
   * itself is not walked as one string. It stays `value` for schemas (what the handler receives).
   * Read whole, quotes and separators between values look like injection (`"x `y`"` is a shell
   * substitution) where no reader puts them together.
   */
  textCovered?: boolean;
}

/**
 * Content codings undone before the body is read, in the order the client applied them (`gzip, br`
 * is br over gzip). The application's body parser undoes them (Express's body-parser inflates gzip,
 * deflate and br by default, and so does serverless-http behind it), so a compressed body is text the
 * handler reads: inspecting the compressed bytes would let any attack through with one header.
 * Bounded: at most MAX_CODINGS layers, each inflated with zlib's `maxOutputLength` at the caller's
 * byte limit, so a decompression bomb costs at most that much memory and work. node:zlib is loaded on
 * the first compressed body, not at cold start.
 */
const MAX_CODINGS = 3;
const MAX_BUFFER = 2 ** 31 - 1;
type Zlib = typeof import('node:zlib');
let zlib: Zlib | undefined;

type Inflated = { bytes: Buffer } | { problem: 'invalid-encoding' | 'unsupported-encoding' } | { beyond: number };

function inflate(bytes: Buffer, contentEncoding: string, maxBytes: number): Inflated {
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length > MAX_CODINGS) return { problem: 'unsupported-encoding' };
  zlib ??= require('node:zlib') as Zlib;
  // zlib refuses a limit above the largest Buffer.
  const opts = { maxOutputLength: Math.max(1, Math.min(maxBytes, MAX_BUFFER)) };
  let out = bytes;
  for (let i = codings.length - 1; i >= 0; i--) {
    const c = codings[i]!;
    try {
      if (c === 'gzip' || c === 'x-gzip') out = zlib.gunzipSync(out, opts);
      else if (c === 'br') out = zlib.brotliDecompressSync(out, opts);
      else if (c === 'deflate') {
        // RFC 9110 deflate is zlib-wrapped; some clients send it raw, and body-parser accepts both.
        try {
          out = zlib.inflateSync(out, opts);
        } catch (e) {
          if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw e;
          out = zlib.inflateRawSync(out, opts);
        }
      } else return { problem: 'unsupported-encoding' };
    } catch (e) {
      return (e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? { beyond: maxBytes } : { problem: 'invalid-encoding' };
    }
  }
  return { bytes: out };
}

/** `Application/JSON; charset=utf-8` → `application/json`; '' without a content type. */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * One parameter of a header value (`boundary`, `charset`, `name`, `filename`), read as busboy and
 * the multipart and content-type parsers read it: quoted strings may hold `;` and `\"`, so the value
 * is not cut at a `;` inside quotes (`filename="x;' OR 1=1--"` is one name, not `x`). An extended
 * parameter (`filename*=UTF-8''%27%20OR…`, RFC 8187) is percent-decoded.
 */
function param(header: string, name: string, escapes = true): string | undefined {
  const n = header.length;
  let i = header.indexOf(';');
  while (i !== -1 && i < n) {
    i++;
    while (i < n && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++;
    const eq = header.indexOf('=', i);
    const semi = header.indexOf(';', i);
    if (eq === -1) return undefined;
    if (semi !== -1 && semi < eq) {
      i = semi;
      continue;
    }
    const key = header.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (j < n && (header.charCodeAt(j) === 32 || header.charCodeAt(j) === 9)) j++;
    let value: string;
    if (header.charCodeAt(j) === 34) {
      value = '';
      let k = j + 1;
      for (; k < n; k++) {
        const c = header.charCodeAt(k);
        if (c === 34) break;
        if (escapes && c === 92 && k + 1 < n) k++;
        value += header[k];
      }
      i = header.indexOf(';', k);
    } else {
      const end = header.indexOf(';', j);
      value = header.slice(j, end === -1 ? n : end).trim();
      i = end;
    }
    if (key === name) {
      if (name.endsWith('*')) {
        const q = value.indexOf("'", value.indexOf("'") + 1);
        return percentDecode(q === -1 ? value : value.slice(q + 1));
      }
      return value;
    }
  }
  return undefined;
}

/**
 * The content type declares a charset other than UTF-8: the body's bytes, not its UTF-8 text, are
 * what a charset-honouring reader decodes (an adapter that holds bytes keeps them for this).
 */
export function declaresOtherCharset(contentType: string | undefined): boolean {
  if (contentType === undefined || !contentType.includes('=')) return false;
  const charset = param(contentType, 'charset');
  return charset !== undefined && !isUtf8Charset(charset);
}

/** Looks like a JSON document: first and last non-space characters are `{}` or `[]`. */
export function looksLikeJson(s: string): boolean {
  let i = 0;
  let j = s.length - 1;
  while (i <= j && (s.charCodeAt(i) <= 32 || s.charCodeAt(i) === 0xfeff)) i++;
  while (j >= i && s.charCodeAt(j) <= 32) j--;
  if (j - i < 1) return false;
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(j);
  return (a === 123 && b === 125) || (a === 91 && b === 93);
}

function tryJson(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    // A leading byte order mark: JSON.parse rejects it, body-parser (and so every Express app,
    // serverless-http included) strips it and parses the rest.
    return { ok: true, value: JSON.parse(s.charCodeAt(0) === 0xfeff ? s.slice(1) : s) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Media an HTTP body holds as bytes, not text an application parses (uploads of images, archives…). */
function binaryMedia(mt: string): boolean {
  return mt.startsWith('image/') || mt.startsWith('audio/') || mt.startsWith('video/') || mt.startsWith('font/') || mt === 'application/pdf' || mt === 'application/zip' || mt === 'application/gzip';
}

/** Shortest run of printable ASCII read from binary data: shorter ones are noise in any byte stream. */
const MIN_RUN = 8;

/**
 * How to read a decoded payload. Text (JSON, XML, plain text, a few stray bytes): as a whole, as the
 * handler reads it. Binary with text inside (protobuf or Avro string fields, text padded with junk
 * bytes): its runs of printable ASCII, each on its own. Binary without (compressed or encrypted data,
 * where bytes are as good as random and any detector would fire on noise now and then): not read
 * (undefined); only its base64 text was. Decided on the decoded characters, in one pass.
 */
export function payloadText(text: string): { text: string } | { runs: string[] } | undefined {
  let bad = 0;
  let ascii = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 32 && c < 127) ascii++;
    else if (c === 9 || c === 10 || c === 13) ascii++;
    else if (c < 32 || c === 127 || (c >= 0x80 && c < 0xa0) || c === 0xfffd) bad++;
  }
  // One odd byte (a NUL before a file extension) or a few in a long text are the text's own; JSON is
  // read as JSON whatever bytes its strings hold (JSON.parse keeps them, and so must we).
  if (bad <= 1 || bad * 32 <= text.length || (looksLikeJson(text) && tryJson(text).ok)) return { text };
  if (ascii * 10 < text.length * 6) return undefined;
  const runs: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if ((c >= 32 && c < 127) || c === 9) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      if (i - start >= MIN_RUN) runs.push(text.slice(start, i));
      start = -1;
    }
  }
  return { runs };
}

/**
 * Message bytes that are UTF-16 text: a producer on .NET or Windows writes `Encoding.Unicode`
 * (UTF-16LE) into an Event Hubs, Service Bus, Kinesis or Kafka message, a spreadsheet's "Unicode
 * text" export is uploaded as a blob, and the consumer decodes them as UTF-16. Read as UTF-8, their
 * text is interleaved with NULs, which payloadText judges binary: not read at all. Recognised by a
 * byte order mark (any text), or without one when the bytes have the shape of ASCII text in UTF-16
 * (of the first 128 code units, at least three in four a printable ASCII byte beside a zero byte,
 * at one parity) and decode to a JSON document. The JSON test matters: 16-bit samples that sit in
 * 32..126 (temperatures in °F) have that shape too, and read as text, one such series in fifteen
 * tripped a detector; none parses as JSON. So BOM-less UTF-16 that is not JSON (plain text a
 * consumer decodes by convention) is still not read. Only called for bytes already judged not to be
 * UTF-8 text (no cost on other payloads); two byte compares for most of them, else one pass over at
 * most 256 bytes, then one decode (and one JSON.parse when BOM-less).
 */
export function utf16Text(b: Uint8Array): string | undefined {
  if (b.length < 8) return undefined;
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    // FF FE 00 00 is UTF-32LE's mark, not UTF-16's.
    if (b[0] === 0xff && b[2] === 0 && b[3] === 0) return decodeCharset(b, 'utf-32');
    return decodeCharset(b, 'utf-16');
  }
  // BOM-less, only JSON is read: its first code unit opens it (or is white space), in either order.
  // Two byte compares end the probe for almost every binary payload.
  if (b.length % 2 !== 0 || !(b[1] === 0 ? jsonStart(b[0]!) : b[0] === 0 && jsonStart(b[1]!))) return undefined;
  const n = Math.min(b.length, 256);
  let le = 0;
  let be = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    const x = b[i]!;
    const y = b[i + 1]!;
    if (y === 0 && ((x >= 32 && x < 127) || x === 9 || x === 10 || x === 13)) le++;
    else if (x === 0 && ((y >= 32 && y < 127) || y === 9 || y === 10 || y === 13)) be++;
  }
  const units = n >> 1;
  const text = le * 4 >= units * 3 ? decodeCharset(b, 'utf-16le') : be * 4 >= units * 3 ? decodeCharset(b, 'utf-16be') : undefined;
  return text !== undefined && looksLikeJson(text) && tryJson(text).ok ? text : undefined;
}

/** `{`, `[`, or white space that may precede them. */
function jsonStart(c: number): boolean {
  return c === 123 || c === 91 || c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * A small multipart/form-data reader: field names, file names and text parts. Binary file content is
 * not inspected (it is not text an interpreter will run; sink checks cover what the code does with it).
 */
function parseMultipart(body: string, boundary: string): Record<string, unknown> | undefined {
  const delim = `--${boundary}`;
  const parts = body.split(delim);
  if (parts.length < 3) return undefined;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const files: unknown[] = [];
  for (let i = 1; i < parts.length - 1; i++) {
    let part = parts[i]!;
    if (part.startsWith('\r\n')) part = part.slice(2);
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd === -1) continue;
    const head = part.slice(0, headEnd);
    let content = part.slice(headEnd + 4);
    if (content.endsWith('\r\n')) content = content.slice(0, -2);
    let name: string | undefined;
    let filename: string | undefined;
    let extended: string | undefined;
    let rawFilename: string | undefined;
    let partType = '';
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const h = line.slice(0, colon).trim().toLowerCase();
      const v = line.slice(colon + 1);
      if (h === 'content-disposition') {
        name = param(v, 'name');
        filename = param(v, 'filename');
        // Undici's reader (`request.formData()` on Azure, Node's Response) and browsers take a
        // backslash in a quoted file name as itself, busboy as an escape: both names are read.
        if (filename !== undefined && v.includes('\\')) {
          const raw = param(v, 'filename', false);
          if (raw !== undefined && raw !== filename) rawFilename = raw;
        }
        // Busboy and most readers prefer the extended form when both are sent: both are inspected.
        extended = param(v, 'filename*');
        if (filename === undefined || filename === extended) [filename, extended] = [extended, undefined];
      } else if (h === 'content-type') partType = mediaType(v);
    }
    const key = name ?? `part${i}`;
    if (filename !== undefined) {
      const textual = partType === '' || partType.startsWith('text/') || partType.includes('json') || partType.includes('xml');
      const file: Record<string, string> = textual ? { filename, content } : { filename };
      if (extended !== undefined) file['filename*'] = extended;
      if (rawFilename !== undefined) file['filename#raw'] = rawFilename;
      files.push(file);
    } else {
      const prev = out[key];
      out[key] = prev === undefined ? content : Array.isArray(prev) ? [...(prev as unknown[]), content] : [prev, content];
    }
  }
  if (files.length > 0) out['(files)'] = files;
  return out;
}

/**
 * A message payload that is gzip without saying so: bytes that start with gzip's magic (1f 8b 08),
 * or base64 text that does (`H4sI`). CloudWatch Logs subscriptions deliver their batches to Kinesis
 * and Firehose that way, and producers compress large SQS, Pub/Sub or queue messages; the consumer
 * inflates them before reading. Only message triggers (`auto`): an HTTP body says its coding in
 * Content-Encoding, and an uploaded `.gz` file is not read by the application. Costs a prefix
 * compare on other payloads.
 */
function gzipPayload(raw: string | Uint8Array, base64: boolean): Buffer | undefined {
  if (typeof raw === 'string') {
    // A string record (an SQS body) is base64 by its content: the strict check decides.
    return raw.startsWith('H4sI') ? base64Bytes(raw) : undefined;
  }
  if (!base64 && raw.length > 18 && raw[0] === 0x1f && raw[1] === 0x8b && raw[2] === 8) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}

/**
 * A field's base64 of gzip (`H4sI…`, see gzipPayload), read as the handler reads it after inflating:
 * decodePayload's reading of the inflated bytes (JSON, text, binary by its text runs), `beyond` when
 * it inflates past `maxBytes`, undefined when it is not strict base64 of a gzip stream (then it is
 * read as any base64 is). One layer, as for a message.
 */
export function gzipField(s: string, maxBytes: number, maxStrings: number): { value: unknown } | { beyond: number } | undefined {
  const bytes = gzipPayload(s, true);
  if (bytes === undefined) return undefined;
  const r = inflate(bytes, 'gzip', maxBytes);
  if ('beyond' in r) return r;
  if (!('bytes' in r)) return undefined;
  return { value: decodePayload(r.bytes, 'auto', undefined, false, undefined, Infinity, maxStrings, false).value };
}

export function decodePayload(
  raw: unknown,
  decoding: Decoding,
  contentType: string | undefined,
  base64: boolean,
  contentEncoding?: string,
  maxBytes = Infinity,
  maxStrings = 20_000,
  /** False for a payload that is itself the output of inflating: one layer is undone, not a chain. */
  sniffGzip = true,
): DecodedBody {
  if (raw === undefined || raw === null) return { value: undefined };
  let text: string;
  let problem: BodyProblem | undefined;
  const coding = contentEncoding?.trim().toLowerCase();
  if (sniffGzip && decoding === 'auto' && (coding === undefined || coding === '') && (typeof raw === 'string' || raw instanceof Uint8Array)) {
    const gz = gzipPayload(raw, base64);
    if (gz !== undefined) {
      const r = inflate(gz, 'gzip', maxBytes);
      if ('bytes' in r) return decodePayload(r.bytes, decoding, contentType, false, undefined, Infinity, maxStrings, false);
      // Past the limit: a finding, as for a compressed body. Not gzip after all: read as it is.
      if ('beyond' in r) return { value: undefined, inflatesBeyond: r.beyond };
    }
  }
  if (coding !== undefined && coding !== '' && coding !== 'identity') {
    // Compressed: the bytes matter, so base64 is undone to bytes, not to text.
    let bytes: Buffer | undefined;
    if (raw instanceof Uint8Array) bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    else if (typeof raw === 'string') bytes = base64 ? (decodeBase64(raw) === undefined ? undefined : Buffer.from(raw, 'base64')) : Buffer.from(raw, 'utf8');
    if (bytes !== undefined) {
      const r = inflate(bytes, coding, maxBytes);
      if ('bytes' in r) return decodePayload(r.bytes, decoding, contentType, false, undefined, Infinity, maxStrings, false);
      if ('beyond' in r) return { value: undefined, inflatesBeyond: r.beyond };
      problem = r.problem;
    }
    // Not inflatable: read as the platform handed it over, and say so.
  }
  // Bytes a message trigger hands over (not an HTTP body, whose bytes are text by its content type).
  let bytes = false;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) {
    text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
    bytes = decoding !== 'body';
  } else return { value: raw };
  let binary: string | undefined;
  if (base64) {
    const d = decodeBase64(text);
    if (d === undefined) problem = 'invalid-base64';
    // Multipart bodies hold binary files by design (the multipart reader skips them); a body in a
    // declared non-UTF-8 charset (UTF-16…) is text in that charset, read below.
    // An HTTP body is text its content type tells the application to parse (JSON, a form, text,
    // XML, and JSON sent as octet-stream too): read whole, whatever bytes an attacker mixes in.
    // Only media that no parser reads as text are sorted like a message trigger's bytes.
    else if (decoding === 'body' && !binaryMedia(mediaType(contentType))) text = d;
    else binary = d;
  } else if (bytes) binary = text;
  if (binary !== undefined) {
    // Decoded or raw bytes may be binary data (protobuf, Avro, an image, compressed or encrypted
    // bytes), not text: read by its text runs, or not at all (payloadText). Read as text, one random
    // payload in thirty trips a detector.
    let read = payloadText(binary);
    if (read === undefined || 'runs' in read) {
      // Not UTF-8 text: perhaps UTF-16 text (utf16Text), read as its consumer decodes it.
      const raw16 = base64 ? base64Bytes(text) : raw instanceof Uint8Array ? raw : undefined;
      const t16 = raw16 === undefined ? undefined : utf16Text(raw16);
      if (t16 !== undefined) {
        const read16 = payloadText(t16);
        if (read16 !== undefined && 'text' in read16) read = read16;
      }
    }
    if (read === undefined || 'runs' in read) {
      const value = read === undefined ? undefined : read.runs;
      return problem ? { value, problem } : { value };
    }
    text = read.text;
  }
  if (decoding === 'none') return problem ? { value: text, problem } : { value: text };
  if (text.length === 0) return { value: text };

  const main = interpret(text, decoding, contentType, maxStrings);
  const out: DecodedBody = problem ?? main.problem ? { value: main.value, problem: problem ?? main.problem } : { value: main.value };
  if (main.alts !== undefined) out.alts = main.alts;
  if (main.textCovered === true) out.textCovered = true;
  // A declared charset other than UTF-8: also the text a charset-honouring body parser makes of the
  // same bytes (see charset.ts), when it differs. The bytes are what the handler's framework gets:
  // the raw bytes, the base64-decoded bytes, or a string body as UTF-8 (as serverless-http does).
  const charset = decoding === 'body' && contentType !== undefined ? param(contentType, 'charset') : undefined;
  if (charset !== undefined && !isUtf8Charset(charset) && problem !== 'invalid-base64') {
    const bytes = typeof raw === 'string' ? Buffer.from(raw, base64 ? 'base64' : 'utf8') : (raw as Uint8Array);
    const other = decodeCharset(bytes, charset);
    if (other !== text && other.length > 0) (out.alts ??= []).push({ segment: '#charset', value: interpret(other, decoding, contentType, maxStrings).value });
  }
  return out;
}

/** Line-delimited JSON media types (NDJSON, JSON Lines, RFC 7464 JSON text sequences). */
function lineJsonMedia(mt: string): boolean {
  return mt === 'application/x-ndjson' || mt === 'application/ndjson' || mt === 'application/jsonl' || mt === 'application/x-jsonlines' || mt === 'application/jsonlines' || mt === 'application/json-seq';
}

function yamlMedia(mt: string): boolean {
  return mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml' || mt === 'text/x-yaml' || mt.endsWith('+yaml');
}

/**
 * JSON that JSON.parse rejects: one document per line when every line parses (a bulk upload), or
 * else its string literals (a trailing comma, a comment, a truncated body: a lenient parser, JSON5 or
 * the handler's own repair still reads them). The text itself is inspected as a whole as well.
 */
function brokenJson(text: string, max: number, problem?: BodyProblem): DecodedBody {
  const docs = ndjsonDocuments(text, max);
  const out: DecodedBody =
    docs !== undefined ? { value: text, alts: [{ segment: '#lines', value: docs }], textCovered: true } : { value: text, alts: [{ segment: '#strings', value: jsonStringLiterals(text, max) }] };
  if (problem !== undefined) out.problem = problem;
  return out;
}

/**
 * A JSON document under a content type that says otherwise (a form, multipart, CSV, YAML) is also
 * read as JSON, at `#json`: API Gateway and Function URLs hand the body over whatever its type, and
 * a Lambda handler's `JSON.parse(event.body)` (or Azure's `request.json()`) never looks at the
 * header, while the form reading splits the document at `=` and `&` (`{"q":"1' OR '1'='1"}` became
 * key `{"q":"1' OR '1'` and value `1"}`, and the tautology was in neither). Costs a look at the
 * text's first and last characters when it is not JSON.
 */
function withJson(out: DecodedBody, text: string): DecodedBody {
  if (!looksLikeJson(text)) return out;
  const j = tryJson(text);
  if (j.ok) (out.alts ??= []).push({ segment: '#json', value: j.value });
  return out;
}

/** A body's text as its content type says the application reads it: JSON, form fields, multipart or text. */
function interpret(text: string, decoding: Decoding, contentType: string | undefined, max: number): DecodedBody {
  const mt = decoding === 'body' ? mediaType(contentType) : '';
  if (mt === 'application/json' || mt.endsWith('+json') || mt === 'text/json') {
    const j = tryJson(text);
    return j.ok ? { value: j.value } : withForm(brokenJson(text, max, 'invalid-json'), text, decoding);
  }
  if (mt === 'application/x-www-form-urlencoded') return withJson({ value: parseForm(text) }, text);
  if (mt === 'multipart/form-data' && contentType !== undefined) {
    const boundary = param(contentType, 'boundary');
    const parsed = boundary ? parseMultipart(text, boundary) : undefined;
    return parsed ? { value: parsed } : withJson({ value: text, problem: 'invalid-multipart' }, text);
  }
  // The text stays the value (a schema sees what the handler receives); the reading is walked too.
  if (lineJsonMedia(mt)) return brokenJson(text, max);
  if (mt === 'text/csv' || mt === 'application/csv' || mt === 'text/tab-separated-values') return withJson({ value: text, alts: [{ segment: '#csv', value: csvRows(text, max) }], textCovered: true }, text);
  if (yamlMedia(mt)) return withJson({ value: text, alts: [{ segment: '#yaml', value: yamlScalars(text, max) }], textCovered: true }, text);
  // Text, unknown or missing content type: JSON when it is JSON (clients often omit the header, and
  // the handler will JSON.parse it anyway), otherwise the text itself.
  if (looksLikeJson(text)) {
    const j = tryJson(text);
    if (j.ok) return { value: j.value };
    return brokenJson(text, max);
  }
  // JSON encoded twice (a producer that stringifies a document and sends it as JSON: `"{\"q\":…}"`):
  // the consumer's JSON.parse gives back the document's text, which the walk reads as JSON.
  // Read escaped, a value's `\"` hides its quotes from the detectors.
  if (quotedJsonString(text)) {
    const j = tryJson(text);
    if (j.ok) return { value: j.value };
  }
  if (decoding === 'auto') {
    const alts = messageReadings(text, max);
    if (alts !== undefined) return { value: text, alts };
  }
  return withForm({ value: text }, text, decoding);
}

/**
 * A form-encoded HTTP body under another content type (text/plain, none, octet-stream, or JSON that
 * does not parse) is also read as a form, at `#form`: a webhook handler's `new URLSearchParams(
 * event.body)` or `querystring.parse` reads it whatever the header says, and the caller chooses the
 * header. Whole, the text hid what a detector reads at a value's start (`user=admin'--&n=1`). Message
 * texts get the same reading from messageReadings. Costs a scan up to the first character a form
 * does not hold (a space, in prose).
 */
function withForm(out: DecodedBody, text: string, decoding: Decoding): DecodedBody {
  if (decoding !== 'body' || text.length > SNIFF_MAX_TEXT || !formShaped(text)) return out;
  (out.alts ??= []).push({ segment: '#form', value: parseForm(firstPairs(text, SNIFF_MAX_VALUES)) });
  return out;
}

/** Characters of an application/x-www-form-urlencoded text (what encoders leave unescaped, and `[]`). */
function formChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 37 || c === 43 || c === 61 || c === 38 || c === 45 || c === 95 || c === 46 || c === 126 || c === 42 || c === 39 || c === 40 || c === 41 || c === 91 || c === 93 || c === 44 || c === 59 || c === 58 || c === 47 || c === 64 || c === 36 || c === 33
  );
}

/** `k=v&…` with nothing a form encoder would have escaped (no space, no quote, no line break). */
function formShaped(s: string): boolean {
  const eq = s.indexOf('=');
  if (eq < 1) return false;
  for (let i = 0; i < s.length; i++) if (!formChar(s.charCodeAt(i))) return false;
  return true;
}

/**
 * CSV whose quoting matters: a doubled quote, or a quoted field in a text of several lines whose first
 * line has a delimiter; or unquoted CSV with a consistent shape (unquotedCsv).
 */
function csvShaped(s: string): boolean {
  const q = s.indexOf('"');
  if (q === -1) return unquotedCsv(s);
  if (s.includes('""', q)) return true;
  const nl = s.indexOf('\n');
  if (nl === -1) return false;
  let delimited = false;
  for (let i = 0; i < nl && !delimited; i++) delimited = fieldDelimiter(s.charCodeAt(i));
  if (!delimited) return false;
  // A quote that opens a field (at a line's start or after a delimiter), not one inside prose.
  for (let i = q; i !== -1; i = s.indexOf('"', i + 1)) if (i === 0 || fieldDelimiter(s.charCodeAt(i - 1)) || s.charCodeAt(i - 1) === 10) return true;
  return false;
}

/** Lines compared by unquotedCsv, and the characters it looks at. */
const CSV_PROBE_LINES = 5;
const CSV_PROBE_CHARS = 4096;

/**
 * Unquoted CSV or TSV with a header row (an export, a blob upload, a record set): a first line of
 * column names (csvHeader) split by the delimiter it holds most of, and each of the next lines (up to
 * CSV_PROBE_LINES in all, within CSV_PROBE_CHARS) holding as many of it. Its fields are in its text,
 * but a consumer hands each field on alone, and what a detector reads from a value's start
 * (`admin'--`, `javascript:…`, `` `id` ``) is only a value's start in the field: in the text it
 * follows a delimiter, and was missed. The header row is what keeps prose, code and log lines out:
 * read field by field, their pieces are values no one sends alone (a `…, OR 97201` address line gave
 * ` OR 97201`, a boolean-SQL finding); headerless data rows are still read as text only. Cost: at
 * most two passes over the first line and one over CSV_PROBE_CHARS characters, only for a message
 * text that is not JSON, a form or YAML.
 */
function unquotedCsv(s: string): boolean {
  const end = Math.min(s.length, CSV_PROBE_CHARS);
  let comma = 0;
  let semi = 0;
  let tab = 0;
  let pipe = 0;
  let i = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c === 44) comma++;
    else if (c === 59) semi++;
    else if (c === 9) tab++;
    else if (c === 124) pipe++;
  }
  if (i >= end) return false;
  // The delimiter csvRows picks for the same line: most frequent, ties to the earlier of , ; tab |.
  let delim = 44;
  let want = comma;
  if (semi > want) [delim, want] = [59, semi];
  if (tab > want) [delim, want] = [9, tab];
  if (pipe > want) [delim, want] = [124, pipe];
  if (want === 0 || !csvHeader(s, i, delim)) return false;
  let lines = 1;
  let count = 0;
  let content = false;
  for (; i < end && lines < CSV_PROBE_LINES; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (content) {
        if (count !== want) return false;
        lines++;
      }
      count = 0;
      content = false;
    } else {
      content = true;
      if (c === delim) count++;
    }
  }
  // The last line compared when the text (or the probe) ends in it: whole only at the text's end.
  if (content && i === s.length) {
    if (count !== want) return false;
    lines++;
  }
  return lines >= 2;
}

/**
 * `s[0, end)` split at `delim` is a row of column names: each 1 to 64 characters, a letter or `_`
 * first, then letters, digits, spaces, `_`, `-` and `.` (`order_id`, `Unit price`, `e-mail`), no
 * space at either end.
 */
function csvHeader(s: string, end: number, delim: number): boolean {
  let len = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : delim;
    if (c === delim) {
      if (len === 0 || len > 64 || s.charCodeAt(i - 1) === 32) return false;
      len = 0;
      continue;
    }
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (len === 0 ? !letter : !(letter || (c >= 48 && c <= 57) || c === 32 || c === 45 || c === 46)) return false;
    len++;
  }
  return true;
}

function fieldDelimiter(c: number): boolean {
  return c === 44 || c === 59 || c === 9 || c === 124;
}

/** Starts like a YAML mapping (`key: value`), a sequence (`- item`) or a document (`---`). */
function yamlShaped(s: string): boolean {
  if (s.startsWith('---') || s.startsWith('- ')) return true;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46)) break;
    i++;
  }
  return i > 0 && s.charCodeAt(i) === 58 && (s.charCodeAt(i + 1) === 32 || s.charCodeAt(i + 1) === 10 || s.charCodeAt(i + 1) === 13);
}

/** Largest message text given guessed readings (SQS, SNS and Service Bus messages are 256 KB). */
const SNIFF_MAX_TEXT = 1024 * 1024;
/** Most values in one guessed reading: a fraction of the default maxStrings (20,000). */
const SNIFF_MAX_VALUES = 4096;

/** The text up to its `n`-th `&`: a form's first `n` pairs. */
function firstPairs(s: string, n: number): string {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = s.indexOf('&', at + 1);
    if (at === -1) return s;
  }
  return s.slice(0, at);
}

/** Shortest text read as base64 when nothing says it is: shorter ones are ordinary words. */
const MIN_SNIFFED_BASE64 = 12;

/**
 * Readings of a message payload (a queue message, a stream record, a Pub/Sub message) that is not
 * JSON, when its shape says what the consumer will parse it as: nothing declares a message's format,
 * the consumer knows it. A form (`a=1&note=…`: API Gateway's SQS integration queues a webhook's form
 * body as it came), CSV with a doubled quote, YAML with quoted or block scalars, and text that is all
 * base64 and decodes to text (`#form`, `#csv`, `#yaml`, `#base64`). The text is walked whole as well:
 * these only add what its escapes hide. Cost: a scan that stops at the first character that rules a
 * shape out; only message payloads, never an HTTP body (whose content type says).
 */
function messageReadings(text: string, maxStrings: number): Array<{ segment: string; value: unknown }> | undefined {
  let alts: Array<{ segment: string; value: unknown }> | undefined;
  // Base64 text of any size: what the consumer decodes is read (a size cap would be the length an
  // attacker pads to). Both texts count against maxBytes. A message of base64 characters only
  // decodes in one pass; anything else fails on its first other character.
  if (text.length >= MIN_SNIFFED_BASE64 && text.length % 4 === 0) {
    const d = decodeBase64(text);
    if (d !== undefined) {
      const read = payloadText(d);
      if (read !== undefined && 'text' in read) (alts ??= []).push({ segment: '#base64', value: read.text });
    }
  }
  // A guess must not turn a large honest payload into a limits finding: the readings of a payload
  // past SNIFF_MAX_TEXT (a text blob) are not made, and each holds at most SNIFF_MAX_VALUES values.
  // What lies beyond is in the text, which is walked whole as before.
  if (text.length > SNIFF_MAX_TEXT) return alts;
  const max = Math.min(maxStrings, SNIFF_MAX_VALUES);
  if (formShaped(text)) (alts ??= []).unshift({ segment: '#form', value: parseForm(firstPairs(text, max)) });
  else if (yamlShaped(text)) {
    if (text.includes('"') || text.includes("'") || text.includes('|') || text.includes('>')) (alts ??= []).unshift({ segment: '#yaml', value: yamlScalars(text, max) });
  } else if (csvShaped(text)) (alts ??= []).unshift({ segment: '#csv', value: csvRows(text, max) });
  return alts;
}

/** First and last non-space characters are `"`, and the text is longer than `""`. */
function quotedJsonString(s: string): boolean {
  let i = 0;
  let j = s.length - 1;
  while (i <= j && s.charCodeAt(i) <= 32) i++;
  while (j >= i && s.charCodeAt(j) <= 32) j--;
  return j - i >= 2 && s.charCodeAt(i) === 34 && s.charCodeAt(j) === 34;
}
