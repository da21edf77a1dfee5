/** Tests run the built package (dist/) inside real n8n executions; see test/helpers/n8n.ts. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	testTimeout: 30000,
	setupFiles: ['<rootDir>/test/helpers/setup-env.js'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/fresh-traffic.ts'],
	reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
	// The sandbox and n8n executions are real servers and timers: run suites one
	// after another so timing-sensitive retry tests are not starved on 2 cores.
	maxWorkers: 1,
};
