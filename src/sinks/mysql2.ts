/**
 * mysql2 (and mysql2/promise, whose classes wrap these): `Connection#query/execute` and
 * `Pool#query/execute`, statement as a string, `{ sql }` or a Query command. Blocks are thrown; the
 * promise wrapper of mysql2/promise turns them into rejections.
 */
import type { PackageHook } from './hooks';
import { wrapQuery } from './sql';

export function patchMysql2Prototype(proto: object): boolean {
  const a = wrapQuery(proto, 'query', 'mysql2.query', 'mysql');
  const b = wrapQuery(proto, 'execute', 'mysql2.execute', 'mysql');
  return a || b;
}

export const mysql2Hook: PackageHook = {
  name: 'mysql2',
  patch(exports: unknown): boolean {
    const mod = exports as Record<string, unknown> | null;
    if (!mod || typeof mod.createConnection !== 'function') return false;
    let any = false;
    for (const cls of ['Connection', 'Pool', 'PoolConnection', 'PoolCluster']) {
      const C = mod[cls];
      if (typeof C === 'function' && C.prototype) any = patchMysql2Prototype(C.prototype as object) || any;
    }
    return any;
  },
};
