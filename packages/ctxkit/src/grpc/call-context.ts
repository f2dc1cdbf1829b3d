/**
 * The context of one incoming call, shared by the four handler wrappers.
 *
 * Shape: `parent → WithValue(requestId) → WithDeadline (if any) →
 * WithCancel`: the deadline sits above the cancel, so when it fires it
 * releases both, timer and parent registration, by itself. It ends exactly
 * once, by the first of:
 * - the handler completing the call → `err()` Canceled, `cause()` Canceled;
 * - the call ending before that (the client cancelled, its deadline fired
 *   on its side, the connection dropped, the server shut down) →
 *   `err()` Canceled, `cause()` a {@link ClientCancelledError};
 * - the deadline → `err()` and `cause()` DeadlineExceeded.
 *
 * grpc-js (1.10 and later) emits `cancelled` on the call object at the end
 * of every call, completed or not, so that event alone does not mean the
 * client cancelled: when it fires, the call counts as completed if the
 * handler completed it (the wrapper says so), and as the deadline if the
 * deadline is due. The one listener added here is removed when the
 * context ends, whichever way.
 */
import type { ServerDuplexStream, ServerReadableStream, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { Canceled, type Context, background, withCancelCause, withDeadline } from '../index.js';
import { REQUEST_ID_HEADER, type ServerOptions, requestIdOrNew } from '../http/index.js';
import { withValidRequestId } from '../http/request-id.js';
import { ClientCancelledError } from './errors.js';
import { DEADLINE_KEY, recordedDeadline } from './fix-grpc-timeout.js';

/** Any of the four call objects grpc-js hands a handler. */
export type ServerCall =
  | ServerUnaryCall<any, any>
  | ServerReadableStream<any, any>
  | ServerWritableStream<any, any>
  | ServerDuplexStream<any, any>;

/**
 * grpc-js ends the call at its deadline with its own timer, which races
 * the context's (both are set to the same instant): a call ending within
 * this many milliseconds of its deadline ended by the deadline, and the
 * context's own timer, due that soon, ends the context.
 */
const DEADLINE_SLACK_MS = 5;

/** One incoming call's context in the making. */
export interface CallScope {
  /** The context the handler receives. */
  readonly ctx: Context;
  /** The request id in force: the client's if valid, else a fresh one. */
  readonly requestId: string;
  /**
   * The handler completed the call: ends `ctx` with cause `Canceled` (if it
   * has not ended yet) and removes the listener. Idempotent.
   */
  complete(): void;
}

/**
 * Makes the context of `call`. `completedByHandler` tells, when the call
 * ends, whether the handler had completed it. `options` must be validated.
 */
export function beginCall(call: ServerCall, options: ServerOptions, completedByHandler: () => boolean): CallScope {
  const md = call.metadata;
  const ids = md.get(REQUEST_ID_HEADER);
  const id = requestIdOrNew(stringValues(ids));
  // The handler sees only the id in force: a rejected one is never echoed
  // or logged as received. (Already so when the client's was accepted.)
  if (ids.length !== 1 || ids[0] !== id) md.set(REQUEST_ID_HEADER, id);
  const deadline = incomingDeadline(call, options.maxTimeoutMs);

  // `id` is valid by construction: no need for withRequestId's checks.
  let base = withValidRequestId(options.parent ?? background(), id);
  let cancelDeadline: (() => void) | undefined;
  if (deadline !== undefined) [base, cancelDeadline] = withDeadline(base, deadline);
  const [ctx, cancel] = withCancelCause(base);

  const events = call as unknown as NodeJS.EventEmitter; // all four are emitters; their unioned overloads are not callable
  let open = true;
  const end = (cause: unknown): void => {
    if (!open) return;
    open = false;
    events.removeListener('cancelled', onCallEnd);
    cancel(cause);
    cancelDeadline?.(); // its timer and its registration on the parent
  };
  const onCallEnd = (): void => {
    if (!open) return;
    if (completedByHandler()) end(Canceled);
    else if (deadline !== undefined && Date.now() >= deadline - DEADLINE_SLACK_MS) {
      // grpc-js's deadline timer won the race; the context's own, due
      // within the slack, ends it with DeadlineExceeded and releases it.
      open = false;
      events.removeListener('cancelled', onCallEnd);
    } else end(new ClientCancelledError());
  };
  events.on('cancelled', onCallEnd);
  if (call.cancelled) onCallEnd(); // ended before the handler was reached

  return { ctx, requestId: id, complete: () => end(Canceled) };
}

/** `values` when every one is a string (metadata values may be Buffers), else undefined. */
function stringValues(values: readonly unknown[]): readonly string[] | undefined {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return undefined;
  return values as readonly string[];
}

/**
 * The call's deadline in epoch ms, or `undefined` for none: the one
 * {@link fixGrpcTimeout} recorded from `grpc-timeout` when the server was
 * fixed, else grpc-js's reading of it; capped by the server's own budget.
 */
function incomingDeadline(call: ServerCall, maxTimeoutMs = Infinity): number | undefined {
  const md = call.metadata;
  const recorded = recordedDeadline(md.get(DEADLINE_KEY));
  md.remove(DEADLINE_KEY);
  let d: number;
  if (recorded !== undefined) d = recorded ?? Infinity;
  else {
    const g = call.getDeadline();
    d = g instanceof Date ? g.getTime() : g;
    if (typeof d !== 'number' || Number.isNaN(d)) d = Infinity;
  }
  if (maxTimeoutMs !== Infinity) d = Math.min(d, Date.now() + maxTimeoutMs);
  return d === Infinity ? undefined : d;
}
