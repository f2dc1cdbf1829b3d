/**
 * The leak report: live contexts older than a threshold, grouped by where
 * they were made.
 */
import { isTracking, hasStacks, live, setTracking } from './state.js';
import { nowOf } from './node.js';

/** Contexts made at one site that are still alive. */
export interface LeakGroup {
  /** The exported function that made them (withCancel, withTimeout, ...). */
  readonly api: string;
  /** The caller's frame ("fn (file:line:col)"), or "" when tracing without stacks. */
  readonly site: string;
  /** How many are alive past the threshold. */
  readonly count: number;
  /** Age of the oldest, ms. */
  readonly oldestMs: number;
}

/** The result of {@link leakReport}. */
export interface LeakReport {
  /** False when neither tracing nor tracking was on: nothing could be counted. */
  readonly tracking: boolean;
  readonly olderThanMs: number;
  /** Contexts alive past the threshold, in all groups. */
  readonly total: number;
  /** Largest groups first. */
  readonly groups: readonly LeakGroup[];
  /** The report as text, one group per line. */
  toString(): string;
}

/**
 * Switches context tracking on without creation sites: live cancellable
 * contexts are recorded with their creation time only (a map entry each,
 * no stack capture), enough for {@link leakReport} by function name and
 * for the debug page. {@link enableTracing} does this too and adds sites.
 */
export function enableTracking(): void {
  if (!hasStacks()) setTracking(true, false);
}

/**
 * Returns the cancellable contexts that are still alive (neither cancelled
 * nor expired) and older than `olderThanMs` (default 10 s), grouped by
 * creation site, largest group first — with tracing on, the file:line of a
 * discarded cancel function is the first line. Only contexts derived while
 * tracing or tracking was on are seen.
 *
 * @throws {RangeError} if `olderThanMs` is negative or NaN, or `now` not finite;
 *   {TypeError} if `opts` is not an object.
 */
export function leakReport(opts: { olderThanMs?: number; now?: number } = {}): LeakReport {
  const now = nowOf(opts, 'leakReport');
  const olderThanMs = opts.olderThanMs ?? 10_000;
  if (typeof olderThanMs !== 'number' || !(olderThanMs >= 0)) {
    throw new RangeError(`ctxkit/debug.leakReport: option "olderThanMs" must be a number >= 0, got ${String(olderThanMs)}`);
  }
  const byKey = new Map<string, { api: string; site: string; count: number; oldestMs: number }>();
  let total = 0;
  for (const [c, s] of live) {
    if (c._err !== undefined) continue;
    const age = now - s.time;
    if (age < olderThanMs) continue;
    total++;
    const key = `${s.api}\u0000${s.at}`;
    const g = byKey.get(key);
    if (g === undefined) byKey.set(key, { api: s.api, site: s.at, count: 1, oldestMs: age });
    else {
      g.count++;
      if (age > g.oldestMs) g.oldestMs = age;
    }
  }
  const groups = [...byKey.values()].sort((a, b) => b.count - a.count || b.oldestMs - a.oldestMs);
  const tracking = isTracking();
  return {
    tracking,
    olderThanMs,
    total,
    groups,
    toString(): string {
      if (!tracking) return 'ctxkit leak report: tracking is off (call enableTracing() first)';
      const head = `ctxkit leak report: ${total} live context${total === 1 ? '' : 's'} older than ${olderThanMs} ms`;
      return [head, ...groups.map((g) => `  ${g.count} × ${g.api}${g.site === '' ? '' : ` at ${g.site}`} (oldest ${Math.round(g.oldestMs)} ms)`)].join('\n');
    },
  };
}
