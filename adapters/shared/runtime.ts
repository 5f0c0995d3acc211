/**
 * What every adapter shares: the engine built once at cold start, fail-open inspection, and the one
 * security-event format. Adapters only normalize events and shape native responses around this.
 */
import { createEngineFromResolved, type Engine } from '../../src/engine';
import { resolveOptions, type ResolvedOptions, type SecurityEvent } from '../../src/options';
import type { Finding, InspectionRequest, Verdict } from '../../src/types';

export interface InvocationMeta {
  provider: string;
  functionName: string | undefined;
  requestId: string | undefined;
  trigger: string | undefined;
  sourceIp: string | undefined;
}

export interface Runtime {
  readonly engine: Engine;
  readonly opts: ResolvedOptions;
  /**
   * Inspects and reports. Never throws: a failure inside the library is logged (once per instance)
   * and becomes `allow`, or `block` when the user chose `failClosed`.
   */
  check(req: InspectionRequest, meta: InvocationMeta): Verdict;
  /** Reports a failure of the library outside `check` (e.g. while normalizing an event). */
  fail(err: unknown, meta: InvocationMeta): Verdict;
}

const INTERNAL: Finding = {
  rule: 'internal.error',
  class: 'protocol',
  confidence: 'high',
  source: 'event',
  path: 'event',
  reason: 'serverless-rasp failed to inspect this invocation and failClosed is set.',
};

export function createRuntime(provider: string, options: unknown, extraKeys: readonly string[] = []): Runtime {
  const opts = resolveOptions(options, extraKeys);
  const engine = createEngineFromResolved(opts);
  let reportedError = false;

  const emit = (ev: SecurityEvent): void => {
    try {
      opts.log?.(JSON.stringify(ev));
    } catch {
      // A closed stdout must not break the invocation.
    }
    if (opts.onSecurityEvent) {
      try {
        opts.onSecurityEvent(ev);
      } catch {
        // The user's sink is theirs to fix; the decision stands.
      }
    }
  };

  const event = (meta: InvocationMeta, action: SecurityEvent['action'], findings: Finding[], micros?: number): SecurityEvent => {
    const first = findings[0];
    const ev: SecurityEvent = {
      time: new Date().toISOString(),
      type: 'serverless-rasp',
      provider: meta.provider,
      function: meta.functionName,
      requestId: meta.requestId,
      trigger: meta.trigger,
      sourceIp: meta.sourceIp,
      action,
      rule: first?.rule,
      class: first?.class,
      where: first?.path,
      findings,
    };
    if (micros !== undefined) ev.micros = micros;
    return ev;
  };

  const fail = (err: unknown, meta: InvocationMeta): Verdict => {
    if (!reportedError) {
      reportedError = true;
      const ev = event(meta, 'error', []);
      ev.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      emit(ev);
    }
    return opts.failClosed
      ? { action: 'block', status: 403, findings: [INTERNAL], micros: 0 }
      : { action: 'allow', status: 200, findings: [], micros: 0 };
  };

  const check = (req: InspectionRequest, meta: InvocationMeta): Verdict => {
    let verdict: Verdict;
    try {
      verdict = engine.inspect(req);
    } catch (err) {
      return fail(err, meta);
    }
    if (verdict.action !== 'allow') emit(event(meta, verdict.action, verdict.findings, verdict.micros));
    return verdict;
  };

  return { engine, opts, check, fail };
}

/** The JSON body of a blocked HTTP request: no payload echo, no stack trace. */
export function blockedBody(verdict: Verdict, requestId: string | undefined): string {
  return JSON.stringify(
    verdict.status === 400 ? { error: 'invalid_request', requestId: requestId ?? null } : { error: 'blocked', requestId: requestId ?? null },
  );
}
