/**
 * A request context for web-standard handlers, `(request: Request) =>
 * Response`: Bun.serve, Deno.serve, Hono, Next.js route handlers,
 * Cloudflare Workers. Runtime-agnostic: it only needs `Request`,
 * `Response` and `AbortSignal`.
 */
import { Canceled, type Context } from '../index.js';
import { type ServerOptions, checkFunction, checkServerOptions, kind, readable } from './check.js';
import { ClientDisconnectedError } from './disconnect.js';
import { beginRequest } from './incoming.js';
import { REQUEST_ID_HEADER, TIMEOUT_HEADER } from './wire.js';

/**
 * Ends a request context made by {@link requestContext}. Called with the
 * Response about to be returned, it sets `x-request-id` on it to the id in
 * force and returns it (a copy when its headers are immutable, as those of
 * a `fetch` response or `Response.redirect()` are: return what `finish`
 * returns). Called without one, it only ends the context. The first call
 * ends the context with cause `Canceled`; later calls only echo the id.
 */
export interface FinishFunc {
  (response: Response): Response;
  (): void;
}

/**
 * Returns the context of one incoming web-standard `request`, and the
 * function that ends it:
 *
 * - values: the request id (`requestId(ctx)`): the client's `x-request-id`
 *   if valid, else a fresh `crypto.randomUUID()`; `options.parent`'s values;
 * - deadline: now + min(`options.maxTimeoutMs`, the client's
 *   `connect-timeout-ms`); a malformed header is ignored (the server's
 *   budget applies); `0` gives a context already out of time;
 * - cancelled (`err()` Canceled) when `request.signal` aborts before
 *   `finish` is called, the runtime's way of saying the client went away:
 *   `cause()` is a {@link ClientDisconnectedError} whose own `cause` is the
 *   signal's reason;
 * - ended by `finish` with cause `Canceled`: a request that was answered is
 *   never reported as a disconnect, even by runtimes that abort
 *   `request.signal` after every response;
 * - cancelled when `options.parent` is.
 *
 * Always call `finish` (in a `finally`): it removes the listener on
 * `request.signal` and releases the deadline timer. The response body is
 * sent after `finish`; a streaming body that must stop when the client
 * leaves should watch `request.signal` itself.
 *
 * @throws {TypeError} if `request` is not a Request-like object (headers
 *   and signal), or an option has the wrong type.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * const [ctx, finish] = requestContext(request, { maxTimeoutMs: 10_000 });
 * try {
 *   return finish(await handle(ctx, request));
 * } finally {
 *   finish();
 * }
 */
export function requestContext(request: Request, options?: ServerOptions): [Context, FinishFunc] {
  return begin(request, checkServerOptions(options, 'requestContext'), 'requestContext');
}

function begin(request: Request, options: ServerOptions, fn: string): [Context, FinishFunc] {
  checkRequest(request, fn);
  const r = beginRequest(options, request.headers.get(REQUEST_ID_HEADER), request.headers.get(TIMEOUT_HEADER));
  const signal = request.signal;
  let ended = false;
  const onAbort = (): void => {
    ended = true;
    r.end(new ClientDisconnectedError({ cause: signal.reason }));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  function finish(response?: Response): Response | undefined {
    if (!ended) {
      ended = true;
      signal.removeEventListener('abort', onAbort);
      r.end(Canceled);
    }
    return response === undefined ? undefined : echo(response, r.requestId, fn);
  }
  return [r.ctx, finish as FinishFunc];
}

/** Sets the request id on `response`, copying it when its headers are immutable. */
function echo(response: Response, id: string, fn: string): Response {
  if (response === null || typeof response !== 'object' || typeof response.headers?.set !== 'function') {
    throw new TypeError(`ctxkit.${fn}: the handler must return a Response, got ${kind(response)}`);
  }
  try {
    response.headers.set(REQUEST_ID_HEADER, id);
    return response;
  } catch {
    // Immutable headers (a fetch response, Response.redirect/error): the
    // platform's own answer is to copy the response.
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, id);
    return copy;
  }
}

function checkRequest(request: unknown, fn: string): asserts request is Request {
  const r = request as Request | null | undefined;
  if (
    r === null ||
    typeof r !== 'object' ||
    !readable(() => typeof r.headers?.get === 'function' && typeof r.signal?.addEventListener === 'function')
  ) {
    throw new TypeError(`ctxkit.${fn}: argument "request" must be a Request, got ${kind(request)}`);
  }
}

/** A web-standard handler that receives its request context. Extra arguments (Bun's `server`, Deno's `info`) follow it. */
export type ContextHandler<A extends unknown[] = []> = (
  request: Request,
  ctx: Context,
  ...rest: A
) => Response | Promise<Response>;

/**
 * Wraps a web-standard handler so that it receives a request context (see
 * {@link requestContext} for its values, deadline and cancellation). The
 * returned function has the platform's shape, `(request, ...rest) =>
 * Promise<Response>`, for `Bun.serve({ fetch })`, `Deno.serve(handler)`,
 * `export default { fetch }` and route handlers.
 *
 * The context ends with cause `Canceled` when the handler's promise
 * settles, whether it resolves or rejects; the Response it resolves to
 * carries `x-request-id`. A rejection passes through unchanged (the runtime
 * answers it as it answers any failing handler).
 *
 * @throws {TypeError} if `handler` is not a function or an option has the
 *   wrong type (when wrapping, not per request).
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * Bun.serve({
 *   fetch: withRequestContext(async (request, ctx) => {
 *     const user = await loadUser(ctx, new URL(request.url).searchParams.get('id'));
 *     return Response.json(user);
 *   }, { maxTimeoutMs: 10_000 }),
 * });
 */
export function withRequestContext<A extends unknown[] = []>(
  handler: ContextHandler<A>,
  options?: ServerOptions,
): (request: Request, ...rest: A) => Promise<Response> {
  checkFunction(handler, 'withRequestContext', 'handler');
  const opts = checkServerOptions(options, 'withRequestContext');
  return async (request: Request, ...rest: A): Promise<Response> => {
    const [ctx, finish] = begin(request, opts, 'withRequestContext');
    try {
      return finish(await handler(request, ctx, ...rest));
    } finally {
      finish();
    }
  };
}
