/**
 * Context errors as gRPC statuses, both ways across the wire: the client
 * fails a call with the status its context's error stands for, and a
 * handler that gives up with its context's error answers with that status
 * (Go's `status.FromContextError`).
 */
import { status as Status } from '@grpc/grpc-js';
import { DeadlineExceeded, isCanceled, isDeadlineExceeded } from '../index.js';

/** The gRPC status codes a context error maps to. */
export type ContextStatusCode = typeof Status.CANCELLED | typeof Status.DEADLINE_EXCEEDED;

/**
 * The gRPC status for a context error: `DEADLINE_EXCEEDED` when
 * `isDeadlineExceeded(err)`, `CANCELLED` when `isCanceled(err)`, otherwise
 * `undefined` (not a context error). `details` is the error's message
 * ("context canceled", "context deadline exceeded"), as Go's
 * `status.FromContextError` reports it.
 */
export function statusFromContextError(err: unknown): { code: ContextStatusCode; details: string } | undefined {
  if (isDeadlineExceeded(err)) return { code: Status.DEADLINE_EXCEEDED, details: messageOf(err, DeadlineExceeded.message) };
  if (isCanceled(err)) return { code: Status.CANCELLED, details: messageOf(err, 'context canceled') };
  return undefined;
}

/**
 * The status a call fails with when its context is done with `err`:
 * like {@link statusFromContextError}, and `CANCELLED` for whatever else a
 * user-written context reports (it is still a cancellation).
 */
export function statusForContextErr(err: unknown): { code: ContextStatusCode; details: string } {
  return statusFromContextError(err) ?? { code: Status.CANCELLED, details: messageOf(err, 'context canceled') };
}

function messageOf(err: unknown, fallback: string): string {
  const m = err instanceof Error ? err.message : undefined;
  return typeof m === 'string' && m !== '' ? m : fallback;
}
