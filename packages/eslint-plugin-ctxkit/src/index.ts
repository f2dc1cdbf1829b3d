/**
 * eslint-plugin-ctxkit — lint rules for code that uses ctxkit.
 *
 * Flat config (ESLint 9):
 *
 * ```js
 * import ctxkit from 'eslint-plugin-ctxkit';
 * export default [ctxkit.configs.recommended];
 * ```
 *
 * @packageDocumentation
 */
import type { ESLint, Linter, Rule } from 'eslint';
import { noLostCancel } from './no-lost-cancel.js';

export type { NoLostCancelOptions } from './options.js';

/** The plugin object: register it under the name `ctxkit`. */
export interface CtxkitPlugin extends ESLint.Plugin {
  readonly meta: { readonly name: string; readonly version: string };
  readonly rules: { readonly 'no-lost-cancel': Rule.RuleModule };
  readonly configs: {
    /** `{ plugins: { ctxkit }, rules: { 'ctxkit/no-lost-cancel': 'error' } }`, for a flat config array. */
    readonly recommended: Linter.Config;
  };
}

const configs: { recommended: Linter.Config } = { recommended: {} };

const plugin: CtxkitPlugin = {
  // Kept equal to package.json's by a test.
  meta: { name: 'eslint-plugin-ctxkit', version: '0.1.0' },
  rules: { 'no-lost-cancel': noLostCancel },
  configs,
};

configs.recommended = {
  name: 'ctxkit/recommended',
  plugins: { ctxkit: plugin },
  rules: { 'ctxkit/no-lost-cancel': 'error' },
};

export default plugin;
