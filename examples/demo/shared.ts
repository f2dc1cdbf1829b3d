/**
 * What the demo's processes share: the two gRPC services (defined without
 * a .proto, with JSON messages), the messages a service process sends the
 * demo over its IPC channel, and `reportHop`, with which every handler
 * tells the demo what its context saw.
 */
import type { Client, ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Canceled, type Context, DeadlineExceeded, afterFunc, cause } from 'ctxkit';
import { isClientCancelled } from 'ctxkit/grpc';
import { isClientDisconnected, requestId } from 'ctxkit/http';

// --- the services ------------------------------------------------------------

const json = {
  requestSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b: Buffer) => JSON.parse(b.toString()),
  responseSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b: Buffer) => JSON.parse(b.toString()),
};

/** Service A: orders. */
export const ordersService = {
  GetOrder: { path: '/demo.Orders/GetOrder', requestStream: false, responseStream: false, ...json },
  Quote: { path: '/demo.Orders/Quote', requestStream: false, responseStream: false, ...json },
};

/** Service B: prices. */
export const pricesService = {
  Price: { path: '/demo.Prices/Price', requestStream: false, responseStream: false, ...json },
};

export interface GetOrderRequest {
  order: string;
  /** How long B takes to price it. */
  priceMs: number;
}
export interface QuoteRequest {
  items: string[];
  /** The item B cannot price (it fails fast); the others take 1 s. */
  fail: string;
}
export interface PriceRequest {
  item: string;
  workMs: number;
  fail: boolean;
}
export interface PriceReply {
  item: string;
  cents: number;
}

/** Time each hop spends on its own work before calling the next one, so the budget visibly shrinks. */
export const HOP_WORK_MS = 20;

/** Calls a unary method of a grpc-js client as a promise. Without `options`, the interceptor takes the current context. */
export function unary<Res>(client: Client, method: string, request: unknown, options: object = {}): Promise<Res> {
  const fn = (client as unknown as Record<string, Function>)[method]!;
  return new Promise((resolve, reject) => {
    fn.call(client, request, options, (err: ServiceError | null, res: Res) => (err ? reject(err) : resolve(res)));
  });
}

/** The gRPC status name of an error from a call ("DEADLINE_EXCEEDED"), or undefined for another error. */
export function grpcCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? status[code] : undefined;
}

// --- what the processes tell the demo ----------------------------------------

/** How an error or cause is shown: a kind to test against and a text to print. */
export interface Described {
  kind: 'Canceled' | 'DeadlineExceeded' | 'ClientDisconnected' | 'ClientCancelled' | 'grpc' | 'other';
  text: string;
}

/** A hop's context was made: the request reached it. */
export interface ArriveReport {
  type: 'arrive';
  id: string;
  hop: string;
  label: string;
  /** Budget left when the context was made, in ms; null without a deadline. */
  remainingMs: number | null;
  pid: number;
}

/** A hop's context ended. */
export interface EndReport {
  type: 'end';
  id: string;
  hop: string;
  label: string;
  err: Described;
  cause: Described;
  /** When the hop saw its context end: epoch ms, sub-millisecond, comparable across processes on one host. */
  at: number;
}

export type ChildMessage = { type: 'ready'; port: number } | ArriveReport | EndReport;
export type ParentMessage = { type: 'shutdown' };

/** Epoch ms with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function describe(e: unknown): Described {
  if (e === Canceled) return { kind: 'Canceled', text: 'Canceled' };
  if (e === DeadlineExceeded) return { kind: 'DeadlineExceeded', text: 'DeadlineExceeded' };
  if (isClientDisconnected(e)) return { kind: 'ClientDisconnected', text: `${(e as Error).name}: ${(e as Error).message}` };
  if (isClientCancelled(e)) return { kind: 'ClientCancelled', text: `${(e as Error).name}: ${(e as Error).message}` };
  const code = grpcCode(e);
  if (code !== undefined) return { kind: 'grpc', text: `${code}: ${(e as ServiceError).details}` };
  return { kind: 'other', text: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

/** Sends a message to the demo (IPC), or prints it when the process runs on its own. */
export function send(msg: ChildMessage): void {
  if (process.send !== undefined) process.send(msg);
  else console.log(JSON.stringify(msg));
}

/**
 * Reports that a request reached `hop` with `ctx` (its request id and the
 * budget left), and, once `ctx` ends, how it ended: its `err()` and
 * `cause()`. `label` tells apart several calls of one request to one hop.
 */
export function reportHop(hop: string, ctx: Context, label = ''): void {
  const id = requestId(ctx) ?? '<none>';
  const d = ctx.deadline();
  send({ type: 'arrive', id, hop, label, remainingMs: d === undefined ? null : d.getTime() - Date.now(), pid: process.pid });
  afterFunc(ctx, () => send({ type: 'end', id, hop, label, err: describe(ctx.err()), cause: describe(cause(ctx)), at: now() }));
}

// --- running as a child process of the demo ----------------------------------

/**
 * Starts a service process: `start` listens on 127.0.0.1 port 0 and
 * returns the port and how to stop. The port goes to the demo over IPC; a
 * `shutdown` message stops the service (bounded: 2 s) and exits; losing
 * the demo (its IPC channel closes) exits at once, so no process outlives it.
 */
export async function serveChild(start: () => Promise<{ port: number; close: () => Promise<void> }>): Promise<void> {
  const { port, close } = await start();
  send({ type: 'ready', port });
  if (process.send === undefined) return; // on its own: serve until killed
  process.on('message', (msg: ParentMessage) => {
    if (msg.type !== 'shutdown') return;
    const bound = setTimeout(() => process.exit(0), 2_000);
    void close().finally(() => {
      clearTimeout(bound);
      process.exit(0);
    });
  });
  process.on('disconnect', () => process.exit(1));
}
