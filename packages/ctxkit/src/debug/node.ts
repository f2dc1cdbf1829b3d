/**
 * What the debug tools say about one context: its kind, state, deadline,
 * cause and value key — never a value unless the caller asks for values.
 */
import { type Context, Canceled, DeadlineExceeded } from '../index.js';
import { I, type Site, asCtx, sites } from './state.js';

/** Options of the text and JSON views. */
export interface ViewOptions {
  /**
   * Print the values of `withValue` contexts too (as `String(ctx)` would:
   * runtime classes by type name only). Off by default: values hold user
   * data, tokens and credentials, and these views end up in logs.
   */
  values?: boolean;
  /** The clock for remaining times, epoch ms; default `Date.now()`. */
  now?: number;
}

/** One context, described. */
export interface NodeView {
  /** "context.Background", "WithCancel", "WithDeadline", "WithValue", "WithoutCancel", "WithSignal", or a user-written context's class name. */
  kind: string;
  /** "live", "canceled", "deadline exceeded", another err()'s message, "never canceled" for contexts that cannot be, or "err() threw" for a user-written context (or one below it) whose err() throws. */
  state: string;
  /** The cause, when it says more than the state. */
  cause?: string;
  /** The deadline this context itself sets (ISO 8601), and the time left. */
  deadline?: string;
  remaining?: string;
  /** A `withValue` context's key (and value, if asked for). */
  key?: string;
  value?: string;
  /** Where it was derived (derivation tracing on). */
  site?: Site;
}

/** Describes an error or cause in one line: "Name: message", a string as is, anything else by type. */
export function describeReason(e: unknown): string {
  if (e instanceof Error) return e.message === '' ? e.name : `${e.name}: ${e.message}`;
  if (typeof e === 'string') return e;
  if (e === null || e === undefined) return String(e);
  return I.typeName(e);
}

/**
 * The state of a context whose err() is user code (a user-written context,
 * or a value context or wrapper delegating to one): the views describe a
 * context whose err() throws rather than throw themselves.
 */
function stateOfCall(c: Context): string {
  let err: Error | undefined;
  try {
    err = c.err();
  } catch {
    return 'err() threw';
  }
  return stateOf(err);
}

function stateOf(err: Error | undefined): string {
  if (err === undefined) return 'live';
  if (err === Canceled) return 'canceled';
  if (err === DeadlineExceeded) return 'deadline exceeded';
  return describeReason(err);
}

/** Describes `c` itself (not its ancestors). */
export function view(c: Context, opts: ViewOptions = {}): NodeView {
  const k = asCtx(c);
  const site = sites.get(c);
  const out: NodeView = { kind: '', state: '' };
  if (k === undefined) {
    out.kind = I.typeName(c);
    out.state = stateOfCall(c);
  } else if (k instanceof I.EmptyCtx) {
    out.kind = k._label();
    out.state = 'never canceled';
  } else if (k instanceof I.ValueCtx) {
    out.kind = 'WithValue';
    out.state = stateOfCall(k);
    out.key = I.stringify(k._key);
    if (opts.values === true) out.value = I.stringify(k._val);
  } else if (k instanceof I.WithoutCancelCtx) {
    out.kind = 'WithoutCancel';
    out.state = 'never canceled';
  } else if (k instanceof I.CancelCtx) {
    out.kind = k instanceof I.TimerCtx ? 'WithDeadline' : k instanceof I.SignalCtx ? 'WithSignal' : 'WithCancel';
    out.state = stateOf(k._err);
    if (k._err !== undefined && k._cause !== k._err) out.cause = describeReason(k._cause);
    if (k instanceof I.TimerCtx) {
      out.deadline = new Date(k._deadline).toISOString();
      out.remaining = I.formatDuration(k._deadline - (opts.now ?? Date.now()));
    }
  } else {
    out.kind = I.typeName(c);
    out.state = stateOfCall(c);
  }
  if (site !== undefined) out.site = site;
  return out;
}

/** One line for a tree: "WithDeadline deadline=… remaining=1.5s live (withTimeout at f (file:1:2))". */
export function line(v: NodeView): string {
  let s = v.kind;
  if (v.key !== undefined) s += ` key=${v.key}`;
  if (v.value !== undefined) s += ` value=${v.value}`;
  if (v.deadline !== undefined) s += ` deadline=${v.deadline} remaining=${v.remaining ?? ''}`;
  if (v.kind !== 'WithValue' && v.state !== 'never canceled') s += ` ${v.state}`;
  if (v.cause !== undefined) s += ` (cause: ${v.cause})`;
  if (v.site !== undefined && v.site.at !== '') s += `  [${v.site.api} at ${v.site.at}]`;
  return oneLine(s);
}

/**
 * Control characters (C0 but tab, DEL, C1) and the Unicode bidirectional
 * overrides and isolates, as the page's escapeHtml treats them.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Keeps a view on one line whatever a cause or key contains, and shows
 * control and bidi-override characters as `\u….` escapes: these views are
 * printed to terminals and logs, where an escape sequence in a cause could
 * clear the screen or recolour, and an override reorder, the text around it.
 */
function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(INVISIBLE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Validates the options of a view called as `ctxkit/debug.<fn>` and returns
 * its clock reading.
 *
 * @throws {TypeError} if `opts` is not an object or `now` not a number;
 *   {RangeError} if `now` is not finite.
 */
export function nowOf(opts: unknown, fn: string): number {
  if (typeof opts !== 'object' || opts === null) {
    throw new TypeError(`ctxkit/debug.${fn}: argument "opts" must be an object, got ${opts === null ? 'null' : typeof opts}`);
  }
  const now: unknown = (opts as ViewOptions).now;
  if (now === undefined) return Date.now();
  if (typeof now !== 'number') throw new TypeError(`ctxkit/debug.${fn}: option "now" must be a number (epoch ms), got ${typeof now}`);
  if (!Number.isFinite(now)) throw new RangeError(`ctxkit/debug.${fn}: option "now" must be finite, got ${now}`);
  return now;
}

/** The context `c` was derived from, or undefined at a root or a user-written context. */
export function up(c: Context): Context | undefined {
  const k = asCtx(c);
  return k === undefined ? undefined : k._up();
}
