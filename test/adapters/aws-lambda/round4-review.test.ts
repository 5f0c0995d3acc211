/**
 * Review of red team round 4 (session 21): what the new readings of VPC Lattice requests and SES
 * encoded-words let through or cost, through the real protect() (block mode, paranoia 1).
 * - VPC Lattice: one set of member names for both event versions left the other version's names
 *   (and `method`, the base64 flag, `requestContext`) out of the walk of the rest; `{ method,
 *   raw_path }` alone made a user's own payload an HTTP request, answered with a 403 object; header
 *   and query maps of the other value type (strings in v2) lost their content type and form decoding.
 * - SES encoded-words: libmime's joining of adjacent words' encoded text, UTF-7, UTF-32 and
 *   mark-less big-endian UTF-16 each hid the payload from the `#mime` reading; made-up charset labels
 *   cost a thrown TextDecoder error each.
 */
import t from 'tap';
import { decodeMimeWords, mimeWordReadings } from '../../../adapters/aws-lambda/normalize';
import { RequestBlockedError } from '../../../src/errors';
import { ATTACKS, runLambda, unblocked, type Run } from '../../helpers/carriers';


const lambda = (event: unknown): Promise<Run> => runLambda(event, 'review');

// ---- VPC Lattice (shapes written from the documented v1 and v2 event structures) ----

const v1 = (o: Record<string, unknown>) => ({ raw_path: '/jobs', method: 'POST', headers: { 'user-agent': 'python-requests/2.32', 'x-forwarded-for': '10.0.4.9' }, query_string_parameters: {}, body: '', is_base64_encoded: false, ...o });
const v2 = (o: Record<string, unknown>) => ({
  version: '2.0',
  path: '/jobs',
  method: 'POST',
  headers: { 'user-agent': ['python-requests/2.32'], 'x-forwarded-for': ['10.0.4.9'] },
  queryStringParameters: {},
  body: '',
  isBase64Encoded: false,
  requestContext: {
    serviceNetworkArn: 'arn:aws:vpc-lattice:eu-west-1:210987654321:servicenetwork/sn-07d1c1a2b3c4d5e6f',
    serviceArn: 'arn:aws:vpc-lattice:eu-west-1:210987654321:service/svc-0e1f2a3b4c5d6e7f8',
    targetGroupArn: 'arn:aws:vpc-lattice:eu-west-1:210987654321:targetgroup/tg-0a9b8c7d6e5f4a3b2',
    identity: { sourceVpcArn: 'arn:aws:ec2:eu-west-1:210987654321:vpc/vpc-0c1d2e3f4a5b6c7d8', type: 'AWS_IAM', principal: 'arn:aws:iam::210987654321:role/jobs-caller' },
    region: 'eu-west-1',
    timeEpoch: '1777629600123456',
  },
  ...o,
});
const plusEncoded = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');

t.test('VPC Lattice: members outside the version\'s HTTP reading are still read', async (t) => {
  // Each was dropped before: neither read by the HTTP reading of that version nor walked.
  const CASES: Array<[string, (a: string) => unknown, string]> = [
    ['v1 + path', (a) => v1({ path: a }), 'event.path'],
    ['v1 + version', (a) => v1({ version: a }), 'event.version'],
    ['v1 + requestContext (a string)', (a) => v1({ requestContext: a }), 'event.requestContext'],
    ['v1 + queryStringParameters', (a) => v1({ queryStringParameters: { q: a } }), 'event.queryStringParameters'],
    ['v1 + isBase64Encoded', (a) => v1({ isBase64Encoded: a }), 'event.isBase64Encoded'],
    ['v1, method not a method', (a) => v1({ method: a }), 'event.method'],
    ['v2 + raw_path', (a) => v2({ raw_path: a }), 'event.raw_path'],
    ['v2 + query_string_parameters', (a) => v2({ query_string_parameters: { q: a } }), 'event.query_string_parameters'],
    ['v2 + is_base64_encoded', (a) => v2({ is_base64_encoded: a }), 'event.is_base64_encoded'],
    ['v2, requestContext member of the caller', (a) => v2({ requestContext: { ...v2({}).requestContext, tenant: a } }), 'event.requestContext.tenant'],
    // The caller picks its session name and, with Roles Anywhere, its certificate's names.
    ['v2, identity.sessionName', (a) => v2({ requestContext: { ...v2({}).requestContext, identity: { type: 'AWS_IAM', sessionName: a } } }), 'event.requestContext.identity.sessionName'],
    ['v2, identity.x509SubjectCn', (a) => v2({ requestContext: { ...v2({}).requestContext, identity: { type: 'AWS_IAM', x509SubjectCn: a } } }), 'event.requestContext.identity.x509SubjectCn'],
  ];
  const passed = await unblocked(CASES, lambda, (r) => !r.ran);
  t.same(passed, [], `${CASES.length} members x ${Object.keys(ATTACKS).length} attacks: each blocked where it sits`);
});

t.test('VPC Lattice: header and query maps of the other value type keep their meaning', async (t) => {
  // v2 with string values (hand-built events, older tooling's fixtures): the string content-type was
  // an odd header value, so a form body was read as text and its `+` stayed; same for a query value.
  const CASES: Array<[string, (a: string) => unknown, string]> = [
    ['v2, string content-type, form body', (a) => v2({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `q=${plusEncoded(a)}` }), 'body'],
    ['v2, string query value', (a) => v2({ queryStringParameters: { q: plusEncoded(a) } }), 'query'],
    ['v1, array content-type, form body', (a) => v1({ headers: { 'content-type': ['application/x-www-form-urlencoded'] }, body: `q=${plusEncoded(a)}` }), 'body'],
    ['v1, array query value', (a) => v1({ query_string_parameters: { q: [plusEncoded(a)] } }), 'query'],
  ];
  const passed = await unblocked(CASES, lambda, (r) => !r.ran);
  t.same(passed, [], 'each blocked as the request part it is');
  const clean = await lambda(v2({ headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'theme=dark' }, body: 'name=Anna+Smith&qty=2', queryStringParameters: { page: '2' } }));
  t.ok(clean.ran && clean.wheres.length === 0, 'a clean one is allowed');
});

t.test('VPC Lattice: a payload of a user\'s own with `method` and `raw_path` stays a direct invocation', async (t) => {
  // A job description, a proxy's own message: answered 403 as an HTTP request before, a result the
  // caller (a Step Functions task, an SDK invoke) takes for the handler's success.
  const r = await lambda({ method: 'POST', raw_path: '/exports', body: { filter: "1' UNION SELECT password FROM users--" } });
  t.notOk(r.ran, 'not run');
  t.ok(r.err instanceof RequestBlockedError, 'blocked by a thrown RequestBlockedError');
  t.equal(r.result, undefined, 'no HTTP answer');
  t.ok(r.wheres.some((w) => w.startsWith('event.body')), 'found in the body');
  // The documented shapes are still HTTP requests, answered as such.
  for (const e of [v1({ raw_path: '/jobs?q=1%27+OR+1%3D1--' }), v2({ path: '/jobs?q=1%27+OR+1%3D1--' })]) {
    const h = await lambda(e);
    t.equal(h.result?.statusCode, 403, '403');
    t.equal(h.result?.statusDescription, '403 Forbidden');
    t.equal(h.result?.isBase64Encoded, false);
    t.same(h.result?.headers, { 'content-type': 'application/json', 'cache-control': 'no-store' }, 'single-value headers');
    t.equal(h.result?.multiValueHeaders, undefined);
  }
});

// ---- SES encoded-words ----

const ses = (subject: string) => ({
  Records: [
    {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: {
        mail: {
          timestamp: '2026-05-02T08:30:00.000Z',
          source: 'li.wei@example.net',
          messageId: 'q7k2m9p4r1s8t5u3v6w0x2y4z6a8b0c1d3e5f7g9',
          destination: ['orders@example.org'],
          headersTruncated: false,
          headers: [
            { name: 'From', value: 'Li Wei <li.wei@example.net>' },
            { name: 'Subject', value: subject },
          ],
          commonHeaders: { returnPath: 'li.wei@example.net', from: ['Li Wei <li.wei@example.net>'], date: 'Sat, 2 May 2026 08:30:00 +0000', to: ['orders@example.org'], messageId: '<k9@example.net>', subject },
        },
        receipt: { timestamp: '2026-05-02T08:30:00.000Z', processingTimeMillis: 210, recipients: ['orders@example.org'], spamVerdict: { status: 'PASS' }, virusVerdict: { status: 'PASS' }, spfVerdict: { status: 'PASS' }, dkimVerdict: { status: 'PASS' }, dmarcVerdict: { status: 'PASS' }, action: { type: 'Lambda', functionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:inbox', invocationType: 'Event' } },
      },
    },
  ],
});
const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64');
/** UTF-7 as an encoder writes it: letters, digits and blanks as they are, anything else a shifted run. */
function utf7(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32) out += ch;
    else out += `+${b64(Buffer.from([c >> 8, c & 255])).replace(/=+$/, '')}-`;
  }
  return out;
}
function utf32(s: string, bigEndian: boolean): Buffer {
  const b = Buffer.alloc(s.length * 4);
  for (let i = 0; i < s.length; i++) {
    if (bigEndian) b.writeUInt32BE(s.charCodeAt(i), i * 4);
    else b.writeUInt32LE(s.charCodeAt(i), i * 4);
  }
  return b;
}
const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

t.test('SES: encoded-words in the forms mail parsers decode', async (t) => {
  const CASES: Array<[string, (a: string) => string]> = [
    // libmime (mailparser) joins the encoded text of adjacent words of one charset, then decodes.
    ['B words split after 1 character of base64', (a) => `=?UTF-8?B?${b64(a).slice(0, 1)}?= =?UTF-8?B?${b64(a).slice(1)}?=`],
    ['B words split after 2 characters of base64', (a) => `=?UTF-8?B?${b64(a).slice(0, 2)}?=\r\n =?UTF-8?B?${b64(a).slice(2)}?=`],
    ['UTF-7, B', (a) => `=?UTF-7?B?${b64(utf7(a))}?=`],
    ['UTF-7, Q', (a) => `=?utf-7?Q?${utf7(a).replace(/=/g, '=3D').replace(/ /g, '_')}?=`],
    ['UTF-32LE', (a) => `=?UTF-32LE?B?${b64(utf32(a, false))}?=`],
    ['UTF-32 without a mark, big-endian', (a) => `=?utf-32?B?${b64(utf32(a, true))}?=`],
    ['UTF-16 without a mark, big-endian', (a) => `=?utf-16?B?${b64(utf16be(a))}?=`],
  ];
  const passed: string[] = [];
  for (const [form, build] of CASES) {
    for (const [cls, attack] of Object.entries(ATTACKS)) {
      const r = await lambda(ses(build(attack)));
      if (r.ran) passed.push(`${form} / ${cls}`);
      else if (!r.wheres.some((w) => w.includes('#mime'))) passed.push(`${form} / ${cls}: found at ${r.wheres.join(', ')}, not in a #mime reading`);
    }
  }
  t.same(passed, [], `${CASES.length} forms x ${Object.keys(ATTACKS).length} attacks: each blocked`);
});

t.test('SES: legitimate encoded subjects are allowed', async (t) => {
  const subjects = [
    // A long UTF-8 subject as encoders split it: on whole characters, each word's base64 complete.
    `=?UTF-8?B?${b64('Ihre Bestellung Nr. 4711 – ')}?= =?UTF-8?B?${b64('Lieferung für Köln')}?=`,
    '=?utf-8?Q?Re:_Order_#1042_=E2=80=94_can=27t_open_the_invoice?=',
    `=?ISO-2022-JP?B?${b64(Buffer.from([0x1b, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4b, 0x24, 0x41, 0x24, 0x4f, 0x1b, 0x28, 0x42]))}?=`,
    `=?utf-16?B?${b64(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('Quarterly report (Q3)')]))}?=`,
    `=?UTF-7?Q?Caf+AOk-_au_lait_+ACY-_croissants?=`,
    '=?windows-1252?Q?O=92Brien_=96_invoice_#77?=',
  ];
  for (const s of subjects) {
    const r = await lambda(ses(s));
    t.ok(r.ran && r.wheres.length === 0, `allowed: ${decodeMimeWords(s)} (${r.wheres.join(', ')})`);
  }
});

t.test('mimeWordReadings: both joinings, the charsets TextDecoder lacks', async (t) => {
  const split = mimeWordReadings('=?UTF-8?B?Jy?= =?UTF-8?B?BPUiAxPTEtLQ==?=');
  t.equal(split?.length, 2, 'two readings when the joinings differ');
  t.equal(split?.[1], "' OR 1=1--", 'the encoded text joined (libmime)');
  t.equal(decodeMimeWords('=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?='), 'café', 'a character split over two words is whole (bytes joined)');
  t.same(mimeWordReadings('=?UTF-8?B?SGVs?= =?UTF-8?B?bG8=?='), ['Hello'], 'one reading when both agree');
  t.equal(decodeMimeWords('=?utf-7?Q?1_+-_1_=3D_2_+AOk-?='), '1 + 1 = 2 é', 'UTF-7: +- is +, a shifted run');
  t.equal(decodeMimeWords(`=?utf-16?B?${b64(Buffer.from('hi', 'utf16le'))}?=`), 'hi', 'UTF-16 without a mark, little-endian');
  t.equal(decodeMimeWords(`=?UTF-32BE?B?${b64(utf32('ok', true))}?=`), 'ok');
  t.equal(decodeMimeWords('=? utf-8 ?B?SGk=?='), 'Hi', 'blanks around a label');
});

t.test('mimeWordReadings: made-up charset labels ask TextDecoder a bounded number of times', async (t) => {
  const Real = globalThis.TextDecoder;
  let made = 0;
  class Counting extends Real {
    constructor(label?: string, options?: ConstructorParameters<typeof TextDecoder>[1]) {
      made++;
      super(label, options);
    }
  }
  globalThis.TextDecoder = Counting as typeof TextDecoder;
  try {
    let value = '';
    for (let i = 0; value.length < 16_000; i++) value += `=?x${i}q?B?QQ==?=`;
    const d = decodeMimeWords(value);
    t.ok(d !== undefined && d.startsWith('AAAA'), 'the words are read (as UTF-8)');
    t.ok(made <= 10, `TextDecoder constructed ${made} times for ~1,100 distinct made-up labels`);
    made = 0;
    decodeMimeWords(value);
    t.ok(made <= 10, `and as few for the next value (${made})`);
  } finally {
    globalThis.TextDecoder = Real;
  }
});

t.test('VPC Lattice: real v2 identities reach the handler (identity is read since round 5)', async (t) => {
  const ids = [
    { sourceVpcArn: 'arn:aws:ec2:eu-west-1:210987654321:vpc/vpc-0c1d2e3f4a5b6c7d8', type: 'AWS_IAM', principal: 'arn:aws:sts::210987654321:assumed-role/jobs-caller/i-0abc123', principalOrgID: 'o-abc123def4', sessionName: 'i-0abc123' },
    { type: 'AWS_IAM', principal: 'arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_Admin_0123/jane.doe@example.com', sessionName: 'jane.doe@example.com' },
    { type: 'AWS_IAM', principal: 'arn:aws:sts::210987654321:assumed-role/ra/0a1b2c3d4e5f', x509SubjectCn: 'workload-01.corp.example.com', x509IssuerOu: 'Platform PKI', x509SanDns: 'workload-01.corp.example.com', x509SanUri: 'spiffe://corp.example.com/ns/prod/sa/jobs', x509SanNameCn: 'workload-01' },
  ];
  for (const identity of ids) {
    const r = await lambda(v2({ requestContext: { ...v2({}).requestContext, identity } }));
    t.ok(r.ran && r.wheres.length === 0, JSON.stringify(identity).slice(0, 80));
  }
});
