/** End-to-end: the packed package in a real n8n (CLI) against the sandbox. `npm run test:e2e`. */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['**/*.e2e.test.ts'],
	testTimeout: 120000,
	testPathIgnorePatterns: ['/node_modules/'],
	// n8n runs in its own processes there.
	setupFilesAfterEnv: [],
};
