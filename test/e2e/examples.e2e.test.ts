/**
 * The example workflows (examples/*.json) in a real n8n, against the sandbox:
 * the packed package installed as n8n installs a community package, the
 * sandbox credentials and the examples imported as `npm start` imports them,
 * the scheduled example run with `n8n execute`, the webhook examples published
 * (`n8n publish:workflow`) and called over HTTP on a running `n8n start`.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Agent, request } from 'undici';

import { openLink } from '../helpers/assertions';
import { ssoLinkSchema } from '../../nodes/shared/schemas';
import { hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { CPANEL_ACCOUNTS, CPANEL_SUSPENDED_USER, WHM_RESELLER } from '../sandbox/cpanel';
import { PLESK_CUSTOMERS } from '../sandbox/plesk';
import { DA_ADMIN, DA_KEYLESS_USER, directAdminUsersOf } from '../sandbox/directAdmin';
import { Sandbox } from '../sandbox/server';
import { WHMCS_CLIENT, WHMCS_OTHER_SERVICE, WHMCS_SERVICE, WHMCS_SERVICES, WHMCS_SSO_BLOCKED_CLIENT } from '../sandbox/whmcs';
import { WISECP_KEYS } from '../sandbox/wisecp';
import { callMcpTool, connectMcp } from './mcp-client';
import type { ExampleWorkflow, N8nServer } from './n8n-cli';
import { N8nInstance, PACKAGE_ROOT, SANDBOX_CREDENTIALS, loadExamples, mcpPaths, packPackage, sandboxCredentials, webhookPaths } from './n8n-cli';

const OWNER = { email: 'owner@example.com', password: 'SsoLink-E2e-1', firstName: 'E2E', lastName: 'Owner' };

let sandbox: Sandbox;
let n8n: N8nInstance;
let examples: Array<{ file: string; workflow: ExampleWorkflow }>;

/** The package's node and credential type names, read from what it ships (package.json `n8n`, dist/). */
function packageTypes(): { nodes: string[]; credentials: string[] } {
	const manifest = require(path.join(PACKAGE_ROOT, 'package.json')) as { n8n: { nodes: string[]; credentials: string[] } };
	const nameOf = (file: string) => {
		const exported = require(path.join(PACKAGE_ROOT, file)) as Record<string, new () => { name?: string; description?: { name: string } }>;
		const instance = new (Object.values(exported)[0])();
		return instance.description?.name ?? instance.name ?? '';
	};
	return { nodes: manifest.n8n.nodes.map(nameOf), credentials: manifest.n8n.credentials.map(nameOf) };
}

beforeAll(async () => {
	sandbox = await Sandbox.start();
	n8n = await N8nInstance.create();
	await n8n.installPackage(await packPackage(await mkdtemp(path.join(tmpdir(), 'sso-link-pack-'))));
	await n8n.importCredentials(sandboxCredentials((prefix, options) => sandbox.baseUrl(prefix, options)));
	examples = await loadExamples();
	await n8n.importWorkflows(examples.map(({ workflow }) => workflow));
}, 15 * 60_000);

afterAll(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

beforeEach(() => sandbox.reset());

describe('examples/', () => {
	it('name credentials by the ids npm start imports and save no successful execution', () => {
		expect(examples.map(({ file }) => file)).toEqual([
			'ai-agent-mcp.json',
			'nightly-wp-admin-links.json',
			'onboarding-webhook.json',
			'support-desk-cpanel.json',
			'support-desk-directadmin.json',
			'support-desk-plesk.json',
			'support-desk-sso-link.json',
			'whmcs-order-paid.json',
		]);
		const credentialIds = new Set<string>(Object.values(SANDBOX_CREDENTIALS).map((credential) => credential.id));
		for (const { workflow } of examples) {
			expect(workflow.id.length).toBeLessThanOrEqual(21);
			expect(workflow.settings).toMatchObject({ saveDataSuccessExecution: 'none', saveManualExecutions: false });
			for (const node of workflow.nodes as Array<{ credentials?: Record<string, { id: string }> }>) {
				for (const credential of Object.values(node.credentials ?? {})) expect(credentialIds.has(credential.id)).toBe(true);
			}
		}
	});
});

describe('the package in n8n', () => {
	it('n8n loads every node type of the package (n8n export:nodes)', async () => {
		const { nodes, credentials } = packageTypes();
		expect(nodes).toEqual(['hostUp', 'installatron', 'mailUp', 'wisecp', 'whmcs', 'cpanel', 'ssoLink', 'plesk', 'directAdmin']);
		const loaded = await n8n.nodeTypes();
		for (const name of nodes) {
			const type = loaded.find((entry) => entry.name === `n8n-nodes-sso-link.${name}`);
			expect(type).toBeDefined();
			for (const credential of type?.credentials ?? []) expect(credentials).toContain(credential.name);
		}
		// Every credential type is used by some node.
		const used = new Set(loaded.filter((entry) => entry.name.startsWith('n8n-nodes-sso-link.')).flatMap((entry) => (entry.credentials ?? []).map((credential) => credential.name)));
		expect([...used].sort()).toEqual([...credentials].sort());
	});

	it('runs the nightly example (Run now trigger) with n8n execute: links for the sites that match', async () => {
		const result = await n8n.execute('exNightlyWpLinks01');
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const items = (node: string) => (result.runData[node]?.[0]?.data?.main[0] ?? []).map((item) => item.json);
		expect(items('List accounts')).toHaveLength(7);
		expect(items('Active accounts')).toHaveLength(5);
		expect(items('Sites matching the text').map((site) => site.id)).toEqual([hostUpSiteId(0, 0), hostUpSiteId(0, 1)]);
		for (const link of items('Create wp-admin link')) {
			expect(ssoLinkSchema.parse(link)).toMatchObject({ provider: 'hostup', target: 'wordpressAdmin', singleUse: true });
		}
		const perSite = items('Link per site');
		expect(perSite.map(({ site, siteUrl }) => ({ site, siteUrl }))).toEqual([
			{ site: 'Acme Bakery', siteUrl: 'https://acme-bakery.se' },
			{ site: 'Acme Bakery 2', siteUrl: 'https://acme-bakery.se/site2' },
		]);
		expect(sandbox.hostup.minted).toEqual([
			{ accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 0) },
			{ accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 1) },
		]);
		for (const { loginUrl } of perSite) {
			expect(await openLink(String(loginUrl))).toBe(200);
			expect(await openLink(String(loginUrl))).toBe(410);
		}
	});
});

describe('n8n start with the webhook and MCP examples published', () => {
	let server: N8nServer;
	let cookie: string;

	const call = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
		const response = await request(`${server.url}${route}`, {
			method,
			headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.statusCode, json: (await response.body.json()) as Record<string, any> };
	};

	/** A real HTTP POST to a production webhook, as a caller sends it. */
	const post = async (hook: string, body: unknown) => {
		const response = await request(`${server.url}/webhook/${hook}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
	};

	beforeAll(async () => {
		const published = examples
			.filter(({ workflow }) => webhookPaths(workflow).length > 0 || mcpPaths(workflow).length > 0)
			.map(({ workflow }) => workflow.id);
		expect(published).toEqual(['exAiAgentMcpSso01', 'exOnboardingLink01', 'exSupportCpanel01', 'exSupportDirAdm01', 'exSupportPlesk001', 'exSupportDeskSso01', 'exWhmcsOrderPaid01']);
		// n8n 2.40.7: `publish:workflow` (`update:workflow --active=true` is deprecated and does the same).
		for (const id of published) await n8n.publishWorkflow(id);
		server = await n8n.start();
		expect(await server.setupOwner(OWNER)).toBe(true);
		expect(await server.setupOwner(OWNER)).toBe(false);
		cookie = await server.login(OWNER.email, OWNER.password);
	}, 10 * 60_000);

	afterAll(async () => {
		await server?.stop();
	}, 60_000);

	it('serves every node and credential type of the package to the editor', async () => {
		const { nodes, credentials } = packageTypes();
		const nodeTypes = (await call('GET', '/types/nodes.json')).json as unknown as Array<{ name: string; sensitiveOutputFields?: string[] }>;
		const credentialTypes = (await call('GET', '/types/credentials.json')).json as unknown as Array<{ name: string }>;
		for (const name of nodes) expect(nodeTypes.map((type) => type.name)).toContain(`n8n-nodes-sso-link.${name}`);
		// Every node mints, and declares its link field to n8n as credential-grade (README "Login links are credentials");
		// the webhook and MCP tests of this suite show the declaration takes nothing from a workflow.
		for (const name of nodes) {
			expect({ name, fields: nodeTypes.find((type) => type.name === `n8n-nodes-sso-link.${name}`)?.sensitiveOutputFields }).toEqual({ name, fields: ['url'] });
		}
		for (const name of credentials) expect(credentialTypes.map((type) => type.name)).toContain(name);
	});

	it("every provider's sandbox credential passes its Test, as the editor runs it", async () => {
		// The two SSO Link Custom API credentials too: their test is a GET of the base URL, which the
		// sandbox's WHMCS and cPanel peers answer with 404, and passes on any HTTP answer.
		const results: Record<string, string> = {};
		for (const { id } of Object.values(SANDBOX_CREDENTIALS)) {
			// The editor sends back what it got (secrets blanked); n8n fills them in from the stored credential.
			const stored = (await call('GET', `/rest/credentials/${id}?includeData=true`)).json.data;
			const tested = await call('POST', '/rest/credentials/test', {
				credentials: { id: stored.id, name: stored.name, type: stored.type, data: stored.data },
			});
			results[id] = `${tested.json.data.status}: ${tested.json.data.message}`;
		}
		expect(results).toEqual({
			hostUpSandbox01: 'OK: Connection successful!',
			installatronSbx1: 'OK: Connection successful!',
			mailUpSandbox001: 'OK: Connection successful!',
			wisecpSandbox001: 'OK: WISECP accepted the API key for Clients/CreateClientSsoToken',
			whmcsSandbox0001: 'OK: Connection successful!',
			cpanelSandbox001: 'OK: Connection successful!',
			whmcsApiSandbox1: 'OK: WHMCS accepted the API credential for CreateSsoToken and GetClients',
			cpanelApiSandbx1: `OK: WHM accepted the token of root; it lists ${CPANEL_ACCOUNTS.length} accounts`,
			pleskApiSandbox1: `OK: Plesk accepted the login admin; it lists ${PLESK_CUSTOMERS.length} customers`,
			directAdminSbx01: `OK: DirectAdmin accepted ${DA_ADMIN.username} (administrator); it lists ${directAdminUsersOf(DA_ADMIN.username).length} users`,
		});
		// The WISECP test minted nothing: user 0. Nor did the WHMCS and cPanel & WHM tests.
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 0 }]);
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
		expect(sandbox.cpanel.sessions).toEqual([]);
		expect(sandbox.plesk.sessions).toEqual([]);
		expect(sandbox.directAdmin.loginUrls).toEqual([]);

		// And it fails what WISECP refuses, though WISECP answers HTTP 200: the key edited in the
		// editor and tested before saving, as the editor sends it.
		sandbox.wisecp.legacyErrorsWith200 = true;
		const { id, name } = SANDBOX_CREDENTIALS.wisecpApi;
		const unsaved = async (apiKey: string) => {
			const tested = await call('POST', '/rest/credentials/test', {
				credentials: { id, name, type: 'wisecpApi', data: { apiKey, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` } },
			});
			return `${tested.json.data.status}: ${tested.json.data.message}`;
		};
		expect(await unsaved('wrong-key-0123456789')).toBe('Error: WISECP rejected the API key: Invalid API key');
		expect(await unsaved(WISECP_KEYS.noSsoPermission)).toMatch(/^Error: WISECP does not allow this API key Clients\/CreateClientSsoToken: /);
	});

	it('no credential Test sends its key on to where a redirect points (README "Login links are credentials")', async () => {
		// Every request to every provider answered with a 307 to the sandbox's second server.
		sandbox.fault({ times: 1000, fault: { kind: 'redirect' } });
		const results: Record<string, string> = {};
		for (const { id } of Object.values(SANDBOX_CREDENTIALS)) {
			const stored = (await call('GET', `/rest/credentials/${id}?includeData=true`)).json.data;
			const tested = await call('POST', '/rest/credentials/test', { credentials: { id: stored.id, name: stored.name, type: stored.type, data: stored.data } });
			results[id] = tested.json.data.status;
		}
		expect(sandbox.elsewhere).toEqual([]);
		// The SSO Link Custom API credentials' Test passes on any HTTP answer of the base URL; every other Test fails.
		expect(Object.entries(results).filter(([, status]) => status === 'OK').map(([id]) => id)).toEqual(['whmcsSandbox0001', 'cpanelSandbox001']);
		sandbox.clearFaults();
	});

	it('onboarding: a POST answers with a working single-use wp-admin link', async () => {
		const answer = await post('onboarding-login', { accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 1), email: 'anna@example.com' });
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.json).sort()).toEqual(['expiresAt', 'loginUrl']);
		expect(answer.json.expiresAt).toBeNull();
		expect(sandbox.hostup.minted).toEqual([{ accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 1) }]);
		expect(await openLink(String(answer.json.loginUrl))).toBe(200);
		expect(await openLink(String(answer.json.loginUrl))).toBe(410);
	});

	it('onboarding: unknown and malformed ids answer 404 and 400 with the error, and mint nothing', async () => {
		const unknown = await post('onboarding-login', { accountId: hostUpAccountId(0), siteId: 'wp_sandbox0001s9', email: 'anna@example.com' });
		expect(unknown).toEqual({
			status: 404,
			json: { error: `Not found: The requested resource could not be found (WordPress site wp_sandbox0001s9 in account ${hostUpAccountId(0)})`, code: 'not_found' },
		});
		const malformed = await post('onboarding-login', { siteId: hostUpSiteId(0, 0) });
		expect(malformed.status).toBe(400);
		expect(malformed.json.error).toMatch(/Account/);
		expect(sandbox.hostup.minted).toEqual([]);
	});

	it('support desk: every system answers the same shape through SSO Link, with a working link', async () => {
		const requests = {
			hostup: { system: 'hostup', accountId: hostUpAccountId(4), siteId: hostUpSiteId(4, 2) },
			wisecp: { system: 'wisecp', clientId: 4 },
			whmcs: { system: 'whmcs', clientId: 12 },
		};
		const expected = { hostup: ['hostup', 'wordpressAdmin'], wisecp: ['wisecp', 'clientArea'], whmcs: ['custom', 'custom'] };
		for (const [system, body] of Object.entries(requests)) {
			const answer = await post('support-login', body);
			expect({ system, status: answer.status }).toEqual({ system, status: 200 });
			expect(Object.keys(answer.json).sort()).toEqual(['expiresAt', 'loginUrl', 'provider', 'singleUse', 'target']);
			expect([answer.json.provider, answer.json.target]).toEqual(expected[system as keyof typeof expected]);
			expect(answer.json.singleUse).toBe(true);
			expect(await openLink(String(answer.json.loginUrl))).toBe(200);
		}
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination: 'ac-ps-tickets' }]);
		expect(sandbox.whmcs.calls).toEqual([expect.objectContaining({ action: 'CreateSsoToken', client_id: '12' })]);
	});

	it('support desk: an unknown system and a provider error answer 400 and 502', async () => {
		expect(await post('support-login', { system: 'plesk' })).toEqual({
			status: 400,
			json: { error: 'Unknown system "plesk": use hostup, wisecp or whmcs' },
		});
		const failed = await post('support-login', { system: 'whmcs', clientId: 999 });
		expect(failed.status).toBe(502);
		expect(failed.json.error).toBe('Client ID Not Found');
	});

	it("WHMCS order paid: a POST answers with a working single-use link to the service's page, or the client area home", async () => {
		const order = WHMCS_SERVICES.find((service) => service.id === WHMCS_SERVICE)!.orderid;
		const before = Date.now();
		const withService = await post('whmcs-order-paid', { clientId: WHMCS_CLIENT, orderId: order, serviceId: WHMCS_SERVICE });
		const after = Date.now();
		expect(withService.status).toBe(200);
		expect(Object.keys(withService.json).sort()).toEqual(['expiresAt', 'loginUrl']);
		// WHMCS documents 60 seconds.
		const expiresAt = Date.parse(String(withService.json.expiresAt));
		expect(expiresAt).toBeGreaterThanOrEqual(before + 59_000);
		expect(expiresAt).toBeLessThanOrEqual(after + 60_000);
		expect(await openLink(String(withService.json.loginUrl))).toBe(200);
		expect(await openLink(String(withService.json.loginUrl))).toBe(410);

		// The order is a string and there is no service: the client area home.
		const withoutService = await post('whmcs-order-paid', { clientId: String(WHMCS_CLIENT), orderId: String(order) });
		expect(withoutService.status).toBe(200);
		expect(await openLink(String(withoutService.json.loginUrl))).toBe(200);

		expect(sandbox.whmcs.calls).toEqual([
			{ action: 'CreateSsoToken', responsetype: 'json', client_id: String(WHMCS_CLIENT), destination: 'clientarea:product_details', service_id: String(WHMCS_SERVICE) },
			{ action: 'CreateSsoToken', responsetype: 'json', client_id: String(WHMCS_CLIENT), destination: 'clientarea:homepage' },
		]);
		expect(sandbox.whmcs.secretsInQuery).toEqual([]);
	});

	it("WHMCS order paid: an unknown client, a client without single sign-on, bad input and another client's service answer 404, 409, 400 and 502", async () => {
		expect(await post('whmcs-order-paid', { clientId: 999, orderId: 1 })).toEqual({ status: 404, json: { error: 'Client ID Not Found', code: 'client_not_found' } });
		expect(await post('whmcs-order-paid', { clientId: WHMCS_SSO_BLOCKED_CLIENT, orderId: 1 })).toEqual({
			status: 409,
			json: { error: `SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}`, code: 'sso_blocked' },
		});
		const missing = await post('whmcs-order-paid', { orderId: 1 });
		expect(missing.status).toBe(400);
		expect(missing.json).toMatchObject({ error: expect.stringMatching(/^Invalid "Client": it is empty/), code: 'invalid_parameter' });
		const malformed = await post('whmcs-order-paid', { clientId: WHMCS_CLIENT, orderId: 1, serviceId: 'vps' });
		expect(malformed.status).toBe(400);
		expect(malformed.json.error).toMatch(/^Invalid "Service": "vps" is not a positive whole number/);
		const foreign = await post('whmcs-order-paid', { clientId: WHMCS_CLIENT, orderId: 1, serviceId: WHMCS_OTHER_SERVICE });
		expect(foreign).toEqual({
			status: 502,
			json: { error: `Token could not be provisioned: service_id ${WHMCS_OTHER_SERVICE} does not belong to client ${WHMCS_CLIENT}`, code: 'token_not_provisioned' },
		});
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
	});

	it('support desk (cPanel & WHM): cPanel by default, Webmail, and WHM for a reseller, each a working link', async () => {
		const cases = [
			{ body: { username: 'bob' }, target: 'controlPanel' },
			{ body: { username: 'alice', service: 'webmail' }, target: 'webmail' },
			{ body: { username: WHM_RESELLER.username, service: 'whm' }, target: 'whm' },
			// WHM's own service names work too.
			{ body: { username: 'carol', service: 'webmaild' }, target: 'webmail' },
		];
		for (const { body, target } of cases) {
			const answer = await post('support-cpanel', body);
			expect({ body, status: answer.status }).toEqual({ body, status: 200 });
			expect(Object.keys(answer.json).sort()).toEqual(['account', 'expiresAt', 'loginUrl', 'target']);
			expect([answer.json.account, answer.json.target]).toEqual([body.username, target]);
			// WHM makes it valid for 5 minutes and says so (`expires`).
			expect(Date.parse(String(answer.json.expiresAt))).toBe(sandbox.cpanel.sessions.at(-1)!.expires * 1000);
			expect(await openLink(String(answer.json.loginUrl))).toBe(200);
		}
		expect(sandbox.cpanel.sessions.map(({ user, service, whmUser }) => ({ user, service, whmUser }))).toEqual([
			{ user: 'bob', service: 'cpaneld', whmUser: 'root' },
			{ user: 'alice', service: 'webmaild', whmUser: 'root' },
			{ user: WHM_RESELLER.username, service: 'whostmgrd', whmUser: 'root' },
			{ user: 'carol', service: 'webmaild', whmUser: 'root' },
		]);
		expect(sandbox.cpanel.tokenInQuery).toBe(0);
	});

	it("support desk (cPanel & WHM): WHM's refusals and bad input answer 404, 409 and 400, and make no session", async () => {
		expect(await post('support-cpanel', { username: 'nosuchuser' })).toEqual({
			status: 404,
			json: { error: 'You cannot create a session for the user “nosuchuser” because they do not exist.', code: 'user_not_found' },
		});
		expect(await post('support-cpanel', { username: CPANEL_SUSPENDED_USER, service: 'webmail' })).toEqual({
			status: 409,
			json: { error: `You cannot create a session for the user “${CPANEL_SUSPENDED_USER}” because they are currently suspended.`, code: 'user_suspended' },
		});
		expect(await post('support-cpanel', { username: 'bob', service: 'whm' })).toEqual({
			status: 409,
			json: { error: 'You cannot create a session for the user “bob” because they are not a reseller.', code: 'not_reseller' },
		});
		const badName = await post('support-cpanel', { username: 'Bob Smith' });
		expect(badName.status).toBe(400);
		expect(badName.json).toMatchObject({ error: expect.stringMatching(/^Invalid "Account"/), code: 'invalid_parameter' });
		const badService = await post('support-cpanel', { username: 'bob', service: 'ftp' });
		expect(badService.status).toBe(400);
		expect(badService.json.error).toBe('Invalid "Service": "ftp" is not one of cpaneld, webmaild, whostmgrd');
		expect(sandbox.cpanel.sessions).toEqual([]);
		// The three refusals reached WHM; the bad input did not.
		expect(sandbox.cpanel.calls.map((call) => call.query.user)).toEqual(['nosuchuser', CPANEL_SUSPENDED_USER, 'bob']);
	});

	/** A POST from a browser behind a proxy, which passes its address in X-Forwarded-For. */
	const postFrom = async (hook: string, body: unknown, forwardedFor?: string) => {
		const response = await request(`${server.url}/webhook/${hook}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
			body: JSON.stringify(body),
		});
		return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
	};
	const sandboxAgent = new Agent({ connect: { rejectUnauthorized: false } });
	/** Opens a Plesk link as a browser at `from` would (the sandbox reads the opener's address from X-Forwarded-For). */
	const openFrom = async (url: string, from: string) => {
		expect(url.startsWith('https://127.0.0.1:')).toBe(true);
		const response = await request(url, { dispatcher: sandboxAgent, headers: { 'x-forwarded-for': from } });
		await response.body.text();
		return { status: response.statusCode, location: response.headers.location };
	};

	it("support desk (Plesk): a link for the agent, bound to the agent's address from the webhook's X-Forwarded-For", async () => {
		const ticketUrl = 'https://support.example/ticket/42';
		const answer = await postFrom('support-plesk', { login: 'acme', ticketUrl }, '203.0.113.9, 10.0.0.1');
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.json).sort()).toEqual(['customer', 'loginUrl', 'singleUse']);
		expect(answer.json).toMatchObject({ customer: 'acme', singleUse: true });
		expect(sandbox.plesk.sessions).toMatchObject([{ login: 'acme', userIp: '203.0.113.9', sourceServer: ticketUrl, caller: 'admin' }]);
		const loginUrl = String(answer.json.loginUrl);
		// Someone else with the link is sent back to the ticket; the agent logs in, once.
		expect(await openFrom(loginUrl, '198.51.100.23')).toEqual({ status: 302, location: ticketUrl });
		expect((await openFrom(loginUrl, '203.0.113.9')).status).toBe(200);
		expect((await openFrom(loginUrl, '203.0.113.9')).status).toBe(403);
		expect(sandbox.plesk.secretOutsideHeaders).toBe(0);
	});

	it("support desk (Plesk): no such login answers 404 in Plesk's words; no agent address answers 400 and sends nothing", async () => {
		expect(await postFrom('support-plesk', { login: 'nosuchuser' }, '203.0.113.9')).toEqual({ status: 404, json: { error: 'Object not found.', code: '1013' } });
		const noAddress = await postFrom('support-plesk', { login: 'acme' });
		expect(noAddress.status).toBe(400);
		expect(noAddress.json).toMatchObject({ error: expect.stringMatching(/^Invalid "User IP": it is empty/), code: 'invalid_parameter' });
		expect(sandbox.plesk.sessions).toEqual([]);
		expect(sandbox.plesk.calls.map((call) => call.login)).toEqual(['nosuchuser']);
	});

	it("support desk (DirectAdmin): a link for the agent's address, living 15 minutes, that opens once", async () => {
		const answer = await post('support-directadmin', { ticket: 'T-1042', username: 'bob', agentIp: '127.0.0.1' });
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.json).sort()).toEqual(['expiresAt', 'loginUrl', 'ticket', 'user']);
		expect([answer.json.ticket, answer.json.user]).toEqual(['T-1042', 'bob']);
		const [stored] = sandbox.directAdmin.loginUrls;
		expect(stored).toMatchObject({ user: 'bob', createdBy: DA_ADMIN.username, allowNetworks: ['127.0.0.1'] });
		expect(Date.parse(String(answer.json.expiresAt))).toBe(stored.expires.getTime());
		expect(stored.expires.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
		expect(stored.expires.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
		expect(await openLink(String(answer.json.loginUrl))).toBe(303);
		expect(await openLink(String(answer.json.loginUrl))).toBe(403);
		// Another agent's address: the link is minted for it, and does not open from here.
		const elsewhere = await post('support-directadmin', { ticket: 'T-1043', username: 'alice', agentIp: '198.51.100.0/24' });
		expect(await openLink(String(elsewhere.json.loginUrl))).toBe(403);
		expect(sandbox.directAdmin.secretInRequest).toBe(0);
	});

	it("support desk (DirectAdmin): DirectAdmin's refusals and bad input answer 404, 409 and 400, and mint nothing", async () => {
		expect(await post('support-directadmin', { username: DA_KEYLESS_USER })).toEqual({
			status: 409,
			json: { error: `DirectAdmin denied ${DA_KEYLESS_USER} a login link (ACCESS_DENIED)`, code: 'login_keys_not_allowed' },
		});
		expect(await post('support-directadmin', { username: 'nosuchuser' })).toEqual({
			status: 404,
			json: { error: 'DirectAdmin did not let admin log in as nosuchuser (UNAUTHORIZED)', code: 'cannot_login_as' },
		});
		const badName = await post('support-directadmin', { username: 'admin|bob' });
		expect(badName.status).toBe(400);
		expect(badName.json).toMatchObject({ error: expect.stringMatching(/^Invalid "User"/), code: 'invalid_parameter' });
		const badIp = await post('support-directadmin', { username: 'bob', agentIp: 'office' });
		expect(badIp.status).toBe(400);
		expect(badIp.json.error).toMatch(/^Invalid "Allowed Networks": "office" is not an IPv4 or IPv6 address/);
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
	});

	it('AI agents (MCP): the example serves its two tools, which return working links and errors the model can read', async () => {
		const [mcpPath] = mcpPaths(examples.find(({ file }) => file === 'ai-agent-mcp.json')!.workflow);
		const client = await connectMcp(`${server.url}/mcp/${mcpPath}`);
		try {
			// The trigger's instructions reach the client on n8n 2.x; 1.x's trigger has none.
			if (!n8n.v1) expect(client.getInstructions()).toContain('A login link logs in whoever opens it');
			const { tools } = await client.listTools();
			expect(tools.map((tool) => tool.name).sort()).toEqual(['create_client_area_link', 'create_wp_admin_link']);
			for (const tool of tools) expect(tool.description).toContain('it is now in your context');
			expect(Object.fromEntries(tools.map((tool) => [tool.name, [...(tool.inputSchema.required ?? [])].sort()]))).toEqual({
				create_client_area_link: ['clientId'],
				create_wp_admin_link: ['accountId', 'siteId'],
			});

			const wpAdmin = await callMcpTool(client, 'create_wp_admin_link', { accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 0) });
			expect(wpAdmin.isError).toBe(false);
			const [wpLink] = JSON.parse(wpAdmin.text) as unknown[];
			expect(ssoLinkSchema.parse(wpLink)).toMatchObject({ provider: 'hostup', target: 'wordpressAdmin', resourceId: hostUpSiteId(0, 0) });
			expect(await openLink(ssoLinkSchema.parse(wpLink).url)).toBe(200);

			const clientArea = await callMcpTool(client, 'create_client_area_link', { clientId: '4' });
			expect(clientArea.isError).toBe(false);
			const [clientLink] = JSON.parse(clientArea.text) as unknown[];
			expect(ssoLinkSchema.parse(clientLink)).toMatchObject({ provider: 'wisecp', target: 'clientArea', resourceId: '4' });
			expect(await openLink(ssoLinkSchema.parse(clientLink).url)).toBe(200);
			expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination: 'ac-ps-tickets' }]);

			const unknown = await callMcpTool(client, 'create_wp_admin_link', { accountId: hostUpAccountId(0), siteId: 'wp_sandbox0001s9' });
			expect(unknown.isError).toBe(true);
			expect(unknown.text).toMatch(/^(NodeOperationError|Error): Not found: The requested resource could not be found \(WordPress site wp_sandbox0001s9 in account acct_sandbox0001\)/);
			expect(sandbox.hostup.minted).toEqual([{ accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 0) }]);
		} finally {
			await client.close();
		}
	});

	it('saves no successful execution (their data holds login links)', async () => {
		const executions = await call('GET', '/rest/executions?filter=%7B%7D');
		expect(executions.status).toBe(200);
		expect(executions.json.data.count).toBe(0);
	});
});
