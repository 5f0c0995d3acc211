/**
 * Firestore document events to plain values, so findings read `data.value.fields.comment` and schemas
 * see the document as the application writes it. Two encodings arrive: JSON (`--event-data-content-type
 * =application/json`, Firestore's typed-value JSON) and protobuf (the default, `DocumentEventData` from
 * google/events/cloud/firestore/v1/data.proto), decoded here by a small bounded wire-format reader.
 */

import type { Segment } from '../../src/paths';

type Obj = Record<string, unknown>;

const MAX_DEPTH = 64;

/**
 * A short `bytes` value of a document: where it is (segments below `fields`) and its base64 text, the
 * form the plain fields keep it in (the JSON encoding's). Its consumer reads bytes (`bytesValue` is a
 * Buffer after decoding `DocumentEventData`; a JSON consumer decodes the base64), while the engine's
 * walk reads base64 in a member only from BASE64_TEXT_MIN (16) characters: a short payload
 * (`JChpZCk=`, `$(id)`) went unread. Longer ones are the walk's (its base64 and gzip readings), so only
 * these are listed, and normalize.ts reads them as bytes (bytesTree). Collected on a path stack that is
 * copied only for such a value: other fields cost a push and a pop.
 */
export interface BytesField {
  path: Segment[];
  value: string;
}

/** Base64 under this length is not read decoded by the engine's walk (its BASE64_TEXT_MIN). */
const WALK_BASE64_MIN = 16;

/** Where a decoder is in the fields (a stack of segments) and the bytes values found so far. */
interface Trail {
  at: Segment[];
  bytes: BytesField[];
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A Firestore JSON typed value (`{stringValue: "x"}`, `{mapValue: {fields}}`, …) to a plain value. */
export function fromTypedJson(v: unknown, depth = 0, trail?: Trail): unknown {
  if (!isObj(v) || depth > MAX_DEPTH) return v;
  // A typed value holds one member. With more (`{"stringValue":"x","integerValue":"<payload>"}`,
  // only a forged event), the first kind found below was read and the rest went uninspected, while
  // a handler reads the kind it expects: such a value is read as it came, every member. Cost: a
  // count to two of the keys of each field value.
  let n = 0;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && ++n > 1) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('integerValue' in v) return v.integerValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('booleanValue' in v) return v.booleanValue;
  if ('nullValue' in v) return null;
  if ('timestampValue' in v) return v.timestampValue;
  if ('referenceValue' in v) return v.referenceValue;
  if ('bytesValue' in v) {
    const b = v.bytesValue;
    if (trail !== undefined && typeof b === 'string' && b.length > 0 && b.length < WALK_BASE64_MIN) trail.bytes.push({ path: trail.at.slice(), value: b });
    return v.bytesValue;
  }
  if ('geoPointValue' in v) return v.geoPointValue;
  // An empty array or map is `{}` or one without `values` / `fields`; anything else that is not an
  // array or an object (a forged event) is read as it came, not as an empty value.
  if ('arrayValue' in v) {
    const a = isObj(v.arrayValue) ? v.arrayValue.values : undefined;
    if (Array.isArray(a)) {
      return a.map((x, i) => {
        trail?.at.push(i);
        const out = fromTypedJson(x, depth + 1, trail);
        trail?.at.pop();
        return out;
      });
    }
    return a === undefined && (v.arrayValue === undefined || v.arrayValue === null || isObj(v.arrayValue)) ? [] : v;
  }
  if ('mapValue' in v) {
    const f = isObj(v.mapValue) ? v.mapValue.fields : undefined;
    if (f === undefined ? !(v.mapValue === undefined || v.mapValue === null || isObj(v.mapValue)) : !isObj(f)) return v;
    return fieldsFromJson(f, depth + 1, trail);
  }
  return v;
}

export function fieldsFromJson(fields: unknown, depth = 0, trail?: Trail): Obj {
  const out: Obj = Object.create(null) as Obj;
  if (!isObj(fields)) return out;
  for (const [k, v] of Object.entries(fields)) {
    trail?.at.push(k);
    out[k] = fromTypedJson(v, depth, trail);
    trail?.at.pop();
  }
  return out;
}

/** A decoded document: its resource name and its fields as plain values. */
export interface PlainDocument {
  name: string | undefined;
  fields: Obj;
  /** The document's short `bytes` values (see BytesField); empty when it has none. */
  bytes: BytesField[];
}

export interface PlainDocumentEvent {
  value?: PlainDocument;
  oldValue?: PlainDocument;
}

export function documentEventFromJson(data: unknown): PlainDocumentEvent | undefined {
  if (!isObj(data)) return undefined;
  const doc = (d: unknown): PlainDocument | undefined => {
    if (!isObj(d)) return undefined;
    const trail: Trail = { at: [], bytes: [] };
    return { name: typeof d.name === 'string' ? d.name : undefined, fields: fieldsFromJson(d.fields, 0, trail), bytes: trail.bytes };
  };
  const out: PlainDocumentEvent = {};
  const value = doc(data.value);
  const oldValue = doc(data.oldValue);
  if (value) out.value = value;
  if (oldValue) out.oldValue = oldValue;
  return value || oldValue ? out : undefined;
}

/**
 * The short bytes values as one tree of their bytes, shaped like the fields (objects by name, arrays
 * by index; the other members left out), so that the engine reads each as it reads bytes in an event
 * (UTF-8 text, or its text runs) and names it by its own path (`data.value.fields.tags[1]`). One
 * source for all of them: a source each was ~20 µs apiece (the engine's per-source reading), which a
 * document of thousands of short bytes fields multiplied. Undefined without any. A key a forged
 * protobuf map repeats lists each of its values' bytes: a later one replaces an earlier one here, but
 * an earlier bytes value under a key whose last value is not bytes stays, read though the handler
 * never sees it (more read, never less).
 */
export function bytesTree(list: BytesField[]): Obj | undefined {
  if (list.length === 0) return undefined;
  const root: Obj = Object.create(null) as Obj;
  for (const { path, value } of list) {
    if (path.length === 0) continue;
    let at: Obj | unknown[] = root;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      const nextIsIndex = typeof path[i + 1] === 'number';
      const cur = (at as Record<string | number, unknown>)[seg];
      let next: Obj | unknown[];
      // A bytes leaf an earlier entry of a repeated key left here (a Buffer, which isObj takes for
      // an object) is replaced, as any other value is: a value hung on a Buffer is not walked.
      if (nextIsIndex ? Array.isArray(cur) : isObj(cur) && !(cur instanceof Uint8Array)) next = cur as Obj | unknown[];
      else {
        next = nextIsIndex ? [] : (Object.create(null) as Obj);
        (at as Record<string | number, unknown>)[seg] = next;
      }
      at = next;
    }
    (at as Record<string | number, unknown>)[path[path.length - 1]!] = Buffer.from(value, 'base64');
  }
  return root;
}

// ---- protobuf wire format ----

class Malformed extends Error {}

interface Field {
  no: number;
  wire: number;
  /** Varint value (as a number; precision loss above 2^53 does not matter for inspection). */
  num?: number;
  /** Length-delimited bytes, or the 8/4 raw bytes of fixed-width fields. */
  bytes?: Uint8Array;
}

function* fields(buf: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw new Malformed('truncated varint');
      const b = buf[i++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Malformed('varint too long');
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no === 0) throw new Malformed('field 0');
    if (wire === 0) yield { no, wire, num: varint() };
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (i + n > buf.length) throw new Malformed('truncated fixed');
      yield { no, wire, bytes: buf.subarray(i, i + n) };
      i += n;
    } else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new Malformed('truncated bytes');
      yield { no, wire, bytes: buf.subarray(i, i + len) };
      i += len;
    } else throw new Malformed(`wire type ${wire}`);
  }
}

const utf8 = (b: Uint8Array | undefined): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8') : '');

function timestamp(b: Uint8Array | undefined): string | undefined {
  if (!b) return undefined;
  let seconds = 0;
  for (const f of fields(b)) if (f.no === 1 && f.num !== undefined) seconds = f.num;
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function protoValue(buf: Uint8Array, depth: number, trail: Trail): unknown {
  if (depth > MAX_DEPTH) throw new Malformed('too deep');
  let out: unknown = null;
  for (const f of fields(buf)) {
    switch (f.no) {
      case 1: // boolean_value
        out = f.num === 1;
        break;
      case 2: // integer_value
        out = String(f.num ?? 0);
        break;
      case 3: // double_value
        out = f.bytes && f.bytes.length === 8 ? Buffer.from(f.bytes).readDoubleLE(0) : 0;
        break;
      case 5: // reference_value
      case 17: // string_value
        out = utf8(f.bytes);
        break;
      case 18: // bytes_value: binary, kept as base64 like the JSON encoding (and listed: BytesField)
        out = f.bytes ? Buffer.from(f.bytes).toString('base64') : '';
        if (out !== '' && (out as string).length < WALK_BASE64_MIN) trail.bytes.push({ path: trail.at.slice(), value: out as string });
        break;
      case 6: // map_value { map<string, Value> fields = 1 }
        out = f.bytes ? protoMap(f.bytes, 1, depth + 1, trail) : {};
        break;
      case 9: {
        // array_value { repeated Value values = 1 }
        const arr: unknown[] = [];
        if (f.bytes) {
          for (const e of fields(f.bytes)) {
            if (e.no !== 1 || !e.bytes) continue;
            trail.at.push(arr.length);
            arr.push(protoValue(e.bytes, depth + 1, trail));
            trail.at.pop();
          }
        }
        out = arr;
        break;
      }
      case 10: // timestamp_value
        out = timestamp(f.bytes);
        break;
      case 8: {
        // geo_point_value { double latitude = 1; double longitude = 2; }
        const p: Obj = {};
        if (f.bytes) for (const e of fields(f.bytes)) if (e.bytes?.length === 8) p[e.no === 1 ? 'latitude' : 'longitude'] = Buffer.from(e.bytes).readDoubleLE(0);
        out = p;
        break;
      }
      case 11: // null_value
        out = null;
        break;
      default:
        break;
    }
  }
  return out;
}

/** `map<string, Value>` entries (field `no` of the enclosing message) to an object. */
function protoMap(buf: Uint8Array, no: number, depth: number, trail: Trail): Obj {
  const out: Obj = Object.create(null) as Obj;
  for (const f of fields(buf)) {
    if (f.no !== no || !f.bytes) continue;
    // The value is decoded once the key is known (a writer may send it first): a bytes value's path
    // needs the key. One pass over the entry (a second generator per entry was ~1.5 µs of a typical
    // document). A repeated value: the last one is kept, as a protobuf reader does, and the earlier
    // ones are still decoded (a malformed one makes the event unreadable as a document, as before),
    // their bytes values not listed: the handler never sees them.
    let key = '';
    let last: Uint8Array | undefined;
    let earlier: Uint8Array[] | undefined;
    for (const e of fields(f.bytes)) {
      if (e.no === 1) key = utf8(e.bytes);
      else if (e.no === 2 && e.bytes) {
        if (last !== undefined) (earlier ??= []).push(last);
        last = e.bytes;
      }
    }
    if (earlier !== undefined) for (const b of earlier) protoValue(b, depth, { at: [], bytes: [] });
    trail.at.push(key);
    out[key] = last === undefined ? null : protoValue(last, depth, trail);
    trail.at.pop();
  }
  return out;
}

function protoDocument(buf: Uint8Array): PlainDocument {
  let name: string | undefined;
  for (const f of fields(buf)) if (f.no === 1) name = utf8(f.bytes);
  const trail: Trail = { at: [], bytes: [] };
  return { name, fields: protoMap(buf, 2, 0, trail), bytes: trail.bytes };
}

/** Decodes a protobuf `DocumentEventData`; undefined when the bytes are not one. */
export function documentEventFromProtobuf(buf: Uint8Array): PlainDocumentEvent | undefined {
  try {
    const out: PlainDocumentEvent = {};
    for (const f of fields(buf)) {
      if (f.no === 1 && f.bytes) out.value = protoDocument(f.bytes);
      else if (f.no === 2 && f.bytes) out.oldValue = protoDocument(f.bytes);
    }
    return out.value || out.oldValue ? out : undefined;
  } catch (err) {
    if (err instanceof Malformed) return undefined;
    throw err;
  }
}
