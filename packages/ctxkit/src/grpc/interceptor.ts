/**
 * The client side: a grpc-js interceptor that makes every call honour a
 * context, the one passed with {@link callOptions} or, failing that, the
 * current one of ctxkit/node's AsyncLocalStorage.
 *
 * Per call, in order:
 * 1. no context → the call goes out untouched;
 * 2. context done (cancelled, or its deadline passed and its timer has not
 *    fired yet) → the call is never created; it fails locally with
 *    CANCELLED / DEADLINE_EXCEEDED and the context's error as `cause`;
 * 3. otherwise the call's deadline becomes min(context deadline, its own
 *    `deadline` option), `x-request-id` is added from the context (unless
 *    the caller's metadata has one), and one `afterFunc` registration
 *    cancels the call when the context ends. That registration is removed
 *    when the call ends, however it ends: a long-lived context never
 *    accumulates one per call.
 */
import { InterceptingCall, type Interceptor, type InterceptorOptions, type StatusObject, status as Status } from '@grpc/grpc-js';
import { type Context, DeadlineExceeded, afterFunc } from '../index.js';
import { checkContext, kind, readable } from '../http/check.js';
import { REQUEST_ID_HEADER, requestId } from '../http/index.js';
import { current } from '../node/index.js';
import { CONTEXT_OPTION, callDeadlineFrom } from './call-options.js';
import { type StatusWithCause, failedCall, localStatus } from './failed-call.js';
import { statusForContextErr } from './status.js';

/** Marks options a contextInterceptor already handled, so a second one in the chain stands aside. */
const HANDLED: unique symbol = Symbol.for('ctxkit.grpc.handled') as never;

/**
 * A grpc-js deadline timer and a context's deadline timer race when both
 * are set to the same instant; when grpc-js's fires first, the context's
 * is due within this many milliseconds and the failure is still the
 * context's deadline.
 */
const DEADLINE_SLACK_MS = 5;

/** Options of {@link contextInterceptor}. */
export interface ContextInterceptorOptions {
  /**
   * Whether a call made without a context (no {@link callOptions}) uses
   * the current context of ctxkit/node's AsyncLocalStorage, so deadlines,
   * cancellation and the request id flow through code that never sees a
   * context. Default true. With false such calls go out untouched.
   */
  implicit?: boolean;
}

/**
 * Returns a grpc-js client interceptor that binds each call to a context:
 * the context given by {@link callOptions}, else (unless
 * `options.implicit` is false) the current context of ctxkit/node's
 * AsyncLocalStorage, else none (the call is left untouched).
 *
 * For a call with a context:
 * - If the context is already done, the call is never sent: it fails
 *   locally (asynchronously, through the usual callback or `error` event)
 *   with status `CANCELLED`, or `DEADLINE_EXCEEDED` when the context ran
 *   out of time, and the error's `cause` is the context's error, so
 *   `isCanceled(err)` / `isDeadlineExceeded(err)` hold.
 * - Its deadline is the earlier of the context's and the call's own
 *   `deadline` option, rounded up to a whole millisecond.
 * - `x-request-id` carries the context's request id, unless the caller's
 *   metadata already has one.
 * - When the context is cancelled, the call is cancelled with `CANCELLED`
 *   (or `DEADLINE_EXCEEDED`), the error's `cause` again the context's
 *   error. The registration doing this is removed when the call ends.
 *
 * Install it once on the client (`new Client(addr, creds, { interceptors:
 * [contextInterceptor()] })`) or per call in `interceptors`. A second
 * contextInterceptor in the same chain does nothing.
 *
 * @throws {TypeError} if `options` is not an object; at call time, if the
 *   context passed in the call options is not a Context.
 * @example
 * const client = new Greeter(addr, credentials.createInsecure(), { interceptors: [contextInterceptor()] });
 * client.sayHello({ name }, callOptions(ctx), (err, reply) => { ... });
 */
export function contextInterceptor(options?: ContextInterceptorOptions): Interceptor {
  let implicit = true;
  // readable(): a revoked Proxy throws on the read; it is a bad "options", named as such.
  if (options !== undefined && (options === null || typeof options !== 'object' || !readable(() => ((implicit = options.implicit !== false), true)))) {
    throw new TypeError(`ctxkit.contextInterceptor: argument "options" must be an object, got ${kind(options)}`);
  }
  return (callOpts: InterceptorOptions, nextCall) => {
    const opts = callOpts as InterceptorOptions & { [CONTEXT_OPTION]?: unknown; [HANDLED]?: true };
    if (opts[HANDLED] === true) return new InterceptingCall(nextCall(opts));
    let ctx = opts[CONTEXT_OPTION];
    if (ctx === undefined) ctx = implicit ? current() : undefined;
    else checkContext(ctx, 'contextInterceptor', 'call option ctx');
    if (ctx === undefined) return new InterceptingCall(nextCall(opts));
    return bind(ctx as Context, opts, nextCall);
  };
}

function bind(ctx: Context, opts: InterceptorOptions, nextCall: Parameters<Interceptor>[1]): InterceptingCall {
  const err = ctx.err();
  if (err !== undefined) return failLocally(err);
  const ctxDeadline = ctx.deadline()?.getTime();
  if (ctxDeadline !== undefined && ctxDeadline <= Date.now()) {
    // Out of time, its timer not yet run: it is DeadlineExceeded in all but name.
    return failLocally(DeadlineExceeded);
  }
  const deadline = callDeadlineFrom(ctxDeadline, opts.deadline, 'contextInterceptor', 'deadline call option');
  // A copy (the caller's options may be shared), made with Object.assign:
  // a spread followed by a symbol key cost ~0.7 µs per call here, this ~60 ns.
  const own = Object.assign({}, opts) as InterceptorOptions & { [HANDLED]?: true };
  own.deadline = deadline;
  own[HANDLED] = true;
  const next = nextCall(own);
  const id = requestId(ctx);
  return new InterceptingCall(next, {
    start(metadata, _listener, startNext) {
      if (id !== undefined && metadata.get(REQUEST_ID_HEADER).length === 0) {
        // A copy: callers reuse one Metadata (auth headers) across calls of different requests.
        metadata = metadata.clone();
        metadata.set(REQUEST_ID_HEADER, id);
      }
      let byContext = false;
      const stop = afterFunc(ctx, () => {
        byContext = true;
        const s = statusForContextErr(ctx.err());
        next.cancelWithStatus(s.code, s.details);
      });
      startNext(metadata, {
        onReceiveStatus(status: StatusObject, nextStatus: (s: StatusObject) => void) {
          stop(); // the call is over: nothing may stay registered on ctx for it
          nextStatus(withCause(status, byContext, ctx, ctxDeadline, deadline));
        },
      });
    },
  });
}

/** A call that is never sent and fails with the status for `err`. */
function failLocally(err: Error): InterceptingCall {
  const s = statusForContextErr(err);
  return new InterceptingCall(failedCall(localStatus(s.code, s.details, err)));
}

/**
 * `status` with the context's error as `cause` when the context ended the
 * call: it cancelled it, or grpc-js's timer for the context's own deadline
 * fired a moment before the context's.
 */
function withCause(
  status: StatusObject,
  byContext: boolean,
  ctx: Context,
  ctxDeadline: number | undefined,
  callDeadline: number | undefined,
): StatusObject {
  if (status.code === Status.OK) return status;
  let cause: unknown;
  if (byContext) cause = ctx.err();
  else if (
    status.code === Status.DEADLINE_EXCEEDED &&
    ctxDeadline !== undefined &&
    callDeadline === ctxDeadline &&
    Date.now() >= ctxDeadline - DEADLINE_SLACK_MS
  ) {
    cause = ctx.err() ?? DeadlineExceeded;
  }
  if (cause === undefined) return status;
  // grpc-js copies the status's own properties onto the error it reports.
  return { ...status, cause } as StatusWithCause;
}
