/**
 * Virtual patches: loading and validation (errors name the rule), each matcher kind, path globs, and
 * the per-source matcher driven exactly as the engine's walk will drive it, over requests that the
 * real Lambda, Azure and GCP normalizers produce.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpRequest } from '@azure/functions';
import { normalize as normalizeLambda } from '../../adapters/aws-lambda/normalize';
import { normalizeHttp as normalizeAzure } from '../../adapters/azure-functions/normalize';
import { normalizeHttp as normalizeGcp } from '../../adapters/gcp-functions/normalize';
import { decodePayload, looksLikeJson } from '../../src/body';
import { RaspConfigError } from '../../src/errors';
import { compilePatches, loadVirtualPatches, resolveVirtualPatches, type PatchMatcher, type VirtualPatchRule } from '../../src/patches/index';
import type { Segment } from '../../src/paths';
import type { Finding, InspectionRequest } from '../../src/types';
import * as ev from '../helpers/lambda-events';
import { tempDir } from '../sinks/helpers';

/**
 * The engine's walk reduced to what the patch calls need: the raw payload text of a decoded source
 * (body, record), then every value with the segment stack after decoding like the engine, JSON-looking
 * strings parsed and walked under the same path. These are the two calls the lead adds to engine.ts.
 */
function walk(req: InspectionRequest, patches: PatchMatcher): Finding[] {
  const out: Finding[] = [];
  for (const source of req.sources) {
    const m = patches.forSource(source);
    if (m === undefined) continue;
    const segs: Segment[] = [];
    let value = source.value;
    if ((source.decoding ?? 'none') !== 'none' || source.base64 === true) {
      // The raw payload text, before the engine parses it (second call the lead adds).
      if (typeof value === 'string' && source.base64 !== true) {
        const hits = m(segs, value);
        if (hits !== undefined) out.push(...hits);
      }
      value = decodePayload(value, source.decoding ?? 'none', source.contentType, source.base64 === true).value;
    }
    const visit = (v: unknown): void => {
      const hits = m(segs, v);
      if (hits !== undefined) out.push(...hits);
      if (typeof v === 'string') {
        if (looksLikeJson(v)) {
          try {
            const parsed: unknown = JSON.parse(v);
            if (parsed !== null && typeof parsed === 'object') visit(parsed);
          } catch {
            // text
          }
        }
        return;
      }
      if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
      if (Array.isArray(v)) {
        v.forEach((x, i) => {
          segs.push(i);
          visit(x);
          segs.pop();
        });
      } else {
        for (const k in v) {
          if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
          segs.push(k);
          visit((v as Record<string, unknown>)[k]);
          segs.pop();
        }
      }
    };
    visit(value);
  }
  return out;
}

const rulesOf = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.path}`);

function configError(fn: () => unknown): RaspConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RaspConfigError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

t.test('invalid rules fail at cold start with a message that names the rule and the fix', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [[{ where: 'query.q', match: 'x' }], /virtualPatches\[0\] needs an 'id'/],
    [[{ id: 'a b', where: 'query.q', match: 'x' }], /virtualPatches\[0\] needs an 'id' of letters/],
    [[{ id: 'dup', where: 'query.q', match: 'x' }, { id: 'dup', where: 'query.q', match: 'y' }], /rule 'dup' is defined twice/],
    [[{ id: 'ua', where: 'header.user-agent', match: 'x' }], /rule 'ua': where 'header.user-agent' starts with 'header', which is no input source \(write 'headers.<name>'\)/],
    [[{ id: 'ua', where: [], match: 'x' }], /rule 'ua': where must be an input path/],
    [[{ id: 'ix', where: 'records[x].body', match: 'x' }], /rule 'ix': where 'records\[x\].body' has the index '\[x\]'; write \[3\] or \[\*\]/],
    [[{ id: 'star', where: 'body.foo*', match: 'x' }], /rule 'star'.*must be whole segments/],
    [[{ id: 'act', where: 'query.q', match: 'x', action: 'deny' }], /rule 'act': action must be 'block' or 'monitor'/],
    [[{ id: 'key', where: 'query.q', match: 'x', severity: 'high' }], /rule 'key': unknown key 'severity'/],
    [[{ id: 'm0', where: 'query.q', match: '' }], /rule 'm0': match is an empty pattern/],
    [[{ id: 'm1', where: 'query.q', match: { equals: 'a', contains: 'b' } }], /rule 'm1': match must have exactly one of/],
    [[{ id: 'm2', where: 'query.q', match: { startsWith: 'a' } }], /rule 'm2': match must have exactly one of .*\(unknown: startsWith\)/],
    [[{ id: 'm3', where: 'query.q', match: { longerThan: -1 } }], /rule 'm3': match.longerThan must be a non-negative integer/],
    [[{ id: 'm4', where: 'query.q', match: { regex: 'a', flags: 'g' } }], /rule 'm4': match.flags/],
    [[{ id: 'lookbehind', where: 'query.q', match: '(?<=a)b' }], /rule 'lookbehind': the pattern \/\(\?<=a\)b\/ is not valid RE2 .*no lookaround/],
    [[{ id: 'paren', where: 'query.q', match: { regex: '(' } }], /rule 'paren': the pattern \/\(\/ is not valid RE2/],
    [[{ id: 'sch', where: 'body', match: { schema: { type: 'strng' } } }], /rule 'sch': match.schema does not compile/],
    [[{ id: 'sch2', where: 'body', match: { schema: { typo: 1 } } }], /rule 'sch2': match.schema does not compile .*unknown keyword/],
    [42, /options.virtualPatches must be an array of rules/],
  ];
  for (const [v, re] of cases) {
    const err = configError(() => resolveVirtualPatches(v));
    t.equal(err.code, 'RASP_ERR_OPTIONS');
    t.match(err.message, re);
  }
});

t.test('rules load from a JSON file (array or { rules }), relative to the function directory', async (t) => {
  const dir = tempDir('rasp-patches-');
  const rules: VirtualPatchRule[] = [{ id: 'ua', where: 'headers.user-agent', match: 'sqlmap', action: 'block' }];
  fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(rules));
  fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ rules }));
  fs.writeFileSync(path.join(dir, 'bad.json'), '[{ "id": "x", ');
  fs.writeFileSync(path.join(dir, 'invalid.json'), JSON.stringify([{ id: 'from-file', where: 'query', match: { regex: '[' } }]));
  t.equal(resolveVirtualPatches('a.json', dir)!.size, 1);
  t.equal(resolveVirtualPatches(path.join(dir, 'b.json'))!.size, 1);
  t.match(configError(() => resolveVirtualPatches('missing.json', dir)).message, /names .*missing.json, which cannot be read \(ENOENT\)/);
  t.match(configError(() => resolveVirtualPatches('bad.json', dir)).message, /bad.json is not valid JSON/);
  t.match(configError(() => resolveVirtualPatches('invalid.json', dir)).message, /rule 'from-file': the pattern \/\[\/ is not valid RE2/);
  t.equal(resolveVirtualPatches(undefined), undefined);
  t.equal(resolveVirtualPatches([]), undefined, 'an empty set compiles to nothing');
});

t.test('an empty set costs nothing: no source gets a matcher', async (t) => {
  const empty = compilePatches([]);
  t.equal(empty.size, 0);
  t.equal(empty.forSource({ kind: 'header', path: 'headers' }), undefined);
  t.same(empty('headers.user-agent', 'x', 'header'), []);
});

t.test('forSource hands a matcher only to sources a rule can reach', async (t) => {
  const p = compilePatches(loadVirtualPatches([
    { id: 'ua', where: 'headers.user-agent', match: 'x' },
    { id: 'rec', where: 'records[*].body.cmd', match: 'x' },
    { id: 'deep', where: '**.password', match: 'x' },
  ]));
  const has = (kind: Finding['source'], sp: string) => p.forSource({ kind, path: sp }) !== undefined;
  t.ok(has('header', 'headers'));
  t.ok(has('record', 'records[3].body'));
  t.ok(has('body', 'body'), '** reaches everything');
  const body = p.forSource({ kind: 'body', path: 'body' })!;
  t.equal(p.forSource({ kind: 'body', path: 'body' }), body, 'bound once per source path, reused across invocations');
  t.same(body(['a', 0, 'Password'], 'x')!.map((f) => `${f.rule} ${f.path} ${f.snippet}`), ['patch.deep body.a[0].Password [redacted]'], '** at any depth, case-insensitive keys');
  t.equal(body(['a', 'b'], 'x'), undefined, 'no hit: undefined, nothing allocated');
  const only = compilePatches(loadVirtualPatches([{ id: 'ua', where: 'headers.user-agent', match: 'x' }]));
  t.equal(only.forSource({ kind: 'query', path: 'query' }), undefined);
  t.equal(only.forSource({ kind: 'body', path: 'body' }), undefined);
  t.equal(only.forSource({ kind: 'record', path: 'records[0].body' }), undefined);
});

t.test('matchers: regex (RE2, decoded forms), equals, contains, longerThan, schema', async (t) => {
  const p = compilePatches(loadVirtualPatches([
    { id: 'log4shell', description: 'Log4Shell lookup', where: ['headers.*', 'query.*'], match: { regex: '\\$\\{\\s*jndi\\s*:', flags: 'i' } },
    { id: 'role', where: 'body.role', match: { equals: 'admin' } },
    { id: 'num', where: 'body.count', match: { equals: 0 } },
    { id: 'tpl', where: 'body.**', match: { contains: '{{constructor', ignoreCase: true } },
    { id: 'long', where: 'body.comment', match: { longerThan: 10 }, action: 'monitor' },
    { id: 'array-type', where: 'body.password', match: { schema: { type: 'array' } } },
    { id: 'raw', where: 'query.raw', match: '%00', decode: false },
  ]));
  const m = (sp: string, kind: Finding['source'], segs: Segment[], v: unknown) => (p.forSource({ kind, path: sp })?.(segs, v) ?? []).map((f) => f.rule);
  t.same(m('headers', 'header', ['x-api-version'], '${jndi:ldap://x/a}'), ['patch.log4shell']);
  t.same(m('headers', 'header', ['x-api-version'], '${JNDI:ldap://x/a}'), ['patch.log4shell'], 'flag i');
  t.same(m('query', 'query', ['q'], '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D'), ['patch.log4shell'], 'percent-decoded form');
  t.same(m('query', 'query', ['raw'], '%00'), ['patch.raw'], 'decode: false matches the raw form');
  t.same(m('body', 'body', ['role'], 'admin'), ['patch.role']);
  t.same(m('body', 'body', ['role'], 'administrator'), [], 'equals is exact');
  t.same(m('body', 'body', ['count'], 0), ['patch.num'], 'numbers');
  t.same(m('body', 'body', ['a', 'b', 3], 'x {{Constructor.constructor}}'), ['patch.tpl'], 'contains, ignoreCase, any depth');
  t.same(m('body', 'body', ['comment'], 'short'), []);
  t.same(m('body', 'body', ['comment'], 'x'.repeat(11)), ['patch.long']);
  t.same(m('body', 'body', ['password'], ['a', 'b']), ['patch.array-type'], 'schema on a container');
  t.same(m('body', 'body', ['password'], 'secret'), []);
  t.ok(p.monitorRules.has('patch.long'));
  t.notOk(p.monitorRules.has('patch.role'));

  const [f] = p.forSource({ kind: 'body', path: 'body' })!(['password'], ['a'])!;
  t.same(f, { rule: 'patch.array-type', class: 'custom', confidence: 'high', source: 'body', path: 'body.password', reason: "Virtual patch 'array-type' matched: value matching the rule schema.", snippet: '[redacted]' });
  const [g] = p.forSource({ kind: 'header', path: 'headers' })!(['x-api-version'], '${jndi:ldap://x/a}')!;
  t.equal(g!.reason, "Virtual patch 'log4shell' matched: Log4Shell lookup.");
  t.equal(g!.snippet, '${jndi:ldap://x/a}');
  t.equal(g!.path, 'headers.x-api-version');
});

t.test('the full-path matcher (path string, value, source)', async (t) => {
  const p = compilePatches(loadVirtualPatches([{ id: 'rec', where: 'records[*].body.cmd', match: ';' }]));
  t.same(rulesOf(p('records[2].body.cmd', 'ls; id', 'record')), ['patch.rec records[2].body.cmd']);
  t.same(p('records[2].body.other', 'ls; id', 'record'), []);
  t.same(p('records.body.cmd', 'ls; id', 'record'), [], '[*] only matches an index');
});

t.test('a header patch matches exactly the requests it should on Lambda, Azure and GCP', async (t) => {
  const patches = compilePatches(loadVirtualPatches([{ id: 'scanner-ua', where: 'headers.user-agent', match: { regex: '(sqlmap|nikto|masscan)', flags: 'i' } }]));
  const bad = 'sqlmap/1.7.2#stable (https://sqlmap.org)';
  const good = 'Mozilla/5.0 (Macintosh) sqlmapper-docs-reader'; // "sqlmap" inside a word still matches the pattern...
  const clean = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0';

  const lambda = (ua: string): InspectionRequest => {
    const n = normalizeLambda(ev.apiGatewayV2({ headers: { 'User-Agent': ua }, query: { q: ua } }));
    if (n.kind !== 'http') throw new Error('expected http');
    return n.request;
  };
  const azure = (ua: string) =>
    normalizeAzure(new HttpRequest({ method: 'GET', url: `https://app.azurewebsites.net/api/orders?q=${encodeURIComponent(ua)}`, headers: { 'User-Agent': ua } }), undefined);
  const gcp = (ua: string): InspectionRequest =>
    normalizeGcp({ method: 'GET', url: '/orders', path: '/orders', headers: { 'user-agent': ua, host: 'fn.run.app' }, query: { q: ua } } as never);

  for (const [name, build] of [
    ['lambda', async (ua: string) => lambda(ua)],
    ['azure', azure],
    ['gcp', async (ua: string) => gcp(ua)],
  ] as const) {
    t.same(rulesOf(walk(await build(bad), patches)), ['patch.scanner-ua headers.user-agent'], `${name}: scanner UA matched, once, in the header only (not the query echo)`);
    t.same(walk(await build(clean), patches), [], `${name}: ordinary UA passes`);
    t.equal(walk(await build(good), patches).length, 1, `${name}: the pattern decides (a looser pattern matches more)`);
  }
});

t.test('repeated values: a scalar rule on a path also sees an array of values there', async (t) => {
  const p = compilePatches(loadVirtualPatches([{ id: 'id', where: 'query.id', match: { equals: '0' } }]));
  const req: InspectionRequest = { sources: [{ kind: 'query', path: 'query', value: { id: ['1', '0'] } }] };
  t.same(rulesOf(walk(req, p)), ['patch.id query.id[1]']);
  const s = compilePatches(loadVirtualPatches([{ id: 'arr', where: 'query.id', match: { schema: { type: 'string' } } }]));
  t.same(walk(req, s), [], 'schema rules see the node at the path itself');
});

t.test('records and JSON inside strings (SQS bodies)', async (t) => {
  const p = compilePatches(loadVirtualPatches([
    { id: 'cmd', where: 'records[*].body.cmd', match: '[;|&]' },
    { id: 'whole-body', where: 'records[*].body', match: { contains: '"debug":true' } },
  ]));
  const n = normalizeLambda(ev.sqs([{ body: JSON.stringify({ cmd: 'ls; id', debug: true }) }, { body: JSON.stringify({ cmd: 'ls' }) }]));
  if (n.kind !== 'batch') throw new Error('expected batch');
  t.same(rulesOf(walk(n.records[0]!.request, p)).sort(), ['patch.cmd records[0].body.cmd', 'patch.whole-body records[0].body']);
  t.same(walk(n.records[1]!.request, p), []);
});
