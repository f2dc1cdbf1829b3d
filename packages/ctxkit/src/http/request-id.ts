/**
 * The request id a context carries: set by the server integrations from
 * `x-request-id` (or freshly made), sent by `fetchWithContext` and the gRPC
 * client, echoed on responses. One key, shared by every integration.
 */
import { type Context, type Key, createKey, withValue } from '../index.js';
import { checkContext, kind } from './check.js';
import { shared } from './shared.js';
import { parseRequestId } from './wire.js';

/** Private: only {@link withRequestId} binds it, so every id in a context is one the wire format accepts. */
const requestIdKey: Key<string> = shared('requestIdKey', createKey<string>('requestId'));

/**
 * The request id carried by `ctx` or its nearest ancestor that has one, or
 * `undefined` when none does (a context not derived from a request).
 * Every id it returns is valid on the wire: safe to send, echo and log.
 *
 * @throws {TypeError} if `ctx` is not a Context.
 */
export function requestId(ctx: Context): string | undefined {
  checkContext(ctx, 'requestId', 'ctx');
  return ctx.value(requestIdKey);
}

/**
 * Returns a child of `ctx` carrying `id` as its request id; the server
 * integrations call it for you. `id` must be valid on the wire (1–128
 * characters from `A-Z a-z 0-9 - _ . : + / =`): an id that a peer would
 * reject is refused here, where the mistake is made, rather than replaced
 * silently one hop later. For an id from an untrusted source use
 * `requestIdOrNew(value)` first.
 *
 * @throws {TypeError} if `ctx` is not a Context or `id` is not a string.
 * @throws {RangeError} if `id` is not a valid request id.
 */
export function withRequestId(ctx: Context, id: string): Context {
  checkContext(ctx, 'withRequestId', 'ctx');
  if (typeof id !== 'string') throw new TypeError(`ctxkit.withRequestId: argument "id" must be a string, got ${kind(id)}`);
  if (parseRequestId(id) === undefined) {
    // Not the id itself: it may hold anything, and error messages end up in logs.
    throw new RangeError(
      `ctxkit.withRequestId: argument "id" must be 1-128 characters from A-Z a-z 0-9 - _ . : + / = (got ${id.length} characters that are not one; the value is not shown)`,
    );
  }
  return withValue(ctx, requestIdKey, id);
}

/**
 * {@link withRequestId} for an id the caller has already validated
 * (`requestIdOrNew`'s result) and a parent known to be a Context: the
 * server integrations' per-request path, which must not test the id twice.
 * Internal: not exported from the package.
 */
export function withValidRequestId(ctx: Context, id: string): Context {
  return withValue(ctx, requestIdKey, id);
}
