/**
 * The packed package in a real n8n (the CLI), against the sandbox: every node
 * loads, mints links and reports errors as a user sees them.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLink } from '../helpers/assertions';
import { ssoLinkSchema } from '../../nodes/shared/schemas';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { INSTALLATRON_DB_PASSWORDS, INSTALLATRON_INSTALLS, INSTALLATRON_KEYS } from '../sandbox/installatron';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { CPANEL_ACCOUNTS, CPANEL_SUSPENDED_USER, WHM_TOKEN } from '../sandbox/cpanel';
import { PLESK_ADMIN, PLESK_CUSTOMERS } from '../sandbox/plesk';
import { DA_ADMIN, DA_KEYLESS_USER, directAdminUsersOf } from '../sandbox/directAdmin';
import {
	WHMCS_API_CREDENTIAL,
	WHMCS_CLIENT,
	WHMCS_CLIENTS,
	WHMCS_KEY,
	WHMCS_SERVICE,
	WHMCS_SERVICES,
	WHMCS_SSO_BLOCKED_CLIENT,
	whmcsCredentialData,
	whmcsServicePassword,
} from '../sandbox/whmcs';
import { Sandbox } from '../sandbox/server';
import { WISECP_KEYS } from '../sandbox/wisecp';
import { N8nInstance, SANDBOX_CREDENTIALS, manualWorkflow, packPackage, sandboxCredentials } from './n8n-cli';
import type { ExecutionResult } from './n8n-cli';

let sandbox: Sandbox;
let n8n: N8nInstance;

const hostUpCredential = { hostUpApi: { id: 'hostUpSandbox01', name: 'HostUp sandbox' } };
const installatronCredential = { installatronApi: { id: 'installatronSbx1', name: 'Installatron sandbox' } };
const mailUpCredential = { mailUpApi: { id: 'mailUpSandbox001', name: 'MailUp sandbox' } };
const wisecpCredential = { wisecpApi: { id: 'wisecpSandbox001', name: 'WISECP sandbox' } };
// The WHMCS and cPanel & WHM nodes' own credentials, as npm start imports them (cPanel over self-signed HTTPS).
const whmcsCredential = { whmcsApi: SANDBOX_CREDENTIALS.whmcsApi };
const cpanelCredential = { cpanelApi: SANDBOX_CREDENTIALS.cpanelApi };
// Plesk's own credential (the administrator, over self-signed HTTPS), as npm start imports it.
const pleskCredential = { pleskApi: SANDBOX_CREDENTIALS.pleskApi };
const directAdminCredential = { directAdminApi: SANDBOX_CREDENTIALS.directAdminApi };

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

/** One SSO Link node per provider choice, chained: each mints one link. */
const SSO_LINK_CHAIN = [
	{ name: 'hostUpWordPress', credentials: hostUpCredential, parameters: { provider: 'hostUpWordPress', accountId: rl(hostUpAccountId(0)), siteId: rl(hostUpSiteId(0, 0)) } },
	{ name: 'hostUpControlPanel', credentials: hostUpCredential, parameters: { provider: 'hostUpControlPanel', accountId: rl(hostUpAccountId(0)) } },
	{ name: 'installatron', credentials: installatronCredential, parameters: { provider: 'installatron', installId: rl(INSTALLATRON_INSTALLS.joomla) } },
	{ name: 'mailUp', credentials: mailUpCredential, parameters: { provider: 'mailUp' } },
	{ name: 'wisecp', credentials: wisecpCredential, parameters: { provider: 'wisecp', userId: rl('4'), destination: 'ac-ps-invoices' } },
	{ name: 'whmcs', credentials: whmcsCredential, parameters: { provider: 'whmcs', clientId: rl(String(WHMCS_CLIENT)), destination: 'clientarea:invoices' } },
	{ name: 'cpanel', credentials: cpanelCredential, parameters: { provider: 'cpanel', username: rl('alice'), service: 'webmaild' } },
	// Opened from this machine below: the user's address is the loopback.
	{ name: 'plesk', credentials: pleskCredential, parameters: { provider: 'plesk', login: rl('jdoe'), userIp: '127.0.0.1' } },
	{ name: 'directAdmin', credentials: directAdminCredential, parameters: { provider: 'directAdmin', username: rl('carol'), options: {} } },
	{
		name: 'custom WHMCS',
		credentials: { ssoLinkCustomApi: { id: 'whmcsSandbox0001', name: 'WHMCS sandbox' } },
		parameters: {
			provider: 'custom',
			method: 'POST',
			path: '/includes/api.php',
			bodyFormat: 'form',
			body: '{"action":"CreateSsoToken","client_id":12,"responsetype":"json"}',
			urlPath: 'redirect_url',
			resourceId: '12',
			response: { successPath: 'result', successValue: 'success', errorMessagePath: 'message', singleUse: 'true' },
		},
	},
	{
		name: 'custom cPanel',
		credentials: { ssoLinkCustomApi: { id: 'cpanelSandbox001', name: 'cPanel sandbox' } },
		parameters: {
			provider: 'custom',
			method: 'GET',
			path: '/json-api/create_user_session',
			query: '{"api.version":1,"user":"bob","service":"cpaneld"}',
			urlPath: 'data.url',
			resourceId: 'bob',
			response: { successPath: 'metadata.result', successValue: '1', errorMessagePath: 'metadata.reason', expiresAtPath: 'data.expires' },
		},
	},
].map((node) => ({ ...node, type: 'n8n-nodes-sso-link.ssoLink' }));

function outputOf(result: ExecutionResult, node: string) {
	return (result.runData[node]?.[0]?.data?.main[0] ?? []).map((item) => item.json);
}

beforeAll(async () => {
	sandbox = await Sandbox.start();
	n8n = await N8nInstance.create();
	await n8n.installPackage(await packPackage(await mkdtemp(path.join(tmpdir(), 'sso-link-pack-'))));
	await n8n.importCredentials([
		{ id: 'hostUpSandbox01', name: 'HostUp sandbox', type: 'hostUpApi', data: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } },
		{
			id: 'installatronSbx1',
			name: 'Installatron sandbox',
			type: 'installatronApi',
			// The self-signed HTTPS listener, as many Installatron servers are.
			data: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: sandbox.baseUrl('installatron', { https: true }), allowUnauthorizedCerts: true },
		},
		{ id: 'mailUpSandbox001', name: 'MailUp sandbox', type: 'mailUpApi', data: { ...MAILUP_ACCOUNT, baseUrl: sandbox.baseUrl('mailup') } },
		{ id: 'wisecpSandbox001', name: 'WISECP sandbox', type: 'wisecpApi', data: { apiKey: WISECP_KEYS.full, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` } },
		{
			id: 'whmcsSandbox0001',
			name: 'WHMCS sandbox',
			type: 'ssoLinkCustomApi',
			data: whmcsCredentialData(sandbox.baseUrl('whmcs')),
		},
		{
			id: 'cpanelSandbox001',
			name: 'cPanel sandbox',
			type: 'ssoLinkCustomApi',
			data: { baseUrl: sandbox.baseUrl('cpanel'), keyLocation: 'header', headerName: 'Authorization', apiKey: `whm root:${WHM_TOKEN}` },
		},
		...sandboxCredentials((prefix, options) => sandbox.baseUrl(prefix, options)).filter(({ type }) => type === 'whmcsApi' || type === 'cpanelApi' || type === 'pleskApi' || type === 'directAdminApi'),
	]);
	await n8n.importWorkflows([
		manualWorkflow('e2eHostUpWpLink', 'HostUp wp-admin link', [
			{
				name: 'HostUp',
				type: 'n8n-nodes-sso-link.hostUp',
				credentials: hostUpCredential,
				parameters: {
					resource: 'wordpressSite',
					operation: 'createSsoLink',
					accountId: { __rl: true, mode: 'list', value: hostUpAccountId(0) },
					siteId: { __rl: true, mode: 'id', value: hostUpSiteId(0, 0) },
				},
			},
		]),
		manualWorkflow('e2eHostUpAccounts', 'HostUp accounts', [
			{ name: 'HostUp', type: 'n8n-nodes-sso-link.hostUp', credentials: hostUpCredential, parameters: { resource: 'account', operation: 'getMany', returnAll: true } },
		]),
		manualWorkflow('e2eHostUpNotFound', 'HostUp continue on fail', [
			{
				name: 'HostUp',
				type: 'n8n-nodes-sso-link.hostUp',
				credentials: hostUpCredential,
				onError: 'continueRegularOutput',
				parameters: { resource: 'account', operation: 'createSsoLink', accountId: { __rl: true, mode: 'id', value: 'acct_unknown' } },
			},
		]),
		manualWorkflow('e2eInstallatronLogin', 'Installatron admin login', [
			{
				name: 'Installatron',
				type: 'n8n-nodes-sso-link.installatron',
				credentials: installatronCredential,
				parameters: {
					resource: 'install',
					operation: 'createSsoLink',
					installId: { __rl: true, mode: 'id', value: INSTALLATRON_INSTALLS.wordpress },
					options: { redirectUrl: '/wp-admin/plugins.php' },
				},
			},
		]),
		manualWorkflow('e2eMailUpConsole', 'MailUp console link', [
			{ name: 'MailUp', type: 'n8n-nodes-sso-link.mailUp', credentials: mailUpCredential, parameters: { resource: 'console', operation: 'createSsoLink' } },
		]),
		manualWorkflow('e2eWisecpLink', 'WISECP client area link', [
			{
				name: 'WISECP',
				type: 'n8n-nodes-sso-link.wisecp',
				credentials: wisecpCredential,
				parameters: {
					resource: 'client',
					operation: 'createSsoLink',
					userId: { __rl: true, mode: 'id', value: '4' },
					destination: 'order-steps',
					destinationValues: 'hosting, 12',
				},
			},
		]),
		manualWorkflow('e2eWhmcsServiceLink', 'WHMCS service details link', [
			{
				name: 'WHMCS',
				type: 'n8n-nodes-sso-link.whmcs',
				credentials: whmcsCredential,
				parameters: {
					resource: 'client',
					operation: 'createSsoLink',
					clientId: { __rl: true, mode: 'list', value: String(WHMCS_CLIENT) },
					destination: 'clientarea:product_details',
					serviceId: rl(String(WHMCS_SERVICE)),
				},
			},
		]),
		manualWorkflow('e2eWhmcsClients', 'WHMCS clients', [
			{ name: 'WHMCS', type: 'n8n-nodes-sso-link.whmcs', credentials: whmcsCredential, parameters: { resource: 'client', operation: 'getMany', returnAll: true } },
		]),
		manualWorkflow('e2eWhmcsServices', 'WHMCS services of a client', [
			{
				name: 'WHMCS',
				type: 'n8n-nodes-sso-link.whmcs',
				credentials: whmcsCredential,
				parameters: { resource: 'service', operation: 'getMany', clientId: rl(String(WHMCS_CLIENT)), returnAll: true },
			},
		]),
		manualWorkflow('e2eWhmcsSsoBlocked', 'WHMCS continue on fail', [
			{
				name: 'WHMCS',
				type: 'n8n-nodes-sso-link.whmcs',
				credentials: whmcsCredential,
				onError: 'continueRegularOutput',
				parameters: { resource: 'client', operation: 'createSsoLink', clientId: rl(String(WHMCS_SSO_BLOCKED_CLIENT)) },
			},
		]),
		manualWorkflow('e2eCpanelWebmail', 'cPanel & WHM webmail link', [
			{
				name: 'cPanel & WHM',
				type: 'n8n-nodes-sso-link.cpanel',
				credentials: cpanelCredential,
				parameters: { resource: 'account', operation: 'createSsoLink', username: { __rl: true, mode: 'list', value: 'bob' }, service: 'webmaild' },
			},
		]),
		manualWorkflow('e2eCpanelAccounts', 'cPanel & WHM accounts', [
			{ name: 'cPanel & WHM', type: 'n8n-nodes-sso-link.cpanel', credentials: cpanelCredential, parameters: { resource: 'account', operation: 'getMany', returnAll: true } },
		]),
		manualWorkflow('e2eCpanelSuspended', 'cPanel & WHM continue on fail', [
			{
				name: 'cPanel & WHM',
				type: 'n8n-nodes-sso-link.cpanel',
				credentials: cpanelCredential,
				onError: 'continueRegularOutput',
				parameters: { resource: 'account', operation: 'createSsoLink', username: rl(CPANEL_SUSPENDED_USER) },
			},
		]),
		manualWorkflow('e2ePleskLink', 'Plesk customer link', [
			{
				name: 'Plesk',
				type: 'n8n-nodes-sso-link.plesk',
				credentials: pleskCredential,
				parameters: {
					resource: 'customer',
					operation: 'createSsoLink',
					login: { __rl: true, mode: 'list', value: 'acme' },
					userIp: '127.0.0.1',
					options: { successRedirectUrl: '/smb/web/view' },
				},
			},
		]),
		manualWorkflow('e2ePleskCustomers', 'Plesk customers', [
			{ name: 'Plesk', type: 'n8n-nodes-sso-link.plesk', credentials: pleskCredential, parameters: { resource: 'customer', operation: 'getMany', returnAll: true } },
		]),
		manualWorkflow('e2ePleskNotFound', 'Plesk continue on fail', [
			{
				name: 'Plesk',
				type: 'n8n-nodes-sso-link.plesk',
				credentials: pleskCredential,
				onError: 'continueRegularOutput',
				parameters: { resource: 'customer', operation: 'createSsoLink', login: rl('nosuchuser'), userIp: '127.0.0.1' },
			},
		]),
		manualWorkflow('e2eDirectAdminLink', 'DirectAdmin link', [
			{
				name: 'DirectAdmin',
				type: 'n8n-nodes-sso-link.directAdmin',
				credentials: directAdminCredential,
				parameters: {
					resource: 'user',
					operation: 'createSsoLink',
					username: { __rl: true, mode: 'list', value: 'bob' },
					options: { allowNetworks: '127.0.0.1, ::1', expiresInMinutes: 15, redirectUrl: '/evo/user/email/accounts' },
				},
			},
		]),
		manualWorkflow('e2eDirectAdminUsers', 'DirectAdmin users', [
			{ name: 'DirectAdmin', type: 'n8n-nodes-sso-link.directAdmin', credentials: directAdminCredential, parameters: { resource: 'user', operation: 'getMany', returnAll: true } },
		]),
		manualWorkflow('e2eDirectAdminKeyless', 'DirectAdmin continue on fail', [
			{
				name: 'DirectAdmin',
				type: 'n8n-nodes-sso-link.directAdmin',
				credentials: directAdminCredential,
				onError: 'continueRegularOutput',
				parameters: { resource: 'user', operation: 'createSsoLink', username: rl(DA_KEYLESS_USER) },
			},
		]),
		manualWorkflow('e2eSsoLinkEveryProvider', 'SSO Link, every provider', SSO_LINK_CHAIN),
		manualWorkflow('e2eInstallatronList', 'Installatron installs', [
			{ name: 'Installatron', type: 'n8n-nodes-sso-link.installatron', credentials: installatronCredential, parameters: { resource: 'install', operation: 'getMany', returnAll: true } },
		]),
		// The same mint in a workflow that saves successful executions, and the link handed to the next node.
		manualWorkflow(
			'e2eHostUpWpLinkSaved',
			'HostUp wp-admin link, executions saved',
			[
				{
					name: 'HostUp',
					type: 'n8n-nodes-sso-link.hostUp',
					credentials: hostUpCredential,
					parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: rl(hostUpAccountId(0)), siteId: rl(hostUpSiteId(0, 0)) },
				},
				{
					name: 'Next',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					parameters: { mode: 'manual', assignments: { assignments: [{ id: 'a1', name: 'loginUrl', value: '={{ $json.url }}', type: 'string' }] }, options: {} },
				},
			],
			{ saveDataSuccessExecution: 'all' },
		),
		// The control: n8n's HTTP Request node with the HostUp credential, before (4.2) and since (4.4, n8n 2.x only) it keeps credentials from other origins by default.
		...[4.2, ...(n8n.v1 ? [] : [4.4])].map((typeVersion) =>
			manualWorkflow(`e2eHttpRequestV${String(typeVersion).replace('.', '')}`, `HTTP Request ${typeVersion} with the HostUp credential`, [
				{
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion,
					credentials: hostUpCredential,
					parameters: {
						url: `${sandbox.baseUrl('hostup')}/api/v2/shared-hosting`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'hostUpApi',
						options: {},
					},
				},
			]),
		),
	]);
}, 15 * 60_000);

afterAll(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

beforeEach(() => sandbox.reset());

describe('HostUp', () => {
	it('mints a wp-admin link with the contract output', async () => {
		const result = await n8n.execute('e2eHostUpWpLink');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'HostUp');
		expect(items).toHaveLength(1);
		const link = ssoLinkSchema.parse(items[0]);
		expect(link).toMatchObject({ provider: 'hostup', target: 'wordpressAdmin', resourceId: hostUpSiteId(0, 0), singleUse: true });
		expect(await openLink(link.url)).toBe(200);
	});

	it('lists accounts', async () => {
		const result = await n8n.execute('e2eHostUpAccounts');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'HostUp')).toHaveLength(7);
	});

	it('continues on fail with the contract error item', async () => {
		const result = await n8n.execute('e2eHostUpNotFound');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'HostUp')).toEqual([
			{ error: 'Not found: The requested resource could not be found.', code: 'not_found', httpCode: 404, provider: 'hostup' },
		]);
	});
});

describe('Installatron', () => {
	it('mints an application admin link over self-signed HTTPS', async () => {
		const result = await n8n.execute('e2eInstallatronLogin');
		expect(result.status).toBe('success');
		const link = ssoLinkSchema.parse(outputOf(result, 'Installatron')[0]);
		expect(link).toMatchObject({ provider: 'installatron', target: 'applicationAdmin', expiresAt: null, singleUse: null });
		expect(sandbox.installatron.logins).toEqual([{ installId: INSTALLATRON_INSTALLS.wordpress, url: '/wp-admin/plugins.php' }]);
	});

	it('lists installs without database passwords', async () => {
		const result = await n8n.execute('e2eInstallatronList');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'Installatron');
		expect(items).toHaveLength(8);
		const text = JSON.stringify(result);
		for (const secret of INSTALLATRON_DB_PASSWORDS) expect(text).not.toContain(secret);
	});
});

describe('MailUp', () => {
	it('fetches a token, mints a console link, and n8n keeps the token for the next execution', async () => {
		const first = await n8n.execute('e2eMailUpConsole');
		expect(first.status).toBe('success');
		const link = ssoLinkSchema.parse(outputOf(first, 'MailUp')[0]);
		expect(link).toMatchObject({ provider: 'mailup', target: 'console', expiresInSeconds: 600 });
		expect(await openLink(link.url)).toBe(200);
		const second = await n8n.execute('e2eMailUpConsole');
		expect(second.status).toBe('success');
		expect(sandbox.mailup.tokenRequests).toEqual([{ grant: 'password' }]);
	});

	it('renews an expired stored token once and goes on', async () => {
		// beforeEach reset the sandbox: the token n8n stored earlier is now unknown, answered with 401.
		const result = await n8n.execute('e2eMailUpConsole');
		expect(result.status).toBe('success');
		expect(sandbox.mailup.tokenRequests).toEqual([{ grant: 'password' }]);
		// n8n 1.x hands the first 401 back instead of renewing; the node asks again
		// with statuses thrown, and n8n renews: one more 401 on 1.x (transport.ts).
		expect(sandbox.requestsTo('mailup').map((entry) => entry.status)).toEqual(n8n.v1 ? [401, 401, 200, 200] : [401, 200, 200]);
	});
});

describe('WISECP', () => {
	it('mints a 60-second client-area link with a destination and its values', async () => {
		const result = await n8n.execute('e2eWisecpLink');
		expect(result.status).toBe('success');
		const link = ssoLinkSchema.parse(outputOf(result, 'WISECP')[0]);
		expect(link).toMatchObject({ provider: 'wisecp', target: 'clientArea', resourceId: '4', expiresInSeconds: 60, singleUse: true });
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination: 'order-steps', destination_values: ['hosting', '12'] }]);
		expect(await openLink(link.url)).toBe(200);
	});
});

describe('WHMCS', () => {
	it("mints a 60-second single-use link to a service's page, the credential in the form only", async () => {
		const result = await n8n.execute('e2eWhmcsServiceLink');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'WHMCS');
		expect(items).toHaveLength(1);
		const link = ssoLinkSchema.parse(items[0]);
		expect(link).toMatchObject({ provider: 'whmcs', target: 'clientArea', resourceId: String(WHMCS_CLIENT), expiresInSeconds: 60, singleUse: true });
		expect(sandbox.whmcs.calls).toEqual([
			{ action: 'CreateSsoToken', responsetype: 'json', client_id: String(WHMCS_CLIENT), destination: 'clientarea:product_details', service_id: String(WHMCS_SERVICE) },
		]);
		expect(sandbox.whmcs.ssoGrants).toMatchObject([{ clientId: WHMCS_CLIENT, destination: 'clientarea:product_details', serviceId: WHMCS_SERVICE }]);
		expect(sandbox.whmcs.secretsInQuery).toEqual([]);
		expect(await openLink(link.url)).toBe(200);
		expect(await openLink(link.url)).toBe(410);
		const text = JSON.stringify(result);
		for (const secret of [WHMCS_API_CREDENTIAL.identifier, WHMCS_API_CREDENTIAL.secret, WHMCS_KEY]) expect(text).not.toContain(secret);
	});

	it("lists every client, and a client's services without their passwords", async () => {
		const clients = await n8n.execute('e2eWhmcsClients');
		expect(clients.status).toBe('success');
		expect(outputOf(clients, 'WHMCS').map((item) => String(item.id)).sort()).toEqual(WHMCS_CLIENTS.map((client) => String(client.id)).sort());
		const services = await n8n.execute('e2eWhmcsServices');
		expect(services.status).toBe('success');
		const ids = WHMCS_SERVICES.filter((service) => service.clientid === String(WHMCS_CLIENT)).map((service) => service.id);
		expect(outputOf(services, 'WHMCS').map((item) => Number(item.id))).toEqual(ids);
		const text = JSON.stringify(services);
		expect(text).not.toContain('"password"');
		for (const id of ids) expect(text).not.toContain(whmcsServicePassword(id));
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
	});

	it('continues on fail with the contract error item, in WHMCS\'s words', async () => {
		const result = await n8n.execute('e2eWhmcsSsoBlocked');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'WHMCS')).toEqual([
			{ error: `SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}`, code: 'sso_blocked', httpCode: 200, provider: 'whmcs' },
		]);
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
	});
});

describe('cPanel & WHM', () => {
	it('mints a Webmail link over self-signed HTTPS that expires when WHM says', async () => {
		const result = await n8n.execute('e2eCpanelWebmail');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'cPanel & WHM');
		expect(items).toHaveLength(1);
		const link = ssoLinkSchema.parse(items[0]);
		expect(link).toMatchObject({ provider: 'cpanel', target: 'webmail', resourceId: 'bob', singleUse: null });
		expect(sandbox.cpanel.sessions).toMatchObject([{ user: 'bob', service: 'webmaild', whmUser: 'root' }]);
		// WHM's `expires` (epoch seconds, 5 minutes after the session was made).
		expect(Date.parse(String(link.expiresAt))).toBe(sandbox.cpanel.sessions[0].expires * 1000);
		expect(Date.parse(String(link.expiresAt)) - Date.parse(link.createdAt)).toBeGreaterThan(290_000);
		expect(sandbox.cpanel.calls.map((call) => call.query)).toEqual([{ 'api.version': '1', user: 'bob', service: 'webmaild' }]);
		expect(sandbox.cpanel.tokenInQuery).toBe(0);
		expect(await openLink(link.url)).toBe(200);
		expect(JSON.stringify(result)).not.toContain(WHM_TOKEN);
	});

	it('lists every account, each with its user name as id', async () => {
		const result = await n8n.execute('e2eCpanelAccounts');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'cPanel & WHM');
		expect(items.map((item) => item.id)).toEqual(CPANEL_ACCOUNTS.map((account) => account.user));
		expect(items[0]).toMatchObject({ id: CPANEL_ACCOUNTS[0].user, domain: CPANEL_ACCOUNTS[0].domain });
		expect(sandbox.cpanel.sessions).toEqual([]);
	});

	it("continues on fail with the contract error item, in WHM's words", async () => {
		const result = await n8n.execute('e2eCpanelSuspended');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'cPanel & WHM')).toEqual([
			{
				error: `You cannot create a session for the user “${CPANEL_SUSPENDED_USER}” because they are currently suspended.`,
				code: 'user_suspended',
				httpCode: 200,
				provider: 'cpanel',
			},
		]);
		expect(sandbox.cpanel.sessions).toEqual([]);
	});
});

describe('login links are credentials', () => {
	it('a workflow that saves successful executions gets the hint, and the next node the link', async () => {
		const result = await n8n.execute('e2eHostUpWpLinkSaved');
		expect(result.status).toBe('success');
		expect(result.runData.HostUp[0].hints?.map((hint) => [hint.type, hint.location, hint.message.split('.')[0]])).toEqual([
			['warning', 'outputPane', 'This output holds 1 live login link'],
		]);
		// sensitiveOutputFields changes nothing a workflow needs: the next node reads the link.
		const [link] = outputOf(result, 'HostUp');
		expect(outputOf(result, 'Next')).toEqual([{ loginUrl: link.url }]);
		expect(await openLink(String(link.url))).toBe(200);
	});

	it('a workflow that saves none gets no hint', async () => {
		const result = await n8n.execute('e2eHostUpWpLink');
		expect(result.status).toBe('success');
		expect(result.runData.HostUp[0].hints ?? []).toEqual([]);
	});

	it.each([
		['e2eHostUpWpLink', 'hostup', 'HostUp', undefined],
		['e2eInstallatronLogin', 'installatron', 'Installatron', undefined],
		// The console call: n8n may hold a token already, so its token request may not come.
		['e2eMailUpConsole', 'mailup', 'MailUp', '/API/'],
		['e2eWisecpLink', 'wisecp', 'WISECP', undefined],
		['e2eWhmcsServiceLink', 'whmcs', 'WHMCS', undefined],
		['e2eCpanelWebmail', 'cpanel', 'cPanel & WHM', undefined],
	])('%s: a redirect to another origin fails, and that origin gets nothing', async (workflow, prefix, node, path) => {
		sandbox.fault({ provider: prefix, path, times: 1000, fault: { kind: 'redirect' } });
		const result = await n8n.execute(workflow);
		expect(result.runData[node][0].error?.message).toMatch(/ answered HTTP 307 with a redirect to another address \(http:\/\/127\.0\.0\.1:\d+\); requests with this credential are not sent there$/);
		expect(sandbox.elsewhere).toEqual([]);
	});

	it("MailUp's token request, which carries the client secret and the password, sends nothing there either", async () => {
		sandbox.reset(); // MailUp forgets the token n8n holds: n8n asks for a new one
		sandbox.fault({ provider: 'mailup', path: '/Authorization/OAuth/Token', times: 1000, fault: { kind: 'redirect' } });
		const result = await n8n.execute('e2eMailUpConsole');
		expect(result.runData.MailUp[0].error).toBeDefined();
		expect(sandbox.elsewhere).toEqual([]);
		expect(sandbox.requestsTo('mailup').some((entry) => entry.path.includes('/Authorization/OAuth/Token'))).toBe(true);
	});

	it("the control: this n8n's HTTP Request node hands the other origin the key before 4.4, and keeps it back since", async () => {
		sandbox.fault({ provider: 'hostup', times: 1, fault: { kind: 'redirect' } });
		await n8n.execute('e2eHttpRequestV42');
		expect(sandbox.elsewhere.map((request) => request.headers.authorization)).toEqual([`Bearer ${HOSTUP_KEYS.full}`]);
		sandbox.reset();
		// n8n 1.x's HTTP Request node ends at 4.3: it always sends the Authorization header on.
		if (n8n.v1) return;
		sandbox.fault({ provider: 'hostup', times: 1, fault: { kind: 'redirect' } });
		await n8n.execute('e2eHttpRequestV44');
		expect(sandbox.elsewhere).toHaveLength(1);
		expect(sandbox.elsewhere[0].headers.authorization).toBeUndefined();
	});
});

describe('Plesk', () => {
	it('mints a single-use link over self-signed HTTPS that opens once, from the address it was made for', async () => {
		const result = await n8n.execute('e2ePleskLink');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'Plesk');
		expect(items).toHaveLength(1);
		const link = ssoLinkSchema.parse(items[0]);
		expect(link).toMatchObject({ provider: 'plesk', target: 'controlPanel', resourceId: 'acme', singleUse: true, expiresAt: null });
		expect(link.url).toMatch(/\/plesk\/enterprise\/rsession_init\.php\?PLESKSESSID=[0-9a-f]+&success_redirect_url=%2Fsmb%2Fweb%2Fview$/);
		expect(sandbox.plesk.sessions).toMatchObject([{ login: 'acme', userIp: '127.0.0.1', caller: 'admin' }]);
		expect(sandbox.plesk.secretOutsideHeaders).toBe(0);
		expect(await openLink(link.url)).toBe(302);
		expect(await openLink(link.url)).toBe(403);
		expect(JSON.stringify(result)).not.toContain(PLESK_ADMIN.password);
	});

	it('lists every customer, each with its login as id and without the password hash', async () => {
		const result = await n8n.execute('e2ePleskCustomers');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'Plesk');
		expect(items.map((item) => item.id)).toEqual(PLESK_CUSTOMERS.map((customer) => customer.login));
		expect(JSON.stringify(items)).not.toContain('$AES-128-CBC$');
		expect(sandbox.plesk.sessions).toEqual([]);
	});

	it("continues on fail with the contract error item, in Plesk's words and code (HTTP 200)", async () => {
		const result = await n8n.execute('e2ePleskNotFound');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'Plesk')).toEqual([{ error: 'Object not found.', code: '1013', httpCode: 200, provider: 'plesk' }]);
		expect(sandbox.plesk.sessions).toEqual([]);
	});
});

describe('DirectAdmin', () => {
	it('mints a one-time link through login-as over self-signed HTTPS, for the networks and lifetime set', async () => {
		const result = await n8n.execute('e2eDirectAdminLink');
		expect(result.status).toBe('success');
		const items = outputOf(result, 'DirectAdmin');
		expect(items).toHaveLength(1);
		const link = ssoLinkSchema.parse(items[0]);
		expect(link).toMatchObject({ provider: 'directadmin', target: 'controlPanel', resourceId: 'bob', singleUse: true });
		const [stored] = sandbox.directAdmin.loginUrls;
		expect(stored).toMatchObject({ user: 'bob', createdBy: DA_ADMIN.username, allowNetworks: ['127.0.0.1', '::1'], redirectURL: '/evo/user/email/accounts' });
		// DirectAdmin's `expires`, exactly what was asked: 15 minutes, not its default of days.
		expect(Date.parse(String(link.expiresAt))).toBe(stored.expires.getTime());
		expect(Date.parse(String(link.expiresAt)) - Date.parse(link.createdAt)).toBeGreaterThan(14 * 60_000);
		expect(Date.parse(String(link.expiresAt)) - Date.parse(link.createdAt)).toBeLessThanOrEqual(15 * 60_000);
		expect(sandbox.directAdmin.secretInRequest).toBe(0);
		expect(await openLink(link.url)).toBe(303);
		expect(await openLink(link.url)).toBe(403);
		expect(JSON.stringify(result)).not.toContain(DA_ADMIN.password);
	});

	it('lists every user for the administrator', async () => {
		const result = await n8n.execute('e2eDirectAdminUsers');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'DirectAdmin').map((item) => item.id)).toEqual(directAdminUsersOf(DA_ADMIN.username));
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
	});

	it("continues on fail with the contract error item, in DirectAdmin's words", async () => {
		const result = await n8n.execute('e2eDirectAdminKeyless');
		expect(result.status).toBe('success');
		expect(outputOf(result, 'DirectAdmin')).toEqual([
			{ error: `DirectAdmin denied ${DA_KEYLESS_USER} a login link (ACCESS_DENIED)`, code: 'login_keys_not_allowed', httpCode: 403, provider: 'directadmin' },
		]);
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
	});
});

describe('SSO Link', () => {
	it('mints a link for every provider choice, all with the same output shape', async () => {
		const result = await n8n.execute('e2eSsoLinkEveryProvider');
		expect(result.status).toBe('success');
		const expected: Record<string, [string, string]> = {
			hostUpWordPress: ['hostup', 'wordpressAdmin'],
			hostUpControlPanel: ['hostup', 'controlPanel'],
			installatron: ['installatron', 'applicationAdmin'],
			mailUp: ['mailup', 'console'],
			wisecp: ['wisecp', 'clientArea'],
			whmcs: ['whmcs', 'clientArea'],
			cpanel: ['cpanel', 'webmail'],
			plesk: ['plesk', 'controlPanel'],
			directAdmin: ['directadmin', 'controlPanel'],
			'custom WHMCS': ['custom', 'custom'],
			'custom cPanel': ['custom', 'custom'],
		};
		for (const [node, [provider, target]] of Object.entries(expected)) {
			const items = outputOf(result, node);
			expect(items).toHaveLength(1);
			const link = ssoLinkSchema.parse(items[0]);
			expect(Object.keys(items[0]).sort()).toEqual(['createdAt', 'expiresAt', 'expiresInSeconds', 'provider', 'resourceId', 'singleUse', 'target', 'url']);
			expect([link.provider, link.target]).toEqual([provider, target]);
			// DirectAdmin's login URL answers 303 to the panel.
			expect(await openLink(link.url)).toBe(provider === 'directadmin' ? 303 : 200);
		}
		// The two native providers got what their own nodes send.
		expect(sandbox.whmcs.ssoGrants).toMatchObject([
			{ clientId: WHMCS_CLIENT, destination: 'clientarea:invoices' },
			// The Custom WHMCS node's (CreateSsoToken without a destination).
			{ clientId: WHMCS_CLIENT, destination: null },
		]);
		expect(sandbox.cpanel.sessions).toMatchObject([
			{ user: 'alice', service: 'webmaild', whmUser: 'root' },
			{ user: 'bob', service: 'cpaneld', whmUser: 'root' },
		]);
		expect(sandbox.plesk.sessions).toMatchObject([{ login: 'jdoe', userIp: '127.0.0.1', used: true }]);
		expect(sandbox.directAdmin.loginUrls).toMatchObject([{ user: 'carol', createdBy: DA_ADMIN.username }]);
	});
});
