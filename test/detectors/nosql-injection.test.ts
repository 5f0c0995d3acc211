import t from 'tap';
import { detectNoSqlInjection, detectNoSqlInjectionKey } from '../../src/detectors/nosql-injection';
import { charMask } from '../../src/charclass';
import { verdictDigest, verdictKey, verdictTable, pinnedVerdicts } from '../helpers/verdict-table';

/** Values that must be detected at `high`. Written for this project. */
const HIGH_VALUES: readonly string[] = [
  // operator objects as JSON / JS text for a later JSON.parse
  '{"$gt": ""}',
  '{"$ne": null}',
  '{"login": {"$ne": "nobody"}}',
  '{"email": {"$regex": "^adm"}}',
  '{"pin": {"$in": [1, 2, 3]}}',
  '{"role": {"$exists": true}}',
  '{"$or": [{"a": 1}, {"b": 2}]}',
  '{"$where": "sleep(100)"}',
  "{$gt: ''}",
  "{ $nin : [] }",
  '{"tags": {"$elemMatch": "x"}}',
  '{"$expr": {"$eq": ["$a", "$b"]}}',
  '{"$text": "anything"}',
  '{"$not": "x"}',
  '{"$nor": []}',
  '{"$jsonSchema": {}}',
  '[{"$lookup": {"from": "secrets"}}]',
  '{\\"$ne\\": 1}',
  "$where: '2 > 1'",
  "', $where: 'true'",
  ", $where: '1'",
  // query-string bracket operators as they arrive un-parsed
  '[$ne]=1',
  'login[$ne]=x',
  'secret[$regex]=^a',
  'u[$gt]=',
  'user[$in][]=a&user[$in][]=b',
  '<doc probe="name[$ne]"></doc>',
  // $where JavaScript breakouts
  "'; return true; var x='",
  // Constant comparisons and pattern tests after `return`.
  "'; return '1'=='1",
  "'; return 1==1; var a='",
  "'; return /^a/.test(this.password); var x='",
  "\";return(true);var q='a",
  "' && this.secret.match(/.*/)//",
  "' || this.token.length > 0 || '",
  "'||'k'=='k",
  "' || 1==1//",
  "'; sleep(3000); var z='",
  "'; while(true){}; var z='",
  "\"; var a = 1; //",
  "1; return true",
  '0;return 1;',
  "'+sleep(2000)+'",
  'db.items.insert({x:1});return 1;db.other.find()',
  // whole-value $where predicates
  'this.password.match(/.*/)',
  'this.pin.match(/^12/)',
  'this.name == "admin"',
  "this.role != 'admin'",
  'this.secret[0] == "a"',
  'sleep(5000)',
  'sleep(3000);',
  'sleep(3000)//',
  // whitespace padding is no evasion (JSON and JS allow any amount)
  '{' + ' '.repeat(100) + '"$ne"' + '\n'.repeat(100) + ': 1}',
  "'" + ' '.repeat(100) + ';' + '\t'.repeat(100) + 'return true',
  // a breakout that returns what a Mongo shell call gives
  "'; return db.getCollectionNames(); var x='",
  '"; return db.users.find(); //',
  '1; return db.getCollectionNames()',
];

/** Values that must not be reported at `high`. */
const NOT_HIGH_VALUES: readonly string[] = [
  "He said: 'return it'; fine",
  "I'll return '5' == 'five' later",
  '$5 & up',
  'Save $20 today; offer ends soon',
  'price: $amount',
  '$ne',
  'the $gt operator compares',
  'Use `$ne` for "not equal"',
  '{"$existsor": "foo"}',
  '{"$schema": "http://json-schema.org/draft-07/schema#"}',
  '{"$ref": "#/definitions/a"}',
  "myField: { $ref: '#foo' }",
  'with `$id: \'http://url.com/sh.json\'`',
  '{"$type": "App.Models.Order, App"}',
  '$filter=Name eq \'x\'&$top=10',
  "O'Brien",
  "it's 5 o'clock",
  'salt; pepper',
  'Tom & Jerry',
  'cats && dogs',
  'A | B testing',
  'drop me a line; or call',
  'He said "yes"; return 1 of them later',
  'He said "stop"; return to base',
  'See section 3.2 (page 14); return policy applies',
  'If you need conditional logging, call `this.isLogDisabled(request)` yourself',
  'call this.update() when done',
  'foo(); return true;',
  'foo(); return db.users.find();',
  'return db.getCollectionNames()',
  "He said 'no'; return db.example.com later",
  '\t\tthis.configuration[key] = value;',
  'I need sleep (8 hours)',
  'get some sleep(8h)',
  'sleep(2) called',
  'db.example.com',
  '$$ & $$$',
  'a[$5]=1',
  'arr[$index]',
  '{"price": "$5"}',
  'jane.doe@example.com',
  'https://example.com/path?x=1&y=2',
  '+1 (555) 010-0000',
  'Müller & Söhne; GmbH',
  '',
  'x',
];

const HIGH_KEYS: ReadonlyArray<[string, string | undefined]> = [
  ['$ne', 'user'],
  ['$gt', 'age'],
  ['$gte', undefined],
  ['$lt', 'n'],
  ['$lte', 'n'],
  ['$in', 'id'],
  ['$nin', 'id'],
  ['$regex', 'email'],
  ['$where', undefined],
  ['$exists', 'token'],
  ['$expr', undefined],
  ['$or', undefined],
  ['$and', undefined],
  ['$nor', undefined],
  ['$not', 'x'],
  ['$elemMatch', 'tags'],
  ['$function', undefined],
  ['$accumulator', undefined],
  ['$lookup', undefined],
  ['$jsonSchema', undefined],
  ['$text', undefined],
  ['user[$ne]', undefined],
  ['password[$regex]', undefined],
  ['a[b][$gt]', undefined],
  ['ids[$in][]', undefined],
];

const NOT_HIGH_KEYS: ReadonlyArray<[string, string | undefined]> = [
  ['$5 off', undefined],
  ['$amount', 'cart'],
  ['$schema', undefined],
  ['$id', undefined],
  ['$ref', 'items'],
  ['$type', undefined],
  ['$comment', undefined],
  ['$filter', undefined],
  ['$top', undefined],
  ['$NE', 'user'],
  ['$Where', undefined],
  ['$set', undefined],
  ['$eq', 'x'],
  ['price$', undefined],
  ['user[$amount]', undefined],
  ['user[$ne', undefined],
  ['name', undefined],
  ['', undefined],
  ['$', undefined],
];

t.test('values detected at high', async (t) => {
  for (const v of HIGH_VALUES) {
    const d = detectNoSqlInjection(v);
    t.equal(d?.confidence, 'high', `high: ${v}`);
    t.match(d?.rule ?? '', /^nosql\./, `rule prefix: ${v}`);
  }
});

t.test('values not reported at high', async (t) => {
  for (const v of NOT_HIGH_VALUES) {
    const d = detectNoSqlInjection(v);
    t.not(d?.confidence, 'high', `not high: ${v} (${d?.rule ?? 'none'})`);
  }
});

t.test('keys detected at high', async (t) => {
  for (const [k, parent] of HIGH_KEYS) {
    const d = detectNoSqlInjectionKey(k, parent);
    t.equal(d?.confidence, 'high', `high key: ${k}`);
    t.match(d?.rule ?? '', /^nosql\./, `rule prefix: ${k}`);
  }
});

t.test('keys not reported at high', async (t) => {
  for (const [k, parent] of NOT_HIGH_KEYS) {
    const d = detectNoSqlInjectionKey(k, parent);
    t.not(d?.confidence, 'high', `not high key: ${k} (${d?.rule ?? 'none'})`);
  }
});

t.test('tiers and specifics', async (t) => {
  t.equal(detectNoSqlInjectionKey('$amount', undefined)?.confidence, 'low', 'unknown $-identifier key is low');
  t.equal(detectNoSqlInjectionKey('$5 off', undefined), undefined, 'non-identifier $ key is ignored');
  t.equal(detectNoSqlInjectionKey('$schema', undefined), undefined, 'JSON Schema key is ignored');
  t.equal(detectNoSqlInjectionKey('$set', undefined)?.confidence, 'medium', 'update operator is medium');
  t.equal(detectNoSqlInjectionKey('$type', 'field')?.confidence, 'low', '$type (Json.NET) is low');
  t.equal(detectNoSqlInjectionKey('$filter', undefined)?.confidence, 'low', 'OData collision is low');
  t.equal(detectNoSqlInjectionKey('user.$ne', undefined)?.confidence, 'medium', 'allowDots form is medium');
  t.equal(detectNoSqlInjection('{"$set": {"role": "admin"}}')?.confidence, 'medium');
  t.equal(detectNoSqlInjection('foo(); return true;')?.confidence, 'medium', 'plain JS statement is medium');
  t.equal(detectNoSqlInjection('1 and (select sleep(5))')?.confidence, 'medium', 'SQL sleep is medium here');
  t.equal(detectNoSqlInjection('return true;')?.confidence, 'medium');
  t.equal(detectNoSqlInjection('$ne'), undefined, 'a bare operator string is not injection');
  const d = detectNoSqlInjection('{"$ne": "' + 'x'.repeat(500) + '"}');
  t.ok(d !== undefined && d.reason.length < 200, 'reason does not echo the input');
});

t.test('adversarial and odd inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const inputs = [
    '$'.repeat(MB),
    '{$'.repeat(MB / 2),
    '[$ne'.repeat(MB / 4),
    ';'.repeat(MB),
    "';".repeat(MB / 2),
    '&&'.repeat(MB / 2),
    "'||".repeat(MB / 3),
    '('.repeat(MB),
    'sleep('.repeat(MB / 6),
    'this.'.repeat(MB / 5),
    '"'.repeat(MB),
    ' '.repeat(MB) + '$ne',
    '{' + ' '.repeat(MB) + '"$ne": 1}',
    "'" + ' '.repeat(MB) + '; return true',
    'a'.repeat(5 * MB),
    '\u0000$ne\u0000',
    '\ud800$where:\udfff',
    '\u0000'.repeat(1000),
  ];
  for (const s of inputs) {
    t.doesNotThrow(() => detectNoSqlInjection(s));
    t.doesNotThrow(() => detectNoSqlInjectionKey(s, undefined));
  }
});

t.test('long values (indexOf route) find what short ones find', async (t) => {
  // From 16 characters on, the trigger characters are visited through indexOf instead of a charCode
  // loop; each attack must keep its rule and confidence at any position, either side of that length.
  const attacks = [
    '{"$ne": null}',
    'user[$regex]=.*',
    "'; return true; var x='",
    "' || this.password.match(/.*/) || '",
    "x'+sleep(5000)+'",
    '{"username": {"$gt": ""}}',
  ];
  const prose = 'Deliver between 9 and 5 (weekdays only), ring twice; the code is 42 & the gate | door is blue. '.repeat(3);
  for (const a of attacks) {
    const d = detectNoSqlInjection(a);
    t.equal(d?.confidence, 'high', `short: ${a}`);
    for (const n of [10, 15, 16, 17, 31, 32, 33, 100, 250]) {
      const pad = prose.slice(0, Math.max(0, n - a.length - 1));
      t.same(detectNoSqlInjection(pad + ' ' + a), d, `after text, length ${n}: ${a}`);
      t.same(detectNoSqlInjection(a + ' ' + pad), d, `before text, length ${n}: ${a}`);
    }
  }
  for (const n of [10, 15, 16, 17, 31, 32, 33, 100, 250]) t.equal(detectNoSqlInjection(prose.slice(0, n)), undefined, `prose of ${n}`);
  // `&&&`: the loop pairs the first two ampersands and moves past them; so does the indexOf route.
  t.same(detectNoSqlInjection("' &&& this.a == 1"), detectNoSqlInjection("' &&& this.a == 1" + ' '.repeat(40)));
});

t.test('runs of `(`, `&` and `|` are skipped to the `sleep(` and `&&` / `||` they may hold', async (t) => {
  t.equal(detectNoSqlInjection('('.repeat(100000)), undefined);
  t.equal(detectNoSqlInjection(';|&'.repeat(30000)), undefined);
  t.same(detectNoSqlInjection('('.repeat(5000) + '; sleep(5000)'), { rule: 'nosql.where-sleep', reason: 'Text calls sleep(<ms>), the blind timing probe of $where JavaScript injection.', confidence: 'high' });
  t.equal(detectNoSqlInjection('1;' + '('.repeat(50) + 'sleep(5000)')?.confidence, 'medium');
  t.equal(detectNoSqlInjection('&|'.repeat(1000) + "x' && this.a == 'a")?.confidence, 'high');
  t.equal(detectNoSqlInjection("x' " + '& '.repeat(20) + "|| '1'=='1"), undefined);
  t.equal(detectNoSqlInjection('sleep(5000)' + '('.repeat(100))?.rule, 'nosql.where-predicate');
});

t.test('long values: `$` runs and rejected `;` are passed over, the operators and connectors after them are not', async (t) => {
  const rule = (s: string): string => {
    const d = detectNoSqlInjection(s);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  t.equal(rule('$('.repeat(100) + '{"$ne": 1}'), 'nosql.operator-object/high');
  t.equal(rule('${'.repeat(50) + ', $where: "1"'), 'nosql.operator-object/high');
  t.equal(rule('$('.repeat(100)), '-');
  t.equal(rule('&#38;'.repeat(100)), '-');
  t.equal(rule(';|&'.repeat(100)), '-');
  // A `;` after a quote, `)` or the leading number is still judged, after runs of rejected ones.
  t.equal(rule("x'; return true; var y='" + '&#38;'.repeat(20)), 'nosql.where-injection/high');
  t.equal(rule('&#38;'.repeat(20) + ') ; return db.users.find()'), 'nosql.where-injection/medium');
  t.equal(rule('42 ; return true' + ' '.repeat(10)), 'nosql.where-injection/high');
  t.equal(rule(' 42; return true' + ' '.repeat(10)), 'nosql.where-injection/high');
  // A digit before `;` that is not the leading number is no numeric context.
  t.equal(rule('abc42; return true; '), '-');
  t.equal(rule('4 2; return true;      '), '-');
});

t.test('with the value mask: the same findings, each trigger kind alone, short and long', async (t) => {
  // Each value's only trigger is one kind (`;`, `&&`, `||`, `$`, `sleep(`): a mask test or a
  // search that skipped that kind would lose the finding.
  const values = [
    "'; return true; var x='",
    '0;return true',
    "x' && this.password.match(/.*/)//",
    "'||'1'=='1",
    '{"$where": "1 == 1"}',
    "'; sleep(5000); '",
    'this.a == 1',
  ];
  for (const v of values) {
    for (const x of [v, v + ' '.repeat(24)]) {
      const plain = detectNoSqlInjection(x);
      t.ok(plain, `found: ${JSON.stringify(x)}`);
      t.same(detectNoSqlInjection(x, charMask(x)), plain, `same with its mask: ${JSON.stringify(x)}`);
    }
  }
  for (const v of ['jane.oneil@example.com', 'Leave it at the door, please.', '+1 (555) 010-0000']) t.equal(detectNoSqlInjection(v, charMask(v)), undefined, JSON.stringify(v));
});

t.test('with the value mask, no quote, parenthesis or brace: connectors judged right after the leading number only', async (t) => {
  // Such a value's only place for a connector with a context is the first non-blank after its
  // leading number (detectLong looks there instead of searching): entity runs around it must not
  // hide it, and a connector elsewhere stays unjudged, as connector itself decides.
  const rule = (v: string): string => {
    const d = detectNoSqlInjection(v, charMask(v));
    t.same(d, detectNoSqlInjection(v), `same without the mask: ${JSON.stringify(v.slice(0, 40))}`);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  t.equal(rule('42 ; return true; ' + '&#38;'.repeat(50)), 'nosql.where-injection/high');
  t.equal(rule('7\u00a0\t; return true; ' + '&amp;'.repeat(30)), 'nosql.where-injection/high');
  t.equal(rule('9;return true;' + '&#'.repeat(30)), 'nosql.where-injection/high');
  t.equal(rule(' 7 && this.a == 1' + '&lt;'.repeat(40)), 'nosql.where-injection/high');
  t.equal(rule('7 || true' + ' '.repeat(20)), 'nosql.where-injection/high');
  t.equal(rule('5&&true' + ' '.repeat(20)), 'nosql.where-injection/high');
  t.equal(rule('x 42; return true; ' + '&#38;'.repeat(5)), '-');
  t.equal(rule('42 x; return true; ' + '&#38;'.repeat(5)), '-');
  t.equal(rule('12 34; return true; ' + '&#'.repeat(10)), '-');
  t.equal(rule('&#38;'.repeat(50) + ' 1; return true; '), '-');
  t.equal(rule('1;' + '&&'.repeat(20) + ' return true'), '-');
  // With a quote: of a run of `&&` (`||`) only its first pair can be judged; a live pair after a
  // long run is still found.
  t.equal(rule("'" + '&&&&'.repeat(1000) + "' && this.a == 1"), 'nosql.where-injection/high');
  t.equal(rule("'" + '||||'.repeat(1000) + "' || true"), 'nosql.where-injection/high');
  t.equal(rule("'&&&&this.a == 1" + '&#38;'.repeat(5)), '-');
});

// Pinned verdicts of a seeded table (session 16, dense punctuation): the digest of every verdict
// (rule and confidence) over generated strings that mix this detector's trigger characters, the
// sweep's dense units and attack fragments, as the build before the speed work gave them. A fast
// path that changes any verdict changes the digest (the same table caught a planted change of each
// fast path: operatorInText passing over names of three characters).

const NOSQL_PIECES = [...'$a[]{}:,"\' x;'].concat(['$ne', '$gt', '$where', '$regex', '$in', '$or', '$a', '{"$ne":1}', '[$ne]', ', $where: "sleep(1)"', 'a$', 'the fit ']);

t.test('dense punctuation: verdicts pinned on a seeded table ($ runs)', async (t) => {
  const table = verdictTable(16, NOSQL_PIECES, 4000);
  t.equal(table.filter((s) => detectNoSqlInjection(s) !== undefined).length, 2311, 'findings in the table');
  t.equal(verdictDigest(table.map((s) => verdictKey(detectNoSqlInjection(s)) + verdictKey(detectNoSqlInjection(s, charMask(s))))), '899de6bd');
});

// Session 17 (dense punctuation, second round): pieces around this round's fast paths. The digest
// is the base build's (7c28b55), verdicts with and without the caller's charMask; it caught the
// change planted in this round's fast path (a scratch differential of the base dist against this
// build, ~300k strings, found no difference).
const S17_PIECES: string[] = [";", "\"", "'", ")", "}", " ", "return", "return true", "var x=1", "let y = 2", "const", "sleep(5000)", "while(1)", "while (true){}", "this.a == 1", "db.x.find()", "true", "1==1", "r", "v", "x", "1", "\t", "d", "t", "s", "w", "l", "c", "\";\"", "';x", "&&", "||", "$where", "$ne"];

t.test('dense punctuation: verdicts pinned on a seeded table (session 17 fast paths)', async (t) => {
  const { findings, digest } = pinnedVerdicts(verdictTable(1705, S17_PIECES, 3000), (s) => detectNoSqlInjection(s), (s) => detectNoSqlInjection(s, charMask(s)));
  t.equal(findings, 511, 'findings in the table');
  t.equal(digest, '4e47331');
  // A `;` is judged only before a tail connector accepts after it (or a blank).
  t.equal(detectNoSqlInjection('";"'.repeat(4096)), undefined);
  t.equal(detectNoSqlInjection(`${'x'.repeat(200)}"; return true; var a="`)?.rule, 'nosql.where-injection');
});
