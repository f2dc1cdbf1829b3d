/**
 * A request context for web-standard handlers, `(request: Request) =>
 * Response`, as Bun.serve, Deno.serve, Hono and Next.js route handlers
 * call them, with ctxkit/http's `withRequestContext`.
 *
 * The handler is called here directly with `Request` objects (the runtime's
 * part), so the example runs anywhere. Each request gets a context with:
 *
 * - the deadline min(server budget, client's `connect-timeout-ms`),
 * - the request id (valid client id kept, otherwise a fresh one), echoed on
 *   the Response as `x-request-id`,
 * - cancellation when `request.signal` aborts (the client went away), with
 *   a cause that says so; and the end, with cause `Canceled`, once the
 *   handler has returned its Response: an answered request is never
 *   reported as a disconnect.
 *
 * Run: npm run build && npx tsx examples/http-web-handler.ts
 */
import { type Context, background, cause, sleep } from 'ctxkit';
import { isClientDisconnected, requestId, withRequestContext } from 'ctxkit/http';

const seen: Context[] = [];

// export default { fetch: handler } / Bun.serve({ fetch: handler }) / Deno.serve(handler)
const handler = withRequestContext(
  async (request, ctx) => {
    seen.push(ctx);
    const budget = Math.round((ctx.deadline()!.getTime() - Date.now()) / 100) * 100;
    if (new URL(request.url).pathname === '/report') {
      await sleep(ctx, 5_000); // a slow report: rejects as soon as ctx ends
    }
    return Response.json({ id: requestId(ctx), budgetMs: budget });
  },
  { maxTimeoutMs: 2_000 },
);

function describe(ctx: Context): string {
  const why = cause(ctx);
  return `${String(ctx.err())}; cause: ${isClientDisconnected(why) ? (why as Error).message : String(why)}`;
}

// 1. A client with its own budget of 500 ms and a valid id.
const r1 = await handler(new Request('https://app.example/hello', { headers: { 'x-request-id': 'r-1', 'connect-timeout-ms': '500' } }));
console.log('1.', r1.status, await r1.text(), '| echoed:', r1.headers.get('x-request-id'));
console.log('   context after the response:', describe(seen[0]!));

// 2. A client asking for more than the server allows, with an invalid id.
const r2 = await handler(new Request('https://app.example/hello', { headers: { 'x-request-id': 'a b', 'connect-timeout-ms': '99999' } }));
const body2 = (await r2.json()) as { id: string; budgetMs: number };
console.log('2. budget clamped to', body2.budgetMs, 'ms | id replaced:', body2.id !== 'a b', '| echoed the new one:', r2.headers.get('x-request-id') === body2.id);

// 3. The client goes away while the slow report runs.
const client = new AbortController();
const pending = handler(new Request('https://app.example/report', { signal: client.signal })).catch((err: unknown) => err);
await sleep(background(), 10); // the report is under way
client.abort();
console.log('3. handler rejected with:', String(await pending));
console.log('   context:', describe(seen[2]!));

// Output:
// 1. 200 {"id":"r-1","budgetMs":500} | echoed: r-1
//    context after the response: AbortError: context canceled; cause: AbortError: context canceled
// 2. budget clamped to 2000 ms | id replaced: true | echoed the new one: true
// 3. handler rejected with: AbortError: context canceled
//    context: AbortError: context canceled; cause: client disconnected before the response was sent
