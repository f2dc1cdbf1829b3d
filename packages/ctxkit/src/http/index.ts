/**
 * ctxkit/http — contexts across HTTP, for any runtime with `fetch`,
 * `Request` and `Response` (Node >= 20, Bun, Deno, browsers, edge
 * workers). No `node:` imports.
 *
 * - The wire format: parsers and formatters for `x-request-id`,
 *   `connect-timeout-ms` and `grpc-timeout`, shared by every integration.
 * - {@link fetchWithContext}: `fetch` bound to a context (deadline,
 *   cancellation, request id).
 * - {@link requestContext} / {@link withRequestContext}: a context per
 *   incoming web-standard `Request` (Bun.serve, Deno.serve, Hono, Next.js).
 * - Typed request values: {@link requestId}, {@link claims}.
 *
 * Built on the core's public API only. For node:http and Express servers
 * and AsyncLocalStorage, see `ctxkit/node`.
 *
 * @packageDocumentation
 */
export {
  GRPC_TIMEOUT_HEADER,
  type HeaderValue,
  MAX_TIMEOUT_MS,
  REQUEST_ID_HEADER,
  TIMEOUT_HEADER,
  formatGrpcTimeout,
  formatTimeoutMs,
  isValidRequestId,
  outgoingDeadline,
  parseGrpcTimeout,
  parseRequestId,
  parseTimeoutMs,
  remainingMs,
  requestIdOrNew,
} from './wire.js';
export { requestId, withRequestId } from './request-id.js';
export { type Claims, claims, claimsKey, withClaims } from './claims.js';
export { ClientDisconnectedError, isClientDisconnected } from './disconnect.js';
export type { ServerOptions } from './check.js';
export { requestBudgetMs } from './incoming.js';
export { type ContextRequestInit, fetchWithContext } from './fetch.js';
export { type ContextHandler, type FinishFunc, requestContext, withRequestContext } from './request-context.js';
