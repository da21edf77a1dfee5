/**
 * `npm run lint`: n8n's community-node lint, as n8n runs it before verifying,
 * in every package's own folder (build/<package name>/, scripts/packages.js):
 *   - ESLint with that folder's eslint.config.mjs, which is n8n's default
 *     config to the character, over the package's own source (nodes/,
 *     credentials/, package.json); a folder with no file to lint fails;
 *   - `n8n-node cloud-support`, which must call the package *eligible*.
 *
 *   node scripts/lint-packages.js            every package of build/packages.json
 *   node scripts/lint-packages.js <dir>...   those folders only
 * Run after `npm run build`.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const { listPackages } = require('./packages');

const root = path.resolve(__dirname, '..');

// eslint-plugin-n8n-nodes-base judges a fixed file name of its own tests when
// NODE_ENV is "test" (as jest sets it), not the file it lints; n8n lints
// without it.
delete process.env.NODE_ENV;

async function lintPackage(dir) {
	const { ESLint } = require('eslint');
	const eslint = new ESLint({ cwd: dir });
	const results = await eslint.lintFiles(['.']);
	const problems = results.filter((result) => result.errorCount + result.warningCount > 0);
	const report = problems.length > 0 ? (await eslint.loadFormatter('stylish')).format(problems) : '';
	const cloudSupport = execFileSync(process.execPath, [path.join(root, 'node_modules/@n8n/node-cli/bin/n8n-node.mjs'), 'cloud-support'], {
		cwd: dir,
		encoding: 'utf8',
		// picocolors colours its answer wherever CI is set (as on CI), which
		// splits "Status: eligible" with escape codes: ask for plain text, and
		// strip any code that comes anyway.
		env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
	}).replace(/\u001b\[[0-9;]*m/g, '');
	return {
		files: results.map((result) => path.relative(dir, result.filePath)),
		errors: results.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0),
		report,
		eligible: /Status: eligible/.test(cloudSupport) && !/NOT eligible/.test(cloudSupport),
	};
}

async function main() {
	const dirs = process.argv.length > 2
		? process.argv.slice(2).map((dir) => path.resolve(dir))
		: listPackages(root).map((entry) => path.join(root, entry.dir));
	let failed = false;
	for (const dir of dirs) {
		const result = await lintPackage(dir);
		const ok = result.errors === 0 && result.files.length > 0 && result.eligible;
		failed ||= !ok;
		process.stdout.write(
			`lint, ${path.basename(dir)}: ${result.files.length} files, ${result.errors} problems, cloud-support ${result.eligible ? 'eligible' : 'NOT eligible'}: ${ok ? 'passed' : 'FAILED'}\n`,
		);
		if (result.report) process.stdout.write(result.report);
	}
	process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error.stack ?? error}\n`);
		process.exitCode = 1;
	});
}

module.exports = { lintPackage };
