/**
 * The `credentialEnv` policy: `process.env` becomes a Proxy whose `get` checks reads of the guarded
 * variables (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, IDENTITY_HEADER, ...). Only those names cost a
 * look at the stack (CallSites, not a formatted string); every other read is a Set lookup plus the
 * native getter. The caller is the first frame that is neither this library nor Node's internals;
 * Node copying the environment for a child process or worker is allowed (the childProcess policy is
 * about those). `Object.getOwnPropertyDescriptor` on a guarded name from a disallowed caller reports
 * no value; enumeration (`Object.keys`) is not a read.
 *
 * Installed only when the policy is not `allow`. Code that kept a reference to the original
 * `process.env` before installation bypasses it: install at cold start, before the application runs.
 */
import { currentInvocation, raise, sinkGlobal } from './context';
import { loaderModule, onUndo, policyFinding } from './hooks';
import type { ResolvedPolicies } from './policies';

const state = sinkGlobal();
const PROXIED = Symbol.for('serverless-rasp.env');

function policyOf(): ResolvedPolicies['credentialEnv'] | undefined {
  const ctx = currentInvocation();
  const pol = (ctx?.policies ?? state.outside.policies)?.credentialEnv;
  return pol && pol.action !== 'allow' ? pol : undefined;
}

/**
 * The file that read the variable: the first frame above the Proxy trap that is not Node's internals;
 * 'node:child' for Node copying the environment into a child process or worker. Call only from a trap.
 */
export function callerFile(): string | undefined {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 24;
    Error.prepareStackTrace = (_e, s) => s;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerFile);
    sites = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
  // sites[0] is the Proxy trap that called us (in this file, or in a bundle that also holds the caller).
  for (const s of sites.slice(1)) {
    const f = s.getFileName() ?? '';
    if (f === '') continue;
    if (f.startsWith('node:')) {
      if (f === 'node:child_process' || f === 'node:internal/child_process' || f === 'node:internal/worker' || f === 'node:worker_threads') return 'node:child';
      continue;
    }
    return f.startsWith('file://') ? decodeURIComponent(f.slice(7)) : f;
  }
  return undefined;
}

export function readerAllowed(pol: ResolvedPolicies['credentialEnv'], file: string | undefined): boolean {
  if (file === undefined || file === 'node:child') return true;
  const norm = file.replace(/\\/g, '/');
  if (pol.paths.some((p) => norm.startsWith(p))) return true;
  return pol.modules.some((m) => norm.includes(`/node_modules/${m}`));
}

/** Replaces process.env with the checking Proxy. Idempotent. */
export function installEnvGuard(): string[] {
  const env = process.env as unknown as Record<string | symbol, unknown>;
  if (env[PROXIED] === true) return [];
  const target = process.env;
  const proxy = new Proxy(target, {
    get(t, key) {
      if (key === PROXIED) return true;
      if (typeof key === 'string') {
        const pol = policyOf();
        if (pol && pol.vars.has(key) && key in t) {
          const file = callerFile();
          if (!readerAllowed(pol, file)) {
            raise(
              currentInvocation(),
              policyFinding('credential-env', 'process.env', `Read of credential variable ${key} from ${file ?? 'unknown code'}, which the credentialEnv policy does not allow.`, key),
              pol.action === 'block' ? 'block' : 'alert',
            );
          }
        }
      }
      return (t as unknown as Record<string | symbol, unknown>)[key];
    },
    getOwnPropertyDescriptor(t, key) {
      const d = Reflect.getOwnPropertyDescriptor(t, key);
      if (d && typeof key === 'string') {
        const pol = policyOf();
        if (pol && pol.action === 'block' && pol.vars.has(key) && !readerAllowed(pol, callerFile())) return { ...d, value: undefined };
      }
      return d;
    },
    set(t, key, value) {
      (t as unknown as Record<string | symbol, unknown>)[key] = value;
      return true;
    },
    deleteProperty(t, key) {
      return delete (t as unknown as Record<string | symbol, unknown>)[key];
    },
  });
  const desc = Object.getOwnPropertyDescriptor(process, 'env');
  try {
    Object.defineProperty(process, 'env', { value: proxy, writable: true, configurable: true, enumerable: true });
  } catch {
    return [];
  }
  loaderModule().syncBuiltinESMExports?.();
  onUndo(() => {
    if (desc) Object.defineProperty(process, 'env', desc);
    else (process as unknown as { env: unknown }).env = target;
  });
  return ['process.env (credential variables)'];
}
