/**
 * The packages `npm run build` makes (scripts/packages.js): one per service,
 * made from the registry, each a repository of its own in build/repos/<name>/
 * (scripts/split.js) holding nothing of another provider; n8n's lint really
 * reads each one's own source (a planted violation fails it), and the gate
 * replay (`npm run scan`, scripts/scan.mjs) fails on a split repository
 * without its package.json or with a `repository.directory`. `npm run lint`
 * and `npm run scan` check the packages themselves; test/e2e/split.e2e.test.ts
 * clones, builds and pushes the repositories.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROVIDERS } from '../../nodes/providers';
import type { ProviderModule } from '../../nodes/shared/provider';

const root = path.resolve(__dirname, '../..');
const { ALL_IN_ONE, DEFAULT_ESLINT_CONFIG, REPOSITORY_URL, listPackages, splitRepositoryUrl, splitServices } = require('../../scripts/packages') as {
	ALL_IN_ONE: string;
	DEFAULT_ESLINT_CONFIG: string;
	REPOSITORY_URL: string;
	listPackages(root: string): Array<{ name: string; dir: string; repository: string; commit?: string }>;
	splitRepositoryUrl(name: string): string;
	splitServices(root: string): { repos: Array<{ name: string; commit: string; created: boolean }> };
};
const { SPLIT_DEV_DEPENDENCIES } = require('../../scripts/split') as { SPLIT_DEV_DEPENDENCIES: string[] };

const packages = listPackages(root);
const services = Object.entries(PROVIDERS as Record<string, ProviderModule>).filter(([, module]) => module.servicePackage);

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath, entry.name));
}

const dirOf = (name: string) => path.join(root, packages.find((entry) => entry.name === name)!.dir);

function manifest(name: string) {
	return JSON.parse(readFileSync(path.join(dirOf(name), 'package.json'), 'utf8')) as Record<string, any>;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** What would show that a package holds another provider: its id, name, credential type and SSO Link values. */
function traces(module: ProviderModule): string[] {
	const values = module.ssoTargets.map((target) => target.value);
	const credentialTypes = module.ssoTargets.map((target) => target.credentialType);
	// Custom's id and display name are plain words ("custom", "Provider"): its credential type names it.
	return module.servicePackage
		? [module.provider.id, module.provider.displayName, ...values, ...credentialTypes]
		: credentialTypes;
}

it('builds the all-in-one and one package per registry entry with a servicePackage, named as CONTRACT.md fixes', () => {
	expect(packages.map((entry) => entry.name)).toEqual([
		ALL_IN_ONE,
		...services.map(([, module]) => `${ALL_IN_ONE}-${module.provider.id}`),
	]);
	expect(services.map(([, module]) => module.provider.id).sort()).toEqual(['cpanel', 'directadmin', 'hostup', 'installatron', 'mailup', 'plesk', 'whmcs', 'wisecp']);
});

describe.each(services)('the %s package', (folder, module) => {
	const name = `${ALL_IN_ONE}-${module.provider.id}`;
	const dir = dirOf(name);
	const service = module.servicePackage!;

	it('is a repository of its own: build/repos/<name>/, branch main, one commit naming this repository\'s commit, nothing uncommitted', () => {
		expect(path.relative(root, dir)).toBe(path.join('build', 'repos', name));
		expect(git(dir, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
		expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
		expect(git(dir, 'log', '-1', '--format=%s')).toBe(
			`Split of ${REPOSITORY_URL}@${git(root, 'rev-parse', 'HEAD')}${git(root, 'status', '--porcelain') ? ' with uncommitted changes' : ''}`,
		);
		// dist/ (its own build) and nothing else is there beside what is committed.
		expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
		expect(packages.find((entry) => entry.name === name)!.commit).toBe(git(dir, 'rev-parse', 'HEAD'));
	});

	it("holds its own source and what builds it, nothing of another provider's folders", () => {
		const files = git(dir, 'ls-files').split('\n');
		const own = [`nodes/${service.node}/`, `nodes/providers/${folder}/`, 'nodes/shared/', `icons/${service.icon}.`];
		expect(files.filter((file) => !own.some((prefix) => file.startsWith(prefix)))).toEqual([
			'.github/workflows/release.yml',
			'.gitignore',
			'.npmrc',
			'LICENSE',
			'README.md',
			`credentials/${service.credential}.credentials.ts`,
			'credentials/authentication.ts',
			'eslint.config.mjs',
			'gulpfile.js',
			'package-lock.json',
			'package.json',
			'scripts/build-package.js',
			'tsconfig.json',
		]);
		expect(readFileSync(path.join(dir, 'scripts/build-package.js'), 'utf8')).toBe(readFileSync(path.join(root, 'scripts/build-package.js'), 'utf8'));
	});

	it("its lockfile is this repository's, cut to its devDependencies: the same versions, nothing re-resolved", () => {
		const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
		const rootLock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
		expect(lock.packages[''].devDependencies).toEqual(manifest(name).devDependencies);
		for (const [at, entry] of Object.entries(lock.packages as Record<string, unknown>)) {
			if (at !== '') expect([at, entry]).toEqual([at, rootLock.packages[at]]);
		}
		for (const dependency of SPLIT_DEV_DEPENDENCIES) expect(lock.packages[`node_modules/${dependency}`]).toBeDefined();
		expect(lock.packages['node_modules/n8n-core']).toBeUndefined();
	});

	it('holds its node and credential only, strict, no runtime dependencies, n8n-workflow as peer, its own repository', () => {
		const pkg = manifest(name);
		const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
		expect(pkg).toMatchObject({
			name,
			version: rootPackage.version,
			license: 'MIT',
			files: ['dist'],
			homepage: `${splitRepositoryUrl(name)}#readme`,
			repository: { type: 'git', url: `git+https://github.com/n8n-nodes-sso-link/${name}.git` },
			scripts: { build: 'gulp build', lint: 'n8n-node lint' },
			devDependencies: Object.fromEntries(SPLIT_DEV_DEPENDENCIES.map((dependency) => [dependency, rootPackage.devDependencies[dependency]])),
			peerDependencies: { 'n8n-workflow': '*' },
			n8n: {
				n8nNodesApiVersion: 1,
				strict: true,
				nodes: [`dist/nodes/${service.node}/${service.node}.node.js`],
				credentials: [`dist/credentials/${service.credential}.credentials.js`],
			},
		});
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.repository.directory).toBeUndefined();
		expect(pkg.keywords).toEqual(expect.arrayContaining(['n8n-community-node-package', ...service.keywords]));
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(path.join(dir, file))).toBe(true);
		expect(readdirSync(path.join(dir, 'dist/nodes'))).toEqual([service.node]);
		expect(readdirSync(path.join(dir, 'dist/credentials'))).toEqual([`${service.credential}.credentials.js`]);
	});

	it("names its node type by its package in the codex, and its node by its provider id (README's commands that move workflows rely on it)", () => {
		const codex = JSON.parse(readFileSync(path.join(dir, `dist/nodes/${service.node}/${service.node}.node.json`), 'utf8'));
		const nodeName = codex.node.split('.').pop() as string;
		expect(codex.node).toBe(`${name}.${nodeName}`);
		expect(nodeName.toLowerCase()).toBe(module.provider.id);
	});

	it('has light and dark icons, LICENSE with the bundled notices, and n8n\'s default lint config to the character', () => {
		expect(readdirSync(path.join(dir, 'dist/icons')).sort()).toEqual([`${service.icon}.dark.svg`, `${service.icon}.svg`]);
		expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync(path.join(root, 'LICENSE'), 'utf8'));
		expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toContain('zod');
		expect(readFileSync(path.join(dir, 'eslint.config.mjs'), 'utf8').replace(/\s+/g, ' ').trim()).toBe(
			"import { config } from '@n8n/node-cli/eslint'; export default config;",
		);
		expect(readFileSync(path.join(dir, 'eslint.config.mjs'), 'utf8')).toBe(DEFAULT_ESLINT_CONFIG);
	});

	it("README carries README.md's section for the provider, not a copy kept by hand", () => {
		const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
		const heading = `## ${module.provider.displayName}`;
		const start = readme.indexOf(`\n${heading}\n`) + 1;
		const end = readme.indexOf('\n## ', start + heading.length);
		const section = readme.slice(start, end).trim().replace(/\]\(#/g, `](${REPOSITORY_URL}#`);
		expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(section);
		expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(`## Source\n\nThis repository is generated from [n8n-nodes-sso-link](${REPOSITORY_URL})`);
	});

	it('its bundle and manifest contain nothing of another provider', () => {
		const others = Object.entries(PROVIDERS as Record<string, ProviderModule>)
			.filter(([other]) => other !== folder)
			.flatMap(([, other]) => traces(other));
		const shipped = [...filesUnder(path.join(dir, 'dist')), path.join(dir, 'package.json')].filter((file) => /\.(js|json)$/.test(file));
		const found = shipped.flatMap((file) => {
			const text = readFileSync(file, 'utf8').toLowerCase();
			return others.filter((trace) => text.includes(trace.toLowerCase())).map((trace) => `${path.relative(dir, file)}: ${trace}`);
		});
		expect(found).toEqual([]);
		// And it does carry its own, so the check above can see a provider when one is there.
		expect(readFileSync(path.join(dir, 'dist/core.js'), 'utf8')).toContain(module.ssoTargets[0].value);
	});
});

it('a second split of the same source changes nothing: the same tree, the same commit, no new one', () => {
	const { repos } = splitServices(root);
	expect(repos.map(({ name, commit, created }) => ({ name, commit, created }))).toEqual(
		packages.filter((entry) => entry.name !== ALL_IN_ONE).map((entry) => ({ name: entry.name, commit: entry.commit, created: false })),
	);
	for (const entry of packages.filter((candidate) => candidate.name !== ALL_IN_ONE)) {
		expect(git(path.join(root, entry.dir), 'status', '--porcelain', '--untracked-files=all')).toBe('');
	}
});

describe("n8n's lint in a package's own folder (scripts/lint-packages.js)", () => {
	const probe = path.join(root, 'build', 'probe-hostup');
	const lint = () => {
		try {
			return { code: 0, output: execFileSync(process.execPath, [path.join(root, 'scripts/lint-packages.js'), probe], { cwd: root, encoding: 'utf8' }) };
		} catch (error) {
			const failed = error as { status: number; stdout: string };
			return { code: failed.status, output: failed.stdout };
		}
	};

	beforeEach(() => {
		rmSync(probe, { recursive: true, force: true });
		cpSync(dirOf(`${ALL_IN_ONE}-hostup`), probe, { recursive: true });
	});
	afterAll(() => rmSync(probe, { recursive: true, force: true }));

	it('reads every source file of the package and passes it', () => {
		const sources = git(probe, 'ls-files').split('\n').filter((file) => /\.(ts|js|mjs)$/.test(file));
		const result = lint();
		// Every .ts file, the build's .js files, eslint.config.mjs (ESLint reads .js and .mjs by default) and package.json.
		expect(result.output).toContain(`probe-hostup: ${sources.length + 1} files, 0 problems, cloud-support eligible: passed`);
		expect(result.code).toBe(0);
	}, 60_000);

	it.each([
		['the node', 'nodes/HostUp/HostUp.node.ts'],
		['the core', 'nodes/shared/runner.ts'],
		['the credential', 'credentials/HostUpApi.credentials.ts'],
	])('fails on a violation planted in %s (%s)', (_, file) => {
		// n8n Cloud's rules forbid `process` in a community node.
		writeFileSync(path.join(probe, file), `${readFileSync(path.join(probe, file), 'utf8')}\nexport const planted = process.env.HOME;\n`);
		const result = lint();
		expect(result.code).toBe(1);
		expect(result.output).toContain(file);
		expect(result.output).toMatch(/[1-9]\d* problems, cloud-support eligible: FAILED/);
	}, 60_000);

	it('calls a package whose eslint.config.mjs is not the default not eligible', () => {
		writeFileSync(path.join(probe, 'eslint.config.mjs'), "import { config } from '@n8n/node-cli/eslint';\n\nexport default [...config, { ignores: ['x'] }];\n");
		const result = lint();
		expect(result.code).toBe(1);
		expect(result.output).toContain('cloud-support NOT eligible: FAILED');
	}, 60_000);
});

describe("n8n's gate replayed on the source a release attests (scripts/scan.mjs)", () => {
	const name = `${ALL_IN_ONE}-hostup`;
	const probe = path.join(root, 'build', 'probe-gate');
	/** The replay for the hostup package, its source taken from the probe repository as committed. */
	const replay = () => {
		try {
			execFileSync('git', ['-c', 'user.name=probe', '-c', 'user.email=probe@example.com', 'commit', '--quiet', '--allow-empty', '--all', '-m', 'planted'], { cwd: probe });
			const output = execFileSync(process.execPath, [path.join(root, 'scripts/scan.mjs'), '--only', name, '--source-repo', probe], { cwd: root, encoding: 'utf8' });
			return { code: 0, output };
		} catch (error) {
			const failed = error as { status: number; stdout: string };
			return { code: failed.status, output: failed.stdout };
		}
	};
	const editManifest = (edit: (pkg: Record<string, any>) => void) => {
		const pkg = JSON.parse(readFileSync(path.join(probe, 'package.json'), 'utf8'));
		edit(pkg);
		writeFileSync(path.join(probe, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
	};

	beforeEach(() => {
		rmSync(probe, { recursive: true, force: true });
		execFileSync('git', ['clone', '--quiet', dirOf(name), probe]);
	});
	afterAll(() => rmSync(probe, { recursive: true, force: true }));

	it('passes the split repository as it is', () => {
		const result = replay();
		expect(result.output).toContain(`gate, ${name} (source: build/probe-gate): passed`);
		expect(result.code).toBe(0);
	}, 60_000);

	it('fails when the repository has no package.json of that name, as the real gate does', () => {
		rmSync(path.join(probe, 'package.json'));
		const result = replay();
		expect(result.code).toBe(1);
		expect(result.output).toContain(`the attested source holds no package.json named ${name}`);
		expect(result.output).toContain('unlocatable source repository');
	}, 60_000);

	it("fails on a repository.directory (n8n's no-monorepo)", () => {
		editManifest((pkg) => (pkg.repository.directory = 'packages/hostup'));
		const result = replay();
		expect(result.code).toBe(1);
		expect(result.output).toContain('package.json has repository.directory "packages/hostup"');
	}, 60_000);

	it('fails when the package sits below the repository root', () => {
		execFileSync('git', ['mv', 'package.json', 'nodes/package.json'], { cwd: probe });
		const result = replay();
		expect(result.code).toBe(1);
		expect(result.output).toContain(`${name} is in nodes/, not at the repository's root`);
	}, 60_000);

	it('fails when repository.url names another repository than the one it is published from', () => {
		editManifest((pkg) => (pkg.repository.url = `git+${REPOSITORY_URL}.git`));
		const result = replay();
		expect(result.code).toBe(1);
		expect(result.output).toContain(`not ${splitRepositoryUrl(name)}, where it is published from`);
	}, 60_000);

	it('lints the committed source, not the built package: a violation only there fails the source leg', () => {
		writeFileSync(path.join(probe, 'nodes/shared/urls.ts'), `${readFileSync(path.join(probe, 'nodes/shared/urls.ts'), 'utf8')}\nexport const planted = process.env.HOME;\n`);
		const result = replay();
		expect(result.code).toBe(1);
		expect(result.output).toContain('source leg: ESLint violations found');
		expect(result.output).toContain('nodes/shared/urls.ts');
	}, 60_000);
});
