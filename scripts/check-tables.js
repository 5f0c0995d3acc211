/**
 * Build step after tsc (`npm run build`): tables that detectors carry written out in their source,
 * instead of computing them at every cold start, must equal what their builder computes from the
 * detector's own functions. Fails the build when one differs (a detector or its command table changed
 * and the written table was not) and prints the strings to paste.
 *
 * Why they are written out: building them at load ran thousands of detector calls in the module's
 * top-level code, enough for V8 to optimize those functions with TurboFan at every cold start (see
 * SHORT_RUN_TRUE in src/detectors/shell-injection.ts). The tables tests check the same in `npm test`.
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

if (failed) process.exit(1);
