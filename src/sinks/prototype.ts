/**
 * Prototype pollution. A naive deep merge of input writes through `__proto__` or
 * `constructor.prototype` into Object.prototype; there is no sink call to intercept. Two defenses:
 *
 * - `hardenPrototypes()` (opt-in, `sinks: { prototypePollution: true }`): Object.prototype becomes
 *   non-extensible, so the write never happens (strict-mode code gets a TypeError, sloppy code a no-op).
 *   Irreversible for the process; code that adds new properties to Object.prototype after cold start
 *   (old polyfills, should.js) breaks, which is why it is opt-in.
 * - Always on: before a child process starts, Object.prototype must not carry the options that turn a
 *   pollution into code execution (`shell`, `env`, `NODE_OPTIONS`, `execPath`, ...).
 */
import { currentInvocation, raise } from './context';

const GADGETS = ['shell', 'env', 'NODE_OPTIONS', 'argv0', 'execPath', 'execArgv', 'cwd', 'uid', 'gid', 'input', 'stdio', 'detached'];

/** Throws SinkBlockedError (block mode) when Object.prototype carries a child-process option. */
export function checkPrototypeGadgets(operation: string): void {
  const proto = Object.prototype as unknown as Record<string, unknown>;
  for (const k of GADGETS) {
    if (Object.prototype.hasOwnProperty.call(proto, k)) {
      raise(
        currentInvocation(),
        {
          kind: 'sink',
          rule: 'sink.prototype-pollution',
          class: 'prototype-pollution',
          confidence: 'high',
          source: 'event',
          path: `Object.prototype.${k}`,
          reason: `Object.prototype has a '${k}' property (prototype pollution) that would change how the child process runs.`,
          operation,
          target: k,
        },
        'block',
      );
    }
  }
}

/** Makes Object.prototype non-extensible. Idempotent and irreversible. */
export function hardenPrototypes(): string[] {
  if (!Object.isExtensible(Object.prototype)) return [];
  Object.preventExtensions(Object.prototype);
  return ['Object.prototype (non-extensible)'];
}
