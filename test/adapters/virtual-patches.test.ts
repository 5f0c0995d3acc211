/**
 * A virtual patch on a header blocks exactly the requests it matches, through the real protect() of
 * every provider: Lambda events, real @azure/functions objects, the real functions-framework server.
 */
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect as protectLambda } from '../../adapters/aws-lambda/index';
import { protect as protectAzure } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import * as ev from '../helpers/lambda-events';

type Any = any;
const PATCH = { virtualPatches: [{ id: 'scanner-ua', where: 'headers.user-agent', match: '(?i)(sqlmap|nikto|masscan)' }], log: false as const };
const SCANNER = 'sqlmap/1.7.2#stable (https://sqlmap.org)';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/126.0';

t.test('Lambda', async (t) => {
  let calls = 0;
  const h = protectLambda(async () => {
    calls++;
    return { statusCode: 200, body: 'ok' };
  }, PATCH);
  const res = async (ua: string, q = 'shoes') => ((await h(ev.apiGatewayV2({ headers: { 'user-agent': ua }, query: { q } }) as Any, ev.lambdaContext())) as Any).statusCode;
  t.equal(await res(SCANNER), 403, 'the scanner is blocked');
  t.equal(await res(BROWSER), 200, 'a browser passes');
  t.equal(await res(BROWSER, SCANNER), 200, 'the same text elsewhere (the query) is not the header');
  t.equal(calls, 2);
});

t.test('Azure', async (t) => {
  let calls = 0;
  const h = protectAzure(async () => {
    calls++;
    return { status: 200, body: 'ok' };
  }, PATCH);
  const ctx = () =>
    new InvocationContext({ invocationId: 'c0ffee', functionName: 'orders', logHandler: () => undefined, options: { trigger: { type: 'httpTrigger', name: 'req' } as Any } });
  const res = async (ua: string, q = 'shoes') =>
    ((await h(new HttpRequest({ method: 'GET', url: `https://app.azurewebsites.net/api/orders?q=${encodeURIComponent(q)}`, headers: { 'user-agent': ua } }), ctx())) as Any).status;
  t.equal(await res(SCANNER), 403);
  t.equal(await res(BROWSER), 200);
  t.equal(await res(BROWSER, SCANNER), 200);
  t.equal(calls, 2);
});

t.test('GCP (real functions-framework server)', async (t) => {
  let calls = 0;
  functions.http(
    'vpatch',
    protectGcp((_req: Any, res: Any) => {
      calls++;
      res.status(200).send('ok');
    }, PATCH),
  );
  const server = getTestServer('vpatch');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = async (ua: string, q = 'shoes') => (await fetch(`${base}/orders?q=${encodeURIComponent(q)}`, { headers: { 'user-agent': ua } })).status;
  t.equal(await res(SCANNER), 403);
  t.equal(await res(BROWSER), 200);
  t.equal(await res(BROWSER, SCANNER), 200);
  t.equal(calls, 2);
});

t.test('an invalid rule fails at cold start with a message naming it', async (t) => {
  t.throws(() => protectLambda(async () => 1, { virtualPatches: [{ id: 'broken', where: 'headers.user-agent', match: '(?<=a)b' }] }), {
    code: 'RASP_ERR_OPTIONS',
    message: /broken/,
  });
});
