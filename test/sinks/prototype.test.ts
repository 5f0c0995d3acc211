/** A naive deep merge of input (its own process: hardening Object.prototype cannot be undone). */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { installSinks, runWithInvocation, SinkBlockedError } from '../../src/sinks/index';
import { httpRequest } from './helpers';

// The vulnerable code: a recursive merge that follows __proto__ and constructor.prototype.
function merge(target: Record<string, any>, source: Record<string, any>): Record<string, any> {
  for (const key in source) {
    const v = source[key];
    if (v !== null && typeof v === 'object') {
      if (!target[key]) target[key] = {};
      merge(target[key], v);
    } else target[key] = v;
  }
  return target;
}

t.test('a polluted child-process option is caught before the process starts', async (t) => {
  installSinks();
  (Object.prototype as any).shell = '/bin/sh';
  try {
    t.throws(() => runWithInvocation({ requests: httpRequest({}) }, () => spawnSync('echo', ['hi'])), SinkBlockedError);
  } finally {
    delete (Object.prototype as any).shell;
  }
  t.equal(runWithInvocation({ requests: httpRequest({}) }, () => spawnSync('echo', ['hi']).stdout.toString().trim()), 'hi');
});

t.test('with prototypePollution hardening the merge cannot pollute', async (t) => {
  const r = installSinks({ sinks: { prototypePollution: true } });
  t.ok(r.installed.includes('Object.prototype (non-extensible)'));
  for (const body of ['{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}']) {
    const input = JSON.parse(body) as Record<string, unknown>;
    t.throws(() => runWithInvocation({ requests: httpRequest(input) }, () => merge({}, input)), TypeError, body);
    t.equal(({} as any).isAdmin, undefined, 'Object.prototype not polluted');
  }
  t.same(merge({ a: { b: 1 } }, { a: { c: 2 }, d: 'x' }), { a: { b: 1, c: 2 }, d: 'x' }, 'benign merge works');
});
