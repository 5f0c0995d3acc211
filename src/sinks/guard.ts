/**
 * Explicit protection for drivers a bundler inlined (no `require` to hook): `guard(db)` patches the
 * class of the object given (so every instance of it is covered) and returns the object.
 *
 * @example
 * import Database from 'better-sqlite3';
 * const db = guard(new Database('app.db'));
 * const pool = guard(new pg.Pool(), { driver: 'pg' });
 * const users = guard(client.db('app').collection('users'));
 */
import { RaspConfigError } from '../errors';
import { patchBetterSqlite3Prototype } from './better-sqlite3';
import { undiciHook } from './fetch';
import { wrapMethod } from './hooks';
import { patchMongoCollectionPrototype } from './mongodb';
import { patchMysql2Prototype } from './mysql2';
import { patchPgPrototype } from './pg';
import { patchSqlite3Prototype } from './sqlite3';

export type GuardDriver = 'better-sqlite3' | 'sqlite3' | 'pg' | 'mysql2' | 'mongodb' | 'undici';

export interface GuardOptions {
  /** Which driver the object belongs to, when the shape does not tell (a `query` method alone). */
  driver?: GuardDriver;
}

function protoOf(x: object): object {
  return Object.getPrototypeOf(x) ?? x;
}

function has(x: object, ...names: string[]): boolean {
  return names.every((n) => typeof (x as Record<string, unknown>)[n] === 'function');
}

function patchMongoParent(x: object): boolean {
  // Db#collection / MongoClient#db: guard what they hand out.
  const proto = protoOf(x);
  if (has(x, 'collection')) {
    return wrapMethod(proto, 'collection', (orig) =>
      function (this: unknown, ...args: unknown[]) {
        const c = orig.apply(this, args);
        if (c !== null && typeof c === 'object') patchMongoCollectionPrototype(protoOf(c));
        return c;
      },
    );
  }
  if (has(x, 'db')) {
    return wrapMethod(proto, 'db', (orig) =>
      function (this: unknown, ...args: unknown[]) {
        const d = orig.apply(this, args);
        if (d !== null && typeof d === 'object') patchMongoParent(d);
        return d;
      },
    );
  }
  return false;
}

/** Protects a driver object (or a bundled `undici` module). Returns it unchanged otherwise. */
export function guard<T>(target: T, options: GuardOptions = {}): T {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
    throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: guard() needs a database client, pool, collection or the undici module; got ${target === null ? 'null' : typeof target}.`);
  }
  const x = target as unknown as object;
  const proto = typeof target === 'function' ? (target as unknown as { prototype: object }).prototype : protoOf(x);
  const d = options.driver;
  let ok = false;
  if (d === 'undici' || (d === undefined && has(x, 'request', 'fetch') && typeof (x as Record<string, unknown>).Agent === 'function')) ok = undiciHook.patch(x);
  else if (d === 'better-sqlite3' || (d === undefined && has(proto, 'prepare', 'exec', 'pragma'))) ok = patchBetterSqlite3Prototype(proto);
  else if (d === 'sqlite3' || (d === undefined && has(proto, 'run', 'all', 'each'))) ok = patchSqlite3Prototype(proto);
  else if (d === 'mongodb' || (d === undefined && (has(proto, 'find', 'insertOne') || has(proto, 'collection') || has(proto, 'db')))) {
    ok = has(proto, 'find', 'insertOne') ? patchMongoCollectionPrototype(proto) : patchMongoParent(x);
  } else if (d === 'mysql2' || (d === undefined && has(proto, 'query', 'execute'))) ok = patchMysql2Prototype(proto);
  else if (d === 'pg' || (d === undefined && has(proto, 'query'))) ok = patchPgPrototype(proto);
  else {
    throw new RaspConfigError(
      'RASP_ERR_OPTIONS',
      `serverless-rasp: guard() does not recognize this object; pass { driver: 'pg' | 'mysql2' | 'better-sqlite3' | 'sqlite3' | 'mongodb' | 'undici' }.`,
    );
  }
  void ok; // false means: already guarded (by the require hook or an earlier guard).
  return target;
}
