/** sqlite3 (node-sqlite3): `Database#run/get/all/each/map/exec/prepare(sql, ...)`. */
import type { PackageHook } from './hooks';
import { wrapQuery } from './sql';

const METHODS = ['run', 'get', 'all', 'each', 'map', 'exec', 'prepare'];

export function patchSqlite3Prototype(proto: object): boolean {
  const p = proto as Record<string, unknown>;
  if (typeof p.run !== 'function' || typeof p.all !== 'function' || typeof p.each !== 'function') return false;
  let any = false;
  for (const m of METHODS) any = wrapQuery(proto, m, `sqlite3.${m}`, 'sqlite') || any;
  return any;
}

export const sqlite3Hook: PackageHook = {
  name: 'sqlite3',
  patch(exports: unknown): boolean {
    const Database = (exports as { Database?: unknown } | null)?.Database;
    if (typeof Database !== 'function') return false;
    return patchSqlite3Prototype(Database.prototype as object);
  },
};
