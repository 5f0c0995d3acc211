/**
 * The façade the shared runtime will use: options validated at cold start, integrity and audit
 * findings reported and counted, metrics flushed per invocation. `handle` wires it the way
 * adapters/shared/runtime.ts is meant to.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RaspConfigError } from '../src/errors';
import type { DecisionMeta } from '../src/metrics/index';
import type { Finding, Verdict } from '../src/types';
import { createVisibility, VISIBILITY_OPTION_KEYS, type VisibilityOptions } from '../src/visibility';
import { tempDir } from './sinks/helpers';

interface Reported {
  action: string;
  rules: string[];
  requestId: string | undefined;
}

function setup(extra: VisibilityOptions = {}, mode: 'block' | 'monitor' = 'block') {
  const tmp = tempDir('rasp-vis-tmp-');
  const code = tempDir('rasp-vis-code-');
  fs.writeFileSync(path.join(code, 'index.js'), '1');
  const lines: string[] = [];
  const reported: Reported[] = [];
  const vis = createVisibility(
    {
      metrics: { emf: true, write: (l) => lines.push(l), otel: false },
      integrity: { watchDirs: [tmp], codeDirs: [code], intervalMs: 0, codeIntervalMs: 0, waitMs: 2000, action: 'block' },
      ...extra,
    },
    { mode, env: {}, report: (action, findings, meta) => reported.push({ action, rules: findings.map((f) => f.rule), requestId: meta?.requestId }) },
  );
  t.teardown(() => vis.stop());
  // What protect() does per invocation.
  const handle = async (requestId: string, verdict: Verdict, handler: () => unknown): Promise<'refused' | 'blocked' | unknown> => {
    const meta: DecisionMeta = { provider: 'aws', requestId, functionName: 'fn' };
    let iv = vis.before(meta);
    if (iv instanceof Promise) iv = await iv;
    if (iv?.action === 'block') {
      vis.after();
      return 'refused';
    }
    vis.record(verdict, meta);
    try {
      return verdict.action === 'block' ? 'blocked' : await handler();
    } finally {
      vis.after();
    }
  };
  return { tmp, code, vis, lines, reported, handle };
}

const allow: Verdict = { action: 'allow', status: 200, findings: [], micros: 9 };

t.test('option keys and validation', async (t) => {
  t.same(VISIBILITY_OPTION_KEYS, ['metrics', 'integrity', 'egressWatch', 'auditReport']);
  const err = t.throws(() => createVisibility({ integrity: { watchDirs: ['tmp'] } }, { mode: 'block' })) as RaspConfigError;
  t.equal(err.code, 'RASP_ERR_OPTIONS');
  t.match(err.message, /integrity.watchDirs/);
  t.throws(() => createVisibility({ egressWatch: { allow: ['a b'] } }, { mode: 'block' }), /egressWatch.allow/);
  t.throws(() => createVisibility({ metrics: { batch: 1000 } }, { mode: 'block' }), /metrics.batch/);
  const none = createVisibility({}, { mode: 'block', env: {} });
  t.equal(none.integrity, undefined);
  t.equal(none.egress, undefined);
  t.equal(none.before(), undefined);
  t.equal(createVisibility({ metrics: false }, { mode: 'block' }).metrics, undefined);
});

t.test('a tampered instance: reported with the next invocation, then refused, all counted', async (t) => {
  const { tmp, vis, lines, reported, handle } = setup();
  await vis.integrity!.ready();
  t.equal(await handle('r1', allow, () => fs.writeFileSync(path.join(tmp, 'nc'), 'x', { mode: 0o755 })), undefined);
  t.equal(await handle('r2', allow, () => 'ok'), 'refused');
  t.equal(await handle('r3', allow, () => 'ok'), 'refused');
  t.same(reported, [
    { action: 'block', rules: ['integrity.tmp-executable'], requestId: 'r2' },
    { action: 'block', rules: ['integrity.tmp-executable'], requestId: 'r3' },
  ]);
  const s = vis.getStats();
  t.match(s, { invocations: 3, allowed: 1, blocked: 2, byOrigin: { integrity: { blocked: 2 } }, byRule: { 'integrity.tmp-executable': { blocked: 2 } } });
  t.match(s.integrity, { tampered: true, findings: 1 });
  t.equal(lines.length, 3 + 2 * 2, 'one totals line per invocation, plus class and rule lines for the refusals');
});

t.test('monitor mode: reported once, never refused', async (t) => {
  const { tmp, vis, reported, handle } = setup({}, 'monitor');
  await vis.integrity!.ready();
  await handle('r1', allow, () => fs.writeFileSync(path.join(tmp, 'x.sh'), 'echo'));
  t.equal(await handle('r2', allow, () => 'ran'), 'ran');
  t.equal(await handle('r3', allow, () => 'ran'), 'ran');
  t.same(reported, [{ action: 'monitor', rules: ['integrity.tmp-executable'], requestId: 'r2' }]);
});

t.test('the audit report is checked at cold start and after the first invocation', async (t) => {
  const dir = tempDir('rasp-vis-audit-');
  for (const name of ['early', 'late']) {
    fs.mkdirSync(path.join(dir, 'node_modules', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', name, 'index.js'), '1');
  }
  fs.writeFileSync(
    path.join(dir, 'audit.json'),
    JSON.stringify({ auditReportVersion: 2, vulnerabilities: Object.fromEntries(['early', 'late'].map((n) => [n, { name: n, severity: 'high', via: [{ title: `bug in ${n}` }], nodes: [`node_modules/${n}`] }])) }),
  );
  require(path.join(dir, 'node_modules', 'early', 'index.js'));
  const got: Finding[][] = [];
  const vis = createVisibility({ auditReport: 'audit.json', metrics: { emf: false, otel: false } }, { mode: 'block', cwd: dir, env: {}, report: (_a, f) => got.push(f) });
  t.same(got.map((f) => f.map((x) => x.path)), [['node_modules/early']], 'cold start');
  require(path.join(dir, 'node_modules', 'late', 'index.js'));
  vis.after();
  await new Promise((r) => setImmediate(r));
  t.same(got.map((f) => f.map((x) => x.path)), [['node_modules/early'], ['node_modules/late']], 'after the first invocation');
  vis.after();
  await new Promise((r) => setImmediate(r));
  t.equal(got.length, 2, 'not again');
  t.match(vis.getStats().byOrigin, { audit: { monitored: 2 } });
});
