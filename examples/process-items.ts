/**
 * A loop that respects cancellation (Go's check of ctx.Done() between items).
 *
 * Each item costs 50 ms of simulated work. The loop checks the context
 * before every item and waits with `sleep(ctx, ms)`, so a cancellation is
 * noticed at once, not after the current item. On cancellation it rejects
 * with `ctx.err()` itself — not a custom error — so callers can tell
 * `Canceled` (the caller gave up) from `DeadlineExceeded` (time ran out).
 *
 * Run: npm run build && npx tsx examples/process-items.ts
 */
import { Canceled, type Context, DeadlineExceeded, background, isCanceled, withCancel, withTimeout, sleep } from 'ctxkit';

const ITEM_COST_MS = 50;

async function processItems(ctx: Context, items: readonly string[], onItem?: (done: number) => void): Promise<string[]> {
  const out: string[] = [];
  for (const it of items) {
    // Check before the work: nobody waits for work started after a cancel.
    const err = ctx.err();
    if (err !== undefined) throw err;
    // The work itself is cancellable: sleep rejects with ctx.err() the
    // moment ctx is cancelled (Go: select on ctx.Done() and time.After).
    await sleep(ctx, ITEM_COST_MS);
    out.push(`processed:${it}`);
    onItem?.(out.length);
  }
  return out;
}

const items = ['a', 'b', 'c', 'd', 'e'];

// 1. Nobody cancels: every item is processed.
console.log('no cancellation:', (await processItems(background(), items.slice(0, 3))).join(' '));

// 2. The caller gives up after two items (here: as soon as it has seen two).
{
  const [ctx, cancel] = withCancel(background());
  try {
    await processItems(ctx, items, (n) => {
      if (n === 2) cancel();
    });
  } catch (err) {
    console.log('caller cancelled after 2 items:', String(err));
    console.log('  err is ctx.err():', err === ctx.err(), '| err === Canceled:', err === Canceled, '| isCanceled:', isCanceled(err));
  } finally {
    cancel();
  }
}

// 3. A 20 ms budget for 50 ms items: the deadline passes during the first item.
{
  const [ctx, cancel] = withTimeout(background(), 20);
  let processed = 0;
  try {
    await processItems(ctx, items, (n) => (processed = n));
  } catch (err) {
    console.log(`deadline after ${processed} items:`, String(err));
    console.log('  err === DeadlineExceeded:', err === DeadlineExceeded, '| err.name:', (err as Error).name);
  } finally {
    cancel(); // releases the timer even on the success path
  }
}

// Output:
// no cancellation: processed:a processed:b processed:c
// caller cancelled after 2 items: AbortError: context canceled
//   err is ctx.err(): true | err === Canceled: true | isCanceled: true
// deadline after 0 items: TimeoutError: context deadline exceeded
//   err === DeadlineExceeded: true | err.name: TimeoutError
