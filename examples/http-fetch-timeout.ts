/**
 * A fetch with a hard timeout, with ctxkit/http's `fetchWithContext`
 * (Go's FetchWithTimeout with `http.NewRequestWithContext`).
 *
 * `withTimeout` gives the call a context that is cancelled with
 * `DeadlineExceeded` when the budget runs out. `fetchWithContext` sends the
 * request on that context: the remaining budget goes out as
 * `connect-timeout-ms` (so the server can stop in time too) and the
 * request id as `x-request-id`; when the deadline passes the request is
 * aborted, its connection closed, and the call rejects with
 * `DeadlineExceeded` itself, so `isDeadlineExceeded(err)` holds. `cancel()`
 * runs in `finally`, on success too: nothing outlives the call.
 *
 * The slow endpoint is a real node:http server on 127.0.0.1 that takes one
 * second; the budget is 100 ms.
 *
 * Run: npm run build && npx tsx examples/http-fetch-timeout.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Context, DeadlineExceeded, background, isDeadlineExceeded, withTimeout } from 'ctxkit';
import { fetchWithContext, withRequestId } from 'ctxkit/http';

async function fetchWithTimeout(parent: Context, url: string, timeoutMs: number): Promise<string> {
  const [ctx, cancel] = withTimeout(parent, timeoutMs);
  try {
    const res = await fetchWithContext(ctx, url);
    return await res.text(); // reading the body is bounded by ctx too
  } catch (err) {
    // Keep the original as the cause (Go's %w): callers branch on it.
    throw new Error(`GET ${new URL(url).pathname}: ${String(err)}`, { cause: err });
  } finally {
    cancel();
  }
}

// --- a local server: /fast answers at once, /slow after one second ----------
let clientLeft!: () => void;
const clientLeftEarly = new Promise<void>((r) => (clientLeft = r));

const server = createServer((req, res) => {
  const budget = Number(req.headers['connect-timeout-ms']);
  const bucket = budget > 9_000 ? 'about 10 s' : budget <= 100 ? 'at most 100 ms' : String(budget);
  console.log(`  server: ${req.url} id=${req.headers['x-request-id']} budget ${bucket}`);
  if (req.url === '/fast') {
    res.end('hello from /fast');
    return;
  }
  const timer = setTimeout(() => res.end('too late'), 1_000);
  // 'close' on the response before it finished: the client went away.
  res.on('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) clientLeft();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const ctx = withRequestId(background(), 'req-42');

// 1. Within budget.
console.log('fast:', await fetchWithTimeout(ctx, `${base}/fast`, 10_000));

// 2. Over budget: aborted after 100 ms.
const started = performance.now();
try {
  await fetchWithTimeout(ctx, `${base}/slow`, 100);
  console.log('slow: unexpectedly succeeded');
} catch (err) {
  const e = err as Error;
  console.log('slow:', e.message);
  console.log('  isDeadlineExceeded(err):', isDeadlineExceeded(err));
  console.log('  err.cause === DeadlineExceeded:', e.cause === DeadlineExceeded);
  console.log('  gave up well before the server would answer:', performance.now() - started < 900);
}

// The abort really closed the connection: the server saw the client leave.
await clientLeftEarly;
console.log('server: the client closed the connection before the response');

server.closeAllConnections();
await new Promise<void>((r) => server.close(() => r()));
console.log('server closed');

// Output:
//   server: /fast id=req-42 budget about 10 s
// fast: hello from /fast
//   server: /slow id=req-42 budget at most 100 ms
// slow: GET /slow: TimeoutError: context deadline exceeded
//   isDeadlineExceeded(err): true
//   err.cause === DeadlineExceeded: true
//   gave up well before the server would answer: true
// server: the client closed the connection before the response
// server closed
