import type { Context } from '../index.js';
import { checkContext } from './check.js';
import { DONE, GRANTED, WAITING, Waiter, enqueue, unlink } from './waiters.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A mutual-exclusion lock whose `lock` honours a context: it waits until
 * the lock is free or the context is cancelled, and in the second case
 * rejects with `ctx.err()` without holding the lock. Waiters are served in
 * arrival order (FIFO), so none starves.
 *
 * The lock is not owned by a task: any code may unlock it, as with Go's
 * `sync.Mutex`. Every waiting `lock` keeps exactly one registration on its
 * context and removes it when it is granted or rejected.
 *
 * @example
 * const mu = new Mutex();
 * await mu.lock(ctx);
 * try { balance += await fetchDelta(ctx); } finally { mu.unlock(); }
 */
export class Mutex {
  /** @internal true while someone holds the lock (including a waiter just handed it) */
  _locked: boolean;
  /** @internal blocked lockers, oldest first; non-empty only while locked */
  _head: Waiter | undefined;
  /** @internal */
  _tail: Waiter | undefined;

  /**
   * Creates an unlocked mutex.
   *
   * @example
   * const mu = new Mutex();
   */
  constructor() {
    this._locked = false;
    this._head = undefined;
    this._tail = undefined;
  }

  /**
   * Locks the mutex, waiting (in FIFO order) until it is free or `ctx` is
   * cancelled.
   *
   * - If `ctx` is already cancelled, rejects with `ctx.err()` even when the
   *   mutex is free. This check comes first.
   * - If the mutex is free, it is taken synchronously, before `lock`
   *   returns (the promise is already resolved).
   * - Otherwise the call waits its turn. It rejects with `ctx.err()`, not
   *   holding the lock, if `ctx` is cancelled before the lock is handed to
   *   it or in the same tick as the hand-over (Go's `select` may pick
   *   either case there; ctxkit always honours the cancellation and passes
   *   the lock on to the next waiter). `ctx.err()` is checked once more as
   *   the lock reaches the caller, so a user-written context that reports
   *   its cancellation late (through an `afterFunc` that runs a microtask
   *   later, or only through `err()`) is honoured the same way.
   *
   * @throws {TypeError} if `ctx` is not a Context.
   * @example
   * const [ctx, cancel] = withTimeout(background(), 50);
   * try {
   *   await mu.lock(ctx);
   *   try { update(); } finally { mu.unlock(); }
   * } finally { cancel(); }
   */
  lock(ctx: Context): Promise<void> {
    checkContext(ctx, 'Mutex.lock');
    const e = ctx.err();
    if (e !== undefined) return Promise.reject(e);
    if (!this._locked) {
      this._locked = true;
      return RESOLVED;
    }
    return enqueue(this, new Waiter(ctx, 1));
  }

  /**
   * Locks the mutex if it is free now; returns whether it did. Never barges
   * past waiters (while any wait, the mutex is locked).
   *
   * @example
   * if (mu.tryLock()) {
   *   try { flush(); } finally { mu.unlock(); }
   * }
   */
  tryLock(): boolean {
    if (this._locked) return false;
    this._locked = true;
    return true;
  }

  /**
   * Unlocks the mutex, handing it to the oldest waiter whose context is
   * still live, if any.
   *
   * @throws {Error} if the mutex is not locked ("unlock of unlocked
   *   mutex"), like Go's fatal error; the mutex is left unchanged.
   * @example
   * mu.unlock();
   */
  unlock(): void {
    if (!this._locked) throw new Error('ctxkit.Mutex.unlock: unlock of unlocked mutex');
    this._handOff();
  }

  /** @internal Passes the lock to the first live waiter, or frees it. */
  _handOff(): void {
    for (let w = this._head; w !== undefined; w = this._head) {
      unlink(this, w);
      if (w._ctx.err() !== undefined) {
        // Cancelled in this tick, before its rejection ran: reject it, skip it.
        w._state = DONE;
        w._reject(w._ctx.err());
        continue;
      }
      w._state = GRANTED;
      w._resolve();
      return;
    }
    this._locked = false;
  }

  /** @internal `w`'s context won: it leaves the queue, or passes on the lock it was just handed. */
  _abandon(w: Waiter): void {
    const s = w._state;
    w._state = DONE;
    if (s === WAITING) unlink(this, w);
    else if (s === GRANTED) this._handOff();
  }
}
