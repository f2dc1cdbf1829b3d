/**
 * A context per incoming node:http request, for plain `http.createServer`
 * handlers and Express/Connect-style middleware.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Canceled, type Context } from '../index.js';
import { type ServerOptions, checkContext, checkServerOptions, kind, readable } from '../http/check.js';
import { ClientDisconnectedError } from '../http/disconnect.js';
import { type IncomingRequest, beginRequest } from '../http/incoming.js';
import { REQUEST_ID_HEADER, TIMEOUT_HEADER } from '../http/wire.js';

/**
 * Where a request keeps its context: a non-enumerable property under a
 * global symbol, so the ESM and CommonJS copies of ctxkit share it and it
 * dies with its request. Not a WeakMap: an entry per request cost about
 * 1 µs in ephemeron bookkeeping and GC, a tenth of a bare request.
 */
const CONTEXT: unique symbol = Symbol.for('ctxkit.node.requestContext') as never;

type WithContext = IncomingMessage & { [CONTEXT]?: Context };

function storedContext(req: IncomingMessage): Context | undefined {
  return (req as WithContext)[CONTEXT];
}

function storeContext(req: IncomingMessage, ctx: Context): void {
  Object.defineProperty(req, CONTEXT, { value: ctx, writable: true, enumerable: false, configurable: true });
}

/**
 * Returns the context of the node:http request `req` answered by `res`,
 * making it on the first call (later calls for the same request return the
 * same context, whatever their options):
 *
 * - values: the request id (`requestId(ctx)`): the client's `x-request-id`
 *   if valid, else a fresh `crypto.randomUUID()`; it is set on `res` as
 *   `x-request-id` at once (before any header is sent). An invalid id is
 *   never echoed. Also `options.parent`'s values.
 * - deadline: now + min(`options.maxTimeoutMs`, the client's
 *   `connect-timeout-ms`); a malformed header is ignored (the server's
 *   budget applies); `0` gives a context already out of time
 *   (`DeadlineExceeded`). Budgets beyond 2^31-1 ms do not wrap.
 * - cancelled (`err()` Canceled, `cause()` a {@link ClientDisconnectedError})
 *   when `res` closes before the response finished: the client went away
 *   (or the connection was destroyed). The request stream's own `close` is
 *   never used: it fires as soon as the body has been read.
 * - ended with cause `Canceled` once the response has finished: a request
 *   that was answered is never reported as a disconnect.
 * - cancelled when `options.parent` is.
 *
 * It adds one `close` listener to `res`, removed when it fires; the
 * deadline timer and the registration on the parent are released then.
 * No listener is added to `req` (its context is kept in a non-enumerable
 * symbol property, which dies with it).
 *
 * @throws {TypeError} if `req` or `res` is not a node:http request or
 *   response, or an option has the wrong type.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * http.createServer(async (req, res) => {
 *   const ctx = requestContext(req, res, { maxTimeoutMs: 10_000 });
 *   res.end(JSON.stringify(await loadReport(ctx)));
 * });
 */
export function requestContext(req: IncomingMessage, res: ServerResponse, options?: ServerOptions): Context {
  checkPair(req, res, 'requestContext');
  return storedContext(req) ?? begin(req, res, checkServerOptions(options, 'requestContext'));
}

/** Where a response keeps its request's {@link IncomingRequest} until it closes. Per copy of ctxkit: the copy that listens reads it. */
const PENDING: unique symbol = Symbol('ctxkit.node.pendingRequest') as never;

type PendingResponse = ServerResponse & { [PENDING]?: IncomingRequest | undefined };

/**
 * Makes the context of `req` (see {@link requestContext}); options are
 * already validated. For the middleware and the handler wrapper.
 *
 * Per request this allocates the contexts and nothing else of its own:
 * the `close` listener is one function shared by every response, which
 * finds its request through a symbol property on `res` (`res.once` would
 * allocate a wrapper and a bound function per request).
 */
export function begin(req: IncomingMessage, res: ServerResponse, options: ServerOptions): Context {
  const headers = req.headers;
  const r = beginRequest(options, headers[REQUEST_ID_HEADER], headers[TIMEOUT_HEADER]);
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, r.requestId);
  storeContext(req, r.ctx);
  if (res.closed) r.end(endCause(res)); // made too late: the request is already over
  else if ((res as PendingResponse)[PENDING] === undefined) {
    Object.defineProperty(res, PENDING, { value: r, writable: true, enumerable: false, configurable: true });
    res.on('close', onResponseClose);
  } else {
    // A second context for the same response (withRequestContext inside
    // another integration): rare, so a closure of its own.
    const onClose = (): void => {
      res.removeListener('close', onClose);
      r.end(endCause(res));
    };
    res.on('close', onClose);
  }
  return r.ctx;
}

/** The shared `close` listener: ends the request `res` carries and removes itself. */
function onResponseClose(this: PendingResponse): void {
  this.removeListener('close', onResponseClose);
  const r = this[PENDING];
  this[PENDING] = undefined;
  r?.end(endCause(this));
}

/**
 * Why a request ended, when its response closed: `close` on the response
 * comes after `finish` when it was sent, or instead of it when the
 * connection went away first.
 */
function endCause(res: ServerResponse): unknown {
  return res.writableFinished ? Canceled : new ClientDisconnectedError();
}

/**
 * The context of `req`, made earlier by {@link requestContext},
 * `withRequestContext` or `ctxkitMiddleware` (or replaced with
 * {@link setContext}). Use it in Express handlers: `contextOf(req)`.
 *
 * @throws {TypeError} if `req` is not an object, or no context was made
 *   for `req`: the middleware is missing or installed after this handler.
 */
export function contextOf(req: IncomingMessage): Context {
  checkReq(req, 'contextOf');
  const ctx = contextOfOrUndefined(req);
  if (ctx === undefined) {
    throw new TypeError(
      'ctxkit.contextOf: this request has no context; install ctxkitMiddleware() before this handler (or use requestContext / withRequestContext)',
    );
  }
  return ctx;
}

/** The context of `req`, or undefined when none was made (or `req` cannot hold one). */
export function contextOfOrUndefined(req: IncomingMessage): Context | undefined {
  let ctx: Context | undefined;
  // readable(): a revoked Proxy throws on the read; it holds no context.
  return typeof req === 'object' && req !== null && readable(() => (ctx = storedContext(req)) !== undefined) ? ctx : undefined;
}

/** Throws a TypeError naming `req` unless it is an object whose properties can be read. */
function checkReq(req: unknown, fn: string): void {
  if (req === null || typeof req !== 'object' || !readable(() => (req as { headers?: unknown }).headers !== null)) {
    throw new TypeError(`ctxkit.${fn}: argument "req" must be a node:http IncomingMessage, got ${kind(req)}`);
  }
}

/**
 * Replaces the context {@link contextOf} returns for `req`: for middleware
 * that derives one (claims after authentication, a tighter deadline), as
 * Go's `r.WithContext`. `ctx` must be derived from the request's context,
 * so that it still ends with the request. Pair it with `runWithContext(ctx,
 * next)` so that `current()` agrees.
 *
 * @throws {TypeError} if `req` is not an object, `ctx` is not a Context,
 *   or `req` has no context yet (there is nothing to derive from).
 */
export function setContext(req: IncomingMessage, ctx: Context): void {
  checkReq(req, 'setContext');
  checkContext(ctx, 'setContext', 'ctx');
  contextOf(req);
  storeContext(req, ctx);
}

/** Throws a TypeError unless `req` and `res` look like node:http's request and response. */
export function checkPair(req: unknown, res: unknown, fn: string): void {
  const q = req as IncomingMessage | null;
  if (q === null || typeof q !== 'object' || !readable(() => typeof q.headers === 'object' && q.headers !== null)) {
    throw new TypeError(`ctxkit.${fn}: argument "req" must be a node:http IncomingMessage, got ${kind(req)}`);
  }
  const s = res as ServerResponse | null;
  if (s === null || typeof s !== 'object' || !readable(() => typeof s.on === 'function' && typeof s.setHeader === 'function')) {
    throw new TypeError(`ctxkit.${fn}: argument "res" must be a node:http ServerResponse, got ${kind(res)}`);
  }
}
