/**
 * ctxkit/sync benchmarks, each against a same-run reference:
 *
 * - Group overhead per task against Promise.all of the same async functions
 *   (goal: within 1.5x);
 * - Group with setLimit(8) against p-limit(8) (goal: faster);
 * - Semaphore and Mutex uncontended acquire+release (goal: under 100 ns),
 *   against a plain counter returning a shared resolved promise (the floor
 *   of any promise-returning acquire);
 * - for information, the contended Mutex hand-off against p-limit(1).
 *
 * Batched: one tinybench iteration runs a whole batch (1,000 tasks, or
 * 10,000 acquire/release pairs) and the figures are per task / per pair,
 * so tinybench's own per-iteration cost does not swamp nanosecond results.
 *
 * Part of `npm run bench`; alone: npm run build && node --import tsx bench/sync.ts
 */
import type * as CtxkitSync from 'ctxkit/sync';
import { Bench } from 'tinybench';
import pLimit from 'p-limit';
import { ck } from './ctxkit.js';
import { type Row, printTable } from './table.js';

// The built package, as bench/ctxkit.ts loads the core: tsx would resolve
// 'ctxkit/sync' to the sources. dist/sync and dist/index share one chunk,
// so these are the same contexts the core makes.
const { Group, Mutex, Semaphore, run } = (await import(
  new URL('../packages/ctxkit/dist/sync/index.js', import.meta.url).href
)) as typeof CtxkitSync;
const { background, withCancel } = ck;

const TASKS = 1_000;
const PAIRS = 10_000;

/** Median ns of one iteration (one batch) of each named case. */
async function measure(time: number, cases: Record<string, () => unknown>): Promise<Record<string, number>> {
  const bench = new Bench({ time, warmupTime: Math.min(250, time / 2), iterations: 20, warmupIterations: 10 });
  for (const [name, fn] of Object.entries(cases)) bench.add(name, fn as () => Promise<void>);
  await bench.run();
  const out: Record<string, number> = {};
  for (const t of bench.tasks) {
    const r = t.result;
    const p50 = r?.latency.p50;
    if (r === undefined || r.error !== undefined || p50 === undefined) {
      throw new Error(`benchmark "${t.name}" failed: ${String(r?.error ?? 'no result')}`);
    }
    out[t.name] = p50 * 1e6; // ms -> ns
  }
  return out;
}

/** The ctxkit/sync suite of `npm run bench`. */
export async function syncBench(time = 500): Promise<Row[]> {
  const fns = Array.from({ length: TASKS }, () => async (): Promise<void> => {});
  const ctxFns = Array.from({ length: TASKS }, () => async (_ctx: unknown): Promise<void> => {});

  // 1 & 2: fan-out of 1,000 async functions.
  const fan = await measure(time, {
    'Promise.all': async () => {
      await Promise.all(fns.map((f) => f()));
    },
    'Group.go + wait': async () => {
      const g = new Group();
      for (let i = 0; i < TASKS; i++) void g.go(fns[i]!);
      await g.wait();
    },
    'Group.withContext + go + wait': async () => {
      const [g] = Group.withContext(background());
      for (let i = 0; i < TASKS; i++) void g.go(ctxFns[i]!);
      await g.wait();
    },
    'run(ctx, ...fns)': async () => {
      await run(background(), ...ctxFns);
    },
    'p-limit(8)': async () => {
      const limit = pLimit(8);
      await Promise.all(fns.map((f) => limit(f)));
    },
    'Group setLimit(8)': async () => {
      const g = new Group();
      g.setLimit(8);
      for (let i = 0; i < TASKS; i++) void g.go(fns[i]!);
      await g.wait();
    },
    'p-limit(1)': async () => {
      const limit = pLimit(1);
      await Promise.all(fns.map((f) => limit(f)));
    },
    'Mutex, 1,000 queued lockers': async () => {
      const mu = new Mutex();
      mu.tryLock();
      const all: Array<Promise<void>> = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) {
        all[i] = mu.lock(background()).then(async () => {
          await fns[i]!();
          mu.unlock();
        });
      }
      mu.unlock();
      await Promise.all(all);
    },
  });

  // 3: uncontended acquire + release on a live, cancellable context.
  const [ctx, cancel] = withCancel(background());
  const sem = new Semaphore(1);
  const mu = new Mutex();
  const RESOLVED = Promise.resolve();
  let held = 0;
  // The floor: a counter that hands out a shared resolved promise.
  const refAcquire = (): Promise<void> => {
    if (held >= 1) throw new Error('contended');
    held++;
    return RESOLVED;
  };
  const refRelease = (): void => {
    held--;
  };
  const pairs = await measure(time, {
    'reference: counter + resolved promise': () => {
      for (let i = 0; i < PAIRS; i++) {
        void refAcquire();
        refRelease();
      }
    },
    'Semaphore acquire + release': () => {
      for (let i = 0; i < PAIRS; i++) {
        void sem.acquire(ctx);
        sem.release();
      }
    },
    'Mutex lock + unlock': () => {
      for (let i = 0; i < PAIRS; i++) {
        void mu.lock(ctx);
        mu.unlock();
      }
    },
    'reference: await resolved promise': async () => {
      for (let i = 0; i < PAIRS; i++) {
        await refAcquire();
        refRelease();
      }
    },
    'await Semaphore acquire + release': async () => {
      for (let i = 0; i < PAIRS; i++) {
        await sem.acquire(ctx);
        sem.release();
      }
    },
    'await Mutex lock + unlock': async () => {
      for (let i = 0; i < PAIRS; i++) {
        await mu.lock(ctx);
        mu.unlock();
      }
    },
  });
  cancel();

  const perTask = (k: string): number => fan[k]! / TASKS;
  const perPair = (k: string): number => pairs[k]! / PAIRS;
  const rows: Row[] = [];
  // ratio = reference / ctxkit ("x faster"); within 1.5x means ratio >= 1/1.5.
  const vsAll = (name: string, operation: string) => {
    const value = perTask(name);
    const ref = perTask('Promise.all');
    rows.push({
      operation,
      value,
      unit: 'ns/task',
      reference: { name: 'Promise.all (same fns)', value: ref },
      goal: 'within 1.5x of Promise.all',
      pass: value <= 1.5 * ref,
    });
  };
  vsAll('Group.go + wait', 'sync: Group go + wait, 1,000 async fns');
  vsAll('Group.withContext + go + wait', 'sync: Group.withContext go + wait, 1,000 fns');
  vsAll('run(ctx, ...fns)', 'sync: run(ctx, ...1,000 fns)');
  {
    const value = perTask('Group setLimit(8)');
    const ref = perTask('p-limit(8)');
    rows.push({
      operation: 'sync: Group setLimit(8), 1,000 async fns',
      value,
      unit: 'ns/task',
      reference: { name: 'p-limit(8)', value: ref },
      goal: 'faster than p-limit(8)',
      pass: value < ref,
    });
  }
  rows.push({
    operation: 'sync: Mutex contended hand-off, 1,000 lockers',
    value: perTask('Mutex, 1,000 queued lockers'),
    unit: 'ns/task',
    reference: { name: 'p-limit(1)', value: perTask('p-limit(1)') },
  });
  for (const [name, operation] of [
    ['Semaphore acquire + release', 'sync: Semaphore acquire + release (uncontended)'],
    ['Mutex lock + unlock', 'sync: Mutex lock + unlock (uncontended)'],
  ] as const) {
    const value = perPair(name);
    rows.push({
      operation,
      value,
      unit: 'ns/op',
      reference: { name: 'counter + shared resolved promise', value: perPair('reference: counter + resolved promise') },
      goal: '< 100 ns',
      pass: value < 100,
    });
  }
  for (const [name, operation] of [
    ['await Semaphore acquire + release', 'sync: await Semaphore acquire + release'],
    ['await Mutex lock + unlock', 'sync: await Mutex lock + unlock'],
  ] as const) {
    rows.push({
      operation,
      value: perPair(name),
      unit: 'ns/op',
      reference: { name: 'await counter + resolved promise', value: perPair('reference: await resolved promise') },
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await syncBench());
}
