/**
 * SQL injection detector.
 *
 * Decides by structure, libinjection-style: the value is tokenized as SQL (src/tokenizers/sql.ts) as if
 * the application had placed it
 *   (a) inside a single-quoted literal  `... = '<value>'`,
 *   (b) inside a double-quoted literal  `... = "<value>"`,
 *   (c) inside a backtick identifier    `` ... `<value>` ``,
 *   (d) bare, as a number, a trailing clause or a whole statement  `... = <value>`, `... <value>`.
 * For quoted contexts the text up to the first matching quote is the application's literal; what follows
 * is what the attacker made the database parse. A small streaming state machine checks that the tokens
 * form valid SQL (operands and operators alternate, keywords sit where a parser accepts them) and records
 * what the valid part does: a UNION SELECT, a stacked statement, a constant comparison after AND/OR
 * (tautology / boolean blind), a call to a time/error/file function, an ORDER BY probe, a truncating
 * comment. Prose fails the validity check quickly ("it's 5 o'clock": a word follows a word), and keywords
 * alone never decide ("select your size", "Union Station", "order by price" form nothing).
 *
 * A bare value that starts `key=` (a raw form body, a log line) is also walked from after the `=`. A walk
 * that meets an invalid token may start over at a keyword further on (bare walks always; quoted ones
 * when the pre-scan found a word that can matter), keeping only unambiguous findings from the restart.
 *
 * Confidence: `high` needs a structure that only an injection builds (UNION SELECT, a second statement,
 * a delay/error/file/exec call, a constant comparison after AND/OR, an ORDER BY probe, a truncating
 * comment after a login-like literal...). Weaker shapes (an operator after a closed literal, SQL builtins
 * in an expression, a column comparison after OR) are `medium` or `low`, and code or prose around the
 * quote (`console.log('---')`, `path: '/'`) keeps them there.
 *
 * Cost: a charCode prefilter returns in one pass for values without any character or keyword SQLi needs
 * (ids, dates, e-mail addresses, plain sentences: tens of nanoseconds). A second allocation-free pass
 * (`prescan`) then proves for most punctuated values (header values, `key=value`, URLs) that no walk
 * can find anything, so they never reach the tokenizer. Otherwise at most six linear tokenizer passes
 * (one per context, a quoted context only when its quote occurs and is followed by something SQL can
 * continue with), and six more only when a block comment holds `/*` and the first six found nothing
 * high (PostgreSQL and SQL Server nest comments, MySQL does not: both readings are walked), O(1) memory
 * besides at most MAX_DEPTH frames. The walks reuse one Walker, and its
 * lexer interns the words it knows (Vocabulary): a walk over prose allocates nothing per token. No
 * regular expressions; adversarial inputs (1 MB of `(`, quotes, comments) cost what prose of the same
 * size does.
 */
import { C } from '../charclass';
import { scatter, unpackI32, unpackU16 } from '../packed';
import type { Detection } from '../types';
import { SQL_TABLES } from './sql-tables';
import {
  Q_BACKTICK,
  Q_DOUBLE,
  Q_NONE,
  Q_SINGLE,
  SqlLexer,
  type SqlToken,
  Vocabulary,
  T_COMMA,
  T_DOT,
  T_EOF,
  T_IDENT,
  T_LPAREN,
  T_NUM,
  T_OP,
  T_OTHER,
  T_RPAREN,
  T_SEMI,
  T_STR,
  T_VAR,
  T_WORD,
  UCLASS,
  U_QUOTE,
  isSpace,
  isWordChar,
  newToken,
  quoteClass,
} from '../tokenizers/sql';

// ---------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------

/** Function classes. */
const FN_SQL = 1; // a builtin that exists in SQL dialects and rarely elsewhere
const FN_TIME = 2; // delays: time-based blind injection
const FN_ERROR = 4; // error-based exfiltration
const FN_FILE = 8; // file system access
const FN_EXEC = 16; // command execution / out-of-band
const FN_DANGER = FN_TIME | FN_ERROR | FN_FILE | FN_EXEC;

const FUNCS = new Map<string, number>();
function fn(cls: number, names: string): void {
  for (const n of names.split(' ')) if (n) FUNCS.set(n, cls);
}
fn(FN_TIME, 'sleep benchmark pg_sleep pg_sleep_for pg_sleep_until receive_message randomblob sys_sleep');
fn(FN_ERROR, 'extractvalue updatexml name_const gtid_subset gtid_subtract st_latfromgeohash st_longfromgeohash st_pointfromgeohash get_host_address get_host_name drithsx getmappingxpath exp_overflow');
fn(FN_FILE, 'load_file pg_read_file pg_read_binary_file pg_ls_dir lo_import lo_export lo_get lo_from_bytea');
fn(FN_EXEC, 'xp_cmdshell xp_dirtree xp_fileexist xp_regread xp_regwrite xp_servicecontrol sp_oacreate sp_oamethod sp_makewebtask sp_addextendedproc sys_eval sys_exec');
// PostgreSQL: connections out (dblink), whole-query exfiltration, server configuration.
fn(FN_EXEC, 'dblink dblink_connect dblink_connect_u dblink_exec dblink_send_query query_to_xml query_to_xml_and_xmlschema table_to_xml set_config pg_reload_conf pg_terminate_backend');
fn(
  FN_SQL,
  'char chr nchar concat concat_ws group_concat string_agg array_agg listagg substring substr substring_index mid ' +
    'ascii ord hex unhex bin oct conv version database schema user current_user system_user session_user ' +
    'user_name suser_name suser_sname db_name host_name is_srvrolemember has_dbaccess object_id schema_name ' +
    'count length len char_length octet_length bit_length if iif elt make_set field find_in_set cast convert ' +
    'try_cast isnull ifnull nullif nvl nvl2 coalesce rand random floor ceil ceiling md5 sha sha1 sha2 ' +
    'aes_encrypt aes_decrypt compress uncompress encode decode from_base64 to_base64 upper lower ucase lcase ' +
    'left right reverse repeat replicate space lpad rpad trim ltrim rtrim instr locate position strcmp ' +
    'soundex difference regexp_substr regexp_substring regexp_like regexp_replace crypt_key xmltype ' +
    'dbms_xmlgen extract extractxml json_keys json_extract json_object json_array json_build_object ' +
    'array_to_json row_to_json to_json quote_ident quote_literal quotename unicode stuff charindex ' +
    'patindex datalength exp pi sin cos tan abs sign mod round truncate now sysdate getdate current_database ' +
    'last_insert_id found_rows row_count connection_id uuid pg_backend_pid inet_server_addr version_comment ' +
    'sqlite_version sqlite_compileoption_get sqlite_compileoption_used likelihood unlikely zeroblob typeof ' +
    'json_valid json glob polygon multipoint multipolygon linestring multilinestring geometrycollection ' +
    'procedure_analyse ' +
    'collation charset coercibility current_setting inet_client_addr pg_postmaster_start_time ' +
    'cot degrees radians log log2 log10 ln sqrt power pow crc32 format inet_aton inet_ntoa load_extension ' +
    // MySQL user locks: GET_LOCK waits up to its timeout while another session holds the lock.
    'get_lock release_lock is_free_lock is_used_lock',
);

/** Schemas and packages whose members are attack tools when called: `dbms_pipe.receive_message(...)`. */
const DANGER_QUALIFIERS = new Map<string, number>([
  ['dbms_pipe', FN_TIME],
  ['dbms_lock', FN_TIME],
  ['utl_inaddr', FN_ERROR],
  ['utl_http', FN_EXEC],
  ['httpuritype', FN_EXEC],
  ['dbms_ldap', FN_EXEC],
  ['dbms_xmlgen', FN_ERROR],
  ['ctxsys', FN_ERROR],
  ['dbms_java', FN_EXEC],
  ['dbms_scheduler', FN_EXEC],
]);

/** Names of system catalogs: seeing one referenced in valid SQL is strong evidence of enumeration. */
const CATALOGS = new Set([
  'information_schema', 'sysobjects', 'syscolumns', 'sysusers', 'sysdatabases', 'sysibm', 'systables',
  'pg_catalog', 'pg_tables', 'pg_user', 'pg_shadow', 'pg_database', 'all_tables', 'all_users',
  'all_tab_columns', 'user_tables', 'dba_users', 'sqlite_master', 'sqlite_schema', 'mysql', 'master',
  'msysobjects', 'rdb$database', 'rdb$fields', 'rdb$relations', 'syscat', 'dual', 'v$version',
  'all_tab_tables', 'sys',
]);

// Word classes.
const W_LOGIC = 1; // and or xor
const W_CMP = 2; // like rlike regexp glob ilike similar sounds is in between match
const W_ARITH = 4; // div mod
const W_CONST = 8; // null true false unknown
const W_CLAUSE = 16; // keywords that may follow a complete operand
const W_STMT = 32; // statement starters
const W_RESERVED = 64; // cannot be a plain identifier
const W_VALUE = 128; // niladic value keywords: current_user, current_date...

const WORDS = new Map<string, number>();
function w(cls: number, names: string): void {
  for (const n of names.split(' ')) if (n) WORDS.set(n, (WORDS.get(n) ?? 0) | cls);
}
w(W_LOGIC | W_RESERVED, 'and or xor');
w(W_CMP | W_RESERVED, 'like rlike regexp glob ilike similar sounds is in between notnull isnull');
w(W_ARITH | W_RESERVED, 'div mod');
w(W_CONST | W_RESERVED, 'null true false unknown');
w(W_VALUE, 'current_user current_date current_time current_timestamp localtime localtimestamp session_user system_user sysdate rownum utc_date utc_time utc_timestamp current_schema current_role');
w(
  W_CLAUSE | W_RESERVED,
  'union intersect except minus from where order group having limit offset into procedure as when then ' +
    'else end collate escape asc desc join inner outer cross natural on using for window returning over ' +
    'separator against fetch',
);
w(W_CLAUSE, 'left right full straight_join');
w(
  W_STMT,
  'select insert update delete drop create alter truncate exec execute declare set shutdown waitfor call ' +
    'replace grant revoke use load handler do begin if print backup restore rename merge values show ' +
    'describe kill lock unlock analyze goto while return dbcc bulk open fetch close deallocate prepare ' +
    'commit rollback reconfigure pragma attach detach vacuum copy explain',
);
w(W_RESERVED, 'select insert update delete drop create alter table not case exists by all any some distinct distinctrow values into');

function wordClass(word: string): number {
  return word === '' ? 0 : (WORDS.get(word) ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Features: what the valid part of a walk did
// ---------------------------------------------------------------------------------------------------

const F_UNION = 1 << 0; // UNION [ALL|DISTINCT] SELECT in a valid position
const F_STACK = 1 << 1; // a second statement: `; drop table x`, `'; exec xp_...`, MSSQL inline batches
const F_TIME = 1 << 2; // time-delay call or WAITFOR
const F_ERROR = 1 << 3; // error-based extraction call
const F_FILE = 1 << 4; // file read/write
const F_EXEC = 1 << 5; // command execution / out-of-band / dynamic SQL
const F_TAUT = 1 << 6; // AND/OR/WHERE followed by a constant or self comparison (1=1, 'a'='a', x=x)
const F_LOGIC_FN = 1 << 7; // AND/OR followed by an SQL function call or a subquery
const F_LOGIC_OR_CONST = 1 << 8; // OR/XOR/|| followed by a bare literal ('1', true, 1)
const F_LOGIC_AND_CONST = 1 << 9; // AND followed by a bare literal
const F_LOGIC_IDCMP = 1 << 10; // AND/OR followed by a comparison of columns (name = 'x')
const F_FIRST_CMP = 1 << 11; // the first segment is a constant comparison ('' = '', 1!=2)
const F_PROBE = 1 << 12; // ORDER BY / GROUP BY <number>
const F_HAVING = 1 << 13; // HAVING <condition>
const F_STMT = 1 << 14; // a data-changing or administrative statement at the start
const F_SQLFN = 1 << 15; // a known SQL builtin called
const F_CATALOG = 1 << 16; // a system catalog referenced
const F_SYSVAR = 1 << 17; // @@version and friends
const F_FIRST_OP = 1 << 18; // the breakout literal is followed by a binary operator
const F_SELSHAPE = 1 << 19; // a SELECT list item that is not a plain column (1, *, 'a', f(), @@v)
const F_FROM = 1 << 20; // SELECT ... FROM
const F_NESTFN = 1 << 21; // a known SQL function called inside another one
const F_SUBQ = 1 << 22; // a parenthesised SELECT
const F_OPENSEL = 1 << 23; // the input starts with `(select`
const F_FIRST_CMPW = 1 << 24; // like F_FIRST_CMP with a word operator (LIKE, REGEXP): weaker
const F_FIRST_FN = 1 << 25; // the breakout literal is compared with a function call or subquery
const F_LOGIC_OR_LIT = 1 << 26; // OR followed by a number or TRUE/FALSE (no string)
const F_LOGIC_OR_KW = 1 << 27; // OR followed by TRUE/FALSE/NULL
const F_LEADLOGIC = 1 << 28; // the bare value starts with AND/OR/XOR/&&/||
const F_CONDFN = 1 << 29; // IF/IIF/ELT/CASE-style call whose first argument is a constant comparison
const F_OPSEEN = 1 << 30; // any operator in a valid position
// Second feature word (walk.feats2).
const G_UNIONKW = 1 << 0; // UNION in a valid position, not (yet) followed by SELECT
const G_GLUE = 1 << 1; // a block comment used as the separator between two SQL tokens
const G_OPENCMP = 1 << 2; // a comparison whose right side the application supplies (`xor 2 <`)
const G_LOGIC_AND_LIT = 1 << 3; // AND followed by a number or TRUE/FALSE
const G_LEADNUM = 1 << 4; // the bare value starts with a number
const G_COMMENT = 1 << 5; // a comment anywhere between valid tokens
const G_LOGIC_EXPR = 1 << 6; // AND/OR followed by an operator expression (`or col ^ '1`)
const G_LEADCLOSE = 1 << 7; // the bare value starts by closing the application's parenthesis
const G_KWFIRST = 1 << 8; // the first token after the breakout is an SQL operator or clause keyword
const G_LEADCLAUSE = 1 << 9; // after a leading `)`, a clause/operator keyword follows
const G_JSONOP = 1 << 10; // a PostgreSQL JSON operator (`?`, `?|`, `@>`, `#>`, `@@`...) between operands
const G_JSONLIT = 1 << 11; // a string operand that is a JSON document (`'{"a":1}'`, `'[1,2]'`)
const G_PGCAST = 1 << 12; // a glued PostgreSQL cast to an SQL type (`x::int`, `f(y)::jsonb`)
const G_FIRSTFN = 1 << 13; // the bare value starts by calling a known SQL function
const G_SQLCMP = 1 << 14; // a comparison operator only SQL writes between values (`<>`, `!=`, `<=>`, `!<`, `!>`)
const G_WORDCMP = 1 << 15; // a pattern comparison (LIKE, RLIKE, REGEXP, GLOB, SOUNDS LIKE, SIMILAR TO)
const G_NONNUM = 1 << 16; // a word, literal, variable or comma was accepted (not only numbers and operators)
const G_NUMLOGIC = 1 << 17; // the bare value is a number directly followed by AND/OR/XOR/&&/||
const G_SEMISTMT = 1 << 18; // `;` right at the start (or right after the breakout) and a statement keyword
const G_LOGICFIRST = 1 << 19; // the first token after the breakout is AND/OR/XOR/&&/||/IS/NOT
const G_SPPASSWORD = 1 << 20; // the final comment is `--sp_password` (hides the batch from MSSQL traces)
const G_LEADSTR = 1 << 21; // the bare value starts with a string literal
const G_CODECMP = 1 << 22; // a pattern comparison no English sentence writes (RLIKE, REGEXP, GLOB, NOT LIKE...)
const G_SELCASE = 1 << 23; // a CASE read inside a SELECT statement (`SELECT (CASE`)

const F_DANGER = F_TIME | F_ERROR | F_FILE | F_EXEC;
/** Features a resynchronised walk (after prose) may contribute: unambiguous ones only. */
const F_RESYNC_OK = F_UNION | F_STACK | F_DANGER | F_TAUT;
/**
 * ... and a quoted walk that started over: not F_STACK, which minified code makes out of `;if(` once a
 * quote has shifted every string boundary.
 */
const F_RESYNC_QUOTED = F_UNION | F_DANGER | F_TAUT;

// Walker states.
const S_DEAD = 0;
const S_OPERAND = 1;
const S_OPERATOR = 2;
const S_START = 3;
const S_STMT = 4;
const S_UNION = 5;
const S_LOOSE = 6;
const S_IS = 7;
const S_TYPE = 8;
const S_QUAL = 9;
const S_INTO = 10;
const S_BY = 11;
const S_SKIP = 12;

// Frame kinds.
const K_ROOT = 0;
const K_GROUP = 1;
const K_FUNC = 2;
const K_SUBQ = 3;
/**
 * A CASE ... END that does not start its segment (`x = CASE WHEN 1=1 THEN ...`, `1 + CASE ...`): read in
 * a frame of its own, like a parenthesis, so that its WHEN conditions are judged alone (see `case`).
 */
const K_CASE = 4;

const MAX_DEPTH = 48;

/** End states that still wait for a token (an operand, IS's complement, a type, a name, BY, INTO's target). */
const WAITING = new Uint8Array(16);
(() => {
  for (const st of [S_OPERAND, S_IS, S_TYPE, S_QUAL, S_BY, S_INTO]) WAITING[st] = 1;
})();

/** State of one parenthesis level, and of the current segment (text between two AND/OR) in it. */
class Frame {
  kind = K_ROOT;
  /** Inside a SELECT: aliases are fine. */
  sel = 0;
  fnCls = 0;
  fnArgs = 0;
  fnName = '';
  /** Danger class of a bare-context call, marked only if the call closes validly. */
  deferred = 0;
  /** 0 none, 1 AND-like, 2 OR-like: the logical operator before the current segment. */
  segLogic = 0;
  segCmp = 0;
  segIdx = 0;
  /** A symbolic comparison operator (=, <, ...) in the segment. */
  segSym = 0;
  /** `LIKE '%'`. */
  segLikeAll = 0;
  sideConst = 1;
  sideN = 0;
  sideFn = 0;
  sideS = -1;
  sideE = -1;
  /** Literal kinds seen on the current side: 1 number, 2 string, 4 keyword. */
  sideLit = 0;
  leftConst = 1;
  leftN = 0;
  leftFn = 0;
  leftS = -1;
  leftE = -1;
  allConst = 1;
  anyFn = 0;
  /** Opened by `ARRAY[`: only `]` closes it. */
  bracket = 0;
  /** A `VALUES (...)` row opened at the start of the value; valuesStr: it holds a string literal. */
  values = 0;
  valuesStr = 0;
  /**
   * A CASE open in this frame: 1 searched (`CASE WHEN cond`), 2 simple (`CASE x WHEN v`) before its first
   * WHEN, 3 simple with a constant subject (`CASE 1 WHEN 1`: each WHEN value is a constant test), 4
   * simple with any other subject.
   */
  caseMode = 0;
  /** CASEs opened in this frame (not the K_CASE frame's own): an END closes one of them first. */
  caseOpen = 0;
  /** The current segment is a searched CASE's WHEN condition (judged when it closes, at THEN). */
  caseWhen = 0;
}

/** Per-walk result. */
interface Walk {
  feats: number;
  feats2: number;
  /** Reached the end of input without an invalid token. */
  complete: boolean;
  /** Complete, and the end suits the context (quoted: an open literal of that quote, or a comment). */
  endOk: boolean;
  /** Complete and the input ends in a comment. */
  endComment: boolean;
  /** The final comment is `--` or `/*` (not `#`, which also starts hashtags and numbers: `#2`). */
  strictDash: boolean;
  /** The final comment has (almost) no text: `--`, `-- -`, `#`, `/*`. */
  shortComment: boolean;
  /** Quoted context: only `)` between the breakout and a final comment (`admin'--`, `1')#`). */
  trunc: boolean;
  /** Tokens consumed in a valid position. */
  valid: number;
  /** The walk ended waiting for an operand (`'' *`). */
  dangling: boolean;
  /** Parentheses were still open at the end. */
  unclosed: boolean;
  /**
   * endOk through an open literal whose text is short and plain (`' B`, `'1`, `'%`), not code or
   * prose (`');`, `', the tarball...`). Always true when endOk comes from a comment.
   */
  tailPlain: boolean;
  /** Quoted context: only `)` and `;` after the breakout, ending in `;` (`admin';`). */
  semiEnd: boolean;
  /** Unmatched `)` read as closing the application's own parentheses (`1)--`, `x')) or ((`). */
  closes: number;
  /**
   * Complete, ending in a comment while an operand or a keyword's complement is still due (`'<#`,
   * `) is #`) or a parenthesis of the value's own is open (`(x#`): the comment removes the
   * application's text that could complete them, so the query is a syntax error.
   */
  broken: boolean;
  /** The input ends inside a literal it opened (bare context: an unterminated literal). */
  openEnd: boolean;
  /** Every segment of the outermost level was constant (`'' - 0`, `'a' = 'a'`): no column named. */
  constExpr: boolean;
}

/**
 * One-character operators the walker's operator chains read (see opChain): 1 a comparison
 * (binaryOp's cmpOp), 2 arithmetic or bitwise (firstOp only).
 */
// Tables filled in functions of their own: no loop at a module's top level (test/adapters/cold-start.test.ts).
const CHAIN_OP = ((): Uint8Array => {
  const t = new Uint8Array(128);
  t[60] = t[61] = t[62] = t[126] = 1;
  // `#` is PostgreSQL's XOR only in the lexer's standard reading (MySQL's comment otherwise: opChain
  // reads it as an operator only then).
  for (const ch of '+-*/%^&|#') t[ch.charCodeAt(0)] = 2;
  return t;
})();
/** Links read per opChain call (see there). */
const CHAIN_LINKS = 256;
/** opChain's other operator classes: `||` and `&&` (binaryOp's logicOp), the words OR, AND, XOR. */
const C_LOGIC = 3;
const C_LOGICW = 4;
/**
 * What may follow a chain operator for the lexer to end it there (none makes a longer operator, OP2
 * or three characters, or a comment with it): 1 only after a symbol (word and digit characters), 2
 * after a symbol or a word operator (ASCII blanks, quotes, `{`: no word character or `$` continues
 * the word, and no comment is glued to it: `or/**\/der` joins into ORDER).
 */
const CHAIN_NEXT = ((): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = t[c + 32] = 1;
  t[95] = 1;
  for (let c = 1; c <= 32; c++) t[c] = 2;
  for (const ch of `'"{`) t[ch.charCodeAt(0)] = 2;
  return t;
})();

/** Statement keywords that may follow a value without `;` (MSSQL batches, `1 update t set ...`). */
const INLINE_STMT = new Set(['select', 'insert', 'update', 'delete', 'drop', 'exec', 'execute', 'declare', 'shutdown', 'waitfor', 'truncate', 'goto', 'begin', 'create', 'alter', 'if']);

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Words at which a walk that died in prose may start over (bare numeric context only). */
const SYNC_WORDS = new Set(['select', 'union', 'and', 'or', 'xor', 'having', 'order', 'group', 'where', 'waitfor', 'exec', 'execute', 'declare', 'procedure']);

/**
 * SYNC_WORDS without those that contain another as a substring (`execute` holds `exec`, `order` and
 * `xor` hold `or`): syncMark's quick proof searches the value's lower-cased copy for each.
 */
const SYNC_NEEDLES = [...SYNC_WORDS].filter((w) => ![...SYNC_WORDS].some((v) => v !== w && w.includes(v)));
/** From this length syncMark tries its quick proof first; below it the scan is cheaper than the copy. */
const SYNC_PROOF_MIN = 1024;

/** The longest needle less one: what consecutive chunks of holdsSyncWord overlap by. */
const SYNC_OVERLAP = Math.max(...SYNC_NEEDLES.map((w) => w.length)) - 1;

/**
 * Whether the ASCII-only `s` holds a SYNC word as a substring, ignoring case (no regular expression).
 * Lower-cased and searched 4 KB at a time, chunks overlapping by SYNC_OVERLAP so no word is cut: a
 * value with a word early (prose: `or`) pays for one chunk, not a copy of the whole.
 */
function holdsSyncWord(s: string): boolean {
  const n = s.length;
  for (let a = 0; a < n; a += 4096) {
    const l = s.slice(a, Math.min(n, a + 4096 + SYNC_OVERLAP)).toLowerCase();
    for (const w of SYNC_NEEDLES) if (l.indexOf(w) !== -1) return true;
  }
  return false;
}

/**
 * Streaming structural validator. One instance per context and value; reads tokens one at a time with
 * one token of lookahead. Per-parenthesis state lives in at most MAX_DEPTH Frame objects (deeper
 * nesting is counted, not stored), so memory is constant whatever the input.
 */
/**
 * Words of English prose that no SQL statement contains (see `stmtPending`). Matched on
 * the raw text, not the lexer's vocabulary: none of them is SQL.
 */
const PROSE_ONLY = new Set(['the', 'my', 'your', 'our', 'their', 'his', 'her', 'please', 'this', 'these', 'those', 'me', 'we', 'you', 'it', 'them', 'i', 'an', 'thanks']);

class Walker {
  private readonly lx: SqlLexer;
  private cur: SqlToken = newToken();
  private nxt: SqlToken = newToken();
  private more = true;
  /**
   * `cur` holds the token after `nxt`, already lexed (a failed opChain's literal): the next `advance`
   * takes it instead of lexing. Set only right before `run`'s own advance.
   */
  private lexedAhead = false;
  private s = '';
  /** The context; set to Q_NONE when a quoted walk resynchronises (the rest is read as bare SQL). */
  private quote = Q_NONE;
  /** A walk that died may start over at a SYNC word (bare walks; quoted ones when the caller allows). */
  private resyncOk = true;
  /** The walk is a quoted one allowed to resynchronise. */
  private resyncOkQuoted = false;

  private feats = 0;
  private feats2 = 0;
  private resyncFeats = 0;
  /** feats2 of a quoted walk when it first resynchronised (what the breakout itself did). */
  private feats2Pre = 0;
  private resynced = false;
  /** The walk died at a statement no dialect accepts (see labelDeath): nothing after it runs. */
  private labelDied = false;
  /**
   * A stacked `DELETE t` / `EXEC p` (no FROM, a bare name: forms only SQL Server runs) waits for the
   * rest of the batch: SQL Server compiles a batch whole, so a statement no dialect accepts after it
   * (`Q3 review; Exec Summary; Next steps`, a list) means it never runs. 1: counts in feats, 2: in
   * resyncFeats (it followed a restart); committed at the end or at any other death.
   */
  private bareStack = 0;
  private state = S_START;
  private depth = 0;
  private valid = 0;
  private lastKind = T_EOF;
  private lastWord = '';
  private lastOpenStrQuote = 0;
  private lastStart = 0;
  /**
   * The last string literal is the pattern of GLOB, REGEXP, RLIKE or PostgreSQL's `~`, `~*`, `!~`,
   * `!~*` (its wildcards `*`, `?`, `[…]`, `^`, `$`, `+`… are plain text there, see plainTail).
   */
  private lastStrPattern = false;
  private endState = S_DEAD;
  private endDepth = 0;
  /** End of the last valid token (the breakout quote position + 1 before any). */
  private lastEnd = 0;
  private onlyParens = true;
  private sawNonParen = false;

  /** @param vocab every word the walker compares a token with (the lexer interns those, see Vocabulary) */
  constructor(vocab: Vocabulary) {
    this.lx = new SqlLexer('', 0, vocab);
    this.vocab = vocab;
  }

  /** The lexer's vocabulary (wordChain and opChain look words up in it as the lexer would). */
  private readonly vocab: Vocabulary;

  /** Parenthesis frames, created on first use (most walks never go deeper than two). */
  private readonly frames: Frame[] = [];

  /** ORDER/GROUP BY seen: the next operand decides whether this is a column-count probe. */
  private byArmed = false;
  /** HAVING seen: the segment after it decides. */
  private havingArmed = false;
  /** BETWEEN seen: its AND is not a logical operator. */
  private betweenArmed = false;
  /** After UNION: the next SELECT (possibly behind parentheses) completes it. */
  private unionArmed = false;
  /**
   * A UNION SELECT after no value a breakout leaves (the value starts with it, it follows prose the
   * walk skipped, or a bare word): "European Union Select Committee" parses as `european UNION SELECT
   * committee`. It counts once the SELECT shows SQL (an item that is not a bare word, a second item,
   * FROM, `;`, a comment) or the input ends right after SELECT (a scanner's probe: prose names
   * something after it); a walk that dies or ends otherwise drops it.
   */
  private unionPending = false;
  /**
   * The feature (F_STMT, F_STACK) of a statement that may be prose: a data-changing statement that
   * is the whole value from its first word, with no breakout before it (`delete from my list
   * please`), or a stacked SELECT with prose words (`team; select your seats from the list`). It
   * counts at SQL punctuation or a comment, and at the end unless English words that no SQL
   * statement contains (PROSE_ONLY) came first.
   */
  private stmtPending = 0;
  private stmtProse = false;
  /** Start of the SELECT keyword being read (for the prose check of a stacked SELECT). */
  private selStart = 0;
  /** The UNION just read follows no value a breakout would leave (input start, prose, a bare word). */
  private unionWeak = false;
  /** `VALUES` opened the value: the next `(` is a row. */
  private valuesArmed = false;
  /** Depth of the SELECT list being read, or -1. */
  private selDepth = -1;
  /** The next operand at selDepth starts a select item. */
  private selArmed = false;
  /** The SELECT being read is a second statement: an SQL-shaped item makes it a stacked query. */
  private stackSel = false;
  private aliasOk = false;
  /** Start of a word taken as the alias of a parenthesised item (`(select 1) t`), or -1. */
  private parenAlias = -1;
  private typeWords = 0;
  /** The last `::` had no space before it. */
  private castGlued = false;
  private castValue = false;
  /** The last `::` followed a plain word (a column: `password::int`). */
  private castWord = false;
  /** Inside a statement that followed `;`. */
  private afterStack = false;
  /** Parenthesis depth of the application's own groups closed by the input: `1')) or ((`. */
  private appCloses = 0;

  /** The K_CASE frame being popped was closed by its END (see pop). */
  private caseEnding = false;

  /** Quoted context: the application's literal before the breakout is empty or blank. */
  private litBlank = false;
  /** Where tokenizing started (after the breakout quote in quoted contexts). */
  private walkStart = 0;

  /**
   * Prepares a walk. One Walker is reused for every walk (walks never overlap: `run` finishes before
   * the next `reset`), so the benign path allocates no walker, lexer, token or frame per value.
   * @param s the whole value
   * @param start where tokenizing starts (after the breakout quote for quoted contexts)
   * @param quote Q_NONE for the bare context, else the quote the application wrapped the value in
   * @param litBlank quoted context only: nothing but spaces before the breakout quote
   * @param resyncOk quoted context only: after an invalid token, look for SQL further on (see run)
   */
  reset(s: string, start: number, quote: number, litBlank: boolean, resyncOk: boolean): this {
    this.s = s;
    this.quote = quote;
    this.litBlank = litBlank;
    // (A bare walk starts over unless its caller knows no restart can change its verdict: see
    // walkContexts, its walks of a value with `$`.)
    this.resyncOk = resyncOk;
    this.resyncOkQuoted = quote !== Q_NONE && resyncOk;
    this.feats = this.feats2 = this.resyncFeats = this.feats2Pre = 0;
    this.resynced = this.labelDied = false;
    this.bareStack = 0;
    this.depth = this.valid = this.appCloses = this.typeWords = 0;
    this.lastKind = T_EOF;
    this.lastWord = '';
    this.lastOpenStrQuote = this.lastStart = 0;
    this.lastStrPattern = false;
    this.endState = S_DEAD;
    this.endDepth = 0;
    this.lastEnd = start;
    this.walkStart = start;
    this.onlyParens = true;
    this.sawNonParen = false;
    this.byArmed = this.havingArmed = this.betweenArmed = this.unionArmed = this.valuesArmed = this.unionPending = false;
    this.stmtPending = 0;
    this.selDepth = -1;
    this.parenAlias = -1;
    this.selArmed = this.stackSel = this.aliasOk = this.castGlued = this.castValue = this.castWord = this.afterStack = false;
    this.cur.kind = this.nxt.kind = T_EOF;
    this.lexedAhead = false;
    this.lx.reset(s, start);
    this.more = this.lx.next(this.nxt);
    this.initFrame(0, K_ROOT);
    if (quote !== Q_NONE) {
      // The application's literal is the first operand; the attacker continues after it.
      this.atom(true, 0, start - 1, 2);
      this.lastKind = quote === Q_BACKTICK ? T_IDENT : T_STR;
      this.state = S_OPERATOR;
    } else {
      this.state = S_START;
    }
    return this;
  }

  /**
   * The dialect the walks read: block comments nested (PostgreSQL, SQL Server) or flat (MySQL...),
   * backslashes in literals as escapes (MySQL) or as characters (standard strings): see the lexer.
   * `--` before a letter or digit as a comment or (MySQL) as two minus signs.
   * Leaves what the lexer has seen (`nestedSeen`, `escapeSeen`, `dashSeen`) as it is: `begin` clears it.
   */
  dialect(nest: boolean, std: boolean, mysqlDashes = false): void {
    this.lx.nestComments = nest;
    this.lx.standard = std;
    this.lx.mysqlDashes = mysqlDashes;
  }

  /** Read `$tag$` as a word (`blind`) or as a dollar-quote opener (the default): see dollarWalks. */
  tagBlind(blind: boolean): void {
    this.lx.dollarTags = !blind;
  }

  /** A flat walk since `begin` met `/*` inside a block comment. */
  nestedSeen(): boolean {
    return this.lx.nestedSeen;
  }

  /**
   * A walk since `begin` read a quote escaped by a backslash inside a literal, a `#` comment after
   * an operand or a CR inside a `--` comment: the standard reading (see the lexer's `standard`)
   * differs from MySQL's.
   */
  standardDiffers(): boolean {
    return this.lx.escapeSeen || this.lx.hashSeen || this.lx.crSeen;
  }

  /** A walk since `begin` read as a comment a `--` that MySQL reads as two minus signs. */
  dashSeen(): boolean {
    return this.lx.dashSeen;
  }

  /**
   * Position at or before which every token that may resynchronise a dead walk (isSync) starts, for
   * the current value (-1 when it holds none; -2: not computed yet). Computed once per value, by one
   * backward scan that stops at the last character that may begin (or, for `\N`, precede) a sync
   * token, and shared by all its walks (see `begin`).
   */
  private syncAt = -2;
  /** syncMark for the standard reading (a backslash there makes no `\N`: it marks nothing). */
  private syncAtStd = -2;

  /** A new value: its walks compute syncMark afresh, and start with MySQL's reading. */
  begin(): void {
    this.syncAt = this.syncAtStd = -2;
    this.dialect(false, false);
    this.lx.nestedSeen = this.lx.escapeSeen = this.lx.dashSeen = this.lx.hashSeen = this.lx.crSeen = false;
  }

  /**
   * Over-approximates where a sync token (`(`, `;` or a SYNC_WORDS word) may start: no such token
   * starts after the returned index. Characters that mark: `(` and `;`; `/*` (a block comment can
   * join halves into a keyword, `UN/**\/ION`, and sets the lexer's nestedSeen, which must not change);
   * a backslash, two characters on (`\Nunion` is NULL then UNION); any non-ASCII character (a word
   * holding one is lower-cased by Unicode rules); a maximal run of ASCII letters that equals a SYNC
   * word, ignoring case (the lexer never starts a word inside a run of letters: words are split only
   * at non-word characters, after digits `1union`, after `\N`, or joined across `/`). The scan runs
   * backwards from the end and stops at the first mark, so it reads only the tail the walk would skip.
   */
  private syncMark(): number {
    const std = this.lx.standard;
    if (std ? this.syncAtStd !== -2 : this.syncAt !== -2) return std ? this.syncAtStd : this.syncAt;
    const mark = this.findSyncMark(std);
    if (std) this.syncAtStd = mark;
    else this.syncAt = mark;
    return mark;
  }

  /**
   * syncMark's scan. In the standard reading (`std`) a backslash marks nothing: the lexer reads no
   * `\N` there, so a value's backslashes (`a\'b` runs) do not keep a dead walk lexing to its end.
   */
  private findSyncMark(std: boolean): number {
    const s = this.s;
    // No mark anywhere (1 MB of `</a>x` or `<`: the scan below read it all, ~4 µs/KB): the engine's
    // native searches prove it at a fraction of that. Each test over-approximates one kind of mark:
    // `(`, `;`, `\`, `/*` by indexOf; any character at or above 128 by the UTF-8 length (byteLength's
    // default; equal to the length only when every code unit, a lone surrogate included, is ASCII);
    // a SYNC word as a maximal letter run contains one of SYNC_NEEDLES as a substring, found by
    // indexOf in a lower-cased copy (ASCII only by then, so toLowerCase folds exactly A-Z; no regular
    // expression: detectors use none). When all fail, the scan would return -1; when one holds, the
    // scan runs as before (a few native scans more, up to the first hit). Long values only
    // (SYNC_PROOF_MIN): on short ones the copy costs more than the scan.
    if (
      s.length >= SYNC_PROOF_MIN &&
      s.indexOf('(') < 0 &&
      s.indexOf(';') < 0 &&
      (std || s.indexOf('\\') < 0) &&
      // (`*` first: a two-character search stops at every `/`, ~2 µs/KB on `</a>x`.)
      (s.indexOf('*') < 0 || s.indexOf('/*') < 0) &&
      Buffer.byteLength(s) === s.length &&
      !holdsSyncWord(s)
    ) {
      return -1;
    }
    let i = s.length - 1;
    let mark = -1;
    while (i >= 0) {
      const c = s.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
        const e = i + 1;
        while (i > 0 && isAsciiLetter(s.charCodeAt(i - 1))) i--;
        // The vocabulary's look-up, not a lower-cased slice: it answers the same for a run of ASCII
        // letters (exact: signature, hash, then a case-folded compare; every SYNC word is in it) and
        // allocates nothing. The slice and its copy per word were ~8% of the detector on prose.
        if (e - i >= 2 && e - i <= 9 && SYNC_WORDS.has(this.vocab.lookup(s, i, e, true))) {
          mark = i;
          break;
        }
        i--;
        continue;
      }
      if (c === 40 || c === 59 || c >= 128 || (c === 47 && s.charCodeAt(i + 1) === 42)) {
        mark = i;
        break;
      }
      if (c === 92 && !std) {
        mark = i + 2;
        break;
      }
      i--;
    }
    return mark;
  }

  /** Drops the references to the last value (it may be large) once its walks are judged. */
  release(): void {
    this.syncAt = this.syncAtStd = -2;
    this.s = '';
    this.lastWord = '';
    this.lx.reset('');
  }

  private initFrame(d: number, k: number): void {
    const f = this.fr(d);
    f.kind = k;
    f.sel = 0;
    f.fnCls = 0;
    f.fnArgs = 0;
    f.fnName = '';
    f.deferred = 0;
    f.segLogic = 0;
    f.segIdx = 0;
    f.allConst = 1;
    f.anyFn = 0;
    f.bracket = 0;
    f.values = f.valuesStr = 0;
    f.caseMode = 0;
    f.caseOpen = 0;
    Walker.resetSeg(f);
  }

  private static resetSeg(f: Frame): void {
    f.caseWhen = 0;
    f.segCmp = 0;
    f.segSym = 0;
    f.segLikeAll = 0;
    f.sideConst = 1;
    f.sideN = 0;
    f.sideFn = 0;
    f.sideLit = 0;
    f.sideS = f.sideE = -1;
    f.leftConst = 1;
    f.leftN = 0;
    f.leftFn = 0;
    f.leftS = f.leftE = -1;
  }

  private advance(): void {
    const t = this.cur;
    this.cur = this.nxt;
    this.nxt = t;
    if (this.lexedAhead) {
      // opChain left the token after the lookahead in `cur` (now `nxt`), the lexer past it.
      this.lexedAhead = false;
      return;
    }
    if (this.more) this.more = this.lx.next(this.nxt);
    else {
      this.nxt.kind = T_EOF;
      this.nxt.word = '';
    }
  }

  /** Kind of the lookahead token (a method, so that type narrowing does not survive `advance()`). */
  private peekKind(): number {
    return this.nxt.kind;
  }

  private peekWord(): string {
    return this.nxt.kind === T_WORD ? this.nxt.word : '';
  }

  private d(): number {
    return this.depth < MAX_DEPTH ? this.depth : MAX_DEPTH - 1;
  }

  private fr(d: number): Frame {
    let f = this.frames[d];
    if (f === undefined) {
      f = new Frame();
      this.frames[d] = f;
    }
    return f;
  }

  // --- segment bookkeeping -------------------------------------------------------------------------

  private atom(isConst: boolean, start: number, end: number, lit = 0): void {
    const f = this.fr(this.d());
    if (!isConst) f.sideConst = 0;
    f.sideLit |= lit;
    f.sideN++;
    f.sideS = start;
    f.sideE = end;
  }

  private fnAtom(cls: number): void {
    const f = this.fr(this.d());
    f.sideConst = 0;
    f.sideN++;
    f.sideS = f.sideE = -1;
    if (cls !== 0) {
      f.sideFn = 1;
      f.anyFn = 1;
    }
  }

  private cmpOp(symbolic = false): void {
    const f = this.fr(this.d());
    if (symbolic) f.segSym = 1;
    f.leftConst = f.segCmp ? f.leftConst & f.sideConst : f.sideConst;
    f.leftN = f.sideN;
    f.leftFn = f.sideFn | (f.segCmp ? f.leftFn : 0);
    f.leftS = f.sideS;
    f.leftE = f.sideE;
    f.segCmp = 1;
    f.sideConst = 1;
    f.sideN = 0;
    f.sideFn = 0;
    f.sideLit = 0;
    f.sideS = f.sideE = -1;
  }

  private sameText(a0: number, a1: number, b0: number, b1: number): boolean {
    if (a0 < 0 || b0 < 0 || a1 - a0 !== b1 - b0 || a1 - a0 > 64) return false;
    for (let i = 0; i < a1 - a0; i++) {
      let x = this.s.charCodeAt(a0 + i);
      let y = this.s.charCodeAt(b0 + i);
      if (x >= 65 && x <= 90) x |= 0x20;
      if (y >= 65 && y <= 90) y |= 0x20;
      if (x !== y) return false;
    }
    return true;
  }

  /**
   * The token before the string literal at `at` is a pattern operator: GLOB, REGEXP, RLIKE, or `~`,
   * `~*`, `!~`, `!~*`. O(1): the previous word, or at most 18 characters read back.
   */
  private patternBefore(at: number): boolean {
    // The operator read back from the literal's quote (blanks skipped, at most 16): `~` or `~*`
    // (`!~`, `!~*` end the same way). Operator runs may be read by opChain, which keeps no token kind.
    let i = at - 1;
    while (i >= 0 && at - i <= 16 && isSpace(this.s.charCodeAt(i))) i--;
    if (this.s.charCodeAt(i) === 42) i--;
    if (this.s.charCodeAt(i) === 126) return true;
    return this.lastKind === T_WORD && (this.lastWord === 'glob' || this.lastWord === 'regexp' || this.lastWord === 'rlike');
  }

  /** Ends the current segment at the current depth and records what it was. */
  private closeSeg(): void {
    const d = this.d();
    const f = this.fr(d);
    const logic = f.segLogic;
    let constCmp = false;
    let sameCmp = false;
    let fnSeg = false;
    let idCmp = false;
    let constOnly = false;
    if (f.segCmp) {
      if (f.sideN === 0) {
        // `x =` at the end of input: in a quoted context the application supplies the right side.
        constCmp = f.leftConst === 1 && this.quote !== Q_NONE;
        fnSeg = f.leftFn === 1;
      } else {
        constCmp = f.leftConst === 1 && f.sideConst === 1;
        sameCmp = f.leftN === 1 && f.sideN === 1 && this.sameText(f.leftS, f.leftE, f.sideS, f.sideE);
        fnSeg = f.leftFn === 1 || f.sideFn === 1;
        // `x LIKE '%'` matches every row.
        if (f.segLikeAll) sameCmp = true;
        idCmp = !constCmp && !sameCmp && !fnSeg;
      }
    } else if (f.sideN > 0) {
      constOnly = f.sideConst === 1;
      fnSeg = f.sideFn === 1;
    }
    if (logic !== 0) {
      if (constCmp || sameCmp) this.mark(F_TAUT);
      else if (fnSeg) this.mark(F_LOGIC_FN);
      else if (constOnly) {
        if (logic === 2) {
          this.mark(F_LOGIC_OR_CONST | (f.sideLit & 2 ? 0 : F_LOGIC_OR_LIT) | (f.sideLit === 4 ? F_LOGIC_OR_KW : 0));
        } else {
          this.mark(F_LOGIC_AND_CONST);
          if (!(f.sideLit & 2)) this.feats2 |= G_LOGIC_AND_LIT;
        }
      } else if (idCmp) this.mark(F_LOGIC_IDCMP);
      else if (f.segCmp && f.sideN === 0 && f.leftConst === 1 && f.leftN > 0) this.feats2 |= G_OPENCMP;
      if (!f.segCmp && f.sideN >= 2) this.feats2 |= G_LOGIC_EXPR;
    } else if (d === 0 && f.segIdx === 0) {
      if (constCmp || sameCmp) this.mark(f.segSym ? F_FIRST_CMP : F_FIRST_CMPW);
      else if (fnSeg && f.segCmp) this.mark(F_FIRST_FN);
    } else if (f.segIdx === 0 && (constCmp || sameCmp) && f.kind === K_FUNC && COND_FUNCS.has(f.fnName)) {
      this.mark(F_CONDFN);
    }
    // `CASE WHEN 1=1 THEN`, `CASE WHEN (5=5) THEN`, `CASE WHEN x=x THEN`: a searched CASE whose condition
    // is constant picks its branch by the attacker's choice, the boolean-blind test of ORDER BY and
    // SELECT-list parameters (`ORDER BY CASE WHEN (1=1) THEN name ELSE price END`), as IF(1=1,...) is.
    if (f.caseWhen === 1 && (constCmp || sameCmp || constOnly)) this.mark(F_CONDFN);
    if (this.havingArmed && (f.segCmp || fnSeg || constOnly)) this.mark(F_HAVING);
    if (!(constCmp || constOnly || sameCmp)) f.allConst = 0;
    if (fnSeg) f.anyFn = 1;
    if (f.segIdx < 60000) f.segIdx++;
    Walker.resetSeg(f);
  }

  private mark(f: number): void {
    if (this.unionPending && f & (F_SELSHAPE | F_FROM)) {
      this.unionPending = false;
      f |= F_UNION;
    }
    if (this.resynced) this.resyncFeats |= f;
    else this.feats |= f;
  }

  /** UNION SELECT: counted now after a valid value, or pending (see `unionPending`). */
  private markUnion(): void {
    if (this.unionWeak) this.unionPending = true;
    else this.mark(F_UNION);
  }

  private confirmUnion(): void {
    if (!this.unionPending) return;
    this.unionPending = false;
    this.mark(F_UNION);
  }

  private logicOp(kind: number): void {
    if (this.quote === Q_NONE && this.valid === 0 && !this.resynced) this.mark(F_LEADLOGIC);
    this.mark(F_OPSEEN);
    if (this.quote === Q_NONE && !this.resynced && this.depth === 0 && this.feats2 & G_LEADNUM) {
      // `1 || user_id is not null`: a bare number continued by a logical operator (numeric context).
      const f = this.fr(0);
      if (f.segIdx === 0 && f.segCmp === 0 && f.sideN === 1 && f.sideLit === 1) this.feats2 |= G_NUMLOGIC;
    }
    this.closeSeg();
    this.havingArmed = false;
    this.fr(this.d()).segLogic = kind;
  }

  private push(k: number): void {
    const parentLogic = this.fr(this.d()).segLogic;
    this.depth++;
    if (this.depth >= MAX_DEPTH) return;
    this.initFrame(this.depth, k);
    // A group that is the operand of AND/OR carries that role: `or (1=1)`. So does a CASE frame (its
    // segments were the parent's before CASE had a frame: `and x = case when 1=1` stays a tautology).
    if (k === K_GROUP || k === K_CASE) this.fr(this.depth).segLogic = parentLogic;
  }

  /**
   * Closes a parenthesis. Returns false for an unmatched `)` (the application's own parenthesis).
   * `valid` is false when unwinding after an invalid token.
   */
  private pop(valid = true): boolean {
    if (this.depth === 0) {
      this.closeSeg();
      return false;
    }
    if (this.depth >= MAX_DEPTH) {
      this.depth--;
      return true;
    }
    this.closeSeg();
    const d = this.depth;
    const f = this.fr(d);
    if (this.selDepth >= d) {
      this.selDepth = -1;
      this.selArmed = false;
    }
    this.depth--;
    if (f.kind === K_GROUP) {
      // A VALUES row of two or more literals, one of them a string: only an INSERT writes that.
      if (f.values === 1 && valid && f.allConst === 1 && f.valuesStr === 1 && f.fnArgs === 1) this.mark(F_STMT);
      this.atom(f.allConst === 1, -1, -1);
      if (f.anyFn === 1) {
        const p = this.fr(this.d());
        p.sideFn = 1;
        p.anyFn = 1;
      }
    } else if (f.kind === K_FUNC) {
      if (f.anyFn === 1 && f.fnCls !== 0) this.mark(F_NESTFN);
      // `benchmark(1000) results: 739ms`: MySQL's BENCHMARK takes a count AND an expression, and with one
      // argument it is a syntax error, so a one-argument call in bare text delays nothing. Costs one
      // string compare per closing bare-context delay call. (After a breakout, or with a comma inside,
      // it still counts: `1 and benchmark(9e6,md5(1))`.)
      if (valid && f.deferred !== 0 && !(f.fnArgs === 0 && f.fnName === 'benchmark')) {
        if (f.deferred & FN_TIME) this.mark(F_TIME);
        if (f.deferred & FN_ERROR) this.mark(F_ERROR);
        if (f.deferred & FN_FILE) this.mark(F_FILE);
        if (f.deferred & FN_EXEC) this.mark(F_EXEC);
      }
      // After a breakout any call is SQL; bare, only a known builtin says so.
      this.fnAtom(f.fnCls !== 0 || this.quote !== Q_NONE ? 1 : 0);
    } else if (f.kind === K_CASE && !this.caseEnding) {
      // A CASE without its END (the input ended or the walk died inside it): some value, not SQL yet.
      this.atom(false, -1, -1);
    } else {
      this.fnAtom(1); // a subquery, or a CASE closed by END, is an opaque, SQL-only value
    }
    return true;
  }

  /** Unwinds all frames so that pending segments are judged (end of input or invalid token). */
  private unwind(valid = true): void {
    while (this.depth > 0) this.pop(valid);
    this.closeSeg();
  }

  /** A pending bare T-SQL statement (bareStack) counts: the batch ended or died otherwise. */
  private commitBare(): void {
    if (this.bareStack === 2) this.resyncFeats |= F_STACK;
    else if (this.bareStack === 1) this.feats |= F_STACK;
    this.bareStack = 0;
  }

  /** Starts over in the bare statement context after prose (see SYNC_WORDS). */
  private resync(): void {
    if (!this.resynced) this.feats2Pre = this.feats2;
    this.resynced = true;
    // A quoted walk that starts over reads the rest as bare SQL: what follows is no longer the
    // attacker's continuation of the breakout, so bare rules (deferred delay calls...) apply.
    this.quote = Q_NONE;
    this.depth = 0;
    this.initFrame(0, K_ROOT);
    this.state = S_START;
    this.byArmed = this.havingArmed = this.betweenArmed = this.unionArmed = this.unionPending = false;
    this.selDepth = -1;
    this.selArmed = this.stackSel = this.aliasOk = this.afterStack = false;
    this.lastKind = T_EOF;
    this.lastWord = '';
  }

  /** Start of the comment that ends the input (bounded scan back over the last line). */
  private lastCommentStart(): number {
    const s = this.s;
    // The final comment starts after the last token; find its first non-space character.
    let p = this.lastEnd;
    while (p < s.length && isSpace(s.charCodeAt(p))) p++;
    return p;
  }

  /** Notes whether the attacker's first token is an operator or clause keyword (`x'collate ...`). */
  private firstAfterBreakout(t: SqlToken): void {
    if (t.kind === T_OP) {
      this.feats2 |= G_KWFIRST;
      if (t.op === '||' || t.op === '&&') this.feats2 |= G_LOGICFIRST;
    } else if (t.kind === T_WORD && wordClass(t.word) & (W_CLAUSE | W_LOGIC | W_CMP | W_ARITH)) {
      this.feats2 |= G_KWFIRST;
      if (wordClass(t.word) & W_LOGIC || t.word === 'is' || t.word === 'not') this.feats2 |= G_LOGICFIRST;
    }
  }

  /** A "literal" made of quote characters only (`''''''`) is noise, not a value the application closes. */
  private quotesOnly(a: number, b: number): boolean {
    if (b <= a) return false;
    for (let i = a; i < b; i++) if (quoteClass(this.s.charCodeAt(i)) === Q_NONE) return false;
    return true;
  }

  private static isSync(t: SqlToken): boolean {
    // A word outside the vocabulary is '' (no SYNC word): most prose words, spared the Set look-up.
    return t.kind === T_LPAREN || t.kind === T_SEMI || (t.kind === T_WORD && t.word !== '' && SYNC_WORDS.has(t.word));
  }

  /**
   * At a lookahead `<`, `>` or `=` in S_OPERATOR, after an accepted operand (valid > 0, sawNonParen,
   * no statement pending, no comment before it, depth < MAX_DEPTH): reads links `<op> <word>` from the
   * text, each read the same way as by the tokens it stands for, and applies their effects at once.
   * A link counts when its operator is one character (a blank, letter or `_` after it: no `<=`, `<>`,
   * `<<`, `->`…); its word, after ASCII blanks, is [A-Za-z_][A-Za-z0-9_]* outside the vocabulary (the
   * lexer's word '': no keyword, builtin or `xp_` name; and no `$`, non-ASCII letter, quote (`N'…'`),
   * `&` (`U&'…'`) or `/*` glued to it); and what follows the word, past ASCII blanks, is another `<`,
   * `>`, `=` or the end (so the word is no call and no `a.b`, and no comment, NUL or other token
   * sits in between). Such a link is, token by token: onOperator (cast flags), binaryOp (firstOp,
   * cmpOp(true), S_OPERAND), accepted; operandWord (byArmed, selItem(false), atom(false), toOperator:
   * S_OPERATOR, aliasOk), accepted. Their joint effect is applied below: firstOp and selItem once
   * (later calls change nothing), cmpOp and atom for the first link and for the last (the links in
   * between leave the frame as after the first, but for the spans of its sides), the counters and
   * last-token fields as after the last. Only blanks and words are skipped, so the lexer's own state
   * (versioned comments, nestedSeen) is what the token path would leave. Linear: each character is
   * read once here; a link that does not qualify is read at most once more, by the lexer.
   * Returns false, with nothing consumed, when not even one link qualifies. (opChain reads the other
   * operator chains, with a frame update per link: ~2x this one's cost on `<a <a`.)
   */
  private wordChain(): boolean {
    const s = this.s;
    const n = s.length;
    let p = this.nxt.start;
    let opGap = this.nxt.gap;
    let lastGap = opGap;
    let k = 0;
    let w1s = 0;
    let w1e = 0;
    let wps = 0;
    let wpe = 0;
    let wks = 0;
    let wke = 0;
    // Reads past the end are NaN without calling charCodeAt out of bounds (see the lexer's readWord).
    for (;;) {
      // s[p] is `<`, `>` or `=`: one character only when a blank, letter or `_` follows.
      const c1 = p + 1 < n ? s.charCodeAt(p + 1) : NaN;
      if (!((c1 >= 1 && c1 <= 32) || (c1 >= 97 && c1 <= 122) || (c1 >= 65 && c1 <= 90) || c1 === 95)) break;
      let q = p + 1;
      let c = c1;
      while (c >= 1 && c <= 32) c = ++q < n ? s.charCodeAt(q) : NaN;
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) break;
      let e = q + 1;
      for (; e < n; e++) {
        const d = s.charCodeAt(e);
        if (!((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95)) break;
      }
      let r = e;
      let d = r < n ? s.charCodeAt(r) : NaN;
      while (d >= 1 && d <= 32) d = ++r < n ? s.charCodeAt(r) : NaN;
      if (r < n && d !== 60 && d !== 62 && d !== 61) break;
      // (Longer words are '' without a look-up: see the lexer's finishWord.)
      // (One letter: the lookup's own first test, here without the call: `a` in `<a <a`.)
      if (e - q <= 32 && (e - q > 1 || this.vocab.short) && this.vocab.lookup(s, q, e, true) !== '') break;
      k++;
      if (k === 1) {
        w1s = q;
        w1e = e;
      }
      wps = wks;
      wpe = wke;
      wks = q;
      wke = e;
      lastGap = opGap;
      if (r >= n) break;
      opGap = r > e;
      p = r;
    }
    if (k === 0) return false;
    const f = this.fr(this.depth);
    const lastKind = this.lastKind;
    this.firstOp();
    this.cmpOp(true);
    this.selItem(false);
    this.atom(false, w1s, w1e);
    if (k > 1) {
      f.sideS = wps;
      f.sideE = wpe;
      this.cmpOp(true);
      this.atom(false, wks, wke);
    }
    this.byArmed = false;
    this.castGlued = !lastGap;
    this.castValue = k === 1 && (lastKind === T_STR || lastKind === T_NUM || lastKind === T_RPAREN);
    this.castWord = k === 1 ? lastKind === T_WORD : true;
    this.feats2 |= G_NONNUM;
    this.valid += 2 * k;
    this.onlyParens = false;
    this.lastKind = T_WORD;
    this.lastWord = '';
    this.lastOpenStrQuote = 0;
    this.lastStart = wks;
    this.lastEnd = wke;
    this.state = S_OPERATOR;
    this.aliasOk = f.sel === 1;
    this.lx.seek(wke);
    this.more = this.lx.next(this.nxt);
    return true;
  }

  /**
   * At a lookahead operator in S_OPERATOR (a one-character comparison `<` `>` `=` `~`, arithmetic
   * `+ - * / % ^ & |` or, in the standard reading, `#`; a logical `||`, `&&` or word OR, AND, XOR),
   * after an accepted operand (valid > 0, sawNonParen, no statement pending, no comment before it,
   * depth < MAX_DEPTH, the last token no parenthesised alias): reads links `<op> <operand>` from the
   * text, each read as by the tokens it stands for, and applies their effects link by link without
   * the per-token dispatch (`run`, `advance`, `step`, `accepted`: ~50 ns a token, the whole cost of
   * dense operator runs such as `1=1=1=`, `a=1a=1`, `'-'-'`, `&{'&{'`, `' or '' or '`).
   * A link counts when:
   * - its operator ends where the lexer ends it: a word or digit character, blank, quote or `{` after
   *   a symbol (no `<=`, `<>`, `<<`, `->`, `&&&`, `+=`, `--`, `/*`, `#>`…), a blank, quote or `{`
   *   after a word (no `orx`, `or$`, `or/**\/der`); an AND after BETWEEN is left to the token path;
   * - its operand, after ASCII blanks, is a word [A-Za-z_][A-Za-z0-9_]* outside the vocabulary (the
   *   lexer's word '': no keyword, builtin or `xp_` name), a run of ASCII digits (T_NUM: no `.`,
   *   exponent, `0x` or letter glued to it, see the next rule), digits glued to such a word (`1a`,
   *   readNumber's identifier: no `0x`/`0b`, `e` or split keyword), or a literal opened by an ASCII
   *   `'` or `"` (read by the lexer's own readString: escapes, typographic closers and the dialect as
   *   `next` reads them); a number or literal may come after a `{` and blanks (an ODBC escape marker,
   *   onOperand's T_OTHER case, which skips only a word after it);
   * - what follows the operand, past ASCII blanks, is the end or one of those operators not opening a
   *   comment (`--`, `/*`, `*\/`, `#` in MySQL's reading): so the operand's lookahead is an operator
   *   token or T_EOF (no call `w(`, no `a.b`, no `N'…'`, `U&'…'`, `$`, non-ASCII letter or comment
   *   glued to it, nothing a token's peek reads differently).
   * Token by token a link is: for a symbol, onOperator's T_OP case (cast flags) and binaryOp (firstOp;
   * cmpOp(true) for a comparison, logicOp for `||` `&&`; S_OPERAND), accepted (valid, onlyParens,
   * last-token fields); for a word, operatorWord (logicOp; S_OPERAND) and accepted (G_NONNUM); for `{`,
   * onOperand's T_OTHER case and accepted; then onOperand (T_NUM: F_PROBE when byArmed, selItem,
   * atom(true, lit 1); T_STR: selItem, G_JSONLIT, valuesStr, atom(true, lit 2); operandWord's ''
   * case: selItem(false), atom(false)), toOperator (S_OPERATOR: the lookahead is no T_DOT; aliasOk),
   * accepted (G_NONNUM for a word or literal). Below, cmpOp, logicOp and atom run per link as there;
   * firstOp runs at the first symbol only (F_FIRST_OP needs valid - appCloses 0, which sawNonParen
   * rules out here; later symbols only repeat F_OPSEEN); F_PROBE and selItem act at the first operand
   * only (both disarm); valid grows by the chain's tokens at the end (logicOp reads it only for
   * F_LEADLOGIC, at 0: never here); what each token overwrites (cast flags, last-token fields, state,
   * aliasOk) is set once from the last link. accepted's other tests are constant over a chain
   * (stmtPending 0, no comment, valid > 0, sawNonParen). A number or literal whose selItem could mark
   * (a select list armed at this depth: it reads the lookahead for a number) ends the chain before
   * it, for the token path. Only blanks, operators, words, numbers, `{` and literals are read, so the
   * lexer's state (versioned comments, nestedSeen, dashSeen, hashSeen) is what the token path
   * leaves; a literal read here and not counted is the token path's next lookahead anyway (its
   * operator is valid here). At most CHAIN_LINKS links a call (see the loop's end). Linear: each
   * character is read once here; a link that does not count is read at most once more, by the
   * lexer. Returns false, with nothing consumed, when not even one link counts.
   */
  private opChain(): boolean {
    const s = this.s;
    const n = s.length;
    const nx = this.nxt;
    {
      // The loop head's first test, before anything else: most failed chains fail here (`$<$<`,
      // `(_$=%`: ~15% of the detector for the set-up below and a seek per operator).
      const c = nx.end < n ? s.charCodeAt(nx.end) : 0;
      if (!(c < 128 && (CHAIN_NEXT[c] as number) >= (nx.kind === T_WORD ? 2 : 1))) return false;
    }
    const lx = this.lx;
    const lt = this.cur; // scratch for literals (castRun does the same: nothing reads it after)
    const f = this.fr(this.depth);
    let p = nx.start;
    /** The operator at p: its length and class (CHAIN_OP's, or C_LOGIC / C_LOGICW). */
    let opLen = nx.end - p;
    let opCls: number;
    if (nx.kind === T_WORD) {
      // OR, AND, XOR as the lexer read them, not joined across a comment (`o/**/r`).
      if (nx.joined || opLen !== nx.word.length) return false;
      opCls = C_LOGICW;
    } else opCls = opLen === 2 ? C_LOGIC : (CHAIN_OP[s.charCodeAt(p)] as number);
    let opGap = nx.gap;
    let k = 0;
    /** The kinds of the last two operands (the walk's last token before the chain first): 4 bits each. */
    let kinds = this.lastKind;
    /** The last symbolic operator's gap and the operand kind before it (the cast flags), if any. */
    let castSet = false;
    let castGap = false;
    let castPrev = 0;
    /** F_OPSEEN marked by this chain; tokens read (added to valid at the end). */
    let opSeen = false;
    let tok = 0;
    let os = 0;
    let oe = 0;
    const selLive = this.selArmed && this.depth === this.selDepth;
    /** The scratch token holds the literal right after the lookahead operator (see the end). */
    let ahead = false;
    // The frame's fields are updated in place, by cmpOp, atom and logicOp (mirroring them in locals
    // cost as much). Reads past the end are 0 (NUL: no blank, operand or operator to any test below)
    // without calling charCodeAt out of bounds (see the lexer's readWord), and keep every character a
    // small integer (NaN there made V8 deoptimize the chain at values that end in one).
    for (;;) {
      // The operator at p ends where the lexer ends it only when what follows starts no longer one
      // (after a symbol) or continues no word (after a word operator: a blank, quote or `{`).
      const c1 = p + opLen < n ? s.charCodeAt(p + opLen) : 0;
      if (!(c1 < 128 && (CHAIN_NEXT[c1] as number) >= (opCls === C_LOGICW ? 2 : 1))) break;
      // `between x and y`: that AND is no logical operator (the token path reads it).
      if (opCls === C_LOGICW && this.betweenArmed && opLen === 3 && (s.charCodeAt(p) | 0x20) === 97) break;
      let q = p + opLen;
      let c = c1;
      while (c >= 1 && c <= 32) c = ++q < n ? s.charCodeAt(q) : 0;
      let brace = false;
      if (c === 123) {
        // `{` then blanks then a number or literal (a word would be skipped unread: the token path).
        brace = true;
        c = ++q < n ? s.charCodeAt(q) : 0;
        while (c >= 1 && c <= 32) c = ++q < n ? s.charCodeAt(q) : 0;
      }
      let e: number;
      let ok: number;
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
        if (brace) break;
        e = q + 1;
        for (; e < n; e++) {
          const d = s.charCodeAt(e);
          if (!((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95)) break;
        }
        // `U&'…'` / `U&"…"`: the lexer reads one PostgreSQL Unicode-escape literal (readWord), where the
        // chain would read the word `u`, the operator `&` and a literal. The token path reads it.
        if (e === q + 1 && (c | 0x20) === 117 && e + 1 < n && s.charCodeAt(e) === 38) {
          const quote = s.charCodeAt(e + 1);
          if (quote === 39 || quote === 34) break;
        }
        ok = T_WORD;
      } else if (c >= 48 && c <= 57) {
        e = q + 1;
        while (e < n && (s.charCodeAt(e) - 48) >>> 0 <= 9) e++;
        const a = e < n ? s.charCodeAt(e) | 0x20 : 0;
        if ((a >= 97 && a <= 122) || a === 127) {
          // `1a`: readNumber makes a word of digits glued to letters (`_` folds to 127), unless they
          // are a hex or binary prefix (`0x`, `0b`), an exponent (`1e5`: any `e` first, to be safe),
          // or a keyword the lexer splits off (`1union`: every such tail is in the vocabulary, see
          // SPLIT_AFTER_DIGITS' test). Then the whole word goes through the vocabulary as any word.
          if (brace || a === 101 || (e === q + 1 && c === 48 && (a === 120 || a === 98))) break;
          const t0 = e;
          for (e++; e < n; e++) {
            const d = s.charCodeAt(e);
            if (!((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95)) break;
          }
          if (e - t0 <= 12 && this.vocab.lookup(s, t0, e, true) !== '') break;
          ok = T_WORD;
        } else {
          if (k === 0 && selLive) break;
          ok = T_NUM;
        }
      } else if (c === 39 || c === 34) {
        if (k === 0 && selLive) break;
        // From the operator's end: the blanks before the literal make its `gap`, as in `next`.
        lx.readLiteral(lt, brace ? q : p + opLen);
        // The first operand, right after the lookahead operator: what `next` returns after it.
        if (k === 0 && !brace) ahead = true;
        e = lt.end;
        ok = T_STR;
      } else break;
      // What follows: the end, or (past blanks) the next operator, which must not open a comment (the
      // operand's lookahead would be the token after it): a one-character symbol, `||`, `&&`, or the
      // word OR, AND, XOR in any case (whether it ends there is checked at the loop's head: an
      // operator that does not, `<=`, `orx`, stops the chain there).
      let r = e;
      let d = r < n ? s.charCodeAt(r) : 0;
      while (d >= 1 && d <= 32) d = ++r < n ? s.charCodeAt(r) : 0;
      let nextCls = 0;
      let nextLen = 1;
      if (r < n) {
        const d1 = r + 1 < n ? s.charCodeAt(r + 1) : 0;
        if (d < 128 && CHAIN_OP[d] !== 0) {
          if ((d === 45 && d1 === 45) || (d === 47 && d1 === 42) || (d === 42 && d1 === 47) || (d === 35 && !lx.standard)) break;
          if ((d === 124 || d === 38) && d1 === d) {
            nextCls = C_LOGIC;
            nextLen = 2;
          } else nextCls = CHAIN_OP[d] as number;
        } else {
          const w0 = d | 0x20;
          const w1 = d1 | 0x20;
          const w2 = r + 2 < n ? s.charCodeAt(r + 2) | 0x20 : 0;
          if (w0 === 111 && w1 === 114) nextLen = 2; // or
          else if (w0 === 97 && w1 === 110 && w2 === 100) nextLen = 3; // and
          else if (w0 === 120 && w1 === 111 && w2 === 114) nextLen = 3; // xor
          else break;
          nextCls = C_LOGICW;
        }
      }
      // (Longer words are '' without a look-up: see the lexer's finishWord.)
      // (One letter: the lookup's own first test, here without the call: `a` in `<a <a`.)
      if (ok === T_WORD && e - q <= 32 && (e - q > 1 || this.vocab.short) && this.vocab.lookup(s, q, e, true) !== '') break;
      // The link counts: the operator's effects (binaryOp or operatorWord, then accepted), the `{`'s,
      // then the operand's (onOperand, accepted). valid grows by the chain's tokens at the end: what
      // reads it here is firstOp, only at the first link (F_FIRST_OP needs valid - appCloses 0,
      // which only the first token after the chain's start can see; later symbols only repeat
      // F_OPSEEN), and logicOp's F_LEADLOGIC test (valid 0: never, valid > 0 on entry).
      if (opCls === C_LOGICW) {
        // operatorWord: logicOp (AND 1, OR and XOR 2); accepted: a word (G_NONNUM).
        this.logicOp(opLen === 2 || (s.charCodeAt(p) | 0x20) === 120 ? 2 : 1);
        this.feats2 |= G_NONNUM;
      } else {
        castSet = true;
        castGap = opGap;
        castPrev = kinds & 15;
        if (!opSeen) {
          opSeen = true;
          if (k === 0) this.firstOp();
          else this.mark(F_OPSEEN);
        }
        if (opCls === 1) this.cmpOp(true);
        else if (opCls === C_LOGIC) this.logicOp(s.charCodeAt(p) === 124 ? 2 : 1);
      }
      tok += brace ? 3 : 2;
      if (k === 0) {
        // F_PROBE (onOperand's T_NUM case) and selItem act at the first operand only (both disarm).
        if (ok === T_NUM && this.byArmed) this.mark(F_PROBE);
        this.byArmed = false;
        if (selLive) this.selArmed = false; // selItem(false) of a word (see selLive above)
      }
      // atom(...) of the operand, and what accepted adds for its kind.
      if (ok === T_WORD) {
        this.atom(false, q, e);
        this.feats2 |= G_NONNUM;
        this.lastOpenStrQuote = 0;
      } else if (ok === T_NUM) {
        this.atom(true, q, e, 1);
        this.lastOpenStrQuote = 0;
      } else {
        if (lt.closed) {
          const b = s.charCodeAt(q + 1);
          if (b === 123 || b === 91) this.feats2 |= G_JSONLIT;
          f.valuesStr = 1;
        }
        this.atom(true, q + 1, lt.closed ? e - 1 : e, 2);
        this.feats2 |= G_NONNUM;
        this.lastOpenStrQuote = lt.closed ? 0 : lt.quote;
      }
      k++;
      kinds = ((kinds << 4) | ok) & 0xff;
      os = q;
      oe = e;
      // At most CHAIN_LINKS links a call: `run` calls again at the next operator (the chain's effects
      // compose: each is the token path's), so a long value makes many calls that V8 optimizes as a
      // whole, instead of one loop it compiles on stack before the code after the loop has run
      // (which then deoptimized at every value: 1 MB of `<a ` ~2x dearer).
      if (r >= n || k === CHAIN_LINKS) break;
      opGap = r > e;
      p = r;
      opCls = nextCls;
      opLen = nextLen;
    }
    if (k === 0) {
      // Nothing consumed. A literal read right after the lookahead operator (blanks aside) is the
      // token the lexer gives next: kept, with the cursor after it, for `advance` (lexedAhead) to
      // take instead of lexing it again (a failed chain read each such literal twice: ~20% on
      // `'?$<`, `_^'?$`). Else the lexer goes on after the operator, as before.
      if (ahead) this.lexedAhead = true;
      else lx.seek(nx.end);
      return false;
    }
    if (castSet) {
      // The last symbolic operator's cast flags (onOperator's T_OP case), from the operand before it.
      this.castGlued = !castGap;
      this.castValue = castPrev === T_STR || castPrev === T_NUM || castPrev === T_RPAREN;
      this.castWord = castPrev === T_WORD;
    }
    this.valid += tok;
    this.onlyParens = false;
    this.lastKind = kinds & 15;
    this.lastWord = '';
    this.lastStart = os;
    this.lastEnd = oe;
    // A literal after PostgreSQL's `~` (`x' or name ~ '.*`: every row) is a regular expression, as
    // on the token path (which the chain replaces for a lone `~`): its wildcards are plain text
    // there (see plainTail). patternBefore reads back at most 18 characters, once per chain.
    this.lastStrPattern = this.lastKind === T_STR && this.patternBefore(os);
    this.state = S_OPERATOR;
    this.aliasOk = f.sel === 1;
    lx.seek(oe);
    this.more = lx.next(this.nxt);
    return true;
  }

  /**
   * Consumes the lookahead string literal and every one glued after it, while no comment precedes
   * the next (S_OPERATOR, last accepted token a literal, valid > 0, no statement pending: the
   * caller's test). Token by token each of them is: step -> onOperator's T_STR case, which returns
   * true at once after a literal (no state, frame or feature changes), then accepted, which with
   * stmtPending 0, no comment, valid > 0 and sawNonParen set (a literal was accepted) does only what
   * is done here: G_NONNUM, valid++, onlyParens, lastKind/lastWord (already T_STR/''), and the
   * literal's open quote and span, of the last literal only (each overwrites the previous one's).
   * Linear: each token is lexed once, as by `advance` in run. On 1 MB of `'"'"…` the two quoted walks
   * spent most of their time in that per-token dispatch and `next` (~14 µs/KB each, now ~4).
   */
  private stringRun(): void {
    // The lookahead literal becomes the current token (as `advance` does), then the lexer reads the
    // literals glued after it with only ASCII blanks between (SqlLexer.stringRun) into it, and the
    // lookahead is lexed afresh. A literal the lexer's run leaves (after a comment, NUL or a
    // non-ASCII space) comes back as the lookahead: run then calls here again or, after a comment,
    // takes the token path.
    const t = this.nxt;
    this.nxt = this.cur;
    this.cur = t;
    // `more` holds: the lookahead was a literal, not T_EOF.
    const k = 1 + this.lx.stringRun(t);
    this.more = this.lx.next(this.nxt);
    this.valid += k;
    this.lastOpenStrQuote = t.closed ? 0 : t.quote;
    this.lastStart = t.start;
    this.lastEnd = t.end;
    this.feats2 |= G_NONNUM;
    this.onlyParens = false;
  }

  /**
   * Consumes the lookahead `::` and the literal after it, and every further `::` + literal pair (blanks
   * only between them), when at least one literal follows (else returns false, nothing consumed). The
   * caller's test holds (S_OPERATOR, lookahead `::` with no comment before it, valid > 0, a
   * non-parenthesis seen, no statement pending, the last token no parenthesised alias). Token by token
   * each pair is: onOperator's T_OP case (castGlued, castValue, castWord; the alias test passes: a
   * literal of this run is never parenAlias, which names a token read before it) -> binaryOp('::')
   * (S_TYPE, typeWords 0), accepted (valid++, onlyParens, lastKind T_OP...); then onType's T_STR case
   * -> toOperator (S_OPERATOR before the next `::`; aliasOk from the frame, unchanged), accepted
   * (G_NONNUM, valid++, the literal's quote and span). Only the last pair's values survive, set here.
   * 1 MB of `'::'`: the detector ~26 -> ~10 µs/KB (the walk's per-token dispatch was most of it).
   */
  private castRun(): boolean {
    const t = this.cur;
    const k = this.lx.castRun(t);
    if (k === 0) return false;
    // The last `::`: the lookahead's when it was the only one, else the lexer's; what came before it
    // was the literal before (or, for the first, the walk's last token).
    this.castGlued = !(k === 1 ? this.nxt.gap : this.lx.castGap);
    this.castValue = k > 1 || this.lastKind === T_STR || this.lastKind === T_NUM || this.lastKind === T_RPAREN;
    this.castWord = k === 1 && this.lastKind === T_WORD;
    this.typeWords = 0;
    this.valid += 2 * k;
    this.onlyParens = false;
    this.feats2 |= G_NONNUM;
    this.lastKind = T_STR;
    this.lastWord = '';
    this.lastOpenStrQuote = t.closed ? 0 : t.quote;
    this.lastStart = t.start;
    this.lastEnd = t.end;
    this.more = this.lx.next(this.nxt);
    this.toOperator();
    return true;
  }

  // --- the walk ----------------------------------------------------------------------------------

  run(): Walk {
    let complete = false;
    let endComment = false;
    let dead = false;
    for (;;) {
      // The runs below all start in S_OPERATOR with no statement pending and at least one token read,
      // and are told apart by the lookahead's kind: one test of the state for every other token.
      if (this.state === S_OPERATOR && this.valid > 0 && this.stmtPending === 0 && !this.nxt.comment) {
        const nk = this.nxt.kind;
        if (nk === T_OP) {
          if (this.sawNonParen && this.lastStart !== this.parenAlias) {
            const op = this.nxt.op;
            const deep = this.depth >= MAX_DEPTH;
            if (op.length === 1) {
              // (The chains keep to frames that exist: the token path reads past MAX_DEPTH.)
              if (!deep) {
                // `a < b < c = d …`: a chain of comparisons between plain identifiers, read in one
                // char scan instead of two tokens per link (see wordChain). 1 MB of `<a <a`: the
                // detector ~36 -> ~9 µs/KB. Other operator chains (`1=1=`, `'-'-'`, `&{'&{'`): opChain.
                const cls = CHAIN_OP[op.charCodeAt(0)] as number;
                if (cls === 1 && op !== '~' && this.wordChain()) continue;
                if (cls !== 0 && this.opChain()) continue;
              }
            } else if (op === '::') {
              // `''::''::''…`: casts of literals to literals, each accepted without a feature. Read as
              // a run (see castRun).
              if (this.castRun()) continue;
            } else if (!deep && (op === '||' || op === '&&') && this.opChain()) continue;
          }
        } else if (nk === T_STR) {
          // `'a' 'b' 'c'…`: adjacent literals, each accepted by onOperator without a state change (they
          // concatenate). Read as a run, without the per-token dispatch (see stringRun).
          if (this.lastKind === T_STR) {
            this.stringRun();
            continue;
          }
        } else if (nk === T_WORD && this.sawNonParen && this.depth < MAX_DEPTH && this.lastStart !== this.parenAlias) {
          // `x' or '' or '' or…`, `a or b or c…`: logical words between operands (see opChain).
          const w = this.nxt.word;
          if ((w === 'or' || w === 'and' || w === 'xor') && this.opChain()) continue;
        }
      }
      this.advance();
      const t = this.cur;
      if (t.kind === T_EOF) {
        if (this.state !== S_SKIP) {
          // A final comment, or nothing after SELECT (`union select`, a scanner's probe; prose names
          // something after it), confirms it.
          if (!dead && (t.comment || this.lastWord === 'select')) this.confirmUnion();
          if (this.stmtPending !== 0 && !dead && (!this.stmtProse || t.comment)) this.mark(this.stmtPending);
          this.commitBare();
          this.stmtPending = 0;
          this.unionPending = false;
          this.endState = this.state;
          this.endDepth = this.depth;
          this.unwind();
          complete = !dead;
          endComment = t.comment;
          // Whatever follows the last token of a complete walk is a comment; `--sp_password` needs no
          // space after the dashes in SQL Server, so it is checked whether or not it counts as strict.
          if (complete && isSpPassword(this.s, this.lastCommentStart())) this.feats2 |= G_SPPASSWORD;
        }
        break;
      }
      if (this.state === S_SKIP) {
        if (!Walker.isSync(t)) {
          // Nothing from the lookahead on can start over (see syncMark): the walk would only lex the
          // rest and skip it, to the same result. 1 MB of `</a>x` or `<a x="` was lexed whole here.
          if (this.nxt.start > this.syncMark()) break;
          continue;
        }
        this.resync();
      }
      const stBefore = this.state;
      if (this.step(t)) {
        this.accepted(t);
        continue;
      }
      if (this.labelDeath(t, stBefore)) {
        this.labelDied = true;
        this.bareStack = 0;
      } else this.commitBare();
      // Invalid here: judge what is pending, then (bare context only) look for SQL further on. Each
      // token is stepped at most twice (here and after one resynchronisation), so this stays linear.
      this.unwind(false);
      this.unionPending = false;
      if (this.stmtPending !== 0) {
        // A bare statement read so far was SQL: an invalid token after it is judged like the end. A
        // stacked SELECT of bare words that breaks off (`railroad; select routes from Omaha to
        // Denver`) was a sentence.
        if (!this.stmtProse && this.stmtPending !== F_STACK) this.mark(this.stmtPending);
        this.stmtPending = 0;
      }
      dead = true;
      // Quoted walks may start over too (when the caller's pre-scan found a word that can mark a
      // feature after resynchronising): `1' or 1.e(1) or '1'='1`, `'-select/*!1 union select ...`.
      if (!this.resyncOk) break;
      if (Walker.isSync(t) && !(this.resynced && this.lastKind === T_EOF)) {
        this.resync();
        if (this.step(t)) {
          this.accepted(t);
          continue;
        }
        this.unwind(false);
      }
      this.state = S_SKIP;
    }
    const feats = this.feats | (this.resyncFeats & (this.resyncOkQuoted ? F_RESYNC_QUOTED : F_RESYNC_OK));
    const endOk =
      complete &&
      (this.quote === Q_NONE ||
        endComment ||
        // A `;` ends the statement before the application's quote: SQLite's exec (better-sqlite3
        // `db.exec`, sqlite3 `exec`) and MySQL multi-statement connections run it before the stray
        // quote fails to parse (`x'=0;` in `DELETE … WHERE name = '…'` deletes every row).
        (this.lastKind === T_SEMI && this.quote !== Q_NONE) ||
        (this.lastKind === T_STR && this.lastOpenStrQuote === this.quote && !this.quotesOnly(this.lastStart + 1, this.s.length)));
    return {
      feats,
      // A bare walk that started over keeps nothing of its first part (it was prose); a quoted one keeps
      // what its breakout did before dying. `--sp_password` is judged on the final comment alone.
      feats2: (this.resynced ? (this.resyncOkQuoted ? this.feats2Pre : 0) : this.feats2) | (this.feats2 & (G_SPPASSWORD | G_SEMISTMT)),
      complete,
      endOk,
      endComment: complete && endComment,
      strictDash: complete && endComment && this.s.charCodeAt(this.lastCommentStart()) !== 35,
      shortComment: complete && endComment && shortRest(this.s, this.lastCommentStart()),
      trunc: complete && endComment && this.onlyParens && this.quote !== Q_NONE,
      valid: this.valid,
      dangling: this.endState === S_OPERAND,
      unclosed: this.endDepth > 0,
      tailPlain: endOk && (endComment || this.quote === Q_NONE || plainTail(this.s, this.lastStart + 1, this.lastStrPattern)),
      semiEnd: complete && this.onlyParens && this.quote !== Q_NONE && this.lastKind === T_SEMI,
      closes: this.appCloses,
      constExpr: this.fr(0).allConst === 1,
      broken: complete && endComment && (this.endDepth > 0 || WAITING[this.endState] === 1),
      openEnd: complete && this.lastKind === T_STR && this.lastOpenStrQuote !== 0,
    };
  }

  /** Bookkeeping after a token was accepted in a valid position. */
  private accepted(t: SqlToken): void {
    if (this.stmtPending !== 0) {
      if (t.kind === T_WORD || t.kind === T_IDENT) {
        // Words outside the SQL vocabulary carry no `word`; sliced only while a statement is pending.
        if (t.kind === T_WORD && !this.stmtProse && t.end - t.start <= 6 && PROSE_ONLY.has(this.s.slice(t.start, t.end).toLowerCase())) this.stmtProse = true;
      }
      // SQL punctuation or a comment confirms it even after such a word (`delete from t my where 1=1`).
      if ((t.kind !== T_WORD && t.kind !== T_IDENT) || t.comment) {
        this.mark(this.stmtPending);
        this.stmtPending = 0;
      }
    }

    // Comments inside the statement (`uni/**/on sel/**/ect`, `union/**/select`): no prose has them.
    if (t.comment) this.confirmUnion();
    if (t.comment && this.valid > 0) {
      this.feats2 |= G_COMMENT;
      if (t.glued && (t.kind === T_WORD || this.lastKind === T_WORD)) this.feats2 |= G_GLUE;
    }
    if (this.valid === 0 && this.quote === Q_NONE && t.kind === T_RPAREN && !this.resynced) this.feats2 |= G_LEADCLOSE;
    if (this.valid === 0 && this.quote === Q_NONE && t.kind === T_STR) this.feats2 |= G_LEADSTR;
    if (t.kind === T_WORD || t.kind === T_STR || t.kind === T_VAR || t.kind === T_IDENT || t.kind === T_COMMA) this.feats2 |= G_NONNUM;
    if (!this.sawNonParen && t.kind !== T_RPAREN) {
      // The first token after the breakout quote (or after leading `)`): `x')) or ...`, `) like (`.
      this.sawNonParen = true;
      if (this.quote !== Q_NONE) this.firstAfterBreakout(t);
      else if (this.feats2 & G_LEADCLOSE && t.kind === T_WORD && wordClass(t.word) & (W_CLAUSE | W_CMP | W_LOGIC)) this.feats2 |= G_LEADCLAUSE;
    }
    this.valid++;
    if (t.kind !== T_RPAREN && t.kind !== T_SEMI) this.onlyParens = false;
    this.lastKind = t.kind;
    this.lastWord = t.kind === T_WORD ? t.word : '';
    this.lastOpenStrQuote = t.kind === T_STR && !t.closed ? t.quote : 0;
    // A prefixed literal (`x'…`, `N'…`, `_utf8'…`) opens at its quote, not its prefix: an open
    // `x'` the application's quote closes is SQLite's empty blob (`x' is not x'`: `(name = 'x') IS
    // NOT x''`, every row). O(1): the tokenizer's prefixes are at most 10 characters.
    this.lastStart = t.kind === T_STR ? strQuoteAt(this.s, t.start) : t.start;
    this.lastEnd = t.end;
  }

  /** Consumes one token in the current state. Returns false when the token cannot be SQL here. */
  private step(t: SqlToken): boolean {
    switch (this.state) {
      case S_START:
        return this.onStart(t);
      case S_OPERAND:
        return this.onOperand(t);
      case S_OPERATOR:
        return this.onOperator(t);
      case S_STMT:
        return this.onStmt(t);
      case S_UNION:
        return this.onUnion(t);
      case S_LOOSE:
        return this.onLoose(t);
      case S_IS:
        return this.onIs(t);
      case S_TYPE:
        return this.onType(t);
      case S_QUAL:
        return this.onQual(t);
      case S_INTO:
        return this.onInto(t);
      case S_BY:
        if (t.kind === T_WORD && t.word === 'by') {
          this.byArmed = true;
          this.state = S_OPERAND;
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  private onStart(t: SqlToken): boolean {
    if (t.kind === T_WORD) {
      const word = t.word;
      const cls = wordClass(word);
      if (word === 'values' && this.peekKind() === T_LPAREN && this.valid === 0 && !this.resynced) {
        // `VALUES ('10.0.0.1', 'x')`: the tail of an INSERT, judged when the row closes.
        this.valuesArmed = true;
        this.state = S_OPERAND;
        return true;
      }
      if (word === 'select' || (cls & W_STMT && this.peekKind() !== T_LPAREN)) return this.onStmt(t);
      if (cls & (W_LOGIC | W_CMP | W_ARITH) || (cls & W_CLAUSE && cls & W_RESERVED)) return this.onOperator(t);
      if (word === 'not' && this.peekKind() === T_WORD && wordClass(this.peekWord()) & W_CMP) return this.onOperator(t);
      return this.onOperand(t);
    }
    if (t.kind === T_SEMI || t.kind === T_RPAREN || t.kind === T_COMMA) return this.onOperator(t);
    if (t.kind === T_OP) {
      if (isUnary(t.op)) {
        this.state = S_OPERAND;
        return true;
      }
      if (t.op !== '*') return this.onOperator(t);
    }
    if (t.kind === T_LPAREN && this.peekWord() === 'select') this.mark(F_OPENSEL);
    return this.onOperand(t);
  }

  private onOperand(t: SqlToken): boolean {
    switch (t.kind) {
      case T_NUM:
        if (this.valid === 0 || (this.valid === 1 && this.lastKind === T_OP)) this.feats2 |= G_LEADNUM;
        if (this.byArmed) this.mark(F_PROBE);
        this.byArmed = false;
        this.selItem(!(this.stackSel && !this.afterStack && this.twoPlainWordsNext()));
        this.atom(true, t.start, t.end, 1);
        this.toOperator();
        return true;
      case T_STR:
        // `Where's the 'like' button?` read as typed: WHERE, the literal `'s the '`, LIKE, an open
        // literal. An apostrophe between a letter and an English contraction's ending is prose (see
        // contraction); the bare walk dies there and may start over further on.
        // Only when the value, lexed from that apostrophe on, leaves a literal open (see openToEnd): a
        // closed reading is valid SQL in a numeric context (`1 or's a' like 's a'` is OR 's a' LIKE 's a').
        if (this.quote === Q_NONE && t.quote === 1 && contraction(this.s, t.start) && openToEnd(this.s, t.start)) return false;
        this.byArmed = false;
        // A quote glued to the word before it with a blank after it closes a quoted phrase in prose
        // ("'Select all' or 'None'?"): read as SQL, an inline SELECT of the
        // literal ` or `, which returns a constant and changes nothing. Payloads glue the literal's
        // content to its quote (`select'a'`); a call, FROM or comment in the SELECT still counts.
        // So does such a quote after a pending UNION SELECT in a quoted walk (`"union select" do?`:
        // the application's literal ` do?` is the select list), closed there or by the application;
        // not a number (`What does 'union select' 1`: the row `' 1'` reads as id 1 where an application
        // takes the column for a key).
        this.selItem(
          !(
            ((this.stackSel && !this.afterStack && t.closed) || (this.unionPending && this.quote !== Q_NONE && !numberLed(this.s, t.start + 1))) &&
            isWordChar(this.s.charCodeAt(t.start - 1)) &&
            isSpace(this.s.charCodeAt(t.start + 1))
          ),
        );
        if (t.closed && (this.s.charCodeAt(t.start + 1) === 123 || this.s.charCodeAt(t.start + 1) === 91)) this.feats2 |= G_JSONLIT;
        // `LIKE '%'` and SQLite's `GLOB '*'` match every row (GLOB's wildcard is `*`: `x' glob '*` is
        // `(name = 'x') GLOB '*'`, true for every row in SQLite).
        this.lastStrPattern = this.patternBefore(t.start);
        if ((this.lastWord === 'like' && isAllChar(this.s, t.start + 1, t.closed ? t.end - 1 : t.end, 37)) || (this.lastWord === 'glob' && isAllChar(this.s, t.start + 1, t.closed ? t.end - 1 : t.end, 42))) this.fr(this.d()).segLikeAll = 1;
        if (t.closed) this.fr(this.d()).valuesStr = 1;
        this.atom(true, t.quote === 3 ? -1 : t.start + 1, t.closed ? t.end - 1 : t.end, 2);
        this.toOperator();
        return true;
      case T_VAR:
        this.byArmed = false;
        this.selItem(true);
        if (this.s.charCodeAt(t.start + 1) === 64) {
          // @@version: a server variable is as SQL-only as a builtin call.
          this.mark(F_SYSVAR);
          this.fnAtom(FN_SQL);
        } else this.atom(false, t.start, t.end);
        this.toOperator();
        return true;
      case T_IDENT:
        this.byArmed = false;
        this.selItem(false);
        if (isCatalogIdent(this.s, t.start + 1, t.end - 1)) this.mark(F_CATALOG);
        this.atom(false, t.start + 1, t.end - 1);
        this.toOperator();
        return true;
      case T_LPAREN:
        this.byArmed = false;
        this.selItem(true);
        if (this.peekWord() === 'select') {
          this.push(K_SUBQ);
        } else {
          this.push(K_GROUP);
          if (this.valuesArmed && this.depth === 1) this.fr(1).values = 1;
        }
        this.valuesArmed = false;
        this.state = S_OPERAND;
        return true;
      case T_RPAREN:
        // `f()` with no arguments.
        if (this.depth > 0 && this.depth < MAX_DEPTH && this.fr(this.depth).kind === K_FUNC && this.fr(this.depth).fnArgs === 0) {
          this.pop();
          this.toOperator();
          return true;
        }
        return false;
      case T_OP:
        if (isUnary(t.op)) return true;
        if (
          t.op === '*' &&
          (this.lastKind === T_LPAREN || this.lastKind === T_COMMA || this.selArmed || this.lastWord === 'select' || this.lastWord === 'distinct' || this.lastWord === 'distinctrow' || this.lastWord === 'all')
        ) {
          this.selItem(true);
          this.atom(false, -1, -1);
          this.toOperator();
          return true;
        }
        return false;
      case T_OTHER:
        if (t.op === '{') {
          // ODBC escape / MySQL `{identifier expr}`: skip the marker word.
          if (this.peekKind() === T_WORD) this.advance();
          return true;
        }
        return false;
      case T_WORD:
        return this.operandWord(t);
      default:
        return false;
    }
  }

  private operandWord(t: SqlToken): boolean {
    const word = t.word;
    this.byArmed = false;
    if (word === '') {
      // A word outside the vocabulary (an identifier, prose, `a` in `<a <a`): no class, no CATALOGS
      // entry, none of the cases below; what the general path ends with, without its Map and Set
      // look-ups (about a fifth of the walk on runs of such operands).
      if (this.peekKind() === T_LPAREN) return this.call(word, '');
      this.selItem(false);
      this.atom(false, t.start, t.end);
      this.toOperator();
      return true;
    }
    const cls = wordClass(word);
    if (this.peekKind() === T_LPAREN && !NOT_FUNCS.has(word)) return this.call(word, '');
    if (word === 'array' && this.peekKind() === T_OTHER && this.nxt.op === '[') {
      // PostgreSQL ARRAY['a','b']: a bracketed list.
      this.advance();
      this.push(K_GROUP);
      if (this.depth < MAX_DEPTH) this.fr(this.depth).bracket = 1;
      this.state = S_OPERAND;
      return true;
    }
    if (cls & W_CONST) {
      this.selItem(true);
      this.atom(word !== 'unknown', t.start, t.end, 4);
      this.toOperator();
      return true;
    }
    switch (word) {
      case 'select':
        return this.select();
      case 'union':
        // `(union select ...)`, `convert(int,(union all select ...))` (broken but only an injection writes it)
        if (this.lastKind === T_LPAREN && (this.peekWord() === 'select' || this.peekWord() === 'all' || this.peekKind() === T_LPAREN)) {
          this.unionArmed = true;
          this.unionWeak = false;
          this.state = S_UNION;
          return true;
        }
        return false;
      case 'case': {
        if (this.selDepth >= 0) this.feats2 |= G_SELCASE;
        this.selItem(true);
        let f = this.fr(this.d());
        if ((f.sideN > 0 || f.segCmp !== 0) && this.depth + 1 < MAX_DEPTH) {
          // `x = CASE WHEN 1=1 THEN ...`, `1 + CASE ...`, `name, price = CASE ...`: a CASE inside a segment
          // opens a frame of its own (closed by its END, which no `)` or `,` may precede), so its WHEN
          // conditions are segments of their own, judged alone like those of a CASE that starts a
          // segment. One frame per CASE, bounded like parentheses (at MAX_DEPTH it stays in the frame).
          this.push(K_CASE);
          f = this.fr(this.depth);
        } else f.caseOpen++;
        if (this.peekWord() === 'when') {
          this.advance();
          f.caseMode = 1;
          if (f.sideN === 0 && f.segCmp === 0) f.caseWhen = 1;
        } else f.caseMode = 2;
        return true;
      }
      case 'binary':
        this.mark(F_SQLFN);
        return true;
      case 'not':
      case 'distinct':
      case 'distinctrow':
      case 'all':
      case 'any':
      case 'some':
      case 'exists':
      case 'interval':
      case 'prior':
      case 'connect_by_root':
        return true;
      case 'top':
        return this.selArmed;
      case 'match':
        // MySQL full-text predicate without parentheses: `MATCH col[, col] AGAINST ('x' IN BOOLEAN MODE)`.
        if (this.peekKind() === T_WORD || this.peekKind() === T_IDENT) return this.matchAgainst();
        break;
      default:
        break;
    }
    if (cls & W_RESERVED) return false;
    if (cls & W_VALUE) {
      this.selItem(true);
      this.mark(F_SQLFN);
      this.fnAtom(FN_SQL);
      this.toOperator();
      return true;
    }
    if (CATALOGS.has(word)) this.mark(F_CATALOG);
    this.selItem(false);
    this.atom(false, t.start, t.end);
    this.toOperator();
    return true;
  }

  /**
   * After `MATCH`: up to 8 comma-separated columns, then `AGAINST (`, read as a call of an SQL builtin.
   * Tokens consumed here are not re-read; a shape that does not fit ends the walk.
   */
  private matchAgainst(): boolean {
    for (let i = 0; i < 8; i++) {
      const k = this.peekKind();
      if (!(k === T_IDENT || (k === T_WORD && !(wordClass(this.peekWord()) & W_RESERVED)))) return false;
      this.advance();
      if (this.peekKind() === T_COMMA) {
        this.advance();
        continue;
      }
      if (this.peekWord() !== 'against') return false;
      this.advance();
      if (this.peekKind() !== T_LPAREN) return false;
      this.mark(F_SQLFN);
      return this.call('against', '');
    }
    return false;
  }

  /** `name(` — the current token is the name, the next one the parenthesis. */
  private call(word: string, qualifier: string): boolean {
    // Words outside the vocabulary come as '' (no builtin, no qualifier): `$($($(` calls `$` at every
    // `(`, and each Map look-up skipped here was a tenth of the walk on such runs.
    let cls = word === '' ? 0 : (FUNCS.get(word) ?? 0);
    // `console.log(x)`, `chalk.hex(c)`: a method call, not a builtin (only packages like dbms_pipe count).
    if (qualifier === '' && this.s.charCodeAt(this.cur.start - 1) === 46) qualifier = '.';
    if (qualifier !== '') cls = 0;
    // `version (2.0)`, `user (admin)`: in bare text an English word before a spaced parenthesis is
    // prose. MySQL itself only reads builtins glued to their parenthesis.
    if (cls === FN_SQL && this.quote === Q_NONE && this.nxt.gap && isPlainWord(word)) cls = 0;
    // `sleep (8 hours)`, `benchmark (2023) results`: in bare text a delay function counts only when
    // glued to its parenthesis and when its arguments parse (judged when the call closes).
    let deferred = 0;
    if (cls & FN_DANGER && this.quote === Q_NONE && qualifier === '' && isPlainWord(word) && !oddCase(this.s, this.cur.start, this.cur.end)) {
      if (this.nxt.gap) cls = FN_SQL;
      else {
        deferred = cls & FN_DANGER;
        cls = FN_SQL;
      }
    }
    const q = qualifier === '' || qualifier === '.' ? undefined : DANGER_QUALIFIERS.get(qualifier);
    if (q !== undefined) cls |= q;
    if (word !== '' && (word.startsWith('xp_') || word.startsWith('sp_oa'))) cls |= FN_EXEC;
    this.advance(); // the `(`
    if ((word === 'exec' || word === 'execute') && qualifier === '' && (this.peekKind() === T_VAR || this.peekKind() === T_STR)) cls |= FN_EXEC;
    if (cls & FN_TIME) this.mark(F_TIME);
    if (cls & FN_ERROR) this.mark(F_ERROR);
    if (cls & FN_FILE) this.mark(F_FILE);
    if (cls & FN_EXEC) this.mark(F_EXEC);
    if (cls !== 0) this.mark(F_SQLFN);
    if (this.valid === 0 && this.quote === Q_NONE && !this.resynced && OPENER_FUNCS.has(word) && !(this.nxt.gap && isPlainWord(word))) {
      this.feats2 |= G_FIRSTFN;
    }
    this.selItem(cls !== 0);
    this.push(K_FUNC);
    if (this.depth < MAX_DEPTH) {
      const f = this.fr(this.depth);
      f.fnCls = cls;
      f.fnName = word;
      f.deferred = deferred;
    }
    this.state = S_OPERAND;
    return true;
  }

  /** `select` in an operand position: a subquery after `(`, or after UNION. */
  private select(): boolean {
    const d = this.d();
    if (this.unionArmed) {
      this.markUnion();
      this.unionArmed = false;
    }
    if (this.depth > 0 && (this.fr(d).kind === K_SUBQ || this.fr(d).kind === K_GROUP)) {
      this.fr(d).kind = K_SUBQ;
      this.mark(F_SUBQ);
      if (this.fr(d - 1).segLogic) this.mark(F_LOGIC_FN);
      this.beginSelect(false);
      return true;
    }
    // `1 AND SELECT ...`: not valid, but only an injection writes it (`and select the top item` is prose).
    const n = this.nxt;
    const sqlishNext =
      n.kind === T_NUM || n.kind === T_VAR || n.kind === T_STR || n.kind === T_LPAREN || (n.kind === T_OP && n.op === '*') ||
      (n.kind === T_WORD && (n.word === 'top' || n.word === 'distinct' || n.word === 'distinctrow' || n.word === 'null' || FUNCS.has(n.word)));
    if (this.fr(d).segLogic && sqlishNext) {
      this.mark(F_LOGIC_FN);
      this.beginSelect(false);
      return true;
    }
    return false;
  }

  private beginSelect(stacked: boolean): void {
    this.selStart = this.cur.start;
    const d = this.d();
    this.fr(d).sel = 1;
    this.selDepth = d;
    this.selArmed = true;
    this.stackSel = stacked;
    this.state = S_OPERAND;
  }

  /** Tracks the items of a SELECT list. */
  private selItem(sqlish: boolean): void {
    if (!this.selArmed || this.depth !== this.selDepth) return;
    if (sqlish) this.mark(this.stackSel ? F_STACK | F_SELSHAPE : F_SELSHAPE);
    this.selArmed = false;
  }

  private toOperator(): void {
    this.state = this.peekKind() === T_DOT ? S_QUAL : S_OPERATOR;
    this.aliasOk = this.fr(this.d()).sel === 1;
  }

  private onOperator(t: SqlToken): boolean {
    const d = this.d();
    switch (t.kind) {
      case T_OP:
        this.castGlued = !t.gap;
        // A cast of a literal or of a parenthesised expression, not of a C++-style `ns::Type` name.
        this.castValue = this.lastKind === T_STR || this.lastKind === T_NUM || this.lastKind === T_RPAREN;
        this.castWord = this.lastKind === T_WORD;
        // `(w)C<oKdq`: an alias ends its item; no operator may follow it.
        if (this.lastStart === this.parenAlias) return false;
        return this.binaryOp(t.op);
      case T_LPAREN:
        // `1')))(select ...`, `9999' (select ...) '`: only an injection puts a subquery right there.
        if (this.quote !== Q_NONE && this.depth === 0 && this.peekWord() === 'select') {
          this.closeSeg();
          this.push(K_SUBQ);
          this.state = S_OPERAND;
          return true;
        }
        return false;
      case T_RPAREN:
        if (this.inCaseFrame()) return false; // `(x = case when 1 then 2)`: END missing
        if (!this.pop()) {
          // The application's own parenthesis: `1') or ('1'='1`.
          this.appCloses++;
          this.state = S_OPERATOR;
          return true;
        }
        this.toOperator();
        this.aliasOk = true;
        return true;
      case T_COMMA:
        if (this.inCaseFrame()) return false;
        this.closeSeg();
        if (this.depth > 0 && this.depth < MAX_DEPTH) this.fr(this.depth).fnArgs = 1;
        if (this.selDepth === this.depth) {
          this.selArmed = true;
          this.confirmUnion();
        }
        this.state = S_OPERAND;
        return true;
      case T_SEMI:
        this.confirmUnion();
        this.unwind();
        this.state = S_STMT;
        this.afterStack = true;
        return true;
      case T_DOT:
        if (this.lastKind === T_WORD || this.lastKind === T_IDENT || this.lastKind === T_RPAREN) {
          this.state = S_QUAL;
          return true;
        }
        return false;
      case T_STR:
        // Adjacent literals concatenate (MySQL, PostgreSQL): `'a' 'b'`.
        if (this.lastKind === T_STR) return true;
        if (this.aliasOk) {
          this.aliasOk = false;
          return true;
        }
        return false;
      case T_IDENT:
        if (this.aliasOk) {
          this.aliasOk = false;
          return true;
        }
        return false;
      case T_OTHER:
        // Only an `ARRAY[` list: `(pOEWAjH&_e3ttT]=JR#` (a password) closes `(` with `]`.
        if (t.op === ']' && this.depth > 0 && !this.inCaseFrame() && (this.depth >= MAX_DEPTH || this.fr(this.depth).bracket === 1)) {
          this.pop();
          this.toOperator();
          return true;
        }
        return t.op === '}';
      case T_WORD:
        return this.operatorWord(t, d);
      default:
        return false;
    }
  }

  /** The innermost open frame is a CASE's (see K_CASE). */
  private inCaseFrame(): boolean {
    return this.depth > 0 && this.depth < MAX_DEPTH && this.fr(this.depth).kind === K_CASE;
  }

  private firstOp(): void {
    this.mark(F_OPSEEN);
    if (this.quote !== Q_NONE && this.depth === 0 && this.valid - this.appCloses === 0) this.mark(F_FIRST_OP);
  }

  private binaryOp(op: string): boolean {
    switch (op) {
      case '?':
      case '?|':
      case '?&':
        // PostgreSQL JSON operators; in bare text a `?` is just a question unless a literal precedes it.
        if (this.quote === Q_NONE && this.lastKind !== T_STR && this.lastWord !== 'json' && this.lastWord !== 'jsonb') return false;
        this.feats2 |= G_JSONOP;
        this.firstOp();
        this.cmpOp(true);
        this.state = S_OPERAND;
        return true;
      case '@@':
      case '@?':
      case '#>':
      case '#>>':
      case '#-':
        this.feats2 |= G_JSONOP;
        this.firstOp();
        this.cmpOp(true);
        this.state = S_OPERAND;
        return true;
      case '=':
      case '==':
      case '<':
      case '>':
      case '<=':
      case '>=':
      case '<>':
      case '!=':
      case '<=>':
      case '!<':
      case '!>':
      case '~':
      case '~*':
      case '!~':
      case '!~*':
      case '~~*':
      case '!~~*':
      // PostgreSQL's text pattern comparisons (`x' or name ~>=~ '`: every row).
      case '~<~':
      case '~<=~':
      case '~>=~':
      case '~>~':
      // PostgreSQL's starts-with (`x' or name ^@ '`: every row, each name starts with '').
      case '^@':
      case '@>':
      case '<@':
        if (op === '@>' || op === '<@') this.feats2 |= G_JSONOP;
        else if (op === '<>' || op === '!=' || op === '<=>' || op === '!<' || op === '!>') this.feats2 |= G_SQLCMP;
        this.firstOp();
        this.cmpOp(true);
        this.state = S_OPERAND;
        return true;
      case '||':
        this.firstOp();
        this.logicOp(2);
        this.state = S_OPERAND;
        return true;
      case '&&':
        this.firstOp();
        this.logicOp(1);
        this.state = S_OPERAND;
        return true;
      case '::':
        this.state = S_TYPE;
        this.typeWords = 0;
        return true;
      case ':=':
        this.state = S_OPERAND;
        return true;
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '^':
      case '&':
      case '|':
      case '<<':
      case '>>':
      case '->':
      case '->>':
      case '#': // PostgreSQL's XOR (the lexer's standard reading; MySQL's comment otherwise)
        this.firstOp();
        this.state = S_OPERAND;
        return true;
      default:
        return false;
    }
  }

  private operatorWord(t: SqlToken, d: number): boolean {
    const word = t.word;
    const cls = wordClass(word);
    if (cls & W_LOGIC) {
      if (word === 'and' && this.betweenArmed) {
        this.betweenArmed = false;
        this.state = S_OPERAND;
        return true;
      }
      this.logicOp(word === 'and' ? 1 : 2);
      this.state = S_OPERAND;
      return true;
    }
    if (cls & W_ARITH) {
      this.firstOp();
      this.state = S_OPERAND;
      return true;
    }
    switch (word) {
      case 'not':
        return this.peekKind() === T_WORD && ((wordClass(this.peekWord()) & W_CMP) !== 0 || this.peekWord() === 'null');
      case 'is':
        this.firstOp();
        this.cmpOp();
        this.state = S_IS;
        return true;
      case 'isnull':
      case 'notnull':
        this.cmpOp();
        this.atom(true, -1, -1);
        return true;
      case 'sounds':
        if (this.peekWord() !== 'like') return false;
        this.advance();
        this.feats2 |= G_WORDCMP | G_CODECMP;
        this.firstOp();
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'in':
        if (this.peekWord() === 'boolean' || this.peekWord() === 'natural') {
          // MATCH ... AGAINST ('x' IN BOOLEAN MODE)
          this.advance();
          if (this.peekWord() === 'mode' || this.peekWord() === 'language') this.advance();
          if (this.peekWord() === 'mode') this.advance();
          return true;
        }
        // SQL's IN takes a parenthesised list or subquery; `hand in hand`, `day in day out` are prose.
        if (this.peekKind() !== T_LPAREN) return false;
        this.firstOp();
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'between':
        // PostgreSQL's `BETWEEN SYMMETRIC a AND b` (either order: `x' or name between symmetric 'z'
        // and '` is every row) and `ASYMMETRIC`: the word is the operator's own.
        // (Read in the text: the lexer names only the words it knows; at most 10 characters.)
        if (this.peekKind() === T_WORD && this.nxt.end - this.nxt.start <= 10) {
          const nw = this.s.slice(this.nxt.start, this.nxt.end).toLowerCase();
          if (nw === 'symmetric' || nw === 'asymmetric') this.advance();
        }
        this.betweenArmed = true;
        this.firstOp();
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'like':
      case 'rlike':
      case 'regexp':
      case 'glob':
      case 'ilike':
      case 'match':
        if (word !== 'match') {
          this.feats2 |= G_WORDCMP;
          if ((word !== 'like' && word !== 'ilike') || this.lastWord === 'not') this.feats2 |= G_CODECMP;
        }
        this.firstOp();
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'similar':
        if (this.peekWord() === 'to') {
          this.advance();
          this.feats2 |= G_WORDCMP | G_CODECMP;
        }
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'escape':
        this.state = S_OPERAND;
        return true;
      case 'union':
      case 'intersect':
      case 'except':
      case 'minus':
        this.closeSeg();
        while (this.depth > 0 && this.fr(this.d()).kind === K_FUNC) this.pop();
        this.unionArmed = true;
        this.unionWeak =
          (this.quote === Q_NONE && (this.valid === 0 || this.resynced || (this.depth === 0 && (this.lastKind === T_WORD || this.lastKind === T_IDENT)))) ||
          // `What does "union select" do?`, `Is 'union all select' slower?`: the breakout quote opens
          // a phrase quoted in prose (a prose word and a blank before it, UNION glued to it); the
          // SELECT must then show SQL as after no breakout (see unionPending, proseQuoteOpen).
          (this.quote !== Q_NONE && this.valid === 0 && !this.resynced && t.start === this.walkStart && proseQuoteOpen(this.s, this.walkStart - 1));
        this.feats2 |= G_UNIONKW;
        this.state = S_UNION;
        return true;
      case 'order':
      case 'group':
        this.closeSeg();
        this.havingArmed = false;
        this.state = S_BY;
        return true;
      case 'having':
        this.closeSeg();
        this.havingArmed = true;
        this.fr(d).segLogic = 1;
        this.state = S_OPERAND;
        return true;
      case 'where':
        this.closeSeg();
        this.fr(d).segLogic = 1;
        this.state = S_OPERAND;
        return true;
      case 'on':
        if (!this.fr(d).sel) return false;
        this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'placing':
        // PostgreSQL OVERLAY(x PLACING y FROM n FOR m).
        if (!(this.depth > 0 && this.fr(d).kind === K_FUNC)) return false;
        this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'from':
        this.closeSeg();
        if (this.depth > 0 && this.fr(d).kind === K_FUNC) {
          this.state = S_OPERAND; // substring(x FROM 1), extract(year from d), trim(both 'x' from y)
          return true;
        }
        this.mark(F_FROM);
        if (this.selDepth === this.depth) {
          if (this.stackSel && this.peekKind() !== T_EOF) {
            // `x; select your seats from the list` is valid SQL and plain English: a stacked SELECT
            // of bare words waits for SQL punctuation, a comment or a clean end (see `stmtPending`).
            // Its result set rarely reaches the attacker; a call or a comment confirms it at once.
            if (this.stmtPending === 0) {
              this.stmtPending = F_STACK;
              this.stmtProse = this.proseIn(this.selStart, this.nxt.end);
            } else this.mark(F_STACK);
          }
          this.selDepth = -1;
          this.selArmed = false;
        }
        this.fr(d).sel = 1;
        this.state = S_OPERAND;
        return true;
      case 'limit':
      case 'offset':
      case 'top':
      case 'fetch':
        this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'into':
        this.closeSeg();
        this.state = S_INTO;
        return true;
      case 'procedure':
        if (this.peekWord() === 'analyse') {
          this.advance();
          if (this.peekKind() === T_LPAREN) {
            this.mark(F_ERROR);
            return this.call('analyse', '');
          }
        }
        return false;
      case 'as':
      case 'collate':
        this.state = S_TYPE;
        this.typeWords = 0;
        return true;
      case 'using':
        if (this.peekKind() === T_WORD) {
          this.advance();
          return true;
        }
        return this.peekKind() === T_LPAREN;
      case 'when':
      case 'then':
      case 'else':
      case 'separator':
      case 'against':
        if (word === 'when') {
          const f = this.fr(d);
          // The segment before a simple CASE's first WHEN is its subject (`CASE 1 WHEN 1 THEN`).
          if (f.caseMode === 2) f.caseMode = f.segCmp === 0 && f.sideN > 0 && f.sideConst === 1 ? 3 : 4;
          this.closeSeg();
          if (f.caseMode === 1 || f.caseMode === 3) f.caseWhen = 1;
        } else this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'end': {
        const f = this.fr(d);
        if (f.caseOpen === 0 && this.inCaseFrame()) {
          // The END of a CASE that has a frame: the CASE is one SQL-only operand of the parent segment.
          this.caseEnding = true;
          this.pop();
          this.caseEnding = false;
          this.toOperator();
          return true;
        }
        if (f.caseOpen > 0) f.caseOpen--;
        this.closeSeg();
        f.caseMode = 0;
        this.fnAtom(FN_SQL);
        return true;
      }
      case 'asc':
      case 'desc':
        return true;
      case 'for': {
        if (this.depth > 0 && this.fr(d).kind === K_FUNC) {
          this.state = S_OPERAND; // substring(x FROM 1 FOR 2)
          return true;
        }
        const n = this.peekWord();
        if (n === 'xml' || n === 'update' || n === 'json' || n === 'share' || n === 'browse') {
          this.state = S_LOOSE;
          return true;
        }
        return false;
      }
      case 'join':
      case 'inner':
      case 'outer':
      case 'cross':
      case 'natural':
      case 'left':
      case 'right':
      case 'full':
      case 'straight_join':
        if (!this.fr(d).sel) return false;
        this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'waitfor':
        // MSSQL, after a value: `1' waitfor delay '0:0:5'--`.
        if (this.peekWord() === 'delay' || this.peekWord() === 'time') {
          this.mark(F_TIME);
          this.state = S_LOOSE;
          return true;
        }
        return false;
      case 'over':
      case 'window':
        return this.peekKind() === T_LPAREN;
      default:
        break;
    }
    if (cls & W_STMT && this.depth === 0 && INLINE_STMT.has(word) && (this.quote === Q_NONE || this.litBlank || word !== 'select')) {
      // MSSQL runs consecutive statements without `;`: `1 update t set ...`, `'' select 'a' begin ...`.
      this.unwind();
      return this.onStmt(t, true);
    }
    if (cls & W_RESERVED || cls & W_STMT) return false;
    // A plain word after an operand: an alias, valid inside a SELECT only (once).
    if (this.aliasOk && !(cls & W_VALUE)) {
      this.aliasOk = false;
      if (this.lastKind === T_RPAREN) this.parenAlias = t.start;
      return true;
    }
    return false;
  }

  private onIs(t: SqlToken): boolean {
    // SQLite's IS compares any two values (`x IS 0`, `' is 0.0 = '`): after a breakout, a number after
    // IS is its right operand. Not in bare text (`SHELL IS 65 AND 35 POLY`: a product line), and words
    // still have to be NULL/TRUE/FALSE/NOT…: `is done` is prose. A literal too (`x' is not 'y`:
    // `(name = 'x') IS NOT 'y'`, true for every row in SQLite).
    if ((t.kind === T_NUM || t.kind === T_STR) && this.quote !== Q_NONE) {
      this.state = S_OPERAND;
      return this.onOperand(t);
    }
    if (t.kind !== T_WORD) return false;
    switch (t.word) {
      case 'not':
        return true;
      case 'null':
      case 'true':
      case 'false':
      case 'unknown':
        this.atom(true, t.start, t.end);
        this.toOperator();
        return true;
      case 'distinct':
        if (this.peekWord() === 'from') {
          this.advance();
          this.state = S_OPERAND;
          return true;
        }
        return false;
      case 'json':
        this.atom(false, -1, -1);
        this.toOperator();
        return true;
      default:
        return false;
    }
  }

  /** After `::`, `AS` or `COLLATE`: a type name, alias or collation (one or two words, or a literal). */
  private onType(t: SqlToken): boolean {
    if (t.kind === T_STR || t.kind === T_IDENT) {
      this.toOperator();
      return true;
    }
    if (t.kind !== T_WORD) return false;
    const cls = wordClass(t.word);
    if (cls & W_RESERVED && t.word !== 'char' && t.word !== 'binary') return false;
    if (
      this.lastKind === T_OP &&
      this.castGlued &&
      !t.gap &&
      PG_TYPES.has(t.word) &&
      (this.castValue || (this.castWord && INT_TYPES.has(t.word) && !(this.nxt.kind === T_OP && this.nxt.op === '::'))) &&
      isLowerWord(this.s, t.start, t.end)
    ) {
      // `'7'::int`, `(...)::jsonb`, and a column cast to a number (`password::int`: the error message
      // carries the column's text, PostgreSQL's error-based extraction); a C++ or Rust path goes on
      // (`boost::integer::x`) or names no integer type (`absl::numeric`).
      this.feats2 |= G_PGCAST;
      if (this.errorCast(t)) this.mark(F_ERROR);
    }
    this.typeWords++;
    if (this.peekKind() === T_LPAREN) {
      // varchar(8000), decimal(10,2)
      this.advance();
      this.push(K_FUNC);
      this.state = S_OPERAND;
      return true;
    }
    if (this.typeWords < 2 && TYPE_SECOND.has(this.peekWord())) return true;
    this.toOperator();
    return true;
  }

  /**
   * `(json_build_object(1,password)::jsonb)::int`, `(select …)::int`: a parenthesised expression that
   * called an SQL builtin, cast to an integer type with `)::` glued. PostgreSQL's error message then
   * carries the text that failed to convert: error-based extraction, as strong as a call to an error
   * function, so it also counts after a walk that started over (`...(…)::int` after junk), which
   * G_PGCAST alone does not. A bare `(a)::int` or `'7'::int` stays G_PGCAST. O(1).
   */
  private errorCast(t: SqlToken): boolean {
    return (
      INT_TYPES.has(t.word) &&
      this.s.charCodeAt(t.start - 3) === 41 &&
      this.s.charCodeAt(t.start - 2) === 58 &&
      ((this.resynced ? this.resyncFeats : this.feats) & (F_SQLFN | F_SUBQ)) !== 0
    );
  }

  /** After a dot: the member of a qualified name. */
  private onQual(t: SqlToken): boolean {
    if (t.kind === T_DOT) return true; // `master..xp_cmdshell`, and the dot itself
    if (t.kind === T_IDENT) {
      if (isCatalogIdent(this.s, t.start + 1, t.end - 1)) this.mark(F_CATALOG);
      this.toOperator();
      return true;
    }
    if (t.kind === T_OP && t.op === '*') {
      this.toOperator();
      return true;
    }
    if (t.kind !== T_WORD) return false;
    const qual = this.qualifierBefore(t.start);
    if (CATALOGS.has(qual) || CATALOGS.has(t.word)) this.mark(F_CATALOG);
    const dq = DANGER_QUALIFIERS.get(qual);
    if (this.peekKind() === T_LPAREN) {
      // A qualified call replaces the qualifier atom already counted.
      const d = this.d();
      if (this.fr(d).sideN > 0) this.fr(d).sideN--;
      return this.call(t.word, qual);
    }
    if (dq !== undefined && dq !== FN_TIME) this.mark(dq & FN_ERROR ? F_ERROR : F_EXEC);
    if (t.word.startsWith('xp_') || t.word.startsWith('sp_')) this.mark(F_EXEC);
    this.toOperator();
    return true;
  }

  /** The word before the dot(s) preceding `pos`, lower-cased (bounded look-back). */
  private qualifierBefore(pos: number): string {
    const s = this.s;
    let e = pos - 1;
    while (e >= 0 && pos - e < 8 && (s.charCodeAt(e) === 46 || isSpace(s.charCodeAt(e)))) e--;
    let b = e;
    while (b >= 0 && e - b < 32 && isWordChar(s.charCodeAt(b))) b--;
    return s.slice(b + 1, e + 1).toLowerCase();
  }

  private onInto(t: SqlToken): boolean {
    if (t.kind === T_WORD && (t.word === 'outfile' || t.word === 'dumpfile')) {
      this.mark(F_FILE);
      this.state = S_LOOSE;
      return true;
    }
    if (t.kind === T_VAR || t.kind === T_IDENT || (t.kind === T_WORD && !(wordClass(t.word) & W_RESERVED))) {
      this.toOperator();
      return true;
    }
    return false;
  }

  private onUnion(t: SqlToken): boolean {
    if (t.kind === T_WORD) {
      // DISTINCTROW: MySQL's synonym of DISTINCT (`UNION DISTINCTROW SELECT`).
      if (t.word === 'all' || t.word === 'distinct' || t.word === 'distinctrow') return true;
      if (t.word === 'select') {
        this.markUnion();
        this.unionArmed = false;
        this.beginSelect(false);
        return true;
      }
      if (t.word === 'values' || t.word === 'table') {
        this.mark(F_UNION);
        this.state = S_LOOSE;
        return true;
      }
      return false;
    }
    if (t.kind === T_LPAREN) {
      this.push(K_SUBQ);
      return true;
    }
    return t.kind === T_OP && (t.op === '+' || t.op === '-'); // `union+all+select`, `union-(select`
  }

  /** Raw look past the lookahead token: 1 when `;`, a comment or the end follows it. */
  private endsAfterNext(): boolean {
    const s = this.s;
    let p = this.nxt.end;
    const lim = Math.min(s.length, p + 64);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    if (p >= s.length) return true;
    const c = s.charCodeAt(p);
    const c1 = s.charCodeAt(p + 1);
    return c === 59 || c === 35 || c === 0 || (c === 45 && c1 === 45) || (c === 47 && c1 === 42);
  }

  /** Only blanks follow the lookahead token: the value ends with it. */
  private lastAfterNext(): boolean {
    const s = this.s;
    let p = this.nxt.end;
    while (p < s.length && isSpace(s.charCodeAt(p))) p++;
    return p >= s.length;
  }

  /** The first non-space character after the lookahead token (bounded). */
  private charAfterNext(): number {
    const s = this.s;
    let p = this.nxt.end;
    const lim = Math.min(s.length, p + 64);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    return s.charCodeAt(p);
  }

  /** `update <table> set`: peeks past the lookahead token without consuming. */
  private setAfterNext(): boolean {
    return this.wordAfterNext('set');
  }

  /**
   * Within two bare words after the lookahead comes the quote this walk broke out of, reopening on
   * text that starts with a blank or holds one, and the value ends inside it (the application closes
   * it).
   */
  private labelAfter(objectFirst: boolean): boolean {
    const s = this.s;
    let p = this.nxt.end;
    const lim = Math.min(s.length, p + 64);
    // Up to two more bare words (`Delete from list`, `Insert Into Document`).
    let words = 0;
    for (let w = 0; w < 3; w++) {
      while (p < lim && isSpace(s.charCodeAt(p))) p++;
      if (w === 2 || !isWordChar(s.charCodeAt(p))) break;
      while (p < lim && isWordChar(s.charCodeAt(p))) p++;
      words++;
    }
    const q = s.charCodeAt(p);
    if (quoteClass(q) !== this.quote) return false;
    const rest = p + 1;
    // The label is the keywords alone and ends the value, but for sentence punctuation (`I want a
    // 'Drop Table'`, `tag:"drop table"`, `Click 'Alter Table'.`): the object name would be the
    // application's literal, empty or punctuation, which no dialect takes as a name (SQL Server, the
    // only one with inline batches, takes no string literal there; an empty `""` identifier is an
    // error everywhere). A name before the quote (`x' drop table users'`) is read as before. At most
    // 8 characters after the quote are read.
    if (objectFirst && words === 0 && s.length - rest <= 8) {
      let k = rest;
      while (k < s.length && !isWordChar(s.charCodeAt(k)) && quoteClass(s.charCodeAt(k)) === Q_NONE) k++;
      if (k === s.length) return true;
    }
    if (rest >= s.length) return false;
    const close = s.indexOf(String.fromCharCode(q), rest);
    // Several quoted labels: `I want the 'Drop Table' and the 'Oak Chair'.`, `Click "Delete from list"
    // then "Save"`. SQL would read the text up to the next quote as a literal standing where DROP, ALTER,
    // TRUNCATE, CREATE, DELETE FROM, INSERT INTO, UPDATE need an object name (`objectFirst`). Inline
    // batches without `;` exist only in SQL Server, which takes no string literal as an object name, so
    // no statement is made. The literal must still be prose (hold a blank): a blank-free name after
    // `x' drop table` keeps counting. SELECT and EXEC take a literal there (`select ' a b '`, `exec p ' a '`) and keep the
    // old rule (the value must end inside). The scan stays the one bounded pass below (256 characters).
    if (close !== -1 && !objectFirst) return false;
    // Defence in depth (SQL Server rejects the whole batch anyway): no statement keyword or `;` may come
    // right after the closing quote (`' a b ' drop table users`). One bounded word read.
    if (close !== -1 && this.stmtAt(close + 1, q)) return false;
    const stop = close === -1 ? s.length : close;
    if (stop > rest && isSpace(s.charCodeAt(rest))) return true;
    for (let k = rest; k < stop && k < rest + 256; k++) if (isSpace(s.charCodeAt(k))) return true;
    return false;
  }

  /**
   * Past at most 64 blanks from `p`: a `;`, or an INLINE_STMT keyword that is not itself the next label
   * (`… then 'Create Table' in the dialog`, `title:"Drop Table" OR title:"Alter Ego Tee"`: the keyword
   * and at most two words end at the quote `q`, the value's last one). Bounded: 64 blanks, 8 + 2 x 32
   * word characters, and one indexOf for a label-shaped keyword.
   */
  private stmtAt(p: number, q: number): boolean {
    const s = this.s;
    let lim = Math.min(s.length, p + 64);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 59) return true;
    const a = p;
    while (p < lim && p - a <= 8 && isWordChar(s.charCodeAt(p))) p++;
    if (!(p > a && p - a <= 8 && INLINE_STMT.has(s.slice(a, p).toLowerCase()))) return false;
    for (let w = 0; w < 3; w++) {
      lim = Math.min(s.length, p + 32);
      while (p < lim && isSpace(s.charCodeAt(p))) p++;
      if (w === 2 || !isWordChar(s.charCodeAt(p))) break;
      while (p < lim && isWordChar(s.charCodeAt(p))) p++;
    }
    // The next label must end the value inside its literal (no quote `q` after it), as a lone label does.
    return s.charCodeAt(p) !== q || s.indexOf(String.fromCharCode(q), p + 1) !== -1;
  }

  /** A PROSE_ONLY word in `[a, b)` (at most 256 characters looked at). */
  private proseIn(a: number, b: number): boolean {
    const s = this.s;
    const end = Math.min(b, a + 256, s.length);
    let i = a;
    while (i < end) {
      while (i < end && !isWordChar(s.charCodeAt(i))) i++;
      const w0 = i;
      while (i < end && isWordChar(s.charCodeAt(i))) i++;
      if (i - w0 >= 1 && i - w0 <= 6 && PROSE_ONLY.has(s.slice(w0, i).toLowerCase())) return true;
    }
    return false;
  }

  /**
   * From `from`, past blanks: one to `names` names (word characters, `.`, `#`, `[…]`, backticks,
   * double quotes: a table, `AS`, an alias), each followed by blanks, then the word `w` (lower case)
   * and, when `quoted`, a literal after it (`'…'`, `N'…'`). At most 128 characters are read.
   */
  private nameThen(from: number, w: string, names: number, quoted: boolean): boolean {
    const s = this.s;
    const lim = Math.min(s.length, from + 128);
    let p = from;
    for (let k = 0; ; k++) {
      while (p < lim && isSpace(s.charCodeAt(p))) p++;
      if (k > 0 && this.wordAt(p, w)) break;
      if (k === names) return false;
      const a = p;
      while (p < lim) {
        const c = s.charCodeAt(p);
        if (!(isWordChar(c) || c === 46 || c === 35 || c === 91 || c === 93 || c === 96 || c === 34)) break;
        p++;
      }
      if (p === a || p >= lim || !isSpace(s.charCodeAt(p))) return false;
    }
    if (!quoted) return true;
    p += w.length;
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    const c = s.charCodeAt(p);
    return c === 39 || ((c | 0x20) === 110 && s.charCodeAt(p + 1) === 39);
  }

  /** The word `w` (lower case, ASCII) starts within `span` characters after `from` (a bounded scan). */
  private wordWithin(from: number, span: number, w: string): boolean {
    const s = this.s;
    const lim = Math.min(s.length, from + span) - w.length;
    const c0 = w.charCodeAt(0);
    for (let p = from; p <= lim; p++) {
      if ((s.charCodeAt(p) | 0x20) === c0 && !isWordChar(s.charCodeAt(p - 1)) && this.wordAt(p, w)) return true;
    }
    return false;
  }

  /** The word `w` (lower case, ASCII) is at `p`, whole. */
  private wordAt(p: number, w: string): boolean {
    const s = this.s;
    for (let k = 0; k < w.length; k++) if ((s.charCodeAt(p + k) | 0x20) !== w.charCodeAt(k)) return false;
    return !isWordChar(s.charCodeAt(p + w.length));
  }

  /** The word after the lookahead token is `w` (lower-case ASCII), bounded, no copy. */
  /**
   * `c/o Select Comfort, 9 Main St`: an address line read as an inline SELECT whose second item is a
   * number. A number then two plain words (`9 Main St`) is no select item: one word could be its alias,
   * the second is a syntax error, and SQL Server (the only dialect with inline batches) rejects the whole
   * batch. So such a number does not make the inline SELECT SQL-shaped. Plain means outside the SQL
   * vocabulary (`9 as x`, `9 from users`, `9 x from t` still count) and not called. Two bounded word
   * reads (32 characters each), only at a number item of an inline SELECT.
   */
  private twoPlainWordsNext(): boolean {
    if (this.nxt.kind !== T_WORD || wordClass(this.peekWord()) !== 0) return false;
    const s = this.s;
    let p = this.nxt.end;
    const lim = Math.min(s.length, p + 64);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    const a = p;
    while (p < lim && p - a <= 32 && isWordChar(s.charCodeAt(p))) p++;
    if (p === a || p - a > 32 || s.charCodeAt(p) === 40 || s.charCodeAt(p) === 46) return false;
    const w2 = s.slice(a, p).toLowerCase();
    return wordClass(w2) === 0 && !FUNCS.has(w2);
  }

  /**
   * A comment (`--`, `#`, `/*`) or NUL follows the lookahead token, past at most 64 blanks and one `;`
   * (`DROP sampletable;--`: the statement ended and the rest cut off).
   */
  private commentAfterNext(): boolean {
    const s = this.s;
    let p = this.nxt.end;
    let lim = Math.min(s.length, p + 64);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 59) {
      p++;
      lim = Math.min(s.length, p + 64);
      while (p < lim && isSpace(s.charCodeAt(p))) p++;
    }
    if (p >= s.length) return false;
    const c = s.charCodeAt(p);
    const c1 = s.charCodeAt(p + 1);
    return c === 35 || c === 0 || (c === 45 && c1 === 45) || (c === 47 && c1 === 42);
  }

  /**
   * A statement made of its keyword and at most a bare name (`DELETE t`, `TRUNCATE t`, `EXEC p`,
   * `DESC t`, `SHUTDOWN`, `BEGIN`) counts unless the walk started over to reach it: the segment before
   * its `;` was no SQL, and a batch with a syntax error runs nothing (SQL Server and PostgreSQL parse
   * the whole batch first; MySQL's multi-statements stop at the first error). That is the shape of a
   * list of labels (`Select all; Insert row; Delete row`, `Call Me Maybe; Drop the World; Shutdown`).
   * A comment next to it (`…; delete users--`) still counts: lists of labels do not truncate. Forms
   * with more SQL (`DELETE FROM`, `DROP TABLE t`, `EXEC xp_…`) do not ask this: they count after a
   * restart, so that syntax the walker does not know before the `;` hides nothing.
   */
  private bareForm(): boolean {
    return !(this.resynced && this.labelDied) || this.nxt.comment || this.commentAfterNext();
  }

  /**
   * The token `t`, which the walk could not take in state `st`, makes the statement it is in a syntax
   * error in every dialect, the way a list of labels does: a word outside the SQL vocabulary or UNION
   * opening a statement after `;` (`Select All; Deselect; …`, `…; Union Bank; …`); INSERT, REPLACE,
   * UPDATE, DROP, ALTER or CREATE opening one (after `;` or as the value's first word) with a single
   * name before the `;` or the end (`Insert row;`, `Create Account;`), or INSERT, REPLACE, UPDATE
   * with only words outside the vocabulary (`Insert row above;`, `Update deps;`: no VALUES, SELECT,
   * SET, DEFAULT VALUES…), or with `:` right after the keyword (`Update: v2.1;`); CALL with two plain
   * words, PRINT, GRANT, REVOKE with plain words; SELECT with no item before `;`; `Label: words`
   * opening the value (`Agenda: Intro; …`: `:` between two words is no operator). An unknown word
   * that is a T-SQL label (`x:`) or a statement word the lexer does not intern (STMT_LEADS) is no
   * such death. Whatever the walker cannot read (`1 option (maxdop 1); delete users`,
   * `1; set nocount on; …`) is no such death: valid SQL it does not know must not switch bareForm
   * off. Cost: only at a death (at most twice per walk token), one scan of at most 64 characters.
   */
  private labelDeath(t: SqlToken, st: number): boolean {
    const s = this.s;
    if (t.kind === T_OP) {
      return t.op === ':' && st === S_OPERATOR && this.valid === 1 && this.lastKind === T_WORD && !this.resynced && this.quote === Q_NONE && isSpace(s.charCodeAt(t.end));
    }
    // `Select; Delete row`, `Select all; …`: a SELECT with no item.
    if (t.kind === T_SEMI) return st === S_OPERAND && (this.lastWord === 'select' || ((this.lastWord === 'all' || this.lastWord === 'distinct') && this.selArmed));
    if (t.kind !== T_WORD || !(st === S_STMT || (st === S_START && this.valid === 0))) return false;
    const w = t.word;
    if (w === '' || CLAUSE_LEADS.has(w)) {
      if (st !== S_STMT || s.charCodeAt(t.end) === 40 || s.charCodeAt(t.end) === 46) return false;
      // `x:` is a T-SQL label (`1; delete users; x:` runs); statement words the lexer does not
      // intern (`; checkpoint`, `; flush tables`) start statements. One bounded look each.
      let p = t.end;
      const lim = Math.min(s.length, p + 64);
      while (p < lim && isSpace(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) === 58) return false;
      return w !== '' || !STMT_LEADS.has(wordHash(s, t.start, t.end));
    }
    const one = w === 'drop' || w === 'alter' || w === 'create';
    const call = w === 'call' || w === 'print' || w === 'grant' || w === 'revoke';
    if (!one && !call && w !== 'insert' && w !== 'replace' && w !== 'update') return false;
    // `Update: fixed login; …`: a heading. No name, only `:`, follows the keyword.
    if (!call && s.charCodeAt(t.end) === 58 && s.charCodeAt(t.end + 1) !== 58 && s.charCodeAt(t.end + 1) !== 61) return true;
    // The statement's words up to `;` or the end: letters, digits, `_` and blanks only.
    const lim = Math.min(s.length, t.end + 64);
    let p = t.end;
    let words = 0;
    let known = false;
    for (;;) {
      while (p < lim && isSpace(s.charCodeAt(p))) p++;
      if (p >= s.length || s.charCodeAt(p) === 59) break;
      const a = p;
      while (p < lim && isAsciiWordChar(s.charCodeAt(p))) p++;
      if (p === a || p >= lim) return false;
      const c = s.charCodeAt(p);
      if (!(isSpace(c) || c === 59) && p < s.length) return false;
      words++;
      if (!known && (kwFlags(s, a, p) !== 0 || ROW_SOURCES.has(wordHash(s, a, p)))) known = true;
    }
    // CALL takes one name, its arguments in parentheses (`Call Me Maybe;`); T-SQL's PRINT takes no
    // column name (`Print Invoice;`), and no other dialect has it; GRANT and REVOKE need TO / FROM /
    // ON (`grant squad;`).
    if (call) return !known && (w === 'call' ? words >= 2 : words >= 1);
    return words === 1 || (words > 1 && !known && !one);
  }

  private wordAfterNext(w: string): boolean {
    const s = this.s;
    let p = this.nxt.end;
    const lim = Math.min(s.length, p + 64);
    while (p < lim && isSpace(s.charCodeAt(p))) p++;
    for (let k = 0; k < w.length; k++) if ((s.charCodeAt(p + k) | 0x20) !== w.charCodeAt(k)) return false;
    return !isWordChar(s.charCodeAt(p + w.length));
  }

  /**
   * Statement start: the input start, after `;`, or inline after a value (`inline`). Decides whether the
   * statement is a real one (strong) and continues loosely inside it.
   */
  private onStmt(t: SqlToken, inline = false): boolean {
    if (t.kind === T_SEMI) return true;
    if (t.kind === T_LPAREN) {
      this.push(K_GROUP);
      this.state = S_OPERAND;
      return true;
    }
    if (t.kind !== T_WORD) return false;
    if (this.s.charCodeAt(t.start - 1) === 46) return false; // `re.exec(...)`: a member, not a statement
    const word = t.word;
    const n = this.nxt;
    const nk = n.kind;
    const nw = this.peekWord();
    // A quoted UI label after a breakout without `;`: `Click "Delete from list" to remove it`,
    // `'Drop Table' lol`. The keywords end where the application's quote reopens on prose, so the
    // object name would be the application's own literal (` lol`): no statement. A name glued to
    // the quote (`x"drop table"users`, an identifier to PostgreSQL and SQL Server) still counts.
    if (inline && !this.afterStack && this.quote !== Q_NONE && this.labelAfter(LABEL_OBJECT_FIRST.has(t.word))) return false;
    // A statement keyword right after a pronoun or article is a sentence, not an inline batch: "When I
    // select "All" and then…", "The DROP TABLE statement deletes…". A numeric-context batch follows
    // the application's value (`1 drop table t`, `x select …`), and no SQL has `the`/`i` before a
    // statement. One slice of at most 6 characters, only at an inline statement keyword.
    if (inline && !this.afterStack && this.quote === Q_NONE && (this.lastKind === T_WORD || this.lastKind === T_IDENT) && this.lastEnd - this.lastStart <= 6 && PROSE_ONLY.has(this.s.slice(this.lastStart, this.lastEnd).toLowerCase())) return false;
    const stacked = this.afterStack;
    const second = stacked || inline;
    if (stacked && this.lastKind === T_SEMI && this.valid - this.appCloses === 1 && SEMI_STMTS.has(word) && !this.resynced) {
      // `;drop`, `'; update users`: the value (or the breakout) starts by ending the statement and
      // naming a new one. Judged with the context (a plain literal before the quote).
      this.feats2 |= G_SEMISTMT;
    }
    let strong = false;
    /** DELETE t / EXEC p: T-SQL only (see bareStack). */
    let tsqlBare = false;
    if (nk === T_LPAREN && !(wordClass(word) & W_STMT)) {
      // `; sleep(5)`, `; benchmark(…)`, `; iif(…)`: an expression statement that does something. Harmless
      // builtins do not make one: UC Browser's X-UCBrowser-UA header reads `…;pi(1080*2400);…`.
      // (`; iif(1=2,1,1/0)` is sqlmap's stacked boolean test.)
      if (!stacked || (((FUNCS.get(word) ?? 0) & FN_DANGER) === 0 && word !== 'iif')) return false;
      this.mark(F_STACK);
      return this.call(word, '');
    }
    switch (word) {
      case 'select':
        this.beginSelect(second);
        return true;
      case 'insert':
      case 'replace':
        // Without INTO (MySQL's `INSERT t VALUES …`), the table must be followed by a row source:
        // "; replace it or refund me" and "; insert the card" are requests, not statements.
        strong =
          nw === 'into' ||
          (stacked && (nk === T_WORD || nk === T_IDENT) && (n.comment || this.wordAfterNext('values') || this.wordAfterNext('set') || this.wordAfterNext('select') || this.charAfterNext() === 40 || this.charAfterNext() === 47)) ||
          // T-SQL `INSERT t DEFAULT VALUES` (a row of defaults: a write all the same).
          (stacked && (nk === T_WORD || nk === T_IDENT) && this.wordAfterNext('default') && this.nameThen(this.nxt.end, 'values', 1, false));
        break;
      case 'update':
        strong = (nk === T_WORD || nk === T_IDENT) && this.setAfterNext();
        break;
      case 'delete':
        // `DELETE t` without FROM is T-SQL and Oracle: a real statement, but also a menu item or a
        // changelog entry after prose (`Insert row; Delete row`): see bareForm and tsqlBare.
        // A bracketed or backticked name counts as a plain one (`1;delete[users]`: SQL Server).
        strong = nw === 'from';
        if (!strong && stacked && (nk === T_WORD || nk === T_IDENT) && this.endsAfterNext() && this.bareForm()) strong = tsqlBare = true;
        break;
      case 'drop':
      case 'alter':
      case 'truncate':
        // An object keyword (`drop table`), or one name ending the statement (`; truncate users`,
        // `drop users--`): "; drop me a line", "; alter the hem" go on in English.
        // DROP and ALTER need an object keyword in every dialect, so a whole value of two words (`drop
        // shipping`, `drop box`: searches) is no statement; after a breakout or `;` (`" alter a`,
        // `'; drop users`) or with SQL after it (`drop users--`) a bare name still counts.
        // `Drop Table (oak)`, `Drop Table - walnut`, `Drop Table: oak`: a product name. In no dialect does
        // `(`, a lone `-`, `,` or `:` follow the object keyword (a name comes first: `drop table t`, `drop
        // index ix on t`), so no statement is made (nameCanFollow: one look past at most 64 blanks).
        // An object keyword is never the one name (`Drop Table; Oak Chair`, `drop table` alone).
        // No dialect has `DROP name` or `ALTER name` (the object keyword is mandatory), so a bare name
        // counts only with a comment next to it (`drop users--`, `drop/**/users`: a truncation no list
        // of names writes) or right after a breakout quote (`'; drop users`, `" ALTER A`: what is
        // left of an attack's intent); `Union Station; Drop Zone`, `rock; alter bridge`, `Drop staff;`
        // and `1; drop users` as typed are not statements. `TRUNCATE t` is MySQL and PostgreSQL: see
        // bareForm. (A walk that started over reads as typed: quote is Q_NONE then.)
        if (DDL_OBJECTS.has(nw)) strong = nameCanFollow(this.s, this.nxt.end);
        else if (nk !== T_WORD && nk !== T_IDENT) strong = false;
        else if (word !== 'truncate') strong = n.comment || this.commentAfterNext() || (this.quote !== Q_NONE && this.endsAfterNext());
        else strong = n.comment || (this.endsAfterNext() && (second || !this.lastAfterNext()) && this.bareForm());
        break;
      case 'create':
        strong = (DDL_OBJECTS.has(nw) && nameCanFollow(this.s, this.nxt.end)) || nw === 'or'; // `Create Table (pine)`: as DROP
        break;
      case 'exec':
      case 'execute':
        strong =
          nk === T_VAR ||
          nk === T_LPAREN ||
          nw.startsWith('xp_') ||
          nw.startsWith('sp_') ||
          nw === 'master' ||
          nw === 'immediate' ||
          // `exec[xp_cmdshell] 'dir /b'`, `exec"sp_who"`: SQL Server reads a bracketed (or, with
          // QUOTED_IDENTIFIER on, double-quoted) name as the procedure's.
          ((nk === T_IDENT || (nk === T_STR && n.quote === Q_DOUBLE && n.closed)) && isXpSp(this.s, n.start + 1, n.end - 1));
        // `; exec proc`, `; exec proc` with a literal, `; exec proc @p=1`: not "; exec summary attached".
        // A reserved word is no procedure name unbracketed (`Star Wars; Execute Order 66`).
        if (!strong && stacked && (nk === T_WORD || nk === T_IDENT) && !(wordClass(nw) & W_RESERVED) && (this.endsAfterNext() || EXEC_ARG_START.has(this.charAfterNext())) && this.bareForm()) strong = tsqlBare = true;
        if (nk === T_LPAREN) return this.call(word, '');
        break;
      case 'declare':
        strong = nk === T_VAR || (nk === T_OP && n.op === '@@');
        break;
      case 'set':
        strong = nk === T_VAR || (stacked && nk === T_WORD && this.charAfterNext() === 61);
        break;
      case 'shutdown':
        strong = ((nk === T_EOF || nk === T_SEMI) && this.bareForm()) || nw === 'with' || n.comment;
        break;
      case 'waitfor':
        if (nw === 'delay' || nw === 'time') this.mark(F_TIME);
        else return false;
        break;
      case 'if': {
        const cond =
          nk === T_LPAREN || nw === 'exists' || nk === T_VAR || nk === T_NUM || (nk === T_WORD && this.charAfterNext() === 40 && nw !== 'not') || (nw === 'not' && this.charAfterNext() === 40);
        if (!cond) {
          if (!second) return false;
          break;
        }
        // T-SQL `IF <condition> <statement>`: the condition is an expression.
        if (stacked) this.mark(F_STACK);
        this.state = S_OPERAND;
        return true;
      }
      case 'begin':
        // `BEGIN`, `BEGIN WORK`: not `BEGIN <any name>` (`Handler Zone; Begin Zone`).
        strong = stacked && (nw === 'tran' || nw === 'transaction' || nw === 'try' || nw === 'distributed' || ((nk === T_SEMI || nk === T_EOF || (this.wordAt(n.start, 'work') && this.endsAfterNext())) && this.bareForm()));
        break;
      case 'goto':
        strong = second && nk === T_WORD; // T-SQL only
        break;
      case 'print':
        strong = (stacked && (nk === T_VAR || nk === T_STR)) || (nk === T_VAR && this.s.charCodeAt(n.start + 1) === 64);
        break;
      case 'call':
        strong = stacked && nk === T_WORD && this.charAfterNext() === 40;
        break;
      case 'do':
        // MySQL `DO expr[, expr]` evaluates expressions and discards them: after `;` with a call it is the
        // stacked blind test (`'; do sleep(3)--`, `1; DO BENCHMARK(…)`; the loose read then marks the
        // delay). A known builtin glued to its parenthesis (or an SQL-only name: `pg_sleep (3)`) qualifies;
        // "; do sleep (8 hours)" does not. PostgreSQL `DO $$…$$` / `DO LANGUAGE plpgsql` runs a code block.
        strong =
          stacked &&
          (nk === T_LPAREN ||
            nk === T_NUM ||
            nk === T_VAR ||
            (nk === T_WORD && FUNCS.has(nw) && this.charAfterNext() === 40 && (this.s.charCodeAt(n.end) === 40 || !isPlainWord(nw))) ||
            (nk === T_STR && n.quote === 3) ||
            nw === 'language');
        break;
      case 'desc':
      case 'describe':
        strong = stacked && nk === T_WORD && this.endsAfterNext() && this.bareForm();
        break;
      case 'show':
        strong = stacked && (nw === 'tables' || nw === 'databases' || nw === 'grants' || nw === 'variables' || nw === 'columns') && (this.endsAfterNext() || this.wordAfterNext('from') || this.wordAfterNext('like') || this.wordAfterNext('where') || this.wordAfterNext('in'));
        break;
      case 'load':
        // `LOAD DATA [LOW_PRIORITY|LOCAL] INFILE`, `LOAD XML …`, PostgreSQL `LOAD` of a library path.
        strong = stacked && ((nw === 'data' && (this.wordAfterNext('infile') || this.wordAfterNext('local') || this.wordAfterNext('low_priority') || this.wordAfterNext('concurrent'))) || nw === 'xml' || nk === T_STR);
        break;
      case 'grant':
      case 'revoke':
        strong = stacked && (nw === 'all' || nw === 'select' || nw === 'insert' || nw === 'update' || nw === 'delete' || nw === 'execute' || nw === 'exec' || nw === 'usage' || nw === 'create' || nw === 'drop' || nw === 'alter' || nw === 'connect' || nw === 'dba');
        break;
      case 'rename':
        strong = stacked && (nw === 'table' || nw === 'user');
        break;
      case 'backup':
      case 'restore':
        strong = stacked && (nw === 'database' || nw === 'log');
        break;
      case 'kill':
        strong = stacked && (nk === T_NUM || nw === 'query' || nw === 'connection');
        break;
      case 'copy':
        // PostgreSQL `COPY (query) TO PROGRAM '…'` runs a shell command; `COPY t FROM '/file'` reads one.
        strong = stacked && (nk === T_LPAREN || ((nk === T_WORD || nk === T_IDENT) && (this.wordAfterNext('to') || this.wordAfterNext('from'))));
        break;
      case 'attach':
        strong = stacked && nw === 'database';
        break;
      case 'lock':
        // `Show Tables; Lock Table; Drop Table` (a menu): LOCK TABLE(S) names a table.
        strong = stacked && (nw === 'tables' || nw === 'table') && nameCanFollow(this.s, this.nxt.end);
        break;
      case 'bulk':
        // SQL Server `BULK INSERT t FROM 'C:\…'` (or a UNC path): reads a server file into a table.
        // "; bulk insert of products failed" names no table and no file.
        strong = stacked && nw === 'insert' && this.nameThen(this.nxt.end, 'from', 1, true);
        break;
      case 'handler':
        // MySQL `HANDLER t OPEN` then `HANDLER t READ FIRST`: reads a table without SELECT, the usual
        // way round a filter on SELECT once stacked queries run ("; handler flag open; handler …").
        strong = stacked && (nk === T_WORD || nk === T_IDENT) && (this.wordAfterNext('open') || this.wordAfterNext('read'));
        break;
      case 'merge':
        // `MERGE INTO t USING … WHEN MATCHED THEN DELETE / UPDATE` (SQL Server, Oracle, PostgreSQL 15).
        // INTO is optional in SQL Server. Every MERGE has a WHEN [NOT] MATCHED clause, which no
        // request does ("; merge into one please", "; merge the accounts using my email").
        strong = stacked && this.nameThen(nw === 'into' ? this.nxt.end : t.end, 'using', 3, false) && this.wordWithin(t.end, 256, 'matched');
        break;
      case 'dbcc':
      case 'reconfigure':
      case 'pragma':
      case 'prepare':
        strong = stacked && nk !== T_EOF;
        break;
      default:
        return false;
    }
    if (strong) {
      if (!second && this.valid === 0 && this.quote === Q_NONE && !this.resynced) {
        this.stmtPending = F_STMT;
        this.stmtProse = false;
      }
      else if (tsqlBare && !n.comment && !this.commentAfterNext()) this.bareStack = this.resynced ? 2 : 1;
      else this.mark(second ? F_STACK : F_STMT);
    } else if (word === 'waitfor' || word === 'begin') {
      // WAITFOR was judged above; a BEGIN block is read loosely (its calls still count).
    } else if (inline || stacked) return false; // `...; delete old entries`, `x update your profile`
    else if (word !== 'if' && word !== 'declare') return false;
    this.state = S_LOOSE;
    return true;
  }

  /** Inside a statement already judged: keep scanning for calls and further statements. */
  private onLoose(t: SqlToken): boolean {
    if (t.kind === T_SEMI) {
      this.state = S_STMT;
      this.afterStack = true;
      return true;
    }
    if (t.kind !== T_WORD) return true;
    const word = t.word;
    const nw = this.peekWord();
    if (this.peekKind() === T_LPAREN) {
      let cls = FUNCS.get(word) ?? 0;
      if (this.s.charCodeAt(t.start - 1) === 46) cls |= DANGER_QUALIFIERS.get(this.qualifierBefore(t.start)) ?? 0;
      if (cls & FN_TIME) this.mark(F_TIME);
      if (cls & FN_ERROR) this.mark(F_ERROR);
      if (cls & FN_FILE) this.mark(F_FILE);
      if (cls & FN_EXEC) this.mark(F_EXEC);
      if ((word === 'exec' || word === 'execute') && this.afterStack) this.mark(F_EXEC);
    }
    if (word.startsWith('xp_')) this.mark(F_EXEC);
    switch (word) {
      case 'union':
        if (nw === 'select' || nw === 'all' || nw === 'distinct' || nw === 'distinctrow') this.mark(F_UNION);
        break;
      case 'waitfor':
        if (nw === 'delay' || nw === 'time') this.mark(F_TIME);
        break;
      case 'outfile':
      case 'dumpfile':
        if (this.peekKind() === T_STR) this.mark(F_FILE);
        break;
      case 'insert':
        if (nw === 'into') this.mark(F_STACK);
        break;
      case 'declare':
        if (this.peekKind() === T_VAR) this.mark(F_STACK);
        break;
      case 'exec':
      case 'execute':
        if (this.peekKind() === T_VAR || nw.startsWith('xp_') || nw.startsWith('sp_') || nw === 'master') this.mark(F_STACK);
        break;
      case 'shutdown':
        if (this.peekKind() === T_EOF || this.nxt.comment) this.mark(F_STACK);
        break;
      default:
        break;
    }
    return true;
  }
}

/** Keywords that are not function names even when a parenthesis follows: `in (`, `select(`. */
const NOT_FUNCS = new Set([
  'select', 'from', 'where', 'and', 'or', 'xor', 'not', 'in', 'exists', 'union', 'as', 'between', 'is',
  'when', 'then', 'else', 'case', 'on', 'using', 'values', 'into', 'limit', 'by', 'having', 'all', 'any',
  'some', 'distinct', 'binary', 'interval', 'return', 'returns', 'over', 'order', 'group', 'intersect',
  'except', 'join', 'against', 'end', 'top', 'offset',
]);

/**
 * After a DDL object keyword (`drop table`), past at most 64 blanks, the next character may start an
 * object name or a comment: not `(`, `,`, `:`, `;`, the end, nor a `-` that does not open `--`.
 */
function nameCanFollow(s: string, p: number): boolean {
  const lim = Math.min(s.length, p + 64);
  while (p < lim && isSpace(s.charCodeAt(p))) p++;
  const c = s.charCodeAt(p);
  if (c === 45) return s.charCodeAt(p + 1) === 45;
  return c !== 40 && c !== 44 && c !== 58 && c !== 59 && p < s.length; // `Drop Table; Oak Chair`: no name at all
}

/** Statement keywords whose next element (past at most two words) must be an object name, never a literal. */
const LABEL_OBJECT_FIRST = new Set(['drop', 'alter', 'truncate', 'create', 'delete', 'insert', 'update']);

const DDL_OBJECTS = new Set([
  'table', 'database', 'schema', 'procedure', 'function', 'view', 'index', 'user', 'trigger', 'login',
  'column', 'temporary', 'role', 'event', 'sequence', 'tablespace', 'if',
]);

/**
 * Clause keywords that start no statement in any dialect (labelDeath: `…; Union Bank; …`, `…; Join
 * items; …`). Not END, ELSE, FETCH, DESC, FROM, VALUES, WITH: T-SQL blocks, cursors, DESC t, DuckDB's
 * FROM-first queries and VALUES lists start statements.
 */
const CLAUSE_LEADS = new Set(['union', 'intersect', 'except', 'minus', 'where', 'order', 'group', 'having', 'limit', 'offset', 'into', 'join', 'inner', 'outer', 'cross', 'natural', 'on', 'using', 'window', 'returning', 'over', 'separator', 'against', 'as', 'collate', 'escape', 'asc', 'straight_join']);

/** What may follow `EXEC proc`: a literal, a variable, a number, a parenthesis, a comment or `;`. */
const EXEC_ARG_START: ReadonlySet<number> = new Set([39, 34, 64, 40, 59, 45, 35, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57]);

/** Statement keywords that, right after a leading `;`, start a second statement (G_SEMISTMT). */
const SEMI_STMTS = new Set(['select', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'truncate', 'exec', 'execute', 'declare', 'shutdown', 'waitfor', 'grant', 'revoke']);

/** Integer types: a column cast to one of them is PostgreSQL's error-based extraction (`password::int`). */
const INT_TYPES = new Set(['int', 'int2', 'int4', 'int8', 'integer', 'bigint', 'smallint']);

/** A quoted identifier naming a system catalog (`` `information_schema` ``, `[sysobjects]`). */
function isCatalogIdent(s: string, a: number, b: number): boolean {
  if (b - a < 3 || b - a > 24) return false;
  // Every CATALOGS name starts with an ASCII letter: a quoted identifier that does not (`` `\'(` ``,
  // `[1]`, `` `(` ``) is answered without the slice and its lower-cased copy, which were ~7% of the
  // detector on 1 MB of `` `\'( `` (one such identifier per four characters). (No other first code
  // unit lower-cases to a name's first letter: U+212A KELVIN gives `k`, none starts with it; U+0130
  // gives `i` plus U+0307, which no name has second.)
  const c0 = s.charCodeAt(a) | 0x20;
  if (c0 < 97 || c0 > 122) return false;
  return CATALOGS.has(s.slice(a, b).toLowerCase());
}

/** The final comment, from `from`, is `-- sp_password` (any case, spaces allowed after the dashes). */
function isSpPassword(s: string, from: number): boolean {
  if (s.charCodeAt(from) !== 45 || s.charCodeAt(from + 1) !== 45) return false;
  let p = from + 2;
  while (p < s.length && p - from < 16 && isSpace(s.charCodeAt(p))) p++;
  const w = 'sp_password';
  if (s.length - p < w.length) return false;
  for (let i = 0; i < w.length; i++) {
    let c = s.charCodeAt(p + i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== w.charCodeAt(i)) return false;
  }
  return !isWordChar(s.charCodeAt(p + w.length));
}

/**
 * The value ends in a line or block comment with no text: `--`, `-- -`, `/*` (spaces around). A walk
 * that died needs this raw test: the tokens before it did not parse.
 */
function bareTailComment(s: string): boolean {
  let e = s.length;
  while (e > 0 && s.length - e < 16 && isSpace(s.charCodeAt(e - 1))) e--;
  if (e >= 2 && s.charCodeAt(e - 1) === 42 && s.charCodeAt(e - 2) === 47) return true;
  for (let i = e - 1; i >= 0 && e - i <= 8; i--) {
    const c = s.charCodeAt(i);
    if (c === 45) {
      if (s.charCodeAt(i + 1) === 45) return true;
    } else if (!isSpace(c)) return false;
  }
  return false;
}

/**
 * The value ends in MySQL's `#` comment with nothing after it (blanks aside), glued to the operand
 * before it (`' or id#`, `1 or 1#`): what `--` is to bareTailComment. A hashtag has its tag after
 * the `#`; `##`, `#` after a blank or a symbol (`5 #`) and after a one-letter word (`Java' or C#`,
 * `F#`: language names, unless `word1`: the numeric rule's operand is a number, `1 or 1#`) are left
 * out. Blanks before the `#` (`' or id #`) and a final `;` are read by orOperandTail. O(1).
 */
function bareTailHash(s: string, word1 = false): boolean {
  let e = s.length;
  while (e > 0 && s.length - e < 16 && isSpace(s.charCodeAt(e - 1))) e--;
  if (e < 2 || s.charCodeAt(e - 1) !== 35) return false;
  const c = s.charCodeAt(e - 2);
  if (c === 41) return true;
  return isAsciiWordChar(c) && (word1 || (e >= 3 && isAsciiWordChar(s.charCodeAt(e - 3))));
}

/**
 * After the breakout quote at `q`: OR (or `||`), one operand (no blank inside: `Parents' or guardian
 * phone #` is no SQL, MySQL fails at `phone`), then MySQL's `#` or, with `semi`, the statement's `;`,
 * with any blanks between and after (MySQL and SQLite read them as nothing: `' or id         #`).
 * The operand ends in `)` or two word characters, as in bareTailHash (`Java' or C #`). AND is left
 * out: `x' and id;` matches no row the application's own `name = 'x'` would not. Linear: the tail is
 * read once, from both ends (judge calls it a bounded number of times per value).
 */
function orOperandTail(s: string, q: number, semi: boolean): boolean {
  let e = s.length;
  while (e > q + 1 && isSpace(s.charCodeAt(e - 1))) e--;
  const t = s.charCodeAt(e - 1);
  if (t !== 35 && !(semi && t === 59)) return false;
  e--;
  while (e > q + 1 && isSpace(s.charCodeAt(e - 1))) e--;
  let p = firstNonSpaceAt(s, q + 1);
  if (s.charCodeAt(p) === 124 && s.charCodeAt(p + 1) === 124) p += 2;
  else if ((s.charCodeAt(p) | 0x20) === 111 && (s.charCodeAt(p + 1) | 0x20) === 114 && !isAsciiWordChar(s.charCodeAt(p + 2))) p += 2;
  else return false;
  p = firstNonSpaceAt(s, p);
  if (p >= e) return false;
  for (let i = p; i < e; i++) if (isSpace(s.charCodeAt(i))) return false;
  const c = s.charCodeAt(e - 1);
  // A quoted identifier (`x' or [id];`, `"id"`, `` `id` ``: SQLite reads each as the column) ends
  // with its closing bracket or quote.
  const o = s.charCodeAt(p);
  if (e - p >= 3 && ((o === 91 && c === 93) || ((o === 34 || o === 96) && c === o)) && isAsciiWordChar(s.charCodeAt(p + 1))) return true;
  return c === 41 || (e - p >= 2 && isAsciiWordChar(c) && isAsciiWordChar(s.charCodeAt(e - 2)));
}

/**
 * The breakout quote at `q` ends a plural possessive: a letter, `s`, the quote (`Kids'`, `Parents'`,
 * `Jones'`). Prose follows one with `or`/`and` and a noun (`Boys' or girls;`); an injection needs no
 * `s` there (`x' or id;`). O(1).
 */
function pluralPossessive(s: string, q: number): boolean {
  const c = s.charCodeAt(q - 2) | 0x20;
  return q >= 2 && (s.charCodeAt(q - 1) | 0x20) === 115 && c >= 97 && c <= 122;
}

/** Column-like names prose does not put after `or` (`Kids' or id;`). */
const ID_COLUMNS: ReadonlySet<string> = new Set(['id', 'rowid', 'oid', 'uid', 'pk', '_rowid_']);

/**
 * The operand orOperandTail read after the breakout quote at `q` is written as code, not as an
 * English noun: it holds a digit, `_`, `.`, `@`, `(`, `)` or a backquote, or is an id-like column
 * name (ID_COLUMNS, any case). Such an operand keeps a plural possessive before the quote from
 * excusing the value: `xs' or id;`, `Kids' or user_id;` match every row (a non-zero column), where
 * `Kids' or adults;` is prose. Called only after orOperandTail held; at most 32 characters read.
 */
function codeOperand(s: string, q: number): boolean {
  let p = firstNonSpaceAt(s, q + 1);
  p += 2; // `||` or OR (orOperandTail checked which)
  p = firstNonSpaceAt(s, p);
  // A leading `+`, `-`, `~` (unary operators: `Kids' or -id;`) is code too.
  const c0 = s.charCodeAt(p);
  if (c0 === 43 || c0 === 45 || c0 === 126) return true;
  // A quoted identifier (`[id]`, `"id"`, `` `id` ``: SQLite reads each as the column) is judged by
  // what it holds: `Kids' or [id];` is code, `Kids' or [redacted];` prose's bracketed note.
  const close = c0 === 91 ? 93 : c0 === 34 || c0 === 96 ? c0 : -1;
  if (close >= 0) p++;
  let e = p;
  while (e < s.length && e - p < 32) {
    const c = s.charCodeAt(e);
    if (c === 35 || c === 59 || c === close || PCLASS[c] === PC_SPACE) break;
    if ((c >= 48 && c <= 57) || c === 95 || c === 46 || c === 64 || c === 40 || c === 41 || c === 96) return true;
    e++;
  }
  return e > p && ID_COLUMNS.has(s.slice(p, e).toLowerCase());
}

/** The opening quote of the string literal token at `start`: `start`, or after its prefix (`x'`, `U&'`, `_utf8'`). */
function strQuoteAt(s: string, start: number): number {
  for (let i = start; i < s.length && i - start < 12; i++) {
    const c = s.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96 || c === 36) return i;
  }
  return start;
}

/** The end of a run of decimal digits from `p` (with one `.`), or `p` when there is none. */
function digitsEnd(s: string, p: number): number {
  let e = p;
  let dot = false;
  while (e < s.length && e - p < 24) {
    const c = s.charCodeAt(e);
    if (c === 46 && !dot) dot = true;
    else if (!isDigitCode(c)) break;
    e++;
  }
  return e;
}

/**
 * The whole value is `N OR M` (or `||`) in a numeric context with no comment, in a shape prose does
 * not write: the same number twice (`1 or 1`, `7 || 7`, `1 or 1.0`; `1 or 2` is a choice in a
 * sentence and stays quiet), a NOT (`1 or not 0`), a constant written as code (`1 or 0x31`,
 * `1 or 1e0`, `1 or .5`), or a LIMIT n, ORDER BY n or GROUP BY n clause after it (`1 or 2 limit 1`;
 * a name there only after the same number twice: `1 or 2 order by tomorrow` may be a sentence).
 * `id = 1 or 1` matches every row in every dialect. Nothing but blanks may surround the parts; a
 * final `#` or `;` is allowed. Reads at most 96 characters; called only for a value the walker found
 * to be a number followed by a logical operator. The right operand must be true (`1 or 0`, `1 or not
 * 5` add nothing).
 */
function numOrNum(s: string): boolean {
  if (s.length > 96) return false;
  // A final `#` (`1 or 1 #`: MySQL's comment, with nothing in it) or `;` (`1 or 1;`: the statement's
  // end) changes nothing.
  let n = s.length;
  while (n > 0 && isSpace(s.charCodeAt(n - 1))) n--;
  if (s.charCodeAt(n - 1) === 35 || s.charCodeAt(n - 1) === 59) n--;
  while (n > 0 && isSpace(s.charCodeAt(n - 1))) n--;
  let p = firstNonSpaceAt(s, 0);
  // A parenthesised operand (`(1) or (1)`, `1 or (2)`) is written as code, not in a sentence: any
  // true right operand counts then (but see `code` below). Closed as they were opened.
  const la = parensAt(s, p);
  p = firstNonSpaceAt(s, la.end);
  if (s.charCodeAt(p) === 45) p++;
  const a = p;
  p = digitsEnd(s, p);
  if (p === a) return false;
  const aEnd = p;
  p = closeParens(s, p, la.n);
  if (p < 0) return false;
  p = firstNonSpaceAt(s, p);
  // MySQL's versioned comment around the operator (`1 /*!or*/ 1`, `/*!50000||*/`): MySQL runs what
  // it holds; only code writes it.
  // (`(1) or (2)`: one pair of parentheses on each side is how prose numbers a choice, and adds
  // nothing to `1 or 2`, which stays quiet: only the same number twice counts there. Any other
  // parenthesising, `1 or (2)`, `((1)) or ((2))`, `(1) or 2`, is code; see below.)
  let code = false;
  let vc = false;
  if (s.charCodeAt(p) === 47 && s.charCodeAt(p + 1) === 42 && s.charCodeAt(p + 2) === 33) {
    p += 3;
    const d = p;
    while (p < n && p - d < 6 && isDigitCode(s.charCodeAt(p))) p++;
    p = firstNonSpaceAt(s, p);
    vc = code = true;
  }
  if (s.charCodeAt(p) === 124 && s.charCodeAt(p + 1) === 124) p += 2;
  else if ((s.charCodeAt(p) | 0x20) === 111 && (s.charCodeAt(p + 1) | 0x20) === 114 && (isSpace(s.charCodeAt(p + 2)) || (vc && s.charCodeAt(p + 2) === 42))) p += 2;
  else if ((s.charCodeAt(p) | 0x20) === 111 && (s.charCodeAt(p + 1) | 0x20) === 114 && p + 2 < n && OR_GLUED.includes(s.charAt(p + 2))) {
    // `1 or(1)`, `1 or+1`, `1 or-1`, `1 or~0`: SQL's tokenizer ends OR there; prose puts a blank.
    p += 2;
    code = true;
  } else return false;
  // `1 /*!or 1*/`: the comment may hold the right operand too (closed after it, below).
  let vcOpen = false;
  if (vc) {
    p = firstNonSpaceAt(s, p);
    if (s.charCodeAt(p) === 42 && s.charCodeAt(p + 1) === 47) p += 2;
    else vcOpen = true;
  }
  p = firstNonSpaceAt(s, p);
  // A sign or `~` before the parentheses (`1 or -(1)`, `1 or ~(0)`): code.
  let tilde = false;
  const sgn = s.charCodeAt(p);
  if ((sgn === 43 || sgn === 45 || sgn === 126) && s.charCodeAt(p + 1) === 40) {
    code = true;
    tilde = sgn === 126;
    p++;
  }
  const ra = parensAt(s, p);
  if ((la.n > 0 || ra.n > 0) && !(la.n === 1 && ra.n === 1)) code = true;
  p = firstNonSpaceAt(s, ra.end);
  // `1 or (+1)`, `1 or ~0`: a unary operator on the right operand (`+`/`-` kept in its text for the
  // comparison below, so `1 or -1` is two different numbers; `~N` is true for every N >= 0).
  const unary = s.charCodeAt(p);
  if (unary === 126) {
    code = tilde = true;
    p = firstNonSpaceAt(s, p + 1);
  }
  const bSign = p;
  if ((unary === 43 || unary === 45) && isDigitOrDot(s.charCodeAt(p + 1))) {
    if (ra.n > 0) code = true;
    p++;
  }
  let not = false;
  if ((s.charCodeAt(p) | 0x20) === 110 && (s.charCodeAt(p + 1) | 0x20) === 111 && (s.charCodeAt(p + 2) | 0x20) === 116 && isSpace(s.charCodeAt(p + 3))) {
    code = not = true;
    p = firstNonSpaceAt(s, p + 3);
  }
  const b = p;
  let nonZero = tilde;
  if (s.charCodeAt(p) === 48 && (s.charCodeAt(p + 1) | 0x20) === 120) {
    // 0x31: hexadecimal.
    p += 2;
    while (p < n && p - b < 24 && PCLASS[s.charCodeAt(p)] !== PC_SPACE) {
      const c = s.charCodeAt(p) | 0x20;
      if (!(isDigitCode(c) || (c >= 97 && c <= 102))) return false;
      if (c !== 48) nonZero = true;
      p++;
    }
    if (p === b + 2) return false;
    code = true;
  } else {
    if (s.charCodeAt(p) === 46) code = true;
    p = digitsEnd(s, p);
    if (p === b) return false;
    for (let i = b; i < p; i++) if (s.charCodeAt(i) >= 49 && s.charCodeAt(i) <= 57) nonZero = true;
    if ((s.charCodeAt(p) | 0x20) === 101 && isDigitCode(s.charCodeAt(p + 1))) {
      code = true;
      p = digitsEnd(s, p + 1);
    }
  }
  const bEnd = p;
  if (ra.n > 0) {
    p = closeParens(s, p, ra.n);
    if (p < 0) return false;
  }
  if (vcOpen) {
    p = firstNonSpaceAt(s, p);
    if (s.charCodeAt(p) !== 42 || s.charCodeAt(p + 1) !== 47) return false;
    p += 2;
  }
  if (p < n && !isSpace(s.charCodeAt(p))) return false;
  let clauseName = false;
  p = firstNonSpaceAt(s, p);
  if (p < n) {
    // A LIMIT n, ORDER BY or GROUP BY n|name clause, and nothing after it.
    const w = plainWordEnd(s, p);
    if (w < 0) return false;
    const word = s.slice(p, w).toLowerCase();
    p = firstNonSpaceAt(s, w);
    if (word === 'order' || word === 'group') {
      const by = plainWordEnd(s, p);
      if (by < 0 || s.slice(p, by).toLowerCase() !== 'by') return false;
      p = firstNonSpaceAt(s, by);
      let e = p;
      while (e < n && isAsciiWordChar(s.charCodeAt(e))) e++;
      if (e === p) return false;
      // `order by 1` is code; `1 or 2 order by tomorrow` may be a sentence: a name there needs the
      // same number twice before it (`1 or 1 order by id`).
      if (digitsEnd(s, p) !== e) clauseName = true;
      p = firstNonSpaceAt(s, e);
    } else if (word === 'limit') {
      const e = digitsEnd(s, p);
      if (e === p) return false;
      p = firstNonSpaceAt(s, e);
    } else return false;
    if (p < n) return false;
    code = !clauseName || code;
  }
  // The right operand must be true (`not 0`, a non-zero number): `1 or 0` adds nothing.
  if (not === nonZero) return false;
  // The same number (`1 or 1`, `1 or 1.0`, `7 or 07`): compared as numbers, both at most 24 digits.
  return code || Number(s.slice(a, aEnd)) === Number(s.slice(bSign, bEnd));
}

/** What may follow OR with no blank in numOrNum: `(`, a sign, `~`. */
const OR_GLUED = '(+-~';

/** A digit or `.`. */
function isDigitOrDot(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}

/**
 * At `p`: a run of `(` (blanks between): how many, and where the run ends. numOrNum's values are at
 * most 96 characters, so no cap is needed beyond that: `(((((1))))) or 1` is read too. O(96).
 */
function parensAt(s: string, p: number): { n: number; end: number } {
  let k = 0;
  let e = p;
  while (k < 96 && s.charCodeAt(e) === 40) {
    k++;
    e = firstNonSpaceAt(s, e + 1);
  }
  return { n: k, end: k > 0 ? e : p };
}

/** After an operand ending at `p`: exactly `k` `)` (blanks before each); where they end, or -1. O(1). */
function closeParens(s: string, p: number, k: number): number {
  let e = p;
  for (let i = 0; i < k; i++) {
    e = firstNonSpaceAt(s, e);
    if (s.charCodeAt(e) !== 41) return -1;
    e++;
  }
  return e;
}

/** Conditional builtins: a constant comparison as their first argument is a boolean-blind probe. */
const COND_FUNCS = new Set(['if', 'iif', 'elt', 'make_set', 'nullif', 'decode', 'choose']);

/** SQL-only builtins: an input that is just `name(` (unclosed) is a probe, not text. */
const OPENER_FUNCS = new Set([
  'substr', 'substring', 'substring_index', 'unhex', 'hex', 'mid', 'database', 'concat', 'concat_ws',
  'group_concat', 'char', 'chr', 'ascii', 'ord', 'elt', 'make_set', 'version', 'cast', 'convert', 'nchar',
  'quotename', 'char_length', 'md5', 'sha1', 'extractvalue', 'updatexml', 'benchmark', 'sleep', 'load_file',
  'pg_sleep', 'current_user', 'session_user', 'system_user', 'ifnull', 'isnull', 'nullif', 'coalesce', 'iif',
]);

/** Types a glued PostgreSQL cast names (`x::int`); `std::string` and `Foo::Bar` are not among them. */
const PG_TYPES = new Set([
  'int', 'int2', 'int4', 'int8', 'integer', 'bigint', 'smallint', 'text', 'json', 'jsonb', 'numeric',
  'varchar', 'bool', 'boolean', 'regclass', 'oid', 'bytea', 'tsvector', 'inet', 'money', 'double', 'name',
]);

const TYPE_SECOND = new Set(['precision', 'varying', 'unsigned', 'signed', 'zone', 'char', 'character']);

/** At most 3 characters besides spaces and comment markers from `from` to the end. */
function shortRest(s: string, from: number): boolean {
  let n = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 45 || c === 35 || c === 47 || c === 42 || c === 0) continue;
    if (++n > 3) return false;
  }
  return true;
}

/**
 * The text of an open literal at the end: at most 24 letters, digits, spaces, `%`, `_`, `.`, `-`. A
 * tab, LF or CR counts as a space: MySQL and SQLite read `'\t1'` as 1 and PostgreSQL `'\n1'` as true
 * like `' 1'` (`admin' or '<TAB>1` was medium where `admin' or ' 1` is high).
 */
function plainTail(s: string, from: number, pattern: boolean): boolean {
  if (s.length - from > 24) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A pattern operator's wildcards (GLOB's `*`, `?`, `[…]`: its `%` and `_`; a regular
    // expression's `*`, `+`, `?`, `^`, `$`, `[…]`, `(…)`, `|`, `{…}`, `\`) are plain in its pattern
    // (`x' glob '*`: SQLite matches the comparison's 0 or 1 against it; `x' or name regexp '.*`,
    // `~ '.*`: every row in MySQL and PostgreSQL); after any other word they stay code punctuation.
    if (pattern && c < 128 && PATTERN_CHARS[c] === 1) continue;
    if (c !== 9 && c !== 10 && c !== 13 && !plainText(s, i, i + 1)) return false;
  }
  return true;
}

function plainText(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 32 || c === 37 || c === 95 || c === 46 || c === 45 || c === 61)) return false;
  }
  return true;
}

/** No upper-case ASCII letter in s[a..b). */
function isLowerWord(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return false;
  }
  return true;
}

/** Lower-case letters only: an English-looking word (`version`), unlike `group_concat` or `md5`. */
function isPlainWord(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/**
 * s[a, b) is spelled in mixed case that neither a sentence nor a style guide writes (`BENChmARk`,
 * `sLeEp`, `SLeep`): a filter-evasion habit. Capitalised (`Sleep`), lower and upper case are not odd.
 * A delay function so spelled and glued to its parenthesis is marked at once, not only when its
 * arguments parse (`BENChmARk(2999/**\/999,…`: the comment splits a number, the walk dies in the
 * arguments). Bounded by the word's length (the lexer's words are short).
 */
function oddCase(s: string, a: number, b: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = a + 1; i < b && i - a <= 32; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  const c0 = s.charCodeAt(a);
  return (upper && lower) || (upper && c0 >= 97 && c0 <= 122);
}

/** Wildcard and regular-expression characters plainTail accepts in a pattern operator's literal. */
const PATTERN_CHARS = new Uint8Array(128);
(() => {
  for (const ch of '*?[]^$+()|{}\\') PATTERN_CHARS[ch.charCodeAt(0)] = 1;
})();

/** `s[a, b)` is 1 to 8 of the character `ch` (`%` for LIKE, `*` for GLOB): a pattern that matches any text. */
function isAllChar(s: string, a: number, b: number, ch: number): boolean {
  if (b <= a || b - a > 8) return false;
  for (let i = a; i < b; i++) if (s.charCodeAt(i) !== ch) return false;
  return true;
}

function isUnary(op: string): boolean {
  return op === '-' || op === '+' || op === '~' || op === '!';
}

// ---------------------------------------------------------------------------------------------------
// Prefilter
// ---------------------------------------------------------------------------------------------------

/**
 * Keywords that can make SQL without any punctuation: `1 or true`, `x union select y`, `order by 3`,
 * `1 like 1`. A value made of letters, digits and spaces only needs one of these to be worth a walk.
 */
const BARE_KEYWORDS = new Set([
  'or', 'and', 'xor', 'union', 'order', 'group', 'having', 'like', 'rlike', 'regexp', 'between', 'is',
  'in', 'div', 'mod', 'waitfor', 'shutdown', 'exec', 'execute', 'select', 'sleep', 'benchmark',
  'procedure', 'into', 'drop', 'delete', 'insert', 'update', 'declare', 'glob', 'sounds', 'not',
  'from', 'where', 'values', 'case', 'when', 'limit',
]);

/** worthWalking's character classes (ASCII): what each character does to the gate. */
const WW_NEUTRAL = 0; // . , + * % ^ ~ ? [ ] { } \ space and controls: nothing alone
const WW_WORD = 1; // [A-Za-z0-9_$]: part of a word (a bare keyword is looked up at its end)
const WW_TRIGGER = 2; // ' " ` ; = < > ! ( ) # NUL
const WW_DOUBLE = 3; // - | & : count when doubled (`--`, `||`, `&&`, `::`)
const WW_SLASH = 4; // / counts before `*`
const WW_AT = 5; // @ counts unless it follows a word character (an e-mail address)
const WW = new Uint8Array(128);
(() => {
  for (let c = 0; c < 128; c++) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36) WW[c] = WW_WORD;
  }
  for (const ch of '\'"`;=<>!()#\u0000') WW[ch.charCodeAt(0)] = WW_TRIGGER;
  for (const ch of '-|&:') WW[ch.charCodeAt(0)] = WW_DOUBLE;
  WW[47] = WW_SLASH;
  WW[64] = WW_AT;
})();
/** charMask bits of WW_TRIGGER characters (NUL is left out: C.CTRL also holds other controls). */
const WW_TRIGGER_MASK = C.SQUOTE | C.DQUOTE | C.BACKTICK | C.SEMI | C.EQ | C.LT | C.GT | C.BANG | C.PAREN | C.HASH;
/** A code unit at or above U+0080 that isWordChar accepts (a letter, a surrogate...): part of a word. */
const WW_XWORD = 6;
/**
 * WW for every UTF-16 code unit (64 KB, once): WW below 128; above, what worthWalking did with the
 * unit, decided once here (UCLASS: the lexer's classes, see there): a quote (quoteClass) triggers, a
 * word character (isWordChar) is WW_XWORD, anything else (dashes, full-width and CJK punctuation,
 * Unicode spaces) is neutral. On 1 MB of `ａ．ｂ ` or `é.é ` the gate called quoteClass and
 * isWordChar (isSpace, isPunct: ~15 comparisons) once or twice per character, the whole of the
 * detector's ~8-13 µs/KB there; now one table load per character, whichever letters and
 * punctuation vary (~2.4 µs/KB).
 */
const WWX = new Uint8Array(65536);
WWX.set(WW, 0);
(() => {
  // By runs of equal UCLASS classes (a few dozen, found by native searches), not a unit at a time: a
  // loop over the 65,408 units ran ~4 ms of CPU at import, before the optimizer. Each class's next
  // position is searched again only once the walk has passed it (next[o] >= c: no unit of class o in
  // [c, next[o])): searching afresh at every run scanned to the end of the table for the classes that
  // do not occur again (~2 M instructions at load; now each class's search reads the table once).
  const byClass = [WW_NEUTRAL, WW_XWORD, WW_TRIGGER]; // U_OTHER, U_WORD, U_QUOTE
  const next = [-1, -1, -1];
  for (let c = 128; c < 65536; ) {
    const u = UCLASS[c] as number;
    let end = 65536;
    for (let o = 0; o < 3; o++) {
      if (o === u) continue;
      if ((next[o] as number) < c) {
        const k = UCLASS.indexOf(o, c);
        next[o] = k === -1 ? 65536 : k;
      }
      if ((next[o] as number) < end) end = next[o] as number;
    }
    WWX.fill(byClass[u] as number, c, end);
    c = end;
  }
})();

/**
 * Signatures of the bare keywords: (length, first and last character) into a 4096-entry byte map, so
 * a word is hashed only when its signature matches one (most words are rejected by three loads).
 */
const BARE_SIG = new Uint8Array(4096);

function bareSig(s: string, a: number, b: number): number {
  return ((b - a) * 1031 + (s.charCodeAt(a) | 0x20) * 37 + (s.charCodeAt(b - 1) | 0x20)) & 4095;
}

/**
 * Cheap gate, one charCode pass. Returns true when `s` holds something SQL injection cannot do without:
 * a quote, `;`, `=`, `<`, `>`, `!`, `(`, `)`, `#`, `--`, `/*`, `||`, `&&`, `::`, `@var`; or a keyword
 * that builds SQL with spaces alone (`1 or true`, `x union select y`, `order by 3`). Dates, ids, plain
 * sentences, hyphenated names and e-mail addresses stop here, for the price of one table-driven loop
 * that allocates nothing: words are only looked up (signature, then hash) when they end.
 */
function worthWalking(s: string): boolean {
  const n = s.length;
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    // One load decides the class of any code unit (WWX: no `c < 128` test first), and the commonest
    // one (spaces and neutral punctuation) is tested first: ~25% less on space-padded prose than the
    // ASCII test and the chain of class tests before it (same answers: WWX is WW below 128).
    const k = WWX[c] as number;
    if (k === WW_NEUTRAL) {
      // (A separate loop for runs of spaces was tried: cheaper on padding, dearer on the single
      // spaces between words, ~+5% of instructions on the bench's typical values.)
      i++;
      continue;
    }
    if (k === WW_WORD) {
      // A word: a tight loop to its end, then one signature look-up.
      const ws = i;
      for (i++; i < n; i++) {
        c = s.charCodeAt(i);
        if (WWX[c] !== WW_WORD) break;
      }
      if (i < n && c >= 128 && WWX[c] === WW_XWORD) {
        // A non-ASCII letter joins the word (`Müller`): no keyword; skip the rest of it as below.
        i = pastForeignWord(s, i + 1, n);
        continue;
      }
      if (i - ws >= 2 && i - ws <= 9 && isBareKeyword(s, ws, i)) return true;
      continue;
    }
    if (k === WW_TRIGGER) return true;
    if (k === WW_DOUBLE) {
      if (i + 1 < n && s.charCodeAt(i + 1) === c) return true;
    } else if (k === WW_SLASH) {
      if (i + 1 < n && s.charCodeAt(i + 1) === 42) return true;
    } else if (k === WW_AT) {
      if (i === 0 || !isWordChar(s.charCodeAt(i - 1))) return true; // @var, not an e-mail address
    } else {
      // WW_XWORD (the other classes at or above U+0080 are WW_TRIGGER and WW_NEUTRAL): a word with
      // a non-ASCII letter is no keyword: skip to its end. A neutral character after it (`．`, `.`, a
      // space) does nothing either: it is stepped over here rather than loaded again at the head
      // (1 MB of `ａ．ｂ ` / `é.é `: ~4.5 -> ~2.5 µs/KB). (Also skipping the next word when a non-ASCII
      // letter starts it, with no return to the head, read ~5-15% dearer.)
      i = pastForeignWord(s, i + 1, n);
      continue;
    }
    i++;
  }
  return false;
}

/**
 * worthWalking past a word that holds a non-ASCII letter, from `i` (after that letter): the end of its
 * word characters, and past one neutral character after them (see worthWalking's last branch).
 */
function pastForeignWord(s: string, i: number, n: number): number {
  let kw = WW_XWORD;
  for (; i < n; i++) {
    kw = WWX[s.charCodeAt(i)] as number;
    if (kw !== WW_WORD && kw !== WW_XWORD) break;
  }
  return kw === WW_NEUTRAL ? i + 1 : i;
}

function isBareKeyword(s: string, a: number, b: number): boolean {
  return BARE_SIG[bareSig(s, a, b)] === 1 && BARE_HASHES.has(wordHash(s, a, b));
}

/** Case-insensitive FNV-1a hash of ASCII letters, digits and `_` (other characters never match). */
function wordHash(s: string, a: number, b: number): number {
  let h = -2128831035; // 0x811c9dc5 as int32
  for (let i = a; i < b; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/**
 * A fixed open-addressing set of 32-bit word hashes (read-only after module load). Faster than a
 * `Set<number>` for the one-probe lookups the prefilters make on every word.
 */
class HashSet {
  private readonly keys = new Int32Array(512);
  private readonly used = new Uint8Array(512);
  /** The set as scripts/check-tables.js wrote it (src/detectors/sql-tables.ts): no hashing at load. */
  static load(d: { readonly at: string; readonly keys: string }): HashSet {
    const set = new HashSet([]);
    const at = unpackU16(d.at);
    scatter(set.keys, at, unpackI32(d.keys));
    scatter(set.used, at, 1);
    return set;
  }
  constructor(words: Iterable<string>) {
    for (const w of words) {
      const h = wordHash(w, 0, w.length);
      let i = h & 511;
      while (this.used[i] === 1 && this.keys[i] !== h) i = (i + 1) & 511;
      this.keys[i] = h;
      this.used[i] = 1;
    }
  }
  has(h: number): boolean {
    let i = h & 511;
    while (this.used[i] === 1) {
      if (this.keys[i] === h) return true;
      i = (i + 1) & 511;
    }
    return false;
  }
}

const BARE_HASHES = HashSet.load(SQL_TABLES.sets.BARE_HASHES);

/**
 * Words outside the lexer's vocabulary that start a statement in some dialect (SQL Server, MySQL,
 * PostgreSQL, SQLite, Oracle): an unknown word there is no proof of a syntax error (labelDeath).
 */
const STMT_LEADS = HashSet.load(SQL_TABLES.sets.STMT_LEADS);
const STMT_LEAD_WORDS = (): string[] =>
  ('raiserror throw break continue save checkpoint setuser revert receive send move enable disable readtext ' +
    'writetext updatetext deny get end else go lineno close open fetch deallocate use while return with merge ' +
    'bulk dbcc kill commit rollback set print goto if begin waitfor declare truncate backup restore reconfigure ' +
    'shutdown add flush reset purge optimize repair analyze check checksum cache install uninstall help stop ' +
    'start change xa savepoint release signal resign resignal clone restart import table values binlog listen ' +
    'notify unlisten discard cluster reindex vacuum comment security refresh abort prepare execute exec reassign ' +
    'explain lock unlock load copy call do show describe desc rename handler alter drop create grant revoke ' +
    'select insert update delete replace upsert pragma attach detach audit noaudit associate disassociate ' +
    'flashback purge sp_executesql')
    .split(' ')
    .filter((x) => x);

/** INSERT / UPDATE words that may make plain words a statement (checked besides the vocabulary). */
const ROW_SOURCES = HashSet.load(SQL_TABLES.sets.ROW_SOURCES);
const ROW_SOURCE_WORDS = (): string[] => ['value', 'values', 'default', 'output', 'overwrite', 'ignore', 'delayed', 'low_priority', 'high_priority', 'partition', 'top', 'with', 'statistics', 'table', 'select', 'exec', 'execute', 'set', 'into', 'or'];
(() => {
  for (const w of BARE_KEYWORDS) BARE_SIG[bareSig(w, 0, w.length)] = 1;
})();

/**
 * Words that may follow a closed literal directly (`x'or 1=1`, `x'union select`). When the character
 * after a quote is a letter and the word it starts is not one of these, the quoted context dies on its
 * first token (`O'Brien`, `it's`), so it is not walked at all.
 */
const AFTER_QUOTE_HASHES = HashSet.load(SQL_TABLES.sets.AFTER_QUOTE_HASHES);
const AFTER_QUOTE_WORDS = (): string[] => [
  'or', 'and', 'xor', 'not', 'union', 'order', 'group', 'having', 'limit', 'like', 'rlike', 'regexp',
  'glob', 'ilike', 'sounds', 'is', 'in', 'between', 'div', 'mod', 'into', 'procedure', 'collate',
  'where', 'from', 'as', 'waitfor', 'select', 'insert', 'update', 'delete', 'drop', 'exec', 'execute',
  'declare', 'shutdown', 'truncate', 'goto', 'begin', 'create', 'alter', 'if', 'escape', 'for', 'match',
  'intersect', 'except', 'minus', 'offset', 'join', 'when', 'then', 'else', 'end', 'using', 'notnull',
  'isnull', 'similar', 'n', 'x', 'b', 'e', 'u', 'on', 'against', 'asc', 'desc', 'over', 'window',
];

/** Cheap reject for a quoted context whose attacker part would start with a plain word. */
function breakoutMayContinue(s: string, from: number): boolean {
  const c = s.charCodeAt(from);
  if (!isWordChar(c) || (c >= 48 && c <= 57)) return true;
  let e = from + 1;
  while (e < s.length && e - from <= 16 && isWordChar(s.charCodeAt(e))) e++;
  return e - from <= 16 && AFTER_QUOTE_HASHES.has(wordHash(s, from, e));
}

// ---------------------------------------------------------------------------------------------------
// Pre-scan: can the bare walks find anything at all?
// ---------------------------------------------------------------------------------------------------
//
// Most values that pass `worthWalking` in real traffic are header values and form fields with some
// punctuation (`Mozilla/5.0 (X11; Linux x86_64) …`, `en-US,en;q=0.9`, `Root=1-6b0ad2ef-…`,
// `application/json, text/plain, */*`, `https://shop.example.com/cart?step=2`). Walking them costs a
// walker, two token objects and a lower-cased string per word, twice. The pre-scan below is one
// allocation-free charCode pass (FNV-hashing the words as it goes) that proves, for most such values,
// that the bare walks (from the start and after `key=`) cannot mark a single feature `judge` reads in
// the bare context. It is an over-approximation: whenever it cannot prove that, the walks run exactly
// as before, so verdicts are unchanged; it only decides whether to skip work.
//
// Why the proof holds (bare context, no quote/comment interplay):
// - every feature needs a keyword (the STRONG words: logic, statements, UNION, catalogs, niladic
//   values...), a call of a known builtin (a CALL word followed by `(`), a symbolic comparison in the
//   first segment of a walk (F_FIRST_CMP), comments (G_COMMENT, endComment), a leading `)`
//   (G_LEADCLAUSE; see leadsWithClose), or one of the characters that always walk (`@@`, `::`, `||`,
//   `&&`, a `$` next to a word character or `$`, `\N`, `{` before a word, `[` after ARRAY, `]`
//   after a literal or comment or deep in parentheses, non-ASCII; a lone `\`, `}`, `[` or `]` is a
//   T_OTHER token that kills the walk or is skipped, read by the pre-scan as neutral);
// - after the walk dies only UNION/STACK/danger/tautology features survive (F_RESYNC_OK), and all of
//   them need a STRONG word or a CALL;
// - a comparison marks F_FIRST_CMP only in the first segment of a walk (segIdx 0 at depth 0): the
//   segment ends at a depth-0 `,`, any `;`, an unmatched `)`, or a lone `:` (which kills every state a
//   non-STRONG value can be in). Inside it, `key = value` with a plain identifier key cannot compare
//   two constants (the key is not one) nor the same text twice (checked: the key does not reappear,
//   and no further comparison or keyword follows).
// - the numeric-context rules (`1 --`, `42 like 42`, `'1' not regexp '2'`) need a comment or a pattern
//   word (LIKE, REGEXP...) in a value that starts with a number or a literal: checked at the end;
// - a dotted statement word followed by `-name` is not STRONG (see KW_STMT).
// Words are split exactly where the lexer could split them: ASCII [A-Za-z0-9_] runs, plus every suffix
// after a digit (`1union`, `1e5union` lex as a number and a word).

/**
 * ORDER / GROUP: STRONG only when BY may follow (see byMayFollow). Every state that reads them either
 * wants BY next (S_BY) or dies on them, and a resynchronisation at them only drops features.
 */
const KW_BY = 1;
const KW_ANY = 2; // any word the lexer or walker reads specially
const KW_STRONG = 4; // can mark a bare-context feature on its own
const KW_CALL = 8; // a builtin name: matters when `(` follows
const KW_FROM = 16; // FROM: matters next to comments (G_GLUE)
const KW_PATTERN = 32; // LIKE, RLIKE, REGEXP...: a constant comparison with them is judged in the bare context
/**
 * A statement keyword that is STRONG only as a statement (`execute`, `update`, `drop`...). As a dotted
 * member followed by `-name` (`abc.execute-api.us-east-1.amazonaws.com`, the API Gateway host) it can
 * start nothing: every state that reads a word after a dot (S_QUAL, S_LOOSE) or after a dead walk's
 * resynchronisation (onStmt refuses a dotted word) needs a `(`, a variable, a comment, the end or a
 * keyword right after it, and `-name` is none of them.
 */
const KW_STMT = 64;
/**
 * CASE: `CASE WHEN <constant> THEN` and `CASE <constant> WHEN <constant>` mark F_CONDFN without any
 * comparison the pre-scan would see (`x, case when 1 then a end`), so `case` walks unless a plain
 * word (a column, or prose: "in case you") follows it (see caseMayTest).
 */
const KW_CASE = 128;
/**
 * CALL, DO: statements only after `;` (onStmt wants them stacked; at a walk's start they end it,
 * after an operand they are no inline statement, as an operand they are plain names). STRONG only
 * once a `;` came before them.
 */
const KW_SEMI = 256;
/**
 * IF: a T-SQL statement after `;`, or one whose condition starts right after it (at a walk's start or
 * inline: a parenthesis, number, variable, EXISTS, NOT, or a word called as a function); `if(` is a
 * call (KW_CALL). Followed by a plain word that is not called, it ends the walk ("if it's late"), so
 * it is STRONG only after a `;` or when ifCondMayFollow.
 */
const KW_IF = 512;
/**
 * UPDATE: a statement (at a walk's start, inline or after `;`) only as `UPDATE <name> SET`; reserved
 * elsewhere (an operand ends the walk there; `FOR UPDATE` reads on loosely, where only STRONG words
 * and calls mark). STRONG only after a `;` or when updateMaySet ("any update on my order?" is prose).
 */
const KW_UPDATE = 1024;
/**
 * DELETE, INSERT / REPLACE: statements only as `DELETE FROM`, `INSERT INTO` / `REPLACE INTO`, or after
 * a `;` (onStmt: at a walk's start and inline the next token must be FROM / INTO; stacked, other
 * shapes count too). Elsewhere DELETE and INSERT are reserved (an operand ends the walk there) and
 * REPLACE is a plain name, and no state but onStmt's reads them (S_LOOSE marks `INSERT INTO` only).
 * So they are STRONG only after a `;` or when stmtWordMayFollow finds that FROM / INTO may come next
 * ("Delete my account", "insert the card" are prose).
 */
const KW_FROMNEXT = 2048;
const KW_INTONEXT = 4096;
/**
 * DROP, ALTER, TRUNCATE, CREATE: at a walk's start or inline (after an operand, no `;` needed) onStmt
 * makes them strong when an object keyword (TABLE, DATABASE..., OR for CREATE) follows, or one name that
 * ends the statement (the end, `;`, a comment right after it); otherwise they end the walk (reserved
 * everywhere else; TRUNCATE( is a call, KW_CALL). STRONG only after a `;` or when ddlMayFollow
 * ("Drop me a line", "alter the hem").
 */
const KW_DDL = 8192;
/**
 * AND, OR, XOR followed by two plain words, or by a plain word and a quote ("and press OK", "or I'll
 * call back"): wherever the walk reads the logic word it either dies on it (an operand position, S_IS,
 * S_INTO, S_BY, after `;`), or calls logicOp, which closes the segment before it (what that segment
 * holds is judged at any segment end: the pre-scan's proof already covers it) and opens one that holds
 * the plain word W1 (an operand: no call, no dot, no comment glued) and ends at the next token: a second
 * plain word or a literal is no operator, and no alias unless the frame reads a select list (SELECT is
 * always STRONG; FROM, which also sets it, makes this exception void: fromSeen). That segment is one
 * non-constant atom: closeSeg marks nothing (no F_TAUT, no F_LOGIC_*), and F_LEADLOGIC / F_OPSEEN /
 * G_NUMLOGIC count only with features such a walk cannot have. A resynchronisation at the word reads
 * the same. So the word is STRONG only when logicMayBuild (see there).
 */
const KW_LOGICW = 16384;
/**
 * Statement words that onStmt reads as a statement only after a `;` (`strong = stacked && …`: COPY,
 * LOAD, SHOW, DESC, KILL, GRANT, BACKUP…) or never (HANDLER, OPEN, CLOSE, RETURN, WHILE, COMMIT…: the
 * switch's default). Anywhere else they end the walk or read as a plain name (not reserved), and DESC
 * also as the sort-order word, which marks nothing. STRONG only after a `;`, like CALL and DO (KW_SEMI).
 */
const SEMI_ONLY_WORDS =
  'copy load show desc describe kill attach lock grant revoke rename backup restore dbcc reconfigure pragma prepare ' +
  'handler use open close deallocate commit rollback return while merge explain vacuum detach unlock analyze bulk';

/** Longest word worth a table look-up (the lexer lower-cases words up to 32 characters). */
const KW_MAX = 32;

/** Word hash (as `wordHash`) -> KW_* flags. Open addressing, read-only after module load. */
class FlagTable {
  private readonly keys = new Int32Array(4096);
  private readonly flags = new Uint16Array(4096);
  /** The table as scripts/check-tables.js wrote it (src/detectors/sql-tables.ts): no hashing at load. */
  static load(d: { readonly at: string; readonly keys: string; readonly flags: string }): FlagTable {
    const t = new FlagTable();
    const at = unpackU16(d.at);
    scatter(t.keys, at, unpackI32(d.keys));
    scatter(t.flags, at, unpackU16(d.flags));
    return t;
  }
  add(word: string, f: number, h = wordHash(word, 0, word.length)): void {
    let i = h & 4095;
    while (this.flags[i] !== 0 && this.keys[i] !== h) i = (i + 1) & 4095;
    this.keys[i] = h;
    this.flags[i] = (this.flags[i] as number) | f;
  }
  get(h: number): number {
    let i = h & 4095;
    for (;;) {
      const f = this.flags[i] as number;
      if (f === 0) return 0;
      if (this.keys[i] === h) return f;
      i = (i + 1) & 4095;
    }
  }
}

/**
 * KW as written out (src/detectors/sql-tables.ts, from buildKw below by scripts/check-tables.js --write;
 * `npm run build` and test/detectors/written-tables.test.ts rebuild it from the lists and compare):
 * building it here at every cold start (~1,000 Map updates, 481 hashes) was ~7 M instructions.
 */
const KW = FlagTable.load(SQL_TABLES.kw);

/**
 * KW from the word lists (the one source of truth), and every word in it (KW_WORDS: for the signature
 * filter, KW2 and the vocabulary). Run by the build's check and the tables test, not at load.
 */
function buildKw(): { kw: FlagTable; words: string[] } {
  const KW = new FlagTable();
  const KW_WORDS: string[] = [];
  // Flags merged per word first, then one KW.add (one wordHash) per distinct word: 481 instead of 994.
  // KW.add ORs the flags of a word added twice: the same table.
  const merged = new Map<string, number>();
  const add = (words: Iterable<string>, f: number): void => {
    for (const w of words) {
      if (w.length === 0) continue;
      merged.set(w, (merged.get(w) ?? 0) | f | KW_ANY);
      KW_WORDS.push(w);
    }
  };
  // Everything the lexer, the walker or the prefilters compare a word with.
  add(WORDS.keys(), 0);
  add(FUNCS.keys(), KW_CALL);
  add(CATALOGS, KW_STRONG);
  add(DANGER_QUALIFIERS.keys(), KW_STRONG);
  add(NOT_FUNCS, 0);
  add(DDL_OBJECTS, 0);
  add(COND_FUNCS, KW_CALL);
  add(OPENER_FUNCS, KW_CALL);
  add(PG_TYPES, 0);
  add(TYPE_SECOND, 0);
  add(INLINE_STMT, KW_STRONG);
  add(SYNC_WORDS, KW_STRONG);
  add(BARE_KEYWORDS, 0);
  add(
    (
      'against all analyse any array as asc attach backup begin between binary boolean browse by call case ' +
      'column columns connect connect_by_root connection data databases dba dbcc declare delay desc describe ' +
      'distinct distributed do double dumpfile else end escape event except exists fetch for from full ' +
      'function grant grants group having if immediate in index inner interval intersect into is join json ' +
      'jsonb kill language left like limit load lock log login master match minus mode natural not null ' +
      'offset on or order outer outfile over pragma precision prepare print prior procedure query ' +
      'reconfigure rename restore return returns revoke right role select separator sequence set share show ' +
      'similar some sounds straight_join string table tables tablespace temporary then time to top tran ' +
      'transaction trigger try union unknown unsigned usage user using values variables varying view ' +
      'waitfor when where window with xml zone'
    ).split(' '),
    0,
  );
  // Words that mark a bare-context feature by themselves (see the proof above).
  add(
    [...WORDS].filter(([, cls]) => (cls & (W_LOGIC | W_STMT | W_VALUE)) !== 0).map(([w]) => w),
    KW_STRONG,
  );
  add(
    (
      'union intersect except minus where having order group select binary outfile dumpfile analyse waitfor ' +
      'exec execute procedure declare shutdown desc describe show load grant revoke rename backup restore ' +
      'kill attach lock dbcc reconfigure pragma prepare print call do goto begin if set insert update ' +
      'delete drop create alter truncate replace'
    ).split(' '),
    KW_STRONG,
  );
  add(['from'], KW_FROM);
  add(['like', 'ilike', 'rlike', 'regexp', 'glob', 'sounds', 'similar'], KW_PATTERN);
  add(['placing'], 0);
  add(['case'], KW_CASE);
  add(['order', 'group'], KW_BY);
  add(['call', 'do'], KW_SEMI);
  add(SEMI_ONLY_WORDS.split(' '), KW_SEMI);
  add(['delete'], KW_FROMNEXT);
  add(['insert', 'replace'], KW_INTONEXT);
  add(['drop', 'alter', 'truncate', 'create'], KW_DDL);
  add(['and', 'or', 'xor'], KW_LOGICW);
  add(['if'], KW_IF);
  add(['update'], KW_UPDATE);
  // Statement words whose only STRONG role is starting a statement (see KW_STMT).
  add(
    [...WORDS]
      .filter(([w, cls]) => (cls & (W_STMT | W_LOGIC | W_VALUE)) === W_STMT && !CATALOGS.has(w) && !DANGER_QUALIFIERS.has(w))
      .map(([w]) => w),
    KW_STMT,
  );
  for (const [w, f] of merged) KW.add(w, f);
  return { kw: KW, words: KW_WORDS };
}

/**
 * Signature filter in front of the table: a 64 Ki-entry byte map keyed by (length, first two and last
 * characters) of every table word. A word whose signature is absent is no keyword, for four character
 * loads instead of hashing every character; a present one is hashed and looked up.
 */
const KW_SIG = new Uint8Array(65536);
scatter(KW_SIG, unpackU16(SQL_TABLES.kwSig), 1); // written out: see KW

function wordSig(s: string, a: number, b: number): number {
  const x = ((b - a) << 21) ^ ((s.charCodeAt(a) | 0x20) << 14) ^ ((s.charCodeAt(a + 1) | 0x20) << 7) ^ (s.charCodeAt(b - 1) | 0x20);
  return Math.imul(x, 0x9e3779b1) >>> 16;
}

/** KW_* flags of s[a, b) (0 for most words after the signature test). */
function kwFlags(s: string, a: number, b: number): number {
  if (b - a < 2 || b - a > KW_MAX || KW_SIG[wordSig(s, a, b)] === 0) return 0;
  return KW.get(wordHash(s, a, b));
}

/** What the pre-scan allows: nothing to walk, only the quoted contexts, or everything. */
const SCAN_NONE = 0;
const SCAN_QUOTED = 1;
const SCAN_FULL = 2;

/** Character classes for the pre-scan (one entry per UTF-16 code unit: no range test per character). */
const PC_ALPHA = 1; // [A-Za-z_]
const PC_DIGIT = 2; // [0-9]
const PC_SPACE = 3; // what isSpace accepts below 128 (TAB, LF, CR, space, other C0 controls)
const PC_OTHER = 4; // handled in the switch
const PC_NEUTRAL = 5; // `. + * % ^` and DEL: operators or kills, never a feature alone
const PC_FULL = 6; // non-ASCII: Unicode quotes, spaces and words; the full walks decide
const PCLASS = new Uint8Array(65536);
(() => {
  PCLASS.fill(PC_FULL);
  PCLASS.fill(PC_OTHER, 0, 128);
  for (let c = 1; c <= 32; c++) PCLASS[c] = PC_SPACE;
  for (let c = 48; c <= 57; c++) PCLASS[c] = PC_DIGIT;
  for (let c = 65; c <= 90; c++) PCLASS[c] = PC_ALPHA;
  for (let c = 97; c <= 122; c++) PCLASS[c] = PC_ALPHA;
  PCLASS[95] = PC_ALPHA;
  for (const ch of '.+*%^\x7f') PCLASS[ch.charCodeAt(0)] = PC_NEUTRAL;
})();

/**
 * kwFlags of every two-character ASCII word ([A-Za-z0-9_] both), indexed by kw2Index: what the
 * pre-scan reads for `lt`, `gt`, `to`, `of`, `in`... with two loads instead of the signature and,
 * when it collides, the hash and the table probe (1 MB of `&lt;`: one such word every 4 characters).
 * Filled from kwFlags of the table's two-character words (the test checks every pair); 32 KB.
 */
const KW2 = new Uint16Array(128 * 128);
scatter(KW2, unpackU16(SQL_TABLES.kw2.at), unpackU16(SQL_TABLES.kw2.flags)); // written out: see KW
/** Index of a two-character word in KW2: case folded (`| 0x20`; digits keep their codes, `_` is 127). */
function kw2Index(c0: number, c1: number): number {
  return ((c0 | 0x20) << 7) | (c1 | 0x20);
}

/**
 * The SQL detector's load-time tables built from their word lists (KW, KW_SIG, KW2, the vocabulary and
 * the word-hash sets): what src/detectors/sql-tables.ts must encode. Not run at load.
 */
function buildSqlTables(): Record<string, unknown> {
  const { kw, words } = buildKw();
  const kwSig = new Uint8Array(65536);
  for (const w of words) if (w.length >= 2 && w.length <= KW_MAX) kwSig[wordSig(w, 0, w.length)] = 1;
  const flags = (s: string, a: number, b: number): number => (b - a < 2 || b - a > KW_MAX || kwSig[wordSig(s, a, b)] === 0 ? 0 : kw.get(wordHash(s, a, b)));
  // From the table's two-character words ([A-Za-z0-9_] both), not from kwFlags on all 1,369 folded
  // pairs. The same table as long as no other pair hashes and signs like a table word: the test checks
  // every pair against kwFlags.
  const kw2 = new Uint16Array(128 * 128);
  const word = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
  for (const w of words) {
    if (w.length === 2 && word(w.charCodeAt(0)) && word(w.charCodeAt(1))) kw2[kw2Index(w.charCodeAt(0), w.charCodeAt(1))] = flags(w, 0, 2);
  }
  return {
    KW: kw,
    KW_SIG: kwSig,
    KW2: kw2,
    VOCABULARY: new Vocabulary([...words, ...SEMI_STMTS, ...INT_TYPES, ...COND_FUNCS, ...OPENER_FUNCS], ['xp_', 'sp_']),
    BARE_HASHES: new HashSet(BARE_KEYWORDS),
    STMT_LEADS: new HashSet(STMT_LEAD_WORDS()),
    ROW_SOURCES: new HashSet(ROW_SOURCE_WORDS()),
    AFTER_QUOTE_HASHES: new HashSet(AFTER_QUOTE_WORDS()),
    PG_TYPE_HASHES: new HashSet(PG_TYPES),
    ADVANCING_LEADS: new HashSet(ADVANCING_LEAD_WORDS()),
  };
}

/** For the tables' equivalence test (test/detectors/sql-injection-tables.test.ts) only. */
export const LOAD_TABLES_FOR_TEST = {
  KW,
  KW_ANY,
  get KW_WORDS(): string[] {
    return buildKw().words;
  },
  KW2,
  kwFlags,
  kw2Index,
  wordHash,
  WWX,
};

/** s[a, b) starts with `xp_` or `sp_` (any case): extended and OLE procedures, always walked. */
function isXpSp(s: string, a: number, b: number): boolean {
  const c0 = s.charCodeAt(a) | 0x20;
  return b - a >= 3 && s.charCodeAt(a + 2) === 95 && (s.charCodeAt(a + 1) | 0x20) === 112 && (c0 === 120 || c0 === 115);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiWordChar(c: number): boolean {
  const k = PCLASS[c];
  return k === PC_ALPHA || k === PC_DIGIT;
}

/** Index of the first non-space character at or after `from` (`s.length` at the end). */
function firstNonSpaceAt(s: string, from: number): number {
  let i = from;
  while (i < s.length && PCLASS[s.charCodeAt(i)] === PC_SPACE) i++;
  return i;
}

/** The code of the last character at or before `from` that is no space, or 0 (no word character) when there is none. */
function prevNonSpace(s: string, from: number): number {
  for (let k = from; k >= 0; k--) {
    const c = s.charCodeAt(k);
    if (PCLASS[c] !== PC_SPACE) return c;
  }
  return 0;
}

/** First non-space character code at or after `from` (NaN at the end). */
function firstNonSpace(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (PCLASS[c] !== PC_SPACE) return c;
    i++;
  }
  return NaN;
}

/** PG_TYPES by wordHash, and the lengths of its words (castIsNeutral). */
const PG_TYPE_HASHES = HashSet.load(SQL_TABLES.sets.PG_TYPE_HASHES);
const PG_TYPE_MIN = Math.min(...[...PG_TYPES].map((w) => w.length));
const PG_TYPE_MAX = Math.max(...[...PG_TYPES].map((w) => w.length));

/**
 * The `::` ending at `p` (s[p] is what follows it) cannot be a glued cast to an SQL type (G_PGCAST):
 * the next character starts no word (a space, a digit, a quote, `:`, `(`, `)`, `,`, `;`, `=`, `<`,
 * `>`, `&`, `|`, `.`, `+`, the end) or starts an ASCII word that is no PG_TYPES word, case ignored,
 * and that no `$` or non-ASCII letter continues. Anything else (a comment, a backslash, `$`,
 * non-ASCII, `@`, brackets...) may glue or hide one: no. Reads at most the word: O(its length).
 */
function castIsNeutral(s: string, p: number, n: number): boolean {
  if (p >= n) return true;
  const c = s.charCodeAt(p);
  const k = PCLASS[c] as number;
  if (k === PC_ALPHA) {
    let e = p + 1;
    while (e < n && (PCLASS[s.charCodeAt(e)] as number) <= PC_DIGIT) e++;
    if (e < n) {
      const d = s.charCodeAt(e);
      if (d === 36 || d >= 128) return false;
    }
    return !(e - p >= PG_TYPE_MIN && e - p <= PG_TYPE_MAX && PG_TYPE_HASHES.has(wordHash(s, p, e)));
  }
  if (k === PC_SPACE || k === PC_DIGIT) return c !== 0;
  // ' " ` : ( ) , ; = < > & | . +
  return c === 39 || c === 34 || c === 96 || c === 58 || c === 40 || c === 41 || c === 44 || c === 59 || c === 61 || c === 60 || c === 62 || c === 38 || c === 124 || c === 46 || c === 43;
}

/**
 * Characters after which a `{` cannot be followed by a word token (see prescan's `{`): quotes and
 * punctuation the lexer reads as a token of its own; no comment opener, space, `\`, `$`, `*` (the end
 * of a versioned comment), letter, digit (`2nd` is a word) or non-ASCII character.
 */
const BRACE_NEXT_OK = new Uint8Array(65536);
(() => {
  for (const ch of `'"\`(),;{}[]&|!<>=+%^~?:@.`) BRACE_NEXT_OK[ch.charCodeAt(0)] = 1;
})();

/**
 * Characters that may stand right before a `[` (spaces skipped) with no ARRAY word before it: not a
 * word character, `/` (a comment's end), `-` or `#` (a line comment), NUL or non-ASCII.
 */
const BRACKET_PREV_OK = new Uint8Array(128);
(() => {
  for (const ch of `'"\`\\(),;{}[]&|!<>=+%^~?:.*@$_0123456789`) BRACKET_PREV_OK[ch.charCodeAt(0)] = 1;
})();

/**
 * The `[` at `at` cannot follow the word ARRAY (which opens a bracketed group): nothing but spaces
 * before it, or before the spaces a character of BRACKET_PREV_OK, or an ASCII letter run that does
 * not end in `array` (any case; `\Narray`, `1array` lex as ARRAY too). Reads back over the spaces
 * right before it and at most five letters: a run of `[` after spaces rereads them (` [ [ [`), which
 * only pays on such runs.
 */
function bracketMayBeText(s: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && PCLASS[s.charCodeAt(k)] === PC_SPACE) k--;
  if (k < 0) return true;
  const c = s.charCodeAt(k);
  if (c < 128 && BRACKET_PREV_OK[c] === 1) return true;
  if (!isAsciiLetter(c)) return false;
  if (k < 4) return true;
  const w = 'yarra';
  for (let j = 0; j < 5; j++) if ((s.charCodeAt(k - j) | 0x20) !== w.charCodeAt(j)) return true;
  return false;
}

/**
 * One pass (see the proof above). Returns SCAN_NONE when no walk can find anything (whatever
 * worthWalking says), SCAN_QUOTED when only the quoted contexts can matter (a quote is present, so
 * worthWalking holds), and SCAN_FULL when the original sequence of walks must run. Never allocates.
 */
function prescan(s: string): number {
  const n = s.length;
  let quotes = false;
  let comment = false;
  let cmp = false;
  let fromSeen = false;
  let rparen = false;
  let pattern = false;
  // The first segment of the walk from 0 (W1) and of the walk after `key=` (W2).
  const eq = formValueStart(s);
  let w1 = true;
  let d1 = 0;
  let w2 = false;
  let d2 = 0;
  /** W1 before its first comparison: 0 only spaces, 2 one plain identifier (the key), 3 anything else. */
  let keyState = 0;
  let keyStart = 0;
  let keyEnd = 0;
  let keyHash = 0;
  /** W1 after `key =`: every further word and comparison is checked. */
  let keyed = false;
  /** A `;` was seen: statements may follow (KW_SEMI, KW_IF). */
  let semi = false;
  /** A word ending in JSON / JSONB was seen (see `?`). */
  let jsonSeen = false;
  /** Where the walks from 0 and from `eq` start (first non-space), found at the first lone `!`. */
  let lead0 = -1;
  let leadEq = -2;
  let i = 0;
  while (i < n) {
    if (i === eq) w2 = true;
    let c = s.charCodeAt(i);
    let k = PCLASS[c] as number;
    if (k <= PC_DIGIT) {
      // ---- a word s[ws, i) ----
      const ws = i;
      let alpha = k === PC_ALPHA;
      let digit = !alpha;
      /** A letter follows a digit: the lexer may split a number off (`1union`, `1e5union`). */
      let split = false;
      for (i++; i < n; i++) {
        c = s.charCodeAt(i);
        k = PCLASS[c] as number;
        if (k === PC_ALPHA) {
          if (digit) split = true;
          alpha = true;
          digit = false;
        } else if (k === PC_DIGIT) digit = true;
        else break;
      }
      if (k === PC_FULL && i < n) return SCAN_FULL;
      if (!alpha) {
        // A number: no keyword, never the key, never equal to it.
        if (w1 && !keyed) keyState = 3;
        continue;
      }
      const c0 = s.charCodeAt(ws) | 0x20;
      // Two characters: KW2 (the same flags as kwFlags, see there).
      let f = i - ws === 2 ? (KW2[(c0 << 7) | (s.charCodeAt(ws + 1) | 0x20)] as number) : kwFlags(s, ws, i);
      if (i - ws >= 3 && isXpSp(s, ws, i)) return SCAN_FULL; // (isXpSp needs three characters)
      if (split) {
        // Suffixes after a digit, as a number followed by a word (bounded: KW_MAX characters back).
        for (let t = Math.max(ws + 1, i - KW_MAX); t < i; t++) {
          const d = s.charCodeAt(t - 1);
          const e = s.charCodeAt(t);
          if (d >= 48 && d <= 57 && !(e >= 48 && e <= 57)) {
            f |= kwFlags(s, t, i);
            if (isXpSp(s, t, i)) return SCAN_FULL;
          }
        }
      }
      // Every test below reads a flag of f: most words (prose, entity names) have none and skip them all.
      if (f !== 0) {
        if (f & KW_STRONG) {
          // `abc.execute-api.us-east-1.amazonaws.com`: see KW_STMT.
          const dotted = f & KW_STMT && !split && ws > 0 && s.charCodeAt(ws - 1) === 46 && s.charCodeAt(i) === 45 && isAsciiWordChar(s.charCodeAt(i + 1));
          // "the customer's order, don't…": ORDER without BY after it starts nothing (see KW_BY).
          // "Please call me if it's late": CALL, DO, IF start nothing without `;` or a condition (KW_SEMI, KW_IF).
          const weak =
            !split &&
            ((f & KW_BY && (!byMayFollow(s, i) || (!fromSeen && byThenDies(s, i)))) ||
              (f & KW_SEMI && !semi) ||
              (f & KW_IF && !semi && !ifCondMayFollow(s, i)) ||
              (f & KW_UPDATE && !semi && !updateMaySet(s, i)) ||
              (f & KW_FROMNEXT && !semi && !stmtWordMayFollow(s, i, FROM_HASH)) ||
              (f & KW_INTONEXT && !semi && !stmtWordMayFollow(s, i, INTO_HASH)) ||
              (f & KW_DDL && !semi && !ddlMayFollow(s, i)) ||
              (f & KW_LOGICW && !fromSeen && !logicMayBuild(s, i)));
          if (!dotted && !weak) return SCAN_FULL;
        }
        if (f & KW_PATTERN) pattern = true;
        // A word that ends in JSON / JSONB (the lexer may split a digit run off it): `?` may follow it.
        if (!jsonSeen && endsWithJson(s, ws, i)) jsonSeen = true;
        if (f & KW_CASE && caseMayTest(s, i)) return SCAN_FULL;
        if (f & KW_CALL) {
          // A builtin called: `count(`, `count (`; a comment before the parenthesis counts too.
          let j = i;
          while (j < n && s.charCodeAt(j) < 128 && PCLASS[s.charCodeAt(j)] === PC_SPACE) j++;
          const p = s.charCodeAt(j);
          const p1 = s.charCodeAt(j + 1);
          if (p === 40 || p === 35 || p === 0 || (p === 47 && p1 === 42) || (p === 45 && p1 === 45)) return SCAN_FULL;
        }
        if (f & KW_FROM) fromSeen = true;
      }
      if (w1) {
        if (keyed) {
          // After `key =`: no keyword (a word comparison would shift the sides) and not the key again.
          if (f !== 0) return SCAN_FULL;
          // Only a word (or a suffix split off after a digit) as long as the key can equal it.
          const keyLen = keyEnd - keyStart;
          const t = i - keyLen;
          if (t >= ws && (t === ws || (isDigitCode(s.charCodeAt(t - 1)) && !isDigitCode(s.charCodeAt(t))))) {
            if (keyHash === 0) keyHash = wordHash(s, keyStart, keyEnd) | 1;
            if ((wordHash(s, t, i) | 1) === keyHash) return SCAN_FULL;
          }
        } else if (keyState === 0) {
          keyState = f === 0 && !(c0 >= 48 && c0 <= 57) ? 2 : 3;
          keyStart = ws;
          keyEnd = i;
        } else keyState = 3;
      }
      continue;
    }
    i++;
    if (k === PC_SPACE) continue;
    if (k === PC_FULL) return SCAN_FULL;
    if (k === PC_OTHER) {
      // NaN at the end without reading past it: a charCodeAt call site that has read out of bounds
      // stays slower in V8's optimized code (see the lexer's readWord).
      const c1 = i < n ? s.charCodeAt(i) : NaN;
      switch (c) {
        case 0: // NUL: a separator and a truncation point (comment-like)
          comment = true;
          break;
        case 39: // '
        case 34: // "
        case 96: // `
          quotes = true;
          // The quotes right after it do only this too (and end the key candidate, below): read a run
          // of them here, stopping at `eq` where the loop's head has work. 1 MB of `'"'"…`: ~5 -> ~2 µs/KB.
          while (i < n && i !== eq) {
            const d = s.charCodeAt(i);
            if (d !== 39 && d !== 34 && d !== 96) break;
            i++;
          }
          break;
        case 59: // ; ends every segment (unwind) or kills
          w1 = w2 = false;
          semi = true;
          break;
        case 44: // ,
          if (d1 === 0) w1 = false;
          if (d2 === 0) w2 = false;
          break;
        case 40: // (
          // No depth cap: the proof above counts depth exactly (the walker's `depth` is exact too;
          // only its frames merge past MAX_DEPTH, and no feature reads a merged frame without a
          // STRONG word, a CALL or a comparison in W1, which walk anyway). A cap of 40 here sent
          // 1 MB of `((((` or `$($(` through every walk: ~35-50 µs/KB, the engine's dearest shapes.
          d1++;
          if (w2) d2++;
          break;
        case 41: // )
          rparen = true;
          if (d1 === 0) w1 = false;
          else d1--;
          if (d2 === 0) w2 = false;
          else d2--;
          break;
        case 58: // :
          if (c1 === 58) {
            // `::` casts. The walker accepts `::` only where a binary operator may stand (onOperator,
            // or first: onStart) and then wants one type word (onType: a literal, an identifier or
            // a non-reserved word, `type(`); anything else kills the walk. No feature comes of it
            // but G_PGCAST (and errorCast's F_ERROR), which need a type word of PG_TYPES glued right
            // after it: only then the full walks run (as for every `::` before). Otherwise the
            // lexer's `::` token is read here as the neutral operators are (`+`: the walk goes on,
            // or dies, which ends its segment as the end of the value would): both colons consumed,
            // as the lexer does (`:::x` is `::` then a lone `:`). The type word, if any, is read
            // again by the loop as every word is. 1 MB of `::x`: every walk ran over it, ~45 µs/KB
            // of the detector; now one pass here. (Cost per `::`: one look at the character after
            // it, plus one signature/hash of the word there when one is glued.)
            // A colon run is read here at once, as the lexer splits it: `::` pairs, each followed by
            // a `:` (neutral, see castIsNeutral), then the last pair's next character decides, or a
            // lone last colon kills as below (`:::=` is `::` then `:=`). No colon run holds `eq`
            // (s[eq - 1] is `=`). 1 MB of `::::`: one tight loop instead of the switch per pair.
            // Two colons a step (a pair changes nothing, see above): 1 MB of `::::` (what `&#58;`
            // decodes to) is ~1.7 µs/KB here (it was ~0.5 when its first `::` sent it to walks that
            // died at once; a native startsWith by blocks of 64 read ~4).
            let r = i + 1;
            while (r + 1 < n && s.charCodeAt(r) === 58 && s.charCodeAt(r + 1) === 58) r += 2;
            if (r < n && s.charCodeAt(r) === 58) r++;
            if (((r - i) & 1) === 0) {
              // An odd run (the first colon is at i - 1): the last colon is alone.
              if (r >= n || s.charCodeAt(r) !== 61) w1 = w2 = false;
            } else if (!castIsNeutral(s, r, n)) return SCAN_FULL;
            i = r;
            break;
          }
          if (c1 !== 61) w1 = w2 = false; // a lone `:` kills the walk (`:=` does not)
          break;
        case 33: // !
          // A lone `!` ("thanks!") is no comparison: the lexer makes `!=`, `!<`, `!>`, `!~` of it only
          // with one of those after it, and alone it is a unary NOT (no atom) or kills the walk. As the
          // first token of a walk it still lets a number after it lead (`! 1--`, G_LEADNUM), which
          // leadKind does not see: then the walks run. (Each lead is found once: linear.)
          if (c1 !== 61 && c1 !== 60 && c1 !== 62 && c1 !== 126) {
            if (lead0 < 0) {
              lead0 = firstNonSpaceAt(s, 0);
              leadEq = eq > 0 ? firstNonSpaceAt(s, eq) : -2;
            }
            if (i - 1 === lead0 || i - 1 === leadEq) return SCAN_FULL;
            break;
          }
          cmp = true;
          if (w2) return SCAN_FULL;
          if (w1) return SCAN_FULL; // never the key's `=`
          continue;
        case 63: // ?
          // `?`, `?|`, `?&` are PostgreSQL JSON operators, which a bare walk accepts only right after a
          // string literal or the word JSON / JSONB (binaryOp); anywhere else they end the walk, in
          // every state but S_LOOSE (reached through STRONG words only). Before any quote no literal
          // can precede it, so then ("Any update on my order?") it ends the segment like a lone `:`
          // does (inside a comment it is nothing: then any later comparison walks, see the end).
          if (!quotes && !jsonSeen) {
            w1 = w2 = false;
            break;
          }
          // With a quote before it, a literal may precede it, but not when a letter, digit or `_`
          // does (spaces skipped) and no comment came before that could end between the literal and
          // it (`'a' -- x` + LF + `?`): then the token before it is a word or a number (no literal
          // ends in one: they end in their quote, `$…$` walks anyway), or it sits inside a literal,
          // where it is no operator either. "Is it 100% cotton? It's…", "isn't it?": prose with an
          // apostrophe and a question walked every context (about 0.6 µs); now only the quoted ones,
          // as without the question mark. Each look-back stops at the previous non-space character
          // and crosses only the spaces right before this `?`: linear.
          if (!jsonSeen && !comment && (PCLASS[prevNonSpace(s, i - 2)] as number) <= PC_DIGIT) {
            w1 = w2 = false;
            break;
          }
          cmp = true;
          if (w2) return SCAN_FULL;
          if (w1) return SCAN_FULL; // never the key's `=`
          continue;
        case 61: // =
        case 60: // <
        case 62: // >
        case 126: // ~
          cmp = true;
          if (w2) return SCAN_FULL;
          if (w1) {
            if (keyed || keyState !== 2 || c !== 61) return SCAN_FULL;
            keyed = true;
          }
          continue;
        case 35: // #
          comment = true;
          if (c1 === 62 || c1 === 45) return SCAN_FULL; // `#>`, `#-` JSON operators
          // What follows in a run of `#`, and of `&` and `|` that are not doubled, does nothing more
          // here (`comment` is set, the key candidate ends below): read such a run at once, with each
          // character's own test (`#>`, `#-`, `&&`, `||`), stopping at `eq` where the loop's head has
          // work. 1 MB of bare `&#` or `#`: one tight loop instead of the switch per character. (Only
          // entered when such a character follows: `&#58;` would pay ~1 µs/KB for the empty loop.)
          if (c1 === 35 || c1 === 38 || c1 === 124) {
            while (i < n && i !== eq) {
              const d = s.charCodeAt(i);
              const e = i + 1 < n ? s.charCodeAt(i + 1) : 0;
              if (d === 35) {
                if (e === 62 || e === 45) return SCAN_FULL;
              } else if (d === 38 || d === 124) {
                if (e === d) return SCAN_FULL;
              } else break;
              i++;
            }
          }
          break;
        case 45: // -
          if (c1 === 45) comment = true;
          break;
        case 47: // /
          if (c1 === 42) {
            comment = true;
            if (i > 1 && isAsciiWordChar(s.charCodeAt(i - 2))) return SCAN_FULL; // UN/**/ION
            // The `/` and `*` right after it do nothing more here: a `*` only ends the key candidate
            // (done below for this `/`), a lone `/` too, and a `/*` repeats what was just done, its
            // word-character test reading a `/` or `*` of this run. Read the run here, stopping at
            // `eq` where the loop's head has work. 1 MB of `/*/*…`: one pass per character.
            while (i < n && i !== eq) {
              const d = s.charCodeAt(i);
              if (d !== 42 && d !== 47) break;
              i++;
            }
          }
          break;
        case 124: // |
        case 38: // &
          if (c1 === c) return SCAN_FULL; // `||`, `&&`
          break;
        case 64: // @
          if (c1 === 64 || c1 === 62 || c1 === 63) return SCAN_FULL; // `@@v`, `@>`, `@?`
          break;
        case 36: // $
          // A `$` that neither continues a word nor starts one (`$(`, `$ `, `$)`): the lexer reads it as
          // a one-character word outside the vocabulary, an identifier like `x` (no dollar quote, no
          // `$1` placeholder: those need a word character or `$` after it). As a key candidate it is
          // not one (keyState 3, below); after `key =` the walks decide. Any other `$` walks.
          if (i >= 2 && isWordChar(s.charCodeAt(i - 2))) return SCAN_FULL;
          if (c1 === 36 || isWordChar(c1)) return SCAN_FULL;
          if (w1 && keyed) return SCAN_FULL;
          break;
        case 92: // \
          // Outside a literal the lexer makes a lone T_OTHER of it, which every state a non-STRONG
          // value can be in rejects (onOperand, onOperator, onQual, castIsNeutral above); read here
          // as neutral (no kill: w1 stays open, so a later comparison still walks), an
          // over-approximation. Inside a literal it escapes the next character in MySQL's reading,
          // which moves where the literal ends: literals are already ignored here (their words are
          // read as words; `cmp` with `quotes` walks, see the end). MySQL's `\N` (NULL, also glued
          // to a keyword: `\Nunion`) is a word this scan would split wrongly: it walks. Each of the
          // dearest punctuation units of the adversarial sweep holds a backslash or a brace: they
          // went through every walk, which resynchronised at each `(` or `;` (the bare ones and,
          // with SCAN_FULL, the quoted ones too), ~50-65 µs/KB of the detector.
          if (c1 === 78 || c1 === 110) return SCAN_FULL;
          break;
        case 125: // }
          // T_OTHER `}`: accepted without any effect after an operand (ODBC escapes), rejected
          // elsewhere: neutral here, as `\` (no kill).
          break;
        case 123: // {
          // T_OTHER `{`: rejected after an operand; where an operand is due it is accepted and the
          // word right after it (its lookahead) is consumed unread (`{fn now()}`), which leaves the
          // walk's last-token bookkeeping on the token after that word. Neutral here (as `}`) only
          // when what follows cannot start a word (nor a comment, space or `\N` before one): a
          // quote, the end, punctuation that is its own token, or a `\` before no N.
          if (i < n && !BRACE_NEXT_OK[c1 as number] && !(c1 === 92 && (s.charCodeAt(i + 1) | 0x20) !== 110)) return SCAN_FULL;
          break;
        case 91: // [
          // `[x]` (SQL Server) is a quoted identifier: an operand as a word is (its words are read
          // here as words); a `[` that opens none is T_OTHER, which every state rejects, except
          // after ARRAY, where it opens a bracketed group (depth, and the `]` that closes it): a
          // word or a comment (or a NUL) before it walks. Neutral here otherwise (no kill).
          if (!bracketMayBeText(s, i - 1)) return SCAN_FULL;
          break;
        case 93: // ]
          // T_OTHER `]`: rejected everywhere but where it closes ARRAY[ (walks, see `[`) or a group at
          // or past MAX_DEPTH (onOperator). Neutral here while d1 counts the walk's depth exactly
          // (no literal, identifier or comment before it could hide a parenthesis) and stays below.
          if (quotes || comment || d1 >= MAX_DEPTH - 1) return SCAN_FULL;
          break;
        default: // the full walks decide
          return SCAN_FULL;
      }
    }
    // Any character but a space or the key's `=` ends the plain-identifier key candidate.
    if (w1 && !keyed) keyState = 3;
  }
  if (cmp && (quotes || comment)) return SCAN_FULL; // literals and comments hide segment ends
  if (comment) {
    if (fromSeen || rparen) return SCAN_FULL;
    if (firstNonSpace(s, 0) === 40 || (eq > 0 && firstNonSpace(s, eq) === 40)) return SCAN_FULL;
  }
  if (leadsWithClose(s, 0) || (eq > 0 && leadsWithClose(s, eq))) return SCAN_FULL;
  // A value that starts with a number (or, with a pattern operator, a literal) and has a comment or a
  // pattern comparison: the numeric-context rules (`1 --`, `42 like 42`, `'1' not regexp '2'`).
  if (comment || pattern) {
    const k0 = leadKind(s, 0);
    const k1 = eq > 0 ? leadKind(s, eq) : 0;
    if (k0 === 1 || k1 === 1 || (pattern && (k0 === 2 || k1 === 2))) return SCAN_FULL;
  }
  return quotes ? SCAN_QUOTED : SCAN_NONE;
}

/**
 * After `case` ending at `from` (spaces skipped, at most 64): what may start a constant test. A word
 * counts only when the table knows it (`when`, `true`, `null`...); a plain word is a column or prose.
 * Anything else but the end, a `,`, `:`, or a `-` or `.` before no digit (`case-by-case`, `case.`)
 * may be a constant, a comment or a parenthesis.
 */
function caseMayTest(s: string, from: number): boolean {
  let p = from;
  const lim = Math.min(s.length, from + 64);
  while (p < lim && isSpace(s.charCodeAt(p))) p++;
  if (p >= s.length) return false;
  const c = s.charCodeAt(p);
  if (isAsciiWordChar(c) && !isDigitCode(c)) {
    let e = p + 1;
    while (e < s.length && e - p <= KW_MAX && isAsciiWordChar(s.charCodeAt(e))) e++;
    return kwFlags(s, p, e) !== 0;
  }
  if (c === 44 || c === 58) return false;
  if (c === 45 || c === 46) return s.charCodeAt(p + 1) === 45 || isDigitCode(s.charCodeAt(p + 1)); // `--`, `-1`, `.5`
  return true;
}

/**
 * After ORDER/GROUP ending at `from`: anything but a token other than BY. The lexer's next token is
 * BY, or may be (a comment, NUL, non-ASCII, the end: conservatively yes), or it is some other token,
 * which S_BY rejects. Spaces are skipped without bound: each space run follows one word, so the
 * pre-scan stays linear.
 */
function byMayFollow(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p >= s.length) return true;
  const c = s.charCodeAt(p);
  if (c === 47 || c === 35 || c === 45 || c === 0 || c >= 128) return true;
  return (c | 0x20) === 98 && (s.charCodeAt(p + 1) | 0x20) === 121 && !isWordChar(s.charCodeAt(p + 2));
}

/**
 * After ORDER/GROUP ending at `from`: spaces, BY, then what ends a walk as after a weak logic word
 * (logicMayBuild: two plain words, or a plain word and a quote: "Order by Friday please"). After BY the
 * walk expects an operand (byArmed: only a number makes F_PROBE); W1 is a plain column and W2 no
 * operator, nor an alias without a select list (fromSeen: see KW_LOGICW). ORDER closes the segment
 * before it as any segment end does.
 */
function byThenDies(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p === from || (s.charCodeAt(p) | 0x20) !== 98 || (s.charCodeAt(p + 1) | 0x20) !== 121 || isWordChar(s.charCodeAt(p + 2))) return false;
  return !logicMayBuild(s, p + 2);
}

/**
 * After IF ending at `from`: what onStmt reads as the start of a condition, conservatively. No only
 * for a plain ASCII word (the lookahead token) other than EXISTS and NOT that no `(` follows, nor a
 * comment, NUL or non-ASCII character (which could hide or glue one).
 */
function ifCondMayFollow(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p >= s.length || PCLASS[s.charCodeAt(p)] !== PC_ALPHA) return true;
  const ws = p;
  p = asciiWordEnd(s, ws);
  if (p < 0) return true;
  if (p - ws === 6 && wordHash(s, ws, p) === EXISTS_HASH) return true;
  if (p - ws === 3 && wordHash(s, ws, p) === NOT_HASH) return true;
  p = firstNonSpaceAt(s, p);
  const c = s.charCodeAt(p);
  return c === 40 || c === 47 || c === 35 || c === 45 || c === 0 || c >= 128;
}

/**
 * After UPDATE ending at `from`: `<name> SET` may follow (conservatively). No only for a plain ASCII
 * word followed by a word other than SET or by punctuation that is no comment.
 */
function updateMaySet(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p >= s.length || PCLASS[s.charCodeAt(p)] !== PC_ALPHA) return true;
  const ws = p;
  p = asciiWordEnd(s, ws);
  if (p < 0) return true;
  p = firstNonSpaceAt(s, p);
  const c = s.charCodeAt(p);
  if (c === 47 || c === 35 || c === 45 || c === 0 || c >= 128 || p >= s.length) return true;
  return (c | 0x20) === 115 && (s.charCodeAt(p + 1) | 0x20) === 101 && (s.charCodeAt(p + 2) | 0x20) === 116 && !isWordChar(s.charCodeAt(p + 3));
}

/**
 * After DELETE / INSERT / REPLACE ending at `from`: the lexer's next token may be the word whose hash is
 * `need` (FROM, INTO). No only when the next character is plain punctuation, a digit, a quote or the
 * end (no such word), or an ASCII word with another hash that no comment glues on (`fr/**\/om`).
 * Comments, NUL, backslashes and non-ASCII characters may hide or make one: yes. Spaces are skipped
 * without bound (each space run follows one word: linear).
 */
function stmtWordMayFollow(s: string, from: number, need: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p >= s.length) return false;
  const c = s.charCodeAt(p);
  if (c === 47 || c === 35 || c === 45 || c === 0 || c === 92 || c >= 128) return true;
  if (PCLASS[c] !== PC_ALPHA) return false;
  const ws = p;
  p = asciiWordEnd(s, ws);
  if (p < 0) return true;
  if (s.charCodeAt(p) === 47) return true;
  return p - ws === 4 && wordHash(s, ws, p) === need;
}

/**
 * After DROP / ALTER / TRUNCATE / CREATE ending at `from`: onStmt may find it strong. No only for a plain
 * ASCII word outside the table (not an object keyword nor OR) followed, within 64 spaces, by another
 * character than what endsAfterNext accepts (the end, `;`, `#`, NUL, `--`, `/*`) and no comment glue.
 * Anything else that follows the statement word (a quoted name, a comment, punctuation) walks.
 */
function ddlMayFollow(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p >= s.length || PCLASS[s.charCodeAt(p)] !== PC_ALPHA) return true;
  const ws = p;
  p = asciiWordEnd(s, ws);
  if (p < 0) return true;
  if (kwFlags(s, ws, p) !== 0) return true;
  const lim = Math.min(s.length, p + 64);
  while (p < lim && isSpace(s.charCodeAt(p))) p++;
  if (p >= s.length || p >= lim) return true;
  const c = s.charCodeAt(p);
  const c1 = s.charCodeAt(p + 1);
  return c === 59 || c === 35 || c === 0 || c === 47 || (c === 45 && c1 === 45);
}

/**
 * After AND / OR / XOR ending at `from` (see KW_LOGICW): no only for spaces, a plain word W1 (ASCII
 * letters outside the table), spaces, then a second plain word W2 or an ASCII quote. Neither word may
 * have a comment glued after it (`un/**\/ion` joins into a keyword); W1 must not be a one-letter literal
 * prefix glued to `'` (`N'x'`); W1 must be followed by a space or the quote (`W1(` is a call, `W1.` a
 * qualified name). Bounded by the two words and their spaces: each logic word looks at most at the two
 * words after it, so the pre-scan stays linear.
 */
function logicMayBuild(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  if (p === from) return true;
  const e1 = plainWordEnd(s, p);
  if (e1 < 0 || kwFlags(s, p, e1) !== 0) return true;
  let c = s.charCodeAt(e1);
  if (c === 39 || c === 34) {
    const w0 = s.charCodeAt(p) | 0x20;
    return c === 39 && e1 - p === 1 && (w0 === 110 || w0 === 120 || w0 === 98 || w0 === 101);
  }
  if (PCLASS[c] !== PC_SPACE) return true;
  let q = e1;
  q = firstNonSpaceAt(s, q);
  c = s.charCodeAt(q);
  if (c === 39 || c === 34) return false;
  const e2 = plainWordEnd(s, q);
  if (e2 < 0 || kwFlags(s, q, e2) !== 0) return true;
  return s.charCodeAt(e2) === 47;
}

/**
 * End of the word (isWordChar run) starting at `ws`, or -1 when it holds a non-ASCII character (which
 * the lexer may fold or glue: the callers then answer "may").
 */
function asciiWordEnd(s: string, ws: number): number {
  let p = ws;
  while (p < s.length && isWordChar(s.charCodeAt(p))) p++;
  for (let k = ws; k < p; k++) if (s.charCodeAt(k) >= 128) return -1;
  return p;
}

/** s[a, b) ends in `json` or `jsonb` (any case). */
function endsWithJson(s: string, a: number, b: number): boolean {
  let e = b;
  if (e - a >= 5 && (s.charCodeAt(e - 1) | 0x20) === 98) e--;
  if (e - a < 4) return false;
  return (s.charCodeAt(e - 4) | 0x20) === 106 && (s.charCodeAt(e - 3) | 0x20) === 115 && (s.charCodeAt(e - 2) | 0x20) === 111 && (s.charCodeAt(e - 1) | 0x20) === 110;
}

const FROM_HASH = wordHash('from', 0, 4);
const INTO_HASH = wordHash('into', 0, 4);
const EXISTS_HASH = wordHash('exists', 0, 6);
const NOT_HASH = wordHash('not', 0, 3);

/** What a walk from `from` starts with: 1 a number (`7`, `-7`, `.5`), 2 a quote, 0 anything else. */
function leadKind(s: string, from: number): number {
  let p = firstNonSpaceAt(s, from);
  let c = s.charCodeAt(p);
  if (c === 45 || c === 43) c = s.charCodeAt(++p);
  if (c === 46) c = s.charCodeAt(p + 1);
  if (c >= 48 && c <= 57) return 1;
  return quoteClass(c) !== Q_NONE ? 2 : 0;
}

/**
 * First words whose first step may consume the token after them (`advance()` in the walker: CASE WHEN,
 * ARRAY[, MATCH x, SOUNDS LIKE, IN BOOLEAN, SIMILAR TO, PROCEDURE ANALYSE, USING x); a word followed by
 * `(` (a call) is checked apart. No other first step advances: onStart reads every other word (and
 * onStmt every statement word) without consuming its lookahead.
 */
const ADVANCING_LEADS = HashSet.load(SQL_TABLES.sets.ADVANCING_LEADS);
const ADVANCING_LEAD_WORDS = (): string[] => ['case', 'array', 'match', 'sounds', 'in', 'similar', 'procedure', 'using'];

/**
 * Whether a walk from `from` can accept a `)` as its first token (G_LEADCLOSE): the value starts with
 * `)`, or its first step consumes more than one token (a call `f(`, or a keyword pair such as
 * `case when`) and the walker's bookkeeping then sees the token after them, which may be a `)`.
 * ("Any update…", "Delete my account", "Select the blue one" start with keywords that do not advance.)
 */
function leadsWithClose(s: string, from: number): boolean {
  let p = firstNonSpaceAt(s, from);
  const c = s.charCodeAt(p);
  if (c === 41) return true;
  if (!isAsciiWordChar(c)) return false;
  let e = p + 1;
  let digits = c >= 48 && c <= 57;
  while (e < s.length && isAsciiWordChar(s.charCodeAt(e))) {
    if (digits && !isDigitCode(s.charCodeAt(e))) digits = false;
    e++;
  }
  // A run of digits only is a number (T_NUM), whatever follows it: its step consumes nothing more
  // (`0(0(0(`: a number, then a group; no call). 1 MB of `0(` went through every walk.
  if (digits) return false;
  if (kwFlags(s, p, e) !== 0 && ADVANCING_LEADS.has(wordHash(s, p, e))) return true;
  const lp = firstNonSpaceAt(s, e);
  if (s.charCodeAt(lp) !== 40) return false;
  // A call `f(`: its step takes the `(` too and the walker's bookkeeping sees the token after it,
  // which is a `)` only when one follows (spaces aside) or may follow a comment, a NUL or a Unicode
  // space; nor is it a literal (G_LEADSTR) or a word then. Any other character there opens a token
  // of its own (`_($+`, `f(0`, `x(\`): no leading close.
  const nc = s.charCodeAt(firstNonSpaceAt(s, lp + 1));
  return !(nc < 128 && CALL_NEXT_OK[nc] === 1);
}

/** What may follow `f(` at the start of a walk without a `)` being its next token (see leadsWithClose). */
const CALL_NEXT_OK = new Uint8Array(128);
(() => {
  for (const ch of '0123456789($\\{}[],;:+%^~&|=<>!?@.') CALL_NEXT_OK[ch.charCodeAt(0)] = 1;
})();

/** A run of ASCII letters from `p` that is a whole lexer word (no digit, `_` or `$` after it): its end, or -1. */
function plainWordEnd(s: string, p: number): number {
  let e = p;
  while (e < s.length) {
    const c = s.charCodeAt(e) | 0x20;
    if (c < 97 || c > 122) break;
    e++;
  }
  if (e === p || isWordChar(s.charCodeAt(e))) return -1;
  return e;
}

/**
 * `OR 97201`, `OR-97201`, `OR 97201-1234`: Oregon and a ZIP code, the whole value of a state+zip form field. As SQL
 * it is a leading OR with a number, which needs the application to splice the value after a complete
 * operand; `1 OR 97201`, the numeric-context form, is judged elsewhere and unchanged. Only this exact
 * shape (OR, one space or `-`, five digits, optional -four digits, nothing else) is spared: `OR 1`, `OR 97201--`,
 * `OR 97201)`, `AND 97201` still count. At most 15 characters read.
 */
function isStateZip(s: string): boolean {
  const n = s.length;
  if (n !== 8 && n !== 13) return false;
  if ((s.charCodeAt(0) | 0x20) !== 111 || (s.charCodeAt(1) | 0x20) !== 114 || (s.charCodeAt(2) !== 32 && s.charCodeAt(2) !== 45)) return false;
  for (let i = 3; i < n; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 ? c !== 45 : c < 48 || c > 57) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Decision
// ---------------------------------------------------------------------------------------------------

type Verdict = { rule: string; reason: string; confidence: 'high' | 'medium' | 'low' };

const CTX_NAME = ['as typed', 'a single-quoted literal', 'a double-quoted literal', '', 'a backtick identifier'];

interface Lit {
  /** Where the breakout quote is. */
  end: number;
  /** The literal before the breakout is one login-like token (`admin`). */
  word: boolean;
  /** ... is empty or blank. */
  blank: boolean;
  /** ... is short and free of code punctuation (no brackets, `;`, `=`, `<`, `>`, `$`, `|`, backtick). */
  plain: boolean;
  /** ... is at most 16 letters, digits, spaces, `%`, `_`, `.`, `-` (`A `, `aa`, `1`). */
  short: boolean;
}

const NO_LIT: Lit = { end: -1, word: false, blank: false, plain: false, short: false };

function judge(w: Walk, s: string, quote: number, lit: Lit, parenStart: boolean, formula = false): Verdict | undefined {
  const f = w.feats;
  const ctx = quote === Q_NONE ? '' : ` after closing ${CTX_NAME[quote]}`;
  if (f & F_UNION) return { rule: 'sqli.union', reason: `UNION SELECT forms a second query${ctx}.`, confidence: 'high' };
  if (f & F_STACK) return { rule: 'sqli.stacked', reason: `A second SQL statement follows${ctx}.`, confidence: 'high' };
  if (f & F_TIME) return { rule: 'sqli.time', reason: `A time-delay SQL function or WAITFOR appears in valid SQL${ctx}.`, confidence: 'high' };
  if (f & F_ERROR) return { rule: 'sqli.error', reason: `An error-based extraction function appears in valid SQL${ctx}.`, confidence: 'high' };
  if (f & F_FILE) return { rule: 'sqli.file', reason: `A file read/write construct appears in valid SQL${ctx}.`, confidence: 'high' };
  if (f & F_EXEC) return { rule: 'sqli.exec', reason: `A command-execution, dynamic-SQL or out-of-band procedure is called${ctx}.`, confidence: 'high' };
  if (f & F_TAUT) return { rule: 'sqli.tautology', reason: `A logical operator is followed by a constant comparison${ctx}.`, confidence: 'high' };
  if (f & F_LOGIC_FN) return { rule: 'sqli.boolean', reason: `A logical operator is followed by an SQL function call or subquery${ctx}.`, confidence: 'high' };
  if (f & F_CONDFN) return { rule: 'sqli.boolean', reason: `A conditional SQL function or CASE WHEN tests a constant condition${ctx}.`, confidence: 'high' };
  if (f & F_STMT) return { rule: 'sqli.statement', reason: 'The value is a data-changing or administrative SQL statement.', confidence: 'high' };
  if (f & F_PROBE) return { rule: 'sqli.probe', reason: `ORDER BY / GROUP BY with a column number${ctx}.`, confidence: quote !== Q_NONE || w.complete ? 'high' : 'medium' };
  if (f & F_HAVING) return { rule: 'sqli.probe', reason: `A HAVING clause with a condition${ctx}.`, confidence: 'high' };
  if (
    (f & F_SELSHAPE && (f & (F_FROM | F_SQLFN | F_SYSVAR | F_CATALOG) || w.endComment)) ||
    (f & F_CATALOG && f & (F_FROM | F_SQLFN | F_SUBQ)) ||
    (f & F_OPENSEL && f & F_FROM)
  ) {
    return { rule: 'sqli.statement', reason: `The value forms an SQL query${ctx}.`, confidence: 'high' };
  }
  const g = w.feats2;
  if (g & G_GLUE && f & (F_FROM | F_SELSHAPE | F_LOGIC_IDCMP | F_LOGIC_OR_CONST | F_LOGIC_AND_CONST | F_SQLFN) && w.valid > 2) {
    return { rule: 'sqli.evasion', reason: `Comments replace the spaces between SQL keywords${ctx}.`, confidence: 'high' };
  }
  if (g & G_UNIONKW && g & G_COMMENT && (quote !== Q_NONE || g & G_LEADNUM)) {
    return { rule: 'sqli.union', reason: `UNION follows a value, hidden among comments${ctx}.`, confidence: 'high' };
  }
  if (g & G_SPPASSWORD) return { rule: 'sqli.evasion', reason: 'A `--sp_password` comment hides the batch from SQL Server traces.', confidence: 'high' };
  if (quote !== Q_NONE) {
    if (f & F_SUBQ) return { rule: 'sqli.subquery', reason: `A subquery follows the closed literal${ctx}.`, confidence: 'high' };
    // `x'; drop`, `';select p`: the breakout is followed at once by `;` and a statement keyword.
    if (g & G_SEMISTMT && (quote !== Q_BACKTICK ? lit.plain : lit.word)) return { rule: 'sqli.stacked', reason: `A semicolon and a statement keyword follow${ctx}.`, confidence: 'high' };
    if (w.semiEnd && !w.endComment && lit.word) {
      // `admin';`, `root@example.com'/* x */;`: a login-like literal is closed and the statement ended.
      return { rule: 'sqli.comment', reason: `A semicolon ends the statement${ctx}.`, confidence: 'high' };
    }
    if (g & G_LOGICFIRST && quote !== Q_BACKTICK && (lit.word || lit.blank) && bareTailComment(s) && !hasQuoteAfter(s, lit.end + 1, quote)) {
      // `a'or?--`, `user'and id is not?--`: AND/OR right after the only quote and a bare comment at the
      // end, whatever the middle (often a dialect the walk does not know) does. A second quote of the
      // kind means a quoted phrase or a plural possessive (`kids' and parents' --`), not a breakout.
      return { rule: 'sqli.comment', reason: `A logical operator follows the closed literal and a comment truncates the query${ctx}.`, confidence: 'high' };
    }
    // The remaining shapes are weaker; they count when both ends look like a value, not like code or
    // prose: a plain literal before the quote and a plain (or comment) ending. A word quoted in prose
    // (`Press the 'like' button`, `the word "or".`) is not such a value (see quotedWord).
    const weak = quote !== Q_BACKTICK && lit.plain && !quotedWord(s, lit.end, quote);
    const ends = weak && w.endOk && w.tailPlain;
    const done = weak && w.complete && (w.tailPlain || !w.endOk);
    // A comment after an unfinished expression (`'<#…`: an operand missing; `(x#…`: a parenthesis
    // open) leaves a syntax error (w.broken). Random passwords make such walks (`'<#FgD<uF8y…`,
    // `JS*Z81v,_'<#[C^…`). So does a PostgreSQL JSON operator before a `#` comment, which only
    // MySQL has (`…R'?0#6u>n`: MySQL reads `?` as a placeholder).
    const whole = !w.broken && !(g & G_JSONOP && w.endComment && !w.strictDash);
    // `#` also starts hashtags and password symbols: after it, an operator expression counts as a
    // literal's continuation only when its operands are constants (`'-0#`, `'|0#`: MySQL's `user = 0`
    // matches every name), not names that no table has (`'|G%_i#~(*…`, `X%L'/yL~UXI*o1F>T#F]`).
    const hashOk = !w.endComment || w.strictDash || w.constExpr;
    if (f & F_LOGIC_OR_CONST && ends) return { rule: 'sqli.tautology', reason: `OR with a literal operand${ctx}.`, confidence: 'high' };
    if (f & F_LOGIC_OR_LIT && done) return { rule: 'sqli.tautology', reason: `OR with a literal operand${ctx}.`, confidence: 'high' };
    if (g & G_LOGIC_AND_LIT && done) return { rule: 'sqli.boolean', reason: `AND with a literal operand${ctx}.`, confidence: 'high' };
    if (f & F_LOGIC_IDCMP && done) return { rule: 'sqli.boolean', reason: `A logical operator adds a condition${ctx}.`, confidence: 'high' };
    if (f & F_FIRST_CMP && ends && whole) return { rule: 'sqli.expression', reason: `The closed literal is compared with another value${ctx}.`, confidence: 'high' };
    if (f & F_FIRST_FN && ends && whole) return { rule: 'sqli.expression', reason: `The closed literal is compared with an SQL function or subquery${ctx}.`, confidence: 'high' };
    if (f & F_SYSVAR && done) return { rule: 'sqli.expression', reason: `A server variable follows the closed literal${ctx}.`, confidence: 'high' };
    if (quote === Q_SINGLE && ends && whole && hashOk && lit.short && (f & (F_FIRST_OP | F_FIRST_CMPW | F_LOGIC_AND_CONST) || g & G_OPENCMP)) {
      // `A' * 'B`, `' AND '`, `x' LIKE '`: an apostrophe is followed by an operator and a literal that the
      // application's own quote closes. Double quotes are left out: product searches quote phrases.
      return { rule: 'sqli.expression', reason: `An operator joins the closed literal to another literal${ctx}.`, confidence: 'high' };
    }
    if (
      g & G_LOGICFIRST &&
      quote !== Q_BACKTICK &&
      (lit.word || lit.blank) &&
      !w.broken &&
      (bareTailHash(s) || (orOperandTail(s, lit.end, w.endOk) && (!pluralPossessive(s, lit.end) || codeOperand(s, lit.end)))) &&
      !hasQuoteAfter(s, lit.end + 1, quote)
    ) {
      // As `a'or?--` above, with MySQL's `#` for `--`: AND/OR right after the only quote, a complete
      // expression, and `#` glued to its last operand with nothing after it (`' or id#`: `name='' or id`
      // matches every row with a non-zero id). Asked after the rules above, whose findings keep
      // their names (`' or 1#` is a tautology). Blanks before the `#` (`' or id #`), or a `;` that
      // ends the statement for SQLite's exec and MySQL multi-statements (`x' or id;`, see endOk), are
      // also read, but only as OR and one operand (orOperandTail) and not after a plural possessive
      // (`Kids' or adults;`, `Boys' or girls #`: prose ends a line that way, with or without `#`).
      return { rule: 'sqli.comment', reason: `A logical operator follows the closed literal and a comment truncates the query${ctx}.`, confidence: 'high' };
    }
    if (w.trunc) {
      // `admin'--`, `admin')#`, `' -- `: the rest of the query is commented out.
      // A number closed with the application's parenthesis (`1')--`, `7'))#`) is as strong as a login.
      const strong = quote !== Q_BACKTICK && w.shortComment && (lit.word || (lit.blank && w.strictDash) || (w.closes > 0 && lit.short));
      const conf = strong ? 'high' : w.strictDash && quote !== Q_BACKTICK ? 'medium' : 'low';
      return { rule: 'sqli.comment', reason: `A comment truncates the query${ctx}.`, confidence: conf };
    }
    if (g & G_LOGIC_EXPR && ends) return { rule: 'sqli.boolean', reason: `A logical operator adds an expression${ctx}.`, confidence: 'high' };
    if (weak && g & G_KWFIRST && w.endComment && w.strictDash && w.valid >= 2 && whole) return { rule: 'sqli.expression', reason: `SQL keywords and a comment follow the closed literal${ctx}.`, confidence: 'high' };
    if (weak && f & F_FIRST_OP && w.endComment && w.strictDash && !w.dangling) return { rule: 'sqli.expression', reason: `An operator and a comment follow the closed literal${ctx}.`, confidence: 'high' };
    if (f & (F_LOGIC_OR_CONST | F_LOGIC_AND_CONST | F_LOGIC_IDCMP | F_LOGIC_OR_LIT)) return { rule: 'sqli.boolean', reason: `A logical operator follows the literal${ctx}.`, confidence: w.complete ? 'medium' : 'low' };
    if (f & (F_SQLFN | F_SYSVAR) && w.valid > 1) return { rule: 'sqli.expression', reason: `SQL functions follow the closed literal${ctx}.`, confidence: 'medium' };
    if (f & (F_FIRST_OP | F_FIRST_CMP | F_FIRST_CMPW | F_FIRST_FN) && w.endOk) return { rule: 'sqli.expression', reason: `An operator follows the closed literal${ctx}.`, confidence: quote === Q_SINGLE && w.tailPlain ? 'medium' : 'low' };
    if (w.endComment && w.valid > 0) return { rule: 'sqli.comment', reason: `SQL tokens and a comment follow the closed literal${ctx}.`, confidence: 'low' };
    return undefined;
  }
  // `;drop`, `; update users`: the value starts by ending the statement and naming a new one.
  if (g & G_SEMISTMT) return { rule: 'sqli.stacked', reason: 'The value starts with a semicolon and a statement keyword.', confidence: 'high' };
  if (w.complete) {
    if (f & F_LEADLOGIC && (f & (F_LOGIC_IDCMP | F_LOGIC_OR_LIT) || g & (G_LOGIC_AND_LIT | G_OPENCMP)) && !isStateZip(s)) return { rule: 'sqli.boolean', reason: 'The value appends a logical condition to the query.', confidence: 'high' };
    // Numeric-context probes: a constant comparison that only SQL writes (`1!=11`, `42<=>42`,
    // `42 like 42`, `'1' not regexp '2'`), or one followed by a truncating comment (`1!=0--`).
    // Not with the compared literal left open (`5!>'fbv[dL…`, a password): as typed, nothing closes it.
    if (f & F_FIRST_CMP && g & G_LEADNUM && (g & G_SQLCMP || (w.endComment && w.strictDash)) && !w.openEnd) {
      return { rule: 'sqli.expression', reason: 'A number is compared with a constant in SQL syntax.', confidence: 'high' };
    }
    if (f & F_FIRST_CMPW && ((g & G_WORDCMP && g & G_LEADNUM) || (g & G_CODECMP && g & G_LEADSTR))) {
      return { rule: 'sqli.expression', reason: 'Constants are compared with an SQL pattern operator.', confidence: 'high' };
    }
    // `1 || user_id is not null`, `7 or name = 'x'`: a number continued by a condition on a column.
    if (g & G_NUMLOGIC && f & F_LOGIC_IDCMP) return { rule: 'sqli.boolean', reason: 'A number is followed by a logical operator and a condition.', confidence: 'high' };
    if (f & F_LOGIC_OR_KW && (f & F_LEADLOGIC || g & G_LEADNUM || w.endComment)) return { rule: 'sqli.tautology', reason: 'OR TRUE makes the condition always true.', confidence: 'high' };
    // `1 or 1#`, `1 or 1-- -`, `7 or 2/*`: a number, OR and a number, then a bare comment that cuts
    // the application's query. In a numeric context every row matches (a non-zero number is true)
    // and the comment removes what would have restricted it. `1 or 2` alone is a choice in prose;
    // a comment with nothing after it is not.
    if (g & G_NUMLOGIC && f & F_LOGIC_OR_LIT && w.endComment && !w.broken && (w.strictDash ? bareTailComment(s) : bareTailHash(s, true))) {
      return { rule: 'sqli.tautology', reason: 'A number OR a number, then a comment that truncates the query.', confidence: 'high' };
    }
    // `1 or 1`, `7 || 7`, `1 or not 0`, `1 or 0x31`, `1 or 2 limit 1` with no comment: see numOrNum.
    // (A parenthesised number first, `(1) or (1)`, sets no G_NUMLOGIC: numOrNum reads it.)
    if ((g & G_NUMLOGIC || s.charCodeAt(firstNonSpaceAt(s, 0)) === 40) && numOrNum(s)) return { rule: 'sqli.tautology', reason: 'A number OR a constant that only SQL writes: every row matches in a numeric context.', confidence: 'high' };
    // Nested builtins (`length(compress(version()))`); a leading `=` is a spreadsheet formula instead.
    if (f & F_NESTFN && !formula) return { rule: 'sqli.expression', reason: 'Nested SQL function calls form an expression.', confidence: 'high' };
    if (g & G_JSONOP && g & (G_JSONLIT | G_PGCAST)) return { rule: 'sqli.json', reason: 'A JSON literal meets a PostgreSQL JSON operator or cast.', confidence: 'high' };
    if (g & G_JSONLIT && f & (F_FIRST_CMP | F_TAUT | F_LEADLOGIC)) return { rule: 'sqli.json', reason: 'A JSON literal is compared in an SQL condition.', confidence: 'high' };
    if (g & G_PGCAST) return { rule: 'sqli.expression', reason: 'A PostgreSQL cast to an SQL type.', confidence: 'high' };
    if (g & G_FIRSTFN && w.unclosed && w.valid <= 4) return { rule: 'sqli.expression', reason: 'The value opens a call to an SQL builtin.', confidence: 'high' };
    if (g & G_LEADCLAUSE && !w.broken) return { rule: 'sqli.expression', reason: 'The value closes a parenthesis and continues with SQL clauses.', confidence: 'high' };
    // `SELECT (CASE`, `select (case when`: a SELECT whose item is a CASE expression, cut off inside it
    // (a blind-injection probe's head). Prose does not parse that far: `Select (case sensitive)` dies
    // at `)` (a CASE needs WHEN), `Select case studies` at the second word.
    if (g & G_SELCASE && w.unclosed && f & F_SELSHAPE) return { rule: 'sqli.statement', reason: 'A SELECT whose item is an unfinished CASE expression.', confidence: 'high' };
    // Not with the value's own parenthesis still open or an operand missing at the comment: the
    // comment leaves them so (`(@FfL.v%AtqC*vU#x{qT`, `(agd,v&_knmt_nBQLm-#`: random passwords).
    if (parenStart && w.endComment && !w.broken && f & (F_SUBQ | F_SQLFN | F_OPSEEN)) return { rule: 'sqli.expression', reason: 'A parenthesised SQL expression ends in a comment.', confidence: 'high' };
    if (g & G_LEADNUM && !(g & G_NONNUM) && w.endComment && w.strictDash && bareTailComment(s)) {
      // `1--`, `1 * 1 /*`: numbers and operators, then a comment with no text. Closing the application's
      // parenthesis first (`1)--`) is an injection; without it, a dash-dash after a number may be prose.
      return { rule: 'sqli.comment', reason: 'A number is followed by a truncating comment.', confidence: w.closes > 0 ? 'high' : 'medium' };
    }
  }
  if (f & (F_SYSVAR | F_CATALOG | F_SQLFN | F_SELSHAPE)) return { rule: 'sqli.expression', reason: 'SQL functions or system objects form an expression.', confidence: w.complete ? 'medium' : 'low' };
  if (f & (F_LOGIC_IDCMP | F_LOGIC_OR_CONST | F_LOGIC_AND_CONST | F_FIRST_CMP)) return { rule: 'sqli.boolean', reason: 'A logical operator or comparison forms an SQL condition.', confidence: 'low' };
  return undefined;
}

const RANK = { high: 3, medium: 2, low: 1 } as const;

/**
 * At `at`, an apostrophe that ends an English contraction or possessive: glued to an ASCII letter
 * before it and followed by `s`, `t`, `d`, `m`, `ll`, `re` or `ve` and then no word character
 * (`Where's the`, `Union's rep`, `Order'll ship`). No SQL literal opens that way: a payload's literal
 * after a keyword holds its operand (`or'1'='1`, `where's'='s'` glues a quote after the `s`, which
 * this rejects). Reads at most 4 characters.
 */
function contraction(s: string, at: number): boolean {
  const b = s.charCodeAt(at - 1) | 0x20;
  if (b < 97 || b > 122 || s.charCodeAt(at) !== 39) return false;
  const c1 = s.charCodeAt(at + 1) | 0x20;
  let end = at + 2;
  if (!(c1 === 115 || c1 === 116 || c1 === 100 || c1 === 109)) {
    const c2 = s.charCodeAt(at + 2) | 0x20;
    if (!((c1 === 108 && c2 === 108) || (c1 === 114 && c2 === 101) || (c1 === 118 && c2 === 101))) return false;
    end = at + 3;
  }
  if (end >= s.length) return true;
  const c = s.charCodeAt(end);
  return !isWordChar(c) && quoteClass(c) === Q_NONE;
}

/**
 * The quote at `at` follows a prose word of two letters or more and a blank (at most 16 characters
 * read back): `Press the 'like'`, `What does "union`. A one-letter operand (`A 'OR' B`) or a
 * number before it is a value.
 */
/** Longest tail openToEnd lexes; a longer one is read as SQL (as before the contraction rule). */
const OPEN_TAIL_MAX = 512;

/**
 * The value from the apostrophe at `at` to its end, lexed as bare SQL, ends inside a single-quoted
 * literal: the statement's quotes cannot balance (the application's own text after a numeric context
 * holds an even number), so this reading is a syntax error in every dialect and a contraction may be
 * read as prose (`Where's the 'like' button?`: `'s the '`, LIKE, `' button?` left open). When every
 * literal closes (`1 or's a' like 's a'`, `1 and case when's a' like 's a' then sleep(5) end`), the
 * reading is valid SQL and stays. Doubled quotes escape; a double-quoted or backquoted token is
 * skipped (unclosed: an error, open). A backslash (MySQL escapes with it, the others do not) or a
 * comment (which can hide the quote that would close or open a literal) reads as closed, as does a
 * tail longer than OPEN_TAIL_MAX characters. Cost: one pass over at most OPEN_TAIL_MAX characters,
 * only for an apostrophe that is a contraction in a bare walk.
 */
function openToEnd(s: string, at: number): boolean {
  const n = s.length;
  if (n - at > OPEN_TAIL_MAX) return false;
  let i = at + 1;
  let inLit = true;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) return false;
    if (inLit) {
      if (c === 39) {
        if (s.charCodeAt(i + 1) === 39) i++;
        else inLit = false;
      }
      i++;
      continue;
    }
    if (c === 39) inLit = true;
    else if (c === 34 || c === 96) {
      const close = s.indexOf(String.fromCharCode(c), i + 1);
      if (close < 0) return true;
      if (s.lastIndexOf('\\', close) > i) return false;
      i = close;
    } else if (c === 35 /* # */ || (c === 45 && s.charCodeAt(i + 1) === 45) || (c === 47 && s.charCodeAt(i + 1) === 42)) return false;
    i++;
  }
  return inLit;
}

function proseQuoteOpen(s: string, at: number): boolean {
  if (at < 1 || !isSpace(s.charCodeAt(at - 1))) return false;
  let b = at - 1;
  while (b > 0 && at - b < 16 && isSpace(s.charCodeAt(b))) b--;
  let letters = 0;
  while (b >= 0 && letters < 2 && (s.charCodeAt(b) | 0x20) >= 97 && (s.charCodeAt(b) | 0x20) <= 122) {
    letters++;
    b--;
  }
  return letters >= 2;
}

/**
 * The breakout quote at `at` opens a word quoted in prose: a blank before it, then 2 to 24 ASCII
 * letters, then the same kind of quote, then the end of the value, a blank or sentence punctuation
 * (`Press the 'like' button`, `Type 'and' to search`, `I said "and" not "or".`). Read as SQL,
 * the word is the whole payload and the application's literal follows it: `like ' button'`,
 * `or '.'`, `and ' to search'`, an operator whose other operand is the text after the word, a
 * string that is false or an error in every dialect unless it starts with a number (`1' or '1`
 * keeps its digit glued). The weak verdicts of the quoted walk (a literal operand, an operator
 * joining literals) then need a value-like literal, not this. The word before the quote must be
 * prose too (two letters or more): `A 'OR' B`, `A 'RLIKE' B` are operator probes. What follows the
 * word is a literal up to the next quote, so anything an attacker adds after it (`x 'or' '1'='1`,
 * `x 'or' sleep(5)`) goes through the strong verdicts, which this does not touch; a value that
 * starts with the quote (`'or'`) or glues it to a word (`admin'or'`) is read as before. Reads at
 * most 16 characters before the quote and 26 after it.
 */
function quotedWord(s: string, at: number, quote: number): boolean {
  // The word before is prose too (`Press the`, `Type`, `said`): see proseQuoteOpen.
  if (!proseQuoteOpen(s, at)) return false;
  let p = at + 1;
  while (p < s.length && p - at <= 25) {
    const c = s.charCodeAt(p) | 0x20;
    if (c < 97 || c > 122) break;
    p++;
  }
  if (p - at < 3 || p - at > 25 || quoteClass(s.charCodeAt(p)) !== quote) return false;
  // A pattern operator takes the application's literal as its pattern, and `(col = 'x ') REGEXP '.'`
  // (MySQL) or `… GLOB '?'` (SQLite) matches the comparison's 0: always true.
  const word = s.slice(at + 1, p).toLowerCase();
  if (word === 'regexp' || word === 'rlike' || word === 'glob') return false;
  if (p + 1 >= s.length) return true;
  const c = s.charCodeAt(p + 1);
  // `.`, `,`, `!`, `?`, `;`, `:`, `)`.
  if (!(isSpace(c) || c === 46 || c === 44 || c === 33 || c === 63 || c === 59 || c === 58 || c === 41)) return false;
  return !truthyLiteral(s, p + 1);
}

/**
 * From `a`: at most 64 blanks, at most 8 signs, then a digit or `.` and a digit: a literal MySQL and
 * SQLite read as the number it starts with (`' 1'`, `' -2 more'`, `'.5'`).
 */
function numberLed(s: string, a: number): boolean {
  let k = a;
  while (k < s.length && k - a < 64 && s.charCodeAt(k) <= 32) k++;
  const b = k;
  while (k < s.length && k - b < 8 && (s.charCodeAt(k) === 43 || s.charCodeAt(k) === 45)) k++;
  const d = s.charCodeAt(k);
  return (d >= 48 && d <= 57) || (d === 46 && s.charCodeAt(k + 1) >= 48 && s.charCodeAt(k + 1) <= 57);
}

/**
 * The literal that starts at `a` and runs to the end of the value (the application closes it) can be
 * true as an operand of OR/XOR/DIV: MySQL and SQLite read a string as the number it starts with,
 * blanks and signs first (`' 1'`, `'.5 and more'`, `' -2'`); PostgreSQL takes a whole literal that is
 * a boolean word or a prefix of one, blanks aside (`' true'`, `' t'`, `'yes'`, `'on'`). So `Press the
 * 'or' 1` is a tautology, `Press the 'or' button` is not. Reads at most 64 leading blanks, 8 signs and
 * one more character, then the value's trailing blanks and at most 4 characters before them.
 */
function truthyLiteral(s: string, a: number): boolean {
  const n = s.length;
  if (numberLed(s, a)) return true;
  let b = a;
  while (b < n && b - a < 64 && s.charCodeAt(b) <= 32) b++;
  let e = n;
  while (e > b && s.charCodeAt(e - 1) <= 32) e--;
  if (e - b < 1 || e - b > 4) return false;
  const w = s.slice(b, e).toLowerCase();
  return 'true'.startsWith(w) || 'yes'.startsWith(w) || w === 'on';
}

function literal(s: string, quoteAt: number): Lit {
  return { end: quoteAt, word: isLoginLike(s, quoteAt), blank: isBlank(s, quoteAt), plain: isPlainLiteral(s, quoteAt), short: quoteAt <= 16 && plainText(s, 0, quoteAt) };
}

/**
 * Up to 40 characters without code punctuation: `1%`, `admin`, `A `, `-8233`, `a.b@c.io`. Backslashes
 * are allowed: escaping games (`aa\\"aaa' or '1`) and Windows paths are values, not code.
 */
function isPlainLiteral(s: string, quoteAt: number): boolean {
  if (quoteAt > 40) return false;
  for (let i = 0; i < quoteAt; i++) {
    switch (s.charCodeAt(i)) {
      case 40: // (
      case 41: // )
      case 123: // {
      case 125: // }
      case 91: // [
      case 93: // ]
      case 59: // ;
      case 61: // =
      case 60: // <
      case 62: // >
      case 36: // $
      case 96: // backtick
      case 124: // |
        return false;
      default:
        break;
    }
  }
  return true;
}

/** A quote of class `q` at or after `from`. */
function hasQuoteAfter(s: string, from: number, q: number): boolean {
  for (let i = from; i < s.length; i++) if (quoteClass(s.charCodeAt(i)) === q) return true;
  return false;
}

function isBlank(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
}

function startsWithParen(s: string, from: number): boolean {
  let i = from;
  while (i < s.length && i - from < 64 && isSpace(s.charCodeAt(i))) i++;
  return s.charCodeAt(i) === 40;
}

/** `key=` at the start (a short identifier-ish key): where the value starts, or -1. */
function formValueStart(s: string): number {
  const lim = Math.min(s.length, 48);
  for (let i = 0; i < lim; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) return i > 0 && i + 1 < s.length ? i + 1 : -1;
    if (!(isWordChar(c) || c === 46 || c === 91 || c === 93 || c === 45)) return -1;
  }
  return -1;
}

/**
 * The application's literal before the breakout is one short login-like token (`admin`, `a.b@c.io`),
 * the typical target of `admin'--`. Code (`console.log(`) and prose are not.
 */
function isLoginLike(s: string, quoteAt: number): boolean {
  if (quoteAt === 0 || quoteAt > 64) return false;
  let letter = false;
  for (let i = 0; i < quoteAt; i++) {
    const c = s.charCodeAt(i);
    if (((c | 0x20) >= 97 && (c | 0x20) <= 122) || (c >= 0x80 && isWordChar(c))) letter = true;
    else if (!((c >= 48 && c <= 57) || c === 95 || c === 46 || c === 64 || c === 45 || c === 43)) return false;
  }
  return letter;
}

/**
 * Detects SQL injection in one untrusted string. Pure, linear, never throws.
 * Rules: sqli.union, sqli.stacked, sqli.time, sqli.error, sqli.file, sqli.exec, sqli.tautology,
 * sqli.boolean, sqli.statement, sqli.probe, sqli.subquery, sqli.comment, sqli.expression, sqli.evasion,
 * sqli.json.
 *
 * `mask`, when given, is charMask(value) (the engine's): it only spares a scan, never changes an answer.
 */
export function detectSqlInjection(value: string, mask?: number): Detection | undefined {
  // No try/catch: a bug here must reach the wrapper, which logs it once and fails open.
  if (typeof value !== 'string' || value.length < 2) return undefined;
  // worthWalking first: it leaves at the first trigger character, and values without one (ids,
  // tokens, dates, plain words) stop there as before. The pre-scan then spares the walks for most
  // values that have one.
  // A mask with a trigger character (quote, `;`, `=`, `<`, `>`, `!`, `(`, `)`, `#`) answers for
  // worthWalking, which returns true at the first one it meets (it reads every such character: word
  // runs never hold one). "Jane O'Neil", "+1 (555) 010-0000" skip its pass.
  if ((mask === undefined || (mask & WW_TRIGGER_MASK) === 0) && !worthWalking(value)) return undefined;
  const scan = prescan(value);
  if (scan === SCAN_NONE) return undefined;
  const bare = scan === SCAN_FULL;
  const w = WALKER;
  w.begin();
  // Typographic quotes (U+02B9 and above) are non-ASCII: without any, there are none to look for.
  const typographic = mask === undefined || (mask & C.NONASCII) !== 0;
  let best = walkContexts(value, bare, typographic);
  try {
    if ((best === undefined || best.confidence !== 'high') && w.dashSeen()) {
      // A `--` before a letter or digit ended the walks as a comment, as in every dialect but MySQL,
      // which reads two minus signs there: `1--1 union select pw from users` is `1 - -1 UNION SELECT`
      // to it. Walk again with MySQL's own reading (only values with such a `--` pay for it: product
      // codes, `-----` rules, `yes--but` prose).
      w.dialect(false, false, true);
      best = stronger(best, walkContexts(value, bare, typographic));
    }
    if ((best === undefined || best.confidence !== 'high') && w.standardDiffers()) {
      // A backslash hid a quote inside a literal: MySQL reads `'\'` as an unclosed literal, the other
      // dialects (standard strings) as a backslash, and what follows as code: `x' or '\'='\' or 1=1--`
      // is a tautology to PostgreSQL, SQL Server, Oracle and SQLite. Or a `#` after an operand ended
      // the walks as MySQL's comment, where PostgreSQL reads its XOR: `1#0 or 1=1`, or a CR inside a
      // `--` comment, where PostgreSQL ends it: `x'--<CR> or 1=1--`. Walk again with
      // their reading, comments flat (SQLite, Oracle; PostgreSQL and SQL Server too while no comment
      // nests). Only values with such a backslash (an escaped quote: JSON or code in a text field) or
      // such a `#` (`5 #2`) pay for it.
      w.dialect(false, true);
      best = stronger(best, walkContexts(value, bare, typographic));
    }
    if ((best === undefined || best.confidence !== 'high') && w.nestedSeen()) {
      // A block comment held `/*`: PostgreSQL and SQL Server nest comments, so `/* a /* b */ c */` hides
      // ` c */` from them where MySQL reads it as code. Walk again with their reading (only such values
      // pay for it; comments inside comments are rare outside attacks and code). Both read the
      // standard way: a backslash is a character to them, `#` no comment.
      w.dialect(true, true);
      best = stronger(best, walkContexts(value, bare, typographic));
    }
  } finally {
    w.dialect(false, false);
  }
  // `'or'1=1′`: the walks read a trailing U+2032 PRIME as a quote (see quoteClass), which closes the
  // literal the breakout opened and leaves the application's own quote dangling. No database reads a
  // prime as a quote: there the application's quote closes the literal, as after `'or'1=1`. Read the
  // value once more without it (only values ending in a prime pay for it).
  if ((best === undefined || best.confidence !== 'high') && value.charCodeAt(value.length - 1) === 0x2032) {
    best = stronger(best, primeAsText(value.slice(0, -1), typographic));
  }
  return done(best);
}

/** The walks of `v` (a value without its trailing prime), as detectSqlInjection runs them. */
function primeAsText(v: string, typographic: boolean): Verdict | undefined {
  if (v.length < 2 || !worthWalking(v)) return undefined;
  const scan = prescan(v);
  return scan === SCAN_NONE ? undefined : walkContexts(v, scan === SCAN_FULL, typographic);
}

/** The walks of every context `value` may sit in; returns at the first high verdict. */
function walkContexts(value: string, bare: boolean, typographic: boolean): Verdict | undefined {
  let best: Verdict | undefined;
  // Quoted contexts: break out at the first quote of each kind. The ASCII quotes by indexOf (the
  // engine's fast search); the typographic ones (all at U+02B9 and above) only where they could come
  // first, with one comparison per character.
  const n = value.length;
  let sq = value.indexOf("'");
  let dq = value.indexOf('"');
  const bt = value.indexOf('`');
  // Without `bare` the pre-scan said SCAN_QUOTED, which it only does after reading every character
  // as ASCII: no typographic quote to look for.
  // (Nor when the value has no character outside ASCII: on prose with an apostrophe and no double
  // quote this loop read the whole value: ~6% of the detector's time on the bench's catalogue prose.)
  let lim = bare && typographic ? Math.max(sq < 0 ? n : sq, dq < 0 ? n : dq) : 0;
  // Without a mask (a direct call) `typographic` is true for ASCII values too: the native UTF-8 length
  // equals the length only when every code unit is ASCII (a typographic quote is U+02B9 or above), so
  // a long ASCII value skips the loop. (On prose with an apostrophe and no double quote the loop read
  // the whole value.)
  if (lim > 256 && Buffer.byteLength(value) === n) lim = 0;
  for (let i = 0; i < lim; i++) {
    const c = value.charCodeAt(i);
    // UCLASS is U_QUOTE exactly where quoteClass is not Q_NONE (above U+007F; the tests check every
    // unit): one load for each full-width or CJK letter instead of quoteClass's eight comparisons
    // (~18% of the detector on 1 MB of `ab．ｃｄ.ef `).
    if (c < 0x2b9 || UCLASS[c] !== U_QUOTE) continue;
    const q = quoteClass(c);
    if (q === Q_SINGLE) {
      if (sq < 0 || i < sq) sq = i;
    } else if (q === Q_DOUBLE) {
      if (dq < 0 || i < dq) dq = i;
    }
  }
  // Quoted walks may resynchronise after dying only when the pre-scan found what a resynchronised walk
  // needs (a STRONG word or a builtin call: the same proof as for the bare walks).
  const w = WALKER;
  if (sq >= 0 && breakoutMayContinue(value, sq + 1)) {
    best = stronger(best, judge(w.reset(value, sq + 1, Q_SINGLE, isBlank(value, sq), bare).run(), value, Q_SINGLE, literal(value, sq), false));
    if (best !== undefined && best.confidence === 'high') return best;
  }
  if (dq >= 0 && breakoutMayContinue(value, dq + 1)) {
    best = stronger(best, judge(w.reset(value, dq + 1, Q_DOUBLE, isBlank(value, dq), bare).run(), value, Q_DOUBLE, literal(value, dq), false));
    if (best !== undefined && best.confidence === 'high') return best;
  }
  // With a `$` (what sent `$$;x`, `$a$;x` through these walks: prescan reads any `$` next to a word
  // character as SCAN_FULL) the bare walks start over after dying only when something a restart
  // needs occurs after their start: lastMark with every word of the vocabulary (KW_ANY, a superset of
  // LM_WORDS: the KILL, PRAGMA, USE… that a bare walk's stacked statements read are no STRONG word).
  // A bare walk that dies without starting over differs from one that does only in what it has after
  // its death: the features it marks there (resyncFeats, kept only as F_RESYNC_OK: UNION, STACK,
  // DANGER, TAUT, each needing such a word or a marked `||` `&&`), feats2 (dropped by a restart;
  // judge reads it for a walk that did not complete only with a comment's G_GLUE / G_COMMENT, marked
  // characters) and its end state (judge reads that only for a complete walk; a dead one never is).
  // 1 MB of `$a$;x` died and started over at every `;x`: the detector ~38 -> ~7 µs/KB.
  // -2: not looked for (no `$`: the bare walks always start over, as before).
  const dollar = bare && value.indexOf('$') >= 0;
  const bm = dollar && !DOLLAR_WALKS_FOR_TEST.restart && !DOLLAR_WALKS_FOR_TEST.bareRestart ? lastMark(value, KW_ANY) : -2;
  if (bare) {
    best = stronger(best, judge(w.reset(value, 0, Q_NONE, false, bm !== -1).run(), value, Q_NONE, NO_LIT, startsWithParen(value, 0), value.charCodeAt(0) === 61));
    if (best !== undefined && best.confidence === 'high') return best;
  }
  if (bt >= 0 && breakoutMayContinue(value, bt + 1)) {
    best = stronger(best, judge(w.reset(value, bt + 1, Q_BACKTICK, false, bare).run(), value, Q_BACKTICK, literal(value, bt), false));
    if (best !== undefined && best.confidence === 'high') return best;
  }
  // `foo\''or'x`: MySQL reads `\'` as an escaped quote, so where the application doubles quotes but
  // leaves backslashes alone, the quote after `\'` is the breakout.
  const esc = sq > 0 && value.charCodeAt(sq - 1) === 92 && quoteClass(value.charCodeAt(sq + 1)) === Q_SINGLE ? sq + 2 : -1;
  if (esc > 0 && breakoutMayContinue(value, esc)) {
    best = stronger(best, judge(w.reset(value, esc, Q_SINGLE, isBlank(value, sq - 1), bare).run(), value, Q_SINGLE, literal(value, sq - 1), false));
    if (best !== undefined && best.confidence === 'high') return best;
  }
  // PostgreSQL dollar quoting (`$$<value>$$`, `$tag$<value>$tag$`): see dollarWalks. One native
  // indexOf per bare value; walks only when a `$` occurs.
  if (dollar) {
    best = stronger(best, dollarWalks(value, bm === -1 ? -1 : -2));
    if (best !== undefined && best.confidence === 'high') return best;
  }
  // A raw `name=value` (form body, log line): the part after `=` is a value of its own.
  const eq = bare ? formValueStart(value) : -1;
  if (eq > 0) best = stronger(best, judge(w.reset(value, eq, Q_NONE, false, bm === -2 || bm >= eq).run(), value, Q_NONE, NO_LIT, startsWithParen(value, eq)));
  return best;
}

/**
 * Tests only: `restart` makes every walk after a dollar quote start over after dying and runs every
 * tag walk (lastMark ignored): the slow reference the tests compare the detector with. `bareRestart`
 * makes only the bare walks of a value with `$` start over after dying, as they always did (the
 * lastMark gate of walkContexts ignored): the exact reference for that gate.
 */
export const DOLLAR_WALKS_FOR_TEST = { restart: false, bareRestart: false };

/**
 * PostgreSQL dollar quoting: an application that splices the value into `$$<value>$$` or
 * `$tag$<value>$tag$` (to spare itself escaping quotes) is broken out of by the first occurrence of
 * its delimiter, as `'` breaks out of '<value>': `$$;select pg_sleep(5);--`, `$q$;select pg_sleep(5);--`.
 * The other walks read that delimiter as opening a literal to the end. Walked as the single-quoted
 * context is (the application's literal is the first operand), named for what it is:
 * - after the first `$$`;
 * - after the first tag (`$` + a letter or `_`, letters, digits or `_`, `$`: the lexer's reading; a
 *   digit first is a price or a parameter, `$5$`, `$1`). Its first occurrence is where a value that
 *   holds it closes the application's literal, whichever tag the application chose;
 * - when a second, different tag occurs (the application's tag after others the attacker put first,
 *   `$x$ $q$;select pg_sleep(5)--`: each would read the next as a literal), the value once more as
 *   bare text with every `$tag$` read as a word (`$$` still a literal): the reading plain text without
 *   those dollars gets, so no new kind of finding on prose; and one walk, not one per tag (linear).
 *   Only when lastMark finds something (the walk dies on the tags and starts over after them).
 * Tag walks report high verdicts only. Walks after a dollar quote start over after dying only where
 * that can change the verdict (lastMark): 1 MB of `$$;x` died and started over at every `;`, twice
 * the bare walks' work for nothing (the detector ~80 µs/KB, prose ~10; now ~42). Cost: one indexOf,
 * then (with `$$` or a tag) one backward pass (lastMark, stops at the last mark), one pass over the
 * `$`s, and at most three walks.
 */
function dollarWalks(value: string, known: number): Verdict | undefined {
  const w = WALKER;
  const n = value.length;
  let best: Verdict | undefined;
  /**
   * lastMark(value), once (-2: not yet). `known`: -1 when the caller's lastMark with every vocabulary
   * word (a superset of LM_WORDS) found nothing, so this one would not either; -2 otherwise.
   */
  let mark = known;
  const dd = value.indexOf('$$');
  if (dd >= 0 && dd + 2 < n && breakoutMayContinue(value, dd + 2)) {
    const wk = w.reset(value, dd + 2, Q_SINGLE, isBlank(value, dd), DOLLAR_WALKS_FOR_TEST.restart || (mark === -2 ? (mark = lastMark(value)) : mark) >= dd + 2).run();
    const v = judge(wk, value, Q_SINGLE, dollarLit(value, dd, dd + 1, wk), false);
    if (v !== undefined) v.reason = v.reason.replace(CTX_NAME[Q_SINGLE] as string, () => 'a $$-quoted literal');
    best = stronger(best, v);
    if (best !== undefined && best.confidence === 'high') return best;
  }
  // No mark at all: no walk below can be high. Every high verdict of a walk after a tag, or of the
  // walk past the tags, needs a word or character lastMark marks, but for a `;` right after a tag
  // that follows a login-like literal (`admin$q$;`, dollarLit), which no tag after a `$$` does (the
  // tests compare with walks that run anyway). 1 MB of `$$;x` skips the search for tags (~4 µs/KB).
  if (mark === -1 && value.indexOf('$') === dd && !DOLLAR_WALKS_FOR_TEST.restart) return best;
  // The first tag, and (only when some word could be found after a restart) whether a different one
  // follows. O(1) per `$` (tags of at most 31 characters, compared in place).
  let t1 = -1;
  let e1 = -1;
  let other = false;
  /** Distinct tags after the first, by first occurrence (their starts and ends in TAGS). */
  let more = 0;
  for (let p = value.indexOf('$'); p >= 0; ) {
    const e = dollarTagEnd(value, p);
    // The next `$`: a few characters by hand, then the native search (1 MB of `$$;x`: a search per
    // `$` was ~9 µs/KB of the detector; ~1 now).
    let q = p + 1;
    const lim = Math.min(n, p + 8);
    while (q < lim && value.charCodeAt(q) !== 36) q++;
    const at = p;
    p = q < lim ? q : value.indexOf('$', lim);
    if (e < 0) continue;
    if (t1 < 0) {
      t1 = at;
      e1 = e;
      if (mark === -2) mark = lastMark(value);
      if (mark < 0 && !DOLLAR_WALKS_FOR_TEST.restart && !isLoginLike(value, t1)) return best;
      continue;
    }
    if (sameTag(value, at, e, t1, e1)) continue;
    let seen = false;
    for (let k = 0; k < more && !seen; k++) seen = sameTag(value, at, e, TAGS[2 * k] as number, TAGS[2 * k + 1] as number);
    if (seen) continue;
    other = true;
    TAGS[2 * more] = at;
    TAGS[2 * more + 1] = e;
    if (++more === MAX_DECOYS) break;
  }
  if (t1 < 0) return best;
  // (No mark after the tag: nothing high to find there, as above.)
  if (e1 < n && (DOLLAR_WALKS_FOR_TEST.restart || mark >= e1 || isLoginLike(value, t1)) && breakoutMayContinue(value, e1)) {
    const wk = w.reset(value, e1, Q_SINGLE, isBlank(value, t1), true).run();
    const v = judge(wk, value, Q_SINGLE, dollarLit(value, t1, e1 - 1, wk), false);
    // High only: a tag is a word in prose and templates (`$USD$ or $EUR$`, `$var$`), where `$$` is
    // rare; the attacks are high (stacked, union, delay, tautology).
    if (v !== undefined && v.confidence === 'high') {
      v.reason = v.reason.replace(CTX_NAME[Q_SINGLE] as string, () => 'a dollar-quoted literal');
      best = stronger(best, v);
    }
    if (best !== undefined && best.confidence === 'high') return best;
  }
  // After the first occurrence of each next tag (at most MAX_DECOYS): `$x$ $q$ or true--`, `$x$
  // $q$||pg_sleep(5)--`, where the walk past the tags below dies at the tags and finds no restart.
  // Not started over (each reads to its first death; at most MAX_DECOYS walks: linear); high only.
  for (let k = 0; k < more; k++) {
    const tk = TAGS[2 * k] as number;
    const ek = TAGS[2 * k + 1] as number;
    if (ek >= n || !(DOLLAR_WALKS_FOR_TEST.restart || mark >= ek) || !breakoutMayContinue(value, ek)) continue;
    const wk = w.reset(value, ek, Q_SINGLE, false, false).run();
    const v = judge(wk, value, Q_SINGLE, dollarLit(value, tk, ek - 1, wk), false);
    if (v !== undefined && v.confidence === 'high') {
      v.reason = v.reason.replace(CTX_NAME[Q_SINGLE] as string, () => 'a dollar-quoted literal');
      return v;
    }
  }
  if (other && (DOLLAR_WALKS_FOR_TEST.restart || mark >= 0)) {
    w.tagBlind(true);
    try {
      const v = judge(w.reset(value, 0, Q_NONE, false, true).run(), value, Q_NONE, NO_LIT, startsWithParen(value, 0), value.charCodeAt(0) === 61);
      if (v !== undefined && v.confidence === 'high') best = stronger(best, v);
    } finally {
      w.tagBlind(false);
    }
  }
  return best;
}

/**
 * How many tags after the first dollarWalks walks after (decoys an attacker puts before the
 * application's tag). More decoys than this before a tautology or a `||` call with no statement,
 * UNION or parenthesis after it (`$a$ $b$ $c$ $d$ $e$ $q$ or true--`) pass: a walk per distinct tag
 * would be quadratic on a value of distinct tags.
 */
const MAX_DECOYS = 4;
/** dollarWalks' tags after the first: start, end (reused; detection is synchronous). */
const TAGS = new Int32Array(2 * MAX_DECOYS);

/** The tag s[a, b) equals the tag s[c, d) (case matters, as in PostgreSQL). */
function sameTag(s: string, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let j = 1; j < b - a - 1; j++) if (s.charCodeAt(a + j) !== s.charCodeAt(c + j)) return false;
  return true;
}

/**
 * The application's literal before a dollar-quote breakout at `at` (its delimiter ends at `last`): its
 * text is s[0, at), so `$$ or true--` and `admin$$--` are judged as `' or true--` and `admin'--` are
 * (a blank or login-like literal, then OR and a comment, a comment or a `;`: session 20; the literal
 * was read with the delimiter's `$`, neither blank nor login-like, and PostgreSQL's own tautology
 * `$$ or true--` passed). Never plain or short: the weaker shapes (an operator and a literal) stay
 * for single quotes, as `$` in prose and formulas (`$$ x = 1 $$`) is no breakout. O(1) (literal's
 * reads are bounded, but for isBlank, which stops at the first non-blank character).
 */
function dollarLit(s: string, at: number, last: number, wk: Walk): Lit {
  // Not before a `#` comment: dollar quotes are PostgreSQL's, where `#` is XOR (`x$$#`: no truncation).
  if (wk.endComment && !wk.strictDash) return { end: last, word: false, blank: false, plain: false, short: false };
  const l = literal(s, at);
  return { end: last, word: l.word, blank: l.blank, plain: false, short: false };
}

/**
 * The end (after its closing `$`) of the dollar-quote tag at `p` (a `$`), or -1: a letter, `_` or a
 * non-ASCII letter, then word characters, then `$`, as the lexer's readDollar reads one (at most 31
 * characters between the dollars). `$$` (no tag), `$5$`, `$1` are none. O(1).
 */
function dollarTagEnd(s: string, p: number): number {
  const c = s.charCodeAt(p + 1);
  // (ASCII letters and `_` first: `$$`, `$;`, `$5` leave at these compares.)
  if (!(((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95 || (c >= 128 && isWordChar(c)))) return -1;
  const n = s.length;
  for (let e = p + 2; e < n && e - p <= 32; e++) {
    const d = s.charCodeAt(e);
    if (d === 36) return e + 1;
    if (!isWordChar(d)) return -1;
  }
  return -1;
}

/**
 * Where the last thing starts that lets a walk that died and started over answer otherwise than one
 * that stops at its first death (-1: nothing), so that a walk of s[from, end) may start over only when
 * the result is at or after `from` (dollarWalks). Marks: a word that can mark a feature (LM_WORDS:
 * UNION, the delay/error/file/exec calls, AND/OR/XOR, statement words, CASE, LIKE; `xp_`/`sp_` names;
 * also after a digit, `1union`; the reference differential found CASE missing: `-$q$*CASE WHEN`),
 * and what lets the lexer make one or changes a later reading: `\`
 * (`\N`, escapes), `/*` and `*\/` (glued keywords, nesting), `--` and `#` (comments, dialect
 * re-walks), `||` and `&&` (logic), `::` (error casts), `@` (server variables), non-ASCII (case
 * folding, typographic quotes). Over-approximates what the pre-scan's proof says a walk that started
 * over needs; checked against walks that always start over on seeded tables (the tests). One backward
 * pass that stops at the last mark (a `$` is no word character here, so no word straddles the `$`
 * a walk starts after); no allocation.
 */
function lastMark(s: string, words = LM_WORDS): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const k = LMCLASS[s.charCodeAt(i)] as number;
    if (k === 0) continue;
    if (k === 1) {
      const e = i + 1;
      while (i > 0 && LMCLASS[s.charCodeAt(i - 1)] === 1) i--;
      // (No keyword has one character: those runs, `x` in `$$;x`, skip the calls.)
      if (e - i >= 2) {
        if (kwFlags(s, i, e) & words || isXpSp(s, i, e)) return i;
        for (let t = Math.max(i + 1, e - KW_MAX - 1); t < e - 1; t++) {
          if (isDigitCode(s.charCodeAt(t - 1)) && !isDigitCode(s.charCodeAt(t)) && (kwFlags(s, t, e) & words || isXpSp(s, t, e))) return i;
        }
      }
      continue;
    }
    if (k === 2) return i;
    if (i > 0) {
      // `-- || && ::`, `/*`, `*/`.
      const c = s.charCodeAt(i);
      const b = s.charCodeAt(i - 1);
      if (b === c ? c !== 42 && c !== 47 : (c === 42 && b === 47) || (c === 47 && b === 42)) return i - 1;
    }
  }
  return -1;
}

/** The words lastMark marks: STRONG, CALL, CASE (CASE WHEN: F_CONDFN), LIKE and the other patterns. */
const LM_WORDS = KW_STRONG | KW_CALL | KW_CASE | KW_PATTERN;

/**
 * lastMark's classes of UTF-16 code units: 1 an ASCII word character ([A-Za-z0-9_]), 2 `\ # @` and
 * every unit above U+007F, 3 `- | & : / *` (a mark when doubled or as `/*`, `*\/`), 0 the rest. A
 * full-size table: one load per character, no range test (1 MB of `$a$;x`: ~4.2 -> ~3.3 µs/KB).
 */
const LMCLASS = (() => {
  const t = new Uint8Array(65536);
  t.fill(2, 128);
  for (let c = 0; c < 128; c++) if (isAsciiWordChar(c)) t[c] = 1;
  for (const ch of '\\#@') t[ch.charCodeAt(0)] = 2;
  for (const ch of '-|&:/*') t[ch.charCodeAt(0)] = 3;
  return t;
})();

/**
 * Every word the walker compares a token with: the pre-scan's table already lists them all (its proof
 * needs the same completeness), plus the sets the walker alone reads. Extended procedures (`xp_*`,
 * `sp_*`) are matched by prefix.
 */
const VOCABULARY = new Vocabulary(SQL_TABLES.vocab); // written out: see KW (buildSqlTables builds it from the lists)

/** Whether the walker's lexer knows `word` (lower case): for tests that guard the vocabulary. */
export function isSqlVocabulary(word: string): boolean {
  return VOCABULARY.has(word);
}

/** The one Walker every walk reuses (detection is synchronous and never re-entered). */
const WALKER = new Walker(VOCABULARY);

/** Lets the shared walker drop the value before returning the verdict. */
function done(v: Verdict | undefined): Verdict | undefined {
  WALKER.release();
  return v;
}

/** The more confident of two verdicts; the earlier one wins a tie. */
function stronger(a: Verdict | undefined, b: Verdict | undefined): Verdict | undefined {
  return b !== undefined && (a === undefined || RANK[b.confidence] > RANK[a.confidence]) ? b : a;
}

/**
 * For scripts/check-tables.js and the tables test: the tables as loaded (decoded from
 * src/detectors/sql-tables.ts) and as built from the word lists; the two must be equal.
 */
export const SQL_TABLES_FOR_CHECK = {
  loaded: (): Record<string, unknown> => ({
    KW,
    KW_SIG,
    KW2,
    VOCABULARY,
    BARE_HASHES,
    STMT_LEADS,
    ROW_SOURCES,
    AFTER_QUOTE_HASHES,
    PG_TYPE_HASHES,
    ADVANCING_LEADS,
  }),
  build: buildSqlTables,
};
