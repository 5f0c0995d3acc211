/**
 * Red team, round 7 (session 24): the round 6 review's leftovers and a further hunt, each shown to
 * work in a real sink (dash and bash, better-sqlite3's SQLite, PostgreSQL 15's single-user backend
 * where it is installed) and each passing the real Lambda `protect()` at paranoia 1 as a query value
 * and as a JSON body field before this round (but the few marked "already blocked", kept as
 * guards). Each must now be answered 403 in both places; the nearest honest text must still reach
 * the handler. Vectors written for this suite; why each works is said beside it.
 */
import t from 'tap';
import { pgRowsTest, redteamProtectTests, shellRunsIdTest, sqliteNumericExecTest, usersDb } from '../helpers/redteam';
import { detectShellInjection } from '../../src/detectors/shell-injection';
import { detectSqlInjection } from '../../src/detectors/sql-injection';

/** Shell in dash and bash (`sh -c "echo hello " + v`): each runs id. */
const SHELL: Array<[string, string]> = [
  // Suffix and prefix removal with a glob pattern (round 6 applied literal patterns only).
  ['sh: suffix removal with a trailing *, glued to text', 'x;a=ix;${a%x*}d'],
  ['sh: longest suffix removal with a *, glued to text', 'x;a=ixy;${a%%x*}d'],
  ['sh: prefix removal with a leading *, glued to text', 'x;a=yxi;${a#*x}d'],
  ['sh: suffix removal of any one character, glued to text', 'x;a=ix;${a%?}d'],
  // A bracket class is not computed: the known value could now spell anything (fail closed).
  ['sh: suffix removal with a bracket class, glued to text', 'x;a=ix;${a%[x]}d'],
  // A variable assigned from another: its value is computed from the known one.
  ['sh: a variable assigned from another, glued to text', 'x;a=i;b=$a;${b}d'],
  ['sh: a variable assigned from a braced one, glued to text', 'x;a=i;b=${a};${b}d'],
  ['sh: a variable assigned from a quoted one, glued to text', 'x;a=i;b="$a";${b}d'],
  // A function the value defines to run its argument, called with a command.
  ['sh: a function running $1, called with id', 'x;f(){ $1;};f id'],
  ['sh: a function running "$@", called with id', 'x;f(){ "$@";};f id'],
  ['sh: a function running $*, called with id', 'x;f(){ $*;};f id'],
  ['sh: a spaced function definition and a spaced call', 'x;f() { $1; }; f id'],
  // Hunt: positional parameters `set` gave a literal, glued to text (`$1d` is `${1}d`).
  ['sh: set -- gives $1, glued to text', 'x;set -- i;${1}d'],
  ['sh: set gives $1, glued to text', 'x;set i;${1}d'],
  ['sh: set -- gives $1, unbraced and glued to text', 'x;set -- i;$1d'],
  // Hunt: a for loop's variable glued to text (its values are not read: fail closed).
  ['sh: a for loop variable glued to text', 'x;for a in i;do ${a}d;done'],
  // Hunt: a function whose body spells its command from its argument, called.
  ['sh: a function gluing ${1} to text, called with i', 'x;f(){ ${1}d;};f i'],
  ['sh: a function gluing "$1" to text, called with i', 'x;f(){ "$1"d;};f i'],
  // Hunt: a function whose body is a subshell, `NAME() ( … )` (POSIX): its body is command position.
  ['sh: a subshell-bodied function running $1, called with id', 'x;f()($1);f id'],
  ['sh: a spaced subshell-bodied function running $1', 'x;f() ( $1 ); f id'],
  ['sh: a subshell-bodied function running id, called', 'x;f()(id);f'],
  // Review of the above: a later argument run by the function, or one copied to a variable first.
  ['sh: a function running $2, called with x id', 'x;f(){ $2;};f x id'],
  ['sh: a function shifting, then running $1', 'x;f(){ shift;$1;};f x id'],
  ['sh: a function copying $1 to a variable glued to text', 'x;f(){ a=$1;${a}d;};f i'],
];

/** bash only (dash has none of these expansions, nor the `function` keyword). */
const BASH: Array<[string, string]> = [
  // Pattern replacement with a literal pattern.
  ['sh: bash replacement of x by nothing, glued to text', 'x;a=ix;${a/x/}d'],
  ['sh: bash replacement of every x, glued to text', 'x;a=ix;${a//x}d'],
  ['sh: bash replacement of a leading x, glued to text', 'x;a=xi;${a/#x}d'],
  ['sh: bash replacement of a trailing x, glued to text', 'x;a=ix;${a/%x}d'],
  // Substrings (an empty offset is 0).
  ['sh: bash substring with an empty offset, glued to text', 'x;a=ixx;${a::1}d'],
  ['sh: bash substring from offset 1, glued to text', 'x;a=xi;${a:1}d'],
  // Case modification.
  ['sh: bash lower-casing of the first character, glued to text', 'x;a=I;${a,}d'],
  ['sh: bash lower-casing of every character, glued to text', 'x;a=I;${a,,}d'],
  ['sh: bash case toggle, glued to text', 'x;a=I;${a~}d'],
  ['sh: bash @L transformation, glued to text', 'x;a=I;${a@L}d'],
  ['sh: bash lower-cased value assigned to another, glued to text', 'x;a=I;b=${a,,};${b}d'],
  // Indirection: the variable b names.
  ['sh: bash indirection, glued to text', 'x;a=i;b=a;${!b}d'],
  // The `function` keyword (bash, ksh).
  ['sh: a bash function keyword running $1, called with id', 'x;function f { $1; };f id'],
  ['sh: a bash function keyword with () running $1, spaced call', 'x;function f() { $1; }; f id'],
  // Hunt: values bash gives other than as written: an array's element 0, `declare -l` lower-cases,
  // `declare -n` makes a reference to the variable named (fail closed on each).
  ['sh: bash array literal, element 0 glued to text', 'x;a=(i);${a}d'],
  ['sh: bash declare -l lower-cases the value, glued to text', 'x;declare -l a=I;${a}d'],
  ['sh: bash declare -n references another variable, glued to text', 'x;a=i;declare -n b=a;${b}d'],
  // The review's whole-word forms (already blocked at the base: the word is the variable alone).
  ['sh: bash replacement as the whole command word (already blocked)', 'x;a=id;${a/x/}'],
  ['sh: bash substring as the whole command word (already blocked)', 'x;a=idx;${a::2}'],
  ['sh: bash lower-casing as the whole command word (already blocked)', 'x;a=ID;${a,,}'],
];

/** PostgreSQL, inside the application's quotes (`WHERE name = '…'`): every row. */
const SQL_PG: Array<[string, string]> = [
  // `^@` is starts_with: every name starts with ''.
  ['sql: OR a column ^@ (starts with) the empty string (PostgreSQL)', "x' or name ^@ '"],
  // Hunt: text pattern comparisons (every name is ~>=~ '' and ~>~ '').
  ['sql: OR a column ~>=~ the empty string (PostgreSQL)', "x' or name ~>=~ '"],
  ['sql: OR a column ~>~ the empty string (PostgreSQL)', "x' or name ~>~ '"],
  // Hunt: BETWEEN SYMMETRIC takes its bounds in either order ('' <= name <= 'zz').
  ['sql: OR a column BETWEEN SYMMETRIC reversed bounds (PostgreSQL)', "x' or name between symmetric 'zz' and '"],
];

/** `;` ends the statement before the application's quote (db.exec deletes every row first). */
const SQL_EXEC: Array<[string, string]> = [
  // `[id]` is SQLite's bracket-quoted column: non-zero for every row.
  ['sql: a plural possessive, OR a bracket-quoted id, then `;`', "Kids' or [id];"],
  ['sql: OR a bracket-quoted id, then `;`', "x' or [id];"],
];

/**
 * MySQL's versioned comment holding the operator and its operand (`id = 1 /*!or 1*\/`: MySQL runs
 * what `/*!` holds, so `id = 1 or 1`: every row). No MySQL on this host: argued from its grammar
 * (SQLite and PostgreSQL read a plain comment, `id = 1`).
 */
const SQL_MYSQL: Array<[string, string]> = [
  ['sql: a versioned comment holding OR and its operand (MySQL)', '1 /*!or 1*/'],
  ['sql: a numbered versioned comment holding OR and its operand (MySQL)', '1 /*!50000or 1*/'],
];

const ATTACKS = [...SHELL, ...BASH, ...SQL_PG, ...SQL_EXEC, ...SQL_MYSQL];

/** The nearest honest text: reaches the handler from both places. */
const BENIGN: string[] = [
  // Shell-looking documentation of the expansions computed now: they spell no command.
  'p=report.txt; ${p%.*}.pdf',
  'file=photo.JPG; ${file%.*}.png',
  'base=${file##*/}; ${base%.*}.txt',
  'n=report; ${n/rep/exp}ort.csv',
  'f=Book; ${f,}s and ${f,,}ends',
  't=Mon; ${t^^}DAY',
  'a=Doc; b=$a; ${b}s folder',
  'use ${var/foo/bar} to replace text',
  // A function that runs its argument, defined but not given a command.
  'run() { "$@"; }',
  'retry() { for i in 1 2 3; do "$@" && break; done; }',
  'run() { "$@"; }; run hello',
  'run() { "$@"; }; run hello world',
  // Bracketed notes in prose after a plural possessive.
  "Kids' or [redacted];",
  "Kids' or [adults];",
  // The operator named in text; a plain comment.
  'the ^@ operator tests a prefix',
  'the ~>=~ operator compares text',
  'between symmetric and asymmetric designs',
  'set -- a b',
  'for a in 1 2 3',
  '1 /* or 1 */',
];

redteamProtectTests(t, {
  functionName: 'redteam-r7',
  attacks: ATTACKS,
  benign: BENIGN,
  byClass: { sh: detectShellInjection, sql: detectSqlInjection },
  titles: {
    attacks: 'round 7 attacks are blocked as a query value and as a JSON body field',
    benign: 'the nearest honest text reaches the handler',
  },
});

// ---- The attacks work in the real sinks (no protection installed here) ----

shellRunsIdTest(t, 'the shell attacks run id in dash and bash; the bash-only ones in bash', SHELL, BASH);

sqliteNumericExecTest(t, 'the `;` attacks delete every row in SQLite (better-sqlite3)', [], SQL_EXEC);

pgRowsTest(t, 'the PostgreSQL attacks match every row in PostgreSQL', SQL_PG.map(([name, v]) => [name, `name = '${v}'`] as const));

t.test('the MySQL-only shapes are plain comments to SQLite (one row): only MySQL runs what they hold', async (t) => {
  // (Shown so the grammar argument above is not mistaken for an SQLite attack.)
  const db = usersDb();
  t.teardown(() => db.close());
  for (const [name, v] of SQL_MYSQL) t.equal(db.prepare(`SELECT name FROM users WHERE id = ${v}`).all().length, 1, name);
});
