/**
 * Review of red team round 6 (reviewer rR6, session 23): variations of round 6's attacks that still
 * passed the real Lambda `protect()` at paranoia 1 (query value and JSON body field) after it, each
 * shown here to work in a real sink (dash and bash, better-sqlite3's SQLite, Node's fs); and the
 * nearest honest text round 6 had started to block (`(1) or (2)`, a choice numbered in prose), which
 * reaches the handler again. Vectors written for this suite.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { redteamProtectTests, shellRunsIdTest, sqliteNumericExecTest } from '../helpers/redteam';
import * as ev from '../helpers/lambda-events';
import { protect } from '../../adapters/aws-lambda/index';
import { detectShellInjection } from '../../src/detectors/shell-injection';
import { detectSqlInjection } from '../../src/detectors/sql-injection';
import { checkPath } from '../../src/sinks/analysis/path';
import type { UserInput } from '../../src/sinks/context';

const inp = (value: string): UserInput => ({ value, source: 'query', path: 'query.f' });

/** Shell in dash and bash (`sh -c "echo hello " + v`): each runs id. */
const SHELL: Array<[string, string]> = [
  // A known variable assigned again: the latest value counts (round 6 read the first).
  ['sh: a variable assigned twice, the second value glued to text', 'x;a=q;a=i;${a}d'],
  // POSIX parameter expansions with a literal word: the default, the alternative, the check.
  ['sh: an unset variable with a default glued to text', 'x;${b-i}d'],
  ['sh: an unset variable with a :- default glued to text', 'x;${b:-i}d'],
  ['sh: an unset variable with an assigned default glued to text', 'x;${b=i}d'],
  ['sh: an unset variable with a := default glued to text', 'x;${b:=i}d'],
  ['sh: a set variable with an alternative value glued to text', 'x;a=1;${a:+i}d'],
  ['sh: a set variable with a default (its own value) glued to text', 'x;a=i;${a:-x}d'],
  ['sh: a set variable checked with ? glued to text', 'x;a=i;${a?}d'],
  // A quoted or escaped literal in a suffix removal.
  ['sh: suffix removal with a double-quoted pattern', 'x;a=ix;${a%"x"}d'],
  ["sh: suffix removal with a single-quoted pattern", "x;a=ix;${a%'x'}d"],
  ['sh: suffix removal with an escaped pattern', 'x;a=ix;${a%\\x}d'],
  // Values given by an assigning builtin or eval are known as a plain assignment's are.
  ['sh: readonly gives the value', 'x;readonly a=i;${a}d'],
  ["sh: eval of a literal assignment gives the value", "x;eval 'a=i';${a}d"],
  // More names than the tables keep: fail closed.
  ['sh: eight other literal values first', 'x;b=1;c=1;d=1;e=1;f=1;g=1;h=1;j=1;a=i;${a}d'],
  ['sh: sixteen other assignments first, then $a', 'x;a1=1;a2=1;a3=1;a4=1;a5=1;a6=1;a7=1;a8=1;a9=1;a10=1;a11=1;a12=1;a13=1;a14=1;a15=1;a16=1;a=id;$a'],
  // eval's second reading drops a leading newline, and `\ ` is a blank argument.
  ['sh: eval of a literal led by a newline', "x;eval '\nid'"],
  ['sh: eval of a double-quoted literal led by a newline', 'x;eval "\nid"'],
  ['sh: eval of an escaped blank, then the command', 'x;eval \\ id'],
];

/** bash only (arrays, `+=`, `declare`). */
const BASH: Array<[string, string]> = [
  ['sh: bash array element 0 with a blank in the subscript, then $a', 'x;a[ 0]=id;$a'],
  ['sh: bash array element 0 given a literal, glued to text', 'x;a[0]=i;${a}d'],
  ['sh: bash append of a literal, glued to text', 'x;a+=i;${a}d'],
  ['sh: bash declare gives the value', 'x;declare a=i;${a}d'],
];

/** SQL in a numeric context (`WHERE id = …`): every row in SQLite. */
const SQL_NUMERIC: Array<[string, string]> = [
  ['sql: OR glued to a parenthesised number', '1 or(1)'],
  ['sql: parenthesised numbers, OR with no blanks', '(1)or(1)'],
  ['sql: a parenthesised signed number', '1 or (+1)'],
  ['sql: a negated parenthesised number', '1 or -(1)'],
  ['sql: five parentheses on the left', '(((((1))))) or 1'],
  ['sql: five parentheses on the right', '1 or (((((1)))))'],
  ['sql: OR glued to a sign', '1 or+1'],
  ['sql: OR glued to a minus', '1 or-1'],
  ['sql: OR a bitwise NOT', '1 or ~0'],
];

/** `;` ends the statement before the application's quote (db.exec deletes every row first). */
const SQL_EXEC: Array<[string, string]> = [
  ['sql: a plural possessive, OR a negated column, then `;`', "Kids' or -id;"],
  ['sql: a plural possessive, OR a unary plus column, then `;`', "Kids' or +id;"],
  ['sql: a plural possessive, OR a bitwise NOT column, then `;`', "Kids' or ~id;"],
];

const ATTACKS = [...SHELL, ...BASH, ...SQL_NUMERIC, ...SQL_EXEC];

/** The nearest honest text: reaches the handler from both places. */
const BENIGN: string[] = [
  '(1) or (2)',
  '(2) or (3)',
  '(12) or (24)',
  '(30) or (40)',
  '1 or 2',
  '1 or -1',
  'Hi; ${name:-there}s, welcome',
  'Dear ${FIRST_NAME:-customer}, thanks',
  'Price: ${price:-0}.00; ${currency:-USD}',
  'Template: ${title=Untitled}; ${body?required}',
  'a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9; j=10; $k',
  'p=report.txt; ${p%.txt}.pdf',
  "eval '\nfoo' does nothing",
  'Use eval \\ with care',
];

redteamProtectTests(t, {
  functionName: 'redteam-r6-review',
  attacks: ATTACKS,
  benign: BENIGN,
  byClass: { sh: detectShellInjection, sql: detectSqlInjection },
  titles: {
    attacks: 'the variations are blocked as a query value and as a JSON body field',
    benign: 'the nearest honest text reaches the handler',
    byClass: 'each variation is found by the detector of its class, at high',
  },
});

// ---- The variations work in the real sinks (no protection installed here) ----

shellRunsIdTest(t, 'the shell variations run id in dash and bash; the bash-only ones in bash', SHELL, BASH);

sqliteNumericExecTest(t, 'the numeric and `;` variations work in SQLite (better-sqlite3)', SQL_NUMERIC, SQL_EXEC);

t.test('fs: a file: URL with leading blanks or tabs inside its scheme names the whole path and is refused', async (t) => {
  // WHATWG's parser strips every leading blank or control and drops tabs and newlines anywhere:
  // these are file:///dev/zero and file:///etc/passwd to new URL(). Round 6 read at most 8 leading
  // characters and the scheme verbatim.
  for (const u of ['          file:///dev/zero', '\tfi\tle:///dev/zero', 'fi\nle:///etc/passwd', 'f\tile:///etc/passwd']) {
    const p = fileURLToPath(new URL(u));
    t.ok(p === '/dev/zero' || p === '/etc/passwd', `${JSON.stringify(u)} is ${p} to Node`);
    if (p === '/dev/zero') t.ok(fs.existsSync(p), 'the device exists');
    t.ok(checkPath(p, [inp(u)], '/srv/app'), `${JSON.stringify(u)} refused at the fs sink`);
  }
  // A relative name the application resolves stays allowed.
  t.notOk(checkPath('/srv/app/ok.txt', [inp('ok.txt')], '/srv/app'), 'a relative name');
});

t.test('fs: input read by new URL(input, base) reaching /dev/zero is refused at the sink (path detectors off)', async (t) => {
  // The application resolves a JSON body field (not percent-decoded on the way, unlike a query
  // value) against its own directory as a file: URL and reads 16 bytes.
  // Every value below opens /dev/zero there (an endless read for readFile): WHATWG strips leading
  // blanks, drops tabs in the scheme, reads `\` as `/` and `%2e%2e` as `..`. Round 6 refused the
  // plain `file:///dev/zero` only.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-r6r-fs-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'ok.txt'), 'fine');
  fs.writeFileSync(path.join(dir, 'a.b.txt'), 'fine');
  const base = pathToFileURL(dir + '/');
  const handler = protect(
    async (e: { body?: string }) => {
      const fd = fs.openSync(new URL((JSON.parse(e.body ?? '{}') as { f: string }).f, base), 'r');
      const b = Buffer.alloc(16);
      fs.readSync(fd, b);
      fs.closeSync(fd);
      return { statusCode: 200, body: b.toString('hex') };
    },
    { log: false, paranoia: 1, mode: 'block', detectors: { 'path-traversal': false, ssrf: false, shell: false, sqli: false } },
  ) as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number }>;
  const context = ev.lambdaContext({ functionName: 'redteam-r6r-fs' });
  const status = async (f: string): Promise<number> =>
    (await handler(ev.apiGatewayV2({ routeKey: 'POST /f', path: '/f', method: 'POST', body: JSON.stringify({ f }), headers: { 'content-type': 'application/json' } }), context)).statusCode;
  const climb = '%2e%2e/'.repeat(16);
  for (const f of ['          file:///dev/zero', '\tfi\tle:///dev/zero', '\\dev\\zero', `${climb}dev/zero`, `.%2E/${climb}dev/zero`]) {
    t.equal(fileURLToPath(new URL(f, base)), '/dev/zero', `${JSON.stringify(f)} is /dev/zero to Node`);
    t.equal(await status(f), 403, JSON.stringify(f));
  }
  t.equal(await status('ok.txt'), 200, 'a relative name');
  t.equal(await status('a%2eb.txt'), 200, 'an encoded dot that is no dot segment');
});
