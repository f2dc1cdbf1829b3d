/**
 * How a handler's outcome becomes the call's status and trailers: a
 * context error answers with its status (CANCELLED, DEADLINE_EXCEEDED), an
 * error with a numeric gRPC `code` keeps it, anything else is grpc-js's
 * UNKNOWN. The request id in force is echoed in the trailing metadata.
 */
import { Metadata, type ServerErrorResponse, type StatusObject, status as Status } from '@grpc/grpc-js';
import { REQUEST_ID_HEADER } from '../http/index.js';
import { statusFromContextError } from './status.js';

/** Trailing metadata echoing `id`: `base` (copied) plus `x-request-id` unless it has one. */
export function echoTrailer(id: string, base?: unknown): Metadata {
  if (!(base instanceof Metadata)) {
    const md = new Metadata(); // fresh: nothing to look up first
    md.set(REQUEST_ID_HEADER, id);
    return md;
  }
  const md = base.clone();
  if (md.get(REQUEST_ID_HEADER).length === 0) md.set(REQUEST_ID_HEADER, id);
  return md;
}

/**
 * What grpc-js is given to fail a call with `err`, the request id echoed in
 * its metadata. An error with an integer `code` (a gRPC status) keeps its
 * code and details; a context error becomes its status; anything else
 * keeps grpc-js's treatment (UNKNOWN, with the error's message).
 */
export function errorResponse(err: unknown, id: string): Partial<StatusObject> {
  const e = (err !== null && typeof err === 'object' ? err : {}) as Partial<ServerErrorResponse>;
  const metadata = echoTrailer(id, e.metadata);
  const message = typeof e.message === 'string' ? e.message : err === null || typeof err !== 'object' ? String(err) : 'Unknown Error';
  if (typeof e.code === 'number' && Number.isInteger(e.code)) {
    return { code: e.code, details: typeof e.details === 'string' ? e.details : message, metadata };
  }
  const s = statusFromContextError(err);
  if (s !== undefined) return { code: s.code, details: s.details, metadata };
  return { code: Status.UNKNOWN, details: message, metadata };
}
