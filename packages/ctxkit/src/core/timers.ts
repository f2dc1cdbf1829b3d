/**
 * Timer plumbing. `setTimeout`/`clearTimeout`/`Date.now` are looked up on
 * every call, never captured, so fake timers installed after import
 * (vitest, jest, @sinonjs/fake-timers) control ctxkit.
 */

/** setTimeout's largest delay; longer ones fire at once on every runtime. */
export const MAX_DELAY = 2 ** 31 - 1;

type Handle = unknown;

/**
 * Starts a timer calling `fn(arg)` after `delay` ms (capped at
 * {@link MAX_DELAY}: callers re-arm). Passing `arg` through setTimeout
 * avoids a closure per timer. Unless `ref`, the timer does not keep the
 * process alive (Node, Bun, Deno).
 */
export function startTimer<A>(fn: (arg: A) => void, delay: number, arg: A, ref: boolean): Handle {
  const t: Handle = setTimeout(fn, delay > MAX_DELAY ? MAX_DELAY : delay, arg);
  if (!ref) unrefTimer(t);
  return t;
}

/** Clears a timer started by {@link startTimer}. */
export function stopTimer(t: Handle): void {
  clearTimeout(t as Parameters<typeof clearTimeout>[0]);
}

function unrefTimer(t: Handle): void {
  if (typeof t === 'object' && t !== null) {
    const u = (t as { unref?: unknown }).unref;
    if (typeof u === 'function') u.call(t);
  } else if (typeof t === 'number') {
    const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
    if (deno !== undefined && typeof deno.unrefTimer === 'function') deno.unrefTimer(t);
  }
}

/**
 * Keeps the process alive until an instant: while an async helper waits on
 * a context with a deadline, the process must stay up until that deadline
 * fires (the context's own timer is unref'd), as a Go program blocked on
 * `<-ctx.Done()` waits for its timer.
 */
export class Hold {
  _at: number;
  _timer: Handle;
  constructor(at: number) {
    this._at = at;
    // +1: fire after the context's own timer for the same instant.
    this._timer = startTimer(onHold, at - Date.now() + 1, this, true);
  }
  release(): void {
    stopTimer(this._timer);
  }
}

function onHold(h: Hold): void {
  const rem = h._at - Date.now();
  h._timer = rem >= 0 ? startTimer(onHold, rem + 1, h, true) : undefined;
}
