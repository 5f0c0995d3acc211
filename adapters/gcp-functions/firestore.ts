/**
 * Firestore document events to plain values, so findings read `data.value.fields.comment` and schemas
 * see the document as the application writes it. Two encodings arrive: JSON (`--event-data-content-type
 * =application/json`, Firestore's typed-value JSON) and protobuf (the default, `DocumentEventData` from
 * google/events/cloud/firestore/v1/data.proto), decoded here by a small bounded wire-format reader.
 */

type Obj = Record<string, unknown>;

const MAX_DEPTH = 64;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A Firestore JSON typed value (`{stringValue: "x"}`, `{mapValue: {fields}}`, …) to a plain value. */
export function fromTypedJson(v: unknown, depth = 0): unknown {
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
  if ('bytesValue' in v) return v.bytesValue;
  if ('geoPointValue' in v) return v.geoPointValue;
  // An empty array or map is `{}` or one without `values` / `fields`; anything else that is not an
  // array or an object (a forged event) is read as it came, not as an empty value.
  if ('arrayValue' in v) {
    const a = isObj(v.arrayValue) ? v.arrayValue.values : undefined;
    if (Array.isArray(a)) return a.map((x) => fromTypedJson(x, depth + 1));
    return a === undefined && (v.arrayValue === undefined || v.arrayValue === null || isObj(v.arrayValue)) ? [] : v;
  }
  if ('mapValue' in v) {
    const f = isObj(v.mapValue) ? v.mapValue.fields : undefined;
    if (f === undefined ? !(v.mapValue === undefined || v.mapValue === null || isObj(v.mapValue)) : !isObj(f)) return v;
    return fieldsFromJson(f, depth + 1);
  }
  return v;
}

export function fieldsFromJson(fields: unknown, depth = 0): Obj {
  const out: Obj = Object.create(null) as Obj;
  if (!isObj(fields)) return out;
  for (const [k, v] of Object.entries(fields)) out[k] = fromTypedJson(v, depth);
  return out;
}

/** A decoded document: its resource name and its fields as plain values. */
export interface PlainDocument {
  name: string | undefined;
  fields: Obj;
}

export interface PlainDocumentEvent {
  value?: PlainDocument;
  oldValue?: PlainDocument;
}

export function documentEventFromJson(data: unknown): PlainDocumentEvent | undefined {
  if (!isObj(data)) return undefined;
  const doc = (d: unknown): PlainDocument | undefined =>
    isObj(d) ? { name: typeof d.name === 'string' ? d.name : undefined, fields: fieldsFromJson(d.fields) } : undefined;
  const out: PlainDocumentEvent = {};
  const value = doc(data.value);
  const oldValue = doc(data.oldValue);
  if (value) out.value = value;
  if (oldValue) out.oldValue = oldValue;
  return value || oldValue ? out : undefined;
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

function protoValue(buf: Uint8Array, depth: number): unknown {
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
      case 18: // bytes_value: binary, kept as base64 like the JSON encoding
        out = f.bytes ? Buffer.from(f.bytes).toString('base64') : '';
        break;
      case 6: // map_value { map<string, Value> fields = 1 }
        out = f.bytes ? protoMap(f.bytes, 1, depth + 1) : {};
        break;
      case 9: {
        // array_value { repeated Value values = 1 }
        const arr: unknown[] = [];
        if (f.bytes) for (const e of fields(f.bytes)) if (e.no === 1 && e.bytes) arr.push(protoValue(e.bytes, depth + 1));
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
function protoMap(buf: Uint8Array, no: number, depth: number): Obj {
  const out: Obj = Object.create(null) as Obj;
  for (const f of fields(buf)) {
    if (f.no !== no || !f.bytes) continue;
    let key = '';
    let value: unknown = null;
    for (const e of fields(f.bytes)) {
      if (e.no === 1) key = utf8(e.bytes);
      else if (e.no === 2 && e.bytes) value = protoValue(e.bytes, depth);
    }
    out[key] = value;
  }
  return out;
}

function protoDocument(buf: Uint8Array): PlainDocument {
  let name: string | undefined;
  for (const f of fields(buf)) if (f.no === 1) name = utf8(f.bytes);
  return { name, fields: protoMap(buf, 2, 0) };
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
