/**
 * Review of red team round 7 (session 24, helper rR7): variations of round 7's shell attacks that
 * still passed the real Lambda `protect()` at paranoia 1 (query value and JSON body field) after its
 * three commits, each shown to run `id` in a real shell (dash and bash, or bash alone). Each must now
 * be answered 403 in both places; the nearest honest text must still reach the handler. Vectors
 * written for this review; why each works is said beside it.
 */
import t from 'tap';
import { redteamProtectTests, shellRunsIdTest } from '../helpers/redteam';
import { detectShellInjection } from '../../src/detectors/shell-injection';

/** dash and bash (`sh -c "echo hello " + v`): each runs id. */
const SHELL: Array<[string, string]> = [
  // A function running every argument, braced: the lexer names no variable for `${@}`.
  ['sh: a function running ${@}, called with id', 'x;f(){ ${@};};f id'],
  // A function gluing two of its arguments into the command word: `f i d` runs `id`.
  ['sh: a function running $1$2, called with i d', 'x;f(){ $1$2;};f i d'],
  ['sh: a function running "$1$2", called with i d', 'x;f(){ "$1$2";};f i d'],
  ['sh: a function running ${1}${2}, called with i d', 'x;f(){ ${1}${2};};f i d'],
  // shift renumbers set's positional parameters: $1 is now `i`, not `x`.
  ['sh: set -- then shift, ${1} glued to text', 'x;set -- x i;shift;${1}d'],
  ['sh: set -- then shift, $1 glued to text', 'x;set -- x i;shift;$1d'],
  // A default assigned from a known variable (`${b:=$a}` gives b the value i).
  ['sh: a default assigned from a known variable, glued to text', 'x;a=i;: ${b:=$a};${b}d'],
  // A value computed from a known variable and an unset one (empty): b is i.
  ['sh: a variable assigned from a known and an unset one, glued to text', 'x;a=i;b=${a}${c};${b}d'],
  // A second function running its argument must not hide the first.
  ['sh: two functions running $1, the first called with id', 'x;f(){ $1;};g(){ $1;};f id'],
  // A function running its argument with an operator on it: `${1%x}` of `idx` is id.
  ['sh: a function running ${1%x}, called with idx', 'x;f(){ ${1%x};};f idx'],
  // `$@`, `$*` after `set`: their first word is $1's value, glued to text.
  ['sh: set -- gives $@, glued to text', 'x;set -- i;$@d'],
  ['sh: set -- gives "$*", glued to text', 'x;set -- i;"$*"d'],
  ['sh: set -- gives ${@}, glued to text', 'x;set -- i;${@}d'],
  ['sh: set -- gives ${*}, glued to text', 'x;set -- i;${*}d'],
];

/** bash only: `declare -l` / `-n` with no value keep the attribute for later assignments. */
const BASH: Array<[string, string]> = [
  ['sh: bash declare -l first, a later assignment lower-cased, glued to text', 'x;declare -l a;a=I;${a}d'],
  ['sh: bash typeset -l first, a later assignment lower-cased, glued to text', 'x;typeset -l a;a=I;${a}d'],
  ['sh: bash declare -n first, a later assignment names the variable, glued to text', 'x;declare -n b;b=a;a=i;${b}d'],
  ['sh: bash declare -l on an assigned variable, reassigned from itself', 'x;a=I;declare -l a;a=$a;${a}d'],
  // A function lower-casing its argument into the command word.
  ['sh: bash function running ${1,,}, called with ID', 'x;f(){ ${1,,};};f ID'],
  // A variable read from a here-string (its value is not read here: fail closed).
  ['sh: bash read from a here-string in a loop, glued to text', 'x;while read a;do ${a}d;done<<<i'],
];

const BENIGN: string[] = [
  'f(){ $1;}',
  'f(){ ${@}; }',
  'run() { "$@"; }; run hello world',
  'set -- a b; shift',
  'declare -l name',
  'declare -l name; name=Bob',
  'declare -i n=5',
  'a=1; b=$a$c',
  ': ${PORT:=8080}',
  'v=${v:-default}',
  'read name',
  'f(){ ${1%%.txt}; }',
  'lower(){ ${1,,}; }',
  'a(){ $1; }; b(){ $1; }; a hello',
];

redteamProtectTests(t, {
  functionName: 'redteam-r7-review',
  attacks: [...SHELL, ...BASH],
  benign: BENIGN,
  byClass: { sh: detectShellInjection },
  titles: {
    attacks: 'round 7 review attacks are blocked as a query value and as a JSON body field',
    benign: 'the nearest honest text reaches the handler',
  },
});

shellRunsIdTest(t, 'the review attacks run id in dash and bash; the bash-only ones in bash', SHELL, BASH);
