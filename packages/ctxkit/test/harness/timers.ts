/**
 * Counts timers started through the global `setTimeout` that have neither
 * fired nor been cleared — unref'd ones included, which
 * `process.getActiveResourcesInfo()` leaves out. ctxkit (and grpc-js) read
 * `setTimeout`/`clearTimeout` from the global each time, so installing this
 * after import sees their timers.
 */
export interface TimerTracker {
  /** Timers counted and still pending. */
  pending(): number;
  /** Timers counted since installation. */
  created(): number;
  /** Puts the real globals back. */
  restore(): void;
}

/**
 * Installs the tracker. With `onlyFrom`, only timers whose creation stack
 * (its nearest few frames) mentions that path are counted: e.g.
 * '/packages/ctxkit/src/' to leave out fetch's own housekeeping timers.
 */
export function trackTimers(onlyFrom?: string): TimerTracker {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  let created = 0;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h: unknown = realSet(
      (...a: unknown[]) => {
        live.delete(h);
        fn(...a);
      },
      ms,
      ...args,
    );
    if (onlyFrom !== undefined) {
      // The caller's frames are the nearest: a short stack is enough (and cheap).
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 4;
      const stack = new Error().stack;
      Error.stackTraceLimit = limit;
      if (stack?.includes(onlyFrom) !== true) return h;
    }
    live.add(h);
    created++;
    return h;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((h: Parameters<typeof clearTimeout>[0]) => {
    live.delete(h);
    realClear(h);
  }) as typeof clearTimeout;
  return {
    pending: () => live.size,
    created: () => created,
    restore: () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}
