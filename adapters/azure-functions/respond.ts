/**
 * Verdicts to Azure-native answers: an `HttpResponseInit` for HTTP triggers (the same JSON body as on
 * Lambda); for every other trigger a thrown RequestBlockedError, which fails the invocation so the
 * platform's retry and poison-message handling keep the message.
 */
import type { HttpResponseInit } from '@azure/functions';
import type { Verdict } from '../../src/types';
import { blockedBody } from '../shared/runtime';

export function httpBlockResponse(verdict: Verdict, requestId: string | undefined): HttpResponseInit {
  return {
    status: verdict.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: blockedBody(verdict, requestId),
  };
}
