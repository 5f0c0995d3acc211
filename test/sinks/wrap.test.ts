/**
 * wrapMethod (src/sinks/hooks.ts): a wrapper looks like the function it replaces (name, length, own
 * properties, the same `prototype` object), is not wrapped twice, and undoAll restores the original.
 */
import t from 'tap';
import { promisify } from 'node:util';
import { undoAll, wrapMethod } from '../../src/sinks/hooks';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
const pass = (orig: AnyFn): AnyFn =>
  function (this: unknown, ...args: unknown[]) {
    return orig.apply(this, args);
  };

t.afterEach(() => undoAll());

t.test('a function with a prototype: the wrapper carries the same prototype object', async (t) => {
  function readThing(a: number, b: number): number {
    return a + b;
  }
  const custom = async (): Promise<string> => 'custom';
  (readThing as unknown as Record<symbol, unknown>)[promisify.custom] = custom;
  const obj: Record<string, unknown> = { readThing };
  const proto = readThing.prototype as object;
  t.ok(wrapMethod(obj, 'readThing', pass));
  const w = obj.readThing as typeof readThing;
  t.not(w, readThing, 'replaced');
  t.equal(w(2, 3), 5, 'calls through');
  t.equal(w.name, 'readThing');
  t.equal(w.length, 2);
  t.equal(w.prototype, proto, 'same prototype object');
  t.equal((w as unknown as Record<symbol, unknown>)[promisify.custom], custom, 'own symbol property kept');
  t.notOk(wrapMethod(obj, 'readThing', pass), 'not wrapped twice');
  undoAll();
  t.equal(obj.readThing, readThing, 'restored');
});

t.test('an original without a prototype (arrow, async): the wrapper keeps its own', async (t) => {
  const arrow = (x: unknown): unknown => x;
  const obj: Record<string, unknown> = { arrow };
  t.ok(wrapMethod(obj, 'arrow', pass));
  const w = obj.arrow as { prototype?: { constructor?: unknown } };
  t.equal(w.prototype?.constructor, w, "the wrapper's default prototype, not the original's (none)");
});

t.test('a wrapper whose prototype cannot be replaced (class) is still installed', async (t) => {
  function Legacy(this: { v?: number }): void {
    this.v = 1;
  }
  const obj: Record<string, unknown> = { Legacy };
  t.ok(
    wrapMethod(obj, 'Legacy', () => class Wrapped {} as unknown as AnyFn),
    'installed although `prototype` of a class is read-only',
  );
  t.not((obj.Legacy as { prototype: unknown }).prototype, Legacy.prototype);
});
