/**
 * Argument checks shared by the sync primitives. Programmer errors (a
 * missing context, a callback that is not a function, a weight that is not
 * a count) throw synchronously where the call is made; they are never
 * turned into rejections.
 */
import type { Context } from '../index.js';

/** A short type description for error messages; never the value itself. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** True if `v` has the four members of a Context (`signal` tested with `in`, not read). */
function isContext(v: object): boolean {
  const c = v as Partial<Context>;
  return typeof c.deadline === 'function' && typeof c.err === 'function' && typeof c.value === 'function' && 'signal' in v;
}

/**
 * Throws a TypeError unless `v` is usable as a Context: the core's own
 * test, made here so that a bad context fails naming this call, before a
 * waiter is queued or a task started.
 */
export function checkContext(v: unknown, where: string, arg = 'ctx'): asserts v is Context {
  if (v === null || v === undefined) {
    throw new TypeError(`ctxkit.${where}: nil context (argument "${arg}" is ${v})`);
  }
  let ok: boolean;
  try {
    ok = typeof v === 'object' && isContext(v);
  } catch (e) {
    // A revoked Proxy, a throwing trap or getter: still this argument's fault.
    throw new TypeError(`ctxkit.${where}: argument "${arg}" must be a Context, got an object whose members cannot be read`, { cause: e });
  }
  if (!ok) {
    throw new TypeError(`ctxkit.${where}: argument "${arg}" must be a Context (an object with deadline(), err(), value() and signal), got ${kind(v)}`);
  }
}

/** Throws a TypeError unless `f` is a function. */
export function checkFunction(f: unknown, where: string, arg: string): asserts f is Function {
  if (typeof f !== 'function') {
    throw new TypeError(`ctxkit.${where}: argument "${arg}" must be a function, got ${kind(f)}`);
  }
}

/**
 * Validates a weight: a non-negative safe integer.
 *
 * @throws {TypeError} if `n` is not a number.
 * @throws {RangeError} if `n` is negative, fractional, NaN, infinite or unsafe.
 */
export function checkWeight(n: unknown, where: string): number {
  if (typeof n !== 'number') {
    throw new TypeError(`ctxkit.${where}: argument "n" (weight) must be a number, got ${kind(n)}`);
  }
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`ctxkit.${where}: argument "n" (weight) must be a non-negative integer, got ${n}`);
  }
  return n;
}
