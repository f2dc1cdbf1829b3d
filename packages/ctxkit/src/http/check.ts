/**
 * Argument checks shared by the HTTP and Node integrations. Programmer
 * errors throw synchronously where the call is made, naming the function
 * and the argument; they are never turned into rejections or responses.
 */
import type { Context } from '../index.js';

/** A short type description for error messages; never the value itself (it may be a token). */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Throws a TypeError unless `v` is usable as a Context. */
export function checkContext(v: unknown, fn: string, arg: string): asserts v is Context {
  if (v === null || v === undefined) {
    throw new TypeError(`ctxkit.${fn}: nil context (argument "${arg}" is ${v})`);
  }
  if (typeof v !== 'object' || typeof (v as Context).err !== 'function' || typeof (v as Context).value !== 'function') {
    throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a Context, got ${kind(v)}`);
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
  const o = options as ServerOptions;
  if (o.maxTimeoutMs !== undefined) {
    if (typeof o.maxTimeoutMs !== 'number') {
      throw new TypeError(`ctxkit.${fn}: option "maxTimeoutMs" must be a number of milliseconds, got ${kind(o.maxTimeoutMs)}`);
    }
    if (Number.isNaN(o.maxTimeoutMs) || o.maxTimeoutMs < 0) {
      throw new RangeError(`ctxkit.${fn}: option "maxTimeoutMs" must be zero or more milliseconds, got ${o.maxTimeoutMs}`);
    }
  }
  if (o.parent !== undefined) checkContext(o.parent, fn, 'options.parent');
  return o;
}
