/**
 * Red team, round 5 (session 22): the bypasses the round 4 review left open, and what a further hunt
 * found, each shown to work in a real sink (better-sqlite3's SQLite, /bin/sh and bash) and each
 * passing the real Lambda `protect()` at paranoia 1 as a query value and as a JSON body field before
 * this round. Each must now be answered 403 in both places; the nearest benign text must still
 * reach the handler. Vectors written for this suite; why each works is said beside it.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redteamProtectTests, usersDb, type SqliteDb } from '../helpers/redteam';
import { detectShellInjection } from '../../src/detectors/shell-injection';
import { detectSqlInjection } from '../../src/detectors/sql-injection';
import { detectPathTraversal } from '../../src/detectors/path-traversal';

/** SQL in a quoted context (`WHERE name = '…'`), its effect on three rows, and the statement form. */
const SQL_QUOTED: Array<[string, string]> = [
  // SQLite's GLOB: `(name = 'x') GLOB '*'` matches the comparison's 0 or 1 as text: every row.
  ['sql: GLOB with an all-star pattern after the breakout', "x' glob '*"],
  ['sql: GLOB with a star and a single-character pattern', "x' glob '?*"],
  ['sql: OR a column GLOB an all-star pattern', "x' or name glob '*"],
  // SQLite: IS NOT compares any two values; `(name = 'x') IS NOT 'y'` is true for every row.
  ['sql: IS NOT a literal after the breakout', "x' is not 'y"],
];

/**
 * SQL whose statement ends with `;` before the application's closing quote. db.exec (better-sqlite3,
 * node-sqlite3) runs each statement before it reads the next, so the first runs before the stray quote
 * fails to parse (MySQL with multipleStatements does too): `DELETE … WHERE name = 'x' glob 0;'`.
 */
const SQL_EXEC: Array<[string, string]> = [
  ["sql: GLOB 0, then `;` before the application's quote", "x' glob 0;"],
  ["sql: LIKE 0, then `;` before the application's quote", "x' like 0;"],
  ["sql: the closed literal = 0, then `;`", "x'=0;"],
  ["sql: OR a column, then `;`", "x' or id;"],
  ['sql: IS NOT a literal, then `;`', "x' is not 'y';"],
];

/** SQL in a numeric context (`WHERE id = …`). */
const SQL_NUMERIC: Array<[string, string]> = [
  ['sql: the same number twice around OR', '1 or 1'],
  ['sql: the same number twice around ||', '7 || 7'],
  ['sql: a number OR NOT 0', '1 or not 0'],
  ['sql: a number OR a hex constant', '1 or 0x31'],
  ['sql: a number OR a number, then LIMIT', '1 or 2 limit 1'],
  ['sql: the same number twice, then ORDER BY a column', '1 or 1 order by id'],
  ['sql: the same number twice, then a spaced #', '1 or 1 #'],
  ['sql: the same number twice, then `;`', '1 or 1;'],
  ['sql: the same number written twice in two ways', '1 or 1.0'],
];

/** MySQL only (`#` comments): not run here; `name = '' or id` matches every row with a non-zero id. */
const SQL_MYSQL: Array<[string, string]> = [
  ["sql: OR a column, then MySQL's # after a blank", "' or id #"],
  // MySQL (and PostgreSQL's `~*`): a regular expression that matches every name.
  ['sql: OR a column REGEXP .*', "x' or name regexp '.*"],
  ['sql: OR a column RLIKE .*', "x' or name rlike '.*"],
  ['sql: OR a column ~* .* (PostgreSQL)', "x' or name ~* '.*"],
];

/** Shell (`sh -c "echo hello " + v`): each prints id's output in dash and in bash. */
const SHELL: Array<[string, string]> = [
  ['sh: eval of a single-quoted variable the value assigned', "x;a=id;eval '$a'"],
  ['sh: a double-quoted variable the value assigned, run', 'x;a=id;"$a"'],
  ['sh: "$@" after set --', 'x;set -- id;"$@"'],
  ['sh: "$1" after set', 'x;set id;"$1"'],
  ['sh: eval of a single-quoted positional parameter', "x;set -- id;eval '$1'"],
  ['sh: "$@" after set -- in an && chain', 'x && set -- id && "$@"'],
  ['sh: the loop variable of for, run', 'x;for a in id;do $a;done'],
  ['sh: a variable assigned by ${a:=…}, run', 'x;: ${a:=id};$a'],
  ['sh: trap runs its command when the script exits', 'x;trap id EXIT'],
];

/**
 * Shell that runs its standard input: `. /dev/stdin` sources it. Opening /dev/stdin needs a file or a
 * pipe there (a child inheriting its parent's stdin, `stdio: [fd]`); on the socket Node makes for
 * `stdio: 'pipe'` it fails (ENXIO). As `source /dev/stdin` already was, it is high.
 */
const SHELL_STDIN: Array<[string, string]> = [
  ['sh: . /dev/stdin', 'x;. /dev/stdin'],
  ['sh: . /dev/fd/0', 'x; . /dev/fd/0'],
];

/** Path: the process's own descriptors, read as a file (`fs.readFileSync(v)` blocks on an open pipe). */
const PATHS: Array<[string, string]> = [
  ['path: /dev/stdin', '/dev/stdin'],
  ['path: /dev/fd/0', '/dev/fd/0'],
];

const ATTACKS = [...SQL_QUOTED, ...SQL_EXEC, ...SQL_NUMERIC, ...SQL_MYSQL, ...SHELL, ...SHELL_STDIN, ...PATHS];

/** The nearest benign text: must reach the handler (200) from both places. */
const BENIGN: string[] = [
  'Use glob patterns like *.txt',
  "x' glob",
  "it's a glob '*' pattern",
  '1 or 2',
  '1 or 2 #',
  '1 or 2;',
  '1 or 1.5',
  'Pick 1 or 2',
  '0 or 1',
  '1 or 2 order by tomorrow',
  '5 or 5 pieces',
  '2 or 3 days',
  "x' or y #hashtag",
  "Java' or C #",
  "Kids' or adults' #",
  "rock 'n' roll;",
  'Use regexp .* to match anything',
  "x' or y ;",
  "What does 'union select' do",
  "The word 'cat' is 'chat' in French",
  "My answer's 'yes' is not 'no'",
  'x;. thanks',
  'Hi. /r/askreddit; ok',
  'see ./docs for details',
  'mouse; trap set 2',
  'it is a trap; EXIT now',
  'for a in b; do this',
  'Use "$@" in scripts',
  'set -- is the end of options',
  '/dev/null',
  'cat file > /dev/stdout',
  'dev/stdin',
];

redteamProtectTests(t, {
  functionName: 'redteam-r5',
  attacks: ATTACKS,
  benign: BENIGN,
  byClass: { sh: detectShellInjection, sql: detectSqlInjection, path: detectPathTraversal },
  titles: { attacks: 'round 5 attacks are blocked as a query value and as a JSON body field', benign: 'the nearest benign text reaches the handler' },
});

// ---- The attacks work in the real sinks (no protection installed here) ----

const fresh = (): SqliteDb => usersDb(true);
t.test('the SQL attacks work in SQLite (better-sqlite3)', async (t) => {
  const db = fresh();
  t.teardown(() => db.close());
  for (const [name, v] of SQL_QUOTED) t.equal(db.prepare(`SELECT name FROM users WHERE name = '${v}'`).all().length, 3, `${name}: every row`);
  for (const [name, v] of SQL_NUMERIC) {
    // `7 || 7` is concatenation in SQLite (`id = '77'`) and OR in MySQL: not run here.
    if (v.includes('||') || v.includes('#')) continue;
    t.equal(db.prepare(`SELECT name FROM users WHERE id = ${v}`).all().length, v.includes('limit 1') ? 1 : 3, `${name}: rows`);
  }
  for (const [name, v] of SQL_EXEC) {
    const d = fresh();
    t.throws(() => d.exec(`DELETE FROM users WHERE name = '${v}'`), /unrecognized token/, `${name}: the stray quote fails`);
    t.equal((d.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 0, `${name}: but every row was deleted first`);
    d.close();
  }
});

const stdinFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-r5-')), 'stdin.txt');
fs.writeFileSync(stdinFile, 'id\n');
t.teardown(() => fs.rmSync(path.dirname(stdinFile), { recursive: true, force: true }));

t.test('the shell attacks work in dash and bash', async (t) => {
  for (const sh of ['/bin/sh', '/bin/bash']) {
    for (const [name, v] of SHELL) t.match(execFileSync(sh, ['-c', `echo hello ${v}`], { encoding: 'utf8' }), /uid=\d+/, `${sh} ${name}`);
    for (const [name, v] of SHELL_STDIN) {
      const fd = fs.openSync(stdinFile, 'r');
      try {
        t.match(execFileSync(sh, ['-c', `echo hello ${v}`], { encoding: 'utf8', stdio: [fd, 'pipe', 'pipe'] }), /uid=\d+/, `${sh} ${name}`);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
});
