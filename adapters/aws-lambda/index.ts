/**
 * `protect()` for AWS Lambda, every trigger.
 *
 * @example
 * import { protect } from 'serverless-rasp/aws-lambda';
 * export const handler = protect(async (event) => ({ statusCode: 200, body: 'ok' }), {
 *   schemas: { 'POST /orders': orderSchema },
 * });
 */
import type { Callback, Context, Handler } from 'aws-lambda';
import { RaspConfigError, RequestBlockedError } from '../../src/errors';
import type { ProtectOptions } from '../../src/options';
import type { InspectionRequest, Verdict } from '../../src/types';
import type { SinkBlockedError } from '../../src/sinks/index';
import { blockedBody, createRuntime, monotonicNow, sinkVerdict, type Admission, type Guarded, type InvocationMeta } from '../shared/runtime';
import type { VisibilityOptions, VisibilityStats } from '../../src/visibility';
import { normalize, type Normalized } from './normalize';
import { firehoseFailed, httpBlockResponse, mergeBatchResult, mergeFirehoseResult, rateLimitedResponse, type BatchItemFailure } from './respond';

export { RequestBlockedError, RaspConfigError, RaspError } from '../../src/errors';
export type { ProtectOptions, SecurityEvent, Exclusion, Limits, Mode } from '../../src/options';
export type { Finding, Verdict, AttackClass, Confidence, SourceKind } from '../../src/types';

/** The marker `awslambda.streamifyResponse` puts on streaming handlers (read by the Node runtime). */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

type AnyHandler = (event: any, context: Context, callback: Callback<any>) => unknown;

interface ResponseStreamLike {
  write(chunk: string): unknown;
  end(): unknown;
}

/** Runs the user's handler whether it is async (≤ 2 parameters) or callback-style (3). */
function invoke(handler: AnyHandler, event: unknown, context: Context, extra?: unknown): Promise<unknown> {
  if (extra !== undefined) return Promise.resolve(handler(event, extra as Context, context as unknown as Callback));
  if (handler.length < 3) {
    try {
      return Promise.resolve(handler(event, context, undefined as unknown as Callback));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return new Promise((resolve, reject) => {
    const callback: Callback = (err, result) => (err !== undefined && err !== null ? reject(err) : resolve(result));
    try {
      const r = handler(event, context, callback) as { then?: unknown } | undefined;
      if (r !== null && r !== undefined && typeof r.then === 'function') (r as Promise<unknown>).then(resolve, reject);
    } catch (err) {
      reject(err);
    }
  });
}

/**
 * Wraps a Lambda handler. The returned handler declares two parameters (the Node.js 24 runtime rejects
 * three) and still runs callback-style handlers; a streaming handler stays a streaming handler.
 * Throws RaspConfigError at cold start for bad options.
 */
export function protect<TEvent = any, TResult = any>(
  handler: Handler<TEvent, TResult>,
  options?: ProtectOptions & VisibilityOptions,
): ((event: TEvent, context: Context) => Promise<TResult>) & { getStats(): VisibilityStats } {
  if (typeof handler !== 'function') {
    throw new RaspConfigError('RASP_ERR_HANDLER', `serverless-rasp: protect() needs your handler function as its first argument; got ${handler === null ? 'null' : typeof handler}.`);
  }
  const rt = createRuntime('aws', options);
  if (rt.opts.mode === 'off') return handler as unknown as ((event: TEvent, context: Context) => Promise<TResult>) & { getStats(): VisibilityStats };
  const user = handler as unknown as AnyHandler;
  const streaming = (handler as unknown as Record<symbol, unknown>)[STREAMING] !== undefined;

  // Not async itself: runInvocation is, and ends the invocation (rt.end) in its own `finally`. One
  // async frame fewer per invocation: its promise and await cost ~0.2 µs under the sink checks'
  // AsyncLocalStorage, which hooks every promise.
  const run = (event: unknown, context: Context, stream?: ResponseStreamLike): Promise<unknown> => {
    let meta: InvocationMeta;
    let refused: Verdict | undefined | Promise<Verdict | undefined>;
    try {
      meta = {
        provider: 'aws',
        functionName: context?.functionName,
        requestId: context?.awsRequestId,
        trigger: undefined,
        sourceIp: undefined,
      };
      refused = rt.begin(meta);
    } catch (err) {
      return Promise.reject(err);
    }
    if (refused instanceof Promise) return refused.then((r) => runInvocation(event, context, meta, r, stream));
    return runInvocation(event, context, meta, refused, stream);
  };

  /** Event triggers whose error message the platform passes on to the caller (see RequestBlockedError). */
  const CALLER_FACING: ReadonlySet<string> = new Set(['cognito', 'appsync']);

  /** A branch that settles later (batches, a normalize failure), with the invocation ended after it. */
  const ending = async (p: Promise<unknown>): Promise<unknown> => {
    try {
      return await p;
    } finally {
      rt.end();
    }
  };

  // Not async: the common path (one request, allowed) is one promise, the guard's, with the
  // invocation's end in its continuation; an async function with `await rt.guard(...)` added two
  // (its own and the await's), ~0.1 µs each under the sink checks' AsyncLocalStorage. Every path
  // ends the invocation (rt.end) exactly once, after what it returns has settled.
  const runInvocation = (event: unknown, context: Context, meta: InvocationMeta, refused: Verdict | undefined, stream?: ResponseStreamLike): Promise<unknown> => {
    let n: Normalized;
    try {
      n = normalize(event);
    } catch (err) {
      try {
        if (refused !== undefined) throw new RequestBlockedError(refused.findings, meta.requestId);
        const v = rt.fail(err, meta);
        if (v.action === 'block') throw new RequestBlockedError(v.findings, meta.requestId);
      } catch (e) {
        rt.end();
        return Promise.reject(e);
      }
      return ending(invoke(user, event, context, stream));
    }
    let admission: Admission;
    try {
      meta.trigger = n.trigger;
      // A tampered instance (integrity, block mode) refuses every invocation, as an engine block would.
      if (refused !== undefined) {
        if (n.kind === 'batch') throw new RequestBlockedError(refused.findings, meta.requestId);
        const r = blocked(n, refused, meta, stream);
        rt.end();
        return Promise.resolve(r);
      }

      if (n.kind === 'batch') {
        if (n.answer === 'throw') return ending(runWhole(n, event, context, meta));
        if (n.answer === 'firehose') return ending(runFirehose(n, event as { records: unknown[] }, context, meta));
        return ending(runBatch(n, event as { Records: unknown[] }, context, meta));
      }

      meta.sourceIp = n.request.ip;
      // Rate and cost first: the cheapest check, and a flood must not buy inspection time either.
      // One clock reading for the admission's time and the inspection's start (see Runtime.admit).
      const at = monotonicNow();
      admission = rt.admit(n.request, meta, n.kind === 'http', context?.memoryLimitInMB, at);
      const d = admission.decision;
      if (n.kind === 'http' && (d.action === 'throttle' || d.action === 'shed') && stream === undefined) {
        const r = rateLimitedResponse(n.trigger, n.multiValue, d, meta.requestId);
        rt.end();
        return Promise.resolve(r);
      }
      const verdict = rt.check(n.request, meta, at);
      if (verdict.action === 'block') {
        const r = blocked(n, verdict, meta, stream);
        rt.end();
        return Promise.resolve(r);
      }
    } catch (err) {
      rt.end();
      return Promise.reject(err);
    }
    const req = n;
    // The handler's time starts where the inspection ended (rt.lastCheck), read from its clock
    // reading rather than a new one; the clock is read here only after a check that failed or
    // reported. The end's reading also gives the guard its end time (Admission.done).
    const checked = rt.lastCheck;
    const since = checked.start;
    const started = Number.isNaN(checked.end) ? monotonicNow() : checked.end;
    let ended = false;
    const after = (out: Guarded<unknown>): unknown => {
      ended = true;
      finish(admission, started, since);
      rt.end();
      if (out.ok) return out.value;
      if (req.kind === 'http' && stream === undefined) return httpBlockResponse(req.trigger, req.multiValue, sinkVerdict(out.blocked), meta.requestId);
      // A streaming response may have started already; the sink stopped the operation, the error ends it.
      throw out.blocked;
    };
    const afterError = (err: unknown): never => {
      ended = true;
      finish(admission, started, since);
      rt.end();
      throw err;
    };
    let r: unknown;
    try {
      r = rt.guard(req.request, meta, () => invoke(user, event, context, stream), after, afterError);
    } catch (err) {
      // What `after` or `afterError` threw (the invocation has ended), or a failure of the guard's
      // own before either ran: end it here then, as the async version's `finally` did.
      if (!ended) {
        finish(admission, started, since);
        rt.end();
      }
      return Promise.reject(err);
    }
    return r instanceof Promise ? r : Promise.resolve(r);
  };

  const blocked = (n: Exclude<Normalized, { kind: 'batch' }>, verdict: Verdict, meta: InvocationMeta, stream?: ResponseStreamLike): unknown => {
    if (n.kind === 'http') {
      if (stream) return writeBlocked(stream, verdict, meta.requestId);
      return httpBlockResponse(n.trigger, n.multiValue, verdict, meta.requestId);
    }
    throw new RequestBlockedError(verdict.findings, meta.requestId, { callerFacing: CALLER_FACING.has(n.trigger) });
  };

  /**
   * Runs the handler on a batch's admitted records, under the sink checks for them. Batches are
   * counted for cost and anomaly detection (by their first record); a queue has no caller to throttle.
   */
  const guardedBatch = async (requests: InspectionRequest[], meta: InvocationMeta, context: Context, call: () => Promise<unknown>) => {
    const admission = rt.admit(requests[0] ?? { provider: 'aws', trigger: meta.trigger, sources: [] }, meta, false, context?.memoryLimitInMB);
    const started = monotonicNow();
    try {
      return await rt.guard(requests, meta, call);
    } finally {
      admission.done(monotonicNow() - started);
    }
  };

  // A literal of the five members rather than a spread (`run` builds every meta with those): the
  // spread copies through a generic path, ~30 ns a record.
  const recordMeta = (meta: InvocationMeta, i: number): InvocationMeta => ({
    provider: meta.provider,
    functionName: meta.functionName,
    requestId: meta.requestId ? `${meta.requestId}#${i}` : undefined,
    trigger: meta.trigger,
    sourceIp: meta.sourceIp,
  });

  /**
   * Inspects record `i` of a batch. Records are checked one after another in a synchronous loop, so a
   * record's check starts where the previous one's inspection ended (rt.lastCheck.end, its own clock
   * reading), not at a clock reading of its own: one fewer per record (~50 ns where the clock is a
   * system call). The first record, and any after a check that failed or reported (end NaN), read
   * the clock as before. Only the reported inspection time (`micros`) changes, by the loop's few
   * nanoseconds.
   */
  const checkRecord = (request: InspectionRequest, meta: InvocationMeta, i: number): Verdict => {
    const prevEnd = rt.lastCheck.end;
    return rt.check(request, recordMeta(meta, i), i > 0 && !Number.isNaN(prevEnd) ? prevEnd : undefined);
  };

  /**
   * Kafka and CloudWatch Logs: each record inspected on its own (its own limits, its own log line);
   * the first blocked one fails the whole invocation before the handler runs, as an event trigger's
   * block does. The handler gets the event unchanged.
   */
  const runWhole = async (n: Extract<Normalized, { kind: 'batch' }>, event: unknown, context: Context, meta: InvocationMeta): Promise<unknown> => {
    const requests = n.records.map((r) => r.request);
    for (let i = 0; i < requests.length; i++) {
      const verdict = checkRecord(requests[i]!, meta, i);
      if (verdict.action === 'block') throw new RequestBlockedError(verdict.findings, meta.requestId);
    }
    const out = await guardedBatch(requests, meta, context, () => invoke(user, event, context));
    if (out.ok) return out.value;
    throw out.blocked;
  };

  /**
   * Firehose transformation: the handler transforms the allowed records; each blocked one is answered
   * `{ recordId, result: 'ProcessingFailed', data: <its original data> }`, merged into the handler's
   * `records` (its own entries untouched), so that Firehose writes it to the error output.
   */
  const runFirehose = async (n: Extract<Normalized, { kind: 'batch' }>, event: { records: unknown[] }, context: Context, meta: InvocationMeta): Promise<unknown> => {
    const blockedIdx: number[] = [];
    const clean: unknown[] = [];
    const cleanIdx: number[] = [];
    for (let i = 0; i < n.records.length; i++) {
      if (checkRecord(n.records[i]!.request, meta, i).action === 'block') blockedIdx.push(i);
      else {
        clean.push(event.records[i]);
        cleanIdx.push(i);
      }
    }
    const failed = (i: number) => firehoseFailed(n.records[i]!.id, event.records[i]);
    const order = n.records.map((r) => r.id);
    if (clean.length === 0) return { records: blockedIdx.map(failed) };
    const requests = cleanIdx.map((i) => n.records[i]!.request);
    const out = await guardedBatch(requests, meta, context, () => invoke(user, blockedIdx.length === 0 ? event : withList(event, 'records', clean), context));
    if (!out.ok) {
      // A sink stopped an operation driven by one record: when the handler still answered, that
      // record is answered ProcessingFailed too (in place of the handler's entry); otherwise, or when
      // the finding names no record, the invocation fails and Firehose retries it.
      const idx = recordIndex(out.blocked);
      if (idx === undefined || !out.returned || idx >= n.records.length) throw out.blocked;
      return mergeFirehoseResult(out.value, [...blockedIdx, idx].map(failed), order);
    }
    return blockedIdx.length === 0 ? out.value : mergeFirehoseResult(out.value, blockedIdx.map(failed), order);
  };

  const runBatch = async (
    n: Extract<Normalized, { kind: 'batch' }>,
    event: { Records: unknown[] },
    context: Context,
    meta: InvocationMeta,
  ): Promise<unknown> => {
    const failures: BatchItemFailure[] = [];
    const clean: unknown[] = [];
    const cleanIdx: number[] = [];
    for (let i = 0; i < n.records.length; i++) {
      const rec = n.records[i]!;
      const verdict = checkRecord(rec.request, meta, i);
      if (verdict.action !== 'block') {
        clean.push(event.Records[i]);
        cleanIdx.push(i);
        continue;
      }
      failures.push({ itemIdentifier: rec.id });
      // FIFO queues and streams are ordered: nothing after a failed record may be processed now.
      // Report the rest as failed too so they are retried after it, in order.
      if (n.ordered) {
        if (n.trigger === 'sqs') for (const r of n.records.slice(i + 1)) failures.push({ itemIdentifier: r.id });
        break;
      }
    }
    const order = n.records.map((r) => r.id);
    if (clean.length === 0) return { batchItemFailures: failures };
    const requests = cleanIdx.map((i) => n.records[i]!.request);
    const out = await guardedBatch(requests, meta, context, () => invoke(user, failures.length === 0 ? event : withList(event, 'Records', clean), context));
    if (!out.ok) {
      // A sink stopped an operation driven by one record. Nothing may be lost: fail that record; if
      // the handler did not finish (it threw), also every clean record after it, which it may not
      // have reached; for ordered sources, everything after it anyway. When the finding names no
      // record, fail the whole batch. The handler's own failures are kept when it returned.
      const idx = recordIndex(out.blocked);
      if (idx === undefined) throw out.blocked;
      const after = n.ordered || !out.returned;
      const ours = [...failures, ...n.records.filter((_, i) => i === idx || (after && i > idx && cleanIdx.includes(i))).map((r) => ({ itemIdentifier: r.id }))];
      return mergeBatchResult(out.returned ? out.value : {}, ours, order);
    }
    return failures.length === 0 ? out.value : mergeBatchResult(out.value, failures, order);
  };

  let wrapper: (event: TEvent, context: Context) => Promise<TResult>;
  if (streaming) {
    // Streaming handlers get (event, responseStream, context); declare two, read the third.
    wrapper = function protectedStreamingHandler(this: unknown, event: TEvent, responseStream: Context) {
      // eslint-disable-next-line prefer-rest-params
      const context = arguments[2] as Context;
      return run(event, context, responseStream as unknown as ResponseStreamLike) as Promise<TResult>;
    };
  } else {
    wrapper = (event: TEvent, context: Context) => run(event, context) as Promise<TResult>;
  }
  Object.defineProperty(wrapper, 'getStats', { value: () => rt.vis.getStats(), enumerable: false });
  // Keep the runtime's markers (streaming, high-water mark) on the wrapper.
  for (const sym of Object.getOwnPropertySymbols(handler)) {
    (wrapper as unknown as Record<symbol, unknown>)[sym] = (handler as unknown as Record<symbol, unknown>)[sym];
  }
  return wrapper as typeof wrapper & { getStats(): VisibilityStats };
}

/**
 * Accounts an invocation that ran its handler: the time since `started` (the handler's start) and
 * since `since` (its check's start, for the guard's end time: Admission.done). One clock reading.
 * Module-level: no closure per invocation.
 */
function finish(admission: Admission, started: number, since: number): void {
  const now = monotonicNow();
  admission.done(now - started, now - since);
}

/**
 * The event with `key` replaced by `list` (the batch without its blocked records). Not a spread:
 * `{ ...event }` reads every property, and a getter that throws among them (an event built in code;
 * normalize never reads it) threw out of the wrapper. The other properties are copied as they are
 * defined (a getter stays a getter, for the handler to read or not), in their order; `key` gets a
 * plain writable property (a frozen event's `Records` is not). Batches with a blocked record only.
 */
function withList(event: object, key: string, list: unknown[]): object {
  const descriptors = Object.getOwnPropertyDescriptors(event) as Record<string, PropertyDescriptor>;
  descriptors[key] = { value: list, enumerable: true, writable: true, configurable: true };
  return Object.defineProperties({}, descriptors);
}

/** `records[3].body.cmd` → 3. */
function recordIndex(b: SinkBlockedError): number | undefined {
  const p = b.finding.path;
  if (!p.startsWith('records[')) return undefined;
  const end = p.indexOf(']');
  const i = Number(p.slice(8, end));
  return Number.isInteger(i) && i >= 0 ? i : undefined;
}

function writeBlocked(stream: ResponseStreamLike, verdict: Verdict, requestId: string | undefined): undefined {
  const body = blockedBody(verdict, requestId);
  const g = globalThis as { awslambda?: { HttpResponseStream?: { from(s: unknown, meta: unknown): ResponseStreamLike } } };
  const from = g.awslambda?.HttpResponseStream?.from;
  const out = from ? from(stream, { statusCode: verdict.status, headers: { 'content-type': 'application/json' } }) : stream;
  out.write(body);
  out.end();
  return undefined;
}
