/**
 * The package's nodes as tools of n8n's MCP Server Trigger, called by a real
 * MCP client (@modelcontextprotocol/sdk, Streamable HTTP) on a running
 * `n8n start`: the packed package installed as n8n installs a community
 * package, the sandbox credentials imported, one published workflow with one
 * tool node per node of the package, each doing its Create SSO Link with ids
 * the model fills in through `$fromAI()`.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { openLink } from '../helpers/assertions';
import { ssoLinkSchema } from '../../nodes/shared/schemas';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { INSTALLATRON_INSTALLS, INSTALLATRON_KEYS } from '../sandbox/installatron';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { CPANEL_SUSPENDED_USER, WHM_TOKEN } from '../sandbox/cpanel';
import { PLESK_ADMIN } from '../sandbox/plesk';
import { DA_ADMIN, DA_KEYLESS_USER } from '../sandbox/directAdmin';
import { WHMCS_API_CREDENTIAL, WHMCS_CLIENT, WHMCS_KEY, WHMCS_SSO_BLOCKED_CLIENT } from '../sandbox/whmcs';
import { Sandbox } from '../sandbox/server';
import { WISECP_KEYS } from '../sandbox/wisecp';
import { callMcpTool, connectMcp } from './mcp-client';
import type { N8nServer } from './n8n-cli';
import { N8nInstance, SANDBOX_CREDENTIALS, packPackage, sandboxCredentials } from './n8n-cli';

const MCP_PATH = 'sso-link-e2e-tools';
const TRIGGER = 'MCP Server';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const fromAI = (key: string, description: string, type = 'string') => `={{ $fromAI('${key}', '${description}', '${type}') }}`;
const credential = <K extends keyof typeof SANDBOX_CREDENTIALS>(type: K) => ({ [type]: SANDBOX_CREDENTIALS[type] });

const ACCOUNT_ID = fromAI('accountId', 'The HostUp account ID: acct_ followed by letters and digits');
const SITE_ID = fromAI('siteId', 'The WordPress site ID at HostUp: wp_ followed by letters and digits');

/** One tool node per node of the package, each doing its Create SSO Link; the tool name is the node name. */
const TOOLS = [
	{
		name: 'hostup_wp_admin_link',
		type: 'n8n-nodes-sso-link.hostUpTool',
		credentials: credential('hostUpApi'),
		parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: rl(ACCOUNT_ID), siteId: rl(SITE_ID) },
	},
	{
		name: 'hostup_control_panel_link',
		type: 'n8n-nodes-sso-link.hostUpTool',
		credentials: credential('hostUpApi'),
		parameters: { resource: 'account', operation: 'createSsoLink', accountId: rl(ACCOUNT_ID) },
	},
	{
		name: 'installatron_admin_link',
		type: 'n8n-nodes-sso-link.installatronTool',
		credentials: credential('installatronApi'),
		parameters: {
			resource: 'install',
			operation: 'createSsoLink',
			installId: rl(fromAI('installId', 'The Installatron install ID: 25 lowercase letters and digits')),
		},
	},
	{
		name: 'mailup_console_link',
		type: 'n8n-nodes-sso-link.mailUpTool',
		credentials: credential('mailUpApi'),
		parameters: { resource: 'console', operation: 'createSsoLink' },
	},
	{
		name: 'wisecp_client_area_link',
		type: 'n8n-nodes-sso-link.wisecpTool',
		credentials: credential('wisecpApi'),
		parameters: { resource: 'client', operation: 'createSsoLink', userId: rl(fromAI('userId', 'The WISECP client ID, a positive integer')) },
	},
	{
		name: 'whmcs_client_area_link',
		type: 'n8n-nodes-sso-link.whmcsTool',
		credentials: credential('whmcsApi'),
		parameters: { resource: 'client', operation: 'createSsoLink', clientId: rl(fromAI('clientId', 'The WHMCS client ID, a positive whole number')) },
	},
	{
		name: 'cpanel_login_link',
		type: 'n8n-nodes-sso-link.cpanelTool',
		credentials: credential('cpanelApi'),
		parameters: {
			resource: 'account',
			operation: 'createSsoLink',
			username: rl(fromAI('username', 'The cPanel user name of the account: lowercase letters and digits')),
		},
	},
	{
		name: 'plesk_login_link',
		type: 'n8n-nodes-sso-link.pleskTool',
		credentials: credential('pleskApi'),
		parameters: {
			resource: 'customer',
			operation: 'createSsoLink',
			login: rl(fromAI('login', 'The Plesk login of the customer')),
			userIp: fromAI('userIp', 'The IP address of the person who will open the link'),
		},
	},
	{
		name: 'directadmin_login_link',
		type: 'n8n-nodes-sso-link.directAdminTool',
		credentials: credential('directAdminApi'),
		parameters: {
			resource: 'user',
			operation: 'createSsoLink',
			username: rl(fromAI('username', 'The DirectAdmin user name: lowercase letters and digits')),
			options: {},
		},
	},
	{
		name: 'sso_link_wisecp_tickets',
		type: 'n8n-nodes-sso-link.ssoLinkTool',
		credentials: credential('wisecpApi'),
		parameters: { provider: 'wisecp', userId: rl(fromAI('userId', 'The WISECP client ID, a positive integer')), destination: 'ac-ps-tickets' },
	},
];

const WORKFLOW = {
	id: 'e2eMcpSsoTools01',
	name: 'MCP server with the SSO Link tools',
	active: false,
	nodes: [
		{
			id: 'e2e-mcp-trigger',
			name: TRIGGER,
			type: '@n8n/n8n-nodes-langchain.mcpTrigger',
			typeVersion: 2,
			position: [0, 0],
			parameters: { path: MCP_PATH },
			webhookId: '0b6f7d0e-3f8a-4c1e-9a57-5e2f8e1c7d01',
		},
		...TOOLS.map((tool, index) => ({ id: `e2e-mcp-tool-${index}`, typeVersion: 1, position: [200 * index, 300], ...tool })),
	],
	connections: Object.fromEntries(TOOLS.map((tool) => [tool.name, { ai_tool: [[{ node: TRIGGER, type: 'ai_tool', index: 0 }]] }])),
	settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false },
};

const OWNER = { email: 'owner@example.com', password: 'SsoLink-E2e-1', firstName: 'E2E', lastName: 'Owner' };

/** Every key, secret and password of the sandbox credentials: none may reach the model. */
const SECRETS = [
	HOSTUP_KEYS.full,
	INSTALLATRON_KEYS.valid,
	MAILUP_ACCOUNT.clientSecret,
	MAILUP_ACCOUNT.password,
	WISECP_KEYS.full,
	WHMCS_API_CREDENTIAL.identifier,
	WHMCS_API_CREDENTIAL.secret,
	WHMCS_KEY,
	WHM_TOKEN,
	PLESK_ADMIN.password,
	DA_ADMIN.password,
];

let sandbox: Sandbox;
let n8n: N8nInstance;
let server: N8nServer;
let client: Client;

/** What a tool call gives the model. */
async function callTool(name: string, args: Record<string, unknown>) {
	return await callMcpTool(client, name, args);
}

beforeAll(async () => {
	sandbox = await Sandbox.start();
	n8n = await N8nInstance.create();
	await n8n.installPackage(await packPackage(await mkdtemp(path.join(tmpdir(), 'sso-link-pack-'))));
	await n8n.importCredentials(sandboxCredentials((prefix, options) => sandbox.baseUrl(prefix, options)));
	await n8n.importWorkflows([WORKFLOW]);
	await n8n.publishWorkflow(WORKFLOW.id);
	server = await n8n.start();
	client = await connectMcp(`${server.url}/mcp/${MCP_PATH}`);
}, 10 * 60_000);

afterAll(async () => {
	await client?.close();
	await server?.stop();
	await n8n?.dispose();
	await sandbox?.close();
}, 60_000);

beforeEach(() => sandbox.reset());

it('lists one tool per node, named after its node, asking for the ids its $fromAI() parameters name', async () => {
	const { tools } = await client.listTools();
	const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
	expect(Object.keys(byName).sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
	const required = Object.fromEntries(tools.map((tool) => [tool.name, [...(tool.inputSchema.required ?? [])].sort()]));
	expect(required).toEqual({
		hostup_wp_admin_link: ['accountId', 'siteId'],
		hostup_control_panel_link: ['accountId'],
		installatron_admin_link: ['installId'],
		mailup_console_link: [],
		wisecp_client_area_link: ['userId'],
		whmcs_client_area_link: ['clientId'],
		cpanel_login_link: ['username'],
		plesk_login_link: ['login', 'userIp'],
		directadmin_login_link: ['username'],
		sso_link_wisecp_tickets: ['userId'],
	});
	expect(byName.hostup_wp_admin_link.inputSchema.properties?.siteId).toEqual({
		type: 'string',
		description: 'The WordPress site ID at HostUp: wp_ followed by letters and digits',
	});
	// n8n 2.40.7 describes a tool node with Resource and Operation by the operation's `action` and
	// the node's name ("Tool Description: Set Automatically"), not by the operation's description;
	// a node without them (SSO Link) by its own description, which warns about the model's context.
	expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.description]))).toEqual({
		hostup_wp_admin_link: 'Create an admin login link for a site in HostUp',
		hostup_control_panel_link: 'Create a control panel login link in HostUp',
		installatron_admin_link: 'Create an admin login link for an install in Installatron',
		mailup_console_link: 'Create a console login link in MailUp',
		wisecp_client_area_link: 'Create a client area login link in WISECP',
		whmcs_client_area_link: 'Create a client area login link in WHMCS',
		cpanel_login_link: 'Create a login link for an account in cPanel & WHM',
		plesk_login_link: 'Create a login link for a customer in Plesk',
		directadmin_login_link: 'Create a login link for a user in DirectAdmin',
		sso_link_wisecp_tickets: expect.stringContaining("the link enters the model's context"),
	});
});

describe('each tool returns a working login link to the model', () => {
	const cases = [
		{
			tool: 'hostup_wp_admin_link',
			args: () => ({ accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 1) }),
			link: () => ({ provider: 'hostup', target: 'wordpressAdmin', resourceId: hostUpSiteId(0, 1), singleUse: true }),
			minted: () => sandbox.hostup.minted,
			expectedMinted: () => [{ accountId: hostUpAccountId(0), siteId: hostUpSiteId(0, 1) }],
		},
		{
			tool: 'hostup_control_panel_link',
			args: () => ({ accountId: hostUpAccountId(4) }),
			link: () => ({ provider: 'hostup', target: 'controlPanel', resourceId: hostUpAccountId(4) }),
			minted: () => sandbox.hostup.minted,
			expectedMinted: () => [{ accountId: hostUpAccountId(4) }],
		},
		{
			tool: 'installatron_admin_link',
			args: () => ({ installId: INSTALLATRON_INSTALLS.joomla }),
			link: () => ({ provider: 'installatron', target: 'applicationAdmin', resourceId: INSTALLATRON_INSTALLS.joomla }),
			minted: () => sandbox.installatron.logins.map((login) => login.installId),
			expectedMinted: () => [INSTALLATRON_INSTALLS.joomla],
		},
		{
			tool: 'mailup_console_link',
			args: () => ({}),
			link: () => ({ provider: 'mailup', target: 'console', expiresInSeconds: 600 }),
			minted: () => sandbox.mailup.ssoLinks,
			expectedMinted: () => 1,
		},
		{
			tool: 'wisecp_client_area_link',
			args: () => ({ userId: '4' }),
			link: () => ({ provider: 'wisecp', target: 'clientArea', resourceId: '4', expiresInSeconds: 60, singleUse: true }),
			minted: () => sandbox.wisecp.ssoRequests,
			expectedMinted: () => [{ user_id: 4, destination: 'my-account' }],
		},
		{
			tool: 'whmcs_client_area_link',
			args: () => ({ clientId: String(WHMCS_CLIENT) }),
			link: () => ({ provider: 'whmcs', target: 'clientArea', resourceId: String(WHMCS_CLIENT), expiresInSeconds: 60, singleUse: true }),
			minted: () => sandbox.whmcs.ssoGrants.map(({ clientId, destination }) => ({ clientId, destination })),
			expectedMinted: () => [{ clientId: WHMCS_CLIENT, destination: 'clientarea:homepage' }],
		},
		{
			tool: 'cpanel_login_link',
			args: () => ({ username: 'bob' }),
			link: () => ({ provider: 'cpanel', target: 'controlPanel', resourceId: 'bob', singleUse: null }),
			minted: () => sandbox.cpanel.sessions.map(({ user, service, whmUser }) => ({ user, service, whmUser })),
			expectedMinted: () => [{ user: 'bob', service: 'cpaneld', whmUser: 'root' }],
		},
		{
			tool: 'plesk_login_link',
			// The link is opened from this machine below: the user's address is the loopback.
			args: () => ({ login: 'acme', userIp: '127.0.0.1' }),
			link: () => ({ provider: 'plesk', target: 'controlPanel', resourceId: 'acme', expiresAt: null, singleUse: true }),
			minted: () => sandbox.plesk.sessions.map(({ login, userIp, caller }) => ({ login, userIp, caller })),
			expectedMinted: () => [{ login: 'acme', userIp: '127.0.0.1', caller: 'admin' }],
		},
		{
			tool: 'directadmin_login_link',
			args: () => ({ username: 'bob' }),
			link: () => ({ provider: 'directadmin', target: 'controlPanel', resourceId: 'bob', singleUse: true }),
			minted: () => sandbox.directAdmin.loginUrls.map(({ user, createdBy, allowNetworks }) => ({ user, createdBy, allowNetworks })),
			expectedMinted: () => [{ user: 'bob', createdBy: DA_ADMIN.username, allowNetworks: [] }],
		},
		{
			tool: 'sso_link_wisecp_tickets',
			args: () => ({ userId: '11' }),
			link: () => ({ provider: 'wisecp', target: 'clientArea', resourceId: '11', singleUse: true }),
			minted: () => sandbox.wisecp.ssoRequests,
			expectedMinted: () => [{ user_id: 11, destination: 'ac-ps-tickets' }],
		},
	];

	it.each(cases)('$tool', async ({ tool, args, link, minted, expectedMinted }) => {
		const result = await callTool(tool, args());
		expect(result.isError).toBe(false);
		// The tool answers with the node's output items, as JSON.
		const items = JSON.parse(result.text) as unknown[];
		expect(items).toHaveLength(1);
		expect(ssoLinkSchema.parse(items[0])).toMatchObject(link());
		// One call, one link: n8n does not run the tool node again for the execution it records.
		expect(minted()).toEqual(expectedMinted());
		// DirectAdmin's login URL answers 303 to the panel.
		expect(await openLink(ssoLinkSchema.parse(items[0]).url)).toBe(tool === 'directadmin_login_link' ? 303 : 200);
	});
});

describe('a wrong id gives the model an error it can read, and the server keeps serving', () => {
	const cases = [
		{
			tool: 'hostup_wp_admin_link',
			args: { accountId: hostUpAccountId(0), siteId: 'wp_sandbox0001s9' },
			error: `Not found: The requested resource could not be found (WordPress site wp_sandbox0001s9 in account ${hostUpAccountId(0)})`,
			details: 'HostUp error code: not_found',
		},
		{
			tool: 'hostup_wp_admin_link',
			args: { accountId: 'sandbox0001', siteId: hostUpSiteId(0, 0) },
			error: 'Invalid "Account": "sandbox0001" is not "acct_" followed by letters and digits (e.g. acct_01hxa3b4c5d6e7f8g9h0j1k2m3)',
			details: 'no request was sent',
		},
		{
			tool: 'hostup_control_panel_link',
			args: { accountId: 'acct_unknown' },
			error: 'Not found: The requested resource could not be found.',
			details: 'HostUp error code: not_found',
		},
		{
			tool: 'installatron_admin_link',
			args: { installId: 'nosuchinstall000000000009' },
			error: 'The install was not found, or it is owned by a user without access to it',
			details: 'Installatron error code: install_not_found',
		},
		{ tool: 'installatron_admin_link', args: { installId: INSTALLATRON_INSTALLS.drupal }, error: '"Kaffe & Kod" is a drupal install, which Installatron cannot log into' },
		{ tool: 'wisecp_client_area_link', args: { userId: '999' }, error: 'User not found', details: 'WISECP error code: user_not_found' },
		{ tool: 'wisecp_client_area_link', args: { userId: 'anna' }, error: /^Invalid "User": "anna" is not a positive whole number \(e\.g\. 18\)/, details: 'no request was sent' },
		{ tool: 'sso_link_wisecp_tickets', args: { userId: '999' }, error: 'User not found', details: 'WISECP error code: user_not_found' },
		{
			tool: 'whmcs_client_area_link',
			args: { clientId: String(WHMCS_SSO_BLOCKED_CLIENT) },
			error: `SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}`,
			details: 'WHMCS error code: sso_blocked',
		},
		{ tool: 'whmcs_client_area_link', args: { clientId: '999' }, error: 'Client ID Not Found', details: 'WHMCS error code: client_not_found' },
		{ tool: 'whmcs_client_area_link', args: { clientId: 'anna' }, error: /^Invalid "Client": "anna" is not a positive whole number \(e\.g\. 42\)/, details: 'no request was sent' },
		{
			tool: 'cpanel_login_link',
			args: { username: CPANEL_SUSPENDED_USER },
			error: `You cannot create a session for the user “${CPANEL_SUSPENDED_USER}” because they are currently suspended.`,
			details: 'cPanel & WHM error code: user_suspended',
		},
		{
			tool: 'cpanel_login_link',
			args: { username: 'nosuchuser' },
			error: 'You cannot create a session for the user “nosuchuser” because they do not exist.',
			details: 'cPanel & WHM error code: user_not_found',
		},
		{ tool: 'cpanel_login_link', args: { username: 'Bob Smith' }, error: /^Invalid "Account": "Bob Smith" is not /, details: 'no request was sent' },
		{ tool: 'plesk_login_link', args: { login: 'nosuchuser', userIp: '127.0.0.1' }, error: 'Object not found.', details: 'Plesk error code: 1013' },
		{
			tool: 'plesk_login_link',
			args: { login: 'acme', userIp: 'the customer' },
			error: 'Invalid "User IP": "the customer" is not one IPv4 or IPv6 address',
			details: 'no request was sent',
		},
		{
			tool: 'directadmin_login_link',
			args: { username: DA_KEYLESS_USER },
			error: `DirectAdmin denied ${DA_KEYLESS_USER} a login link (ACCESS_DENIED)`,
			details: 'DirectAdmin error code: login_keys_not_allowed',
		},
		{
			tool: 'directadmin_login_link',
			args: { username: 'nosuchuser' },
			error: 'DirectAdmin did not let admin log in as nosuchuser (UNAUTHORIZED)',
			details: 'DirectAdmin error code: cannot_login_as',
		},
		{ tool: 'directadmin_login_link', args: { username: 'admin|bob' }, error: /^Invalid "User": "admin\|bob" is not /, details: 'no request was sent' },
	];

	it.each(cases)('$tool $args', async ({ tool, args, error, details }) => {
		const result = await callTool(tool, args);
		expect(result.isError).toBe(true);
		// n8n hands the model the node's error: its name, message and description.
		// n8n 2.x names the error's class, 1.x says "Error".
		expect(result.text).toMatch(/^(NodeOperationError|Error): /);
		const message = result.text.replace(/^(NodeOperationError|Error): /, '');
		if (typeof error === 'string') expect(message.split('\n')[0]).toBe(error);
		else expect(message).toMatch(error);
		if (details) expect(result.text).toContain(details);
		for (const secret of SECRETS) expect(result.text).not.toContain(secret);
		expect(result.text).not.toMatch(/\/login\//);
		expect(sandbox.hostup.minted).toEqual([]);
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
		expect(sandbox.cpanel.sessions).toEqual([]);
		expect(sandbox.plesk.sessions).toEqual([]);
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
		// The session still works after the error.
		const next = await callTool('hostup_control_panel_link', { accountId: hostUpAccountId(0) });
		expect(next.isError).toBe(false);
	});

	it('mailup_console_link when MailUp has not enabled console login links', async () => {
		sandbox.mailup.ssoEnabled = false;
		const result = await callTool('mailup_console_link', {});
		expect(result.isError).toBe(true);
		expect(result.text).toContain('MailUp has not enabled single sign-on (console login links) for this client ID');
		for (const secret of SECRETS) expect(result.text).not.toContain(secret);
	});

	it('an argument the model left out', async () => {
		const result = await callTool('hostup_wp_admin_link', { accountId: hostUpAccountId(0) });
		expect(result.isError).toBe(true);
		expect(result.text).toMatch(/did not match expected schema[^]*siteId/);
		expect(sandbox.hostup.minted).toEqual([]);
	});
});

// n8n 2.40.7 records every MCP tool call as a webhook execution of the workflow, with the tool
// node's output (the login link) in it, and as "success" even when the tool failed; so
// "Save Successful Production Executions: off" keeps none of them.
it('saves no execution of the MCP workflow (a tool call records the link it returned)', async () => {
	expect(await server.setupOwner(OWNER)).toBe(true);
	const cookie = await server.login(OWNER.email, OWNER.password);
	const response = await fetch(`${server.url}/rest/executions?filter=%7B%7D`, { headers: { cookie } });
	const body = (await response.json()) as { data: { count: number } };
	expect(response.status).toBe(200);
	expect(body.data.count).toBe(0);
});
