/**
 * Structured concurrency with `run(ctx, ...fns)`.
 *
 * `run` starts every fn on one context derived from `ctx` and returns only
 * when all of them have returned. Its four guarantees, one per section:
 *
 * 1. every fn receives the same derived context (same values, same deadline);
 * 2. the first error cancels the siblings, and `run` rejects with it;
 * 3. `run` settles only after every fn has settled, and the derived context
 *    is cancelled by then: nothing started inside can keep using it;
 * 4. on an already-cancelled `ctx`, `run` rejects with `ctx.err()` without
 *    calling anything.
 *
 * Run: npm run build && npx tsx examples/sync-structured-run.ts
 */
import { type Context, background, cause, createKey, sleep, withCancel, withValue } from 'ctxkit';
import { run } from 'ctxkit/sync';

const requestId = createKey<string>('requestId');
const base = withValue(background(), requestId, 'req-42');

// 1. One derived context for all.
{
  const seen: Context[] = [];
  await run(
    base,
    async (ctx) => {
      seen.push(ctx);
      console.log('loadUser sees request', ctx.value(requestId));
    },
    async (ctx) => {
      seen.push(ctx);
      console.log('loadOrders sees request', ctx.value(requestId));
    },
  );
  console.log('1. same context for both:', seen[0] === seen[1], '| derived, not the parent:', seen[0] !== base);
}

// 2. The first error cancels the siblings.
{
  const started = Date.now();
  const failure = new Error('quota service unavailable');
  let sibling: Context | undefined;
  try {
    await run(
      base,
      async (ctx) => {
        await sleep(ctx, 10);
        throw failure;
      },
      async (ctx) => {
        sibling = ctx;
        await sleep(ctx, 5000); // honours ctx: stops when the first fn fails
      },
    );
  } catch (err) {
    console.log('2. run rejected with:', (err as Error).message);
    console.log('   sibling stopped early:', Date.now() - started < 1000, '| cause is the failure:', cause(sibling!) === failure);
  }
}

// 3. Nothing outlives run: it waits for stragglers, and their context ends with it.
{
  let leaked: Context | undefined;
  let stragglerFinished = false;
  await run(base, async (ctx) => {
    leaked = ctx; // e.g. captured by a callback or a background loop
    await new Promise((resolve) => setTimeout(resolve, 30)); // ignores ctx
    stragglerFinished = true;
  });
  console.log('3. straggler finished before run returned:', stragglerFinished);
  console.log('   captured context cancelled once run returned:', leaked!.err() !== undefined);
}

// 4. A cancelled context: nothing is called.
{
  const [ctx, cancel] = withCancel(base);
  cancel();
  let calls = 0;
  try {
    await run(ctx, async () => {
      calls++;
    });
  } catch (err) {
    console.log('4. rejected with ctx.err():', err === ctx.err(), `(${String(err)}) | fns called: ${calls}`);
  }
}

// Output:
// loadUser sees request req-42
// loadOrders sees request req-42
// 1. same context for both: true | derived, not the parent: true
// 2. run rejected with: quota service unavailable
//    sibling stopped early: true | cause is the failure: true
// 3. straggler finished before run returned: true
//    captured context cancelled once run returned: true
// 4. rejected with ctx.err(): true (AbortError: context canceled) | fns called: 0
