/**
 * The one place where regular expressions that see attacker input are built.
 *
 * Why RE2: backtracking engines (V8's Irregexp) can take exponential time on crafted input (ReDoS);
 * RE2 is linear in the input. `re2` is a native addon, so it can be missing (bundled without it, built
 * for another Node ABI). Then we still protect, loudly: one warning line on stderr, and patterns run on
 * `re2js`, a pure-JavaScript port of RE2 with the same linear-time guarantee.
 * Our own detectors use hand-written scanners and need no regex at all; this module serves schema
 * `pattern` keywords and user rules.
 */

export interface SafeRegExp {
  test(input: string): boolean;
  readonly source: string;
}

type RE2Ctor = new (pattern: string | RegExp, flags?: string) => RegExp;

let cached: { ctor: RE2Ctor | undefined; error: Error | undefined } | undefined;

/** Loads `re2` once. Returns the constructor, or undefined with the load error remembered. */
export function loadRE2(): RE2Ctor | undefined {
  if (cached === undefined) {
    try {
      // Plain require keeps bundlers from inlining the addon; a bundle marks `re2` external.
      cached = { ctor: require('re2') as RE2Ctor, error: undefined };
    } catch (err) {
      cached = { ctor: undefined, error: err as Error };
    }
  }
  return cached.ctor;
}

/** Why RE2 could not be loaded, if it could not. */
export function re2LoadError(): Error | undefined {
  loadRE2();
  return cached?.error;
}

let warned = false;

/** One loud line on stderr, once per process, the first time a pattern has to run without the addon. */
function warnFallback(): void {
  if (warned) return;
  warned = true;
  const why = cached?.error?.message ?? 'unknown';
  process.stderr.write(
    JSON.stringify({
      type: 'serverless-rasp',
      action: 'warning',
      code: 'RASP_W_NO_RE2',
      message:
        'The re2 native addon could not be loaded; patterns run on re2js (the same linear-time RE2 algorithm in ' +
        'JavaScript, several times slower). Ship node_modules/re2 built for this runtime (mark it external when bundling).',
      cause: why.split('\n')[0],
    }) + '\n',
  );
}

interface RE2JSModule {
  RE2JS: {
    compile(pattern: string, flags?: number): { matcher(input: string): { find(): boolean } };
    CASE_INSENSITIVE: number;
    DOTALL: number;
    MULTILINE: number;
  };
}

/**
 * Compiles `pattern` on RE2 (the native addon, or its pure-JS port when the addon is missing). Throws
 * the engine's SyntaxError for an invalid pattern (callers turn it into a coded configuration error at
 * cold start). Only the `i`, `s` and `m` flags have a meaning here; `g`, `y` and `u` are ignored.
 */
export function compileSafe(pattern: string, flags = ''): SafeRegExp {
  const RE2 = loadRE2();
  if (RE2 !== undefined) {
    const re = new RE2(pattern, flags.replace(/[gy]/g, ''));
    return { source: pattern, test: (input) => re.test(input) };
  }
  warnFallback();
  const { RE2JS } = require('re2js') as RE2JSModule;
  let f = 0;
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('s')) f |= RE2JS.DOTALL;
  if (flags.includes('m')) f |= RE2JS.MULTILINE;
  const re = RE2JS.compile(pattern, f);
  return { source: pattern, test: (input) => re.matcher(input).find() };
}
