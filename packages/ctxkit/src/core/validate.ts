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

/** The members every Context has, as error messages list them. */
const MEMBERS = 'deadline(), err(), value() and signal';

/**
 * The first of the four Context members `v` lacks, as printed in errors;
 * undefined if it has them all. `signal` is tested with `in`, not read: on
 * a user-written context reading it may run a getter that creates an
 * AbortController, which ctxkit reads only when it needs the signal.
 */
function missingMember(v: object): string | undefined {
  const c = v as Partial<Context>;
  if (typeof c.deadline !== 'function') return 'deadline()';
  if (typeof c.err !== 'function') return 'err()';
  if (typeof c.value !== 'function') return 'value()';
  if (!('signal' in v)) return 'signal';
  return undefined;
}

/**
 * Throws unless `v` is usable as a Context: ctxkit's own, or an object with
 * `deadline()`, `err()` and `value()` methods and a `signal` property.
 * Every constructor calls this on its parent and every helper on its ctx,
 * so a forgotten parent or a missing member fails where it is passed, not
 * deep in a later cancellation.
 *
 * @throws {TypeError} naming `fn`, `arg` and, for an incomplete object, the
 *   missing member; also for an object whose members cannot be read (a
 *   revoked Proxy, a throwing getter), with what it threw as `cause`.
 */
export function checkContext(v: unknown, fn: string, arg: string): asserts v is Context {
  if (isOwn(v, fn, arg)) return;
  checkOther(v, fn, arg);
}

/**
 * `v instanceof Ctx`, the hot path of every call. Kept apart from the slow
 * checks: a try/catch there made afterFunc+stop four times slower (measured).
 */
function isOwn(v: unknown, fn: string, arg: string): boolean {
  try {
    return v instanceof Ctx;
  } catch (e) {
    // A revoked Proxy (or a throwing getPrototypeOf trap).
    return unreadable(fn, arg, e);
  }
}

/** Throws for an object whose members cannot even be looked at: still this argument's fault. */
function unreadable(fn: string, arg: string, e: unknown): never {
  throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a Context, got an object whose members cannot be read`, { cause: e });
}

/** The checks for anything that is not one of ctxkit's own contexts. */
function checkOther(v: unknown, fn: string, arg: string): void {
  if (v === null || v === undefined) {
    const what = arg === 'parent' ? 'cannot create context from nil parent' : 'nil context';
    throw new TypeError(`ctxkit.${fn}: ${what} (argument "${arg}" is ${v})`);
  }
  let missing: string | undefined;
  try {
    missing = typeof v === 'object' ? missingMember(v) : undefined;
  } catch (e) {
    unreadable(fn, arg, e);
  }
  if (typeof v !== 'object' || missing !== undefined) {
    const got = missing === undefined ? kind(v) : `an object that has no ${missing}`;
    throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a Context (an object with ${MEMBERS}), got ${got}`);
  }
}

/** Validates a constructor's parent argument. */
export function checkParent(parent: unknown, fn: string): asserts parent is Context {
  checkContext(parent, fn, 'parent');
}

// The intrinsic, kept from load: it reads no clock, and a fake Date
// installed later must not change which objects count as Dates.
const dateGetTime = Date.prototype.getTime;

/**
 * The time value of a Date from any realm (a `vm` context, an iframe), where
 * `instanceof Date` fails; undefined for anything else. getTime checks the
 * internal date slot, so an object merely claiming to be a Date (through
 * Symbol.toStringTag or a getTime method of its own) is not one.
 */
function dateMs(d: unknown): number | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  try {
    return dateGetTime.call(d);
  } catch {
    return undefined;
  }
}

/**
 * Converts a deadline argument (epoch ms, or a Date of any realm) to epoch
 * ms. `Infinity` and instants past the range of Date mean "no deadline of
 * its own" (returned as Infinity); very early instants clamp to the
 * earliest Date (already expired).
 *
 * @throws {RangeError} for NaN or an invalid Date; {TypeError} for anything else.
 */
export function toDeadlineMs(d: unknown, fn: string): number {
  let ms: number;
  if (typeof d === 'number') {
    if (Number.isNaN(d)) throw new RangeError(`ctxkit.${fn}: argument "d" (deadline) is NaN`);
    ms = d;
  } else {
    const t = dateMs(d);
    if (t === undefined) {
      throw new TypeError(`ctxkit.${fn}: argument "d" (deadline) must be a Date or epoch milliseconds, got ${kind(d)}`);
    }
    if (Number.isNaN(t)) throw new RangeError(`ctxkit.${fn}: argument "d" (deadline) is an invalid Date`);
    ms = t;
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
