/**
 * Request carriers where a value is quoted, escaped or cut up before the handler sees it: CSV, YAML,
 * line-delimited JSON, JSON with a byte order mark or that does not parse, multipart parameters with
 * quotes, and path segments behind a route that the function routes itself. Each attack must be
 * blocked with a path that names the value, and the same carrier with honest content must pass.
 * Through the real Lambda protect() (and the real @azure/functions request for Azure's path).
 */
import t from 'tap';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { protect, type Finding } from '../../adapters/aws-lambda';
import { protect as protectAzure } from '../../adapters/azure-functions';
import * as ev from '../helpers/lambda-events';

const SQLI = `1")) or 1=1 union select password from users--`;
const SHELL = "a'; cat /etc/passwd; echo '";

function lambda(): { run: (e: unknown) => Promise<{ status: number; findings: Finding[] }> } {
  let findings: Finding[] = [];
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), {
    log: false,
    sinks: false,
    onSecurityEvent: (e) => {
      findings = e.findings;
    },
  });
  const ctx = ev.lambdaContext({ functionName: 'formats' });
  return {
    async run(e) {
      findings = [];
      const res = (await handler(e as never, ctx)) as { statusCode: number };
      return { status: res.statusCode, findings };
    },
  };
}

const post = (body: string, contentType: string): unknown =>
  ev.apiGatewayV2({ routeKey: 'POST /import', path: '/import', method: 'POST', body, headers: { 'content-type': contentType } });

const B = 'xYzBoundary';
const multipart = (disposition: string): string => `--${B}\r\nContent-Disposition: form-data; name="f"; ${disposition}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${B}--\r\n`;

interface Case {
  name: string;
  attack: unknown;
  /** A prefix of the finding's path that names the value. */
  path: string;
  benign: unknown;
}

const csvField = (v: string): string => `"${v.replace(/"/g, '""')}"`;

const CASES: Case[] = [
  { name: 'CSV, quotes doubled', attack: post(`id,note\n1,${csvField(SQLI)}\n`, 'text/csv'), path: 'body["#csv"][1][1]', benign: post(`id,note\n1,${csvField('He said "fine", then left; 5 > 3')}\n`, 'text/csv') },
  { name: 'CSV, semicolons', attack: post(`id;note\r\n2;${csvField(SHELL)}\r\n`, 'text/csv; charset=utf-8'), path: 'body["#csv"][1][1]', benign: post('id;note\r\n2;"salt; pepper"\r\n', 'text/csv') },
  { name: 'YAML double-quoted', attack: post(`note: ${JSON.stringify(SQLI)}\n`, 'application/yaml'), path: 'body["#yaml"][0].note', benign: post('note: "set `debug` to `true` in \\"config\\""\n', 'application/yaml') },
  { name: 'YAML single-quoted', attack: post(`note: '${SHELL.replace(/'/g, "''")}'\n`, 'application/x-yaml'), path: 'body["#yaml"][0].note', benign: post("note: 'O''Brien''s order'\n", 'application/x-yaml') },
  { name: 'YAML over two lines', attack: post(`note: "1')) or\n  1=1 union select password from users--"\n`, 'text/yaml'), path: 'body["#yaml"][0].note', benign: post('note: "first line\n  second line"\n', 'text/yaml') },
  { name: 'NDJSON', attack: post(`{"id":1}\n${JSON.stringify({ note: SQLI })}\n`, 'application/x-ndjson'), path: 'body["#lines"][1].note', benign: post('{"id":1}\n{"note":"use `npm test`, then \\"ship\\""}\n', 'application/x-ndjson') },
  { name: 'NDJSON sent as JSON', attack: post(`{"id":1}\n${JSON.stringify({ note: SHELL })}\n`, 'application/json'), path: 'body["#lines"][1].note', benign: post('{"id":1}\n{"id":2}\n', 'application/x-ndjson') },
  { name: 'JSON with a byte order mark', attack: post(`\ufeff${JSON.stringify({ note: SQLI })}`, 'application/json'), path: 'body.note', benign: post(`\ufeff${JSON.stringify({ note: 'fine' })}`, 'application/json') },
  { name: 'JSON with a trailing comma', attack: post(`{"note": ${JSON.stringify(SQLI)},}`, 'application/json'), path: 'body["#strings"][1]', benign: post('{"note": "fine",}', 'text/plain') },
  { name: 'a multipart file name holding a ;', attack: post(multipart(`filename="x;' or 1=1 union select password from users--"`), `multipart/form-data; boundary=${B}`), path: 'body["(files)"][0].filename', benign: post(multipart('filename="report; final.txt"'), `multipart/form-data; boundary=${B}`) },
  { name: 'a multipart extended file name', attack: post(multipart(`filename="a.txt"; filename*=UTF-8''..%2F..%2F..%2Fetc%2Fpasswd`), `multipart/form-data; boundary=${B}`), path: 'body["(files)"][0]["filename*"]', benign: post(multipart(`filename="a.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`), `multipart/form-data; boundary=${B}`) },
  {
    name: 'a path segment behind $default',
    attack: ev.apiGatewayV2({ routeKey: '$default', path: `/files/${encodeURIComponent('select * from users;')}`, method: 'GET' }),
    path: 'pathSegments[1]',
    benign: ev.apiGatewayV2({ routeKey: '$default', path: `/files/${encodeURIComponent('select your size')}`, method: 'GET' }),
  },
  {
    name: 'a path segment behind {proxy+} (REST API)',
    attack: ev.apiGatewayV1({ resource: '/{proxy+}', path: `/users/${encodeURIComponent("1' or '1'='1")}`, method: 'GET' }),
    path: 'pathSegments[1]',
    benign: ev.apiGatewayV1({ resource: '/{proxy+}', path: `/users/${encodeURIComponent("O'Brien")}`, method: 'GET' }),
  },
];

t.test('Lambda: attacks in quoted and cut-up carriers are blocked where they sit', async (t) => {
  const l = lambda();
  for (const c of CASES) {
    const a = await l.run(c.attack);
    t.equal(a.status, 403, `${c.name}: blocked`);
    t.ok(
      a.findings.some((f) => f.path.startsWith(c.path)),
      `${c.name}: a finding at ${c.path} (got ${a.findings.map((f) => `${f.rule}@${f.path}`).join(', ')})`,
    );
    const b = await l.run(c.benign);
    t.equal(b.status, 200, `${c.name}: honest content passes (${b.findings.map((f) => `${f.rule}@${f.path}`).join(', ')})`);
  }
});

t.test('Azure: path segments are read on their own', async (t) => {
  let findings: Finding[] = [];
  const handler = protectAzure(async () => ({ status: 200 }), { log: false, sinks: false, onSecurityEvent: (e) => (findings = e.findings) });
  const ctx = new InvocationContext({ invocationId: 'segments', functionName: 'files', options: { trigger: { type: 'httpTrigger', name: 'req', route: '{*rest}' } as never } });
  const res = (await handler(new HttpRequest({ method: 'GET', url: `https://app.azurewebsites.net/api/files/${encodeURIComponent('select * from users;')}` }), ctx)) as HttpResponseInit;
  t.equal(res.status, 403);
  t.ok(findings.some((f) => f.path.startsWith('pathSegments[')), findings.map((f) => f.path).join(', '));
  const ok = (await handler(new HttpRequest({ method: 'GET', url: `https://app.azurewebsites.net/api/files/${encodeURIComponent('select your size')}` }), ctx)) as HttpResponseInit;
  t.equal(ok.status, 200);
});
