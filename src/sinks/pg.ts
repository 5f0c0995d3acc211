/**
 * pg: `Client#query` (every query, also those a Pool runs, goes through it) and `Pool#query` (checked
 * before a connection is taken). A query given as a string, `{ text }` or a submittable with `text`.
 * Blocks are returned the way the call reports its errors: a rejected promise, or the callback's error.
 */
import type { PackageHook } from './hooks';
import { ownerOf, wrapMethod } from './hooks';
import { checkQuery, sqlText } from './sql';

function wrapPgQuery(proto: object, operation: string): boolean {
  const owner = ownerOf(proto, 'query');
  if (owner === undefined) return false;
  return wrapMethod(owner, 'query', (orig) =>
    function (this: unknown, ...args: unknown[]) {
      try {
        checkQuery(operation, sqlText(args[0]), 'postgres');
      } catch (err) {
        const cb = args.find((a, i) => i > 0 && typeof a === 'function') as ((e: unknown) => void) | undefined;
        const submittable = args[0] !== null && typeof args[0] === 'object' && typeof (args[0] as { submit?: unknown }).submit === 'function';
        if (cb) {
          process.nextTick(() => cb(err));
          return undefined;
        }
        if (submittable) throw err;
        return Promise.reject(err);
      }
      return orig.apply(this, args);
    },
  );
}

export function patchPgPrototype(proto: object): boolean {
  return wrapPgQuery(proto, 'pg.query');
}

export const pgHook: PackageHook = {
  name: 'pg',
  patch(exports: unknown): boolean {
    const mod = exports as { Client?: unknown; Pool?: unknown } | null;
    if (!mod || typeof mod.Client !== 'function') return false;
    let any = wrapPgQuery((mod.Client as { prototype: object }).prototype, 'pg.Client.query');
    if (typeof mod.Pool === 'function') any = wrapPgQuery((mod.Pool as { prototype: object }).prototype, 'pg.Pool.query') || any;
    return any;
  },
};
