/**
 * Review of red team round 5 (session 22, reviewer rR): values round 5's widened rules blocked that
 * are prose (a plural possessive, `or`/`and` and a noun, then `;` or a spaced `#`; two words after
 * OR), and variations of round 5's attacks that still passed it, each shown to work in a real sink
 * (better-sqlite3's SQLite, dash and bash; the MySQL blank runs argued from its grammar, as round 5's
 * own `' or id #`). Attacks must be answered 403 as a query value and as a JSON body field at
 * paranoia 1; the prose must reach the handler. Vectors written for this review.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { redteamProtectTests, usersDb } from '../helpers/redteam';

/** SQLite: an open `x'` the application's quote closes is the empty blob; `(name = 'x') IS NOT x''` is every row. */
const SQL_QUOTED: Array<[string, string]> = [
  ['sql: IS NOT an empty blob literal', "x' is not x'"],
  ['sql: IS NOT an empty blob literal, capital X', "x' is not X'"],
  ['sql: <> an empty blob literal', "x' <> x'"],
];

/** MySQL reads any run of blanks as nothing: round 5 read at most 8 before `#` and 16 after. */
const SQL_MYSQL: Array<[string, string]> = [
  ["sql: OR a column, nine blanks, MySQL's #", "x' or id         #"],
  ["sql: OR a column, MySQL's #, then twenty blanks", "' or id#" + ' '.repeat(20)],
];

/** Shell (`sh -c "echo hello " + v`): each prints id's output in dash and in bash. */
const SHELL: Array<[string, string]> = [
  ['sh: trap -- (the end of options) before the command', 'x;trap -- id EXIT'],
  ["sh: trap's command after a blank inside its quotes", "x;trap ' id' EXIT"],
  ["sh: trap's command double-quoted inside single quotes", "x;trap '\"id\"' EXIT"],
  ["sh: eval of a variable after a blank inside eval's quotes", "x;a=id;eval ' $a'"],
  ["sh: eval of a double-quoted variable inside single quotes", "x;a=id;eval '\"$a\"'"],
  ['sh: for without in iterates "$@" (set --)', 'x;set -- id;for a;do $a;done'],
];

const ATTACKS = [...SQL_QUOTED, ...SQL_MYSQL, ...SHELL];

/** Prose that round 5 blocked (a plural possessive, OR/AND and a noun, then `;` or a spaced `#`). */
const BENIGN: string[] = [
  "Kids' or adults;",
  "Parents' or guardians;",
  "Boys' or girls;",
  "Girls' and boys;",
  "Teachers' and students;",
  "Ladies' or mens;",
  "Jones' or Smith;",
  "Kids' or adults #",
  "Parents' or guardian phone #",
  "Employees' or contractors ID #",
];

redteamProtectTests(t, {
  functionName: 'redteam-r5-review',
  attacks: ATTACKS,
  benign: BENIGN,
  titles: { attacks: 'the variations are blocked as a query value and as a JSON body field', benign: 'the prose round 5 blocked reaches the handler' },
});

t.test('the SQLite variations match every row', async (t) => {
  const db = usersDb();
  t.teardown(() => db.close());
  for (const [name, v] of SQL_QUOTED) t.equal(db.prepare(`SELECT name FROM users WHERE name = '${v}'`).all().length, 3, `${name}: every row`);
});

t.test('the shell variations run id in dash and bash', async (t) => {
  for (const sh of ['/bin/sh', '/bin/bash']) {
    for (const [name, v] of SHELL) t.match(execFileSync(sh, ['-c', `echo hello ${v}`], { encoding: 'utf8' }), /uid=\d+/, `${sh} ${name}`);
  }
});
