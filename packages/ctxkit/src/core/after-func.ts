import type { Context } from './context.js';
import { CANCELLED, Watch, unwatch, watch } from './tree.js';
import { checkContext } from './validate.js';

const PENDING = 0;
const FIRED = 1;
const STOPPED = 2;

// A promise reaction, not queueMicrotask: fake-timer tools that fake
// queueMicrotask must not hold callbacks back.
const RESOLVED = Promise.resolve();

class AfterFuncWatch extends Watch {
  _f: () => void;
  _state: number;
  constructor(f: () => void) {
    super();
    this._f = f;
    this._state = PENDING;
  }
  _fire(): void {
    this._state = FIRED;
    // Go runs f in its own goroutine; here it is its own microtask. If f
    // throws, the rejection is unhandled and reported as uncaught (Node
    // exits by default), and other callbacks still run.
    void RESOLVED.then(this._f);
  }
}

function stop(w: AfterFuncWatch): boolean {
  if (w._state !== PENDING) return false;
  const cc = w._cc;
  // Once the context is cancelled, f is committed (Go's rule), even if its
  // microtask has not run yet.
  if (cc !== undefined && cc._err !== undefined) return false;
  w._state = STOPPED;
  unwatch(w);
  return true;
}

/**
 * Arranges for `f` to run once, asynchronously, after `ctx` is cancelled;
 * if `ctx` is already cancelled it is queued at once. `f` never runs inside
 * `cancel()` or `afterFunc()`: it runs in a microtask queued at the
 * cancellation. Callbacks of one cancellation run ancestor first, in
 * derivation order, and on one context in registration order. An exception
 * thrown by `f` is reported as an unhandled rejection (Node's default turns
 * it into an uncaught exception) and does not stop the other callbacks.
 *
 * The returned `stop` unregisters `f`. It returns true if that prevented
 * `f` from running, false if `f` was already committed (the context is
 * cancelled, even if `f` has not run yet) or stop was already called.
 * Exactly one of "f runs" and "stop returns true" happens. `stop` does not
 * wait for `f` to finish.
 *
 * ctxkit keeps no listener or closure on `ctx` for `f` beyond one list
 * entry, removed by stop or by the cancellation.
 *
 * @throws {TypeError} if `ctx` is not a Context or `f` is not a function.
 */
export function afterFunc(ctx: Context, f: () => void): () => boolean {
  checkContext(ctx, 'afterFunc', 'ctx');
  if (typeof f !== 'function') {
    throw new TypeError(`ctxkit.afterFunc: argument "f" must be a function, got ${f === null ? 'null' : typeof f}`);
  }
  const w = new AfterFuncWatch(f);
  if (watch(ctx, w) === CANCELLED) w._fire();
  return () => stop(w);
}
