/**
 * Datadog's libddwaf (`@datadog/native-appsec`) with the recommended ruleset shipped in `dd-trace`, fed
 * the same request data our engine sees, as dd-trace's Lambda integration would: the addresses
 * `server.request.{query,headers.no_cookies,cookies,body,path_params,uri.raw,method}` and
 * `http.client_ip`. Used by the benchmarks and the evaluation for side-by-side figures; never by the
 * library itself.
 */
import path from 'node:path';

interface WafResult {
  timeout: boolean;
  events?: Array<{ rule?: { id?: string; tags?: { type?: string; category?: string } } }>;
  actions?: object;
  status?: string;
}
interface WafContext {
  run(payload: { persistent?: object; ephemeral?: object }, timeout: number): WafResult;
  dispose(): void;
}
interface WafInstance {
  createContext(): WafContext;
  dispose(): void;
  diagnostics: { ruleset_version?: string; rules?: { loaded?: string[] } };
}

export interface LibddwafRequest {
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
  body?: unknown;
  pathParams?: Record<string, unknown>;
  uri?: string;
  method?: string;
  ip?: string;
}

export interface Libddwaf {
  version: string;
  rules: number;
  /** Runs one request; returns the rule ids and attack types that matched. */
  run(req: LibddwafRequest): Array<{ id: string; type: string }>;
}

/** Microseconds given to libddwaf per request: generous, so it never times out in our measurements. */
const TIMEOUT_US = 1_000_000;

export function loadLibddwaf(): Libddwaf {
  const { DDWAF } = require('@datadog/native-appsec') as { DDWAF: (new (rules: object, path: string) => WafInstance) & { version(): string } };
  const rulesPath = path.join(path.dirname(require.resolve('dd-trace/package.json')), 'packages/dd-trace/src/appsec/recommended.json');
  const rules = require(rulesPath) as object;
  const waf = new DDWAF(rules, 'datadog/00/ASM_DD/default/config');
  return {
    version: DDWAF.version(),
    rules: waf.diagnostics.rules?.loaded?.length ?? 0,
    run(req) {
      const persistent: Record<string, unknown> = {};
      if (req.query) persistent['server.request.query'] = req.query;
      if (req.headers) persistent['server.request.headers.no_cookies'] = req.headers;
      if (req.cookies) persistent['server.request.cookies'] = req.cookies;
      if (req.body !== undefined) persistent['server.request.body'] = req.body;
      if (req.pathParams) persistent['server.request.path_params'] = req.pathParams;
      if (req.uri) persistent['server.request.uri.raw'] = req.uri;
      if (req.method) persistent['server.request.method'] = req.method;
      if (req.ip) persistent['http.client_ip'] = req.ip;
      const ctx = waf.createContext();
      try {
        const r = ctx.run({ persistent }, TIMEOUT_US);
        return (r.events ?? []).map((e) => ({ id: e.rule?.id ?? '?', type: e.rule?.tags?.type ?? '?' }));
      } finally {
        ctx.dispose();
      }
    },
  };
}
