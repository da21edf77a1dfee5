/**
 * The build.
 *
 *   typecheck  tsc over everything (nodes, credentials, tests)
 *   bundle     each *.node.ts / *.credentials.ts into one CommonJS file in dist/
 *              with its run-time libraries (zod) inlined, so the published
 *              package has no runtime dependencies; n8n-workflow stays external
 *              because n8n provides it
 *   assets     SVG icons and codex (*.node.json) files next to the bundles
 */
const { src, dest, series, parallel } = require('gulp');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = __dirname;
const dist = path.join(root, 'dist');

function listEntries(dir, suffix) {
	const found = [];
	for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })) {
		if (entry.isFile() && entry.name.endsWith(suffix)) {
			found.push(path.join(entry.parentPath ?? entry.path, entry.name));
		}
	}
	return found.sort();
}

async function clean() {
	await fs.promises.rm(dist, { recursive: true, force: true });
}

function typecheck(done) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		cwd: root,
		stdio: 'inherit',
	});
	done();
}

async function bundle() {
	const entryPoints = [
		...listEntries('nodes', '.node.ts'),
		...listEntries('credentials', '.credentials.ts'),
	];
	await esbuild.build({
		entryPoints,
		outbase: root,
		outdir: dist,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['n8n-workflow'],
		sourcemap: false,
		legalComments: 'none',
		logLevel: 'warning',
	});
}

function icons() {
	return src('icons/*.svg', { encoding: false }).pipe(dest('dist/icons'));
}

function codex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

/** A development tool (not shipped) as one runnable file in .cache/. */
function tool(entry, outfile) {
	return async function bundleTool() {
		await esbuild.build({
			entryPoints: [path.join(root, entry)],
			outfile: path.join(root, '.cache', outfile),
			bundle: true,
			platform: 'node',
			target: 'node20',
			format: 'cjs',
			external: ['playwright-core'],
			logLevel: 'warning',
		});
	};
}

/** The provider sandbox, for `npm run sandbox` and `npm start`. */
const sandbox = tool('test/sandbox/cli.ts', 'sandbox.js');

/** The benchmark, for `npm run bench`. */
const bench = tool('test/bench/bench.ts', 'bench.js');

/** `npm start`: the sandbox and a real n8n with this package. */
const start = tool('scripts/start.ts', 'start.js');

/** `npm run screenshots`: the README's pictures of the editor. */
const screenshots = tool('scripts/screenshots.ts', 'screenshots.js');

exports.clean = clean;
exports.sandbox = sandbox;
exports.bench = bench;
exports.start = start;
exports.screenshots = screenshots;
exports.typecheck = typecheck;
exports.bundle = series(clean, parallel(bundle, icons, codex));
exports.build = series(clean, typecheck, parallel(bundle, icons, codex));
exports.default = exports.build;
