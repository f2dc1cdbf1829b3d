/**
 * `fetch` bound to a context: Go's `http.NewRequestWithContext` for the
 * platform's `fetch`. Runtime-agnostic: it uses the global `fetch`,
 * `Headers`, `Response` and `ReadableStream`, read at each call.
 */
import { type CancelFunc, type Context, DeadlineExceeded, withCancel, withSignal, withTimeout } from '../index.js';
import { checkContext, kind } from './check.js';
import { requestId } from './request-id.js';
import { REQUEST_ID_HEADER, TIMEOUT_HEADER, formatTimeoutMs, outgoingDeadline, parseTimeoutMs, remainingMs } from './wire.js';

/** `RequestInit`, plus this call's own budget. */
export interface ContextRequestInit extends RequestInit {
  /**
   * This call's own budget in milliseconds, on top of the context's
   * deadline (the earlier of the two applies, and is what the server is
   * told). When it runs out the call rejects with `DeadlineExceeded`.
   * `Infinity` or absent: none of its own.
   */
  timeoutMs?: number;
}

/**
 * Sends `fetch(input, init)` on behalf of `ctx`, as Go's
 * `http.NewRequestWithContext` does:
 *
 * - The request carries `x-request-id` (the context's request id, unless
 *   `init` sets one) and `connect-timeout-ms` (the time left until the
 *   earlier of the context's deadline and `init.timeoutMs`, rounded up to
 *   whole milliseconds; a smaller value already in `init` is kept).
 * - If `ctx` is already done, it rejects with `ctx.err()` without sending
 *   anything; if the deadline has already passed, with `DeadlineExceeded`;
 *   if `init.signal` is already aborted, with its reason.
 * - Cancellation aborts the request and closes its connection (the server
 *   sees the client go away). The promise, or a read of the body, then
 *   rejects with `ctx.err()` when `ctx` ended (so `isDeadlineExceeded(err)`
 *   holds after a timeout), with `init.signal.reason` when the caller's own
 *   signal aborted, or with `DeadlineExceeded` when `init.timeoutMs` ran
 *   out. Any other failure (a network error) rejects as `fetch` does.
 * - Nothing is left behind: the call derives one child of `ctx` (combined
 *   with `init.signal` through `withSignal`, not `AbortSignal.any`, whose
 *   listeners linger on long-lived signals) and cancels it when the
 *   exchange is over: when `fetch` rejects, when the response has no body,
 *   or when its body has been read to the end, failed or been cancelled.
 *   Then no listener remains on `init.signal` and no registration on
 *   `ctx`.
 *
 * As in Go, where the body must be closed: read the body, or cancel it
 * (`await res.body?.cancel()`), or end `ctx`. A response dropped unread
 * keeps its child registered on `ctx` until `ctx` ends, `init.signal`
 * aborts or `init.timeoutMs` runs out. A `Request` input's own signal and
 * headers apply unless `init` has its own. Followed redirects carry the
 * same headers as the first request. The resolved
 * Response is a copy of the one `fetch` returned whose body ends the
 * exchange; `url`, `redirected` and `type` are preserved.
 *
 * @throws {TypeError} synchronously if `ctx` is not a Context or
 *   `init.timeoutMs` is not a number.
 * @throws {RangeError} synchronously if `init.timeoutMs` is NaN.
 * @example
 * const [ctx, cancel] = withTimeout(background(), 2_000);
 * try {
 *   const res = await fetchWithContext(ctx, 'https://api.example.com/users/7');
 *   return await res.json(); // the body read is bounded by ctx too
 * } finally {
 *   cancel();
 * }
 */
export function fetchWithContext(ctx: Context, input: RequestInfo | URL, init?: ContextRequestInit): Promise<Response> {
  checkContext(ctx, 'fetchWithContext', 'ctx');
  const own = init?.timeoutMs;
  if (own !== undefined) {
    if (typeof own !== 'number') {
      throw new TypeError(`ctxkit.fetchWithContext: option "timeoutMs" must be a number of milliseconds, got ${kind(own)}`);
    }
    if (Number.isNaN(own)) throw new RangeError('ctxkit.fetchWithContext: option "timeoutMs" is NaN');
  }
  return send(ctx, input, init, own);
}

const isRequest = (v: unknown): v is Request => typeof Request !== 'undefined' && v instanceof Request;

async function send(ctx: Context, input: RequestInfo | URL, init: ContextRequestInit | undefined, own: number | undefined): Promise<Response> {
  // The caller's signal: init's, else the Request's (fetch lets init override it).
  const signal = init?.signal ?? (isRequest(input) ? input.signal : undefined);
  const before = ctx.err();
  if (before !== undefined) throw before;
  if (signal?.aborted) throw signal.reason;
  const now = Date.now();
  const deadline = outgoingDeadline(ctx, own === undefined || own === Infinity ? undefined : now + own);
  if (deadline !== undefined && deadline <= now) throw DeadlineExceeded; // out of time: never sent

  // Headers first: a malformed one in init throws here, before anything is registered.
  const headers = new Headers(init?.headers ?? (isRequest(input) ? input.headers : undefined));
  const id = requestId(ctx);
  if (id !== undefined && !headers.has(REQUEST_ID_HEADER)) headers.set(REQUEST_ID_HEADER, id);
  if (deadline !== undefined) {
    const left = remainingMs(deadline);
    const set = parseTimeoutMs(headers.get(TIMEOUT_HEADER));
    headers.set(TIMEOUT_HEADER, formatTimeoutMs(set === undefined ? left : Math.min(set, left)));
  }

  // One child of ctx for this exchange. Cancelling it releases everything:
  // its registration on ctx, its deadline timer, the listener on signal.
  // The call's own budget is the topmost, so that when it runs out it
  // releases everything too, even for a response dropped unread.
  let call: Context = ctx;
  let release: CancelFunc | undefined;
  if (own !== undefined && own !== Infinity) [call, release] = withTimeout(ctx, Math.max(own, 0));
  if (signal) {
    const [linked, unlink] = withSignal(call, signal);
    call = linked;
    release ??= unlink; // else cancelling the budget's context cancels this one below it
  } else if (release === undefined) [call, release] = withCancel(ctx);

  /** The error to report once `call` was cancelled before the exchange ended. */
  const failure = (err: unknown): unknown => {
    if (call.err() === undefined) return err; // not ours: a network error, a bad URL...
    const e = ctx.err();
    if (e !== undefined) return e;
    if (signal?.aborted) return signal.reason;
    return call.err(); // our own timeoutMs: DeadlineExceeded
  };

  const rest: RequestInit = { ...init, headers, signal: call.signal };
  delete (rest as ContextRequestInit).timeoutMs;
  let res: Response;
  try {
    res = await globalThis.fetch(input, rest);
  } catch (err) {
    const e = failure(err); // before release(), which cancels `call` too
    release();
    throw e;
  }
  return bindBody(res, release, failure);
}

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Returns `res` with a body that releases the exchange when it is read to
 * the end, fails or is cancelled, and reports an abort during the read as
 * {@link fetchWithContext} reports one during the call.
 */
function bindBody(res: Response, release: () => void, failure: (err: unknown) => unknown): Response {
  if (res.body === null || NULL_BODY.has(res.status)) {
    release();
    return res;
  }
  const reader = res.body.getReader();
  let open = true;
  const end = (): void => {
    if (open) {
      open = false;
      release();
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          const e = failure(err); // before end(), which cancels the call
          end();
          throw e; // errors the stream with e
        }
        if (chunk.done) {
          end();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      },
      cancel(reason) {
        // Cancel the source first: it closes at once, so the abort that
        // end() causes cannot turn this cancellation into an error.
        const closing = reader.cancel(reason);
        end();
        return closing;
      },
    },
    { highWaterMark: 0 }, // read from the network only as the caller reads
  );
  const copy = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  // The constructor cannot set these; keep what the caller would have seen.
  Object.defineProperties(copy, {
    url: { value: res.url, enumerable: true },
    redirected: { value: res.redirected, enumerable: true },
    type: { value: res.type, enumerable: true },
  });
  return copy;
}
