import t from 'tap';
import { userInputsFrom, createInvocation, runWithInvocation, currentInvocation } from '../../src/sinks/index';
import { SinkBlockedError, findSinkBlock } from '../../src/sinks/errors';
import type { InspectionRequest } from '../../src/types';

t.test('userInputsFrom decodes like the engine and keeps source kinds and paths', async (t) => {
  const req: InspectionRequest = {
    sources: [
      { kind: 'query', path: 'query', value: { file: '..%2F..%2Fetc%2Fpasswd', ids: ['1', '2'] } },
      { kind: 'header', path: 'headers', value: { 'x-host': 'http://169.254.169.254/' } },
      { kind: 'body', path: 'body', value: Buffer.from(JSON.stringify({ user: { name: "O'Brien", note: '{"inner":"deep value"}' }, q: { $ne: null } })).toString('base64'), decoding: 'body', contentType: 'application/json', base64: true },
      { kind: 'record', path: 'records[0].body', value: 'a=1&cmd=ls+-la%3B+id', decoding: 'body', contentType: 'application/x-www-form-urlencoded' },
    ],
  };
  const inputs = userInputsFrom(req);
  const find = (v: string) => inputs.find((i) => i.value === v);
  t.same(find('../../etc/passwd'), { value: '../../etc/passwd', source: 'query', path: 'query.file' }, 'percent-decoded variant');
  t.same(find('1,2'), { value: '1,2', source: 'query', path: 'query.ids' }, 'array joined');
  t.equal(find('http://169.254.169.254/')?.path, 'headers.x-host');
  t.same(find("O'Brien"), { value: "O'Brien", source: 'body', path: 'body.user.name' }, 'base64 JSON body');
  t.equal(find('deep value')?.path, 'body.user.note.inner', 'JSON inside a string');
  t.equal(find('$ne')?.path, 'body.q.$ne', 'keys are inputs too');
  t.equal(find('ls -la; id')?.source, 'record', 'form body decoded');
  t.notOk(inputs.some((i) => i.value.length < 2), 'single characters are left out');
  const ctx = createInvocation({ requests: req });
  t.equal(ctx.operators.length, 1);
  t.same(ctx.operators[0]?.value, { $ne: null });
  t.equal(ctx.operators[0]?.path, 'body.q');
});

t.test('collection is bounded and lazy', async (t) => {
  const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, `value-${i}`]));
  const ctx = createInvocation({ requests: { sources: [{ kind: 'body', path: 'body', value: many }] }, limits: { maxStrings: 50 } });
  t.equal(ctx.truncated, true);
  t.ok(ctx.inputs.length <= 50);
  let evaluated = false;
  const lazy = createInvocation({
    requests: {
      get sources() {
        evaluated = true;
        return [];
      },
    } as unknown as InspectionRequest,
  });
  t.equal(evaluated, false, 'nothing collected until a sink asks');
  void lazy.inputs;
  t.equal(evaluated, true);
});

t.test('context follows the async tree', async (t) => {
  const ctx = createInvocation({ inputs: [{ value: 'abc', source: 'body', path: 'body.a' }] });
  t.equal(currentInvocation(), undefined);
  const seen = await runWithInvocation(ctx, async () => {
    await new Promise((r) => setTimeout(r, 1));
    return new Promise((resolve) => setImmediate(() => resolve(currentInvocation())));
  });
  t.equal(seen, ctx);
  t.equal(currentInvocation(), undefined);
});

t.test('findSinkBlock looks through cause chains', async (t) => {
  const e = new SinkBlockedError({ kind: 'sink', rule: 'sink.ssrf', class: 'ssrf', confidence: 'high', source: 'body', path: 'body.url', reason: 'x', operation: 'net.connect', blocked: true });
  t.equal(findSinkBlock(new TypeError('fetch failed', { cause: e })), e);
  t.equal(findSinkBlock(new AggregateError([new Error('a'), e])), e);
  t.equal(findSinkBlock(new Error('other')), undefined);
  t.equal(e.code, 'RASP_ERR_BLOCKED');
  t.match(e.message, /net\.connect/);
});
