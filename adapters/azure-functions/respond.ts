/**
 * Verdicts to Azure-native answers: an `HttpResponseInit` for HTTP triggers (the same JSON body as on
 * Lambda); for every other trigger a thrown RequestBlockedError, which fails the invocation so the
 * platform's retry and poison-message handling keep the message.
 */
import type { HttpResponseInit } from '@azure/functions';
import type { Verdict } from '../../src/types';
import type { Decision } from '../../src/dow/index';
import { blockedBody, rateLimitedBody } from '../shared/runtime';

export function httpBlockResponse(verdict: Verdict, requestId: string | undefined): HttpResponseInit {
  return {
    status: verdict.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: blockedBody(verdict, requestId),
  };
}

/** 429 (a caller over its limit) or 503 (load shed to hold the budget), with Retry-After. */
export function rateLimitedResponse(d: Decision, requestId: string | undefined): HttpResponseInit {
  return {
    status: d.status ?? 429,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': String(Math.max(1, Math.ceil(d.retryAfterSeconds ?? 1))) },
    body: rateLimitedBody(d, requestId),
  };
}
