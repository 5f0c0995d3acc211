/**
 * The one place where regular expressions that see attacker input are built.
 *
 * Why RE2: backtracking engines (V8's Irregexp) can take exponential time on crafted input (ReDoS);
 * RE2 is linear in the input. `re2` is a native addon, so it can be missing (bundled without it, built
 * for another Node ABI). Then we still protect, loudly: one warning line at cold start, and patterns run
 * on the built-in engine with the input length capped so that even a bad pattern has a bounded cost.
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

/** Input cap for the built-in fallback engine: bounds the worst case of a backtracking pattern. */
export const FALLBACK_MAX_INPUT = 4096;

/**
 * Compiles `pattern` on RE2 when available. Throws the engine's SyntaxError for an invalid pattern
 * (callers turn it into a coded configuration error at cold start).
 */
export function compileSafe(pattern: string, flags = ''): SafeRegExp {
  const RE2 = loadRE2();
  if (RE2 !== undefined) {
    const re = new RE2(pattern, flags.replace(/[gy]/g, ''));
    return { source: pattern, test: (input) => re.test(input) };
  }
  const re = new RegExp(pattern, flags.replace(/[gy]/g, ''));
  return {
    source: pattern,
    test: (input) => re.test(input.length > FALLBACK_MAX_INPUT ? input.slice(0, FALLBACK_MAX_INPUT) : input),
  };
}
