/**
 * Verdicts to functions-framework answers: a blocked HTTP request gets the same status and JSON body
 * as on Lambda; a blocked CloudEvent is acknowledged and dropped (a normal return, so the framework
 * answers 204 and Pub/Sub or Eventarc do not redeliver it forever).
 */
import type { Verdict } from '../../src/types';
import type { Decision } from '../../src/dow/index';
import { blockedBody, rateLimitedBody } from '../shared/runtime';
import type { ResponseLike } from './normalize';

export function sendBlocked(res: ResponseLike, verdict: Verdict, requestId: string | undefined): void {
  if (res.headersSent === true) return;
  res.status(verdict.status).set({ 'content-type': 'application/json', 'cache-control': 'no-store' }).send(blockedBody(verdict, requestId));
}

/** 429 (a caller over its limit) or 503 (load shed to hold the budget), with Retry-After. */
export function sendRateLimited(res: ResponseLike, d: Decision, requestId: string | undefined): void {
  if (res.headersSent === true) return;
  res
    .status(d.status ?? 429)
    .set({ 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': String(Math.max(1, Math.ceil(d.retryAfterSeconds ?? 1))) })
    .send(rateLimitedBody(d, requestId));
}
