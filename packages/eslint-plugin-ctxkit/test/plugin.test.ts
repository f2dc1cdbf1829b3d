/** The plugin object, its flat config and the rule through ESLint's own entry points. */
import { readFileSync } from 'node:fs';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

const LEAKY = `import { withTimeout } from 'ctxkit';
export async function handler(parent, ok) {
  const [ctx, cancel] = withTimeout(parent, 200);
  if (!ok) return;
  try { await work(ctx); } finally { cancel(); }
}
`;

describe('eslint-plugin-ctxkit', () => {
  it('names itself after its package, at its version', () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
  });

  it('has the rule no-lost-cancel, a problem with messages and an options schema', () => {
    const rule = plugin.rules['no-lost-cancel'];
    expect(Object.keys(plugin.rules)).toEqual(['no-lost-cancel']);
    expect(rule.meta?.type).toBe('problem');
    expect(rule.meta?.schema).toBeInstanceOf(Array);
    expect(Object.keys(rule.meta?.messages ?? {})).toEqual(
      expect.arrayContaining(['discarded', 'neverCalled', 'lostCancel', 'returnReached', 'throwReached', 'endReached']),
    );
  });

  it('recommended is a flat config that registers the plugin as ctxkit and makes the rule an error', () => {
    expect(plugin.configs.recommended.plugins).toEqual({ ctxkit: plugin });
    expect(plugin.configs.recommended.rules).toEqual({ 'ctxkit/no-lost-cancel': 'error' });
    expect(plugin.configs.recommended.plugins?.['ctxkit']).toBe(plugin);
  });

  it('reports through Linter with the recommended config, with espree and with typescript-eslint', () => {
    for (const languageOptions of [{}, { parser: tseslint.parser }]) {
      const linter = new Linter({ configType: 'flat' });
      const messages = linter.verify(LEAKY, [{ files: ['**/*.js'], languageOptions }, plugin.configs.recommended], 'handler.js');
      expect(messages.map((m) => [m.ruleId, m.line, m.message])).toEqual([
        ['ctxkit/no-lost-cancel', 3, 'the cancel function returned by withTimeout is not used on all paths (possible context leak)'],
        ['ctxkit/no-lost-cancel', 4, 'this return statement may be reached without calling cancel (defined on line 3)'],
      ]);
    }
  });

  it('reports through the ESLint class with an inline flat config', async () => {
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const [result] = await eslint.lintText(LEAKY, { filePath: 'handler.js' });
    expect(result?.errorCount).toBe(2);
    expect(result?.messages.every((m) => m.ruleId === 'ctxkit/no-lost-cancel' && m.severity === 2)).toBe(true);
  });

  it('honours an eslint-disable comment for a deliberate case', () => {
    const code = `import { background, withCancel } from 'ctxkit';
// Lives as long as the process: cancelled by nobody on purpose.
// eslint-disable-next-line ctxkit/no-lost-cancel -- lives as long as the process
const [root, _] = withCancel(background());
export { root };
`;
    const linter = new Linter({ configType: 'flat' });
    expect(linter.verify(code, [plugin.configs.recommended], 'root.js')).toEqual([]);
  });

  it('honours a disable/enable pair around a function with a path report', () => {
    const code = `/* eslint-disable ctxkit/no-lost-cancel -- deliberate */
${LEAKY}/* eslint-enable ctxkit/no-lost-cancel */
`;
    const linter = new Linter({ configType: 'flat' });
    expect(linter.verify(code, [plugin.configs.recommended], 'handler.js')).toEqual([]);
  });

  it('rejects unknown options', () => {
    const linter = new Linter({ configType: 'flat' });
    const verify = (options: unknown) =>
      linter.verify('let x;', [plugin.configs.recommended, { rules: { 'ctxkit/no-lost-cancel': ['error', options] } }]);
    expect(verify({ importSources: ['ctxkit', '/^@acme\\/ctx$/'] })).toEqual([]);
    expect(() => verify({ modules: ['ctxkit'] })).toThrow(/ctxkit\/no-lost-cancel/);
  });

  it('does not touch files that never mention ctxkit', () => {
    const linter = new Linter({ configType: 'flat' });
    const code = 'function withCancel(p) { return [p, () => {}]; }\nwithCancel(1);\n';
    expect(linter.verify(code, [plugin.configs.recommended], 'other.js')).toEqual([]);
  });
});
