/**
 * The error {@link Context.err} reports for a context cancelled by a cancel
 * function or by its parent. Its `name` is "AbortError", so code written for
 * `AbortSignal` and `fetch` recognises it.
 */
export class CanceledError extends Error {
  constructor(message = 'context canceled', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/**
 * The error {@link Context.err} reports for a context whose deadline passed.
 * Its `name` is "TimeoutError", as `AbortSignal.timeout()` reports.
 */
export class DeadlineExceededError extends Error {
  constructor(message = 'context deadline exceeded', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimeoutError';
  }
}

/** The sentinel `err()` of a cancelled context (Go's `context.Canceled`). */
export const Canceled: CanceledError = new CanceledError();

/** The sentinel `err()` of a context whose deadline passed (Go's `context.DeadlineExceeded`). */
export const DeadlineExceeded: DeadlineExceededError = new DeadlineExceededError();

/**
 * Reports whether `target` is `err` itself or is reached from it through
 * `.cause` links or `AggregateError.errors`, like Go's `errors.Is`.
 * Terminates on cyclic chains.
 */
function reaches(err: unknown, target: Error): boolean {
  if (err === target) return true;
  if (err === null || typeof err !== 'object') return false;
  const seen = new Set<object>();
  const stack: unknown[] = [err];
  while (stack.length > 0) {
    const e = stack.pop();
    if (e === target) return true;
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if ('cause' in e) stack.push((e as { cause?: unknown }).cause);
    if (e instanceof AggregateError && Array.isArray(e.errors)) {
      for (let i = e.errors.length - 1; i >= 0; i--) stack.push(e.errors[i]);
    }
  }
  return false;
}

/**
 * True if `err` is {@link Canceled}, or `Canceled` is reachable from `err`
 * through `.cause` links or `AggregateError.errors`. Never true for other
 * errors named "AbortError": the test is by identity, as Go's `errors.Is`.
 */
export function isCanceled(err: unknown): boolean {
  return reaches(err, Canceled);
}

/**
 * True if `err` is {@link DeadlineExceeded}, or `DeadlineExceeded` is
 * reachable from `err` through `.cause` links or `AggregateError.errors`.
 */
export function isDeadlineExceeded(err: unknown): boolean {
  return reaches(err, DeadlineExceeded);
}
