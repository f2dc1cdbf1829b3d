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

/** The wait a {@link Hold} keeps alive (a Waiter). */
export interface HoldOwner {
  /** True while a ctxkit timer that will end the wait has yet to run. */
  _deadlinePending(): boolean;
}

/**
 * Keeps the process alive until an instant: while an async helper waits on
 * a context with a deadline, the process must stay up until that deadline
 * fires (the context's own timer is unref'd), as a Go program blocked on
 * `<-ctx.Done()` waits for its timer. A timer armed for the whole wait is
 * trusted when it fires, so fake timers that leave `Date` real end the hold
 * too; only the chained legs of a longer wait read the clock again.
 */
export class Hold {
  _at: number;
  /** pending timer; undefined once the hold has run out or is released */
  _timer: Handle;
  /** the wait this hold keeps alive */
  _owner: HoldOwner;
  constructor(at: number, owner: HoldOwner) {
    this._at = at;
    this._timer = undefined;
    this._owner = owner;
    armHold(this, at - Date.now());
  }
  /** Stops holding the process; idempotent. */
  release(): void {
    const t = this._timer;
    if (t !== undefined) {
      this._timer = undefined;
      stopTimer(t);
    }
  }
}

function armHold(h: Hold, rem: number): void {
  // +1: fire after the context's own timer for the same instant.
  if (rem + 1 > MAX_DELAY) h._timer = startTimer(onHoldLeg, MAX_DELAY, h, true);
  else h._timer = startTimer(onHoldEnd, Math.ceil(rem) + 1, h, true);
}

function onHoldLeg(h: Hold): void {
  armHold(h, h._at - Date.now());
}

function onHoldEnd(h: Hold): void {
  // The context's own timer can run after this one although it was armed
  // for an earlier instant: a runtime counts each delay from when the timer
  // is armed, and arming can lag the clock reading behind the deadline by
  // milliseconds (Node loads its timers on first use; GC pauses). Once
  // this hold ran out the process would exit with the wait pending, so
  // hold on while a ctxkit timer is still to end the wait. A user-written
  // context's deadline is never fired by ctxkit: the hold ends there.
  if (h._owner._deadlinePending()) h._timer = startTimer(onHoldEnd, 1, h, true);
  else h._timer = undefined;
}
