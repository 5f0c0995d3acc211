/**
 * The Azure side of the warm bench, shared by bench/run.ts and bench/bare-clean.ts so that both time
 * the same handler on the same objects: a real InvocationContext of an HTTP trigger, the bare POST
 * handler (it reads the body, as a POST handler does), and a new real HttpRequest per invocation (its
 * body is a stream, read once). @azure/functions is required here, on first call, not at import.
 */
import type { HttpRequest as AzHttpRequest, InvocationContext as AzInvocationContext } from '@azure/functions';
import { urlOf, type BenchRequest } from './payloads';

type Any = any;

export const AZURE_HOST = 'orders-app.azurewebsites.net';

export function azureHttp(): {
  httpContext: AzInvocationContext;
  bare: (req: AzHttpRequest, ctx: AzInvocationContext) => Promise<{ status: number; body: string }>;
  requestOf: (r: BenchRequest) => () => AzHttpRequest;
} {
  const { HttpRequest, InvocationContext } = require('@azure/functions') as typeof import('@azure/functions');
  const httpContext = new InvocationContext({
    invocationId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    functionName: 'createOrder',
    logHandler: () => undefined,
    options: { trigger: { type: 'httpTrigger', name: 'request', methods: ['GET', 'POST'], route: 'orders/{id?}', authLevel: 'anonymous' } as Any, extraInputs: [], extraOutputs: [] },
  });
  // Like any handler of a POST, the bare one reads the body: what protect() adds is its own read of a
  // clone and the inspection.
  const bare = async (req: AzHttpRequest, _ctx: AzInvocationContext) => {
    if (req.method === 'POST') await req.text();
    return { status: 200, body: 'ok' };
  };
  const requestOf = (r: BenchRequest): (() => AzHttpRequest) => {
    const headers = { ...r.headers, host: AZURE_HOST };
    const url = urlOf(r, `https://${AZURE_HOST}/api`);
    return () => new HttpRequest({ method: r.method, url, headers, body: r.body === undefined ? undefined : { string: r.body } });
  };
  return { httpContext, bare, requestOf };
}
