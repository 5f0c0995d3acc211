/**
 * MongoDB: `Collection` methods that take a filter (find, findOne, update*, delete*, replaceOne,
 * findOneAnd*, countDocuments, count, distinct), `aggregate` and `watch` (the whole pipeline) and `bulkWrite`
 * (every operation). A filter holding
 * an operator object from input, or input inside `$where` JavaScript, is a NoSQL injection.
 */
import { checkMongoFilter } from './analysis/nosql';
import { currentInvocation } from './context';
import { ownerOf, sinkFinding, wrapMethod, type PackageHook } from './hooks';

const FILTER_FIRST = ['find', 'findOne', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'countDocuments', 'count'];

export function checkFilter(operation: string, filter: unknown): void {
  const ctx = currentInvocation();
  if (!ctx || filter === null || typeof filter !== 'object') return;
  if (ctx.operators.length === 0 && ctx.inputs.length === 0) return;
  const v = checkMongoFilter(filter, ctx.operators, ctx.inputs);
  if (v) ctx.raise(sinkFinding('nosqli', operation, v, safeJson(filter)), 'block');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '[filter]';
  }
}

/** Promise-returning methods report a block as a rejection; `find`/`aggregate` return cursors: thrown. */
function wrapFilter(proto: object, method: string, argIndex: number, promise: boolean, pipeline = false): boolean {
  const owner = ownerOf(proto, method);
  if (owner === undefined) return false;
  const operation = `mongodb.${method}`;
  return wrapMethod(owner, method, (orig) =>
    function (this: unknown, ...args: unknown[]) {
      try {
        const arg = args[argIndex];
        // A pipeline (aggregate, watch) or a bulkWrite's operations are walked whole: filters also sit
        // in $lookup/$facet/$unionWith sub-pipelines and in each write's `filter`, and $function /
        // $accumulator JavaScript runs in $addFields, $project or $group, not only in $match.
        checkFilter(operation, pipeline && !Array.isArray(arg) ? undefined : arg);
      } catch (err) {
        if (promise) return Promise.reject(err);
        throw err;
      }
      return orig.apply(this, args);
    },
  );
}

export function patchMongoCollectionPrototype(proto: object): boolean {
  const p = proto as Record<string, unknown>;
  if (typeof p.find !== 'function' || typeof p.insertOne !== 'function') return false;
  let any = false;
  for (const m of FILTER_FIRST) any = wrapFilter(proto, m, 0, m !== 'find') || any;
  any = wrapFilter(proto, 'distinct', 1, true) || any;
  any = wrapFilter(proto, 'aggregate', 0, false, true) || any;
  if (typeof p.bulkWrite === 'function') any = wrapFilter(proto, 'bulkWrite', 0, true, true) || any;
  if (typeof p.watch === 'function') any = wrapFilter(proto, 'watch', 0, false, true) || any;
  return any;
}

export const mongodbHook: PackageHook = {
  name: 'mongodb',
  patch(exports: unknown): boolean {
    const C = (exports as { Collection?: unknown } | null)?.Collection;
    if (typeof C !== 'function') return false;
    return patchMongoCollectionPrototype(C.prototype as object);
  },
};
