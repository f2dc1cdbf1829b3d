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

/** Throws a TypeError unless `v` is usable as a Context. */
export function checkContext(v: unknown, where: string, arg = 'ctx'): asserts v is Context {
  if (v === null || v === undefined) {
    throw new TypeError(`ctxkit.${where}: nil context (argument "${arg}" is ${v})`);
  }
  if (typeof v !== 'object' || typeof (v as Context).err !== 'function' || typeof (v as Context).value !== 'function') {
    throw new TypeError(`ctxkit.${where}: argument "${arg}" must be a Context, got ${kind(v)}`);
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
