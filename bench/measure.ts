/**
 * Timing and memory helpers shared by the bench modules.
 */
import { Bench } from 'tinybench';

/** A timed operation: `fn` performs it `batch` times per call. */
export interface Op {
  name: string;
  batch: number;
  fn: () => void;
}

/** Keeps results observable so the optimiser cannot drop the work. */
export let sink: unknown;
export function consume(v: unknown): void {
  sink = v;
}

/**
 * Median ns per operation for each op, measured with tinybench (the median,
 * robust against other processes on a shared host).
 * Each sample runs a batch of operations so that reading the clock (tens of
 * ns on this VM) does not swamp operations that take a few ns.
 */
export async function nsPerOp(ops: readonly Op[], timeMs = 400): Promise<Map<string, number>> {
  const bench = new Bench({ time: timeMs, warmupTime: 100, iterations: 20, warmupIterations: 10 });
  for (const op of ops) bench.add(op.name, op.fn);
  await bench.run();
  const out = new Map<string, number>();
  for (const op of ops) {
    const t = bench.getTask(op.name);
    const r = t?.result;
    const p50 = r?.latency.p50;
    if (r === undefined || r.error !== undefined || p50 === undefined) {
      throw new Error(`benchmark "${op.name}" failed: ${String(r?.error ?? 'no result')}`);
    }
    out.set(op.name, (p50 * 1e6) / op.batch);
  }
  return out;
}

const gcFn = (globalThis as { gc?: () => void }).gc;

/** heapUsed after a full collection (run node with --expose-gc). */
export function heapUsed(): number {
  if (gcFn === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed;
}

/** Median of a few timed runs of `run`, in ms; `setup` is not timed. */
export function medianMs<S>(reps: number, setup: () => S, run: (s: S) => void): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = setup();
    const t0 = performance.now();
    run(s);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}
