/**
 * The built library checks schemas against the draft-07 meta-schema with the validator
 * scripts/embed-optional.js generates (ajv's standalone code), not by compiling the meta-schema at
 * every cold start: it must accept and reject exactly what ajv's own check does, with the same
 * messages. dist/src/schema.js (`npm test` builds first) takes the generated validator; the
 * TypeScript source, which has none next to it, lets ajv check as before.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fromSource from '../../src/schema';

const root = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const built = require(path.join(root, 'dist', 'src', 'schema.js')) as typeof fromSource;

const SCHEMAS: unknown[] = [
  { type: 'object', required: ['sku'], properties: { sku: { type: 'string', pattern: '^[A-Z0-9-]{3,32}$' }, qty: { type: 'integer', minimum: 1 } } },
  { type: 'object', properties: { a: { type: 'strnig' } } },
  { type: 'object', required: 'sku' },
  { type: 'integer', minimum: '1' },
  { type: 'string', pattern: '(' },
  { type: 'string', maxLenght: 3 },
  { type: 'object', additionalProperties: 'no' },
  { type: 'array', items: [{ type: 'string' }, 3] },
  { enum: [] },
  { anyOf: [] },
  { type: ['string', 'nul'] },
  { properties: { a: true, b: false } },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'string', minLength: -1 },
  { $schema: 'http://json-schema.org/draft-07/schema', type: 'string' },
  { $schema: 'http://json-schema.org/draft/2020-12/schema', type: 'string' },
  { $schema: 7, type: 'string' },
  { definitions: { id: { type: 'string', format: 'uuid' } }, properties: { id: { $ref: '#/definitions/id' } } },
  { type: 'object', properties: { n: { type: 'number', multipleOf: 0 } } },
  { type: 'object', dependencies: { a: 'b' } },
  { if: { type: 'string' }, then: { minLength: 2 }, else: 3 },
];

function outcome(mod: typeof fromSource, s: unknown): { ok: boolean; code?: string; message?: string; valid?: boolean[] } {
  try {
    const set = mod.compileSchemas(undefined, { 'POST /x': s as object });
    const v = set?.select('POST', 'POST /x', '/x');
    return { ok: true, valid: [v?.({ sku: 'ABC-1', qty: 2 }) === true, v?.('x') === true, v?.({ a: 1 }) === true] };
  } catch (err) {
    return { ok: false, code: (err as { code?: string }).code, message: (err as Error).message };
  }
}

t.test('the build generated the meta-schema validator for both trees', async (t) => {
  for (const tree of [['src'], ['esm', 'src']]) {
    const file = path.join(root, 'dist', ...tree, 'embedded', 'ajv-meta.js');
    t.ok(fs.existsSync(file), file);
  }
});

t.test('generated meta-schema check = ajv\'s own: same schemas accepted, same errors', async (t) => {
  for (const s of SCHEMAS) {
    const a = outcome(built, s);
    const b = outcome(fromSource, s);
    t.same(a, b, JSON.stringify(s));
  }
  t.ok(SCHEMAS.some((s) => outcome(built, s).ok === false && /schema is invalid/.test(outcome(built, s).message ?? '')), 'some schemas fail the meta-schema');
});
