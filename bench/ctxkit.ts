/**
 * The built package, as users get it. tsx would resolve the bare specifier
 * 'ctxkit' to the TypeScript source (the root tsconfig maps it there for
 * type-checking), so the benchmarks import the tsup output by path and take
 * only the types from 'ctxkit'. `npm run bench` builds first.
 */
import type * as Ctxkit from 'ctxkit';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const url = new URL('../packages/ctxkit/dist/index.js', import.meta.url);
/** Path of the module being measured (printed with the results). */
export const distPath = fileURLToPath(url);
if (!existsSync(distPath)) throw new Error(`${distPath} is missing: run \`npm run build\` first (npm run bench does)`);

export const ck = (await import(url.href)) as typeof Ctxkit;
