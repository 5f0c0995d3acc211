/**
 * The Azure HTTP invocation's warm path does no work it need not: checks that count work, not time
 * (no timings here: the machine is shared).
 */
import t from 'tap';
import { promiseHooks } from 'node:v8';
import { HttpRequest } from '@azure/functions';
import { protect } from '../../adapters/azure-functions/index';
import { prepareHttp } from '../../adapters/azure-functions/normalize';
import { invocationContext as context } from '../helpers/azure-events';

type Any = any;

const HTTP_TRIGGER = { type: 'httpTrigger', name: 'request', methods: ['GET', 'POST'], authLevel: 'anonymous', route: 'orders/{id:int?}' };
const BODY = JSON.stringify({ customer: { name: "Jane O'Neil" }, items: [{ sku: 'SKU-1000', qty: 2 }], note: 'Leave it at the door, please.' });

function post(headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'https://orders-app.azurewebsites.net/api/orders?page=2&sort=price',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/5.0', Accept: 'application/json', 'X-Request-Note': 'hello', ...headers },
    body: { string: BODY },
  });
}

/** Promises created while `fn` runs, up to the moment `stop` is called (or fn's end). */
async function countPromises(fn: (stop: () => void) => Promise<unknown>): Promise<number> {
  let n = 0;
  let counting = true;
  const off = promiseHooks.onInit(() => {
    if (counting) n++;
  });
  try {
    await fn(() => {
      counting = false;
    });
  } finally {
    off();
  }
  return n;
}

t.test('a body read that waits goes straight on into the inspection: no promise beyond the read itself', async (t) => {
  const ctx = context(HTTP_TRIGGER) as Any;
  let stop: () => void = () => undefined;
  // Not async: an async handler's own promise is made before its first line runs.
  const handler = protect(
    (req: HttpRequest) => {
      stop();
      return req.json().then((jsonBody) => ({ status: 200, jsonBody }));
    },
    { log: false },
  );
  // Warm, so that nothing of a first call (lazy loading, caches) is counted.
  for (let i = 0; i < 3; i++) t.equal(((await handler(post(), ctx)) as Any).status, 200);
  // The least a read of the body can make: an async loop of reader.read() to the end (the stream's
  // own pull and read promises, the loop's awaits).
  const readAll = async (req: HttpRequest): Promise<void> => {
    const reader = (req.body as ReadableStream).getReader();
    for (;;) if ((await reader.read()).done) break;
  };
  const floor = await countPromises(async (s) => {
    await readAll(post());
    s();
  });
  // protect(), from its call to the handler's first line: the read, then the inspection and the
  // guard, which call the handler synchronously once the body is there.
  const made = await countPromises(async (s) => {
    stop = s;
    await handler(post(), ctx);
  });
  t.ok(floor > 0, `the read alone makes ${floor} promises`);
  t.equal(made, floor, `protect() makes ${made} promises before the handler runs, the read alone ${floor}`);
});

t.test("an HttpRequest's header names are not lower-cased again (the platform's Headers hands them over lower-case)", async (t) => {
  const ctx = context(HTTP_TRIGGER) as Any;
  const req = post({ 'X-Forwarded-For': '203.0.113.7', Cookie: 'sid=abc' });
  const lower = String.prototype.toLowerCase;
  const seen: string[] = [];
  String.prototype.toLowerCase = function (this: string) {
    seen.push(String(this));
    return lower.call(this);
  };
  let p;
  try {
    p = prepareHttp(req, ctx);
  } finally {
    String.prototype.toLowerCase = lower;
  }
  await p.body;
  const names = ['accept', 'content-type', 'cookie', 'user-agent', 'x-forwarded-for', 'x-request-note'];
  t.same(
    seen.filter((s) => names.includes(s)),
    [],
    'no header name lower-cased',
  );
  const headers = (p.request.sources.find((s) => s.path === 'headers')!.value ?? {}) as Record<string, unknown>;
  t.same(Object.keys(headers).sort(), ['accept', 'content-type', 'user-agent', 'x-forwarded-for', 'x-request-note'], 'the names, lower-case');
  t.same((p.request.sources.find((s) => s.path === 'cookies')!.value as Record<string, unknown>).sid, 'abc', 'the cookie header read as cookies');
  t.equal(p.request.ip, '203.0.113.7');
});

t.test('a stand-in whose forEach gives names as they were set still has them lower-cased', async (t) => {
  const ctx = context(HTTP_TRIGGER) as Any;
  const entries: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['X-Forwarded-For', '203.0.113.9'],
    ['Cookie', 'sid=def'],
  ];
  const stand = {
    method: 'POST',
    url: 'https://orders-app.azurewebsites.net/api/orders',
    headers: { get: (n: string) => entries.find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1] ?? null, forEach: (cb: (v: string, k: string) => void) => entries.forEach(([k, v]) => cb(v, k)) },
    body: null,
    clone() {
      return this as Any;
    },
  };
  const p = prepareHttp(stand as Any, ctx);
  const headers = p.request.sources.find((s) => s.path === 'headers')!.value as Record<string, unknown>;
  t.same(Object.keys(headers).sort(), ['content-type', 'x-forwarded-for']);
  t.equal(p.request.ip, '203.0.113.9');
  t.same((p.request.sources.find((s) => s.path === 'cookies')!.value as Record<string, unknown>).sid, 'def');
});
