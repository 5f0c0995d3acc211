import t from 'tap';
import { createRuntime, monotonicNow } from '../../../adapters/shared/runtime';
import { protect } from '../../../adapters/aws-lambda/index';
import type { AdmitInfo } from '../../../src/dow/guard';
import type { InspectionRequest } from '../../../src/types';
import { apiGatewayV2, lambdaContext } from '../../helpers/lambda-events';

const meta = () => ({ provider: 'aws', functionName: 'f', requestId: 'r', trigger: 'apigw-v2', sourceIp: undefined });
const clean: InspectionRequest = { method: 'GET', path: '/x', sources: [{ kind: 'query', path: 'query', value: { q: 'summer sale' } }] };
const attack: InspectionRequest = { method: 'GET', path: '/x', sources: [{ kind: 'query', path: 'query', value: { q: "' or 1=1 --" } }] };

// The inspection's clock readings stand in for two others (the handler's start, the guard's end
// time): each must come from the check just made, and be left out where it would mean something else.
t.test('lastCheck: the inspection of the check just made, NaN for its end after a report or a failure', async (t) => {
  const rt = createRuntime('aws', { log: false, sinks: false });
  const before = monotonicNow();
  const v = rt.check(clean, meta());
  const after = monotonicNow();
  t.equal(v.action, 'allow');
  t.ok(rt.lastCheck.start >= before && rt.lastCheck.start <= after, 'start read in this check');
  t.ok(Number.isFinite(rt.lastCheck.end) && rt.lastCheck.end >= rt.lastCheck.start - 0.001 && rt.lastCheck.end <= after + 0.001, 'end: the inspection end');
  t.equal(rt.lastCheck.end, rt.lastCheck.start + v.micros / 1000, 'from its micros');
  t.equal(rt.check(attack, meta()).action, 'block');
  t.ok(Number.isNaN(rt.lastCheck.end), 'a reported check leaves the end to the caller');
  const broken = { sources: null } as unknown as InspectionRequest;
  t.equal(rt.check(broken, meta()).action, 'allow', 'fails open');
  t.ok(Number.isNaN(rt.lastCheck.end), 'so does a failed one');
  t.ok(Number.isFinite(rt.lastCheck.start));
});

t.test('Admission.done: the end time from the admission reading and the time since the check, else the guard clock', async (t) => {
  const rt = createRuntime('aws', { log: false, sinks: false });
  const calls: Array<{ info: AdmitInfo; ms: number; endedAt: number | undefined; now: number | undefined }> = [];
  const dow = rt.dow!;
  const record = dow.record.bind(dow);
  dow.record = (info, ms, endedAt) => {
    calls.push({ info, ms, endedAt, now: info.now });
    record(info, ms, endedAt);
  };
  const t0 = Date.now();
  const a = rt.admit(clean, meta(), true);
  const t1 = Date.now();
  a.done(3, 1234.9);
  t.equal(calls.length, 1);
  const c = calls[0]!;
  t.ok(c.now !== undefined && c.now >= t0 && c.now <= t1, 'the admission read the wall clock');
  t.equal(c.endedAt, c.now! + 1234, 'ended at: that reading plus the whole milliseconds since the check');
  t.equal(c.ms, 3);
  const b = rt.admit(clean, meta(), true);
  b.done(3);
  t.equal(calls[1]!.endedAt, undefined, 'without the time since the check, no end time is made up');
  t.equal(calls[1]!.now, undefined, 'and not `now + ms` either: the guard reads its clock');
  const c2 = rt.admit(clean, meta(), true);
  c2.done(3, Number.NaN);
  t.equal(calls[2]!.endedAt, undefined, 'nor from a NaN');
});

t.test('admit with the caller\'s clock reading: the wall clock derived from it, the check started at it', async (t) => {
  const rt = createRuntime('aws', { log: false, sinks: false });
  const infos: AdmitInfo[] = [];
  const dow = rt.dow!;
  const admit = dow.admit.bind(dow);
  dow.admit = (info) => {
    infos.push({ ...info });
    return admit(info);
  };
  for (let i = 0; i < 3; i++) {
    const w0 = Date.now();
    const at = monotonicNow();
    rt.admit(clean, meta(), true, undefined, at);
    const v = rt.check(clean, meta(), at);
    const w1 = Date.now();
    t.equal(v.action, 'allow');
    t.equal(rt.lastCheck.start, at, 'the check starts at the reading it was given');
    const now = infos[infos.length - 1]!.now!;
    t.ok(Number.isInteger(now) && now >= w0 - 1 && now <= w1, `whole milliseconds of the wall clock (${now} in ${w0}..${w1})`);
    await new Promise((r) => setTimeout(r, i === 1 ? 1100 : 5));
  }
  rt.admit(clean, meta(), true, undefined, Number.NaN);
  const w = Date.now();
  t.ok(Math.abs(infos[infos.length - 1]!.now! - w) <= 1, 'a reading that is no number: Date.now() as before');
});

t.test('the Lambda wrapper times the handler within the invocation and gives the guard its end time', async (t) => {
  // Every guard shares the prototype: catch what the wrapper's guard is told.
  const proto = Object.getPrototypeOf(createRuntime('aws', { log: false, sinks: false }).dow!) as { record(info: AdmitInfo, ms: number, endedAt?: number): void };
  const original = proto.record;
  const seen: Array<{ now: number | undefined; ms: number; endedAt: number | undefined }> = [];
  proto.record = function (this: unknown, info: AdmitInfo, ms: number, endedAt?: number) {
    seen.push({ now: info.now, ms, endedAt });
    original.call(this, info, ms, endedAt);
  };
  t.teardown(() => {
    proto.record = original;
  });
  const h = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, mode: 'monitor' });
  for (const q of ['summer sale', "' or 1=1 --"]) {
    // A pause first: a start time left over from an earlier check would put the handler's time
    // outside this invocation's span.
    await new Promise((r) => setTimeout(r, 5));
    const w0 = Date.now();
    const p0 = monotonicNow();
    const r = (await h(apiGatewayV2({ routeKey: 'GET /x', path: '/x', method: 'GET', query: { q } }), lambdaContext())) as { statusCode: number };
    const p1 = monotonicNow();
    const w1 = Date.now();
    t.equal(r.statusCode, 200, q);
    const s = seen[seen.length - 1]!;
    t.ok(s.ms >= 0 && s.ms <= p1 - p0, `the handler's time lies within the invocation (${q})`);
    // Derived from the inspection's monotonicNow() reading (Runtime.admit's `at`) and an offset
    // from Date.now(), whose whole milliseconds can put it one below a Date.now() read just before.
    t.ok(s.now !== undefined && s.now >= w0 - 1 && s.now <= w1, 'the admission reading');
    t.ok(s.endedAt !== undefined && s.endedAt >= s.now! && s.endedAt <= w1, 'an end time between it and the end');
  }
  t.equal(seen.length, 2);
});
