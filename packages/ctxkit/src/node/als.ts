/**
 * The current context, for code that cannot take a `ctx` parameter (a
 * logger, an ORM hook, a library callback): AsyncLocalStorage carries it
 * through every `await`, timer and callback started inside
 * {@link runWithContext}. The server integrations of ctxkit/node bind each
 * request's context this way.
 *
 * Passing `ctx` explicitly remains the rule, as in Go: it is visible,
 * typed and testable. This is the escape hatch, not the default.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '../index.js';
import { checkContext, checkFunction } from '../http/check.js';
import { shared } from '../http/shared.js';

/** One storage per process, shared by the ESM and CommonJS builds: a context bound by one is current() for the other. */
const storage: AsyncLocalStorage<Context> = shared('asyncLocalStorage', new AsyncLocalStorage<Context>());

/**
 * Calls `fn(...args)` with `ctx` as the current context and returns what
 * it returns. Inside `fn`, and in everything it starts asynchronously
 * (promises, timers, event callbacks registered there), {@link current}
 * returns `ctx`; outside, it returns what it returned before. Nesting
 * works: the innermost call wins until it returns.
 *
 * The binding does not follow `ctx`'s lifetime: code running after `ctx`
 * was cancelled still sees it as current, with its `err()` set, which is
 * what it needs to stop.
 *
 * @throws {TypeError} if `ctx` is not a Context or `fn` is not a function.
 * @example
 * runWithContext(ctx, async () => {
 *   await step();
 *   log.info('done', { requestId: requestId(current()!) });
 * });
 */
export function runWithContext<R>(ctx: Context, fn: () => R): R;
export function runWithContext<R, A extends unknown[]>(ctx: Context, fn: (...args: A) => R, ...args: A): R;
export function runWithContext<R, A extends unknown[]>(ctx: Context, fn: (...args: A) => R, ...args: A): R {
  checkContext(ctx, 'runWithContext', 'ctx');
  checkFunction(fn, 'runWithContext', 'fn');
  return storage.run(ctx, fn, ...args);
}

/**
 * {@link runWithContext} without its argument checks, for the server
 * integrations, whose `ctx` and `fn` are known good (checked once, when
 * wrapping): once per request, it must not pay for a rest array either.
 * Internal: not exported from the package.
 */
export function runBound<A, B, C, R>(ctx: Context, fn: (a: A, b: B, c: C) => R, a: A, b: B, c: C): R {
  return storage.run(ctx, fn, a, b, c);
}

/** {@link runBound} for a two-argument `fn` (it is called with exactly two). Internal. */
export function runBound2<A, B, R>(ctx: Context, fn: (a: A, b: B) => R, a: A, b: B): R {
  return storage.run(ctx, fn, a, b);
}

/**
 * The current context: the one bound by the innermost enclosing
 * {@link runWithContext} (or by a ctxkit/node server integration for the
 * request being handled), or `undefined` when there is none, so a caller
 * can tell "outside any request" apart. Write `current() ?? background()`
 * where background work is acceptable.
 */
export function current(): Context | undefined {
  return storage.getStore();
}

/**
 * Returns a function that calls `fn` with `ctx` as the current context,
 * wherever it is later called from: for callbacks handed to code that
 * runs them outside the request (an event emitter shared across
 * requests, a connection pool).
 *
 * @throws {TypeError} if `ctx` is not a Context or `fn` is not a function.
 */
export function bindContext<A extends unknown[], R>(ctx: Context, fn: (...args: A) => R): (...args: A) => R {
  checkContext(ctx, 'bindContext', 'ctx');
  checkFunction(fn, 'bindContext', 'fn');
  return (...args: A): R => storage.run(ctx, fn, ...args);
}
