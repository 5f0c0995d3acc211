/**
 * The Azure side of the warm bench, shared by bench/run.ts and bench/bare-clean.ts so that both time
 * the same handler on the same objects: a real InvocationContext of an HTTP trigger, the bare POST
 * handler (it reads the body, as a POST handler does), and a new real HttpRequest per invocation (its
 * body is a stream, read once). @azure/functions is required here, on first call, not at import.
 */
import type { HttpRequest as AzHttpRequest, InvocationContext as AzInvocationContext } from '@azure/functions';
import { freshCopies, type FreshPool } from './harness';
import { urlOf, type BenchRequest } from './payloads';

type Any = any;

export const AZURE_HOST = 'orders-app.azurewebsites.net';

export function azureHttp(): {
  httpContext: AzInvocationContext;
  bare: (req: AzHttpRequest, ctx: AzInvocationContext) => Promise<{ status: number; body: string }>;
  requestOf: (r: BenchRequest) => { next: () => AzHttpRequest; pool: FreshPool<unknown> };
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
  // The worker builds each HttpRequest from what the host sent over gRPC: new strings per invocation.
  // So the headers, URL and body of each request come from a pool of JSON.parse'd copies
  // (bench/harness.ts, freshCopies), not from one set of literals.
  const requestOf = (r: BenchRequest): { next: () => AzHttpRequest; pool: FreshPool<unknown> } => {
    const pool = freshCopies({ headers: { ...r.headers, host: AZURE_HOST }, url: urlOf(r, `https://${AZURE_HOST}/api`), body: r.body });
    const next = (): AzHttpRequest => {
      const c = pool.next();
      return new HttpRequest({ method: r.method, url: c.url, headers: c.headers, body: c.body === undefined ? undefined : { string: c.body } });
    };
    return { next, pool };
  };
  return { httpContext, bare, requestOf };
}
