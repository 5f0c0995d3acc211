/** A minimal protobuf writer for test documents (Firestore's DocumentEventData, google/events/cloud/firestore/v1/data.proto). */

export const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
/** A length-delimited field `no` holding `bytes`. */
export const len = (no: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from(varint(no * 8 + 2)), Buffer.from(varint(bytes.length)), bytes]);
/** A string field. */
export const pstr = (no: number, s: string): Buffer => len(no, Buffer.from(s, 'utf8'));
/** A varint field. */
export const pint = (no: number, n: number): Buffer => Buffer.from([...varint(no * 8), ...varint(n)]);
/** A map entry: key (field 1), then value (field 2). */
export const entry = (key: string, value: Buffer): Buffer => Buffer.concat([pstr(1, key), len(2, value)]);
