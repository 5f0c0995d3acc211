/**
 * JSON Schema validation with ajv: one Ajv instance per engine, every schema compiled at cold start,
 * schema `pattern` keywords running on RE2 (see regex.ts). Validation failures are data (findings),
 * never exceptions.
 */
import type AjvType from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { RaspConfigError } from './errors';
import { compileSafe } from './regex';
import { appendSegment } from './paths';
import type { Finding, SourceKind } from './types';

export type CompiledSchema = ValidateFunction;

interface RouteEntry {
  method: string;
  segments: string[];
  validate: ValidateFunction;
}

export interface SchemaSet {
  /** The validator for a request, or undefined when no schema applies. */
  select(method: string | undefined, route: string | undefined, path: string | undefined): ValidateFunction | undefined;
}

/** ajv's `code.regExp` engine running on RE2 (see regex.ts); shared by schemas and virtual patches. */
export function regExpEngine(): ((pattern: string, flags: string) => { test(s: string): boolean }) & { code: string } {
  const engine = ((pattern: string, flags: string) => {
    const re = compileSafe(pattern, flags);
    // ajv caches compiled patterns by their string form: each must print as itself, or every
    // pattern of a schema would share the first one compiled.
    return { source: re.source, test: (s: string) => re.test(s), toString: () => `/${pattern}/${flags}` };
  }) as unknown as ((pattern: string, flags: string) => { test(s: string): boolean }) & { code: string };
  // Only used by ajv's standalone code generation, which we never run.
  engine.code = 'require("re2")';
  return engine;
}

/** ajv's check of a schema against its meta-schema: a validator of schemas, with ajv's `errors`. */
type MetaValidate = ((schema: unknown) => boolean) & { errors?: ErrorObject[] | null };

const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

/**
 * The draft-07 meta-schema validator that scripts/embed-optional.js generates at build time (ajv's
 * standalone code of it, with this file's ajv options), or undefined where there is none (run from
 * the TypeScript sources): then ajv checks schemas itself, as before. ajv compiles that validator at
 * the first schema it compiles: ~30 ms of every cold start that configures a schema (bench machine,
 * loaded), against ~3 ms to load the generated one and run it the first time.
 */
function metaValidator(): MetaValidate | undefined {
  try {
    return require('./embedded/ajv-meta.js') as MetaValidate;
  } catch {
    return undefined;
  }
}

/** What ajv's own check does before it compiles a schema (`Ajv#validateSchema(schema, true)`). */
function checkSchema(ajv: AjvType, meta: MetaValidate, s: object): void {
  if (typeof s === 'boolean') return;
  const $schema = (s as { $schema?: unknown }).$schema;
  if ($schema === undefined || $schema === DRAFT_07 || $schema === `${DRAFT_07}#`) {
    if (!meta(s)) throw new Error(`schema is invalid: ${ajv.errorsText(meta.errors)}`);
  } else {
    // Another meta-schema (or not a string): ajv's check, which compiles that one.
    ajv.validateSchema(s, true);
  }
}

/**
 * The Ajv options that shape what a schema means and how its errors read: strictSchema (an unknown
 * keyword, a typo, is a configuration error, not a silently ignored rule); the stylistic strict checks
 * (types, tuples, required) off, as they reject valid schemas; formats not validated (no regex-based
 * format library is loaded). scripts/embed-optional.js builds the meta-schema validator from these
 * same options (read from the built file), so the two cannot drift apart.
 */
export const AJV_OPTIONS = Object.freeze({
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allErrors: false,
  validateFormats: false,
} as const);

export function compileSchemas(schema: object | undefined, schemas: Record<string, object>): SchemaSet | undefined {
  if (schema === undefined && Object.keys(schemas).length === 0) return undefined;
  // Loaded only when a schema is configured: ajv is about a third of the library's load time.
  // `pattern` runs on RE2.
  const Ajv = (require('ajv') as { default: typeof AjvType }).default;
  const meta = metaValidator();
  const ajv = new Ajv({ ...AJV_OPTIONS, validateSchema: meta === undefined, code: { regExp: regExpEngine() } });
  const compile = (s: object, where: string): ValidateFunction => {
    try {
      if (meta !== undefined) checkSchema(ajv, meta, s);
      return ajv.compile(s);
    } catch (err) {
      throw new RaspConfigError(
        'RASP_ERR_SCHEMA',
        `serverless-rasp: ${where} does not compile: ${(err as Error).message}. Fix the schema.`,
        { cause: err },
      );
    }
  };
  const fallback = schema === undefined ? undefined : compile(schema, 'options.schema');
  const exact = new Map<string, ValidateFunction>();
  const templates: RouteEntry[] = [];
  for (const [key, s] of Object.entries(schemas)) {
    const validate = compile(s, `options.schemas['${key}']`);
    const space = key.indexOf(' ');
    const method = key.slice(0, space);
    const path = key.slice(space + 1);
    exact.set(key, validate);
    templates.push({ method, segments: path.split('/').filter(Boolean), validate });
  }
  return {
    select(method, route, path) {
      if (route !== undefined) {
        const hit = exact.get(route);
        if (hit) return hit;
      }
      if (method !== undefined && path !== undefined) {
        const hit = exact.get(`${method} ${path}`) ?? exact.get(`ANY ${path}`);
        if (hit) return hit;
        if (templates.length > 0) {
          const segs = path.split('/').filter(Boolean);
          for (const t of templates) {
            if (t.method !== method && t.method !== 'ANY') continue;
            if (t.segments.length !== segs.length && !t.segments[t.segments.length - 1]?.endsWith('+}')) continue;
            let ok = true;
            for (let i = 0; i < t.segments.length && ok; i++) {
              const ts = t.segments[i]!;
              if (ts.startsWith('{') && ts.endsWith('}')) continue;
              ok = ts === segs[i];
            }
            if (ok) return t.validate;
          }
        }
      }
      return fallback;
    },
  };
}

function isIndex(s: string): boolean {
  if (s.length === 0 || s.length > 9 || (s.length > 1 && s[0] === '0')) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** ajv's JSON pointer (`/items/2/name`) to our path syntax under `base`. */
function pointerToPath(base: string, pointer: string): string {
  let p = base;
  if (pointer.length === 0) return p;
  for (const raw of pointer.slice(1).split('/')) {
    // No regex here: instance paths carry attacker-chosen keys.
    const seg = raw.split('~1').join('/').split('~0').join('~');
    p = appendSegment(p, isIndex(seg) ? Number(seg) : seg);
  }
  return p;
}

export function schemaFinding(err: ErrorObject, base: string, source: SourceKind): Finding {
  let path = pointerToPath(base, err.instancePath);
  const params = err.params as Record<string, unknown>;
  if (err.keyword === 'required' && typeof params.missingProperty === 'string') path = appendSegment(path, params.missingProperty);
  if (err.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path = appendSegment(path, params.additionalProperty);
  }
  return {
    rule: `schema.${err.keyword}`,
    class: 'schema',
    confidence: 'high',
    source,
    path,
    // ajv's message describes the schema, not the value, so it is safe to log.
    reason: `Value ${err.message ?? 'does not match the schema'}.`,
  };
}
