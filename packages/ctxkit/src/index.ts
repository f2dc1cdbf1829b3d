/**
 * ctxkit — Go's `context` package for TypeScript.
 *
 * Deadlines, cancellation signals, causes and request-scoped values carried
 * through async call trees, interoperating with `AbortSignal`. This entry
 * point is runtime-agnostic: Node >= 20, Bun, Deno and browsers.
 *
 * Every export below is the implementation of the first copy of ctxkit
 * loaded in the process (see `core/shared.ts`): the ESM and CommonJS builds,
 * or two installs of the same version, share one set of sentinels and one
 * cancellation tree. Each function's contract is documented where it is
 * implemented, in `core/`.
 *
 * @packageDocumentation
 */
import type * as own from './core/api.js';
import { core } from './core/instance.js';

export type { CancelCauseFunc, CancelFunc, Context, Key } from './core/api.js';

/**
 * The error a context reports from `err()` when it was cancelled by a cancel
 * function or by its parent; `name` is "AbortError". The class of
 * {@link Canceled}.
 */
export const CanceledError: typeof own.CanceledError = core.CanceledError;
export type CanceledError = own.CanceledError;
/**
 * The error a context reports from `err()` when its deadline passed; `name`
 * is "TimeoutError". The class of {@link DeadlineExceeded}.
 */
export const DeadlineExceededError: typeof own.DeadlineExceededError = core.DeadlineExceededError;
export type DeadlineExceededError = own.DeadlineExceededError;
/** The sentinel `err()` of a cancelled context (Go's `context.Canceled`), message "context canceled". */
export const Canceled: own.CanceledError = core.Canceled;
/** The sentinel `err()` of a context whose deadline passed (Go's `context.DeadlineExceeded`), message "context deadline exceeded". */
export const DeadlineExceeded: own.DeadlineExceededError = core.DeadlineExceeded;

export const isCanceled: typeof own.isCanceled = core.isCanceled;
export const isDeadlineExceeded: typeof own.isDeadlineExceeded = core.isDeadlineExceeded;
export const createKey: typeof own.createKey = core.createKey;
export const background: typeof own.background = core.background;
export const todo: typeof own.todo = core.todo;
export const withValue: typeof own.withValue = core.withValue;
export const withCancel: typeof own.withCancel = core.withCancel;
export const withCancelCause: typeof own.withCancelCause = core.withCancelCause;
export const withDeadline: typeof own.withDeadline = core.withDeadline;
export const withDeadlineCause: typeof own.withDeadlineCause = core.withDeadlineCause;
export const withTimeout: typeof own.withTimeout = core.withTimeout;
export const withTimeoutCause: typeof own.withTimeoutCause = core.withTimeoutCause;
export const withoutCancel: typeof own.withoutCancel = core.withoutCancel;
export const withSignal: typeof own.withSignal = core.withSignal;
export const cause: typeof own.cause = core.cause;
export const afterFunc: typeof own.afterFunc = core.afterFunc;
export const sleep: typeof own.sleep = core.sleep;
export const race: typeof own.race = core.race;
export const done: typeof own.done = core.done;
