// For editors in this repository: n8n's community-node lint over the shipped
// source (nodes/, credentials/). The published packages are linted in their
// own folders, build/<package name>/, each with n8n's default config to the
// character (`npm run lint`, scripts/lint-packages.js); here test/ and
// scripts/ are left out, as they use what n8n forbids in nodes.
import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{ ignores: ['build/**', 'test/**', 'scripts/**', 'gulpfile.js', 'index.js', 'jest.config.js', 'jest.e2e.config.js', 'eslint.config.mjs', 'examples/**'] },
];
