/**
 * Fire-and-forget audit logging after the response (Go's LogAfterRequest
 * with context.WithoutCancel), in a real node:http server with ctxkit/node.
 *
 * The request context ends the moment the response has been sent (cause
 * `Canceled`: finished, not a disconnect), so work that outlives the
 * response must not run on it. `withoutCancel(ctx)` detaches from that
 * cancellation but keeps the request's values, so the audit line still
 * carries the request id; `withTimeout` below it gives the detached work its
 * own ceiling, so a stuck sink cannot hold anything forever. In-flight
 * audits are tracked so the server can drain them at shutdown.
 *
 * Run: npm run build && npx tsx examples/node-audit-log.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Context, cause, done, sleep, withTimeout, withoutCancel } from 'ctxkit';
import { isClientDisconnected, requestId, withRequestContext } from 'ctxkit/node';

/** Audits in flight, so shutdown can wait for them. */
const inflight = new Set<Promise<void>>();

/** Ships an audit line to a sink taking `sinkMs`; never throws, never delays the response. */
function logAfterRequest(reqCtx: Context, payload: string, sinkMs: number, budgetMs = 500): void {
  const [ctx, cancel] = withTimeout(withoutCancel(reqCtx), budgetMs);
  const p = sleep(ctx, sinkMs) // the slow upstream sink
    .then(() => console.log(`  audit shipped (${requestId(ctx)}): ${payload}`))
    .catch((err: unknown) => console.log(`  audit dropped (${requestId(ctx)}): ${String(err)}`))
    .finally(() => {
      cancel();
      inflight.delete(p);
    });
  inflight.add(p);
}

/** How each request context ended, as the handler observed it. */
const requestEnded: Promise<string>[] = [];
const server = createServer(
  withRequestContext((req, res, ctx) => {
    const sinkMs = req.url === '/stuck' ? 10_000 : 300;
    logAfterRequest(ctx, `user 7 deleted document 42 via ${req.url}`, sinkMs, req.url === '/stuck' ? 200 : 500);
    res.end('deleted');
    requestEnded.push(
      done(ctx).then(() => {
        const why = cause(ctx);
        return `  request ${requestId(ctx)} ended: ${String(why)}${isClientDisconnected(why) ? ' (client left)' : ''}`;
      }),
    );
  }),
);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

console.log('DELETE /doc/42 with a 300 ms sink:');
const res = await fetch(`${base}/doc/42`, { method: 'DELETE', headers: { 'x-request-id': 'r-1' } });
console.log(`  client got: ${res.status} ${await res.text()}`);
console.log(await requestEnded[0]);
await Promise.all(inflight);

console.log('DELETE /stuck with a stuck sink and a 200 ms audit budget:');
const res2 = await fetch(`${base}/stuck`, { method: 'DELETE', headers: { 'x-request-id': 'r-2' } });
console.log(`  client got: ${res2.status} ${await res2.text()}`);
console.log(await requestEnded[1]);
await Promise.all(inflight);
console.log('drained; audits in flight:', inflight.size);

server.closeAllConnections();
await new Promise<void>((r) => server.close(() => r()));

// Output:
// DELETE /doc/42 with a 300 ms sink:
//   client got: 200 deleted
//   request r-1 ended: AbortError: context canceled
//   audit shipped (r-1): user 7 deleted document 42 via /doc/42
// DELETE /stuck with a stuck sink and a 200 ms audit budget:
//   client got: 200 deleted
//   request r-2 ended: AbortError: context canceled
//   audit dropped (r-2): TimeoutError: context deadline exceeded
// drained; audits in flight: 0
