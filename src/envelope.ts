/**
 * Push envelopes: the JSON another service POSTs to a function, with the payload inside it in base64.
 * A parsed body (or record) is read like any JSON, so the envelope's own fields are inspected anyway;
 * what this module adds is where the encoded payload sits, so the engine reads it decoded as well
 * (engine.ts, Walk.encoded), the way the handler will (`Buffer.from(message.data, 'base64')`).
 *
 * Recognized by shape alone, strictly, at the top of a document (and in a batch's items):
 * - Pub/Sub push (and Eventarc's MessagePublishedData): `{ message: { data }, subscription:
 *   "projects/…/subscriptions/…" }` → `message.data`; without the subscription when `data` has
 *   base64's shape (see pubsub).
 * - CloudEvents in JSON (structured mode, a batch, Azure Event Grid's CloudEvents schema): an object
 *   with `specversion` and `data_base64` → `data_base64`; with `data` holding a Pub/Sub message →
 *   `data.message.data`.
 * - SNS notifications (HTTP(S) subscriptions, SQS bodies): `Type`, `TopicArn` and `MessageAttributes`
 *   whose `Binary` values are base64 → `MessageAttributes.<name>.Value`. (`Message` is text, often
 *   JSON, which the walk already reads as a document.)
 * No provider knowledge beyond these public wire formats, no detection, no decoding here: only paths.
 */
import { base64Digits } from './decode';
import type { Segment } from './paths';

type Obj = Record<string, unknown>;

/** One base64 field of an envelope: where it is (segments below the source's path) and its text. */
export interface EncodedField {
  path: Segment[];
  value: string;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * Whether `s` is base64 as the envelope's decoder takes it (decode.ts base64Bytes, which Walk.encoded
 * reads it with: no protocol finding): the standard and URL-safe alphabets, padding optional but at
 * most two `=` and only at the end, line breaks anywhere, a length that is not 1 mod 4. Only padded
 * standard base64 (what Pub/Sub writes) was taken before, but the handler's
 * `Buffer.from(data, 'base64')` reads the rest alike: `{"message":{"data":"JChpZCk"}}` ($(id)
 * unpadded) passed unread where `JChpZCk=` was blocked. Text with a space or other punctuation (a
 * sentence, a JSON API's own `message.data`) is still not taken. The shape only, no decoding; one pass.
 */
function base64Shaped(s: string): boolean {
  return base64Digits(s) > 0;
}

/**
 * `{ message: { data } }` with Pub/Sub's `projects/…/subscriptions/…` subscription, whatever `data`
 * holds (a field that is not base64 there is a protocol finding: engine.ts, Walk.encoded); without
 * it, when `data` has base64's shape. Pub/Sub always names the subscription, but a push endpoint is a
 * function anyone allowed to invoke it may POST to, and its handler decodes `message.data` without
 * looking at `subscription`: a short payload (`JChpZCk=` is `$(id)`; the walk reads base64 text in a
 * member only from 16 characters) reached it unread. The shape test keeps a JSON API's own
 * `message.data` text (a word, a sentence) from being read as broken base64 and flagged.
 */
function pubsub(v: unknown): string | undefined {
  if (!isObj(v) || !isObj(v.message)) return undefined;
  const data = v.message.data;
  if (typeof data !== 'string' || data.length === 0) return undefined;
  const sub = v.subscription;
  if (typeof sub === 'string' && sub.startsWith('projects/') && sub.includes('/subscriptions/')) return data;
  return base64Shaped(data) ? data : undefined;
}

function cloudEvent(v: Obj, base: Segment[], out: EncodedField[]): void {
  if (typeof v.specversion !== 'string') return;
  if (typeof v.data_base64 === 'string' && v.data_base64.length > 0) out.push({ path: [...base, 'data_base64'], value: v.data_base64 });
  else {
    const data = pubsub(v.data);
    if (data !== undefined) out.push({ path: [...base, 'data', 'message', 'data'], value: data });
  }
}

function sns(v: Obj, out: EncodedField[]): void {
  if (typeof v.Type !== 'string' || typeof v.TopicArn !== 'string' || !v.TopicArn.startsWith('arn:') || !isObj(v.MessageAttributes)) return;
  // Every attribute: SNS itself sends at most 10, but an HTTP(S) endpoint reads whatever is POSTed
  // to it, and a cap here (64, once) let 64 padding attributes hide a short Binary one (`fGlk` is
  // `|id`, too short for the walk to try as base64) from its decoded reading, silently. The fields
  // found count against `max` (maxStrings), and the loop is bounded by the parsed document's size.
  for (const name in v.MessageAttributes) {
    if (!Object.prototype.hasOwnProperty.call(v.MessageAttributes, name)) continue;
    const a = v.MessageAttributes[name];
    if (isObj(a) && a.Type === 'Binary' && typeof a.Value === 'string' && a.Value.length > 0) {
      out.push({ path: ['MessageAttributes', name, 'Value'], value: a.Value });
    }
  }
}

/**
 * The base64 fields of `doc` when it is one of the envelopes above (or a batch of CloudEvents), at
 * most `max` of them; an empty list for anything else. Cost for other documents: a few property
 * reads (an array is only scanned when its first item is a CloudEvent).
 */
export function encodedFields(doc: unknown, max: number): EncodedField[] {
  const out: EncodedField[] = [];
  if (Array.isArray(doc)) {
    if (doc.length === 0 || !isObj(doc[0]) || typeof doc[0].specversion !== 'string') return out;
    for (let i = 0; i < doc.length && out.length < max; i++) {
      const item: unknown = doc[i];
      if (isObj(item)) cloudEvent(item, [i], out);
    }
    return out;
  }
  if (!isObj(doc)) return out;
  const data = pubsub(doc);
  if (data !== undefined) out.push({ path: ['message', 'data'], value: data });
  else if (typeof doc.specversion === 'string') cloudEvent(doc, [], out);
  else sns(doc, out);
  return out.length > max ? out.slice(0, max) : out;
}
