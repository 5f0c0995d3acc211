/**
 * Every path through the Lambda wrapper ends the invocation (rt.end: the metrics line is written)
 * before the promise the runtime awaits settles, and settles as the handler's own promise would: the
 * common path is one promise (the guard's continuation), not an async function, so each branch ends
 * the invocation itself.
 */
import t from 'tap';
import type { Callback, Context } from 'aws-lambda';
import { protect, RequestBlockedError } from '../../../adapters/aws-lambda/index';
import { apiGatewayV2, lambdaContext, sqs } from '../../helpers/lambda-events';

type Any = any;

function setup(handler: (event: Any, context: Context, callback: Callback) => unknown, extra: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const wrapped = protect(handler as Any, { log: false, metrics: { emf: true, write: (l: string) => lines.push(l), otel: false }, ...extra } as Any);
  /** Totals lines written so far: one per ended invocation. */
  const ended = () => lines.filter((l) => l.includes('"Invocations"')).length;
  return { wrapped, ended };
}

const ctx = () => lambdaContext({ functionName: 'orders' });

t.test('allowed, async and callback-style: the value, and the invocation ended', async (t) => {
  const a = setup(async (e: Any) => ({ statusCode: 200, body: e.rawPath }));
  t.same(await a.wrapped(apiGatewayV2({ path: '/orders' }), ctx()), { statusCode: 200, body: '/orders' });
  t.equal(a.ended(), 1);
  t.same(await a.wrapped(apiGatewayV2({ path: '/orders/2' }), ctx()), { statusCode: 200, body: '/orders/2' });
  t.equal(a.ended(), 2);
  const c = setup((_e: Any, _c: Context, cb: Callback) => setImmediate(() => cb(null, { statusCode: 201 })));
  t.same(await c.wrapped(apiGatewayV2(), ctx()), { statusCode: 201 });
  t.equal(c.ended(), 1);
});

t.test("the handler's errors reach the caller unchanged, after the invocation ended", async (t) => {
  const boom = new Error('boom');
  const sync = setup(() => {
    throw boom;
  });
  const p = sync.wrapped(apiGatewayV2(), ctx());
  t.ok(p instanceof Promise, 'a synchronous throw is a rejected promise, not a throw');
  await t.rejects(p, boom);
  t.equal(sync.ended(), 1);
  const rejects = setup(async () => {
    throw boom;
  });
  await t.rejects(rejects.wrapped(apiGatewayV2(), ctx()), boom);
  t.equal(rejects.ended(), 1);
  const cb = setup((_e: Any, _c: Context, callback: Callback) => callback(boom));
  await t.rejects(cb.wrapped(apiGatewayV2(), ctx()), boom);
  t.equal(cb.ended(), 1);
});

t.test('blocked before the handler: by the engine, by a rate limit; an event trigger throws', async (t) => {
  let calls = 0;
  const s = setup(
    async () => {
      calls++;
      return { statusCode: 200 };
    },
    { denialOfWallet: { perCaller: { limit: 1, windowSeconds: 60 } } },
  );
  const blocked = (await s.wrapped(apiGatewayV2({ query: { q: "1' OR '1'='1" } }), ctx())) as Any;
  t.equal(blocked.statusCode, 403);
  t.equal(s.ended(), 1);
  const limited = (await s.wrapped(apiGatewayV2(), ctx())) as Any;
  t.equal(limited.statusCode, 429);
  t.equal(s.ended(), 2);
  t.equal(calls, 0, 'the handler ran for neither');
  const ev = setup(async () => 'ran');
  await t.rejects(ev.wrapped({ anything: "'; DROP TABLE users; --", cmd: '$(curl http://169.254.169.254/)' }, ctx()), RequestBlockedError);
  t.equal(ev.ended(), 1);
  t.equal(await ev.wrapped({ hello: 'world' }, ctx()), 'ran');
  t.equal(ev.ended(), 2);
});

t.test('a batch: its records answered, the invocation ended once it settled', async (t) => {
  const s = setup(async () => ({ batchItemFailures: [] }));
  const out = (await s.wrapped(sqs([{ body: '{"a":1}' }, { body: "x'; DROP TABLE users; --" }]), ctx())) as Any;
  t.equal(out.batchItemFailures.length, 1);
  t.equal(s.ended(), 1);
  const boom = new Error('batch boom');
  const f = setup(async () => {
    throw boom;
  });
  await t.rejects(f.wrapped(sqs([{ body: '{"a":1}' }]), ctx()), boom);
  t.equal(f.ended(), 1);
});
