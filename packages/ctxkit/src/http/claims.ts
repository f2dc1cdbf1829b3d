/**
 * Who is making the request: the claims an authentication middleware
 * verified, carried by the request context so handlers read them typed
 * instead of re-parsing a header.
 */
import { type Context, type Key, createKey, withValue } from '../index.js';
import { checkContext, kind } from './check.js';
import { shared } from './shared.js';

/**
 * Verified facts about the caller. `userId` identifies them; `scopes` are
 * what they may do. For a richer shape, make your own key with
 * `createKey<YourClaims>('claims')` and the same three-line accessors.
 */
export interface Claims {
  readonly userId: string;
  readonly scopes: readonly string[];
}

/**
 * The key {@link withClaims} binds. Exported for code that reads it with
 * `ctx.value(claimsKey)`; prefer {@link claims} and {@link withClaims},
 * which validate.
 */
export const claimsKey: Key<Claims> = shared('claimsKey', createKey<Claims>('claims'));

/**
 * Returns a child of `ctx` carrying `claims`. It stores a frozen copy
 * (`scopes` copied too): values are immutable propagation, so a later
 * change to the object passed in cannot alter what handlers already see.
 * Call it only after the credentials were verified: handlers trust it.
 *
 * @throws {TypeError} if `ctx` is not a Context, or `claims` is not an
 *   object with a string `userId` and an array of string `scopes`.
 */
export function withClaims(ctx: Context, claims: Claims): Context {
  checkContext(ctx, 'withClaims', 'ctx');
  if (claims === null || typeof claims !== 'object') {
    throw new TypeError(`ctxkit.withClaims: argument "claims" must be an object, got ${kind(claims)}`);
  }
  // Copy first, then validate the copy: a getter or a Proxy could return a
  // string to the check and something else to the copy handlers trust.
  let copy: Claims;
  try {
    const own = { ...claims };
    copy = { ...own, scopes: Array.isArray(own.scopes) ? [...(own.scopes as readonly unknown[])] : own.scopes } as Claims;
  } catch {
    throw new TypeError('ctxkit.withClaims: argument "claims" must be an object whose properties can be read');
  }
  if (typeof copy.userId !== 'string') {
    throw new TypeError(`ctxkit.withClaims: argument "claims.userId" must be a string, got ${kind(copy.userId)}`);
  }
  if (!Array.isArray(copy.scopes) || !copy.scopes.every((s) => typeof s === 'string')) {
    throw new TypeError('ctxkit.withClaims: argument "claims.scopes" must be an array of strings');
  }
  Object.freeze(copy.scopes);
  Object.freeze(copy);
  return withValue(ctx, claimsKey, copy);
}

/**
 * The claims carried by `ctx` or its nearest ancestor, or `undefined` when
 * no authentication ran for this request (absent means unauthenticated:
 * branch on it, never assume).
 *
 * @throws {TypeError} if `ctx` is not a Context.
 */
export function claims(ctx: Context): Claims | undefined {
  checkContext(ctx, 'claims', 'ctx');
  return ctx.value(claimsKey);
}
