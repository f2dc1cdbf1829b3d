/**
 * Fire-and-forget audit logging (Go's WithoutCancel).
 *
 * The audit line is shipped to a slow sink after the handler has returned,
 * so the request's context is already cancelled by then. `withoutCancel`
 * detaches from that cancellation but keeps the request's values (request
 * id, tenant) so the audit line still correlates; `withTimeout` below it
 * gives the detached work its own ceiling, so a stuck sink cannot hold
 * anything forever.
 *
 * Run: npm run build && npx tsx examples/audit-log.ts
 */
import { type Context, background, cause, createKey, sleep, withCancel, withTimeout, withValue, withoutCancel } from 'ctxkit';

const requestIdKey = createKey<string>('requestId');

/** Audits in flight, so the process can drain them at shutdown. */
const inflight = new Set<Promise<void>>();

/** Ships one audit line to a sink taking `sinkMs`; never throws, never blocks the caller. */
function logAfterRequest(reqCtx: Context, payload: string, sinkMs: number, budgetMs = 500): void {
  const detached = withoutCancel(reqCtx);
  const [ctx, cancel] = withTimeout(detached, budgetMs);
  const p = sendToSink(ctx, payload, sinkMs)
    .catch((err: unknown) => console.log(`  audit dropped (${ctx.value(requestIdKey)}): ${String(err)}`))
    .finally(() => {
      cancel();
      inflight.delete(p);
    });
  inflight.add(p);
}

async function sendToSink(ctx: Context, payload: string, sinkMs: number): Promise<void> {
  await sleep(ctx, sinkMs); // the slow upstream
  console.log(`  audit shipped (${ctx.value(requestIdKey)}): ${payload}`);
}

/** A request: its context ends the moment the handler returns. */
function handleRequest(id: string, sinkMs: number): Context {
  const [reqCtx, endRequest] = withCancel(withValue(background(), requestIdKey, id));
  try {
    logAfterRequest(reqCtx, `user 7 deleted document 42`, sinkMs);
    console.log(`  handler ${id} returned`);
  } finally {
    endRequest(); // response written: the request context is cancelled
  }
  return reqCtx;
}

console.log('request r-1 with a 100 ms sink:');
const req = handleRequest('r-1', 100);
console.log(`  request context: err=${String(req.err())}`);
const detached = withoutCancel(req);
console.log(`  a detached copy: err=${String(detached.err())}, cause=${String(cause(detached))}, requestId=${detached.value(requestIdKey)}`);
console.log(`  described as ${String(detached)}`);
await Promise.all(inflight);

console.log('request r-2 with a stuck sink (10 s) and a 50 ms audit budget:');
{
  const [reqCtx, endRequest] = withCancel(withValue(background(), requestIdKey, 'r-2'));
  logAfterRequest(reqCtx, 'user 7 exported everything', 10_000, 50);
  endRequest();
}
await Promise.all(inflight);
console.log('drained; audits in flight:', inflight.size);

// Output:
// request r-1 with a 100 ms sink:
//   handler r-1 returned
//   request context: err=AbortError: context canceled
//   a detached copy: err=undefined, cause=undefined, requestId=r-1
//   described as context.Background.WithValue(requestId, r-1).WithCancel.WithoutCancel
//   audit shipped (r-1): user 7 deleted document 42
// request r-2 with a stuck sink (10 s) and a 50 ms audit budget:
//   audit dropped (r-2): TimeoutError: context deadline exceeded
// drained; audits in flight: 0
