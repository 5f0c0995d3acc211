/**
 * Azure Functions invocations as the Node.js worker builds them: the real @azure/functions
 * programming model (InvocationModel.getArguments: fromRpcTypedData, whose JSON.parse of string
 * values and camelCasing of metadata keys a handler sees) on the InvocationRequest the host sends,
 * with a stand-in for the worker's `@azure/functions-core` module that captures the programming model
 * and the registered functions. Host metadata is given as the host names it (PascalCase), each value
 * typed as the host types it (strings as `string`, bytes, numbers, anything else as JSON).
 *
 * Import this module before anything that loads `@azure/functions`' registration (app.*): the core
 * module is looked up lazily, on the first registration.
 */
import Module from 'node:module';

type Any = any;

interface Registered {
  meta: { name: string; bindings: Record<string, { direction?: string; type: string }> };
  callback: (...args: unknown[]) => unknown;
}

let model: Any;
const registered = new Map<string, Registered>();
const core = {
  setProgrammingModel: (m: unknown): void => {
    model = m;
  },
  registerFunction: (meta: Registered['meta'], callback: Registered['callback']) => {
    registered.set(meta.name, { meta, callback });
    return { dispose: () => undefined };
  },
  registerHook: () => ({ dispose: () => undefined }),
};
const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = mod._load;
mod._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const azure = require('@azure/functions') as typeof import('@azure/functions');

/** The host's TypedData for a value. */
function typed(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return { string: v };
  if (v instanceof Uint8Array) return { bytes: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { int: v } : { double: v };
  if (Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof Uint8Array)) return { collectionBytes: { bytes: v } };
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return { collectionString: { string: v } };
  return { json: JSON.stringify(v) };
}

let seq = 0;

/**
 * Registers `handler` with `app[kind](name, options)` and invokes it once, as the worker does, with
 * the trigger's `data` and the host's trigger metadata. Resolves or rejects as the handler does.
 * `generic` takes the trigger in `options.trigger` (`{ type: 'rabbitMQTrigger', name, … }`).
 */
export async function invokeAsWorker(kind: 'storageQueue' | 'serviceBusQueue' | 'eventHub' | 'storageBlob' | 'cosmosDB' | 'eventGrid' | 'generic', options: Record<string, unknown>, handler: (...args: Any[]) => unknown, data: unknown, hostMetadata: Record<string, unknown> = {}): Promise<unknown> {
  const name = `worker${++seq}`;
  (azure.app[kind] as (name: string, o: Any) => void)(name, { ...options, handler });
  const fn = registered.get(name);
  if (fn === undefined || model === undefined) throw new Error('the @azure/functions-core stand-in was not used: import azure-worker first');
  const triggerName = Object.keys(fn.meta.bindings).find((k) => fn.meta.bindings[k]!.direction === 'in')!;
  const triggerMetadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hostMetadata)) triggerMetadata[k] = typed(v);
  const invocation = model.getInvocationModel({
    invocationId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    metadata: { name, bindings: fn.meta.bindings },
    request: { inputData: [{ name: triggerName, data: typed(data) }], triggerMetadata },
  });
  const { context, inputs } = await invocation.getArguments();
  return invocation.invokeFunction(context, inputs, fn.callback);
}
