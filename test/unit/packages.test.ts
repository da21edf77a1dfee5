/**
 * The packages `npm run build` stages in build/ (scripts/packages.js): one
 * per service, made from the registry, holding nothing of another provider;
 * and n8n's lint really reads each one's own source (a planted violation
 * fails it). `npm run lint` and `npm run scan` check the packages themselves.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROVIDERS } from '../../nodes/providers';
import type { ProviderModule } from '../../nodes/shared/provider';

const root = path.resolve(__dirname, '../..');
const { ALL_IN_ONE, DEFAULT_ESLINT_CONFIG, REPOSITORY_URL, listPackages } = require('../../scripts/packages') as {
	ALL_IN_ONE: string;
	DEFAULT_ESLINT_CONFIG: string;
	REPOSITORY_URL: string;
	listPackages(root: string): Array<{ name: string; dir: string }>;
};

const packages = listPackages(root);
const services = Object.entries(PROVIDERS as Record<string, ProviderModule>).filter(([, module]) => module.servicePackage);

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath, entry.name));
}

function manifest(name: string) {
	return JSON.parse(readFileSync(path.join(root, 'build', name, 'package.json'), 'utf8')) as Record<string, any>;
}

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
	expect(services.map(([, module]) => module.provider.id).sort()).toEqual(['cpanel', 'hostup', 'installatron', 'mailup', 'whmcs', 'wisecp']);
});

describe.each(services)('the %s package', (folder, module) => {
	const name = `${ALL_IN_ONE}-${module.provider.id}`;
	const dir = path.join(root, 'build', name);
	const service = module.servicePackage!;

	it('holds its node and credential only, strict, no runtime dependencies, n8n-workflow as peer', () => {
		const pkg = manifest(name);
		const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
		expect(pkg).toMatchObject({
			name,
			version: rootPackage.version,
			license: 'MIT',
			files: ['dist'],
			repository: rootPackage.repository,
			peerDependencies: { 'n8n-workflow': '*' },
			n8n: {
				n8nNodesApiVersion: 1,
				strict: true,
				nodes: [`dist/nodes/${service.node}/${service.node}.node.js`],
				credentials: [`dist/credentials/${service.credential}.credentials.js`],
			},
		});
		expect(pkg.dependencies).toBeUndefined();
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
		cpSync(path.join(root, 'build', `${ALL_IN_ONE}-hostup`), probe, { recursive: true });
	});
	afterAll(() => rmSync(probe, { recursive: true, force: true }));

	it('reads every source file of the package and passes it', () => {
		const sources = filesUnder(probe).filter((file) => file.endsWith('.ts') && !file.includes(`${path.sep}dist${path.sep}`));
		const result = lint();
		// Every .ts file, package.json and eslint.config.mjs (ESLint reads .mjs by default).
		expect(result.output).toContain(`probe-hostup: ${sources.length + 2} files, 0 problems, cloud-support eligible: passed`);
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
