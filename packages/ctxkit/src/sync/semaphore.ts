import type { Context } from '../index.js';
import { checkContext, checkWeight } from './check.js';
import { DONE, GRANTED, WAITING, Waiter, enqueue, unlink, waitForCancel } from './waiters.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A weighted semaphore (Go's `golang.org/x/sync/semaphore.Weighted`): it
 * bounds the combined weight of concurrent holders to `size`.
 *
 * Fairness is x/sync's: blocked acquirers are served strictly in arrival
 * order, and a large request at the head of the queue blocks smaller ones
 * behind it until it fits, so a writer taking the whole semaphore is never
 * starved by a stream of readers. An acquire that can never fit (`n > size`)
 * does not queue and blocks nobody.
 *
 * Every waiting acquire keeps exactly one registration on its context and
 * removes it when it is granted or rejected.
 *
 * @example
 * const sem = new Semaphore(4);          // at most 4 jobs at once
 * await sem.acquire(ctx);
 * try { await job(ctx); } finally { sem.release(); }
 */
export class Semaphore {
  /** @internal the capacity; fixed */
  _size: number;
  /** @internal the weight currently held (granted and not released) */
  _cur: number;
  /** @internal blocked acquirers, oldest first */
  _head: Waiter | undefined;
  /** @internal */
  _tail: Waiter | undefined;

  /**
   * Creates a semaphore with capacity `size`, all of it free.
   *
   * @throws {TypeError} if `size` is not a number.
   * @throws {RangeError} if `size` is not a positive integer (0, negative,
   *   fractional, NaN, infinite or above `Number.MAX_SAFE_INTEGER`).
   * @example
   * const readers = new Semaphore(8);   // 8 readers, or 1 writer taking all 8
   */
  constructor(size: number) {
    if (typeof size !== 'number') {
      throw new TypeError(`ctxkit.Semaphore: argument "size" must be a number, got ${size === null ? 'null' : typeof size}`);
    }
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`ctxkit.Semaphore: argument "size" must be a positive integer, got ${size}`);
    }
    this._size = size;
    this._cur = 0;
    this._head = undefined;
    this._tail = undefined;
  }

  /**
   * Acquires weight `n` (default 1), waiting until it fits or `ctx` is
   * cancelled.
   *
   * - If `ctx` is already cancelled, rejects with `ctx.err()` even when the
   *   semaphore has room: the cancellation happened first. This check comes
   *   before everything else.
   * - `n === 0` on a live context resolves at once and holds nothing.
   * - If `n` fits and nobody is queued, the weight is taken synchronously,
   *   before `acquire` returns (the promise is already resolved).
   * - Otherwise the call joins the FIFO queue. It resolves when its turn
   *   comes and `n` fits; it rejects with `ctx.err()`, holding nothing, if
   *   `ctx` is cancelled first or in the same tick as the grant, or reports
   *   `err()` when the grant reaches the caller (a user-written context may
   *   report its cancellation late); the weight then goes to the waiters
   *   behind it. A waiter cancelled at the head of the queue wakes those
   *   behind it that now fit.
   * - If `n > size` it can never succeed: it waits for `ctx` without joining
   *   the queue (it blocks nobody) and rejects with `ctx.err()`.
   *
   * @throws {TypeError} if `ctx` is not a Context or `n` is not a number.
   * @throws {RangeError} if `n` is negative, fractional or NaN.
   * @example
   * const [ctx, cancel] = withTimeout(background(), 100);
   * try {
   *   await sem.acquire(ctx, 2);
   *   try { await work(); } finally { sem.release(2); }
   * } catch (err) {
   *   if (isDeadlineExceeded(err)) console.log('gave up waiting');
   * } finally { cancel(); }
   */
  acquire(ctx: Context, n: number = 1): Promise<void> {
    checkContext(ctx, 'Semaphore.acquire');
    checkWeight(n, 'Semaphore.acquire');
    const e = ctx.err();
    if (e !== undefined) return Promise.reject(e);
    if (this._head === undefined && this._size - this._cur >= n) {
      this._cur += n;
      return RESOLVED;
    }
    // Zero weight never waits: nothing is taken, so nobody is overtaken.
    if (n === 0) return RESOLVED;
    // Doomed: don't make later acquires queue behind it (x/sync).
    if (n > this._size) return waitForCancel(ctx);
    return enqueue(this, new Waiter(ctx, n));
  }

  /**
   * Acquires weight `n` (default 1) only if it is free now and nobody is
   * queued (no barging past waiters, even with room); returns whether it
   * did. `tryAcquire(0)` always succeeds.
   *
   * @throws {TypeError} if `n` is not a number.
   * @throws {RangeError} if `n` is negative, fractional or NaN.
   * @example
   * if (!sem.tryAcquire()) return 'busy';
   * try { doWork(); } finally { sem.release(); }
   */
  tryAcquire(n: number = 1): boolean {
    checkWeight(n, 'Semaphore.tryAcquire');
    if (n === 0) return true;
    if (this._head !== undefined || this._size - this._cur < n) return false;
    this._cur += n;
    return true;
  }

  /**
   * Releases weight `n` (default 1) and grants queued acquirers, in order,
   * as long as the one at the head fits. Releasing need not be done by the
   * holder that acquired.
   *
   * @throws {TypeError} if `n` is not a number.
   * @throws {RangeError} if `n` is negative, fractional or NaN.
   * @throws {Error} if `n` is more than the weight currently held
   *   ("released more than held"); the count is left unchanged.
   * @example
   * await sem.acquire(ctx, 3);
   * sem.release(3);
   */
  release(n: number = 1): void {
    checkWeight(n, 'Semaphore.release');
    if (n > this._cur) {
      throw new Error(`ctxkit.Semaphore.release: released more than held (release ${n}, held ${this._cur})`);
    }
    this._cur -= n;
    if (this._head !== undefined) this._notify();
  }

  /** @internal Grants waiters from the head while the head fits (x/sync's notifyWaiters). */
  _notify(): void {
    for (let w = this._head; w !== undefined; w = this._head) {
      if (w._ctx.err() !== undefined) {
        // Cancelled in this tick, before its rejection ran: it must not be
        // granted. Drop it, reject it, and look behind it.
        unlink(this, w);
        w._state = DONE;
        w._reject(w._ctx.err());
        continue;
      }
      // Head-of-line blocking: serving smaller waiters behind a large one
      // would starve it under load.
      if (this._size - this._cur < w._n) return;
      this._cur += w._n;
      unlink(this, w);
      w._state = GRANTED;
      w._resolve();
    }
  }

  /** @internal `w`'s context won: it leaves the queue, or gives back what it was just granted. */
  _abandon(w: Waiter): void {
    const s = w._state;
    w._state = DONE;
    if (s === WAITING) unlink(this, w);
    else if (s === GRANTED) this._cur -= w._n;
    else return;
    if (this._head !== undefined) this._notify();
  }
}
