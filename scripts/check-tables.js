/**
 * Build step after tsc (`npm run build`): tables that detectors carry written out in their source,
 * instead of computing them at every cold start, must equal what their builder computes from the
 * detector's own functions. Fails the build when one differs (a detector or its command table changed
 * and the written table was not) and prints the strings to paste.
 *
 * Why they are written out: building them at load ran thousands of detector calls in the module's
 * top-level code, enough for V8 to optimize those functions with TurboFan at every cold start (see
 * SHORT_RUN_TRUE in src/detectors/shell-injection.ts). The tables tests check the same in `npm test`.
 *
 * Written tables (src/packed.ts): the SQL, shell, path-traversal, code-injection and deserialization
 * detectors' hash tables, signature maps, the SQL vocabulary, the code hints' last-character maps and
 * the deserialization pair maps are decoded at load from src/detectors/{sql,shell,path,code,deser}-tables.ts.
 * They must equal what the detectors' builders (buildSqlTables, buildCmdTables and buildKeyPrefix,
 * buildSegTables, buildHintLast, buildPairs) make from the word lists; when they differ, `node scripts/check-tables.js --write`
 * rewrites the files from the builders (then build again).
 */
'use strict';
const path = require('node:path');

const dist = path.resolve(__dirname, '..', 'dist', 'src');
let failed = false;

/** Pairs of characters of the entries of `table` equal to `value`, in index order. */
function pairs(table, value) {
  let out = '';
  for (let i = 0; i < table.length; i++) if (table[i] === value) out += String.fromCharCode(i >> 7, i & 127);
  return out;
}

{
  const { SHORT_RUN, SR_TRUE, SR_HYPH, buildShortRun } = require(path.join(dist, 'detectors', 'shell-injection.js')).SHORT_RUN_FOR_CHECK;
  const built = buildShortRun();
  let same = built.length === SHORT_RUN.length;
  for (let i = 0; same && i < built.length; i++) same = built[i] === SHORT_RUN[i];
  if (!same) {
    failed = true;
    process.stderr.write(
      'check-tables: src/detectors/shell-injection.ts SHORT_RUN differs from buildShortRun(); write:\n' +
        `  SHORT_RUN_TRUE = ${JSON.stringify(pairs(built, SR_TRUE))}\n  SHORT_RUN_HYPH = ${JSON.stringify(pairs(built, SR_HYPH))}\n`,
    );
  }
}

const WRITE = process.argv.includes('--write');
const { tableDifference } = require(path.join(dist, 'packed.js'));

/** Base64 of a typed array's bytes, little-endian on any host (src/packed.ts swaps on a big-endian one). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const b64 = (ta) => {
  const b = Buffer.from(ta.buffer, ta.byteOffset, ta.byteLength);
  if (HOST_LITTLE_ENDIAN || ta.BYTES_PER_ELEMENT === 1) return b.toString('base64');
  const c = Buffer.from(b); // a copy, swapped
  if (ta.BYTES_PER_ELEMENT === 2) c.swap16();
  else c.swap32();
  return c.toString('base64');
};
/** Indices of the entries of `ta` that are not 0 / '' (Uint16: every table here has <= 65,536 entries). */
function nonEmpty(ta) {
  if (ta.length > 65536) throw new Error('check-tables: a table too long for Uint16 indices');
  const at = [];
  for (let i = 0; i < ta.length; i++) if (ta[i] !== 0 && ta[i] !== '') at.push(i);
  return Uint16Array.from(at);
}
const pick = (ta, at, Ctor) => Ctor.from(at, (i) => ta[i]);
/** Indices of a byte map whose entries are 0 or 1. */
function ones(ta) {
  const at = nonEmpty(ta);
  for (const i of at) if (ta[i] !== 1) throw new Error('check-tables: a signature map entry other than 0/1');
  return b64(at);
}
const flagTable = (t) => {
  const at = nonEmpty(t.flags);
  return { at: b64(at), keys: b64(pick(t.keys, at, Int32Array)), flags: b64(pick(t.flags, at, Uint16Array)) };
};
const hashSet = (h) => {
  const at = nonEmpty(h.used);
  return { at: b64(at), keys: b64(pick(h.keys, at, Int32Array)) };
};
const vocabulary = (v) => {
  if (v.vals.some((w) => w.includes(' '))) throw new Error('check-tables: a vocabulary word holds a space');
  const at = nonEmpty(v.vals);
  return { slots: v.vals.join(' '), at: b64(at), keys: b64(pick(v.keys, at, Int32Array)), sig: ones(v.sig), prefixes: v.prefixes, short: v.short, asciiOnly: v.asciiOnly };
};

/**
 * Compares a detector's written tables (src/detectors/<name>-tables.ts, exported as `constName`) with
 * what its builders make from its lists; with --write, rewrites the file from `encode(built)`.
 */
function checkWritten(name, module, forCheck, constName, builder, encode) {
  const file = path.resolve(__dirname, '..', 'src', 'detectors', `${name}-tables.ts`);
  const check = require(path.join(dist, 'detectors', module))[forCheck];
  const built = check.build();
  const diff = tableDifference(built, check.loaded());
  if (diff === '') return;
  if (!WRITE) {
    failed = true;
    process.stderr.write(`check-tables: src/detectors/${name}-tables.ts differs from ${builder} at ${diff}; run \`node scripts/check-tables.js --write\` and build again\n`);
    return;
  }
  require('node:fs').writeFileSync(
    file,
    `// Generated by \`node scripts/check-tables.js --write\` from the lists of src/detectors/${module.replace(/\.js$/, '.ts')}\n` +
      `// (${builder}): do not edit. \`npm run build\` and the tables test build the tables from the lists and fail\n` +
      '// when what this file decodes to differs. Encoding: src/packed.ts.\n' +
      `export const ${constName} = ${JSON.stringify(encode(built), null, 2)} as const;\n`,
  );
  process.stderr.write(`check-tables: wrote src/detectors/${name}-tables.ts (was: ${diff}); build again\n`);
}

checkWritten('sql', 'sql-injection.js', 'SQL_TABLES_FOR_CHECK', 'SQL_TABLES', 'buildSqlTables', (b) => {
  const sets = {};
  for (const k of ['BARE_HASHES', 'STMT_LEADS', 'ROW_SOURCES', 'AFTER_QUOTE_HASHES', 'PG_TYPE_HASHES', 'ADVANCING_LEADS']) sets[k] = hashSet(b[k]);
  const kw2 = nonEmpty(b.KW2);
  return { kw: flagTable(b.KW), kwSig: ones(b.KW_SIG), kw2: { at: b64(kw2), flags: b64(pick(b.KW2, kw2, Uint16Array)) }, vocab: vocabulary(b.VOCABULARY), sets };
});

checkWritten('shell', 'shell-injection.js', 'SHELL_TABLES_FOR_CHECK', 'SHELL_TABLES', 'SHELL_TABLES_FOR_CHECK.build', (b) => {
  const at = nonEmpty(b.CMD_FLAGS);
  return {
    cmd: { at: b64(at), keys: b64(pick(b.CMD_KEYS, at, Int32Array)), flags: b64(pick(b.CMD_FLAGS, at, Uint8Array)), sig: ones(b.CMD_SIG), sig2: ones(b.CMD_SIG2) },
    letterless: b.LETTERLESS_RUN,
    keyPair: ones(b.KEY_PAIR),
    keyOne: ones(b.KEY_ONE),
  };
});

checkWritten('path', 'path-traversal.js', 'PATH_TABLES_FOR_CHECK', 'PATH_TABLES', 'buildSegTables', (b) => ({
  seg: hashSet(b.SEG_HASHES),
  ext: hashSet(b.EXT_HASHES),
  weak: hashSet(b.WEAK_HASHES),
  segSig: ones(b.SEG_SIG),
}));

checkWritten('code', 'code-injection.js', 'CODE_TABLES_FOR_CHECK', 'CODE_TABLES', 'buildHintLast', (b) => ({ hintLast: ones(b.HINT_LAST), hintLastBy: ones(b.HINT_LAST_BY) }));

checkWritten('deser', 'deserialization.js', 'DESER_TABLES_FOR_CHECK', 'DESER_TABLES', 'buildPairs', (b) => ({ pair: ones(b.PAIR), markerBigrams: ones(b.MARKER_BIGRAMS) }));

if (failed) process.exit(1);
