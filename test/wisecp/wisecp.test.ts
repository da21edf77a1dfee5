/**
 * The WISECP node, run inside real n8n executions against the sandbox.
 */
import type { INodeType } from 'n8n-workflow';

import { byId, expectNoSecrets, expectSsoLink, fromList, openLink } from '../helpers/assertions';
import { credentialTest, listSearch, loadPackage, runNode } from '../helpers/n8n';
import type { RunNodeOptions } from '../helpers/n8n';
import { Sandbox } from '../sandbox/server';
import { WISECP_DESTINATIONS, WISECP_KEYS, wisecpClient } from '../sandbox/wisecp';
import { DESTINATIONS, DESTINATIONS_WITH_VALUES } from '../../nodes/providers/wisecp/destinations';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

function credentials(overrides: Record<string, unknown> = {}) {
	return { wisecpApi: { apiKey: WISECP_KEYS.full, apiUrl: `${sandbox.baseUrl('wisecp')}/api/`, ...overrides } };
}

function wisecp(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'wisecp', parameters, credentials: credentials(), ...extra });
}

const link = (userId: string | number = 4, more: Record<string, unknown> = {}) => ({
	resource: 'client',
	operation: 'createSsoLink',
	userId: byId(String(userId)),
	...more,
});

describe('credential test, as n8n runs it', () => {
	const test = (overrides: Record<string, unknown> = {}) => credentialTest('wisecpApi', credentials(overrides).wisecpApi);

	it.each([
		['with a trailing slash', '/api/'],
		['without one', '/api'],
		['through index.php', '/index.php/api/'],
	])('passes a working key, API URL %s, and mints nothing', async (_label, suffix) => {
		expect(await test({ apiUrl: `${sandbox.baseUrl('wisecp')}${suffix}` })).toEqual({
			status: 'OK',
			message: 'WISECP accepted the API key for Clients/CreateClientSsoToken',
		});
		// User 0 never exists: the test mints nothing.
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 0 }]);
	});

	it('fails a wrong key (401), naming it, without the key', async () => {
		const verdict = await test({ apiKey: 'wrong-key-123456' });
		expect(verdict).toEqual({ status: 'Error', message: 'WISECP rejected the API key: Invalid API key' });
	});

	it('fails a wrong key on a WISECP that answers every error with HTTP 200', async () => {
		sandbox.wisecp.legacyErrorsWith200 = true;
		expect(await test({ apiKey: 'wrong-key-123456' })).toEqual({ status: 'Error', message: 'WISECP rejected the API key: Invalid API key' });
		// A working key still passes there.
		expect((await test()).status).toBe('OK');
	});

	it('fails a key that may not call Clients/CreateClientSsoToken (WISECP answers 200)', async () => {
		expect(await test({ apiKey: WISECP_KEYS.noSsoPermission })).toEqual({
			status: 'Error',
			message:
				'WISECP does not allow this API key Clients/CreateClientSsoToken: This API key is not permitted to call Clients/CreateClientSsoToken. In WISECP (Settings › General › API) allow this key the Clients/CreateClientSsoToken action.',
		});
	});

	it("fails a key that is not allowed from n8n's IP address", async () => {
		const verdict = await test({ apiKey: WISECP_KEYS.ipRestricted });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain('Your IP address (127.0.0.1) is not allowed to use this API key');
	});

	it('fails a wrong API URL, saying so', async () => {
		expect(await test({ apiUrl: `${sandbox.baseUrl('wisecp')}/wrong/` })).toEqual({
			status: 'Error',
			message: 'No WISECP API at this URL (HTTP 404): copy the API URL from WISECP, Settings › General › API',
		});
	});

	it('fails an unreachable server', async () => {
		const verdict = await test({ apiUrl: 'http://127.0.0.1:9/api/' });
		expect(verdict).toEqual({ status: 'Error', message: 'Could not reach WISECP at http://127.0.0.1:9: the connection was refused' });
	});

	it('is the test of every node that uses the credential (n8n takes the first node it finds)', async () => {
		const { nodeTypes } = await loadPackage();
		const users = Object.entries(nodeTypes)
			.map(([name, type]) => [name, type as INodeType] as const)
			.filter(([, type]) => type.description.credentials?.some((entry) => entry.name === 'wisecpApi'));
		expect(users.map(([name]) => name).sort()).toEqual(['ssoLink', 'wisecp']);
		for (const [, type] of users) {
			const entry = type.description.credentials?.find((credential) => credential.name === 'wisecpApi');
			expect(entry?.testedBy).toBe('wisecpApiTest');
			expect(typeof type.methods?.credentialTest?.wisecpApiTest).toBe('function');
		}
		// A credential's own `test` would win over `testedBy`.
		expect((await loadPackage()).credentialTypes.wisecpApi.test).toBeUndefined();
	});

	it('never shows the key, even when WISECP echoes it', async () => {
		sandbox.fault({ provider: 'wisecp', fault: { kind: 'status', status: 200, message: `Invalid API key wrong-key-123456` } });
		const verdict = await test({ apiKey: 'wrong-key-123456' });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).not.toContain('wrong-key-123456');
	});
});

describe('client createSsoLink', () => {
	it('mints a client-area link valid 60 seconds, single use', async () => {
		const before = Date.now();
		const run = await wisecp(link(4));
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		expect(minted).toMatchObject({ provider: 'wisecp', target: 'clientArea', resourceId: '4', expiresInSeconds: 60, singleUse: true });
		expect(Date.parse(minted.expiresAt as string) - before).toBeGreaterThanOrEqual(59_000);
		expect(Date.parse(minted.expiresAt as string) - Date.now()).toBeLessThanOrEqual(60_000);
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination: 'my-account' }]);
		expect(await openLink(minted.url)).toBe(200);
		expect(await openLink(minted.url)).toBe(410);
	});

	it('sends a destination without values', async () => {
		await wisecp(link(4, { destination: 'ac-ps-invoices' }));
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination: 'ac-ps-invoices' }]);
	});

	it.each([
		['order-steps', 'hosting, 12', ['hosting', '12']],
		['ac-ps-products-t', 'server', ['server']],
		['articles_category', 'news-and-updates', ['news-and-updates']],
		// Detail pages open one record: its ID.
		['ac-ps-detail-invoice', '1042', ['1042']],
		['ac-ps-detail-ticket', '77', ['77']],
		['ac-ps-message-d', '5', ['5']],
		['ac-ps-product', '311', ['311']],
	])('sends %s with its values', async (destination, destinationValues, sent) => {
		const run = await wisecp(link(4, { destination, destinationValues }));
		expect(run.error).toBeUndefined();
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination, destination_values: sent }]);
	});

	it('takes values as an array from an expression', async () => {
		await wisecp(link(4, { destination: 'order-steps', destinationValues: '={{ ["domain", 7] }}' }));
		expect(sandbox.wisecp.ssoRequests[0].destination_values).toEqual(['domain', '7']);
	});

	it('sends a custom URL as the destination', async () => {
		await wisecp(link(4, { destination: 'customUrl', destinationUrl: 'https://example.com/my-account/special' }));
		expect(sandbox.wisecp.ssoRequests).toEqual([{ user_id: 4, destination: 'https://example.com/my-account/special' }]);
	});

	it('works with an index.php API URL', async () => {
		const run = await wisecp(link(4), { credentials: credentials({ apiUrl: `${sandbox.baseUrl('wisecp')}/index.php/api` }) });
		expect(run.error).toBeUndefined();
	});

	it('offers every documented destination with a name for people and the raw value shown', () => {
		const offered = DESTINATIONS.map((entry) => entry.value);
		// The sandbox's list is the doc's, plus its guess for the unnamed "Login" row.
		expect(WISECP_DESTINATIONS.filter((value) => !offered.includes(value))).toEqual(['sign-in']);
		expect(offered.filter((value) => !WISECP_DESTINATIONS.includes(value))).toEqual([]);
		expect(DESTINATIONS_WITH_VALUES.sort()).toEqual(
			['ac-ps-detail-invoice', 'ac-ps-detail-ticket', 'ac-ps-message-d', 'ac-ps-product', 'ac-ps-products-t', 'articles_category', 'articles_detail', 'kbase_category', 'kbase_detail', 'news_detail', 'normal_detail', 'order-steps', 'products', 'references_category', 'software_detail', 'softwares_cat'].sort(),
		);
	});
});

describe('a minted link is never thrown away, whatever else the answer holds', () => {
	it.each([
		['without `status`', { omit: ['status'] }],
		['with another success word', { set: { status: 'success' } }],
		['with a numeric token and fields WISECP does not document', { set: { 'data.token': 12345, 'data.expires_in': 60, request_id: 'r-1' } }],
	])('%s', async (_label, reshape) => {
		sandbox.fault({ provider: 'wisecp', method: 'POST', path: 'CreateClientSsoToken', fault: { kind: 'reshape', ...reshape } });
		const run = await wisecp(link(4));
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		// 60 s and single use are WISECP's documentation, not the answer's.
		expect(minted).toMatchObject({ resourceId: '4', expiresInSeconds: 60, singleUse: true });
		expect(await openLink(minted.url)).toBe(200);
	});

	it('`status: "error"` is still a failure', async () => {
		sandbox.fault({ provider: 'wisecp', method: 'POST', path: 'CreateClientSsoToken', fault: { kind: 'reshape', set: { status: 'error', message: 'User not found' } } });
		const run = await wisecp(link(4));
		expect(run.error?.description).toContain('user_not_found');
	});
});

describe('bad input is rejected before any request', () => {
	it.each([
		['a user id that is not an integer', '4.5', 'Invalid "User"'],
		['a negative user id', '-3', 'Invalid "User"'],
		['a name instead of an id', 'anna', 'Invalid "User"'],
		['an empty user id', '', 'Invalid "User": it is empty'],
	])('%s', async (_label, userId, message) => {
		const run = await wisecp({ ...link(), userId: byId('={{ $json.id }}') }, { items: [{ id: userId }] });
		expect(run.error?.message).toContain(message);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a destination that does not exist', async () => {
		const run = await wisecp(link(4, { destination: '={{ "ac-ps-nowhere" }}' }));
		expect(run.error?.message).toBe('Invalid "Destination": "ac-ps-nowhere" is not a WISECP destination');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a custom URL that is not http(s)', async () => {
		const run = await wisecp(link(4, { destination: 'customUrl', destinationUrl: 'javascript:alert(1)' }));
		expect(run.error?.message).toContain('Invalid "Destination URL"');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('WISECP errors, whatever the HTTP status', () => {
	it('a wrong key (401)', async () => {
		const run = await wisecp(link(4), { credentials: credentials({ apiKey: 'wrong-key-123456' }) });
		expect(run.error?.message).toBe('Invalid API key');
		expect(run.error?.description).toContain('WISECP error code: invalid_api_key');
		expectNoSecrets(run, ['wrong-key-123456']);
	});

	it('a key not permitted to call the action (200)', async () => {
		const run = await wisecp(link(4), { credentials: credentials({ apiKey: WISECP_KEYS.noSsoPermission }) });
		expect(run.error?.message).toBe('This API key is not permitted to call Clients/CreateClientSsoToken');
		expect(run.error?.httpCode).toBe('200');
		expect(run.error?.description).toContain('allow this key the Clients/CreateClientSsoToken action');
		expect(run.error?.description).toContain('action_not_permitted');
	});

	it('an IP that is not allowed (403)', async () => {
		const run = await wisecp(link(4), { credentials: credentials({ apiKey: WISECP_KEYS.ipRestricted }) });
		expect(run.error?.message).toBe('Your IP address (127.0.0.1) is not allowed to use this API key');
		expect(run.error?.description).toContain('ip_not_allowed');
		expect(run.error?.description).toContain("key's allowed IPs");
	});

	it('an unknown user (200)', async () => {
		const run = await wisecp(link(999));
		expect(run.error?.message).toBe('User not found');
		expect(run.error?.description).toContain('user_not_found');
	});

	it('a wrong API URL', async () => {
		const run = await wisecp(link(4), { credentials: credentials({ apiUrl: `${sandbox.baseUrl('wisecp')}/wrong/` }) });
		expect(run.error?.message).toBe('WISECP answered HTTP 404 with a page that is not its API');
		expect(run.error?.description).toContain('Settings › General › API');
	});

	it('continue on fail: one paired item each, no secrets', async () => {
		const run = await wisecp({ ...link(), userId: byId('={{ $json.id }}') }, { continueOnFail: true, items: [{ id: 4 }, { id: 999 }, { id: 'x' }, { id: 5 }] });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toEqual({ error: 'User not found', code: 'user_not_found', httpCode: 200, provider: 'wisecp' });
		expect(run.items[2].json).toMatchObject({ code: 'invalid_parameter', provider: 'wisecp' });
		expectSsoLink(run.items[3]);
		expectNoSecrets(run, [WISECP_KEYS.full]);
	});
});

describe('client picker (REST API)', () => {
	it('lists clients, searchable by name or e-mail', async () => {
		const all = await listSearch({ type: 'wisecp', method: 'searchWisecpClients', parameters: {}, credentials: credentials() });
		expect(all.results).toHaveLength(30);
		const client = wisecpClient(4);
		expect(all.results[3]).toEqual({ name: expect.stringContaining(`${client.full_name}`), value: '4' });
		expect(all.results[3].name).toContain(`<${client.email}>`);
		const byEmail = await listSearch({ type: 'wisecp', method: 'searchWisecpClients', parameters: {}, credentials: credentials(), filter: client.email });
		expect(byEmail.results.map((entry) => entry.value)).toEqual(['4']);
		expect(sandbox.requestsTo('wisecp').every((entry) => entry.path === '/api/v1/admin/clients')).toBe(true);
	});

	it('pages through many clients', async () => {
		sandbox.wisecp.growTo(130);
		const first = await listSearch({ type: 'wisecp', method: 'searchWisecpClients', parameters: {}, credentials: credentials() });
		expect(first.results).toHaveLength(100);
		const second = await listSearch({
			type: 'wisecp',
			method: 'searchWisecpClients',
			parameters: {},
			credentials: credentials(),
			paginationToken: first.paginationToken as string,
		});
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
	});

	it('says why the list is empty where WISECP has no REST API, and By ID still works', async () => {
		sandbox.wisecp.restApiAvailable = false;
		await expect(
			listSearch({ type: 'wisecp', method: 'searchWisecpClients', parameters: {}, credentials: credentials() }),
		).rejects.toThrow('This WISECP has no client list (its REST API, /api/v1, is not installed). Enter the user ID "By ID".');
		const run = await wisecp(link(4));
		expect(run.error).toBeUndefined();
	});

	it('a client picked from the list mints a link', async () => {
		const run = await wisecp({ ...link(), userId: fromList('7') });
		expect(expectSsoLink(run.items[0]).resourceId).toBe('7');
	});
});
