/**
 * Where a cold start of the esbuild bundle goes (issue #7's 15 ms target): the bench's Lambda bundle
 * (bench/run.ts coldStarts: esbuild, minify, node20, `re2` external), exporting `protect` so that its
 * call is timed apart, loaded in fresh processes phase by phase:
 *
 *   read        the bundle's text, as Node's CommonJS loader reads it (fs.readFileSync, utf8)
 *   compile     vm.compileFunction with the CommonJS wrapper's parameters, as the loader compiles it:
 *               V8 parses the top level fully and pre-parses every function in it
 *   top level   the bundle's top-level code: every module's initialization, table building
 *   protect()   options, the engine, the sink patches (with the built-ins they load), DoW, metrics
 *   first       the first invocation (the bench's typical 1 KB POST): V8 compiles each function on
 *               its first call
 *   second      a second invocation with a new event (what the first costs without compiling)
 *
 * For each: wall ms, CPU ms (user + system), minor page faults (first touches of memory: on a
 * Firecracker VM such as this bench's machine, and AWS Lambda's, each costs several microseconds), and
 * the garbage collections that ran (count and ms, from PerformanceObserver). A second kind of process
 * loads the built-ins the sinks patch (child_process, fs/promises, net, vm) before the clock starts:
 * its protect() row minus the first kind's is what loading them costs.
 *
 *   node dist/bench/cold-phases.js [runs=15]
 *
 * Prints medians over interleaved runs. Benchmarks print; they never assert timings.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
// Only fs and path at the top: a child must load nothing the bundle loads (child_process, for one)
// before its clock starts.
import fs from 'node:fs';
import path from 'node:path';

type Any = any;
type Row = Record<string, [wall: number, cpu: number, faults: number, gcs: number, gcMs: number]>;

const ROOT = path.resolve(__dirname, '..', '..');
const PHASES = ['read', 'compile', 'top level', 'protect()', 'first', 'second'] as const;
const BUILTINS = ['child_process', 'fs/promises', 'net', 'vm'];

/** One fresh process: the phases of loading `bundle`, as one JSON line. */
async function child(bundle: string, inputFile: string, preload: boolean): Promise<void> {
  const vm = require('node:vm') as typeof import('node:vm');
  const Module = require('node:module') as Any;
  const { PerformanceObserver } = require('node:perf_hooks') as typeof import('node:perf_hooks');
  const event = fs.readFileSync(inputFile, 'utf8');
  const gcs: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.startTime, e.duration);
  });
  obs.observe({ entryTypes: ['gc'] });
  // Nothing loaded before the clock may include them (vm aside: the child compiles with it; ~0.2 ms),
  // so that the built-ins row measures their loading.
  const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
  const early = BUILTINS.filter((b) => b !== 'vm' && loaded.includes(`NativeModule ${b}`));
  if (early.length > 0) throw new Error(`loaded before the clock: ${early.join(', ')}`);
  if (preload) for (const b of BUILTINS) require(b);
  const marks: Array<[number, number, number]> = [];
  const mark = (): void => {
    const c = process.cpuUsage();
    marks.push([performance.now(), (c.user + c.system) / 1000, process.resourceUsage().minorPageFault]);
  };
  mark();
  const src = fs.readFileSync(bundle, 'utf8');
  mark();
  const fn = vm.compileFunction(src, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: bundle });
  mark();
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(path.dirname(bundle));
  fn.call(m.exports, m.exports, (id: string) => m.require(id), m, bundle, path.dirname(bundle));
  mark();
  const handler = m.exports.protect(async (e: Any) => ({ statusCode: 200, body: String(e.rawPath) }), { log: false });
  mark();
  const ctx = { awsRequestId: 'c0ld-phases', functionName: 'orders-api', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 30000 };
  const r1 = (await handler(JSON.parse(event), ctx)) as Any;
  mark();
  const r2 = (await handler(JSON.parse(event), ctx)) as Any;
  mark();
  if (r1?.statusCode !== 200 || r2?.statusCode !== 200) throw new Error(`answered ${String(r1?.statusCode)} / ${String(r2?.statusCode)}`);
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 20));
  obs.disconnect();
  const row: Row = {};
  PHASES.forEach((p, i) => {
    const [w0, c0, f0] = marks[i]!;
    const [w1, c1, f1] = marks[i + 1]!;
    let n = 0;
    let ms = 0;
    for (let k = 0; k < gcs.length; k += 2) {
      if (gcs[k]! >= w0 && gcs[k]! < w1) {
        n++;
        ms += gcs[k + 1]!;
      }
    }
    row[p] = [w1 - w0, c1 - c0, f1 - f0, n, ms];
  });
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5] === 'preload');
  const runs = Number(process.argv[2] ?? 15);
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const os = require('node:os') as typeof import('node:os');
  const { median } = require('./harness') as typeof import('./harness');
  const { build } = require('esbuild') as typeof import('esbuild');
  const { postRequest } = require('./payloads') as typeof import('./payloads');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-cold-phases-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'serverless-rasp'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'node_modules', 're2'), path.join(dir, 'node_modules', 're2'), 'dir');
    fs.writeFileSync(path.join(dir, 'entry.ts'), `export { protect } from 'serverless-rasp/aws-lambda';\n`);
    const bundle = path.join(dir, 'bundle.js');
    await build({ absWorkingDir: dir, entryPoints: [path.join(dir, 'entry.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['re2'], logLevel: 'silent' });
    const inputFile = path.join(dir, 'event.json');
    fs.writeFileSync(inputFile, JSON.stringify(postRequest(1024, 'typical').lambda));
    const rows: Record<'plain' | 'preload', Row[]> = { plain: [], preload: [] };
    for (let i = 0; i < runs; i++) {
      for (const kind of ['plain', 'preload'] as const) {
        const r = spawnSync(process.execPath, [__filename, '--child', bundle, inputFile, kind], { encoding: 'utf8', timeout: 60_000, cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
        const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
        if (!line) throw new Error(`child failed: ${r.stderr}`);
        rows[kind].push(JSON.parse(line) as Row);
      }
    }
    const f = (x: number, d = 1): string => x.toFixed(d).padStart(7);
    console.log(`Bundle ${(fs.statSync(bundle).size / 1024).toFixed(0)} KB; ${runs} fresh processes of each kind, interleaved; Node ${process.version}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    for (const kind of ['plain', 'preload'] as const) {
      console.log(kind === 'plain' ? '\nmedians        wall ms   cpu ms  faults  GCs   GC ms' : `\nbuilt-ins (${BUILTINS.join(', ')}) loaded before the clock:`);
      let sw = 0;
      let sc = 0;
      for (const p of PHASES) {
        const col = (k: number): number => median(rows[kind].map((r) => r[p]![k]!));
        if (p !== 'second') {
          sw += col(0);
          sc += col(1);
        }
        console.log(`${p.padEnd(11)} ${f(col(0))}  ${f(col(1))} ${f(col(2), 0)} ${f(col(3), 0).slice(2)} ${f(col(4), 2)}`);
      }
      console.log(`read to first: wall ${sw.toFixed(1)}, cpu ${sc.toFixed(1)} (sums of medians)`);
    }
    const d = (k: number): number => median(rows.plain.map((r, i) => r['protect()']![k]! - rows.preload[i]!['protect()']![k]!));
    console.log(`Built-ins the sinks patch (${BUILTINS.join(', ')}), loaded inside protect(): wall ${d(0).toFixed(1)}, cpu ${d(1).toFixed(1)} ms (per-run differences)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
