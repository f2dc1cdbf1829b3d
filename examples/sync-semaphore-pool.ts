/**
 * A worker pool bounded by a weighted semaphore (x/sync's semaphore
 * example, Example_workerPool).
 *
 * Each task takes one unit of the semaphore before it starts and gives it
 * back when done, so at most MAX_WORKERS run at once. To wait for the last
 * ones, the main task acquires the WHOLE semaphore: that only succeeds once
 * every worker has released (and, thanks to FIFO fairness, no new worker
 * can slip in ahead of it). The computation is the number of Collatz steps
 * of 1..32.
 *
 * A second part shows the semaphore as a read/write lock: readers take 1,
 * a writer takes everything, and a writer waiting at the head of the queue
 * holds back readers that arrive after it, so writers are never starved.
 *
 * Run: npm run build && npx tsx examples/sync-semaphore-pool.ts
 */
import { background, isDeadlineExceeded, sleep, withTimeout } from 'ctxkit';
import { Semaphore } from 'ctxkit/sync';

const ctx = background();

// Part 1: the worker pool.
{
  const MAX_WORKERS = 4;
  const sem = new Semaphore(MAX_WORKERS);
  const out: number[] = new Array(32).fill(0);
  let running = 0;
  let peak = 0;

  const collatzSteps = async (n: number): Promise<number> => {
    let steps = 0;
    for (; n > 1; steps++) {
      if (steps % 8 === 0) await sleep(ctx, 1); // a bit of I/O now and then
      n = n % 2 === 0 ? n / 2 : 3 * n + 1;
    }
    return steps;
  };

  for (let i = 0; i < out.length; i++) {
    // When MAX_WORKERS are running, this waits for one to release.
    await sem.acquire(ctx, 1);
    running++;
    peak = Math.max(peak, running);
    void (async () => {
      try {
        out[i] = await collatzSteps(i + 1);
      } finally {
        running--;
        sem.release(1);
      }
    })();
  }
  // Acquire all of the tokens to wait for any remaining workers to finish.
  await sem.acquire(ctx, MAX_WORKERS);
  sem.release(MAX_WORKERS);

  console.log(out.slice(0, 16).join(' '));
  console.log(out.slice(16).join(' '));
  console.log(`at most ${MAX_WORKERS} workers at once:`, peak <= MAX_WORKERS);
}

// Part 2: readers and a writer.
{
  const READERS = 3;
  const rw = new Semaphore(READERS);
  const events: string[] = [];
  const read = async (name: string, ms: number) => {
    await rw.acquire(ctx, 1);
    events.push(`${name} reads`);
    await sleep(ctx, ms);
    rw.release(1);
  };
  const write = async (name: string) => {
    await rw.acquire(ctx, READERS); // everything: no reader at the same time
    events.push(`${name} writes`);
    await sleep(ctx, 10);
    rw.release(READERS);
  };
  const first = [read('r1', 40), read('r2', 40)];
  await sleep(ctx, 5);
  const w = write('w1'); // waits for r1 and r2
  await sleep(ctx, 5);
  const late = read('r3', 10); // room for one more reader, but it queues behind w1
  await Promise.all([...first, w, late]);
  console.log(events.join(', '));

  // A writer that cannot wait forever gives up with the context's error,
  // holding nothing.
  await rw.acquire(ctx, 1);
  const [budget, cancel] = withTimeout(ctx, 20);
  try {
    await rw.acquire(budget, READERS);
  } catch (err) {
    console.log('impatient writer:', isDeadlineExceeded(err) ? 'deadline exceeded' : String(err));
  } finally {
    cancel();
  }
  rw.release(1);
  console.log('all tokens free again:', rw.tryAcquire(READERS));
}

// Output:
// 0 1 7 2 5 8 16 3 19 6 14 9 9 17 17 4
// 12 20 20 7 7 15 15 10 23 10 111 18 18 18 106 5
// at most 4 workers at once: true
// r1 reads, r2 reads, w1 writes, r3 reads
// impatient writer: deadline exceeded
// all tokens free again: true
