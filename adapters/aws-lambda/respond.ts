/**
 * Verdicts to Lambda-native answers: an HTTP response for API Gateway, Function URLs and ALB; a
 * `batchItemFailures` entry for SQS, Kinesis and DynamoDB records; a `ProcessingFailed` result record
 * for Firehose transformations; a thrown RequestBlockedError for triggers that have no response to
 * shape (or no per-record answer to rely on: Kafka, CloudWatch Logs).
 */
import type { Verdict } from '../../src/types';
import type { Decision } from '../../src/dow/index';
import { blockedBody, rateLimitedBody } from '../shared/runtime';
import type { HttpTrigger } from './normalize';

export interface LambdaHttpResult {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded?: boolean;
}

const REASON: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 413: 'Payload Too Large', 429: 'Too Many Requests', 503: 'Service Unavailable' };

export function httpBlockResponse(trigger: HttpTrigger, multiValue: boolean, verdict: Verdict, requestId: string | undefined): LambdaHttpResult {
  const body = blockedBody(verdict, requestId);
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (trigger === 'alb' || trigger === 'vpc-lattice') {
    // ALB requires statusDescription, and multiValueHeaders when the target group sends them; VPC
    // Lattice takes the same answer (statusDescription optional, single-value headers).
    const base = { statusCode: verdict.status, statusDescription: `${verdict.status} ${REASON[verdict.status] ?? 'Error'}`, body, isBase64Encoded: false };
    return multiValue
      ? { ...base, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) }
      : { ...base, headers };
  }
  return { statusCode: verdict.status, headers, body, isBase64Encoded: false };
}

/** 429 (a caller over its limit) or 503 (load shed to hold the budget), with Retry-After. */
export function rateLimitedResponse(trigger: HttpTrigger, multiValue: boolean, d: Decision, requestId: string | undefined): LambdaHttpResult {
  const status = d.status ?? 429;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'retry-after': String(Math.max(1, Math.ceil(d.retryAfterSeconds ?? 1))),
  };
  const body = rateLimitedBody(d, requestId);
  if (trigger === 'alb' || trigger === 'vpc-lattice') {
    const base = { statusCode: status, statusDescription: `${status} ${REASON[status] ?? 'Error'}`, body, isBase64Encoded: false };
    return multiValue ? { ...base, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) } : { ...base, headers };
  }
  return { statusCode: status, headers, body, isBase64Encoded: false };
}

export interface BatchItemFailure {
  itemIdentifier: string;
}

/**
 * Merges our failures with the ones the user's handler reported, keeping the handler's own result
 * fields. Identifiers are deduplicated; order follows the batch.
 */
export function mergeBatchResult(result: unknown, ours: BatchItemFailure[], order: readonly string[]): unknown {
  if (ours.length === 0) return result;
  const theirs: BatchItemFailure[] =
    result !== null && typeof result === 'object' && Array.isArray((result as { batchItemFailures?: unknown }).batchItemFailures)
      ? ((result as { batchItemFailures: BatchItemFailure[] }).batchItemFailures)
      : [];
  // The handler's entries are its own: one that is not `{ itemIdentifier }` (`null`, a bare string)
  // read `.itemIdentifier` of null here and threw a TypeError of ours out of the invocation. Such an
  // entry is kept as it is, after the merged ones: Lambda then sees the response the handler gave
  // (an invalid entry fails the whole batch, as it would without the wrapper).
  const invalid: unknown[] = [];
  const ids = new Set(ours.map((f) => f.itemIdentifier));
  for (const f of theirs as unknown[]) {
    const id = f !== null && typeof f === 'object' ? (f as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id === 'string') ids.add(id);
    else invalid.push(f);
  }
  const rank = new Map(order.map((id, i) => [id, i]));
  const merged: unknown[] = [...ids].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity)).map((itemIdentifier) => ({ itemIdentifier }));
  const base = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as object) : {};
  return { ...base, batchItemFailures: invalid.length === 0 ? merged : [...merged, ...invalid] };
}

/** One entry of a Firehose transformation's `records` answer. */
export interface FirehoseResultRecord {
  recordId: string;
  result: 'Ok' | 'Dropped' | 'ProcessingFailed';
  data?: string;
}

/**
 * A blocked Firehose record: `ProcessingFailed` with its original (base64) data, which Firehose
 * writes to the delivery stream's error output (`processing-failed/` in the S3 bucket) for review,
 * where `Dropped` would discard it without a trace.
 */
export function firehoseFailed(recordId: string, raw: unknown): FirehoseResultRecord {
  const data = raw !== null && typeof raw === 'object' ? (raw as { data?: unknown }).data : undefined;
  return typeof data === 'string' ? { recordId, result: 'ProcessingFailed', data } : { recordId, result: 'ProcessingFailed' };
}

/**
 * Merges our `ProcessingFailed` entries into the handler's `records` answer: the handler's entries
 * are kept as they are (same objects) except one for a record of ours; other result fields are kept;
 * entries follow the batch's order (ones with an unknown recordId last, in their order).
 */
export function mergeFirehoseResult(result: unknown, ours: readonly FirehoseResultRecord[], order: readonly string[]): unknown {
  if (ours.length === 0) return result;
  const base = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as { records?: unknown }) : {};
  const theirs: unknown[] = Array.isArray(base.records) ? base.records : [];
  const idOf = (r: unknown): unknown => (r !== null && typeof r === 'object' ? (r as { recordId?: unknown }).recordId : undefined);
  const mine = new Set(ours.map((r) => r.recordId));
  const rank = new Map(order.map((id, i) => [id, i]));
  const rankOf = (r: unknown): number => {
    const id = idOf(r);
    return (typeof id === 'string' ? rank.get(id) : undefined) ?? Infinity;
  };
  const kept = theirs.filter((r) => {
    const id = idOf(r);
    return !(typeof id === 'string' && mine.has(id));
  });
  // Array.prototype.sort is stable: equal ranks (unknown ids) keep their order.
  const merged = [...kept, ...ours].sort((a, b) => {
    const d = rankOf(a) - rankOf(b);
    return Number.isNaN(d) ? 0 : d;
  });
  return { ...base, records: merged };
}
