/**
 * Handlers that answer with a stream (server-streaming and bidi), written
 * as functions that take a context.
 */
import { Metadata, type ServerDuplexStream, type ServerWritableStream, type handleBidiStreamingCall, type handleServerStreamingCall } from '@grpc/grpc-js';
import type { Context } from '../index.js';
import { REQUEST_ID_HEADER, type ServerOptions } from '../http/index.js';
import { checkFunction, checkServerOptions } from '../http/check.js';
import { runBound2 } from '../node/als.js';
import { beginCall } from './call-context.js';
import { errorResponse } from './respond.js';

/** A server-streaming handler: the request is `call.request`; it writes the responses to `call`. */
export type ServerStreamContextHandler<Req = any, Res = any> = (
  call: ServerWritableStream<Req, Res>,
  ctx: Context,
) => void | PromiseLike<void>;

/** A bidi handler: it reads requests from and writes responses to `call`. */
export type BidiContextHandler<Req = any, Res = any> = (call: ServerDuplexStream<Req, Res>, ctx: Context) => void | PromiseLike<void>;

type StreamCall = ServerWritableStream<any, any> | ServerDuplexStream<any, any>;

/**
 * Wraps a server-streaming handler that takes a context, for
 * `server.addService`. The context is as {@link wrapUnary} describes:
 * deadline, request id, cancelled with a {@link ClientCancelledError}
 * cause if the call ends before the handler completes it, ended with cause
 * `Canceled` once it does, and current in AsyncLocalStorage while the
 * handler runs.
 *
 * Who ends the stream depends on what the handler returns:
 * - a promise (an `async` handler): the call completes when it settles.
 *   Resolved: the wrapper calls `call.end()` unless the handler did.
 *   Rejected: the call fails with the error's status (as for
 *   {@link wrapUnary}). So an async handler must not return before its
 *   last write (await its loop; do not leave work in `on('data')`
 *   callbacks);
 * - nothing: the handler owns the stream, as in plain grpc-js, and the
 *   call completes when it calls `call.end()` (or emits `error`).
 *
 * The trailing metadata echoes `x-request-id`, unless the handler passes
 * its own to `call.end(metadata)`. Nothing the wrapper adds to the call
 * outlives it.
 *
 * @throws {TypeError} if `handler` is not a function or `options` is not
 *   valid server options.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * wrapServerStream(async (call, ctx) => {
 *   for await (const row of db.scan(ctx, call.request.table)) call.write(row);
 * })
 */
export function wrapServerStream<Req = any, Res = any>(
  handler: ServerStreamContextHandler<Req, Res>,
  options?: ServerOptions,
): handleServerStreamingCall<Req, Res> {
  checkFunction(handler, 'wrapServerStream', 'handler');
  const opts = checkServerOptions(options, 'wrapServerStream');
  return (call) => serveStream(call, handler as (call: StreamCall, ctx: Context) => unknown, opts);
}

/**
 * Wraps a bidi-streaming handler that takes a context, for
 * `server.addService`. Everything {@link wrapServerStream} says holds; the
 * handler also reads requests from `call` (`for await (const req of call)`
 * keeps the current context; `call.on('data')` listeners run outside it).
 * Unlike Node's default for streams, the end of such a loop (or a `break`
 * out of it) does not destroy `call`: a destroyed call could neither write
 * nor complete, and would hang until the client gives up.
 *
 * @throws {TypeError} if `handler` is not a function or `options` is not
 *   valid server options.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 */
export function wrapBidi<Req = any, Res = any>(handler: BidiContextHandler<Req, Res>, options?: ServerOptions): handleBidiStreamingCall<Req, Res> {
  checkFunction(handler, 'wrapBidi', 'handler');
  const opts = checkServerOptions(options, 'wrapBidi');
  return (call) => {
    readWithoutDestroying(call);
    serveStream(call, handler as (call: StreamCall, ctx: Context) => unknown, opts);
  };
}

function serveStream(call: StreamCall, handler: (call: StreamCall, ctx: Context) => unknown, options: ServerOptions): void {
  let settled = false;
  // Completed by the handler: its promise settled, or it ended the stream
  // itself (grpc-js's own 'error' handling ends it too).
  const scope = beginCall(call, options, () => settled || call.writableEnded);
  echoInTrailers(call, scope.requestId);
  const fail = (e: unknown): void => {
    settled = true;
    scope.complete();
    if (!call.writableEnded && !call.destroyed) call.emit('error', errorResponse(e, scope.requestId));
  };
  let result: unknown;
  try {
    result = runBound2(scope.ctx, handler, call, scope.ctx);
  } catch (e) {
    fail(e);
    return;
  }
  if (!isPromiseLike(result)) return; // the handler owns the stream
  Promise.resolve(result).then(() => {
    settled = true;
    scope.complete();
    if (!call.writableEnded && !call.destroyed) call.end();
  }, fail);
}

/**
 * Adds the request id to the trailers grpc-js sends when the stream ends
 * without metadata of the handler's own. grpc-js keeps them in a field of
 * the call object it does not declare; if a version lacks it, no echo.
 */
function echoInTrailers(call: StreamCall, id: string): void {
  const trailers = (call as unknown as { trailingMetadata?: unknown }).trailingMetadata;
  if (trailers instanceof Metadata && trailers.get(REQUEST_ID_HEADER).length === 0) trailers.set(REQUEST_ID_HEADER, id);
}

/**
 * Makes `for await (const m of call)` leave `call` usable once the loop
 * ends: Node's stream iterator destroys the stream when iteration stops,
 * which on a bidi call destroys the writable side too, before the handler
 * has written its last response or the status has gone out.
 */
function readWithoutDestroying(call: ServerDuplexStream<any, any>): void {
  type Iter = (this: unknown, options: { destroyOnReturn: boolean }) => AsyncIterableIterator<unknown>;
  const iterator = (call as unknown as { iterator?: Iter }).iterator;
  if (typeof iterator !== 'function') return;
  Object.defineProperty(call, Symbol.asyncIterator, {
    value(this: unknown) {
      return iterator.call(this, { destroyOnReturn: false });
    },
    writable: true,
    configurable: true,
  });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}
