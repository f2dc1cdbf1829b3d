/**
 * Request contexts for a plain `http.createServer` handler, with the
 * context bound as `current()` for the whole request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../index.js';
import { type ServerOptions, checkFunction, checkServerOptions } from '../http/check.js';
import { runBound } from './als.js';
import { begin, checkPair } from './request-context.js';

/** A node:http handler that also receives its request context. */
export type NodeContextHandler<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse> = (
  req: Req,
  res: Res,
  ctx: Context,
) => unknown;

/**
 * Wraps `handler` into a node:http request listener that gives every
 * request its context (see `requestContext` for its values, deadline and
 * cancellation) as a third argument, and binds it as `current()` while the
 * handler and everything it starts run.
 *
 * The context ends with the response, not with the handler: a handler may
 * return before it answers (a callback API) and the context stays live
 * until the response is sent or the client leaves. What the handler
 * returns is returned unchanged; a rejection is not caught (exactly as
 * with an unwrapped async handler).
 *
 * @throws {TypeError} if `handler` is not a function or an option has the
 *   wrong type (when wrapping, not per request).
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * http.createServer(withRequestContext(async (req, res, ctx) => {
 *   const report = await buildReport(ctx); // stops if the client leaves
 *   res.end(JSON.stringify(report));
 * }, { maxTimeoutMs: 10_000 })).listen(8080);
 */
export function withRequestContext<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
  handler: NodeContextHandler<Req, Res>,
  options?: ServerOptions,
): (req: Req, res: Res) => unknown {
  checkFunction(handler, 'withRequestContext', 'handler');
  const opts = checkServerOptions(options, 'withRequestContext');
  return (req: Req, res: Res): unknown => {
    checkPair(req, res, 'withRequestContext');
    const ctx = begin(req, res, opts);
    return runBound(ctx, handler, req, res, ctx);
  };
}
