/**
 * Every test starts as in a freshly started n8n process: the package's
 * gates (nodes/shared/gate.ts) live as long as the process, so a
 * Retry-After or a rate learned in one test would otherwise hold the next one.
 * The module is dist/core.js, the very instance the loaded nodes use.
 */
import path from 'node:path';

import { PACKAGE_ROOT } from './n8n';

beforeEach(() => {
	const core = require(path.join(PACKAGE_ROOT, 'dist/core.js')) as Record<string, { TRAFFIC?: { clear(): void } }>;
	core['nodes/shared/gate'].TRAFFIC?.clear();
});
