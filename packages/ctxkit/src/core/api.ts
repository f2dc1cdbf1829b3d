/**
 * ctxkit — Go's `context` package for TypeScript.
 *
 * Deadlines, cancellation signals, causes and request-scoped values carried
 * through async call trees, interoperating with `AbortSignal`. This entry
 * point is runtime-agnostic: Node >= 20, Bun, Deno and browsers.
 *
 * @packageDocumentation
 */
export type { CancelCauseFunc, CancelFunc, Context, Key } from './core/context.js';
export { Canceled, CanceledError, DeadlineExceeded, DeadlineExceededError, isCanceled, isDeadlineExceeded } from './core/errors.js';
export { createKey } from './core/key.js';
export { background, todo } from './core/background.js';
export { withValue } from './core/with-value.js';
export { withCancel, withCancelCause } from './core/with-cancel.js';
export { withDeadline, withDeadlineCause, withTimeout, withTimeoutCause } from './core/with-deadline.js';
export { withoutCancel } from './core/without-cancel.js';
export { withSignal } from './core/with-signal.js';
export { cause } from './core/cause.js';
export { afterFunc } from './core/after-func.js';
export { sleep } from './core/sleep.js';
export { race } from './core/race.js';
export { done } from './core/done.js';
