/**
 * ASCII trees: a context's ancestry (root first, down to it) and its live
 * descendants.
 */
import type { Context } from '../index.js';
import { I, asCtx, checkCtx } from './state.js';
import { type ViewOptions, line, nowOf, up, view } from './node.js';

type CancelCtx = InstanceType<typeof I.CancelCtx>;

const TEE = '├── ';
const ELL = '└── ';
const BAR = '│   ';
const GAP = '    ';
/** Levels drawn with indentation; deeper ones carry a depth marker instead. */
const MAX_INDENT = 32;

/**
 * Returns the chain from the root down to `ctx`, one context per line, as
 * an ASCII tree:
 *
 *     context.Background
 *     └── WithCancel canceled (cause: Error: shutdown)
 *         └── WithDeadline deadline=2026-05-11T18:00:00.000Z remaining=-1.2s canceled
 *             └── WithValue key=traceKey
 *
 * Each line gives the kind, the deadline a context sets and the time left,
 * its state and cause, a value context's key (its value only with
 * `{ values: true }`), and, with derivation tracing on, where it was made.
 * A user-written context ends the chain with its class name. Reading the
 * tree changes nothing: no signal is created, nothing is registered.
 *
 * @throws {TypeError} if `ctx` is not a Context or `opts` not an object;
 *   {RangeError} if `opts.now` is not finite.
 */
export function ancestry(ctx: Context, opts: ViewOptions = {}): string {
  checkCtx(ctx, 'ancestry');
  const now = nowOf(opts, 'ancestry');
  const chain: Context[] = [];
  for (let c: Context | undefined = ctx; c !== undefined; c = up(c)) chain.push(c);
  chain.reverse();
  const lines: string[] = [];
  chain.forEach((c, i) => {
    const text = line(view(c, { ...opts, now }));
    if (i === 0) lines.push(text);
    else if (i <= MAX_INDENT) lines.push(GAP.repeat(i - 1) + ELL + text);
    else lines.push(GAP.repeat(MAX_INDENT - 1) + ELL + `[depth ${i}] ` + text);
  });
  return lines.join('\n');
}

/**
 * The nearest context that holds `ctx`'s children: `ctx` itself when it is
 * cancellable, else its nearest cancellable ancestor through value contexts
 * and wrappers that delegate to one; undefined when nothing above can be
 * cancelled.
 */
function holder(ctx: Context): CancelCtx | Context | undefined {
  let c: Context | undefined = ctx;
  while (c !== undefined) {
    const k = asCtx(c);
    if (k === undefined) {
      let inner: unknown;
      try {
        inner = c.value(I.cancelCtxKey);
      } catch {
        // A user-written value() that throws: show what hangs on c itself.
        inner = undefined;
      }
      return inner instanceof I.CancelCtx ? inner : c;
    }
    if (k instanceof I.CancelCtx) return k;
    if (k instanceof I.WithoutCancelCtx || k instanceof I.EmptyCtx) return undefined;
    c = k._up();
  }
  return undefined;
}

/** The live children linked below `c` (a cancellable context, or a user-written one), in derivation order. */
export function linkedChildren(c: Context): CancelCtx[] {
  if (!(c instanceof I.CancelCtx)) return asCtx(c) === undefined ? I.childrenOfForeign(c) : [];
  const out: CancelCtx[] = [];
  const l = c._links;
  if (l === undefined) return out;
  for (let n = l._next; n !== l; n = n._next!) out.push(n as CancelCtx);
  return out;
}

/** The number of watchers (afterFunc callbacks and pending waits) on `c`. */
export function watcherCount(c: Context): number {
  if (!(c instanceof I.CancelCtx)) return 0;
  const l = c._links;
  if (l === undefined) return 0;
  let k = 0;
  for (let n = l._fnext; n !== l; n = n._fnext!) k++;
  return k;
}

/**
 * The path from `child` up to (not including) `top`: the value contexts
 * and wrappers between a context and the one whose ring holds it, or
 * undefined if `child` was not derived through `through` (when given).
 */
function pathUp(child: Context, top: Context, through: Context | undefined): Context[] | undefined {
  const path: Context[] = [];
  let seen = through === undefined;
  let c: Context | undefined = child;
  while (c !== undefined && c !== top) {
    if (c === through) seen = true;
    path.push(c);
    c = up(c);
  }
  if (c === top && top === through) seen = true;
  return seen ? path.reverse() : undefined;
}

/**
 * Returns the live descendants of `ctx` as an ASCII tree, `ctx` first.
 * Only cancellable contexts are held by the tree, so each line shows a
 * linked descendant together with the value contexts (and wrappers) it was
 * derived through, e.g. `WithValue key=requestId → WithCancel live`, and
 * how many afterFunc callbacks and waits are registered on it. Cancelled
 * contexts are gone from the tree and do not appear.
 *
 * @throws {TypeError} if `ctx` is not a Context or `opts` not an object;
 *   {RangeError} if `opts.now` is not finite.
 */
export function descendants(ctx: Context, opts: ViewOptions = {}): string {
  checkCtx(ctx, 'descendants');
  const now = nowOf(opts, 'descendants');
  const o = { ...opts, now };
  const lines: string[] = [line(view(ctx, o)) + watchersNote(ctx)];
  const top = holder(ctx);
  if (top === undefined) return lines.join('\n');
  // Below a value context, only the children derived through it.
  const through = top === ctx ? undefined : ctx;
  const first = linkedChildren(top).filter((ch) => pathUp(ch, top, through) !== undefined);
  // Iterative depth-first walk: trees can be arbitrarily deep.
  const stack: { node: CancelCtx; parent: Context; prefix: string; last: boolean; through: Context | undefined; depth: number }[] = [];
  for (let i = first.length - 1; i >= 0; i--) stack.push({ node: first[i]!, parent: top, prefix: '', last: i === first.length - 1, through, depth: 1 });
  while (stack.length > 0) {
    const { node, parent, prefix, last, through: via, depth } = stack.pop()!;
    const path: Context[] = pathUp(node, parent, via) ?? [node as Context];
    const from = via === undefined ? 0 : path.indexOf(via) + 1;
    const text = path
      .slice(from)
      .map((c) => line(view(c, o)))
      .join(' → ');
    const deep = depth > MAX_INDENT ? `[depth ${depth}] ` : '';
    lines.push(prefix + (last ? ELL : TEE) + deep + text + watchersNote(node));
    const kids: CancelCtx[] = linkedChildren(node as Context);
    // Past MAX_INDENT levels the indentation stops growing (a depth marker
    // says where we are): a deep chain would otherwise cost quadratic text.
    const next = depth >= MAX_INDENT ? prefix : prefix + (last ? GAP : BAR);
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ node: kids[i]!, parent: node, prefix: next, last: i === kids.length - 1, through: undefined, depth: depth + 1 });
    }
  }
  return lines.join('\n');
}

function watchersNote(c: Context): string {
  const n = watcherCount(c);
  return n === 0 ? '' : ` (${n} waiting)`;
}
