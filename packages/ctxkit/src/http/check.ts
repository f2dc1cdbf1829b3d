/**
 * Argument checks shared by the HTTP and Node integrations. Programmer
 * errors throw synchronously where the call is made, naming the function
 * and the argument; they are never turned into rejections or responses.
 */
import type { Context } from '../index.js';

/** A short type description for error messages; never the value itself (it may be a token). */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  try {
    if (Array.isArray(v)) return 'array';
  } catch {
    return 'revoked Proxy'; // IsArray throws on one
  }
  return typeof v;
}

/** Throws a TypeError unless `v` is usable as a Context. */
export function checkContext(v: unknown, fn: string, arg: string): asserts v is Context {
  if (v === null || v === undefined) {
    throw new TypeError(`ctxkit.${fn}: nil context (argument "${arg}" is ${v})`);
  }
  if (typeof v !== 'object' || !readable(() => typeof (v as Context).err === 'function' && typeof (v as Context).value === 'function')) {
    throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a Context, got ${kind(v)}`);
  }
}

/**
 * `test()`, or false when it throws: reading a property of a revoked Proxy
 * (or a throwing getter) must fail as a bad argument named by the caller,
 * not as the engine's anonymous "Cannot perform 'get' on a proxy".
 */
export function readable(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    return false;
  }
}

/** Throws a TypeError unless `f` is a function. */
export function checkFunction(f: unknown, fn: string, arg: string): asserts f is Function {
  if (typeof f !== 'function') {
    throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a function, got ${kind(f)}`);
  }
}

/** Options every server integration takes. */
export interface ServerOptions {
  /**
   * The server's own budget per request, in milliseconds: a request's
   * deadline is the earlier of this and the client's `connect-timeout-ms`.
   * It is also the cap on what a client may ask for. Default `Infinity`:
   * no budget of the server's own (the client's header alone applies).
   */
  maxTimeoutMs?: number;
  /**
   * The context every request context derives from; default `background()`.
   * Pass a server-lifetime context to cancel every request in flight at
   * shutdown. Its values are visible to handlers.
   */
  parent?: Context;
}

/**
 * Validates server options once, when a handler or middleware is made, so
 * a typo fails at startup instead of on the first request.
 *
 * @throws {TypeError} if `options` is not an object, `maxTimeoutMs` is not
 *   a number or `parent` is not a Context.
 * @throws {RangeError} if `maxTimeoutMs` is NaN or negative.
 */
export function checkServerOptions(options: unknown, fn: string): ServerOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`ctxkit.${fn}: argument "options" must be an object, got ${kind(options)}`);
  }
  // Read each option once, into an object of our own: a getter (or a Proxy)
  // cannot hand the check one value and every later request another, and a
  // revoked Proxy fails here, named, instead of on the first request.
  let maxTimeoutMs: unknown;
  let parent: unknown;
  try {
    ({ maxTimeoutMs, parent } = options as ServerOptions);
  } catch {
    throw new TypeError(`ctxkit.${fn}: argument "options" must be an object whose properties can be read`);
  }
  checkMaxTimeoutMs(maxTimeoutMs, fn);
  if (parent !== undefined) checkContext(parent, fn, 'options.parent');
  const o: ServerOptions = {};
  if (maxTimeoutMs !== undefined) o.maxTimeoutMs = maxTimeoutMs;
  if (parent !== undefined) o.parent = parent;
  return o;
}

/**
 * Throws unless `ms` is undefined or zero or more milliseconds (`Infinity`
 * included).
 *
 * @throws {TypeError} if `ms` is neither undefined nor a number.
 * @throws {RangeError} if `ms` is NaN or negative.
 */
export function checkMaxTimeoutMs(ms: unknown, fn: string, arg = 'option "maxTimeoutMs"'): asserts ms is number | undefined {
  if (ms === undefined) return;
  if (typeof ms !== 'number') {
    throw new TypeError(`ctxkit.${fn}: ${arg} must be a number of milliseconds, got ${kind(ms)}`);
  }
  if (Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`ctxkit.${fn}: ${arg} must be zero or more milliseconds, got ${ms}`);
  }
}
