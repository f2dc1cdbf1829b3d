/**
 * Handlers that answer with one message (unary and client-streaming),
 * written as functions that take a context and return the response.
 */
import type { ServerReadableStream, ServerUnaryCall, handleClientStreamingCall, handleUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Context } from '../index.js';
import { type ServerOptions } from '../http/index.js';
import { checkFunction, checkServerOptions } from '../http/check.js';
import { runBound2 } from '../node/als.js';
import { type ServerCall, beginCall } from './call-context.js';
import { echoTrailer, errorResponse } from './respond.js';

/** A unary handler: the request is `call.request`; the response is what it returns (or resolves to). */
export type UnaryContextHandler<Req = any, Res = any> = (call: ServerUnaryCall<Req, Res>, ctx: Context) => Res | PromiseLike<Res>;

/** A client-streaming handler: it reads the requests from `call` and returns (or resolves to) the response. */
export type ClientStreamContextHandler<Req = any, Res = any> = (
  call: ServerReadableStream<Req, Res>,
  ctx: Context,
) => Res | PromiseLike<Res>;

/**
 * Wraps a unary handler that takes a context, for `server.addService`.
 *
 * Per call, `handler(call, ctx)` runs with `ctx` as the current context of
 * ctxkit/node's AsyncLocalStorage (so calls it makes through a client with
 * {@link contextInterceptor} carry its deadline and request id). `ctx`:
 * - has the call's deadline (the client's `grpc-timeout`, capped by
 *   `options.maxTimeoutMs`; see {@link fixGrpcTimeout} for budgets above
 *   24.8 days) and `requestId(ctx)`: the client's `x-request-id` if valid,
 *   else a fresh UUID (it also replaces the value in `call.metadata`);
 * - is cancelled, `cause()` a {@link ClientCancelledError}, if the call
 *   ends before the handler settles (the client cancelled or went away);
 * - ends with `cause()` `Canceled` once the handler settles: a completed
 *   call is never reported as a client cancel;
 * - derives from `options.parent` (default `background()`).
 *
 * The returned (or resolved) value is the response; a throw or rejection
 * fails the call: an error with an integer gRPC `code` keeps it, a context
 * error (`ctx.err()`) answers CANCELLED / DEADLINE_EXCEEDED, anything else
 * is UNKNOWN with the error's message. The trailing metadata echoes
 * `x-request-id`. Nothing the wrapper adds to the call outlives it.
 *
 * @throws {TypeError} if `handler` is not a function or `options` is not
 *   valid server options.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * server.addService(service, { getUser: wrapUnary(async (call, ctx) => db.user(ctx, call.request.id)) });
 */
export function wrapUnary<Req = any, Res = any>(handler: UnaryContextHandler<Req, Res>, options?: ServerOptions): handleUnaryCall<Req, Res> {
  checkFunction(handler, 'wrapUnary', 'handler');
  const opts = checkServerOptions(options, 'wrapUnary');
  return (call, callback) => serveOne(call, callback as sendUnaryData<unknown>, handler as (call: ServerCall, ctx: Context) => unknown, opts);
}

/**
 * Wraps a client-streaming handler that takes a context, for
 * `server.addService`. Everything {@link wrapUnary} says holds; the
 * handler reads the requests from `call` (`for await (const req of call)`
 * keeps the current context; `call.on('data')` listeners run outside it)
 * and returns (or resolves to) the response.
 *
 * @throws {TypeError} if `handler` is not a function or `options` is not
 *   valid server options.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 */
export function wrapClientStream<Req = any, Res = any>(
  handler: ClientStreamContextHandler<Req, Res>,
  options?: ServerOptions,
): handleClientStreamingCall<Req, Res> {
  checkFunction(handler, 'wrapClientStream', 'handler');
  const opts = checkServerOptions(options, 'wrapClientStream');
  return (call, callback) => serveOne(call, callback as sendUnaryData<unknown>, handler as (call: ServerCall, ctx: Context) => unknown, opts);
}

function serveOne(
  call: ServerCall,
  callback: sendUnaryData<unknown>,
  handler: (call: ServerCall, ctx: Context) => unknown,
  options: ServerOptions,
): void {
  let settled = false;
  const scope = beginCall(call, options, () => settled);
  const settle = (ok: boolean, v: unknown): void => {
    if (settled) return;
    settled = true;
    scope.complete(); // before the response: the handler's work is over
    if (ok) callback(null, v, echoTrailer(scope.requestId));
    else callback(errorResponse(v, scope.requestId));
  };
  let result: unknown;
  let then: unknown;
  try {
    result = runBound2(scope.ctx, handler, call, scope.ctx);
    then = result === null || result === undefined ? undefined : (result as { then?: unknown }).then;
  } catch (e) {
    settle(false, e);
    return;
  }
  if (typeof then !== 'function') {
    // Returned the response itself: the handler has settled now. No
    // promise: each one costs an async-hook round trip while
    // AsyncLocalStorage is on.
    settle(true, result);
    return;
  }
  Promise.resolve(result).then(
    (v) => settle(true, v),
    (e: unknown) => settle(false, e),
  );
}
