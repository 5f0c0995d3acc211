/**
 * Red team, round 6 (session 23): what the round 5 review left open and what a further hunt found,
 * each shown to work in a real sink (better-sqlite3's SQLite, PostgreSQL 15 where it is installed,
 * dash and bash, Node's fs) and each passing the real Lambda `protect()` at paranoia 1 as a query
 * value and as a JSON body field before this round. Each must now be answered 403 in both places;
 * the nearest benign text must still reach the handler. Vectors written for this suite; why each
 * works is said beside it.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pgRowsTest, redteamProtectTests, shellRunsIdTest, sqliteNumericExecTest } from '../helpers/redteam';
import * as ev from '../helpers/lambda-events';
import { protect } from '../../adapters/aws-lambda/index';
import { detectShellInjection } from '../../src/detectors/shell-injection';
import { detectSqlInjection } from '../../src/detectors/sql-injection';

/** Shell in both dash and bash (`sh -c "echo hello " + v`): each prints id's output. */
const SHELL: Array<[string, string]> = [
  // eval joins its arguments and reads them again: the blanks the quotes kept go, `id` is the command.
  ["sh: eval of a literal whose command follows a blank", "x;eval ' id'"],
  ['sh: eval of a double-quoted literal led by blanks', 'x;eval "  id"'],
  ["sh: eval of a blank argument, then the command", "x;eval ' ' id"],
  // POSIX `for NAME do …`: no separator before `do`; the loop runs over "$@".
  ['sh: for NAME do (no separator) over set --', 'x;set -- id;for a do $a;done'],
  // A variable the value gave a literal, glued to text: the word spells `id`.
  ['sh: an assigned variable glued to text spells the command', 'x;a=i;${a}d'],
  ['sh: text glued to an assigned variable spells the command', 'x;a=d;i$a'],
  ['sh: a double-quoted assigned variable glued to text', 'x;a=i;"$a"d'],
  ['sh: an assigned variable with a suffix removed, glued to text', 'x;a=ix;${a%x}d'],
  // eval of a literal assignment assigns as the assignment itself would.
  ["sh: eval of a quoted assignment, then the variable run", "x;eval 'a=id';$a"],
];

/** bash only (dash reads `a+=id` as a command name and has no arrays). */
const BASH: Array<[string, string]> = [
  ['sh: bash append assignment, then the variable run', 'x;a+=id;$a'],
  ['sh: bash array element assignment, then the element run', 'x;a[0]=id;${a[0]}'],
  ['sh: bash array element assignment, then $a (element 0)', 'x;a[0]=id;$a'],
  ['sh: bash array element 1, then that element run', 'x;a[1]=id;${a[1]}'],
  ['sh: bash append of an array, then $a', 'x;a+=(id);$a'],
];

/** SQL in a quoted context (`WHERE name = '…'`): every row in PostgreSQL. */
const SQL_PG: Array<[string, string]> = [
  // opChain reads a lone `~`; its literal is a regular expression (wildcards plain there).
  ['sql: OR a column ~ a match-all regular expression (PostgreSQL)', "x' or name ~ '.*"],
  ['sql: OR a column ~ an anchor only (PostgreSQL)', "x' or name ~ '^"],
  // `~~*` is PostgreSQL's ILIKE; the lexer read `~` then `~*`.
  ['sql: OR a column ~~* (ILIKE) a match-all pattern (PostgreSQL)', "x' or name ~~* '%"],
  ['sql: OR a column !~~* (NOT ILIKE) a pattern no name matches (PostgreSQL)', "x' or name !~~* 'zzz"],
];

/** SQL in a numeric context (`WHERE id = …`): every row in SQLite (and MySQL). */
const SQL_NUMERIC: Array<[string, string]> = [
  ['sql: parenthesised numbers around OR', '(1) or (1)'],
  ['sql: a number OR a parenthesised number', '1 or (1)'],
  ['sql: a number OR a different parenthesised number', '1 or (2)'],
  ['sql: doubly parenthesised numbers around OR', '((1)) or ((1))'],
];

/** MySQL only (a versioned comment runs its text): argued from MySQL's grammar, `id = 1 or 1`. */
const SQL_MYSQL: Array<[string, string]> = [
  ["sql: OR inside MySQL's versioned comment", '1 /*!or*/ 1'],
  ["sql: OR inside MySQL's versioned comment with a version", '1 /*!50000or*/ 1'],
];

/**
 * A `;` ends the statement before the application's quote (db.exec runs the DELETE first): the
 * plural-possessive exemption no longer covers an operand written as code.
 */
const SQL_EXEC: Array<[string, string]> = [
  ['sql: a two-letter plural possessive, OR id, then `;`', "xs' or id;"],
  ['sql: a plural possessive, OR id, then `;`', "Kids' or id;"],
  ['sql: a plural possessive, OR a parenthesised id, then `;`', "Kids' or (id);"],
];

const ATTACKS = [...SHELL, ...BASH, ...SQL_PG, ...SQL_NUMERIC, ...SQL_MYSQL, ...SQL_EXEC];

/** The nearest benign text: must reach the handler (200) from both places. */
const BENIGN: string[] = [
  "Kids' or adults;",
  "Parents' or guardians;",
  "Jones' or Smith;",
  "Kids' or me;",
  "Teachers' or staff;",
  '1 or 2',
  '(1 or 2)',
  '(a) or (b)',
  '(1) or (0)',
  '1 or 2 (or 3)',
  'Use regex ~ .* to match',
  'eval is evil',
  "Don't eval ' user input'",
  'for a do',
  'for each item do this',
  'a+=1 in C',
  'x += 1; y[0] = 2',
  'name=world; hello ${name}s',
  'a=b c',
  'dd if=/dev/zero of=disk.img bs=1M count=1',
  'read 16 bytes from /dev/urandom',
  "eval 'a=b' is fine",
  'p=report.txt; ${p%.txt}.pdf',
];

redteamProtectTests(t, {
  functionName: 'redteam-r6',
  attacks: ATTACKS,
  benign: BENIGN,
  byClass: { sh: detectShellInjection, sql: detectSqlInjection },
  titles: { attacks: 'round 6 attacks are blocked as a query value and as a JSON body field', benign: 'the nearest benign text reaches the handler' },
});

// ---- The attacks work in the real sinks (no protection installed here) ----

shellRunsIdTest(t, 'the shell attacks run id in dash and bash; the bash-only ones in bash', SHELL, BASH);

sqliteNumericExecTest(t, 'the numeric and `;` attacks work in SQLite (better-sqlite3)', SQL_NUMERIC, SQL_EXEC);

// PostgreSQL 15's single-user backend, where this host has one (pgRowsTest); skipped elsewhere.
pgRowsTest(t, 'the PostgreSQL attacks match every row in PostgreSQL', SQL_PG.map(([name, v]) => [name, `name = '${v}'`] as const));

t.test('fs: a file: URL from input reaching fs through new URL() is refused like an absolute path', async (t) => {
  // The handler opens what the input names, bounded to 16 bytes (a readFile of /dev/zero never
  // ends: the read grows until the function runs out of memory). The input detectors for paths are
  // off: the fs sink decides. An absolute path was refused before this round; its file: URL was not.
  const handler = protect(
    async (e: { queryStringParameters?: Record<string, string> }) => {
      const f = e.queryStringParameters?.f ?? '';
      const fd = fs.openSync(/^\s*file:/i.test(f) ? new URL(f) : f, 'r');
      const b = Buffer.alloc(16);
      fs.readSync(fd, b);
      fs.closeSync(fd);
      return { statusCode: 200, body: b.toString('hex') };
    },
    { log: false, paranoia: 1, mode: 'block', detectors: { 'path-traversal': false, ssrf: false, shell: false, sqli: false } },
  ) as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number }>;
  const context = ev.lambdaContext({ functionName: 'redteam-r6-fs' });
  const status = async (f: string): Promise<number> => (await handler(ev.apiGatewayV2({ routeKey: 'GET /f', path: '/f', method: 'GET', query: { f } }), context)).statusCode;
  for (const f of ['/dev/zero', '/dev/urandom', 'file:///dev/zero', 'FILE:///dev/zero', 'file:/dev/zero', 'file://localhost/dev/zero', 'file:///dev/%7aero', 'file:///etc/pass%77d']) {
    t.equal(await status(f), 403, JSON.stringify(f));
  }
  // A relative name the application resolves against its own directory stays allowed.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-r6-fs-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'ok.txt'), 'fine');
  const prev = process.cwd();
  process.chdir(dir);
  t.teardown(() => process.chdir(prev));
  t.equal(await status('ok.txt'), 200, 'a relative name');
});
