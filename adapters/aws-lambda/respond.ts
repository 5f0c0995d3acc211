/**
 * Verdicts to Lambda-native answers: an HTTP response for API Gateway, Function URLs and ALB; a
 * `batchItemFailures` entry for SQS, Kinesis and DynamoDB records; a thrown RequestBlockedError for
 * triggers that have no response to shape.
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

const REASON: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 429: 'Too Many Requests', 503: 'Service Unavailable' };

export function httpBlockResponse(trigger: HttpTrigger, multiValue: boolean, verdict: Verdict, requestId: string | undefined): LambdaHttpResult {
  const body = blockedBody(verdict, requestId);
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (trigger === 'alb') {
    // ALB requires statusDescription, and multiValueHeaders when the target group sends them.
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
  if (trigger === 'alb') {
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
  const ids = new Set([...ours, ...theirs].map((f) => f.itemIdentifier));
  const rank = new Map(order.map((id, i) => [id, i]));
  const merged = [...ids].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity)).map((itemIdentifier) => ({ itemIdentifier }));
  const base = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as object) : {};
  return { ...base, batchItemFailures: merged };
}
