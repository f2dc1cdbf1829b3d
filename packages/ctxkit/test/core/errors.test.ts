import { describe, expect, it } from 'vitest';
import { Canceled, CanceledError, DeadlineExceeded, DeadlineExceededError, isCanceled, isDeadlineExceeded } from '../../src/index.js';

describe('sentinel errors', () => {
  it('Canceled is a CanceledError named AbortError with message "context canceled"', () => {
    expect(Canceled).toBeInstanceOf(CanceledError);
    expect(Canceled).toBeInstanceOf(Error);
    expect(Canceled.name).toBe('AbortError');
    expect(Canceled.message).toBe('context canceled');
    expect(String(Canceled)).toBe('AbortError: context canceled');
  });

  it('DeadlineExceeded is a DeadlineExceededError named TimeoutError with message "context deadline exceeded"', () => {
    expect(DeadlineExceeded).toBeInstanceOf(DeadlineExceededError);
    expect(DeadlineExceeded).toBeInstanceOf(Error);
    expect(DeadlineExceeded.name).toBe('TimeoutError');
    expect(DeadlineExceeded.message).toBe('context deadline exceeded');
  });

  it('the classes keep their names for new instances and accept a cause', () => {
    const inner = new Error('inner');
    const e = new CanceledError('custom', { cause: inner });
    expect(e.name).toBe('AbortError');
    expect(e.message).toBe('custom');
    expect(e.cause).toBe(inner);
    expect(new CanceledError().message).toBe('context canceled');
    expect(new DeadlineExceededError().name).toBe('TimeoutError');
    expect(new DeadlineExceededError().message).toBe('context deadline exceeded');
  });
});

function chain(end: unknown, depth: number): Error {
  let e: unknown = end;
  for (let i = 0; i < depth; i++) e = new Error(`wrap ${i}`, { cause: e });
  return e as Error;
}

describe.each([
  ['isCanceled', isCanceled, Canceled, DeadlineExceeded],
  ['isDeadlineExceeded', isDeadlineExceeded, DeadlineExceeded, Canceled],
] as const)('%s', (_name, is, sentinel, other) => {
  it('is true for the sentinel itself', () => {
    expect(is(sentinel)).toBe(true);
  });

  it('is false for the other sentinel, other errors and non-errors', () => {
    expect(is(other)).toBe(false);
    expect(is(new Error(sentinel.message))).toBe(false);
    for (const v of [undefined, null, 0, '', sentinel.message, {}, [], Symbol('x')]) expect(is(v)).toBe(false);
  });

  it('compares by identity, not by class or name', () => {
    const lookalike = sentinel === Canceled ? new CanceledError() : new DeadlineExceededError();
    expect(is(lookalike)).toBe(false);
    expect(is(new DOMException('x', sentinel.name))).toBe(false);
    expect(is({ name: sentinel.name, message: sentinel.message })).toBe(false);
  });

  it('follows .cause links', () => {
    expect(is(chain(sentinel, 1))).toBe(true);
    expect(is(chain(sentinel, 50))).toBe(true);
    expect(is(chain(other, 50))).toBe(false);
  });

  it('follows AggregateError.errors, also nested in causes', () => {
    expect(is(new AggregateError([new Error('a'), sentinel]))).toBe(true);
    expect(is(new AggregateError([new Error('a'), chain(sentinel, 3)]))).toBe(true);
    expect(is(chain(new AggregateError([new AggregateError([sentinel])]), 2))).toBe(true);
    expect(is(new AggregateError([new Error('a'), other]))).toBe(false);
    expect(is(new AggregateError([]))).toBe(false);
  });

  it('follows the cause of an AggregateError as well as its errors', () => {
    expect(is(new AggregateError([new Error('a')], 'agg', { cause: sentinel }))).toBe(true);
  });

  it('terminates on cyclic cause chains', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(is(a)).toBe(false);
    const self = new Error('self');
    (self as { cause?: unknown }).cause = self;
    expect(is(self)).toBe(false);
    const c = new Error('c', { cause: b });
    (b as { cause?: unknown }).cause = new AggregateError([a, sentinel]);
    expect(is(c)).toBe(true);
  });

  it('terminates on cyclic aggregates', () => {
    const agg = new AggregateError([]);
    (agg.errors as unknown[]).push(agg, new Error('x', { cause: agg }));
    expect(is(agg)).toBe(false);
    (agg.errors as unknown[]).push(sentinel);
    expect(is(agg)).toBe(true);
  });

  it('handles a very long cause chain without overflowing the stack', () => {
    expect(is(chain(sentinel, 20_000))).toBe(true);
  });
});
