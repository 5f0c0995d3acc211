import t, { type Test } from 'tap';
import { LOAD_TABLES_FOR_TEST, SHORT_RUN_FOR_CHECK } from '../../src/detectors/shell-injection';

// The command tables are built at load with the run scan and runHash's FNV-1a inline (no isRunChar or
// runHash calls: thousands of them made V8 optimize both at every cold start). Rebuilt here the way
// they were before, with the module's own runHash, runSig, runSig2, isRunChar: every slot must match.
const T = LOAD_TABLES_FOR_TEST;

interface Tables {
  keys: Int32Array;
  flags: Uint8Array;
  sig: Uint8Array;
  sig2: Uint8Array;
  letterless: boolean;
}

/** The construction before the inline scan (also the words added after the names: keep in step). */
function reference(names: Iterable<string>): Tables {
  const r: Tables = { keys: new Int32Array(2048), flags: new Uint8Array(2048), sig: new Uint8Array(65536), sig2: new Uint8Array(65536), letterless: false };
  const add = (run: string, f: number): void => {
    const h = T.runHash(run, 0, run.length);
    let i = h & 2047;
    while (r.flags[i] !== 0 && r.keys[i] !== h) i = (i + 1) & 2047;
    r.keys[i] = h;
    r.flags[i] = (r.flags[i] as number) | f;
    r.sig[T.runSig(run, 0, run.length)] = 1;
    r.sig2[T.runSig2(run, 0, run.length)] = 1;
  };
  for (const name of names) {
    let e = 0;
    while (e < name.length && T.isRunChar(name.charCodeAt(e))) e++;
    if (e === 0) continue;
    add(name.slice(0, e), e < name.length && name.charCodeAt(e) === 45 ? T.CR_HYPH : T.CR_PLAIN);
    if (!T.hasLetter(name, 0, e)) r.letterless = true;
  }
  for (const w of ['bin', 'sbin', 'libexec', 'phpinfo', 'exist', 'defined', 'errorlevel']) add(w, T.CR_PLAIN);
  return r;
}

const firstDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
};

function same(t: Test, r: Tables): void {
  t.equal(firstDiff(T.CMD_KEYS, r.keys), -1, 'CMD_KEYS');
  t.equal(firstDiff(T.CMD_FLAGS, r.flags), -1, 'CMD_FLAGS');
  t.equal(firstDiff(T.CMD_SIG, r.sig), -1, 'CMD_SIG');
  t.equal(firstDiff(T.CMD_SIG2, r.sig2), -1, 'CMD_SIG2');
  t.equal(T.LETTERLESS_RUN, r.letterless, 'LETTERLESS_RUN');
}

t.test('command tables equal the runHash / isRunChar construction', async (t) => {
  same(t, reference(T.TABLE.keys()));
  t.ok(T.CMD_FLAGS.some((f) => f === T.CR_HYPH || f === (T.CR_HYPH | T.CR_PLAIN)), 'some hyphen-only run (apt-get)');
});

t.test('the comparison sees a difference', async (t) => {
  // One name more, or one name's run read differently, changes some slot the comparison reads.
  const withExtra = reference([...T.TABLE.keys(), 'zzqx']);
  t.not(firstDiff(T.CMD_KEYS, withExtra.keys), -1, 'an extra run');
  const r = reference(T.TABLE.keys());
  const i = r.flags.findIndex((f) => f !== 0);
  r.flags[i] = (r.flags[i] as number) ^ T.CR_HYPH;
  t.not(firstDiff(T.CMD_FLAGS, r.flags), -1, 'a flipped flag');
  t.equal(reference(['0_9']).letterless, true, 'a letterless run is seen');
});

// SHORT_RUN is written out in the source (SHORT_RUN_TRUE / SHORT_RUN_HYPH: built at load it made V8
// optimize runMayNameAt, sigHit and runSig at every cold start); it must equal what runMayNameAt
// answers for every two-character run (buildShortRun, the construction it replaced).
t.test('the written SHORT_RUN equals buildShortRun (runMayNameAt on every two-character run)', async (t) => {
  const S = SHORT_RUN_FOR_CHECK;
  const built = S.buildShortRun();
  t.equal(firstDiff(S.SHORT_RUN, built), -1, 'SHORT_RUN');
  t.ok(built.some((v) => v === S.SR_TRUE), 'some two-letter command (ls, id, rm)');
  // The comparison sees one entry more or less, and an entry of the other kind.
  for (const [i, v] of [[('l'.charCodeAt(0) << 7) | 's'.charCodeAt(0), 0], [('q'.charCodeAt(0) << 7) | 'q'.charCodeAt(0), S.SR_TRUE], [('i'.charCodeAt(0) << 7) | 'd'.charCodeAt(0), S.SR_HYPH]] as const) {
    const planted = built.slice();
    planted[i] = v;
    t.not(firstDiff(S.SHORT_RUN, planted), -1, `planted ${i}=${v}`);
  }
});
