import t from 'tap';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect as protectLambda } from '../../adapters/aws-lambda/index';
import { protect as protectAzure } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import { createMemoryStore, type DowStore, type DowSyncBatch } from '../../src/dow/store';
import type { Pricing } from '../../src/dow/cost';
import * as ev from '../helpers/lambda-events';

// The cost model prices each invocation from the function's memory. Observed through the real
// protect() of each provider: the shared store receives the spend the guard accounted. With these
// prices every invocation is billed exactly one second (minimum 1,000 ms) at $1e-6 per GB-s, nothing
// per request, so one invocation's spend in nano-USD is memoryMb / 1024 × 1000, whatever its duration.
const PRICING: Partial<Pricing> = { perRequestUsd: 0, perGbSecondUsd: 1e-6, perVcpuSecondUsd: 0, perGhzSecondUsd: 0, granularityMs: 1000, minBilledMs: 1000, memoryStepMb: 1, frontDoorPerRequestUsd: 0 };

function capture(): { store: DowStore; batches: DowSyncBatch[] } {
  const mem = createMemoryStore();
  const batches: DowSyncBatch[] = [];
  return { batches, store: { timeoutMs: 50, sync: (b) => (batches.push(structuredClone(b)), mem.sync(b)) } };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Two invocations 600 ms apart (the flush interval is 500 ms): the first one's spend is recorded after
 * the first flush (which happens at its admission), so the second flush carries exactly that spend.
 */
async function billedMemoryMb(invoke: () => Promise<unknown>, batches: DowSyncBatch[]): Promise<number> {
  await invoke();
  await sleep(600);
  await invoke();
  const nano = batches.reduce((s, b) => s + b.seconds.reduce((x, sec) => x + sec.costNanoUsd, 0), 0);
  return Math.round((nano * 1024) / 1000);
}

const dow = (store: DowStore, extra: Record<string, unknown> = {}) => ({ denialOfWallet: { store, flushSeconds: 0.5, pricing: PRICING, ...extra } });

t.test('Lambda: the memory comes from context.memoryLimitInMB, unless memoryMb is set', async (t) => {
  const { store, batches } = capture();
  const h = protectLambda(async () => ({ statusCode: 200, body: 'ok' }), { log: false, ...dow(store) });
  const event = () => ev.apiGatewayV2({ sourceIp: '198.51.100.20' }) as never;
  t.equal(await billedMemoryMb(() => h(event(), ev.lambdaContext({ memoryLimitInMB: '2048' })), batches), 2048, 'priced at 2,048 MB');

  const second = capture();
  const fixed = protectLambda(async () => ({ statusCode: 200 }), { log: false, ...dow(second.store, { memoryMb: 512 }) });
  t.equal(await billedMemoryMb(() => fixed(event(), ev.lambdaContext({ memoryLimitInMB: '2048' })), second.batches), 512, 'the option wins');

  const third = capture();
  const batch = protectLambda(async () => ({ batchItemFailures: [] }), { log: false, ...dow(third.store) });
  const sqs = () => ev.sqs([{ body: JSON.stringify({ orderId: 42 }) }]) as never;
  t.equal(await billedMemoryMb(() => batch(sqs(), ev.lambdaContext({ memoryLimitInMB: '1024' })), third.batches), 1024, 'queue batches too');
});

t.test('Azure: the configured memoryMb, else the Consumption plan cap of 1,536 MB', async (t) => {
  const ctx = () =>
    new InvocationContext({
      invocationId: 'inv-1',
      functionName: 'orders',
      logHandler: () => undefined,
      options: { trigger: { type: 'httpTrigger', name: 'request', methods: ['GET'], authLevel: 'anonymous' } as never },
    });
  const req = () => new HttpRequest({ method: 'GET', url: 'https://example.azurewebsites.net/api/orders', headers: { 'x-forwarded-for': '198.51.100.21' } });
  const a = capture();
  const h = protectAzure(async () => ({ status: 200 }), { log: false, ...dow(a.store, { memoryMb: 768 }) });
  t.equal(await billedMemoryMb(() => h(req(), ctx()), a.batches), 768);
  const b = capture();
  const d = protectAzure(async () => ({ status: 200 }), { log: false, ...dow(b.store) });
  t.equal(await billedMemoryMb(() => d(req(), ctx()), b.batches), 1536);
});

t.test('GCP: the configured memoryMb, else 256 MB', async (t) => {
  const serveOnce = async (name: string, h: functions.HttpFunction): Promise<{ url: string; close: () => Promise<void> }> => {
    functions.http(name, h);
    const server = getTestServer(name);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/orders`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  };
  const a = capture();
  const s1 = await serveOnce('dow-memory-set', protectGcp((_req, res) => void res.send('ok'), { log: false, ...dow(a.store, { memoryMb: 1024 }) }));
  t.teardown(s1.close);
  t.equal(await billedMemoryMb(() => fetch(s1.url).then((r) => r.text()), a.batches), 1024);
  const b = capture();
  const s2 = await serveOnce('dow-memory-default', protectGcp((_req, res) => void res.send('ok'), { log: false, ...dow(b.store) }));
  t.teardown(s2.close);
  t.equal(await billedMemoryMb(() => fetch(s2.url).then((r) => r.text()), b.batches), 256);
});

// Queue and event triggers are counted for cost and anomaly detection on every provider (never
// throttled: they have no caller). Azure's and GCP's went uncounted until the guard was asked from
// their trigger paths too: these spends were 0.
t.test('Azure queue trigger and GCP CloudEvent: counted for cost, priced at the configured memory', async (t) => {
  const a = capture();
  const queue = protectAzure(async (_msg: unknown) => undefined, { log: false, ...dow(a.store, { memoryMb: 640 }) });
  const qctx = () =>
    new InvocationContext({
      invocationId: 'inv-q',
      functionName: 'orders-queue',
      logHandler: () => undefined,
      options: { trigger: { type: 'queueTrigger', name: 'item', queueName: 'orders' } as never },
      triggerMetadata: { id: 'm-1', dequeueCount: 1, insertionTime: '2026-05-01T10:00:00Z' },
    });
  t.equal(await billedMemoryMb(() => queue({ orderId: 42, note: 'ring twice' }, qctx()), a.batches), 640, 'Azure queue message');

  const g = capture();
  const ce = protectGcp(async (_e: functions.CloudEvent<unknown>) => undefined, { log: false, ...dow(g.store, { memoryMb: 384 }) }) as (e: unknown) => Promise<unknown>;
  const event = () => ({
    specversion: '1.0',
    id: 'e-1',
    source: '//pubsub.googleapis.com/projects/p/topics/orders',
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    datacontenttype: 'application/json',
    time: '2026-05-01T10:00:00Z',
    data: { message: { data: Buffer.from(JSON.stringify({ orderId: 42 })).toString('base64'), messageId: '1', publishTime: '2026-05-01T10:00:00Z' }, subscription: 'projects/p/subscriptions/s' },
  });
  t.equal(await billedMemoryMb(() => ce(event()), g.batches), 384, 'GCP Pub/Sub CloudEvent');
});

// A callback-style handler has finished when it calls back, not when it returns (it returns at once).
// The guard recorded the return, ~0 ms: a flood of slow callback-style events was billed as free.
// Priced per millisecond here (no minimum, no granularity), so the spend shows the duration: at
// $1e-6 per GB-s, 256 MB for 300 ms is 75 nano-USD.
t.test('GCP callback-style events: the duration runs until the callback, not the return', async (t) => {
  const PER_MS: Partial<Pricing> = { ...PRICING, granularityMs: 1, minBilledMs: 1 };
  const spendOf = async (wrapped: (...a: unknown[]) => unknown, args: () => unknown[], batches: DowSyncBatch[]): Promise<number> => {
    const run = () => new Promise<void>((resolve) => void wrapped(...args(), () => resolve()));
    await run();
    await sleep(600);
    await run();
    return batches.reduce((s, b) => s + b.seconds.reduce((x, sec) => x + sec.costNanoUsd, 0), 0);
  };
  const pubsub = () => ({
    specversion: '1.0',
    id: `e-${Math.random()}`,
    source: '//pubsub.googleapis.com/projects/p/topics/orders',
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    datacontenttype: 'application/json',
    data: { message: { data: Buffer.from('{"orderId":42}').toString('base64'), messageId: '1' }, subscription: 'projects/p/subscriptions/s' },
  });
  let first = true;
  // Only the first invocation is slow; the second one triggers the flush that carries the first's spend.
  const slow = (cb: (err: unknown) => void): void => {
    const ms = first ? 300 : 0;
    first = false;
    setTimeout(() => cb(null), ms);
  };

  const g = capture();
  const ce = protectGcp(((_e: unknown, cb: (err: unknown) => void) => slow(cb)) as never, { log: false, ...dow(g.store, { memoryMb: 256, pricing: PER_MS }) }) as unknown as (...a: unknown[]) => unknown;
  const nano = await spendOf(ce, () => [pubsub()], g.batches);
  t.ok(nano >= 70 && nano < 200, `CloudEvent (ce, callback): ${nano.toFixed(1)} nano-USD for a 300 ms callback (≈ 75; was ≈ 0)`);

  first = true;
  const b = capture();
  const bg = protectGcp(((_d: unknown, _c: unknown, cb: (err: unknown) => void) => slow(cb)) as never, { log: false, ...dow(b.store, { memoryMb: 256, pricing: PER_MS }) }) as unknown as (...a: unknown[]) => unknown;
  const ctx = () => ({ eventId: `b-${Math.random()}`, eventType: 'google.pubsub.topic.publish', resource: { name: 'projects/p/topics/orders' } });
  const nanoBg = await spendOf(bg, () => [{ data: Buffer.from('{"orderId":42}').toString('base64') }, ctx()], b.batches);
  t.ok(nanoBg >= 70 && nanoBg < 200, `background (data, context, callback): ${nanoBg.toFixed(1)} nano-USD (≈ 75; was ≈ 0)`);

  // A handler that returns a promise is still timed to its settlement, the callback untouched.
  const p = capture();
  let seen: unknown;
  const cbGiven = (): void => undefined;
  const asyncCe = protectGcp((async (_e: unknown) => { await sleep(300); }) as never, { log: false, ...dow(p.store, { memoryMb: 256, pricing: PER_MS }) }) as unknown as (...a: unknown[]) => Promise<unknown>;
  const recordArgs = protectGcp((function (this: unknown, ...a: unknown[]) { seen = a[1]; }) as never, { log: false }) as unknown as (...a: unknown[]) => unknown;
  await recordArgs(pubsub(), cbGiven);
  t.equal(seen, cbGiven, 'a one-parameter handler: the framework passes no callback to it, and a given one is passed as is');
  await asyncCe(pubsub());
  await sleep(600);
  await asyncCe(pubsub());
  const nanoAsync = p.batches.reduce((s, x) => s + x.seconds.reduce((y, sec) => y + sec.costNanoUsd, 0), 0);
  t.ok(nanoAsync >= 70 && nanoAsync < 400, `async CloudEvent: ${nanoAsync.toFixed(1)} nano-USD (two invocations of 300 ms, the first flushed)`);
});

// A callback-style handler that never calls back runs, and is billed, until the platform's timeout:
// recorded then (FUNCTION_TIMEOUT_SEC where set, else 60 s), not never.
t.test('GCP callback-style event that never calls back: recorded at the function timeout', async (t) => {
  const saved = process.env.FUNCTION_TIMEOUT_SEC;
  process.env.FUNCTION_TIMEOUT_SEC = '0.3';
  t.teardown(() => {
    if (saved === undefined) delete process.env.FUNCTION_TIMEOUT_SEC;
    else process.env.FUNCTION_TIMEOUT_SEC = saved;
  });
  const PER_MS: Partial<Pricing> = { ...PRICING, granularityMs: 1, minBilledMs: 1 };
  const g = capture();
  let calls = 0;
  const ce = protectGcp(((_e: unknown, cb: (err: unknown) => void) => {
    // The first invocation never calls back; the second does at once (its admission flushes the first).
    if (calls++ > 0) cb(null);
  }) as never, { log: false, ...dow(g.store, { memoryMb: 256, pricing: PER_MS }) }) as unknown as (...a: unknown[]) => unknown;
  const pubsub = () => ({ specversion: '1.0', id: `n-${Math.random()}`, source: '//pubsub.googleapis.com/projects/p/topics/t', type: 'google.cloud.pubsub.topic.v1.messagePublished', data: { message: { data: 'e30=' } } });
  await ce(pubsub(), () => undefined);
  await sleep(900);
  await new Promise<void>((resolve) => void ce(pubsub(), () => resolve()));
  const nano = g.batches.reduce((s, b) => s + b.seconds.reduce((x, sec) => x + sec.costNanoUsd, 0), 0);
  t.ok(nano >= 70 && nano < 120, `${nano.toFixed(1)} nano-USD: 300 ms at 256 MB (≈ 75; was never recorded)`);
});
