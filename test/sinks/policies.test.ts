import t from 'tap';
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { RaspConfigError } from '../../src/errors';
import { installSinks, uninstallSinks, runWithInvocation, resolvePolicies, SinkBlockedError, findSinkBlock, type SinkFinding } from '../../src/sinks/index';
import { egressAllowed } from '../../src/sinks/policies';
import { httpRequest, tempDir } from './helpers';

const dir = tempDir();
t.teardown(() => uninstallSinks());

t.test('options are validated with clear messages', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [{ egress: 'deny' }, /policies.egress must be 'block', 'alert' or 'allow'/],
    [{ egress: { allow: ['10.0.0.0/33'] } }, /invalid prefix length/],
    [{ egress: { allow: ['not a host'] } }, /not a valid host name/],
    [{ fsWrite: { allow: ['tmp'] } }, /must be an absolute directory/],
    [{ nope: 'block' }, /unknown policy 'policies.nope'/],
    [{ credentialEnv: { vars: 'X' } }, /array of non-empty strings/],
    [{ childProcess: { action: 'block', programs: [] } }, /unknown option 'policies.childProcess.programs'/],
  ];
  for (const [o, re] of bad) {
    const err = t.throws(() => resolvePolicies(o)) as RaspConfigError;
    t.equal(err.code, 'RASP_ERR_OPTIONS');
    t.match(err.message, re);
  }
  t.throws(() => installSinks({ sinks: { sql: 'yes' } as never }), /options.sinks.sql must be true or false/);
  t.equal(resolvePolicies(undefined).active, false, 'everything allowed by default');
});

t.test('egress allowlist matching', async (t) => {
  const p = resolvePolicies({ egress: { allow: ['api.stripe.com', '*.example.org', '10.1.0.0/16', '2001:db8::/32'] } }, {}).egress;
  t.ok(egressAllowed(p, 'api.stripe.com'));
  t.ok(egressAllowed(p, 'a.b.example.org'));
  t.notOk(egressAllowed(p, 'example.org'), 'wildcard is subdomains only');
  t.ok(egressAllowed(p, 'db.internal', '10.1.2.3'));
  t.notOk(egressAllowed(p, 'db.internal', '10.2.0.1'));
  t.ok(egressAllowed(p, '2001:db8::1'));
  t.ok(egressAllowed(p, 'sqs.eu-west-1.amazonaws.com'), 'provider endpoints');
  t.ok(egressAllowed(p, '127.0.0.1'), 'loopback');
  t.notOk(egressAllowed(p, 'evil.example.com', '203.0.113.9'));
  const strict = resolvePolicies({ egress: { allow: [], allowProviderEndpoints: false, allowLoopback: false } }, {}).egress;
  t.notOk(egressAllowed(strict, 'sqs.eu-west-1.amazonaws.com'));
  t.notOk(egressAllowed(strict, '127.0.0.1'));
});

t.test('egress off: the allowlist (filled on first read) is the one an active policy gets', async (t) => {
  const env = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials', GCE_METADATA_HOST: 'metadata.example' };
  const pairs = [
    [resolvePolicies(undefined, env).egress, resolvePolicies({ egress: { action: 'block' } }, env).egress],
    [resolvePolicies({ egress: { action: 'allow', allow: ['api.stripe.com', '*.example.org', '10.0.0.0/8'] } }, env).egress, resolvePolicies({ egress: { action: 'block', allow: ['api.stripe.com', '*.example.org', '10.0.0.0/8'] } }, env).egress],
    [resolvePolicies({ egress: { action: 'allow', allowProviderEndpoints: false } }, env).egress, resolvePolicies({ egress: { action: 'block', allowProviderEndpoints: false } }, env).egress],
  ] as const;
  for (const [off, on] of pairs) {
    t.equal(off.action, 'allow');
    t.same([...off.hosts], [...on.hosts], 'hosts, in order');
    t.same(off.suffixes, on.suffixes, 'suffixes');
    t.same(off.cidrs, on.cidrs, 'cidrs');
    t.equal(egressAllowed({ ...off, action: 'block' }, 'metadata.example'), egressAllowed(on, 'metadata.example'), 'platform endpoint');
  }
  t.ok(egressAllowed({ ...pairs[0][0], action: 'block' }, 'sqs.eu-west-1.amazonaws.com'), 'provider endpoints');
});

t.test('fsWrite off: the default allowlist (computed on first read) is the one an active policy gets', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const expected = ['/tmp', (require('node:os') as typeof import('node:os')).tmpdir()].map((d) => path.resolve(d));
  const off = resolvePolicies(undefined).fsWrite;
  const on = resolvePolicies({ fsWrite: 'block' }).fsWrite;
  t.equal(off.action, 'allow');
  t.same(on.allow, expected, 'active: /tmp and the OS temp dir');
  t.same(off.allow, expected, 'off: the same on first read');
  t.equal(off.allow, off.allow, 'the same array on every read');
  t.same(JSON.parse(JSON.stringify(off)), { action: 'allow', allow: expected }, 'enumerable, serialized');
  t.same({ ...off }.allow, expected, 'spread');
  const assigned = resolvePolicies(undefined).fsWrite;
  assigned.allow = ['/data'];
  t.same(assigned.allow, ['/data'], 'assignable');
  t.same(resolvePolicies({ fsWrite: { action: 'allow', allow: ['/srv/out'] } }).fsWrite.allow, ['/srv/out'], 'an explicit list as given');
});

t.test('egress: a connection to a host outside the allowlist is blocked before it is made', async (t) => {
  let hits = 0;
  const server = http.createServer((_q, r) => {
    hits++;
    r.end('ok');
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const policies = resolvePolicies({ egress: { action: 'block', allow: ['api.example.com'], allowLoopback: false } }, {});
  installSinks({ policies });
  const e = await runWithInvocation({ requests: httpRequest({}), policies }, () => fetch(`http://127.0.0.1:${port}/exfil`)).catch((x: unknown) => x);
  t.equal(findSinkBlock(e)?.finding.rule, 'policy.egress');
  // A name the allowlist does not name is decided after DNS (localhost resolves to loopback).
  const e2 = await runWithInvocation({ requests: httpRequest({}), policies }, () => fetch(`http://localhost:${port}/exfil`)).catch((x: unknown) => x);
  t.equal(findSinkBlock(e2)?.finding.rule, 'policy.egress');
  t.equal(hits, 0, 'nothing left the function');
  // alert: reported, not blocked.
  const alerts: SinkFinding[] = [];
  const alert = resolvePolicies({ egress: { action: 'alert', allow: [], allowLoopback: false } }, {});
  const body = await runWithInvocation({ requests: httpRequest({}), policies: alert, report: (f) => alerts.push(f) }, () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()));
  t.equal(body, 'ok');
  t.equal(alerts[0]?.rule, 'policy.egress');
  t.equal(alerts[0]?.blocked, false);
  uninstallSinks();
});

t.test('childProcess, fsWrite and codeRead', async (t) => {
  const code = path.join(dir, 'task');
  fs.mkdirSync(path.join(code, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(code, 'index.js'), 'secret source');
  fs.writeFileSync(path.join(code, 'templates', 'mail.html'), '<p>hi</p>');
  fs.writeFileSync(path.join(code, 'mod.js'), 'module.exports = 42;');
  const writable = path.join(dir, 'writable');
  fs.mkdirSync(writable);
  const policies = resolvePolicies(
    {
      childProcess: { action: 'block', allow: ['echo'] },
      fsWrite: { allow: [writable] },
      codeRead: { action: 'block', dirs: [code], allow: ['templates/'] },
    },
    {},
  );
  installSinks({ policies });
  t.teardown(() => uninstallSinks());
  const inv = <T>(fn: () => T): T => runWithInvocation({ requests: httpRequest({}), policies }, fn);
  t.throws(() => fs.writeFileSync(path.join(dir, 'cold-start.txt'), 'x'), SinkBlockedError, 'policies hold outside invocations too');
  t.throws(() => inv(() => execSync('ls /')), SinkBlockedError, 'child process');
  t.equal(inv(() => execSync('echo ok').toString().trim()), 'ok', 'allowed program');
  t.throws(() => inv(() => fs.writeFileSync(path.join(dir, 'outside.txt'), 'x')), SinkBlockedError, 'write outside');
  t.notOk(fs.existsSync(path.join(dir, 'outside.txt')));
  inv(() => fs.writeFileSync(path.join(writable, 'ok.txt'), 'x'));
  t.ok(fs.existsSync(path.join(writable, 'ok.txt')), 'write inside');
  t.throws(() => inv(() => fs.readFileSync(path.join(code, 'index.js'), 'utf8')), SinkBlockedError, 'code read');
  t.equal(inv(() => fs.readFileSync(path.join(code, 'templates', 'mail.html'), 'utf8')), '<p>hi</p>', 'allowed template');
  // A symlink in a writable dir must not open the code directory.
  fs.symlinkSync(path.join(code, 'index.js'), path.join(writable, 'link.js'));
  t.throws(() => inv(() => fs.readFileSync(path.join(writable, 'link.js'), 'utf8')), SinkBlockedError, 'code read through a symlink');
  // Module loading is not the application reading its code.
  t.equal(inv(() => require(path.join(code, 'mod.js'))), 42);
  uninstallSinks();
});

t.test('credentialEnv: reads of credential variables', async (t) => {
  const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  process.env.AWS_SECRET_ACCESS_KEY = key;
  process.env.AWS_REGION = 'eu-west-1';
  const reader = path.join(dir, 'node_modules', '@aws-sdk', 'credential-provider-env', 'index.js');
  fs.mkdirSync(path.dirname(reader), { recursive: true });
  fs.writeFileSync(reader, 'module.exports = () => process.env.AWS_SECRET_ACCESS_KEY;');
  // tap's process-info hook copies the environment into every child process it spawns, as APM agents
  // do: such a module must be allowed by name.
  const policies = resolvePolicies({ credentialEnv: { action: 'block', allowModules: ['@tapjs/processinfo', 'process-on-spawn'] } }, {});
  const r = installSinks({ policies });
  t.ok(r.installed.includes('process.env (credential variables)'));
  const inv = <T>(fn: () => T): T => runWithInvocation({ requests: httpRequest({}), policies }, fn);
  t.throws(() => inv(() => JSON.stringify(process.env)), SinkBlockedError, 'env dump');
  t.throws(() => inv(() => process.env.AWS_SECRET_ACCESS_KEY), SinkBlockedError, 'direct read');
  t.throws(() => inv(() => fs.readFileSync('/proc/self/environ')), SinkBlockedError, '/proc/self/environ');
  t.equal(inv(() => process.env.AWS_REGION), 'eu-west-1', 'other variables are untouched');
  t.ok(inv(() => Object.keys(process.env)).includes('AWS_SECRET_ACCESS_KEY'), 'listing names is not a read');
  t.equal(inv(() => Object.getOwnPropertyDescriptor(process.env, 'AWS_SECRET_ACCESS_KEY')?.value), undefined, 'descriptor has no value');
  const sdk = require(reader) as () => string;
  t.equal(inv(() => sdk()), key, 'the SDK may read it');
  t.throws(() => process.env.AWS_SECRET_ACCESS_KEY, SinkBlockedError, 'outside an invocation too');
  t.equal(inv(() => execSync('echo $AWS_REGION', { env: process.env }).toString().trim()), 'eu-west-1', 'Node copying env for a child is allowed');
  process.env.NEW_VAR = '1';
  t.equal(process.env.NEW_VAR, '1', 'writes go through');
  delete process.env.NEW_VAR;
  t.equal(process.env.NEW_VAR, undefined, 'deletes go through');
  uninstallSinks();
  t.equal(process.env.AWS_SECRET_ACCESS_KEY?.length, 40, 'restored');
});

t.test('several protect() calls in one process: outside invocations the strictest mode holds and every reporter hears', async (t) => {
  const writable = path.join(dir, 'merge-writable');
  fs.mkdirSync(writable, { recursive: true });
  const heard1: SinkFinding[] = [];
  const heard2: SinkFinding[] = [];
  const policies = resolvePolicies({ fsWrite: { allow: [writable] } }, {});
  // The first handler blocks with policies; a second one (monitor, no policies) must not weaken that.
  installSinks({ policies, mode: 'block', report: (f) => heard1.push(f) });
  installSinks({ mode: 'monitor', report: (f) => heard2.push(f) });
  t.teardown(() => uninstallSinks());
  t.throws(() => fs.writeFileSync(path.join(dir, 'merged-cold-start.txt'), 'x'), SinkBlockedError, 'still blocked outside invocations');
  t.notOk(fs.existsSync(path.join(dir, 'merged-cold-start.txt')));
  t.equal(heard1.length, 1, 'the first reporter heard it');
  t.equal(heard2.length, 1, 'the second reporter heard it');
  uninstallSinks();
  // Monitor only: the write goes through, and is reported.
  installSinks({ policies, mode: 'monitor', report: (f) => heard1.push(f) });
  fs.writeFileSync(path.join(dir, 'monitored.txt'), 'x');
  t.ok(fs.existsSync(path.join(dir, 'monitored.txt')), 'monitor lets it through');
  t.equal(heard1.length, 2, 'and reports it');
});
