/**
 * Option `auditReport`: the JSON `npm audit --json` wrote at build time, shipped with the function.
 * At cold start (and again when asked, for modules required lazily) the packages it flags that are
 * actually loaded (present in `require.cache`) are reported, each once, as `audit.vulnerable-package`
 * findings: the ones a virtual patch should cover until the dependency is fixed.
 *
 * Both report formats are read: npm 7+ (`auditReportVersion: 2`, `vulnerabilities` keyed by package,
 * with `nodes`, the install paths, which pin the exact copy) and npm 6 (`advisories`, matched by
 * package name). Entries that are only vulnerable through a dependency (`via` lists names only) are
 * not reported themselves: their vulnerable dependency is.
 *
 * A bundled function (esbuild, webpack) has one file in require.cache; its packages cannot be seen
 * this way, so nothing is reported for them.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { RaspConfigError } from '../errors';
import type { AttackClass, Finding } from '../types';

export const AUDIT_CLASS: AttackClass = 'custom';

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';
const SEVERITIES: readonly Severity[] = ['info', 'low', 'moderate', 'high', 'critical'];

export interface AuditOptions {
  /** The `npm audit --json` output, absolute or relative to the function directory (cwd). */
  path: string;
  /** Lowest severity reported. Default `low`. */
  minSeverity?: Severity;
}

export interface VulnerablePackage {
  name: string;
  severity: Severity;
  /** Advisory titles and URLs. */
  advisories: Array<{ title: string; url?: string }>;
  /** Vulnerable version range, when the report says. */
  range?: string;
  /** Install paths (`node_modules/a/node_modules/b`), npm 7+ only. */
  nodes?: string[];
}

export interface AuditCheck {
  readonly vulnerable: readonly VulnerablePackage[];
  /** Findings for flagged packages loaded now and not reported before. Cheap enough for cold start; not for every invocation. */
  check(): Finding[];
}

function fail(message: string, cause?: unknown): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`, cause === undefined ? undefined : { cause });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function severity(v: unknown): Severity {
  return SEVERITIES.includes(v as Severity) ? (v as Severity) : 'low';
}

/** The flagged packages of an `npm audit --json` document (npm 6 or npm 7+). Throws on other JSON. */
export function parseAuditReport(doc: unknown, where = 'auditReport'): VulnerablePackage[] {
  if (!isObj(doc)) fail(`${where} is not the output of 'npm audit --json' (not an object).`);
  const out: VulnerablePackage[] = [];
  if (isObj(doc.vulnerabilities)) {
    for (const [key, raw] of Object.entries(doc.vulnerabilities)) {
      if (!isObj(raw)) continue;
      const via = Array.isArray(raw.via) ? raw.via : [];
      const advisories = via.filter(isObj).map((a) => {
        const adv: { title: string; url?: string } = { title: typeof a.title === 'string' ? a.title : 'advisory' };
        if (typeof a.url === 'string') adv.url = a.url;
        return adv;
      });
      if (advisories.length === 0) continue;
      const p: VulnerablePackage = { name: typeof raw.name === 'string' ? raw.name : key, severity: severity(raw.severity), advisories };
      if (typeof raw.range === 'string') p.range = raw.range;
      if (Array.isArray(raw.nodes)) p.nodes = raw.nodes.filter((n): n is string => typeof n === 'string').map((n) => n.replace(/\\/g, '/'));
      out.push(p);
    }
    return out;
  }
  if (isObj(doc.advisories)) {
    const byName = new Map<string, VulnerablePackage>();
    for (const raw of Object.values(doc.advisories)) {
      if (!isObj(raw) || typeof raw.module_name !== 'string') continue;
      let p = byName.get(raw.module_name);
      if (p === undefined) byName.set(raw.module_name, (p = { name: raw.module_name, severity: severity(raw.severity), advisories: [] }));
      if (SEVERITIES.indexOf(severity(raw.severity)) > SEVERITIES.indexOf(p.severity)) p.severity = severity(raw.severity);
      const adv: { title: string; url?: string } = { title: typeof raw.title === 'string' ? raw.title : 'advisory' };
      if (typeof raw.url === 'string') adv.url = raw.url;
      p.advisories.push(adv);
      if (typeof raw.vulnerable_versions === 'string') p.range = raw.vulnerable_versions;
    }
    return [...byName.values()];
  }
  if (isObj(doc.error)) fail(`${where} holds an npm error (${String((doc.error as { summary?: unknown }).summary ?? doc.error.code ?? 'unknown').slice(0, 120)}), not an audit. Re-run 'npm audit --json' at build time.`);
  return fail(`${where} is not the output of 'npm audit --json' (no 'vulnerabilities' or 'advisories').`);
}

/**
 * Loaded packages from module file names: install path (`node_modules/a/node_modules/b`, from the
 * first node_modules on) → package name.
 */
export function loadedPackages(files: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const norm = f.replace(/\\/g, '/');
    const first = norm.indexOf('/node_modules/');
    if (first === -1) continue;
    const parts = norm.slice(first + 1).split('/');
    // node_modules/<name>[/node_modules/<name>]… up to the last package segment.
    let end = 0;
    let name: string | undefined;
    for (let i = 0; i < parts.length; ) {
      if (parts[i] !== 'node_modules') break;
      const a = parts[i + 1];
      if (a === undefined) break;
      if (a.startsWith('@')) {
        const b = parts[i + 2];
        if (b === undefined) break;
        name = `${a}/${b}`;
        i += 3;
      } else {
        name = a;
        i += 2;
      }
      end = i;
    }
    if (name === undefined || end === 0) continue;
    const node = parts.slice(0, end).join('/');
    if (!out.has(node)) out.set(node, name);
  }
  return out;
}

/** Reads the option: a path string or `{ path, minSeverity }`. Undefined → undefined. */
export function resolveAuditOptions(v: unknown): AuditOptions | undefined {
  if (v === undefined || v === false) return undefined;
  if (typeof v === 'string' && v.length > 0) return { path: v };
  if (!isObj(v)) fail(`options.auditReport must be the path of an 'npm audit --json' file or { path, minSeverity }.`);
  for (const k of Object.keys(v)) if (k !== 'path' && k !== 'minSeverity') fail(`unknown option 'auditReport.${k}'. Known: path, minSeverity.`);
  if (typeof v.path !== 'string' || v.path.length === 0) fail(`options.auditReport.path must be the path of an 'npm audit --json' file.`);
  if (v.minSeverity !== undefined && !SEVERITIES.includes(v.minSeverity as Severity)) fail(`options.auditReport.minSeverity must be one of ${SEVERITIES.join(', ')}.`);
  return { path: v.path, ...(v.minSeverity !== undefined ? { minSeverity: v.minSeverity as Severity } : {}) };
}

/**
 * Reads and parses the report once (cold start; throws RaspConfigError when it is missing or not an
 * audit) and returns the check. `files` defaults to the keys of `require.cache`.
 */
export function createAuditCheck(opts: AuditOptions, cwd: string = process.cwd(), files: () => Iterable<string> = () => Object.keys(require.cache)): AuditCheck {
  const file = nodePath.resolve(cwd, opts.path);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    fail(`options.auditReport names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Write it at build time with 'npm audit --json > ${opts.path}' and ship it with the function.`, err);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail(`auditReport ${file} is not valid JSON (${(err as Error).message}).`, err);
  }
  const min = SEVERITIES.indexOf(opts.minSeverity ?? 'low');
  const vulnerable = parseAuditReport(doc, `auditReport ${file}`).filter((p) => SEVERITIES.indexOf(p.severity) >= min);
  const byName = new Map<string, VulnerablePackage>();
  for (const p of vulnerable) byName.set(p.name, p);
  const reported = new Set<string>();

  const check = (): Finding[] => {
    if (vulnerable.length === 0) return [];
    const out: Finding[] = [];
    for (const [node, name] of loadedPackages(files())) {
      const p = byName.get(name);
      if (p === undefined) continue;
      // npm 7+ pins the vulnerable copies; another copy of the same package may be a fixed version.
      // A workspace audit prefixes the package dir (`packages/app/node_modules/qs`).
      if (p.nodes !== undefined && p.nodes.length > 0 && !p.nodes.some((n) => node === n || n.endsWith('/' + node))) continue;
      const key = `${name}|${node}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const adv = p.advisories[0]!;
      const more = p.advisories.length > 1 ? ` (+${p.advisories.length - 1} more)` : '';
      out.push({
        rule: 'audit.vulnerable-package',
        class: AUDIT_CLASS,
        confidence: 'high',
        source: 'event',
        path: node,
        reason: `Loaded package ${name}${p.range !== undefined ? ` (vulnerable: ${p.range})` : ''} is flagged by npm audit, severity ${p.severity}: ${adv.title}${adv.url !== undefined ? ` ${adv.url}` : ''}${more}.`,
      });
    }
    return out;
  };

  return { vulnerable, check };
}
