/**
 * Every package this tree publishes, as n8n installs community packages
 * (README, "Install into n8n"): each per-service package alone, all of them
 * together, the all-in-one beside a per-service package, and a saved
 * workflow moved from the all-in-one to a per-service package and back with
 * the commands README gives.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { request } from 'undici';

import { openLink } from '../helpers/assertions';
import { ssoLinkSchema } from '../../nodes/shared/schemas';
import { hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { INSTALLATRON_INSTALLS } from '../sandbox/installatron';
import { Sandbox } from '../sandbox/server';
import { WHMCS_CLIENT } from '../sandbox/whmcs';
import { N8nInstance, PACKAGE_ROOT, SANDBOX_CREDENTIALS, manualWorkflow, packPackage, sandboxCredentials } from './n8n-cli';
import type { ExecutionResult, N8nServer } from './n8n-cli';

const { ALL_IN_ONE, listPackages } = require('../../scripts/packages') as {
	ALL_IN_ONE: string;
	listPackages(root: string): Array<{ name: string; dir: string }>;
};

const OWNER = { email: 'owner@example.com', password: 'SsoLink-E2e-1', firstName: 'E2E', lastName: 'Owner' };
const rl = (value: string) => ({ __rl: true, mode: 'id', value });

/** Per provider id: its node, its credential, a Create SSO Link against the sandbox, and the output it must give. */
const SERVICES: Record<string, { node: string; credential: keyof typeof SANDBOX_CREDENTIALS; parameters: Record<string, unknown>; output: [string, string] }> = {
	hostup: {
		node: 'hostUp',
		credential: 'hostUpApi',
		parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: rl(hostUpAccountId(0)), siteId: rl(hostUpSiteId(0, 0)) },
		output: ['hostup', 'wordpressAdmin'],
	},
	installatron: {
		node: 'installatron',
		credential: 'installatronApi',
		parameters: { resource: 'install', operation: 'createSsoLink', installId: rl(INSTALLATRON_INSTALLS.wordpress) },
		output: ['installatron', 'applicationAdmin'],
	},
	mailup: { node: 'mailUp', credential: 'mailUpApi', parameters: { resource: 'console', operation: 'createSsoLink' }, output: ['mailup', 'console'] },
	wisecp: {
		node: 'wisecp',
		credential: 'wisecpApi',
		parameters: { resource: 'client', operation: 'createSsoLink', userId: rl('4'), destination: 'ac-ps-invoices' },
		output: ['wisecp', 'clientArea'],
	},
	whmcs: {
		node: 'whmcs',
		credential: 'whmcsApi',
		parameters: { resource: 'client', operation: 'createSsoLink', clientId: rl(String(WHMCS_CLIENT)), destination: 'clientarea:invoices' },
		output: ['whmcs', 'clientArea'],
	},
	cpanel: {
		node: 'cpanel',
		credential: 'cpanelApi',
		parameters: { resource: 'account', operation: 'createSsoLink', username: rl('bob'), service: 'webmaild' },
		output: ['cpanel', 'webmail'],
	},
	plesk: {
		node: 'plesk',
		credential: 'pleskApi',
		// The links open from this machine: the user's address is the loopback.
		parameters: { resource: 'customer', operation: 'createSsoLink', login: rl('acme'), userIp: '127.0.0.1' },
		output: ['plesk', 'controlPanel'],
	},
	directadmin: {
		node: 'directAdmin',
		credential: 'directAdminApi',
		parameters: { resource: 'user', operation: 'createSsoLink', username: rl('bob'), options: { expiresInMinutes: 5 } },
		output: ['directadmin', 'controlPanel'],
	},
};

const PER_SERVICE = listPackages(PACKAGE_ROOT)
	.map((entry) => entry.name)
	.filter((name) => name !== ALL_IN_ONE);
const serviceOf = (name: string) => name.slice(`${ALL_IN_ONE}-`.length);

let sandbox: Sandbox;
let packDir: string;
const tarballs: Record<string, string> = {};

beforeAll(async () => {
	sandbox = await Sandbox.start();
	packDir = await mkdtemp(path.join(tmpdir(), 'sso-link-packages-'));
	for (const name of [ALL_IN_ONE, ...PER_SERVICE]) tarballs[name] = await packPackage(packDir, name);
}, 5 * 60_000);

afterAll(async () => {
	await sandbox?.close();
	await rm(packDir, { recursive: true, force: true });
});

beforeEach(() => sandbox.reset());

function credentialsOf(services: string[]) {
	const wanted = new Set<string>(services.map((service) => SANDBOX_CREDENTIALS[SERVICES[service].credential].id));
	return sandboxCredentials((prefix, options) => sandbox.baseUrl(prefix, options)).filter((credential) => wanted.has(credential.id));
}

/** One workflow: a Create SSO Link node per service, each of package `packageName` (or the service's own). */
function linkWorkflow(id: string, services: string[], packageName?: (service: string) => string) {
	return manualWorkflow(
		id,
		`Links from ${services.join(', ')}`,
		services.map((service) => {
			const { node, credential, parameters } = SERVICES[service];
			return {
				name: service,
				type: `${packageName ? packageName(service) : `${ALL_IN_ONE}-${service}`}.${node}`,
				credentials: { [credential]: SANDBOX_CREDENTIALS[credential] },
				parameters,
			};
		}),
	);
}

async function expectLinks(result: ExecutionResult, services: string[]): Promise<void> {
	expect(result.status).toBe('success');
	for (const service of services) {
		const items = (result.runData[service]?.[0]?.data?.main[0] ?? []).map((item) => item.json);
		expect(items).toHaveLength(1);
		const link = ssoLinkSchema.parse(items[0]);
		expect([link.provider, link.target]).toEqual(SERVICES[service].output);
		// Installatron's sandbox link is a login form post target; the others open once.
		// DirectAdmin's login URL answers 303 to the panel, as DirectAdmin does.
		if (service !== 'installatron') expect(await openLink(link.url)).toBe(service === 'directadmin' ? 303 : 200);
	}
}

/** The editor's view of a running n8n: node and credential types, and the credential Test button. */
async function editor(server: N8nServer) {
	await server.setupOwner(OWNER);
	const cookie = await server.login(OWNER.email, OWNER.password);
	const call = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
		const response = await request(`${server.url}${route}`, {
			method,
			headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return (await response.body.json()) as Record<string, any>;
	};
	return {
		nodeTypes: async () => ((await call('GET', '/types/nodes.json')) as unknown as Array<{ name: string }>).map((type) => type.name),
		credentialTypes: async () => ((await call('GET', '/types/credentials.json')) as unknown as Array<{ name: string }>).map((type) => type.name),
		/** The Test button on a saved credential: "OK: …" or "Error: …". */
		testCredential: async (id: string) => {
			const stored = (await call('GET', `/rest/credentials/${id}?includeData=true`)).data;
			const tested = (await call('POST', '/rest/credentials/test', { credentials: { id: stored.id, name: stored.name, type: stored.type, data: stored.data } })).data;
			return `${tested.status}: ${tested.message}`;
		},
	};
}

it('every per-service package has a case here, named by its provider id', () => {
	expect(PER_SERVICE.map(serviceOf).sort()).toEqual(Object.keys(SERVICES).sort());
});

describe.each(Object.keys(SERVICES))('n8n-nodes-sso-link-%s installed alone', (service) => {
	const name = `${ALL_IN_ONE}-${service}`;
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await N8nInstance.create();
		await n8n.installPackage(tarballs[name], name);
		await n8n.importCredentials(credentialsOf([service]));
		await n8n.importWorkflows([linkWorkflow(`pkgAlone${service}`, [service])]);
	}, 5 * 60_000);

	afterAll(async () => n8n?.dispose());

	it('loads its node (and its AI tool), its credential passes Test, and nothing of another provider is there', async () => {
		const server = await n8n.start();
		try {
			const view = await editor(server);
			const ours = (await view.nodeTypes()).filter((type) => type.startsWith(`${ALL_IN_ONE}`));
			expect(ours.sort()).toEqual([`${name}.${SERVICES[service].node}`, `${name}.${SERVICES[service].node}Tool`]);
			const credentialTypes = await view.credentialTypes();
			for (const [other, { credential }] of Object.entries(SERVICES)) {
				expect({ credential, loaded: credentialTypes.includes(credential) }).toEqual({ credential, loaded: other === service });
			}
			expect(await view.testCredential(SANDBOX_CREDENTIALS[SERVICES[service].credential].id)).toMatch(/^OK: /);
		} finally {
			await server.stop();
		}
	}, 5 * 60_000);

	it('mints a link', async () => {
		await expectLinks(await n8n.execute(`pkgAlone${service}`), [service]);
	}, 5 * 60_000);
});

describe('every per-service package installed together', () => {
	let n8n: N8nInstance;
	const services = Object.keys(SERVICES);

	beforeAll(async () => {
		n8n = await N8nInstance.create();
		for (const name of PER_SERVICE) await n8n.installPackage(tarballs[name], name);
		await n8n.importCredentials(credentialsOf(services));
		await n8n.importWorkflows([linkWorkflow('pkgTogether', services)]);
	}, 5 * 60_000);

	afterAll(async () => n8n?.dispose());

	it('each node mints its link in one workflow', async () => {
		await expectLinks(await n8n.execute('pkgTogether'), services);
	}, 5 * 60_000);

	it('each credential passes Test', async () => {
		const server = await n8n.start();
		try {
			const view = await editor(server);
			for (const service of services) {
				expect({ service, test: await view.testCredential(SANDBOX_CREDENTIALS[SERVICES[service].credential].id) }).toEqual({
					service,
					test: expect.stringMatching(/^OK: /),
				});
			}
		} finally {
			await server.stop();
		}
	}, 5 * 60_000);
});

describe('the all-in-one beside n8n-nodes-sso-link-hostup (README, "Both packages at once")', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await N8nInstance.create();
		await n8n.installPackage(tarballs[ALL_IN_ONE], ALL_IN_ONE);
		await n8n.installPackage(tarballs[`${ALL_IN_ONE}-hostup`], `${ALL_IN_ONE}-hostup`);
		await n8n.importCredentials(credentialsOf(['hostup']));
		await n8n.importWorkflows([
			linkWorkflow('pkgBothOwn', ['hostup']),
			linkWorkflow('pkgBothAll', ['hostup'], () => ALL_IN_ONE),
		]);
	}, 5 * 60_000);

	afterAll(async () => n8n?.dispose());

	it('both load; one saved credential serves both nodes and passes Test; n8n serves its type once per package', async () => {
		const server = await n8n.start();
		try {
			const view = await editor(server);
			const ours = await view.nodeTypes();
			expect(ours).toEqual(expect.arrayContaining([`${ALL_IN_ONE}.hostUp`, `${ALL_IN_ONE}-hostup.hostUp`, `${ALL_IN_ONE}.ssoLink`]));
			// Two definitions of one type name: what README tells users to avoid across versions.
			expect((await view.credentialTypes()).filter((type) => type === 'hostUpApi')).toHaveLength(2);
			expect(await view.testCredential(SANDBOX_CREDENTIALS.hostUpApi.id)).toMatch(/^OK: /);
		} finally {
			await server.stop();
		}
		await expectLinks(await n8n.execute('pkgBothOwn'), ['hostup']);
		await expectLinks(await n8n.execute('pkgBothAll'), ['hostup']);
	}, 5 * 60_000);
});

/** The commands README gives between `<!-- name -->` markers, as one script. */
function readmeCommands(name: string): string {
	const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
	const block = new RegExp(`<!-- ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n<!-- /${name} -->`).exec(readme);
	if (!block) throw new Error(`README.md has no <!-- ${name} --> sh block`);
	return block[1];
}

describe('a saved workflow moved between the all-in-one and per-service packages with README\'s commands', () => {
	let n8n: N8nInstance;
	const services = ['hostup', 'wisecp'];
	const typesOf = async () => {
		const exported = await n8n.shell('n8n export:workflow --id=pkgMove --output=moved.json');
		expect(exported.code).toBe(0);
		const workflows = JSON.parse(readFileSync(path.join(n8n.userFolder, 'moved.json'), 'utf8')) as Array<{ nodes: Array<{ type: string }> }>;
		return workflows[0].nodes.map((node) => node.type).filter((type) => type.startsWith(ALL_IN_ONE));
	};

	beforeAll(async () => {
		n8n = await N8nInstance.create();
		await n8n.installPackage(tarballs[ALL_IN_ONE], ALL_IN_ONE);
		await n8n.importCredentials(credentialsOf(services));
		await n8n.importWorkflows([linkWorkflow('pkgMove', services, () => ALL_IN_ONE)]);
	}, 5 * 60_000);

	afterAll(async () => n8n?.dispose());

	it('runs on the all-in-one, then on the per-service packages, then on the all-in-one again', async () => {
		await expectLinks(await n8n.execute('pkgMove'), services);

		await n8n.uninstallPackage(ALL_IN_ONE);
		for (const service of services) await n8n.installPackage(tarballs[`${ALL_IN_ONE}-${service}`], `${ALL_IN_ONE}-${service}`);
		const toService = await n8n.shell(readmeCommands('move-to-service'));
		expect({ code: toService.code, stderr: toService.stderr }).toMatchObject({ code: 0 });
		expect(await typesOf()).toEqual([`${ALL_IN_ONE}-hostup.hostUp`, `${ALL_IN_ONE}-wisecp.wisecp`]);
		await expectLinks(await n8n.execute('pkgMove'), services);

		for (const service of services) await n8n.uninstallPackage(`${ALL_IN_ONE}-${service}`);
		await n8n.installPackage(tarballs[ALL_IN_ONE], ALL_IN_ONE);
		const back = await n8n.shell(readmeCommands('move-to-all-in-one'));
		expect({ code: back.code, stderr: back.stderr }).toMatchObject({ code: 0 });
		expect(await typesOf()).toEqual([`${ALL_IN_ONE}.hostUp`, `${ALL_IN_ONE}.wisecp`]);
		await expectLinks(await n8n.execute('pkgMove'), services);
	}, 10 * 60_000);
});
