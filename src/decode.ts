/**
 * Decoding of untrusted values before detection. Attackers hide payloads behind encodings that the
 * application (or a library it calls) will undo later: URL-encoding once or twice, `%u` escapes,
 * overlong UTF-8, HTML entities, JSON/JS escapes. Every function here is a single linear pass without
 * regular expressions, and never throws: malformed input decodes to what can be decoded.
 */

/**
 * The value of each ASCII hex digit, -1 for every other ASCII character. Filled in a function of its
 * own, not by loops among the module's top-level statements (a bundle hoists those into its one
 * top-level function: see test/adapters/cold-start.test.ts, "no loop at the top level").
 */
const HEX = ((): Int8Array => {
  const t = new Int8Array(128).fill(-1);
  for (let c = 0; c < 10; c++) t[48 + c] = c;
  for (let c = 0; c < 6; c++) t[65 + c] = t[97 + c] = 10 + c;
  return t;
})();

/**
 * The value of hex digit `c`, or -1 (for anything, NaN included). A table load rather than two range
 * tests: ~0.6 µs/KB less on 1 MB of `%41%42x` (two digits per three characters).
 */
function hexVal(c: number): number {
  return c < 128 ? HEX[c]! : -1;
}

/**
 * UTF-8 bytes to a string. Overlong two-byte forms (`C0 AF` for `/`) are decoded to the character they
 * spell, as old IIS and some Java decoders did: that is the point of the evasion, so the detector must
 * see the `/`. Other invalid bytes become U+FFFD.
 */
function utf8(bytes: number[]): string {
  // Code units collected, then turned into a string in chunks: appending one character at a time
  // builds a rope of a million pieces for a 1 MB run of escapes.
  const units: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units.push(b);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    if (b >= 0xc0 && b < 0xe0) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b < 0xf0) {
      need = 2;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b < 0xf8) {
      need = 3;
      cp = b & 0x07;
    } else {
      units.push(0xfffd);
      i++;
      continue;
    }
    let j = 1;
    for (; j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || (c & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (j <= need) {
      units.push(0xfffd);
      i++;
      continue;
    }
    i += need + 1;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) units.push(0xfffd);
    else if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
  }
  return fromUnits(units);
}

/** A string from UTF-16 code units, in chunks small enough for `String.fromCharCode`'s argument list. */
function fromUnits(units: number[]): string {
  if (units.length <= 4096) return String.fromCharCode(...units);
  let out = '';
  for (let k = 0; k < units.length; k += 4096) out += String.fromCharCode(...units.slice(k, k + 4096));
  return out;
}

/**
 * The segments of a raw (still encoded) URL path, each decoded once, as a router hands them to a
 * function that routes on its own path (`$default` and `{proxy+}` routes with serverless-http, an
 * Express router on Cloud Functions, `request.url` split on Azure): `%2F` stays inside its segment.
 */
export function pathSegments(rawPath: string): string[] {
  // The non-empty parts of `rawPath.split('/')`, without that array and its empty strings (a path is
  // split on every HTTP invocation).
  const out: string[] = [];
  const n = rawPath.length;
  let start = 0;
  while (start < n) {
    let end = rawPath.indexOf('/', start);
    if (end === -1) end = n;
    if (end > start) out.push(percentDecode(rawPath.slice(start, end)));
    start = end + 1;
  }
  return out;
}

/** ASCII escapes percentDecode appends one by one before it collects them in a byte run. */
const RUN_AFTER = 64;

/** The first `len` bytes of `run` (ASCII) as a string. */
function flushRun(run: Uint8Array, len: number): string {
  // A few bytes: one flat string from their codes. A Buffer view and its conversion cost ~0.3 µs
  // whatever the length (1 MB of `%41\u0100` flushed one byte per seven characters: ~75 µs/KB).
  if (len <= 4) {
    if (len === 1) return String.fromCharCode(run[0] as number);
    if (len === 2) return String.fromCharCode(run[0] as number, run[1] as number);
    if (len === 3) return String.fromCharCode(run[0] as number, run[1] as number, run[2] as number);
    return String.fromCharCode(run[0] as number, run[1] as number, run[2] as number, run[3] as number);
  }
  return Buffer.from(run.buffer, run.byteOffset, len).toString('latin1');
}

/** Verbatim text up to this long between two escapes is copied into percentDecode's byte run. */
const SHORT_TEXT = 32;

/**
 * Copies s[a, b) into `run` from `nr` when every character is Latin-1: the new length, or -1 (then
 * what was written past `nr` is not part of the run).
 */
function latin1Into(s: string, a: number, b: number, run: Uint8Array, nr: number): number {
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c > 0xff) return -1;
    run[nr++] = c;
  }
  return nr;
}

/**
 * The first `%` at or after `from` that a hex digit, `u` or `U` follows, or -1: the only ones that can
 * start an escape (`%XX`, `%uXXXX`). The loop of percentDecode does nothing at any other `%` once no
 * byte is pending (it flushes them first), so those are skipped here, in a tight loop: the next `%`
 * read within 8 characters, past them one native search. Where `%` is dense and starts nothing
 * (`%'\;`, `100%;`), a loop turn and a native search per `%` were ~3 µs/KB of 1 MB of `%'\;`.
 * Linear: each character is read at most twice (the window, then the search from its end).
 */
function nextLivePercent(s: string, from: number): number {
  for (let k = nextChar(s, from, 37, '%'); k !== -1; k = nextChar(s, k + 1, 37, '%')) {
    // (Last character: nothing follows it to escape, and nothing is read past the end.)
    if (k + 1 === s.length) return -1;
    const c = s.charCodeAt(k + 1);
    if (hexVal(c) >= 0 || (c | 0x20) === 117) return k;
  }
  return -1;
}

/**
 * The first `ch` (`code`, its char code) at or after `from`, or -1: read in a tight loop within 8
 * characters, past them one native search, so that a dense run of `ch` costs no call per character
 * and a sparse one a single search. Shared by nextLivePercent and nextAmp.
 */
function nextChar(s: string, from: number, code: number, ch: string): number {
  const n = s.length;
  const end = from + 8 < n ? from + 8 : n;
  for (let k = from; k < end; k++) if (s.charCodeAt(k) === code) return k;
  return end === n ? -1 : s.indexOf(ch, end);
}

/**
 * Decodes `%XX` (as UTF-8, overlong forms included) and `%uXXXX`. With `plusIsSpace`, `+` is a space
 * (form bodies, S3 keys). Invalid escapes are kept verbatim.
 */
export function percentDecode(s: string, plusIsSpace = false): string {
  const first = s.indexOf('%');
  if (first === -1 && !(plusIsSpace && s.includes('+'))) return s;
  // Verbatim runs are copied as slices (`last` is where the pending run starts); only decoded parts
  // are built. A string with nothing to decode comes back as the same string.
  let out = '';
  let last = 0;
  let bytes: number[] = [];
  // Past the first RUN_AFTER ASCII escapes, decoded ASCII characters go into `run` (sized for every
  // escape left) and join `out` as one string per stretch (flushRun): `out += char` per escape built
  // a rope of a million pieces for the detectors to flatten, and a number[] grown to that size cost
  // more still (1 MB of `%25`: deepDecode ~18 -> ~6 µs/KB). Short values never allocate it.
  let run: Uint8Array | undefined;
  let nr = 0;
  let escapes = 0;
  const n = s.length;
  for (let i = plusIsSpace ? 0 : first; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */) {
      // Reads past the end are NaN without calling charCodeAt out of bounds: a call site that has
      // read past the end stays slower in V8's optimized code (a value ending in `%` or `%2`).
      const h1 = i + 1 < n ? hexVal(s.charCodeAt(i + 1)) : -1;
      const h2 = h1 >= 0 && i + 2 < n ? hexVal(s.charCodeAt(i + 2)) : -1;
      if (h1 >= 0 && h2 >= 0) {
        const b = h1 * 16 + h2;
        if (bytes.length === 0) {
          if (last < i) {
            // Short verbatim text between escapes joins the stretch in `run` when it is Latin-1 (the
            // stretch is Latin-1 text either way): flushing the stretch and appending a slice for
            // each cost a Buffer round trip and two rope pieces per gap, ~40 µs/KB on 1 MB of
            // `%41%42x` (more than the whole engine on prose).
            const m = run !== undefined && i - last <= SHORT_TEXT ? latin1Into(s, last, i, run, nr) : -1;
            if (m >= 0) nr = m;
            else {
              if (nr > 0) {
                out += flushRun(run as Uint8Array, nr);
                nr = 0;
              }
              out += s.slice(last, i);
            }
          }
          // An ASCII byte outside a multi-byte sequence is its own character (utf8() would give the
          // same): `%20`, `%27`, `%3D` skip the byte list and its decoding, ~0.2 µs a query value.
          if (b < 0x80) {
            // Room for every character left: each later escape adds one byte for three characters,
            // each verbatim character one.
            if (run === undefined && ++escapes > RUN_AFTER) run = new Uint8Array(n - i + 1);
            if (run === undefined) out += String.fromCharCode(b);
            else {
              run[nr++] = b;
              // More ASCII escapes right after (`%25%25…`), and short verbatim text between them
              // (`%41%42x%41…`): each is what the pass above would do for it (no byte pending; an
              // ASCII escape is one byte into `run`; Latin-1 text of at most SHORT_TEXT characters
              // followed by a `%` is copied into `run`, as latin1Into does there), so they are read
              // here with those questions already answered. The text is scanned before it is copied
              // (at most SHORT_TEXT + 1 reads a stop, each stop after an escape, so it stays
              // linear). Anything else (a bad or non-ASCII escape, `%u`, a `+` read as a space,
              // text past SHORT_TEXT, a character above U+00FF, the end) ends it and is read by the
              // loop from `k`, with nothing pending. 1 MB of `%41%42x`: ~4.7 -> ~2 µs/KB (the loop
              // took three passes and a call per seven characters). `run` has room (see where it is
              // made: one byte at most per character from there).
              let k = i + 3;
              for (;;) {
                if (k + 2 < n && s.charCodeAt(k) === 37) {
                  const g1 = hexVal(s.charCodeAt(k + 1));
                  const g2 = hexVal(s.charCodeAt(k + 2));
                  if (g1 < 0 || g1 > 7 || g2 < 0) break;
                  run[nr++] = g1 * 16 + g2;
                  k += 3;
                  continue;
                }
                let j = k;
                const stop = k + SHORT_TEXT + 1 < n ? k + SHORT_TEXT + 1 : n;
                while (j < stop) {
                  const e = s.charCodeAt(j);
                  if (e === 37 || e > 0xff || (plusIsSpace && e === 43)) break;
                  j++;
                }
                if (j === k || j === stop || s.charCodeAt(j) !== 37) break;
                for (let q = k; q < j; q++) run[nr++] = s.charCodeAt(q);
                k = j;
              }
              i = k - 3;
            }
            i += 2;
            last = i + 1;
            continue;
          }
          if (nr > 0) {
            out += flushRun(run as Uint8Array, nr);
            nr = 0;
          }
        }
        bytes.push(b);
        i += 2;
        last = i + 1;
        continue;
      }
      if (i + 5 < n && (s.charCodeAt(i + 1) | 0x20) === 117 /* u */) {
        const a = hexVal(s.charCodeAt(i + 2));
        const b = hexVal(s.charCodeAt(i + 3));
        const d = hexVal(s.charCodeAt(i + 4));
        const e = hexVal(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          if (bytes.length > 0) {
            out += utf8(bytes);
            bytes = [];
          } else {
            if (nr > 0) {
              out += flushRun(run as Uint8Array, nr);
              nr = 0;
            }
            out += s.slice(last, i);
          }
          out += String.fromCharCode((a << 12) | (b << 8) | (d << 4) | e);
          i += 5;
          last = i + 1;
          continue;
        }
      }
    }
    if (bytes.length > 0) {
      out += utf8(bytes);
      bytes = [];
    }
    if (plusIsSpace && c === 43) {
      if (nr > 0) {
        out += flushRun(run as Uint8Array, nr);
        nr = 0;
      }
      out += s.slice(last, i) + ' ';
      last = i + 1;
    }
    // No multi-byte sequence is pending here (flushed above), so the characters up to the next `%`
    // (or `+`) would each pass through this loop doing nothing: go to it directly. Same output; the
    // per-character loop cost ~2.3 µs/KB on prose with one `%` near its start. A `%` right next is
    // taken without the search (a run of `%%%%` would otherwise pay a call per character).
    const d = i + 1 < n ? s.charCodeAt(i + 1) : 37;
    if (d === 37) {
      // A `%` followed by `%` is no escape: in a run of them only the last can start one.
      let j = i + 1;
      while (j + 1 < n && s.charCodeAt(j + 1) === 37) j++;
      i = j - 1;
      continue;
    }
    if (plusIsSpace && d === 43) continue;
    if (plusIsSpace) {
      let j = i + 2;
      while (j < n) {
        const e = s.charCodeAt(j);
        if (e === 37 || e === 43) break;
        j++;
      }
      i = j - 1;
    } else {
      const j = nextLivePercent(s, i + 2);
      if (j === -1) break;
      i = j - 1;
    }
  }
  if (bytes.length > 0) out += utf8(bytes);
  if (nr > 0) out += flushRun(run as Uint8Array, nr);
  if (last === 0) return s;
  return last < s.length ? out + s.slice(last) : out;
}

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  sol: '/',
  bsol: '\\',
  colon: ':',
  semi: ';',
  lpar: '(',
  rpar: ')',
  lsqb: '[',
  rsqb: ']',
  lbrack: '[',
  rbrack: ']',
  lcub: '{',
  rcub: '}',
  lbrace: '{',
  rbrace: '}',
  equals: '=',
  grave: '`',
  tab: '\t',
  newline: '\n',
  nbsp: '\u00a0',
  period: '.',
  comma: ',',
  excl: '!',
  num: '#',
  dollar: '$',
  percnt: '%',
  plus: '+',
  ast: '*',
  lowbar: '_',
  verbar: '|',
  vert: '|',
  quest: '?',
  commat: '@',
  hat: '^',
};

/**
 * NAMED_ENTITIES as a table indexed by a number read from the lower-cased name while its letters are
 * checked (each letter 1-26 in base 32), for names of at most NAME_KEY_MAX letters (all but
 * `newline`): the key modulo NAMED_SLOTS.length, the smallest modulus that gives each name its own
 * slot (found at load, a few thousand steps), then one compare. No slice, toLowerCase and property
 * lookup per entity, which cost ~50 ns each (1 MB of `&lt;`: htmlDecode ~18 -> ~4 µs/KB; a Map
 * lookup instead of the slot, ~0.4 µs/KB more). Longer names take the string lookup.
 */
const NAME_KEY_MAX = 6;
function nameKey(name: string): number {
  let key = 0;
  for (let k = 0; k < name.length; k++) key = key * 32 + (name.charCodeAt(k) - 96);
  return key;
}
/**
 * Where the search for that modulus starts: the one it finds for today's NAMED_ENTITIES. Starting
 * at the names' count took ~1 ms at cold start (a few thousand tables tried); from here it is one
 * table. If the list changes, the search goes on from here to the next that works (still correct).
 */
const NAMED_MODULUS_HINT = 225;
const [NAMED_SLOTS, NAMED_VALUES] = ((): [Int32Array, Uint16Array] => {
  const names = Object.keys(NAMED_ENTITIES).filter((x) => x.length <= NAME_KEY_MAX);
  for (let m = Math.max(names.length, NAMED_MODULUS_HINT); ; m++) {
    const slots = new Int32Array(m).fill(-1);
    const values = new Uint16Array(m);
    let ok = true;
    for (const name of names) {
      const key = nameKey(name);
      if (slots[key % m] !== -1) {
        ok = false;
        break;
      }
      slots[key % m] = key;
      values[key % m] = NAMED_ENTITIES[name]!.charCodeAt(0);
    }
    if (ok) return [slots, values];
  }
})();

/**
 * Decodes numeric (`&#60;`, `&#x3c;`, with or without the `;`, as browsers accept) and the named entities
 * attackers use for punctuation. Unknown names are kept.
 */
/**
 * The first `&` at or after `from` that `#` or an ASCII letter follows, or -1: the only ones that can
 * start a reference. htmlDecode's loop does nothing at any other (`&&`, `& `, `&0`, `&{`, a final `&`),
 * so those are skipped here: the next `&` read within 8 characters, past them one native search.
 * Where `&` is dense and starts nothing (`&{'`, `x:/&0`) a loop turn per `&` was ~3 µs/KB of the
 * engine on 1 MB; prose with a rare `&` stays one native search a reference. Linear: each character
 * is read at most twice (the window, then the search from its end).
 */
function nextAmp(s: string, from: number): number {
  for (let k = nextChar(s, from, 38, '&'); k !== -1; k = nextChar(s, k + 1, 38, '&')) {
    if (k + 1 === s.length) return -1;
    const c = s.charCodeAt(k + 1);
    const l = c | 0x20;
    if (c === 35 || (l >= 97 && l <= 122)) return k;
  }
  return -1;
}

export function htmlDecode(s: string): string {
  const first = s.indexOf('&');
  if (first === -1) return s;
  // Verbatim runs are copied as slices; see percentDecode. Past the first RUN_AFTER entities, the
  // characters they decode to (when Latin-1) go into `run` and join `out` as one string per stretch,
  // as in percentDecode: `out += char` per entity built a rope of 200 000 pieces for 1 MB of
  // `&#38;`, flattened by the next reader (~4 µs/KB). Short values never allocate it.
  let out = '';
  let last = 0;
  let run: Uint8Array | undefined;
  let nr = 0;
  let entities = 0;
  const n = s.length;
  // `i` is always at a `&`. The next one is looked for from the first character the attempt did not
  // take (`after`): one load when it is a `&` (runs of entities, `&#&#…`), else one native search.
  // The attempt's characters (`#`, `x`, digits, letters, `;`) hold no `&`. A search per entity from
  // the character after it cost ~8 µs/KB on 1 MB of `&#`.
  for (let i = first; i !== -1; ) {
    const c1 = i + 1 < n ? s.charCodeAt(i + 1) : -1;
    if (c1 === 38) {
      // `&&`: no entity starts at this `&` (what follows it is neither `#` nor a letter); in a run
      // of them only the last can start one.
      let j = i + 1;
      while (j + 1 < n && s.charCodeAt(j + 1) === 38) j++;
      i = j;
      continue;
    }
    let v = -1; // the code point decoded here, or -1
    let after = i + 1; // the first character after the entity (or after what was read of it)
    if (c1 === 35 /* # */) {
      let j = i + 2;
      // (Reads at n are guarded here and below: a charCodeAt site that reads past the end stays
      // slower in V8's optimized code, and a value may end inside an entity.)
      const hex = j < n && (s.charCodeAt(j) | 0x20) === 120; /* x */
      if (hex) j++;
      let cp = 0;
      const start = j;
      // At most 8 digits: a longer run is not a code point, and the cap keeps cp finite. (A loop per
      // base, without a base test per digit.)
      const stop = start + 8 < n ? start + 8 : n;
      if (hex) {
        for (; j < stop; j++) {
          const d = hexVal(s.charCodeAt(j));
          if (d < 0) break;
          cp = cp * 16 + d;
        }
      } else {
        for (; j < stop; j++) {
          const d = s.charCodeAt(j) - 48;
          if (d < 0 || d > 9) break;
          cp = cp * 10 + d;
        }
      }
      if (j > start) {
        v = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? cp : 0xfffd;
        after = j < n && s.charCodeAt(j) === 59 /* ; */ ? j + 1 : j;
      } else after = j;
    } else {
      let j = i + 1;
      let key = 0;
      while (j < n && j - i <= 8) {
        const l = s.charCodeAt(j) | 0x20;
        if (l < 97 || l > 122) break;
        key = key * 32 + (l - 96);
        j++;
      }
      if (j > i + 1 && j < n && s.charCodeAt(j) === 59) {
        let named = -1;
        if (j - i - 1 <= NAME_KEY_MAX) {
          const slot = key % NAMED_SLOTS.length;
          if (NAMED_SLOTS[slot] === key) named = NAMED_VALUES[slot]!;
        }
        else {
          const name = s.slice(i + 1, j).toLowerCase();
          if (Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, name)) named = NAMED_ENTITIES[name]!.charCodeAt(0);
        }
        if (named !== -1) {
          v = named;
          after = j + 1;
        } else after = j;
      } else after = j;
    }
    if (v >= 0) {
      if (last < i) {
        if (nr > 0) {
          out += flushRun(run as Uint8Array, nr);
          nr = 0;
        }
        out += s.slice(last, i);
      }
      // Every named entity's value is one character (checked by the tests), as a code point here.
      if (run === undefined && v <= 0xff && ++entities > RUN_AFTER) run = new Uint8Array((((n - i) / 3) | 0) + 1);
      if (run !== undefined && v <= 0xff) run[nr++] = v;
      else {
        if (nr > 0) {
          out += flushRun(run as Uint8Array, nr);
          nr = 0;
        }
        out += String.fromCodePoint(v);
      }
      last = after;
    }
    i = after < n ? nextAmp(s, after) : -1;
  }
  if (nr > 0) out += flushRun(run as Uint8Array, nr);
  if (last === 0) return s;
  return last < s.length ? out + s.slice(last) : out;
}

/**
 * The first `i` from `from` with a `\\` at `i`, `u` or `x` (any case) after it, and then a hex digit
 * (or `{` after `u`), or -1: where escapeDecode may decode something. A loop of its own:
 * escapeDecode's read every character through its own loop (~3 ns a character on 1 MB of `\\.\\./`,
 * where no backslash starts an escape); this one is a load and a compare.
 */
function nextEscapeStart(s: string, from: number): number {
  // Every escape is at least 4 characters (`\xHH`): none starts at or after s.length - 3, so the
  // reads below stay inside the string.
  const n = s.length - 3;
  for (let i = from; i < n; i++) {
    if (s.charCodeAt(i) !== 92) continue;
    const d = s.charCodeAt(i + 1) | 0x20;
    if (d !== 117 && d !== 120) continue;
    // What escapeDecode needs next: a hex digit (either form), or `{` after `u`. Any other
    // character fails there before anything is written, and the search went on from i + 1: it goes
    // on here (1 MB of `\x(`: an attempt per three characters, ~1.5 µs/KB of the engine).
    const e = s.charCodeAt(i + 2);
    if (hexVal(e) >= 0 || (d === 117 && e === 123)) return i;
  }
  return -1;
}

/**
 * The first index from `from` of `u`, `x`, `U` or `X`, or -1. Four native searches, each a memchr
 * (a letter absent from 1 MB costs ~10 µs to rule out); the smallest wins.
 */
function escapeLetterAfter(s: string, from: number): number {
  return firstOf(firstOf(s.indexOf('u', from), s.indexOf('x', from)), firstOf(s.indexOf('U', from), s.indexOf('X', from)));
}

/** The smaller of two indexes, -1 meaning none. */
function firstOf(a: number, b: number): number {
  return a === -1 || (b !== -1 && b < a) ? b : a;
}

/** Decodes JSON/JS escapes an attacker can smuggle in a string: `\uXXXX`, `\u{X…}`, `\xHH`. */
export function escapeDecode(s: string): string {
  const first = s.indexOf('\\');
  if (first === -1) return s;
  // An escape's second character is `u` or `x` (either case): none after the first backslash, no
  // escape, and the scan starts at the backslash before the first of them. Four native searches
  // (~0.01 µs/KB each) where the loop read every character (~2.2 µs/KB of the engine's ~39 on 1 MB of
  // `` `\'( ``, `-('\0`, `%'\;`: backslashes that start no escape, and no such letter at all).
  const letter = escapeLetterAfter(s, first + 1);
  if (letter === -1) return s;
  // Verbatim runs are copied as slices; see percentDecode.
  let out = '';
  let last = 0;
  for (let i = letter - 1; i < s.length; i++) {
    // Only a `\` followed by `u` or `x` (any case) starts an escape: go to the next one.
    i = nextEscapeStart(s, i);
    if (i === -1) break;
    const n = s.charCodeAt(i + 1) | 0x20;
    if (n === 117 /* u */) {
      if (s.charCodeAt(i + 2) === 123 /* { */) {
        let j = i + 3;
        let cp = 0;
        while (j < s.length && j - i < 10 && hexVal(s.charCodeAt(j)) >= 0) cp = cp * 16 + hexVal(s.charCodeAt(j++));
        if (j > i + 3 && s.charCodeAt(j) === 125 && cp <= 0x10ffff) {
          out += s.slice(last, i) + String.fromCodePoint(cp);
          i = j;
          last = i + 1;
          continue;
        }
      } else {
        const a = hexVal(s.charCodeAt(i + 2));
        const b = hexVal(s.charCodeAt(i + 3));
        const d = hexVal(s.charCodeAt(i + 4));
        const e = hexVal(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          out += s.slice(last, i) + String.fromCharCode((a << 12) | (b << 8) | (d << 4) | e);
          i += 5;
          last = i + 1;
          continue;
        }
      }
    } else if (n === 120 /* x */) {
      const a = hexVal(s.charCodeAt(i + 2));
      const b = hexVal(s.charCodeAt(i + 3));
      if (a >= 0 && b >= 0) {
        out += s.slice(last, i) + String.fromCharCode(a * 16 + b);
        i += 3;
        last = i + 1;
        continue;
      }
    }
  }
  if (last === 0) return s;
  return last < s.length ? out + s.slice(last) : out;
}

/**
 * Undoes nested encodings: up to three rounds of percent, entity and escape decoding, stopping at a
 * fixpoint. Returns undefined when the string carries no encoding at all (the common case), so callers
 * run detectors once. Cost: one `includes` per marker for clean strings.
 */
export function deepDecode(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('&') && !s.includes('\\')) return undefined;
  let cur = s;
  for (let round = 0; round < 3; round++) {
    const next = escapeDecode(htmlDecode(percentDecode(cur)));
    if (next === cur) break;
    cur = next;
  }
  return cur === s ? undefined : cur;
}

/**
 * Strict base64 check and decode. `Buffer.from(x, 'base64')` silently skips invalid characters, which
 * would let an attacker make us inspect something other than what the application decodes; so invalid
 * input is reported instead of guessed at.
 */
export function decodeBase64(s: string): string | undefined {
  return base64Bytes(s)?.toString('utf8');
}

/** The bytes of strict base64 (see decodeBase64), or undefined when it is not. */
export function base64Bytes(s: string): Buffer | undefined {
  // Fast path: standard, padded base64 without line breaks (what Pub/Sub, Kinesis, SQS and most
  // encoders produce) is exactly what Node's encoder writes back from its own decoding, and such a
  // string passes the check below. Two native passes (~0.5 µs per KB) instead of the scan (~3-4 µs).
  const bytes = Buffer.from(s, 'base64');
  if (bytes.toString('base64') === s) return bytes;
  return base64Digits(s) >= 0 ? bytes : undefined;
}

/**
 * How many base64 digits `s` holds when it is strict base64 as base64Bytes takes it (the standard and
 * URL-safe alphabets, at most two `=` and only at the end, line breaks anywhere, a digit count plus
 * padding that is not 1 mod 4), else -1. One pass, no decoding (envelope.ts tells an envelope by it).
 */
export function base64Digits(s: string): number {
  let n = 0;
  let pad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61 /* = */) {
      pad++;
      continue;
    }
    if (pad > 0) {
      if (c === 10 || c === 13) continue;
      return -1;
    }
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
    if (ok) n++;
    else if (c !== 10 && c !== 13) return -1;
  }
  return pad > 2 || (n + pad) % 4 === 1 ? -1 : n;
}

/** Constructor of nullRecord()'s objects: its prototype is an empty object without a prototype. */
function NullRecord(): void {}
// Frozen: nothing can be added to what every record inherits.
NullRecord.prototype = Object.freeze(Object.create(null) as object);

/**
 * An empty record that inherits nothing (no `constructor`, no `__proto__` accessor: `r.__proto__ = v`
 * is an own entry), like `Object.create(null)`, but a fast-mode object: V8 keeps `Object.create(null)`
 * objects as hash tables, whose every store and every `for…in` (a fresh, sorted key list per walk)
 * costs several times a fast object's. Headers, cookies and query parameters are built in these on
 * every invocation and walked right after (~0.3 µs and ~0.9 KB of garbage per object).
 */
export function nullRecord<T>(): Record<string, T> {
  return new (NullRecord as unknown as new () => Record<string, T>)();
}

/** Each `k=v` pair of a form or query string in order, decoded as form fields are (`+` a space). */
export function eachFormPair(s: string, each: (k: string, v: string) => void): void {
  // One pass of indexOf searches over `s`, as `s.split('&')` and a split of each part would read it,
  // without their array and part strings (a query string is parsed on every HTTP invocation). `eq`
  // is the next `=` at or after `start`, searched again only once passed: linear however many
  // parts lack one.
  const n = s.length;
  let start = 0;
  let eq = -2;
  // `pct` and `plus`: the first `%` and the first `+` at or after where they are needed (n when none),
  // each searched again only once passed, as `eq`: linear however the parts fall. percentDecode(x,
  // true) returns x itself when x holds neither (its first line), so a name or value that ends before
  // both is used as sliced: `page=2&sort=price` makes no percentDecode call (a call and two searches
  // per name and per value).
  let pct = -1;
  let plus = -1;
  while (start < n) {
    let end = s.indexOf('&', start);
    if (end === -1) end = n;
    if (end > start) {
      if (pct < start) pct = indexOrEnd(s, '%', start);
      if (plus < start) plus = indexOrEnd(s, '+', start);
      if (eq !== -1 && eq < start) eq = s.indexOf('=', start);
      if (eq === -1 || eq >= end) each(pct < end || plus < end ? percentDecode(s.slice(start, end), true) : s.slice(start, end), '');
      else {
        const k = pct < eq || plus < eq ? percentDecode(s.slice(start, eq), true) : s.slice(start, eq);
        if (pct < eq) pct = indexOrEnd(s, '%', eq + 1);
        if (plus < eq) plus = indexOrEnd(s, '+', eq + 1);
        each(k, pct < end || plus < end ? percentDecode(s.slice(eq + 1, end), true) : s.slice(eq + 1, end));
      }
    }
    start = end + 1;
  }
}

/** s.indexOf(c, from), or s.length when there is none. */
function indexOrEnd(s: string, c: string, from: number): number {
  const i = s.indexOf(c, from);
  return i === -1 ? s.length : i;
}

/**
 * `s` as a flat string of its own: V8 makes a slice of 13 characters or more a view into its parent
 * (a query value into the raw query string, a path segment into the path), and compares such a view
 * with another string in the runtime (~35-80 ns), where two flat strings compare inline (~5 ns). For
 * values kept across invocations and compared on each (the engine's clean front, a cached query or
 * path reading), a copy made once is cheaper than that compare on every request; and it holds no
 * parent alive. A join of two pieces builds a new flat string (as the engine's ownCopy); shorter
 * strings are copies already and are returned as they are.
 */
export function flatCopy(s: string): string {
  return s.length < 13 ? s : [s.slice(0, 1), s.slice(1)].join('');
}

/** `a=1&b=2&b=3` to `{ a: '1', b: ['2', '3'] }`, `+` as space; keys kept verbatim (`user[$ne]`). */
export function parseForm(s: string): Record<string, string | string[]> {
  const out = nullRecord<string | string[]>();
  eachFormPair(s, (k, v) => {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  });
  return out;
}

/**
 * The entries of an `X-Forwarded-For` value with more than one (undefined otherwise), trimmed, as
 * Express's `req.ips` and `req.ip` (the leftmost entry, under the functions-framework's `trust
 * proxy`) and the usual `xff.split(',')[0]` hand them to the code: a value the caller writes in
 * front of the proxies' entries is read alone, without the addresses after it.
 */
export function forwardedEntries(v: string): string[] | undefined {
  if (!v.includes(',')) return undefined;
  const out: string[] = [];
  for (const part of v.split(',')) {
    const e = part.trim();
    if (e.length > 0) out.push(e);
  }
  return out.length > 1 ? out : undefined;
}

/** Splits a `Cookie` header into name/value pairs; values percent-decoded as most frameworks do. */
export function parseCookieHeader(
  header: string,
  // Null prototype: a cookie named __proto__ must stay a plain entry.
  into: Record<string, string> = nullRecord<string>(),
): Record<string, string> {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name.length === 0) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    const decoded = percentDecode(value);
    const prev = into[name];
    if (prev === undefined) into[name] = decoded;
    else if (prev !== decoded) addRepeatedCookie(into, name, decoded);
  }
  return into;
}

/** Per cookie record: the next `#n` for each repeated name (linear in the header). */
const cookieRepeats = new WeakMap<object, Map<string, number>>();

/**
 * A name sent twice (`sid=<payload>; sid=x`): `cookie.parse` (Express's cookie-parser, most Node code)
 * and PHP keep the first value, other readers the last, so every value is inspected. The first stays
 * under the name; each later value that differs from it goes under `name#2`, `name#3`… (a real
 * cookie already named so is kept: the count skips taken keys). Keeping only the last, as before,
 * let the first value through uninspected. Costs one lookup per cookie; repeats only a Map entry.
 */
function addRepeatedCookie(into: Record<string, string>, name: string, value: string): void {
  let counts = cookieRepeats.get(into);
  if (counts === undefined) cookieRepeats.set(into, (counts = new Map()));
  let n = counts.get(name) ?? 2;
  while (into[`${name}#${n}`] !== undefined) n++;
  into[`${name}#${n}`] = value;
  counts.set(name, n + 1);
}
