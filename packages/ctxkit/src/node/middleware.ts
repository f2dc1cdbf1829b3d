/**
 * Express/Connect-style middleware: `(req, res, next)`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ServerOptions, checkServerOptions } from '../http/check.js';
import { runWithContext } from './als.js';
import { begin, checkPair, contextOfOrUndefined } from './request-context.js';

/** The middleware signature shared by Express, Connect, Polka and others. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Returns middleware that gives every request its context (see
 * `requestContext` for its values, deadline and cancellation): handlers
 * read it with `contextOf(req)` or, from code that cannot reach `req`,
 * `current()`, since the rest of the chain runs bound to it. Install it
 * first, so every later middleware sees the same context.
 *
 * A request that already has a context (the middleware installed twice, or
 * behind `withRequestContext`) keeps it.
 *
 * @throws {TypeError} if an option has the wrong type (when called, not per
 *   request).
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * const app = express();
 * app.use(ctxkitMiddleware({ maxTimeoutMs: 10_000 }));
 * app.get('/report', async (req, res) => {
 *   res.json(await buildReport(contextOf(req)));
 * });
 */
export function ctxkitMiddleware(options?: ServerOptions): Middleware {
  const opts = checkServerOptions(options, 'ctxkitMiddleware');
  return (req, res, next) => {
    let ctx;
    try {
      checkPair(req, res, 'ctxkitMiddleware');
      ctx = contextOfOrUndefined(req) ?? begin(req, res, opts);
    } catch (err) {
      next(err);
      return;
    }
    runWithContext(ctx, next);
  };
}
