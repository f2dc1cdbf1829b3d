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

/** True for functions provided by the platform (their source is "[native code]"). */
function isNative(f: Function): boolean {
  try {
    return /\{\s*\[native code\]\s*\}\s*$/.test(fnToString.call(f));
  } catch {
    return true;
  }
}

/**
 * How a key or value appears in a WithValue description. Descriptions end
 * up in logs, so only what the value's author chose to expose is printed: a
 * Key's name, a string, `<nil>`, or the result of a toString the object or
 * its user-written class defines; anything else prints as its type name.
 */
export function stringify(v: unknown): string {
  if (v instanceof KeyImpl) return v.name;
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object' || typeof v === 'function') {
    let ts: unknown;
    try {
      ts = (v as { toString?: unknown }).toString;
    } catch {
      ts = undefined;
    }
    if (typeof ts === 'function' && !isNative(ts)) {
      try {
        return String(ts.call(v));
      } catch {
        // A throwing toString prints as the type name.
      }
    }
    return typeName(v);
  }
  return typeof v;
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
 * Formats a duration given in ms the way Go's `time.Duration.String()` does:
 * "1.5s", "99.99ms", "1h0m0s", "-2m3s", "0s". Precision is 1 ns.
 */
export function formatDuration(ms: number): string {
  let u = BigInt(Math.round(ms * 1e6));
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
