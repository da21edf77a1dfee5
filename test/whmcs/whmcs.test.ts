/**
 * The WHMCS node, run inside real n8n executions against the sandbox's WHMCS
 * (README, "WHMCS").
 */
import { byId, expectNoSecrets, expectSsoLink, fromList, openLink } from '../helpers/assertions';
import { credentialTest, listSearch, runNode } from '../helpers/n8n';
import type { RunNodeOptions } from '../helpers/n8n';
import { Sandbox } from '../sandbox/server';
import {
	WHMCS_API_CREDENTIALS,
	WHMCS_CLIENT,
	WHMCS_CLIENTS,
	WHMCS_CLIENT_WITHOUT_SERVICES,
	WHMCS_DESTINATIONS,
	WHMCS_DOMAIN,
	WHMCS_KEY,
	WHMCS_OTHER_SERVICE,
	WHMCS_SERVICE,
	WHMCS_SERVICES,
	WHMCS_SSO_BLOCKED_CLIENT,
	WHMCS_USER,
	whmcsServicePassword,
} from '../sandbox/whmcs';
import { DESTINATIONS } from '../../nodes/providers/whmcs/destinations';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const { full, listOnly, ssoOnly } = WHMCS_API_CREDENTIALS;
const SECRETS = [full.identifier, full.secret, WHMCS_KEY];

function credentials(overrides: Record<string, unknown> = {}) {
	return { whmcsApi: { baseUrl: sandbox.baseUrl('whmcs'), identifier: full.identifier, secret: full.secret, accessKey: WHMCS_KEY, ...overrides } };
}

function whmcs(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'whmcs', parameters, credentials: credentials(), ...extra });
}

const link = (clientId: string | number = WHMCS_CLIENT, more: Record<string, unknown> = {}) => ({
	resource: 'client',
	operation: 'createSsoLink',
	clientId: byId(String(clientId)),
	...more,
});

/** What the node asked WHMCS, without the credential (the sandbox strips it). */
const asked = (): Array<Record<string, unknown>> => sandbox.whmcs.calls.map(({ action, ...fields }) => ({ action, ...fields }));

describe('credential test, as n8n runs it', () => {
	const test = (overrides: Record<string, unknown> = {}) => credentialTest('whmcsApi', credentials(overrides).whmcsApi);

	it('passes a working credential, and mints nothing', async () => {
		expect(await test()).toEqual({ status: 'OK', message: 'WHMCS accepted the API credential for CreateSsoToken and GetClients' });
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
		expect(sandbox.whmcs.secretsInQuery).toEqual([]);
	});

	it('passes without the access key where WHMCS allows n8n\'s IP', async () => {
		sandbox.whmcs.ipAllowed = true;
		expect((await test({ accessKey: '' })).status).toBe('OK');
	});

	it('tells a wrong secret from a refused IP from a missing permission', async () => {
		expect(await test({ secret: 'wrong-secret-0123456789' })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^WHMCS rejected the API identifier or secret: Authentication Failed\. Check the API identifier and secret/),
		});
		const refused = await test({ accessKey: '' });
		expect(refused.status).toBe('Error');
		expect(refused.message).toMatch(/^WHMCS does not accept API calls from n8n's IP address: Invalid IP 127\.0\.0\.1\. /);
		expect(refused.message).toContain('API IP Access Restriction');
		expect(await test({ identifier: listOnly.identifier, secret: listOnly.secret })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^The API credential's role does not allow CreateSsoToken \(Invalid Permissions: API action "createssotoken" is not allowed\)/),
		});
		expect(await test({ identifier: ssoOnly.identifier, secret: ssoOnly.secret })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^The API credential's role does not allow GetClients /),
		});
	});

	it('reads an IP refusal sent with HTTP 403 the same way', async () => {
		sandbox.whmcs.ipRefusalStatus = 403;
		expect((await test({ accessKey: '' })).message).toMatch(/^WHMCS does not accept API calls from n8n's IP address: Invalid IP/);
	});

	it('fails a wrong Base URL and an unreachable server, saying so', async () => {
		expect((await test({ baseUrl: `${sandbox.baseUrl('whmcs')}/wrong` })).message).toMatch(/^WHMCS refused the test \(http_404\): WHMCS answered HTTP 404 with something other than its API's JSON\. Check the Base URL/);
		expect(await test({ baseUrl: 'http://127.0.0.1:9' })).toEqual({ status: 'Error', message: 'Could not reach WHMCS at http://127.0.0.1:9: the connection was refused' });
	});

	it('never shows the secret, even when WHMCS echoes it', async () => {
		sandbox.fault({ provider: 'whmcs', fault: { kind: 'status', status: 200, message: `Authentication Failed for ${full.secret}` } });
		const verdict = await test();
		expect(verdict.status).toBe('Error');
		for (const secret of SECRETS) expect(verdict.message).not.toContain(secret);
	});
});

describe('client createSsoLink', () => {
	it('mints a client-area link valid 60 seconds, single use, with the credential in the form body only', async () => {
		const before = Date.now();
		const run = await whmcs(link());
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		expect(minted).toMatchObject({ provider: 'whmcs', target: 'clientArea', resourceId: String(WHMCS_CLIENT), expiresInSeconds: 60, singleUse: true });
		expect(Date.parse(minted.expiresAt as string) - before).toBeGreaterThanOrEqual(59_000);
		expect(asked()).toEqual([{ action: 'CreateSsoToken', responsetype: 'json', client_id: String(WHMCS_CLIENT), destination: 'clientarea:homepage' }]);
		expect(sandbox.whmcs.secretsInQuery).toEqual([]);
		expect(sandbox.requests[0].query).toEqual({});
		expect(await openLink(minted.url)).toBe(200);
		expect(await openLink(minted.url)).toBe(410);
	});

	it('offers every destination WHMCS documents, named for people', () => {
		expect(DESTINATIONS.map((entry) => entry.value).sort()).toEqual([...WHMCS_DESTINATIONS].sort());
		for (const entry of DESTINATIONS) expect(entry.name).not.toContain(':');
	});

	it.each([
		['clientarea:invoices', {}, {}],
		['clientarea:product_details', { serviceId: byId(String(WHMCS_SERVICE)) }, { service_id: String(WHMCS_SERVICE) }],
		['clientarea:upgrade', { serviceId: fromList(String(WHMCS_SERVICE)) }, { service_id: String(WHMCS_SERVICE) }],
		['clientarea:domain_dns', { domainId: byId(String(WHMCS_DOMAIN)) }, { domain_id: String(WHMCS_DOMAIN) }],
		['sso:custom_redirect', { redirectPath: '/cart.php?a=add&pid=1' }, { sso_redirect_path: 'cart.php?a=add&pid=1' }],
	])('lands on %s with what it takes', async (destination, parameters, sent) => {
		const run = await whmcs(link(WHMCS_CLIENT, { destination, ...parameters }));
		expect(run.error).toBeUndefined();
		expect(asked()).toEqual([{ action: 'CreateSsoToken', responsetype: 'json', client_id: String(WHMCS_CLIENT), destination, ...sent }]);
		expect(sandbox.whmcs.ssoGrants).toHaveLength(1);
	});

	it('sends only what the destination takes', async () => {
		await whmcs(link(WHMCS_CLIENT, { destination: 'clientarea:tickets', serviceId: byId('5'), domainId: byId('6'), redirectPath: 'x.php' }));
		expect(asked()[0]).toEqual({ action: 'CreateSsoToken', responsetype: 'json', client_id: String(WHMCS_CLIENT), destination: 'clientarea:tickets' });
	});

	it('logs in as a WHMCS 8 user of the client', async () => {
		const run = await whmcs(link(WHMCS_CLIENT, { options: { userId: String(WHMCS_USER) } }));
		expect(run.error).toBeUndefined();
		expect(sandbox.whmcs.ssoGrants[0]).toMatchObject({ clientId: WHMCS_CLIENT, userId: WHMCS_USER });
	});

	it('takes the ids from an earlier node', async () => {
		const run = await whmcs(
			{ ...link(), clientId: byId('={{ $json.client }}'), destination: 'clientarea:product_details', serviceId: byId('={{ $json.service }}') },
			{ items: [{ client: WHMCS_CLIENT, service: WHMCS_SERVICE }] },
		);
		expect(run.error).toBeUndefined();
		expect(asked()[0]).toMatchObject({ client_id: String(WHMCS_CLIENT), service_id: String(WHMCS_SERVICE) });
	});
});

describe('bad input is rejected before any request', () => {
	it.each([
		['a client id that is not a whole number', { clientId: byId('12.5') }, 'Invalid "Client": "12.5" is not a positive whole number (e.g. 42)'],
		['a link in the client id', { clientId: byId('https://billing.example.com/oauth/singlesignon.php?access_token=abc') }, 'Invalid "Client": a value that looks like a link'],
		['an empty client id', { clientId: byId('={{ "" }}') }, 'Invalid "Client": it is empty'],
		['a destination that does not exist', { destination: '={{ "clientarea:nowhere" }}' }, 'Invalid "Destination": "clientarea:nowhere" is not a WHMCS destination'],
		['Service Details without a service', { destination: 'clientarea:product_details' }, 'Invalid "Service": it is empty'],
		['Domain DNS without a domain', { destination: 'clientarea:domain_dns' }, 'Invalid "Domain": it is empty'],
		['a custom redirect to another site', { destination: 'sso:custom_redirect', redirectPath: 'https://evil.example.com/' }, 'Invalid "Redirect Path": use a path inside WHMCS'],
		['a protocol-relative custom redirect', { destination: 'sso:custom_redirect', redirectPath: '//evil.example.com/' }, 'Invalid "Redirect Path"'],
		['an empty custom redirect', { destination: 'sso:custom_redirect' }, 'Invalid "Redirect Path": it is empty'],
		['a user id that is not a number', { options: { userId: 'anna' } }, 'Invalid "User ID": "anna" is not a positive whole number'],
	])('%s', async (_label, parameters, message) => {
		const run = await whmcs(link(WHMCS_CLIENT, parameters));
		expect(run.error?.message).toContain(message);
		expect(run.error?.message).not.toContain('access_token=abc');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe("WHMCS's errors, in its words, though it answers HTTP 200", () => {
	it('a client who turned single sign-on off', async () => {
		const run = await whmcs(link(WHMCS_SSO_BLOCKED_CLIENT));
		expect(run.error?.message).toBe(`SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}`);
		expect(run.error?.httpCode).toBe('200');
		expect(run.error?.description).toContain('sso_blocked');
		expect(run.error?.description).toContain('Account › Security Settings');
	});

	it('an unknown client, and a user of another client', async () => {
		expect((await whmcs(link(999))).error?.description).toContain('client_not_found');
		const other = await whmcs(link(WHMCS_CLIENT + 1, { options: { userId: '250' } }));
		expect(other.error?.description).toContain('invalid_user_id');
	});

	it.each([
		['a refused IP (HTTP 200)', 200],
		['a refused IP (HTTP 403)', 403],
	])('%s explains both ways out', async (_label, status) => {
		sandbox.whmcs.ipRefusalStatus = status as 200 | 403;
		const run = await whmcs(link(), { credentials: credentials({ accessKey: '' }) });
		expect(run.error?.message).toBe('Invalid IP 127.0.0.1');
		expect(run.error?.httpCode).toBe(String(status));
		expect(run.error?.description).toContain('invalid_ip');
		expect(run.error?.description).toContain("API access key ($api_access_key in configuration.php)");
	});

	it('a wrong secret, and a role without the action', async () => {
		const wrong = await whmcs(link(), { credentials: credentials({ secret: 'wrong-secret-0123456789' }) });
		expect(wrong.error?.message).toBe('Authentication Failed');
		expect(wrong.error?.description).toContain('authentication_failed');
		expectNoSecrets(wrong, [...SECRETS, 'wrong-secret-0123456789']);
		const role = await whmcs(link(), { credentials: credentials({ identifier: listOnly.identifier, secret: listOnly.secret }) });
		expect(role.error?.message).toBe('Invalid Permissions: API action "createssotoken" is not allowed');
		expect(role.error?.description).toContain('API Roles');
	});

	it('a page that is not WHMCS (HTML with HTTP 200)', async () => {
		sandbox.fault({ provider: 'whmcs', fault: { kind: 'html', status: 200 } });
		const run = await whmcs(link());
		expect(run.error?.message).toBe("WHMCS answered HTTP 200 with something other than its API's JSON");
		expect(run.error?.description).toContain('{Base URL}/includes/api.php');
	});

	it('continue on fail: one paired item each, no secrets', async () => {
		const run = await whmcs({ ...link(), clientId: byId('={{ $json.id }}') }, { continueOnFail: true, items: [{ id: WHMCS_CLIENT }, { id: WHMCS_SSO_BLOCKED_CLIENT }, { id: 'x' }] });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toEqual({ error: `SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}`, code: 'sso_blocked', httpCode: 200, provider: 'whmcs' });
		expectNoSecrets(run, SECRETS);
	});
});

describe('client getMany', () => {
	const getMany = (more: Record<string, unknown> = {}) => whmcs({ resource: 'client', operation: 'getMany', ...more });

	it('returns all 60 clients, following totalresults (a string) across capped pages', async () => {
		sandbox.whmcs.paging = { pageSizeCap: 25 };
		const run = await getMany({ returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.id).sort()).toEqual(WHMCS_CLIENTS.map((client) => String(client.id)).sort());
		expect(asked().map((call) => call.limitstart)).toEqual(['0', '25', '50']);
	});

	it('asks for no more than the Limit needs', async () => {
		const run = await getMany({ returnAll: false, limit: 7 });
		expect(run.items).toHaveLength(7);
		expect(asked()).toEqual([{ action: 'GetClients', responsetype: 'json', limitstart: '0', limitnum: '7' }]);
	});

	it("searches as WHMCS does, and reads an empty answer (clients: '') as none", async () => {
		const run = await getMany({ returnAll: true, filters: { search: 'anna b' } });
		expect(run.items.map((item) => item.json.id)).toEqual([String(WHMCS_CLIENT)]);
		for (const emptyListAs of ['emptyString', 'missing', 'emptyList'] as const) {
			sandbox.whmcs.emptyListAs = emptyListAs;
			const none = await getMany({ returnAll: true, filters: { search: 'erg' } });
			expect({ emptyListAs, error: none.error?.message, items: none.items.length }).toEqual({ emptyListAs, error: undefined, items: 0 });
		}
	});

	it('says so when WHMCS ignores limitstart, rather than list the same clients again', async () => {
		sandbox.whmcs.paging = { ignoreOffset: true, pageSizeCap: 25 };
		const run = await getMany({ returnAll: true });
		expect(run.error?.message).toContain('ignores offset');
	});
});

describe('service getMany', () => {
	it("lists the client's services, never their passwords", async () => {
		const run = await whmcs({ resource: 'service', operation: 'getMany', clientId: fromList(String(WHMCS_CLIENT)), returnAll: true });
		expect(run.error).toBeUndefined();
		const ids = WHMCS_SERVICES.filter((service) => service.clientid === String(WHMCS_CLIENT)).map((service) => String(service.id));
		expect(run.items.map((item) => item.json.id)).toEqual(ids);
		expect(run.items[0].json).not.toHaveProperty('password');
		expectNoSecrets(run, ids.map((id) => whmcsServicePassword(Number(id))));
	});

	it('none for a client without services; an error for an unknown client', async () => {
		const none = await whmcs({ resource: 'service', operation: 'getMany', clientId: byId(String(WHMCS_CLIENT_WITHOUT_SERVICES)), returnAll: true });
		expect(none.items).toEqual([]);
		const unknown = await whmcs({ resource: 'service', operation: 'getMany', clientId: byId('999'), returnAll: true });
		expect(unknown.error?.message).toBe('Client Not Found');
		expect(unknown.error?.description).toContain('client_not_found');
	});

	it('retries a read on a 503, though WHMCS takes it as a POST', async () => {
		sandbox.fault({ provider: 'whmcs', times: 1, fault: { kind: 'status', status: 503, message: 'Down for maintenance' } });
		const run = await whmcs({ resource: 'service', operation: 'getMany', clientId: byId(String(WHMCS_CLIENT)), returnAll: true });
		expect(run.error).toBeUndefined();
		expect(sandbox.requests.map((entry) => entry.status)).toEqual([503, 200]);
	});
});

describe('resource pickers', () => {
	const pick = (method: string, parameters: Record<string, unknown> = {}, filter?: string, paginationToken?: string) =>
		listSearch({ type: 'whmcs', method, parameters: { resource: 'client', operation: 'createSsoLink', ...parameters }, credentials: credentials(), filter, paginationToken });

	it('searches clients, named for people', async () => {
		const found = await pick('searchWhmcsClients', {}, 'anna b');
		expect(found.results).toEqual([{ name: expect.stringMatching(/^Anna Berg, Acme Bakery AB <.+> \(#12\)$/), value: '12' }]);
	});

	it("offers the chosen client's services and domains", async () => {
		const services = await pick('searchWhmcsServices', { clientId: fromList(String(WHMCS_CLIENT)), destination: 'clientarea:product_details' });
		expect(services.results.map((entry) => entry.value)).toContain(String(WHMCS_SERVICE));
		expect(services.results.map((entry) => entry.value)).not.toContain(String(WHMCS_OTHER_SERVICE));
		const domains = await pick('searchWhmcsDomains', { clientId: byId(String(WHMCS_CLIENT)), destination: 'clientarea:domain_dns' });
		expect(domains.results.map((entry) => entry.value)).toContain(String(WHMCS_DOMAIN));
	});

	it('asks for the client first', async () => {
		await expect(pick('searchWhmcsServices', { clientId: fromList('') })).rejects.toThrow("Choose the client first: the list shows that client's services");
	});
});

describe('SSO Link node, provider whmcs', () => {
	it('mints the same link as the WHMCS node', async () => {
		const run = await runNode({
			type: 'ssoLink',
			parameters: { provider: 'whmcs', clientId: byId(String(WHMCS_CLIENT)), destination: 'clientarea:domain_details', domainId: byId(String(WHMCS_DOMAIN)) },
			credentials: credentials(),
		});
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ provider: 'whmcs', target: 'clientArea', resourceId: String(WHMCS_CLIENT), singleUse: true });
		expect(asked()[0]).toMatchObject({ destination: 'clientarea:domain_details', domain_id: String(WHMCS_DOMAIN) });
	});
});
