/**
 * Starts a real redis-server on a free loopback port for the store tests. Fails loudly when
 * redis-server is not installed (CI installs it: `apt-get install -y redis-server`, see .ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface RedisProcess {
  port: number;
  tlsPort?: number;
  proc: ChildProcess;
  /** SIGKILL: the server dies without closing anything gracefully. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function redisInstalled(): { ok: boolean; version: string } {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, version: '' };
  return { ok: true, version: r.stdout.trim() };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('+PONG') || buf.includes('-NOAUTH')) done(true);
    });
  });
}

export async function startRedis(opts: { port?: number; args?: string[]; password?: string; tls?: { cert: string; key: string; ca: string } } = {}): Promise<RedisProcess> {
  const installed = redisInstalled();
  if (!installed.ok) {
    throw new Error('redis-server is not installed: the shared-store tests need a real server. Install it with `apt-get update && apt-get install -y redis-server` (.ci/run does).');
  }
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(opts.args ?? [])];
  let tlsPort: number | undefined;
  if (opts.tls) {
    tlsPort = await freePort();
    args.push('--tls-port', String(tlsPort), '--tls-cert-file', opts.tls.cert, '--tls-key-file', opts.tls.key, '--tls-ca-cert-file', opts.tls.ca, '--tls-auth-clients', 'no');
  }
  if (opts.password) args.push('--requirepass', opts.password);
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d.toString()));
  proc.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited at start:\n${out}`);
    if (await ping(port, opts.password)) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} within 10 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const r: RedisProcess = {
    port,
    proc,
    kill: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
  if (tlsPort !== undefined) r.tlsPort = tlsPort;
  return r;
}

/** A throwaway CA and server certificate for 127.0.0.1 (needs openssl), or undefined without openssl. */
export function makeCerts(dir: string): { cert: string; key: string; ca: string } | undefined {
  const run = (args: string[]): boolean => spawnSync('openssl', args, { cwd: dir, stdio: 'ignore' }).status === 0;
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const ok =
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.crt']) &&
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']) &&
    spawnSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost" > ext.cnf'], { cwd: dir }).status === 0 &&
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'server.crt']);
  return ok ? { cert: `${dir}/server.crt`, key: `${dir}/server.key`, ca: `${dir}/ca.crt` } : undefined;
}
