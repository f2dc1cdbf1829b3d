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
 * `T`, in a position TypeScript does not infer `T` from: `withValue(parent,
 * key, val)` takes `T` from the key alone, so a `Key<number>` rejects
 * `undefined` and `'text'` instead of widening `T` to fit them. (TypeScript
 * 5.4's built-in `NoInfer<T>`, spelled so that older compilers read it too.)
 */
export type NotInferred<T> = [T][T extends unknown ? 0 : never];

/**
 * `{ [Symbol.dispose](): void }` where the compiling program's `lib`
 * declares `Symbol.dispose` (`esnext.disposable`, `@types/node`), else
 * nothing. Spelled without the global `Disposable` type, which only those
 * libs declare, so that ctxkit's declarations compile under any `lib` and a
 * cancel function never degrades to `any`. Wherever the lib has
 * `Symbol.dispose`, this is assignable to `Disposable`, so `using` accepts
 * cancel functions.
 */
export type DisposeMethod = SymbolConstructor extends { readonly dispose: infer S }
  ? S extends symbol
    ? { [K in S]: () => void }
    : unknown
  : unknown;

/**
 * Cancels its context with {@link Canceled}. Idempotent: after the first
 * call, later calls do nothing. `[Symbol.dispose]` calls it (where the
 * runtime defines `Symbol.dispose`), so `using` releases the context at the
 * end of its scope.
 */
export type CancelFunc = (() => void) & DisposeMethod;

/**
 * Cancels its context with `err() === Canceled` and `cause() === cause`
 * (`Canceled` when `cause` is null or undefined). Only the first call has an
 * effect. `[Symbol.dispose]` calls it with no cause (where the runtime
 * defines `Symbol.dispose`).
 */
export type CancelCauseFunc = ((cause?: unknown) => void) & DisposeMethod;
