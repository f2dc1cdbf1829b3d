import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'sync/index': 'src/sync/index.ts', 'grpc/index': 'src/grpc/index.ts', 'http/index': 'src/http/index.ts', 'node/index': 'src/node/index.ts', 'debug/index': 'src/debug/index.ts' },
  format: ['esm', 'cjs'],
  // Internal members (/** @internal */) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true, // one shared copy of the core for every entry (instanceof, singletons)
  treeshake: true,
  // Keep `node:` specifiers in ctxkit/node: Deno and Bun resolve built-ins by them.
  removeNodeProtocol: false,
  // Optional peer dependency of ctxkit/grpc: the user's own copy, never bundled.
  external: ['@grpc/grpc-js', /^node:/],
});
