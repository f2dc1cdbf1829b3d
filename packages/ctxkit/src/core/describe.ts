import type { Context } from './context.js';
import { Ctx } from './ctx.js';
import { KeyImpl } from './key.js';

/**
 * Describes a context's derivation like Go's `String()`, e.g.
 * "context.Background.WithCancel.WithValue(requestId, r-1)". Iterative, so
 * a chain of any depth can be described; a user-written ancestor ends the
 * description with its constructor name.
 */
export function describe(c: Context): string {
  const parts: string[] = [];
  let cur: Context | undefined = c;
  while (cur instanceof Ctx) {
    parts.push(cur._label());
    cur = cur._up();
  }
  if (cur !== undefined) parts.push(typeName(cur));
  parts.reverse();
  return parts.join('');
}

/** The name of a value's type: its constructor's name for objects, else `typeof`. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  const t = typeof v;
  if (t !== 'object' && t !== 'function') return t;
  try {
    const ctor = (Object.getPrototypeOf(v) as { constructor?: unknown } | null)?.constructor;
    if (typeof ctor === 'function' && ctor.name !== '') return ctor.name;
  } catch {
    // A hostile proxy; fall through.
  }
  return t === 'function' ? 'Function' : 'Object';
}

const fnToString = Function.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;

/** True for functions provided by the platform (their source is "[native code]"). */
function isNative(f: Function): boolean {
  try {
    return /\{\s*\[native code\]\s*\}\s*$/.test(fnToString.call(f));
  } catch {
    return true;
  }
}

/**
 * Prototype chains longer than this are not walked: only a Proxy whose
 * getPrototypeOf trap loops makes one, and it prints as its type name.
 */
const MAX_CHAIN = 1000;

/** The object on `v`'s prototype chain that owns its `toString`; null if none is found. */
function toStringOwner(v: object): object | null {
  let o: object | null = v;
  for (let i = 0; o !== null && i < MAX_CHAIN; i++) {
    if (hasOwn.call(o, 'toString')) return o;
    o = Object.getPrototypeOf(o) as object | null;
  }
  return null;
}

/**
 * True if `proto` is the prototype of a class the runtime provides: its
 * constructor is native code (Map, typed arrays, anything built into the
 * engine), or it is the prototype of a global constructor of that name.
 * The second test catches classes a runtime writes in JavaScript, whose
 * toString is not "[native code]" yet prints their contents: Node's `URL`
 * (password included), `URLSearchParams` (tokens), `Buffer` (bytes). Only
 * own data properties are read, so no getter of the value runs.
 */
function isRuntimeProto(proto: object): boolean {
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  if (typeof ctor !== 'function') return false;
  if (isNative(ctor)) return true;
  const name: unknown = Object.getOwnPropertyDescriptor(ctor, 'name')?.value;
  if (typeof name !== 'string' || name === '') return false;
  // Buffer is a global on Node, Bun and Deno, not in browsers; absent globals simply do not match.
  const g = (globalThis as Record<string, unknown>)[name];
  return typeof g === 'function' && (g as { prototype?: unknown }).prototype === proto;
}

/**
 * The result of `v.toString()` when the application wrote that toString
 * (defined on `v` itself or by a user-written class in its chain); else
 * undefined. May throw (a hostile Proxy, a throwing getter or toString).
 */
function appToString(v: object): string | undefined {
  const ts = (v as { toString?: unknown }).toString;
  if (typeof ts !== 'function' || isNative(ts)) return undefined;
  const owner = toStringOwner(v);
  if (owner === null || isRuntimeProto(owner)) return undefined;
  return String(ts.call(v));
}

/**
 * How a key or value appears in a WithValue description. Descriptions end
 * up in logs, so only what the value's author chose to expose is printed: a
 * Key's name, a string, `<nil>`, or the result of a toString the object or
 * its user-written class defines (never one of a class the runtime
 * provides, such as URL or Buffer); anything else prints as its type name.
 * Never throws.
 */
export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v !== 'object' && typeof v !== 'function') return typeof v;
  try {
    // Not instanceof: that walks a Proxy's prototype chain without bound.
    if (Object.getPrototypeOf(v) === KeyImpl.prototype) return (v as KeyImpl<unknown>).name;
    const s = appToString(v);
    if (s !== undefined) return s;
  } catch {
    // A hostile Proxy or a throwing getter or toString prints as the type name.
  }
  return typeName(v);
}

const NS_PER_US = 1000n;
const NS_PER_MS = 1000_000n;
const NS_PER_S = 1000_000_000n;

/** Formats `v / 10**prec` as ".ddd" without trailing zeros ("" when zero), and the integer part. */
function frac(v: bigint, prec: number): [string, bigint] {
  const p = 10n ** BigInt(prec);
  const f = v % p;
  let digits = f.toString().padStart(prec, '0').replace(/0+$/, '');
  if (digits !== '') digits = '.' + digits;
  return [digits, v / p];
}

/**
 * Formats a duration given in (finite) ms the way Go's
 * `time.Duration.String()` does: "1.5s", "99.99ms", "1h0m0s", "-2m3s",
 * "0s". Computed in integer nanoseconds, exact to 1 ns at any magnitude.
 */
export function formatDuration(ms: number): string {
  // Whole and fractional ms apart: ms * 1e6 as one float loses nanoseconds
  // past 2^53 ns (~104 days) and prints noise such as "40.007000064s".
  const whole = Math.trunc(ms);
  let u = BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u === 0n) return '0s';
  if (u < NS_PER_S) {
    let unit: string;
    let prec: number;
    if (u < NS_PER_US) {
      unit = 'ns';
      prec = 0;
    } else if (u < NS_PER_MS) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [f, i] = frac(u, prec);
    out = `${i}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    out = `${secs % 60n}${f}s`;
    const mins = secs / 60n;
    if (mins > 0n) {
      out = `${mins % 60n}m${out}`;
      const hours = mins / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? '-' + out : out;
}
