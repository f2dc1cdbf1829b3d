/**
 * Fixtures of the gRPC tests: a service defined without .proto files (JSON
 * messages), real grpc-js servers on 127.0.0.1 (port 0, insecure), clients
 * with the context interceptor, and bounded waits.
 */
import {
  type Client,
  type Interceptor,
  InterceptingCall,
  Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  type UntypedServiceImplementation,
  credentials,
  makeGenericClientConstructor,
} from '@grpc/grpc-js';
import { contextInterceptor, fixGrpcTimeout } from '../../src/grpc/index.js';

const ser = (v: unknown): Buffer => Buffer.from(JSON.stringify(v ?? null));
const de = (b: Buffer): any => JSON.parse(b.toString());

function method(name: string, requestStream: boolean, responseStream: boolean) {
  return {
    path: `/ctxkit.test.Echo/${name}`,
    originalName: name.charAt(0).toLowerCase() + name.slice(1),
    requestStream,
    responseStream,
    requestSerialize: ser,
    requestDeserialize: de,
    responseSerialize: ser,
    responseDeserialize: de,
  };
}

/** One method of each kind. */
export const service = {
  Unary: method('Unary', false, false),
  Collect: method('Collect', true, false),
  List: method('List', false, true),
  Chat: method('Chat', true, true),
} satisfies ServiceDefinition;

/** The client of {@link service}: methods Unary, Collect, List, Chat. */
export interface EchoClient extends Client {
  Unary(req: unknown, ...rest: any[]): any;
  Collect(...rest: any[]): any;
  List(req: unknown, ...rest: any[]): any;
  Chat(...rest: any[]): any;
}
const EchoClientCtor = makeGenericClientConstructor(service, 'Echo') as unknown as new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options?: object,
) => EchoClient;

export interface Running {
  server: Server;
  address: string;
  /** A client with contextInterceptor() installed (unless interceptors are given). */
  client(interceptors?: Interceptor[]): EchoClient;
  close(): Promise<void>;
}

/** Starts a server with `impl` on 127.0.0.1:0; `fix` applies fixGrpcTimeout (default true). */
export async function start(impl: UntypedServiceImplementation, opts: { fix?: boolean } = {}): Promise<Running> {
  const server = new Server();
  if (opts.fix !== false) fixGrpcTimeout(server);
  server.addService(service, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  const clients: EchoClient[] = [];
  return {
    server,
    address,
    client(interceptors = [contextInterceptor()]) {
      const c = new EchoClientCtor(address, credentials.createInsecure(), { interceptors });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
}

/** Resolves once `client` is connected, so a short deadline is not spent on connecting. */
export function ready(client: Client, ms = 5_000): Promise<void> {
  return new Promise((resolve, reject) => client.waitForReady(Date.now() + ms, (err) => (err ? reject(err) : resolve())));
}

/** A unary call as a promise: resolves with the response, rejects with the ServiceError. */
export function unary(client: EchoClient, req: unknown, ...args: any[]): Promise<any> {
  return new Promise((resolve, reject) => {
    client.Unary(req, ...args, (err: ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
  });
}

/** The status (with trailers) of a unary call, alongside its result. */
export function unaryWithStatus(client: EchoClient, req: unknown, ...args: any[]): Promise<{ err: ServiceError | null; res: any; trailers: Metadata }> {
  return new Promise((resolve) => {
    let err: ServiceError | null = null;
    let res: unknown;
    const call = client.Unary(req, ...args, (e: ServiceError | null, r: unknown) => {
      err = e;
      res = r;
    });
    call.on('status', (s: { metadata: Metadata }) => setImmediate(() => resolve({ err, res, trailers: s.metadata })));
  });
}

/** A client interceptor that sets raw metadata on the way out (to send what a hand-written peer might). */
export function rawMetadata(entries: Record<string, string>): Interceptor {
  return (options, next) =>
    new InterceptingCall(next(options), {
      start(md, listener, n) {
        for (const [k, v] of Object.entries(entries)) md.set(k, v);
        n(md, listener);
      },
    });
}

/** A client interceptor that records the options the next call is made with. */
export function recordOptions(into: Array<Record<string | symbol, unknown>>): Interceptor {
  return (options, next) => {
    into.push({ ...options });
    return new InterceptingCall(next(options));
  };
}

/** Resolves when `cond()` holds; rejects after `ms`. Polls every few milliseconds. */
export async function until(cond: () => boolean, ms = 2_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A promise that can be resolved from outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export { Metadata };
