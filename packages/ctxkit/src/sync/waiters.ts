/**
 * The FIFO of blocked acquirers shared by {@link Semaphore} and
 * {@link Mutex}: an intrusive doubly-linked list (a waiter removes itself
 * in O(1) when its context is cancelled) and the one way a waiter waits.
 *
 * Invariants
 *  1. A waiter is in its owner's list exactly while its state is WAITING.
 *  2. A waiter leaves the list once, by being granted (state GRANTED, the
 *     owner has already counted its weight as held) or by being abandoned
 *     (state DONE, nothing held).
 *  3. While it waits, a waiter has exactly one registration on its context:
 *     the one `race()` keeps, released by `race()` the moment the waiter
 *     settles either way. So a long-lived context used for a million
 *     acquisitions is left as it was found.
 *
 * Order of a grant racing a cancellation (x/sync's rule: an acquire whose
 * context is done when it wakes reports the error and holds nothing)
 *  - cancelled first, granted in the same tick: the owner sees `ctx.err()`
 *    set when it reaches the waiter, drops it (DONE), rejects it with that
 *    error (without waiting for the context's notification, which a
 *    user-written context may deliver later) and grants the next.
 *  - granted first, cancelled in the same tick: `race()` rejects before the
 *    grant can resolve it; the owner's `_abandon` sees GRANTED and gives the
 *    weight back (waking whoever is next), and the caller gets `ctx.err()`.
 *  - granted first, cancellation reported late: a user-written context may
 *    set `err()` at once but tell its watchers a microtask later (or only
 *    through an `err()` that flips, never through its signal), so `race()`
 *    resolves with the grant. The grant is checked once more when it is
 *    delivered, the last step before the caller resumes (x/sync re-checks
 *    `ctx.Done()` after `<-ready`): if `ctx.err()` is set by then, the
 *    waiter is abandoned as above and the caller gets that `err()`.
 */
import { type Context, race } from '../index.js';

export const WAITING = 0;
export const GRANTED = 1;
export const DONE = 2;

/** One blocked acquire. */
export class Waiter {
  _next: Waiter | undefined;
  _prev: Waiter | undefined;
  _ctx: Context;
  /** the weight asked for */
  _n: number;
  _state: number;
  /** settle the promise `race()` waits on; set by the executor. */
  _resolve!: () => void;
  _reject!: (err: unknown) => void;
  constructor(ctx: Context, n: number) {
    this._next = undefined;
    this._prev = undefined;
    this._ctx = ctx;
    this._n = n;
    this._state = WAITING;
  }
}

/** The owner of a waiter list: a Semaphore or a Mutex. */
export interface Owner {
  _head: Waiter | undefined;
  _tail: Waiter | undefined;
  /** Called when a waiter's context wins the race: undo whatever it holds. */
  _abandon(w: Waiter): void;
}

/** Appends `w` at the tail of `q`. */
export function push(q: Owner, w: Waiter): void {
  const t = q._tail;
  w._prev = t;
  if (t === undefined) q._head = w;
  else t._next = w;
  q._tail = w;
}

/** Unlinks `w` from `q`. */
export function unlink(q: Owner, w: Waiter): void {
  const p = w._prev;
  const x = w._next;
  if (p === undefined) q._head = x;
  else p._next = x;
  if (x === undefined) q._tail = p;
  else x._prev = p;
  w._next = undefined;
  w._prev = undefined;
}

function never(): void {}

/**
 * Waits for `ctx` alone: the promise rejects with `ctx.err()` when `ctx` is
 * cancelled and never resolves (x/sync's doomed acquire that blocks nobody).
 * Nothing stays registered once it settles; for a context that can never be
 * cancelled, nothing is registered at all.
 */
export function waitForCancel(ctx: Context): Promise<void> {
  return race(ctx, new Promise<void>(never));
}

/**
 * Queues `w` on `q` and returns the promise its caller awaits: it resolves
 * when the owner grants `w` and `ctx` still reports no `err()` as the grant
 * is delivered; otherwise it rejects with `ctx.err()`, holding nothing (a
 * grant it was handed goes to the next waiter). `race()` keeps the process
 * alive until the context's deadline while the waiter waits, as a Go
 * program blocked in `Acquire` waits for its timer.
 */
export function enqueue(q: Owner, w: Waiter): Promise<void> {
  const granted = new Promise<void>((resolve, reject) => {
    w._resolve = resolve;
    w._reject = reject;
  });
  // race() first: if it throws (a context ctxkit cannot watch), nothing is
  // queued that a later grant could be lost to.
  const raced = race(w._ctx, granted);
  push(q, w);
  return raced.then(
    () => {
      // A user-written context may report err() after the grant without
      // having told race() (a microtask late, or never): this is the last
      // moment before the caller resumes, so the grant is given back here.
      const e = w._ctx.err();
      if (e === undefined) return;
      q._abandon(w);
      throw e;
    },
    (err: unknown) => {
      q._abandon(w);
      throw err;
    },
  );
}
