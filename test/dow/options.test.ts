import t, { type Test } from 'tap';
import { RaspConfigError } from '../../src/errors';
import { resolveDowOptions } from '../../src/dow/options';
import { createRedisStore } from '../../src/dow/redis-store';
import { createMemoryStore } from '../../src/dow/store';

const bad = (t: Test, input: unknown, re: RegExp): void => {
  let thrown: unknown;
  try {
    resolveDowOptions(input, {});
  } catch (err) {
    thrown = err;
  }
  const label = `rejects ${JSON.stringify(input, (_k, v) => (typeof v === 'function' ? 'fn' : v))} with ${re}`;
  t.ok(thrown instanceof RaspConfigError && thrown.code === 'RASP_ERR_OPTIONS' && re.test(thrown.message), label);
};

t.test('defaults: no limit, no budget, provider aws, memory from the environment', async (t) => {
  const o = resolveDowOptions(undefined, {});
  t.equal(o.perCaller, undefined);
  t.equal(o.usdPerHour, undefined);
  t.equal(o.cost.provider, 'aws');
  t.equal(o.cost.memoryMb, 128);
  t.equal(o.flushMs, 2000);
  const lambda = resolveDowOptions({}, { AWS_LAMBDA_FUNCTION_NAME: 'f', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' });
  t.equal(lambda.cost.memoryMb, 1024);
  t.equal(resolveDowOptions({}, { FUNCTIONS_WORKER_RUNTIME: 'node' }).cost.provider, 'azure');
  t.equal(resolveDowOptions({}, { K_SERVICE: 'svc', FUNCTION_TARGET: 'h' }).cost.provider, 'gcp');
  const full = resolveDowOptions({ perCaller: { limit: 100, windowSeconds: 60, key: 'apiKey' }, budget: { usdPerHour: 5, alertUsdPerHour: 2 }, memoryMb: 512, provider: 'gcp', pricing: { perGbSecondUsd: 0.000003 }, store: createMemoryStore(), onAlert: () => undefined, flushSeconds: 1 }, {});
  t.same(full.perCaller && { limit: full.perCaller.limit, windowMs: full.perCaller.windowMs, key: full.perCaller.key }, { limit: 100, windowMs: 60_000, key: 'apiKey' });
  t.equal(full.usdPerHour, 5);
  t.equal(full.cost.pricing.perGbSecondUsd, 0.000003);
  t.equal(full.flushMs, 1000);
});

t.test('unknown keys and bad values are rejected with a message saying what to write', async (t) => {
  bad(t, { perCallr: {} }, /unknown option 'perCallr'.*Known: perCaller/);
  bad(t, { perCaller: { limit: 10, window: 60 } }, /perCaller: unknown option 'window'.*windowSeconds/);
  bad(t, { perCaller: { limit: 0, windowSeconds: 60 } }, /perCaller\.limit must be a positive integer/);
  bad(t, { perCaller: { limit: 10 } }, /windowSeconds must be a number of seconds/);
  bad(t, { perCaller: { limit: 10, windowSeconds: 60, key: 'cookie' } }, /'ip', 'user', 'apiKey', 'route' or a function/);
  bad(t, { budget: {} }, /needs usdPerHour/);
  bad(t, { budget: { usd: 5 } }, /unknown option 'usd'.*US dollars per hour/);
  bad(t, { budget: { usdPerHour: 1, alertUsdPerHour: 2 } }, /must not exceed/);
  bad(t, { budget: { usdPerHour: -1 } }, /positive number/);
  bad(t, { provider: 'lambda' }, /provider must be one of aws/);
  bad(t, { memoryMb: 10 }, /memoryLimitInMB/);
  bad(t, { pricing: { perGbSecond: 1 } }, /pricing: unknown option 'perGbSecond'.*perGbSecondUsd/);
  bad(t, { pricing: { perRequestUsd: -1 } }, /non-negative/);
  bad(t, { store: {} }, /createRedisStore/);
  bad(t, { onAlert: 'x' }, /onAlert must be a function/);
  bad(t, { flushSeconds: 0.1 }, /between 0.5 and 60/);
  bad(t, 'x', /must be an object/);
});

t.test('createRedisStore validates its options', async (t) => {
  t.throws(() => createRedisStore({ url: 'http://x' }), /redis:\/\//);
  t.throws(() => createRedisStore({} as never), /give url/);
  t.throws(() => createRedisStore({ host: 'h', port: 70000 }), /port/);
  t.throws(() => createRedisStore({ host: 'h', hots: 1 } as never), /unknown option 'hots'/);
  t.throws(() => createRedisStore({ host: 'h', timeoutMs: 0 }), /timeoutMs/);
  t.throws(() => createRedisStore({ host: 'h', prefix: 'a{b}' }), /braces/);
  const s = createRedisStore({ url: 'rediss://user:pa%40ss@cache.example:6380/2', timeoutMs: 30 });
  t.equal(s.timeoutMs, 30);
  t.same(
    { host: s.client.opts.host, port: s.client.opts.port, tls: s.client.opts.tls, username: s.client.opts.username, password: s.client.opts.password, db: s.client.opts.db },
    { host: 'cache.example', port: 6380, tls: true, username: 'user', password: 'pa@ss', db: 2 },
  );
  await s.close();
});
