import type { Key } from './context.js';

/** The runtime class of keys made by {@link createKey}. */
export class KeyImpl<T> implements Key<T> {
  declare readonly __type?: T;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
    Object.freeze(this);
  }
  toString(): string {
    return this.name;
  }
}

/**
 * Returns a new typed key for {@link withValue}. Every call returns a
 * distinct key, even for equal names: keys compare by identity, so packages
 * cannot collide by choosing the same name (Go's unexported key types).
 *
 * @throws {TypeError} if `name` is not a string.
 * @example
 * const requestId = createKey<string>('requestId');
 * const ctx = withValue(background(), requestId, 'r-1');
 * ctx.value(requestId); // 'r-1', typed string | undefined
 */
export function createKey<T>(name: string): Key<T> {
  if (typeof name !== 'string') {
    throw new TypeError(`ctxkit.createKey: argument "name" must be a string, got ${typeof name}`);
  }
  return new KeyImpl<T>(name);
}

/**
 * The private key through which a context reports its nearest ctxkit
 * cancellable context (Go's `&cancelCtxKey`). A user-written context that
 * delegates `value()` to a ctxkit context thereby delegates `cause()` too.
 */
export const cancelCtxKey: object = Object.freeze({ name: 'ctxkit.cancelCtxKey' });
