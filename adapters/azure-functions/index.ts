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
import type { InspectionRequest, Verdict } from '../../src/types';
import { createRuntime, monotonicNow, sinkVerdict, type Admission, type Guarded, type InvocationMeta, type Runtime } from '../shared/runtime';
import type { BodyRead } from './body';
import { classify, isPassthrough, normalizeTrigger, prepareHttp, triggerName, triggerType, withBody, type HttpRequestLike, type PendingHttp, type Unit } from './normalize';
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

/** The handler's outcome as a promise: what it returns (a value or a promise), or its synchronous throw. */
function call(user: AnyHandler, input: unknown, context: InvocationContext): Promise<unknown> {
  try {
    return Promise.resolve(user(input, context));
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The promise of `p` followed by the invocation's end (rt.end), whichever way it settles. */
function ending(rt: Runtime, p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      rt.end();
      return v;
    },
    (err: unknown) => {
      rt.end();
      throw err;
    },
  );
}

/**
 * An HTTP invocation, from reading it to the handler's answer; ends the invocation (rt.end) exactly
 * once, after what it returns has settled. Not async, and one promise on the way in (the body's
 * read, waited on here, not through an async normalizeHttp and readBodyKeepReadable) and the guard's
 * on the way out: the async version made six more promises and awaits per invocation, each a call
 * of the sink checks' AsyncLocalStorage hook and an allocation. Allocation is what this path pays
 * most for: the body stream of each HttpRequest (a web ReadableStream, in Node 20 a transferable
 * object behind a weak handle) outlives the scavenges until a full collection, with what it holds
 * (~5 KB a request), and each scavenge the invocation's garbage brings on then costs milliseconds
 * (Node 20, the bench's typical POST: ~1.5-2 µs of collector time per KB allocated per invocation,
 * measured with --trace-gc and a GC PerformanceObserver).
 */
function runHttp(rt: Runtime, user: AnyHandler, input: HttpRequestLike, context: InvocationContext, m: InvocationMeta): Promise<unknown> {
  m.trigger = 'http';
  let p: PendingHttp | undefined;
  // A read that waits goes on into the inspection from its own last step (readBody's `next`), not
  // through a `.then` here: one promise and one microtask fewer per invocation. `p` is set by then:
  // `next` runs only after the read has waited.
  const next = {
    then: (b: BodyRead) => inspectHttp(rt, user, input, context, m, p!, b),
    failed: (err: unknown) => unread(rt, user, input, context, m, err),
  };
  try {
    p = prepareHttp(input, context, next);
  } catch (err) {
    return unread(rt, user, input, context, m, err);
  }
  const body = p.body;
  if (body instanceof Promise) return body;
  try {
    const out = inspectHttp(rt, user, input, context, m, p, body);
    return out instanceof Promise ? out : Promise.resolve(out);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Reading the request failed: the library's failure (logged once); fail open, or block with failClosed. */
function unread(rt: Runtime, user: AnyHandler, input: HttpRequestLike, context: InvocationContext, m: InvocationMeta, err: unknown): Promise<unknown> {
  let v;
  try {
    v = rt.fail(err, m);
  } catch (e) {
    rt.end();
    return Promise.reject(e);
  }
  if (v.action === 'block') {
    rt.end();
    return Promise.resolve(httpBlockResponse(v, m.requestId));
  }
  return ending(rt, call(user, input, context));
}

/** The checks and the guarded handler call; a value or a promise, the invocation ended after it. */
function inspectHttp(rt: Runtime, user: AnyHandler, input: HttpRequestLike, context: InvocationContext, m: InvocationMeta, p: PendingHttp, body: BodyRead): unknown {
  let admission: Admission;
  let req;
  try {
    req = withBody(p, body);
    m.sourceIp = req.ip;
    // Rate and cost first: the cheapest check, and a flood must not buy inspection time either.
    admission = rt.admit(req, m, true);
    const d = admission.decision;
    if (d.action === 'throttle' || d.action === 'shed') {
      rt.end();
      return rateLimitedResponse(d, m.requestId);
    }
    const verdict = rt.check(req, m);
    if (verdict.action === 'block') {
      rt.end();
      return httpBlockResponse(verdict, m.requestId);
    }
  } catch (err) {
    rt.end();
    throw err;
  }
  // The handler's time starts where the inspection ended (rt.lastCheck), from its own clock reading,
  // as on Lambda; the end's reading also gives the guard its end time (Admission.done).
  const checked = rt.lastCheck;
  const since = checked.start;
  const started = Number.isNaN(checked.end) ? monotonicNow() : checked.end;
  let ended = false;
  const finish = (): void => {
    ended = true;
    const now = monotonicNow();
    admission.done(now - started, now - since);
    rt.end();
  };
  const after = (out: Guarded<unknown>): unknown => {
    finish();
    return out.ok ? out.value : httpBlockResponse(sinkVerdict(out.blocked), m.requestId);
  };
  const afterError = (err: unknown): never => {
    finish();
    throw err;
  };
  try {
    return rt.guard(req, m, () => user(input, context), after, afterError);
  } catch (err) {
    // What `after` or `afterError` threw (the invocation has ended), or a failure of the guard's own
    // before either ran: end it here then.
    if (!ended) finish();
    throw err;
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
  // Not async: an invocation is the promise of runHttp or runTrigger (see there), which end it.
  const wrapper = (input: unknown, context: InvocationContext): Promise<unknown> => {
    let m: InvocationMeta;
    let kind: ReturnType<typeof classify>;
    try {
      m = meta(context);
    } catch (err) {
      return Promise.reject(err);
    }
    try {
      kind = classify(input, context);
    } catch (err) {
      // Telling an HTTP request apart reads the input (`method`, `url`, `headers`); a Proxy or a
      // getter that throws (an input built in code: the worker passes real objects) threw out of
      // the wrapper, our error in the handler's path. Now it is the library's failure: logged once,
      // fail open, or with failClosed the invocation fails as a blocked one does.
      try {
        const v = rt.fail(err, m);
        if (v.action === 'block') throw new RequestBlockedError(v.findings, m.requestId);
      } catch (e) {
        return Promise.reject(e);
      }
      return call(user, input, context);
    }
    if (kind === 'skip') return call(user, input, context);
    // Integrity (a tampered instance refuses work in block mode) before, metrics flush after.
    let refused;
    try {
      refused = rt.begin(m);
    } catch (err) {
      return Promise.reject(err);
    }
    if (refused instanceof Promise) return runLater(rt, user, input, context, m, kind, refused);
    if (refused !== undefined) {
      rt.end();
      return kind === 'http' ? Promise.resolve(httpBlockResponse(refused, m.requestId)) : Promise.reject(new RequestBlockedError(refused.findings, m.requestId));
    }
    return kind === 'http' ? runHttp(rt, user, input as HttpRequestLike, context, m) : runTrigger(rt, user, input, context, m);
  };
  Object.defineProperty(wrapper, PROTECTED, { value: true });
  Object.defineProperty(wrapper, 'getStats', { value: () => rt.vis.getStats(), enumerable: false });
  return wrapper;
}

/** An invocation that waits on an integrity scan first (rare: see Runtime.begin). */
async function runLater(
  rt: Runtime,
  user: AnyHandler,
  input: unknown,
  context: InvocationContext,
  m: InvocationMeta,
  kind: 'http' | 'trigger',
  pending: Promise<Verdict | undefined>,
): Promise<unknown> {
  const refused = await pending;
  if (refused !== undefined) {
    rt.end();
    if (kind === 'http') return httpBlockResponse(refused, m.requestId);
    throw new RequestBlockedError(refused.findings, m.requestId);
  }
  return kind === 'http' ? runHttp(rt, user, input as HttpRequestLike, context, m) : runTrigger(rt, user, input, context, m);
}

/**
 * A non-HTTP trigger: every message checked, then the handler under the sink checks. Ends the
 * invocation exactly once, after what it returns has settled; the guard's after/afterError instead
 * of an async function awaiting it (two promises fewer, as runHttp).
 */
function runTrigger(rt: Runtime, user: AnyHandler, input: unknown, context: InvocationContext, m: InvocationMeta): Promise<unknown> {
  let requests: InspectionRequest[];
  let admission: Admission;
  try {
    requests = checkTrigger(rt, input, context, m);
    // Counted for cost and anomaly detection, as every Lambda trigger is (the invocation here, its
    // duration when the handler settles); a queue or event has no caller to throttle or shed (`http`
    // false: the admission only counts). Triggers went uncounted before: a flood of queue messages
    // ran up the bill with no alert.
    admission = rt.admit(requests[0] ?? { provider: 'azure', trigger: m.trigger, sources: [] }, m, false);
  } catch (err) {
    rt.end();
    return Promise.reject(err);
  }
  const started = monotonicNow();
  let ended = false;
  const finish = (): void => {
    ended = true;
    admission.done(monotonicNow() - started);
    rt.end();
  };
  const after = (out: Guarded<unknown>): unknown => {
    finish();
    // A sink stopped an operation: fail the invocation like an input block (retry, then poison queue).
    if (!out.ok) throw out.blocked;
    return out.value;
  };
  const afterError = (err: unknown): never => {
    finish();
    throw err;
  };
  try {
    const r = rt.guard(requests, m, () => user(input, context), after, afterError);
    return r instanceof Promise ? r : Promise.resolve(r);
  } catch (err) {
    if (!ended) finish();
    return Promise.reject(err);
  }
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
