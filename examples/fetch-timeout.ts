/**
 * A fetch with a hard timeout (Go's WithTimeout around an HTTP request).
 *
 * `withTimeout` gives the request a context that is cancelled with
 * `DeadlineExceeded` when the budget runs out; `ctx.signal` hands that to
 * `fetch`, which aborts the request and closes its connection. `cancel()`
 * runs in `finally`, on the success path too, so the timer never outlives
 * the call. The error is wrapped with `{ cause }` (Go's `%w`) and callers
 * still recognise it with `isDeadlineExceeded`.
 *
 * The slow endpoint is a real node:http server on 127.0.0.1 that waits 1 s
 * before answering; the budget is 100 ms.
 *
 * Run: npm run build && npx tsx examples/fetch-timeout.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeadlineExceeded, background, isDeadlineExceeded, withTimeout } from 'ctxkit';

async function fetchWithTimeout(url: string, timeoutMs: number): Promise<string> {
  const [ctx, cancel] = withTimeout(background(), timeoutMs);
  try {
    const res = await fetch(url, { signal: ctx.signal });
    return await res.text(); // the body read is bounded by the same signal
  } catch (err) {
    // Keep the original error as the cause: callers branch on it.
    throw new Error(`GET ${new URL(url).pathname}: ${String(err)}`, { cause: err });
  } finally {
    cancel();
  }
}

// --- a local server: /fast answers at once, /slow after one second ---------
let clientLeft!: () => void;
const clientLeftEarly = new Promise<void>((r) => (clientLeft = r));

const server = createServer((req, res) => {
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

// 1. Within budget.
console.log('fast:', await fetchWithTimeout(`${base}/fast`, 10_000));

// 2. Over budget: the request is aborted after 100 ms.
try {
  await fetchWithTimeout(`${base}/slow`, 100);
  console.log('slow: unexpectedly succeeded');
} catch (err) {
  const e = err as Error;
  console.log('slow:', e.message);
  console.log('  isDeadlineExceeded(err):', isDeadlineExceeded(err));
  console.log('  err.cause === DeadlineExceeded:', e.cause === DeadlineExceeded, '| cause name:', (e.cause as Error).name);
}

// The abort really closed the connection: the server saw the client leave.
await clientLeftEarly;
console.log('server: client closed the connection before the response');

server.closeAllConnections();
await new Promise<void>((r) => server.close(() => r()));
console.log('server closed');

// Output:
// fast: hello from /fast
// slow: GET /slow: TimeoutError: context deadline exceeded
//   isDeadlineExceeded(err): true
//   err.cause === DeadlineExceeded: true | cause name: TimeoutError
// server: client closed the connection before the response
// server closed
