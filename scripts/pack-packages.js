/**
 * `npm run package`: packs every package (build/<package name>/,
 * scripts/packages.js) into the repository root as
 * `<package name>-<version>.tgz`, and prints their paths. Run after
 * `npm run build`.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const { listPackages } = require('./packages');

const root = path.resolve(__dirname, '..');

for (const entry of listPackages(root)) {
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], {
		cwd: path.join(root, entry.dir),
		encoding: 'utf8',
	}).trim().split('\n').pop();
	process.stdout.write(`${path.join(root, tarball)}\n`);
}
