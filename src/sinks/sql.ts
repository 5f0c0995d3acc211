/** The SQL sink check shared by the drivers: does input change the structure of the statement? */
import { checkSql, type SqlDialect } from './analysis/sql';
import { currentInvocation } from './context';
import { ownerOf, sinkFinding, withInputs, wrapMethod } from './hooks';

/** Throws SinkBlockedError (block mode) when input changes the structure of `sql`. */
export function checkQuery(operation: string, sql: unknown, dialect: SqlDialect): void {
  if (typeof sql !== 'string' || sql.length < 2) return;
  const ctx = currentInvocation();
  if (!withInputs(ctx)) return;
  const v = checkSql(sql, ctx.inputs, ctx.lowered, dialect);
  if (v) ctx.raise(sinkFinding('sqli', operation, v, sql), 'block');
}

/** The statement text of a driver call's first argument: a string, `{ text }` (pg) or `{ sql }` (mysql2). */
export function sqlText(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg !== null && typeof arg === 'object') {
    const o = arg as { text?: unknown; sql?: unknown };
    if (typeof o.text === 'string') return o.text;
    if (typeof o.sql === 'string') return o.sql;
  }
  return undefined;
}

export type Style = 'sync' | 'promise' | 'callback';

/**
 * Wraps `proto[method]` (found on the prototype chain, defined on `proto`) so the statement is checked
 * first. `promise` style methods report a block as a rejected promise; the others throw.
 */
export function wrapQuery(proto: object, method: string, operation: string, dialect: SqlDialect, style: Style = 'sync'): boolean {
  const owner = ownerOf(proto, method);
  if (owner === undefined || typeof (owner as Record<string, unknown>)[method] !== 'function') return false;
  return wrapMethod(owner, method, (orig) =>
    style === 'promise'
      ? function (this: unknown, ...args: unknown[]) {
          try {
            checkQuery(operation, sqlText(args[0]), dialect);
          } catch (err) {
            return Promise.reject(err);
          }
          return orig.apply(this, args);
        }
      : function (this: unknown, ...args: unknown[]) {
          checkQuery(operation, sqlText(args[0]), dialect);
          return orig.apply(this, args);
        },
  );
}
