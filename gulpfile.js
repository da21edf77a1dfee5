/**
 * The build (`npm run build`).
 *
 *   typecheck  tsc over everything (nodes, credentials, tests, scripts)
 *   bundle     dist/ of the all-in-one, as scripts/build-package.js builds
 *              every package: dist/core.js with the core, the providers and
 *              zod; one small file per node and credential requiring it; icons
 *              and codex files beside them
 *   packages   every package this tree publishes (scripts/packages.js): the
 *              all-in-one staged in build/n8n-nodes-sso-link/, and each
 *              n8n-nodes-sso-link-<provider id> written as a repository of its
 *              own in build/repos/<package name>/ (`npm run split`,
 *              scripts/split.js) and built there by that repository's own
 *              gulpfile. `npm run package` packs them.
 */
const { series } = require('gulp');
const path = require('node:path');
const esbuild = require('esbuild');

const build = require('./scripts/build-package');
const { stagePackages } = require('./scripts/packages');

const root = __dirname;

async function clean() {
	await build.clean(root);
}

function typecheck(done) {
	build.typecheck(root);
	done();
}

async function bundle() {
	await build.bundle(root);
	await build.assets(root);
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

/**
 * Every package (scripts/packages.js): the all-in-one staged in
 * build/n8n-nodes-sso-link/, each per-service package split into its own
 * repository in build/repos/<package name>/ and built there by its own
 * gulpfile (scripts/split.js). Needs dist/core.js for the registry.
 */
async function packages() {
	await stagePackages(root);
}

exports.clean = clean;
exports.sandbox = sandbox;
exports.bench = bench;
exports.start = start;
exports.screenshots = screenshots;
exports.typecheck = typecheck;
exports.packages = packages;
exports.bundle = series(clean, bundle, packages);
// `npm run split`: the split repositories (and the all-in-one's folder) from the source as it is, without the typecheck.
exports.split = exports.bundle;
exports.build = series(clean, typecheck, bundle, packages);
exports.default = exports.build;
