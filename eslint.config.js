import js from '@eslint/js';
import { tsImport } from 'tsx/esm/api';
import tseslint from 'typescript-eslint';

// The repository lints itself with its own plugin, loaded from the TypeScript
// source so that `npm run lint` works before `npm run build` (and never lints
// with a stale dist/).
const { default: ctxkit } = await tsImport('./packages/eslint-plugin-ctxkit/src/index.ts', import.meta.url);

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // ctxkit/no-lost-cancel, for every file that imports 'ctxkit' (examples, bench, package tests).
  ctxkit.configs.recommended,
);
