/**
 * One cold start, in the fresh Node process `npm run bench` spawns for it: the application's imports
 * and initialization, then its first invocation, for one variant. Prints one JSON line:
 * `{"variant","importMs","firstMs","totalMs","cpuMs","sinceStartMs"}` (`sinceStartMs` counts from the
 * process's own start, Node's bootstrap included; `cpuMs` is the process's CPU time, user + system,
 * over the same span as `totalMs`: less sensitive than wall time to other processes on shared cores,
 * but it also counts V8's helper threads).
 *
 * Only built-ins are imported at the top: everything the variant loads is loaded inside the timed
 * span, except what the platform's runtime has loaded before the application (preloadRuntime). The
 * invocation's input is read from a file before the clock starts (the platform hands it over; it is
 * not the application's cost).
 *
 *   node dist/bench/cold-start.js <variant> <input.json> [bundle.js]
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import fs from 'node:fs';

type Any = any;

interface Input {
  lambdaEvent: Any;
  request: { method: string; url: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string };
  libddwaf: Any;
  rulesPath: string;
}

const lambdaContext = (): Any => ({
  awsRequestId: 'c0ld-5tart-0000-0000-000000000001',
  functionName: 'orders-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
  memoryLimitInMB: '1024',
  logGroupName: '/aws/lambda/orders-api',
  logStreamName: '2026/01/01/[$LATEST]0',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30000,
  done() {},
  fail() {},
  succeed() {},
});

/**
 * What the platform's own runtime has loaded in the process before it loads the application: loaded
 * here before the clock starts, in the bare and the protected processes alike, so that neither is
 * charged for it. AWS Lambda's Node.js runtime starts from an ES module (Node's ES module loader reads
 * files through fs/promises) and its runtime interface client makes an `http.Agent` for the Runtime
 * API in its RAPIDClient constructor (http, and net under it). Cloud Run functions: functions-framework
 * (express: http and net; read-pkg imports node:fs/promises for a `.js` entry). Azure: both variants
 * load @azure/functions (which loads http) inside the timed span, as before; the Functions host's
 * worker (not available here) loads more. Without this, protect() was charged for loading net and
 * fs/promises (~59 M instructions under callgrind, of its ~95 M), which no Lambda or GCP function pays.
 */
function preloadRuntime(variant: string): void {
  const lambdaFamily = variant.startsWith('lambda-') || variant === 'libddwaf' || variant === 'zen-lambda';
  if (!lambdaFamily && !variant.startsWith('gcp-')) return;
  require('node:http');
  // The getter loads internal/fs/promises, as the runtimes' ES module loader or read-pkg does.
  void fs.promises;
}

async function main(): Promise<void> {
  const [variant, inputFile, bundle] = process.argv.slice(2);
  const input = JSON.parse(fs.readFileSync(inputFile!, 'utf8')) as Input;
  const log = { log: false };
  let first: () => Promise<unknown>;
  preloadRuntime(variant!);

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  switch (variant) {
    case 'lambda-bare': {
      const handler = async (event: Any) => ({ statusCode: 200, body: String(event.rawPath) });
      first = () => handler(input.lambdaEvent);
      break;
    }
    case 'lambda-protect': {
      const { protect } = require('serverless-rasp/aws-lambda') as typeof import('serverless-rasp/aws-lambda');
      const handler = protect(async (event: Any) => ({ statusCode: 200, body: String(event.rawPath) }), log);
      first = () => handler(input.lambdaEvent, lambdaContext());
      break;
    }
    case 'lambda-bundle-bare':
    case 'lambda-bundle-protect': {
      const { handler } = require(bundle!) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
      first = () => handler(input.lambdaEvent, lambdaContext());
      break;
    }
    case 'azure-bare':
    case 'azure-protect': {
      const { HttpRequest, InvocationContext } = require('@azure/functions') as typeof import('@azure/functions');
      const user = async (req: import('@azure/functions').HttpRequest) => {
        await req.text();
        return { status: 200, body: 'ok' };
      };
      const handler =
        variant === 'azure-protect' ? (require('serverless-rasp/azure-functions') as typeof import('serverless-rasp/azure-functions')).protect(user, log) : user;
      const r = input.request;
      first = () =>
        handler(
          new HttpRequest({ method: r.method, url: r.url, headers: r.headers, body: { string: r.body } }),
          new InvocationContext({
            invocationId: 'c0ld-5tart',
            functionName: 'createOrder',
            logHandler: () => undefined,
            options: { trigger: { type: 'httpTrigger', name: 'request', methods: ['POST'], route: 'orders', authLevel: 'anonymous' } as Any, extraInputs: [], extraOutputs: [] },
          }),
        );
      break;
    }
    case 'gcp-bare':
    case 'gcp-protect':
    case 'gcp-protect-cached': {
      // In Cloud Run functions the framework is loaded before the application: not counted here.
      const user = (_req: Any, res: Any) => {
        res.status(200).send('ok');
      };
      // gcp-protect-cached: a copy of dist/pkg with a V8 code cache made by its code-cache.js (the
      // optional deploy-time step; `bundle` names the copy's directory).
      const entry = variant === 'gcp-protect-cached' ? `${bundle!}/gcp-functions.js` : 'serverless-rasp/gcp-functions';
      const handler = variant === 'gcp-bare' ? user : (require(entry) as typeof import('serverless-rasp/gcp-functions')).protect(user, log);
      const r = input.request;
      const rawBody = Buffer.from(r.body);
      const req = {
        method: r.method,
        url: r.url,
        originalUrl: r.url,
        path: r.path,
        headers: r.headers,
        query: r.query,
        body: JSON.parse(r.body) as unknown,
        rawBody,
        ip: '198.51.100.23',
        get: (h: string) => r.headers[h.toLowerCase()],
      };
      const res = { statusCode: 200, headersSent: false, status: (c: number) => ((res.statusCode = c), res), set: () => res, send: () => res, json: () => res };
      first = async () => {
        await handler(req as Any, res as Any);
        return { statusCode: res.statusCode };
      };
      break;
    }
    case 'libddwaf': {
      const { DDWAF } = require('@datadog/native-appsec') as Any;
      const rules = require(input.rulesPath) as object;
      const waf = new DDWAF(rules, 'datadog/00/ASM_DD/default/config');
      first = async () => {
        const ctx = waf.createContext();
        try {
          const r = ctx.run({ persistent: input.libddwaf }, 1_000_000) as { events?: unknown[] };
          return { statusCode: (r.events ?? []).length === 0 ? 200 : 'attack reported' };
        } finally {
          ctx.dispose();
        }
      };
      break;
    }
    case 'zen-lambda': {
      // Zen reads its switches at require time; no token: nothing leaves the machine.
      process.env.AIKIDO_BLOCK = 'true';
      const protect = require('@aikidosec/firewall/lambda') as (h: Any) => (e: unknown, c: unknown) => Promise<unknown>;
      const handler = protect(async (event: Any) => ({ statusCode: 200, body: String(event.rawPath) }));
      first = () => handler(input.lambdaEvent, lambdaContext());
      break;
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
  const t1 = performance.now();
  const result = (await first()) as Any;
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  const status = result?.statusCode ?? result?.status;
  process.stdout.write(`\n${JSON.stringify({ variant, importMs: t1 - t0, firstMs: t2 - t1, totalMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000, sinceStartMs: t2, status })}\n`);
  // Zen keeps timers alive; a Lambda environment would be frozen here anyway.
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
