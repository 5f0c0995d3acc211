/**
 * Metrics: EMF lines are valid Embedded Metric Format documents and count what happened; stats
 * count every decision; OpenTelemetry span events and instruments appear with in-memory SDK parts.
 */
import t from 'tap';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, MeterProvider, MetricReader, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { RaspConfigError } from '../../src/errors';
import { createMetrics, resolveMetricsOptions } from '../../src/metrics/index';
import type { Finding, Verdict } from '../../src/types';

const sqli: Finding = { rule: 'sqli.tautology', class: 'sqli', confidence: 'high', source: 'query', path: 'query.id', reason: 'x' };
const union: Finding = { rule: 'sqli.union', class: 'sqli', confidence: 'high', source: 'body', path: 'body.q', reason: 'x' };
const xss: Finding = { rule: 'xss.script-tag', class: 'xss', confidence: 'high', source: 'body', path: 'body.c', reason: 'x' };
const allow = (micros: number): Verdict => ({ action: 'allow', status: 200, findings: [], micros });
const block = (findings: Finding[], micros = 30): Verdict => ({ action: 'block', status: 403, findings, micros });
const monitor = (findings: Finding[], micros = 20): Verdict => ({ action: 'monitor', status: 403, findings, micros });

type Doc = Record<string, unknown> & {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit?: string }> }> };
};

const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

/**
 * The Embedded Metric Format specification, as CloudWatch checks it: an `_aws` member with a
 * millisecond Timestamp and CloudWatchMetrics directives; every dimension a directive names is a
 * top-level string member; every metric it names is a top-level number (or array of at most 100
 * numbers); at most 30 dimensions per set and 100 metrics per directive.
 */
function validateEmf(line: string): Doc {
  const doc = JSON.parse(line) as Doc;
  if (typeof doc !== 'object' || doc === null) throw new Error('not an object');
  const aws = doc._aws;
  if (typeof aws !== 'object' || aws === null) throw new Error('_aws missing');
  if (!Number.isInteger(aws.Timestamp) || aws.Timestamp < 1e12) throw new Error('Timestamp must be epoch milliseconds');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) throw new Error('CloudWatchMetrics missing');
  for (const d of aws.CloudWatchMetrics) {
    if (typeof d.Namespace !== 'string' || d.Namespace.length === 0 || d.Namespace.length > 255) throw new Error('Namespace');
    if (!Array.isArray(d.Dimensions)) throw new Error('Dimensions must be an array of arrays');
    for (const set of d.Dimensions) {
      if (!Array.isArray(set) || set.length > 30) throw new Error('dimension set');
      for (const name of set) {
        if (typeof doc[name] !== 'string' || (doc[name] as string).length === 0) throw new Error(`dimension ${name} is not a top-level string`);
      }
    }
    if (!Array.isArray(d.Metrics) || d.Metrics.length === 0 || d.Metrics.length > 100) throw new Error('Metrics');
    for (const m of d.Metrics) {
      if (typeof m.Name !== 'string' || m.Name.length === 0 || m.Name.length > 1024) throw new Error('metric Name');
      if (m.Unit !== undefined && !UNITS.has(m.Unit)) throw new Error(`unit ${m.Unit}`);
      const v = doc[m.Name];
      const ok = typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) && v.length > 0 && v.length <= 100 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
      if (!ok) throw new Error(`metric ${m.Name} has no numeric top-level value`);
    }
  }
  return doc;
}

function collector(): { lines: string[]; docs: () => Doc[]; write: (l: string) => void } {
  const lines: string[] = [];
  return { lines, docs: () => lines.map(validateEmf), write: (l) => lines.push(l) };
}

t.test('options are validated', async (t) => {
  t.same(resolveMetricsOptions(undefined), {});
  t.equal(resolveMetricsOptions(false), false);
  const bad: Array<[unknown, RegExp]> = [
    ['yes', /options.metrics must be true, false or an object/],
    [{ emf: 'on' }, /metrics.emf must be true, false or 'auto'/],
    [{ batch: 0 }, /metrics.batch must be an integer from 1 to 100/],
    [{ namespace: 'has space' }, /metrics.namespace/],
    [{ nope: 1 }, /unknown option 'metrics.nope'/],
    [{ dimensions: { Rule: 'x' } }, /clashes/],
  ];
  for (const [v, re] of bad) {
    const err = t.throws(() => resolveMetricsOptions(v)) as RaspConfigError;
    t.equal(err.code, 'RASP_ERR_OPTIONS');
    t.match(err.message, re);
  }
});

t.test('EMF is on by default only on Lambda', async (t) => {
  t.equal(createMetrics({}, {}).emf, false);
  t.equal(createMetrics({}, { AWS_LAMBDA_FUNCTION_NAME: 'orders' }).emf, true);
  t.equal(createMetrics({ emf: false }, { AWS_LAMBDA_FUNCTION_NAME: 'orders' }).emf, false);
  t.equal(createMetrics({ emf: true }, {}).emf, true);
});

t.test('one valid EMF line per clean invocation, counting allowed decisions and inspection time', async (t) => {
  const out = collector();
  const m = createMetrics({ write: out.write, otel: false }, { AWS_LAMBDA_FUNCTION_NAME: 'orders' });
  m.record(allow(12), { provider: 'aws', trigger: 'apigw-v2' });
  m.flush();
  m.record(allow(8), { provider: 'aws', trigger: 'apigw-v2' });
  m.flush();
  t.equal(out.lines.length, 2, 'one line per invocation');
  const [a, b] = out.docs();
  t.equal(a!._aws.CloudWatchMetrics[0]!.Namespace, 'ServerlessRasp');
  t.same(a!._aws.CloudWatchMetrics[0]!.Dimensions, [['FunctionName']]);
  t.same(
    a!._aws.CloudWatchMetrics[0]!.Metrics.map((x) => x.Name),
    ['Invocations', 'Allowed', 'Monitored', 'Blocked', 'Errors', 'InspectionTime'],
  );
  t.match(a, { FunctionName: 'orders', Invocations: 1, Allowed: 1, Monitored: 0, Blocked: 0, Errors: 0, InspectionTime: 12 });
  t.match(b, { Allowed: 1, InspectionTime: 8 });
  const s = m.stats();
  t.match(s, { invocations: 2, decisions: 2, allowed: 2, blocked: 0, emfLines: 2, otel: false });
  t.same(s.inspection, { count: 2, totalMicros: 20, meanMicros: 10, maxMicros: 12 });
});

t.test('blocked and monitored decisions are broken down by class and rule', async (t) => {
  const out = collector();
  const m = createMetrics({ write: out.write, otel: false, emf: true, dimensions: { Stage: 'prod' } }, {});
  // One batch invocation: three SQS records, one blocked with two SQL rules, one monitored XSS, one clean.
  m.record(block([sqli, union, sqli]), { functionName: 'worker', trigger: 'sqs' });
  m.record(monitor([xss]), { functionName: 'worker', trigger: 'sqs' });
  m.record(allow(5), { functionName: 'worker', trigger: 'sqs' });
  m.record({ action: 'block', findings: [{ ...sqli, rule: 'sink.sqli', path: 'body.id' }] }, { origin: 'sink' });
  m.flush();
  const docs = out.docs();
  const totals = docs.find((d) => d.Rule === undefined && d.Class === undefined)!;
  t.match(totals, { FunctionName: 'worker', Stage: 'prod', Invocations: 1, Allowed: 1, Monitored: 1, Blocked: 2, Errors: 0 });
  t.same(totals._aws.CloudWatchMetrics[0]!.Dimensions, [['FunctionName', 'Stage']]);
  t.same(totals.InspectionTime, [30, 20, 5], 'one value per inspected decision');

  const byClass = Object.fromEntries(docs.filter((d) => d.Class !== undefined && d.Rule === undefined).map((d) => [d.Class, d]));
  t.match(byClass.sqli, { Blocked: 2, Monitored: 0 }, 'sqli counted once per decision');
  t.match(byClass.xss, { Blocked: 0, Monitored: 1 });
  t.same(byClass.sqli!._aws.CloudWatchMetrics[0]!.Dimensions, [['FunctionName', 'Class', 'Stage']]);

  const byRule = Object.fromEntries(docs.filter((d) => d.Rule !== undefined).map((d) => [d.Rule, d]));
  t.match(byRule['sqli.tautology'], { Blocked: 1, Class: 'sqli' });
  t.match(byRule['sqli.union'], { Blocked: 1 });
  t.match(byRule['sink.sqli'], { Blocked: 1 });
  t.match(byRule['xss.script-tag'], { Monitored: 1 });
  t.same(byRule['sqli.union']!._aws.CloudWatchMetrics[0]!.Dimensions, [['FunctionName', 'Rule', 'Stage']]);

  const s = m.stats();
  t.match(s, { decisions: 4, allowed: 1, monitored: 1, blocked: 2 });
  t.same(s.byClass, { sqli: { blocked: 2, monitored: 0 }, xss: { blocked: 0, monitored: 1 } });
  t.same(s.byRule['sqli.tautology'], { blocked: 1, monitored: 0 });
  t.same(s.byOrigin, { input: { allowed: 1, monitored: 1, blocked: 1 }, sink: { allowed: 0, monitored: 0, blocked: 1 } });
});

t.test('batching holds up to N invocations and bounds breakdown lines', async (t) => {
  const out = collector();
  const m = createMetrics({ write: out.write, otel: false, emf: true, batch: 3, maxBreakdownLines: 4 }, {});
  for (let i = 0; i < 2; i++) {
    m.record(allow(1));
    m.flush();
  }
  t.equal(out.lines.length, 0, 'nothing written before the batch is full');
  const many: Finding[] = Array.from({ length: 6 }, (_, i) => ({ ...sqli, rule: `custom.r${i}`, class: 'custom' }));
  m.record(block(many));
  m.flush();
  const docs = out.docs();
  t.match(docs[0], { Invocations: 3, Allowed: 2, Blocked: 1 });
  t.equal(docs.length, 1 + 4, 'totals + at most maxBreakdownLines');
  const rules = docs.filter((d) => d.Rule !== undefined);
  t.equal(rules.at(-1)!.Rule, 'other', 'the rest folds into other');
  t.equal(rules.at(-1)!.Blocked, 4, 'custom.r2..r5 folded');
  m.flush(true);
  t.equal(out.lines.length, 5, 'a forced flush with nothing pending writes nothing');
});

t.test('more than 100 inspection samples stay a valid document', async (t) => {
  const out = collector();
  const m = createMetrics({ write: out.write, otel: false, emf: true, batch: 100 }, {});
  for (let i = 0; i < 250; i++) m.record(allow(i + 1));
  m.flush();
  const [doc] = out.docs();
  t.equal((doc!.InspectionTime as number[]).length, 100);
  t.equal(doc!.Allowed, 250);
});

t.test('a throwing writer never throws out of flush', async (t) => {
  const m = createMetrics({ emf: true, otel: false, write: () => { throw new Error('EPIPE'); } }, {});
  m.record(allow(1));
  t.doesNotThrow(() => m.flush());
});

// ------------------------------------------------------------------------------------------------
// OpenTelemetry with the real SDK: a tracer provider with an in-memory exporter, a meter provider
// with a pull reader. The context manager is a minimal AsyncLocalStorage one (what
// @opentelemetry/context-async-hooks does).

class AlsContextManager implements otel.ContextManager {
  private als = new AsyncLocalStorage<otel.Context>();
  active(): otel.Context {
    return this.als.getStore() ?? otel.ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: otel.Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: otel.Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

t.test('OpenTelemetry: span events on the active span, counters and a histogram from the global meter', async (t) => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  otel.context.setGlobalContextManager(new AlsContextManager());
  otel.trace.setGlobalTracerProvider(tracerProvider);
  const m = createMetrics({ emf: false }, {});
  t.equal(m.otel, true, '@opentelemetry/api is present');

  // The meter provider is registered AFTER createMetrics (cold start): instruments follow it.
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  otel.metrics.setGlobalMeterProvider(meterProvider);
  t.teardown(async () => {
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
    otel.trace.disable();
    otel.metrics.disable();
    otel.context.disable();
  });

  const tracer = otel.trace.getTracer('test');
  await tracer.startActiveSpan('invocation-1', async (span) => {
    await Promise.resolve();
    m.record(allow(7), { provider: 'aws', trigger: 'apigw-v2', requestId: 'r1' });
    span.end();
  });
  await tracer.startActiveSpan('invocation-2', async (span) => {
    m.record(block([sqli, union], 42), { provider: 'aws', trigger: 'apigw-v2', requestId: 'r2' });
    span.end();
  });
  m.flush();

  const finished = spans.getFinishedSpans();
  t.equal(finished.length, 2);
  t.equal(finished[0]!.events.length, 0, 'no event for a clean invocation by default');
  const ev = finished[1]!.events[0]!;
  t.equal(ev.name, 'serverless-rasp.decision');
  t.match(ev.attributes, {
    'rasp.action': 'block',
    'rasp.rule': 'sqli.tautology',
    'rasp.class': 'sqli',
    'rasp.where': 'query.id',
    'rasp.rules': 'sqli.tautology,sqli.union',
    'rasp.findings': 2,
    'rasp.inspection_us': 42,
    'rasp.request_id': 'r2',
  });

  const { resourceMetrics } = await reader.collect();
  const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  const decisions = all.find((x) => x.descriptor.name === 'rasp.decisions') as SumMetricData;
  t.ok(decisions, 'rasp.decisions counter');
  const byAction = Object.fromEntries(decisions.dataPoints.map((p) => [p.attributes['rasp.action'], p.value]));
  t.same(byAction, { allow: 1, block: 1 });
  const findings = all.find((x) => x.descriptor.name === 'rasp.findings') as SumMetricData;
  t.same(findings.dataPoints.map((p) => p.attributes['rasp.rule']).sort(), ['sqli.tautology', 'sqli.union']);
  const hist = all.find((x) => x.descriptor.name === 'rasp.inspection.duration') as HistogramMetricData;
  t.equal(hist.descriptor.unit, 'us');
  const total = hist.dataPoints.reduce((s, p) => s + p.value.count, 0);
  t.equal(total, 2, 'two inspection times recorded');

  // spanEvents: 'all' adds an event for clean decisions too.
  const all2 = createMetrics({ emf: false, spanEvents: 'all' }, {});
  await tracer.startActiveSpan('invocation-3', async (span) => {
    all2.record(allow(3));
    span.end();
  });
  t.equal(spans.getFinishedSpans()[2]!.events[0]!.attributes!['rasp.action'], 'allow');
  t.equal(createMetrics({ otel: false }, {}).otel, false, 'otel: false never loads the API');
});
