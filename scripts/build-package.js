/**
 * How one package of this tree is built, the same everywhere: by this
 * repository's gulpfile.js for the all-in-one, and, copied verbatim by
 * `npm run split`, by the gulpfile.js of each per-service repository
 * (scripts/split.js), so a tarball is built by one path wherever it is made.
 *
 *   clean      dist/ removed
 *   typecheck  tsc over the package's tsconfig.json
 *   bundle     dist/core.js: everything under nodes/shared/, nodes/providers/,
 *              credentials/authentication.ts and their run-time libraries (zod)
 *              in one CommonJS file, so the package has no runtime dependencies;
 *              then each *.node.ts and *.credentials.ts into its own file that
 *              requires dist/core.js by a relative path. n8n loads the core once
 *              per process, and with it the gates every node shares (the rate
 *              limit is the provider's, not a node's). n8n-workflow stays external:
 *              n8n provides it.
 *   assets     icons/*.svg and the codex files (nodes/<Node>/<Node>.node.json)
 *              beside the bundles
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Libraries bundled into dist/core.js; each one's licence notice is in LICENSE. */
const BUNDLED_LIBRARIES = ['zod'];

const ESBUILD_COMMON = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	external: ['n8n-workflow'],
	sourcemap: false,
	legalComments: 'none',
	logLevel: 'warning',
	// Paths in the bundle (its module comments and keys) stay as the package sees
	// them, relative to the package, even where node_modules is a link to another
	// folder's (as in build/repos/ here): the same source gives the same dist/.
	preserveSymlinks: true,
};

function listEntries(base, dir, suffix) {
	const from = path.join(base, dir);
	if (!fs.existsSync(from)) return [];
	const found = [];
	for (const entry of fs.readdirSync(from, { withFileTypes: true, recursive: true })) {
		if (entry.isFile() && entry.name.endsWith(suffix)) {
			found.push(path.join(entry.parentPath ?? entry.path, entry.name));
		}
	}
	return found.sort();
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
	return [...listEntries(base, 'nodes', '.ts'), ...listEntries(base, 'credentials', '.ts')]
		.map((file) => path.relative(base, file).replace(/\\/g, '/').replace(/\.ts$/, ''))
		.filter(isCoreModule);
}

/** The file an import of the package's own code resolves to, as isCoreModule names it. */
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

async function clean(base) {
	await fs.promises.rm(path.join(base, 'dist'), { recursive: true, force: true });
}

function typecheck(base) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [base] }), '-p', 'tsconfig.json'], {
		cwd: base,
		stdio: 'inherit',
	});
}

/** Bundles the package whose source is in `base` into `base`/dist (see the top of this file). */
async function bundle(base) {
	const esbuild = require(require.resolve('esbuild', { paths: [base] }));
	const out = path.join(base, 'dist');
	const modules = coreModules(base);
	const core = await esbuild.build({
		...ESBUILD_COMMON,
		absWorkingDir: base,
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
	const entries = [...listEntries(base, 'nodes', '.node.ts'), ...listEntries(base, 'credentials', '.credentials.ts')];
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
			absWorkingDir: base,
			entryPoints,
			outbase: base,
			outdir: out,
			plugins: [useCore(base, requireCore.startsWith('.') ? requireCore : `./${requireCore}`)],
		});
	}
}

/** Icons and codex files beside the bundles, where the nodes' `file:` paths and n8n look for them. */
async function assets(base) {
	for (const icon of listEntries(base, 'icons', '.svg')) {
		const to = path.join(base, 'dist', path.relative(base, icon));
		await fs.promises.mkdir(path.dirname(to), { recursive: true });
		await fs.promises.copyFile(icon, to);
	}
	for (const codex of listEntries(base, 'nodes', '.node.json')) {
		const to = path.join(base, 'dist', path.relative(base, codex));
		await fs.promises.mkdir(path.dirname(to), { recursive: true });
		await fs.promises.copyFile(codex, to);
	}
}

/** The whole build of the package in `base`, as its `npm run build` runs it. */
async function buildPackage(base) {
	await clean(base);
	typecheck(base);
	await bundle(base);
	await assets(base);
}

module.exports = { BUNDLED_LIBRARIES, assets, buildPackage, bundle, clean, isCoreModule, typecheck };
