/**
 * Shell command injection: does this value, spliced into a command line, form a separator or a
 * substitution followed by a command?
 *
 * The decision is structural. The value is tokenized the way sh/bash (and, where they agree at token
 * level, cmd.exe and PowerShell) would see it (src/tokenizers/shell.ts), once as if spliced unquoted,
 * and once each as if spliced inside a '...' or "..." string when the value holds that quote (the
 * classic `'; id; '` break-out). Each *command position* (start of value, after `;` `|` `||` `&&` `&`
 * a newline or `(`, inside `$(..)`, backticks, `<(..)`) is then judged by what stands there:
 *
 *  - a name from the command tables below: unambiguous commands (whoami, uname, wget, bash...),
 *    ambiguous ones that are also English words (cat, type, sleep, echo...) which need shell-shaped
 *    arguments or an unmistakably shell-shaped separator, interpreters (sh, bash, python, powershell,
 *    cmd) which are enough when piped into or given `-c` / `/c`;
 *  - an absolute path into a binary directory (/bin/sh, /usr/bin/id, C:\Windows\System32\...);
 *  - a command name spelled to dodge filters (c'a't, c\at, who$@ami, w^h^o^a^m^i, {cat,/etc/passwd});
 *
 * and by how it is reached: a separator glued to the command (`a;id`), a separator at the very start
 * of the value (`; id`), a substitution or a literal `\n` is never prose, while `salt; pepper`,
 * `Tom & Jerry`, `A | B testing` are separators followed by words that are not commands. Arguments
 * count as evidence (flags, absolute paths, IPs, URLs, redirections) or as prose (plain words).
 *
 * A few stand-alone structures are judged directly: `$IFS` as a word separator, `() {` (Shellshock),
 * `/dev/tcp` redirections, empty substitutions glued into words, Windows `for %x in (..)` /
 * `if exist`, PowerShell `iex` / `-enc` and its call operator on a name joined from pieces
 * (`& ('i'+'ex')`, `.(gcm i*x)`) or built by an expression (`& ("{1}{0}" -f 'ex','i')`,
 * `.(('i','e','x') -join '')`: PsExpr evaluates the format, join, index and cast operators), letters
 * cut out of fixed-value variables (`$env:ComSpec[4,15,25]-join''`, `$ShellId[1]+$ShellId[13]+'x'`),
 * a command word built from characters cut out of variables
 * (`${PATH:0:1}`, `%COMSPEC:~-7,3%`), `$0` (the running shell) given code, process-execution calls
 * with a shell command string (`system('id')`, PHP `${@system(..)}`), SSI `<!--#exec`, and
 * SMTP/IMAP/POP3 verbs after CRLF (mail command injection, which the same payload lists file under
 * command injection).
 *
 * Cost: a presence scan (a charCode loop, ~2 ns per character; from 96 characters on, one native
 * indexOf per relevant character instead) returns unless the value holds a shell metacharacter, or
 * starts with a word that may name a command (checked without allocating). A value whose
 * metacharacters cannot move the command position (quotes, `%`, globs in prose: `it's 100%`) is judged
 * by its first word alone (`firstWordMay`). A value whose metacharacters are ordinary punctuation
 * (`;` `(` `,` `?` in header values) and that names no command anywhere stops after one more
 * allocation-free pass (`mayFind`). Otherwise each pass
 * is one linear lexer run with O(1) state; at most three passes (plus one per XML/HTML attribute value,
 * which partitions the input) run, and the first `high` finding stops the work. No RegExp.
 */
import { C, charMask } from '../charclass';
import { scatter, unpackI32, unpackU16, unpackU8 } from '../packed';
import type { Detection } from '../types';
import { SHELL_TABLES } from './shell-tables';
import {
  CTX_DOUBLE,
  CTX_NONE,
  CTX_SINGLE,
  RD_HERESTR,
  RD_IN,
  RD_OUT,
  RD_APPEND,
  SEP_LNL,
  SEP_NL,
  SEP_PIPE,
  SEP_PIPEAMP,
  ShellLexer,
  SUB_BACKTICK,
  SUB_PROC_IN,
  SUB_PROC_OUT,
  SUB_ARITH,
  SUB_DOLLAR,
  TK_CLOSE,
  TK_END,
  TK_OPEN,
  TK_QTAIL,
  TK_REDIR,
  TK_SEP,
  TK_SUB_CLOSE,
  TK_SUB_OPEN,
  TK_WORD,
  W_ANSI,
  W_ARITH,
  W_ASSIGN,
  W_BACKSLASH,
  W_BRACE,
  W_BRACE_CALL,
  W_CARET,
  W_CONT,
  W_EMPTY_ARITH,
  W_GLOB,
  W_QUOTED,
  W_UNQUOTED,
  W_SLICE,
  W_VAR,
  W_LONG,
  SEP_AMP,
  isWordBoundary,
} from '../tokenizers/shell';

// ---------------------------------------------------------------------------------------------------
// Command tables
// ---------------------------------------------------------------------------------------------------

/** Unambiguous command: not an English word, rarely a name. */
const F_STRONG = 1;
/** Command name that is also an ordinary word (cat, type, sleep): needs shell-shaped context. */
const F_WEAK = 2;
/** Runs code it is given: sh, bash, python, powershell, cmd... Piping into it is an attack. */
const F_INTERP = 4;
/** Runs the next word as a command (time, nohup, sudo, env...). */
const F_PREFIX = 8;
/** Takes a number as its main argument (sleep 5, ping -n 3). */
const F_NUM = 16;
/** Windows / PowerShell name: matched case-insensitively. */
const F_CI = 32;
/** Prints its argument (echo, printf): shell-shaped when the argument carries markup or `$`. */
const F_ECHO = 64;
/** PowerShell Invoke-Expression: executes a string. */
const F_PSX = 128;
/** Takes a subcommand word first (net user, netsh firewall, ansible-vault decrypt): not prose. */
const F_SUBCMD = 256;

const TABLE = new Map<string, number>();

function def(flags: number, names: string): void {
  for (const n of names.split(' ')) {
    if (n.length > 0) TABLE.set(n, (TABLE.get(n) ?? 0) | flags);
  }
}

// Unix, unambiguous. Matched exactly (lower case): Linux file systems are case-sensitive.
def(
  F_STRONG,
  'whoami uname ifconfig iwconfig iwlist netstat nslookup wget curl nc ncat netcat socat telnet ssh scp sftp ' +
    'rsync tftp ftp busybox chmod chown chgrp chattr lsattr mkdir rmdir ls pwd hostnamectl iptables ' +
    'ip6tables nft useradd userdel usermod groupadd adduser deluser passwd chpasswd crontab systemctl ' +
    'journalctl killall pkill pgrep pidof lsof strace ltrace gdb base64 base32 xxd hexdump uudecode ' +
    'uuencode openssl gcc cc c89 c99 clang tar gzip gunzip bzip2 bunzip2 unxz unzip zcat bzcat xzcat ' +
    'mkfifo mknod readlink realpath whereis lsb_release dmesg lspci lsusb lsmod insmod rmmod modprobe ' +
    'htop uptime fdisk blkid lsblk nmap masscan tcpdump tshark traceroute tracepath sysctl setsid xterm ' +
    'tmux vim nvim emacs nano tac usleep cpulimit flock uconv iconv rmt ansible ansible-playbook ' +
    'ansible-config ansible-vault ansible-inventory ansible-galaxy ansible-doc docker kubectl podman ' +
    'lastlog lastlogin printenv getent finger md5sum sha1sum sha256sum shred mysql psql sqlite3 ' +
    'redis-cli apt-get yum dnf apk pip pip3 ngrep dmidecode lshw ifup ifdown arping grep egrep fgrep ' +
    'zgrep sed 7z 7za xz awk gawk mawk nawk umount nohup sudo doas printf irb tclsh wish expect ' +
    'ipconfig id3v2 pstree vmstat iostat mpstat nproc lscpu ldd objdump strings ssh-keygen useradd ' +
    'wall write chsh mkpasswd getfacl setfacl visudo pkexec runuser newgrp',
);
// Interpreters (unix): piped into, or given -c / -e, they run the attacker's code.
def(F_STRONG | F_INTERP, 'sh bash zsh ksh csh tcsh dash ash mksh python perl ruby php php-cgi lua node nodejs deno jshell');
// Unix names that are also ordinary words or abbreviations.
def(
  F_WEAK,
  'cat echo sleep ping date time who id ps top kill free last head tail more less sort uniq cut tr wc ' +
    'find file stat touch watch test true false yes read print mail man info join split fold column ' +
    'paste expand rev tee nl od dd cp mv rm ln cd env exit export set unset alias source history jobs ' +
    'wait trap shift bridge ex ed at sc host dig zip tex mount diff patch ip ss vi seq nice renice ' +
    'logger sum timeout chroot w3m lynx links make install su exec eval command builtin then do else ' +
    'xargs base bc dc hash type',
);
def(F_NUM, 'sleep usleep ping timeout kill seq');
/** Network clients that do nothing without a destination: alone, their name is text about them. */
const NEEDS_ARGS: ReadonlySet<string> = new Set(['curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ssh', 'scp', 'sftp', 'rsync', 'tftp', 'ftp', 'nmap']);
/**
 * Words that are also commands (F_WEAK) and, run with no argument, print a usage line, wait on
 * stdin or fail: `host`, `cat`, `date`, `sort`, `time`… A list item or a header name (`content-type;host`)
 * rather than recon. `id`, `who`, `w`, `ps`, `env`, `set`, `find`, `last`, `free` answer with
 * information even alone and are not here.
 */
const QUIET_ALONE: ReadonlySet<string> = new Set([
  'host', 'date', 'time', 'cat', 'echo', 'sleep', 'ping', 'kill', 'file', 'stat', 'touch', 'head', 'tail', 'more', 'less',
  'sort', 'uniq', 'cut', 'tr', 'wc', 'watch', 'test', 'true', 'false', 'read', 'print', 'mail', 'man', 'info', 'join',
  'split', 'fold', 'column', 'paste', 'expand', 'rev', 'tee', 'nl', 'od', 'dd', 'cp', 'mv', 'rm', 'ln', 'cd', 'exit',
  'export', 'unset', 'alias', 'source', 'wait', 'trap', 'shift', 'bridge', 'ex', 'ed', 'at', 'sc', 'dig', 'zip', 'tex',
  'diff', 'patch', 'seq', 'nice', 'renice', 'logger', 'sum', 'timeout', 'make', 'install', 'xargs', 'base', 'bc', 'dc',
  'hash', 'type', 'links', 'lynx', 'w3m', 'identity', 'deflate', 'br', 'compress',
  // Prints `y` until killed: a probe uses `sleep`, and `;yes` / `|yes` ends CSV rows (`Ann;42;yes`).
  'yes',
  // Reserved words that only lead a command (see their def): alone they run nothing (`Wait;while`,
  // `see you;then`, `see you;until then`: a chat sign-off, and in sh a syntax error).
  'while', 'until', 'elif', 'coproc', 'then', 'do', 'else',
]);

/**
 * Builtins whose `NAME=value` arguments assign shell variables as a leading `NAME=value` does
 * (`x;declare a=id;$a`, `local`, `typeset`, `readonly`, `export`): the assignment is kept for the
 * variable-command test.
 */
const DECL_BUILTINS: ReadonlySet<string> = new Set(['declare', 'local', 'typeset', 'readonly', 'export']);
/** Builtins that assign the variables they name from their input (`x;mapfile a<<<id;${a[0]}`, `read a`). */
const READ_BUILTINS: ReadonlySet<string> = new Set(['read', 'mapfile', 'readarray']);

/** Reserved words that cannot start `if`'s LIST (`call me;if then`: prose, and in sh a syntax error). */
const CLOSING_WORDS: ReadonlySet<string> = new Set(['then', 'do', 'done', 'else', 'fi', 'esac', 'elif']);

/** cmd.exe IF's first words (`if /i`, `if not`, `if exist …`): anything else after `if` is sh's `if LIST`. */
const WIN_IF_WORDS: ReadonlySet<string> = new Set(['/i', 'not', 'exist', 'defined', 'errorlevel']);

/**
 * Tools that, with no argument or only a version number, are a name in a list ("Stack: nginx; php 8.2;
 * mysql 8.0", "Env: Ubuntu 22.04; pip 24.0"): clients, package managers, compilers and editors that
 * run nothing an attacker chose without one. Recon commands (`; id`, `; ls`) are not here.
 */
const LIST_NAMES: ReadonlySet<string> = new Set([
  'docker', 'kubectl', 'podman', 'pip', 'pip3', 'mysql', 'psql', 'sqlite3', 'redis-cli', 'apt-get', 'yum', 'dnf', 'apk',
  'gcc', 'cc', 'clang', 'make', 'vim', 'nvim', 'emacs', 'nano', 'tmux', 'ansible', 'openssl', 'tar', 'gzip', '7z', 'htop',
  // Alone they print a usage line: "Skills: python; bash; sed; awk; grep" (profiles, job posts).
  'sed', 'awk', 'gawk', 'grep',
]);
def(F_ECHO, 'echo printf print');
def(F_PREFIX, 'time nohup sudo doas env exec eval command builtin then do else nice timeout xargs watch strace setsid');
// Reserved words after which the shell reads a command (`x;while sleep 5;do :;done`, `x;until id;do
// :;done`, `x;elif id;then`, bash's `coproc curl …`): weak prefixes, as `then` and `do` are, so the
// next word is judged as a command with the separator before the keyword (`;while sleep 5` reads as
// `;sleep 5`). Unix `if` is read at its first word (Pass.onWord), cmd.exe's IF shapes first.
def(F_WEAK | F_PREFIX, 'while until elif coproc');
// cmd.exe: `call whoami` runs whoami (and expands `%x%` once more: `call %x%%y%`).
def(F_PREFIX | F_CI, 'call');

// Windows cmd.exe (case-insensitive).
def(
  F_STRONG | F_CI,
  'whoami hostname ipconfig netstat nslookup systeminfo tasklist taskkill netsh schtasks bcdedit bcdboot ' +
    'vssadmin wevtutil icacls cacls takeown findstr forfiles qwinsta quser runas nbtstat getmac ' +
    'driverquery sysinfo net1 certutil bitsadmin wmic mshta rundll32 regsvr32 cscript wscript msiexec ' +
    'tracert nltest dsquery diskpart robocopy xcopy wevtutil cmdkey klist setspn arp curl',
);
def(
  F_WEAK | F_CI,
  'dir type copy del erase move ren rename md rd set echo net at start call find more ver vol tree cls ' +
    'title path mode exit pause label shutdown sc reg ping sort date time assoc ftype attrib timeout ' +
    'where cd chdir pushd popd',
);
def(F_WEAK | F_INTERP | F_CI, 'cmd');
// PowerShell aliases that are also abbreviations: judged by their arguments (`gci env:`).
def(F_WEAK | F_CI, 'gci gi');
def(F_STRONG | F_CI, 'get-item get-itemproperty');
def(F_STRONG | F_INTERP | F_CI, 'powershell pwsh powershell_ise');
// PowerShell cmdlets and aliases that fetch or run code (case-insensitive).
def(
  F_STRONG | F_CI,
  'iwr irm invoke-webrequest invoke-restmethod start-process new-object invoke-command ' +
    'start-bitstransfer get-wmiobject invoke-wmimethod set-executionpolicy get-childitem get-content ' +
    'set-content out-file add-content remove-item get-process start-sleep invoke-item',
);
def(F_STRONG | F_CI | F_PSX | F_INTERP, 'iex invoke-expression');
def(F_NUM, 'start-sleep');
def(
  F_SUBCMD,
  'net netsh reg sc wmic docker kubectl podman systemctl ip openssl apt-get yum dnf apk pip pip3 ' +
    'ansible-vault ansible-config ansible-galaxy ansible-inventory bitsadmin certutil schtasks vssadmin ' +
    'wevtutil bcdedit nltest busybox',
);

/** Subcommands that make `net`, `reg`, `sc` unmistakable (net user, reg add, sc create). */
const SUBCOMMANDS = new Map<string, Set<string>>([
  ['net', new Set(['user', 'users', 'view', 'localgroup', 'group', 'share', 'use', 'session', 'accounts', 'config', 'start', 'stop'])],
  ['reg', new Set(['add', 'delete', 'query', 'save', 'export', 'import', 'load', 'unload', 'copy', 'restore'])],
  ['sc', new Set(['create', 'config', 'query', 'queryex', 'qc', 'start', 'stop', 'delete', 'failure'])],
]);

/** Directories whose glob spellings (/???/, /b?n/) betray a binary or system path. */
const SYS_DIRS = ['bin', 'sbin', 'usr', 'etc', 'dev', 'tmp', 'var', 'proc', 'home', 'root', 'opt', 'lib', 'lib64', 'sys', 'boot'];
/** The shortest and longest SYS_DIRS names (isGlobSysPath's length test). */
const [SYS_DIR_MIN, SYS_DIR_MAX] = ((): [number, number] => {
  let lo = Infinity;
  let hi = 0;
  for (const d of SYS_DIRS) {
    lo = Math.min(lo, d.length);
    hi = Math.max(hi, d.length);
  }
  return [lo, hi];
})();

/** Calls that hand a string to a shell (PHP, Node child_process, Python os, ...); matched lower case. */
const EXEC_CALLS = new Set([
  'system',
  'exec',
  'passthru',
  'shell_exec',
  'popen',
  'proc_open',
  'pcntl_exec',
  'eval',
  'assert',
  'execsync',
  'spawn',
  'spawnsync',
  'execfile',
  'execfilesync',
  'os.system',
  'os.popen',
  'subprocess.call',
  'subprocess.run',
  'subprocess.popen',
  'subprocess.check_output',
  'runtime.exec',
]);

/**
 * The last characters (lower case) of the names Pass.onOpen matches before a `(`: EXEC_CALLS,
 * `phpinfo` and the .NET cradle suffixes (see there).
 */
const CALL_LAST = new Uint8Array(128);
(() => {
  for (const w of [...EXEC_CALLS, 'phpinfo', 'downloadstring', 'downloadfile', 'frombase64string']) CALL_LAST[w.charCodeAt(w.length - 1)] = 1;
})();

/**
 * Ruby and Perl functions that run a command and are called without parentheses (`system 'id'`),
 * also as `CORE::system`, `CORE::GLOBAL::exec`, `Kernel.spawn`, `Kernel::system`. Case-sensitive, as
 * in both languages (`System 'x'` is no call).
 */
function bareRunName(w: string): boolean {
  const n = w.length;
  if (n < 4 || n > 20) return false;
  let f = w;
  if (n > 6) {
    const cut = w.charCodeAt(6) === 46 ? 7 : w.lastIndexOf('::') + 2;
    const pre = w.slice(0, cut);
    if (pre !== 'Kernel.' && pre !== 'Kernel::' && pre !== 'CORE::' && pre !== 'CORE::GLOBAL::') return false;
    f = w.slice(cut);
  }
  return f === 'system' || f === 'exec' || f === 'spawn';
}

/** A Ruby / Perl statement modifier or low-precedence operator at `k` (`system 'id' if 1`, `or die`). */
function statementModifier(s: string, k: number): boolean {
  let e = k;
  while (e < s.length && e - k < 7 && s.charCodeAt(e) >= 97 && s.charCodeAt(e) <= 122) e++;
  if (e - k < 2 || e - k > 6 || (e < s.length && s.charCodeAt(e) !== 32 && s.charCodeAt(e) !== 9 && s.charCodeAt(e) !== 40)) return false;
  const w = s.slice(k, e);
  return w === 'if' || w === 'unless' || w === 'or' || w === 'and' || w === 'rescue' || w === 'while' || w === 'until';
}

/** PHP superglobals: request data reaching code. */
const SUPERGLOBALS = new Set(['_GET', '_POST', '_REQUEST', '_COOKIE', '_SERVER', '_FILES', '_ENV', '_SESSION']);

/** Interpreter switches that take code on the command line. */
const INTERP_SWITCHES = new Set([
  '-c',
  '/c',
  '/k',
  '/r',
  '-e',
  '-r',
  '-enc',
  '-en',
  '-ec',
  '-encodedcommand',
  '-command',
  '-nop',
  '-noprofile',
  '-noninteractive',
  '-noni',
  '-w',
  '-windowstyle',
  '-ep',
  '-exec',
  '-executionpolicy',
  '-inputformat',
]);

/** ASCII lower case of a code below 128 (letters only changed). */
function asciiLower(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/**
 * Prefix filter in front of lookupName. Every table key lookupName can return is, lower-cased, a
 * prefix of the lower-cased name (the name itself, or cut before `.ext`, a version, `-tail` or
 * `/switch`), except through the `./name` / `.name` retry, which a name starting with `.` always
 * takes. So a name whose first two characters (ASCII, lower-cased) start no key of two or more
 * characters, and whose first starts no one-character key, names nothing: two loads and a byte, where
 * the full lookup hashed it into the Map and then tried six cut variants. Punctuation-dense values
 * (`` `\'( ``, `%'\;`, `x:/&0`) make a command word every few characters, none of which starts
 * like a command. Names with a non-ASCII character among the first two go the full way (`\u212A`,
 * the Kelvin sign, lower-cases to `k`).
 */
const KEY_PAIR = new Uint8Array(128 * 128);
const KEY_ONE = new Uint8Array(128);
// Written out (src/detectors/shell-tables.ts, checked against buildKeyPrefix by the build and the test).
scatter(KEY_PAIR, unpackU16(SHELL_TABLES.keyPair), 1);
scatter(KEY_ONE, unpackU16(SHELL_TABLES.keyOne), 1);

/** KEY_PAIR and KEY_ONE from TABLE (what shell-tables.ts must encode; not run at load). */
function buildKeyPrefix(): { pair: Uint8Array; one: Uint8Array } {
  const pair = new Uint8Array(128 * 128);
  const one = new Uint8Array(128);
  for (const key of TABLE.keys()) {
    const a = asciiLower(key.charCodeAt(0));
    if (key.length === 1) one[a] = 1;
    else pair[a * 128 + asciiLower(key.charCodeAt(1))] = 1;
  }
  return { pair, one };
}

/** Looks a command name up; returns its F_* flags or 0. */
/** Digits (at most 2) glued to `<` or `>` (`next`): a redirection's file descriptor, `2>&1`. */
function isIoNumber(norm: string, next: number): boolean {
  if (next !== 60 && next !== 62) return false;
  const n = norm.length;
  if (n === 0 || n > 2) return false;
  for (let k = 0; k < n; k++) if (norm.charCodeAt(k) < 48 || norm.charCodeAt(k) > 57) return false;
  return true;
}

function lookupName(name: string): number {
  const len = name.length;
  if (len === 0 || len > 40) return 0;
  const c0 = name.charCodeAt(0);
  if (c0 === 46) {
    // A name starting with `.` can only be found by the `./name` / `.name` retry below (no key starts
    // with `.`, and every other cut keeps the first character): the same filter on what follows.
    // (`` `.` `` repeated: a `.` command word every two characters.)
    const r = name.charCodeAt(1) === 47 ? 2 : 1;
    if (len === r) return 0;
    const r0 = name.charCodeAt(r);
    if (r0 < 128 && KEY_ONE[asciiLower(r0)] === 0) {
      if (len === r + 1) return 0;
      const r1 = name.charCodeAt(r + 1);
      if (r1 < 128 && KEY_PAIR[asciiLower(r0) * 128 + asciiLower(r1)] === 0) return 0;
    }
  } else if (c0 < 128 && KEY_ONE[asciiLower(c0)] === 0) {
    if (len === 1) return 0;
    const c1 = name.charCodeAt(1);
    if (c1 < 128 && KEY_PAIR[asciiLower(c0) * 128 + asciiLower(c1)] === 0) return 0;
  }
  const direct = TABLE.get(name);
  if (direct !== undefined) return direct;
  // Fast exit for plain words: only the case-insensitive retry can still match them.
  let plain = true;
  let upper = false;
  for (let k = 0; k < len; k++) {
    const c = name.charCodeAt(k);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 128) return 0; // command names are ASCII
    else if (!(c >= 97 && c <= 122)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    if (!upper) return 0;
    const ci = TABLE.get(name.toLowerCase());
    return ci !== undefined && (ci & F_CI) !== 0 ? ci : 0;
  }
  const lower = name.toLowerCase();
  if (lower !== name) {
    const ci = TABLE.get(lower);
    if (ci !== undefined && (ci & F_CI) !== 0) return ci;
  }
  // Windows executable suffixes.
  const dot = lower.lastIndexOf('.');
  if (dot > 0) {
    const ext = lower.slice(dot + 1);
    if (ext === 'exe' || ext === 'com' || ext === 'bat' || ext === 'cmd') {
      const base = lower.slice(0, dot);
      const e = TABLE.get(base);
      if (e !== undefined && ((e & F_CI) !== 0 || base === name.slice(0, dot))) return e;
    }
  }
  // Version suffixes: python3, python2.7, gcc7.4, php7.
  let v = len;
  while (v > 0) {
    const c = name.charCodeAt(v - 1);
    if ((c >= 48 && c <= 57) || c === 46) v--;
    else break;
  }
  if (v > 1 && v < len) {
    const e = TABLE.get(name.slice(0, v));
    if (e !== undefined && (e & F_STRONG) !== 0) return e;
  }
  // Hyphenated variants of strong commands: rmt-tar, ansible-something.
  const hy = name.indexOf('-');
  // Not a product token (`node-fetch/1.0`, `python-requests/2.28.1`: a User-Agent, not a path).
  if (hy >= 3 && name.indexOf('/', hy) === -1) {
    const e = TABLE.get(name.slice(0, hy));
    if (e !== undefined && (e & F_STRONG) !== 0 && (e & F_CI) === 0) return e;
  }
  // ./nc, .sh (a dot-prefixed strong command still names it for most filters and some shells' PATH).
  if (name.charCodeAt(0) === 46) {
    const rest = name.charCodeAt(1) === 47 ? name.slice(2) : name.slice(1);
    const e = TABLE.get(rest);
    if (e !== undefined && (e & F_STRONG) !== 0) return e;
  }
  // cmd.exe accepts a switch glued to the name: dir/s, bcdboot/r (and a short tail: id/n).
  const sl = name.indexOf('/');
  if (sl > 1) {
    const e = TABLE.get(lower.slice(0, sl));
    if (e !== undefined && ((e & F_CI) !== 0 || len - sl <= 3)) return e;
  }
  return 0;
}

/** Shell glob match of `pat` (with * ? [..]) against `s`; both short. */
function globMatch(pat: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const pc = pat.charCodeAt(p);
    if (p < pat.length && pc === 91) {
      const close = pat.indexOf(']', p + 1);
      if (close > p) {
        const set = pat.slice(p + 1, close);
        if (set.indexOf(s.charAt(i)) >= 0) {
          p = close + 1;
          i++;
          continue;
        }
      }
    }
    if (p < pat.length && (pc === 63 || pc === s.charCodeAt(i))) {
      p++;
      i++;
    } else if (p < pat.length && pc === 42) {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (p < pat.length && pat.charCodeAt(p) === 42) p++;
  return p === pat.length;
}

function hasGlobChar(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 42 || c === 63 || c === 91) return true;
  }
  return false;
}

/** `/???/c?t`, `/bin/ca?`, `/et*\/passwd`: an absolute path into a system directory spelled with globs. */
function isGlobSysPath(norm: string): boolean {
  if (norm.charCodeAt(0) !== 47 || norm.length > 128 || !hasGlobChar(norm)) return false;
  // The first segment norm[1, e) is read in place (at most 9 characters: a native search and a copy
  // per word cost more than the loop on short words, `/*` after every `;` of `*;/` repeated) and copied
  // only for the directory match.
  let e = 1;
  let stars = 0;
  let set = false;
  for (; e < norm.length && e <= 9; e++) {
    const c = norm.charCodeAt(e);
    if (c === 47) break;
    if (c === 42) stars++;
    else if (c === 91) set = true;
  }
  const len = e - 1;
  if (len === 0 || len > 8) return false;
  if (stars === len) return false; // /*, /**/: comments, not paths
  // Without `*`, globMatch reads one pattern character or more (a `[set]`) per subject character, so
  // a pattern shorter than every directory name (`/?`, `/??`) matches none, and one without `[`
  // matches only names of its own length. `|/?` repeated asked globMatch fifteen times per word, ~55%
  // of the detector's ~120 µs/KB there.
  if (stars === 0 && (len < SYS_DIR_MIN || (len > SYS_DIR_MAX && !set))) return false;
  const first = norm.slice(1, e);
  for (const d of SYS_DIRS) if (globMatch(first, d)) return true;
  return false;
}

/**
 * Absolute path into a directory that holds executables. Empty and `.` segments are dropped first
 * (`//bin//whoami`, `/usr/./bin/id`, `/./bin/sh`: every shell and execve resolve them the same), only
 * for an absolute path of at most 256 characters that holds one (two native searches, then a copy).
 */
function isBinPath(lower: string): boolean {
  if (binPrefix(lower)) return true;
  if (lower.charCodeAt(0) !== 47 || lower.length > 256 || (lower.indexOf('//') === -1 && lower.indexOf('/./') === -1)) return false;
  let out = '';
  for (let k = 0; k < lower.length; k++) {
    const c = lower.charCodeAt(k);
    if (c === 47 && out.charCodeAt(out.length - 1) === 47) continue;
    if (c === 46 && out.charCodeAt(out.length - 1) === 47 && lower.charCodeAt(k + 1) === 47) {
      k++;
      continue;
    }
    out += lower.charAt(k);
  }
  return binPrefix(out);
}

/** The unambiguous Unix command names (lower case), for isGlobCommandName. */
let strongNames: string[] | undefined;

/**
 * `/*\/who*mi`, `/*\/n?at`: a command path whose directory is all wildcards (which isGlobSysPath
 * leaves to comments) and whose last segment, spelled with wildcards and at least two letters,
 * matches an unambiguous command. Only asked of a word in command position that starts with
 * `/` and holds a glob: one glob match per table name (a few hundred, each bounded by the segment).
 */
function isGlobCommandName(norm: string): boolean {
  if (norm.length > 64) return false;
  const slash = norm.lastIndexOf('/');
  // (Tested before the copy: a short last segment, `/?`, is the common case of dense punctuation.)
  if (norm.length - slash - 1 < 3) return false;
  const last = norm.slice(slash + 1);
  if (!hasGlobChar(last)) return false;
  let letters = 0;
  for (let k = 0; k < last.length; k++) if (isLetter(last.charCodeAt(k))) letters++;
  if (letters < 2) return false;
  if (strongNames === undefined) {
    strongNames = [];
    for (const [name, f] of TABLE) if ((f & F_STRONG) !== 0 && name.length >= 2) strongNames.push(name);
  }
  for (const name of strongNames) if (globMatch(last, name)) return true;
  return false;
}

function binPrefix(lower: string): boolean {
  // Every prefix below starts with `/`, `u` or `b`: one load for the command words that do not.
  const c0 = lower.charCodeAt(0);
  if (c0 !== 47 && c0 !== 117 && c0 !== 98) return false;
  return (
    lower.startsWith('/bin/') ||
    lower.startsWith('/sbin/') ||
    lower.startsWith('/usr/bin/') ||
    lower.startsWith('/usr/sbin/') ||
    lower.startsWith('/usr/local/bin/') ||
    lower.startsWith('/usr/local/sbin/') ||
    lower.startsWith('/usr/libexec/') ||
    lower.startsWith('/system/bin/') ||
    lower.startsWith('usr/bin/') ||
    lower.startsWith('bin/')
  );
}

/** Whether a path argument points at something an attacker reads or runs (hard evidence). */
function isSensitivePath(lower: string): boolean {
  if (
    lower.startsWith('/etc/') ||
    lower.startsWith('/proc/') ||
    lower.startsWith('/dev/tcp') ||
    lower.startsWith('/dev/udp') ||
    lower.startsWith('/root/') ||
    lower.startsWith('/var/www') ||
    lower.startsWith('/var/log') ||
    isBinPath(lower) ||
    lower === '/etc' ||
    lower === '/'
  ) {
    return true;
  }
  return (
    lower.includes('/passwd') ||
    lower.includes('/shadow') ||
    lower.includes('boot.ini') ||
    lower.includes('win.ini') ||
    lower.includes('\\repair\\') ||
    lower.includes('\\system32') ||
    lower.includes('\\windows\\')
  );
}

/** Windows path into the system or an executable file: C:\Windows\System32\x.exe, %SYSTEMROOT%\... */
function isWinExecPath(lower: string): boolean {
  const drive = lower.length > 2 && lower.charCodeAt(1) === 58 && (lower.charCodeAt(2) === 92 || lower.charCodeAt(2) === 47);
  const envv = lower.charCodeAt(0) === 37 && lower.indexOf('%', 1) > 1;
  if (!drive && !envv) return false;
  const n = lower.length;
  // (Length tests first: both directories need ten characters, every suffix is a `.` and three
  // more. `%\;%\` repeated is a `%` word every five characters: nine searches each.)
  if (n >= 10 && (lower.includes('\\system32\\') || lower.includes('\\syswow64\\'))) return true;
  if (n < 4 || lower.charCodeAt(n - 4) !== 46) return false;
  return (
    lower.endsWith('.exe') ||
    lower.endsWith('.bat') ||
    lower.endsWith('.cmd') ||
    lower.endsWith('.ps1') ||
    lower.endsWith('.vbs') ||
    lower.endsWith('.hta') ||
    lower.endsWith('.com')
  );
}

const A_NEUTRAL = 0;
const A_PROSE = 1;
const A_MED = 2;
const A_HARD = 3;
const A_NUMBER = 4;
const A_FLAG = 5;
/** A file name or host name (index.js, google.com): evidence after a separator, not on its own. */
const A_FILE = 6;

function isAlphaLike(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c > 127;
}

/**
 * Digits only (`8080`), or a dotted quad that reaches no outside host: 0/8, 127/8, 10/8, 172.16/12,
 * 192.168/16 (`0.0.0.0`, `127.0.0.1`, what config files bind to). A public address is refused:
 * `host = 203.0.113.9` asks that server about the name `=`, an out-of-band DNS probe of a blind
 * injection. Bounded by the word's length (at most 15 characters read).
 */
function isNumberOrLocalQuad(w: string): boolean {
  const n = w.length;
  if (n === 0 || n > 15) return false;
  let dots = 0;
  let run = 0;
  let o0 = 0;
  let o1 = 0;
  const quad = w.indexOf('.') >= 0;
  for (let k = 0; k < n; k++) {
    const c = w.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      // An octet with a leading zero is octal to inet_aton (`010.1.2.3` is 8.1.2.3): refused.
      if (quad && run === 1 && w.charCodeAt(k - 1) === 48) return false;
      run++;
      if (dots === 0) o0 = o0 * 10 + (c - 48);
      else if (dots === 1) o1 = o1 * 10 + (c - 48);
    } else if (c === 46 && run > 0 && run <= 3) {
      dots++;
      run = 0;
    } else return false;
  }
  if (run === 0) return false;
  if (dots === 0) return true;
  if (dots !== 3 || run > 3) return false;
  return o0 === 0 || o0 === 127 || o0 === 10 || (o0 === 172 && o1 >= 16 && o1 <= 31) || (o0 === 192 && o1 === 168);
}

/** Classifies one argument word: prose, evidence of a command line, or neutral. */
function classifyArg(norm: string, flags: number): number {
  const len = norm.length;
  if (len === 0) return (flags & W_VAR) !== 0 ? A_MED : A_NEUTRAL;
  const c0 = norm.charCodeAt(0);
  const c1 = len > 1 ? norm.charCodeAt(1) : 0;
  if (c0 === 45) {
    // -x, --long
    return isAlphaLike(c1) || (c1 === 45 && len > 2) ? A_FLAG : A_NEUTRAL;
  }
  // Lower-cased only on the branches that read it: on prose (most words) the copy was a third of the cost.
  if (c0 === 47 || c0 === 126 || (c0 === 46 && c1 === 47) || c0 === 92) {
    if ((flags & W_GLOB) !== 0 && isGlobSysPath(norm)) return A_HARD;
    return isSensitivePath(norm.toLowerCase()) ? A_HARD : A_MED;
  }
  if (len >= 2 && c1 === 58 && isAlphaLike(c0) && c0 < 128) {
    // C: C:\ C:/
    if (len === 2 || norm.charCodeAt(2) === 92 || norm.charCodeAt(2) === 47) {
      return isSensitivePath(norm.toLowerCase()) ? A_HARD : A_MED;
    }
  }
  if (c0 === 37 && norm.indexOf('%', 1) > 1) return isSensitivePath(norm.toLowerCase()) ? A_HARD : A_MED;
  if (c0 === 33 && len > 1 && lookupName(norm.slice(1)) !== 0) return A_HARD; // !cmd (vi/ex escape)
  // PowerShell's environment drive (`gci env:`, `type env:AWS_SECRET_ACCESS_KEY`): the function's
  // credentials. (`env:` alone would otherwise read as a word ending in a colon, prose.)
  if (len >= 4 && norm.charCodeAt(3) === 58 && (c0 | 32) === 101 && (c1 | 32) === 110 && (norm.charCodeAt(2) | 32) === 118) return A_HARD;
  // Numbers and dotted quads: the characters are counted first (nothing returns before the counts
  // are read), and the same loop notes a `/`, which a native search looked for before it.
  let digits = 0;
  let dots = 0;
  let letters = 0;
  let other = 0;
  let inner = 0;
  let slash = false;
  for (let k = 0; k < len; k++) {
    const c = norm.charCodeAt(k);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46) dots++;
    else if (isAlphaLike(c)) letters++;
    else if (c === 39 || c === 45) inner++;
    else {
      other++;
      if (c === 47) slash = true;
    }
  }
  // Every marker below holds a `/`, which lower-casing neither adds nor removes.
  if (slash) {
    const lower = norm.toLowerCase();
    if (lower.includes('://')) return A_MED;
    if (lower.includes('/etc/') || lower.includes('/passwd') || lower.includes('/bin/')) return A_HARD;
  }
  if (flags & W_VAR && (flags & W_QUOTED) === 0) return A_MED;
  if (letters === 0 && other === 0 && inner === 0 && digits > 0) return dots === 3 ? A_MED : A_NUMBER;
  // Prose: letters, possibly with an apostrophe or hyphen inside and trailing punctuation.
  if (digits === 0 && other === 0 && letters > 0) {
    if (dots === 0) return A_PROSE;
    // file.ext or domain.tld: evidence; a sentence-final "word." is prose.
    const last = norm.charCodeAt(len - 1);
    if (dots === 1 && last === 46) return A_PROSE;
    return A_FILE;
  }
  if (other > 0 && digits === 0 && letters > 0) {
    const last = norm.charCodeAt(len - 1);
    if (other === 1 && (last === 44 || last === 58 || last === 33 || last === 63 || last === 59)) return A_PROSE;
  }
  if (dots > 0 && letters > 0) return A_FILE; // host names, file.ext
  return A_NEUTRAL;
}

// ---------------------------------------------------------------------------------------------------
// Pass: one walk over the token stream of one lexing context.
// ---------------------------------------------------------------------------------------------------

const K_START = 1; // first word of the value
const K_VSTART = 2; // after a separator that opens the value (nothing before it)
const K_GLUED = 3; // after a separator with no blank before the command word (a;id)
const K_SPACED = 4; // after a separator followed by a blank (salt; pepper)
const K_NL = 5; // after a real newline
const K_LNL = 6; // after a literal \n
const K_SUBST = 7; // first word inside $(..), `..`, <(..)
const K_SUBST_MD = 8; // first word inside a markdown code span (`code` in prose)

/** Tests only: `off` reads every period token by token (the reference skipPeriods is compared with). */
export const SHELL_PERIODS_FOR_TEST = { off: false };

/** Tokens a period that did not repeat the pass's state holds the next attempt off (skipPeriods). */
const PERIOD_COOLDOWN = 16;

const STRONG_KINDS = (1 << K_VSTART) | (1 << K_GLUED) | (1 << K_LNL) | (1 << K_SUBST);

const H = 'high';
const M = 'medium';
const L = 'low';
type Conf = 'high' | 'medium' | 'low';
const RANK: Record<Conf, number> = { high: 3, medium: 2, low: 1 };

/** At most 16 characters of a token for a reason, control characters blanked (one line, no NULs). */
function short(tok: string): string {
  const t = tok.length > 16 ? tok.slice(0, 16) : tok;
  let out = '';
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    out += c < 32 || c === 127 ? ' ' : t.charAt(k);
  }
  return tok.length > 16 ? out + '…' : out;
}

class Pass {
  private readonly lx: ShellLexer;
  private readonly ctx: number;
  private readonly md: boolean;
  best: Detection | undefined;

  // Command position state.
  private cmdPos = true;
  private posKind = K_START;
  private posPipe = false;
  private pendingSepGlued = -1; // >=0: a separator was seen; the next word decides glued/spaced
  private pendingSepKind = 0;
  private sawContent = false;
  private obfPrefix = false;
  private prefixRecord = false;
  /**
   * Inside a markdown code span (K_SUBST_MD): commands after a separator in it (`cd src; ls`,
   * `ps aux | grep node`) are the same documentation as its first one and are judged the same way.
   */
  private inMdSpan = false;

  // Current command record.
  private active = false;
  private name = '';
  private nameLower = '';
  private lastCmdName: string | undefined;
  private cls = 0;
  private sys = false;
  private kind = 0;
  private pipeIn = false;
  private hard = false;
  private hardWhy = '';
  private med = false;
  /** Evidence that stands on its own at the start of a value (flag, path, IP, URL, redirection). */
  private startMed = false;
  /** An argument that only a command line has (a flag, an address, a variable, a number for sleep/ping), not just a file-like name. */
  private medStrong = false;
  /** Arguments that are version numbers (`cURL 8.5.0` in a User-Agent's comment). */
  private versionArgs = 0;
  /** The command's input or output is redirected (`(sh)0>$d/tcp/…`): it is being wired up, not named. */
  private redirected = false;
  private prose = 0;
  private args = 0;
  /**
   * Config-line shape `key = value` (TOML, INI, nginx-like): 1 after a first argument that is a bare
   * `=`, 2 when the only argument after it is a number or a local dotted quad, 0 otherwise (finalize).
   */
  private kv = 0;
  private interpFlag = false;
  private echoShell = false;
  private special = 0; // 1 = FOR, 2 = IF
  /** sh `for NAME in …`: NAME, between its word and `in` (specialWord stage 5). */
  private forName = '';
  /** `trap ARG SIGNAL…`: ARG, the command the shell runs on the signal, when it names one. */
  private trapCmd = '';
  private stage = 0;
  /** The record is `$0` (the shell's name, or a price): a finding only with code to run (finalize). */
  private dollarZero = false;
  /** The separator just seen is a pipe whose left side was a known command (`echo id|$0`). */
  private pipeFromCmd = false;
  /** Kind of the last separator (SEP_*), read when a `(` follows it directly. */
  private lastSepKind = 0;

  // PowerShell call operator on a parenthesised expression: `& ('i'+'ex') …`, `.(gcm i*x) …`.
  /** Inside such an expression: its parenthesis depth (0: not inside one). */
  private psDepth = 0;
  /** Index after the `(` that opened the call-operator expression. */
  private psFrom = 0;
  private psWords = 0;
  private psFirst = '';
  /** The expression's quoted pieces and `[char]N` codes, joined (what `+` concatenates), capped. */
  private psConcat = '';
  private psPieces = 0;
  /** A word of the expression is neither a quoted piece nor a `[char]N`: it is no concatenation. */
  private psBroken = false;

  // Cross-token state.
  private prevType = TK_END;
  private prevWordNorm = '';
  private prevWordWasCmd = false;
  private callName = '';
  private callStage = 0; // 1: saw NAME( ; 2: saw a bare `system` / `exec` / `spawn` (Ruby, Perl); waiting for the argument
  private fdName = '';
  private fdStage = 0;
  private funcName = '';
  /**
   * A function the value defined whose body runs one of its arguments (`f(){ $1;}`, `function f {
   * "$@"; }`): a call of it runs the word after its name (`f id`), read as after a prefix (exec).
   */
  private argFunc = '';
  /** How many names argFunc holds (at most 4). */
  private argFuncs = 0;
  /** argFunc's body spells its command from an argument glued to text (`f(){ ${1}d;}`): any call of it counts. */
  private argGlue = false;
  /** The declare/typeset/local record had an option that transforms values (`-l`, `-u`, `-c`, `-n`). */
  private declTransform = false;
  /** `function` was read in command position: the next word is the function's name (onCommandWord). */
  private funcKw = false;
  /** The record is a builtin that assigns (DECL_BUILTINS, `set`): its arguments may be assignments. */
  private declRecord = false;
  /** Positional parameters `set` assigned in this value (`x;set -- id;$1`): `$1`… are kept as assigned. */
  private setPos = 0;
  /** `case WORD in` (POSIX): 1 after `case`, 2 after its word, 3 after `in`: a `)` then ends a pattern. */
  private caseStage = 0;
  private assigned: string[] = [];
  /** Literal values leading assignments gave (`a=i`): name, value, name, value… (at most 8 pairs; the latest value of a name). */
  private knownValues: string[] = [];
  /** Bumped whenever a known value changes in place (the snapshot sees the change; see setKnown). */
  private knownGen = 0;
  /** A name was assigned after `assigned` was full: a name's absence from it proves nothing then. */
  private assignOver = false;
  /** A literal value came after `knownValues` was full: a name's absence from it proves nothing then. */
  private knownOver = false;
  /** Where the `=` of a bash `NAME+=` assignment the lexer split at its `+` starts the next word (-1: none). */
  private assignTail = -1;
  private subOpenGlued = false;
  private subOpenIndex = -1;
  private tokenIndex = 0;
  private subKind = 0;
  private redirPending = 0;
  private redirAtStart = false;

  constructor(lx: ShellLexer, ctx: number, md: boolean) {
    this.lx = lx;
    this.ctx = ctx;
    this.md = md;
  }

  private report(rule: string, reason: string, conf: Conf): void {
    if (this.best !== undefined && RANK[this.best.confidence] >= RANK[conf]) return;
    const where = this.ctx === CTX_SINGLE ? ' after closing a single quote' : this.ctx === CTX_DOUBLE ? ' after closing a double quote' : '';
    this.best = { rule: `shell.${rule}`, reason: reason + where + '.', confidence: conf };
  }

  private get done(): boolean {
    return this.best !== undefined && this.best.confidence === 'high';
  }

  run(): void {
    const lx = this.lx;
    /** Start of the one-character separator read just before this token (-1: none). */
    let sepAt = -1;
    for (;;) {
      const t = lx.next();
      const sepPrev = sepAt;
      sepAt = t === TK_SEP && lx.end === lx.start + 1 ? lx.start : -1;
      if (lx.sawIFS) {
        this.report('ifs', 'The $IFS variable is used as a word separator, a shell filter-evasion idiom', H);
        return;
      }
      switch (t) {
        case TK_WORD:
          this.onWord();
          break;
        case TK_SEP:
          this.onSep();
          break;
        case TK_OPEN:
          this.psOpen();
          this.onOpen();
          break;
        case TK_CLOSE:
          if (this.psDepth > 0) this.psClose();
          if (this.done) return;
          this.finalize(false);
          this.cmdPos = false;
          this.fdAdvanceClose();
          if (this.caseStage === 3) {
            // `x;case a in a)id;esac`: the `)` ends a case pattern and the clause's command follows,
            // read as after a glued separator (nothing else puts a word there).
            this.cmdPos = true;
            this.posKind = this.inMdSpan ? K_SUBST_MD : K_GLUED;
            this.pendingSepGlued = -1;
            this.prefixRecord = false;
          }
          break;
        case TK_SUB_OPEN:
          this.onSubOpen();
          break;
        case TK_SUB_CLOSE:
          this.onSubClose();
          break;
        case TK_REDIR:
          this.onRedir();
          break;
        case TK_QTAIL:
          this.onQtail();
          this.finalize(false);
          return;
        case TK_END:
        default:
          this.finalize(false);
          return;
      }
      if (this.done) return;
      const target = t === TK_WORD && this.prevType === TK_REDIR;
      this.prevType = t;
      this.tokenIndex++;
      if (target && this.sawContent && !this.active && this.psDepth === 0 && this.callStage === 0 && this.fdStage !== 2 && this.redirPending === 0) {
        // `< a < b > c …` after a redirection target, outside any command record: each further
        // `<word` / `>word` (see ShellLexer.redirRun) does here only what the token path does with
        // it. onRedir: redirPending = its kind, redirAtStart = !sawContent (false: content was seen);
        // onWord: no psWord (depth 0), no call argument or function definition pending, no flag of
        // a plain word, so straight to onRedirTarget, whose tests all need a `/`, six characters, a
        // value-opening redirection or an active record (none here); then redirPending = 0,
        // prevWordWasCmd = false, sawContent = true. 1 MB of `<a <a`: the detector ~24 -> ~7 µs/KB.
        const k = lx.redirRun();
        if (k > 0) {
          this.redirAtStart = false;
          this.prevWordWasCmd = false;
          this.tokenIndex += 2 * k;
        }
      } else if (t === TK_WORD && !target) {
        this.skipArgs();
        if (sepPrev >= 0 && lx.start === sepPrev + 1 && lx.i === lx.end) this.skipPeriods(sepPrev);
      } else if (t === TK_SUB_OPEN && lx.kind === SUB_DOLLAR) {
        this.skipOpens();
      }
    }
  }

  /**
   * After a word: skips the run of simple words and short redirections that follows (ShellLexer.argRun)
   * where they can only move counters. Two states qualify, both with no call argument, function body,
   * redirection target, separator decision or PowerShell expression pending, and content seen:
   *   - an active record whose name is no command (cls 0, no FOR/IF), past its first two arguments or
   *     not after a strong separator: onArgWord then only counts an argument (see there), and a
   *     redirection `<a` only marks the record redirected (onRedirTarget: no test can fire on a target
   *     of five letters without `/`, redirAtStart is false once content was seen, the record has cls 0);
   *   - command position with no active record and sixteen assignments kept: an assignment word
   *     (`x="<a x="`) is only not kept again (onCommandWord), a redirection does nothing (as above).
   * What each skipped token does is replayed here: args, redirected, prevWordWasCmd, redirAtStart and
   * tokenIndex; prevType stays TK_WORD, and the run's last word is read as a token (prevWordNorm).
   * 1 MB of `<a x="`: the two passes went from ~3 tokens per 6 characters each to a scan.
   */
  private skipArgs(): void {
    if (this.psDepth !== 0 || this.callStage !== 0 || this.fdStage === 2 || this.redirPending !== 0 || this.pendingSepGlued >= 0 || !this.sawContent) return;
    let argMode: boolean;
    if (this.active) {
      if (this.cmdPos || this.cls !== 0 || this.special !== 0 || this.declRecord || this.caseStage === 1 || this.caseStage === 2 || (this.args < 2 && ((1 << this.kind) & STRONG_KINDS) !== 0)) return;
      argMode = true;
    } else {
      if (!this.cmdPos || this.assigned.length < 16) return;
      argMode = false;
    }
    const lx = this.lx;
    const k = lx.argRun(!argMode);
    const r = lx.runRedirs;
    if (k === 0 && r === 0) return;
    if (argMode) {
      this.args += k;
      if (r > 0) this.redirected = true;
      this.prevWordWasCmd = false;
    } else if (r > 0) {
      this.prevWordWasCmd = false;
    }
    if (r > 0) this.redirAtStart = false;
    this.tokenIndex += k + 2 * r;
  }

  /**
   * Repeated periods (`;x$a$;x$a$…`, `;x$$;x$$…`): a one-character separator and a word glued to it
   * (ShellLexer.periodShape), the same text again and again. Each copy is read by the lexer as the
   * same two tokens (the same fields, at other positions), and what the pass does with a token
   * depends on its state, the token's fields and the characters of the period (and the one after
   * it, the next separator): nothing before the period, nothing further on, and never the token's
   * position (positions are compared only with each other, and tokenIndex only right after a
   * substitution opener, which no period holds). So once a copy leaves the pass's state exactly as
   * the copy before left it (snapshot), every further copy does too: they are skipped, the last
   * copy (followed by something else) excepted. A snapshot is taken only where the next copy is
   * already there, and one that does not repeat holds the next attempt off for PERIOD_COOLDOWN
   * tokens (at most one snapshot per that many tokens: a bounded share of a pass that never skips).
   * 1 MB of `$a$;x`: a sep, a word, a record started and dropped per five characters, ~50 µs/KB of
   * the detector; now the first two copies and a compare per copy.
   */
  private skipPeriods(sepStart: number): void {
    if (SHELL_PERIODS_FOR_TEST.off) return;
    const lx = this.lx;
    const a = sepStart;
    const b = lx.end;
    if (this.armed !== undefined && this.armEnd === a && this.armLen === b - a) {
      const same = this.sameState(this.armed);
      this.armed = undefined;
      if (!same) {
        this.armHold = this.tokenIndex + PERIOD_COOLDOWN;
        return;
      }
      const k = lx.periodCopies(a, b, Infinity);
      if (k > 0) {
        lx.shiftWord(k * (b - a));
        this.tokenIndex += 2 * k;
      }
      return;
    }
    this.armed = undefined;
    if (this.tokenIndex < this.armHold || !lx.periodShape(a, b) || lx.periodCopies(a, b, 2) < 2) return;
    this.armed = this.snapshot();
    this.armEnd = b;
    this.armLen = b - a;
  }

  private armed: unknown[] | undefined = undefined;
  private armEnd = -1;
  private armLen = 0;
  private armHold = 0;

  /** Every field of the pass's state but tokenIndex (see skipPeriods) and the snapshot's own. */
  private snapshot(): unknown[] {
    return [
      this.best, this.cmdPos, this.posKind, this.posPipe, this.pendingSepGlued, this.pendingSepKind, this.sawContent, this.obfPrefix,
      this.prefixRecord, this.inMdSpan, this.active, this.name, this.nameLower, this.lastCmdName, this.cls, this.sys, this.kind,
      this.pipeIn, this.hard, this.hardWhy, this.med, this.startMed, this.medStrong, this.versionArgs, this.redirected, this.prose,
      this.args, this.kv, this.interpFlag, this.echoShell, this.special, this.stage, this.dollarZero, this.pipeFromCmd,
      this.lastSepKind, this.psDepth, this.psFrom, this.psWords, this.psFirst, this.psConcat, this.psPieces, this.psBroken,
      this.prevType, this.prevWordNorm, this.prevWordWasCmd, this.callName, this.callStage, this.fdName, this.fdStage, this.funcName, this.argFunc, this.argFuncs, this.argGlue, this.declTransform,
      this.funcKw, this.declRecord, this.setPos, this.caseStage, this.forName, this.trapCmd,
      // (assigned only grows, by push: its length says whether it changed.)
      this.assigned.length, this.knownValues.length, this.knownGen, this.assignOver, this.knownOver, this.assignTail, this.subOpenGlued, this.subOpenIndex, this.subKind, this.redirPending, this.redirAtStart,
      this.prevSubNested, this.subOpenStart, this.subOpenEnd, this.subOpenKind,
    ];
  }

  private sameState(snap: unknown[]): boolean {
    const now = this.snapshot();
    for (let k = 0; k < now.length; k++) if (now[k] !== snap[k]) return false;
    return true;
  }

  /**
   * After a `$(`: skips the `$(` openers glued after it (ShellLexer.openRun). Each would run onSubOpen
   * in the state the one before left (no record active, prevType TK_SUB_OPEN so not glued, nested,
   * not a code span): only the opener's position and index change. `$($($(…`: a token per 2 characters.
   */
  private skipOpens(): void {
    const lx = this.lx;
    const k = lx.openRun();
    if (k === 0) return;
    this.subOpenGlued = false;
    this.subOpenIndex = this.tokenIndex + k - 1;
    this.subOpenStart = lx.start;
    this.subOpenEnd = lx.end;
    this.subOpenKind = SUB_DOLLAR;
    this.prevSubNested = true;
    this.tokenIndex += k;
  }

  // ---- words ---------------------------------------------------------------------------------------

  private onWord(): void {
    const lx = this.lx;
    const norm = lx.norm;
    const flags = lx.flags;
    const nonEmpty = norm.length > 0;
    if (this.psDepth === 1) {
      this.psWord(norm, flags);
      if (this.done) return;
    }

    if ((flags & W_EMPTY_ARITH) !== 0) {
      this.report('obfuscation', 'An empty $[] arithmetic expansion, a shell filter-evasion idiom', H);
      return;
    }
    if ((flags & W_BRACE_CALL) !== 0) this.checkBraceCall();
    if (this.done) return;
    if (nonEmpty && norm.charCodeAt(0) === 123 && norm.charCodeAt(1) === 36 && SUPERGLOBALS.has(lx.firstVar)) {
      this.report('php-interpolation', 'PHP complex interpolation of a request superglobal', H);
      return;
    }
    if (nonEmpty && flags & W_VAR && SUPERGLOBALS.has(lx.firstVar) && norm.startsWith('{')) {
      this.report('php-interpolation', 'PHP complex interpolation of a request superglobal', H);
      return;
    }

    // A pending call argument: system('id'), exec("cat /etc/passwd"), bare system 'id'.
    if (this.callStage !== 0) {
      const stage = this.callStage;
      this.callStage = 0;
      if (stage === 1) this.checkCallArgument(norm, flags);
      else this.checkBareArgument(norm, flags);
      if (this.done) return;
    }
    if (this.fdStage === 2) {
      this.fdStage = 0;
      if (norm === '{') {
        // NAME() { ... }: a function definition; its body is in command position.
        this.funcName = this.fdName;
        this.cmdPos = true;
        this.posKind = K_GLUED;
        this.sawContent = true;
        return;
      }
    }
    if (this.redirPending !== 0) {
      this.onRedirTarget(norm, flags);
      this.redirPending = 0;
      this.prevWordWasCmd = false;
      if (nonEmpty) this.sawContent = true;
      return;
    }

    if (this.pendingSepGlued >= 0) this.decideSep();

    if (
      !this.cmdPos &&
      this.active &&
      this.special === 2 &&
      this.stage === 0 &&
      this.args === 0 &&
      this.name === 'if' &&
      !WIN_IF_WORDS.has(norm.toLowerCase()) &&
      !CLOSING_WORDS.has(norm.toLowerCase())
    ) {
      // sh's `if LIST; then` (`x;if whoami;then :;fi`, `x;if sleep 5;then :;fi`): no cmd.exe IF
      // shape follows, so the word after `if` is a command, judged as after the weak prefixes
      // `then` and `do` (with the separator before `if`; a word that names no command ends it).
      this.special = 0;
      this.cls = F_WEAK | F_PREFIX;
      this.prefixRecord = true;
      this.cmdPos = true;
    }

    if (!this.cmdPos && this.active && this.special === 1 && this.stage === 5 && flags === W_UNQUOTED && norm === 'do') {
      // `for a do $a; done` (POSIX: `for NAME` then a linebreak, which may be empty, then the do
      // group): this `do` is the reserved word, not a word of a list, and a command follows it, as
      // after `;do`. (NAME was kept as assigned by forNoIn.)
      this.special = 0;
      this.cmdPos = true;
    }

    if (this.cmdPos && flags === W_UNQUOTED && isIoNumber(norm, lx.s.charCodeAt(lx.end))) {
      // `x;2>&1 whoami`, `x;2>/dev/null id`: digits glued to `<` or `>` are the redirection's file
      // descriptor (POSIX IO_NUMBER), not a command name; the command position stays open for the
      // word after the redirection, as after any leading redirection.
      this.prevWordNorm = norm;
      return;
    }

    if (this.cmdPos) {
      this.onCommandWord(norm, flags);
      // Ruby and Perl call `system`, `exec`, `spawn` without parentheses: `system 'id'`. Judged on the
      // next word (checkBareArgument); a name written as such (no quote, escape or expansion), in
      // command position outside a markdown code span. O(1) here.
      if (!this.done && (flags & ~W_UNQUOTED) === 0 && this.posKind !== K_SUBST_MD && bareRunName(norm)) this.callStage = 2;
    } else {
      this.onArgWord(norm, flags);
      this.prevWordWasCmd = false;
    }
    if (nonEmpty || (flags & W_VAR) !== 0) this.sawContent = true;
    this.prevWordNorm = norm;
  }

  /** Decides how the separator before this token reads (glued, spaced, newline…): the first token after it. */
  private decideSep(): void {
    if (this.pendingSepKind === SEP_LNL) this.posKind = K_LNL;
    else if (this.pendingSepKind === SEP_NL) this.posKind = this.sawContent ? K_NL : K_VSTART;
    else if (!this.sawContent) this.posKind = K_VSTART;
    else this.posKind = this.lx.spaceBefore ? K_SPACED : K_GLUED;
    if (this.inMdSpan) this.posKind = K_SUBST_MD;
    this.pendingSepGlued = -1;
  }

  private onCommandWord(norm: string, flags: number): void {
    const lx = this.lx;
    if (this.assignTail >= 0) {
      // The rest of a bash `NAME+=…` assignment (see bashAssignEq below): no command word.
      const tail = this.assignTail;
      if (lx.start <= tail) {
        // (`a[ 0]=id`: the subscript's blank split it into more words, each up to the `=`.)
        if (lx.end <= tail) return;
        this.assignTail = -1;
        return;
      }
      this.assignTail = -1;
    }
    if (flags === W_UNQUOTED && this.isArgFunc(norm) && this.argGlue && lx.s.charCodeAt(lx.end) === 32) {
      this.report('variable-command', `A function the value defined spells its command from its argument, and is called ('${short(norm)}')`, H);
      return;
    }
    if (flags === W_UNQUOTED && this.isArgFunc(norm)) {
      // A call of a function that runs its argument (see argFunc): the next word is the command, as
      // after exec (`x;f(){ $1;};f id` runs id; `f hello` is a word, as `exec hello` is).
      this.startRecord(norm, F_PREFIX, false);
      this.cmdPos = true;
      this.prefixRecord = true;
      return;
    }
    if (this.funcKw) {
      // `function NAME { …; }`, `function NAME() { … }` (bash, ksh): NAME is defined, not run; a `{`
      // after it (or after its `()`, as for `NAME() {`) opens a body in command position.
      this.funcKw = false;
      this.startRecord(norm, 0, false);
      this.fdName = norm;
      this.fdStage = 2;
      return;
    }
    if (flags === W_UNQUOTED && norm === 'function') {
      this.funcKw = true;
      return;
    }
    if (flags === W_UNQUOTED && (norm === 'case' || norm === 'esac')) {
      // `case WORD in PATTERN) LIST;; esac`: the words up to `in` are read in onArgWord.
      this.startRecord(norm, 0, false);
      this.caseStage = norm === 'case' ? 1 : 0;
      return;
    }
    if ((flags & (W_SLICE | W_ASSIGN)) === W_SLICE && this.posKind !== K_SUBST_MD) {
      // `;${PATH:0:1}etc${PATH:0:1}passwd`, `&%COMSPEC:~-7,3% /c …`: the command word is assembled
      // from characters cut out of a variable. No command name needs matching: nothing but a filter
      // evasion spells a command that way. An assignment (`first=${name:0:1}`) is left alone.
      this.report('obfuscation', `The command is built from characters cut out of a variable (${short(lx.slice)}), a filter-evasion idiom`, H);
      return;
    }
    // PowerShell `$env:NAME` as a statement of its own after a separator (`x;$env:AWS_SECRET_ACCESS_KEY`)
    // prints the variable: the function's credentials. At the value's start it is a name in text.
    if ((flags & W_VAR) !== 0 && this.posKind !== K_START && this.posKind !== K_SUBST_MD && envStatement(lx.s, lx.start, lx.end)) {
      this.report('powershell', 'A PowerShell $env: variable is read as a statement of its own', H);
      return;
    }
    // `$1`, `"$@"`, `${*}` run as a command in the body of a function the value defined (funcName:
    // `x;f(){ $1;};f id`): the function runs its argument; a call of it is read as a prefix command
    // (argFunc, in onCommandWord). Nothing is reported here: `run() { "$@"; }` alone runs nothing.
    // (Read in the raw word, at most 64 characters: the lexer names no variable for `${@}`, `${*}`.)
    // Two expansions glued (`f(){ $1$2;};f i d`, `"$1$2"`, `${1}${2}`) spell the command from the
    // call's arguments: argGlue, as `${1}d` (any call with an argument is reported).
    if (norm.length === 0 && (flags & W_VAR) !== 0 && this.funcName !== '' && positionalIn(lx.s, lx.start, Math.min(lx.end, lx.start + 64))) {
      this.addArgFunc(this.funcName);
      // An operator on it (`f(){ ${1%x};};f idx`, `${1,,}`) transforms the argument: argGlue too.
      if (!plainPositional(lx.s, lx.start, lx.end)) this.argGlue = true;
    }
    // `"$a"`, `"$@"`: a double-quoted expansion runs as the command just as a bare one does (no word
    // splitting, same command), so one of a variable the value assigned (`x;a=id;"$a"`, `x;set -- id;
    // "$@"`) is a variable command too. Other quoted expansions (`"$HOME"`) are left to the rules below.
    if (norm.length === 0 && (flags & W_VAR) !== 0 && (flags & W_QUOTED) !== 0 && lx.firstVar.length > 0 && this.wasAssigned(lx.firstVar)) {
      this.report('variable-command', `A variable assigned earlier in the value ("$${short(lx.firstVar)}") is run as a command`, H);
      return;
    }
    // `eval '$a'`, `eval \$a`: eval reads its argument as shell code again, so an expansion kept
    // from the first reading by quotes or a backslash happens then, as `eval $a` would. Read as that
    // (a variable command when the value assigned it; otherwise eval's own record decides, as for
    // `x;eval $a`). O(1): the word's first characters.
    if (
      this.prefixRecord &&
      this.active &&
      this.nameLower === 'eval' &&
      // (No W_VAR with a `$` leading the text: the first reading kept it literal.) Blanks and
      // double quotes before it are eval's own reading (`eval ' $a'`, `eval '"$a"'` run `$a` too).
      (flags & W_VAR) === 0 &&
      norm.charCodeAt(evalLead(norm)) === 36 &&
      isVarLead(norm.charCodeAt(evalLead(norm) + 1))
    ) {
      const v = quotedVarName(norm.slice(evalLead(norm)));
      if (v.length > 0 && this.assigned.indexOf(v) >= 0) {
        this.report('variable-command', `A variable assigned earlier in the value ($${short(v)}) is run as a command by eval`, H);
        return;
      }
      this.obfPrefix = true;
      return;
    }
    // `eval ' id'`, `eval '"id"'`, `eval ' ' id`: eval joins its arguments and reads them as shell
    // code again, so blanks and quotes the first reading kept in a quoted argument go: the command is
    // the first word of that second reading (trapCommandName, as for a trap's command: at most 64
    // characters). An argument of blanks only leaves the command position to the next word.
    // A newline leads a quoted argument as a blank does (`eval '<newline>id'`), and `eval \ id` passes
    // an escaped blank (a word of blanks) the same way.
    if (this.prefixRecord && this.active && this.nameLower === 'eval' && (flags & W_VAR) === 0 && norm.length > 0 && ((flags & W_QUOTED) !== 0 || lx.s.charCodeAt(lx.start) === 92)) {
      const c0 = norm.charCodeAt(0);
      if (c0 === 32 || c0 === 9 || c0 === 10 || c0 === 34 || c0 === 39 || c0 === 92) {
        const again = trapCommandName(norm);
        if (again === '') {
          if (norm.trim() === '') return;
        } else norm = again;
      }
      // `x;eval 'a=id';$a`: eval's literal argument is an assignment (`NAME=`, after blanks): NAME is
      // assigned as by `a=id` (the word is then judged as before: no command name). At most 33
      // characters read.
      const lead = evalLead(norm);
      const eq = norm.indexOf('=', lead);
      if (eq > lead && eq - lead <= 32 && isShellName(norm.slice(lead, eq))) {
        this.assign(norm.slice(lead, eq));
        // `x;eval 'a=i';${a}d`: its literal value is known as a leading assignment's would be.
        this.setKnown(norm.slice(lead, eq), literalValue(norm, eq + 1));
      }
    }
    // A word made only of expansions: $CMD, ${c}, $a.
    if (norm.length === 0 && (flags & W_VAR) !== 0 && (flags & W_QUOTED) === 0) {
      const v = lx.firstVar;
      if (v.length > 0 && this.wasAssigned(v)) {
        this.report('variable-command', `A variable assigned earlier in the value ($${short(v)}) is run as a command`, H);
        return;
      }
      if (v === 'SHELL' || v === 'BASH' || v === 'COMSPEC') {
        this.startRecord('$' + v, F_STRONG | F_INTERP, false);
        return;
      }
      if (v === '0') {
        // `$0` is the running shell's name (sh, bash) wherever a shell expands it: `;$0 -c id`,
        // `|$0<<<id`. It is also a price ("Free|$0", "$0 per month"), so it only counts with code
        // to run: a switch, a here-string, a sensitive argument (finalize) or a command piped into it;
        // otherwise it makes no finding.
        if (this.posPipe && this.pipeFromCmd && this.posKind !== K_SUBST_MD) {
          this.report('pipe-to-shell', 'Output of a command is piped into $0, the running shell', H);
          return;
        }
        this.startRecord('$0', F_STRONG | F_INTERP, false);
        this.dollarZero = true;
        return;
      }
      // `${x:-whoami}`, `${x=id}`: an unset variable's default value is the command.
      const dflt = paramDefault(lx.s, lx.start, lx.end);
      if (dflt !== '' && this.posKind === K_START) {
        // The value is the command line (`${CC:-gcc} -O2` in a build setting): judged as its
        // default would be, like any first word.
        const bin = dflt.charCodeAt(0) === 47;
        this.startRecord(dflt, bin ? lookupName(baseName(dflt)) | F_STRONG : lookupName(dflt), bin);
        return;
      }
      if (dflt !== '') {
        this.report('obfuscated-command', `The command '${short(dflt)}' is the default value of an unset variable`, H);
        return;
      }
      // An unset variable expands to nothing: the next word is the command (`$u wget`).
      this.obfPrefix = true;
      return;
    }
    // `x;a=i;${a}d`, `x;a=wh;${a}oami`: text glued to a variable the value assigned a literal (see
    // knownValues) spells the command. Read again with the values put in (expandKnown: at most 64
    // characters of the word), judged as a command name would be.
    // (Also with no known value: `x;${b=i}d`, `x;${b:-i}d` spell the command from an unset variable's
    // default, read by expandKnown.)
    if ((flags & W_VAR) !== 0 && norm.length > 0 && (flags & W_ASSIGN) === 0) {
      // `x;f(){ ${1}d;};f i`: in a function's body, a command word glued to a positional parameter
      // spells its command from the call's argument (argGlue: a call of it is reported).
      if (this.funcName !== '' && positionalIn(lx.s, lx.start, Math.min(lx.end, lx.start + 64))) {
        this.addArgFunc(this.funcName);
        this.argGlue = true;
      }
      const x = expandKnown(lx.s, lx.start, lx.end, this.knownValues, this.assigned, this.assignOver || this.knownOver);
      if (x === UNKNOWN_ASSIGNED) {
        // A variable the value assigned, but whose value could not be kept (more than 8 names): the
        // word is glued to it, so it may spell any command. Fail closed.
        this.report('variable-command', 'The command word is spelled with a variable assigned earlier in the value', H);
        return;
      }
      if (x !== '' && x !== norm && (lookupName(x) !== 0 || isBinPath(x.toLowerCase()))) {
        this.report('variable-command', `The command '${short(x)}' is spelled with a variable assigned earlier in the value`, H);
        return;
      }
    }
    if ((flags & W_ASSIGN) !== 0) {
      this.assign(lx.assignName);
      // A literal value (no expansion), at most 32 characters: kept for expandKnown.
      this.setKnown(lx.assignName, this.assignedValue(norm, flags));
      return; // assignments keep the command position
    }
    // bash's other assignments, which the lexer's `NAME=` test does not read: `a+=id` (append),
    // `a[0]=id`, `a[0]+=id` (an array element; `$a` is element 0): `x;a+=id;$a` runs id. Kept as
    // assigned, and the command position stays, as for `a=id`. O(1): bashAssignName reads at most
    // 48 characters of the word's text.
    if (this.posKind !== K_SUBST_MD && (flags & ~(W_UNQUOTED | W_GLOB)) === 0) {
      const eq = bashAssignEq(lx.s, lx.start);
      if (eq >= 0) {
        const name = shellNameAt(lx.s, lx.start);
        const was = this.assigned.indexOf(name) >= 0;
        this.assign(name);
        this.bashKnown(name, lx.start, eq, was);
        // (The lexer reads `+` as a blank, a form-encoded space: `a+=id` is the words `a` and `=id`,
        // the second the assignment's own rest, skipped.)
        if (eq >= lx.end) this.assignTail = eq;
        return;
      }
    }

    if (norm.length === 0) {
      // An empty quoted word (the app's own quotes) is a command name nothing can match.
      this.startRecord('', 0, false);
      return;
    }
    if (norm === '{' || norm === '!' || norm === '(') return;

    // Brace expansion at command position: {cat,/etc/passwd}, {,$'whoami',}, {l,-lh}s.
    if ((flags & W_BRACE) !== 0) {
      const cand = braceCommand(norm);
      if (cand !== '') {
        this.report('brace-expansion', `Brace expansion builds the command '${short(cand)}'`, H);
        return;
      }
    }

    // `. FILE` is sh's `source FILE` (`x;. /dev/stdin`, `x;. /tmp/x.sh`): read as `source` when a
    // path follows (`/`, `./`, `../`, `~/`), so `x;. thanks` stays text; PowerShell's `. (…)` and
    // `. $sb` keep their own readings (psOpen, prevWordNorm is still `.`). O(1) look-ahead.
    if (flags === W_UNQUOTED && norm === '.' && dotSourcePath(lx.s, lx.end)) norm = 'source';
    let cls = 0;
    let sys = false;
    const lower = norm.toLowerCase();
    if (norm.charCodeAt(0) === 47 && (flags & W_GLOB) !== 0 && (isGlobSysPath(norm) || isGlobCommandName(norm))) {
      this.report('glob-path', `A command path spelled with wildcards ('${short(norm)}')`, H);
      return;
    }
    if (isBinPath(lower)) {
      sys = true;
      const base = baseName(norm);
      cls = lookupName(base) | F_STRONG;
    } else if (isWinExecPath(lower)) {
      sys = true;
      cls = lookupName(baseName(norm)) | F_STRONG;
    } else if (lower === '%comspec%') {
      cls = F_STRONG | F_INTERP | F_CI;
    } else {
      cls = lookupName(norm);
      if (cls === 0 && norm.charCodeAt(0) === 64 && norm.length > 2) {
        // cmd.exe's `@` (no echo for this line) before a command: `&@whoami` runs whoami. A cmd
        // name only; `@user` handles and decorators are no command in any shell.
        cls = lookupName(norm.slice(1));
        if ((cls & F_CI) === 0) cls = 0;
      }
    }

    if (cls !== 0 && this.posKind >= K_SUBST && this.subKind === SUB_BACKTICK && norm !== lower) {
      // Backticks are a Unix-shell construct: `PATH`, `Type` are markdown, not cmd.exe.
      cls = 0;
    }
    if (cls !== 0 && !sys) {
      // The application's own empty quote before the name splits nothing: `'python snake' or 'x'?`
      // and `"ls meaning" -- …` are quoted phrases (the name is what a bare `ls meaning` would be).
      // A name that is the whole quoted value (`'id'`) keeps its finding: only prose goes on after it.
      const after = lx.s.charCodeAt(lx.end);
      const parts = lx.quotedParts - (lx.emptyLead && (after === 32 || after === 9 || after === 40) ? 1 : 0);
      // A weak name (an English word too: `where`, `date`, `id`) with the value's quotes beside it
      // rather than inside it: quoted whole (`"where"`, `"date" night ideas`, `sort='id'`) or next to
      // a possessive (`"Where's Waldo" -"Group Set"`). Read where the application's own quote was open,
      // the word is the name between empty quotes, split by nothing: it runs where the bare name would
      // (`sh -c "…"`, a quoted program), and the bare name is judged as such below. The test: the name
      // stands in the token as written (`"w"here`, `"wh\ere"` are still splits). Tokens of at most 64
      // characters, only where a name was found.
      const q0 = lx.s.charCodeAt(lx.start);
      const whole = (cls & F_STRONG) === 0 && lx.end - lx.start <= 64 && lx.s.slice(lx.start, lx.end).includes(norm);
      // A contraction at the value's start read where the application's single quote was open
      // (`i'd like a refund`: the application's quote holds `i`, the apostrophe closes it, `d` follows,
      // so the word is `id`): one quote character in the token, the value's own first one, and not
      // its first character. Like a name quoted whole, the word is glued to the application's literal
      // and runs only where the bare name would; weak names only (`w'hoami` stays a split).
      let contraction = false;
      if ((cls & F_STRONG) === 0 && lx.start === 0 && q0 !== 34 && q0 !== 39 && lx.quotedParts === 1 && lx.unquotedChars > 0) {
        let quotes = 0;
        for (let k = lx.start; k < lx.end; k++) {
          const c = lx.s.charCodeAt(k);
          if (c === 39 || c === 34 || c === 92 || c === 36 || c === 96) quotes++;
        }
        contraction = quotes === 1 && lx.s.indexOf("'") > 0 && lx.s.indexOf("'") < lx.end;
      }
      const quoteSplit = !whole && !contraction && (parts >= 2 || (parts >= 1 && lx.unquotedChars > 0));
      if (quoteSplit || (flags & (W_BACKSLASH | W_VAR | W_CARET | W_CONT | W_ARITH | W_ANSI)) !== 0) {
        this.report('obfuscated-command', `The command name '${short(norm)}' is split by quotes, escapes or empty expansions`, H);
        return;
      }
    }

    // Windows control structures.
    if (lower === 'for' || lower === 'if') {
      this.startRecord(norm, 0, false);
      this.special = lower === 'for' ? 1 : 2;
      this.stage = 0;
      return;
    }

    if (this.prefixRecord && this.active && cls === 0) {
      // Options of a prefix command (timeout /t 10, nice -n 5, sudo -u root): still before the command.
      const a = classifyArg(norm, flags);
      if (a === A_FLAG || a === A_NUMBER || (norm.charCodeAt(0) === 47 && norm.length <= 3)) {
        this.onArgWord(norm, flags);
        return;
      }
    }
    if (cls === 0) {
      if (this.prefixRecord && this.active) {
        // `time foo`: not a command after a prefix. A weak prefix (exec, then, do) was a word then;
        // a strong one (nohup, sudo) keeps the word as its argument.
        this.prefixRecord = false;
        this.cmdPos = false;
        if ((this.cls & F_STRONG) === 0) this.cls = 0;
        else this.onArgWord(norm, flags);
        return;
      }
      if ((flags & (W_BACKSLASH | W_VAR | W_CARET | W_CONT)) !== 0 && norm.length <= 32 && !psScopedVar(norm, flags, lx.firstVar)) {
        // cu\rl, c$_at: project the letters a filter-evading spelling leaves.
        // A digit left in the name is part of it (`\d{3}-\d{4}`, a regex, is not `dd`): expansions and
        // escapes an evasion uses leave letters only, so such a word projects nothing.
        const p1 = hasDigit(norm) ? '' : lettersOnly(norm);
        const p2 = (flags & W_VAR) !== 0 && p1.length > 0 ? lettersOnly(lx.s.slice(lx.start, Math.min(lx.end, lx.start + 48))) : '';
        const hit = p1.length > 1 && lookupName(p1) !== 0 ? p1 : p2.length > 1 && lookupName(p2) !== 0 ? p2 : '';
        if (hit !== '') {
          this.report('obfuscated-command', `The command name '${short(hit)}' is split by escapes or expansions`, H);
          return;
        }
      }
      this.startRecord(norm, 0, false);
      return;
    }

    // Pipe into an interpreter: ... | sh, | bash, | iex, | python.
    if (this.posPipe && (cls & F_INTERP) !== 0 && this.kind !== K_SUBST_MD) {
      this.report('pipe-to-shell', `Output is piped into the interpreter '${short(norm)}'`, H);
      return;
    }

    if (this.prefixRecord && this.active && this.isArgFunc(this.name)) {
      // `x; f(){ $1; }; f id`: a function the value defined to run its argument is given a command:
      // code whatever the spacing (a spaced `; id` alone is prose's, not this).
      this.report('variable-command', `The command '${short(norm)}' is run by a function the value defined to run its argument`, H);
      return;
    }
    const kindBefore = this.prefixRecord && this.active ? this.kind : this.posKind;
    this.startRecord(norm, cls, sys);
    if (this.prefixRecord) this.kind = kindBefore;
    this.prefixRecord = false;
    if ((cls & F_PREFIX) !== 0) {
      // The next word is a command too; keep this record in case it is not.
      this.cmdPos = true;
      this.prefixRecord = true;
    }
    this.prevWordWasCmd = true;
  }

  /**
   * The value assigned `v` (kept in `assigned`), or may have: once more than 16 names were assigned
   * (assignOver), any lower-case or mixed name counts (`x;a1=1;…;a16=1;a=id;$a`), fail closed;
   * upper-case ones (`$HOME`, `$PATH`: the environment's) and `SHELL`, `BASH`, `COMSPEC`, `0` are
   * left to the rules below. O(16).
   */
  private wasAssigned(v: string): boolean {
    if (this.assigned.indexOf(v) >= 0) return true;
    return this.assignOver && isShellName(v) && v.toUpperCase() !== v;
  }

  /**
   * argFunc holds the names of the functions the value defined to run an argument, each between
   * blanks (` f g `), at most 4 (`x;f(){ $1;};g(){ $1;};f id`: a second one must not hide the first).
   */
  private addArgFunc(name: string): void {
    if (name === '' || this.isArgFunc(name) || this.argFuncs >= 4) return;
    this.argFunc = (this.argFunc === '' ? ' ' : this.argFunc) + name + ' ';
    this.argFuncs++;
  }

  /** `name` is one of argFunc's. O(1): at most 4 names of at most 32 characters. */
  private isArgFunc(name: string): boolean {
    return this.argFunc !== '' && name.length > 0 && name.length <= 32 && this.argFunc.indexOf(' ' + name + ' ') >= 0;
  }

  /**
   * The value the assignment word being read (`NAME=…`, normalized `norm`) gives NAME, for
   * knownValues: a literal of at most 32 characters, or one computed from variables the value knows
   * (`x;a=i;b=$a;${b}d`: expandKnown on the text after the `=`; UNKNOWN_ASSIGNED, kept, when it
   * could be anything, so a word glued to `$b` fails closed as one glued to `$a` would); undefined
   * (unknown) otherwise. O(1): expandKnown reads at most 64 characters.
   */
  private assignedValue(norm: string, flags: number): string | undefined {
    const v = norm.slice(this.lx.assignName.length + 1);
    // A name `declare -l`/`-u`/`-c`/`-n` gave an attribute (see onDeclWord): not the literal.
    if (this.assigned.length > 0 && this.assigned.indexOf(TRANSFORMED + this.lx.assignName) >= 0) return UNKNOWN_ASSIGNED;
    // `a=(i)` (a bash array; `$a` is its element 0): not read here, so words glued to it fail closed
    // (`x;a=(i);${a}d` runs id in bash; the lexer ends the word at the `(`).
    if (this.lx.s.charCodeAt(this.lx.start + this.lx.assignName.length + 1) === 40) return UNKNOWN_ASSIGNED;
    if ((flags & (W_VAR | W_LONG)) === 0) return v.length <= 32 ? v : undefined;
    if ((flags & W_LONG) !== 0) return undefined;
    const lx = this.lx;
    // `f(){ a=$1;${a}d;}`: in a function's body, a value from its arguments could be anything.
    if (this.funcName !== '' && positionalIn(lx.s, lx.start, Math.min(lx.end, lx.start + 64))) return UNKNOWN_ASSIGNED;
    const x = expandKnown(lx.s, lx.start + lx.assignName.length + 1, lx.end, this.knownValues, this.assigned, this.assignOver || this.knownOver);
    if (x === UNKNOWN_ASSIGNED) return x;
    // Not computed (`x;a=i;b=${a}${c};${b}d`: an unset `c` is empty, b is `i`), but a known value is
    // in it: b could be spelled from it: fail closed. O(1): at most 64 characters, 8 pairs.
    if (x === '' && knownIn(lx.s, lx.start + lx.assignName.length + 1, Math.min(lx.end, lx.start + 64), this.knownValues)) return UNKNOWN_ASSIGNED;
    return x !== '' && x.length <= 32 ? x : undefined;
  }

  /** Keeps `name` as assigned (at most 16 names; past that, assignOver). */
  private assign(name: string): void {
    if (this.assigned.length < 16) this.assigned.push(name);
    else this.assignOver = true;
  }

  /**
   * The latest value of `name`: a literal (`v`), or unknown (undefined: the name is dropped from
   * knownValues, so nothing stale is read). At most 8 names; past that, knownOver. O(1): 8 pairs.
   */
  private setKnown(name: string, v: string | undefined): void {
    const kv = this.knownValues;
    let k = 0;
    while (k < kv.length && kv[k] !== name) k += 2;
    if (k < kv.length) {
      if (v === undefined) {
        kv.splice(k, 2);
        this.knownGen++;
      } else if (kv[k + 1] !== v) {
        kv[k + 1] = v;
        this.knownGen++;
      }
      return;
    }
    if (v === undefined) return;
    if (kv.length < 16) kv.push(name, v);
    else this.knownOver = true;
  }

  /**
   * bash `a+=v` (appended to the value `a` had: a known one, or none when the value had not assigned
   * `a` before, `was`), `a[0]=v`, `a[ 0 ]=v` (element 0 is `$a`), for the assignment at `start` with
   * its `=` at `eq`: the literal value read in the raw text (literalValue, at most 32 characters).
   * Another element (`a[1]=v`) leaves `$a` as it was. O(1).
   */
  private bashKnown(name: string, start: number, eq: number, was: boolean): void {
    const s = this.lx.s;
    const v = literalValue(s, eq + 1);
    if (s.charCodeAt(eq - 1) === 43 && s.charCodeAt(eq - 2) !== 93) {
      let k = 0;
      const kv = this.knownValues;
      while (k < kv.length && kv[k] !== name) k += 2;
      const old = k < kv.length ? kv[k + 1] : was ? undefined : '';
      this.setKnown(name, v === undefined || old === undefined || old.length + v.length > 32 ? undefined : old + v);
      return;
    }
    const open = start + name.length;
    const close = s.lastIndexOf(']', eq);
    if (s.charCodeAt(open) === 91 && close > open && s.slice(open + 1, close).trim() === '0') this.setKnown(name, s.charCodeAt(eq - 1) === 43 ? undefined : v);
  }

  /**
   * An argument of an assigning builtin: `declare a=id` keeps `a` as `a=id` would; `set -- id` (or
   * `set id`) sets `$1` (and `$@`), words led by `-` or `+` being options. At most 16 names, as for
   * leading assignments; only records of those builtins get here.
   */
  private declArg(norm: string, flags: number): void {
    if (this.assigned.length >= 16) {
      this.assignOver = true;
      return;
    }
    if (READ_BUILTINS.has(this.nameLower)) {
      // Their names are plain words (options start with `-`; `-d`, `-u` take a value, kept as a name:
      // harmless, a name that is never run).
      if (norm.charCodeAt(0) !== 45 && isShellName(norm)) {
        this.assigned.push(norm);
        // `x;while read a;do ${a}d;done<<<i` (bash): the value read is not known: fail closed.
        this.setKnown(norm, UNKNOWN_ASSIGNED);
      }
      return;
    }
    if (this.nameLower !== 'set') {
      // `declare -l a=I` (bash: lower-cased on assignment), `-u`, `-c`, `-n` (a reference to the
      // variable named): the literal is not the value; words glued to it fail closed.
      if (norm.charCodeAt(0) === 45 && (norm.indexOf('l') > 0 || norm.indexOf('u') > 0 || norm.indexOf('c') > 0 || norm.indexOf('n') > 0) && norm.length <= 8) {
        this.declTransform = true;
        return;
      }
      // `x;declare -l a;a=I;${a}d` (bash): the attribute stays on NAME, so a later `a=I` is
      // lower-cased too: NAME is marked (TRANSFORMED + NAME in assigned) and assignedValue keeps
      // every later value of it unknown (fail closed). `declare -n b;b=a` likewise.
      if (this.declTransform && this.assigned.length < 16) {
        const name = (flags & W_ASSIGN) !== 0 ? this.lx.assignName : isShellName(norm) ? norm : '';
        if (name !== '' && this.assigned.indexOf(TRANSFORMED + name) < 0) this.assigned.push(TRANSFORMED + name);
      }
      if ((flags & W_ASSIGN) !== 0) {
        this.assigned.push(this.lx.assignName);
        // `x;export a=i;${a}d`, `readonly`, `declare`: a literal value is known as after no builtin.
        this.setKnown(this.lx.assignName, this.declTransform ? UNKNOWN_ASSIGNED : this.assignedValue(norm, flags));
        return;
      }
      // `declare a+=id`, `export a[0]=id` (bash), as after no builtin.
      const eq = bashAssignEq(this.lx.s, this.lx.start);
      if (eq >= 0) {
        const name = shellNameAt(this.lx.s, this.lx.start);
        const was = this.assigned.indexOf(name) >= 0;
        this.assigned.push(name);
        this.bashKnown(name, this.lx.start, eq, was);
      }
      return;
    }
    const c0 = norm.charCodeAt(0);
    if (norm.length === 0 || c0 === 45 || c0 === 43 || (flags & W_ASSIGN) !== 0 || this.setPos >= 9) return;
    this.setPos++;
    this.assigned.push(String(this.setPos));
    // `x;set -- i;${1}d`: a literal positional value is known as an assignment's is.
    this.setKnown(String(this.setPos), (flags & (W_VAR | W_LONG)) === 0 && norm.length <= 32 ? norm : undefined);
    if (this.setPos === 1) this.assigned.push('@', '*');
  }

  private startRecord(name: string, cls: number, sys: boolean): void {
    this.finalize(false);
    this.active = true;
    this.name = name;
    this.nameLower = name.toLowerCase();
    this.declRecord = this.nameLower === 'set' || DECL_BUILTINS.has(this.nameLower) || READ_BUILTINS.has(this.nameLower);
    this.declTransform = false;
    // `x;set -- x i;shift;${1}d` runs id: shift renumbers the positional parameters; values kept
    // from `set` are no longer where they were (fail closed on each). At most 9 names.
    if (this.setPos > 0 && this.nameLower === 'shift') for (let k = 1; k <= this.setPos; k++) this.setKnown(String(k), UNKNOWN_ASSIGNED);
    this.lastCmdName = name;
    this.cls = cls;
    this.sys = sys;
    this.kind = this.posKind;
    this.pipeIn = this.posPipe;
    this.hard = false;
    this.hardWhy = '';
    this.med = false;
    this.startMed = false;
    this.medStrong = false;
    this.versionArgs = 0;
    this.redirected = false;
    this.prose = 0;
    this.args = 0;
    this.kv = 0;
    this.interpFlag = false;
    this.echoShell = false;
    this.special = 0;
    this.stage = 0;
    this.forName = '';
    this.trapCmd = '';
    this.dollarZero = false;
    this.cmdPos = false;
    this.prevWordWasCmd = true;
    if (this.obfPrefix && cls !== 0) {
      this.report('obfuscated-command', `The command '${short(name)}' follows an empty variable expansion`, H);
    }
    this.obfPrefix = false;
  }

  private onArgWord(norm: string, flags: number): void {
    if (!this.active) return;
    this.args++;
    // A later argument of a call of a function that runs its arguments (`x;f(){ $2;};f x id`,
    // `f(){ shift;$1;}`): one naming a command is run too. O(1): one table lookup.
    if (this.isArgFunc(this.name) && norm.length > 0 && norm.length <= 32 && lookupName(norm) !== 0) {
      this.report('variable-command', `The command '${short(norm)}' is passed to a function the value defined to run its arguments`, H);
      return;
    }
    // `: ${a:=id}`, `echo ${a=id}`: the expansion assigns its default to an unset variable.
    if ((flags & W_VAR) !== 0 && this.assigned.length < 16) {
      const v = defaultAssigned(this.lx.s, this.lx.start, this.lx.end);
      if (v !== '') {
        this.assigned.push(v);
        // `x;a=i;: ${b:=$a};${b}d`: the value given is not read here: words glued to it fail closed.
        this.setKnown(v, UNKNOWN_ASSIGNED);
      }
    }
    if (this.nameLower === 'trap') {
      // `trap id EXIT`, `trap 'curl …' 0`: the shell runs the first argument when the signal comes
      // (EXIT: when the script ends, right after). A command name there is a command run.
      // `trap -- id EXIT`: `--` ends trap's options, the command is the next word (TRAP_DASHES
      // marks that). The command's first word as the shell reads it again: `' id'`, `'"id"'` run id.
      if (this.args === 1 && norm === '--') this.trapCmd = TRAP_DASHES;
      else if (this.args === 1 || (this.args === 2 && this.trapCmd === TRAP_DASHES)) this.trapCmd = lookupName(trapCommandName(norm)) !== 0 ? norm : '';
      else if (this.trapCmd !== '' && this.trapCmd !== TRAP_DASHES && isSignalSpec(norm)) {
        this.report('command-chain', `trap runs the command '${short(this.trapCmd)}' on a signal`, H);
        return;
      }
    }
    if (this.declRecord) this.declArg(norm, flags);
    if (this.caseStage === 1 || this.caseStage === 2) this.caseStage = this.caseStage === 1 ? 2 : norm === 'in' ? 3 : 0;
    if (this.cls === 0 && this.special === 0) {
      // A record whose name is no command (`Soft cotton …`, `<a x="` read inside "…"): finalize()
      // judges nothing with cls 0, and cls only becomes non-zero through startRecord, which resets
      // every piece of evidence below (versionArgs, hard, med, prose, interpFlag, echoShell). So for
      // such a record the argument matters only through `args` and this one test; its classification
      // (classifyArg, a lower-cased copy, the version test) was written and never read. ~5 µs/KB
      // of the detector on 1 MB of `<a x="`, ~6 on prose.
      if (this.args <= 2 && ((1 << this.kind) & STRONG_KINDS) !== 0) {
        // `;.system nc 10.0.0.1 ...`, `1;.sh whoami`: an unknown word, then an unambiguous command.
        const f = lookupName(norm);
        if ((f & F_STRONG) !== 0 && (f & F_CI) === 0) {
          const k = this.kind;
          this.startRecord(norm, f, false);
          this.kind = k;
        }
      }
      return;
    }
    // O(1) per argument: a length test and, for the second argument only, one pass over it.
    if (this.args === 1) this.kv = norm.length === 1 && norm.charCodeAt(0) === 61 && (flags & W_QUOTED) === 0 ? 1 : 0;
    else this.kv = this.kv === 1 && this.args === 2 && isNumberOrLocalQuad(norm) ? 2 : 0;
    if (isVersionish(norm)) this.versionArgs++;
    if (this.special !== 0) {
      this.specialWord(norm);
      return;
    }
    const lower = norm.toLowerCase();
    if (this.args === 1) {
      const sub = SUBCOMMANDS.get(this.nameLower);
      if (sub !== undefined && sub.has(lower)) {
        this.hard = true;
        this.hardWhy = this.name + ' ' + norm;
        return;
      }
      if ((this.cls & F_SUBCMD) !== 0 && classifyArg(norm, flags) === A_PROSE) return;
    }
    if ((this.cls & F_INTERP) !== 0 && INTERP_SWITCHES.has(lower)) this.interpFlag = true;
    if ((this.cls & F_ECHO) !== 0 && (flags & W_QUOTED) !== 0) {
      for (let k = 0; k < norm.length; k++) {
        const c = norm.charCodeAt(k);
        if (c === 60 || c === 36 || c === 96) {
          this.echoShell = true;
          break;
        }
      }
    }
    const a = classifyArg(norm, flags);
    switch (a) {
      case A_HARD:
        if (!this.hard) this.hardWhy = norm;
        this.hard = true;
        break;
      case A_MED:
      case A_FLAG:
        this.med = true;
        this.startMed = true;
        this.medStrong = true;
        break;
      case A_FILE:
        this.med = true;
        break;
      case A_NUMBER:
        if ((this.cls & F_NUM) !== 0) this.med = this.startMed = this.medStrong = true;
        break;
      case A_PROSE:
        if ((flags & W_QUOTED) === 0) this.prose++;
        break;
      default:
        break;
    }
  }

  /** Windows `for [/x] %v in (..) do` and `if [/i] [not] exist|defined|errorlevel`. */
  private specialWord(norm: string): void {
    const lower = norm.toLowerCase();
    if (this.special === 1) {
      if (this.stage === 5) {
        // sh `for a in id; do $a; done`: the loop assigns NAME each word after `in` (variable-command).
        if (lower === 'in' && this.assigned.length < 16) {
          this.assigned.push(this.forName);
          // Its values are the words after `in`, not read here: a word glued to it at command
          // position could spell anything (`x;for a in i;do ${a}d;done` runs id): fail closed.
          this.setKnown(this.forName, UNKNOWN_ASSIGNED);
        }
        this.special = 0;
        return;
      }
      if (this.stage === 0 && this.args === 1 && isShellName(norm)) {
        this.forName = norm;
        this.stage = 5;
        // `for a; do $a; done`, `for a do …`: without `in` the loop assigns NAME each positional
        // parameter (`x;set -- id;for a;do $a;done`): the next word is a separator's `do` or none.
        if (forNoIn(this.lx.s, this.lx.end) && this.assigned.length < 16) {
          this.assigned.push(norm);
          this.setKnown(norm, UNKNOWN_ASSIGNED);
        }
        return;
      }
      if (this.stage === 0) {
        if (lower.charCodeAt(0) === 37) this.stage = 1;
        else if (!(lower.charCodeAt(0) === 47 || lower.indexOf('=') >= 0 || this.args <= 3)) this.special = 0;
      } else if (this.stage === 1) {
        if (lower === 'in') this.report('cmd-control', 'A cmd.exe FOR loop over a %variable', H);
        else this.special = 0;
      }
      return;
    }
    // IF
    if (this.stage === 0) {
      if (lower === '/i' || lower === 'not') return;
      if (lower === 'exist') this.stage = 1;
      else if (lower === 'defined') this.stage = 2;
      else if (lower === 'errorlevel') this.stage = 3;
      else this.special = 0;
      return;
    }
    if (this.stage === 1) {
      if (lower.indexOf('\\') >= 0 || lower.indexOf(':') >= 0 || lower.indexOf('/') >= 0) {
        this.report('cmd-control', 'A cmd.exe IF EXIST test on a path', H);
      } else this.special = 0;
      return;
    }
    if (this.stage === 2) {
      this.stage = 4;
      return;
    }
    if (this.stage === 4) {
      if (lookupName(norm) !== 0) this.report('cmd-control', 'A cmd.exe IF DEFINED test followed by a command', H);
      else this.special = 0;
      return;
    }
    if (this.stage === 3) {
      let ok = norm.length > 0;
      for (let k = 0; k < norm.length; k++) if (norm.charCodeAt(k) < 48 || norm.charCodeAt(k) > 57) ok = false;
      if (ok) this.report('cmd-control', 'A cmd.exe IF ERRORLEVEL test', H);
      else this.special = 0;
    }
  }

  // ---- PowerShell call operator ----------------------------------------------------------------------
  //
  // `& (expr)` and `. (expr)` run the command that `expr` evaluates to: `& ('i'+'ex') 'calc'`,
  // `.(gcm i*x) 'whoami'`. To the lexer `+` is a blank, so `'i'+'ex'` is two quoted words; their
  // pieces (and `[char]105`-style codes) are joined while the parenthesis is open and judged at its
  // `)`. O(1) state per token; the joined text is capped at 40 characters, as lookupName reads.

  /** At a `(`: opens the call-operator state after `&` or a lone `.`; counts depth inside it. */
  private psOpen(): void {
    if (this.psDepth > 0) {
      this.psDepth++;
      return;
    }
    // `& (…)`, and `|&(…)` (to the lexer bash's `|&`: a pipe into the call operator).
    const afterAmp = this.prevType === TK_SEP && (this.lastSepKind === SEP_AMP || this.lastSepKind === SEP_PIPEAMP);
    const afterDot = this.prevType === TK_WORD && this.prevWordWasCmd && this.prevWordNorm === '.';
    if (!afterAmp && !afterDot) return;
    this.psDepth = 1;
    this.psFrom = this.lx.end;
    this.psWords = 0;
    this.psFirst = '';
    this.psConcat = '';
    this.psPieces = 0;
    this.psBroken = false;
  }

  private psWord(norm: string, flags: number): void {
    this.psWords++;
    if (this.psWords === 1) {
      this.psFirst = norm.toLowerCase();
    } else if (this.psWords === 2 && (this.psFirst === 'gcm' || this.psFirst === 'get-command' || this.psFirst === 'gal' || this.psFirst === 'get-alias')) {
      this.report('powershell', `The PowerShell call operator runs a command looked up by name with ${short(this.psFirst)}`, H);
      return;
    }
    if (this.psBroken) return;
    let piece: string | undefined;
    if ((flags & W_QUOTED) !== 0 && (flags & W_VAR) === 0 && this.lx.unquotedChars === 0) {
      piece = norm;
    } else if (norm.length > 6 && norm.length <= 10 && norm.charCodeAt(0) === 91 && norm.slice(0, 6).toLowerCase() === '[char]') {
      const code = Number(norm.slice(6));
      if (Number.isInteger(code) && code > 32 && code < 127) piece = String.fromCharCode(code);
    }
    if (piece === undefined || this.psConcat.length + piece.length > 40) {
      this.psBroken = true;
      return;
    }
    this.psConcat += piece;
    this.psPieces++;
  }

  /** At a `)` inside the call-operator state: judges the expression when its own `)` closes it. */
  private psClose(): void {
    this.psDepth--;
    if (this.psDepth > 0) return;
    if (!this.psBroken && this.psPieces >= 2) {
      const built = this.psConcat;
      const lower = built.toLowerCase();
      if (lookupName(built) !== 0 || isBinPath(lower) || isWinExecPath(lower)) {
        this.report('powershell', `The PowerShell call operator runs the command '${short(built)}' joined from string pieces`, H);
        return;
      }
    }
    // Format strings, -join, indexing, casts (PsExpr): `& ("{1}{0}" -f 'ex','i')`,
    // `.(('i','e','x') -join '')`, `&($env:ComSpec[4,15,25]-join'')`. The spans of successive
    // call-operator groups do not overlap (a group opens only at depth 0), so the evaluations read
    // each character at most once in a pass, and each at most PS_SPAN characters.
    const r = psBuiltCommand(this.lx.s, this.psFrom, this.lx.start, true);
    if (r !== undefined) {
      this.report('powershell', `The PowerShell call operator runs the command '${short(r.name)}' built by an expression`, H);
    }
  }

  // ---- separators and grouping ---------------------------------------------------------------------

  private onSep(): void {
    const lx = this.lx;
    const kind = lx.kind;
    const pipe = kind === SEP_PIPE || kind === SEP_PIPEAMP;
    // Fork bomb: a function that pipes into itself.
    if (pipe && this.funcName !== '' && this.lastCmdName === this.funcName) {
      this.report('fork-bomb', 'A shell function that pipes into itself (fork bomb)', H);
      return;
    }
    const fromCmd = this.active && this.cls !== 0;
    this.finalize(true);
    this.lastCmdName = undefined;
    this.cmdPos = true;
    this.posPipe = pipe;
    this.pipeFromCmd = pipe && fromCmd;
    this.lastSepKind = kind;
    this.pendingSepGlued = 1;
    this.pendingSepKind = kind;
    this.obfPrefix = false;
    this.prefixRecord = false;
    this.funcKw = false;
    this.callStage = 0;
    this.redirPending = 0;
  }

  private onOpen(): void {
    const lx = this.lx;
    if (this.fdStage === 2 && this.special === 0 && this.prevType === TK_CLOSE) {
      // NAME() ( ... ): a function whose body is a subshell (`x;f()($1);f id`); in command position,
      // as after `NAME() {`.
      this.fdStage = 0;
      this.funcName = this.fdName;
      this.cmdPos = true;
      this.posKind = K_GLUED;
      this.sawContent = true;
      return;
    }
    if (this.special !== 0) {
      if (this.special === 2 && (this.stage === 1 || this.stage === 4)) {
        this.report('cmd-control', 'A cmd.exe IF test followed by a command block', H);
      }
      return;
    }
    if (this.cmdPos && !(this.prefixRecord && !lx.spaceBefore && this.prevType === TK_WORD)) {
      // Subshell: ( cmd ). After a separator it reads like a glued separator.
      if (this.pendingSepGlued >= 0) {
        this.posKind = this.inMdSpan ? K_SUBST_MD : this.sawContent ? K_GLUED : K_VSTART;
        this.pendingSepGlued = -1;
      }
      return;
    }
    if (!lx.spaceBefore && this.prevType === TK_WORD) {
      // Call syntax NAME( .
      // The names tested below (EXEC_CALLS, phpinfo, the cradle suffixes) all end in a letter of
      // CALL_LAST: a word ending in any other ASCII character (`'`, `-`, `x` of `\x(`) matches none,
      // and is neither lower-cased nor cut. Lower-casing keeps an ASCII last character as it is.
      const pw = this.prevWordNorm;
      const last = pw.length > 0 ? pw.charCodeAt(pw.length - 1) : 0;
      const named = last >= 128 || (last > 0 && CALL_LAST[asciiLower(last)] === 1);
      const name = named ? pw.toLowerCase() : '';
      const cmdWord = this.prevWordWasCmd;
      if (cmdWord && named && name === 'phpinfo') {
        this.report('exec-call', 'A phpinfo() call in command position', H);
        return;
      }
      if (cmdWord && (this.cls & F_PSX) !== 0) {
        this.report('powershell', 'PowerShell Invoke-Expression applied to an expression', H);
        return;
      }
      if (named) {
        const dot = name.lastIndexOf('.');
        const tail = dot >= 0 ? name.slice(dot + 1) : name;
        if (EXEC_CALLS.has(name) || EXEC_CALLS.has(tail)) {
          this.callName = tail;
          this.callStage = 1;
        }
      }
      if (cmdWord && this.active) {
        // NAME( : a function call or definition, not a command line with arguments.
        this.fdName = this.name;
        this.fdStage = 1;
        this.cls = 0;
        this.cmdPos = false;
        this.prefixRecord = false;
      }
      if (named && (name.endsWith('downloadstring') || name.endsWith('downloadfile') || name.endsWith('frombase64string'))) {
        this.report('powershell', 'A .NET download or decode call typical of PowerShell cradles', H);
      }
    }
  }

  private fdAdvanceClose(): void {
    if (this.fdStage === 1 && this.prevType === TK_OPEN) this.fdStage = 2;
    else this.fdStage = 0;
  }

  private checkCallArgument(norm: string, flags: number): void {
    if (SUPERGLOBALS.has(this.lx.firstVar)) {
      this.report('exec-call', `A ${short(this.callName)}() call on request data`, H);
      return;
    }
    if (norm.length === 0) return;
    // The argument's first word: system('cat /etc/passwd') -> cat.
    let e = 0;
    // Up to a comma too: the lexer keeps `'id',array` of proc_open('id',array(),$p) in one word.
    while (e < norm.length && norm.charCodeAt(e) !== 32 && norm.charCodeAt(e) !== 9 && norm.charCodeAt(e) !== 44) e++;
    const head = norm.slice(0, e);
    const hl = head.toLowerCase();
    if ((flags & W_QUOTED) !== 0 && (lookupName(head) !== 0 || isBinPath(hl) || isWinExecPath(hl))) {
      this.report('exec-call', `A ${short(this.callName)}() call with the shell command '${short(head)}'`, H);
    }
  }

  /**
   * The word after a bare `system` / `exec` / `spawn` (callStage 2): a Ruby or Perl call when it is one
   * quoted literal (`'id'`, `"cat /etc/passwd"`, or the first of a list: `'sh', '-c', 'id'`) that ends
   * the statement (end of value, `;`, a line break, `#`, `)`, `}`, `|`, `&`, or a modifier such as
   * `if`, `or`). A shell reads the same words as the command run by exec (or an unknown `system`):
   * either way the quoted command runs. High for a command name or a program path as its first word,
   * as checkCallArgument; "system 'default' setting" and "exec 'npm install' first" (prose goes on
   * after the literal) are no call. O(token) once per bare name: linear.
   */
  private checkBareArgument(norm: string, flags: number): void {
    const lx = this.lx;
    const s = lx.s;
    const q = s.charCodeAt(lx.start);
    if ((q !== 39 && q !== 34) || (flags & W_QUOTED) === 0 || norm.length === 0) return;
    let c = lx.start + 1;
    while (c < lx.end && s.charCodeAt(c) !== q) c += q === 34 && s.charCodeAt(c) === 92 ? 2 : 1;
    if (c >= lx.end) return;
    let e = c + 1;
    const list = e < lx.end && s.charCodeAt(e) === 44;
    if (list) e++;
    if (e !== lx.end) return;
    if (!list) {
      let k = lx.end;
      while (k < s.length && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
      const n = k < s.length ? s.charCodeAt(k) : 59;
      if (!(n === 59 || n === 10 || n === 13 || n === 35 || n === 41 || n === 125 || n === 124 || n === 38 || statementModifier(s, k))) return;
    }
    let h = 0;
    while (h < norm.length && norm.charCodeAt(h) !== 32 && norm.charCodeAt(h) !== 9 && norm.charCodeAt(h) !== 44) h++;
    const head = norm.slice(0, h);
    const hl = head.toLowerCase();
    if (lookupName(head) !== 0 || isBinPath(hl) || isWinExecPath(hl)) {
      this.report('exec-call', `A ${short(this.prevWordNorm)} call without parentheses (Ruby, Perl) with the shell command '${short(head)}'`, H);
    }
  }

  private checkBraceCall(): void {
    const lx = this.lx;
    const f = lx.braceCall.toLowerCase();
    if (lx.braceCallAt || EXEC_CALLS.has(f) || f === 'print' || f === 'phpinfo' || f === 'sleep' || lookupName(f) !== 0) {
      this.report('php-interpolation', `PHP complex interpolation calling ${short(f)}()`, H);
    }
  }

  // ---- substitutions -------------------------------------------------------------------------------

  private onSubOpen(): void {
    const lx = this.lx;
    this.subOpenGlued = !lx.spaceBefore && (this.prevType === TK_WORD || this.prevType === TK_SUB_CLOSE);
    this.subOpenIndex = this.tokenIndex;
    this.subOpenStart = lx.start;
    this.subOpenEnd = lx.end;
    this.subOpenKind = lx.kind;
    const nested = lx.depth > 1;
    this.finalize(false);
    if (lx.kind === SUB_ARITH) {
      // $(( .. )): arithmetic; its inside is expressions, but substitutions inside still run.
      this.cmdPos = false;
      this.subKind = SUB_ARITH;
      return;
    }
    this.subKind = lx.kind;
    this.cmdPos = true;
    this.posPipe = false;
    this.pendingSepGlued = -1;
    const before = lx.start > 0 ? lx.s.charCodeAt(lx.start - 1) : 32;
    const mdSpan = lx.kind === SUB_BACKTICK && !nested && ((this.md && lx.spaceBefore) || before === 91 || before === 40);
    this.posKind = mdSpan ? K_SUBST_MD : K_SUBST;
    this.inMdSpan = mdSpan;
    this.sawContent = true;
    this.prevSubNested = nested;
  }

  private prevSubNested = false;
  private subOpenStart = 0;
  private subOpenEnd = 0;
  private subOpenKind = 0;

  private onSubClose(): void {
    const lx = this.lx;
    if (this.prevType === TK_SUB_OPEN && this.subOpenIndex === this.tokenIndex - 1) {
      // Empty substitution: $(), ``, <(), >().
      const after = lx.i < lx.n ? lx.s.charCodeAt(lx.i) : NaN;
      const adjacent = lx.start === this.subOpenEnd;
      let glued: boolean;
      if (this.subOpenKind === SUB_BACKTICK) {
        // pi``ng: letters on both sides (``` fences and `` in SQL identifiers are not).
        const b = this.subOpenStart > 0 ? lx.s.charCodeAt(this.subOpenStart - 1) : NaN;
        glued = adjacent && isAlnum(b) && isAlnum(after);
      } else {
        const gluedAfter = !isWordBoundary(after) && after !== 34 && after !== 39;
        glued = adjacent && (this.subOpenGlued || gluedAfter || this.prevSubNested);
      }
      // `<()` / `>()` glued to a word is a generic call in code (`useState<string>()`), and an empty
      // process substitution splices a path, not nothing: only inside a word (`pi>()ng`) is it the
      // filter-evasion idiom that `$()` and backticks are anywhere.
      const proc = this.subOpenKind === SUB_PROC_IN || this.subOpenKind === SUB_PROC_OUT;
      const b0 = this.subOpenStart > 0 ? lx.s.charCodeAt(this.subOpenStart - 1) : NaN;
      if (glued && proc && !(adjacent && isAlnum(b0) && isAlnum(after))) {
        this.report('substitution', 'An empty process substitution', M);
      } else if (glued) {
        this.report('obfuscation', 'An empty command substitution spliced into a word, a filter-evasion idiom', H);
      } else {
        this.report('substitution', 'An empty command substitution', M);
      }
      this.cmdPos = false;
      this.inMdSpan = false;
      return;
    }
    this.finalize(false);
    this.cmdPos = false;
    this.active = false;
    this.inMdSpan = false;
    // An unset variable that was the whole substitution (the markdown span `$http`) prefixes nothing
    // after it closes: "Set `$http` to `true`" names a value. Glued (`` `$u`wget ``) it still does.
    const next = lx.i < lx.n ? lx.s.charCodeAt(lx.i) : 32;
    if (isWordBoundary(next)) this.obfPrefix = false;
  }

  // ---- redirections --------------------------------------------------------------------------------

  private onRedir(): void {
    const lx = this.lx;
    // A redirection that leads a command (`x;>/tmp/o id`, `x;2>&1 whoami`) is the first token after
    // the separator: it decides whether the separator was glued, as the command word would have.
    if (this.cmdPos && this.pendingSepGlued >= 0) this.decideSep();
    this.redirPending = lx.kind;
    this.redirAtStart = !this.sawContent;
    if (lx.kind === RD_HERESTR && this.active && this.cls !== 0) {
      this.hard = true;
      this.hardWhy = '<<<';
    }
  }

  private onRedirTarget(norm: string, flags: number): void {
    const kind = this.redirPending;
    if (this.active) this.redirected = true;
    const lower = norm.toLowerCase();
    // Each test below needs a `/` or six characters: a short target without one (`a` in `<a <a`,
    // `x` in `>x`) skips eight string searches per redirection.
    // (A loop for the short ones: the native indexOf call cost more than the search, ~5% of the
    // detector on 1 MB of `<a <a`.)
    let pathLike = lower.length >= 6;
    for (let k = 0; !pathLike && k < lower.length; k++) if (lower.charCodeAt(k) === 47) pathLike = true;
    if (pathLike && (lower.startsWith('/dev/tcp/') || lower.startsWith('/dev/udp/') || lower.includes('/dev/tcp/') || lower.includes('/dev/udp/'))) {
      this.report('redirection', 'A redirection to a /dev/tcp or /dev/udp network socket', H);
      return;
    }
    if (pathLike && kind === RD_IN && (lower.startsWith('/etc/') || lower.startsWith('/proc/') || lower.includes('passwd') || lower.includes('shadow'))) {
      this.report('redirection', `Input redirected from the system file '${short(norm)}'`, H);
      return;
    }
    if (kind === RD_IN && this.redirAtStart && lookupName(norm) !== 0) {
      // `<id`: a redirection that opens the value and names a command.
      const rest = this.restIsBlank(this.lx.i);
      if (rest) {
        this.report('redirection', `A redirection operator opening the value before the command '${short(norm)}'`, H);
        return;
      }
    }
    // The evidence below feeds finalize() only, which judges nothing when the record's cls is 0 (see
    // onArgWord): `<a` after a word that names no command classified `a` for nothing.
    if (this.active && this.cls !== 0) {
      if ((kind === RD_OUT || kind === RD_APPEND) && isScriptFile(lower)) {
        this.hard = true;
        this.hardWhy = norm;
      } else {
        const a = classifyArg(norm, flags);
        if (a === A_HARD) {
          this.hard = true;
          this.hardWhy = norm;
        } else if (a === A_MED || a === A_FLAG) this.med = this.startMed = this.medStrong = true;
        else if (a === A_FILE) this.med = true;
      }
    }
  }

  /** True when only blanks, quotes and separators-free whitespace remain from `j` (or a literal \n). */
  private restIsBlank(j: number): boolean {
    const s = this.lx.s;
    const n = this.lx.n;
    for (let k = j; k < n && k < j + 64; k++) {
      const c = s.charCodeAt(k);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 34 || c === 39 || c === 43) continue;
      if (c === 92 && (s.charCodeAt(k + 1) === 110 || s.charCodeAt(k + 1) === 114)) {
        k++;
        continue;
      }
      return false;
    }
    return j + 64 >= n || n - j <= 64;
  }

  /**
   * An unmatched quote glued between letters inside an argument (`wget doesn't work`, `ssh won't
   * connect`, `cat O'Neil's file`): an apostrophe. The lexer ends the stream there (the rest would be
   * an unterminated string, which no shell runs), so the prose after it was never counted and a
   * support message's line "curl isn't installed" read as a command with one plain argument. The
   * words of the rest of that line count as prose here, as they would have without the apostrophe.
   * Cost: only on a value that ends in such a quote while a command record is open; at most
   * QTAIL_SCAN characters read, no allocation.
   */
  private onQtail(): void {
    if (!this.active || this.cls === 0 || this.args === 0) return;
    const s = this.lx.s;
    const q = this.lx.start;
    if (q < 1 || q + 1 >= this.lx.n || !isLetter(s.charCodeAt(q - 1)) || !isLetter(s.charCodeAt(q + 1))) return;
    const lim = Math.min(this.lx.n, q + QTAIL_SCAN);
    // The letters after the quote (`t` of `doesn't`) count too: the word they end is prose, even as
    // the first argument of a tool that takes a subcommand (`docker isn't starting`).
    let inWord = false;
    for (let k = q + 1; k < lim; k++) {
      const c = s.charCodeAt(k);
      if (c === 10 || c === 13) break;
      if (c === 32 || c === 9) inWord = false;
      else if (!inWord) {
        inWord = true;
        if (isLetter(c)) this.prose++;
      }
    }
  }

  // ---- the decision --------------------------------------------------------------------------------

  /** Judges the current command record. `bySep`: it ended at a command separator. */
  private finalize(bySep: boolean): void {
    if (!this.active) return;
    this.active = false;
    const cls = this.cls;
    if (cls === 0 || this.special !== 0) return;
    const strong = (cls & (F_STRONG | F_INTERP)) !== 0 || this.sys;
    const kind = this.kind;
    const prose = this.prose;
    const med = kind === K_START ? this.startMed : this.med;

    // Decide first (no strings built on the hot path), then phrase the reason once.
    let conf: Conf | undefined;
    let msg = 0; // which sentence
    if (kind === K_SUBST_MD) {
      // A markdown code span in prose: documentation about commands, not an injection on its own.
      conf = strong || this.hard || this.interpFlag ? M : L;
      msg = MSG_CODE_SPAN;
    } else if (this.interpFlag) {
      conf = H;
      msg = MSG_INTERP;
    } else if ((cls & F_PSX) !== 0 && (kind !== K_START || this.args > 0)) {
      conf = H;
      msg = MSG_PSX;
    } else if (this.hard && prose <= 3) {
      conf = H;
      msg = MSG_HARD;
    } else if (kind === K_START) {
      if (strong) {
        if ((med && prose <= 1) || (bySep && this.args === 0)) conf = H;
        else if (prose <= 1) conf = M;
        else if (med) conf = L;
      } else if (med && prose === 0) {
        conf = H;
      } else if ((cls & F_ECHO) !== 0 && this.echoShell) {
        conf = H;
        msg = MSG_ECHO;
      } else if (bySep && this.args === 0 && !this.lx.spaceBefore && this.restIsBlank(this.lx.i)) {
        conf = H;
        msg = MSG_START_SEP;
      } else if (med && prose <= 2) {
        conf = L;
      }
      if (msg === 0) msg = MSG_START;
    } else if (((1 << kind) & STRONG_KINDS) !== 0) {
      msg = MSG_FOLLOWS;
      if (strong) conf = prose <= 2 || kind === K_VSTART ? H : M;
      else conf = prose <= (kind === K_SUBST ? 2 : 0) || (med && prose <= 1) ? H : M;
    } else {
      // K_SPACED, K_NL: a separator that can be punctuation in prose.
      msg = MSG_FOLLOWS;
      // A bare command alone on a line of text is shown, not blocked: text can list command names.
      if (strong && kind === K_NL && !med && this.args === 0) conf = M;
      else if (strong) conf = prose <= 1 || (med && prose <= 2) ? H : M;
      else if (med && prose === 0) conf = H;
      else if (med && prose <= 1) conf = M;
      else if (this.pipeIn && this.args === 0) {
        conf = L;
        msg = MSG_PIPED;
      }
    }
    // (A process substitution `>(cmd)` feeds its command the outer command's output: like a pipe.)
    const fed = kind === K_SUBST && (this.subKind === SUB_PROC_IN || this.subKind === SUB_PROC_OUT);
    if (
      conf === H &&
      this.args === this.versionArgs &&
      !this.hard &&
      !this.interpFlag &&
      !this.pipeIn &&
      !fed &&
      !this.redirected &&
      // `(sh)0>$d/tcp/…`: a subshell's redirections come after its `)`.
      this.lx.s.charCodeAt(this.lx.start) !== 41 &&
      (kind === K_SPACED || kind === K_NL || kind === K_SUBST || kind === K_SUBST_MD || kind === K_GLUED || (kind === K_START && msg === MSG_START))
    ) {
      // An interpreter, a network client or a tool with nothing to run, fetch or read (`tea; python;
      // cats`, "I love `python`", "install `curl` first", `a; PowerShell`, `; cURL 8.5.0` in a
      // User-Agent, Ruby's `Accept-Encoding: gzip;q=1.0,deflate;q=0.6`, SigV4's
      // `SignedHeaders=content-type;host;x-amz-date`) does nothing an attacker wants: shown, not
      // blocked. Piped into, or given code, a URL or a file, it stays high; so do commands that
      // answer with no argument at all (`;id`, `;ls`, `;whoami`).
      // (A substitution of even a quiet command, `` `false` ``, `report-`date`.txt`, exists only to
      // test that input is executed: QUIET_ALONE applies after separators, not inside substitutions.)
      const quiet = (cls & F_STRONG) === 0 && kind !== K_SUBST && kind !== K_SUBST_MD && QUIET_ALONE.has(this.nameLower);
      if ((cls & F_INTERP) !== 0 || NEEDS_ARGS.has(this.nameLower) || LIST_NAMES.has(this.nameLower) || quiet) conf = M;
    }
    if (kind === K_NL && conf !== H && prose === 0 && this.args <= 2 && firstLineIsArgument(this.lx.s)) {
      // `127.0.0.1\nid`: a newline after the one value a command-building sink expects.
      conf = H;
    } else if (conf === H && (kind === K_NL || kind === K_SPACED) && (cls & F_STRONG) === 0 && !this.hard && !this.medStrong && !this.interpFlag && !this.pipeIn) {
      // A word that is also English after a line break or "; " with only a host or file name after it
      // (`\nat www.example.com`, a stack frame `\n\tat com.example.Foo.bar(Foo.java:42)`): text.
      conf = M;
    }
    if (
      conf === H &&
      this.kv === 2 &&
      this.args === 2 &&
      (kind === K_NL || kind === K_SPACED || kind === K_START) &&
      !strong &&
      !this.hard &&
      !this.interpFlag &&
      !this.pipeIn &&
      !this.redirected &&
      this.nameLower !== 'kill'
    ) {
      // A config line `host = "0.0.0.0"`, `ping = 5`, `sleep = 10` (TOML, INI, a pasted .conf) names
      // a setting that is also a command: its address or number reads as evidence of a command line.
      // Run by a shell, the bare `=` becomes the command's first operand, and every command here (no
      // F_STRONG or F_INTERP name, no /bin path) then fails on it or looks up a host called `=`:
      // `sleep =`, `ping = 5`, `timeout = 30` stop with a usage error, `host = 127.0.0.1` asks a local
      // server about the name `=`. Only that exact shape is shown instead of blocked: exactly two
      // arguments, the `=` unquoted, the value a number or a local dotted quad. A public address stays
      // high (`host = 203.0.113.9` sends that server a DNS query: an out-of-band probe), and so does a
      // file name (`cat = x` still prints x), a path, flag, URL or variable, `kill = 1` (it signals
      // PID 1 despite the `=`), strong commands (`curl = …`, `nc = 10.0.0.1 4444`, `hostname = …`),
      // hard arguments, pipes and redirections. Cost: one compare per argument, one scan of at most
      // 15 characters of the second argument when the first is `=`.
      conf = M;
    }
    if (
      conf === H &&
      kind === K_GLUED &&
      this.args === 0 &&
      COLUMN_WORDS.has(this.name) &&
      !this.sys &&
      !this.pipeIn &&
      !this.redirected &&
      fieldList(this.lx.s)
    ) {
      // A column list (`first;last;id`, `name;age;id\nAnn;42;7`: a CSV header in the `;` format of
      // European spreadsheets) ends a field with a word that is also a command. The attack spelling
      // is `x;id` or `;id;`; a value of three or more plain fields per line, the first no command,
      // with nothing else in it, is data: shown, not blocked. Unambiguous commands (`a;b;whoami`)
      // and anything with an argument, a blank or a shell character stay high; so do `env` and `set`
      // (they print the function's credentials) and every name not in COLUMN_WORDS.
      conf = M;
    }
    if (
      conf !== H &&
      this.ctx !== CTX_NONE &&
      kind === K_SPACED &&
      this.args === 0 &&
      (cls & F_WEAK) !== 0 &&
      !QUIET_ALONE.has(this.nameLower) &&
      breakoutShape(this.lx.s, this.ctx === CTX_SINGLE ? 39 : 34)
    ) {
      // `x' ; id ; '`, `x" && id #`: the value's first quote closes the application's string, a
      // separator follows it, and the value ends by reopening that string or commenting out its
      // close. The spaced spelling of `';id;'`; prose has no such frame.
      conf = H;
    }
    // `$0` with nothing to run is a price ("Free|$0", "$0; shipping extra"): no finding at all.
    if (this.dollarZero && !this.interpFlag && !this.hard) conf = undefined;
    if (conf === undefined || (this.best !== undefined && RANK[this.best.confidence] >= RANK[conf])) return;

    const name = short(this.name);
    const where = kindText(kind);
    switch (msg) {
      case MSG_CODE_SPAN:
        this.report('substitution', `A code span runs the command '${name}'`, conf);
        break;
      case MSG_INTERP:
        this.report('interpreter', `The interpreter '${name}' is given code on its command line${where}`, conf);
        break;
      case MSG_PSX:
        this.report('powershell', `PowerShell Invoke-Expression in command position${where}`, conf);
        break;
      case MSG_HARD:
        this.report(kind === K_START ? 'command' : ruleFor(kind), `The command '${name}' is run on '${short(this.hardWhy)}'${where}`, conf);
        break;
      case MSG_ECHO:
        this.report('command', `The value is an ${name} command printing markup or expansions`, conf);
        break;
      case MSG_START_SEP:
        this.report('command', `The value is the command '${name}' followed by a separator`, conf);
        break;
      case MSG_START:
        this.report('command', `The value is a command line starting with '${name}'`, conf);
        break;
      case MSG_PIPED:
        this.report(ruleFor(kind), `Output is piped into '${name}'`, conf);
        break;
      default:
        this.report(ruleFor(kind), `The command '${name}' follows ${kindPhrase(kind)}`, conf);
        break;
    }
  }
}

const MSG_FOLLOWS = 1;
const MSG_CODE_SPAN = 2;
const MSG_INTERP = 3;
const MSG_PSX = 4;
const MSG_HARD = 5;
const MSG_ECHO = 6;
const MSG_START_SEP = 7;
const MSG_START = 8;
const MSG_PIPED = 9;

function ruleFor(kind: number): string {
  return kind === K_SUBST || kind === K_SUBST_MD ? 'substitution' : 'command-chain';
}

function kindPhrase(kind: number): string {
  switch (kind) {
    case K_VSTART:
      return 'a command separator that opens the value';
    case K_GLUED:
      return 'a command separator';
    case K_LNL:
      return 'an escaped newline';
    case K_NL:
      return 'a newline';
    case K_SUBST:
      return 'a command substitution opener';
    default:
      return 'a command separator';
  }
}

function kindText(kind: number): string {
  return kind === K_START ? '' : ' after ' + kindPhrase(kind);
}

/**
 * Column names that are also commands printing nothing secret (the user id, recent logins, memory,
 * processes): the only names fieldList may downgrade. Exact case (`Id` names no command anyway).
 */
const COLUMN_WORDS: ReadonlySet<string> = new Set(['id', 'last', 'free', 'top']);

/** The longest run psTickName reads as one command name (the longest table name is 21). */
const TICK_RUN_MAX = 48;
/** psTickName: backticks found by native search before it walks to the next one instead. */
const TICK_DENSE = 32;

function isTickRunChar(c: number): boolean {
  return isAlnum(c) || c === 96 || c === 45 || c === 95 || c === 46;
}

/**
 * PowerShell's escape character inside a command name: `` i`e`x ``, `` Inv`oke-Exp`ression ``,
 * `` wh`oami ``. Outside double quotes a backtick before a letter is that letter, so PowerShell runs
 * `iex`; the sh lexer reads the backticks as command substitution and never sees the name
 * (Invoke-Obfuscation's "ticks", against Azure Functions' PowerShell worker or a `pwsh -c` sink).
 * A run of name characters with a backtick glued between two letters or digits, which names an
 * unambiguous command once the backticks are dropped, in command position (the value's start, or
 * after `; | & ( { =` or a line break, blanks between): high. Markdown (``run `iex` here``), SQL
 * identifiers (`` `db`.`users` ``) and prose mentions (`he wrote i`e`x`) are not such runs or not in
 * command position. Cost: one native search per backtick-glued run; each run is read once (the next
 * search starts past it), at most TICK_RUN_MAX characters sliced per run. Linear.
 */
function psTickName(value: string): Detection | undefined {
  const n = value.length;
  let from = 0;
  // Backticks found so far: past TICK_DENSE, the next one is looked for by a charCode loop (the same
  // positions in the same order): a native search per backtick cost ~5 µs/KB on `` `. `` repeated.
  let hits = 0;
  for (;;) {
    let k: number;
    if (++hits > TICK_DENSE) {
      k = from;
      while (k < n && value.charCodeAt(k) !== 96) k++;
      if (k === n) k = -1;
    } else k = value.indexOf('`', from);
    if (k < 0 || k + 1 >= n) return undefined;
    from = k + 1;
    if (k === 0 || !isAlnum(value.charCodeAt(k - 1)) || !isAlnum(value.charCodeAt(k + 1))) continue;
    let a = k;
    while (a > 0 && isTickRunChar(value.charCodeAt(a - 1))) a--;
    let b = k + 1;
    while (b < n && isTickRunChar(value.charCodeAt(b))) b++;
    from = b;
    // Position first (no allocation): runs inside text (`a`b c`d`) stop here.
    if (b - a > TICK_RUN_MAX || !opensStatement(value, a - 1, true)) continue;
    let name = '';
    let ok = true;
    for (let j = a; j < b; j++) {
      const c = value.charCodeAt(j);
      if (c !== 96) name += value.charAt(j);
      // A backtick at either end of the run, or two in a row, is markdown or a substitution.
      else if (j === a || j + 1 === b || value.charCodeAt(j + 1) === 96) ok = false;
    }
    if (!ok) continue;
    if ((lookupName(name) & F_STRONG) === 0 && !subcommandAt(value, name, b)) continue;
    return { rule: 'shell.obfuscated-command', confidence: 'high', reason: `The command name '${short(name)}' is split by PowerShell backtick escapes.` };
  }
}

/**
 * What may stand before a statement (after blanks): the start, `; | ( {`, `=`, a line break, and,
 * when `amp`, `&` (cmd's separator and PowerShell's call operator before a name; before a script
 * block's own operator it would be `& &{`, which is nothing).
 */
function opensStatement(value: string, p: number, amp = false): boolean {
  while (p >= 0 && (value.charCodeAt(p) === 32 || value.charCodeAt(p) === 9)) p--;
  if (p < 0) return true;
  const c = value.charCodeAt(p);
  return c === 59 || c === 124 || c === 40 || c === 123 || c === 61 || c === 10 || c === 13 || (amp && c === 38);
}

/** The operators that run a script block, with the brace (a blank between is read as a second spelling). */
const PS_BLOCK_OPS = ['&{', '& {', '.{', '. {', '%{', '% {', 'icm{', 'icm {', 'ICM{', 'ICM {'];

/**
 * A PowerShell script block run where it stands: `&{whoami}`, `. {ipconfig}`, `1|%{iex $_}`
 * (ForEach-Object), `icm {net user}` (Invoke-Command). To sh, `&` and `{` are a separator and a word
 * (`{whoami}` names no command), so the passes never see the name inside; PowerShell runs it. High
 * when the block's first word, backticks dropped, is an unambiguous command (or `net user`…) and the
 * operator opens a statement (`&` `.` `icm` after the start, `; | ( { =` or a line break; `%` after a
 * pipe). `Use &{ } for blocks`, JSON, `${var}`, `%{name}` templates and `.{` in Zig or CSS are not.
 * Cost: one native search per operator spelling in PS_BLOCK_OPS (a value of `{{` or `${${` has no
 * hit: a search per `{` was ~10 µs/KB there), then per hit a few blanks read back and a short name
 * run read forward (at most 16 + TICK_RUN_MAX characters). Blanks read back stop at the previous hit.
 */
function psScriptBlock(value: string): Detection | undefined {
  for (const op of PS_BLOCK_OPS) {
    let from = 0;
    for (;;) {
      const h = value.indexOf(op, from);
      if (h < 0) break;
      from = h + 1;
      const c = op.charCodeAt(0);
      let invoked: boolean;
      if (c === 38 || c === 46) invoked = opensStatement(value, h - 1);
      else if (c === 37) {
        let q = h - 1;
        while (q >= 0 && (value.charCodeAt(q) === 32 || value.charCodeAt(q) === 9)) q--;
        invoked = q >= 0 && value.charCodeAt(q) === 124;
      } else invoked = (h === 0 || !isTickRunChar(value.charCodeAt(h - 1))) && opensStatement(value, h - 1);
      if (!invoked) continue;
      let a = h + op.length;
      while (a < value.length && a - h < 16 && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
      let b = a;
      while (b < value.length && b - a <= TICK_RUN_MAX && isTickRunChar(value.charCodeAt(b))) b++;
      if (b === a || b - a > TICK_RUN_MAX) continue;
      let name = '';
      for (let j = a; j < b; j++) if (value.charCodeAt(j) !== 96) name += value.charAt(j);
      if ((lookupName(name) & F_STRONG) !== 0 || subcommandAt(value, name, b)) {
        return { rule: 'shell.powershell', confidence: 'high', reason: `A PowerShell script block runs the command '${short(name)}'.` };
      }
    }
  }
  return undefined;
}

/** `net`, `reg`, `sc` (ticked: `` n`et ``) followed at `b`, after blanks, by one of their subcommands. */
function subcommandAt(value: string, name: string, b: number): boolean {
  const sub = SUBCOMMANDS.get(name.toLowerCase());
  if (sub === undefined) return false;
  let a = b;
  while (a < value.length && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
  if (a === b) return false;
  let e = a;
  while (e < value.length && e - a <= 12 && isLetter(value.charCodeAt(e))) e++;
  return e > a && e - a <= 12 && sub.has(value.slice(a, e).toLowerCase());
}

/**
 * The command a word of one parameter expansion with a default runs: `${x:-whoami}`, `${x:=id}`,
 * `${x-/bin/sh}` expand, with `x` unset (as an attacker's made-up name is), to the default; bash then
 * runs it. '' unless s[a, b) is exactly `${NAME OP WORD}` with OP one of `:-` `:=` `-` `=` and WORD a
 * command name (unambiguous for `-` and `=`, which a Spring placeholder `${server-id}` also spells) or
 * a path into a binary directory. At most 64 characters read; called for a command word only.
 */
function paramDefault(s: string, a: number, b: number): string {
  if (b - a > 64 || b - a < 6 || s.charCodeAt(a) !== 36 || s.charCodeAt(a + 1) !== 123 || s.charCodeAt(b - 1) !== 125) return '';
  let k = a + 2;
  while (k < b && (isAlnum(s.charCodeAt(k)) || s.charCodeAt(k) === 95)) k++;
  if (k === a + 2) return '';
  const colon = s.charCodeAt(k) === 58;
  if (colon) k++;
  const op = s.charCodeAt(k);
  if (op !== 45 && op !== 61) return '';
  const w = s.slice(k + 1, b - 1);
  if (w.length === 0) return '';
  for (let j = 0; j < w.length; j++) {
    const c = w.charCodeAt(j);
    if (!(isAlnum(c) || c === 95 || c === 45 || c === 46 || c === 47)) return '';
  }
  const f = lookupName(w);
  if ((f & F_STRONG) !== 0 || (colon && f !== 0) || (w.charCodeAt(0) === 47 && isBinPath(w.toLowerCase()))) return w;
  return '';
}

/** s[a, b) is `$env:NAME` (any case), the whole word, NAME a variable name, and the statement ends after it. */
function envStatement(s: string, a: number, b: number): boolean {
  if (b - a < 6 || b - a > 80 || s.charCodeAt(a) !== 36 || s.charCodeAt(a + 4) !== 58) return false;
  if ((s.charCodeAt(a + 1) | 32) !== 101 || (s.charCodeAt(a + 2) | 32) !== 110 || (s.charCodeAt(a + 3) | 32) !== 118) return false;
  for (let k = a + 5; k < b; k++) {
    const c = s.charCodeAt(k);
    if (!(isAlnum(c) || c === 95)) return false;
  }
  // A statement ends there: the value's end or a separator, after blanks. An assignment
  // (`$env:NODE_ENV = 'production'`, `$env:Path += …`) or words after it are no read.
  let k = b;
  while (k < s.length && k - b < 16 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  if (k >= s.length) return true;
  const c = s.charCodeAt(k);
  return c === 59 || c === 124 || c === 38 || c === 10 || c === 13 || c === 41 || c === 125;
}

/**
 * The frame of a quote break-out with blanks (for finalize): the first `q` in `s` is followed, after
 * blanks, by `;`, `&` or `|`, and the value's last non-blank character is `q` (the string reopened
 * for the application's own closing quote) or `#` (a comment swallowing it). Two native searches and
 * a few characters read; only for a bare word command after a spaced separator in a quote pass.
 */
function breakoutShape(s: string, q: number): boolean {
  const i = s.indexOf(String.fromCharCode(q));
  if (i < 0) return false;
  let j = i + 1;
  while (j < s.length && j - i < 8 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
  const c = s.charCodeAt(j);
  if (c !== 59 && c !== 38 && c !== 124) return false;
  let e = s.length - 1;
  while (e > j && (s.charCodeAt(e) === 32 || s.charCodeAt(e) === 9)) e--;
  const last = s.charCodeAt(e);
  return e > j && (last === q || last === 35);
}

/** The longest value fieldList reads. */
const FIELD_LIST_MAX = 4096;

function isFieldChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45 || c === 46 || c === 64;
}

/**
 * Whether `s` is only `;`-separated fields of identifier characters (letters, digits, `_ - . @`),
 * one or more lines of them, with no empty field, three or more fields on some line, and a first
 * field that is a word (letters, `_`, `-`) naming no command. Read only for a finding about to be downgraded (finalize): one walk,
 * at most FIELD_LIST_MAX characters, one slice.
 */
function fieldList(s: string): boolean {
  const n = s.length;
  if (n > FIELD_LIST_MAX) return false;
  let fields = 1;
  let most = 0;
  let len = 0; // length of the current field
  let firstEnd = -1;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c === 59 || c === 10 || c === 13) {
      if (len === 0) {
        // `\r\n` is one line break; any other empty field (`;;`, `;id;`, a leading `;`) is not data.
        if (c === 10 && k > 0 && s.charCodeAt(k - 1) === 13) continue;
        return false;
      }
      if (firstEnd < 0) {
        firstEnd = k;
        // A header's first column is a name (`name`, `user_id`), not an address (`127.0.0.1;x;id`).
        for (let j = 0; j < k; j++) if (!isLetter(s.charCodeAt(j)) && s.charCodeAt(j) !== 95 && s.charCodeAt(j) !== 45) return false;
      }
      len = 0;
      if (c === 59) fields++;
      else {
        if (fields > most) most = fields;
        fields = 1;
      }
    } else if (isFieldChar(c)) len++;
    else return false;
  }
  if (len === 0) return false;
  if (fields > most) most = fields;
  return most >= 3 && firstEnd > 0 && lookupName(s.slice(0, firstEnd)) === 0;
}

/** How far onQtail reads the line after an apostrophe. */
const QTAIL_SCAN = 160;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function hasDigit(t: string): boolean {
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function lettersOnly(t: string): string {
  let out = '';
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) out += t.charAt(k);
  }
  return out;
}

function baseName(norm: string): string {
  let k = norm.length;
  while (k > 0) {
    const c = norm.charCodeAt(k - 1);
    if (c === 47 || c === 92) break;
    k--;
  }
  return norm.slice(k);
}

function isScriptFile(lower: string): boolean {
  const dot = lower.lastIndexOf('.');
  if (dot < 0) return false;
  const ext = lower.slice(dot + 1);
  return (
    ext === 'php' ||
    ext === 'phtml' ||
    ext === 'jsp' ||
    ext === 'jspx' ||
    ext === 'asp' ||
    ext === 'aspx' ||
    ext === 'sh' ||
    ext === 'py' ||
    ext === 'pl' ||
    ext === 'cgi' ||
    ext === 'ps1' ||
    ext === 'bat'
  );
}

/** For a brace-expansion word at command position: the command it expands to, or ''. */
function braceCommand(norm: string): string {
  const a = norm.indexOf('{');
  if (a < 0) return '';
  const b = norm.indexOf('}', a + 1);
  if (b < 0) return '';
  const body = norm.slice(a + 1, b);
  if (body.indexOf(',') < 0 || body.indexOf(' ') >= 0) return '';
  const prefix = norm.slice(0, a);
  const suffix = norm.slice(b + 1);
  const parts = body.split(',');
  let first = true;
  for (const p of parts) {
    const cand = prefix + p + suffix;
    if (cand.length === 0) continue;
    const f = lookupName(cand);
    if (f !== 0 && (first || (f & F_STRONG) !== 0)) return cand;
    first = false;
    if (parts.length > 8) break;
  }
  return '';
}

// ---------------------------------------------------------------------------------------------------
// Stand-alone structures (cheap, direct checks)
// ---------------------------------------------------------------------------------------------------

/** `() {` at the start of the value (after blanks or quotes): a Shellshock function definition. */
function checkShellshock(v: string): Detection | undefined {
  let k = 0;
  const n = Math.min(v.length, 64);
  while (k < n && (v.charCodeAt(k) === 32 || v.charCodeAt(k) === 9 || v.charCodeAt(k) === 34 || v.charCodeAt(k) === 39)) k++;
  if (v.charCodeAt(k) !== 40) return undefined;
  k++;
  while (k < n && v.charCodeAt(k) === 32) k++;
  if (v.charCodeAt(k) !== 41) return undefined;
  k++;
  while (k < n && (v.charCodeAt(k) === 32 || v.charCodeAt(k) === 9)) k++;
  if (v.charCodeAt(k) !== 123) return undefined;
  return { rule: 'shell.shellshock', reason: 'The value starts with a bash function definition "() {" (Shellshock).', confidence: 'high' };
}

const SMTP_ARG = new Set(['HELO', 'EHLO', 'VRFY', 'EXPN']);
const POP_NUM = new Set(['RETR', 'DELE', 'TOP', 'LIST', 'UIDL']);
const IMAP_VERBS = new Set([
  'LOGIN',
  'AUTHENTICATE',
  'SELECT',
  'EXAMINE',
  'CREATE',
  'DELETE',
  'RENAME',
  'LIST',
  'LSUB',
  'STATUS',
  'APPEND',
  'FETCH',
  'STORE',
  'COPY',
  'UID',
  'SEARCH',
  'EXPUNGE',
  'CAPABILITY',
  'LOGOUT',
  'STARTTLS',
  'SUBSCRIBE',
]);

function isUpperWord(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * SMTP / IMAP / POP3 command after a line break: mail command injection (CRLF smuggled into a value
 * that a mail library writes to the wire). Each line start is examined once, at most 80 characters.
 */
function checkMailCommand(v: string): Detection | undefined {
  let from = 0;
  for (;;) {
    const nl = v.indexOf('\n', from);
    if (nl < 0) return undefined;
    from = nl + 1;
    let k = nl + 1;
    while (k < v.length && v.charCodeAt(k) === 32) k++;
    // Cheap gate: a mail verb or an IMAP tag starts with a letter.
    const c0 = v.charCodeAt(k) | 32;
    if (!(c0 >= 97 && c0 <= 122)) continue;
    // Up to three space-separated words of the line, at most 80 characters.
    const limit = Math.min(v.length, k + 80);
    const words: string[] = [];
    let w = k;
    while (w < limit && words.length < 3) {
      let e = w;
      while (e < limit) {
        const c = v.charCodeAt(e);
        if (c === 32 || c === 10 || c === 13) break;
        e++;
      }
      if (e > w) words.push(v.slice(w, e));
      if (e >= limit) break;
      const c = v.charCodeAt(e);
      if (c === 10 || c === 13) break;
      w = e + 1;
    }
    const w0 = words[0] ?? '';
    const w1 = words[1] ?? '';
    const count = words.length;
    if (SMTP_ARG.has(w0) && count === 2) return mail('an SMTP ' + w0);
    if ((w0 === 'MAIL' && w1.startsWith('FROM:')) || (w0 === 'RCPT' && w1.startsWith('TO:'))) return mail('an SMTP ' + w0);
    if (POP_NUM.has(w0) && count >= 2 && digitsThenPunct(w1) && (count === 2 || digitsThenPunct(words[2] ?? ''))) {
      return mail('a POP3 ' + w0);
    }
    // IMAP: tag (one or two letters, then at least three digits) and a verb.
    if (w0.length >= 4 && w0.length <= 10 && count >= 2) {
      let d = 0;
      while (d < w0.length && (w0.charCodeAt(d) | 32) >= 97 && (w0.charCodeAt(d) | 32) <= 122) d++;
      if (d >= 1 && d <= 2 && w0.length - d >= 3 && isDigits(w0.slice(d))) {
        const verb = w1.toUpperCase();
        if (IMAP_VERBS.has(verb) && (isUpperWord(w1) || w1 === verb.toLowerCase())) return mail('an IMAP ' + verb);
      }
    }
  }
}

/** `123`, or `123` followed by a non-alphanumeric character (`123"></a>`). */
function digitsThenPunct(s: string): boolean {
  let k = 0;
  while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
  return k > 0 && (k === s.length || !isAlnum(s.charCodeAt(k)));
}

function mail(what: string): Detection {
  return { rule: 'shell.mail-command', reason: `A line break followed by ${what} command (mail command injection).`, confidence: 'high' };
}

// ---------------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------------

/**
 * Which shell-relevant characters a value holds, as presence bits (no counts: the markdown test
 * below counts backticks and blanks itself, and only when a backtick is present).
 *
 * P_SHELL: any character a shell structure needs (; | & newline CR ` $ < > ( { \ % ^ * ? and the
 * quotes). P_SEP: any character that can move the command position past the first word or build a
 * finding on its own (separators, substitutions, redirections, grouping, escapes, carets and `=`,
 * which makes `NAME=value cmd` keep the command position); a value without one is judged by its first
 * word alone (see firstWordMay).
 */
const P_SHELL = 1;
const P_SQ = 2;
const P_DQ = 4;
const P_NL = 8;
const P_LT = 16;
/** A blank the first-word test splits on: space, tab or `+` (a form-encoded space). */
const P_BLANK = 32;
const P_BT = 64;
const P_SEP = 128;
/**
 * Any character without which mayFind (and the first-word tests) can never answer true: an ASCII
 * letter or `_` (every command-name run needs one), a quote (quotes glue digit runs: `1'2'3`), a glob,
 * `:` (drive paths), a shell-only character (Q_SPECIAL), `&` and `.` (the call operator). Exact for
 * values under LONG_VALUE only (the indexOf scan of long values does not look for letters), so it is
 * read only there. Phone numbers and amounts (`+1 (555) 010-0000`) have none: see detect().
 */
const P_MAY = 256;
/** `]` (for `]::`, PowerShell static calls). Exact below LONG_VALUE only, like P_MAY. */
const P_BRK = 512;
/**
 * A character mayFind answers true at wherever it stands (Q_SPECIAL: `$ \` \\ { ^ < > %`, LF, CR): every
 * one of them is a P_SHELL character, searched for at any length, so the bit is exact.
 */
const P_SPEC = 1024;
/** The P_SPEC characters but the backslash (see mayFind's `bsl` mode): exact likewise. */
const P_SPX = 2048;
/** The P_SPX characters but the backtick (see mayFind's `tick` mode): exact likewise. */
const P_SPT = 4096;
/** The P_SPT characters but `{` (see mayFind's `tick` mode, which reads braces too): exact likewise. */
const P_SPB = 8192;
/** The P_SPB characters but `%` (see mayFind's `pct` mode) and `^` (see mayFind's caret reading): exact likewise. */
const P_SPN = 16384;
/** `%`: exact likewise. */
const P_PCT = 32768;
/** The bits presence() computes exactly at any length (P_MAY and P_BRK are exact below LONG_VALUE only). */
const P_EXACT = 0xff | P_SPEC | P_SPX | P_SPT | P_SPB | P_SPN | P_PCT;

const PRESENCE = new Uint16Array(128);
/** The characters of PRESENCE, one string each, for the indexOf scan of long values. */
const PRESENCE_CHARS: string[] = [];
const PRESENCE_BITS: number[] = [];
/** The charMask kind (charclass.ts) of each character of PRESENCE_CHARS. */
const PRESENCE_KINDS: number[] = [];
(() => {
  const set = (chars: string, bit: number): void => {
    for (const ch of chars) PRESENCE[ch.charCodeAt(0)] = (PRESENCE[ch.charCodeAt(0)] as number) | bit;
  };
  set(';|&\n\r`$<>({\\%^*?\'"', P_SHELL);
  set("'", P_SQ);
  set('"', P_DQ);
  set('\n', P_NL);
  set('<', P_LT);
  set(' +\t', P_BLANK);
  set('`', P_BT);
  set(';&|\n\r`$<>(){}\\^=', P_SEP);
  set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_\'"*?[:$`\\{^<>%\n\r&.', P_MAY);
  set(']', P_BRK);
  set('$`\\{^<>%\n\r', P_SPEC);
  set('$`{^<>%\n\r', P_SPX);
  set('${^<>%\n\r', P_SPT);
  set('$^<>%\n\r', P_SPB);
  set('$<>\n\r', P_SPN);
  set('%', P_PCT);
  // The P_SHELL characters first: without one of them, only a blank matters (see presence).
  for (let c = 0; c < 128; c++) {
    if (((PRESENCE[c] as number) & P_SHELL) !== 0) {
      PRESENCE_CHARS.push(String.fromCharCode(c));
      PRESENCE_BITS.push((PRESENCE[c] as number) & P_EXACT);
      PRESENCE_KINDS.push(charMask(String.fromCharCode(c)));
    }
  }
  for (let c = 0; c < 128; c++) {
    // (P_MAY and P_BRK alone, on letters and `]`, are not scanned for: long values never read them.)
    if (((PRESENCE[c] as number) & 0xff) !== 0 && ((PRESENCE[c] as number) & P_SHELL) === 0) {
      PRESENCE_CHARS.push(String.fromCharCode(c));
      PRESENCE_BITS.push((PRESENCE[c] as number) & P_EXACT);
      PRESENCE_KINDS.push(charMask(String.fromCharCode(c)));
    }
  }
})();
const SHELL_CHAR_COUNT = PRESENCE_BITS.filter((b) => (b & P_SHELL) !== 0).length;

/**
 * Values at least this long are scanned with one native indexOf per character of PRESENCE (about
 * 20 calls of a few ns each, then ~0.01 ns per character) instead of a charCode loop (~2 ns per
 * character): long prose and tokens cost a fixed ~150-200 ns instead of a linear walk.
 */
const LONG_VALUE = 96;

/**
 * Presence bits of `value` (P_*), allocation-free. Every bit detect() reads is exact whatever the
 * scan: long values skip the searches whose bit cannot matter (P_BLANK is read only without P_SHELL,
 * and once P_SEP is set its other characters add nothing), and, given the value's charMask, the
 * searches for characters of a kind it lacks (they would find nothing): a sentence of prose through
 * the engine holds four or five of the twenty-odd kinds searched for.
 */
function presence(value: string, mask = -1): number {
  const n = value.length;
  let bits = 0;
  if (n < LONG_VALUE) {
    for (let k = 0; k < n; k++) {
      const c = value.charCodeAt(k);
      if (c < 128) bits |= PRESENCE[c] as number;
    }
    return bits;
  }
  for (let k = 0; k < SHELL_CHAR_COUNT; k++) {
    if ((mask & (PRESENCE_KINDS[k] as number)) !== 0 && value.indexOf(PRESENCE_CHARS[k] as string) !== -1) bits |= PRESENCE_BITS[k] as number;
  }
  for (let k = SHELL_CHAR_COUNT; k < PRESENCE_CHARS.length; k++) {
    const b = PRESENCE_BITS[k] as number;
    const wanted = (bits & P_SHELL) === 0 ? P_BLANK : P_SEP;
    if ((b & wanted) === 0 || (bits & wanted) !== 0 || (mask & (PRESENCE_KINDS[k] as number)) === 0) continue;
    if (value.indexOf(PRESENCE_CHARS[k] as string) !== -1) bits |= b;
  }
  return bits;
}

/**
 * Markdown code spans: two or more backticks and three or more blanks (space, tab, `+`) of prose
 * around them. Only called when a backtick is present.
 */
function markdownShaped(value: string): boolean {
  // Native searches, each stopped at the count it needs (two backticks, three blanks of any of the
  // three kinds): a value dense in backticks and without blanks (`` `\'( `` repeated) was a charCode
  // walk of every character, ~5 µs/KB; now a few searches. Same answer as counting all of them.
  const b1 = value.indexOf('`');
  if (b1 === -1 || value.indexOf('`', b1 + 1) === -1) return false;
  let blanks = 0;
  for (const ch of MD_BLANKS) {
    for (let k = value.indexOf(ch); k !== -1; k = value.indexOf(ch, k + 1)) if (++blanks >= 3) return true;
  }
  return false;
}

const MD_BLANKS = [' ', '+', '\t'];

function better(a: Detection | undefined, b: Detection | undefined): Detection | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[b.confidence] > RANK[a.confidence] ? b : a;
}

function isCommandWord(w: string): boolean {
  return lookupName(w) !== 0;
}

function runPass(value: string, ctx: number, md: boolean, from = 0, to = value.length, quotes = true, kinds = 3, plainPct = false): Detection | undefined {
  const lx = new ShellLexer(value, ctx, from, to, quotes, kinds);
  lx.isCommand = isCommandWord;
  // (ShellLexer.plainPct: the caller's promise, for the whole value only.)
  lx.plainPct = plainPct && from === 0 && to === value.length;
  const p = new Pass(lx, ctx, md);
  p.run();
  return p.best;
}

/**
 * The charclass kinds (charclass.ts) whose every character the shell lexer reads as plain (isPlain in
 * tokenizers/shell.ts: no meaning inside an unquoted word), and `%`: `/ . : - _ ! ,` and non-ASCII;
 * letters and digits set no bit. A value whose mask holds no other kind is, to the lexer, plain text
 * and `%` (checked for every ASCII character by the tests).
 */
export const PLAIN_PCT_KINDS = C.SLASH | C.DOT | C.COLON | C.DASH | C.UNDERSCORE | C.NONASCII | C.BANG | C.COMMA | C.PERCENT;

/** The charclass bits (charclass.ts) of the P_SHELL characters `; | & \n \r ` $ < > ( { \ % ^ * ? ' "`. */
export const SHELL_CHAR_CLASSES =
  C.SEMI | C.PIPE | C.AMP | C.NEWLINE | C.BACKTICK | C.DOLLAR | C.LT | C.GT | C.PAREN | C.BRACE | C.BSLASH | C.PERCENT | C.CARET | C.STAR | C.OTHER | C.SQUOTE | C.DQUOTE;

/**
 * Whether a value without any P_SHELL character is certainly clean. Without one, presence() sets no
 * P_SHELL, P_SQ, P_DQ, P_NL, P_LT or P_BT bit, no tag or fence is stripped, no PowerShell name is built
 * (it needs `$`) and no static call is found (it needs `(`): what is left is detect()'s check for a
 * command line at the start, which needs a blank (space, `+`, tab) within the first 41 characters,
 * after a first word that may name a command. This reads that first word only, where presence()
 * reads every character: "Cotton T-shirt, size M", "SKU-1000", "2024-01-15", "summer sale", `/orders`.
 * True only where detect() returns nothing; false sends the value down the exact path.
 */
function plainClean(value: string): boolean {
  const n = value.length;
  if (n < 2) return true;
  // One walk over the first word finds the blank and judges its runs as runsMayName(value, e) does
  // (the same runs, each with the character after it, NaN at the word's end); the answer is used only
  // once a blank is found in time. (Cotton T-shirt, size M: one walk of `Cotton`, not two.)
  const lim = n < 41 ? n : 41;
  let may = false;
  let rs = -1;
  let alphaEnd = 0;
  let e = 0;
  for (; e < lim; e++) {
    const c = value.charCodeAt(e);
    if (c === 32 || c === 43 || c === 9) break;
    if (QCLASS[c] === Q_RUN) {
      if (rs === -1) rs = alphaEnd = e;
      if (c > 57) alphaEnd = e + 1;
    } else if (rs !== -1) {
      if (!may && alphaEnd > rs && runMayName(value, rs, e, alphaEnd, c)) may = true;
      rs = -1;
    }
  }
  // e === n: no blank anywhere (P_BLANK unset); e === 0 or e > 40: detect() gives up on the first word.
  if (e === n || e === 0 || e > 40) return true;
  if (!may && rs !== -1 && alphaEnd > rs && runMayName(value, rs, e, alphaEnd, NaN)) may = true;
  return !may;
}

/**
 * A lone `.` word after a separator or blank, then a path (`x;. /dev/stdin`): sh's `source`, which
 * mayFind does not name (it looks for command names). Native searches for `. `; each hit is O(1),
 * the search resumes after it: linear.
 */
function loneDotSource(v: string): boolean {
  for (let i = v.indexOf('. '); i !== -1; i = v.indexOf('. ', i + 2)) {
    const b = i === 0 ? 32 : v.charCodeAt(i - 1);
    if ((b === 32 || b === 9 || b === 59 || b === 38 || b === 124 || b === 10 || b === 40 || b === 123 || b === 96) && dotSourcePath(v, i + 1)) return true;
  }
  return false;
}

/**
 * After `for NAME` ending at `at`: blanks, then `;`, a newline or `do` (`for a;do`, `for a do`): the
 * loop runs over "$@". At most 8 blanks read: O(1).
 */
function forNoIn(s: string, at: number): boolean {
  let i = at;
  while (i < s.length && i - at < 8 && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  const c = s.charCodeAt(i);
  if (c === 59 || c === 10) return true;
  return c === 100 && s.charCodeAt(i + 1) === 111 && !isAlnum(s.charCodeAt(i + 2)) && s.charCodeAt(i + 2) !== 95;
}

/** A shell variable name: a letter or `_`, then letters, digits, `_` (at most 32). */
function isShellName(w: string): boolean {
  if (w.length === 0 || w.length > 32) return false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!alpha && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/**
 * The variable a `${NAME:=word}` or `${NAME=word}` expansion in s[a, b) assigns, or ''. Reads the
 * first `${` among the word's first 64 characters only, at most 40 characters after it: O(1) per
 * word (no search past the word: a value of many `$a` words would rescan its rest each time).
 */
function defaultAssigned(s: string, a: number, b: number): string {
  let p = -1;
  for (let i = a, e = Math.min(b, a + 64) - 1; i < e; i++) {
    if (s.charCodeAt(i) === 36 && s.charCodeAt(i + 1) === 123) {
      p = i;
      break;
    }
  }
  if (p === -1) return '';
  let k = p + 2;
  while (k < b && k - p < 40 && (isAlnum(s.charCodeAt(k)) || s.charCodeAt(k) === 95)) k++;
  if (k === p + 2) return '';
  const name = s.slice(p + 2, k);
  if (s.charCodeAt(k) === 58) k++;
  return s.charCodeAt(k) === 61 && isShellName(name) ? name : '';
}

/** trapCmd's mark for `trap --`: the next word is the command (no command name is `\0--`). */
const TRAP_DASHES = '\0--';

/**
 * The first word of a trap's command line as the shell reads it when the trap fires: leading blanks
 * skipped, quotes and backslashes removed (`' id'`, `'"id"'`, `'i\d'` run id), up to a blank or an
 * operator. At most 64 characters read: O(1).
 */
function trapCommandName(w: string): string {
  let i = 0;
  // (Leading newlines are blanks to the second reading too: `eval '<newline>id'`.)
  while (i < w.length && i < 16 && (w.charCodeAt(i) === 32 || w.charCodeAt(i) === 9 || w.charCodeAt(i) === 10)) i++;
  let out = '';
  for (const e = Math.min(w.length, i + 64); i < e; i++) {
    const c = w.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 59 || c === 38 || c === 124 || c === 60 || c === 62 || c === 40 || c === 41) break;
    if (c !== 34 && c !== 39 && c !== 92) out += w.charAt(i);
  }
  return out;
}

/**
 * bash's append and array-element assignments in the text at `a`: `NAME+=`, `NAME[SUB]=`,
 * `NAME[SUB]+=` (NAME a shell name of at most 32 characters, SUB at most 16 characters with no
 * quote, newline or `]`), unquoted. Returns the index of the `=`, or -1 (a plain `NAME=` is the
 * lexer's W_ASSIGN). Read in the raw text, past the token's end: the lexer ends a word at `+`. At
 * most 52 characters read: O(1).
 */
function bashAssignEq(s: string, a: number): number {
  let i = a;
  const c0 = s.charCodeAt(i);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) return -1;
  while (i < s.length && i - a < 32 && (isAlnum(s.charCodeAt(i)) || s.charCodeAt(i) === 95)) i++;
  let sub = false;
  if (s.charCodeAt(i) === 91) {
    const k0 = i;
    i++;
    while (i < s.length && i - k0 <= 16) {
      const c = s.charCodeAt(i);
      // (Blanks are allowed: bash reads `a[ 0]=id` as one assignment, though the lexer splits it.)
      if (c === 93 || c === 39 || c === 34 || c === 10) break;
      i++;
    }
    if (s.charCodeAt(i) !== 93) return -1;
    i++;
    sub = true;
  }
  if (s.charCodeAt(i) === 43) {
    i++;
    sub = true;
  }
  return sub && s.charCodeAt(i) === 61 ? i : -1;
}

/**
 * The literal value of an assignment whose text starts at `i` (after its `=`): up to a blank, a
 * newline or an operator (`;&|<>()`), at most 32 characters, with no expansion, substitution, quote,
 * backslash or glob; undefined otherwise. O(1).
 */
function literalValue(s: string, i: number): string | undefined {
  if (s.charCodeAt(i) === 40) return undefined; // `a=(…)`, `a+=(…)`: an array
  let e = i;
  while (e < s.length && e - i <= 32) {
    const c = s.charCodeAt(e);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 59 || c === 38 || c === 124 || c === 60 || c === 62 || c === 40 || c === 41) break;
    if (c === 36 || c === 96 || c === 39 || c === 34 || c === 92 || c === 42 || c === 63 || c === 91 || c === 43) return undefined;
    e++;
  }
  return e - i > 32 ? undefined : s.slice(i, e);
}

/** expandKnown's answer for a word glued to a variable the value assigned when its value was not kept. */
const UNKNOWN_ASSIGNED = '\u0000';

/** Pattern characters expandKnown marks as unquoted globs (a quoted `*` or `?` is itself). */
const GLOB_STAR = '\u0001';
const GLOB_ONE = '\u0002';

/**
 * The word s[a, b) as the shell reads it when every `$name` / `${name}` in it is a variable with a
 * known literal value (`kv`: name, value pairs): the values put in, quotes and backslashes dropped.
 * POSIX's `${name-w}`, `${name:-w}`, `${name=w}`, `${name:=w}`, `${name+w}`, `${name:+w}`,
 * `${name?w}` and `${name%p}`, `${name#p}` (`%%`, `##`) with a literal `w` or a pattern `p` of
 * literal characters, `?` and at most one `*` (quotes and backslashes dropped) are applied, and
 * bash's `${#name}`, `${!name}`, `${name:off:len}`, `${name/p/r}` (`//`, `/#`, `/%`) with a literal
 * `p`, `${name,}` `${name,,}` `${name^}` `${name^^}` `${name~}` `${name~~}`, `${name@L}` `@U` `@u`
 * (see bashExpand); a name neither known nor in `assigned` counts as unset there (`x;${b=i}d` runs
 * id; a variable of the environment is not something the value can rely on).
 * '' when the word holds anything else (another expansion, a substitution, a glob) or is longer than
 * 64 characters; UNKNOWN_ASSIGNED when a variable is one the value assigned but whose value was not
 * kept past the table's size (`over`), or one with a known value whose expansion is not computed
 * here (`x;a=ix;${a%x*[x]}d`, `${a/x?/}`, `${a@Q}`: it could spell any command: fail closed), or one
 * whose value was computed from such a one (a kept UNKNOWN_ASSIGNED). O(1): at most 64 characters
 * and 8 pairs; a pattern is matched against at most 33 prefixes or suffixes of a value of at most
 * 32 characters, each in at most 48 steps (one `*`: both ends are fixed).
 */
function expandKnown(s: string, a: number, b: number, kv: readonly string[], assigned: readonly string[], over: boolean): string {
  if (b - a > 64) return '';
  let out = '';
  let unknownAssigned = false;
  for (let i = a; i < b; ) {
    const c = s.charCodeAt(i);
    if (c === 39 || c === 34 || c === 92) {
      i++;
      continue;
    }
    if (c === 96 || c === 42 || c === 63 || c === 91 || c === 40 || c === 41) return '';
    if (c !== 36) {
      out += s.charAt(i);
      i++;
      continue;
    }
    const brace = s.charCodeAt(i + 1) === 123;
    let e = i + (brace ? 2 : 1);
    // bash's `${#name}` (the value's length) and `${!name}` (the variable the value names).
    const pre = brace && (s.charCodeAt(e) === 35 || s.charCodeAt(e) === 33) && isAlnum(s.charCodeAt(e + 1)) ? s.charCodeAt(e) : 0;
    if (pre !== 0) e++;
    const n0 = e;
    // A positional parameter is one digit unbraced (`$1d` is `${1}d`).
    if (!brace && s.charCodeAt(e) >= 48 && s.charCodeAt(e) <= 57) e++;
    else while (e < b && (isAlnum(s.charCodeAt(e)) || s.charCodeAt(e) === 95)) e++;
    if (e === n0 && pre === 0 && (s.charCodeAt(e) === 64 || s.charCodeAt(e) === 42)) {
      // `$@`, `$*`, `${@}`: the positional parameters, their first word `$1`'s value: when `set`
      // gave `$1` a known value (`x;set -- i;$@d` runs id), fail closed (splitting not computed).
      let k1 = 0;
      while (k1 < kv.length && kv[k1] !== '1') k1 += 2;
      return k1 < kv.length ? UNKNOWN_ASSIGNED : '';
    }
    if (e === n0) return '';
    const name = s.slice(n0, e);
    let k = 0;
    while (k < kv.length && kv[k] !== name) k += 2;
    const known = k < kv.length;
    let v = known ? (kv[k + 1] as string) : '';
    // A value computed from one not computed here (see above): fail closed.
    if (known && v.charCodeAt(0) === 0) return UNKNOWN_ASSIGNED;
    // Assigned in the value with a value not kept (not a literal, or past the table): unknown.
    const opaque = !known && (assigned.indexOf(name) >= 0 || over);
    if (pre !== 0) {
      if (s.charCodeAt(e) !== 125) return known ? UNKNOWN_ASSIGNED : '';
      if (opaque) {
        if (!over) return '';
        return UNKNOWN_ASSIGNED;
      }
      if (pre === 35) out += String(v.length);
      else if (known) {
        // `${!b}` with b=a: a's value (known, or unset when the value neither knows nor assigned a).
        let j = 0;
        while (j < kv.length && kv[j] !== v) j += 2;
        if (j < kv.length) {
          const w = kv[j + 1] as string;
          if (w.charCodeAt(0) === 0) return UNKNOWN_ASSIGNED;
          out += w;
        } else if (assigned.indexOf(v) >= 0 || over || !isShellName(v)) return UNKNOWN_ASSIGNED;
      }
      i = e + 1;
      continue;
    }
    if (!brace || s.charCodeAt(e) === 125) {
      if (!known) {
        if (!opaque || !over) return '';
        unknownAssigned = true;
      }
      out += v;
      i = brace ? e + 1 : e;
      continue;
    }
    let op = s.charCodeAt(e);
    if (op !== 45 && op !== 61 && op !== 43 && op !== 63 && op !== 37 && op !== 35 && !(op === 58 && POSIX_OP.indexOf(s.charAt(e + 1)) >= 0)) {
      // bash's other operators (substring, replacement, case, `@`), or one not read here.
      const r = bashExpand(s, e, b, v);
      if (r === undefined) {
        // Not computed: a known value could now spell anything; otherwise, as before, no reading.
        if (known) return UNKNOWN_ASSIGNED;
        if (opaque && over) return UNKNOWN_ASSIGNED;
        return '';
      }
      if (opaque) {
        if (!over) return '';
        unknownAssigned = true;
      }
      out += r.value;
      i = r.end;
      continue;
    }
    let colon = false;
    if (op === 58) {
      colon = true;
      op = s.charCodeAt(e + 1);
      e++;
    }
    let f = e + 1;
    if ((op === 37 || op === 35) && s.charCodeAt(f) === op) f++;
    const longest = f === e + 2;
    // The operand: a literal of at most 16 characters (quotes and backslashes dropped), then `}`;
    // for `%` and `#`, an unquoted `?` or `*` is a glob (marked), a quoted one itself.
    let w = '';
    let stars = 0;
    let quote = 0;
    const p0 = f;
    while (f < b && f - p0 <= 16 && (quote !== 0 || s.charCodeAt(f) !== 125)) {
      const d = s.charCodeAt(f);
      if (quote !== 0 && d === quote) quote = 0;
      else if (quote === 0 && (d === 39 || d === 34)) quote = d;
      else if (d === 92 && quote !== 39) {
        f++;
        if (f < b) w += s.charAt(f);
      } else if (d === 36 || d === 96 || (quote === 0 && d === 91)) return known ? UNKNOWN_ASSIGNED : '';
      else if (quote === 0 && (d === 42 || d === 63)) {
        if (op !== 37 && op !== 35) return '';
        if (d === 42) stars++;
        w += d === 42 ? GLOB_STAR : GLOB_ONE;
      } else w += s.charAt(f);
      f++;
    }
    if (s.charCodeAt(f) !== 125) return known && (op === 37 || op === 35) ? UNKNOWN_ASSIGNED : '';
    if (opaque) {
      if (!over) return '';
      unknownAssigned = true;
    } else if (op === 37 || op === 35) {
      // `${a%x}`, `${a#x}`, `${a%x*}`: the shortest (longest for `%%`, `##`) matching suffix or
      // prefix removed, as the shell does (`x;a=ix;${a%x}d`, `x;a=ixy;${a%x*}d` run id).
      if (!known) return '';
      if (stars > 1) return UNKNOWN_ASSIGNED;
      v = removeAffix(v, w, op === 37, longest);
    } else {
      const set = known && (!colon || v !== '');
      if (op === 43) v = set ? w : '';
      else if (op === 63) {
        if (!set) return '';
      } else if (!set) v = w;
    }
    out += v;
    i = f + 1;
  }
  return unknownAssigned ? UNKNOWN_ASSIGNED : out;
}

/** The characters after `:` that make POSIX's `${a:-w}`, `${a:=w}`, `${a:+w}`, `${a:?w}`. */
const POSIX_OP = '-=+?';

/**
 * bash's expansions after `${name` at `e` (the operator's first character) for the value `v`
 * ('' when unset): `:off`, `:off:len` (decimal, a blank then `-` for one from the end), `/p/r`,
 * `//p/r`, `/#p/r`, `/%p/r` with a literal pattern and replacement (no `&`: bash 5.2 puts the match
 * there), `,` `,,` `^` `^^` `~` `~~` with no pattern, `@L` `@U` `@u`. The value and the index after
 * the `}`; undefined for anything else (the caller decides what that means). At most 40 characters
 * of `s` read. O(1).
 */
function bashExpand(s: string, e: number, b: number, v: string): { value: string; end: number } | undefined {
  const op = s.charCodeAt(e);
  const lim = Math.min(b, e + 40);
  if (op === 44 || op === 94 || op === 126) {
    const all = s.charCodeAt(e + 1) === op;
    const close = e + (all ? 2 : 1);
    if (s.charCodeAt(close) !== 125 || v === '') return s.charCodeAt(close) === 125 ? { value: '', end: close + 1 } : undefined;
    const head = all ? v : v.charAt(0);
    const tail = all ? '' : v.slice(1);
    let m = '';
    for (let j = 0; j < head.length; j++) {
      const ch = head.charAt(j);
      const lo = ch.toLowerCase();
      m += op === 44 ? lo : op === 94 ? ch.toUpperCase() : ch === lo ? ch.toUpperCase() : lo;
    }
    return { value: m + tail, end: close + 1 };
  }
  if (op === 64) {
    const t = s.charCodeAt(e + 1);
    if (s.charCodeAt(e + 2) !== 125) return undefined;
    if (t === 76) return { value: v.toLowerCase(), end: e + 3 };
    if (t === 85) return { value: v.toUpperCase(), end: e + 3 };
    if (t === 117) return { value: v.charAt(0).toUpperCase() + v.slice(1), end: e + 3 };
    return undefined;
  }
  if (op === 58) {
    // `${a:off}`, `${a:off:len}`, `${a::len}` (an empty offset is 0), `${a: -2}`.
    let j = e + 1;
    const num = (): number | undefined => {
      while (j < lim && s.charCodeAt(j) === 32) j++;
      let neg = false;
      if (s.charCodeAt(j) === 45) {
        neg = true;
        j++;
      }
      const d0 = j;
      while (j < lim && j - d0 < 4 && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
      if (j === d0) return neg ? undefined : 0;
      const n = Number(s.slice(d0, j));
      return neg ? -n : n;
    };
    let off = num();
    if (off === undefined) return undefined;
    let len: number | undefined = v.length;
    if (s.charCodeAt(j) === 58) {
      j++;
      len = num();
      if (len === undefined) return undefined;
    }
    if (s.charCodeAt(j) !== 125) return undefined;
    if (off < 0) off += v.length;
    if (off < 0 || off > v.length) return { value: '', end: j + 1 };
    if (len < 0) len = v.length + len - off;
    if (len < 0) return undefined; // bash: "substring expression < 0", the command is not run
    return { value: v.substr(off, len), end: j + 1 };
  }
  if (op === 47) {
    let j = e + 1;
    const mode = s.charCodeAt(j);
    if (mode === 47 || mode === 35 || mode === 37) j++;
    let p = '';
    let r = '';
    let inRepl = false;
    for (; j < lim; j++) {
      const d = s.charCodeAt(j);
      if (d === 125) break;
      if (d === 47 && !inRepl) {
        inRepl = true;
        continue;
      }
      // Quotes, escapes, globs, expansions, `&`: not computed here.
      if (d === 36 || d === 96 || d === 42 || d === 63 || d === 91 || d === 39 || d === 34 || d === 92 || d === 38) return undefined;
      if (inRepl) r += s.charAt(j);
      else p += s.charAt(j);
    }
    if (s.charCodeAt(j) !== 125) return undefined;
    let value = v;
    if (p !== '') {
      if (mode === 47) value = v.split(p).join(r);
      else if (mode === 35) value = v.startsWith(p) ? r + v.slice(p.length) : v;
      else if (mode === 37) value = v.endsWith(p) ? v.slice(0, v.length - p.length) + r : v;
      else {
        const at = v.indexOf(p);
        value = at < 0 ? v : v.slice(0, at) + r + v.slice(at + p.length);
      }
    }
    return { value, end: j + 1 };
  }
  return undefined;
}

/**
 * `v` with the shortest (`longest`: longest) suffix (`suffix`) or prefix matching the pattern `w`
 * removed; `w` holds GLOB_ONE for `?` and at most one GLOB_STAR for `*`. At most 33 candidates
 * (v is at most 32 characters), each compared at both fixed ends: O(|v| * |w|), both bounded.
 */
function removeAffix(v: string, w: string, suffix: boolean, longest: boolean): string {
  const star = w.indexOf(GLOB_STAR);
  const head = star < 0 ? w : w.slice(0, star);
  const tail = star < 0 ? '' : w.slice(star + 1);
  const fits = (t: string): boolean => {
    if (star < 0) return t.length === w.length && fixedAt(t, 0, w);
    return t.length >= head.length + tail.length && fixedAt(t, 0, head) && fixedAt(t, t.length - tail.length, tail);
  };
  const n = v.length;
  for (let step = 0; step <= n; step++) {
    // The candidate's length: shortest first, or longest first.
    const len = longest ? n - step : step;
    const t = suffix ? v.slice(n - len) : v.slice(0, len);
    if (fits(t)) return suffix ? v.slice(0, n - len) : v.slice(len);
  }
  return v;
}

/** `p` (GLOB_ONE: any one character) matches `t` at `at`. */
function fixedAt(t: string, at: number, p: string): boolean {
  for (let j = 0; j < p.length; j++) {
    const c = p.charCodeAt(j);
    if (c !== 2 && c !== t.charCodeAt(at + j)) return false;
  }
  return true;
}

/** s[a, b) holds `$1`…`$9`, `${1}`…, `$@`, `$*` (a positional parameter). O(b - a). */
function positionalIn(s: string, a: number, b: number): boolean {
  for (let i = a; i < b - 1; i++) {
    if (s.charCodeAt(i) !== 36) continue;
    const c = s.charCodeAt(i + 1) === 123 ? s.charCodeAt(i + 2) : s.charCodeAt(i + 1);
    if ((c >= 49 && c <= 57) || c === 64 || c === 42) return true;
  }
  return false;
}

/** s[a, b) names (`$name`, `${name`) a variable with a value in kv. O((b - a) * 8). */
function knownIn(s: string, a: number, b: number, kv: readonly string[]): boolean {
  for (let i = a; i < b - 1; i++) {
    if (s.charCodeAt(i) !== 36) continue;
    const name = shellNameAt(s, s.charCodeAt(i + 1) === 123 ? i + 2 : i + 1);
    if (name === '') continue;
    for (let k = 0; k < kv.length; k += 2) if (kv[k] === name) return true;
  }
  return false;
}

/**
 * s[a, b), double quotes dropped, is one positional parameter alone (`$1`, `${1}`, `"$@"`): not
 * two glued (`$1$2`) nor one with an operator (`${1%x}`, `${1,,}`). O(1): at most 8 characters.
 */
function plainPositional(s: string, a: number, b: number): boolean {
  if (b - a > 8) return false;
  let w = '';
  for (let i = a; i < b; i++) if (s.charCodeAt(i) !== 34) w += s.charAt(i);
  const c = w.length === 2 ? w.charCodeAt(1) : w.length === 4 && w.charCodeAt(1) === 123 && w.charCodeAt(3) === 125 ? w.charCodeAt(2) : 0;
  return w.charCodeAt(0) === 36 && ((c >= 49 && c <= 57) || c === 64 || c === 42);
}

/** A prefix in `assigned` marking a name a declare option transforms (`-l`, `-u`, `-c`, `-n`): never a shell name. */
const TRANSFORMED = '%';

/** The shell name at `a` (letters, digits, `_`; at most 32 characters). */
function shellNameAt(s: string, a: number): string {
  let i = a;
  while (i < s.length && i - a < 32 && (isAlnum(s.charCodeAt(i)) || s.charCodeAt(i) === 95)) i++;
  return s.slice(a, i);
}

/** Where eval's literal argument starts once eval reads it: after up to 8 blanks and double quotes. O(1). */
function evalLead(w: string): number {
  let i = 0;
  while (i < w.length && i < 8 && (w.charCodeAt(i) === 32 || w.charCodeAt(i) === 9 || w.charCodeAt(i) === 34)) i++;
  return i;
}

/**
 * A trap's signal operand as scripts write it: `0`, EXIT (any case), or a signal name in capitals or
 * after SIG (`TERM`, `SIGINT`, `sigint`). Prose after a separator (`mouse; trap set 2`, `trap date
 * term`) is not read as one.
 */
function isSignalSpec(w: string): boolean {
  if (w === '0') return true;
  if (w.length < 3 || w.length > 10) return false;
  const u = w.toUpperCase();
  if (u === 'EXIT') return true;
  if (u.startsWith('SIG')) return SIGNALS.has(u.slice(3));
  return w === u && SIGNALS.has(u);
}
const SIGNALS: ReadonlySet<string> = new Set(['EXIT', 'ERR', 'DEBUG', 'RETURN', 'HUP', 'INT', 'QUIT', 'TERM', 'KILL', 'USR1', 'USR2', 'PIPE', 'ALRM', 'CHLD', 'CONT', 'STOP', 'TSTP', 'WINCH']);

/** After `.` at `from`: blanks (at most 8), then a path: `/`, `./`, `../` or `~/`. */
function dotSourcePath(s: string, from: number): boolean {
  let i = from;
  const c0 = s.charCodeAt(i);
  if (c0 !== 32 && c0 !== 9) return false;
  while (i < s.length && i - from < 8 && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  const c = s.charCodeAt(i);
  if (c === 47) return true;
  if (c === 126) return s.charCodeAt(i + 1) === 47;
  if (c !== 46) return false;
  const d = s.charCodeAt(i + 1);
  return d === 47 || (d === 46 && s.charCodeAt(i + 2) === 47);
}

/** A character that can follow `$` to start an expansion read here: a name, a digit, `{`, `@`, `*`. */
function isVarLead(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 123 || c === 64 || c === 42;
}

/** The variable name of `$name`, `${name}`, `$1`, `$@` at the start of `w` (at most 32 characters read), or ''. */
function quotedVarName(w: string): string {
  let i = 1;
  if (w.charCodeAt(1) === 123) i = 2;
  const c = w.charCodeAt(i);
  if (c === 64 || c === 42 || (c >= 48 && c <= 57)) return w.charAt(i);
  const a = i;
  while (i < w.length && i - a < 32) {
    const d = w.charCodeAt(i);
    if (!((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95)) break;
    i++;
  }
  return w.slice(a, i);
}

/**
 * Detects shell command injection in one string. Returns the strongest finding, or undefined.
 * Linear in `value.length`. No try/catch here: a bug must surface in the engine's wrapper (which
 * logs it once and fails open), not turn silently into "no finding". `mask`: the value's charMask
 * when the caller has it (the engine does), which spares the presence pass on plain values.
 */
export function detectShellInjection(value: string, mask?: number): Detection | undefined {
  // Argument injection: a value that starts with an option (or a git `ext::` URL) is read before the
  // fast paths, which look for shell characters and know nothing of `--upload-pack=`.
  // (Only where the engine's gate, needsAlso in detectors/index.ts, lets the value through: a shell
  // character, a blank or `=`. The gate's promise, no finding on a value it skips, holds for direct
  // calls too: argumentInjection applies the same gate.)
  const c0 = value.charCodeAt(0);
  if (c0 === 45 || c0 === 101 || c0 === 32 || (c0 | 32) === 115 || (c0 | 32) === 103) {
    const ai = argumentInjection(value, mask);
    if (ai !== undefined) return ai;
  }
  if (mask !== undefined) {
    // No P_SHELL character (see plainClean): SHELL_CHAR_CLASSES is wider than the P_SHELL set, and
    // its OTHER kind is `? @ ~`, of which only `?` is one (`jane.oneil@example.com`).
    const shellKinds = mask & SHELL_CHAR_CLASSES;
    if (shellKinds === 0 || (shellKinds === C.OTHER && value.indexOf('?') === -1)) {
      // No space, tab or `+` (the SPACE and PLUS kinds hold them): plainClean's walk finds no blank.
      if ((mask & (C.SPACE | C.PLUS)) === 0 || plainClean(value)) return undefined;
    }
  }
  if ((mask === undefined || (mask & (C.PIPE | C.NEWLINE)) === (C.PIPE | C.NEWLINE)) && tableBreaksPipeline(value)) return undefined;
  // HTML (a rich-text field, a CMS body): `<button>Show more</button>` is, to a shell, `more` with
  // three redirections. When the value holds HTML tags (with at least one closing tag), the tags are
  // read as blanks and the text between them is judged; a command in the text is still a command.
  // The presence bits gate the three searches below: `<`, the backtick (exact at any length) and `]`
  // (exact below LONG_VALUE) must occur first. On short prose that is two or three native searches
  // fewer, a third of the cost of a value like "Jane O'Neil"; detect() reuses the bits.
  const pf = presence(value, mask);
  const n = value.length;
  // (A `/` first: one native search for one character; the search for `</` stops at every `<` of a
  // `<`-dense value, ~1.5 µs/KB on `<a <a`.)
  let text = (pf & P_LT) === 0 || value.indexOf('/') === -1 || value.indexOf('</') === -1 ? undefined : withoutTags(value);
  // Markdown fences (```python … ```): the run of backticks and its language label are blanks; the
  // code inside is still read as commands. (withoutTags adds no backtick: the value's bit decides.)
  if ((pf & P_BT) !== 0 && hasFence(text ?? value)) text = withoutFences(text ?? value);
  // The value's own characters are all plain to the lexer or `%` (its kinds say so): see plainPct.
  const plainPct = mask !== undefined && (mask & ~PLAIN_PCT_KINDS) === 0;
  const d = text === undefined ? detect(value, pf, plainPct) : detect(text, presence(text), false);
  if (d?.confidence === 'high') return d;
  // Letters of a fixed-value variable picked by index (`$env:ComSpec[4,15,25]-join''`): needs `$`
  // (a P_SHELL character) and the `[` of the index.
  const built =
    (pf & P_SHELL) !== 0 && (mask === undefined || (mask & C.DOLLAR) !== 0) && value.indexOf('$') !== -1 && value.indexOf('[') !== -1 ? powershellBuiltName(value) : undefined;
  if (built !== undefined) return built;
  if ((n < LONG_VALUE && (pf & P_BRK) === 0) || value.indexOf(']::') === -1) return d;
  return better(d, powershellStaticCall(value));
}

/**
 * A markdown table's head (`| id | status |` then `|----|--------|`): a first line that ends in `|`
 * (blanks after it allowed) and a next line whose first non-blank is `|`. No shell runs any of such
 * a value, wherever the application puts it in a command line: the trailing `|` carries the pipeline
 * onto the next line, which opens with `|`, a syntax error that sh, bash, dash and zsh report before
 * running any part of that pipeline, and a non-interactive shell exits there (nothing after it runs
 * either); cmd.exe rejects the empty pipe element of the first line, PowerShell parses the whole
 * script first. LLM answers, reports and tickets carry such tables, and a first column named `id`,
 * `date`, `file` or `time` read as a command after a separator that opens the value (high). Not
 * matched: a CR before the line break (sh reads `\r` as a command word, which ends the pipeline, and
 * the first line runs), or a first line with a character that could carry the pipeline elsewhere or
 * hide the `|` (quotes, backtick, `#`, `\`, `$`, `<`, brackets of a group or substitution), with
 * which the value is read as usual. Cost: one native search for the first line break, then the first
 * line once.
 */
function tableBreaksPipeline(value: string): boolean {
  const nl = value.indexOf('\n');
  if (nl < 1) return false;
  let e = nl - 1;
  while (e >= 0 && (value.charCodeAt(e) === 32 || value.charCodeAt(e) === 9)) e--;
  if (e < 0 || value.charCodeAt(e) !== 124) return false;
  let k = nl + 1;
  while (k < value.length && (value.charCodeAt(k) === 32 || value.charCodeAt(k) === 9)) k++;
  if (value.charCodeAt(k) !== 124) return false;
  for (let i = 0; i < e; i++) {
    const c = value.charCodeAt(i);
    // ' " ` # \ $ < ( ) { } CR
    if (c === 39 || c === 34 || c === 96 || c === 35 || c === 92 || c === 36 || c === 60 || c === 40 || c === 41 || c === 123 || c === 125 || c === 13) return false;
  }
  return true;
}

/**
 * Options that make a tool run a program the value names, when the value reaches its argument list
 * as one argument (`execFile('git', ['clone', url])`, `ssh host`, `tar … file`, PHP `mail()`'s fifth
 * parameter): no shell and no separator needed. Lower case; matched at the value's start, the value
 * lower-cased up to OPT_SCAN characters. `-c`/`--config` keys are checked apart (GIT_KEYS).
 */
const EXEC_OPTIONS = [
  // git
  '--upload-pack',
  '--receive-pack',
  '--exec=',
  // ssh (option names are case-insensitive)
  '-oproxycommand',
  '-o proxycommand',
  '-olocalcommand',
  '-o localcommand',
  '-opermitlocalcommand',
  '-o permitlocalcommand',
  // tar
  '--checkpoint-action',
  '--to-command',
  '--use-compress-program',
  '--rsh-command',
  '--info-script',
  '--new-volume-script',
  // rsync, zip, wget
  '--rsh=',
  '--rsync-path',
  '--unzip-command',
  '-tt ',
  '-tt=',
  '--use-askpass',
  // find
  '-exec ',
  '-execdir ',
  // sendmail (PHP mail()'s additional parameters): log to a web root, or a queue directory for it
  '-x/',
  '-oqueuedirectory',
  // Chromium and Electron
  '--gpu-launcher',
  '--renderer-cmd-prefix',
  '--browser-subprocess-path',
  '--utility-cmd-prefix',
];

/** git configuration keys (after `-c` / `--config`) that run a program or allow a transport that does. */
const GIT_KEYS = ['core.sshcommand', 'core.gitproxy', 'core.pager', 'core.fsmonitor', 'core.hookspath', 'protocol.', 'credential.helper', 'uploadpack.', 'diff.external', 'filter.', 'alias.'];

const OPT_SCAN = 48;

/**
 * The short options that are also how a line of prose or a list item starts (`-exec summary
 * attached`, `-TT is my tag`, `-x/y coordinates`) count only with what they run: a command name or
 * an absolute path after `-exec` / `-TT`, a path two directories deep after sendmail's `-X/`.
 */
function optionArgumentRuns(o: string, head: string): boolean {
  if (o === '-x/') {
    let slashes = 0;
    for (let k = 2; k < head.length && head.charCodeAt(k) !== 32; k++) if (head.charCodeAt(k) === 47) slashes++;
    return slashes >= 3;
  }
  if (o !== '-exec ' && o !== '-execdir ' && o !== '-tt ' && o !== '-tt=') return true;
  let a = o.length;
  while (a < head.length && head.charCodeAt(a) === 32) a++;
  let e = a;
  while (e < head.length && head.charCodeAt(e) !== 32 && head.charCodeAt(e) !== 59) e++;
  if (e === a) return false;
  return head.charCodeAt(a) === 47 || lookupName(head.slice(a, e)) !== 0;
}

/** The ssh URL schemes git hands to ssh (lower case). */
const SSH_SCHEMES = ['ssh://', 'git+ssh://', 'ssh+git://'];

/**
 * Whether `value`, from `a`, is an ssh URL whose host starts with `-` and a letter
 * (`ssh://-oProxyCommand=touch%20x/repo`): git before 2.14.1 passed such a host to ssh as an option
 * (CVE-2017-1000117), and a tool that builds an ssh command line from a URL still does.
 */
function sshOptionHost(value: string, a: number): boolean {
  for (const s of SSH_SCHEMES) {
    const h = a + s.length;
    if (value.length > h + 1 && value.charCodeAt(h) === 45 && isLetter(value.charCodeAt(h + 1)) && value.slice(a, h).toLowerCase() === s) return true;
  }
  return false;
}

/**
 * Argument injection: the value, after blanks, starts with an option from EXEC_OPTIONS, with a git
 * `-c KEY=` / `--config KEY` whose key is in GIT_KEYS, or is a git `ext::` URL (runs its command
 * when the transport is allowed). One lower-cased copy of at most OPT_SCAN characters, only for a
 * value whose first non-blank characters are `-` and a letter or `-`, or `ext::`.
 */
function argumentInjection(value: string, mask: number | undefined): Detection | undefined {
  let a = 0;
  while (a < value.length && a < 16 && value.charCodeAt(a) === 32) a++;
  const c = value.charCodeAt(a);
  if (c !== 45 && c !== 101 && (c | 32) !== 115 && (c | 32) !== 103) return undefined;
  // Every finding below needs `ext::`, an ssh URL or a `-` then a letter or `-` here: tested first, so
  // that the gate's mask (a walk of the whole value when the caller has none) is computed only for
  // such values (`-('\0` repeated, called directly as the bench does: charMask was ~15% of the
  // detector's time).
  const ext = c === 101 && value.startsWith('ext::', a);
  const sshHost = c !== 45 && c !== 101 && sshOptionHost(value, a);
  const c1 = value.charCodeAt(a + 1);
  if (!ext && !sshHost && (c !== 45 || !(isLetter(c1) || c1 === 45))) return undefined;
  // The engine's gate (see detectShellInjection). `=` is in it: `-oProxyCommand=id` and
  // `--upload-pack=id` hold no other character the gate knows.
  if (((mask ?? charMask(value)) & (SHELL_CHAR_CLASSES | C.SPACE | C.PLUS | C.EQ)) === 0) return undefined;
  if (ext) {
    return { rule: 'shell.argument-injection', confidence: 'high', reason: 'A git ext:: URL, which runs the command it names.' };
  }
  if (sshHost) {
    return { rule: 'shell.argument-injection', confidence: 'high', reason: 'An ssh URL whose host is an option (ssh://-oProxyCommand=…): git passes it to ssh, which runs the command.' };
  }
  const head = value.slice(a, a + OPT_SCAN).toLowerCase();
  for (const o of EXEC_OPTIONS) {
    if (head.startsWith(o) && head.length > o.length && optionArgumentRuns(o, head)) {
      return { rule: 'shell.argument-injection', confidence: 'high', reason: `The value starts with the option '${short(o.trim())}', which makes the tool run a program.` };
    }
  }
  let k = head.startsWith('-c') ? 2 : head.startsWith('--config') ? 8 : -1;
  if (k < 0) return undefined;
  while (k < head.length && (head.charCodeAt(k) === 32 || head.charCodeAt(k) === 61)) k++;
  for (const key of GIT_KEYS) {
    if (head.startsWith(key, k)) {
      return { rule: 'shell.argument-injection', confidence: 'high', reason: `A git -c option sets '${short(key)}', which runs a program.` };
    }
  }
  return undefined;
}

function isTagNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 58;
}

/**
 * End (exclusive) of an HTML tag starting at `i` (`<name>`, `<name attr…>`, `<name/>`, `</name>`),
 * or -1. Strict where a shell redirection could look alike: the name is letters, digits, `-` and `:`
 * only (never a path: `</etc/passwd` is no tag), attributes hold no `<`, and the `>` is on the same
 * tag. Linear in the tag's length.
 */
function tagEnd(s: string, i: number): number {
  const n = s.length;
  // Reads past the end are NaN without calling charCodeAt out of bounds (a call site that has read
  // past the end stays slower in V8's optimized code).
  let k = i + 1;
  const closing = k < n && s.charCodeAt(k) === 47;
  if (closing) k++;
  const c0 = k < n ? s.charCodeAt(k) : NaN;
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90))) return -1;
  while (k < n && isTagNameChar(s.charCodeAt(k))) k++;
  const c = k < n ? s.charCodeAt(k) : NaN;
  if (c === 62) return k + 1;
  if (!closing && c === 47 && k + 1 < n && s.charCodeAt(k + 1) === 62) return k + 2;
  if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return -1;
  for (; k < n; k++) {
    const d = s.charCodeAt(k);
    if (d === 62) return k + 1;
    if (d === 60) return -1;
  }
  return -1;
}

/** `value` with every HTML tag read as a blank, or undefined when it holds no closing tag. */
/**
 * .NET types whose static methods start processes, compile or load code, or fetch it, as PowerShell
 * calls them: `[System.Diagnostics.Process]::Start('cmd', '/c whoami')`, `[scriptblock]::Create(…)`,
 * `[Reflection.Assembly]::Load(…)`. Lower case; the `System.` prefix is optional to PowerShell.
 */
const PS_TYPES: ReadonlySet<string> = new Set([
  'diagnostics.process', 'scriptblock', 'management.automation.scriptblock', 'reflection.assembly', 'net.webclient',
  'activator', 'runtime.interopservices.marshal', 'management.automation.powershell', 'powershell',
]);

/** `[Type]::Method(` with a type from PS_TYPES: the PowerShell way around cmdlet names (high). */
function powershellStaticCall(value: string): Detection | undefined {
  for (let i = value.indexOf(']::'); i !== -1; i = value.indexOf(']::', i + 3)) {
    // `[` within 64 characters before (a bounded loop: lastIndexOf would search on to the start, once
    // per `]::`).
    let open = i - 1;
    while (open >= 0 && i - open <= 64 && value.charCodeAt(open) !== 91) open--;
    if (open < 0 || i - open > 64) continue;
    let type = value.slice(open + 1, i).trim().toLowerCase();
    if (type.startsWith('system.')) type = type.slice(7);
    if (!PS_TYPES.has(type)) continue;
    let k = i + 3;
    while (k < value.length && k - i < 40 && isAlnum(value.charCodeAt(k))) k++;
    while (k < value.length && k - i < 48 && (value.charCodeAt(k) === 32 || value.charCodeAt(k) === 9)) k++;
    if (k > i + 3 && value.charCodeAt(k) === 40) {
      return { rule: 'shell.powershell', confidence: 'high', reason: `A PowerShell call of a static method of [${short(value.slice(open + 1, i).trim())}], which runs or loads code.` };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// PowerShell expressions that build a command name
// ---------------------------------------------------------------------------------------------------
//
// Invoke-Obfuscation and its kin never write `iex`: they build it. `& ("{1}{0}" -f 'ex','i')`,
// `.(('i','e','x') -join '')`, `&($env:ComSpec[4,15,25]-join'')`, `.($ShellId[1]+$ShellId[13]+'x')`,
// `(gv '*mdr*').Name[3,11,2]-join''`. PsExpr evaluates the small part of PowerShell these use, over a
// bounded span of raw text: string literals, `[char]N`, the `,` `-f` `+` `-join` `-replace` operators
// (with PowerShell's precedence: `,` over `-f` over `+` over `-join`/`-replace`), indexing
// (`[4,15,25]`, `[-1..-3]`), a few members (`.Name`, `.Value`, `.ToString()`, `.Replace(a,b)`,
// `.ToLower()`), casts to [char] and [string], and the variables whose value is fixed on every Windows
// host (`$ShellId`, `$PSHome`, `$env:ComSpec`, `$env:Public`, `$VerbosePreference`…). Anything else
// makes the value unknown and the evaluation gives up: it never guesses.
//
// Cost: one left-to-right pass over at most PS_SPAN characters (each token is read once; recursion
// only follows parentheses and is capped at PS_DEPTH); strings are capped at PS_STR characters and
// arrays at PS_ITEMS elements. Callers run it a bounded number of times per value (see
// powershellBuiltName), so the detector stays linear.

/** Longest span of raw text evaluated. */
const PS_SPAN = 320;
/** Deepest parenthesis / call nesting followed. */
const PS_DEPTH = 12;
/** Longest intermediate string kept (a command name is far shorter; format strings are short too). */
const PS_STR = 256;
/** Most elements of an array (index lists and `'i','e','x'` lists). */
const PS_ITEMS = 64;

/** A variable object, as `Get-Variable` returns it (`.Name`, `.Value`). */
interface PsVar {
  name: string;
  value: string;
}
type PsVal = string | string[] | PsVar | null;

/**
 * Variables with the same value on every Windows host (lower case, `env:` for environment variables).
 * Casing of paths differs between hosts; command lookup is case-insensitive, so it does not matter.
 */
const PS_KNOWN: ReadonlyMap<string, string> = new Map([
  ['shellid', 'Microsoft.PowerShell'],
  ['pshome', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0'],
  ['env:comspec', 'C:\\WINDOWS\\system32\\cmd.exe'],
  ['env:public', 'C:\\Users\\Public'],
  ['env:windir', 'C:\\WINDOWS'],
  ['env:systemroot', 'C:\\WINDOWS'],
  ['env:programdata', 'C:\\ProgramData'],
  ['env:allusersprofile', 'C:\\ProgramData'],
  ['verbosepreference', 'SilentlyContinue'],
  ['debugpreference', 'SilentlyContinue'],
  ['maximumdrivecount', '4096'],
  ['maximumerrorcount', '256'],
]);

/** Names `Get-Variable '*pattern*'` can find among the automatic variables (for `.Name` slicing). */
const PS_AUTOMATIC = [
  'MaximumDriveCount', 'MaximumErrorCount', 'MaximumAliasCount', 'MaximumFunctionCount', 'MaximumHistoryCount',
  'MaximumVariableCount', 'ShellId', 'PSHome', 'VerbosePreference', 'DebugPreference', 'ErrorActionPreference',
  'WarningPreference', 'ConfirmPreference', 'ProgressPreference', 'InformationPreference', 'WhatIfPreference',
  'PSEdition', 'PSCulture', 'PSUICulture', 'PSVersionTable', 'ExecutionContext', 'PSScriptRoot', 'PWD', 'HOME',
  'Host', 'PID', 'true', 'false', 'null', 'input', 'args', 'OFS', 'NestedPromptLevel', 'PSSessionOption',
  'PSEmailServer', 'PSDefaultParameterValues', 'PSModuleAutoLoadingPreference', 'FormatEnumerationLimit',
  'LogCommandHealthEvent', 'ConsoleFileName', 'Error', 'MyInvocation', 'StackTrace', 'Matches', 'PSCommandPath',
];

/** `*`/`?` wildcard match, case-insensitive, of short strings (pattern ≤ 16, name ≤ 32): O(p·n). */
function psWildcard(p: string, name: string): boolean {
  const pl = p.toLowerCase();
  const nl = name.toLowerCase();
  // Iterative star matching with one backtrack point: linear in p·n for these short inputs.
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < nl.length) {
    if (i < pl.length && (pl[i] === '?' || pl[i] === nl[j])) {
      i++;
      j++;
    } else if (i < pl.length && pl[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < pl.length && pl[i] === '*') i++;
  return i === pl.length;
}

/** Double-quoted string escapes: `0 `a `b `e `f `n `r `t `v. */
const PS_ESCAPES: ReadonlyMap<number, string> = new Map([
  [48, '\0'], [97, '\x07'], [98, '\b'], [101, '\x1b'], [102, '\f'], [110, '\n'], [114, '\r'], [116, '\t'], [118, '\v'],
]);

function psStr(v: PsVal): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const s = v.join(' '); // $OFS
    return s.length > PS_STR ? null : s;
  }
  return null;
}

function psIsIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function psBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

class PsExpr {
  private readonly s: string;
  private readonly end: number;
  i: number;
  private depth = 0;
  /** Set once anything is unknown or unparsable: every caller then unwinds with null. */
  failed = false;
  /** Building steps taken: a format, join, concatenation, index, cast, replace or member call. */
  ops = 0;
  /** PS_KNOWN variables (or Get-Variable names) read. */
  knownReads = 0;
  /** Index operations (`[4,15,25]`). With knownReads: letters cut out of a fixed value. */
  indexes = 0;

  constructor(s: string, from: number, to: number) {
    this.s = s;
    this.i = from;
    this.end = Math.min(to, from + PS_SPAN);
  }

  private fail(): null {
    this.failed = true;
    return null;
  }

  /** Index of the character `ch` within `limit` characters of the cursor (and the span), or -1. */
  private find(ch: number, limit: number): number {
    const stop = Math.min(this.end, this.i + limit);
    for (let k = this.i; k < stop; k++) if (this.s.charCodeAt(k) === ch) return k;
    return -1;
  }

  private c(k = 0): number {
    const j = this.i + k;
    return j < this.end ? this.s.charCodeAt(j) : NaN;
  }

  private skip(): void {
    for (;;) {
      const c = this.c();
      if (psBlank(c)) this.i++;
      else if (c === 96 && (this.c(1) === 10 || this.c(1) === 13)) this.i += 2; // backtick line continuation
      else return;
    }
  }

  /** At a `-word` operator (case-insensitive, not followed by an identifier character): its name. */
  private dashOp(): string {
    if (this.c() !== 45) return '';
    let k = 1;
    while (k < 10 && psIsIdent(this.c(k))) k++;
    if (k === 1 || psIsIdent(this.c(k))) return '';
    return this.s.slice(this.i + 1, this.i + k).toLowerCase();
  }

  /** Whole expression: the loosest level, `-join` / `-replace`. */
  expr(): PsVal {
    if (++this.depth > PS_DEPTH) return this.fail();
    let v = this.add();
    for (;;) {
      if (this.failed) return null;
      this.skip();
      const op = this.dashOp();
      if (op !== 'join' && op !== 'replace' && op !== 'ireplace' && op !== 'creplace') break;
      this.i += op.length + 1;
      const r = this.add();
      if (this.failed) return null;
      this.ops++;
      v = op === 'join' ? this.join(v, psStr(r)) : this.replace(v, r, op === 'creplace');
    }
    this.depth--;
    return v;
  }

  private add(): PsVal {
    let v = this.format();
    for (;;) {
      if (this.failed) return null;
      this.skip();
      if (this.c() !== 43) return v;
      this.i++;
      const r = this.format();
      if (this.failed) return null;
      this.ops++;
      if (Array.isArray(v)) {
        const items = Array.isArray(r) ? r : [psStr(r)];
        if (v.length + items.length > PS_ITEMS) return this.fail();
        const out = v.slice();
        for (const it of items) {
          if (it === null || typeof it !== 'string') return this.fail();
          out.push(it);
        }
        v = out;
      } else {
        const a = psStr(v);
        const b = psStr(r);
        if (a === null || b === null || a.length + b.length > PS_STR) return this.fail();
        v = a + b;
      }
    }
  }

  private format(): PsVal {
    let v = this.list();
    for (;;) {
      if (this.failed) return null;
      this.skip();
      if (this.dashOp() !== 'f') return v;
      this.i += 2;
      const r = this.list();
      if (this.failed) return null;
      this.ops++;
      const fmt = psStr(v);
      if (fmt === null) return this.fail();
      const args = Array.isArray(r) ? r : [psStr(r)];
      v = this.applyFormat(fmt, args);
    }
  }

  /** `"{1}{0}" -f 'ex','i'`: `{N}` (with optional `,align` / `:format`, ignored), `{{` and `}}`. */
  private applyFormat(fmt: string, args: (string | null)[]): PsVal {
    let out = '';
    for (let k = 0; k < fmt.length; k++) {
      const ch = fmt.charCodeAt(k);
      if (ch === 123 && fmt.charCodeAt(k + 1) === 123) {
        out += '{';
        k++;
      } else if (ch === 125 && fmt.charCodeAt(k + 1) === 125) {
        out += '}';
        k++;
      } else if (ch === 123) {
        let e = k + 1;
        let idx = 0;
        while (e < fmt.length && e < k + 4 && fmt.charCodeAt(e) >= 48 && fmt.charCodeAt(e) <= 57) idx = idx * 10 + fmt.charCodeAt(e++) - 48;
        if (e === k + 1) return this.fail();
        const close = fmt.indexOf('}', e);
        if (close === -1 || close - e > 8) return this.fail();
        const a = args[idx];
        if (a === undefined || a === null) return this.fail();
        out += a;
        k = close;
      } else out += fmt.charAt(k);
      if (out.length > PS_STR) return this.fail();
    }
    return out;
  }

  private list(): PsVal {
    const first = this.unary();
    this.skip();
    if (this.failed || this.c() !== 44) return first;
    const items: string[] = [];
    let v: PsVal = first;
    for (;;) {
      const sv = psStr(v);
      if (sv === null || items.length >= PS_ITEMS) return this.fail();
      items.push(sv);
      this.skip();
      if (this.c() !== 44) return items;
      this.i++;
      v = this.unary();
      if (this.failed) return null;
    }
  }

  private unary(): PsVal {
    this.skip();
    const op = this.dashOp();
    if (op === 'join') {
      this.i += 5;
      const v = this.unary();
      this.ops++;
      return this.join(v, '');
    }
    if (this.c() === 91) {
      // A cast: [char]105, [string]$VerbosePreference, [char[]]… (others are unknown).
      const close = this.find(93, 24);
      if (close === -1) return this.fail();
      const type = this.s.slice(this.i + 1, close).trim().toLowerCase();
      if (type === 'char' || type === 'string' || type === 'system.char' || type === 'system.string') {
        this.i = close + 1;
        const v = this.unary();
        if (this.failed) return null;
        this.ops++;
        if (type.endsWith('string')) return psStr(v);
        if (typeof v === 'string' && v.length === 1) return v;
        const code = typeof v === 'string' ? Number(v) : NaN;
        if (!Number.isInteger(code) || code < 1 || code > 0xffff) return this.fail();
        return String.fromCharCode(code);
      }
      return this.fail();
    }
    return this.postfix();
  }

  private postfix(): PsVal {
    let v = this.primary();
    for (;;) {
      if (this.failed) return null;
      const c = this.c(); // no blank: `$x [1]` is two arguments, `$x[1]` an index
      if (c === 91) {
        this.i++;
        const idx = this.indexList();
        if (idx === null) return this.fail();
        this.ops++;
        this.indexes++;
        v = this.index(v, idx);
      } else if (c === 46 && this.c(1) !== 46) {
        this.i++;
        let k = 0;
        while (k < 16 && psIsIdent(this.c(k))) k++;
        const m = this.s.slice(this.i, this.i + k).toLowerCase();
        this.i += k;
        v = this.member(v, m);
      } else return v;
    }
  }

  private member(v: PsVal, m: string): PsVal {
    const isVar = v !== null && typeof v === 'object' && !Array.isArray(v);
    if (m === 'name' || m === 'value') {
      if (!isVar) return this.fail();
      this.ops++;
      return m === 'name' ? (v as PsVar).name : (v as PsVar).value;
    }
    let args: string[] = [];
    if (this.c() === 40) {
      this.i++;
      this.skip();
      if (this.c() !== 41) {
        const a = this.list();
        if (this.failed) return null;
        args = Array.isArray(a) ? a : [psStr(a) ?? ''];
      }
      this.skip();
      if (this.c() !== 41) return this.fail();
      this.i++;
    }
    const sv = isVar ? null : psStr(v);
    if (sv === null) return this.fail();
    this.ops++;
    switch (m) {
      case 'tostring':
        return sv;
      case 'tolower':
      case 'tolowerinvariant':
        return sv.toLowerCase();
      case 'toupper':
      case 'toupperinvariant':
        return sv.toUpperCase();
      case 'trim':
        return sv.trim();
      case 'replace': {
        const [a, b] = args;
        if (a === undefined || b === undefined || a.length === 0) return this.fail();
        const r = sv.split(a).join(b);
        return r.length > PS_STR ? this.fail() : r;
      }
      default:
        return this.fail();
    }
  }

  /** `[4,15,25]`, `[1]`, `[-1..-3]`: integer literals, negatives and ranges. At the `[`'s inside. */
  private indexList(): number[] | null {
    const out: number[] = [];
    for (;;) {
      this.skip();
      const a = this.int();
      if (a === null) return null;
      this.skip();
      if (this.c() === 46 && this.c(1) === 46) {
        this.i += 2;
        this.skip();
        const b = this.int();
        if (b === null || Math.abs(b - a) >= PS_ITEMS) return null;
        const step = b >= a ? 1 : -1;
        for (let x = a; ; x += step) {
          out.push(x);
          if (x === b) break;
        }
      } else out.push(a);
      if (out.length > PS_ITEMS) return null;
      this.skip();
      const c = this.c();
      this.i++;
      if (c === 93) return out;
      if (c !== 44) return null;
    }
  }

  private int(): number | null {
    let neg = false;
    if (this.c() === 45) {
      neg = true;
      this.i++;
    }
    let wrapped = false;
    if (this.c() === 40) {
      // `-(3)`
      wrapped = true;
      this.i++;
    }
    let k = 0;
    let v = 0;
    while (k < 5 && this.c(k) >= 48 && this.c(k) <= 57) v = v * 10 + this.c(k++) - 48;
    if (k === 0) return null;
    this.i += k;
    if (wrapped) {
      if (this.c() !== 41) return null;
      this.i++;
    }
    return neg ? -v : v;
  }

  private index(v: PsVal, idx: number[]): PsVal {
    let src: string | string[];
    if (typeof v === 'string') src = v;
    else if (Array.isArray(v)) src = v;
    else return this.fail();
    const out: string[] = [];
    for (const x of idx) {
      const j = x < 0 ? src.length + x : x;
      if (j < 0 || j >= src.length) return this.fail(); // PowerShell yields $null; no builder relies on it
      out.push(typeof src === 'string' ? src.charAt(j) : (src[j] as string));
    }
    return out.length === 1 ? (out[0] as string) : out;
  }

  private join(v: PsVal, sep: string | null): PsVal {
    if (sep === null || v === null) return this.fail();
    if (typeof v === 'string') return v;
    if (!Array.isArray(v)) return this.fail();
    const r = v.join(sep);
    return r.length > PS_STR ? this.fail() : r;
  }

  /** `-replace 'a','b'` with a pattern free of regex syntax: literal, case-insensitive unless `-creplace`. */
  private replace(v: PsVal, r: PsVal, cs: boolean): PsVal {
    const sv = psStr(v);
    const args = Array.isArray(r) ? r : [psStr(r)];
    const pat = args[0];
    const rep = args.length > 1 ? args[1] : '';
    if (sv === null || pat === null || pat === undefined || rep === null || rep === undefined || pat.length === 0) return this.fail();
    for (let k = 0; k < pat.length; k++) if ('\\^$.|?*+()[]{}'.indexOf(pat.charAt(k)) !== -1) return this.fail();
    if (rep.indexOf('$') !== -1) return this.fail();
    let out = '';
    const hay = cs ? sv : sv.toLowerCase();
    const needle = cs ? pat : pat.toLowerCase();
    let from = 0;
    for (let k = hay.indexOf(needle); k !== -1; k = hay.indexOf(needle, from)) {
      out += sv.slice(from, k) + rep;
      from = k + needle.length;
      if (out.length > PS_STR) return this.fail();
    }
    return out + sv.slice(from);
  }

  private primary(): PsVal {
    this.skip();
    const c = this.c();
    if (c === 39 || c === 0x2018 || c === 0x2019) return this.single();
    if (c === 34 || c === 0x201c || c === 0x201d) return this.double();
    if (c === 40 || (c === 64 && this.c(1) === 40)) {
      this.i += c === 64 ? 2 : 1;
      this.skip();
      const cmd = this.command();
      const v = cmd === undefined ? this.expr() : cmd;
      this.skip();
      if (this.failed || this.c() !== 41) return this.fail();
      this.i++;
      return v;
    }
    if (c === 36) return this.variable();
    if (c >= 48 && c <= 57) {
      let k = 0;
      while (k < 6 && this.c(k) >= 48 && this.c(k) <= 57) k++;
      const v = this.s.slice(this.i, this.i + k);
      this.i += k;
      return v;
    }
    return this.fail();
  }

  /** Inside `(`: `gv '*mdr*'` / `Get-Variable '*mdr*'` / `variable …`, or undefined when no such command. */
  private command(): PsVal | undefined {
    let k = 0;
    while (k < 13 && (psIsIdent(this.c(k)) || this.c(k) === 45)) k++;
    const w = this.s.slice(this.i, this.i + k).toLowerCase();
    if (w !== 'gv' && w !== 'get-variable' && w !== 'variable') return undefined;
    if (!psBlank(this.c(k))) return undefined;
    this.i += k;
    this.skip();
    const p = this.unary();
    if (this.failed || typeof p !== 'string' || p.length > 16) return this.fail();
    let found: string | undefined;
    for (const name of PS_AUTOMATIC) {
      if (!psWildcard(p, name)) continue;
      if (found !== undefined) return this.fail(); // several variables: an array of them, not modelled
      found = name;
    }
    if (found === undefined) return this.fail();
    this.knownReads++; // a variable's name, to cut letters out of
    return { name: found, value: PS_KNOWN.get(found.toLowerCase()) ?? '' };
  }

  private variable(): PsVal {
    this.i++;
    let name: string;
    if (this.c() === 123) {
      const close = this.find(125, 40);
      if (close === -1) return this.fail();
      name = this.s.slice(this.i + 1, close);
      this.i = close + 1;
    } else {
      let k = 0;
      while (k < 40 && (psIsIdent(this.c(k)) || (this.c(k) === 58 && psIsIdent(this.c(k + 1))))) k++;
      name = this.s.slice(this.i, this.i + k);
      this.i += k;
    }
    const v = PS_KNOWN.get(name.toLowerCase());
    if (v === undefined) return this.fail();
    this.knownReads++;
    return v;
  }

  private single(): PsVal {
    let out = '';
    this.i++;
    for (;;) {
      if (this.i >= this.end) return this.fail();
      const c = this.s.charCodeAt(this.i);
      if (c === 39 || c === 0x2018 || c === 0x2019) {
        if (this.c(1) === c) {
          out += "'";
          this.i += 2;
          continue;
        }
        this.i++;
        return out;
      }
      out += this.s.charAt(this.i++);
      if (out.length > PS_STR) return this.fail();
    }
  }

  private double(): PsVal {
    let out = '';
    this.i++;
    for (;;) {
      if (this.i >= this.end) return this.fail();
      const c = this.s.charCodeAt(this.i);
      if (c === 34 || c === 0x201c || c === 0x201d) {
        if (this.c(1) === c) {
          out += '"';
          this.i += 2;
          continue;
        }
        this.i++;
        return out;
      }
      if (c === 36 && (psIsIdent(this.c(1)) || this.c(1) === 123 || this.c(1) === 40)) return this.fail(); // interpolation
      if (c === 96) {
        const e = this.c(1);
        this.i += 2;
        // Escapes `0 `a `b `e `f `n `r `t `v; a backtick before any other character is that character.
        if (Number.isNaN(e)) return this.fail();
        out += PS_ESCAPES.get(e) ?? String.fromCharCode(e);
        continue;
      }
      out += this.s.charAt(this.i++);
      if (out.length > PS_STR) return this.fail();
    }
  }
}

/**
 * The command name a PowerShell expression in s[from, to) builds, when the whole span evaluates to a
 * string by at least one building step; otherwise undefined. `sliced` reports whether letters were
 * cut out of a fixed-value variable (the Invoke-Obfuscation signature).
 */
function psBuiltCommand(s: string, from: number, to: number, whole: boolean): { name: string; sliced: boolean } | undefined {
  if (to - from > PS_SPAN) return undefined;
  const ev = new PsExpr(s, from, to);
  const v = ev.expr();
  if (ev.failed || typeof v !== 'string' || ev.ops === 0) return undefined;
  if (whole) {
    while (ev.i < to && psBlank(s.charCodeAt(ev.i))) ev.i++;
    if (ev.i < to) return undefined;
  }
  const name = v.trim();
  if (name.length === 0 || name.length > 40) return undefined;
  const lower = name.toLowerCase();
  if (lookupName(name) === 0 && !isBinPath(lower) && !isWinExecPath(lower)) return undefined;
  return { name, sliced: ev.knownReads > 0 && ev.indexes > 0 };
}

/** Evaluations per value for powershellBuiltName: each reads at most PS_SPAN characters. */
const PS_MAX_EVALS = 8;

/**
 * A fixed-value variable sliced into a command name outside any call operator:
 * `$env:ComSpec[4,15,25]-join''`, `$ShellId[1]+$ShellId[13]+'x'`, `([string]$VerbosePreference)[1,3]+'x'-join''`.
 * No script has a use for the letters of `$env:ComSpec` picked by index; it is how `iex` is spelled
 * when `iex` is filtered. Each `$` is looked at once (its name read over at most 40 characters); for
 * the first PS_MAX_EVALS that name a PS_KNOWN variable the expression is evaluated from the `$` and
 * from the opening parentheses or casts right before it (a look-back of at most 48 characters).
 */
function powershellBuiltName(value: string): Detection | undefined {
  let evals = 0;
  for (let d = value.indexOf('$'); d !== -1 && evals < PS_MAX_EVALS; d = value.indexOf('$', d + 1)) {
    let k = d + 1;
    if (value.charCodeAt(k) === 123) k++;
    const a = k;
    while (k < value.length && k - a < 40 && (psIsIdent(value.charCodeAt(k)) || value.charCodeAt(k) === 58)) k++;
    if (!PS_KNOWN.has(value.slice(a, k).toLowerCase())) continue;
    // The leftmost `(`, `@(` or `[type]` cast directly before the `$`, over blanks.
    let start = d;
    for (let b = d - 1; b >= 0 && d - b <= 48; b--) {
      const c = value.charCodeAt(b);
      if (c === 40 || c === 64) start = b;
      else if (c === 93) {
        let o = b - 1;
        while (o >= 0 && d - o <= 48 && value.charCodeAt(o) !== 91) o--;
        if (o < 0 || d - o > 48) break;
        start = o;
        b = o;
      } else if (!psBlank(c)) break;
    }
    for (const from of start === d ? [d] : [start, d]) {
      evals++;
      const r = psBuiltCommand(value, from, Math.min(value.length, from + PS_SPAN), false);
      if (r !== undefined && r.sliced) {
        return { rule: 'shell.powershell', confidence: 'high', reason: `A PowerShell expression spells the command '${short(r.name)}' with letters cut out of a variable.` };
      }
    }
  }
  return undefined;
}

/** PowerShell variable scopes and drives: `$env:Path`, `$global:x`, `$script:y`. */
const PS_SCOPES: ReadonlySet<string> = new Set(['env', 'global', 'script', 'local', 'private', 'using', 'variable', 'function', 'alias']);

/**
 * A word that is a PowerShell scoped variable (`$env:Path`, `$global:Count`): to the lexer `$env`
 * and the text `:Path`, but no shell runs `:Path` as `Path` (the colon stays part of the word), so
 * the letters left after the expansion (`Path`, a cmd.exe command) name nothing.
 */
function psScopedVar(norm: string, flags: number, firstVar: string): boolean {
  return (flags & W_VAR) !== 0 && norm.charCodeAt(0) === 58 && PS_SCOPES.has(firstVar.toLowerCase());
}

/** `8.5.0`, `3.11`: digits with at least one dot. */
function isVersion(w: string): boolean {
  let dots = 0;
  for (let k = 0; k < w.length; k++) {
    const c = w.charCodeAt(k);
    if (c === 46) {
      if (k === 0 || w.charCodeAt(k - 1) === 46) return false;
      dots++;
    } else if (c < 48 || c > 57) return false;
  }
  // Three dots is an IPv4 address (`curl 10.0.0.1`), not a version.
  return dots > 0 && dots <= 2 && w.charCodeAt(w.length - 1) !== 46;
}

/** `3.10+`, `8.2`: a version with an optional trailing `+`. */
function isVersionish(w: string): boolean {
  return isVersion(w.charCodeAt(w.length - 1) === 43 ? w.slice(0, -1) : w);
}

/**
 * The value's first line is one address-like token (`127.0.0.1`, `example.com`, `host:80`,
 * `file.txt`): the argument a `ping`/`nslookup`/`cat` sink expects, so the next line is the attacker's.
 */
function firstLineIsArgument(s: string): boolean {
  const nl = s.indexOf('\n');
  if (nl <= 0 || nl > 256) return false;
  let mark = false;
  for (let k = 0; k < nl; k++) {
    const c = s.charCodeAt(k);
    if (c === 46 || c === 58 || c === 47) mark = true;
    else if (c === 13 && k === nl - 1) continue;
    else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95 || c === 91 || c === 93)) return false;
  }
  // A line that ends in its colon is a heading (`Items:`, `Ingredients:`), not `host:80`: the list
  // under it ("Items:\nsalt\ndate") names things, which the newline rules judge as text.
  let last = nl - 1;
  if (s.charCodeAt(last) === 13) last--;
  if (s.charCodeAt(last) === 58) return false;
  return mark;
}

/**
 * `value.indexOf('```') !== -1`. The native search stops at every backtick (~1.4 µs/KB where one
 * comes every few characters: `` `\'( `` repeated, ~18% of the detector there). Where the first two
 * backticks stand within 8 characters, every third character is read instead, from the first
 * backtick: three backticks in a row cover every residue mod 3, so one of them is read, and the runs
 * through it are checked (the characters before the first backtick are none). ~0.7 µs/KB whatever
 * the density; otherwise (backticks far apart: prose with a code span) the native search, as before.
 */
function hasFence(value: string): boolean {
  const n = value.length;
  const first = value.indexOf('`');
  if (first === -1) return false;
  const second = value.indexOf('`', first + 1);
  if (second === -1) return false;
  if (second - first > 8) return value.indexOf('```', first) !== -1;
  for (let k = first; k < n; k += 3) {
    if (value.charCodeAt(k) !== 96) continue;
    // Runs of three through k: [k-2, k], [k-1, k+1], [k, k+2]; reads stay inside [first, n).
    const p1 = k - 1 >= first && value.charCodeAt(k - 1) === 96;
    const n1 = k + 1 < n && value.charCodeAt(k + 1) === 96;
    if (p1 && (n1 || (k - 2 >= first && value.charCodeAt(k - 2) === 96))) return true;
    if (n1 && k + 2 < n && value.charCodeAt(k + 2) === 96) return true;
  }
  return false;
}

/** Runs of three or more backticks, and the word right after one (a fence's language label), as blanks. */
function withoutFences(value: string): string {
  let out = '';
  let from = 0;
  let i = value.indexOf('```');
  while (i !== -1) {
    let e = i;
    while (e < value.length && value.charCodeAt(e) === 96) e++;
    while (e < value.length && isFenceLabelChar(value.charCodeAt(e))) e++;
    out += value.slice(from, i) + ' '.repeat(e - i);
    from = e;
    i = value.indexOf('```', e);
  }
  return out + value.slice(from);
}

function isFenceLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 95 || c === 35;
}

/**
 * The first `<` of `value` at or after `k`, or -1. The next 16 characters are read here, then one
 * native search: a native call costs about what 8-10 character reads do, and on dense markup (`</a>x`
 * repeated, a tag every 5 characters) one per tag was ~30% of withoutTags. Each character is read once.
 */
function nextLt(value: string, k: number): number {
  const n = value.length;
  const lim = k + 16 < n ? k + 16 : n;
  for (; k < lim; k++) if (value.charCodeAt(k) === 60) return k;
  return lim < n ? value.indexOf('<', lim) : -1;
}

function withoutTags(value: string): string | undefined {
  let out = '';
  let from = 0;
  let closing = false;
  // Past 64 tags the text goes into a code-unit buffer, turned into one flat string at the end:
  // `out +=` per tag built a rope of a piece per tag (1 MB of `</a>x`: 400 K) that the passes then
  // flattened, and its garbage (~4 µs/KB of the detector's 26 on such runs). utf16le keeps every
  // code unit as it is, lone surrogates included. Values with fewer tags never allocate it.
  let tags = 0;
  let i = value.indexOf('<');
  while (i !== -1) {
    const end = tagEnd(value, i);
    if (end === -1) {
      i = value.indexOf('<', i + 1);
      continue;
    }
    if (value.charCodeAt(i + 1) === 47) closing = true;
    if (++tags > 64) return buffered(value, out, from, i, end, closing);
    out += value.slice(from, i) + ' ';
    from = end;
    i = nextLt(value, end);
  }
  if (!closing) return undefined;
  return out + value.slice(from);
}

/**
 * withoutTags past its 64th tag (at `i`, ending at `end`; `out` and value[from, i) are the text before
 * it): the rest in one walk that copies each character into the buffer as it reads it and tries a tag
 * at each `<`, so each character is read once (the search for the next `<`, then the copy, read each
 * twice: dense markup, `</a>x` repeated, spent ~55% of the detector in withoutTags).
 */
function buffered(value: string, out: string, from: number, i: number, end: number, closing: boolean): string | undefined {
  const n = value.length;
  const buf = new Uint16Array(n);
  let nb = 0;
  for (let k = 0; k < out.length; k++) buf[nb++] = out.charCodeAt(k);
  for (let k = from; k < i; k++) buf[nb++] = value.charCodeAt(k);
  buf[nb++] = 32;
  let k = end;
  while (k < n) {
    const c = value.charCodeAt(k);
    if (c === 60) {
      const e = tagEnd(value, k);
      if (e !== -1) {
        if (value.charCodeAt(k + 1) === 47) closing = true;
        buf[nb++] = 32;
        k = e;
        continue;
      }
    }
    buf[nb++] = c;
    k++;
  }
  if (!closing) return undefined;
  return Buffer.from(buf.buffer, 0, nb * 2).toString('utf16le');
}

// ---------------------------------------------------------------------------------------------------
// Pre-scan: can any rule fire at all?
// ---------------------------------------------------------------------------------------------------
//
// Header values and form fields often hold `;`, `(`, `,` or `/` (`Mozilla/5.0 (X11; Linux x86_64) …`,
// `application/json, text/plain, */*`, `en-US,en;q=0.9`) and reach the lexer passes below, which
// build a normalised string per word. Every finding, though, needs either a shell character that
// only shell syntax uses (`$ \` \\ { ^ < > %`, a line break, a glob in a `/`-path), or a word the
// command tables know. The pre-scan is one allocation-free pass that proves neither is present; when
// it cannot, the passes run exactly as before.
//
// Command-likeness, over-approximated: every way `lookupName` (and the path checks) can accept a
// normalised word needs the first [a-z0-9_] run of a table name (or that run plus version digits) to
// be a run of the word: exact and case-insensitive names, `.exe`/`.bat` suffixes, version suffixes
// (`python3.11`), `-tail` variants, `./name`, `name/switch`; `/bin/…` paths need `bin`, `sbin` or
// `libexec`; drive paths need `X:/`; the cmd.exe IF tests need `exist`, `defined` or `errorlevel`
// (FOR needs `%`). The PowerShell call operator joins names from pieces (`& ('i'+'ex')`): a `(`
// after `&` or a lone `.` always runs the passes. Quotes can glue runs (`c'a't` is `cat`, and inside quotes the
// norm keeps blanks): a run with one quote inside is checked both split and joined; more quotes, or
// quotes with globs in a value holding a `/` (the glob-path rule's), go to the full passes.

/** First-run flags: the run names a command, or does so only when `-` follows (`apt-get`). */
const CR_PLAIN = 1;
const CR_HYPH = 2;

/**
 * Case-folded FNV-1a over s[a, b), skipping quote characters, backslashes and backticks (a run glued
 * across a quote, an escape or a PowerShell tick: mayFind's `bsl` and `tick` modes). Table names hold
 * none of them.
 */
function runHash(s: string, a: number, b: number): number {
  let h = -2128831035;
  for (let i = a; i < b; i++) {
    let c = s.charCodeAt(i);
    if (c === 39 || c === 34 || c === 92 || c === 96) continue;
    if (c >= 65 && c <= 90) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/** Run hash -> CR_* flags. Open addressing over typed arrays, read-only after module load. */
const CMD_KEYS = new Int32Array(2048);
const CMD_FLAGS = new Uint8Array(2048);

function cmdFlags(h: number): number {
  let i = h & 2047;
  for (;;) {
    const f = CMD_FLAGS[i] as number;
    if (f === 0 || CMD_KEYS[i] === h) return f;
    i = (i + 1) & 2047;
  }
}

/**
 * Signature filter in front of the table: (length, first, second and last character) of every
 * first run, in a 64 Ki-entry byte map. Most words miss it after four character loads, unhashed.
 */
const CMD_SIG = new Uint8Array(65536);

function runSig(s: string, a: number, b: number): number {
  const x = ((b - a) << 21) ^ ((s.charCodeAt(a) | 0x20) << 14) ^ ((s.charCodeAt(a + 1) | 0x20) << 7) ^ (s.charCodeAt(b - 1) | 0x20);
  return Math.imul(x, 0x9e3779b1) >>> 16;
}

/**
 * A second, independent signature (length, first, middle and second-to-last character, another
 * multiplier) checked after a first-signature hit: ordinary words that collide with a command in the
 * first map (`Cotton`) almost never collide in both, and skip the hash.
 */
const CMD_SIG2 = new Uint8Array(65536);

function runSig2(s: string, a: number, b: number): number {
  const len = b - a;
  const x =
    (len << 21) ^
    ((s.charCodeAt(len > 1 ? b - 2 : a) | 0x20) << 14) ^
    ((s.charCodeAt(a + (len >> 1)) | 0x20) << 7) ^
    (s.charCodeAt(a) | 0x20);
  return Math.imul(x, 0x85ebca6b) >>> 16;
}

/** Both signatures of s[a, b) are those of some table run. */
function sigHit(s: string, a: number, b: number): boolean {
  return CMD_SIG[runSig(s, a, b)] === 1 && CMD_SIG2[runSig2(s, a, b)] === 1;
}

function isRunChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

// The command tables as written out (src/detectors/shell-tables.ts, from buildCmdTables by
// `node scripts/check-tables.js --write`; the build's check and the tables test rebuild them from TABLE
// and compare): building them here at every cold start (418 names scanned and hashed, four typed-array
// stores each, plus the LETTERLESS_RUN scan) was ~6 M instructions of the module's load.
(() => {
  const at = unpackU16(SHELL_TABLES.cmd.at);
  scatter(CMD_KEYS, at, unpackI32(SHELL_TABLES.cmd.keys));
  scatter(CMD_FLAGS, at, unpackU8(SHELL_TABLES.cmd.flags));
  scatter(CMD_SIG, unpackU16(SHELL_TABLES.cmd.sig), 1);
  scatter(CMD_SIG2, unpackU16(SHELL_TABLES.cmd.sig2), 1);
})();

/** The command tables from TABLE (the one source of truth; not run at load: see above). */
function buildCmdTables(): { CMD_KEYS: Int32Array; CMD_FLAGS: Uint8Array; CMD_SIG: Uint8Array; CMD_SIG2: Uint8Array; LETTERLESS_RUN: boolean } {
  const CMD_KEYS = new Int32Array(2048);
  const CMD_FLAGS = new Uint8Array(2048);
  const CMD_SIG = new Uint8Array(65536);
  const CMD_SIG2 = new Uint8Array(65536);
  const add = (run: string, f: number, h = runHash(run, 0, run.length)): void => {
    let i = h & 2047;
    while (CMD_FLAGS[i] !== 0 && CMD_KEYS[i] !== h) i = (i + 1) & 2047;
    CMD_KEYS[i] = h;
    CMD_FLAGS[i] = (CMD_FLAGS[i] as number) | f;
    CMD_SIG[runSig(run, 0, run.length)] = 1;
    CMD_SIG2[runSig2(run, 0, run.length)] = 1;
  };
  // Each name's first run is found and hashed in one pass here (isRunChar's test and runHash's case-folded
  // FNV-1a: a run holds none of the characters runHash skips). The test checks the tables against
  // runHash and isRunChar.
  for (const name of TABLE.keys()) {
    let e = 0;
    let h = -2128831035;
    for (; e < name.length; e++) {
      const c = name.charCodeAt(e);
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) break;
      h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 0x20 : c), 0x01000193);
    }
    if (e === 0) continue;
    add(name.slice(0, e), e < name.length && name.charCodeAt(e) === 45 ? CR_HYPH : CR_PLAIN, h);
  }
  // `/bin/…` paths; `phpinfo(`; the words that take a cmd.exe IF to a finding (`if exist c:\x`,
  // `if errorlevel 1`, `if defined x cmd`). FOR needs a `%var`, and `%` always runs the passes.
  for (const w of ['bin', 'sbin', 'libexec', 'phpinfo', 'exist', 'defined', 'errorlevel']) add(w, CR_PLAIN);
  let LETTERLESS_RUN = false;
  for (const name of TABLE.keys()) {
    let e = 0;
    for (; e < name.length; e++) {
      const c = name.charCodeAt(e);
      // isRunChar's test, inline (see the CMD table above).
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) break;
    }
    if (e > 0 && !hasLetter(name, 0, e)) LETTERLESS_RUN = true;
  }
  return { CMD_KEYS, CMD_FLAGS, CMD_SIG, CMD_SIG2, LETTERLESS_RUN };
}

/** Some first run of a table name (or an added word) has no ASCII letter (see mayFind). Written out. */
const LETTERLESS_RUN: boolean = SHELL_TABLES.letterless;

/** For the tables' equivalence test (test/detectors/shell-injection-tables.test.ts) only. */
export const LOAD_TABLES_FOR_TEST = { TABLE, CMD_KEYS, CMD_FLAGS, CMD_SIG, CMD_SIG2, LETTERLESS_RUN, CR_PLAIN, CR_HYPH, runHash, runSig, runSig2, isRunChar, hasLetter };

/**
 * For scripts/check-tables.js and the tables test: the written tables as loaded and as built from
 * TABLE; the two must be equal.
 */
export const SHELL_TABLES_FOR_CHECK = {
  loaded: (): Record<string, unknown> => ({ CMD_KEYS, CMD_FLAGS, CMD_SIG, CMD_SIG2, LETTERLESS_RUN, KEY_PAIR, KEY_ONE }),
  build: (): Record<string, unknown> => {
    const { pair, one } = buildKeyPrefix();
    return { ...buildCmdTables(), KEY_PAIR: pair, KEY_ONE: one };
  },
};

/** s[a, b) holds an ASCII letter. */
function hasLetter(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k) | 0x20;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** Scan classes: run characters, blanks and separators (word starts), quotes, glob, `:`, specials. */
const Q_RUN = 1;
const Q_BOUND = 2;
const Q_QUOTE = 3;
const Q_GLOB = 4;
const Q_COLON = 5;
const Q_SPECIAL = 6;
const Q_PLAIN = 7;
const QCLASS = new Uint8Array(65536);
(() => {
  QCLASS.fill(Q_PLAIN);
  for (let c = 0; c < 128; c++) if (isRunChar(c)) QCLASS[c] = Q_RUN;
  for (const ch of ' \t\x0b\x0c+;&|()') QCLASS[ch.charCodeAt(0)] = Q_BOUND;
  QCLASS[39] = QCLASS[34] = Q_QUOTE;
  for (const ch of '*?[') QCLASS[ch.charCodeAt(0)] = Q_GLOB;
  QCLASS[58] = Q_COLON;
  for (const ch of '$`\\{^<>%\n\r') QCLASS[ch.charCodeAt(0)] = Q_SPECIAL;
})();

const SUFFIXES = ['downloadstring', 'downloadfile', 'frombase64string'];

/** The run s[a, b) (contiguous) ends with one of the .NET download/decode method names. */
function hasCradleSuffix(s: string, a: number, b: number): boolean {
  if (b - a < 12) return false;
  for (const suf of SUFFIXES) {
    const k = b - suf.length;
    if (k < a) continue;
    let j = 0;
    while (j < suf.length && (s.charCodeAt(k + j) | 0x20) === suf.charCodeAt(j)) j++;
    if (j === suf.length) return true;
  }
  return false;
}

/**
 * Whether the contiguous run s[a, b) may name a command (`next`: the code after it); `alphaEnd` is the
 * end of its last non-digit character, for version suffixes (`python3`, `gcc7`).
 */
function runMayName(s: string, a: number, b: number, alphaEnd: number, next: number): boolean {
  // Runs of one or two characters (most runs of dense punctuation: `\x(`, `a: b&`, `x:/&0`) answer
  // from SHORT_RUN, one load, instead of two signatures and a hash: ~20% of mayFind's time on them.
  if (b - a === 1 && ONE_RUN_NEVER) return false;
  if (b - a === 2) {
    const r = SHORT_RUN[(s.charCodeAt(a) << 7) | s.charCodeAt(a + 1)] as number;
    return r === SR_TRUE || (r === SR_HYPH && (next === 45 || next === 39 || next === 34));
  }
  return runMayNameAt(s, a, b, alphaEnd, next);
}

/** runMayName without its short-run tables (which are built from it). */
function runMayNameAt(s: string, a: number, b: number, alphaEnd: number, next: number): boolean {
  if (b - a >= 12 && hasCradleSuffix(s, a, b)) return true;
  if (b - a > 40) return false; // lookupName reads names of at most 40 characters
  if (sigHit(s, a, b)) {
    const f = cmdFlags(runHash(s, a, b));
    if (f & CR_PLAIN || (f & CR_HYPH && (next === 45 || next === 39 || next === 34))) return true;
  }
  return alphaEnd < b && alphaEnd > a && sigHit(s, a, alphaEnd) && (cmdFlags(runHash(s, a, alphaEnd)) & CR_PLAIN) !== 0;
}

/**
 * runMayNameAt's answers for every run of two characters, by (first << 7 | second): SR_TRUE, SR_HYPH
 * (true when `-` or a quote follows) or 0. Built from runMayNameAt itself (buildShortRun), with
 * `alphaEnd` as every caller computes it (the end of the last character above `9`), so the answers
 * are the same: both signatures of a two-character run and of its one-character prefix read inside
 * the run, and `next` is read by the CR_HYPH test alone. 16 KB.
 */
const SHORT_RUN = new Uint8Array(128 * 128);
const SR_TRUE = 1;
const SR_HYPH = 2;
/**
 * No one-character run may name anything (runMayNameAt is false whatever follows): no table run has
 * one character, checked at load over all of them (should a one-character run ever hash to a table
 * run, this is false and runMayNameAt answers for them, as before).
 */
let ONE_RUN_NEVER = true;

/**
 * SHORT_RUN's non-zero entries, as the two characters of each run, written out here instead of
 * computed at load. Why: buildShortRun calls runMayNameAt ~7,900 times (every pair of run
 * characters, twice for most), which made V8 optimize runSig, sigHit and runMayNameAt with TurboFan
 * at every cold start (~9 ms of a compile thread, with the calls themselves ~6 ms of the bench
 * bundle's load CPU on a loaded machine); decoding these 126 pairs costs ~0.01 ms.
 * Kept equal to buildShortRun by `npm run build` (scripts/check-tables.js fails the build and prints
 * the new strings when they differ: e.g. a two-letter command added to TABLE) and by
 * test/detectors/shell-injection-tables.test.ts.
 */
const SHORT_RUN_TRUE =
  '7Z7zATAtBCBcCCCDCPCcCdCpDCDDDODcDdDoEDEXEdExGIGiIDIPIdIpLNLSLnLsMDMVMdMvNCNLNcNlODOdPSPsRDRMRdRmSCSHSSSUScShSsSuTRTrVIViWCWcXZXz' +
  'aTatbCbccCcDcPcccdcpdCdDdOdcdddoeDeXedexgIgiiDiPidiplNlSlnlsmDmVmdmvnCnLncnloDodpSpsrDrMrdrmsCsHsSsUscshsssutRtrvIviwCwcxZxz';
const SHORT_RUN_HYPH = '';

function runChars(): number[] {
  const out: number[] = [];
  for (let c = 0; c < 128; c++) if (isRunChar(c)) out.push(c);
  return out;
}

(() => {
  // 63 runHash calls: ONE_RUN_NEVER stays computed from the table itself.
  for (const c of runChars()) if (cmdFlags(runHash(String.fromCharCode(c), 0, 1)) !== 0) ONE_RUN_NEVER = false;
  for (let i = 0; i + 1 < SHORT_RUN_TRUE.length; i += 2) SHORT_RUN[(SHORT_RUN_TRUE.charCodeAt(i) << 7) | SHORT_RUN_TRUE.charCodeAt(i + 1)] = SR_TRUE;
  for (let i = 0; i + 1 < SHORT_RUN_HYPH.length; i += 2) SHORT_RUN[(SHORT_RUN_HYPH.charCodeAt(i) << 7) | SHORT_RUN_HYPH.charCodeAt(i + 1)] = SR_HYPH;
})();

/** SHORT_RUN as runMayNameAt answers it (what SHORT_RUN_TRUE / SHORT_RUN_HYPH must encode). */
function buildShortRun(): Uint8Array {
  const table = new Uint8Array(128 * 128);
  const chars = runChars();
  for (const c1 of chars) {
    for (const c2 of chars) {
      const t = String.fromCharCode(c1, c2);
      const alphaEnd = c2 > 57 ? 2 : c1 > 57 ? 1 : 0;
      table[(c1 << 7) | c2] = runMayNameAt(t, 0, 2, alphaEnd, NaN) ? SR_TRUE : runMayNameAt(t, 0, 2, alphaEnd, 45) ? SR_HYPH : 0;
    }
  }
  return table;
}

/** For scripts/check-tables.js and the tables test: the written table and how it is built. */
export const SHORT_RUN_FOR_CHECK = { SHORT_RUN, SR_TRUE, SR_HYPH, buildShortRun };

/** A run glued across one quote (`O'Neil`, `c'at`): joined text checked; no cradle suffix spans it. */
function joinedMayName(s: string, a: number, b: number, next: number): boolean {
  if (b - a >= 16) return true;
  const f = cmdFlags(runHash(s, a, b));
  if (f & CR_PLAIN || (f & CR_HYPH && next === 45)) return true;
  let e = b;
  while (e > a && ((s.charCodeAt(e - 1) >= 48 && s.charCodeAt(e - 1) <= 57) || s.charCodeAt(e - 1) === 39 || s.charCodeAt(e - 1) === 34 || s.charCodeAt(e - 1) === 92 || s.charCodeAt(e - 1) === 96)) e--;
  return e < b && e > a && (cmdFlags(runHash(s, a, e)) & CR_PLAIN) !== 0;
}

/** mayFind modes for backslashes: none (any backslash answers true), a value without quotes, with. */
const BSL_NONE = 0;
const BSL_BARE = 1;
const BSL_QUOTED = 2;

/**
 * mayFind's `bsl` modes: the backslash at `i` escapes a run character that stays one in the word's
 * norm, glued to the run before it (`c\at` is `cat`, `\x` is `x`). Not `\n` / `\r` (a literal
 * newline separator to the lexer, which may cut a word in two: `x\nid`), not `\033[` (a terminal
 * sequence the lexer skips, letters included), nor a backslash before anything else or at the end.
 * With quotes (BSL_QUOTED) a digit only: an escaped letter makes the lexer project the letters of its
 * whole word (projectionMay), whose extent quotes hide from this scan; an escaped digit stays in the
 * norm, and a norm with a digit projects nothing (Pass.onCommandWord). Inside quotes (the quote-context
 * passes) the backslash is kept in the norm instead, splitting the run there: each piece is checked
 * on its own as well as joined, as for quotes.
 */
function bslGlue(v: string, i: number, n: number, bsl: number): boolean {
  if (i + 1 >= n) return false;
  const c1 = v.charCodeAt(i + 1);
  // (QCLASS: isRunChar's answer in one load, for the ASCII and every other code unit.)
  if (bsl === BSL_QUOTED ? !(c1 >= 48 && c1 <= 57) : QCLASS[c1] !== Q_RUN || c1 === 110 || c1 === 114) return false;
  return !(c1 === 48 && v.charCodeAt(i + 2) === 51 && v.charCodeAt(i + 3) === 51 && v.charCodeAt(i + 4) === 91);
}

/**
 * mayFind's `bsl` mode: the word v[a, b) holds an escape of a letter, so the lexer flags it
 * W_BACKSLASH and Pass.onCommandWord projects its letters (lettersOnly: `\w-h-o-a-m-i` is `whoami`).
 * Whether that projection may name a command: two letters or more whose case-folded hash is a whole
 * table run (every pure-letter table name is one, CR_PLAIN; a collision only answers true). The
 * lexer's own limits (a norm of at most 32 characters, no digit in it) are not applied: true more
 * often, never less. Read only for words with such an escape.
 */
function projectionMay(v: string, a: number, b: number): boolean {
  let h = -2128831035;
  let len = 0;
  for (let k = a; k < b; k++) {
    let c = v.charCodeAt(k);
    if (c >= 65 && c <= 90) c |= 0x20;
    else if (!(c >= 97 && c <= 122)) continue;
    h = Math.imul(h ^ c, 0x01000193);
    len++;
  }
  return len > 1 && (cmdFlags(h) & CR_PLAIN) !== 0;
}

/**
 * mayFind, at a `^` followed by `c` (NaN: the value's end). Before a lexer word boundary
 * (tokenizers/shell.ts isWordBoundary: a blank, `;`, `&`, `|`, `<`, `>`, `(`, `)`, a backtick, a line
 * break or the end) the lexer appends the caret to its word as a plain character (no W_CARET: only a
 * caret before anything else is cmd.exe's escape, dropped, with the word's letters projected), and
 * inside quotes, in any pass, it is a literal as well. No rule reads a `^` in a norm (no table name
 * holds one), so it is read as a plain character of its word. (`<`, `>`, a backtick or a line break
 * after it answer true on their own, next, in detect()'s gate or here.) Any other caret answers true.
 */
function caretPlainBefore(c: number): boolean {
  return Number.isNaN(c) || isLexBlank(c) || c === 59 || c === 38 || c === 124 || c === 40 || c === 41 || c === 60 || c === 62 || c === 96 || c === 10 || c === 13;
}

/**
 * mayFind's BSL_QUOTED mode: a backslash before `;`, `&` or `|`. To the lexer that pair is never a
 * separator and then a word of its own: unquoted, it is an escape whose character is appended to the
 * word (no W_BACKSLASH: not an identifier character); inside single or double quotes (either kind of
 * pass) both are literal text; in a Windows path word (winPath: its norm starts with `%`, `X:` or
 * `\\`) the backslash is literal and the separator ends the word. So the backslash is a plain
 * character of its word and the separator is read as mayFind reads one (a boundary): a word it does
 * not end is read as two, each run checked on its own, which loses nothing for the run tests (no
 * table name holds `;`, `&` or `|`), and with quotes in the value no letter projection is pending (an
 * escaped letter answered true) and any glob answers true at the end (`quotes && glob`, in a value
 * holding the `/` a glob path needs). Without
 * quotes (BSL_BARE) such an escape still answers true: a projection may span the glued word.
 */
function bslSep(c: number): boolean {
  return c === 59 || c === 38 || c === 124;
}

/**
 * mayFind's `bsl` mode, at a drive `X:/` whose `/` is at `i`: the word goes on, to its end (a Q_BOUND
 * character or the end), with run characters, `/` and `:` only. Then its norm is that text (no quote,
 * escape or expansion in it), which holds no `.` (every suffix isWinExecPath knows starts with one)
 * and no `\` (its directories): not an executable path; and lookupName finds nothing in a word whose
 * second character is `:` (no table name holds one, and each cut it tries keeps it). False then; true
 * for anything else in the word.
 */
function driveMay(v: string, i: number, n: number): boolean {
  for (let k = i; k < n; k++) {
    const c = v.charCodeAt(k);
    if (QCLASS[c] === Q_BOUND) return false;
    if (!isRunChar(c) && c !== 47 && c !== 58) return true;
  }
  return false;
}

/**
 * mayFind's `tick` mode, at the `{` at `p`: before it, read back over blanks, separators, `(`,
 * backticks and quotes (tokens that leave a pending function definition pending, and the quotes of a
 * quoted `'{'`), a `)`. Each character is read back for one `{` at most: linear.
 */
function bodyOpener(v: string, p: number, from: number): boolean {
  let k = p - 1;
  for (; k >= from; k--) {
    const c = v.charCodeAt(k);
    if (!(isLexBlank(c) || c === 59 || c === 38 || c === 124 || c === 40 || c === 96 || c === 39 || c === 34)) break;
  }
  return k >= from && v.charCodeAt(k) === 41;
}

/** mayFind's `tick` mode: from `j`, lexer blanks then a backtick. */
function emptyTickAt(v: string, j: number, n: number): boolean {
  let k = j;
  while (k < n && isLexBlank(v.charCodeAt(k))) k++;
  return k < n && v.charCodeAt(k) === 96;
}

/**
 * True when some rule may fire (run the passes); false when no pass can find anything. One pass,
 * no allocation.
 *
 * `bsl` (detect(), for a value with no quote character): the value is lexed once, unquoted, and a
 * backslash is not a reason on its own to run that pass. An escape of a run character (bslGlue) is
 * read as a quote is, gluing the runs on either side (`c\at`: the norm's run is `cat`; at a word's
 * start, `\x`, the run is `x`), and a word holding one has its letter projection checked at its end
 * (projectionMay). Any other backslash answers true, as does a drive followed by `\`, and a drive
 * `X:/` is read to its word's end (driveMay) instead of answering true. Without quotes the lexer's
 * words are exactly the Q_BOUND-delimited words here (its other boundaries, `< > \n \r` and the
 * backtick, are Q_SPECIAL and answer true), and only the unquoted pass runs (the quote-context and
 * attribute passes need quotes).
 *
 * `tick` (detect()): a backtick is no reason on its own either. What one can make without a name is
 * an empty substitution (emptyTickAt); it ends the lexer's word (so it starts a word here, for the
 * glob-path and projection tests); PowerShell's tick names glue runs across it (psTickName).
 * Between quotes it is a literal that splits the norm's run, each piece of which is checked too.
 */
function mayFind(v: string, from: number, to: number, bsl = BSL_NONE, tick = false, pct = false): boolean {
  /** End of the scanned range: the value's length, or the end of its first word (firstWordMay). */
  const n = to;
  let quotes = false;
  let glob = false;
  /** The current blank-delimited word starts with `/`. */
  let slashWord = false;
  let wordStart = true;
  /** (bsl) Start of the current Q_BOUND-delimited word, and whether it holds an escape (bslGlue). */
  let wb = from;
  let wordBsl = false;
  /** (tick) The first `}` of the value at or after the first `{` met, or -1 (-2: not searched yet). */
  let rb = -2;
  /** The first `)` of the range, or `n` (-2: not searched yet); see the `{` below. */
  let rp = -2;
  /** The first `&` or `.` of the range, or `n` (-2: not searched yet); see the `(` below. */
  let op = -2;
  let i = from;
  while (i < n) {
    let c = v.charCodeAt(i);
    let k = QCLASS[c] as number;
    if (bsl !== BSL_NONE && c === 92) {
      // A backslash that ends the value is dropped by the lexer (no flag, no text; at a word's start
      // it leaves an empty word, which no rule reads without a shell character or a name elsewhere).
      // (With quotes, a quote-context pass keeps it in its norm: not dropped there.)
      if (bsl === BSL_BARE && i + 1 === n && n === v.length) break;
      if (bsl === BSL_QUOTED && i + 1 < n && (v.charCodeAt(i + 1) === 39 || v.charCodeAt(i + 1) === 34)) {
        // An escaped quote: a literal quote in the unquoted pass's norm (it splits the run there, as
        // a quote splits nothing less); inside quotes the backslash is kept and the quote delimits.
        // Read as the quote alone: quote characters are transparent here, whatever their pairing.
        // (Read here, as the loop's top would read it: a quote, handled below the run test.)
        i++;
        c = v.charCodeAt(i);
        k = Q_QUOTE;
      } else if (bsl === BSL_QUOTED && i + 1 < n && bslSep(v.charCodeAt(i + 1))) {
        // (BSL_QUOTED) An escaped separator (bslSep): the backslash is read as a plain character of
        // its word and the separator as a boundary, next.
        i++;
        if (wordStart) {
          wordStart = false;
          slashWord = false;
        }
        continue;
      } else {
        // An escape opening a run (`\x`, or after `-` in `-\x`): the run char is read next, here, as
        // the loop's top would read it (bslGlue held: i + 1 < n, and that character is a run
        // character, a digit in BSL_QUOTED). `\x(` repeated: a turn of the loop per escape fewer.
        if (!bslGlue(v, i, n, bsl)) return true;
        wordBsl = bsl === BSL_BARE;
        i++;
        c = v.charCodeAt(i);
        k = Q_RUN;
      }
    }
    if (k === Q_RUN) {
      // One piece that nothing glues on (the common case: `a: b&`, `x:/&0`, `\x(` repeated, words of
      // prose): the character after it is not a quote, a backslash or a backtick, or the range ends.
      // The loop below then reads one piece, asks runMayName about it as here, and ends the run with
      // pieces === 1 (each of its glue tests needs one of those three characters after the piece).
      // Without its bookkeeping (pieces, joins, escapes) a short run costs about half. A piece that
      // something may glue on is read again by the loop below: twice at most, still linear.
      let e = i + 1;
      let ae = c > 57 ? e : i;
      let d = 0;
      let kd = 0;
      for (; e < n; e++) {
        d = v.charCodeAt(e);
        kd = QCLASS[d] as number;
        if (kd !== Q_RUN) break;
        if (d > 57) ae = e + 1;
      }
      if (e >= n || (kd !== Q_QUOTE && d !== 92 && d !== 96)) {
        if (ae > i && runMayName(v, i, e, ae, e < n ? d : NaN)) return true;
        if (wordStart) {
          wordStart = false;
          slashWord = false;
        }
        // The character that ended the piece is handled below as the loop's top would (not a
        // backslash, not a run character), without reading it again.
        i = e;
        if (e >= n) break;
        c = d;
        k = kd;
      } else {
        // A transparent run: [A-Za-z0-9_] pieces glued by quote characters.
        const js = i;
        let rs = i;
        let pieces = 0;
        let any = false;
        /** (bsl) A piece was glued on by an escape. */
        let escaped = false;
        for (;;) {
          // One contiguous piece v[rs, i).
          let alphaEnd = rs;
          for (; i < n; i++) {
            c = v.charCodeAt(i);
            k = QCLASS[c] as number;
            if (k !== Q_RUN) break;
            if (c > 57) alphaEnd = i + 1;
          }
          pieces++;
          // Three pieces with a letter among them: the test after the loop answers true whatever comes
          // next (more pieces, more letters), and nothing in between answers false. Asked once, at the
          // third piece (one read of the span so far: linear): 1 MB of `'x` was one run walked to its
          // end before the passes ran.
          if (pieces === 3 && (LETTERLESS_RUN || hasLetter(v, js, i))) return true;
          if (alphaEnd > rs) {
            any = true;
            if (runMayName(v, rs, i, alphaEnd, i < n ? c : NaN)) return true;
          }
          if (bsl !== BSL_NONE && c === 92 && i < n) {
            if (bsl === BSL_BARE && i + 1 === n && n === v.length) {
              // Dropped by the lexer, as above: the run ends with the value.
              i = n;
              break;
            }
            // An escaped quote ends the run (no pass joins `c\'at` into `cat`): read as above.
            if (bsl === BSL_QUOTED && i + 1 < n && (v.charCodeAt(i + 1) === 39 || v.charCodeAt(i + 1) === 34)) break;
            // An escaped separator ends it too (read below, at the backslash).
            if (bsl === BSL_QUOTED && i + 1 < n && bslSep(v.charCodeAt(i + 1))) break;
            // An escape inside the run glues the next piece on, as a quote does (`c\at`).
            if (!bslGlue(v, i, n, bsl)) return true;
            wordBsl = bsl === BSL_BARE;
            escaped = true;
            i = rs = i + 1;
            continue;
          }
          if (tick && c === 96 && i + 1 < n && QCLASS[v.charCodeAt(i + 1)] === Q_RUN) {
            // (tick) A backtick between run characters: PowerShell drops it from a name (`` i`e`x ``,
            // psTickName), so it glues the runs as a quote does; to the lexer it ends a word (a run
            // character after it: no empty substitution opens here).
            if (wordBsl) {
              // (Three characters or more: see the word boundary below the switch.)
              if (i - wb > 2 && projectionMay(v, wb, i)) return true;
              wordBsl = false;
            }
            wb = i + 1;
            escaped = true;
            i = rs = i + 1;
            continue;
          }
          if (k !== Q_QUOTE || i >= n) break;
          // Quotes glue the next piece on: `c'a't`, `O'Neil`.
          quotes = true;
          let q = i;
          while (q < n && QCLASS[v.charCodeAt(q)] === Q_QUOTE) q++;
          if (bsl === BSL_QUOTED && q + 1 < n && v.charCodeAt(q) === 92 && bslGlue(v, q, n, bsl)) {
            // An escaped digit right after the quotes glues on as well (`sha'2'\56sum`).
            escaped = true;
            i = rs = q + 1;
            continue;
          }
          if (q >= n || QCLASS[v.charCodeAt(q)] !== Q_RUN) {
            i = q;
            if (q < n) {
              c = v.charCodeAt(q);
              k = QCLASS[c] as number;
            }
            break;
          }
          i = rs = q;
        }
        // Three pieces or more: some pass may join any of them (true), unless no piece holds a letter
        // (`` `0`0`0 ``, `'_'_'_'`): every table run has one, so no join of letterless pieces names
        // anything (LETTERLESS_RUN: unless the table gains a run without one). The span is read once more.
        if (pieces > 1) {
          const lettered = LETTERLESS_RUN || hasLetter(v, js, i);
          if (pieces > 2 && lettered) return true;
          if (pieces === 2 && any && joinedMayName(v, js, i, i < n ? c : NaN)) return true;
          // (An escaped or ticked run of twelve characters or more may end in a .NET cradle name,
          // `Down\loadString`, which joinedMayName does not look for: letters, all of them.)
          if (escaped && i - js >= 12 && lettered) return true;
        }
        if (wordStart) {
          wordStart = false;
          slashWord = false;
        }
        continue;
      }
    }
    i++;
    switch (k) {
      case Q_BOUND:
        // `& (…)`, `.(…)`: PowerShell's call operator runs what the expression joins (`'i'+'ex'`), a
        // name no single run spells (Pass.psOpen). The look-back reads every blank (the lexer skips any
        // number of them): each is read at most once more, still linear.
        // Two reads first, each enough for false: the character before the `(` (callOperatorBefore
        // answers false at once unless it is a blank, a quote, `&` or `.`: `\x(`, `-('\0`), and the
        // first `&` or `.` of the range (it answers true only at one of them, before the `(`:
        // `` `\'( ``, where it read back over the quote at each `(`), searched once per call.
        if (c === 40 && i - 2 >= from && CALL_BEFORE[v.charCodeAt(i - 2)] === 1) {
          if (op === -2) op = Math.min(firstIn(v, from, '&', n), firstIn(v, from, '.', n));
          if (op < i - 1 && callOperatorBefore(v, i - 1, from)) return true;
        }
        break; // a word boundary: below the switch
      case Q_QUOTE:
        quotes = true;
        wordStart = false;
        continue;
      case Q_GLOB:
        if (slashWord) return true;
        glob = true;
        wordStart = false;
        continue;
      case Q_COLON: {
        // A colon run (`::::`, decoded `&#58;` runs) is read to its last colon with one load each:
        // only the last can have the `/` after it, and one before another sets nothing but
        // wordStart, as this case does (1 MB of `::::&`: a turn of the switch per colon before).
        // (Each character read once: the one after the run is kept in `d`, 0 past the range's end.)
        let d = i < n ? v.charCodeAt(i) : 0;
        while (d === 58) {
          i++;
          d = i < n ? v.charCodeAt(i) : 0;
        }
        // `X:/`: a drive path (isWinExecPath reads the second character of the word).
        if (d === 47) {
          const b1 = i > 1 ? v.charCodeAt(i - 2) : 32;
          const b2 = i > 2 ? v.charCodeAt(i - 3) : 32;
          if ((b1 === 39 || b1 === 34 || !isRunChar(b2)) && (bsl !== BSL_BARE || driveMay(v, i, n))) return true;
        } else if (bsl !== BSL_NONE && d === 92) {
          // `X:\` (the lexer keeps the backslashes of a drive path: C:\Windows\System32\…).
          return true;
        }
        wordStart = false;
        continue;
      }
      case Q_SPECIAL:
        if (pct && c === 37) {
          // (pct) A `%` in a value where pctInert holds: a plain character of its word in every
          // pass, which no rule reads. It splits the run it stands in (the norm keeps it: `c%at` is
          // no name) and leaves a word going on (a letter projection reads across it, as here).
          if (wordStart) {
            wordStart = false;
            slashWord = false;
          }
          continue;
        }
        if (c === 94 && caretPlainBefore(i < v.length ? v.charCodeAt(i) : NaN)) {
          // A `^` before a lexer word boundary (or at the value's end): see caretPlainBefore.
          if (wordStart) {
            wordStart = false;
            slashWord = false;
          }
          continue;
        }
        if (tick && c === 123) {
          // (tick) A `{`: a brace expansion needs a `}` after it in the word, and a function body (a
          // fork bomb, Shellshock's `() {`) a `)` before it with no word between. Otherwise it is a
          // plain character of its word to the lexer (W_BRACE, read by braceCommand only); a script
          // block's command (`&{whoami}`) is a name, checked as any run is.
          // Any `}` of the value at or after this `{` answers true, so the first search decides for
          // every later `{` too: one forward search (native, ~0.01 ns a character), not lastIndexOf
          // (a backward walk, ~0.5 µs/KB on `&{'` repeated).
          if (rb === -2) rb = v.indexOf('}', i);
          if (rb !== -1) return true;
          // bodyOpener answers true only at a `)` before the `{`: the range's first one, searched once
          // per call, tells when there is none (`&{'` repeated: a read back over `'&` at each `{`).
          if (rp === -2) rp = firstIn(v, from, ')', n);
          if (rp < i - 1 && bodyOpener(v, i - 1, from)) return true;
          if (wordStart) {
            wordStart = false;
            slashWord = false;
          }
          continue;
        }
        if (!tick || c !== 96) return true;
        // (tick) A backtick with nothing but blanks before the next one: an empty substitution
        // (`` `` ``, `` ` ` ``, a finding without a name). Otherwise it only ends a word (the
        // substitution's first word is judged as a command: a name, checked as any run is). Each
        // blank is read here at most once more.
        if (emptyTickAt(v, i, n)) return true;
        break; // a word boundary: below the switch
      default:
        if (wordStart) {
          wordStart = false;
          slashWord = c === 47;
        }
        continue;
    }
    // A word boundary (Q_BOUND, or a backtick in `tick` mode): the word before it ends at i - 1. Its
    // letter projection is read only when it holds an escape of a letter (wordBsl) and has three
    // characters or more: the escape's backslash is one of them, so a shorter word projects one
    // letter at most, which names nothing (`\x(` repeated: a call per word before).
    if (wordBsl) {
      if (i - 1 - wb > 2 && projectionMay(v, wb, i - 1)) return true;
      wordBsl = false;
    }
    wb = i;
    wordStart = true;
  }
  if (wordBsl && projectionMay(v, wb, n)) return true;
  // A glob matters in a word whose norm starts with `/` only (isGlobSysPath, isGlobCommandName: the
  // glob-path rule and classifyArg), which quotes can hide from slashWord (`"/"??`, `/dev/"x y"*`).
  // Such a norm needs a `/` in the value: the lexer adds one only for `${PATH:0:1}`-like slices, and
  // `$` answered true above. One native search, at the end only: `"[` and `?"-` repeated (quotes
  // with a glob, no `/`) ran every pass, ~25-45 µs/KB.
  return quotes && glob && v.indexOf('/') !== -1;
}

/** For the pinned scan tables (test/detectors/shell-injection.test.ts) only. */
export const SCAN_FOR_TEST = { mayFind, hasFence, withoutTags, BSL_NONE, BSL_BARE, BSL_QUOTED };

/**
 * The characters after which callOperatorBefore, at a `(`, reads on: lexer blanks (isLexBlank), quotes,
 * `&` and `.`. At any other character before the `(` it answers false.
 */
const CALL_BEFORE = ((): Uint8Array => {
  const t = new Uint8Array(65536);
  for (const ch of ' \t\x0b\x0c+\'"&.') t[ch.charCodeAt(0)] = 1;
  return t;
})();

/** Before the `(` at `p`: `&`, or a `.` standing alone as a word, after any number of lexer blanks. */
function callOperatorBefore(v: string, p: number, from: number): boolean {
  let k = p - 1;
  // Every blank (the lexer skips them all: `&` and twenty blanks before `('ie'+'x')` is still the
  // call operator; a cap of 8 here missed it). Linear: a run of blanks stands before one `(` at most.
  while (k >= from && isLexBlank(v.charCodeAt(k))) k--;
  if (k < from) return false;
  let c = v.charCodeAt(k);
  if (c === 38) return true;
  if (c === 39 || c === 34) {
    // Quotes may close a word that is `.` once unquoted (`'.'(…)`, `.''(…)`): read back over them to
    // what they hold. Any other last character makes a word that is not `.` (`'(` of `` `\'( ``,
    // the empty word `''`); `&` is kept as well, whatever quotes it.
    while (k >= from && (v.charCodeAt(k) === 39 || v.charCodeAt(k) === 34)) k--;
    if (k < from) return false;
    c = v.charCodeAt(k);
    if (c === 38) return true;
  }
  if (c !== 46) return false;
  // The `.` stands alone as a word: quotes before it are read back over too (`''.(…)`: the word is
  // `.` once unquoted; the `.` only was tested, and missed it).
  k--;
  while (k >= from && (v.charCodeAt(k) === 39 || v.charCodeAt(k) === 34)) k--;
  const b = k >= from ? v.charCodeAt(k) : 32;
  // (The backtick too: it ends a word, and mayFind's `tick` mode reads on past it.)
  return isLexBlank(b) || b === 59 || b === 38 || b === 124 || b === 10 || b === 13 || b === 40 || b === 96;
}

/**
 * Whether lookupName(v[0, e)) or the /bin path test can accept the first word of a value with no
 * P_SHELL character (so no quote, glob or expansion in it): every way they accept a word needs a
 * [A-Za-z0-9_] run of it to be (or to start) a table run, as in mayFind, which this is without the
 * quote and special-character handling that such a word cannot need.
 */
function runsMayName(v: string, e: number): boolean {
  let i = 0;
  while (i < e) {
    let c = v.charCodeAt(i);
    if (QCLASS[c] !== Q_RUN) {
      i++;
      continue;
    }
    const rs = i;
    let alphaEnd = rs;
    for (; i < e; i++) {
      c = v.charCodeAt(i);
      if (QCLASS[c] !== Q_RUN) break;
      if (c > 57) alphaEnd = i + 1;
    }
    if (alphaEnd > rs && runMayName(v, rs, i, alphaEnd, i < e ? c : NaN)) return true;
  }
  return false;
}

/**
 * For a value holding `%`: no `%` in it can matter to any pass, so mayFind may read each as a plain
 * character (its `pct` mode). To the lexer a `%` is a plain character of its word unless it opens a
 * cmd.exe `%NAME:~…%` slice (cmdSlice), which needs `:~` in the raw text, in every pass: none here.
 * Then a `%` only reaches the rules inside a norm, and those that read one there all need a norm
 * that starts with `%`, with more than this value can hold:
 * - isWinExecPath's `%VAR%` form: a `.` (its suffixes: `.exe`, `.bat`, …) or `\system32\` /
 *   `\syswow64\` (a `y`);
 * - the `%comspec%` command word and the cmd.exe `for %v in` stage (specialWord): an `o`;
 * - classifyArg's `%VAR%` argument: an argument of a command, whose name mayFind reads as any.
 * The norm's characters come from the value's own (cmdSlice excluded; ANSI-C escapes need `$`, which
 * runs the passes anyway), so without a `.`, `y`, `Y`, `o` and `O` none of these holds. Cost: six
 * native searches (a few ns each, ~0.01 ns a character), only for values holding `%` and no other
 * shell-only character; a value failing it runs every pass, as before.
 */
function pctInert(v: string): boolean {
  return v.indexOf(':~') === -1 && v.indexOf('.') === -1 && v.indexOf('o') === -1 && v.indexOf('O') === -1 && v.indexOf('y') === -1 && v.indexOf('Y') === -1;
}

/** The lexer's blanks (tokenizers/shell.ts isBlank): space, tab, VT, FF and `+`. */
function isLexBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 43;
}

/** The quote-free text of v[a, b) equals `word` (lower case), ignoring case. */
function strippedIs(v: string, a: number, b: number, word: string): boolean {
  let j = 0;
  for (let k = a; k < b; k++) {
    const c = v.charCodeAt(k);
    if (c === 39 || c === 34) continue;
    if (j >= word.length || (c | 0x20) !== word.charCodeAt(j)) return false;
    j++;
  }
  return j === word.length;
}

/**
 * For a value with no P_SEP character: may its first word make a finding? Without separators,
 * substitutions, redirections, grouping, escapes, `$`, `^`, `{` or `=`, every lexing pass (unquoted,
 * or resumed inside '..' / "..") puts only its first word in command position: nothing else moves the
 * command position (assignments, `!`, `{`, an unset `$var` or a prefix command keep it, and each needs
 * `=`, `!`, `{`, `$` or a command name in the first word), and a record whose first word names no
 * command never reports. In every pass that word starts at the value's first non-blank character, or
 * at its first character inside quotes (leading blanks then make it a non-name), and whatever the
 * quotes, the part of its normalised text that lookupName, the path tests and the IF/FOR forms read
 * lies before the first raw blank: the word v[a, b) below, with quote characters removed. One
 * exception: isGlobSysPath also reads the word's glob flag, which a glob after a quoted blank sets.
 * So: the word's runs may name a command (mayFind on the word, which also flags globs and `%`), or the
 * word holds `!` or `:`, is empty, is `if` / `for`, or starts with `/` in a value holding `*`, `?` or `[`,
 * or is a Ruby / Perl bare run call whose argument is judged next (bareRunName).
 */
function firstWordMay(v: string): boolean {
  const n = v.length;
  let a = 0;
  while (a < n && isLexBlank(v.charCodeAt(a))) a++;
  // A first word that starts with `/` in a value holding a glob character: the glob test below
  // answers true whatever the walk finds (it only returns true early), as `q` is then `a`. Asked
  // first, it spares the walk of a megabyte of `/*` (one word, ~3 µs/KB); three native searches.
  if (v.charCodeAt(a) === 47 && (v.indexOf('*') !== -1 || v.indexOf('?') !== -1 || v.indexOf('[') !== -1)) return true;
  let b = a;
  let text = 0;
  // The first FIRST_WORD_WALK characters of the word are walked; a word longer than that (text > 3
  // then, unless the walk saw quotes mostly) has the rest of its end and of its `!`, `:`, `%` found
  // by native searches (a few ns each, then ~0.01 ns a character), as the walk would find them: the
  // word ends at the first lexer blank, and a `!`, `:` or `%` before that answers true. A megabyte
  // of one word (decoded `%41%42x`) was ~2 ns a character here, half the detector's cost on it.
  const walkEnd = n - a > FIRST_WORD_WALK ? a + FIRST_WORD_WALK : n;
  for (; b < walkEnd; b++) {
    const c = v.charCodeAt(b);
    if (isLexBlank(c)) break;
    if (c === 33 || c === 58) return true; // `! cmd` keeps the command position; `C:/x.exe`
    // `%` (Q_SPECIAL): mayFind(v, a, b) below returns true at it, and every test before it returns
    // true or goes on. 1 MB of `%25%25…` is one word: its walk ended at the end of the value.
    if (c === 37) return true;
    if (c !== 39 && c !== 34) text++;
  }
  if (b === walkEnd && b < n) {
    if (text > 3) {
      // No blank in the walk: the word goes on to the first blank after it (the walk's own test,
      // isLexBlank: space, tab, VT, FF, `+`), and `text` only grows past 3 (its tests below are all
      // false at any count above 3).
      const e = blankFrom(v, b);
      // (Searched in the word alone: a slice of a flat string is a view, no copy.)
      if (e > b && firstOf3(v.slice(b, e), 0, '!', ':', '%', e - b) < e - b) return true;
      b = e;
    } else {
      for (; b < n; b++) {
        const c = v.charCodeAt(b);
        if (isLexBlank(c)) break;
        if (c === 33 || c === 58) return true;
        if (c === 37) return true;
        if (c !== 39 && c !== 34) text++;
      }
    }
  }
  if (text === 0) return true;
  if (text <= 3 && (strippedIs(v, a, b, 'if') || strippedIs(v, a, b, 'for'))) return true;
  // A path spelled with wildcards (isGlobSysPath) reads the word's glob flag, and a quoted blank can
  // glue later text, globs included, onto the word: `/dev/"x y"*`.
  let q = a;
  while (q < b && (v.charCodeAt(q) === 39 || v.charCodeAt(q) === 34)) q++;
  if (v.charCodeAt(q) === 47 && (v.indexOf('*') !== -1 || v.indexOf('?') !== -1 || v.indexOf('[') !== -1)) return true;
  // A Ruby / Perl bare call (`system 'id'`, `Kernel.spawn "id"`; `CORE::` has its `:`, `exec` is a
  // name): its next word is judged (checkBareArgument). Compared in place, no slice.
  const w = b - a;
  if ((w === 6 && v.startsWith('system', a)) || (w === 5 && v.startsWith('spawn', a)) || (w > 7 && v.startsWith('Kernel.', a))) return true;
  return mayFind(v, a, b);
}

/** How much of a value's first word firstWordMay walks before it searches (natively) for the rest. */
const FIRST_WORD_WALK = 64;

/**
 * The first lexer blank (isLexBlank: space, tab, VT, FF, `+`) at or after `from` in `v`, or its
 * length: native searches in windows of BLANK_WINDOW characters, so that a kind of blank the value
 * lacks is not searched for to its end each time (five whole-value scans for a word that ends soon).
 */
function blankFrom(v: string, from: number): number {
  const n = v.length;
  for (let w = from; w < n; w += BLANK_WINDOW) {
    const end = w + BLANK_WINDOW < n ? w + BLANK_WINDOW : n;
    const part = v.slice(w, end);
    const len = end - w;
    const r = firstOf3(part, 0, ' ', '\t', '+', firstOf3(part, 0, '\x0b', '\x0c', '\x0c', len));
    if (r < len) return w + r;
  }
  return n;
}

const BLANK_WINDOW = 4096;

/** The index of the first `ch` at or after `from` in `v` if it is below `lim`, else `lim`. */
function firstIn(v: string, from: number, ch: string, lim: number): number {
  const k = v.indexOf(ch, from);
  return k !== -1 && k < lim ? k : lim;
}

/** The smallest index at or after `from` of `a`, `b` or `c` in `v` that is below `lim`, or `lim`. */
function firstOf3(v: string, from: number, a: string, b: string, c: string, lim: number): number {
  let r = lim;
  let k = v.indexOf(a, from);
  if (k !== -1 && k < r) r = k;
  k = v.indexOf(b, from);
  if (k !== -1 && k < r) r = k;
  k = v.indexOf(c, from);
  if (k !== -1 && k < r) r = k;
  return r;
}

/** Longest attribute value detect() remembers as read clean (a copy of it is kept). */
const CLEAN_SEGMENT_MAX = 256;

/**
 * `pf`: presence(value), computed by the caller. `plainPct`: every character of `value` is plain to
 * the shell lexer or `%` (ShellLexer.plainPct).
 */
function detect(value: string, pf: number, plainPct: boolean): Detection | undefined {
  const n = value.length;
  if (n < 2) return undefined;

  // Fast path: which shell characters occur (one charCode pass, or native indexOf scans for long
  // values). Most benign strings (ids, words, numbers) have none of the shell metacharacters.
  // Short values with no letter, quote, glob, colon, shell-only character, `&` or `.` (`+1 (555)
  // 010-0000`, `(20) 30-40`): mayFind and the first-word tests need one of them to answer true, so
  // nothing below can find anything. Saves the mayFind walk, about half the cost of such a value.
  if (n < LONG_VALUE && (pf & P_MAY) === 0) return undefined;
  const interesting = (pf & P_SHELL) !== 0;
  const hasSq = (pf & P_SQ) !== 0;
  const hasDq = (pf & P_DQ) !== 0;
  const hasNl = (pf & P_NL) !== 0;
  const hasLt = (pf & P_LT) !== 0;
  if (!interesting) {
    // Only a command line at the start can matter: `uname -a`, `ls -la /`.
    if ((pf & P_BLANK) === 0) return undefined;
    let e = 0;
    while (e < n && e < 41) {
      const c = value.charCodeAt(e);
      if (c === 32 || c === 43 || c === 9) break;
      e++;
    }
    if (e === 0 || e > 40) return undefined;
    // The allocation-free run test first (`Cotton`, `221B`, `gzip,`): only a word that may name a
    // command is sliced and looked up.
    if (!runsMayName(value, e)) return undefined;
    const first = value.slice(0, e);
    if (lookupName(first) === 0 && !(first.charCodeAt(0) === 47 && isBinPath(first.toLowerCase()))) return undefined;
  } else {
    // Quotes, `%`, `*` or `?` in prose (`it's`, `100%`) but nothing that moves the command position:
    // only the first word can be a command (see firstWordMay).
    if ((pf & P_SEP) === 0 && !firstWordMay(value)) return undefined;
    // Punctuation without a shell-only character or a command name anywhere (`Mozilla/5.0 (X11; …`,
    // `en-US,en;q=0.9`): nothing below can fire (see mayFind). mayFind returns true at the first
    // Q_SPECIAL character and false only at the end of its walk, so with one present (P_SPEC) its
    // answer is true: not walked (1 MB of `</a>x` cut after a `<`: a walk of every run to reach it).
    // A backslash is no reason on its own (mayFind's `bsl` modes): `\x(\x(…` and `-('\0-('\0…`,
    // once a token per two characters in each pass, are one walk.
    // A `%` is none either where pctInert holds (mayFind's `pct` mode): `%'\;` repeated ran every
    // pass. Only with a separator (P_SEP): without one the passes read a `%` word cheaply (the
    // lexer's capped runs: 1 MB of `%25` or `%41%42x` is one word), cheaper than the walk here.
    const pct = (pf & P_PCT) !== 0;
    if (
      (pf & P_SPN) === 0 &&
      (!pct || ((pf & P_SEP) !== 0 && pctInert(value))) &&
      !mayFind(value, 0, n, (pf & (P_SQ | P_DQ)) === 0 ? BSL_BARE : BSL_QUOTED, true, pct) &&
      !((pf & P_SEP) !== 0 && loneDotSource(value))
    ) {
      return undefined;
    }
  }

  let best: Detection | undefined;
  if (interesting) {
    const ss = checkShellshock(value);
    if (ss) return ss;
    if (hasNl) {
      const mc = checkMailCommand(value);
      if (mc) return mc;
    }
  }

  // Markdown code spans: backtick pairs inside prose read as `code`, not as substitution.
  const md = (pf & P_BT) !== 0 && markdownShaped(value);
  const quotes = hasSq || hasDq;
  // The quote kinds present (presence() is exact for both at any length): the lexers skip the search
  // for a kind the value does not hold.
  const kinds = (hasSq ? 1 : 0) | (hasDq ? 2 : 0);
  best = better(best, runPass(value, CTX_NONE, md, 0, n, quotes, kinds, plainPct));
  if (best?.confidence === 'high') return best;
  if (hasSq) {
    best = better(best, runPass(value, CTX_SINGLE, md, 0, n, true, kinds));
    if (best?.confidence === 'high') return best;
  }
  if (hasDq) {
    best = better(best, runPass(value, CTX_DOUBLE, md, 0, n, true, kinds));
    if (best?.confidence === 'high') return best;
  }
  if ((pf & P_BT) !== 0) {
    best = better(best, psTickName(value));
    if (best?.confidence === 'high') return best;
  }
  if ((pf & P_SHELL) !== 0 && value.indexOf('{') !== -1) {
    best = better(best, psScriptBlock(value));
    if (best?.confidence === 'high') return best;
  }
  // Markup attribute values (<a probe=";id">): each value is an injection point of its own.
  if (hasLt && (hasSq || hasDq)) {
    let from = 0;
    // Next `="` / `='` positions, cached so the search stays linear (-1: none left). A quote kind the
    // value lacks (presence() is exact for both) is never searched for: on 1 MB of `<a x="` the one
    // search for `='` stopped at every `=`, ~1 µs/KB.
    let nd = hasDq ? -2 : -1;
    let ns = hasSq ? -2 : -1;
    // The last value read clean (text and quote), up to CLEAN_SEGMENT_MAX characters. A pass over
    // value[a, b) reads the characters inside it, the quote on either side (value[a - 1], value[b]:
    // `q` both) and what depends on the whole value alone (firstLineIsArgument), and compares
    // positions only with each other: the same text between the same quotes in the same value reads
    // the same, so a repeat is not read again. `x="1" x="1" …` and `<a x="<a x="…` were a lexer and a
    // pass allocated and run per attribute, a third of the detector's time on such runs.
    let cleanText = '';
    let cleanQ = '';
    for (;;) {
      if (nd !== -1 && nd < from) nd = value.indexOf('="', from);
      if (ns !== -1 && ns < from) ns = value.indexOf("='", from);
      let k = nd;
      if (k < 0 || (ns >= 0 && ns < k)) k = ns;
      if (k < 0) break;
      const q = value.charAt(k + 1);
      // The last clean text again, closed by the same quote: that quote is the first one after the
      // opener (the text holds none: it ended at the first), so no search is needed to find it.
      // (`same` is the test below: the same text between the same quotes.)
      const same = q === cleanQ && value.charAt(k + 2 + cleanText.length) === q && value.startsWith(cleanText, k + 2);
      const close = same ? k + 2 + cleanText.length : value.indexOf(q, k + 2);
      if (close < 0) break;
      const len = close - k - 2;
      if (len > 0 && !same) {
        const d = runPass(value, CTX_NONE, false, k + 2, close);
        best = better(best, d);
        if (best?.confidence === 'high') return best;
        if (d === undefined && len <= CLEAN_SEGMENT_MAX) {
          cleanText = value.slice(k + 2, close);
          cleanQ = q;
        }
      }
      from = close + 1;
    }
  }
  return best;
}
