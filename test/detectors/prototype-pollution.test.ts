import t from 'tap';
import { detectPrototypePollution, detectPrototypePollutionKey } from '../../src/detectors/prototype-pollution';

/** Values that must be detected at `high`. Written for this project. */
const HIGH_VALUES: readonly string[] = [
  '__proto__',
  '__proto__.isAdmin',
  '__proto__.polluted = yes',
  'settings.__proto__.debug',
  '__proto__[role]=owner',
  'cfg[__proto__][flag]=1',
  'cfg[__proto__]',
  '?__proto__[hidden]=1',
  'https://shop.example/item?__proto__[onload]=x',
  'https://app.example/?a=1&__proto__.theme=dark',
  '["__proto__"]["admin"]',
  "obj['__proto__'].x",
  '{"__proto__": {"admin": true}}',
  '{ "__proto__" :{"x":1}}',
  '{"a":{"b":{"__proto__":{"c":null}}}}',
  '{\n  "__proto__": {\n    "shell": "/bin/sh"\n  }\n}',
  '{\\"__proto__\\": {\\"x\\": 1}}',
  "{__proto__: {isAdmin: true}}",
  "{'__proto__': {a: 1}}",
  '__proto__:\n  admin: true',
  'user:\n  __proto__:\n    admin: true',
  '- __proto__:\n    x: 1',
  '{"__proto__.role":"root"}',
  'constructor.prototype.isAdmin',
  '{"constructor.prototype.admin": true}',
  '{"constructor.prototype": {"admin": true}}',
  'constructor[prototype]=x',
  'x.constructor.prototype.y',
  'constructor[prototype][flag]',
  'a[constructor][prototype][handler]',
  '["constructor"]["prototype"]["x"]',
  '{"constructor": {"prototype": {"admin": true}}}',
  '{"constructor":{"prototype":{"x":1}}}',
  'constructor:\n  prototype:\n    admin: true',
  '{\\"constructor\\": {\\"prototype\\": {\\"x\\": 1}}}',
  '$1:__proto__:then',
  '{"then":"$1:__proto__:then"}',
  '$3:constructor:constructor',
  '$7:Module:prototype',
  // whitespace padding is no evasion
  '{"__proto__"' + ' '.repeat(100) + ':' + '\n'.repeat(100) + '{"x": 1}}',
  '{"constructor":' + ' '.repeat(100) + '{' + ' '.repeat(100) + '"prototype"' + ' '.repeat(100) + ': {"x": 1}}}',
  // JSON Pointer, as JSON Patch and pointer setters walk it
  '/__proto__/isAdmin',
  '/settings/__proto__/debug',
  'prefs/__proto__/theme',
  '{"op":"add","path":"/__proto__/role","value":"owner"}',
  '[{"op": "replace", "path": "/constructor/prototype/flag", "value": 1}]',
  '/constructor/prototype/isAdmin',
  '/user/constructor/prototype/x',
  // one `__proto__` inside another survives a filter that deletes the word once
  '__pro__proto__to__[isAdmin]=1',
  'a[__pro__proto__to__][b]=1',
  '{"__pro__proto__to__": {"x": 1}}',
];

/** Values that must not be reported at `high`. */
const NOT_HIGH_VALUES: readonly string[] = [
  'objects handles this magic `__proto__` property name.',
  'We cannot block every reference to "__proto__" \u2014 sometimes it is fine',
  '`__proto__` property "leaks" and becomes the actual prototype.',
  'Note on __proto__: it is deprecated',
  'The object does not have a `c` property, but its prototype does.',
  'have a prototype of its own',
  'the constructor prototype chain',
  "the constructor's prototype",
  'Foo.prototype.bar = 1',
  'Object.prototype',
  'prototype',
  'constructor',
  'my__proto__x',
  '__PROTO__.x',
  '__proto__x.y',
  'prototypes.constructor',
  'constructors.prototype.x',
  'Prototype Constructor Inc.',
  'F1 constructor: Ferrari',
  'const b = { c: 3, __proto__: a };',
  'created via `{ __proto__: null }` as a null object',
  '{"__proto__": null}',
  '{"constructor": {"prototype": null}}',
  'Fixed `set` to block `constructor.prototype` paths',
  '"name": "Prototype pollution through constructor.prototype",',
  'this.configuration[key] = value;',
  '{"constructor": "Ferrari", "prototype": "SF-23"}',
  'docs/readme.md',
  "O'Brien",
  'a < b and c > d',
  // pointer-looking text without a segment below the prototype, and slashes in prose and file names
  '/__proto__',
  '/constructor/prototype',
  'the constructor/prototype pattern',
  '/projects/constructor/prototype-v2/',
  'src/prototype/constructor.ts',
  'See the lodash issue about __proto__/constructor keys',
  "const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];",
  '["constructor", "prototype", "__proto__"]',
  'https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Object/proto',
  '{"op":"replace","path":"/profile/name","value":"x"}',
  '__pro__proto__to__',
  'my__pro__proto__to__x.y',
  '',
];

const HIGH_KEYS: ReadonlyArray<[string, string | undefined]> = [
  ['__proto__', undefined],
  ['__proto__', 'settings'],
  ['prototype', 'constructor'],
  ['__proto__[x]', undefined],
  ['a[__proto__][x]', undefined],
  ['constructor[prototype][x]', undefined],
  ['__proto__.polluted', undefined],
  ['constructor.prototype.x', undefined],
  ['a.b.__proto__', undefined],
  ['a["__proto__"]', undefined],
  ["a['constructor']['prototype']", undefined],
  ['/__proto__/x', undefined],
  ['/constructor/prototype/x', undefined],
];

const NOT_HIGH_KEYS: ReadonlyArray<[string, string | undefined]> = [
  ['prototype', undefined],
  ['prototype', 'product'],
  ['constructor', undefined],
  ['constructor', 'car'],
  ['__PROTO__', undefined],
  ['proto', undefined],
  ['_proto_', undefined],
  ['my__proto__', undefined],
  ['prototype[x]', undefined],
  ['constructor[x][prototype]', undefined],
  ['reference to "__proto__" in prose', undefined],
  ['name', undefined],
  ['', undefined],
];

t.test('values detected at high', async (t) => {
  for (const v of HIGH_VALUES) {
    const d = detectPrototypePollution(v);
    t.equal(d?.confidence, 'high', `high: ${JSON.stringify(v)}`);
    t.match(d?.rule ?? '', /^proto\./, `rule prefix: ${JSON.stringify(v)}`);
  }
});

t.test('values not reported at high', async (t) => {
  for (const v of NOT_HIGH_VALUES) {
    const d = detectPrototypePollution(v);
    t.not(d?.confidence, 'high', `not high: ${JSON.stringify(v)} (${d?.rule ?? 'none'})`);
  }
});

t.test('keys detected at high', async (t) => {
  for (const [k, parent] of HIGH_KEYS) {
    const d = detectPrototypePollutionKey(k, parent);
    t.equal(d?.confidence, 'high', `high key: ${k} under ${String(parent)}`);
    t.match(d?.rule ?? '', /^proto\./);
  }
});

t.test('keys not reported at high', async (t) => {
  for (const [k, parent] of NOT_HIGH_KEYS) {
    const d = detectPrototypePollutionKey(k, parent);
    t.not(d?.confidence, 'high', `not high key: ${k} under ${String(parent)}`);
  }
});

t.test('specifics', async (t) => {
  t.equal(detectPrototypePollution('obj.__proto__ = other')?.confidence, 'medium', 'bare reference is medium');
  t.equal(detectPrototypePollution('see x.constructor.prototype for details')?.confidence, 'medium');
  t.equal(detectPrototypePollution('`__proto__` property'), undefined, 'prose mention is not reported');
  t.equal(detectPrototypePollution('{"__proto__": 1}')?.confidence, 'medium', 'primitive value under __proto__');
  t.equal(detectPrototypePollution('{ __proto__: null }')?.confidence, 'medium', 'null-prototype idiom');
  t.equal(detectPrototypePollutionKey('prototype', 'constructor')?.rule, 'proto.constructor-prototype');
  t.equal(detectPrototypePollutionKey('__proto__', undefined)?.rule, 'proto.proto-key');
});

t.test('adversarial and odd inputs return without throwing', async (t) => {
  const MB = 1 << 20;
  const inputs = [
    '__proto__'.repeat(MB / 9),
    '__proto__ '.repeat(MB / 10),
    '"__proto__"'.repeat(MB / 11),
    'prototype'.repeat(MB / 9),
    'constructor.prototype'.repeat(MB / 21),
    ':constructor'.repeat(MB / 12),
    ':__proto__'.repeat(MB / 10),
    '$1' + ':a'.repeat(MB / 2) + ':__proto__:x',
    ' '.repeat(MB) + 'prototype',
    '__proto__' + ' '.repeat(MB) + ':',
    '_'.repeat(MB),
    '['.repeat(MB),
    '.'.repeat(MB),
    'a'.repeat(5 * MB),
    '\u0000__proto__\u0000',
    '\ud800__proto__.x\udfff',
  ];
  for (const s of inputs) {
    t.doesNotThrow(() => detectPrototypePollution(s));
    t.doesNotThrow(() => detectPrototypePollutionKey(s, 'constructor'));
  }
});
