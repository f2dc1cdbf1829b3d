/**
 * A Context carries a deadline, a cancellation signal, a cancellation cause
 * and request-scoped values across API boundaries, like Go's
 * `context.Context`.
 *
 * Contexts form a tree: every context except {@link background} and
 * {@link todo} is derived from a parent, and cancelling a context cancels
 * its whole subtree and nothing above or beside it.
 *
 * Any object with these members is a valid parent for ctxkit's
 * constructors (a "user-written" context); ctxkit propagates its
 * cancellation through its `afterFunc(f)` method when it has one, otherwise
 * through one listener on its `signal`.
 */
export interface Context {
  /**
   * The instant work done on behalf of this context should be cancelled, or
   * `undefined` when no deadline is set. Successive calls return Dates of the
   * same instant (fresh copies: mutating one changes nothing).
   */
  deadline(): Date | undefined;
  /**
   * An AbortSignal aborted when this context is cancelled, with
   * `signal.reason === err()`. Successive reads return the same object; it is
   * created on first read, already aborted if the context is already
   * cancelled. It never aborts for a context that can never be cancelled.
   */
  readonly signal: AbortSignal;
  /**
   * `undefined` while the context is live; once it is cancelled,
   * {@link Canceled} or {@link DeadlineExceeded} (below a user-written parent,
   * whatever that parent reported), the same value on every later call.
   */
  err(): Error | undefined;
  /**
   * The value bound to `key` by this context or its nearest ancestor that
   * binds it, or `undefined` if none does. Keys compare with `===`.
   */
  value<T>(key: Key<T>): T | undefined;
  value(key: unknown): unknown;
  /** Optional: a user-written context may offer Go's `AfterFunc` hook. */
  afterFunc?(f: () => void): () => boolean;
}

/**
 * A typed context key, made by {@link createKey}. Keys compare by identity,
 * so two keys with the same name never collide; the name is only for
 * descriptions and debugging.
 */
export interface Key<T> {
  readonly name: string;
  /** Phantom member carrying the value type; never present at run time. */
  readonly __type?: T;
}

/**
 * Cancels its context with {@link Canceled}. Idempotent: after the first
 * call, later calls do nothing. `[Symbol.dispose]` calls it, so
 * `using` releases the context at the end of its scope.
 */
export type CancelFunc = (() => void) & Disposable;

/**
 * Cancels its context with `err() === Canceled` and `cause() === cause`
 * (`Canceled` when `cause` is null or undefined). Only the first call has an
 * effect. `[Symbol.dispose]` calls it with no cause.
 */
export type CancelCauseFunc = ((cause?: unknown) => void) & Disposable;
