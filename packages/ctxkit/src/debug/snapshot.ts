/**
 * The live context trees as data, for the debug page and JSON endpoints.
 */
import type { Context } from '../index.js';
import { I, isTracking, live } from './state.js';
import { type NodeView, type ViewOptions, nowOf, up, view } from './node.js';
import { type Stats, stats } from './stats.js';
import { watcherCount } from './tree.js';

type CancelCtx = InstanceType<typeof I.CancelCtx>;

/** One live cancellable context in a snapshot. */
export interface SnapshotNode extends NodeView {
  /** Unique within one snapshot. */
  id: number;
  /** ms since it was derived. */
  ageMs: number;
  /** The value contexts and wrappers it was derived through, nearest its parent first. */
  via: NodeView[];
  /** afterFunc callbacks and pending waits on it. */
  waiting: number;
  children: SnapshotNode[];
}

/** A tree of live contexts below a context that is not tracked itself (a root, withoutCancel, a user-written context, or one derived before tracking began). */
export interface SnapshotTree {
  /** That context's ancestry, root first. */
  above: NodeView[];
  children: SnapshotNode[];
}

export interface Snapshot {
  /** ISO 8601 */
  time: string;
  /** False when tracking was off: the trees are empty. */
  tracking: boolean;
  stats: Stats;
  trees: SnapshotTree[];
}

/**
 * Returns the live cancellable contexts tracked since tracing or tracking
 * was switched on, as trees. Values are shown by key only unless
 * `{ values: true }`. Plain data, safe to `JSON.stringify` (every string in
 * it may hold user text: escape it before putting it in HTML).
 *
 * @throws {TypeError} if `opts` is not an object; {RangeError} if `opts.now` is not finite.
 */
export function snapshot(opts: ViewOptions = {}): Snapshot {
  const now = nowOf(opts, 'snapshot');
  const o = { ...opts, now };
  const nodes = new Map<CancelCtx, SnapshotNode>();
  let id = 0;
  for (const [c, s] of live) {
    if (c._err !== undefined) continue;
    // Tracking without stacks still knows which function made it.
    const v = view(c, o);
    nodes.set(c, { ...v, site: v.site ?? s, id: ++id, ageMs: now - s.time, via: [], waiting: watcherCount(c), children: [] });
  }
  const trees = new Map<Context, SnapshotTree>();
  for (const [c, n] of nodes) {
    // Up to the nearest tracked ancestor, collecting what lies between.
    const via: Context[] = [];
    let p: Context | undefined = up(c);
    while (p !== undefined && !(p instanceof I.CancelCtx && nodes.has(p))) {
      if (p instanceof I.CancelCtx || p instanceof I.WithoutCancelCtx || p instanceof I.EmptyCtx || !(p instanceof I.Ctx)) break;
      via.push(p);
      p = up(p);
    }
    n.via = via.reverse().map((v) => view(v, o));
    const parent = p instanceof I.CancelCtx ? nodes.get(p) : undefined;
    if (parent !== undefined) parent.children.push(n);
    else {
      const top = p ?? c;
      let t = trees.get(top);
      if (t === undefined) {
        const above: NodeView[] = [];
        for (let a: Context | undefined = top; a !== undefined; a = up(a)) above.push(view(a, o));
        t = { above: above.reverse(), children: [] };
        trees.set(top, t);
      }
      t.children.push(n);
    }
  }
  return { time: new Date(now).toISOString(), tracking: isTracking(), stats: stats(), trees: [...trees.values()] };
}
