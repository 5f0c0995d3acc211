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
 * Cost: a charCode prefilter returns in one pass for values without any character or keyword SQLi needs;
 * otherwise at most four linear tokenizer passes (one per context), O(1) memory besides a bounded
 * parenthesis stack. No regular expressions.
 */
import type { Detection } from '../types';
import {
  Q_BACKTICK,
  Q_DOUBLE,
  Q_NONE,
  Q_SINGLE,
  SqlLexer,
  type SqlToken,
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
    'procedure_analyse utl_http utl_inaddr httpuritype dbms_ldap dbms_lock dbms_pipe ctxsys sysibm ' +
    'collation charset coercibility benchmark_ ' +
    'cot degrees radians log log2 log10 ln sqrt power pow crc32 format inet_aton inet_ntoa load_extension',
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
  ['sys', FN_EXEC],
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
w(W_VALUE, 'current_user current_date current_time current_timestamp localtime localtimestamp session_user system_user sysdate rownum');
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
w(W_RESERVED, 'select insert update delete drop create alter table not case exists by all any some distinct values into');

function wordClass(word: string): number {
  return word === '' ? 0 : (WORDS.get(word) ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------------------------------

const F_UNION = 1 << 0; // UNION [ALL|DISTINCT] SELECT in a valid position
const F_STACK = 1 << 1; // `;` followed by a real statement
const F_TIME = 1 << 2; // time-delay call
const F_ERROR = 1 << 3; // error-based extraction call
const F_FILE = 1 << 4; // file read/write
const F_EXEC = 1 << 5; // command execution / out-of-band
const F_TAUT = 1 << 6; // AND/OR followed by a constant or self comparison (1=1, 'a'='a', x=x)
const F_LOGIC_FN = 1 << 7; // AND/OR followed by an SQL function call or subquery
const F_LOGIC_OR_CONST = 1 << 8; // OR/XOR/|| followed by a bare literal ('1', true, 1)
const F_LOGIC_AND_CONST = 1 << 9; // AND followed by a bare literal
const F_LOGIC_IDCMP = 1 << 10; // AND/OR followed by a comparison of identifiers (name = 'x')
const F_FIRST_CMP = 1 << 11; // the breakout literal itself is compared / combined ('' = '', '' * '')
const F_PROBE = 1 << 12; // ORDER BY / GROUP BY <number>
const F_HAVING = 1 << 13; // HAVING <comparison>
const F_STMT = 1 << 14; // a whole, SQL-shaped statement (SELECT 1 FROM t, DROP TABLE x)
const F_SQLFN = 1 << 15; // a known SQL builtin called anywhere in the valid part
const F_CATALOG = 1 << 16; // a system catalog referenced
const F_SYSVAR = 1 << 17; // @@version and friends
const F_FIRST_OP = 1 << 18; // the breakout literal is followed by a binary operator
const F_LOGIC = 1 << 19; // a logical operator in a valid position
const F_SELSHAPE = 1 << 20; // statement-level SELECT whose first item is not a plain column
const F_FROM = 1 << 21; // statement-level SELECT ... FROM

const F_DANGER = F_TIME | F_ERROR | F_FILE | F_EXEC;

// States of the walker.
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

// Frame kinds.
const K_ROOT = 0;
const K_GROUP = 1;
const K_FUNC = 2;
const K_SUBQ = 3;

const MAX_DEPTH = 48;

/** Per-walk result. */
interface Walk {
  feats: number;
  /** Reached the end of input without an invalid token. */
  complete: boolean;
  /** The input ended the way a quoted context needs (open literal of the same quote, or a comment). */
  endOk: boolean;
  /** Quote context: breakout literal directly followed by an end-of-input comment. */
  trunc: boolean;
  /** Tokens consumed in a valid position after the breakout. */
  valid: number;
}

/**
 * Streaming structural validator. One instance per walk; all per-frame state lives in small typed
 * arrays bounded by MAX_DEPTH (deeper nesting is counted, not stored).
 */
class Walker {
  private readonly lx: SqlLexer;
  private cur: SqlToken = newToken();
  private nxt: SqlToken = newToken();
  private more = true;
  private readonly s: string;
  private readonly quote: number;

  feats = 0;
  private state: number;
  private depth = 0;
  private overflow = 0;
  private valid = 0;
  private lastKind = T_EOF;
  private lastOpenStrQuote = 0;

  // Frames.
  private readonly kind = new Uint8Array(MAX_DEPTH);
  private readonly sel = new Uint8Array(MAX_DEPTH); // inside a SELECT: aliases and FROM are fine
  private readonly fnCls = new Uint8Array(MAX_DEPTH);
  private readonly fnArgs = new Uint8Array(MAX_DEPTH);
  // Segment trackers (a segment is the text between two logical operators at one depth).
  private readonly segLogic = new Uint8Array(MAX_DEPTH); // 0 none, 1 AND-like, 2 OR-like
  private readonly segCmp = new Uint8Array(MAX_DEPTH);
  private readonly segIdx = new Uint16Array(MAX_DEPTH);
  private readonly sideConst = new Uint8Array(MAX_DEPTH);
  private readonly sideN = new Uint16Array(MAX_DEPTH);
  private readonly sideFn = new Uint8Array(MAX_DEPTH);
  private readonly sideS = new Int32Array(MAX_DEPTH);
  private readonly sideE = new Int32Array(MAX_DEPTH);
  private readonly leftConst = new Uint8Array(MAX_DEPTH);
  private readonly leftN = new Uint16Array(MAX_DEPTH);
  private readonly leftFn = new Uint8Array(MAX_DEPTH);
  private readonly leftS = new Int32Array(MAX_DEPTH);
  private readonly leftE = new Int32Array(MAX_DEPTH);
  private readonly allConst = new Uint8Array(MAX_DEPTH);
  private readonly anyFn = new Uint8Array(MAX_DEPTH);

  /** ORDER/GROUP BY seen: the next operand decides whether this is a column-count probe. */
  private byArmed = false;
  /** HAVING seen: the segment after it decides. */
  private havingArmed = false;
  /** After UNION: the next SELECT (possibly behind parentheses) completes it. */
  private unionArmed = false;
  /** First item of a top-level SELECT list: judged for SQL-shape. */
  private selArmed = false;
  /** Statement context: the root SELECT had a non-identifier item or a FROM. */
  private selItems = 0;
  private aliasOk = false;
  private typeWords = 0;
  private afterStack = false;
  /** `; select` seen: the first select item decides whether this is a stacked query. */
  private stackSel = false;
  /** A statement directly after a value, MSSQL-style, without `;`. */
  private inline = false;
  private lastWord = '';

  constructor(s: string, start: number, quote: number) {
    this.s = s;
    this.quote = quote;
    this.lx = new SqlLexer(s, start);
    this.more = this.lx.next(this.nxt);
    this.initFrame(0, K_ROOT);
    if (quote !== Q_NONE) {
      // The application's literal is the first operand; the attacker continues after it.
      this.atom(true, -1, -1);
      this.state = S_OPERATOR;
    } else {
      this.state = S_START;
    }
  }

  private initFrame(d: number, k: number): void {
    this.kind[d] = k;
    this.sel[d] = 0;
    this.fnCls[d] = 0;
    this.fnArgs[d] = 0;
    this.segLogic[d] = 0;
    this.segIdx[d] = 0;
    this.allConst[d] = 1;
    this.anyFn[d] = 0;
    this.resetSeg(d);
  }

  private resetSeg(d: number): void {
    this.segCmp[d] = 0;
    this.sideConst[d] = 1;
    this.sideN[d] = 0;
    this.sideFn[d] = 0;
    this.sideS[d] = this.sideE[d] = -1;
    this.leftConst[d] = 1;
    this.leftN[d] = 0;
    this.leftFn[d] = 0;
    this.leftS[d] = this.leftE[d] = -1;
  }

  private advance(): void {
    const t = this.cur;
    this.cur = this.nxt;
    this.nxt = t;
    if (this.more) this.more = this.lx.next(this.nxt);
    else {
      this.nxt.kind = T_EOF;
      this.nxt.word = '';
    }
  }

  /** Kind of the lookahead token (a method, so that narrowing does not survive `advance()`). */
  private peekKind(): number {
    return this.nxt.kind;
  }

  // --- segment bookkeeping -------------------------------------------------------------------------

  private atom(isConst: boolean, start: number, end: number): void {
    const d = this.d();
    if (!isConst) this.sideConst[d] = 0;
    this.sideN[d] = this.sideN[d]! + 1;
    this.sideS[d] = start;
    this.sideE[d] = end;
  }

  private fnAtom(cls: number): void {
    const d = this.d();
    this.sideConst[d] = 0;
    this.sideN[d] = this.sideN[d]! + 1;
    this.sideS[d] = this.sideE[d] = -1;
    if (cls !== 0) {
      this.sideFn[d] = 1;
      this.anyFn[d] = 1;
    }
  }

  private d(): number {
    return this.depth < MAX_DEPTH ? this.depth : MAX_DEPTH - 1;
  }

  private cmpOp(): void {
    const d = this.d();
    this.leftConst[d] = this.segCmp[d] ? (this.leftConst[d]! & this.sideConst[d]!) : this.sideConst[d]!;
    this.leftN[d] = this.sideN[d]!;
    this.leftFn[d] = this.sideFn[d]! | (this.segCmp[d] ? this.leftFn[d]! : 0);
    this.leftS[d] = this.sideS[d]!;
    this.leftE[d] = this.sideE[d]!;
    this.segCmp[d] = 1;
    this.sideConst[d] = 1;
    this.sideN[d] = 0;
    this.sideFn[d] = 0;
    this.sideS[d] = this.sideE[d] = -1;
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

  /** Ends the current segment at the current depth and records what it was. */
  private closeSeg(): void {
    const d = this.d();
    const logic = this.segLogic[d]!;
    let constCmp = false;
    let sameCmp = false;
    let fnSeg = false;
    let idCmp = false;
    let constOnly = false;
    if (this.segCmp[d]) {
      if (this.sideN[d] === 0) {
        // `x =` at the end of input: the application supplies the right side (a quoted value).
        constCmp = this.leftConst[d] === 1 && this.quote !== Q_NONE;
        fnSeg = this.leftFn[d] === 1;
      } else {
        constCmp = this.leftConst[d] === 1 && this.sideConst[d] === 1;
        sameCmp =
          this.leftN[d] === 1 &&
          this.sideN[d] === 1 &&
          this.sameText(this.leftS[d]!, this.leftE[d]!, this.sideS[d]!, this.sideE[d]!);
        fnSeg = this.leftFn[d] === 1 || this.sideFn[d] === 1;
        idCmp = !constCmp && !sameCmp && !fnSeg;
      }
    } else if (this.sideN[d]! > 0) {
      constOnly = this.sideConst[d] === 1;
      fnSeg = this.sideFn[d] === 1;
    }
    if (logic !== 0) {
      if (constCmp || sameCmp) this.feats |= F_TAUT;
      else if (fnSeg) this.feats |= F_LOGIC_FN;
      else if (constOnly) this.feats |= logic === 2 ? F_LOGIC_OR_CONST : F_LOGIC_AND_CONST;
      else if (idCmp) this.feats |= F_LOGIC_IDCMP;
    } else if (d === 0 && this.segIdx[d] === 0 && (constCmp || sameCmp)) {
      this.feats |= F_FIRST_CMP;
    }
    if (this.havingArmed && (this.segCmp[d] || fnSeg)) this.feats |= F_HAVING;
    if (!(constCmp || constOnly)) this.allConst[d] = 0;
    if (fnSeg) this.anyFn[d] = 1;
    this.segIdx[d] = Math.min(this.segIdx[d]! + 1, 60000);
    this.resetSeg(d);
  }

  private logicOp(orLike: boolean): void {
    this.closeSeg();
    this.havingArmed = false;
    this.segLogic[this.d()] = orLike ? 2 : 1;
    this.feats |= F_LOGIC;
  }

  private push(k: number): void {
    const parentLogic = this.segLogic[this.d()]!;
    this.depth++;
    if (this.depth >= MAX_DEPTH) {
      this.overflow++;
      return;
    }
    this.initFrame(this.depth, k);
    // A group that is the operand of AND/OR carries that role: `or (1=1)`.
    if (k === K_GROUP) this.segLogic[this.depth] = parentLogic;
  }

  /** Closes a parenthesis. Returns false for an unmatched `)` (the application's own parenthesis). */
  private pop(): boolean {
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
    const k = this.kind[d]!;
    const ac = this.allConst[d] === 1;
    const af = this.anyFn[d] === 1;
    const cls = this.fnCls[d]!;
    this.depth--;
    if (k === K_GROUP) {
      this.atom(ac, -1, -1);
      if (af) {
        const p = this.d();
        this.sideFn[p] = 1;
        this.anyFn[p] = 1;
      }
    } else if (k === K_FUNC) {
      this.fnAtom(cls);
    } else {
      this.fnAtom(1); // subquery
    }
    return true;
  }

  // --- the walk ----------------------------------------------------------------------------------

  run(): Walk {
    while (this.state !== S_DEAD) {
      this.advance();
      const t = this.cur;
      if (t.kind === T_EOF) {
        // Pending segments at every depth count: `and (1=1` is left open for the application to close.
        while (this.depth > 0) this.pop();
        this.closeSeg();
        const endOk = this.quote === Q_NONE || t.comment || (this.lastKind === T_STR && this.lastOpenStrQuote === this.quote);
        return { feats: this.feats, complete: true, endOk, trunc: this.valid === 0 && t.comment, valid: this.valid };
      }
      if (!this.step(t)) {
        while (this.depth > 0 && this.depth < MAX_DEPTH) {
          this.closeSeg();
          this.depth--;
        }
        this.depth = 0;
        this.closeSeg();
        return { feats: this.feats, complete: false, endOk: false, trunc: false, valid: this.valid };
      }
      this.valid++;
      this.lastKind = t.kind;
      this.lastWord = t.kind === T_WORD ? t.word : '';
      this.lastOpenStrQuote = t.kind === T_STR && !t.closed ? t.quote : 0;
    }
    return { feats: this.feats, complete: false, endOk: false, trunc: false, valid: this.valid };
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
      const cls = wordClass(t.word);
      if (cls & W_STMT && this.nxt.kind !== T_LPAREN) return this.onStmt(t);
      if (t.word === 'select') return this.onStmt(t);
      if (cls & (W_LOGIC | W_CMP | W_ARITH | W_CLAUSE) && !(cls & W_STMT)) {
        if (t.word === 'left' || t.word === 'right') return this.onOperand(t);
        return this.onOperator(t);
      }
      if (t.word === 'not' && this.isNotOp()) return this.onOperator(t);
      return this.onOperand(t);
    }
    if (t.kind === T_SEMI || t.kind === T_RPAREN || t.kind === T_COMMA) return this.onOperator(t);
    if (t.kind === T_OP && !isUnary(t.op) && t.op !== '*') return this.onOperator(t);
    if (t.kind === T_OP && isUnary(t.op)) {
      this.state = S_OPERAND;
      return true;
    }
    return this.onOperand(t);
  }

  private isNotOp(): boolean {
    const n = this.nxt;
    return n.kind === T_WORD && (wordClass(n.word) & W_CMP) !== 0;
  }

  private onOperand(t: SqlToken): boolean {
    switch (t.kind) {
      case T_NUM:
        if (this.byArmed) this.feats |= F_PROBE;
        this.byArmed = false;
        this.selItem(true);
        this.atom(true, t.start, t.end);
        this.toOperator();
        return true;
      case T_STR:
        this.byArmed = false;
        this.selItem(true);
        this.atom(true, t.quote === 3 ? -1 : t.start + 1, t.closed ? t.end - 1 : t.end);
        this.toOperator();
        return true;
      case T_VAR:
        this.byArmed = false;
        this.selItem(true);
        if (this.s.charCodeAt(t.start + 1) === 64) this.feats |= F_SYSVAR;
        this.atom(false, t.start, t.end);
        this.toOperator();
        return true;
      case T_IDENT:
        this.byArmed = false;
        this.selItem(false);
        this.atom(false, t.start + 1, t.end - 1);
        if (this.nxt.kind === T_DOT) this.state = S_QUAL;
        else this.toOperator();
        return true;
      case T_LPAREN:
        this.byArmed = false;
        this.selItem(true);
        if (this.nxt.kind === T_WORD && this.nxt.word === 'select') {
          this.push(K_SUBQ);
        } else {
          this.push(K_GROUP);
        }
        this.state = S_OPERAND;
        return true;
      case T_RPAREN:
        // `f()` with no arguments.
        if (this.depth > 0 && this.depth < MAX_DEPTH && this.kind[this.depth] === K_FUNC && this.fnArgs[this.depth] === 0) {
          this.pop();
          this.toOperator();
          return true;
        }
        return false;
      case T_OP:
        if (isUnary(t.op)) return true;
        if (t.op === '*' && (this.lastKind === T_LPAREN || this.lastKind === T_COMMA || this.selArmed || this.lastWord === 'select' || this.lastWord === 'distinct' || this.lastWord === 'all')) {
          this.selItem(true);
          this.atom(false, -1, -1);
          this.toOperator();
          return true;
        }
        return false;
      case T_OTHER:
        if (t.op === '{') {
          // ODBC escape / MySQL `{identifier expr}`: skip the marker word.
          if (this.nxt.kind === T_WORD) this.advance();
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
    const cls = wordClass(word);
    this.byArmed = false;
    if (this.nxt.kind === T_LPAREN && !(cls & (W_LOGIC | W_CLAUSE)) && !NOT_FUNCS.has(word)) {
      return this.call(word, '');
    }
    if (cls & W_CONST) {
      this.selItem(true);
      this.atom(word !== 'unknown', t.start, t.end);
      this.toOperator();
      return true;
    }
    switch (word) {
      case 'select':
        return this.select();
      case 'not':
      case 'binary':
      case 'distinct':
      case 'all':
      case 'any':
      case 'some':
      case 'exists':
      case 'interval':
      case 'case':
      case 'prior':
      case 'connect_by_root':
        return true;
      case 'top':
        return this.selArmed;
      default:
        break;
    }
    if (cls & W_RESERVED) return false;
    if (cls & W_VALUE) {
      this.selItem(true);
      this.fnAtom(FN_SQL);
      this.toOperator();
      return true;
    }
    if (CATALOGS.has(word)) this.feats |= F_CATALOG;
    this.selItem(false);
    this.atom(false, t.start, t.end);
    if (this.nxt.kind === T_DOT) this.state = S_QUAL;
    else this.toOperator();
    return true;
  }

  /** `name(` — the current token is the name, the next one the parenthesis. */
  private call(word: string, qualifier: string): boolean {
    let cls = FUNCS.get(word) ?? 0;
    const q = DANGER_QUALIFIERS.get(qualifier);
    if (q !== undefined) cls |= q;
    if (word.startsWith('xp_') || word.startsWith('sp_oa')) cls |= FN_EXEC;
    if (cls & FN_TIME) this.feats |= F_TIME;
    if (cls & FN_ERROR) this.feats |= F_ERROR;
    if (cls & FN_FILE) this.feats |= F_FILE;
    if (cls & FN_EXEC) this.feats |= F_EXEC;
    if (cls !== 0) this.feats |= F_SQLFN;
    this.selItem(cls !== 0);
    this.advance(); // the `(`
    this.push(K_FUNC);
    if (this.depth < MAX_DEPTH) this.fnCls[this.depth] = cls === 0 ? 0 : cls;
    this.state = S_OPERAND;
    return true;
  }

  /** `select` in an operand position: a subquery after `(`, or after UNION. */
  private select(): boolean {
    const d = this.d();
    if (this.unionArmed) {
      this.feats |= F_UNION;
      this.unionArmed = false;
    }
    if (this.depth > 0 && this.kind[d] === K_SUBQ) {
      this.sel[d] = 1;
      if (this.segLogic[d - 1 < 0 ? 0 : d - 1]) this.feats |= F_LOGIC_FN;
      this.state = S_OPERAND;
      return true;
    }
    if (this.depth > 0 && this.kind[d] === K_GROUP) {
      // `((select ...))`
      this.kind[d] = K_SUBQ;
      this.sel[d] = 1;
      this.state = S_OPERAND;
      return true;
    }
    if (this.lastKind === T_EOF || this.lastKind === T_SEMI) {
      this.sel[d] = 1;
      this.state = S_OPERAND;
      return true;
    }
    // `1 AND SELECT ...`: not valid, but only an injection writes it.
    if (this.segLogic[d]) {
      this.feats |= F_LOGIC_FN;
      this.sel[d] = 1;
      this.state = S_OPERAND;
      return true;
    }
    return false;
  }

  /** Tracks the first items of a statement-level SELECT list. */
  private selItem(sqlish: boolean): void {
    if (!this.selArmed || this.depth !== 0) return;
    this.selItems++;
    if (sqlish) {
      this.feats |= this.stackSel ? F_STACK : F_SELSHAPE;
    }
    this.stackSel = false;
    this.selArmed = false;
  }

  private toOperator(): void {
    this.state = S_OPERATOR;
    this.aliasOk = this.sel[this.d()] === 1;
  }

  private onOperator(t: SqlToken): boolean {
    const d = this.d();
    switch (t.kind) {
      case T_OP:
        return this.binaryOp(t.op);
      case T_RPAREN:
        if (!this.pop()) {
          // The application's own parenthesis: `1') or ('1'='1`.
          this.state = S_OPERATOR;
          return true;
        }
        this.toOperator();
        this.aliasOk = true;
        return true;
      case T_COMMA:
        this.closeSeg();
        if (this.depth > 0 && this.depth < MAX_DEPTH) this.fnArgs[this.depth] = 1;
        if (this.depth === 0 && this.sel[0]) this.selArmed = false;
        this.state = S_OPERAND;
        return true;
      case T_SEMI:
        this.closeSeg();
        while (this.depth > 0) this.pop();
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
        if (this.lastKind === T_STR) {
          this.atom(true, -1, -1);
          this.sideN[d] = this.sideN[d]! - 1;
          return true;
        }
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
        if (t.op === '}') return true;
        return false;
      case T_WORD:
        return this.operatorWord(t);
      default:
        return false;
    }
  }

  private binaryOp(op: string): boolean {
    switch (op) {
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
      case '@>':
      case '<@':
      case '?':
      case '?|':
      case '?&':
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case '||':
        this.logicOp(true);
        this.state = S_OPERAND;
        return true;
      case '&&':
        this.logicOp(false);
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
      case '#>>':
        if (this.depth === 0 && this.segIdx[0] === 0 && this.quote !== Q_NONE && this.valid === 0) this.feats |= F_FIRST_OP;
        this.state = S_OPERAND;
        return true;
      default:
        return false;
    }
  }

  private operatorWord(t: SqlToken): boolean {
    const word = t.word;
    const cls = wordClass(word);
    if (cls & W_LOGIC) {
      this.logicOp(word !== 'and');
      this.state = S_OPERAND;
      return true;
    }
    if (cls & W_ARITH) {
      this.state = S_OPERAND;
      return true;
    }
    switch (word) {
      case 'not':
        if (this.nxt.kind === T_WORD && (wordClass(this.nxt.word) & W_CMP || this.nxt.word === 'null')) return true;
        return false;
      case 'is':
        this.cmpOp();
        this.state = S_IS;
        return true;
      case 'isnull':
      case 'notnull':
        this.cmpOp();
        this.atom(true, -1, -1);
        return true;
      case 'sounds':
        if (this.nxt.kind === T_WORD && this.nxt.word === 'like') this.advance();
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'like':
      case 'rlike':
      case 'regexp':
      case 'glob':
      case 'ilike':
      case 'match':
      case 'in':
      case 'between':
        this.cmpOp();
        this.state = S_OPERAND;
        return true;
      case 'similar':
        if (this.nxt.kind === T_WORD && this.nxt.word === 'to') this.advance();
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
        while (this.depth > 0 && this.kind[this.d()] !== K_SUBQ && this.kind[this.d()] !== K_GROUP) this.pop();
        this.unionArmed = true;
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
        this.segLogic[this.d()] = 0;
        this.state = S_OPERAND;
        return true;
      case 'where':
      case 'on':
        this.closeSeg();
        this.segLogic[this.d()] = 0;
        this.state = S_OPERAND;
        return true;
      case 'from':
        this.closeSeg();
        this.sel[this.d()] = 1;
        if (this.depth === 0 && this.selItems > 0) {
          this.feats |= F_FROM;
          if (this.stackSel && this.nxt.kind !== T_EOF) this.feats |= F_STACK;
        }
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
        if (this.nxt.kind === T_WORD && this.nxt.word === 'analyse') {
          this.advance();
          if (this.peekKind() === T_LPAREN) {
            this.feats |= F_ERROR;
            return this.call('analyse', '');
          }
        }
        return false;
      case 'as':
        this.state = S_TYPE;
        this.typeWords = 0;
        return true;
      case 'collate':
        this.state = S_TYPE;
        this.typeWords = 0;
        return true;
      case 'using':
        if (this.nxt.kind === T_WORD || this.nxt.kind === T_LPAREN) {
          if (this.nxt.kind === T_WORD) this.advance();
          return true;
        }
        return false;
      case 'when':
      case 'then':
      case 'else':
      case 'separator':
      case 'against':
        this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'end':
        this.closeSeg();
        this.fnAtom(FN_SQL);
        return true;
      case 'asc':
      case 'desc':
        return true;
      case 'for':
        if (this.nxt.kind === T_WORD && (this.nxt.word === 'xml' || this.nxt.word === 'update' || this.nxt.word === 'json' || this.nxt.word === 'share' || this.nxt.word === 'browse')) {
          this.state = S_LOOSE;
          return true;
        }
        return false;
      case 'join':
      case 'inner':
      case 'outer':
      case 'cross':
      case 'natural':
      case 'left':
      case 'right':
      case 'full':
      case 'straight_join':
        if (!this.sel[this.d()]) return false;
        this.closeSeg();
        this.state = S_OPERAND;
        return true;
      case 'waitfor':
        // MSSQL, after a value: `1' waitfor delay '0:0:5'--`.
        if (this.nxt.kind === T_WORD && (this.nxt.word === 'delay' || this.nxt.word === 'time')) {
          this.feats |= F_TIME;
          this.state = S_LOOSE;
          return true;
        }
        return false;
      case 'over':
      case 'window':
        return this.nxt.kind === T_LPAREN;
      case 'in_boolean_mode':
        return true;
      default:
        break;
    }
    if (cls & W_STMT && this.quote === Q_NONE && this.depth === 0) {
      // MSSQL runs consecutive statements without `;`: `1 update t set ...`, `1; if 1=1 shutdown`.
      if (STRONG_STMT.has(word)) {
        this.inline = true;
        return this.onStmt(t);
      }
    }
    if (cls & W_RESERVED || cls & W_STMT) return false;
    // A plain word after an operand: an alias, valid inside a SELECT only (once).
    if (this.aliasOk && !(cls & W_VALUE)) {
      this.aliasOk = false;
      return true;
    }
    return false;
  }

  private onIs(t: SqlToken): boolean {
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
        if (this.nxt.kind === T_WORD && this.nxt.word === 'from') {
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
    if (cls & (W_LOGIC | W_CLAUSE) && this.typeWords > 0) return this.onOperator(t);
    if (cls & W_RESERVED && t.word !== 'char' && t.word !== 'binary') return false;
    this.typeWords++;
    if (this.nxt.kind === T_LPAREN) {
      // varchar(8000), decimal(10,2)
      this.advance();
      this.push(K_FUNC);
      this.state = S_OPERAND;
      return true;
    }
    const n = this.nxt;
    if (this.typeWords < 2 && n.kind === T_WORD && TYPE_SECOND.has(n.word)) return true;
    this.toOperator();
    return true;
  }

  /** After a dot: the member of a qualified name. */
  private onQual(t: SqlToken): boolean {
    if (t.kind === T_DOT) return true; // `master..xp_cmdshell`
    if (t.kind === T_IDENT) {
      this.toOperator();
      return true;
    }
    if (t.kind === T_OP && t.op === '*') {
      this.toOperator();
      return true;
    }
    if (t.kind !== T_WORD) return false;
    const qual = this.qualifierBefore(t.start);
    if (CATALOGS.has(qual) || CATALOGS.has(t.word)) this.feats |= F_CATALOG;
    if (this.nxt.kind === T_LPAREN) {
      // A qualified call replaces the qualifier atom already counted.
      const d = this.d();
      if (this.sideN[d]! > 0) this.sideN[d] = this.sideN[d]! - 1;
      return this.call(t.word, qual);
    }
    if (t.word.startsWith('xp_') || t.word.startsWith('sp_')) this.feats |= F_EXEC;
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
      this.feats |= F_FILE;
      this.state = S_LOOSE;
      return true;
    }
    if (t.kind === T_VAR || t.kind === T_IDENT) {
      this.toOperator();
      return true;
    }
    if (t.kind === T_WORD && !(wordClass(t.word) & W_RESERVED)) {
      this.toOperator();
      return true;
    }
    return false;
  }

  private onUnion(t: SqlToken): boolean {
    if (t.kind === T_WORD) {
      if (t.word === 'all' || t.word === 'distinct') return true;
      if (t.word === 'select') {
        this.feats |= F_UNION;
        this.unionArmed = false;
        this.sel[this.d()] = 1;
        this.state = S_OPERAND;
        return true;
      }
      if (t.word === 'values' || t.word === 'table') {
        this.feats |= F_UNION;
        this.state = S_LOOSE;
        return true;
      }
      return false;
    }
    if (t.kind === T_LPAREN) {
      this.push(K_SUBQ);
      return true;
    }
    if (t.kind === T_OP && (t.op === '+' || t.op === '-')) return true; // `union+all+select`, `union-(select`
    return false;
  }

  /** Statement start (input start or after `;`). */
  private onStmt(t: SqlToken): boolean {
    if (t.kind === T_SEMI) return true;
    if (t.kind === T_LPAREN) {
      this.push(K_GROUP);
      this.state = S_OPERAND;
      return true;
    }
    if (t.kind !== T_WORD) return false;
    const word = t.word;
    const n = this.nxt;
    const nw = n.kind === T_WORD ? n.word : '';
    const stacked = this.afterStack || this.inline;
    let strong = false;
    switch (word) {
      case 'select':
        // `; select <something SQL-shaped>`: judged on the first item (selItem) or a FROM.
        this.stackSel = stacked;
        this.sel[this.d()] = 1;
        this.selArmed = true;
        this.state = S_OPERAND;
        return true;
      case 'insert':
      case 'replace':
        strong = nw === 'into' || (word === 'insert' && n.kind === T_WORD && !(wordClass(nw) & W_RESERVED));
        break;
      case 'update':
        strong = (n.kind === T_WORD || n.kind === T_IDENT) && this.lookSet();
        break;
      case 'delete':
        strong = nw === 'from' || (n.kind === T_WORD && stacked);
        break;
      case 'drop':
      case 'create':
      case 'alter':
      case 'truncate':
        strong = DDL_OBJECTS.has(nw) || ((n.comment || stacked) && (n.kind === T_WORD || n.kind === T_IDENT) && word !== 'create');
        break;
      case 'exec':
      case 'execute':
        strong =
          n.kind === T_VAR ||
          n.kind === T_LPAREN ||
          nw.startsWith('xp_') ||
          nw.startsWith('sp_') ||
          nw === 'master' ||
          nw === 'immediate' ||
          (stacked && n.kind === T_WORD);
        break;
      case 'declare':
        strong = n.kind === T_VAR;
        break;
      case 'set':
        strong = n.kind === T_VAR || (stacked && n.kind === T_WORD);
        break;
      case 'shutdown':
        strong = n.kind === T_EOF || n.kind === T_SEMI || nw === 'with' || n.comment;
        break;
      case 'waitfor':
        if (nw === 'delay' || nw === 'time') this.feats |= F_TIME;
        break;
      case 'call':
      case 'do':
      case 'if':
      case 'begin':
      case 'print':
      case 'use':
      case 'load':
      case 'handler':
      case 'grant':
      case 'revoke':
      case 'rename':
      case 'backup':
      case 'restore':
      case 'kill':
      case 'dbcc':
      case 'reconfigure':
      case 'pragma':
      case 'attach':
      case 'copy':
      case 'lock':
      case 'goto':
      case 'open':
      case 'deallocate':
      case 'prepare':
        strong = stacked && (n.kind !== T_EOF || word === 'begin');
        if (word === 'if' && stacked) strong = true;
        break;
      default:
        return false;
    }
    if (strong) this.feats |= stacked ? F_STACK : F_STMT;
    else if (!stacked && !(this.feats & F_TIME)) return false;
    this.state = S_LOOSE;
    return true;
  }

  /** `update <table> set`: peeks without consuming (bounded to the next token). */
  private lookSet(): boolean {
    const s = this.s;
    let p = this.nxt.end;
    while (p < s.length && p - this.nxt.end < 64 && isSpace(s.charCodeAt(p))) p++;
    return (
      (s.charCodeAt(p) | 0x20) === 115 &&
      (s.charCodeAt(p + 1) | 0x20) === 101 &&
      (s.charCodeAt(p + 2) | 0x20) === 116 &&
      !isWordChar(s.charCodeAt(p + 3))
    );
  }

  /** Inside a statement we already judged: keep scanning for calls and further statements. */
  private onLoose(t: SqlToken): boolean {
    if (t.kind === T_SEMI) {
      this.state = S_STMT;
      this.afterStack = true;
      return true;
    }
    if (t.kind === T_WORD) {
      if (this.nxt.kind === T_LPAREN) {
        const cls = FUNCS.get(t.word) ?? 0;
        if (cls & FN_TIME) this.feats |= F_TIME;
        if (cls & FN_ERROR) this.feats |= F_ERROR;
        if (cls & FN_FILE) this.feats |= F_FILE;
        if (cls & FN_EXEC) this.feats |= F_EXEC;
        const q = DANGER_QUALIFIERS.get(this.qualifierBefore(t.start));
        if (q !== undefined && this.s.charCodeAt(t.start - 1) === 46) this.feats |= q & FN_TIME ? F_TIME : F_EXEC;
      }
      if (t.word.startsWith('xp_')) this.feats |= F_EXEC;
      if (t.word === 'union' && (this.nxt.word === 'select' || this.nxt.word === 'all')) this.feats |= F_UNION;
      if (t.word === 'waitfor' && (this.nxt.word === 'delay' || this.nxt.word === 'time')) this.feats |= F_TIME;
      if ((t.word === 'outfile' || t.word === 'dumpfile') && this.nxt.kind === T_STR) this.feats |= F_FILE;
    }
    return true;
  }
}

const NOT_FUNCS = new Set([
  'select', 'from', 'where', 'and', 'or', 'xor', 'not', 'in', 'exists', 'union', 'as', 'like', 'rlike',
  'regexp', 'between', 'is', 'when', 'then', 'else', 'case', 'on', 'using', 'values', 'into', 'limit',
  'by', 'having', 'all', 'any', 'some', 'distinct', 'binary', 'interval', 'return', 'returns', 'over',
]);

const STRONG_STMT = new Set(['update', 'insert', 'delete', 'drop', 'exec', 'execute', 'declare', 'shutdown', 'waitfor', 'truncate']);

const DDL_OBJECTS = new Set([
  'table', 'database', 'schema', 'procedure', 'function', 'view', 'index', 'user', 'trigger', 'login',
  'column', 'temporary', 'role', 'event', 'sequence', 'tablespace', 'if',
]);

const TYPE_SECOND = new Set(['precision', 'varying', 'unsigned', 'signed', 'zone', 'char', 'character']);

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
]);

/**
 * Cheap gate. Returns true when `s` holds a character SQL injection needs (quote, comment marker,
 * `;`, `=`, `(`, `|`, `&`...) or a keyword that works with spaces alone. Cost: one charCode loop;
 * letters/digits/spaces-only strings additionally lower-case their few words.
 */
function worthWalking(s: string): boolean {
  const n = s.length;
  let spaces = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) continue;
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0) {
      spaces = true;
      continue;
    }
    if (c === 46 || c === 44) continue; // `.`/`,` alone make nothing; they count only with keywords
    if (c >= 0x80 && quoteClass(c) === Q_NONE && !isSpace(c)) continue;
    return true;
  }
  if (!spaces) return false;
  // Letters/digits/spaces: look for a bare keyword.
  let i = 0;
  while (i < n) {
    while (i < n && !isWordChar(s.charCodeAt(i))) i++;
    const b = i;
    while (i < n && isWordChar(s.charCodeAt(i))) i++;
    if (i - b >= 2 && i - b <= 9 && BARE_KEYWORDS.has(s.slice(b, i).toLowerCase())) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Decision
// ---------------------------------------------------------------------------------------------------

type Verdict = { rule: string; reason: string; confidence: 'high' | 'medium' | 'low' };

const CTX_NAME = ['as typed', 'a single-quoted literal', 'a double-quoted literal', '', 'a backtick identifier'];

function judge(w: Walk, quote: number, litWord: boolean): Verdict | undefined {
  const f = w.feats;
  const ctx = quote === Q_NONE ? '' : ` after closing ${CTX_NAME[quote]}`;
  if (f & F_UNION) return { rule: 'sqli.union', reason: `UNION SELECT forms a second query${ctx}.`, confidence: 'high' };
  if (f & F_STACK) return { rule: 'sqli.stacked', reason: `A semicolon starts a new SQL statement${ctx}.`, confidence: 'high' };
  if (f & F_TIME) return { rule: 'sqli.time', reason: `A time-delay SQL function or WAITFOR appears in valid SQL${ctx}.`, confidence: 'high' };
  if (f & F_ERROR) return { rule: 'sqli.error', reason: `An error-based extraction function appears in valid SQL${ctx}.`, confidence: 'high' };
  if (f & F_FILE) return { rule: 'sqli.file', reason: `A file read/write construct appears in valid SQL${ctx}.`, confidence: 'high' };
  if (f & F_EXEC) return { rule: 'sqli.exec', reason: `A command-execution or out-of-band SQL procedure is called${ctx}.`, confidence: 'high' };
  if (f & F_TAUT) return { rule: 'sqli.tautology', reason: `A logical operator is followed by a constant comparison${ctx}.`, confidence: 'high' };
  if (f & F_LOGIC_FN) return { rule: 'sqli.boolean', reason: `A logical operator is followed by an SQL function call or subquery${ctx}.`, confidence: 'high' };
  if (f & F_STMT) return { rule: 'sqli.statement', reason: 'The value is a complete data-changing or administrative SQL statement.', confidence: 'high' };
  if (f & F_PROBE) return { rule: 'sqli.probe', reason: `ORDER BY / GROUP BY with a column number${ctx}.`, confidence: quote !== Q_NONE || w.complete ? 'high' : 'medium' };
  if (f & F_SELSHAPE && f & (F_FROM | F_SQLFN | F_SYSVAR | F_CATALOG)) return { rule: 'sqli.statement', reason: 'The value is a complete SQL query.', confidence: 'high' };
  if (f & F_HAVING) return { rule: 'sqli.probe', reason: `A HAVING clause with a condition${ctx}.`, confidence: 'high' };
  if (quote !== Q_NONE) {
    if (f & F_LOGIC_OR_CONST && w.endOk) return { rule: 'sqli.tautology', reason: `OR with a literal operand${ctx}.`, confidence: 'high' };
    if (f & F_LOGIC_IDCMP && w.endOk) return { rule: 'sqli.boolean', reason: `A logical operator adds a condition${ctx}.`, confidence: 'high' };
    if (w.trunc) return { rule: 'sqli.comment', reason: `A comment truncates the query${ctx}.`, confidence: litWord ? 'high' : 'medium' };
    if (f & (F_LOGIC_OR_CONST | F_LOGIC_AND_CONST | F_LOGIC_IDCMP)) return { rule: 'sqli.boolean', reason: `A logical operator follows the literal${ctx}.`, confidence: 'medium' };
    if (f & F_FIRST_CMP && w.endOk) return { rule: 'sqli.expression', reason: `The literal is closed and compared${ctx}.`, confidence: 'medium' };
    if (f & (F_SQLFN | F_SYSVAR) && w.valid > 1) return { rule: 'sqli.expression', reason: `SQL functions follow the closed literal${ctx}.`, confidence: 'medium' };
    if (f & F_FIRST_OP && w.endOk) return { rule: 'sqli.expression', reason: `An operator follows the closed literal${ctx}.`, confidence: 'low' };
    return undefined;
  }
  if (f & (F_SYSVAR | F_CATALOG) && f & F_SQLFN) return { rule: 'sqli.expression', reason: 'SQL functions and system objects form an expression.', confidence: 'medium' };
  if (f & (F_LOGIC_IDCMP | F_LOGIC_OR_CONST | F_FIRST_CMP)) return { rule: 'sqli.boolean', reason: 'A logical operator or comparison forms an SQL condition.', confidence: 'low' };
  return undefined;
}

const RANK = { high: 3, medium: 2, low: 1 } as const;

/** The application's literal before the breakout is one short token (a user name, an id): `admin'--`. */
function isLoginLike(s: string, quoteAt: number): boolean {
  if (quoteAt === 0 || quoteAt > 64) return false;
  let letter = false;
  for (let i = 0; i < quoteAt; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 0) return false;
    if (((c | 0x20) >= 97 && (c | 0x20) <= 122) || c >= 0x80) letter = true;
  }
  return letter;
}

/**
 * Detects SQL injection in one untrusted string. Pure, linear, never throws.
 * Rules: sqli.union, sqli.stacked, sqli.time, sqli.error, sqli.file, sqli.exec, sqli.tautology,
 * sqli.boolean, sqli.statement, sqli.probe, sqli.comment, sqli.expression.
 */
export function detectSqlInjection(value: string): Detection | undefined {
  try {
    if (typeof value !== 'string' || value.length < 2 || !worthWalking(value)) return undefined;
    let best: Verdict | undefined;
    const consider = (v: Verdict | undefined): boolean => {
      if (v !== undefined && (best === undefined || RANK[v.confidence] > RANK[best.confidence])) best = v;
      return best !== undefined && best.confidence === 'high';
    };
    // Quoted contexts: break out at the first quote of each kind.
    let sq = -1;
    let dq = -1;
    let bt = -1;
    for (let i = 0; i < value.length && (sq < 0 || dq < 0 || bt < 0); i++) {
      const q = quoteClass(value.charCodeAt(i));
      if (q === Q_SINGLE && sq < 0) sq = i;
      else if (q === Q_DOUBLE && dq < 0) dq = i;
      else if (q === Q_BACKTICK && bt < 0) bt = i;
    }
    if (sq >= 0 && consider(judge(new Walker(value, sq + 1, Q_SINGLE).run(), Q_SINGLE, isLoginLike(value, sq)))) return best;
    if (dq >= 0 && consider(judge(new Walker(value, dq + 1, Q_DOUBLE).run(), Q_DOUBLE, isLoginLike(value, dq)))) return best;
    if (consider(judge(new Walker(value, 0, Q_NONE).run(), Q_NONE, false))) return best;
    if (bt >= 0 && consider(judge(new Walker(value, bt + 1, Q_BACKTICK).run(), Q_BACKTICK, false))) return best;
    return best;
  } catch {
    return undefined;
  }
}
