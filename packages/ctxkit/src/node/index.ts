/**
 * ctxkit/node — contexts for node:http servers and Express/Connect-style
 * middleware, and the current context through AsyncLocalStorage.
 *
 * - {@link requestContext}, {@link withRequestContext},
 *   {@link ctxkitMiddleware}: a context per incoming request, with the
 *   request id and deadline read from the wire, cancelled when the client
 *   goes away and ended when the response has been sent.
 * - {@link runWithContext} / {@link current}: the current context, for code
 *   that cannot take a `ctx` parameter.
 * - The typed request values of ctxkit/http, re-exported: `requestId`,
 *   `claims` and their `with*` counterparts.
 *
 * Built on the core's public API and ctxkit/http. Node.js only.
 *
 * @packageDocumentation
 */
export { bindContext, current, runWithContext } from './als.js';
export { contextOf, requestContext, setContext } from './request-context.js';
export { type NodeContextHandler, withRequestContext } from './handler.js';
export { type Middleware, ctxkitMiddleware } from './middleware.js';
export {
  type Claims,
  ClientDisconnectedError,
  type ServerOptions,
  claims,
  claimsKey,
  isClientDisconnected,
  requestId,
  withClaims,
  withRequestId,
} from '../http/index.js';
