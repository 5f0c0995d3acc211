import t from 'tap';
import { csvRows, jsonStringLiterals, ndjsonDocuments, yamlScalars } from '../../src/textforms';

const MAX = 20_000;

t.test('jsonStringLiterals: every literal of broken JSON, decoded', async (t) => {
  const table: Array<[string, string[]]> = [
    ['{"q": "x\\" OR 1=1--", }', ['q', 'x" OR 1=1--']],
    ['{"a":"\\u0027 or \\u00271\\u0027=\\u00271" /* note */}', ['a', "' or '1'='1"]],
    ['{"path":"..\\/..\\/etc\\/passwd","n":1,', ['path', '../../etc/passwd', 'n']],
    ['{"t":"tab\\there\\nline", "x": "\\x41"}', ['t', 'tab\there\nline', 'x', 'A']],
    ['{"unterminated": "1\' or \'1\'=\'1', ['unterminated', "1' or '1'='1"]],
    ['{"bad":"\\q\\u12"}', ['bad', 'qu12']],
    ['no quotes at all', []],
    ['{"":"", "k":""}', ['k']],
  ];
  for (const [text, want] of table) t.same(jsonStringLiterals(text, MAX), want, text);
  t.equal(jsonStringLiterals('"a","b","c","d"', 2).length, 2, 'bounded');
  const big = '"'.repeat(200_001);
  t.ok(jsonStringLiterals(big, MAX).length <= MAX, 'a megabyte of quotes stays bounded');
});

t.test('ndjsonDocuments: line-delimited JSON, or nothing', async (t) => {
  t.same(ndjsonDocuments('{"a":1}\n{"b":"x"}\n', MAX), [{ a: 1 }, { b: 'x' }]);
  t.same(ndjsonDocuments('{"a":1}\r\n\r\n  [2]  \r\n', MAX), [{ a: 1 }, [2]], 'CRLF, blank lines, blanks');
  t.same(ndjsonDocuments('\x1e{"a":1}\n\x1e{"b":2}\n', MAX), [{ a: 1 }, { b: 2 }], 'RFC 7464 record separators');
  t.equal(ndjsonDocuments('{"a":1}\n', MAX), undefined, 'one document is not a sequence');
  t.equal(ndjsonDocuments('{"a":1}\n{"b":\n2}', MAX), undefined, 'a document over two lines is not this format');
  t.equal(ndjsonDocuments('{"a":1}\nnot json', MAX), undefined);
  t.equal(ndjsonDocuments('{"a":1}\n{"b":2}\n{"c":3}', 2)?.length, 2, 'bounded');
});

t.test('csvRows: RFC 4180 fields, delimiter sniffed', async (t) => {
  t.same(csvRows('id,note\n1,"1"")) or 1=1--"\n', MAX), [['id', 'note'], ['1', '1")) or 1=1--']]);
  t.same(csvRows('a;b\r\n"x;y";"line\nbreak"\r\n', MAX), [['a', 'b'], ['x;y', 'line\nbreak']], 'semicolons, CRLF, quoted line break');
  t.same(csvRows('a\tb\n1\t2', MAX), [['a', 'b'], ['1', '2']], 'tabs');
  t.same(csvRows('a,"b"c,d', MAX), [['a', 'bc', 'd']], 'text after a closing quote is kept');
  t.same(csvRows('"never closed, ok', MAX), [['never closed, ok']]);
  t.same(csvRows('', MAX), [['']]);
  t.equal(csvRows('a,b,c,d,e,f', 3).flat().length, 3, 'bounded');
  t.equal(csvRows(','.repeat(100_000), MAX).flat().length, MAX, 'a row of 100,000 empty fields stops at the bound');
});

t.test('yamlScalars: keys and values as a YAML reader hands them over', async (t) => {
  const one = (k: string, v: string): Record<string, string> => Object.assign(Object.create(null) as Record<string, string>, { [k]: v });
  t.same(yamlScalars('note: "x\\" or 1=1--"\n', MAX), [one('note', 'x" or 1=1--')], 'double-quoted');
  t.same(yamlScalars("note: 'it''s' # comment\n", MAX), [one('note', "it's")], 'single-quoted');
  t.same(yamlScalars('note: plain text # a comment\n', MAX), [one('note', 'plain text')], 'plain, comment dropped');
  t.same(yamlScalars('items:\n  - "a; id"\n  - b\n', MAX), [one('items', ''), 'a; id', 'b'], 'sequence items');
  t.same(yamlScalars('cmd: |\n  ls\n  ; id\nnext: 1\n', MAX), [one('cmd', 'ls\n; id'), one('next', '1')], 'literal block');
  t.same(yamlScalars('cmd: >\n  a\n  b\n', MAX), [one('cmd', 'a b')], 'folded block');
  t.same(yamlScalars('q: "1\' or\n   \'1\'=\'1"\nz: 2\n', MAX), [one('q', "1' or '1'='1"), one('z', '2')], 'a double-quoted scalar over two lines');
  t.same(yamlScalars("q: 'a\n  b'\n", MAX), [one('q', 'a b')], 'a single-quoted scalar over two lines');
  t.same(yamlScalars('"quoted key": v\n', MAX), [one('quoted key', 'v')]);
  t.same(yamlScalars('---\n# only a comment\n...\n', MAX), []);
  const proto = yamlScalars('__proto__: {admin: true}\n', MAX)[0] as Record<string, string>;
  t.same(Object.keys(proto), ['__proto__'], 'a __proto__ key is an own key (for the key detectors), not a prototype');
  t.equal(Object.getPrototypeOf(proto), null);
  t.equal(yamlScalars('a: 1\nb: 2\nc: 3\n', 2).length, 2, 'bounded');
  t.ok(yamlScalars(`q: "${' '.repeat(200_000)}\n`.repeat(3), MAX).length <= 3, 'long unterminated quotes stay linear and bounded');
});
