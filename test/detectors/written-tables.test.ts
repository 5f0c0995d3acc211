/**
 * Tables written out for the cold start (src/packed.ts): the SQL and shell detectors decode their hash
 * tables, signature maps and the SQL vocabulary (path-traversal its name sets, code-injection its hint maps, deserialization its pair maps) from generated modules (src/detectors/*-tables.ts)
 * instead of building them from their word lists at every load. The lists stay the source of truth:
 * what the modules decode to must equal what the builders make from the lists, slot for slot.
 */
import t from 'tap';
import { scatter, tableDifference, unpackBytes, unpackI32, unpackU16, unpackU8 } from '../../src/packed';
import { SQL_TABLES } from '../../src/detectors/sql-tables';
import { SHELL_TABLES } from '../../src/detectors/shell-tables';
import { SQL_TABLES_FOR_CHECK as SQL, isSqlVocabulary } from '../../src/detectors/sql-injection';
import { SHELL_TABLES_FOR_CHECK as SHELL } from '../../src/detectors/shell-injection';
import { PATH_TABLES_FOR_CHECK as PATH } from '../../src/detectors/path-traversal';
import { CODE_TABLES_FOR_CHECK as CODE } from '../../src/detectors/code-injection';
import { DESER_TABLES_FOR_CHECK as DESER } from '../../src/detectors/deserialization';
import { Vocabulary } from '../../src/tokenizers/sql';

t.test('the SQL tables as loaded equal the tables built from the word lists', async (t) => {
  const built = SQL.build();
  const loaded = SQL.loaded();
  t.same(Object.keys(loaded).sort(), Object.keys(built).sort(), 'the same tables');
  t.equal(tableDifference(built, loaded), '', 'every slot of every table');
  // Not vacuous: the tables hold something.
  const kw = loaded.KW as { flags: Uint16Array };
  t.ok(kw.flags.filter((f) => f !== 0).length > 400, 'KW holds its ~480 words');
  const v = loaded.VOCABULARY as { vals: string[] };
  t.ok(v.vals.filter((w) => w !== '').length > 450, 'the vocabulary holds its ~480 words');
});

t.test('the shell tables as loaded equal the tables built from the command table', async (t) => {
  const built = SHELL.build();
  const loaded = SHELL.loaded();
  t.same(Object.keys(loaded).sort(), Object.keys(built).sort(), 'the same tables');
  t.equal(tableDifference(built, loaded), '', 'every slot of every table');
  t.ok((loaded.CMD_FLAGS as Uint8Array).filter((f) => f !== 0).length > 300, 'CMD holds its runs');
  t.ok((loaded.KEY_PAIR as Uint8Array).some((f) => f !== 0), 'KEY_PAIR holds its pairs');
});

t.test('the path-traversal sets as loaded equal the sets built from the name lists', async (t) => {
  const built = PATH.build();
  const loaded = PATH.loaded();
  t.same(Object.keys(loaded).sort(), Object.keys(built).sort(), 'the same tables');
  t.equal(tableDifference(built, loaded), '', 'every slot of every table');
  t.ok((loaded.SEG_SIG as Uint8Array).some((f) => f !== 0), 'SEG_SIG holds its signatures');
  const b = PATH.build() as unknown as { WEAK_HASHES: { used: Uint8Array } };
  b.WEAK_HASHES.used[b.WEAK_HASHES.used.indexOf(0)] = 1;
  t.not(tableDifference(b, loaded), '', 'one slot more is seen');
});

t.test('the code-injection hint maps as loaded equal the maps built from HINTS and hintCounts', async (t) => {
  const built = CODE.build();
  const loaded = CODE.loaded();
  t.same(Object.keys(loaded).sort(), Object.keys(built).sort(), 'the same tables');
  t.equal(tableDifference(built, loaded), '', 'every entry');
  t.equal((loaded.HINT_LAST as Uint8Array)[108], 1, '`l` ends eval');
  t.equal((loaded.HINT_LAST_BY as Uint8Array)[40 * 128 + 108], 1, '`eval(`');
  const b = CODE.build();
  b.HINT_LAST_BY[b.HINT_LAST_BY.indexOf(0)] = 1;
  t.not(tableDifference(b, loaded), '', 'one entry more is seen');
});

t.test('the deserialization pair maps as loaded equal the maps built from the pair and gadget lists', async (t) => {
  const built = DESER.build();
  const loaded = DESER.loaded();
  t.equal(tableDifference(built, loaded), '', 'every entry');
  t.equal((loaded.PAIR as Uint8Array)['r'.charCodeAt(0) * 129 + 'O'.charCodeAt(0)], 1, '`rO` (Java serialization in base64)');
  const b = DESER.build();
  b.MARKER_BIGRAMS[b.MARKER_BIGRAMS.indexOf(1)] = 0;
  t.not(tableDifference(b, loaded), '', 'one entry less is seen');
});

t.test('the comparison sees a drift between the lists and the written data', async (t) => {
  // One more word in a list: a vocabulary built with it differs from the loaded one.
  const loaded = SQL.loaded();
  const built = SQL.build();
  const words = (built.VOCABULARY as { vals: string[] }).vals.filter((w) => w !== '');
  t.not(tableDifference(new Vocabulary([...words, 'zzqxw'], ['xp_', 'sp_']), loaded.VOCABULARY), '', 'an extra vocabulary word');
  // One flipped entry in each kind of table.
  for (const [name, field] of [['KW', 'flags'], ['KW', 'keys'], ['STMT_LEADS', 'keys'], ['VOCABULARY', 'sig']] as const) {
    const b = SQL.build();
    const arr = (b[name] as Record<string, Int32Array | Uint16Array | Uint8Array>)[field] as Int32Array | Uint16Array | Uint8Array;
    const i = arr.findIndex((x) => x !== 0);
    arr[i] = (arr[i] as number) ^ 1;
    t.match(tableDifference(b, loaded), new RegExp(`^\\.${name}\\.${field}\\[${i}\\]`), `${name}.${field}`);
  }
  const b = SHELL.build();
  b.LETTERLESS_RUN = !b.LETTERLESS_RUN;
  t.equal(tableDifference(b, SHELL.loaded()), `.LETTERLESS_RUN: ${String(b.LETTERLESS_RUN)} vs ${String(!b.LETTERLESS_RUN)}`, 'a flipped flag');
  const s = SHELL.build();
  (s.CMD_SIG2 as Uint8Array)[(s.CMD_SIG2 as Uint8Array).indexOf(0)] = 1;
  t.not(tableDifference(s, SHELL.loaded()), '', 'one signature more');
});

t.test('the vocabulary reads the same loaded as built (has, lookup)', async (t) => {
  const built = SQL.build().VOCABULARY as Vocabulary;
  const loaded = SQL.loaded().VOCABULARY as Vocabulary;
  for (const w of ['select', 'union', 'xp_cmdshell', 'sp_', 'waitfor', 'SELECT', 'Select', 'selec', 'zzqxw', '', 'a', 'or', 'int8', 'if', 'ｓelect', 'x'.repeat(40)]) {
    t.equal(loaded.has(w), built.has(w), `has(${JSON.stringify(w)})`);
    t.equal(loaded.lookup(w, 0, w.length), built.lookup(w, 0, w.length), `lookup(${JSON.stringify(w)})`);
  }
  t.equal(isSqlVocabulary('select'), true);
  t.equal(isSqlVocabulary('SELECT'), false, 'has() wants lower case, as the Set it replaced');
  t.equal(isSqlVocabulary('zzqxw'), false);
  t.equal(loaded.has('sp_'), false, 'a prefix is no word');
});

t.test('packed arrays decode little-endian bytes and scatter them', async (t) => {
  const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');
  t.same([...unpackU8(b64([1, 2, 255]))], [1, 2, 255]);
  t.same([...unpackU16(b64([1, 0, 0, 1, 255, 255]))], [1, 256, 65535]);
  t.same([...unpackI32(b64([1, 0, 0, 0, 255, 255, 255, 255]))], [1, -1]);
  t.throws(() => unpackU16(b64([1])), /partial element/);
  t.throws(() => unpackI32(b64([1, 2, 3, 4, 5, 6])), /partial element/);
  // A fresh, aligned buffer each time: views of a pooled Buffer would be shared or misaligned.
  const a = unpackI32(b64([7, 0, 0, 0]));
  t.equal(a.byteOffset, 0);
  const table = new Uint16Array(8);
  scatter(table, Uint16Array.from([1, 5]), Uint16Array.from([300, 7]));
  scatter(table, Uint16Array.from([0]), 9);
  t.same([...table], [9, 300, 0, 0, 0, 7, 0, 0]);
  t.throws(() => scatter(table, Uint16Array.from([1, 2]), Uint16Array.from([1])), /mismatched/);
  t.equal(tableDifference({ x: [1, 2] }, { x: [1, 3] }), '.x[1]: 2 vs 3');
  t.equal(tableDifference(new Uint8Array(2), new Uint16Array(2)), ': kinds differ');
  t.equal(tableDifference({ pairs: [1] }, { pairs: [2] }), '', 'memo fields are skipped');
});

t.test('a big-endian host reads the little-endian data as the values written (review rP, s23)', async (t) => {
  // Node runs on big-endian hosts too (s390x). A typed array there reads each element's bytes the
  // other way round: unswapped, every key, flag and slot index of the written tables was wrong and
  // the SQL and shell detectors silently found nothing (the tables built at load before were
  // host-order). What a big-endian host's Uint16Array / Int32Array reads is a DataView read
  // big-endian, here on any host.
  const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');
  const be16 = (buf: ArrayBuffer): number[] => Array.from({ length: buf.byteLength / 2 }, (_, i) => new DataView(buf).getUint16(i * 2, false));
  const be32 = (buf: ArrayBuffer): number[] => Array.from({ length: buf.byteLength / 4 }, (_, i) => new DataView(buf).getInt32(i * 4, false));
  t.same(be16(unpackBytes(b64([1, 0, 0, 1, 0x34, 0x12]), 2, false)), [1, 256, 0x1234], 'Uint16 values');
  t.same(be32(unpackBytes(b64([1, 0, 0, 0, 255, 255, 255, 255, 4, 3, 2, 1]), 4, false)), [1, -1, 0x01020304], 'Int32 values');
  t.same([...new Uint8Array(unpackBytes(b64([1, 2, 3]), 1, false))], [1, 2, 3], 'bytes as they are');
  t.same([...new Uint8Array(unpackBytes(b64([1, 2, 3, 4]), 2, true))], [1, 2, 3, 4], 'a little-endian host copies the bytes as they are');
  // The real tables: a big-endian host reads the values this (little-endian) host decodes.
  const le = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  if (le) {
    for (const [name, s16, s32] of [
      ['KW', SQL_TABLES.kw.at, SQL_TABLES.kw.keys],
      ['STMT_LEADS', SQL_TABLES.sets.STMT_LEADS.at, SQL_TABLES.sets.STMT_LEADS.keys],
      ['vocabulary', SQL_TABLES.vocab.at, SQL_TABLES.vocab.keys],
      ['shell commands', SHELL_TABLES.cmd.at, SHELL_TABLES.cmd.keys],
    ] as const) {
      t.same(be16(unpackBytes(s16, 2, false)), [...unpackU16(s16)], `${name}: slot indices`);
      t.same(be32(unpackBytes(s32, 4, false)), [...unpackI32(s32)], `${name}: keys`);
    }
    t.same(be16(unpackBytes(SQL_TABLES.kw.flags, 2, false)), [...unpackU16(SQL_TABLES.kw.flags)], 'KW: flags');
  }
});
