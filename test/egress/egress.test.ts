/**
 * Egress watch: classification (raw IPs, allowlist, learning, ports, tunnelling-like names), per
 * invocation records, and real connections (http, fetch, net) through the connect hook. The hook line
 * the lead adds to net.ts is reproduced here on net.Socket.prototype.connect, so the real argument
 * forms of http, undici and net.connect reach the observers. Real traffic only goes to 127.0.0.1.
 */
import t from 'tap';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RaspConfigError } from '../../src/errors';
import { createEgressWatch, resolveEgressWatchOptions, tunnelLabel, type EgressWatchOptions } from '../../src/egress/index';
import { createInvocation, currentInvocation, runWithInvocation, type Invocation } from '../../src/sinks/context';
import { SinkBlockedError, findSinkBlock, type SinkFinding } from '../../src/sinks/errors';
import { connectDestination, connectionObservers, notifyConnect, observeConnections } from '../../src/sinks/observe';

const watchOf = (o: EgressWatchOptions | true) => createEgressWatch(resolveEgressWatchOptions(o, {})!);
const rules = (w: ReturnType<typeof watchOf>, host: string, port?: number) => w.classify(host, port).map((h) => `${h.rule}:${h.action}`);

t.test('options are validated with messages naming egressWatch', async (t) => {
  t.equal(resolveEgressWatchOptions(undefined), undefined);
  const bad: Array<[unknown, RegExp]> = [
    ['on', /options.egressWatch must be true, false or an object/],
    [{ allow: ['not a host'] }, /egressWatch.allow: 'not a host' is not a valid host name/],
    [{ allow: ['10.0.0.0/40'] }, /egressWatch.allow: '10.0.0.0\/40' has an invalid prefix length/],
    [{ ports: [0] }, /egressWatch.ports must be an array of port numbers/],
    [{ learn: -1 }, /egressWatch.learn must be true, false or a positive number/],
    [{ hosts: [] }, /unknown option 'egressWatch.hosts'/],
  ];
  for (const [v, re] of bad) {
    const err = t.throws(() => resolveEgressWatchOptions(v, {})) as RaspConfigError;
    t.equal(err.code, 'RASP_ERR_OPTIONS');
    t.match(err.message, re);
    t.notMatch(err.message, /policies\.egress/);
  }
  t.match(resolveEgressWatchOptions(true, {}), { configured: false, learn: 20, action: 'alert' });
  t.match(resolveEgressWatchOptions({ allow: ['api.stripe.com'] }, {}), { configured: true, learn: 0, action: 'block' });
});

t.test('classification with a configured allowlist', async (t) => {
  const w = watchOf({ allow: ['api.stripe.com', '*.example.org', '10.1.0.0/16'] });
  t.same(rules(w, 'api.stripe.com', 443), [], 'allowed name');
  t.same(rules(w, 'a.b.example.org', 443), [], 'allowed wildcard');
  t.same(rules(w, '10.1.2.3', 5432), [], 'allowed CIDR');
  t.same(rules(w, 'sqs.eu-west-1.amazonaws.com', 443), [], 'provider endpoints allowed by default');
  t.same(rules(w, '127.0.0.1', 9001), [], 'loopback (the runtime API) allowed by default');
  t.same(rules(w, 'evil.example.com', 443), ['egress.unlisted-host:block']);
  t.same(rules(w, '203.0.113.7', 4444), ['egress.raw-ip:alert', 'egress.unusual-port:alert', 'egress.unlisted-host:block']);
  t.equal(w.classify('203.0.113.7', 443)[0]!.confidence, 'high', 'public raw IP: high confidence');
  t.equal(w.classify('10.9.9.9', 443)[0]!.confidence, 'medium', 'private raw IP: medium');
  t.same(rules(w, '4a6f686e20446f652073656e742074686973.t.evil.com', 443), ['egress.dns-tunnel:alert', 'egress.unlisted-host:block']);
  t.same(rules(watchOf({ allow: ['x.com'], action: 'alert' }), 'y.com', 443), ['egress.unlisted-host:alert']);
  t.same(rules(watchOf({ allow: ['x.com'], allowLoopback: false }), '127.0.0.1', 80), ['egress.raw-ip:alert', 'egress.unlisted-host:block']);
});

t.test('without an allowlist: flags only, then learning', async (t) => {
  const w = watchOf({ learn: 2 });
  t.same(rules(w, 'api.stripe.com', 443), [], 'names on usual ports are fine while learning');
  t.same(rules(w, '198.51.100.4', 443), ['egress.raw-ip:alert']);
  t.same(rules(w, 'db.internal', 6543), ['egress.unusual-port:alert']);
  // Two invocations that connect: learned.
  for (const host of ['api.stripe.com', 'db.internal']) {
    const ctx = createInvocation({ mode: 'block' });
    runWithInvocation(ctx, () => w.observe({ host, port: host === 'db.internal' ? 6543 : 443, operation: 'net.connect' }, ctx));
  }
  t.equal(w.stats().learning, true, 'still learning until a third invocation connects');
  const third = createInvocation({ mode: 'block' });
  w.observe({ host: 'api.stripe.com', port: 443, operation: 'net.connect' }, third);
  t.equal(w.stats().learning, false);
  t.same(w.stats().learned.sort(), ['api.stripe.com:443', 'db.internal:6543']);
  t.same(rules(w, 'api.stripe.com', 443), [], 'learned host');
  t.same(rules(w, 'db.internal', 6543), [], 'learned port for that host');
  t.same(rules(w, 'new.example.com', 443), ['egress.unlisted-host:alert'], 'new destination after learning: alert, never block');
  t.same(rules(watchOf({ learn: false }), 'new.example.com', 443), [], 'learn: false');
});

t.test('tunnelling-like names', async (t) => {
  const legit = [
    'api.stripe.com',
    'abcdefghij.execute-api.us-east-1.amazonaws.com',
    'my-bucket-name-for-uploads-production.s3.eu-west-1.amazonaws.com',
    'd1a2b3c4d5e6f7.cloudfront.net',
    'cluster-c9akciq32.cluster-ro-abcdefghijkl.eu-west-1.rds.amazonaws.com',
    'e2a7f0c4-8d9b-4c1e-9f3a-7b6d5c4e3f2a.mock.pstmn.io',
    'storageaccountname123.blob.core.windows.net',
    'very-long-service-name-with-many-words-in-it.example.com',
    'myfunctionapp-abcd1234efgh5678.azurewebsites.net',
    'vpce-0a1b2c3d4e5f6a7b8-abcdefgh.s3.us-east-1.vpce.amazonaws.com',
    'mongodb-shard-00-01.abcde.mongodb.net',
    'thequickbrownfoxjumpsoverthelazydog.example.com',
    'ec2-54-123-45-67.compute-1.amazonaws.com',
    '203.0.113.9',
  ];
  const tunnels = [
    '4a6f686e20446f652073656e742074686973.t.evil.com', // hex (dnscat2)
    'mzxw6ytboi2dcnzrgq3tmmjqgu4dsnzy.tunnel.evil.com', // base32 (iodine)
    'aGVsbG8gd29ybGQgdGhpcyBpcyBleGZpbA.d.evil.io', // base64, case kept
    'agvsbg8gd29ybgqgdghpcybpcybszxhmawwgaw5mbw.x.evil.io', // base64 lower-cased by URL parsing
    'dnscat.0a1b2c3d4e5f60718293a4b5c6d7e8f9.evil.com',
    'aaaa1111bbbb2222.cccc3333dddd4444.eeee5555ffff6666.gggg7777.evil.com', // split over labels
  ];
  for (const h of legit) t.equal(tunnelLabel(h), undefined, `legit: ${h}`);
  for (const h of tunnels) t.not(tunnelLabel(h), undefined, `tunnel: ${h}`);
});

t.test('connectDestination understands every Socket#connect form', async (t) => {
  t.same(connectDestination([{ host: 'API.Example.com', port: 443 }]), { host: 'API.Example.com', port: 443, operation: 'net.connect' });
  t.same(connectDestination([[{ host: '[::1]', port: '8080' }, null]]), { host: '::1', port: 8080, operation: 'net.connect' });
  t.same(connectDestination([5432, 'db', () => undefined]), { host: 'db', port: 5432, operation: 'net.connect' });
  t.same(connectDestination([80]), { host: 'localhost', port: 80, operation: 'net.connect' });
  t.equal(connectDestination([{ path: '/var/run/x.sock' }]), undefined, 'IPC is not egress');
  t.equal(connectDestination(['/var/run/x.sock']), undefined);
});

// ------------------------------------------------------------------------------------------------
// Real connections through the hook.

// What net.ts does once the lead adds the line: tell observers first, return the destroyed socket
// when one blocked.
const proto = net.Socket.prototype as unknown as { connect: (...a: unknown[]) => unknown };
const origConnect = proto.connect;
proto.connect = function (this: net.Socket, ...args: unknown[]) {
  const ctx = currentInvocation();
  if (connectionObservers.length !== 0 && notifyConnect(this, args, ctx)) return this;
  return origConnect.apply(this, args);
};
t.teardown(() => {
  proto.connect = origConnect;
});

const server = http.createServer((_req, res) => res.end('ok'));
t.before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
t.teardown(() => new Promise<void>((r) => server.close(() => r())));
const port = () => (server.address() as AddressInfo).port;

function get(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port: port(), path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function invocation(mode: 'block' | 'monitor'): { ctx: Invocation; reported: SinkFinding[] } {
  const reported: SinkFinding[] = [];
  return { ctx: createInvocation({ mode, report: (f) => reported.push(f), requestId: 'req-1' }), reported };
}

t.test('real http, fetch and net connections are recorded per invocation; unlisted ones are blocked', async (t) => {
  const w = watchOf({ allow: ['localhost'], allowLoopback: false, ports: [port()] });
  const stop = w.start();
  t.teardown(stop);

  const a = invocation('block');
  const body = await runWithInvocation(a.ctx, () => get('localhost'));
  t.equal(body, 'ok', 'allowed name connects');
  const viaFetch = await runWithInvocation(a.ctx, async () => (await fetch(`http://localhost:${port()}/`)).text());
  t.equal(viaFetch, 'ok', 'fetch (undici) connects');
  t.same(w.connections(a.ctx).map((c) => [c.host, c.port, c.blocked]), [
    ['localhost', port(), false],
    ['localhost', port(), false],
  ]);
  t.same(a.reported, []);

  const b = invocation('block');
  const err = await runWithInvocation(b.ctx, () => get('127.0.0.1')).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof SinkBlockedError, 'connection to an unlisted raw IP is stopped');
  t.same(b.reported.map((f) => `${f.rule}:${f.blocked}`), ['egress.raw-ip:false', 'egress.unlisted-host:true']);
  t.match(b.reported[1], { kind: 'policy', class: 'custom', operation: 'net.connect', target: `127.0.0.1:${port()}`, source: 'event' });
  t.equal(b.ctx.blocked?.finding.rule, 'egress.unlisted-host', 'the invocation knows it was blocked (adapters answer 403)');
  t.same(w.connections(b.ctx).map((c) => [c.host, c.blocked]), [['127.0.0.1', true]]);

  const c = invocation('block');
  const fetchErr = await runWithInvocation(c.ctx, () => fetch(`http://127.0.0.1:${port()}/`)).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(findSinkBlock(fetchErr), 'fetch fails with the SinkBlockedError as its cause');

  const d = invocation('block');
  const sockErr = await runWithInvocation(
    d.ctx,
    () =>
      new Promise<unknown>((resolve) => {
        const s = net.connect(port(), '127.0.0.1');
        s.on('connect', () => resolve('connected'));
        s.on('error', resolve);
      }),
  );
  t.ok(sockErr instanceof SinkBlockedError, 'net.connect(port, host) form');

  t.match(w.stats(), { connections: 5, blocked: 3, flagged: { 'egress.raw-ip': 3, 'egress.unlisted-host': 3 } });
});

t.test('monitor mode reports but connects', async (t) => {
  const w = watchOf({ allow: ['localhost'], allowLoopback: false, ports: [port()] });
  t.teardown(w.start());
  const m = invocation('monitor');
  t.equal(await runWithInvocation(m.ctx, () => get('127.0.0.1')), 'ok');
  t.same(m.reported.map((f) => `${f.rule}:${f.blocked}`), ['egress.raw-ip:false', 'egress.unlisted-host:false']);
});

t.test('outside an invocation: recorded, reported, never blocked', async (t) => {
  const w = watchOf({ allow: ['localhost'], allowLoopback: false, ports: [port()] });
  t.teardown(w.start());
  t.equal(await get('127.0.0.1'), 'ok');
  t.same(w.outside().map((c) => c.host), ['127.0.0.1']);
});

t.test('observers: unsubscribe, a throwing observer never breaks a connection', async (t) => {
  const seen: string[] = [];
  const off1 = observeConnections(() => {
    throw new Error('observer bug');
  });
  const off2 = observeConnections((ev) => seen.push(ev.host));
  t.equal(await get('127.0.0.1'), 'ok');
  off1();
  off2();
  t.same(seen, ['127.0.0.1']);
  t.equal(connectionObservers.length, 0);
  t.equal(await get('127.0.0.1'), 'ok');
  t.same(seen, ['127.0.0.1'], 'no observer after unsubscribe');
});
