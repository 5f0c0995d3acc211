/** better-sqlite3: `Database#prepare(sql)` and `Database#exec(sql)`, where statement text enters. */
import type { PackageHook } from './hooks';
import { wrapQuery } from './sql';

export function patchBetterSqlite3Prototype(proto: object): boolean {
  const p = proto as Record<string, unknown>;
  if (typeof p.prepare !== 'function' || typeof p.exec !== 'function' || typeof p.pragma !== 'function') return false;
  const a = wrapQuery(proto, 'prepare', 'better-sqlite3.prepare', 'sqlite');
  const b = wrapQuery(proto, 'exec', 'better-sqlite3.exec', 'sqlite');
  return a || b;
}

export const betterSqlite3Hook: PackageHook = {
  name: 'better-sqlite3',
  patch(exports: unknown): boolean {
    const Database = typeof exports === 'function' ? exports : (exports as { default?: unknown } | null)?.default;
    if (typeof Database !== 'function' || Database.prototype === undefined) return false;
    return patchBetterSqlite3Prototype(Database.prototype as object);
  },
};
