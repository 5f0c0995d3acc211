/**
 * MongoDB filter analysis. A NoSQL injection is an operator object (`{ "$ne": null }`, `{ "$gt": "" }`,
 * `{ "$regex": ".*" }`) that the input supplied where the application expected a value, or a `$where`
 * / `$function` / `$accumulator` JavaScript string containing input. The filter is walked (bounded);
 * every object with a `$` key is compared, by value, with the operator objects of the input.
 */
import type { OperatorInput, UserInput } from '../context';
import type { Verdict } from './common';

const MAX_NODES = 2000;

function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 32 || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // JSON has no undefined, no dates, no ObjectIds: compare the common coerced forms.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

const JS_OPERATORS = new Set(['$where', '$function', '$accumulator']);

export function checkMongoFilter(filter: unknown, operators: readonly OperatorInput[], inputs: readonly UserInput[]): Verdict | undefined {
  if (filter === null || typeof filter !== 'object') return undefined;
  let nodes = 0;
  const stack: unknown[] = [filter];
  while (stack.length > 0 && nodes < MAX_NODES) {
    const v = stack.pop();
    nodes++;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (v instanceof RegExp || v instanceof Date || ArrayBuffer.isView(v)) continue;
    const obj = v as Record<string, unknown>;
    let hasOp = false;
    for (const k of Object.keys(obj)) {
      const child = obj[k];
      if (k.charCodeAt(0) === 36) {
        hasOp = true;
        if (JS_OPERATORS.has(k)) {
          const code = typeof child === 'string' ? child : child !== null && typeof child === 'object' && typeof (child as { body?: unknown }).body === 'string' ? (child as { body: string }).body : undefined;
          if (code !== undefined) {
            const input = inputs.find((i) => i.value.length >= 2 && code.includes(i.value));
            if (input) return { input, reason: `Input is part of the JavaScript of a ${k} filter.` };
          }
        }
      }
      stack.push(child);
    }
    if (hasOp) {
      for (const op of operators) {
        if (deepEqual(obj, op.value)) {
          return {
            input: { value: JSON.stringify(op.value).slice(0, 200), source: op.source, path: op.path },
            reason: `The filter contains an operator object from input (${Object.keys(op.value).filter((k) => k.startsWith('$')).slice(0, 3).join(', ')}) where a value was expected.`,
          };
        }
      }
    }
  }
  return undefined;
}
