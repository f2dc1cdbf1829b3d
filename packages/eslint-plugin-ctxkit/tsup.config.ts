import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  // ESLint 9 loads flat configs as ES modules; the plugin ships as one.
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  treeshake: true,
  // The user's own ESLint, never bundled (only its types are imported).
  external: ['eslint'],
});
