/**
 * The build.
 *
 *   typecheck  tsc over everything (nodes, credentials, tests)
 *   bundle     dist/core.js: the core, the providers and their run-time
 *              libraries (zod) in one CommonJS file, so the published package
 *              has no runtime dependencies; then each *.node.ts and
 *              *.credentials.ts into its own file in dist/ that requires
 *              dist/core.js relatively for all of that. The core is thereby
 *              loaded once per process, and with it the traffic controllers
 *              every node shares (nodes/shared/traffic.ts). n8n-workflow stays
 *              external because n8n provides it.
 *   assets     SVG icons and codex (*.node.json) files next to the bundles
 *   packages   build/<package name>/: every package this tree publishes, each
 *              a folder n8n's tools accept as a package root: the all-in-one
 *              n8n-nodes-sso-link and one n8n-nodes-sso-link-<provider id> per
 *              registry entry with a `servicePackage` (nodes/providers/index.ts).
 *              Each holds its own source (what n8n's lint and scanner read),
 *              its dist/ bundled from that source alone, package.json, README
 *              (generated from README.md), LICENSE and n8n's default
 *              eslint.config.mjs. `npm run package` packs them.
 */
const { src, dest, series, parallel } = require('gulp');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const { stagePackages } = require('./scripts/packages');

const root = __dirname;
const dist = path.join(root, 'dist');

function listEntries(dir, suffix, base = root) {
	const found = [];
	for (const entry of fs.readdirSync(path.join(base, dir), { withFileTypes: true, recursive: true })) {
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

/** Source files (relative, no extension) that go into dist/core.js rather than into each entry. */
function isCoreModule(relative) {
	return (
		relative.startsWith('nodes/shared/') ||
		relative.startsWith('nodes/providers/') ||
		relative === 'credentials/authentication'
	);
}

function coreModules(base) {
	return [...listEntries('nodes', '.ts', base), ...listEntries('credentials', '.ts', base)]
		.map((file) => path.relative(base, file).replace(/\\/g, '/').replace(/\.ts$/, ''))
		.filter(isCoreModule);
}

/** The file an import of the project's own code resolves to, as isCoreModule names it. */
function projectModule(base, resolveDir, request) {
	const absolute = path.resolve(resolveDir, request);
	for (const candidate of [`${absolute}.ts`, path.join(absolute, 'index.ts'), absolute]) {
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
			return path.relative(base, candidate).replace(/\\/g, '/').replace(/\.ts$/, '');
		}
	}
	return undefined;
}

/**
 * Replaces every import of a core module in an entry with a property of
 * dist/core.js, required by a path relative to the entry's output file.
 */
function useCore(base, requireCore) {
	return {
		name: 'use-core',
		setup(build) {
			build.onResolve({ filter: /.*/ }, (args) => {
				if (args.kind === 'entry-point') return undefined;
				if (args.namespace === 'core') return { path: args.path, external: true };
				if (!args.path.startsWith('.')) {
					if (args.path === 'n8n-workflow' || args.path.startsWith('node:')) return undefined;
					// A library used outside the core would be a second copy of it in dist/.
					return { errors: [{ text: `${args.path}: import it in nodes/shared/ or nodes/providers/, not in a node or credential` }] };
				}
				const key = projectModule(base, args.resolveDir, args.path);
				return key && isCoreModule(key) ? { path: key, namespace: 'core' } : undefined;
			});
			build.onLoad({ filter: /.*/, namespace: 'core' }, (args) => ({
				contents: `module.exports = require(${JSON.stringify(requireCore)})[${JSON.stringify(args.path)}];`,
				loader: 'js',
			}));
		},
	};
}

const ESBUILD_COMMON = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	external: ['n8n-workflow'],
	sourcemap: false,
	legalComments: 'none',
	logLevel: 'warning',
};

/** Libraries bundled into dist/core.js; each one's licence notice is in LICENSE. */
const BUNDLED_LIBRARIES = ['zod'];

/** Bundles the package whose source is in `base` into `base`/dist (see the top of this file). */
async function bundleInto(base) {
	const out = path.join(base, 'dist');
	const modules = coreModules(base);
	const core = await esbuild.build({
		...ESBUILD_COMMON,
		metafile: true,
		stdin: {
			contents: `module.exports = {\n${modules
				.map((name) => `\t${JSON.stringify(name)}: require(${JSON.stringify(`./${name}`)}),`)
				.join('\n')}\n};\n`,
			resolveDir: base,
			sourcefile: 'core.js',
			loader: 'js',
		},
		outfile: path.join(out, 'core.js'),
	});
	const bundled = new Set(
		Object.keys(core.metafile.inputs)
			.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
			.filter(Boolean),
	);
	const unlisted = [...bundled].filter((name) => !BUNDLED_LIBRARIES.includes(name));
	if (unlisted.length > 0) {
		throw new Error(`dist/core.js bundles ${unlisted.join(', ')}: add each licence notice to LICENSE and the name to BUNDLED_LIBRARIES`);
	}
	const entries = [...listEntries('nodes', '.node.ts', base), ...listEntries('credentials', '.credentials.ts', base)];
	// Entries at the same depth share the relative path to dist/core.js.
	const byCorePath = new Map();
	for (const entry of entries) {
		const outDir = path.dirname(path.join(out, path.relative(base, entry)));
		const requireCore = path.relative(outDir, path.join(out, 'core.js')).replace(/\\/g, '/');
		byCorePath.set(requireCore, [...(byCorePath.get(requireCore) ?? []), entry]);
	}
	for (const [requireCore, entryPoints] of byCorePath) {
		await esbuild.build({
			...ESBUILD_COMMON,
			entryPoints,
			outbase: base,
			outdir: out,
			plugins: [useCore(base, requireCore.startsWith('.') ? requireCore : `./${requireCore}`)],
		});
	}
}

async function bundle() {
	await bundleInto(root);
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

/** build/<package name>/ for every package (scripts/packages.js); needs dist/core.js for the registry. */
async function packages() {
	await stagePackages(root, bundleInto);
}

exports.clean = clean;
exports.sandbox = sandbox;
exports.bench = bench;
exports.start = start;
exports.screenshots = screenshots;
exports.typecheck = typecheck;
exports.packages = packages;
exports.bundle = series(clean, parallel(bundle, icons, codex), packages);
exports.build = series(clean, typecheck, parallel(bundle, icons, codex), packages);
exports.default = exports.build;
