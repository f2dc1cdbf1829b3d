/**
 * A request id carried by a typed key (Go's WithRequestID / RequestID
 * helper pair over an unexported key type).
 *
 * The key is module-private and made by `createKey`: keys compare by
 * identity, so another module choosing the same name cannot read or
 * overwrite it (Go's unexported `type ctxKey struct{}`). Only the two helpers
 * are exported. The value travels through every derived context; a missing
 * id reads as '' (absent means absent: the caller decides what to do).
 *
 * Run: npm run build && npx tsx examples/request-id.ts
 */
import { type Context, background, createKey, withCancel, withTimeout, withValue } from 'ctxkit';

// --- the request-id "package" -----------------------------------------------
const requestIdKey = createKey<string>('requestId');

/** Returns a copy of `ctx` carrying `id` as its request id. */
export function withRequestId(ctx: Context, id: string): Context {
  return withValue(ctx, requestIdKey, id);
}

/** The request id of `ctx`, or '' when none was set. */
export function requestId(ctx: Context): string {
  return ctx.value(requestIdKey) ?? ''; // typed: string | undefined
}

// --- use ------------------------------------------------------------------------
const ctx0 = background();
const ctx1 = withRequestId(ctx0, 'abc');
const [ctx2, cancel2] = withTimeout(ctx1, 1_000);
const [ctx3, cancel3] = withCancel(ctx2);

console.log(`requestId(ctx1) = ${JSON.stringify(requestId(ctx1))}`);
console.log(`requestId(ctx3) = ${JSON.stringify(requestId(ctx3))}  (two derivations below)`);
console.log(`requestId(background()) = ${JSON.stringify(requestId(ctx0))}  (absent)`);

// A nearer binding shadows an outer one; the outer context is unchanged.
const inner = withRequestId(ctx3, 'abc/retry-1');
console.log(`inner: ${requestId(inner)}, outer still: ${requestId(ctx3)}`);

// Same name, different key: no collision.
const impostor = createKey<string>('requestId');
console.log('another key named "requestId" sees:', ctx3.value(impostor));
console.log('string key "requestId" sees:', ctx3.value('requestId'));

// Values survive cancellation: they are immutable data, not state.
cancel3();
console.log(`after cancel: err=${String(ctx3.err())}, requestId=${requestId(ctx3)}`);
cancel2();

// Descriptions print a key's name and the value (strings print as themselves).
const [described, cancel4] = withCancel(ctx1);
console.log(String(described));
cancel4();

// Output:
// requestId(ctx1) = "abc"
// requestId(ctx3) = "abc"  (two derivations below)
// requestId(background()) = ""  (absent)
// inner: abc/retry-1, outer still: abc
// another key named "requestId" sees: undefined
// string key "requestId" sees: undefined
// after cancel: err=AbortError: context canceled, requestId=abc
// context.Background.WithValue(requestId, abc).WithCancel
