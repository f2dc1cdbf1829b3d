/**
 * Everything the core exports, in one module: this copy's implementation.
 * The entry point (`../index.ts`) publishes the first copy loaded in the
 * process and re-exports that one, so that two copies of ctxkit behave as
 * one.
 */
export type { CancelCauseFunc, CancelFunc, Context, Key } from './context.js';
export { Canceled, CanceledError, DeadlineExceeded, DeadlineExceededError, isCanceled, isDeadlineExceeded } from './errors.js';
export { createKey } from './key.js';
export { background, todo } from './background.js';
export { withValue } from './with-value.js';
export { withCancel, withCancelCause } from './with-cancel.js';
export { withDeadline, withDeadlineCause, withTimeout, withTimeoutCause } from './with-deadline.js';
export { withoutCancel } from './without-cancel.js';
export { withSignal } from './with-signal.js';
export { cause } from './cause.js';
export { afterFunc } from './after-func.js';
export { sleep } from './sleep.js';
export { race } from './race.js';
export { done } from './done.js';
/** @internal For ctxkit/debug only; not re-exported by the entry point. */
export { internals as _internals } from './internals.js';
