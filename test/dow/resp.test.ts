import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RespClient, RespConnectionError, RespError, RespParser, encodeCommands, parseRedisUrl, type RespClientOptions } from '../../src/dow/resp';
import { freePort, makeCerts, redisInstalled, startRedis } from './redis-server';

const opts = (port: number, extra: Partial<RespClientOptions> = {}): RespClientOptions => ({
  host: '127.0.0.1',
  port,
  connectTimeoutMs: 1000,
  commandTimeoutMs: 1000,
  minBackoffMs: 50,
  maxBackoffMs: 200,
  ...extra,
});

t.test('parser: every RESP2 type, split at every byte', async (t) => {
  const wire = Buffer.from('+OK\r\n-ERR bad thing\r\n:42\r\n$4\r\nhé!\r\n$-1\r\n*3\r\n:1\r\n*2\r\n$1\r\na\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n');
  for (let cut = 1; cut < wire.length; cut++) {
    const p = new RespParser();
    const out: unknown[] = [];
    for (const part of [wire.subarray(0, cut), wire.subarray(cut)]) {
      p.push(part);
      for (let v = p.next(); v !== undefined; v = p.next()) out.push(v);
    }
    t.equal(out.length, 8, `cut at ${cut}`);
    if (cut === 7) {
      t.equal(out[0], 'OK');
      t.ok(out[1] instanceof RespError && out[1].message === 'ERR bad thing');
      t.equal(out[2], 42);
      t.equal(out[3], 'hé!');
      t.equal(out[4], null);
      t.same(out[5], [1, ['a', ''], null]);
      t.equal(out[6], null);
      t.same(out[7], []);
    }
  }
  t.equal(encodeCommands([['SET', 'k', 'é'], ['INCRBY', 'n', 5]]), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$1\r\n5\r\n');
});

t.test('URLs', async (t) => {
  t.same(parseRedisUrl('redis://localhost'), { host: 'localhost', port: 6379, tls: false });
  t.same(parseRedisUrl('rediss://:secret@h:6380/3'), { host: 'h', port: 6380, tls: true, password: 'secret', db: 3 });
  t.same(parseRedisUrl('redis://app:s%3Acret@[::1]:7000'), { host: '::1', port: 7000, tls: false, username: 'app', password: 's:cret' });
  t.throws(() => parseRedisUrl('redis://h/x'), /database/);
});

t.test('against a real redis-server', async (t) => {
  const installed = redisInstalled();
  if (!installed.ok) {
    t.fail('redis-server is not installed; install it with `apt-get update && apt-get install -y redis-server` (.ci/run does). These tests must not be skipped.');
    return;
  }
  t.comment(installed.version);
  const r = await startRedis({ args: ['--enable-debug-command', 'yes'] });
  t.teardown(() => r.stop());

  await t.test('commands, pipelining, error replies', async (t) => {
    const c = new RespClient(opts(r.port));
    t.teardown(() => c.close());
    t.equal(await c.command(['SET', 'greeting', 'hallo wêreld']), 'OK');
    t.equal(await c.command(['GET', 'greeting']), 'hallo wêreld');
    const cmds = Array.from({ length: 1000 }, (_, i) => ['INCRBY', 'counter', i]);
    const replies = await c.pipeline(cmds);
    t.equal(replies.length, 1000);
    t.equal(replies[999], (999 * 1000) / 2, 'in order');
    const mixed = await c.pipeline([['INCR', 'greeting'], ['GET', 'counter'], ['HGETALL', 'nope']]);
    t.ok(mixed[0] instanceof RespError, 'an error reply is a value in a pipeline');
    t.equal(mixed[1], String((999 * 1000) / 2));
    t.same(mixed[2], []);
    await t.rejects(c.command(['INCR', 'greeting']), RespError, 'and a rejection for a single command');
    t.equal(c.connects, 1, 'one connection for all of it');
  });

  await t.test('a command timeout drops the connection; the next call reconnects', async (t) => {
    const c = new RespClient(opts(r.port, { commandTimeoutMs: 60 }));
    const admin = new RespClient(opts(r.port, { commandTimeoutMs: 5000 }));
    t.teardown(() => Promise.all([c.close(), admin.close()]));
    t.equal(await c.command(['PING']), 'PONG');
    const sleeping = admin.command(['DEBUG', 'SLEEP', '0.4']);
    await new Promise((res) => setTimeout(res, 20));
    const t0 = Date.now();
    await t.rejects(c.command(['PING']), RespConnectionError);
    const took = Date.now() - t0;
    // The rejection itself shows the timeout fired (waiting for the sleeping server would have
    // answered PONG); the time is reported, not asserted.
    t.comment(`rejected after ${took} ms (timeout 60 ms)`);
    await t.rejects(c.command(['PING']), /retrying/, 'fails fast while backing off');
    await sleeping;
    await new Promise((res) => setTimeout(res, 120));
    t.equal(await c.command(['PING']), 'PONG', 'reconnected');
    t.equal(c.connects, 2);
  });

  await t.test('connection refused rejects at once', async (t) => {
    const port = await freePort();
    const c = new RespClient(opts(port));
    t.teardown(() => c.close());
    const t0 = Date.now();
    await t.rejects(c.command(['PING']), RespConnectionError);
    t.ok(Date.now() - t0 < 500);
    t.equal(c.state, 'backoff');
  });
});

t.test('AUTH with a password and with an ACL user', async (t) => {
  if (!redisInstalled().ok) {
    t.fail('redis-server is not installed (apt-get install -y redis-server)');
    return;
  }
  const r = await startRedis({ password: 'p4ss' });
  t.teardown(() => r.stop());
  const anon = new RespClient(opts(r.port));
  await t.rejects(anon.command(['GET', 'x']), /NOAUTH|handshake/i, 'no password: refused');
  await anon.close();
  const withPass = new RespClient(opts(r.port, { password: 'p4ss', db: 1 }));
  t.equal(await withPass.command(['SET', 'x', '1']), 'OK');
  t.equal(await withPass.command(['CLIENT', 'INFO']).then((s) => /db=1/.test(String(s))), true, 'SELECT db');
  t.equal(await withPass.command(['ACL', 'SETUSER', 'app', 'on', '>s3cret', '~*', '+@all']), 'OK');
  await withPass.close();
  const user = new RespClient(opts(r.port, { username: 'app', password: 's3cret' }));
  t.equal(await user.command(['ACL', 'WHOAMI']), 'app');
  await user.close();
  const wrong = new RespClient(opts(r.port, { username: 'app', password: 'nope' }));
  await t.rejects(wrong.command(['PING']), /handshake failed/);
  await wrong.close();
});

t.test('TLS (rediss://, private CA)', async (t) => {
  if (!redisInstalled().ok) {
    t.fail('redis-server is not installed (apt-get install -y redis-server)');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'rasp-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeCerts(dir);
  if (!certs) {
    t.comment('openssl is not available to make a test certificate: TLS not exercised');
    t.pass('TLS test needs openssl');
    return;
  }
  const r = await startRedis({ tls: certs });
  t.teardown(() => r.stop());
  const c = new RespClient(opts(r.tlsPort!, { tls: { ca: readFileSync(certs.ca) } }));
  t.equal(await c.command(['PING']), 'PONG');
  t.equal(await c.command(['SET', 'over', 'tls']), 'OK');
  await c.close();
  const untrusted = new RespClient(opts(r.tlsPort!, { tls: true }));
  await t.rejects(untrusted.command(['PING']), RespConnectionError, 'an unknown CA is refused');
  await untrusted.close();
});
