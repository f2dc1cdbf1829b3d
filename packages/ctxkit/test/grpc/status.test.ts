/** Context errors as gRPC statuses, and the cause of a client's cancel. */
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Canceled, DeadlineExceeded } from '../../src/index.js';
import { ClientCancelledError, isClientCancelled, statusFromContextError } from '../../src/grpc/index.js';

describe('statusFromContextError', () => {
  it.each([
    ['Canceled', Canceled, status.CANCELLED, 'context canceled'],
    ['DeadlineExceeded', DeadlineExceeded, status.DEADLINE_EXCEEDED, 'context deadline exceeded'],
    ['an error caused by Canceled', new Error('query aborted', { cause: Canceled }), status.CANCELLED, 'query aborted'],
    ['an error caused by DeadlineExceeded', new Error('too slow', { cause: DeadlineExceeded }), status.DEADLINE_EXCEEDED, 'too slow'],
    ['an AggregateError holding DeadlineExceeded', new AggregateError([new Error('x'), DeadlineExceeded], 'all failed'), status.DEADLINE_EXCEEDED, 'all failed'],
  ])('maps %s', (_name, err, code, details) => {
    expect(statusFromContextError(err)).toEqual({ code, details });
  });

  it.each([
    ['another error', new Error('boom')],
    ['an AbortError that is not Canceled', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['undefined', undefined],
    ['a string', 'context canceled'],
  ])('is undefined for %s', (_name, err) => {
    expect(statusFromContextError(err)).toBeUndefined();
  });
});

describe('ClientCancelledError', () => {
  it('says the client cancelled, by name and message', () => {
    const e = new ClientCancelledError();
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ClientCancelledError');
    expect(String(e)).toBe('ClientCancelledError: client cancelled the call or went away before it completed');
  });

  it('isClientCancelled finds it through .cause links and terminates on cycles', () => {
    const wrapped = new Error('handler gave up', { cause: new ClientCancelledError() });
    expect(isClientCancelled(wrapped)).toBe(true);
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(isClientCancelled(a)).toBe(false);
    expect(isClientCancelled(Canceled)).toBe(false);
    expect(isClientCancelled(undefined)).toBe(false);
  });
});
