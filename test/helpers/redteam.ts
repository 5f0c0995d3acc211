/**
 * The red-team rounds' through-protect() check: a value as a query parameter (GET) and as a JSON body
 * field (POST), both API Gateway v2 events, through the real Lambda protect() at paranoia 1 with the
 * sink checks off (the input detectors alone decide). Returns the two status codes.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { protect } from '../../adapters/aws-lambda/index';
import * as ev from './lambda-events';

export function queryAndBodyEvents(value: string): APIGatewayProxyEventV2[] {
  return [
    ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET', query: { q: value } }),
    ev.apiGatewayV2({
      routeKey: 'POST /orders',
      path: '/orders',
      method: 'POST',
      body: JSON.stringify({ sku: 'A-1', note: value }),
      headers: { 'content-type': 'application/json' },
    }),
  ];
}

/** A paranoia-1, sinks-off handler answering 200, and a function giving one value's two status codes. */
export function redteamRunner(functionName: string): (value: string) => Promise<Array<number | undefined>> {
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, paranoia: 1, sinks: false });
  const context = ev.lambdaContext({ functionName });
  return async (value) => {
    const codes: Array<number | undefined> = [];
    for (const e of queryAndBodyEvents(value)) codes.push(((await handler(e, context)) as { statusCode?: number }).statusCode);
    return codes;
  };
}
