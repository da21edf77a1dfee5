// n8n's own community-node lint, exactly as `@n8n/node-cli` ships it; it covers
// the shipped code (nodes/, credentials/, package.json) and nothing else.
import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{ ignores: ['test/**', 'scripts/**', 'gulpfile.js', 'index.js', 'jest.config.js', 'eslint.config.mjs', 'examples/**'] },
];
