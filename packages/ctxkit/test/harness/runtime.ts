/**
 * What the core and sync tests need from the runtime that runs them (Node,
 * Bun, Deno or a browser), behind one small surface: which runtime it is, a
 * heap reading after full collections, a macrotask turn, and exclusive
 * capture of unhandled promise rejections. The tests themselves stay the
 * same files on every runtime.
 */

export type Runtime = 'node' | 'bun' | 'deno' | 'browser';

const g = globalThis as {
  Bun?: unknown;
  Deno?: unknown;
  document?: unknown;
  gc?: () => void;
  setImmediate?: (f: () => void) => unknown;
  process?: { memoryUsage?: () => { heapUsed: number } };
  performance?: { memory?: { usedJSHeapSize: number } };
};

/** The runtime running this test file. */
export const runtime: Runtime =
  g.Bun !== undefined ? 'bun' : g.Deno !== undefined ? 'deno' : g.document !== undefined ? 'browser' : 'node';

export const isNode = runtime === 'node';
export const isBrowser = runtime === 'browser';

/**
 * True where {@link heapUsed} works: `gc()` is exposed (Node and Bun with
 * --expose-gc, Deno with --v8-flags=--expose-gc, Chromium with
 * --js-flags=--expose-gc) and the heap size can be read.
 */
export const canMeasureHeap =
  typeof g.gc === 'function' &&
  (typeof g.process?.memoryUsage === 'function' || typeof g.performance?.memory?.usedJSHeapSize === 'number');

/** Bytes of heap in use after two full collections. */
export function heapUsed(): number {
  g.gc!();
  g.gc!();
  if (typeof g.process?.memoryUsage === 'function') return g.process.memoryUsage().heapUsed;
  // Chromium: exact only with --enable-precise-memory-info (vitest.browser.config.ts).
  return g.performance!.memory!.usedJSHeapSize;
}

/**
 * Resolves after one macrotask turn, so every pending promise reaction (and
 * the ones they queue) has run: setImmediate where it exists, else a
 * MessageChannel message (browsers). Neither is faked by the tests' clocks.
 */
export function macrotask(): Promise<void> {
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(undefined);
  });
}

type NodeProcess = {
  listeners(event: string): Array<(...args: any[]) => void>;
  removeAllListeners(event: string): unknown;
  on(event: string, l: (...args: any[]) => void): unknown;
  off(event: string, l: (...args: any[]) => void): unknown;
};

/**
 * Routes every unhandled promise rejection to `onReason` alone until the
 * returned function is called, so that a rejection a test provokes on
 * purpose does not fail the run by itself (the test asserts on it).
 * Node, Bun and Deno: the process's 'unhandledRejection' listeners (the test
 * runner's included) are set aside and restored. Browsers: an
 * 'unhandledrejection' listener on the window; while one is there, Vitest's
 * browser client only logs the reason instead of failing the run.
 */
export function captureUnhandledRejections(onReason: (reason: unknown) => void): () => void {
  if (isBrowser) {
    const w = globalThis as unknown as EventTarget;
    const l = (e: Event) => {
      e.preventDefault();
      onReason((e as PromiseRejectionEvent).reason);
    };
    w.addEventListener('unhandledrejection', l);
    return () => w.removeEventListener('unhandledrejection', l);
  }
  const p = (globalThis as unknown as { process: NodeProcess }).process;
  const saved = p.listeners('unhandledRejection');
  p.removeAllListeners('unhandledRejection');
  const l = (reason: unknown) => onReason(reason);
  p.on('unhandledRejection', l);
  return () => {
    p.off('unhandledRejection', l);
    for (const s of saved) p.on('unhandledRejection', s);
  };
}
