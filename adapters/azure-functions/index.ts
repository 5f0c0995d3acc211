/**
 * `protect()` for Azure Functions, Node.js v4 programming model, every trigger; `protectApp()` for the
 * whole app at once through a pre-invocation hook.
 *
 * @example
 * import { app } from '@azure/functions';
 * import { protect } from 'serverless-rasp/azure-functions';
 * app.http('orders', { methods: ['POST'], handler: protect(async (request, context) => {
 *   const order = await request.json(); // the body is still readable
 *   return { status: 201, jsonBody: order };
 * }) });
 */
import type { Disposable, HttpResponseInit, InvocationContext, PreInvocationContext } from '@azure/functions';
import { RaspConfigError, RequestBlockedError } from '../../src/errors';
import type { ProtectOptions } from '../../src/options';
import type { InspectionRequest } from '../../src/types';
import { createRuntime, sinkVerdict, type InvocationMeta, type Runtime } from '../shared/runtime';
import { classify, isPassthrough, normalizeHttp, normalizeTrigger, triggerName, triggerType, type HttpRequestLike, type Unit } from './normalize';
import { httpBlockResponse, rateLimitedResponse } from './respond';

export { RequestBlockedError, RaspConfigError, RaspError } from '../../src/errors';
export type { ProtectOptions, SecurityEvent, Exclusion, Limits, Mode } from '../../src/options';
export type { Finding, Verdict, AttackClass, Confidence, SourceKind } from '../../src/types';

/** Marks a handler that already inspects its invocations, so the app-wide hook does not wrap it twice. */
const PROTECTED = Symbol.for('serverless-rasp.protected');

type AnyHandler = (input: any, context: InvocationContext) => unknown;

function meta(context: InvocationContext | undefined): InvocationMeta {
  return {
    provider: 'azure',
    functionName: context?.functionName,
    requestId: context?.invocationId,
    trigger: undefined,
    sourceIp: undefined,
  };
}

async function runHttp(rt: Runtime, user: AnyHandler, input: HttpRequestLike, context: InvocationContext, m: InvocationMeta): Promise<unknown> {
  m.trigger = 'http';
  let req: InspectionRequest;
  try {
    req = await normalizeHttp(input, context);
  } catch (err) {
    const v = rt.fail(err, m);
    return v.action === 'block' ? httpBlockResponse(v, m.requestId) : user(input, context);
  }
  m.sourceIp = req.ip;
  // Rate and cost first: the cheapest check, and a flood must not buy inspection time either.
  const admission = rt.admit(req, m, true);
  const d = admission.decision;
  if (d.action === 'throttle' || d.action === 'shed') return rateLimitedResponse(d, m.requestId);
  const verdict = rt.check(req, m);
  if (verdict.action === 'block') return httpBlockResponse(verdict, m.requestId);
  const started = performance.now();
  try {
    const out = await rt.guard(req, m, () => user(input, context));
    return out.ok ? out.value : httpBlockResponse(sinkVerdict(out.blocked), m.requestId);
  } finally {
    admission.done(performance.now() - started);
  }
}

function checkTrigger(rt: Runtime, input: unknown, context: InvocationContext, m: InvocationMeta): InspectionRequest[] {
  const type = triggerType(context);
  m.trigger = triggerName(type);
  let units: Unit[];
  try {
    units = normalizeTrigger(type, input, context);
  } catch (err) {
    const v = rt.fail(err, m);
    if (v.action === 'block') throw new RequestBlockedError(v.findings, m.requestId);
    return [];
  }
  for (const unit of units) {
    const id = m.requestId !== undefined && unit.suffix !== '' ? `${m.requestId}${unit.suffix}` : m.requestId;
    const verdict = rt.check(unit.request, { ...m, requestId: id });
    // One bad message fails the invocation: Azure has no per-message result for these triggers, so
    // the platform's retry and dead-letter handling (or the poison queue) take the whole delivery.
    if (verdict.action === 'block') throw new RequestBlockedError(verdict.findings, m.requestId);
  }
  return units.map((u) => u.request);
}

function wrap(rt: Runtime, user: AnyHandler): (input: unknown, context: InvocationContext) => Promise<unknown> {
  const wrapper = async (input: unknown, context: InvocationContext): Promise<unknown> => {
    const m = meta(context);
    let kind: ReturnType<typeof classify>;
    try {
      kind = classify(input, context);
    } catch (err) {
      // Telling an HTTP request apart reads the input (`method`, `url`, `headers`); a Proxy or a
      // getter that throws (an input built in code: the worker passes real objects) threw out of
      // the wrapper, our error in the handler's path. Now it is the library's failure: logged once,
      // fail open, or with failClosed the invocation fails as a blocked one does.
      const v = rt.fail(err, m);
      if (v.action === 'block') throw new RequestBlockedError(v.findings, m.requestId);
      return user(input, context);
    }
    if (kind === 'skip') return user(input, context);
    // Integrity (a tampered instance refuses work in block mode) before, metrics flush after.
    let refused = rt.begin(m);
    if (refused instanceof Promise) refused = await refused;
    try {
      if (refused !== undefined) {
        if (kind === 'http') return httpBlockResponse(refused, m.requestId);
        throw new RequestBlockedError(refused.findings, m.requestId);
      }
      if (kind === 'http') return await runHttp(rt, user, input as HttpRequestLike, context, m);
      const requests = checkTrigger(rt, input, context, m);
      const out = await rt.guard(requests, m, () => user(input, context));
      // A sink stopped an operation: fail the invocation like an input block (retry, then poison queue).
      if (!out.ok) throw out.blocked;
      return out.value;
    } finally {
      rt.end();
    }
  };
  Object.defineProperty(wrapper, PROTECTED, { value: true });
  Object.defineProperty(wrapper, 'getStats', { value: () => rt.vis.getStats(), enumerable: false });
  return wrapper;
}

function checkHandler(handler: unknown, fn: string): void {
  if (typeof handler !== 'function') {
    throw new RaspConfigError(
      'RASP_ERR_HANDLER',
      `serverless-rasp: ${fn}() needs your handler function as its first argument; got ${handler === null ? 'null' : typeof handler}.`,
    );
  }
}

/**
 * Wraps an Azure Functions v4 handler of any trigger. HTTP: a blocked request gets 403 (400 for
 * schema-only findings) with `{"error":"blocked","requestId":…}` and the handler is not called; the
 * handler can still read the body. Other triggers: a malicious payload makes the invocation throw
 * RequestBlockedError before the handler runs. Throws RaspConfigError at cold start for bad options.
 */
export function protect<TIn, TOut>(
  handler: (input: TIn, context: InvocationContext) => TOut | Promise<TOut>,
  options?: ProtectOptions,
): (input: TIn, context: InvocationContext) => Promise<TOut | HttpResponseInit> {
  checkHandler(handler, 'protect');
  const rt = createRuntime('azure', options);
  if (rt.opts.mode === 'off') return handler as unknown as (input: TIn, context: InvocationContext) => Promise<TOut>;
  return wrap(rt, handler as AnyHandler) as (input: TIn, context: InvocationContext) => Promise<TOut | HttpResponseInit>;
}

/**
 * The pre-invocation hook `protectApp` registers: it swaps `context.functionHandler` for a protected
 * one. Exported so it can be registered by hand or tested with a `PreInvocationContext`. Handlers
 * already wrapped with `protect()` are left alone, as are timer, warmup and Durable triggers.
 */
export function createPreInvocationHook(options?: ProtectOptions): (context: PreInvocationContext) => void {
  const rt = createRuntime('azure', options);
  const wrapped = new WeakMap<object, AnyHandler>();
  return (context: PreInvocationContext): void => {
    if (rt.opts.mode === 'off') return;
    const handler = context.functionHandler as unknown;
    if (typeof handler !== 'function' || (handler as unknown as Record<symbol, unknown>)[PROTECTED] === true) return;
    if (isPassthrough(triggerType(context.invocationContext))) return;
    let w = wrapped.get(handler);
    if (w === undefined) {
      w = wrap(rt, handler as AnyHandler);
      wrapped.set(handler, w);
    }
    context.functionHandler = w as PreInvocationContext['functionHandler'];
  };
}

/**
 * Protects every function of the app in one line, through `app.hook.preInvocation`. Call it once,
 * at the top of the file that registers your functions. Returns the hook's Disposable.
 *
 * @example
 * import { protectApp } from 'serverless-rasp/azure-functions';
 * protectApp({ mode: 'block' });
 */
export function protectApp(options?: ProtectOptions): Disposable {
  const hook = createPreInvocationHook(options);
  // Loaded here, not at import: the adapter itself never pulls the SDK in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app } = require('@azure/functions') as typeof import('@azure/functions');
  return app.hook.preInvocation(hook);
}
