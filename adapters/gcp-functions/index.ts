/**
 * `protect()` for Google Cloud Functions and Cloud Run functions (functions-framework): one wrapper for
 * `functions.http` and `functions.cloudEvent` handlers (and legacy background functions), told apart
 * at invocation.
 *
 * @example
 * import * as functions from '@google-cloud/functions-framework';
 * import { protect } from 'serverless-rasp/gcp-functions';
 * functions.http('orders', protect((req, res) => { res.json({ ok: true }); }));
 * functions.cloudEvent('onMessage', protect(async (event: functions.CloudEvent<MessagePublishedData>) => {
 *   // only clean messages get here
 * }));
 */
import type {
  CloudEventFunction,
  CloudEventFunctionWithCallback,
  EventFunction,
  EventFunctionWithCallback,
  HttpFunction,
  Request,
} from '@google-cloud/functions-framework';
import { RaspConfigError } from '../../src/errors';
import type { ProtectOptions } from '../../src/options';
import type { InspectionRequest, Verdict } from '../../src/types';
import { createRuntime, monotonicNow, sinkVerdict, type Guarded, type InvocationMeta, type Runtime } from '../shared/runtime';
import {
  isCloudEvent,
  isRequest,
  isResponse,
  requestHeaders,
  normalizeBackground,
  normalizeCloudEvent,
  normalizeHttp,
  normalizeUnknown,
  type ResponseLike,
} from './normalize';
import { sendBlocked, sendRateLimited } from './respond';

export { RequestBlockedError, RaspConfigError, RaspError } from '../../src/errors';
export type { ProtectOptions, SecurityEvent, Exclusion, Limits, Mode } from '../../src/options';
export type { Finding, Verdict, AttackClass, Confidence, SourceKind } from '../../src/types';

/** Every handler shape functions-framework accepts. */
export type GcpHandler =
  | HttpFunction
  | CloudEventFunction<any>
  | CloudEventFunctionWithCallback<any>
  | EventFunction
  | EventFunctionWithCallback;

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * An id fit to log and to echo in a blocked response. The execution id comes from the
 * `function-execution-id` header when the caller sends one, so it is checked, not trusted.
 */
function safeId(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) return undefined;
  // A character scan, not a RegExp: the value is attacker-controlled.
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || '._:/@+=#-'.includes(v[i]!);
    if (!ok) return undefined;
  }
  return v;
}

/** Inspects one non-HTTP invocation; a library failure becomes allow (or block with failClosed). */
function verdictFor(rt: Runtime, m: InvocationMeta, build: () => InspectionRequest): { verdict: Verdict; req: InspectionRequest | undefined } {
  let req: InspectionRequest;
  try {
    req = build();
  } catch (err) {
    return { verdict: rt.fail(err, m), req: undefined };
  }
  m.trigger = req.trigger;
  return { verdict: rt.check(req, m), req };
}

/**
 * How long the platform lets an event function run: `FUNCTION_TIMEOUT_SEC` where the runtime sets it
 * (1st gen), else 60 s, the default timeout. Read per use (cheap; tests set it).
 */
function callbackTimeoutMs(): number {
  const sec = Number(process.env.FUNCTION_TIMEOUT_SEC);
  return sec > 0 && sec <= 3600 ? sec * 1000 : 60_000;
}

/**
 * Wraps a functions-framework handler. HTTP: a blocked request gets 403 (400 for schema-only findings)
 * with `{"error":"blocked","requestId":…}` and the handler is not called. CloudEvents and background
 * events: a malicious event is acknowledged and dropped (logged, handler not called, no retry).
 * The wrapper keeps the handler's arity (1, 2 or 3 parameters), because functions-framework picks
 * callback style for CloudEvent functions with more than one parameter and for event functions with
 * more than two. Throws RaspConfigError at cold start for bad options.
 */
export function protect<F extends GcpHandler>(handler: F, options?: ProtectOptions): F {
  if (typeof handler !== 'function') {
    throw new RaspConfigError(
      'RASP_ERR_HANDLER',
      `serverless-rasp: protect() needs your handler function as its first argument; got ${handler === null ? 'null' : typeof handler}.`,
    );
  }
  const rt = createRuntime('gcp', options);
  if (rt.opts.mode === 'off') return handler;
  const user = handler as unknown as AnyFn;
  // Read once, at cold start: the framework sets FUNCTION_TARGET, Cloud Run sets K_SERVICE.
  const functionName = process.env.FUNCTION_TARGET || process.env.K_SERVICE || undefined;
  const meta = (requestId: string | undefined): InvocationMeta => ({ provider: 'gcp', functionName, requestId, trigger: undefined, sourceIp: undefined });

  const http = (self: unknown, args: unknown[], req: Request, res: ResponseLike, id: string | undefined, headers: Request['headers']): unknown => {
    const m = meta(id);
    m.trigger = 'http';
    let r: InspectionRequest;
    try {
      r = normalizeHttp(req, headers, rt.opts.limits.maxStrings);
    } catch (err) {
      const v = rt.fail(err, m);
      if (v.action !== 'block') return user.apply(self, args);
      sendBlocked(res, v, m.requestId);
      return undefined;
    }
    m.sourceIp = r.ip;
    // Rate and cost first: the cheapest check, and a flood must not buy inspection time either.
    const admission = rt.admit(r, m, true);
    const d = admission.decision;
    if (d.action === 'throttle' || d.action === 'shed') {
      sendRateLimited(res, d, m.requestId);
      return undefined;
    }
    const verdict = rt.check(r, m);
    if (verdict.action === 'block') {
      sendBlocked(res, verdict, m.requestId);
      return undefined;
    }
    const started = monotonicNow();
    const done = (): void => admission.done(monotonicNow() - started);
    const answer = (out: Guarded<unknown>): unknown => {
      if (out.ok) return out.value;
      // A sink stopped an operation: answer 403 unless the handler has already started its response.
      if (!(res as { headersSent?: boolean }).headersSent) sendBlocked(res, sinkVerdict(out.blocked), m.requestId);
      return undefined;
    };
    // The outcome goes to `after` (or the handler's own error to `afterError`) inside the guard: a
    // handler that returns synchronously (it answers through `res`) is answered synchronously, as the
    // bare handler would be, with no promise of ours for the framework's async hooks to track; an
    // async one costs the guard's one promise, not two more (`then(done, done)` and `then(answer)`).
    let ended = false;
    const after = (out: Guarded<unknown>): unknown => {
      ended = true;
      done();
      return answer(out);
    };
    const afterError = (err: unknown): never => {
      ended = true;
      done();
      throw err;
    };
    try {
      return rt.guard(r, m, () => user.apply(self, args), after, afterError);
    } catch (err) {
      // What `after` or `afterError` threw (accounted already), or a failure of the guard's own.
      if (!ended) done();
      throw err;
    }
  };

  /**
   * Non-HTTP: a blocked event is acknowledged (callback without error, or a normal return).
   * `at` is the callback's position (1 for a CloudEvent, 2 for a background function).
   */
  const event = (self: unknown, args: unknown[], m: InvocationMeta, build: () => InspectionRequest, callback: unknown, at: 1 | 2): unknown => {
    const { verdict, req } = verdictFor(rt, m, build);
    // Counted for cost and anomaly detection, as every Lambda trigger is (the invocation here, its
    // duration when the handler settles); an event has no caller to throttle or shed (`http` false:
    // the admission only counts). Events went uncounted before: a flood of Pub/Sub messages ran up
    // the bill with no alert.
    const admission = rt.admit(req ?? { provider: 'gcp', trigger: m.trigger, sources: [] }, m, false);
    if (verdict.action !== 'block') {
      if (req === undefined) return user.apply(self, args);
      const started = monotonicNow();
      let running = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): void => {
        if (running) {
          running = false;
          if (timer !== undefined) clearTimeout(timer);
          admission.done(monotonicNow() - started);
        }
      };
      // A callback-style handler (the framework's own test: more parameters than the event's, so
      // the wrapper, which keeps the handler's arity, is called with a callback) has finished when
      // it calls back, not when it returns: it usually returns at once and calls back later. The
      // duration was recorded at the return, ~0 ms, so a flood of slow callback-style events cost
      // nothing in the guard's books. The handler gets a forwarder in the callback's place: the
      // same call (this, arguments, result) on the framework's callback, the duration recorded at
      // the first call. That is one closure per such event, and the callback's identity is the
      // only thing the handler can see change (the Lambda adapter hands its own callback too).
      let call = args;
      const viaCallback = typeof callback === 'function' && user.length > at && args[at] === callback;
      if (viaCallback) {
        const given = callback as (...a: unknown[]) => unknown;
        call = args.slice();
        call[at] = function calledBack(this: unknown, ...a: unknown[]): unknown {
          finish();
          return given.apply(this, a);
        };
      }
      // A sink block is acknowledged like an input block: logged, dropped, not retried.
      const acknowledge = (o: Guarded<unknown>): unknown => {
        if (!viaCallback || !o.ok) finish();
        else if (running) {
          // Returned without calling back (yet): the platform bills the invocation until the
          // callback or its timeout, when it stops the instance's work on it. A handler that never
          // calls back is recorded then (review rA: such invocations, the dearest, were never
          // recorded). One unref'd timer per callback-style event that is still running at return.
          timer = setTimeout(finish, callbackTimeoutMs());
          timer.unref?.();
        }
        if (o.ok) return o.value;
        if (typeof callback === 'function') (callback as (err: unknown) => void)(null);
        return undefined;
      };
      const failed = (err: unknown): never => {
        finish();
        throw err;
      };
      // The outcome goes to `acknowledge` inside the guard's own promise (its four-argument form),
      // not through a `new Promise` resolved with the guard's promise and a `.then` after it: that
      // chain was four promises more per event (resolving one promise with another costs a job and a
      // `then` of its own), each ~0.1-0.2 µs under the sink checks' AsyncLocalStorage, which hooks
      // every promise. Still a promise whatever the handler returns, and the handler's own error (a
      // synchronous throw too) still a rejection of it, as before.
      let out: unknown;
      try {
        out = rt.guard(req, m, () => user.apply(self, call), acknowledge, failed);
      } catch (err) {
        return Promise.reject(err);
      }
      return out instanceof Promise ? out : Promise.resolve(out);
    }
    if (typeof callback === 'function') (callback as (err: unknown, result?: unknown) => void)(null);
    return undefined;
  };

  const route = (self: unknown, args: unknown[]): unknown => {
    const [a0, a1, a2] = args;
    // Telling the call apart reads the arguments. A getter that throws or a Proxy among them (a
    // call built in code: the framework passes plain objects) threw out of the wrapper before the
    // handler ran, our error in its path. Now such a failure is the library's: logged once, the
    // handler called (or, with failClosed, the event acknowledged and dropped as a blocked one).
    let kind: 'http' | 'cloudevent' | 'unknown' | 'background';
    let id: string | undefined;
    // An HTTP request's headers, read once here (isRequest's reads) for the id and the normalization.
    let headers: Request['headers'] | undefined;
    try {
      if (isResponse(a1) && (headers = requestHeaders(a0)) !== undefined) {
        kind = 'http';
        id = safeId((a0 as Request).executionId) ?? safeId(headers['function-execution-id']);
      } else if (a1 === undefined || typeof a1 === 'function') {
        // CloudEvent function, async (ce) or callback style (ce, callback).
        kind = isCloudEvent(a0) ? 'cloudevent' : 'unknown';
        if (kind === 'cloudevent') id = safeId((a0 as Record<string, unknown>).id);
      } else {
        // Legacy background function: (data, context) or (data, context, callback).
        kind = 'background';
        const ctx = a1 as { eventId?: unknown; id?: unknown } | null;
        id = safeId(ctx?.eventId) ?? safeId(ctx?.id);
      }
    } catch (err) {
      if (rt.fail(err, meta(undefined)).action !== 'block') return user.apply(self, args);
      const cb = typeof a1 === 'function' ? a1 : typeof a2 === 'function' ? a2 : undefined;
      if (cb) (cb as (err: unknown) => void)(null);
      return undefined;
    }
    if (kind === 'http') return http(self, args, a0 as Request, a1 as ResponseLike, id, headers!);
    if (kind === 'cloudevent') return event(self, args, meta(id), () => normalizeCloudEvent(a0 as Record<string, unknown>), a1, 1);
    if (kind === 'unknown') return event(self, args, meta(undefined), () => normalizeUnknown(a0), a1, 1);
    return event(self, args, meta(id), () => normalizeBackground(a0, a1), a2, 2);
  };

  /** Integrity (a tampered instance refuses work in block mode) before, metrics flush after. */
  const dispatch = (self: unknown, args: unknown[]): unknown => {
    const m = meta(undefined);
    const begun = rt.begin(m);
    const proceed = (refused: Verdict | undefined): unknown => {
      if (refused !== undefined) {
        const [a0, a1, a2] = args;
        if (isResponse(a1) && isRequest(a0)) sendBlocked(a1, refused, safeId(a0.executionId));
        else {
          // A CloudEvent is acknowledged and dropped, as any blocked event is.
          const cb = typeof a1 === 'function' ? a1 : typeof a2 === 'function' ? a2 : undefined;
          if (cb) (cb as (err: unknown) => void)(null);
        }
        return undefined;
      }
      return route(self, args);
    };
    let out: unknown;
    try {
      out = begun instanceof Promise ? begun.then(proceed) : proceed(begun);
    } catch (err) {
      rt.end();
      throw err;
    }
    // Two callbacks on one `then`, not `finally`: `finally` chains two promises more when the
    // outcome settles (its callback's result is awaited, then the outcome passed on), each hooked by
    // the sink checks' AsyncLocalStorage. Same outcome: the value, or the same rejection, after `end`
    // (and `end`'s own error, were it to throw, instead, as with `finally`).
    if (out instanceof Promise) return out.then(endWith, endThrowing);
    rt.end();
    return out;
  };
  const endWith = (v: unknown): unknown => {
    rt.end();
    return v;
  };
  const endThrowing = (err: unknown): never => {
    rt.end();
    throw err;
  };

  // Same arity as the handler (at least 1, at most 3): see the note above.
  const arity = Math.min(Math.max(handler.length, 1), 3);
  // The parameters give the wrapper its length; the call passes the arguments as given (a
  // callback-style event handler's callback forwarded: see `event`), as many as given. When that count is the arity (the framework's every call), the array is built
  // from the parameters: they hold the same values (strict mode: no aliasing, and nothing assigns
  // them), and `Array.from(arguments)` was ~0.5 µs of a GCP HTTP invocation.
  /* eslint-disable prefer-rest-params */
  let wrapper: AnyFn;
  if (arity === 1) {
    wrapper = function protectedFunction(this: unknown, a: unknown) {
      return dispatch(this, arguments.length === 1 ? [a] : Array.from(arguments));
    };
  } else if (arity === 2) {
    wrapper = function protectedFunction(this: unknown, a: unknown, b: unknown) {
      return dispatch(this, arguments.length === 2 ? [a, b] : Array.from(arguments));
    };
  } else {
    wrapper = function protectedFunction(this: unknown, a: unknown, b: unknown, c: unknown) {
      return dispatch(this, arguments.length === 3 ? [a, b, c] : Array.from(arguments));
    };
  }
  /* eslint-enable prefer-rest-params */
  Object.defineProperty(wrapper, 'getStats', { value: () => rt.vis.getStats(), enumerable: false });
  return wrapper as unknown as F;
}
