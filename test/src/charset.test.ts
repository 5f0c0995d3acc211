import t from 'tap';
import { canonicalCharset, decodeCharset, isUtf8Charset } from '../../src/charset';

const s = `{"q":"x' OR '1'='1","name":"Zoë 日本 🙂"}`;

function utf32(str: string, be: boolean, bom = false): Buffer {
  const cps = [...str].map((c) => c.codePointAt(0)!);
  const b = Buffer.alloc((cps.length + (bom ? 1 : 0)) * 4);
  let o = 0;
  if (bom) {
    if (be) b.writeUInt32BE(0xfeff, 0);
    else b.writeUInt32LE(0xfeff, 0);
    o = 4;
  }
  for (const cp of cps) {
    if (be) b.writeUInt32BE(cp, o);
    else b.writeUInt32LE(cp, o);
    o += 4;
  }
  return b;
}
const utf16be = (str: string): Buffer => Buffer.from(str, 'utf16le').swap16();

t.test('labels are matched as iconv-lite matches them', async (t) => {
  t.equal(canonicalCharset('UTF-16LE'), 'utf16le');
  t.equal(canonicalCharset(' utf_7 '), 'utf7');
  t.ok(isUtf8Charset('UTF-8'));
  t.ok(isUtf8Charset('utf8'));
  t.ok(isUtf8Charset('US-ASCII'));
  t.notOk(isUtf8Charset('utf-7'));
  t.notOk(isUtf8Charset('utf-16'));
});

t.test('UTF-16 and UTF-32, with and without a byte order mark', async (t) => {
  t.equal(decodeCharset(Buffer.from(s, 'utf16le'), 'utf-16le'), s);
  t.equal(decodeCharset(utf16be(s), 'UTF-16BE'), s);
  t.equal(decodeCharset(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]), 'utf-16'), s, 'LE BOM');
  t.equal(decodeCharset(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(s)]), 'utf-16'), s, 'BE BOM');
  t.equal(decodeCharset(utf16be(s), 'utf-16'), s, 'no BOM: big-endian guessed from the zero bytes');
  t.equal(decodeCharset(Buffer.from(s, 'utf16le'), 'utf-16'), s, 'no BOM: little-endian');
  t.equal(decodeCharset(utf32(s, false), 'utf-32le'), s);
  t.equal(decodeCharset(utf32(s, true), 'utf-32be'), s);
  t.equal(decodeCharset(utf32(s, true, true), 'utf-32'), s);
  t.equal(decodeCharset(utf32(s, false), 'utf-32'), s);
  t.equal(decodeCharset(Buffer.from([0x41, 0, 0]), 'utf-16le'), 'A', 'an odd trailing byte is dropped');
  t.equal(decodeCharset(Buffer.from([0xff, 0xff, 0xff, 0x7f]), 'utf-32le'), '\ufffd', 'out of range: replacement');
});

t.test('UTF-7 and its IMAP variant', async (t) => {
  t.equal(decodeCharset(Buffer.from("x+ACc- OR +ACc-1+ACc-=+ACc-1"), 'utf-7'), "x' OR '1'='1");
  t.equal(decodeCharset(Buffer.from('+ADw-script+AD4-alert(1)+ADw-/script+AD4-'), 'UTF-7'), '<script>alert(1)</script>');
  t.equal(decodeCharset(Buffer.from('1 +- 1 = 2'), 'utf-7'), '1 + 1 = 2', '+- is a plus sign');
  t.equal(decodeCharset(Buffer.from('+AGEAYgBj.'), 'utf-7'), 'abc.', 'a run ended by a character outside base64');
  t.equal(decodeCharset(Buffer.from('Hi Mom -+Jjo--!'), 'utf-7'), 'Hi Mom -\u263a-!');
  t.equal(decodeCharset(Buffer.from('&ACc- OR 1=1 &- x'), 'utf-7-imap'), "' OR 1=1 & x");
  t.equal(decodeCharset(Buffer.from('+'), 'utf-7'), '', 'a lone opener');
});

t.test('other charsets: TextDecoder, else Latin-1 (ASCII kept)', async (t) => {
  t.equal(decodeCharset(Buffer.from([0x3c, 0x62, 0x3e, 0xe9]), 'windows-1252'), '<b>é');
  t.equal(decodeCharset(Buffer.from([0x82, 0xa0, 0x27]), 'shift_jis'), "あ'");
  t.equal(decodeCharset(Buffer.from("x' OR 1=1 \xe9", 'latin1'), 'cp850'), "x' OR 1=1 \xe9", 'unknown to TextDecoder: Latin-1');
});

t.test('linear on long inputs', async (t) => {
  const big = Buffer.from('+ACc-'.repeat(200_000));
  t.equal(decodeCharset(big, 'utf-7').length, 200_000);
  t.equal(decodeCharset(utf32('a'.repeat(300_000), false), 'utf-32le').length, 300_000);
});
