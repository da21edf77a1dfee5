/**
 * Every package this source tree publishes, staged as build/<package name>/
 * (README, "Install into n8n"; CONTRACT: one package per service):
 *
 *   n8n-nodes-sso-link              every provider and the SSO Link node
 *   n8n-nodes-sso-link-<id>         one per registry entry with a
 *                                   `servicePackage` (nodes/providers/index.ts):
 *                                   its node, its credential, its provider
 *                                   folder and the core, nothing else
 *
 * Each folder is a package root as n8n's tools expect one: its own source
 * (nodes/, credentials/: what n8n's lint and its scanner's source leg read),
 * dist/ bundled from that source alone (so a provider's bundle cannot hold
 * another's code), package.json with `n8n.strict: true`, n8n's default
 * eslint.config.mjs, LICENSE and a README generated from README.md.
 * build/packages.json lists them for `npm run package`, the lint, the scanner
 * and the tests.
 */
const fs = require('node:fs');
const path = require('node:path');

const ALL_IN_ONE = 'n8n-nodes-sso-link';
const REPOSITORY_URL = 'https://github.com/n8n-nodes-sso-link/n8n-nodes-sso-link';
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

/**
 * Stages every package into build/ and bundles each; returns the list
 * (also written to build/packages.json).
 */
async function stagePackages(root, bundleInto) {
	const build = path.join(root, 'build');
	fs.rmSync(build, { recursive: true, force: true });
	const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const staged = [];

	const stage = async (fields, sources, icons, codexFiles, readmeText) => {
		const dir = path.join(build, fields.name);
		for (const relative of sources) copyInto(root, dir, relative);
		await bundleInto(dir);
		// Icons beside the source (n8n's lint checks the paths the nodes name) and in dist/.
		for (const icon of icons) {
			copyInto(root, dir, path.join('icons', icon));
			copyInto(root, path.join(dir, 'dist'), path.join('icons', icon));
		}
		for (const codex of codexFiles) {
			const json = JSON.parse(fs.readFileSync(path.join(root, codex), 'utf8'));
			// The codex names the node type, which n8n prefixes with the package's name.
			json.node = `${fields.name}.${json.node.split('.').pop()}`;
			const to = path.join(dir, 'dist', codex);
			fs.mkdirSync(path.dirname(to), { recursive: true });
			fs.writeFileSync(to, `${JSON.stringify(json, null, '\t')}\n`);
		}
		fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson(rootPackage, fields), null, 2)}\n`);
		fs.writeFileSync(path.join(dir, 'eslint.config.mjs'), DEFAULT_ESLINT_CONFIG);
		fs.copyFileSync(path.join(root, 'LICENSE'), path.join(dir, 'LICENSE'));
		fs.writeFileSync(path.join(dir, 'README.md'), readmeText);
		staged.push({ name: fields.name, dir: path.relative(root, dir), nodes: fields.nodes, credentials: fields.credentials });
	};

	await stage(
		{
			name: ALL_IN_ONE,
			description: rootPackage.description,
			homepage: rootPackage.homepage,
			keywords: rootPackage.keywords,
			nodes: rootPackage.n8n.nodes,
			credentials: rootPackage.n8n.credentials,
		},
		['nodes', 'credentials'],
		fs.readdirSync(path.join(root, 'icons')),
		fs.readdirSync(path.join(root, 'nodes'))
			.map((node) => `nodes/${node}/${node}.node.json`)
			.filter((codex) => fs.existsSync(path.join(root, codex))),
		readme,
	);

	for (const provider of readRegistry(root)) {
		const service = provider.servicePackage;
		if (!service) continue;
		const name = `${ALL_IN_ONE}-${provider.provider.id}`;
		const fields = {
			name,
			description: service.description,
			homepage: `${REPOSITORY_URL}#${provider.provider.displayName.toLowerCase()}`,
			keywords: [...SHARED_KEYWORDS, ...service.keywords],
			nodes: [`dist/nodes/${service.node}/${service.node}.node.js`],
			credentials: [`dist/credentials/${service.credential}.credentials.js`],
		};
		await stage(
			fields,
			[
				'nodes/shared',
				`nodes/providers/${provider.folder}`,
				`nodes/${service.node}`,
				`credentials/${service.credential}.credentials.ts`,
				'credentials/authentication.ts',
			],
			[`${service.icon}.svg`, `${service.icon}.dark.svg`],
			[`nodes/${service.node}/${service.node}.node.json`],
			serviceReadme(readme, { ...fields }, provider),
		);
	}
	fs.writeFileSync(path.join(build, 'packages.json'), `${JSON.stringify(staged, null, 2)}\n`);
	return staged;
}

/** The staged packages (after `npm run build`). */
function listPackages(root) {
	const file = path.join(root, 'build/packages.json');
	if (!fs.existsSync(file)) throw new Error('build/packages.json is missing: run `npm run build` first');
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

module.exports = { ALL_IN_ONE, DEFAULT_ESLINT_CONFIG, REPOSITORY_URL, listPackages, stagePackages };
