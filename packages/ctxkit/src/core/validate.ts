import { Ctx } from './ctx.js';
import type { Context } from './context.js';

/** Latest instant a Date can hold (ms from the epoch, either way). */
export const MAX_DATE_MS = 8.64e15;

/** A short type description for error messages; never the value itself. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Throws unless `v` is usable as a Context. Every constructor calls this on
 * its parent, so a forgotten parent fails where it is passed, not deep in a
 * later lookup.
 */
export function checkContext(v: unknown, fn: string, arg: string): asserts v is Context {
  if (v instanceof Ctx) return;
  if (v === null || v === undefined) {
    const what = arg === 'parent' ? 'cannot create context from nil parent' : 'nil context';
    throw new TypeError(`ctxkit.${fn}: ${what} (argument "${arg}" is ${v})`);
  }
  if (typeof v !== 'object' || typeof (v as Context).err !== 'function' || typeof (v as Context).value !== 'function') {
    throw new TypeError(
      `ctxkit.${fn}: argument "${arg}" must be a Context (an object with deadline(), err(), value() and signal), got ${kind(v)}`,
    );
  }
}

/** Validates a constructor's parent argument. */
export function checkParent(parent: unknown, fn: string): asserts parent is Context {
  checkContext(parent, fn, 'parent');
}

/**
 * Converts a deadline argument to epoch ms. `Infinity` and instants past the
 * range of Date mean "no deadline of its own" (returned as Infinity); very
 * early instants clamp to the earliest Date (already expired).
 */
export function toDeadlineMs(d: unknown, fn: string): number {
  let ms: number;
  if (typeof d === 'number') {
    if (Number.isNaN(d)) throw new RangeError(`ctxkit.${fn}: argument "d" (deadline) is NaN`);
    ms = d;
  } else if (d instanceof Date) {
    ms = d.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`ctxkit.${fn}: argument "d" (deadline) is an invalid Date`);
  } else {
    throw new TypeError(`ctxkit.${fn}: argument "d" (deadline) must be a Date or epoch milliseconds, got ${kind(d)}`);
  }
  if (ms > MAX_DATE_MS) return Infinity;
  if (ms < -MAX_DATE_MS) return -MAX_DATE_MS;
  return ms;
}

/**
 * Validates a duration in ms. Returns it unchanged: `Infinity` means none,
 * zero and negative (including `-Infinity`) mean "already due".
 */
export function toDurationMs(ms: unknown, fn: string, arg: string): number {
  if (typeof ms !== 'number') {
    throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a number of milliseconds, got ${kind(ms)}`);
  }
  if (Number.isNaN(ms)) throw new RangeError(`ctxkit.${fn}: argument "${arg}" is NaN`);
  return ms;
}

/** The epoch ms `ms` after `now`, with the same conventions as {@link toDeadlineMs}. */
export function deadlineIn(ms: number, now: number): number {
  if (ms === Infinity) return Infinity;
  const at = now + ms;
  if (at > MAX_DATE_MS) return Infinity;
  if (at < -MAX_DATE_MS) return -MAX_DATE_MS;
  return at;
}
