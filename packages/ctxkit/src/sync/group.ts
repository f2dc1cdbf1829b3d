import { type CancelCauseFunc, type Context, background, withCancelCause } from '../index.js';
import { checkContext, checkFunction } from './check.js';

const RESOLVED: Promise<void> = Promise.resolve();
// The intrinsic: a task's promise may carry a then() of its own that calls
// back twice, which would settle its slot twice.
const promiseThen = Promise.prototype.then;

function never(): void {}

/** A `go()` call waiting behind `setLimit`. */
class Queued {
  /** @internal */
  _fn: (ctx: Context) => unknown;
  _resolve!: () => void;
  /** @internal */
  _next: Queued | undefined;
  constructor(fn: (ctx: Context) => unknown) {
    this._fn = fn;
    this._next = undefined;
  }
}

/**
 * A collection of tasks working on parts of one job (Go's
 * `golang.org/x/sync/errgroup.Group`): it starts them, waits for all of
 * them, reports the first error and, when made by {@link Group.withContext},
 * cancels the others as soon as one fails.
 *
 * A task is a function `(ctx) => unknown`. It fails by throwing
 * synchronously or by returning a promise (any thenable) that rejects; the
 * two are the same, and neither is ever thrown from `go()`. Its return
 * value (or resolution value) is ignored: returning an Error is success.
 *
 * Errors after the first are ignored, as in x/sync, and no task error ever
 * surfaces as an unhandled rejection: the first is reported by `wait()`,
 * and only to its callers.
 *
 * A group may be reused after `wait()`: the first error stays recorded, and
 * a context made by `withContext` stays cancelled.
 *
 * Go has panics; here there are none to propagate (x/sync reverted its
 * panic propagation too): a throw is an error like any other.
 *
 * @example
 * const [g, gctx] = Group.withContext(ctx);
 * const pages: string[] = [];
 * for (const url of urls) {
 *   g.go(async (ctx) => { pages.push(await fetchPage(ctx, url)); });
 * }
 * await g.wait();   // rejects with the first failure; the rest saw gctx cancelled
 */
export class Group {
  /** @internal what every task receives */
  _ctx: Context;
  /** @internal cancels `_ctx`; undefined for `new Group()` */
  _cancel: CancelCauseFunc | undefined;
  /** @internal the limit on active tasks; -1 for none */
  _limit: number;
  /** @internal tasks started and not settled, plus calls queued behind the limit */
  _active: number;
  /** @internal `go()` calls queued behind the limit, oldest first */
  _head: Queued | undefined;
  /** @internal */
  _tail: Queued | undefined;
  /** @internal true once a task has failed; `_err` is its error, forever */
  _failed: boolean;
  /** @internal */
  _err: unknown;
  /** @internal the pending `wait()` promise of this round, if anyone waits */
  _wait: Promise<void> | undefined;
  /** @internal */
  _waitResolve: (() => void) | undefined;
  /** @internal */
  _waitReject: ((e: unknown) => void) | undefined;
  /** @internal settlement handlers shared by every task: no closure per task */
  _onOk: () => void;
  /** @internal */
  _onErr: (e: unknown) => void;

  /**
   * Creates a group with no context: tasks receive `background()`, and a
   * failure cancels nothing (Go's zero `errgroup.Group`). No limit.
   *
   * @example
   * const g = new Group();
   * g.go(() => save(a));
   * g.go(() => save(b));
   * await g.wait();
   */
  constructor() {
    this._ctx = background();
    this._cancel = undefined;
    this._limit = -1;
    this._active = 0;
    this._head = undefined;
    this._tail = undefined;
    this._failed = false;
    this._err = undefined;
    this._wait = undefined;
    this._waitResolve = undefined;
    this._waitReject = undefined;
    this._onOk = () => this._settle();
    this._onErr = (e: unknown) => {
      this._fail(e);
      this._settle();
    };
  }

  /**
   * Returns a new group and the context its tasks receive, derived from
   * `parent` with {@link withCancelCause}. That context is cancelled the
   * first time a task fails, with the task's error as its `cause()` (or
   * `Canceled` if the task threw null/undefined), or when `wait()` settles,
   * whichever comes first: after `wait()` it is cancelled even on success.
   * It is also cancelled when `parent` is.
   *
   * @throws {TypeError} if `parent` is not a Context.
   * @example
   * const [g, gctx] = Group.withContext(ctx);
   * g.go((ctx) => fetchUser(ctx, id));     // ctx === gctx
   * g.go((ctx) => fetchOrders(ctx, id));
   * await g.wait();
   */
  static withContext(parent: Context): [Group, Context] {
    checkContext(parent, 'Group.withContext', 'parent');
    const g = new Group();
    const [ctx, cancel] = withCancelCause(parent);
    g._ctx = ctx;
    g._cancel = cancel;
    return [g, ctx];
  }

  /**
   * Runs `fn(ctx)` as a task of the group.
   *
   * If the group is below its limit (or has none), `fn` is called
   * synchronously: its synchronous part runs before `go()` returns, and the
   * returned promise is already resolved. Otherwise the call is queued:
   * queued calls start in order, each as soon as a slot frees and before
   * any later `tryGo()` can take that slot, and the promise resolves once
   * `fn` has started, so `await g.go(fn)` gives Go's blocking
   * back-pressure. Queued calls still start after the group's context is
   * cancelled (as x/sync's `Go` does) and receive the cancelled context;
   * they count as active for `setLimit` and `wait()`.
   *
   * Under `setLimit(0)`, `fn` never starts and the promise never settles,
   * as Go's `Go` blocks forever. Such a call is queued like any other, so
   * it counts as active: `setLimit` throws and `wait()` stays pending from
   * then on, even after the group's context is cancelled. `fn` itself is
   * not retained, since it can never run.
   *
   * A failure of `fn` (sync throw or rejection) is never thrown from or
   * rejected by `go()`; see {@link Group.wait}.
   *
   * @throws {TypeError} if `fn` is not a function.
   * @example
   * g.setLimit(4);
   * for (const file of files) await g.go((ctx) => upload(ctx, file)); // at most 4 in flight
   * await g.wait();
   */
  go(fn: (ctx: Context) => unknown): Promise<void> {
    checkFunction(fn, 'Group.go', 'fn');
    const limit = this._limit;
    if (limit >= 0 && this._active >= limit) {
      if (limit === 0) {
        // Queued for good: no slot will ever free (the limit cannot change
        // while this call is active), so only its count is kept, not fn.
        this._active++;
        return new Promise<void>(never);
      }
      const q = new Queued(fn);
      const p = new Promise<void>((resolve) => {
        q._resolve = resolve;
      });
      const t = this._tail;
      if (t === undefined) this._head = q;
      else t._next = q;
      this._tail = q;
      this._active++;
      return p;
    }
    this._active++;
    if (this._start(fn)) this._settle();
    return RESOLVED;
  }

  /**
   * Runs `fn(ctx)` as a task, as `go()` does, only if the group is below
   * its limit now; returns whether it did. Returns false while calls queued
   * by `go()` are waiting (they count as active) and always under
   * `setLimit(0)`.
   *
   * @throws {TypeError} if `fn` is not a function.
   * @example
   * if (!g.tryGo((ctx) => refresh(ctx))) console.log('busy, skipped');
   */
  tryGo(fn: (ctx: Context) => unknown): boolean {
    checkFunction(fn, 'Group.tryGo', 'fn');
    const limit = this._limit;
    if (limit >= 0 && this._active >= limit) return false;
    this._active++;
    if (this._start(fn)) this._settle();
    return true;
  }

  /**
   * Limits the number of active tasks (started or queued, not yet settled)
   * to `n`. A negative `n` (or `Infinity`) removes the limit; 0 blocks
   * every task (`go` never starts its fn, `tryGo` returns false), and
   * since a blocked `go()` call is active, the limit of such a group can
   * never be changed again.
   *
   * @throws {TypeError} if `n` is not a number.
   * @throws {RangeError} if `n` is NaN or a finite non-integer.
   * @throws {Error} if any task is active (Go panics): the limit must not be
   *   modified while tasks are running or queued.
   * @example
   * const g = new Group();
   * g.setLimit(8);
   */
  setLimit(n: number): void {
    if (typeof n !== 'number') {
      throw new TypeError(`ctxkit.Group.setLimit: argument "n" must be a number, got ${n === null ? 'null' : typeof n}`);
    }
    if (Number.isNaN(n) || (Number.isFinite(n) && !Number.isInteger(n))) {
      throw new RangeError(`ctxkit.Group.setLimit: argument "n" must be an integer, got ${n}`);
    }
    if (this._active !== 0) {
      throw new Error(`ctxkit.Group.setLimit: modify limit while ${this._active} tasks in the group are still active`);
    }
    this._limit = n < 0 || n === Infinity ? -1 : n;
  }

  /**
   * Waits until every task ever passed to `go()`/`tryGo()` has settled,
   * including calls still queued behind the limit, then cancels the
   * group's context (even on success) and resolves, or rejects with the
   * first task error. Later errors are ignored. A `go()` call blocked by
   * `setLimit(0)` never settles, so neither does `wait()` once there is one.
   *
   * All `wait()` calls of one round share one promise. Once the group is
   * idle, `wait()` settles at once (resolving, or rejecting with the error
   * recorded earlier).
   *
   * @example
   * try {
   *   await g.wait();
   * } catch (err) {
   *   console.error('first failure:', err);
   * }
   */
  wait(): Promise<void> {
    const p = this._wait;
    if (p !== undefined) return p;
    if (this._active === 0) {
      this._cancelCtx();
      return this._failed ? Promise.reject(this._err) : RESOLVED;
    }
    return (this._wait = new Promise<void>((resolve, reject) => {
      this._waitResolve = resolve;
      this._waitReject = reject;
    }));
  }

  /**
   * Calls `fn` with the group's context. Returns true if it has settled
   * synchronously (returned a non-thenable, or threw: its error is
   * recorded); false if it returned a thenable, whose settlement will call
   * `_settle`.
   * @internal
   */
  _start(fn: (ctx: Context) => unknown): boolean {
    try {
      const r = fn(this._ctx);
      if (r instanceof Promise) {
        promiseThen.call(r, this._onOk, this._onErr);
        return false;
      }
      if (r !== null && (typeof r === 'object' || typeof r === 'function') && typeof (r as PromiseLike<unknown>).then === 'function') {
        Promise.resolve(r).then(this._onOk, this._onErr);
        return false;
      }
      return true;
    } catch (e) {
      this._fail(e);
      return true;
    }
  }

  /** @internal Records the first error and cancels the group's context with it. */
  _fail(e: unknown): void {
    if (this._failed) return;
    this._failed = true;
    this._err = e;
    const c = this._cancel;
    if (c !== undefined) c(e);
  }

  /**
   * One task has settled: its slot goes to the oldest queued call, if any
   * (a loop, not recursion, so a long queue of synchronous tasks cannot
   * overflow the stack); when nothing is left, the round ends.
   * @internal
   */
  _settle(): void {
    for (;;) {
      const q = this._head;
      if (q === undefined) {
        if (--this._active === 0) this._end();
        return;
      }
      // The settled task leaves; q, already counted, takes its slot.
      this._active--;
      this._head = q._next;
      if (q._next === undefined) this._tail = undefined;
      q._next = undefined;
      const sync = this._start(q._fn);
      q._resolve();
      if (!sync) return;
    }
  }

  /** @internal The group became idle: settle the pending `wait()`, if anyone waits. */
  _end(): void {
    const p = this._wait;
    if (p === undefined) return;
    const resolve = this._waitResolve!;
    const reject = this._waitReject!;
    this._wait = undefined;
    this._waitResolve = undefined;
    this._waitReject = undefined;
    this._cancelCtx();
    if (this._failed) reject(this._err);
    else resolve();
  }

  /** @internal After `wait()`, the context is cancelled even on success (x/sync). */
  _cancelCtx(): void {
    const c = this._cancel;
    if (c !== undefined) c(this._err);
  }
}
