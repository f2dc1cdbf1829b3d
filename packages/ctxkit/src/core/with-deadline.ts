import type { CancelFunc, Context } from './context.js';
import { DeadlineExceeded } from './errors.js';
import { CancelCtx, attach, cancelTree } from './tree.js';
import { cancelFunc } from './with-cancel.js';
import { deadlineMs } from './lookup.js';
import { MAX_DELAY, startTimer, stopTimer } from './timers.js';
import { checkParent, deadlineIn, toDeadlineMs, toDurationMs } from './validate.js';
import { formatDuration } from './describe.js';
import { hook } from './hook.js';

/** A cancellable context with a deadline of its own (Go's timerCtx). */
export class TimerCtx extends CancelCtx {
  /** epoch ms */
  _deadline: number;
  /** the cause recorded when the deadline fires */
  _dcause: unknown;
  /** pending timer; cleared by the first cancellation */
  _timer: unknown;
  constructor(parent: Context, deadline: number, dcause: unknown) {
    super(parent);
    this._deadline = deadline;
    this._dcause = dcause;
    this._timer = undefined;
  }
  override _ownDeadline(): number {
    return this._deadline;
  }
  override _deadlineTimerPending(): boolean {
    return this._timer !== undefined;
  }
  override _release(): void {
    const t = this._timer;
    if (t !== undefined) {
      this._timer = undefined;
      stopTimer(t);
    }
  }
  override _label(): string {
    const at = new Date(this._deadline).toISOString();
    return `.WithDeadline(${at} [${formatDuration(this._deadline - Date.now())}])`;
  }
}

/**
 * Arms `c`'s timer for a deadline `rem` ms away. A timer within
 * setTimeout's range is trusted when it fires (Go trusts its runtime timer
 * too): fake timers that leave `Date` real, as jest's `doNotFake: ['Date']`
 * does, still fire it. A longer wait is a chain of legs, each reading the
 * clock again, so such a deadline never fires before `Date.now()` says so.
 */
function armDeadline(c: TimerCtx, rem: number): void {
  if (rem > MAX_DELAY) c._timer = startTimer(onDeadlineLeg, MAX_DELAY, c, false);
  // Rounded up: setTimeout truncates a fractional delay and would fire early.
  else c._timer = startTimer(onDeadline, Math.ceil(rem), c, false);
}

function onDeadlineLeg(c: TimerCtx): void {
  c._timer = undefined;
  if (c._err !== undefined) return;
  const rem = c._deadline - Date.now();
  if (rem > 0) armDeadline(c, rem);
  else cancelTree(c, DeadlineExceeded, c._dcause);
}

function onDeadline(c: TimerCtx): void {
  c._timer = undefined;
  if (c._err === undefined) cancelTree(c, DeadlineExceeded, c._dcause);
}

/**
 * `now` is the clock reading the caller already took (withTimeout), or NaN
 * to read it here: Date.now() costs about as much as the rest of a derive.
 */
function derive(parent: Context, at: number, cause: unknown, now: number, api: Function): [Context, CancelFunc] {
  const cur = at === Infinity ? undefined : deadlineMs(parent);
  if (at === Infinity || (cur !== undefined && cur < at)) {
    // No deadline of its own, or the parent's is strictly earlier: a plain
    // cancel context, as Go returns WithCancel(parent) here.
    const c = new CancelCtx(parent);
    attach(c, parent);
    const h = hook;
    if (h !== undefined) h.derived(c, api);
    return [c, cancelFunc(c)];
  }
  const c = new TimerCtx(parent, at, cause === undefined || cause === null ? DeadlineExceeded : cause);
  attach(c, parent);
  const h = hook;
  if (h !== undefined) h.derived(c, api);
  if (c._err === undefined) {
    const rem = at - (now === now ? now : Date.now());
    if (rem <= 0) cancelTree(c, DeadlineExceeded, c._dcause);
    else armDeadline(c, rem);
  }
  return [c, cancelFunc(c)];
}

/**
 * Returns a copy of `parent` whose deadline is `d` (a Date, or epoch ms),
 * or the parent's if that is strictly earlier (then the result is
 * equivalent to `withCancel(parent)`). The context is cancelled with
 * `DeadlineExceeded` when the deadline passes, with `Canceled` when the
 * returned cancel function is called first (which also clears the timer),
 * or with the parent's err when the parent is cancelled.
 *
 * A deadline at or before now gives a context that is already cancelled.
 * `Infinity` and instants beyond the range of Date (8.64e15 ms) mean no
 * deadline of its own; `-Infinity` means already expired. The deadline
 * fires when its timer does (so fake timers control it, even those that
 * leave `Date` real); deadlines beyond setTimeout's 2^31-1 ms range are
 * reached by chaining timers that read the clock again. The pending
 * timer does not keep the process alive; the async helpers
 * ({@link sleep}, {@link race}, {@link done}) do while they wait.
 *
 * @throws {TypeError} if `parent` is not a Context or `d` is neither a Date nor a number.
 * @throws {RangeError} if `d` is NaN or an invalid Date.
 */
export function withDeadline(parent: Context, d: Date | number): [Context, CancelFunc] {
  checkParent(parent, 'withDeadline');
  return derive(parent, toDeadlineMs(d, 'withDeadline'), undefined, NaN, withDeadline);
}

/**
 * Like {@link withDeadline}, but when the deadline fires `cause(ctx)` is
 * `cause` (`DeadlineExceeded` when `cause` is null/undefined); `err()` is
 * still `DeadlineExceeded`. A manual cancel or the parent's cancellation
 * records their own cause, not this one.
 *
 * @throws {TypeError} / {RangeError} as {@link withDeadline}.
 */
export function withDeadlineCause(parent: Context, d: Date | number, cause: unknown): [Context, CancelFunc] {
  checkParent(parent, 'withDeadlineCause');
  return derive(parent, toDeadlineMs(d, 'withDeadlineCause'), cause, NaN, withDeadlineCause);
}

/**
 * `withDeadline(parent, Date.now() + ms)`. `Infinity` means no deadline of
 * its own; zero, negative and `-Infinity` give an already-expired context.
 *
 * @throws {TypeError} if `parent` is not a Context or `ms` is not a number.
 * @throws {RangeError} if `ms` is NaN.
 * @example
 * const [ctx, cancel] = withTimeout(background(), 2_000);
 * try { return await fetch(url, { signal: ctx.signal }); } finally { cancel(); }
 */
export function withTimeout(parent: Context, ms: number): [Context, CancelFunc] {
  checkParent(parent, 'withTimeout');
  const d = toDurationMs(ms, 'withTimeout', 'ms');
  const now = Date.now();
  return derive(parent, deadlineIn(d, now), undefined, now, withTimeout);
}

/**
 * `withDeadlineCause(parent, Date.now() + ms, cause)`.
 *
 * @throws {TypeError} / {RangeError} as {@link withTimeout}.
 */
export function withTimeoutCause(parent: Context, ms: number, cause: unknown): [Context, CancelFunc] {
  checkParent(parent, 'withTimeoutCause');
  const d = toDurationMs(ms, 'withTimeoutCause', 'ms');
  const now = Date.now();
  return derive(parent, deadlineIn(d, now), cause, now, withTimeoutCause);
}
