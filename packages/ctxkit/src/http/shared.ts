/**
 * One set of integration singletons per process. The ESM and the CommonJS
 * build of ctxkit can both be loaded (an ESM app with a CommonJS
 * dependency); if each made its own request-id key, a context stamped by
 * one copy's middleware would read as having no id through the other
 * copy's `requestId()`. So the first copy loaded publishes each singleton
 * (keys, error classes, the AsyncLocalStorage) under a global symbol and
 * later copies use that one, as the core does with its own implementation.
 *
 * The symbol names the shape of what is published, not the package
 * version: an incompatible change bumps it.
 */
const KEY: unique symbol = Symbol.for('ctxkit.integrations/1') as never;

/**
 * Returns the value published under `name` by the first copy of ctxkit
 * loaded in this process, publishing `own` if this copy is the first.
 */
export function shared<T>(name: string, own: T): T {
  const g = globalThis as { [KEY]?: Record<string, unknown> };
  let registry = g[KEY];
  if (registry === undefined) {
    registry = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(g, KEY, { value: registry, enumerable: false, writable: false, configurable: false });
  }
  if (!(name in registry)) {
    // Not writable: nothing can swap a key out from under contexts already stamped with it.
    Object.defineProperty(registry, name, { value: own, enumerable: true, writable: false, configurable: false });
  }
  return registry[name] as T;
}
