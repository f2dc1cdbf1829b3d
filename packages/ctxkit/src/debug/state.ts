/**
 * The debug tools' state and the one hook they install in the core. The
 * hook is installed only while a tool is switched on, so a program that
 * never switches one on (or never imports ctxkit/debug) runs the core
 * exactly as without it.
 *
 * Three levels, each including the one before:
 *  - counters: numbers only, no allocation per context (cheap enough for
 *    production);
 *  - tracking: a registry of live cancellable contexts with their creation
 *    time, for leak reports, descendant trees and the debug page;
 *  - stacks: the creation site (file:line) of every derived context.
 */
import type { Context } from '../index.js';
import { core } from '../core/instance.js';
import type { Internals } from '../core/internals.js';
import { checkContext } from '../core/validate.js';

/** The core's internals, of the ctxkit copy in use in this process. */
export const I: Internals = core._internals;

type AnyCtx = InstanceType<Internals['Ctx']>;
type CancelCtx = InstanceType<Internals['CancelCtx']>;

/** Where a context was derived. */
export interface Site {
  /** The exported function called: withCancel, withTimeout, withValue, ... */
  readonly api: string;
  /** The caller's frame, e.g. "handler (/app/server.ts:42:18)"; "" when stacks are off. */
  readonly at: string;
  /** epoch ms */
  readonly time: number;
}

/** The counters; see {@link stats} in stats.ts. */
export const counters = {
  derived: 0,
  cancelled: 0,
  live: 0,
  timers: 0,
  sources: 0,
  waits: 0,
};

let countersOn = false;
let trackingOn = false;
let stacksOn = false;

/** Live cancellable contexts (tracking on), in creation order. */
export const live = new Map<CancelCtx, Site>();
/** Creation sites of every derived context (stacks on); weak, so it keeps nothing alive. */
export const sites = new WeakMap<object, Site>();

/** True while {@link frameOf} runs: a context derived by an `Error.prepareStackTrace` gets no site. */
let capturing = false;

/**
 * The caller's frame, or "" when none can be had. Never throws: it runs
 * inside every derive, after the context is linked to its parent, and an
 * exception there would leave that context linked with its cancel function
 * lost. The application's `Error.prepareStackTrace` runs here, and may
 * throw, return a non-string or derive contexts itself.
 */
function frameOf(api: Function): string {
  if (capturing) return '';
  capturing = true;
  const holder: { stack?: unknown } = {};
  const E = Error as { captureStackTrace?: (o: object, f: Function) => void; stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  try {
    E.stackTraceLimit = 1;
    if (typeof E.captureStackTrace === 'function') E.captureStackTrace(holder, api);
    else holder.stack = new Error().stack;
    // V8 formats the stack (prepareStackTrace) on this first read.
    const stack = holder.stack;
    return typeof stack === 'string' ? parseFrame(stack) : '';
  } catch {
    return '';
  } finally {
    E.stackTraceLimit = limit;
    capturing = false;
  }
}

/** The first frame of a V8 or SpiderMonkey/JSC stack, trimmed ("fn (file:line:col)" or "file:line:col"). */
export function parseFrame(stack: string): string {
  for (const line of stack.split('\n')) {
    const t = line.trim();
    if (t.startsWith('at ')) return t.slice(3);
    if (t.includes('@')) return t.slice(t.indexOf('@') + 1) || t;
  }
  return '';
}

// The core calls through the copy of the hook it read when an operation
// began, so these may still be called just after the tools were switched
// off (by an abort listener or a user-written context mid-cancellation):
// each returns at once then, leaving the reset counters at zero.
const hook = {
  derived(c: AnyCtx, api: Function): void {
    if (!countersOn && !trackingOn) return;
    const cancellable = c instanceof I.CancelCtx;
    if (cancellable) {
      counters.derived++;
      if (c._err === undefined) {
        counters.live++;
        // Every live TimerCtx arms a timer right after this call.
        if (c instanceof I.TimerCtx) counters.timers++;
      } else counters.cancelled++; // born from a cancelled parent
    }
    if (!trackingOn) return;
    const site: Site = { api: api.name, at: stacksOn ? frameOf(api) : '', time: Date.now() };
    if (stacksOn) sites.set(c, site);
    if (cancellable && c._err === undefined) live.set(c, site);
  },
  cancelled(c: CancelCtx): void {
    if (!countersOn && !trackingOn) return;
    // Contexts derived before the counters were switched on are cancelled
    // too: the clamps keep the live figures from going below zero.
    counters.cancelled++;
    if (counters.live > 0) counters.live--;
    if (c instanceof I.TimerCtx && counters.timers > 0) counters.timers--;
    if (trackingOn) live.delete(c);
  },
  // A registration counted before the counters were last reset may be
  // removed after it: the clamps keep these from going below zero too.
  source(delta: 1 | -1): void {
    if (!countersOn && !trackingOn) return;
    if (delta > 0 || counters.sources > 0) counters.sources += delta;
  },
  wait(delta: 1 | -1): void {
    if (!countersOn && !trackingOn) return;
    if (delta > 0 || counters.waits > 0) counters.waits += delta;
  },
};

/** Installs the hook while a tool is on; with every tool off, removes it and resets the counters (tracking counts too). */
function sync(): void {
  const on = countersOn || trackingOn;
  if (!on) for (const k of Object.keys(counters) as (keyof typeof counters)[]) counters[k] = 0;
  I.setHook(on ? hook : undefined);
}

/** Switches the counters on or off (off also resets them, unless tracking is on). */
export function setCounters(on: boolean): void {
  countersOn = on;
  sync();
}

/** Switches tracking (and, with `stacks`, creation sites) on or off. */
export function setTracking(on: boolean, stacks: boolean): void {
  trackingOn = on;
  stacksOn = on && stacks;
  if (!on) live.clear();
  sync();
}

export function isTracking(): boolean {
  return trackingOn;
}

export function hasStacks(): boolean {
  return stacksOn;
}

/**
 * Throws unless `v` can be used as a context (the core's check), with the
 * message naming `ctxkit/debug.<fn>` and the argument `ctx`.
 *
 * @throws {TypeError} for null, undefined, a non-object, an object lacking
 *   a Context member, or one whose members cannot be read (a revoked Proxy).
 */
export function checkCtx(v: unknown, fn: string): asserts v is Context {
  try {
    checkContext(v, fn, 'ctx');
  } catch (e) {
    const m = e instanceof Error ? e.message.replace(`ctxkit.${fn}:`, `ctxkit/debug.${fn}:`) : String(e);
    throw new TypeError(m, { cause: e instanceof Error ? e.cause : undefined });
  }
}

/** The ctxkit context `c` is, or undefined for a user-written one. */
export function asCtx(c: Context): AnyCtx | undefined {
  return c instanceof I.Ctx ? c : undefined;
}
