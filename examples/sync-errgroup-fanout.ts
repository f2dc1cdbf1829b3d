/**
 * Fan-out with first-error cancellation (x/sync errgroup).
 *
 * A request fans out to three backends with `Group.withContext`. Each task
 * gets the group's context and honours it (here through `sleep(ctx, ...)`,
 * in real code by passing `ctx.signal` to fetch or a driver). When the
 * inventory backend fails at ~60 ms, the group context is cancelled with
 * that error as its cause, so the slow search backend stops at once instead
 * of running its full 2 s, and `wait()` rejects with the inventory error as
 * soon as every task has settled: around 60 ms, not 2 s.
 *
 * Run: npm run build && npx tsx examples/sync-errgroup-fanout.ts
 */
import { type Context, background, cause, isCanceled, sleep } from 'ctxkit';
import { Group } from 'ctxkit/sync';

class BackendError extends Error {
  override name = 'BackendError';
}

async function pricing(ctx: Context): Promise<string> {
  await sleep(ctx, 20);
  return 'price: 9.99';
}

async function inventory(ctx: Context): Promise<string> {
  await sleep(ctx, 60);
  throw new BackendError('inventory: warehouse API returned 503');
}

async function search(ctx: Context): Promise<string> {
  await sleep(ctx, 2000); // the slowest sibling: cancelled long before this
  return 'related: 12 items';
}

const started = Date.now();
const [g, gctx] = Group.withContext(background());
const results: string[] = [];

for (const [name, backend] of [
  ['pricing', pricing],
  ['inventory', inventory],
  ['search', search],
] as const) {
  void g.go(async (ctx) => {
    try {
      results.push(await backend(ctx));
      console.log(`${name}: ok`);
    } catch (err) {
      // A sibling's failure reaches us as ctx.err() === Canceled.
      console.log(`${name}: ${isCanceled(err) ? 'stopped (context canceled)' : `failed (${(err as Error).message})`}`);
      throw err;
    }
  });
}

try {
  await g.wait();
  console.log('all backends answered:', results.join(', '));
} catch (err) {
  const elapsed = Date.now() - started;
  console.log('wait rejected with:', String(err));
  console.log('cause(gctx) is that error:', cause(gctx) === err);
  console.log('group context cancelled:', gctx.err() !== undefined);
  console.log('settled long before the 2 s sibling:', elapsed < 1000);
  console.log('partial results:', results.join(', '));
}

// Output:
// pricing: ok
// inventory: failed (inventory: warehouse API returned 503)
// search: stopped (context canceled)
// wait rejected with: BackendError: inventory: warehouse API returned 503
// cause(gctx) is that error: true
// group context cancelled: true
// settled long before the 2 s sibling: true
// partial results: price: 9.99
