/**
 * The build-time audit report: flagged packages that are really loaded (require.cache) are reported
 * once each; copies the report does not pin, unloaded packages and dependents are not.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RaspConfigError } from '../../src/errors';
import { createAuditCheck, loadedPackages, parseAuditReport, resolveAuditOptions } from '../../src/patches/audit';
import { tempDir } from '../sinks/helpers';

const app = tempDir('rasp-audit-');
function pkg(rel: string, name: string): string {
  const dir = path.join(app, rel);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), `module.exports = ${JSON.stringify(name)};`);
  return path.join(dir, 'index.js');
}
const qsTop = pkg('node_modules/qs', 'qs');
const qsNested = pkg('node_modules/express/node_modules/qs', 'qs');
pkg('node_modules/express', 'express');
const scoped = pkg('node_modules/@acme/parser', '@acme/parser');
const lazy = pkg('node_modules/lodash', 'lodash');
pkg('node_modules/never-loaded', 'never-loaded');

// `npm audit --json` (npm 7+): qs has its own advisory, pinned to the top-level copy; express is only
// vulnerable through qs; @acme/parser is critical; lodash low; never-loaded high.
const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    qs: {
      name: 'qs',
      severity: 'high',
      isDirect: false,
      via: [{ source: 1090131, name: 'qs', dependency: 'qs', title: 'qs vulnerable to Prototype Pollution', url: 'https://github.com/advisories/GHSA-hrpp-h998-j3pp', severity: 'high', range: '<6.10.3' }],
      effects: ['express'],
      range: '<6.10.3',
      nodes: ['node_modules/qs'],
      fixAvailable: true,
    },
    express: { name: 'express', severity: 'high', isDirect: true, via: ['qs'], effects: [], range: '4.0.0-rc1 - 4.17.2', nodes: ['node_modules/express'], fixAvailable: true },
    '@acme/parser': {
      name: '@acme/parser',
      severity: 'critical',
      via: [{ title: 'Code injection in @acme/parser', url: 'https://example.com/adv/1', severity: 'critical' }, { title: 'ReDoS in @acme/parser', severity: 'moderate' }],
      range: '<2.0.0',
      nodes: ['node_modules/@acme/parser'],
    },
    lodash: { name: 'lodash', severity: 'low', via: [{ title: 'Minor issue in lodash', severity: 'low' }], range: '<4.17.21', nodes: ['node_modules/lodash'] },
    'never-loaded': { name: 'never-loaded', severity: 'high', via: [{ title: 'x' }], nodes: ['node_modules/never-loaded'] },
  },
  metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 3, critical: 1, total: 5 } },
};
fs.writeFileSync(path.join(app, 'audit.json'), JSON.stringify(report));

t.test('option and report validation', async (t) => {
  t.equal(resolveAuditOptions(undefined), undefined);
  t.same(resolveAuditOptions('audit.json'), { path: 'audit.json' });
  t.same(resolveAuditOptions({ path: 'a.json', minSeverity: 'high' }), { path: 'a.json', minSeverity: 'high' });
  const bad: Array<[() => unknown, RegExp]> = [
    [() => resolveAuditOptions(42), /options.auditReport must be the path/],
    [() => resolveAuditOptions({ path: 'a', level: 'x' }), /unknown option 'auditReport.level'/],
    [() => resolveAuditOptions({ path: 'a', minSeverity: 'severe' }), /minSeverity must be one of info, low, moderate, high, critical/],
    [() => createAuditCheck({ path: 'missing.json' }, app), /cannot be read \(ENOENT\).*npm audit --json > missing.json/],
    [() => parseAuditReport({ name: 'x' }), /not the output of 'npm audit --json'/],
    [() => parseAuditReport({ message: '405 Method Not Allowed', error: { summary: 'offline', detail: '' } }), /holds an npm error \(offline\)/],
  ];
  for (const [fn, re] of bad) {
    const err = t.throws(fn) as RaspConfigError;
    t.equal(err.code, 'RASP_ERR_OPTIONS');
    t.match(err.message, re);
  }
});

t.test('loadedPackages: install paths from module file names', async (t) => {
  const m = loadedPackages(['/var/task/node_modules/a/index.js', '/var/task/node_modules/a/node_modules/@s/b/lib/x.js', '/var/task/handler.js', 'C:\\app\\node_modules\\c\\i.js']);
  t.same([...m], [
    ['node_modules/a', 'a'],
    ['node_modules/a/node_modules/@s/b', '@s/b'],
    ['node_modules/c', 'c'],
  ]);
});

t.test('flagged packages that are loaded are reported once each', async (t) => {
  // What the function loaded at cold start.
  require(qsTop);
  require(qsNested);
  require(scoped);
  const audit = createAuditCheck({ path: 'audit.json' }, app);
  t.same(audit.vulnerable.map((p) => p.name).sort(), ['@acme/parser', 'lodash', 'never-loaded', 'qs'], 'express is vulnerable only through qs');
  const first = audit.check();
  t.same(first.map((f) => f.path).sort(), ['node_modules/@acme/parser', 'node_modules/qs'], 'the pinned qs copy, not the nested one; nothing not loaded');
  const qs = first.find((f) => f.path === 'node_modules/qs')!;
  t.same(qs, {
    rule: 'audit.vulnerable-package',
    class: 'custom',
    confidence: 'high',
    source: 'event',
    path: 'node_modules/qs',
    reason: 'Loaded package qs (vulnerable: <6.10.3) is flagged by npm audit, severity high: qs vulnerable to Prototype Pollution https://github.com/advisories/GHSA-hrpp-h998-j3pp.',
  });
  t.match(first.find((f) => f.path.includes('@acme'))!.reason, /severity critical: Code injection in @acme\/parser https:\/\/example.com\/adv\/1 \(\+1 more\)/);
  t.same(audit.check(), [], 'reported once');
  require(lazy);
  t.same(audit.check().map((f) => f.path), ['node_modules/lodash'], 'a lazily required package on a later check');
});

t.test('minSeverity filters', async (t) => {
  const audit = createAuditCheck({ path: path.join(app, 'audit.json'), minSeverity: 'critical' }, '/');
  t.same(audit.vulnerable.map((p) => p.name), ['@acme/parser']);
});

t.test('npm 6 format: matched by package name', async (t) => {
  const v6 = {
    advisories: {
      '1523': { module_name: 'qs', severity: 'moderate', title: 'Prototype Pollution', url: 'https://npmjs.com/advisories/1523', vulnerable_versions: '<6.0.4', findings: [{ version: '6.0.2', paths: ['express>qs'] }] },
      '1600': { module_name: 'qs', severity: 'high', title: 'Another', url: 'https://npmjs.com/advisories/1600' },
    },
    metadata: {},
  };
  const parsed = parseAuditReport(v6);
  t.same(parsed, [{ name: 'qs', severity: 'high', advisories: [{ title: 'Prototype Pollution', url: 'https://npmjs.com/advisories/1523' }, { title: 'Another', url: 'https://npmjs.com/advisories/1600' }], range: '<6.0.4' }]);
  fs.writeFileSync(path.join(app, 'audit6.json'), JSON.stringify(v6));
  const audit = createAuditCheck({ path: 'audit6.json' }, app, () => [qsTop, qsNested]);
  t.same(audit.check().map((f) => f.path).sort(), ['node_modules/express/node_modules/qs', 'node_modules/qs'], 'no install paths: every loaded copy');
});
