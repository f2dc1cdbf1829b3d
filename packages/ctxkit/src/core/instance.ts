/**
 * The implementation in use in this process: this copy's, or the one
 * published by a copy of ctxkit loaded earlier (see shared.ts). Every entry
 * point reads the core through this module.
 */
import * as own from './api.js';
import { shared } from './shared.js';

export const core: typeof own = shared(own);
