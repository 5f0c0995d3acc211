/**
 * Body text in the charset the application's body parser will use.
 *
 * Express's body-parser (behind the functions-framework, serverless-http and most Node web stacks)
 * honours `Content-Type: …; charset=`: JSON in any `utf-*` charset (UTF-16, UTF-32 and UTF-7
 * included), text in any charset iconv-lite knows. So `{"q":"x+ACc- OR +ACc-1+ACc-=+ACc-1"}` sent as
 * `application/json; charset=utf-7` reaches the handler as `x' OR '1'='1`, and a UTF-16 body is
 * unreadable as UTF-8. The engine reads such a body both ways (see body.ts): as UTF-8, which is what
 * `request.text()`/`json()` give on Azure and what code that ignores the charset sees, and as the
 * declared charset.
 *
 * Names are matched the way iconv-lite matches them (case and punctuation ignored: `UTF_7`, `utf7`).
 * UTF-16, UTF-32 and UTF-7 (and its IMAP variant) are decoded here; any other label goes to
 * TextDecoder (the WHATWG encodings: Shift_JIS, GBK, Big5, EUC-KR, windows-125x, KOI8…); a label
 * neither knows is read as Latin-1, which keeps every ASCII byte as it is (iconv-lite's remaining
 * single-byte code pages are ASCII-compatible, and attack syntax is ASCII).
 *
 * Cost: only for bodies that declare a charset other than UTF-8; one linear pass over the bytes.
 */

/** iconv-lite's canonical form of an encoding name. */
export function canonicalCharset(label: string): string {
  let out = '';
  for (let i = 0; i < label.length && out.length < 40; i++) {
    const c = label.charCodeAt(i);
    if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) out += label[i];
  }
  return out;
}

const UTF8 = new Set(['utf8', 'unicode11utf8', 'cesu8', 'usascii', 'ascii']);

/** True when the label reads like UTF-8 (or a subset of it): nothing to decode twice. */
export function isUtf8Charset(label: string): boolean {
  return UTF8.has(canonicalCharset(label));
}

/** Big-endian when more zero bytes sit at even offsets (ASCII in UTF-16BE is `00 xx`), as iconv-lite guesses. */
function guessBigEndian(b: Uint8Array, unit: 2 | 4): boolean {
  let even = 0;
  let odd = 0;
  const n = Math.min(b.length, 256);
  for (let i = 0; i + unit <= n; i += unit) {
    if (unit === 2) {
      if (b[i] === 0) even++;
      if (b[i + 1] === 0) odd++;
    } else {
      if (b[i] === 0 && b[i + 1] === 0) even++;
      if (b[i + 2] === 0 && b[i + 3] === 0) odd++;
    }
  }
  return even > odd;
}

function utf16(b: Uint8Array, bigEndian: boolean | undefined): string {
  let from = 0;
  let be = bigEndian;
  if (be === undefined) {
    if (b[0] === 0xfe && b[1] === 0xff) [be, from] = [true, 2];
    else if (b[0] === 0xff && b[1] === 0xfe) [be, from] = [false, 2];
    else be = guessBigEndian(b, 2);
  }
  const len = (b.length - from) & ~1;
  const buf = Buffer.from(b.buffer, b.byteOffset + from, len);
  if (!be) return buf.toString('utf16le');
  const swapped = Buffer.from(buf);
  swapped.swap16();
  return swapped.toString('utf16le');
}

function utf32(b: Uint8Array, bigEndian: boolean | undefined): string {
  let from = 0;
  let be = bigEndian;
  if (be === undefined) {
    if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) [be, from] = [true, 4];
    else if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) [be, from] = [false, 4];
    else be = guessBigEndian(b, 4);
  }
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = from; i + 4 <= b.length; i += 4) {
    const cp = be ? ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0 : ((b[i + 3]! << 24) | (b[i + 2]! << 16) | (b[i + 1]! << 8) | b[i]!) >>> 0;
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length === 4096) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (chunk.length > 0) parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

function b64Value(c: number, imap: boolean): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43 /* + */) return 62;
  if (c === (imap ? 44 /* , */ : 47) /* / */) return 63;
  return -1;
}

/**
 * UTF-7 (RFC 2152): `+` opens a run of modified base64 holding UTF-16BE, ended by `-` (consumed) or
 * by any other character outside the alphabet; `+-` is a plus sign. The IMAP variant (RFC 3501) opens
 * with `&` and uses `,` for `/`.
 */
function utf7(s: string, imap: boolean): string {
  const open = imap ? 38 /* & */ : 43; /* + */
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== open) {
      out += s[i];
      i++;
      continue;
    }
    i++;
    if (s.charCodeAt(i) === 45 /* - */) {
      out += String.fromCharCode(open);
      i++;
      continue;
    }
    let bits = 0;
    let nbits = 0;
    let units = '';
    while (i < n) {
      const v = b64Value(s.charCodeAt(i), imap);
      if (v < 0) break;
      bits = ((bits << 6) | v) & 0xffffff;
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        units += String.fromCharCode((bits >> nbits) & 0xffff);
      }
      i++;
    }
    out += units;
    if (s.charCodeAt(i) === 45) i++;
  }
  return out;
}

/** The text a charset-honouring body parser makes of these bytes. */
export function decodeCharset(bytes: Uint8Array, label: string): string {
  const name = canonicalCharset(label);
  switch (name) {
    case 'utf16':
      return utf16(bytes, undefined);
    case 'utf16le':
    case 'ucs2':
      return utf16(bytes, false);
    case 'utf16be':
      return utf16(bytes, true);
    case 'utf32':
    case 'ucs4':
      return utf32(bytes, undefined);
    case 'utf32le':
    case 'ucs4le':
      return utf32(bytes, false);
    case 'utf32be':
    case 'ucs4be':
      return utf32(bytes, true);
    case 'utf7':
    case 'unicode11utf7':
      return utf7(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), false);
    case 'utf7imap':
      return utf7(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), true);
    default:
      break;
  }
  try {
    return new TextDecoder(label.trim()).decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}
