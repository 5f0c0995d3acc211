/**
 * Virtual patches (option `virtualPatches`): user rules that protect a function while a vulnerable
 * dependency waits for its fix. Each rule names where to look (input paths with the exclusion glob
 * syntax), what to match (an RE2 pattern or a structured matcher) and what to do.
 *
 * @example
 * virtualPatches: [
 *   { id: 'cve-2021-44228-ua', description: 'Log4Shell in User-Agent', where: 'headers.user-agent', match: '\\$\\{jndi:', action: 'block' },
 *   { id: 'huge-comment', where: 'body.comment', match: { longerThan: 10000 }, action: 'monitor' },
 *   { id: 'role-array', where: 'body.role', match: { schema: { type: 'array' } } },
 * ]
 *
 * Everything is validated and compiled once, at cold start: a mistake throws
 * RaspConfigError('RASP_ERR_OPTIONS') whose message names the rule id and what to change. Patterns run
 * on RE2 (regex.ts), schemas on ajv with RE2 patterns. The compiled set is pure: `forSource` returns,
 * once per input source, a matcher bound to that source (or undefined when no rule can match below
 * it), which the engine calls with its walk's segment stack, so a source no rule names costs one
 * call per source, and an empty set nothing.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type AjvType from 'ajv';
import type { ValidateFunction } from 'ajv';
import { regExpEngine } from '../schema';
import { deepDecode } from '../decode';
import { RaspConfigError } from '../errors';
import { formatPath, splitPath, type Segment } from '../paths';
import { compileSafe, type SafeRegExp } from '../regex';
import type { AttackClass, Finding, SourceKind } from '../types';

/** The class virtual-patch findings carry. */
export const PATCH_CLASS: AttackClass = 'custom';

export type PatchMatch =
  /** An RE2 pattern, searched (not anchored) in the value. */
  | string
  | { regex: string; flags?: string }
  | { equals: string | number | boolean | null }
  | { contains: string; ignoreCase?: boolean }
  | { longerThan: number }
  /** Fires when the value at `where` is VALID against this JSON-schema fragment (describe the attack; use `not` for "must be"). */
  | { schema: object };

export interface VirtualPatchRule {
  /** Letters, digits, `.`, `_`, `-`; the finding's rule is `patch.<id>`. */
  id: string;
  description?: string;
  /** Input paths: `query.q`, `headers.user-agent`, `body.**`, `records[*].body`, `*` one segment, `**` any depth. */
  where: string | string[];
  match: PatchMatch;
  /** `block` (default): blocks in block mode. `monitor`: only reports, even in block mode. */
  action?: 'block' | 'monitor';
  /** Also test the percent/entity/escape-decoded form of string values. Default true. */
  decode?: boolean;
}

/** A matcher bound to one input source; called with the walk's segments below the source path. */
export type SourcePatchMatcher = (segs: readonly Segment[], value: unknown) => Finding[] | undefined;

/** `compilePatches` returns this: a matcher over full paths, with the per-source fast path. */
export interface PatchMatcher {
  (path: string, value: unknown, source: SourceKind): Finding[];
  /** Number of rules. */
  readonly size: number;
  /** The matcher for one source, or undefined when no rule can match at or below `path`. */
  forSource(source: { kind: SourceKind; path: string }): SourcePatchMatcher | undefined;
  /** Finding rules (`patch.<id>`) whose action is `monitor`: they must not make a verdict block. */
  readonly monitorRules: ReadonlySet<string>;
  readonly rules: readonly VirtualPatchRule[];
}

/** Input roots the adapters produce (InputSource paths); `where` must start with one, `*` or `**`. */
export const KNOWN_ROOTS: readonly string[] = Object.freeze([
  'query', 'headers', 'cookies', 'path', 'pathParameters', 'pathSegments', 'params', 'body',
  'records', 'data', 'data_base64', 'payload', 'request', 'detail', 'detail-type', 'source', 'subject',
  'event', 'triggerMetadata',
]);

const RULE_KEYS = ['id', 'description', 'where', 'match', 'action', 'decode'];
const MATCH_KINDS = ['regex', 'equals', 'contains', 'longerThan', 'schema'];
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SENSITIVE = ['authorization', 'cookie', 'token', 'password', 'passwd', 'secret', 'api-key', 'apikey', 'api_key', 'session', 'credential', 'signature'];
const MAX_HITS = 16;

function fail(message: string, cause?: unknown): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`, cause === undefined ? undefined : { cause });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v;
}

/**
 * Reads the `virtualPatches` option: an array of rules, or a path to a JSON file holding an array or
 * `{ "rules": [...] }` (relative paths resolve against `cwd`, the function's directory on Lambda).
 * Checks the shape of every rule; `compilePatches` checks patterns and schemas.
 */
export function loadVirtualPatches(v: unknown, cwd: string = process.cwd()): VirtualPatchRule[] {
  if (v === undefined) return [];
  let list: unknown = v;
  let from = 'options.virtualPatches';
  if (typeof v === 'string') {
    const file = nodePath.resolve(cwd, v);
    from = `virtualPatches file ${file}`;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      fail(`options.virtualPatches names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Ship the file with the function or fix the path.`, err);
    }
    try {
      list = JSON.parse(text);
    } catch (err) {
      fail(`${from} is not valid JSON (${(err as Error).message}). Fix the file.`, err);
    }
    if (isPlainObject(list) && Array.isArray(list.rules)) list = list.rules;
  }
  if (!Array.isArray(list)) fail(`${from} must be an array of rules { id, where, match, action }${typeof v === 'string' ? ' or { "rules": [...] }' : ' or the path of a JSON file'}; got ${describe(list)}.`);
  const seen = new Set<string>();
  return (list as unknown[]).map((r, i) => {
    const at = `${from}[${i}]`;
    if (!isPlainObject(r)) fail(`${at} must be an object { id, where, match, action }; got ${describe(r)}.`);
    if (typeof r.id !== 'string' || !ID.test(r.id)) {
      fail(`${at} needs an 'id' of letters, digits, '.', '_' or '-' (at most 64), e.g. 'cve-2021-44228-ua'; got ${describe(r.id)}.`);
    }
    const name = `virtualPatches rule '${r.id}'`;
    if (seen.has(r.id)) fail(`${name} is defined twice; give each rule its own id.`);
    seen.add(r.id);
    for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k)) fail(`${name}: unknown key '${k}'. Known: ${RULE_KEYS.join(', ')}.`);
    if (r.description !== undefined && typeof r.description !== 'string') fail(`${name}: description must be a string.`);
    if (r.action !== undefined && r.action !== 'block' && r.action !== 'monitor') fail(`${name}: action must be 'block' or 'monitor'; got ${describe(r.action)}.`);
    if (r.decode !== undefined && typeof r.decode !== 'boolean') fail(`${name}: decode must be true or false.`);
    const where = typeof r.where === 'string' ? [r.where] : r.where;
    if (!Array.isArray(where) || where.length === 0 || !where.every((w) => typeof w === 'string' && w.trim().length > 0)) {
      fail(`${name}: where must be an input path like 'headers.user-agent' or 'body.**', or a non-empty array of them.`);
    }
    for (const w of where as string[]) checkWhere(w, name);
    checkMatchShape(r.match, name);
    return { ...(r as unknown as VirtualPatchRule) };
  });
}

function checkWhere(w: string, name: string): void {
  const segs = splitPath(w.trim());
  const root = segs[0];
  if (root === undefined) fail(`${name}: where '${w}' is empty.`);
  if (root !== '*' && root !== '**' && !KNOWN_ROOTS.some((k) => k.toLowerCase() === root.toLowerCase())) {
    const hint = root === 'header' ? " (write 'headers.<name>')" : root === 'cookie' ? " (write 'cookies.<name>')" : '';
    fail(`${name}: where '${w}' starts with '${root}', which is no input source${hint}. Known: ${KNOWN_ROOTS.join(', ')}, or '*' / '**'.`);
  }
  for (const s of segs) {
    if (s.startsWith('[') && s !== '[*]' && !/^\[\d+\]$/.test(s)) fail(`${name}: where '${w}' has the index '${s}'; write [3] or [*].`);
    if (s !== '*' && s !== '**' && s.includes('*') && !s.startsWith('[')) fail(`${name}: where '${w}' has '${s}'; '*' and '**' must be whole segments.`);
  }
}

function checkMatchShape(m: unknown, name: string): void {
  if (typeof m === 'string') {
    if (m.length === 0) fail(`${name}: match is an empty pattern; it would match everything.`);
    return;
  }
  if (!isPlainObject(m)) fail(`${name}: match must be an RE2 pattern string or one of { regex }, { equals }, { contains }, { longerThan }, { schema }; got ${describe(m)}.`);
  const kinds = Object.keys(m).filter((k) => MATCH_KINDS.includes(k));
  const extra = Object.keys(m).filter((k) => !MATCH_KINDS.includes(k) && k !== 'flags' && k !== 'ignoreCase');
  if (kinds.length !== 1 || extra.length > 0) {
    fail(`${name}: match must have exactly one of ${MATCH_KINDS.join(', ')}${extra.length > 0 ? ` (unknown: ${extra.join(', ')})` : ''}.`);
  }
  if (m.regex !== undefined && (typeof m.regex !== 'string' || m.regex.length === 0)) fail(`${name}: match.regex must be a non-empty RE2 pattern string.`);
  if (m.flags !== undefined && (m.regex === undefined || typeof m.flags !== 'string' || !/^[ism]*$/.test(m.flags))) fail(`${name}: match.flags goes with match.regex and may hold i, s and m.`);
  if (m.contains !== undefined && (typeof m.contains !== 'string' || m.contains.length === 0)) fail(`${name}: match.contains must be a non-empty string.`);
  if (m.ignoreCase !== undefined && (m.contains === undefined || typeof m.ignoreCase !== 'boolean')) fail(`${name}: match.ignoreCase goes with match.contains and is true or false.`);
  if ('equals' in m && !['string', 'number', 'boolean'].includes(typeof m.equals) && m.equals !== null) fail(`${name}: match.equals must be a string, number, boolean or null.`);
  if (m.longerThan !== undefined && !(typeof m.longerThan === 'number' && Number.isInteger(m.longerThan) && m.longerThan >= 0)) {
    fail(`${name}: match.longerThan must be a non-negative integer (a length in characters).`);
  }
  if (m.schema !== undefined && !isPlainObject(m.schema) && typeof m.schema !== 'boolean') fail(`${name}: match.schema must be a JSON Schema object.`);
}

// ---------------------------------------------------------------------------------------------
// Compilation.

type Test = (value: unknown) => boolean;

interface CompiledRule {
  id: string;
  rule: string;
  reason: string;
  globs: Glob[];
  /** Scalar matchers also see the elements of an array at the path (`?id=1&id=2`, repeated headers). */
  scalar: boolean;
  test: Test;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** A string test that also sees the decoded form when asked to. */
function textTest(decode: boolean, f: (s: string) => boolean): Test {
  return (v) => {
    const s = scalarText(v);
    if (s === undefined) return false;
    if (f(s)) return true;
    if (!decode || typeof v !== 'string') return false;
    const d = deepDecode(s);
    return d !== undefined && d !== s && f(d);
  };
}

function summary(m: PatchMatch): string {
  if (typeof m === 'string') return `pattern /${m.slice(0, 60)}/`;
  if ('regex' in m) return `pattern /${m.regex.slice(0, 60)}/${m.flags ?? ''}`;
  if ('equals' in m) return `value equal to ${JSON.stringify(m.equals).slice(0, 60)}`;
  if ('contains' in m) return `value containing ${JSON.stringify(m.contains).slice(0, 60)}`;
  if ('longerThan' in m) return `value longer than ${m.longerThan} characters`;
  return 'value matching the rule schema';
}

function compileRule(r: VirtualPatchRule, ajv: () => AjvType): CompiledRule {
  const name = `virtualPatches rule '${r.id}'`;
  const decode = r.decode !== false;
  const m = r.match;
  let test: Test;
  let scalar = true;
  if (typeof m === 'string' || 'regex' in m) {
    const pattern = typeof m === 'string' ? m : m.regex;
    const flags = typeof m === 'string' ? '' : m.flags ?? '';
    let re: SafeRegExp;
    try {
      re = compileSafe(pattern, flags);
    } catch (err) {
      fail(
        `${name}: the pattern /${pattern.slice(0, 80)}/ is not valid RE2 (${(err as Error).message.split('\n')[0]}). RE2 has no lookaround and no backreferences; rewrite the pattern.`,
        err,
      );
    }
    test = textTest(decode, (s) => re.test(s));
  } else if ('equals' in m) {
    const want = m.equals === null ? null : String(m.equals);
    test = want === null ? (v) => v === null : textTest(decode, (s) => s === want);
  } else if ('contains' in m) {
    const needle = m.ignoreCase === true ? m.contains.toLowerCase() : m.contains;
    test = textTest(decode, m.ignoreCase === true ? (s) => s.toLowerCase().includes(needle) : (s) => s.includes(needle));
  } else if ('longerThan' in m) {
    const n = m.longerThan;
    test = (v) => typeof v === 'string' && v.length > n;
  } else {
    let validate: ValidateFunction;
    try {
      validate = ajv().compile(m.schema);
    } catch (err) {
      fail(`${name}: match.schema does not compile (${(err as Error).message}). Fix the schema fragment.`, err);
    }
    test = (v) => validate(v === undefined ? null : v) === true;
    scalar = false;
  }
  const where = typeof r.where === 'string' ? [r.where] : r.where;
  const what = r.description !== undefined && r.description.trim() !== '' ? r.description.trim().slice(0, 160) : summary(m);
  return {
    id: r.id,
    rule: `patch.${r.id}`,
    reason: `Virtual patch '${r.id}' matched: ${what}.`,
    globs: where.map(compileGlob),
    scalar,
    test,
  };
}

// ---------------------------------------------------------------------------------------------
// Path matching on segments: glob segments from splitPath ('key', '[3]', '[*]', '*', '**'), path
// segments as the engine's walk holds them (string keys, number indexes) after the source path's own.

type PathSeg = string | number;

/** A compiled `where`: literal segments lower-cased; `fixed` when it has no `**` (then its length is exact). */
interface Glob {
  segs: string[];
  fixed: boolean;
}

function compileGlob(w: string): Glob {
  const segs = splitPath(w.trim()).map((p) => (p === '*' || p === '**' || p.startsWith('[') ? p : p.toLowerCase()));
  return { segs, fixed: !segs.includes('**') };
}

/** `p` is a glob segment (literals lower-cased), `s` a path segment. */
function segMatches(p: string, s: PathSeg): boolean {
  if (typeof s === 'number') return p === '[*]' || p === `[${s}]`;
  if (p === s || p === '*') return true;
  if (p.length !== s.length || p.charCodeAt(0) === 91 /* [ */) return false;
  return s.toLowerCase() === p;
}

// Two rows of the matching table, reused (matching never re-enters itself).
let rowA = new Uint8Array(64);
let rowB = new Uint8Array(64);

/** Can a glob match the path `prefix` or anything below it? */
function globCouldMatchBelow(g: Glob, prefix: readonly PathSeg[]): boolean {
  return table(g.segs, prefix, prefix.length, true);
}

function table(pat: readonly string[], path: readonly PathSeg[], len: number, below: boolean): boolean {
  if (rowA.length < len + 1) {
    rowA = new Uint8Array(len + 1);
    rowB = new Uint8Array(len + 1);
  }
  // cur[j]: pat[0..i) matches path[0..j)
  let cur = rowA;
  let next = rowB;
  cur.fill(0, 0, len + 1);
  cur[0] = 1;
  for (let i = 0; i < pat.length; i++) {
    // `below`: the glob consumed the whole prefix with segments to spare: something below can match.
    if (below && cur[len]) return true;
    const p = pat[i]!;
    next.fill(0, 0, len + 1);
    if (p === '**') {
      let any = 0;
      for (let j = 0; j <= len; j++) {
        any |= cur[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 0; j < len; j++) if (cur[j] && segMatches(p, path[j]!)) next[j + 1] = 1;
    }
    const t = cur;
    cur = next;
    next = t;
  }
  return cur[len] === 1;
}

function toPathSegs(p: string): PathSeg[] {
  return splitPath(p).map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s));
}

function isSensitive(name: string): boolean {
  const n = name.toLowerCase();
  return SENSITIVE.some((s) => n.includes(s));
}

function snippetOf(value: unknown, kind: SourceKind, path: readonly PathSeg[]): string | undefined {
  if (kind === 'cookie' || path.some((s) => typeof s === 'string' && isSensitive(s))) return '[redacted]';
  const s = scalarText(value) ?? (value !== null && typeof value === 'object' ? (Array.isArray(value) ? '[array]' : '[object]') : undefined);
  if (s === undefined) return undefined;
  const cut = s.length > 80 ? s.slice(0, 80) + '…' : s;
  let out = '';
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    out += c < 32 || c === 127 ? (c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : '\\x' + c.toString(16).padStart(2, '0')) : cut[i];
  }
  return out;
}

/** Segment j of a path held in two parts (the source's own segments, then the walk's), never concatenated on the hot path. */
function segAt(prefix: readonly PathSeg[], segs: readonly PathSeg[], j: number): PathSeg {
  return j < prefix.length ? prefix[j]! : segs[j - prefix.length]!;
}

/** A glob without `**` against the first `len` segments: last segment first (the most selective). */
function fixedMatch(pat: readonly string[], prefix: readonly PathSeg[], segs: readonly PathSeg[], len: number): boolean {
  if (pat.length !== len) return false;
  for (let i = len - 1; i >= 0; i--) if (!segMatches(pat[i]!, segAt(prefix, segs, i))) return false;
  return true;
}

/** Rule hits at one node, whose path is `prefix` + `segs`; `base`/`walk` format the finding path. */
function matchAt(rules: readonly CompiledRule[], prefix: readonly PathSeg[], segs: readonly Segment[], value: unknown, kind: SourceKind, base: string): Finding[] | undefined {
  let hits: Finding[] | undefined;
  const len = prefix.length + segs.length;
  // Trailing indexes stripped: a scalar rule on `query.id` also sees `query.id[1]`.
  let bare = len;
  while (bare > 0 && typeof segAt(prefix, segs, bare - 1) === 'number') bare--;
  let full: PathSeg[] | undefined;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    let where = false;
    for (let gi = 0; gi < rule.globs.length && !where; gi++) {
      const g = rule.globs[gi]!;
      if (g.fixed) {
        where = fixedMatch(g.segs, prefix, segs, len) || (rule.scalar && bare < len && fixedMatch(g.segs, prefix, segs, bare));
      } else {
        full ??= [...prefix, ...segs];
        where = table(g.segs, full, len, false) || (rule.scalar && bare < len && table(g.segs, full, bare, false));
      }
    }
    if (!where || !rule.test(value)) continue;
    full ??= [...prefix, ...segs];
    const f: Finding = { rule: rule.rule, class: PATCH_CLASS, confidence: 'high', source: kind, path: formatPath(base, segs), reason: rule.reason };
    const sn = snippetOf(value, kind, full);
    if (sn !== undefined) f.snippet = sn;
    (hits ??= []).push(f);
    if (hits.length >= MAX_HITS) break;
  }
  return hits;
}

const NONE: readonly Finding[] = Object.freeze([]);

/**
 * Compiles validated rules (see `loadVirtualPatches`). Pure apart from compiling; throws
 * RaspConfigError naming the rule for a pattern RE2 rejects or a schema that does not compile.
 */
export function compilePatches(rules: readonly VirtualPatchRule[]): PatchMatcher {
  let ajvInstance: AjvType | undefined;
  const ajv = (): AjvType =>
    (ajvInstance ??= new ((require('ajv') as { default: typeof AjvType }).default)({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: false, validateFormats: false, code: { regExp: regExpEngine() } }));
  const compiled = rules.map((r) => compileRule(r, ajv));
  const monitorRules = new Set(rules.filter((r) => r.action === 'monitor').map((r) => `patch.${r.id}`));

  const match = ((path: string, value: unknown, source: SourceKind): Finding[] => {
    if (compiled.length === 0) return NONE as Finding[];
    // A path string is already formatted: report it as given.
    const hits = matchAt(compiled, toPathSegs(path), [], value, source, path);
    return hits ?? (NONE as Finding[]);
  }) as PatchMatcher;

  // Source paths repeat across invocations ('headers', 'body', 'records[3].body'): bind once each.
  const bound = new Map<SourceKind, Map<string, SourcePatchMatcher | null>>();
  let boundCount = 0;
  const forSource = (source: { kind: SourceKind; path: string }): SourcePatchMatcher | undefined => {
    if (compiled.length === 0) return undefined;
    let byPath = bound.get(source.kind);
    if (byPath === undefined) bound.set(source.kind, (byPath = new Map()));
    const hit = byPath.get(source.path);
    if (hit !== undefined) return hit ?? undefined;
    const m = bind(source);
    if (boundCount++ < 1024) byPath.set(source.path, m ?? null);
    return m;
  };
  const bind = (source: { kind: SourceKind; path: string }): SourcePatchMatcher | undefined => {
    const prefix = toPathSegs(source.path);
    const relevant = compiled.filter((r) => r.globs.some((g) => globCouldMatchBelow(g, prefix)));
    if (relevant.length === 0) return undefined;
    return (segs, value) => matchAt(relevant, prefix, segs, value, source.kind, source.path);
  };

  Object.defineProperties(match, {
    size: { value: compiled.length, enumerable: true },
    forSource: { value: forSource },
    monitorRules: { value: monitorRules },
    rules: { value: Object.freeze([...rules]) },
  });
  return match;
}

/** The option as the engine needs it: loaded, validated and compiled, or undefined when there are no rules. */
export function resolveVirtualPatches(v: unknown, cwd?: string): PatchMatcher | undefined {
  const rules = loadVirtualPatches(v, cwd);
  return rules.length === 0 ? undefined : compilePatches(rules);
}
