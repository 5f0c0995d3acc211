/**
 * Egress watch (option `egressWatch`): every outbound TCP connection the function makes is recorded
 * per invocation and classified:
 *
 * - `egress.unlisted-host`: a destination outside the configured allowlist (blocks in block mode with
 *   `action: 'block'`, the default when `allow` is given) or, with learning, outside what this
 *   instance saw in its first invocations (alert only: a learned list is never complete);
 * - `egress.raw-ip`: a destination given as an IP literal (no DNS name): typical of implants and
 *   reverse shells; loopback, allowed and learned addresses excepted;
 * - `egress.unusual-port`: a port outside the usual web/database/queue ports (`ports` replaces them);
 * - `egress.dns-tunnel`: a name with long, random-looking labels (hex, base32, base64 chunks): data
 *   smuggled out in the name itself. The check runs before DNS, so a blocked name is never resolved.
 *
 * Findings are sink-style policy findings raised through the invocation context (`raise`), so they
 * are deduplicated per invocation, reported through the adapter's security-event path, and a block
 * destroys the socket with a SinkBlockedError like every other sink block.
 *
 * Connections come from the `net.Socket#connect` hook through `observeConnections` (observe.ts). The
 * net hook is installed with the default sinks (`http` or `fetch` on) or any egress policy.
 */
import { RaspConfigError } from '../errors';
import { classifyIp, ipBytes } from '../sinks/analysis/ssrf';
import { raise, type Invocation } from '../sinks/context';
import { excerpt } from '../sinks/context';
import type { SinkFinding } from '../sinks/errors';
import { observeConnections, type ConnectionEvent } from '../sinks/observe';
import { egressAllowed, resolvePolicies, type ResolvedPolicies } from '../sinks/policies';
import type { AttackClass } from '../types';

/** The class egress findings carry (the existing `policy.egress` findings use `custom` too). */
export const EGRESS_CLASS: AttackClass = 'custom';

export interface EgressWatchOptions {
  /** Allowed destinations: host names, `*.suffix` wildcards, IPs, CIDRs (CIDRs match IP literals). */
  allow?: string[];
  /**
   * Learn the destinations of the first N invocations that connect anywhere, then alert on new ones.
   * Default: 20 when no `allow` is given, off otherwise. `false` switches it off.
   */
  learn?: boolean | number;
  /** `block` (default with `allow`) stops unlisted destinations in block mode; `alert` only reports. */
  action?: 'block' | 'alert';
  /** Usual destination ports (replaces the default web, database, cache and queue ports). */
  ports?: number[];
  /** Flag IP-literal destinations. Default true. */
  rawIp?: boolean;
  /** Flag names with tunnelling-like labels. Default true. */
  tunnelling?: boolean;
  /** Flag unusual ports. Default true. */
  unusualPorts?: boolean;
  /** Allow the cloud providers' API and identity endpoints. Default true. */
  allowProviderEndpoints?: boolean;
  /** Allow loopback (the Lambda runtime API, local sidecars). Default true. */
  allowLoopback?: boolean;
}

export interface ResolvedEgressWatch {
  allowlist: ResolvedPolicies['egress'];
  /** Whether the user configured `allow` (a blocking allowlist). */
  configured: boolean;
  learn: number;
  action: 'block' | 'alert';
  ports: Set<number>;
  rawIp: boolean;
  tunnelling: boolean;
  unusualPorts: boolean;
}

/** Ports that are not worth an alert: web, and the databases, caches and queues functions talk to. */
export const USUAL_PORTS: readonly number[] = Object.freeze([
  80, 443, 8080, 8443, // web
  5432, 3306, 1433, 1521, 27017, 6379, 6380, 11211, 9042, // databases and caches
  9200, 9243, 5671, 5672, 9092, 9093, 9094, 4222, 7687, // search, queues, graph
]);

const KEYS = ['allow', 'learn', 'action', 'ports', 'rawIp', 'tunnelling', 'unusualPorts', 'allowProviderEndpoints', 'allowLoopback'];

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** Validates `egressWatch` (`true` or an object). `false`/undefined → undefined (off). */
export function resolveEgressWatchOptions(v: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedEgressWatch | undefined {
  if (v === undefined || v === false) return undefined;
  if (v !== true && !isPlainObject(v)) fail(`options.egressWatch must be true, false or an object like { allow: ['api.stripe.com'] }.`);
  const o: Record<string, unknown> = v === true ? {} : v;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`unknown option 'egressWatch.${k}'. Known: ${KEYS.join(', ')}.`);
  for (const k of ['rawIp', 'tunnelling', 'unusualPorts', 'allowProviderEndpoints', 'allowLoopback']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') fail(`options.egressWatch.${k} must be true or false.`);
  }
  if (o.action !== undefined && o.action !== 'block' && o.action !== 'alert') fail(`options.egressWatch.action must be 'block' or 'alert'.`);
  if (o.learn !== undefined && typeof o.learn !== 'boolean' && !(typeof o.learn === 'number' && Number.isInteger(o.learn) && o.learn > 0)) {
    fail(`options.egressWatch.learn must be true, false or a positive number of invocations.`);
  }
  let ports: Set<number> = new Set(USUAL_PORTS);
  if (o.ports !== undefined) {
    if (!Array.isArray(o.ports) || !o.ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) fail(`options.egressWatch.ports must be an array of port numbers (1-65535).`);
    ports = new Set(o.ports as number[]);
  }
  let allowlist: ResolvedPolicies['egress'];
  try {
    allowlist = resolvePolicies(
      { egress: { action: 'block', allow: o.allow, allowProviderEndpoints: o.allowProviderEndpoints, allowLoopback: o.allowLoopback } },
      env,
    ).egress;
  } catch (err) {
    // Same parser as policies.egress; name this option in the message.
    if (err instanceof RaspConfigError) throw new RaspConfigError('RASP_ERR_OPTIONS', err.message.replace(/policies\.egress/g, 'egressWatch'), { cause: err });
    throw err;
  }
  const configured = o.allow !== undefined;
  const learn = o.learn === false ? 0 : typeof o.learn === 'number' ? o.learn : o.learn === true || !configured ? 20 : 0;
  return {
    allowlist,
    configured,
    learn,
    action: (o.action as 'block' | 'alert' | undefined) ?? (configured ? 'block' : 'alert'),
    ports,
    rawIp: o.rawIp !== false,
    tunnelling: o.tunnelling !== false,
    unusualPorts: o.unusualPorts !== false,
  };
}

// ---------------------------------------------------------------------------------------------
// Tunnelling-like names.

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Does a hyphen-free run of a DNS label look like encoded data rather than words or an id? Long
 * (20+), and one of: mixed case (base64 kept as is), hex with digits, few vowels with high entropy
 * (base32), or many letter/digit alternations with high entropy. Words and word-like concatenations
 * (`storageaccountname123`) and hyphenated names (`my-bucket-for-uploads`) do not qualify.
 */
function randomLooking(run: string): boolean {
  if (run.length < 20) return false;
  let upper = 0;
  let lower = 0;
  let digits = 0;
  let vowels = 0;
  let transitions = 0;
  let hex = true;
  let prevDigit: boolean | undefined;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isUpper = c >= 65 && c <= 90;
    const isLower = c >= 97 && c <= 122;
    if (isDigit) digits++;
    else if (isUpper) upper++;
    else if (isLower) lower++;
    const l = c | 0x20;
    if ((isUpper || isLower) && (l === 97 || l === 101 || l === 105 || l === 111 || l === 117)) vowels++;
    if (!isDigit && !(l >= 97 && l <= 102)) hex = false;
    if (isDigit || isUpper || isLower) {
      if (prevDigit !== undefined && prevDigit !== isDigit) transitions++;
      prevDigit = isDigit;
    }
  }
  const letters = upper + lower;
  if (upper >= 3 && lower >= 3 && digits + letters === run.length) return true;
  if (hex && digits >= 4 && letters >= 4) return true;
  const h = entropy(run.toLowerCase());
  if (letters > 0 && vowels / letters < 0.25 && h >= 3.5) return true;
  if (transitions >= 6 && h >= 3.5) return true;
  return false;
}

/**
 * The label of `host` that looks like tunnelled data, or undefined. The last two labels (the
 * registrable domain, roughly) are not examined; the subdomain labels are, each and joined.
 */
export function tunnelLabel(host: string): string | undefined {
  if (ipBytes(host.replace(/^\[|\]$/g, '')) !== undefined) return undefined;
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.length < 3) return undefined;
  const sub = labels.slice(0, -2);
  for (const label of sub) {
    for (const run of label.split(/[-_]/)) if (randomLooking(run)) return label;
  }
  // Data split into many shorter labels: look at them joined.
  const chunks = sub.filter((l) => l.length >= 8 && !l.includes('-'));
  if (chunks.length >= 3) {
    const joined = chunks.join('');
    if (joined.length >= 48 && randomLooking(joined)) return chunks.join('.');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

export interface EgressConnection {
  host: string;
  port: number | undefined;
  /** Rules this connection raised. */
  flags: string[];
  /** Whether it was stopped. */
  blocked: boolean;
}

export interface EgressStats {
  connections: number;
  blocked: number;
  flagged: Record<string, number>;
  learning: boolean;
  /** Destinations learned (`host` or `host:port`), for moving into `allow`. */
  learned: string[];
  /** Invocations that made a connection (learning counts these). */
  invocationsSeen: number;
}

export interface EgressWatch {
  /** Subscribes to the connection hook; returns the unsubscribe function. Idempotent. */
  start(): () => void;
  stop(): void;
  /** The observer itself (for custom wiring and tests). Throws SinkBlockedError to block. */
  observe(event: ConnectionEvent, ctx: Invocation | undefined): void;
  /** Connections made by one invocation (bounded, 64). */
  connections(ctx: Invocation): readonly EgressConnection[];
  /** Connections made outside any invocation (cold start, background work), bounded. */
  outside(): readonly EgressConnection[];
  /** What the watch would raise for a destination, without recording or raising (pure). */
  classify(host: string, port: number | undefined): Array<{ rule: string; action: 'block' | 'alert'; reason: string; confidence: 'high' | 'medium' }>;
  stats(): EgressStats;
  readonly options: ResolvedEgressWatch;
}

const MAX_PER_INVOCATION = 64;
const MAX_LEARNED = 256;
const MEMO_KEY = 'egress-watch.connections';

export function createEgressWatch(opts: ResolvedEgressWatch): EgressWatch {
  const learnedHosts = new Set<string>();
  const learnedPorts = new Set<string>();
  let invocationsSeen = 0;
  let lastCtx: WeakRef<Invocation> | undefined;
  let unsubscribe: (() => void) | undefined;
  const outsideList: EgressConnection[] = [];
  const counters = { connections: 0, blocked: 0 };
  const flagged: Record<string, number> = {};

  const learning = (): boolean => opts.learn > 0 && invocationsSeen <= opts.learn;

  const classify: EgressWatch['classify'] = (rawHost, port) => {
    const host = rawHost.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    const out: ReturnType<EgressWatch['classify']> = [];
    const ip = ipBytes(host) !== undefined;
    const cls = ip ? classifyIp(host) : undefined;
    if ((host === 'localhost' || host.endsWith('.localhost') || cls === 'loopback') && opts.allowlist.allowLoopback) return out;
    const allowed = egressAllowed(opts.allowlist, host);
    const learned = learnedHosts.has(host);
    const hp = `${host}:${port ?? ''}`;
    if (opts.rawIp && ip && !allowed && !learned) {
      out.push({
        rule: 'egress.raw-ip',
        action: 'alert',
        confidence: cls === 'public' ? 'high' : 'medium',
        reason: `Outbound connection to a raw IP address (${cls ?? 'unknown'} ${host}), not a DNS name.`,
      });
    }
    if (opts.tunnelling && !ip && !allowed) {
      const label = tunnelLabel(rawHost);
      if (label !== undefined) out.push({ rule: 'egress.dns-tunnel', action: 'alert', confidence: 'medium', reason: `Outbound connection to a name with a long random-looking label (${excerpt(label, 40)}), as DNS tunnelling and exfiltration use.` });
    }
    if (opts.unusualPorts && port !== undefined && !opts.ports.has(port) && !allowed && !learnedPorts.has(hp)) {
      out.push({ rule: 'egress.unusual-port', action: 'alert', confidence: 'medium', reason: `Outbound connection to port ${port}, which is not a usual web, database or queue port.` });
    }
    if (!allowed) {
      if (opts.configured) {
        out.push({ rule: 'egress.unlisted-host', action: opts.action, confidence: 'high', reason: `Outbound connection to ${host}${port !== undefined ? `:${port}` : ''}, which is not on the egress allowlist.` });
      } else if (opts.learn > 0 && !learning() && !learned) {
        out.push({ rule: 'egress.unlisted-host', action: 'alert', confidence: 'medium', reason: `Outbound connection to ${host}${port !== undefined ? `:${port}` : ''}, a destination this instance did not see while learning.` });
      }
    }
    return out;
  };

  const observe = (ev: ConnectionEvent, ctx: Invocation | undefined): void => {
    counters.connections++;
    if (ctx !== undefined) {
      const last = lastCtx?.deref();
      if (last !== ctx) {
        invocationsSeen++;
        lastCtx = new WeakRef(ctx);
      }
    }
    const host = ev.host.replace(/\.$/, '').toLowerCase();
    const hits = classify(ev.host, ev.port);
    if (learning()) {
      if (learnedHosts.size < MAX_LEARNED) learnedHosts.add(host);
      if (learnedPorts.size < MAX_LEARNED) learnedPorts.add(`${host}:${ev.port ?? ''}`);
    }
    const rec: EgressConnection = { host, port: ev.port, flags: hits.map((h) => h.rule), blocked: false };
    const list = ctx !== undefined ? ctx.memo(MEMO_KEY, () => [] as EgressConnection[]) : outsideList;
    if (list.length < MAX_PER_INVOCATION) list.push(rec);
    if (hits.length === 0) return;
    // Alerts first, so that a block (which throws) does not hide them.
    hits.sort((a, b) => (a.action === b.action ? 0 : a.action === 'alert' ? -1 : 1));
    const target = `${host}${ev.port !== undefined ? `:${ev.port}` : ''}`;
    for (const h of hits) {
      flagged[h.rule] = (flagged[h.rule] ?? 0) + 1;
      const f: Omit<SinkFinding, 'blocked'> = {
        kind: 'policy',
        rule: h.rule,
        class: EGRESS_CLASS,
        confidence: h.confidence,
        source: 'event',
        path: ev.operation,
        reason: h.reason,
        operation: ev.operation,
        target: excerpt(target),
      };
      // Outside an invocation (cold start, background work) the watch only reports.
      const action = ctx === undefined ? 'alert' : h.action;
      try {
        raise(ctx, f, action);
      } catch (err) {
        rec.blocked = true;
        counters.blocked++;
        throw err;
      }
    }
  };

  return {
    options: opts,
    start(): () => void {
      if (unsubscribe === undefined) unsubscribe = observeConnections(observe);
      return () => this.stop();
    },
    stop(): void {
      unsubscribe?.();
      unsubscribe = undefined;
    },
    observe,
    connections: (ctx) => ctx.memo(MEMO_KEY, () => [] as EgressConnection[]),
    outside: () => outsideList,
    classify,
    stats: () => ({
      ...counters,
      flagged: { ...flagged },
      learning: learning(),
      learned: [...learnedPorts].map((hp) => (hp.endsWith(':') ? hp.slice(0, -1) : hp)),
      invocationsSeen,
    }),
  };
}
