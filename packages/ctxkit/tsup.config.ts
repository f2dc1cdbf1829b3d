import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'sync/index': 'src/sync/index.ts' },
  format: ['esm', 'cjs'],
  // Internal members (/** @internal */) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true, // one shared copy of the core for every entry (instanceof, singletons)
  treeshake: true,
});
