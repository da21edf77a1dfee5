/**
 * Every package this source tree publishes (README, "Install into n8n";
 * CONTRACT: one package per service):
 *
 *   n8n-nodes-sso-link              every provider and the SSO Link node,
 *                                   published from this repository; staged in
 *                                   build/n8n-nodes-sso-link/
 *   n8n-nodes-sso-link-<id>         one per registry entry with a
 *                                   `servicePackage` (nodes/providers/index.ts):
 *                                   its node, its credential, its provider
 *                                   folder and the core, nothing else;
 *                                   published from a repository of its own,
 *                                   written by scripts/split.js to
 *                                   build/repos/<package name>/ and built there
 *                                   by that repository's own gulpfile
 *
 * Each folder is a package root as n8n's tools expect one: its own source
 * (nodes/, credentials/: what n8n's lint and its scanner's source leg read),
 * dist/ bundled from that source alone (so a provider's bundle cannot hold
 * another's code), package.json with `n8n.strict: true`, n8n's default
 * eslint.config.mjs, LICENSE and a README generated from README.md.
 * build/packages.json lists them for `npm run package`, the lint, the scanner
 * and the tests.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { assets, bundle } = require('./build-package');
const { splitManifest, splitRepositories } = require('./split');

const ALL_IN_ONE = 'n8n-nodes-sso-link';
/** The GitHub owner of this repository and of every split repository (CONTRACT: `https://github.com/<owner>/<package name>`). */
const GITHUB_OWNER_URL = 'https://github.com/n8n-nodes-sso-link';
const REPOSITORY_URL = `${GITHUB_OWNER_URL}/${ALL_IN_ONE}`;
/** Where a per-service package's source lives and its provenance points. */
const splitRepositoryUrl = (name) => `${GITHUB_OWNER_URL}/${name}`;
/** What `npx n8n-node cloud-support` requires, to the character (whitespace aside). */
const DEFAULT_ESLINT_CONFIG = "import { config } from '@n8n/node-cli/eslint';\n\nexport default config;\n";
const SHARED_KEYWORDS = ['n8n-community-node-package', 'n8n', 'sso', 'login-link'];

function copyInto(root, target, relative) {
	const from = path.join(root, relative);
	const to = path.join(target, relative);
	fs.mkdirSync(path.dirname(to), { recursive: true });
	fs.cpSync(from, to, { recursive: true });
}

/** The registry, read from the all-in-one's built core (dist/core.js). */
function readRegistry(root) {
	const corePath = path.join(root, 'dist/core.js');
	delete require.cache[require.resolve(corePath)];
	const { PROVIDERS } = require(corePath)['nodes/providers/index'];
	return Object.entries(PROVIDERS).map(([folder, module]) => ({ folder, ...module }));
}

/** The README.md section under `## <heading>`, up to the next `## `. */
function readmeSection(readme, heading) {
	const lines = readme.split('\n');
	const start = lines.findIndex((line) => line === `## ${heading}`);
	if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
	const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
	return lines.slice(start, end < 0 ? undefined : end).join('\n').trim();
}

/** Text between `<!-- name -->` and `<!-- /name -->` in README.md. */
function readmeBlock(readme, name) {
	const match = new RegExp(`<!-- ${name} -->\\n([\\s\\S]*?)<!-- /${name} -->`).exec(readme);
	if (!match) throw new Error(`README.md has no <!-- ${name} --> block`);
	return match[1].trim();
}

/** Links of README.md that point into the repository, made absolute for a README published alone. */
function absoluteLinks(markdown) {
	return markdown.replace(/\]\((?!https?:|mailto:)([^)\s]*)\)/g, (_, target) =>
		target.startsWith('#') ? `](${REPOSITORY_URL}${target})` : `](${REPOSITORY_URL}/blob/main/${target})`,
	);
}

function serviceReadme(readme, pkg, provider) {
	const name = provider.provider.displayName;
	return `${absoluteLinks(
		[
			`# ${pkg.name}`,
			pkg.description,
			`This is the ${name} node of [n8n-nodes-sso-link](${REPOSITORY_URL}) as a package of its own: the same node, credential, parameters and output, without the other providers, so that n8n can verify it (n8n verifies one service per package) and n8n Cloud can install it.`,
			'## Which package to install',
			readmeBlock(readme, 'package-choice'),
			readmeSection(readme, 'Login links are credentials'),
			readmeSection(readme, name),
			'## More',
			`The link output, Return All, speed and rate limits, errors and Continue On Fail, and examples are described in the [n8n-nodes-sso-link manual](${REPOSITORY_URL}#readme); everything there about ${name} holds for this package.`,
			'## Source',
			`This repository is generated from [n8n-nodes-sso-link](${REPOSITORY_URL}) by its \`npm run split\` at every release, and read-only: issues, changes and pull requests go to [n8n-nodes-sso-link](${REPOSITORY_URL}), whose tests run this package in a real n8n. Each commit here names the commit it was made from. Here, \`npm ci\`, \`npm run build\` and \`npm run lint\` build the package and run n8n's community-node lint; a version tag publishes it to npm with provenance (\`.github/workflows/release.yml\`).`,
			'## License',
			'MIT (see LICENSE), with the notices of the libraries bundled into `dist/core.js`.',
		].join('\n\n'),
	)}\n`;
}

function packageJson(rootPackage, fields) {
	return {
		name: fields.name,
		version: rootPackage.version,
		description: fields.description,
		license: rootPackage.license,
		homepage: fields.homepage,
		author: rootPackage.author,
		repository: rootPackage.repository,
		keywords: fields.keywords,
		files: ['dist'],
		engines: rootPackage.engines,
		n8n: { n8nNodesApiVersion: 1, strict: true, credentials: fields.credentials, nodes: fields.nodes },
		peerDependencies: rootPackage.peerDependencies,
	};
}

/** What scripts/split.js needs to write the repository of each per-service package. */
function servicePackages(root, rootPackage, readme) {
	return readRegistry(root)
		.filter((provider) => provider.servicePackage)
		.map((provider) => {
			const service = provider.servicePackage;
			const name = `${ALL_IN_ONE}-${provider.provider.id}`;
			const fields = {
				name,
				description: service.description,
				keywords: [...SHARED_KEYWORDS, ...service.keywords],
				nodes: [`dist/nodes/${service.node}/${service.node}.node.js`],
				credentials: [`dist/credentials/${service.credential}.credentials.js`],
			};
			return {
				manifest: splitManifest(rootPackage, fields, splitRepositoryUrl(name)),
				sources: [
					'nodes/shared',
					`nodes/providers/${provider.folder}`,
					`nodes/${service.node}`,
					`credentials/${service.credential}.credentials.ts`,
					'credentials/authentication.ts',
				],
				icons: [`${service.icon}.svg`, `${service.icon}.dark.svg`],
				codexFiles: [`nodes/${service.node}/${service.node}.node.json`],
				readme: serviceReadme(readme, fields, provider),
			};
		});
}

/**
 * Runs `npm run build` of each split repository (its gulpfile), two at a time,
 * with this repository's node_modules linked in as its own (the versions of
 * its lockfile, which is cut from ours): the bundle is then the one a fresh
 * clone of it builds, file for file.
 */
async function buildSplitRepositories(root, dirs) {
	const gulp = path.join(root, 'node_modules/gulp/bin/gulp.js');
	for (const dir of dirs) {
		const link = path.join(dir, 'node_modules');
		if (!fs.existsSync(link)) fs.symlinkSync(path.relative(dir, path.join(root, 'node_modules')), link, 'dir');
	}
	const buildOne = (dir) =>
		new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [gulp, 'build', '--cwd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
			let output = '';
			child.stdout.on('data', (chunk) => (output += chunk));
			child.stderr.on('data', (chunk) => (output += chunk));
			child.on('error', reject);
			child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build in ${path.relative(root, dir)} failed:\n${output}`))));
		});
	const queue = [...dirs];
	await Promise.all([0, 1].map(async () => {
		while (queue.length > 0) await buildOne(queue.shift());
	}));
}

/**
 * Writes and commits the repository of every per-service package
 * (scripts/split.js) from the source as it is; needs dist/core.js for the
 * registry. Returns what it split and each repository's commit.
 */
function splitServices(root) {
	const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const services = servicePackages(root, rootPackage, readme);
	const repos = splitRepositories(root, services, {
		rootLock: JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')),
		eslintConfig: DEFAULT_ESLINT_CONFIG,
		license: fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'),
		sourceUrl: REPOSITORY_URL,
	});
	return { services, repos };
}

/**
 * Stages the all-in-one into build/n8n-nodes-sso-link/, writes each
 * per-service repository into build/repos/<name>/ and builds it there;
 * returns the list (also written to build/packages.json).
 */
async function stagePackages(root) {
	const build = path.join(root, 'build');
	const dir = path.join(build, ALL_IN_ONE);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.rmSync(path.join(build, 'packages.json'), { force: true });
	const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

	for (const relative of ['nodes', 'credentials', 'icons']) copyInto(root, dir, relative);
	await bundle(dir);
	await assets(dir);
	const allInOne = {
		name: ALL_IN_ONE,
		description: rootPackage.description,
		homepage: rootPackage.homepage,
		keywords: rootPackage.keywords,
		nodes: rootPackage.n8n.nodes,
		credentials: rootPackage.n8n.credentials,
	};
	fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson(rootPackage, allInOne), null, 2)}\n`);
	fs.writeFileSync(path.join(dir, 'eslint.config.mjs'), DEFAULT_ESLINT_CONFIG);
	fs.copyFileSync(path.join(root, 'LICENSE'), path.join(dir, 'LICENSE'));
	fs.writeFileSync(path.join(dir, 'README.md'), readme);

	const { services, repos } = splitServices(root);
	// Repositories of packages the registry no longer has are not left behind to be tested or pushed.
	const reposDir = path.join(build, 'repos');
	for (const stale of fs.readdirSync(reposDir).filter((name) => !repos.some((repo) => repo.name === name))) {
		fs.rmSync(path.join(reposDir, stale), { recursive: true, force: true });
	}
	await buildSplitRepositories(root, repos.map((repo) => repo.dir));

	const staged = [
		{ name: ALL_IN_ONE, dir: path.relative(root, dir), nodes: allInOne.nodes, credentials: allInOne.credentials, repository: REPOSITORY_URL },
		...services.map((service, index) => ({
			name: service.manifest.name,
			dir: path.relative(root, repos[index].dir),
			nodes: service.manifest.n8n.nodes,
			credentials: service.manifest.n8n.credentials,
			repository: splitRepositoryUrl(service.manifest.name),
			commit: repos[index].commit,
		})),
	];
	fs.writeFileSync(path.join(build, 'packages.json'), `${JSON.stringify(staged, null, 2)}\n`);
	return { staged, repos };
}

/** The staged packages (after `npm run build`). */
function listPackages(root) {
	const file = path.join(root, 'build/packages.json');
	if (!fs.existsSync(file)) throw new Error('build/packages.json is missing: run `npm run build` first');
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

module.exports = { ALL_IN_ONE, DEFAULT_ESLINT_CONFIG, REPOSITORY_URL, listPackages, splitRepositoryUrl, splitServices, stagePackages };
