/**
 * CRLF injection: HTTP header injection and response splitting.
 *
 * A value that ends up in a response header (a redirect `Location`, a cookie, a filename in
 * `Content-Disposition`) or in a raw HTTP request an application builds can add header lines when it
 * contains a line break: `x\r\nSet-Cookie: session=attacker`, `/next\r\nLocation: https://evil/`, or
 * end the headers and start a body or a second response: `\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK`.
 *
 * Line breaks counted: CR and LF (the engine URL-decodes `%0d%0a` before calling), NEL (U+0085),
 * LINE and PARAGRAPH SEPARATOR (U+2028/2029), and the "truncation" trick: a character whose low byte
 * is CR or LF (`嘍` U+560D, `嘊` U+560A) becomes a real CR/LF when a server or an HTTP client writes
 * the string as Latin-1 by dropping the high byte (old Node `http`, several Java and Go stacks). As many
 * ordinary letters have such low bytes (`č` U+010D, `上` U+4E0A), those count only when the next line
 * is a known response header or a status line.
 *
 * Structure: after a break, the next line is judged.
 * - `crlf.response-splitting` (high): an HTTP status line `HTTP/1.x NNN`, or a known header followed
 *   by a blank line and more content.
 * - `crlf.header-injection` (high): a header that changes the response or the request in a known way
 *   (`Set-Cookie`, `Content-Length`, `Transfer-Encoding`, `Content-Type`, `Location` with an absolute
 *   URL, `Refresh`, `Access-Control-*`, `Content-Security-Policy`, `X-Forwarded-*`, `Host` with a host
 *   name…): any value for the hyphenated names (they do not occur as labels in prose), a value of the
 *   header's shape for the one-word ones (`Location: Room 5` and `Host: Alice` are notes, low).
 *   Medium for any other `Header-Name: value` with a hyphen when the text before the break is one
 *   token (`x\r\nX-Foo: bar`), high when that first injected line is an `X-` extension header (the
 *   probe's marker: `x%0d%0aX-Injected: 1`); low in multi-line text (YAML, logs) and for one-word `Name: value` lines,
 *   which is how people write notes ("Name: John\nPhone: …").
 * - `crlf.body-injection`: a one-token value, an empty line and a document or script element
 *   (`x\r\n\r\n<script>`, `<html>`, `<svg>`…) is high; other markup there is medium.
 * - `crlf.protocol-injection` (high): a one-token value, CR/LF and an SMTP command (`RCPT TO:`,
 *   `MAIL FROM:`, `EHLO host`), for values that reach a mail server.
 * Plain multi-line text ("Dear Sir,\nThanks", addresses, comments, paragraphs of HTML) passes.
 *
 * Where to run it: header values, redirect targets, cookie values and anything an application puts in
 * a header. In a JSON body field, multi-line text is normal and only the high rules mean much.
 *
 * Cost: values over 32 characters without CR, LF, `:` or `HTTP/` return after four native indexOf
 * scans; otherwise one charCode loop finds the first break candidate (printable ASCII is rejected by
 * one range test). Each line is then looked at once, with at most 64 characters of header name and
 * 256 of value. No RegExp.
 */
import type { Confidence, Detection } from '../types';

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

/**
 * How a header's value must look for the injection to be a confident one: a shape keyword, or a list
 * of lower-case prefixes one of which the value must start with.
 */
type Shape = 'any' | 'digits' | 'url' | 'cookie' | 'mime' | 'host' | readonly string[];

/** Response and request headers whose injection has a known effect, with the value shape expected. */
const KNOWN: Record<string, Shape> = Object.assign(Object.create(null) as Record<string, Shape>, {
  'set-cookie': 'cookie',
  'set-cookie2': 'cookie',
  cookie: 'cookie',
  'content-length': 'digits',
  'transfer-encoding': ['chunked', 'identity', 'gzip', 'deflate', 'compress'],
  'content-type': 'mime',
  location: 'url',
  'content-location': 'url',
  refresh: 'digits',
  link: ['<'],
  'content-disposition': ['attachment', 'inline', 'form-data'],
  'content-encoding': ['gzip', 'deflate', 'br', 'identity', 'compress'],
  'access-control-allow-origin': 'any',
  'access-control-allow-credentials': ['true'],
  'access-control-allow-headers': 'any',
  'access-control-allow-methods': 'any',
  'access-control-expose-headers': 'any',
  'content-security-policy': 'any',
  'content-security-policy-report-only': 'any',
  'x-xss-protection': 'digits',
  'x-frame-options': ['deny', 'sameorigin', 'allow-from'],
  'x-content-type-options': ['nosniff'],
  'strict-transport-security': ['max-age'],
  'cache-control': ['no-', 'max-age', 'public', 'private', 'must-revalidate', 's-maxage', 'immutable'],
  'x-forwarded-for': 'host',
  'x-forwarded-host': 'host',
  'x-forwarded-proto': ['http'],
  'x-real-ip': 'host',
  'x-original-url': ['/'],
  'x-rewrite-url': ['/'],
  'x-http-method-override': ['get', 'post', 'put', 'patch', 'delete'],
  host: 'host',
  authorization: ['basic ', 'bearer ', 'digest ', 'negotiate ', 'aws4-', 'ntlm '],
  'proxy-authorization': ['basic ', 'bearer ', 'digest ', 'negotiate ', 'ntlm '],
  'www-authenticate': ['basic', 'bearer', 'digest', 'negotiate', 'ntlm'],
  upgrade: ['websocket', 'h2c', 'http/'],
  connection: ['keep-alive', 'close', 'upgrade'],
});

function isBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
}
/** A character that turns into CR or LF when its high byte is dropped (Latin-1 truncation). */
function isTruncBreak(c: number): boolean {
  return c > 0xff && ((c & 0xff) === 10 || (c & 0xff) === 13);
}
function isTchar(c: number): boolean {
  // RFC 9110 token characters.
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 33 || c === 35 || c === 36 || c === 37 || c === 38 || c === 39 || c === 42 || c === 43 ||
    c === 45 || c === 46 || c === 94 || c === 95 || c === 96 || c === 124 || c === 126
  );
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

interface Line {
  /** Header name, lower case, when the line is `token: value`. */
  name: string | undefined;
  hasHyphen: boolean;
  /** Start and end of the value (trimmed at the left). */
  vStart: number;
  vEnd: number;
  /** The line is an HTTP status line. */
  status: boolean;
  /** Index of the end of the line (the next break or the end of the value). */
  end: number;
}

function readLine(s: string, i: number): Line {
  const n = s.length;
  let end = i;
  while (end < n && end - i < 4096 && !isBreak(s.charCodeAt(end)) && !isTruncBreak(s.charCodeAt(end))) end++;
  const line: Line = { name: undefined, hasHyphen: false, vStart: end, vEnd: end, status: false, end };
  // Status line: HTTP/1.0 200, HTTP/1.1 302, HTTP/2 200.
  if (s.startsWith('HTTP/', i) || s.startsWith('http/', i)) {
    let j = i + 5;
    while (j < end && ((s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) || s.charCodeAt(j) === 46)) j++;
    if (j > i + 5 && isSpace(s.charCodeAt(j))) {
      j++;
      let d = 0;
      while (j < end && d < 3 && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) {
        j++;
        d++;
      }
      if (d === 3) line.status = true;
    }
    return line;
  }
  let j = i;
  while (j < end && j - i <= 64 && isTchar(s.charCodeAt(j))) {
    if (s.charCodeAt(j) === 45) line.hasHyphen = true;
    j++;
  }
  if (j === i || j - i > 64 || s.charCodeAt(j) !== 58 /* : */) return line;
  line.name = s.slice(i, j).toLowerCase();
  let v = j + 1;
  while (v < end && isSpace(s.charCodeAt(v))) v++;
  line.vStart = v;
  line.vEnd = end;
  return line;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Does the value have the shape the header takes? */
function shapeOk(s: string, a: number, b: number, shape: Shape): boolean {
  if (b <= a) return false;
  const v = s.slice(a, a + Math.min(b - a, 256));
  if (typeof shape !== 'string') {
    const lower = v.toLowerCase();
    for (const p of shape) if (lower.startsWith(p)) return true;
    return false;
  }
  switch (shape) {
    case 'any':
      return true;
    case 'digits':
      return isDigit(v.charCodeAt(0));
    case 'cookie': {
      const eq = v.indexOf('=');
      return eq > 0 && v.slice(0, eq).indexOf(' ') === -1;
    }
    case 'mime': {
      const slash = v.indexOf('/');
      return slash > 0 && v.slice(0, slash).indexOf(' ') === -1;
    }
    case 'url': {
      const lower = v.toLowerCase();
      return (
        lower.startsWith('http://') ||
        lower.startsWith('https://') ||
        lower.startsWith('//') ||
        lower.startsWith('/\\') ||
        lower.startsWith('javascript:') ||
        lower.startsWith('data:')
      );
    }
    case 'host': {
      if (v.indexOf(' ') !== -1) return false;
      return v.indexOf('.') !== -1 || v.indexOf(':') !== -1 || v.toLowerCase().startsWith('localhost');
    }
  }
  return false;
}

/**
 * Consumes the break sequence at `i` (CRLF counts as one break); `blank` when it holds two or more
 * breaks (an empty line). Truncation characters are consumed as a run but never make a blank line:
 * too many ordinary letters would.
 */
function breakRun(s: string, i: number): { next: number; blank: boolean } {
  const n = s.length;
  let j = i;
  if (isTruncBreak(s.charCodeAt(i))) {
    while (j < n && isTruncBreak(s.charCodeAt(j))) j++;
    return { next: j, blank: false };
  }
  let breaks = 0;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === 13 && s.charCodeAt(j + 1) === 10) {
      j += 2;
      breaks++;
    } else if (isBreak(c)) {
      j++;
      breaks++;
    } else break;
  }
  return { next: j, blank: breaks >= 2 };
}

/** Elements that make a forged response body dangerous: a document, a script, active content. */
const DOCUMENT_TAGS = ['<html', '<!doctype', '<head', '<body', '<script', '<svg', '<iframe', '<meta', '<object', '<embed', '<img', '<form', '<base', '<style', '<?xml'];

function isDocumentTag(s: string, i: number): boolean {
  const head = s.slice(i, i + 10).toLowerCase();
  for (const tag of DOCUMENT_TAGS) {
    if (!head.startsWith(tag)) continue;
    const c = head.charCodeAt(tag.length);
    // The tag name ends there: `<script>`, `<svg/onload`, `<img src`, `<script+src` (a form-encoded
    // space), not `<scripture`.
    const letterOrDigit = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
    if (!letterOrDigit || tag === '<?xml') return true;
  }
  return false;
}

/** SMTP commands that only make sense as protocol lines (`MAIL FROM:`, `RCPT TO:`, `EHLO host`). */
const MAIL = ['mail from:', 'rcpt to:', 'ehlo ', 'helo '];

function mailCommand(s: string, a: number, b: number): string | undefined {
  const head = s.slice(a, Math.min(b, a + 12)).toLowerCase();
  for (const m of MAIL) if (head.startsWith(m)) return m.trim().toUpperCase();
  return undefined;
}

/** Detects header injection and response splitting through line breaks. Never throws. */
export function detectCrlfInjection(value: string): Detection | undefined {
  // Fast path: without CR or LF, only a Unicode line break (NEL, LS, PS, or a truncation character)
  // could split lines, and what follows it only matters when it is a header (`:`) or a status line
  // (`HTTP/`). Long values take native indexOf scans (cheaper per character than a charCodeAt loop,
  // with a fixed price per call); short ones go straight to the loop.
  const n = value.length;
  if (n > 32 && value.indexOf('\n') === -1 && value.indexOf('\r') === -1 && value.indexOf(':') === -1 && value.indexOf('HTTP/') === -1) {
    return undefined;
  }
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    // Printable ASCII is rejected by one range test.
    if (c > 13 && c < 128) continue;
    if (c === 10 || c === 13 || (c > 127 && (isBreak(c) || isTruncBreak(c)))) {
      first = i;
      break;
    }
  }
  if (first === -1) return undefined;
  // No try/catch: a bug here must reach the engine's wrapper, which logs it once and fails open.
  return scan(value, first);
}

function scan(s: string, first: number): Detection | undefined {
  const n = s.length;
  let best: Detection | undefined;
  const put = (rule: string, confidence: Confidence, reason: string): void => {
    if (best === undefined || RANK[confidence] > RANK[best.confidence]) best = { rule, reason, confidence };
  };
  let i = first;
  let headerSeen = false;
  // The text before the first break is one token (no spaces, at most 256 characters): the value was
  // crafted to carry the lines after it, it is not a paragraph of prose.
  let crafted = first <= 256;
  for (let k = 0; k < first && crafted; k++) {
    const c = s.charCodeAt(k);
    if (c === 32 || c === 9 || c === 60) crafted = false;
  }
  while (i < n) {
    const brk = s.charCodeAt(i);
    const trunc = isTruncBreak(brk);
    const { next, blank } = breakRun(s, i);
    if (next >= n) break;
    const line = readLine(s, next);
    if (line.status) {
      put('crlf.response-splitting', 'high', 'Line break followed by an HTTP status line, which splits the response.');
      return best;
    }
    if (blank && headerSeen) {
      // A known header was injected, then an empty line and content: the body of a forged response.
      put('crlf.response-splitting', 'high', 'Injected header lines followed by a blank line and more content, which splits the response.');
      return best;
    }
    if (blank && crafted && i === first && s.charCodeAt(next) === 60 /* < */) {
      // `x\r\n\r\n<script…`: a value that is one token, an empty line and a document or script
      // element: a forged body. Other markup after a greeting ("Hello\n\n<b>…") is ordinary.
      if (isDocumentTag(s, next)) {
        put('crlf.body-injection', 'high', 'Value that ends the headers with an empty line and starts a markup body.');
        return best;
      }
      put('crlf.body-injection', 'medium', 'Value with an empty line followed by markup.');
    }
    if (i === first && crafted && (brk === 10 || brk === 13)) {
      const cmd = mailCommand(s, next, line.end);
      if (cmd !== undefined) {
        put('crlf.protocol-injection', 'high', `Line break followed by the mail protocol command "${cmd}".`);
        return best;
      }
    }
    if (line.name !== undefined && line.vEnd > line.vStart) {
      const shape = KNOWN[line.name];
      const shown = line.name.length <= 24 ? line.name : line.name.slice(0, 24);
      // A known header with the value shape it takes, or a known hyphenated name (`Content-Type`,
      // `Set-Cookie`) with any value: such names do not occur as labels in prose.
      if (shape !== undefined && (line.hasHyphen || shapeOk(s, line.vStart, line.vEnd, shape))) {
        headerSeen = true;
        put(
          trunc ? 'crlf.unicode-header-injection' : 'crlf.header-injection',
          'high',
          trunc
            ? `Character that becomes a line break under Latin-1 truncation, followed by a "${shown}" header.`
            : `Line break followed by a "${shown}" header line.`,
        );
      } else if (!trunc && line.hasHyphen) {
        // `X-Foo: bar` after a one-token first line is header-shaped; in multi-line text (YAML, logs,
        // notes) hyphenated `key: value` lines are ordinary. An `X-` name there is the scanner's own
        // marker header (`x%0d%0aX-Injected: 1`): extension headers are not labels people write.
        const xName = line.name.charCodeAt(0) === 120 && line.name.charCodeAt(1) === 45;
        put('crlf.header-injection', crafted ? (xName && i === first && !blank ? 'high' : 'medium') : 'low', `Line break followed by a header-like "${shown}:" line.`);
      } else if (!trunc && brk !== 0x2028 && brk !== 0x2029 && brk !== 0x85) {
        put('crlf.header-injection', 'low', 'Line break followed by a "name: value" line.');
      }
    }
    // Next break after this line.
    let j = line.end;
    while (j < n && !isBreak(s.charCodeAt(j)) && !isTruncBreak(s.charCodeAt(j))) j++;
    i = j;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Mail header injection (a key and its value together)

/**
 * Fields a mail-sending handler copies into message headers: the sender's address and name, the
 * recipients, the subject (contact forms, "share by e-mail", notifications). They are single-line
 * inputs, so a line break in them has no honest use, and body fields are where they arrive (the
 * value detector above runs only on headers, cookies, the path and the query, where a break splits
 * HTTP). Exact keys, in the casings clients send; a Set lookup per key decides whether to look.
 */
const MAIL_FIELDS = [
  'email', 'e-mail', 'mail', 'emailaddress', 'email_address', 'sender', 'senderemail', 'sender_email',
  'from', 'fromemail', 'from_email', 'fromname', 'from_name', 'to', 'recipient', 'recipients', 'cc', 'bcc',
  'replyto', 'reply_to', 'reply-to', 'subject', 'name', 'fullname', 'full_name',
];
const camel = (k: string): string[] => [k, k.toUpperCase(), k.charAt(0).toUpperCase() + k.slice(1)];
export const MAIL_FIELD_KEYS: ReadonlySet<string> = new Set([
  ...MAIL_FIELDS.flatMap(camel),
  'emailAddress', 'EmailAddress', 'senderEmail', 'fromEmail', 'fromName', 'replyTo', 'ReplyTo', 'fullName', 'FullName',
]);

/** Message headers whose injection redirects or rewrites a mail (RFC 5322 and MIME). */
const MAIL_HEADERS: ReadonlySet<string> = new Set([
  'to', 'cc', 'bcc', 'from', 'sender', 'reply-to', 'subject', 'return-path', 'content-type', 'mime-version',
  'content-transfer-encoding', 'content-disposition', 'message-id', 'in-reply-to', 'references', 'x-mailer',
  'disposition-notification-to', 'list-unsubscribe', 'errors-to', 'x-priority',
]);

/**
 * `{"email": "me@example.com\r\nBcc: everyone@example.com"}`: a line break in a single-line mail field
 * followed by a message header or an SMTP command makes the handler's mailer send to other
 * recipients, with another body or subject (email header injection). High for a mail header or SMTP
 * command on any line; medium for another hyphenated `Header-Name:` line. A trailing line break alone
 * (a pasted address) passes.
 *
 * Cost: nothing unless the key is a mail field; then four native indexOf searches for the first break,
 * and each line after it is read once (at most 64 name characters): linear. Every line is read (no
 * cap): filler header lines before the `Bcc:` must not hide it.
 */
export function detectMailHeaderInjection(key: string, value: string): Detection | undefined {
  if (!MAIL_FIELD_KEYS.has(key) || value.length < 4) return undefined;
  let i = firstBreak(value);
  if (i === -1) return undefined;
  const n = value.length;
  let best: Detection | undefined;
  while (i < n) {
    const { next } = breakRun(value, i);
    if (next >= n) break;
    const line = readLine(value, next);
    const cmd = mailCommand(value, next, line.end);
    if (cmd !== undefined) {
      return { rule: 'crlf.mail-header-injection', confidence: 'high', reason: `Line break in the mail field "${key}" followed by the SMTP command "${cmd}".` };
    }
    if (line.name !== undefined && line.vEnd > line.vStart) {
      const shown = line.name.length <= 24 ? line.name : line.name.slice(0, 24);
      if (MAIL_HEADERS.has(line.name)) {
        return { rule: 'crlf.mail-header-injection', confidence: 'high', reason: `Line break in the mail field "${key}" followed by a "${shown}" message header.` };
      }
      if (line.hasHyphen && best === undefined) {
        best = { rule: 'crlf.mail-header-injection', confidence: 'medium', reason: `Line break in the mail field "${key}" followed by a header-like "${shown}:" line.` };
      }
    }
    let j = line.end;
    while (j < n && !isBreak(value.charCodeAt(j))) j++;
    i = j;
  }
  return best;
}

function firstBreak(s: string): number {
  const lf = s.indexOf('\n');
  const cr = s.indexOf('\r');
  let i = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  // NEL, LINE and PARAGRAPH SEPARATOR: some mail libraries normalise them to CRLF.
  for (const u of ['\u0085', '\u2028', '\u2029']) {
    const k = s.indexOf(u);
    if (k !== -1 && (i === -1 || k < i)) i = k;
  }
  return i;
}
