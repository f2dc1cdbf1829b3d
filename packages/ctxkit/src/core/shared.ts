/**
 * One ctxkit per process. A process can load ctxkit twice: the ESM and the
 * CommonJS build of one package (an ESM app with a CommonJS dependency), or
 * two installs of the same version in different node_modules folders. Two
 * independent copies would each have their own sentinels and classes, so a
 * context made by one would be a stranger to the other (`isCanceled` false,
 * causes lost, a listener per child). Instead, the first copy loaded
 * publishes its implementation under a global symbol and every later copy
 * uses that one, as OpenTelemetry's API does with its global.
 *
 * The symbol names the shape of the published object, not the package
 * version: a copy whose implementation differs incompatibly bumps it and
 * then lives beside the others as a separate library.
 */
const KEY: unique symbol = Symbol.for('ctxkit.core/1') as never;

/**
 * Returns the implementation published by the first copy of ctxkit loaded
 * in this process, publishing `own` if this copy is the first.
 */
export function shared<T extends object>(own: T): T {
  const g = globalThis as { [KEY]?: unknown };
  const cur = g[KEY];
  if (typeof cur === 'object' && cur !== null) return cur as T;
  // Not writable or configurable: nothing can swap the implementation out
  // from under contexts already made with it.
  Object.defineProperty(g, KEY, { value: own, enumerable: false, writable: false, configurable: false });
  return own;
}
