/**
 * dist/pkg/code-cache.js (copied there by scripts/pack-entries.js): writes dist/pkg/core-code.cache, the
 * V8 code cache core.js uses when it fits (see scripts/core-loader.js). The package ships none; run it
 * at deploy time, in the image or build step that has the runtime's Node, with the runtime's V8 flags:
 *
 *   node [the V8 flags of the runtime] node_modules/serverless-rasp/dist/pkg/code-cache.js
 *
 * The cache only serves processes of the same V8 version (the exact Node release) started with the same
 * V8 flags as the process that made it; otherwise V8 rejects it and the code is compiled as without
 * one. AWS Lambda's managed runtime passes --max-semi-space-size and --max-old-space-size derived from
 * the function's memory (and --expose-gc), and AWS updates its Node release on its own schedule: there
 * the cache is rarely worth it. It fits where the build step and the runtime are the same image
 * (a container image, Cloud Run, a functions-framework server started with plain `node`).
 *
 * Warm-up: import, protect() and a few ordinary Lambda invocations (generic events, not the bench's), so
 * the cache also holds the functions a first invocation compiles. More warm-up makes a bigger cache
 * (read and deserialized at every cold start): it covers the common path, not every detector.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');

const CODE = path.join(__dirname, 'core-code.js');
const CACHE = path.join(__dirname, 'core-code.cache');
const MAGIC = 'serverless-rasp code cache 1\n';

function v2Event(method, rawPath, query, body) {
  const headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'okhttp/4.12.0',
    'x-forwarded-for': '203.0.113.9',
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3YXJtLXVwIn0.d2FybS11cC1zaWduYXR1cmU',
  };
  const qs = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: qs,
    headers,
    queryStringParameters: qs ? query : undefined,
    requestContext: { accountId: '000000000000', apiId: 'abc123', domainName: headers.host, http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: headers['user-agent'] }, requestId: 'warm-up', routeKey: `${method} ${rawPath}`, stage: '$default', timeEpoch: 0 },
    isBase64Encoded: false,
    body,
  };
}

/** core-code.js compiled as core.js compiles it (same wrapper), without a cache; its exports and script. */
function compile() {
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
  const TAIL = '\n});';
  const script = new vm.Script(HEAD + fs.readFileSync(CODE, 'utf8') + TAIL, { filename: CODE });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(CODE), mod, CODE, __dirname);
  return { core: mod.exports, script };
}

async function main() {
  fs.rmSync(CACHE, { force: true });
  const { core, script } = compile();
  const { protect } = core.load('aws-lambda');
  const handler = protect(async (event) => ({ statusCode: 200, body: String(event.rawPath) }), { log: false });
  const context = { awsRequestId: 'warm-up', functionName: 'warm-up', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 30000 };
  const body = JSON.stringify({ user: { id: 42, name: 'Ana Souza', email: 'ana@example.org', tags: ['new', 'eu'] }, cart: [{ id: 'A-7', qty: 2, note: 'gift wrap, no receipt' }], total: 31.5, accepted: true });
  const events = [v2Event('POST', '/api/cart', { lang: 'pt-BR' }, body), v2Event('GET', '/api/items/7', { fields: 'id,name', page: '3' }, undefined)];
  for (const e of events) {
    const r = await handler(e, context);
    if (r.statusCode !== 200) throw new Error(`code-cache: warm-up invocation answered ${r.statusCode}`);
  }
  const data = script.createCachedData();
  const header = { v8: process.versions.v8, arch: process.arch, sha256: createHash('sha256').update(fs.readFileSync(CODE)).digest('hex'), tag: require('node:v8').cachedDataVersionTag(), node: process.version, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? '' };
  // Written whole then renamed: a reader never sees half a cache.
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`);
  if (head.length > 4096) throw new Error('code-cache: header over 4096 bytes (core.js reads no more): too many node options');
  const tmp = `${CACHE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([head, data]));
  fs.renameSync(tmp, CACHE);
  process.stdout.write(`code-cache: ${CACHE} (${data.length} bytes, V8 ${header.v8}, flags ${JSON.stringify(header.execArgv)} ${header.nodeOptions})\n`);
  // protect() installed this process's sinks and may keep handles: done.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
