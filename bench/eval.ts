/**
 * Detection quality on a labelled corpus, side by side with libddwaf, in one run.
 *
 *   npm run eval -- <corpus.jsonl> [--paranoia 1|2|3] [--show-misses N] [--show-fps N]
 *                                  [--only class,class] [--no-libddwaf]
 *
 * The corpus has one JSON object per line: `payload`, `label` (`attack` | `benign`), `class`, optional
 * `id`, `source` and `meta.tags`. Every payload goes through the real AWS Lambda `protect()` path, as an
 * API Gateway HTTP API (v2) event built by the test event builders, once per input source:
 *
 *   query   `?q=<payload>`: rawQueryString percent-encoded, queryStringParameters decoded
 *   body    a JSON body field: `{"sku":"A-1","note":<payload>}`
 *   header  `x-note: <payload>`; only where a header can carry it (no CR, LF or other control
 *           characters, nothing above U+00FF); leading and trailing blanks are stripped, as servers do
 *   path    `/files/{proxy+}`: rawPath percent-encoded, pathParameters.proxy decoded
 *
 * Every event comes from the same public client address (X-Forwarded-For, requestContext.http.sourceIp).
 * Blocked means a 403 answer. libddwaf (Datadog's recommended ruleset) gets the same request data
 * dd-trace would hand it for each event; it "detects" when it returns any event, and is "typed" when
 * the matching rule's type corresponds to the corpus class. Corpus rows are printed to the terminal
 * only (misses and false positives); nothing is written to disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { protect, type Finding, type ProtectOptions, type SecurityEvent } from 'serverless-rasp/aws-lambda';
import * as ev from '../test/helpers/lambda-events';
import { charMask } from '../src/charclass';
import { deepDecode } from '../src/decode';
import { DETECTORS } from '../src/detectors/index';
import { loadLibddwaf, type Libddwaf, type LibddwafRequest } from './peers/libddwaf';

// ---------------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------------

interface Row {
  line: number;
  id: string;
  payload: string;
  label: 'attack' | 'benign';
  /** The display class (`cmdi` → `shell`, `path` → `path-traversal`). */
  cls: string;
  source: string;
  tags: string[];
  /** Carries a residual encoding (see ENCODING_TAGS). */
  encoded: boolean;
}

/** Corpus class → the name printed (and matched in `--only`). */
const CLASS_NAMES: Record<string, string> = {
  sqli: 'sqli',
  xss: 'xss',
  cmdi: 'shell',
  path: 'path-traversal',
  ssrf: 'ssrf',
  nosql: 'nosql',
  ssti: 'ssti',
  xxe: 'xxe',
  ldap: 'ldap',
  log4shell: 'log4shell',
  proto: 'proto',
  other: 'other',
};
const CLASS_ORDER = Object.values(CLASS_NAMES);

/** `meta.tags` that mean the payload still carries an encoding the application would undo. */
const ENCODING_TAGS = new Set(['url-encoded', 'double-url-encoded', 'html-entities', 'ms-unicode-encoded', 'escape-sequences']);

/**
 * Our finding classes (or rule-id prefixes: `ssti.expression` → `ssti`) that correspond to a corpus
 * class; a finding of another class still blocks and counts as detected, but not as "typed". Names not
 * in AttackClass today are listed for the detectors being added (template injection, LDAP, JNDI, XXE).
 */
const OUR_CLASSES: Record<string, readonly string[] | undefined> = {
  sqli: ['sqli'],
  xss: ['xss'],
  shell: ['shell'],
  'path-traversal': ['path-traversal'],
  ssrf: ['ssrf'],
  nosql: ['nosqli'],
  ssti: ['ssti', 'template-injection', 'code-injection'],
  xxe: ['xxe'],
  ldap: ['ldap', 'ldapi', 'ldap-injection'],
  log4shell: ['jndi', 'log4shell', 'code-injection'],
  proto: ['prototype-pollution'],
  other: undefined,
};

/** libddwaf rule types (`tags.type` in the recommended ruleset) that correspond to a corpus class. */
const DD_TYPES: Record<string, readonly string[] | undefined> = {
  sqli: ['sql_injection'],
  xss: ['xss', 'js_code_injection'],
  shell: ['command_injection'],
  'path-traversal': ['lfi'],
  ssrf: ['ssrf'],
  nosql: ['nosql_injection'],
  ssti: ['java_code_injection', 'js_code_injection', 'php_code_injection'],
  xxe: ['xxe'],
  ldap: [],
  log4shell: ['exploit_detection', 'java_code_injection'],
  proto: ['js_code_injection'],
  other: undefined,
};

function readCorpus(file: string): Row[] {
  const text = fs.readFileSync(file, 'utf8');
  const rows: Row[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let o: { id?: unknown; payload?: unknown; label?: unknown; class?: unknown; source?: unknown; meta?: { tags?: unknown } };
    try {
      o = JSON.parse(line) as typeof o;
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (typeof o.payload !== 'string') throw new Error(`${file}:${i + 1}: "payload" must be a string`);
    if (o.label !== 'attack' && o.label !== 'benign') throw new Error(`${file}:${i + 1}: "label" must be "attack" or "benign"`);
    const rawClass = typeof o.class === 'string' ? o.class : o.label;
    const tags = Array.isArray(o.meta?.tags) ? (o.meta.tags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
    rows.push({
      line: i + 1,
      id: typeof o.id === 'string' ? o.id : `line ${i + 1}`,
      payload: o.payload,
      label: o.label,
      cls: o.label === 'benign' ? 'benign' : (CLASS_NAMES[rawClass] ?? rawClass),
      source: typeof o.source === 'string' ? o.source : '',
      tags,
      encoded: tags.some((t) => ENCODING_TAGS.has(t)),
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Events: one per input source
// ---------------------------------------------------------------------------------------------------

const SOURCES = ['query', 'body', 'header', 'path'] as const;
type Src = (typeof SOURCES)[number];

type Built = { event: APIGatewayProxyEventV2 } | { skip: string };

/** Why a value cannot travel in an HTTP header, or undefined when it can (after trimming blanks). */
function headerProblem(v: string): string | undefined {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 10 || c === 13) return 'CR/LF';
    if (c > 0xff) return 'non-Latin-1';
    if ((c < 32 && c !== 9) || c === 127) return 'control character';
  }
  return v.length === 0 ? 'empty after trimming' : undefined;
}

/**
 * The caller's address: a routable public one, as in production traffic (the builders' default is a
 * documentation address, which is reserved, and some detectors rightly or wrongly look at reserved
 * addresses in X-Forwarded-For).
 */
const CLIENT_IP = '52.94.236.248';

function buildEvent(src: Src, payload: string): Built {
  const sourceIp = CLIENT_IP;
  switch (src) {
    case 'query':
      return { event: ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET', query: { q: payload }, sourceIp }) };
    case 'body':
      return {
        event: ev.apiGatewayV2({
          routeKey: 'POST /orders',
          path: '/orders',
          method: 'POST',
          body: JSON.stringify({ sku: 'A-1', note: payload }),
          headers: { 'content-type': 'application/json' },
          sourceIp,
        }),
      };
    case 'header': {
      const v = payload.replace(/^[ \t]+|[ \t]+$/g, '');
      const problem = headerProblem(v);
      if (problem !== undefined) return { skip: problem };
      return { event: ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET', headers: { 'x-note': v }, sourceIp }) };
    }
    case 'path':
      return {
        event: ev.apiGatewayV2({
          routeKey: 'GET /files/{proxy+}',
          path: `/files/${encodeURIComponent(payload)}`,
          method: 'GET',
          pathParameters: { proxy: payload },
          sourceIp,
        }),
      };
  }
}

/** What dd-trace's Lambda integration hands libddwaf for this event. */
function ddRequest(e: APIGatewayProxyEventV2): LibddwafRequest {
  const req: LibddwafRequest = {
    query: { ...(e.queryStringParameters ?? {}) },
    headers: { ...e.headers },
    cookies: {},
    uri: e.rawPath + (e.rawQueryString ? `?${e.rawQueryString}` : ''),
    method: e.requestContext.http.method,
    ip: e.requestContext.http.sourceIp,
  };
  if (e.pathParameters) req.pathParams = { ...e.pathParameters };
  if (e.body !== undefined) req.body = JSON.parse(e.body) as unknown;
  return req;
}

// ---------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------

interface Outcome {
  src: Src;
  ours: boolean;
  rules: string[];
  /** Finding classes and rule-id prefixes. */
  classes: string[];
  dd: boolean;
  ddTypes: string[];
  ddIds: string[];
}

interface RowResult {
  row: Row;
  outcomes: Outcome[];
  skipped: Array<[Src, string]>;
}

interface Runner {
  run(row: Row): Promise<RowResult>;
  oursMicros: number;
  ddMicros: number;
  requests: number;
}

function makeRunner(paranoia: 1 | 2 | 3, waf: Libddwaf | undefined): Runner {
  let last: Finding[] = [];
  const options = {
    log: false,
    paranoia,
    // Input inspection only: the sink hooks (#5) would patch this process's built-ins.
    sinks: false,
    onSecurityEvent: (e: SecurityEvent) => {
      if (e.action === 'block' || e.action === 'monitor') last = e.findings;
    },
  } as ProtectOptions;
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), options);
  const context: Context = ev.lambdaContext({ functionName: 'eval' });
  const runner: Runner = {
    oursMicros: 0,
    ddMicros: 0,
    requests: 0,
    async run(row) {
      const outcomes: Outcome[] = [];
      const skipped: Array<[Src, string]> = [];
      for (const src of SOURCES) {
        const built = buildEvent(src, row.payload);
        if ('skip' in built) {
          skipped.push([src, built.skip]);
          continue;
        }
        last = [];
        let t = process.hrtime.bigint();
        const res = (await handler(built.event, context)) as { statusCode?: number };
        runner.oursMicros += Number(process.hrtime.bigint() - t) / 1000;
        runner.requests++;
        const ours = res.statusCode === 403;
        const findings = ours ? last : [];
        let dd: Array<{ id: string; type: string }> = [];
        if (waf) {
          const req = ddRequest(built.event);
          t = process.hrtime.bigint();
          dd = waf.run(req);
          runner.ddMicros += Number(process.hrtime.bigint() - t) / 1000;
        }
        outcomes.push({
          src,
          ours,
          rules: [...new Set(findings.map((f) => f.rule))],
          classes: [...new Set(findings.flatMap((f) => [f.class as string, f.rule.split('.')[0]!]))],
          dd: dd.length > 0,
          ddTypes: [...new Set(dd.map((d) => d.type))],
          ddIds: [...new Set(dd.map((d) => d.id))],
        });
      }
      return { row, outcomes, skipped };
    },
  };
  return runner;
}

// ---------------------------------------------------------------------------------------------------
// Tallies
// ---------------------------------------------------------------------------------------------------

class Tally {
  n = 0;
  ours = 0;
  oursTyped = 0;
  dd = 0;
  ddTyped = 0;
}

type Bucket = 'all' | 'plain' | 'enc';
type Where = Src | 'all';

class ClassStats {
  rows = { all: 0, plain: 0, enc: 0 };
  readonly t = new Map<string, Tally>();
  readonly rules = new Map<string, number>();
  readonly ddTypes = new Map<string, number>();
  /** Requests blocked by nothing of ours but caught by a corresponding libddwaf rule. */
  ddOnly = 0;
  oursOnly = 0;
  tally(b: Bucket, w: Where): Tally {
    const k = `${b}/${w}`;
    let x = this.t.get(k);
    if (!x) this.t.set(k, (x = new Tally()));
    return x;
  }
}

function bump(m: Map<string, number>, k: string, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

function intersects(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.some((x) => b.includes(x));
}

// ---------------------------------------------------------------------------------------------------
// Mask gating check: a detector that fires must have been allowed to run by the engine's mask.
// ---------------------------------------------------------------------------------------------------

interface Violation {
  row: Row;
  detector: string;
  rule: string;
  decoded: boolean;
}

function maskViolations(rows: readonly Row[]): { checked: number; violations: Violation[] } {
  const violations: Violation[] = [];
  let checked = 0;
  for (const row of rows) {
    const forms: Array<[string, boolean]> = [[row.payload, false]];
    const d = deepDecode(row.payload);
    if (d !== undefined) forms.push([d, true]);
    for (const [s, decoded] of forms) {
      const mask = charMask(s);
      for (const entry of DETECTORS) {
        if (entry.value === undefined) continue;
        checked++;
        // The engine calls the detector when the mask meets `needs` (and `needsAlso`, where given).
        if ((mask & entry.needs) !== 0 && (entry.needsAlso === undefined || (mask & entry.needsAlso) !== 0)) continue;
        let hit;
        try {
          hit = entry.value(s);
        } catch {
          hit = undefined;
        }
        if (hit !== undefined) violations.push({ row, detector: entry.class, rule: hit.rule, decoded });
      }
    }
  }
  return { checked, violations };
}

// ---------------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------------

function pct(a: number, n: number, digits = 1): string {
  return n === 0 ? '—' : `${((100 * a) / n).toFixed(digits)}%`;
}

function pad(s: string | number, w: number): string {
  const x = String(s);
  return x.length >= w ? x : ' '.repeat(w - x.length) + x;
}

function padr(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function show(payload: string, max = 180): string {
  const j = JSON.stringify(payload);
  return j.length > max ? `${j.slice(0, max)}…(${payload.length} chars)` : j;
}

interface Args {
  corpus: string;
  paranoia: 1 | 2 | 3;
  showMisses: number;
  showFps: number;
  only: Set<string> | undefined;
  ddwaf: boolean;
}

function usage(message?: string): never {
  if (message) console.error(`eval: ${message}`);
  const text = 'usage: npm run eval -- <corpus.jsonl> [--paranoia 1|2|3] [--show-misses N (per class, default 5)] [--show-fps N (default 10)] [--only class,class] [--no-libddwaf]';
  if (message) console.error(text);
  else console.log(text);
  process.exit(message ? 1 : 0);
}

function parseArgs(argv: string[]): Args {
  const out: Args = { corpus: '', paranoia: 1, showMisses: 5, showFps: 10, only: undefined, ddwaf: true };
  const int = (v: string | undefined, name: string): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) usage(`${name} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--paranoia') {
      const p = int(argv[++i], a);
      if (p !== 1 && p !== 2 && p !== 3) usage('--paranoia must be 1, 2 or 3');
      out.paranoia = p;
    } else if (a === '--show-misses') out.showMisses = int(argv[++i], a);
    else if (a === '--show-fps') out.showFps = int(argv[++i], a);
    else if (a === '--only') {
      const v = argv[++i];
      if (!v) usage('--only needs a comma-separated class list');
      out.only = new Set(v.split(',').map((s) => CLASS_NAMES[s.trim()] ?? s.trim()));
    } else if (a === '--no-libddwaf') out.ddwaf = false;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else if (out.corpus === '') out.corpus = a;
    else usage(`unexpected argument ${a}`);
  }
  if (out.corpus === '') usage('give the corpus file');
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  let rows = readCorpus(args.corpus);
  if (args.only) rows = rows.filter((r) => r.label === 'benign' || args.only!.has(r.cls));
  const waf = args.ddwaf ? loadLibddwaf() : undefined;
  const runner = makeRunner(args.paranoia, waf);

  // The events around the payloads must be clean for both engines, or every figure is wrong: say so
  // loudly (a detector that flags the platform's own headers is a finding in itself).
  const base = await runner.run({ line: 0, id: 'baseline', payload: 'summer sale', label: 'benign', cls: 'benign', source: '', tags: [], encoded: false });
  const warnings: string[] = [];
  for (const o of base.outcomes) {
    if (o.ours || o.dd) {
      warnings.push(`WARNING: the ${o.src} event with the benign payload "summer sale" is flagged (ours: ${o.rules.join(',') || '-'}; libddwaf: ${o.ddIds.join(',') || '-'}); every figure below is affected.`);
    }
  }
  runner.oursMicros = runner.ddMicros = runner.requests = 0;

  const stats = new Map<string, ClassStats>();
  const statsOf = (cls: string): ClassStats => {
    let s = stats.get(cls);
    if (!s) stats.set(cls, (s = new ClassStats()));
    return s;
  };
  const skippedHeaders = new Map<string, number>();
  const misses = new Map<string, RowResult[]>();
  const fps: RowResult[] = [];
  /** Benign requests blocked, attributed to the corpus class our finding (or libddwaf's type) belongs to. */
  const fpByClassOurs = new Map<string, number>();
  const fpByClassDd = new Map<string, number>();
  const fpRules = new Map<string, number>();
  const fpDdTypes = new Map<string, number>();
  const benign = statsOf('benign');

  for (const row of rows) {
    const r = await runner.run(row);
    for (const [, why] of r.skipped) bump(skippedHeaders, why);
    const s = statsOf(row.cls);
    const bucket: Bucket = row.encoded ? 'enc' : 'plain';
    s.rows.all++;
    s.rows[bucket]++;
    const ourTypes = OUR_CLASSES[row.cls];
    const ddTypes = DD_TYPES[row.cls];
    let missed = false;
    let falsePositive = false;
    for (const o of r.outcomes) {
      const oursTyped = row.label === 'attack' && o.ours && (ourTypes === undefined || intersects(o.classes, ourTypes));
      const ddTyped = row.label === 'attack' && o.dd && (ddTypes === undefined || intersects(o.ddTypes, ddTypes));
      for (const b of ['all', bucket] as const) {
        for (const w of ['all', o.src] as const) {
          const t = s.tally(b, w);
          t.n++;
          if (o.ours) t.ours++;
          if (oursTyped) t.oursTyped++;
          if (o.dd) t.dd++;
          if (ddTyped) t.ddTyped++;
        }
      }
      if (row.label === 'attack') {
        for (const rule of o.rules) bump(s.rules, rule);
        for (const ty of o.ddTypes) bump(s.ddTypes, ty);
        if (!o.ours) missed = true;
        if (!o.ours && ddTyped) s.ddOnly++;
        if (o.ours && !o.dd) s.oursOnly++;
      } else {
        if (o.ours) {
          falsePositive = true;
          for (const rule of o.rules) bump(fpRules, rule);
          for (const [k, v] of Object.entries(OUR_CLASSES)) if (intersects(o.classes, v)) bump(fpByClassOurs, `${k}/${bucket}`);
        }
        if (o.dd) {
          for (const ty of o.ddTypes) bump(fpDdTypes, ty);
          for (const [k, v] of Object.entries(DD_TYPES)) if (intersects(o.ddTypes, v)) bump(fpByClassDd, `${k}/${bucket}`);
        }
      }
    }
    if (missed) {
      let list = misses.get(row.cls);
      if (!list) misses.set(row.cls, (list = []));
      list.push(r);
    }
    if (falsePositive) fps.push(r);
  }
  const gating = maskViolations(rows);
  const seconds = (Date.now() - started) / 1000;

  // ------------------------------------------------------------------------------------------------
  const line = '─'.repeat(118);
  const nAttack = rows.filter((r) => r.label === 'attack').length;
  console.log(`serverless-rasp detection eval — ${args.corpus}`);
  console.log(`${rows.length} rows (${nAttack} attack, ${rows.length - nAttack} benign), paranoia ${args.paranoia}, ${runner.requests} requests through protect() (API Gateway v2 events)`);
  console.log(`libddwaf ${waf ? `${waf.version}, ${waf.rules} rules (dd-trace recommended ruleset), same events` : 'skipped (--no-libddwaf)'}`);
  console.log(`Node ${process.version}, ${os.cpus()[0]?.model.trim() ?? '?'} ×${os.cpus().length}`);
  console.log(`"plain" = no residual encoding; "enc" = meta.tags has one of ${[...ENCODING_TAGS].join(', ')}.`);
  const skipTotal = [...skippedHeaders.values()].reduce((a, b) => a + b, 0);
  console.log(
    `header source: ${skipTotal} payloads could not travel in a header and were skipped there` +
      (skipTotal ? ` (${[...skippedHeaders].map(([k, v]) => `${v} ${k}`).join(', ')})` : '') +
      '; their other sources count.',
  );
  for (const w of warnings) console.log(w);
  console.log(`"det" = share of requests answered 403. "typed" = the firing rule's class matches the corpus class (ours: finding class; libddwaf: rule type).`);

  console.log(`\nDETECTION per class, all sources pooled (target: det ≥ 99% on plain, better than libddwaf)`);
  console.log(line);
  console.log(
    `${padr('class', 15)}${pad('rows', 6)}${pad('plain', 6)}${pad('reqs', 7)} │ ${pad('ours det', 9)}${pad('plain', 8)}${pad('enc', 8)}${pad('typed', 8)} │ ${pad('ddwaf det', 10)}${pad('plain', 8)}${pad('enc', 8)}${pad('typed', 8)} │ ${pad('ours-only', 10)}${pad('dd-only', 9)}`,
  );
  console.log(line);
  const classes = CLASS_ORDER.filter((c) => stats.has(c)).concat([...stats.keys()].filter((c) => c !== 'benign' && !CLASS_ORDER.includes(c)));
  let totAll = new Tally();
  for (const c of classes) {
    const s = stats.get(c)!;
    const a = s.tally('all', 'all');
    const p = s.tally('plain', 'all');
    const e = s.tally('enc', 'all');
    totAll = { n: totAll.n + a.n, ours: totAll.ours + a.ours, oursTyped: totAll.oursTyped + a.oursTyped, dd: totAll.dd + a.dd, ddTyped: totAll.ddTyped + a.ddTyped };
    console.log(
      `${padr(c, 15)}${pad(s.rows.all, 6)}${pad(s.rows.plain, 6)}${pad(a.n, 7)} │ ${pad(pct(a.ours, a.n), 9)}${pad(pct(p.ours, p.n), 8)}${pad(pct(e.ours, e.n), 8)}${pad(OUR_CLASSES[c] ? pct(a.oursTyped, a.n) : 'n/a', 8)} │ ${pad(pct(a.dd, a.n), 10)}${pad(pct(p.dd, p.n), 8)}${pad(pct(e.dd, e.n), 8)}${pad(DD_TYPES[c] ? pct(a.ddTyped, a.n) : 'n/a', 8)} │ ${pad(s.oursOnly, 10)}${pad(s.ddOnly, 9)}`,
    );
  }
  console.log(line);
  console.log(`${padr('all attacks', 15)}${pad(nAttack, 6)}${pad('', 6)}${pad(totAll.n, 7)} │ ${pad(pct(totAll.ours, totAll.n), 9)}${pad('', 24)} │ ${pad(pct(totAll.dd, totAll.n), 10)}`);
  console.log(`ours-only: requests we block and libddwaf does not flag at all; dd-only: requests a corresponding libddwaf rule flags and we let through.`);

  console.log(`\nDETECTION per class and source (ours / libddwaf)`);
  console.log(line);
  console.log(`${padr('class', 15)}${SOURCES.map((s) => pad(s, 22)).join('')}`);
  for (const c of classes) {
    const s = stats.get(c)!;
    const cells = SOURCES.map((src) => {
      const t = s.tally('all', src);
      return pad(`${pct(t.ours, t.n)} / ${pct(t.dd, t.n)}`, 22);
    });
    console.log(`${padr(c, 15)}${cells.join('')}`);
  }
  {
    const cells = SOURCES.map((src) => {
      let n = 0;
      let o = 0;
      let d = 0;
      for (const c of classes) {
        const t = stats.get(c)!.tally('all', src);
        n += t.n;
        o += t.ours;
        d += t.dd;
      }
      return pad(`${pct(o, n)} / ${pct(d, n)}`, 22);
    });
    console.log(`${padr('all attacks', 15)}${cells.join('')}`);
  }

  console.log(`\nFALSE POSITIVES on benign rows (target ≤ 0.1%, lower than libddwaf)`);
  console.log(line);
  console.log(`${padr('', 15)}${pad('reqs', 7)} │ ${pad('ours', 8)}${pad('(n)', 6)} │ ${pad('libddwaf', 9)}${pad('(n)', 6)}`);
  const fpLine = (label: string, t: Tally): void =>
    console.log(`${padr(label, 15)}${pad(t.n, 7)} │ ${pad(pct(t.ours, t.n, 2), 8)}${pad(t.ours, 6)} │ ${pad(pct(t.dd, t.n, 2), 9)}${pad(t.dd, 6)}`);
  fpLine('all', benign.tally('all', 'all'));
  fpLine('plain', benign.tally('plain', 'all'));
  fpLine('enc', benign.tally('enc', 'all'));
  for (const src of SOURCES) fpLine(`  ${src}`, benign.tally('all', src));
  console.log(`benign rows: ${benign.rows.all} (${benign.rows.plain} plain, ${benign.rows.enc} enc); rows blocked in at least one source: ${fps.length}`);
  console.log(`our FP rules: ${[...fpRules].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  console.log(`libddwaf FP types: ${[...fpDdTypes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);

  console.log(`\nTARGETS per class on plain payloads (FP = plain benign requests blocked by a rule of that class)`);
  console.log(line);
  console.log(`${padr('class', 15)}${pad('det ours', 9)}${pad('ddwaf', 8)}${pad('≥99%', 6)}${pad('>dd', 5)} │ ${pad('FP ours', 8)}${pad('ddwaf', 8)}${pad('≤0.1%', 7)}${pad('<dd', 5)} │ verdict`);
  const benignPlain = benign.tally('plain', 'all').n;
  for (const c of classes) {
    const p = stats.get(c)!.tally('plain', 'all');
    if (p.n === 0) continue;
    const det = p.ours / p.n;
    const ddDet = p.dd / p.n;
    const fo = fpByClassOurs.get(`${c}/plain`) ?? 0;
    const fd = fpByClassDd.get(`${c}/plain`) ?? 0;
    const ok1 = det >= 0.99;
    const ok2 = !waf || det > ddDet;
    const typed = OUR_CLASSES[c] !== undefined;
    const ok3 = !typed || fo / Math.max(1, benignPlain) <= 0.001;
    const ok4 = !waf || !typed || fo < fd || fo === 0;
    const mark = (b: boolean): string => (b ? 'yes' : 'NO');
    console.log(
      `${padr(c, 15)}${pad(pct(p.ours, p.n), 9)}${pad(waf ? pct(p.dd, p.n) : '—', 8)}${pad(mark(ok1), 6)}${pad(waf ? mark(ok2) : '—', 5)} │ ${pad(typed ? pct(fo, benignPlain, 2) : 'n/a', 8)}${pad(waf && typed ? pct(fd, benignPlain, 2) : '—', 8)}${pad(typed ? mark(ok3) : '—', 7)}${pad(waf && typed ? mark(ok4) : '—', 5)} │ ${ok1 && ok2 && ok3 && ok4 ? 'MET' : 'not met'}`,
    );
  }
  {
    const b = benign.tally('plain', 'all');
    const ok = b.ours / Math.max(1, b.n) <= 0.001 && (!waf || b.ours < b.dd || b.ours === 0);
    console.log(`${padr('benign overall', 15)}${pad('', 28)} │ ${pad(pct(b.ours, b.n, 2), 8)}${pad(waf ? pct(b.dd, b.n, 2) : '—', 8)}${pad('', 12)} │ ${ok ? 'MET' : 'not met'}`);
  }

  console.log(`\nRULES that fired, per class (requests; ours first, then libddwaf rule types)`);
  console.log(line);
  for (const c of classes) {
    const s = stats.get(c)!;
    const a = s.tally('all', 'all');
    const top = [...s.rules].sort((x, y) => y[1] - x[1]);
    const shown = top.slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`${padr(c, 15)}ours: ${shown || 'none'}${top.length > 12 ? `, +${top.length - 12} more rules` : ''}; nothing: ${a.n - a.ours}`);
    if (waf) console.log(`${padr('', 15)}ddwaf: ${[...s.ddTypes].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; nothing: ${a.n - a.dd}`);
  }

  if (args.showMisses > 0) {
    console.log(`\nMISSED ATTACKS (up to ${args.showMisses} per class, plain rows first; [sources we missed] dd=libddwaf flagged it)`);
    console.log(line);
    for (const c of classes) {
      const list = misses.get(c);
      if (!list || list.length === 0) continue;
      const ordered = [...list].sort((a, b) => Number(a.row.encoded) - Number(b.row.encoded));
      console.log(`${c}: ${list.length} rows missed in at least one source`);
      for (const r of ordered.slice(0, args.showMisses)) {
        const missedIn = r.outcomes.filter((o) => !o.ours).map((o) => o.src);
        const dd = r.outcomes.some((o) => !o.ours && o.dd);
        console.log(`  [${missedIn.join(',')}]${dd ? ' dd' : ''} ${r.row.id}${r.row.tags.length ? ` {${r.row.tags.join(',')}}` : ''} ${show(r.row.payload)}`);
      }
    }
  }

  if (args.showFps > 0) {
    console.log(`\nFALSE POSITIVES (up to ${args.showFps} rows; [sources] rules)`);
    console.log(line);
    for (const r of fps.slice(0, args.showFps)) {
      const hit = r.outcomes.filter((o) => o.ours);
      const rules = [...new Set(hit.flatMap((o) => o.rules))];
      console.log(`  [${hit.map((o) => o.src).join(',')}] ${rules.join(',')} ${r.row.id} (${r.row.source}) ${show(r.row.payload)}`);
    }
    if (fps.length > args.showFps) console.log(`  … ${fps.length - args.showFps} more`);
  }

  console.log(`\nMASK GATING: ${gating.checked} detector runs on payloads and their decoded forms; ${gating.violations.length} detections the engine's mask would hide`);
  for (const v of gating.violations.slice(0, 20)) {
    console.log(`  ${v.detector} (${v.rule})${v.decoded ? ' on the decoded form of' : ' on'} ${v.row.id} ${show(v.row.payload, 100)}`);
  }

  const per = (us: number): string => (runner.requests ? `${(us / runner.requests).toFixed(1)} µs` : '—');
  console.log(
    `\nTIME: ${seconds.toFixed(1)} s wall; per request: protect() ${per(runner.oursMicros)} (event normalization + inspection + response)` +
      (waf ? `, libddwaf run ${per(runner.ddMicros)}` : ''),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `eval: ${err.message}` : err);
  process.exit(1);
});
